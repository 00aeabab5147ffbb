//! Build keys: the digests that say whether a file must be made again.
//!
//! Every page or index file a build writes gets a key made from everything it is made
//! from ([`super::cache`] says how they are used). What one document's key covers, and
//! what every file's covers, is decided here.

use rayon::prelude::*;
use sha2::{Digest, Sha256};

use super::{BuildOptions, LoadedSite};

/// A file's input digest (hex, 128 bits: collisions are not a concern at this size).
pub type Key = String;

fn key_of(parts: &[&[u8]]) -> Key {
    let mut h = KeyHasher::default();
    for p in parts {
        h.put(p);
    }
    h.finish()
}

/// A key being made from parts, each prefixed with its length so that no two lists of
/// parts hash the same bytes.
#[derive(Default)]
pub(super) struct KeyHasher(Sha256);

impl KeyHasher {
    /// Starts with what every file of a build depends on: gongshi's version, the program
    /// itself by size and time (a gongshi built from changed code but not yet given a
    /// new version number must not reuse what the old one made), and the options.
    pub fn for_build(opts: &BuildOptions) -> KeyHasher {
        let mut h = KeyHasher::default();
        h.put(env!("CARGO_PKG_VERSION").as_bytes());
        if let Some(meta) = std::env::current_exe().ok().and_then(|exe| std::fs::metadata(exe).ok()) {
            h.put(&meta.len().to_le_bytes());
            let modified = meta
                .modified()
                .ok()
                .and_then(|m| m.duration_since(std::time::UNIX_EPOCH).ok());
            h.put(&modified.unwrap_or_default().as_nanos().to_le_bytes());
        }
        h.put(&[u8::from(opts.drafts), u8::from(opts.live_reload)]);
        h
    }

    pub fn put(&mut self, bytes: &[u8]) {
        self.0.update((bytes.len() as u64).to_le_bytes());
        self.0.update(bytes);
    }

    pub fn finish(self) -> Key {
        crate::hex::hex(&self.0.finalize()[..16])
    }
}

/// The digests keys are made of, computed once per build.
pub struct Keys {
    /// gongshi's version, build options, config, theme, and every document's front
    /// matter and section file.
    site: Key,
    /// Each document's source digest, indexed like `ContentTree::documents`.
    pub(super) docs: Vec<String>,
    /// Each document's key ([`Keys::document`]), made once: every page, fragment and
    /// findings memo of a document asks for it.
    doc_keys: Vec<Key>,
}

impl Keys {
    pub fn new(site: &LoadedSite, opts: &BuildOptions) -> Keys {
        let mut h = KeyHasher::for_build(opts);
        let mut put = |bytes: &[u8]| h.put(bytes);
        put(&serde_json::to_vec(&site.config).expect("config serialises"));
        site.theme.digest_into(&mut put);
        let tree = &site.tree;
        for d in tree
            .documents
            .iter()
            .map(|d| &**d)
            .chain(tree.versions.iter().map(|v| &v.doc))
        {
            put(d.file.to_string_lossy().as_bytes());
            // The front matter: what comes before the body.
            put(&d.front_matter_digest);
        }
        for v in &tree.versions {
            put(v.doc.digest.as_bytes());
        }
        for s in tree.sections.values() {
            put(s.key.as_bytes());
            put(s.source.as_bytes());
        }
        for (path, rel) in &tree.assets {
            put(path.to_string_lossy().as_bytes());
            put(rel.as_bytes());
        }
        let site_key = h.finish();
        let docs: Vec<String> = tree.documents.iter().map(|d| d.digest.clone()).collect();
        let doc_keys = docs
            .par_iter()
            .map(|digest| key_of(&[site_key.as_bytes(), digest.as_bytes()]))
            .collect();
        Keys {
            site: site_key,
            docs,
            doc_keys,
        }
    }

    /// Pages made from the site's metadata only (sections, pickers, trends).
    pub fn site(&self) -> Key {
        self.site.clone()
    }

    /// [`Keys::site`], borrowed.
    pub fn site_ref(&self) -> &Key {
        &self.site
    }

    /// The site key and the documents' digests, for the next build to compare with.
    pub fn into_parts(self) -> (Key, Vec<String>) {
        (self.site, self.docs)
    }

    /// A document's page (and anything else made from that one document).
    pub fn document(&self, i: usize) -> Key {
        self.doc_keys[i].clone()
    }

    /// [`Keys::document`], borrowed.
    pub fn document_ref(&self, i: usize) -> &Key {
        &self.doc_keys[i]
    }

    /// Something made from two documents (a comparison).
    pub fn pair(&self, i: usize, j: usize) -> Key {
        key_of(&[self.site.as_bytes(), self.docs[i].as_bytes(), self.docs[j].as_bytes()])
    }

    /// Something made from every document (the search index).
    pub fn all(&self) -> Key {
        let mut parts: Vec<&[u8]> = vec![self.site.as_bytes()];
        parts.extend(self.docs.iter().map(|d| d.as_bytes()));
        key_of(&parts)
    }
}
