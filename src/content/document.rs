//! One Markdown file of content: its front matter, validated for its kind.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};
use yaml_serde::Value;

use super::dates::{PartialDate, format_date, parse_date};
use super::front_matter::Split;
use super::kind::Kind;
use super::metrics::{Metric, parse_metrics};
use crate::config::Publisher;
use crate::diagnostics::{Diagnostic, closest};
use crate::packed::PackedStr;
use crate::shelf::Shelf;
use crate::yaml::{key_line, path_line};

/// Front matter as written. Every key a document may have is here, so that a typo is
/// an error with a suggestion rather than a silently ignored value.
#[derive(Debug, Deserialize, Default)]
#[serde(deny_unknown_fields)]
struct RawFrontMatter {
    title: Option<String>,
    kind: Option<String>,
    year: Option<i64>,
    date: Option<Value>,
    effective: Option<Value>,
    publisher: Option<Value>,
    summary: Option<String>,
    #[serde(default)]
    aliases: Vec<String>,
    #[serde(default)]
    draft: bool,
    weight: Option<i64>,
    #[serde(default)]
    extra: BTreeMap<String, Value>,
    metrics: Option<Value>,
    #[serde(default)]
    revisions: Vec<RawRevision>,
    /// Proof-reading rules silenced for this document: `lint: {allow: [numbering]}`.
    lint: Option<crate::config::LintConfig>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawRevision {
    date: Value,
    note: String,
}

/// A correction made after publication (`revisions: [{date, note}]`). Revision N
/// replaced the text kept as version N (`2018.vN.md`, published at `/reports/2018/vN/`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Revision {
    pub date: time::Date,
    pub note: String,
}

/// A document ready to render: what the file says, checked against its kind.
#[derive(Debug, Clone)]
pub struct Document {
    /// Path relative to the site root (`content/reports/2018.md`), for messages.
    pub file: PathBuf,
    /// The whole source text, newline-normalised (for quoting lines in messages), kept
    /// packed: see [`Document::source`].
    source: PackedStr,
    /// SHA-256 of the front matter (what comes before the body), for build keys that
    /// must not change when only the body does.
    pub front_matter_digest: [u8; 32],
    /// Section key: the folder under `content/` (`reports`; `` for the root).
    pub section: String,
    /// URL path relative to the site root, with a trailing slash (`reports/2018/`).
    pub url_path: String,
    pub kind: Kind,
    pub title: String,
    pub year: Option<i32>,
    pub date: Option<time::Date>,
    pub effective: Option<PartialDate>,
    /// The publisher named by this document itself, if any.
    pub publisher: Option<Publisher>,
    pub summary: Option<String>,
    pub aliases: Vec<String>,
    pub draft: bool,
    pub weight: Option<i64>,
    pub extra: BTreeMap<String, Value>,
    pub metrics: Vec<Metric>,
    /// Where the Markdown body starts in the source (bytes), and on which line. The body
    /// is not kept apart: a national site's sources are half a gigabyte already.
    pub body_start: usize,
    pub body_line: usize,
    /// SHA-256 of the source file's bytes, hex.
    pub digest: String,
    /// Corrections since first publication, oldest first.
    pub revisions: Vec<Revision>,
    /// Proof-reading rules silenced for this document (`lint: {allow: […]}`), checked
    /// against [`crate::lint::RULES`].
    pub lint_allow: Vec<String>,
}

impl Document {
    /// Moves the packed source on to `shelf`, out of memory.
    pub fn shelve(&mut self, shelf: &Arc<Shelf>) {
        self.source = self.source.shelve(shelf);
    }

    /// The whole source text, unpacked: a national site's sources are half a gigabyte,
    /// so they are kept [`crate::packed`] and each reader unpacks the one it reads, once.
    pub fn source(&self) -> String {
        self.source.unpack()
    }

    /// The Markdown after the front matter.
    pub fn body(&self) -> String {
        let mut source = self.source();
        source.drain(..self.body_start);
        source
    }

    /// The year a document belongs to: a report's `year`, a statement's effective year,
    /// else the year of its date.
    pub fn sort_year(&self) -> Option<i32> {
        self.year
            .or(self.effective.map(|e| e.year))
            .or(self.date.map(|d| d.year()))
    }

    pub fn date_string(&self) -> Option<String> {
        self.date.map(format_date)
    }
}

/// Front matter of a section's `_index.md`.
#[derive(Debug, Deserialize, Default, Clone, Serialize)]
#[serde(deny_unknown_fields)]
pub struct SectionFrontMatter {
    pub title: Option<String>,
    pub kind: Option<String>,
    pub description: Option<String>,
    pub weight: Option<i64>,
    #[serde(default)]
    pub extra: BTreeMap<String, Value>,
}

pub fn parse_section_front_matter(file: &Path, text: &str, split: &Split) -> Result<SectionFrontMatter, Diagnostic> {
    let fm: SectionFrontMatter = crate::yaml::parse(file, text, split.yaml, split.yaml_line)?;
    if let Some(k) = &fm.kind {
        parse_kind(file, text, split, k)?;
    }
    Ok(fm)
}

pub fn parse_kind(file: &Path, text: &str, split: &Split, k: &str) -> Result<Kind, Diagnostic> {
    Kind::parse(k).ok_or_else(|| {
        let names = Kind::ALL.map(Kind::name);
        let line = key_line(split.yaml, "kind").map_or(1, |l| l + split.yaml_line - 1);
        let help = match closest(k, names) {
            Some(best) => format!("did you mean `{best}`? Kinds are: {}", names.join(", ")),
            None => format!("kinds are: {}", names.join(", ")),
        };
        Diagnostic::error(file, format!("unknown kind `{k}`"))
            .at_line(text, line)
            .with_help(help)
    })
}

/// Everything `parse_document` needs to know besides the file itself.
pub struct DocumentInput<'a> {
    pub file: &'a Path,
    pub text: &'a str,
    pub split: Split<'a>,
    pub section: &'a str,
    pub url_path: String,
    /// The kind the section gives its pages, if any.
    pub section_kind: Option<Kind>,
    pub digest: String,
}

/// Validates a document's front matter for its kind.
pub fn parse_document(input: DocumentInput) -> Result<Document, Diagnostic> {
    let DocumentInput {
        file,
        text,
        split,
        section,
        url_path,
        section_kind,
        digest,
    } = input;
    let yaml = split.yaml;
    // Line in the file of a top-level key, falling back to the opening `---`.
    let line_of = |key: &str| key_line(yaml, key).map_or(1, |l| l + split.yaml_line - 1);
    let at = |key: &str, msg: String, help: &str| {
        Diagnostic::error(file, msg)
            .at_line(text, line_of(key))
            .with_help(help.to_string())
    };

    if split.yaml.is_empty() && !text.starts_with("---") {
        return Err(Diagnostic::error(file, "missing front matter")
            .at_line(text, 1)
            .with_help("start the file with a `---` line, then `title: …`, then a closing `---` line"));
    }
    let raw: RawFrontMatter = crate::yaml::parse(file, text, yaml, split.yaml_line)?;

    let kind = match &raw.kind {
        Some(k) => parse_kind(file, text, &split, k)?,
        None => section_kind.unwrap_or(Kind::Page),
    };

    let title = match raw.title {
        Some(t) if !t.trim().is_empty() => t.trim().to_string(),
        _ => {
            return Err(Diagnostic::error(file, "missing `title`")
                .at_line(text, 1)
                .with_help("add `title: …` to the front matter, e.g. title: 2018年度社会责任报告"));
        }
    };

    let year = match (kind, raw.year) {
        (Kind::Report, None) => {
            return Err(Diagnostic::error(file, "a report needs a `year`")
                .at_line(text, 1)
                .with_help("add the year the report covers, e.g. year: 2018"));
        }
        (_, Some(y)) if !(1900..=2200).contains(&y) => {
            return Err(at(
                "year",
                format!("`year: {y}` is not a plausible year"),
                "write the four-digit year, e.g. year: 2018",
            ));
        }
        (_, y) => y.map(|y| y as i32),
    };

    let date = match &raw.date {
        None => None,
        Some(v) => Some(parse_date(&scalar(v)).map_err(|m| at("date", m, "dates are written YYYY-MM-DD"))?),
    };

    let effective = match (&raw.effective, kind.is_statement()) {
        (None, true) => {
            return Err(
                Diagnostic::error(file, format!("a {} needs an `effective` date", kind.name()))
                    .at_line(text, 1)
                    .with_help("add when it takes effect: effective: 2018-06-01 (or just the year: effective: 2018)"),
            );
        }
        (None, false) => None,
        (Some(v), _) => {
            Some(PartialDate::parse(&scalar(v)).map_err(|m| at("effective", m, "write YYYY, YYYY-MM or YYYY-MM-DD"))?)
        }
    };

    let publisher = match &raw.publisher {
        None => None,
        Some(Value::String(name)) => Some(Publisher {
            name: name.trim().to_string(),
            ..Publisher::default()
        }),
        Some(v @ Value::Mapping(_)) => Some(yaml_serde::from_value::<Publisher>(v.clone()).map_err(|e| {
            at(
                "publisher",
                format!("invalid `publisher`: {e}"),
                "write publisher: NAME, or a map with name, address, phone, email, icp",
            )
        })?),
        Some(_) => {
            return Err(at(
                "publisher",
                "`publisher` must be a name or a map".into(),
                "write publisher: 国家计量器具产品质量监督检验中心",
            ));
        }
    };

    let metrics = match &raw.metrics {
        None => Vec::new(),
        Some(_) if kind != Kind::Report => {
            return Err(at(
                "metrics",
                format!("`metrics` belong to reports, not to a {}", kind.name()),
                &if section.is_empty() {
                    "add `kind: report` to this file".to_string()
                } else {
                    format!("add `kind: report` to this file, or to content/{section}/_index.md for the whole section")
                },
            ));
        }
        Some(v) => parse_metrics(v, raw.draft).map_err(|e| {
            let mut path = vec!["metrics"];
            if !e.key.is_empty() {
                path.push(&e.key);
            }
            if let Some(f) = &e.field {
                path.push(f);
            }
            let line = path_line(yaml, &path);
            Diagnostic::error(file, e.message)
                .at_line(text, line.map_or(1, |l| l + split.yaml_line - 1))
                .with_help(e.help)
        })?,
    };

    if kind != Kind::Report && raw.year.is_some() && !kind.is_statement() && kind != Kind::Page {
        return Err(at("year", "`year` is only for reports".into(), "remove it"));
    }

    let mut revisions = Vec::with_capacity(raw.revisions.len());
    for r in &raw.revisions {
        let date = parse_date(&scalar(&r.date))
            .map_err(|m| at("revisions", m, "write each correction as {date: YYYY-MM-DD, note: …}"))?;
        revisions.push(Revision {
            date,
            note: r.note.trim().to_string(),
        });
    }
    if revisions.windows(2).any(|w| w[0].date > w[1].date) {
        return Err(at(
            "revisions",
            "`revisions` must be listed oldest first".into(),
            "order the corrections by date",
        ));
    }

    let lint_allow = raw.lint.map(|l| l.allow).unwrap_or_default();
    if let Some((message, help)) = crate::lint::unknown_rule(&lint_allow) {
        let line = path_line(yaml, &["lint", "allow"]).map_or(1, |l| l + split.yaml_line - 1);
        return Err(Diagnostic::error(file, message).at_line(text, line).with_help(help));
    }

    Ok(Document {
        lint_allow,
        revisions,
        file: file.to_path_buf(),
        source: PackedStr::new(text),
        front_matter_digest: Sha256::digest(&text.as_bytes()[..text.len() - split.body.len()]).into(),
        section: section.to_string(),
        url_path,
        kind,
        title,
        year,
        date,
        effective,
        publisher,
        summary: raw.summary,
        aliases: raw.aliases,
        draft: raw.draft,
        weight: raw.weight,
        extra: raw.extra,
        metrics,
        body_start: text.len() - split.body.len(),
        body_line: split.body_line,
        digest,
    })
}

fn scalar(v: &Value) -> String {
    match v {
        Value::String(s) => s.clone(),
        Value::Number(n) => n.to_string(),
        other => format!("{other:?}"),
    }
}
