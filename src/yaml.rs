//! Typed YAML parsing with located, helpful errors.
//!
//! `yaml_serde` already reports a line and column; this module turns its messages into
//! [`Diagnostic`]s that show the offending line of the *whole file* (front matter sits
//! a few lines into a Markdown file) and, for an unknown key, suggest the closest valid
//! spelling.

use std::path::Path;

use serde::de::DeserializeOwned;

use crate::diagnostics::{Diagnostic, closest};

/// Parses `yaml`, which starts at line `first_line` (1-based) of `file_text`.
pub fn parse<T: DeserializeOwned>(
    file: &Path,
    file_text: &str,
    yaml: &str,
    first_line: usize,
) -> Result<T, Diagnostic> {
    // An empty document is an empty map, not `null`.
    let yaml = if yaml.trim().is_empty() { "{}" } else { yaml };
    yaml_serde::from_str(yaml).map_err(|e| to_diagnostic(file, file_text, first_line, &e))
}

fn to_diagnostic(file: &Path, file_text: &str, first_line: usize, e: &yaml_serde::Error) -> Diagnostic {
    let raw = e.to_string();
    let message = strip_location(&raw);
    let mut d = Diagnostic::error(file, message.clone());
    if let Some(loc) = e.location() {
        d = d.at(file_text, first_line + loc.line() - 1, loc.column());
    }
    if let Some((unknown, expected)) = unknown_field(&message) {
        let help = match closest(&unknown, expected.iter().map(String::as_str)) {
            Some(best) => format!("did you mean `{best}`? Free-form values belong under `extra:`"),
            None => format!(
                "valid keys here are: {}. Free-form values belong under `extra:`",
                expected.join(", ")
            ),
        };
        d = d.with_help(help);
    } else if let Some(help) = type_help(&message) {
        d = d.with_help(help);
    } else if message.contains("missing field") {
        d = d.with_help("add the missing key to the front matter");
    } else {
        d = d.with_help("check the YAML syntax: `key: value`, one per line, indented with spaces");
    }
    d
}

/// Explains serde's "invalid type: …, expected i64" in the officer's terms.
fn type_help(msg: &str) -> Option<String> {
    let expected = msg.split(", expected ").nth(1)?;
    let what = match expected.trim() {
        "i64" | "i32" | "u64" | "u32" | "an integer" => "a whole number written with digits, e.g. year: 2018",
        "f64" | "a number" => "a number written with digits, e.g. 25.9",
        "a string" => "text; put it in quotes if it looks like a number or date",
        "a boolean" => "true or false",
        e if e.starts_with("a sequence") => "a list: one `- item` per line, or [a, b]",
        e if e.starts_with("a map") || e.starts_with("struct") => "a map: indented `key: value` lines",
        _ => return None,
    };
    Some(format!("this key takes {what}"))
}

/// yaml_serde writes " at line L column C" (counted from the start of the front
/// matter, not the file) into its messages; we show the file's location ourselves.
fn strip_location(msg: &str) -> String {
    let mut out = String::with_capacity(msg.len());
    let mut rest = msg;
    while let Some(i) = rest.find(" at line ") {
        out.push_str(&rest[..i]);
        let after = &rest[i + " at line ".len()..];
        let digits = after.chars().take_while(char::is_ascii_digit).count();
        let tail = &after[digits..];
        match tail.strip_prefix(" column ") {
            Some(t) if digits > 0 => rest = t.trim_start_matches(|c: char| c.is_ascii_digit()),
            _ => {
                out.push_str(" at line ");
                rest = after;
            }
        }
    }
    out.push_str(rest);
    out
}

/// Parses serde's "unknown field `x`, expected one of `a`, `b`" (or "expected `a`").
fn unknown_field(msg: &str) -> Option<(String, Vec<String>)> {
    let rest = msg
        .strip_prefix("unknown field `")
        .or_else(|| msg.find("unknown field `").map(|i| &msg[i + "unknown field `".len()..]))?;
    let end = rest.find('`')?;
    let unknown = rest[..end].to_string();
    let expected = rest[end + 1..]
        .split('`')
        .skip(1)
        .step_by(2)
        .map(str::to_string)
        .collect();
    Some((unknown, expected))
}

/// The 1-based line of a top-level `key:` within `yaml`, if present. Used to point at
/// keys whose *value* fails a check done after parsing (a duplicate year, say).
pub fn key_line(yaml: &str, key: &str) -> Option<usize> {
    yaml.lines()
        .position(|l| {
            l.strip_prefix(key)
                .is_some_and(|rest| rest.trim_start().starts_with(':'))
        })
        .map(|i| i + 1)
}

/// The 1-based line of `child:` nested under top-level `parent:` (the parent's line if
/// the child is not in block style).
pub fn nested_key_line(yaml: &str, parent: &str, child: &str) -> Option<usize> {
    path_line(yaml, &[parent, child])
}

/// The 1-based line of a nested key such as `metrics` > `staff` > `value`: the deepest
/// key of `path` that can be found in block style (a flow-style map `{value: …}` is
/// reported at its parent's line).
pub fn path_line(yaml: &str, path: &[&str]) -> Option<usize> {
    let lines: Vec<&str> = yaml.lines().collect();
    let indent = |l: &str| l.len() - l.trim_start().len();
    let is_key = |l: &str, key: &str| {
        l.trim_start()
            .strip_prefix(key)
            .is_some_and(|r| r.trim_start().starts_with(':'))
    };
    let (first, rest) = path.split_first()?;
    let mut at = lines.iter().position(|l| indent(l) == 0 && is_key(l, first))?;
    for key in rest {
        let parent_indent = indent(lines[at]);
        let found = lines[at + 1..]
            .iter()
            .take_while(|l| l.trim().is_empty() || l.trim_start().starts_with('#') || indent(l) > parent_indent)
            .position(|l| is_key(l, key));
        match found {
            Some(offset) => at += 1 + offset,
            None => break,
        }
    }
    Some(at + 1)
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde::Deserialize;

    #[derive(Deserialize, Debug)]
    #[serde(deny_unknown_fields)]
    #[allow(dead_code)]
    struct Fm {
        title: String,
        year: Option<i64>,
    }

    #[test]
    fn unknown_key_names_line_and_suggestion() {
        let text = "---\ntitle: a\nyaer: 2018\n---\n";
        let yaml = "title: a\nyaer: 2018\n";
        let d = parse::<Fm>(Path::new("x.md"), text, yaml, 2).unwrap_err();
        assert_eq!(d.line, Some(3));
        assert!(d.message.contains("unknown field `yaer`"), "{}", d.message);
        assert!(d.help.unwrap().contains("`year`"));
        assert_eq!(d.source_line.as_deref(), Some("yaer: 2018"));
    }

    #[test]
    fn inner_locations_are_removed() {
        assert_eq!(
            strip_location(
                "found unexpected end of stream at line 4 column 1, while scanning a quoted scalar at line 3 column 8"
            ),
            "found unexpected end of stream, while scanning a quoted scalar"
        );
        assert_eq!(strip_location("no location"), "no location");
    }

    #[test]
    fn wrong_type_explained() {
        let text = "---\ntitle: a\nyear: 二〇一八\n---\n";
        let d = parse::<Fm>(Path::new("x.md"), text, "title: a\nyear: 二〇一八\n", 2).unwrap_err();
        assert_eq!(d.line, Some(3));
        assert!(d.help.unwrap().contains("year: 2018"));
    }

    #[test]
    fn key_lines() {
        let y = "title: a\nmetrics:\n  staff:\n    label: x\n    value: 3\n  area: {value: 4}\nyear: 1\n";
        assert_eq!(key_line(y, "year"), Some(7));
        assert_eq!(path_line(y, &["metrics", "staff", "value"]), Some(5));
        assert_eq!(path_line(y, &["metrics", "area", "value"]), Some(6));
        assert_eq!(path_line(y, &["metrics", "year"]), Some(2));
    }
}
