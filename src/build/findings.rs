//! The proof-reader's findings per document, remembered between builds (see
//! [`super::cache`]): a document whose key did not change is not proof-read again.
//!
//! They are kept packed (bincode, then [`Packed`]) in memory, and stored as packed in
//! `.NAME.lint.bin` beside the output folder. There are 245,000 findings on the
//! generated 13,000 reports, mostly whole source lines: some 200 MB unpacked. In the
//! JSON cache file they took 150 MB to parse and 1.1 s to pack again on every build
//! after an edit (`open cache`, `--timings`).
//!
//! The file is read back with care, as anything beside the output folder may have been
//! damaged: a file that is not one is no memory at all, and a document's findings that
//! do not unpack are read again ([`PackedFindings::unpack`]), never an error.

use std::collections::BTreeMap;
use std::io;
use std::path::{Path, PathBuf};

use bincode::Options as _;

use super::cache::Key;
use crate::diagnostics::Diagnostic;
use crate::packed::Packed;

/// One document's findings, packed.
#[derive(Debug, Clone)]
pub struct PackedFindings(Packed);

/// Findings by document key.
pub type Memory = BTreeMap<Key, PackedFindings>;

/// What the file starts with: changed with its layout, so an older file is not read.
const MAGIC: &str = "gongshi lint memory 1";

/// A document's findings unpack to at most this many bytes: a length read from a
/// damaged file is not allocated.
const MAX_UNPACKED: u64 = 64 << 20;

impl PackedFindings {
    pub fn new(found: &[Diagnostic]) -> PackedFindings {
        PackedFindings(Packed::new(&bincode::serialize(found).expect("findings serialise")))
    }

    /// The findings, or `None` if they were read from a damaged file.
    pub fn unpack(&self) -> Option<Vec<Diagnostic>> {
        bincode::deserialize(&self.0.try_unpack()?).ok()
    }
}

/// `public` -> `.public.lint.bin` beside it.
fn file(output_dir: &Path) -> PathBuf {
    crate::output::writer::beside(output_dir, SUFFIX)
}

const SUFFIX: &str = "lint.bin";

/// Bincode as the file uses it: a length prefix cannot claim more than the file holds.
fn options(limit: u64) -> impl bincode::Options {
    bincode::options().with_limit(limit)
}

/// (document key, unpacked length, packed bytes) per document.
type Entry = (String, u64, Vec<u8>);

/// The findings kept beside `output_dir`; none if there is no such file or it is not one.
pub fn read(output_dir: &Path) -> Memory {
    let Ok(bytes) = std::fs::read(file(output_dir)) else {
        return Memory::new();
    };
    let Ok((magic, entries)) = options(bytes.len() as u64).deserialize::<(String, Vec<Entry>)>(&bytes) else {
        return Memory::new();
    };
    if magic != MAGIC {
        return Memory::new();
    }
    entries
        .into_iter()
        .filter(|(_, len, _)| *len <= MAX_UNPACKED)
        .map(|(key, len, packed)| (key, PackedFindings(Packed::from_raw(len as usize, packed))))
        .collect()
}

/// Keeps `memory` beside `output_dir`.
pub fn write(output_dir: &Path, memory: &Memory) -> io::Result<()> {
    let entries: Vec<(&str, u64, std::borrow::Cow<[u8]>)> = memory
        .iter()
        .map(|(key, f)| (key.as_str(), f.0.len() as u64, f.0.raw()))
        .collect();
    let mut out = io::BufWriter::new(std::fs::File::create(file(output_dir))?);
    options(u64::MAX)
        .serialize_into(&mut out, &(MAGIC, entries))
        .map_err(io::Error::other)?;
    io::Write::flush(&mut out)
}

/// Removes the file beside `output_dir`, if any.
pub fn forget(output_dir: &Path) -> io::Result<()> {
    crate::output::writer::remove_beside(output_dir, SUFFIX)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn finding(n: usize) -> Diagnostic {
        let mut d = Diagnostic::warning("content/reports/2018.md", format!("`的的` repeats a character ({n})"));
        d.line = Some(n);
        d.source_line = Some("中心的的工作人员严格遵守各项规章制度。".repeat(n % 5 + 1));
        d.rule = Some("repetition".into());
        d
    }

    #[test]
    fn findings_are_kept_beside_the_output_and_read_back() {
        let dir = tempfile::tempdir().unwrap();
        let output = dir.path().join("public");
        let found: Vec<Diagnostic> = (0..30).map(finding).collect();
        let mut memory = Memory::new();
        memory.insert("a".into(), PackedFindings::new(&found));
        memory.insert("b".into(), PackedFindings::new(&[]));
        write(&output, &memory).unwrap();
        assert!(dir.path().join(".public.lint.bin").is_file());
        let back = read(&output);
        assert_eq!(back.len(), 2);
        assert_eq!(back["a"].unpack(), Some(found));
        assert_eq!(back["b"].unpack(), Some(Vec::new()));
        forget(&output).unwrap();
        assert!(read(&output).is_empty());
        forget(&output).unwrap();
    }

    #[test]
    fn a_damaged_file_is_no_memory_or_findings_read_again_never_a_panic() {
        let dir = tempfile::tempdir().unwrap();
        let output = dir.path().join("public");
        let mut memory = Memory::new();
        memory.insert(
            "a".into(),
            PackedFindings::new(&(0..30).map(finding).collect::<Vec<_>>()),
        );
        write(&output, &memory).unwrap();
        let whole = std::fs::read(file(&output)).unwrap();
        // Cut short anywhere: no memory.
        for cut in [0, 1, 10, whole.len() / 2, whole.len() - 1] {
            std::fs::write(file(&output), &whole[..cut]).unwrap();
            assert!(read(&output).is_empty(), "cut at {cut}");
        }
        // A packed byte changed: the file reads, that document's findings do not.
        let mut damaged = whole.clone();
        let at = damaged.len() - 20;
        damaged[at] ^= 0x5a;
        std::fs::write(file(&output), &damaged).unwrap();
        assert_eq!(read(&output)["a"].unpack(), None);
        // Another layout: no memory.
        let other = options(u64::MAX)
            .serialize(&("gongshi lint memory 0", Vec::<Entry>::new()))
            .unwrap();
        std::fs::write(file(&output), other).unwrap();
        assert!(read(&output).is_empty());
    }
}
