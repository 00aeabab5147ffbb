//! End-to-end builds of fixture sites: every kind and field, URL mapping, aliases,
//! BOM/CRLF input, determinism and the embedded default theme.

mod common;

use std::collections::BTreeSet;

use common::*;
use gongshi::build::{BuildOptions, build};
use indicatif::ProgressBar;
use sha2::{Digest, Sha256};

/// A report with every field, in a section that gives its pages `kind: report`.
const REPORT_2018: &str = "title: 2018年度社会责任报告
year: 2018
date: 2019-03-31
publisher:
  name: 国家计量器具产品质量监督检验中心
  address: 北京市朝阳区北三环东路18号
  phone: 010-64211631
  email: zjzx@example.org
  icp: 京ICP备00000000号
summary: 本年度报告的摘要。
aliases:
  - /old/reports/2018.html
  - /csr/2018/
  - legacy-2018
extra:
  foo: 报告额外值
metrics:
  staff: 608
  instruments_received:
    label: 接收送检仪器
    value: 259000
    unit: 台件
    stated_change_pct: 8.8
  revenue:
    label: 检测创收
    value: 2.73
    unit: 亿元
    stated_change_pct: -3
";

const REPORT_2018_BODY: &str = "## 一、前言

本中心坚持**“公正、科学、准确”**的原则。
";

/// Reports 2017 and 2018, an impartiality statement, a commitment, plain pages (one
/// with a publisher map) and a draft; plus a site template override for page.html.
fn full_site() -> Site {
    let site = Site::new();
    site.doc("content/reports/_index.md", "title: 社会责任报告\nkind: report", "");
    site.doc("content/reports/2018.md", REPORT_2018, REPORT_2018_BODY);
    site.doc(
        "content/reports/2017.md",
        "title: 2017年度社会责任报告\nyear: 2017\npublisher: 某某检验中心",
        "## 前言\n\n二〇一七年正文。\n",
    );
    site.doc(
        "content/reports/2016.md",
        "title: 2016年度草稿报告\nyear: 2016\ndraft: true",
        "草稿正文。\n",
    );
    site.doc(
        "content/statements/impartiality.md",
        "title: 公正声明\nkind: impartiality\neffective: 2018-06",
        "1. 遵守国家法律；\n2. 坚持独立检测；\n3. 不介入市场竞争。\n\n本声明自发布之日起生效。\n",
    );
    site.doc(
        "content/statements/commitment.md",
        "title: 质量方针与服务承诺\nkind: commitment\neffective: 2018-06-01\npublisher: 某某检验中心",
        "## 质量方针\n\n坚持公正、维护公信。\n",
    );
    site.doc(
        "content/about.md",
        "title: 关于本中心
weight: 1
publisher:
  name: 地址齐全的中心
  address: 北京市某区某路1号
  phone: 010-12345678
  email: info@example.org
  icp: 京ICP备12345678号
extra:
  foo: 页面额外值",
        "关于我们的介绍。\n",
    );
    site.write(
        "templates/page.html",
        "{% extends \"base.html\" %}
{% block content %}
<article class=\"override\">
<h1>{{ page.title }}</h1>
<p class=\"extra-foo\">EXTRA[{{ page.extra.foo | default(value=\"-\") }}]</p>
{% if page.publisher %}<p class=\"pub\">PUB[{{ page.publisher.name }}|{{ page.publisher.address }}|{{ page.publisher.phone }}|{{ page.publisher.email }}|{{ page.publisher.icp }}]</p>{% endif %}
{{ page.content | safe }}
</article>
{% endblock content %}
",
    );
    site
}

#[test]
fn report_shows_every_front_matter_field() {
    let site = full_site();
    site.build_ok();
    let html = site.read("reports/2018/index.html");

    assert!(html.contains("<h1>2018年度社会责任报告</h1>"), "{html}");
    assert!(
        html.contains("<title>2018年度社会责任报告 - 测试站点</title>"),
        "{html}"
    );
    // Kind label, year, date, publisher (map form, its name shown), summary.
    assert!(html.contains("社会责任报告"));
    assert!(html.contains("2018年度"));
    let time = tags(&html).into_iter().find(|t| t.name == "time").expect("a <time>");
    assert_eq!(time.attr("datetime"), Some("2019-03-31"));
    assert!(html.contains(">2019-03-31</time>"));
    assert!(html.contains("国家计量器具产品质量监督检验中心"));
    assert!(!html.contains("未署名发布单位"), "the report names its publisher");
    let summary = tags(&html).into_iter().find(|t| t.has_class("summary"));
    assert!(summary.is_some(), "summary paragraph");
    assert!(html.contains("本年度报告的摘要。"));
    // Canonical link is the absolute URL.
    let canonical = tags(&html)
        .into_iter()
        .find(|t| t.name == "link" && t.attr("rel") == Some("canonical"))
        .expect("canonical link");
    assert_eq!(canonical.attr("href"), Some("https://example.org/reports/2018/"));
    // The source file and its SHA-256.
    assert!(html.contains("content/reports/2018.md"));
    let bytes = std::fs::read(site.root().join("content/reports/2018.md")).unwrap();
    let digest: String = Sha256::digest(&bytes).iter().map(|b| format!("{b:02x}")).collect();
    assert!(html.contains(&digest), "page shows the source digest {digest}");
    // Previous year is linked; the draft 2016 is not.
    assert!(links(&html).contains(&"/reports/2017/".to_string()));
    assert!(!html.contains("2016年度草稿报告"));
}

#[test]
fn report_metrics_in_number_and_map_forms() {
    let site = full_site();
    site.build_ok();
    let html = site.read("reports/2018/index.html");
    assert!(has_id(&html, "metrics"), "metrics section");
    let table = between(&html, "<tbody>", "</tbody>");
    let rows: Vec<&str> = table.split("<tr>").skip(1).collect();
    assert_eq!(rows.len(), 3, "{table}");
    // Number form: the key is the label, no unit, no stated change.
    assert!(rows[0].contains(">staff</th>"), "{}", rows[0]);
    assert!(rows[0].contains(">608</td>"), "{}", rows[0]);
    assert!(rows[0].contains("—"), "{}", rows[0]);
    // Map form, in the order written, with the stated change signed.
    assert!(rows[1].contains(">接收送检仪器</th>"), "{}", rows[1]);
    assert!(rows[1].contains(">259000</td>"), "{}", rows[1]);
    assert!(rows[1].contains(">台件</td>"), "{}", rows[1]);
    assert!(rows[1].contains(">+8.8%</td>"), "{}", rows[1]);
    assert!(rows[2].contains(">检测创收</th>"), "{}", rows[2]);
    assert!(rows[2].contains(">2.73</td>"), "{}", rows[2]);
    assert!(rows[2].contains(">-3%</td>"), "{}", rows[2]);
    // The TOC links to the metrics table.
    assert!(links(&html).contains(&"#metrics".to_string()));
}

#[test]
fn publisher_as_string_and_as_map() {
    let site = full_site();
    site.build_ok();
    // String form.
    let r2017 = site.read("reports/2017/index.html");
    assert!(r2017.contains("某某检验中心"), "{r2017}");
    assert!(!r2017.contains("未署名发布单位"));
    // Map form: every field reaches the template.
    let about = site.read("about/index.html");
    assert!(
        about.contains("PUB[地址齐全的中心|北京市某区某路1号|010-12345678|info@example.org|京ICP备12345678号]"),
        "{about}"
    );
    // The statement names no publisher and the site has none.
    let imp = site.read("statements/impartiality/index.html");
    assert!(imp.contains("未署名发布单位"), "{imp}");
    // The feed names the document's own publisher.
    let atom = site.read("atom.xml");
    let entry = between(&atom, "<title>2018年度社会责任报告</title>", "</entry>");
    assert!(
        entry.contains("<author><name>国家计量器具产品质量监督检验中心</name></author>"),
        "{entry}"
    );
}

#[test]
fn site_template_overrides_page_html_only_and_sees_extra() {
    let site = full_site();
    site.build_ok();
    let about = site.read("about/index.html");
    assert!(about.contains("EXTRA[页面额外值]"), "{about}");
    assert!(
        tags(&about)
            .iter()
            .any(|t| t.name == "article" && t.has_class("override"))
    );
    assert!(about.contains("关于我们的介绍。"));
    // The override extends the built-in base.html: the site chrome is there.
    assert!(tags(&about).iter().any(|t| t.has_class("site-header")), "{about}");
    // Other templates are still the theme's: the report is not rendered by page.html.
    let report = site.read("reports/2018/index.html");
    assert!(!report.contains("EXTRA["), "report.html is not overridden");
    assert!(
        tags(&report)
            .iter()
            .any(|t| t.name == "article" && t.has_class("report"))
    );
    // A plain page has no paragraph anchors.
    assert!(!about.contains("para-link"), "{about}");
}

#[test]
fn impartiality_statement_items_get_ids() {
    let site = full_site();
    site.build_ok();
    let html = site.read("statements/impartiality/index.html");
    assert!(html.contains("公正声明"));
    assert!(html.contains("2018-06"), "effective date shown");
    assert!(
        tags(&html)
            .iter()
            .any(|t| t.name == "article" && t.has_class("statement"))
    );
    let items: Vec<String> = tags(&html)
        .into_iter()
        .filter(|t| t.name == "li")
        .filter_map(|t| t.attr("id").map(str::to_string))
        .collect();
    assert_eq!(items, ["item-1", "item-2", "item-3"], "{html}");
    let li = between(&html, "item-2", "</li>");
    assert!(li.contains("坚持独立检测"), "{li}");
    // The paragraph after the list is a body paragraph with an anchor.
    assert!(has_id(&html, "p1"), "{html}");
}

#[test]
fn commitment_renders_with_its_template() {
    let site = full_site();
    site.build_ok();
    let html = site.read("statements/commitment/index.html");
    assert!(
        tags(&html)
            .iter()
            .any(|t| t.name == "article" && t.has_class("commitment"))
    );
    assert!(html.contains("服务承诺"), "kind label");
    assert!(html.contains("2018-06-01"));
    assert!(html.contains("某某检验中心"));
    assert!(has_id(&html, "zhi-liang-fang-zhen"));
    assert!(has_id(&html, "zhi-liang-fang-zhen-p1"));
}

#[test]
fn drafts_are_left_out_unless_asked_for() {
    let site = full_site();
    site.build_ok();
    assert!(!site.exists("reports/2016/index.html"));
    assert!(!site.read("sitemap.xml").contains("/reports/2016/"));
    assert!(!site.read("atom.xml").contains("2016年度草稿报告"));
    assert!(!site.read("reports/index.html").contains("2016年度草稿报告"));

    let opts = BuildOptions {
        drafts: true,
        ..site.opts()
    };
    expect_ok(site.build_with(&opts));
    let html = site.read("reports/2016/index.html");
    assert!(html.contains("2016年度草稿报告"));
    assert!(site.read("sitemap.xml").contains("https://example.org/reports/2016/"));
    assert!(site.read("reports/index.html").contains("2016年度草稿报告"));
}

#[test]
fn kind_is_inherited_from_the_section_and_its_parents() {
    let site = Site::new();
    site.doc("content/reports/_index.md", "title: 报告\nkind: report", "");
    // A subsection without _index.md: its pages are reports too.
    site.doc(
        "content/reports/branch/2019.md",
        "title: 分中心2019年报告\nyear: 2019",
        "## 一、前言\n\n正文。\n",
    );
    // A subsection with its own _index.md but no kind inherits as well.
    site.doc("content/reports/lab/_index.md", "title: 实验室", "");
    site.doc(
        "content/reports/lab/2019.md",
        "title: 实验室2019年报告\nyear: 2019",
        "正文。\n",
    );
    // Another section's kind.
    site.doc("content/notices/_index.md", "title: 公正声明\nkind: impartiality", "");
    site.doc(
        "content/notices/2020.md",
        "title: 2020公正声明\neffective: 2020",
        "1. 第一条。\n",
    );
    // No kind anywhere: a page.
    site.doc("content/misc/hello.md", "title: 你好", "你好。\n");
    site.build_ok();

    for p in ["reports/branch/2019/index.html", "reports/lab/2019/index.html"] {
        let html = site.read(p);
        assert!(
            tags(&html).iter().any(|t| t.name == "article" && t.has_class("report")),
            "{p}: {html}"
        );
        assert!(html.contains("2019年度"), "{p}");
    }
    let notice = site.read("notices/2020/index.html");
    assert!(
        tags(&notice)
            .iter()
            .any(|t| t.name == "article" && t.has_class("statement"))
    );
    assert!(has_id(&notice, "item-1"));
    let page = site.read("misc/hello/index.html");
    assert!(
        tags(&page).iter().any(|t| t.name == "article" && t.has_class("page")),
        "{page}"
    );

    // The inherited kind is enforced: a report without a year fails.
    site.doc("content/reports/branch/2020.md", "title: 没有年份", "正文。\n");
    let diags = site.build_err();
    let d = single_error(&diags);
    assert_eq!(d.file, std::path::Path::new("content/reports/branch/2020.md"));
    assert!(d.message.contains("year"), "{d}");
}

#[test]
fn urls_mirror_the_content_tree() {
    let site = full_site();
    site.doc("content/about/team/people.md", "title: 团队", "团队。\n");
    site.doc("content/about/team/deep/more.md", "title: 更深", "更深。\n");
    site.write("content/reports/2018-scan.pdf", b"%PDF-1.4 fake");
    site.write("static/files/notice.txt", "静态文件");
    // content/about.md and content/about/ would collide, so use another folder name.
    site.remove("content/about.md");
    site.doc("content/contact.md", "title: 联系我们", "电话。\n");
    site.build_ok();

    let files: BTreeSet<String> = snapshot(&site.public()).into_keys().collect();
    for expected in [
        "index.html",
        "reports/index.html",
        "reports/2017/index.html",
        "reports/2018/index.html",
        "statements/index.html",
        "statements/impartiality/index.html",
        "statements/commitment/index.html",
        "about/index.html",
        "about/team/index.html",
        "about/team/people/index.html",
        "about/team/deep/index.html",
        "about/team/deep/more/index.html",
        "contact/index.html",
        "reports/2018-scan.pdf",
        "files/notice.txt",
        "404.html",
        "sitemap.xml",
        "atom.xml",
        "robots.txt",
        "sitemap/index.html",
    ] {
        assert!(files.contains(expected), "missing {expected}; files: {files:#?}");
    }
    assert!(files.iter().any(|f| f.starts_with("style.") && f.ends_with(".css")));
    assert!(files.iter().any(|f| f.starts_with("redirect.") && f.ends_with(".js")));
    assert_eq!(site.read("reports/2018-scan.pdf"), "%PDF-1.4 fake");
    assert_eq!(site.read("files/notice.txt"), "静态文件");

    // Section listings link to their pages, newest first.
    let list = site.read("reports/index.html");
    let l = links(&list);
    let i18 = l.iter().position(|x| x == "/reports/2018/").expect("2018 listed");
    let i17 = l.iter().position(|x| x == "/reports/2017/").expect("2017 listed");
    assert!(i18 < i17, "newest first: {l:?}");
    let team = site.read("about/team/index.html");
    assert!(links(&team).contains(&"/about/team/people/".to_string()));
    // The HTML site map reaches the nested page.
    assert!(links(&site.read("sitemap/index.html")).contains(&"/about/team/deep/more/".to_string()));
    let robots = site.read("robots.txt");
    assert!(robots.contains("Sitemap: https://example.org/sitemap.xml"), "{robots}");
}

#[test]
fn the_home_page_lists_a_few_documents_per_year_and_links_to_each_years_page() {
    // Twelve centres with a 2018 report and a 2016 impartiality statement, one of them
    // with a 2017 report too.
    let site = Site::new();
    for c in 0..12 {
        site.write(
            &format!("content/c{c:02}/_index.md"),
            format!("---\ntitle: 中心{c:02}\nkind: report\n---\n"),
        );
        site.doc(
            &format!("content/c{c:02}/2018.md"),
            &format!("title: 中心{c:02}2018年度报告\nyear: 2018\npublisher: 检验中心{c:02}"),
            "正文。\n",
        );
        site.write(
            &format!("content/c{c:02}/impartiality/_index.md"),
            "---\ntitle: 公正声明\nkind: impartiality\n---\n",
        );
        site.doc(
            &format!("content/c{c:02}/impartiality/2016.md"),
            "title: 公正性声明\neffective: 2016",
            "1. 公正。\n",
        );
    }
    site.doc(
        "content/c00/2017.md",
        "title: 中心002017年度报告\nyear: 2017",
        "正文。\n",
    );
    site.build_ok();

    let home = site.read("index.html");
    let home_links = links(&home);
    let listed_2018: BTreeSet<&String> = home_links
        .iter()
        .filter(|l| l.ends_with("/2018/") && l.starts_with("/c"))
        .collect();
    assert_eq!(
        listed_2018.len(),
        10,
        "ten of 2018's twelve on the home page: {home_links:?}"
    );
    assert!(home.contains("查看2018年全部 12 份文档"), "{home}");
    assert!(home_links.contains(&"/years/2018/".to_string()));
    assert!(home_links.contains(&"/c00/2017/".to_string()));
    assert!(!home.contains("查看2017年全部"), "2017 is listed whole: {home}");
    // The cards of current statements and the publishers are cut at ten too.
    let statements: BTreeSet<&String> = home_links
        .iter()
        .filter(|l| l.ends_with("/impartiality/2016/"))
        .collect();
    assert_eq!(statements.len(), 10, "{home_links:?}");
    assert!(home.contains("全部 12 份现行公正声明见网站地图"), "{home}");
    assert!(home.contains("检验中心09等 12 家"), "{home}");
    assert!(!home.contains("检验中心10"), "{home}");

    let year = site.read("years/2018/index.html");
    let year_links = links(&year);
    for c in 0..12 {
        assert!(
            year_links.contains(&format!("/c{c:02}/2018/")),
            "c{c:02} missing: {year_links:?}"
        );
    }
    assert!(!year_links.contains(&"/c00/2017/".to_string()));
    assert!(
        year.contains("<html lang=zh-CN") || year.contains("<html lang=\"zh-CN\""),
        "{year}"
    );
    assert!(links(&site.read("years/2017/index.html")).contains(&"/c00/2017/".to_string()));
    assert!(site.read("sitemap.xml").contains("https://example.org/years/2018/"));
    assert!(links(&site.read("sitemap/index.html")).contains(&"/years/2017/".to_string()));
}

#[test]
fn aliases_write_redirect_pages_to_the_canonical_url() {
    let site = full_site();
    site.build_ok();
    let files = snapshot(&site.public());
    let redirect_js = files
        .keys()
        .find(|f| f.starts_with("redirect.") && f.ends_with(".js"))
        .expect("hashed redirect.js")
        .clone();
    let js = site.read(&redirect_js);
    assert!(js.contains("hash"), "redirect.js keeps the #fragment: {js}");

    for out in ["old/reports/2018.html", "csr/2018/index.html", "legacy-2018/index.html"] {
        let html = site.read(out);
        let t = tags(&html);
        let canonical = t
            .iter()
            .find(|t| t.name == "link" && t.attr("rel") == Some("canonical"))
            .unwrap_or_else(|| panic!("{out}: no canonical link: {html}"));
        assert_eq!(canonical.attr("href"), Some("/reports/2018/"), "{out}");
        let refresh = t
            .iter()
            .find(|t| t.name == "meta" && t.attr("http-equiv") == Some("refresh"))
            .unwrap_or_else(|| panic!("{out}: no meta refresh"));
        assert_eq!(refresh.attr("content"), Some("0; url=/reports/2018/"), "{out}");
        let script = t.iter().find(|t| t.name == "script").expect("redirect script");
        assert_eq!(script.attr("src"), Some(format!("/{redirect_js}").as_str()), "{out}");
        assert!(
            links(&html).contains(&"/reports/2018/".to_string()),
            "{out}: visible link"
        );
        assert!(html.contains("2018年度社会责任报告"), "{out}: names the target");
        let robots = t.iter().find(|t| t.name == "meta" && t.attr("name") == Some("robots"));
        assert_eq!(robots.and_then(|r| r.attr("content")), Some("noindex"));
        assert!(!html.contains("style="), "{out}: CSP-safe, no inline style");
    }
    // The target page itself is intact, and aliases are not in the sitemap.
    assert!(
        site.read("reports/2018/index.html")
            .contains("<h1>2018年度社会责任报告</h1>")
    );
    let sitemap = site.read("sitemap.xml");
    assert!(!sitemap.contains("legacy-2018"), "{sitemap}");
    assert!(!sitemap.contains("/old/"), "{sitemap}");
}

#[test]
fn bom_and_crlf_input_builds_like_lf_input() {
    let crlf = Site::new();
    crlf.doc("content/reports/_index.md", "title: 报告\nkind: report", "");
    let text = "\u{feff}---\r\ntitle: 2018年度社会责任报告\r\nyear: 2018\r\n---\r\n\r\n## 一、前言\r\n\r\n第一段第一行，\r\n第一段第二行。\r\n\r\n第二段。\r\n";
    crlf.write("content/reports/2018.md", text);
    crlf.build_ok();
    let html = crlf.read("reports/2018/index.html");
    assert!(!html.contains('\u{feff}'), "no BOM in the output");
    assert!(!html.contains('\r'), "no CR in the output");
    assert!(html.contains("<h1>2018年度社会责任报告</h1>"), "{html}");
    assert!(html.contains("<title>2018年度社会责任报告 - 测试站点</title>"));
    assert!(has_id(&html, "yi-qian-yan"));
    let p1 = between(&html, "yi-qian-yan-p1>", "</p>");
    assert!(
        p1.starts_with("第一段第一行，") && p1.contains("第一段第二行。"),
        "{p1}"
    );
    let p2 = between(&html, "yi-qian-yan-p2>", "</p>");
    assert!(p2.starts_with("第二段。"), "{p2}");
    assert!(!has_id(&html, "yi-qian-yan-p3"));
    assert!(crlf.read("atom.xml").contains("<title>2018年度社会责任报告</title>"));

    // The same document with LF and no BOM gives the same page, but for the digest of
    // the source bytes.
    let lf = Site::new();
    lf.doc("content/reports/_index.md", "title: 报告\nkind: report", "");
    lf.write(
        "content/reports/2018.md",
        text.trim_start_matches('\u{feff}').replace("\r\n", "\n"),
    );
    lf.build_ok();
    let strip_digest = |h: &str| h.split("class=digest>").next().unwrap().to_string();
    assert_eq!(strip_digest(&html), strip_digest(&lf.read("reports/2018/index.html")));
}

#[test]
fn output_is_byte_identical_whatever_the_thread_count() {
    let site = full_site();
    // More documents than threads, so that parallel work really interleaves.
    for y in 2000..2012 {
        site.doc(
            &format!("content/reports/{y}.md"),
            &format!("title: {y}年度报告\nyear: {y}\nmetrics:\n  staff: {y}"),
            &format!("## 一、前言\n\n{y}年正文。\n\n## 二、情况\n\n```rust\nfn y() -> u32 {{ {y} }}\n```\n"),
        );
    }
    let out = tempfile::tempdir().unwrap();
    let run = |threads: usize, name: &str| {
        let opts = BuildOptions {
            output_dir: out.path().join(name),
            ..site.opts()
        };
        rayon::ThreadPoolBuilder::new()
            .num_threads(threads)
            .build()
            .unwrap()
            .install(|| expect_ok(build(&opts, &ProgressBar::hidden())));
        snapshot(&out.path().join(name))
    };
    let one = run(1, "one");
    let four = run(4, "four");
    let four_again = run(4, "four-again");
    assert!(one.len() > 20, "{} files", one.len());
    assert_same_tree(&one, &four);
    assert_same_tree(&four, &four_again);
}

#[test]
fn a_site_without_themes_folder_uses_the_embedded_theme() {
    let site = full_site();
    assert!(!site.root().join("themes").exists());
    site.build_ok();
    let files = snapshot(&site.public());
    let css_name = files
        .keys()
        .find(|f| f.starts_with("style.") && f.ends_with(".css"))
        .expect("hashed stylesheet")
        .clone();
    let css = String::from_utf8(files[&css_name].clone()).unwrap();
    assert!(css.contains(".hl-"), "highlighting classes are in the one stylesheet");
    assert!(css.len() > 1000, "the default theme's stylesheet, not an empty file");
    // Every template of the theme was used: home, section, each kind, 404, site map.
    let home = site.read("index.html");
    assert!(home.contains("lang=zh-CN") || home.contains("lang=\"zh-CN\""), "{home}");
    assert!(links(&home).contains(&format!("/{css_name}")));
    assert!(site.read("reports/index.html").contains("<h1>社会责任报告</h1>"));
    assert!(site.read("reports/2018/index.html").contains("主要数据"));
    assert!(site.read("statements/impartiality/index.html").contains("公正声明"));
    assert!(site.read("statements/commitment/index.html").contains("质量方针"));
    assert!(site.read("404.html").contains("页面不存在"));
    assert!(site.read("sitemap/index.html").contains("网站地图"));
}

#[test]
fn a_theme_on_disk_overrides_the_embedded_one_file_by_file() {
    let site = full_site();
    site.write("config.yaml", format!("{CONFIG}theme: civic\n"));
    site.write("themes/civic/theme.yaml", "name: civic\nlicense: MIT\n");
    site.write(
        "themes/civic/templates/404.html",
        "{% extends \"base.html\" %}{% block content %}<p class=\"civic-404\">CIVIC 404</p>{% endblock content %}",
    );
    site.write("themes/civic/static/extra.css", "body {\n  color : #ff0000 ;\n}\n");
    site.build_ok();
    assert!(site.read("404.html").contains("CIVIC 404"));
    // Templates the theme does not provide come from the embedded default.
    assert!(site.read("reports/2018/index.html").contains("主要数据"));
    // The site's templates/ still win over the theme.
    assert!(site.read("about/index.html").contains("EXTRA[页面额外值]"));
    let files = snapshot(&site.public());
    let extra = files
        .iter()
        .find(|(f, _)| f.starts_with("extra.") && f.ends_with(".css"))
        .expect("theme static file, hashed");
    assert_eq!(String::from_utf8_lossy(extra.1), "body{color:red}");

    // A theme that does not exist is an error naming config.yaml.
    site.write("config.yaml", format!("{CONFIG}theme: nonexistent\n"));
    let diags = site.build_err();
    let d = single_error(&diags);
    assert_eq!(d.file, std::path::Path::new("config.yaml"));
    assert!(d.message.contains("nonexistent"), "{d}");
}

#[test]
fn statements_list_their_other_versions() {
    let site = Site::new();
    site.doc(
        "content/impartiality/_index.md",
        "title: 公正声明\nkind: impartiality",
        "",
    );
    site.doc(
        "content/impartiality/2016.md",
        "title: 公正声明\neffective: 2016",
        "1. 旧版。\n",
    );
    site.doc(
        "content/impartiality/2018.md",
        "title: 公正声明\neffective: 2018-06",
        "1. 新版。\n",
    );
    site.build_ok();
    let new = site.read("impartiality/2018/index.html");
    assert!(has_id(&new, "history-title"), "{new}");
    assert!(links(&new).contains(&"/impartiality/2016/".to_string()));
    let old = site.read("impartiality/2016/index.html");
    assert!(links(&old).contains(&"/impartiality/2018/".to_string()));
    // The home page shows the current statement only.
    let home = site.read("index.html");
    let card = between(&home, "现行公正声明", "</section>");
    assert!(
        card.contains("/impartiality/2018/") && !card.contains("/impartiality/2016/"),
        "{card}"
    );
}
