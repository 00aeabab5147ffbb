//! `gongshi new report`: next year's report, shaped like the last one.
//!
//! The publishing officer starts from the previous year's headings and metric keys
//! (with their labels and units) so that the comparison pages can pair sections and
//! figures; values are left empty and the file is a draft until filled in.

use std::fmt::Write as _;
use std::path::{Path, PathBuf};

use thiserror::Error;

use crate::content::{self, Document, Kind};
use crate::diagnostics::Diagnostics;

#[derive(Debug, Error)]
pub enum ScaffoldError {
    #[error("{0}")]
    Invalid(Diagnostics),
    #[error("content/{section}/ does not exist; create it with an _index.md that says `kind: report`")]
    NoSection { section: String },
    #[error("{path} already exists; edit it instead")]
    Exists { path: String },
    #[error("cannot write {path}: {source}")]
    Io { path: String, source: std::io::Error },
}

/// Writes `content/SECTION/YEAR.md` and returns its path.
pub fn new_report(root: &Path, section: &str, year: i32) -> Result<PathBuf, ScaffoldError> {
    let tree = content::load(root, true).map_err(ScaffoldError::Invalid)?;
    let section = section.trim_matches('/');
    let Some(sec) = tree.section(section) else {
        return Err(ScaffoldError::NoSection {
            section: section.to_string(),
        });
    };
    let rel = format!("content/{section}/{year}.md");
    let path = root.join(&rel);
    if path.exists() {
        return Err(ScaffoldError::Exists { path: rel });
    }
    let previous = sec
        .pages
        .iter()
        .map(|&i| &*tree.documents[i])
        .filter(|d| d.kind == Kind::Report && d.year.is_some_and(|y| y < year))
        .max_by_key(|d| d.year);
    let text = scaffold_text(year, previous, sec.kind != Some(Kind::Report));
    std::fs::write(&path, text).map_err(|source| ScaffoldError::Io { path: rel, source })?;
    Ok(path)
}

fn yaml_str(s: &str) -> String {
    serde_json::to_string(s).expect("strings serialise")
}

/// The new file's text.
pub fn scaffold_text(year: i32, previous: Option<&Document>, needs_kind: bool) -> String {
    let mut out = String::from("---\n");
    let title = previous
        .and_then(|p| p.year.map(|py| p.title.replace(&py.to_string(), &year.to_string())))
        .unwrap_or_else(|| format!("{year}年度社会责任报告"));
    writeln!(out, "title: {}", yaml_str(&title)).unwrap();
    if needs_kind {
        out.push_str("kind: report\n");
    }
    writeln!(out, "year: {year}").unwrap();
    out.push_str("# Remove `draft: true` once every value below is filled in.\ndraft: true\n");
    if let Some(p) = previous.and_then(|p| p.publisher.as_ref()) {
        writeln!(out, "publisher: {}", yaml_str(&p.name)).unwrap();
    }
    if let Some(prev) = previous.filter(|p| !p.metrics.is_empty()) {
        writeln!(
            out,
            "# Metric keys, labels and units as in {}; values to fill in.",
            prev.file.display()
        )
        .unwrap();
        out.push_str("metrics:\n");
        for m in &prev.metrics {
            writeln!(out, "  {}:", m.key).unwrap();
            writeln!(out, "    label: {}", yaml_str(&m.label)).unwrap();
            out.push_str("    value: ~\n");
            if let Some(u) = &m.unit {
                writeln!(out, "    unit: {}", yaml_str(u)).unwrap();
            }
        }
    }
    out.push_str("---\n");
    for heading in previous.map(|p| headings(&p.body())).unwrap_or_default() {
        writeln!(out, "\n{heading}\n").unwrap();
    }
    out
}

/// ATX heading lines of a Markdown body, outside code fences, as written (explicit
/// `{#id}`s included, so the new year's sections keep their anchors).
fn headings(body: &str) -> Vec<String> {
    let mut fence: Option<&str> = None;
    let mut out = Vec::new();
    for line in body.lines() {
        let t = line.trim_start();
        if let Some(f) = fence {
            if t.starts_with(f) {
                fence = None;
            }
            continue;
        }
        if t.starts_with("```") || t.starts_with("~~~") {
            fence = Some(&t[..3]);
            continue;
        }
        let hashes = t.chars().take_while(|&c| c == '#').count();
        if (1..=6).contains(&hashes) && t[hashes..].starts_with(' ') && line.len() - t.len() < 4 {
            out.push(t.trim_end().to_string());
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn headings_outside_fences() {
        let h = headings("## 一、前言\n\n```\n# not\n```\n### （一）诚信 {#integrity}\n#nospace\n    ## code\n");
        assert_eq!(h, ["## 一、前言", "### （一）诚信 {#integrity}"]);
    }
}
