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
pub mod normalize;
pub mod shards;
#[cfg(test)]
mod tests;

use std::sync::Mutex;

use rayon::prelude::*;
use serde::Serialize;
use sha2::{Digest, Sha256};
use tera::Context;

use self::index::{DocGrams, DocStreams, Gram, MAX_GRAM, Sharding};
use self::shards::{ShardBuilder, gzip, put_varint, shard_count};
use crate::build::{DocText, DocTexts, LoadedSite};
use crate::diagnostics::{Diagnostic, Diagnostics};
use crate::output::{Sink, minify};
use crate::theme::context::SiteCtx;

/// Characters of text per counts shard and per positions shard: shards of a few
/// kilobytes compressed, so that a query fetches little.
const CHARS_PER_A_SHARD: usize = 8_000;
const CHARS_PER_B_SHARD: usize = 8_000;
/// Shards of a pass filled together, from one walk through the documents.
const SHARDS_PER_GROUP: usize = 32;
/// Characters indexed per pass: bounds the build's memory on very large sites.
const CHARS_PER_PASS: usize = 8_000_000;
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
}

/// The document's streams: its title, the titles of its headings, its blocks.
pub fn streams(title: &str, text: &DocText) -> DocStreams {
    DocStreams::new(
        title,
        text.sections.iter().filter(|s| s.level > 0).map(|s| s.title.as_str()),
        text.sections
            .iter()
            .flat_map(|s| s.blocks.iter().map(|b| b.text.as_str())),
    )
}

/// Builds the index of `texts` (indexed like `site.tree.documents`), writes it under
/// `search/`, and renders the search page.
pub fn write_all(
    site: &LoadedSite,
    texts: &DocTexts,
    site_ctx: &SiteCtx,
    base: &Context,
    sink: &dyn Sink,
) -> Result<Output, Diagnostics> {
    let documents = &site.tree.documents;
    let io = |rel: &str, e: std::io::Error| Diagnostics(vec![Diagnostic::error(rel, format!("cannot write: {e}"))]);
    // Streams are made again in each pass rather than kept: as `char`s they would take
    // four bytes per character of the whole site at once.
    let stream = |i: usize| streams(&documents[i].title, texts.get(i));
    let sizes: Vec<usize> = (0..documents.len())
        .into_par_iter()
        .map(|i| stream(i).chars())
        .collect();
    let total: usize = sizes.iter().sum();
    let a = shard_count(total, CHARS_PER_A_SHARD);
    let b = shard_count(total, CHARS_PER_B_SHARD);

    // Each file is written where it is made, on any thread; its digest goes into the
    // index's version.
    let written: Mutex<Vec<(String, [u8; 32], u64)>> = Mutex::default();
    let put = |rel: String, bytes: Vec<u8>| -> std::io::Result<()> {
        sink.write(&rel, &bytes)?;
        let digest = Sha256::digest(&bytes).into();
        written
            .lock()
            .expect("no panic holding it")
            .push((rel, digest, bytes.len() as u64));
        Ok(())
    };
    let failed = |e: (String, std::io::Error)| io(&e.0, e.1);

    build_shards(documents.len(), total, &stream, a, b, &put).map_err(failed)?;
    documents
        .par_iter()
        .enumerate()
        .try_for_each(|(i, d)| {
            let json = serde_json::to_vec(&docs::fragment(d, &texts.get(i).sections, &site_ctx.base_path))
                .expect("serialisable");
            let rel = format!("search/t/{i}.bin");
            put(rel.clone(), gzip(&json)).map_err(|e| (rel, e))
        })
        .map_err(failed)?;
    let meta = serde_json::to_vec(&docs::meta(documents, a, b, MAX_GRAM, TEXT_CHECK)).expect("serialisable");
    put("search/meta.bin".into(), gzip(&meta)).map_err(|e| io("search/meta.bin", e))?;

    let mut written = written.into_inner().expect("no panic holding it");
    written.sort_by(|x, y| x.0.cmp(&y.0));
    let mut h = Sha256::new();
    for (rel, digest, _) in &written {
        h.update(rel.as_bytes());
        h.update(digest);
    }
    let version: String = h.finalize().iter().take(6).map(|b| format!("{b:02x}")).collect();
    let bytes = written.iter().map(|w| w.2).sum();

    let search = SearchCtx {
        index: format!("{}search/", site_ctx.base_path),
        version,
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
        files: written.len() + 1,
        bytes,
    })
}

/// The shard a gram's list lives in (`shards` is a power of two).
pub fn shard_of(g: Gram, shards: u32) -> u32 {
    g.hash() & (shards - 1)
}

/// Builds every shard, in passes of bounded memory: each pass indexes all documents but
/// keeps only the grams of its share of shards. Hands each file to `put` as it is made
/// (on any thread); stops at the first that cannot be written, with its name.
fn build_shards(
    docs: usize,
    total: usize,
    stream: &(dyn Fn(usize) -> DocStreams + Sync),
    a: u32,
    b: u32,
    put: &(dyn Fn(String, Vec<u8>) -> std::io::Result<()> + Sync),
) -> Result<(), (String, std::io::Error)> {
    let passes = total.div_ceil(CHARS_PER_PASS).clamp(1, a.min(b) as usize) as u32;
    let put = |rel: String, bytes: Vec<u8>| put(rel.clone(), bytes).map_err(|e| (rel, e));
    for pass in 0..passes {
        let sharding = |shards| Sharding { shards, passes, pass };
        let per_doc: Vec<DocGrams> = (0..docs)
            .into_par_iter()
            .map(|i| index::doc_grams(&stream(i), sharding(a), sharding(b)))
            .collect();
        // Counts shards (`a/`), then positions shards (`b/`). Shards are filled a group at a time, going
        // through the documents once per group: once per shard, each document's records
        // were looked up shards x documents times, which grew with the square of the
        // site (a billion lookups at 13,000 reports).
        let kinds = [(sharding(a), 0u8), (sharding(b), 1u8)];
        kinds
            .par_iter()
            .flat_map(|&(sharding, kind)| {
                let slots = sharding.slots();
                (0..slots.div_ceil(SHARDS_PER_GROUP)).into_par_iter().map(move |g| {
                    let group = g * SHARDS_PER_GROUP..((g + 1) * SHARDS_PER_GROUP).min(slots);
                    (sharding, kind, group)
                })
            })
            .try_for_each(|(sharding, kind, group)| {
                let mut shards: Vec<ShardBuilder> = group.clone().map(|_| ShardBuilder::default()).collect();
                let mut body = Vec::new();
                for (doc, grams) in per_doc.iter().enumerate() {
                    for (shard, k) in shards.iter_mut().zip(group.clone()) {
                        if kind == 0 {
                            for r in grams.counts_in(k) {
                                body.clear();
                                put_varint(&mut body, u64::from(r.value()));
                                shard.push(r.gram(), doc as u32, &body, &[]);
                            }
                        } else {
                            for (gram, head, tail) in grams.positions_in(k) {
                                shard.push(gram, doc as u32, head, tail);
                            }
                        }
                    }
                }
                for (shard, k) in shards.into_iter().zip(group) {
                    let s = sharding.first() + k as u32;
                    if kind == 0 {
                        put(format!("search/a/{s}.bin"), gzip(&shard.encode(0)))?;
                    } else {
                        put(format!("search/b/{s}.bin"), gzip(&shard.encode(TEXT_CHECK as u64 + 1)))?;
                    }
                }
                Ok(())
            })?;
    }
    Ok(())
}
