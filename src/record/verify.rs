//! `gongshi verify DIR`: is this deployed copy exactly what was built?

use std::collections::BTreeMap;
use std::io;
use std::path::Path;

use walkdir::WalkDir;

use super::manifest::{MANIFEST_FILE, Manifest, sha256_hex};

/// What differs between a folder and its manifest. Empty lists: the copy is intact.
#[derive(Debug, Default, PartialEq, Eq)]
pub struct VerifyReport {
    /// Files whose bytes differ from the manifest.
    pub changed: Vec<String>,
    /// Files the manifest lists that are not there.
    pub missing: Vec<String>,
    /// Files that are there but not in the manifest.
    pub extra: Vec<String>,
    pub checked: usize,
}

impl VerifyReport {
    pub fn is_intact(&self) -> bool {
        self.changed.is_empty() && self.missing.is_empty() && self.extra.is_empty()
    }
}

pub fn verify(dir: &Path) -> io::Result<VerifyReport> {
    let manifest = Manifest::read(dir)?;
    let mut expected: BTreeMap<&str, &str> = manifest
        .files
        .iter()
        .map(|f| (f.path.as_str(), f.sha256.as_str()))
        .collect();
    let mut report = VerifyReport::default();
    for entry in WalkDir::new(dir).sort_by_file_name() {
        let entry = entry.map_err(io::Error::other)?;
        if !entry.file_type().is_file() {
            continue;
        }
        let rel = crate::paths::slash_relative(entry.path(), dir);
        if rel == MANIFEST_FILE {
            continue;
        }
        report.checked += 1;
        match expected.remove(rel.as_str()) {
            None => report.extra.push(rel),
            Some(sha) => {
                if sha256_hex(&std::fs::read(entry.path())?) != sha {
                    report.changed.push(rel);
                }
            }
        }
    }
    report.missing = expected.into_keys().map(str::to_string).collect();
    Ok(report)
}
