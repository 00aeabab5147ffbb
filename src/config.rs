//! `config.yaml`: site-wide settings.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

use crate::diagnostics::Diagnostic;

pub const CONFIG_FILE: &str = "config.yaml";

/// Who publishes a document: a centre, with the contact details the footer shows.
#[derive(Debug, Clone, Default, Deserialize, Serialize, PartialEq, Eq)]
#[serde(deny_unknown_fields)]
pub struct Publisher {
    pub name: String,
    #[serde(default)]
    pub address: Option<String>,
    #[serde(default)]
    pub phone: Option<String>,
    #[serde(default)]
    pub email: Option<String>,
    /// ICP filing number (ICP备案号), required on Chinese websites' footers.
    #[serde(default)]
    pub icp: Option<String>,
}

/// Settings for Markdown rendering.
#[derive(Debug, Clone, Default, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct MarkdownConfig {
    /// Syntax highlighting theme used to generate the class-based stylesheet.
    #[serde(default = "default_highlight_theme")]
    pub highlight_theme: String,
    /// Render raw HTML written in Markdown, sanitized (ammonia); by default it is shown
    /// as text.
    #[serde(default)]
    pub allow_html: bool,
}

fn default_highlight_theme() -> String {
    "InspiredGitHub".to_string()
}

/// The parsed `config.yaml`.
#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct SiteConfig {
    pub title: String,
    /// Absolute URL of the site, possibly with a path (`https://host/csr/`).
    pub base_url: String,
    #[serde(default = "default_language")]
    pub language: String,
    #[serde(default = "default_theme")]
    pub theme: String,
    /// The site-wide publisher; a document may name its own.
    #[serde(default)]
    pub publisher: Option<Publisher>,
    #[serde(default)]
    pub description: Option<String>,
    /// Emit a `<meta http-equiv="Content-Security-Policy">` in every page.
    #[serde(default = "default_true")]
    pub csp_meta: bool,
    #[serde(default = "default_markdown")]
    pub markdown: MarkdownConfig,
    /// The proof-reader (`lint: {allow: [numbering]}`): rules silenced site-wide.
    #[serde(default)]
    pub lint: LintConfig,
    /// Free-form values passed to templates as `site.extra`.
    #[serde(default)]
    pub extra: BTreeMap<String, yaml_serde::Value>,
}

/// `lint:` in config.yaml or in a document's front matter.
#[derive(Debug, Clone, Default, Deserialize, Serialize, PartialEq, Eq)]
#[serde(deny_unknown_fields)]
pub struct LintConfig {
    /// Proof-reading rules not to run (ids from [`crate::lint::RULES`]).
    #[serde(default)]
    pub allow: Vec<String>,
}

fn default_language() -> String {
    "zh-CN".to_string()
}
fn default_theme() -> String {
    "default".to_string()
}
fn default_true() -> bool {
    true
}
fn default_markdown() -> MarkdownConfig {
    MarkdownConfig {
        highlight_theme: default_highlight_theme(),
        allow_html: false,
    }
}

impl SiteConfig {
    /// Loads `ROOT/config.yaml`.
    pub fn load(root: &Path) -> Result<SiteConfig, Diagnostic> {
        let path = root.join(CONFIG_FILE);
        let shown = PathBuf::from(CONFIG_FILE);
        let bytes = std::fs::read(&path).map_err(|e| {
            Diagnostic::error(&shown, format!("cannot read the site configuration: {e}"))
                .with_help("run gongshi in the folder that holds config.yaml, or pass --root DIR")
        })?;
        let text = crate::content::front_matter::decode_utf8(&shown, &bytes)?;
        let text = crate::content::front_matter::normalise_newlines(&text);
        let mut config: SiteConfig = crate::yaml::parse(&shown, &text, &text, 1)?;
        if let Some((message, help)) = crate::lint::unknown_rule(&config.lint.allow) {
            let line = crate::yaml::path_line(&text, &["lint", "allow"]).unwrap_or(1);
            return Err(Diagnostic::error(&shown, message).at_line(&text, line).with_help(help));
        }
        config.base_url = normalise_base_url(&config.base_url).map_err(|msg| {
            let line = crate::yaml::key_line(&text, "base_url").unwrap_or(1);
            Diagnostic::error(&shown, msg)
                .at_line(&text, line)
                .with_help("write an absolute URL such as https://example.gov.cn/csr/")
        })?;
        Ok(config)
    }

    /// The path part of `base_url`, always starting and ending with `/` (`/csr/`).
    pub fn base_path(&self) -> String {
        base_path_of(&self.base_url)
    }
}

/// `base_url` with exactly one trailing slash; an error for anything that is not an
/// absolute http(s) URL.
pub fn normalise_base_url(url: &str) -> Result<String, String> {
    let url = url.trim();
    let rest = url
        .strip_prefix("https://")
        .or_else(|| url.strip_prefix("http://"))
        .ok_or_else(|| format!("base_url `{url}` must start with http:// or https://"))?;
    if rest.is_empty() || rest.starts_with('/') {
        return Err(format!("base_url `{url}` has no host"));
    }
    if rest.contains(['?', '#', ' ', '"', '<', '>']) {
        return Err(format!(
            "base_url `{url}` may not contain a query, a fragment or spaces"
        ));
    }
    let mut s = url.trim_end_matches('/').to_string();
    s.push('/');
    Ok(s)
}

pub fn base_path_of(base_url: &str) -> String {
    let after_scheme = base_url.split_once("://").map(|x| x.1).unwrap_or(base_url);
    match after_scheme.find('/') {
        Some(i) => {
            let p = &after_scheme[i..];
            if p.ends_with('/') {
                p.to_string()
            } else {
                format!("{p}/")
            }
        }
        None => "/".to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn base_url_and_path() {
        assert_eq!(normalise_base_url("https://a.cn").unwrap(), "https://a.cn/");
        assert_eq!(normalise_base_url("https://a.cn/csr").unwrap(), "https://a.cn/csr/");
        assert!(normalise_base_url("a.cn").is_err());
        assert_eq!(base_path_of("https://a.cn/"), "/");
        assert_eq!(base_path_of("https://a.cn/csr/"), "/csr/");
        assert_eq!(base_path_of("http://127.0.0.1:1111/"), "/");
    }
}
