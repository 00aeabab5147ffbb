//! Year-over-year comparisons on fixture sites: section alignment, the word diff,
//! figures and stated changes, statements item by item, the picker and trends pages,
//! links from documents, sitemap, accessibility and determinism; and the default
//! content's /reports/compare/2017-2018/.

mod common;

use std::collections::BTreeSet;
use std::process::Command;

use common::*;
use gongshi::build::{BuildOptions, build};
use indicatif::ProgressBar;

const R2019: &str = "title: 2019年度社会责任报告
year: 2019
metrics:
  staff: {label: 工作人员, value: 580, unit: 名}
  certificates: {label: 发放证书, value: 98000, unit: 份}
";

const R2020: &str = "title: 2020年度社会责任报告
year: 2020
publisher: 甲检验中心
metrics:
  staff: {label: 工作人员, value: 600, unit: 名}
  certificates: {label: 发放证书, value: 104000, unit: 份}
  old_only: {label: 旧指标, value: 5, unit: 个}
";

const B2020: &str = "## 一、前言 {#intro}

本报告反映了2020年度中心履行社会责任的情况。中心共完成检测12345批次。

## 二、社会责任管理体系和制度建立情况

本中心建立了社会责任管理体系，任命责任人，明确职能、职责和义务权限，逐级向领导层报告并提出改进意见，确保社会责任战略的顺利实施。

通过建立人力资源政策、财务政策和内部沟通机制，把对员工、客户的履责要求融入工作的整体过程。

## 三、安全生产

本中心始终将保障员工安全放在首位，定期开展安全检查和应急演练，提高突发事件应对能力。

## 四、公益活动

中心积极参与社会公益事业和社区建设，鼓励开展检验检测志愿者活动。
";

const R2021: &str = "title: 2021年度社会责任报告
year: 2021
publisher: 乙检验中心
metrics:
  staff: {label: 工作人员, value: 615, unit: 名}
  certificates:
    label: 发放证书
    value: 119000
    unit: 份
    stated_change_pct: 12.5
  instruments: {label: 接收送检仪器, value: 259000, unit: 台件, stated_change_pct: 8.8}
";

const B2021: &str = "## 一、导言 {#intro}

本报告反映了2021年度中心履行社会责任的情况。中心共完成检测13579批次。

## 二、公益活动

中心积极参与社会公益事业和社区建设，鼓励开展检验检测志愿者活动。

## 三、管理体系建设情况

本中心建立了社会责任管理体系，任命责任人，明确职能、职责和义务权限，逐级向领导层报告并提出改进意见，确保社会责任战略的顺利实施。

通过建立人力资源政策、财务政策和内部沟通机制，把对员工、客户的履责要求融入工作的整体过程，确保社会责任管理落到实处。

## 四、2022年工作重点

一是加强党建工作。二是推进技术创新和成果转化。
";

const S2019: &str = "1. 遵守国家法律、法规和认可机构的要求，履行法律义务；
2. 坚持公开、公平、自愿的无歧视服务原则；
3. 维护客户的权利，保护客户的所有权和专利权不受侵犯；
4. 不接受有违公正性的投资赞助和代理。
";

const S2021: &str = "1. 坚持公开、公平、自愿的无歧视服务原则；
2. 遵守国家法律、法规和认可机构的要求，履行法律义务；
3. 维护客户的合法权利，保护客户的所有权和专利权不受侵犯；
4. 对出具的检验检测数据和结果负责。
";

/// Three reports and two versions of an impartiality statement.
fn fixture() -> Site {
    let site = Site::new();
    site.doc("content/reports/_index.md", "title: 社会责任报告\nkind: report", "");
    site.doc(
        "content/reports/2019.md",
        R2019,
        "## 一、前言 {#intro}\n\n2019年正文。\n",
    );
    site.doc("content/reports/2020.md", R2020, B2020);
    site.doc("content/reports/2021.md", R2021, B2021);
    site.doc(
        "content/impartiality/_index.md",
        "title: 公正声明\nkind: impartiality",
        "",
    );
    site.doc(
        "content/impartiality/2019.md",
        "title: 公正声明\neffective: 2019",
        S2019,
    );
    site.doc(
        "content/impartiality/2021.md",
        "title: 公正声明\neffective: 2021-06",
        S2021,
    );
    site
}

/// The comparison page's sections in order: (status, heading text).
fn sections(html: &str) -> Vec<(String, String)> {
    html.split("compare-section status-")
        .skip(1)
        .map(|chunk| {
            let status = chunk.split(['"', ' ']).next().unwrap().to_string();
            let heading = &chunk[chunk.find("<h").unwrap()..];
            let title = between(heading, ">", "</h").to_string();
            (status, title)
        })
        .collect()
}

fn chunk_of<'a>(html: &'a str, title: &str) -> &'a str {
    let start = html
        .find(&format!("-h>{title}</h"))
        .unwrap_or_else(|| panic!("no section {title}"));
    let rest = &html[start..];
    let end = rest[1..].find("compare-section").map_or(rest.len(), |e| e + 1);
    &rest[..end]
}

#[test]
fn sections_pair_by_id_title_and_similarity_and_show_added_removed_and_moved() {
    let site = fixture();
    site.build_ok();
    let html = site.read("reports/compare/2020-2021/index.html");
    let got: Vec<(String, String)> = sections(&html);
    let want = [
        ("changed", "一、导言"),
        ("same", "二、公益活动"),
        ("changed", "三、管理体系建设情况"),
        ("removed", "三、安全生产"),
        ("added", "四、2022年工作重点"),
    ];
    assert_eq!(
        got.iter().map(|(s, t)| (s.as_str(), t.as_str())).collect::<Vec<_>>(),
        want,
        "{html}"
    );
    // The explicit id pairs 前言 with 导言; the old heading is shown.
    assert!(chunk_of(&html, "一、导言").contains("2020年标题为“一、前言”"));
    assert!(html.contains("<a href=#s1>一、导言</a> <span class=\"badge badge-changed\">有改动</span> <span class=\"badge badge-renamed\">标题改动</span>"));
    // Renumbering is not renaming.
    assert!(html.contains("<a href=#s2>二、公益活动</a> <span class=\"badge badge-same\">未改动</span> <span class=\"badge badge-moved\">位置调整</span></li>"), "{html}");
    // 公益活动 moved from fourth to second place.
    assert!(chunk_of(&html, "二、公益活动").contains("位置调整"));
    // The renamed section pairs by similarity and says so.
    let renamed = chunk_of(&html, "三、管理体系建设情况");
    assert!(
        renamed.contains("2020年标题为“二、社会责任管理体系和制度建立情况”"),
        "{renamed}"
    );
    assert!(renamed.contains("相似度"), "{renamed}");
    assert!(renamed.contains("<ins>，确保社会责任管理落到实处</ins>"), "{renamed}");
    // The summary counts them.
    assert!(html.contains("2 / 1 / 1"), "changed / added / removed: {html}");
    assert!(html.contains("1 处位置调整"));
}

#[test]
fn the_diff_marks_whole_numbers_with_ins_and_del_and_has_a_legend() {
    let site = fixture();
    site.build_ok();
    let html = site.read("reports/compare/2020-2021/index.html");
    let intro = chunk_of(&html, "一、导言");
    assert!(intro.contains("<del>12345</del><ins>13579</ins>"), "{intro}");
    assert!(intro.contains("<del>2020</del><ins>2021</ins>"), "{intro}");
    // Each paragraph links to its source paragraph in the newer report.
    assert!(intro.contains("href=/reports/2021/#intro-p1"), "{intro}");
    // A whole removed section's paragraphs are deleted text, an added one's inserted.
    assert!(chunk_of(&html, "三、安全生产").contains("<del>本中心始终将保障员工安全放在首位"));
    assert!(chunk_of(&html, "四、2022年工作重点").contains("<ins>一是加强党建工作。"));
    // Legend, and styles that survive black-and-white printing.
    let legend = between(&html, "class=diff-legend", "</p>");
    assert!(
        legend.contains("<ins>") && legend.contains("<del>") && legend.contains("下划线") && legend.contains("删除线")
    );
    let css_name = snapshot(&site.public())
        .into_keys()
        .find(|k| k.starts_with("style.") && k.ends_with(".css"))
        .unwrap();
    let css = site.read(&css_name);
    assert!(css.contains("text-decoration:line-through") || css.contains("text-decoration: line-through"));
    assert!(css.contains("@media print"));
    // Unchanged text folds behind <details> (the 2019-2021 intro has none, but the
    // moved section's unchanged paragraph is short and stays open).
    assert!(!chunk_of(&html, "二、公益活动").contains("<details"));
}

#[test]
fn figures_show_every_key_with_absolute_and_percent_change_and_check_stated_changes() {
    let site = fixture();
    site.build_ok();
    let html = site.read("reports/compare/2020-2021/index.html");
    let table = between(&html, "<table class=compare-metrics>", "</table>");
    let rows: Vec<&str> = table.split("<tr").skip(2).collect();
    let row = |label: &str| {
        *rows
            .iter()
            .find(|r| r.contains(&format!("<th scope=row>{label}")))
            .unwrap_or_else(|| panic!("no row {label} in {table}"))
    };
    let cells = |r: &str| -> Vec<String> {
        r.split("<td")
            .skip(1)
            .map(|c| c.split_once('>').unwrap().1.split("</td>").next().unwrap().to_string())
            .collect()
    };
    let staff = cells(row("工作人员"));
    assert_eq!(
        &staff[..4],
        [
            "600",
            "615",
            "+15",
            "<span class=\"dir dir-up\" aria-hidden=true>▲</span>+2.5%"
        ]
    );
    let certs = row("发放证书");
    assert!(row("发放证书").starts_with(" class=flagged"), "{certs}");
    let c = cells(certs);
    assert_eq!(
        (c[0].as_str(), c[1].as_str(), c[2].as_str()),
        ("104,000", "119,000", "+15,000")
    );
    assert!(c[3].ends_with("+14.4%"));
    assert!(
        c[4].starts_with("+12.5%") && c[4].contains("计算为 +14.4%") && c[4].contains("与所述不符"),
        "{}",
        c[4]
    );
    // A key only the older report has, with a blank for the newer year.
    let old = cells(row("旧指标"));
    assert_eq!(old[0], "5");
    assert!(old[1].contains("未载"));
    // A stated change without the year before: the implied value, marked derived.
    let inst = cells(row("接收送检仪器"));
    assert!(inst[0].contains("约23.8万") && inst[0].contains("推算"), "{}", inst[0]);
    assert!(inst[0].contains("259,000 ÷ (1 + 8.8%) ≈ 238,051"), "{}", inst[0]);
    // Sparklines over all years, with a text alternative.
    let spark = row("工作人员");
    assert!(spark.contains("<svg") && spark.contains("role=img"), "{spark}");
    assert!(
        spark.contains("工作人员历年走势：2019年：580 名；2020年：600 名；2021年：615 名"),
        "{spark}"
    );
    // The summary.
    assert!(
        html.contains("<span class=stat>1</span><span class=stat-label>项报告所述同比变化与数据不符"),
        "{html}"
    );
}

#[test]
fn a_contradicted_claim_is_a_warning_naming_file_and_line_in_build_and_check() {
    let site = fixture();
    let summary = site.build_ok();
    let stated: Vec<_> = summary
        .warnings
        .warnings()
        .filter(|w| w.message.contains("stated"))
        .collect();
    assert_eq!(stated.len(), 1, "{}", summary.warnings);
    let w = stated[0];
    assert_eq!(w.file, std::path::Path::new("content/reports/2021.md"));
    assert_eq!(
        w.message,
        "certificates: stated +12.5%, computed +14.4% (104000 -> 119000)"
    );
    assert_eq!(w.line, Some(11));
    assert_eq!(w.source_line.as_deref(), Some("    stated_change_pct: 12.5"));

    let out = Command::new(bin())
        .arg("--root")
        .arg(site.root())
        .arg("check")
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(out.status.success(), "{stderr}");
    assert!(
        stderr.contains(
            "warning: content/reports/2021.md:11: certificates: stated +12.5%, computed +14.4% (104000 -> 119000)"
        ),
        "{stderr}"
    );
    assert!(String::from_utf8_lossy(&out.stdout).starts_with("ok:"));
}

#[test]
fn statements_are_compared_item_by_item_and_list_their_comparisons() {
    let site = fixture();
    site.build_ok();
    let html = site.read("impartiality/compare/2019-2021/index.html");
    let table = between(&html, "<table class=compare-items>", "</table>");
    let statuses: Vec<&str> = table
        .split("<tr class=item-")
        .skip(1)
        .map(|r| r.split('>').next().unwrap())
        .collect();
    assert_eq!(statuses, ["same", "same", "changed", "removed", "added"], "{table}");
    assert!(table.contains("<del>权利</del><ins>合法权利</ins>"), "{table}");
    assert!(table.contains("顺序调整"));
    assert!(table.contains("href=/impartiality/2021/#item-3>第3条"), "{table}");
    assert!(html.contains("2019年版与2021-06版公正声明对比"), "{html}");
    // The newer statement's history links to the comparison.
    let page = site.read("impartiality/2021/index.html");
    assert!(page.contains("href=/impartiality/compare/2019-2021/"), "{page}");
    assert!(page.contains("与上一版本对比"));
}

#[test]
fn the_picker_works_without_javascript() {
    let site = fixture();
    site.build_ok();
    let html = site.read("reports/compare/index.html");
    let hrefs = links(&html);
    for pair in ["2019-2020", "2019-2021", "2020-2021"] {
        assert!(
            hrefs.contains(&format!("/reports/compare/{pair}/")),
            "{pair}: {hrefs:?}"
        );
        assert!(site.exists(&format!("reports/compare/{pair}/index.html")));
    }
    // The two-select form is hidden until the script shows it; the script is a file.
    let form = tags(&html)
        .into_iter()
        .find(|t| t.name == "form" && t.has_class("compare-picker"))
        .unwrap();
    assert!(form.attr("hidden").is_some(), "{form:?}");
    let scripts: Vec<Tag> = tags(&html).into_iter().filter(|t| t.name == "script").collect();
    assert!(!scripts.is_empty());
    for s in &scripts {
        let src = s.attr("src").expect("no inline script");
        assert!(site.exists(src.trim_start_matches('/')), "{src}");
    }
    assert!(scripts.iter().any(|s| s.attr("src").unwrap().starts_with("/compare.")));
    assert!(
        html.contains("data-a=2019 data-b=2021") || html.contains("data-a=\"2019\""),
        "{html}"
    );
}

#[test]
fn long_series_get_consecutive_pairs_and_pairs_with_the_newest() {
    let site = Site::new();
    site.doc(
        "content/reports/_index.md",
        "title: 报告\nkind: report\nextra: {compare_all_pairs_max: 3}",
        "",
    );
    for y in 2015..2019 {
        site.doc(
            &format!("content/reports/{y}.md"),
            &format!("title: {y}年报告\nyear: {y}"),
            "正文。\n",
        );
    }
    site.build_ok();
    for y in 2015..2018 {
        assert!(site.exists(&format!("reports/compare/{y}-{}/index.html", y + 1)));
    }
    // Each older version against the newest, but no other pair.
    assert!(site.exists("reports/compare/2015-2018/index.html"));
    assert!(site.exists("reports/compare/2016-2018/index.html"));
    assert!(!site.exists("reports/compare/2015-2017/index.html"));
    assert!(
        site.read("reports/compare/index.html")
            .contains("以及各版本与最新版本的对比")
    );
}

#[test]
fn reports_and_sections_link_to_comparisons_and_trends() {
    let site = fixture();
    site.build_ok();
    let page = site.read("reports/2020/index.html");
    assert!(
        page.contains("<a href=/reports/compare/2019-2020/>与上一年度对比</a>"),
        "{page}"
    );
    assert!(
        page.contains("<a href=/reports/compare/2020-2021/>与下一年度对比</a>"),
        "{page}"
    );
    assert!(page.contains("href=/reports/trends/"));
    let first = site.read("reports/2019/index.html");
    assert!(!first.contains("与上一年度对比") && first.contains("与下一年度对比"));
    let section = site.read("reports/index.html");
    assert!(
        section.contains("href=/reports/compare/") && section.contains("href=/reports/trends/"),
        "{section}"
    );
}

#[test]
fn comparison_pages_are_in_the_sitemap() {
    let site = fixture();
    site.build_ok();
    let locs = sitemap_locs(&site.read("sitemap.xml"));
    for u in [
        "reports/compare/",
        "reports/compare/2019-2020/",
        "reports/compare/2019-2021/",
        "reports/compare/2020-2021/",
        "reports/trends/",
        "impartiality/compare/",
        "impartiality/compare/2019-2021/",
    ] {
        assert!(locs.contains(&format!("https://example.org/{u}")), "{u}: {locs:?}");
    }
    let mut sorted = locs.clone();
    sorted.sort();
    assert_eq!(locs, sorted);
}

#[test]
fn trends_chart_every_metric_with_a_data_table() {
    let site = fixture();
    site.build_ok();
    let html = site.read("reports/trends/index.html");
    for label in ["工作人员", "发放证书", "旧指标", "接收送检仪器"] {
        assert!(html.contains(&format!("{label}历年变化</title>")), "{label}");
        assert!(html.contains(&format!("{label}历年数据")), "{label}");
    }
    let svgs: Vec<Tag> = tags(&html).into_iter().filter(|t| t.name == "svg").collect();
    assert_eq!(svgs.len(), 4);
    // Point values on hover, the axis from zero, years on the x axis.
    assert!(html.contains("<title>2021年：615 名</title>"), "{html}");
    assert!(html.contains(">2019</text>"));
    // The implied 2020 figure for instruments is drawn hollow and tabled as derived.
    let inst = between(&html, "接收送检仪器历年数据", "</table>");
    assert!(
        inst.contains("2020年</th><td class=num>约23.8万 <span class=tag>推算</span>"),
        "{inst}"
    );
    // The contradicted 2021 certificates change is flagged in its table.
    let certs = between(&html, "发放证书历年数据", "</table>");
    assert!(certs.contains("与数据不符"), "{certs}");
}

#[test]
fn comparison_pages_are_accessible_and_csp_clean() {
    let site = fixture();
    site.build_ok();
    let pages = [
        "reports/compare/2020-2021/index.html",
        "reports/compare/2019-2021/index.html",
        "reports/compare/index.html",
        "reports/trends/index.html",
        "impartiality/compare/2019-2021/index.html",
        "impartiality/compare/index.html",
    ];
    for p in pages {
        let html = site.read(p);
        let all = tags(&html);
        let ids: Vec<String> = ids(&html);
        let unique: BTreeSet<&String> = ids.iter().collect();
        assert_eq!(unique.len(), ids.len(), "{p}: duplicate ids");
        for t in &all {
            assert!(t.attr("style").is_none(), "{p}: inline style on {t:?}");
            assert!(
                !t.attrs.iter().any(|(k, _)| k.starts_with("on")),
                "{p}: inline handler on {t:?}"
            );
            if t.name == "script" {
                assert!(t.attr("src").is_some(), "{p}: inline script");
            }
            if let Some(refs) = t.attr("aria-labelledby") {
                for r in refs.split_whitespace() {
                    assert!(unique.contains(&r.to_string()), "{p}: aria-labelledby {r} missing");
                }
            }
            if t.name == "th" {
                assert!(t.attr("scope").is_some(), "{p}: th without scope");
            }
            if t.name == "svg" {
                assert_eq!(t.attr("role"), Some("img"), "{p}");
                assert!(t.attr("aria-labelledby").is_some(), "{p}");
            }
        }
        assert_eq!(
            html.matches("<table").count(),
            html.matches("<caption>").count(),
            "{p}: table without caption"
        );
        assert!(html.contains("<h1>"), "{p}");
    }
}

#[test]
fn comparisons_are_byte_identical_whatever_the_thread_count() {
    let site = fixture();
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
    assert!(one.keys().filter(|k| k.contains("/compare/")).count() >= 6);
    assert_same_tree(&one, &four);
}

#[test]
fn base_path_is_respected() {
    let site = fixture();
    site.write("config.yaml", "title: 测试站点\nbase_url: https://example.org/csr/\n");
    site.build_ok();
    let html = site.read("reports/compare/index.html");
    assert!(links(&html).contains(&"/csr/reports/compare/2019-2020/".to_string()));
    let page = site.read("reports/2020/index.html");
    assert!(page.contains("href=/csr/reports/compare/2019-2020/"), "{page}");
    assert!(sitemap_locs(&site.read("sitemap.xml")).contains(&"https://example.org/csr/reports/trends/".to_string()));
}

#[test]
fn content_at_a_comparison_url_is_an_error() {
    let site = fixture();
    site.doc("content/reports/compare.md", "title: 对比\nkind: page", "正文。\n");
    let diags = site.build_err();
    let e = single_error(&diags);
    assert_eq!(e.file, std::path::Path::new("content/reports/compare.md"));
    assert!(e.message.contains("comparison page /reports/compare/"), "{e}");
}

#[test]
fn default_content_compares_2017_with_2018_honestly() {
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("public");
    let opts = BuildOptions {
        output_dir: out.clone(),
        ..BuildOptions::new(env!("CARGO_MANIFEST_DIR"))
    };
    expect_ok(build(&opts, &ProgressBar::hidden()));
    let html = read_out(&out, "reports/compare/2017-2018/index.html");
    // The renamed part 二 pairs up, and the old heading is shown.
    let two = chunk_of(&html, "二、社会责任管理体系和制度的建立情况");
    assert!(
        two.contains("2017年标题为“二、社会责任管理体系和制度建立情况”"),
        "{two}"
    );
    // 2017 starts at part 二: 前言 is new in 2018; the 2017 report is cut short.
    assert!(
        sections(&html).contains(&("added".to_string(), "1、 前言".to_string())),
        "{:?}",
        sections(&html)
    );
    assert!(html.contains("2017年的原文有 4 段为节选"), "{html}");
    // Publishers: 2017 names none.
    assert!(html.contains("2017年的原文未署名发布单位，2018年署名为“国家计量器具产品质量监督检验中心”"));
    // Figures: every key of either year, blanks where unknown, the implied 2017 value.
    assert!(html.contains("两份报告没有共同的指标"));
    let table = between(&html, "<table class=compare-metrics>", "</table>");
    for label in ["程序文件", "作业指导书", "工作人员", "接收送检仪器", "标准物质发售创收"] {
        assert!(table.contains(&format!("<th scope=row>{label}")), "{label}");
    }
    assert_eq!(table.matches("<th scope=row>").count(), 23);
    let inst = between(table, "<th scope=row>接收送检仪器", "</tr>");
    assert!(
        inst.contains("约23.8万") && inst.contains("推算") && inst.contains("238,051"),
        "{inst}"
    );
    assert!(read_out(&out, "reports/2018/index.html").contains("与上一年度对比"));
    assert!(read_out(&out, "sitemap.xml").contains("<loc>https://example.gov.cn/reports/compare/2017-2018/</loc>"));
}

#[test]
fn commitments_are_compared_section_by_section_and_item_by_item() {
    let site = Site::new();
    site.doc("content/commitments/_index.md", "title: 服务承诺\nkind: commitment", "");
    site.doc(
        "content/commitments/2019.md",
        "title: 质量方针与服务承诺\neffective: 2019",
        "## 质量方针\n\n坚持公正、维护公信、保证准确、提高效率。\n\n## 服务理念\n\n1. 维护客户权利；\n2. 尊重客户意愿；\n3. 满足客户需求。\n",
    );
    site.doc(
        "content/commitments/2022.md",
        "title: 质量方针与服务承诺\neffective: 2022-03-01",
        "## 质量方针\n\n坚持公正、维护公信、保证准确、提高效率、持续改进。\n\n## 保密承诺\n\n严格保守客户的商业秘密和技术秘密。\n\n## 服务理念\n\n1. 尊重客户意愿；\n2. 维护客户权利；\n3. 满足客户需求；\n4. 倾听客户意见。\n",
    );
    site.build_ok();
    let html = site.read("commitments/compare/2019-2022/index.html");
    let groups: Vec<(String, String)> = sections(&html);
    assert_eq!(
        groups.iter().map(|(s, t)| (s.as_str(), t.as_str())).collect::<Vec<_>>(),
        [("changed", "质量方针"), ("added", "保密承诺"), ("changed", "服务理念")],
        "{html}"
    );
    let policy = chunk_of(&html, "质量方针");
    assert!(policy.contains("提高效率<ins>、持续改进</ins>。"), "{policy}");
    let service = chunk_of(&html, "服务理念");
    let statuses: Vec<&str> = service
        .split("<tr class=item-")
        .skip(1)
        .map(|r| r.split('>').next().unwrap())
        .collect();
    // 。 became ；: the same promise.
    assert_eq!(statuses, ["same", "same", "same", "added"], "{service}");
    assert!(service.contains("顺序调整"));
    assert!(html.contains("2019年版与2022-03-01版服务承诺对比"), "{html}");
    // The picker and the page links.
    assert!(
        links(&site.read("commitments/compare/index.html")).contains(&"/commitments/compare/2019-2022/".to_string())
    );
    let page = site.read("commitments/2022/index.html");
    assert!(
        page.contains("<a href=/commitments/compare/2019-2022/>与上一版本对比</a>"),
        "{page}"
    );
}

/// Content that claims a comparison page's path (a page, an alias) is an error naming
/// the file, not a page silently overwritten.
#[test]
fn content_claiming_a_comparison_path_is_an_error_naming_its_file() {
    for (rel, front_matter, claimed) in [
        (
            "content/reports/trends.md",
            "title: 占位\nkind: page",
            "/reports/trends/",
        ),
        (
            "content/news/note.md",
            "title: 通知\naliases: [\"/reports/compare/2020-2021/\"]",
            "/reports/compare/2020-2021/",
        ),
    ] {
        let site = fixture();
        site.doc(rel, front_matter, "正文。");
        let diags = site.build_err();
        let e = single_error(&diags);
        assert!(e.file.ends_with(rel), "{rel}: {e:?}");
        assert!(
            e.message.contains(&format!("the comparison page {claimed}")),
            "{rel}: {e:?}"
        );
        assert!(!site.exists("public/index.html"), "{rel}: nothing published");
    }
}
