//! gongshi (公示): a static site generator for the transparency portals of Chinese
//! national product-quality inspection centres.
//!
//! The modules follow the pipeline:
//! [`content`] (load) -> [`markdown`] (render Markdown) -> [`derive`] (listings, feeds,
//! redirects) -> [`theme`] (render templates) -> [`output`] (write), sequenced by
//! [`build`]. [`serve`] and [`scaffold`] are the other commands' engines. [`lint`]
//! proof-reads the documents' text; its findings are warnings of `build` and `check`.

pub mod build;
pub mod compare;
pub mod config;
pub mod content;
pub mod derive;
pub mod diagnostics;
pub mod hex;
pub mod lint;
pub mod markdown;
pub mod output;
pub mod packed;
pub mod paths;
pub mod record;
pub mod scaffold;
pub mod search;
pub mod serve;
pub mod shelf;
pub mod theme;
pub mod yaml;
