//! Watching the site's sources, with debouncing: after the first relevant event we wait
//! until [`QUIET`] passes without another, then report one change. Rapid saves and
//! atomic saves (write a temporary file, rename it over the original) thus cause one
//! rebuild, and the build only reads files once things have settled.
//!
//! Where the platform reports files being closed after writing (inotify), a change
//! made only of writes to existing files, each closed since, settles after
//! [`CLOSED_QUIET`] instead: the writer has said it is done, and a save that follows at
//! once still lands (a build during which sources change is thrown away). A source
//! that has been written to but not closed yet (a copy from a network share, a script
//! writing a report piece by piece) is waited for, up to [`WRITER_LIMIT`]: a pause
//! longer than [`QUIET`] in the middle of a file must not get half of it built and
//! served.

use std::collections::HashSet;
use std::path::{Component, Path, PathBuf};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::mpsc::{Receiver, RecvTimeoutError, channel};
use std::time::{Duration, Instant};

use notify::event::{AccessKind, AccessMode, MetadataKind, ModifyKind};
use notify::{Event, EventKind, RecommendedWatcher, RecursiveMode, Watcher};

use crate::config::CONFIG_FILE as CONFIG;
use crate::paths::SOURCE_FOLDERS as FOLDERS;

/// How long things must stay quiet before a rebuild.
pub const QUIET: Duration = Duration::from_millis(150);
/// How long things must stay quiet before a rebuild when every file written was closed
/// and nothing was created, removed or renamed: long enough to take in an editor's
/// follow-up (a `chmod`, the next file of a multi-file save) without a second build.
pub const CLOSED_QUIET: Duration = Duration::from_millis(25);
/// How long a source still open for writing may hold a rebuild back after the last
/// event (a writer that never closes, or a close event we missed).
pub const WRITER_LIMIT: Duration = Duration::from_secs(3);
/// Whether the watcher reports files closed after writing, so that we can tell a file
/// still being written.
const SEES_CLOSE_WRITE: bool = cfg!(any(target_os = "linux", target_os = "android"));

pub enum Wait {
    /// Sources changed.
    Changed(Changes),
    /// Nothing happened within the timeout.
    Idle,
    /// The watcher is gone.
    Closed,
}

/// What changed while the watcher waited.
#[derive(Debug, Default)]
pub struct Changes {
    /// Relative to the site's root, sorted, each once.
    pub paths: Vec<PathBuf>,
    /// Whether files or folders may have been created, removed or renamed, or events
    /// lost, rather than existing files only written to. Always, where the platform does
    /// not tell these apart for certain (only inotify is relied on).
    pub structural: bool,
    /// Whether a file written was seen closed (inotify only).
    closed: bool,
}

impl Changes {
    fn is_empty(&self) -> bool {
        self.paths.is_empty()
    }
}

pub struct SiteWatcher {
    watcher: RecommendedWatcher,
    events: Receiver<notify::Result<Event>>,
    root: PathBuf,
    /// Changes seen by [`SiteWatcher::changed_meanwhile`], for the next wait.
    pending: Changes,
    /// Sources written to and not closed since (absolute paths, as in events).
    writing: HashSet<PathBuf>,
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
        Ok(SiteWatcher {
            watcher,
            events,
            root,
            pending: Changes::default(),
            writing: HashSet::new(),
        })
    }

    /// Waits up to `timeout` for a relevant event (or takes those seen during the last
    /// build), then for things to settle: [`QUIET`] without another event, and no
    /// source still open for writing.
    pub fn wait(&mut self, timeout: Duration, stop: &AtomicBool) -> Wait {
        let deadline = Instant::now() + timeout;
        let mut changed = std::mem::take(&mut self.pending);
        while changed.is_empty() {
            let left = deadline.saturating_duration_since(Instant::now());
            match self.events.recv_timeout(left) {
                Ok(event) => self.collect(event, &mut changed),
                Err(RecvTimeoutError::Timeout) => return Wait::Idle,
                Err(RecvTimeoutError::Disconnected) => return Wait::Closed,
            }
        }
        let mut last_event = Instant::now();
        while !stop.load(Ordering::SeqCst) {
            // A file deleted while open for writing sends no close event we would see.
            self.writing.retain(|p| p.exists());
            let settle = settle_time(self.writing.is_empty(), &changed);
            let left = (last_event + settle).saturating_duration_since(Instant::now());
            if left.is_zero() {
                // Given up on writers that never closed: they no longer hold anything back.
                self.writing.clear();
                break;
            }
            // In slices, so that a long wait for a writer still notices `stop`.
            match self.events.recv_timeout(left.min(QUIET)) {
                Ok(event) => {
                    let before = changed.paths.len();
                    self.collect(event, &mut changed);
                    if changed.paths.len() != before {
                        last_event = Instant::now();
                    }
                }
                Err(RecvTimeoutError::Timeout) => {}
                Err(RecvTimeoutError::Disconnected) => break,
            }
        }
        changed.paths.sort();
        changed.paths.dedup();
        Wait::Changed(changed)
    }

    /// Whether sources changed since the last [`SiteWatcher::wait`] returned (while a
    /// build was reading them); a file still open for writing has changed too. Never
    /// blocks; the changes are kept, so the next wait reports them at once.
    pub fn changed_meanwhile(&mut self) -> bool {
        let mut pending = std::mem::take(&mut self.pending);
        while let Ok(event) = self.events.try_recv() {
            self.collect(event, &mut pending);
        }
        self.pending = pending;
        !self.pending.is_empty()
    }

    /// Adds the event's relevant paths to `changed`, and starts watching source folders
    /// created since we started.
    fn collect(&mut self, event: notify::Result<Event>, changed: &mut Changes) {
        let event = match event {
            Ok(e) => e,
            Err(e) => {
                eprintln!("warning: file watching: {e}");
                return;
            }
        };
        if event.need_rescan() {
            // Events were lost, close events perhaps among them.
            self.writing.clear();
            changed.paths.push(self.root.clone());
            changed.structural = true;
            return;
        }
        if !is_relevant_kind(&event.kind) {
            return;
        }
        for path in event.paths {
            let Some(rel) = relevant_path(&self.root, &path) else {
                continue;
            };
            if SEES_CLOSE_WRITE {
                match event.kind {
                    EventKind::Modify(ModifyKind::Data(_)) => {
                        self.writing.insert(path.clone());
                    }
                    EventKind::Access(AccessKind::Close(AccessMode::Write))
                    | EventKind::Modify(ModifyKind::Name(_))
                    | EventKind::Remove(_) => {
                        self.writing.remove(&path);
                        changed.closed |= matches!(event.kind, EventKind::Access(_));
                    }
                    _ => {}
                }
            }
            if rel.components().count() == 1 && path.is_dir() {
                // A source folder that appeared (or was replaced) after we started.
                if let Err(e) = self.watcher.watch(&path, RecursiveMode::Recursive) {
                    eprintln!("warning: cannot watch {}: {e}", path.display());
                }
            }
            changed.structural |= !SEES_CLOSE_WRITE || !is_write(&event.kind);
            changed.paths.push(rel);
        }
    }
}

/// How long to wait after the last event: for a writer still at work, [`WRITER_LIMIT`];
/// after writes to existing files that were all closed, [`CLOSED_QUIET`]; else [`QUIET`].
fn settle_time(writers_done: bool, changed: &Changes) -> Duration {
    if !writers_done {
        WRITER_LIMIT
    } else if changed.closed && !changed.structural {
        CLOSED_QUIET
    } else {
        QUIET
    }
}

/// Whether an event is a write to a file that exists (or a change of its metadata):
/// what leaves the folders' listings as they were.
fn is_write(kind: &EventKind) -> bool {
    matches!(
        kind,
        EventKind::Modify(ModifyKind::Data(_) | ModifyKind::Metadata(_))
            | EventKind::Access(AccessKind::Close(AccessMode::Write))
    )
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
    // The loader's rule: a file it skips cannot change the site.
    (source && !hidden && !crate::content::is_ignored_name(last)).then(|| rel.to_path_buf())
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::io::Write;

    fn changed(wait: Wait) -> Vec<PathBuf> {
        match wait {
            Wait::Changed(changes) => changes.paths,
            Wait::Idle => panic!("no change seen"),
            Wait::Closed => panic!("the watcher closed"),
        }
    }

    #[test]
    fn waits_for_a_writer_and_keeps_changes_seen_during_a_build() {
        let tmp = tempfile::tempdir().unwrap();
        let root = tmp.path();
        std::fs::create_dir_all(root.join("content")).unwrap();
        let mut watcher = SiteWatcher::new(root).unwrap();
        let stop = AtomicBool::new(false);

        // A writer pausing for longer than QUIET in the middle of the file.
        let doc = root.join("content/a.md");
        let writer = std::thread::spawn(move || {
            let mut file = std::fs::File::create(doc).unwrap();
            file.write_all(b"---\n").unwrap();
            std::thread::sleep(QUIET * 4);
            file.write_all(b"title: A\n---\n").unwrap();
            drop(file);
            Instant::now()
        });
        let paths = changed(watcher.wait(Duration::from_secs(5), &stop));
        let returned = Instant::now();
        let closed = writer.join().unwrap();
        assert_eq!(paths, [PathBuf::from("content/a.md")]);
        if SEES_CLOSE_WRITE {
            assert!(returned > closed, "reported the change before the file was closed");
        }

        // A change while a build runs is noticed, and reported by the next wait.
        assert!(!watcher.changed_meanwhile());
        std::fs::write(root.join("content/b.md"), "---\ntitle: B\n---\n").unwrap();
        let start = Instant::now();
        while !watcher.changed_meanwhile() {
            assert!(start.elapsed() < Duration::from_secs(5), "change not seen");
            std::thread::sleep(Duration::from_millis(10));
        }
        let paths = changed(watcher.wait(Duration::from_millis(1), &stop));
        assert_eq!(paths, [PathBuf::from("content/b.md")]);
        assert!(!watcher.changed_meanwhile());
    }

    #[test]
    fn tells_writes_to_existing_files_from_other_changes() {
        let tmp = tempfile::tempdir().unwrap();
        let root = tmp.path();
        std::fs::create_dir_all(root.join("content/reports")).unwrap();
        std::fs::write(root.join("content/reports/2018.md"), "一").unwrap();
        let mut watcher = SiteWatcher::new(root).unwrap();
        let stop = AtomicBool::new(false);
        let wait = |watcher: &mut SiteWatcher| match watcher.wait(Duration::from_secs(5), &stop) {
            Wait::Changed(changes) => changes,
            _ => panic!("no change seen"),
        };

        let mut file = std::fs::File::options()
            .append(true)
            .open(root.join("content/reports/2018.md"))
            .unwrap();
        file.write_all("二".as_bytes()).unwrap();
        drop(file);
        let written = wait(&mut watcher);
        assert_eq!(written.paths, [PathBuf::from("content/reports/2018.md")]);
        assert_eq!(
            written.structural, !SEES_CLOSE_WRITE,
            "a write, told apart where inotify is used"
        );
        let quick = if SEES_CLOSE_WRITE { CLOSED_QUIET } else { QUIET };
        assert_eq!(settle_time(true, &written), quick, "closed after writing");

        std::fs::write(root.join("content/reports/2019.md"), "三").unwrap();
        let created = wait(&mut watcher);
        assert!(created.structural, "a file created");
        assert_eq!(settle_time(true, &created), QUIET, "created: an atomic save may follow");
        std::fs::rename(
            root.join("content/reports/2019.md"),
            root.join("content/reports/2020.md"),
        )
        .unwrap();
        assert!(wait(&mut watcher).structural, "a file renamed");
        std::fs::remove_file(root.join("content/reports/2020.md")).unwrap();
        assert!(wait(&mut watcher).structural, "a file removed");
    }

    #[test]
    fn settles_sooner_only_after_closed_writes() {
        let closed = Changes {
            paths: vec![PathBuf::from("content/a.md")],
            structural: false,
            closed: true,
        };
        assert_eq!(settle_time(true, &closed), CLOSED_QUIET);
        assert_eq!(settle_time(false, &closed), WRITER_LIMIT, "another file still open");
        let touched = Changes {
            closed: false,
            ..closed
        };
        assert_eq!(
            settle_time(true, &touched),
            QUIET,
            "metadata only: no writer said it was done"
        );
        let renamed = Changes {
            structural: true,
            closed: true,
            paths: touched.paths,
        };
        assert_eq!(settle_time(true, &renamed), QUIET);
    }

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
