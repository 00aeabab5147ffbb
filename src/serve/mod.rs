//! `gongshi serve`: builds the site into a temporary folder (never `public/`), serves it
//! over HTTP, rebuilds when sources change and tells open pages to reload, or shows
//! them the build error while the last good version stays up.
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

use crate::build::{self, BuildOptions};
use state::Shared;
use watch::{SiteWatcher, Wait};

/// How often the rebuild loop looks at the stop flag.
const TICK: Duration = Duration::from_millis(200);
/// How many builds in a row may be thrown away because sources changed while they ran
/// (see [`rebuild`]) before one is served anyway, so that a source changing without
/// pause still gets served.
const MAX_DISCARDED: u32 = 3;

/// Serves until the process is interrupted.
pub fn serve(root: &Path, interface: &str, port: u16, drafts: bool) -> anyhow::Result<()> {
    serve_until(root, interface, port, drafts, Arc::new(AtomicBool::new(false)))
}

/// Serves until `stop` is set (noticed within a fraction of a second), then shuts the
/// server down and removes the built sites.
pub fn serve_until(root: &Path, interface: &str, port: u16, drafts: bool, stop: Arc<AtomicBool>) -> anyhow::Result<()> {
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
    let opts = BuildOptions {
        root: root.to_path_buf(),
        output_dir: work.0.join("site"),
        base_url: Some(base_url.clone()),
        drafts,
        live_reload: true,
    };

    let shared = Arc::new(Shared::new());
    let mut discarded = 0;
    rebuild(&opts, &shared, &mut watcher, &mut discarded, "built");
    let http_thread = server::spawn(http, shared.clone(), stop.clone());
    println!("serving {} at {base_url} (Ctrl+C to stop)", root.display());

    let result = loop {
        if stop.load(Ordering::SeqCst) {
            break Ok(());
        }
        match watcher.wait(TICK, &stop) {
            Wait::Changed(_) if stop.load(Ordering::SeqCst) => break Ok(()),
            Wait::Changed(paths) => {
                println!("changed: {}", describe(&paths));
                rebuild(&opts, &shared, &mut watcher, &mut discarded, "rebuilt");
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

/// Builds into a new folder and switches to it, or records the error and keeps serving
/// the previous site.
fn rebuild(opts: &BuildOptions, shared: &Shared, watcher: &mut SiteWatcher, discarded: &mut u32, verb: &str) {
    let start = Instant::now();
    // Pages whose inputs did not change are linked from the site served until now.
    let previous = shared.site().clone();
    let result = build::build_to_new_dir(opts, previous.as_deref());
    // Sources changed while the build was reading them: it may have caught a file
    // half-written (a page cut short, or a bogus error such as invalid UTF-8 or a
    // missing front matter) or mixed old and new files. While a whole site is being
    // served, keep serving it and build again once things settle, rather than publish
    // a torn site or flash an error in the open pages. The changes are kept by the
    // watcher, so the next wait returns at once.
    if watcher.changed_meanwhile() && shared.site().is_some() && *discarded < MAX_DISCARDED {
        *discarded += 1;
        if let Ok((dir, _)) = &result {
            let _ = std::fs::remove_dir_all(dir);
            let _ = build::BuildCache::forget(dir);
        }
        println!("sources changed during the build; building again");
        return;
    }
    *discarded = 0;
    match result {
        Ok((dir, summary)) => {
            eprint!("{}", summary.warnings);
            if let Some(old) = shared.publish(dir) {
                // Best effort: on Windows a file still being sent keeps it alive;
                // the whole work folder goes when serve stops.
                let _ = std::fs::remove_dir_all(&old);
                let _ = build::BuildCache::forget(&old);
            }
            println!(
                "{verb} {} pages ({} unchanged) in {} ms",
                summary.pages,
                summary.reused,
                start.elapsed().as_millis()
            );
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
