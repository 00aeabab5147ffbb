//! The plain text of a rendered body, split at headings: the shape that comparisons,
//! the search index and the proof-reader work on. Each block keeps the anchor it was
//! given, so a match or a change can link straight to its paragraph.

use comrak::nodes::{AstNode, NodeValue};
use serde::{Deserialize, Serialize};

/// One block of text: a paragraph, a list item, a table row, a code block.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct TextBlock {
    /// The block's own anchor (paragraphs and statement items), if it has one.
    pub id: Option<String>,
    pub text: String,
}

/// The text under one heading, up to the next heading of any level.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct TextSection {
    /// The heading's id; `None` for text before the first heading.
    pub id: Option<String>,
    pub title: String,
    /// Heading level; 0 for text before the first heading.
    pub level: u8,
    pub blocks: Vec<TextBlock>,
}

impl TextSection {
    /// All blocks' text, one block per line.
    pub fn text(&self) -> String {
        self.blocks
            .iter()
            .map(|b| b.text.as_str())
            .collect::<Vec<_>>()
            .join("\n")
    }
}

fn id_of(node: &AstNode<'_>) -> Option<String> {
    node.data().attrs.as_ref().and_then(|a| a.id.clone())
}

/// Text of a node with soft and hard line breaks removed: Chinese prose wrapped in
/// the source must not gain characters that were not in the text.
fn flat_text<'a>(node: &'a AstNode<'a>) -> String {
    let mut out = String::new();
    for d in node.descendants() {
        match &d.data().value {
            NodeValue::Text(t) => out.push_str(t),
            NodeValue::Code(c) => out.push_str(&c.literal),
            NodeValue::CodeBlock(c) => out.push_str(&c.literal),
            NodeValue::SoftBreak | NodeValue::LineBreak => {
                let prev_ascii = out.chars().last().is_some_and(|c| c.is_ascii_alphanumeric());
                if prev_ascii {
                    out.push(' ');
                }
            }
            _ => {}
        }
    }
    out.trim().to_string()
}

/// Splits the document's blocks into sections at each heading.
pub fn sections<'a>(root: &'a AstNode<'a>) -> Vec<TextSection> {
    let mut out = vec![TextSection {
        id: None,
        title: String::new(),
        level: 0,
        blocks: Vec::new(),
    }];
    for node in root.children() {
        collect(node, &mut out);
    }
    if out.first().is_some_and(|s| s.blocks.is_empty() && s.level == 0) {
        out.remove(0);
    }
    out
}

fn collect<'a>(node: &'a AstNode<'a>, out: &mut Vec<TextSection>) {
    // Containers are walked with an explicit stack, not recursion: quotes may nest
    // thousands deep (tests/hostile.rs).
    let mut stack = vec![node];
    while let Some(node) = stack.pop() {
        collect_one(node, out, &mut stack);
    }
}

fn collect_one<'a>(node: &'a AstNode<'a>, out: &mut Vec<TextSection>, stack: &mut Vec<&'a AstNode<'a>>) {
    let value = node.data().value.clone();
    match value {
        NodeValue::Heading(h) => out.push(TextSection {
            id: id_of(node),
            title: flat_text(node),
            level: h.level,
            blocks: Vec::new(),
        }),
        NodeValue::List(_) => {
            for item in node.children() {
                push(out, id_of(item), flat_text(item));
            }
        }
        NodeValue::Table(_) => {
            for row in node.children() {
                let cells: Vec<String> = row.children().map(flat_text).collect();
                push(out, None, cells.join(" "));
            }
        }
        NodeValue::BlockDirective(_)
        | NodeValue::BlockQuote
        | NodeValue::MultilineBlockQuote(_)
        | NodeValue::Alert(_) => {
            let first = stack.len();
            stack.extend(node.children());
            stack[first..].reverse();
        }
        NodeValue::FootnoteDefinition(_) | NodeValue::ThematicBreak | NodeValue::HtmlBlock(_) => {}
        _ => push(out, id_of(node), flat_text(node)),
    }
}

fn push(out: &mut [TextSection], id: Option<String>, text: String) {
    if text.is_empty() {
        return;
    }
    if let Some(last) = out.last_mut() {
        last.blocks.push(TextBlock { id, text });
    }
}
