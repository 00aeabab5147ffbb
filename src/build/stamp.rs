//! "Has anything changed since the last build?", answered before anything is parsed.
//!
//! The stamp is a digest of every file a build reads (`config.yaml` and everything
//! under `content/`, `templates/`, `themes/`, `static/`, by path and bytes), with the
//! program and the build options; it is kept beside the output in `.NAME.stamp.json`
//! with what that build published. When the next build's digest is the same and the
//! output still holds every file with its size, the output is up to date and is left
//! as it is: no loading, no staging folder, no swap.
//!
//! Why a digest of bytes taken up front, and a file of its own: at 13,000 reports
//! loading and parsing the content takes seconds and the cache file (keys and the
//! proof-reader's memory, [`super::cache`]) is tens of megabytes of JSON, while hashing
//! the sources' bytes takes a fraction of a second. Files are read and hashed, not
//! judged by size and time, so an edit that keeps both is still seen. A file the
//! loader ignores (an editor's `.swp`) counts too: changing one costs a build that
//! then reuses everything, never a stale site.

use std::io;
use std::path::{Path, PathBuf};

use rayon::prelude::*;
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

use super::BuildOptions;
use super::keys::{Key, KeyHasher};
use crate::config::CONFIG_FILE;
use crate::diagnostics::Diagnostic;
use crate::paths::SOURCE_FOLDERS;
use crate::record::Manifest;
use crate::record::manifest::MANIFEST_FILE;

/// Proof-reading findings a stamp keeps and `build` prints: a site with tens of
/// thousands of them gets the first ones and a count (printing 250,000 took longer than
/// the rest of a repeat build); `gongshi check` lists them all.
pub const KEPT_WARNINGS: usize = 100;

/// The warnings worth printing of `all`: every one that is not a proof-reading finding
/// (a lost page, say), then the first [`KEPT_WARNINGS`] findings.
pub fn kept_warnings(all: &[Diagnostic]) -> Vec<Diagnostic> {
    let (findings, others): (Vec<&Diagnostic>, Vec<&Diagnostic>) = all.iter().partition(|d| d.rule.is_some());
    others
        .into_iter()
        .chain(findings.into_iter().take(KEPT_WARNINGS))
        .cloned()
        .collect()
}

/// What `.NAME.stamp.json` holds.
#[derive(Debug, Serialize, Deserialize)]
pub struct Stamp {
    /// [`inputs`] of the build.
    inputs: Key,
    /// Pages the build rendered (the summary's count).
    pub pages: usize,
    /// Every file it published but the manifest, with its size.
    files: Vec<(String, u64)>,
    /// Its [`kept_warnings`] (lost pages aside, which compare with the build before it).
    pub warnings: Vec<Diagnostic>,
    /// How many warnings it gave in all.
    pub warnings_total: usize,
}

/// `public` -> `.public.stamp.json` beside it.
const SUFFIX: &str = "stamp.json";

fn stamp_file(output_dir: &Path) -> PathBuf {
    crate::output::writer::beside(output_dir, SUFFIX)
}

/// The digest of everything a build with `opts` reads; `None` when a source cannot be
/// listed or read (the build then says which).
pub fn inputs(opts: &BuildOptions) -> Option<Key> {
    let root = &opts.root;
    let mut files = vec![root.join(CONFIG_FILE)];
    for folder in SOURCE_FOLDERS {
        let dir = root.join(folder);
        if !dir.is_dir() {
            continue;
        }
        for entry in walkdir::WalkDir::new(&dir).follow_links(true).sort_by_file_name() {
            let entry = entry.ok()?;
            if entry.file_type().is_file() {
                files.push(entry.into_path());
            }
        }
    }
    let digests: Vec<[u8; 32]> = files
        .par_iter()
        .map(|path| std::fs::read(path).ok().map(|bytes| Sha256::digest(&bytes).into()))
        .collect::<Option<_>>()?;
    let mut h = KeyHasher::for_build(opts);
    h.put(opts.base_url.as_deref().unwrap_or_default().as_bytes());
    for (path, digest) in files.iter().zip(&digests) {
        h.put(path.strip_prefix(root).unwrap_or(path).to_string_lossy().as_bytes());
        h.put(digest);
    }
    Some(h.finish())
}

impl Stamp {
    /// The stamp of a build whose inputs digest was `inputs`, which published what
    /// `manifest` lists; its warnings are added by [`Stamp::with_warnings`].
    pub fn new(inputs: Key, pages: usize, manifest: &Manifest) -> Stamp {
        Stamp {
            inputs,
            pages,
            files: manifest.files.iter().map(|f| (f.path.clone(), f.size)).collect(),
            warnings: Vec::new(),
            warnings_total: 0,
        }
    }

    /// The stamp, with the build's warnings (of which it keeps the first), `total` in all.
    pub fn with_warnings(self, warnings: &[Diagnostic], total: usize) -> Stamp {
        Stamp {
            warnings: kept_warnings(warnings),
            warnings_total: total,
            ..self
        }
    }

    /// The stamp beside `output_dir`, if it says the output is up to date for
    /// `inputs`: same digest, and every file still there with its size.
    pub fn up_to_date(output_dir: &Path, inputs: &Key) -> Option<Stamp> {
        let stamp: Stamp = serde_json::from_slice(&std::fs::read(stamp_file(output_dir)).ok()?).ok()?;
        let intact = stamp.inputs == *inputs
            && output_dir.join(MANIFEST_FILE).is_file()
            && stamp
                .files
                .par_iter()
                .all(|(rel, size)| std::fs::metadata(output_dir.join(rel)).is_ok_and(|m| m.len() == *size));
        intact.then_some(stamp)
    }

    /// Files published, the manifest included.
    pub fn files(&self) -> usize {
        self.files.len() + 1
    }

    pub fn save(&self, output_dir: &Path) -> io::Result<()> {
        std::fs::write(
            stamp_file(output_dir),
            serde_json::to_vec(self).expect("stamp serialises"),
        )
    }

    /// Removes the stamp of `output_dir` (before the swap).
    pub fn forget(output_dir: &Path) -> io::Result<()> {
        crate::output::writer::remove_beside(output_dir, SUFFIX)
    }
}
