//! Watching the site's sources, with debouncing: after the first relevant event we wait
//! until [`QUIET`] passes without another, then report one change. Rapid saves and
//! atomic saves (write a temporary file, rename it over the original) thus cause one
//! rebuild, and the build only reads files once things have settled.

use std::path::{Component, Path, PathBuf};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::mpsc::{Receiver, RecvTimeoutError, channel};
use std::time::{Duration, Instant};

use notify::event::{AccessKind, AccessMode, MetadataKind, ModifyKind};
use notify::{Event, EventKind, RecommendedWatcher, RecursiveMode, Watcher};

/// The folders under the root whose contents are sources (watched recursively).
const FOLDERS: [&str; 4] = ["content", "templates", "themes", "static"];
const CONFIG: &str = "config.yaml";
/// How long things must stay quiet before a rebuild.
pub const QUIET: Duration = Duration::from_millis(150);

pub enum Wait {
    /// Sources changed (the paths, deduplicated, for messages).
    Changed(Vec<PathBuf>),
    /// Nothing happened within the timeout.
    Idle,
    /// The watcher is gone.
    Closed,
}

pub struct SiteWatcher {
    watcher: RecommendedWatcher,
    events: Receiver<notify::Result<Event>>,
    root: PathBuf,
}

impl SiteWatcher {
    /// Watches `root` itself (not recursively: config.yaml, and folders created later)
    /// and each source folder that exists (recursively).
    pub fn new(root: &Path) -> notify::Result<SiteWatcher> {
        let root = std::fs::canonicalize(root).unwrap_or_else(|_| root.to_path_buf());
        let (tx, events) = channel();
        let mut watcher = notify::recommended_watcher(tx)?;
        watcher.watch(&root, RecursiveMode::NonRecursive)?;
        for folder in FOLDERS {
            let dir = root.join(folder);
            if dir.is_dir() {
                watcher.watch(&dir, RecursiveMode::Recursive)?;
            }
        }
        Ok(SiteWatcher { watcher, events, root })
    }

    /// Waits up to `timeout` for a relevant event, then for things to settle.
    pub fn wait(&mut self, timeout: Duration, stop: &AtomicBool) -> Wait {
        let deadline = Instant::now() + timeout;
        let mut changed = Vec::new();
        while changed.is_empty() {
            let left = deadline.saturating_duration_since(Instant::now());
            match self.events.recv_timeout(left) {
                Ok(event) => self.collect(event, &mut changed),
                Err(RecvTimeoutError::Timeout) => return Wait::Idle,
                Err(RecvTimeoutError::Disconnected) => return Wait::Closed,
            }
        }
        let mut quiet_until = Instant::now() + QUIET;
        while !stop.load(Ordering::SeqCst) {
            let left = quiet_until.saturating_duration_since(Instant::now());
            match self.events.recv_timeout(left) {
                Ok(event) => {
                    let before = changed.len();
                    self.collect(event, &mut changed);
                    if changed.len() != before {
                        quiet_until = Instant::now() + QUIET;
                    }
                }
                Err(_) => break,
            }
        }
        changed.sort();
        changed.dedup();
        Wait::Changed(changed)
    }

    /// Adds the event's relevant paths to `changed`, and starts watching source folders
    /// created since we started.
    fn collect(&mut self, event: notify::Result<Event>, changed: &mut Vec<PathBuf>) {
        let event = match event {
            Ok(e) => e,
            Err(e) => {
                eprintln!("warning: file watching: {e}");
                return;
            }
        };
        if event.need_rescan() {
            changed.push(self.root.clone());
            return;
        }
        if !is_relevant_kind(&event.kind) {
            return;
        }
        for path in event.paths {
            let Some(rel) = relevant_path(&self.root, &path) else {
                continue;
            };
            if rel.components().count() == 1 && path.is_dir() {
                // A source folder that appeared (or was replaced) after we started.
                if let Err(e) = self.watcher.watch(&path, RecursiveMode::Recursive) {
                    eprintln!("warning: cannot watch {}: {e}", path.display());
                }
            }
            changed.push(rel);
        }
    }
}

/// Reading files (our own build does) must not trigger rebuilds.
fn is_relevant_kind(kind: &EventKind) -> bool {
    match kind {
        EventKind::Access(AccessKind::Close(AccessMode::Write)) => true,
        EventKind::Access(_) => false,
        EventKind::Modify(ModifyKind::Metadata(MetadataKind::AccessTime)) => false,
        _ => true,
    }
}

/// The path relative to the root if it is a source: config.yaml or something under a
/// source folder, not hidden, not an editor's temporary file.
fn relevant_path(root: &Path, path: &Path) -> Option<PathBuf> {
    let rel = path.strip_prefix(root).ok()?;
    let mut names = Vec::new();
    for c in rel.components() {
        match c {
            Component::Normal(n) => names.push(n.to_str()?),
            _ => return None,
        }
    }
    let (first, last) = (*names.first()?, *names.last()?);
    let source = if names.len() == 1 {
        first == CONFIG || FOLDERS.contains(&first)
    } else {
        FOLDERS.contains(&first)
    };
    let hidden = names.iter().any(|n| n.starts_with('.'));
    (source && !hidden && !is_editor_temp(last)).then(|| rel.to_path_buf())
}

fn is_editor_temp(name: &str) -> bool {
    name.ends_with('~')
        || [".swp", ".swx", ".tmp"].iter().any(|s| name.ends_with(s))
        || name.starts_with(".#")
        || name == "4913"
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn filters_paths() {
        let root = Path::new("/site");
        let ok = |p: &str| relevant_path(root, &root.join(p)).is_some();
        assert!(ok("config.yaml"));
        assert!(ok("content"));
        assert!(ok("content/reports/2018.md"));
        assert!(ok("templates/report.html"));
        assert!(ok("themes/default/static/style.css"));
        assert!(ok("static/logo.png"));
        assert!(!ok("public/index.html"));
        assert!(!ok("target/debug/x"));
        assert!(!ok(".git/index"));
        assert!(!ok("README.md"));
        assert!(!ok("content/.2018.md.swp"));
        assert!(!ok("content/reports/2018.md~"));
        assert!(!ok("content/reports/2018.md.tmp"));
        assert!(!ok("content/reports/.#2018.md"));
        assert!(!ok("content/reports/4913"));
        assert!(!ok("content/.hidden/x.md"));
        assert!(relevant_path(root, Path::new("/elsewhere/content/x.md")).is_none());
    }
}
