//! The `gongshi` binary: exit codes, output locations and diagnostics on stderr.

mod common;

use std::process::{Command, Output};

use common::*;

fn gongshi(site: &Site, args: &[&str]) -> Output {
    Command::new(bin())
        .arg("--root")
        .arg(site.root())
        .args(args)
        .env("NO_COLOR", "1")
        .output()
        .expect("run gongshi")
}

fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

fn stdout(o: &Output) -> String {
    String::from_utf8_lossy(&o.stdout).into_owned()
}

fn site() -> Site {
    let site = Site::new();
    site.doc("content/reports/_index.md", "title: 社会责任报告\nkind: report", "");
    site.doc(
        "content/reports/2017.md",
        "title: 2017年度社会责任报告\nyear: 2017",
        "## 前言\n\n正文。\n",
    );
    site.doc(
        "content/reports/2016.md",
        "title: 2016年度草稿\nyear: 2016\ndraft: true",
        "草稿。\n",
    );
    site
}

#[test]
fn build_writes_public_and_exits_zero() {
    let site = site();
    let o = gongshi(&site, &["build"]);
    assert!(o.status.success(), "stderr: {}", stderr(&o));
    assert_eq!(o.status.code(), Some(0));
    assert!(stdout(&o).contains("built"), "{}", stdout(&o));
    assert!(site.read("reports/2017/index.html").contains("2017年度社会责任报告"));
    assert!(!site.exists("reports/2016/index.html"), "drafts are off by default");
}

#[test]
fn build_options_output_dir_base_url_and_drafts() {
    let site = site();
    let out = tempfile::tempdir().unwrap();
    let dir = out.path().join("site");
    let o = gongshi(
        &site,
        &[
            "build",
            "--output-dir",
            dir.to_str().unwrap(),
            "--base-url",
            "https://example.net/csr/",
            "--drafts",
        ],
    );
    assert!(o.status.success(), "stderr: {}", stderr(&o));
    assert!(!site.public().exists(), "--output-dir replaces public/");
    let html = read_out(&dir, "reports/2017/index.html");
    assert!(links(&html).contains(&"/csr/reports/".to_string()), "{html}");
    assert!(dir.join("reports/2016/index.html").is_file(), "--drafts");
    assert!(read_out(&dir, "sitemap.xml").contains("<loc>https://example.net/csr/reports/2017/</loc>"));
}

#[test]
fn build_error_exits_one_names_file_and_line_and_keeps_the_site() {
    let site = site();
    assert!(gongshi(&site, &["build"]).status.success());
    let before = snapshot(&site.public());

    site.doc("content/reports/2018.md", "title: 2018年度报告\nyaer: 2018", "正文。\n");
    let o = gongshi(&site, &["build"]);
    assert_eq!(o.status.code(), Some(1), "stderr: {}", stderr(&o));
    let err = stderr(&o);
    assert!(err.contains("content/reports/2018.md:3"), "{err}");
    assert!(err.contains("yaer"), "{err}");
    assert!(err.contains("did you mean `year`"), "{err}");
    assert!(err.contains("3 | yaer: 2018"), "shows the source line: {err}");
    assert!(!stdout(&o).contains("built"), "{}", stdout(&o));
    assert_same_tree(&before, &snapshot(&site.public()));
}

#[test]
fn template_error_on_the_command_line() {
    let site = site();
    site.write(
        "templates/report.html",
        "{% extends \"base.html\" %}\n{% block content %}\n{{ page.nope.deeper }}\n{% endblock content %}\n",
    );
    let o = gongshi(&site, &["build"]);
    assert_eq!(o.status.code(), Some(1));
    let err = stderr(&o);
    assert!(err.contains("templates/report.html:3"), "{err}");
    assert!(!site.public().exists(), "a failed first build creates no public/");
}

#[test]
fn check_validates_without_writing() {
    let site = site();
    let o = gongshi(&site, &["check"]);
    assert!(o.status.success(), "stderr: {}", stderr(&o));
    assert!(!site.public().exists(), "check writes nothing");

    site.write(
        "content/reports/2018.md",
        b"---\ntitle: x\nyear: 2018\n---\n\nbad \xff\n".to_vec(),
    );
    let o = gongshi(&site, &["check"]);
    assert_eq!(o.status.code(), Some(1));
    let err = stderr(&o);
    assert!(err.contains("content/reports/2018.md:6:5"), "{err}");
    assert!(err.contains("UTF-8"), "{err}");
    assert!(!site.public().exists());
}

#[test]
fn a_bad_base_url_option_is_an_error() {
    let site = site();
    let o = gongshi(&site, &["build", "--base-url", "example.org"]);
    assert_eq!(o.status.code(), Some(1), "stdout: {}", stdout(&o));
    assert!(stderr(&o).contains("base_url"), "{}", stderr(&o));
    assert!(!site.public().exists());
}

#[test]
fn a_missing_site_is_an_error_not_a_panic() {
    let empty = tempfile::tempdir().unwrap();
    let o = Command::new(bin())
        .arg("--root")
        .arg(empty.path())
        .arg("build")
        .output()
        .unwrap();
    assert_eq!(o.status.code(), Some(1));
    let err = stderr(&o);
    assert!(err.contains("config.yaml"), "{err}");
    assert!(!err.contains("panicked"), "{err}");
}

#[test]
fn build_prints_the_first_findings_and_counts_the_rest() {
    let site = site();
    let body: String = (1..=130).map(|i| format!("第{i}段的的文字。\n\n")).collect();
    site.doc(
        "content/reports/2018.md",
        "title: 2018年度社会责任报告\nyear: 2018",
        &format!("## 前言\n\n{body}"),
    );
    let check = gongshi(&site, &["check"]);
    let found = stderr(&check).matches(" [repetition]\n").count();
    assert!(found >= 130, "check lists every finding: {found}");
    let more = format!(
        "warning: {} more proof-reading findings not shown: `gongshi check` lists them all",
        found - gongshi::build::KEPT_WARNINGS
    );
    for (run, up_to_date) in [(1, false), (2, true)] {
        let o = gongshi(&site, &["build"]);
        assert!(o.status.success(), "{}", stderr(&o));
        assert_eq!(
            stdout(&o).contains("is up to date"),
            up_to_date,
            "run {run}: {}",
            stdout(&o)
        );
        let err = stderr(&o);
        assert_eq!(
            err.matches(" [repetition]\n").count(),
            gongshi::build::KEPT_WARNINGS,
            "run {run}"
        );
        assert!(err.contains(&more), "run {run}: {err}");
    }
}
