//! Wall time and peak memory per build phase, for `gongshi build --timings` and
//! `scripts/bench`.
//!
//! A profile says which functions are hot; this says which step of the pipeline the
//! time (and the memory) goes to, which is what a publishing officer (or the next
//! engineer) can act on. The allocator is mimalloc, which heap profilers such as
//! heaptrack do not see, so the process's own high-water mark is the measure.

use std::sync::Mutex;
use std::time::{Duration, Instant};

/// One finished phase.
#[derive(Debug, Clone, Copy)]
pub struct Phase {
    pub name: &'static str,
    pub took: Duration,
    /// The process's peak resident memory when the phase ended, in KiB (`VmHWM`);
    /// `None` where `/proc` is not there.
    pub peak_kib: Option<u64>,
}

impl std::fmt::Display for Phase {
    /// `  name    123 ms  peak   456 MB`, as `--timings` prints it.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let peak = self
            .peak_kib
            .map_or(String::new(), |k| format!("  peak {:>5} MB", k / 1024));
        writeln!(f, "  {:<24} {:>7} ms{peak}", self.name, self.took.as_millis())
    }
}

/// Phases in the order they finished. Cheap enough to be always on.
#[derive(Debug, Default)]
pub struct Timings {
    phases: Mutex<Vec<Phase>>,
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
        let phase = Phase {
            name,
            took,
            peak_kib: peak_kib(),
        };
        self.phases.lock().expect("timings lock").push(phase);
    }

    pub fn phases(&self) -> Vec<Phase> {
        self.phases.lock().expect("timings lock").clone()
    }
}

/// `VmHWM` from `/proc/self/status` (Linux): the most memory the process has held.
fn peak_kib() -> Option<u64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    let line = status.lines().find(|l| l.starts_with("VmHWM:"))?;
    line.split_whitespace().nth(1)?.parse().ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn records_phases_in_order_with_peak_memory_on_linux() {
        let t = Timings::default();
        let v = t.phase("first", || vec![0u8; 1 << 20]);
        t.record("second", Duration::from_millis(5));
        let phases = t.phases();
        assert_eq!(phases.iter().map(|p| p.name).collect::<Vec<_>>(), ["first", "second"]);
        assert_eq!(phases[1].took, Duration::from_millis(5));
        if cfg!(target_os = "linux") {
            let peak = phases[1].peak_kib.expect("VmHWM on Linux");
            assert!(peak >= v.len() as u64 / 1024, "peak {peak} KiB below the 1 MiB held");
        }
    }
}
