//! `numbering`: the text's own numbers, in order.
//!
//! Official documents number their parts by hand: 一、二、三、 and （一）（二） in
//! headings, 1、2、 or 1. 2. at the start of lines, 一是、二是 inside paragraphs. A
//! number skipped, repeated or out of order (the 2018 seed goes 一是、二是、五是、三是)
//! and a heading numbered in another style than its siblings (`1、前言` before
//! `二、…`) are what a proof-reader marks first.
//!
//! What is *not* the text's own numbering stays out: items of a Markdown ordered list
//! (Markdown numbers them), numbers inside quotation marks or block quotes (someone
//! else's list), decimals (`1.5`, `3.15消费者权益保护日`: a digit follows the dot).
//! Headings are counted per level under the same parent heading; text numbers per
//! style within a section, a `1` starting a new list.

use std::collections::HashMap;

use super::chars::{cn_number_at, cn_numeral};
use super::scan::{BlockKind, Scanned, Text};
use super::{Findings, NUMBERING};

/// How a number is written.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Style {
    /// 一、
    CnDun,
    /// （一）
    CnParen,
    /// 1、
    ArDun,
    /// 1.
    ArDot,
    /// （1）
    ArParen,
    /// ①
    Circled,
    /// 一是
    CnShi,
    /// 第一章, 第一部分…
    Di(&'static str),
}

impl Style {
    /// `v` written in this style.
    pub fn render(self, v: u32) -> String {
        match self {
            Style::CnDun => format!("{}、", cn_numeral(v)),
            Style::CnParen => format!("（{}）", cn_numeral(v)),
            Style::ArDun => format!("{v}、"),
            Style::ArDot => format!("{v}."),
            Style::ArParen => format!("（{v}）"),
            Style::Circled => char::from_u32(0x2460 + v - 1).map_or(v.to_string(), String::from),
            Style::CnShi => format!("{}是", cn_numeral(v)),
            Style::Di(s) => format!("第{}{s}", cn_numeral(v)),
        }
    }
}

/// A number as written at the start of a heading or an item of the text.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Marker {
    pub style: Style,
    pub value: u32,
    /// Index of its first character and its length, in characters.
    pub start: usize,
    pub len: usize,
}

const DI_SUFFIXES: [&str; 5] = ["部分", "章", "节", "条", "篇"];

/// The number written at `i`, if any. `shi`: also 一是 (paragraphs only).
pub fn marker_at(c: &[char], i: usize, shi: bool) -> Option<Marker> {
    let at = |k: usize| c.get(k).copied();
    let m = |style, value, end: usize| {
        Some(Marker {
            style,
            value,
            start: i,
            len: end - i,
        })
    };
    let first = at(i)?;
    if matches!(first, '（' | '(') {
        if let Some((v, n)) = cn_number_at(c, i + 1) {
            return matches!(at(i + 1 + n), Some('）' | ')'))
                .then(|| m(Style::CnParen, v, i + 2 + n))
                .flatten();
        }
        let (v, n) = ascii_number_at(c, i + 1)?;
        return matches!(at(i + 1 + n), Some('）' | ')'))
            .then(|| m(Style::ArParen, v, i + 2 + n))
            .flatten();
    }
    if ('①'..='⑳').contains(&first) {
        return m(Style::Circled, first as u32 - 0x2460 + 1, i + 1);
    }
    if first == '第' {
        let (v, n) = cn_number_at(c, i + 1)?;
        let rest: String = c[i + 1 + n..(i + 3 + n).min(c.len())].iter().collect();
        let suffix = DI_SUFFIXES.iter().find(|s| rest.starts_with(**s))?;
        return m(Style::Di(suffix), v, i + 1 + n + suffix.chars().count());
    }
    if let Some((v, n)) = cn_number_at(c, i) {
        return match at(i + n) {
            Some('、') => m(Style::CnDun, v, i + n + 1),
            Some('是') if shi => m(Style::CnShi, v, i + n + 1),
            _ => None,
        };
    }
    let (v, n) = ascii_number_at(c, i)?;
    let next_is_digit = at(i + n + 1).is_some_and(|x| x.is_ascii_digit() || x == '.');
    match at(i + n) {
        Some('、') if !next_is_digit => m(Style::ArDun, v, i + n + 1),
        Some('.' | '．') if !next_is_digit => m(Style::ArDot, v, i + n + 1),
        _ => None,
    }
}

/// 1 to 99 in ASCII digits, not part of a longer number.
fn ascii_number_at(c: &[char], i: usize) -> Option<(u32, usize)> {
    let n = c[i.min(c.len())..].iter().take_while(|x| x.is_ascii_digit()).count();
    if n == 0 || n > 2 || c[i] == '0' || (i > 0 && c[i - 1].is_ascii_digit()) {
        return None;
    }
    let v: String = c[i..i + n].iter().collect();
    Some((v.parse().ok()?, n))
}

/// The title without its number (for comparing headings).
pub fn strip_marker(title: &[char]) -> &[char] {
    match marker_at(title, 0, false) {
        Some(m) => {
            let mut k = m.start + m.len;
            while title
                .get(k)
                .is_some_and(|c| c.is_whitespace() || matches!(c, '、' | '，' | '.' | '．'))
            {
                k += 1;
            }
            &title[k..]
        }
        None => title,
    }
}

/// One numbered heading or item, as seen in order.
#[derive(Clone)]
struct Seen<'t> {
    marker: Marker,
    text: &'t Text,
}

impl Seen<'_> {
    fn written(&self) -> String {
        self.text.slice(self.marker.start, self.marker.start + self.marker.len)
    }
    fn line(&self) -> usize {
        self.text.pos[self.marker.start].line
    }
    /// What follows the number (a heading's title).
    fn rest(&self) -> String {
        self.text
            .slice(self.marker.start + self.marker.len, self.text.len())
            .trim_start_matches([' ', '、'])
            .to_string()
    }
}

pub fn check(s: &Scanned, f: &mut Findings) {
    let mut groups: Vec<Vec<Seen>> = vec![Vec::new(); 7];
    let mut text_seq: HashMap<Style, Vec<Seen>> = HashMap::new();
    for b in &s.blocks {
        if b.quote {
            continue;
        }
        match b.kind {
            BlockKind::Heading(level) => {
                let level = level as usize;
                for g in groups.iter_mut().skip(level + 1) {
                    heading_group(g, f);
                    g.clear();
                }
                text_seq.clear();
                let t = &b.text;
                let start = t.chars.iter().take_while(|c| c.is_whitespace()).count();
                if let Some(m) = marker_at(&t.chars, start, false) {
                    bracket_mark(t, &m, f);
                    groups[level].push(Seen { marker: m, text: t });
                }
            }
            BlockKind::Paragraph => {
                let t = &b.text;
                let quoted = t.quoted();
                let mut i = 0;
                while i < t.len() {
                    let m = match boundary(t, i) {
                        Some(after_comma) if !quoted[i] => {
                            marker_at(&t.chars, i, true).filter(|m| !after_comma || m.style == Style::CnShi)
                        }
                        _ => None,
                    };
                    match m {
                        Some(m) => {
                            bracket_mark(t, &m, f);
                            let seq = text_seq.entry(m.style).or_default();
                            if m.value == 1 {
                                seq.clear();
                            }
                            seq.push(Seen { marker: m, text: t });
                            text_item(seq, f);
                            i += m.len;
                        }
                        None => i += 1,
                    }
                }
            }
            _ => {}
        }
    }
    for g in groups.iter_mut() {
        heading_group(g, f);
    }
}

/// Where a number may start an item of the text: at the start of the block or of a
/// source line, or after `：；。`; after `，` only 一是 (`Some(true)`).
fn boundary(t: &Text, i: usize) -> Option<bool> {
    if t.at_line_start(i) {
        return Some(false);
    }
    match t.prev_non_space(i) {
        None => Some(false),
        Some((_, '：' | '；' | '。' | ':' | ';')) => Some(false),
        Some((_, '，')) => Some(true),
        _ => None,
    }
}

/// `（二）、`: a number in brackets takes no mark after it.
fn bracket_mark(t: &Text, m: &Marker, f: &mut Findings) {
    if !matches!(m.style, Style::CnParen | Style::ArParen) {
        return;
    }
    let end = m.start + m.len;
    if let Some(&mark) = t.chars.get(end).filter(|c| matches!(c, '、' | '，' | '.' | '．' | ',')) {
        let written = t.slice(m.start, end + 1);
        let fixed = format!("{}{}", t.slice(m.start, end), t.slice(end + 1, (end + 8).min(t.len())));
        f.warn(
            NUMBERING,
            t.pos[m.start],
            written.clone(),
            format!("`{written}`: a number in brackets takes no `{mark}` after it"),
            format!("write `{fixed}`"),
        );
    }
}

/// Checks the last item of a text sequence against the one before.
fn text_item(seq: &[Seen], f: &mut Findings) {
    let k = seq.len() - 1;
    let cur = &seq[k];
    let style = cur.marker.style;
    let written = cur.written();
    let pos = cur.text.pos[cur.marker.start];
    if k == 0 {
        if cur.marker.value != 1 {
            f.warn(
                NUMBERING,
                pos,
                written.clone(),
                format!(
                    "the numbering starts at `{written}`: there is no `{}` before it in this section",
                    style.render(1)
                ),
                format!("number from `{}`, or add the missing items", style.render(1)),
            );
        }
        return;
    }
    let prev = &seq[k - 1];
    if cur.marker.value != prev.marker.value + 1 {
        let expected = seq[0].marker.value + k as u32;
        f.warn(
            NUMBERING,
            pos,
            written,
            order_message(prev, cur),
            format!("renumber in order: this is `{}`", style.render(expected)),
        );
    }
}

fn order_message(prev: &Seen, cur: &Seen) -> String {
    let (p, v) = (prev.marker.value, cur.marker.value);
    let (pw, w) = (prev.written(), cur.written());
    let style = cur.marker.style;
    if v == p {
        format!("`{w}` again: line {} has `{pw}` too", prev.line())
    } else if v < p {
        format!("`{w}` comes after `{pw}` (line {}): out of order", prev.line())
    } else if v == p + 2 {
        format!("`{w}` follows `{pw}`: `{}` is skipped", style.render(p + 1))
    } else {
        format!(
            "`{w}` follows `{pw}`: `{}` to `{}` are skipped",
            style.render(p + 1),
            style.render(v - 1)
        )
    }
}

/// The numbered headings of one level under one parent: one style, in order.
fn heading_group(g: &[Seen], f: &mut Findings) {
    if g.is_empty() {
        return;
    }
    // The style most of them use (the first heading's on a tie).
    let mut counts: Vec<(Style, usize)> = Vec::new();
    for s in g {
        match counts.iter_mut().find(|(st, _)| *st == s.marker.style) {
            Some(c) => c.1 += 1,
            None => counts.push((s.marker.style, 1)),
        }
    }
    let main = counts
        .iter()
        .fold(counts[0], |best, c| if c.1 > best.1 { *c } else { best })
        .0;
    let example = g
        .iter()
        .find(|s| s.marker.style == main)
        .map(Seen::written)
        .unwrap_or_default();
    for s in g.iter().filter(|s| s.marker.style != main) {
        let w = s.written();
        let title = s.rest();
        f.warn(
            NUMBERING,
            s.text.pos[s.marker.start],
            w.clone(),
            format!("`{w}` numbers this heading, but the other headings of its level are numbered like `{example}`"),
            format!("write `{}{title}`", main.render(s.marker.value)),
        );
    }
    let first = &g[0];
    if first.marker.value != 1 {
        let w = first.written();
        f.warn(
            NUMBERING,
            first.text.pos[first.marker.start],
            w.clone(),
            format!(
                "the headings of this level start at `{w}`: there is no `{}`",
                main.render(1)
            ),
            format!("number from `{}`, or add the missing part", main.render(1)),
        );
    }
    for (k, pair) in g.windows(2).enumerate() {
        let (prev, cur) = (&pair[0], &pair[1]);
        if cur.marker.value != prev.marker.value + 1 {
            let expected = first.marker.value + k as u32 + 1;
            f.warn(
                NUMBERING,
                cur.text.pos[cur.marker.start],
                cur.written(),
                order_message(prev, cur),
                format!("renumber in order: this is `{}`", main.render(expected)),
            );
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn m(s: &str, shi: bool) -> Option<(Style, u32, usize)> {
        let c: Vec<char> = s.chars().collect();
        marker_at(&c, 0, shi).map(|m| (m.style, m.value, m.len))
    }

    #[test]
    fn markers() {
        assert_eq!(m("一、前言", false), Some((Style::CnDun, 1, 2)));
        assert_eq!(m("（十二）经济", false), Some((Style::CnParen, 12, 4)));
        assert_eq!(m("1、 前言", false), Some((Style::ArDun, 1, 2)));
        assert_eq!(m("10.持续", false), Some((Style::ArDot, 10, 3)));
        assert_eq!(m("(3)甲", false), Some((Style::ArParen, 3, 3)));
        assert_eq!(m("五是持续", true), Some((Style::CnShi, 5, 2)));
        assert_eq!(m("五是持续", false), None);
        assert_eq!(m("第二部分 总则", false), Some((Style::Di("部分"), 2, 4)));
        assert_eq!(m("③甲", false), Some((Style::Circled, 3, 1)));
        // Not numbers of the text.
        assert_eq!(m("1.5倍", false), None);
        assert_eq!(m("3.15消费者", false), None);
        assert_eq!(m("2018、2019年", false), None);
        assert_eq!(m("12、13日", false), None);
    }

    #[test]
    fn renders_and_strips() {
        assert_eq!(Style::CnParen.render(3), "（三）");
        assert_eq!(Style::CnShi.render(4), "四是");
        let t: Vec<char> = "（二）、经济".chars().collect();
        assert_eq!(strip_marker(&t).iter().collect::<String>(), "经济");
    }
}
