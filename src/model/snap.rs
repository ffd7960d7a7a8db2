//! Snapping a selection to whole words.
//!
//! A drag selection is widened to the Unicode word boundaries (UAX #29, via
//! `unicode-segmentation`) around its ends, then trimmed of surrounding white
//! space and punctuation. Invariant: every offset returned lies on a grapheme
//! cluster boundary, so a snapped span never splits an emoji sequence or a
//! letter from its combining marks. Work is proportional to the lines at the
//! two ends of the range, never to the article's length.

use crate::model::document::Article;
use crate::model::offset::{CharOffset, CharRange};
use unicode_segmentation::UnicodeSegmentation;

/// `range` widened to whole words and trimmed of white space and punctuation
/// at both ends. Returns an empty range at the (grapheme-aligned) start when
/// the range holds no word at all.
pub fn snap_to_words(article: &Article, range: CharRange) -> CharRange {
    let range = clamp(article, range);
    let start = word_start_at_or_before(article, range.start);
    let end = if range.is_empty() {
        word_end_at_or_after(article, range.start)
    } else {
        word_end_at_or_after(article, range.end)
    };
    trim(article, CharRange::new(start, end.max(start)))
}

/// The word (trimmed as in [`snap_to_words`]) holding the char at `pos`, for a
/// double click. `None` when `pos` is on white space or punctuation.
pub fn word_at(article: &Article, pos: CharOffset) -> Option<CharRange> {
    let pos = pos.min(CharOffset(article.char_len()));
    let line = article.line_range(article.line_of(pos))?;
    let line_text = article.slice(line)?;
    let line_byte = article.char_to_byte(line.start)?;
    let byte = article.char_to_byte(pos)? - line_byte;
    let (word_byte, word) = line_text
        .split_word_bound_indices()
        .find(|(b, w)| *b <= byte && byte < b + w.len())?;
    let range = CharRange::new(
        article.byte_to_char(line_byte + word_byte)?,
        article.byte_to_char(line_byte + word_byte + word.len())?,
    );
    let trimmed = trim(article, range);
    (!trimmed.is_empty()).then_some(trimmed)
}

/// True for graphemes that are dropped from the ends of a snapped span:
/// white space and punctuation (ASCII, general, CJK and Arabic punctuation).
pub fn is_trimmable(grapheme: &str) -> bool {
    grapheme.chars().next().is_some_and(|c| {
        c.is_whitespace()
            || c.is_ascii_punctuation()
            || matches!(c,
                '\u{00A1}' | '\u{00A7}' | '\u{00AB}' | '\u{00B6}' | '\u{00B7}' | '\u{00BB}' | '\u{00BF}'
                | '\u{2010}'..='\u{2027}' | '\u{2030}'..='\u{205E}'
                | '\u{3000}'..='\u{303F}' | '\u{FF01}'..='\u{FF0F}'
                | '\u{060C}' | '\u{061B}' | '\u{061F}' | '\u{066A}'..='\u{066D}' | '\u{06D4}')
    })
}

fn clamp(article: &Article, range: CharRange) -> CharRange {
    let len = CharOffset(article.char_len());
    CharRange::new(range.start.min(len), range.end.min(len))
}

/// Byte offset of `pos` within its line, with the line's text and start.
fn line_context(article: &Article, pos: CharOffset) -> Option<(&str, usize, usize)> {
    let line = article.line_range(article.line_of(pos))?;
    let text = article.slice(line)?;
    let line_byte = article.char_to_byte(line.start)?;
    let byte = article.char_to_byte(pos)?.checked_sub(line_byte)?;
    Some((text, line_byte, byte))
}

/// Start of the word segment holding `pos` (or `pos` at a boundary).
fn word_start_at_or_before(article: &Article, pos: CharOffset) -> CharOffset {
    let Some((text, line_byte, byte)) = line_context(article, pos) else {
        return pos;
    };
    let seg = text
        .split_word_bound_indices()
        .map(|(b, _)| b)
        .take_while(|&b| b <= byte)
        .last()
        .unwrap_or(0);
    article.byte_to_char(line_byte + seg).unwrap_or(pos)
}

/// End of the word segment holding the char just before `pos` (or `pos` at a boundary).
fn word_end_at_or_after(article: &Article, pos: CharOffset) -> CharOffset {
    let Some((text, line_byte, byte)) = line_context(article, pos) else {
        return pos;
    };
    let seg = text
        .split_word_bound_indices()
        .map(|(b, w)| b + w.len())
        .find(|&e| e >= byte)
        .unwrap_or(text.len());
    article.byte_to_char(line_byte + seg).unwrap_or(pos)
}

/// Drop trimmable graphemes from both ends (walking only as far as needed).
fn trim(article: &Article, range: CharRange) -> CharRange {
    let Some(bytes) = article.byte_range(range) else {
        return range;
    };
    let text = article.text();
    let Some(inner) = text.get(bytes.clone()) else {
        return range;
    };
    let lead: usize = inner
        .graphemes(true)
        .take_while(|g| is_trimmable(g))
        .map(str::len)
        .sum();
    if lead == inner.len() {
        return CharRange::new(range.start, range.start);
    }
    let trail: usize = inner
        .graphemes(true)
        .rev()
        .take_while(|g| is_trimmable(g))
        .map(str::len)
        .sum();
    let start = article
        .byte_to_char(bytes.start + lead)
        .unwrap_or(range.start);
    let end = article.byte_to_char(bytes.end - trail).unwrap_or(range.end);
    CharRange::new(start, end)
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn snapped(text: &str, a: usize, b: usize) -> String {
        let article = Article::new(text.to_owned());
        let r = snap_to_words(&article, CharRange::from_usize(a, b));
        article.slice(r).unwrap().to_owned()
    }

    #[test]
    fn widens_to_words_and_trims_punctuation() {
        assert_eq!(snapped("Hello, brave world.", 2, 9), "Hello, brave");
        assert_eq!(snapped("Hello, brave world.", 5, 9), "brave");
        assert_eq!(snapped("“Quote” here", 0, 3), "Quote");
        assert_eq!(snapped("ab  cd", 2, 4), "");
    }

    #[test]
    fn keeps_graphemes_whole() {
        // e + combining acute, and a family emoji (ZWJ sequence).
        let text = "cafe\u{301} 👩‍👩‍👧 x";
        assert_eq!(snapped(text, 1, 4), "cafe\u{301}");
        assert_eq!(snapped(text, 7, 8), "👩‍👩‍👧");
    }

    #[test]
    fn word_at_finds_words_after_persian() {
        let article = Article::new("سلام دنیا hello world".into());
        let r = word_at(&article, CharOffset(12)).unwrap();
        assert_eq!(article.slice(r), Some("hello"));
        assert_eq!(word_at(&article, CharOffset(9)), None, "a space");
    }

    proptest! {
        #[test]
        fn snapping_never_splits_graphemes_and_stays_near_input(
            parts in prop::collection::vec(prop::sample::select(vec![
                "word", " ", ", ", "e\u{301}", "👩‍👩‍👧", "سلام", "\n", "“q”", "中文", "🇮🇷", "a-b",
            ]), 1..20),
            a in 0usize..200, b in 0usize..200,
        ) {
            let text: String = parts.concat();
            let article = Article::new(text.clone());
            let n = article.char_len();
            let input = CharRange::from_usize(a.min(n), b.min(n));
            let r = snap_to_words(&article, input);
            prop_assert!(r.end.0 <= n);
            prop_assert!(!article.splits_grapheme(r.start));
            prop_assert!(!article.splits_grapheme(r.end));
            let s = article.slice(r).unwrap();
            if !s.is_empty() {
                let first = s.graphemes(true).next().unwrap();
                let last = s.graphemes(true).next_back().unwrap();
                prop_assert!(!is_trimmable(first) && !is_trimmable(last));
                // Within the words around the input: never further than the
                // lines holding the input's ends.
                let lo = article.line_range(article.line_of(input.start)).unwrap().start;
                let hi = article.line_range(article.line_of(input.end)).unwrap().end;
                prop_assert!(lo <= r.start && r.end <= hi);
                // Every non-trimmable char of the input stays covered.
                if let Some(inner) = CharRange::new(input.start, input.end).intersection(&article.full_range()) {
                    let txt = article.slice(inner).unwrap();
                    if txt.graphemes(true).any(|g| !is_trimmable(g)) {
                        prop_assert!(r.start <= inner.end && inner.start <= r.end);
                    }
                }
            }
        }
    }
}
