//! `gongshi serve`: builds the site into a temporary folder (never `public/`), serves it
//! over HTTP, rebuilds when sources change and tells open pages to reload, or shows
//! them the build error while the last good version stays up. Each rebuild starts from
//! the last one, kept in memory ([`crate::build::Session`]), and moves only the files that
//! changed into the served folder.
//!
//! - [`state`]: the served folder and the build status, shared with the HTTP threads;
//! - [`server`]: HTTP (files, the live-reload script, the long-polled status);
//! - [`watch`]: file watching with debouncing.

mod server;
mod state;
mod watch;

use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::time::{Duration, Instant};

use anyhow::{Context, anyhow};

use crate::build::{BuildOptions, Session};
use state::Shared;
use watch::{SiteWatcher, Wait};

/// How often the rebuild loop looks at the stop flag.
const TICK: Duration = Duration::from_millis(200);
/// How many builds in a row may be thrown away because sources changed while they ran
/// (see [`rebuild`]) before one is served anyway, so that a source changing without
/// pause still gets served.
const MAX_DISCARDED: u32 = 3;

/// Where to serve, and how to build.
#[derive(Debug, Clone)]
pub struct ServeOptions {
    pub interface: String,
    pub port: u16,
    pub drafts: bool,
    /// Print the phases of every build (`--timings`).
    pub timings: bool,
}

/// Serves until the process is interrupted.
pub fn serve(root: &Path, opts: &ServeOptions) -> anyhow::Result<()> {
    serve_until(root, opts, Arc::new(AtomicBool::new(false)))
}

/// Serves until `stop` is set (noticed within a fraction of a second), then shuts the
/// server down and removes the built sites.
pub fn serve_until(root: &Path, opts: &ServeOptions, stop: Arc<AtomicBool>) -> anyhow::Result<()> {
    let ServeOptions {
        interface,
        port,
        drafts,
        timings,
    } = opts.clone();
    let interface = interface.as_str();
    let host = if interface.contains(':') {
        format!("[{interface}]")
    } else {
        interface.to_string()
    };
    let base_url = format!("http://{host}:{port}/");
    let http =
        tiny_http::Server::http((interface, port)).map_err(|e| anyhow!("cannot listen on {host}:{port}: {e}"))?;
    let mut watcher = SiteWatcher::new(root).with_context(|| format!("cannot watch {} for changes", root.display()))?;
    let work = WorkDir::new().context("cannot create a folder for the served site")?;
    let build_opts = BuildOptions {
        root: root.to_path_buf(),
        output_dir: work.0.join("site"),
        base_url: Some(base_url.clone()),
        drafts,
        live_reload: true,
    };

    let shared = Arc::new(Shared::new());
    let mut discarded = 0;
    let mut session = Session::new(build_opts);
    rebuild(&mut session, &shared, &mut watcher, &mut discarded, ("built", timings));
    let http_thread = server::spawn(http, shared.clone(), stop.clone());
    println!("serving {} at {base_url} (Ctrl+C to stop)", root.display());

    let result = loop {
        if stop.load(Ordering::SeqCst) {
            break Ok(());
        }
        match watcher.wait(TICK, &stop) {
            Wait::Changed(_) if stop.load(Ordering::SeqCst) => break Ok(()),
            Wait::Changed(changes) => {
                println!("changed: {}", describe(&changes.paths));
                if !changes.structural {
                    session.only_changed(&changes.paths);
                }
                rebuild(
                    &mut session,
                    &shared,
                    &mut watcher,
                    &mut discarded,
                    ("rebuilt", timings),
                );
            }
            Wait::Idle => {}
            Wait::Closed => break Err(anyhow!("file watching stopped unexpectedly")),
        }
    };

    stop.store(true, Ordering::SeqCst);
    shared.stop();
    if http_thread.join().is_err() {
        eprintln!("warning: the HTTP thread panicked");
    }
    drop(work);
    result
}

/// Builds and publishes into the served folder, or records the error and keeps serving
/// the previous site.
/// `(verb, timings)`: what to call the build, and whether to print its phases.
fn rebuild(
    session: &mut Session,
    shared: &Shared,
    watcher: &mut SiteWatcher,
    discarded: &mut u32,
    (verb, timings): (&str, bool),
) {
    let start = Instant::now();
    let result = session.build(shared.no_open_files());
    // Sources changed while the build was reading them: it may have caught a file
    // half-written (a page cut short, or a bogus error such as invalid UTF-8 or a
    // missing front matter) or mixed old and new files. While a whole site is being
    // served, keep serving it and build again once things settle, rather than publish
    // a torn site or flash an error in the open pages. The changes are kept by the
    // watcher, so the next wait returns at once.
    if watcher.changed_meanwhile() && shared.site().is_some() && *discarded < MAX_DISCARDED {
        *discarded += 1;
        if let Ok(pending) = result {
            session.discard(pending);
        }
        println!("sources changed during the build; building again");
        return;
    }
    *discarded = 0;
    match result.and_then(|pending| session.publish(pending, || shared.lock_site())) {
        Ok(mut summary) => {
            // Open pages reload now; the manifest and the proof-reader's findings follow.
            shared.publish(session.dir().to_path_buf());
            let reloaded = start.elapsed();
            session.complete(&mut summary);
            eprint!("{}", summary.warnings_shown());
            println!(
                "{verb} {} in {} ms; manifest and proof-reading {} ms more",
                summary.made(),
                reloaded.as_millis(),
                (start.elapsed() - reloaded).as_millis()
            );
            if timings {
                for p in &summary.phases {
                    print!("{p}");
                }
            }
        }
        Err(e) => {
            let text = e.to_string();
            eprintln!("{}", text.trim_end());
            eprintln!(
                "build failed after {} ms; still serving the last good version",
                start.elapsed().as_millis()
            );
            shared.fail(text);
        }
    }
}

/// `content/a.md, config.yaml and 3 more`.
fn describe(paths: &[PathBuf]) -> String {
    const SHOWN: usize = 3;
    let mut text = paths
        .iter()
        .take(SHOWN)
        .map(|p| p.display().to_string())
        .collect::<Vec<_>>()
        .join(", ");
    if paths.len() > SHOWN {
        text.push_str(&format!(" and {} more", paths.len() - SHOWN));
    }
    text
}

/// `$TMP/gongshi-serve-PID-N`: where the built sites live; removed on drop.
struct WorkDir(PathBuf);

impl WorkDir {
    fn new() -> std::io::Result<WorkDir> {
        static COUNTER: AtomicU64 = AtomicU64::new(0);
        let n = COUNTER.fetch_add(1, Ordering::Relaxed);
        let dir = std::env::temp_dir().join(format!("gongshi-serve-{}-{n}", std::process::id()));
        if dir.exists() {
            std::fs::remove_dir_all(&dir)?;
        }
        std::fs::create_dir_all(&dir)?;
        Ok(WorkDir(dir))
    }
}

impl Drop for WorkDir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}
