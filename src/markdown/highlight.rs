//! Code highlighting with syntect, as CSS classes (never inline styles, so pages work
//! under a strict Content-Security-Policy and themes can restyle code).

use std::borrow::Cow;
use std::collections::HashMap;
use std::fmt;
use std::sync::OnceLock;

use comrak::adapters::SyntaxHighlighterAdapter;
use syntect::highlighting::ThemeSet;
use syntect::html::{ClassStyle, ClassedHTMLGenerator, css_for_theme_with_class_style};
use syntect::parsing::SyntaxSet;
use syntect::util::LinesWithEndings;

const CLASS_STYLE: ClassStyle = ClassStyle::SpacedPrefixed { prefix: "hl-" };

/// Loaded once per process: building the syntax set is the slowest part of start-up.
fn syntaxes() -> &'static SyntaxSet {
    static SET: OnceLock<SyntaxSet> = OnceLock::new();
    SET.get_or_init(SyntaxSet::load_defaults_newlines)
}

/// syntect's bundled themes, loaded once per process: `serve` asks for the stylesheet
/// on every rebuild.
fn themes() -> &'static ThemeSet {
    static THEMES: OnceLock<ThemeSet> = OnceLock::new();
    THEMES.get_or_init(ThemeSet::load_defaults)
}

/// The stylesheet for the highlighting classes, from one of syntect's bundled themes.
pub fn stylesheet(theme_name: &str) -> Result<String, String> {
    let themes = themes();
    let theme = themes.themes.get(theme_name).ok_or_else(|| {
        let names: Vec<&str> = themes.themes.keys().map(String::as_str).collect();
        format!(
            "unknown highlight theme `{theme_name}`; available: {}",
            names.join(", ")
        )
    })?;
    css_for_theme_with_class_style(theme, CLASS_STYLE).map_err(|e| e.to_string())
}

/// comrak adapter writing `<pre><code>` with syntect's classed spans.
pub struct ClassedHighlighter;

fn write_tag(out: &mut dyn fmt::Write, tag: &str, attrs: HashMap<&'static str, Cow<'_, str>>) -> fmt::Result {
    // Sorted attributes: output must be byte-identical across runs.
    let mut attrs: Vec<_> = attrs.into_iter().collect();
    attrs.sort_by_key(|(k, _)| *k);
    write!(out, "<{tag}")?;
    for (k, v) in attrs {
        write!(out, " {k}=\"{}\"", escape(&v))?;
    }
    out.write_str(">")
}

impl SyntaxHighlighterAdapter for ClassedHighlighter {
    fn write_highlighted(&self, out: &mut dyn fmt::Write, lang: Option<&str>, code: &str) -> fmt::Result {
        let set = syntaxes();
        let syntax = lang.and_then(|l| set.find_syntax_by_token(l));
        let Some(syntax) = syntax else {
            return out.write_str(&escape(code));
        };
        let mut html = ClassedHTMLGenerator::new_with_class_style(syntax, set, CLASS_STYLE);
        for line in LinesWithEndings::from(code) {
            if html.parse_html_for_line_which_includes_newline(line).is_err() {
                return out.write_str(&escape(code));
            }
        }
        out.write_str(&html.finalize())
    }

    fn write_pre_tag(&self, out: &mut dyn fmt::Write, mut attrs: HashMap<&'static str, Cow<'_, str>>) -> fmt::Result {
        attrs.insert("class", Cow::Borrowed("hl-code"));
        write_tag(out, "pre", attrs)
    }

    fn write_code_tag(&self, out: &mut dyn fmt::Write, attrs: HashMap<&'static str, Cow<'_, str>>) -> fmt::Result {
        write_tag(out, "code", attrs)
    }
}

pub fn escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}
