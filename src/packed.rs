//! Bytes kept compressed while a build does not need them.
//!
//! A national site's sources are half a gigabyte of Chinese text, and every document's
//! plain text as much again; held as strings from loading to the end of the build, they
//! were most of its peak memory (#7). Both are read a few times per build, so they are
//! kept packed with zstd at its fastest level (hundreds of MB/s either way) and
//! unpacked where they are read. Packed, they were still some 190 MB at 13,000 reports,
//! so the build moves them on to its [`Shelf`] (a temporary file) once made.

use std::cell::RefCell;
use std::sync::Arc;

use crate::shelf::Shelf;

/// zstd's level: its fastest regular one (other levels were not measured here).
const LEVEL: i32 = 1;

/// Some bytes, compressed, with their length.
#[derive(Clone)]
pub struct Packed {
    len: usize,
    place: Place,
}

/// Where packed bytes are kept.
#[derive(Clone)]
enum Place {
    Memory(Box<[u8]>),
    /// `size` bytes at `offset` (see [`Packed::shelve`]).
    Shelf {
        shelf: Arc<Shelf>,
        offset: u64,
        size: usize,
    },
}

thread_local! {
    /// One decompression context per thread: making one per call took a quarter of the
    /// unpacking's time (perf, 1,300 reports).
    static UNPACKER: RefCell<Option<zstd::bulk::Decompressor<'static>>> = const { RefCell::new(None) };
}

impl Packed {
    pub fn new(plain: &[u8]) -> Packed {
        Packed {
            len: plain.len(),
            place: Place::Memory(
                zstd::bulk::compress(plain, LEVEL)
                    .expect("compressing to memory does not fail")
                    .into_boxed_slice(),
            ),
        }
    }

    /// The same bytes, moved to `shelf` (out of memory). Kept in memory if the shelf
    /// cannot take them: that costs memory, not correctness.
    pub fn shelve(&self, shelf: &Arc<Shelf>) -> Packed {
        let Place::Memory(bytes) = &self.place else {
            return self.clone();
        };
        match shelf.put(bytes) {
            Ok(offset) => Packed {
                len: self.len,
                place: Place::Shelf {
                    shelf: Arc::clone(shelf),
                    offset,
                    size: bytes.len(),
                },
            },
            Err(_) => self.clone(),
        }
    }

    /// Packed bytes as stored elsewhere ([`Packed::raw`]), `len` bytes unpacked. They
    /// are checked only when unpacked: see [`Packed::try_unpack`].
    pub fn from_raw(len: usize, bytes: Vec<u8>) -> Packed {
        Packed {
            len,
            place: Place::Memory(bytes.into_boxed_slice()),
        }
    }

    /// The packed bytes, to be stored and given back to [`Packed::from_raw`].
    pub fn raw(&self) -> std::borrow::Cow<'_, [u8]> {
        match &self.place {
            Place::Memory(bytes) => std::borrow::Cow::Borrowed(bytes),
            Place::Shelf { shelf, offset, size } => std::borrow::Cow::Owned(read_back(shelf, *offset, *size)),
        }
    }

    /// The bytes as they were given.
    ///
    /// # Panics
    /// If the shelf's temporary file cannot be read back: the build's own file, written
    /// moments before, gone or unreadable (a failing disk); nothing is left to build from.
    pub fn unpack(&self) -> Vec<u8> {
        // Only ever made by `Packed::new` (or `from_raw`, whose callers use `try_unpack`).
        self.try_unpack().expect("packed bytes unpack")
    }

    /// The bytes as they were given, or `None` if the packed bytes are not zstd's
    /// packing of `len` bytes (read from a damaged file, say). Panics as
    /// [`Packed::unpack`] does if they are on a shelf that cannot be read back.
    pub fn try_unpack(&self) -> Option<Vec<u8>> {
        let bytes = self.raw();
        UNPACKER.with(|cell| {
            let mut cell = cell.borrow_mut();
            let unpacker = match cell.as_mut() {
                Some(u) => u,
                None => cell.insert(zstd::bulk::Decompressor::new().expect("a zstd context")),
            };
            let plain = unpacker.decompress(&bytes, self.len).ok()?;
            (plain.len() == self.len).then_some(plain)
        })
    }

    /// Bytes held in memory (packed).
    pub fn size(&self) -> usize {
        match &self.place {
            Place::Memory(bytes) => bytes.len(),
            Place::Shelf { .. } => 0,
        }
    }

    /// Length unpacked.
    pub fn len(&self) -> usize {
        self.len
    }

    pub fn is_empty(&self) -> bool {
        self.len == 0
    }
}

fn read_back(shelf: &Shelf, offset: u64, size: usize) -> Vec<u8> {
    shelf
        .get(offset, size)
        .unwrap_or_else(|e| panic!("the build's temporary file cannot be read back: {e}"))
}

impl std::fmt::Debug for Packed {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match &self.place {
            Place::Memory(bytes) => write!(f, "Packed({} bytes in {})", self.len, bytes.len()),
            Place::Shelf { size, .. } => write!(f, "Packed({} bytes in {size}, shelved)", self.len),
        }
    }
}

/// A string kept [`Packed`].
#[derive(Debug, Clone)]
pub struct PackedStr(Packed);

impl PackedStr {
    pub fn new(s: &str) -> PackedStr {
        PackedStr(Packed::new(s.as_bytes()))
    }

    pub fn unpack(&self) -> String {
        String::from_utf8(self.0.unpack()).expect("packed from a str")
    }

    /// See [`Packed::shelve`].
    pub fn shelve(&self, shelf: &Arc<Shelf>) -> PackedStr {
        PackedStr(self.0.shelve(shelf))
    }

    /// Length of the string in bytes.
    pub fn len(&self) -> usize {
        self.0.len()
    }

    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn unpacks_what_was_packed_on_any_thread_and_holds_less() {
        let text = "本中心严格遵守《检验检测机构资质认定管理办法》，坚持“公正、科学、准确、高效”。\n".repeat(50);
        let packed = PackedStr::new(&text);
        assert_eq!(packed.len(), text.len());
        assert!(packed.0.size() < text.len() / 4, "{:?}", packed.0);
        let unpacked: Vec<String> = std::thread::scope(|s| {
            let handles: Vec<_> = (0..3).map(|_| s.spawn(|| packed.unpack())).collect();
            handles.into_iter().map(|h| h.join().unwrap()).collect()
        });
        assert!(unpacked.iter().all(|u| *u == text));
        assert_eq!(PackedStr::new("").unpack(), "");
        assert_eq!(Packed::new(&[0, 159, 146, 150]).unpack(), [0, 159, 146, 150]);
    }
}
