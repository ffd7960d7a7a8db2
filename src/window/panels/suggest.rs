//! Suggestions in the window's commands: Review ▸ Suggest with… (a modal
//! that lists the rules, the user's own suggesters and the folder's, and
//! confirms a folder's command before its first run), Shift+A in review
//! (accept a quote with its speaker and cue, one undo step) and Shift+E
//! (every occurrence of the selected entity).

use crate::analysis::suggest::RULES_NAME;
use crate::analysis::suggest::occurrences::{self, Tagged};
use crate::model::annotation::{Annotation, AnnotationId, Label, Status};
use crate::model::edit::Change;
use crate::window::prefs;
use crate::window::suggest::{AUTHOR_ROLES, Dialog, Offered, Source, plan_runs};
use crate::window::workspace::Workspace;
use eframe::egui;
use std::collections::BTreeSet;
use std::path::PathBuf;
use std::time::Duration;

impl Workspace {
    /// Review: accept the selected quote or claim together with its
    /// fragments and the speaker, source and cue they link to (and what a
    /// pronoun speaker refers to), as one undo step; then move on.
    /// Annotations already accepted or rejected are left as they are.
    pub fn accept_with_links(&mut self) {
        let (Some(doc), Some(id)) = (&mut self.doc, self.selected.clone()) else {
            self.message = "Pick a quote to review first (J)".into();
            return;
        };
        let set = &doc.annotations;
        let group = crate::model::fragments::group(set, &id);
        if group.first().is_none_or(|a| a.label == Label::Entity) {
            self.message = "Shift+A accepts a quote or claim with its speaker and cue; this is an entity (A accepts it)".into();
            return;
        }
        let mut ids: Vec<AnnotationId> = group.iter().map(|a| a.id.clone()).collect();
        let targets = |a: &Annotation, roles: &[&str]| -> Vec<AnnotationId> {
            a.links
                .iter()
                .filter(|l| roles.contains(&l.role.as_str()))
                .map(|l| l.target.clone())
                .collect()
        };
        let linked: Vec<AnnotationId> = group
            .iter()
            .flat_map(|a| targets(a, AUTHOR_ROLES))
            .collect();
        for t in linked {
            if let Some(speaker) = set.get(&t) {
                ids.extend(targets(speaker, &["refers-to"]));
            }
            ids.push(t);
        }
        let mut seen = BTreeSet::new();
        ids.retain(|i| seen.insert(i.clone()));
        let now = chrono::Utc::now();
        let change: Change = ids
            .iter()
            .filter_map(|i| set.get(i))
            .filter(|a| a.status == Status::Unreviewed)
            .map(|a| crate::model::review::decide(a, Status::Accepted, &self.prefs.author, now))
            .collect();
        let n = change.len();
        if n == 0 {
            self.message = "Already decided: nothing to accept".into();
            if self.review.active {
                self.review_step(Some(true));
            }
            return;
        }
        // Named by what was accepted: a claim is no quote, and there may
        // be no cue (or the speaker was decided already).
        let what = group.first().map_or_else(String::new, |a| {
            format!("{} {}", a.label, crate::window::text::quoted(&a.quote, 24))
        });
        let count = match n {
            1 => "1 annotation".to_owned(),
            n => format!("{n} annotations"),
        };
        if doc.apply(change, self.now_s) {
            self.review.decided.push(id);
            self.message =
                format!("Accepted {what} and what it links to: {count} (U or Ctrl+Z undoes)");
            if self.review.active {
                self.review_step(Some(true));
            }
        }
    }

    /// Shift+E: on a selected entity (no text selected), every occurrence;
    /// otherwise what E does (Shift held for a capital still tags).
    pub fn spread_or_tag(&mut self) {
        let spreads = self.selection.is_none()
            && self
                .selected_annotation()
                .is_some_and(|a| a.label == Label::Entity);
        if spreads {
            self.suggest_occurrences();
        } else if let Some(label) = self.schema.label_for_key('e') {
            self.tag(label);
        }
    }

    /// Suggest the selected entity's label and kind at every other
    /// whole-word occurrence of its text (unreviewed, one undo step).
    pub fn suggest_occurrences(&mut self) {
        let (Some(doc), Some(a)) = (&self.doc, self.selected_annotation()) else {
            self.message = "Select an entity first".into();
            return;
        };
        if a.label != Label::Entity {
            self.message = "Shift+E spreads an entity; select one".into();
            return;
        }
        let tagged = [Tagged {
            text: a.quote.as_str().to_owned(),
            kind: a.kind.clone(),
        }];
        let quote = crate::window::text::excerpt(&a.quote, 40);
        let wanted =
            occurrences::occurrences(&doc.file.article, doc.annotations.as_slice(), &tagged);
        let Some(doc) = &mut self.doc else { return };
        let (change, fingerprints, counts) = plan_runs(doc, &[(RULES_NAME.to_owned(), wanted)]);
        let n = counts.entities + counts.speakers + counts.cues;
        doc.suggested = fingerprints;
        if change.is_empty() {
            self.message = format!("No other occurrence of “{quote}” to suggest");
        } else if doc.apply(change, self.now_s) {
            self.message = format!(
                "Suggested “{quote}” at {n} other occurrence(s) (unreviewed; Ctrl+Z undoes)"
            );
        }
    }

    /// The rules, with the user's cue file.
    pub fn rules_source(&self) -> Source {
        Source::Rules {
            cues: self.prefs.cue_file.clone(),
        }
    }

    /// Review ▸ Suggest with…: offer the rules, the user's own suggesters
    /// (preferences) and the ones the article's `marginalia.ron` names.
    pub fn open_suggest_with(&mut self) {
        let mut offered = vec![Offered {
            source: self.rules_source(),
            file: None,
        }];
        offered.extend(self.prefs.suggesters.iter().map(|s| Offered {
            source: Source::Command {
                name: s.name.clone(),
                command: s.command.clone(),
                dir: None,
                timeout: Duration::from_secs(s.timeout_s),
            },
            file: None,
        }));
        if let Some(path) = &self.schema.source {
            offered.extend(self.schema.suggesters.iter().map(|(name, s)| Offered {
                source: Source::Command {
                    name: name.clone(),
                    command: s.command.clone(),
                    dir: path.parent().map(PathBuf::from),
                    // The file's own limit, else the default.
                    timeout: Duration::from_secs(s.timeout_s.unwrap_or(prefs::DEFAULT_TIMEOUT_S)),
                },
                file: Some((path.clone(), self.schema.sha256.clone())),
            }));
        }
        self.suggest.dialog = Some(Dialog::Pick(offered));
    }

    /// Run `offered` now, or first ask to confirm a folder's command that
    /// was not confirmed in this version of its file.
    fn choose(&mut self, offered: Offered, wake: impl Fn() + Send + 'static) {
        if let Some(file) = &offered.file
            && !self.prefs.trusted_suggester_files.contains(file)
        {
            self.suggest.dialog = Some(Dialog::Confirm(offered));
            return;
        }
        self.suggest.dialog = None;
        if let Some(doc) = &mut self.doc {
            self.message = self.suggest.start(doc, offered.source, wake);
        }
    }

    /// Draw Review ▸ Suggest with… while it is open.
    pub fn suggest_dialog_ui(&mut self, ctx: &egui::Context) {
        let Some(dialog) = self.suggest.dialog.clone() else {
            return;
        };
        let wake = {
            let ctx = ctx.clone();
            move || ctx.request_repaint()
        };
        let modal = egui::Modal::new(egui::Id::unique("marginalia.suggest_with"));
        match dialog {
            Dialog::Pick(offered) => {
                let mut chosen = None;
                let mut cancel = false;
                modal.show(ctx, |ui| {
                    ui.heading("Suggest with…");
                    for o in &offered {
                        if suggester_row_ui(ui, o) {
                            chosen = Some(o.clone());
                        }
                    }
                    ui.separator();
                    cancel = ui.button("Cancel").clicked();
                });
                if let Some(o) = chosen {
                    self.choose(o, wake);
                } else if cancel {
                    self.suggest.dialog = None;
                }
            }
            Dialog::Confirm(offered) => {
                let mut answer = None;
                modal.show(ctx, |ui| answer = confirm_ui(ui, &offered));
                match answer {
                    Some(true) => {
                        if let Some(file) = offered.file.clone() {
                            self.prefs.trusted_suggester_files.push(file);
                        }
                        self.choose(offered, wake);
                    }
                    Some(false) => {
                        self.suggest.dialog = None;
                        self.message = "Suggest: the folder's command was not run".into();
                    }
                    None => {}
                }
            }
        }
    }
}

/// One row of the pick list; true when it was clicked.
fn suggester_row_ui(ui: &mut egui::Ui, o: &Offered) -> bool {
    let clicked = ui.button(o.source.name()).clicked();
    if let Source::Command { command, .. } = &o.source {
        let from = match &o.file {
            Some((path, _)) => format!("{command}   (from {})", path.display()),
            None => format!("{command}   (your preferences)"),
        };
        ui.label(egui::RichText::new(from).monospace().small());
    }
    clicked
}

/// The confirmation of a folder's command: `Some(true)` to run it.
fn confirm_ui(ui: &mut egui::Ui, o: &Offered) -> Option<bool> {
    let Source::Command {
        command, timeout, ..
    } = &o.source
    else {
        return Some(true);
    };
    let path = o
        .file
        .as_ref()
        .map(|(p, _)| p.display().to_string())
        .unwrap_or_default();
    ui.heading("Run a command from this folder?");
    ui.label(format!(
        "{path} asks to run this command, with your permissions, in its folder:"
    ));
    ui.label(egui::RichText::new(command).monospace().strong());
    ui.label(format!(
        "It is stopped if it runs longer than {} s.",
        timeout.as_secs()
    ));
    ui.label("Run it only if you trust whoever wrote that file. Your answer is remembered until the file changes.");
    let mut answer = None;
    ui.horizontal(|ui| {
        if ui.button("Run it").clicked() {
            answer = Some(true);
        }
        if ui.button("Don’t run").clicked() {
            answer = Some(false);
        }
    });
    answer
}
