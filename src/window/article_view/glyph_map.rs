//! The glyph → char table of a laid-out paragraph. egui 0.37's galley char
//! indexes are wrong after right-to-left runs (an RTL run yields more glyphs
//! than chars), so the view never trusts them: each paragraph keeps its own
//! table, built from sections whose glyph counts are checked.

use crate::model::offset::CharOffset;
use eframe::egui::{
    self, Galley, Pos2, Rect, pos2,
    text::{LayoutJob, TextFormat},
    vec2,
};

/// glyph order, each a run of chars. Exact sections have one glyph per char;
/// others (right-to-left runs) map glyphs to chars approximately, by position.
#[derive(Clone, Debug, Default, PartialEq)]
pub(super) struct GlyphMap {
    pub(super) line_start: CharOffset,
    char_len: usize,
    sections: Vec<MapSection>,
    /// First glyph index of every galley row.
    row_glyph_starts: Vec<usize>,
}

#[derive(Clone, Copy, Debug, PartialEq)]
pub(super) struct MapSection {
    glyph_start: usize,
    glyph_len: usize,
    /// Relative to the paragraph start.
    char_start: usize,
    char_len: usize,
}

impl MapSection {
    pub(super) fn is_exact(&self) -> bool {
        self.glyph_len == self.char_len
    }
}

impl GlyphMap {
    /// The map for sections of `(char_len, glyph_len)` in order.
    pub(super) fn from_counts(
        line_start: CharOffset,
        counts: &[(usize, usize)],
        galley: &Galley,
    ) -> Self {
        let mut sections = Vec::with_capacity(counts.len());
        let (mut g, mut c) = (0, 0);
        for &(char_len, glyph_len) in counts {
            sections.push(MapSection {
                glyph_start: g,
                glyph_len,
                char_start: c,
                char_len,
            });
            g += glyph_len;
            c += char_len;
        }
        let mut row_glyph_starts = Vec::with_capacity(galley.rows.len());
        let mut start = 0;
        for row in &galley.rows {
            row_glyph_starts.push(start);
            start += row.row.glyphs.len();
        }
        GlyphMap {
            line_start,
            char_len: c,
            sections,
            row_glyph_starts,
        }
    }

    pub(super) fn section_of_glyph(&self, g: usize) -> Option<&MapSection> {
        let i = self
            .sections
            .partition_point(|s| s.glyph_start <= g)
            .checked_sub(1)?;
        self.sections
            .get(i)
            .filter(|s| g < s.glyph_start + s.glyph_len)
    }

    /// The char (relative to the paragraph) drawn by glyph `g`.
    pub(super) fn glyph_to_char(&self, g: usize) -> Option<usize> {
        let s = self.section_of_glyph(g)?;
        let k = g - s.glyph_start;
        if s.is_exact() {
            Some(s.char_start + k)
        } else {
            // Right-to-left: glyphs run right to left through the chars.
            let back = k * s.char_len / s.glyph_len.max(1);
            Some(s.char_start + s.char_len.saturating_sub(1 + back))
        }
    }

    /// The row index at galley-relative y (clamped).
    pub(super) fn row_at_y(galley: &Galley, y: f32) -> usize {
        galley
            .rows
            .partition_point(|r| r.pos.y + r.row.size.y <= y)
            .min(galley.rows.len().saturating_sub(1))
    }

    /// The char under a galley-relative point, if the point is over a glyph.
    pub(super) fn char_under_glyph_pos(&self, galley: &Galley, pos: Pos2) -> Option<usize> {
        let r = Self::row_at_y(galley, pos.y);
        let row = galley.rows.get(r)?;
        let x = pos.x - row.pos.x;
        let i = row
            .row
            .glyphs
            .iter()
            .position(|gl| gl.advance_width > 0.0 && gl.pos.x <= x && x < gl.max_x())?;
        self.glyph_to_char(self.row_glyph_starts.get(r)? + i)
    }

    /// The cursor (0..=char_len, relative) nearest a galley-relative point;
    /// never inside a cluster of zero-width continuation glyphs.
    pub(super) fn cursor_from_glyph_pos(&self, galley: &Galley, pos: Pos2) -> usize {
        let r = Self::row_at_y(galley, pos.y);
        let (Some(row), Some(&row_start)) = (galley.rows.get(r), self.row_glyph_starts.get(r))
        else {
            return 0;
        };
        let glyphs = &row.row.glyphs;
        let x = pos.x - row.pos.x;
        let Some(first) = glyphs.first() else {
            // An empty row: the cursor of the char that would start it.
            return self.glyph_to_char(row_start).unwrap_or(self.char_len);
        };
        if x < first.pos.x {
            return self.glyph_to_char(row_start).unwrap_or(0);
        }
        let hit = glyphs
            .iter()
            .position(|gl| gl.advance_width > 0.0 && gl.pos.x <= x && x < gl.max_x());
        let Some(i) = hit else {
            // Past the end of the row: after its last char.
            let last = row_start + glyphs.len() - 1;
            return self.cursor_after_glyph(last);
        };
        let g = row_start + i;
        let right_half = x >= glyphs[i].pos.x + glyphs[i].advance_width / 2.0;
        let Some(s) = self.section_of_glyph(g) else {
            return 0;
        };
        let Some(c) = self.glyph_to_char(g) else {
            return 0;
        };
        if s.is_exact() {
            if right_half {
                // Skip the zero-width glyphs of the same cluster (marks, ZWJ parts).
                let mut end = g + 1;
                while end < s.glyph_start + s.glyph_len
                    && galley_glyph(galley, &self.row_glyph_starts, end)
                        .is_some_and(|gl| gl.advance_width == 0.0)
                {
                    end += 1;
                }
                s.char_start + (end - s.glyph_start)
            } else {
                c
            }
        } else if right_half {
            c
        } else {
            (c + 1).min(s.char_start + s.char_len)
        }
    }

    pub(super) fn cursor_after_glyph(&self, g: usize) -> usize {
        match self.section_of_glyph(g) {
            Some(s) if s.is_exact() => s.char_start + (g - s.glyph_start) + 1,
            Some(s) => s.char_start + s.char_len,
            None => self.char_len,
        }
    }

    /// Rectangles (galley-relative, one per row piece) covering the chars
    /// `range` (relative to the paragraph), in the text band of each row.
    pub(super) fn char_rects(&self, galley: &Galley, range: std::ops::Range<usize>) -> Vec<Rect> {
        let mut rects = Vec::new();
        for (r, row) in galley.rows.iter().enumerate() {
            let Some(&row_start) = self.row_glyph_starts.get(r) else {
                break;
            };
            let mut current: Option<Rect> = None;
            for (i, gl) in row.row.glyphs.iter().enumerate() {
                let inside = self
                    .glyph_to_char(row_start + i)
                    .is_some_and(|c| range.contains(&c));
                if inside {
                    let top = row.pos.y + gl.pos.y - gl.font_ascent;
                    let rect = Rect::from_min_max(
                        pos2(row.pos.x + gl.pos.x, top),
                        pos2(row.pos.x + gl.max_x(), top + gl.font_height),
                    );
                    current = Some(current.map_or(rect, |c| c.union(rect)));
                } else if gl.advance_width > 0.0
                    && let Some(c) = current.take()
                {
                    rects.push(c);
                }
            }
            rects.extend(current);
            // An empty row (empty paragraph) inside the range still shows.
            if row.row.glyphs.is_empty()
                && range.start <= self.glyph_to_char(row_start).unwrap_or(self.char_len)
                && range.end > range.start
                && self.char_len == 0
            {
                let h = row.row.size.y;
                rects.push(Rect::from_min_size(
                    pos2(row.pos.x, row.pos.y + h * 0.2),
                    vec2(h * 0.3, h * 0.6),
                ));
            }
        }
        rects
    }
}

pub(super) fn galley_glyph<'g>(
    galley: &'g Galley,
    row_starts: &[usize],
    g: usize,
) -> Option<&'g egui::epaint::text::Glyph> {
    let r = row_starts.partition_point(|&s| s <= g).checked_sub(1)?;
    galley.rows.get(r)?.row.glyphs.get(g - row_starts.get(r)?)
}

/// The glyph → char table of a laid-out paragraph. Sections holding
/// right-to-left text are laid out alone to learn their glyph count; if the
/// total still disagrees with the galley, every section is measured alone.
pub(super) fn glyph_map(
    ui: &egui::Ui,
    line_start: CharOffset,
    chars: &[char],
    runs: &[std::ops::Range<usize>],
    sections: &[(std::ops::Range<usize>, TextFormat)],
    galley: &Galley,
) -> GlyphMap {
    let galley_glyphs: usize = galley.rows.iter().map(|r| r.row.glyphs.len()).sum();
    let measure = |r: &std::ops::Range<usize>, format: &TextFormat| -> usize {
        let text: String = chars[r.clone()].iter().collect();
        let mut job = LayoutJob::single_section(text, format.clone());
        job.wrap.max_width = f32::INFINITY;
        let g = ui.ctx().fonts_mut(|f| f.layout_job(job));
        g.rows.iter().map(|row| row.row.glyphs.len()).sum()
    };
    let has_rtl =
        |r: &std::ops::Range<usize>| runs.iter().any(|x| x.start < r.end && r.start < x.end);
    let mut counts: Vec<(usize, usize)> = sections
        .iter()
        .map(|(r, f)| (r.len(), if has_rtl(r) { measure(r, f) } else { r.len() }))
        .collect();
    if counts.iter().map(|c| c.1).sum::<usize>() != galley_glyphs {
        counts = sections
            .iter()
            .map(|(r, f)| (r.len(), measure(r, f)))
            .collect();
    }
    if counts.iter().map(|c| c.1).sum::<usize>() != galley_glyphs {
        // Give up on per-section precision; map the paragraph by position.
        counts = vec![(chars.len(), galley_glyphs)];
    }
    GlyphMap::from_counts(line_start, &counts, galley)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    pub(super) fn glyph_map_maps_exact_and_rtl_sections() {
        let map = GlyphMap {
            line_start: CharOffset(100),
            char_len: 9,
            sections: vec![
                MapSection {
                    glyph_start: 0,
                    glyph_len: 3,
                    char_start: 0,
                    char_len: 3,
                },
                MapSection {
                    glyph_start: 3,
                    glyph_len: 6,
                    char_start: 3,
                    char_len: 4,
                },
                MapSection {
                    glyph_start: 9,
                    glyph_len: 2,
                    char_start: 7,
                    char_len: 2,
                },
            ],
            row_glyph_starts: vec![0],
        };
        assert_eq!(map.glyph_to_char(1), Some(1));
        assert_eq!(map.glyph_to_char(3), Some(6), "RTL starts at its last char");
        assert_eq!(
            map.glyph_to_char(9),
            Some(7),
            "exact again after the RTL run"
        );
        assert_eq!(map.glyph_to_char(10), Some(8));
        assert_eq!(map.glyph_to_char(11), None);
    }
}
