//! Patching the previous build's index when the text of a few documents changed.
//!
//! Editing the body of one report changes a handful of pages, yet the index was built
//! again whole: 44 of the 61 seconds of such a build at 13,000 reports. A document's
//! changed grams land in some hundreds or thousands of shards; the other
//! shards are the same bytes as before and are taken from the previous build. An
//! affected shard is read back, the changed documents' entries are taken out of its
//! lists and their new ones put in, and it is written again: **the same bytes a full
//! build makes** (the tests compare them), so the index's version and the browser's
//! caching work as before.
//!
//! A changed document's previous grams come from its previous fragment (`t/ID.bin`),
//! which holds exactly the text its streams were made from ([`super::docs::sections`]).
//! One list needs more than the changed documents: a bigram's positions list is only
//! written once the bigram is in more than [`TEXT_CHECK`] documents, so when an edit
//! takes a bigram over that line, its positions in the other documents are found in
//! their fragments.
//!
//! Everything is computed before anything is written; anything unexpected in the
//! previous files (or shard counts that the new size would change) gives up the patch,
//! and the caller builds the index whole.

use std::collections::{BTreeMap, HashMap};
use std::io::Read as _;
use std::sync::Arc;

use flate2::read::GzDecoder;
use rayon::prelude::*;
use serde::Deserialize;

use super::index::{BODY, DocGrams, DocStreams, Gram, HEADING, Positions, TITLE, doc_grams, groups};
use super::shards::{entries, get_varint, put_entry, put_positions, put_varint, read_counts};
use super::sum::IndexSum;
use super::{Kind, TEXT_CHECK, shard_of};

mod recent;
#[cfg(test)]
mod tests;

pub use recent::RecentShards;

/// What the index can take from the previous build (the build cache provides it).
pub trait Previous: Sync {
    /// Whether document `i`'s searchable text and metadata are those the previous index
    /// was made from.
    fn unchanged(&self, doc: usize) -> bool;
    /// A file of the previous index, as written (gzip).
    fn read(&self, rel: &str) -> Option<Vec<u8>>;
    /// Publishes unchanged every file of the previous index that `keep` accepts, if
    /// there are `expected` of them: all but the `replaced` ones. Returns their sum, or
    /// `None`, with nothing published, if there is another number of them.
    fn carry_where(&self, keep: Keep, replaced: &[String], expected: usize) -> std::io::Result<Option<IndexSum>>;
    /// Characters the previous index was made from ([`super::Output::chars`]).
    fn chars(&self) -> Option<u64>;
    /// The shards the last patch made, inflated ([`RecentShards`]), if kept.
    fn recent(&self) -> Option<&RecentShards>;
}

/// Which files of the previous index to carry.
pub type Keep<'a> = &'a (dyn Fn(&str) -> bool + Sync);

/// Carries the previous files `keep` accepts (all but those named) if there are as many
/// as expected ([`Previous::carry_where`]); returns whether it did.
pub type CarryWhere<'a> = dyn Fn(Keep, &[String], usize) -> std::io::Result<bool> + Sync + 'a;

/// Inflates a gzip file; `None` if it is not one.
pub fn gunzip(bytes: &[u8]) -> Option<Vec<u8>> {
    let mut out = Vec::with_capacity(bytes.len() * 4);
    GzDecoder::new(bytes).read_to_end(&mut out).ok()?;
    Some(out)
}

/// The part of a fragment the streams are made from.
#[derive(Deserialize)]
struct StoredFragment {
    title: String,
    sections: Vec<StoredSection>,
}

#[derive(Deserialize)]
struct StoredSection {
    title: String,
    blocks: Vec<(Option<String>, String)>,
}

/// The streams a fragment (`t/ID.bin`, gzip) was made with.
pub fn fragment_streams(gz: &[u8]) -> Option<DocStreams> {
    let f: StoredFragment = serde_json::from_slice(&gunzip(gz)?).ok()?;
    Some(DocStreams::new(
        &f.title,
        f.sections.iter().map(|s| s.title.as_str()),
        f.sections.iter().flat_map(|s| s.blocks.iter().map(|b| b.1.as_str())),
    ))
}

/// One changed document: its id and its grams in the previous and in this build.
pub struct Change {
    pub doc: u32,
    pub old: DocGrams,
    pub new: DocGrams,
}

/// What happens to one document in one list: taken out (`None`) or given new bytes.
type Edits<T> = BTreeMap<u32, Option<T>>;

/// The edits of one shard's lists, by gram.
type ShardEdits<T> = BTreeMap<Gram, Edits<T>>;

/// A patched shard: its file name, its bytes as written and inflated.
type Patched = (String, Vec<u8>, Arc<Vec<u8>>);

/// A previous shard to patch: its file name, its bytes as written and inflated, and its
/// edits.
type OldShard<T> = (String, Vec<u8>, Arc<Vec<u8>>, ShardEdits<T>);

/// A document's entry in a positions list: its header and its positions, encoded.
type Encoded = (Vec<u8>, Vec<u8>);

/// A bigram a patch touched: its new number of documents, and the documents when a
/// positions list may have to be made for it ([`patch_counts`]).
type Touched = (Gram, u64, Option<Vec<u32>>);

/// One document of a positions list, borrowed: (document, header, positions).
type Borrowed<'a> = (u32, &'a [u8], &'a [u8]);

/// A bigram's number of documents after the patch, and those documents when the
/// positions list may be new (see [`patch_shards`]).
type BigramDocs = HashMap<Gram, (u64, Option<Vec<u32>>)>;

/// The new bytes (gzip) of every shard the changes touch, by file name, made from the
/// previous shards (`read`) and, for a positions list an edit makes long enough to
/// keep, from the streams of the other documents (`streams_of`). `None` if a previous
/// file is missing or malformed.
pub fn patch_shards(
    changes: &[Change],
    a: u32,
    b: u32,
    read: &(dyn Fn(&str) -> Option<Vec<u8>> + Sync),
    streams_of: &(dyn Fn(u32) -> Option<DocStreams> + Sync),
    recent: &RecentShards,
) -> Option<Vec<(String, Vec<u8>)>> {
    let counts = edits(changes, a, |grams| {
        grams.counts.iter().map(|r| (r.gram(), r.value())).collect()
    });
    let positions = edits(changes, b, |grams| {
        (0..groups(b))
            .flat_map(|g| grams.positions_in_group(g))
            .map(|(gram, head, tail)| (gram, (head.to_vec(), tail.to_vec())))
            .collect()
    });
    let counts = inflated(Kind::Counts, counts, read, recent)?;
    let positions = inflated(Kind::Positions, positions, read, recent)?;

    // Counts lists first: they give each touched bigram's new number of documents.
    let patched: Vec<(Patched, Vec<Touched>)> = counts
        .into_par_iter()
        .with_max_len(1)
        .map(|(rel, _, old, edits)| {
            let (bytes, bigrams) = patch_counts(&old, &edits, changes.len())?;
            Some(((rel, Kind::Counts.gzip(&bytes), Arc::new(bytes)), bigrams))
        })
        .collect::<Option<_>>()?;
    let mut bigram_docs: BigramDocs = HashMap::new();
    let mut out = Vec::with_capacity(patched.len());
    let mut kept = Vec::with_capacity(patched.len());
    for ((rel, gz, bytes), bigrams) in patched {
        kept.push((gz.clone(), bytes));
        out.push((rel, gz));
        bigram_docs.extend(bigrams.into_iter().map(|(g, n, docs)| (g, (n, docs))));
    }

    let patched: Vec<Patched> = positions
        .into_par_iter()
        .with_max_len(1)
        .map(|(rel, old_gz, old, edits)| {
            let bytes = patch_positions(&old, &edits, &bigram_docs, streams_of)?;
            // The segments the edits did not change are copied compressed.
            let gz = super::segments::regzip(&old_gz, &old, &bytes);
            Some((rel, gz, Arc::new(bytes)))
        })
        .collect::<Option<_>>()?;
    for (rel, gz, bytes) in patched {
        kept.push((gz.clone(), bytes));
        out.push((rel, gz));
    }
    recent.keep(kept);
    Some(out)
}

/// The previous shards of `kind` that `edits` touch, read and inflated in parallel
/// ([`OldShard`]), largest first: one shard of a common bigram's
/// positions can take as long as all the others, and started last it would be patched
/// while the other threads wait.
fn inflated<T: Send + Sync>(
    kind: Kind,
    edits: BTreeMap<u32, ShardEdits<T>>,
    read: &(dyn Fn(&str) -> Option<Vec<u8>> + Sync),
    recent: &RecentShards,
) -> Option<Vec<OldShard<T>>> {
    let mut shards: Vec<OldShard<T>> = edits
        .into_par_iter()
        .map(|(shard, edits)| {
            let rel = kind.file(shard as usize);
            let gz = read(&rel)?;
            let old = recent.gunzip(&gz)?;
            Some((rel, gz, old, edits))
        })
        .collect::<Option<_>>()?;
    shards.sort_by_key(|s| std::cmp::Reverse(s.2.len()));
    Some(shards)
}

/// The changed documents' edits, by shard (of `shards`) and gram: each record (a count,
/// or encoded positions) that differs between a document's old and new grams, `None`
/// for a gram the document no longer has. A gram whose record did not change is left
/// alone, and a shard with no such gram is not rewritten.
fn edits<T: PartialEq>(
    changes: &[Change],
    shards: u32,
    records: impl Fn(&DocGrams) -> HashMap<Gram, T>,
) -> BTreeMap<u32, ShardEdits<T>> {
    let mut out: BTreeMap<u32, ShardEdits<T>> = BTreeMap::new();
    for c in changes {
        let (old, mut new) = (records(&c.old), records(&c.new));
        let gone: Vec<Gram> = old.keys().filter(|g| !new.contains_key(g)).copied().collect();
        new.retain(|g, r| old.get(g) != Some(&*r));
        let made = new.into_iter().map(|(g, r)| (g, Some(r)));
        for (gram, edit) in gone.into_iter().map(|g| (g, None)).chain(made) {
            out.entry(shard_of(gram, shards))
                .or_default()
                .entry(gram)
                .or_default()
                .insert(c.doc, edit);
        }
    }
    out
}

/// Walks a shard's entries and the edited grams together, in gram order: entries no
/// edit touches are copied as they are; `edit` makes the others (or drops them, given
/// `None`), including grams the shard did not have.
fn merge_entries<T>(
    shard: &[u8],
    edits: &BTreeMap<Gram, T>,
    mut edit: impl FnMut(Gram, Option<(u64, &[u8])>, &T) -> Option<Option<(u64, Vec<u8>)>>,
) -> Option<Vec<u8>> {
    fn put(out: &mut Vec<u8>, gram: Gram, made: Option<(u64, Vec<u8>)>) {
        if let Some((docs, list)) = made {
            put_entry(out, gram, docs, &[&list]);
        }
    }
    let old = entries(shard)?;
    let mut out = Vec::with_capacity(shard.len() + 1024);
    let mut pending = edits.iter().peekable();
    for e in &old {
        while let Some((&g, t)) = pending.next_if(|(g, _)| **g < e.gram) {
            put(&mut out, g, edit(g, None, t)?);
        }
        match pending.next_if(|(g, _)| **g == e.gram) {
            Some((&g, t)) => put(&mut out, g, edit(g, Some((e.docs, e.list)), t)?),
            None => put_entry(&mut out, e.gram, e.docs, &[e.list]),
        }
    }
    for (&g, t) in pending {
        put(&mut out, g, edit(g, None, t)?);
    }
    Some(out)
}

/// One counts shard with its edits applied (inflated), and every touched bigram's new
/// number of documents, with the documents themselves when there are at most
/// [`TEXT_CHECK`] + `changed` of them: a positions list the edit brings over the line
/// is built from those (before the edit it had at most [`TEXT_CHECK`]).
fn patch_counts(shard: &[u8], edits: &ShardEdits<u32>, changed: usize) -> Option<(Vec<u8>, Vec<Touched>)> {
    let mut bigrams = Vec::new();
    let limit = TEXT_CHECK + changed;
    let bytes = merge_entries(shard, edits, |gram, old, doc_edits| {
        let had: Vec<(u32, u64)> = match old {
            Some((_, l)) => read_counts(l)?,
            None => Vec::new(),
        };
        // Merged in document order straight into the new list, as in `patch_positions`.
        let mut bytes = Vec::with_capacity(had.len() * 3 + 8);
        let mut last: Option<u32> = None;
        let mut listed = 0usize;
        let mut few: Vec<u32> = Vec::new();
        let mut put = |d: u32, v: u64| {
            put_varint(&mut bytes, u64::from(last.map_or(d, |l| d - l - 1)));
            put_varint(&mut bytes, v);
            last = Some(d);
            listed += 1;
            if listed <= limit {
                few.push(d);
            }
        };
        let mut pending = doc_edits.iter().peekable();
        for (d, v) in had {
            while let Some((&e, edit)) = pending.next_if(|(e, _)| **e <= d) {
                if let Some(count) = edit {
                    put(e, u64::from(*count));
                }
            }
            if !doc_edits.contains_key(&d) {
                put(d, v);
            }
        }
        for (&e, edit) in pending {
            if let Some(count) = edit {
                put(e, u64::from(*count));
            }
        }
        if gram.len() == 2 {
            bigrams.push((gram, listed as u64, (listed <= limit).then_some(few)));
        }
        Some((listed > 0).then_some((listed as u64, bytes)))
    })?;
    Some((bytes, bigrams))
}

/// A positions list split into its documents: (document, header bytes, positions bytes).
fn split_positions(list: &[u8], docs: u64) -> Option<Vec<Borrowed<'_>>> {
    let mut at = 0;
    let mut doc: i64 = -1;
    let mut heads = Vec::new();
    for _ in 0..docs {
        doc += get_varint(list, &mut at)? as i64 + 1;
        let start = at;
        let header = get_varint(list, &mut at)?;
        let mut n = header >> 2;
        for flag in [2, 1] {
            if header & flag != 0 {
                n += get_varint(list, &mut at)?;
            }
        }
        heads.push((doc as u32, &list[start..at], n));
    }
    let mut out = Vec::with_capacity(heads.len());
    for (doc, head, n) in heads {
        let start = at;
        for _ in 0..n {
            get_varint(list, &mut at)?;
        }
        out.push((doc, head, &list[start..at]));
    }
    (at == list.len()).then_some(out)
}

/// Where `gram` (a bigram) occurs in each of `doc`'s streams, as the index counts it.
fn bigram_positions(doc: &DocStreams, gram: Gram) -> Positions {
    let pair: Vec<char> = gram.chars().collect();
    let mut p = Positions::default();
    for field in [TITLE, HEADING, BODY] {
        p[field] = doc.fields[field]
            .windows(2)
            .enumerate()
            .filter(|(_, w)| *w == pair.as_slice())
            .map(|(i, _)| i as u32)
            .collect();
    }
    p
}

/// One positions shard with its edits applied (inflated).
fn patch_positions(
    shard: &[u8],
    edits: &ShardEdits<Encoded>,
    bigram_docs: &BigramDocs,
    streams_of: &(dyn Fn(u32) -> Option<DocStreams> + Sync),
) -> Option<Vec<u8>> {
    merge_entries(shard, edits, |gram, old, doc_edits| {
        let (docs, all) = match (bigram_docs.get(&gram), old) {
            (Some((n, all)), _) => (*n, all.as_ref()),
            // The same documents have the bigram, some at other places.
            (None, Some((n, _))) => (n, None),
            (None, None) => return Some(None),
        };
        if docs <= TEXT_CHECK as u64 {
            return Some(None);
        }
        // The documents the list had, then those the edits take out, replace or add,
        // merged in document order straight into the new list: a common bigram's list
        // holds thousands of documents, and an edit changes one or two of them.
        let made: Vec<(u32, Vec<u8>, Vec<u8>)>;
        let had: Vec<Borrowed> = match old {
            Some((n, l)) => split_positions(l, n)?,
            // The list was too short to keep before: its other documents' positions
            // come from their text.
            None => {
                made = all?
                    .iter()
                    .filter(|d| !doc_edits.contains_key(d))
                    .map(|&d| {
                        let (mut head, mut tail) = (Vec::new(), Vec::new());
                        put_positions(&mut head, &mut tail, &bigram_positions(&streams_of(d)?, gram));
                        Some((d, head, tail))
                    })
                    .collect::<Option<_>>()?;
                made.iter().map(|(d, h, t)| (*d, h.as_slice(), t.as_slice())).collect()
            }
        };
        let size = old.map_or(0, |(_, l)| l.len());
        let (mut heads, mut tails) = (Vec::with_capacity(size + 64), Vec::with_capacity(size));
        let mut last: Option<u32> = None;
        let mut listed = 0u64;
        let mut put = |d: u32, head: &[u8], tail: &[u8]| {
            put_varint(&mut heads, u64::from(last.map_or(d, |l| d - l - 1)));
            heads.extend_from_slice(head);
            tails.extend_from_slice(tail);
            last = Some(d);
            listed += 1;
        };
        let mut pending = doc_edits.iter().peekable();
        for (d, head, tail) in had {
            while let Some((&e, edit)) = pending.next_if(|(e, _)| **e <= d) {
                if let Some((h, t)) = edit {
                    put(e, h, t);
                }
            }
            if !doc_edits.contains_key(&d) {
                put(d, head, tail);
            }
        }
        for (&e, edit) in pending {
            if let Some((h, t)) = edit {
                put(e, h, t);
            }
        }
        if listed != docs {
            return None;
        }
        heads.extend_from_slice(&tails);
        Some(Some((docs, heads)))
    })
}

/// The grams of a document's streams in the previous and in this build.
pub fn change(doc: u32, old: &DocStreams, new: &DocStreams, a: u32, b: u32) -> Change {
    Change {
        doc,
        old: doc_grams(old, a, b),
        new: doc_grams(new, a, b),
    }
}

/// A file of the index, by its path.
#[derive(Debug, PartialEq)]
enum IndexFile {
    Meta,
    Counts(usize),
    Positions(usize),
    Fragment(usize),
}

/// What `rel` is in the index (`search/a/12.bin`: counts shard 12), if anything; only
/// numbers as the index writes them (no leading zero).
fn index_file(rel: &str) -> Option<IndexFile> {
    let name = rel.strip_prefix("search/")?;
    if name == "meta.bin" {
        return Some(IndexFile::Meta);
    }
    let (folder, file) = name.split_once('/')?;
    let digits = file.strip_suffix(".bin")?;
    if digits.is_empty() || (digits.len() > 1 && digits.starts_with('0')) || !digits.bytes().all(|b| b.is_ascii_digit())
    {
        return None;
    }
    let n = digits.parse().ok()?;
    match folder {
        "a" => Some(IndexFile::Counts(n)),
        "b" => Some(IndexFile::Positions(n)),
        "t" => Some(IndexFile::Fragment(n)),
        _ => None,
    }
}

/// A changed document is patched in; at more than one in this many, the index is built
/// whole (nearly every shard would be rewritten anyway).
const MAX_CHANGED_SHARE: usize = 20;

/// How the index being written is made: its documents' new streams and files, and where
/// each file goes (`put`: new bytes; `carry`: the previous build's file, unchanged).
pub struct Writer<'a> {
    pub documents: usize,
    pub streams: &'a (dyn Fn(usize) -> DocStreams + Sync),
    /// A document's fragment file (gzip).
    pub fragment: &'a (dyn Fn(usize) -> Vec<u8> + Sync),
    /// `meta.bin`'s JSON for these shard counts.
    pub meta: &'a (dyn Fn(u32, u32) -> Vec<u8> + Sync),
    pub put: &'a (dyn Fn(String, Vec<u8>) -> std::io::Result<()> + Sync),
    pub carry_where: &'a CarryWhere<'a>,
}

#[derive(Deserialize)]
struct StoredMeta {
    a: u32,
    b: u32,
}

/// Writes the index as a patch of `previous` and returns its characters, or `Ok(None)`
/// (nothing written) when it cannot be patched: no previous index, too many documents
/// changed, shard counts that the new size changes, or previous files missing or
/// malformed.
pub fn apply(w: &Writer, previous: &dyn Previous) -> Result<Option<u64>, (String, std::io::Error)> {
    let Some(previous_chars) = previous.chars() else {
        return Ok(None);
    };
    let changed: Vec<usize> = (0..w.documents)
        .into_par_iter()
        .filter(|&i| !previous.unchanged(i))
        .collect();
    if changed.len() * MAX_CHANGED_SHARE > w.documents.max(1) {
        return Ok(None);
    }
    let Some(old_meta) = previous.read("search/meta.bin").and_then(|m| gunzip(&m)) else {
        return Ok(None);
    };
    let Ok(StoredMeta { a, b }) = serde_json::from_slice(&old_meta) else {
        return Ok(None);
    };
    // The streams a document had in the previous index.
    let stored = |d: usize| fragment_streams(&previous.read(&super::fragment_file(d))?);
    let streams: Option<Vec<(DocStreams, DocStreams)>> = changed
        .par_iter()
        .map(|&i| Some((stored(i)?, (w.streams)(i))))
        .collect();
    let Some(streams) = streams else { return Ok(None) };
    let chars = streams.iter().fold(previous_chars as i64, |n, (old, new)| {
        n - old.chars() as i64 + new.chars() as i64
    });
    let chars = chars.max(0) as u64;
    let counts = |per_shard| super::shard_count(chars as usize, per_shard);
    if (counts(super::CHARS_PER_A_SHARD), counts(super::CHARS_PER_B_SHARD)) != (a, b) || (w.meta)(a, b) != old_meta {
        return Ok(None);
    }
    let changes: Vec<Change> = changed
        .par_iter()
        .zip(&streams)
        .map(|(&i, (old, new))| change(i as u32, old, new, a, b))
        .collect();
    drop(streams);
    let read = |rel: &str| previous.read(rel);
    let streams_of = |d: u32| stored(d as usize);
    let none = RecentShards::default();
    let recent = previous.recent().unwrap_or(&none);
    let Some(patched) = patch_shards(&changes, a, b, &read, &streams_of, recent) else {
        return Ok(None);
    };
    drop(changes);

    // Every other file of the index is the previous build's: its other shards and
    // fragments, and meta.bin (the same, checked above). Carried first: if the previous
    // build does not have them all, nothing is written and the index is built whole.
    // Patched shards are known by number, not by name: 81,000 names are looked at
    // after an edit at 13,000 reports, and hashing each took longer than the rest.
    let mut patched_shards = (vec![false; a as usize], vec![false; b as usize]);
    for (rel, _) in &patched {
        let mark = match index_file(rel) {
            Some(IndexFile::Counts(n)) => patched_shards.0.get_mut(n),
            Some(IndexFile::Positions(n)) => patched_shards.1.get_mut(n),
            _ => None,
        };
        if let Some(mark) = mark {
            *mark = true;
        }
    }
    let is_changed = |doc: usize| changed.binary_search(&doc).is_ok();
    let keep = |rel: &str| match index_file(rel) {
        Some(IndexFile::Meta) => true,
        Some(IndexFile::Counts(n)) => !patched_shards.0.get(n).copied().unwrap_or(true),
        Some(IndexFile::Positions(n)) => !patched_shards.1.get(n).copied().unwrap_or(true),
        Some(IndexFile::Fragment(n)) => n < w.documents && !is_changed(n),
        None => false,
    };
    let expected = (a + b) as usize - patched.len() + (w.documents - changed.len()) + 1;
    let replaced: Vec<String> = patched
        .iter()
        .map(|(rel, _)| rel.clone())
        .chain(changed.iter().map(|&i| super::fragment_file(i)))
        .collect();
    let carried = (w.carry_where)(&keep, &replaced, expected).map_err(|e| ("search/".to_string(), e))?;
    if !carried {
        return Ok(None);
    }
    let fragments = changed.iter().map(|&i| (super::fragment_file(i), (w.fragment)(i)));
    let new_files: Vec<(String, Vec<u8>)> = patched.into_iter().chain(fragments).collect();
    new_files
        .into_par_iter()
        .try_for_each(|(rel, bytes)| (w.put)(rel.clone(), bytes).map_err(|e| (rel, e)))?;
    Ok(Some(chars))
}
