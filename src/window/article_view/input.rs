//! Pointer input: hover (with the tooltip), click, double click and drag
//! selection, with auto-scroll at the edges; hit testing through the glyph map.

use super::*;
use crate::window::bidi_text::label_text;
use crate::window::text::speaker_text;

impl ArticleView {
    /// The text cursor over text, and the hovered highlight with its tooltip.
    fn hover_ui(
        &self,
        ui: &egui::Ui,
        response: &egui::Response,
        input: &ViewInput<'_>,
        layout: &Placed,
        output: &mut ViewOutput,
    ) {
        if let Some(pos) = response.hover_pos() {
            if self.char_at(layout, pos).is_some() {
                ui.ctx().set_cursor_icon(CursorIcon::Text);
            }
            if let Some(a) = self.annotation_at(input, layout, pos) {
                output.hovered = Some(a.id.clone());
                if !response.dragged() {
                    let speaker = speaker_text(a, input.annotations, 40);
                    let a = a.clone();
                    response.clone().on_hover_ui_at_pointer(|ui| {
                        annotation_tooltip_ui(ui, &a, speaker.as_deref(), input.palette);
                    });
                }
            }
        }
    }

    /// Hover, click, double click and drag selection.
    pub(super) fn input_ui(
        &mut self,
        ui: &egui::Ui,
        response: &egui::Response,
        input: &ViewInput<'_>,
        layout: &Placed,
        output: &mut ViewOutput,
    ) {
        let article = input.article;
        self.hover_ui(ui, response, input, layout, output);
        if response.drag_started() {
            let press = ui.input(|i| i.pointer.press_origin());
            self.drag_anchor = press.and_then(|p| self.cursor_at(layout, p));
            self.drag_head = self.drag_anchor;
        }
        if response.dragged()
            && let Some(pos) = ui.input(|i| i.pointer.latest_pos())
        {
            if let Some(head) = self.cursor_at(layout, pos) {
                self.drag_head = Some(head);
            }
            // Dragging near or past the top or bottom edge scrolls, faster
            // the further out the pointer is, so a selection can run past
            // what is on screen.
            let view = response.rect;
            let past = if pos.y < view.top() + AUTOSCROLL_EDGE {
                pos.y - (view.top() + AUTOSCROLL_EDGE)
            } else if pos.y > view.bottom() - AUTOSCROLL_EDGE {
                pos.y - (view.bottom() - AUTOSCROLL_EDGE)
            } else {
                0.0
            };
            let can_move = (past < 0.0 && self.last_offset_y > 0.0) || (past > 0.0 && !self.at_end);
            if can_move {
                let dt = ui.input(|i| i.stable_dt).clamp(0.001, 0.1);
                self.scroll_by(past.clamp(-AUTOSCROLL_MAX, AUTOSCROLL_MAX) * AUTOSCROLL_GAIN * dt);
                ui.ctx().request_repaint();
            }
        }
        if response.drag_stopped() {
            if let (Some(a), Some(b)) = (self.drag_anchor.take(), self.drag_head.take()) {
                let exact = CharRange::new(a, b);
                let alt = ui.input(|i| i.modifiers.alt);
                let range = if input.snap_to_words && !alt {
                    snap::snap_to_words(article, exact)
                } else {
                    exact
                };
                output.selection = Some((!range.is_empty()).then_some(range));
            }
        } else if response.double_clicked() {
            if let Some(pos) = response.interact_pointer_pos()
                && let Some(c) = self.char_at(layout, pos)
            {
                output.selection = Some(snap::word_at(article, c));
            }
        } else if response.clicked()
            && let Some(pos) = response.interact_pointer_pos()
        {
            output.clicked = self.annotation_at(input, layout, pos).map(|a| a.id.clone());
            if output.clicked.is_none() && input.selection.is_some() {
                output.selection = Some(None);
            }
        }
    }

    /// The innermost annotation under a screen point.
    fn annotation_at<'a>(
        &self,
        input: &ViewInput<'a>,
        layout: &Placed,
        pos: Pos2,
    ) -> Option<&'a Annotation> {
        let c = self.char_at(layout, pos)?;
        input
            .annotations
            .overlapping(CharRange::new(c, c.forward(1)))
            .filter(|a| input.filter.accepts_in_text(a))
            .min_by_key(|a| (a.range().char_len(), std::cmp::Reverse(a.start)))
    }

    /// The block under screen y, with its galley's screen origin.
    fn paragraph_at(&self, layout: &Placed, y: f32) -> Option<(usize, &Paragraph, Pos2)> {
        let (first, _) = layout.blocks.first()?;
        let i = layout
            .blocks
            .partition_point(|&(_, top)| layout.origin_y + top <= y)
            .saturating_sub(1);
        let (line, top) = layout.blocks.get(i).copied().unwrap_or((*first, 0.0));
        let p = self.paragraphs.get(&line)?;
        Some((line, p, pos2(layout.left, layout.origin_y + top)))
    }

    /// The char under a screen point (not past the end of a row).
    fn char_at(&self, layout: &Placed, pos: Pos2) -> Option<CharOffset> {
        let (_, p, galley_pos) = self.paragraph_at(layout, pos.y)?;
        let rel = (pos - galley_pos).to_pos2();
        if rel.y < 0.0 || rel.y > p.galley.size().y {
            return None;
        }
        let c = p.map.char_at(rel)?;
        Some(p.map.line_start.forward(c))
    }

    /// The cursor position (between chars) nearest a screen point, clamped to
    /// the laid-out paragraphs.
    fn cursor_at(&self, layout: &Placed, pos: Pos2) -> Option<CharOffset> {
        let (&(first, first_top), &(last, _)) = (layout.blocks.first()?, layout.blocks.last()?);
        if pos.y < layout.origin_y + first_top {
            return Some(self.blocks.range(first).start);
        }
        let (block, p, galley_pos) = self.paragraph_at(layout, pos.y)?;
        let rel = (pos - galley_pos).to_pos2();
        if block == last && rel.y > p.galley.size().y {
            return Some(self.blocks.range(last).end);
        }
        let c = p.map.cursor_at(rel);
        Some(p.map.line_start.forward(c))
    }
}

/// Where glyphs of a paragraph's galley come from: consecutive sections in
/// The tooltip over a highlight.
fn annotation_tooltip_ui(
    ui: &mut egui::Ui,
    a: &Annotation,
    speaker: Option<&str>,
    palette: &Palette,
) {
    ui.horizontal(|ui| {
        ui.colored_label(palette.color(a.label), a.label.name());
        if let Some(kind) = &a.kind {
            ui.label(format!("· {kind}"));
        }
        ui.weak(format!("· {}", a.status));
    });
    // egui draws labels in logical order: Persian names and notes are
    // handed over in visual order (see `label_text`).
    if let Some(speaker) = speaker {
        let line = format!("— {speaker}");
        ui.label(label_text(&line));
    }
    let line = format!(
        "{} · {}",
        a.author,
        a.modified
            .with_timezone(&chrono::Local)
            .format("%Y-%m-%d %H:%M")
    );
    ui.label(label_text(&line));
    if let Some(note) = &a.note {
        ui.separator();
        crate::window::bidi_edit::reading_order_label_ui(ui, note);
    }
}
