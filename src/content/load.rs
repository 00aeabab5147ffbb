//! Walking `content/` into a [`ContentTree`].

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::SystemTime;

use rayon::prelude::*;
use sha2::{Digest, Sha256};
use walkdir::WalkDir;

use super::document::{DocumentInput, SectionFrontMatter, parse_document, parse_section_front_matter};
use super::front_matter::{decode_utf8, normalise_newlines, split};
use super::memo::{Fingerprint, LoadMemo, Remembered};
use super::versions::{DocVersion, attach, split_version};
use super::{Document, Kind};
use crate::diagnostics::{Diagnostic, Diagnostics, display_path};
use crate::paths::slash_relative;
use crate::shelf::Shelf;
use crate::yaml::key_line;

pub const CONTENT_DIR: &str = "content";

/// A folder of content.
#[derive(Debug, Clone)]
pub struct Section {
    /// Key: folder path under `content/` with `/` separators; `` for the root.
    pub key: String,
    pub url_path: String,
    pub title: String,
    /// The kind this section gives its pages (its own, or inherited).
    pub kind: Option<Kind>,
    pub description: Option<String>,
    pub weight: Option<i64>,
    pub extra: BTreeMap<String, yaml_serde::Value>,
    /// The `_index.md` body, if any.
    pub body: String,
    pub body_line: usize,
    pub file: Option<PathBuf>,
    pub source: String,
    /// Indexes into [`ContentTree::documents`], sorted for display.
    pub pages: Vec<usize>,
    /// Keys of direct subsections.
    pub subsections: Vec<String>,
}

/// Everything under `content/`.
#[derive(Debug, Clone, Default)]
pub struct ContentTree {
    pub sections: BTreeMap<String, Section>,
    /// Sorted by URL path.
    pub documents: Vec<Document>,
    /// Other files: (absolute source, path relative to `content/`).
    pub assets: Vec<(PathBuf, String)>,
    /// Superseded texts of corrected documents.
    pub versions: Vec<DocVersion>,
    /// Where the documents' sources are kept packed, and the build puts their texts
    /// (none if no temporary file could be made: then they stay in memory).
    pub shelf: Option<Arc<Shelf>>,
}

impl ContentTree {
    pub fn section(&self, key: &str) -> Option<&Section> {
        self.sections.get(key)
    }
}

/// Hidden files and editors' backup, swap and temporary files (`.x.swp`, `2018.md~`,
/// `2018.md.tmp`, `#2018.md#`,
/// vim's `4913` probe) are not content: they come and go while an officer edits.
pub fn is_ignored_name(name: &str) -> bool {
    name.starts_with('.')
        || name.ends_with('~')
        || [".swp", ".swx", ".tmp"].iter().any(|s| name.ends_with(s))
        || (name.starts_with('#') && name.ends_with('#'))
        || name == "4913"
}

/// URL-safe path segments: citable URLs must not depend on how a browser or a mail
/// client encodes Chinese or spaces.
fn check_segment(seg: &str) -> bool {
    !seg.is_empty()
        && seg
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.'))
}

struct FileText {
    rel: PathBuf,
    text: String,
    digest: String,
}

fn read_text(root: &Path, path: &Path) -> Result<FileText, Diagnostic> {
    let rel = display_path(root, path);
    let bytes = std::fs::read(path).map_err(|e| Diagnostic::error(&rel, format!("cannot read file: {e}")))?;
    let digest = crate::hex::hex(&Sha256::digest(&bytes));
    let text = normalise_newlines(&decode_utf8(&rel, &bytes)?);
    Ok(FileText { rel, text, digest })
}

/// Loads `ROOT/content`. Drafts are dropped unless `include_drafts`.
pub fn load(root: &Path, include_drafts: bool) -> Result<ContentTree, Diagnostics> {
    load_reusing(root, include_drafts, None)
}

/// A document file as step 4 of [`load_reusing`] gives it.
struct Loaded {
    /// Its path under `content/`.
    rel: String,
    /// Its metadata, if it is to be remembered.
    fingerprint: Option<Fingerprint>,
    /// Read from the file, not taken from the memo.
    read: bool,
    section_kind: Option<Kind>,
    version: Option<(String, u32)>,
    doc: Document,
}

/// [`load`], taking unchanged documents from `memo` and leaving this load's in it.
pub fn load_reusing(
    root: &Path,
    include_drafts: bool,
    memo: Option<&mut LoadMemo>,
) -> Result<ContentTree, Diagnostics> {
    let content_dir = root.join(CONTENT_DIR);
    let mut diags = Diagnostics::default();
    if !content_dir.is_dir() {
        diags.push(
            Diagnostic::error(CONTENT_DIR, "no content folder")
                .with_help("create content/ with an _index.md and your reports, e.g. content/reports/2018.md"),
        );
        return Err(diags);
    }

    // 1. Walk: folders, Markdown files, assets. Sorted for determinism.
    let mut dirs = Vec::new();
    let mut markdown = Vec::new();
    let mut assets = Vec::new();
    let walker = WalkDir::new(&content_dir)
        .sort_by_file_name()
        .into_iter()
        .filter_entry(|e| e.depth() == 0 || !is_ignored_name(&e.file_name().to_string_lossy()));
    for entry in walker {
        let entry = match entry {
            Ok(e) => e,
            Err(e) => {
                let p = e
                    .path()
                    .map(|p| display_path(root, p))
                    .unwrap_or_else(|| PathBuf::from(CONTENT_DIR));
                diags.push(Diagnostic::error(p, format!("cannot read: {e}")));
                continue;
            }
        };
        let rel_str = slash_relative(entry.path(), &content_dir);
        if entry.file_type().is_dir() {
            dirs.push(rel_str);
        } else if rel_str.ends_with(".md") {
            markdown.push((entry.path().to_path_buf(), rel_str));
        } else {
            assets.push((entry.path().to_path_buf(), rel_str));
        }
    }
    for (path, rel) in markdown.iter().chain(assets.iter()) {
        let name_ok = rel.split('/').all(|seg| check_segment(seg));
        if !name_ok {
            diags.push(
                Diagnostic::error(
                    display_path(root, path),
                    "file and folder names under content/ become URLs and may only use A-Z, a-z, 0-9, '-', '_' and '.'",
                )
                .with_help("rename it, e.g. content/reports/2018.md; titles can be in Chinese, URLs stay stable ASCII"),
            );
        }
    }
    if diags.has_errors() {
        return Err(diags);
    }

    // 2. Sections' `_index.md` files are read first: their pages inherit their kinds.
    // A page is read in step 4, where it is parsed and packed, so that the site's sources
    // are never all in memory as text (half a gigabyte at 13,000 reports).
    let (index_files, pages): (Vec<_>, Vec<_>) = markdown
        .into_iter()
        .partition(|(_, rel)| rel == "_index.md" || rel.ends_with("/_index.md"));
    let texts: Vec<Result<FileText, Diagnostic>> = index_files.par_iter().map(|(p, _)| read_text(root, p)).collect();

    // 3. Sections: `_index.md` front matter, kinds inherited from parent folders.
    let mut section_fm: BTreeMap<String, (FileText, SectionFrontMatter, String, usize)> = BTreeMap::new();
    for ((_, rel), text) in index_files.iter().zip(texts) {
        let text = match text {
            Ok(t) => t,
            Err(d) => {
                diags.push(d);
                continue;
            }
        };
        let key = rel.trim_end_matches("_index.md").trim_end_matches('/').to_string();
        let parsed = split(&text.rel, &text.text).and_then(|s| {
            let fm = parse_section_front_matter(&text.rel, &text.text, &s)?;
            Ok((fm, s.body.to_string(), s.body_line))
        });
        match parsed {
            Ok((fm, body, line)) => {
                section_fm.insert(key, (text, fm, body, line));
            }
            Err(d) => diags.push(d),
        }
    }

    let mut sections: BTreeMap<String, Section> = BTreeMap::new();
    for key in &dirs {
        let parent_kind = parent_key(key)
            .and_then(|p| sections.get(&p))
            .and_then(|s: &Section| s.kind);
        let (title, kind, description, weight, extra, body, body_line, file, source) = match section_fm.remove(key) {
            Some((ft, fm, body, line)) => {
                let own_kind = fm.kind.as_deref().and_then(Kind::parse);
                let title = fm.title.clone().unwrap_or_else(|| default_title(key));
                (
                    title,
                    own_kind.or(parent_kind),
                    fm.description,
                    fm.weight,
                    fm.extra,
                    body,
                    line,
                    Some(ft.rel),
                    ft.text,
                )
            }
            None => (
                default_title(key),
                parent_kind,
                None,
                None,
                BTreeMap::new(),
                String::new(),
                1,
                None,
                String::new(),
            ),
        };
        sections.insert(
            key.clone(),
            Section {
                key: key.clone(),
                url_path: if key.is_empty() {
                    String::new()
                } else {
                    format!("{key}/")
                },
                title,
                kind,
                description,
                weight,
                extra,
                body,
                body_line,
                file,
                source,
                pages: Vec::new(),
                subsections: Vec::new(),
            },
        );
    }

    // 4. Documents, read and validated in parallel. Each file's text is dropped once its
    // document is made, which keeps it packed on the shelf. With a memo, a file that did
    // not change is not read at all.
    let shelf = Shelf::new().ok().map(Arc::new);
    let read_at = SystemTime::now();
    let known = memo.as_deref();
    // A document remembered keeps the shelf its source is on open. The few read again
    // after the first load of a memo stay packed in memory instead: each load's shelf
    // is a temporary file, and an editing session of many loads would otherwise keep
    // one open per load.
    let shelve = known.is_none_or(LoadMemo::is_empty);
    let walked: Vec<String> = match known {
        Some(_) => pages.iter().map(|(_, rel)| rel.clone()).collect(),
        None => Vec::new(),
    };
    let parsed: Vec<Result<Loaded, Diagnostic>> = pages
        .into_par_iter()
        .map(|(path, rel)| {
            let (section, stem) = match rel.rsplit_once('/') {
                Some((dir, file)) => (dir.to_string(), file.trim_end_matches(".md").to_string()),
                None => (String::new(), rel.trim_end_matches(".md").to_string()),
            };
            let section_kind = sections.get(&section).and_then(|s| s.kind);
            // The metadata before the text: a write in between makes it older, not newer.
            let meta = known.and_then(|_| std::fs::metadata(&path).ok());
            if let Some(r) = known
                .zip(meta.as_ref())
                .and_then(|(m, meta)| m.get(&rel, meta, section_kind))
            {
                return Ok(Loaded {
                    fingerprint: Some(r.fingerprint.clone()),
                    read: false,
                    rel,
                    section_kind,
                    version: r.version.clone(),
                    doc: r.doc.clone(),
                });
            }
            let ft = read_text(root, &path)?;
            let dir = if section.is_empty() {
                String::new()
            } else {
                format!("{section}/")
            };
            let version = split_version(&stem);
            let url_path = match version {
                Some((base, n)) => format!("{dir}{base}/v{n}/"),
                None => format!("{dir}{stem}/"),
            };
            let s = split(&ft.rel, &ft.text)?;
            let mut doc = parse_document(DocumentInput {
                file: &ft.rel,
                text: &ft.text,
                split: s,
                section: &section,
                url_path,
                section_kind,
                digest: ft.digest.clone(),
            })?;
            if let Some(shelf) = shelf.as_ref().filter(|_| shelve) {
                doc.shelve(shelf);
            }
            Ok(Loaded {
                fingerprint: meta.and_then(|meta| Fingerprint::settled(&meta, read_at)),
                read: true,
                rel,
                section_kind,
                version: version.map(|(base, n)| (format!("{dir}{base}/"), n)),
                doc,
            })
        })
        .collect();
    let mut documents = Vec::with_capacity(parsed.len());
    let mut versions = Vec::new();
    let mut read = Vec::new();
    for r in parsed {
        let loaded = match r {
            Ok(loaded) => loaded,
            Err(d) => {
                diags.push(d);
                continue;
            }
        };
        if memo.is_some() && loaded.read {
            let remembered = loaded.fingerprint.map(|fingerprint| Remembered {
                fingerprint,
                section_kind: loaded.section_kind,
                version: loaded.version.clone(),
                doc: loaded.doc.clone(),
            });
            read.push((loaded.rel, remembered));
        }
        match (loaded.version, loaded.doc) {
            (_, d) if d.draft && !include_drafts => {}
            (None, d) => documents.push(d),
            (Some((base, n)), d) => versions.push((base, n, d)),
        }
    }
    if let Some(memo) = memo {
        memo.update(read, &walked);
    }
    documents.sort_by(|a, b| a.url_path.cmp(&b.url_path));
    let versions = attach(&documents, versions, &mut diags);

    check_unique_years(&documents, &mut diags);
    check_url_collisions(&documents, &sections, &mut diags);

    // 5. Link pages and subsections to their sections, sorted for display.
    for (i, d) in documents.iter().enumerate() {
        if let Some(s) = sections.get_mut(&d.section) {
            s.pages.push(i);
        }
    }
    for s in sections.values_mut() {
        s.pages.sort_by(|&a, &b| display_order(&documents[a], &documents[b]));
    }
    let keys: Vec<String> = sections.keys().cloned().collect();
    for key in keys {
        if let Some(parent) = parent_key(&key) {
            if let Some(p) = sections.get_mut(&parent) {
                p.subsections.push(key.clone());
            }
        }
    }
    let weights: BTreeMap<String, (Option<i64>, String)> = sections
        .iter()
        .map(|(k, s)| (k.clone(), (s.weight, s.key.clone())))
        .collect();
    for s in sections.values_mut() {
        s.subsections
            .sort_by_key(|k| (weights[k].0.unwrap_or(i64::MAX), weights[k].1.clone()));
    }

    if diags.has_errors() {
        diags.sort();
        return Err(diags);
    }
    Ok(ContentTree {
        sections,
        documents,
        assets,
        versions,
        shelf,
    })
}

/// Newest first for dated kinds; by weight then title for pages.
fn display_order(a: &Document, b: &Document) -> std::cmp::Ordering {
    b.sort_year()
        .cmp(&a.sort_year())
        .then_with(|| b.effective.cmp(&a.effective))
        .then_with(|| a.weight.unwrap_or(i64::MAX).cmp(&b.weight.unwrap_or(i64::MAX)))
        .then_with(|| a.url_path.cmp(&b.url_path))
}

fn parent_key(key: &str) -> Option<String> {
    if key.is_empty() {
        None
    } else {
        Some(key.rsplit_once('/').map(|(p, _)| p.to_string()).unwrap_or_default())
    }
}

fn default_title(key: &str) -> String {
    if key.is_empty() {
        "首页".to_string()
    } else {
        key.rsplit('/').next().unwrap_or(key).to_string()
    }
}

/// A report's year identifies it within its section (its comparisons are named by
/// years), and so does a statement's effective date.
fn check_unique_years(documents: &[Document], diags: &mut Diagnostics) {
    let mut seen: BTreeMap<(String, Kind, String), &Document> = BTreeMap::new();
    for d in documents {
        let (id, field) = match d.kind {
            Kind::Report => (d.year.map(|y| y.to_string()), "year"),
            k if k.is_statement() => (d.effective.map(|e| e.to_string()), "effective"),
            _ => (None, ""),
        };
        let Some(id) = id else { continue };
        let key = (d.section.clone(), d.kind, id.clone());
        if let Some(first) = seen.get(&key) {
            let line = split(&d.file, &d.source())
                .ok()
                .and_then(|s| key_line(s.yaml, field).map(|l| l + s.yaml_line - 1))
                .unwrap_or(1);
            diags.push(
                Diagnostic::error(
                    &d.file,
                    format!(
                        "duplicate {field} {id} in section `{}`: {} has it too",
                        d.section,
                        first.file.display()
                    ),
                )
                .at_line(&d.source(), line)
                .with_help(format!(
                    "each {} of a section needs its own {field}; fix the {field} or move one file",
                    d.kind.name()
                )),
            );
        } else {
            seen.insert(key, d);
        }
    }
}

fn check_url_collisions(documents: &[Document], sections: &BTreeMap<String, Section>, diags: &mut Diagnostics) {
    for d in documents {
        let as_section = d.url_path.trim_end_matches('/');
        if sections.contains_key(as_section) {
            diags.push(
                Diagnostic::error(
                    &d.file,
                    format!(
                        "this page and the folder content/{as_section}/ would both be published at /{}",
                        d.url_path
                    ),
                )
                .with_help("rename the file or the folder"),
            );
        }
    }
}
