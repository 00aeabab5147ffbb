//! The command line: the only place that uses `anyhow` and prints.

mod cli;

/// mimalloc instead of glibc's malloc: the build allocates many short-lived strings and
/// vectors on every rayon thread, and glibc's allocator took about a seventh of the
/// build's time (`scripts/bench`, profile in the #7 note).
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() -> std::process::ExitCode {
    cli::run()
}
