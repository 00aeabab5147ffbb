//! The figures of a report series, compared: the table of a comparison page, the
//! series a chart draws, and the check of every stated year-on-year change.
//!
//! Reports state changes in words (`同比增长8.8%`); front matter records them as
//! `stated_change_pct`. A stated change is about the year before the report's own,
//! so it is checked against the report of that year only (never against an older
//! report when a year is missing). When that figure is unknown, the stated change
//! still tells what it must have been: `value / (1 + pct/100)`, shown as derived
//! and rounded to the precision the percentage allows.

use serde::Serialize;

use super::chart::{Point, sparkline};
use super::format::{approx_cn, grouped, pct, signed};
use crate::content::Document;
use crate::content::front_matter::split;
use crate::content::metrics::{Metric, format_change_pct};
use crate::diagnostics::Diagnostic;
use crate::yaml::nested_key_line;

/// A stated change is flagged when it differs from the computed one by more.
pub const TOLERANCE_PP: f64 = 0.5;

fn metric<'a>(doc: &'a Document, key: &str) -> Option<&'a Metric> {
    doc.metrics.iter().find(|m| m.key == key)
}

/// The report for the year before `doc`'s, in `series` (reports oldest first).
fn year_before<'a>(series: &[&'a Document], doc: &Document) -> Option<&'a Document> {
    let y = doc.year? - 1;
    series.iter().copied().find(|d| d.year == Some(y))
}

/// Every key of the series: in the newest report's order, then keys only older
/// reports have, newest first. Returns (key, label, unit) with the newest wording.
pub fn all_keys(series: &[&Document]) -> Vec<(String, String, String)> {
    let mut out: Vec<(String, String, String)> = Vec::new();
    for d in series.iter().rev() {
        for m in &d.metrics {
            if !out.iter().any(|(k, _, _)| *k == m.key) {
                out.push((m.key.clone(), m.label.clone(), m.unit.clone().unwrap_or_default()));
            }
        }
    }
    out
}

/// A stated change checked against the year before.
#[derive(Debug, Clone, Serialize)]
pub struct StatedCheck {
    pub stated: String,
    pub computed: String,
    pub previous_year: i32,
    pub previous: String,
    /// Differs from the computed change by more than [`TOLERANCE_PP`].
    pub contradicts: bool,
}

/// The figure a stated change implies for the year before.
#[derive(Debug, Clone, Serialize)]
pub struct Implied {
    pub year: i32,
    pub value: f64,
    /// `约23.8万`.
    pub display: String,
    /// `259,000 ÷ (1 + 8.8%) ≈ 238,051`.
    pub formula: String,
}

/// The stated change of `m` and the one computed from the year before: (stated,
/// computed, the year before's report, its figure); no text is formatted.
fn stated_and_computed<'a>(
    series: &[&'a Document],
    doc: &Document,
    m: &Metric,
) -> Option<(f64, f64, &'a Document, &'a Metric)> {
    let stated = m.stated_change_pct?;
    let prev_doc = year_before(series, doc)?;
    let prev = metric(prev_doc, &m.key)?;
    if prev.value == 0.0 || prev.unit != m.unit {
        return None;
    }
    Some((stated, (m.value - prev.value) / prev.value * 100.0, prev_doc, prev))
}

fn contradicts(stated: f64, computed: f64) -> bool {
    (computed - stated).abs() > TOLERANCE_PP + 1e-9
}

fn check(series: &[&Document], doc: &Document, m: &Metric) -> Option<StatedCheck> {
    let (stated, computed, prev_doc, prev) = stated_and_computed(series, doc, m)?;
    Some(StatedCheck {
        stated: format_change_pct(stated),
        computed: pct(computed),
        previous_year: prev_doc.year?,
        previous: grouped(prev.value),
        contradicts: contradicts(stated, computed),
    })
}

fn implied(series: &[&Document], doc: &Document, m: &Metric) -> Option<Implied> {
    let stated = m.stated_change_pct?;
    if stated <= -100.0 || year_before(series, doc).and_then(|d| metric(d, &m.key)).is_some() {
        return None;
    }
    let value = m.value / (1.0 + stated / 100.0);
    Some(Implied {
        year: doc.year? - 1,
        value,
        display: approx_cn(value),
        formula: format!(
            "{} ÷ (1 {} {}%) ≈ {}",
            grouped(m.value),
            if stated < 0.0 { "−" } else { "+" },
            crate::content::metrics::format_number(stated.abs()),
            grouped(value.round())
        ),
    })
}

/// The metric over every year of the series (and the years stated changes imply).
pub fn points(series: &[&Document], key: &str) -> Vec<Point> {
    let mut pts: Vec<Point> = series
        .iter()
        .filter_map(|d| {
            Some(Point {
                year: d.year?,
                value: metric(d, key).map(|m| m.value),
                derived: false,
            })
        })
        .collect();
    for d in series {
        let Some(imp) = metric(d, key).and_then(|m| implied(series, d, m)) else {
            continue;
        };
        match pts.iter_mut().find(|p| p.year == imp.year) {
            Some(p) if p.value.is_none() => {
                p.value = Some(imp.value);
                p.derived = true;
            }
            Some(_) => {}
            None => pts.push(Point {
                year: imp.year,
                value: Some(imp.value),
                derived: true,
            }),
        }
    }
    pts.sort_by_key(|p| p.year);
    pts
}

/// One row of a comparison's figures table.
#[derive(Debug, Clone, Serialize)]
pub struct MetricRow {
    pub key: String,
    pub label: String,
    /// The older report's label, when it words the metric differently.
    pub label_a: Option<String>,
    pub unit: String,
    pub a: Option<String>,
    pub b: Option<String>,
    /// The older year's figure as implied by the newer report's stated change, when
    /// the older report does not give it and is the year before.
    pub a_implied: Option<Implied>,
    pub change: Option<String>,
    pub change_pct: Option<String>,
    /// `up`, `down`, `same`, or `` when a side is unknown.
    pub direction: &'static str,
    /// The newer report's stated change (`+8.8%`).
    pub stated: Option<String>,
    pub check: Option<StatedCheck>,
    /// What the stated change implies when the year before is unknown and not shown
    /// in the older column.
    pub stated_implied: Option<Implied>,
    /// The units differ between the two reports: no change is computed.
    pub unit_a: Option<String>,
    pub sparkline: String,
}

/// The figures table and its counts for the summary.
#[derive(Debug, Clone, Default, Serialize)]
pub struct MetricTable {
    pub rows: Vec<MetricRow>,
    pub up: usize,
    pub down: usize,
    pub same: usize,
    pub only_a: usize,
    pub only_b: usize,
    pub contradictions: usize,
    pub implied: usize,
}

/// Every metric key of either report, with values, changes and a sparkline over
/// all years of the series. `id` prefixes the sparklines' element ids.
pub fn table(series: &[&Document], a: &Document, b: &Document, id: &str) -> MetricTable {
    let mut t = MetricTable::default();
    let mut keys = all_keys(&[a, b]);
    // Keep the series' order for keys of both years.
    keys.sort_by_key(|(k, _, _)| (metric(b, k).is_none(), b.metrics.iter().position(|m| m.key == *k)));
    let years: Vec<i32> = [a.year, b.year].into_iter().flatten().collect();
    for (n, (key, label, unit)) in keys.into_iter().enumerate() {
        let ma = metric(a, &key);
        let mb = metric(b, &key);
        let unit_a = ma.and_then(|m| m.unit.clone()).unwrap_or_default();
        let units_differ = ma.is_some() && mb.is_some() && unit_a != unit;
        let (mut change, mut change_pct, mut direction) = (None, None, "");
        if let (Some(x), Some(y), false) = (ma, mb, units_differ) {
            change = Some(signed(y.value - x.value));
            change_pct = (x.value != 0.0).then(|| pct((y.value - x.value) / x.value * 100.0));
            direction = if y.value > x.value {
                "up"
            } else if y.value < x.value {
                "down"
            } else {
                "same"
            };
        }
        match (ma, mb) {
            (Some(_), None) => t.only_a += 1,
            (None, Some(_)) => t.only_b += 1,
            _ => {}
        }
        match direction {
            "up" => t.up += 1,
            "down" => t.down += 1,
            "same" => t.same += 1,
            _ => {}
        }
        let check = mb.and_then(|m| check(series, b, m));
        if check.as_ref().is_some_and(|c| c.contradicts) {
            t.contradictions += 1;
        }
        let imp = mb.and_then(|m| implied(series, b, m));
        let (a_implied, stated_implied) = match imp {
            Some(i) if ma.is_none() && Some(i.year) == a.year => (Some(i), None),
            other => (None, other),
        };
        if a_implied.is_some() || stated_implied.is_some() {
            t.implied += 1;
        }
        let label_a = ma.filter(|m| m.label != label && mb.is_some()).map(|m| m.label.clone());
        let sparkline = sparkline(&format!("{id}-{n}"), &label, &unit, &points(series, &key), &years);
        t.rows.push(MetricRow {
            label_a,
            a: ma.map(|m| grouped(m.value)),
            b: mb.map(|m| grouped(m.value)),
            a_implied,
            change,
            change_pct,
            direction,
            stated: mb.and_then(|m| m.stated_change_display.clone()),
            check,
            stated_implied,
            unit_a: units_differ.then_some(unit_a),
            sparkline,
            key,
            label,
            unit,
        });
    }
    t
}

/// The line of a metric's `stated_change_pct` (or of its key) in the file.
fn stated_line(doc: &Document, key: &str) -> usize {
    let source = doc.source();
    let Ok(sp) = split(&doc.file, &source) else {
        return 1;
    };
    let Some(kl) = nested_key_line(sp.yaml, "metrics", key) else {
        return sp.yaml_line;
    };
    let lines: Vec<&str> = sp.yaml.lines().collect();
    let indent = |l: &str| l.len() - l.trim_start().len();
    let key_indent = lines.get(kl - 1).map_or(0, |l| indent(l));
    let mut line = kl;
    for (i, l) in lines.iter().enumerate().skip(kl) {
        if l.trim().is_empty() {
            continue;
        }
        if indent(l) <= key_indent {
            break;
        }
        if l.trim_start().starts_with("stated_change_pct") {
            line = i + 1;
            break;
        }
    }
    line + sp.yaml_line - 1
}

/// A warning for every stated change its figures contradict, e.g.
/// `certificates: stated +12.5%, computed +14.4% (104000 -> 119000)`.
pub fn warnings(series: &[&Document]) -> Vec<Diagnostic> {
    let mut out = Vec::new();
    for d in series {
        for m in &d.metrics {
            // Numbers first, text only for a contradiction: `serve` checks every series
            // on each rebuild, and few figures contradict.
            let Some((stated, computed, prev_doc, prev)) = stated_and_computed(series, d, m) else {
                continue;
            };
            if !contradicts(stated, computed) {
                continue;
            }
            out.push(
                Diagnostic::warning(
                    &d.file,
                    format!(
                        "{}: stated {}, computed {} ({} -> {})",
                        m.key,
                        format_change_pct(stated),
                        pct(computed),
                        prev.display,
                        m.display
                    ),
                )
                .at_line(&d.source(), stated_line(d, &m.key))
                .with_help(format!(
                    "the {} report gives {} and this {} report {}: check both figures and `stated_change_pct` (differences up to {TOLERANCE_PP} percentage points are rounding)",
                    prev_doc.year.unwrap_or_default(),
                    prev.display,
                    d.year.unwrap_or_default(),
                    m.display
                )),
            );
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn report(year: i32, metrics: &str) -> Document {
        let text = format!("---\ntitle: r\nyear: {year}\nmetrics:\n{metrics}---\n");
        let file = std::path::PathBuf::from(format!("content/reports/{year}.md"));
        let sp = split(&file, &text).unwrap();
        crate::content::document::parse_document(crate::content::document::DocumentInput {
            file: &file,
            text: &text,
            split: sp,
            section: "reports",
            url_path: format!("reports/{year}/"),
            section_kind: Some(crate::content::Kind::Report),
            digest: String::new(),
        })
        .unwrap()
    }

    #[test]
    fn contradicted_claim_is_flagged_with_file_and_line() {
        let a = report(2020, "  certificates: 104000\n");
        let b = report(
            2021,
            "  staff: 3\n  certificates:\n    value: 119000\n    stated_change_pct: 12.5\n",
        );
        let series = [&a, &b];
        let w = warnings(&series);
        assert_eq!(w.len(), 1);
        assert_eq!(
            w[0].message,
            "certificates: stated +12.5%, computed +14.4% (104000 -> 119000)"
        );
        assert_eq!(w[0].line, Some(8));
        assert_eq!(w[0].source_line.as_deref(), Some("    stated_change_pct: 12.5"));
        let t = table(&series, &a, &b, "m");
        let row = t.rows.iter().find(|r| r.key == "certificates").unwrap();
        assert_eq!(row.change.as_deref(), Some("+15,000"));
        assert_eq!(row.change_pct.as_deref(), Some("+14.4%"));
        assert!(row.check.as_ref().unwrap().contradicts);
        assert_eq!(t.contradictions, 1);
    }

    #[test]
    fn close_claims_agree_and_gaps_are_not_checked() {
        let a = report(2020, "  c: 1000\n");
        let b = report(2021, "  c: {value: 1088, stated_change_pct: 8.6}\n");
        assert!(warnings(&[&a, &b]).is_empty());
        // 2019 -> 2021: the stated change is about 2020, which is missing.
        let c = report(2019, "  c: 1000\n");
        let d = report(2021, "  c: {value: 2000, stated_change_pct: 8.8}\n");
        assert!(warnings(&[&c, &d]).is_empty());
    }

    #[test]
    fn implied_previous_value_is_derived() {
        let a = report(2017, "  program_documents: {label: 程序文件, value: 29, unit: 个}\n");
        let b = report(
            2018,
            "  instruments_received: {label: 接收送检仪器, value: 259000, unit: 台件, stated_change_pct: 8.8}\n",
        );
        let series = [&a, &b];
        let t = table(&series, &a, &b, "m");
        assert_eq!(t.rows.len(), 2);
        let r = &t.rows[0];
        assert_eq!(r.key, "instruments_received");
        assert_eq!(r.a, None);
        let imp = r.a_implied.as_ref().unwrap();
        assert_eq!(imp.display, "约23.8万");
        assert_eq!(imp.formula, "259,000 ÷ (1 + 8.8%) ≈ 238,051");
        assert_eq!((t.only_a, t.only_b, t.implied), (1, 1, 1));
        assert_eq!(t.rows[1].a.as_deref(), Some("29"));
        assert_eq!(t.rows[1].b, None);
        let p = points(&series, "instruments_received");
        assert_eq!(p.len(), 2);
        assert!(p[0].derived && p[0].year == 2017);
    }
}
