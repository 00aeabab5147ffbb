//! Step 2 of the pipeline: Markdown to HTML, with ids for citation.
//!
//! comrak parses (CommonMark + GFM tables, footnotes, strikethrough, heading
//! attributes, `:::excerpt` blocks and CJK-friendly emphasis). Before rendering we walk
//! the tree once to give every heading a stable id and, in documents, every body
//! paragraph an anchor (`er-she-hui-ze-ren-p2`), so an official notice can cite
//! "第二部分 第2段". A custom comrak formatter writes those ids out.

pub mod highlight;
pub mod slug;
pub mod text;

use std::fmt::Write as _;
use std::sync::Arc;

use comrak::nodes::{AstNode, ListType, NodeValue};
use comrak::options::{Plugins, URLRewriter};
use comrak::{Arena, Options, create_formatter, html::format_node_default, parse_document};
use serde::Serialize;

use self::highlight::{ClassedHighlighter, escape};
use self::slug::{IdAllocator, slugify};

/// One entry of a table of contents, with its subheadings.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct TocEntry {
    pub level: u8,
    pub id: String,
    pub title: String,
    pub children: Vec<TocEntry>,
}

/// A heading in document order, flat.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct Heading {
    pub level: u8,
    pub id: String,
    pub title: String,
}

/// A statement's numbered item: its anchor, HTML and plain text.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct Item {
    pub id: String,
    pub html: String,
    pub text: String,
}

/// The result of rendering one body.
#[derive(Debug, Clone, Default, Serialize)]
pub struct Rendered {
    pub html: String,
    pub toc: Vec<TocEntry>,
    pub headings: Vec<Heading>,
    /// Every id the body defines (headings, paragraphs, items, footnotes excluded).
    pub anchors: Vec<String>,
    /// Items of the first top-level ordered list (a statement's promises).
    pub items: Vec<Item>,
    /// The plain text, by section: what comparisons, search and proof-reading read.
    pub sections: Vec<text::TextSection>,
    /// Explicit heading ids used twice, or taken by the theme: errors for the caller.
    pub id_conflicts: Vec<IdConflict>,
    /// Set (to the 1-based body line) when the body nests deeper than [`MAX_NESTING`]:
    /// nothing else is rendered, and the caller reports an error.
    pub too_deep: Option<usize>,
}

/// How deep blocks and inlines may nest (quotes in lists in quotes…). Real documents
/// stay far below; deeper input would exhaust the stack of the HTML minifier.
pub const MAX_NESTING: usize = 100;

/// The line of the first node nested deeper than [`MAX_NESTING`], walking without
/// recursion.
fn too_deep<'a>(root: &'a AstNode<'a>) -> Option<usize> {
    let mut depth = 0usize;
    for edge in root.traverse() {
        match edge {
            comrak::arena_tree::NodeEdge::Start(n) => {
                depth += 1;
                if depth > MAX_NESTING {
                    return Some(n.data().sourcepos.start.line.max(1));
                }
            }
            comrak::arena_tree::NodeEdge::End(_) => depth -= 1,
        }
    }
    None
}

/// An explicit `{#id}` that is already in use on the page.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct IdConflict {
    pub id: String,
    /// 1-based line within the Markdown body.
    pub line: usize,
}

/// How to render a body.
#[derive(Debug, Clone)]
pub struct RenderOptions {
    /// Give top-level paragraphs citable anchors (reports and statements).
    pub paragraph_anchors: bool,
    /// Give the first top-level ordered list's items ids (`item-1`…).
    pub item_anchors: bool,
    /// The site's base path (`/csr/`): root-relative links get it prepended.
    pub base_path: String,
    /// Render raw HTML (`markdown.allow_html`), then sanitize the whole body with
    /// [`sanitize`]; otherwise raw HTML is escaped and shown as text.
    pub allow_html: bool,
}

/// Rewrites links written for the site root so they respect a base_url with a path,
/// and resolves `@/reports/2018.md` internal links to their URL.
struct LinkRewriter {
    base_path: String,
}

impl URLRewriter for LinkRewriter {
    fn to_html(&self, url: &str) -> String {
        internal_url(&self.base_path, url)
    }
}

/// `@/reports/2018.md#x` -> `/base/reports/2018/#x`; `/x` -> `/base/x`; others as is.
pub fn internal_url(base_path: &str, url: &str) -> String {
    if let Some(rest) = url.strip_prefix("@/") {
        let (path, frag) = rest.split_once('#').map_or((rest, None), |(p, f)| (p, Some(f)));
        let path = path.trim_end_matches(".md");
        let path = path.trim_end_matches("_index").trim_end_matches('/');
        let mut out = format!("{base_path}{path}");
        if !path.is_empty() {
            out.push('/');
        }
        if let Some(f) = frag {
            out.push('#');
            out.push_str(f);
        }
        out
    } else if url.starts_with('/') && !url.starts_with("//") {
        format!("{}{}", base_path.trim_end_matches('/'), url)
    } else {
        url.to_string()
    }
}

fn comrak_options(base_path: &str, allow_html: bool) -> Options<'static> {
    let mut o = Options::default();
    o.extension.strikethrough = true;
    o.extension.table = true;
    o.extension.footnotes = true;
    o.extension.autolink = true;
    o.extension.header_attributes = true;
    o.extension.cjk_friendly_emphasis = true;
    o.extension.block_directive = true;
    o.extension.link_url_rewriter = Some(Arc::new(LinkRewriter {
        base_path: base_path.to_string(),
    }));
    o.extension.image_url_rewriter = Some(Arc::new(LinkRewriter {
        base_path: base_path.to_string(),
    }));
    // Never "smart" punctuation: it would turn Chinese text's straight quotes Latin.
    o.parse.smart = false;
    // Raw HTML in Markdown is shown as text, not trusted, unless the site allows it:
    // then it is rendered and the body is sanitized afterwards.
    o.render.escape = !allow_html;
    o.render.r#unsafe = allow_html;
    o
}

/// Sanitizes a rendered body when raw HTML is allowed: keeps what our own renderer
/// writes (ids, classes, aria labels, links, highlighting spans, footnotes, excerpt
/// blocks, details, tables) and drops scripts, event handlers, `style` attributes and
/// `javascript:` (or any non-web) URLs.
pub fn sanitize(html: &str) -> String {
    use std::collections::HashSet;
    let mut b = ammonia::Builder::default();
    b.add_tags([
        "details",
        "summary",
        "section",
        "figure",
        "figcaption",
        "mark",
        "ins",
        "del",
    ])
    .add_generic_attributes(["id", "class", "aria-label", "aria-hidden", "role", "lang", "title"])
    .add_tag_attributes(
        "a",
        [
            "data-footnote-ref",
            "data-footnote-backref",
            "data-footnote-backref-idx",
        ],
    )
    .add_tag_attributes("section", ["data-footnotes"])
    .add_tag_attributes("td", ["align"])
    .add_tag_attributes("th", ["align"])
    .add_tag_attributes("ol", ["start"])
    .add_tag_attributes("details", ["open"])
    .url_schemes(HashSet::from(["http", "https", "mailto", "tel"]))
    .link_rel(None)
    .strip_comments(true);
    // Every class is kept (allowed_classes stays empty): they only select our stylesheet.
    b.clean(html).to_string()
}

create_formatter!(CitableHtml, {
    NodeValue::Heading(ref nh) => |context, node, entering| {
        let id = node_id(node).unwrap_or_default();
        if entering {
            context.cr()?;
            write!(context, "<h{} id=\"{}\">", nh.level, escape(&id))?;
        } else {
            write!(context, "<a class=\"anchor\" href=\"#{0}\" aria-label=\"本节链接\">§</a></h{1}>", escape(&id), nh.level)?;
            context.lf()?;
        }
    },
    NodeValue::Paragraph => |context, node, entering| {
        let id = node_id(node);
        match id {
            None => return format_node_default(context, node, entering),
            Some(id) => {
                if entering {
                    context.cr()?;
                    write!(context, "<p id=\"{}\">", escape(&id))?;
                } else {
                    write!(context, "<a class=\"para-link\" href=\"#{0}\" aria-label=\"本段链接\">¶</a></p>", escape(&id))?;
                    context.lf()?;
                }
            }
        }
    },
    NodeValue::Item(_) => |context, node, entering| {
        let id = node_id(node);
        match id {
            None => return format_node_default(context, node, entering),
            Some(id) => {
                if entering {
                    context.cr()?;
                    write!(context, "<li id=\"{}\">", escape(&id))?;
                } else {
                    context.write_str("</li>")?;
                    context.lf()?;
                }
            }
        }
    },
});

fn set_id(node: &AstNode<'_>, id: &str) {
    let mut data = node.data_mut();
    let attrs = data.attrs.get_or_insert_with(Default::default);
    attrs.id = Some(id.to_string());
}

/// The id in a node's attributes: the explicit `{#id}` before ids are assigned, the
/// assigned id after.
fn node_id(node: &AstNode<'_>) -> Option<String> {
    node.data().attrs.as_ref().and_then(|a| a.id.clone())
}

/// Renders one Markdown body.
pub fn render(markdown: &str, opts: &RenderOptions) -> Rendered {
    let options = comrak_options(&opts.base_path, opts.allow_html);
    let arena = Arena::new();
    let root = parse_document(&arena, markdown, &options);
    if let Some(line) = too_deep(root) {
        return Rendered {
            too_deep: Some(line),
            ..Rendered::default()
        };
    }

    let mut ids = IdAllocator::new();
    let mut headings = Vec::new();
    let mut anchors = Vec::new();

    // Explicit ids are reserved first, so a generated id never takes one. Two headings
    // with one explicit id (or one the theme uses) would make a link ambiguous.
    let mut id_conflicts = Vec::new();
    for node in root.descendants() {
        if matches!(node.data().value, NodeValue::Heading(_)) {
            if let Some(id) = node_id(node) {
                if !ids.take_exact(&id) {
                    id_conflicts.push(IdConflict {
                        id,
                        line: node.data().sourcepos.start.line,
                    });
                }
            }
        }
    }

    // Paragraph anchors are numbered within the current top-level section.
    let mut section_id: Option<String> = None;
    let mut para_in_section = 0usize;
    let mut first_list_done = false;
    for node in root.descendants() {
        let value = node.data().value.clone();
        match value {
            NodeValue::Heading(nh) => {
                let title = node.collect_text();
                let id = node_id(node).unwrap_or_else(|| ids.unique(&slugify(&title)));
                set_id(node, &id);
                if nh.level <= 2 {
                    section_id = Some(id.clone());
                    para_in_section = 0;
                }
                anchors.push(id.clone());
                headings.push(Heading {
                    level: nh.level,
                    id,
                    title: title.trim().to_string(),
                });
            }
            NodeValue::Paragraph if opts.paragraph_anchors && is_body_paragraph(node) => {
                para_in_section += 1;
                let base = match &section_id {
                    Some(s) => format!("{s}-p{para_in_section}"),
                    None => format!("p{para_in_section}"),
                };
                let id = ids.unique(&base);
                set_id(node, &id);
                anchors.push(id);
            }
            NodeValue::List(nl)
                if opts.item_anchors && !first_list_done && nl.list_type == ListType::Ordered && is_top_level(node) =>
            {
                first_list_done = true;
                for (i, item) in node.children().enumerate() {
                    let id = ids.unique(&format!("item-{}", i + 1));
                    set_id(item, &id);
                    anchors.push(id);
                }
            }
            _ => {}
        }
    }

    let plugins = {
        let mut p = Plugins::default();
        p.render.codefence_syntax_highlighter = Some(&ClassedHighlighter);
        p
    };
    let mut html = String::new();
    CitableHtml::format_document_with_plugins(root, &options, &mut html, &plugins)
        .expect("writing to a String cannot fail");
    // comrak labels footnote back-links in English only; the portal is Chinese.
    let html = if html.contains("aria-label=\"Back to reference ") {
        html.replace("aria-label=\"Back to reference ", "aria-label=\"返回正文引用处 ")
    } else {
        html
    };

    let html = if opts.allow_html { sanitize(&html) } else { html };

    let items = if opts.item_anchors {
        collect_items(root, &options, &plugins, opts.allow_html)
    } else {
        Vec::new()
    };
    let toc = build_toc(&headings);
    let sections = text::sections(root);
    Rendered {
        sections,
        id_conflicts,
        too_deep: None,
        html,
        toc,
        headings,
        anchors,
        items,
    }
}

/// Paragraphs directly in the document or in an excerpt block, not in lists, quotes,
/// tables or footnotes.
fn is_body_paragraph(node: &AstNode<'_>) -> bool {
    match node.parent().map(|p| p.data().value.clone()) {
        Some(NodeValue::Document) => true,
        Some(NodeValue::BlockDirective(_)) => node
            .parent()
            .and_then(|p| p.parent())
            .is_some_and(|g| matches!(g.data().value, NodeValue::Document)),
        _ => false,
    }
}

fn is_top_level(node: &AstNode<'_>) -> bool {
    node.parent()
        .is_some_and(|p| matches!(p.data().value, NodeValue::Document))
}

fn collect_items<'a>(root: &'a AstNode<'a>, options: &Options, plugins: &Plugins, allow_html: bool) -> Vec<Item> {
    let Some(list) = root
        .children()
        .find(|n| matches!(n.data().value, NodeValue::List(nl) if nl.list_type == ListType::Ordered))
    else {
        return Vec::new();
    };
    list.children()
        .map(|item| {
            let mut html = String::new();
            for child in item.children() {
                CitableHtml::format_document_with_plugins(child, options, &mut html, plugins).expect("String write");
            }
            let html = if allow_html { sanitize(&html) } else { html };
            Item {
                id: node_id(item).unwrap_or_default(),
                html: html.trim().to_string(),
                text: item.collect_text().trim().to_string(),
            }
        })
        .collect()
}

/// Nests headings: each level-2 entry holds the level-3+ headings after it.
fn build_toc(headings: &[Heading]) -> Vec<TocEntry> {
    let mut toc: Vec<TocEntry> = Vec::new();
    let top = headings.iter().map(|h| h.level).min().unwrap_or(2);
    for h in headings.iter().filter(|h| h.level <= top + 1) {
        let entry = TocEntry {
            level: h.level,
            id: h.id.clone(),
            title: h.title.clone(),
            children: Vec::new(),
        };
        match toc.last_mut() {
            Some(parent) if h.level > top => parent.children.push(entry),
            _ => toc.push(entry),
        }
    }
    toc
}

#[cfg(test)]
mod tests;
