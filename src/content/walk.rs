//! Step 1 of a load: what is under `content/`, folders and files, sorted.

use std::collections::HashSet;
use std::path::{Path, PathBuf};

use walkdir::WalkDir;

use super::load::CONTENT_DIR;
use crate::diagnostics::{Diagnostic, Diagnostics, display_path};
use crate::paths::slash_relative;

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

/// Folders, Markdown files and other files under `content/`, as found by [`walk`].
#[derive(Clone, Default)]
pub(super) struct Walk {
    /// Folders, relative to `content/` (`` for itself).
    pub(super) dirs: Vec<String>,
    /// (path, path relative to `content/`).
    pub(super) markdown: Vec<(PathBuf, String)>,
    pub(super) assets: Vec<(PathBuf, String)>,
}

impl Walk {
    /// Whether every one of `rels` (relative to `content/`) is a file found.
    pub(super) fn has_files(&self, rels: &HashSet<String>) -> bool {
        rels.iter()
            .all(|rel| self.markdown.iter().chain(&self.assets).any(|(_, r)| r == rel))
    }
}

/// Walks `content_dir`, sorted for determinism, skipping ignored names; an error for
/// each name that cannot become a URL.
pub(super) fn walk(root: &Path, content_dir: &Path) -> Result<Walk, Diagnostics> {
    let mut diags = Diagnostics::default();
    let mut dirs = Vec::new();
    let mut markdown = Vec::new();
    let mut assets = Vec::new();
    let walker = WalkDir::new(content_dir)
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
        let rel_str = slash_relative(entry.path(), content_dir);
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
    Ok(Walk { dirs, markdown, assets })
}
