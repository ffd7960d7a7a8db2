//! The "Needs attention" list: annotations whose anchoring or merge needs a
//! person's decision.
//!
//! Moved and Fuzzy annotations (found again elsewhere or approximately after
//! the article changed) can be confirmed, which makes them Exact. Orphans
//! (not found) keep their quote and can be re-attached to the current text
//! selection or deleted on purpose. Conflicted annotations (both writers
//! changed them; THEIRS is kept in `conflict`) are resolved as mine or
//! theirs. Invariant: every resolution is one undoable step through the
//! session's history; nothing here drops an annotation unasked.
use crate::model::annotation::{AnchorState, AnnotationId};
use crate::model::offset::CharRange;
use crate::window::app::{MarginaliaApp, excerpt};
use eframe::egui;

/// What the analyst decided for one annotation.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Resolve {
    /// Accept a Moved/Fuzzy anchoring as right: it becomes Exact.
    Confirm(AnnotationId),
    /// Move an orphan onto the current selection.
    Reattach(AnnotationId),
    /// Delete an orphan.
    Delete(AnnotationId),
    /// Keep my version of a conflicted annotation.
    KeepMine(AnnotationId),
    /// Take the other writer's version.
    TakeTheirs(AnnotationId),
    /// Select it (scroll there) in the list and view.
    Select(AnnotationId),
}

impl MarginaliaApp {
    /// Confirm every `Moved` annotation of the open article that still sits
    /// on its quote, as one undoable step (Review ▸ Confirm all moved).
    pub fn confirm_all_moved(&mut self, now_s: f64) {
        let who = self.prefs.author.clone();
        let now = chrono::Utc::now();
        let Some(doc) = &mut self.state.doc else {
            return;
        };
        let n = doc.update_all(&who, now, now_s, |a, article| {
            crate::model::reanchor::confirm(article, a, false)
        });
        self.state.message = match n {
            0 => "No moved annotations to confirm".into(),
            n => format!("{n} moved annotations confirmed (Ctrl+Z to undo)"),
        };
    }

    /// Apply a [`Resolve`] decision (what the buttons do).
    pub fn resolve(&mut self, decision: Resolve, now_s: f64) -> Result<(), String> {
        let who = self.prefs.author.clone();
        let now = chrono::Utc::now();
        let selection = self.state.selection;
        let Some(doc) = &mut self.state.doc else {
            return Err("No article is open".into());
        };
        let done = match &decision {
            Resolve::Confirm(id) => doc.update(id, &who, now, now_s, |a, _| {
                a.anchor = AnchorState::Exact;
                a.original_quote = None;
                true
            }),
            Resolve::Reattach(id) => {
                let Some(range) = selection.and_then(|r| doc.trimmed(r)) else {
                    return Err("Select the text to re-attach it to first".into());
                };
                doc.update(id, &who, now, now_s, |a, article| {
                    reattach(a, article, range)
                })
            }
            Resolve::Delete(id) => doc.delete(id, now_s),
            Resolve::KeepMine(id) => {
                doc.update(id, &who, now, now_s, |a, _| a.conflict.take().is_some())
            }
            Resolve::TakeTheirs(id) => doc.update(id, &who, now, now_s, |a, _| {
                let Some(theirs) = a.conflict.take() else {
                    return false;
                };
                *a = *theirs;
                a.conflict = None;
                true
            }),
            Resolve::Select(id) => {
                self.state.selected = Some(id.clone());
                return Ok(());
            }
        };
        if !done {
            return Err("Nothing changed".into());
        }
        self.state.message = match decision {
            Resolve::Confirm(_) => "Anchoring confirmed".into(),
            Resolve::Reattach(_) => {
                self.state.selection = None;
                "Orphan re-attached to the selection (Ctrl+Z to undo)".into()
            }
            Resolve::Delete(_) => "Orphan deleted (Ctrl+Z to undo)".into(),
            Resolve::KeepMine(_) => "Kept your version".into(),
            Resolve::TakeTheirs(_) => "Took the other writer's version".into(),
            Resolve::Select(_) => String::new(),
        };
        Ok(())
    }

    /// The "Needs attention" section: moved/fuzzy, orphaned and conflicted annotations.
    pub fn attention_ui(&mut self, ui: &mut egui::Ui) {
        let Some(doc) = &self.state.doc else {
            return;
        };
        let has_selection = self.state.selection.is_some_and(|r| !r.is_empty());
        let mut decision = None;
        ui.strong("Needs attention");
        egui::ScrollArea::vertical()
            .id_salt("attention")
            .max_height(260.0)
            .show(ui, |ui| {
                for a in doc.annotations.iter() {
                    let id = a.id.clone();
                    let state = match a.anchor {
                        AnchorState::Exact if a.conflict.is_none() => continue,
                        AnchorState::Exact => "",
                        AnchorState::Moved => "Moved",
                        AnchorState::Fuzzy => "Fuzzy",
                        AnchorState::Orphaned => "Orphaned",
                    };
                    ui.group(|ui| {
                        ui.set_width(ui.available_width());
                        let head = if state.is_empty() {
                            format!("{} · conflict", a.label)
                        } else {
                            format!("{} · {state}", a.label)
                        };
                        if ui
                            .add(
                                egui::Label::new(egui::RichText::new(head).strong())
                                    .sense(egui::Sense::click()),
                            )
                            .clicked()
                        {
                            decision = Some(Resolve::Select(id.clone()));
                        }
                        ui.label(format!("“{}”", excerpt(&a.quote, 80)));
                        if let Some(old) = &a.original_quote {
                            ui.weak(format!("was “{}”", excerpt(old, 80)));
                        }
                        ui.horizontal_wrapped(|ui| match a.anchor {
                            AnchorState::Moved | AnchorState::Fuzzy => {
                                if ui.button("Confirm").clicked() {
                                    decision = Some(Resolve::Confirm(id.clone()));
                                }
                            }
                            AnchorState::Orphaned => {
                                if ui
                                    .add_enabled(
                                        has_selection,
                                        egui::Button::new("Re-attach to selection"),
                                    )
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
                        if let Some(theirs) = &a.conflict {
                            ui.label(format!(
                                "Theirs: {} “{}”{}",
                                theirs.label,
                                excerpt(&theirs.quote, 60),
                                theirs
                                    .note
                                    .as_deref()
                                    .map(|n| format!(" — {}", excerpt(n, 40)))
                                    .unwrap_or_default()
                            ));
                            ui.horizontal(|ui| {
                                if ui.button("Keep mine").clicked() {
                                    decision = Some(Resolve::KeepMine(id.clone()));
                                }
                                if ui.button("Take theirs").clicked() {
                                    decision = Some(Resolve::TakeTheirs(id.clone()));
                                }
                            });
                        }
                    });
                }
            });
        if let Some(d) = decision {
            let now_s = ui.ctx().input(|i| i.time);
            if let Err(msg) = self.resolve(d, now_s) {
                self.state.message = msg;
            }
        }
    }
}

/// Put `a` on `range`: new quote and context, anchored exactly.
fn reattach(
    a: &mut crate::model::annotation::Annotation,
    article: &crate::model::document::Article,
    range: CharRange,
) -> bool {
    if !a.set_range(article, range) {
        return false;
    }
    a.anchor = AnchorState::Exact;
    true
}
