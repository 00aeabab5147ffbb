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
//! - a longer query c1..ck occurs at p iff every bigram (ci, ci+1) occurs at p+i-1, so
//!   the positions of its bigrams, intersected with shifts, give exact matches. The
//!   documents holding all of its 4-grams are the candidates, checked that way.
//!
//! A document is three streams, each a list of units joined by [`SEP`]: its title, its
//! headings, its body blocks. Positions are code-point offsets within a stream, and no
//! gram spans a separator.

use std::collections::HashMap;

use super::normalize::{SEP, normalize};

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

/// A bigram's positions in one document, per field.
pub type Positions = [Vec<u32>; 3];

/// One document's grams, restricted to those a pass keeps (`keep_gram`,
/// `keep_bigram`: by shard), sorted by gram.
#[derive(Debug, Default)]
pub struct DocGrams {
    pub counts: Vec<(Gram, Counts)>,
    pub positions: Vec<(Gram, Positions)>,
}

/// Every gram of 1..=MAX_GRAM characters starting at each position of each stream, with
/// counts; and the positions of every bigram. `keep_*` filter by shard so that a large
/// site is indexed in several passes of bounded memory.
///
/// Occurrences are collected in a list and sorted rather than counted in a hash map: a
/// report has some 50,000 of them, and sorting plain integers is several times faster
/// than hashing each into a map (the map was the index's largest cost).
pub fn doc_grams(doc: &DocStreams, keep_gram: impl Fn(Gram) -> bool, keep_bigram: impl Fn(Gram) -> bool) -> DocGrams {
    let mut grams: Vec<(Gram, u8)> = Vec::new();
    let mut bigrams: Vec<(Gram, u8, u32)> = Vec::new();
    for (field, s) in doc.fields.iter().enumerate() {
        for start in 0..s.len() {
            if s[start] == SEP {
                continue;
            }
            for n in 1..=MAX_GRAM {
                let end = start + n;
                if end > s.len() || s[end - 1] == SEP {
                    break;
                }
                let g = Gram::new(&s[start..end]);
                if keep_gram(g) {
                    grams.push((g, field as u8));
                }
                if n == 2 && keep_bigram(g) {
                    bigrams.push((g, field as u8, start as u32));
                }
            }
        }
    }
    grams.sort_unstable();
    let mut counts: Vec<(Gram, Counts)> = Vec::new();
    for (g, field) in grams {
        match counts.last_mut() {
            Some((last, c)) if *last == g => c.0[usize::from(field)] += 1,
            _ => {
                let mut c = Counts::default();
                c.0[usize::from(field)] = 1;
                counts.push((g, c));
            }
        }
    }
    // Sorted by gram, then field, then position: each field's positions ascending.
    bigrams.sort_unstable();
    let mut positions: Vec<(Gram, Positions)> = Vec::new();
    for (g, field, at) in bigrams {
        if positions.last().is_none_or(|(last, _)| *last != g) {
            positions.push((g, Positions::default()));
        }
        if let Some((_, p)) = positions.last_mut() {
            p[usize::from(field)].push(at);
        }
    }
    DocGrams { counts, positions }
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
    fn grams_pack_and_unpack() {
        let g = Gram::new(&['恒', '温', '𠮷', 'a']);
        assert_eq!(g.len(), 4);
        assert_eq!(g.chars().collect::<String>(), "恒温𠮷a");
        assert!(Gram::new(&['a']) != Gram::new(&['a', 'a']));
        // FNV-1a of "a" (0x61) is well known.
        assert_eq!(Gram::new(&['a']).hash(), 0xe40c_292c);
    }

    #[test]
    fn streams_do_not_join_units() {
        let d = DocStreams::new("标题", ["一、前言", ""], ["恒温", "恒湿"]);
        assert_eq!(d.fields[BODY].iter().collect::<String>(), "恒温\n恒湿");
        let g = doc_grams(&d, |_| true, |_| true);
        let has = |s: &str| {
            let cs: Vec<char> = s.chars().collect();
            g.counts.iter().any(|(k, _)| *k == Gram::new(&cs))
        };
        assert!(has("恒温") && has("恒湿") && has("前言"));
        assert!(!has("温恒"), "no gram across blocks");
        assert!(!has("题一"), "no gram across fields");
    }
}
