//! The public record (issue #5): manifest, verify, permanence, open data, citation QR
//! codes and corrections, checked on built fixture sites.

mod common;

use std::fs;
use std::process::Command;

use common::*;
use gongshi::record::Manifest;
use gongshi::record::cite::parse_qr_svg;
use gongshi::record::manifest::sha256_hex;

fn report_site() -> Site {
    let site = Site::new();
    site.write("content/reports/_index.md", "---\ntitle: 报告\nkind: report\n---\n");
    site.doc(
        "content/reports/2017.md",
        "title: 2017年度报告\nyear: 2017\nmetrics:\n  certificates: {label: 证书, value: 104000, unit: 份}\n  staff: 600",
        "## 一、概况\n\n第一段。\n",
    );
    site.doc(
        "content/reports/2018.md",
        "title: 2018年度报告\nyear: 2018\nmetrics:\n  certificates: {label: 证书, value: 119000, unit: 份, stated_change_pct: 12.5}\n  satisfaction: {label: 满意度, value: 92, unit: \"%\"}",
        "## 一、概况\n\n第一段。\n\n第二段。\n\n## 二、责任\n\n第三段。\n",
    );
    site
}

#[test]
fn manifest_lists_every_file_with_its_digest_and_size() {
    let site = report_site();
    site.build_ok();
    let manifest = Manifest::read(&site.public()).unwrap();
    let on_disk: Vec<String> = snapshot(&site.public())
        .into_iter()
        .map(|(p, _)| p)
        .filter(|p| p != "manifest.json" && site.public().join(p).is_file())
        .collect();
    let listed: Vec<String> = manifest.files.iter().map(|f| f.path.clone()).collect();
    assert_eq!(
        listed, on_disk,
        "the manifest lists exactly the published files but itself"
    );
    for f in &manifest.files {
        let bytes = fs::read(site.public().join(&f.path)).unwrap();
        assert_eq!(f.sha256, sha256_hex(&bytes), "{}", f.path);
        assert_eq!(f.size, bytes.len() as u64, "{}", f.path);
    }
    let page = manifest.page("reports/2018/").expect("page listed");
    for id in ["yi-gai-kuang", "yi-gai-kuang-p2", "er-ze-ren-p1", "metrics"] {
        assert!(page.anchors.iter().any(|a| a == id), "{id} in {:?}", page.anchors);
    }
}

#[test]
fn document_pages_show_the_digest_of_their_source() {
    let site = report_site();
    site.build_ok();
    let src = fs::read(site.root().join("content/reports/2018.md")).unwrap();
    assert!(site.read("reports/2018/index.html").contains(&sha256_hex(&src)));
}

#[test]
fn verify_names_changed_missing_and_extra_files() {
    let site = report_site();
    site.build_ok();
    let public = site.public();
    let ok = Command::new(bin()).args(["verify"]).arg(&public).output().unwrap();
    assert!(ok.status.success(), "{}", String::from_utf8_lossy(&ok.stdout));

    fs::write(public.join("robots.txt"), "User-agent: *\nDisallow: /\n").unwrap();
    fs::remove_file(public.join("404.html")).unwrap();
    fs::write(public.join("reports/evil.html"), "<p>x</p>").unwrap();
    let out = Command::new(bin()).args(["verify"]).arg(&public).output().unwrap();
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert_eq!(out.status.code(), Some(1), "{stdout}");
    assert!(stdout.contains("changed: robots.txt"), "{stdout}");
    assert!(stdout.contains("missing: 404.html"), "{stdout}");
    assert!(stdout.contains("extra:   reports/evil.html"), "{stdout}");

    let report = gongshi::record::verify::verify(&public).unwrap();
    assert_eq!(report.changed, ["robots.txt"]);
    assert_eq!(report.missing, ["404.html"]);
    assert_eq!(report.extra, ["reports/evil.html"]);
}

fn check_previous(site: &Site, previous: &std::path::Path) -> Result<(), String> {
    gongshi::build::check(&site.opts(), Some(previous))
        .map(|_| ())
        .map_err(|e| e.to_string())
}

#[test]
fn permanence_catches_a_removed_page() {
    let site = report_site();
    site.build_ok();
    let previous = tempfile::tempdir().unwrap();
    copy_tree(&site.public(), previous.path());
    site.remove("content/reports/2017.md");
    let err = check_previous(&site, previous.path()).unwrap_err();
    assert!(
        err.contains("/reports/2017/: this published page would disappear"),
        "{err}"
    );
    // `build` warns instead of failing, and check without --previous uses public/.
    let summary = site.build_ok();
    assert!(
        summary.warnings.to_string().contains("/reports/2017/"),
        "{}",
        summary.warnings
    );
}

#[test]
fn permanence_catches_a_removed_anchor() {
    let site = report_site();
    site.build_ok();
    site.doc(
        "content/reports/2018.md",
        "title: 2018年度报告\nyear: 2018",
        "## 一、概况\n\n第一段。\n\n## 二、新责任\n\n第三段。\n",
    );
    let err = gongshi::build::check(&site.opts(), None)
        .map(|_| ())
        .map_err(|e| e.to_string())
        .unwrap_err();
    assert!(
        err.contains("/reports/2018/#er-ze-ren: this published anchor would disappear"),
        "{err}"
    );
    assert!(err.contains("/reports/2018/#yi-gai-kuang-p2"), "{err}");
    // An explicit id keeps the old anchor.
    site.doc(
        "content/reports/2018.md",
        "title: 2018年度报告\nyear: 2018\nmetrics:\n  certificates: {label: 证书, value: 119000, unit: 份}\n  satisfaction: 92",
        "## 一、概况\n\n第一段。\n\n第二段。\n\n## 二、新责任 {#er-ze-ren}\n\n第三段。\n",
    );
    let err = gongshi::build::check(&site.opts(), None)
        .map(|_| ())
        .map_err(|e| e.to_string());
    let err = err.err().unwrap_or_default();
    assert!(!err.contains("#er-ze-ren:"), "{err}");
}

#[test]
fn permanence_accepts_a_move_with_an_alias() {
    // One report: moving it takes no comparison page with it.
    let site = report_site();
    site.remove("content/reports/2017.md");
    site.build_ok();
    let body = fs::read_to_string(site.root().join("content/reports/2018.md")).unwrap();
    site.remove("content/reports/2018.md");
    site.write("content/archive/_index.md", "---\ntitle: 归档\nkind: report\n---\n");
    site.write(
        "content/archive/2018.md",
        body.replacen("year: 2018", "year: 2018\naliases: [/reports/2018/]", 1),
    );
    gongshi::build::check(&site.opts(), None).unwrap_or_else(|e| panic!("{e}"));
    site.build_ok();
    let redirect = site.read("reports/2018/index.html");
    assert!(redirect.contains("/archive/2018/"), "{redirect}");
}

#[test]
fn metrics_csv_has_bom_columns_and_computed_changes() {
    let site = report_site();
    site.build_ok();
    let bytes = fs::read(site.public().join("data/metrics.csv")).unwrap();
    assert!(bytes.starts_with(b"\xEF\xBB\xBF"), "UTF-8 BOM for Excel");
    let text = String::from_utf8(bytes[3..].to_vec()).unwrap();
    let mut lines = text.lines();
    assert_eq!(
        lines.next().unwrap(),
        "section,year,key,label,value,unit,stated_change_pct,computed_change_pct,previous_year,previous_value,url,source"
    );
    let rows: Vec<&str> = lines.collect();
    assert_eq!(rows.len(), 4, "{text}");
    assert!(rows.contains(&"reports,2018,certificates,证书,119000,份,12.5,14.4,2017,104000,https://example.org/reports/2018/#metrics,content/reports/2018.md"), "{text}");
    assert!(
        rows.contains(
            &"reports,2017,staff,staff,600,,,,,,https://example.org/reports/2017/#metrics,content/reports/2017.md"
        ),
        "{text}"
    );

    let json: serde_json::Value = serde_json::from_str(&site.read("data/metrics.json")).unwrap();
    assert_eq!(json.as_array().unwrap().len(), 4);
    let docs: serde_json::Value = serde_json::from_str(&site.read("data/documents.json")).unwrap();
    let d2018 = docs.as_array().unwrap().iter().find(|d| d["year"] == 2018).unwrap();
    assert_eq!(d2018["url"], "https://example.org/reports/2018/");
    assert_eq!(d2018["kind"], "report");
    let src = fs::read(site.root().join("content/reports/2018.md")).unwrap();
    assert_eq!(d2018["source_sha256"], sha256_hex(&src));
    let page = site.read("data/index.html");
    assert!(page.contains("metrics.csv") && page.contains("documents.json"));
}

#[test]
fn qr_code_decodes_to_the_page_url() {
    let site = Site::with_config("title: T\nbase_url: https://example.org/csr/\n");
    site.write("content/reports/_index.md", "---\ntitle: 报告\nkind: report\n---\n");
    site.doc("content/reports/2018.md", "title: 报告\nyear: 2018", "正文。\n");
    site.build_ok();
    let html = site.read("reports/2018/index.html");
    assert!(html.contains("引用本页"));
    let start = html.find("<svg").expect("inline SVG");
    let end = html[start..].find("</svg>").unwrap() + start + 6;
    let svg = html[start..end].replace("viewbox", "viewBox");
    let (size, dark) = parse_qr_svg(&svg).expect("our QR SVG");
    let scale = 4;
    let px = size * scale;
    let mut grey = vec![255u8; px * px];
    for (x, y) in dark {
        for dy in 0..scale {
            for dx in 0..scale {
                grey[(y * scale + dy) * px + x * scale + dx] = 0;
            }
        }
    }
    let mut img = rqrr::PreparedImage::prepare_from_greyscale(px, px, |x, y| grey[y * px + x]);
    let grids = img.detect_grids();
    assert_eq!(grids.len(), 1);
    let (_, content) = grids[0].decode().expect("decodes");
    assert_eq!(content, "https://example.org/csr/reports/2018/");
}

#[test]
fn a_correction_keeps_the_previous_text_reachable() {
    let site = report_site();
    site.doc(
        "content/reports/2016.md",
        "title: 2016年度报告\nyear: 2016",
        "原文：证书10万份。\n",
    );
    site.build_ok();
    site.write(
        "content/reports/2016.v1.md",
        fs::read(site.root().join("content/reports/2016.md")).unwrap(),
    );
    site.doc(
        "content/reports/2016.md",
        "title: 2016年度报告\nyear: 2016\nrevisions:\n  - {date: 2017-05-02, note: 更正证书数量}",
        "原文：证书11万份。\n",
    );
    site.build_ok();
    let current = site.read("reports/2016/index.html");
    assert!(current.contains("证书11万份"));
    assert!(current.contains("更正证书数量"));
    assert!(current.contains("/reports/2016/v1/"));
    let diff = site.read("reports/2016/revisions/1/index.html");
    assert!(
        diff.contains("<del>10</del>") || diff.contains("<del>10万</del>"),
        "{diff}"
    );
    assert!(
        diff.contains("<ins>11</ins>") || diff.contains("<ins>11万</ins>"),
        "{diff}"
    );
    assert!(current.contains("/reports/2016/revisions/1/"));
    let old = site.read("reports/2016/v1/index.html");
    assert!(old.contains("证书10万份"), "{old}");
    assert!(old.contains("查看现行版本"));
    let feed = site.read("atom.xml");
    assert!(feed.contains("<title>更正：2016年度报告</title>"), "{feed}");
    assert!(feed.contains("<updated>2017-05-02T00:00:00+08:00</updated>"));
    // The versioned page is not a second report of 2016.
    assert!(!site.read("reports/index.html").contains("/reports/2016/v1/"));
}

#[test]
fn a_listed_correction_without_its_previous_text_is_an_error() {
    let site = report_site();
    site.doc(
        "content/reports/2016.md",
        "title: 2016年度报告\nyear: 2016\nrevisions:\n  - {date: 2017-05-02, note: 更正}",
        "正文。\n",
    );
    let diags = site.build_err();
    let d = single_error(&diags);
    assert!(d.file.ends_with("content/reports/2016.md"));
    assert!(d.help.as_deref().unwrap_or("").contains("2016.v1.md"), "{d}");
}

fn copy_tree(from: &std::path::Path, to: &std::path::Path) {
    for (rel, bytes) in snapshot(from) {
        let src = from.join(&rel);
        if src.is_file() {
            let dst = to.join(&rel);
            fs::create_dir_all(dst.parent().unwrap()).unwrap();
            fs::write(dst, bytes).unwrap();
        }
    }
}

/// The manifest reads ids with a scan of start tags (src/record/ids.rs), not a parser:
/// on every page of the real portal (the repository's content) it must agree with one.
#[test]
fn the_id_scanner_agrees_with_an_html_parser_on_every_page() {
    let out = tempfile::tempdir().unwrap();
    let opts = gongshi::build::BuildOptions {
        output_dir: out.path().join("public"),
        ..gongshi::build::BuildOptions::new(env!("CARGO_MANIFEST_DIR"))
    };
    expect_ok(gongshi::build::build(&opts, &indicatif::ProgressBar::hidden()));
    let pages = html_files(&opts.output_dir);
    assert!(pages.len() >= 10, "{} pages", pages.len());
    let mut ids = 0;
    for (path, html) in &pages {
        let parsed: Vec<String> = scraper::Html::parse_document(html)
            .select(&scraper::Selector::parse("[id]").unwrap())
            .filter_map(|e| e.value().id().map(str::to_string))
            .collect();
        assert_eq!(gongshi::record::ids::html_ids(html), parsed, "{path}");
        ids += parsed.len();
    }
    assert!(ids > 200, "{ids} ids");
}
