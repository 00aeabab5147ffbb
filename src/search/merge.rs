//! Partial shards, one per pass, merged into the shard one pass would have made.
//!
//! A large site is indexed in passes over consecutive ranges of documents, so that each
//! document's grams are computed once and a pass holds only its range's. Each pass
//! writes, for every shard, the shard of its own documents (in the format of
//! [`super::shards`], nothing left out); the passes' parts of a shard are then merged
//! here: lists of the same gram are joined in document order (the first document of a
//! later part is written again as a delta from the last of the part before), a
//! positions list keeps its documents' headers ahead of their positions, and lists of
//! too few documents are left out only now, when their whole count is known.
//!
//! Why passes over documents rather than over shards (as before): each pass then had to
//! compute every document's grams again to keep its share, which made the index grow
//! with the square of the site (21 passes at 13,000 reports).

use super::shards::{RawEntry, entries, get_varint, put_entry, put_varint};

/// A list's documents: the last one's id, and where their headers end (the whole list
/// for counts; positions follow the headers in a positions list).
fn scan(list: &[u8], docs: u64, positions: bool) -> Option<(u64, usize)> {
    let mut at = 0;
    let mut doc: Option<u64> = None;
    for _ in 0..docs {
        let delta = get_varint(list, &mut at)?;
        doc = Some(doc.map_or(delta, |d| d + delta + 1));
        let value = get_varint(list, &mut at)?;
        if positions {
            // The title and heading counts, when flagged (see `put_positions`).
            for flag in [2, 1] {
                if value & flag != 0 {
                    get_varint(list, &mut at)?;
                }
            }
        }
    }
    Some((doc?, if positions { at } else { list.len() }))
}

/// Merges the parts of one shard, made by passes over consecutive document ranges and
/// given in pass order; lists of fewer than `min_docs` documents are left out. `None`
/// if a part is malformed.
pub fn merge(parts: &[Vec<u8>], min_docs: u64, positions: bool) -> Option<Vec<u8>> {
    let mut all: Vec<RawEntry> = Vec::new();
    for part in parts {
        all.extend(entries(part)?);
    }
    // Stable: a gram's lists stay in pass order, hence in document order.
    all.sort_by_key(|e| e.gram);
    let mut out = Vec::with_capacity(parts.iter().map(Vec::len).sum());
    let (mut heads, mut tails) = (Vec::new(), Vec::new());
    for run in all.chunk_by(|x, y| x.gram == y.gram) {
        let docs: u64 = run.iter().map(|e| e.docs).sum();
        if docs < min_docs {
            continue;
        }
        heads.clear();
        tails.clear();
        let mut last: Option<u64> = None;
        for e in run {
            let (last_doc, heads_end) = scan(e.list, e.docs, positions)?;
            let mut at = 0;
            let first = get_varint(e.list, &mut at)?;
            put_varint(&mut heads, last.map_or(Some(first), |l| first.checked_sub(l + 1))?);
            heads.extend_from_slice(&e.list[at..heads_end]);
            tails.extend_from_slice(&e.list[heads_end..]);
            last = Some(last_doc);
        }
        put_entry(&mut out, run[0].gram, docs, &[&heads, &tails]);
    }
    Some(out)
}
