//! Text fields (the find box, the editor's kind and note) that show
//! right-to-left text in reading order while their cursor stays a char
//! index into the typed text; and wrapped labels (a tooltip's note) whose
//! lines come in reading order.
//!
//! egui's `TextEdit` lays its text out in logical order (it does no bidi
//! reordering), so a Persian query read backwards. [`layouter`] gives the
//! field a galley that *draws* the line in visual order (UAX #9 runs from
//! `unicode-bidi`, each piece shaped by egui as [`label_text`] hands it
//! over) but keeps one glyph per char of the text, in the text's order:
//! glyph `i` sits where the caret before char `i` belongs (the left edge of
//! a left-to-right char, the right edge of a right-to-left one), and the
//! row's width is where the caret after the last char belongs. So typing,
//! deleting, the arrows and the caret act on the text's chars, and the
//! caret is drawn next to the char it stands before, in either direction.
//! A click inside right-to-left text puts the caret at its start (egui
//! looks glyphs up left to right); a line with nothing right to left is
//! laid out by egui as usual.
//!

use crate::window::bidi_text::{is_rtl_script, label_text, mirrored, needs_bidi, wrap_lines};
use eframe::egui::{self, Galley, text::LayoutJob};
use std::ops::Range;
use std::sync::Arc;
use unicode_bidi::ParagraphBidiInfo;
use unicode_segmentation::UnicodeSegmentation;

/// A `TextEdit::layouter` for one-line fields: the text in reading order.
pub fn layouter(ui: &egui::Ui, text: &dyn egui::TextBuffer, _wrap_width: f32) -> Arc<Galley> {
    let font = egui::TextStyle::Body.resolve(ui.style());
    let color = ui.visuals().text_color();
    let job = |s: String| {
        let mut job = LayoutJob::simple_singleline(s, font.clone(), color);
        job.keep_trailing_whitespace = true;
        job
    };
    visual_galley(ui, text.as_str(), &job)
}

/// A `TextEdit::layouter` for multi-line fields (the editor's note): each
/// paragraph wrapped in logical order to `wrap_width` (after white space),
/// then each row laid out as by [`layouter`]; a right-to-left paragraph's
/// rows are right-aligned. Text with nothing right to left is laid out by
/// egui as usual.
pub fn multiline_layouter(
    ui: &egui::Ui,
    text: &dyn egui::TextBuffer,
    wrap_width: f32,
) -> Arc<Galley> {
    let font = egui::TextStyle::Body.resolve(ui.style());
    let color = ui.visuals().text_color();
    let text = text.as_str();
    let mut whole = LayoutJob::simple(text.to_owned(), font.clone(), color, wrap_width);
    whole.keep_trailing_whitespace = true;
    if !needs_bidi(text) {
        return ui.fonts_mut(|f| f.layout_job(whole));
    }
    let job = |s: String| {
        let mut job = LayoutJob::simple_singleline(s, font.clone(), color);
        job.keep_trailing_whitespace = true;
        job
    };
    let width_of = |s: &str| ui.fonts_mut(|f| f.layout_job(job(s.to_owned()))).size().x;
    let mut out = (*ui.fonts_mut(|f| f.layout_job(whole))).clone();
    out.rows.clear();
    let (mut y, mut right, mut vertices, mut indices) = (0.0_f32, 0.0_f32, 0, 0);
    let mut bounds = egui::Rect::NOTHING;
    let paragraphs: Vec<&str> = text.split('\n').collect();
    for (p, paragraph) in paragraphs.iter().enumerate() {
        let rtl = crate::window::bidi_text::is_rtl_paragraph(paragraph);
        let lines = wrap_lines(paragraph, wrap_width, width_of);
        for (l, line) in lines.iter().enumerate() {
            let galley = visual_galley(ui, line, &job);
            let Some(row) = galley.rows.first() else {
                continue;
            };
            let width = galley.rect.width();
            let x = if rtl && wrap_width.is_finite() {
                (wrap_width - width).max(0.0)
            } else {
                0.0
            };
            let placed = egui::epaint::text::PlacedRow {
                pos: egui::pos2(x, y),
                row: row.row.clone(),
                ends_with_newline: l + 1 == lines.len() && p + 1 < paragraphs.len(),
            };
            bounds = bounds.union(row.row.visuals.mesh_bounds.translate(placed.pos.to_vec2()));
            vertices += row.row.visuals.mesh.vertices.len();
            indices += row.row.visuals.mesh.indices.len();
            right = right.max(x + width);
            y += row.row.size.y;
            out.rows.push(placed);
        }
    }
    out.rect = egui::Rect::from_min_max(egui::Pos2::ZERO, egui::pos2(right, y));
    out.mesh_bounds = bounds;
    out.num_vertices = vertices;
    out.num_indices = indices;
    Arc::new(out)
}

/// A label for text that may hold right-to-left lines (a note), wrapped to
/// the room there is and shown in reading order: each line is wrapped in
/// logical order first, then each wrapped line is reordered
/// ([`wrap_lines`], [`label_text`]). egui would wrap
/// the reordered text instead, and a long Persian note read its wrapped
/// lines bottom first. Text with nothing right to left is a plain label.
pub fn reading_order_label_ui(ui: &mut egui::Ui, text: &str) -> egui::Response {
    if !needs_bidi(text) {
        return ui.label(text);
    }
    let font = egui::TextStyle::Body.resolve(ui.style());
    let width = ui.available_width().max(1.0);
    let width_of = |s: &str| {
        let job = egui::text::LayoutJob::simple_singleline(
            s.to_owned(),
            font.clone(),
            egui::Color32::WHITE,
        );
        ui.fonts_mut(|f| f.layout_job(job)).size().x
    };
    let lines: Vec<String> = text
        .lines()
        .flat_map(|line| wrap_lines(line, width, width_of))
        .map(|line| label_text(line.trim_end()).into_owned())
        .collect();
    ui.add(egui::Label::new(lines.join("\n")).wrap_mode(egui::TextWrapMode::Extend))
}

/// Where each char of the line is drawn.
#[derive(Clone, Copy, Debug, Default, PartialEq)]
struct Placed {
    left: f32,
    width: f32,
    /// At a right-to-left level: the caret before it is at its right edge.
    rtl: bool,
}

impl Placed {
    fn caret_before(self) -> f32 {
        if self.rtl {
            self.left + self.width
        } else {
            self.left
        }
    }

    fn caret_after(self) -> f32 {
        if self.rtl {
            self.left
        } else {
            self.left + self.width
        }
    }
}

/// `text` (one line) laid out in visual order, one glyph per char in
/// logical order (see the module doc); `job` makes the layout job of a piece.
fn visual_galley(ui: &egui::Ui, text: &str, job: &dyn Fn(String) -> LayoutJob) -> Arc<Galley> {
    let base = ui.fonts_mut(|f| f.layout_job(job(text.to_owned())));
    if !needs_bidi(text) || text.contains('\n') {
        return base;
    }
    let Some(template) = base
        .rows
        .first()
        .and_then(|r| r.row.glyphs.first())
        .copied()
    else {
        return base;
    };
    let chars: Vec<char> = text.chars().collect();
    let mut placed = vec![Placed::default(); chars.len()];
    let mut mesh = egui::epaint::Mesh::default();
    let mut x = 0.0;
    for piece in pieces(text) {
        let shown: String = if piece.mirror {
            chars[piece.chars.clone()]
                .iter()
                .map(|&c| mirrored(c))
                .collect()
        } else {
            chars[piece.chars.clone()].iter().collect()
        };
        let galley = ui.fonts_mut(|f| f.layout_job(job(shown)));
        let Some(row) = galley.rows.first() else {
            continue;
        };
        let mut piece_mesh = row.row.visuals.mesh.clone();
        piece_mesh.translate(egui::vec2(x + row.pos.x, row.pos.y));
        mesh.append(piece_mesh);
        place_piece(&mut placed, &piece, &row.row.glyphs, x, row.row.size.x);
        x += row.row.size.x;
    }
    let mut out = (*base).clone();
    let Some(first) = out.rows.first_mut() else {
        return base;
    };
    let row = Arc::make_mut(&mut first.row);
    let vertices = mesh.vertices.len();
    row.glyphs = chars
        .iter()
        .zip(&placed)
        .map(|(&chr, p)| {
            let mut g = template;
            g.chr = chr;
            g.pos = egui::pos2(p.caret_before(), template.pos.y);
            g.advance_width = p.width;
            // Selected text keeps its colour: the glyphs' vertices are not
            // in the text's order.
            g.first_vertex = vertices as u32;
            g
        })
        .collect();
    // `x_offset` of the end: where the caret after the last char goes.
    row.size.x = placed.last().map_or(x, |p| p.caret_after());
    row.visuals.mesh_bounds = mesh.calc_bounds();
    row.visuals.glyph_index_start = 0;
    row.visuals.glyph_vertex_range = vertices..vertices;
    out.num_vertices = vertices;
    out.num_indices = mesh.indices.len();
    out.mesh_bounds = row.visuals.mesh_bounds.translate(first.pos.to_vec2());
    row.visuals.mesh = mesh;
    out.rect.max.x = out.rect.min.x + x.max(out.rect.width());
    Arc::new(out)
}

/// A piece egui shapes in one go, in the order pieces are drawn.
#[derive(Clone, Debug, PartialEq)]
struct Piece {
    /// Chars of the line.
    chars: Range<usize>,
    /// Letters of a right-to-left script: egui draws them reversed.
    reversed: bool,
    /// At a right-to-left level.
    rtl: bool,
    /// One char drawn mirrored (a bracket at a right-to-left level).
    mirror: bool,
}

/// The line's pieces left to right on screen: UAX #9 visual runs; in a
/// right-to-left run each run of RTL-script graphemes is one piece (egui
/// reverses it) and every other grapheme one piece, in reverse order; in a
/// left-to-right run, RTL-script graphemes (Persian digits) and the rest.
fn pieces(line: &str) -> Vec<Piece> {
    let char_at: Vec<usize> = {
        let mut v = vec![0; line.len() + 1];
        let mut n = 0;
        for (b, c) in line.char_indices() {
            v[b] = n;
            n += 1;
            for i in 1..c.len_utf8() {
                v[b + i] = n;
            }
        }
        v[line.len()] = n;
        v
    };
    let info = ParagraphBidiInfo::new(line, None);
    let (levels, runs) = info.visual_runs(0..line.len());
    let mut out = Vec::new();
    for run in runs.into_iter().filter(|r| !r.is_empty()) {
        let rtl = levels[run.start].is_rtl();
        let mut run_pieces: Vec<Piece> = Vec::new();
        for (b, g) in line[run.clone()].grapheme_indices(true) {
            let b = run.start + b;
            let chars = char_at[b]..char_at[b + g.len()];
            let script = g.chars().next().is_some_and(is_rtl_script);
            match run_pieces.last_mut() {
                Some(last) if script && last.reversed => last.chars.end = chars.end,
                Some(last) if !rtl && !script && !last.reversed => last.chars.end = chars.end,
                _ => run_pieces.push(Piece {
                    mirror: rtl && !script && chars.len() == 1,
                    chars,
                    reversed: script,
                    rtl,
                }),
            }
        }
        if rtl {
            run_pieces.reverse();
        }
        out.extend(run_pieces);
    }
    out
}

/// Record where `piece`'s chars are drawn, from the glyphs egui laid out for
/// it (`width` wide, starting at `x`): one per char left to right, or, for
/// reversed letters, the first `n` glyphs right to left (egui trails a
/// shaped right-to-left run with zero-width glyphs). Spread evenly when the
/// glyphs do not match.
fn place_piece(
    placed: &mut [Placed],
    piece: &Piece,
    glyphs: &[egui::epaint::text::Glyph],
    x: f32,
    width: f32,
) {
    let n = piece.chars.len();
    let Some(slots) = placed.get_mut(piece.chars.clone()) else {
        return;
    };
    let edges: Option<Vec<(f32, f32)>> = (glyphs.len() >= n && n > 0).then(|| {
        let mut e: Vec<(f32, f32)> = glyphs[..n]
            .iter()
            .map(|g| (x + g.pos.x, g.advance_width))
            .collect();
        if piece.reversed {
            e.reverse();
        }
        e
    });
    let exact = piece.reversed || glyphs.len() == n;
    for (i, slot) in slots.iter_mut().enumerate() {
        let (left, w) = match &edges {
            Some(e) if exact => e[i],
            _ => {
                let w = width / n.max(1) as f32;
                let k = if piece.reversed { n - 1 - i } else { i };
                (x + k as f32 * w, w)
            }
        };
        *slot = Placed {
            left,
            width: w,
            rtl: piece.rtl,
        };
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn texts(line: &str) -> Vec<(String, bool)> {
        let chars: Vec<char> = line.chars().collect();
        pieces(line)
            .into_iter()
            .map(|p| (chars[p.chars].iter().collect(), p.rtl))
            .collect()
    }

    #[test]
    fn pieces_come_left_to_right_on_screen() {
        // An English line with a Persian name: the name's words right to
        // left, each a piece egui reverses.
        assert_eq!(
            texts("AAA حسین دهقان BBB"),
            [
                ("AAA ".to_owned(), false),
                ("دهقان".to_owned(), true),
                (" ".to_owned(), true),
                ("حسین".to_owned(), true),
                (" BBB".to_owned(), false),
            ]
        );
        // A Persian line: its first word at the right end.
        let t = texts("او گفت");
        assert_eq!(t.first().map(|p| p.0.as_str()), Some("گفت"));
        assert_eq!(t.last().map(|p| p.0.as_str()), Some("او"));
    }
}
