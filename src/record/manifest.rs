//! `/manifest.json`: what a build published, so a deployed copy can be verified and
//! the next build can check that nothing citable disappeared.

use std::collections::BTreeMap;
use std::io;
use std::path::Path;
use std::sync::Mutex;

use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

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
    pub anchors: Vec<String>,
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
    pub fn read(dir: &Path) -> io::Result<Manifest> {
        let bytes = std::fs::read(dir.join(MANIFEST_FILE))?;
        serde_json::from_slice(&bytes).map_err(|e| io::Error::new(io::ErrorKind::InvalidData, e))
    }

    pub fn to_json(&self) -> Vec<u8> {
        let mut v = serde_json::to_vec_pretty(self).expect("manifest serialises");
        v.push(b'\n');
        v
    }

    pub fn page(&self, url: &str) -> Option<&PageEntry> {
        self.pages
            .binary_search_by(|p| p.url.as_str().cmp(url))
            .ok()
            .map(|i| &self.pages[i])
    }

    pub fn alias(&self, url: &str) -> Option<&AliasEntry> {
        self.aliases.iter().find(|a| a.url == url)
    }
}

pub fn sha256_hex(bytes: &[u8]) -> String {
    Sha256::digest(bytes).iter().map(|b| format!("{b:02x}")).collect()
}

/// The URL path of an output file: `reports/2018/index.html` -> `reports/2018/`.
pub fn url_of(path: &str) -> String {
    match path.strip_suffix("index.html") {
        Some(dir) => dir.to_string(),
        None => path.to_string(),
    }
}

/// A sink that records what passes through it, for the manifest.
pub struct Recorder<'a> {
    inner: &'a dyn Sink,
    files: Mutex<BTreeMap<String, FileEntry>>,
    pages: Mutex<BTreeMap<String, Vec<String>>>,
}

impl<'a> Recorder<'a> {
    pub fn new(inner: &'a dyn Sink) -> Recorder<'a> {
        Recorder {
            inner,
            files: Mutex::default(),
            pages: Mutex::default(),
        }
    }

    /// The manifest of everything written, which ends the recording: what was recorded
    /// is moved into it, not copied (millions of anchors on a national site). `aliases`
    /// are (old URL, target URL) pairs; their redirect pages are files but not pages.
    pub fn manifest(self, base_url: &str, mut aliases: Vec<AliasEntry>) -> Manifest {
        aliases.sort_by(|a, b| a.url.cmp(&b.url));
        let files = self.files.into_inner().expect("not poisoned").into_values().collect();
        let alias_urls: std::collections::BTreeSet<&str> = aliases.iter().map(|a| a.url.as_str()).collect();
        let pages = self
            .pages
            .into_inner()
            .expect("not poisoned")
            .into_iter()
            .filter(|(url, _)| !alias_urls.contains(url.as_str()))
            .map(|(url, anchors)| PageEntry { url, anchors })
            .collect();
        Manifest {
            generator: "gongshi".into(),
            base_url: base_url.into(),
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
        self.files.lock().expect("not poisoned").insert(rel.to_string(), entry);
        if rel.ends_with(".html") {
            let ids = super::ids::html_ids(&String::from_utf8_lossy(bytes));
            self.pages.lock().expect("not poisoned").insert(url_of(rel), ids);
        }
        Ok(())
    }

    /// A file reused from the previous build: its digest and ids come from that
    /// build's manifest instead of being computed again.
    fn reuse(&self, rel: &str, from: &Path, known: &Reused) -> io::Result<()> {
        self.inner.reuse(rel, from, known)?;
        let entry = FileEntry {
            path: rel.to_string(),
            sha256: known.sha256.clone(),
            size: known.size,
        };
        self.files.lock().expect("not poisoned").insert(rel.to_string(), entry);
        if let Some(ids) = &known.anchors {
            self.pages
                .lock()
                .expect("not poisoned")
                .insert(url_of(rel), ids.clone());
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
        assert_eq!(m.pages.len(), 1);
        assert_eq!(m.page("reports/2018/").unwrap().anchors, ["a", "b c"]);
        assert!(m.alias("old/").is_some());
    }
}
