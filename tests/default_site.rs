//! The repository root is itself the default site: build it into a temporary folder
//! and check the seed content.

mod common;

use std::path::Path;

use common::*;
use gongshi::build::{BuildOptions, build};
use indicatif::ProgressBar;

struct Built {
    _tmp: tempfile::TempDir,
    out: std::path::PathBuf,
}

impl Built {
    fn read(&self, rel: &str) -> String {
        read_out(&self.out, rel)
    }
}

fn build_repo_site() -> Built {
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("public");
    let opts = BuildOptions {
        output_dir: out.clone(),
        ..BuildOptions::new(env!("CARGO_MANIFEST_DIR"))
    };
    expect_ok(build(&opts, &ProgressBar::hidden()));
    Built { _tmp: tmp, out }
}

#[test]
fn seed_documents_are_published_at_their_urls() {
    let site = build_repo_site();
    for p in [
        "index.html",
        "reports/index.html",
        "reports/2017/index.html",
        "reports/2018/index.html",
        "impartiality/2018/index.html",
        "commitments/2018/index.html",
        "sitemap.xml",
        "atom.xml",
        "404.html",
        "sitemap/index.html",
    ] {
        assert!(site.out.join(p).is_file(), "missing {p}");
    }
    let sitemap = site.read("sitemap.xml");
    for u in [
        "reports/2017/",
        "reports/2018/",
        "impartiality/2018/",
        "commitments/2018/",
    ] {
        assert!(
            sitemap.contains(&format!("<loc>https://example.gov.cn/{u}</loc>")),
            "{u}"
        );
    }
}

#[test]
fn report_2018_names_its_publisher_and_figures() {
    let site = build_repo_site();
    let html = site.read("reports/2018/index.html");
    assert!(html.contains("国家计量器具产品质量监督检验中心"));
    let table = between(&html, "<tbody>", "</tbody>");
    let row = table
        .split("<tr>")
        .find(|r| r.contains(">259000<"))
        .unwrap_or_else(|| panic!("no row with 259000 in {table}"));
    assert!(row.contains("+8.8%"), "{row}");
    assert!(row.contains("台件"), "{row}");
    assert!(has_id(&html, "yi-cheng-xin-ze-ren"), "（一）诚信责任");
    assert!(has_id(&html, "1-qian-yan-p1"), "first paragraph of 1、 前言");
}

#[test]
fn report_2017_says_it_names_no_publisher_and_keeps_its_excerpts() {
    let site = build_repo_site();
    let html = site.read("reports/2017/index.html");
    assert!(html.contains("报告原文未署名发布单位"), "{html}");
    assert!(
        !html.contains("国家计量器具产品质量监督检验中心"),
        "2017 names no centre"
    );
    let excerpts = tags(&html)
        .into_iter()
        .filter(|t| t.name == "div" && t.has_class("excerpt"))
        .count();
    let source =
        std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join("content/reports/2017.md")).unwrap();
    assert_eq!(
        excerpts,
        source.matches(":::excerpt").count(),
        "one div per excerpt block"
    );
    assert!(excerpts >= 1);
}

#[test]
fn statement_and_commitments_of_2018() {
    let site = build_repo_site();
    let imp = site.read("impartiality/2018/index.html");
    assert!(has_id(&imp, "item-1") && has_id(&imp, "item-6"), "{imp}");
    assert!(imp.contains("国家计量器具产品质量监督检验中心"));
    let com = site.read("commitments/2018/index.html");
    assert!(has_id(&com, "zhi-liang-fang-zhen"), "{com}");
}

#[test]
fn every_page_is_chinese_with_no_markdown_left_over() {
    let site = build_repo_site();
    let pages = html_files(&site.out);
    assert!(pages.len() >= 8);
    for (path, html) in pages {
        assert!(
            html.contains("lang=zh-CN") || html.contains("lang=\"zh-CN\""),
            "{path} lacks lang=zh-CN"
        );
        assert!(!html.contains("**"), "{path} has unrendered emphasis");
        assert!(!html.contains(":::"), "{path} has an unrendered directive");
        assert!(!html.contains("style="), "{path} has an inline style");
    }
}
