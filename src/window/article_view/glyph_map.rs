//! The glyph map of a laid-out paragraph: where every char is drawn.
//!
//! Each char has a box on its visual line (chars that continue a grapheme
//! have zero width at its trailing edge), so painting a range, hit testing
//! and placing a cursor work the same in left-to-right and right-to-left
//! text, whatever order the glyphs are in. egui's own galley cursors are
//! never used: they count glyphs, and egui 0.37 gives RTL runs more glyphs
//! than chars.
//!
//! Cursor rule (the browsers'): a point over the leading half of a char
//! (its left half in LTR text, its right half in RTL text) puts the cursor
//! before it in logical order, the trailing half after it. A drag selects
//! the logical range between its two cursors, so a drag that crosses a
//! direction boundary selects what lies between them in reading order,
//! which on screen may be two separate pieces.

use crate::model::offset::CharOffset;
use eframe::egui::{Pos2, Rect, pos2, vec2};
use std::ops::Range;

/// Where one char is drawn, galley-relative.
#[derive(Clone, Copy, Debug, Default, PartialEq)]
pub(super) struct CharBox {
    pub x0: f32,
    pub x1: f32,
    /// The text band of its glyph.
    pub y0: f32,
    pub y1: f32,
    /// Drawn in a right-to-left run.
    pub rtl: bool,
}

impl CharBox {
    fn width(&self) -> f32 {
        self.x1 - self.x0
    }
}

/// One visual line: its chars (logical, contiguous) and its band.
#[derive(Clone, Debug, Default, PartialEq)]
pub(super) struct Line {
    pub chars: Range<usize>,
    pub top: f32,
    pub bottom: f32,
    /// Where a cursor on this line with no chars sits (x).
    pub empty_x: f32,
}

/// Every char's box and every line of a paragraph.
#[derive(Clone, Debug, Default, PartialEq)]
pub(super) struct GlyphMap {
    pub(super) line_start: CharOffset,
    pub(super) boxes: Vec<CharBox>,
    pub(super) lines: Vec<Line>,
}

impl GlyphMap {
    /// The bytes its boxes and lines take on the heap.
    pub(super) fn heap_bytes(&self) -> usize {
        self.boxes.capacity() * std::mem::size_of::<CharBox>()
            + self.lines.capacity() * std::mem::size_of::<Line>()
    }

    fn char_len(&self) -> usize {
        self.boxes.len()
    }

    /// The line at galley-relative `y` (clamped to the first and last).
    fn line_at_y(&self, y: f32) -> Option<&Line> {
        let i = self.lines.partition_point(|l| l.bottom <= y);
        self.lines.get(i.min(self.lines.len().saturating_sub(1)))
    }

    /// The char (relative) drawn under a galley-relative point.
    pub(super) fn char_at(&self, pos: Pos2) -> Option<usize> {
        let line = self.line_at_y(pos.y)?;
        line.chars.clone().find(|&c| {
            let b = &self.boxes[c];
            b.width() > 0.0 && b.x0 <= pos.x && pos.x < b.x1
        })
    }

    /// The cursor (0..=char_len, relative) nearest a galley-relative point,
    /// by the browsers' rule (see the module docs). Never inside a grapheme.
    pub(super) fn cursor_at(&self, pos: Pos2) -> usize {
        let Some(line) = self.line_at_y(pos.y) else {
            return 0;
        };
        let distance = |c: usize| {
            let b = &self.boxes[c];
            if pos.x < b.x0 {
                b.x0 - pos.x
            } else if pos.x >= b.x1 {
                pos.x - b.x1 + f32::EPSILON
            } else {
                0.0
            }
        };
        let Some(c) = line
            .chars
            .clone()
            .filter(|&c| self.boxes[c].width() > 0.0)
            .min_by(|&a, &b| distance(a).total_cmp(&distance(b)))
        else {
            return line.chars.start;
        };
        let b = &self.boxes[c];
        let left_half = pos.x < (b.x0 + b.x1) / 2.0;
        if left_half != b.rtl {
            return c;
        }
        let mut end = c + 1;
        while end < line.chars.end && self.boxes[end].width() == 0.0 {
            end += 1;
        }
        end
    }

    /// Rectangles (galley-relative) covering the chars `range` (relative):
    /// one per visually contiguous piece of each line, in the text band.
    pub(super) fn char_rects(&self, range: Range<usize>) -> Vec<Rect> {
        let mut rects = Vec::new();
        if self.char_len() == 0 {
            // An empty paragraph inside a selection still shows.
            if let Some(line) = self.lines.first() {
                let h = line.bottom - line.top;
                rects.push(Rect::from_min_size(
                    pos2(line.empty_x, line.top + h * 0.2),
                    vec2(h * 0.3, h * 0.6),
                ));
            }
            return rects;
        }
        let range = range.start.min(self.char_len())..range.end.min(self.char_len());
        let mut pieces: Vec<CharBox> = Vec::new();
        for line in &self.lines {
            let a = range.start.max(line.chars.start);
            let b = range.end.min(line.chars.end);
            if a >= b {
                continue;
            }
            pieces.clear();
            pieces.extend(self.boxes[a..b].iter().filter(|b| b.width() > 0.0));
            pieces.sort_by(|p, q| p.x0.total_cmp(&q.x0));
            let mut current: Option<Rect> = None;
            for p in &pieces {
                let r = Rect::from_min_max(pos2(p.x0, p.y0), pos2(p.x1, p.y1));
                current = match current {
                    Some(c) if p.x0 <= c.right() + 0.5 => Some(c.union(r)),
                    Some(c) => {
                        rects.push(c);
                        Some(r)
                    }
                    None => Some(r),
                };
            }
            rects.extend(current);
        }
        rects
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A one-line map of boxes 10 px wide: `rtl[i]` says whether char `i`
    /// is in an RTL run; `visual` lists the logical chars left to right.
    fn map(visual: &[usize], rtl: &[bool]) -> GlyphMap {
        let mut boxes = vec![CharBox::default(); visual.len()];
        for (k, &c) in visual.iter().enumerate() {
            boxes[c] = CharBox {
                x0: k as f32 * 10.0,
                x1: k as f32 * 10.0 + 10.0,
                y0: 0.0,
                y1: 20.0,
                rtl: rtl[c],
            };
        }
        GlyphMap {
            line_start: CharOffset(0),
            boxes,
            lines: vec![Line {
                chars: 0..visual.len(),
                top: 0.0,
                bottom: 20.0,
                empty_x: 0.0,
            }],
        }
    }

    #[test]
    fn cursors_in_rtl_text_follow_the_browsers_rule() {
        // "ab" then RTL "cde" (shown e d c), then "f": visual a b e d c f.
        let rtl = [false, false, true, true, true, false];
        let m = map(&[0, 1, 4, 3, 2, 5], &rtl);
        let at = |x: f32| m.cursor_at(pos2(x, 10.0));
        assert_eq!(at(2.0), 0, "left half of a: before a");
        assert_eq!(at(8.0), 1, "right half of a: after a");
        assert_eq!(
            at(48.0),
            2,
            "right half of c (logical start of the run): before c"
        );
        assert_eq!(at(42.0), 3, "left half of c: after c");
        assert_eq!(
            at(22.0),
            5,
            "left half of e: after e, the run's logical end"
        );
        assert_eq!(at(-5.0), 0, "left of the line");
        assert_eq!(at(99.0), 6, "right of the line");
        assert_eq!(m.char_at(pos2(35.0, 5.0)), Some(3));
    }

    #[test]
    fn a_logical_range_across_a_direction_boundary_paints_two_pieces() {
        let rtl = [false, false, true, true, true, false];
        let m = map(&[0, 1, 4, 3, 2, 5], &rtl);
        // b and c are neighbours in reading order, far apart on screen.
        let rects = m.char_rects(1..3);
        assert_eq!(rects.len(), 2);
        assert_eq!((rects[0].left(), rects[0].right()), (10.0, 20.0));
        assert_eq!((rects[1].left(), rects[1].right()), (40.0, 50.0));
        // The whole run is one piece.
        let rects = m.char_rects(2..5);
        assert_eq!(rects.len(), 1);
        assert_eq!((rects[0].left(), rects[0].right()), (20.0, 50.0));
    }

    #[test]
    fn zero_width_chars_stay_with_their_grapheme() {
        // "e" + combining acute + "x": the accent has no width of its own.
        let mut m = map(&[0, 1, 2], &[false, false, false]);
        m.boxes[1] = CharBox {
            x0: 10.0,
            x1: 10.0,
            ..m.boxes[0]
        };
        m.boxes[2].x0 = 10.0;
        m.boxes[2].x1 = 20.0;
        assert_eq!(m.cursor_at(pos2(8.0, 5.0)), 2, "after e and its accent");
        assert_eq!(m.char_at(pos2(10.0, 5.0)), Some(2));
    }
}
