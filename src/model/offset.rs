//! Char offsets: the one offset space of Marginalia.
//!
//! Every position in an article is a [`CharOffset`]: a count of Unicode code
//! points (Rust `char`s) from the start of the *article text* (decoded, BOM
//! stripped, line endings normalised to `\n`). A [`CharRange`] is half-open,
//! `[start, end)`, exactly like a Python slice `text[start:end]`.
//!
//! Byte offsets exist only where a `&str` is sliced, and only inside the named
//! conversion functions of this module and of [`crate::model::document::Article`].
//! Both types serialize as plain numbers so the sidecar stays readable.
//!
//! ```
//! use marginalia::model::offset::{CharOffset, CharRange};
//! let text = "héllo 👋 wörld";
//! let r = CharRange::new(CharOffset(6), CharOffset(7));
//! assert_eq!(r.slice_of(text), Some("👋"));
//! assert_eq!(r.char_len(), 1);
//! ```

use serde::{Deserialize, Serialize};
use std::fmt;

/// A position in the article text, counted in Unicode code points.
#[derive(
    Clone, Copy, Debug, Default, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize,
)]
#[serde(transparent)]
pub struct CharOffset(pub usize);

impl CharOffset {
    /// The offset `n` code points further on.
    pub fn forward(self, n: usize) -> Self {
        CharOffset(self.0.saturating_add(n))
    }

    /// The offset `n` code points back, stopping at 0.
    pub fn back(self, n: usize) -> Self {
        CharOffset(self.0.saturating_sub(n))
    }
}

impl fmt::Display for CharOffset {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.0.fmt(f)
    }
}

/// A half-open range `[start, end)` of code points. `start <= end` always holds
/// for ranges built with [`CharRange::new`].
#[derive(
    Clone, Copy, Debug, Default, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize,
)]
pub struct CharRange {
    /// First code point in the range.
    pub start: CharOffset,
    /// One past the last code point.
    pub end: CharOffset,
}

impl CharRange {
    /// A range from `a` to `b`, in either order.
    pub fn new(a: CharOffset, b: CharOffset) -> Self {
        if a <= b {
            CharRange { start: a, end: b }
        } else {
            CharRange { start: b, end: a }
        }
    }

    /// Shorthand for `CharRange::new(CharOffset(a), CharOffset(b))`.
    pub fn from_usize(a: usize, b: usize) -> Self {
        Self::new(CharOffset(a), CharOffset(b))
    }

    /// Number of code points covered.
    pub fn char_len(&self) -> usize {
        self.end.0.saturating_sub(self.start.0)
    }

    /// True when the range covers nothing.
    pub fn is_empty(&self) -> bool {
        self.end <= self.start
    }

    /// True when `self` and `other` share at least one code point.
    pub fn overlaps(&self, other: &CharRange) -> bool {
        self.start < other.end && other.start < self.end
    }

    /// True when `other` lies wholly inside `self`.
    pub fn contains_range(&self, other: &CharRange) -> bool {
        self.start <= other.start && other.end <= self.end
    }

    /// True when `pos` lies inside the range.
    pub fn contains(&self, pos: CharOffset) -> bool {
        self.start <= pos && pos < self.end
    }

    /// The part the two ranges share, if any.
    pub fn intersection(&self, other: &CharRange) -> Option<CharRange> {
        let start = self.start.max(other.start);
        let end = self.end.min(other.end);
        (start < end).then_some(CharRange { start, end })
    }

    /// The substring of `text` this range covers, or `None` when it runs past
    /// the end. This walks the string: for long texts use
    /// [`crate::model::document::Article::slice`], which is indexed.
    pub fn slice_of<'a>(&self, text: &'a str) -> Option<&'a str> {
        let start = char_to_byte(text, self.start)?;
        let rest = text.get(start..)?;
        let len = char_to_byte(rest, CharOffset(self.char_len()))?;
        rest.get(..len)
    }
}

impl fmt::Display for CharRange {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}..{}", self.start, self.end)
    }
}

/// Byte index of char offset `pos` in `text`; `pos == char count` gives
/// `text.len()`. `None` past the end.
pub fn char_to_byte(text: &str, pos: CharOffset) -> Option<usize> {
    if pos.0 == 0 {
        return Some(0);
    }
    match text.char_indices().nth(pos.0) {
        Some((b, _)) => Some(b),
        None => (text.chars().count() == pos.0).then_some(text.len()),
    }
}

/// Char offset of byte index `byte` in `text`. `None` when `byte` is past the
/// end or not on a char boundary.
pub fn byte_to_char(text: &str, byte: usize) -> Option<CharOffset> {
    let head = text.get(..byte)?;
    Some(CharOffset(head.chars().count()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn conversions_round_trip_on_mixed_text() {
        let text = "a\u{301}b 👩‍👩‍👧 سلام 中文\n🇮🇷";
        let n = text.chars().count();
        for i in 0..=n {
            let b = char_to_byte(text, CharOffset(i)).unwrap();
            assert_eq!(byte_to_char(text, b), Some(CharOffset(i)));
        }
        assert_eq!(char_to_byte(text, CharOffset(n + 1)), None);
        assert_eq!(byte_to_char(text, 2), None, "inside a combining mark");
    }

    #[test]
    fn ranges_order_and_overlap() {
        let r = CharRange::from_usize(5, 2);
        assert_eq!(r, CharRange::from_usize(2, 5));
        assert!(r.overlaps(&CharRange::from_usize(4, 9)));
        assert!(!r.overlaps(&CharRange::from_usize(5, 9)), "half-open");
        assert_eq!(
            r.intersection(&CharRange::from_usize(4, 9)),
            Some(CharRange::from_usize(4, 5))
        );
        assert!(r.contains(CharOffset(2)) && !r.contains(CharOffset(5)));
    }
}
