//! Positions shards compressed in segments that do not depend on one another, so that
//! patching a shard ([`super::patch`]) compresses again only the segments an edit
//! changed.
//!
//! The shard of a common bigram's positions is megabytes: the list of every document
//! that has the bigram. An edit of one report changes a few bytes in the middle of it,
//! and compressing the whole shard again was most of the time `serve` took to patch the
//! index. So the inflated shard is cut where its content says (content-defined
//! chunking: a rolling hash over the last 64 bytes, as backup tools cut files), every
//! segment is compressed alone with Huffman coding and ends with an empty stored block
//! (zlib's sync flush), and the segments follow each other in one ordinary gzip member.
//! An edit changes the segments around the bytes it changed; the cuts before and after
//! fall where they fell, the segments between them are the same bytes, and so are their
//! compressed forms, which a patch copies from the previous file.
//!
//! Huffman coding only, no search for repeated strings: delta-encoded positions hardly
//! repeat. On the 400 largest positions shards of the generated 13,000 reports (159 MB
//! inflated) zlib's default level took 3.7 s and made 130.8 MB; Huffman coding alone
//! took 1.0 s and made 131.8 MB (0.8% more).
//!
//! The browser inflates the file as any other gzip file. A full build and a patch make
//! the same bytes (the patch's tests compare them).
//!
//! Hand-written: no content-defined chunking crate is among the dependencies at hand,
//! and the cut rule is a few lines over a table of 256 numbers.

use zlib_rs::{Deflate, DeflateConfig, DeflateFlush, Strategy};

/// A cut is never made closer than this to the previous one (bytes)...
const MIN_SEGMENT: usize = 8 * 1024;
/// ...always made this far from it...
const MAX_SEGMENT: usize = 128 * 1024;
/// ...and in between after a byte where the hash's top bits are zero: one byte in 32 Ki,
/// so segments average some 40 KiB. Each costs its own Huffman tables (about 100
/// bytes compressed) and the 5 bytes of the flush.
const CUT_MASK: u64 = 0xFFFE_0000_0000_0000;

/// The gzip header: no name, no time, unknown system (as zlib writes it, but for the
/// system byte, which no reader looks at).
const HEADER: [u8; 10] = [0x1f, 0x8b, 8, 0, 0, 0, 0, 0, 0, 0xff];
/// The last block: empty, fixed Huffman codes, marked final.
const LAST_BLOCK: [u8; 2] = [0x03, 0x00];
/// How a sync flush ends a segment: an empty stored block's length and its complement.
const SYNC: [u8; 4] = [0, 0, 0xff, 0xff];

/// The gear table: 256 numbers from a fixed seed (SplitMix64), so that every build cuts
/// the same way.
const GEAR: [u64; 256] = {
    let mut table = [0u64; 256];
    let mut state: u64 = 0x6a09_e667_f3bc_c908;
    let mut i = 0;
    while i < 256 {
        state = state.wrapping_add(0x9e37_79b9_7f4a_7c15);
        let mut z = state;
        z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
        table[i] = z ^ (z >> 31);
        i += 1;
    }
    table
};

/// Where `bytes` is cut into segments: the end of each, the last at `bytes.len()`.
/// A cut depends only on the 64 bytes before it and on the distance to the previous
/// cut, so an edit moves the cuts near it and no others (once past `MIN_SEGMENT`).
pub fn cuts(bytes: &[u8]) -> Vec<usize> {
    let mut out = Vec::with_capacity(bytes.len() / (32 * 1024) + 1);
    let mut start = 0;
    while start < bytes.len() {
        let end = (start + MAX_SEGMENT).min(bytes.len());
        let mut cut = end;
        let mut hash: u64 = 0;
        // The hash over the bytes before the earliest possible cut matters: it carries
        // the last 64 of them.
        let from = (start + MIN_SEGMENT).saturating_sub(64).max(start);
        for (i, &b) in bytes.iter().enumerate().take(end).skip(from) {
            hash = (hash << 1).wrapping_add(GEAR[usize::from(b)]);
            if i + 1 >= start + MIN_SEGMENT && hash & CUT_MASK == 0 {
                cut = i + 1;
                break;
            }
        }
        out.push(cut);
        start = cut;
    }
    out
}

/// Compresses segments one after another with one deflate state, reset between them.
struct Compressor {
    deflate: Deflate,
}

impl Compressor {
    fn new() -> Compressor {
        let config = DeflateConfig {
            // Raw deflate: the gzip wrapper is written here, once for all segments.
            window_bits: -15,
            strategy: Strategy::HuffmanOnly,
            ..DeflateConfig::default()
        };
        Compressor {
            deflate: Deflate::new_with_config(config),
        }
    }

    /// Appends `segment` compressed alone, ending in a sync flush; false if zlib did not
    /// take it all (not expected: the room given is zlib's bound).
    fn segment(&mut self, segment: &[u8], out: &mut Vec<u8>) -> bool {
        self.deflate.reset();
        let start = out.len();
        out.resize(start + zlib_rs::compress_bound(segment.len()) + 16, 0);
        let result = self
            .deflate
            .compress(segment, &mut out[start..], DeflateFlush::SyncFlush);
        out.truncate(start + self.deflate.total_out() as usize);
        result.is_ok() && self.deflate.total_in() as usize == segment.len()
    }
}

/// A gzip file of `bytes` in segments (or, should zlib fail on one, in one piece).
pub fn gzip(bytes: &[u8]) -> Vec<u8> {
    let mut compressor = Compressor::new();
    let mut out = Vec::with_capacity(bytes.len() + 64);
    out.extend_from_slice(&HEADER);
    let mut start = 0;
    for end in cuts(bytes) {
        if !compressor.segment(&bytes[start..end], &mut out) {
            return super::shards::gzip(bytes);
        }
        start = end;
    }
    finish(out, bytes)
}

/// The last block and the trailer (CRC-32 and length of `bytes`, inflated).
fn finish(mut out: Vec<u8>, bytes: &[u8]) -> Vec<u8> {
    out.extend_from_slice(&LAST_BLOCK);
    out.extend_from_slice(&zlib_rs::crc32::crc32(0, bytes).to_le_bytes());
    out.extend_from_slice(&(bytes.len() as u32).to_le_bytes());
    out
}

/// The gzip file of `new`, as [`gzip`] makes it, given the file `old_gz` that [`gzip`]
/// made of `old`: the segments of `new` that are segments of `old` are copied from
/// `old_gz`, the others compressed. If `old_gz` cannot be read as segments of `old`
/// (another format, or a compressed segment that happens to hold the bytes of a flush),
/// every segment is compressed.
pub fn regzip(old_gz: &[u8], old: &[u8], new: &[u8]) -> Vec<u8> {
    let known = compressed_segments(old_gz, old).unwrap_or_default();
    let mut compressor = Compressor::new();
    let mut out = Vec::with_capacity(old_gz.len() + 1024);
    out.extend_from_slice(&HEADER);
    let mut start = 0;
    for end in cuts(new) {
        let segment = &new[start..end];
        match known.iter().find(|(inflated, _)| *inflated == segment) {
            Some((_, compressed)) => out.extend_from_slice(compressed),
            None if compressor.segment(segment, &mut out) => {}
            None => return gzip(new),
        }
        start = end;
    }
    finish(out, new)
}

/// `old`'s segments, each with its compressed bytes in `old_gz`; `None` unless `old_gz`
/// holds exactly one flush per segment of `old`, its last at the end.
fn compressed_segments<'a>(old_gz: &'a [u8], old: &'a [u8]) -> Option<Vec<(&'a [u8], &'a [u8])>> {
    let body_end = old_gz.len().checked_sub(LAST_BLOCK.len() + 8)?;
    let body = old_gz.get(HEADER.len()..body_end)?;
    if old_gz.get(..HEADER.len())? != HEADER || old_gz.get(body_end..body_end + 2)? != LAST_BLOCK {
        return None;
    }
    let flush_ends: Vec<usize> = body
        .windows(SYNC.len())
        .enumerate()
        .filter(|(_, w)| *w == SYNC)
        .map(|(i, _)| i + SYNC.len())
        .collect();
    let cuts = cuts(old);
    if flush_ends.len() != cuts.len() || flush_ends.last().is_some_and(|&e| e != body.len()) {
        return None;
    }
    let mut out = Vec::with_capacity(cuts.len());
    let (mut start, mut at) = (0, 0);
    for (end, flush_end) in cuts.into_iter().zip(flush_ends) {
        out.push((&old[start..end], &body[at..flush_end]));
        (start, at) = (end, flush_end);
    }
    Some(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Bytes that look like positions lists: small varints, some runs.
    fn sample(n: usize, seed: u64) -> Vec<u8> {
        let mut state = seed;
        (0..n)
            .map(|_| {
                state = state
                    .wrapping_mul(6_364_136_223_846_793_005)
                    .wrapping_add(1_442_695_040_888_963_407);
                ((state >> 33) % 97) as u8
            })
            .collect()
    }

    fn gunzip(gz: &[u8]) -> Vec<u8> {
        crate::search::patch::gunzip(gz).expect("a gzip file")
    }

    #[test]
    fn segments_make_one_gzip_file_of_the_bytes() {
        for n in [0, 1, 100, MIN_SEGMENT, 300_000, 1_000_000] {
            let bytes = sample(n, 7);
            let gz = gzip(&bytes);
            assert_eq!(gunzip(&gz), bytes, "{n} bytes");
            assert!(n < 100_000 || gz.len() < bytes.len(), "compressed: {} of {n}", gz.len());
        }
    }

    #[test]
    fn cuts_fall_between_the_limits_and_come_back_after_an_edit() {
        let bytes = sample(2_000_000, 3);
        let cuts = cuts(&bytes);
        assert_eq!(cuts.last(), Some(&bytes.len()));
        let sizes: Vec<usize> = cuts.iter().scan(0, |s, &c| Some(c - std::mem::replace(s, c))).collect();
        assert!(
            sizes[..sizes.len() - 1]
                .iter()
                .all(|&s| (MIN_SEGMENT..=MAX_SEGMENT).contains(&s))
        );
        assert!(sizes.len() > 10, "{} segments", sizes.len());

        // Ten bytes in, near the middle: the cuts before stay, and so do those after,
        // shifted by ten.
        let mut edited = bytes.clone();
        edited.splice(1_000_000..1_000_000, [1u8; 10]);
        let after = super::cuts(&edited);
        let before_edit: Vec<&usize> = cuts.iter().filter(|&&c| c < 1_000_000).collect();
        assert!(before_edit.iter().all(|c| after.contains(c)));
        let moved: Vec<usize> = cuts.iter().filter(|&&c| c > 1_200_000).map(|c| c + 10).collect();
        assert!(moved.iter().all(|c| after.contains(c)), "cuts after the edit come back");
    }

    #[test]
    fn a_patch_makes_the_bytes_a_full_compression_makes_and_copies_what_it_can() {
        let old = sample(1_500_000, 11);
        let old_gz = gzip(&old);
        let mut new = old.clone();
        new.splice(700_000..700_004, [5u8, 6, 7]);
        new.extend_from_slice(&[9; 1000]);
        assert_eq!(regzip(&old_gz, &old, &new), gzip(&new));
        assert_eq!(gunzip(&regzip(&old_gz, &old, &new)), new);
        let known = compressed_segments(&old_gz, &old).expect("segments found");
        assert_eq!(known.len(), cuts(&old).len());
        let reused = cuts(&new)
            .iter()
            .scan(0, |s, &c| Some(&new[std::mem::replace(s, c)..c]))
            .filter(|seg| known.iter().any(|(k, _)| k == seg))
            .count();
        assert!(
            reused + 3 >= cuts(&new).len(),
            "{reused} of {} copied",
            cuts(&new).len()
        );
    }

    #[test]
    fn a_file_of_another_format_is_compressed_again_whole() {
        let old = sample(200_000, 5);
        let plain = crate::search::shards::gzip(&old);
        assert!(compressed_segments(&plain, &old).is_none());
        let new = sample(210_000, 5);
        assert_eq!(regzip(&plain, &old, &new), gzip(&new));
        assert_eq!(regzip(&[1, 2, 3], &old, &new), gzip(&new));
    }
}
