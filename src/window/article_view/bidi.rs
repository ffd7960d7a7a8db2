//! Visual order of a paragraph's lines, by the Unicode Bidirectional
//! Algorithm (UAX #9, through `unicode-bidi`). Pure: no egui.
//!
//! The paragraph direction comes from its first strong character (rules
//! P2/P3), so a Persian paragraph runs right to left and an English one left
//! to right; LTR runs and numbers inside RTL text get even levels. Line
//! breaking happens on logical text first; then each line is reordered on its
//! own (rule L1 resets trailing white space to the paragraph level, L2
//! reverses runs). Characters with the Bidi_Mirrored property at odd levels
//! are drawn mirrored (rule L4): `(` as `)`, `«` as `»`.
//!
//! All offsets here are chars relative to the paragraph, not bytes.

use std::ops::Range;
use unicode_bidi::{Level, ParagraphBidiInfo};

/// The bidi analysis of one paragraph.
#[derive(Debug)]
pub struct Bidi<'t> {
    /// `None` for ASCII text, which has no right-to-left characters or
    /// directional controls: one left-to-right run per line.
    info: Option<ParagraphBidiInfo<'t>>,
    /// Byte offset of every char boundary (`char_len + 1` entries).
    byte_at: Vec<usize>,
}

/// One directional run of a line, in visual order.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Run {
    /// Chars of the run (relative to the paragraph).
    pub chars: Range<usize>,
    /// True when the run reads right to left (odd level).
    pub rtl: bool,
}

impl<'t> Bidi<'t> {
    /// Analyse `text` (one paragraph, no line feed).
    #[cfg(test)]
    pub fn new(text: &'t str) -> Bidi<'t> {
        Self::with_direction(text, None)
    }

    /// Analyse `text`, part of a paragraph whose direction is given
    /// (`Some(true)` = right to left) instead of read off `text`'s own first
    /// strong char: a block of a long paragraph cut into blocks.
    pub fn with_direction(text: &'t str, rtl: Option<bool>) -> Bidi<'t> {
        let mut byte_at: Vec<usize> = text.char_indices().map(|(b, _)| b).collect();
        byte_at.push(text.len());
        let level = rtl.map(|rtl| if rtl { Level::rtl() } else { Level::ltr() });
        let info =
            (!text.is_ascii() || rtl == Some(true)).then(|| ParagraphBidiInfo::new(text, level));
        Bidi { info, byte_at }
    }

    fn char_len(&self) -> usize {
        self.byte_at.len() - 1
    }

    /// True for a right-to-left paragraph (its first strong char is RTL).
    pub fn is_rtl(&self) -> bool {
        self.info
            .as_ref()
            .is_some_and(|i| i.paragraph_level.is_rtl())
    }

    /// The resolved level of `char` is odd (before line-end resets).
    pub fn is_rtl_at(&self, char: usize) -> bool {
        let (Some(info), Some(&b)) = (&self.info, self.byte_at.get(char)) else {
            return false;
        };
        info.levels.get(b).is_some_and(|l| l.is_rtl())
    }

    /// The directional runs of `line`, left to right on screen: UAX #9's
    /// rules L1 (trailing white space takes the paragraph level) and L2
    /// (reverse runs from the highest level down), by `unicode-bidi`.
    pub fn visual_runs(&self, line: Range<usize>) -> Vec<Run> {
        let n = self.char_len();
        let line = line.start.min(n)..line.end.min(n);
        if line.is_empty() {
            return Vec::new();
        }
        let Some(info) = self
            .info
            .as_ref()
            .filter(|i| i.has_rtl() || i.paragraph_level.is_rtl())
        else {
            return vec![Run {
                chars: line,
                rtl: false,
            }];
        };
        let bytes = self.byte_at[line.start]..self.byte_at[line.end];
        let (levels, runs) = info.visual_runs(bytes);
        runs.into_iter()
            .filter(|r| !r.is_empty())
            .map(|r| Run {
                rtl: levels[r.start].is_rtl(),
                chars: self.char_of(r.start)..self.char_of(r.end),
            })
            .collect()
    }

    /// The char starting at byte `b` (or the end).
    fn char_of(&self, b: usize) -> usize {
        self.byte_at.partition_point(|&x| x < b)
    }

    /// The logical index of the char at each visual position of `line`,
    /// left to right.
    #[cfg(test)]
    pub fn visual_order(&self, line: Range<usize>) -> Vec<usize> {
        let mut out = Vec::with_capacity(line.len());
        for run in self.visual_runs(line) {
            if run.rtl {
                out.extend(run.chars.rev());
            } else {
                out.extend(run.chars);
            }
        }
        out
    }
}

pub use crate::window::bidi_text::mirrored;

#[cfg(test)]
mod tests {
    use super::*;

    /// `line` as a reader sees it, left to right: chars in visual order,
    /// RTL chars mirrored.
    fn visual(text: &str) -> String {
        let bidi = Bidi::new(text);
        let chars: Vec<char> = text.chars().collect();
        bidi.visual_order(0..chars.len())
            .into_iter()
            .map(|i| {
                if bidi.is_rtl_at(i) {
                    mirrored(chars[i])
                } else {
                    chars[i]
                }
            })
            .collect()
    }

    fn rev(s: &str) -> String {
        s.chars().rev().collect()
    }

    #[test]
    fn persian_words_inside_an_english_line_read_right_to_left() {
        // The line: حسین shows to the right of دهقان.
        let text = "AAA حسین دهقان BBB";
        let bidi = Bidi::new(text);
        assert!(!bidi.is_rtl());
        let expected = format!("AAA {} BBB", rev("حسین دهقان"));
        assert_eq!(visual(text), expected);
        let runs = bidi.visual_runs(0..18);
        assert_eq!(
            runs,
            vec![
                Run {
                    chars: 0..4,
                    rtl: false
                },
                Run {
                    chars: 4..14,
                    rtl: true
                },
                Run {
                    chars: 14..18,
                    rtl: false
                },
            ]
        );
    }

    #[test]
    fn a_persian_news_line_is_right_to_left_with_its_numbers_left_to_right() {
        // «The foreign minister said on Sunday that 1,200 pilgrims left.»
        let text = "وزیر امور خارجه روز یکشنبه گفت ۱۲۰۰ زائر رفتند.";
        let bidi = Bidi::new(text);
        assert!(bidi.is_rtl(), "first strong char is Persian");
        let order = bidi.visual_order(0..text.chars().count());
        let chars: Vec<char> = text.chars().collect();
        // The full stop, logically last, is leftmost on screen; the first
        // letter, logically first, is rightmost.
        assert_eq!(chars[order[0]], '.');
        assert_eq!(order[order.len() - 1], 0);
        // The number keeps its digits left to right: ۱ before ۲ on screen.
        let one = chars.iter().position(|&c| c == '۱').unwrap();
        let pos = |logical: usize| order.iter().position(|&i| i == logical).unwrap();
        assert_eq!(pos(one) + 1, pos(one + 1), "۱۲ reads left to right");
        assert!(pos(one + 3) < pos(one - 2), "the number sits left of گفت");
    }

    #[test]
    fn an_english_name_inside_a_persian_line_keeps_its_letters_in_order() {
        // «Lavrov said in Tehran that …»
        let text = "سرگئی لاوروف (Sergey Lavrov) در تهران گفت";
        let bidi = Bidi::new(text);
        assert!(bidi.is_rtl());
        let shown = visual(text);
        assert!(shown.contains("Sergey Lavrov"), "{shown}");
        // The brackets are mirrored: the logical "(" is drawn as ")" on the
        // name's right side, so a reader sees "(Sergey Lavrov)".
        assert!(shown.contains("(Sergey Lavrov)"), "{shown}");
        // And the Persian after the name is on its left.
        let tehran = shown.find(&rev("تهران")).unwrap();
        assert!(tehran < shown.find("Sergey").unwrap());
    }

    #[test]
    fn guillemets_are_mirrored_inside_persian_text() {
        let text = "او گفت «آری» و رفت";
        let shown = visual(text);
        // Logically « comes first; on screen the quote reads «آری» with
        // the mark that opens it on the right.
        assert!(shown.contains(&format!("«{}»", rev("آری"))), "{shown}");
    }

    #[test]
    fn a_persian_quote_in_guillemets_inside_an_english_line_keeps_its_marks() {
        // The bundled sample: «…» around a Persian proverb in English text.
        // Between the Persian and English, the marks resolve left to right
        // (rule N1/N2 with an LTR paragraph), so neither is mirrored.
        let text = "she said «قطره دریا شود» — drop by drop";
        let shown = visual(text);
        assert_eq!(
            shown,
            format!("she said «{}» — drop by drop", rev("قطره دریا شود")),
            "{shown}"
        );
    }

    #[test]
    fn zwnj_stays_inside_its_word_and_hebrew_is_right_to_left() {
        let text = "می\u{200C}خواهم";
        let order = Bidi::new(text).visual_order(0..6);
        assert_eq!(order, vec![5, 4, 3, 2, 1, 0]);
        let text = "He wrote שלום today";
        let shown = visual(text);
        assert_eq!(shown, format!("He wrote {} today", rev("שלום")));
    }

    #[test]
    fn trailing_space_of_a_broken_line_takes_the_paragraph_level() {
        // An English paragraph broken after "حسین ": the space ends the line.
        let text = "AAA حسین دهقان BBB";
        let runs = Bidi::new(text).visual_runs(0..9);
        assert_eq!(
            runs,
            vec![
                Run {
                    chars: 0..4,
                    rtl: false
                },
                Run {
                    chars: 4..8,
                    rtl: true
                },
                Run {
                    chars: 8..9,
                    rtl: false
                },
            ]
        );
    }

    #[test]
    fn plain_ascii_is_one_left_to_right_run() {
        let bidi = Bidi::new("Plain text, no bidi.");
        assert!(!bidi.is_rtl());
        assert_eq!(
            bidi.visual_runs(0..20),
            vec![Run {
                chars: 0..20,
                rtl: false
            }]
        );
    }
}
