//! Hostile text everywhere a site's author (or a compromised content repository) can
//! put it: Markdown bodies (escaped by default, sanitized with `markdown.allow_html`),
//! titles, metric labels and units, summaries, aliases, config values (site title,
//! description, publisher, `extra` shown by a template) and section titles. Every
//! built page is parsed: no script but our own `src=` scripts, no `on…=` handler, no
//! `javascript:` URL, and the payload is there as text. (Search queries are checked in
//! the browser: tests/browser/search.test.mjs.)

mod common;

use std::path::Path;

use common::{Site, html_files};
use scraper::{Html, Node};

const PAYLOADS: &[&str] = &[
    "<script>alert(1)</script>",
    "<img src=x onerror=alert(2)>",
    "\"><svg onload=alert(3)>",
    "<a href=\"javascript:alert(4)\">点此</a>",
    "</title><script>alert(5)</script>",
    "<iframe src=\"javascript:alert(6)\"></iframe>",
    "'><body onload=alert(7)>",
    "<details open ontoggle=alert(8)>",
];

/// A YAML single-quoted scalar.
fn y(s: &str) -> String {
    format!("'{}'", s.replace('\'', "''"))
}

fn hostile_site(p: &str, allow_html: bool) -> Site {
    let config = format!(
        "title: {t}\nbase_url: https://example.org/csr/\ndescription: {t}\n\
         publisher: {{name: {t}, address: {t}, phone: {t}, email: {t}, icp: {t}}}\n\
         markdown: {{allow_html: {allow_html}}}\nextra: {{motto: {t}}}\n",
        t = y(p)
    );
    let site = Site::with_config(&config);
    // A site template that shows a free `extra` value.
    site.write(
        "templates/page.html",
        "{% extends \"base.html\" %}{% block content %}<h1>{{ page.title }}</h1>\
         <p class=motto>{{ site.extra.motto }}</p><div>{{ page.content | safe }}</div>{% endblock content %}",
    );
    let body = format!(
        "## {p}\n\n段落：{p}\n\n[链接](javascript:alert(9)) `{p}`\n\n<p style=\"color:red\" onclick=\"alert(10)\">原始HTML</p>\n\n{p}\n"
    );
    site.doc(
        "content/reports/_index.md",
        &format!("title: {}\nkind: report\ndescription: {}", y(p), y(p)),
        "",
    );
    for year in [2018, 2019] {
        site.doc(
            &format!("content/reports/{year}.md"),
            &format!(
                "title: {t}\nyear: {year}\ndate: {}-03-01\nsummary: {t}\npublisher: {t}\n\
                 metrics:\n  staff: {{label: {t}, value: {}, unit: {t}, stated_change_pct: 1.5}}\n",
                year + 1,
                600 + year - 2018,
                t = y(p)
            ),
            &body,
        );
    }
    site.doc(
        "content/impartiality/_index.md",
        &format!("title: {}\nkind: impartiality", y(p)),
        "",
    );
    for effective in [2018, 2020] {
        site.doc(
            &format!("content/impartiality/{effective}.md"),
            &format!("title: {}\neffective: {effective}\nsummary: {}", y(p), y(p)),
            &format!("1. {p}\n2. 坚持公正。{p}\n"),
        );
    }
    site.doc(
        "content/about.md",
        &format!("title: {}\nsummary: {}", y(p), y(p)),
        &body,
    );
    site
}

/// Every reason `html` could run a script.
fn unsafe_parts(html: &str) -> Vec<String> {
    let doc = Html::parse_document(html);
    let mut bad = Vec::new();
    for node in doc.tree.nodes() {
        let Node::Element(e) = node.value() else { continue };
        let name = e.name();
        if name == "script" && e.attr("src").is_none() {
            bad.push("inline <script>".to_string());
        }
        if matches!(name, "iframe" | "object" | "embed" | "frame") {
            bad.push(format!("<{name}>"));
        }
        for (attr, value) in e.attrs() {
            if attr.starts_with("on") {
                bad.push(format!("<{name} {attr}=…>"));
            }
            let v: String = value
                .chars()
                .filter(|c| !c.is_whitespace() && !c.is_control())
                .collect();
            if v.to_ascii_lowercase().starts_with("javascript:") {
                bad.push(format!("<{name} {attr}={value}>"));
            }
            if attr == "style" {
                bad.push(format!("<{name} style=…>"));
            }
        }
    }
    bad
}

fn text_of(html: &str) -> String {
    Html::parse_document(html).root_element().text().collect()
}

/// Checks every page; returns how many pages hold the payload as text.
fn check_pages(public: &Path, payload: &str) -> usize {
    let pages = html_files(public);
    assert!(pages.len() > 10, "too few pages: {}", pages.len());
    let mut shown = 0;
    for (rel, html) in &pages {
        let bad = unsafe_parts(html);
        assert!(bad.is_empty(), "{rel} (payload {payload:?}): {bad:?}");
        if text_of(html).contains(payload) {
            shown += 1;
        }
    }
    for xml in ["atom.xml", "sitemap.xml"] {
        let text = std::fs::read_to_string(public.join(xml)).unwrap();
        assert!(!text.contains("<script"), "{xml} has a raw <script");
    }
    shown
}

#[test]
fn payloads_are_escaped_everywhere() {
    let mut cases = 0;
    for p in PAYLOADS {
        let site = hostile_site(p, false);
        site.build_ok();
        let shown = check_pages(&site.public(), p);
        // Titles, site title and publisher are on every page; the body shows it as text.
        assert!(shown > 10, "payload {p:?} shown as text on only {shown} pages");
        // The page shows the payload as text in its body, its metric label and unit.
        let report = site.read("reports/2018/index.html");
        let text = text_of(&report);
        assert!(text.matches(p).count() >= 4, "{p:?} in the report: {text}");
        let about = site.read("about/index.html");
        assert!(text_of(&about).contains(&format!("段落：{p}")), "{about}");
        assert!(
            Html::parse_document(&about)
                .select(&scraper::Selector::parse("p.motto").unwrap())
                .any(|e| e.text().collect::<String>() == *p)
        );
        cases += 1;
    }
    println!(
        "XSS: {cases} payloads x (body, heading, title, summary, publisher, metric label and unit, section title and description, statement items, site title, description, publisher fields, site.extra): all escaped"
    );
}

#[test]
fn allowed_html_is_sanitized() {
    let mut cases = 0;
    for p in PAYLOADS {
        let site = hostile_site(p, true);
        site.write(
            "content/notes.md",
            "---\ntitle: 说明\n---\n\n<div class=\"excerpt\" id=\"x1\"><b>粗体</b> <a href=\"/reports/\" aria-label=\"报告\">报告</a></div>\n\n\
             <details><summary>更多</summary><table><tr><td>表格</td></tr></table></details>\n\n\
             正文[^1]\n\n[^1]: 脚注\n\n```rust\nfn main() {}\n```\n",
        );
        site.build_ok();
        check_pages(&site.public(), p);
        let notes = site.read("notes/index.html");
        for kept in [
            "<b>粗体</b>",
            "<details>",
            "<summary>更多</summary>",
            "<td>表格",
            "id=x1",
            "aria-label=报告",
        ] {
            assert!(notes.contains(kept), "{kept} lost: {notes}");
        }
        assert!(
            notes.contains("class=excerpt") || notes.contains("class=\"excerpt\""),
            "{notes}"
        );
        assert!(notes.contains("/csr/reports/"), "{notes}");
        assert!(
            notes.contains("class=hl-") || notes.contains("class=\"hl-"),
            "highlighting lost: {notes}"
        );
        assert!(notes.contains("data-footnote-ref"), "footnotes lost: {notes}");
        // Our own anchors survive sanitizing.
        let report = site.read("reports/2018/index.html");
        assert!(report.contains("class=para-link"), "{report}");
        assert!(text_of(&report).contains("原始HTML"));
        cases += 1;
    }
    println!(
        "XSS (allow_html): {cases} payloads sanitized; ids, classes, footnotes, highlighting, details and tables kept"
    );
}

#[test]
fn hostile_aliases_are_rejected_or_escaped() {
    let mut cases = 0;
    for p in PAYLOADS {
        let site = Site::with_config("title: 站\nbase_url: https://example.org/\n");
        let alias = format!("/old/{}/", p.replace(['/', '#', '?'], ""));
        site.doc("content/a.md", &format!("title: 甲\naliases: [{}]", y(&alias)), "正文");
        match site.build() {
            Ok(_) => {
                for (rel, html) in html_files(&site.public()) {
                    let bad = unsafe_parts(&html);
                    assert!(bad.is_empty(), "{rel} (alias {alias:?}): {bad:?}");
                }
            }
            Err(e) => {
                let msg = e.to_string();
                assert!(msg.contains("alias"), "unclear error for {alias:?}: {msg}");
            }
        }
        cases += 1;
    }
    println!("XSS (aliases): {cases} hostile aliases rejected with a message or escaped");
}
