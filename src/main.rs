//! The command line: the only place that uses `anyhow` and prints.

mod cli;

/// mimalloc instead of glibc's malloc: the build allocates many short-lived strings and
/// vectors on every rayon thread, and glibc's allocator took about a seventh of the
/// build's time (`scripts/bench`, profile in the #7 note).
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

unsafe extern "C" {
    /// From the mimalloc library the `mimalloc` crate links; declared here because the
    /// crate exposes it only behind a feature that needs another dependency.
    fn mi_option_set(option: std::ffi::c_int, value: std::ffi::c_long);
}

/// `mi_option_purge_delay` in mimalloc's `mi_option_t` (v2 and v3 alike).
const MI_OPTION_PURGE_DELAY: std::ffi::c_int = 15;

fn main() -> std::process::ExitCode {
    // Freed memory is never handed back to the system: handing it back only to fault it
    // in again (zeroed, page by page) cost a build of 1,300 reports some 4 s of CPU time
    // in 57,000 page faults (4,300 without), and each `serve` rebuild at 13,000 reports
    // some 100 ms more. A build exits soon; `serve` keeps what its largest build used, as
    // it keeps that build's pages and keys for the next one.
    // SAFETY: sets a plain integer option; mimalloc reads options at any time.
    unsafe { mi_option_set(MI_OPTION_PURGE_DELAY, -1) };
    cli::run()
}
