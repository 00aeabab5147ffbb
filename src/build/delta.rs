//! `serve`'s rebuild after an edit of documents' text only: what must be made again is
//! known from the keys, and every other file of the previous build is carried over in
//! one pass.
//!
//! A file's key is made from the site key (config, theme, every document's front
//! matter and path, every section file) and the digests of the documents it is made
//! from ([`super::keys`]). When the site key is the one the previous build had, the
//! site lists the same documents and the same sections with the same metadata, so it
//! has the same pages, comparisons and fixed files; the only keys that differ are
//! those of the documents whose digest changed (their pages, the comparisons they are
//! in, their search fragments) and those made from every document (the search index
//! and `data/documents.json`). Everything else would be reused, file by file: after an
//! edit at 13,000 reports that was 17,000 documents, 40,000 comparisons and 3,000
//! sections and years planned, keyed and looked up, for 132,000 files of which 113
//! change. A [`Delta`] says which documents changed; the rebuild makes only what
//! they feed, and [`super::BuildCache::carry_rest`] carries the rest by the previous
//! manifest's places, without a key or a lookup per file.
//!
//! Only a previous build held in memory by `serve` is used so (its folder is known to
//! hold its files, [`super::cache`]); `build` reads its previous build from disk and
//! checks each file it reuses.

use std::sync::Arc;

use crate::compare::Output as Comparisons;

/// A rebuild of the previous build's site with only some documents' text changed.
pub struct Delta {
    /// The changed documents' indexes (into `ContentTree::documents`), ascending, and
    /// their digests in the previous build.
    was: Vec<(usize, String)>,
    /// The previous build's comparisons: the same pages, URLs and stated-change warnings
    /// (made from front matter), of which only those of changed documents are made again.
    pub comparisons: Arc<Comparisons>,
}

impl Delta {
    /// From each document's digest in the previous build (`was`) and in this one
    /// (`now`), indexed alike.
    pub fn new(was: &[String], now: &[String], comparisons: Arc<Comparisons>) -> Delta {
        let was = was
            .iter()
            .zip(now)
            .enumerate()
            .filter(|(_, (a, b))| a != b)
            .map(|(i, (a, _))| (i, a.clone()))
            .collect();
        Delta { was, comparisons }
    }

    /// The changed documents' indexes, ascending.
    pub fn changed_documents(&self) -> Vec<usize> {
        self.was.iter().map(|(i, _)| *i).collect()
    }

    /// The changed documents' indexes, ascending, with their previous digests.
    pub fn previous_digests(&self) -> &[(usize, String)] {
        &self.was
    }
}
