//! What the HTTP threads and the rebuild loop share: the folder being served and the
//! build status that live-reload clients long-poll.

use std::fs::File;
use std::io::Read;
use std::path::PathBuf;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Condvar, Mutex, MutexGuard, PoisonError, RwLock, RwLockReadGuard, RwLockWriteGuard};
use std::time::{Duration, Instant};

/// The outcome of the latest build, as live-reload clients see it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Status {
    /// Bumped after every build attempt, successful or not.
    pub version: u64,
    /// The diagnostics of the latest build if it failed.
    pub error: Option<String>,
}

struct Inner {
    status: Status,
    stopping: bool,
}

pub struct Shared {
    /// The complete site being served; `None` until a build has succeeded.
    site: RwLock<Option<PathBuf>>,
    inner: Mutex<Inner>,
    changed: Condvar,
    /// Files of the site being sent ([`Shared::hold`]).
    open_files: Arc<AtomicUsize>,
}

/// A file of the site being sent, counted until dropped.
pub struct OpenFile {
    file: File,
    open: Arc<AtomicUsize>,
}

impl Read for OpenFile {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        self.file.read(buf)
    }
}

impl Drop for OpenFile {
    fn drop(&mut self) {
        self.open.fetch_sub(1, Ordering::SeqCst);
    }
}

impl Shared {
    pub fn new() -> Shared {
        Shared {
            site: RwLock::new(None),
            inner: Mutex::new(Inner {
                status: Status {
                    version: 0,
                    error: None,
                },
                stopping: false,
            }),
            changed: Condvar::new(),
            open_files: Arc::default(),
        }
    }

    /// Counts `file`, opened under [`Shared::site`]'s guard, until it is dropped.
    pub fn hold(&self, file: File) -> OpenFile {
        self.open_files.fetch_add(1, Ordering::SeqCst);
        OpenFile {
            file,
            open: self.open_files.clone(),
        }
    }

    /// Whether no file of the site is being sent. Files are opened under the guard
    /// and published files replaced under [`Shared::lock_site`], so once this holds
    /// after a publish, no reader has a replaced file open, nor can open one.
    pub fn no_open_files(&self) -> bool {
        self.open_files.load(Ordering::SeqCst) == 0
    }

    fn lock(&self) -> MutexGuard<'_, Inner> {
        self.inner.lock().unwrap_or_else(PoisonError::into_inner)
    }

    /// The site folder. Hold the guard while opening a file: files of the folder are
    /// replaced only under [`Shared::lock_site`], so a file opened under the guard is
    /// never found missing half-way.
    pub fn site(&self) -> RwLockReadGuard<'_, Option<PathBuf>> {
        self.site.read().unwrap_or_else(PoisonError::into_inner)
    }

    /// Keeps files from being opened while the guard is held (a build being moved in).
    pub fn lock_site(&self) -> RwLockWriteGuard<'_, Option<PathBuf>> {
        self.site.write().unwrap_or_else(PoisonError::into_inner)
    }

    /// Serves `dir`, freshly built, and tells the open pages to reload.
    pub fn publish(&self, dir: PathBuf) {
        *self.lock_site() = Some(dir);
        self.set_status(None);
    }

    /// Records a failed build; the last good site stays in place.
    pub fn fail(&self, error: String) {
        self.set_status(Some(error));
    }

    fn set_status(&self, error: Option<String>) {
        let mut inner = self.lock();
        inner.status.version += 1;
        inner.status.error = error;
        self.changed.notify_all();
    }

    pub fn status(&self) -> Status {
        self.lock().status.clone()
    }

    /// The status as soon as its version differs from `since`, or after `timeout`, or
    /// when the server stops.
    pub fn wait_for_change(&self, since: i64, timeout: Duration) -> Status {
        let deadline = Instant::now() + timeout;
        let mut inner = self.lock();
        while i64::try_from(inner.status.version).ok() == Some(since) && !inner.stopping {
            let now = Instant::now();
            if now >= deadline {
                break;
            }
            inner = self
                .changed
                .wait_timeout(inner, deadline - now)
                .unwrap_or_else(PoisonError::into_inner)
                .0;
        }
        inner.status.clone()
    }

    /// Releases every waiting long-poll.
    pub fn stop(&self) {
        self.lock().stopping = true;
        self.changed.notify_all();
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::path::Path;
    use std::sync::Arc;

    #[test]
    fn long_poll_returns_on_change_or_timeout() {
        let shared = Arc::new(Shared::new());
        assert_eq!(shared.wait_for_change(-1, Duration::from_secs(5)).version, 0);
        let start = Instant::now();
        assert_eq!(shared.wait_for_change(0, Duration::from_millis(50)).version, 0);
        assert!(start.elapsed() >= Duration::from_millis(50));

        let s = shared.clone();
        let waiter = std::thread::spawn(move || s.wait_for_change(0, Duration::from_secs(10)));
        std::thread::sleep(Duration::from_millis(50));
        shared.fail("boom".into());
        let status = waiter.join().unwrap();
        assert_eq!(status.version, 1);
        assert_eq!(status.error.as_deref(), Some("boom"));

        shared.publish(PathBuf::from("a"));
        assert_eq!(shared.status().error, None);
        assert_eq!(shared.site().as_deref(), Some(Path::new("a")));
        shared.publish(PathBuf::from("a"));
        assert_eq!(shared.status().version, 3);
    }

    #[test]
    fn files_being_sent_are_counted_until_dropped() {
        let shared = Shared::new();
        let tmp = tempfile::tempdir().unwrap();
        std::fs::write(tmp.path().join("a.html"), "a").unwrap();
        assert!(shared.no_open_files());
        let mut held = shared.hold(File::open(tmp.path().join("a.html")).unwrap());
        let other = shared.hold(File::open(tmp.path().join("a.html")).unwrap());
        let mut text = String::new();
        held.read_to_string(&mut text).unwrap();
        assert_eq!(text, "a");
        drop(held);
        assert!(!shared.no_open_files());
        drop(other);
        assert!(shared.no_open_files());
    }
}
