//! Layout blocks: the pieces of the article the view lays out, caches and
//! measures one by one. A paragraph is one block; a paragraph longer than
//! [`MAX_BLOCK_CHARS`] is cut into blocks of [`MIN_BLOCK_CHARS`] to
//! [`MAX_BLOCK_CHARS`] chars, after a sentence's end where there is one (else
//! after white space, else between two graphemes), so a frame lays out only
//! the blocks near the viewport, not a 36,000-char paragraph whole.
//!
//! Each block of a cut paragraph starts a new row, so the row before a cut
//! may end short, as after a sentence; that is the only visible trace. A cut
//! paragraph keeps one direction for all its blocks: its own (the first
//! strong char of the whole paragraph), and the bidi path whenever
//! anything in the paragraph needs it, so a left-to-right block of a Persian
//! paragraph is still right-aligned.
//!
//! Invariant: the blocks cover every paragraph (article line) in order,
//! without gaps or overlaps, and no block crosses a line break or splits a
//! grapheme; offsets stay exact [`CharOffset`]s of the article.

use crate::model::document::Article;
use crate::model::offset::{CharOffset, CharRange};
use crate::window::bidi_text::needs_bidi;

/// Paragraphs up to this many chars are one block.
pub(super) const MAX_BLOCK_CHARS: usize = 3000;
/// A cut paragraph's blocks (but its last) have at least this many chars.
pub(super) const MIN_BLOCK_CHARS: usize = 1500;

/// How a block's text direction is decided.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) enum Direction {
    /// A whole paragraph: from its own text, as the layout finds it.
    Auto,
    /// A block of a cut paragraph with nothing right-to-left in it.
    Ltr,
    /// A block of a cut paragraph that needs bidi; `rtl` is the paragraph's
    /// direction.
    Bidi {
        /// The paragraph runs right to left.
        rtl: bool,
    },
}

/// One layout block.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) struct Block {
    /// Its chars in the article.
    pub range: CharRange,
    /// The article line (paragraph) it belongs to.
    pub line: usize,
    /// How its direction is decided.
    pub direction: Direction,
}

/// The blocks of one article, in order.
#[derive(Clone, Debug, Default)]
pub(super) struct Blocks {
    blocks: Vec<Block>,
}

impl Blocks {
    /// Cut `article` into blocks.
    pub(super) fn new(article: &Article) -> Blocks {
        let mut blocks = Vec::with_capacity(article.line_count());
        for line in 0..article.line_count() {
            let Some(range) = article.line_range(line) else {
                continue;
            };
            if range.char_len() <= MAX_BLOCK_CHARS {
                blocks.push(Block {
                    range,
                    line,
                    direction: Direction::Auto,
                });
                continue;
            }
            let text = article.slice(range).unwrap_or_default();
            let direction = if needs_bidi(text) {
                Direction::Bidi {
                    rtl: unicode_bidi::get_base_direction(text) == unicode_bidi::Direction::Rtl,
                }
            } else {
                Direction::Ltr
            };
            let chars: Vec<char> = text.chars().collect();
            let splits = |c: usize| article.splits_grapheme(range.start.forward(c));
            let mut start = 0;
            for cut in cut_points(&chars, splits).into_iter().chain([chars.len()]) {
                blocks.push(Block {
                    range: CharRange::new(range.start.forward(start), range.start.forward(cut)),
                    line,
                    direction,
                });
                start = cut;
            }
        }
        Blocks { blocks }
    }

    /// Number of blocks.
    pub(super) fn len(&self) -> usize {
        self.blocks.len()
    }

    /// Block `i`.
    pub(super) fn get(&self, i: usize) -> Option<&Block> {
        self.blocks.get(i)
    }

    /// Block `i`'s chars (empty past the end).
    pub(super) fn range(&self, i: usize) -> CharRange {
        self.blocks.get(i).map(|b| b.range).unwrap_or_default()
    }

    /// The block holding `pos` (a position at a block's end belongs to it
    /// when no block starts there).
    pub(super) fn index_of(&self, pos: CharOffset) -> usize {
        self.blocks
            .partition_point(|b| b.range.start <= pos)
            .saturating_sub(1)
    }
}

/// Where to cut a paragraph of `chars` (char indices, each the start of a
/// block but the first): every block has `MIN_BLOCK_CHARS..=MAX_BLOCK_CHARS`
/// chars but the last, which has at most `MAX_BLOCK_CHARS`. A cut falls
/// after the white space that follows a sentence's end if there is one in
/// range, else after any white space, else at the latest point where
/// `splits_grapheme` is false.
fn cut_points(chars: &[char], splits_grapheme: impl Fn(usize) -> bool) -> Vec<usize> {
    let n = chars.len();
    let after_space = |c: usize| chars[c - 1].is_whitespace() && !chars[c].is_whitespace();
    let ends_sentence = |c: usize| {
        let mut k = c - 1;
        while k > 0 && (chars[k].is_whitespace() || is_closing(chars[k])) {
            k -= 1;
        }
        matches!(
            chars[k],
            '.' | '!' | '?' | '…' | '。' | '！' | '？' | '؟' | '۔' | '।'
        )
    };
    let mut cuts = Vec::new();
    let mut start = 0;
    while n - start > MAX_BLOCK_CHARS {
        let candidates = start + MIN_BLOCK_CHARS..=start + MAX_BLOCK_CHARS;
        let cut = candidates
            .clone()
            .find(|&c| after_space(c) && ends_sentence(c))
            .or_else(|| candidates.clone().find(|&c| after_space(c)))
            .or_else(|| candidates.clone().rev().find(|&c| !splits_grapheme(c)))
            .unwrap_or(start + MAX_BLOCK_CHARS);
        cuts.push(cut);
        start = cut;
    }
    cuts
}

/// Closing quotes and brackets that may follow a sentence's end.
fn is_closing(c: char) -> bool {
    matches!(
        c,
        '"' | '\'' | '”' | '’' | '»' | '«' | ')' | ']' | '」' | '』'
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    fn blocks_of(text: &str) -> (Article, Blocks) {
        let article = Article::new(text.to_owned());
        let blocks = Blocks::new(&article);
        (article, blocks)
    }

    /// The blocks cover every line in order, none crosses a line or splits a
    /// grapheme, and their sizes keep to the bounds.
    fn assert_invariants(article: &Article, blocks: &Blocks) {
        let mut i = 0;
        for line in 0..article.line_count() {
            let lr = article.line_range(line).unwrap();
            let mut at = lr.start;
            let first = i;
            while let Some(b) = blocks.get(i).filter(|b| b.line == line) {
                assert_eq!(b.range.start, at, "block {i} starts where the last ended");
                assert!(b.range.end <= lr.end);
                assert!(!article.splits_grapheme(b.range.start), "block {i}");
                assert!(b.range.char_len() <= MAX_BLOCK_CHARS, "block {i}");
                at = b.range.end;
                i += 1;
            }
            assert_eq!(at, lr.end, "line {line} covered");
            assert!(i > first, "line {line} has a block");
            for b in first..i - 1 {
                assert!(blocks.range(b).char_len() >= MIN_BLOCK_CHARS, "block {b}");
            }
        }
        assert_eq!(i, blocks.len());
    }

    #[test]
    fn short_paragraphs_are_one_block_each() {
        let (article, blocks) = blocks_of("One.\n\nTwo words here.\n");
        assert_eq!(blocks.len(), article.line_count());
        assert_invariants(&article, &blocks);
        assert!((0..blocks.len()).all(|i| blocks.get(i).unwrap().direction == Direction::Auto));
        assert_eq!(blocks.index_of(CharOffset(6)), 2);
        assert_eq!(blocks.index_of(CharOffset(4)), 0, "a line's end is its own");
    }

    #[test]
    fn a_long_paragraph_is_cut_after_sentence_ends() {
        let sentence = "Lorem ipsum dolor sit amet, consectetur adipiscing elit sed do. ";
        let para: String = sentence.repeat(200); // 12,800 chars
        let text = format!("Title\n{para}\nEnd.");
        let (article, blocks) = blocks_of(&text);
        assert_invariants(&article, &blocks);
        assert!(blocks.len() >= 2 + 12_800 / MAX_BLOCK_CHARS);
        for i in 1..blocks.len() - 2 {
            let b = blocks.get(i).unwrap();
            assert_eq!(b.line, 1);
            assert_eq!(b.direction, Direction::Ltr);
            let text = article.slice(b.range).unwrap();
            assert!(text.starts_with("Lorem") && text.ends_with("do. "), "{i}");
        }
        // Positions map to the block that holds them.
        let b = blocks.get(2).unwrap().range;
        assert_eq!(blocks.index_of(b.start), 2);
        assert_eq!(blocks.index_of(b.end.back(1)), 2);
    }

    #[test]
    fn without_sentences_a_paragraph_is_cut_after_spaces_then_between_graphemes() {
        let words = "word ".repeat(2000);
        let (article, blocks) = blocks_of(&words);
        assert_invariants(&article, &blocks);
        assert!(blocks.len() > 1);
        assert!(article.slice(blocks.range(0)).unwrap().ends_with(' '));
        // No space at all: combining marks stay with their letter.
        let marks = "e\u{301}".repeat(4000);
        let (article, blocks) = blocks_of(&marks);
        assert_invariants(&article, &blocks);
        assert!(blocks.len() > 1);
        let cjk = "中文字".repeat(2000);
        let (article, blocks) = blocks_of(&cjk);
        assert_invariants(&article, &blocks);
    }

    #[test]
    fn a_cut_right_to_left_paragraph_keeps_its_direction_in_every_block() {
        // Persian first, then a long stretch of English: every block is laid
        // out right to left, the English ones too.
        let para = format!("سلام دنیا. {}", "Plain English text here. ".repeat(400));
        let (article, blocks) = blocks_of(&para);
        assert_invariants(&article, &blocks);
        assert!(blocks.len() > 2);
        for i in 0..blocks.len() {
            assert_eq!(
                blocks.get(i).unwrap().direction,
                Direction::Bidi { rtl: true }
            );
        }
        let para = format!("English first. {}سلام", "More text here. ".repeat(400));
        let (_, blocks) = blocks_of(&para);
        assert_eq!(
            blocks.get(1).unwrap().direction,
            Direction::Bidi { rtl: false }
        );
    }
}
