//! Painting: the placed paragraphs' galleys and cached highlight meshes,
//! then the selection, linked outlines, the selected outline and the flash.

use super::style::Mark;
use super::*;
use crate::model::annotation::Status;

/// What to draw over the text this frame, besides the cached highlights.
struct Overlays {
    selection: Option<CharRange>,
    /// The selected annotation, every fragment of its span.
    selected: Vec<CharRange>,
    flash: Option<(CharRange, f32)>,
    outline: Stroke,
}

impl ArticleView {
    /// Paint galleys, bars, outlines, the selection, the flash and links.
    pub(super) fn paint_ui(
        &mut self,
        ui: &egui::Ui,
        input: &ViewInput<'_>,
        layout: &Placed,
        geometry: Geometry,
    ) {
        let now = ui.input(|i| i.time);
        let flash = match self.flash {
            Some((range, start)) if now - start < FLASH_SECONDS => {
                ui.ctx().request_repaint();
                Some((range, 1.0 - ((now - start) / FLASH_SECONDS) as f32))
            }
            _ => {
                self.flash = None;
                None
            }
        };
        let overlays = Overlays {
            selection: match (self.drag_anchor, self.drag_head) {
                (Some(a), Some(b)) => Some(CharRange::new(a, b)),
                _ => input.selection,
            },
            selected: self.selected_ranges(input),
            flash,
            outline: Stroke::new(
                (geometry.font_size / 7.0).max(1.5),
                input.palette.selected_outline,
            ),
        };
        for &(line, top) in &layout.lines {
            let at = pos2(layout.left, layout.origin_y + top);
            if self.paint_paragraph_ui(ui, line, at, input.palette) {
                self.paint_overlays_ui(ui, input, line, at, &overlays);
            }
        }
        self.paint_links_ui(ui, input, layout, geometry);
    }

    /// Paint paragraph `line`'s cached fills, its text and its decorations
    /// at `at`. False when it is not on screen.
    fn paint_paragraph_ui(
        &mut self,
        ui: &egui::Ui,
        line: usize,
        at: Pos2,
        palette: &Palette,
    ) -> bool {
        let Some(p) = self.paragraphs.get_mut(&line) else {
            return false;
        };
        if !ui
            .clip_rect()
            .intersects(Rect::from_min_size(at, p.galley.size()))
        {
            return false;
        }
        // The cached meshes were tessellated at the galley's origin; they
        // move into place on whole pixels, and the moved copies are kept
        // for the next frames at the same place (a steady frame).
        let ppp = ui.ctx().pixels_per_point();
        let offset = (at.to_vec2() * ppp).round() / ppp;
        let placed = match &p.placed {
            Some((o, fills, decorations)) if *o == offset => (fills.clone(), decorations.clone()),
            _ => {
                let place = |mesh: &Arc<egui::Mesh>| {
                    let mut mesh = (**mesh).clone();
                    mesh.translate(offset);
                    Arc::new(mesh)
                };
                let placed = (place(&p.fills), place(&p.decorations));
                p.placed = Some((offset, placed.0.clone(), placed.1.clone()));
                placed
            }
        };
        let painter = ui.painter();
        if !placed.0.is_empty() {
            painter.add(Shape::Mesh(placed.0));
        }
        painter.galley(at, p.galley.clone(), palette.text);
        if !placed.1.is_empty() {
            painter.add(Shape::Mesh(placed.1));
        }
        true
    }

    /// The selection, linked outlines, the selected outline and the flash
    /// over paragraph `line`.
    fn paint_overlays_ui(
        &self,
        ui: &egui::Ui,
        input: &ViewInput<'_>,
        line: usize,
        at: Pos2,
        o: &Overlays,
    ) {
        let Some(p) = self.paragraphs.get(&line) else {
            return;
        };
        let palette = input.palette;
        let painter = ui.painter();
        let line_range = input.article.line_range(line).unwrap_or_default();
        let local = |r: CharRange| -> Option<std::ops::Range<usize>> {
            let i = r.intersection(&line_range).or_else(|| {
                // An empty paragraph inside a selection still shows.
                (line_range.is_empty() && r.start <= line_range.start && line_range.end < r.end)
                    .then_some(line_range)
            })?;
            Some(i.start.0 - line_range.start.0..i.end.0 - line_range.start.0)
        };
        let rects = |r: std::ops::Range<usize>| {
            p.map
                .char_rects(r)
                .into_iter()
                .map(|rect| rect.translate(at.to_vec2()))
        };
        for rect in o.selection.and_then(local).into_iter().flat_map(rects) {
            painter.rect_filled(rect, 2.0, palette.selection);
        }
        let linked = Stroke::new(o.outline.width, palette.flash.to_opaque());
        for rect in self
            .linked
            .iter()
            .copied()
            .filter_map(local)
            .flat_map(rects)
        {
            painter.rect_stroke(rect.expand(2.0), 2.0, linked, egui::StrokeKind::Outside);
        }
        for rect in o.selected.iter().copied().filter_map(local).flat_map(rects) {
            painter.rect_stroke(rect.expand(1.0), 2.0, o.outline, egui::StrokeKind::Outside);
        }
        if let Some((r, strength)) = o.flash
            && let Some(r) = local(r)
        {
            let c = palette.flash.gamma_multiply(strength);
            for rect in rects(r) {
                painter.rect_filled(rect.expand(2.0), 3.0, c);
            }
        }
    }
}

/// `decorations` as one mesh, tessellated as the painter would.
pub(super) fn tessellate_decorations(
    ctx: &egui::Context,
    decorations: &[Decoration],
) -> egui::Mesh {
    let mut shapes = Vec::with_capacity(decorations.len());
    for d in decorations {
        match *d {
            Decoration::Fill { rect, color } => shapes.push(Shape::rect_filled(rect, 2.0, color)),
            Decoration::Bar { rect, color } => shapes.push(Shape::rect_filled(rect, 0.0, color)),
            Decoration::Strike { rect, color } => shapes.push(Shape::line_segment(
                [rect.left_center(), rect.right_center()],
                Stroke::new(1.5, color),
            )),
            Decoration::Dashed { rect, color } => {
                let points = [
                    rect.left_top(),
                    rect.right_top(),
                    rect.right_bottom(),
                    rect.left_bottom(),
                    rect.left_top(),
                ];
                shapes.extend(Shape::dashed_line(
                    &points,
                    Stroke::new(1.0, color),
                    3.0,
                    2.0,
                ));
            }
        }
    }
    let options = ctx.tessellation_options(|o| *o);
    // Only text and circles use the font atlas size and prepared discs.
    let mut tessellator =
        egui::epaint::Tessellator::new(ctx.pixels_per_point(), options, [1, 1], Vec::new());
    let mut mesh = egui::Mesh::default();
    for shape in shapes {
        tessellator.tessellate_shape(shape, &mut mesh);
    }
    mesh
}

/// Underline bars (one lane per depth), strike-throughs for rejected spans and
/// dashed outlines for unreviewed ones.
pub(super) fn decorations(
    map: &GlyphMap,
    marks: &[Mark],
    palette: &Palette,
    geometry: Geometry,
) -> Vec<Decoration> {
    let mut out = Vec::new();
    let scale = geometry.font_size / 14.0;
    for mark in marks {
        let depth = mark.lane.min(MAX_BAR_DEPTH - 1) as f32;
        let mut color = palette.color(mark.label);
        if mark.status == Status::Rejected {
            color = color.gamma_multiply(0.4);
        }
        for rect in map.char_rects(mark.range.clone()) {
            let y = rect.bottom() + 1.0 + depth * BAR_STEP * scale;
            out.push(Decoration::Bar {
                rect: Rect::from_min_max(
                    pos2(rect.left(), y),
                    pos2(rect.right(), y + BAR_THICKNESS * scale),
                ),
                color,
            });
            match mark.status {
                Status::Rejected => out.push(Decoration::Strike {
                    rect,
                    color: palette.text.gamma_multiply(0.7),
                }),
                Status::Unreviewed => out.push(Decoration::Dashed {
                    rect: rect.expand(1.0),
                    color,
                }),
                Status::Accepted => {}
            }
        }
    }
    out
}
