//! Each document's plain text, for the derived steps (comparisons, search).
//!
//! A document rendered in this build leaves its text here as a by-product. One whose
//! page was reused from the previous build (see [`super::cache`]) has none until a
//! derived step asks for it: then its Markdown is rendered again, once, for the text
//! alone. An unchanged site asks for none.
//!
//! Texts are kept [`Packed`] on the site's [`Shelf`] and unpacked each time a step asks:
//! every document's text is held from the documents step to the end of the search
//! index, some 650 MB as strings at 13,000 reports.

use std::sync::{Arc, OnceLock};

use serde::{Deserialize, Serialize};

use crate::markdown::text::TextSection;
use crate::packed::Packed;
use crate::shelf::Shelf;

/// What the derived steps (comparisons, search) need from each rendered document, kept
/// after its page is written; indexed like `ContentTree::documents`.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct DocText {
    pub sections: Vec<TextSection>,
}

/// A [`DocText`], serialised (bincode) and [`Packed`].
#[derive(Debug, Clone)]
pub struct PackedText(Packed);

impl DocText {
    /// Packed, and moved on to `shelf` if there is one.
    pub fn pack(&self, shelf: Option<&Arc<Shelf>>) -> PackedText {
        let packed = Packed::new(&bincode::serialize(self).expect("a DocText serialises"));
        PackedText(match shelf {
            Some(shelf) => packed.shelve(shelf),
            None => packed,
        })
    }
}

impl PackedText {
    pub fn unpack(&self) -> DocText {
        // Only ever made by `DocText::pack` in this process.
        bincode::deserialize(&self.0.unpack()).expect("a packed text deserialises")
    }

    /// Bytes held.
    pub fn size(&self) -> usize {
        self.0.size()
    }
}

/// Every document's text, filled on demand; usable from many threads.
pub struct DocTexts<'a> {
    cells: Vec<OnceLock<PackedText>>,
    render: Box<dyn Fn(usize) -> DocText + Sync + 'a>,
    shelf: Option<&'a Arc<Shelf>>,
}

impl<'a> DocTexts<'a> {
    /// `known[i]` is the text of document `i` if this build rendered it; `render` makes
    /// the others when asked, and they are kept on `shelf`.
    pub fn new(
        known: Vec<Option<PackedText>>,
        shelf: Option<&'a Arc<Shelf>>,
        render: impl Fn(usize) -> DocText + Sync + 'a,
    ) -> DocTexts<'a> {
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
            shelf,
        }
    }

    /// Document `i`'s text, unpacked (or rendered, the first time, if this build did not
    /// render its page).
    pub fn get(&self, i: usize) -> DocText {
        self.cells[i].get_or_init(|| (self.render)(i).pack(self.shelf)).unpack()
    }

    pub fn len(&self) -> usize {
        self.cells.len()
    }

    pub fn is_empty(&self) -> bool {
        self.cells.is_empty()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::markdown::text::TextBlock;

    fn text(n: usize) -> DocText {
        DocText {
            sections: vec![
                TextSection {
                    id: None,
                    title: String::new(),
                    level: 0,
                    blocks: vec![TextBlock {
                        id: Some("p-0-1".into()),
                        text: "本报告是中心发布的第一份社会责任报告。".repeat(n),
                    }],
                },
                TextSection {
                    id: Some("一公正".into()),
                    title: "一、“公正”的承诺".into(),
                    level: 2,
                    blocks: vec![
                        TextBlock {
                            id: None,
                            text: format!("检验检测报告{n}份，同比增长8.8%"),
                        },
                        TextBlock {
                            id: Some("p-1-2".into()),
                            text: String::new(),
                        },
                    ],
                },
            ],
        }
    }

    #[test]
    fn packed_texts_unpack_to_what_was_packed_and_take_less_room() {
        let shelf = Arc::new(Shelf::new().unwrap());
        for n in [0, 1, 40] {
            let t = text(n);
            let packed = t.pack(None);
            assert_eq!(packed.unpack(), t);
            if n == 40 {
                let plain: usize = t.sections.iter().flat_map(|s| &s.blocks).map(|b| b.text.len()).sum();
                assert!(packed.size() < plain / 4, "{} bytes packed of {plain}", packed.size());
            }
            let shelved = t.pack(Some(&shelf));
            assert_eq!(shelved.unpack(), t);
            assert_eq!(shelved.size(), 0, "nothing is held in memory once shelved");
        }
        assert!(shelf.size() > 0);
    }

    #[test]
    fn texts_not_rendered_by_the_build_are_rendered_once_when_asked() {
        let rendered = std::sync::atomic::AtomicUsize::new(0);
        let shelf = Arc::new(Shelf::new().unwrap());
        let texts = DocTexts::new(vec![Some(text(1).pack(None)), None], Some(&shelf), |i| {
            rendered.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
            text(i + 10)
        });
        assert_eq!(texts.get(0), text(1));
        assert_eq!(rendered.load(std::sync::atomic::Ordering::Relaxed), 0);
        assert_eq!(texts.get(1), text(11));
        assert_eq!(texts.get(1), text(11));
        assert_eq!(rendered.load(std::sync::atomic::Ordering::Relaxed), 1);
        assert!(shelf.size() > 0, "the text rendered on demand is kept on the shelf");
    }
}
