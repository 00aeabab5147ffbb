//! `repetition`: words and parts said twice, and parts with nothing in them.
//!
//! - A word doubled by an edit: `的的`, `进一步进一步`, and `工作的工作` (the 2018 seed's
//!   "所做工作的工作"). Chinese reduplicates many words on purpose (常常, 人人, 清清楚楚,
//!   等等, 一个一个), so a single doubled character is only marked for function words
//!   that never double (的 了 在 和 与 及 对 把 被 将 从 向 并 或 之 而 于 由 为 是 地),
//!   and a doubled pair only when it does not start with 一. Either must also fall on
//!   word boundaries (jieba, as the comparisons segment): `参与与检验` is 参与 + 与,
//!   `为了了解` is 为了 + 了解, `目的的` is 目的 + 的.
//! - An empty section: a heading followed directly by a heading of the same or a
//!   higher level, or by the end of the document (a heading followed by its own
//!   subheadings is a part with subsections, not empty).
//! - A heading used twice in one document, numbers aside (`一、前言` … `三、前言`), among
//!   the headings of one part: the same subheading under different parts
//!   (`（一）主要措施` under 二、 and under 四、) is how reports are built.

use std::collections::HashMap;

use super::chars::is_han;
use super::numbering::strip_marker;
use super::scan::{BlockKind, Scanned, Text};
use super::{Findings, REPETITION};
use crate::compare::tokens::tokenize;

const NEVER_DOUBLED: &str = "的了在和与及对把被将从向并或之而于由为是地";

/// Reduplications that are words: 的的确确, 是是非非, 地地道道.
fn is_word(c: &[char], i: usize) -> bool {
    let s: String = c[i..(i + 4).min(c.len())].iter().collect();
    s == "的的确确" || s == "是是非非" || s == "地地道道"
}

fn doubled(t: &Text, f: &mut Findings) {
    let c = &t.chars;
    let mut i = 0;
    'outer: while i < c.len() {
        for n in (1..=4).rev() {
            if i + 2 * n > c.len() || !c[i..i + 2 * n].iter().all(|x| is_han(*x)) || c[i..i + n] != c[i + n..i + 2 * n]
            {
                continue;
            }
            let word: String = c[i..i + n].iter().collect();
            let meant = match n {
                1 => NEVER_DOUBLED.contains(c[i]) && !is_word(c, i),
                _ => c[i] != '一',
            } && words_at(c, i, &[i, i + n, i + 2 * n]);
            if meant {
                let written = t.slice(i, i + 2 * n);
                f.warn(
                    REPETITION,
                    t.pos[i],
                    written.clone(),
                    format!("`{written}`: `{word}` twice"),
                    format!("keep one `{word}`"),
                );
                i += 2 * n;
                continue 'outer;
            }
        }
        // 工作的工作
        for n in (2..=4).rev() {
            let end = i + 2 * n + 1;
            if end > c.len()
                || c[i + n] != '的'
                || c[i..i + n] != c[i + n + 1..end]
                || !c[i..i + n].iter().all(|x| is_han(*x))
                || !words_at(c, i, &[i, i + n, i + n + 1, end])
            {
                continue;
            }
            let word: String = c[i..i + n].iter().collect();
            let written = t.slice(i, end);
            f.warn(
                REPETITION,
                t.pos[i],
                written.clone(),
                format!("`{written}`: `{word}` twice"),
                format!("say it once, e.g. `{word}`"),
            );
            i = end;
            continue 'outer;
        }
        i += 1;
    }
}

/// Whether the words of the text (segmented as the comparisons segment it, by
/// jieba) begin or end at every index of `cuts`: `参与与检验` is 参与|与|检验, a word
/// and a preposition, not 与 twice; `为了了解` is 为了|了解.
fn words_at(c: &[char], i: usize, cuts: &[usize]) -> bool {
    let last = *cuts.last().expect("cuts");
    let mut from = i;
    while from > 0 && is_han(c[from - 1]) && i - from < 10 {
        from -= 1;
    }
    let mut to = last;
    while to < c.len() && is_han(c[to]) && to - last < 10 {
        to += 1;
    }
    let run: String = c[from..to].iter().collect();
    let mut at = from;
    let mut bounds = vec![from];
    for t in tokenize(&run) {
        at += t.chars();
        bounds.push(at);
    }
    cuts.iter().all(|x| bounds.contains(x))
}

pub fn check(s: &Scanned, f: &mut Findings) {
    for b in &s.blocks {
        if !matches!(b.kind, BlockKind::Other) {
            doubled(&b.text, f);
        }
    }
    // Empty sections and repeated headings (headings in quotes are quoted text).
    let blocks: Vec<_> = s
        .blocks
        .iter()
        .filter(|b| !(b.quote && matches!(b.kind, BlockKind::Heading(_))))
        .collect();
    // Titles seen, by the line of the parent heading (0: none) and the title.
    let mut seen: HashMap<(usize, String), usize> = HashMap::new();
    // The line of the latest heading of each level, for parents.
    let mut latest = [0usize; 7];
    for (k, b) in blocks.iter().enumerate() {
        let BlockKind::Heading(level) = b.kind else { continue };
        let parent = latest[..level as usize]
            .iter()
            .rev()
            .copied()
            .find(|&l| l > 0)
            .unwrap_or(0);
        latest[level as usize] = b.line;
        for l in &mut latest[level as usize + 1..] {
            *l = 0;
        }
        let t = &b.text;
        let Some(&first) = t.pos.first() else { continue };
        let title = t.slice(0, t.len()).trim().to_string();
        let next = blocks.get(k + 1).map(|n| n.kind);
        let empty = match next {
            None => true,
            Some(BlockKind::Heading(l)) => l <= level,
            Some(_) => false,
        };
        if empty {
            f.warn(
                REPETITION,
                first,
                title.clone(),
                format!("the section `{title}` is empty"),
                "write its text, or remove the heading",
            );
        }
        let key: String = strip_marker(&t.chars)
            .iter()
            .filter(|c| !c.is_whitespace())
            .collect::<String>()
            .trim_end_matches(['：', '。', '，', '、', '；', ':'])
            .to_string();
        if key.is_empty() {
            continue;
        }
        let key = (parent, key);
        match seen.get(&key) {
            Some(&line) => f.warn(
                REPETITION,
                first,
                title.clone(),
                format!("the heading `{title}` repeats the heading on line {line}"),
                "merge the two parts, or give each its own heading",
            ),
            None => {
                seen.insert(key, first.line);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use crate::lint::testing::marks;

    #[test]
    fn doubled_words_on_word_boundaries() {
        assert_eq!(marks("repetition", "能力的的学科带头人。"), ["的的"]);
        assert_eq!(marks("repetition", "进一步进一步加强。"), ["进一步进一步"]);
        assert_eq!(marks("repetition", "所做工作的工作。"), ["工作的工作"]);
        assert!(marks("repetition", "不参与与检验有冲突的活动，为了了解情况。").is_empty());
        assert!(marks("repetition", "常常、等等、一个一个地、的的确确。").is_empty());
    }
}
