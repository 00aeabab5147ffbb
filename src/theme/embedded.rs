//! The default theme, compiled into the binary: a publishing officer needs no themes/
//! folder. A test checks this list against themes/default/ so nothing is forgotten.

pub const TEMPLATES: &[(&str, &str)] = &[
    ("404.html", include_str!("../../themes/default/templates/404.html")),
    ("base.html", include_str!("../../themes/default/templates/base.html")),
    ("cite.html", include_str!("../../themes/default/templates/cite.html")),
    (
        "commitment.html",
        include_str!("../../themes/default/templates/commitment.html"),
    ),
    (
        "compare.html",
        include_str!("../../themes/default/templates/compare.html"),
    ),
    (
        "compare_index.html",
        include_str!("../../themes/default/templates/compare_index.html"),
    ),
    ("data.html", include_str!("../../themes/default/templates/data.html")),
    (
        "impartiality.html",
        include_str!("../../themes/default/templates/impartiality.html"),
    ),
    ("index.html", include_str!("../../themes/default/templates/index.html")),
    ("page.html", include_str!("../../themes/default/templates/page.html")),
    (
        "report.html",
        include_str!("../../themes/default/templates/report.html"),
    ),
    (
        "revision.html",
        include_str!("../../themes/default/templates/revision.html"),
    ),
    (
        "revisions.html",
        include_str!("../../themes/default/templates/revisions.html"),
    ),
    (
        "search.html",
        include_str!("../../themes/default/templates/search.html"),
    ),
    (
        "section.html",
        include_str!("../../themes/default/templates/section.html"),
    ),
    (
        "sitemap.html",
        include_str!("../../themes/default/templates/sitemap.html"),
    ),
    (
        "trends.html",
        include_str!("../../themes/default/templates/trends.html"),
    ),
    ("year.html", include_str!("../../themes/default/templates/year.html")),
];

pub const STATIC: &[(&str, &[u8])] = &[
    ("compare.js", include_bytes!("../../themes/default/static/compare.js")),
    ("favicon.svg", include_bytes!("../../themes/default/static/favicon.svg")),
    ("redirect.js", include_bytes!("../../themes/default/static/redirect.js")),
    ("search.js", include_bytes!("../../themes/default/static/search.js")),
    ("style.css", include_bytes!("../../themes/default/static/style.css")),
];

#[cfg(test)]
mod tests {
    use super::*;

    fn files(dir: &str) -> Vec<String> {
        let mut v: Vec<String> = std::fs::read_dir(format!("{}/themes/default/{dir}", env!("CARGO_MANIFEST_DIR")))
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .collect();
        v.sort();
        v
    }

    #[test]
    fn embedded_theme_matches_themes_default() {
        let t: Vec<String> = TEMPLATES.iter().map(|(n, _)| n.to_string()).collect();
        assert_eq!(t, files("templates"));
        let s: Vec<String> = STATIC.iter().map(|(n, _)| n.to_string()).collect();
        assert_eq!(s, files("static"));
    }
}
