//! Listings: the home page's selections, the pages of each year's documents,
//! previous/next years, statement histories and the HTML site map tree.

use std::collections::BTreeMap;

use crate::content::{ContentTree, Document, Kind};
use crate::theme::context::{DocRef, HomeCtx, SiteCtx, SitemapNode, YearGroup};

/// Indexes of documents of the same kind in the same section, oldest first.
fn series(tree: &ContentTree, doc: &Document) -> Vec<usize> {
    let mut v: Vec<usize> = tree
        .section(&doc.section)
        .map(|s| s.pages.clone())
        .unwrap_or_default()
        .into_iter()
        .filter(|&i| tree.documents[i].kind == doc.kind)
        .collect();
    v.sort_by_key(|&i| {
        (
            tree.documents[i].sort_year(),
            tree.documents[i].effective,
            tree.documents[i].url_path.clone(),
        )
    });
    v
}

/// Previous and next document of a dated series (reports by year, statements by
/// effective date); none for plain pages.
pub fn neighbours(tree: &ContentTree, index: usize, site: &SiteCtx) -> (Option<DocRef>, Option<DocRef>) {
    let doc = &tree.documents[index];
    if doc.kind == Kind::Page {
        return (None, None);
    }
    let s = series(tree, doc);
    let pos = s.iter().position(|&i| i == index);
    let prev = pos
        .and_then(|p| p.checked_sub(1))
        .map(|p| DocRef::new(&tree.documents[s[p]], site));
    let next = pos
        .and_then(|p| s.get(p + 1))
        .map(|&i| DocRef::new(&tree.documents[i], site));
    (prev, next)
}

/// Every version of a statement or commitment, newest first.
pub fn history(tree: &ContentTree, index: usize, site: &SiteCtx) -> Vec<DocRef> {
    let doc = &tree.documents[index];
    if !doc.kind.is_statement() {
        return Vec::new();
    }
    series(tree, doc)
        .into_iter()
        .rev()
        .map(|i| DocRef::new(&tree.documents[i], site))
        .collect()
}

/// The newest document of `kind` in each section, by year.
fn current_of_kind(tree: &ContentTree, kind: Kind, site: &SiteCtx) -> Vec<DocRef> {
    tree.sections
        .values()
        .filter_map(|s| {
            s.pages
                .iter()
                .map(|&i| &tree.documents[i])
                .filter(|d| d.kind == kind)
                .max_by_key(|d| (d.sort_year(), d.effective, d.url_path.clone()))
        })
        .map(|d| DocRef::new(d, site))
        .collect()
}

/// The year a document is listed under on the home page and on its year's page: that of
/// every report and statement, not of plain pages.
pub fn listed_year(doc: &Document) -> Option<i32> {
    if doc.kind == Kind::Page { None } else { doc.sort_year() }
}

/// Where the page of one year's documents is written, relative to the output.
/// The years that have a page (every year a document is listed under), oldest first.
pub fn listed_years(tree: &ContentTree) -> std::collections::BTreeSet<i32> {
    tree.documents.iter().filter_map(|d| listed_year(d)).collect()
}

pub fn year_page_path(year: i32) -> String {
    format!("years/{year}/")
}

pub fn home(tree: &ContentTree, site: &SiteCtx) -> HomeCtx {
    let mut reports: Vec<&Document> = tree.documents_of(Kind::Report).collect();
    reports.sort_by(|a, b| b.year.cmp(&a.year).then_with(|| a.url_path.cmp(&b.url_path)));
    let mut by_year: BTreeMap<i32, Vec<DocRef>> = BTreeMap::new();
    for d in &tree.documents {
        if let Some(y) = listed_year(d) {
            by_year.entry(y).or_default().push(DocRef::new(d, site));
        }
    }
    let mut publishers: Vec<crate::config::Publisher> = site.publisher.iter().cloned().collect();
    let mut dated: Vec<&Document> = tree
        .documents
        .iter()
        .map(|d| &**d)
        .filter(|d| d.publisher.is_some())
        .collect();
    dated.sort_by(|a, b| {
        b.sort_year()
            .cmp(&a.sort_year())
            .then_with(|| a.url_path.cmp(&b.url_path))
    });
    for p in dated.into_iter().filter_map(|d| d.publisher.as_ref()) {
        if !publishers.iter().any(|q| q.name == p.name) {
            publishers.push(p.clone());
        }
    }
    HomeCtx {
        publishers,
        latest_report: reports.first().map(|d| DocRef::new(d, site)),
        reports: reports.iter().map(|d| DocRef::new(d, site)).collect(),
        statements: current_of_kind(tree, Kind::Impartiality, site),
        commitments: current_of_kind(tree, Kind::Commitment, site),
        years: by_year
            .into_iter()
            .rev()
            .map(|(year, documents)| YearGroup {
                year,
                url: format!("{}{}", site.base_path, year_page_path(year)),
                documents,
            })
            .collect(),
    }
}

/// The section tree with its pages, from the root section down.
pub fn sitemap_tree(tree: &ContentTree, site: &SiteCtx) -> Vec<SitemapNode> {
    fn node(tree: &ContentTree, key: &str, site: &SiteCtx) -> Option<SitemapNode> {
        let s = tree.section(key)?;
        let (compare, trends) = crate::compare::section_links(s, tree, site);
        Some(SitemapNode {
            title: s.title.clone(),
            url: format!("{}{}", site.base_path, s.url_path),
            compare,
            trends,
            pages: s.pages.iter().map(|&i| DocRef::new(&tree.documents[i], site)).collect(),
            children: s.subsections.iter().filter_map(|k| node(tree, k, site)).collect(),
        })
    }
    node(tree, "", site).into_iter().collect()
}

/// Top-level sections, for the main navigation.
pub fn nav(tree: &ContentTree, site: &SiteCtx) -> Vec<crate::theme::context::SectionRef> {
    tree.section("")
        .map(|root| {
            root.subsections
                .iter()
                .filter_map(|k| tree.section(k))
                .map(|s| crate::theme::context::SectionRef::new(s, site))
                .collect()
        })
        .unwrap_or_default()
}
