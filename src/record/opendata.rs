//! Open data: `/data/metrics.json`, `/data/metrics.csv` (UTF-8 with BOM, so Excel opens
//! it correctly) and `/data/documents.json`.

use serde::Serialize;

use crate::content::metrics::change_pct;
use crate::content::{ContentTree, Document, Kind};
use crate::theme::context::SiteCtx;

/// One figure of one report, with its change from the previous report of the section
/// that states the same figure.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct MetricRow {
    pub section: String,
    pub year: i32,
    pub key: String,
    pub label: String,
    pub value: f64,
    pub unit: Option<String>,
    /// The change the report's text claims, in percent.
    pub stated_change_pct: Option<f64>,
    /// The change computed from the previous figure, in percent, one decimal.
    pub computed_change_pct: Option<f64>,
    pub previous_year: Option<i32>,
    pub previous_value: Option<f64>,
    pub url: String,
}

/// Every (section, year, metric) row, sorted by section, year, then the report's order.
pub fn metric_rows(tree: &ContentTree, site: &SiteCtx) -> Vec<MetricRow> {
    let mut reports: Vec<&Document> = tree.documents_of(Kind::Report).collect();
    reports.sort_by(|a, b| a.section.cmp(&b.section).then(a.year.cmp(&b.year)));
    let mut rows = Vec::new();
    for (i, doc) in reports.iter().enumerate() {
        let year = doc.year.expect("reports have a year");
        for m in &doc.metrics {
            let previous = reports[..i]
                .iter()
                .rev()
                .filter(|p| p.section == doc.section)
                .find_map(|p| {
                    p.metrics
                        .iter()
                        .find(|pm| pm.key == m.key)
                        .map(|pm| (p.year.expect("year"), pm.value))
                });
            rows.push(MetricRow {
                section: doc.section.clone(),
                year,
                key: m.key.clone(),
                label: m.label.clone(),
                value: m.value,
                unit: m.unit.clone(),
                stated_change_pct: m.stated_change_pct,
                computed_change_pct: previous.and_then(|(_, pv)| change_pct(pv, m.value)),
                previous_year: previous.map(|p| p.0),
                previous_value: previous.map(|p| p.1),
                url: format!("{}{}#metrics", site.base_url, doc.url_path),
            });
        }
    }
    rows
}

pub fn metrics_json(rows: &[MetricRow]) -> Vec<u8> {
    let mut v = serde_json::to_vec_pretty(rows).expect("rows serialise");
    v.push(b'\n');
    v
}

pub const CSV_COLUMNS: [&str; 12] = [
    "section",
    "year",
    "key",
    "label",
    "value",
    "unit",
    "stated_change_pct",
    "computed_change_pct",
    "previous_year",
    "previous_value",
    "url",
    "source",
];

fn num(v: Option<f64>) -> String {
    v.map(crate::content::metrics::format_number).unwrap_or_default()
}

/// CSV with a UTF-8 BOM: Excel on Chinese Windows otherwise reads it as GBK.
pub fn metrics_csv(rows: &[MetricRow], tree: &ContentTree) -> Vec<u8> {
    let mut out = b"\xEF\xBB\xBF".to_vec();
    {
        let mut w = csv::Writer::from_writer(&mut out);
        w.write_record(CSV_COLUMNS).expect("in memory");
        for r in rows {
            let source = tree
                .documents
                .iter()
                .find(|d| d.kind == Kind::Report && d.section == r.section && d.year == Some(r.year))
                .map(|d| d.file.to_string_lossy().replace('\\', "/"))
                .unwrap_or_default();
            w.write_record([
                r.section.clone(),
                r.year.to_string(),
                r.key.clone(),
                r.label.clone(),
                num(Some(r.value)),
                r.unit.clone().unwrap_or_default(),
                num(r.stated_change_pct),
                num(r.computed_change_pct),
                r.previous_year.map(|y| y.to_string()).unwrap_or_default(),
                num(r.previous_value),
                r.url.clone(),
                source,
            ])
            .expect("in memory");
        }
        w.flush().expect("in memory");
    }
    out
}

/// One published document, for `/data/documents.json`.
#[derive(Debug, Clone, Serialize)]
pub struct DocumentRow {
    pub kind: Kind,
    pub section: String,
    pub year: Option<i32>,
    pub effective: Option<String>,
    pub date: Option<String>,
    pub title: String,
    pub publisher: Option<String>,
    pub url: String,
    /// Path of the Markdown source and the SHA-256 of its bytes.
    pub source: String,
    pub source_sha256: String,
}

/// `documents.json`. It changes with every edit (each row gives its source's digest):
/// its 17,000 rows at 13,000 reports are serialised in parallel.
pub fn documents_json(tree: &ContentTree, site: &SiteCtx) -> Vec<u8> {
    let mut v = pretty_array(&tree.documents, |d| DocumentRow {
        kind: d.kind,
        section: d.section.clone(),
        year: d.year,
        effective: d.effective.map(|e| e.to_string()),
        date: d.date_string(),
        title: d.title.clone(),
        publisher: d.publisher.as_ref().or(site.publisher.as_ref()).map(|p| p.name.clone()),
        url: format!("{}{}", site.base_url, d.url_path),
        source: d.file.to_string_lossy().replace('\\', "/"),
        source_sha256: d.digest.clone(),
    });
    v.push(b'\n');
    v
}

/// `documents.json` made from the previous build's, `previous`, when only some
/// sources' digests changed: `changed` gives each changed row's place with its old and
/// new digest. The rows are in the order of the documents, and every other field of a
/// row is metadata, the same when the site key is. `None` if `previous` does not hold
/// `rows` rows with those old digests where they should be.
///
/// After an edit at 13,000 reports, serialising the 17,000 rows again took some 25 ms
/// of each `serve` rebuild; this copies 8.6 MB and overwrites 64 bytes.
pub fn documents_json_with_digests(previous: &[u8], rows: usize, changed: &[(usize, &str, &str)]) -> Option<Vec<u8>> {
    // As serde_json's pretty printer writes the field. Inside a JSON string a quote is
    // escaped (`\"`), so this cannot be found in a title or a path.
    const FIELD: &[u8] = b"\"source_sha256\": \"";
    let values: Vec<usize> = memchr::memmem::find_iter(previous, FIELD)
        .map(|at| at + FIELD.len())
        .collect();
    if values.len() != rows {
        return None;
    }
    let mut out = previous.to_vec();
    for &(row, old, new) in changed {
        let start = *values.get(row)?;
        let end = start + old.len();
        let closed = previous.get(start..=end) == Some([old.as_bytes(), b"\""].concat().as_slice());
        if !closed || new.len() != old.len() {
            return None;
        }
        out[start..end].copy_from_slice(new.as_bytes());
    }
    Some(out)
}

/// What `serde_json::to_vec_pretty` makes of the list of `row(item)` for `items`, with
/// the rows serialised in parallel.
fn pretty_array<T: Sync, R: Serialize>(items: &[T], row: impl Fn(&T) -> R + Sync) -> Vec<u8> {
    use rayon::prelude::*;
    if items.is_empty() {
        return b"[]".to_vec();
    }
    let rows: Vec<Vec<u8>> = items
        .par_iter()
        .map(|item| {
            let alone = serde_json::to_vec_pretty(&row(item)).expect("rows serialise");
            // One level deeper, inside the list: two more spaces on every line (JSON
            // strings hold no raw line breaks).
            let mut indented = Vec::with_capacity(alone.len() + alone.len() / 8);
            indented.extend_from_slice(b"  ");
            for &b in &alone {
                indented.push(b);
                if b == b'\n' {
                    indented.extend_from_slice(b"  ");
                }
            }
            indented
        })
        .collect();
    let mut out = Vec::with_capacity(rows.iter().map(|r| r.len() + 2).sum::<usize>() + 4);
    out.extend_from_slice(b"[\n");
    for (i, r) in rows.iter().enumerate() {
        if i > 0 {
            out.extend_from_slice(b",\n");
        }
        out.extend_from_slice(r);
    }
    out.extend_from_slice(b"\n]");
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[derive(Serialize)]
    struct Row {
        name: &'static str,
        list: Vec<u32>,
        empty: Vec<u32>,
        nested: Option<std::collections::BTreeMap<&'static str, f64>>,
    }

    #[test]
    fn documents_json_with_new_digests_is_the_list_made_again() {
        #[derive(Serialize)]
        struct Row {
            title: String,
            source_sha256: String,
        }
        let digest = |c: char| c.to_string().repeat(64);
        let list = |digests: &[String]| {
            let rows: Vec<Row> = digests
                .iter()
                .enumerate()
                .map(|(i, d)| Row {
                    // A title cannot pass for the field: its quotes are escaped.
                    title: format!("第{i}份 \"source_sha256\": \"{}", digest('f')),
                    source_sha256: d.clone(),
                })
                .collect();
            serde_json::to_vec_pretty(&rows).unwrap()
        };
        let before = [digest('a'), digest('b'), digest('c')];
        let after = [digest('a'), digest('d'), digest('c')];
        let previous = list(&before);
        let change = [(1, before[1].as_str(), after[1].as_str())];
        assert_eq!(documents_json_with_digests(&previous, 3, &change), Some(list(&after)));
        // Not the file expected: another number of rows, or another old digest.
        assert_eq!(documents_json_with_digests(&previous, 4, &change), None);
        assert_eq!(
            documents_json_with_digests(&previous, 3, &[(1, before[0].as_str(), after[1].as_str())]),
            None
        );
        assert_eq!(
            documents_json_with_digests(&previous, 3, &[(5, before[1].as_str(), after[1].as_str())]),
            None
        );
        assert_eq!(
            documents_json_with_digests(&previous, 3, &[(1, before[1].as_str(), "d")]),
            None
        );
    }

    #[test]
    fn a_list_pretty_printed_in_parallel_is_what_serde_json_makes() {
        let row = |i: &u32| Row {
            name: "第一行\n\"引号\"",
            list: vec![*i, 2],
            empty: vec![],
            nested: i
                .is_multiple_of(2)
                .then(|| [("甲", 1.5), ("乙", -0.25)].into_iter().collect()),
        };
        for items in [vec![], vec![1], (0..40).collect::<Vec<u32>>()] {
            let rows: Vec<Row> = items.iter().map(row).collect();
            assert_eq!(
                String::from_utf8(pretty_array(&items, row)).unwrap(),
                serde_json::to_string_pretty(&rows).unwrap()
            );
        }
    }
}
