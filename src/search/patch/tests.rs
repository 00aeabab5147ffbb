//! A patched index is the index built whole: for edits that add, remove and move
//! text, and that take bigrams over and under the line at which a positions list is
//! kept, every shard file is byte for byte what a full build of the edited documents
//! makes.

use std::collections::BTreeMap;
use std::sync::Mutex;

use super::super::index::DocStreams;
use super::super::{TEXT_CHECK, build_shards};
use super::{IndexFile, RecentShards, change, entries, gunzip, index_file, patch_shards};

/// Every shard file of `docs`' index, built whole.
fn shard_files(docs: &[DocStreams], a: u32, b: u32) -> BTreeMap<String, Vec<u8>> {
    let sizes: Vec<usize> = docs.iter().map(DocStreams::chars).collect();
    let stream = |i: usize| docs[i].clone();
    let files = Mutex::new(BTreeMap::new());
    let put = |rel: String, bytes: Vec<u8>| -> std::io::Result<()> {
        files.lock().unwrap().insert(rel, bytes);
        Ok(())
    };
    build_shards(&sizes, usize::MAX, &stream, a, b, &put).expect("in memory");
    files.into_inner().unwrap()
}

/// The files of `before`'s index patched for `after` (the same documents, some edited),
/// and how many shards the patch rewrote.
fn patched(before: &[DocStreams], after: &[DocStreams], a: u32, b: u32) -> (BTreeMap<String, Vec<u8>>, usize) {
    let mut files = shard_files(before, a, b);
    let changes: Vec<_> = (0..before.len())
        .filter(|&i| before[i].fields != after[i].fields)
        .map(|i| change(i as u32, &before[i], &after[i], a, b))
        .collect();
    let read = |rel: &str| files.get(rel).cloned();
    let streams_of = |d: u32| Some(before[d as usize].clone());
    let new = patch_shards(&changes, a, b, &read, &streams_of, &RecentShards::default())
        .expect("well-formed previous shards");
    let rewritten = new.len();
    files.extend(new);
    (files, rewritten)
}

fn doc(title: &str, blocks: &[&str]) -> DocStreams {
    DocStreams::new(title, ["一、概况"], blocks.iter().copied())
}

/// Documents where 恒温 is in exactly TEXT_CHECK of them (its positions list is not
/// kept) and 公正 in TEXT_CHECK + 1 (kept).
fn site() -> Vec<DocStreams> {
    (0..30)
        .map(|i| {
            let own = format!("第{i}号中心现有工作人员{}名。", 500 + i);
            let mut blocks = vec![own.as_str(), "检验检测服务"];
            if i < TEXT_CHECK {
                blocks.push("恒温恒湿实验室");
            }
            if (10..10 + TEXT_CHECK + 1).contains(&i) {
                blocks.push("坚持公正诚信");
            }
            doc(&format!("报告{i}"), &blocks)
        })
        .collect()
}

#[test]
fn an_edit_that_crosses_the_positions_line_both_ways_patches_to_the_full_index() {
    let before = site();
    let mut after = before.clone();
    // Document 25 gains 恒温 (its list now kept: the other ten documents' positions come
    // from their text) and document 12 loses 公正 (its list now dropped).
    after[25] = doc(
        "报告25",
        &[
            "第25号中心现有工作人员525名。",
            "新建恒温恒湿实验室两间",
            "检验检测服务",
        ],
    );
    after[12] = doc("报告12", &["第12号中心现有工作人员512名，增加了。", "检验检测服务"]);
    let full_before = shard_files(&before, 256, 256);
    let full_after = shard_files(&after, 256, 256);
    assert_ne!(full_before, full_after);
    let has = |files: &BTreeMap<String, Vec<u8>>, gram: &str| {
        files
            .iter()
            .filter(|(rel, _)| rel.starts_with("search/b/"))
            .any(|(_, gz)| {
                entries(&gunzip(gz).unwrap())
                    .unwrap()
                    .iter()
                    .any(|e| e.gram.chars().collect::<String>() == gram)
            })
    };
    assert!(
        !has(&full_before, "恒温") && has(&full_after, "恒温"),
        "the edit takes 恒温 over the line"
    );
    assert!(
        has(&full_before, "公正") && !has(&full_after, "公正"),
        "and 公正 under it"
    );
    let (files, rewritten) = patched(&before, &after, 256, 256);
    assert!(files == full_after, "patched files differ from a full build");
    assert!(rewritten < 512, "{rewritten} of 512 shards rewritten");
}

#[test]
fn text_inserted_before_a_bigram_moves_its_positions_and_nothing_else() {
    let before = site();
    let mut after = before.clone();
    // Document 15 keeps every gram count of 公正 (in a kept positions list), but its
    // positions move: a block comes before them.
    after[15] = doc(
        "报告15",
        &["前言", "第15号中心现有工作人员515名。", "检验检测服务", "坚持公正诚信"],
    );
    assert!(after[15].fields != before[15].fields);
    let (files, rewritten) = patched(&before, &after, 256, 256);
    assert!(
        files == shard_files(&after, 256, 256),
        "patched files differ from a full build"
    );
    assert!(rewritten < 100, "{rewritten} shards rewritten for one short block");
}

/// A deterministic xorshift generator.
struct Rng(u64);
impl Rng {
    fn below(&mut self, n: usize) -> usize {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        (self.0 % n as u64) as usize
    }
}

#[test]
fn random_edits_patch_to_the_full_index() {
    const PIECES: [&str; 9] = ["恒", "温", "湿", "检", "1", "A", "恒温恒湿", "检测中心", "公正"];
    let mut rng = Rng(0x2017_2018);
    let text = |rng: &mut Rng, max: usize| -> String {
        (0..rng.below(max)).map(|_| PIECES[rng.below(PIECES.len())]).collect()
    };
    let random_doc = |rng: &mut Rng| {
        let title = text(rng, 5);
        let headings: Vec<String> = (0..rng.below(3)).map(|_| text(rng, 4)).collect();
        let blocks: Vec<String> = (0..rng.below(5)).map(|_| text(rng, 12)).collect();
        DocStreams::new(
            &title,
            headings.iter().map(String::as_str),
            blocks.iter().map(String::as_str),
        )
    };
    let mut before: Vec<DocStreams> = (0..60).map(|_| random_doc(&mut rng)).collect();
    let mut rewrote_fewer = 0;
    for round in 0..40 {
        let mut after = before.clone();
        for _ in 0..1 + rng.below(3) {
            let i = rng.below(after.len());
            after[i] = match rng.below(3) {
                0 => random_doc(&mut rng),
                1 => DocStreams::default(),
                _ => {
                    // A small edit: one more block.
                    let mut d = after[i].clone();
                    if !d.fields[2].is_empty() {
                        d.fields[2].push(super::super::normalize::SEP);
                    }
                    d.fields[2].extend(text(&mut rng, 6).chars());
                    d
                }
            };
        }
        for (a, b) in [(16, 16), (64, 32)] {
            let (files, rewritten) = patched(&before, &after, a, b);
            assert!(files == shard_files(&after, a, b), "round {round}, {a}/{b} shards");
            if rewritten < (a + b) as usize {
                rewrote_fewer += 1;
            }
        }
        before = after;
    }
    assert!(rewrote_fewer > 10, "patches rewrite only the shards they touch");
}

#[test]
fn index_files_are_told_by_their_paths_as_the_index_writes_them() {
    assert_eq!(index_file("search/meta.bin"), Some(IndexFile::Meta));
    assert_eq!(index_file("search/a/0.bin"), Some(IndexFile::Counts(0)));
    assert_eq!(index_file("search/b/4095.bin"), Some(IndexFile::Positions(4095)));
    assert_eq!(index_file("search/t/17.bin"), Some(IndexFile::Fragment(17)));
    for other in [
        "search/index.html",
        "search/a/07.bin",
        "search/a/.bin",
        "search/a/-1.bin",
        "search/c/1.bin",
        "search/t/1.json",
        "search/t/x/1.bin",
        "reports/a/1.bin",
    ] {
        assert_eq!(index_file(other), None, "{other}");
    }
}
