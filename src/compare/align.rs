//! Pairing the sections of two versions of a document.
//!
//! Reports are rewritten every year: headings get renumbered (`二、` becomes `三、`),
//! reworded (`制度建立情况` becomes `制度的建立情况`), split, merged, dropped. A
//! comparison that only matched identical headings would call most of a report
//! "removed" and "added". Sections are therefore paired in three passes, each only
//! among the sections still unpaired:
//!
//! 1. by id: the heading's explicit `{#id}` (or its generated one, which is the same
//!    when the heading text is the same);
//! 2. by heading text without its numbering and punctuation;
//! 3. by similarity of heading and body (character bigrams), best pairs first, above
//!    a threshold, so that a renamed section with a similar body still pairs up.
//!
//! Pairs whose order differs from the new document's are marked as moved (those not
//! on the longest run that keeps its order).

use std::collections::{HashMap, VecDeque};

use serde::Serialize;

use super::similarity::{Bigrams, normalise_title};

/// What alignment needs to know about one section.
#[derive(Debug, Clone)]
pub struct SectionInfo<'a> {
    pub id: Option<&'a str>,
    pub title: &'a str,
    pub level: u8,
    pub text: &'a str,
}

/// How a pair was found.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum MatchBy {
    Id,
    Title,
    Similarity,
}

/// One row of the alignment: a pair, or a section on one side only.
#[derive(Debug, Clone, PartialEq)]
pub struct Pair {
    pub a: Option<usize>,
    pub b: Option<usize>,
    pub by: Option<MatchBy>,
    /// The pair's order differs from the order of the other pairs.
    pub moved: bool,
    /// Similarity score of a pair found by similarity (0..=1).
    pub score: f64,
}

/// Minimum similarity for pass 3.
pub const THRESHOLD: f64 = 0.4;
/// Unmatched sections scored against each other at most, pair by pair. Reports have a
/// few dozen sections; a text of thousands of headings (found by fuzzing) would make
/// every-pair scoring quadratic, so beyond this only sections near the same relative
/// place are scored.
const MAX_SCORED_PAIRS: usize = 40_000;

/// The leading numbering of a heading (`（一）`, `二、`), compared as a weak hint.
fn numbering(title: &str) -> &str {
    let norm_start = title.trim();
    let body = normalise_title(norm_start);
    match body.chars().next() {
        Some(first) => norm_start.find(first).map_or(norm_start, |i| &norm_start[..i]),
        None => norm_start,
    }
}

/// Similarity of two unpaired sections: heading and body, weighted towards the body
/// when both have one.
fn score(a: &SectionInfo, b: &SectionInfo, ta: &Bigrams, tb: &Bigrams, ba: &Bigrams, bb: &Bigrams) -> f64 {
    let title = ta.dice(tb);
    let mut s = if ba.is_empty() || bb.is_empty() {
        // No body on one side (a heading directly followed by subheadings): only the
        // heading can tell, and it must say a lot.
        if ba.is_empty() && bb.is_empty() {
            0.9 * title
        } else {
            0.6 * title
        }
    } else {
        0.35 * title + 0.65 * ba.dice(bb)
    };
    if a.level != b.level {
        s *= 0.85;
    }
    let (na, nb) = (numbering(a.title), numbering(b.title));
    if !na.is_empty() && na == nb {
        s += 0.05;
    }
    s.min(1.0)
}

/// Pairs the sections of `a` (older) with those of `b` (newer), in display order:
/// `b`'s order, each removed section after its predecessor in `a`.
pub fn align(a: &[SectionInfo], b: &[SectionInfo]) -> Vec<Pair> {
    let mut a_to_b: Vec<Option<(usize, MatchBy, f64)>> = vec![None; a.len()];
    let mut b_taken = vec![false; b.len()];

    // 1. Same id (text before the first heading pairs with its counterpart): the
    // first untaken section of `b` with it. Indexed, so thousands of sections stay cheap.
    let mut by_id: HashMap<Option<&str>, VecDeque<usize>> = HashMap::new();
    for (j, sb) in b.iter().enumerate() {
        if sb.id.is_some() || sb.level == 0 {
            by_id.entry(sb.id.as_deref()).or_default().push_back(j);
        }
    }
    for (i, sa) in a.iter().enumerate() {
        if let Some(j) = by_id.get_mut(&sa.id.as_deref()).and_then(VecDeque::pop_front) {
            a_to_b[i] = Some((j, MatchBy::Id, 1.0));
            b_taken[j] = true;
        }
    }
    // 2. Same heading once numbering and punctuation are gone.
    let na: Vec<String> = a.iter().map(|s| normalise_title(s.title)).collect();
    let nb: Vec<String> = b.iter().map(|s| normalise_title(s.title)).collect();
    let mut by_title: HashMap<&str, VecDeque<usize>> = HashMap::new();
    for (j, t) in nb.iter().enumerate() {
        by_title.entry(t.as_str()).or_default().push_back(j);
    }
    for i in 0..a.len() {
        if a_to_b[i].is_some() || na[i].is_empty() {
            continue;
        }
        let Some(queue) = by_title.get_mut(na[i].as_str()) else {
            continue;
        };
        while let Some(j) = queue.pop_front() {
            if !b_taken[j] {
                a_to_b[i] = Some((j, MatchBy::Title, 1.0));
                b_taken[j] = true;
                break;
            }
        }
    }
    // 3. Similar heading and body, best first.
    let mut candidates: Vec<(f64, usize, usize)> = Vec::new();
    let ua: Vec<usize> = (0..a.len()).filter(|&i| a_to_b[i].is_none()).collect();
    let ub: Vec<usize> = (0..b.len()).filter(|&j| !b_taken[j]).collect();
    // Bigrams of the sections still unmatched only: most match by id or title above.
    let bigrams = |texts: &mut dyn Iterator<Item = (usize, &str)>, len: usize| {
        let mut out = vec![Bigrams::default(); len];
        for (k, t) in texts {
            out[k] = Bigrams::new(t);
        }
        out
    };
    let ta = bigrams(&mut ua.iter().map(|&i| (i, na[i].as_str())), a.len());
    let tb = bigrams(&mut ub.iter().map(|&j| (j, nb[j].as_str())), b.len());
    let ba = bigrams(&mut ua.iter().map(|&i| (i, a[i].text)), a.len());
    let bb = bigrams(&mut ub.iter().map(|&j| (j, b[j].text)), b.len());
    // Every pair, or (for very long texts) pairs within a band around the diagonal.
    let band = if ua.len() * ub.len() <= MAX_SCORED_PAIRS {
        usize::MAX
    } else {
        (MAX_SCORED_PAIRS / ua.len().max(1) / 2).max(4)
    };
    for (ka, &i) in ua.iter().enumerate() {
        let centre = ka * ub.len() / ua.len().max(1);
        let (from, to) = (centre.saturating_sub(band), centre.saturating_add(band).min(ub.len()));
        for &j in &ub[from..to] {
            let s = score(&a[i], &b[j], &ta[i], &tb[j], &ba[i], &bb[j]);
            if s >= THRESHOLD {
                candidates.push((s, i, j));
            }
        }
    }
    candidates.sort_by(|x, y| y.0.total_cmp(&x.0).then(x.1.cmp(&y.1)).then(x.2.cmp(&y.2)));
    for (s, i, j) in candidates {
        if a_to_b[i].is_none() && !b_taken[j] {
            a_to_b[i] = Some((j, MatchBy::Similarity, s));
            b_taken[j] = true;
        }
    }

    arrange(b.len(), &a_to_b)
}

/// Turns a matching (`a_to_b[i]`: the `b` index, how, score) into display rows: `b`'s
/// order, each unmatched `a` entry right after its predecessor, pairs off the longest
/// order-keeping run marked as moved. Shared by sections and statement items.
pub fn arrange(b_len: usize, a_to_b: &[Option<(usize, MatchBy, f64)>]) -> Vec<Pair> {
    let a_len = a_to_b.len();
    // Moved: pairs off the longest increasing run of b-indexes (in a's order).
    let pairs: Vec<(usize, usize)> = a_to_b
        .iter()
        .enumerate()
        .filter_map(|(i, m)| m.map(|(j, _, _)| (i, j)))
        .collect();
    let keep = longest_increasing(&pairs.iter().map(|p| p.1).collect::<Vec<_>>());
    let mut moved = vec![false; a_len];
    for (k, &(i, _)) in pairs.iter().enumerate() {
        moved[i] = !keep[k];
    }

    // Display order.
    let mut b_to_a: Vec<Option<usize>> = vec![None; b_len];
    for &(i, j) in &pairs {
        b_to_a[j] = Some(i);
    }
    let mut out = Vec::with_capacity(a_len + b_len);
    let mut next_a = 0;
    let flush_removed = |upto: usize, next_a: &mut usize, out: &mut Vec<Pair>| {
        while *next_a < upto {
            if a_to_b[*next_a].is_none() {
                out.push(Pair {
                    a: Some(*next_a),
                    b: None,
                    by: None,
                    moved: false,
                    score: 0.0,
                });
            }
            *next_a += 1;
        }
    };
    for j in 0..b_len {
        match b_to_a[j] {
            Some(i) => {
                if !moved[i] {
                    flush_removed(i, &mut next_a, &mut out);
                }
                let (_, by, score) = a_to_b[i].expect("paired");
                out.push(Pair {
                    a: Some(i),
                    b: Some(j),
                    by: Some(by),
                    moved: moved[i],
                    score,
                });
                if !moved[i] {
                    // Sections removed right after this one follow it.
                    next_a = next_a.max(i + 1);
                    let upto = (i + 1..a_len).find(|&k| a_to_b[k].is_some()).unwrap_or(a_len);
                    flush_removed(upto, &mut next_a, &mut out);
                }
            }
            None => out.push(Pair {
                a: None,
                b: Some(j),
                by: None,
                moved: false,
                score: 0.0,
            }),
        }
    }
    flush_removed(a_len, &mut next_a, &mut out);
    out
}

/// Marks the elements of one longest strictly increasing subsequence (patience
/// sorting, O(n log n)). Among equally long ones it keeps the earliest elements in
/// place, so the entry that jumped ahead is the one called moved; deterministic.
pub fn longest_increasing(v: &[usize]) -> Vec<bool> {
    // Patience sorting keeps the latest candidates on ties; running it backwards on
    // the negated sequence (increasing either way) keeps the earliest.
    let w: Vec<i64> = v.iter().rev().map(|&x| -(x as i64)).collect();
    let mut tails: Vec<usize> = Vec::new(); // indexes into w
    let mut prev: Vec<Option<usize>> = vec![None; w.len()];
    for (k, &x) in w.iter().enumerate() {
        let pos = tails.partition_point(|&t| w[t] < x);
        prev[k] = pos.checked_sub(1).map(|p| tails[p]);
        if pos == tails.len() {
            tails.push(k);
        } else {
            tails[pos] = k;
        }
    }
    let mut keep = vec![false; v.len()];
    let mut cur = tails.last().copied();
    while let Some(k) = cur {
        keep[v.len() - 1 - k] = true;
        cur = prev[k];
    }
    keep
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sec<'a>(id: &'a str, title: &'a str, text: &'a str) -> SectionInfo<'a> {
        SectionInfo {
            id: Some(id),
            title,
            level: 2,
            text,
        }
    }

    const BODY1: &str = "本中心建立了社会责任管理体系，任命责任人，明确职能、职责和义务权限，逐级向领导层报告。";
    const BODY2: &str = "中心积极参与社会公益事业和社区建设，鼓励开展检验检测志愿者活动，宣传质量安全知识。";
    const BODY3: &str = "二〇一九年将重点加强党建工作，推进军民融合，持续提升计量服务能力和质量水平。";

    fn rows(p: &[Pair]) -> Vec<(Option<usize>, Option<usize>, Option<MatchBy>, bool)> {
        p.iter().map(|p| (p.a, p.b, p.by, p.moved)).collect()
    }

    #[test]
    fn pairs_by_id_then_title_then_similarity() {
        let a = [
            sec("x", "一、前言", BODY1),
            sec("old-name", "二、社会责任管理体系和制度建立情况", BODY1),
            sec("gy", "（三）社会责任：", BODY2),
        ];
        let b = [
            sec("x", "一、导言", BODY1),
            sec("new-name", "二、管理体系建设情况", BODY1),
            sec("gy2", "（三）、社会责任", BODY2),
        ];
        let p = align(&a, &b);
        assert_eq!(
            rows(&p),
            [
                (Some(0), Some(0), Some(MatchBy::Id), false),
                (Some(1), Some(1), Some(MatchBy::Similarity), false),
                (Some(2), Some(2), Some(MatchBy::Title), false),
            ]
        );
    }

    #[test]
    fn added_removed_and_moved() {
        let a = [
            sec("a", "一、甲", BODY1),
            sec("b", "二、乙", BODY2),
            sec("c", "三、丙", BODY3),
        ];
        // 乙 is gone, 丙 now comes first, 丁 is new.
        let b = [
            sec("c", "一、丙", BODY3),
            sec("a", "二、甲", BODY1),
            sec("d", "三、丁", "全新的内容。"),
        ];
        let p = align(&a, &b);
        assert_eq!(
            rows(&p),
            [
                (Some(2), Some(0), Some(MatchBy::Id), true),
                (Some(0), Some(1), Some(MatchBy::Id), false),
                (Some(1), None, None, false),
                (None, Some(2), None, false),
            ]
        );
    }

    #[test]
    fn unrelated_sections_do_not_pair() {
        let a = [sec("a", "一、安全生产", BODY2)];
        let b = [sec("b", "一、工作重点", BODY3)];
        let p = align(&a, &b);
        assert_eq!(p.len(), 2, "{p:?}");
        assert!(p.iter().all(|x| x.by.is_none()));
    }

    #[test]
    fn longest_increasing_run() {
        assert_eq!(longest_increasing(&[2, 0, 1]), [false, true, true]);
        assert_eq!(longest_increasing(&[1, 0]), [true, false]);
        assert_eq!(longest_increasing(&[0, 1, 2]), [true, true, true]);
        assert_eq!(longest_increasing(&[]), Vec::<bool>::new());
    }
}
