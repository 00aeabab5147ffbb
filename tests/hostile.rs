//! Hostile sizes: many headings, a very long line, deep nesting and a large report.
//! Each build runs on a thread with a normal 2 MB stack (what a worker thread gets),
//! so a recursion that grows with the input shows up as a failure here, not in
//! production. The 50 MB and 100,000-file cases are `scripts/stress` (on demand).

mod common;

use std::time::{Duration, Instant};

use common::Site;

/// Builds `site` on a 2 MB stack; the build must succeed within `limit`.
fn build_small_stack(site: Site, limit: Duration) -> Site {
    let start = Instant::now();
    let site = std::thread::Builder::new()
        .stack_size(2 << 20)
        .spawn(move || {
            site.build_ok();
            site
        })
        .unwrap()
        .join()
        .expect("the build panicked");
    let took = start.elapsed();
    assert!(took < limit, "the build took {took:?}");
    println!("built in {took:?}");
    site
}

fn page() -> Site {
    let site = Site::new();
    site.doc("content/reports/_index.md", "title: 报告\nkind: report", "");
    site
}

#[test]
fn ten_thousand_headings() {
    let site = page();
    let mut body = String::new();
    for i in 0..10_000 {
        body.push_str(&format!("## 标题{i}\n\n第{i}节的正文。\n\n"));
    }
    site.doc("content/reports/2018.md", "title: 2018年度报告\nyear: 2018", &body);
    let site = build_small_stack(site, Duration::from_secs(120));
    let html = site.read("reports/2018/index.html");
    assert!(html.matches("<h2").count() >= 10_000);
    let ids = common::ids(&html);
    let unique: std::collections::HashSet<_> = ids.iter().collect();
    assert_eq!(unique.len(), ids.len(), "duplicate ids");
}

#[test]
fn a_one_megabyte_line() {
    let site = page();
    let line = "中心坚持公正、科学、准确、高效的原则".repeat(1 << 20 >> 6 << 1);
    assert!(line.len() >= 1 << 20);
    site.doc(
        "content/reports/2018.md",
        "title: 2018年度报告\nyear: 2018",
        &format!("## 一、前言\n\n{line}\n"),
    );
    let site = build_small_stack(site, Duration::from_secs(120));
    assert!(site.read("reports/2018/index.html").len() > 1 << 20);
}

fn nested(depth: usize) -> String {
    let quotes = format!("{} 引文\n", ">".repeat(depth));
    let mut lists = String::new();
    for d in 0..depth {
        lists.push_str(&"  ".repeat(d));
        lists.push_str("- 条目\n");
    }
    let emphasis = format!("{}强调{}", "*".repeat(depth), "*".repeat(depth));
    let links = format!("{}链接{}", "[".repeat(depth), "](x)".repeat(depth));
    format!("## 一、前言\n\n{quotes}\n{lists}\n{emphasis}\n\n{links}\n")
}

#[test]
fn moderate_nesting_builds() {
    let site = page();
    site.doc(
        "content/reports/2018.md",
        "title: 2018年度报告\nyear: 2018",
        &nested(40),
    );
    build_small_stack(site, Duration::from_secs(120));
}

#[test]
fn deep_nesting_fails_clearly() {
    for (rel, fm) in [
        ("content/reports/2018.md", "title: 2018年度报告\nyear: 2018"),
        ("content/page.md", "title: 页面"),
        ("content/reports/_index.md", "title: 报告\nkind: report"),
    ] {
        let site = page();
        site.doc(rel, fm, &nested(5_000));
        let diags = std::thread::Builder::new()
            .stack_size(2 << 20)
            .spawn(move || site.build_err().to_string())
            .unwrap()
            .join()
            .expect("the build panicked");
        assert!(diags.contains("nests more than 100 levels"), "{diags}");
        assert!(diags.contains(rel), "{diags}");
        println!("{rel}: {}", diags.lines().next().unwrap_or(""));
    }
}

#[test]
fn a_five_megabyte_report() {
    let site = page();
    let mut body = String::with_capacity(6 << 20);
    let mut i = 0;
    while body.len() < 5 << 20 {
        i += 1;
        body.push_str(&format!("## 第{i}部分\n\n"));
        for p in 0..20 {
            body.push_str(&format!(
                "中心第{i}部分第{p}段：持续完善社会责任管理体系，接收送检仪器25.9万台件，同比增长8.8%。\n\n"
            ));
        }
    }
    site.doc("content/reports/2018.md", "title: 2018年度报告\nyear: 2018", &body);
    site.doc(
        "content/reports/2019.md",
        "title: 2019年度报告\nyear: 2019",
        &body.replace("8.8%", "9.1%"),
    );
    build_small_stack(site, Duration::from_secs(600));
}
