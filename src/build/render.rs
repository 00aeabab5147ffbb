//! Rendering every page of a loaded site into a [`Sink`]: documents and sections in
//! parallel, then what is derived from all of them.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::time::Duration;

use indicatif::ProgressBar;
use rayon::prelude::*;
use tera::Context;

use super::cache::BuildCache;
use super::fixed::Out;
use super::keys::Keys;
use super::texts::{DocText, DocTexts, PackedText};
use super::{BuildError, BuildOptions, BuildSummary, LoadedSite, Timings};
use crate::content::{ContentTree, Kind};
use crate::derive::{aliases, listings};
use crate::diagnostics::{Diagnostic, Diagnostics};
use crate::markdown::{self, RenderOptions, Rendered};
use crate::output::assets::hash_assets;
use crate::output::{Sink, minify};
use crate::theme::context::{PageCtx, SectionCtx, SiteCtx, VersionCtx};

/// One file to write: where, and from what (for collision messages).
struct Planned {
    out: String,
    from: String,
}

fn page_out(url_path: &str) -> String {
    format!("{url_path}index.html")
}

/// Every output path, so that two sources claiming one URL is an error before any
/// rendering happens.
fn plan(tree: &ContentTree) -> Result<Vec<Planned>, Diagnostics> {
    let mut planned: Vec<Planned> = Vec::new();
    let mut diags = Diagnostics::default();
    for s in tree.sections.values() {
        planned.push(Planned {
            out: page_out(&s.url_path),
            from: format!(
                "content/{}",
                if s.key.is_empty() {
                    String::new()
                } else {
                    format!("{}/", s.key)
                }
            ),
        });
    }
    for d in &tree.documents {
        planned.push(Planned {
            out: page_out(&d.url_path),
            from: d.file.display().to_string(),
        });
        for a in &d.aliases {
            match aliases::alias_output_path(a) {
                Ok(out) => planned.push(Planned {
                    out,
                    from: format!("{} (alias `{a}`)", d.file.display()),
                }),
                Err(msg) => {
                    let line = d
                        .source()
                        .lines()
                        .position(|l| l.contains(a.as_str()))
                        .map_or(1, |i| i + 1);
                    diags.push(
                        Diagnostic::error(&d.file, msg)
                            .at_line(&d.source(), line)
                            .with_help("aliases are old URLs of this same site, e.g. /old/reports/2018/"),
                    );
                }
            }
        }
    }
    for year in listings::listed_years(tree) {
        planned.push(Planned {
            out: page_out(&listings::year_page_path(year)),
            from: "gongshi (the page of a year's documents)".into(),
        });
    }
    for v in &tree.versions {
        planned.push(Planned {
            out: page_out(&v.doc.url_path),
            from: v.doc.file.display().to_string(),
        });
        planned.push(Planned {
            out: format!(
                "{}revisions/{}/index.html",
                tree.documents[v.current].url_path, v.number
            ),
            from: v.doc.file.display().to_string(),
        });
    }
    for (_, rel) in &tree.assets {
        planned.push(Planned {
            out: rel.clone(),
            from: format!("content/{rel}"),
        });
    }
    for fixed in [
        "404.html",
        "sitemap.xml",
        "atom.xml",
        "robots.txt",
        "sitemap/index.html",
        "search/index.html",
        "data/index.html",
        "data/metrics.json",
        "data/metrics.csv",
        super::fixed::DOCUMENTS_JSON,
        "manifest.json",
    ] {
        planned.push(Planned {
            out: fixed.into(),
            from: "gongshi".into(),
        });
    }
    let mut seen: BTreeMap<&str, &str> = BTreeMap::new();
    for p in &planned {
        if let Some(first) = seen.insert(&p.out, &p.from) {
            diags.push(
                Diagnostic::error(
                    p.from.split(" (").next().unwrap_or(&p.from),
                    format!("{} would overwrite {} (both write /{})", p.from, first, p.out),
                )
                .with_help("rename one of them or change the alias"),
            );
        }
    }
    if diags.has_errors() { Err(diags) } else { Ok(planned) }
}

fn base_context(
    site: &LoadedSite,
    site_ctx: &SiteCtx,
    assets: &BTreeMap<String, String>,
    live_reload: bool,
) -> Context {
    let mut ctx = Context::new();
    ctx.insert("site", site_ctx);
    ctx.insert("assets", assets);
    ctx.insert("nav", &listings::nav(&site.tree, site_ctx));
    ctx.insert("live_reload", &live_reload);
    ctx.insert("generator", "gongshi");
    ctx
}

/// The shared context plus the page's own path; callers insert their own values.
pub(super) fn page_context(base: &Context, current_path: &str) -> Context {
    let mut ctx = base.clone();
    ctx.insert("current_path", current_path);
    ctx
}

fn render_body(markdown: &str, kind: Option<Kind>, base_path: &str, allow_html: bool) -> Rendered {
    let document = matches!(kind, Some(Kind::Report | Kind::Impartiality | Kind::Commitment));
    markdown::render(
        markdown,
        &RenderOptions {
            paragraph_anchors: document,
            item_anchors: document,
            base_path: base_path.to_string(),
            allow_html,
        },
    )
}

/// A body nested deeper than [`markdown::MAX_NESTING`] levels.
fn too_deep_error(file: &std::path::Path) -> Diagnostic {
    Diagnostic::error(
        file,
        format!(
            "the text nests more than {} levels deep (quotes, lists or emphasis inside each other)",
            markdown::MAX_NESTING
        ),
    )
    .with_help("flatten the nested quotes or lists: no document needs this depth")
}

pub(super) fn render_site(
    site: &LoadedSite,
    opts: &BuildOptions,
    sink: &dyn Sink,
    progress: &ProgressBar,
    timings: &Timings,
    cache: &BuildCache,
    keys: &Keys,
) -> Result<BuildSummary, BuildError> {
    let tree = &site.tree;
    let started = std::time::Instant::now();
    // Only some documents' text changed since the previous build, which planned the
    // same pages: what they feed is made, and the rest carried at the end.
    let delta = cache.delta(keys);
    let planned = match delta {
        Some(_) => 0,
        None => plan(tree).map_err(BuildError::Invalid)?.len(),
    };
    let site_ctx = SiteCtx::new(&site.config);
    let base_path = site_ctx.base_path.clone();
    let write = |rel: &str, bytes: &[u8]| {
        sink.write(rel, bytes).map_err(|source| BuildError::Io {
            path: PathBuf::from(rel),
            source,
        })
    };

    // Theme assets and copied files.
    let highlight_css = markdown::highlight::stylesheet(&site.config.markdown.highlight_theme).map_err(|m| {
        Diagnostic::error(crate::config::CONFIG_FILE, m)
            .with_help("set markdown.highlight_theme to one of the listed themes")
    })?;
    let (hashed, assets) = hash_assets(&site.theme.static_files, &highlight_css, &base_path);
    // Written by every build (they are small): not carried.
    let mut written_always: std::collections::HashSet<String> = std::collections::HashSet::new();
    for a in &hashed {
        write(&a.out_path, &a.bytes)?;
        written_always.insert(a.out_path.clone());
    }
    written_always.extend(copy_site_static(&opts.root, tree, sink)?);

    let base = base_context(site, &site_ctx, &assets, opts.live_reload);
    progress.set_length(planned as u64);

    timings.record("plan and assets", started.elapsed());
    let started = std::time::Instant::now();

    // Documents, in parallel; each page is rendered, minified and written at once.
    // A page whose inputs did not change since the previous build is reused from it.
    let documents: Vec<usize> = match &delta {
        Some(d) => d.changed_documents(),
        None => (0..tree.documents.len()).collect(),
    };
    let doc_results: Vec<Result<Option<PackedText>, Diagnostic>> = documents
        .par_iter()
        .map(|&i| {
            let doc = &tree.documents[i];
            let out = page_out(&doc.url_path);
            let key = keys.document(i);
            let cannot_write = |e: std::io::Error| Diagnostic::error(&doc.file, format!("cannot write its page: {e}"));
            if cache.reuse(&out, &key, sink).map_err(cannot_write)? {
                progress.inc(1);
                return Ok(None);
            }
            let rendered = render_body(&doc.body(), Some(doc.kind), &base_path, site.config.markdown.allow_html);
            if let Some(line) = rendered.too_deep {
                return Err(too_deep_error(&doc.file).at_line(&doc.source(), doc.body_line + line - 1));
            }
            if let Some(c) = rendered.id_conflicts.first() {
                return Err(Diagnostic::error(
                    &doc.file,
                    format!("the heading id `{}` is used twice on this page", c.id),
                )
                .at_line(&doc.source(), doc.body_line + c.line - 1)
                .with_help(
                    "give each heading its own {#id}; ids the theme uses (metrics, toc, cite, main…) are taken",
                ));
            }
            let (prev, next) = listings::neighbours(tree, i, &site_ctx);
            let history = listings::history(tree, i, &site_ctx);
            let mut page = PageCtx::new(doc, &rendered, &site_ctx, prev, next, history);
            crate::compare::link_page(&mut page, tree, i, &site_ctx);
            let section = tree
                .section(&doc.section)
                .map(|s| SectionCtx::new(s, &Rendered::default(), tree, &site_ctx));
            let mut ctx = page_context(&base, &page.doc.url);
            ctx.insert("page", &page);
            ctx.insert("section", &section);
            let html = site.theme.render(doc.kind.template(), &ctx, Some(&doc.file))?;
            sink.write(&out, &minify::html(&html)).map_err(cannot_write)?;
            cache.note(&out, &key);
            progress.inc(1);
            Ok(Some(
                DocText {
                    sections: rendered.sections,
                }
                .pack(tree.shelf.as_ref()),
            ))
        })
        .collect();

    // Sections (the root section is the home page). The home page's context lists
    // every document: it is made only if a page that shows it is rendered, which after
    // an edit of one body none is.
    let home_cell = std::sync::OnceLock::new();
    let home = || home_cell.get_or_init(|| listings::home(tree, &site_ctx));
    // Newest first, as on the home page.
    let years: Vec<i32> = listings::listed_years(tree).into_iter().rev().collect();
    // Sections and years are made from the site's metadata: with a delta, carried.
    let sections: Vec<_> = match delta {
        Some(_) => Vec::new(),
        None => tree.sections.values().collect(),
    };
    let listed_years: &[i32] = if delta.is_some() { &[] } else { &years };
    let section_results: Vec<Result<(), Diagnostic>> = sections
        .par_iter()
        .map(|s| {
            let out = page_out(&s.url_path);
            let file = s
                .file
                .clone()
                .unwrap_or_else(|| PathBuf::from(format!("content/{}", s.key)));
            let cannot_write = |e: std::io::Error| Diagnostic::error(&file, format!("cannot write its page: {e}"));
            if cache.reuse(&out, &keys.site(), sink).map_err(cannot_write)? {
                progress.inc(1);
                return Ok(());
            }
            let rendered = render_body(&s.body, None, &base_path, site.config.markdown.allow_html);
            if rendered.too_deep.is_some() {
                let file = s.file.clone().unwrap_or_else(|| "content".into());
                return Err(too_deep_error(&file));
            }
            let section = SectionCtx::new(s, &rendered, tree, &site_ctx);
            let mut ctx = page_context(&base, &section.url);
            ctx.insert("section", &section);
            let template = if s.key.is_empty() {
                ctx.insert("home", home());
                "index.html"
            } else {
                "section.html"
            };
            let html = site.theme.render(template, &ctx, Some(&file))?;
            sink.write(&out, &minify::html(&html)).map_err(cannot_write)?;
            cache.note(&out, &keys.site());
            progress.inc(1);
            Ok(())
        })
        .collect();

    // The page of each year's documents, which the home page's list links to.
    let year_results: Vec<Result<(), Diagnostic>> = listed_years
        .par_iter()
        .map(|&year| {
            let out = page_out(&listings::year_page_path(year));
            let cannot_write = |e: std::io::Error| Diagnostic::error(&out, format!("cannot write: {e}"));
            if !cache.reuse(&out, &keys.site(), sink).map_err(cannot_write)? {
                let group = home()
                    .years
                    .iter()
                    .find(|g| g.year == year)
                    .expect("the home page lists every year with a page");
                let mut ctx = page_context(&base, &group.url);
                ctx.insert("year", group);
                let html = site.theme.render("year.html", &ctx, None)?;
                sink.write(&out, &minify::html(&html)).map_err(cannot_write)?;
                cache.note(&out, &keys.site());
            }
            progress.inc(1);
            Ok(())
        })
        .collect();

    timings.record("documents and sections", started.elapsed());
    let mut diags = Diagnostics::default();
    let mut texts: Vec<Option<PackedText>> = (0..tree.documents.len()).map(|_| None).collect();
    for (i, r) in documents.into_iter().zip(doc_results) {
        match r {
            Ok(t) => texts[i] = t,
            Err(d) => diags.push(d),
        }
    }
    diags.extend(section_results.into_iter().filter_map(Result::err));
    diags.extend(year_results.into_iter().filter_map(Result::err));
    if diags.has_errors() {
        diags.sort();
        return Err(BuildError::Invalid(diags));
    }

    // The texts of reused pages, rendered again only if a derived step needs them.
    let texts = DocTexts::new(texts, tree.shelf.as_ref(), |i| {
        let doc = &tree.documents[i];
        let rendered = render_body(&doc.body(), Some(doc.kind), &base_path, site.config.markdown.allow_html);
        DocText {
            sections: rendered.sections,
        }
    });

    // Comparisons between versions, from the documents' text.
    let comparisons = crate::compare::Writer {
        site,
        texts: &texts,
        site_ctx: &site_ctx,
        base: &base,
        sink,
        cache,
        keys,
    };
    let compared = timings
        .phase("comparisons", || match &delta {
            Some(d) => comparisons
                .write_changed(&d.changed_documents())
                .map(|()| std::sync::Arc::clone(&d.comparisons)),
            None => comparisons.write_all().map(std::sync::Arc::new),
        })
        .map_err(BuildError::Invalid)?;
    cache.note_comparisons(std::sync::Arc::clone(&compared));

    // The search index and page, from the same texts; patched when few documents changed.
    let started = std::time::Instant::now();
    // Made from every document's digest: once, for the index and for documents.json.
    let all = keys.all();
    let files = cache.search_index(keys, all.clone(), sink, delta.is_some());
    let index =
        crate::search::write_all(site, &texts, &site_ctx, &base, &files, &files).map_err(BuildError::Invalid)?;
    cache.note_search(&index);
    let search_rest = files.carried_by_rest();
    let phase = if index.patched {
        "search index (patched)"
    } else {
        "search index"
    };
    timings.record(phase, started.elapsed());
    let started = std::time::Instant::now();

    render_versions(tree, &site_ctx, &base, site, sink, cache, keys)?;
    let redirect_js = assets.get("redirect.js").cloned().unwrap_or_default();
    let fixed = super::fixed::Fixed {
        site,
        site_ctx: &site_ctx,
        base: &base,
        years: &years,
        year_groups: &|| home().years.as_slice(),
        compared: &compared.urls,
        redirect_js: &redirect_js,
    };
    let sources = Out::new(sink, cache, all);
    match &delta {
        // The other fixed files are made from the site's metadata.
        Some(d) => fixed.write_sources(&sources, Some(d.previous_digests()))?,
        None => fixed.write_all(&Out::new(sink, cache, keys.site()), &sources)?,
    }
    timings.record("fixed pages, data, feeds", started.elapsed());
    if delta.is_some() {
        // Every file not made again above, but the files written by every build, and
        // the search index's unless it left them here (then, but for the documents'
        // fragments, under its new key).
        let index_file = |rel: &str| rel.starts_with("search/");
        timings
            .phase("unchanged files carried", || {
                cache.carry_rest(
                    sink,
                    &|rel| written_always.contains(rel) || (!search_rest && index_file(rel)),
                    &|rel| search_rest && index_file(rel) && !rel.starts_with("search/t/"),
                )
            })
            .map_err(|source| BuildError::Io {
                path: opts.output_dir.clone(),
                source,
            })?;
    }

    let pages = tree.documents.len() + tree.sections.len() + years.len() + compared.pages;
    progress.finish_and_clear();
    Ok(BuildSummary {
        pages,
        // Counted from what was written, by the manifest's recorder (build::render_recorded).
        files: 0,
        reused: 0,
        up_to_date: false,
        elapsed: Duration::ZERO,
        phases: Vec::new(),
        // Set once the proof-reader has added its findings.
        warnings_total: 0,
        warnings: {
            let mut w = Diagnostics(compared.warnings.clone());
            w.sort();
            w
        },
    })
}

/// The files published as they are: the content's assets and the site's `static/`
/// folder, each with its path in the output.
pub(super) fn site_static_files(root: &Path, tree: &ContentTree) -> Result<Vec<(PathBuf, String)>, BuildError> {
    let static_dir = root.join("static");
    let mut files: Vec<(PathBuf, String)> = tree.assets.clone();
    if static_dir.is_dir() {
        for entry in walkdir::WalkDir::new(&static_dir).sort_by_file_name() {
            let entry = entry.map_err(|e| BuildError::Io {
                path: static_dir.clone(),
                source: e.into(),
            })?;
            if entry.file_type().is_file() {
                let rel = crate::paths::slash_relative(entry.path(), &static_dir);
                files.push((entry.path().to_path_buf(), rel));
            }
        }
    }
    Ok(files)
}

/// Copies the site's `static/` and content assets as they are; gives their paths in
/// the output.
fn copy_site_static(root: &Path, tree: &ContentTree, sink: &dyn Sink) -> Result<Vec<String>, BuildError> {
    let files = site_static_files(root, tree)?;
    for (src, rel) in &files {
        let bytes = std::fs::read(src).map_err(|source| BuildError::Io {
            path: src.clone(),
            source,
        })?;
        sink.write(rel, &bytes).map_err(|source| BuildError::Io {
            path: PathBuf::from(rel),
            source,
        })?;
    }
    Ok(files.into_iter().map(|(_, rel)| rel).collect())
}

/// Superseded texts of corrected documents, each at its versioned URL with a notice
/// pointing to the current text.
fn render_versions(
    tree: &ContentTree,
    site_ctx: &SiteCtx,
    base: &Context,
    site: &LoadedSite,
    sink: &dyn Sink,
    cache: &BuildCache,
    keys: &Keys,
) -> Result<(), BuildError> {
    for v in &tree.versions {
        let current: &crate::content::Document = &tree.documents[v.current];
        // Both pages are made from this version and the current document; every
        // version's text is part of the site key.
        let key = keys.document(v.current);
        let out = page_out(&v.doc.url_path);
        let diff_out = format!("{}revisions/{}/index.html", current.url_path, v.number);
        let io = |source| BuildError::Io {
            path: v.doc.file.clone(),
            source,
        };
        if cache.is_fresh(&out, &key) && cache.is_fresh(&diff_out, &key) {
            cache.reuse(&out, &key, sink).map_err(io)?;
            cache.reuse(&diff_out, &key, sink).map_err(io)?;
            continue;
        }
        let sink = &cache.keyed(sink, &key);
        let rendered = render_body(
            &v.doc.body(),
            Some(v.doc.kind),
            &site_ctx.base_path,
            site.config.markdown.allow_html,
        );
        if let Some(line) = rendered.too_deep {
            return Err(too_deep_error(&v.doc.file)
                .at_line(&v.doc.source(), v.doc.body_line + line - 1)
                .into());
        }
        let mut page = PageCtx::new(&v.doc, &rendered, site_ctx, None, None, Vec::new());
        let correction = &current.revisions[v.number as usize - 1];
        page.version = Some(VersionCtx {
            number: v.number,
            current_url: format!("{}{}", site_ctx.base_path, current.url_path),
            current_title: current.title.clone(),
            superseded_on: crate::content::dates::format_date(correction.date),
            note: correction.note.clone(),
        });
        let section = tree
            .section(&v.doc.section)
            .map(|s| SectionCtx::new(s, &Rendered::default(), tree, site_ctx));
        let mut ctx = page_context(base, &page.doc.url);
        ctx.insert("page", &page);
        ctx.insert("section", &section);
        let html = site.theme.render(v.doc.kind.template(), &ctx, Some(&v.doc.file))?;
        sink.write(&page_out(&v.doc.url_path), &minify::html(&html))
            .map_err(|source| BuildError::Io {
                path: v.doc.file.clone(),
                source,
            })?;

        // The comparison of this text with the one that replaced it.
        let after = tree
            .versions
            .iter()
            .find(|w| w.current == v.current && w.number == v.number + 1)
            .map_or(current, |w| &w.doc);
        let after_rendered = render_body(
            &after.body(),
            Some(after.kind),
            &site_ctx.base_path,
            site.config.markdown.allow_html,
        );
        let (diff_html, changed_share) = crate::compare::comparison::revision_text(
            &rendered.sections,
            &after_rendered.sections,
            &format!("{}{}", site_ctx.base_path, v.doc.url_path),
            &format!("{}{}", site_ctx.base_path, after.url_path),
        );
        let mut ctx = page_context(
            base,
            &format!("{}{}revisions/{}/", site_ctx.base_path, current.url_path, v.number),
        );
        ctx.insert("page", &page);
        ctx.insert("section", &section);
        ctx.insert("diff_html", &diff_html);
        ctx.insert("changed_share", &changed_share);
        ctx.insert("after_url", &format!("{}{}", site_ctx.base_path, after.url_path));
        let html = site.theme.render("revision.html", &ctx, Some(&v.doc.file))?;
        sink.write(
            &format!("{}revisions/{}/index.html", current.url_path, v.number),
            &minify::html(&html),
        )
        .map_err(|source| BuildError::Io {
            path: v.doc.file.clone(),
            source,
        })?;
    }
    Ok(())
}
