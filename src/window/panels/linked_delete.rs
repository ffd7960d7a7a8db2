//! The question asked before deleting an annotation others link to:
//! Unlink, Delete linked too, or Cancel. A modal: while it is open the
//! keymap is in the dialog scope, so no shortcut reaches the window behind.
use crate::model::annotation::Annotation;
use crate::model::review::{self, LinkedDelete};
use crate::window::panels::Panel;
use crate::window::text::excerpt;
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
        let linked: Vec<&Annotation> = review::linked_to(&doc.annotations, &id).collect();
        let mut answer = None;
        let width = (ui.ctx().content_rect().width() - 60.0).clamp(200.0, 420.0);
        let modal =
            egui::Modal::new(egui::Id::unique("marginalia.linked_delete")).show(ui.ctx(), |ui| {
                ui.set_width(width);
                ui.heading("Delete a linked annotation?");
                ui.label(format!(
                    "“{}” is linked from {} annotation(s):",
                    excerpt(&target.quote, 40),
                    linked.len()
                ));
                for a in linked.iter().take(8) {
                    ui.weak(format!("{} “{}”", a.label, excerpt(&a.quote, 50)));
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
