//! Step 5 of the pipeline: writing the site.
//!
//! Everything is written into a staging directory beside the target and published
//! only when the whole build succeeded, so a failed build never leaves a half-written
//! site behind.

pub mod assets;
pub mod marks;
pub mod minify;
pub mod recycle;
mod update;
pub mod writer;

pub use writer::{Reused, Sink, StagingDir};
