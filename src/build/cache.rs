//! Repeat builds: what did not change is not rendered again.
//!
//! Every page or index file a build writes gets a *key*: a digest of everything it is
//! made from (gongshi's version, the config, the theme, the site's metadata, and the
//! sources it reads). The keys are kept beside the output folder, in
//! `.NAME.cache.json`, next to the staging folders, and the proof-reader's findings per
//! document in `.NAME.lint.bin` ([`super::findings`]); they are not published. The next
//! build computes each file's key before rendering it and, when the key matches and the
//! previous output still holds the file as its manifest describes it, keeps that file
//! instead of rendering it.
//!
//! Files of the previous output are never modified, only kept, replaced whole or
//! removed, and only once the build succeeded: kept files stay where they are when few
//! files changed, else they are hard-linked into the new folder that is swapped in (see
//! [`crate::output::StagingDir`]). The cache file is removed before publishing and
//! written after it, so a build interrupted in between leaves no cache pointing at the
//! wrong folder, only a full build next time.
//!
//! When nothing a build reads has changed at all, [`super::stamp`] says so before this
//! cache is even opened.
//!
//! What a key covers is deliberately coarse: *site metadata* is every document's front
//! matter and every section file, so editing a title or a date re-renders every page (the
//! listings, neighbours and navigation of any page may show it), while editing the body
//! of one report re-renders that report and its comparisons, and patches the search
//! index ([`crate::search::patch`]).

use std::collections::{BTreeMap, HashMap};
use std::hash::{BuildHasherDefault, Hasher};
use std::io;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex, OnceLock};

use rayon::prelude::*;

use super::delta::Delta;
use super::findings::{self, PackedFindings};
pub use super::keys::Key;
use super::keys::Keys;
use crate::compare::Output as Comparisons;
use crate::diagnostics::Diagnostic;
use crate::output::marks::{Marks, merge_sorted, sorted_last};
use crate::output::{Reused, Sink};
use crate::record::Manifest;
use crate::record::manifest::url_of;
use crate::search::patch::RecentShards;
use crate::search::sum::IndexSum;

mod search_files;

/// What `.NAME.cache.json` holds.
#[derive(Debug, Default, serde::Serialize, serde::Deserialize)]
struct CacheFile {
    /// Output file -> key.
    files: BTreeMap<String, Key>,
    /// Characters the search index was made from (see [`crate::search::patch`]).
    #[serde(default)]
    search_chars: Option<u64>,
}

/// The previous build, as far as it can be reused: read from beside its output
/// ([`BuildCache::open`]), or kept in memory by `serve` ([`super::session`]).
pub struct Previous {
    dir: PathBuf,
    /// Output file -> key, sorted by file.
    keys: Vec<(String, Key)>,
    /// Taken out as they are reused ([`LintMemo`]): the findings are not held three
    /// times over (245,000 of them on the generated 13,000 reports).
    lint: Mutex<findings::Memory>,
    /// Its files (with their digests and sizes) and pages, looked up in place
    /// ([`Manifest::file`], [`Manifest::page`]).
    manifest: Manifest,
    search_chars: Option<u64>,
    /// What its search index's files add up to, when it is held in memory (see
    /// [`search_files::SearchFiles`]).
    search_sum: Option<IndexSum>,
    /// For each file of the manifest, by its place there: the place of its key in
    /// `keys` and of its page in the manifest's pages ([`NONE`] for none). Found once
    /// per build (for `serve`, after the pages reloaded), not for each of the 132,000
    /// files reused after an edit at 13,000 reports.
    links: Vec<(u32, u32)>,
    /// The manifest's files by path, hashed ([`FileIndex`]).
    files: FileIndex,
    /// The search index's shards the last patch made, inflated; handed on from build
    /// to build by `serve`.
    recent_shards: RecentShards,
    /// Its folder is known to hold the files as the manifest gives them: it is
    /// `serve`'s own, which nothing else writes, and the build is held in memory.
    trusted: bool,
    /// What a [`Delta`] is told from, for a build held in memory: its site key, its
    /// documents' digests and its comparisons.
    made_from: Option<MadeFrom>,
}

/// See [`Previous::made_from`].
struct MadeFrom {
    site_key: Key,
    digests: Vec<String>,
    comparisons: Arc<Comparisons>,
}

/// No place, in [`Previous::links`].
const NONE: u32 = u32::MAX;

impl Previous {
    fn new(
        dir: &Path,
        keys: Vec<(String, Key)>,
        lint: findings::Memory,
        manifest: Manifest,
        search_chars: Option<u64>,
    ) -> Previous {
        let links = links(&keys, &manifest);
        let files = FileIndex::new(&manifest);
        Previous {
            dir: dir.to_path_buf(),
            keys,
            lint: Mutex::new(lint),
            manifest,
            search_chars,
            search_sum: None,
            links,
            files,
            recent_shards: RecentShards::default(),
            trusted: false,
            made_from: None,
        }
    }

    /// The place of file `rel` in the manifest.
    fn file_index(&self, rel: &str) -> Option<usize> {
        self.files.get(&self.manifest, rel)
    }

    /// The place of the key of the manifest's file `file` in [`Previous::keys`].
    fn key_of_file(&self, file: usize) -> Option<usize> {
        Some(self.links[file].0).filter(|&k| k != NONE).map(|k| k as usize)
    }

    /// The place of the page of the manifest's file `file` among its pages.
    fn page_of_file(&self, file: usize) -> Option<usize> {
        Some(self.links[file].1).filter(|&p| p != NONE).map(|p| p as usize)
    }
}

/// [`Previous::links`]: `keys` and the manifest's files are both sorted by path.
fn links(keys: &[(String, Key)], manifest: &Manifest) -> Vec<(u32, u32)> {
    let place = |i: Option<usize>| i.and_then(|i| u32::try_from(i).ok()).unwrap_or(NONE);
    let pages: Vec<u32> = manifest
        .files
        .par_iter()
        .map(|f| {
            let page = match f.path.ends_with(".html") {
                true => manifest.page_index(&url_of(&f.path)),
                false => None,
            };
            place(page)
        })
        .collect();
    let mut k = 0;
    manifest
        .files
        .iter()
        .zip(pages)
        .map(|(f, page)| {
            while k < keys.len() && keys[k].0 < f.path {
                k += 1;
            }
            (place((k < keys.len() && keys[k].0 == f.path).then_some(k)), page)
        })
        .collect()
}

/// The places of a manifest's files, by a hash of their paths.
///
/// Every file a build could reuse is looked up by path: 132,000 of them after an edit
/// at 13,000 reports. A binary search over the sorted paths compared some 17 paths per
/// lookup, most sharing a long prefix (`reports/compare/…`), and was most of the time
/// `serve` spent deciding what to reuse; a hash finds the one path to compare.
#[derive(Default)]
struct FileIndex {
    /// Path hash -> place; [`NONE`] for a hash two paths share (looked up by search).
    places: HashMap<u64, u32, BuildHasherDefault<Passthrough>>,
}

impl FileIndex {
    fn new(manifest: &Manifest) -> FileIndex {
        let hashes: Vec<u64> = manifest.files.par_iter().map(|f| path_hash(&f.path)).collect();
        let mut places = HashMap::with_capacity_and_hasher(hashes.len(), Default::default());
        for (i, h) in hashes.into_iter().enumerate() {
            let place = u32::try_from(i).unwrap_or(NONE);
            places.entry(h).and_modify(|p| *p = NONE).or_insert(place);
        }
        FileIndex { places }
    }

    /// The place of `rel` in `manifest` (the one this index was made from).
    fn get(&self, manifest: &Manifest, rel: &str) -> Option<usize> {
        match *self.places.get(&path_hash(rel))? {
            NONE => manifest.file_index(rel),
            i => Some(i as usize).filter(|&i| manifest.files[i].path == rel),
        }
    }
}

/// A path's hash for [`FileIndex`]: SipHash with `DefaultHasher::new`'s fixed keys (the
/// paths are the build's own, not an adversary's).
fn path_hash(path: &str) -> u64 {
    let mut h = std::hash::DefaultHasher::new();
    h.write(path.as_bytes());
    h.finish()
}

/// Hashes a `u64` that is a hash already to itself.
#[derive(Default)]
struct Passthrough(u64);

impl Hasher for Passthrough {
    fn finish(&self) -> u64 {
        self.0
    }

    fn write(&mut self, bytes: &[u8]) {
        for b in bytes {
            self.0 = (self.0 << 8) | u64::from(*b);
        }
    }

    fn write_u64(&mut self, n: u64) {
        self.0 = n;
    }
}

/// Files carried from the previous build: each one's path, SHA-256 (hex) and size.
type CarriedFiles<'a> = Vec<(String, &'a str, u64)>;

/// Reuses files of the previous build and collects this build's keys.
pub struct BuildCache {
    previous: Option<Previous>,
    /// This build's files and keys as they come ([`BuildCache::note`]): a sorted map
    /// under the lock cost more than reusing a file.
    keys: Mutex<Vec<(String, Key)>>,
    /// The previous build's keys this build has again, for the files it reused: marked
    /// by their place, not copied ([`crate::output::marks`]).
    kept_keys: Marks,
    /// Of those, the ones carried under a new key, and that key: the search index's
    /// shards are keyed by every document, so after an edit its 65,000 unchanged shards
    /// (at 13,000 reports) are carried under one new key.
    rekeyed: Marks,
    new_key: OnceLock<Key>,
    lint: Mutex<findings::Memory>,
    search_chars: Mutex<Option<u64>>,
    search_sum: Mutex<Option<IndexSum>>,
    /// This build's comparisons, for the next build's [`Delta`].
    comparisons: Mutex<Option<Arc<Comparisons>>>,
    /// The previous build's files carried so far, by their place in its manifest.
    carried: Marks,
}

/// `public` -> `.public.cache.json` beside it.
fn cache_file(output_dir: &Path) -> PathBuf {
    crate::output::writer::beside(output_dir, CACHE_SUFFIX)
}

const CACHE_SUFFIX: &str = "cache.json";

impl BuildCache {
    /// No reuse (`check`, `serve`'s first build, or no previous build).
    pub fn disabled() -> BuildCache {
        BuildCache::resume(None)
    }

    /// The previous build into `output_dir`, if it left a cache file and a manifest.
    /// Anything unreadable means a full build, never an error.
    pub fn open(output_dir: &Path) -> BuildCache {
        let previous = (|| {
            // The manifest first: without it the cache is of no use, and the cache files
            // are not small (8 MB and 36 MB at 13,000 reports, when `public/` was removed).
            let manifest = Manifest::read(output_dir).ok()?;
            let file: CacheFile = serde_json::from_slice(&std::fs::read(cache_file(output_dir)).ok()?).ok()?;
            // Files and pages are looked up and carried by their places in sorted lists.
            if !manifest.is_sorted() {
                return None;
            }
            let lint = findings::read(output_dir);
            let keys = file.files.into_iter().collect();
            Some(Previous::new(output_dir, keys, lint, manifest, file.search_chars))
        })();
        BuildCache::resume(previous)
    }

    /// Starts from a previous build held in memory (`serve`), or from none.
    pub fn resume(previous: Option<Previous>) -> BuildCache {
        let files = previous.as_ref().map_or(0, |p| p.keys.len());
        let published = previous.as_ref().map_or(0, |p| p.manifest.files.len());
        BuildCache {
            previous,
            keys: Mutex::default(),
            kept_keys: Marks::new(files),
            rekeyed: Marks::new(files),
            new_key: OnceLock::new(),
            lint: Mutex::default(),
            search_chars: Mutex::default(),
            search_sum: Mutex::default(),
            comparisons: Mutex::default(),
            carried: Marks::new(published),
        }
    }

    /// Gives the previous build back, untouched by this one unless it proof-read
    /// (a build that is thrown away).
    pub fn into_previous(self) -> Option<Previous> {
        self.previous
    }

    /// What this build leaves for the next one, held in memory instead of written
    /// beside the output (`serve`): its keys, its proof-reading findings and its
    /// `manifest`, published in `dir`.
    ///
    /// `dir` is trusted to hold the files as published: a file is reused without
    /// checking its size on disk (132,000 `stat` calls at 13,000 reports). `keys` are
    /// this build's, for the next one's [`Delta`].
    pub fn into_next(self, dir: &Path, manifest: Manifest, keys: Keys) -> Previous {
        let mut next = Previous::new(
            dir,
            self.take_keys(),
            self.lint.into_inner().expect("cache lock"),
            manifest,
            self.search_chars.into_inner().expect("cache lock"),
        );
        next.trusted = true;
        next.search_sum = self.search_sum.into_inner().expect("cache lock");
        let comparisons = self.comparisons.into_inner().expect("cache lock");
        next.made_from = comparisons.map(|comparisons| {
            let (site_key, digests) = keys.into_parts();
            MadeFrom {
                site_key,
                digests,
                comparisons,
            }
        });
        if let Some(previous) = self.previous {
            next.recent_shards = previous.recent_shards;
        }
        next
    }

    /// What changed since the previous build, if it was made from the same site with
    /// only some documents' text different, and is held in memory ([`Delta`]).
    pub fn delta(&self, keys: &Keys) -> Option<Delta> {
        let p = self.previous.as_ref().filter(|p| p.trusted)?;
        let made = p.made_from.as_ref()?;
        if made.site_key != *keys.site_ref() || made.digests.len() != keys.docs.len() {
            return None;
        }
        Some(Delta::new(&made.digests, &keys.docs, Arc::clone(&made.comparisons)))
    }

    /// The bytes of the previous build's file `rel`, if it published one and it can be
    /// read.
    pub fn read_previous(&self, rel: &str) -> Option<Vec<u8>> {
        let p = self.previous.as_ref()?;
        p.manifest.file(rel).and_then(|_| std::fs::read(p.dir.join(rel)).ok())
    }

    /// Keeps this build's comparisons for the next build's [`Delta`].
    pub fn note_comparisons(&self, comparisons: Arc<Comparisons>) {
        *self.comparisons.lock().expect("cache lock") = Some(comparisons);
    }

    /// Carries every file of the previous build that is not carried or written yet,
    /// nor `skipped`: with a [`Delta`], these are the files whose keys did not change,
    /// but those `rekeyed`, which take the one new key the search index set (see
    /// [`search_files::SearchFiles`]). Each is only marked by its place in the previous manifest.
    pub fn carry_rest(
        &self,
        sink: &dyn Sink,
        skipped: &(dyn Fn(&str) -> bool + Sync),
        rekeyed: &(dyn Fn(&str) -> bool + Sync),
    ) -> io::Result<()> {
        let Some(p) = &self.previous else { return Ok(()) };
        let written: std::collections::HashSet<String> = self
            .keys
            .lock()
            .expect("cache lock")
            .iter()
            .map(|(rel, _)| rel.clone())
            .collect();
        (0..p.manifest.files.len()).into_par_iter().try_for_each(|i| {
            let rel = p.manifest.files[i].path.as_str();
            if self.carried.contains(i) || written.contains(rel) || skipped(rel) {
                return Ok(());
            }
            self.carry_at(rel, i, sink)?;
            if let Some(k) = p.key_of_file(i) {
                self.kept_keys.mark(k);
                if rekeyed(rel) {
                    self.rekeyed.mark(k);
                }
            }
            Ok(())
        })
    }

    /// Whether `rel` can be taken from the previous build: same key, and the file is
    /// still there with the size its manifest gives. (A same-size edit of a published
    /// file is not caught here; reading every digest again would cost what the cache
    /// saves. `gongshi verify` checks digests.)
    pub fn is_fresh(&self, rel: &str, key: &Key) -> bool {
        self.fresh(rel, key).is_some()
    }

    /// [`BuildCache::is_fresh`], giving the places of `rel` in the previous build's keys
    /// and manifest.
    fn fresh(&self, rel: &str, key: &Key) -> Option<(usize, usize)> {
        let p = self.previous.as_ref()?;
        let f = p.file_index(rel)?;
        let k = p.key_of_file(f).filter(|&k| p.keys[k].1 == *key)?;
        let size = p.manifest.files[f].size;
        (p.trusted || std::fs::metadata(p.dir.join(rel)).is_ok_and(|m| m.len() == size)).then_some((k, f))
    }

    /// Publishes `rel` from the previous build if it is fresh; returns whether it did.
    pub fn reuse(&self, rel: &str, key: &Key, sink: &dyn Sink) -> io::Result<bool> {
        let Some((k, file)) = self.fresh(rel, key) else {
            return Ok(false);
        };
        self.carry_at(rel, file, sink)?;
        self.kept_keys.mark(k);
        Ok(true)
    }

    /// Publishes every file of the previous build under `prefix` that `keep` accepts,
    /// each under this build's key `key_of` gives it, whatever key it had then (the
    /// caller knows it is still right), if there are `expected` of them. Returns each
    /// one's path, SHA-256 (hex) and size, sorted by path; `None`, with nothing
    /// published, if there is another number of them.
    ///
    /// The files are found in one pass over the previous manifest, sorted, not looked
    /// up one by one: after an edit at 13,000 reports the search index carries 81,000
    /// files, and looking each up took 90 ms of CPU.
    fn carry_where<'k>(
        &self,
        prefix: &str,
        keep: crate::search::patch::Keep,
        expected: usize,
        key_of: &(dyn Fn(&str) -> &'k Key + Sync),
        sink: &dyn Sink,
    ) -> io::Result<Option<CarriedFiles<'_>>> {
        let Some(p) = &self.previous else { return Ok(None) };
        let files = &p.manifest.files;
        let start = files.partition_point(|f| f.path.as_str() < prefix);
        let end = start + files[start..].partition_point(|f| f.path.starts_with(prefix));
        let chosen: Vec<usize> = (start..end).into_par_iter().filter(|&i| keep(&files[i].path)).collect();
        if chosen.len() != expected {
            return Ok(None);
        }
        chosen
            .par_iter()
            .map(|&i| {
                let f = &files[i];
                self.carry_at(&f.path, i, sink)?;
                self.note_carried(p.key_of_file(i), &f.path, key_of(&f.path));
                Ok((f.path.clone(), f.sha256.as_str(), f.size))
            })
            .collect::<io::Result<Vec<_>>>()
            .map(Some)
    }

    /// Notes `key` for `rel`, carried from the previous build, where its key had place
    /// `k`: a mark when the key is the same, or the one new key carried files take.
    fn note_carried(&self, k: Option<usize>, rel: &str, key: &Key) {
        let previous = |k: usize| self.previous.as_ref().map(|p| &p.keys[k].1);
        match k {
            Some(k) if previous(k) == Some(key) => {
                self.kept_keys.mark(k);
            }
            Some(k) if self.new_key.get_or_init(|| key.clone()) == key => {
                self.kept_keys.mark(k);
                self.rekeyed.mark(k);
            }
            _ => self.note(rel, key),
        }
    }

    /// Publishes the previous build's `rel`, at place `file` of its manifest, through
    /// `sink`; its key is for the caller to note.
    fn carry_at(&self, rel: &str, file: usize, sink: &dyn Sink) -> io::Result<()> {
        let p = self.previous.as_ref().expect("carried from a previous build");
        let known = Reused {
            dir: &p.dir,
            manifest: &p.manifest,
            file,
            page: p.page_of_file(file),
        };
        sink.reuse(rel, &known)?;
        self.carried.mark(file);
        Ok(())
    }

    /// Takes the previous build's manifest out, for this build's to be made from it
    /// without copying ([`crate::record::manifest::Recording::into_manifest`]). Nothing
    /// can be reused after.
    pub fn take_manifest(&mut self) -> Option<Manifest> {
        let p = self.previous.as_mut()?;
        p.files = FileIndex::default();
        Some(std::mem::replace(&mut p.manifest, Manifest::empty()))
    }

    /// The previous build's manifest, when there is a cache.
    pub fn manifest(&self) -> Option<&Manifest> {
        self.previous.as_ref().map(|p| &p.manifest)
    }

    /// Files reused so far.
    pub fn reused(&self) -> usize {
        self.carried.count()
    }

    /// A sink that notes `key` for every file written through it.
    pub fn keyed<'s>(&'s self, sink: &'s dyn Sink, key: &'s Key) -> Keyed<'s> {
        Keyed { cache: self, sink, key }
    }

    /// Records the key of a file this build wrote (or reused).
    pub fn note(&self, rel: &str, key: &Key) {
        self.keys
            .lock()
            .expect("cache lock")
            .push((rel.to_string(), key.clone()));
    }

    /// This build's keys by file, sorted, taken out; a file noted twice has its last
    /// key, and a noted one the key noted rather than the one kept.
    fn take_keys(&self) -> Vec<(String, Key)> {
        let noted = sorted_last(std::mem::take(&mut *self.keys.lock().expect("cache lock")), |e| &e.0);
        match &self.previous {
            Some(p) => {
                let carried = self.kept_keys.iter().map(|k| {
                    let (file, key) = &p.keys[k];
                    let key = match self.new_key.get() {
                        Some(new) if self.rekeyed.contains(k) => new,
                        _ => key,
                    };
                    (file.clone(), key.clone())
                });
                merge_sorted(carried, noted, |e| &e.0)
            }
            None => noted,
        }
    }

    /// Removes the cache files of `output_dir` (before the swap).
    pub fn forget(output_dir: &Path) -> io::Result<()> {
        findings::forget(output_dir)?;
        crate::output::writer::remove_beside(output_dir, CACHE_SUFFIX)
    }

    /// Writes this build's keys beside `output_dir` (after the swap), with what it made.
    pub fn save(&self, output_dir: &Path) -> io::Result<()> {
        findings::write(output_dir, &std::mem::take(&mut *self.lint.lock().expect("cache lock")))?;
        let file = CacheFile {
            files: self.take_keys().into_iter().collect(),
            search_chars: *self.search_chars.lock().expect("cache lock"),
        };
        // Streamed: the file was once 170 MB at 13,000 reports, the findings in it.
        let mut out = io::BufWriter::new(std::fs::File::create(cache_file(output_dir))?);
        serde_json::to_writer(&mut out, &file).map_err(io::Error::from)?;
        io::Write::flush(&mut out)
    }

    /// The proof-reader's memory: findings per document key.
    pub fn lint_memo<'s>(&'s self, keys: &'s Keys) -> LintMemo<'s> {
        LintMemo { cache: self, keys }
    }
}

/// See [`BuildCache::keyed`].
pub struct Keyed<'s> {
    cache: &'s BuildCache,
    sink: &'s dyn Sink,
    key: &'s Key,
}

impl Sink for Keyed<'_> {
    fn write(&self, rel: &str, bytes: &[u8]) -> io::Result<()> {
        self.sink.write(rel, bytes)?;
        self.cache.note(rel, self.key);
        Ok(())
    }
}

/// See [`BuildCache::lint_memo`].
pub struct LintMemo<'s> {
    cache: &'s BuildCache,
    keys: &'s Keys,
}

impl crate::lint::Memo for LintMemo<'_> {
    fn get(&self, i: usize) -> Option<Vec<Diagnostic>> {
        let key = self.keys.document(i);
        let found = self
            .cache
            .previous
            .as_ref()?
            .lint
            .lock()
            .expect("cache lock")
            .remove(&key)?;
        // Findings that do not unpack (a damaged file) are proof-read again.
        let unpacked = found.unpack()?;
        self.cache.lint.lock().expect("cache lock").insert(key, found);
        Some(unpacked)
    }

    fn put(&self, i: usize, found: &[Diagnostic]) {
        let key = self.keys.document(i);
        self.cache
            .lint
            .lock()
            .expect("cache lock")
            .insert(key, PackedFindings::new(found));
    }
}
