//! Inline Markdown taken out of a block's source characters: what is not prose
//! (code spans, link targets, footnote references, autolinks, bare URLs) becomes
//! [`PLACEHOLDER`], emphasis marks and escaping backslashes disappear. Every character
//! that stays keeps its file position.

use super::scan::{PLACEHOLDER, Pos, Text};

/// Source characters with their positions; `true` marks a character that an escape
/// made literal (`\*` is a star, not emphasis).
pub type Raw = Vec<(char, Pos, bool)>;

/// Takes inline syntax out of raw source characters (see the module comment).
pub fn inline(raw: Raw) -> Text {
    // 1. Code spans and escapes.
    let mut v: Raw = Vec::with_capacity(raw.len());
    let mut i = 0;
    while i < raw.len() {
        let (c, p, _) = raw[i];
        if c == '`' {
            let run = raw[i..].iter().take_while(|x| x.0 == '`').count();
            if let Some(end) = closing_backticks(&raw, i + run, run) {
                v.push((PLACEHOLDER, p, true));
                i = end + run;
            } else {
                v.extend_from_slice(&raw[i..i + run]);
                i += run;
            }
            continue;
        }
        if c == '\\' && raw.get(i + 1).is_some_and(|n| n.0.is_ascii_punctuation()) {
            v.push((raw[i + 1].0, raw[i + 1].1, true));
            i += 2;
            continue;
        }
        v.push((c, p, false));
        i += 1;
    }
    // 2. Link targets, footnote references, autolinks and bare URLs; emphasis marks.
    let mut keep = vec![true; v.len()];
    let mut mask = vec![false; v.len()];
    for j in 0..v.len() {
        let lit = v[j].2;
        if lit || !keep[j] {
            continue;
        }
        match v[j].0 {
            ']' if v.get(j + 1).is_some_and(|n| n.0 == '(' && !n.2) => {
                if let (Some(close), Some(open)) = (matching(&v, j + 1, '(', ')'), opening_bracket(&v, j)) {
                    keep[open] = false;
                    if open > 0 && v[open - 1].0 == '!' {
                        keep[open - 1] = false;
                    }
                    keep[j] = false;
                    mask[j + 1] = true;
                    for k in &mut keep[j + 2..=close] {
                        *k = false;
                    }
                }
            }
            '[' if v.get(j + 1).is_some_and(|n| n.0 == '^') => {
                if let Some(close) = (j..v.len()).find(|&k| v[k].0 == ']') {
                    mask[j] = true;
                    for k in &mut keep[j + 1..=close] {
                        *k = false;
                    }
                }
            }
            '<' => {
                if let Some(close) = autolink_end(&v, j) {
                    mask[j] = true;
                    for k in &mut keep[j + 1..=close] {
                        *k = false;
                    }
                }
            }
            'h' | 'w' if url_at(&v, j) => {
                let end = (j..v.len())
                    .find(|&k| v[k].0.is_whitespace() || !v[k].0.is_ascii())
                    .unwrap_or(v.len());
                mask[j] = true;
                for k in &mut keep[j + 1..end] {
                    *k = false;
                }
            }
            '*' => keep[j] = false,
            '~' if v.get(j + 1).is_some_and(|n| n.0 == '~') || (j > 0 && v[j - 1].0 == '~') => keep[j] = false,
            _ => {}
        }
    }
    let mut t = Text::default();
    for (k, (c, p, _)) in v.into_iter().enumerate() {
        if mask[k] {
            t.chars.push(PLACEHOLDER);
            t.pos.push(p);
        } else if keep[k] {
            t.chars.push(c);
            t.pos.push(p);
        }
    }
    t
}

fn closing_backticks(v: &Raw, from: usize, run: usize) -> Option<usize> {
    let mut k = from;
    while k < v.len() {
        if v[k].0 == '`' {
            let n = v[k..].iter().take_while(|x| x.0 == '`').count();
            if n == run {
                return Some(k);
            }
            k += n;
        } else {
            k += 1;
        }
    }
    None
}

/// The index of the `close` matching the `open` at `at`.
fn matching(v: &Raw, at: usize, open: char, close: char) -> Option<usize> {
    let mut depth = 0;
    for (k, x) in v.iter().enumerate().skip(at) {
        if x.2 {
            continue;
        }
        if x.0 == open {
            depth += 1;
        } else if x.0 == close {
            depth -= 1;
            if depth == 0 {
                return Some(k);
            }
        }
    }
    None
}

/// The `[` that opens the link text closed at `at`.
fn opening_bracket(v: &Raw, at: usize) -> Option<usize> {
    let mut depth = 0;
    for k in (0..at).rev() {
        if v[k].2 {
            continue;
        }
        match v[k].0 {
            ']' => depth += 1,
            '[' if depth == 0 => return Some(k),
            '[' => depth -= 1,
            _ => {}
        }
    }
    None
}

fn autolink_end(v: &Raw, at: usize) -> Option<usize> {
    let mut k = at + 1;
    let mut colon_or_at = false;
    while k < v.len() {
        match v[k].0 {
            '>' => return (colon_or_at && k > at + 2).then_some(k),
            ':' | '@' => colon_or_at = true,
            c if c.is_whitespace() || c == '<' || !c.is_ascii() => return None,
            _ => {}
        }
        k += 1;
    }
    None
}

fn url_at(v: &Raw, at: usize) -> bool {
    let s: String = v[at..(at + 8).min(v.len())].iter().map(|x| x.0).collect();
    (s.starts_with("http://") || s.starts_with("https://") || s.starts_with("www."))
        && (at == 0 || !v[at - 1].0.is_ascii_alphanumeric())
}
