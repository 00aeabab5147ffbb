//! Every internal link and anchor of the built sites resolves: the default portal (the
//! repository root) and fixture sites (a base path, comparisons, statements, aliases,
//! corrections). Each href/src that stays on the site must name a file of the output
//! (`dir/` is `dir/index.html`) and each `#fragment` an id of the target page.

mod common;

use std::collections::{BTreeMap, HashSet};
use std::path::Path;

use common::{Site, html_files};
use gongshi::build::BuildOptions;
use scraper::{Html, Node};

#[derive(Default)]
struct Counts {
    pages: usize,
    links: usize,
    anchors: usize,
}

fn ids_of(html: &str) -> HashSet<String> {
    let doc = Html::parse_document(html);
    let mut ids = HashSet::new();
    for node in doc.tree.nodes() {
        if let Node::Element(e) = node.value() {
            if let Some(id) = e.attr("id") {
                ids.insert(id.to_string());
            }
            if e.name() == "a" {
                if let Some(name) = e.attr("name") {
                    ids.insert(name.to_string());
                }
            }
        }
    }
    ids
}

fn percent_decode(s: &str) -> String {
    let bytes = s.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%' && i + 2 < bytes.len() {
            if let Ok(b) = u8::from_str_radix(&s[i + 1..i + 3], 16) {
                out.push(b);
                i += 3;
                continue;
            }
        }
        out.push(bytes[i]);
        i += 1;
    }
    String::from_utf8_lossy(&out).into_owned()
}

/// Checks every page of `public`, served under `base_path`; returns the failures.
fn check(public: &Path, base_path: &str, counts: &mut Counts) -> Vec<String> {
    let pages: BTreeMap<String, String> = html_files(public).into_iter().collect();
    let mut id_cache: BTreeMap<String, HashSet<String>> = BTreeMap::new();
    let mut failures = Vec::new();
    counts.pages += pages.len();
    for (rel, html) in &pages {
        let doc = Html::parse_document(html);
        // The page's own URL directory, for relative links.
        let dir = match rel.rfind('/') {
            Some(i) => format!("{base_path}{}/", &rel[..i]),
            None => base_path.to_string(),
        };
        for node in doc.tree.nodes() {
            let Node::Element(e) = node.value() else { continue };
            for attr in ["href", "src"] {
                let Some(url) = e.attr(attr) else { continue };
                let url = url.trim();
                if url.is_empty()
                    || url.starts_with("//")
                    || url.contains("://")
                    || url.starts_with("mailto:")
                    || url.starts_with("tel:")
                    || url.starts_with("data:")
                {
                    continue;
                }
                // Links into the site given absolutely are checked too.
                let (path, frag) = match url.split_once('#') {
                    Some((p, f)) => (p, Some(f)),
                    None => (url, None),
                };
                let path = path.split('?').next().unwrap_or("");
                let target_rel = if path.is_empty() {
                    rel.clone()
                } else {
                    let abs = if path.starts_with('/') {
                        path.to_string()
                    } else {
                        normalise(&format!("{dir}{path}"))
                    };
                    let Some(inside) = abs.strip_prefix(base_path) else {
                        failures.push(format!("{rel}: {attr}={url} is outside the base path {base_path}"));
                        continue;
                    };
                    let inside = percent_decode(inside);
                    if inside.is_empty() || inside.ends_with('/') {
                        format!("{inside}index.html")
                    } else {
                        inside
                    }
                };
                counts.links += 1;
                if !public.join(&target_rel).is_file() {
                    failures.push(format!("{rel}: {attr}={url}: no file {target_rel}"));
                    continue;
                }
                if let Some(frag) = frag.filter(|f| !f.is_empty()) {
                    counts.anchors += 1;
                    if !target_rel.ends_with(".html") {
                        continue;
                    }
                    let ids = id_cache.entry(target_rel.clone()).or_insert_with(|| {
                        let text = pages
                            .get(&target_rel)
                            .cloned()
                            .unwrap_or_else(|| std::fs::read_to_string(public.join(&target_rel)).unwrap());
                        ids_of(&text)
                    });
                    let frag = percent_decode(frag);
                    if frag != "top" && !ids.contains(&frag) {
                        failures.push(format!("{rel}: {attr}={url}: no id `{frag}` in {target_rel}"));
                    }
                }
            }
        }
    }
    failures
}

/// Resolves `.` and `..` in an absolute URL path.
fn normalise(path: &str) -> String {
    let mut parts: Vec<&str> = Vec::new();
    for seg in path.split('/') {
        match seg {
            "." => {}
            ".." => {
                parts.pop();
            }
            s => parts.push(s),
        }
    }
    let mut out = parts.join("/");
    if !out.starts_with('/') {
        out.insert(0, '/');
    }
    out
}

fn assert_clean(name: &str, public: &Path, base_path: &str, total: &mut Counts) {
    let mut counts = Counts::default();
    let failures = check(public, base_path, &mut counts);
    println!(
        "links[{name}]: {} pages, {} internal links, {} anchors checked, {} failures",
        counts.pages,
        counts.links,
        counts.anchors,
        failures.len()
    );
    assert!(
        failures.is_empty(),
        "{name}: {} broken:\n{}",
        failures.len(),
        failures.join("\n")
    );
    assert!(counts.pages > 0 && counts.links > 0);
    total.pages += counts.pages;
    total.links += counts.links;
    total.anchors += counts.anchors;
}

fn fixture(config: &str) -> Site {
    let site = Site::with_config(config);
    site.doc(
        "content/_index.md",
        "title: 首页",
        "见[2018年报告](@/reports/2018.md#er-zhong-xin-ji-ben-qing-kuang)。",
    );
    site.doc("content/reports/_index.md", "title: 社会责任报告\nkind: report", "");
    let report = |year: u32, staff: u32, extra: &str| {
        format!(
            "## 一、前言\n\n本报告说明{year}年的工作。\n\n## 二、中心基本情况 {{#er-zhong-xin-ji-ben-qing-kuang}}\n\n中心现有工作人员{staff}名。{extra}\n\n### （一）实验室\n\n实验室配备恒温恒湿试验箱。[^1]\n\n[^1]: 见[前言](#yi-qian-yan)与[首页](/)。\n"
        )
    };
    for (year, staff) in [(2017, 590), (2018, 600), (2019, 608)] {
        site.doc(
            &format!("content/reports/{year}.md"),
            &format!(
                "title: {year}年度社会责任报告\nyear: {year}\ndate: {}-03-01\naliases: [/old/{year}/, old/{year}.html]\n\
                 metrics:\n  staff: {{label: 工作人员, value: {staff}, unit: 名}}{}",
                year + 1,
                if year == 2018 { "\nrevisions:\n  - {date: 2019-05-10, note: 更正工作人员人数}" } else { "" }
            ),
            &report(year, staff, "详见[上一年度](../2017/#yi-qian-yan)。"),
        );
    }
    site.write(
        "content/reports/2018.v1.md",
        common::doc(
            "title: 2018年度社会责任报告\nyear: 2018\ndate: 2019-03-01\nmetrics:\n  staff: {label: 工作人员, value: 601, unit: 名}",
            &report(2018, 601, ""),
        ),
    );
    site.doc(
        "content/impartiality/_index.md",
        "title: 公正声明\nkind: impartiality",
        "",
    );
    site.doc(
        "content/impartiality/2018.md",
        "title: 公正性声明\neffective: 2018",
        "1. 坚持公正。\n2. 不接受投资。\n",
    );
    site.doc(
        "content/impartiality/2021.md",
        "title: 公正性声明\neffective: 2021-06",
        "1. 坚持公正、独立。\n2. 不接受投资。\n3. 保守秘密，见[第1条](#item-1)。\n",
    );
    site.doc("content/commitments/_index.md", "title: 服务承诺\nkind: commitment", "");
    site.doc(
        "content/commitments/quality.md",
        "title: 质量方针\neffective: 2019",
        "1. 科学公正。\n2. 准确高效。\n",
    );
    site.doc(
        "content/about.md",
        "title: 关于本中心",
        "[报告](/reports/) [2019](@/reports/2019.md) [声明](../impartiality/)",
    );
    site
}

#[test]
fn every_internal_link_and_anchor_resolves() {
    let mut total = Counts::default();

    // The default portal: the repository root, built into a temporary folder.
    let out = tempfile::tempdir().unwrap();
    let mut opts = BuildOptions::new(env!("CARGO_MANIFEST_DIR"));
    opts.output_dir = out.path().join("public");
    common::expect_ok(gongshi::build::build(&opts, &indicatif::ProgressBar::hidden()));
    assert_clean("default portal", &opts.output_dir, "/", &mut total);

    // The same portal under a base path.
    let mut opts_csr = opts.clone();
    opts_csr.output_dir = out.path().join("public-csr");
    opts_csr.base_url = Some("https://example.org/csr/".into());
    common::expect_ok(gongshi::build::build(&opts_csr, &indicatif::ProgressBar::hidden()));
    assert_clean("default portal under /csr/", &opts_csr.output_dir, "/csr/", &mut total);

    for (name, config, base) in [
        ("fixture /", "title: 测试\nbase_url: https://example.org/\n", "/"),
        (
            "fixture /csr/",
            "title: 测试\nbase_url: https://example.org/csr/\n",
            "/csr/",
        ),
    ] {
        let site = fixture(config);
        site.build_ok();
        assert_clean(name, &site.public(), base, &mut total);
    }
    println!(
        "links: {} pages, {} internal links, {} anchors checked in all, zero failures",
        total.pages, total.links, total.anchors
    );
}
