//! `/manifest.json`: what a build published, so a deployed copy can be verified and
//! the next build can check that nothing citable disappeared.

use std::borrow::Cow;
use std::io;
use std::path::Path;
use std::sync::Mutex;

use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

use crate::output::marks::{Marks, marked, merge_sorted, sorted_last, take_marked};
use crate::output::{Reused, Sink};

pub const MANIFEST_FILE: &str = "manifest.json";

/// One published file.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq)]
pub struct FileEntry {
    pub path: String,
    pub sha256: String,
    pub size: u64,
}

/// One HTML page and the ids (anchors) it defines.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq)]
pub struct PageEntry {
    /// URL path relative to the site root: `reports/2018/`, `404.html`.
    pub url: String,
    pub anchors: Anchors,
}

/// A page's ids in one string, each followed by a NUL (which no HTML attribute holds:
/// parsers read it as U+FFFD, and so does this). A build holds every page's ids until
/// the manifest is written, and a repeat build the previous build's too: 3.5 million at
/// 13,000 reports, which took some 140 MB as separate strings. In `manifest.json`
/// they are a list of strings, as before. Shared, not copied, when a page is reused:
/// copying them was a third of the cost of reusing a file.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Anchors(std::sync::Arc<str>);

impl Anchors {
    pub fn iter(&self) -> impl Iterator<Item = &str> {
        self.0.split_terminator('\0')
    }

    pub fn contains(&self, id: &str) -> bool {
        self.iter().any(|a| a == id)
    }

    pub fn len(&self) -> usize {
        self.iter().count()
    }

    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }
}

impl<S: AsRef<str>> FromIterator<S> for Anchors {
    fn from_iter<I: IntoIterator<Item = S>>(ids: I) -> Anchors {
        let mut joined = String::new();
        for id in ids {
            joined.extend(id.as_ref().chars().map(|c| if c == '\0' { '\u{FFFD}' } else { c }));
            joined.push('\0');
        }
        Anchors(joined.into())
    }
}

impl Serialize for Anchors {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_seq(self.iter())
    }
}

impl<'de> Deserialize<'de> for Anchors {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Anchors, D::Error> {
        Ok(Vec::<String>::deserialize(deserializer)?.into_iter().collect())
    }
}

/// An old URL that redirects to a page.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq)]
pub struct AliasEntry {
    pub url: String,
    pub target: String,
}

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq)]
pub struct Manifest {
    pub generator: String,
    pub base_url: String,
    /// Every published file but the manifest itself, sorted by path.
    pub files: Vec<FileEntry>,
    pub pages: Vec<PageEntry>,
    pub aliases: Vec<AliasEntry>,
}

impl Manifest {
    /// No files, pages or aliases.
    pub fn empty() -> Manifest {
        Manifest {
            generator: "gongshi".into(),
            base_url: String::new(),
            files: Vec::new(),
            pages: Vec::new(),
            aliases: Vec::new(),
        }
    }

    pub fn read(dir: &Path) -> io::Result<Manifest> {
        let bytes = std::fs::read(dir.join(MANIFEST_FILE))?;
        serde_json::from_slice(&bytes).map_err(|e| io::Error::new(io::ErrorKind::InvalidData, e))
    }

    pub fn to_json(&self) -> Vec<u8> {
        let mut v = Vec::new();
        self.write_json(&mut v).expect("writing to memory does not fail");
        v
    }

    /// The manifest as [`Manifest::to_json`] gives it, written to `out`.
    pub fn write_json(&self, out: &mut dyn io::Write) -> io::Result<()> {
        serde_json::to_writer_pretty(&mut *out, self)?;
        out.write_all(b"\n")
    }

    /// The published file `path` (the files are sorted by path).
    pub fn file(&self, path: &str) -> Option<&FileEntry> {
        self.file_index(path).map(|i| &self.files[i])
    }

    /// The place of file `path` in [`Manifest::files`].
    pub fn file_index(&self, path: &str) -> Option<usize> {
        self.files.binary_search_by(|f| f.path.as_str().cmp(path)).ok()
    }

    pub fn page(&self, url: &str) -> Option<&PageEntry> {
        self.page_index(url).map(|i| &self.pages[i])
    }

    /// The place of page `url` in [`Manifest::pages`] (sorted by URL).
    pub fn page_index(&self, url: &str) -> Option<usize> {
        self.pages.binary_search_by(|p| p.url.as_str().cmp(url)).ok()
    }

    /// Whether its files and pages are listed sorted, each once, as a build lists them:
    /// lookups rely on it.
    pub fn is_sorted(&self) -> bool {
        self.files.windows(2).all(|w| w[0].path < w[1].path) && self.pages.windows(2).all(|w| w[0].url < w[1].url)
    }

    pub fn alias(&self, url: &str) -> Option<&AliasEntry> {
        self.aliases.iter().find(|a| a.url == url)
    }
}

pub fn sha256_hex(bytes: &[u8]) -> String {
    crate::hex::hex(&Sha256::digest(bytes))
}

/// The URL path of an output file: `reports/2018/index.html` -> `reports/2018/`.
pub fn url_of(path: &str) -> String {
    match path.strip_suffix("index.html") {
        Some(dir) => dir.to_string(),
        None => path.to_string(),
    }
}

/// A sink that records what passes through it, for the manifest. Files and pages are
/// listed as they come and sorted at the end: a sorted map under the lock cost more
/// than writing a reused file (132,000 of them after an edit at 13,000 reports). A file
/// reused from the previous build only has its place in that build's manifest marked
/// ([`crate::output::marks`]).
pub struct Recorder<'a> {
    inner: &'a dyn Sink,
    files: Mutex<Vec<FileEntry>>,
    pages: Mutex<Vec<PageEntry>>,
    previous: Option<Carried<'a>>,
}

/// The previous build's files and pages this build reuses, marked in its manifest.
struct Carried<'a> {
    manifest: &'a Manifest,
    files: Marks,
    pages: Marks,
}

impl<'a> Recorder<'a> {
    pub fn new(inner: &'a dyn Sink) -> Recorder<'a> {
        Recorder::expecting(inner, None)
    }

    /// A recorder for a build that reuses files of the build `previous` describes.
    pub fn expecting(inner: &'a dyn Sink, previous: Option<&'a Manifest>) -> Recorder<'a> {
        Recorder {
            inner,
            files: Mutex::default(),
            pages: Mutex::default(),
            previous: previous.map(|manifest| Carried {
                manifest,
                files: Marks::new(manifest.files.len()),
                pages: Marks::new(manifest.pages.len()),
            }),
        }
    }

    /// The manifest of everything written, which ends the recording: what was recorded
    /// is moved into it, and what was reused is copied from the previous manifest. A
    /// file both reused and written is listed as written. `aliases` are (old URL,
    /// target URL) pairs; their redirect pages are files but not pages.
    pub fn manifest(self, base_url: &str, aliases: Vec<AliasEntry>) -> Manifest {
        let previous = self.previous.as_ref().map(|c| c.manifest);
        self.finish(base_url, aliases)
            .into_manifest(previous.map(Cow::Borrowed))
    }

    /// Ends the recording without making the manifest yet: see [`Recording`].
    pub fn finish(self, base_url: &str, mut aliases: Vec<AliasEntry>) -> Recording {
        aliases.sort_by(|a, b| a.url.cmp(&b.url));
        let files = sorted_last(self.files.into_inner().expect("not poisoned"), |f| &f.path);
        let pages = sorted_last(self.pages.into_inner().expect("not poisoned"), |p| &p.url);
        let (count, carried) = match self.previous {
            Some(c) => {
                let rewritten = files
                    .iter()
                    .filter(|f| c.manifest.file_index(&f.path).is_some_and(|i| c.files.contains(i)))
                    .count();
                (c.files.count() + files.len() - rewritten, Some((c.files, c.pages)))
            }
            None => (files.len(), None),
        };
        Recording {
            files,
            pages,
            carried,
            count,
            base_url: base_url.to_string(),
            aliases,
        }
    }
}

/// What a [`Recorder`] recorded: the files and pages written, sorted, and those reused,
/// marked by their places in the previous manifest. [`Recording::into_manifest`] makes
/// the manifest from them and that previous manifest, which it may be given to keep:
/// `serve` does so once the open pages have reloaded, so that no page waits for the
/// 132,000 entries of an edit at 13,000 reports to be copied (20 ms).
pub struct Recording {
    files: Vec<FileEntry>,
    pages: Vec<PageEntry>,
    /// Files and pages reused, marked in the previous manifest.
    carried: Option<(Marks, Marks)>,
    count: usize,
    base_url: String,
    aliases: Vec<AliasEntry>,
}

impl Recording {
    /// How many files the manifest lists.
    pub fn files(&self) -> usize {
        self.count
    }

    /// The manifest. `previous` must be the manifest the [`Recorder`] was given (its
    /// reused entries are taken from it by place); owned, they are moved rather than
    /// copied.
    pub fn into_manifest(self, previous: Option<Cow<'_, Manifest>>) -> Manifest {
        let Recording {
            files,
            pages,
            carried,
            base_url,
            aliases,
            ..
        } = self;
        let (files, mut pages) = match (carried, previous) {
            (Some((file_marks, page_marks)), Some(Cow::Owned(m))) => (
                merge_sorted(take_marked(m.files, &file_marks), files, |f| &f.path),
                merge_sorted(take_marked(m.pages, &page_marks), pages, |p| &p.url),
            ),
            (Some((file_marks, page_marks)), Some(Cow::Borrowed(m))) => (
                merge_sorted(marked(&m.files, &file_marks).cloned(), files, |f| &f.path),
                merge_sorted(marked(&m.pages, &page_marks).cloned(), pages, |p| &p.url),
            ),
            (carried, _) => {
                debug_assert!(
                    carried.is_none(),
                    "reused files need the manifest they were reused from"
                );
                (files, pages)
            }
        };
        let alias_urls: std::collections::BTreeSet<&str> = aliases.iter().map(|a| a.url.as_str()).collect();
        pages.retain(|p| !alias_urls.contains(p.url.as_str()));
        Manifest {
            generator: "gongshi".into(),
            base_url,
            files,
            pages,
            aliases,
        }
    }
}

impl Sink for Recorder<'_> {
    fn write(&self, rel: &str, bytes: &[u8]) -> io::Result<()> {
        self.inner.write(rel, bytes)?;
        let entry = FileEntry {
            path: rel.to_string(),
            sha256: sha256_hex(bytes),
            size: bytes.len() as u64,
        };
        self.files.lock().expect("not poisoned").push(entry);
        if rel.ends_with(".html") {
            let anchors = super::ids::html_ids(&String::from_utf8_lossy(bytes))
                .into_iter()
                .collect();
            let page = PageEntry {
                url: url_of(rel),
                anchors,
            };
            self.pages.lock().expect("not poisoned").push(page);
        }
        Ok(())
    }

    /// A file reused from the previous build: its digest and ids come from that
    /// build's manifest instead of being computed again.
    fn reuse(&self, rel: &str, known: &Reused) -> io::Result<()> {
        self.inner.reuse(rel, known)?;
        if let Some(carried) = self
            .previous
            .as_ref()
            .filter(|c| std::ptr::eq(c.manifest, known.manifest) && known.entry().path == rel)
        {
            carried.files.mark(known.file);
            if let Some(page) = known.page {
                carried.pages.mark(page);
            }
            return Ok(());
        }
        let entry = FileEntry {
            path: rel.to_string(),
            ..known.entry().clone()
        };
        self.files.lock().expect("not poisoned").push(entry);
        if let Some(page) = known.page_entry() {
            let page = PageEntry {
                url: url_of(rel),
                anchors: page.anchors.clone(),
            };
            self.pages.lock().expect("not poisoned").push(page);
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::output::writer::NullSink;

    #[test]
    fn records_digests_sizes_and_anchors() {
        let null = NullSink::default();
        let r = Recorder::new(&null);
        r.write("reports/2018/index.html", b"<p id=a>x</p><h2 id=\"b c\">y</h2>")
            .unwrap();
        r.write("style.css", b"body{}").unwrap();
        r.write("old/index.html", b"<p>redirect</p>").unwrap();
        let m = r.manifest(
            "https://e.org/",
            vec![AliasEntry {
                url: "old/".into(),
                target: "reports/2018/".into(),
            }],
        );
        assert_eq!(m.files.len(), 3);
        assert_eq!(m.files[2].path, "style.css");
        assert_eq!(m.files[2].size, 6);
        assert_eq!(m.files[2].sha256, sha256_hex(b"body{}"));
        assert_eq!(m.file("style.css"), Some(&m.files[2]));
        assert_eq!(m.file("missing.css"), None);
        assert_eq!(m.pages.len(), 1);
        assert_eq!(
            m.page("reports/2018/").unwrap().anchors.iter().collect::<Vec<_>>(),
            ["a", "b c"]
        );
        assert!(m.alias("old/").is_some());
    }

    #[test]
    fn files_are_listed_sorted_and_a_file_written_twice_once_as_last_written() {
        let null = NullSink::default();
        let r = Recorder::new(&null);
        r.write("b/index.html", b"<p id=first>1</p>").unwrap();
        r.write("a.css", b"a{}").unwrap();
        r.write("b/index.html", b"<p id=second>2</p>").unwrap();
        let m = r.manifest("https://e.org/", Vec::new());
        let paths: Vec<&str> = m.files.iter().map(|f| f.path.as_str()).collect();
        assert_eq!(paths, ["a.css", "b/index.html"]);
        assert_eq!(m.files[1].sha256, sha256_hex(b"<p id=second>2</p>"));
        assert_eq!(m.pages.len(), 1);
        assert_eq!(m.pages[0].anchors.iter().collect::<Vec<_>>(), ["second"]);
    }

    #[test]
    fn reused_files_are_taken_from_the_previous_manifest_as_if_written_again() {
        let null = NullSink::default();
        let files: [(&str, &[u8]); 4] = [
            ("a/index.html", b"<p id=a>a</p>"),
            ("b.css", b"b{}"),
            ("c/index.html", b"<p id=c>c</p>"),
            ("d/index.html", b"<p id=d>d</p>"),
        ];
        let first = Recorder::new(&null);
        for (rel, bytes) in files {
            first.write(rel, bytes).unwrap();
        }
        let previous = first.manifest("https://e.org/", Vec::new());

        // Again: a, b and d reused, c reused and then written anew, e new.
        let dir = Path::new("/nowhere");
        let again = || {
            let again = Recorder::expecting(&null, Some(&previous));
            for rel in ["d/index.html", "a/index.html", "b.css", "c/index.html"] {
                let file = previous.files.iter().position(|f| f.path == rel).unwrap();
                let page = previous.pages.iter().position(|p| p.url == url_of(rel));
                let known = Reused {
                    dir,
                    manifest: &previous,
                    file,
                    page,
                };
                again.reuse(rel, &known).unwrap();
            }
            again.write("c/index.html", b"<p id=c2>c</p>").unwrap();
            again.write("e.js", b"e").unwrap();
            again
        };
        let m = again().manifest("https://e.org/", Vec::new());
        // The same when made later from the previous manifest itself, moved.
        let recording = again().finish("https://e.org/", Vec::new());
        assert_eq!(recording.files(), 5, "c counted once");
        assert_eq!(recording.into_manifest(Some(Cow::Owned(previous.clone()))), m);

        let fresh = Recorder::new(&null);
        for (rel, bytes) in [
            ("a/index.html", &b"<p id=a>a</p>"[..]),
            ("b.css", b"b{}"),
            ("c/index.html", b"<p id=c2>c</p>"),
            ("d/index.html", b"<p id=d>d</p>"),
            ("e.js", b"e"),
        ] {
            fresh.write(rel, bytes).unwrap();
        }
        assert_eq!(m, fresh.manifest("https://e.org/", Vec::new()));
        assert_eq!(m.pages.len(), 3);
    }

    #[test]
    fn anchors_are_kept_joined_and_read_and_written_as_a_list() {
        let ids = ["p-1-1", "一、公正", "b c", ""];
        let anchors: Anchors = ids.iter().collect();
        assert_eq!(anchors.iter().collect::<Vec<_>>(), ids);
        assert_eq!(anchors.len(), 4);
        assert!(anchors.contains("b c") && anchors.contains("") && !anchors.contains("b"));
        let json = serde_json::to_string(&anchors).unwrap();
        assert_eq!(json, r#"["p-1-1","一、公正","b c",""]"#);
        assert_eq!(serde_json::from_str::<Anchors>(&json).unwrap(), anchors);
        // A NUL cannot split an id in two: it reads as U+FFFD, as in an HTML parser.
        let nul: Anchors = ["a\0b"].iter().collect();
        assert_eq!(nul.iter().collect::<Vec<_>>(), ["a\u{FFFD}b"]);
        assert!(Anchors::default().is_empty() && Anchors::default().iter().next().is_none());
    }
}
