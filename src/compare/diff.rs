//! The word-level diff of two texts and its HTML.
//!
//! A section is compared paragraph by paragraph: its paragraphs are first aligned in
//! order by similarity (so an inserted paragraph does not shift everything after it,
//! and two unrelated paragraphs are shown as one removed and one added rather than as
//! a word soup), then each pair is diffed over tokens ([`super::tokens`]) with the
//! `similar` crate. Raw token diffs of Chinese prose are choppy: a rewritten sentence
//! keeps matching on stray `的` and `，`, leaving confetti of one-character
//! "unchanged" islands. A semantic clean-up (as in diff-match-patch) folds every
//! unchanged stretch that is no longer than the changes on both sides of it into
//! those changes.
//!
//! The HTML marks changes with `<ins>` and `<del>` (semantic; the stylesheet adds
//! hidden labels for screen readers and styles that survive black-and-white
//! printing), one `<div class="diff-para">` per paragraph, and folds long unchanged
//! stretches behind `<details>`: runs of whole unchanged paragraphs, and long
//! unchanged spans inside a changed paragraph.

use std::fmt::Write as _;

use similar::{Algorithm, DiffOp, capture_diff_slices};

use super::similarity::Bigrams;
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

/// Diffs `a` and `b` word by word.
pub fn diff_texts(a: &str, b: &str) -> TextDiff {
    let ta = tokenize(a);
    let tb = tokenize(b);
    let ops = capture_diff_slices(Algorithm::Myers, &ta, &tb);
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
        chars_a: chars(&ta),
        chars_b: chars(&tb),
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

/// Two paragraphs are paired (and diffed word by word) at or above this similarity.
pub const PARA_THRESHOLD: f64 = 0.3;
/// A pair whose words changed more than this is shown as one paragraph removed and
/// another added: a word diff of two different paragraphs is only noise.
pub const MAX_PAIR_CHANGE: f64 = 0.75;

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

/// Aligns paragraphs keeping their order (the best total similarity, as in sequence
/// alignment), so that a rewritten paragraph is diffed against its counterpart and an
/// inserted one does not shift everything after it.
fn align_paragraphs(a: &[&str], b: &[&str]) -> Vec<(Option<usize>, Option<usize>)> {
    let (n, m) = (a.len(), b.len());
    let ga: Vec<Bigrams> = a.iter().map(|t| Bigrams::new(t)).collect();
    let gb: Vec<Bigrams> = b.iter().map(|t| Bigrams::new(t)).collect();
    let (na, nb): (Vec<String>, Vec<String>) =
        (a.iter().map(|t| norm(t)).collect(), b.iter().map(|t| norm(t)).collect());
    let sim = |i: usize, j: usize| -> Option<f64> {
        if na[i] == nb[j] {
            return Some(2.0);
        }
        let s = ga[i].dice(&gb[j]);
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
    let mut paras: Vec<ParaDiff> = Vec::new();
    for (x, y) in align_paragraphs(a, b) {
        match (x, y) {
            (Some(i), Some(j)) => {
                let d = diff_texts(a[i], b[j]);
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
    // A paragraph removed in one place and added unchanged in another has moved.
    let mut k = 0;
    while k < paras.len() {
        if let (None, Some(j)) = (paras[k].a, paras[k].b) {
            let found = paras
                .iter()
                .position(|p| p.b.is_none() && p.a.is_some_and(|i| norm(a[i]) == norm(b[j])));
            if let Some(r) = found {
                let i = paras[r].a;
                paras[k] = ParaDiff {
                    a: i,
                    b: Some(j),
                    moved: true,
                    diff: whole(Op::Equal, b[j]),
                };
                paras.remove(r);
                if r < k {
                    continue;
                }
            }
        }
        k += 1;
    }
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

/// Where a rendered paragraph comes from, to link it to the original documents.
#[derive(Debug, Clone, Default)]
pub struct ParaLinks<'a> {
    /// URL of each side's page (`/reports/2018/`).
    pub page_a: &'a str,
    pub page_b: &'a str,
    /// The anchor of each paragraph (block) of each side, in order, if it has one.
    pub ids_a: &'a [Option<String>],
    pub ids_b: &'a [Option<String>],
    /// Short names of the two sides for link labels (`2017年`).
    pub name_a: &'a str,
    pub name_b: &'a str,
}

/// How the HTML folds unchanged text.
#[derive(Debug, Clone, Copy)]
pub struct Folding {
    /// Unchanged paragraphs in a row are folded when they are at least this many, or
    /// hold more than `run_chars` characters.
    pub run_paragraphs: usize,
    pub run_chars: usize,
    /// Inside a changed paragraph, unchanged spans longer than this are cut down to
    /// `context` characters on each side of the fold.
    pub span_chars: usize,
    pub context: usize,
}

impl Default for Folding {
    fn default() -> Self {
        Folding {
            run_paragraphs: 2,
            run_chars: 160,
            span_chars: 220,
            context: 50,
        }
    }
}

fn class(p: &ParaDiff) -> &'static str {
    match (p.a, p.b) {
        (Some(_), None) => "removed",
        (None, Some(_)) => "added",
        _ if p.moved => "moved",
        _ if p.diff.is_unchanged() => "same",
        _ => "changed",
    }
}

fn para_chars(p: &ParaDiff) -> usize {
    p.diff.chars_a.max(p.diff.chars_b)
}

fn take_chars(s: &str, n: usize) -> &str {
    s.char_indices().nth(n).map_or(s, |(i, _)| &s[..i])
}

fn skip_chars(s: &str, n: usize) -> &str {
    s.char_indices().nth(n).map_or("", |(i, _)| &s[i..])
}

fn render_para(out: &mut String, para: &ParaDiff, links: &ParaLinks, fold: Folding) {
    let class = class(para);
    let _ = write!(out, "<div class=\"diff-para {class}\">");
    if para.moved {
        let _ = write!(
            out,
            "<span class=\"moved-note\">（段落位置调整：{}第 {} 段）</span>",
            escape(links.name_a),
            para.a.map_or(0, |i| i + 1)
        );
    }
    let last = para.diff.pieces.len().saturating_sub(1);
    for (k, Piece { op, text }) in para.diff.pieces.iter().enumerate() {
        match op {
            Op::Delete => {
                let _ = write!(out, "<del>{}</del>", escape(text));
            }
            Op::Insert => {
                let _ = write!(out, "<ins>{}</ins>", escape(text));
            }
            Op::Equal => {
                let n = text.chars().count();
                if class != "changed" || n <= fold.span_chars {
                    out.push_str(&escape(text));
                    continue;
                }
                let head = if k == 0 { 0 } else { fold.context };
                let tail = if k == last { 0 } else { fold.context };
                let middle = n - head - tail;
                out.push_str(&escape(take_chars(text, head)));
                let rest = skip_chars(text, head);
                let _ = write!(
                    out,
                    "<details class=\"diff-fold\"><summary>……未改动的 {middle} 字……</summary><span>{}</span></details>",
                    escape(take_chars(rest, middle))
                );
                out.push_str(&escape(skip_chars(rest, middle)));
            }
        }
    }
    // A link to the paragraph in the newer document, else in the older one.
    let (page, ids, index, name) = match (para.a, para.b) {
        (_, Some(j)) => (links.page_b, links.ids_b, j, links.name_b),
        (Some(i), None) => (links.page_a, links.ids_a, i, links.name_a),
        (None, None) => ("", links.ids_b, usize::MAX, ""),
    };
    if let Some(Some(id)) = ids.get(index) {
        let _ = write!(
            out,
            "<a class=\"para-src\" href=\"{}#{}\" aria-label=\"{}原文此段\">¶</a>",
            escape(page),
            escape(id),
            escape(name)
        );
    }
    out.push_str("</div>");
}

/// The diff as HTML: one `<div class="diff-para">` per paragraph, classed `same`,
/// `changed`, `added`, `removed` or `moved`, with long runs of unchanged or of removed
/// paragraphs folded behind `<details>` (removed text is in the older document; the
/// page leads with what the newer one says).
pub fn render_html(diff: &BlockDiff, links: &ParaLinks, fold: Folding) -> String {
    let paras = &diff.paras;
    let mut out = String::new();
    let mut k = 0;
    while k < paras.len() {
        // Unchanged and removed runs fold; changes, additions and moves stay open.
        if !matches!(class(&paras[k]), "same" | "removed") {
            render_para(&mut out, &paras[k], links, fold);
            k += 1;
            continue;
        }
        let kind = class(&paras[k]);
        let end = (k..paras.len())
            .find(|&j| class(&paras[j]) != kind)
            .unwrap_or(paras.len());
        let run = &paras[k..end];
        let run_chars: usize = run.iter().map(para_chars).sum();
        if run.len() >= fold.run_paragraphs || run_chars > fold.run_chars {
            let (class, what) = if kind == "same" {
                ("diff-same", "未改动的")
            } else {
                ("diff-removed", "删除的")
            };
            let _ = write!(
                out,
                "<details class=\"{class}\"><summary>{what} {} 段（{} 字），点击展开</summary>",
                run.len(),
                run_chars
            );
            for p in run {
                render_para(&mut out, p, links, fold);
            }
            out.push_str("</details>");
        } else {
            for p in run {
                render_para(&mut out, p, links, fold);
            }
        }
        k = end;
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

    fn blocks(a: &[&str], b: &[&str]) -> BlockDiff {
        diff_blocks(a, b)
    }

    #[test]
    fn html_marks_changes_and_escapes() {
        let d = blocks(&["a <b> 1"], &["a <b> 2"]);
        let html = render_html(&d, &ParaLinks::default(), Folding::default());
        assert!(html.contains("<del>1</del><ins>2</ins>"), "{html}");
        assert!(html.contains("a &lt;b&gt; "), "{html}");
        assert!(html.starts_with("<div class=\"diff-para changed\">"), "{html}");
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
        let html = render_html(&d, &ParaLinks::default(), Folding::default());
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

    #[test]
    fn unchanged_runs_fold_behind_details() {
        let same = "这一段没有任何改动，内容完全相同。";
        let d = blocks(&[same, same, same, "旧的结尾。"], &[same, same, same, "新的结尾。"]);
        let html = render_html(&d, &ParaLinks::default(), Folding::default());
        assert!(
            html.starts_with("<details class=\"diff-same\"><summary>未改动的 3 段"),
            "{html}"
        );
        assert_eq!(html.matches("<details").count(), 1);
        assert!(html.contains("<div class=\"diff-para changed\">"));
        let d = blocks(
            &["第一段被删除了，内容很长很长。", "第二段也被删除了。", "保留"],
            &["保留"],
        );
        let html = render_html(&d, &ParaLinks::default(), Folding::default());
        assert!(
            html.starts_with("<details class=\"diff-removed\"><summary>删除的 2 段"),
            "{html}"
        );
    }

    #[test]
    fn long_unchanged_spans_fold_inside_a_paragraph() {
        let long = "检验检测".repeat(100);
        let d = blocks(&[&format!("旧{long}尾")], &[&format!("新{long}尾")]);
        let html = render_html(&d, &ParaLinks::default(), Folding::default());
        assert!(
            html.contains("<details class=\"diff-fold\"><summary>……未改动的 "),
            "{html}"
        );
    }

    #[test]
    fn paragraphs_link_to_their_source() {
        let ids_a = vec![Some("p1".to_string()), Some("p2".to_string())];
        let ids_b = vec![Some("q1".to_string())];
        let links = ParaLinks {
            page_a: "/r/2017/",
            page_b: "/r/2018/",
            ids_a: &ids_a,
            ids_b: &ids_b,
            name_a: "2017年",
            name_b: "2018年",
        };
        let d = blocks(&["第一段的文字。", "被删除的段落，完全不同。"], &["第一段的文字改了。"]);
        let html = render_html(&d, &links, Folding::default());
        assert!(html.contains("href=\"/r/2018/#q1\""), "{html}");
        assert!(html.contains("href=\"/r/2017/#p2\""), "{html}");
    }
}
