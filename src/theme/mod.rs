//! Step 4 of the pipeline: templates and theme files.
//!
//! Three layers, later ones overriding earlier ones file by file:
//! 1. the default theme built into the binary (so a site needs only config.yaml and
//!    content/),
//! 2. `themes/NAME/` on disk (templates/, static/, theme.yaml),
//! 3. the site's own `templates/`.

pub mod context;
mod embedded;

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use tera::{Context, Tera};
use thiserror::Error;
use walkdir::WalkDir;

use crate::diagnostics::{Diagnostic, display_path};

/// Templates every theme must provide (the embedded default fills any gap).
pub const REQUIRED_TEMPLATES: [&str; 9] = [
    "base.html",
    "index.html",
    "section.html",
    "report.html",
    "impartiality.html",
    "commitment.html",
    "page.html",
    "404.html",
    "sitemap.html",
];

#[derive(Debug, Error)]
pub enum ThemeError {
    #[error("{0}")]
    Diagnostic(Box<Diagnostic>),
}

impl From<Diagnostic> for ThemeError {
    fn from(d: Diagnostic) -> Self {
        ThemeError::Diagnostic(Box::new(d))
    }
}

impl ThemeError {
    pub fn into_diagnostic(self) -> Diagnostic {
        match self {
            ThemeError::Diagnostic(d) => *d,
        }
    }
}

/// Where a template came from, to point error messages at the right file.
#[derive(Debug, Clone)]
struct TemplateSource {
    /// Path shown in messages (`templates/report.html`, or `<built-in>/report.html`).
    shown: PathBuf,
    text: String,
}

/// A theme's static file, before hashing.
#[derive(Debug, Clone)]
pub struct StaticFile {
    /// Path under the theme's static/ (`style.css`).
    pub rel: String,
    pub bytes: Vec<u8>,
}

/// Loaded, parsed templates plus the theme's static files.
pub struct Theme {
    tera: Tera,
    sources: BTreeMap<String, TemplateSource>,
    pub static_files: Vec<StaticFile>,
}

fn read_dir_files(root: &Path, dir: &Path) -> Result<Vec<(String, PathBuf, Vec<u8>)>, Diagnostic> {
    let mut out = Vec::new();
    if !dir.is_dir() {
        return Ok(out);
    }
    for entry in WalkDir::new(dir).sort_by_file_name() {
        let entry = entry.map_err(|e| Diagnostic::error(display_path(root, dir), format!("cannot read: {e}")))?;
        if !entry.file_type().is_file() || crate::content::is_ignored_name(&entry.file_name().to_string_lossy()) {
            continue;
        }
        let rel = crate::paths::slash_relative(entry.path(), dir);
        let bytes = std::fs::read(entry.path())
            .map_err(|e| Diagnostic::error(display_path(root, entry.path()), format!("cannot read: {e}")))?;
        out.push((rel, display_path(root, entry.path()), bytes));
    }
    Ok(out)
}

impl Theme {
    /// Feeds every template and static file (name and bytes) to `put`, in a stable
    /// order: the theme's part of the build cache's keys.
    pub fn digest_into(&self, put: &mut impl FnMut(&[u8])) {
        for (name, source) in &self.sources {
            put(name.as_bytes());
            put(source.text.as_bytes());
        }
        for f in &self.static_files {
            put(f.rel.as_bytes());
            put(&f.bytes);
        }
    }

    /// Loads the layers for theme `name` of the site at `root`.
    pub fn load(root: &Path, name: &str) -> Result<Theme, ThemeError> {
        let mut sources: BTreeMap<String, TemplateSource> = BTreeMap::new();
        let mut statics: BTreeMap<String, Vec<u8>> = BTreeMap::new();
        for (name, text) in embedded::TEMPLATES {
            sources.insert(
                name.to_string(),
                TemplateSource {
                    shown: PathBuf::from(format!("<built-in theme>/templates/{name}")),
                    text: text.to_string(),
                },
            );
        }
        for (name, bytes) in embedded::STATIC {
            statics.insert(name.to_string(), bytes.to_vec());
        }

        let theme_dir = root.join("themes").join(name);
        if theme_dir.is_dir() {
            if theme_dir.join("theme.yaml").is_file() {
                check_theme_yaml(root, &theme_dir.join("theme.yaml"))?;
            }
            for (rel, shown, bytes) in read_dir_files(root, &theme_dir.join("templates"))? {
                sources.insert(
                    rel,
                    TemplateSource {
                        text: template_text(&shown, bytes)?,
                        shown,
                    },
                );
            }
            for (rel, _, bytes) in read_dir_files(root, &theme_dir.join("static"))? {
                statics.insert(rel, bytes);
            }
        } else if name != "default" {
            return Err(Diagnostic::error(
                crate::config::CONFIG_FILE,
                format!("theme `{name}` not found in themes/{name}/"),
            )
            .with_help("remove `theme:` to use the built-in default theme, or add the theme folder")
            .into());
        }
        for (rel, shown, bytes) in read_dir_files(root, &root.join("templates"))? {
            sources.insert(
                rel,
                TemplateSource {
                    text: template_text(&shown, bytes)?,
                    shown,
                },
            );
        }

        let mut tera = Tera::new();
        tera.autoescape_on(vec![".html", ".xml"]);
        tera.add_raw_templates(sources.iter().map(|(n, s)| (n.as_str(), s.text.as_str())))
            .map_err(|e| tera_diagnostic(&sources, &e, None))?;
        let static_files = statics
            .into_iter()
            .map(|(rel, bytes)| StaticFile { rel, bytes })
            .collect();
        Ok(Theme {
            tera,
            sources,
            static_files,
        })
    }

    /// Renders `template` with `ctx`; `for_file` names the content being rendered.
    pub fn render(&self, template: &str, ctx: &Context, for_file: Option<&Path>) -> Result<String, Diagnostic> {
        self.tera
            .render(template, ctx)
            .map_err(|e| tera_diagnostic(&self.sources, &e, for_file))
    }

    pub fn has_template(&self, name: &str) -> bool {
        self.sources.contains_key(name)
    }
}

fn template_text(shown: &Path, bytes: Vec<u8>) -> Result<String, Diagnostic> {
    crate::content::front_matter::decode_utf8(shown, &bytes)
        .map(|t| crate::content::front_matter::normalise_newlines(&t))
}

#[derive(serde::Deserialize)]
#[serde(deny_unknown_fields)]
#[allow(dead_code)]
struct ThemeYaml {
    name: Option<String>,
    description: Option<String>,
    author: Option<String>,
    license: Option<String>,
}

fn check_theme_yaml(root: &Path, path: &Path) -> Result<(), Diagnostic> {
    let shown = display_path(root, path);
    let bytes = std::fs::read(path).map_err(|e| Diagnostic::error(&shown, format!("cannot read: {e}")))?;
    let text = template_text(&shown, bytes)?;
    crate::yaml::parse::<ThemeYaml>(&shown, &text, &text, 1).map(|_| ())
}

/// Turns a Tera error into a diagnostic naming the template file and line.
fn tera_diagnostic(sources: &BTreeMap<String, TemplateSource>, e: &tera::Error, for_file: Option<&Path>) -> Diagnostic {
    use tera::ErrorKind;
    let rendering = for_file
        .map(|f| format!(" (while rendering {})", f.display()))
        .unwrap_or_default();
    match e.kind() {
        ErrorKind::SyntaxError(r) | ErrorKind::RenderingError(r) => {
            let src = sources.get(r.filename());
            let shown = src
                .map(|s| s.shown.clone())
                .unwrap_or_else(|| PathBuf::from(r.filename()));
            let kind = if matches!(e.kind(), ErrorKind::SyntaxError(_)) {
                "template syntax error"
            } else {
                "template error"
            };
            let mut d = Diagnostic::error(shown, format!("{kind}: {}{rendering}", r.message())).with_help(
                "fix the template; see the README's template reference for the variables each template gets",
            );
            if let Some(s) = src {
                d = d.at(&s.text, r.span().start_line, r.span().start_col + 1);
            }
            d
        }
        _ => {
            let mut msg = e.to_string();
            let mut cause = std::error::Error::source(e);
            while let Some(c) = cause {
                msg.push_str(&format!(": {c}"));
                cause = c.source();
            }
            Diagnostic::error("templates", format!("template error: {msg}{rendering}"))
                .with_help("check the template names used in extends/include")
        }
    }
}
