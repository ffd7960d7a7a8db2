//! The article view (PLACEHOLDER: the lead replaces this file with the real,
//! virtualized widget at merge; only its interface is relied on).
//!
//! Shows the whole article in one read-only `TextEdit` whose layouter paints
//! annotation highlights and the app's selection. Offsets are char offsets of
//! the article text; the placeholder does not handle RTL cursor drift.
use crate::core::annotation::{AnnotationId, Annotations};
use crate::core::document::Article;
use crate::core::offset::{CharOffset, CharRange};
use crate::ui::palette::Palette;
use eframe::egui;
use egui::text::{CCursor, LayoutJob, TextFormat};
use egui::{Color32, FontId};

/// What the view needs to draw one frame.
pub struct ViewInput<'a> {
    /// The article shown.
    pub article: &'a Article,
    /// Its annotations.
    pub annotations: &'a Annotations,
    /// The app's current text selection.
    pub selection: Option<CharRange>,
    /// The annotation selected in the app, drawn with an outline.
    pub selected_annotation: Option<&'a AnnotationId>,
    /// Label colours.
    pub palette: &'a Palette,
    /// Snap mouse selections to word edges.
    pub snap_to_words: bool,
    /// Body font size in points.
    pub font_size: f32,
    /// Annotations to outline because the one hovered or selected links to
    /// them (a quote's speaker).
    pub linked: &'a [AnnotationId],
}

/// What happened in the view this frame.
#[derive(Debug, Default)]
pub struct ViewOutput {
    /// `Some(new)` when the user changed the selection.
    pub selection: Option<Option<CharRange>>,
    /// An annotation the user clicked.
    pub clicked: Option<AnnotationId>,
    /// The annotation under the pointer.
    pub hovered: Option<AnnotationId>,
}

/// The article view widget state.
#[derive(Debug, Default)]
pub struct ArticleView {
    pending_scroll: Option<CharRange>,
    last_cursor: Option<(usize, usize)>,
}

impl ArticleView {
    /// A fresh view.
    pub fn new() -> Self {
        Self::default()
    }

    /// Forget per-article state (another article was loaded).
    pub fn reset(&mut self) {
        *self = Self::default();
    }

    /// Scroll so `range` is visible on the next frame.
    pub fn scroll_to(&mut self, range: CharRange) {
        self.pending_scroll = Some(range);
    }

    /// Draw the view.
    pub fn ui(&mut self, ui: &mut egui::Ui, input: &ViewInput<'_>) -> ViewOutput {
        let mut out = ViewOutput::default();
        let text = input.article.text();
        let font = FontId::proportional(input.font_size);
        let text_color = ui.visuals().text_color();
        let select_bg = ui.visuals().selection.bg_fill;
        let mut layouter = |ui: &egui::Ui, buf: &dyn egui::TextBuffer, wrap: f32| {
            let job = highlight_job(input, buf.as_str(), &font, text_color, select_bg, wrap);
            ui.fonts_mut(|f| f.layout_job(job))
        };
        egui::ScrollArea::vertical()
            .auto_shrink([false, false])
            .show(ui, |ui| {
                let output = egui::TextEdit::multiline(&mut { text })
                    .id(egui::Id::unique("marginalia.article_view"))
                    .desired_width(f32::INFINITY)
                    .frame(egui::Frame::NONE)
                    .layouter(&mut layouter)
                    .show(ui);
                let cursor = output
                    .cursor_range
                    .map(|r| (r.primary.index.0, r.secondary.index.0));
                if cursor != self.last_cursor {
                    self.last_cursor = cursor;
                    if let Some((a, b)) = cursor
                        && a != b
                    {
                        out.selection = Some(Some(CharRange::from_usize(a, b)));
                    }
                }
                if output.response.response.clicked()
                    && let Some(c) = output.cursor_range
                {
                    let at = CharOffset(c.primary.index.0);
                    out.clicked = input
                        .annotations
                        .overlapping(CharRange::new(at, at.forward(1)))
                        .next()
                        .map(|a| a.id.clone());
                }
                if let Some(range) = self.pending_scroll.take() {
                    let r = output
                        .galley
                        .pos_from_cursor(CCursor::new(range.start.0))
                        .translate(output.galley_pos.to_vec2());
                    ui.scroll_to_rect(r.expand(40.0), Some(egui::Align::Center));
                }
            });
        out
    }
}

/// One layout job for the whole text: annotation backgrounds, selection on top.
fn highlight_job(
    input: &ViewInput<'_>,
    text: &str,
    font: &FontId,
    color: Color32,
    select_bg: Color32,
    wrap: f32,
) -> LayoutJob {
    let mut job = LayoutJob::default();
    job.wrap.max_width = wrap;
    let article = input.article;
    let n = article.char_len();
    // Boundaries where the style may change.
    let mut cuts: Vec<usize> = vec![0, n];
    for a in input.annotations.iter() {
        cuts.extend([a.start.0.min(n), a.end.0.min(n)]);
    }
    if let Some(s) = input.selection {
        cuts.extend([s.start.0.min(n), s.end.0.min(n)]);
    }
    cuts.sort_unstable();
    cuts.dedup();
    for w in cuts.windows(2) {
        let piece = CharRange::from_usize(w[0], w[1]);
        let Some(byte) = article.byte_range(piece) else {
            continue;
        };
        let Some(s) = text.get(byte) else { continue };
        let mut format = TextFormat::simple(font.clone(), color);
        if let Some(a) = input.annotations.overlapping(piece).last() {
            format.background = input.palette.color(a.label);
            if Some(&a.id) == input.selected_annotation || input.linked.contains(&a.id) {
                format.underline = egui::Stroke::new(2.0, color);
            }
        }
        if input
            .selection
            .is_some_and(|sel| sel.contains_range(&piece))
        {
            format.background = select_bg;
        }
        job.append(s, 0.0, format);
    }
    job
}
