//! A section's paragraphs, paired before their words are diffed.
//!
//! Paragraphs are aligned in order by similarity (character bigrams), as in sequence
//! alignment: a rewritten paragraph is diffed against its counterpart, an inserted
//! one does not shift everything after it, and two unrelated paragraphs are shown as
//! one removed and one added rather than as a word soup. A paragraph removed in one
//! place and added unchanged in another is marked as moved, not as a change.

use std::collections::{HashMap, VecDeque};
use std::sync::OnceLock;

use super::diff::{Op, Piece, TextDiff, diff_tokens};
use super::similarity::Bigrams;
use super::tokens::{Token, Tokenized};

/// Two paragraphs are paired (and diffed word by word) at or above this similarity.
pub const PARA_THRESHOLD: f64 = 0.3;
/// A pair whose words changed more than this is shown as one paragraph removed and
/// another added: a word diff of two different paragraphs is only noise.
pub const MAX_PAIR_CHANGE: f64 = 0.75;
/// Paragraph pairs scored by the alignment at most. A section of a report has tens of
/// paragraphs; one of thousands (found by fuzzing) would make the table quadratic in
/// time and memory, so beyond this paragraphs are paired only when equal (a Myers diff
/// of the paragraphs), and the rest shown as removed and added.
const MAX_ALIGNED_CELLS: usize = 250_000;

/// One paragraph of a section diff: a pair, or a paragraph on one side only.
#[derive(Debug, Clone, PartialEq)]
pub struct ParaDiff {
    /// Paragraph (block) index on each side.
    pub a: Option<usize>,
    pub b: Option<usize>,
    /// The same paragraph, moved to another place in the section.
    pub moved: bool,
    pub diff: TextDiff,
}

/// The diff of a section: its paragraphs aligned in order, then diffed word by word.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct BlockDiff {
    pub paras: Vec<ParaDiff>,
    pub chars_a: usize,
    pub chars_b: usize,
    pub deleted: usize,
    pub inserted: usize,
}

impl BlockDiff {
    pub fn is_unchanged(&self) -> bool {
        self.deleted == 0 && self.inserted == 0 && !self.paras.iter().any(|p| p.moved)
    }

    /// Paragraphs by what happened to them: same, changed, added, removed, moved.
    pub fn counts(&self) -> [usize; 5] {
        let mut c = [0; 5];
        for p in &self.paras {
            let k = match class(p) {
                "same" => 0,
                "changed" => 1,
                "added" => 2,
                "removed" => 3,
                _ => 4,
            };
            c[k] += 1;
        }
        c
    }
}

fn norm(t: &str) -> String {
    t.chars().filter(|c| !c.is_whitespace()).collect()
}

/// What pairing needs of one paragraph: its text without white space, and (made when
/// first asked for) its bigrams. Made once per document and shared by every comparison
/// the document is in: a report is in up to three, the newest of a series in all of
/// them, and making these again for each took about a tenth of the comparisons' time.
#[derive(Debug, Default)]
pub struct ParaKey {
    norm: String,
    grams: OnceLock<Bigrams>,
    /// Its words, made when it is first diffed.
    tokens: OnceLock<Tokenized>,
}

impl ParaKey {
    pub fn new(text: &str) -> ParaKey {
        ParaKey {
            norm: norm(text),
            grams: OnceLock::new(),
            tokens: OnceLock::new(),
        }
    }

    /// The tokens of `text`, the paragraph this is the key of.
    fn tokens<'a>(&self, text: &'a str) -> Vec<Token<'a>> {
        self.tokens.get_or_init(|| Tokenized::new(text)).tokens(text)
    }

    /// The bigrams of the paragraph (white space is not a letter, so these are the
    /// text's own).
    fn grams(&self) -> &Bigrams {
        self.grams.get_or_init(|| Bigrams::new(&self.norm))
    }
}

/// Aligns paragraphs keeping their order (the best total similarity, as in sequence
/// alignment), so that a rewritten paragraph is diffed against its counterpart and an
/// inserted one does not shift everything after it.
///
/// Equal paragraphs at the start and at the end pair up first, as a text diff trims a
/// common prefix and suffix: an equal pair scores more than any other, so some best
/// alignment pairs them, and the similarity table shrinks to the part that changed.
fn align_paragraphs(ka: &[ParaKey], kb: &[ParaKey]) -> Vec<(Option<usize>, Option<usize>)> {
    let prefix = ka.iter().zip(kb).take_while(|(x, y)| x.norm == y.norm).count();
    let suffix = ka[prefix..]
        .iter()
        .rev()
        .zip(kb[prefix..].iter().rev())
        .take_while(|(x, y)| x.norm == y.norm)
        .count();
    let (n, m) = (ka.len() - prefix - suffix, kb.len() - prefix - suffix);
    let middle = |i: usize| prefix + i;
    let mut rows: Vec<(Option<usize>, Option<usize>)> = (0..prefix).map(|k| (Some(k), Some(k))).collect();
    let (ma, mb) = (&ka[prefix..prefix + n], &kb[prefix..prefix + m]);
    let inner = if n.saturating_mul(m) > MAX_ALIGNED_CELLS {
        align_equal_paragraphs(ma, mb)
    } else {
        align_similar_paragraphs(ma, mb)
    };
    rows.extend(inner.into_iter().map(|(i, j)| (i.map(middle), j.map(middle))));
    rows.extend((0..suffix).map(|k| (Some(prefix + n + k), Some(prefix + m + k))));
    rows
}

/// The best-similarity alignment of `a` and `b`, by dynamic programming over every
/// pair.
fn align_similar_paragraphs(a: &[ParaKey], b: &[ParaKey]) -> Vec<(Option<usize>, Option<usize>)> {
    let (n, m) = (a.len(), b.len());
    let sim = |i: usize, j: usize| -> Option<f64> {
        if a[i].norm == b[j].norm {
            return Some(2.0);
        }
        let s = a[i].grams().dice(b[j].grams());
        (s >= PARA_THRESHOLD).then_some(s)
    };
    let mut best = vec![vec![0.0f64; m + 1]; n + 1];
    for i in 1..=n {
        for j in 1..=m {
            let diag = sim(i - 1, j - 1).map_or(f64::NEG_INFINITY, |s| best[i - 1][j - 1] + s);
            best[i][j] = diag.max(best[i - 1][j]).max(best[i][j - 1]);
        }
    }
    let mut rows = Vec::with_capacity(n + m);
    let (mut i, mut j) = (n, m);
    while i > 0 || j > 0 {
        if i > 0 && j > 0 && sim(i - 1, j - 1).is_some_and(|s| best[i - 1][j - 1] + s == best[i][j]) {
            rows.push((Some(i - 1), Some(j - 1)));
            i -= 1;
            j -= 1;
        } else if j > 0 && (i == 0 || best[i][j - 1] == best[i][j]) {
            // Walking backwards: an added paragraph is emitted first, so it is shown
            // after the removed one it replaces.
            rows.push((None, Some(j - 1)));
            j -= 1;
        } else {
            rows.push((Some(i - 1), None));
            i -= 1;
        }
    }
    rows.reverse();
    rows
}

/// Pairs only equal paragraphs, in order (see [`MAX_ALIGNED_CELLS`]).
fn align_equal_paragraphs(ka: &[ParaKey], kb: &[ParaKey]) -> Vec<(Option<usize>, Option<usize>)> {
    let na: Vec<&str> = ka.iter().map(|k| k.norm.as_str()).collect();
    let nb: Vec<&str> = kb.iter().map(|k| k.norm.as_str()).collect();
    let mut rows = Vec::with_capacity(na.len() + nb.len());
    for op in similar::capture_diff_slices(similar::Algorithm::Myers, &na, &nb) {
        let (_, old, new) = op.as_tag_tuple();
        match op.tag() {
            similar::DiffTag::Equal => rows.extend(old.zip(new).map(|(i, j)| (Some(i), Some(j)))),
            _ => {
                rows.extend(old.map(|i| (Some(i), None)));
                rows.extend(new.map(|j| (None, Some(j))));
            }
        }
    }
    rows
}

fn whole(op: Op, text: &str) -> TextDiff {
    let n = text.chars().filter(|&c| c != '\n').count();
    TextDiff {
        pieces: if text.is_empty() {
            Vec::new()
        } else {
            vec![Piece {
                op,
                text: text.to_string(),
            }]
        },
        chars_a: if op == Op::Insert { 0 } else { n },
        chars_b: if op == Op::Delete { 0 } else { n },
        deleted: if op == Op::Delete { n } else { 0 },
        inserted: if op == Op::Insert { n } else { 0 },
    }
}

/// Diffs two sections given as their paragraphs.
pub fn diff_blocks(a: &[&str], b: &[&str]) -> BlockDiff {
    let keys = |texts: &[&str]| -> Vec<ParaKey> { texts.iter().map(|t| ParaKey::new(t)).collect() };
    diff_keyed(a, b, &keys(a), &keys(b))
}

/// Diffs two sections given as their paragraphs and each paragraph's [`ParaKey`].
pub fn diff_keyed(a: &[&str], b: &[&str], ka: &[ParaKey], kb: &[ParaKey]) -> BlockDiff {
    let mut paras: Vec<ParaDiff> = Vec::new();
    for (x, y) in align_paragraphs(ka, kb) {
        match (x, y) {
            // A paragraph carried over word for word needs no segmenting into words
            // to find that out.
            (Some(i), Some(j)) if a[i] == b[j] => paras.push(ParaDiff {
                a: Some(i),
                b: Some(j),
                moved: false,
                diff: whole(Op::Equal, a[i]),
            }),
            (Some(i), Some(j)) => {
                let d = diff_tokens(&ka[i].tokens(a[i]), &kb[j].tokens(b[j]));
                if d.changed_share() > MAX_PAIR_CHANGE {
                    paras.push(ParaDiff {
                        a: Some(i),
                        b: None,
                        moved: false,
                        diff: whole(Op::Delete, a[i]),
                    });
                    paras.push(ParaDiff {
                        a: None,
                        b: Some(j),
                        moved: false,
                        diff: whole(Op::Insert, b[j]),
                    });
                } else {
                    paras.push(ParaDiff {
                        a: Some(i),
                        b: Some(j),
                        moved: false,
                        diff: d,
                    });
                }
            }
            (Some(i), None) => paras.push(ParaDiff {
                a: Some(i),
                b: None,
                moved: false,
                diff: whole(Op::Delete, a[i]),
            }),
            (None, Some(j)) => paras.push(ParaDiff {
                a: None,
                b: Some(j),
                moved: false,
                diff: whole(Op::Insert, b[j]),
            }),
            (None, None) => {}
        }
    }
    // A paragraph removed in one place and added unchanged in another has moved: each
    // added one takes the first removed one equal to it. (Indexed by text: a section of
    // thousands of paragraphs, found by fuzzing, made a scan of every pair quadratic.)
    let mut removed: HashMap<&str, VecDeque<usize>> = HashMap::new();
    for (r, p) in paras.iter().enumerate() {
        if let (Some(i), None) = (p.a, p.b) {
            removed.entry(ka[i].norm.as_str()).or_default().push_back(r);
        }
    }
    let mut gone = vec![false; paras.len()];
    for k in 0..paras.len() {
        if let (None, Some(j)) = (paras[k].a, paras[k].b)
            && let Some(r) = removed.get_mut(kb[j].norm.as_str()).and_then(VecDeque::pop_front)
        {
            paras[k] = ParaDiff {
                a: paras[r].a,
                b: Some(j),
                moved: true,
                diff: whole(Op::Equal, b[j]),
            };
            gone[r] = true;
        }
    }
    let paras: Vec<ParaDiff> = paras
        .into_iter()
        .zip(gone)
        .filter_map(|(p, gone)| (!gone).then_some(p))
        .collect();
    let mut out = BlockDiff::default();
    for p in &paras {
        out.chars_a += p.diff.chars_a;
        out.chars_b += p.diff.chars_b;
        out.deleted += p.diff.deleted;
        out.inserted += p.diff.inserted;
    }
    out.paras = paras;
    out
}

/// What happened to a paragraph: `same`, `changed`, `added`, `removed` or `moved`.
pub fn class(p: &ParaDiff) -> &'static str {
    match (p.a, p.b) {
        (Some(_), None) => "removed",
        (None, Some(_)) => "added",
        _ if p.moved => "moved",
        _ if p.diff.is_unchanged() => "same",
        _ => "changed",
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::compare::diff::diff_texts;

    /// The shortcut for equal paragraphs gives what the word diff would.
    #[test]
    fn equal_paragraphs_diff_as_the_word_diff_would() {
        for t in [
            "",
            "中心现有工作人员608名。",
            "一行\n二行 ISO/IEC 17025，  两个空格",
            "\n\n",
            "a\nb",
        ] {
            assert_eq!(whole(Op::Equal, t), diff_texts(t, t), "{t:?}");
        }
        let d = diff_blocks(&["同一段。", "旧的一段话。"], &["同一段。", "新的一段话。"]);
        assert_eq!(d.paras[0].diff, whole(Op::Equal, "同一段。"));
        assert!(d.paras[1].diff.deleted > 0 && d.paras[1].diff.inserted > 0);
    }

    /// Thousands of paragraphs (a fuzzing find): equal ones still pair, moved ones are
    /// still found, and it does not take quadratic time (it took 24 s before).
    #[test]
    fn very_long_sections_pair_equal_paragraphs() {
        let a: Vec<String> = (0..3000).map(|k| format!("第{k}段。")).collect();
        let mut b = a.clone();
        b[10] = "全新的段落。".into();
        let moved = b.remove(20);
        b.push(moved);
        let (a, b): (Vec<&str>, Vec<&str>) = (
            a.iter().map(String::as_str).collect(),
            b.iter().map(String::as_str).collect(),
        );
        let start = std::time::Instant::now();
        let d = diff_blocks(&a, &b);
        assert!(start.elapsed().as_secs() < 5, "{:?}", start.elapsed());
        // same, changed, added, removed, moved
        assert_eq!(d.counts(), [2998, 0, 1, 1, 1]);
    }

    /// Keys made once and shared by several comparisons (as a series shares them) give
    /// each comparison what keys of its own give.
    #[test]
    fn shared_keys_diff_as_fresh_ones() {
        let v2019 = [
            "中心现有工作人员580名。",
            "本中心严格执行社会责任管理体系。",
            "安全生产是重中之重。",
        ];
        let v2020 = [
            "中心现有工作人员600名。",
            "本中心严格执行并完善社会责任管理体系。",
            "新增党建工作。",
        ];
        let v2021 = [
            "新增党建工作。",
            "中心现有工作人员608名，同比增长1.3%。",
            "安全生产是重中之重。",
        ];
        let keys = |v: &[&str]| -> Vec<ParaKey> { v.iter().map(|t| ParaKey::new(t)).collect() };
        let (k2019, k2020, k2021) = (keys(&v2019), keys(&v2020), keys(&v2021));
        for _ in 0..2 {
            assert_eq!(diff_keyed(&v2019, &v2020, &k2019, &k2020), diff_blocks(&v2019, &v2020));
            assert_eq!(diff_keyed(&v2020, &v2021, &k2020, &k2021), diff_blocks(&v2020, &v2021));
            assert_eq!(diff_keyed(&v2019, &v2021, &k2019, &k2021), diff_blocks(&v2019, &v2021));
        }
        let d = diff_keyed(&v2019, &v2021, &k2019, &k2021);
        assert_eq!(d.counts()[4], 0, "nothing moved: {d:?}");
        assert!(d.inserted > 0 && d.deleted > 0);
    }

    fn blocks(a: &[&str], b: &[&str]) -> BlockDiff {
        diff_blocks(a, b)
    }

    #[test]
    fn paragraphs_pair_up_in_order_and_unrelated_ones_are_added_or_removed() {
        let a = [
            "本中心严格执行社会责任管理体系，建立年度报告制度。",
            "安全生产是重中之重，定期组织检查。",
        ];
        let b = [
            "新增的一段关于党建工作的内容，与其他段落无关。",
            "本中心严格执行社会责任管理体系，建立并完善年度报告制度。",
        ];
        let d = blocks(&a, &b);
        let rows: Vec<(Option<usize>, Option<usize>)> = d.paras.iter().map(|p| (p.a, p.b)).collect();
        assert_eq!(rows, [(None, Some(0)), (Some(0), Some(1)), (Some(1), None)]);
        let html = super::super::html::render_html(&d, &Default::default(), Default::default());
        assert!(
            html.contains("<div class=\"diff-para added\"><ins>新增的一段"),
            "{html}"
        );
        assert!(
            html.contains("<ins>并完善</ins>") || html.contains("<ins>并</ins>"),
            "{html}"
        );
        assert!(
            html.contains("<div class=\"diff-para removed\"><del>安全生产"),
            "{html}"
        );
    }

    #[test]
    fn a_moved_paragraph_is_not_a_change() {
        let a = ["第一段内容在这里。", "第二段内容不同。", "第三段保持。"];
        let b = ["第二段内容不同。", "第一段内容在这里。", "第三段保持。"];
        let d = blocks(&a, &b);
        assert_eq!((d.deleted, d.inserted), (0, 0));
        assert!(d.paras.iter().any(|p| p.moved));
        assert!(!d.is_unchanged());
    }
}
