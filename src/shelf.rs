//! A temporary file that a build puts bytes on and takes them back from, from any thread.
//!
//! What a build keeps for later but does not read often (the passes' parts of the
//! search index, the packed sources and texts of every document) is put here rather
//! than held in memory: at 13,000 reports those are hundreds of megabytes, and the
//! operating system's page cache keeps them at hand anyway. The file has no name and
//! is gone once the shelf is dropped (or the process ends).
//!
//! Reads and writes say where they go (`pread`/`pwrite`), so no thread moves another's
//! cursor and none waits on a lock while bytes are copied.

use std::fs::File;
use std::io;
use std::sync::atomic::{AtomicU64, Ordering};

/// See the module's documentation.
pub struct Shelf {
    file: File,
    /// Where the next bytes go: each `put` takes its own range.
    end: AtomicU64,
}

impl Shelf {
    /// A new, empty shelf in the system's temporary folder (`TMPDIR`).
    pub fn new() -> io::Result<Shelf> {
        Ok(Shelf {
            file: tempfile::tempfile()?,
            end: AtomicU64::new(0),
        })
    }

    /// Puts `bytes` on the shelf; returns where they are, for [`Shelf::get`].
    pub fn put(&self, bytes: &[u8]) -> io::Result<u64> {
        let offset = self.end.fetch_add(bytes.len() as u64, Ordering::Relaxed);
        write_all_at(&self.file, bytes, offset)?;
        Ok(offset)
    }

    /// The `len` bytes put at `offset`.
    pub fn get(&self, offset: u64, len: usize) -> io::Result<Vec<u8>> {
        let mut bytes = vec![0; len];
        read_exact_at(&self.file, &mut bytes, offset)?;
        Ok(bytes)
    }

    /// Bytes put so far.
    pub fn size(&self) -> u64 {
        self.end.load(Ordering::Relaxed)
    }
}

impl std::fmt::Debug for Shelf {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "Shelf({} bytes)", self.size())
    }
}

#[cfg(unix)]
fn read_exact_at(file: &File, buf: &mut [u8], offset: u64) -> io::Result<()> {
    std::os::unix::fs::FileExt::read_exact_at(file, buf, offset)
}

#[cfg(unix)]
fn write_all_at(file: &File, buf: &[u8], offset: u64) -> io::Result<()> {
    std::os::unix::fs::FileExt::write_all_at(file, buf, offset)
}

// Windows' positional reads and writes also move the cursor, which nothing here uses.
#[cfg(windows)]
fn read_exact_at(file: &File, mut buf: &mut [u8], mut offset: u64) -> io::Result<()> {
    while !buf.is_empty() {
        match std::os::windows::fs::FileExt::seek_read(file, buf, offset)? {
            0 => return Err(io::ErrorKind::UnexpectedEof.into()),
            n => {
                buf = &mut buf[n..];
                offset += n as u64;
            }
        }
    }
    Ok(())
}

#[cfg(windows)]
fn write_all_at(file: &File, mut buf: &[u8], mut offset: u64) -> io::Result<()> {
    while !buf.is_empty() {
        match std::os::windows::fs::FileExt::seek_write(file, buf, offset)? {
            0 => return Err(io::ErrorKind::WriteZero.into()),
            n => {
                buf = &buf[n..];
                offset += n as u64;
            }
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn gives_back_what_each_thread_put() {
        let shelf = Shelf::new().unwrap();
        let put: Vec<(u64, Vec<u8>)> = std::thread::scope(|s| {
            let handles: Vec<_> = (0..4u8)
                .map(|t| {
                    let shelf = &shelf;
                    s.spawn(move || {
                        (0..50usize)
                            .map(|n| {
                                let bytes = vec![t; n];
                                (shelf.put(&bytes).unwrap(), bytes)
                            })
                            .collect::<Vec<_>>()
                    })
                })
                .collect();
            handles.into_iter().flat_map(|h| h.join().unwrap()).collect()
        });
        assert_eq!(shelf.size(), 4 * (0..50u64).sum::<u64>());
        for (offset, bytes) in &put {
            assert_eq!(&shelf.get(*offset, bytes.len()).unwrap(), bytes);
        }
        assert!(shelf.get(shelf.size(), 1).is_err(), "nothing was put past the end");
    }
}
