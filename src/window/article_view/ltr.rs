//! The fast path for a paragraph with nothing right-to-left in it (the
//! common case): egui lays it out and wraps it as one [`LayoutJob`], as the
//! view did before it knew about bidi, and the [`GlyphMap`] is read off the
//! galley's rows.
//!
//! The bidi path ([`super::shape`], [`super::bidi`], [`super::layout`])
//! shapes a paragraph in pieces, one unit per grapheme, and copies every
//! glyph into place: about twice the cost per paragraph. It is needed only
//! when some char could be drawn right to left, which
//! [`needs_bidi`](crate::window::bidi_text::needs_bidi) tells.
//!
//! Invariant: the map is built only when the galley has exactly one glyph
//! per char (egui's promise for left-to-right text); anything else (a font
//! that forms ligatures, say) returns `None` and takes the bidi path.

use super::glyph_map::{CharBox, GlyphMap, Line};
use super::shape::grapheme_starts;
use eframe::egui::{
    self, Galley,
    text::{ByteIndex, LayoutJob, LayoutSection, TextFormat, TextWrapping},
};
use std::ops::Range;
use std::sync::Arc;

/// Lay out a left-to-right paragraph (`text`, whose chars are `chars`) with
/// egui's own wrapping at `wrap_width`; `formats` are its style runs in
/// chars, covering it in order. `None` when the galley does not have one
/// glyph per char.
pub(super) fn layout_ltr(
    ctx: &egui::Context,
    text: &str,
    chars: &[char],
    formats: &[(Range<usize>, TextFormat)],
    body: &TextFormat,
    wrap_width: f32,
) -> Option<(Arc<Galley>, GlyphMap)> {
    let mut byte_at = Vec::with_capacity(chars.len() + 1);
    byte_at.extend(text.char_indices().map(|(b, _)| b));
    byte_at.push(text.len());
    let mut job = LayoutJob {
        text: text.to_owned(),
        wrap: TextWrapping {
            max_width: wrap_width,
            ..Default::default()
        },
        ..Default::default()
    };
    job.sections = formats
        .iter()
        .map(|(r, format)| {
            Some(LayoutSection {
                leading_space: 0.0,
                byte_range: ByteIndex(*byte_at.get(r.start)?)..ByteIndex(*byte_at.get(r.end)?),
                format: format.clone(),
            })
        })
        .collect::<Option<Vec<_>>>()?;
    if job.sections.is_empty() {
        job.sections.push(LayoutSection {
            leading_space: 0.0,
            byte_range: ByteIndex(0)..ByteIndex(0),
            format: body.clone(),
        });
    }
    let galley = ctx.fonts_mut(|f| f.layout_job(job));
    let glyph_count: usize = galley.rows.iter().map(|r| r.row.glyphs.len()).sum();
    if glyph_count != chars.len() {
        return None;
    }
    let map = map_rows(&galley, chars);
    Some((galley, map))
}

/// The glyph map of a galley with one glyph per char, row by row: each
/// grapheme's box runs from its first glyph to the next grapheme's (glyph
/// positions are rounded to pixels, so a phrase's boxes touch), and chars
/// that continue a grapheme get zero width at its trailing edge, as on the
/// bidi path.
fn map_rows(galley: &Galley, chars: &[char]) -> GlyphMap {
    let starts = grapheme_starts(chars);
    let mut map = GlyphMap {
        boxes: vec![CharBox::default(); chars.len()],
        lines: Vec::with_capacity(galley.rows.len()),
        ..GlyphMap::default()
    };
    let mut first = 0;
    for placed in &galley.rows {
        let glyphs = &placed.row.glyphs;
        let (dx, dy) = (placed.pos.x, placed.pos.y);
        let row_end = glyphs.last().map_or(0.0, |g| g.max_x());
        let mut g = 0;
        while g < glyphs.len() {
            let mut h = g + 1;
            while h < glyphs.len() && !starts[first + h] {
                h += 1;
            }
            let gl = &glyphs[g];
            let x0 = gl.pos.x;
            let x1 = glyphs.get(h).map_or(row_end, |next| next.pos.x).max(x0);
            let y0 = dy + gl.pos.y - gl.font_ascent;
            let b = CharBox {
                x0: dx + x0,
                x1: dx + x1,
                y0,
                y1: y0 + gl.font_height,
                rtl: false,
            };
            map.boxes[first + g] = b;
            for c in first + g + 1..first + h {
                map.boxes[c] = CharBox { x0: b.x1, ..b };
            }
            g = h;
        }
        map.lines.push(Line {
            chars: first..first + glyphs.len(),
            top: dy,
            bottom: dy + placed.row.size.y,
            empty_x: dx,
        });
        first += glyphs.len();
    }
    map
}
