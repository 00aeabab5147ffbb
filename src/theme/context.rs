//! What templates see. Every struct here is documented in the README's template
//! reference; change both together.

use std::collections::BTreeMap;

use serde::Serialize;

use crate::config::{Publisher, SiteConfig};
use crate::content::metrics::Metric;
use crate::content::{ContentTree, Document, Kind, Section};
use crate::markdown::{Heading, Item, Rendered, TocEntry};

/// `site`: the configuration, for every template.
#[derive(Debug, Clone, Serialize)]
pub struct SiteCtx {
    pub title: String,
    pub base_url: String,
    pub base_path: String,
    pub language: String,
    pub description: Option<String>,
    pub publisher: Option<Publisher>,
    pub csp_meta: bool,
    pub extra: BTreeMap<String, yaml_serde::Value>,
}

impl SiteCtx {
    pub fn new(config: &SiteConfig) -> SiteCtx {
        SiteCtx {
            title: config.title.clone(),
            base_url: config.base_url.clone(),
            base_path: config.base_path(),
            language: config.language.clone(),
            description: config.description.clone(),
            publisher: config.publisher.clone(),
            csp_meta: config.csp_meta,
            extra: config.extra.clone(),
        }
    }
}

/// A link to a document, as listings show it.
#[derive(Debug, Clone, Serialize)]
pub struct DocRef {
    pub title: String,
    /// Root-relative URL including the base path (`/csr/reports/2018/`).
    pub url: String,
    pub permalink: String,
    pub kind: Kind,
    pub kind_label: &'static str,
    pub section: String,
    pub year: Option<i32>,
    pub date: Option<String>,
    pub effective: Option<String>,
    /// The document's own publisher, else the site's; `None` when neither names one.
    pub publisher: Option<Publisher>,
    /// True when the publisher comes from the document itself.
    pub own_publisher: bool,
    pub summary: Option<String>,
}

impl DocRef {
    pub fn new(doc: &Document, site: &SiteCtx) -> DocRef {
        DocRef {
            title: doc.title.clone(),
            url: format!("{}{}", site.base_path, doc.url_path),
            permalink: format!("{}{}", site.base_url, doc.url_path),
            kind: doc.kind,
            kind_label: doc.kind.label(),
            section: doc.section.clone(),
            year: doc.sort_year(),
            date: doc.date_string(),
            effective: doc.effective.map(|e| e.to_string()),
            publisher: doc.publisher.clone().or_else(|| site.publisher.clone()),
            own_publisher: doc.publisher.is_some(),
            summary: doc.summary.clone(),
        }
    }
}

/// `page`: the document being rendered (report, impartiality, commitment, page).
#[derive(Debug, Clone, Serialize)]
pub struct PageCtx {
    #[serde(flatten)]
    pub doc: DocRef,
    pub content: String,
    pub toc: Vec<TocEntry>,
    pub headings: Vec<Heading>,
    pub items: Vec<Item>,
    pub metrics: Vec<Metric>,
    pub extra: BTreeMap<String, yaml_serde::Value>,
    /// Path of the Markdown source relative to the site root.
    pub source_path: String,
    /// SHA-256 of the source file.
    pub digest: String,
    /// Previous and next document of the same kind in the section, by year.
    pub previous: Option<DocRef>,
    pub next: Option<DocRef>,
    /// Other versions of a statement, newest first (the page itself included).
    pub history: Vec<DocRef>,
    /// Comparison pages (URLs with base path) of this document with the previous and
    /// the next version, the section's comparison picker and (reports) its trends
    /// page; set by `compare::link_page`.
    pub compare_previous: Option<String>,
    pub compare_next: Option<String>,
    pub compare_index: Option<String>,
    pub trends: Option<String>,
    /// For each entry of `history`: its comparison with the version before it.
    pub history_compare: Vec<Option<String>>,
    /// The "引用本页" block of reports, statements and commitments.
    pub cite: Option<CiteCtx>,
    /// Corrections since publication, oldest first.
    pub revisions: Vec<RevisionCtx>,
    /// Set on the page of a superseded text (`/reports/2018/v1/`).
    pub version: Option<VersionCtx>,
}

/// One correction, with the text it replaced.
#[derive(Debug, Clone, Serialize)]
pub struct RevisionCtx {
    pub number: usize,
    pub date: String,
    pub note: String,
    /// The text before this correction (`/reports/2018/v1/`).
    pub previous_url: String,
    /// The comparison of that text with the one after the correction.
    pub compare_url: Option<String>,
}

/// A superseded text: which version, and where the current text is.
#[derive(Debug, Clone, Serialize)]
pub struct VersionCtx {
    pub number: u32,
    pub current_url: String,
    pub current_title: String,
    /// The correction that replaced this text.
    pub superseded_on: String,
    pub note: String,
}

/// How to cite a page: its permanent URL and a QR code of it (inline SVG).
#[derive(Debug, Clone, Serialize)]
pub struct CiteCtx {
    pub url: String,
    pub qr_svg: Option<String>,
}

impl PageCtx {
    pub fn new(
        doc: &Document,
        rendered: &Rendered,
        site: &SiteCtx,
        previous: Option<DocRef>,
        next: Option<DocRef>,
        history: Vec<DocRef>,
    ) -> PageCtx {
        PageCtx {
            doc: DocRef::new(doc, site),
            content: rendered.html.clone(),
            toc: rendered.toc.clone(),
            headings: rendered.headings.clone(),
            items: rendered.items.clone(),
            metrics: doc.metrics.clone(),
            extra: doc.extra.clone(),
            source_path: doc.file.to_string_lossy().replace('\\', "/"),
            digest: doc.digest.clone(),
            previous,
            next,
            history,
            compare_previous: None,
            compare_next: None,
            compare_index: None,
            trends: None,
            history_compare: Vec::new(),
            cite: (doc.kind != Kind::Page).then(|| {
                let url = format!("{}{}", site.base_url, doc.url_path);
                CiteCtx {
                    qr_svg: crate::record::cite::qr_svg(&url),
                    url,
                }
            }),
            revisions: doc
                .revisions
                .iter()
                .enumerate()
                .map(|(i, r)| RevisionCtx {
                    number: i + 1,
                    date: crate::content::dates::format_date(r.date),
                    note: r.note.clone(),
                    previous_url: format!("{}{}v{}/", site.base_path, doc.url_path, i + 1),
                    compare_url: Some(format!("{}{}revisions/{}/", site.base_path, doc.url_path, i + 1)),
                })
                .collect(),
            version: None,
        }
    }
}

/// A subsection in a listing.
#[derive(Debug, Clone, Serialize)]
pub struct SectionRef {
    pub title: String,
    pub url: String,
    pub kind: Option<Kind>,
    pub page_count: usize,
}

impl SectionRef {
    pub fn new(s: &Section, site: &SiteCtx) -> SectionRef {
        SectionRef {
            title: s.title.clone(),
            url: format!("{}{}", site.base_path, s.url_path),
            kind: s.kind,
            page_count: s.pages.len(),
        }
    }
}

/// `section`: a folder's listing page.
#[derive(Debug, Clone, Serialize)]
pub struct SectionCtx {
    pub title: String,
    pub url: String,
    pub permalink: String,
    pub kind: Option<Kind>,
    pub kind_label: Option<&'static str>,
    pub description: Option<String>,
    pub content: String,
    pub pages: Vec<DocRef>,
    pub subsections: Vec<SectionRef>,
    pub extra: BTreeMap<String, yaml_serde::Value>,
    /// The section's comparison picker and trends page (URLs with base path), when
    /// it has a series of two or more reports or statements.
    pub compare: Option<String>,
    pub trends: Option<String>,
}

impl SectionCtx {
    pub fn new(section: &Section, rendered: &Rendered, tree: &ContentTree, site: &SiteCtx) -> SectionCtx {
        let (compare, trends) = crate::compare::section_links(section, tree, site);
        SectionCtx {
            title: section.title.clone(),
            url: format!("{}{}", site.base_path, section.url_path),
            permalink: format!("{}{}", site.base_url, section.url_path),
            kind: section.kind,
            kind_label: section.kind.map(Kind::label),
            description: section.description.clone(),
            content: rendered.html.clone(),
            pages: section
                .pages
                .iter()
                .map(|&i| DocRef::new(&tree.documents[i], site))
                .collect(),
            subsections: section
                .subsections
                .iter()
                .filter_map(|k| tree.section(k))
                .map(|s| SectionRef::new(s, site))
                .collect(),
            extra: section.extra.clone(),
            compare,
            trends,
        }
    }
}

/// Documents of one year: a group of the home page's list and the year's own page.
#[derive(Debug, Clone, Serialize)]
pub struct YearGroup {
    pub year: i32,
    /// The year's page, which lists every document of the year (`/csr/years/2018/`).
    pub url: String,
    pub documents: Vec<DocRef>,
}

/// The home page's extra context.
#[derive(Debug, Clone, Serialize)]
pub struct HomeCtx {
    /// The publishers the documents name (or the site's), most recent first.
    pub publishers: Vec<Publisher>,
    pub latest_report: Option<DocRef>,
    pub reports: Vec<DocRef>,
    /// The current (latest effective) impartiality statement of each section.
    pub statements: Vec<DocRef>,
    /// The current commitments of each section.
    pub commitments: Vec<DocRef>,
    pub years: Vec<YearGroup>,
}

/// One node of the HTML site map.
#[derive(Debug, Clone, Serialize)]
pub struct SitemapNode {
    pub title: String,
    pub url: String,
    /// The section's comparison picker and trends page, if it has them.
    pub compare: Option<String>,
    pub trends: Option<String>,
    pub pages: Vec<DocRef>,
    pub children: Vec<SitemapNode>,
}
