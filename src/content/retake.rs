//! A load after `serve`'s watcher saw only documents' files written: the last load's
//! tree, with those documents parsed again in their places.
//!
//! Even with every unchanged document taken from the memo ([`super::memo`]), a load
//! after one edit at 13,000 reports still went through all of them: it partitioned and
//! looked up 17,000 paths, sorted the documents, checked their years and URLs, and
//! listed them in their 3,254 sections, about 40 ms. Everything in the tree but a
//! document itself is made from the documents' paths and front matter (sections list
//! them by date, weight and title; versions attach to them by URL; the checks look at
//! URLs and years). So when an edited document keeps its path and its front matter
//! byte for byte, the tree is the last one with the new document in its place. Any
//! other change (a section file, a version, a document's front matter, a file that does
//! not load) is left to the full load.

use std::collections::{HashMap, HashSet};
use std::path::Path;
use std::sync::Arc;
use std::time::SystemTime;

use super::Document;
use super::load::{CONTENT_DIR, ContentTree, PageLoader};
use super::memo::{LoadMemo, Remembered};
use crate::shelf::Shelf;

/// The tree a load made, kept for the next one.
pub struct LastTree {
    tree: ContentTree,
    include_drafts: bool,
    /// Each document's place in `tree.documents`, by its path under `content/`.
    places: HashMap<String, usize>,
}

impl LastTree {
    pub fn new(mut tree: ContentTree, include_drafts: bool) -> LastTree {
        // The next load makes a shelf of its own.
        tree.shelf = None;
        let content = Path::new(CONTENT_DIR);
        let places = tree
            .documents
            .iter()
            .enumerate()
            .filter_map(|(i, d)| {
                let rel = d.file.strip_prefix(content).ok()?;
                Some((rel.to_string_lossy().replace('\\', "/"), i))
            })
            .collect();
        LastTree {
            tree,
            include_drafts,
            places,
        }
    }
}

/// Whether `new` stands where `old` stood, with the same metadata: only its text may
/// differ.
fn same_place(old: &Document, new: &Document) -> bool {
    old.file == new.file
        && old.url_path == new.url_path
        && old.section == new.section
        && old.kind == new.kind
        && old.front_matter_digest == new.front_matter_digest
        && old.draft == new.draft
}

impl LoadMemo {
    /// The last load's tree with the documents `changed` (paths under `content/`)
    /// parsed again, if each is a document of it that kept its place and front matter;
    /// `None` if the full load is needed. Remembers what it read, and the tree.
    pub(super) fn retake(
        &mut self,
        root: &Path,
        include_drafts: bool,
        changed: &HashSet<String>,
    ) -> Option<ContentTree> {
        let last = self.last_tree().filter(|l| l.include_drafts == include_drafts)?;
        let loader = PageLoader {
            root,
            sections: &last.tree.sections,
            known: Some(self),
            unchanged: &|_| false,
            shelf: None,
            read_at: SystemTime::now(),
        };
        let mut replaced: Vec<(usize, Arc<Document>)> = Vec::with_capacity(changed.len());
        let mut read = Vec::with_capacity(changed.len());
        for rel in changed {
            let &i = last.places.get(rel)?;
            let loaded = loader.load(&root.join(CONTENT_DIR).join(rel), rel.clone()).ok()?;
            if loaded.version.is_some() || !same_place(&last.tree.documents[i], &loaded.doc) {
                return None;
            }
            if loaded.read {
                let remembered = loaded.fingerprint.map(|fingerprint| Remembered {
                    fingerprint,
                    section_kind: loaded.section_kind,
                    version: None,
                    doc: Arc::clone(&loaded.doc),
                });
                read.push((rel.clone(), remembered));
            }
            replaced.push((i, loaded.doc));
        }
        let last = self.last_tree_mut()?;
        for (i, doc) in replaced {
            last.tree.documents[i] = doc;
        }
        let mut tree = last.tree.clone();
        // As a full load: a shelf of its own for the texts this build packs.
        tree.shelf = Shelf::new().ok().map(Arc::new);
        self.update(read, None);
        Some(tree)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::content::{load, load_reusing};
    use std::fs;
    use std::time::Duration;

    fn write(root: &Path, rel: &str, front_matter: &str, body: &str) {
        let path = root.join(rel);
        fs::create_dir_all(path.parent().unwrap()).unwrap();
        fs::write(&path, format!("---\n{front_matter}\n---\n\n{body}\n")).unwrap();
        // Settled, so that the memo remembers it.
        let file = fs::File::options().write(true).open(&path).unwrap();
        file.set_modified(SystemTime::now() - Duration::from_secs(60)).unwrap();
    }

    /// What a tree holds, as far as a build sees it.
    fn shape(tree: &ContentTree) -> Vec<String> {
        let documents = tree
            .documents
            .iter()
            .map(|d| format!("{} {} {} {}", d.url_path, d.title, d.digest, d.body().trim()));
        let sections = tree
            .sections
            .values()
            .map(|s| format!("{} {} {:?} {:?}", s.key, s.title, s.pages, s.subsections));
        documents.chain(sections).collect()
    }

    #[test]
    fn told_only_texts_changed_a_load_is_the_last_tree_with_those_documents_again() {
        let tmp = tempfile::tempdir().unwrap();
        let root = tmp.path();
        write(root, "content/_index.md", "title: 首页", "");
        write(root, "content/reports/_index.md", "title: 报告\nkind: report", "");
        for (year, body) in [(2016, "甲"), (2017, "乙"), (2018, "丙")] {
            write(
                root,
                &format!("content/reports/{year}.md"),
                &format!("title: {year}年度报告\nyear: {year}"),
                body,
            );
        }
        let mut memo = LoadMemo::default();
        let first = load_reusing(root, false, Some(&mut memo)).unwrap();

        // A text edited: the last tree, the other documents shared with it.
        write(
            root,
            "content/reports/2017.md",
            "title: 2017年度报告\nyear: 2017",
            "乙，改过",
        );
        memo.only_changed(["reports/2017.md".to_string()]);
        let retaken = load_reusing(root, false, Some(&mut memo)).unwrap();
        assert_eq!(shape(&retaken), shape(&load(root, false).unwrap()));
        assert!(retaken.documents[1].body().contains("改过"));
        assert!(Arc::ptr_eq(&retaken.documents[0], &first.documents[0]));
        assert_eq!(memo.files_read(), 1);

        // Front matter edited (the year, which orders the section's list): a full load.
        write(
            root,
            "content/reports/2017.md",
            "title: 2017年度报告\nyear: 2019",
            "乙，改过",
        );
        memo.only_changed(["reports/2017.md".to_string()]);
        let reordered = load_reusing(root, false, Some(&mut memo)).unwrap();
        assert_eq!(shape(&reordered), shape(&load(root, false).unwrap()));
        assert_ne!(reordered.sections["reports"].pages, retaken.sections["reports"].pages);

        // A section file edited: a full load too.
        write(root, "content/reports/_index.md", "title: 年度报告\nkind: report", "");
        memo.only_changed(["reports/_index.md".to_string()]);
        let retitled = load_reusing(root, false, Some(&mut memo)).unwrap();
        assert_eq!(retitled.sections["reports"].title, "年度报告");

        // After a load that failed, nothing is retaken from before it.
        write(root, "content/reports/2018.md", "title: [", "");
        memo.only_changed(["reports/2018.md".to_string()]);
        assert!(load_reusing(root, false, Some(&mut memo)).is_err());
        assert!(memo.last_tree().is_none());
        write(
            root,
            "content/reports/2018.md",
            "title: 2018年度报告\nyear: 2018",
            "丙，修好",
        );
        memo.only_changed(["reports/2018.md".to_string()]);
        let mended = load_reusing(root, false, Some(&mut memo)).unwrap();
        assert_eq!(shape(&mended), shape(&load(root, false).unwrap()));
    }
}
