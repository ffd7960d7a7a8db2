//! Review mode, speaker links and linked deletes: the window's side of
//! [`crate::model::review`].
//!
//! Review mode steps one annotation at a time through a queue (a
//! [`ReviewFilter`] in reading order) and shows a review card with its
//! context and history. The current annotation is always the app's selected
//! one, so relabel keys and the editor act on it. Every decision is a
//! `review::decide` edit applied through the session's history, so undo
//! takes it back. Nothing here holds an annotation across frames, only ids.
use crate::model::annotation::{Annotation, AnnotationId, Annotations, Label, Origin, Status};
use crate::model::review::{self, LinkedDelete, Progress, ReviewFilter};
use crate::window::commands::Command;
use crate::window::palette::Palette;
use crate::window::side_panel::chip_ui;
use chrono::{DateTime, Local, Utc};
use eframe::egui;

/// Id of the origin filter field of the review bar.
pub const ORIGIN_FILTER_ID: &str = "marginalia.review_origin";
/// Id of the author filter field of the review bar.
pub const AUTHOR_FILTER_ID: &str = "marginalia.review_author";

/// Review mode state kept between frames.
#[derive(Debug, Default)]
pub struct ReviewState {
    /// Review mode is on.
    pub active: bool,
    /// Which annotations are stepped through.
    pub filter: ReviewFilter,
    /// Ids decided in this session, newest last (what U takes back).
    pub decided: Vec<AnnotationId>,
    author_buf: String,
    origin_buf: String,
}

/// "37 of 112 reviewed".
pub fn progress_text(p: Progress) -> String {
    format!("{} of {} reviewed", p.reviewed, p.total)
}

/// Where an annotation came from, for people.
pub fn origin_text(origin: &Origin) -> String {
    match origin {
        Origin::Manual => "made by hand".to_owned(),
        Origin::Imported { source, format } => format!("imported from {source} ({format})"),
    }
}

/// A time in local time, to the minute.
pub fn when_text(t: DateTime<Utc>) -> String {
    t.with_timezone(&Local).format("%Y-%m-%d %H:%M").to_string()
}

/// The history lines of `a`: created, last changed, review decisions.
pub fn history_lines(a: &Annotation) -> Vec<String> {
    let mut lines = vec![format!(
        "Created by {} on {}",
        a.author,
        when_text(a.created)
    )];
    if a.modified != a.created {
        let who = a.modified_by.as_deref().unwrap_or(&a.author);
        lines.push(format!(
            "Last changed by {who} on {}",
            when_text(a.modified)
        ));
    }
    if a.reviews.is_empty() {
        lines.push("Not reviewed yet".to_owned());
    }
    for r in a.reviews.iter().rev() {
        lines.push(format!("{} by {} on {}", r.status, r.by, when_text(r.at)));
    }
    lines
}

/// What the review bar asks the app to do.
#[derive(Debug, Default)]
pub struct ReviewOutput {
    /// A button asked for an action.
    pub action: Option<Command>,
    /// The filter changed: move to the first annotation of the new queue.
    pub filter_changed: bool,
}

/// The review bar: progress, queue filters, buttons and the card of the
/// `current` annotation.
pub fn review_bar_ui(
    ui: &mut egui::Ui,
    set: &Annotations,
    state: &mut ReviewState,
    current: Option<&AnnotationId>,
    palette: &Palette,
) -> ReviewOutput {
    let mut out = ReviewOutput::default();
    let progress = review::progress(set, &state.filter);
    ui.horizontal_wrapped(|ui| {
        ui.strong("REVIEW MODE");
        ui.add(
            egui::ProgressBar::new(if progress.total == 0 {
                0.0
            } else {
                progress.reviewed as f32 / progress.total as f32
            })
            .desired_width(120.0),
        );
        ui.label(progress_text(progress));
        ui.separator();
        out.filter_changed |= filters_ui(ui, state);
        ui.separator();
        for (text, action, hover) in [
            ("◀ Prev", Command::ReviewPrevious, "K or P"),
            ("Next ▶", Command::ReviewNext, "J or N"),
            (
                "Next unreviewed",
                Command::ReviewNextUnreviewed,
                "Space or ]",
            ),
            ("Accept", Command::Accept, "A"),
            ("Reject", Command::Reject, "R"),
            ("Undo decision", Command::UndoDecision, "U"),
            ("Leave review", Command::ToggleReview, "Ctrl+R"),
        ] {
            if ui.button(text).on_hover_text(hover).clicked() {
                out.action = Some(action);
            }
        }
    });
    let Some(a) = current.and_then(|id| set.get(id)) else {
        ui.weak(if progress.total == 0 {
            "No annotation matches the review filter."
        } else {
            "Press J for the first annotation, Space for the next unreviewed."
        });
        return out;
    };
    card_ui(ui, set, a, palette);
    out
}

fn filters_ui(ui: &mut egui::Ui, state: &mut ReviewState) -> bool {
    let before = state.filter.clone();
    let status_text = |s: Option<Status>| s.map_or("any status", Status::name);
    let name = ui.label("Queue:");
    egui::ComboBox::from_id_salt("review_status")
        .selected_text(status_text(state.filter.status))
        .show_ui(ui, |ui| {
            for s in [None].into_iter().chain(Status::ALL.map(Some)) {
                ui.selectable_value(&mut state.filter.status, s, status_text(s));
            }
        })
        .response
        .labelled_by(name.id);
    let label_text = |l: Option<Label>| l.map_or("any label", Label::name);
    egui::ComboBox::from_id_salt("review_label")
        .selected_text(label_text(state.filter.label))
        .show_ui(ui, |ui| {
            for l in [None].into_iter().chain(Label::ALL.map(Some)) {
                ui.selectable_value(&mut state.filter.label, l, label_text(l));
            }
        })
        .response
        .labelled_by(name.id);
    ui.add(
        egui::TextEdit::singleline(&mut state.author_buf)
            .id(egui::Id::unique(AUTHOR_FILTER_ID))
            .hint_text("author")
            .desired_width(80.0),
    );
    ui.add(
        egui::TextEdit::singleline(&mut state.origin_buf)
            .id(egui::Id::unique(ORIGIN_FILTER_ID))
            .hint_text("origin")
            .desired_width(80.0),
    );
    let text = |s: &str| Some(s.trim().to_owned()).filter(|s| !s.is_empty());
    state.filter.author = text(&state.author_buf);
    state.filter.origin = text(&state.origin_buf);
    state.filter != before
}

/// The review card: the quote in its context, its label, kind, author,
/// origin, attributes and history.
fn card_ui(ui: &mut egui::Ui, set: &Annotations, a: &Annotation, palette: &Palette) {
    egui::Frame::group(ui.style()).show(ui, |ui| {
        ui.set_width(ui.available_width());
        ui.horizontal_wrapped(|ui| {
            ui.spacing_mut().item_spacing.x = 0.0;
            // Keep the space between the context and the quote.
            let gap = |yes: bool| if yes { " " } else { "" };
            let before = gap(a.prefix.ends_with(char::is_whitespace));
            let after = gap(a.suffix.starts_with(char::is_whitespace));
            ui.weak(format!("…{}{before}", one_line(&a.prefix)));
            let quote = egui::RichText::new(one_line(&a.quote))
                .strong()
                .background_color(palette.color(a.label));
            ui.label(quote);
            ui.weak(format!("{after}{}…", one_line(&a.suffix)));
        });
        ui.horizontal_wrapped(|ui| {
            chip_ui(ui, palette.color(a.label));
            ui.strong(a.label.name());
            if let Some(kind) = &a.kind {
                ui.label(format!("kind: {kind}"));
            }
            let status_color = match a.status {
                Status::Unreviewed => ui.visuals().warn_fg_color,
                Status::Accepted => ui.visuals().text_color(),
                Status::Rejected => ui.visuals().error_fg_color,
            };
            ui.colored_label(status_color, a.status.name());
            ui.label(format!("{}..{}", a.start, a.end));
            ui.label(format!("by {}", a.author));
            ui.label(origin_text(&a.origin));
            if let Some(speaker) = a.speaker().and_then(|id| set.get(id)) {
                ui.label(format!("speaker: {}", one_line(&speaker.quote)));
            }
            for (k, v) in &a.attrs {
                ui.label(format!("{k}: {v}"));
            }
        });
        if let Some(note) = &a.note {
            ui.label(format!("Note: {}", one_line(note)));
        }
        for line in history_lines(a) {
            ui.weak(line);
        }
    });
}

fn one_line(s: &str) -> String {
    s.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// The label of an entity in the speaker list.
pub fn entity_choice_text(a: &Annotation) -> String {
    format!(
        "{} ({}..{})",
        crate::window::app::excerpt(&a.quote, 40),
        a.start,
        a.end
    )
}

/// The speaker picker shown after L: the article's entities, nearest to the
/// quote first. Returns the chosen one, or `Err(())` when cancelled.
pub fn speaker_picker_ui(
    ctx: &egui::Context,
    set: &Annotations,
    from: &Annotation,
) -> Option<Result<AnnotationId, ()>> {
    let mut entities: Vec<&Annotation> = set
        .iter()
        .filter(|a| a.label == Label::Entity && a.status != Status::Rejected)
        .collect();
    let distance = |a: &Annotation| a.start.0.abs_diff(from.start.0);
    entities.sort_by_key(|a| distance(a));
    let mut chosen = None;
    egui::Window::new("Link speaker")
        .collapsible(false)
        .resizable(false)
        .anchor(egui::Align2::RIGHT_TOP, egui::vec2(-360.0, 80.0))
        .show(ctx, |ui| {
            ui.label(format!(
                "Who said “{}”? Click an entity in the text, or pick one:",
                crate::window::app::excerpt(&from.quote, 40)
            ));
            if entities.is_empty() {
                ui.weak("This article has no entities yet: tag one with E first.");
            }
            egui::ScrollArea::vertical()
                .max_height(300.0)
                .show(ui, |ui| {
                    for e in &entities {
                        if ui.button(entity_choice_text(e)).clicked() {
                            chosen = Some(Ok(e.id.clone()));
                        }
                    }
                });
            if ui.button("Cancel (Esc)").clicked() {
                chosen = Some(Err(()));
            }
        });
    chosen
}

/// The question asked before deleting an annotation others link to.
/// Returns the answer: a policy, or `Err(())` for Cancel.
pub fn linked_delete_modal_ui(
    ctx: &egui::Context,
    set: &Annotations,
    id: &AnnotationId,
) -> Option<Result<LinkedDelete, ()>> {
    let target = set.get(id)?;
    let linked: Vec<&Annotation> = review::linked_to(set, id).collect();
    let mut answer = None;
    let modal = egui::Modal::new(egui::Id::unique("marginalia.linked_delete")).show(ctx, |ui| {
        ui.set_width(420.0);
        ui.heading("Delete a linked annotation?");
        ui.label(format!(
            "“{}” is linked from {} annotation(s):",
            crate::window::app::excerpt(&target.quote, 40),
            linked.len()
        ));
        for a in linked.iter().take(8) {
            ui.weak(format!(
                "{} “{}”",
                a.label,
                crate::window::app::excerpt(&a.quote, 50)
            ));
        }
        ui.separator();
        ui.horizontal(|ui| {
            if ui
                .button("Unlink")
                .on_hover_text("Delete it and remove the links to it")
                .clicked()
            {
                answer = Some(Ok(LinkedDelete::Unlink));
            }
            if ui
                .button("Delete linked too")
                .on_hover_text("Delete it and the annotations that link to it")
                .clicked()
            {
                answer = Some(Ok(LinkedDelete::DeleteLinked));
            }
            if ui.button("Cancel").clicked() {
                answer = Some(Err(()));
            }
        });
    });
    if modal.should_close() && answer.is_none() {
        answer = Some(Err(()));
    }
    answer
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn progress_reads_like_a_sentence() {
        let p = Progress {
            reviewed: 37,
            total: 112,
        };
        assert_eq!(progress_text(p), "37 of 112 reviewed");
    }
}
