//! gongshi (公示): a static site generator for the transparency portals of Chinese
//! national product-quality inspection centres.
//!
//! The modules follow the pipeline:
//! [`content`] (load) -> [`markdown`] (render Markdown) -> [`derive`] (listings, feeds,
//! redirects) -> [`theme`] (render templates) -> [`output`] (write), sequenced by
//! [`build`]. [`serve`] and [`scaffold`] are the other commands' engines.

pub mod build;
pub mod compare;
pub mod config;
pub mod content;
pub mod derive;
pub mod diagnostics;
pub mod markdown;
pub mod output;
pub mod record;
pub mod scaffold;
pub mod serve;
pub mod theme;
pub mod yaml;
