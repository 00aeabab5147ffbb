//! Writing the comparison pages: `/SECTION/compare/A-B/` for each pair,
//! `/SECTION/compare/` (the picker) and `/SECTION/trends/` for reports.
//!
//! Pairs are compared in parallel and written as they finish; everything shown is
//! built from sorted inputs, so the bytes do not depend on the thread count.

use std::borrow::Cow;
use std::collections::HashMap;
use std::path::{Path, PathBuf};

use rayon::prelude::*;
use serde::Serialize;
use tera::Context;

use super::chart::{self, Point};
use super::comparison::{self, PairLink};
use super::format::{grouped, pct};
use super::metrics;
use super::prepared::SeriesTexts;
use super::series::{self, Series};
use crate::build::{BuildCache, DocTexts, Keys, LoadedSite};
use crate::content::{ContentTree, Document, Kind};
use crate::derive::aliases::alias_output_path;
use crate::diagnostics::{Diagnostic, Diagnostics};
use crate::output::{Sink, minify};
use crate::theme::context::{DocRef, SiteCtx};

/// What the comparison step produced.
#[derive(Debug, Default)]
pub struct Output {
    /// Pages written.
    pub pages: usize,
    /// Their URL paths relative to the site root (`reports/compare/2017-2018/`),
    /// sorted, for sitemap.xml.
    pub urls: Vec<String>,
    /// Stated changes the figures contradict.
    pub warnings: Vec<Diagnostic>,
}

/// The section a comparison page belongs to, for breadcrumbs.
#[derive(Debug, Clone, Serialize)]
pub struct SectionLink {
    pub title: String,
    pub url: String,
    pub kind_label: &'static str,
}

/// One version in the picker.
#[derive(Debug, Clone, Serialize)]
pub struct Version {
    pub key: String,
    pub name: String,
    pub doc: DocRef,
}

/// The picker's pairs that start at one version.
#[derive(Debug, Clone, Serialize)]
pub struct PickerGroup {
    pub from: Version,
    pub pairs: Vec<PairLink>,
}

/// `compare_index.html`'s `picker`.
#[derive(Debug, Clone, Serialize)]
pub struct PickerCtx {
    pub title: String,
    pub url: String,
    pub permalink: String,
    pub kind_label: &'static str,
    /// Oldest first.
    pub versions: Vec<Version>,
    pub groups: Vec<PickerGroup>,
    /// Whether every pair exists (else only consecutive ones).
    pub all_pairs: bool,
    pub trends_url: Option<String>,
}

/// One year of a metric in the trends table.
#[derive(Debug, Clone, Serialize)]
pub struct TrendRow {
    pub year: i32,
    pub value: Option<String>,
    /// Set when the value is implied by the next report's stated change.
    pub derived: bool,
    /// Change from the year before, computed, when both are reported.
    pub change_pct: Option<String>,
    /// The change the report states.
    pub stated: Option<String>,
    pub contradicts: bool,
}

/// One metric of the trends page.
#[derive(Debug, Clone, Serialize)]
pub struct TrendMetric {
    pub key: String,
    pub id: String,
    pub label: String,
    pub unit: String,
    pub chart: String,
    pub rows: Vec<TrendRow>,
}

/// `trends.html`'s `trends`.
#[derive(Debug, Clone, Serialize)]
pub struct TrendsCtx {
    pub title: String,
    pub url: String,
    pub permalink: String,
    /// `2017年至2018年`.
    pub period: String,
    pub reports: Vec<Version>,
    pub metrics: Vec<TrendMetric>,
    pub index_url: String,
}

fn version(s: &Series, k: usize, doc: &Document, site: &SiteCtx) -> Version {
    Version {
        key: s.keys[k].clone(),
        name: match doc.year {
            Some(y) if doc.kind == Kind::Report => format!("{y}年"),
            _ => doc.effective.map_or_else(|| s.keys[k].clone(), |e| e.to_string()),
        },
        doc: DocRef::new(doc, site),
    }
}

fn section_link(s: &Series, site: &SiteCtx) -> SectionLink {
    SectionLink {
        title: s.section.title.clone(),
        url: format!("{}{}", site.base_path, s.section.url_path),
        kind_label: s.kind.label(),
    }
}

fn picker(s: &Series, site: &SiteCtx, docs: &[&Document], all_pairs: bool, pairs: &[(usize, usize)]) -> PickerCtx {
    let versions: Vec<Version> = docs.iter().enumerate().map(|(k, d)| version(s, k, d, site)).collect();
    let groups = (0..docs.len())
        .filter_map(|i| {
            let links: Vec<PairLink> = pairs
                .iter()
                .filter(|p| p.0 == i)
                .map(|&(x, y)| PairLink {
                    url: format!("{}{}", site.base_path, s.pair_path(x, y)),
                    label: format!("{} → {}", versions[x].name, versions[y].name),
                    a: s.keys[x].clone(),
                    b: s.keys[y].clone(),
                    consecutive: y == x + 1,
                })
                .collect();
            (!links.is_empty()).then(|| PickerGroup {
                from: versions[i].clone(),
                pairs: links,
            })
        })
        .collect();
    PickerCtx {
        title: format!("{}年度对比", s.kind.label()),
        url: format!("{}{}", site.base_path, s.compare_path),
        permalink: format!("{}{}", site.base_url, s.compare_path),
        kind_label: s.kind.label(),
        versions,
        groups,
        all_pairs,
        trends_url: s.trends_path.as_ref().map(|t| format!("{}{t}", site.base_path)),
    }
}

fn trends(s: &Series, site: &SiteCtx, docs: &[&Document], path: &str) -> TrendsCtx {
    let keys = metrics::all_keys(docs);
    let mut out = Vec::with_capacity(keys.len());
    for (n, (key, label, unit)) in keys.into_iter().enumerate() {
        let pts: Vec<Point> = metrics::points(docs, &key);
        let id = format!("m{}", n + 1);
        let mut rows = Vec::with_capacity(pts.len());
        for (k, p) in pts.iter().enumerate() {
            let doc = docs.iter().find(|d| d.year == Some(p.year));
            let m = doc.and_then(|d| d.metrics.iter().find(|m| m.key == key));
            let prev = k
                .checked_sub(1)
                .map(|q| &pts[q])
                .filter(|q| q.year == p.year - 1 && !q.derived && !p.derived);
            let change_pct = match (prev.and_then(|q| q.value), p.value) {
                (Some(x), Some(y)) if x != 0.0 => Some(pct((y - x) / x * 100.0)),
                _ => None,
            };
            let contradicts = match (m.and_then(|m| m.stated_change_pct), prev.and_then(|q| q.value), p.value) {
                (Some(st), Some(x), Some(y)) if x != 0.0 => {
                    ((y - x) / x * 100.0 - st).abs() > metrics::TOLERANCE_PP + 1e-9
                }
                _ => false,
            };
            rows.push(TrendRow {
                year: p.year,
                value: p.value.map(|v| {
                    if p.derived {
                        super::format::approx_cn(v)
                    } else {
                        grouped(v)
                    }
                }),
                derived: p.derived,
                change_pct,
                stated: m.and_then(|m| m.stated_change_display.clone()),
                contradicts,
            });
        }
        let known: Vec<String> = rows
            .iter()
            .filter_map(|r| {
                r.value
                    .as_ref()
                    .map(|v| format!("{}年 {v}{}", r.year, if r.derived { "（推算）" } else { "" }))
            })
            .collect();
        let desc = format!(
            "{label}（{}）：{}。无数据的年度不画点，推算值画为空心点、以虚线相连。",
            if unit.is_empty() { "无单位" } else { &unit },
            known.join("；")
        );
        let chart = chart::line_chart(&id, &format!("{label}历年变化"), &desc, &unit, &pts);
        out.push(TrendMetric {
            key,
            id,
            label,
            unit,
            chart,
            rows,
        });
    }
    TrendsCtx {
        title: format!("{}主要数据趋势", s.section.title),
        url: format!("{}{path}", site.base_path),
        permalink: format!("{}{path}", site.base_url),
        period: format!(
            "{}年至{}年",
            docs.first().and_then(|d| d.year).unwrap_or_default(),
            docs.last().and_then(|d| d.year).unwrap_or_default()
        ),
        reports: docs.iter().enumerate().map(|(k, d)| version(s, k, d, site)).collect(),
        metrics: out,
        index_url: format!("{}{}", site.base_path, s.compare_path),
    }
}

/// Folders whose `index.html` the content already claims (pages, aliases, copied
/// files) and a comparison page could claim too, with the file that claims each;
/// comparison pages are all `FOLDER/index.html`, FOLDER in a `compare/` or `trends/`
/// folder. Only such folders are kept: `serve` makes this on every rebuild, and hashing
/// all 17,000 pages' folders took it 10 ms.
fn taken(site: &LoadedSite) -> HashMap<Cow<'_, str>, Cow<'_, Path>> {
    let tree = &site.tree;
    let may_clash = |dir: &str| dir.split('/').any(|folder| folder == "compare" || folder == "trends");
    let folder = |out: String| {
        let dir = out.strip_suffix("index.html")?;
        (dir.is_empty() || dir.ends_with('/')).then(|| dir.to_string())
    };
    let mut map: HashMap<Cow<str>, Cow<Path>> = HashMap::new();
    for s in tree.sections.values().filter(|s| may_clash(&s.url_path)) {
        let file = match &s.file {
            Some(f) => Cow::Borrowed(f.as_path()),
            None => Cow::Owned(PathBuf::from(format!("content/{}", s.key))),
        };
        map.insert(Cow::Borrowed(s.url_path.as_str()), file);
    }
    for d in &tree.documents {
        if may_clash(&d.url_path) {
            map.insert(Cow::Borrowed(d.url_path.as_str()), Cow::Borrowed(d.file.as_path()));
        }
        for a in &d.aliases {
            if let Some(dir) = alias_output_path(a).ok().and_then(folder).filter(|d| may_clash(d)) {
                map.insert(Cow::Owned(dir), Cow::Borrowed(d.file.as_path()));
            }
        }
    }
    for (_, rel) in &tree.assets {
        if let Some(dir) = folder(rel.clone()).filter(|d| may_clash(d)) {
            map.insert(Cow::Owned(dir), Cow::Owned(PathBuf::from(format!("content/{rel}"))));
        }
    }
    map
}

/// One series' stated-change warnings (reports) and pages to make.
fn plan<'a>(s: &'a Series<'a>, tree: &ContentTree, site_ctx: &SiteCtx) -> (Vec<Diagnostic>, Vec<Job<'a>>) {
    let warnings = match s.kind {
        Kind::Report => {
            let docs: Vec<&Document> = s.docs.iter().map(|&i| &*tree.documents[i]).collect();
            metrics::warnings(&docs)
        }
        _ => Vec::new(),
    };
    let mut jobs: Vec<Job> = s
        .pairs(&site_ctx.extra)
        .into_iter()
        .map(|(i, j)| Job {
            path: s.pair_path(i, j),
            series: s,
            what: What::Pair(i, j),
        })
        .collect();
    jobs.push(Job {
        path: s.compare_path.clone(),
        series: s,
        what: What::Picker,
    });
    if let Some(t) = &s.trends_path {
        jobs.push(Job {
            path: t.clone(),
            series: s,
            what: What::Trends,
        });
    }
    (warnings, jobs)
}

/// One page to write: its path, template and variables.
struct Job<'a> {
    path: String,
    series: &'a Series<'a>,
    what: What,
}

enum What {
    Pair(usize, usize),
    Picker,
    Trends,
}

/// A comparison page, minified. Its section diffs (most of its bytes, already compact)
/// skip the minifier: see [`minify::html_with_fragments`].
fn render_pair(
    site: &LoadedSite,
    mut ctx: Context,
    mut compare: comparison::CompareCtx,
    file: Option<&std::path::Path>,
) -> Result<Vec<u8>, Diagnostic> {
    let mut fragments = Vec::new();
    for s in compare.sections.iter_mut().filter(|s| !s.html.is_empty()) {
        fragments.push(std::mem::replace(&mut s.html, minify::placeholder(fragments.len())));
    }
    ctx.insert("compare", &compare);
    let html = site.theme.render("compare.html", &ctx, file)?;
    if let Some(page) = minify::html_with_fragments(&html, &fragments) {
        return Ok(page);
    }
    let mut fragments = fragments.into_iter();
    for s in compare.sections.iter_mut().filter(|s| !s.html.is_empty()) {
        s.html = fragments.next().unwrap_or_default();
    }
    ctx.insert("compare", &compare);
    Ok(minify::html(&site.theme.render("compare.html", &ctx, file)?))
}

/// What writing comparison pages needs: the site, its texts, and where the pages go.
pub struct Writer<'a> {
    pub site: &'a LoadedSite,
    pub texts: &'a DocTexts<'a>,
    pub site_ctx: &'a SiteCtx,
    /// The context every page gets.
    pub base: &'a Context,
    pub sink: &'a dyn Sink,
    pub cache: &'a BuildCache,
    pub keys: &'a Keys,
}

impl Writer<'_> {
    /// Renders and writes every comparison page.
    pub fn write_all(&self) -> Result<Output, Diagnostics> {
        let (site, tree, site_ctx) = (self.site, &self.site.tree, self.site_ctx);
        let all = series::all(tree);
        // Planned series by series in parallel: at 13,000 reports there are 40,000 jobs,
        // each with its path.
        let planned: Vec<(Vec<Diagnostic>, Vec<Job>)> = all.par_iter().map(|s| plan(s, tree, site_ctx)).collect();
        let mut jobs: Vec<Job> = Vec::with_capacity(planned.iter().map(|p| p.1.len()).sum());
        let mut warnings = Vec::new();
        for (w, j) in planned {
            warnings.extend(w);
            jobs.extend(j);
        }

        let taken = taken(site);
        let clashes: Vec<Diagnostic> = jobs
            .par_iter()
            .filter_map(|j| {
                let file = taken.get(j.path.as_str())?;
                let out = format!("{}index.html", j.path);
                Some(
                    Diagnostic::error(
                        file.as_ref(),
                        format!(
                            "{} would be overwritten by the comparison page /{} (both write /{out})",
                            file.display(),
                            j.path
                        ),
                    )
                    .with_help(format!(
                        "rename the content at /{0}: gongshi writes {1} comparisons there",
                        j.path,
                        j.series.kind.label()
                    )),
                )
            })
            .collect();
        let mut diags = Diagnostics(clashes);
        if diags.has_errors() {
            return Err(diags);
        }
        diags.extend(self.run_all(&jobs));
        if diags.has_errors() {
            diags.sort();
            return Err(diags);
        }
        let pages = jobs.len();
        let mut urls: Vec<String> = jobs.into_iter().map(|j| j.path).collect();
        urls.par_sort_unstable();
        Ok(Output { pages, urls, warnings })
    }

    /// Renders and writes the comparisons of the documents `changed` (indexes into
    /// `ContentTree::documents`, ascending), in a site whose series, pages and warnings
    /// are otherwise those of the previous build ([`crate::build`]'s delta).
    pub fn write_changed(&self, changed: &[usize]) -> Result<(), Diagnostics> {
        let is_changed = |d: usize| changed.binary_search(&d).is_ok();
        let touched = series::of_documents(&self.site.tree, changed);
        let jobs: Vec<Job> = touched
            .iter()
            .flat_map(|s| {
                s.pairs(&self.site_ctx.extra)
                    .into_iter()
                    .filter(|&(i, j)| is_changed(s.docs[i]) || is_changed(s.docs[j]))
                    .map(move |(i, j)| Job {
                        path: s.pair_path(i, j),
                        series: s,
                        what: What::Pair(i, j),
                    })
            })
            .collect();
        let mut diags = Diagnostics(self.run_all(&jobs));
        if diags.has_errors() {
            diags.sort();
            return Err(diags);
        }
        Ok(())
    }

    /// Runs `jobs` (grouped by series), series by series and their pages in parallel,
    /// so that each text is prepared once for all the comparisons it is in and dropped
    /// with its series; gives what went wrong.
    fn run_all(&self, jobs: &[Job]) -> Vec<Diagnostic> {
        if jobs.iter().any(|j| matches!(j.what, What::Pair(..))) {
            super::tokens::warm_up();
        }
        let results: Vec<Result<(), Diagnostic>> = jobs
            .chunk_by(|x, y| std::ptr::eq(x.series, y.series))
            .collect::<Vec<_>>()
            .into_par_iter()
            .flat_map_iter(|series_jobs| {
                let series_texts = SeriesTexts::new(&series_jobs[0].series.docs, self.texts);
                series_jobs
                    .par_iter()
                    .map(|job| self.run(job, &series_texts))
                    .collect::<Vec<_>>()
            })
            .collect();
        results.into_iter().filter_map(Result::err).collect()
    }

    /// Writes one page, unless the previous build's is still right.
    fn run(&self, job: &Job, series_texts: &SeriesTexts) -> Result<(), Diagnostic> {
        let (site, tree, site_ctx, sink, cache) = (self.site, &self.site.tree, self.site_ctx, self.sink, self.cache);
        let s = job.series;
        let out = format!("{}index.html", job.path);
        let cannot_write =
            |e: std::io::Error| Diagnostic::error(&job.path, format!("cannot write the comparison page: {e}"));
        // A comparison is made from its two documents; the picker and trends
        // pages from the site's metadata (the figures are front matter).
        let key = match job.what {
            What::Pair(i, j) => self.keys.pair(s.docs[i], s.docs[j]),
            What::Picker | What::Trends => self.keys.site(),
        };
        if cache.reuse(&out, &key, sink).map_err(cannot_write)? {
            return Ok(());
        }
        let docs: Vec<&Document> = s.docs.iter().map(|&i| &*tree.documents[i]).collect();
        let mut ctx = self.base.clone();
        ctx.insert("current_path", &format!("{}{}", site_ctx.base_path, job.path));
        ctx.insert("section", &section_link(s, site_ctx));
        let file = docs.last().map(|d| d.file.clone());
        let template = match job.what {
            What::Pair(i, j) => {
                let page = render_pair(
                    site,
                    ctx,
                    comparison::build(s, i, j, tree, series_texts, site_ctx),
                    file.as_deref(),
                )?;
                sink.write(&out, &page).map_err(cannot_write)?;
                cache.note(&out, &key);
                return Ok(());
            }
            What::Picker => {
                let all_pairs = s.all_pairs(&site_ctx.extra);
                let pairs = s.pairs(&site_ctx.extra);
                ctx.insert("picker", &picker(s, site_ctx, &docs, all_pairs, &pairs));
                "compare_index.html"
            }
            What::Trends => {
                ctx.insert("trends", &trends(s, site_ctx, &docs, &job.path));
                "trends.html"
            }
        };
        let html = site.theme.render(template, &ctx, file.as_deref())?;
        sink.write(&out, &minify::html(&html)).map_err(cannot_write)?;
        cache.note(&out, &key);
        Ok(())
    }
}
