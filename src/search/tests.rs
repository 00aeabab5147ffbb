//! The index against a brute-force scan: for fixture documents and for many random
//! documents and queries, the documents a query finds through the written shards (decoded
//! the way search.js decodes them) are exactly those whose normalised text contains it,
//! with the same counts and the same title/heading flags.

use std::collections::{BTreeMap, HashMap};
use std::io::Read as _;
use std::sync::atomic::{AtomicUsize, Ordering};

use flate2::read::GzDecoder;

use super::index::{BODY, DocStreams, Gram, HEADING, MAX_GRAM, Positions, TITLE};
use super::normalize::{SEP, normalize};
use super::shards::{read_counts, read_positions, read_shard};
use super::{build_shards, shard_of};

/// A decoded index: every counts list and every positions list.
struct Decoded {
    docs: Vec<DocStreams>,
    a: u32,
    b: u32,
    counts: HashMap<String, Vec<(u32, u64)>>,
    positions: HashMap<String, Vec<(u32, Positions)>>,
}

fn gunzip(bytes: &[u8]) -> Vec<u8> {
    let mut out = Vec::new();
    GzDecoder::new(bytes).read_to_end(&mut out).expect("gzip");
    out
}

/// The shard files of `docs`' index, by name, built in passes of about
/// `chars_per_pass` characters.
fn shard_files(docs: &[DocStreams], a: u32, b: u32, chars_per_pass: usize) -> BTreeMap<String, Vec<u8>> {
    let sizes: Vec<usize> = docs.iter().map(DocStreams::chars).collect();
    let stream = |i: usize| docs[i].clone();
    let files = std::sync::Mutex::new(BTreeMap::new());
    let put = |rel: String, bytes: Vec<u8>| -> std::io::Result<()> {
        files.lock().unwrap().insert(rel, bytes);
        Ok(())
    };
    build_shards(&sizes, chars_per_pass, &stream, a, b, &put).expect("in memory");
    files.into_inner().unwrap()
}

#[test]
fn passes_over_document_ranges_make_the_same_files_as_one() {
    // Lines every document shares (lists long enough to keep) and lines of its own
    // (positions lists too short to keep, whatever the pass that saw them).
    let docs: Vec<DocStreams> = (0..60)
        .map(|i| {
            let own = format!("中心现有工作人员{}名，检测恒温恒湿设备{}台。", 500 + i, i * 7);
            let title = format!("第{i}号报告");
            DocStreams::new(
                &title,
                ["一、概况", "二、公正性"],
                [own.as_str(), "公正检测，恒温恒湿。ISO/IEC 17025"],
            )
        })
        .collect();
    let one = shard_files(&docs, 16, 8, usize::MAX);
    assert_eq!(one.len(), 16 + 8);
    for chars_per_pass in [1, 45, 200, 1_000] {
        let passes = super::pass_ranges(&docs.iter().map(DocStreams::chars).collect::<Vec<_>>(), chars_per_pass);
        assert!(passes.len() > 1, "{chars_per_pass}: {passes:?}");
        assert!(
            shard_files(&docs, 16, 8, chars_per_pass) == one,
            "{chars_per_pass} characters per pass"
        );
    }
}

fn build(docs: &[DocStreams], a: u32, b: u32) -> Decoded {
    build_in_passes(docs, a, b, usize::MAX)
}

/// The index of `docs`, built in passes of about `chars_per_pass` characters.
fn build_in_passes(docs: &[DocStreams], a: u32, b: u32, chars_per_pass: usize) -> Decoded {
    let mut d = Decoded {
        docs: docs.to_vec(),
        a,
        b,
        counts: HashMap::new(),
        positions: HashMap::new(),
    };
    {
        for (rel, bytes) in shard_files(docs, a, b, chars_per_pass) {
            let shard: u32 = rel
                .rsplit('/')
                .next()
                .unwrap()
                .trim_end_matches(".bin")
                .parse()
                .unwrap();
            for e in read_shard(&gunzip(&bytes)).expect("well-formed shard") {
                let g = Gram::new(&e.gram.chars().collect::<Vec<_>>());
                if rel.starts_with("search/a/") {
                    assert_eq!(shard_of(g, a), shard, "{} in the wrong shard", e.gram);
                    let list = read_counts(&e.list).expect("counts list");
                    assert_eq!(list.len() as u64, e.docs);
                    d.counts.insert(e.gram, list);
                } else {
                    assert_eq!(shard_of(g, b), shard);
                    assert_eq!(g.len(), 2);
                    let list = read_positions(&e.list, e.docs).expect("positions list");
                    d.positions.insert(e.gram, list);
                }
            }
        }
    }
    d
}

/// How often each way of checking a long query ran, to show that tests exercise both.
static BY_TEXT: AtomicUsize = AtomicUsize::new(0);
static BY_POSITIONS: AtomicUsize = AtomicUsize::new(0);

/// (total count, in title, in a heading) per document.
type Hits = BTreeMap<u32, (u64, bool, bool)>;

/// What search.js computes for one normalised term.
fn query(index: &Decoded, q: &[char]) -> Hits {
    let key = |s: &[char]| s.iter().collect::<String>();
    let mut out = Hits::new();
    if q.len() <= MAX_GRAM {
        for &(doc, v) in index.counts.get(&key(q)).map(Vec::as_slice).unwrap_or(&[]) {
            out.insert(doc, (v >> 2, v & 2 != 0, v & 1 != 0));
        }
        return out;
    }
    // Candidates: documents with every covering 4-gram.
    let mut offsets: Vec<usize> = (0..=q.len() - MAX_GRAM).step_by(MAX_GRAM).collect();
    offsets.push(q.len() - MAX_GRAM);
    let mut candidates: Option<Vec<u32>> = None;
    for o in offsets {
        let docs: Vec<u32> = index
            .counts
            .get(&key(&q[o..o + MAX_GRAM]))
            .map(|l| l.iter().map(|x| x.0).collect())
            .unwrap_or_default();
        candidates = Some(match candidates {
            None => docs,
            Some(c) => c.into_iter().filter(|d| docs.contains(d)).collect(),
        });
    }
    let candidates = candidates.unwrap_or_default();
    if candidates.len() <= super::TEXT_CHECK {
        // search.js checks these few against their text.
        BY_TEXT.fetch_add(1, Ordering::Relaxed);
        return brute_force(&index.docs, q)
            .into_iter()
            .filter(|(d, _)| candidates.contains(d))
            .collect();
    }
    BY_POSITIONS.fetch_add(1, Ordering::Relaxed);
    // Positions of the bigrams that tile the query (offsets 0, 2, 4… and, for an odd
    // length, the last two characters), per candidate.
    let mut offsets: Vec<usize> = (0..q.len() - 1).step_by(2).collect();
    if q.len() % 2 == 1 {
        offsets.push(q.len() - 2);
    }
    let lists: Vec<HashMap<u32, &Positions>> = offsets
        .iter()
        .map(|&o| {
            index
                .positions
                .get(&key(&q[o..o + 2]))
                .map(|l| l.iter().map(|(d, p)| (*d, p)).collect())
                .unwrap_or_default()
        })
        .collect();
    for doc in candidates {
        let mut hits = [0u64; 3];
        for (field, n) in hits.iter_mut().enumerate() {
            let Some(first) = lists[0].get(&doc) else { continue };
            *n = first[field]
                .iter()
                .filter(|&&p| {
                    lists.iter().enumerate().skip(1).all(|(i, l)| {
                        l.get(&doc)
                            .is_some_and(|ps| ps[field].binary_search(&(p + offsets[i] as u32)).is_ok())
                    })
                })
                .count() as u64;
        }
        if hits.iter().sum::<u64>() > 0 {
            out.insert(doc, (hits.iter().sum(), hits[TITLE] > 0, hits[HEADING] > 0));
        }
    }
    out
}

/// Ctrl+F: overlapping occurrences of `q` in each unit of each field.
fn brute_force(docs: &[DocStreams], q: &[char]) -> Hits {
    let mut out = Hits::new();
    for (i, d) in docs.iter().enumerate() {
        let mut hits = [0u64; 3];
        for (field, n) in hits.iter_mut().enumerate() {
            *n = d.fields[field].windows(q.len()).filter(|w| *w == q).count() as u64;
        }
        if hits.iter().sum::<u64>() > 0 {
            out.insert(i as u32, (hits.iter().sum(), hits[TITLE] > 0, hits[HEADING] > 0));
        }
    }
    out
}

fn fixture() -> Vec<DocStreams> {
    vec![
        DocStreams::new(
            "2018年度社会责任报告",
            ["一、前言", "（一）恒温恒湿实验室"],
            [
                "中心现有工作人员608名，接收送检仪器25.9万台件，同比增长8.8%。",
                "依据《检测和校准实验室能力认可准则》（CNAS-CL01 idt ISO/IEC 17025：2005）建立质量管理体系。",
                "这是一段简单的文字。",
            ],
        ),
        DocStreams::new(
            "公正性声明",
            ["承诺"],
            ["恒温与恒湿分开写。", "ＩＳＯ／ＩＥＣ　１７０２５", "是一段", "段简"],
        ),
        DocStreams::new("2019年度报告", [], ["温恒湿", "2018年 2019年", "aaaa aaaaa"]),
        DocStreams::new("", ["恒温恒湿"], []),
    ]
}

#[test]
fn fixture_queries_match_brute_force() {
    let docs = fixture();
    let index = build(&docs, 16, 16);
    for q in [
        "恒温恒湿",
        "温恒湿",
        "恒",
        "恒温",
        "是一段",
        "段简",
        "一段简",
        "25.9万",
        "25.9万台件",
        "cnas-cl01",
        "iso/iec 17025",
        "17025",
        "2018年",
        "8.8%",
        "年度社会责任报告",
        "aaa",
        "aaaaa",
        "aaaaaa",
        "恒温与恒湿",
        "不存在的词",
        "前言",
    ] {
        let q = normalize(q);
        assert_eq!(
            query(&index, &q),
            brute_force(&docs, &q),
            "query {:?}",
            q.iter().collect::<String>()
        );
    }
    let q = normalize("温恒湿");
    let found: Vec<u32> = query(&index, &q).into_keys().collect();
    assert_eq!(
        found,
        vec![0, 2, 3],
        "substring across words; characters apart (doc 1) are no hit"
    );
    let q = normalize("ISO/IEC 17025");
    assert_eq!(
        query(&index, &q).keys().copied().collect::<Vec<_>>(),
        vec![0, 1],
        "full-width folded"
    );
    assert!(query(&index, &normalize("恒温恒湿"))[&3].2, "heading hit flagged");
    assert!(query(&index, &normalize("2018年"))[&0].1, "title hit flagged");
}

/// A deterministic xorshift generator for the property test.
struct Rng(u64);
impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }
    fn below(&mut self, n: usize) -> usize {
        (self.next() % n as u64) as usize
    }
}

/// Random documents over a tiny alphabet (so that substrings collide and near misses
/// abound) and thousands of random queries, through several shard layouts and passes.
#[test]
fn random_texts_and_queries_match_brute_force() {
    // Single characters and a few recurring "words", so that long strings recur across
    // many documents (checked by positions) and near misses abound.
    const PIECES: [&str; 11] = [
        "恒",
        "温",
        "湿",
        "检",
        "1",
        "A",
        " ",
        "恒温恒湿",
        "检测中心",
        "25.9万",
        "ＣＮＡＳ",
    ];
    let mut rng = Rng(0x2018_0608);
    let text = |rng: &mut Rng, max: usize| -> String {
        let n = rng.below(max);
        (0..n).map(|_| PIECES[rng.below(PIECES.len())]).collect()
    };
    let docs: Vec<DocStreams> = (0..120)
        .map(|_| {
            let title = text(&mut rng, 6);
            let headings: Vec<String> = (0..rng.below(4)).map(|_| text(&mut rng, 5)).collect();
            let blocks: Vec<String> = (0..rng.below(6)).map(|_| text(&mut rng, 30)).collect();
            DocStreams::new(
                &title,
                headings.iter().map(String::as_str),
                blocks.iter().map(String::as_str),
            )
        })
        .collect();
    for (a, b, chars_per_pass) in [(16, 16, usize::MAX), (64, 32, usize::MAX), (64, 32, 100)] {
        let index = build_in_passes(&docs, a, b, chars_per_pass);
        assert_eq!((index.a, index.b), (a, b));
        let mut found_some = 0;
        for _ in 0..1500 {
            // Half the queries are substrings of a document, half random strings.
            let q: Vec<char> = if rng.below(2) == 0 {
                let d = &docs[rng.below(docs.len())];
                let f = &d.fields[rng.below(3)];
                if f.is_empty() {
                    continue;
                }
                let start = rng.below(f.len());
                let len = 1 + rng.below(9);
                f[start..(start + len).min(f.len())].to_vec()
            } else {
                normalize(&text(&mut rng, 9))
            };
            if q.is_empty() || q.contains(&SEP) {
                continue;
            }
            let expected = brute_force(&docs, &q);
            found_some += usize::from(!expected.is_empty());
            assert_eq!(query(&index, &q), expected, "query {:?}", q.iter().collect::<String>());
        }
        assert!(found_some > 500, "the queries exercise matches ({found_some})");
    }
    let (text, positions) = (BY_TEXT.load(Ordering::Relaxed), BY_POSITIONS.load(Ordering::Relaxed));
    assert!(
        text > 50 && positions > 50,
        "both checks ran: {text} by text, {positions} by positions"
    );
}

#[test]
fn positions_are_per_field() {
    let d = DocStreams::new("检测", ["检测"], ["检测检测"]);
    let g = super::index::doc_grams(&d, 1, 1);
    let (_, head, tail) = g
        .positions_in_group(0)
        .find(|(k, _, _)| *k == Gram::new(&['检', '测']))
        .unwrap();
    // As one document's entry of a list: document delta 0, header, positions.
    let mut list = vec![0u8];
    list.extend_from_slice(head);
    list.extend_from_slice(tail);
    let decoded = read_positions(&list, 1).expect("well-formed");
    let p = &decoded[0].1;
    assert_eq!(p[TITLE], vec![0]);
    assert_eq!(p[HEADING], vec![0]);
    assert_eq!(p[BODY], vec![0, 2]);
}
