//! Publishing a repeat build by updating the previous output in place: its stale files
//! are removed and the staged ones moved in, each by one rename, while every file the
//! build kept stays where it is.
//!
//! Nothing in the output is touched before the whole build succeeded (the new files
//! wait in the staging folder), and each file is replaced atomically. Unlike a swap of
//! the whole folder, a reader may briefly see some files new and others old while the
//! few changed files are moved in; a swap instead removes every old file (127,000 at
//! 12,000 reports, seconds of work).

use std::collections::HashSet;
use std::fs;
use std::io;
use std::path::Path;

use rayon::prelude::*;
use walkdir::WalkDir;

use super::writer::Kept;
use crate::record::Manifest;
use crate::record::manifest::MANIFEST_FILE;

/// Files under `root`, relative, with `/` separators.
pub(super) fn files(root: &Path) -> io::Result<Vec<String>> {
    let mut out = Vec::new();
    for entry in WalkDir::new(root).min_depth(1) {
        let entry = entry.map_err(io::Error::other)?;
        if !entry.file_type().is_dir() {
            let rel = entry.path().strip_prefix(root).map_err(io::Error::other)?;
            out.push(rel.to_string_lossy().replace('\\', "/"));
        }
    }
    Ok(out)
}

/// What makes `target` hold exactly the `new` files (staged) plus those of its own that
/// are `kept`: its other files, to remove, and the staged files, to move in.
/// `previous` is the manifest of `target`, if known: it lists its files (walking 46,000
/// page folders to find them took 1.5 s), and `kept` marks its files by their places in
/// it.
pub(super) fn plan(
    new: Vec<String>,
    target: &Path,
    kept: &Kept,
    previous: Option<&Manifest>,
) -> io::Result<(Vec<String>, Vec<String>)> {
    let keep: HashSet<&str> = kept.named().iter().chain(&new).map(String::as_str).collect();
    let stale = match previous {
        Some(m) => m
            .files
            .iter()
            .enumerate()
            .filter(|(i, f)| !kept.reused(*i) && !keep.contains(f.path.as_str()))
            .map(|(_, f)| f.path.clone())
            .chain((!keep.contains(MANIFEST_FILE)).then(|| MANIFEST_FILE.to_string()))
            .collect(),
        None => files(target)?
            .into_iter()
            .filter(|rel| !keep.contains(rel.as_str()))
            .collect(),
    };
    Ok((stale, new))
}

/// Removes the `stale` files of `target` (and folders left empty), then moves the `new`
/// ones in from `staging`, each by one rename. A file replaced is exchanged with the
/// new one where the system can ([`exchange`]): the old one is left in `staging`, and
/// is returned among the files replaced so.
pub(super) fn apply(staging: &Path, target: &Path, stale: &[String], new: &[String]) -> io::Result<Vec<String>> {
    remove_files(target, stale)?;
    // In parallel, for where the files cannot be exchanged: a rename over a file costs
    // ext4 some 0.15 ms (113 of them took 18-20 ms on the benchmark machine, in
    // parallel or not); the exchanges take 2-3 ms in all.
    let exchanged: Vec<bool> = new
        .par_iter()
        .map(|rel| {
            let to = target.join(rel);
            if let Some(parent) = to.parent() {
                fs::create_dir_all(parent)?;
            }
            if to.is_dir() {
                fs::remove_dir_all(&to)?;
            }
            let from = staging.join(rel);
            if exchange(&from, &to)? {
                return Ok(true);
            }
            fs::rename(&from, &to).map(|()| false)
        })
        .collect::<io::Result<_>>()?;
    Ok(new
        .iter()
        .zip(exchanged)
        .filter(|(_, exchanged)| *exchanged)
        .map(|(rel, _)| rel.clone())
        .collect())
}

/// Removes the files `rels` of `root` that are there, and the folders they leave empty.
pub(super) fn remove_files(root: &Path, rels: &[String]) -> io::Result<()> {
    for rel in rels {
        let path = root.join(rel);
        match fs::remove_file(&path) {
            Err(e) if e.kind() != io::ErrorKind::NotFound => return Err(e),
            _ => {}
        }
        // Removing a folder that is not empty fails, as it should.
        for dir in path.ancestors().skip(1).take_while(|d| *d != root) {
            if fs::remove_dir(dir).is_err() {
                break;
            }
        }
    }
    Ok(())
}

/// Swaps the files at `a` and `b` atomically (Linux's `renameat2` with
/// `RENAME_EXCHANGE`); whether it did: not when `b` does not exist, or where the system
/// or file system cannot.
///
/// A rename over a file frees the replaced file's blocks then and there: on the
/// benchmark machine, renaming 100 new files (60 MB) over old ones took 23-66 ms, and
/// exchanging them 2 ms, the old files then going with the staging folder, once the
/// open pages have reloaded (`serve`, [`super::writer::Leftovers`]).
#[cfg(target_os = "linux")]
fn exchange(a: &Path, b: &Path) -> io::Result<bool> {
    use std::ffi::CString;
    use std::os::unix::ffi::OsStrExt;
    let path = |p: &Path| CString::new(p.as_os_str().as_bytes()).map_err(io::Error::other);
    let (a, b) = (path(a)?, path(b)?);
    // SAFETY: both paths are NUL-terminated strings that outlive the call.
    let done = unsafe {
        libc::syscall(
            libc::SYS_renameat2,
            libc::AT_FDCWD,
            a.as_ptr(),
            libc::AT_FDCWD,
            b.as_ptr(),
            libc::RENAME_EXCHANGE,
        )
    };
    if done == 0 {
        return Ok(true);
    }
    let e = io::Error::last_os_error();
    match e.raw_os_error() {
        // No file to exchange with, or no exchange on this system or file system.
        Some(libc::ENOENT | libc::EINVAL | libc::ENOSYS | libc::EOPNOTSUPP) => Ok(false),
        _ => Err(e),
    }
}

#[cfg(not(target_os = "linux"))]
fn exchange(_: &Path, _: &Path) -> io::Result<bool> {
    Ok(false)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::output::{Reused, Sink, StagingDir};

    fn tree(root: &Path) -> Vec<(String, String)> {
        let mut all: Vec<(String, String)> = files(root)
            .unwrap()
            .into_iter()
            .map(|rel| {
                let text = fs::read_to_string(root.join(&rel)).unwrap();
                (rel, text)
            })
            .collect();
        all.sort();
        all
    }

    /// The manifest of the files now in `target`, as the build that made them gives it.
    fn manifest_of(target: &Path) -> Manifest {
        let mut listed = files(target).unwrap();
        listed.sort();
        Manifest {
            generator: "gongshi".into(),
            base_url: "/".into(),
            files: listed
                .into_iter()
                .map(|path| crate::record::manifest::FileEntry {
                    path,
                    sha256: String::new(),
                    size: 0,
                })
                .collect(),
            pages: vec![],
            aliases: vec![],
        }
    }

    fn reuse(s: &StagingDir, target: &Path, previous: &Manifest, rel: &str) {
        let file = previous.files.iter().position(|f| f.path == rel).unwrap();
        let known = Reused {
            dir: target,
            manifest: previous,
            file,
            page: None,
        };
        s.reuse(rel, &known).unwrap();
    }

    #[test]
    fn a_build_keeping_most_files_updates_the_output_in_place() {
        let tmp = tempfile::tempdir().unwrap();
        let target = tmp.path().join("public");
        for (rel, text) in [
            ("k/1.html", "k"),
            ("k/2.html", "k"),
            ("k/3.html", "k"),
            ("a/index.html", "a"),
            ("b/index.html", "b"),
            ("c/index.html", "c"),
            ("gone/index.html", "gone"),
            ("gone/deeper/index.html", "gone"),
            ("x", "a file that becomes a folder"),
            ("y/index.html", "a folder that becomes a file"),
        ] {
            fs::create_dir_all(target.join(rel).parent().unwrap()).unwrap();
            fs::write(target.join(rel), text).unwrap();
        }
        use std::os::unix::fs::MetadataExt;
        let inode = |rel: &str| fs::metadata(target.join(rel)).unwrap().ino();
        let kept_inode = inode("a/index.html");
        let folder_inode = inode("");

        let previous = manifest_of(&target);
        let s = StagingDir::beside(&target).unwrap();
        for rel in ["a/index.html", "b/index.html", "k/1.html", "k/2.html"] {
            reuse(&s, &target, &previous, rel);
        }
        // Kept by name, as `serve` keeps its manifest.
        s.keep_file("k/3.html");
        s.write("c/index.html", b"c2").unwrap();
        s.write("x/index.html", b"x").unwrap();
        s.write("y", b"y").unwrap();
        s.commit(Some(&previous)).unwrap();
        assert_eq!(
            tree(&target),
            [
                ("a/index.html", "a"),
                ("b/index.html", "b"),
                ("c/index.html", "c2"),
                ("k/1.html", "k"),
                ("k/2.html", "k"),
                ("k/3.html", "k"),
                ("x/index.html", "x"),
                ("y", "y"),
            ]
            .map(|(r, t)| (r.to_string(), t.to_string()))
        );
        assert!(!target.join("gone").exists(), "emptied folders go");
        assert_eq!(inode(""), folder_inode, "updated in place, not swapped");
        assert_eq!(inode("a/index.html"), kept_inode, "a kept file is not touched");
        let leftovers: Vec<_> = fs::read_dir(tmp.path())
            .unwrap()
            .map(|e| e.unwrap().file_name())
            .collect();
        assert_eq!(leftovers, vec![std::ffi::OsString::from("public")]);
    }

    #[test]
    fn the_files_replaced_go_with_the_staging_folder_when_the_caller_removes_it() {
        let tmp = tempfile::tempdir().unwrap();
        let target = tmp.path().join("public");
        fs::create_dir_all(&target).unwrap();
        for rel in ["a.html", "b.html", "c.html"] {
            fs::write(target.join(rel), "old").unwrap();
        }
        let previous = manifest_of(&target);
        let s = StagingDir::beside(&target).unwrap();
        reuse(&s, &target, &previous, "b.html");
        reuse(&s, &target, &previous, "c.html");
        s.write("a.html", b"new").unwrap();
        let leftovers = s.commit_guarded(Some(&previous), || ()).unwrap();
        assert_eq!(fs::read_to_string(target.join("a.html")).unwrap(), "new");
        let folders = || fs::read_dir(tmp.path()).unwrap().count();
        assert_eq!(folders(), 2, "the staging folder waits");
        if cfg!(target_os = "linux") {
            // Exchanged, not renamed over: the old file is in the staging folder.
            let staged = fs::read_dir(tmp.path())
                .unwrap()
                .map(|e| e.unwrap().path())
                .find(|p| p != &target)
                .unwrap();
            assert_eq!(fs::read_to_string(staged.join("a.html")).unwrap(), "old");
        }
        leftovers.remove().unwrap();
        assert_eq!(folders(), 1);
        assert_eq!(
            tree(&target),
            [("a.html", "new"), ("b.html", "old"), ("c.html", "old")].map(|(r, t)| (r.to_string(), t.to_string()))
        );
    }

    #[test]
    fn a_staging_folder_made_of_leftovers_writes_over_them_and_publishes_only_its_files() {
        use std::os::unix::fs::MetadataExt;
        if !cfg!(target_os = "linux") {
            return; // replaced files are left in the staging folder only where exchanged
        }
        let tmp = tempfile::tempdir().unwrap();
        let target = tmp.path().join("public");
        fs::create_dir_all(&target).unwrap();
        for rel in ["a.html", "b.html", "c.html", "d.html"] {
            fs::write(target.join(rel), format!("old {rel}")).unwrap();
        }
        let inode = |rel: &str| fs::metadata(target.join(rel)).unwrap().ino();
        let first_a = inode("a.html");

        let previous = manifest_of(&target);
        let s = StagingDir::beside(&target).unwrap();
        for rel in ["c.html", "d.html"] {
            reuse(&s, &target, &previous, rel);
        }
        s.write("a.html", b"a1").unwrap();
        s.write("b.html", b"b1").unwrap();
        let pool = s
            .commit_guarded(Some(&previous), || ())
            .unwrap()
            .into_pool()
            .unwrap()
            .unwrap();
        assert_eq!(pool.len(), 2, "the old a.html and b.html");

        let previous = manifest_of(&target);
        let s = StagingDir::reusing(&target, pool);
        for rel in ["b.html", "c.html", "d.html"] {
            reuse(&s, &target, &previous, rel);
        }
        // Written twice (the first time over the pooled file): moved in once.
        s.write("a.html", b"a first try").unwrap();
        s.write("a.html", b"a2, longer than the old text").unwrap();
        s.write_streamed("new/e.html", &mut |out| out.write_all(b"e")).unwrap();
        let leftovers = s.commit_guarded(Some(&previous), || ()).unwrap();
        assert_eq!(
            tree(&target),
            [
                ("a.html", "a2, longer than the old text"),
                ("b.html", "b1"),
                ("c.html", "old c.html"),
                ("d.html", "old d.html"),
                ("new/e.html", "e"),
            ]
            .map(|(r, t)| (r.to_string(), t.to_string())),
            "the pooled old b.html is not published"
        );
        assert_eq!(inode("a.html"), first_a, "written over, then exchanged back in");
        let pool = leftovers.into_pool().unwrap().unwrap();
        assert_eq!(pool.len(), 1);
        let (folder, _) = pool.into_parts();
        assert_eq!(
            tree(&folder),
            [("a.html".to_string(), "a1".to_string())],
            "the unused file went"
        );
        fs::remove_dir_all(folder).unwrap();
    }

    #[test]
    fn a_build_writing_most_files_swaps_with_its_kept_files_linked_in() {
        use std::os::unix::fs::MetadataExt;
        let tmp = tempfile::tempdir().unwrap();
        let target = tmp.path().join("public");
        fs::create_dir_all(&target).unwrap();
        fs::write(target.join("kept.html"), "kept").unwrap();
        fs::write(target.join("stale.html"), "stale").unwrap();
        let previous = manifest_of(&target);
        let s = StagingDir::beside(&target).unwrap();
        reuse(&s, &target, &previous, "kept.html");
        s.write("new1.html", b"1").unwrap();
        s.write("new2.html", b"2").unwrap();
        let folder_inode = fs::metadata(&target).unwrap().ino();
        s.commit(Some(&previous)).unwrap();
        assert_ne!(fs::metadata(&target).unwrap().ino(), folder_inode, "swapped");
        assert_eq!(
            tree(&target),
            [("kept.html", "kept"), ("new1.html", "1"), ("new2.html", "2")]
                .map(|(r, t)| (r.to_string(), t.to_string()))
        );
    }

    #[test]
    fn files_reused_by_their_place_need_the_manifest_they_are_placed_in() {
        let tmp = tempfile::tempdir().unwrap();
        let target = tmp.path().join("public");
        fs::create_dir_all(&target).unwrap();
        fs::write(target.join("kept.html"), "kept").unwrap();
        fs::write(target.join("other.html"), "other").unwrap();
        let previous = manifest_of(&target);
        let before = tree(&target);

        let s = StagingDir::beside(&target).unwrap();
        reuse(&s, &target, &previous, "kept.html");
        s.write("new.html", b"new").unwrap();
        assert!(s.commit(None).is_err(), "no manifest to tell which files were kept");
        assert_eq!(tree(&target), before, "the output is left as it was");

        let mut shorter = previous.clone();
        shorter.files.pop();
        let s = StagingDir::beside(&target).unwrap();
        reuse(&s, &target, &previous, "kept.html");
        assert!(s.commit(Some(&shorter)).is_err(), "another manifest");
        assert_eq!(tree(&target), before);
    }
}
