//! The annotation list: filters by label, status and author, and one row
//! per annotation (colour, kind, quote, speaker, author, time).
//!
//! The list shows only the rows in view (`ScrollArea::show_rows`), and the
//! filtered index list is rebuilt only when the annotations or the filters
//! change, so the panel stays fast with tens of thousands of annotations.
//! Row texts are made once per annotation version ([`Stamp`]) and minute.
use crate::model::annotation::{Annotation, AnnotationId, Label, Stamp, Status};
use crate::model::filter::Filter;
use crate::store::schema::Schema;
use crate::window::palette::Palette;
use crate::window::panels::{Panel, chip_ui, palette};
use crate::window::text::{quoted, speaker_text};
use crate::window::workspace::Workspace;
use chrono::{DateTime, Local, Utc};
use eframe::egui;
use std::collections::HashMap;

/// Id of the author filter field.
pub const AUTHOR_FILTER_ID: &str = "marginalia.author_filter";

/// The list and what it keeps between frames.
#[derive(Debug, Default)]
pub struct AnnotationList {
    /// Indexes (into the sorted annotations) that pass the filter.
    rows: Vec<usize>,
    /// (article generation, annotations revision, filter) the rows were built for.
    rows_key: Option<(u64, u64, Filter)>,
    /// Row texts by annotation version, for the minute they were made in
    /// (they hold a relative time): formatting a row, with its speaker
    /// looked up and its time zone applied, every frame cost more than
    /// drawing it.
    row_texts: RowTexts,
    /// The selected annotation the list last brought into view, and the
    /// list's height then.
    followed: (Option<AnnotationId>, f32),
    /// The visible part of the rows after the last frame (offset, height).
    viewport: (f32, f32),
    /// Whether the filters are folded to one line, to keep room for rows
    /// in a short panel (see [`AnnotationList::fit`]); `None` before the
    /// first frame.
    compact: Option<bool>,
    /// The filters' fold state changed with the room: open or close them.
    refold: bool,
}

#[derive(Debug, Default)]
struct RowTexts {
    /// (annotations revision, minute) the texts belong to.
    key: (u64, i64),
    texts: HashMap<Stamp, String>,
}

impl Panel for AnnotationList {
    type Output = ();

    /// Filters, then the rows; a click selects (or, while linking, picks
    /// the speaker).
    fn ui(&mut self, ui: &mut egui::Ui, ws: &mut Workspace) {
        let Some(doc) = &ws.doc else { return };
        let count = format!("Annotations ({})", doc.annotations.len());
        let summary = filter_summary(&ws.filter);
        let compact = self.compact == Some(true);
        // A short panel gives the heading's line to the rows: the count
        // goes on the filters' one line (cut short to the panel's width,
        // the whole of it on hover).
        let header = if compact {
            let what = summary.strip_prefix("Filters: ").unwrap_or(&summary);
            format!("{count} · {what}")
        } else {
            ui.heading(count);
            summary
        };
        let open = std::mem::take(&mut self.refold).then_some(!compact);
        let shown = if compact {
            // egui's header never wraps nor cuts its text: it would widen
            // the panel past the window.
            let room = ui.available_width() - ui.spacing().indent - ui.spacing().button_padding.x;
            cut_to_width(ui, &header, room)
        } else {
            header.clone()
        };
        let filters = egui::CollapsingHeader::new(shown)
            .id_salt("annotation_filters")
            .default_open(!compact)
            .open(open)
            .show(ui, |ui| filters_ui(ui, &mut ws.filter));
        if compact {
            filters.header_response.on_hover_text(header);
        }
        ui.separator();
        let key = (
            ws.generation(),
            doc.annotations.revision(),
            ws.filter.clone(),
        );
        if self.rows_key.as_ref() != Some(&key) {
            self.rows = doc
                .annotations
                .iter()
                .enumerate()
                .filter(|(_, a)| ws.filter.accepts(a))
                .map(|(i, _)| i)
                .collect();
            self.rows_key = Some(key);
        }
        let palette = palette(ws, ui.visuals().dark_mode);
        let clicked = self.rows_ui(ui, ws, &palette);
        if let Some(id) = clicked {
            ws.click_annotation(id);
        }
    }
}

impl AnnotationList {
    fn rows_ui(
        &mut self,
        ui: &mut egui::Ui,
        ws: &Workspace,
        palette: &Palette,
    ) -> Option<AnnotationId> {
        let doc = ws.doc.as_ref()?;
        let row_height = Self::row_height(ui);
        let now = Utc::now();
        let texts_key = (doc.annotations.revision(), now.timestamp() / 60);
        if self.row_texts.key != texts_key || self.row_texts.texts.len() > 4096 {
            self.row_texts = RowTexts {
                key: texts_key,
                texts: HashMap::new(),
            };
        }
        let pitch = Self::row_pitch(ui);
        let follow = self.follow_selection(doc, ws.selected.as_ref(), pitch);
        let offset = follow.map(|row| self.offset_showing(row, row_height, pitch));
        let texts = &mut self.row_texts.texts;
        let mut clicked = None;
        // A solid bar, shown whenever rows are out of view (a floating one
        // only shows on hover, so rows looked missing).
        ui.spacing_mut().scroll = egui::style::ScrollStyle::solid();
        // A whole number of rows high, so a list scrolled to a whole row
        // (see `offset_showing`) shows no row cut at its top, to its end.
        let room = ui.available_height();
        let whole_rows = ((room + pitch - row_height) / pitch).floor().max(1.0);
        let height = (whole_rows * pitch - (pitch - row_height)).min(room);
        let mut area = egui::ScrollArea::vertical()
            .id_salt("annotation_list")
            .max_height(height)
            // egui's least height (64 points) ran rows under the editor
            // where a short window leaves the list less.
            .min_scrolled_height(height.min(64.0))
            .auto_shrink([false, true])
            .animated(false);
        if let Some(offset) = offset {
            area = area.vertical_scroll_offset(offset);
        }
        let out = area.show_rows(ui, row_height, self.rows.len(), |ui, visible| {
            for &i in self.rows.get(visible).unwrap_or_default() {
                let (Some(a), Some(&stamp)) = (
                    doc.annotations.as_slice().get(i),
                    doc.annotations.stamps().get(i),
                ) else {
                    continue;
                };
                let is_selected = ws.selected.as_ref() == Some(&a.id);
                let text = texts.entry(stamp).or_insert_with(|| {
                    let speaker = speaker_text(a, &doc.annotations, 24);
                    row_text(a, &kind_text(a, &ws.schema), speaker.as_deref(), now)
                });
                if row_ui(ui, a, text, palette, is_selected, row_height).clicked() {
                    clicked = Some(a.id.clone());
                }
            }
        });
        let viewport = (out.state.clamped_offset().y, out.inner_rect.height());
        if viewport.1 != self.viewport.1 {
            // One more frame, to bring the selected row back into view.
            ui.ctx().request_repaint();
        }
        self.viewport = viewport;
        if self.rows.is_empty() {
            ui.weak(if doc.annotations.is_empty() {
                "No annotations yet: select text and press E, C or Q."
            } else {
                "No annotation matches the filters."
            });
        }
        clicked
    }
}

impl AnnotationList {
    /// The height the list keeps above the editor in a side panel `panel`
    /// high: its heading, its filters (open, or folded to one line in a
    /// short panel) and five rows, but no more than 0.6 of the panel; and
    /// never less than two rows (at 600×400 with big text in review mode
    /// 0.6 of the panel left the rows no room), unless that leaves the
    /// editor less than `editor` points: then the list gives way, rows
    /// first, then its heading (from 26 pt in review mode at 600×400 the
    /// editor had no room at all).
    pub fn min_height(&self, ui: &egui::Ui, panel: f32, editor: f32) -> f32 {
        let compact = self.compact == Some(true);
        let five = Self::height_for(ui, compact, 5.0);
        let two = Self::height_for(ui, compact, 2.0);
        (five.min(panel * 0.6).max(two))
            .min(panel - editor)
            .clamp(0.0, panel.max(0.0))
    }

    /// The list's height with its filters (`compact`: folded to one line
    /// that holds the heading too) and `rows` rows.
    fn height_for(ui: &egui::Ui, compact: bool, rows: f32) -> f32 {
        let gap = ui.spacing().item_spacing.y;
        let line = ui.spacing().interact_size.y + gap;
        let heading = ui.text_style_height(&egui::TextStyle::Heading) + gap;
        let top = if compact { line } else { heading + 5.0 * line };
        // egui's separator: 6 points of room, then the gap.
        let separator = 6.0 + gap;
        top + separator + rows * Self::row_pitch(ui)
    }

    /// A row's height, and the distance from one row to the next.
    fn row_height(ui: &egui::Ui) -> f32 {
        ui.text_style_height(&egui::TextStyle::Body) + 2.0 * ui.spacing().item_spacing.y
    }

    fn row_pitch(ui: &egui::Ui) -> f32 {
        Self::row_height(ui) + ui.spacing().item_spacing.y
    }

    /// Fit the list to a side panel `height` tall: where the open filters
    /// and five rows would take more than half of it (a short window, with
    /// the editor below), the filters fold to one line that says what they
    /// hide, so the rows keep their room. They fold (or open) again only
    /// when the room changes that answer; a click on their line wins
    /// until then.
    pub fn fit(&mut self, ui: &egui::Ui, height: f32) {
        let compact = height < 2.0 * Self::height_for(ui, false, 5.0);
        if self.compact != Some(compact) {
            self.refold = self.compact.is_some() || compact;
            self.compact = Some(compact);
        }
    }

    /// When the selection moved to an annotation whose row is out of view
    /// (review mode's J/K, a click in the text), or the list changed height,
    /// that row, to bring into view.
    fn follow_selection(
        &mut self,
        doc: &crate::store::session::Session,
        selected: Option<&AnnotationId>,
        pitch: f32,
    ) -> Option<usize> {
        let (offset, height) = self.viewport;
        // Again when the list changed height (review mode's bar came, the
        // editor was resized), which can hide the row.
        let seen = self.followed.0.as_ref() == selected && self.followed.1 == height;
        if seen || height <= 0.0 {
            return None;
        }
        self.followed = (selected.cloned(), height);
        let index = doc.annotations.position(selected?)?;
        let row = self.rows.iter().position(|&i| i == index)?;
        let (top, bottom) = (row as f32 * pitch, (row as f32 + 1.0) * pitch);
        let in_view = top >= offset && bottom <= offset + height;
        (!in_view).then_some(row)
    }

    /// The scroll offset that brings `row` into view at a whole row's
    /// offset: near the middle of the list, with whole rows above it (a
    /// list centred on the row could show half of the one above at its
    /// top edge, which in a short window is most of what it shows).
    fn offset_showing(&self, row: usize, row_height: f32, pitch: f32) -> f32 {
        let height = self.viewport.1;
        // n rows take n pitches less one gap; at least the row itself.
        let gap = pitch - row_height;
        let whole_rows = ((height + gap) / pitch).floor().max(1.0) as usize;
        let first = row.saturating_sub((whole_rows - 1) / 2);
        first as f32 * pitch
    }
}

/// The filters' line: what they hide, if anything.
/// `text`, cut with `…` to fit `width` points in the button font.
fn cut_to_width(ui: &egui::Ui, text: &str, width: f32) -> String {
    let width_of = |t: &str| {
        egui::WidgetText::from(t)
            .into_galley(
                ui,
                Some(egui::TextWrapMode::Extend),
                f32::INFINITY,
                egui::TextStyle::Button,
            )
            .size()
            .x
    };
    if width_of(text) <= width {
        return text.to_owned();
    }
    let chars: Vec<char> = text.chars().collect();
    (0..chars.len())
        .rev()
        .map(|n| format!("{}…", chars[..n].iter().collect::<String>().trim_end()))
        .find(|cut| width_of(cut) <= width)
        .unwrap_or_else(|| "…".to_owned())
}

fn filter_summary(filter: &Filter) -> String {
    let mut hidden: Vec<String> = Label::ALL
        .into_iter()
        .zip(filter.labels)
        .filter(|(_, shown)| !shown)
        .map(|(l, _)| l.name().to_owned())
        .collect();
    hidden.extend(
        Status::ALL
            .into_iter()
            .zip(filter.statuses)
            .filter(|(_, shown)| !shown)
            .map(|(s, _)| s.name().to_owned()),
    );
    let author = filter.author.trim();
    match (hidden.is_empty(), author.is_empty()) {
        (true, true) => "Filters: showing all".to_owned(),
        (false, true) => format!("Filters: hiding {}", hidden.join(", ")),
        (true, false) => format!("Filters: author “{author}”"),
        (false, false) => format!("Filters: hiding {}; author “{author}”", hidden.join(", ")),
    }
}

fn filters_ui(ui: &mut egui::Ui, filter: &mut Filter) {
    ui.horizontal_wrapped(|ui| {
        for (i, label) in Label::ALL.into_iter().enumerate() {
            ui.checkbox(&mut filter.labels[i], label.name());
        }
    });
    ui.horizontal_wrapped(|ui| {
        for (i, status) in Status::ALL.into_iter().enumerate() {
            ui.checkbox(&mut filter.statuses[i], status.name());
        }
    });
    ui.horizontal(|ui| {
        let label = ui.label("Author:");
        ui.add(
            egui::TextEdit::singleline(&mut filter.author)
                .id(egui::Id::unique(AUTHOR_FILTER_ID))
                .hint_text("any")
                .desired_width(120.0),
        )
        .labelled_by(label.id);
    });
}

/// How a row names the annotation: its kind, as the schema calls it when
/// it is an alias (`Person (PER)`), else its label.
fn kind_text(a: &Annotation, schema: &Schema) -> String {
    match a.kind.as_deref() {
        Some(kind) => match schema.canonical_kind(kind) {
            Some(known) if known != kind => format!("{known} ({kind})"),
            _ => kind.to_owned(),
        },
        None => a.label.name().to_owned(),
    }
}

/// A row's text: kind, quote, speaker, author and relative time.
fn row_text(a: &Annotation, kind: &str, speaker: Option<&str>, now: DateTime<Utc>) -> String {
    let speaker = speaker.map(|s| format!(" — {s}")).unwrap_or_default();
    let text = format!(
        "{kind} · {}{speaker} · {} · {}",
        quoted(&a.quote, 36),
        a.author,
        relative_time(a.modified, now)
    );
    let text = match a.status {
        Status::Unreviewed => format!("◌ {text}"),
        Status::Accepted | Status::Rejected => text,
    };
    // egui draws labels in logical order: a Persian quote goes in visual order.
    crate::window::bidi_text::label_text(&text).into_owned()
}

fn row_ui(
    ui: &mut egui::Ui,
    a: &Annotation,
    text: &str,
    palette: &Palette,
    is_selected: bool,
    height: f32,
) -> egui::Response {
    ui.horizontal(|ui| {
        // Each row exactly `height` tall: `show_rows` places the rows it
        // builds by that height, so a shorter row let the rows below the
        // first drift from where scrolling expects them.
        ui.set_min_height(height);
        chip_ui(ui, palette.color(a.label));
        let text = match a.status {
            // Rejected rows are struck through, pre-annotations marked.
            Status::Rejected => egui::RichText::new(text).strikethrough().weak(),
            Status::Unreviewed => egui::RichText::new(text).italics(),
            Status::Accepted => egui::RichText::new(text),
        };
        ui.add(egui::Button::selectable(is_selected, text).truncate())
            .on_hover_ui(|ui| {
                ui.label(format!(
                    "{}..{}  {}  created {}",
                    a.start,
                    a.end,
                    a.status,
                    a.created.with_timezone(&Local).format("%Y-%m-%d %H:%M")
                ));
            })
    })
    .inner
}

/// "just now", "5 min ago", "3 h ago", else the date.
pub fn relative_time(t: DateTime<Utc>, now: DateTime<Utc>) -> String {
    let s = (now - t).num_seconds();
    match s {
        ..60 => "just now".to_owned(),
        60..3600 => format!("{} min ago", s / 60),
        3600..86_400 => format!("{} h ago", s / 3600),
        _ => t.with_timezone(&Local).format("%Y-%m-%d").to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_filter_line_says_what_is_hidden() {
        let mut f = Filter::default();
        assert_eq!(filter_summary(&f), "Filters: showing all");
        f.labels[1] = false;
        f.statuses[2] = false;
        assert_eq!(filter_summary(&f), "Filters: hiding Claim, rejected");
        f.author = " ana ".into();
        assert_eq!(
            filter_summary(&f),
            "Filters: hiding Claim, rejected; author “ana”"
        );
    }

    #[test]
    fn relative_time_buckets() {
        let now = Utc::now();
        assert_eq!(relative_time(now, now), "just now");
        assert_eq!(
            relative_time(now - chrono::Duration::minutes(5), now),
            "5 min ago"
        );
        assert_eq!(
            relative_time(now - chrono::Duration::hours(3), now),
            "3 h ago"
        );
    }
}
