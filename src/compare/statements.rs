//! Comparing two versions of an impartiality statement or of service commitments,
//! item by item.
//!
//! A statement is a short list of promises; readers want to know which promise was
//! added, dropped, reworded or reordered, not a running diff of the whole text.
//! Sections are aligned as in reports ([`super::align`]); inside each pair the items
//! (list items and paragraphs) are matched: identical wording first (ignoring final
//! punctuation, since `；` often becomes `。` when an item moves to the end), then
//! the most similar remaining items, and the rest are added or removed. Reworded
//! items show a word diff.

use serde::Serialize;

use super::align::{MatchBy, Pair, SectionInfo, align, arrange};
use super::diff::{diff_texts, render_inline};
use super::similarity::Bigrams;
use crate::markdown::text::TextSection;

/// Two items are the same promise, reworded, at or above this similarity.
pub const ITEM_THRESHOLD: f64 = 0.5;

/// One item in the comparison.
#[derive(Debug, Clone, Serialize)]
pub struct ItemRow {
    /// `same`, `changed`, `added` or `removed`.
    pub status: &'static str,
    pub moved: bool,
    /// Position in its section (1-based) in each version.
    pub number_a: Option<usize>,
    pub number_b: Option<usize>,
    /// Links to the item in each version's page.
    pub url_a: Option<String>,
    pub url_b: Option<String>,
    /// The item's text with `<ins>`/`<del>` marks.
    pub html: String,
}

/// The items of one pair of sections (or of a section on one side only).
#[derive(Debug, Clone, Serialize)]
pub struct ItemGroup {
    /// The heading (the newer one when both exist); empty for text before any heading.
    pub title: String,
    /// The older heading when it was worded differently.
    pub title_a: Option<String>,
    /// `same`, `changed`, `added` or `removed`.
    pub status: &'static str,
    pub moved: bool,
    pub items: Vec<ItemRow>,
}

/// Counts for the summary.
#[derive(Debug, Clone, Default, Serialize)]
pub struct ItemCounts {
    pub same: usize,
    pub changed: usize,
    pub added: usize,
    pub removed: usize,
    pub moved: usize,
}

/// The item-by-item comparison of two versions.
#[derive(Debug, Clone, Default, Serialize)]
pub struct StatementDiff {
    pub groups: Vec<ItemGroup>,
    pub counts: ItemCounts,
    /// Characters of each version and changed characters, for the summary's share.
    pub chars_a: usize,
    pub chars_b: usize,
    pub changed_chars: usize,
}

/// Item text without the final punctuation and surrounding space.
fn norm(t: &str) -> &str {
    t.trim()
        .trim_end_matches(['；', '。', ';', '.', '，', ',', '、', ' '])
        .trim()
}

/// Matches items: same wording first (in order), then by similarity, best first.
fn match_items(a: &[&str], b: &[&str]) -> Vec<Option<(usize, MatchBy, f64)>> {
    let mut a_to_b: Vec<Option<(usize, MatchBy, f64)>> = vec![None; a.len()];
    let mut taken = vec![false; b.len()];
    for (i, x) in a.iter().enumerate() {
        if let Some(j) = (0..b.len()).find(|&j| !taken[j] && norm(b[j]) == norm(x)) {
            a_to_b[i] = Some((j, MatchBy::Title, 1.0));
            taken[j] = true;
        }
    }
    let ga: Vec<Bigrams> = a.iter().map(|t| Bigrams::new(t)).collect();
    let gb: Vec<Bigrams> = b.iter().map(|t| Bigrams::new(t)).collect();
    let mut cands = Vec::new();
    for i in (0..a.len()).filter(|&i| a_to_b[i].is_none()) {
        for j in (0..b.len()).filter(|&j| !taken[j]) {
            let s = ga[i].dice(&gb[j]);
            if s >= ITEM_THRESHOLD {
                cands.push((s, i, j));
            }
        }
    }
    cands.sort_by(|x, y| y.0.total_cmp(&x.0).then(x.1.cmp(&y.1)).then(x.2.cmp(&y.2)));
    for (s, i, j) in cands {
        if a_to_b[i].is_none() && !taken[j] {
            a_to_b[i] = Some((j, MatchBy::Similarity, s));
            taken[j] = true;
        }
    }
    a_to_b
}

/// Where each version's page is, to link items to their anchors.
#[derive(Debug, Clone, Copy)]
pub struct Pages<'a> {
    pub a: &'a str,
    pub b: &'a str,
}

fn anchor(page: &str, id: &Option<String>) -> Option<String> {
    id.as_ref().map(|id| format!("{page}#{id}"))
}

fn compare_items(
    sa: Option<&TextSection>,
    sb: Option<&TextSection>,
    pages: Pages,
    out: &mut StatementDiff,
) -> ItemGroup {
    let empty = Vec::new();
    let blocks_a = sa.map_or(&empty, |s| &s.blocks);
    let blocks_b = sb.map_or(&empty, |s| &s.blocks);
    let ta: Vec<&str> = blocks_a.iter().map(|b| b.text.as_str()).collect();
    let tb: Vec<&str> = blocks_b.iter().map(|b| b.text.as_str()).collect();
    let rows = arrange(tb.len(), &match_items(&ta, &tb));
    let mut items = Vec::with_capacity(rows.len());
    for Pair { a, b, moved, .. } in rows {
        // Only the final punctuation differs (`；` became `。` at the end of a list):
        // the same promise, shown as such.
        let (old, new) = (a.map_or("", |i| ta[i]), b.map_or("", |j| tb[j]));
        let d = if a.is_some() && b.is_some() && norm(old) == norm(new) {
            diff_texts(new, new)
        } else {
            diff_texts(old, new)
        };
        out.chars_a += d.chars_a;
        out.chars_b += d.chars_b;
        out.changed_chars += d.deleted + d.inserted;
        let status = match (a, b) {
            (Some(_), None) => "removed",
            (None, Some(_)) => "added",
            _ if d.is_unchanged() => "same",
            _ => "changed",
        };
        match status {
            "removed" => out.counts.removed += 1,
            "added" => out.counts.added += 1,
            "same" => out.counts.same += 1,
            _ => out.counts.changed += 1,
        }
        if moved {
            out.counts.moved += 1;
        }
        items.push(ItemRow {
            status,
            moved,
            number_a: a.map(|i| i + 1),
            number_b: b.map(|j| j + 1),
            url_a: a.and_then(|i| anchor(pages.a, &blocks_a[i].id)),
            url_b: b.and_then(|j| anchor(pages.b, &blocks_b[j].id)),
            html: render_inline(&d),
        });
    }
    let title_b = sb.map(|s| s.title.clone());
    let title_a = sa.map(|s| s.title.clone());
    let status = match (sa, sb) {
        (Some(_), None) => "removed",
        (None, Some(_)) => "added",
        _ if items.iter().all(|i| i.status == "same" && !i.moved) && title_a == title_b => "same",
        _ => "changed",
    };
    ItemGroup {
        title: title_b.clone().or(title_a.clone()).unwrap_or_default(),
        title_a: title_a.filter(|t| Some(t) != title_b.as_ref() && title_b.is_some()),
        status,
        moved: false,
        items,
    }
}

/// What alignment needs of each section; `texts` holds each section's joined text.
pub fn section_infos<'a>(sections: &'a [TextSection], texts: &'a [String]) -> Vec<SectionInfo<'a>> {
    sections
        .iter()
        .zip(texts)
        .map(|(s, t)| SectionInfo {
            id: s.id.as_deref(),
            title: &s.title,
            level: s.level,
            text: t,
        })
        .collect()
}

/// Compares two versions item by item, section by section; `texts_a` and `texts_b`
/// are their sections' [`TextSection::text`].
pub fn compare(
    a: &[TextSection],
    texts_a: &[String],
    b: &[TextSection],
    texts_b: &[String],
    pages: Pages,
) -> StatementDiff {
    let sa = section_infos(a, texts_a);
    let sb = section_infos(b, texts_b);
    let mut out = StatementDiff::default();
    for p in align(&sa, &sb) {
        let mut g = compare_items(p.a.map(|i| &a[i]), p.b.map(|j| &b[j]), pages, &mut out);
        g.moved = p.moved;
        out.groups.push(g);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::markdown::text::TextBlock;

    fn items(list: &[&str]) -> Vec<TextSection> {
        vec![TextSection {
            id: None,
            title: String::new(),
            level: 0,
            blocks: list
                .iter()
                .enumerate()
                .map(|(k, t)| TextBlock {
                    id: Some(format!("item-{}", k + 1)),
                    text: t.to_string(),
                })
                .collect(),
        }]
    }

    #[test]
    fn items_are_kept_reworded_moved_added_and_removed() {
        let a = items(&[
            "遵守国家法律、法规和认可机构的要求，履行法律义务；",
            "坚持公开、公平、自愿的无歧视服务原则；",
            "维护客户的权利，保护客户的所有权和专利权不受侵犯；",
            "不接受有违公正性的投资赞助和代理。",
        ]);
        let b = items(&[
            "坚持公开、公平、自愿的无歧视服务原则；",
            "遵守国家法律、法规和认可机构的要求，履行法律义务；",
            "维护客户的合法权利，保护客户的所有权和专利权不受侵犯；",
            "对检验检测数据和结果负责。",
        ]);
        let text = |s: &[TextSection]| -> Vec<String> { s.iter().map(TextSection::text).collect() };
        let d = compare(
            &a,
            &text(&a),
            &b,
            &text(&b),
            Pages {
                a: "/s/2019/",
                b: "/s/2021/",
            },
        );
        assert_eq!(d.groups.len(), 1);
        let rows: Vec<(&str, bool, Option<usize>, Option<usize>)> = d.groups[0]
            .items
            .iter()
            .map(|i| (i.status, i.moved, i.number_a, i.number_b))
            .collect();
        assert_eq!(
            rows,
            [
                ("same", true, Some(2), Some(1)),
                ("same", false, Some(1), Some(2)),
                ("changed", false, Some(3), Some(3)),
                ("removed", false, Some(4), None),
                ("added", false, None, Some(4)),
            ]
        );
        let changed = &d.groups[0].items[2];
        assert!(
            changed.html.contains("<del>权利</del><ins>合法权利</ins>"),
            "{}",
            changed.html
        );
        assert_eq!(changed.url_b.as_deref(), Some("/s/2021/#item-3"));
        assert_eq!(
            (
                d.counts.same,
                d.counts.changed,
                d.counts.added,
                d.counts.removed,
                d.counts.moved
            ),
            (2, 1, 1, 1, 1)
        );
    }
}
