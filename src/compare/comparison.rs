//! One comparison of two versions, as the `compare.html` template sees it: header,
//! summary, honest notes, figures, and the text section by section (reports) or item
//! by item (statements and commitments).

use serde::Serialize;

use super::align::{MatchBy, align};
use super::blocks::{ParaKey, diff_keyed};
use super::html::{Folding, ParaLinks, render_html};
use super::metrics::{self, MetricTable};
use super::prepared::{Keyed, SeriesTexts, TextView};
use super::series::Series;
use super::similarity::normalise_title;
use super::statements::{self, ItemCounts, Pages, StatementDiff, section_infos};
use crate::content::{ContentTree, Document, Kind};
use crate::markdown::text::TextSection;
use crate::theme::context::{DocRef, SiteCtx};

/// One of the two versions.
#[derive(Debug, Clone, Serialize)]
pub struct Side {
    #[serde(flatten)]
    pub doc: DocRef,
    /// URL key (`2017`).
    pub key: String,
    /// Short name for headers: `2017年`, `2019年版`, `2019-06版`.
    pub name: String,
    /// Paragraphs the source cuts off (ending in `...`).
    pub excerpts: usize,
    pub sections: usize,
    /// Characters of text.
    pub chars: usize,
}

/// A link to another comparison.
#[derive(Debug, Clone, Serialize)]
pub struct PairLink {
    pub url: String,
    /// `2017年 → 2018年`.
    pub label: String,
    pub a: String,
    pub b: String,
    pub consecutive: bool,
}

/// The numbers at the top of the page.
#[derive(Debug, Clone, Default, Serialize)]
pub struct Summary {
    pub sections_same: usize,
    pub sections_changed: usize,
    pub sections_added: usize,
    pub sections_removed: usize,
    pub sections_moved: usize,
    pub sections_renamed: usize,
    /// Paragraphs (reports): same, reworded, added, removed, moved.
    pub paragraphs_same: usize,
    pub paragraphs_changed: usize,
    pub paragraphs_added: usize,
    pub paragraphs_removed: usize,
    pub paragraphs_moved: usize,
    /// Share of all characters of both versions that changed: `37.2%`.
    pub changed_share: String,
    pub identical: bool,
    pub items: Option<ItemCounts>,
    pub metrics_up: usize,
    pub metrics_down: usize,
    pub metrics_same: usize,
    pub metrics_only_a: usize,
    pub metrics_only_b: usize,
    pub metrics_contradicted: usize,
    pub metrics_implied: usize,
}

/// One row of the section-by-section comparison of reports.
#[derive(Debug, Clone, Serialize)]
pub struct SectionRow {
    /// Anchor on the comparison page (`s3`).
    pub anchor: String,
    /// `same`, `changed`, `added` or `removed`.
    pub status: &'static str,
    pub moved: bool,
    /// How the pair was found; `similarity` comes with `similarity_pct`.
    pub matched_by: Option<MatchBy>,
    pub similarity_pct: Option<String>,
    /// The heading (the newer wording when both exist).
    pub title: String,
    /// The older heading, when it differs (renumbered or renamed).
    pub title_a: Option<String>,
    /// The heading's words changed, not just its numbering.
    pub renamed: bool,
    pub level: u8,
    /// Links to the section in each version.
    pub url_a: Option<String>,
    pub url_b: Option<String>,
    pub chars_a: usize,
    pub chars_b: usize,
    /// Share of this section's text that changed: `12.5%`.
    pub changed_share: String,
    /// The word diff as HTML.
    pub html: String,
}

/// Everything `compare.html` gets as `compare`.
#[derive(Debug, Clone, Serialize)]
pub struct CompareCtx {
    pub kind: Kind,
    pub kind_label: &'static str,
    pub is_report: bool,
    pub title: String,
    pub url: String,
    pub permalink: String,
    pub a: Side,
    pub b: Side,
    /// Set when the two versions name different publishers, or only one names one.
    pub publisher_notice: Option<String>,
    pub summary: Summary,
    /// Things a reader must know to read the comparison right.
    pub notes: Vec<String>,
    pub metrics: Option<MetricTable>,
    pub sections: Vec<SectionRow>,
    pub statement: Option<StatementDiff>,
    pub index_url: String,
    pub trends_url: Option<String>,
    pub earlier: Option<PairLink>,
    pub later: Option<PairLink>,
}

fn name(doc: &Document, key: &str) -> String {
    match (doc.kind, doc.year, doc.effective) {
        (Kind::Report, Some(y), _) => format!("{y}年"),
        (_, _, Some(e)) if e.month.is_some() => format!("{e}版"),
        (_, _, Some(e)) => format!("{}年版", e.year),
        _ => key.to_string(),
    }
}

fn is_excerpt(text: &str) -> bool {
    let t = text.trim_end();
    t.ends_with("...") || t.ends_with('…')
}

fn side(doc: &Document, sections: &[TextSection], key: &str, site: &SiteCtx) -> Side {
    Side {
        doc: DocRef::new(doc, site),
        key: key.to_string(),
        name: name(doc, key),
        excerpts: sections
            .iter()
            .flat_map(|s| &s.blocks)
            .filter(|b| is_excerpt(&b.text))
            .count(),
        sections: sections.iter().filter(|s| s.level > 0).count(),
        chars: sections
            .iter()
            .flat_map(|s| &s.blocks)
            .map(|b| b.text.chars().count())
            .sum(),
    }
}

pub fn share(changed: usize, total: usize) -> String {
    if total == 0 {
        "0.0%".into()
    } else {
        format!("{:.1}%", changed as f64 * 100.0 / total as f64)
    }
}

/// The publishers as readers see them (the document's own, else the site's).
fn publisher_notice(a: &Side, b: &Side) -> Option<String> {
    let pa = a.doc.publisher.as_ref().map(|p| p.name.as_str());
    let pb = b.doc.publisher.as_ref().map(|p| p.name.as_str());
    match (pa, pb) {
        (Some(x), Some(y)) if x != y => Some(format!(
            "两个版本署名的发布单位不同：{}为“{x}”，{}为“{y}”。",
            a.name, b.name
        )),
        (None, Some(y)) => Some(format!("{}的原文未署名发布单位，{}署名为“{y}”。", a.name, b.name)),
        (Some(x), None) => Some(format!("{}署名为“{x}”，{}的原文未署名发布单位。", a.name, b.name)),
        _ => None,
    }
}

fn paragraphs(s: Option<&TextSection>) -> Vec<&str> {
    s.map(|s| s.blocks.iter().map(|b| b.text.as_str()).collect())
        .unwrap_or_default()
}

/// The report text, section by section.
/// Pages and short names of the two versions, for links from the diff.
struct Names<'a> {
    page_a: &'a str,
    page_b: &'a str,
    name_a: &'a str,
    name_b: &'a str,
}

fn report_sections(a: TextView, b: TextView, names: &Names, summary: &mut Summary) -> (Vec<SectionRow>, usize, usize) {
    let (mut changed, mut total) = (0, 0);
    let mut rows = Vec::new();
    let infos_a = section_infos(a.sections, a.section_texts);
    let infos_b = section_infos(b.sections, b.section_texts);
    for (n, p) in align(&infos_a, &infos_b).into_iter().enumerate() {
        let xa = p.a.map(|i| &a.sections[i]);
        let xb = p.b.map(|j| &b.sections[j]);
        let no_keys: &[ParaKey] = &[];
        let d = diff_keyed(
            &paragraphs(xa),
            &paragraphs(xb),
            p.a.map_or(no_keys, |i| &a.keys[i]),
            p.b.map_or(no_keys, |j| &b.keys[j]),
        );
        changed += d.deleted + d.inserted;
        total += d.chars_a + d.chars_b;
        let [same, reworded, added, removed, moved] = d.counts();
        summary.paragraphs_same += same;
        summary.paragraphs_changed += reworded;
        summary.paragraphs_added += added;
        summary.paragraphs_removed += removed;
        summary.paragraphs_moved += moved;
        let ids = |s: Option<&TextSection>| -> Vec<Option<String>> {
            s.map(|s| s.blocks.iter().map(|b| b.id.clone()).collect())
                .unwrap_or_default()
        };
        let (ids_a, ids_b) = (ids(xa), ids(xb));
        let links = ParaLinks {
            page_a: names.page_a,
            page_b: names.page_b,
            ids_a: &ids_a,
            ids_b: &ids_b,
            name_a: names.name_a,
            name_b: names.name_b,
        };
        let title_a = xa.map(|s| s.title.clone());
        let title_b = xb.map(|s| s.title.clone());
        // Renumbering (`四、` becoming `二、`) is not renaming; both show the old heading.
        let retitled = title_a.is_some() && title_b.is_some() && title_a != title_b;
        let renamed = retitled
            && normalise_title(title_a.as_deref().unwrap_or_default())
                != normalise_title(title_b.as_deref().unwrap_or_default());
        let status = match (xa, xb) {
            (Some(_), None) => "removed",
            (None, Some(_)) => "added",
            _ if d.is_unchanged() && !renamed => "same",
            _ => "changed",
        };
        match status {
            "removed" => summary.sections_removed += 1,
            "added" => summary.sections_added += 1,
            "same" => summary.sections_same += 1,
            _ => summary.sections_changed += 1,
        }
        summary.sections_moved += usize::from(p.moved);
        summary.sections_renamed += usize::from(renamed);
        let url = |page: &str, s: Option<&TextSection>| s.and_then(|s| s.id.as_ref()).map(|id| format!("{page}#{id}"));
        rows.push(SectionRow {
            anchor: format!("s{}", n + 1),
            status,
            moved: p.moved,
            matched_by: p.by,
            similarity_pct: (p.by == Some(MatchBy::Similarity)).then(|| format!("{:.0}%", p.score * 100.0)),
            title: title_b.clone().or(title_a.clone()).unwrap_or_default(),
            title_a: title_a.filter(|_| retitled),
            renamed,
            level: xb.or(xa).map_or(0, |s| s.level),
            url_a: url(names.page_a, xa),
            url_b: url(names.page_b, xb),
            chars_a: d.chars_a,
            chars_b: d.chars_b,
            changed_share: share(d.deleted + d.inserted, d.chars_a + d.chars_b),
            html: render_html(&d, &links, Folding::default()),
        });
    }
    (rows, changed, total)
}

/// The section-by-section comparison of two texts alone (see
/// [`super::compare_report_text`]).
pub fn report_text(a: &[TextSection], b: &[TextSection]) -> (String, String) {
    let names = Names {
        page_a: "",
        page_b: "",
        name_a: "A",
        name_b: "B",
    };
    let (ka, kb) = (Keyed::new(a), Keyed::new(b));
    let (rows, changed, total) = report_sections(ka.view(a), kb.view(b), &names, &mut Summary::default());
    let html = rows.into_iter().map(|r| r.html).collect::<Vec<_>>().concat();
    (html, share(changed, total))
}

/// Two texts of one document, before and after a correction: the section-by-section
/// diff (links to paragraphs point at the two versions' pages) and the share changed.
pub fn revision_text(a: &[TextSection], b: &[TextSection], url_a: &str, url_b: &str) -> (String, String) {
    let names = Names {
        page_a: url_a,
        page_b: url_b,
        name_a: "更正前",
        name_b: "更正后",
    };
    let (ka, kb) = (Keyed::new(a), Keyed::new(b));
    let (rows, changed, total) = report_sections(ka.view(a), kb.view(b), &names, &mut Summary::default());
    let html = rows.into_iter().map(|r| r.html).collect::<Vec<_>>().concat();
    (html, share(changed, total))
}

/// Compares positions `i < j` of `series`, whose texts are `texts`.
pub fn build(
    series: &Series,
    i: usize,
    j: usize,
    tree: &ContentTree,
    texts: &SeriesTexts,
    site: &SiteCtx,
) -> CompareCtx {
    let (ia, ib) = (series.docs[i], series.docs[j]);
    let (da, db) = (&tree.documents[ia], &tree.documents[ib]);
    let (text_a, text_b) = (texts.get(i), texts.get(j));
    let a = side(da, text_a.sections(), &series.keys[i], site);
    let b = side(db, text_b.sections(), &series.keys[j], site);
    let mut summary = Summary::default();
    let mut notes = Vec::new();
    let is_report = series.kind == Kind::Report;

    let (sections, statement, changed, total) = if is_report {
        let (rows, changed, total) = report_sections(
            text_a.view(),
            text_b.view(),
            &Names {
                page_a: &a.doc.url,
                page_b: &b.doc.url,
                name_a: &a.name,
                name_b: &b.name,
            },
            &mut summary,
        );
        (rows, None, changed, total)
    } else {
        let d = statements::compare(
            text_a.sections(),
            text_a.section_texts(),
            text_b.sections(),
            text_b.section_texts(),
            Pages {
                a: &a.doc.url,
                b: &b.doc.url,
            },
        );
        for g in &d.groups {
            match g.status {
                "removed" => summary.sections_removed += 1,
                "added" => summary.sections_added += 1,
                "same" => summary.sections_same += 1,
                _ => summary.sections_changed += 1,
            }
            summary.sections_moved += usize::from(g.moved);
        }
        summary.items = Some(d.counts.clone());
        let (c, t) = (d.changed_chars, d.chars_a + d.chars_b);
        (Vec::new(), Some(d), c, t)
    };
    summary.changed_share = share(changed, total);
    summary.identical = changed == 0 && total > 0;

    let metrics = if is_report && !(da.metrics.is_empty() && db.metrics.is_empty()) {
        let docs: Vec<&Document> = series.docs.iter().map(|&k| &*tree.documents[k]).collect();
        let t = metrics::table(&docs, da, db, "spark");
        summary.metrics_up = t.up;
        summary.metrics_down = t.down;
        summary.metrics_same = t.same;
        summary.metrics_only_a = t.only_a;
        summary.metrics_only_b = t.only_b;
        summary.metrics_contradicted = t.contradictions;
        summary.metrics_implied = t.implied;
        if t.up + t.down + t.same == 0 {
            notes.push(format!(
                "两份报告没有共同的指标，数据无法逐项对比。下表列出任一年度所载的全部 {} 项指标，空白表示该年度报告未载此项。",
                t.rows.len()
            ));
        }
        if t.implied > 0 {
            notes.push(
                "标注“推算”的数值不是报告原文所载，而是按后一年度报告所述的同比变化倒推的近似值，仅供参考。".into(),
            );
        }
        Some(t)
    } else {
        None
    };
    for s in [&a, &b] {
        if s.excerpts > 0 {
            notes.push(format!(
                "{}的原文有 {} 段为节选（以“...”结尾），其被截去的文字无从比较，显示为删除或新增的部分不一定是实际改动。",
                s.name, s.excerpts
            ));
        }
    }
    if is_report && j > i + 1 {
        notes.push(format!(
            "本页比较相隔 {} 个版本的两份报告；“报告所述同比”均相对于各自的上一年度。",
            j - i
        ));
    }

    let pair_link = |x: usize, y: usize| PairLink {
        url: format!("{}{}", site.base_path, series.pair_path(x, y)),
        label: format!(
            "{} → {}",
            name(&tree.documents[series.docs[x]], &series.keys[x]),
            name(&tree.documents[series.docs[y]], &series.keys[y])
        ),
        a: series.keys[x].clone(),
        b: series.keys[y].clone(),
        consecutive: y == x + 1,
    };
    let n = series.docs.len();
    let path = series.pair_path(i, j);
    CompareCtx {
        kind: series.kind,
        kind_label: series.kind.label(),
        is_report,
        title: format!("{}对比：{} → {}", series.kind.label(), a.name, b.name),
        url: format!("{}{path}", site.base_path),
        permalink: format!("{}{path}", site.base_url),
        publisher_notice: publisher_notice(&a, &b),
        summary,
        notes,
        metrics,
        sections,
        statement,
        index_url: format!("{}{}", site.base_path, series.compare_path),
        trends_url: series.trends_path.as_ref().map(|t| format!("{}{t}", site.base_path)),
        earlier: (i > 0).then(|| pair_link(i - 1, i)),
        later: (j + 1 < n).then(|| pair_link(j, j + 1)),
        a,
        b,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn shares_and_excerpts() {
        assert_eq!(share(1, 8), "12.5%");
        assert_eq!(share(0, 0), "0.0%");
        assert!(is_excerpt("领导小组对社会责..."));
        assert!(is_excerpt("未完…"));
        assert!(!is_excerpt("完整。"));
    }
}
