//! The article view: the article text with its annotations highlighted,
//! selectable with the mouse, in left-to-right and right-to-left scripts.
//!
//! Layers (as egui's easy_mark: pure styling → layout → widget):
//! - [`style`]: a paragraph's shown annotations → styled sections, fills and
//!   underline marks in lanes; pure, and its input's hash keys the cache;
//! - [`shape`] and [`bidi`]: the paragraph shaped by egui in pieces, and the
//!   visual order of each line by the Unicode Bidirectional Algorithm;
//! - [`layout`]: lines broken in logical order, placed in visual order into
//!   one galley per paragraph, with its [`GlyphMap`] (where each char went);
//!   a paragraph with nothing right-to-left in it takes the fast path of
//!   [`ltr`] instead: egui's own wrapped galley, the map read off its rows;
//! - [`blocks`]: the units laid out: a paragraph, or a piece of a long one
//!   (cut after sentence ends), so a 36,000-char paragraph is not laid out
//!   whole to show a screen of it;
//! - [`heights`]: a Fenwick table of block heights, so the widget lays out
//!   and paints only the blocks near the viewport;
//! - [`paint`] and [`input`]: painting, hit testing, selection by drag.
//!
//! Invariant: offsets reported by the view are exact [`CharOffset`]s of the
//! article. egui 0.37's galley cursors count glyphs, and an RTL run gives it
//! more glyphs than chars, so the view never uses them: every position goes
//! through the paragraph's glyph map.

use crate::model::annotation::{Annotation, AnnotationId, Annotations, Label};
use crate::model::document::Article;
use crate::model::filter::Filter;
use crate::model::offset::{CharOffset, CharRange};
use crate::model::snap;
use crate::window::palette::Palette;
use eframe::egui::{
    self, Color32, CursorIcon, Galley, Pos2, Rect, Sense, Shape, Stroke, pos2, vec2,
};
use std::collections::HashMap;
use std::hash::{Hash, Hasher};
use std::sync::Arc;

mod bidi;
mod blocks;
mod glyph_map;
mod heights;
mod input;
mod layout;
mod links;
mod ltr;
mod paint;
mod shape;
mod style;

use blocks::{Block, Blocks};
use glyph_map::GlyphMap;
use heights::{HeightTable, estimate_height};
use layout::build_paragraph;
pub use links::DrawnLink;
use style::{Span, StyleInput};

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
/// Bytes of laid-out paragraphs kept beyond those of the last two frames:
/// several screens of the densest text, so scrolling back is free.
const PARAGRAPH_CACHE_BYTES: usize = 24 << 20;

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
    /// Which annotations are shown: highlights the filter hides are not drawn.
    pub filter: &'a Filter,
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
    /// The article cut into layout blocks (built with `article_key`).
    blocks: Blocks,
    /// Laid-out blocks by block index.
    paragraphs: HashMap<usize, Paragraph>,
    heights: Vec<HeightTable>,
    frame: u64,
    /// Char where the current drag started.
    drag_anchor: Option<CharOffset>,
    drag_head: Option<CharOffset>,
    pending_scroll: Option<CharRange>,
    pending_scroll_by: f32,
    /// Screens to scroll on the next frame (±`f32::MAX`: to an end).
    pending_pages: f32,
    flash: Option<(CharRange, f64)>,
    /// Scroll offset of the last frame, and the correction for paragraphs
    /// above the viewport whose measured height differed from the estimate.
    last_offset_y: f32,
    scroll_correction: f32,
    /// `(id, revision) → ranges` of the selected annotation's fragments, so
    /// they are not looked up by a linear scan every frame.
    selected_cache: Option<(AnnotationId, u64, Vec<CharRange>)>,
    /// Where paragraphs were placed last frame (for [`ArticleView::painted_glyphs`]).
    last_layout: Option<Placed>,
    at_end: bool,
    /// Hash of the filter of this frame (part of the paragraph cache key).
    filter_key: u64,
    /// The annotation under the pointer this frame.
    hovered: Option<AnnotationId>,
    /// The links of the hovered and selected annotations, for
    /// (annotations revision, their ids).
    links_cache: Option<links::LinksCache>,
    /// Link arrows drawn last frame (see [`ArticleView::drawn_links`]).
    drawn_links: Vec<DrawnLink>,
    /// Ranges outlined as linked to the hovered or selected annotation.
    linked: Vec<CharRange>,
    /// The dash pattern of unreviewed outlines (see [`paint::dash_mesh`]).
    dash_texture: Option<egui::TextureHandle>,
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

    /// On the next frame, scroll by `pages` screens (positive = down), each
    /// two lines short of the view's height so the reader keeps their place;
    /// ±`f32::MAX` scrolls to an end.
    pub fn scroll_pages(&mut self, pages: f32) {
        self.pending_pages = (self.pending_pages + pages).clamp(-f32::MAX, f32::MAX);
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
        for &(line, top) in &layout.blocks {
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

    /// The highlight fills painted last frame: the label whose colour fills
    /// each rectangle, and the rectangle on screen. A seam for tests: what a
    /// reader sees highlighted, without reading pixels.
    pub fn highlight_rects(&self) -> Vec<(Label, Rect)> {
        let Some(layout) = &self.last_layout else {
            return Vec::new();
        };
        let mut out = Vec::new();
        for &(line, top) in &layout.blocks {
            if let Some(p) = self.paragraphs.get(&line) {
                let at = vec2(layout.left, layout.origin_y + top);
                out.extend(p.fill_rects.iter().map(|(l, r)| (*l, r.translate(at))));
            }
        }
        out
    }

    /// The link arrows drawn last frame, quote to speaker: a seam for tests
    /// (a kittest cannot see lines).
    pub fn drawn_links(&self) -> &[DrawnLink] {
        &self.drawn_links
    }

    /// The ranges outlined as the selected annotation last frame: every
    /// fragment of its span. A seam for tests.
    pub fn selected_outline(&self) -> Vec<CharRange> {
        self.selected_cache
            .as_ref()
            .map(|(_, _, ranges)| ranges.clone())
            .unwrap_or_default()
    }

    /// The vertical scroll offset of the last frame, in points.
    pub fn scroll_offset_y(&self) -> f32 {
        self.last_offset_y
    }

    /// True when the last frame showed the end of the article.
    pub fn is_scrolled_to_end(&self) -> bool {
        self.at_end
    }

    /// Number of blocks (paragraphs, or pieces of long ones) whose layout is
    /// cached (for tests and benches).
    pub fn cached_paragraph_count(&self) -> usize {
        self.paragraphs.len()
    }

    /// How many chars the blocks placed last frame hold: what a frame lays
    /// out when nothing is cached (for tests and benches). A long paragraph
    /// counts only for its blocks near the viewport.
    pub fn placed_char_count(&self) -> usize {
        self.last_layout.as_ref().map_or(0, |layout| {
            layout
                .blocks
                .iter()
                .map(|&(b, _)| self.blocks.range(b).char_len())
                .sum()
        })
    }

    /// Show the article. See [`ViewInput`] and [`ViewOutput`].
    pub fn ui(&mut self, ui: &mut egui::Ui, input: &ViewInput<'_>) -> ViewOutput {
        self.frame += 1;
        self.check_caches(input, ui.ctx().pixels_per_point());
        self.filter_key = {
            let mut h = std::collections::hash_map::DefaultHasher::new();
            input.filter.hash(&mut h);
            h.finish()
        };
        let font_size = input.font_size.clamp(4.0, 200.0);
        let line_height = (font_size * LINE_HEIGHT_FACTOR).round();
        let side_padding = font_size;
        let wrap_width = (ui.available_width() - 2.0 * side_padding)
            .min(MAX_WIDTH_EMS * font_size)
            .max(4.0 * font_size)
            .round();
        let table = self.height_table(wrap_width, font_size, line_height);
        let view_height = ui.available_height();

        let mut area = egui::ScrollArea::vertical()
            .id_salt("marginalia_article_view")
            .auto_shrink([false, false]);
        // Offsets set here stay inside the content: one past either end
        // would make egui's scroll physics rubber-band it back over the
        // next frames, undoing the scrolls that follow.
        let max_y = (self.heights[table].total() - view_height).max(0.0);
        if self.pending_pages != 0.0 {
            let page = (view_height - 2.0 * line_height).max(line_height);
            let by = (self.pending_pages * page).clamp(-f32::MAX, f32::MAX);
            self.pending_scroll_by = (self.pending_scroll_by + by).clamp(-2.0 * max_y, 2.0 * max_y);
            self.pending_pages = 0.0;
        }
        if let Some(range) = self.pending_scroll.take() {
            let y = self.estimated_y(table, range.start);
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
            self.blocks = Blocks::new(article);
        }
        if self.palette.as_ref() != Some(input.palette) || self.pixels_per_point != ppp {
            self.paragraphs.clear();
            self.palette = Some(input.palette.clone());
            self.pixels_per_point = ppp;
        }
    }

    /// Index of the height table for this width and size, created with estimates.
    fn height_table(&mut self, wrap_width: f32, font_size: f32, line_height: f32) -> usize {
        let key = (wrap_width.to_bits(), font_size.to_bits());
        let frame = self.frame;
        if let Some(i) = self.heights.iter().position(|t| t.key == key) {
            self.heights[i].last_used = frame;
            return i;
        }
        let heights: Vec<f32> = (0..self.blocks.len())
            .map(|i| {
                let chars = self.blocks.range(i).char_len();
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
    fn estimated_y(&self, table: usize, pos: CharOffset) -> f32 {
        let Some(t) = self.heights.get(table) else {
            return 0.0;
        };
        let block = self.blocks.index_of(pos);
        let top = t.top(block);
        let r = self.blocks.range(block);
        let fraction = (pos.0.saturating_sub(r.start.0)) as f32 / r.char_len().max(1) as f32;
        top + fraction * t.height(block)
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
        let origin = ui.max_rect().min;
        let full_width = ui.available_width();
        let left = origin.x + ((full_width - geometry.wrap_width) / 2.0).max(0.0);
        let block_count = self.blocks.len();

        // Lay out the blocks near the viewport, refining their heights.
        let mut placed: Vec<(usize, f32)> = Vec::new();
        let y_min = (viewport.min.y - MARGIN_POINTS).max(0.0);
        let y_max = viewport.max.y + MARGIN_POINTS;
        let mut block = self.heights[table]
            .index_at(y_min)
            .min(block_count.saturating_sub(1));
        let mut top = self.heights[table].top(block);
        let mut correction = 0.0;
        while block < block_count && top < y_max {
            let height = self.ensure_paragraph(ui, input, block, geometry);
            let old = self.heights[table].height(block);
            if (old - height).abs() > 0.01 {
                if top + old <= viewport.min.y {
                    correction += height - old;
                }
                self.heights[table].set(block, height);
            }
            placed.push((block, top));
            top += height;
            block += 1;
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
            blocks: placed,
        };

        self.input_ui(ui, &response, input, &layout, &mut output);
        self.hovered.clone_from(&output.hovered);
        self.paint_ui(ui, input, &layout, geometry);
        let n = layout.blocks.len();
        self.last_layout = Some(layout);
        (output, n)
    }

    /// Build (or reuse) block `index`'s galley; returns its height.
    fn ensure_paragraph(
        &mut self,
        ui: &egui::Ui,
        input: &ViewInput<'_>,
        index: usize,
        geometry: Geometry,
    ) -> f32 {
        let inputs_key = (input.annotations.revision(), self.filter_key);
        let frame = self.frame;
        let size_key = (geometry.wrap_width.to_bits(), geometry.font_size.to_bits());
        if let Some(p) = self.paragraphs.get_mut(&index)
            && p.size_key == size_key
            && p.inputs_key == inputs_key
        {
            p.last_used = frame;
            return p.galley.size().y;
        }
        let Some(&block) = self.blocks.get(index) else {
            return 0.0;
        };
        let style_input = style_input(input, &block);
        let style_key = style_input.cache_key();
        if let Some(p) = self.paragraphs.get_mut(&index)
            && p.size_key == size_key
            && p.style_key == style_key
        {
            p.inputs_key = inputs_key;
            p.last_used = frame;
            return p.galley.size().y;
        }
        let palette = self.palette.clone().unwrap_or_default();
        let dashes = self
            .dash_texture
            .get_or_insert_with(|| paint::dash_texture(ui.ctx()))
            .id();
        let mut p = build_paragraph(
            ui,
            input.article,
            &style_input,
            block.direction,
            &palette,
            geometry,
            dashes,
        );
        p.size_key = size_key;
        p.style_key = style_key;
        p.inputs_key = inputs_key;
        p.last_used = frame;
        p.bytes = p.approx_bytes();
        let height = p.galley.size().y;
        self.paragraphs.insert(index, p);
        height
    }

    /// Keep the cache bounded, in paragraphs and in bytes: drop the least
    /// recently used paragraphs, never one used in the last two frames.
    /// Densely annotated paragraphs cost ~400 KB each (a box per char,
    /// highlight meshes and their placed copies): a count alone let a
    /// scroll through 50,000 spans keep 117 MB of them.
    fn evict(&mut self, placed_count: usize) {
        let max_count = 4 * placed_count + 256;
        let mut count = self.paragraphs.len();
        let mut bytes = self.cached_paragraph_bytes();
        if count <= max_count && bytes <= PARAGRAPH_CACHE_BYTES {
            return;
        }
        let mut by_age: Vec<(u64, usize, usize)> = self
            .paragraphs
            .iter()
            .map(|(&line, p)| (p.last_used, line, p.bytes))
            .collect();
        by_age.sort_unstable();
        for (last_used, line, size) in by_age {
            if last_used + 2 >= self.frame || (count <= max_count && bytes <= PARAGRAPH_CACHE_BYTES)
            {
                break;
            }
            self.paragraphs.remove(&line);
            count -= 1;
            bytes -= size;
        }
    }

    /// About how many bytes the cached paragraphs hold (for tests and benches).
    pub fn cached_paragraph_bytes(&self) -> usize {
        self.paragraphs.values().map(|p| p.bytes).sum()
    }

    /// The selected annotation's ranges: all the fragments of its span
    /// (one range for a whole annotation), cached per annotations revision.
    fn selected_ranges(&mut self, input: &ViewInput<'_>) -> Vec<CharRange> {
        let Some(id) = input.selected_annotation else {
            return Vec::new();
        };
        let revision = input.annotations.revision();
        match &self.selected_cache {
            Some((cached, rev, ranges)) if cached == id && *rev == revision => ranges.clone(),
            _ => {
                let ranges: Vec<CharRange> = crate::model::fragments::group(input.annotations, id)
                    .into_iter()
                    .map(Annotation::range)
                    .collect();
                self.selected_cache = Some((id.clone(), revision, ranges.clone()));
                ranges
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

/// The blocks placed this frame: `(block index, content y of its top)`.
struct Placed {
    left: f32,
    origin_y: f32,
    blocks: Vec<(usize, f32)>,
}

/// One laid-out paragraph with what is needed to paint and hit-test it.
struct Paragraph {
    size_key: (u32, u32),
    /// [`StyleInput::cache_key`] of the style it was laid out with.
    style_key: u64,
    /// (annotations revision, filter hash) it was last checked against.
    inputs_key: (u64, u64),
    last_used: u64,
    /// [`Paragraph::approx_bytes`] when it was built.
    bytes: usize,
    galley: Arc<Galley>,
    map: GlyphMap,
    /// Highlight fills (under the text), tessellated once relative to the galley.
    fills: Arc<egui::Mesh>,
    /// The fills' rectangles (galley-relative) with their labels, for
    /// [`ArticleView::highlight_rects`].
    fill_rects: Vec<(Label, Rect)>,
    /// `fills`, `decorations` and `dashes` moved to where they were last painted.
    placed: Option<(egui::Vec2, [Arc<egui::Mesh>; 3])>,
    /// Bars and strike-throughs, tessellated once relative to the galley.
    decorations: Arc<egui::Mesh>,
    /// Dashed outlines of unreviewed spans, on the dash texture.
    dashes: Arc<egui::Mesh>,
}

impl Paragraph {
    /// The heap bytes it holds, roughly: the galley's glyphs and meshes, the
    /// glyph map, and the highlight meshes counted twice (painting keeps a
    /// moved copy of each).
    fn approx_bytes(&self) -> usize {
        use std::mem::size_of;
        let mesh = |m: &egui::Mesh| {
            m.vertices.capacity() * size_of::<egui::epaint::Vertex>() + m.indices.capacity() * 4
        };
        let rows: usize = self
            .galley
            .rows
            .iter()
            .map(|r| {
                r.row.glyphs.capacity() * size_of::<egui::epaint::text::Glyph>()
                    + mesh(&r.row.visuals.mesh)
                    + size_of::<egui::epaint::text::Row>()
            })
            .sum();
        rows + self.map.heap_bytes()
            + self.fill_rects.len() * size_of::<(Label, Rect)>()
            + 2 * (mesh(&self.fills) + mesh(&self.decorations) + mesh(&self.dashes))
    }
}

#[derive(Clone, Copy, Debug)]
enum Decoration {
    Fill { rect: Rect, color: Color32 },
    Bar { rect: Rect, color: Color32 },
    Strike { rect: Rect, color: Color32 },
    Dashed { rect: Rect, color: Color32 },
}

/// Everything the style of `block` depends on: its place, its header, and
/// the shown annotations overlapping it.
fn style_input(input: &ViewInput<'_>, block: &Block) -> StyleInput {
    let article = input.article;
    let range = block.range;
    let title_at = article
        .meta()
        .header
        .filter(|h| h.start == range.start && block.line == 0)
        .and_then(|_| layout::title_char_start(article.slice(range)?, article));
    StyleInput {
        para_start: range.start.0,
        char_len: range.char_len(),
        title_at,
        spans: input
            .annotations
            .overlapping(range)
            .filter(|a| input.filter.accepts_in_text(a))
            .map(Span::of)
            .collect(),
    }
}
