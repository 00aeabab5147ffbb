//! Which documents are compared, and where the comparisons live.
//!
//! A *series* is the documents of one comparable kind (report, impartiality,
//! commitment) in one section, oldest first: reports by year, statements by
//! effective date (the order `derive::listings` uses for previous/next, so the links
//! agree). A series of two or more gets `/SECTION/compare/A-B/` for every pair while
//! it has at most `compare_all_pairs_max` versions (section or site `extra`, default
//! 6); a longer one gets each consecutive pair and each older version against the
//! newest (what changed since then), so the count grows with the years, not with
//! their square: twelve years of reports are 21 pages, not 66. Then a picker at
//! `/SECTION/compare/`, and, for
//! reports, `/SECTION/trends/`. When one section holds two comparable series, the
//! one of the section's own kind keeps these paths and the other gets
//! `/SECTION/compare/KIND/…`, so that nothing is written twice.
//!
//! This module is cheap (no text is read): page and section contexts use it for
//! their links before any comparison is computed.

use std::collections::BTreeMap;

use rayon::prelude::*;

use crate::content::{ContentTree, Document, Kind, Section};
use crate::theme::context::{PageCtx, SiteCtx};

/// Default for `compare_all_pairs_max`: up to 15 pages per series.
pub const ALL_PAIRS_MAX: usize = 6;
/// The `extra` key (section, else site) that overrides [`ALL_PAIRS_MAX`].
pub const ALL_PAIRS_KEY: &str = "compare_all_pairs_max";

const KINDS: [Kind; 3] = [Kind::Report, Kind::Impartiality, Kind::Commitment];

/// One comparable series.
#[derive(Debug, Clone)]
pub struct Series<'a> {
    pub section: &'a Section,
    pub kind: Kind,
    /// Indexes into `ContentTree::documents`, oldest first.
    pub docs: Vec<usize>,
    /// URL key of each document, parallel to `docs` (`2017`, or `20190601` when two
    /// statements take effect in the same year).
    pub keys: Vec<String>,
    /// Folder of the comparisons relative to the site root (`reports/compare/`).
    pub compare_path: String,
    /// Folder of the trends page (reports only).
    pub trends_path: Option<String>,
}

impl Series<'_> {
    /// URL path (relative to the site root) of the comparison of positions `i < j`.
    pub fn pair_path(&self, i: usize, j: usize) -> String {
        format!("{}{}-{}/", self.compare_path, self.keys[i], self.keys[j])
    }

    /// Whether every pair is generated, not only consecutive ones.
    pub fn all_pairs(&self, site_extra: &BTreeMap<String, yaml_serde::Value>) -> bool {
        let max = [&self.section.extra, site_extra]
            .into_iter()
            .find_map(|e| e.get(ALL_PAIRS_KEY).and_then(yaml_serde::Value::as_u64))
            .map_or(ALL_PAIRS_MAX, |m| m as usize);
        self.docs.len() <= max
    }

    /// The pairs (positions, older first) to generate, in a stable order: every pair,
    /// or for a long series the consecutive ones and each version against the newest.
    pub fn pairs(&self, site_extra: &BTreeMap<String, yaml_serde::Value>) -> Vec<(usize, usize)> {
        let n = self.docs.len();
        if self.all_pairs(site_extra) {
            (0..n).flat_map(|i| (i + 1..n).map(move |j| (i, j))).collect()
        } else {
            let mut pairs: Vec<(usize, usize)> = (1..n).map(|j| (j - 1, j)).collect();
            pairs.extend((0..n.saturating_sub(2)).map(|i| (i, n - 1)));
            pairs.sort_unstable();
            pairs
        }
    }
}

fn sort_key(d: &Document) -> (Option<i32>, Option<crate::content::dates::PartialDate>, &str) {
    (d.sort_year(), d.effective, &d.url_path)
}

/// URL keys: the year, unless two documents share it (statements re-issued within a
/// year), then the effective date without dashes.
fn keys(docs: &[&Document]) -> Vec<String> {
    let years: Vec<Option<i32>> = docs.iter().map(|d| d.sort_year()).collect();
    docs.iter()
        .zip(&years)
        .map(|(d, y)| match y {
            Some(y) if years.iter().filter(|x| **x == Some(*y)).count() == 1 => y.to_string(),
            _ => match d.effective {
                Some(e) => e.to_string().replace('-', ""),
                None => d
                    .url_path
                    .trim_end_matches('/')
                    .rsplit('/')
                    .next()
                    .unwrap_or_default()
                    .to_string(),
            },
        })
        .collect()
}

/// The series of one section.
fn section_series<'a>(tree: &'a ContentTree, s: &'a Section) -> Vec<Series<'a>> {
    let mut found: Vec<(Kind, Vec<usize>)> = Vec::new();
    for kind in KINDS {
        let mut docs: Vec<usize> = s
            .pages
            .iter()
            .copied()
            .filter(|&i| tree.documents[i].kind == kind)
            .collect();
        docs.sort_by(|&a, &b| sort_key(&tree.documents[a]).cmp(&sort_key(&tree.documents[b])));
        if docs.len() >= 2 {
            found.push((kind, docs));
        }
    }
    let several = found.len() > 1;
    found
        .into_iter()
        .map(|(kind, docs)| {
            let sub = if several && s.kind != Some(kind) {
                format!("{}/", kind.name())
            } else {
                String::new()
            };
            let refs: Vec<&Document> = docs.iter().map(|&i| &*tree.documents[i]).collect();
            Series {
                section: s,
                kind,
                keys: keys(&refs),
                compare_path: format!("{}compare/{sub}", s.url_path),
                trends_path: (kind == Kind::Report).then(|| format!("{}trends/{sub}", s.url_path)),
                docs,
            }
        })
        .collect()
}

/// Every series of the site, by section key then kind.
pub fn all(tree: &ContentTree) -> Vec<Series<'_>> {
    let sections: Vec<&Section> = tree.sections.values().collect();
    let found: Vec<Vec<Series>> = sections.par_iter().map(|s| section_series(tree, s)).collect();
    found.into_iter().flatten().collect()
}

/// The series documents `docs` (indexes, each in one) are in, by section key then kind.
pub fn of_documents<'a>(tree: &'a ContentTree, docs: &[usize]) -> Vec<Series<'a>> {
    let sections: std::collections::BTreeSet<&str> = docs.iter().map(|&i| tree.documents[i].section.as_str()).collect();
    sections
        .into_iter()
        .filter_map(|key| tree.section(key))
        .flat_map(|s| section_series(tree, s))
        .filter(|x| x.docs.iter().any(|d| docs.contains(d)))
        .collect()
}

/// Fills a document page's links: comparisons with the previous and next version,
/// the section's picker and trends, and the comparison of each version in
/// `history` (newest first) with the one before it.
pub fn link_page(page: &mut PageCtx, tree: &ContentTree, index: usize, site: &SiteCtx) {
    let doc = &tree.documents[index];
    let Some(s) = tree.section(&doc.section) else {
        return;
    };
    let Some(series) = section_series(tree, s).into_iter().find(|x| x.docs.contains(&index)) else {
        return;
    };
    let url = |path: String| format!("{}{}", site.base_path, path);
    let pos = series.docs.iter().position(|&i| i == index).expect("in series");
    let n = series.docs.len();
    page.compare_previous = (pos > 0).then(|| url(series.pair_path(pos - 1, pos)));
    page.compare_next = (pos + 1 < n).then(|| url(series.pair_path(pos, pos + 1)));
    page.compare_index = Some(url(series.compare_path.clone()));
    page.trends = series.trends_path.clone().map(url);
    if page.history.len() == n {
        page.history_compare = (0..n)
            .rev()
            .map(|q| (q > 0).then(|| url(series.pair_path(q - 1, q))))
            .collect();
    }
}

/// The section's picker and trends URLs (with base path), for its own kind's series
/// (else its first), when it has one.
pub fn section_links(section: &Section, tree: &ContentTree, site: &SiteCtx) -> (Option<String>, Option<String>) {
    let series = section_series(tree, section);
    let main = series.iter().find(|x| Some(x.kind) == section.kind).or(series.first());
    match main {
        Some(x) => (
            Some(format!("{}{}", site.base_path, x.compare_path)),
            x.trends_path.as_ref().map(|t| format!("{}{t}", site.base_path)),
        ),
        None => (None, None),
    }
}
