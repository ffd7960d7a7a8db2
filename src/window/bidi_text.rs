//! Right-to-left text in egui's own labels (list rows, tooltips, link
//! names), and the char classes the article view and they share.
//!
//! egui 0.37 does no bidi reordering (see [`label_text`]). The article view
//! lays RTL text out itself (`article_view`); a label gets its line handed
//! over in visual order instead. Pure string functions, no egui.

use std::borrow::Cow;
use unicode_bidi::ParagraphBidiInfo;
use unicode_segmentation::UnicodeSegmentation;

/// True for chars of right-to-left scripts (Hebrew, Arabic, Syriac, Thaana,
/// NKo, ... and their presentation forms), which harfrust shapes right to
/// left whatever their bidi level.
pub fn is_rtl_script(c: char) -> bool {
    matches!(c,
        '\u{0590}'..='\u{08FF}' | '\u{FB1D}'..='\u{FDFF}' | '\u{FE70}'..='\u{FEFF}'
        | '\u{10800}'..='\u{10FFF}' | '\u{1E800}'..='\u{1EFFF}')
}

/// True when some char of `text` may be drawn right to left or reordered:
/// a letter or digit of a right-to-left script, or an explicit RTL control.
/// False for plain ASCII without looking further.
pub fn needs_bidi(text: &str) -> bool {
    use unicode_bidi::BidiClass::{AL, AN, R, RLE, RLI, RLO};
    // No char below U+0590 is of those classes: Latin text with accents
    // skips the table lookup (it cost ~170 ms on 5 MB).
    !text.is_ascii()
        && text.chars().any(|c| {
            c >= '\u{0590}'
                && (is_rtl_script(c)
                    || matches!(unicode_bidi::bidi_class(c), R | AL | AN | RLE | RLO | RLI))
        })
}

/// True when `text` reads right to left as a paragraph: its first strong
/// char is of a right-to-left script (UAX #9 rules P2, P3).
pub fn is_rtl_paragraph(text: &str) -> bool {
    needs_bidi(text) && ParagraphBidiInfo::new(text, None).paragraph_level.is_rtl()
}

/// The char drawn for `c` at a right-to-left level (rule L4).
pub fn mirrored(c: char) -> char {
    unicode_bidi_mirroring::get_mirrored(c).unwrap_or(c)
}

/// One line of text for an egui label (a list row, a tooltip), rearranged so
/// that egui draws it in the order a reader sees it; text with nothing
/// right-to-left in it comes back as is.
///
/// egui 0.37 does no bidi reordering, but it shapes each run of chars in one
/// font (a Persian word in the Arabic fallback font, between spaces in the
/// Latin font) right to left by itself. So the line's visual runs come from
/// UAX #9 (`unicode-bidi`), and within a right-to-left run the *pieces* are
/// put in reverse order (each run of RTL-script graphemes kept whole, for
/// egui to reverse; other graphemes mirrored by rule L4); a run of RTL-script
/// graphemes at a left-to-right level (Persian digits in a number) is
/// reversed, so egui's reversal puts it back. The result is for drawing only:
/// its chars are not the text's order, so never read offsets from it.
pub fn label_text(line: &str) -> Cow<'_, str> {
    if !needs_bidi(line) {
        return Cow::Borrowed(line);
    }
    let info = ParagraphBidiInfo::new(line, None);
    let (levels, runs) = info.visual_runs(0..line.len());
    let mut out = String::with_capacity(line.len());
    for run in runs.into_iter().filter(|r| !r.is_empty()) {
        let pieces = font_pieces(&line[run.clone()]);
        if levels[run.start].is_rtl() {
            for (piece, is_script) in pieces.iter().rev() {
                if *is_script {
                    out.push_str(piece);
                } else {
                    let mut chars = piece.chars();
                    out.extend(chars.next().map(mirrored));
                    out.extend(chars);
                }
            }
        } else {
            for (piece, is_script) in pieces {
                if is_script {
                    out.extend(piece.graphemes(true).rev());
                } else {
                    out.push_str(piece);
                }
            }
        }
    }
    Cow::Owned(out)
}

/// `line` (logical order, no line feed) broken into lines no wider than
/// `width` by `width_of` (a line's width when drawn), greedily after white
/// space, as egui would wrap it; a word wider than `width` gets a line of
/// its own. For a label that wraps right-to-left text: egui would wrap the
/// reordered text and put the lines' pieces in the wrong order, so the
/// logical text is wrapped first and each line reordered on its own
/// ([`label_text`]), as the article view does (UAX #9 rule L1 order).
pub fn wrap_lines(line: &str, width: f32, width_of: impl Fn(&str) -> f32) -> Vec<&str> {
    // Where a line may start: after a run of white space.
    let mut breaks: Vec<usize> = line
        .char_indices()
        .zip(line.chars().skip(1))
        .filter(|((_, c), next)| c.is_whitespace() && !next.is_whitespace())
        .map(|((b, c), _)| b + c.len_utf8())
        .collect();
    breaks.push(line.len());
    let fits = |piece: &str| width_of(piece.trim_end()) <= width;
    let mut lines = Vec::new();
    let (mut start, mut fit) = (0, None);
    for b in breaks {
        if fits(&line[start..b]) {
            fit = Some(b);
            continue;
        }
        if let Some(end) = fit.filter(|&end| end > start) {
            lines.push(&line[start..end]);
            start = end;
        }
        if fits(&line[start..b]) {
            fit = Some(b);
        } else {
            // A word wider than the line: a line of its own.
            lines.push(&line[start..b]);
            (start, fit) = (b, None);
        }
    }
    if start < line.len() || lines.is_empty() {
        lines.push(&line[start..]);
    }
    lines
}

/// `text` cut where egui's font runs would be: maximal runs of graphemes of
/// RTL scripts (`true`), and every other grapheme alone (`false`).
fn font_pieces(text: &str) -> Vec<(&str, bool)> {
    let mut pieces: Vec<(&str, bool)> = Vec::new();
    let mut start = 0;
    for (b, g) in text.grapheme_indices(true) {
        let is_script = g.chars().next().is_some_and(is_rtl_script);
        match pieces.last_mut() {
            Some((last, true)) if is_script => *last = &text[start..b + g.len()],
            _ => {
                start = b;
                pieces.push((g, is_script));
            }
        }
    }
    pieces
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn no_char_below_the_hebrew_block_needs_bidi() {
        // `needs_bidi` skips the class lookup below U+0590.
        use unicode_bidi::BidiClass::{AL, AN, R, RLE, RLI, RLO};
        for c in ('\0'..'\u{0590}').filter(|c| !c.is_ascii()) {
            let class = unicode_bidi::bidi_class(c);
            assert!(
                !is_rtl_script(c) && !matches!(class, R | AL | AN | RLE | RLO | RLI),
                "{c:?} is {class:?}"
            );
        }
    }

    #[test]
    fn only_text_that_may_run_right_to_left_needs_bidi() {
        assert!(!needs_bidi("Plain ASCII, numbers 1,200."));
        assert!(!needs_bidi(
            "Café – “naïve” résumé, 中文, Ελληνικά, emoji 🙂"
        ));
        assert!(needs_bidi("AAA حسین دهقان BBB"));
        assert!(needs_bidi("He wrote שלום today"));
        assert!(needs_bidi("digits ۱۲۰۰ only"), "Persian digits");
        assert!(needs_bidi("x \u{202B}embedded\u{202C}"), "RLE");
        assert!(needs_bidi("x \u{2067}isolate\u{2069}"), "RLI");
    }

    #[test]
    fn lines_wrap_after_white_space_before_they_are_reordered() {
        // One unit of width per char.
        let width_of = |s: &str| s.chars().count() as f32;
        let note = "این یادداشت بلند است و باید شکسته شود";
        let lines = wrap_lines(note, 12.0, width_of);
        assert_eq!(lines.concat(), note, "nothing lost, in order");
        assert_eq!(lines, ["این یادداشت ", "بلند است و ", "باید شکسته ", "شود"]);
        assert!(lines.iter().all(|l| width_of(l.trim_end()) <= 12.0));
        // A word wider than the line keeps a line of its own.
        assert_eq!(
            wrap_lines("a verylongword b", 5.0, width_of),
            ["a ", "verylongword ", "b"]
        );
        assert_eq!(wrap_lines("", 5.0, width_of), [""]);
        assert_eq!(wrap_lines("short", 50.0, width_of), ["short"]);
    }

    #[test]
    fn labels_put_persian_words_in_reading_order_for_egui() {
        // egui reverses the letters of each Persian word itself; the label
        // text gives it the words right to left.
        assert_eq!(
            label_text("Quote · “حسین دهقان” · t"),
            "Quote · “دهقان حسین” · t"
        );
        assert_eq!(label_text("plain text"), "plain text");
        // A Persian line: words right to left, the English name kept in
        // order, the brackets mirrored, the full stop at the left end.
        assert_eq!(
            label_text("لاوروف (Sergey Lavrov) گفت."),
            ".گفت (Sergey Lavrov) لاوروف"
        );
        // ZWNJ stays inside its word; Persian digits are handed over
        // reversed, so egui's own reversal shows ۱۲۰۰.
        assert_eq!(label_text("می\u{200C}خواهم ۱۲۰۰"), "۰۰۲۱ می\u{200C}خواهم");
        assert_eq!(label_text("او گفت «آری»"), "«آری» گفت او");
    }
}
