//! The shards the last patch wrote, kept inflated for the next one.
//!
//! In `serve`, the next edit touches mostly the same shards as the last one: the
//! positions of the commonest bigrams, megabytes each at 13,000 reports, and the counts
//! of common words. Inflating them again was a fifth of patching the index. A shard is
//! taken from here only when its compressed bytes are those kept, so what was inflated
//! is always what the file holds. `serve` keeps one of these from build to build
//! ([`crate::build::BuildCache`]); `build` starts with an empty one.

use std::sync::{Arc, Mutex, PoisonError};

/// See the module.
#[derive(Default)]
pub struct RecentShards(Mutex<Vec<Kept>>);

/// One shard: its bytes as written, and inflated.
struct Kept {
    gz: Vec<u8>,
    inflated: Arc<Vec<u8>>,
}

impl RecentShards {
    /// A poisoned lock only means a panic elsewhere: the list still holds whole pairs.
    fn kept(&self) -> std::sync::MutexGuard<'_, Vec<Kept>> {
        self.0.lock().unwrap_or_else(PoisonError::into_inner)
    }

    /// `gz` inflated: the shard kept if it is one, else inflated now (`None` if it is
    /// not a gzip file).
    pub fn gunzip(&self, gz: &[u8]) -> Option<Arc<Vec<u8>>> {
        if let Some(kept) = self.kept().iter().find(|k| k.gz == gz) {
            return Some(Arc::clone(&kept.inflated));
        }
        super::gunzip(gz).map(Arc::new)
    }

    /// Keeps `shards` (each as written, and inflated) in place of those kept before.
    pub fn keep(&self, shards: Vec<(Vec<u8>, Arc<Vec<u8>>)>) {
        *self.kept() = shards.into_iter().map(|(gz, inflated)| Kept { gz, inflated }).collect();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_kept_shard_is_given_back_only_for_its_own_bytes() {
        let recent = RecentShards::default();
        let inflated = b"shard".to_vec();
        let gz = crate::search::shards::gzip(&inflated);
        assert_eq!(recent.gunzip(&gz).as_deref(), Some(&inflated));
        // Not what `gz` inflates to: only a kept shard could answer this.
        recent.keep(vec![(gz.clone(), Arc::new(b"kept".to_vec()))]);
        assert_eq!(recent.gunzip(&gz).as_deref(), Some(&b"kept".to_vec()));
        let other = crate::search::shards::gzip(b"other");
        assert_eq!(recent.gunzip(&other).as_deref(), Some(&b"other".to_vec()));
        assert_eq!(recent.gunzip(b"not gzip"), None);
        recent.keep(Vec::new());
        assert_eq!(recent.gunzip(&gz).as_deref(), Some(&inflated));
    }
}
