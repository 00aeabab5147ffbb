//! Permanence: a URL or anchor that a previous build published must still resolve.
//! A page may move only with an alias at its old URL, and an alias carries the anchors
//! of the page it points to.

use std::collections::HashSet;

use super::manifest::Manifest;
use crate::diagnostics::{Diagnostic, Severity};

/// One published thing that would disappear.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Lost {
    Page { url: String },
    Anchor { url: String, anchor: String },
}

/// Everything `previous` published that `current` no longer resolves, in URL order.
pub fn lost(previous: &Manifest, current: &Manifest) -> Vec<Lost> {
    let mut out = Vec::new();
    let urls = previous.pages.iter().map(|p| (p.url.as_str(), Some(&p.anchors)));
    let alias_urls = previous
        .aliases
        .iter()
        .map(|a| (a.url.as_str(), previous.page(&a.target).map(|p| &p.anchors)));
    for (url, anchors) in urls.chain(alias_urls) {
        let page = current
            .page(url)
            .or_else(|| current.alias(url).and_then(|a| current.page(&a.target)));
        match (page, anchors) {
            (None, _) => out.push(Lost::Page { url: url.to_string() }),
            // Most pages keep the same ids: one comparison, not one search per id.
            (Some(now), Some(anchors)) if now.anchors != *anchors => {
                let now: HashSet<&str> = now.anchors.iter().collect();
                for a in anchors.iter().filter(|a| !now.contains(a)) {
                    out.push(Lost::Anchor {
                        url: url.to_string(),
                        anchor: a.to_string(),
                    });
                }
            }
            (Some(_), _) => {}
        }
    }
    out.sort_by(|a, b| key(a).cmp(&key(b)));
    out.dedup();
    out
}

fn key(l: &Lost) -> (&str, &str) {
    match l {
        Lost::Page { url } => (url, ""),
        Lost::Anchor { url, anchor } => (url, anchor),
    }
}

/// Diagnostics for what would be lost, as errors (`check --previous`) or warnings
/// (`build`).
pub fn diagnostics(lost: &[Lost], severity: Severity) -> Vec<Diagnostic> {
    lost.iter()
        .map(|l| {
            let d = match l {
                Lost::Page { url } => Diagnostic::error(format!("/{url}"), "this published page would disappear")
                    .with_help("restore it, or add its old URL to the `aliases` of the page that replaces it"),
                Lost::Anchor { url, anchor } => {
                    Diagnostic::error(format!("/{url}#{anchor}"), "this published anchor would disappear").with_help(
                        "keep the heading's text, or give the new heading the old id explicitly: `## 新标题 {#OLD-ID}`",
                    )
                }
            };
            Diagnostic { severity, ..d }
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::record::manifest::{AliasEntry, PageEntry};

    fn m(pages: &[(&str, &[&str])], aliases: &[(&str, &str)]) -> Manifest {
        Manifest {
            generator: "gongshi".into(),
            base_url: "https://e.org/".into(),
            files: vec![],
            pages: pages
                .iter()
                .map(|(u, a)| PageEntry {
                    url: u.to_string(),
                    anchors: a.iter().map(|s| s.to_string()).collect(),
                })
                .collect(),
            aliases: aliases
                .iter()
                .map(|(u, t)| AliasEntry {
                    url: u.to_string(),
                    target: t.to_string(),
                })
                .collect(),
        }
    }

    #[test]
    fn removed_page_and_anchor_are_lost() {
        let prev = m(&[("a/", &["x", "y"]), ("b/", &[])], &[]);
        let now = m(&[("a/", &["x"])], &[]);
        assert_eq!(
            lost(&prev, &now),
            vec![
                Lost::Anchor {
                    url: "a/".into(),
                    anchor: "y".into()
                },
                Lost::Page { url: "b/".into() }
            ]
        );
    }

    #[test]
    fn a_move_with_an_alias_keeps_url_and_anchors() {
        let prev = m(&[("reports/2018/", &["p1"])], &[]);
        let now = m(&[("archive/2018/", &["p1"])], &[("reports/2018/", "archive/2018/")]);
        assert!(lost(&prev, &now).is_empty());
        let now_without_anchor = m(&[("archive/2018/", &[])], &[("reports/2018/", "archive/2018/")]);
        assert_eq!(lost(&prev, &now_without_anchor).len(), 1);
    }
}
