//! Links drawn in the text: a curved arrow from a quote to its speaker while
//! either is hovered or selected (brat draws them always; here they would
//! hide the text of a dense article). When the other end is off screen, the
//! arrow runs to the view's top or bottom edge and names the target there.

use super::*;

/// A link arrow drawn last frame, in screen coordinates (see
/// [`ArticleView::drawn_links`]).
#[derive(Clone, Debug, PartialEq)]
pub struct DrawnLink {
    /// The start of the arrow, on the end that is on screen (the quote when
    /// both are).
    pub from: Pos2,
    /// The arrow's head: on the other end, or on the view's edge towards it.
    pub to: Pos2,
    /// True when both ends are on screen.
    pub both_on_screen: bool,
    /// The text shown at the edge when the other end is off screen.
    pub label: Option<String>,
}

/// The links of the hovered and selected annotations, for (annotations
/// revision, their ids).
pub(super) type LinksCache = ((u64, Vec<AnnotationId>), Vec<LinkEnds>);

/// A quote and its speaker.
#[derive(Clone, Debug, PartialEq)]
pub(super) struct LinkEnds {
    quote: CharRange,
    speaker: CharRange,
    quote_text: String,
    speaker_text: String,
}

impl ArticleView {
    /// The links of the hovered and selected annotations: theirs, and those
    /// of quotes that name them as speaker. Cached per (revision, ids).
    fn link_ends(&mut self, input: &ViewInput<'_>) -> Vec<LinkEnds> {
        let ids: Vec<AnnotationId> = [self.hovered.as_ref(), input.selected_annotation]
            .into_iter()
            .flatten()
            .cloned()
            .collect();
        let key = (input.annotations.revision(), ids.clone());
        if let Some((k, ends)) = &self.links_cache
            && *k == key
        {
            return ends.clone();
        }
        let anns = input.annotations;
        let mut ends: Vec<LinkEnds> = Vec::new();
        let mut add = |quote: &Annotation, speaker: &Annotation| {
            // A link to a highlight the filter hides (or an orphan) is hidden too.
            if !(input.filter.accepts_in_text(quote) && input.filter.accepts_in_text(speaker)) {
                return;
            }
            let e = LinkEnds {
                quote: quote.range(),
                speaker: speaker.range(),
                quote_text: quote.quote.as_str().to_owned(),
                speaker_text: speaker.quote.as_str().to_owned(),
            };
            if !ends.contains(&e) {
                ends.push(e);
            }
        };
        for id in &ids {
            let Some(a) = anns.get(id) else { continue };
            if let Some(s) = a.speaker().and_then(|s| anns.get(s)) {
                add(a, s);
            }
            for q in anns.iter().filter(|q| q.speaker() == Some(id)) {
                add(q, a);
            }
        }
        self.links_cache = Some((key, ends.clone()));
        ends
    }

    /// Screen rectangles of `range` in the blocks placed this frame.
    fn screen_rects(&self, layout: &Placed, range: CharRange) -> Vec<Rect> {
        let mut out = Vec::new();
        for &(block, top) in &layout.blocks {
            let Some(p) = self.paragraphs.get(&block) else {
                continue;
            };
            let lr = self.blocks.range(block);
            let Some(i) = range.intersection(&lr) else {
                continue;
            };
            let at = vec2(layout.left, layout.origin_y + top);
            let local = i.start.0 - lr.start.0..i.end.0 - lr.start.0;
            out.extend(p.map.char_rects(local).into_iter().map(|r| r.translate(at)));
        }
        out
    }

    /// Draw the links of the hovered and selected annotations.
    pub(super) fn paint_links_ui(
        &mut self,
        ui: &egui::Ui,
        input: &ViewInput<'_>,
        layout: &Placed,
        geometry: Geometry,
    ) {
        self.drawn_links.clear();
        let clip = ui.clip_rect();
        let on_screen = |rects: &[Rect]| rects.iter().copied().find(|r| clip.intersects(*r));
        for ends in self.link_ends(input) {
            let quote = on_screen(&self.screen_rects(layout, ends.quote));
            let speaker = on_screen(&self.screen_rects(layout, ends.speaker));
            let link = match (quote, speaker) {
                (Some(q), Some(s)) => DrawnLink {
                    from: q.center_top(),
                    to: s.center_top(),
                    both_on_screen: true,
                    label: None,
                },
                (Some(q), None) => {
                    let up = ends.speaker.start < ends.quote.start;
                    edge_link(
                        q,
                        clip,
                        up,
                        format!("said by {}", excerpt(&ends.speaker_text, 30)),
                    )
                }
                (None, Some(s)) => {
                    let up = ends.quote.start < ends.speaker.start;
                    edge_link(
                        s,
                        clip,
                        up,
                        format!("speaker of “{}”", excerpt(&ends.quote_text, 30)),
                    )
                }
                (None, None) => continue,
            };
            paint_link(ui, &link, input.palette, geometry);
            self.drawn_links.push(link);
        }
    }
}

/// An arrow from `rect` to the top (`up`) or bottom edge of `clip`.
fn edge_link(rect: Rect, clip: Rect, up: bool, label: String) -> DrawnLink {
    let (from, to) = if up {
        (rect.center_top(), pos2(rect.center().x, clip.top() + 2.0))
    } else {
        (
            rect.center_bottom(),
            pos2(rect.center().x, clip.bottom() - 2.0),
        )
    };
    let arrow = if up { "↑" } else { "↓" };
    DrawnLink {
        from,
        to,
        both_on_screen: false,
        label: Some(format!("{arrow} {label}")),
    }
}

fn excerpt(s: &str, max: usize) -> String {
    crate::window::text::excerpt(s, max)
}

/// Draw one link: an arc above the text when both ends are on screen, a
/// straight arrow to the edge and its label otherwise.
fn paint_link(ui: &egui::Ui, link: &DrawnLink, palette: &Palette, geometry: Geometry) {
    let painter = ui.painter();
    let color = palette.color(Label::Quote);
    let stroke = Stroke::new((geometry.font_size / 9.0).max(1.5), color);
    let (from, to) = (link.from, link.to);
    let direction = if link.both_on_screen {
        let lift = geometry.line_height * 0.8 + (to.x - from.x).abs() * 0.1;
        let top = from.y.min(to.y) - lift;
        let points = [from, pos2(from.x, top), pos2(to.x, top), to];
        painter.add(egui::epaint::CubicBezierShape::from_points_stroke(
            points,
            false,
            Color32::TRANSPARENT,
            stroke,
        ));
        vec2(0.0, 1.0)
    } else {
        painter.line_segment([from, to], stroke);
        (to - from).normalized()
    };
    // The arrow head.
    let size = geometry.font_size * 0.45;
    let back = to - direction * size;
    let side = vec2(-direction.y, direction.x) * size * 0.5;
    painter.add(Shape::convex_polygon(
        vec![to, back + side, back - side],
        color,
        Stroke::NONE,
    ));
    if let Some(label) = &link.label {
        let font = egui::FontId::proportional(geometry.font_size * 0.85);
        // The label names Persian speakers too: egui needs it in visual order.
        let text = crate::window::bidi_text::label_text(label).into_owned();
        let galley = painter.layout_no_wrap(text, font, palette.text);
        let below = direction.y < 0.0;
        let rect = Rect::from_min_size(
            pos2(
                to.x + size,
                if below { to.y } else { to.y - galley.size().y },
            ),
            galley.size(),
        );
        painter.rect_filled(rect.expand(3.0), 3.0, palette.selection.to_opaque());
        painter.galley(rect.min, galley, palette.text);
    }
}
