//! Text fields (the find box, the editor's kind and note) that show
//! right-to-left text in reading order while their cursor stays a char
//! index into the typed text; and wrapped labels (a tooltip's note) whose
//! lines come in reading order.
//!
//! egui's `TextEdit` lays its text out in logical order (it does no bidi
//! reordering), so a Persian query read backwards. [`field_ui`] gives the
//! field a galley that *draws* each line in visual order (UAX #9 runs from
//! `unicode-bidi`, each piece shaped by egui as [`label_text`] hands it
//! over) but keeps one glyph per char of the text, in the text's order:
//! glyph `i` sits where the caret before char `i` belongs (the left edge of
//! a left-to-right char, the right edge of a right-to-left one), and a
//! row's width is where the caret after its last char belongs. So typing,
//! deleting, the arrows and the caret act on the text's chars, and the
//! caret is drawn next to the char it stands before, in either direction.
//!
//! egui finds the char under the pointer by walking those glyphs left to
//! right, and draws a selection as one block between its two carets: both
//! wrong once glyphs are not left to right. So where the text needs bidi,
//! the field hit-tests the pointer itself ([`caret_at`]: the caret before
//! the char under the pointer, or after it on its other half) and replays
//! egui's press/drag/double-click logic with that char; and it draws the
//! selection over the selected chars' own glyphs ([`selection_spans`]),
//! baked into the galley behind the text, with egui's block and caret made
//! transparent and the caret drawn here. A field with nothing right to left
//! is egui's own.
//!

use crate::window::bidi_text::{is_rtl_script, label_text, mirrored, needs_bidi, wrap_lines};
use eframe::egui::{self, Galley, text::LayoutJob};
use std::ops::Range;
use std::sync::Arc;
use unicode_bidi::ParagraphBidiInfo;
use unicode_segmentation::UnicodeSegmentation;

/// What a field's galley is drawn with: its font and colour, and the
/// selection (chars of the text) with its fill.
#[derive(Clone, Debug)]
struct Look {
    font: egui::FontId,
    color: egui::Color32,
    selection: Option<Range<usize>>,
    fill: egui::Color32,
}

impl Look {
    /// A single-line job for `s` (a piece or a line of the field).
    fn job(&self, s: String) -> LayoutJob {
        let mut job = LayoutJob::simple_singleline(s, self.font.clone(), self.color);
        job.keep_trailing_whitespace = true;
        job
    }
}

/// The field's own memory: the selection its galley drew and when its
/// caret last moved (the caret blinks from then, as egui's does).
#[derive(Clone, Debug, Default)]
struct Memory {
    drawn: Option<Range<usize>>,
    caret: Option<egui::text::CCursorRange>,
    moved_at: f64,
}

/// A text field over `text` (one line, or several when `multiline`) that
/// shows right-to-left text in reading order and keeps click, drag and
/// selection exact in it (see the module doc); `configure` sets the rest
/// (hint, width, rows).
pub fn field_ui(
    ui: &mut egui::Ui,
    text: &mut String,
    id: egui::Id,
    multiline: bool,
    configure: impl for<'a> FnOnce(egui::TextEdit<'a>) -> egui::TextEdit<'a>,
) -> egui::Response {
    let bidi = needs_bidi(text);
    let old_text = bidi.then(|| text.clone());
    let before = egui::TextEdit::load_state(ui.ctx(), id).unwrap_or_default();
    let focused = ui.memory(|m| m.has_focus(id));
    let look = Look {
        font: egui::TextStyle::Body.resolve(ui.style()),
        color: ui.visuals().text_color(),
        selection: selected_chars(&before.cursor).filter(|_| bidi && focused),
        fill: ui.visuals().selection.bg_fill,
    };
    let shown = look.clone();
    let mut layouter = move |ui: &egui::Ui, buf: &dyn egui::TextBuffer, wrap: f32| {
        if multiline {
            multiline_galley(ui, buf.as_str(), wrap, &shown)
        } else {
            visual_galley(ui, buf.as_str(), &shown, shown.selection.clone())
        }
    };
    let edit = if multiline {
        egui::TextEdit::multiline(text)
    } else {
        egui::TextEdit::singleline(text)
    };
    let edit = configure(edit.id(id).layouter(&mut layouter));
    let saved = ui.visuals().clone();
    if bidi {
        // egui's block and caret would sit at the wrong chars: see below.
        ui.visuals_mut().selection.bg_fill = egui::Color32::TRANSPARENT;
        ui.visuals_mut().text_cursor.stroke.color = egui::Color32::TRANSPARENT;
    }
    let output = edit.show(ui);
    *ui.visuals_mut() = saved;
    if !bidi {
        return output.response.response;
    }
    let mut state = output.state.clone();
    let response = output.response.response.clone();
    let origin = output.galley_pos - egui::vec2(output.galley.rect.left(), 0.0);
    if let Some(pointer) = response.interact_pointer_pos() {
        let field = Field {
            id,
            multiline,
            focused,
            look: &look,
        };
        let old_text = old_text.unwrap_or_default();
        state.cursor = pointer_ui(ui, &field, text, old_text, before.cursor, &output, pointer);
        state.clone().store(ui.ctx(), id);
    }
    caret_ui(ui, id, &state, &output, origin, &look);
    response
}

/// What [`pointer_ui`] knows of the field.
struct Field<'a> {
    id: egui::Id,
    multiline: bool,
    /// Focused before this frame.
    focused: bool,
    look: &'a Look,
}

/// The cursor after a press or drag at `pointer` in a field that needs
/// bidi: egui's press/drag logic replayed with the char [`hit`] finds,
/// from `before` (the cursor before the frame). Keys typed in the frame
/// of a click went in at egui's caret for the click (wrong in right-to-left
/// text): the click is taken on the text as it was (`old_text`), then the
/// keys again from there ([`replay`]), in egui's order; `text` gets the
/// result.
fn pointer_ui(
    ui: &egui::Ui,
    field: &Field<'_>,
    text: &mut String,
    old_text: String,
    before: egui::text_selection::TextCursorState,
    output: &egui::text_edit::TextEditOutput,
    pointer: egui::Pos2,
) -> egui::text_selection::TextCursorState {
    let look = field.look;
    let origin = output.galley_pos - egui::vec2(output.galley.rect.left(), 0.0);
    let typed = *text != old_text;
    let galley = match typed {
        false => output.galley.clone(),
        true if field.multiline => {
            multiline_galley(ui, &old_text, output.galley.job.wrap.max_width, look)
        }
        true => visual_galley(ui, &old_text, look, look.selection.clone()),
    };
    let at = hit(ui, &galley, pointer - origin, look);
    let mut cursor = before;
    if !field.focused
        && let Some(r) = cursor.char_range()
    {
        // As egui does for a field without focus: one caret.
        cursor.set_char_range(Some(egui::text::CCursorRange::one(r.primary)));
    }
    let dragged = ui.ctx().is_being_dragged(field.id);
    let response = &output.response.response;
    cursor.pointer_interaction(ui, response, egui::text::CCursor::new(at), &galley, dragged);
    if typed && let Some(range) = cursor.char_range() {
        let events = ui.input(|i| i.events.clone());
        let mut replayed = old_text;
        if let Some(range) = replay(&mut replayed, range, &events, field.multiline) {
            *text = replayed;
            cursor.set_char_range(Some(range));
        }
    }
    cursor
}

/// Apply a frame's typing `events` to `text` with the caret (or
/// selection) at `range`, as egui's `TextEdit` does: text typed or pasted
/// replaces the selection; Backspace and Delete take it, or the char
/// before or after the caret; Enter starts a line in a `multiline` field.
/// The caret after them, or `None` (nothing done) when the frame holds a
/// key this does not know (a shortcut, an arrow): egui's result stands.
fn replay(
    text: &mut String,
    range: egui::text::CCursorRange,
    events: &[egui::Event],
    multiline: bool,
) -> Option<egui::text::CCursorRange> {
    let [a, b] = range.sorted_cursors();
    let (mut start, mut end) = (a.index.0, b.index.0);
    let byte = |text: &str, i: usize| text.char_indices().nth(i).map_or(text.len(), |(b, _)| b);
    for event in events {
        let insert = match event {
            egui::Event::Text(t) | egui::Event::Paste(t) if multiline => t.clone(),
            egui::Event::Text(t) | egui::Event::Paste(t) => t.replace(['\n', '\r'], " "),
            egui::Event::Key {
                key,
                pressed: true,
                modifiers,
                ..
            } if modifiers.is_none() || *modifiers == egui::Modifiers::SHIFT => {
                let n = text.chars().count();
                match key {
                    egui::Key::Enter if multiline => "\n".to_owned(),
                    egui::Key::Backspace if start == end => {
                        start = start.saturating_sub(1);
                        String::new()
                    }
                    egui::Key::Delete if start == end => {
                        end = (end + 1).min(n);
                        String::new()
                    }
                    egui::Key::Backspace | egui::Key::Delete => String::new(),
                    _ => return None,
                }
            }
            egui::Event::Key { pressed: false, .. } => continue,
            egui::Event::Key { .. } => return None,
            _ => continue,
        };
        let (from, to) = (byte(text, start), byte(text, end));
        text.replace_range(from..to, &insert);
        start += insert.chars().count();
        end = start;
    }
    Some(egui::text::CCursorRange::one(egui::text::CCursor::new(
        start,
    )))
}

/// The chars a field's cursor selects, when it selects any.
fn selected_chars(cursor: &egui::text_selection::TextCursorState) -> Option<Range<usize>> {
    let [a, b] = cursor.char_range()?.sorted_cursors();
    (a.index < b.index).then_some(a.index.0..b.index.0)
}

/// Draw the caret of a field that needs bidi (egui's is transparent), and
/// ask for a frame when its galley drew another selection than the one
/// the cursor now has (a drag, Shift+arrow, a click corrected above).
fn caret_ui(
    ui: &egui::Ui,
    id: egui::Id,
    state: &egui::text_edit::TextEditState,
    output: &egui::text_edit::TextEditOutput,
    origin: egui::Pos2,
    look: &Look,
) {
    let key = id.with("marginalia.bidi_field");
    let mut memory: Memory = ui.data(|d| d.get_temp(key)).unwrap_or_default();
    let focused = ui.memory(|m| m.has_focus(id));
    let now = ui.input(|i| i.time);
    let selection = selected_chars(&state.cursor).filter(|_| focused);
    if selection != look.selection || selection != memory.drawn {
        ui.ctx().request_repaint();
    }
    memory.drawn = look.selection.clone();
    let range = state.cursor.char_range();
    if range != memory.caret || output.response.changed() {
        memory.moved_at = now;
    }
    memory.caret = range;
    ui.data_mut(|d| d.insert_temp(key, memory.clone()));
    let Some(range) = range.filter(|_| focused && ui.input(|i| i.focused)) else {
        return;
    };
    let row_height = ui.fonts_mut(|f| f.row_height(&look.font));
    let rect = egui::text_selection::text_cursor_state::cursor_rect(
        &output.galley,
        &range.primary,
        row_height,
    )
    .translate(origin.to_vec2());
    let painter = ui.painter_at(output.text_clip_rect.expand(1.0));
    egui::text_selection::visuals::paint_text_cursor(ui, &painter, rect, now - memory.moved_at);
}

/// The caret (a char index into the field's text) for a point `pos` in
/// `galley`'s frame: the row nearest `pos` vertically, as egui picks it,
/// then within it [`caret_at`] on the row laid out again in visual order.
fn hit(ui: &egui::Ui, galley: &Galley, pos: egui::Vec2, look: &Look) -> usize {
    let (Some(first), Some(last)) = (galley.rows.first(), galley.rows.last()) else {
        return 0;
    };
    // egui's margin: a click just above or below a row still lands in it.
    const MARGIN: f32 = 5.0;
    if pos.y < first.min_y() - MARGIN {
        return 0;
    }
    if pos.y > last.max_y() + MARGIN {
        return galley.text().chars().count();
    }
    let mut start = 0;
    let mut best = (f32::INFINITY, 0, 0);
    for (r, row) in galley.rows.iter().enumerate() {
        let dist = if (row.min_y()..=row.max_y()).contains(&pos.y) {
            0.0
        } else {
            (row.min_y() - pos.y).abs().min((row.max_y() - pos.y).abs())
        };
        if dist < best.0 {
            best = (dist, r, start);
        }
        start += row.row.glyphs.len() + usize::from(row.ends_with_newline);
    }
    let (_, r, start) = best;
    let row = &galley.rows[r];
    let x = pos.x - row.pos.x;
    let line: String = row.row.glyphs.iter().map(|g| g.chr).collect();
    let column = match line_layout(ui, &line, look) {
        Some(layout) if needs_bidi(&line) => caret_at(&layout.placed, x),
        _ => row.row.char_at(x).0,
    };
    start + column
}

/// The caret for a click at `x` on a line whose chars are drawn at
/// `placed`: before the char under `x` when `x` is on the half where that
/// caret goes (the left half of a left-to-right char, the right half of a
/// right-to-left one), after it on the other half; off the line, at the
/// nearest char.
fn caret_at(placed: &[Placed], x: f32) -> usize {
    let distance = |p: &Placed| {
        if x < p.left {
            p.left - x
        } else {
            (x - (p.left + p.width)).max(0.0)
        }
    };
    let Some((i, p)) = placed
        .iter()
        .enumerate()
        .min_by(|a, b| distance(a.1).total_cmp(&distance(b.1)))
    else {
        return 0;
    };
    let on_left_half = x < p.left + p.width / 2.0;
    if on_left_half != p.rtl { i } else { i + 1 }
}

/// Where the chars `range` of a line drawn at `placed` are, left to right:
/// each run of neighbouring glyphs one span `(left, right)`.
fn selection_spans(placed: &[Placed], range: Range<usize>) -> Vec<(f32, f32)> {
    let n = placed.len();
    let mut glyphs: Vec<(f32, f32)> = placed
        .get(range.start.min(n)..range.end.min(n))
        .unwrap_or_default()
        .iter()
        .map(|p| (p.left, p.left + p.width))
        .collect();
    glyphs.sort_by(|a, b| a.0.total_cmp(&b.0));
    let mut spans: Vec<(f32, f32)> = Vec::new();
    for (l, r) in glyphs {
        match spans.last_mut() {
            Some(last) if l <= last.1 + 0.5 => last.1 = last.1.max(r),
            _ => spans.push((l, r)),
        }
    }
    spans
}

/// The galley of a one-line field's text, or of one wrapped line of a
/// multi-line field: the line in reading order with `selection` (chars of
/// the line) drawn behind it.
fn visual_galley(
    ui: &egui::Ui,
    text: &str,
    look: &Look,
    selection: Option<Range<usize>>,
) -> Arc<Galley> {
    let base = ui.fonts_mut(|f| f.layout_job(look.job(text.to_owned())));
    if text.contains('\n') || (!needs_bidi(text) && selection.is_none()) {
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
    let Some(LineLayout {
        placed,
        mesh: glyphs,
        width,
    }) = line_layout(ui, text, look)
    else {
        return base;
    };
    let mut out = (*base).clone();
    let Some(first) = out.rows.first_mut() else {
        return base;
    };
    let row = Arc::make_mut(&mut first.row);
    let mut mesh = egui::epaint::Mesh::default();
    for (l, r) in selection
        .map(|s| selection_spans(&placed, s))
        .unwrap_or_default()
    {
        let rect = egui::Rect::from_min_max(egui::pos2(l, 0.0), egui::pos2(r, row.size.y));
        mesh.add_colored_rect(rect, look.fill);
    }
    mesh.append(glyphs);
    let vertices = mesh.vertices.len();
    row.glyphs = text
        .chars()
        .zip(&placed)
        .map(|(chr, p)| {
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
    row.size.x = placed.last().map_or(width, |p| p.caret_after());
    row.visuals.mesh_bounds = mesh.calc_bounds();
    row.visuals.glyph_index_start = 0;
    row.visuals.glyph_vertex_range = vertices..vertices;
    out.num_vertices = vertices;
    out.num_indices = mesh.indices.len();
    out.mesh_bounds = row.visuals.mesh_bounds.translate(first.pos.to_vec2());
    row.visuals.mesh = mesh;
    out.rect.max.x = out.rect.min.x + width.max(out.rect.width());
    Arc::new(out)
}

/// The galley of a multi-line field: each paragraph wrapped in logical
/// order to `wrap_width` (after white space), then each row laid out as by
/// [`visual_galley`]; a right-to-left paragraph's rows are right-aligned.
/// Text with nothing right to left is laid out by egui as usual.
fn multiline_galley(ui: &egui::Ui, text: &str, wrap_width: f32, look: &Look) -> Arc<Galley> {
    let mut whole = LayoutJob::simple(text.to_owned(), look.font.clone(), look.color, wrap_width);
    whole.keep_trailing_whitespace = true;
    if !needs_bidi(text) {
        return ui.fonts_mut(|f| f.layout_job(whole));
    }
    let width_of = |s: &str| {
        ui.fonts_mut(|f| f.layout_job(look.job(s.to_owned())))
            .size()
            .x
    };
    let mut out = (*ui.fonts_mut(|f| f.layout_job(whole))).clone();
    out.rows.clear();
    let (mut y, mut right, mut vertices, mut indices) = (0.0_f32, 0.0_f32, 0, 0);
    let mut bounds = egui::Rect::NOTHING;
    let paragraphs: Vec<&str> = text.split('\n').collect();
    let mut start = 0;
    for (p, paragraph) in paragraphs.iter().enumerate() {
        let rtl = crate::window::bidi_text::is_rtl_paragraph(paragraph);
        let lines = wrap_lines(paragraph, wrap_width, width_of);
        for (l, line) in lines.iter().enumerate() {
            let n = line.chars().count();
            let selection = look
                .selection
                .as_ref()
                .map(|s| {
                    s.start.clamp(start, start + n) - start..s.end.clamp(start, start + n) - start
                })
                .filter(|s| !s.is_empty());
            start += n;
            let galley = visual_galley(ui, line, look, selection);
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
        start += 1;
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

/// A line drawn in visual order: where each char is drawn, the glyphs'
/// mesh, and the line's width.
struct LineLayout {
    placed: Vec<Placed>,
    mesh: egui::epaint::Mesh,
    width: f32,
}

/// `text` (one line) laid out in visual order, piece by piece
/// ([`pieces`]), each shaped by egui.
fn line_layout(ui: &egui::Ui, text: &str, look: &Look) -> Option<LineLayout> {
    if text.contains('\n') {
        return None;
    }
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
        let galley = ui.fonts_mut(|f| f.layout_job(look.job(shown)));
        let Some(row) = galley.rows.first() else {
            continue;
        };
        let mut piece_mesh = row.row.visuals.mesh.clone();
        piece_mesh.translate(egui::vec2(x + row.pos.x, row.pos.y));
        mesh.append(piece_mesh);
        place_piece(&mut placed, &piece, &row.row.glyphs, x, row.row.size.x);
        x += row.row.size.x;
    }
    Some(LineLayout {
        placed,
        mesh,
        width: x,
    })
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

    #[test]
    fn a_frames_keys_replay_as_egui_types_them() {
        let range = |a: usize, b: usize| {
            egui::text::CCursorRange::two(egui::text::CCursor::new(a), egui::text::CCursor::new(b))
        };
        let key = |key| egui::Event::Key {
            key,
            physical_key: None,
            pressed: true,
            repeat: false,
            modifiers: egui::Modifiers::NONE,
        };
        let text = |t: &str| egui::Event::Text(t.into());
        let run = |s: &str, r, events: &[egui::Event], multiline| {
            let mut s = s.to_owned();
            let caret = replay(&mut s, r, events, multiline).map(|c| c.primary.index.0);
            (s, caret)
        };
        // Typed over a selection, then on from the caret.
        let typed = run("حسین دهقان", range(1, 3), &[text("X"), text("Y")], false);
        assert_eq!(typed, ("حXYن دهقان".into(), Some(3)));
        let deleted = [key(egui::Key::Backspace), key(egui::Key::Delete)];
        assert_eq!(
            run("abcd", range(2, 2), &deleted, false),
            ("ad".into(), Some(1))
        );
        let enter = run("ab", range(1, 1), &[key(egui::Key::Enter)], true);
        assert_eq!(enter, ("a\nb".into(), Some(2)));
        // A key it does not know leaves egui's result.
        assert_eq!(
            run("ab", range(1, 1), &[key(egui::Key::ArrowLeft)], false).1,
            None
        );
    }

    fn texts(line: &str) -> Vec<(String, bool)> {
        let chars: Vec<char> = line.chars().collect();
        pieces(line)
            .into_iter()
            .map(|p| (chars[p.chars].iter().collect(), p.rtl))
            .collect()
    }

    fn ltr(left: f32) -> Placed {
        Placed {
            left,
            width: 10.0,
            rtl: false,
        }
    }

    fn rtl(left: f32) -> Placed {
        Placed {
            left,
            width: 10.0,
            rtl: true,
        }
    }

    /// "ab" then a right-to-left word of three chars drawn right to left:
    /// a b | c3 c2 c1 on screen, i.e. chars 2, 3, 4 at x 40, 30, 20.
    fn mixed() -> Vec<Placed> {
        vec![ltr(0.0), ltr(10.0), rtl(40.0), rtl(30.0), rtl(20.0)]
    }

    #[test]
    fn a_click_puts_the_caret_on_the_side_of_the_char_it_lands_on() {
        let line = mixed();
        // Left-to-right chars: left half before, right half after.
        assert_eq!(caret_at(&line, 2.0), 0);
        assert_eq!(caret_at(&line, 8.0), 1);
        assert_eq!(caret_at(&line, 12.0), 1);
        // Right-to-left chars: right half before, left half after.
        assert_eq!(caret_at(&line, 48.0), 2);
        assert_eq!(caret_at(&line, 42.0), 3);
        assert_eq!(caret_at(&line, 38.0), 3);
        assert_eq!(caret_at(&line, 22.0), 5);
        // Off the line: the nearest char's side.
        assert_eq!(caret_at(&line, -5.0), 0);
        assert_eq!(caret_at(&line, 80.0), 2);
        assert_eq!(caret_at(&[], 3.0), 0);
    }

    #[test]
    fn a_selection_is_drawn_over_its_own_glyphs() {
        let line = mixed();
        // b and the first right-to-left char: two spans, with the rest of
        // the word between them left out.
        assert_eq!(selection_spans(&line, 1..3), [(10.0, 20.0), (40.0, 50.0)]);
        // The whole word: one span.
        assert_eq!(selection_spans(&line, 2..5), [(20.0, 50.0)]);
        assert_eq!(selection_spans(&line, 0..5), [(0.0, 50.0)]);
        // Past the line's end (text typed this frame): what there is.
        assert_eq!(selection_spans(&line, 4..9), [(20.0, 30.0)]);
        assert!(selection_spans(&line, 7..9).is_empty());
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
