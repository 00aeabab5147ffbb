//! The search index's version: what its files add up to.
//!
//! Every URL of the index carries `?v=VERSION`, so that a host may cache its files
//! forever; the version must change whenever a file does, and be the same for the same
//! files however the index was made (whole, or patched after an edit). It was a hash of
//! the sorted list of every file's path and digest, which a patch after an edit at
//! 13,000 reports had to make again from the 81,000 files it keeps, each carried one by
//! one to learn its digest (some 30 ms of the 200 a rebuild may take). Here each file
//! is hashed alone and the hashes are added: the same files give the same sum in any
//! order, and a patch finds the new sum from the previous one and the few files it
//! replaces (subtracting and adding [`IndexSum`]s).
//!
//! A sum of 128-bit hashes is no cryptographic commitment, and it needs none: it only
//! tells a browser's cache that files changed.

use sha2::{Digest, Sha256};

/// The files of an index, summed: their hashes (wrapping), bytes and number.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct IndexSum {
    hashes: u128,
    pub bytes: u64,
    pub files: usize,
}

impl IndexSum {
    /// One file: its path, the SHA-256 of its bytes, and their number.
    pub fn of(rel: &str, digest: &[u8; 32], size: u64) -> IndexSum {
        let h = Sha256::new()
            .chain_update(rel.as_bytes())
            .chain_update([0])
            .chain_update(digest)
            .finalize();
        let mut first = [0u8; 16];
        first.copy_from_slice(&h[..16]);
        IndexSum {
            hashes: u128::from_le_bytes(first),
            bytes: size,
            files: 1,
        }
    }

    /// The version in the index's URLs: 12 hex digits.
    pub fn version(&self) -> String {
        let h = Sha256::new()
            .chain_update(self.hashes.to_le_bytes())
            .chain_update(self.files.to_le_bytes())
            .finalize();
        crate::hex::hex(&h[..6])
    }
}

impl std::ops::Add for IndexSum {
    type Output = IndexSum;

    fn add(self, other: IndexSum) -> IndexSum {
        IndexSum {
            hashes: self.hashes.wrapping_add(other.hashes),
            bytes: self.bytes.wrapping_add(other.bytes),
            files: self.files.wrapping_add(other.files),
        }
    }
}

/// The files of `self` but those of `other` (which must be among them).
impl std::ops::Sub for IndexSum {
    type Output = IndexSum;

    fn sub(self, other: IndexSum) -> IndexSum {
        IndexSum {
            hashes: self.hashes.wrapping_sub(other.hashes),
            bytes: self.bytes.wrapping_sub(other.bytes),
            files: self.files.wrapping_sub(other.files),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_sum_depends_on_the_files_not_their_order_and_comes_apart_again() {
        let (d1, d2, d3) = ([1u8; 32], [2u8; 32], [3u8; 32]);
        let a = IndexSum::of("search/a/0.bin", &d1, 10);
        let b = IndexSum::of("search/a/1.bin", &d2, 20);
        let c = IndexSum::of("search/t/0.bin", &d3, 30);
        let all = a + b + c;
        assert_eq!(all, c + a + b);
        assert_eq!((all.bytes, all.files), (60, 3));
        assert_eq!(all - b + b, all);
        assert_eq!((all - b).version(), (a + c).version());
        // A file's new bytes, or the same bytes under another name, change the version.
        let changed = all - b + IndexSum::of("search/a/1.bin", &d3, 20);
        assert_ne!(changed.version(), all.version());
        let renamed = all - b + IndexSum::of("search/a/2.bin", &d2, 20);
        assert_ne!(renamed.version(), all.version());
        assert_eq!(all.version().len(), 12);
    }
}
