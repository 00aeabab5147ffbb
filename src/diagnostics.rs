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
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, serde::Serialize, serde::Deserialize)]
pub enum Severity {
    Error,
    Warning,
}

/// One problem, located as precisely as we know.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
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
    /// The proof-reading rule that found it (`numbering`, `punctuation`…), so that
    /// it can be silenced by name; none for everything else.
    pub rule: Option<String>,
    /// The offending text itself (`五是`, `、；`), underlined in the source line.
    pub snippet: Option<String>,
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
            rule: None,
            snippet: None,
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

    /// Names the proof-reading rule behind a warning.
    pub fn with_rule(mut self, rule: impl Into<String>) -> Self {
        self.rule = Some(rule.into());
        self
    }

    /// The offending text, underlined under the source line.
    pub fn with_snippet(mut self, text: impl Into<String>) -> Self {
        self.snippet = Some(text.into());
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

    /// The order that keeps output deterministic whatever order threads finished in.
    /// (Borrowed, not a cloned key: a large site's proof-reading sorts tens of
    /// thousands of these.)
    pub fn order(&self, other: &Diagnostic) -> std::cmp::Ordering {
        (
            self.severity,
            &self.file,
            self.line.unwrap_or(0),
            self.column.unwrap_or(0),
            &self.message,
        )
            .cmp(&(
                other.severity,
                &other.file,
                other.line.unwrap_or(0),
                other.column.unwrap_or(0),
                &other.message,
            ))
            .then_with(|| self.rule.cmp(&other.rule))
            .then_with(|| self.snippet.cmp(&other.snippet))
            .then_with(|| self.help.cmp(&other.help))
            .then_with(|| self.source_line.cmp(&other.source_line))
    }
}

impl fmt::Display for Diagnostic {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let label = match self.severity {
            Severity::Error => "error",
            Severity::Warning => "warning",
        };
        write!(f, "{label}: {}: {}", self.location(), self.message)?;
        match &self.rule {
            Some(rule) => writeln!(f, " [{rule}]")?,
            None => writeln!(f)?,
        }
        if let Some(src) = &self.source_line {
            let gutter = self.line.map(|l| l.to_string()).unwrap_or_default();
            let pad = " ".repeat(gutter.len());
            let chars: Vec<char> = src.chars().collect();
            let width = |cs: &[char]| cs.iter().map(|c| if is_wide(*c) { 2 } else { 1 }).sum::<usize>();
            let col = self.column.map(|c| c.saturating_sub(1).min(chars.len()));
            let snippet_len = match (&self.snippet, col) {
                (Some(s), Some(c)) if chars[c..].iter().collect::<String>().starts_with(s.as_str()) => {
                    s.chars().count()
                }
                _ => 1,
            };
            // A Chinese paragraph is one long source line: show the part around the
            // column, not hundreds of characters.
            let (from, to) = match col {
                Some(c) if width(&chars) > 100 => {
                    let mut from = c;
                    while from > 0 && width(&chars[from - 1..c]) <= 40 {
                        from -= 1;
                    }
                    let mut to = (c + snippet_len).min(chars.len());
                    while to < chars.len() && width(&chars[c + snippet_len.min(chars.len() - c)..to + 1]) <= 40 {
                        to += 1;
                    }
                    (from, to)
                }
                _ => (0, chars.len()),
            };
            let (open, close) = (
                if from > 0 { "..." } else { "" },
                if to < chars.len() { "..." } else { "" },
            );
            let shown: String = chars[from..to].iter().collect();
            writeln!(f, "{pad} |")?;
            writeln!(f, "{gutter} | {open}{shown}{close}")?;
            if let Some(c) = col {
                // Chinese characters take two columns in a terminal: an ideographic
                // space keeps the caret under them.
                let indent: String = chars[from..c]
                    .iter()
                    .map(|&ch| match ch {
                        '\t' => '\t',
                        ch if is_wide(ch) => '\u{3000}',
                        _ => ' ',
                    })
                    .collect();
                let under = width(&chars[c..(c + snippet_len).min(chars.len())]).max(1);
                writeln!(f, "{pad} | {}{indent}{}", " ".repeat(open.len()), "^".repeat(under))?;
            }
        }
        if let Some(help) = &self.help {
            writeln!(f, "  = help: {help}")?;
        }
        Ok(())
    }
}

/// Whether a terminal shows `c` two columns wide (CJK and full-width forms).
fn is_wide(c: char) -> bool {
    matches!(c as u32, 0x1100..=0x115F | 0x2E80..=0x303E | 0x3041..=0x33FF | 0x3400..=0x4DBF | 0x4E00..=0x9FFF
        | 0xA000..=0xA4CF | 0xAC00..=0xD7A3 | 0xF900..=0xFAFF | 0xFE30..=0xFE4F | 0xFF00..=0xFF60
        | 0xFFE0..=0xFFE6 | 0x20000..=0x3FFFD)
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
        self.0.sort_by(Diagnostic::order);
        self.0.dedup();
    }
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    /// One JSON document for tools (`gongshi check --format json`): counts and every
    /// diagnostic with file, line, column, severity, rule, message, help, the
    /// offending text and its source line (absent values are `null`).
    pub fn to_json(&self) -> String {
        let items: Vec<serde_json::Value> = self
            .0
            .iter()
            .map(|d| {
                serde_json::json!({
                    "file": d.file.to_string_lossy().replace('\\', "/"),
                    "line": d.line,
                    "column": d.column,
                    "severity": match d.severity { Severity::Error => "error", Severity::Warning => "warning" },
                    "rule": d.rule,
                    "message": d.message,
                    "help": d.help,
                    "text": d.snippet,
                    "source_line": d.source_line,
                })
            })
            .collect();
        let doc = serde_json::json!({
            "errors": self.errors().count(),
            "warnings": self.warnings().count(),
            "diagnostics": items,
        });
        serde_json::to_string_pretty(&doc).expect("JSON of plain values")
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
    fn rule_and_wide_underline() {
        let src = "本报告所做工作的工作。";
        let d = Diagnostic::warning("a.md", "`工作的工作` repeats `工作`")
            .at(src, 1, 6)
            .with_rule("repetition")
            .with_snippet("工作的工作");
        let text = d.to_string();
        assert!(
            text.starts_with("warning: a.md:1:6: `工作的工作` repeats `工作` [repetition]\n"),
            "{text}"
        );
        assert!(
            text.contains("  | \u{3000}\u{3000}\u{3000}\u{3000}\u{3000}^^^^^^^^^^\n"),
            "{text}"
        );
        let json: serde_json::Value = serde_json::from_str(&Diagnostics(vec![d]).to_json()).unwrap();
        assert_eq!(json["warnings"], 1);
        assert_eq!(json["diagnostics"][0]["rule"], "repetition");
        assert_eq!(json["diagnostics"][0]["text"], "工作的工作");
        assert_eq!(json["diagnostics"][0]["column"], 6);
    }

    #[test]
    fn closest_spelling() {
        assert_eq!(closest("yaer", ["title", "year", "date"]), Some("year"));
        assert_eq!(closest("metircs", ["metrics", "extra"]), Some("metrics"));
        assert_eq!(closest("zzzzzz", ["title", "year"]), None);
    }
}
