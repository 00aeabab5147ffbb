//! The staging directory and how it is published: a swap of the whole folder, or, when
//! most files are kept from the previous build, an update in place ([`super::update`]).

use std::collections::HashSet;
use std::fs;
use std::io;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, AtomicUsize, Ordering};
use std::sync::{Mutex, OnceLock};

use super::marks::Marks;
use super::recycle::{self, Pool};
use crate::record::Manifest;
use crate::record::manifest::{FileEntry, PageEntry};

/// Where rendered files go. `check` uses a sink that only counts.
pub trait Sink: Sync {
    fn write(&self, rel: &str, bytes: &[u8]) -> io::Result<()>;

    /// Publishes `rel` unchanged from the previous build, as `known` gives it (the build
    /// cache). By default, a copy of the file.
    fn reuse(&self, rel: &str, known: &Reused) -> io::Result<()> {
        self.write(rel, &fs::read(known.dir.join(rel))?)
    }

    /// Writes `rel` from what `fill` writes, for a file too large to make in memory
    /// first (the manifest: 100 MB at 13,000 reports). By default, it is made in memory
    /// and handed to [`Sink::write`].
    fn write_streamed(&self, rel: &str, fill: &mut dyn FnMut(&mut dyn io::Write) -> io::Result<()>) -> io::Result<()> {
        let mut bytes = Vec::new();
        fill(&mut bytes)?;
        self.write(rel, &bytes)
    }
}

/// A file being reused from the previous build: where that build is, and the file's
/// place in its manifest, which says what the file holds (digest, size and, for a page,
/// its ids) so that it need not be read again. Sinks that keep lists of files mark the
/// place instead of copying the entry ([`super::marks`]).
#[derive(Debug, Clone, Copy)]
pub struct Reused<'a> {
    /// The previous build's folder: the file is `dir.join(rel)`.
    pub dir: &'a Path,
    pub manifest: &'a Manifest,
    /// Its place in `manifest.files`.
    pub file: usize,
    /// For an HTML page, its place in `manifest.pages`.
    pub page: Option<usize>,
}

impl Reused<'_> {
    pub fn entry(&self) -> &FileEntry {
        &self.manifest.files[self.file]
    }

    pub fn page_entry(&self) -> Option<&PageEntry> {
        self.page.map(|i| &self.manifest.pages[i])
    }
}

/// Discards output (for `gongshi check`), counting files.
#[derive(Default)]
pub struct NullSink {
    pub files: AtomicU64,
}

impl Sink for NullSink {
    fn write(&self, _rel: &str, _bytes: &[u8]) -> io::Result<()> {
        self.files.fetch_add(1, Ordering::Relaxed);
        Ok(())
    }

    /// Counted without being read.
    fn reuse(&self, _rel: &str, _known: &Reused) -> io::Result<()> {
        self.files.fetch_add(1, Ordering::Relaxed);
        Ok(())
    }
}

/// Removes the file [`beside`] `target` with `suffix`, if there is one.
pub fn remove_beside(target: &Path, suffix: &str) -> io::Result<()> {
    match fs::remove_file(beside(target, suffix)) {
        Err(e) if e.kind() != io::ErrorKind::NotFound => Err(e),
        _ => Ok(()),
    }
}

/// `.NAME.SUFFIX` in the folder that holds `target` (`public` -> `.public.SUFFIX`): where
/// staging folders, the old output during a swap and the build cache live, on the same
/// file system as the output and out of what is published.
pub fn beside(target: &Path, suffix: &str) -> PathBuf {
    let parent = target
        .parent()
        .filter(|p| !p.as_os_str().is_empty())
        .unwrap_or(Path::new("."));
    let name = target
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_else(|| "public".into());
    parent.join(format!(".{name}.{suffix}"))
}

/// A fresh directory next to the final output, removed on drop unless committed.
///
/// A file reused from the output it will replace is only noted, not linked: if few
/// files are new, they are moved into that output and the rest stay where they are
/// (linking 127,000 files into the staging folder and removing as many from the old
/// output took 5 s of a build after a one-report edit at 12,000 reports). Otherwise the
/// noted files are linked in at the end and the folders swapped.
pub struct StagingDir {
    path: PathBuf,
    /// The output this staging folder will replace.
    target: PathBuf,
    /// Files of `target` kept unchanged by name ([`StagingDir::keep_file`]), not yet
    /// linked here.
    kept: Mutex<Vec<String>>,
    /// Files of `target` reused unchanged, by their place in its manifest.
    reused: OnceLock<Marks>,
    written: AtomicUsize,
    committed: bool,
    /// Files the folder already holds, to be written over ([`StagingDir::reusing`]).
    pooled: HashSet<String>,
    /// The files written, when some are `pooled`: the folder holds others too.
    names: Mutex<Vec<String>>,
}

/// Removes a whole output folder, its subfolders several at a time. Unlinking is bound by
/// the disk's latency, not the CPU: removing the old output of 1,300 reports (10,842
/// files) in the swap took 6 s with one thread and 1.5 s with six on the 2-core machine
/// of the #7 benchmark, so this uses its own small pool rather than rayon's, which has
/// one thread per core.
fn remove_tree(root: &Path) -> io::Result<()> {
    let mut parts: Vec<PathBuf> = Vec::new();
    for entry in fs::read_dir(root)? {
        let entry = entry?;
        if entry.file_type()?.is_dir() {
            // One level further down: a site keeps most of its pages under one folder.
            for inner in fs::read_dir(entry.path())? {
                parts.push(inner?.path());
            }
        }
    }
    let next = std::sync::Mutex::new(parts.into_iter());
    std::thread::scope(|scope| {
        for _ in 0..REMOVERS {
            scope.spawn(|| {
                while let Some(path) = next.lock().map(|mut it| it.next()).unwrap_or(None) {
                    // Errors surface in the final removal below, which retries all.
                    let _ = if path.is_dir() {
                        fs::remove_dir_all(&path)
                    } else {
                        fs::remove_file(&path)
                    };
                }
            });
        }
    });
    fs::remove_dir_all(root)
}

/// A folder a commit left (see [`StagingDir::commit_guarded`]), holding the files the
/// build replaced: removed by [`Leftovers::remove`] or when dropped, or kept for the
/// next build to write over ([`Leftovers::into_pool`]).
#[derive(Debug, Default)]
pub struct Leftovers {
    path: Option<PathBuf>,
    /// The files replaced in the output, now here.
    replaced: Vec<String>,
    /// Other files here: pooled ones the build did not write.
    unused: Vec<String>,
}

impl Leftovers {
    pub fn remove(mut self) -> io::Result<()> {
        match self.path.take() {
            Some(path) => fs::remove_dir_all(path),
            None => Ok(()),
        }
    }

    /// Removes all but the files replaced, and keeps those to be written over by the
    /// next build ([`super::recycle`]); `None` if there is no folder. Should a file fail
    /// to go, the whole folder goes.
    pub fn into_pool(mut self) -> io::Result<Option<Pool>> {
        let Some(path) = self.path.take() else { return Ok(None) };
        if let Err(e) = super::update::remove_files(&path, &self.unused) {
            let _ = fs::remove_dir_all(&path);
            return Err(e);
        }
        Ok(Some(Pool::new(
            path,
            std::mem::take(&mut self.replaced).into_iter().collect(),
        )))
    }
}

impl Drop for Leftovers {
    fn drop(&mut self) {
        if let Some(path) = self.path.take() {
            let _ = fs::remove_dir_all(path);
        }
    }
}

/// Threads removing an old output at once.
const REMOVERS: usize = 6;

/// A new empty folder `.NAME.staging-PID-N` beside `target`.
fn new_folder_beside(target: &Path) -> io::Result<PathBuf> {
    static COUNTER: AtomicU64 = AtomicU64::new(0);
    let n = COUNTER.fetch_add(1, Ordering::Relaxed);
    let path = beside(target, &format!("staging-{}-{n}", std::process::id()));
    if let Some(parent) = path.parent() {
        fs::create_dir_all(parent)?;
    }
    if path.exists() {
        fs::remove_dir_all(&path)?;
    }
    fs::create_dir_all(&path)?;
    Ok(path)
}

impl StagingDir {
    /// Creates `.NAME.staging-PID-N` beside `target` (same file system, so the final
    /// rename is atomic per directory entry).
    pub fn beside(target: &Path) -> io::Result<StagingDir> {
        Ok(StagingDir::at(new_folder_beside(target)?, target, HashSet::new()))
    }

    /// Copies of the files `rels` of `target` (those it has) in a new folder beside it,
    /// for the next build to write over ([`StagingDir::reusing`]): a build that swapped
    /// the whole folder replaced no file, yet the next rebuild after a text edit
    /// rewrites some files, `data/documents.json` (8.6 MB at 13,000 reports) first.
    pub fn pool_of_copies(target: &Path, rels: &[&str]) -> io::Result<Pool> {
        let folder = new_folder_beside(target)?;
        let mut files = HashSet::new();
        for rel in rels {
            let to = folder.join(rel);
            if let Some(parent) = to.parent() {
                fs::create_dir_all(parent)?;
            }
            match fs::copy(target.join(rel), &to) {
                Ok(_) => files.insert(rel.to_string()),
                Err(e) if e.kind() == io::ErrorKind::NotFound => false,
                Err(e) => {
                    let _ = fs::remove_dir_all(&folder);
                    return Err(e);
                }
            };
        }
        Ok(Pool::new(folder, files))
    }

    /// A staging folder made of what a publish left into `target` ([`Leftovers::into_pool`]):
    /// a file written where the folder holds one is written over ([`super::recycle`]).
    /// The caller vouches that no reader has these files open.
    pub fn reusing(target: &Path, pool: Pool) -> StagingDir {
        let (path, pooled) = pool.into_parts();
        StagingDir::at(path, target, pooled)
    }

    fn at(path: PathBuf, target: &Path, pooled: HashSet<String>) -> StagingDir {
        StagingDir {
            path,
            target: target.to_path_buf(),
            kept: Mutex::default(),
            reused: OnceLock::new(),
            written: AtomicUsize::new(0),
            committed: false,
            pooled,
            names: Mutex::default(),
        }
    }

    pub fn path(&self) -> &Path {
        &self.path
    }

    /// Replaces the output with the staged one. When fewer files were written than kept,
    /// the new files are moved into the output and its stale files removed; otherwise
    /// the kept files are linked in and the folders swapped: old output aside, new in,
    /// old removed (put back if the second rename fails).
    /// `previous` is the manifest of the output (the build the files were reused from),
    /// when known: it lists its files.
    pub fn commit(self, previous: Option<&Manifest>) -> io::Result<()> {
        self.commit_guarded(previous, || ())?.remove()
    }

    /// [`StagingDir::commit`], holding what `guard` returns while files of the output are
    /// replaced, and not while an old output is removed: `serve` passes the lock its
    /// HTTP threads take to open a file, so that none finds a file or the whole folder
    /// missing half-way. What is left to remove once the output is in place is handed
    /// back, for the caller to remove when it has the time.
    pub fn commit_guarded<G>(
        mut self,
        previous: Option<&Manifest>,
        guard: impl FnOnce() -> G,
    ) -> io::Result<Leftovers> {
        let named = std::mem::take(&mut *self.kept.lock().expect("not poisoned"));
        let reused = self.reused.take();
        let kept = Kept::new(named, reused.as_ref(), previous)?;
        let (written, unused) = self.written_and_unused();
        if kept.count() > 0 && self.written.load(Ordering::Relaxed) <= kept.count() {
            let written = match written {
                Some(names) => names,
                None => super::update::files(&self.path)?,
            };
            // What goes is worked out before the lock is taken: under it, only files change.
            let (stale, new) = super::update::plan(written, &self.target, &kept, previous)?;
            let held = guard();
            let replaced = super::update::apply(&self.path, &self.target, &stale, &new)?;
            drop(held);
            self.committed = true;
            return Ok(Leftovers {
                path: Some(self.path.clone()),
                replaced,
                unused,
            });
        }
        super::update::remove_files(&self.path, &unused)?;
        self.link(&kept)?;
        let target = self.target.clone();
        let old = beside(&target, &format!("old-{}", std::process::id()));
        let had_old = target.exists();
        if had_old && old.exists() {
            fs::remove_dir_all(&old)?;
        }
        let held = guard();
        if had_old {
            fs::rename(&target, &old)?;
        }
        if let Err(e) = fs::rename(&self.path, &target) {
            if had_old {
                let _ = fs::rename(&old, &target);
            }
            return Err(e);
        }
        drop(held);
        self.committed = true;
        if had_old {
            remove_tree(&old)?;
        }
        Ok(Leftovers::default())
    }

    /// The files written, if the folder holds pooled ones (otherwise they are the files
    /// in the folder), and the pooled files not written over.
    fn written_and_unused(&self) -> (Option<Vec<String>>, Vec<String>) {
        if self.pooled.is_empty() {
            return (None, Vec::new());
        }
        // Once each: a file written twice is moved in once.
        let mut written = std::mem::take(&mut *self.names.lock().expect("not poisoned"));
        written.sort_unstable();
        written.dedup();
        let named: HashSet<&str> = written.iter().map(String::as_str).collect();
        let unused = self
            .pooled
            .iter()
            .filter(|rel| !named.contains(rel.as_str()))
            .cloned()
            .collect();
        (Some(written), unused)
    }

    /// For a file about to be written at `path` (`rel`): the pooled file there, opened
    /// to be written over, or `None`, the way cleared for a new one.
    fn over_pooled(&self, rel: &str, path: &Path) -> io::Result<Option<fs::File>> {
        if self.pooled.is_empty() {
            return Ok(None);
        }
        self.names.lock().expect("not poisoned").push(rel.to_string());
        if self.pooled.contains(rel)
            && let Some(file) = recycle::open_over(path)?
        {
            return Ok(Some(file));
        }
        recycle::make_room(&self.path, rel, &self.pooled)?;
        Ok(None)
    }

    /// Keeps the output's file `rel` as it is, as if it had been reused (`serve` writes
    /// its manifest once the pages are published).
    pub fn keep_file(&self, rel: &str) {
        self.kept.lock().expect("not poisoned").push(rel.to_string());
    }

    /// Hard-links files of the output being replaced into the staging folder, several
    /// at a time (they were linked by the rendering threads before being only noted).
    fn link(&self, kept: &Kept) -> io::Result<()> {
        use rayon::prelude::*;
        let files: Vec<&str> = kept.paths().collect();
        files
            .par_iter()
            .try_for_each(|rel| link_or_copy(&self.target.join(rel), &self.path.join(rel)))
    }
}

impl Sink for StagingDir {
    fn write(&self, rel: &str, bytes: &[u8]) -> io::Result<()> {
        debug_assert!(!rel.starts_with('/') && !rel.contains(".."), "unsafe output path {rel}");
        let path = self.path.join(rel);
        self.written.fetch_add(1, Ordering::Relaxed);
        if let Some(mut file) = self.over_pooled(rel, &path)? {
            io::Write::write_all(&mut file, bytes)?;
            return recycle::finish_over(&file, bytes.len() as u64);
        }
        if let Some(p) = path.parent() {
            fs::create_dir_all(p)?;
        }
        fs::write(path, bytes)
    }

    fn write_streamed(&self, rel: &str, fill: &mut dyn FnMut(&mut dyn io::Write) -> io::Result<()>) -> io::Result<()> {
        let path = self.path.join(rel);
        self.written.fetch_add(1, Ordering::Relaxed);
        let pooled = self.over_pooled(rel, &path)?;
        let over = pooled.is_some();
        let file = match pooled {
            Some(file) => file,
            None => {
                if let Some(p) = path.parent() {
                    fs::create_dir_all(p)?;
                }
                fs::File::create(path)?
            }
        };
        let mut out = io::BufWriter::new(file);
        fill(&mut out)?;
        let mut file = out.into_inner().map_err(io::IntoInnerError::into_error)?;
        if over {
            let len = io::Seek::stream_position(&mut file)?;
            recycle::finish_over(&file, len)?;
        }
        Ok(())
    }

    /// A file of the output being replaced is marked (see [`StagingDir`]); any other is
    /// hard-linked: no bytes copied, and the previous output keeps its own entry (it is
    /// never written to).
    fn reuse(&self, rel: &str, known: &Reused) -> io::Result<()> {
        if same_folder(known.dir, &self.target) {
            let marks = self.reused.get_or_init(|| Marks::new(known.manifest.files.len()));
            if marks.len() == known.manifest.files.len() {
                marks.mark(known.file);
                return Ok(());
            }
            // Reused from two manifests at once: not something a build does.
            return Err(io::Error::other(format!(
                "{rel}: reused from a build other than the output's"
            )));
        }
        link_or_copy(&known.dir.join(rel), &self.path.join(rel))
    }
}

/// Whether `a` and `b` name the same folder. Compared as bytes first, without comparing
/// path components: this runs for every file reused, 132,000 times after an edit at
/// 13,000 reports.
fn same_folder(a: &Path, b: &Path) -> bool {
    a.as_os_str() == b.as_os_str() || a == b
}

/// The files of the output a build keeps as they are: some by name, the others by their
/// place in the output's manifest.
pub(super) struct Kept<'a> {
    named: Vec<String>,
    reused: Option<(&'a Marks, &'a Manifest)>,
}

impl<'a> Kept<'a> {
    /// `reused` places are in `previous`, which must then be given.
    fn new(named: Vec<String>, reused: Option<&'a Marks>, previous: Option<&'a Manifest>) -> io::Result<Kept<'a>> {
        let reused = match (reused, previous) {
            (None, _) => None,
            (Some(marks), Some(m)) if marks.len() == m.files.len() => Some((marks, m)),
            (Some(_), _) => {
                return Err(io::Error::other(
                    "files were reused from a build whose manifest is not the one given to publish",
                ));
            }
        };
        Ok(Kept { named, reused })
    }

    pub(super) fn count(&self) -> usize {
        self.named.len() + self.reused.map_or(0, |(marks, _)| marks.count())
    }

    /// Kept by name.
    pub(super) fn named(&self) -> &[String] {
        &self.named
    }

    /// Whether the output's file at place `i` of its manifest is kept (by its place).
    pub(super) fn reused(&self, i: usize) -> bool {
        self.reused.is_some_and(|(marks, _)| marks.contains(i))
    }

    fn paths(&self) -> impl Iterator<Item = &str> {
        let reused = self
            .reused
            .into_iter()
            .flat_map(|(marks, m)| marks.iter().map(|i| m.files[i].path.as_str()));
        self.named.iter().map(String::as_str).chain(reused)
    }
}

/// A hard link at `to` to `from`, or a copy where links are not possible (another file
/// system).
fn link_or_copy(from: &Path, to: &Path) -> io::Result<()> {
    if let Some(p) = to.parent() {
        fs::create_dir_all(p)?;
    }
    fs::hard_link(from, to).or_else(|_| fs::copy(from, to).map(|_| ()))
}

impl Drop for StagingDir {
    fn drop(&mut self) {
        if !self.committed {
            let _ = fs::remove_dir_all(&self.path);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_folder_is_told_by_its_bytes_or_its_components() {
        let folder = Path::new("/tmp/site");
        assert!(same_folder(folder, Path::new("/tmp/site")));
        assert!(same_folder(Path::new("/tmp/./site/"), folder));
        assert!(!same_folder(Path::new("/tmp/sitex"), folder));
        assert!(!same_folder(Path::new("/tmp/other/site"), folder));
    }

    #[test]
    fn commit_replaces_and_drop_discards() {
        let tmp = tempfile::tempdir().unwrap();
        let target = tmp.path().join("public");
        fs::create_dir_all(&target).unwrap();
        fs::write(target.join("old.html"), "old").unwrap();

        let failed = StagingDir::beside(&target).unwrap();
        failed.write("index.html", b"half").unwrap();
        drop(failed);
        assert_eq!(fs::read_to_string(target.join("old.html")).unwrap(), "old");

        let s = StagingDir::beside(&target).unwrap();
        s.write("a/index.html", b"new").unwrap();
        s.commit(None).unwrap();
        assert!(!target.join("old.html").exists());
        assert_eq!(fs::read_to_string(target.join("a/index.html")).unwrap(), "new");
        let leftovers: Vec<_> = fs::read_dir(tmp.path())
            .unwrap()
            .map(|e| e.unwrap().file_name())
            .collect();
        assert_eq!(leftovers, vec![std::ffi::OsString::from("public")]);
    }

    #[test]
    fn a_pool_of_copies_holds_sole_copies_of_the_files_there_are() {
        use std::os::unix::fs::MetadataExt;
        let tmp = tempfile::tempdir().unwrap();
        let target = tmp.path().join("public");
        fs::create_dir_all(target.join("data")).unwrap();
        fs::write(target.join("data/documents.json"), "[]").unwrap();
        let pool = StagingDir::pool_of_copies(&target, &["data/documents.json", "missing.json"]).unwrap();
        assert_eq!(pool.len(), 1);
        let (folder, files) = pool.into_parts();
        assert!(files.contains("data/documents.json"));
        let copy = fs::metadata(folder.join("data/documents.json")).unwrap();
        assert_eq!(copy.nlink(), 1, "a copy, not a link: it is written over");
        assert_eq!(fs::read_to_string(folder.join("data/documents.json")).unwrap(), "[]");
        assert!(!folder.join("missing.json").exists());
        fs::remove_dir_all(folder).unwrap();
    }

    #[test]
    fn a_streamed_file_is_written_whole_and_counted() {
        let tmp = tempfile::tempdir().unwrap();
        let target = tmp.path().join("public");
        let s = StagingDir::beside(&target).unwrap();
        let mut fill = |out: &mut dyn io::Write| {
            out.write_all(b"{\n")?;
            out.write_all("\"公示\": 1\n}".as_bytes())
        };
        s.write_streamed("data/m.json", &mut fill).unwrap();
        assert_eq!(s.written.load(Ordering::Relaxed), 1);
        s.commit(None).unwrap();
        assert_eq!(
            fs::read_to_string(target.join("data/m.json")).unwrap(),
            "{\n\"公示\": 1\n}"
        );
        // The default, for other sinks: made in memory and written.
        let null = NullSink::default();
        null.write_streamed("m.json", &mut fill).unwrap();
        assert_eq!(null.files.load(Ordering::Relaxed), 1);
    }
}
