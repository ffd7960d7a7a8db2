//! The question asked before deleting an annotation others link to:
//! Unlink, Delete linked too, or Cancel; and, for one part of a
//! discontinuous span: this part, the whole span, or Cancel. A modal: while
//! it is open the keymap is in the dialog scope, so no shortcut reaches the
//! window behind.
use crate::model::annotation::Annotation;
use crate::model::review::{self, LinkedDelete};
use crate::window::bidi_text::label_text;
use crate::window::panels::Panel;
use crate::window::text::{excerpt, quoted};
use crate::window::workspace::Workspace;
use eframe::egui;

/// The dialog (it shows while the workspace has a pending delete).
#[derive(Debug, Default)]
pub struct LinkedDeleteDialog;

impl Panel for LinkedDeleteDialog {
    type Output = ();

    fn ui(&mut self, ui: &mut egui::Ui, ws: &mut Workspace) {
        let (Some(doc), Some(id)) = (&ws.doc, ws.pending_delete.clone()) else {
            return;
        };
        let Some(target) = doc.annotations.get(&id) else {
            ws.pending_delete = None;
            return;
        };
        let parts = crate::model::fragments::group(&doc.annotations, &id);
        if parts.len() > 1 {
            let place = parts.iter().position(|a| a.id == id).unwrap_or(0) + 1;
            let quotes: Vec<String> = parts.iter().map(|a| excerpt(&a.quote, 50)).collect();
            fragment_ui(ui, ws, &id, place, &quotes);
            return;
        }
        let linked: Vec<&Annotation> = review::linked_to(&doc.annotations, &id).collect();
        let mut answer = None;
        let width = (ui.ctx().content_rect().width() - 60.0).clamp(200.0, 420.0);
        let modal =
            egui::Modal::new(egui::Id::unique("marginalia.linked_delete")).show(ui.ctx(), |ui| {
                ui.set_width(width);
                ui.heading("Delete a linked annotation?");
                let text = format!(
                    "{} is linked from {} annotation(s):",
                    quoted(&target.quote, 40),
                    linked.len()
                );
                ui.label(label_text(&text).into_owned());
                for a in linked.iter().take(8) {
                    ui.weak(
                        label_text(&format!("{} {}", a.label, quoted(&a.quote, 50))).into_owned(),
                    );
                }
                ui.separator();
                ui.horizontal_wrapped(|ui| answer = buttons_ui(ui));
            });
        if modal.should_close() && answer.is_none() {
            answer = Some(None);
        }
        match answer {
            Some(Some(policy)) => {
                ws.pending_delete = None;
                ws.delete_with_links(&id, policy);
            }
            Some(None) => {
                ws.pending_delete = None;
                ws.message = "Nothing deleted".into();
            }
            None => {}
        }
    }
}

/// Delete one part of a discontinuous span, or all of it? `place` is the
/// part's number (from 1) among the span's `quotes`.
fn fragment_ui(
    ui: &mut egui::Ui,
    ws: &mut Workspace,
    id: &crate::model::annotation::AnnotationId,
    place: usize,
    quotes: &[String],
) {
    let mut answer: Option<Option<bool>> = None;
    let width = (ui.ctx().content_rect().width() - 60.0).clamp(200.0, 420.0);
    let modal =
        egui::Modal::new(egui::Id::unique("marginalia.fragment_delete")).show(ui.ctx(), |ui| {
            ui.set_width(width);
            ui.heading("Delete a part of a span?");
            ui.label(format!(
                "This is part {place} of a span in {} parts:",
                quotes.len()
            ));
            for q in quotes.iter().take(8) {
                ui.weak(label_text(&quoted(q, 80)).into_owned());
            }
            ui.separator();
            ui.horizontal_wrapped(|ui| {
                if ui
                    .button("Delete this part")
                    .on_hover_text("The span keeps its other parts (and its links)")
                    .clicked()
                {
                    answer = Some(Some(false));
                }
                if ui
                    .button("Delete the whole span")
                    .on_hover_text("Delete every part, and the links to them")
                    .clicked()
                {
                    answer = Some(Some(true));
                }
                if ui.button("Cancel").clicked() {
                    answer = Some(None);
                }
            });
        });
    if modal.should_close() && answer.is_none() {
        answer = Some(None);
    }
    match answer {
        Some(Some(whole)) => {
            ws.pending_delete = None;
            ws.delete_fragments(id, whole);
        }
        Some(None) => {
            ws.pending_delete = None;
            ws.message = "Nothing deleted".into();
        }
        None => {}
    }
}

/// The answer: `Some(Some(policy))`, `Some(None)` for Cancel, `None` for none yet.
fn buttons_ui(ui: &mut egui::Ui) -> Option<Option<LinkedDelete>> {
    let mut answer = None;
    if ui
        .button("Unlink")
        .on_hover_text("Delete it and remove the links to it")
        .clicked()
    {
        answer = Some(Some(LinkedDelete::Unlink));
    }
    if ui
        .button("Delete linked too")
        .on_hover_text("Delete it and the annotations that link to it")
        .clicked()
    {
        answer = Some(Some(LinkedDelete::DeleteLinked));
    }
    if ui.button("Cancel").clicked() {
        answer = Some(None);
    }
    answer
}
