//! Writing over the files `serve`'s last rebuild replaced, instead of creating new ones.
//!
//! Publishing in place exchanges each new file with the one it replaces, so the old
//! files end up in the staging folder ([`super::writer::Leftovers`]). An edit of one
//! report rewrites much the same files each time: its page, its comparisons, the search
//! shards of its words, `data/documents.json`. On the benchmark machine creating a file
//! is slow and unsteady once the disk has been busy: 8.6 MB written into a new file took
//! 4-124 ms in six rounds, and over an existing file of that size 1.6-5.8 ms (the
//! blocks are there; nothing is allocated). So the next rebuild stages its files in
//! that folder, writing over the old ones where it finds them ([`Pool`]).
//!
//! A file is written over only when nothing else can see it: it has one link (not one
//! also in some other output), and the caller vouches that no reader still has it open
//! (`serve` counts the files its HTTP threads hold open; every one of these was
//! replaced in the served folder, so none can be opened anew).

use std::collections::HashSet;
use std::fs::{self, File, OpenOptions};
use std::io;
use std::path::{Path, PathBuf};

/// A staging folder left by a publish, with the files it replaced, to be written over.
/// Removed when dropped unless a staging folder took it ([`Pool::into_parts`]).
#[derive(Debug)]
pub struct Pool {
    path: Option<PathBuf>,
    files: HashSet<String>,
}

impl Pool {
    /// The folder `path`, holding `files` (relative, `/`-separated) and nothing else.
    pub(super) fn new(path: PathBuf, files: HashSet<String>) -> Pool {
        Pool {
            path: Some(path),
            files,
        }
    }

    /// The folder and its files, for a staging folder to own.
    pub(super) fn into_parts(mut self) -> (PathBuf, HashSet<String>) {
        let path = self.path.take().expect("a pool owns its folder until taken");
        (path, std::mem::take(&mut self.files))
    }

    /// How many files it holds.
    pub fn len(&self) -> usize {
        self.files.len()
    }

    pub fn is_empty(&self) -> bool {
        self.files.is_empty()
    }
}

impl Drop for Pool {
    fn drop(&mut self) {
        if let Some(path) = self.path.take() {
            let _ = fs::remove_dir_all(path);
        }
    }
}

/// `path`, opened to be written over from its start, if it is a file that may be: a
/// regular file with no other link. A file that is there but may not be written over
/// is removed (it is the pool's own entry; another link keeps its bytes), and `None`
/// returned, as for no file: the caller then creates one.
pub(super) fn open_over(path: &Path) -> io::Result<Option<File>> {
    let file = match OpenOptions::new().write(true).open(path) {
        Ok(file) => file,
        Err(e) if matches!(e.kind(), io::ErrorKind::NotFound | io::ErrorKind::IsADirectory) => return Ok(None),
        Err(e) => return Err(e),
    };
    if sole_link(&file.metadata()?) {
        return Ok(Some(file));
    }
    drop(file);
    fs::remove_file(path)?;
    Ok(None)
}

#[cfg(unix)]
fn sole_link(meta: &fs::Metadata) -> bool {
    use std::os::unix::fs::MetadataExt;
    meta.is_file() && meta.nlink() == 1
}

/// Elsewhere the link count is not at hand: never written over.
#[cfg(not(unix))]
fn sole_link(_: &fs::Metadata) -> bool {
    false
}

/// Cuts a file written over to the `len` bytes just written (a longer old file would
/// keep its tail).
pub(super) fn finish_over(file: &File, len: u64) -> io::Result<()> {
    if file.metadata()?.len() != len {
        file.set_len(len)?;
    }
    Ok(())
}

/// Clears the way for a new file at `rel` in the staging folder `root`: a pooled file
/// where this one needs a folder, or a folder of pooled files where it goes (the site's
/// shape changed since they were published), is removed. Nothing this build wrote can be
/// in the way: a path is a file or a folder in one build.
pub(super) fn make_room(root: &Path, rel: &str, pooled: &HashSet<String>) -> io::Result<()> {
    for (at, _) in rel.match_indices('/') {
        if pooled.contains(&rel[..at]) {
            match fs::remove_file(root.join(&rel[..at])) {
                Err(e) if e.kind() != io::ErrorKind::NotFound => return Err(e),
                _ => {}
            }
        }
    }
    let path = root.join(rel);
    if path.is_dir() {
        fs::remove_dir_all(&path)?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::io::Write as _;

    /// Writes `bytes` over the file at `path`, as the staging folder does; whether it could.
    fn write_over(path: &Path, bytes: &[u8]) -> io::Result<bool> {
        let Some(mut file) = open_over(path)? else {
            return Ok(false);
        };
        file.write_all(bytes)?;
        finish_over(&file, bytes.len() as u64)?;
        Ok(true)
    }

    #[test]
    fn a_sole_file_is_written_over_in_place_and_cut_to_length() {
        let tmp = tempfile::tempdir().unwrap();
        let path = tmp.path().join("f.json");
        fs::write(&path, "a longer old text").unwrap();
        #[cfg(unix)]
        {
            use std::os::unix::fs::MetadataExt;
            let inode = fs::metadata(&path).unwrap().ino();
            assert!(write_over(&path, b"new").unwrap());
            assert_eq!(fs::read(&path).unwrap(), b"new");
            assert_eq!(fs::metadata(&path).unwrap().ino(), inode, "the same file");
            assert!(write_over(&path, b"newer and longer").unwrap());
            assert_eq!(fs::read(&path).unwrap(), b"newer and longer");
        }
        assert!(!write_over(&tmp.path().join("missing"), b"x").unwrap());
        assert!(!tmp.path().join("missing").exists(), "not created");
    }

    #[test]
    fn a_file_linked_elsewhere_is_unlinked_not_written_over() {
        let tmp = tempfile::tempdir().unwrap();
        let (pooled, other) = (tmp.path().join("pooled"), tmp.path().join("other"));
        fs::write(&other, "published elsewhere").unwrap();
        fs::hard_link(&other, &pooled).unwrap();
        assert!(!write_over(&pooled, b"new").unwrap());
        assert!(!pooled.exists(), "the pool's link goes");
        assert_eq!(fs::read_to_string(&other).unwrap(), "published elsewhere");
    }

    #[test]
    fn pooled_files_in_the_way_make_room() {
        let tmp = tempfile::tempdir().unwrap();
        let root = tmp.path();
        fs::write(root.join("a"), "a file that becomes a folder").unwrap();
        fs::create_dir_all(root.join("b")).unwrap();
        fs::write(root.join("b/index.html"), "a folder that becomes a file").unwrap();
        let pooled: HashSet<String> = ["a", "b/index.html"].map(String::from).into();
        make_room(root, "a/index.html", &pooled).unwrap();
        assert!(!root.join("a").exists());
        make_room(root, "b", &pooled).unwrap();
        assert!(!root.join("b").exists());
    }
}
