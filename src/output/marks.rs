//! Which entries of the previous build's lists a build carried over, marked by their
//! place in the list.
//!
//! After an edit of one report of a 13,000-report site, 132,000 files are reused. Noting
//! each of them by name (a copied path, digest and key, pushed under a lock, then all
//! sorted again) was most of a rebuild: sorting the manifest's files and the set of kept
//! files alone took a quarter of it. A reused file already has a place in the previous
//! build's sorted lists, so a bit is enough, and the lists of this build are the marked
//! entries merged with the few new ones ([`merge_sorted`]).
//!
//! Hand-written: a bit set that many threads mark at once is a few lines on
//! `AtomicU64::fetch_or`; the crates at hand (`bit-set`, `fixedbitset`) need `&mut` to
//! set a bit.

use std::sync::atomic::{AtomicU64, Ordering};

/// A set of places `0..len`, marked from any thread. Not counted as they are marked: a
/// counter every thread adds to on every mark is one memory location they all contend
/// for, 132,000 times per set after an edit at 13,000 reports.
#[derive(Debug)]
pub struct Marks {
    words: Vec<AtomicU64>,
    len: usize,
}

impl Marks {
    pub fn new(len: usize) -> Marks {
        Marks {
            words: (0..len.div_ceil(64)).map(|_| AtomicU64::new(0)).collect(),
            len,
        }
    }

    /// How many places there are (marked or not).
    pub fn len(&self) -> usize {
        self.len
    }

    pub fn is_empty(&self) -> bool {
        self.len == 0
    }

    /// Marks place `i`; returns whether it was not marked yet. A place out of range is
    /// not marked (false).
    pub fn mark(&self, i: usize) -> bool {
        if i >= self.len {
            return false;
        }
        let bit = 1u64 << (i % 64);
        self.words[i / 64].fetch_or(bit, Ordering::Relaxed) & bit == 0
    }

    pub fn contains(&self, i: usize) -> bool {
        i < self.len && self.words[i / 64].load(Ordering::Relaxed) & (1u64 << (i % 64)) != 0
    }

    /// How many places are marked.
    pub fn count(&self) -> usize {
        self.words
            .iter()
            .map(|w| w.load(Ordering::Relaxed).count_ones() as usize)
            .sum()
    }

    /// The marked places, in order.
    pub fn iter(&self) -> impl Iterator<Item = usize> + '_ {
        self.words.iter().enumerate().flat_map(|(w, word)| {
            let mut bits = word.load(Ordering::Relaxed);
            std::iter::from_fn(move || {
                let bit = (bits != 0).then(|| bits.trailing_zeros() as usize)?;
                bits &= bits - 1;
                Some(w * 64 + bit)
            })
        })
    }
}

/// The entries of `previous` whose places are `marked`, in order.
pub fn marked<'a, T>(previous: &'a [T], marked: &'a Marks) -> impl Iterator<Item = &'a T> {
    marked.iter().filter_map(|i| previous.get(i))
}

/// [`marked`], moved out of `previous` instead of borrowed.
pub fn take_marked<'a, T: 'a>(previous: Vec<T>, marked: &'a Marks) -> impl Iterator<Item = T> + 'a {
    previous
        .into_iter()
        .enumerate()
        .filter(|(i, _)| marked.contains(*i))
        .map(|(_, entry)| entry)
}

/// `carried` entries merged with `new` into one list sorted by `key`. Both must be
/// sorted by `key` and `new` hold each key once; an entry of `new` replaces a carried
/// one with the same key (it was written after all).
pub fn merge_sorted<T>(carried: impl Iterator<Item = T>, new: Vec<T>, key: impl Fn(&T) -> &str) -> Vec<T> {
    let mut out = Vec::with_capacity(carried.size_hint().0 + new.len());
    let mut carried = carried.peekable();
    for item in new {
        while let Some(old) = carried.next_if(|old| key(old) < key(&item)) {
            out.push(old);
        }
        carried.next_if(|old| key(old) == key(&item));
        out.push(item);
    }
    out.extend(carried);
    out
}

/// `items` sorted by `key`, and of those with equal keys the last one listed, as a map
/// they were inserted into one by one would hold.
pub fn sorted_last<T>(mut items: Vec<T>, key: impl Fn(&T) -> &str) -> Vec<T> {
    items.sort_by(|a, b| key(a).cmp(key(b)));
    let mut out: Vec<T> = Vec::with_capacity(items.len());
    for item in items {
        match out.last_mut() {
            Some(last) if key(last) == key(&item) => *last = item,
            _ => out.push(item),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn marks_are_counted_once_and_listed_in_order() {
        let marks = Marks::new(130);
        assert!(marks.mark(129));
        assert!(marks.mark(3));
        assert!(!marks.mark(3), "marked twice");
        assert!(!marks.mark(130), "out of range");
        assert_eq!(marks.count(), 2);
        assert!(marks.contains(3) && marks.contains(129) && !marks.contains(64) && !marks.contains(500));
        assert_eq!(marks.iter().collect::<Vec<_>>(), vec![3, 129]);
    }

    #[test]
    fn marked_entries_merge_with_new_ones_and_new_ones_win() {
        let previous = vec![("a", 1), ("b", 1), ("c", 1), ("d", 1), ("f", 1)];
        let marks = Marks::new(previous.len());
        for i in [0, 2, 3, 4] {
            marks.mark(i);
        }
        let new = vec![("0", 2), ("c", 2), ("e", 2), ("g", 2)];
        let moved: Vec<_> = take_marked(previous.clone(), &marks).collect();
        assert_eq!(moved, marked(&previous, &marks).copied().collect::<Vec<_>>());
        let merged = merge_sorted(marked(&previous, &marks).copied(), new, |e| e.0);
        assert_eq!(
            merged,
            vec![("0", 2), ("a", 1), ("c", 2), ("d", 1), ("e", 2), ("f", 1), ("g", 2)]
        );
        assert_eq!(
            merge_sorted(marked(&previous, &Marks::new(5)), vec![], |e| e.0),
            Vec::<&(&str, i32)>::new()
        );
    }
}
