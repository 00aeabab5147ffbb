//! A section diff as HTML.
//!
//! Changes are `<ins>` and `<del>` (semantic; the stylesheet adds hidden labels for
//! screen readers and styles that survive black-and-white printing), one
//! `<div class="diff-para">` per paragraph with a `¶` link to the paragraph in the
//! original, and long stretches fold behind `<details>`: runs of unchanged or of
//! removed paragraphs, and long unchanged spans inside a changed paragraph.

use std::fmt::Write as _;

use super::blocks::{BlockDiff, ParaDiff, class};
use super::diff::{Op, Piece};
use crate::markdown::highlight::escape;

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

fn para_chars(p: &ParaDiff) -> usize {
    p.diff.chars_a.max(p.diff.chars_b)
}

fn take_chars(s: &str, n: usize) -> &str {
    s.char_indices().nth(n).map_or(s, |(i, _)| &s[..i])
}

fn skip_chars(s: &str, n: usize) -> &str {
    s.char_indices().nth(n).map_or("", |(i, _)| &s[i..])
}

/// Text as minify-html leaves it: escaped, each run of white space one space (which is
/// how a browser shows it anyway).
fn html_text(text: &str) -> String {
    let escaped = escape(text);
    let mut out = String::with_capacity(escaped.len());
    let mut in_space = false;
    for c in escaped.chars() {
        if matches!(c, ' ' | '\t' | '\n' | '\r' | '\x0c') {
            if !in_space {
                out.push(' ');
            }
            in_space = true;
        } else {
            out.push(c);
            in_space = false;
        }
    }
    out
}

/// An (escaped) attribute value as minify-html writes it, bare when nothing in it needs
/// quotes. This HTML skips the minifier (see `minify::html_with_fragments`), so it is
/// written the way the minifier would leave it: attributes in alphabetical order, values
/// unquoted where HTML allows.
fn attr_value(escaped: &str) -> String {
    let bare = !escaped.is_empty() && !escaped.contains([' ', '\t', '\n', '\r', '\x0c', '"', '\'', '`', '=', '<', '>']);
    if bare {
        escaped.to_string()
    } else {
        format!("\"{escaped}\"")
    }
}

fn render_para(out: &mut String, para: &ParaDiff, links: &ParaLinks, fold: Folding) {
    let class = class(para);
    let _ = write!(out, "<div class=\"diff-para {class}\">");
    if para.moved {
        let _ = write!(
            out,
            "<span class=moved-note>（段落位置调整：{}第 {} 段）</span>",
            html_text(links.name_a),
            para.a.map_or(0, |i| i + 1)
        );
    }
    let last = para.diff.pieces.len().saturating_sub(1);
    for (k, Piece { op, text }) in para.diff.pieces.iter().enumerate() {
        match op {
            Op::Delete => {
                let _ = write!(out, "<del>{}</del>", html_text(text));
            }
            Op::Insert => {
                let _ = write!(out, "<ins>{}</ins>", html_text(text));
            }
            Op::Equal => {
                let n = text.chars().count();
                if class != "changed" || n <= fold.span_chars {
                    out.push_str(&html_text(text));
                    continue;
                }
                let head = if k == 0 { 0 } else { fold.context };
                let tail = if k == last { 0 } else { fold.context };
                let middle = n - head - tail;
                out.push_str(&html_text(take_chars(text, head)));
                let rest = skip_chars(text, head);
                let _ = write!(
                    out,
                    "<details class=diff-fold><summary>……未改动的 {middle} 字……</summary><span>{}</span></details>",
                    html_text(take_chars(rest, middle))
                );
                out.push_str(&html_text(skip_chars(rest, middle)));
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
            "<a aria-label={} class=para-src href={}>¶</a>",
            attr_value(&format!("{}原文此段", escape(name))),
            attr_value(&format!("{}#{}", escape(page), escape(id)))
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
                "<details class={class}><summary>{what} {} 段（{} 字），点击展开</summary>",
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::compare::blocks::diff_blocks;

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
    fn unchanged_runs_fold_behind_details() {
        let same = "这一段没有任何改动，内容完全相同。";
        let d = blocks(&[same, same, same, "旧的结尾。"], &[same, same, same, "新的结尾。"]);
        let html = render_html(&d, &ParaLinks::default(), Folding::default());
        assert!(
            html.starts_with("<details class=diff-same><summary>未改动的 3 段"),
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
            html.starts_with("<details class=diff-removed><summary>删除的 2 段"),
            "{html}"
        );
    }

    #[test]
    fn long_unchanged_spans_fold_inside_a_paragraph() {
        let long = "检验检测".repeat(100);
        let d = blocks(&[&format!("旧{long}尾")], &[&format!("新{long}尾")]);
        let html = render_html(&d, &ParaLinks::default(), Folding::default());
        assert!(html.contains("<details class=diff-fold><summary>……未改动的 "), "{html}");
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
        assert!(html.contains("href=/r/2018/#q1>"), "{html}");
        assert!(html.contains("href=/r/2017/#p2>"), "{html}");
    }
}
