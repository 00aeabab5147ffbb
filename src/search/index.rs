//! What one document contributes to the index: its n-grams (n = 1..4) with counts per
//! field, and the positions of its bigrams.
//!
//! Why character n-grams and not words: a reader searching 温恒湿 must find 恒温恒湿, and
//! Chinese has no spaces to split words at. Off-the-shelf indexes split words (Pagefind's
//! segmenter misses every substring that crosses a word boundary) or drop CJK and digits
//! (elasticlunr). An n-gram index answers substring queries exactly:
//!
//! - a query of 1 to [`MAX_GRAM`] characters *is* one gram: its document list (with
//!   counts and whether the title or a heading has it) is the exact answer;
//! - a longer query c1..ck occurs at p iff the bigrams that tile it (at offsets 0, 2,
//!   4… and, for an odd k, k-2: every character is in one) occur at p plus their
//!   offsets, so the positions of those bigrams, intersected with shifts, give exact
//!   matches. The documents holding all of its 4-grams are the candidates, checked that
//!   way.
//!
//! A document is three streams, each a list of units joined by [`SEP`]: its title, its
//! headings, its body blocks. Positions are code-point offsets within a stream, and no
//! gram spans a separator.

use std::collections::HashMap;

use super::normalize::{SEP, normalize};
use super::shards::{ByteRuns, counts_value, put_positions};

/// Longest gram with its own document list.
pub const MAX_GRAM: usize = 4;

/// Fields, in ranking order: a hit in the title counts most.
pub const TITLE: usize = 0;
pub const HEADING: usize = 1;
pub const BODY: usize = 2;

/// Up to four code points packed into a `u128` (21 bits each, length in the top bits):
/// cheap to hash, compare and sort.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Gram(pub u128);

impl Gram {
    pub fn new(chars: &[char]) -> Gram {
        debug_assert!(!chars.is_empty() && chars.len() <= MAX_GRAM);
        let mut v = (chars.len() as u128) << 84;
        for (i, &c) in chars.iter().enumerate() {
            v |= (c as u128) << (21 * (3 - i));
        }
        Gram(v)
    }

    pub fn len(self) -> usize {
        (self.0 >> 84) as usize
    }

    pub fn is_empty(self) -> bool {
        self.len() == 0
    }

    pub fn chars(self) -> impl Iterator<Item = char> {
        (0..self.len()).map(move |i| char::from_u32(((self.0 >> (21 * (3 - i))) & 0x1F_FFFF) as u32).unwrap_or('\0'))
    }

    /// FNV-1a over the code points: the shard a gram lives in. search.js computes the
    /// same (`gramHash`).
    pub fn hash(self) -> u32 {
        let mut h: u32 = 0x811c_9dc5;
        for c in self.chars() {
            h ^= c as u32;
            h = h.wrapping_mul(0x0100_0193);
        }
        h
    }
}

/// The text of one document, as the index sees it.
#[derive(Debug, Clone, Default)]
pub struct DocStreams {
    /// Normalised streams, indexed by field; units joined by [`SEP`].
    pub fields: [Vec<char>; 3],
}

impl DocStreams {
    /// Normalises each unit and joins them per field; empty units are left out.
    pub fn new<'a>(
        title: &str,
        headings: impl IntoIterator<Item = &'a str>,
        blocks: impl IntoIterator<Item = &'a str>,
    ) -> DocStreams {
        fn join<'a>(units: impl IntoIterator<Item = &'a str>) -> Vec<char> {
            let mut out: Vec<char> = Vec::new();
            for u in units {
                let n = normalize(u);
                if n.is_empty() {
                    continue;
                }
                if !out.is_empty() {
                    out.push(SEP);
                }
                out.extend(n);
            }
            out
        }
        DocStreams {
            fields: [join([title]), join(headings), join(blocks)],
        }
    }

    pub fn chars(&self) -> usize {
        self.fields.iter().map(Vec::len).sum()
    }
}

/// A gram's occurrences in one document: count per field.
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub struct Counts(pub [u32; 3]);

impl Counts {
    pub fn total(self) -> u32 {
        self.0.iter().sum()
    }
}

/// A gram and the counts value ([`counts_value`]) of its occurrences in one document, in
/// 16 bytes where a `(Gram, Counts)` pair took 32 (a `u128` is aligned to 16): the
/// largest buffer of an index pass, halved.
#[derive(Debug, Clone, Copy)]
pub struct GramCounts {
    low: u64,
    high: u32,
    value: u32,
}

impl GramCounts {
    fn new(gram: Gram, counts: Counts) -> GramCounts {
        GramCounts {
            low: gram.0 as u64,
            high: (gram.0 >> 64) as u32,
            // A total over 2^30 would need a stream longer than positions can count.
            value: counts_value(counts).min(u64::from(u32::MAX)) as u32,
        }
    }

    pub fn gram(self) -> Gram {
        Gram(u128::from(self.high) << 64 | u128::from(self.low))
    }

    /// [`counts_value`] of the counts.
    pub fn value(self) -> u32 {
        self.value
    }
}

/// A bigram's positions in one document, per field.
pub type Positions = [Vec<u32>; 3];

/// One document's grams: records ordered by shard, then gram, with where each group of
/// [`SHARDS_PER_GROUP`] shards starts. A group's records are then a slice, found by
/// index: looking them up by binary search instead, for every shard and every document,
/// cost more than building the shards. Starts are kept per group, not per shard: per
/// shard they took 256 KB per document at 13,000 reports (32,768 shards of each kind),
/// 160 MB for one pass's documents, nearly all of it zeros.
///
/// A bigram's positions are kept encoded as the shard will hold them (a header and a
/// run of deltas, [`put_positions`]), in two buffers for the whole document: a list per
/// bigram was tens of thousands of small allocations per document and pass.
#[derive(Debug, Default)]
pub struct DocGrams {
    pub counts: Vec<GramCounts>,
    /// `counts[counts_start[g]..counts_start[g + 1]]` are in the shards of group g.
    counts_start: Vec<u32>,
    /// Each bigram; its encoded header and positions are the same-numbered runs of
    /// `heads` and `tails`.
    positions: Vec<Gram>,
    positions_start: Vec<u32>,
    heads: ByteRuns,
    tails: ByteRuns,
}

/// Shards handled together: a document's records are found per group of this many
/// shards, and the shard builder fills a group's shards in one walk through the
/// documents.
pub const SHARDS_PER_GROUP: usize = 32;

/// The number of groups of `shards` shards.
pub fn groups(shards: u32) -> usize {
    (shards as usize).div_ceil(SHARDS_PER_GROUP)
}

impl DocGrams {
    /// Counts records of the shards of group g, ordered by shard, then gram.
    pub fn counts_in_group(&self, g: usize) -> &[GramCounts] {
        &self.counts[self.counts_start[g] as usize..self.counts_start[g + 1] as usize]
    }

    /// Positions records of the shards of group g, ordered by shard, then bigram: each
    /// bigram with its encoded header and positions.
    pub fn positions_in_group(&self, g: usize) -> impl Iterator<Item = (Gram, &[u8], &[u8])> {
        let (from, to) = (self.positions_start[g] as usize, self.positions_start[g + 1] as usize);
        (from..to).map(move |r| (self.positions[r], self.heads.get(r), self.tails.get(r)))
    }
}

/// `keys` sorted, given that each one's shard (below `shards`) is in its top bits
/// (`key >> 96`): a counting pass puts them in shard order, then each shard's keys are
/// sorted alone. A document's some 50,000 keys fall into thousands of shards, a few
/// dozen each, and one sort of them all was a twentieth of a build's CPU time (a radix
/// sort crate would make some 13 passes over these 104-bit keys).
fn sort_sharded(keys: Vec<u128>, shards: u32) -> Vec<u128> {
    let shard = |key: u128| (key >> 96) as usize;
    let mut starts = vec![0usize; shards as usize + 1];
    for &key in &keys {
        starts[shard(key) + 1] += 1;
    }
    for s in 1..starts.len() {
        starts[s] += starts[s - 1];
    }
    let mut next = starts.clone();
    let mut out = vec![0u128; keys.len()];
    for key in keys {
        let at = &mut next[shard(key)];
        out[*at] = key;
        *at += 1;
    }
    for range in starts.windows(2) {
        out[range[0]..range[1]].sort_unstable();
    }
    out
}

const FNV_BASIS: u32 = 0x811c_9dc5;
const FNV_PRIME: u32 = 0x0100_0193;
/// The bits of a [`Gram`]: four code points and the length.
const GRAM_BITS: u32 = 87;
/// The two code points of a bigram, once shifted down from where [`Gram`] keeps them.
const BIGRAM_MASK: u128 = (1 << 42) - 1;

/// Every gram of 1..=MAX_GRAM characters starting at each position of each stream, with
/// counts per field, and the positions of every bigram, placed in `a` counts shards and
/// `b` positions shards (powers of two).
///
/// Each occurrence is one `u128` key, shard in the top bits, so that one sort of plain
/// integers groups occurrences by shard, then gram, then field (then position): several
/// times faster than counting in a hash map (the index's largest cost once), and one
/// sort instead of two (by gram, then again by shard). The shard hash is built one
/// character at a time along with the gram.
pub fn doc_grams(doc: &DocStreams, a: u32, b: u32) -> DocGrams {
    let chars: usize = doc.fields.iter().map(|s| s.len()).sum();
    let mut grams: Vec<u128> = Vec::with_capacity(chars * MAX_GRAM);
    let mut bigrams: Vec<u128> = Vec::with_capacity(chars);
    for (field, s) in doc.fields.iter().enumerate() {
        for start in 0..s.len() {
            let (mut hash, mut gram) = (FNV_BASIS, 0u128);
            for n in 1..=MAX_GRAM.min(s.len() - start) {
                let c = s[start + n - 1];
                if c == SEP {
                    break;
                }
                hash = (hash ^ c as u32).wrapping_mul(FNV_PRIME);
                gram |= (c as u128) << (21 * (MAX_GRAM - n));
                let g = gram | (n as u128) << 84;
                grams.push(((hash & (a - 1)) as u128) << 96 | g << 2 | field as u128);
                if n == 2 {
                    // The bigram's two code points, then field and position.
                    bigrams.push(
                        ((hash & (b - 1)) as u128) << 96
                            | (g >> 42 & BIGRAM_MASK) << 34
                            | (field as u128) << 32
                            | start as u128,
                    );
                }
            }
        }
    }
    let grams = sort_sharded(grams, a);
    let bigrams = sort_sharded(bigrams, b);

    let gram_mask = (1u128 << GRAM_BITS) - 1;
    let mut counts: Vec<GramCounts> = Vec::new();
    let group = |key: u128| (key >> 96) as usize / SHARDS_PER_GROUP;
    let mut counts_start = vec![0u32; groups(a) + 1];
    for records in grams.chunk_by(|x, y| (x >> 2) & gram_mask == (y >> 2) & gram_mask) {
        let mut c = Counts::default();
        for &key in records {
            c.0[(key & 3) as usize] += 1;
        }
        counts_start[group(records[0]) + 1] += 1;
        counts.push(GramCounts::new(Gram((records[0] >> 2) & gram_mask), c));
    }
    let mut positions: Vec<Gram> = Vec::new();
    let mut positions_start = vec![0u32; groups(b) + 1];
    let (mut heads, mut tails) = (ByteRuns::default(), ByteRuns::default());
    let bigram = |key: u128| Gram((key >> 34 & BIGRAM_MASK) << 42 | 2 << 84);
    let mut run = Positions::default();
    for records in bigrams.chunk_by(|x, y| bigram(*x) == bigram(*y)) {
        run.iter_mut().for_each(Vec::clear);
        for &key in records {
            run[((key >> 32) & 3) as usize].push(key as u32);
        }
        put_positions(heads.open(), tails.open(), &run);
        heads.end_run();
        tails.end_run();
        positions_start[group(records[0]) + 1] += 1;
        positions.push(bigram(records[0]));
    }
    for starts in [&mut counts_start, &mut positions_start] {
        for k in 1..starts.len() {
            starts[k] += starts[k - 1];
        }
    }
    DocGrams {
        counts,
        counts_start,
        positions,
        positions_start,
        heads,
        tails,
    }
}

/// Where `query` (normalised, 2+ characters) occurs in `doc` according to bigram
/// positions alone: what the browser computes from the position lists. Used by the
/// tests to check the index against a plain scan.
pub fn match_positions(positions: &HashMap<Gram, Positions>, query: &[char], field: usize) -> Vec<u32> {
    let bigrams: Vec<Gram> = query.windows(2).map(Gram::new).collect();
    let Some(first) = positions.get(&bigrams[0]) else {
        return Vec::new();
    };
    first[field]
        .iter()
        .copied()
        .filter(|&p| {
            bigrams.iter().enumerate().skip(1).all(|(i, g)| {
                positions
                    .get(g)
                    .is_some_and(|ps| ps[field].binary_search(&(p + i as u32)).is_ok())
            })
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keys_sorted_shard_by_shard_are_sorted() {
        // Keys as doc_grams makes them: a shard below 64 in the top bits, anything below.
        let mut x: u64 = 0x9e37_79b9_7f4a_7c15;
        let mut next = || {
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            x
        };
        let keys: Vec<u128> = (0..5000)
            .map(|_| u128::from(next() % 64) << 96 | u128::from(next() % 300) << 40 | u128::from(next() % 4))
            .collect();
        let mut expected = keys.clone();
        expected.sort_unstable();
        assert_eq!(sort_sharded(keys, 64), expected);
        assert_eq!(sort_sharded(vec![3 << 96, 1, 2 << 96, 0], 4), [0, 1, 2 << 96, 3 << 96]);
        assert!(sort_sharded(Vec::new(), 16).is_empty());
    }

    #[test]
    fn grams_pack_and_unpack() {
        let g = Gram::new(&['恒', '温', '𠮷', 'a']);
        assert_eq!(g.len(), 4);
        assert_eq!(g.chars().collect::<String>(), "恒温𠮷a");
        assert!(Gram::new(&['a']) != Gram::new(&['a', 'a']));
        // FNV-1a of "a" (0x61) is well known.
        assert_eq!(Gram::new(&['a']).hash(), 0xe40c_292c);
    }

    #[test]
    fn gram_hash_is_built_one_character_at_a_time() {
        // doc_grams computes Gram::hash incrementally; a gram lands in the shard its
        // whole-gram hash names.
        let d = DocStreams::new("", [], ["恒温恒湿𠮷a检测"]);
        for shards in [1, 8, 64] {
            let g = doc_grams(&d, shards, shards);
            for group in 0..groups(shards) {
                let in_group = |gram: Gram| (gram.hash() & (shards - 1)) as usize / SHARDS_PER_GROUP == group;
                let counts: Vec<Gram> = g.counts_in_group(group).iter().map(|r| r.gram()).collect();
                for gram in &counts {
                    assert!(in_group(*gram), "{}", gram.chars().collect::<String>());
                }
                let shards_of: Vec<u32> = counts.iter().map(|g| g.hash() & (shards - 1)).collect();
                assert!(shards_of.is_sorted(), "ordered by shard within the group");
                for (gram, _, _) in g.positions_in_group(group) {
                    assert_eq!(gram.len(), 2);
                    assert!(in_group(gram));
                }
            }
            assert_eq!(g.counts.len(), doc_grams(&d, 1, 1).counts.len());
        }
    }

    #[test]
    fn streams_do_not_join_units() {
        let d = DocStreams::new("标题", ["一、前言", ""], ["恒温", "恒湿"]);
        assert_eq!(d.fields[BODY].iter().collect::<String>(), "恒温\n恒湿");
        let g = doc_grams(&d, 1, 1);
        let has = |s: &str| {
            let cs: Vec<char> = s.chars().collect();
            g.counts.iter().any(|r| r.gram() == Gram::new(&cs))
        };
        assert!(has("恒温") && has("恒湿") && has("前言"));
        assert!(!has("温恒"), "no gram across blocks");
        assert!(!has("题一"), "no gram across fields");
    }
}
