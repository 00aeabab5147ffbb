//! Diagnostics: one error or warning, tied to a place in a file.
//!
//! Every layer (config, content, markdown, templates, output) reports problems as
//! [`Diagnostic`]s so that the publishing officer always sees the same shape of
//! message: `file:line:column`, what is wrong, the offending source line, and what to
//! do about it. Layers wrap these in their own `thiserror` types; only the CLI uses
//! `anyhow`.

use std::fmt;
use std::path::{Path, PathBuf};

/// How serious a diagnostic is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Severity {
    Error,
    Warning,
}

/// One problem, located as precisely as we know.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Diagnostic {
    pub severity: Severity,
    /// Path as the user knows it (relative to the site root where possible).
    pub file: PathBuf,
    /// 1-based line, when known.
    pub line: Option<usize>,
    /// 1-based column (in characters), when known.
    pub column: Option<usize>,
    pub message: String,
    /// What to do about it.
    pub help: Option<String>,
    /// The text of the offending line, shown under the message.
    pub source_line: Option<String>,
}

impl Diagnostic {
    pub fn error(file: impl Into<PathBuf>, message: impl Into<String>) -> Self {
        Diagnostic {
            severity: Severity::Error,
            file: file.into(),
            line: None,
            column: None,
            message: message.into(),
            help: None,
            source_line: None,
        }
    }

    pub fn warning(file: impl Into<PathBuf>, message: impl Into<String>) -> Self {
        Diagnostic {
            severity: Severity::Warning,
            ..Diagnostic::error(file, message)
        }
    }

    /// Sets the line (1-based) and fills in the source line from `source`, the whole
    /// text of the file.
    pub fn at_line(mut self, source: &str, line: usize) -> Self {
        self.line = Some(line.max(1));
        self.source_line = source.lines().nth(line.max(1) - 1).map(|l| l.to_string());
        self
    }

    /// Sets line and column (both 1-based).
    pub fn at(self, source: &str, line: usize, column: usize) -> Self {
        let mut d = self.at_line(source, line);
        d.column = Some(column.max(1));
        d
    }

    pub fn with_help(mut self, help: impl Into<String>) -> Self {
        self.help = Some(help.into());
        self
    }

    pub fn is_error(&self) -> bool {
        self.severity == Severity::Error
    }

    /// `file:line:column` as editors understand it.
    pub fn location(&self) -> String {
        let mut s = self.file.display().to_string();
        if let Some(line) = self.line {
            s.push_str(&format!(":{line}"));
            if let Some(col) = self.column {
                s.push_str(&format!(":{col}"));
            }
        }
        s
    }

    /// Sort key that keeps output deterministic whatever order threads finished in.
    pub fn sort_key(&self) -> (Severity, PathBuf, usize, usize, String) {
        (
            self.severity,
            self.file.clone(),
            self.line.unwrap_or(0),
            self.column.unwrap_or(0),
            self.message.clone(),
        )
    }
}

impl fmt::Display for Diagnostic {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let label = match self.severity {
            Severity::Error => "error",
            Severity::Warning => "warning",
        };
        writeln!(f, "{label}: {}: {}", self.location(), self.message)?;
        if let Some(src) = &self.source_line {
            let gutter = self.line.map(|l| l.to_string()).unwrap_or_default();
            let pad = " ".repeat(gutter.len());
            writeln!(f, "{pad} |")?;
            writeln!(f, "{gutter} | {src}")?;
            if let Some(col) = self.column {
                let indent: String = src
                    .chars()
                    .take(col.saturating_sub(1))
                    .map(|c| if c == '\t' { '\t' } else { ' ' })
                    .collect();
                writeln!(f, "{pad} | {indent}^")?;
            }
        }
        if let Some(help) = &self.help {
            writeln!(f, "  = help: {help}")?;
        }
        Ok(())
    }
}

/// A set of diagnostics, kept sorted for deterministic output.
#[derive(Debug, Default, Clone)]
pub struct Diagnostics(pub Vec<Diagnostic>);

impl Diagnostics {
    pub fn push(&mut self, d: Diagnostic) {
        self.0.push(d);
    }
    pub fn extend(&mut self, other: impl IntoIterator<Item = Diagnostic>) {
        self.0.extend(other);
    }
    pub fn has_errors(&self) -> bool {
        self.0.iter().any(Diagnostic::is_error)
    }
    pub fn errors(&self) -> impl Iterator<Item = &Diagnostic> {
        self.0.iter().filter(|d| d.is_error())
    }
    pub fn warnings(&self) -> impl Iterator<Item = &Diagnostic> {
        self.0.iter().filter(|d| !d.is_error())
    }
    pub fn sort(&mut self) {
        self.0.sort_by_key(Diagnostic::sort_key);
        self.0.dedup();
    }
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }
}

impl fmt::Display for Diagnostics {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for d in &self.0 {
            write!(f, "{d}")?;
        }
        Ok(())
    }
}

/// Closest valid spelling of `word` among `candidates`, if one is close enough to be a
/// plausible typo.
pub fn closest<'a>(word: &str, candidates: impl IntoIterator<Item = &'a str>) -> Option<&'a str> {
    candidates
        .into_iter()
        .map(|c| (strsim::jaro_winkler(word, c), c))
        .filter(|(score, _)| *score > 0.75)
        .max_by(|a, b| a.0.total_cmp(&b.0).then_with(|| b.1.cmp(a.1)))
        .map(|(_, c)| c)
}

/// A path relative to `root` for messages, falling back to the path itself.
pub fn display_path(root: &Path, path: &Path) -> PathBuf {
    path.strip_prefix(root)
        .map(Path::to_path_buf)
        .unwrap_or_else(|_| path.to_path_buf())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn renders_location_source_and_caret() {
        let src = "title: x\nyaer: 2018\n";
        let d = Diagnostic::error("content/reports/2018.md", "unknown key `yaer`")
            .at(src, 2, 1)
            .with_help("did you mean `year`?");
        let text = d.to_string();
        assert!(text.starts_with("error: content/reports/2018.md:2:1: unknown key `yaer`"));
        assert!(text.contains("2 | yaer: 2018"));
        assert!(text.contains("  | ^"));
        assert!(text.contains("help: did you mean `year`?"));
    }

    #[test]
    fn closest_spelling() {
        assert_eq!(closest("yaer", ["title", "year", "date"]), Some("year"));
        assert_eq!(closest("metircs", ["metrics", "extra"]), Some("metrics"));
        assert_eq!(closest("zzzzzz", ["title", "year"]), None);
    }
}
