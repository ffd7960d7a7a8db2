//! Where a command's output goes: stdout, a file given by the user (replaced
//! atomically once the output is complete), a file of our own, or nowhere.
//!
//! [`Output`] gathers what is written into chunks of [`CHUNK`] bytes and hands
//! each to a writer thread of its own, so the command goes on converting
//! while the kernel copies (an export to `--out` made 10,000 `write` calls of
//! ~6 KB from the thread that also gathered the converted articles). Chunks
//! are written in the order they were handed over, so the bytes are exactly
//! what a plain buffered writer would have written. The writer gives used
//! chunks back to be filled again, so the chunks' memory is touched once.
//!
//! A file named by the user is written to a temporary file in the same
//! folder and renamed over it by [`Output::finish`]: a failed or interrupted
//! export leaves the earlier file as it was, and nobody reads half an
//! export. It is not fsynced: an export can be made again, and an fsync of
//! 63 MB cost 0.15–0.3 s on the build machine.

use std::fs;
use std::io::{self, Write};
use std::path::{Path, PathBuf};
use std::sync::mpsc;
use std::thread::JoinHandle;

/// Bytes gathered before a chunk goes to the writer thread.
pub const CHUNK: usize = 1 << 20;

/// Owned bytes from this size on are handed to the writer as they are, not
/// copied into a chunk: the last slice of a big spaCy line (400 KB) was
/// copied into a fresh chunk, page faults and all, and then freed, on the
/// thread that has nothing else left to do.
const SEND_WHOLE_FROM: usize = 64 * 1024;

/// Chunks in flight between the command and the writer thread.
const IN_FLIGHT: usize = 4;

/// A file being written in the place of `target`.
struct Replacement {
    temp: tempfile::NamedTempFile,
    target: PathBuf,
}

/// Where the writer thread puts the chunks.
enum Dest {
    Stdout,
    File(fs::File),
    Replace(Replacement),
}

impl Dest {
    fn write_all(&mut self, bytes: &[u8]) -> io::Result<()> {
        match self {
            Dest::Stdout => io::stdout().lock().write_all(bytes),
            Dest::File(f) => f.write_all(bytes),
            Dest::Replace(r) => r.temp.as_file_mut().write_all(bytes),
        }
    }

    fn flush(&mut self) -> io::Result<()> {
        match self {
            Dest::Stdout => io::stdout().lock().flush(),
            Dest::File(_) | Dest::Replace(_) => Ok(()),
        }
    }
}

/// The writer thread and its two queues.
struct Writer {
    chunks: mpsc::SyncSender<Vec<u8>>,
    spare: mpsc::Receiver<Vec<u8>>,
    thread: JoinHandle<io::Result<Dest>>,
}

/// A command's output, written in chunks on a thread of its own; see the
/// module documentation. Call [`Output::finish`] at the end: dropping an
/// unfinished output discards a replacement file (the target is untouched).
pub struct Output {
    buf: Vec<u8>,
    writer: Option<Writer>,
}

impl Output {
    /// Everything written is dropped (formats that write files of their own).
    pub fn discard() -> Output {
        Output {
            buf: Vec::new(),
            writer: None,
        }
    }

    /// Standard output.
    pub fn stdout() -> Output {
        Output::start(Dest::Stdout)
    }

    /// An open file of the caller's (written from where it stands).
    pub fn file(file: fs::File) -> Output {
        Output::start(Dest::File(file))
    }

    /// The file at `path`, replaced once [`Output::finish`] succeeds: until
    /// then the bytes go to a temporary file beside it. A new file gets the
    /// mode any new file gets (0o666 less the umask), an existing one keeps
    /// its own; a symlink at `path` is followed.
    pub fn replacing(path: &Path) -> io::Result<Output> {
        let target = super::sidecar::replace_target(path)?;
        let temp = super::sidecar::temp_beside(&target)?;
        Ok(Output::start(Dest::Replace(Replacement { temp, target })))
    }

    fn start(dest: Dest) -> Output {
        let (chunks, queue) = mpsc::sync_channel::<Vec<u8>>(IN_FLIGHT);
        let (give_back, spare) = mpsc::sync_channel::<Vec<u8>>(IN_FLIGHT + 1);
        let spawned = std::thread::Builder::new()
            .name("output-writer".into())
            .spawn(move || {
                let mut dest = dest;
                for mut chunk in queue {
                    dest.write_all(&chunk)?;
                    chunk.clear();
                    // Only chunks of the usual size are worth filling again.
                    if chunk.capacity() == CHUNK {
                        let _ = give_back.try_send(chunk);
                    }
                }
                dest.flush()?;
                Ok(dest)
            });
        match spawned {
            Ok(thread) => Output {
                buf: Vec::with_capacity(CHUNK),
                writer: Some(Writer {
                    chunks,
                    spare,
                    thread,
                }),
            },
            // No thread to be had: a writer that fails at once says so.
            Err(e) => Output {
                buf: Vec::new(),
                writer: Some(Writer {
                    chunks,
                    spare,
                    thread: std::thread::spawn(move || Err(e)),
                }),
            },
        }
    }

    /// Hand `bytes` over whole (no copy when they are big): what was
    /// gathered before them goes first.
    pub fn write_owned(&mut self, bytes: Vec<u8>) -> io::Result<()> {
        if bytes.len() < SEND_WHOLE_FROM {
            return self.write_all(&bytes);
        }
        self.send_buf()?;
        self.send(bytes)
    }

    /// Send the gathered bytes, and take a fresh chunk to gather in.
    fn send_buf(&mut self) -> io::Result<()> {
        let Some(writer) = &self.writer else {
            self.buf.clear();
            return Ok(());
        };
        if self.buf.is_empty() {
            return Ok(());
        }
        let fresh = writer
            .spare
            .try_recv()
            .unwrap_or_else(|_| Vec::with_capacity(CHUNK));
        let full = std::mem::replace(&mut self.buf, fresh);
        self.send(full)
    }

    fn send(&mut self, chunk: Vec<u8>) -> io::Result<()> {
        let Some(writer) = &self.writer else {
            return Ok(());
        };
        if writer.chunks.send(chunk).is_ok() {
            return Ok(());
        }
        // The writer stopped: its error says why.
        match self.writer.take().map(|w| w.thread.join()) {
            Some(Ok(Err(e))) => Err(e),
            _ => Err(io::Error::other("the output writer stopped")),
        }
    }

    /// Write what is left, wait for the writer, and put a replacement file
    /// in its place.
    pub fn finish(mut self) -> io::Result<()> {
        self.send_buf()?;
        let Some(writer) = self.writer.take() else {
            return Ok(());
        };
        drop(writer.chunks);
        let dest = writer
            .thread
            .join()
            .map_err(|_| io::Error::other("the output writer stopped"))??;
        if let Dest::Replace(r) = dest {
            r.temp.persist(&r.target).map_err(|e| e.error)?;
        }
        Ok(())
    }
}

impl Drop for Output {
    /// An unfinished output: let the writer end, which removes a
    /// replacement file (the target stays as it was).
    fn drop(&mut self) {
        if let Some(writer) = self.writer.take() {
            drop(writer.chunks);
            let _ = writer.thread.join();
        }
    }
}

impl Write for Output {
    fn write(&mut self, bytes: &[u8]) -> io::Result<usize> {
        self.write_all(bytes)?;
        Ok(bytes.len())
    }

    fn write_all(&mut self, mut bytes: &[u8]) -> io::Result<()> {
        if self.writer.is_none() {
            return Ok(());
        }
        while !bytes.is_empty() {
            let room = CHUNK.saturating_sub(self.buf.len()).max(1);
            let (now, later) = bytes.split_at(room.min(bytes.len()));
            self.buf.extend_from_slice(now);
            bytes = later;
            if self.buf.len() >= CHUNK {
                self.send_buf()?;
            }
        }
        Ok(())
    }

    /// Bytes go to the writer in whole chunks; [`Output::finish`] sends the
    /// rest.
    fn flush(&mut self) -> io::Result<()> {
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Writes of every size, owned and borrowed, in one stream.
    fn pieces() -> Vec<Vec<u8>> {
        (0..200u32)
            .map(|i| {
                let len = match i % 7 {
                    0 => CHUNK + 17,
                    1 => CHUNK / 2,
                    2 => 3,
                    3 => CHUNK - 1,
                    _ => (i as usize * 7919) % 40_000,
                };
                (0..len).map(|k| (k as u32 ^ i) as u8).collect()
            })
            .collect()
    }

    #[test]
    fn the_output_is_the_bytes_written_in_order() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("out.jsonl");
        let mut out = Output::replacing(&path).unwrap();
        let mut want = Vec::new();
        for (i, p) in pieces().into_iter().enumerate() {
            want.extend_from_slice(&p);
            if i % 2 == 0 {
                out.write_owned(p).unwrap();
            } else {
                out.write_all(&p).unwrap();
            }
        }
        assert!(!path.exists(), "nothing is in place before finish");
        out.finish().unwrap();
        assert!(fs::read(&path).unwrap() == want);
        // Only the output is left in the folder.
        assert_eq!(fs::read_dir(dir.path()).unwrap().count(), 1);
    }

    #[test]
    fn an_unfinished_output_leaves_the_earlier_file_alone() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("out.jsonl");
        fs::write(&path, "earlier\n").unwrap();
        let mut out = Output::replacing(&path).unwrap();
        out.write_all(&vec![b'x'; 3 * CHUNK]).unwrap();
        drop(out);
        assert_eq!(fs::read_to_string(&path).unwrap(), "earlier\n");
        assert_eq!(fs::read_dir(dir.path()).unwrap().count(), 1);
    }

    #[cfg(unix)]
    #[test]
    fn a_replaced_file_keeps_its_mode() {
        use std::os::unix::fs::PermissionsExt as _;
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("out.jsonl");
        fs::write(&path, "earlier\n").unwrap();
        fs::set_permissions(&path, fs::Permissions::from_mode(0o640)).unwrap();
        let mut out = Output::replacing(&path).unwrap();
        out.write_all(b"new\n").unwrap();
        out.finish().unwrap();
        assert_eq!(fs::read_to_string(&path).unwrap(), "new\n");
        let mode = fs::metadata(&path).unwrap().permissions().mode();
        assert_eq!(mode & 0o777, 0o640);
    }

    #[test]
    fn a_file_of_the_callers_gets_the_bytes() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("mine");
        let mut out = Output::file(fs::File::create(&path).unwrap());
        out.write_all(b"abc").unwrap();
        out.write_owned(vec![b'd'; CHUNK]).unwrap();
        out.finish().unwrap();
        let got = fs::read(&path).unwrap();
        assert_eq!(got.len(), 3 + CHUNK);
        assert!(got.starts_with(b"abcd"));
    }
}
