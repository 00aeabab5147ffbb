//! The pipeline, end to end: load content -> render Markdown -> derive listings, feeds
//! and redirects -> render templates -> write output.
//!
//! Each step lives in its own module; this file only sequences them and decides where
//! the output goes (a staging directory swapped in on success, or nowhere for `check`).

use std::borrow::Cow;
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use indicatif::ProgressBar;
use thiserror::Error;

mod cache;
mod delta;
mod findings;
mod fixed;
mod keys;
mod render;
mod session;
mod stamp;
mod texts;
mod timings;

pub use cache::BuildCache;
pub use keys::Keys;
pub use session::{Pending, Session};
pub use stamp::{KEPT_WARNINGS, kept_warnings};
pub use texts::{DocText, DocTexts};
pub use timings::Timings;

use crate::config::SiteConfig;
use crate::content::{self, ContentTree};
use crate::diagnostics::Severity;
use crate::diagnostics::{Diagnostic, Diagnostics};
use crate::output::writer::NullSink;
use crate::output::{Sink, StagingDir};
use crate::record::manifest::Recording;
use crate::record::manifest::{AliasEntry, MANIFEST_FILE, url_of};
use crate::record::{Manifest, Recorder, permanence};
use crate::theme::Theme;
use stamp::Stamp;

/// What to build and how.
#[derive(Debug, Clone)]
pub struct BuildOptions {
    pub root: PathBuf,
    pub output_dir: PathBuf,
    /// Overrides config's base_url (`serve` uses its own address).
    pub base_url: Option<String>,
    pub drafts: bool,
    /// Add the live-reload script (serve only).
    pub live_reload: bool,
}

impl BuildOptions {
    pub fn new(root: impl Into<PathBuf>) -> BuildOptions {
        let root = root.into();
        BuildOptions {
            output_dir: root.join("public"),
            root,
            base_url: None,
            drafts: false,
            live_reload: false,
        }
    }
}

/// What a successful build did.
#[derive(Debug)]
pub struct BuildSummary {
    /// HTML pages rendered from content (documents and sections).
    pub pages: usize,
    /// Every file written (pages, redirects, feeds, assets).
    pub files: usize,
    /// Files taken unchanged from the previous build (see [`cache`]).
    pub reused: usize,
    /// Nothing changed since the previous build: its output was left as it was.
    pub up_to_date: bool,
    pub elapsed: Duration,
    /// All of them for `check` and `serve`; for `build`, every warning but the
    /// proof-reader's findings past the first [`KEPT_WARNINGS`] (what it prints, see
    /// [`kept_warnings`]).
    pub warnings: Diagnostics,
    /// How many warnings there were in all.
    pub warnings_total: usize,
    /// Wall time and peak memory per pipeline phase (`build --timings`).
    pub phases: Vec<timings::Phase>,
}

impl BuildSummary {
    /// What was made, as `build` and `serve` print it: `5005 pages (10854 files, 10765
    /// unchanged since the last build)`.
    pub fn made(&self) -> String {
        let reused = if self.reused > 0 {
            format!(", {} unchanged since the last build", self.reused)
        } else {
            String::new()
        };
        format!("{} pages ({} files{reused})", self.pages, self.files)
    }

    /// The warnings as `build` and `serve` print them: the proof-reader's findings past
    /// the first [`KEPT_WARNINGS`] only counted.
    pub fn warnings_shown(&self) -> String {
        let shown = kept_warnings(&self.warnings.0);
        let more = self.warnings_total.saturating_sub(shown.len());
        let mut text = Diagnostics(shown).to_string();
        if more > 0 {
            text.push_str(&format!(
                "warning: {more} more proof-reading finding{} not shown: `gongshi check` lists them all\n",
                if more == 1 { "" } else { "s" }
            ));
        }
        text
    }
}

#[derive(Debug, Error)]
pub enum BuildError {
    /// Problems in the site's files; each names file and line.
    #[error("{0}")]
    Invalid(Diagnostics),
    #[error("cannot write {path}: {source}")]
    Io { path: PathBuf, source: std::io::Error },
}

impl From<Diagnostic> for BuildError {
    fn from(d: Diagnostic) -> Self {
        BuildError::Invalid(Diagnostics(vec![d]))
    }
}

/// Config, content and theme: everything read from disk before rendering.
pub struct LoadedSite {
    pub config: SiteConfig,
    pub tree: ContentTree,
    pub theme: Theme,
}

/// Reads and validates everything. Errors of all files are reported together.
pub fn load(opts: &BuildOptions) -> Result<LoadedSite, BuildError> {
    load_reusing(opts, None)
}

/// [`load`], taking the documents that did not change from `memo` (`serve`).
pub fn load_reusing(opts: &BuildOptions, memo: Option<&mut content::LoadMemo>) -> Result<LoadedSite, BuildError> {
    let mut config = SiteConfig::load(&opts.root)?;
    if let Some(url) = &opts.base_url {
        config.base_url = crate::config::normalise_base_url(url).map_err(|m| {
            Diagnostic::error("--base-url", m)
                .with_help("pass an absolute URL, e.g. --base-url https://example.gov.cn/csr/")
        })?;
    }
    let (tree, theme) = rayon::join(
        || content::load_reusing(&opts.root, opts.drafts, memo),
        || Theme::load(&opts.root, &config.theme),
    );
    let mut diags = Diagnostics::default();
    let tree = tree.map_err(|d| diags.extend(d.0)).ok();
    let theme = theme.map_err(|e| diags.push(e.into_diagnostic())).ok();
    match (tree, theme) {
        (Some(tree), Some(theme)) => Ok(LoadedSite { config, tree, theme }),
        _ => {
            diags.sort();
            Err(BuildError::Invalid(diags))
        }
    }
}

/// Builds the site into `opts.output_dir`, replacing it only on success.
pub fn build(opts: &BuildOptions, progress: &ProgressBar) -> Result<BuildSummary, BuildError> {
    let start = Instant::now();
    let timings = Timings::default();
    // Taken before anything is read for the build, so that an edit made while it runs
    // makes the next build a real one.
    let inputs = timings.phase("check inputs", || stamp::inputs(opts));
    if let Some(stamp) = inputs.as_ref().and_then(|i| Stamp::up_to_date(&opts.output_dir, i)) {
        // Nothing the build reads changed since the output was made, and the output is
        // all there: it is up to date as it is.
        let files = stamp.files();
        return Ok(BuildSummary {
            pages: stamp.pages,
            files,
            reused: files,
            up_to_date: true,
            elapsed: start.elapsed(),
            warnings: Diagnostics(stamp.warnings),
            warnings_total: stamp.warnings_total,
            phases: timings.phases(),
        });
    }
    let site = timings.phase("load content", || load(opts))?;
    let io = |path: &Path| {
        let path = path.to_path_buf();
        move |source| BuildError::Io { path, source }
    };
    let cache = timings.phase("open cache", || BuildCache::open(&opts.output_dir));
    let keys = timings.phase("cache keys", || Keys::new(&site, opts));
    let staging = StagingDir::beside(&opts.output_dir).map_err(io(&opts.output_dir))?;
    let (mut summary, manifest) = render_recorded(&site, opts, &staging, progress, &timings, (&cache, &keys))?;
    // What the previous build published must stay reachable: warn here, fail in `check`.
    // Compared (and the stamp's list of files taken) before proof-reading, so that this
    // build's manifest, millions of anchors on a national site, is not held through it.
    let lost = match cache.manifest() {
        Some(previous) => Some(permanence::lost(previous, &manifest)),
        None => Manifest::read(&opts.output_dir)
            .ok()
            .map(|previous| permanence::lost(&previous, &manifest)),
    };
    let stamp = inputs.map(|inputs| Stamp::new(inputs, summary.pages, &manifest));
    drop(manifest);
    // Only the warnings `build` prints are kept (and all are counted): there may be
    // hundreds of thousands.
    let made_warnings = timings.phase("proof-read", || {
        let memo = cache.lint_memo(&keys);
        crate::lint::apply(
            &site.tree,
            &site.config,
            &mut summary.warnings,
            &memo,
            Some(KEPT_WARNINGS),
        )
    });
    // The stamp keeps the warnings the content made, not the ones below.
    let kept_made = summary.warnings.0.len();
    let lost = lost.map(|lost| permanence::diagnostics(&lost, Severity::Warning));
    summary.warnings_total = made_warnings + lost.as_ref().map_or(0, Vec::len);
    summary.warnings.extend(lost.into_iter().flatten());
    timings
        .phase("publish", || {
            BuildCache::forget(&opts.output_dir)?;
            Stamp::forget(&opts.output_dir)?;
            staging.commit(cache.manifest())?;
            cache.save(&opts.output_dir)?;
            match stamp {
                Some(stamp) => stamp
                    .with_warnings(&summary.warnings.0[..kept_made], made_warnings)
                    .save(&opts.output_dir),
                None => Ok(()),
            }
        })
        .map_err(io(&opts.output_dir))?;
    summary.phases = timings.phases();
    summary.elapsed = start.elapsed();
    Ok(summary)
}

/// Loads and renders everything without writing (`gongshi check`). Against
/// `previous` (a built site with a manifest; by default the output folder when it
/// holds one), every URL and anchor it published must still resolve.
pub fn check(opts: &BuildOptions, previous: Option<&Path>) -> Result<BuildSummary, BuildError> {
    let start = Instant::now();
    let site = load(opts)?;
    let (mut summary, manifest) = render_recorded(
        &site,
        opts,
        &NullSink::default(),
        &ProgressBar::hidden(),
        &Timings::default(),
        (&BuildCache::disabled(), &Keys::new(&site, opts)),
    )?;
    crate::lint::apply(
        &site.tree,
        &site.config,
        &mut summary.warnings,
        &crate::lint::NoMemo,
        None,
    );
    let previous = match previous {
        Some(dir) => Some(Manifest::read(dir).map_err(|e| {
            Diagnostic::error(
                dir.join(MANIFEST_FILE),
                format!("cannot read the previous site's manifest: {e}"),
            )
            .with_help("pass a folder built by gongshi (it holds manifest.json)")
        })?),
        None => Manifest::read(&opts.output_dir).ok(),
    };
    if let Some(previous) = previous {
        let lost = permanence::lost(&previous, &manifest);
        if !lost.is_empty() {
            return Err(BuildError::Invalid(Diagnostics(permanence::diagnostics(
                &lost,
                Severity::Error,
            ))));
        }
    }
    summary.warnings_total = summary.warnings.0.len();
    summary.elapsed = start.elapsed();
    Ok(summary)
}

/// Renders through a [`Recorder`] and writes `manifest.json` last: every file but the
/// manifest, with digests, and every page's anchors.
fn render_recorded(
    site: &LoadedSite,
    opts: &BuildOptions,
    sink: &dyn Sink,
    progress: &ProgressBar,
    timings: &Timings,
    (cache, keys): (&BuildCache, &Keys),
) -> Result<(BuildSummary, Manifest), BuildError> {
    let (summary, recording) = render_unwritten(site, opts, sink, progress, timings, (cache, keys))?;
    let start = Instant::now();
    let manifest = recording.into_manifest(cache.manifest().map(Cow::Borrowed));
    timings.record("manifest", start.elapsed());
    let start = Instant::now();
    write_manifest(sink, &manifest)?;
    timings.record("write manifest", start.elapsed());
    Ok((summary, manifest))
}

/// Writes `manifest.json` (100 MB at 13,000 reports).
fn write_manifest(sink: &dyn Sink, manifest: &Manifest) -> Result<(), BuildError> {
    sink.write_streamed(MANIFEST_FILE, &mut |out| manifest.write_json(out))
        .map_err(|source| BuildError::Io {
            path: PathBuf::from(MANIFEST_FILE),
            source,
        })
}

/// [`render_recorded`] but for making and writing the manifest: what it is made from
/// is returned.
fn render_unwritten(
    site: &LoadedSite,
    opts: &BuildOptions,
    sink: &dyn Sink,
    progress: &ProgressBar,
    timings: &Timings,
    (cache, keys): (&BuildCache, &Keys),
) -> Result<(BuildSummary, Recording), BuildError> {
    let recorder = Recorder::expecting(sink, cache.manifest());
    let mut summary = render::render_site(site, opts, &recorder, progress, timings, cache, keys)?;
    summary.reused = cache.reused();
    let aliases = site
        .tree
        .documents
        .iter()
        .flat_map(|d| {
            d.aliases.iter().filter_map(move |a| {
                let out = crate::derive::aliases::alias_output_path(a).ok()?;
                Some(AliasEntry {
                    url: url_of(&out),
                    target: d.url_path.clone(),
                })
            })
        })
        .collect();
    let recording = recorder.finish(&site.config.base_url, aliases);
    summary.files = recording.files() + 1;
    Ok((summary, recording))
}
