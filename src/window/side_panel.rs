//! The annotation list (filterable, virtualized) and the editor of the
//! selected annotation.
//!
//! The list shows only the rows in view (`ScrollArea::show_rows`), and the
//! filtered index list is rebuilt only when the annotations or the filters
//! change, so the panel stays fast with tens of thousands of annotations.
//! Edits are returned to the caller or applied through the [`Session`], so
//! they all land in the undo history.
use crate::model::annotation::{Annotation, AnnotationId, Label, Stamp, Status};
pub use crate::model::filter::Filter;
use crate::store::schema::Schema;
use crate::store::session::Session;
use crate::window::commands::Command;
use crate::window::palette::Palette;
use chrono::{DateTime, Local, Utc};
use eframe::egui;
use std::collections::BTreeSet;

/// Id of the entity-kind field.
pub const KIND_ID: &str = "marginalia.kind";
/// Id of the note field.
pub const NOTE_ID: &str = "marginalia.note";
/// Id of the author filter field.
pub const AUTHOR_FILTER_ID: &str = "marginalia.author_filter";
/// Most kind suggestions shown under the field.
const MAX_SUGGESTIONS: usize = 8;

/// Side panel state kept between frames.
#[derive(Debug, Default)]
pub struct ListState {
    /// The filters.
    pub filter: Filter,
    /// Indexes (into the sorted annotations) that pass the filter.
    rows: Vec<usize>,
    /// (annotations revision, filter) the rows were built for.
    rows_key: Option<(u64, Filter)>,
    /// Kinds already used, for completion, with the revision they were built for.
    kinds: (u64, Vec<String>),
    /// The annotation the edit buffers belong to.
    pub buffers_for: Option<AnnotationId>,
    /// The kind being typed.
    pub kind_buf: String,
    /// The note being typed.
    pub note_buf: String,
    /// Scroll the list to the selected row on the next frame.
    pub scroll_to_selected: bool,
    /// Row texts by annotation version, for the minute they were made in
    /// (they hold a relative time): formatting a row, with its speaker
    /// looked up and its time zone applied, every frame cost more than
    /// drawing it.
    row_texts: RowTexts,
}

#[derive(Debug, Default)]
struct RowTexts {
    /// (annotations revision, minute) the texts belong to.
    key: (u64, i64),
    texts: std::collections::HashMap<Stamp, String>,
}

/// What the panel asks the app to do.
#[derive(Debug, Default)]
pub struct PanelOutput {
    /// A row was clicked.
    pub clicked: Option<AnnotationId>,
    /// A button asked for an action.
    pub action: Option<Command>,
    /// A status message.
    pub message: Option<String>,
}

/// Keep what is typed in the kind and note fields (a command is about to
/// run while one of them may still have the keyboard, e.g. Ctrl+S). One
/// undo step; returns true when anything changed.
pub fn commit_typed(doc: &mut Session, state: &ListState, author: &str, now_s: f64) -> bool {
    let Some(id) = &state.buffers_for else {
        return false;
    };
    let Some(a) = doc.annotations.get(id) else {
        return false;
    };
    let kind = Some(state.kind_buf.trim().to_owned()).filter(|k| !k.is_empty());
    let note = Some(state.note_buf.trim_end().to_owned()).filter(|n| !n.is_empty());
    if a.kind == kind && a.note == note {
        return false;
    }
    doc.update(id, author, Utc::now(), now_s, |a, _| {
        a.kind = kind;
        a.note = note;
        true
    })
}

/// Draw the panel: filters, the list, then the editor of the selected annotation.
#[allow(clippy::too_many_arguments)]
pub fn side_panel_ui(
    ui: &mut egui::Ui,
    doc: &mut Session,
    state: &mut ListState,
    selected: Option<&AnnotationId>,
    palette: &Palette,
    author: &str,
    schema: &Schema,
    now_s: f64,
) -> PanelOutput {
    let mut out = PanelOutput::default();
    ui.heading(format!("Annotations ({})", doc.annotations.len()));
    filters_ui(ui, &mut state.filter);
    ui.separator();

    let key = (doc.annotations.revision(), state.filter.clone());
    if state.rows_key.as_ref() != Some(&key) {
        state.rows = doc
            .annotations
            .iter()
            .enumerate()
            .filter(|(_, a)| state.filter.accepts(a))
            .map(|(i, _)| i)
            .collect();
        state.rows_key = Some(key);
    }

    let editor_height = if selected.is_some() { 380.0 } else { 0.0 };
    let list_height = (ui.available_height() - editor_height).max(120.0);
    let row_height =
        ui.text_style_height(&egui::TextStyle::Body) + 2.0 * ui.spacing().item_spacing.y;
    let now = Utc::now();
    let texts_key = (doc.annotations.revision(), now.timestamp() / 60);
    if state.row_texts.key != texts_key || state.row_texts.texts.len() > 4096 {
        state.row_texts = RowTexts {
            key: texts_key,
            texts: Default::default(),
        };
    }
    let texts = &mut state.row_texts.texts;
    egui::ScrollArea::vertical()
        .id_salt("annotation_list")
        .max_height(list_height)
        .auto_shrink([false, true])
        .show_rows(ui, row_height, state.rows.len(), |ui, visible| {
            for &i in state.rows.get(visible).unwrap_or_default() {
                let (Some(a), Some(&stamp)) = (
                    doc.annotations.as_slice().get(i),
                    doc.annotations.stamps().get(i),
                ) else {
                    continue;
                };
                let is_selected = selected == Some(&a.id);
                let text = texts.entry(stamp).or_insert_with(|| {
                    let speaker = a
                        .speaker()
                        .and_then(|id| doc.annotations.get(id))
                        .map(|s| s.quote.as_str());
                    row_text(a, speaker, now)
                });
                if row_ui(ui, a, text, palette, is_selected).clicked() {
                    out.clicked = Some(a.id.clone());
                }
            }
        });
    if state.rows.is_empty() {
        ui.weak(if doc.annotations.is_empty() {
            "No annotations yet: select text and press E, C or Q."
        } else {
            "No annotation matches the filters."
        });
    }

    if let Some(id) = selected {
        ui.separator();
        editor_ui(ui, doc, state, id, palette, author, schema, now_s, &mut out);
    }
    out
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
        ui.label("Author:");
        ui.add(
            egui::TextEdit::singleline(&mut filter.author)
                .id(egui::Id::unique(AUTHOR_FILTER_ID))
                .hint_text("any")
                .desired_width(120.0),
        );
    });
}

/// A small colour square.
pub fn chip_ui(ui: &mut egui::Ui, color: egui::Color32) {
    let size = egui::vec2(10.0, 10.0);
    let (rect, _) = ui.allocate_exact_size(size, egui::Sense::hover());
    ui.painter().rect_filled(rect, 2.0, color);
}

/// A row's text: kind, quote, speaker, author and relative time.
fn row_text(a: &Annotation, speaker: Option<&str>, now: DateTime<Utc>) -> String {
    let kind = a.kind.as_deref().unwrap_or(a.label.name());
    let speaker = speaker
        .map(|s| format!(" — {}", crate::window::app::excerpt(s, 24)))
        .unwrap_or_default();
    let text = format!(
        "{kind} · “{}”{speaker} · {} · {}",
        crate::window::app::excerpt(&a.quote, 36),
        a.author,
        relative_time(a.modified, now)
    );
    match a.status {
        Status::Unreviewed => format!("◌ {text}"),
        Status::Accepted | Status::Rejected => text,
    }
}

fn row_ui(
    ui: &mut egui::Ui,
    a: &Annotation,
    text: &str,
    palette: &Palette,
    is_selected: bool,
) -> egui::Response {
    ui.horizontal(|ui| {
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

#[allow(clippy::too_many_arguments)]
fn editor_ui(
    ui: &mut egui::Ui,
    doc: &mut Session,
    state: &mut ListState,
    id: &AnnotationId,
    palette: &Palette,
    author: &str,
    schema: &Schema,
    now_s: f64,
    out: &mut PanelOutput,
) {
    let Some(a) = doc.annotations.get(id).cloned() else {
        return;
    };
    if state.buffers_for.as_ref() != Some(id) {
        state.buffers_for = Some(id.clone());
        state.kind_buf = a.kind.clone().unwrap_or_default();
        state.note_buf = a.note.clone().unwrap_or_default();
    }
    ui.strong(format!("“{}”", crate::window::app::excerpt(&a.quote, 80)));
    ui.weak(format!(
        "{}..{} · {} · {}",
        a.start,
        a.end,
        a.status,
        crate::window::review::origin_text(&a.origin)
    ));
    egui::CollapsingHeader::new("History")
        .id_salt("annotation_history")
        .default_open(true)
        .show(ui, |ui| {
            for line in crate::window::review::history_lines(&a) {
                ui.weak(line);
            }
        });
    ui.horizontal(|ui| {
        for label in Label::ALL {
            chip_ui(ui, palette.color(label));
            let button = egui::Button::selectable(a.label == label, label.name());
            if ui
                .add(button)
                .on_hover_text(format!("Relabel as {label}"))
                .clicked()
            {
                out.action = Some(Command::tag(label));
            }
        }
    });

    // Kind, committed on Enter or when the field loses focus.
    if doc.annotations.revision() != state.kinds.0 {
        let kinds: BTreeSet<&str> = doc
            .annotations
            .iter()
            .filter_map(|a| a.kind.as_deref())
            .collect();
        state.kinds = (
            doc.annotations.revision(),
            kinds.into_iter().map(str::to_owned).collect(),
        );
    }
    let mut commit_kind = None;
    ui.horizontal(|ui| {
        let kind_label = ui.label("Kind:");
        let r = ui
            .add(
                egui::TextEdit::singleline(&mut state.kind_buf)
                    .id(egui::Id::unique(KIND_ID))
                    .hint_text("Person, ORG, Place…")
                    .desired_width(160.0),
            )
            .labelled_by(kind_label.id);
        if r.lost_focus() {
            commit_kind = Some(state.kind_buf.clone());
        }
    });
    let typed = state.kind_buf.trim().to_lowercase();
    let suggestions: Vec<&String> = state
        .kinds
        .1
        .iter()
        .filter(|k| k.to_lowercase().starts_with(&typed) && k.as_str() != state.kind_buf.trim())
        .take(MAX_SUGGESTIONS)
        .collect();
    // A kind already offered under "Used" is not offered twice.
    let used: Vec<String> = suggestions.iter().map(|k| (*k).clone()).collect();
    if !suggestions.is_empty() {
        ui.horizontal_wrapped(|ui| {
            ui.weak("Used:");
            for k in suggestions {
                if ui.small_button(k).clicked() {
                    commit_kind = Some(k.clone());
                }
            }
        });
    }
    if a.label == Label::Entity {
        ui.horizontal_wrapped(|ui| {
            ui.weak("Kinds:");
            for k in schema.entity_kinds.iter().filter(|k| !used.contains(k)) {
                let is_current = a.kind.as_deref() == Some(k.as_str());
                if ui
                    .add(egui::Button::selectable(is_current, k.as_str()).small())
                    .on_hover_text("Set the kind (from the label schema)")
                    .clicked()
                {
                    commit_kind = Some(k.clone());
                }
            }
        });
    }
    attributes_ui(ui, doc, &a, schema, author, now_s, out);
    if let Some(kind) = commit_kind {
        state.kind_buf = kind.trim().to_owned();
        let new_kind = (!state.kind_buf.is_empty()).then(|| state.kind_buf.clone());
        if doc.update(id, author, Utc::now(), now_s, |a, _| {
            a.kind = new_kind;
            true
        }) {
            out.message = Some("Kind set".into());
        }
    }

    let note_label = ui.label("Note:");
    let r = ui
        .add(
            egui::TextEdit::multiline(&mut state.note_buf)
                .id(egui::Id::unique(NOTE_ID))
                .desired_rows(3)
                .desired_width(f32::INFINITY),
        )
        .labelled_by(note_label.id);
    if r.lost_focus() {
        let note = state.note_buf.trim_end().to_owned();
        let new_note = (!note.is_empty()).then_some(note);
        if doc.update(id, author, Utc::now(), now_s, |a, _| {
            a.note = new_note;
            true
        }) {
            out.message = Some("Note saved".into());
        }
    }

    ui.horizontal(|ui| {
        ui.label("Start:");
        if ui.small_button("◀").on_hover_text("Alt+Shift+←").clicked() {
            out.action = Some(Command::StartLeft);
        }
        if ui.small_button("▶").on_hover_text("Alt+Shift+→").clicked() {
            out.action = Some(Command::StartRight);
        }
        ui.label("End:");
        if ui.small_button("◀").on_hover_text("Shift+←").clicked() {
            out.action = Some(Command::EndLeft);
        }
        if ui.small_button("▶").on_hover_text("Shift+→").clicked() {
            out.action = Some(Command::EndRight);
        }
    });
    if ui.button("Delete (Del)").clicked() {
        out.action = Some(Command::Delete);
    }
}

/// One combo box per schema attribute of the annotation's label; the
/// choice is stored in `attrs` (one undo step).
fn attributes_ui(
    ui: &mut egui::Ui,
    doc: &mut Session,
    a: &Annotation,
    schema: &Schema,
    author: &str,
    now_s: f64,
    out: &mut PanelOutput,
) {
    let attributes = schema.label(a.label).attributes;
    let mut chosen: Option<(String, Option<String>)> = None;
    for (name, values) in &attributes {
        ui.horizontal(|ui| {
            let name_label = ui.label(format!("{name}:"));
            let current = a.attrs.get(name).cloned();
            egui::ComboBox::from_id_salt(("attr", name))
                .selected_text(current.as_deref().unwrap_or("—"))
                .show_ui(ui, |ui| {
                    if ui.selectable_label(current.is_none(), "—").clicked() {
                        chosen = Some((name.clone(), None));
                    }
                    for v in values {
                        let on = current.as_deref() == Some(v.as_str());
                        if ui.selectable_label(on, v).clicked() {
                            chosen = Some((name.clone(), Some(v.clone())));
                        }
                    }
                })
                .response
                .labelled_by(name_label.id);
        });
    }
    if let Some((name, value)) = chosen
        && doc.update(&a.id, author, Utc::now(), now_s, |x, _| {
            match &value {
                Some(v) => x.attrs.insert(name.clone(), v.clone()),
                None => x.attrs.remove(&name),
            };
            true
        })
    {
        out.message = Some(format!("{name} set"));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

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
