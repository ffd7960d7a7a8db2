//! The speaker picker shown after L (Link speaker): the article's entities,
//! nearest to the quote first. Not modal: clicking an entity in the text
//! picks it too. It takes the editor's place at the bottom of the side
//! panel (a floating window covered the top of the list, and a window over
//! the article would cover the entities to click), so the list, its
//! selected row and the article stay in view.
use crate::model::annotation::{Annotation, Label, Status};
use crate::window::bidi_text::label_text;
use crate::window::panels::Panel;
use crate::window::text::{excerpt, quoted};
use crate::window::workspace::Workspace;
use eframe::egui;

/// The picker (no state of its own; it shows while the workspace is linking).
#[derive(Debug, Default)]
pub struct SpeakerPicker;

/// The label of an entity in the speaker list.
pub fn entity_choice_text(a: &Annotation) -> String {
    let text = format!("{} ({}..{})", excerpt(&a.quote, 40), a.start, a.end);
    label_text(&text).into_owned()
}

impl Panel for SpeakerPicker {
    type Output = ();

    /// Draws the picker into `ui` (the editor's place) while linking; a
    /// pick links, Cancel stops.
    fn ui(&mut self, ui: &mut egui::Ui, ws: &mut Workspace) {
        let (Some(doc), Some(from_id)) = (&ws.doc, &ws.linking) else {
            return;
        };
        let Some(from) = doc.annotations.get(from_id) else {
            ws.linking = None;
            return;
        };
        let mut entities: Vec<&Annotation> = doc
            .annotations
            .iter()
            .filter(|a| a.label == Label::Entity && a.status != Status::Rejected)
            .collect();
        entities.sort_by_key(|a| a.start.0.abs_diff(from.start.0));
        let mut chosen = None;
        let mut cancel = false;
        ui.horizontal(|ui| {
            ui.strong("Link speaker");
            cancel = ui.button("Cancel (Esc)").clicked();
        });
        let question = format!(
            "Who said {}? Click an entity in the text, or pick one:",
            quoted(&from.quote, 40)
        );
        ui.label(label_text(&question).into_owned());
        if entities.is_empty() {
            ui.weak("This article has no entities yet: tag one with E first.");
        }
        for e in &entities {
            if ui.button(entity_choice_text(e)).clicked() {
                chosen = Some(e.id.clone());
            }
        }
        if let Some(speaker) = chosen {
            ws.link_to(&speaker);
        } else if cancel {
            ws.linking = None;
            ws.message = "Linking cancelled".into();
        }
    }
}
