//! What the built pages contain: heading ids and paragraph anchors, the table of
//! contents, CJK emphasis, highlighting, escaping, minification; sitemap.xml and
//! atom.xml; and a base_url with a path.

mod common;

use std::collections::BTreeSet;

use common::*;

const BODY: &str = "开头的一段，在任何标题之前。

## 一、前言

本中心坚持**“公正、科学、准确”**的原则。

第二段，见[2017年报告](/reports/2017/)。

### （一）诚信责任

小节里的段落。

## 一、前言

重复的标题。

## 自定义标题 {#custom-id}

带显式 id 的一节。

## Metrics

与主题自带的 id 同名的标题。

- 列表里的段落没有锚点

> 引用里的段落也没有锚点

<script>alert(\"x\")</script>

```rust
fn main() {
    println!(\"你好\");
}
```

:::excerpt
节选的段落……
:::
";

fn report_site() -> Site {
    let site = Site::new();
    site.doc("content/reports/_index.md", "title: 社会责任报告\nkind: report", "");
    site.doc(
        "content/reports/2018.md",
        "title: 2018年度社会责任报告\nyear: 2018\nmetrics:\n  staff: {label: 工作人员, value: 608, unit: 名}",
        BODY,
    );
    site.doc(
        "content/reports/2017.md",
        "title: 2017年度社会责任报告\nyear: 2017",
        "## 前言\n\n正文。\n",
    );
    site
}

fn report_html() -> String {
    let site = report_site();
    site.build_ok();
    site.read("reports/2018/index.html")
}

#[test]
fn chinese_headings_get_pinyin_ids_explicit_ids_win_duplicates_are_numbered() {
    let html = report_html();
    let headings: Vec<(String, String)> = tags(&html)
        .into_iter()
        .filter(|t| matches!(t.name.as_str(), "h2" | "h3"))
        .filter_map(|t| t.attr("id").map(|id| (t.name.clone(), id.to_string())))
        .collect();
    let ids: Vec<&str> = headings.iter().map(|(_, id)| id.as_str()).collect();
    for expected in ["yi-qian-yan", "yi-cheng-xin-ze-ren", "yi-qian-yan-1", "custom-id"] {
        assert!(ids.contains(&expected), "{expected} not in {ids:?}");
    }
    // `## Metrics` would be `metrics`, which the theme's metrics table uses.
    assert!(ids.contains(&"metrics-1"), "{ids:?}");
    assert!(!html.contains("{#custom-id}"), "attribute syntax is consumed");
    // Each heading links to itself.
    for id in ["yi-qian-yan", "custom-id"] {
        assert!(links(&html).contains(&format!("#{id}")), "§ link to {id}");
    }
    // No id is used twice on the page.
    let all = common::ids(&html);
    let unique: BTreeSet<&String> = all.iter().collect();
    assert_eq!(all.len(), unique.len(), "duplicate ids in {all:?}");
}

#[test]
fn explicit_id_is_reserved_before_generated_ones() {
    let site = Site::new();
    site.doc(
        "content/reports/2018.md",
        "title: 报告\nkind: report\nyear: 2018",
        "## 前言\n\n甲。\n\n## 附录 {#qian-yan}\n\n乙。\n",
    );
    site.build_ok();
    let html = site.read("reports/2018/index.html");
    let h2: Vec<(String, String)> = tags(&html)
        .into_iter()
        .filter(|t| t.name == "h2")
        .filter_map(|t| t.attr("id").map(|id| (id.to_string(), String::new())))
        .collect();
    let ids: Vec<&str> = h2.iter().map(|(i, _)| i.as_str()).collect();
    assert!(ids.contains(&"qian-yan-1") && ids.contains(&"qian-yan"), "{ids:?}");
    let explicit = between(&html, "<h2 id=qian-yan>", "</h2>");
    assert!(
        explicit.starts_with("附录"),
        "the explicit id belongs to 附录: {explicit}"
    );
}

#[test]
fn colliding_explicit_ids_are_not_silently_duplicated() {
    let site = Site::new();
    site.doc(
        "content/reports/2018.md",
        "title: 报告\nkind: report\nyear: 2018\nmetrics:\n  staff: 1",
        "## 甲 {#x}\n\n一。\n\n## 乙 {#x}\n\n二。\n\n## 数据 {#metrics}\n\n三。\n",
    );
    match site.build() {
        // Rejecting the page, naming it, is fine.
        Err(gongshi::build::BuildError::Invalid(d)) => {
            assert!(
                d.errors()
                    .any(|e| e.file == std::path::Path::new("content/reports/2018.md")),
                "{d}"
            );
        }
        Err(e) => panic!("{e}"),
        // So is building it, but then every id must be unique.
        Ok(_) => {
            let html = site.read("reports/2018/index.html");
            let all = common::ids(&html);
            let unique: BTreeSet<&String> = all.iter().collect();
            assert_eq!(all.len(), unique.len(), "duplicate ids in {all:?}");
        }
    }
}

#[test]
fn top_level_paragraphs_get_anchors_numbered_within_their_section() {
    let html = report_html();
    let paras: Vec<String> = tags(&html)
        .into_iter()
        .filter(|t| t.name == "p")
        .filter_map(|t| t.attr("id").map(str::to_string))
        .collect();
    assert_eq!(
        paras,
        [
            "p1",
            "yi-qian-yan-p1",
            "yi-qian-yan-p2",
            // A level-3 heading does not restart the numbering.
            "yi-qian-yan-p3",
            "yi-qian-yan-1-p1",
            "custom-id-p1",
            "metrics-1-p1",
            // Excerpt paragraphs are body paragraphs too.
            "metrics-1-p2",
        ],
        "{html}"
    );
    // Each anchored paragraph carries a ¶ link to itself.
    for id in &paras {
        let a = tags(&html)
            .into_iter()
            .find(|t| t.name == "a" && t.has_class("para-link") && t.attr("href") == Some(format!("#{id}").as_str()));
        assert!(a.is_some(), "no ¶ link for {id}");
    }
    let para_links = tags(&html)
        .into_iter()
        .filter(|t| t.name == "a" && t.has_class("para-link"))
        .count();
    assert_eq!(para_links, paras.len());
    let p = between(&html, "yi-qian-yan-p2>", "</p>");
    assert!(p.starts_with("第二段"), "{p}");
    // List items and quotes are not numbered paragraphs.
    assert!(html.contains("列表里的段落没有锚点"));
    assert!(html.contains("引用里的段落也没有锚点"));
}

#[test]
fn report_page_has_a_table_of_contents_linking_to_its_headings() {
    let html = report_html();
    assert!(has_id(&html, "toc"));
    let toc = between(&html, "id=toc", "</nav>");
    let toc_links = links(toc);
    assert_eq!(
        toc_links,
        [
            "#metrics",
            "#yi-qian-yan",
            "#yi-cheng-xin-ze-ren",
            "#yi-qian-yan-1",
            "#custom-id",
            "#metrics-1"
        ],
        "{toc}"
    );
    let ids = common::ids(&html);
    for l in &toc_links {
        assert!(ids.contains(&l[1..].to_string()), "TOC link {l} has no target");
    }
    assert!(toc.contains("（一）诚信责任"), "subheadings are nested in the TOC");
}

#[test]
fn cjk_emphasis_is_bold() {
    let html = report_html();
    assert!(
        html.contains("本中心坚持<strong>“公正、科学、准确”</strong>的原则。"),
        "{html}"
    );
    assert!(!html.contains("**"));
}

#[test]
fn raw_html_is_escaped_not_trusted() {
    let html = report_html();
    assert!(
        !tags(&html).iter().any(|t| t.name == "script"),
        "no <script> element may come from Markdown"
    );
    assert!(
        html.contains("&lt;script>") || html.contains("&lt;script&gt;"),
        "{html}"
    );
    assert!(html.contains("alert"));
}

#[test]
fn code_is_highlighted_with_classes_and_excerpts_are_marked() {
    let site = report_site();
    site.build_ok();
    let html = site.read("reports/2018/index.html");
    let t = tags(&html);
    assert!(t.iter().any(|t| t.name == "pre" && t.has_class("hl-code")), "{html}");
    assert!(
        t.iter().any(|t| t.name == "span" && t.has_class("hl-rust")),
        "syntect classes with the hl- prefix"
    );
    assert!(html.contains("你好"));
    // No inline styles anywhere: everything works under the CSP.
    for (path, page) in html_files(&site.public()) {
        assert!(!page.contains("style="), "{path} has a style attribute");
        assert!(
            !tags(&page).iter().any(|t| t.name == "style"),
            "{path} has a <style> element"
        );
    }
    let css = snapshot(&site.public())
        .into_iter()
        .find(|(k, _)| k.starts_with("style.") && k.ends_with(".css"))
        .map(|(_, v)| String::from_utf8(v).unwrap())
        .expect("stylesheet");
    assert!(css.contains(".hl-"), "highlighting rules are in the stylesheet");
    // Excerpt blocks.
    let excerpt = t.iter().find(|t| t.name == "div" && t.has_class("excerpt"));
    assert!(excerpt.is_some(), "{html}");
    let inside = between(&html, "class=excerpt>", "</div>");
    assert!(inside.contains("节选的段落……"), "{inside}");
    assert!(!html.contains(":::"));
}

#[test]
fn pages_and_stylesheet_are_minified() {
    let site = report_site();
    site.build_ok();
    for (path, page) in html_files(&site.public()) {
        // Code blocks keep their newlines; everything else must be on one line.
        let mut outside_pre = String::new();
        let mut rest = page.as_str();
        while let Some(i) = rest.find("<pre") {
            outside_pre.push_str(&rest[..i]);
            rest = rest[i..].split_once("</pre>").map_or("", |(_, r)| r);
        }
        outside_pre.push_str(rest);
        for indent in ["\n ", "\n\t", ">\n<", "  <"] {
            assert!(
                !outside_pre.contains(indent),
                "{path} is not minified ({indent:?} found):\n{page}"
            );
        }
        assert!(!page.contains("<!--"), "{path} keeps comments");
    }
    let files = snapshot(&site.public());
    let (name, css) = files
        .iter()
        .find(|(k, _)| k.starts_with("style.") && k.ends_with(".css"))
        .expect("stylesheet");
    let css = String::from_utf8_lossy(css);
    assert!(!css.contains("/*"), "{name} keeps comments");
    assert!(!css.contains("\n  "), "{name} keeps indentation");
    assert_eq!(css.trim_end().lines().count(), 1, "{name} is not on one line");
    for loose in [": ", " {", "{ ", ";}", "; "] {
        assert!(!css.contains(loose), "{name} is not minified: {loose:?} found");
    }
    let js = files
        .iter()
        .find(|(k, _)| k.starts_with("redirect.") && k.ends_with(".js"))
        .expect("redirect.js");
    let js = String::from_utf8_lossy(js.1);
    assert!(
        !js.contains("\n  ") && js.contains("location.replace"),
        "redirect.js is not minified: {js}"
    );
}

#[test]
fn sitemap_lists_every_page_with_its_absolute_url() {
    let site = report_site();
    site.doc("content/about/team.md", "title: 团队", "团队。\n");
    site.doc(
        "content/impartiality/2018.md",
        "title: 公正声明\nkind: impartiality\neffective: 2018",
        "1. 一。\n",
    );
    site.doc(
        "content/reports/2016.md",
        "title: 2016年度\nyear: 2016\ndate: 2017-04-01\naliases: [/old/2016/]",
        "正文。\n",
    );
    site.build_ok();
    let xml = site.read("sitemap.xml");
    assert!(xml.starts_with("<?xml version=\"1.0\" encoding=\"UTF-8\"?>"));
    assert!(xml.contains("<urlset xmlns=\"http://www.sitemaps.org/schemas/sitemap/0.9\">"));
    let locs: BTreeSet<String> = sitemap_locs(&xml).into_iter().collect();
    // Every page written as PATH/index.html, except redirect pages, is listed.
    let pages: BTreeSet<String> = snapshot(&site.public())
        .into_keys()
        .filter_map(|k| k.strip_suffix("index.html").map(str::to_string))
        .filter(|k| !k.starts_with("old/"))
        .map(|k| format!("https://example.org/{k}"))
        .collect();
    assert_eq!(locs, pages, "{xml}");
    assert!(locs.contains("https://example.org/"));
    assert!(locs.contains("https://example.org/about/team/"));
    let entry = between(&xml, "<loc>https://example.org/reports/2016/</loc>", "</url>");
    assert!(entry.contains("<lastmod>2017-04-01</lastmod>"), "{entry}");
}

#[test]
fn atom_feed_lists_reports_and_statements_newest_first_with_escaped_titles() {
    let site = Site::new();
    site.doc("content/reports/_index.md", "title: 报告\nkind: report", "");
    site.doc("content/reports/2016.md", "title: 2016年度报告\nyear: 2016", "正文。\n");
    site.doc(
        "content/reports/2018.md",
        "title: 2018年度报告 <&> \"引号\"\nyear: 2018\nsummary: 摘要 <b>不是标签</b> & 符号",
        "正文。\n",
    );
    site.doc(
        "content/reports/2017.md",
        "title: 2017年度报告\nyear: 2017\ndate: 2018-03-01",
        "正文。\n",
    );
    site.doc(
        "content/impartiality/a.md",
        "title: 公正声明\nkind: impartiality\neffective: 2017-06",
        "1. 一。\n",
    );
    site.doc("content/about.md", "title: 关于", "页面不进订阅。\n");
    site.build_ok();
    let xml = site.read("atom.xml");
    assert!(xml.starts_with("<?xml version=\"1.0\" encoding=\"UTF-8\"?>"));
    assert!(xml.contains("<feed xmlns=\"http://www.w3.org/2005/Atom\""));
    assert!(xml.contains("<link href=\"https://example.org/atom.xml\" rel=\"self\""));
    let entries = feed_entries(&xml);
    let urls: Vec<&str> = entries.iter().map(|(_, u)| u.as_str()).collect();
    // 2018 (filed at 2018-12-31), 2017 (dated 2018-03-01), the statement (2017-06-01),
    // 2016 (2016-12-31). Plain pages are not in the feed.
    assert_eq!(
        urls,
        [
            "https://example.org/reports/2018/",
            "https://example.org/reports/2017/",
            "https://example.org/impartiality/a/",
            "https://example.org/reports/2016/",
        ],
        "{xml}"
    );
    assert_eq!(entries[0].0, "2018年度报告 &lt;&amp;&gt; &quot;引号&quot;");
    assert!(
        xml.contains("<summary>摘要 &lt;b&gt;不是标签&lt;/b&gt; &amp; 符号</summary>"),
        "{xml}"
    );
    assert!(!xml.contains("<&>"));
    assert!(!xml.contains("<b>"));
    // The feed's `updated` is its newest entry's, never the build time.
    let updated = between(&xml, "<updated>", "</updated>");
    assert_eq!(updated, "2018-12-31T00:00:00+08:00");
    // The page title is escaped in HTML too: no stray tag from a title.
    let page = site.read("reports/2018/index.html");
    assert!(page.contains("&lt;&"), "{page}");
}

#[test]
fn base_url_with_a_path_prefixes_every_root_relative_link() {
    let site = Site::with_config("title: 测试站点\nbase_url: https://example.org/csr/\n");
    site.doc("content/reports/_index.md", "title: 报告\nkind: report", "");
    site.doc(
        "content/reports/2018.md",
        "title: 2018年度报告\nyear: 2018\naliases: [/old/2018/]",
        "## 一、前言\n\n见 [2017年报告](/reports/2017/)，[内部链接](@/reports/2017.md#qian-yan)，\
         [外部](https://www.cnas.org.cn/)，[本页](#yi-qian-yan)。\n\n![图](/img/logo.png)\n",
    );
    site.doc(
        "content/reports/2017.md",
        "title: 2017年度报告\nyear: 2017",
        "## 前言\n\n正文。\n",
    );
    site.doc(
        "content/impartiality/2018.md",
        "title: 公正声明\nkind: impartiality\neffective: 2018",
        "1. 一。\n",
    );
    site.build_ok();

    let mut checked = 0;
    for (path, html) in html_files(&site.public()) {
        for l in links(&html) {
            if l.starts_with('/') {
                assert!(l.starts_with("/csr/"), "{path}: link {l} ignores the base path");
                checked += 1;
            }
            if l.starts_with("http") && l.contains("example.org") {
                assert!(l.starts_with("https://example.org/csr/"), "{path}: {l}");
            }
        }
    }
    assert!(checked > 30, "only {checked} root-relative links checked");
    let report = site.read("reports/2018/index.html");
    let l = links(&report);
    for expected in [
        "/csr/reports/2017/",
        "/csr/reports/2017/#qian-yan",
        "https://www.cnas.org.cn/",
        "#yi-qian-yan",
        "/csr/img/logo.png",
    ] {
        assert!(l.contains(&expected.to_string()), "{expected} not in {l:?}");
    }
    // The redirect page for an alias points into the base path too.
    let redirect = site.read("old/2018/index.html");
    assert!(
        links(&redirect).contains(&"/csr/reports/2018/".to_string()),
        "{redirect}"
    );
    // Absolute URLs in the XML files.
    for loc in sitemap_locs(&site.read("sitemap.xml")) {
        assert!(loc.starts_with("https://example.org/csr/"), "{loc}");
    }
    for (_, url) in feed_entries(&site.read("atom.xml")) {
        assert!(url.starts_with("https://example.org/csr/"), "{url}");
    }
    assert!(
        site.read("robots.txt")
            .contains("Sitemap: https://example.org/csr/sitemap.xml")
    );
}

#[test]
fn base_url_override_from_build_options() {
    let site = report_site();
    let opts = gongshi::build::BuildOptions {
        base_url: Some("https://staging.example.net/portal".into()),
        ..site.opts()
    };
    expect_ok(site.build_with(&opts));
    let html = site.read("reports/2018/index.html");
    assert!(links(&html).contains(&"/portal/reports/2017/".to_string()), "{html}");
    for loc in sitemap_locs(&site.read("sitemap.xml")) {
        assert!(loc.starts_with("https://staging.example.net/portal/"), "{loc}");
    }
}
