//! The theme's static files, minified and published under content-hashed names
//! (`style.3f2a1b9c.css`) so they can be cached forever.

use std::collections::BTreeMap;

use sha2::{Digest, Sha256};

use super::minify;
use crate::theme::StaticFile;

/// A static file ready to write.
pub struct HashedAsset {
    /// Output path (`style.3f2a1b9c.css`).
    pub out_path: String,
    pub bytes: Vec<u8>,
}

/// Minifies, hashes and names the theme's files. `extra_css` (the highlighting
/// stylesheet) is appended to `style.css` so pages need one stylesheet request.
/// Returns the files and the map from logical name to URL for templates (`assets`).
pub fn hash_assets(
    files: &[StaticFile],
    extra_css: &str,
    base_path: &str,
) -> (Vec<HashedAsset>, BTreeMap<String, String>) {
    let mut out = Vec::new();
    let mut urls = BTreeMap::new();
    for f in files {
        let bytes = if f.rel == "style.css" {
            let mut b = f.bytes.clone();
            b.extend_from_slice(b"\n");
            b.extend_from_slice(extra_css.as_bytes());
            minify::css(&b)
        } else if f.rel.ends_with(".css") {
            minify::css(&f.bytes)
        } else if f.rel.ends_with(".js") {
            minify::js(&f.bytes)
        } else {
            f.bytes.clone()
        };
        let digest = Sha256::digest(&bytes);
        let short = crate::hex::hex(&digest[..4]);
        let out_path = match f.rel.rsplit_once('.') {
            Some((stem, ext)) if !stem.is_empty() && !stem.ends_with('/') => {
                format!("{stem}.{short}.{ext}")
            }
            _ => format!("{}.{short}", f.rel),
        };
        urls.insert(f.rel.clone(), format!("{base_path}{out_path}"));
        out.push(HashedAsset { out_path, bytes });
    }
    (out, urls)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_carry_content_hash() {
        let files = vec![
            StaticFile {
                rel: "style.css".into(),
                bytes: b"a { color: red }".to_vec(),
            },
            StaticFile {
                rel: "img/logo.png".into(),
                bytes: vec![1, 2, 3],
            },
        ];
        let (out, urls) = hash_assets(&files, ".hl-x{color:blue}", "/csr/");
        assert!(out[0].out_path.starts_with("style.") && out[0].out_path.ends_with(".css"));
        assert!(String::from_utf8_lossy(&out[0].bytes).contains(".hl-x"));
        assert!(urls["img/logo.png"].starts_with("/csr/img/logo."));
        let (again, _) = hash_assets(&files, ".hl-x{color:blue}", "/csr/");
        assert_eq!(out[0].out_path, again[0].out_path);
    }
}
