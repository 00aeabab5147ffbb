//! Step 1 of the pipeline: load the content tree.
//!
//! `content/` is walked once; folders become [`Section`]s, `.md` files become
//! [`Document`]s validated for their kind, and every other file is an asset copied as
//! is (scanned PDFs, images). All problems are collected, not just the first.

pub mod dates;
pub mod document;
pub mod front_matter;
pub mod kind;
mod load;
pub mod memo;
pub mod metrics;
mod retake;
pub mod versions;
mod walk;

pub use document::Document;
pub use kind::Kind;
pub use load::{CONTENT_DIR, ContentTree, Section, load, load_reusing};
pub use memo::LoadMemo;
pub use walk::is_ignored_name;
