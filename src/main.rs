//! The command line: the only place that uses `anyhow` and prints.

mod cli;

fn main() -> std::process::ExitCode {
    cli::run()
}
