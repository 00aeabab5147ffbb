//! The proof-reader on fixture sites: for every rule a true positive (with file, line,
//! column, text, suggestion and rule id) and near misses that must stay quiet;
//! silencing per document and per site; `check --format json` and
//! `--deny-warnings`; and the real findings in the default content.

mod common;

use std::process::{Command, Output};

use common::*;
use gongshi::build::check;
use gongshi::diagnostics::Diagnostic;

const REPORT: &str = "title: 2018年度社会责任报告\nyear: 2018";

/// A site with one report of `front` matter and `body`; its proof-reading warnings.
fn lint_with(config: &str, front: &str, body: &str) -> Vec<Diagnostic> {
    let site = Site::with_config(config);
    site.doc("content/reports/_index.md", "title: 报告\nkind: report", "");
    site.doc("content/reports/2018.md", front, body);
    warnings_of(&site)
}

fn warnings_of(site: &Site) -> Vec<Diagnostic> {
    let summary = expect_ok(check(&site.opts(), None));
    summary.warnings.warnings().cloned().collect()
}

fn lint(body: &str) -> Vec<Diagnostic> {
    lint_with(CONFIG, REPORT, body)
}

/// The warnings of one rule.
fn of(rule: &str, ws: &[Diagnostic]) -> Vec<Diagnostic> {
    ws.iter().filter(|w| w.rule.as_deref() == Some(rule)).cloned().collect()
}

fn show(ws: &[Diagnostic]) -> String {
    ws.iter().map(|w| w.to_string()).collect()
}

/// Asserts exactly one warning of `rule` and returns it.
fn one(rule: &str, ws: &[Diagnostic]) -> Diagnostic {
    let found = of(rule, ws);
    assert_eq!(found.len(), 1, "expected one `{rule}` warning:\n{}", show(ws));
    found[0].clone()
}

fn quiet(rule: &str, body: &str) {
    let ws = lint(body);
    assert!(
        of(rule, &ws).is_empty(),
        "`{rule}` should stay quiet on {body:?}:\n{}",
        show(&ws)
    );
}

/// (line, column, text) of a warning. The body starts after the front matter: on
/// line 5 of the file under `REPORT`, on line 11 under `METRICS`.
fn at(w: &Diagnostic) -> (usize, usize, &str) {
    (w.line.unwrap(), w.column.unwrap(), w.snippet.as_deref().unwrap_or(""))
}

// numbering

#[test]
fn numbering_heading_in_another_style() {
    let ws = lint("## 1、 前言\n\n正文。\n\n## 二、体系\n\n正文。\n\n## 三、情况\n\n正文。\n");
    let w = one("numbering", &ws);
    assert_eq!(at(&w), (5, 4, "1、"));
    assert_eq!(w.help.as_deref(), Some("write `一、前言`"));
    let text = w.to_string();
    assert!(
        text.starts_with("warning: content/reports/2018.md:5:4: `1、` numbers this heading"),
        "{text}"
    );
    assert!(text.contains("[numbering]"), "{text}");
}

#[test]
fn numbering_out_of_order_in_paragraphs() {
    let ws = of(
        "numbering",
        &lint("一是加强党建。\n\n二是推进融合。\n\n五是提升能力。\n\n三是加强合作。\n"),
    );
    assert_eq!(ws.len(), 2, "{}", show(&ws));
    assert_eq!(at(&ws[0]), (9, 1, "五是"));
    assert!(
        ws[0].message.contains("`三是` to `四是` are skipped"),
        "{}",
        ws[0].message
    );
    assert_eq!(ws[0].help.as_deref(), Some("renumber in order: this is `三是`"));
    assert_eq!(at(&ws[1]), (11, 1, "三是"));
    assert!(
        ws[1].message.contains("comes after `五是` (line 9)"),
        "{}",
        ws[1].message
    );
    assert_eq!(ws[1].help.as_deref(), Some("renumber in order: this is `四是`"));
}

#[test]
fn numbering_skipped_and_repeated_items_and_bracket_marks() {
    let ws = of(
        "numbering",
        &lint("要求：1、甲；2、乙；4、丁。\n\n### （一）甲\n\n正文。\n\n### （二）、乙\n\n正文。\n"),
    );
    assert_eq!(ws.len(), 2, "{}", show(&ws));
    assert_eq!(at(&ws[0]), (5, 12, "4、"));
    assert_eq!(at(&ws[1]), (11, 5, "（二）、"));
    assert_eq!(ws[1].help.as_deref(), Some("write `（二）乙`"));
    let ws = of("numbering", &lint("## 二、体系\n\n正文。\n\n## 三、情况\n\n正文。\n"));
    assert_eq!(ws.len(), 1, "{}", show(&ws));
    assert!(ws[0].message.contains("start at `二、`"), "{}", ws[0].message);
}

#[test]
fn numbering_near_misses_stay_quiet() {
    // Markdown numbers its own ordered lists.
    quiet("numbering", "1. 甲；\n3. 乙；\n7. 丙。\n");
    // A list in a quotation is someone else's numbering.
    quiet(
        "numbering",
        "一是加强党建。他强调“一是学习，三是落实”。二是推进创新。\n",
    );
    quiet("numbering", "一是加强党建。\n\n> 3、引文中的条目\n\n二是推进创新。\n");
    // Decimals and dates are not numbers of the text.
    quiet(
        "numbering",
        "3.15消费者权益保护日，我们开展活动。\n\n1.5倍于去年。\n\n2018、2019年连续开展。\n",
    );
    // Each part numbers its own subheadings.
    quiet(
        "numbering",
        "## 一、甲\n\n### （一）子\n\n文。\n\n## 二、乙\n\n### （一）子\n\n文。\n\n### （二）丑\n\n文。\n",
    );
    // A list broken over two paragraphs goes on counting.
    quiet(
        "numbering",
        "服务理念：1. 维护权利；2. 尊重意愿；\n\n3\\. 爱护财产；4. 珍惜时间。\n",
    );
}

// excerpt

#[test]
fn excerpt_unmarked_cut_paragraphs() {
    let ws = of("excerpt", &lint("领导小组对社会责...\n\n全年共抽查2500余份，\n"));
    assert_eq!(ws.len(), 2, "{}", show(&ws));
    assert_eq!(at(&ws[0]), (5, 9, "..."));
    assert!(ws[0].help.as_deref().unwrap().contains(":::excerpt"));
    assert_eq!(at(&ws[1]), (7, 12, "，"));
}

#[test]
fn excerpt_marked_blocks_are_quiet_and_uncut_blocks_are_not() {
    quiet(
        "excerpt",
        ":::excerpt\n领导小组对社会责...\n:::\n\n如……等，均已完成。\n",
    );
    let w = one("excerpt", &lint(":::excerpt\n全文到此结束。\n:::\n"));
    assert_eq!(at(&w), (5, 1, ":::excerpt"));
}

// punctuation

#[test]
fn punctuation_doubled_conflicting_and_half_width_marks() {
    let ws = of(
        "punctuation",
        &lint(
            "职工学法守法、；进一步加强管理。\n\n在加强安全管理制度的学习, 完善安全事项.下一步\n\n诚信责任、和环境责任。\n",
        ),
    );
    assert_eq!(ws.len(), 4, "{}", show(&ws));
    assert_eq!(at(&ws[0]), (5, 7, "、；"));
    assert_eq!(ws[0].help.as_deref(), Some("keep one: `；`"));
    assert_eq!(at(&ws[1]), (7, 13, ","));
    assert_eq!(at(&ws[2]), (7, 21, "."));
    assert_eq!(ws[2].help.as_deref(), Some("write the full-width `。`: `事项。下一`"));
    assert_eq!(at(&ws[3]), (9, 5, "、和"));
}

#[test]
fn punctuation_brackets_spaces_and_headings() {
    let ws = of(
        "punctuation",
        &lint(
            "## 1、 前言\n\n依据《考核规范》(JJF1069-2012)执行。\n\n### 基本情况，\n\n《法定计量检定机构考核规范执行。\n\n见(以下简称中心)。\n\n国际计量大会（CGPM）通过。\n",
        ),
    );
    let found: Vec<_> = ws.iter().map(at).collect();
    assert_eq!(
        found,
        [
            (5, 6, " "),
            (7, 9, "(JJF1069-2012)"),
            (9, 9, "，"),
            (11, 1, "《"),
            (13, 2, "(以下简称中心)")
        ],
        "{}",
        show(&ws)
    );
    assert!(ws[1].message.contains("line 15 writes `（CGPM）`"), "{}", ws[1].message);
}

#[test]
fn punctuation_near_misses_stay_quiet() {
    // Decimal points are not full stops; ASCII text keeps its own marks.
    quiet(
        "punctuation",
        "同比增长1.5倍，接收25.9万台件，增长8.8%。依据ISO/IEC 17025:2005执行。\n",
    );
    // Brackets around ASCII only, when the document never writes them full-width.
    quiet("punctuation", "依据《考核规范》(JJF1069-2012)执行。\n");
    // Code, links and URLs are not prose.
    quiet(
        "punctuation",
        "见`a,b`中文，见[链接](https://a.cn/x,y)中文，网址https://a.cn/?q=1,2。\n",
    );
    // Emphasis, an excerpt cut inside a quotation.
    quiet("punctuation", "真的吗？！\n\n:::excerpt\n他说：“全面提升...\n:::\n");
}

// figures

const METRICS: &str = "title: 2018年度社会责任报告
year: 2018
metrics:
  staff: {label: 工作人员, value: 608, unit: 名}
  lab_area: {label: 实验室占地面积, value: 54000, unit: 平方米}
  documents: {label: 程序文件, value: 29, unit: 个}
  instruments: {label: 接收送检仪器, value: 259000, unit: 台件, stated_change_pct: 8.8}
  satisfaction: {label: 客户综合满意度, value: 92, unit: \"%\"}
";

#[test]
fn figures_text_against_front_matter() {
    let ws = of(
        "figures",
        &lint_with(
            CONFIG,
            METRICS,
            "中心现有工作人员610名。\n\n制定30个程序文件。\n\n接收送检仪器25.9万台件，同比增长9.8%。\n\n客户满意度105%。\n",
        ),
    );
    let found: Vec<_> = ws.iter().map(at).collect();
    assert_eq!(
        found,
        [
            (11, 9, "工作人员610名"),
            (13, 3, "30个程序文件"),
            (15, 15, "同比增长9.8%"),
            (17, 6, "105%")
        ],
        "{}",
        show(&ws)
    );
    assert!(
        ws[0].message.contains("the front matter gives 608 名 (`staff`)"),
        "{}",
        ws[0].message
    );
    assert!(ws[2].message.contains("states 8.8%"), "{}", ws[2].message);
    assert!(
        ws[3].message.contains("a share cannot be above 100%"),
        "{}",
        ws[3].message
    );
}

#[test]
fn figures_near_misses_stay_quiet() {
    let body = "中心现有工作人员608名，其中工作人员中有党员120名。实验室占地面积5.4万平方米。\n\n\
                制定29个程序文件。接收送检仪器25.9万台件，同比增长8.8%；检测创收同比增长118%。\n\n\
                客户综合满意度92%。完成率105%。\n";
    let ws = lint_with(CONFIG, METRICS, body);
    assert!(of("figures", &ws).is_empty(), "{}", show(&ws));
}

#[test]
fn figures_stated_change_against_the_year_before_is_reported_once() {
    let site = Site::new();
    site.doc("content/reports/_index.md", "title: 报告\nkind: report", "");
    site.doc(
        "content/reports/2020.md",
        "title: 2020年度报告\nyear: 2020\nmetrics:\n  certificates: {label: 发放证书, value: 104000, unit: 份}",
        "正文。\n",
    );
    site.doc(
        "content/reports/2021.md",
        "title: 2021年度报告\nyear: 2021\nmetrics:\n  certificates: {label: 发放证书, value: 119000, unit: 份, stated_change_pct: 12.5}",
        "正文。\n",
    );
    let ws = warnings_of(&site);
    let stated: Vec<_> = ws.iter().filter(|w| w.message.contains("stated +12.5%")).collect();
    assert_eq!(stated.len(), 1, "{}", show(&ws));
    assert_eq!(stated[0].rule.as_deref(), Some("figures"));
    // Silenced with the rule.
    site.doc(
        "content/reports/2021.md",
        "title: 2021年度报告\nyear: 2021\nlint: {allow: [figures]}\nmetrics:\n  certificates: {label: 发放证书, value: 119000, unit: 份, stated_change_pct: 12.5}",
        "正文。\n",
    );
    let ws = warnings_of(&site);
    assert!(ws.iter().all(|w| !w.message.contains("stated")), "{}", show(&ws));
}

// repetition

#[test]
fn repetition_doubled_words_empty_and_repeated_sections() {
    let ws = of(
        "repetition",
        &lint("## 一、前言\n\n所做工作的工作，具有研发能力的的学科带头人。\n\n## 二、体系\n\n## 三、前言\n\n正文。\n"),
    );
    let found: Vec<_> = ws.iter().map(at).collect();
    assert_eq!(
        found,
        [
            (7, 3, "工作的工作"),
            (7, 15, "的的"),
            (9, 4, "二、体系"),
            (11, 4, "三、前言")
        ],
        "{}",
        show(&ws)
    );
    assert!(ws[2].message.contains("is empty"), "{}", ws[2].message);
    assert!(
        ws[3].message.contains("repeats the heading on line 5"),
        "{}",
        ws[3].message
    );
}

#[test]
fn repetition_near_misses_stay_quiet() {
    quiet(
        "repetition",
        "## 一、甲\n\n### （一）子\n\n常常、人人、等等、的的确确、一个一个地检查，清清楚楚。\n\n## 二、乙\n\n### （一）子二\n\n\
         不参与与检验检测工作有利益冲突的活动，为了了解情况，达到目的的手段。\n\n### （二）子\n\n正文。\n",
    );
}

// dates

#[test]
fn dates_report_dated_before_its_year_ended_and_impossible_dates() {
    let ws = of(
        "dates",
        &lint_with(
            CONFIG,
            "title: 2017年度社会责任报告\nyear: 2018\ndate: 2018-06-30",
            "2018年2月30日召开会议。\n",
        ),
    );
    let found: Vec<_> = ws.iter().map(at).collect();
    assert_eq!(
        found,
        [(2, 8, "2017年"), (4, 7, "2018-06-30"), (6, 1, "2018年2月30日")],
        "{}",
        show(&ws)
    );
    assert!(ws[1].message.contains("before that year ended"), "{}", ws[1].message);
}

#[test]
fn dates_near_misses_stay_quiet() {
    let ws = lint_with(
        CONFIG,
        "title: 2018年度社会责任报告\nyear: 2018\ndate: 2019-03-31",
        "2018年11月16日，大会通过决议。\n",
    );
    assert!(of("dates", &ws).is_empty(), "{}", show(&ws));
}

// silencing

#[test]
fn rules_are_silenced_per_document_and_per_site() {
    let body = "一是甲。\n\n三是乙。\n\n的的确实。\n";
    let ws = lint_with(CONFIG, &format!("{REPORT}\nlint: {{allow: [numbering]}}"), body);
    assert!(of("numbering", &ws).is_empty(), "{}", show(&ws));
    assert_eq!(of("repetition", &ws).len(), 1, "{}", show(&ws));
    let config = format!("{CONFIG}lint:\n  allow: [repetition, numbering]\n");
    assert!(lint_with(&config, REPORT, body).iter().all(|w| w.rule.is_none()));
}

#[test]
fn unknown_rule_ids_are_errors_with_a_suggestion() {
    let site = Site::new();
    site.doc(
        "content/reports/2018.md",
        &format!("{REPORT}\nkind: report\nlint:\n  allow: [numbring]"),
        "正文。\n",
    );
    let diags = expect_invalid(check(&site.opts(), None));
    let e = single_error(&diags);
    assert_eq!(e.line, Some(6));
    assert!(
        e.message.contains("unknown proof-reading rule `numbring`"),
        "{}",
        e.message
    );
    assert!(e.help.as_deref().unwrap().contains("did you mean `numbering`?"));

    let site = Site::with_config(&format!("{CONFIG}lint: {{allow: [figure]}}\n"));
    let diags = expect_invalid(check(&site.opts(), None));
    let e = single_error(&diags);
    assert_eq!(e.file, std::path::Path::new("config.yaml"));
    assert!(e.help.as_deref().unwrap().contains("did you mean `figures`?"), "{e}");
}

// the command line

fn gongshi(site: &Site, args: &[&str]) -> Output {
    Command::new(bin())
        .arg("--root")
        .arg(site.root())
        .args(args)
        .output()
        .expect("run gongshi")
}

fn site_with(body: &str) -> Site {
    let site = Site::new();
    site.doc("content/reports/_index.md", "title: 报告\nkind: report", "");
    site.doc("content/reports/2018.md", REPORT, body);
    site
}

#[test]
fn check_json_and_deny_warnings_exit_codes() {
    let site = site_with("具有研发能力的的学科带头人。\n");
    let o = gongshi(&site, &["check", "--format", "json"]);
    assert_eq!(o.status.code(), Some(0), "{}", String::from_utf8_lossy(&o.stderr));
    let json: serde_json::Value = serde_json::from_slice(&o.stdout).expect("one JSON document on stdout");
    assert_eq!(json["errors"], 0);
    assert_eq!(json["warnings"], 1);
    let d = &json["diagnostics"][0];
    assert_eq!(d["file"], "content/reports/2018.md");
    assert_eq!((d["line"].as_u64(), d["column"].as_u64()), (Some(5), Some(7)));
    assert_eq!(d["severity"], "warning");
    assert_eq!(d["rule"], "repetition");
    assert_eq!(d["text"], "的的");
    assert_eq!(d["help"], "keep one `的`");
    assert!(d["message"].as_str().unwrap().contains("`的的`"));

    assert_eq!(
        gongshi(&site, &["check", "--format", "json", "--deny-warnings"])
            .status
            .code(),
        Some(1)
    );
    let o = gongshi(&site, &["check", "--deny-warnings"]);
    assert_eq!(o.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&o.stderr).contains("[repetition]"));
    assert_eq!(gongshi(&site, &["check"]).status.code(), Some(0));

    // Warnings are printed by build too.
    let o = gongshi(&site, &["build"]);
    assert_eq!(o.status.code(), Some(0));
    assert!(String::from_utf8_lossy(&o.stderr).contains("warning: content/reports/2018.md:5:7: `的的`"));

    // A clean site passes --deny-warnings; an error fails, in JSON too.
    let clean = site_with("正文。\n");
    assert_eq!(gongshi(&clean, &["check", "--deny-warnings"]).status.code(), Some(0));
    clean.doc("content/reports/2018.md", "title: 无年份", "正文。\n");
    let o = gongshi(&clean, &["check", "--format", "json"]);
    assert_eq!(o.status.code(), Some(1));
    let json: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    assert_eq!(json["errors"], 1);
    assert_eq!(json["diagnostics"][0]["severity"], "error");
}

// the default content

#[test]
fn the_seed_reports_real_slips_are_found() {
    // An empty output folder: no previously published site to compare with.
    let out = tempfile::tempdir().unwrap();
    let opts = gongshi::build::BuildOptions {
        output_dir: out.path().join("public"),
        ..gongshi::build::BuildOptions::new(env!("CARGO_MANIFEST_DIR"))
    };
    let summary = expect_ok(check(&opts, None));
    let ws: Vec<_> = summary.warnings.warnings().filter(|w| w.rule.is_some()).collect();
    let has = |file: &str, line: usize, text: &str, rule: &str| {
        ws.iter().any(|w| {
            w.file.ends_with(file)
                && w.line == Some(line)
                && w.snippet.as_deref() == Some(text)
                && w.rule.as_deref() == Some(rule)
        })
    };
    let all = ws.iter().map(|w| w.to_string()).collect::<String>();
    for (file, line, text, rule) in [
        ("2018.md", 72, "1、", "numbering"),
        ("2018.md", 72, " ", "punctuation"),
        ("2018.md", 76, "工作的工作", "repetition"),
        ("2018.md", 76, "、和", "punctuation"),
        ("2018.md", 113, "（二）、", "numbering"),
        ("2018.md", 115, "的的", "repetition"),
        ("2018.md", 117, "，", "excerpt"),
        ("2018.md", 137, "五是", "numbering"),
        ("2018.md", 139, "三是", "numbering"),
        ("2018.md", 143, "、；", "punctuation"),
        ("2017.md", 39, "二、", "numbering"),
        ("2017.md", 86, ",", "punctuation"),
    ] {
        assert!(
            has(file, line, text, rule),
            "missing {file}:{line} `{text}` [{rule}] in:\n{all}"
        );
    }
    // The excerpts of 2017 are marked, and the 2018 list broken over two paragraphs
    // (服务理念：1. …；3. …；/ 4\. …) counts on.
    assert!(
        !ws.iter()
            .any(|w| w.rule.as_deref() == Some("excerpt") && w.file.ends_with("2017.md")),
        "{all}"
    );
    assert!(!ws.iter().any(|w| w.line == Some(99) || w.line == Some(101)), "{all}");
}
