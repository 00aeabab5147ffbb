//! The Markdown source of a document, cut into the blocks a proof-reader reads.
//!
//! comrak gives the block structure (headings, paragraphs, list items, quotes,
//! `:::excerpt`, code, tables) with source lines; the text of each block is then read
//! from the *source lines themselves*, not from comrak's inline nodes, so that every
//! character keeps its exact file line and column (1-based, in characters) for the
//! warning. Inline syntax that is not prose is taken out on the way: code spans and
//! link targets become a placeholder (so `的` `x` `的` never reads as 的的), emphasis
//! markers and escaping backslashes disappear (`4\.` reads `4.`): see `inline.rs`.
//! Code blocks are never read.

use comrak::nodes::{AstNode, NodeValue};
use comrak::{Arena, Options, parse_document};

use super::inline::{Raw, inline};
use crate::content::Document;

/// Stands for text that is not prose (inline code, a link target, a URL).
pub const PLACEHOLDER: char = '\u{FFFC}';

/// A place in the file: 1-based line and 1-based column in characters.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub struct Pos {
    pub line: usize,
    pub col: usize,
}

/// Prose with the file position of every character.
#[derive(Debug, Clone, Default)]
pub struct Text {
    pub chars: Vec<char>,
    pub pos: Vec<Pos>,
}

impl Text {
    pub fn len(&self) -> usize {
        self.chars.len()
    }

    pub fn is_empty(&self) -> bool {
        self.chars.is_empty()
    }

    /// Characters `from..to` as a string.
    pub fn slice(&self, from: usize, to: usize) -> String {
        self.chars[from.min(self.len())..to.min(self.len())].iter().collect()
    }

    /// Whether character `i` is the first of its source line (a wrapped line of a
    /// paragraph starts a new line in the file, not in the rendered page).
    pub fn at_line_start(&self, i: usize) -> bool {
        i == 0 || self.pos[i - 1].line < self.pos[i].line
    }

    /// The nearest character before `i` that is not a space.
    pub fn prev_non_space(&self, i: usize) -> Option<(usize, char)> {
        (0..i)
            .rev()
            .map(|j| (j, self.chars[j]))
            .find(|(_, c)| !c.is_whitespace())
    }

    /// The nearest character from `i` on that is not a space.
    pub fn next_non_space(&self, i: usize) -> Option<(usize, char)> {
        (i..self.len())
            .map(|j| (j, self.chars[j]))
            .find(|(_, c)| !c.is_whitespace())
    }

    /// For each character, whether it stands inside Chinese quotation marks (“…”,
    /// 「…」, ‘…’ or straight "…"): quoted words are someone else's, their numbering
    /// is not the document's own.
    pub fn quoted(&self) -> Vec<bool> {
        let mut depth = 0usize;
        let mut straight = false;
        self.chars
            .iter()
            .map(|&c| match c {
                '“' | '「' | '『' | '‘' => {
                    depth += 1;
                    false
                }
                '”' | '」' | '』' | '’' => {
                    depth = depth.saturating_sub(1);
                    false
                }
                '"' => {
                    straight = !straight;
                    false
                }
                _ => depth > 0 || straight,
            })
            .collect()
    }
}

/// What a block is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum BlockKind {
    Heading(u8),
    /// A paragraph, also inside a list item, a quote or a footnote.
    Paragraph,
    /// A row of a table (read for punctuation only).
    TableRow,
    /// Code, HTML: content that is not prose. Only counts as "something is here".
    Other,
}

/// One block of the body, in document order.
#[derive(Debug, Clone)]
pub struct Block {
    pub kind: BlockKind,
    pub text: Text,
    /// The file line of the `:::excerpt` that holds it.
    pub excerpt: Option<usize>,
    /// Inside a block quote.
    pub quote: bool,
    /// Inside a list item.
    pub item: bool,
    /// First file line of the block.
    pub line: usize,
}

impl Block {
    pub fn is_prose(&self) -> bool {
        matches!(self.kind, BlockKind::Paragraph)
    }
}

/// A document's body, cut into blocks.
pub struct Scanned<'a> {
    pub doc: &'a Document,
    /// The document's whole source, unpacked once for every rule.
    pub source: String,
    pub blocks: Vec<Block>,
}

fn options() -> Options<'static> {
    let mut o = Options::default();
    o.extension.strikethrough = true;
    o.extension.table = true;
    o.extension.footnotes = true;
    o.extension.header_attributes = true;
    o.extension.block_directive = true;
    o
}

/// Cuts `doc.body` into blocks with file positions.
pub fn scan(doc: &Document) -> Scanned<'_> {
    let arena = Arena::new();
    let source = doc.source();
    let body = &source[doc.body_start..];
    let root = parse_document(&arena, body, &options());
    let lines: Vec<&str> = body.lines().collect();
    let mut blocks = Vec::new();
    for node in root.descendants() {
        let value = node.data().value.clone();
        let sp = node.data().sourcepos;
        let kind = match value {
            NodeValue::Heading(h) => BlockKind::Heading(h.level),
            NodeValue::Paragraph => BlockKind::Paragraph,
            NodeValue::TableRow(_) => BlockKind::TableRow,
            NodeValue::CodeBlock(_) | NodeValue::HtmlBlock(_) => BlockKind::Other,
            _ => continue,
        };
        if kind == BlockKind::Paragraph && in_table(node) {
            continue;
        }
        let (excerpt, quote, item) = containers(node, doc.body_line);
        let first = sp.start.line.max(1);
        let last = sp.end.line.max(first).min(lines.len().max(1));
        let text = match kind {
            BlockKind::Other => Text::default(),
            BlockKind::Heading(_) => heading_text(&lines, first, last, sp.start.column, doc.body_line),
            _ => block_text(&lines, first, last, sp.start.column, quote, doc.body_line),
        };
        blocks.push(Block {
            kind,
            text,
            excerpt,
            quote,
            item,
            line: first + doc.body_line - 1,
        });
    }
    Scanned { doc, source, blocks }
}

fn in_table<'a>(node: &'a AstNode<'a>) -> bool {
    node.ancestors().any(|a| matches!(a.data().value, NodeValue::TableCell))
}

/// (line of the enclosing `:::excerpt`, inside a quote, inside a list item).
fn containers<'a>(node: &'a AstNode<'a>, body_line: usize) -> (Option<usize>, bool, bool) {
    let mut excerpt = None;
    let (mut quote, mut item) = (false, false);
    for a in node.ancestors().skip(1) {
        match &a.data().value {
            NodeValue::BlockDirective(d) if d.info.trim() == "excerpt" => {
                excerpt.get_or_insert(a.data().sourcepos.start.line + body_line - 1);
            }
            NodeValue::BlockQuote | NodeValue::MultilineBlockQuote(_) => quote = true,
            NodeValue::Item(_) | NodeValue::TaskItem(_) => item = true,
            _ => {}
        }
    }
    (excerpt, quote, item)
}

/// Byte offset `col` (1-based, from comrak) into `line`, kept on a char boundary.
fn from_byte(line: &str, col: usize) -> usize {
    let mut b = col.saturating_sub(1).min(line.len());
    while !line.is_char_boundary(b) {
        b -= 1;
    }
    b
}

/// Removes what contains a continuation line: indentation and quote markers.
fn strip_container(line: &str, quote: bool) -> usize {
    let mut rest = line;
    loop {
        let t = rest.trim_start();
        match t.strip_prefix('>') {
            Some(after) if quote => rest = after,
            _ => {
                rest = t;
                break;
            }
        }
    }
    line.len() - rest.len()
}

/// Pushes `line[from..]` (trailing spaces and hard-break backslashes dropped) with
/// positions; `lit` marks characters that escaping made literal.
fn push_line(raw: &mut Raw, line: &str, from: usize, file_line: usize) {
    let start_col = line[..from].chars().count() + 1;
    let text = line[from..].trim_end();
    let text = text.strip_suffix('\\').map_or(text, str::trim_end);
    // Between two lines of one paragraph: nothing between Chinese characters (the
    // page joins them), a space otherwise.
    if let (Some(&(prev, ppos, _)), Some(next)) = (raw.last(), text.chars().next())
        && (prev.is_ascii() || next.is_ascii())
    {
        let pos = Pos {
            line: ppos.line,
            col: ppos.col + 1,
        };
        raw.push((' ', pos, false));
    }
    for (k, c) in text.chars().enumerate() {
        raw.push((
            c,
            Pos {
                line: file_line,
                col: start_col + k,
            },
            false,
        ));
    }
}

fn block_text(lines: &[&str], first: usize, last: usize, col: usize, quote: bool, body_line: usize) -> Text {
    let mut raw: Raw = Vec::new();
    for l in first..=last {
        let Some(line) = lines.get(l - 1) else { break };
        let from = if l == first {
            from_byte(line, col)
        } else {
            strip_container(line, quote)
        };
        push_line(&mut raw, line, from, l + body_line - 1);
    }
    inline(raw)
}

/// An ATX heading's text without `#`s, closing `#`s and `{#id}`; a setext heading's
/// lines without the underline.
fn heading_text(lines: &[&str], first: usize, last: usize, col: usize, body_line: usize) -> Text {
    let mut raw: Raw = Vec::new();
    let Some(line) = lines.get(first - 1) else {
        return Text::default();
    };
    let from = from_byte(line, col);
    if line[from..].starts_with('#') {
        let after = line[from..].trim_start_matches('#');
        let mut text = after.trim_end();
        if text.ends_with('}')
            && let Some(open) = text.rfind('{')
        {
            text = text[..open].trim_end();
        }
        let closing = text.trim_end_matches('#');
        if closing.len() < text.len() && (closing.is_empty() || closing.ends_with(' ')) {
            text = closing.trim_end();
        }
        let lead = after.len() - after.trim_start().len();
        let start = line.len() - after.len() + lead;
        let end = (start + text.len().saturating_sub(lead)).max(start);
        push_line(
            &mut raw,
            &line[..end.min(line.len())],
            start.min(line.len()),
            first + body_line - 1,
        );
    } else {
        for l in first..last.max(first + 1) {
            let Some(line) = lines.get(l - 1) else { break };
            let from = if l == first { from } else { strip_container(line, false) };
            push_line(&mut raw, line, from, l + body_line - 1);
        }
    }
    inline(raw)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn doc(body: &str) -> Document {
        crate::lint::testing::doc("title: t\nyear: 2018", body)
    }

    fn texts(body: &str) -> Vec<(BlockKind, String, Pos)> {
        let d = doc(body);
        scan(&d)
            .blocks
            .into_iter()
            .map(|b| {
                (
                    b.kind,
                    b.text.chars.iter().collect(),
                    b.text.pos.first().copied().unwrap_or(Pos { line: b.line, col: 0 }),
                )
            })
            .collect()
    }

    #[test]
    fn positions_are_file_lines_and_char_columns() {
        let t = texts(
            "## 一、前言 {#intro}\n\n中文`代码`的，\n续行[链接](/x/)。\n\n> 引用：\n> 第二行\n\n```\n代码块\n```\n",
        );
        assert_eq!(t[0].0, BlockKind::Heading(2));
        assert_eq!(t[0].1, "一、前言");
        assert_eq!(t[0].2, Pos { line: 5, col: 4 });
        assert_eq!(t[1].1, format!("中文{PLACEHOLDER}的，续行链接{PLACEHOLDER}。"));
        assert_eq!(t[1].2, Pos { line: 7, col: 1 });
        assert_eq!(t[2].1, "引用：第二行");
        assert_eq!(t[2].2, Pos { line: 10, col: 3 });
        assert_eq!(t[3].0, BlockKind::Other);
    }

    #[test]
    fn escapes_emphasis_and_excerpts() {
        let d = doc("4\\. **爱护**客户。\n\n:::excerpt\n节选...\n:::\n\n- 1、条目\n");
        let s = scan(&d);
        let b: Vec<String> = s.blocks.iter().map(|b| b.text.chars.iter().collect()).collect();
        assert_eq!(b[0], "4. 爱护客户。");
        assert_eq!(s.blocks[0].text.pos[3], Pos { line: 5, col: 7 });
        assert_eq!(s.blocks[1].excerpt, Some(7));
        assert!(s.blocks[2].item);
        assert_eq!(b[2], "1、条目");
    }
}
