//! Client-side full-text search that finds what Ctrl+F would find.
//!
//! Built here, inside the build, from each document's plain text ([`DocText`]); queried
//! in the browser by `themes/default/static/search.js`, which fetches only the shards a
//! query needs. Why a hand-written index rather than an off-the-shelf one: elasticlunr
//! (Zola's) drops CJK unless built specially and then drops digits, and Pagefind splits
//! Chinese into words, so a query that cuts across words (温恒湿 inside 恒温恒湿, 是一段)
//! finds nothing. Character n-grams have no word boundaries to miss. See [`index`] for
//! how a query is answered exactly, [`shards`] for the file format.
//!
//! Output, under `search/`:
//!
//! | file | content |
//! | --- | --- |
//! | `index.html` | the search page (`search.html`) |
//! | `meta.bin` | shard counts, each document's kind, year and date ([`docs`]) |
//! | `a/N.bin` | counts lists of every 1- to 4-gram whose hash falls in shard N |
//! | `b/N.bin` | positions lists of every bigram (in more than [`TEXT_CHECK`] documents) whose hash falls in shard N |
//! | `t/ID.bin` | one document's title, URL and text by section, for excerpts |
//!
//! Every `.bin` file is gzip. URLs carry `?v=VERSION` (a hash of the index) so that a
//! host may cache them forever.

pub mod docs;
pub mod index;
mod merge;
pub mod normalize;
pub mod patch;
mod segments;
pub mod shards;
pub mod sum;
#[cfg(test)]
mod tests;

use std::ops::Range;
use std::sync::Mutex;

use rayon::prelude::*;
use serde::Serialize;
use sha2::{Digest, Sha256};
use tera::Context;

use self::sum::IndexSum;

use self::index::{DocGrams, DocStreams, Gram, MAX_GRAM, SHARDS_PER_GROUP};
use self::shards::{ShardBuilder, gzip, put_varint, shard_count};
use crate::build::{DocText, DocTexts, LoadedSite};
use crate::content::Document;
use crate::diagnostics::{Diagnostic, Diagnostics};
use crate::output::{Sink, minify};
use crate::shelf::Shelf;
use crate::theme::context::SiteCtx;
pub use patch::Previous;

/// Characters of text per counts shard and per positions shard: shards of a few
/// kilobytes compressed, so that a query fetches little.
const CHARS_PER_A_SHARD: usize = 8_000;
const CHARS_PER_B_SHARD: usize = 8_000;
/// Characters indexed per pass: bounds the build's memory on very large sites. A pass
/// holds some 80 bytes per character (each document's grams and bigram positions, and
/// the shards being filled): 165 MB for 2 million at 13,000 reports, where the index
/// was once the step that set the build's peak memory (#7). More passes cost more parts
/// to merge, read back cheaply ([`PartsFile::get`]).
const CHARS_PER_PASS: usize = 2_000_000;
/// A long query whose candidates are at most this many is checked against their text
/// (fetched anyway for the results shown) rather than against bigram positions. So the
/// positions of a bigram in this few documents or fewer are never needed: such lists are
/// not written. search.js reads the number from `meta.bin`.
pub const TEXT_CHECK: usize = 10;

/// `search` in the search page's context.
#[derive(Debug, Clone, Serialize)]
pub struct SearchCtx {
    /// URL of the index folder, with the base path (`/csr/search/`).
    pub index: String,
    /// Hash of the index files, appended to their URLs.
    pub version: String,
    /// Number of documents indexed.
    pub documents: usize,
}

/// What writing the index did.
#[derive(Debug, Default)]
pub struct Output {
    /// Files written (shards, fragments, meta, the page).
    pub files: usize,
    pub bytes: u64,
    /// Characters indexed: the shard counts follow from it (kept for [`patch`]).
    pub chars: u64,
    /// Made by patching the previous build's index.
    pub patched: bool,
    /// The index's files but the page, summed: its version, and what the next patch
    /// starts from.
    pub sum: IndexSum,
}

/// The document's streams: its title, the titles of its headings, its blocks, from the
/// same sections as its fragment ([`docs::sections`]).
pub fn streams(doc: &Document, text: &DocText) -> DocStreams {
    let sections = docs::sections(doc, &text.sections);
    DocStreams::new(
        &doc.title,
        sections.iter().map(|s| s.title),
        sections.iter().flat_map(|s| s.blocks.iter().map(|b| b.1.as_ref())),
    )
}

/// Builds the index of `texts` (indexed like `site.tree.documents`), writes it under
/// `search/`, and renders the search page. When only a few documents changed since
/// `previous`, its index is patched rather than built again ([`patch`]).
pub fn write_all(
    site: &LoadedSite,
    texts: &DocTexts,
    site_ctx: &SiteCtx,
    base: &Context,
    sink: &dyn Sink,
    previous: &dyn Previous,
) -> Result<Output, Diagnostics> {
    let documents = &site.tree.documents;
    let io = |rel: &str, e: std::io::Error| Diagnostics(vec![Diagnostic::error(rel, format!("cannot write: {e}"))]);
    // Streams are made where they are indexed (and once before, to count them) rather
    // than kept: as `char`s they would take four bytes per character of the whole site.
    let stream = |i: usize| streams(&documents[i], &texts.get(i));

    // Each file is written where it is made, on any thread, and added to the index's
    // sum ([`sum`]).
    let total: Mutex<IndexSum> = Mutex::default();
    let count = |s: IndexSum| {
        let mut total = total.lock().expect("no panic holding it");
        *total = *total + s;
    };
    let put = |rel: String, bytes: Vec<u8>| -> std::io::Result<()> {
        sink.write(&rel, &bytes)?;
        count(IndexSum::of(&rel, &Sha256::digest(&bytes).into(), bytes.len() as u64));
        Ok(())
    };
    let carry_where = |keep: patch::Keep, replaced: &[String], expected: usize| -> std::io::Result<bool> {
        let Some(carried) = previous.carry_where(keep, replaced, expected)? else {
            return Ok(false);
        };
        count(carried);
        Ok(true)
    };
    let fragment = |i: usize| {
        let d = &documents[i];
        let text = texts.get(i);
        let sections = docs::sections(d, &text.sections);
        gzip(&serde_json::to_vec(&docs::fragment(d, sections, &site_ctx.base_path)).expect("serialisable"))
    };
    let meta =
        |a: u32, b: u32| serde_json::to_vec(&docs::meta(documents, a, b, MAX_GRAM, TEXT_CHECK)).expect("serialisable");
    let writer = patch::Writer {
        documents: documents.len(),
        streams: &stream,
        fragment: &fragment,
        meta: &meta,
        put: &put,
        carry_where: &carry_where,
    };
    let failed = |e: (String, std::io::Error)| io(&e.0, e.1);
    let (chars, patched) = match patch::apply(&writer, previous).map_err(failed)? {
        Some(chars) => (chars, true),
        None => (write_whole(&writer).map_err(failed)?, false),
    };

    let sum = total.into_inner().expect("no panic holding it");

    let search = SearchCtx {
        index: format!("{}search/", site_ctx.base_path),
        version: sum.version(),
        documents: documents.len(),
    };
    let mut ctx = base.clone();
    ctx.insert("current_path", &format!("{}search/", site_ctx.base_path));
    ctx.insert("search", &search);
    let html = site
        .theme
        .render("search.html", &ctx, None)
        .map_err(|d| Diagnostics(vec![d]))?;
    sink.write("search/index.html", &minify::html(&html))
        .map_err(|e| io("search/index.html", e))?;
    Ok(Output {
        files: sum.files + 1,
        bytes: sum.bytes,
        chars,
        patched,
        sum,
    })
}

/// Builds the whole index; returns its characters.
fn write_whole(w: &patch::Writer) -> Result<u64, (String, std::io::Error)> {
    let sizes: Vec<usize> = (0..w.documents)
        .into_par_iter()
        .map(|i| (w.streams)(i).chars())
        .collect();
    let total: usize = sizes.iter().sum();
    let a = shard_count(total, CHARS_PER_A_SHARD);
    let b = shard_count(total, CHARS_PER_B_SHARD);
    build_shards(&sizes, CHARS_PER_PASS, w.streams, a, b, w.put)?;
    (0..w.documents).into_par_iter().try_for_each(|i| {
        let rel = fragment_file(i);
        (w.put)(rel.clone(), (w.fragment)(i)).map_err(|e| (rel, e))
    })?;
    (w.put)("search/meta.bin".into(), gzip(&(w.meta)(a, b))).map_err(|e| ("search/meta.bin".into(), e))?;
    Ok(total as u64)
}

/// The fragment file of document `doc` (see [`docs`]).
pub fn fragment_file(doc: usize) -> String {
    format!("search/t/{doc}.bin")
}

/// The shard a gram's list lives in (`shards` is a power of two).
pub fn shard_of(g: Gram, shards: u32) -> u32 {
    g.hash() & (shards - 1)
}

/// Consecutive ranges of documents (`sizes`: characters of each) of about
/// `chars_per_pass` characters each: the index's passes.
fn pass_ranges(sizes: &[usize], chars_per_pass: usize) -> Vec<Range<usize>> {
    let mut ranges = Vec::new();
    let (mut start, mut chars) = (0, 0);
    for (i, &n) in sizes.iter().enumerate() {
        if chars > 0 && chars + n > chars_per_pass {
            ranges.push(start..i);
            (start, chars) = (i, 0);
        }
        chars += n;
    }
    ranges.push(start..sizes.len());
    ranges
}

/// Which shards: counts (`a/`) or positions (`b/`).
#[derive(Debug, Clone, Copy, PartialEq)]
enum Kind {
    Counts,
    Positions,
}

impl Kind {
    fn file(self, shard: usize) -> String {
        match self {
            Kind::Counts => format!("search/a/{shard}.bin"),
            Kind::Positions => format!("search/b/{shard}.bin"),
        }
    }

    /// A shard of this kind, compressed (see [`shards::gzip_fast`] and [`segments`]).
    fn gzip(self, shard: &[u8]) -> Vec<u8> {
        match self {
            Kind::Counts => shards::gzip_fast(shard),
            Kind::Positions => segments::gzip(shard),
        }
    }

    /// Lists of fewer documents are left out of the finished shard (see [`TEXT_CHECK`]).
    fn min_docs(self) -> u64 {
        match self {
            Kind::Counts => 0,
            Kind::Positions => TEXT_CHECK as u64 + 1,
        }
    }
}

/// Builds every shard, in passes of bounded memory over consecutive ranges of documents
/// (`sizes`: characters of each): with one pass the shards are finished as they are
/// made; with several, each pass's part of every shard goes to a temporary file and the
/// parts are merged at the end ([`merge`]). Hands each file to `put` as it is made (on
/// any thread); stops at the first that cannot be written, with its name.
fn build_shards(
    sizes: &[usize],
    chars_per_pass: usize,
    stream: &(dyn Fn(usize) -> DocStreams + Sync),
    a: u32,
    b: u32,
    put: &(dyn Fn(String, Vec<u8>) -> std::io::Result<()> + Sync),
) -> Result<(), (String, std::io::Error)> {
    let ranges = pass_ranges(sizes, chars_per_pass);
    let put = |rel: String, bytes: Vec<u8>| put(rel.clone(), bytes).map_err(|e| (rel, e));
    let grams = |range: Range<usize>| -> Vec<DocGrams> {
        range
            .into_par_iter()
            .map(|i| index::doc_grams(&stream(i), a, b))
            .collect()
    };
    if let [range] = &ranges[..] {
        return fill_shards(&grams(range.clone()), 0, a, b, &|kind, shard, builder| {
            put(kind.file(shard), kind.gzip(&builder.encode(kind.min_docs())))
        });
    }
    let temporary = |e: std::io::Error| ("search index (temporary file)".to_string(), e);
    let parts = Parts::new(a as usize + b as usize, ranges.len()).map_err(temporary)?;
    for (pass, range) in ranges.iter().enumerate() {
        fill_shards(&grams(range.clone()), range.start, a, b, &|kind, shard, builder| {
            let slot = if kind == Kind::Counts {
                shard
            } else {
                a as usize + shard
            };
            parts.put(slot, pass, &builder.encode(0)).map_err(temporary)
        })?;
    }
    let parts = parts.written();
    let all = (0..a as usize).map(|s| (Kind::Counts, s, s));
    let all = all.chain((0..b as usize).map(|s| (Kind::Positions, s, a as usize + s)));
    all.collect::<Vec<_>>()
        .into_par_iter()
        .try_for_each(|(kind, shard, slot)| {
            let bytes = parts.get(slot).map_err(temporary)?;
            let merged = merge::merge(&bytes, kind.min_docs(), kind == Kind::Positions).ok_or_else(|| {
                temporary(std::io::Error::new(
                    std::io::ErrorKind::InvalidData,
                    "malformed part of a shard",
                ))
            })?;
            put(kind.file(shard), kind.gzip(&merged))
        })
}

/// Fills every shard with the grams of `per_doc` (documents `first_doc`, `first_doc +
/// 1`…) and hands each to `done`, on any thread.
///
/// Shards are filled a group at a time, going through the documents once per group:
/// once per shard, each document's records were looked up shards x documents times,
/// which grew with the square of the site (a billion lookups at 13,000 reports).
fn fill_shards(
    per_doc: &[DocGrams],
    first_doc: usize,
    a: u32,
    b: u32,
    done: &(dyn Fn(Kind, usize, ShardBuilder) -> Result<(), (String, std::io::Error)> + Sync),
) -> Result<(), (String, std::io::Error)> {
    let kinds = [(Kind::Counts, a), (Kind::Positions, b)];
    kinds
        .par_iter()
        .flat_map(|&(kind, shards)| {
            (0..index::groups(shards))
                .into_par_iter()
                .map(move |g| (kind, shards, g))
        })
        .try_for_each(|(kind, count, g)| {
            let group = g * SHARDS_PER_GROUP..((g + 1) * SHARDS_PER_GROUP).min(count as usize);
            let mut shards: Vec<ShardBuilder> = group.clone().map(|_| ShardBuilder::default()).collect();
            // A document's records come ordered by shard, so each shard receives them in
            // the same order as if its own were looked up alone.
            let slot = |gram: Gram| shard_of(gram, count) as usize - group.start;
            let mut body = Vec::new();
            for (i, grams) in per_doc.iter().enumerate() {
                let doc = (first_doc + i) as u32;
                if kind == Kind::Counts {
                    for r in grams.counts_in_group(g) {
                        body.clear();
                        put_varint(&mut body, u64::from(r.value()));
                        shards[slot(r.gram())].push(r.gram(), doc, &body, &[]);
                    }
                } else {
                    for (gram, head, tail) in grams.positions_in_group(g) {
                        shards[slot(gram)].push(gram, doc, head, tail);
                    }
                }
            }
            shards
                .into_iter()
                .zip(group)
                .try_for_each(|(builder, shard)| done(kind, shard, builder))
        })
}

/// The passes' parts of every shard, kept on a [`Shelf`] rather than in memory:
/// together they are as large as the index before compression.
struct Parts {
    shelf: Shelf,
    /// Per shard slot, per pass: where its part is on the shelf, and its length.
    at: Mutex<Vec<(u64, usize)>>,
    passes: usize,
}

impl Parts {
    fn new(slots: usize, passes: usize) -> std::io::Result<Parts> {
        Ok(Parts {
            shelf: Shelf::new()?,
            at: Mutex::new(vec![(0, 0); slots * passes]),
            passes,
        })
    }

    fn put(&self, slot: usize, pass: usize, bytes: &[u8]) -> std::io::Result<()> {
        let offset = self.shelf.put(bytes)?;
        self.at.lock().expect("no panic holding it")[slot * self.passes + pass] = (offset, bytes.len());
        Ok(())
    }

    /// The parts, once every pass has put its own, for reading from any thread with no
    /// lock (there are passes x shards of them: millions on a national site).
    fn written(self) -> PartsFile {
        PartsFile {
            shelf: self.shelf,
            at: self.at.into_inner().expect("no panic holding it"),
            passes: self.passes,
        }
    }
}

/// [`Parts`] once written.
struct PartsFile {
    shelf: Shelf,
    at: Vec<(u64, usize)>,
    passes: usize,
}

impl PartsFile {
    /// Every pass's part of a shard slot, in pass order.
    fn get(&self, slot: usize) -> std::io::Result<Vec<Vec<u8>>> {
        self.at[slot * self.passes..(slot + 1) * self.passes]
            .iter()
            .map(|&(offset, len)| self.shelf.get(offset, len))
            .collect()
    }
}
