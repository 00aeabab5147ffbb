//! Shared helpers for the end-to-end tests: fixture sites in temporary directories,
//! snapshots of output trees, and a small, forgiving HTML tag scanner (pages are
//! minified, so attribute quotes may or may not be there and attribute order changes).

#![allow(dead_code)]

use std::collections::BTreeMap;
use std::fs;
use std::path::{Path, PathBuf};

use gongshi::build::{BuildError, BuildOptions, BuildSummary, build};
use gongshi::diagnostics::{Diagnostic, Diagnostics};
use indicatif::ProgressBar;
use tempfile::TempDir;

pub const CONFIG: &str = "title: 测试站点\nbase_url: https://example.org/\n";

/// A site in a temporary directory: config.yaml, content/ and whatever a test adds.
/// No themes/ folder unless a test writes one.
pub struct Site {
    pub dir: TempDir,
}

impl Site {
    /// A site with the default config and a root `_index.md`.
    pub fn new() -> Site {
        Site::with_config(CONFIG)
    }

    pub fn with_config(config: &str) -> Site {
        let site = Site {
            dir: tempfile::tempdir().expect("temp dir"),
        };
        site.write("config.yaml", config);
        site.write("content/_index.md", "---\ntitle: 首页\n---\n");
        site
    }

    pub fn root(&self) -> &Path {
        self.dir.path()
    }

    /// Writes `contents` at `rel` (relative to the site root), creating folders.
    pub fn write(&self, rel: &str, contents: impl AsRef<[u8]>) -> &Site {
        let path = self.root().join(rel);
        fs::create_dir_all(path.parent().expect("has parent")).expect("mkdir");
        fs::write(&path, contents).expect("write fixture file");
        self
    }

    /// Writes a Markdown file from its front matter (without the `---` lines) and body.
    pub fn doc(&self, rel: &str, front_matter: &str, body: &str) -> &Site {
        self.write(rel, doc(front_matter, body))
    }

    pub fn remove(&self, rel: &str) {
        fs::remove_file(self.root().join(rel)).expect("remove fixture file");
    }

    pub fn public(&self) -> PathBuf {
        self.root().join("public")
    }

    pub fn opts(&self) -> BuildOptions {
        BuildOptions::new(self.root())
    }

    pub fn build(&self) -> Result<BuildSummary, BuildError> {
        build(&self.opts(), &ProgressBar::hidden())
    }

    pub fn build_with(&self, opts: &BuildOptions) -> Result<BuildSummary, BuildError> {
        build(opts, &ProgressBar::hidden())
    }

    /// Builds and panics with the rendered diagnostics on failure.
    pub fn build_ok(&self) -> BuildSummary {
        expect_ok(self.build())
    }

    /// Builds, expecting the build to fail with diagnostics.
    pub fn build_err(&self) -> Diagnostics {
        expect_invalid(self.build())
    }

    /// A file of the built site, as text.
    pub fn read(&self, rel: &str) -> String {
        read_out(&self.public(), rel)
    }

    pub fn exists(&self, rel: &str) -> bool {
        self.public().join(rel).is_file()
    }
}

pub fn doc(front_matter: &str, body: &str) -> String {
    let mut s = String::from("---\n");
    s.push_str(front_matter);
    if !front_matter.ends_with('\n') {
        s.push('\n');
    }
    s.push_str("---\n");
    s.push_str(body);
    s
}

pub fn expect_ok(r: Result<BuildSummary, BuildError>) -> BuildSummary {
    match r {
        Ok(s) => s,
        Err(e) => panic!("build failed:\n{e}"),
    }
}

pub fn expect_invalid(r: Result<BuildSummary, BuildError>) -> Diagnostics {
    match r {
        Ok(s) => panic!("build succeeded ({} files) but should have failed", s.files),
        Err(BuildError::Invalid(d)) => {
            assert!(d.has_errors(), "Invalid without errors: {d}");
            d
        }
        Err(e) => panic!("expected diagnostics, got {e}"),
    }
}

/// The one error of a failed build (panics, showing all of them, if there are more).
pub fn single_error(diags: &Diagnostics) -> &Diagnostic {
    let errors: Vec<&Diagnostic> = diags.errors().collect();
    assert_eq!(errors.len(), 1, "expected exactly one error, got:\n{diags}");
    errors[0]
}

pub fn read_out(dir: &Path, rel: &str) -> String {
    let path = dir.join(rel);
    fs::read_to_string(&path).unwrap_or_else(|e| {
        let listing: Vec<String> = snapshot(dir).into_keys().collect();
        panic!("cannot read {}: {e}\nfiles: {listing:#?}", path.display())
    })
}

/// Every file under `dir` (relative `/`-separated path -> bytes), sorted. Directories
/// appear as entries ending in `/` with no content, so empty folders count too.
pub fn snapshot(dir: &Path) -> BTreeMap<String, Vec<u8>> {
    fn walk(base: &Path, dir: &Path, out: &mut BTreeMap<String, Vec<u8>>) {
        let mut entries: Vec<_> = fs::read_dir(dir)
            .unwrap_or_else(|e| panic!("read_dir {}: {e}", dir.display()))
            .map(|e| e.expect("dir entry").path())
            .collect();
        entries.sort();
        for p in entries {
            let rel = p
                .strip_prefix(base)
                .expect("under base")
                .components()
                .map(|c| c.as_os_str().to_string_lossy().into_owned())
                .collect::<Vec<_>>()
                .join("/");
            if p.is_dir() {
                out.insert(format!("{rel}/"), Vec::new());
                walk(base, &p, out);
            } else {
                out.insert(rel, fs::read(&p).expect("read output file"));
            }
        }
    }
    let mut out = BTreeMap::new();
    walk(dir, dir, &mut out);
    out
}

/// Asserts two snapshots are identical, naming the first differing file.
pub fn assert_same_tree(a: &BTreeMap<String, Vec<u8>>, b: &BTreeMap<String, Vec<u8>>) {
    let ka: Vec<&String> = a.keys().collect();
    let kb: Vec<&String> = b.keys().collect();
    assert_eq!(ka, kb, "the two trees hold different files");
    for (k, va) in a {
        assert!(
            va == &b[k],
            "{k} differs:\n--- first\n{}\n--- second\n{}",
            String::from_utf8_lossy(va),
            String::from_utf8_lossy(&b[k])
        );
    }
}

/// Every `.html` file under `dir`: (relative path, text).
pub fn html_files(dir: &Path) -> Vec<(String, String)> {
    snapshot(dir)
        .into_iter()
        .filter(|(k, _)| k.ends_with(".html"))
        .map(|(k, v)| (k, String::from_utf8(v).expect("HTML is UTF-8")))
        .collect()
}

/// One start tag: its lower-case name and attributes in source order, values with
/// the common entities decoded.
#[derive(Debug, Clone, PartialEq)]
pub struct Tag {
    pub name: String,
    pub attrs: Vec<(String, String)>,
}

impl Tag {
    pub fn attr(&self, name: &str) -> Option<&str> {
        self.attrs.iter().find(|(k, _)| k == name).map(|(_, v)| v.as_str())
    }

    pub fn has_class(&self, class: &str) -> bool {
        self.attr("class")
            .is_some_and(|c| c.split_ascii_whitespace().any(|x| x == class))
    }
}

fn decode_entities(s: &str) -> String {
    s.replace("&quot;", "\"")
        .replace("&#39;", "'")
        .replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&amp;", "&")
}

/// Start tags of an HTML document, in order. Comments and doctype are skipped, and
/// the contents of `<script>` and `<style>` are not scanned for tags.
pub fn tags(html: &str) -> Vec<Tag> {
    let b = html.as_bytes();
    let mut out = Vec::new();
    let mut i = 0;
    while i < b.len() {
        if b[i] != b'<' {
            i += 1;
            continue;
        }
        if html[i..].starts_with("<!--") {
            i = html[i..].find("-->").map_or(b.len(), |e| i + e + 3);
            continue;
        }
        if i + 1 < b.len() && (b[i + 1] == b'!' || b[i + 1] == b'/' || b[i + 1] == b'?') {
            i = html[i..].find('>').map_or(b.len(), |e| i + e + 1);
            continue;
        }
        if i + 1 >= b.len() || !b[i + 1].is_ascii_alphabetic() {
            i += 1;
            continue;
        }
        // Tag name.
        let mut j = i + 1;
        while j < b.len() && (b[j].is_ascii_alphanumeric() || b[j] == b'-') {
            j += 1;
        }
        let name = html[i + 1..j].to_ascii_lowercase();
        let mut attrs = Vec::new();
        // Attributes.
        loop {
            while j < b.len() && (b[j].is_ascii_whitespace() || b[j] == b'/') {
                j += 1;
            }
            if j >= b.len() || b[j] == b'>' {
                j += 1;
                break;
            }
            let start = j;
            while j < b.len() && !b[j].is_ascii_whitespace() && !matches!(b[j], b'=' | b'>' | b'/') {
                j += 1;
            }
            let key = html[start..j].to_ascii_lowercase();
            let mut value = String::new();
            if j < b.len() && b[j] == b'=' {
                j += 1;
                if j < b.len() && (b[j] == b'"' || b[j] == b'\'') {
                    let q = b[j];
                    let vs = j + 1;
                    let ve = b[vs..].iter().position(|&c| c == q).map_or(b.len(), |p| vs + p);
                    value = decode_entities(&html[vs..ve]);
                    j = (ve + 1).min(b.len());
                } else {
                    let vs = j;
                    while j < b.len() && !b[j].is_ascii_whitespace() && b[j] != b'>' {
                        j += 1;
                    }
                    value = decode_entities(&html[vs..j]);
                }
            }
            attrs.push((key, value));
        }
        if name == "script" || name == "style" {
            let close = format!("</{name}");
            j = html[j.min(b.len())..]
                .to_ascii_lowercase()
                .find(&close)
                .map_or(b.len(), |e| j + e);
        }
        out.push(Tag { name, attrs });
        i = j;
    }
    out
}

/// All `id` attribute values, in document order.
pub fn ids(html: &str) -> Vec<String> {
    tags(html)
        .into_iter()
        .filter_map(|t| t.attr("id").map(str::to_string))
        .collect()
}

pub fn has_id(html: &str, id: &str) -> bool {
    ids(html).iter().any(|x| x == id)
}

/// The first tag with this id.
pub fn tag_with_id(html: &str, id: &str) -> Option<Tag> {
    tags(html).into_iter().find(|t| t.attr("id") == Some(id))
}

/// Every `href` and `src` value, in document order.
pub fn links(html: &str) -> Vec<String> {
    tags(html)
        .into_iter()
        .flat_map(|t| {
            t.attrs
                .into_iter()
                .filter(|(k, _)| k == "href" || k == "src")
                .map(|(_, v)| v)
        })
        .collect()
}

/// The text between the first `start` and the next `end` after it.
pub fn between<'a>(s: &'a str, start: &str, end: &str) -> &'a str {
    let a = s.find(start).unwrap_or_else(|| panic!("`{start}` not found in:\n{s}")) + start.len();
    let b = s[a..]
        .find(end)
        .unwrap_or_else(|| panic!("`{end}` not found after `{start}` in:\n{s}"));
    &s[a..a + b]
}

/// `<loc>` values of a sitemap.xml.
pub fn sitemap_locs(xml: &str) -> Vec<String> {
    xml.split("<loc>")
        .skip(1)
        .map(|s| s.split("</loc>").next().expect("closed loc").to_string())
        .collect()
}

/// Entries of an atom.xml: (title as written, link href).
pub fn feed_entries(xml: &str) -> Vec<(String, String)> {
    xml.split("<entry>")
        .skip(1)
        .map(|e| {
            (
                between(e, "<title>", "</title>").to_string(),
                between(e, "<link href=\"", "\"").to_string(),
            )
        })
        .collect()
}

/// The path of the built-in binary, for CLI tests.
pub fn bin() -> &'static str {
    env!("CARGO_BIN_EXE_gongshi")
}
