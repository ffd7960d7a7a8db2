//! The article view: the article text with its annotations highlighted,
//! selectable with the mouse.
//!
//! Shape (as egui's easy_mark): annotations → styled [`LayoutJob`] sections per
//! paragraph (memoized with its galley) → a virtualized widget that lays out
//! and paints only the paragraphs near the viewport. Unseen paragraphs have
//! estimated heights, refined when laid out, kept per (wrap width, font size)
//! in a Fenwick tree so finding the paragraph at a scroll position costs
//! `O(log n)`.
//!
//! Invariant: offsets reported by the view are exact [`CharOffset`]s of the
//! article. egui 0.37's galley char indexes are wrong after right-to-left runs
//! (an RTL run yields more glyphs than chars), so the view never trusts them:
//! each paragraph keeps its own glyph → char table ([`GlyphMap`]), built from
//! sections whose glyph counts are checked, and RTL runs are laid out as
//! separate sections so that text after them maps exactly. Conversions between
//! char offsets and egui glyph/byte indexes happen only in the functions named
//! `*glyph*`/`*byte*` here.

use crate::model::annotation::{Annotation, AnnotationId, Annotations, Status};
use crate::model::document::Article;
use crate::model::offset::{CharOffset, CharRange};
use crate::model::snap;
use crate::window::palette::Palette;
use eframe::egui::{
    self, Color32, CursorIcon, FontFamily, FontId, Galley, Pos2, Rect, Sense, Shape, Stroke, pos2,
    text::{LayoutJob, LayoutSection, TextFormat, TextWrapping},
    vec2,
};
use std::collections::HashMap;
use std::hash::{Hash, Hasher};
use std::sync::Arc;

/// Drag auto-scroll: the band (points) at the view's top and bottom edges
/// where a drag starts scrolling, how far past the band counts (points),
/// and the speed per point past it (points per second).
const AUTOSCROLL_EDGE: f32 = 24.0;
const AUTOSCROLL_MAX: f32 = 120.0;
const AUTOSCROLL_GAIN: f32 = 20.0;
/// Widest text column, in ems of the body font.
const MAX_WIDTH_EMS: f32 = 75.0;
/// Row height as a multiple of the font size; the room below the glyphs holds
/// the underline bars of outer annotations.
const LINE_HEIGHT_FACTOR: f32 = 1.8;
/// Paragraphs this far (points) above and below the viewport are laid out too.
const MARGIN_POINTS: f32 = 200.0;
/// Underline bars of nested annotations.
const BAR_THICKNESS: f32 = 2.0;
const BAR_STEP: f32 = 2.5;
const MAX_BAR_DEPTH: usize = 4;
/// How long the flash after [`ArticleView::scroll_to`] lasts.
const FLASH_SECONDS: f64 = 1.0;
/// Height tables kept for other widths (so resizing back is free).
const MAX_HEIGHT_TABLES: usize = 4;
/// Assumed mean glyph width, in ems, for height estimates.
const MEAN_GLYPH_EMS: f32 = 0.5;

/// What the view reads each frame.
pub struct ViewInput<'a> {
    /// The article shown.
    pub article: &'a Article,
    /// Its annotations.
    pub annotations: &'a Annotations,
    /// The current text selection, drawn by the view.
    pub selection: Option<CharRange>,
    /// The annotation to outline strongly.
    pub selected_annotation: Option<&'a AnnotationId>,
    /// Colours.
    pub palette: &'a Palette,
    /// Snap drag selections to whole words (Alt while dragging = exact chars).
    pub snap_to_words: bool,
    /// Body text size in points (zoom).
    pub font_size: f32,
}

/// What happened in the view this frame.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct ViewOutput {
    /// `Some(new)` when the user changed the selection (`Some(None)` = cleared).
    pub selection: Option<Option<CharRange>>,
    /// A highlight was clicked (the innermost one at that point).
    pub clicked: Option<AnnotationId>,
    /// The highlight under the pointer (the innermost one).
    pub hovered: Option<AnnotationId>,
}

/// The article view widget and its caches. Call [`ArticleView::reset`] when
/// another article is loaded.
#[derive(Default)]
pub struct ArticleView {
    /// `(char_len, hash)` of the article the caches belong to.
    article_key: Option<(usize, String)>,
    palette: Option<Palette>,
    /// The scale the cached paragraphs (galleys, meshes) were made for.
    pixels_per_point: f32,
    paragraphs: HashMap<usize, Paragraph>,
    heights: Vec<HeightTable>,
    frame: u64,
    /// Char where the current drag started.
    drag_anchor: Option<CharOffset>,
    drag_head: Option<CharOffset>,
    pending_scroll: Option<CharRange>,
    pending_scroll_by: f32,
    flash: Option<(CharRange, f64)>,
    /// Scroll offset of the last frame, and the correction for paragraphs
    /// above the viewport whose measured height differed from the estimate.
    last_offset_y: f32,
    scroll_correction: f32,
    /// `(id, revision) → range` of the selected annotation, so it is not
    /// looked up by a linear scan every frame.
    selected_cache: Option<(AnnotationId, u64, Option<CharRange>)>,
    /// Where paragraphs were placed last frame (for [`ArticleView::painted_glyphs`]).
    last_layout: Option<Placed>,
    at_end: bool,
    /// Ranges outlined as linked to the hovered or selected annotation.
    linked: Vec<CharRange>,
}

impl ArticleView {
    /// An empty view.
    pub fn new() -> Self {
        Self::default()
    }

    /// Drop all caches (another article was loaded).
    pub fn reset(&mut self) {
        *self = ArticleView {
            frame: self.frame,
            ..ArticleView::default()
        };
    }

    /// On the next frame, scroll so `range` is visible, and flash it for about a second.
    pub fn scroll_to(&mut self, range: CharRange) {
        self.pending_scroll = Some(range);
    }

    /// Outline `ranges` (e.g. the speaker of the hovered quote) from the next
    /// frame on, until set again.
    pub fn set_linked(&mut self, ranges: Vec<CharRange>) {
        self.linked = ranges;
    }

    /// On the next frame, scroll by `delta_points` (positive = down).
    pub fn scroll_by(&mut self, delta_points: f32) {
        self.pending_scroll_by += delta_points;
    }

    /// Every glyph laid out last frame (in layout order) with the char egui
    /// says it draws and its screen rectangle. For tests and accessibility
    /// tools: the chars come from egui's shaper, independently of the view's
    /// own glyph → offset tables, so tests can find a word on screen with it.
    pub fn painted_glyphs(&self) -> Vec<(char, Rect)> {
        let Some(layout) = &self.last_layout else {
            return Vec::new();
        };
        let mut out = Vec::new();
        for &(line, top) in &layout.lines {
            let Some(p) = self.paragraphs.get(&line) else {
                continue;
            };
            let at = pos2(layout.left, layout.origin_y + top).to_vec2();
            for row in &p.galley.rows {
                for gl in &row.row.glyphs {
                    let min = row.pos + gl.pos.to_vec2() - vec2(0.0, gl.font_ascent) + at;
                    out.push((
                        gl.chr,
                        Rect::from_min_size(min, vec2(gl.advance_width, gl.font_height)),
                    ));
                }
            }
        }
        out
    }

    /// The vertical scroll offset of the last frame, in points.
    pub fn scroll_offset_y(&self) -> f32 {
        self.last_offset_y
    }

    /// True when the last frame showed the end of the article.
    pub fn is_scrolled_to_end(&self) -> bool {
        self.at_end
    }

    /// Number of paragraphs whose layout is cached (for tests and benches).
    pub fn cached_paragraph_count(&self) -> usize {
        self.paragraphs.len()
    }

    /// Show the article. See [`ViewInput`] and [`ViewOutput`].
    pub fn ui(&mut self, ui: &mut egui::Ui, input: &ViewInput<'_>) -> ViewOutput {
        self.frame += 1;
        self.check_caches(input, ui.ctx().pixels_per_point());
        let font_size = input.font_size.clamp(4.0, 200.0);
        let line_height = (font_size * LINE_HEIGHT_FACTOR).round();
        let side_padding = font_size;
        let wrap_width = (ui.available_width() - 2.0 * side_padding)
            .min(MAX_WIDTH_EMS * font_size)
            .max(4.0 * font_size)
            .round();
        let table = self.height_table(input.article, wrap_width, font_size, line_height);
        let view_height = ui.available_height();

        let mut area = egui::ScrollArea::vertical()
            .id_salt("marginalia_article_view")
            .auto_shrink([false, false]);
        // Offsets set here stay inside the content: one past either end
        // would make egui's scroll physics rubber-band it back over the
        // next frames, undoing the scrolls that follow.
        let max_y = (self.heights[table].total() - view_height).max(0.0);
        if let Some(range) = self.pending_scroll.take() {
            let y = self.estimated_y(input.article, table, range.start);
            area = area.vertical_scroll_offset((y - view_height / 3.0).clamp(0.0, max_y));
            self.flash = Some((range, ui.input(|i| i.time)));
            self.scroll_correction = 0.0;
        } else if self.scroll_correction != 0.0 || self.pending_scroll_by != 0.0 {
            let y = self.last_offset_y + self.scroll_correction + self.pending_scroll_by;
            area = area.vertical_scroll_offset(y.clamp(0.0, max_y));
        }
        self.scroll_correction = 0.0;
        self.pending_scroll_by = 0.0;

        let geometry = Geometry {
            wrap_width,
            font_size,
            line_height,
        };
        let scroll = area.show_viewport(ui, |ui, viewport| {
            self.contents_ui(ui, viewport, input, table, geometry)
        });
        self.last_offset_y = scroll.state.clamped_offset().y;
        self.at_end = scroll.state.clamped_offset().y + scroll.inner_rect.height()
            >= scroll.content_size.y - 1.0;
        self.evict(scroll.inner.1);
        scroll.inner.0
    }

    /// Reset on a new article; drop galleys when the palette changes.
    fn check_caches(&mut self, input: &ViewInput<'_>, ppp: f32) {
        let article = input.article;
        let same = self
            .article_key
            .as_ref()
            .is_some_and(|(len, hash)| *len == article.char_len() && hash == article.hash());
        if !same {
            self.reset();
            self.article_key = Some((article.char_len(), article.hash().to_owned()));
        }
        if self.palette.as_ref() != Some(input.palette) || self.pixels_per_point != ppp {
            self.paragraphs.clear();
            self.palette = Some(input.palette.clone());
            self.pixels_per_point = ppp;
        }
    }

    /// Index of the height table for this width and size, created with estimates.
    fn height_table(
        &mut self,
        article: &Article,
        wrap_width: f32,
        font_size: f32,
        line_height: f32,
    ) -> usize {
        let key = (wrap_width.to_bits(), font_size.to_bits());
        let frame = self.frame;
        if let Some(i) = self.heights.iter().position(|t| t.key == key) {
            self.heights[i].last_used = frame;
            return i;
        }
        let heights: Vec<f32> = (0..article.line_count())
            .map(|i| {
                let chars = article.line_range(i).map_or(0, |r| r.char_len());
                estimate_height(chars, wrap_width, font_size, line_height)
            })
            .collect();
        let table = HeightTable::new(key, heights, frame);
        if self.heights.len() >= MAX_HEIGHT_TABLES
            && let Some(oldest) = (0..self.heights.len()).min_by_key(|&i| self.heights[i].last_used)
        {
            self.heights.swap_remove(oldest);
        }
        self.heights.push(table);
        self.heights.len() - 1
    }

    /// Content y of `pos`, from the (partly estimated) heights.
    fn estimated_y(&self, article: &Article, table: usize, pos: CharOffset) -> f32 {
        let Some(t) = self.heights.get(table) else {
            return 0.0;
        };
        let line = article.line_of(pos);
        let top = t.top(line);
        let Some(r) = article.line_range(line) else {
            return top;
        };
        let fraction = (pos.0.saturating_sub(r.start.0)) as f32 / r.char_len().max(1) as f32;
        top + fraction * t.height(line)
    }

    /// Lay out, paint and handle input for the paragraphs near `viewport`.
    /// Returns the output and how many paragraphs were placed.
    fn contents_ui(
        &mut self,
        ui: &mut egui::Ui,
        viewport: Rect,
        input: &ViewInput<'_>,
        table: usize,
        geometry: Geometry,
    ) -> (ViewOutput, usize) {
        let mut output = ViewOutput::default();
        let article = input.article;
        let origin = ui.max_rect().min;
        let full_width = ui.available_width();
        let left = origin.x + ((full_width - geometry.wrap_width) / 2.0).max(0.0);
        let line_count = article.line_count();

        // Lay out the paragraphs near the viewport, refining their heights.
        let mut placed: Vec<(usize, f32)> = Vec::new();
        let y_min = (viewport.min.y - MARGIN_POINTS).max(0.0);
        let y_max = viewport.max.y + MARGIN_POINTS;
        let mut line = self.heights[table].index_at(y_min).min(line_count - 1);
        let mut top = self.heights[table].top(line);
        let mut correction = 0.0;
        while line < line_count && top < y_max {
            let height = self.ensure_paragraph(ui, input, line, geometry);
            let old = self.heights[table].height(line);
            if (old - height).abs() > 0.01 {
                if top + old <= viewport.min.y {
                    correction += height - old;
                }
                self.heights[table].set(line, height);
            }
            placed.push((line, top));
            top += height;
            line += 1;
        }
        self.scroll_correction = correction;
        if correction != 0.0 {
            ui.ctx().request_repaint();
        }
        let total_height = self.heights[table].total();
        let content_rect = Rect::from_min_size(origin, vec2(full_width, total_height));
        ui.allocate_rect(content_rect, Sense::hover());
        let visible = Rect::from_min_max(
            origin + viewport.min.to_vec2(),
            origin + viewport.max.to_vec2(),
        );
        let response = ui.interact(
            visible.intersect(content_rect),
            ui.scope_id().with("article_view_text"),
            Sense::click_and_drag(),
        );

        let layout = Placed {
            left,
            origin_y: origin.y,
            lines: placed,
        };

        self.input_ui(ui, &response, input, &layout, &mut output);
        self.paint_ui(ui, input, &layout, geometry);
        let n = layout.lines.len();
        self.last_layout = Some(layout);
        (output, n)
    }

    /// Build (or reuse) paragraph `line`'s galley; returns its height.
    fn ensure_paragraph(
        &mut self,
        ui: &egui::Ui,
        input: &ViewInput<'_>,
        line: usize,
        geometry: Geometry,
    ) -> f32 {
        let revision = input.annotations.revision();
        let frame = self.frame;
        let size_key = (geometry.wrap_width.to_bits(), geometry.font_size.to_bits());
        if let Some(p) = self.paragraphs.get_mut(&line)
            && p.size_key == size_key
            && p.revision == revision
        {
            p.last_used = frame;
            return p.galley.size().y;
        }
        let range = input.article.line_range(line).unwrap_or_default();
        let anns: Vec<&Annotation> = input.annotations.overlapping(range).collect();
        let signature = annotation_signature(&anns);
        if let Some(p) = self.paragraphs.get_mut(&line)
            && p.size_key == size_key
            && p.signature == signature
        {
            p.revision = revision;
            p.last_used = frame;
            return p.galley.size().y;
        }
        let palette = self.palette.clone().unwrap_or_default();
        let mut p = build_paragraph(ui, input.article, line, &anns, &palette, geometry);
        p.size_key = size_key;
        p.signature = signature;
        p.revision = revision;
        p.last_used = frame;
        let height = p.galley.size().y;
        self.paragraphs.insert(line, p);
        height
    }

    /// Keep the cache bounded: drop paragraphs unused for a while.
    fn evict(&mut self, placed_count: usize) {
        if self.paragraphs.len() > 4 * placed_count + 256 {
            let frame = self.frame;
            self.paragraphs.retain(|_, p| p.last_used + 2 >= frame);
        }
    }

    /// Hover, click, double click and drag selection.
    fn input_ui(
        &mut self,
        ui: &egui::Ui,
        response: &egui::Response,
        input: &ViewInput<'_>,
        layout: &Placed,
        output: &mut ViewOutput,
    ) {
        let article = input.article;
        if let Some(pos) = response.hover_pos() {
            if self.char_at(layout, pos).is_some() {
                ui.ctx().set_cursor_icon(CursorIcon::Text);
            }
            if let Some(a) = self.annotation_at(input, layout, pos) {
                output.hovered = Some(a.id.clone());
                if !response.dragged() {
                    let speaker = a
                        .speaker()
                        .and_then(|id| input.annotations.get(id))
                        .map(|s| s.quote.clone());
                    let a = a.clone();
                    response.clone().on_hover_ui_at_pointer(|ui| {
                        annotation_tooltip_ui(ui, &a, speaker.as_deref(), input.palette);
                    });
                }
            }
        }

        if response.drag_started() {
            let press = ui.input(|i| i.pointer.press_origin());
            self.drag_anchor = press.and_then(|p| self.cursor_at(article, layout, p));
            self.drag_head = self.drag_anchor;
        }
        if response.dragged()
            && let Some(pos) = ui.input(|i| i.pointer.latest_pos())
        {
            if let Some(head) = self.cursor_at(article, layout, pos) {
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
            .min_by_key(|a| (a.range().char_len(), std::cmp::Reverse(a.start)))
    }

    /// The paragraph under screen y, with its galley's screen origin.
    fn paragraph_at(&self, layout: &Placed, y: f32) -> Option<(usize, &Paragraph, Pos2)> {
        let (first, _) = layout.lines.first()?;
        let i = layout
            .lines
            .partition_point(|&(_, top)| layout.origin_y + top <= y)
            .saturating_sub(1);
        let (line, top) = layout.lines.get(i).copied().unwrap_or((*first, 0.0));
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
        let c = p.map.char_under_glyph_pos(&p.galley, rel)?;
        Some(p.map.line_start.forward(c))
    }

    /// The cursor position (between chars) nearest a screen point, clamped to
    /// the laid-out paragraphs.
    fn cursor_at(&self, article: &Article, layout: &Placed, pos: Pos2) -> Option<CharOffset> {
        let (&(first, first_top), &(last, _)) = (layout.lines.first()?, layout.lines.last()?);
        if pos.y < layout.origin_y + first_top {
            return article.line_range(first).map(|r| r.start);
        }
        let (line, p, galley_pos) = self.paragraph_at(layout, pos.y)?;
        let rel = (pos - galley_pos).to_pos2();
        if line == last && rel.y > p.galley.size().y {
            return article.line_range(last).map(|r| r.end);
        }
        let c = p.map.cursor_from_glyph_pos(&p.galley, rel);
        Some(p.map.line_start.forward(c))
    }

    /// Paint galleys, bars, outlines, the selection and the flash.
    fn paint_ui(
        &mut self,
        ui: &egui::Ui,
        input: &ViewInput<'_>,
        layout: &Placed,
        geometry: Geometry,
    ) {
        let palette = input.palette;
        let painter = ui.painter();
        let selection = match (self.drag_anchor, self.drag_head) {
            (Some(a), Some(b)) => Some(CharRange::new(a, b)),
            _ => input.selection,
        };
        let selected = self.selected_range(input);
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
        let outline = Stroke::new(
            (geometry.font_size / 7.0).max(1.5),
            palette.selected_outline,
        );
        for &(line, top) in &layout.lines {
            let Some(p) = self.paragraphs.get_mut(&line) else {
                continue;
            };
            let at = pos2(layout.left, layout.origin_y + top);
            if !ui
                .clip_rect()
                .intersects(Rect::from_min_size(at, p.galley.size()))
            {
                continue;
            }
            // The cached meshes were tessellated at the galley's origin;
            // they move into place on whole pixels, and the moved copies are
            // kept for the next frames at the same place (a steady frame).
            let ppp = ui.ctx().pixels_per_point();
            let offset = (at.to_vec2() * ppp).round() / ppp;
            let placed = match &p.placed {
                Some((o, fills, decorations)) if *o == offset => {
                    (fills.clone(), decorations.clone())
                }
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
            if !placed.0.is_empty() {
                painter.add(Shape::Mesh(placed.0));
            }
            painter.galley(at, p.galley.clone(), palette.text);
            if !placed.1.is_empty() {
                painter.add(Shape::Mesh(placed.1));
            }
            let line_range = input.article.line_range(line).unwrap_or_default();
            let local = |r: CharRange| -> Option<std::ops::Range<usize>> {
                let i = r.intersection(&line_range).or_else(|| {
                    // An empty paragraph inside a selection still shows it.
                    (line_range.is_empty() && r.start <= line_range.start && line_range.end < r.end)
                        .then_some(line_range)
                })?;
                Some(i.start.0 - line_range.start.0..i.end.0 - line_range.start.0)
            };
            if let Some(r) = selection.and_then(local) {
                for rect in p.map.char_rects(&p.galley, r) {
                    painter.rect_filled(rect.translate(at.to_vec2()), 2.0, palette.selection);
                }
            }
            for r in self.linked.iter().copied().filter_map(local) {
                for rect in p.map.char_rects(&p.galley, r) {
                    painter.rect_stroke(
                        rect.translate(at.to_vec2()).expand(2.0),
                        2.0,
                        Stroke::new(outline.width, palette.flash.to_opaque()),
                        egui::StrokeKind::Outside,
                    );
                }
            }
            if let Some(r) = selected.and_then(local) {
                for rect in p.map.char_rects(&p.galley, r) {
                    painter.rect_stroke(
                        rect.translate(at.to_vec2()).expand(1.0),
                        2.0,
                        outline,
                        egui::StrokeKind::Outside,
                    );
                }
            }
            if let Some((r, strength)) = flash
                && let Some(r) = local(r)
            {
                let c = palette.flash.gamma_multiply(strength);
                for rect in p.map.char_rects(&p.galley, r) {
                    painter.rect_filled(rect.translate(at.to_vec2()).expand(2.0), 3.0, c);
                }
            }
        }
    }

    /// The selected annotation's range, cached per annotations revision.
    fn selected_range(&mut self, input: &ViewInput<'_>) -> Option<CharRange> {
        let id = input.selected_annotation?;
        let revision = input.annotations.revision();
        match &self.selected_cache {
            Some((cached, rev, range)) if cached == id && *rev == revision => *range,
            _ => {
                let range = input.annotations.get(id).map(Annotation::range);
                self.selected_cache = Some((id.clone(), revision, range));
                range
            }
        }
    }
}

/// Sizes that key the layout.
#[derive(Clone, Copy, Debug)]
struct Geometry {
    wrap_width: f32,
    font_size: f32,
    line_height: f32,
}

/// The paragraphs placed this frame: `(line, content y of its top)`.
struct Placed {
    left: f32,
    origin_y: f32,
    lines: Vec<(usize, f32)>,
}

/// One laid-out paragraph with what is needed to paint and hit-test it.
struct Paragraph {
    size_key: (u32, u32),
    signature: u64,
    revision: u64,
    last_used: u64,
    galley: Arc<Galley>,
    map: GlyphMap,
    /// Highlight fills (under the text), tessellated once relative to the galley.
    fills: Arc<egui::Mesh>,
    /// `fills` and `decorations` moved to where they were last painted.
    placed: Option<(egui::Vec2, Arc<egui::Mesh>, Arc<egui::Mesh>)>,
    /// Bars, strike-throughs and dashed outlines, tessellated once relative
    /// to the galley: dashed outlines are hundreds of tiny segments per
    /// paragraph, too many to tessellate again every frame.
    decorations: Arc<egui::Mesh>,
}

#[derive(Clone, Copy, Debug)]
enum Decoration {
    Fill { rect: Rect, color: Color32 },
    Bar { rect: Rect, color: Color32 },
    Strike { rect: Rect, color: Color32 },
    Dashed { rect: Rect, color: Color32 },
}

/// Height of every paragraph for one (wrap width, font size), measured or
/// estimated, with a Fenwick tree of prefix sums.
struct HeightTable {
    key: (u32, u32),
    heights: Vec<f32>,
    /// 1-based Fenwick tree stored 0-based: `tree[k - 1]` covers `(k - lowbit(k), k]`.
    tree: Vec<f64>,
    last_used: u64,
}

impl HeightTable {
    fn new(key: (u32, u32), heights: Vec<f32>, frame: u64) -> Self {
        let n = heights.len();
        let mut tree: Vec<f64> = heights.iter().map(|&h| f64::from(h)).collect();
        for k in 1..=n {
            let parent = k + (k & k.wrapping_neg());
            if parent <= n {
                tree[parent - 1] += tree[k - 1];
            }
        }
        HeightTable {
            key,
            heights,
            tree,
            last_used: frame,
        }
    }

    fn height(&self, i: usize) -> f32 {
        self.heights.get(i).copied().unwrap_or(0.0)
    }

    fn set(&mut self, i: usize, h: f32) {
        let Some(old) = self.heights.get_mut(i) else {
            return;
        };
        let delta = f64::from(h) - f64::from(*old);
        *old = h;
        let mut k = i + 1;
        while k <= self.tree.len() {
            self.tree[k - 1] += delta;
            k += k & k.wrapping_neg();
        }
    }

    /// Sum of the heights of paragraphs `0..i`.
    fn top(&self, i: usize) -> f32 {
        let mut k = i.min(self.tree.len());
        let mut sum = 0.0;
        while k > 0 {
            sum += self.tree[k - 1];
            k -= k & k.wrapping_neg();
        }
        sum as f32
    }

    fn total(&self) -> f32 {
        self.top(self.tree.len())
    }

    /// The paragraph holding content y `y` (the last one when past the end).
    fn index_at(&self, y: f32) -> usize {
        let n = self.tree.len();
        let mut pos = 0;
        let mut rest = f64::from(y);
        let mut step = if n == 0 { 0 } else { 1 << n.ilog2() };
        while step > 0 {
            if pos + step <= n && self.tree[pos + step - 1] <= rest {
                pos += step;
                rest -= self.tree[pos - 1];
            }
            step >>= 1;
        }
        pos.min(n.saturating_sub(1))
    }
}

fn estimate_height(chars: usize, wrap_width: f32, font_size: f32, line_height: f32) -> f32 {
    let rows = (chars as f32 * MEAN_GLYPH_EMS * font_size / wrap_width.max(1.0)).ceil();
    rows.max(1.0) * line_height
}

/// A hash of what the paragraph's highlights depend on.
fn annotation_signature(anns: &[&Annotation]) -> u64 {
    let mut h = std::collections::hash_map::DefaultHasher::new();
    for a in anns {
        (&a.id, a.start, a.end, a.label, a.status).hash(&mut h);
    }
    anns.len().hash(&mut h);
    h.finish()
}

/// Where glyphs of a paragraph's galley come from: consecutive sections in
/// glyph order, each a run of chars. Exact sections have one glyph per char;
/// others (right-to-left runs) map glyphs to chars approximately, by position.
#[derive(Clone, Debug, Default, PartialEq)]
struct GlyphMap {
    line_start: CharOffset,
    char_len: usize,
    sections: Vec<MapSection>,
    /// First glyph index of every galley row.
    row_glyph_starts: Vec<usize>,
}

#[derive(Clone, Copy, Debug, PartialEq)]
struct MapSection {
    glyph_start: usize,
    glyph_len: usize,
    /// Relative to the paragraph start.
    char_start: usize,
    char_len: usize,
}

impl MapSection {
    fn is_exact(&self) -> bool {
        self.glyph_len == self.char_len
    }
}

impl GlyphMap {
    /// The map for sections of `(char_len, glyph_len)` in order.
    fn from_counts(line_start: CharOffset, counts: &[(usize, usize)], galley: &Galley) -> Self {
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

    fn section_of_glyph(&self, g: usize) -> Option<&MapSection> {
        let i = self
            .sections
            .partition_point(|s| s.glyph_start <= g)
            .checked_sub(1)?;
        self.sections
            .get(i)
            .filter(|s| g < s.glyph_start + s.glyph_len)
    }

    /// The char (relative to the paragraph) drawn by glyph `g`.
    fn glyph_to_char(&self, g: usize) -> Option<usize> {
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
    fn row_at_y(galley: &Galley, y: f32) -> usize {
        galley
            .rows
            .partition_point(|r| r.pos.y + r.row.size.y <= y)
            .min(galley.rows.len().saturating_sub(1))
    }

    /// The char under a galley-relative point, if the point is over a glyph.
    fn char_under_glyph_pos(&self, galley: &Galley, pos: Pos2) -> Option<usize> {
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
    fn cursor_from_glyph_pos(&self, galley: &Galley, pos: Pos2) -> usize {
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

    fn cursor_after_glyph(&self, g: usize) -> usize {
        match self.section_of_glyph(g) {
            Some(s) if s.is_exact() => s.char_start + (g - s.glyph_start) + 1,
            Some(s) => s.char_start + s.char_len,
            None => self.char_len,
        }
    }

    /// Rectangles (galley-relative, one per row piece) covering the chars
    /// `range` (relative to the paragraph), in the text band of each row.
    fn char_rects(&self, galley: &Galley, range: std::ops::Range<usize>) -> Vec<Rect> {
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

fn galley_glyph<'g>(
    galley: &'g Galley,
    row_starts: &[usize],
    g: usize,
) -> Option<&'g egui::epaint::text::Glyph> {
    let r = row_starts.partition_point(|&s| s <= g).checked_sub(1)?;
    galley.rows.get(r)?.row.glyphs.get(g - row_starts.get(r)?)
}

/// True for chars of right-to-left scripts (Hebrew, Arabic, Syriac, Thaana,
/// NKo, ... and their presentation forms).
fn is_rtl(c: char) -> bool {
    matches!(c,
        '\u{0590}'..='\u{08FF}' | '\u{FB1D}'..='\u{FDFF}' | '\u{FE70}'..='\u{FEFF}'
        | '\u{10800}'..='\u{10FFF}' | '\u{1E800}'..='\u{1EFFF}')
}

/// Char ranges (relative) of right-to-left runs: from an RTL char to the last
/// RTL char before any strong left-to-right letter, with following marks.
fn rtl_runs(chars: &[char]) -> Vec<std::ops::Range<usize>> {
    let mut runs = Vec::new();
    let mut i = 0;
    while i < chars.len() {
        if !is_rtl(chars[i]) {
            i += 1;
            continue;
        }
        let start = i;
        let mut end = i + 1;
        let mut j = i + 1;
        while j < chars.len() {
            let c = chars[j];
            if is_rtl(c) || matches!(c, '\u{200C}' | '\u{200D}') {
                end = j + 1;
            } else if c.is_alphabetic() {
                break;
            }
            j += 1;
        }
        runs.push(start..end);
        i = end;
    }
    runs
}

/// Lay out paragraph `line` with its highlights.
fn build_paragraph(
    ui: &egui::Ui,
    article: &Article,
    line: usize,
    anns: &[&Annotation],
    palette: &Palette,
    geometry: Geometry,
) -> Paragraph {
    let range = article.line_range(line).unwrap_or_default();
    let text = article.slice(range).unwrap_or_default();
    let chars: Vec<char> = text.chars().collect();
    let n = chars.len();
    let font_size = geometry.font_size;
    let body = TextFormat {
        font_id: FontId::new(font_size, FontFamily::Proportional),
        color: palette.text,
        line_height: Some(geometry.line_height),
        ..Default::default()
    };

    // Relative char boundaries where the format may change.
    let mut cuts: Vec<usize> = vec![0, n];
    let header = article
        .meta()
        .header
        .filter(|h| h.start == range.start && line == 0);
    let title_at = header.and_then(|_| title_char_start(text, article));
    cuts.extend(title_at);
    let rel = |o: CharOffset| o.0.saturating_sub(range.start.0).min(n);
    for a in anns {
        cuts.push(rel(a.start));
        cuts.push(rel(a.end));
    }
    let runs = rtl_runs(&chars);
    for r in &runs {
        cuts.push(r.start);
        cuts.push(r.end);
    }
    cuts.sort_unstable();
    cuts.dedup();

    // Lanes: outer (earlier, longer) spans get lower lanes.
    let mut order: Vec<usize> = (0..anns.len()).collect();
    order.sort_by_key(|&i| (anns[i].start, std::cmp::Reverse(anns[i].end)));
    let mut lane_ends: Vec<CharOffset> = Vec::new();
    let mut lanes = vec![0usize; anns.len()];
    for &i in &order {
        let lane = lane_ends
            .iter()
            .position(|&e| e <= anns[i].start)
            .unwrap_or(lane_ends.len());
        if lane == lane_ends.len() {
            lane_ends.push(anns[i].end);
        } else {
            lane_ends[lane] = anns[i].end;
        }
        lanes[i] = lane;
    }

    // Byte offsets of each char boundary, relative to the paragraph.
    let mut byte_at = Vec::with_capacity(n + 1);
    let mut b = 0;
    for c in &chars {
        byte_at.push(b);
        b += c.len_utf8();
    }
    byte_at.push(b);

    let mut job = LayoutJob {
        text: text.to_owned(),
        wrap: TextWrapping {
            max_width: geometry.wrap_width,
            ..Default::default()
        },
        ..Default::default()
    };
    // Sections change only where the font or colour does (title, rejected
    // text) and at right-to-left runs; highlight fills are painted as
    // rectangles under the text instead of section backgrounds. Every
    // section is shaped on its own, so one section per annotation boundary
    // made laying out a densely annotated paragraph several times slower.
    let mut hard: Vec<usize> = runs.iter().flat_map(|r| [r.start, r.end]).collect();
    hard.extend(title_at);
    let mut section_formats: Vec<(std::ops::Range<usize>, TextFormat)> = Vec::new();
    let mut fills: Vec<(std::ops::Range<usize>, Color32)> = Vec::new();
    for w in cuts.windows(2) {
        let (a, b) = (w[0], w[1]);
        if a >= b {
            continue;
        }
        let mut format = body.clone();
        if let Some(t) = title_at {
            if a < t {
                format.font_id.size = font_size * 0.85;
                format.color = palette.weak_text;
            } else {
                format.font_id.size = font_size * 1.6;
                format.line_height = Some((font_size * 1.6 * LINE_HEIGHT_FACTOR).round());
            }
        }
        let at = CharOffset(range.start.0 + a);
        let innermost = (0..anns.len())
            .filter(|&i| anns[i].range().contains(at))
            .max_by_key(|&i| (lanes[i], std::cmp::Reverse(anns[i].range().char_len())));
        if let Some(i) = innermost {
            let rejected = anns[i].status == Status::Rejected;
            let fill = palette.fill(anns[i].label, rejected);
            match fills.last_mut() {
                Some((r, c)) if r.end == a && *c == fill => r.end = b,
                _ => fills.push((a..b, fill)),
            }
            if rejected {
                format.color = palette.weak_text;
            }
        }
        match section_formats.last_mut() {
            Some((r, f)) if r.end == a && *f == format && !hard.contains(&a) => r.end = b,
            _ => section_formats.push((a..b, format)),
        }
    }
    for (r, format) in &section_formats {
        job.sections.push(LayoutSection {
            leading_space: 0.0,
            byte_range: egui::text::ByteIndex(byte_at[r.start])
                ..egui::text::ByteIndex(byte_at[r.end]),
            format: format.clone(),
        });
    }
    if job.sections.is_empty() {
        job.sections.push(LayoutSection {
            leading_space: 0.0,
            byte_range: egui::text::ByteIndex(0)..egui::text::ByteIndex(0),
            format: body.clone(),
        });
    }
    let galley = ui.ctx().fonts_mut(|f| f.layout_job(job));

    let map = glyph_map(ui, range.start, &chars, &runs, &section_formats, &galley);
    let fills: Vec<Decoration> = fills
        .into_iter()
        .flat_map(|(r, color)| {
            map.char_rects(&galley, r)
                .into_iter()
                .map(move |rect| Decoration::Fill { rect, color })
        })
        .collect();
    let fills = Arc::new(tessellate_decorations(ui.ctx(), &fills));
    let decorations = decorations(&map, &galley, anns, &lanes, range, palette, geometry);
    let decorations = Arc::new(tessellate_decorations(ui.ctx(), &decorations));
    Paragraph {
        size_key: (0, 0),
        signature: 0,
        revision: 0,
        last_used: 0,
        galley,
        map,
        fills,
        placed: None,
        decorations,
    }
}

/// Char index (relative) where the header's title starts.
fn title_char_start(header_text: &str, article: &Article) -> Option<usize> {
    let title = article.meta().title.as_deref()?;
    let byte = header_text.rfind(title)?;
    Some(header_text.get(..byte)?.chars().count())
}

/// The glyph → char table of a laid-out paragraph. Sections holding
/// right-to-left text are laid out alone to learn their glyph count; if the
/// total still disagrees with the galley, every section is measured alone.
fn glyph_map(
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

/// `decorations` as one mesh, tessellated as the painter would.
fn tessellate_decorations(ctx: &egui::Context, decorations: &[Decoration]) -> egui::Mesh {
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
fn decorations(
    map: &GlyphMap,
    galley: &Galley,
    anns: &[&Annotation],
    lanes: &[usize],
    range: CharRange,
    palette: &Palette,
    geometry: Geometry,
) -> Vec<Decoration> {
    let mut out = Vec::new();
    let scale = geometry.font_size / 14.0;
    for (a, &lane) in anns.iter().zip(lanes) {
        let Some(i) = a.range().intersection(&range) else {
            continue;
        };
        let local = i.start.0 - range.start.0..i.end.0 - range.start.0;
        let depth = lane.min(MAX_BAR_DEPTH - 1) as f32;
        let mut color = palette.color(a.label);
        if a.status == Status::Rejected {
            color = color.gamma_multiply(0.4);
        }
        for rect in map.char_rects(galley, local) {
            let y = rect.bottom() + 1.0 + depth * BAR_STEP * scale;
            out.push(Decoration::Bar {
                rect: Rect::from_min_max(
                    pos2(rect.left(), y),
                    pos2(rect.right(), y + BAR_THICKNESS * scale),
                ),
                color,
            });
            match a.status {
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
    if let Some(speaker) = speaker {
        ui.label(format!(
            "said by “{}”",
            crate::window::app::excerpt(speaker, 40)
        ));
    }
    ui.label(format!(
        "{} · {}",
        a.author,
        a.modified
            .with_timezone(&chrono::Local)
            .format("%Y-%m-%d %H:%M")
    ));
    if let Some(note) = &a.note {
        ui.separator();
        ui.label(note);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fenwick_heights_match_a_naive_sum() {
        let heights: Vec<f32> = (0..37).map(|i| (i % 5 + 1) as f32 * 10.0).collect();
        let mut t = HeightTable::new((0, 0), heights.clone(), 0);
        let mut naive = heights;
        t.set(7, 3.0);
        naive[7] = 3.0;
        for i in 0..=naive.len() {
            let want: f32 = naive[..i].iter().sum();
            assert!((t.top(i) - want).abs() < 1e-3, "top({i})");
        }
        for i in 0..naive.len() {
            let y = t.top(i) + 0.5;
            assert_eq!(t.index_at(y), i);
        }
        assert_eq!(t.index_at(1e9), naive.len() - 1);
    }

    #[test]
    fn rtl_runs_stop_before_latin_and_keep_inner_spaces() {
        let chars: Vec<char> = "ab سلام دنیا cd".chars().collect();
        assert_eq!(rtl_runs(&chars), vec![3..12]);
        assert!(rtl_runs(&"plain".chars().collect::<Vec<_>>()).is_empty());
    }

    #[test]
    fn glyph_map_maps_exact_and_rtl_sections() {
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
