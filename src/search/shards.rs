//! The index's files: posting lists, delta- and varint-encoded, grouped into shards by
//! a hash of their gram and gzip-compressed (the browser inflates them with
//! `DecompressionStream('gzip')`: no WASM, no eval).
//!
//! A shard, once inflated, is a sequence of entries:
//!
//! ```text
//! varint n, n × varint code point      the gram
//! varint documents                     how many documents the list holds
//! varint bytes                         length of the list that follows
//! list                                 per document, in document order:
//!   varint document delta              (id - previous id - 1; the first: id)
//!   counts list (`a/` shards):         varint (total << 2 | in title << 1 | in a heading)
//!   positions list (`b/` shards):      varint (body count << 2 | title? << 1 | heading?),
//!                                      varint title count if flagged, varint heading
//!                                      count if flagged
//!   then, for positions lists only, after all documents: per document in the same order,
//!   its title, heading and body positions, each run delta-encoded (p - previous - 1)
//! ```
//!
//! Keeping the positions apart from the document headers makes the lists about 4%
//! smaller once compressed (measured on the generated corpus): gzip models each kind
//! of number better alone.
//!
//! search.js's `readShard` / `readCounts` / `readPositions` decode exactly this.

use std::io::Write as _;

use flate2::Compression;
use flate2::write::GzEncoder;

use super::index::{BODY, Counts, Gram, HEADING, MAX_GRAM, Positions, TITLE};

pub fn put_varint(out: &mut Vec<u8>, mut v: u64) {
    while v >= 0x80 {
        out.push((v as u8) | 0x80);
        v >>= 7;
    }
    out.push(v as u8);
}

/// Reads a varint at `*at`, advancing it. `None` at the end or on a malformed number.
pub fn get_varint(bytes: &[u8], at: &mut usize) -> Option<u64> {
    let mut v = 0u64;
    for shift in (0..64).step_by(7) {
        let b = *bytes.get(*at)?;
        *at += 1;
        v |= u64::from(b & 0x7f) << shift;
        if b < 0x80 {
            return Some(v);
        }
    }
    None
}

/// The counts value of one document: total occurrences and where they are.
pub fn counts_value(c: Counts) -> u64 {
    (u64::from(c.total()) << 2) | (u64::from(c.0[TITLE] > 0) << 1) | u64::from(c.0[HEADING] > 0)
}

fn put_run(out: &mut Vec<u8>, ps: &[u32]) {
    let mut prev: i64 = -1;
    for &p in ps {
        put_varint(out, (i64::from(p) - prev - 1) as u64);
        prev = i64::from(p);
    }
}

/// One document's positions of one bigram: its header into `head`, the positions into
/// `tail`.
pub fn put_positions(head: &mut Vec<u8>, tail: &mut Vec<u8>, p: &Positions) {
    let header =
        ((p[BODY].len() as u64) << 2) | (u64::from(!p[TITLE].is_empty()) << 1) | u64::from(!p[HEADING].is_empty());
    put_varint(head, header);
    for field in [TITLE, HEADING] {
        if !p[field].is_empty() {
            put_varint(head, p[field].len() as u64);
        }
    }
    for field in [TITLE, HEADING, BODY] {
        put_run(tail, &p[field]);
    }
}

/// Short byte strings appended one after another into one buffer and found again by
/// number: one allocation for the thousands of encoded entries of a document or a
/// shard, where a `Vec` each was as many small allocations.
#[derive(Debug, Default)]
pub struct ByteRuns {
    bytes: Vec<u8>,
    /// Where each run ends in `bytes`; it starts where the one before ends.
    ends: Vec<u32>,
}

impl ByteRuns {
    /// The buffer to write the next run into; [`ByteRuns::end_run`] closes it.
    pub fn open(&mut self) -> &mut Vec<u8> {
        &mut self.bytes
    }

    pub fn end_run(&mut self) {
        self.ends.push(self.bytes.len() as u32);
    }

    pub fn push(&mut self, run: &[u8]) {
        self.bytes.extend_from_slice(run);
        self.end_run();
    }

    /// The i-th run.
    pub fn get(&self, i: usize) -> &[u8] {
        let start = i.checked_sub(1).map_or(0, |p| self.ends[p] as usize);
        &self.bytes[start..self.ends[i] as usize]
    }

    /// Bytes in all runs.
    pub fn bytes(&self) -> usize {
        self.bytes.len()
    }
}

/// Posting lists of one shard, filled document by document in increasing id order.
///
/// Entries are appended to flat buffers and sorted by gram once, when encoded: a map
/// from gram to list, looked up for each of the index's tens of millions of entries,
/// cost more than the sort.
#[derive(Default)]
pub struct ShardBuilder {
    /// Each entry's gram and document; its bytes are the same-numbered runs of `heads`
    /// and `tails`.
    entries: Vec<(Gram, u32)>,
    heads: ByteRuns,
    tails: ByteRuns,
}

impl ShardBuilder {
    /// Appends document `doc`'s entry for `gram`: `head` after its document delta,
    /// `tail` (positions) to the end part. Documents must come in increasing order.
    pub fn push(&mut self, gram: Gram, doc: u32, head: &[u8], tail: &[u8]) {
        debug_assert!(self.entries.last().is_none_or(|e| e.1 <= doc));
        self.heads.push(head);
        self.tails.push(tail);
        self.entries.push((gram, doc));
    }

    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }

    /// The shard's bytes before compression, entries sorted by gram; lists of fewer
    /// than `min_docs` documents are left out.
    pub fn encode(&self, min_docs: u64) -> Vec<u8> {
        // Stable: within a gram, entries stay in document order.
        let mut order: Vec<u32> = (0..self.entries.len() as u32).collect();
        order.sort_by_key(|&i| self.entries[i as usize].0);
        let mut out = Vec::with_capacity(self.heads.bytes() + self.tails.bytes() + 8 * self.entries.len());
        let mut list = Vec::new();
        for run in order.chunk_by(|&x, &y| self.entries[x as usize].0 == self.entries[y as usize].0) {
            if (run.len() as u64) < min_docs {
                continue;
            }
            list.clear();
            let mut last: Option<u32> = None;
            for &i in run {
                let doc = self.entries[i as usize].1;
                let delta = last.map_or(doc, |l| doc - l - 1);
                put_varint(&mut list, u64::from(delta));
                list.extend_from_slice(self.heads.get(i as usize));
                last = Some(doc);
            }
            for &i in run {
                list.extend_from_slice(self.tails.get(i as usize));
            }
            put_entry(&mut out, self.entries[run[0] as usize].0, run.len() as u64, &[&list]);
        }
        out
    }
}

/// Appends one entry: `gram`, its number of documents, and its list made of `list`'s
/// pieces one after another.
pub fn put_entry(out: &mut Vec<u8>, gram: Gram, docs: u64, list: &[&[u8]]) {
    put_varint(out, gram.len() as u64);
    for c in gram.chars() {
        put_varint(out, u64::from(c as u32));
    }
    put_varint(out, docs);
    put_varint(out, list.iter().map(|l| l.len() as u64).sum());
    for l in list {
        out.extend_from_slice(l);
    }
}

/// One entry of an inflated shard, its list borrowed.
pub struct RawEntry<'a> {
    pub gram: Gram,
    pub docs: u64,
    pub list: &'a [u8],
}

/// The entries of an inflated shard, in order; `None` if it is malformed.
pub fn entries(bytes: &[u8]) -> Option<Vec<RawEntry<'_>>> {
    let mut at = 0;
    let mut out = Vec::new();
    while at < bytes.len() {
        let n = get_varint(bytes, &mut at)? as usize;
        let mut chars = ['\0'; MAX_GRAM];
        for c in chars.get_mut(..n).filter(|c| !c.is_empty())? {
            *c = char::from_u32(get_varint(bytes, &mut at)? as u32)?;
        }
        let docs = get_varint(bytes, &mut at)?;
        let len = get_varint(bytes, &mut at)? as usize;
        out.push(RawEntry {
            gram: Gram::new(&chars[..n]),
            docs,
            list: bytes.get(at..at + len)?,
        });
        at += len;
    }
    Some(out)
}

/// Gzip at zlib's default level: on this index's shards level 9 saved under 0.1% of the
/// bytes for twice the time (the index took some 4 s of CPU in deflate at 1,300 reports).
pub fn gzip(bytes: &[u8]) -> Vec<u8> {
    let mut enc = GzEncoder::new(Vec::with_capacity(bytes.len() / 3 + 64), Compression::default());
    enc.write_all(bytes).expect("writing to memory");
    enc.finish().expect("writing to memory")
}

/// Gzip at level 3: for counts shards, which an edit of one report touches nearly all
/// of. On the 400 largest of the generated 13,000 reports (24 MB inflated) level 6
/// took 868 ms and made 8.15 MB, level 3 268 ms and 8.50 MB (4.2% more; level 2 was
/// 9.8% more, Huffman coding only 15%).
pub fn gzip_fast(bytes: &[u8]) -> Vec<u8> {
    gzip_with(bytes, 3, zlib_rs::Strategy::Default)
}

/// Gzip at `level` with `strategy`. `flate2` does not expose zlib's strategies; its
/// backend, `zlib-rs`, does.
fn gzip_with(bytes: &[u8], level: i32, strategy: zlib_rs::Strategy) -> Vec<u8> {
    /// A gzip header and trailer, beyond the zlib wrapper `compress_bound` counts.
    const GZIP_MORE: usize = 32;
    let config = zlib_rs::DeflateConfig {
        level,
        // 16 + 15: a gzip wrapper and a 32 KiB window.
        window_bits: 31,
        strategy,
        ..zlib_rs::DeflateConfig::default()
    };
    let mut out = vec![0u8; zlib_rs::compress_bound(bytes.len()) + GZIP_MORE];
    let (made, code) = zlib_rs::compress_slice(&mut out, bytes, config);
    if code != zlib_rs::ReturnCode::Ok {
        // Not expected with a buffer this size; still a valid file.
        return gzip(bytes);
    }
    let len = made.len();
    out.truncate(len);
    out
}

/// A power of two near `total / per_shard`, at least 16: shards of roughly
/// `per_shard` units each, and a mask the browser can apply to the hash.
pub fn shard_count(total: usize, per_shard: usize) -> u32 {
    (total / per_shard.max(1)).clamp(16, 1 << 16).next_power_of_two() as u32
}

/// One entry of a decoded shard (tests, and the benchmark's sanity checks).
#[derive(Debug, PartialEq)]
pub struct Entry {
    pub gram: String,
    pub docs: u64,
    pub list: Vec<u8>,
}

/// Decodes an inflated shard: the reference for search.js's `readShard`.
pub fn read_shard(bytes: &[u8]) -> Option<Vec<Entry>> {
    Some(
        entries(bytes)?
            .into_iter()
            .map(|e| Entry {
                gram: e.gram.chars().collect(),
                docs: e.docs,
                list: e.list.to_vec(),
            })
            .collect(),
    )
}

/// Decodes a counts list into (document, counts value).
pub fn read_counts(list: &[u8]) -> Option<Vec<(u32, u64)>> {
    let mut at = 0;
    let mut doc: i64 = -1;
    let mut out = Vec::new();
    while at < list.len() {
        doc += get_varint(list, &mut at)? as i64 + 1;
        out.push((doc as u32, get_varint(list, &mut at)?));
    }
    Some(out)
}

fn read_run(list: &[u8], at: &mut usize, n: u64) -> Option<Vec<u32>> {
    let mut prev: i64 = -1;
    (0..n)
        .map(|_| {
            prev += get_varint(list, at)? as i64 + 1;
            Some(prev as u32)
        })
        .collect()
}

/// Decodes a positions list of `docs` documents into (document, positions per field).
pub fn read_positions(list: &[u8], docs: u64) -> Option<Vec<(u32, Positions)>> {
    let mut at = 0;
    let mut doc: i64 = -1;
    let mut heads = Vec::new();
    for _ in 0..docs {
        doc += get_varint(list, &mut at)? as i64 + 1;
        let header = get_varint(list, &mut at)?;
        let mut n = [0, 0, header >> 2];
        for (field, flag) in [(TITLE, 2), (HEADING, 1)] {
            if header & flag != 0 {
                n[field] = get_varint(list, &mut at)?;
            }
        }
        heads.push((doc as u32, n));
    }
    let mut out = Vec::with_capacity(heads.len());
    for (doc, n) in heads {
        let mut p: Positions = Default::default();
        for field in [TITLE, HEADING, BODY] {
            p[field] = read_run(list, &mut at, n[field])?;
        }
        out.push((doc, p));
    }
    (at == list.len()).then_some(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn varints_round_trip() {
        let mut out = Vec::new();
        for v in [0u64, 1, 127, 128, 300, 16_383, 16_384, u64::from(u32::MAX)] {
            out.clear();
            put_varint(&mut out, v);
            let mut at = 0;
            assert_eq!(get_varint(&out, &mut at), Some(v));
            assert_eq!(at, out.len());
        }
        assert_eq!(get_varint(&[0x80], &mut 0), None, "truncated");
    }

    #[test]
    fn shards_round_trip() {
        let g = Gram::new(&['恒', '温']);
        let mut s = ShardBuilder::default();
        for (doc, p) in [
            (3u32, [vec![], vec![4], vec![0, 7, 8]]),
            (9, [vec![1], vec![], vec![]]),
            (10, [vec![], vec![], vec![100_000]]),
        ] {
            let (mut head, mut tail) = (Vec::new(), Vec::new());
            put_positions(&mut head, &mut tail, &p);
            s.push(g, doc, &head, &tail);
        }
        assert!(read_shard(&s.encode(4)).unwrap().is_empty());
        let entries = read_shard(&s.encode(0)).unwrap();
        assert_eq!(entries.len(), 1);
        assert_eq!(entries[0].gram, "恒温");
        assert_eq!(entries[0].docs, 3);
        let decoded = read_positions(&entries[0].list, entries[0].docs).unwrap();
        assert_eq!(decoded[0], (3, [vec![], vec![4], vec![0, 7, 8]]));
        assert_eq!(decoded[1], (9, [vec![1], vec![], vec![]]));
        assert_eq!(decoded[2], (10, [vec![], vec![], vec![100_000]]));
        assert_eq!(shard_count(0, 8), 16);
        assert_eq!(shard_count(100_000, 10), 16_384);
    }
}
