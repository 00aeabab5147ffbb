//! Wall time per build phase, for `gongshi build --timings` and `scripts/bench`.
//!
//! A profile says which functions are hot; this says which step of the pipeline the
//! time goes to, which is what a publishing officer (or the next engineer) can act on.

use std::sync::Mutex;
use std::time::{Duration, Instant};

/// Phases in the order they finished. Cheap enough to be always on.
#[derive(Debug, Default)]
pub struct Timings {
    phases: Mutex<Vec<(&'static str, Duration)>>,
}

impl Timings {
    /// Runs `f`, recording its wall time under `name`.
    pub fn phase<T>(&self, name: &'static str, f: impl FnOnce() -> T) -> T {
        let start = Instant::now();
        let out = f();
        self.record(name, start.elapsed());
        out
    }

    pub fn record(&self, name: &'static str, took: Duration) {
        self.phases.lock().expect("timings lock").push((name, took));
    }

    pub fn phases(&self) -> Vec<(&'static str, Duration)> {
        self.phases.lock().expect("timings lock").clone()
    }
}
