//! Documents remembered from an earlier load, for `serve`: a file that did not change
//! since is not read, hashed and parsed again. At 13,000 reports that is half a
//! gigabyte of Markdown, 1.5 s of each rebuild after an edit.
//!
//! Whether a file changed is told by its metadata, as `make` and `git` tell it: size,
//! modification time and, on Unix, inode and status-change time (a file replaced by a
//! rename, or given an old time back by `cp -p`, has a new one). A file modified shortly
//! before it was read is not remembered: file systems keep times at a coarse grain (a
//! few milliseconds on Linux), and a second write of the same size within that grain
//! would otherwise go unseen. Git calls this the racy-clean case and does the same.
//!
//! `serve` can do better: its watcher sees every file written, created, removed or
//! renamed. When it saw only writes to existing files, it tells the memo which
//! ([`LoadMemo::only_changed`]), and the next load walks nothing and looks at no other
//! file: it takes the last load's folders and files, sections and documents as they
//! were. Walking 3,254 folders, reading their `_index.md` and looking up 17,000
//! documents' metadata took most of a load after one edit at 13,000 reports.

use std::collections::{HashMap, HashSet};
use std::fs::Metadata;
use std::sync::Arc;
use std::time::{Duration, SystemTime};

use super::load::ParsedIndex;
use super::retake::LastTree;
use super::walk::Walk;
use super::{Document, Kind};

/// How long before it is read a file must have been modified last to be remembered.
const SETTLED: Duration = Duration::from_secs(2);

/// A file's metadata, as far as it tells whether the file changed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Fingerprint {
    len: u64,
    modified: SystemTime,
    #[cfg(unix)]
    inode: (u64, u64, i64, i64),
}

impl Fingerprint {
    /// The fingerprint of a file read at `read_at`, unless it was modified too shortly
    /// before (or its times are unknown): then it is not to be remembered.
    pub fn settled(meta: &Metadata, read_at: SystemTime) -> Option<Fingerprint> {
        let modified = meta.modified().ok()?;
        if read_at.duration_since(modified).ok()? < SETTLED {
            return None;
        }
        Some(Fingerprint {
            len: meta.len(),
            modified,
            #[cfg(unix)]
            inode: {
                use std::os::unix::fs::MetadataExt;
                (meta.dev(), meta.ino(), meta.ctime(), meta.ctime_nsec())
            },
        })
    }

    /// Whether `meta` describes the file as it was when this was taken.
    fn matches(&self, meta: &Metadata) -> bool {
        let same = meta.len() == self.len && meta.modified().ok() == Some(self.modified);
        #[cfg(unix)]
        let same = same && {
            use std::os::unix::fs::MetadataExt;
            (meta.dev(), meta.ino(), meta.ctime(), meta.ctime_nsec()) == self.inode
        };
        same
    }
}

/// A document as parsed, and what it was parsed from.
#[derive(Clone)]
pub struct Remembered {
    pub fingerprint: Fingerprint,
    /// The kind its section gave it, which parsing depends on.
    pub section_kind: Option<Kind>,
    /// Its base URL and number, if it is a superseded text (`2018.v1.md`).
    pub version: Option<(String, u32)>,
    pub doc: Arc<Document>,
}

/// Documents by path under `content/` (a string: hashing a `Path` goes component by
/// component); see the module's doc.
#[derive(Default)]
pub struct LoadMemo {
    files: HashMap<String, Remembered>,
    /// Document files the last load read (the others came from here).
    read: usize,
    /// What the last load found under `content/`, if it went through to the end.
    walk: Option<Walk>,
    /// The sections' `_index.md` files the last load parsed, by path under `content/`.
    sections: HashMap<String, ParsedIndex>,
    /// The files under `content/` changed since the last load, when they are known to be
    /// the only changes ([`LoadMemo::only_changed`]).
    changed: Option<HashSet<String>>,
    /// The tree the last load made, if it went through ([`super::retake`]).
    last: Option<LastTree>,
}

impl LoadMemo {
    /// What was parsed from `rel` (under `content/`), if the file is unchanged (`meta`,
    /// read now) and its section gives the same kind.
    pub fn get(&self, rel: &str, meta: &Metadata, section_kind: Option<Kind>) -> Option<&Remembered> {
        self.files
            .get(rel)
            .filter(|r| r.section_kind == section_kind && r.fingerprint.matches(meta))
    }

    /// [`LoadMemo::get`] for a file known not to have changed: its metadata is not
    /// looked at.
    pub(super) fn get_unchanged(&self, rel: &str, section_kind: Option<Kind>) -> Option<&Remembered> {
        self.files.get(rel).filter(|r| r.section_kind == section_kind)
    }

    /// Tells the next load that, since the last one started, nothing under `content/`
    /// changed but the contents of the files `rels` (paths under `content/`, with `/`):
    /// no file or folder was created, removed or renamed. `serve`'s watcher knows this
    /// on Linux. The load checks that each of them is a file it found last time; if not,
    /// it walks `content/` as usual.
    pub fn only_changed(&mut self, rels: impl IntoIterator<Item = String>) {
        self.changed = Some(rels.into_iter().collect());
    }

    /// What [`LoadMemo::only_changed`] said, for this load only.
    pub(super) fn take_changed(&mut self) -> Option<HashSet<String>> {
        self.changed.take()
    }

    /// The last load's walk, taken out: a load puts its own back only once it has taken
    /// in its documents, so that one that stops half-way leaves none to trust.
    pub(super) fn take_walk(&mut self) -> Option<Walk> {
        self.walk.take()
    }

    pub(super) fn remember_walk(&mut self, walk: Walk) {
        self.walk = Some(walk);
    }

    pub(super) fn last_tree(&self) -> Option<&LastTree> {
        self.last.as_ref()
    }

    pub(super) fn last_tree_mut(&mut self) -> Option<&mut LastTree> {
        self.last.as_mut()
    }

    /// Keeps the tree a load made, for the next one; `None` for a load that did not go
    /// through.
    pub(super) fn remember_tree(&mut self, tree: Option<LastTree>) {
        self.last = tree;
    }

    /// The last load's parse of the `_index.md` at `rel`.
    pub(super) fn section(&self, rel: &str) -> Option<&ParsedIndex> {
        self.sections.get(rel)
    }

    /// The `_index.md` files this load parsed: those that failed are not remembered.
    pub(super) fn remember_sections(&mut self, parsed: Vec<(String, ParsedIndex)>) {
        self.sections = parsed.into_iter().collect();
    }

    /// Takes in a load: the files it `read`, each to be remembered (`Some`) or not (a
    /// file modified just before it was read), and every document file it `walked`,
    /// which is what may stay remembered (`None`: the same files as the last load's).
    /// What was taken from here stays as it is: nothing is copied for the 17,000
    /// documents that did not change.
    pub fn update(&mut self, read: Vec<(String, Option<Remembered>)>, walked: Option<&[String]>) {
        self.read = read.len();
        for (rel, remembered) in read {
            match remembered {
                Some(r) => self.files.insert(rel, r),
                None => self.files.remove(&rel),
            };
        }
        if let Some(walked) = walked {
            let walked: HashSet<&str> = walked.iter().map(String::as_str).collect();
            self.files.retain(|rel, _| walked.contains(rel.as_str()));
        }
    }

    /// Whether nothing is remembered (no load yet).
    pub fn is_empty(&self) -> bool {
        self.files.is_empty()
    }

    /// How many document files the last load read rather than took from here.
    pub fn files_read(&self) -> usize {
        self.read
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::content::load_reusing;
    use std::fs;
    use std::path::Path;

    fn write(root: &Path, rel: &str, text: &str, age: Duration) {
        let path = root.join(rel);
        fs::create_dir_all(path.parent().unwrap()).unwrap();
        fs::write(&path, text).unwrap();
        let file = fs::File::options().write(true).open(&path).unwrap();
        file.set_modified(SystemTime::now() - age).unwrap();
    }

    fn report(year: u32, body: &str) -> String {
        format!("---\ntitle: {year}年度社会责任报告\nyear: {year}\n---\n\n{body}\n")
    }

    fn bodies(tree: &crate::content::ContentTree) -> Vec<String> {
        tree.documents.iter().map(|d| d.body().trim().to_string()).collect()
    }

    const OLD: Duration = Duration::from_secs(60);

    #[test]
    fn unchanged_files_are_taken_from_the_memo_and_changed_ones_read_again() {
        let tmp = tempfile::tempdir().unwrap();
        let root = tmp.path();
        write(root, "content/_index.md", "---\ntitle: 首页\n---\n", OLD);
        write(
            root,
            "content/reports/_index.md",
            "---\ntitle: 报告\nkind: report\n---\n",
            OLD,
        );
        write(root, "content/reports/2017.md", &report(2017, "甲"), OLD);
        write(root, "content/reports/2018.md", &report(2018, "乙"), OLD);
        let mut memo = LoadMemo::default();
        let first = load_reusing(root, false, Some(&mut memo)).unwrap();
        assert_eq!(bodies(&first), ["甲", "乙"]);
        assert_eq!((memo.files.len(), memo.files_read()), (2, 2));

        // The memo's documents are the ones parsed: what a load from it gives is what a
        // load from the files gives.
        let again = load_reusing(root, false, Some(&mut memo)).unwrap();
        assert_eq!(memo.files_read(), 0);
        assert_eq!(bodies(&again), ["甲", "乙"]);
        assert_eq!(again.documents[1].digest, first.documents[1].digest);

        // An edit of the same size, given the old time back: the status-change time
        // and the inode still tell (on Unix; elsewhere the size and time would not).
        write(root, "content/reports/2018.md", &report(2018, "丙"), OLD);
        let file = fs::File::options()
            .write(true)
            .open(root.join("content/reports/2018.md"))
            .unwrap();
        file.set_modified(memo.files["reports/2018.md"].fingerprint.modified)
            .unwrap();
        if cfg!(unix) {
            let edited = load_reusing(root, false, Some(&mut memo)).unwrap();
            assert_eq!(bodies(&edited), ["甲", "丙"]);
            assert_eq!(memo.files_read(), 1);
        }

        // A file written just now is read, and not remembered: a second write within
        // the file system's time grain would not show.
        write(root, "content/reports/2018.md", &report(2018, "丁"), Duration::ZERO);
        let fresh = load_reusing(root, false, Some(&mut memo)).unwrap();
        assert_eq!(bodies(&fresh), ["甲", "丁"]);
        assert_eq!(memo.files_read(), 1);
        assert!(!memo.files.contains_key("reports/2018.md"));
        load_reusing(root, false, Some(&mut memo)).unwrap();
        assert_eq!(memo.files_read(), 1, "read again until it has settled");
        assert!(memo.files.contains_key("reports/2017.md"));

        // A section that gives another kind: its documents are parsed again.
        write(
            root,
            "content/reports/_index.md",
            "---\ntitle: 报告\nkind: page\n---\n",
            OLD,
        );
        let repaged = load_reusing(root, false, Some(&mut memo)).unwrap();
        assert!(repaged.documents.iter().all(|d| d.kind == Kind::Page));
        assert_eq!(memo.files_read(), 2);

        // A removed file is gone from the tree and from the memo.
        fs::remove_file(root.join("content/reports/2017.md")).unwrap();
        let removed = load_reusing(root, false, Some(&mut memo)).unwrap();
        assert_eq!(bodies(&removed), ["丁"]);
        assert!(!memo.files.contains_key("reports/2017.md"));
    }

    #[test]
    fn told_what_changed_a_load_looks_at_no_other_file() {
        let tmp = tempfile::tempdir().unwrap();
        let root = tmp.path();
        let section = |title: &str| format!("---\ntitle: {title}\nkind: report\n---\n");
        write(root, "content/_index.md", "---\ntitle: 首页\n---\n", OLD);
        write(root, "content/reports/_index.md", &section("报告"), OLD);
        write(root, "content/reports/2017.md", &report(2017, "甲"), OLD);
        write(root, "content/reports/2018.md", &report(2018, "乙"), OLD);
        let mut memo = LoadMemo::default();
        // Told before the first load: there is nothing to trust, all is read.
        memo.only_changed(["reports/2018.md".to_string()]);
        load_reusing(root, false, Some(&mut memo)).unwrap();
        assert_eq!(memo.files_read(), 2);

        // Three files edited, one named: only that one is read. (Told wrongly, as here,
        // the load believes it; the watcher tells what it saw.)
        write(root, "content/reports/2018.md", &report(2018, "丙"), OLD);
        write(root, "content/reports/2017.md", &report(2017, "戊"), OLD);
        write(root, "content/reports/_index.md", &section("报告集"), OLD);
        memo.only_changed(["reports/2018.md".to_string()]);
        let told = load_reusing(root, false, Some(&mut memo)).unwrap();
        assert_eq!(bodies(&told), ["甲", "丙"]);
        assert_eq!(memo.files_read(), 1);
        assert_eq!(told.sections["reports"].title, "报告");

        // A file named that the last load did not find: content/ is walked again and
        // every file looked at as without being told.
        write(root, "content/reports/2019.md", &report(2019, "庚"), OLD);
        memo.only_changed(["reports/2019.md".to_string()]);
        let walked = load_reusing(root, false, Some(&mut memo)).unwrap();
        assert_eq!(bodies(&walked), ["戊", "丙", "庚"]);
        assert_eq!(walked.sections["reports"].title, "报告集");

        // A document that failed to load is read again, named or not.
        write(root, "content/reports/2017.md", "---\ntitle: [\n---\n", OLD);
        memo.only_changed(["reports/2017.md".to_string()]);
        assert!(load_reusing(root, false, Some(&mut memo)).is_err());
        write(root, "content/reports/2017.md", &report(2017, "己"), OLD);
        memo.only_changed([]);
        let mended = load_reusing(root, false, Some(&mut memo)).unwrap();
        assert_eq!(bodies(&mended), ["己", "丙", "庚"]);
        assert_eq!(memo.files_read(), 1);
    }

    #[test]
    fn a_changed_size_or_time_is_a_change() {
        let tmp = tempfile::tempdir().unwrap();
        let path = tmp.path().join("a.md");
        fs::write(&path, "一").unwrap();
        let now = SystemTime::now();
        let meta = fs::metadata(&path).unwrap();
        assert!(Fingerprint::settled(&meta, now).is_none(), "written just now");
        let later = now + Duration::from_secs(10);
        let print = Fingerprint::settled(&meta, later).unwrap();
        assert!(print.matches(&fs::metadata(&path).unwrap()));
        fs::write(&path, "一二").unwrap();
        assert!(!print.matches(&fs::metadata(&path).unwrap()), "size");
        let file = fs::File::options().write(true).open(&path).unwrap();
        file.set_modified(now - OLD).unwrap();
        fs::write(&path, "一").unwrap();
        file.set_modified(now - OLD).unwrap();
        assert!(!print.matches(&fs::metadata(&path).unwrap()), "time");
    }
}
