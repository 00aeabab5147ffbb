//! A series' texts, unpacked and keyed once for all of its comparisons.
//!
//! A report is in up to three comparisons (with the years before and after it, and
//! with the newest), the newest in every one of its series'. Each comparison used to
//! unpack both texts and key every paragraph again ([`ParaKey`]); here each document of
//! the series is prepared once, when a comparison first needs it, and dropped with the
//! series. One series at a time per thread is prepared, so memory stays bounded by a
//! few series, not by the site.

use std::sync::OnceLock;

use super::blocks::ParaKey;
use crate::build::{DocText, DocTexts};
use crate::markdown::text::TextSection;

/// One document's text with what comparing it needs: each section's text on one
/// string (for section alignment) and, made when a report comparison first asks
/// (statements are compared item by item, without them), each paragraph's key.
#[derive(Debug)]
pub struct PreparedText {
    text: DocText,
    /// `TextSection::text` of each section.
    section_texts: Vec<String>,
    /// Per section, per paragraph.
    keys: OnceLock<Vec<Vec<ParaKey>>>,
}

/// What comparing needs of one text, borrowed from a [`PreparedText`] or made for a
/// single comparison ([`Keyed`]).
#[derive(Clone, Copy)]
pub struct TextView<'a> {
    pub sections: &'a [TextSection],
    pub section_texts: &'a [String],
    pub keys: &'a [Vec<ParaKey>],
}

/// Section texts and paragraph keys made for sections borrowed from elsewhere.
pub struct Keyed {
    section_texts: Vec<String>,
    keys: Vec<Vec<ParaKey>>,
}

fn section_texts(sections: &[TextSection]) -> Vec<String> {
    sections.iter().map(TextSection::text).collect()
}

fn para_keys(sections: &[TextSection]) -> Vec<Vec<ParaKey>> {
    sections
        .iter()
        .map(|s| s.blocks.iter().map(|b| ParaKey::new(&b.text)).collect())
        .collect()
}

impl Keyed {
    pub fn new(sections: &[TextSection]) -> Keyed {
        Keyed {
            section_texts: section_texts(sections),
            keys: para_keys(sections),
        }
    }

    pub fn view<'a>(&'a self, sections: &'a [TextSection]) -> TextView<'a> {
        TextView {
            sections,
            section_texts: &self.section_texts,
            keys: &self.keys,
        }
    }
}

impl PreparedText {
    pub fn new(text: DocText) -> PreparedText {
        PreparedText {
            section_texts: section_texts(&text.sections),
            text,
            keys: OnceLock::new(),
        }
    }

    pub fn sections(&self) -> &[TextSection] {
        &self.text.sections
    }

    pub fn section_texts(&self) -> &[String] {
        &self.section_texts
    }

    /// The text with its paragraphs' keys, for comparing reports.
    pub fn view(&self) -> TextView<'_> {
        TextView {
            sections: &self.text.sections,
            section_texts: &self.section_texts,
            keys: self.keys.get_or_init(|| para_keys(&self.text.sections)),
        }
    }
}

/// The documents of one series (`docs`: indexes into the site's documents), each
/// prepared on first use.
pub struct SeriesTexts<'a> {
    docs: &'a [usize],
    texts: &'a DocTexts<'a>,
    cells: Vec<OnceLock<PreparedText>>,
}

impl<'a> SeriesTexts<'a> {
    pub fn new(docs: &'a [usize], texts: &'a DocTexts<'a>) -> SeriesTexts<'a> {
        SeriesTexts {
            docs,
            texts,
            cells: docs.iter().map(|_| OnceLock::new()).collect(),
        }
    }

    /// The text of the series' `k`-th document.
    pub fn get(&self, k: usize) -> &PreparedText {
        self.cells[k].get_or_init(|| PreparedText::new(self.texts.get(self.docs[k])))
    }
}
