//! Step 3 of the pipeline: what is derived from the whole content tree rather than
//! one file: listings and neighbours, feeds and site maps, redirects for aliases.

pub mod aliases;
pub mod feeds;
pub mod listings;
