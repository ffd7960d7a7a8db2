//! The article: its text, an index for fast char ↔ byte conversion, its lines
//! and its header metadata.
//!
//! Invariant: `text` never changes after construction, so the indexes built
//! in [`Article::new`] stay valid. Every conversion between the char offsets
//! of the core and the byte offsets of `&str` slicing goes through here, in
//! `O(CHECKPOINT)` time whatever the article's length.
//!
//! ```
//! use marginalia::model::document::Article;
//! use marginalia::model::offset::{CharOffset, CharRange};
//! let a = Article::new("date 2017-04-16 Tehran, Baku\n\nسلام 👋 world".to_string());
//! assert_eq!(a.meta().title.as_deref(), Some("Tehran, Baku"));
//! assert_eq!(a.slice(CharRange::from_usize(37, 42)), Some("world"));
//! assert_eq!(a.line_count(), 3);
//! ```

use crate::model::offset::{CharOffset, CharRange};
use chrono::NaiveDate;
use sha2::{Digest, Sha256};
use std::sync::Arc;

/// Chars between two byte checkpoints.
const CHECKPOINT: usize = 32;

/// Metadata parsed from an optional first line `date YYYY-MM-DD Title`.
/// The text and its offsets are unchanged by parsing it.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct ArticleMeta {
    /// The date from the header.
    pub date: Option<NaiveDate>,
    /// The title from the header.
    pub title: Option<String>,
    /// Where the header line sits (without its line break).
    pub header: Option<CharRange>,
}

/// An immutable article text with its indexes.
#[derive(Clone, Debug)]
pub struct Article {
    /// Shared, so a clone is cheap and quotes can be held as ranges of it
    /// ([`crate::model::quote::Quote`]).
    text: Arc<str>,
    char_len: usize,
    /// Byte offset of every `CHECKPOINT`-th char; empty when the text is ASCII.
    checkpoints: Vec<usize>,
    /// Char offset where each line starts. Always holds at least one entry (0).
    line_starts: Vec<CharOffset>,
    meta: ArticleMeta,
    hash: String,
}

impl Article {
    /// Build the indexes for `text`, which must already be normalised (LF only).
    pub fn new(text: String) -> Self {
        let hash = content_hash(&text);
        Self::with_hash(text, hash)
    }

    /// [`Article::new`] with the text's [`content_hash`] already taken (a
    /// reader that compared it with a sidecar's): hashing a 5 MB article
    /// twice is not free.
    pub(crate) fn with_hash(text: String, hash: String) -> Self {
        debug_assert_eq!(
            hash,
            content_hash(&text),
            "with_hash given another text's hash"
        );
        let is_ascii = text.is_ascii();
        let mut checkpoints = Vec::new();
        let mut line_starts = vec![CharOffset(0)];
        let char_len = if is_ascii {
            line_starts.extend(memchr_newlines(text.as_bytes()).map(|b| CharOffset(b + 1)));
            text.len()
        } else {
            index_chars(text.as_bytes(), &mut checkpoints, &mut line_starts)
        };
        let meta = parse_header(&text);
        Article {
            text: Arc::from(text),
            char_len,
            checkpoints,
            line_starts,
            meta,
            hash,
        }
    }

    /// The whole article text.
    pub fn text(&self) -> &str {
        &self.text
    }

    /// The whole article text, shared (quotes hold ranges of it).
    pub fn shared_text(&self) -> &Arc<str> {
        &self.text
    }

    /// Length in code points.
    pub fn char_len(&self) -> usize {
        self.char_len
    }

    /// `sha256:<hex>` of the UTF-8 article text.
    pub fn hash(&self) -> &str {
        &self.hash
    }

    /// Header metadata.
    pub fn meta(&self) -> &ArticleMeta {
        &self.meta
    }

    /// The whole text as a range.
    pub fn full_range(&self) -> CharRange {
        CharRange::from_usize(0, self.char_len)
    }

    /// Byte index of a char offset; `None` past the end.
    pub fn char_to_byte(&self, pos: CharOffset) -> Option<usize> {
        if pos.0 > self.char_len {
            return None;
        }
        if self.checkpoints.is_empty() {
            return Some(pos.0);
        }
        if pos.0 == self.char_len {
            return Some(self.text.len());
        }
        let block = pos.0 / CHECKPOINT;
        let base = *self.checkpoints.get(block)?;
        let within = pos.0 - block * CHECKPOINT;
        let rest = self.text.get(base..)?;
        rest.char_indices().nth(within).map(|(b, _)| base + b)
    }

    /// Char offset of a byte index; `None` past the end or inside a char.
    pub fn byte_to_char(&self, byte: usize) -> Option<CharOffset> {
        if byte > self.text.len() || !self.text.is_char_boundary(byte) {
            return None;
        }
        if self.checkpoints.is_empty() {
            return Some(CharOffset(byte));
        }
        let block = self.checkpoints.partition_point(|&b| b <= byte) - 1;
        let base = self.checkpoints[block];
        let within = self.text.get(base..byte)?.chars().count();
        Some(CharOffset(block * CHECKPOINT + within))
    }

    /// The byte range of a char range; `None` when it runs past the end.
    pub fn byte_range(&self, range: CharRange) -> Option<std::ops::Range<usize>> {
        Some(self.char_to_byte(range.start)?..self.char_to_byte(range.end)?)
    }

    /// The text a range covers; `None` when it runs past the end.
    pub fn slice(&self, range: CharRange) -> Option<&str> {
        self.text.get(self.byte_range(range)?)
    }

    /// Up to `n` code points before and after `range`, for re-anchoring context.
    pub fn context(&self, range: CharRange, n: usize) -> (String, String) {
        let before = CharRange::new(range.start.back(n), range.start);
        let after_end = CharOffset(range.end.0.saturating_add(n).min(self.char_len));
        let after = CharRange::new(range.end.min(after_end), after_end);
        (
            self.slice(before).unwrap_or_default().to_owned(),
            self.slice(after).unwrap_or_default().to_owned(),
        )
    }

    /// Number of lines (`\n`-separated; an empty text has one empty line).
    pub fn line_count(&self) -> usize {
        self.line_starts.len()
    }

    /// The char range of line `i`, without its `\n`.
    pub fn line_range(&self, i: usize) -> Option<CharRange> {
        let start = *self.line_starts.get(i)?;
        let end = match self.line_starts.get(i + 1) {
            Some(next) => next.back(1),
            None => CharOffset(self.char_len),
        };
        Some(CharRange { start, end })
    }

    /// The line holding `pos` (a position at a line's end belongs to that line).
    pub fn line_of(&self, pos: CharOffset) -> usize {
        self.line_starts
            .partition_point(|&s| s <= pos)
            .saturating_sub(1)
    }

    /// True when `pos` falls between two chars of one grapheme cluster
    /// (inside an emoji ZWJ sequence, before a combining mark, ...).
    pub fn splits_grapheme(&self, pos: CharOffset) -> bool {
        self.char_to_byte(pos)
            .is_some_and(|byte| self.splits_grapheme_at_byte(byte))
    }

    /// [`Article::splits_grapheme`] of the position at byte `byte` of the
    /// text, for a caller that has the byte offset already (checking 50,000
    /// spans on opening turned each offset into bytes three times). False
    /// past the end or inside a char.
    pub fn splits_grapheme_at_byte(&self, byte: usize) -> bool {
        use unicode_segmentation::GraphemeCursor;
        let bytes = self.text.as_bytes();
        if byte == 0 || byte >= bytes.len() || !self.text.is_char_boundary(byte) {
            return false;
        }
        // Between two ASCII chars only CR LF is one cluster, and the
        // window below always ends at a line's `\n` (the article's text
        // has none after a CR).
        if bytes[byte - 1].is_ascii() && bytes[byte].is_ascii() {
            return false;
        }
        // Grapheme clusters never cross a line break, and 64 chars either side
        // settle every rule but a run of >64 flags; keep the window small so
        // checking 50,000 spans stays cheap.
        let mut from = byte;
        for _ in 0..64 {
            if from == 0 || bytes[from - 1] == b'\n' {
                break;
            }
            from -= 1;
            while !self.text.is_char_boundary(from) {
                from -= 1;
            }
        }
        let mut to = byte;
        for _ in 0..64 {
            match self.text.get(to..).and_then(|t| t.chars().next()) {
                Some(c) if c != '\n' => to += c.len_utf8(),
                _ => break,
            }
        }
        let Some(chunk) = self.text.get(from..to) else {
            return false;
        };
        let mut cursor = GraphemeCursor::new(byte - from, chunk.len(), true);
        !cursor.is_boundary(chunk, 0).unwrap_or(true)
    }
}

/// Index UTF-8 `bytes`: push the byte offset of every `CHECKPOINT`-th
/// char and the char offset after every `\n`; returns the number of chars.
///
/// A char starts at every byte that is not a continuation byte
/// (`10xxxxxx`): decoding each char was 4 % of an export. Eight bytes are
/// taken at once, and looked at one by one only when a checkpoint or a
/// line break falls among them (byte by byte was 7 % of a corpus export).
fn index_chars(
    bytes: &[u8],
    checkpoints: &mut Vec<usize>,
    line_starts: &mut Vec<CharOffset>,
) -> usize {
    const HIGH: u64 = 0x8080_8080_8080_8080;
    const ONES: u64 = 0x0101_0101_0101_0101;
    let mut char_len = 0;
    let mut one_by_one = |from: usize, part: &[u8], char_len: &mut usize| {
        for (i, &byte) in part.iter().enumerate() {
            if byte & 0xC0 == 0x80 {
                continue;
            }
            if char_len.is_multiple_of(CHECKPOINT) {
                checkpoints.push(from + i);
            }
            *char_len += 1;
            if byte == b'\n' {
                line_starts.push(CharOffset(*char_len));
            }
        }
    };
    let mut words = bytes.chunks_exact(8);
    let mut at = 0;
    for word in words.by_ref() {
        let mut le = [0u8; 8];
        le.copy_from_slice(word);
        let w = u64::from_le_bytes(le);
        // Bit 7 of each byte that is `10xxxxxx` (bit 7 set, bit 6 clear).
        let continuation = w & !(w << 1) & HIGH;
        let starts = 8 - continuation.count_ones() as usize;
        // Some byte is `\n`: the classic zero-byte test on `w ^ "\n\n..."`.
        let x = w ^ (ONES * u64::from(b'\n'));
        let has_newline = x.wrapping_sub(ONES) & !x & HIGH != 0;
        let into_block = char_len % CHECKPOINT;
        let crosses = starts > 0 && (into_block == 0 || into_block + starts > CHECKPOINT);
        if has_newline || crosses {
            one_by_one(at, word, &mut char_len);
        } else {
            char_len += starts;
        }
        at += 8;
    }
    one_by_one(at, words.remainder(), &mut char_len);
    char_len
}

fn memchr_newlines(bytes: &[u8]) -> impl Iterator<Item = usize> + '_ {
    bytes
        .iter()
        .enumerate()
        .filter_map(|(i, &b)| (b == b'\n').then_some(i))
}

/// `sha256:<hex>` of the text's UTF-8 bytes.
pub fn content_hash(text: &str) -> String {
    let digest = Sha256::digest(text.as_bytes());
    const HEX: &[u8; 16] = b"0123456789abcdef";
    let mut s = String::with_capacity(7 + 64);
    s.push_str("sha256:");
    for b in digest {
        s.push(char::from(HEX[usize::from(b >> 4)]));
        s.push(char::from(HEX[usize::from(b & 0xF)]));
    }
    s
}

/// Parse `date YYYY-MM-DD Title` on the first line.
fn parse_header(text: &str) -> ArticleMeta {
    let first = text.split('\n').next().unwrap_or_default();
    let trimmed = first.trim_start();
    let Some(rest) = trimmed.strip_prefix("date ") else {
        return ArticleMeta::default();
    };
    let rest = rest.trim_start();
    let (date_str, title) = rest.split_once(char::is_whitespace).unwrap_or((rest, ""));
    let Ok(date) = NaiveDate::parse_from_str(date_str, "%Y-%m-%d") else {
        return ArticleMeta::default();
    };
    let title = title.trim();
    ArticleMeta {
        date: Some(date),
        title: (!title.is_empty()).then(|| title.to_owned()),
        header: Some(CharRange::from_usize(0, first.chars().count())),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn oracle_slice(text: &str, r: CharRange) -> String {
        text.chars().skip(r.start.0).take(r.char_len()).collect()
    }

    /// Regression (issue 14, the index built eight bytes at a time): the
    /// checkpoints, line starts and length are those of a char-by-char walk,
    /// wherever multi-byte chars and line breaks fall.
    #[test]
    fn the_index_equals_a_char_by_char_walk() {
        let pieces = [
            "a",
            "\u{e9}",
            "\u{2019}",
            "\u{1f600}",
            "\n",
            "ab",
            "\u{645}",
        ];
        for seed in 0..400u64 {
            let mut state = seed.wrapping_mul(6364136223846793005).wrapping_add(1);
            let mut text = String::new();
            for _ in 0..(seed % 97) * 3 {
                state = state
                    .wrapping_mul(6364136223846793005)
                    .wrapping_add(1442695040888963407);
                text.push_str(pieces[(state >> 33) as usize % pieces.len()]);
            }
            let (mut checkpoints, mut line_starts) = (Vec::new(), vec![CharOffset(0)]);
            let char_len = index_chars(text.as_bytes(), &mut checkpoints, &mut line_starts);
            let mut want_lines = vec![CharOffset(0)];
            let mut want_checkpoints = Vec::new();
            for (n, (b, c)) in text.char_indices().enumerate() {
                if n % CHECKPOINT == 0 {
                    want_checkpoints.push(b);
                }
                if c == '\n' {
                    want_lines.push(CharOffset(n + 1));
                }
            }
            assert_eq!(char_len, text.chars().count(), "{text:?}");
            assert_eq!(checkpoints, want_checkpoints, "{text:?}");
            assert_eq!(line_starts, want_lines, "{text:?}");
        }
    }

    #[test]
    fn indexed_conversion_matches_naive_on_long_mixed_text() {
        let unit = "Iran’s minister سلام دنیا 👩‍👩‍👧 e\u{301} 中文 🇮🇷\n";
        let text = unit.repeat(40);
        let a = Article::new(text.clone());
        assert_eq!(a.char_len(), text.chars().count());
        for i in (0..a.char_len()).step_by(7) {
            let r = CharRange::from_usize(i, (i + 13).min(a.char_len()));
            assert_eq!(a.slice(r).unwrap(), oracle_slice(&text, r));
            let b = a.char_to_byte(CharOffset(i)).unwrap();
            assert_eq!(a.byte_to_char(b), Some(CharOffset(i)));
        }
        assert_eq!(a.line_count(), 41);
        assert_eq!(a.slice(a.line_range(1).unwrap()).unwrap(), unit.trim_end());
        for (i, line) in text.split('\n').enumerate() {
            assert_eq!(a.slice(a.line_range(i).unwrap()), Some(line), "line {i}");
        }
    }

    #[test]
    fn header_is_parsed_without_changing_the_text() {
        let a = Article::new("date 2017-04-16 Tehran, Baku stress\n\nBody".into());
        assert_eq!(a.meta().date, NaiveDate::from_ymd_opt(2017, 4, 16));
        assert_eq!(a.meta().title.as_deref(), Some("Tehran, Baku stress"));
        assert_eq!(a.text().len(), 41);
        assert_eq!(Article::new("dated 2017".into()).meta().date, None);
        assert_eq!(Article::new("date 2017-13-01 x".into()).meta().date, None);
    }

    #[test]
    fn grapheme_splits_are_detected() {
        let a = Article::new("ae\u{301} 👩‍👧".into());
        assert!(!a.splits_grapheme(CharOffset(1)));
        assert!(a.splits_grapheme(CharOffset(2)), "before a combining mark");
        assert!(a.splits_grapheme(CharOffset(5)), "inside a ZWJ sequence");
        assert!(!a.splits_grapheme(CharOffset(4)));
    }

    #[test]
    fn empty_article() {
        let a = Article::new(String::new());
        assert_eq!((a.char_len(), a.line_count()), (0, 1));
        assert_eq!(a.slice(CharRange::default()), Some(""));
        assert_eq!(a.line_of(CharOffset(0)), 0);
    }

    /// The grapheme check as it was (a window of chars found through the
    /// line index): the oracle for [`Article::splits_grapheme_at_byte`].
    fn splits_grapheme_by_chars(a: &Article, pos: CharOffset) -> bool {
        use unicode_segmentation::GraphemeCursor;
        let Some(byte) = a.char_to_byte(pos) else {
            return false;
        };
        let line = a.line_range(a.line_of(pos)).unwrap_or_default();
        let window = CharRange::new(pos.back(64).max(line.start), pos.forward(64).min(line.end));
        let Some(lr) = a.byte_range(window) else {
            return false;
        };
        let chunk = &a.text()[lr.clone()];
        let mut cursor = GraphemeCursor::new(byte - lr.start, chunk.len(), true);
        !cursor.is_boundary(chunk, 0).unwrap_or(true)
    }

    proptest::proptest! {
        /// Issue 14 (opening long spans): the grapheme check from a byte
        /// offset, with its ASCII shortcut and its window found in the
        /// bytes, answers what the check by chars did at every position.
        #[test]
        fn the_grapheme_check_by_bytes_is_the_check_by_chars(
            chars in proptest::collection::vec(proptest::sample::select(vec![
                'a', 'b', ' ', '\n', '\r', '\u{301}', '\u{200d}', '👋', '🏽', '🇮', '🇷',
                'é', 'س', '\u{94d}', 'क', '\u{1100}', '\u{1161}', '\u{11a8}', '\t',
            ]), 0..300),
        ) {
            let a = Article::new(String::from_iter(chars));
            for pos in 0..=a.char_len() + 1 {
                let pos = CharOffset(pos);
                proptest::prop_assert_eq!(
                    a.splits_grapheme(pos),
                    splits_grapheme_by_chars(&a, pos),
                    "at {}", pos.0
                );
            }
        }
    }
}
