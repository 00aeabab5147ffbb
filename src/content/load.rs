//! Walking `content/` into a [`ContentTree`].

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::SystemTime;

use rayon::prelude::*;
use sha2::{Digest, Sha256};

use super::document::{DocumentInput, SectionFrontMatter, parse_document, parse_section_front_matter};
use super::front_matter::{decode_utf8, normalise_newlines, split};
use super::memo::{Fingerprint, LoadMemo, Remembered};
use super::retake::LastTree;
use super::versions::{DocVersion, attach, split_version};
use super::walk::{Walk, walk};
use super::{Document, Kind};
use crate::diagnostics::{Diagnostic, Diagnostics, display_path};
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
    pub documents: Vec<Arc<Document>>,
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

    /// The documents of one kind, in URL order.
    pub fn documents_of(&self, kind: Kind) -> impl Iterator<Item = &Document> {
        self.documents.iter().map(|d| &**d).filter(move |d| d.kind == kind)
    }
}

#[derive(Clone)]
pub(super) struct FileText {
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

/// An `_index.md` as parsed: its text, front matter, body and the body's first line.
pub(super) type ParsedIndex = (FileText, SectionFrontMatter, String, usize);

fn parse_index(text: FileText) -> Result<ParsedIndex, Diagnostic> {
    let s = split(&text.rel, &text.text)?;
    let fm = parse_section_front_matter(&text.rel, &text.text, &s)?;
    let (body, line) = (s.body.to_string(), s.body_line);
    Ok((text, fm, body, line))
}

/// Loads `ROOT/content`. Drafts are dropped unless `include_drafts`.
pub fn load(root: &Path, include_drafts: bool) -> Result<ContentTree, Diagnostics> {
    load_reusing(root, include_drafts, None)
}

/// A document file as step 4 of [`load_reusing`] gives it.
pub(super) struct Loaded {
    /// Its path under `content/`.
    rel: String,
    /// Its metadata, if it is to be remembered.
    pub(super) fingerprint: Option<Fingerprint>,
    /// Read from the file, not taken from the memo.
    pub(super) read: bool,
    pub(super) section_kind: Option<Kind>,
    pub(super) version: Option<(String, u32)>,
    pub(super) doc: Arc<Document>,
}

/// Step 4 of [`load_reusing`] for one document file.
pub(super) struct PageLoader<'a> {
    pub(super) root: &'a Path,
    pub(super) sections: &'a BTreeMap<String, Section>,
    pub(super) known: Option<&'a LoadMemo>,
    /// Whether a file is known not to have changed since the memo's last load.
    pub(super) unchanged: &'a (dyn Fn(&str) -> bool + Sync),
    /// Where a document read is packed, if not in memory.
    pub(super) shelf: Option<&'a Arc<Shelf>>,
    pub(super) read_at: SystemTime,
}

impl PageLoader<'_> {
    /// The document at `path` (`rel` under `content/`): remembered, or read and parsed.
    pub(super) fn load(&self, path: &Path, rel: String) -> Result<Loaded, Diagnostic> {
        let (section, stem) = match rel.rsplit_once('/') {
            Some((dir, file)) => (dir.to_string(), file.trim_end_matches(".md").to_string()),
            None => (String::new(), rel.trim_end_matches(".md").to_string()),
        };
        let section_kind = self.sections.get(&section).and_then(|s| s.kind);
        let remembered = |r: &Remembered, rel: String| Loaded {
            fingerprint: Some(r.fingerprint.clone()),
            read: false,
            rel,
            section_kind,
            version: r.version.clone(),
            doc: r.doc.clone(),
        };
        if (self.unchanged)(&rel)
            && let Some(r) = self.known.and_then(|m| m.get_unchanged(&rel, section_kind))
        {
            return Ok(remembered(r, rel));
        }
        // The metadata before the text: a write in between makes it older, not newer.
        let meta = self.known.and_then(|_| std::fs::metadata(path).ok());
        if let Some(r) = self
            .known
            .zip(meta.as_ref())
            .and_then(|(m, meta)| m.get(&rel, meta, section_kind))
        {
            return Ok(remembered(r, rel));
        }
        let ft = read_text(self.root, path)?;
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
        if let Some(shelf) = self.shelf {
            doc.shelve(shelf);
        }
        Ok(Loaded {
            fingerprint: meta.and_then(|meta| Fingerprint::settled(&meta, self.read_at)),
            read: true,
            rel,
            section_kind,
            version: version.map(|(base, n)| (format!("{dir}{base}/"), n)),
            doc: Arc::new(doc),
        })
    }
}

/// [`load`], taking unchanged documents from `memo` and leaving this load's in it.
pub fn load_reusing(
    root: &Path,
    include_drafts: bool,
    mut memo: Option<&mut LoadMemo>,
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

    // 1. Walk: folders, Markdown files, assets. Sorted for determinism. Not again when
    // the watcher says that only some files' contents changed since the last load
    // (`serve`): then the files it names are all that is read again, and no other file
    // is even looked at.
    let changed = memo.as_deref_mut().and_then(LoadMemo::take_changed);
    if let (Some(m), Some(changed)) = (memo.as_deref_mut(), &changed)
        && let Some(tree) = m.retake(root, include_drafts, changed)
    {
        return Ok(tree);
    }
    // Kept again only if this load goes through.
    if let Some(m) = memo.as_deref_mut() {
        m.remember_tree(None);
    }
    let walked_before = memo.as_deref_mut().and_then(LoadMemo::take_walk);
    let (walk, trusted) = match (walked_before, changed) {
        (Some(walk), Some(changed)) if walk.has_files(&changed) => (walk, Some(changed)),
        _ => (walk(root, &content_dir)?, None),
    };
    // Kept for the next load once this one has taken in its documents (step 4).
    let walk_to_keep = memo.is_some().then(|| walk.clone());
    let Walk { dirs, markdown, assets } = walk;
    let unchanged = |rel: &str| trusted.as_ref().is_some_and(|t| !t.contains(rel));

    // 2. Sections' `_index.md` files are read first: their pages inherit their kinds.
    // A page is read in step 4, where it is parsed and packed, so that the site's sources
    // are never all in memory as text (half a gigabyte at 13,000 reports).
    let (index_files, pages): (Vec<_>, Vec<_>) = markdown
        .into_iter()
        .partition(|(_, rel)| rel == "_index.md" || rel.ends_with("/_index.md"));
    let known = memo.as_deref();
    let parsed: Vec<Result<ParsedIndex, Diagnostic>> = index_files
        .par_iter()
        .map(
            |(p, rel)| match known.and_then(|m| m.section(rel)).filter(|_| unchanged(rel)) {
                Some(parsed) => Ok(parsed.clone()),
                None => read_text(root, p).and_then(parse_index),
            },
        )
        .collect();

    // 3. Sections: `_index.md` front matter, kinds inherited from parent folders.
    let mut section_fm: BTreeMap<String, ParsedIndex> = BTreeMap::new();
    let mut index_memo = Vec::new();
    for ((_, rel), parsed) in index_files.iter().zip(parsed) {
        match parsed {
            Ok(parsed) => {
                if memo.is_some() {
                    index_memo.push((rel.clone(), parsed.clone()));
                }
                let key = rel.trim_end_matches("_index.md").trim_end_matches('/').to_string();
                section_fm.insert(key, parsed);
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
    // The document files found, for the memo to forget the others; a walk taken from
    // the last load found the same ones.
    let walked: Option<Vec<String>> = known
        .filter(|_| trusted.is_none())
        .map(|_| pages.iter().map(|(_, rel)| rel.clone()).collect());
    let loader = PageLoader {
        root,
        sections: &sections,
        known,
        unchanged: &unchanged,
        shelf: shelf.as_ref().filter(|_| shelve),
        read_at,
    };
    let parsed: Vec<(String, Result<Loaded, Diagnostic>)> = pages
        .into_par_iter()
        .map(|(path, rel)| (rel.clone(), loader.load(&path, rel)))
        .collect();
    let mut documents = Vec::with_capacity(parsed.len());
    let mut versions = Vec::new();
    let mut read = Vec::new();
    for (rel, r) in parsed {
        let loaded = match r {
            Ok(loaded) => loaded,
            Err(d) => {
                diags.push(d);
                // Not remembered: the next load reads it again, whatever it is told.
                if memo.is_some() {
                    read.push((rel, None));
                }
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
    if let Some(memo) = memo.as_deref_mut() {
        memo.update(read, walked.as_deref());
        memo.remember_sections(index_memo);
        if let Some(walk) = walk_to_keep {
            memo.remember_walk(walk);
        }
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
    let tree = ContentTree {
        sections,
        documents,
        assets,
        versions,
        shelf,
    };
    if let Some(m) = memo {
        m.remember_tree(Some(LastTree::new(tree.clone(), include_drafts)));
    }
    Ok(tree)
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
fn check_unique_years(documents: &[Arc<Document>], diags: &mut Diagnostics) {
    /// What identifies a document in its section, borrowed: `serve` checks 17,000 of
    /// them on every rebuild.
    #[derive(PartialEq, Eq, Hash)]
    enum Id {
        Year(i32),
        Effective(super::dates::PartialDate),
    }
    let mut seen: std::collections::HashMap<(&str, Kind, Id), &Document> =
        std::collections::HashMap::with_capacity(documents.len());
    for d in documents {
        let (id, field) = match d.kind {
            Kind::Report => (d.year.map(Id::Year), "year"),
            k if k.is_statement() => (d.effective.map(Id::Effective), "effective"),
            _ => (None, ""),
        };
        let Some(id) = id else { continue };
        let key = (d.section.as_str(), d.kind, id);
        if let Some(first) = seen.get(&key) {
            let shown = match &key.2 {
                Id::Year(y) => y.to_string(),
                Id::Effective(e) => e.to_string(),
            };
            let line = split(&d.file, &d.source())
                .ok()
                .and_then(|s| key_line(s.yaml, field).map(|l| l + s.yaml_line - 1))
                .unwrap_or(1);
            diags.push(
                Diagnostic::error(
                    &d.file,
                    format!(
                        "duplicate {field} {shown} in section `{}`: {} has it too",
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

fn check_url_collisions(documents: &[Arc<Document>], sections: &BTreeMap<String, Section>, diags: &mut Diagnostics) {
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
