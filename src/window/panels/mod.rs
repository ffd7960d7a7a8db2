//! The panels of the window. Each is one struct that owns its state and
//! draws itself from the shared [`Workspace`]:
//!
//! ```text
//! fn ui(&mut self, ui: &mut egui::Ui, ws: &mut Workspace) -> Self::Output
//! ```
//!
//! A panel changes the workspace directly for what is its own business (a
//! filter, an edit buffer, the editor's fields through the session) and
//! returns what the app must do for it, usually a [`Command`] to run. Panels
//! never see the app or each other, so the arrows point one way: app →
//! panels → workspace and the command table. A new panel is one file here.
use crate::window::commands::{Command, Keymap, Situation, Spec, chord_text};
use crate::window::palette::Palette;
use crate::window::workspace::Workspace;
use eframe::egui;

pub mod annotation_list;
pub mod attention;
pub mod banners;
pub mod corpus_list;
pub mod editor;
pub mod find_bar;
pub mod help;
pub mod linked_delete;
pub mod menu_bar;
pub mod offers;
pub mod path_prompt;
pub mod review_bar;
pub mod speaker_picker;
pub mod status_bar;
pub mod suggest;
pub mod suggesters;
pub mod toolbar;

/// A part of the window that draws itself from the workspace.
pub trait Panel {
    /// What the panel asks the app to do after drawing.
    type Output;
    /// Draw the panel into `ui` (a panel area of its own, or a window's body).
    fn ui(&mut self, ui: &mut egui::Ui, ws: &mut Workspace) -> Self::Output;
}

/// The view palette, with the label schema's colours when a schema file
/// gives them.
pub fn palette(ws: &Workspace, dark: bool) -> Palette {
    Palette::for_schema(dark, &ws.schema)
}

/// A small colour square.
pub fn chip_ui(ui: &mut egui::Ui, color: egui::Color32) {
    let size = egui::vec2(10.0, 10.0);
    let (rect, _) = ui.allocate_exact_size(size, egui::Sense::hover());
    ui.painter().rect_filled(rect, 2.0, color);
}

/// A framed, wrapped message across the panel.
pub fn banner_ui(ui: &mut egui::Ui, color: egui::Color32, text: &str) {
    egui::Frame::group(ui.style())
        .stroke(egui::Stroke::new(1.0, color))
        .show(ui, |ui| {
            ui.set_width(ui.available_width());
            ui.add(egui::Label::new(egui::RichText::new(text).color(color)).wrap());
        });
}

/// "Ctrl+S: save the sidecar" — a command's keys and help, for tooltips.
pub fn command_hover(keymap: &Keymap, spec: &Spec) -> String {
    let keys = keymap.keys_text(spec.command);
    if keys.is_empty() {
        spec.help.to_owned()
    } else {
        format!("{keys}: {}", spec.help)
    }
}

/// A button that runs `command`: disabled when the table says so, its keys
/// and help on hover. Returns true when clicked.
pub fn command_button_ui(
    ui: &mut egui::Ui,
    button: egui::Button<'_>,
    command: Command,
    keymap: &Keymap,
    situation: &Situation,
) -> bool {
    command_button_response(ui, button, command, keymap, situation).clicked()
}

/// [`command_button_ui`], with the button's whole response.
pub fn command_button_response(
    ui: &mut egui::Ui,
    button: egui::Button<'_>,
    command: Command,
    keymap: &Keymap,
    situation: &Situation,
) -> egui::Response {
    let spec = command.spec();
    ui.add_enabled(spec.needs.holds(situation), button)
        .on_hover_text(command_hover(keymap, spec))
        .on_disabled_hover_text(spec.needs.hint())
}

/// "Entity (E)": a command's label with its first key.
pub fn label_with_key(keymap: &Keymap, command: Command) -> String {
    match keymap.primary(command) {
        Some(chord) => format!("{} ({})", command.spec().label, chord_text(&chord)),
        None => command.spec().label.to_owned(),
    }
}

/// Focus the text field `id` with all of `text` selected, so typing
/// replaces it (a find box opened again, a path offered). Call it before
/// the field is drawn: the selection is stored and the field focused at
/// once, since egui collapses the selection of a field drawn unfocused.
pub fn focus_selecting_all(ctx: &egui::Context, id: egui::Id, text: &str) {
    let mut state = egui::text_edit::TextEditState::load(ctx, id).unwrap_or_default();
    let everything = egui::text::CCursorRange::select_all_str(text);
    state.cursor.set_char_range(Some(everything));
    state.store(ctx, id);
    ctx.memory_mut(|m| m.request_focus(id));
}
