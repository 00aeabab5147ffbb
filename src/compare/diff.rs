//! The word-level diff of two texts.
//!
//! The texts are tokenized ([`super::tokens`]: whole numbers, Latin and Chinese
//! words) and diffed with the `similar` crate. Raw token diffs of Chinese prose are
//! choppy: a rewritten sentence keeps matching on stray `的` and `，`, leaving confetti
//! of one-character "unchanged" islands. A semantic clean-up (as in diff-match-patch)
//! folds every unchanged stretch that is no longer than the changes on both sides of
//! it into those changes. Paragraphs are paired before this ([`super::blocks`]) and
//! rendered after it ([`super::html`]); statement items use [`render_inline`].

use std::collections::HashMap;
use std::fmt::Write as _;

use similar::{Algorithm, DiffOp, capture_diff_slices};

use super::tokens::{Token, TokenKind, tokenize};
use crate::markdown::highlight::escape;

/// What a piece of the diff does.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Op {
    Equal,
    Delete,
    Insert,
}

/// A run of text with one operation.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Piece {
    pub op: Op,
    pub text: String,
}

/// The diff of two texts, in reading order (a deletion before the insertion that
/// replaces it), with character counts.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct TextDiff {
    pub pieces: Vec<Piece>,
    /// Characters (not bytes) on each side, paragraph breaks excluded.
    pub chars_a: usize,
    pub chars_b: usize,
    pub deleted: usize,
    pub inserted: usize,
}

impl TextDiff {
    pub fn is_unchanged(&self) -> bool {
        self.deleted == 0 && self.inserted == 0
    }

    /// Changed characters over all characters of both sides, 0..=1.
    pub fn changed_share(&self) -> f64 {
        let total = self.chars_a + self.chars_b;
        if total == 0 {
            0.0
        } else {
            (self.deleted + self.inserted) as f64 / total as f64
        }
    }
}

/// One stretch of the token diff before it becomes text.
enum Seg<'a> {
    Equal(Vec<Token<'a>>),
    Change { del: Vec<Token<'a>>, ins: Vec<Token<'a>> },
}

fn chars(tokens: &[Token]) -> usize {
    tokens
        .iter()
        .filter(|t| t.kind != TokenKind::Break)
        .map(Token::chars)
        .sum()
}

fn change_len(seg: &Seg) -> usize {
    match seg {
        Seg::Change { del, ins } => chars(del).max(chars(ins)),
        Seg::Equal(_) => 0,
    }
}

/// Folds short unchanged islands between two changes into them (never across a
/// paragraph break), until nothing more folds.
fn clean_up(segs: &mut Vec<Seg>) {
    loop {
        let mut merged = false;
        let mut k = 1;
        while k + 1 < segs.len() {
            let fold = match (&segs[k - 1], &segs[k], &segs[k + 1]) {
                (Seg::Change { .. }, Seg::Equal(eq), Seg::Change { .. }) => {
                    let len = chars(eq);
                    !eq.iter().any(|t| t.kind == TokenKind::Break)
                        && len <= change_len(&segs[k - 1])
                        && len <= change_len(&segs[k + 1])
                }
                _ => false,
            };
            if fold {
                let right = segs.remove(k + 1);
                let Seg::Equal(eq) = segs.remove(k) else { unreachable!() };
                let (Seg::Change { del, ins }, Seg::Change { del: d2, ins: i2 }) = (&mut segs[k - 1], right) else {
                    unreachable!()
                };
                del.extend(eq.iter().copied());
                del.extend(d2);
                ins.extend(eq);
                ins.extend(i2);
                merged = true;
            } else {
                k += 1;
            }
        }
        if !merged {
            break;
        }
    }
}

fn join(tokens: &[Token]) -> String {
    tokens.iter().map(|t| t.text).collect()
}

/// Each token of `a` and `b` as a number, equal numbers for equal tokens.
///
/// Why: the diff compares tokens over and over (Myers' inner loop was a tenth of a
/// build's time, much of it comparing strings); numbers compare in one instruction.
fn numbered<'t>(a: &[Token<'t>], b: &[Token<'t>]) -> (Vec<u32>, Vec<u32>) {
    let mut ids: HashMap<Token<'t>, u32> = HashMap::with_capacity(a.len() + b.len());
    let mut number = |t: &Token<'t>| {
        let next = ids.len() as u32;
        *ids.entry(*t).or_insert(next)
    };
    let na = a.iter().map(&mut number).collect();
    let nb = b.iter().map(&mut number).collect();
    (na, nb)
}

/// Diffs `a` and `b` word by word.
pub fn diff_texts(a: &str, b: &str) -> TextDiff {
    diff_tokens(&tokenize(a), &tokenize(b))
}

/// Diffs two texts given as their tokens ([`tokenize`]).
pub fn diff_tokens(ta: &[Token], tb: &[Token]) -> TextDiff {
    let (na, nb) = numbered(ta, tb);
    let ops = capture_diff_slices(Algorithm::Myers, &na, &nb);
    let mut segs: Vec<Seg> = Vec::new();
    for op in ops {
        let (del, ins): (&[Token], &[Token]) = match op {
            DiffOp::Equal { old_index, len, .. } => {
                segs.push(Seg::Equal(ta[old_index..old_index + len].to_vec()));
                continue;
            }
            DiffOp::Delete { old_index, old_len, .. } => (&ta[old_index..old_index + old_len], &[]),
            DiffOp::Insert { new_index, new_len, .. } => (&[], &tb[new_index..new_index + new_len]),
            DiffOp::Replace {
                old_index,
                old_len,
                new_index,
                new_len,
            } => (&ta[old_index..old_index + old_len], &tb[new_index..new_index + new_len]),
        };
        match segs.last_mut() {
            Some(Seg::Change { del: d, ins: i }) => {
                d.extend_from_slice(del);
                i.extend_from_slice(ins);
            }
            _ => segs.push(Seg::Change {
                del: del.to_vec(),
                ins: ins.to_vec(),
            }),
        }
    }
    clean_up(&mut segs);

    let mut out = TextDiff {
        chars_a: chars(ta),
        chars_b: chars(tb),
        ..TextDiff::default()
    };
    let mut push = |op: Op, text: String| {
        if text.is_empty() {
            return;
        }
        match out.pieces.last_mut() {
            Some(p) if p.op == op => p.text.push_str(&text),
            _ => out.pieces.push(Piece { op, text }),
        }
    };
    for seg in &segs {
        match seg {
            Seg::Equal(eq) => push(Op::Equal, join(eq)),
            Seg::Change { del, ins } => {
                push(Op::Delete, join(del));
                push(Op::Insert, join(ins));
            }
        }
    }
    for seg in &segs {
        if let Seg::Change { del, ins } = seg {
            out.deleted += chars(del);
            out.inserted += chars(ins);
        }
    }
    out
}

/// The diff as inline HTML, for short texts such as a statement's items: no
/// paragraphs, nothing folded.
pub fn render_inline(diff: &TextDiff) -> String {
    let mut out = String::new();
    for p in &diff.pieces {
        let text = escape(&p.text.replace('\n', " "));
        let _ = match p.op {
            Op::Equal => write!(out, "{text}"),
            Op::Delete => write!(out, "<del>{text}</del>"),
            Op::Insert => write!(out, "<ins>{text}</ins>"),
        };
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ops(d: &TextDiff) -> Vec<(Op, &str)> {
        d.pieces.iter().map(|p| (p.op, p.text.as_str())).collect()
    }

    #[test]
    fn a_changed_number_is_one_change() {
        let d = diff_texts("共接收12345台件。", "共接收13579台件。");
        assert_eq!(
            ops(&d),
            [
                (Op::Equal, "共接收"),
                (Op::Delete, "12345"),
                (Op::Insert, "13579"),
                (Op::Equal, "台件。")
            ]
        );
        assert_eq!((d.deleted, d.inserted), (5, 5));
    }

    #[test]
    fn identical_texts_are_unchanged() {
        let d = diff_texts("本中心严格执行。\n第二段。", "本中心严格执行。\n第二段。");
        assert!(d.is_unchanged());
        assert_eq!(d.changed_share(), 0.0);
    }

    #[test]
    fn short_islands_fold_into_changes() {
        // Without the clean-up the shared `的` would split the change in two.
        let d = diff_texts("提高服务的能力", "强化管理的水平");
        assert_eq!(
            ops(&d),
            [(Op::Delete, "提高服务的能力"), (Op::Insert, "强化管理的水平")]
        );
    }
}
