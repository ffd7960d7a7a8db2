//! Reading a big sidecar in our own layout a piece at a time, for the
//! window.
//!
//! A sidecar read whole is its text plus its annotations in memory at once;
//! for 50,000 long spans that was a 102 MB text and 80 MB of quotes. This
//! reader takes the file in pieces of [`PIECE_BYTES`], reads each piece's
//! annotation blocks on every core with [`sidecar_fast::annotation_in`]
//! (quotes that match the article become ranges of it, with no string
//! made), and keeps the text as a [`SavedText`] with those quotes left
//! out. Anything not exactly in our layout, or any block the fast reader
//! does not know, gives [`Streamed::NotOurs`]: the caller then reads the
//! file the ordinary way ([`read_with_text`]), which also reports errors.

use super::*;

/// Bytes read from the file at a time (a few pieces are in memory at once).
const PIECE_BYTES: usize = 2 << 20;

/// What [`read_streamed`] found.
#[derive(Debug)]
pub enum Streamed {
    /// There is no sidecar.
    Absent,
    /// Read: the sidecar, its disk state and its text (quotes that are
    /// ranges of the article left out).
    Read(Box<Sidecar>, DiskState, SavedText),
    /// Not in our layout, or not readable this way: read it whole.
    NotOurs,
}

/// Read the sidecar at `path` of `article` a piece at a time (see the
/// module docs).
pub fn read_streamed(path: &Path, article: &Article) -> Streamed {
    read_in_pieces(path, article, PIECE_BYTES)
}

/// [`read_streamed`], `piece_bytes` at a time.
fn read_in_pieces(path: &Path, article: &Article, piece_bytes: usize) -> Streamed {
    use std::io::Read as _;
    let mut file = match fs::File::open(path) {
        Ok(f) => f,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Streamed::Absent,
        Err(_) => return Streamed::NotOurs,
    };
    let Ok(meta) = file.metadata() else {
        return Streamed::NotOurs;
    };
    if meta.is_dir() || meta.len() > MAX_SIDECAR_BYTES {
        return Streamed::NotOurs;
    }
    let disk = DiskState::Present {
        byte_len: meta.len(),
        modified: meta.modified().ok(),
    };
    let mut buf: Vec<u8> = Vec::new();
    let mut eof = false;
    let mut fill = |buf: &mut Vec<u8>, eof: &mut bool| -> bool {
        let before = buf.len();
        buf.reserve(piece_bytes);
        match (&mut file).take(piece_bytes as u64).read_to_end(buf) {
            Ok(_) => {
                *eof = buf.len() - before < piece_bytes;
                true
            }
            Err(_) => false,
        }
    };
    // The header, up to the list of blocks.
    let open = loop {
        if !fill(&mut buf, &mut eof) {
            return Streamed::NotOurs;
        }
        if let Some(i) = find(&buf, BLOCK_LIST_OPEN.as_bytes()) {
            break i;
        }
        if eof {
            return Streamed::NotOurs;
        }
    };
    let Ok(head) = std::str::from_utf8(&buf[..open]) else {
        return Streamed::NotOurs;
    };
    if !head.starts_with("(\n  version: ") {
        return Streamed::NotOurs;
    }
    let options = ron::Options::default().with_recursion_limit(RECURSION_LIMIT);
    let header = format!("{head}\n  annotations: [],\n)");
    let Ok(mut sidecar) = options.from_str::<Sidecar>(&header) else {
        return Streamed::NotOurs;
    };
    if sidecar.version != FORMAT_VERSION {
        return Streamed::NotOurs;
    }
    // The skeleton is at most the file: room for all of it is only address
    // space, and its pages come as huge pages (one fault per 2 MiB). The
    // whole allocation is advised while it is empty: advice on part of it
    // would keep it from growing in place (see `advise_huge_pages`).
    let mut skeleton = Vec::with_capacity(usize::try_from(meta.len()).unwrap_or(0));
    crate::store::advise_huge_pages(skeleton.spare_capacity_mut());
    let mut saved = SavedText {
        // Empty, so valid UTF-8; only its room is kept.
        skeleton: String::from_utf8(skeleton).unwrap_or_default(),
        holes: Vec::new(),
        article: Some(Arc::clone(article.shared_text())),
    };
    saved.skeleton.push_str(head);
    saved.skeleton.push_str(BLOCK_LIST_OPEN);
    buf.drain(..open + BLOCK_LIST_OPEN.len());
    let quotes = sidecar_fast::ArticleQuotes::new(article);
    let mut annotations = Vec::new();
    let all_read = read_pieces_on_cores(buf, eof, &mut fill, &quotes, |part| {
        let base = saved.skeleton.len();
        saved.skeleton.push_str(&part.text);
        saved.holes.extend(part.holes.drain(..).map(|mut h| {
            h.at += base;
            h
        }));
        annotations.append(&mut part.annotations);
    });
    if !all_read || annotations.is_empty() {
        return Streamed::NotOurs;
    }
    saved.skeleton.push_str(BLOCK_LIST_CLOSE);
    saved.skeleton.shrink_to_fit();
    sidecar.annotations = annotations;
    Streamed::Read(Box::new(sidecar), disk, saved)
}

/// Read the blocks that follow `buf` (the start of the body) in pieces,
/// `fill` adding the next piece of the file to a buffer: this thread reads
/// and cuts the pieces after a block's last line, one worker per core
/// checks each for UTF-8 and reads its blocks, and `take` gets the parts in
/// the file's order as they come (and may empty them). Reading, checking
/// and parsing overlap, and no core waits for the slowest part of a piece.
/// False when the text is not all whole blocks of our layout or a read
/// failed.
///
/// Piece buffers and parts go back to be used again once read and taken:
/// a buffer of 2 MiB or more is memory fresh from the kernel each time it
/// is allocated, and its page faults were most of this thread's time.
fn read_pieces_on_cores(
    mut buf: Vec<u8>,
    mut eof: bool,
    fill: &mut dyn FnMut(&mut Vec<u8>, &mut bool) -> bool,
    quotes: &sidecar_fast::ArticleQuotes,
    mut take: impl FnMut(&mut ReadPart),
) -> bool {
    use std::sync::{Mutex, mpsc};
    let workers = crate::store::cores();
    // Pieces waiting for a worker: with one being read by each, at most
    // twice `workers` pieces are in memory.
    let (work_tx, work_rx) = mpsc::sync_channel::<(usize, Vec<u8>)>(workers);
    let work_rx = Mutex::new(work_rx);
    let (done_tx, done_rx) = mpsc::channel::<(usize, Option<ReadPart>, Vec<u8>)>();
    // Parts taken and emptied, for the workers to fill again.
    let spare_parts: Mutex<Vec<ReadPart>> = Mutex::new(Vec::new());
    std::thread::scope(|scope| {
        for _ in 0..workers {
            let (work_rx, done_tx, spare_parts) = (&work_rx, done_tx.clone(), &spare_parts);
            scope.spawn(move || {
                loop {
                    let next = match work_rx.lock() {
                        Ok(rx) => rx.recv(),
                        Err(_) => return,
                    };
                    let Ok((n, piece)) = next else { return };
                    let spare = spare_parts.lock().ok().and_then(|mut s| s.pop());
                    let mut part = spare.unwrap_or_default();
                    // A bug in the reader must not leave the window loading
                    // for ever: the whole read then reports what it finds.
                    let read = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
                        simdutf8::basic::from_utf8(&piece)
                            .ok()
                            .is_some_and(|body| read_blocks(body, quotes, &mut part))
                    }))
                    .unwrap_or(false);
                    if done_tx.send((n, read.then_some(part), piece)).is_err() {
                        return;
                    }
                }
            });
        }
        drop(done_tx);
        let mut in_order = InOrder::default();
        let mut free_pieces: Vec<Vec<u8>> = Vec::new();
        let mut done = |(n, part, piece): (usize, Option<ReadPart>, Vec<u8>),
                        free_pieces: &mut Vec<Vec<u8>>| {
            free_pieces.push(piece);
            in_order.put(n, part, &mut |part: &mut ReadPart| {
                take(part);
                part.clear();
                if let Ok(mut spare) = spare_parts.lock() {
                    spare.push(std::mem::take(part));
                }
            })
        };
        let mut sent = 0;
        let mut ok = true;
        loop {
            if !eof && !fill(&mut buf, &mut eof) {
                ok = false;
                break;
            }
            let end = if eof {
                match buf.strip_suffix(BLOCK_LIST_CLOSE.as_bytes()) {
                    Some(body) => body.len(),
                    None => {
                        ok = false;
                        break;
                    }
                }
            } else {
                match rfind(&buf, BLOCK_BREAK.as_bytes()) {
                    Some(i) => i + 1,
                    // One block longer than a piece: read on.
                    None => continue,
                }
            };
            // The cut follows a `\n`, so each piece is UTF-8 exactly when
            // the whole is.
            let mut rest = free_pieces.pop().unwrap_or_default();
            rest.clear();
            rest.extend_from_slice(&buf[end..]);
            buf.truncate(end);
            if !buf.is_empty() {
                if work_tx.send((sent, buf)).is_err() {
                    ok = false;
                    break;
                }
                sent += 1;
            }
            buf = rest;
            while let Ok(read) = done_rx.try_recv() {
                ok &= done(read, &mut free_pieces);
            }
            if eof || !ok {
                break;
            }
        }
        drop(work_tx);
        for read in done_rx.iter() {
            ok &= done(read, &mut free_pieces);
        }
        ok && in_order.sent_all(sent)
    })
}

/// Parts that came before those ahead of them in the file.
#[derive(Default)]
struct InOrder {
    next: usize,
    waiting: std::collections::BTreeMap<usize, ReadPart>,
}

impl InOrder {
    /// Part `n` (or `None`: it could not be read), handing `take` every
    /// part that is next in order; false once any part could not be read.
    fn put(
        &mut self,
        n: usize,
        part: Option<ReadPart>,
        take: &mut impl FnMut(&mut ReadPart),
    ) -> bool {
        let Some(part) = part else { return false };
        self.waiting.insert(n, part);
        while let Some(mut part) = self.waiting.remove(&self.next) {
            take(&mut part);
            self.next += 1;
        }
        true
    }

    /// True when all of the first `sent` parts were taken.
    fn sent_all(&self, sent: usize) -> bool {
        self.next == sent
    }
}

/// The blocks of one piece, read by one thread.
#[derive(Default)]
struct ReadPart {
    annotations: Vec<Annotation>,
    /// The blocks as read, shared quotes left out.
    text: String,
    holes: Vec<Hole>,
}

impl ReadPart {
    /// Empty, keeping its room.
    fn clear(&mut self) {
        self.annotations.clear();
        self.text.clear();
        self.holes.clear();
    }
}

/// Whole blocks, each followed by `,\n`, read by the fast reader into
/// `part` (empty); false when any is not in our layout.
fn read_blocks(mut rest: &str, quotes: &sidecar_fast::ArticleQuotes, part: &mut ReadPart) -> bool {
    part.annotations.reserve(rest.len() / 400);
    part.text.reserve(rest.len() / 2);
    let text = quotes.article().shared_text();
    while !rest.is_empty() {
        if !rest.starts_with(BLOCK_START) {
            return false;
        }
        let Some((a, after, span)) = sidecar_fast::annotation_in(rest, quotes) else {
            return false;
        };
        let Some(after) = after.strip_prefix(",\n") else {
            return false;
        };
        let block = &rest[..rest.len() - after.len()];
        // The reader gives a span only for a quote written as ron writes it.
        let hole = span.and_then(|span| Some((span, a.quote.bytes_in(text)?)));
        match hole {
            Some((span, quote)) => {
                part.text.push_str(&block[..span.start]);
                part.holes.push(Hole {
                    at: part.text.len(),
                    quote,
                });
                part.text.push_str(&block[span.end..]);
            }
            None => part.text.push_str(block),
        }
        part.annotations.push(a);
        rest = after;
    }
    true
}

fn find(haystack: &[u8], needle: &[u8]) -> Option<usize> {
    haystack.windows(needle.len()).position(|w| w == needle)
}

fn rfind(haystack: &[u8], needle: &[u8]) -> Option<usize> {
    haystack.windows(needle.len()).rposition(|w| w == needle)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::annotation::{Label, Origin};
    use crate::model::offset::CharRange;

    /// An article with text ron escapes, and a sidecar of spans over it.
    fn fixture(dir: &Path) -> (Article, PathBuf, String) {
        let line = "Dehqan said «peace» 👋 and 'no' to \"them\", e\u{301}tait\tthere.\n";
        let article = Article::new(line.repeat(40));
        let now = chrono::DateTime::from_timestamp(1_700_000_000, 0).unwrap_or_default();
        let mut anns: Vec<Annotation> = (0..300)
            .filter_map(|i| {
                let start = (i * 37) % (article.char_len() - 90);
                let range = CharRange::from_usize(start, start + 1 + (i * 13) % 80);
                let label = Label::ALL[i % 3];
                Annotation::new(&article, range, label, "ana", now, Origin::Manual)
            })
            .collect();
        // Quotes that are not the article's text there keep their own.
        anns[5].quote = "not the article's \"text\"".into();
        anns[9].quote = "".into();
        let path = dir.join("a.txt.ann.ron");
        let text = to_string(&Sidecar::new("a.txt", "utf-8", &article, anns));
        fs::write(&path, &text).unwrap();
        (article, path, text)
    }

    #[test]
    fn a_sidecar_read_in_pieces_is_the_sidecar_read_whole_and_its_text() {
        let dir = tempfile::tempdir().unwrap();
        let (article, path, text) = fixture(dir.path());
        let whole = parse(&text, &path).unwrap();
        // Pieces smaller than a block, around a block, and the whole file.
        for piece in [100, 1000, 4096, PIECE_BYTES] {
            let Streamed::Read(sc, disk, saved) = read_in_pieces(&path, &article, piece) else {
                panic!("not read in pieces of {piece}")
            };
            assert_eq!(*sc, whole, "pieces of {piece}");
            assert_eq!(disk, DiskState::probe(&path));
            assert_eq!(saved.to_text(), text, "pieces of {piece}");
            let shared = sc
                .annotations
                .iter()
                .filter(|a| a.quote.is_shared())
                .count();
            assert_eq!(shared, sc.annotations.len() - 2);
            assert_eq!(saved.hole_count(), shared);
            let quotes: usize = sc.annotations.iter().map(|a| a.quote.len()).sum();
            assert!(saved.skeleton_len() < text.len() - quotes / 2);
        }
    }

    proptest::proptest! {
        #![proptest_config(proptest::prelude::ProptestConfig::with_cases(48))]
        /// Any article with spans over it, some quotes not its text: read
        /// in pieces on the workers, in any piece size, it is what ron reads
        /// and its text is kept byte for byte.
        #[test]
        fn any_sidecar_read_in_pieces_is_rons(
            chars in proptest::collection::vec(proptest::sample::select(vec![
                'a', 'b', ' ', '.', '\n', '"', '\\', '\'', '\t', '\u{301}', '\u{a0}', '\u{ad}',
                'é', '«', '👋', 'س', '\u{200f}', '\u{7f}', '\u{0}',
            ]), 40..400),
            spans in proptest::collection::vec((0usize..400, 0usize..120, 0usize..8), 1..60),
            piece in 40usize..600,
        ) {
            let dir = tempfile::tempdir().unwrap();
            let article = Article::new(String::from_iter(chars));
            let now = chrono::DateTime::from_timestamp(1_700_000_000, 0).unwrap_or_default();
            let len = article.char_len();
            let anns: Vec<Annotation> = spans
                .iter()
                .enumerate()
                .filter_map(|(i, &(start, n, other))| {
                    let start = start % len;
                    let range = CharRange::from_usize(start, (start + n).min(len));
                    let mut a = Annotation::new(&article, range, Label::ALL[i % 3], "ana", now, Origin::Manual)?;
                    if other == 0 {
                        a.quote = format!("{}\"x", a.quote).into();
                    }
                    Some(a)
                })
                .collect();
            proptest::prop_assume!(!anns.is_empty());
            let path = dir.path().join("a.txt.ann.ron");
            let text = to_string(&Sidecar::new("a.txt", "utf-8", &article, anns));
            fs::write(&path, &text).unwrap();
            let whole = parse(&text, &path).unwrap();
            let Streamed::Read(sc, _, saved) = read_in_pieces(&path, &article, piece) else {
                panic!("not read in pieces of {piece}")
            };
            proptest::prop_assert_eq!(*sc, whole);
            proptest::prop_assert_eq!(saved.to_text(), text);
        }
    }

    #[test]
    fn anything_but_our_layout_is_left_to_the_whole_reader() {
        let dir = tempfile::tempdir().unwrap();
        let (article, path, text) = fixture(dir.path());
        assert!(matches!(
            read_streamed(&dir.path().join("none.ron"), &article),
            Streamed::Absent
        ));
        let not_ours = [
            text.replacen("    (\n", "    // a comment\n    (\n", 1),
            text.replacen("      label: ", "      conflict: None,\n      label: ", 1),
            text.replace("  ],\n)\n", "  ],\n)\n\n"),
            text.replacen("version: 1", "version: 2", 1),
            text.replacen("Dehqan", "Deh\u{0}qan", 1)
                .replacen('(', "#", 1),
        ];
        for (i, other) in not_ours.iter().enumerate() {
            fs::write(&path, other).unwrap();
            assert!(
                matches!(read_streamed(&path, &article), Streamed::NotOurs),
                "case {i}"
            );
        }
        // Fields laid out by hand still read, and the text is kept as it was.
        let hand = text.replacen(",\n      label: ", ", label: ", 3);
        fs::write(&path, &hand).unwrap();
        let Streamed::Read(sc, _, saved) = read_streamed(&path, &article) else {
            panic!("hand layout not read")
        };
        assert_eq!(*sc, parse(&hand, &path).unwrap());
        assert_eq!(saved.to_text(), hand);
    }
}
