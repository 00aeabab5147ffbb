//! `punctuation`: marks as GB/T 15834-2011 (标点符号用法) wants them in Chinese text.
//!
//! - Two marks in a row (`、；`, `，。`): one of them is a leftover of an edit. The
//!   stronger mark is suggested. `？！` stays quiet (emphasis), and so do `……`.
//! - `、` before 和/及/与/以及/或: the last item of an enumeration takes one or the
//!   other (`诚信责任、和环境责任`).
//! - Half-width `, ; : ? ! .` between Chinese characters (`学习, 完善`): Chinese text
//!   takes full-width marks. A dot between digits is a decimal point (`1.5`,
//!   `25.9万`), a run of dots an ellipsis: neither is a full stop.
//! - Half-width `( )` in Chinese text. Brackets around Chinese words are always
//!   flagged. Brackets around ASCII only (a standard number `(JJF1069-2012)`, an
//!   abbreviation `(UTC)`) are common in official text and stay quiet, *unless* the
//!   same document also writes such content in full-width brackets (`（CGPM）`):
//!   then the half-width ones are inconsistent, and the message names the other
//!   spelling. One style per document is what a proof-reader asks for.
//! - Unbalanced 《》 （） “” 【】 ‘’ 「」 within a paragraph or heading, and a
//!   full-width bracket closed by a half-width one. A paragraph cut off inside an
//!   excerpt block may leave its last mark open.
//! - A space after a full-width mark before Chinese text (`1、 前言`): the mark
//!   carries its own space.
//! - A heading ending in `：` `，` `、` `；` `。`: headings take no final mark.

use super::chars::{is_chinese, is_han};
use super::scan::{Block, BlockKind, PLACEHOLDER, Pos, Scanned, Text};
use super::{Findings, PUNCTUATION};

/// Full-width marks that end or divide a clause, with their strength.
fn strength(c: char) -> Option<u8> {
    Some(match c {
        '、' => 0,
        '，' | ',' => 1,
        '：' | ':' => 2,
        '；' | ';' => 3,
        '。' | '？' | '！' | '?' | '!' => 4,
        _ => return None,
    })
}

fn full_width(c: char) -> char {
    match c {
        ',' => '，',
        ';' => '；',
        ':' => '：',
        '?' => '？',
        '!' => '！',
        '.' => '。',
        '(' => '（',
        ')' => '）',
        c => c,
    }
}

pub fn check(s: &Scanned, f: &mut Findings) {
    let full_ascii = first_full_width_ascii_brackets(s);
    for b in &s.blocks {
        if b.text.is_empty() || b.kind == BlockKind::Other {
            continue;
        }
        let t = &b.text;
        doubled(t, f);
        half_width(t, f);
        brackets(t, full_ascii.as_ref(), f);
        balance(b, f);
        spaces(t, f);
        if let BlockKind::Heading(_) = b.kind {
            heading_end(t, f);
        }
    }
}

fn doubled(t: &Text, f: &mut Findings) {
    let c = &t.chars;
    let mut i = 0;
    while i + 1 < c.len() {
        let (a, b) = (c[i], c[i + 1]);
        let (sa, sb) = (strength(a), strength(b));
        let any_full = !a.is_ascii() || !b.is_ascii();
        if let (Some(x), Some(y)) = (sa, sb) {
            let emphasis = matches!(a, '？' | '！' | '?' | '!') && matches!(b, '？' | '！' | '?' | '!');
            if any_full && !emphasis && !(a == '.' || b == '.') {
                let keep = full_width(if x > y { a } else { b });
                let pair: String = [a, b].iter().collect();
                f.warn(
                    PUNCTUATION,
                    t.pos[i],
                    pair.clone(),
                    format!("`{pair}`: two marks in a row"),
                    format!("keep one: `{keep}`"),
                );
                i += 2;
                continue;
            }
        }
        if a == '、' {
            let rest: String = c[i + 1..(i + 3).min(c.len())].iter().collect();
            if let Some(conj) = ["以及", "和", "及", "与", "或"].iter().find(|w| rest.starts_with(**w)) {
                let from = (i.saturating_sub(12)..i)
                    .rev()
                    .find(|&k| matches!(c[k], '、' | '，' | '；' | '。' | '：'))
                    .map_or(i.saturating_sub(12), |k| k + 1);
                let before = t.slice(from, i);
                f.warn(
                    PUNCTUATION,
                    t.pos[i],
                    format!("、{conj}"),
                    format!("`、{conj}`: the last item of an enumeration takes `、` or `{conj}`, not both"),
                    format!("drop the `、`: `{before}{conj}…`"),
                );
            }
        }
        i += 1;
    }
}

fn half_width(t: &Text, f: &mut Findings) {
    let c = &t.chars;
    for i in 0..c.len() {
        let m = c[i];
        if !matches!(m, ',' | ';' | ':' | '?' | '!' | '.') {
            continue;
        }
        let left = t.prev_non_space(i).map(|(_, p)| p);
        let right = t.next_non_space(i + 1).map(|(_, n)| n);
        let flagged = if m == '.' {
            // A full stop: after a Chinese character, before Chinese or the end; never
            // a run of dots (an ellipsis).
            let run = (i > 0 && c[i - 1] == '.') || c.get(i + 1) == Some(&'.');
            !run && left.is_some_and(is_han) && right.is_none_or(is_chinese)
        } else {
            left.is_some_and(is_chinese) && right.is_some_and(is_chinese)
        };
        if flagged {
            let wide = full_width(m);
            let ctx = format!(
                "{}{wide}{}",
                t.slice(i.saturating_sub(2), i).trim_end(),
                t.slice(i + 1, (i + 3).min(c.len())).trim_start()
            );
            f.warn(
                PUNCTUATION,
                t.pos[i],
                m.to_string(),
                format!("half-width `{m}` in Chinese text"),
                format!("write the full-width `{wide}`: `{ctx}`"),
            );
        }
    }
}

/// Whether the text between brackets is ASCII only (a standard number, an
/// abbreviation): no Chinese character in it.
fn ascii_content(t: &Text, from: usize, to: usize) -> bool {
    to > from && t.chars[from..to].iter().all(|c| !is_chinese(*c) && *c != PLACEHOLDER)
}

/// The first `（ASCII）` of the document, if it writes any: (position, text).
fn first_full_width_ascii_brackets(s: &Scanned) -> Option<(Pos, String)> {
    for b in &s.blocks {
        let t = &b.text;
        for (i, c) in t.chars.iter().enumerate() {
            if *c != '（' {
                continue;
            }
            let close = (i + 1..t.len()).find(|&k| matches!(t.chars[k], '）' | '（'));
            if let Some(k) = close.filter(|&k| t.chars[k] == '）' && ascii_content(t, i + 1, k)) {
                return Some((t.pos[i], t.slice(i, k + 1)));
            }
        }
    }
    None
}

fn brackets(t: &Text, full_ascii: Option<&(Pos, String)>, f: &mut Findings) {
    let c = &t.chars;
    for i in 0..c.len() {
        if c[i] != '(' {
            continue;
        }
        let mut depth = 0;
        let Some(k) = (i..c.len()).find(|&k| {
            match c[k] {
                '(' => depth += 1,
                ')' => depth -= 1,
                _ => {}
            }
            depth == 0
        }) else {
            continue;
        };
        let before = t.prev_non_space(i).map(|(_, p)| p);
        let after = t.next_non_space(k + 1).map(|(_, n)| n);
        if !(before.is_some_and(is_chinese) || after.is_some_and(is_chinese)) {
            continue;
        }
        let inner = t.slice(i + 1, k);
        let written = t.slice(i, k + 1);
        let fixed = format!("（{inner}）");
        if !ascii_content(t, i + 1, k) {
            f.warn(
                PUNCTUATION,
                t.pos[i],
                written.clone(),
                format!("half-width brackets `{written}` in Chinese text"),
                format!("write full-width brackets: `{fixed}`"),
            );
        } else if let Some((p, other)) = full_ascii {
            f.warn(
                PUNCTUATION,
                t.pos[i],
                written.clone(),
                format!(
                    "half-width brackets `{written}`, while line {} writes `{other}` in full width",
                    p.line
                ),
                format!("use one style in the document: `{fixed}`"),
            );
        }
    }
}

fn pair_of(open: char) -> Option<char> {
    Some(match open {
        '《' => '》',
        '（' | '(' => '）',
        '“' => '”',
        '【' => '】',
        '‘' => '’',
        '「' => '」',
        '『' => '』',
        '〔' => '〕',
        _ => return None,
    })
}

fn is_closer(c: char) -> bool {
    matches!(c, '》' | '）' | ')' | '”' | '】' | '’' | '」' | '』' | '〕')
}

fn balance(b: &Block, f: &mut Findings) {
    let t = &b.text;
    let c = &t.chars;
    // An apostrophe (centre’s) is not a closing quote.
    let apostrophe = |i: usize| c[i] == '’' && i > 0 && c[i - 1].is_ascii_alphabetic();
    let mut stack: Vec<usize> = Vec::new();
    for i in 0..c.len() {
        if pair_of(c[i]).is_some() {
            stack.push(i);
            continue;
        }
        if !is_closer(c[i]) || apostrophe(i) {
            continue;
        }
        let closes = |o: usize| {
            let want = pair_of(c[o]).expect("an opener");
            want == c[i] || (want == '）' && c[i] == ')')
        };
        match stack.iter().rposition(|&o| closes(o)) {
            Some(at) => {
                for &o in &stack[at + 1..] {
                    unclosed(t, o, f);
                }
                let o = stack[at];
                if c[o] == '（' && c[i] == ')' || c[o] == '(' && c[i] == '）' {
                    let pair = format!("{}…{}", c[o], c[i]);
                    f.warn(
                        PUNCTUATION,
                        t.pos[i],
                        c[i].to_string(),
                        format!("`{}` is closed by `{}` of the other width", c[o], c[i]),
                        format!("write both brackets full-width: `（…）` (found `{pair}`)"),
                    );
                }
                stack.truncate(at);
            }
            None if c[i] == ')' => {}
            None => {
                let open = ['《', '（', '“', '【', '‘', '「', '『', '〔']
                    .into_iter()
                    .find(|o| pair_of(*o) == Some(c[i]))
                    .unwrap_or('(');
                f.warn(
                    PUNCTUATION,
                    t.pos[i],
                    c[i].to_string(),
                    format!(
                        "`{}` closes nothing: there is no `{open}` before it in this paragraph",
                        c[i]
                    ),
                    format!("add the missing `{open}`, or remove the `{}`", c[i]),
                );
            }
        }
    }
    let cut = b.excerpt.is_some() && super::excerpt::ellipsis_end(t).is_some();
    for &o in &stack {
        if c[o] != '(' && !cut {
            unclosed(t, o, f);
        }
    }
}

fn unclosed(t: &Text, o: usize, f: &mut Findings) {
    let open = t.chars[o];
    if open == '(' {
        return;
    }
    let close = pair_of(open).expect("an opener");
    f.warn(
        PUNCTUATION,
        t.pos[o],
        open.to_string(),
        format!("`{open}` is not closed in this paragraph"),
        format!("add the closing `{close}`, or remove the `{open}`"),
    );
}

fn spaces(t: &Text, f: &mut Findings) {
    let c = &t.chars;
    for i in 0..c.len() {
        if !matches!(c[i], '，' | '。' | '、' | '；' | '：' | '？' | '！') {
            continue;
        }
        let spaces = c[i + 1..]
            .iter()
            .take_while(|x| **x == ' ' || **x == '\u{3000}')
            .count();
        let next = c.get(i + 1 + spaces).copied();
        if spaces > 0 && next.is_some_and(is_chinese) && t.pos[i].line == t.pos[i + spaces].line {
            let fixed = format!(
                "{}{}",
                t.slice(i.saturating_sub(2), i + 1),
                t.slice(i + 1 + spaces, (i + 3 + spaces).min(c.len()))
            );
            f.warn(
                PUNCTUATION,
                t.pos[i + 1],
                " ".repeat(spaces),
                format!("a space after `{}`: full-width marks carry their own space", c[i]),
                format!("remove the space: `{fixed}`"),
            );
        }
    }
}

fn heading_end(t: &Text, f: &mut Findings) {
    let Some(end) = t.chars.iter().rposition(|c| !c.is_whitespace()) else {
        return;
    };
    let m = t.chars[end];
    // A colon is left alone: label headings such as `公正声明：` are common in official
    // texts and in the seeds; a comma, enumeration comma or semicolon is a cut sentence.
    if matches!(m, '，' | '、' | '；' | '。' | ',' | ';') {
        let title = t.slice(0, end).trim().to_string();
        f.warn(
            PUNCTUATION,
            t.pos[end],
            m.to_string(),
            format!("this heading ends in `{m}`"),
            format!("headings take no final mark: `{title}`"),
        );
    }
}

#[cfg(test)]
mod tests {
    use crate::lint::testing::marks;

    #[test]
    fn marks_in_chinese_text() {
        assert_eq!(marks("punctuation", "守法、；进一步。"), ["、；"]);
        assert_eq!(marks("punctuation", "完成了任务.下一步。"), ["."]);
        assert_eq!(marks("punctuation", "真的吗？！好。"), Vec::<String>::new());
        assert_eq!(
            marks("punctuation", "增长1.5倍，共25.9万台件，占8.8%。"),
            Vec::<String>::new()
        );
        assert_eq!(marks("punctuation", "见“引文。"), ["“"]);
        assert_eq!(marks("punctuation", "见（注)。"), [")"]);
    }
}
