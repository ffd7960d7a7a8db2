//! Laying out one paragraph: style it ([`style`]), shape it in pieces
//! ([`shape`]), break it into lines in logical order, then place each line's
//! units in visual order ([`Bidi::visual_runs`]) into one galley that egui
//! paints as usual, with the [`GlyphMap`] of where every char went and the
//! cached meshes of its highlights.
//!
//! A right-to-left paragraph (first strong char RTL) is right-aligned. Lines
//! break after white space (and around CJK ideographs); a word wider than
//! the line is broken between graphemes.
//!
//! A paragraph with nothing right-to-left in it skips all this: egui lays it
//! out whole ([`ltr`], the fast path, about half the cost).

use super::bidi::Bidi;
use super::blocks::Direction;
use super::glyph_map::{CharBox, GlyphMap, Line};
use super::ltr;
use super::paint::{dash_mesh, decorations, tessellate_decorations};
use super::shape::{Shaped, Unit, shape};
use super::style::{Role, StyleInput, TextStyle, style};
use super::{Decoration, Geometry, LINE_HEIGHT_FACTOR, Paragraph};
use crate::model::annotation::Label;
use crate::model::document::Article;
use crate::model::offset::{CharOffset, CharRange};
use crate::window::bidi_text::needs_bidi;
use crate::window::palette::Palette;
use eframe::egui::{
    self, FontFamily, FontId, Galley, Rect,
    epaint::text::{PlacedRow, RowVisuals},
    pos2,
    text::TextFormat,
    vec2,
};
use std::ops::Range;
use std::sync::Arc;

/// Lay out one block (a paragraph, or a piece of a long one: see
/// [`super::blocks`]) with its highlights, styled by [`style`].
pub(super) fn build_paragraph(
    ui: &egui::Ui,
    article: &Article,
    style_input: &StyleInput,
    direction: Direction,
    palette: &Palette,
    geometry: Geometry,
    dash_texture: egui::TextureId,
) -> Paragraph {
    let line_start = CharOffset(style_input.para_start);
    let range = CharRange::new(line_start, line_start.forward(style_input.char_len));
    let text = article.slice(range).unwrap_or_default();
    let chars: Vec<char> = text.chars().collect();
    let styled = style(style_input);
    let formats: Vec<(Range<usize>, TextFormat)> = styled
        .sections
        .iter()
        .map(|(r, s)| (r.clone(), text_format(*s, palette, geometry)))
        .collect();
    let body = text_format(TextStyle::BODY, palette, geometry);
    let (is_ltr, rtl) = match direction {
        Direction::Auto => (!needs_bidi(text), None),
        Direction::Ltr => (true, None),
        Direction::Bidi { rtl } => (false, Some(rtl)),
    };
    let fast = is_ltr
        .then(|| ltr::layout_ltr(ui.ctx(), text, &chars, &formats, &body, geometry.wrap_width))
        .flatten();
    let (galley, mut map) = fast.unwrap_or_else(|| {
        let bidi = Bidi::with_direction(text, rtl);
        let shaped = shape(ui.ctx(), &chars, &formats, &bidi, &body);
        let widths: Vec<f32> = shaped.units.iter().map(Unit::width).collect();
        let lines = break_lines(&shaped.units, &widths, &chars, geometry.wrap_width);
        compose(&shaped, &lines, &bidi, geometry.wrap_width)
    });
    map.line_start = line_start;

    let fill_rects: Vec<(Label, Rect)> = styled
        .fills
        .iter()
        .flat_map(|(r, fill)| {
            map.char_rects(r.clone())
                .into_iter()
                .map(move |rect| (fill.label, rect))
        })
        .collect();
    let fills: Vec<Decoration> = styled
        .fills
        .iter()
        .flat_map(|(r, fill)| {
            let color = palette.fill(fill.label, fill.dimmed);
            map.char_rects(r.clone())
                .into_iter()
                .map(move |rect| Decoration::Fill { rect, color })
        })
        .collect();
    let fills = Arc::new(tessellate_decorations(ui.ctx(), &fills));
    let decorations = decorations(&map, &styled.marks, palette, geometry);
    let dashes = Arc::new(dash_mesh(&decorations, dash_texture));
    let decorations = Arc::new(tessellate_decorations(ui.ctx(), &decorations));
    Paragraph {
        size_key: (0, 0),
        style_key: 0,
        inputs_key: (0, 0),
        last_used: 0,
        bytes: 0,
        galley,
        map,
        fills,
        fill_rects,
        placed: None,
        decorations,
        dashes,
    }
}

/// The egui text format of a style.
fn text_format(style: TextStyle, palette: &Palette, geometry: Geometry) -> TextFormat {
    let font_size = geometry.font_size;
    let (size, line_height) = match style.role {
        Role::Body => (font_size, geometry.line_height),
        Role::Header => (font_size * 0.85, geometry.line_height),
        Role::Title => (
            font_size * 1.6,
            (font_size * 1.6 * LINE_HEIGHT_FACTOR).round(),
        ),
    };
    let weak = style.dimmed || style.role == Role::Header;
    TextFormat {
        font_id: FontId::new(size, FontFamily::Proportional),
        color: if weak {
            palette.weak_text
        } else {
            palette.text
        },
        line_height: Some(line_height),
        ..Default::default()
    }
}

/// True for CJK ideographs and kana, which a line may break around.
fn is_cjk(c: char) -> bool {
    matches!(c, '\u{3040}'..='\u{30FF}' | '\u{3400}'..='\u{4DBF}' | '\u{4E00}'..='\u{9FFF}'
        | '\u{F900}'..='\u{FAFF}' | '\u{20000}'..='\u{2FFFF}')
}

/// Break units (in logical order, `widths[i]` wide) into lines at most
/// `max_width` wide: greedily, after white space or around CJK; a unit
/// wider than a line gets a line of its own. White space at the end of a
/// line does not count against its width. Returns unit index ranges (one
/// empty range for an empty paragraph).
pub(super) fn break_lines(
    units: &[Unit],
    widths: &[f32],
    chars: &[char],
    max_width: f32,
) -> Vec<Range<usize>> {
    let is_space = |u: usize| chars[units[u].chars.start].is_whitespace();
    let can_break_before = |u: usize| {
        let (prev, next) = (chars[units[u].chars.start - 1], chars[units[u].chars.start]);
        !next.is_whitespace() && (prev.is_whitespace() || is_cjk(prev) || is_cjk(next))
    };
    let mut lines = Vec::new();
    let (mut start, mut x, mut last_break) = (0, 0.0, None);
    for u in 0..units.len() {
        if u > start && can_break_before(u) {
            last_break = Some(u);
        }
        if !is_space(u) && u > start && x + widths[u] > max_width {
            let at = last_break.filter(|&b| b > start).unwrap_or(u);
            lines.push(start..at);
            start = at;
            x = widths[at..u].iter().sum();
            last_break = None;
        }
        x += widths[u];
    }
    lines.push(start..units.len());
    lines
}

/// Place the lines' units in visual order into one galley, and map every char.
fn compose(
    shaped: &Shaped,
    lines: &[Range<usize>],
    bidi: &Bidi<'_>,
    wrap_width: f32,
) -> (Arc<Galley>, GlyphMap) {
    let template = shaped.pieces.first().map_or(&shaped.empty, |p| &p.galley);
    let mut c = Composer {
        shaped,
        rtl_para: bidi.is_rtl(),
        wrap_width,
        map: GlyphMap {
            boxes: vec![CharBox::default(); shaped.char_x.len()],
            ..GlyphMap::default()
        },
        rows: Vec::with_capacity(lines.len()),
        y: 0.0,
        width: 0.0,
    };
    for line in lines {
        c.place_line(line.clone(), bidi);
    }
    let mut galley = (**template).clone();
    galley.elided = false;
    galley.mesh_bounds = c.rows.iter().fold(Rect::NOTHING, |b, r| {
        b.union(r.row.visuals.mesh_bounds.translate(r.pos.to_vec2()))
    });
    galley.num_vertices = c
        .rows
        .iter()
        .map(|r| r.row.visuals.mesh.vertices.len())
        .sum();
    galley.num_indices = c
        .rows
        .iter()
        .map(|r| r.row.visuals.mesh.indices.len())
        .sum();
    let width = if c.rtl_para {
        wrap_width.max(c.width)
    } else {
        c.width
    };
    galley.rect = Rect::from_min_size(pos2(0.0, 0.0), vec2(width, c.y));
    galley.rows = c.rows;
    (Arc::new(galley), c.map)
}

/// Builds the rows of a composed galley.
struct Composer<'a> {
    shaped: &'a Shaped,
    rtl_para: bool,
    wrap_width: f32,
    map: GlyphMap,
    rows: Vec<PlacedRow>,
    /// Top of the next line.
    y: f32,
    /// Widest line so far.
    width: f32,
}

impl Composer<'_> {
    /// Place one line: its units in visual order, right-aligned in a
    /// right-to-left paragraph.
    fn place_line(&mut self, line: Range<usize>, bidi: &Bidi<'_>) {
        let units = &self.shaped.units[line.clone()];
        let chars = units
            .first()
            .map_or(self.shaped.char_x.len(), |u| u.chars.start)
            ..units
                .last()
                .map_or(self.shaped.char_x.len(), |u| u.chars.end);
        let mut order: Vec<(usize, bool)> = Vec::with_capacity(units.len());
        for run in bidi.visual_runs(chars.clone()) {
            let first = units.partition_point(|u| u.chars.start < run.chars.start);
            let count = units[first..]
                .iter()
                .take_while(|u| u.chars.start < run.chars.end)
                .count();
            let idx = (first..first + count).map(|i| (line.start + i, run.rtl));
            if run.rtl {
                order.extend(idx.rev());
            } else {
                order.extend(idx);
            }
        }
        let line_width: f32 = units.iter().map(Unit::width).sum();
        let height = if units.is_empty() {
            self.shaped.empty.size().y
        } else {
            units
                .iter()
                .map(|u| self.shaped.pieces[u.piece].height)
                .fold(0.0, f32::max)
        };
        let x_start = if self.rtl_para {
            (self.wrap_width - line_width).max(0.0)
        } else {
            0.0
        };
        let template = self
            .shaped
            .pieces
            .first()
            .map_or(&self.shaped.empty, |p| &p.galley);
        // egui gives every galley a row, even an empty one.
        let Some(first_row) = template.rows.first() else {
            return;
        };
        let mut row = (*first_row.row).clone();
        row.glyphs.clear();
        let mut mesh = egui::Mesh::default();
        let mut x = x_start;
        for (u, rtl) in order {
            x = self.place_unit(u, rtl, x, height, &mut row.glyphs, &mut mesh);
        }
        row.size = vec2(x, height);
        row.visuals = RowVisuals {
            mesh_bounds: mesh.calc_bounds(),
            glyph_index_start: 0,
            glyph_vertex_range: 0..mesh.vertices.len(),
            mesh,
        };
        self.map.lines.push(Line {
            chars,
            top: self.y,
            bottom: self.y + height,
            empty_x: x_start,
        });
        self.rows.push(PlacedRow {
            pos: pos2(0.0, self.y),
            row: Arc::new(row),
            ends_with_newline: false,
        });
        self.width = self.width.max(x);
        self.y += height;
    }

    /// Place unit `u` at `x` on the current line; returns the x after it.
    fn place_unit(
        &mut self,
        u: usize,
        rtl: bool,
        x: f32,
        line_height: f32,
        glyphs: &mut Vec<egui::epaint::text::Glyph>,
        mesh: &mut egui::Mesh,
    ) -> f32 {
        let unit = &self.shaped.units[u];
        let piece = &self.shaped.pieces[unit.piece];
        let Some(src) = piece.galley.rows.first() else {
            return x;
        };
        // Pieces of one line share their bottom (egui's default valign).
        let offset = vec2(x - unit.x0, line_height - piece.height);
        for gl in &src.row.glyphs[unit.glyphs.clone()] {
            let mut placed = *gl;
            placed.pos += offset;
            placed.first_vertex = mesh.vertices.len() as u32;
            if !gl.uv_rect.is_nothing() {
                let from = gl.first_vertex as usize;
                if let Some(quad) = src.row.visuals.mesh.vertices.get(from..from + 4) {
                    let base = mesh.vertices.len() as u32;
                    mesh.vertices
                        .extend(quad.iter().map(|v| egui::epaint::Vertex {
                            pos: v.pos + offset,
                            ..*v
                        }));
                    mesh.indices.extend_from_slice(&[
                        base,
                        base + 1,
                        base + 2,
                        base + 2,
                        base + 1,
                        base + 3,
                    ]);
                }
            }
            glyphs.push(placed);
        }
        let band =
            src.row
                .glyphs
                .get(unit.glyphs.start)
                .map_or((self.y, self.y + line_height), |gl| {
                    let top = self.y + gl.pos.y + offset.y - gl.font_ascent;
                    (top, top + gl.font_height)
                });
        for c in unit.chars.clone() {
            let (x0, x1) = self.shaped.char_x[c];
            self.map.boxes[c] = CharBox {
                x0: x0 + offset.x,
                x1: x1 + offset.x,
                y0: band.0,
                y1: band.1,
                rtl,
            };
        }
        x + unit.width()
    }
}

/// Char index (relative) where the header's title starts.
pub(super) fn title_char_start(header_text: &str, article: &Article) -> Option<usize> {
    let title = article.meta().title.as_deref()?;
    let byte = header_text.rfind(title)?;
    Some(header_text.get(..byte)?.chars().count())
}

#[cfg(test)]
mod tests {
    use super::*;

    /// One unit per char, each 10 wide.
    fn lines_of(text: &str, max_width: f32) -> Vec<String> {
        let chars: Vec<char> = text.chars().collect();
        let units: Vec<Unit> = (0..chars.len())
            .map(|i| Unit {
                chars: i..i + 1,
                piece: 0,
                glyphs: i..i + 1,
                x0: i as f32 * 10.0,
                x1: i as f32 * 10.0 + 10.0,
            })
            .collect();
        let widths = vec![10.0; chars.len()];
        break_lines(&units, &widths, &chars, max_width)
            .into_iter()
            .map(|r| chars[r].iter().collect())
            .collect()
    }

    #[test]
    fn lines_break_after_spaces_and_long_words_break_anywhere() {
        assert_eq!(lines_of("aaa bbb ccc", 75.0), ["aaa bbb ", "ccc"]);
        assert_eq!(
            lines_of("aaa bbb", 30.0),
            ["aaa ", "bbb"],
            "trailing space hangs"
        );
        assert_eq!(lines_of("aaaaaa b", 40.0), ["aaaa", "aa b"]);
        assert_eq!(lines_of("aaaaaa bb", 40.0), ["aaaa", "aa ", "bb"]);
        assert_eq!(lines_of("", 40.0), [""]);
        assert_eq!(lines_of("中文字", 20.0), ["中文", "字"]);
    }
}
