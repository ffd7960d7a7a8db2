//! Snapping a selection to whole words.
//!
//! A drag selection is widened to the Unicode word boundaries (UAX #29, via
//! `unicode-segmentation`) around its ends. What the widening added is then
//! trimmed of white space and punctuation, and white space is trimmed from
//! both ends; punctuation the drag itself covered (a sentence's full stop, a
//! closing ” or ») is kept. Invariants: every offset returned lies on a
//! grapheme cluster boundary, so a snapped span never splits an emoji
//! sequence or a letter from its combining marks; and every char the drag
//! covered stays covered, except white space at either end. Work is
//! proportional to the lines at the two ends of the range, never to the
//! article's length.
//!
//! [`with_quote_marks`] widens a span to the quotation marks around it: a
//! Quote includes its quotation marks (the PolNeAR/PARC convention).

use crate::model::document::Article;
use crate::model::offset::{CharOffset, CharRange};
use unicode_segmentation::UnicodeSegmentation;

/// `range` widened to whole words. The widened parts are trimmed of white
/// space and punctuation; the ends are trimmed of white space only, so
/// punctuation the drag covered stays. Returns an empty range at the
/// (grapheme-aligned) start when the range holds no word at all.
pub fn snap_to_words(article: &Article, range: CharRange) -> CharRange {
    let range = clamp(article, range);
    let start = word_start_at_or_before(article, range.start);
    let end = if range.is_empty() {
        word_end_at_or_after(article, range.start)
    } else {
        word_end_at_or_after(article, range.end)
    };
    let widened = CharRange::new(start, end.max(start));
    // A grapheme the drag covered (even in part) is kept unless it is white space.
    let covered = |pos: CharOffset, len: usize| pos < range.end && range.start < pos.forward(len);
    let snapped = trim_by(article, widened, |g, pos| {
        g.chars().all(char::is_whitespace) || (is_trimmable(g) && !covered(pos, g.chars().count()))
    });
    if snapped.is_empty() || has_word(article, snapped) {
        snapped
    } else {
        CharRange::new(snapped.start, snapped.start)
    }
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
    trim_by(article, range, |g, _| is_trimmable(g))
}

/// Drop graphemes from both ends while `drop(grapheme, its char offset)`.
fn trim_by(
    article: &Article,
    range: CharRange,
    drop: impl Fn(&str, CharOffset) -> bool,
) -> CharRange {
    let Some(inner) = article.slice(range) else {
        return range;
    };
    let mut start = range.start;
    let mut lead_bytes = 0;
    for g in inner.graphemes(true) {
        if !drop(g, start) {
            break;
        }
        start = start.forward(g.chars().count());
        lead_bytes += g.len();
    }
    if lead_bytes == inner.len() {
        return CharRange::new(range.start, range.start);
    }
    let mut end = range.end;
    for g in inner[lead_bytes..].graphemes(true).rev() {
        let at = CharOffset(end.0 - g.chars().count());
        if !drop(g, at) {
            break;
        }
        end = at;
    }
    CharRange::new(start, end)
}

/// True when `range` holds a grapheme that is not white space or punctuation.
fn has_word(article: &Article, range: CharRange) -> bool {
    article
        .slice(range)
        .is_some_and(|s| s.graphemes(true).any(|g| !is_trimmable(g)))
}

/// Opening quotation marks and the closing marks that pair with them.
const QUOTE_PAIRS: &[(char, &[char])] = &[
    ('“', &['”']),
    ('„', &['“', '”']),
    ('«', &['»']),
    ('»', &['«']),
    ('‹', &['›']),
    ('‘', &['’']),
    ('"', &['"']),
    ('\'', &['\'']),
    ('「', &['」']),
    ('『', &['』']),
];

/// Punctuation that may stand between a quote's last word and its closing
/// mark (“peace now.”, «نه»،).
fn is_closing_punct(c: char) -> bool {
    matches!(
        c,
        '.' | ',' | '!' | '?' | ';' | ':' | '…' | '،' | '؛' | '؟' | '۔'
    )
}

/// `range` widened to the quotation marks right next to it: an opening
/// mark just before its start, and the matching closing mark just after its
/// end (after closing punctuation, as in “peace now.”). Marks already inside
/// the range count. Used when a selection is tagged as a Quote, since a
/// Quote includes its quotation marks (the PolNeAR/PARC convention).
pub fn with_quote_marks(article: &Article, range: CharRange) -> CharRange {
    let range = clamp(article, range);
    let Some(text) = article.slice(range) else {
        return range;
    };
    let before = range
        .start
        .0
        .checked_sub(1)
        .and_then(|i| article.slice(CharRange::from_usize(i, i + 1)))
        .and_then(|s| s.chars().next());
    let (start, opening) = match (text.chars().next(), before) {
        (Some(c), _) if is_opening(c) => (range.start, Some(c)),
        (_, Some(c)) if is_opening(c) => (CharOffset(range.start.0 - 1), Some(c)),
        _ => (range.start, None),
    };
    let closes = |c: char| match opening {
        Some(o) => QUOTE_PAIRS.iter().any(|(a, cs)| *a == o && cs.contains(&c)),
        None => QUOTE_PAIRS.iter().any(|(_, cs)| cs.contains(&c)),
    };
    if text.chars().last().is_some_and(closes) && text.chars().count() > 1 {
        return CharRange::new(start, range.end);
    }
    let len = CharOffset(article.char_len());
    let after = CharRange::new(range.end, range.end.forward(4).min(len));
    let mut end = range.end;
    for (i, c) in article.slice(after).unwrap_or_default().chars().enumerate() {
        if closes(c) {
            end = range.end.forward(i + 1);
            break;
        }
        if !is_closing_punct(c) {
            break;
        }
    }
    CharRange::new(start, end)
}

fn is_opening(c: char) -> bool {
    QUOTE_PAIRS.iter().any(|(o, _)| *o == c)
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
        assert_eq!(snapped("Hello, brave world.", 6, 9), "brave");
        assert_eq!(snapped("“Quote” here", 1, 3), "Quote");
        assert_eq!(snapped("ab  cd", 2, 4), "");
        assert_eq!(snapped("ab , cd", 2, 5), "", "no word: nothing");
    }

    #[test]
    fn snapping_keeps_the_full_stop_and_closing_quote_the_drag_covered() {
        let text = "He said “no capacity for a new crisis.” Then he left.";
        let from = text
            .find("crisis")
            .map(|b| text[..b].chars().count())
            .unwrap();
        // The drag starts inside "crisis" and ends after the closing ”.
        assert_eq!(snapped(text, from + 2, from + 8), "crisis.”");
        // Covering the opening mark keeps it too; white space is dropped.
        assert_eq!(snapped(text, 7, 12), "“no");
        // A drag that stops inside the word does not take the punctuation.
        assert_eq!(snapped(text, from + 2, from + 4), "crisis");
        let fa = "گفت: «هیچ ظرفیتی برای بحران تازه نیست». سپس رفت.";
        let end = fa.find("نیست").map(|b| fa[..b].chars().count()).unwrap();
        assert_eq!(snapped(fa, end + 1, end + 6), "نیست».");
        assert_eq!(snapped(fa, 0, 4), "گفت:");
    }

    #[test]
    fn quote_tagging_takes_in_the_quotation_marks_next_to_it() {
        let widened = |text: &str, inner: &str| {
            let article = Article::new(text.to_owned());
            let b = text.find(inner).unwrap();
            let a = text[..b].chars().count();
            let r = CharRange::from_usize(a, a + inner.chars().count());
            article
                .slice(with_quote_marks(&article, r))
                .unwrap()
                .to_owned()
        };
        let t = "Dehqan said “no capacity for a new crisis.” Then he left.";
        assert_eq!(widened(t, "no capacity"), "“no capacity");
        assert_eq!(
            widened(t, "no capacity for a new crisis"),
            "“no capacity for a new crisis.”"
        );
        assert_eq!(
            widened(t, "“no capacity for a new crisis.”"),
            "“no capacity for a new crisis.”"
        );
        assert_eq!(
            widened(t, "Then he left"),
            "Then he left",
            "no marks: unchanged"
        );
        let fa = "او گفت «نه» و رفت.";
        assert_eq!(widened(fa, "نه"), "«نه»");
        assert_eq!(widened("a „ja“ b", "ja"), "„ja“");
        assert_eq!(widened("x \"so\" y", "so"), "\"so\"");
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
                // Ends are words, or punctuation the drag covered; never white space.
                let covered = |g: &str, at: usize| {
                    let g_len = g.chars().count();
                    at < input.end.0 && input.start.0 < at + g_len
                };
                prop_assert!(!first.chars().all(char::is_whitespace));
                prop_assert!(!last.chars().all(char::is_whitespace));
                prop_assert!(!is_trimmable(first) || covered(first, r.start.0));
                let last_at = r.end.0 - last.chars().count();
                prop_assert!(!is_trimmable(last) || covered(last, last_at));
                // Every char the drag covered stays covered, but white space at the ends.
                let inner = CharRange::new(input.start, input.end);
                if has_word(&article, inner) {
                    let txt = article.slice(inner).unwrap();
                    for (b, g) in txt.grapheme_indices(true) {
                        if !g.chars().all(char::is_whitespace) {
                            let at = inner.start.0 + txt[..b].chars().count();
                            prop_assert!(r.start.0 <= at && at + g.chars().count() <= r.end.0);
                        }
                    }
                }
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
