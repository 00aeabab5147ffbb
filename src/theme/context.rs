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
}

impl SectionCtx {
    pub fn new(section: &Section, rendered: &Rendered, tree: &ContentTree, site: &SiteCtx) -> SectionCtx {
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
        }
    }
}

/// Documents of one year, for the home page's "every year" list.
#[derive(Debug, Clone, Serialize)]
pub struct YearGroup {
    pub year: i32,
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
    pub pages: Vec<DocRef>,
    pub children: Vec<SitemapNode>,
}
