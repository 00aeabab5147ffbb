//! Repeat builds (src/build/cache.rs, src/build/stamp.rs): what did not change is
//! reused from the previous output, and the result is byte for byte what a full build
//! makes.

mod common;

use std::fs;

use common::*;
use gongshi::build::BuildSummary;

fn report(site: &Site, year: u32, extra_sentence: &str) {
    site.doc(
        &format!("content/reports/{year}.md"),
        &format!(
            "title: {year}年度社会责任报告\nyear: {year}\nmetrics:\n  staff: {{label: 工作人员, value: {}, unit: 名}}",
            500 + year - 2015
        ),
        &format!(
            "## 一、中心概况\n\n中心现有工作人员{}名，{year}年接收样品2.1万批次。{extra_sentence}\n\n## 二、公正性\n\n中心坚持公正检测。\n",
            500 + year - 2015
        ),
    );
}

fn fixture() -> Site {
    let site = Site::new();
    site.doc("content/reports/_index.md", "title: 社会责任报告\nkind: report", "");
    for year in 2015..=2019 {
        report(&site, year, "");
    }
    site.doc(
        "content/statements/_index.md",
        "title: 公正性声明\nkind: impartiality",
        "",
    );
    site.doc(
        "content/statements/2018.md",
        "title: 公正性声明\neffective: 2018-01-01",
        "1. 坚持公正。\n2. 保守秘密。\n",
    );
    site
}

/// What a full build of the site's current content makes, in a folder with no cache.
fn full_build(site: &Site) -> std::collections::BTreeMap<String, Vec<u8>> {
    let mut opts = site.opts();
    opts.output_dir = site.root().join("fresh");
    let _ = fs::remove_dir_all(&opts.output_dir);
    let _ = fs::remove_file(site.root().join(".fresh.cache.json"));
    expect_ok(site.build_with(&opts));
    snapshot(&opts.output_dir)
}

fn rebuild(site: &Site) -> BuildSummary {
    site.build_ok()
}

#[test]
fn an_unchanged_site_is_reused_whole_and_identical() {
    let site = fixture();
    let first = site.build_ok();
    assert_eq!(first.reused, 0, "nothing to reuse on a first build");
    let before = snapshot(&site.public());
    let second = rebuild(&site);
    // Every page, comparison and index file; only the cheap fixed files (feeds, site
    // map, open data, manifest, assets) are written again.
    assert!(
        second.reused >= second.pages,
        "{} reused of {} pages",
        second.reused,
        second.pages
    );
    assert_same_tree(&before, &snapshot(&site.public()));
    assert_same_tree(&before, &full_build(&site));
}

#[test]
fn editing_one_body_renders_again_what_it_feeds_and_nothing_else() {
    let site = fixture();
    let first = site.build_ok();
    let unchanged_page = fs::metadata(site.public().join("reports/2016/index.html")).unwrap();
    report(&site, 2019, "新增一句：恒温恒湿实验室投入使用。");
    let second = rebuild(&site);
    assert!(
        second.reused > 0 && second.reused < first.files,
        "{} reused",
        second.reused
    );
    // The edited page, its comparisons and the search index have the new text...
    assert!(site.read("reports/2019/index.html").contains("恒温恒湿实验室投入使用"));
    assert!(
        site.read("reports/compare/2018-2019/index.html")
            .contains("恒温恒湿实验室投入使用")
    );
    let fragments: String = fs::read_dir(site.public().join("search/t"))
        .unwrap()
        .map(|e| {
            let bytes = fs::read(e.unwrap().path()).unwrap();
            let mut text = String::new();
            std::io::Read::read_to_string(&mut flate2::read::GzDecoder::new(&bytes[..]), &mut text).unwrap();
            text
        })
        .collect();
    assert!(fragments.contains("恒温恒湿实验室投入使用"));
    // ...an unrelated page is the previous build's very file (a hard link to it).
    use std::os::unix::fs::MetadataExt;
    let after = fs::metadata(site.public().join("reports/2016/index.html")).unwrap();
    assert_eq!(unchanged_page.ino(), after.ino(), "reports/2016/ was rendered again");
    // And the whole output is what a full build makes.
    assert_same_tree(&snapshot(&site.public()), &full_build(&site));
}

#[test]
fn editing_one_body_of_many_patches_the_search_index() {
    let site = Site::new();
    site.doc("content/reports/_index.md", "title: 社会责任报告\nkind: report", "");
    for year in 2000..=2023 {
        report(&site, year, "");
    }
    site.build_ok();
    use std::os::unix::fs::MetadataExt;
    let inode = |rel: &str| fs::metadata(site.public().join(rel)).unwrap().ino();
    let fragments: Vec<String> = (0..24).map(|i| format!("search/t/{i}.bin")).collect();
    let before: Vec<u64> = fragments.iter().map(|f| inode(f)).collect();
    report(&site, 2010, "新增一句：恒温恒湿实验室投入使用。");
    rebuild(&site);
    // The index was patched: the other documents' fragments are the previous build's
    // files, not written again, and the edited one's is new...
    let kept = fragments
        .iter()
        .zip(&before)
        .filter(|(f, ino)| inode(f) == **ino)
        .count();
    assert_eq!(kept, 23, "fragments kept from the previous build");
    // ...and every file, the shards included, is what a full build makes.
    assert_same_tree(&snapshot(&site.public()), &full_build(&site));
}

#[test]
fn editing_front_matter_renders_every_page_again() {
    let site = fixture();
    site.build_ok();
    site.doc(
        "content/reports/2017.md",
        "title: 二〇一七年度报告（修订）\nyear: 2017",
        "## 一、中心概况\n\n正文。\n",
    );
    let second = rebuild(&site);
    // Neighbours and listings show the new title.
    assert!(
        site.read("reports/2018/index.html")
            .contains("二〇一七年度报告（修订）")
    );
    assert!(site.read("reports/index.html").contains("二〇一七年度报告（修订）"));
    assert!(second.reused < second.pages, "{} reused", second.reused);
    assert_same_tree(&snapshot(&site.public()), &full_build(&site));
}

#[test]
fn a_theme_change_renders_pages_again() {
    let site = fixture();
    site.build_ok();
    site.write(
        "templates/report.html",
        "<!DOCTYPE html><html lang=\"zh-CN\"><head><title>{{ page.title }}</title></head><body><p>新模板</p>{{ page.content | safe }}</body></html>\n",
    );
    rebuild(&site);
    assert!(site.read("reports/2016/index.html").contains("新模板"));
    assert_same_tree(&snapshot(&site.public()), &full_build(&site));
}

#[test]
fn a_damaged_previous_file_is_not_reused() {
    let site = fixture();
    site.build_ok();
    fs::write(site.public().join("reports/2016/index.html"), "damaged").unwrap();
    rebuild(&site);
    assert!(site.read("reports/2016/index.html").contains("2016年度社会责任报告"));
    assert_same_tree(&snapshot(&site.public()), &full_build(&site));
}

#[test]
fn the_cache_sits_beside_the_output_and_is_not_published() {
    let site = fixture();
    site.build_ok();
    assert!(site.root().join(".public.cache.json").is_file());
    let published: Vec<String> = snapshot(&site.public()).into_keys().collect();
    assert!(!published.iter().any(|p| p.contains("cache")), "{published:?}");
}

#[test]
fn proof_reading_warnings_are_the_same_on_a_repeat_build() {
    let site = fixture();
    site.doc(
        "content/reports/2016.md",
        "title: 2016年度社会责任报告\nyear: 2016",
        "## 一、中心概况\n\n中心的的工作人员。\n",
    );
    let first = site.build_ok();
    let second = rebuild(&site);
    assert!(second.reused > 0);
    let rules = |s: &BuildSummary| -> Vec<String> { s.warnings.0.iter().map(|w| format!("{w:?}")).collect() };
    assert!(
        rules(&first).iter().any(|w| w.contains("repetition")),
        "{:?}",
        rules(&first)
    );
    assert_eq!(rules(&first), rules(&second));
}

#[test]
fn proof_reading_findings_are_remembered_beside_the_output_and_a_damaged_memory_is_read_again() {
    let site = fixture();
    site.doc(
        "content/reports/2016.md",
        "title: 2016年度社会责任报告\nyear: 2016",
        "## 一、中心概况\n\n中心的的工作人员。\n",
    );
    let rules = |s: &BuildSummary| -> Vec<String> { s.warnings.0.iter().map(|w| format!("{w:?}")).collect() };
    let first = rules(&site.build_ok());
    assert!(first.iter().any(|w| w.contains("repetition")), "{first:?}");
    let memory = site.root().join(".public.lint.bin");
    assert!(memory.is_file());
    // Another report edited, so that the build is not skipped as up to date: the
    // findings of the others come from the memory, then from a damaged one.
    report(&site, 2019, "新增一句。");
    assert_eq!(rules(&rebuild(&site)), first);
    fs::write(&memory, b"not a memory").unwrap();
    report(&site, 2019, "又改一句。");
    assert_eq!(rules(&rebuild(&site)), first);
    assert!(memory.metadata().unwrap().len() > 100, "written again whole");
}

#[test]
fn an_unchanged_site_is_left_as_it_is_until_something_changes() {
    use std::os::unix::fs::MetadataExt;
    let site = fixture();
    site.write("static/files/notice.txt", "第一版");
    let first = site.build_ok();
    assert!(!first.up_to_date);
    // The output folder is swapped in by a build, so its inode tells whether one did.
    let folder = || fs::metadata(site.public()).unwrap().ino();
    let built = folder();
    let second = rebuild(&site);
    assert!(second.up_to_date, "nothing changed");
    assert_eq!((second.pages, second.files), (first.pages, first.files));
    assert_eq!(folder(), built, "the output was left as it was");
    // A file published as it is changes: built again, with the new file.
    site.write("static/files/notice.txt", "第二版，更长一些");
    assert!(!rebuild(&site).up_to_date);
    assert_eq!(site.read("files/notice.txt"), "第二版，更长一些");
    // A file goes missing from the output: built again.
    fs::remove_file(site.public().join("reports/2017/index.html")).unwrap();
    assert!(!rebuild(&site).up_to_date);
    assert!(site.exists("reports/2017/index.html"));
    // A report's body changes: built again.
    report(&site, 2019, "新增一句。");
    assert!(!rebuild(&site).up_to_date);
    assert!(site.read("reports/2019/index.html").contains("新增一句。"));
    assert!(rebuild(&site).up_to_date);
    // An edit that keeps the file's size and modification time: the bytes are what
    // count.
    let path = site.root().join("content/reports/2018.md");
    let modified = fs::metadata(&path).unwrap().modified().unwrap();
    let text = fs::read_to_string(&path)
        .unwrap()
        .replace("中心坚持公正检测", "中心坚持独立检测");
    fs::write(&path, text).unwrap();
    fs::File::options()
        .write(true)
        .open(&path)
        .unwrap()
        .set_modified(modified)
        .unwrap();
    assert!(!rebuild(&site).up_to_date);
    assert!(site.read("reports/2018/index.html").contains("中心坚持独立检测"));
    // A template of the site's own: built again.
    site.write(
        "templates/404.html",
        "{% extends \"base.html\" %}{% block content %}<h1>本站没有这个页面</h1>{% endblock content %}",
    );
    assert!(!rebuild(&site).up_to_date);
    assert!(site.read("404.html").contains("本站没有这个页面"));
    assert!(rebuild(&site).up_to_date);
    assert_same_tree(&snapshot(&site.public()), &full_build(&site));
}
