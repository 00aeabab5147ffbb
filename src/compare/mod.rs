//! Year-over-year comparisons: what changed between two versions of a report, an
//! impartiality statement or a set of commitments, in the words, in the figures and
//! in the promises. A derived step: it runs after every document is rendered, on the
//! plain text [`crate::build::DocText`] keeps of each.
//!
//! - [`series`]: which documents are compared and the URLs of their comparisons
//!   (cheap; page and section contexts use it for their links);
//! - [`align`] pairs sections (by id, heading, similarity), [`similarity`] scores them;
//! - [`blocks`] pairs a section's paragraphs, [`tokens`] splits text into numbers,
//!   Latin and Chinese words, [`diff`] diffs the tokens, [`html`] renders
//!   `<ins>`/`<del>` with folded unchanged runs;
//! - [`metrics`] compares figures and checks stated changes, [`chart`] draws SVG;
//! - [`statements`] compares statements item by item;
//! - [`comparison`] assembles one comparison page's context from the two texts
//!   [`prepared`] once per series, [`pages`] writes the pages, the picker and the
//!   trends page.

pub mod align;
pub mod blocks;
pub mod chart;
pub mod comparison;
pub mod diff;
pub mod format;
pub mod html;
pub mod metrics;
pub mod pages;
pub mod prepared;
pub mod series;
pub mod similarity;
pub mod statements;
pub mod tokens;

pub use pages::{Output, Writer};
pub use series::{link_page, section_links};

use crate::markdown::text::TextSection;

/// The text comparison of two reports on its own (alignment, word diffs and their
/// HTML), without figures or templates: what the benchmark measures. Returns the
/// HTML of all sections and the share of text changed.
pub fn compare_report_text(a: &[TextSection], b: &[TextSection]) -> (String, String) {
    comparison::report_text(a, b)
}
