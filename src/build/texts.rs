//! Each document's plain text, for the derived steps (comparisons, search).
//!
//! A document rendered in this build leaves its text here as a by-product. One whose
//! page was reused from the previous build (see [`super::cache`]) has none until a
//! derived step asks for it: then its Markdown is rendered again, once, for the text
//! alone. An unchanged site asks for none.

use std::sync::OnceLock;

use crate::markdown::text::TextSection;

/// What the derived steps (comparisons, search, proof-reading) need from each rendered
/// document, kept after its page is written; indexed like `ContentTree::documents`.
#[derive(Debug, Clone)]
pub struct DocText {
    pub sections: Vec<TextSection>,
    /// Every id the page's body defines.
    pub anchors: Vec<String>,
}

/// Every document's text, filled on demand; usable from many threads.
pub struct DocTexts<'a> {
    cells: Vec<OnceLock<DocText>>,
    render: Box<dyn Fn(usize) -> DocText + Sync + 'a>,
}

impl<'a> DocTexts<'a> {
    /// `known[i]` is the text of document `i` if this build rendered it; `render` makes
    /// the others when asked.
    pub fn new(known: Vec<Option<DocText>>, render: impl Fn(usize) -> DocText + Sync + 'a) -> DocTexts<'a> {
        let cells = known
            .into_iter()
            .map(|t| {
                let cell = OnceLock::new();
                if let Some(t) = t {
                    let _ = cell.set(t);
                }
                cell
            })
            .collect();
        DocTexts {
            cells,
            render: Box::new(render),
        }
    }

    pub fn get(&self, i: usize) -> &DocText {
        self.cells[i].get_or_init(|| (self.render)(i))
    }

    pub fn len(&self) -> usize {
        self.cells.len()
    }

    pub fn is_empty(&self) -> bool {
        self.cells.is_empty()
    }
}
