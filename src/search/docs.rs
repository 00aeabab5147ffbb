//! What the browser needs besides posting lists:
//!
//! - `search/meta.bin`: the shard counts and, for every document, its kind, year and
//!   date: enough to filter and count by kind and year and to sort by date without
//!   fetching anything per document.
//! - `search/t/ID.bin`: one document's title, URL and text by section, fetched only for
//!   the results on screen, to show the heading and an excerpt and to link to the block
//!   that matched. It is also what a long query's few candidates are checked against.
//!
//! Both are gzip-compressed JSON.

use std::borrow::Cow;
use std::sync::Arc;

use serde::Serialize;

use crate::content::metrics::Metric;
use crate::content::{Document, Kind};
use crate::markdown::text::TextSection;

/// Format version, bumped on any change to the files' layout (search.js checks it).
pub const FORMAT: u32 = 1;

#[derive(Debug, Serialize)]
pub struct KindInfo {
    pub name: &'static str,
    pub label: &'static str,
}

#[derive(Debug, Serialize)]
pub struct Meta {
    pub format: u32,
    /// Number of `a/` (counts) and `b/` (positions) shards: powers of two.
    pub a: u32,
    pub b: u32,
    /// Longest gram with its own counts list.
    pub gram: usize,
    /// Up to this many candidates of a long query are checked against their text.
    pub text_check: usize,
    pub kinds: Vec<KindInfo>,
    /// Per document: [kind index, year (0 when none), date as YYYYMMDD (0 when none)].
    pub docs: Vec<[u32; 3]>,
}

/// `YYYYMMDD` of a document's date, else of its effective date, else its year.
fn date_number(doc: &Document) -> u32 {
    if let Some(d) = doc.date {
        return (d.year() as u32) * 10_000 + u32::from(u8::from(d.month())) * 100 + u32::from(d.day());
    }
    if let Some(e) = doc.effective {
        return (e.year as u32) * 10_000 + u32::from(e.month.unwrap_or(1)) * 100 + u32::from(e.day.unwrap_or(1));
    }
    doc.sort_year().map_or(0, |y| y as u32 * 10_000)
}

pub fn meta(docs: &[Arc<Document>], a: u32, b: u32, gram: usize, text_check: usize) -> Meta {
    Meta {
        format: FORMAT,
        a,
        b,
        gram,
        text_check,
        kinds: Kind::ALL
            .iter()
            .map(|k| KindInfo {
                name: k.name(),
                label: k.label(),
            })
            .collect(),
        docs: docs
            .iter()
            .map(|d| {
                let kind = Kind::ALL.iter().position(|k| *k == d.kind).unwrap_or(0) as u32;
                [kind, d.sort_year().map_or(0, |y| y.max(0) as u32), date_number(d)]
            })
            .collect(),
    }
}

#[derive(Debug, Serialize)]
pub struct Fragment<'a> {
    pub title: &'a str,
    pub url: String,
    pub kind: &'static str,
    pub label: &'static str,
    pub year: Option<i32>,
    pub date: Option<String>,
    pub sections: Vec<FragmentSection<'a>>,
}

/// A section: its heading's id and text (`None`/empty before the first heading) and its
/// blocks as `[anchor, text]`.
#[derive(Debug, Serialize)]
pub struct FragmentSection<'a> {
    pub id: Option<&'a str>,
    pub title: &'a str,
    pub blocks: Vec<(Option<&'a str>, Cow<'a, str>)>,
}

/// Id and heading of the metrics table on a report's page (`report.html`).
const METRICS_ID: &str = "metrics";
const METRICS_TITLE: &str = "主要数据";

/// Everything a document's page shows that a reader may search for, by section: the
/// summary (in the page's header), the metrics table (`#metrics`), then the text. Both
/// the index ([`crate::search::streams`]) and the fragment a result is shown from are
/// made from this one list, so that positions in one are positions in the other.
pub fn sections<'a>(doc: &'a Document, text: &'a [TextSection]) -> Vec<FragmentSection<'a>> {
    let mut out = Vec::with_capacity(text.len() + 2);
    if let Some(summary) = doc.summary.as_deref().filter(|s| !s.trim().is_empty()) {
        out.push(FragmentSection {
            id: None,
            title: "",
            blocks: vec![(None, Cow::Borrowed(summary))],
        });
    }
    if !doc.metrics.is_empty() {
        out.push(FragmentSection {
            id: Some(METRICS_ID),
            title: METRICS_TITLE,
            blocks: doc.metrics.iter().map(|m| (None, Cow::Owned(metric_row(m)))).collect(),
        });
    }
    out.extend(text.iter().map(|s| {
        FragmentSection {
            id: s.id.as_deref(),
            title: &s.title,
            blocks: s
                .blocks
                .iter()
                .map(|b| (b.id.as_deref(), Cow::Borrowed(b.text.as_str())))
                .collect(),
        }
    }));
    out
}

/// A metrics table row as one line: `工作人员 608名 +8.8%` (label, value with its unit,
/// the change the report states).
fn metric_row(m: &Metric) -> String {
    let mut row = format!("{} {}{}", m.label, m.display, m.unit.as_deref().unwrap_or(""));
    if let Some(change) = &m.stated_change_display {
        row.push(' ');
        row.push_str(change);
    }
    row
}

pub fn fragment<'a>(doc: &'a Document, sections: Vec<FragmentSection<'a>>, base_path: &str) -> Fragment<'a> {
    Fragment {
        title: &doc.title,
        url: format!("{base_path}{}", doc.url_path),
        kind: doc.kind.name(),
        label: doc.kind.label(),
        year: doc.sort_year(),
        date: doc.date_string(),
        sections,
    }
}
