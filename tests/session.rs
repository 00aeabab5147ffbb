//! `serve`'s builds (src/build/session.rs): each starts from the last one, kept in
//! memory, moves only what changed into the served folder, and publishes byte for
//! byte what a fresh `build` makes of the same content.

mod common;

use std::fs;
use std::os::unix::fs::MetadataExt;
use std::path::Path;
use std::time::{Duration, SystemTime};

use common::*;
use gongshi::build::{BuildSummary, Session};

fn report(site: &Site, year: u32, extra_sentence: &str) {
    site.doc(
        &format!("content/reports/{year}.md"),
        &format!("title: {year}年度社会责任报告\nyear: {year}"),
        &format!("## 一、中心概况\n\n中心{year}年接收样品2.1万批次。{extra_sentence}\n\n## 二、公正性\n\n中心坚持公正检测。\n"),
    );
}

/// The report of 2000, corrected once, with an old URL; `extra_sentence` ends its text.
fn corrected(site: &Site, extra_sentence: &str) {
    site.doc(
        "content/reports/2000.md",
        "title: 2000年度社会责任报告\nyear: 2000\naliases: [/old/2000/]\nrevisions:\n  - {date: 2001-05-10, note: 更正样品数}",
        &format!("## 一、中心概况\n\n中心2000年接收样品2.2万批次。{extra_sentence}\n"),
    );
}

/// The impartiality statement of 2021; `more` is added to its list.
fn statement(site: &Site, more: &str) {
    site.doc(
        "content/impartiality/2021.md",
        "title: 公正性声明\neffective: 2021-06",
        &format!("1. 坚持公正、独立。\n2. 不接受投资。\n{more}"),
    );
}

/// The reports section with the reports of 2000-2023: enough reports that an edit's
/// files are moved into the served folder, not the whole folder swapped.
fn reports(site: &Site) {
    site.doc("content/reports/_index.md", "title: 社会责任报告\nkind: report", "");
    for year in 2000..=2023 {
        report(site, year, "");
    }
}

/// A session serving `site` from `served/`, its sources aged ([`age`]).
fn serving(site: &Site) -> Session {
    age(&site.root().join("content"));
    let mut opts = site.opts();
    opts.output_dir = site.root().join("served");
    Session::new(opts)
}

/// Gives every source an old modification time: files written just now are read again
/// by every load (src/content/memo.rs), and these are to be remembered.
fn age(dir: &Path) {
    for entry in walkdir::WalkDir::new(dir) {
        let entry = entry.unwrap();
        if entry.file_type().is_file() {
            let file = fs::File::options().write(true).open(entry.path()).unwrap();
            file.set_modified(SystemTime::now() - Duration::from_secs(60)).unwrap();
        }
    }
}

/// What a fresh `build` makes of the site's content now, and its summary.
fn fresh(site: &Site) -> (std::collections::BTreeMap<String, Vec<u8>>, BuildSummary) {
    let mut opts = site.opts();
    opts.output_dir = site.root().join("fresh");
    let _ = fs::remove_dir_all(&opts.output_dir);
    for suffix in ["cache.json", "lint.bin", "stamp.json"] {
        let _ = fs::remove_file(site.root().join(format!(".fresh.{suffix}")));
    }
    let summary = expect_ok(site.build_with(&opts));
    (snapshot(&opts.output_dir), summary)
}

/// Tells the session that `path` is the one file written since its last build.
fn told(session: &mut Session, path: &str) {
    session.only_changed(&[std::path::PathBuf::from(path)]);
}

fn publish(session: &mut Session) -> BuildSummary {
    let pending = session.build(true).expect("builds");
    let mut summary = session.publish(pending, || ()).expect("publishes");
    session.complete(&mut summary);
    summary
}

/// Whether the build made only what the changed documents feed, and carried the rest
/// of the last one whole (src/build/delta.rs).
fn carried_whole(summary: &BuildSummary) -> bool {
    summary.phases.iter().any(|p| p.name == "unchanged files carried")
}

/// The served folder equals a fresh build, warnings included.
fn assert_fresh(site: &Site, session: &Session, summary: &BuildSummary) {
    let (files, built) = fresh(site);
    assert_same_tree(&snapshot(session.dir()), &files);
    assert_eq!(summary.warnings_total, built.warnings_total);
    assert_eq!(summary.warnings.0, built.warnings.0);
}

#[test]
fn a_session_moves_in_what_changed_and_publishes_what_a_fresh_build_makes() {
    let site = Site::new();
    reports(&site);
    // A corrected report (its superseded text and the comparison of the two), an alias,
    // a series of statements and a static file: a rebuild carries all of them.
    corrected(&site, "");
    site.write(
        "content/reports/2000.v1.md",
        common::doc(
            "title: 2000年度社会责任报告\nyear: 2000",
            "## 一、中心概况\n\n旧的一句。\n",
        ),
    );
    site.doc(
        "content/impartiality/_index.md",
        "title: 公正声明\nkind: impartiality",
        "",
    );
    statement(&site, "");
    site.doc(
        "content/impartiality/2018.md",
        "title: 公正性声明\neffective: 2018",
        "1. 坚持公正。\n2. 不接受投资。\n",
    );
    site.write("static/files/notice.txt", "静态文件");
    let mut session = serving(&site);
    let first = publish(&mut session);
    assert_eq!(first.reused, 0);
    // The whole folder was swapped in, replacing no file: the next build writes over a
    // copy of the data file instead (src/output/recycle.rs).
    assert!(
        first.phases.iter().any(|p| p.name == "files copied to write over"),
        "{:?}",
        first.phases.iter().map(|p| p.name).collect::<Vec<_>>()
    );
    assert_fresh(&site, &session, &first);
    let dir = session.dir().to_path_buf();
    let inode = |rel: &str| fs::metadata(dir.join(rel)).unwrap().ino();
    let (folder, unrelated) = (inode(""), inode("reports/2001/index.html"));
    let data_before = inode("data/documents.json");

    // One body edited: the rest is reused, and the served folder updated in place.
    // `serve`'s watcher tells the session which files were written (and no other file
    // is looked at), as in every step below but the last.
    report(&site, 2010, "新增一句：恒温恒湿实验室投入使用。");
    told(&mut session, "content/reports/2010.md");
    let second = publish(&mut session);
    assert!(
        second.reused * 2 > first.files,
        "{} of {} reused",
        second.reused,
        first.files
    );
    assert!(
        fs::read_to_string(session.dir().join("reports/2010/index.html"))
            .unwrap()
            .contains("恒温恒湿实验室")
    );
    assert_eq!((inode(""), inode("reports/2001/index.html")), (folder, unrelated));
    // Only what the edited report feeds was made; the rest was carried in one pass.
    assert!(carried_whole(&second), "{:?}", second.phases);

    // The next build writes over the files this one replaced (src/output/recycle.rs):
    // the data file served before the last publish is served again, with new bytes.
    assert_ne!(inode("data/documents.json"), data_before);
    report(&site, 2010, "新增一句：恒温恒湿实验室已投入使用。");
    told(&mut session, "content/reports/2010.md");
    let rewritten = publish(&mut session);
    assert_eq!(inode("data/documents.json"), data_before);
    assert!(carried_whole(&rewritten));
    assert_fresh(&site, &session, &rewritten);
    assert_fresh(&site, &session, &second);

    // A build thrown away (sources changed while it ran) leaves the served folder as
    // it was, and the next build starts from what is served.
    let served = snapshot(session.dir());
    report(&site, 2011, "被丢弃的一句。");
    told(&mut session, "content/reports/2011.md");
    let pending = session.build(true).unwrap();
    session.discard(pending);
    assert_same_tree(&snapshot(session.dir()), &served);
    report(&site, 2011, "保留的一句。");
    told(&mut session, "content/reports/2011.md");
    let third = publish(&mut session);
    assert!(third.reused * 2 > first.files);
    assert!(carried_whole(&third));
    assert_fresh(&site, &session, &third);

    // A failed build changes nothing; the next good one is whole.
    let served = snapshot(session.dir());
    site.doc("content/reports/2012.md", "title: 坏的\nyear: 二〇一二", "正文");
    told(&mut session, "content/reports/2012.md");
    assert!(session.build(true).is_err());
    assert_same_tree(&snapshot(session.dir()), &served);
    report(&site, 2012, "修好了。");
    told(&mut session, "content/reports/2012.md");
    let fourth = publish(&mut session);
    assert_fresh(&site, &session, &fourth);

    // The corrected report's text and a statement's: their pages, their comparisons and
    // the superseded text's comparison with the current one are made again.
    corrected(&site, "又补充了一句。");
    told(&mut session, "content/reports/2000.md");
    let corrected_again = publish(&mut session);
    assert!(carried_whole(&corrected_again));
    assert!(
        fs::read_to_string(session.dir().join("reports/2000/revisions/1/index.html"))
            .unwrap()
            .contains("又补充了一句")
    );
    assert_fresh(&site, &session, &corrected_again);
    statement(&site, "3. 保守客户秘密。\n");
    told(&mut session, "content/impartiality/2021.md");
    let stated = publish(&mut session);
    assert!(carried_whole(&stated));
    assert_fresh(&site, &session, &stated);

    // A title edited renders every page again: the folders are swapped.
    site.doc("content/reports/_index.md", "title: 年度报告\nkind: report", "");
    told(&mut session, "content/reports/_index.md");
    let fifth = publish(&mut session);
    assert!(fifth.reused * 2 < first.files, "{} reused", fifth.reused);
    assert!(!carried_whole(&fifth), "the site's metadata changed");
    assert_fresh(&site, &session, &fifth);

    // A report removed: its page goes.
    site.remove("content/reports/2005.md");
    let sixth = publish(&mut session);
    assert!(!session.dir().join("reports/2005/index.html").exists());
    assert_fresh(&site, &session, &sixth);
}

#[test]
fn a_file_a_reader_still_holds_is_not_written_over() {
    use std::io::{Read, Seek};
    let site = Site::new();
    reports(&site);
    let mut session = serving(&site);
    publish(&mut session);
    let page = session.dir().join("reports/2021/index.html");
    let publish_edit = |session: &mut Session, sentence: &str, readers_done: bool| {
        report(&site, 2021, sentence);
        told(session, "content/reports/2021.md");
        let pending = session.build(readers_done).expect("builds");
        let mut summary = session.publish(pending, || ()).expect("publishes");
        session.complete(&mut summary);
    };
    let read = |file: &mut fs::File| {
        let mut text = String::new();
        file.rewind().unwrap();
        file.read_to_string(&mut text).unwrap();
        text
    };

    // A reader opens the page; the next publish replaces it (the reader's file goes to
    // the pool), and the one after that must not write over it while it is open.
    publish_edit(&mut session, "第一次修改。", true);
    let mut held = fs::File::open(&page).unwrap();
    let seen = read(&mut held);
    assert!(seen.contains("第一次修改"));
    publish_edit(&mut session, "第二次修改。", true);
    publish_edit(&mut session, "第三次修改。", false);
    assert_eq!(read(&mut held), seen, "the reader's file is as it opened it");
    assert!(fs::read_to_string(&page).unwrap().contains("第三次修改"));

    // Vouched for as closed, the files a publish replaced are written over: what the
    // guard above prevents.
    let mut held = fs::File::open(&page).unwrap();
    publish_edit(&mut session, "第四次修改。", true);
    publish_edit(&mut session, "第五次修改。", true);
    assert!(read(&mut held).contains("第五次修改"), "written over in place");
}
