//! Broken input: every error names its file and line, and a failed build leaves the
//! previous output exactly as it was.

mod common;

use std::collections::BTreeSet;
use std::path::Path;

use common::*;
use gongshi::diagnostics::Diagnostic;

/// A valid site with a report section holding 2017.
fn good_site() -> Site {
    let site = Site::new();
    site.doc("content/reports/_index.md", "title: 社会责任报告\nkind: report", "");
    site.doc(
        "content/reports/2017.md",
        "title: 2017年度社会责任报告\nyear: 2017",
        "## 前言\n\n正文。\n",
    );
    site
}

/// Builds a good site, lets `breaks` damage it, builds again and checks that the build
/// failed without touching the previous output or leaving anything beside it. Returns
/// the site and the diagnostics.
fn break_site(breaks: impl FnOnce(&Site)) -> (Site, gongshi::diagnostics::Diagnostics) {
    let site = good_site();
    site.build_ok();
    let before = snapshot(&site.public());
    assert!(before.contains_key("reports/2017/index.html"));
    let root_before: BTreeSet<String> = top_level(&site);

    breaks(&site);
    let diags = site.build_err();

    let after = snapshot(&site.public());
    assert_same_tree(&before, &after);
    // Nothing new beside the output (no staging or old folder left behind); the broken
    // input itself may have added templates/.
    let root_after = top_level(&site);
    let extra: Vec<&String> = root_after
        .difference(&root_before)
        .filter(|n| n.as_str() != "templates")
        .collect();
    assert!(extra.is_empty(), "left behind beside public/: {extra:?}");
    // Every error renders as `error: FILE:LINE…`.
    let text = diags.to_string();
    for d in diags.errors() {
        assert!(text.contains(&format!("error: {}", d.location())), "{text}");
    }
    (site, diags)
}

fn top_level(site: &Site) -> BTreeSet<String> {
    std::fs::read_dir(site.root())
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect()
}

fn the_error(diags: &gongshi::diagnostics::Diagnostics) -> Diagnostic {
    single_error(diags).clone()
}

fn assert_at(d: &Diagnostic, file: &str, line: usize) {
    assert_eq!(d.file, Path::new(file), "{d}");
    assert_eq!(d.line, Some(line), "{d}");
    assert!(
        d.to_string().starts_with(&format!("error: {file}:{line}")),
        "rendered diagnostic names FILE:LINE: {d}"
    );
}

const REPORT_2018: &str = "content/reports/2018.md";

#[test]
fn malformed_yaml() {
    let (_, diags) = break_site(|s| {
        s.write(
            REPORT_2018,
            "---\ntitle: 2018年度报告\nyear: 2018\nsummary: 甲: 乙\n---\n正文。\n",
        );
    });
    let d = the_error(&diags);
    assert_at(&d, REPORT_2018, 4);
    assert!(d.column.is_some(), "{d}");
    assert_eq!(d.source_line.as_deref(), Some("summary: 甲: 乙"));
    assert!(d.help.is_some());
}

#[test]
fn malformed_yaml_message_has_no_second_location() {
    let (_, diags) = break_site(|s| {
        s.write(
            REPORT_2018,
            "---\ntitle: 2018年度报告\nyear: 2018\nsummary: \"未闭合\n---\n正文。\n",
        );
    });
    let d = the_error(&diags);
    assert_eq!(d.file, Path::new(REPORT_2018));
    assert!(!d.message.contains(" at line "), "{d}");
}

#[test]
fn unterminated_front_matter() {
    let (_, diags) = break_site(|s| {
        s.write(
            REPORT_2018,
            "---\ntitle: 2018年度报告\nyear: 2018\n\n## 前言\n\n正文。\n",
        );
    });
    let d = the_error(&diags);
    assert_at(&d, REPORT_2018, 1);
    assert!(d.message.contains("not closed"), "{d}");
    assert!(d.help.as_deref().unwrap_or("").contains("---"), "{d}");
}

#[test]
fn missing_title() {
    let (_, diags) = break_site(|s| {
        s.doc(REPORT_2018, "year: 2018", "正文。\n");
    });
    let d = the_error(&diags);
    assert_at(&d, REPORT_2018, 1);
    assert!(d.message.contains("title"), "{d}");
}

#[test]
fn report_without_year() {
    let (_, diags) = break_site(|s| {
        s.doc(REPORT_2018, "title: 2018年度报告", "正文。\n");
    });
    let d = the_error(&diags);
    assert_at(&d, REPORT_2018, 1);
    assert!(d.message.contains("year"), "{d}");
    assert!(d.help.as_deref().unwrap_or("").contains("year: "), "{d}");
}

#[test]
fn year_written_in_chinese_numerals() {
    let (_, diags) = break_site(|s| {
        s.doc(REPORT_2018, "title: 2018年度报告\nyear: 二〇一八", "正文。\n");
    });
    let d = the_error(&diags);
    assert_at(&d, REPORT_2018, 3);
    assert_eq!(d.column, Some(7), "{d}");
    assert!(d.message.contains("year"), "{d}");
    assert!(d.message.contains("二〇一八"), "{d}");
}

#[test]
fn duplicate_year_in_a_section_names_both_files() {
    let (_, diags) = break_site(|s| {
        s.doc(REPORT_2018, "title: 2018年度报告\nyear: 2017", "正文。\n");
    });
    let d = the_error(&diags);
    let files = [Path::new("content/reports/2017.md"), Path::new(REPORT_2018)];
    assert!(files.contains(&d.file.as_path()), "{d}");
    let other = if d.file == files[0] { files[1] } else { files[0] };
    assert!(d.message.contains(&other.display().to_string()), "{d}");
    assert!(d.message.contains("2017"), "{d}");
    assert_eq!(d.line, Some(3), "points at the year: {d}");
    assert_eq!(d.source_line.as_deref(), Some("year: 2017"));
}

#[test]
fn invalid_utf8_names_the_line() {
    let (_, diags) = break_site(|s| {
        let mut bytes = b"---\ntitle: 2018\xe5\xb9\xb4\nyear: 2018\n---\n\n## \xe5\x89\x8d\xe8\xa8\x80\n\n".to_vec();
        bytes.extend_from_slice(b"GBK text \xff\xfe here\n");
        s.write(REPORT_2018, bytes);
    });
    let d = the_error(&diags);
    assert_at(&d, REPORT_2018, 8);
    assert_eq!(d.column, Some(10), "{d}");
    assert!(d.message.contains("UTF-8"), "{d}");
    assert!(d.help.as_deref().unwrap_or("").contains("UTF-8"), "{d}");
}

#[test]
fn unknown_kind_suggests_the_closest() {
    let (_, diags) = break_site(|s| {
        s.doc(REPORT_2018, "title: 2018年度报告\nkind: reprot\nyear: 2018", "正文。\n");
    });
    let d = the_error(&diags);
    assert_at(&d, REPORT_2018, 3);
    assert!(d.message.contains("reprot"), "{d}");
    assert!(d.help.as_deref().unwrap_or("").contains("`report`"), "{d}");
}

#[test]
fn unknown_kind_in_a_section_index() {
    let (_, diags) = break_site(|s| {
        s.doc("content/notices/_index.md", "title: 声明\nkind: impartialty", "");
    });
    let d = the_error(&diags);
    assert_at(&d, "content/notices/_index.md", 3);
    assert!(d.help.as_deref().unwrap_or("").contains("`impartiality`"), "{d}");
}

#[test]
fn unknown_key_suggests_the_closest() {
    let (_, diags) = break_site(|s| {
        s.doc(REPORT_2018, "title: 2018年度报告\nyaer: 2018", "正文。\n");
    });
    let d = the_error(&diags);
    assert_at(&d, REPORT_2018, 3);
    assert!(d.message.contains("yaer"), "{d}");
    assert!(d.help.as_deref().unwrap_or("").contains("`year`"), "{d}");
}

#[test]
fn non_numeric_metric_value() {
    let (_, diags) = break_site(|s| {
        s.doc(
            REPORT_2018,
            "title: 2018年度报告\nyear: 2018\nmetrics:\n  staff:\n    label: 工作人员\n    value: 608名\n    unit: 名",
            "正文。\n",
        );
    });
    let d = the_error(&diags);
    assert_eq!(d.file, Path::new(REPORT_2018), "{d}");
    assert!(d.line.is_some(), "{d}");
    assert!(d.message.contains("staff"), "{d}");
    assert!(d.message.contains("608名"), "{d}");
    assert!(d.help.as_deref().unwrap_or("").contains("unit"), "{d}");
}

#[test]
fn non_numeric_metric_value_points_at_its_line() {
    let (_, diags) = break_site(|s| {
        s.doc(
            REPORT_2018,
            "title: 2018年度报告\nyear: 2018\nmetrics:\n  staff:\n    label: 工作人员\n    value: 608名\n    unit: 名",
            "正文。\n",
        );
    });
    let d = the_error(&diags);
    // Line 7 of the file is `    value: 608名`.
    assert_at(&d, REPORT_2018, 7);
    assert_eq!(d.source_line.as_deref(), Some("    value: 608名"));
}

#[test]
fn unknown_metric_field_points_at_its_line() {
    let (_, diags) = break_site(|s| {
        s.doc(
            REPORT_2018,
            "title: 2018年度报告\nyear: 2018\nmetrics:\n  staff:\n    value: 608\n    unti: 名",
            "正文。\n",
        );
    });
    let d = the_error(&diags);
    assert!(d.help.as_deref().unwrap_or("").contains("`unit`"), "{d}");
    assert_at(&d, REPORT_2018, 7);
}

#[test]
fn non_numeric_metric_in_number_form_points_at_its_line() {
    let (_, diags) = break_site(|s| {
        s.doc(
            REPORT_2018,
            "title: 2018年度报告\nyear: 2018\nmetrics:\n  staff: 六百",
            "正文。\n",
        );
    });
    let d = the_error(&diags);
    assert_at(&d, REPORT_2018, 5);
    assert!(d.message.contains("六百"), "{d}");
}

#[test]
fn alias_escaping_the_output_is_rejected() {
    let (site, diags) = break_site(|s| {
        s.doc(
            REPORT_2018,
            "title: 2018年度报告\nyear: 2018\naliases:\n  - /old/2018/\n  - ../../etc",
            "正文。\n",
        );
    });
    let d = the_error(&diags);
    assert_at(&d, REPORT_2018, 6);
    assert!(d.message.contains("../../etc"), "{d}");
    // Nothing was written outside the site either.
    assert!(!site.root().parent().unwrap().join("etc/index.html").exists());
    assert!(!site.root().join("etc").exists());
}

#[test]
fn two_sources_for_one_url() {
    let (_, diags) = break_site(|s| {
        s.doc(
            REPORT_2018,
            "title: 2018年度报告\nyear: 2018\naliases: [/reports/2017/]",
            "正文。\n",
        );
    });
    let d = the_error(&diags);
    assert_eq!(d.file, Path::new(REPORT_2018), "{d}");
    assert!(d.message.contains("reports/2017/index.html"), "{d}");
}

#[test]
fn non_ascii_file_name() {
    let (_, diags) = break_site(|s| {
        s.doc("content/reports/报告.md", "title: 报告\nyear: 2019", "正文。\n");
    });
    let d = the_error(&diags);
    assert_eq!(d.file, Path::new("content/reports/报告.md"), "{d}");
    assert!(d.help.is_some());
}

#[test]
fn template_syntax_error_names_template_and_line() {
    let (_, diags) = break_site(|s| {
        s.write(
            "templates/x.html",
            "{% extends \"base.html\" %}\n{% block content %}\n<p>\n{% if %}\n</p>\n{% endblock content %}\n",
        );
    });
    let d = the_error(&diags);
    assert_at(&d, "templates/x.html", 4);
    assert!(d.message.contains("syntax"), "{d}");
    assert_eq!(d.source_line.as_deref(), Some("{% if %}"));
}

#[test]
fn template_runtime_error_names_template_and_line() {
    let (_, diags) = break_site(|s| {
        s.write(
            "templates/report.html",
            "{% extends \"base.html\" %}\n{% block content %}\n<h1>{{ page.title }}</h1>\n<p>{{ page.nope.deeper }}</p>\n{% endblock content %}\n",
        );
    });
    let d = the_error(&diags);
    assert_at(&d, "templates/report.html", 4);
    assert!(d.message.contains("nope"), "{d}");
    assert!(
        d.message.contains("content/reports/2017.md"),
        "names the page being rendered: {d}"
    );
}

#[test]
fn config_errors_name_config_yaml() {
    let (_, diags) = break_site(|s| {
        s.write(
            "config.yaml",
            "title: 测试站点\nbase_url: https://example.org/\nlanguge: zh-CN\n",
        );
    });
    let d = the_error(&diags);
    assert_at(&d, "config.yaml", 3);
    assert!(d.help.as_deref().unwrap_or("").contains("`language`"), "{d}");

    let (_, diags) = break_site(|s| {
        s.write("config.yaml", "title: 测试站点\nbase_url: example.org\n");
    });
    let d = the_error(&diags);
    assert_at(&d, "config.yaml", 2);
}

#[test]
fn errors_of_several_files_are_reported_together_in_order() {
    let (_, diags) = break_site(|s| {
        s.doc("content/reports/2019.md", "title: 2019\nyaer: 2019", "正文。\n");
        s.doc(REPORT_2018, "title: 2018\nyear: 二〇一八", "正文。\n");
    });
    let errors: Vec<&Diagnostic> = diags.errors().collect();
    assert_eq!(errors.len(), 2, "{diags}");
    assert_eq!(errors[0].file, Path::new(REPORT_2018));
    assert_eq!(errors[1].file, Path::new("content/reports/2019.md"));
}

#[test]
fn check_reports_the_same_errors_and_writes_nothing() {
    let site = good_site();
    site.doc(REPORT_2018, "title: 2018年度报告\nyaer: 2018", "正文。\n");
    let diags = expect_invalid(gongshi::build::check(&site.opts(), None));
    assert_at(&the_error(&diags), REPORT_2018, 3);
    assert!(!site.public().exists());

    site.remove(REPORT_2018);
    let summary = gongshi::build::check(&site.opts(), None).unwrap_or_else(|e| panic!("{e}"));
    assert!(summary.pages >= 3, "{summary:?}");
    assert!(!site.public().exists(), "check writes nothing");
}

#[test]
fn duplicate_effective_date_among_statements() {
    let (_, diags) = break_site(|s| {
        s.doc(
            "content/notices/a.md",
            "title: 公正声明\nkind: impartiality\neffective: 2018",
            "1. 一。\n",
        );
        s.doc(
            "content/notices/b.md",
            "title: 公正声明\nkind: impartiality\neffective: 2018",
            "1. 二。\n",
        );
    });
    let d = the_error(&diags);
    assert_at(&d, "content/notices/b.md", 4);
    assert!(d.message.contains("content/notices/a.md"), "{d}");
}

#[test]
fn implausible_year_and_invalid_dates() {
    let (_, diags) = break_site(|s| {
        s.doc(REPORT_2018, "title: 2018年度报告\nyear: 18", "正文。\n");
    });
    assert_at(&the_error(&diags), REPORT_2018, 3);

    let (_, diags) = break_site(|s| {
        s.doc(
            REPORT_2018,
            "title: 2018年度报告\nyear: 2018\ndate: 2019-02-30",
            "正文。\n",
        );
    });
    let d = the_error(&diags);
    assert_at(&d, REPORT_2018, 4);
    assert!(d.message.contains("2019-02-30"), "{d}");

    let (_, diags) = break_site(|s| {
        s.doc(
            "content/notices/a.md",
            "title: 公正声明\nkind: impartiality\neffective: 2018-13",
            "1. 一。\n",
        );
    });
    assert_at(&the_error(&diags), "content/notices/a.md", 4);

    let (_, diags) = break_site(|s| {
        s.doc("content/notices/a.md", "title: 公正声明\nkind: commitment", "1. 一。\n");
    });
    let d = the_error(&diags);
    assert_eq!(d.file, Path::new("content/notices/a.md"));
    assert!(d.message.contains("effective"), "{d}");
}

#[test]
fn metrics_outside_a_report() {
    let (_, diags) = break_site(|s| {
        s.doc("content/about.md", "title: 关于\nmetrics:\n  staff: 608", "正文。\n");
    });
    let d = the_error(&diags);
    assert_at(&d, "content/about.md", 3);
    assert!(d.help.as_deref().unwrap_or("").contains("kind: report"), "{d}");
}
