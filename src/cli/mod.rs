//! Argument parsing (clap) and the commands' output.

use std::io::IsTerminal;
use std::path::{Path, PathBuf};

use anyhow::Context as _;
use std::process::ExitCode;
use std::time::Duration;

use clap::{Parser, Subcommand};
use gongshi::build::{self, BuildError, BuildOptions};
use gongshi::diagnostics::{Diagnostic, Diagnostics};
use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};

#[derive(Parser)]
#[command(
    name = "gongshi",
    version,
    about = "公示: builds a static transparency portal from Markdown reports, statements and commitments"
)]
struct Cli {
    /// The site's folder (holds config.yaml and content/).
    #[arg(long, global = true, default_value = ".")]
    root: PathBuf,
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Build the site into the output folder (ROOT/public by default).
    Build {
        /// Where to write the site.
        #[arg(long, short = 'o')]
        output_dir: Option<PathBuf>,
        /// Override config.yaml's base_url (e.g. for a staging host).
        #[arg(long, short = 'u')]
        base_url: Option<String>,
        /// Include documents marked `draft: true`.
        #[arg(long)]
        drafts: bool,
        /// Print the wall time of each build phase.
        #[arg(long)]
        timings: bool,
    },
    /// Build, serve over HTTP, rebuild on change and reload open pages.
    Serve {
        #[arg(long, short = 'i', default_value = "127.0.0.1")]
        interface: String,
        #[arg(long, short = 'p', default_value_t = 1111)]
        port: u16,
        /// Include documents marked `draft: true`.
        #[arg(long)]
        drafts: bool,
        /// Print the wall time of each phase of every build.
        #[arg(long)]
        timings: bool,
    },
    /// Load, validate and proof-read everything without writing a site; exit 1 on
    /// errors (and on warnings with --deny-warnings).
    Check {
        /// Include documents marked `draft: true`.
        #[arg(long)]
        drafts: bool,
        /// A previously built site: fail if a URL or anchor it published would
        /// disappear. Default: the output folder, when it holds a manifest.
        #[arg(long, value_name = "DIR")]
        previous: Option<PathBuf>,
        /// `human` (on stderr) or `json` (one document on stdout, for tools).
        #[arg(long, value_enum, default_value = "human")]
        format: Format,
        /// Exit 1 when there are warnings (proof-reading findings included).
        #[arg(long)]
        deny_warnings: bool,
    },
    /// Check a deployed copy of the site against its manifest.json: name every file
    /// that differs, is missing or is extra; exit 1 if any.
    Verify {
        /// The folder to check (a copy of the built site).
        dir: PathBuf,
    },
    /// Scaffold new content.
    New {
        #[command(subcommand)]
        what: NewCommand,
    },
}

/// How `check` reports.
#[derive(Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
enum Format {
    Human,
    Json,
}

#[derive(Subcommand)]
enum NewCommand {
    /// A report for YEAR with the previous year's headings and metric keys, values empty.
    Report {
        #[arg(long)]
        year: i32,
        /// The section (folder under content/) holding the reports.
        #[arg(long, default_value = "reports")]
        section: String,
    },
}

pub fn run() -> ExitCode {
    let cli = Cli::parse();
    let result = match cli.command {
        Command::Build {
            output_dir,
            base_url,
            drafts,
            timings,
        } => {
            let mut opts = BuildOptions::new(&cli.root);
            if let Some(o) = output_dir {
                opts.output_dir = o;
            }
            opts.base_url = base_url;
            opts.drafts = drafts;
            run_build(&opts, timings)
        }
        Command::Check {
            drafts,
            previous,
            format,
            deny_warnings,
        } => {
            let mut opts = BuildOptions::new(&cli.root);
            opts.drafts = drafts;
            run_check(&opts, previous.as_deref(), format, deny_warnings)
        }
        Command::Verify { dir } => run_verify(&dir),
        Command::Serve {
            interface,
            port,
            drafts,
            timings,
        } => {
            let opts = gongshi::serve::ServeOptions {
                interface,
                port,
                drafts,
                timings,
            };
            gongshi::serve::serve(&cli.root, &opts).map(|_| ExitCode::SUCCESS)
        }
        Command::New {
            what: NewCommand::Report { year, section },
        } => gongshi::scaffold::new_report(&cli.root, &section, year)
            .map(|path| {
                println!("created {}", path.display());
                ExitCode::SUCCESS
            })
            .map_err(anyhow::Error::from),
    };
    match result {
        Ok(code) => code,
        Err(e) => {
            eprintln!("{e:#}");
            ExitCode::FAILURE
        }
    }
}

/// A progress bar that appears only on a terminal, and only once a build has taken
/// more than a second: quick builds and CI logs stay clean.
fn delayed_progress() -> ProgressBar {
    let bar = ProgressBar::with_draw_target(None, ProgressDrawTarget::hidden());
    bar.set_style(
        ProgressStyle::with_template("{spinner} 生成页面 {pos}/{len} {wide_bar} {elapsed}").expect("valid template"),
    );
    if std::io::stderr().is_terminal() {
        let b = bar.clone();
        std::thread::spawn(move || {
            std::thread::sleep(Duration::from_secs(1));
            if !b.is_finished() {
                b.set_draw_target(ProgressDrawTarget::stderr());
                b.enable_steady_tick(Duration::from_millis(120));
            }
        });
    }
    bar
}

fn report_error(e: &BuildError) {
    match e {
        BuildError::Invalid(diags) => {
            eprint!("{diags}");
            let n = diags.errors().count();
            eprintln!(
                "{n} error{}; nothing was written, the previous site is untouched.",
                if n == 1 { "" } else { "s" }
            );
        }
        BuildError::Io { .. } => {
            eprintln!("error: {e}\nnothing was published; the previous site is untouched.")
        }
    }
}

fn run_build(opts: &BuildOptions, timings: bool) -> anyhow::Result<ExitCode> {
    let bar = delayed_progress();
    match build::build(opts, &bar) {
        Ok(s) => {
            print_warnings(&s);
            if s.up_to_date {
                println!(
                    "{} is up to date: nothing changed since the last build ({} pages, {} files), checked in {} ms",
                    opts.output_dir.display(),
                    s.pages,
                    s.files,
                    s.elapsed.as_millis()
                );
            } else {
                println!(
                    "built {} into {} in {} ms",
                    s.made(),
                    opts.output_dir.display(),
                    s.elapsed.as_millis()
                );
            }
            if timings {
                for p in &s.phases {
                    eprint!("{p}");
                }
            }
            Ok(ExitCode::SUCCESS)
        }
        Err(e) => {
            bar.finish_and_clear();
            report_error(&e);
            Ok(ExitCode::FAILURE)
        }
    }
}

/// A build's warnings, the proof-reader's findings cut short when there are many.
fn print_warnings(s: &build::BuildSummary) {
    eprint!("{}", s.warnings_shown());
}

fn run_verify(dir: &Path) -> anyhow::Result<ExitCode> {
    let report = gongshi::record::verify::verify(dir).with_context(|| {
        format!(
            "cannot verify {}: is it a site built by gongshi (with manifest.json)?",
            dir.display()
        )
    })?;
    for f in &report.changed {
        println!("changed: {f}");
    }
    for f in &report.missing {
        println!("missing: {f}");
    }
    for f in &report.extra {
        println!("extra:   {f}");
    }
    if report.is_intact() {
        println!("ok: {} files match the manifest", report.checked);
        Ok(ExitCode::SUCCESS)
    } else {
        println!(
            "{} changed, {} missing, {} extra",
            report.changed.len(),
            report.missing.len(),
            report.extra.len()
        );
        Ok(ExitCode::FAILURE)
    }
}

fn run_check(
    opts: &BuildOptions,
    previous: Option<&Path>,
    format: Format,
    deny_warnings: bool,
) -> anyhow::Result<ExitCode> {
    let result = build::check(opts, previous);
    if format == Format::Json {
        let diags = match &result {
            Ok(s) => s.warnings.clone(),
            Err(BuildError::Invalid(d)) => d.clone(),
            Err(e @ BuildError::Io { path, .. }) => Diagnostics(vec![Diagnostic::error(path, e.to_string())]),
        };
        println!("{}", diags.to_json());
        let failed = diags.has_errors() || (deny_warnings && !diags.is_empty());
        return Ok(if failed { ExitCode::FAILURE } else { ExitCode::SUCCESS });
    }
    match result {
        Ok(s) => {
            eprint!("{}", s.warnings);
            let warnings = s.warnings.warnings().count();
            println!(
                "ok: {} pages, {} warnings, in {} ms",
                s.pages,
                warnings,
                s.elapsed.as_millis()
            );
            if deny_warnings && warnings > 0 {
                eprintln!(
                    "--deny-warnings: {warnings} warning{} count as failure",
                    if warnings == 1 { "" } else { "s" }
                );
                return Ok(ExitCode::FAILURE);
            }
            Ok(ExitCode::SUCCESS)
        }
        Err(e) => {
            report_error(&e);
            Ok(ExitCode::FAILURE)
        }
    }
}
