//! The "Needs attention" list: annotations whose anchoring or merge needs a
//! person's decision.
//!
//! Moved and Fuzzy annotations (found again elsewhere or approximately after
//! the article changed) can be confirmed, which makes them Exact. Orphans
//! (not found) keep their quote and can be re-attached to the current text
//! selection or deleted on purpose. Conflicted annotations (both writers
//! changed them; THEIRS is kept in `conflict`) are resolved as mine or
//! theirs. Every resolution is one undoable step ([`Workspace::resolve`]);
//! nothing here drops an annotation unasked.
use crate::model::annotation::{AnchorState, Annotation};
use crate::window::bidi_text::label_text;
use crate::window::panels::Panel;
use crate::window::text::{differing_fields, quoted};
use crate::window::workspace::{Resolve, Workspace};
use eframe::egui;

/// The list (no state of its own).
#[derive(Debug, Default)]
pub struct Attention;

impl Attention {
    /// True when the open article has something that needs attention.
    pub fn is_needed(ws: &Workspace) -> bool {
        ws.doc
            .as_ref()
            .is_some_and(|d| d.annotations.attention_count() > 0)
    }
}

impl Panel for Attention {
    type Output = ();

    fn ui(&mut self, ui: &mut egui::Ui, ws: &mut Workspace) {
        let Some(doc) = &ws.doc else {
            return;
        };
        let has_selection = ws.selection.is_some_and(|r| !r.is_empty());
        let mut decision = None;
        ui.strong("Needs attention");
        egui::ScrollArea::vertical()
            .id_salt("attention")
            .max_height(260.0)
            .show(ui, |ui| {
                for a in doc.annotations.iter() {
                    if a.anchor != AnchorState::Exact || a.conflict.is_some() {
                        decision = card_ui(ui, a, has_selection).or(decision.take());
                    }
                }
            });
        if let Some(d) = decision
            && let Err(msg) = ws.resolve(d)
        {
            ws.message = msg;
        }
    }
}

/// One annotation's card: what happened to it, and the decisions it offers.
fn card_ui(ui: &mut egui::Ui, a: &Annotation, has_selection: bool) -> Option<Resolve> {
    let id = a.id.clone();
    let state = match a.anchor {
        AnchorState::Exact => "conflict",
        AnchorState::Moved => "Moved",
        AnchorState::Fuzzy => "Fuzzy",
        AnchorState::Orphaned => "Orphaned",
    };
    let mut decision = None;
    ui.group(|ui| {
        ui.set_width(ui.available_width());
        let head = egui::RichText::new(format!("{} · {state}", a.label)).strong();
        if ui
            .add(egui::Label::new(head).sense(egui::Sense::click()))
            .clicked()
        {
            decision = Some(Resolve::Select(id.clone()));
        }
        ui.label(label_text(&quoted(&a.quote, 80)).into_owned());
        if let Some(old) = &a.original_quote {
            ui.weak(label_text(&format!("was {}", quoted(old, 80))).into_owned());
        }
        ui.horizontal_wrapped(|ui| match a.anchor {
            AnchorState::Moved | AnchorState::Fuzzy => {
                if ui.button("Confirm").clicked() {
                    decision = Some(Resolve::Confirm(id.clone()));
                }
            }
            AnchorState::Orphaned => {
                if ui
                    .add_enabled(has_selection, egui::Button::new("Re-attach to selection"))
                    .on_disabled_hover_text("Select the text in the article first")
                    .clicked()
                {
                    decision = Some(Resolve::Reattach(id.clone()));
                }
                if ui.button("Delete orphan").clicked() {
                    decision = Some(Resolve::Delete(id.clone()));
                }
            }
            AnchorState::Exact => {}
        });
        if a.conflict.is_some() {
            decision = conflict_ui(ui, a).or(decision.take());
        }
    });
    decision
}

/// A merge conflict: the fields that differ, mine beside theirs, then Keep
/// mine or Take theirs.
fn conflict_ui(ui: &mut egui::Ui, a: &Annotation) -> Option<Resolve> {
    let theirs = a.conflict.as_ref()?;
    let rows = differing_fields(a, theirs);
    egui::Grid::new(("conflict", &a.id))
        .num_columns(3)
        .striped(true)
        .show(ui, |ui| {
            ui.label("");
            ui.strong("mine");
            ui.strong("theirs");
            ui.end_row();
            for (field, mine, theirs) in &rows {
                ui.weak(field);
                ui.add(egui::Label::new(mine).wrap());
                ui.add(egui::Label::new(theirs).wrap());
                ui.end_row();
            }
        });
    if rows.is_empty() {
        ui.weak("Both versions now read the same; keep either.");
    }
    let mut decision = None;
    ui.horizontal_wrapped(|ui| {
        if ui.button("Keep mine").clicked() {
            decision = Some(Resolve::KeepMine(a.id.clone()));
        }
        if ui.button("Take theirs").clicked() {
            decision = Some(Resolve::TakeTheirs(a.id.clone()));
        }
    });
    decision
}
