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
    let pending = session.build().expect("builds");
    let mut summary = session.publish(pending, || ()).expect("publishes");
    session.complete(&mut summary);
    summary
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
    site.doc("content/reports/_index.md", "title: 社会责任报告\nkind: report", "");
    for year in 2000..=2023 {
        report(&site, year, "");
    }
    age(&site.root().join("content"));
    let mut opts = site.opts();
    opts.output_dir = site.root().join("served");
    let mut session = Session::new(opts);
    let first = publish(&mut session);
    assert_eq!(first.reused, 0);
    assert_fresh(&site, &session, &first);
    let dir = session.dir().to_path_buf();
    let inode = |rel: &str| fs::metadata(dir.join(rel)).unwrap().ino();
    let (folder, unrelated) = (inode(""), inode("reports/2001/index.html"));

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
    assert_fresh(&site, &session, &second);

    // A build thrown away (sources changed while it ran) leaves the served folder as
    // it was, and the next build starts from what is served.
    let served = snapshot(session.dir());
    report(&site, 2011, "被丢弃的一句。");
    told(&mut session, "content/reports/2011.md");
    let pending = session.build().unwrap();
    session.discard(pending);
    assert_same_tree(&snapshot(session.dir()), &served);
    report(&site, 2011, "保留的一句。");
    told(&mut session, "content/reports/2011.md");
    let third = publish(&mut session);
    assert!(third.reused * 2 > first.files);
    assert_fresh(&site, &session, &third);

    // A failed build changes nothing; the next good one is whole.
    let served = snapshot(session.dir());
    site.doc("content/reports/2012.md", "title: 坏的\nyear: 二〇一二", "正文");
    told(&mut session, "content/reports/2012.md");
    assert!(session.build().is_err());
    assert_same_tree(&snapshot(session.dir()), &served);
    report(&site, 2012, "修好了。");
    told(&mut session, "content/reports/2012.md");
    let fourth = publish(&mut session);
    assert_fresh(&site, &session, &fourth);

    // A title edited renders every page again: the folders are swapped.
    site.doc("content/reports/_index.md", "title: 年度报告\nkind: report", "");
    told(&mut session, "content/reports/_index.md");
    let fifth = publish(&mut session);
    assert!(fifth.reused * 2 < first.files, "{} reused", fifth.reused);
    assert_fresh(&site, &session, &fifth);

    // A report removed: its page goes.
    site.remove("content/reports/2005.md");
    let sixth = publish(&mut session);
    assert!(!session.dir().join("reports/2005/index.html").exists());
    assert_fresh(&site, &session, &sixth);
}
