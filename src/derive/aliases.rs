//! Aliases: old URLs that must keep working. Each becomes a small redirect page that
//! keeps the `#fragment` (a script from a file, for CSP), with a meta refresh and a
//! canonical link for readers without JavaScript.

use crate::markdown::highlight::escape;

/// The output path (relative, `/`-separated) for an alias, or why it is refused.
///
/// `/old/2018/` and `old/2018` write `old/2018/index.html`; `old/2018.html` writes
/// that file. An alias may not climb out of the output directory.
pub fn alias_output_path(alias: &str) -> Result<String, String> {
    let a = alias.trim();
    if a.contains('\\') || a.contains('\0') || a.contains("://") || a.starts_with("//") {
        return Err(format!("alias `{alias}` must be a path on this site, like /old/2018/"));
    }
    let a = a.split(['#', '?']).next().unwrap_or("");
    let mut parts: Vec<&str> = Vec::new();
    for seg in a.split('/') {
        match seg {
            "" | "." => {}
            ".." => {
                if parts.pop().is_none() {
                    return Err(format!("alias `{alias}` points outside the output directory"));
                }
            }
            s => parts.push(s),
        }
    }
    if parts.is_empty() {
        return Err(format!("alias `{alias}` would replace the home page"));
    }
    let joined = parts.join("/");
    if joined.ends_with(".html") || joined.ends_with(".htm") {
        Ok(joined)
    } else {
        Ok(format!("{joined}/index.html"))
    }
}

/// The redirect page. `script_url` is the theme's redirect.js.
pub fn redirect_html(target_url: &str, script_url: &str, title: &str) -> String {
    let t = escape(target_url);
    format!(
        "<!DOCTYPE html><html lang=\"zh-CN\"><head><meta charset=\"utf-8\"><title>{title} - 已迁移</title><link rel=\"canonical\" href=\"{t}\"><meta name=\"robots\" content=\"noindex\"><script src=\"{s}\"></script><meta http-equiv=\"refresh\" content=\"0; url={t}\"></head><body><p>本页已迁移至 <a href=\"{t}\">{t}</a>。</p></body></html>\n",
        title = escape(title),
        s = escape(script_url),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn alias_paths() {
        assert_eq!(alias_output_path("/old/2018/").unwrap(), "old/2018/index.html");
        assert_eq!(alias_output_path("old/2018.html").unwrap(), "old/2018.html");
        assert_eq!(alias_output_path("/a/../b/").unwrap(), "b/index.html");
        assert!(alias_output_path("../../etc/passwd").is_err());
        assert!(alias_output_path("/a/../../x").is_err());
        assert!(alias_output_path("https://evil.example/").is_err());
        assert!(alias_output_path("/").is_err());
    }

    #[test]
    fn redirect_keeps_target_escaped() {
        let h = redirect_html("/reports/2018/", "/redirect.abc.js", "<x>");
        assert!(h.contains("rel=\"canonical\" href=\"/reports/2018/\""));
        assert!(h.contains("&lt;x&gt;"));
        assert!(h.contains("<script src=\"/redirect.abc.js\"></script>"));
    }
}
