//! The site's fixed pages and files: the 404 page, the site map (HTML and XML), alias
//! redirects, the open data and its page, the Atom feed and robots.txt.
//!
//! All but one are made from the site's metadata (front matter, sections, config,
//! theme), never from a document's body, so they are reused from the previous build when
//! its metadata did not change: at 12,000 reports they took 3.4 s of a build after
//! editing one report's text (the site map page alone is 2 MB before minifying). The
//! exception, `data/documents.json`, gives each source's digest.

use std::path::PathBuf;

use tera::Context;

use super::cache::{BuildCache, Key};
use super::render::page_context;
use super::{BuildError, LoadedSite};
use crate::derive::aliases;
use crate::derive::feeds;
use crate::derive::listings;
use crate::output::{Sink, minify};
use crate::record::opendata;
use crate::theme::context::{SiteCtx, YearGroup};

/// The open-data list of every source file with its digest: rewritten by every build
/// after a text edit.
pub const DOCUMENTS_JSON: &str = "data/documents.json";

/// Where fixed files go: into `sink`, each under `key` in the build cache, or taken
/// from the previous build when it made the file under the same key.
pub struct Out<'a> {
    sink: &'a dyn Sink,
    cache: &'a BuildCache,
    key: Key,
}

impl<'a> Out<'a> {
    pub fn new(sink: &'a dyn Sink, cache: &'a BuildCache, key: Key) -> Out<'a> {
        Out { sink, cache, key }
    }

    /// Publishes `rel` unchanged from the previous build if it may; whether it did.
    fn reuse(&self, rel: &str) -> std::io::Result<bool> {
        self.cache.reuse(rel, &self.key, self.sink)
    }

    fn write(&self, rel: &str, bytes: &[u8]) -> std::io::Result<()> {
        self.cache.keyed(self.sink, &self.key).write(rel, bytes)
    }

    /// The previous build's `rel`, if it can be read.
    fn previous(&self, rel: &str) -> Option<Vec<u8>> {
        self.cache.read_previous(rel)
    }
}

/// What the fixed pages are made from, besides the loaded site.
pub struct Fixed<'a> {
    pub site: &'a LoadedSite,
    pub site_ctx: &'a SiteCtx,
    pub base: &'a Context,
    /// The years that have a page, newest first.
    pub years: &'a [i32],
    /// The home page's years, with their documents: made on first call, only if a page
    /// that lists them is made.
    pub year_groups: &'a (dyn Fn() -> &'a [YearGroup] + Sync),
    /// URLs of the comparison pages.
    pub compared: &'a [String],
    /// URL of the redirect script, for alias pages.
    pub redirect_js: &'a str,
}

impl Fixed<'_> {
    /// Writes every fixed file that cannot be reused; `make` runs only for those.
    /// `metadata` takes the files made from the site's metadata, `sources` those made
    /// from every source file.
    pub fn write_all(&self, metadata: &Out, sources: &Out) -> Result<(), BuildError> {
        let put_in = |out: &Out, rel: &str, make: &dyn Fn() -> Result<Vec<u8>, BuildError>| {
            let io = |source| BuildError::Io {
                path: PathBuf::from(rel),
                source,
            };
            if !out.reuse(rel).map_err(io)? {
                out.write(rel, &make()?).map_err(io)?;
            }
            Ok::<(), BuildError>(())
        };
        let put = |rel: &str, make: &dyn Fn() -> Result<Vec<u8>, BuildError>| put_in(metadata, rel, make);
        let (site, tree, site_ctx) = (self.site, &self.site.tree, self.site_ctx);
        let base_path = &site_ctx.base_path;
        let page = |template: &str, path: &str, fill: &dyn Fn(&mut Context)| -> Result<Vec<u8>, BuildError> {
            let mut ctx = page_context(self.base, &format!("{base_path}{path}"));
            fill(&mut ctx);
            Ok(minify::html(&site.theme.render(template, &ctx, None)?))
        };

        put("404.html", &|| page("404.html", "404.html", &|_| {}))?;
        put("sitemap/index.html", &|| {
            page("sitemap.html", "sitemap/", &|ctx| {
                ctx.insert("tree", &listings::sitemap_tree(tree, site_ctx));
                ctx.insert("years", (self.year_groups)());
            })
        })?;

        // Redirects for aliases.
        for d in &tree.documents {
            for a in &d.aliases {
                let rel = aliases::alias_output_path(a).expect("validated in plan");
                put(&rel, &|| {
                    let target = format!("{base_path}{}", d.url_path);
                    Ok(aliases::redirect_html(&target, self.redirect_js, &d.title).into_bytes())
                })?;
            }
        }

        // Open data and the page that explains it.
        let rows = std::cell::OnceCell::new();
        let rows = || rows.get_or_init(|| opendata::metric_rows(tree, site_ctx));
        put("data/metrics.json", &|| Ok(opendata::metrics_json(rows())))?;
        put("data/metrics.csv", &|| Ok(opendata::metrics_csv(rows(), tree)))?;
        self.write_sources(sources, None)?;
        put("data/index.html", &|| {
            page("data.html", "data/", &|ctx| {
                ctx.insert("rows", rows());
                ctx.insert("columns", &opendata::CSV_COLUMNS);
                ctx.insert("document_count", &tree.documents.len());
            })
        })?;

        // Feeds and site maps.
        put("sitemap.xml", &|| {
            Ok(feeds::sitemap_xml(&self.sitemap_entries()).into_bytes())
        })?;
        let publisher = site.config.publisher.as_ref().map(|p| p.name.as_str());
        put("atom.xml", &|| {
            Ok(feeds::atom_xml(tree, &site.config.title, &site_ctx.base_url, publisher).into_bytes())
        })?;
        put("robots.txt", &|| Ok(feeds::robots_txt(&site_ctx.base_url).into_bytes()))
    }

    /// Writes the fixed files made from every source file (`data/documents.json`, which
    /// gives each one's digest) into `sources`, unless it can be reused. `changed`: when
    /// only some documents' text changed since the previous build (a delta), their
    /// indexes and previous digests; the file is then the previous one with those
    /// digests replaced.
    pub fn write_sources(&self, sources: &Out, changed: Option<&[(usize, String)]>) -> Result<(), BuildError> {
        let rel = DOCUMENTS_JSON;
        let io = |source| BuildError::Io {
            path: PathBuf::from(rel),
            source,
        };
        if sources.reuse(rel).map_err(io)? {
            return Ok(());
        }
        let tree = &self.site.tree;
        let patched = changed.and_then(|was| {
            let digests: Vec<(usize, &str, &str)> = was
                .iter()
                .map(|(i, old)| (*i, old.as_str(), tree.documents[*i].digest.as_str()))
                .collect();
            opendata::documents_json_with_digests(&sources.previous(rel)?, tree.documents.len(), &digests)
        });
        let bytes = patched.unwrap_or_else(|| opendata::documents_json(tree, self.site_ctx));
        sources.write(rel, &bytes).map_err(io)
    }

    /// Every page of the site, for `sitemap.xml`.
    fn sitemap_entries(&self) -> Vec<feeds::SitemapEntry> {
        let (tree, base_url) = (&self.site.tree, &self.site_ctx.base_url);
        let entry = |path: &str, lastmod: Option<String>| feeds::SitemapEntry {
            loc: format!("{base_url}{path}"),
            lastmod,
        };
        let mut entries: Vec<feeds::SitemapEntry> = tree.sections.values().map(|s| entry(&s.url_path, None)).collect();
        entries.extend(tree.documents.iter().map(|d| entry(&d.url_path, d.date_string())));
        entries.extend(
            self.years
                .iter()
                .map(|&year| entry(&listings::year_page_path(year), None)),
        );
        entries.extend(["sitemap/", "data/", "search/"].iter().map(|p| entry(p, None)));
        entries.extend(self.compared.iter().map(|u| entry(u, None)));
        entries.sort_by(|a, b| a.loc.cmp(&b.loc));
        entries
    }
}
