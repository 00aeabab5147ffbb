//! The search index's files, as the build cache keys and carries them.
//!
//! A document's fragment (`search/t/ID.bin`) is keyed by that document, every other
//! index file by all of them ([`Keys::all`]): the fragments say which documents the
//! previous index can be patched for ([`crate::search::patch`]).
//!
//! A patch keeps the previous build's other files. After an edit at 13,000 reports that
//! is 81,000 files, each of which was carried here one by one, its digest read from
//! the previous manifest for the index's version: some 30 ms of a rebuild. In a
//! [`super::Delta`] (a previous build held in memory, whose folder holds its files) the
//! index's new sum follows from the previous one and the files the patch replaces
//! ([`crate::search::sum`]), and the kept files are left to
//! [`BuildCache::carry_rest`], which marks every untouched file of the previous build
//! in one pass, under the new key ([`SearchFiles::carried_by_rest`]).

use std::io;
use std::sync::atomic::{AtomicBool, Ordering};

use rayon::prelude::*;

use super::{BuildCache, Key, Keys};
use crate::output::Sink;
use crate::search::patch::RecentShards;
use crate::search::sum::IndexSum;

/// See the module's documentation.
pub struct SearchFiles<'s> {
    cache: &'s BuildCache,
    keys: &'s Keys,
    sink: &'s dyn Sink,
    /// [`Keys::all`], a digest of every document's: made once, not per file.
    all: Key,
    /// The build is a [`super::Delta`]: [`BuildCache::carry_rest`] follows the index.
    delta: bool,
    /// The kept files were left to [`BuildCache::carry_rest`].
    by_rest: AtomicBool,
}

impl BuildCache {
    /// The search index's files: written through `sink` with their keys, and patched
    /// from the previous build's index when few documents changed. `all` is
    /// [`Keys::all`]; `delta`, whether [`BuildCache::carry_rest`] will follow.
    pub fn search_index<'s>(&'s self, keys: &'s Keys, all: Key, sink: &'s dyn Sink, delta: bool) -> SearchFiles<'s> {
        SearchFiles {
            cache: self,
            keys,
            sink,
            all,
            delta,
            by_rest: AtomicBool::new(false),
        }
    }

    /// Records what this build's search index was made from and adds up to.
    pub fn note_search(&self, index: &crate::search::Output) {
        *self.search_chars.lock().expect("cache lock") = Some(index.chars);
        *self.search_sum.lock().expect("cache lock") = Some(index.sum);
    }
}

impl SearchFiles<'_> {
    fn key(&self, rel: &str) -> &Key {
        let doc = rel.strip_prefix("search/t/").and_then(|f| f.strip_suffix(".bin"));
        match doc.and_then(|d| d.parse::<usize>().ok()) {
            Some(i) if i < self.keys.docs.len() => self.keys.document_ref(i),
            _ => &self.all,
        }
    }

    /// Whether the index's kept files are for [`BuildCache::carry_rest`] to carry: those
    /// under `search/` but the fragments are then carried under the new key.
    pub fn carried_by_rest(&self) -> bool {
        self.by_rest.load(Ordering::Relaxed)
    }

    /// The previous index's sum without the `replaced` files, if it is known, they were
    /// all in it, `expected` files are left, and the new key is the one carried files
    /// take (none was set yet, or this one).
    fn sum_without(&self, replaced: &[String], expected: usize) -> Option<IndexSum> {
        let p = self.cache.previous.as_ref().filter(|p| p.trusted)?;
        let mut sum = p.search_sum?;
        for rel in replaced {
            let entry = &p.manifest.files[p.file_index(rel)?];
            sum = sum - IndexSum::of(rel, &crate::hex::digest(&entry.sha256)?, entry.size);
        }
        (sum.files == expected && *self.cache.new_key.get_or_init(|| self.all.clone()) == self.all).then_some(sum)
    }
}

impl Sink for SearchFiles<'_> {
    fn write(&self, rel: &str, bytes: &[u8]) -> io::Result<()> {
        self.cache.keyed(self.sink, self.key(rel)).write(rel, bytes)
    }
}

impl crate::search::Previous for SearchFiles<'_> {
    fn unchanged(&self, doc: usize) -> bool {
        doc < self.keys.docs.len()
            && self
                .cache
                .is_fresh(&crate::search::fragment_file(doc), &self.keys.document(doc))
    }

    fn read(&self, rel: &str) -> Option<Vec<u8>> {
        self.cache.read_previous(rel)
    }

    fn carry_where(
        &self,
        keep: crate::search::patch::Keep,
        replaced: &[String],
        expected: usize,
    ) -> io::Result<Option<IndexSum>> {
        if self.delta
            && let Some(sum) = self.sum_without(replaced, expected)
        {
            self.by_rest.store(true, Ordering::Relaxed);
            return Ok(Some(sum));
        }
        let key_of = |rel: &str| self.key(rel);
        let Some(carried) = self.cache.carry_where("search/", keep, expected, &key_of, self.sink)? else {
            return Ok(None);
        };
        carried
            .into_par_iter()
            .map(|(rel, sha256, size)| match crate::hex::digest(sha256) {
                Some(digest) => Ok(IndexSum::of(&rel, &digest, size)),
                None => Err(io::Error::new(
                    io::ErrorKind::InvalidData,
                    format!("{rel}: malformed digest"),
                )),
            })
            .try_reduce(IndexSum::default, |a, b| Ok(a + b))
            .map(Some)
    }

    fn chars(&self) -> Option<u64> {
        self.cache.previous.as_ref()?.search_chars
    }

    fn recent(&self) -> Option<&RecentShards> {
        Some(&self.cache.previous.as_ref()?.recent_shards)
    }
}
