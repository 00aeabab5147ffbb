//! Earlier versions of a corrected document. A report corrected after publication
//! keeps its URL; the text it replaced is kept beside it as `2018.v1.md` (v2, v3… for
//! later corrections) and published at `/reports/2018/v1/`.

use std::sync::Arc;

use super::Document;
use crate::diagnostics::{Diagnostic, Diagnostics};

/// One superseded text of a document.
#[derive(Debug, Clone)]
pub struct DocVersion {
    /// Index of the current document in `ContentTree::documents`.
    pub current: usize,
    /// 1 is the text as first published.
    pub number: u32,
    pub doc: Document,
}

/// `2018.v1` -> (`2018`, 1).
pub fn split_version(stem: &str) -> Option<(&str, u32)> {
    let (base, v) = stem.rsplit_once(".v")?;
    let n: u32 = v.parse().ok().filter(|&n| n > 0)?;
    (!base.is_empty() && v.chars().all(|c| c.is_ascii_digit())).then_some((base, n))
}

/// Ties each version file to its current document and checks that every correction
/// listed in `revisions` has the text it replaced, and no version is left over.
/// `documents` are sorted by URL path.
pub fn attach(
    documents: &[Arc<Document>],
    versions: Vec<(String, u32, Arc<Document>)>,
    diags: &mut Diagnostics,
) -> Vec<DocVersion> {
    let mut out = Vec::new();
    for (base_url, number, doc) in versions {
        let found = documents.binary_search_by(|d| d.url_path.as_str().cmp(base_url.as_str()));
        let Ok(current) = found else {
            diags.push(
                Diagnostic::error(
                    &doc.file,
                    format!("this is version {number} of a document that does not exist (/{base_url})"),
                )
                .with_help("a file NAME.vN.md keeps an earlier text of NAME.md; rename it or add NAME.md"),
            );
            continue;
        };
        let revisions = documents[current].revisions.len() as u32;
        if number > revisions {
            diags.push(
                Diagnostic::error(
                    &doc.file,
                    format!(
                        "version {number} is kept, but {} lists {revisions} correction(s) in `revisions`",
                        documents[current].file.display()
                    ),
                )
                .with_help("add the correction to `revisions: [{date, note}]` of the current text"),
            );
            continue;
        }
        out.push(DocVersion {
            current,
            number,
            doc: Arc::unwrap_or_clone(doc),
        });
    }
    for (i, d) in documents.iter().enumerate() {
        for n in 1..=d.revisions.len() as u32 {
            if !out.iter().any(|v| v.current == i && v.number == n) {
                let stem = d
                    .file
                    .file_stem()
                    .map(|s| s.to_string_lossy().into_owned())
                    .unwrap_or_default();
                diags.push(Diagnostic::error(&d.file, format!("correction {n} is listed in `revisions`, but the text it replaced is missing"))
                    .with_help(format!("keep the text as published before that correction in {stem}.v{n}.md beside this file, so its URL stays reachable")));
            }
        }
    }
    out.sort_by(|a, b| (a.current, a.number).cmp(&(b.current, b.number)));
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn version_names() {
        assert_eq!(split_version("2018.v1"), Some(("2018", 1)));
        assert_eq!(split_version("2018.v12"), Some(("2018", 12)));
        assert_eq!(split_version("2018"), None);
        assert_eq!(split_version("2018.v0"), None);
        assert_eq!(split_version("2018.vx"), None);
        assert_eq!(split_version(".v1"), None);
    }
}
