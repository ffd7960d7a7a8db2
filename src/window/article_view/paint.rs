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
        for &(line, top) in &layout.blocks {
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
        let [fills, decorations, dashes] = match &p.placed {
            Some((o, meshes)) if *o == offset => meshes.clone(),
            _ => {
                let place = |mesh: &Arc<egui::Mesh>| {
                    let mut mesh = (**mesh).clone();
                    mesh.translate(offset);
                    Arc::new(mesh)
                };
                let meshes = [place(&p.fills), place(&p.decorations), place(&p.dashes)];
                p.placed = Some((offset, meshes.clone()));
                meshes
            }
        };
        let painter = ui.painter();
        if !fills.is_empty() {
            painter.add(Shape::Mesh(fills));
        }
        painter.galley(at, p.galley.clone(), palette.text);
        for mesh in [decorations, dashes] {
            if !mesh.is_empty() {
                painter.add(Shape::Mesh(mesh));
            }
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
        let line_range = self.blocks.range(line);
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
            // Drawn by `dash_mesh`, with the dash texture.
            Decoration::Dashed { .. } => {}
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

/// The dash pattern of outlines, one texel per point: 3 on, 2 off
/// (repeated by the texture's wrap mode).
pub(super) const DASH_PATTERN: [bool; 5] = [true, true, true, false, false];

/// The texture of [`DASH_PATTERN`]: white texels tinted by vertex colours.
pub(super) fn dash_texture(ctx: &egui::Context) -> egui::TextureHandle {
    let pixels = DASH_PATTERN
        .iter()
        .map(|&on| {
            if on {
                Color32::WHITE
            } else {
                Color32::TRANSPARENT
            }
        })
        .collect();
    ctx.load_texture(
        "marginalia-dash",
        egui::ColorImage::new([DASH_PATTERN.len(), 1], pixels),
        egui::TextureOptions::NEAREST_REPEAT,
    )
}

/// The dashed outlines among `decorations` as one mesh on the dash texture:
/// each side of an outline is one quad whose texture coordinates repeat the
/// pattern along it, so an outline costs 16 vertices however long it is
/// (drawn as dashed line segments, a span over a few lines cost hundreds,
/// and a paragraph under many unreviewed spans hundreds of thousands,
/// copied into every frame).
pub(super) fn dash_mesh(decorations: &[Decoration], texture: egui::TextureId) -> egui::Mesh {
    let mut mesh = egui::Mesh::with_texture(texture);
    let period = DASH_PATTERN.len() as f32;
    let half = 0.5;
    for d in decorations {
        let Decoration::Dashed { rect, color } = *d else {
            continue;
        };
        let sides = [
            (rect.left_top(), rect.right_top()),
            (rect.right_top(), rect.right_bottom()),
            (rect.right_bottom(), rect.left_bottom()),
            (rect.left_bottom(), rect.left_top()),
        ];
        for (a, b) in sides {
            let along = b - a;
            let length = along.length();
            if length <= 0.0 {
                continue;
            }
            let across = egui::vec2(-along.y, along.x) / length * half;
            let (u0, u1) = (0.0, length / period);
            let base = mesh.vertices.len() as u32;
            for (pos, uv) in [
                (a - across, pos2(u0, 0.0)),
                (a + across, pos2(u0, 1.0)),
                (b - across, pos2(u1, 0.0)),
                (b + across, pos2(u1, 1.0)),
            ] {
                mesh.vertices.push(egui::epaint::Vertex { pos, uv, color });
            }
            mesh.add_triangle(base, base + 1, base + 2);
            mesh.add_triangle(base + 2, base + 1, base + 3);
        }
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_dashed_outline_costs_sixteen_vertices_however_long_it_is() {
        let texture = egui::TextureId::User(7);
        let outline = |width: f32| Decoration::Dashed {
            rect: Rect::from_min_size(pos2(10.0, 20.0), vec2(width, 18.0)),
            color: Color32::RED,
        };
        let bar = Decoration::Bar {
            rect: Rect::from_min_size(pos2(0.0, 0.0), vec2(5.0, 2.0)),
            color: Color32::RED,
        };
        let short = dash_mesh(&[outline(30.0), bar], texture);
        let long = dash_mesh(&[outline(3000.0)], texture);
        assert_eq!(short.vertices.len(), 16, "bars are not dashed");
        assert_eq!(long.vertices.len(), 16);
        assert_eq!(long.texture_id, texture);
        // The top side repeats the 5-point pattern 600 times along its length.
        let us: Vec<f32> = long.vertices[..4].iter().map(|v| v.uv.x).collect();
        assert_eq!(us, [0.0, 0.0, 600.0, 600.0]);
        assert!(long.vertices.iter().all(|v| v.color == Color32::RED));
    }
}
