//! The RON sidecar: `report.txt` → `report.txt.ann.ron`, next to the article.
//!
//! The file is a versioned RON document ([`FORMAT_VERSION`]). Output is
//! deterministic: `\n` line endings, two-space indent, annotations sorted by
//! `(start, end, id)`, optional fields left out when empty — the same
//! annotations always give the same bytes, and two analysts' edits merge
//! line by line in git.
//!
//! Writes are atomic: a temp file in the same folder, fsync, rename, then an
//! fsync of the folder (Unix). A reader sees the old file or the new one,
//! never half of one. [`save`] also refuses to overwrite a sidecar that
//! changed on disk since it was read, or one that could not be parsed.
//!
//! A sidecar path that is a symbolic link is followed: the file it points to
//! is replaced (atomically, in *its* folder) and the link stays a link.

use crate::model::annotation::{Annotation, AnnotationId, Annotations, Stamp};
use crate::model::document::Article;
use crate::model::offset::CharOffset;
use serde::{Deserialize, Serialize};
use std::collections::HashMap;
use std::fs;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::SystemTime;
use thiserror::Error;

#[path = "sidecar_fast.rs"]
mod sidecar_fast;
#[path = "sidecar_stream.rs"]
mod sidecar_stream;
pub use sidecar_stream::{Streamed, read_streamed};

/// The sidecar format version this build writes and the newest it reads.
pub const FORMAT_VERSION: u32 = 1;

/// Largest sidecar read, in bytes (512 MiB).
pub const MAX_SIDECAR_BYTES: u64 = 512 * 1024 * 1024;

/// Deepest RON nesting accepted; real sidecars need about 6.
const RECURSION_LIMIT: usize = 64;

/// What the sidecar records about its article.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ArticleInfo {
    /// The article's file name (no folder).
    pub file: String,
    /// Python codec name used to decode it (`utf-8`, `utf-8-sig`, `cp1252`, ...).
    /// It is used again when the article is read: only `--encoding` (or
    /// Reopen with Encoding) overrides it.
    pub encoding: String,
    /// `sha256:<hex>` of the article text.
    pub hash: String,
    /// Length of the article text in code points.
    pub char_len: usize,
    /// Set when `encoding` was detected and this other encoding was nearly
    /// as plausible: nobody has confirmed the choice yet, so every command
    /// that reads the article warns. Cleared once someone chooses the
    /// encoding. (Optional: version-1 readers ignore it.)
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub encoding_alternative: Option<String>,
}

/// A whole sidecar file.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Sidecar {
    /// Format version; see [`FORMAT_VERSION`].
    pub version: u32,
    /// The article it belongs to.
    pub article: ArticleInfo,
    /// A note on the whole article (a doccano document comment, ...); left
    /// out when empty, so version-1 readers that predate it read the file.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub note: Option<String>,
    /// Fingerprints of everything `marginalia suggest` has suggested here
    /// (sorted), so a suggestion the analyst rejected or deleted is not made
    /// again. Optional: version-1 readers that predate it ignore it.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub suggested: Vec<String>,
    /// The annotations, sorted by `(start, end, id)` when written.
    #[serde(default)]
    pub annotations: Vec<Annotation>,
}

impl Sidecar {
    /// A sidecar for `article` (read from `file_name` with `encoding`).
    pub fn new(
        file_name: &str,
        encoding: &str,
        article: &Article,
        annotations: Vec<Annotation>,
    ) -> Self {
        Sidecar {
            version: FORMAT_VERSION,
            article: ArticleInfo {
                file: file_name.to_owned(),
                encoding: encoding.to_owned(),
                hash: article.hash().to_owned(),
                char_len: article.char_len(),
                encoding_alternative: None,
            },
            note: None,
            suggested: Vec::new(),
            annotations,
        }
    }

    /// True when the article text is the one the sidecar was written for.
    pub fn matches(&self, article: &Article) -> bool {
        self.article.hash == article.hash()
    }
}

/// Why a sidecar could not be read or written.
#[derive(Debug, Error)]
#[non_exhaustive]
pub enum SidecarError {
    /// Reading or writing failed.
    #[error("{path}: {action}: {source}")]
    Io {
        /// The file concerned.
        path: PathBuf,
        /// What was being done.
        action: &'static str,
        /// The OS error.
        source: std::io::Error,
    },
    /// Not valid RON, or not a sidecar.
    #[error("{path}:{line}:{column}: {message}")]
    Parse {
        /// The file.
        path: PathBuf,
        /// 1-based line.
        line: usize,
        /// 1-based column.
        column: usize,
        /// What ron said.
        message: String,
    },
    /// Written by a newer Marginalia.
    #[error(
        "{path}: sidecar format version {found} is newer than this Marginalia supports ({FORMAT_VERSION}); the file is left untouched"
    )]
    NewerVersion {
        /// The file.
        path: PathBuf,
        /// The version in the file.
        found: u32,
    },
    /// Past [`MAX_SIDECAR_BYTES`].
    #[error("{path}: sidecar is {byte_len} bytes, over the {MAX_SIDECAR_BYTES}-byte limit")]
    TooLarge {
        /// The file.
        path: PathBuf,
        /// Its size.
        byte_len: u64,
    },
    /// Refused: the file on disk is not the one that was read.
    #[error(
        "{path}: the sidecar changed on disk since it was opened (another program or a git pull); reload it before saving"
    )]
    ChangedOnDisk {
        /// The file.
        path: PathBuf,
    },
    /// Refused: the file on disk could not be parsed, so it is never overwritten.
    #[error(
        "{path}: the existing sidecar could not be parsed, so it is not overwritten; fix or move it first"
    )]
    WouldOverwriteBroken {
        /// The file.
        path: PathBuf,
    },
}

/// The sidecar path of an article: `<file name>.ann.ron` in the same folder.
pub fn sidecar_path(article_path: &Path) -> PathBuf {
    let mut name = article_path.file_name().unwrap_or_default().to_os_string();
    name.push(".ann.ron");
    article_path.with_file_name(name)
}

/// What was on disk when a sidecar was last read or written. [`save`]
/// compares it with the disk, so one writer never silently overwrites another.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum DiskState {
    /// No file.
    Absent,
    /// A file that parsed (or that this program wrote), with its size and time.
    Present {
        /// Size in bytes.
        byte_len: u64,
        /// Modification time.
        modified: Option<SystemTime>,
    },
    /// A file that did not parse. Never overwritten.
    Unparsable,
}

impl DiskState {
    /// The state of `path` now (`Present` if it exists, without parsing it).
    pub fn probe(path: &Path) -> DiskState {
        match fs::metadata(path) {
            Ok(m) => DiskState::Present {
                byte_len: m.len(),
                modified: m.modified().ok(),
            },
            Err(_) => DiskState::Absent,
        }
    }
}

/// Parse sidecar text. `path` is only used in errors.
///
/// A file in the layout [`to_string`] writes is parsed one slice of
/// annotation blocks per core; anything else (hand-edited layout, errors)
/// goes through one plain parse, which also gives the error position.
pub fn parse(text: &str, path: &Path) -> Result<Sidecar, SidecarError> {
    #[derive(Deserialize)]
    struct VersionOnly {
        version: u32,
    }
    let options = ron::Options::default().with_recursion_limit(RECURSION_LIMIT);
    let newer = |version: u32| SidecarError::NewerVersion {
        path: path.to_owned(),
        found: version,
    };
    let checked = |sc: Sidecar| {
        if sc.version > FORMAT_VERSION || sc.version == 0 {
            Err(newer(sc.version))
        } else {
            Ok(sc)
        }
    };
    if let Some(sc) = parse_blocks(text, &options) {
        // Every sidecar a debug build reads (all those of the tests) is
        // read by ron too: the fast reader must never read differently.
        // Big ones are left out, or timed tests (kill loops) would crawl.
        #[cfg(debug_assertions)]
        if text.len() < 256 * 1024 {
            debug_assert_eq!(
                Some(&sc),
                options.from_str::<Sidecar>(text).ok().as_ref(),
                "the fast sidecar reader differs from ron"
            );
        }
        return checked(sc);
    }
    match options.from_str::<Sidecar>(text) {
        Ok(sc) => checked(sc),
        Err(e) => {
            // A newer format is reported as such rather than as whatever field it added.
            if let Ok(probe) = options.from_str::<VersionOnly>(text)
                && probe.version > FORMAT_VERSION
            {
                return Err(newer(probe.version));
            }
            Err(SidecarError::Parse {
                path: path.to_owned(),
                line: e.span.start.line,
                column: e.span.start.col,
                message: e.code.to_string(),
            })
        }
    }
}

/// The fast path of [`parse`]: `None` whenever the text is not exactly in
/// our own layout or any part fails, so the caller falls back.
///
/// The header is read by ron; the annotation blocks by
/// [`sidecar_fast`], one slice of about equal size per core, each block it
/// does not know handed to ron on its own.
fn parse_blocks(text: &str, options: &ron::Options) -> Option<Sidecar> {
    const OPEN: &str = BLOCK_LIST_OPEN;
    const CLOSE: &str = BLOCK_LIST_CLOSE;
    // Our own layout only (no `#![enable(..)]` extensions, which would
    // change how the blocks read).
    if !text.starts_with("(\n  version: ") {
        return None;
    }
    let open = text.find(OPEN)?;
    let body = text.get(open + OPEN.len()..)?.strip_suffix(CLOSE)?;
    let header = format!("{}\n  annotations: [],\n)", text.get(..open)?);
    let mut sc: Sidecar = match sidecar_fast::head(&header) {
        Some(sc) => sc,
        None => options.from_str(&header).ok()?,
    };
    if sc.version != FORMAT_VERSION || !body.starts_with(BLOCK_START) {
        return None;
    }
    let pieces = read_on_cores_by_block(body, |slice| parse_block_slice(slice, options));
    // One vector of exactly their number (`extend` would double the first
    // piece's room). Room to grow is the annotation set's business: the
    // corpus commands keep 20,000 small sidecars' annotations, where 64
    // spare each cost 70 MB. The first piece is grown in place: a big
    // vector grows by remapping, not copying (see `main`'s allocator
    // setting), so only the later pieces are moved.
    let len: usize = pieces.iter().map(|p| p.as_ref().map_or(0, Vec::len)).sum();
    let mut pieces = pieces.into_iter();
    let mut all = pieces.next().flatten()?;
    all.reserve_exact(len - all.len());
    crate::store::advise_huge_pages(all.spare_capacity_mut());
    for piece in pieces {
        all.extend(piece?);
    }
    all.shrink_to_fit();
    sc.annotations = all;
    Some(sc)
}

/// `body` (whole blocks of our layout) cut at block starts into one part
/// per core (none smaller than [`MIN_PARALLEL_BYTES`]), each given to `read`
/// on its own thread; the results in the body's order.
fn read_on_cores_by_block<T: Send>(
    body: &str,
    read: impl Fn(&str) -> Option<T> + Sync,
) -> Vec<Option<T>> {
    let parts = crate::store::cores()
        .min(body.len() / MIN_PARALLEL_BYTES)
        .max(1);
    // Cut at block starts: lines that are exactly "    (".
    let mut cuts = vec![0];
    for k in 1..parts {
        let from = (body.len() * k / parts).max(cuts[cuts.len() - 1]);
        match body.get(from..).and_then(|s| s.find(BLOCK_BREAK)) {
            Some(i) => cuts.push(from + i + 1),
            None => break,
        }
    }
    cuts.push(body.len());
    cuts.dedup();
    let slices: Vec<&str> = cuts
        .windows(2)
        .filter_map(|w| body.get(w[0]..w[1]))
        .collect();
    let read = &read;
    std::thread::scope(|scope| {
        let handles: Vec<_> = slices
            .iter()
            .skip(1)
            .map(|slice| scope.spawn(move || read(slice)))
            .collect();
        let first = slices.first().and_then(|s| read(s));
        std::iter::once(first)
            .chain(handles.into_iter().map(|h| h.join().ok().flatten()))
            .collect()
    })
}

/// What opens the list of annotation blocks in our layout.
const BLOCK_LIST_OPEN: &str = "\n  annotations: [\n";
/// What closes it, and the file.
const BLOCK_LIST_CLOSE: &str = "  ],\n)\n";
/// A line that opens an annotation block in our layout.
const BLOCK_START: &str = "    (\n";
/// The end of one line and a block start.
const BLOCK_BREAK: &str = "\n    (\n";
/// Below this many bytes of annotation blocks, one thread reads them all.
const MIN_PARALLEL_BYTES: usize = 256 * 1024;

/// Annotation blocks (each followed by a comma) read by [`sidecar_fast`];
/// a block it does not know is read by ron, up to the next block start.
fn parse_block_slice(slice: &str, options: &ron::Options) -> Option<Vec<Annotation>> {
    let mut out = Vec::with_capacity(slice.len() / 400);
    crate::store::advise_huge_pages(out.spare_capacity_mut());
    let mut rest = slice;
    loop {
        match sidecar_fast::annotation_list(rest, &mut out) {
            Ok(()) => return Some(out),
            Err(at) => {
                let end = at
                    .get(1..)
                    .and_then(|s| s.find(BLOCK_BREAK))
                    .map_or(at.len(), |i| i + 2);
                let (hard, after) = at.split_at(end);
                out.extend(
                    options
                        .from_str::<Vec<Annotation>>(&format!("[\n{hard}]"))
                        .ok()?,
                );
                rest = after;
            }
        }
    }
}

/// Serialize deterministically (annotations sorted, `\n` endings).
///
/// The output is exactly ron's pretty output for the whole document, but it
/// is built one annotation block at a time, on all cores: serializing 50,000
/// annotations as one value is several times slower.
pub fn to_string(sidecar: &Sidecar) -> String {
    let mut order: Vec<&Annotation> = sidecar.annotations.iter().collect();
    order.sort_by(|a, b| a.sort_key().cmp(&b.sort_key()));
    let blocks = pretty_blocks(&order);
    assemble(sidecar, order.len(), blocks.iter().map(String::as_str))
}

/// The annotation blocks of `order`, serialized on all cores (one string
/// per chunk of annotations).
fn pretty_blocks(order: &[&Annotation]) -> Vec<String> {
    let threads = crate::store::cores();
    let chunk = order.len().div_ceil(threads).max(2048);
    std::thread::scope(|scope| {
        let handles: Vec<_> = order
            .chunks(chunk)
            .map(|part| {
                scope.spawn(move || part.iter().map(|a| annotation_block(a)).collect::<String>())
            })
            .collect();
        handles
            .into_iter()
            .map(|h| h.join().unwrap_or_default())
            .collect()
    })
}

/// The whole document around already serialized annotation `blocks` (of
/// `count` annotations); `sidecar.annotations` is not read.
fn assemble<'a>(sidecar: &Sidecar, count: usize, blocks: impl Iterator<Item = &'a str>) -> String {
    let blocks: Vec<&str> = blocks.collect();
    let mut out = String::with_capacity(blocks.iter().map(|b| b.len()).sum::<usize>() + 512);
    assemble_into(&mut out, sidecar, count, blocks, |_| ());
    out
}

/// [`assemble`] into `out`, calling `placed` with the range of each block
/// in `out` as it is written.
fn assemble_into<'a>(
    out: &mut String,
    sidecar: &Sidecar,
    count: usize,
    blocks: impl IntoIterator<Item = &'a str>,
    mut placed: impl FnMut(std::ops::Range<usize>),
) {
    assemble_header(out, sidecar, count);
    if count == 0 {
        return;
    }
    for b in blocks {
        let start = out.len();
        out.push_str(b);
        placed(start..out.len());
    }
    assemble_footer(out, count);
}

/// The document up to its first annotation block (`count` blocks follow),
/// or the whole document when there are none.
fn assemble_header(out: &mut String, sidecar: &Sidecar, count: usize) {
    out.push_str(&format!("(\n  version: {},\n  article: ", sidecar.version));
    let article = pretty_block(&sidecar.article, 2);
    out.push_str(article.trim_start().trim_end_matches(",\n"));
    out.push_str(",\n");
    if let Some(note) = &sidecar.note {
        out.push_str("  note: ");
        out.push_str(pretty_block(&Some(note), 2).trim_start());
    }
    if !sidecar.suggested.is_empty() {
        out.push_str("  suggested: ");
        out.push_str(pretty_block(&sidecar.suggested, 2).trim_start());
    }
    if count == 0 {
        out.push_str("  annotations: [],\n)\n");
    } else {
        out.push_str("  annotations: [\n");
    }
}

/// The document after its `count` annotation blocks.
fn assemble_footer(out: &mut String, count: usize) {
    if count > 0 {
        out.push_str(BLOCK_LIST_CLOSE);
    }
}

/// An annotation's sort key, owned: `(start, end, id)`.
pub type AnnotationKey = (CharOffset, CharOffset, AnnotationId);

/// A sidecar's text as read or last written, kept for the next save and as
/// the BASE of a merge, with every quote held as a range of the article
/// left out: on long spans the quotes are most of the file (80 of 102 MB
/// for 50,000 spans of 1,600 chars), and the article already holds them.
///
/// [`SavedText::to_text`] gives the whole text back; [`SavedText::write_to`]
/// writes it without making it.
#[derive(Debug, Default)]
pub struct SavedText {
    /// The text with the left-out quotes' text cut out (their double quotes stay).
    skeleton: String,
    /// Where each left-out quote goes, in order.
    holes: Vec<Hole>,
    /// The text the holes' quotes are ranges of.
    article: Option<Arc<str>>,
}

/// A quote left out of a [`SavedText`]: its text is `article[quote]`,
/// escaped as ron escapes it, at byte `at` of the skeleton.
#[derive(Clone, Debug)]
struct Hole {
    at: usize,
    quote: std::ops::Range<usize>,
}

impl SavedText {
    /// A text kept whole (no quote left out).
    pub fn whole(text: String) -> SavedText {
        SavedText {
            skeleton: text,
            holes: Vec::new(),
            article: None,
        }
    }

    /// The text as read or written.
    pub fn to_text(&self) -> String {
        let mut out = Vec::with_capacity(self.skeleton.len() + self.quote_bytes());
        // Writing to a vector cannot fail.
        let _ = self.write_range(&mut out, 0..self.skeleton.len());
        String::from_utf8(out).unwrap_or_default()
    }

    /// Write the text as read or written to `w`.
    pub fn write_to(&self, w: &mut impl Write) -> std::io::Result<()> {
        self.write_range(w, 0..self.skeleton.len())
    }

    /// Bytes of the skeleton (what this costs, less the hole list).
    pub fn skeleton_len(&self) -> usize {
        self.skeleton.len()
    }

    /// How many quotes are left out.
    pub fn hole_count(&self) -> usize {
        self.holes.len()
    }

    fn quote_bytes(&self) -> usize {
        self.holes.iter().map(|h| h.quote.len()).sum()
    }

    /// Write `range` of the skeleton with its holes filled.
    fn write_range(
        &self,
        w: &mut impl Write,
        range: std::ops::Range<usize>,
    ) -> std::io::Result<()> {
        let mut at = range.start;
        let first = self.holes.partition_point(|h| h.at < range.start);
        for hole in self.holes[first..].iter().take_while(|h| h.at < range.end) {
            w.write_all(
                self.skeleton
                    .as_bytes()
                    .get(at..hole.at)
                    .unwrap_or_default(),
            )?;
            let quote = self
                .article
                .as_deref()
                .and_then(|t| t.get(hole.quote.clone()))
                .unwrap_or_default();
            write_escaped(w, quote)?;
            at = hole.at;
        }
        w.write_all(
            self.skeleton
                .as_bytes()
                .get(at..range.end)
                .unwrap_or_default(),
        )
    }
}

use sidecar_fast::is_plain;

/// `s` escaped exactly as ron's serializer escapes a string (its
/// `serialize_escaped_str`: every char through `char::escape_debug`),
/// without the double quotes.
fn write_escaped(w: &mut impl Write, s: &str) -> std::io::Result<()> {
    let bytes = s.as_bytes();
    let mut from = 0;
    let mut scalar = [0u8; 4];
    for (i, c) in s.char_indices() {
        if is_plain(c) {
            continue;
        }
        w.write_all(&bytes[from..i])?;
        for e in c.escape_debug() {
            w.write_all(e.encode_utf8(&mut scalar).as_bytes())?;
        }
        from = i + c.len_utf8();
    }
    w.write_all(&bytes[from..])
}

/// What [`pretty_block`] writes for the quote field when the quote is empty;
/// a block made with the quote left out has exactly this, and the hole is
/// before its closing double quote.
const EMPTY_QUOTE_FIELD: &str = "\n      quote: \"\",\n";

/// `a` as a block for a [`SavedText`] of `article`: with its quote left out
/// when the quote is a range of `article` (then also where the hole is in
/// the block, and the quote's byte range).
fn skeleton_block(
    a: &Annotation,
    article: Option<&Arc<str>>,
) -> (String, Option<(usize, std::ops::Range<usize>)>) {
    let shared = article.and_then(|t| a.quote.bytes_in(t));
    let Some(quote) = shared else {
        return (annotation_block(a), None);
    };
    let mut blank = a.clone();
    blank.quote = Default::default();
    let block = annotation_block(&blank);
    match block.find(EMPTY_QUOTE_FIELD) {
        Some(i) => {
            let at = i + EMPTY_QUOTE_FIELD.len() - 3;
            (block, Some((at, quote)))
        }
        None => (annotation_block(a), None),
    }
}

/// Serialized annotation blocks remembered between saves of one sidecar,
/// so a save re-serializes only the annotations that changed.
///
/// Keyed by [`Stamp`]: an annotation gets a new stamp whenever it is stored,
/// so a block is reused only for the very version it was made from, and a
/// lookup never compares annotations (50,000 comparisons cost a frame or
/// two). A missing entry costs time, never correctness.
///
/// The blocks live in one [`SavedText`] (a string per block cost 43 MB for
/// 50,000 annotations): the sidecar as read ([`BlockCache::from_saved`])
/// or as last saved ([`save_cached`]), which then becomes the cache, so it
/// never holds blocks of annotations that are gone, and the text of the last
/// save can be shared ([`BlockCache::saved`]) instead of copied.
#[derive(Debug, Default)]
pub struct BlockCache {
    /// Every cached block, in one text.
    saved: Arc<SavedText>,
    /// Where each stamp's block sits in the skeleton.
    blocks: HashMap<Stamp, std::ops::Range<usize>>,
}

impl BlockCache {
    /// A cache holding every one of `annotations`, serialized on this
    /// thread only: it is meant for a background thread that must leave the
    /// other cores to the window. Quotes held as ranges of `article` are
    /// left out of the text.
    pub fn from_annotations(
        annotations: &[Annotation],
        stamps: &[Stamp],
        article: Option<&Article>,
    ) -> BlockCache {
        let all = (0..annotations.len().min(stamps.len())).collect();
        let article = article.map(|a| Arc::clone(a.shared_text()));
        let mut blocks = HashMap::new();
        let mut saved = SavedText {
            article: article.clone(),
            ..SavedText::default()
        };
        for part in serialize_blocks(annotations, stamps, all, 1, article.as_ref()) {
            let base = saved.skeleton.len();
            saved.skeleton.push_str(&part.text);
            saved.holes.extend(part.holes.into_iter().map(|mut h| {
                h.at += base;
                h
            }));
            let mut start = base;
            for (stamp, end) in part.ends {
                blocks.insert(stamp, start..base + end);
                start = base + end;
            }
        }
        saved.skeleton.shrink_to_fit();
        BlockCache {
            saved: Arc::new(saved),
            blocks,
        }
    }

    /// A cache that keeps `saved`, a sidecar as read, and uses its annotation
    /// blocks as they are. `annotations` are the sidecar's, in the file's
    /// order (`(start, end, id)` and stamp of each). Block `i` is taken for
    /// annotation `i` when it reads as an annotation with that sort key and
    /// is exactly what serializing it gives (each block is read again and
    /// serialized to check; a left-out quote was checked when it was cut
    /// out); nothing is cached unless the file is in our layout with one
    /// block per annotation. Run on a background thread.
    pub fn from_saved(saved: Arc<SavedText>, annotations: &[(AnnotationKey, Stamp)]) -> BlockCache {
        let text = saved.skeleton.as_str();
        let mut blocks = HashMap::with_capacity(annotations.len());
        let header_ok = text.starts_with("(\n  version: ")
            && text.ends_with(BLOCK_LIST_CLOSE)
            && text.find(BLOCK_LIST_OPEN).is_some_and(|open| {
                let header = format!("{}\n  annotations: [],\n)", &text[..open]);
                ron::from_str::<Sidecar>(&header).is_ok()
            });
        let open = text.find(BLOCK_LIST_OPEN).filter(|_| header_ok);
        if let Some(open) = open {
            let mut at = open + BLOCK_LIST_OPEN.len();
            for (key, stamp) in annotations {
                let Some(rest) = text.get(at..).filter(|r| r.starts_with(BLOCK_START)) else {
                    break;
                };
                let len = rest.get(1..).and_then(|r| r.find(BLOCK_BREAK)).map_or_else(
                    || rest.find(BLOCK_LIST_CLOSE).unwrap_or(rest.len()),
                    |i| i + 2,
                );
                let block = &rest[..len];
                let same = sidecar_fast::annotation(block).is_some_and(|(a, tail)| {
                    tail == ",\n"
                        && (a.start, a.end, &a.id) == (key.0, key.1, &key.2)
                        && annotation_block(&a) == block
                });
                if same {
                    blocks.insert(*stamp, at..at + len);
                }
                at += len;
            }
            // Blocks left over, or too few: the file is not one block per
            // annotation, so none of it is trusted.
            if text.len() - at != BLOCK_LIST_CLOSE.len() {
                blocks.clear();
            }
        }
        BlockCache { saved, blocks }
    }

    /// The text the blocks are kept in: after [`save_cached`], exactly
    /// what it wrote (shared, not copied).
    pub fn saved(&self) -> Arc<SavedText> {
        Arc::clone(&self.saved)
    }

    /// Number of cached blocks.
    pub fn len(&self) -> usize {
        self.blocks.len()
    }

    /// True when nothing is cached.
    pub fn is_empty(&self) -> bool {
        self.blocks.is_empty()
    }
}

/// Blocks serialized by one thread, back to back.
struct BlockPart {
    text: String,
    /// Each block's stamp and end in `text`.
    ends: Vec<(Stamp, usize)>,
    /// Its left-out quotes, at bytes of `text`.
    holes: Vec<Hole>,
}

/// Serialize `items[i]` for every `i` of `indices` on `threads` threads
/// (quotes held as ranges of `article` left out).
fn serialize_blocks(
    items: &[Annotation],
    stamps: &[Stamp],
    indices: Vec<usize>,
    threads: usize,
    article: Option<&Arc<str>>,
) -> Vec<BlockPart> {
    let chunk = indices.len().div_ceil(threads.max(1)).max(256);
    std::thread::scope(|scope| {
        let handles: Vec<_> = indices
            .chunks(chunk)
            .map(|part| {
                scope.spawn(move || {
                    let mut out = BlockPart {
                        text: String::new(),
                        ends: Vec::with_capacity(part.len()),
                        holes: Vec::new(),
                    };
                    for &i in part {
                        let (block, hole) = skeleton_block(&items[i], article);
                        if let Some((at, quote)) = hole {
                            out.holes.push(Hole {
                                at: out.text.len() + at,
                                quote,
                            });
                        }
                        out.text.push_str(&block);
                        out.ends.push((stamps[i], out.text.len()));
                    }
                    out
                })
            })
            .collect();
        // A part whose thread failed stays uncached: saves serialize it then.
        handles
            .into_iter()
            .map(|h| {
                h.join().unwrap_or(BlockPart {
                    text: String::new(),
                    ends: Vec::new(),
                    holes: Vec::new(),
                })
            })
            .collect()
    })
}

/// [`to_string`] of `header` with `annotations` in place of
/// `header.annotations`, reusing `cache`: only annotations it lacks are
/// serialized (on all cores), quotes held as ranges of `article` left out.
/// The result becomes the cache's text, holding exactly the blocks of
/// `annotations`; [`SavedText::to_text`] gives the whole text.
pub fn to_string_cached(
    header: &Sidecar,
    annotations: &Annotations,
    cache: &mut BlockCache,
    article: &Article,
) -> Arc<SavedText> {
    let stamps = annotations.stamps();
    let items = annotations.as_slice();
    let stale: Vec<usize> = stamps
        .iter()
        .enumerate()
        .filter(|(_, stamp)| !cache.blocks.contains_key(stamp))
        .map(|(i, _)| i)
        .collect();
    let threads = crate::store::cores();
    let text = article.shared_text();
    let parts = serialize_blocks(items, stamps, stale, threads, Some(text));
    // Each fresh block: its part, its range there and its first hole there.
    let mut fresh: HashMap<Stamp, (usize, std::ops::Range<usize>)> = HashMap::new();
    for (p, part) in parts.iter().enumerate() {
        let mut start = 0;
        for &(stamp, end) in &part.ends {
            fresh.insert(stamp, (p, start..end));
            start = end;
        }
    }
    let old = &cache.saved;
    // Blocks are reused only when their left-out quotes are of this text.
    let reuse = old.holes.is_empty() || old.article.as_ref().is_some_and(|t| Arc::ptr_eq(t, text));
    let fresh_len: usize = parts.iter().map(|p| p.text.len()).sum();
    let mut saved = SavedText {
        skeleton: String::with_capacity(old.skeleton.len() + fresh_len + 512),
        holes: Vec::with_capacity(
            old.holes.len() + parts.iter().map(|p| p.holes.len()).sum::<usize>(),
        ),
        article: Some(Arc::clone(text)),
    };
    let mut placed = HashMap::with_capacity(stamps.len());
    assemble_header(&mut saved.skeleton, header, annotations.len());
    for (stamp, a) in stamps.iter().zip(items) {
        let start = saved.skeleton.len();
        let cached = cache.blocks.get(stamp).filter(|_| reuse);
        match cached.map(|r| (&old.skeleton, &old.holes, r)).or_else(|| {
            fresh
                .get(stamp)
                .map(|(p, r)| (&parts[*p].text, &parts[*p].holes, r))
        }) {
            Some((skeleton, holes, range)) => {
                let first = holes.partition_point(|h| h.at < range.start);
                saved
                    .holes
                    .extend(
                        holes[first..]
                            .iter()
                            .take_while(|h| h.at < range.end)
                            .map(|h| Hole {
                                at: start + h.at - range.start,
                                quote: h.quote.clone(),
                            }),
                    );
                saved.skeleton.push_str(&skeleton[range.clone()]);
            }
            None => {
                // Its serializing thread failed: made here.
                let (block, hole) = skeleton_block(a, Some(text));
                if let Some((at, quote)) = hole {
                    saved.holes.push(Hole {
                        at: start + at,
                        quote,
                    });
                }
                saved.skeleton.push_str(&block);
            }
        }
        placed.insert(*stamp, start..saved.skeleton.len());
    }
    assemble_footer(&mut saved.skeleton, annotations.len());
    drop(fresh);
    drop(parts);
    *cache = BlockCache {
        saved: Arc::new(saved),
        blocks: placed,
    };
    cache.saved()
}

/// [`save`] of `header` with `annotations`, serializing only what `cache`
/// lacks, quotes held as ranges of `article` left out of the cache. The
/// text is written to the file as it is made from the cache, never whole
/// in memory (a sidecar of long spans is 100 MB).
pub fn save_cached(
    path: &Path,
    header: &Sidecar,
    annotations: &Annotations,
    expected: &DiskState,
    cache: &mut BlockCache,
    article: &Article,
) -> Result<DiskState, SidecarError> {
    check_expected(path, expected)?;
    // The new text becomes the cache (no copy of it is kept).
    let saved = to_string_cached(header, annotations, cache, article);
    write_atomic_with(path, |w| saved.write_to(w))?;
    Ok(DiskState::probe(path))
}

fn pretty_config() -> ron::ser::PrettyConfig {
    ron::ser::PrettyConfig::new()
        .new_line("\n")
        .indentor("  ")
        .struct_names(false)
        .separate_tuple_members(false)
        .enumerate_arrays(false)
}

/// One value pretty-printed, every line indented by `indent` spaces, with a
/// trailing `,\n` (the form it takes inside a list or struct).
fn pretty_block<T: Serialize>(value: &T, indent: usize) -> String {
    // Serializing plain data with string keys cannot fail.
    let text = ron::ser::to_string_pretty(value, pretty_config())
        .unwrap_or_else(|e| format!("// serialization failed: {e}"));
    let pad = " ".repeat(indent);
    let mut out = String::with_capacity(text.len() + text.len() / 8);
    for line in text.split('\n') {
        out.push_str(&pad);
        out.push_str(line);
        out.push('\n');
    }
    out.pop();
    out.push_str(",\n");
    out
}

/// `a` as [`pretty_block`] writes it at an indent of 4 (its form in the
/// annotation list), written directly when it has only the fields most
/// annotations have, else by ron: ron's serializer was most of the time to
/// check a big sidecar's blocks for the save cache after opening it.
fn annotation_block(a: &Annotation) -> String {
    plain_annotation_block(a).unwrap_or_else(|| pretty_block(a, 4))
}

/// [`annotation_block`] for an annotation made by hand with no links,
/// attributes, events, normalizations, reviews or conflict, anchored
/// exactly; `None` for any other (ron writes those). Invariant: the same
/// bytes as [`pretty_block`] (proptest
/// `plain_blocks_are_what_ron_writes`).
fn plain_annotation_block(a: &Annotation) -> Option<String> {
    use crate::model::annotation::Origin;
    let plain = a.links.is_empty()
        && a.attrs.is_empty()
        && a.events.is_empty()
        && a.norms.is_empty()
        && a.reviews.is_empty()
        && a.anchor.is_exact()
        && a.original_quote.is_none()
        && a.conflict.is_none()
        && a.origin == Origin::Manual;
    if !plain {
        return None;
    }
    let strings = a.id.0.len() + a.quote.len() + a.prefix.len() + a.suffix.len();
    let mut out = Vec::with_capacity(strings + strings / 8 + 320);
    let w = &mut out;
    let string = |w: &mut Vec<u8>, name: &str, value: &str| {
        w.extend_from_slice(b"      ");
        w.extend_from_slice(name.as_bytes());
        w.extend_from_slice(b": \"");
        let _ = write_escaped(w, value);
        w.extend_from_slice(b"\",\n");
    };
    let some_string = |w: &mut Vec<u8>, name: &str, value: &Option<String>| {
        if let Some(value) = value {
            w.extend_from_slice(b"      ");
            w.extend_from_slice(name.as_bytes());
            w.extend_from_slice(b": Some(\"");
            let _ = write_escaped(w, value);
            w.extend_from_slice(b"\"),\n");
        }
    };
    let time =
        |t: &chrono::DateTime<chrono::Utc>| t.to_rfc3339_opts(chrono::SecondsFormat::AutoSi, true);
    w.extend_from_slice(b"    (\n");
    string(w, "id", &a.id.0);
    let label = match a.label {
        crate::model::annotation::Label::Entity => "Entity",
        crate::model::annotation::Label::Claim => "Claim",
        crate::model::annotation::Label::Quote => "Quote",
    };
    let _ = write!(
        w,
        "      label: {label},\n      start: {},\n      end: {},\n",
        a.start.0, a.end.0
    );
    string(w, "quote", a.quote.as_str());
    string(w, "prefix", &a.prefix);
    string(w, "suffix", &a.suffix);
    some_string(w, "kind", &a.kind);
    some_string(w, "note", &a.note);
    string(w, "author", &a.author);
    string(w, "created", &time(&a.created));
    string(w, "modified", &time(&a.modified));
    some_string(w, "modified_by", &a.modified_by);
    let _ = write!(
        w,
        "      status: {},\n      origin: Manual,\n    ),\n",
        a.status.name()
    );
    String::from_utf8(out).ok()
}

/// Read the sidecar at `path`. `Ok(None)` when there is none.
pub fn read(path: &Path) -> Result<Option<(Sidecar, DiskState)>, SidecarError> {
    Ok(read_with_text(path)?.map(|(sc, disk, _)| (sc, disk)))
}

/// [`read`], with `alongside` run on what the sidecar records of its article
/// (`None` when there is no sidecar) while the annotations are parsed, and
/// its answer: a reader that also decodes and hashes the article does so
/// next to the parse, not after it (a 22 MB sidecar's article took one core
/// while the other waited). Small sidecars run it after the parse. Not run
/// when the sidecar cannot be read. If the parsed record differs from the
/// one `alongside` was given (never in a file Marginalia wrote), it is run
/// again with the parsed one.
pub fn read_alongside<R: Send>(
    path: &Path,
    alongside: impl Fn(Option<&ArticleInfo>) -> R + Sync,
) -> Result<(Option<(Sidecar, DiskState)>, R), SidecarError> {
    let Some((text, disk)) = read_text(path)? else {
        return Ok((None, alongside(None)));
    };
    let early = (text.len() >= MIN_PARALLEL_BYTES)
        .then(|| header_article(&text))
        .flatten();
    let (parsed, early_answer) = match &early {
        Some(info) => std::thread::scope(|scope| {
            let job = scope.spawn(|| alongside(Some(info)));
            let parsed = parse(&text, path);
            match job.join() {
                Ok(answer) => (parsed, Some(answer)),
                Err(panic) => std::panic::resume_unwind(panic),
            }
        }),
        None => (parse(&text, path), None),
    };
    let sc = parsed?;
    let answer = match early_answer {
        Some(answer) if early.as_ref() == Some(&sc.article) => answer,
        _ => alongside(Some(&sc.article)),
    };
    Ok((Some((sc, disk)), answer))
}

/// The `article` record of a sidecar in our own layout, read from its head
/// alone; `None` for any other text.
fn header_article(text: &str) -> Option<ArticleInfo> {
    #[derive(Deserialize)]
    struct Head {
        version: u32,
        article: ArticleInfo,
    }
    if !text.starts_with("(\n  version: ") {
        return None;
    }
    let open = text.find(BLOCK_LIST_OPEN)?;
    let head = format!("{}\n  annotations: [],\n)", text.get(..open)?);
    let options = ron::Options::default().with_recursion_limit(RECURSION_LIMIT);
    let h: Head = options.from_str(&head).ok()?;
    (1..=FORMAT_VERSION)
        .contains(&h.version)
        .then_some(h.article)
}

/// [`read`], also giving the file's text (see [`BlockCache::from_text`]).
pub fn read_with_text(path: &Path) -> Result<Option<(Sidecar, DiskState, String)>, SidecarError> {
    let Some((text, disk)) = read_text(path)? else {
        return Ok(None);
    };
    let sidecar = parse(&text, path)?;
    Ok(Some((sidecar, disk, text)))
}

/// The text of the sidecar at `path` and its disk state, unparsed; `None`
/// when there is no sidecar.
fn read_text(path: &Path) -> Result<Option<(String, DiskState)>, SidecarError> {
    let io = |action: &'static str| {
        let path = path.to_owned();
        move |source| SidecarError::Io {
            path,
            action,
            source,
        }
    };
    use std::io::Read as _;
    // Opened once and asked its size: no lookup by path before the open.
    let mut file = match fs::File::open(path) {
        Ok(f) => f,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(None),
        // Windows refuses to open a folder as a file.
        Err(_) if path.is_dir() => {
            return Err(io("reading")(std::io::Error::other(
                "is a directory, not a sidecar file",
            )));
        }
        Err(e) => return Err(io("reading")(e)),
    };
    let meta = file.metadata().map_err(io("reading"))?;
    if meta.is_dir() {
        return Err(io("reading")(std::io::Error::other(
            "is a directory, not a sidecar file",
        )));
    }
    if meta.len() > MAX_SIDECAR_BYTES {
        return Err(SidecarError::TooLarge {
            path: path.to_owned(),
            byte_len: meta.len(),
        });
    }
    let len = usize::try_from(meta.len()).unwrap_or(0);
    let text = if len >= PARALLEL_READ_BYTES {
        read_in_halves(&mut file, len).map_err(io("reading"))?
    } else {
        let mut bytes = Vec::with_capacity(len);
        file.read_to_end(&mut bytes).map_err(io("reading"))?;
        if simdutf8::basic::from_utf8(&bytes).is_ok() {
            // SAFETY: simdutf8 checked that the bytes are UTF-8 (several
            // times faster than std's check; std's error says where).
            Ok(unsafe { String::from_utf8_unchecked(bytes) })
        } else {
            String::from_utf8(bytes)
        }
    };
    let text = text.map_err(|e| {
        let valid = &e.as_bytes()[..e.utf8_error().valid_up_to()];
        let line = valid.iter().filter(|&&b| b == b'\n').count() + 1;
        let column = valid.iter().rev().take_while(|&&b| b != b'\n').count() + 1;
        SidecarError::Parse {
            path: path.to_owned(),
            line,
            column,
            message: "invalid UTF-8".into(),
        }
    })?;
    let disk = DiskState::Present {
        byte_len: meta.len(),
        modified: meta.modified().ok(),
    };
    Ok(Some((text, disk)))
}

/// From this size up, a sidecar is read and checked for UTF-8 in two
/// halves at once: a 22 MB one took a core for 40 ms before its parse began.
const PARALLEL_READ_BYTES: usize = 4 * 1024 * 1024;

/// The rest of `file`, whose size was `len` when asked, read in two halves
/// on two threads and checked for UTF-8 likewise; a file that shrank or grew
/// meanwhile is read to its end all the same.
fn read_in_halves(
    file: &mut fs::File,
    len: usize,
) -> std::io::Result<Result<String, std::string::FromUtf8Error>> {
    use std::io::{Read as _, Seek as _};
    let mut bytes = vec![0u8; len];
    crate::store::advise_huge_pages(&bytes);
    #[cfg(unix)]
    let read = {
        use std::os::unix::fs::FileExt as _;
        let half = len / 2;
        let (head, tail) = bytes.split_at_mut(half);
        let at = |buf: &mut [u8], offset: usize| -> std::io::Result<bool> {
            let mut done = 0;
            while done < buf.len() {
                match file.read_at(&mut buf[done..], (offset + done) as u64) {
                    Ok(0) => return Ok(false),
                    Ok(n) => done += n,
                    Err(e) if e.kind() == std::io::ErrorKind::Interrupted => {}
                    Err(e) => return Err(e),
                }
            }
            Ok(true)
        };
        let (first, second) = std::thread::scope(|scope| {
            let second = scope.spawn(|| at(tail, half));
            (at(head, 0), second.join())
        });
        let second = second.unwrap_or_else(|panic| std::panic::resume_unwind(panic));
        first? && second?
    };
    #[cfg(not(unix))]
    let read = false;
    if read {
        // Whatever was appended since the size was asked.
        file.seek(std::io::SeekFrom::Start(len as u64))?;
    } else {
        // It shrank (or this is not Unix): read it whole, once.
        bytes.clear();
        file.rewind()?;
    }
    file.read_to_end(&mut bytes)?;
    if !is_utf8_in_halves(&bytes) {
        // The error, with its position, comes from the plain check.
        return Ok(String::from_utf8(bytes));
    }
    // SAFETY: `is_utf8_in_halves` checked that the bytes are UTF-8.
    Ok(Ok(unsafe { String::from_utf8_unchecked(bytes) }))
}

/// True when `bytes` are UTF-8, checked in two halves at once: the cut is
/// moved to the start of a character, so the halves are UTF-8 exactly when
/// the whole is.
fn is_utf8_in_halves(bytes: &[u8]) -> bool {
    let mut cut = bytes.len() / 2;
    // At most three continuation bytes follow a character's first byte.
    for _ in 0..3 {
        match bytes.get(cut) {
            Some(b) if b & 0xC0 == 0x80 => cut += 1,
            _ => break,
        }
    }
    let (head, tail) = bytes.split_at(cut.min(bytes.len()));
    std::thread::scope(|scope| {
        let tail_ok = scope.spawn(|| simdutf8::basic::from_utf8(tail).is_ok());
        simdutf8::basic::from_utf8(head).is_ok() && tail_ok.join().unwrap_or(false)
    })
}

/// The `article` part of the sidecar at `path`, read from the head of the
/// file when it is in the layout [`to_string`] writes (so the annotations
/// of a big sidecar are not parsed just to learn the article's encoding),
/// else from a whole read. `None` when there is no sidecar or it cannot be
/// read; whoever reads the annotations reports that.
pub fn read_article_info(path: &Path) -> Option<ArticleInfo> {
    use std::io::Read as _;
    const HEAD_BYTES: u64 = 64 * 1024;
    #[derive(Deserialize)]
    struct Head {
        version: u32,
        article: ArticleInfo,
    }
    let mut head = Vec::new();
    fs::File::open(path)
        .ok()?
        .take(HEAD_BYTES)
        .read_to_end(&mut head)
        .ok()?;
    let text = String::from_utf8_lossy(&head);
    if let Some(open) = text.find("\n  annotations: [")
        && let Some(prefix) = text.get(..open)
    {
        let options = ron::Options::default().with_recursion_limit(RECURSION_LIMIT);
        if let Ok(h) = options.from_str::<Head>(&format!("{prefix}\n  annotations: [],\n)"))
            && (1..=FORMAT_VERSION).contains(&h.version)
        {
            return Some(h.article);
        }
    }
    read(path).ok().flatten().map(|(sc, _)| sc.article)
}

/// Write `sidecar` to `path` atomically, but only if the disk still holds
/// what `expected` describes. Returns the new disk state.
pub fn save(
    path: &Path,
    sidecar: &Sidecar,
    expected: &DiskState,
) -> Result<DiskState, SidecarError> {
    check_expected(path, expected)?;
    write_atomic(path, to_string(sidecar).as_bytes())?;
    Ok(DiskState::probe(path))
}

/// The [`save`] guard: refuse a broken file, or one that changed on disk.
fn check_expected(path: &Path, expected: &DiskState) -> Result<(), SidecarError> {
    if *expected == DiskState::Unparsable {
        return Err(SidecarError::WouldOverwriteBroken {
            path: path.to_owned(),
        });
    }
    if DiskState::probe(path) != *expected {
        return Err(SidecarError::ChangedOnDisk {
            path: path.to_owned(),
        });
    }
    Ok(())
}

/// Replace the file at `path` with `bytes` atomically: temp file in the same
/// folder, fsync, rename, fsync the folder. Follows a symlink at `path`.
pub fn write_atomic(path: &Path, bytes: &[u8]) -> Result<(), SidecarError> {
    write_atomic_with(path, |w| w.write_all(bytes))
}

/// [`write_atomic`] of what `write` writes (through a buffer), so a big
/// text need not be made whole first.
pub fn write_atomic_with(
    path: &Path,
    write: impl FnOnce(&mut std::io::BufWriter<&mut fs::File>) -> std::io::Result<()>,
) -> Result<(), SidecarError> {
    let target = replace_target(path).map_err(|source| SidecarError::Io {
        path: path.to_owned(),
        action: "following symlink",
        source,
    })?;
    let io = |action: &'static str| {
        let path = target.clone();
        move |source| SidecarError::Io {
            path,
            action,
            source,
        }
    };
    let dir = folder_of(&target);
    let mut tmp = temp_beside(&target).map_err(io("creating a temporary file"))?;
    {
        let mut out = std::io::BufWriter::with_capacity(1 << 20, tmp.as_file_mut());
        write(&mut out).map_err(io("writing"))?;
        out.flush().map_err(io("writing"))?;
    }
    tmp.as_file().sync_all().map_err(io("syncing"))?;
    tmp.persist(&target)
        .map_err(|e| io("renaming into place")(e.error))?;
    sync_dir(&dir).map_err(io("syncing the folder"))?;
    remove_stale_temps(&dir);
    Ok(())
}

/// The file a replacement of `path` writes: `path`, or the file a symlink
/// at `path` points to.
pub(crate) fn replace_target(path: &Path) -> std::io::Result<PathBuf> {
    match fs::symlink_metadata(path) {
        Ok(m) if m.file_type().is_symlink() => fs::canonicalize(path),
        _ => Ok(path.to_owned()),
    }
}

/// The folder `target` is in (`.` for a bare file name).
fn folder_of(target: &Path) -> PathBuf {
    match target.parent() {
        Some(d) if !d.as_os_str().is_empty() => d.to_owned(),
        _ => PathBuf::from("."),
    }
}

/// A temporary file in `target`'s folder, with the mode `target` will keep
/// ([`permissions_for`]), to be renamed over it once written.
pub(crate) fn temp_beside(target: &Path) -> std::io::Result<tempfile::NamedTempFile> {
    let mut builder = tempfile::Builder::new();
    builder.prefix(".marginalia-").suffix(".tmp");
    if let Some(permissions) = permissions_for(target) {
        builder.permissions(permissions);
    }
    builder.tempfile_in(folder_of(target))
}

/// The mode a save gives `target`: the file's own when it exists (a save
/// must not change who may read the sidecar), else what any new file gets
/// (0o666 less the umask), never tempfile's private 0o600.
fn permissions_for(target: &Path) -> Option<fs::Permissions> {
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        Some(
            fs::metadata(target)
                .map_or_else(|_| fs::Permissions::from_mode(0o666), |m| m.permissions()),
        )
    }
    #[cfg(not(unix))]
    {
        // Windows has no modes; its one flag (read-only) must not be copied
        // onto the temp file, or the rename over the target would fail.
        let _ = target;
        None
    }
}

/// Temp files older than this are leftovers of a killed writer.
const STALE_TEMP_AGE: std::time::Duration = std::time::Duration::from_secs(60);

/// Delete `.marginalia-*.tmp` files older than [`STALE_TEMP_AGE`] in `dir`:
/// a writer killed mid-save leaves its temp file behind. They are harmless
/// (never read); a process's first save in a folder removes them, and so
/// does its next save there once [`STALE_TEMP_AGE`] has passed. Listing the
/// folder on every save made saving a folder of n articles cost n² directory
/// entries (1,000 articles: 15 % of `marginalia suggest`'s CPU time).
/// Best effort.
fn remove_stale_temps(dir: &Path) {
    if !folder_due_for_cleaning(dir) {
        return;
    }
    let Ok(entries) = fs::read_dir(dir) else {
        return;
    };
    for entry in entries.flatten() {
        let name = entry.file_name();
        let name = name.to_string_lossy();
        if !(name.starts_with(".marginalia-") && name.ends_with(".tmp")) {
            continue;
        }
        let old = entry
            .metadata()
            .and_then(|m| m.modified())
            .ok()
            .and_then(|t| t.elapsed().ok())
            .is_some_and(|age| age > STALE_TEMP_AGE);
        if old {
            let _ = fs::remove_file(entry.path());
        }
    }
}

/// True when this process has not looked for stale temp files in `dir`
/// within the last [`STALE_TEMP_AGE`] (and notes that it looks now): a temp
/// file younger than that is never removed, so looking more often finds
/// little.
fn folder_due_for_cleaning(dir: &Path) -> bool {
    use std::sync::{Mutex, OnceLock};
    use std::time::Instant;
    static CLEANED: OnceLock<Mutex<HashMap<PathBuf, Instant>>> = OnceLock::new();
    let now = Instant::now();
    let Ok(mut cleaned) = CLEANED.get_or_init(Mutex::default).lock() else {
        return true;
    };
    match cleaned.get(dir) {
        Some(at) if now.duration_since(*at) < STALE_TEMP_AGE => false,
        _ => {
            cleaned.insert(dir.to_owned(), now);
            true
        }
    }
}

#[cfg(unix)]
fn sync_dir(dir: &Path) -> std::io::Result<()> {
    fs::File::open(dir)?.sync_all()
}

#[cfg(not(unix))]
fn sync_dir(_dir: &Path) -> std::io::Result<()> {
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::annotation::{Annotation, Label, Origin};
    use crate::model::offset::CharRange;
    use chrono::TimeZone;

    fn sample() -> (Article, Sidecar) {
        let article = Article::new("Dehqan said «peace» 👋 in سلام.".into());
        let now = chrono::Utc
            .with_ymd_and_hms(2026, 11, 28, 12, 0, 0)
            .unwrap();
        let mut anns: Vec<_> = [(12, 19, Label::Quote), (0, 6, Label::Entity)]
            .iter()
            .map(|&(s, e, l)| {
                Annotation::new(
                    &article,
                    CharRange::from_usize(s, e),
                    l,
                    "ana",
                    now,
                    Origin::Manual,
                )
                .unwrap()
            })
            .collect();
        anns[1].kind = Some("Person".into());
        let sc = Sidecar::new("a.txt", "utf-8", &article, anns);
        (article, sc)
    }

    #[test]
    fn round_trip_is_sorted_and_byte_identical() {
        let (_, sc) = sample();
        let s1 = to_string(&sc);
        let back = parse(&s1, Path::new("x")).unwrap();
        assert_eq!(back.annotations[0].quote, "Dehqan");
        assert_eq!(to_string(&back), s1);
        // The slow path (any other layout) gives the same result.
        let compact = ron::ser::to_string(&back).unwrap();
        assert_eq!(parse(&compact, Path::new("x")).unwrap(), back);
        assert!(!s1.contains('\r'));
        assert!(s1.starts_with("(\n  version: 1,"));
    }

    #[test]
    fn blockwise_output_equals_rons_own_pretty_output() {
        let (_, mut sc) = sample();
        sc.annotations
            .sort_by(|a, b| a.sort_key().cmp(&b.sort_key()));
        let mut whole = ron::ser::to_string_pretty(&sc, pretty_config()).unwrap();
        whole.push('\n');
        assert_eq!(to_string(&sc), whole);
        sc.annotations.clear();
        let mut whole = ron::ser::to_string_pretty(&sc, pretty_config()).unwrap();
        whole.push('\n');
        assert_eq!(to_string(&sc), whole);
    }

    #[test]
    fn suggestion_fingerprints_round_trip_and_old_readers_skip_them() {
        let (_, mut sc) = sample();
        sc.suggested = vec!["00aa11bb22cc33dd".into(), "ffee".into()];
        sc.annotations
            .sort_by(|a, b| a.sort_key().cmp(&b.sort_key()));
        let text = to_string(&sc);
        let mut whole = ron::ser::to_string_pretty(&sc, pretty_config()).unwrap();
        whole.push('\n');
        assert_eq!(text, whole, "blockwise output still equals ron's own");
        let back = parse(&text, Path::new("x")).unwrap();
        assert_eq!(back.suggested, sc.suggested);
        // A reader without the field (version 1 before suggestions) ignores it.
        #[derive(Deserialize)]
        struct OldSidecar {
            version: u32,
            annotations: Vec<Annotation>,
        }
        let old: OldSidecar = ron::from_str(&text).unwrap();
        assert_eq!(
            (old.version, old.annotations.len()),
            (1, sc.annotations.len())
        );
    }

    #[test]
    fn many_annotations_parse_in_parallel_slices_and_errors_still_have_positions() {
        let article = Article::new("word ".repeat(2000));
        let now = chrono::Utc::now();
        let anns: Vec<_> = (0..5000)
            .map(|i| {
                let s = (i * 7) % 9000;
                Annotation::new(
                    &article,
                    CharRange::from_usize(s, s + 4),
                    Label::ALL[i % 3],
                    "b",
                    now,
                    Origin::Manual,
                )
                .unwrap()
            })
            .collect();
        let sc = Sidecar::new("a.txt", "utf-8", &article, anns);
        let text = to_string(&sc);
        let back = parse(&text, Path::new("x")).unwrap();
        assert_eq!(back.annotations.len(), 5000);
        assert_eq!(to_string(&back), text);
        // Break one field deep inside: the fallback reports where.
        let lines: Vec<&str> = text.split_inclusive('\n').collect();
        let at = (30_000..lines.len())
            .find(|&i| lines[i].contains("start:"))
            .unwrap();
        let mut broken = lines.clone().concat();
        let byte = lines[..at].iter().map(|l| l.len()).sum::<usize>();
        broken.replace_range(
            byte..byte + lines[at].len(),
            &lines[at].replace("start: ", "start: :"),
        );
        let Err(SidecarError::Parse { line, .. }) = parse(&broken, Path::new("x")) else {
            panic!("broken sidecar parsed")
        };
        assert_eq!(line, at + 1);
    }

    #[test]
    fn cached_output_equals_plain_output_after_changes() {
        let (article, mut sc) = sample();
        sc.annotations
            .sort_by(|a, b| a.sort_key().cmp(&b.sort_key()));
        let mut set = Annotations::from_vec(sc.annotations.clone());
        let mut cache = BlockCache::default();
        let header = Sidecar::new("a.txt", "utf-8", &article, Vec::new());
        assert_eq!(
            to_string_cached(&header, &set, &mut cache, &article).to_text(),
            to_string(&sc)
        );
        assert_eq!(cache.len(), 2);
        // A changed annotation is re-serialized, a removed one forgotten.
        let mut changed = set.as_slice()[0].clone();
        changed.note = Some("changed".into());
        set.replace(changed.clone());
        let gone = set.as_slice()[1].id.clone();
        set.remove(&gone);
        sc.annotations = vec![changed];
        assert_eq!(
            to_string_cached(&header, &set, &mut cache, &article).to_text(),
            to_string(&sc)
        );
        assert_eq!(cache.len(), 1);
        // Two annotations sharing an id (a hand-edited file) are both written as they are.
        let mut twin = sc.annotations[0].clone();
        twin.note = None;
        sc.annotations.push(twin);
        sc.annotations
            .sort_by(|a, b| a.sort_key().cmp(&b.sort_key()));
        let set = Annotations::from_vec(sc.annotations.clone());
        let text = to_string_cached(&header, &set, &mut cache, &article).to_text();
        assert_eq!(text, to_string(&sc));
        assert_eq!(parse(&text, Path::new("x")).unwrap().annotations.len(), 2);
        // A background-built cache gives the same bytes.
        let mut warm = BlockCache::from_annotations(set.as_slice(), set.stamps(), Some(&article));
        assert_eq!(warm.len(), 2);
        assert_eq!(
            to_string_cached(&header, &set, &mut warm, &article).to_text(),
            text
        );
        // The cache's text is the last output itself, shared.
        let again = to_string_cached(&header, &set, &mut warm, &article);
        assert!(Arc::ptr_eq(&warm.saved(), &again));
    }

    #[test]
    fn the_block_cache_drops_dead_blocks_and_still_gives_the_same_bytes() {
        let (article, sc) = sample();
        let header = Sidecar::new("a.txt", "utf-8", &article, Vec::new());
        let mut set = Annotations::from_vec(sc.annotations.clone());
        let mut cache = BlockCache::default();
        for round in 0..20 {
            let mut changed = set.as_slice()[round % 2].clone();
            changed.note = Some(format!("round {round}"));
            set.replace(changed);
            let mut plain = Sidecar::new("a.txt", "utf-8", &article, set.as_slice().to_vec());
            plain.note = None;
            let saved = to_string_cached(&header, &set, &mut cache, &article);
            assert_eq!(saved.to_text(), to_string(&plain));
            assert_eq!(cache.len(), 2);
            // No dead blocks: the cache is the output less its quotes, nothing more.
            assert_eq!(
                cache.saved().skeleton_len() + "Dehqan«peace»".len(),
                saved.to_text().len(),
                "round {round}"
            );
        }
    }

    #[test]
    fn a_cache_made_from_the_file_text_reuses_only_canonical_blocks() {
        let (article, mut sc) = sample();
        sc.annotations
            .sort_by(|a, b| a.sort_key().cmp(&b.sort_key()));
        let text = to_string(&sc);
        let set = Annotations::from_vec(sc.annotations.clone());
        let keys = |set: &Annotations| -> Vec<(AnnotationKey, Stamp)> {
            set.iter()
                .zip(set.stamps())
                .map(|(a, s)| ((a.start, a.end, a.id.clone()), *s))
                .collect()
        };
        let header = Sidecar::new("a.txt", "utf-8", &article, Vec::new());
        let mut cache =
            BlockCache::from_saved(Arc::new(SavedText::whole(text.clone())), &keys(&set));
        assert_eq!(cache.len(), 2);
        assert_eq!(
            to_string_cached(&header, &set, &mut cache, &article).to_text(),
            text
        );
        // A block written by hand (fields on one line) is not reused as is.
        let first = &sc.annotations[0];
        let hand = text.replacen(
            &format!("      id: \"{}\",\n      label", first.id),
            &format!("      id: \"{}\", label", first.id),
            1,
        );
        assert_ne!(hand, text);
        let mut cache = BlockCache::from_saved(Arc::new(SavedText::whole(hand)), &keys(&set));
        assert_eq!(cache.len(), 1);
        assert_eq!(
            to_string_cached(&header, &set, &mut cache, &article).to_text(),
            text
        );
        // Keys that do not match the blocks: nothing is reused.
        let other = Annotations::from_vec(vec![sc.annotations[0].clone()]);
        assert!(
            BlockCache::from_saved(Arc::new(SavedText::whole(text.clone())), &keys(&other))
                .is_empty()
        );
        let mut swapped = keys(&set);
        swapped.swap(0, 1);
        assert!(BlockCache::from_saved(Arc::new(SavedText::whole(text)), &swapped).is_empty());
    }

    #[test]
    fn quotes_are_escaped_exactly_as_ron_escapes_them() {
        let mut tricky: Vec<String> = (0u32..0x3000)
            .chain([0x1F44B, 0x200D, 0xFE0F, 0x2028, 0xE000, 0x10FFFF, 0x1F1EE])
            .filter_map(char::from_u32)
            .map(|c| format!("a{c}b"))
            .collect();
        tricky.push("Dehqan said «peace» 'no'\n\t\"x\"\\ e\u{301} 👩‍👧".into());
        tricky.push(String::new());
        for s in &tricky {
            let by_ron = ron::to_string(s).unwrap();
            let mut ours = Vec::new();
            write_escaped(&mut ours, s).unwrap();
            assert_eq!(
                format!("\"{}\"", String::from_utf8(ours).unwrap()),
                by_ron,
                "{s:?}"
            );
            // The fast reader compares a quote as written with the article's text.
            let raw = &by_ron[1..by_ron.len() - 1];
            let read = sidecar_fast::escaped_equals(&by_ron[1..], s);
            assert_eq!(read, Some((raw.len(), true)), "{s:?}");
            if !s.contains(['"', '\\']) {
                let unescaped = sidecar_fast::escaped_equals(&format!("{s}\""), s);
                assert_eq!(unescaped, Some((s.len(), raw == s)), "{s:?}");
            }
            assert_eq!(
                sidecar_fast::escaped_equals(&by_ron[1..], &format!("{s}x")),
                None
            );
        }
    }

    #[test]
    fn parse_errors_carry_line_and_column() {
        let err = parse("(\n  version: 1,\n  article: oops,\n)", Path::new("s.ron")).unwrap_err();
        let SidecarError::Parse { line, column, .. } = err else {
            panic!("{err}")
        };
        assert_eq!((line, column), (3, 12));
    }

    /// Regression (issue 14, reading a big sidecar in two halves): the
    /// halves' UTF-8 check agrees with the plain one wherever a character
    /// or a bad byte falls, and the text read is the file's whole text.
    #[test]
    fn a_file_read_and_checked_in_halves_is_the_file() {
        for len in 0..24 {
            for (piece, at) in ["\u{1f600}", "\u{e9}", "\u{2019}"]
                .into_iter()
                .flat_map(|p| (0..=len).map(move |at| (p, at)))
            {
                let mut bytes = "x".repeat(len).into_bytes();
                bytes.splice(at..at, piece.bytes());
                assert!(is_utf8_in_halves(&bytes), "{bytes:?}");
                for bad in 0..bytes.len() {
                    let mut broken = bytes.clone();
                    broken[bad] = 0xFF - (broken[bad] & 0x3F);
                    assert_eq!(
                        is_utf8_in_halves(&broken),
                        std::str::from_utf8(&broken).is_ok(),
                        "{broken:?}"
                    );
                    broken[bad] = 0x80;
                    assert_eq!(
                        is_utf8_in_halves(&broken),
                        std::str::from_utf8(&broken).is_ok(),
                        "{broken:?}"
                    );
                }
            }
        }
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("a.txt.ann.ron");
        let text = "(\n  r\u{e9}sum\u{e9}: \u{1f600},\n)\n".repeat(1000);
        fs::write(&path, &text).unwrap();
        for len in [0, 1, 10, text.len() / 3, text.len(), text.len() + 5] {
            let mut file = fs::File::open(&path).unwrap();
            let read = read_in_halves(&mut file, len).unwrap().unwrap();
            assert_eq!(read, text, "told {len} bytes");
        }
        let mut broken = text.clone().into_bytes();
        broken[text.len() / 2 + 7] = 0xC3;
        broken[text.len() / 2 + 8] = b'(';
        fs::write(&path, &broken).unwrap();
        let mut file = fs::File::open(&path).unwrap();
        let err = read_in_halves(&mut file, broken.len())
            .unwrap()
            .unwrap_err();
        assert_eq!(err.utf8_error().valid_up_to(), text.len() / 2 + 7);
    }

    #[test]
    fn newer_versions_are_refused() {
        let err = parse("(version: 7, future: [1,2])", Path::new("s.ron")).unwrap_err();
        assert!(matches!(err, SidecarError::NewerVersion { found: 7, .. }));
    }

    #[test]
    fn deep_nesting_is_bounded() {
        let deep = format!(
            "(version: 1, article: {}{})",
            "[".repeat(10_000),
            "]".repeat(10_000)
        );
        assert!(matches!(
            parse(&deep, Path::new("s")),
            Err(SidecarError::Parse { .. })
        ));
    }

    #[test]
    fn save_refuses_when_the_disk_changed_or_file_is_broken() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("a.txt.ann.ron");
        let (_, sc) = sample();
        let state = save(&path, &sc, &DiskState::Absent).unwrap();
        assert!(read(&path).unwrap().is_some());
        // Someone else writes.
        std::thread::sleep(std::time::Duration::from_millis(10));
        fs::write(
            &path,
            "(version: 1, article: (file: \"a\", encoding: \"utf-8\", hash: \"\", char_len: 0))",
        )
        .unwrap();
        assert!(matches!(
            save(&path, &sc, &state),
            Err(SidecarError::ChangedOnDisk { .. })
        ));
        assert!(matches!(
            save(&path, &sc, &DiskState::Unparsable),
            Err(SidecarError::WouldOverwriteBroken { .. })
        ));
    }

    #[cfg(unix)]
    #[test]
    fn saves_keep_the_file_mode_and_new_files_follow_the_umask() {
        use std::os::unix::fs::PermissionsExt;
        let dir = tempfile::tempdir().unwrap();
        let mode = |p: &Path| fs::metadata(p).unwrap().permissions().mode() & 0o777;
        // A new file gets what any program's new file gets here.
        let plain = dir.path().join("plain");
        fs::write(&plain, "x").unwrap();
        let fresh = dir.path().join("fresh.ann.ron");
        write_atomic(&fresh, b"a").unwrap();
        assert_eq!(mode(&fresh), mode(&plain));
        // An existing file keeps its own mode.
        fs::set_permissions(&fresh, fs::Permissions::from_mode(0o640)).unwrap();
        write_atomic(&fresh, b"b").unwrap();
        assert_eq!(mode(&fresh), 0o640);
        assert_eq!(fs::read(&fresh).unwrap(), b"b");
    }

    #[test]
    fn sidecar_path_appends_suffix() {
        assert_eq!(
            sidecar_path(Path::new("/x/report.txt")),
            Path::new("/x/report.txt.ann.ron")
        );
    }

    /// A sidecar using every optional field added after the first
    /// version-1 release: the document note, link details, events and
    /// normalizations.
    fn with_extensions() -> Sidecar {
        use crate::model::annotation::{EventInfo, Link, Normalization};
        let (_, mut sc) = sample();
        sc.note = Some("doc \"comment\"\nline two".into());
        let target = sc.annotations[1].id.clone();
        let a = &mut sc.annotations[0];
        let mut link = Link::new("source", target.clone());
        link.input_role = Some("Source".into());
        link.event = Some("e1".into());
        link.attrs.insert("Confidence".into(), "High".into());
        link.note = Some("checked".into());
        a.links.push(link);
        let mut rel = Link::new("speaker", target);
        rel.relation = Some("Speaker".into());
        rel.from_role = Some("Quote".into());
        a.links.push(rel);
        a.events.push(EventInfo {
            id: "e1".into(),
            kind: "Attribution".into(),
            attrs: [("Negated".to_owned(), "true".to_owned())].into(),
            note: Some("event note".into()),
        });
        a.norms.push(Normalization {
            kind: "Reference".into(),
            db: "Wikipedia".into(),
            entry: "534366".into(),
            text: "Barack Obama".into(),
        });
        sc
    }

    #[test]
    fn optional_extensions_round_trip_byte_identically() {
        let sc = with_extensions();
        let text = to_string(&sc);
        assert!(text.contains("\n  note: Some("), "{text}");
        let back = parse(&text, Path::new("x")).unwrap();
        assert_eq!(back.note, sc.note);
        assert_eq!(to_string(&back), text);
        // ron's own pretty output of the whole document is the same bytes.
        let mut sorted = sc.clone();
        sorted
            .annotations
            .sort_by(|a, b| a.sort_key().cmp(&b.sort_key()));
        let mut whole = ron::ser::to_string_pretty(&sorted, pretty_config()).unwrap();
        whole.push('\n');
        assert_eq!(text, whole);
        // Without the extensions nothing new is written.
        let (_, plain) = sample();
        let plain = to_string(&plain);
        for field in ["note:", "events:", "norms:", "input_role", "event:"] {
            assert!(!plain.contains(field), "{field} in {plain}");
        }
    }

    /// What a version-1 reader written before the extensions declares.
    mod v1 {
        use serde::Deserialize;
        #[derive(Deserialize)]
        pub struct Sidecar {
            pub version: u32,
            pub annotations: Vec<Annotation>,
        }
        #[derive(Deserialize)]
        pub struct Annotation {
            pub id: String,
            pub start: usize,
            #[serde(default)]
            pub links: Vec<Link>,
            #[serde(default)]
            pub attrs: std::collections::BTreeMap<String, String>,
        }
        #[derive(Deserialize)]
        pub struct Link {
            pub role: String,
            pub target: String,
        }
    }

    #[test]
    fn version_1_readers_ignore_the_extensions() {
        let sc = with_extensions();
        let text = to_string(&sc);
        let options = ron::Options::default().with_recursion_limit(RECURSION_LIMIT);
        let old: v1::Sidecar = options.from_str(&text).expect("an old reader parses it");
        assert_eq!(old.version, 1);
        assert_eq!(old.annotations.len(), 2);
        let first = &old.annotations[0];
        assert_eq!(first.id, sc.annotations[1].id.0, "sorted by start");
        let quote = &old.annotations[1];
        assert_eq!(quote.start, 12);
        assert_eq!(
            quote
                .links
                .iter()
                .map(|l| l.role.as_str())
                .collect::<Vec<_>>(),
            ["source", "speaker"]
        );
        assert_eq!(quote.links[0].target, sc.annotations[1].id.0);
        assert!(quote.attrs.is_empty());
    }

    mod props {
        use super::*;
        use crate::model::annotation::{EventInfo, Link, Normalization, Status};
        use proptest::prelude::*;

        fn text() -> impl Strategy<Value = String> {
            let pieces = prop::sample::select(vec![
                "a",
                " ",
                "\n",
                "\"",
                "\\",
                "«»",
                "👩‍👩‍👧",
                "سلام",
                "e\u{301}",
                "\t",
                ")",
                "],",
            ]);
            prop::collection::vec(pieces, 0..6).prop_map(|v| v.concat())
        }

        fn opt_text() -> impl Strategy<Value = Option<String>> {
            prop::option::of(text())
        }

        fn map() -> impl Strategy<Value = std::collections::BTreeMap<String, String>> {
            prop::collection::btree_map(text(), text(), 0..3)
        }

        fn link() -> impl Strategy<Value = Link> {
            (
                (text(), text(), opt_text(), opt_text()),
                (
                    opt_text(),
                    opt_text(),
                    map(),
                    opt_text(),
                    prop::option::of(0usize..9),
                ),
            )
                .prop_map(
                    |(
                        (role, target, input_role, from_role),
                        (event, relation, attrs, note, position),
                    )| Link {
                        role,
                        target: crate::model::annotation::AnnotationId(target),
                        input_role,
                        from_role,
                        event,
                        relation,
                        attrs,
                        note,
                        position,
                    },
                )
        }

        fn event() -> impl Strategy<Value = EventInfo> {
            (text(), text(), map(), opt_text()).prop_map(|(id, kind, attrs, note)| EventInfo {
                id,
                kind,
                attrs,
                note,
            })
        }

        fn norm() -> impl Strategy<Value = Normalization> {
            (text(), text(), text(), text()).prop_map(|(kind, db, entry, text)| Normalization {
                kind,
                db,
                entry,
                text,
            })
        }

        fn annotation() -> impl Strategy<Value = Annotation> {
            (
                (
                    0usize..50,
                    1usize..10,
                    0usize..3,
                    text(),
                    opt_text(),
                    opt_text(),
                ),
                prop::collection::vec(link(), 0..3),
                prop::collection::vec(event(), 0..2),
                prop::collection::vec(norm(), 0..2),
                map(),
                0usize..3,
            )
                .prop_map(
                    |(
                        (start, len, label, quote, kind, note),
                        links,
                        events,
                        norms,
                        attrs,
                        status,
                    )| {
                        let mut a = Annotation::from_parts(
                            crate::model::annotation::AnnotationId::generate(),
                            Label::ALL[label],
                            CharRange::from_usize(start, start + len),
                            &quote,
                            "ana",
                            chrono::DateTime::UNIX_EPOCH,
                        );
                        a.kind = kind;
                        a.note = note;
                        a.links = links;
                        a.events = events;
                        a.norms = norms;
                        a.attrs = attrs;
                        a.status = Status::ALL[status];
                        a
                    },
                )
        }

        proptest! {
            #![proptest_config(ProptestConfig::with_cases(256))]
            /// Issue 14 (the save cache after opening): an annotation
            /// written without ron is what ron writes, whatever its
            /// strings, times and optional fields; and the annotations it
            /// does not know go to ron.
            #[test]
            fn plain_blocks_are_what_ron_writes(
                a in annotation(),
                (prefix, suffix, author) in (text(), text(), text()),
                (secs, nanos) in (-100_000_000_000i64..100_000_000_000, prop::sample::select(vec![0u32, 1, 500_000_000, 120_000, 999_999_999, 7_000])),
                modified_by in opt_text(),
                bare in any::<bool>(),
                other in 0usize..4,
            ) {
                let mut a = a;
                if bare {
                    a.links.clear();
                    a.events.clear();
                    a.norms.clear();
                    a.attrs.clear();
                }
                (a.prefix, a.suffix, a.author) = (prefix, suffix, author);
                a.created = chrono::DateTime::from_timestamp(secs, nanos).unwrap_or_default();
                a.modified = chrono::DateTime::from_timestamp(secs / 3, nanos / 7).unwrap_or_default();
                a.modified_by = modified_by;
                match other {
                    1 => a.anchor = crate::model::annotation::AnchorState::Moved,
                    2 => a.original_quote = Some("was".into()),
                    3 => a.origin = crate::model::annotation::Origin::Imported {
                        source: "x.jsonl".into(),
                        format: "spacy".into(),
                    },
                    _ => {}
                }
                let fast = plain_annotation_block(&a);
                let knows = a.links.is_empty()
                    && a.events.is_empty()
                    && a.norms.is_empty()
                    && a.attrs.is_empty()
                    && other == 0;
                prop_assert_eq!(fast.is_some(), knows);
                prop_assert_eq!(annotation_block(&a), pretty_block(&a, 4));
            }
        }

        proptest! {
            #![proptest_config(ProptestConfig::with_cases(64))]
            #[test]
            fn any_sidecar_round_trips_byte_identically(
                annotations in prop::collection::vec(annotation(), 0..6),
                note in opt_text(),
            ) {
                let (_, mut sc) = sample();
                sc.annotations = annotations;
                sc.note = note;
                let text = to_string(&sc);
                let back = parse(&text, Path::new("x")).unwrap();
                sc.annotations.sort_by(|a, b| a.sort_key().cmp(&b.sort_key()));
                prop_assert_eq!(&back, &sc);
                prop_assert_eq!(to_string(&back), text);
            }
        }
    }
}
