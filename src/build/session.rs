//! `serve`'s builds: each starts from the one before it, kept in memory.
//!
//! `build` after an edit reads the previous build's keys, findings and manifest from
//! beside its output, and writes this build's back (2.2 s and 0.9 s of a 7 s build at
//! 13,000 reports). `serve` builds the same site again and again in one process, so a
//! [`Session`] keeps them in memory instead. It publishes into one served folder, in
//! place like `build` (only the changed files are moved in), under the lock the HTTP
//! threads take to open a file. It makes and writes the manifest (100 MB) and
//! proof-reads after the open pages have been told to reload: no page waits for them.
//! And it reads again only the documents whose files changed ([`crate::content::memo`]).

use std::borrow::Cow;
use std::path::Path;

use indicatif::ProgressBar;

use super::cache::{BuildCache, Previous};
use super::keys::Keys;
use super::{BuildError, BuildOptions, BuildSummary, KEPT_WARNINGS, LoadedSite, Timings, render_unwritten};
use crate::content::LoadMemo;
use crate::diagnostics::{Diagnostic, Diagnostics};
use crate::output::StagingDir;
use crate::output::recycle::Pool;
use crate::output::writer::Leftovers;
use crate::record::Manifest;
use crate::record::manifest::{MANIFEST_FILE, Recording};

/// Builds of one site into one folder, each reusing what the last published one made.
pub struct Session {
    opts: BuildOptions,
    /// The build in the served folder, unless it is still to be proof-read.
    last: Option<Previous>,
    /// The build published last, while it is not proof-read.
    unread: Option<Unread>,
    /// The documents of the last load.
    documents: LoadMemo,
    /// The files the last publish replaced, for the next build to write over.
    replaced: Option<Pool>,
}

/// A published build whose findings are still to be found.
struct Unread {
    site: LoadedSite,
    keys: Keys,
    cache: BuildCache,
    /// Made into the manifest once the open pages have reloaded.
    recording: Recording,
    /// The staging folder, with the files the build replaced: kept then, for the next
    /// build to write over.
    leftovers: Leftovers,
}

/// A build made in a staging folder and not published yet.
pub struct Pending {
    site: LoadedSite,
    keys: Keys,
    cache: BuildCache,
    staging: StagingDir,
    recording: Recording,
    summary: BuildSummary,
    timings: Timings,
}

impl Session {
    /// Builds of `opts`, served from `opts.output_dir`.
    pub fn new(opts: BuildOptions) -> Session {
        Session {
            opts,
            last: None,
            unread: None,
            documents: LoadMemo::default(),
            replaced: None,
        }
    }

    /// Tells the next build that only the contents of the files `paths` (relative to the
    /// site's root) changed since the last one started: no file or folder was created,
    /// removed or renamed. It then reads those again and looks at no other source file
    /// ([`LoadMemo::only_changed`]).
    pub fn only_changed(&mut self, paths: &[std::path::PathBuf]) {
        let content = Path::new(crate::content::CONTENT_DIR);
        let rels = paths
            .iter()
            .filter_map(|p| p.strip_prefix(content).ok())
            .map(|rel| rel.to_string_lossy().replace('\\', "/"));
        self.documents.only_changed(rels);
    }

    /// The folder published into.
    pub fn dir(&self) -> &Path {
        &self.opts.output_dir
    }

    /// Loads the site and renders it into a staging folder beside the served one,
    /// reusing every file whose inputs did not change since the last published build.
    ///
    /// `replaced_closed`: no reader has a file open that the last publish replaced. The
    /// build then writes its files over those where it can ([`crate::output::recycle`]);
    /// otherwise they are removed first.
    pub fn build(&mut self, replaced_closed: bool) -> Result<Pending, BuildError> {
        if self.unread.is_some() {
            self.finish(&mut Diagnostics::default(), &Timings::default());
        }
        let timings = Timings::default();
        let site = timings.phase("load content", || {
            super::load_reusing(&self.opts, Some(&mut self.documents))
        })?;
        let keys = timings.phase("cache keys", || Keys::new(&site, &self.opts));
        let staging = match self.replaced.take() {
            Some(pool) if replaced_closed => Ok(StagingDir::reusing(&self.opts.output_dir, pool)),
            _ => StagingDir::beside(&self.opts.output_dir),
        }
        .map_err(|source| BuildError::Io {
            path: self.opts.output_dir.clone(),
            source,
        })?;
        let cache = BuildCache::resume(self.last.take());
        let rendered = render_unwritten(
            &site,
            &self.opts,
            &staging,
            &ProgressBar::hidden(),
            &timings,
            (&cache, &keys),
        );
        match rendered {
            Ok((summary, recording)) => Ok(Pending {
                site,
                keys,
                cache,
                staging,
                recording,
                summary,
                timings,
            }),
            Err(e) => {
                self.last = cache.into_previous();
                Err(e)
            }
        }
    }

    /// Throws a build away (its staging folder goes): the next one starts again from
    /// the build being served.
    pub fn discard(&mut self, pending: Pending) {
        self.last = pending.cache.into_previous();
    }

    /// Moves a build into the served folder, holding what `guard` returns while files
    /// there are replaced. Its warnings are those of rendering until
    /// [`Session::complete`] adds the proof-reader's.
    pub fn publish<G>(&mut self, pending: Pending, guard: impl FnOnce() -> G) -> Result<BuildSummary, BuildError> {
        let Pending {
            site,
            keys,
            cache,
            staging,
            recording,
            mut summary,
            timings,
        } = pending;
        // The manifest stays as it was until [`Session::complete`] writes this build's.
        if cache.manifest().is_some() && self.opts.output_dir.join(MANIFEST_FILE).is_file() {
            staging.keep_file(MANIFEST_FILE);
        }
        let committed = timings.phase("publish", || staging.commit_guarded(cache.manifest(), guard));
        summary.phases = timings.phases();
        let leftovers = match committed {
            Ok(leftovers) => leftovers,
            // The served folder may be half updated: the next build makes all of it.
            Err(source) => {
                return Err(BuildError::Io {
                    path: self.opts.output_dir.clone(),
                    source,
                });
            }
        };
        self.unread = Some(Unread {
            site,
            keys,
            cache,
            recording,
            leftovers,
        });
        Ok(summary)
    }

    /// Completes the build published last with what open pages do not wait for: writes
    /// its `manifest.json`, and proof-reads it as `build` does. `summary` gets every
    /// warning but the findings past the first [`KEPT_WARNINGS`], and the count of all.
    pub fn complete(&mut self, summary: &mut BuildSummary) {
        let timings = Timings::default();
        summary.warnings_total = self.finish(&mut summary.warnings, &timings);
        summary.phases.extend(timings.phases());
    }

    /// Completes the unread build into `warnings` and keeps it as the last one;
    /// returns how many warnings there were in all.
    fn finish(&mut self, warnings: &mut Diagnostics, timings: &Timings) -> usize {
        let Some(Unread {
            site,
            keys,
            mut cache,
            recording,
            leftovers,
        }) = self.unread.take()
        else {
            return warnings.0.len();
        };
        // What the publishing left is sorted now, off the reload's path: the files it
        // replaced stay for the next build to write over, the others go. Should that
        // fail, the next build stages into a new folder. A build that swapped the whole
        // folder left none: the next one writes over a copy of the largest file every
        // rebuild after a text edit rewrites.
        self.replaced = match timings.phase("unused files removed", || leftovers.into_pool()) {
            Ok(Some(pool)) => Some(pool),
            Ok(None) => timings
                .phase("files copied to write over", || {
                    StagingDir::pool_of_copies(&self.opts.output_dir, &[super::fixed::DOCUMENTS_JSON])
                })
                .ok(),
            Err(_) => None,
        };
        let dir = &self.opts.output_dir;
        let manifest = timings.phase("manifest", || {
            recording.into_manifest(cache.take_manifest().map(Cow::Owned))
        });
        // Written on a thread of its own while the proof-reader works: one waits for
        // the disk, the other for the cores.
        let (written, mut total) = std::thread::scope(|scope| {
            let writer = scope.spawn(|| timings.phase("write manifest", || write_manifest(dir, &manifest)));
            let total = timings.phase("proof-read", || {
                crate::lint::apply(
                    &site.tree,
                    &site.config,
                    warnings,
                    &cache.lint_memo(&keys),
                    Some(KEPT_WARNINGS),
                )
            });
            let written = writer
                .join()
                .unwrap_or_else(|_| Err(std::io::Error::other("the thread writing it stopped")));
            (written, total)
        });
        if let Err(e) = written {
            warnings.push(
                Diagnostic::warning(dir.join(MANIFEST_FILE), format!("cannot write the manifest: {e}"))
                    .with_help("the site is served without an up-to-date manifest.json; check the disk"),
            );
            total += 1;
        }
        self.last = Some(cache.into_next(dir, manifest, keys));
        total
    }
}

/// Writes `manifest.json` into `dir` whole: beside it first, then renamed in.
///
/// Its bytes are on the disk before it is renamed in: no half-written manifest after a
/// crash, and its 100 MB (at 13,000 reports) are not left dirty in the page cache for
/// the next rebuild's writes to wait behind. On the benchmark machine a file written
/// soon after many megabytes took 45-115 ms for 8.6 MB instead of 3 ms; with the
/// manifest synced, writing `data/documents.json` in the next rebuild went from a
/// median of 69 ms to 44 ms (8 edits each, a noisy measure).
fn write_manifest(dir: &Path, manifest: &Manifest) -> std::io::Result<()> {
    let temporary = crate::output::writer::beside(dir, MANIFEST_FILE);
    let mut out = std::io::BufWriter::new(std::fs::File::create(&temporary)?);
    manifest.write_json(&mut out)?;
    out.into_inner()
        .map_err(std::io::IntoInnerError::into_error)?
        .sync_data()?;
    std::fs::rename(&temporary, dir.join(MANIFEST_FILE))
}
