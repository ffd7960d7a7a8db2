//! The editor of the selected annotation: label, kind, attributes, links,
//! note, edges, delete, and its history.
//!
//! What is typed in the kind and note fields lives in edit buffers keyed on
//! the annotation's version [`Stamp`]: when the annotation changes under
//! them (undo, a merge, "take theirs"), a field nobody typed into shows the
//! new value at once, so the editor never shows stale text; a field with
//! typing keeps it. Typed text is never dropped: it is committed when its
//! field loses focus, before any command runs ([`Editor::commit`], called by
//! the app), and before the editor moves to another annotation.
use crate::model::annotation::{Annotation, AnnotationId, Label, Stamp};
use crate::model::review::linked_to;
use crate::window::bidi_text::label_text;
use crate::window::commands::Command;
use crate::window::panels::{Panel, chip_ui, command_button_ui, palette};
use crate::window::text::{history_lines, origin_text, quoted};
use crate::window::workspace::Workspace;
use eframe::egui;
use std::collections::BTreeSet;

/// Id of the entity-kind field.
pub const KIND_ID: &str = "marginalia.kind";
/// Id of the note field.
pub const NOTE_ID: &str = "marginalia.note";
/// Most kind suggestions shown under the field.
const MAX_SUGGESTIONS: usize = 8;

/// One edit buffer: what the field shows, and the value it was loaded from.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
struct Field {
    text: String,
    loaded: String,
}

impl Field {
    fn load(value: Option<&str>) -> Field {
        let v = value.unwrap_or_default().to_owned();
        Field {
            text: v.clone(),
            loaded: v,
        }
    }

    fn is_typed(&self) -> bool {
        self.text != self.loaded
    }

    /// The annotation now holds `value`. A field with typing keeps it (it
    /// is still committed later); one whose text is `value` (give or take
    /// what [`normal`] drops, like a trailing space being typed) keeps its
    /// text; any other shows `value`.
    fn refresh(&mut self, value: Option<&str>, normal: fn(&str) -> String) {
        let v = value.unwrap_or_default();
        if self.is_typed() {
            self.loaded = v.to_owned();
        } else if normal(&self.text) == v {
            self.loaded = self.text.clone();
        } else {
            *self = Field::load(Some(v));
        }
    }
}

fn normal_kind(s: &str) -> String {
    s.trim().to_owned()
}

fn normal_note(s: &str) -> String {
    s.trim_end().to_owned()
}

/// The kind and note buffers of one annotation version.
#[derive(Debug, Clone)]
struct Buffers {
    id: AnnotationId,
    stamp: Stamp,
    kind: Field,
    note: Field,
}

/// The editor's state.
#[derive(Debug, Default)]
pub struct Editor {
    buffers: Option<Buffers>,
    /// Kinds already used, per label, for completion, with the revision
    /// they were built for.
    kinds: (u64, Vec<(Label, String)>),
}

fn stamp_of(ws: &Workspace, id: &AnnotationId) -> Option<Stamp> {
    let doc = ws.doc.as_ref()?;
    let i = doc.annotations.position(id)?;
    doc.annotations.stamps().get(i).copied()
}

impl Editor {
    /// Commit what is typed in the kind and note fields (one undo step).
    /// Returns true when the annotation changed.
    pub fn commit(&mut self, ws: &mut Workspace) -> bool {
        let Some(b) = &mut self.buffers else {
            return false;
        };
        if !b.kind.is_typed() && !b.note.is_typed() {
            return false;
        }
        let kind = Some(normal_kind(&b.kind.text)).filter(|k| !k.is_empty());
        let note = Some(normal_note(&b.note.text)).filter(|n| !n.is_empty());
        let (set_kind, set_note) = (b.kind.is_typed(), b.note.is_typed());
        b.kind.loaded = b.kind.text.clone();
        b.note.loaded = b.note.text.clone();
        let Some(doc) = &mut ws.doc else {
            return false;
        };
        let who = ws.prefs.author.clone();
        let changed = doc.update(&b.id, &who, chrono::Utc::now(), ws.now_s, |a, _| {
            let before = (a.kind.clone(), a.note.clone());
            if set_kind {
                a.kind = kind;
            }
            if set_note {
                a.note = note;
            }
            (a.kind.clone(), a.note.clone()) != before
        });
        if changed {
            ws.message = match (set_kind, set_note) {
                (true, true) => "Kind and note saved".into(),
                (true, false) => "Kind set".into(),
                _ => "Note saved".into(),
            };
        }
        changed
    }

    /// Point the buffers at the selected annotation's current version.
    fn sync(&mut self, ws: &mut Workspace) -> Option<Annotation> {
        let id = ws.selected.clone();
        if self.buffers.as_ref().map(|b| &b.id) != id.as_ref() {
            // Moving to another annotation keeps what was typed for the last.
            self.commit(ws);
            self.buffers = None;
        }
        let id = id?;
        let a = ws.doc.as_ref()?.annotations.get(&id)?.clone();
        let stamp = stamp_of(ws, &id)?;
        match &mut self.buffers {
            Some(b) if b.stamp == stamp => {}
            Some(b) => {
                b.stamp = stamp;
                b.kind.refresh(a.kind.as_deref(), normal_kind);
                b.note.refresh(a.note.as_deref(), normal_note);
            }
            None => {
                self.buffers = Some(Buffers {
                    id,
                    stamp,
                    kind: Field::load(a.kind.as_deref()),
                    note: Field::load(a.note.as_deref()),
                });
            }
        }
        Some(a)
    }
}

impl Panel for Editor {
    type Output = Option<Command>;

    fn ui(&mut self, ui: &mut egui::Ui, ws: &mut Workspace) -> Option<Command> {
        let a = self.sync(ws)?;
        let mut command = None;
        let palette = palette(ws, ui.visuals().dark_mode);
        ui.strong(label_text(&quoted(&a.quote, 80)).into_owned());
        ui.weak(format!(
            "{}..{} · {} · {}",
            a.start,
            a.end,
            a.status,
            origin_text(&a.origin)
        ));
        egui::CollapsingHeader::new("History")
            .id_salt("annotation_history")
            .default_open(true)
            .show(ui, |ui| {
                for line in history_lines(&a) {
                    ui.weak(line);
                }
            });
        let situation = ws.situation();
        ui.horizontal_wrapped(|ui| {
            for label in Label::ALL {
                chip_ui(ui, palette.color(label));
                let c = Command::tag(label);
                let button = egui::Button::selectable(a.label == label, label.name());
                if command_button_ui(ui, button, c, &ws.keymap, &situation) {
                    command = Some(c);
                }
            }
        });
        self.kind_ui(ui, ws, &a);
        attributes_ui(ui, ws, &a);
        if let Some(id) = links_ui(ui, ws, &a) {
            ws.select_annotation(id);
        }
        self.note_ui(ui, ws);
        command.or(edges_ui(ui, ws))
    }
}

impl Editor {
    /// The kind field, the kinds already used, and the schema's kinds. Shown
    /// for the labels the schema gives kinds (entities), and for any
    /// annotation that has a kind all the same (an imported claim's).
    fn kind_ui(&mut self, ui: &mut egui::Ui, ws: &mut Workspace, a: &Annotation) {
        let has_kinds = ws.schema.has_kinds(a.label);
        if !has_kinds && a.kind.is_none() {
            return;
        }
        let Some(doc) = &ws.doc else { return };
        if doc.annotations.revision() != self.kinds.0 {
            let kinds: BTreeSet<(Label, &str)> = doc
                .annotations
                .iter()
                .filter_map(|a| Some((a.label, a.kind.as_deref()?)))
                .collect();
            let kinds = kinds.into_iter().map(|(l, k)| (l, k.to_owned())).collect();
            self.kinds = (doc.annotations.revision(), kinds);
        }
        let Some(b) = &mut self.buffers else { return };
        let mut commit = kind_field_ui(ui, &mut b.kind.text);
        if let Some(kind) = a.kind.as_deref()
            && let Some(known) = ws.schema.canonical_kind(kind)
            && known != kind
        {
            ui.weak(format!("{kind} stands for {known} (a kind alias)"));
        }
        // Kinds the schema knows are its buttons below; the rest are offered
        // as used on this label.
        let typed = b.kind.text.trim().to_lowercase();
        let used: Vec<&String> = (self.kinds.1.iter())
            .filter(|(label, k)| {
                *label == a.label
                    && k.to_lowercase().starts_with(&typed)
                    && k.as_str() != b.kind.text.trim()
                    && !(has_kinds && ws.schema.canonical_kind(k).is_some())
            })
            .map(|(_, k)| k)
            .take(MAX_SUGGESTIONS)
            .collect();
        let mut chosen = used_kinds_ui(ui, &used);
        if has_kinds {
            chosen = chosen.or(schema_kinds_ui(ui, ws, a));
        }
        if let Some(k) = chosen {
            b.kind.text = k;
            commit = true;
        }
        if commit {
            self.commit(ws);
        }
    }

    /// The note field; committed when it loses focus (Esc, a click elsewhere).
    fn note_ui(&mut self, ui: &mut egui::Ui, ws: &mut Workspace) {
        let Some(b) = &mut self.buffers else { return };
        let note_label = ui.label("Note:");
        // A Persian note reads in visual order, line by line.
        let r = crate::window::bidi_edit::field_ui(
            ui,
            &mut b.note.text,
            egui::Id::unique(NOTE_ID),
            true,
            |edit| edit.desired_rows(3).desired_width(f32::INFINITY),
        )
        .labelled_by(note_label.id);
        if r.lost_focus() {
            self.commit(ws);
        }
    }
}

/// The kind field; true when it lost focus (to commit what was typed).
fn kind_field_ui(ui: &mut egui::Ui, text: &mut String) -> bool {
    ui.horizontal(|ui| {
        let kind_label = ui.label("Kind:");
        crate::window::bidi_edit::field_ui(ui, text, egui::Id::unique(KIND_ID), false, |edit| {
            edit.hint_text("Person, ORG, Place…").desired_width(160.0)
        })
        .labelled_by(kind_label.id)
        .lost_focus()
    })
    .inner
}

/// The kinds already used on this label; the one clicked.
fn used_kinds_ui(ui: &mut egui::Ui, used: &[&String]) -> Option<String> {
    if used.is_empty() {
        return None;
    }
    let mut chosen = None;
    ui.horizontal_wrapped(|ui| {
        ui.weak("Used:");
        for k in used {
            if ui.small_button(k.as_str()).clicked() {
                chosen = Some((*k).clone());
            }
        }
    });
    chosen
}

/// The schema's entity kinds as buttons, the annotation's own selected
/// (through an alias too: `PER` selects Person); the one clicked.
fn schema_kinds_ui(ui: &mut egui::Ui, ws: &Workspace, a: &Annotation) -> Option<String> {
    let current = a.kind.as_deref().and_then(|k| ws.schema.canonical_kind(k));
    let mut chosen = None;
    ui.horizontal_wrapped(|ui| {
        ui.weak("Kinds:");
        for k in &ws.schema.entity_kinds {
            let is_current = current == Some(k.as_str());
            if ui
                .add(egui::Button::selectable(is_current, k.as_str()).small())
                .on_hover_text("Set the kind (from the label schema)")
                .clicked()
            {
                chosen = Some(k.clone());
            }
        }
    });
    chosen
}

/// The annotation's links, both ways: "speaker: Entity “Dehqan”" on a
/// quote, "speaker of: Quote “peace now”" on its speaker. Clicking one
/// selects the annotation at its other end.
fn links_ui(ui: &mut egui::Ui, ws: &Workspace, a: &Annotation) -> Option<AnnotationId> {
    let doc = ws.doc.as_ref()?;
    let set = &doc.annotations;
    let outgoing = (a.links.iter()).filter_map(|l| Some((l.role.clone(), set.get(&l.target)?)));
    let incoming = linked_to(set, &a.id).flat_map(|other| {
        (other.links.iter())
            .filter(|l| l.target == a.id)
            .map(move |l| (format!("{} of", l.role), other))
    });
    let links: Vec<(String, &Annotation)> = outgoing.chain(incoming).collect();
    if links.is_empty() {
        ui.weak("Links: none (L links a quote or claim to its speaker)");
        return None;
    }
    ui.label("Links:");
    let mut picked = None;
    for (role, other) in links {
        let text = format!("{role}: {} {}", other.label, quoted(&other.quote, 40));
        let link = ui
            .link(label_text(&text).into_owned())
            .on_hover_text("Select it");
        if link.clicked() {
            picked = Some(other.id.clone());
        }
    }
    picked
}

/// One combo box per schema attribute of the annotation's label; the
/// choice is stored in `attrs` (one undo step).
fn attributes_ui(ui: &mut egui::Ui, ws: &mut Workspace, a: &Annotation) {
    let attributes = ws.schema.label(a.label).attributes;
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
        && ws.update_selected(|x, _| {
            match &value {
                Some(v) => x.attrs.insert(name.clone(), v.clone()),
                None => x.attrs.remove(&name),
            };
            true
        })
    {
        ws.message = format!("{name} set");
    }
}

/// The edge buttons and Delete, as commands of the table.
fn edges_ui(ui: &mut egui::Ui, ws: &Workspace) -> Option<Command> {
    let situation = ws.situation();
    let mut command = None;
    let mut button = |ui: &mut egui::Ui, text: &str, c: Command| {
        let b = egui::Button::new(text).small();
        if command_button_ui(ui, b, c, &ws.keymap, &situation) {
            command = Some(c);
        }
    };
    ui.horizontal_wrapped(|ui| {
        ui.label("Start:");
        button(ui, "◀", Command::StartLeft);
        button(ui, "▶", Command::StartRight);
        ui.label("End:");
        button(ui, "◀", Command::EndLeft);
        button(ui, "▶", Command::EndRight);
    });
    button(ui, "Delete", Command::Delete);
    command
}
