//! The help overlay (F1): every command with keys, from the command table,
//! with the scopes its keys work in.
use crate::window::commands::COMMANDS;
use crate::window::panels::Panel;
use crate::window::workspace::Workspace;
use eframe::egui;

/// The overlay's state.
#[derive(Debug, Default)]
pub struct Help {
    /// Shown.
    pub open: bool,
}

impl Panel for Help {
    type Output = ();

    fn ui(&mut self, ui: &mut egui::Ui, ws: &mut Workspace) {
        if !self.open {
            return;
        }
        let mut open = self.open;
        egui::Window::new("Keyboard shortcuts")
            .open(&mut open)
            .collapsible(false)
            .resizable(false)
            .anchor(egui::Align2::CENTER_CENTER, egui::Vec2::ZERO)
            .show(ui.ctx(), |ui| {
                egui::Grid::new("help_keys").striped(true).show(ui, |ui| {
                    ui.strong("keys");
                    ui.strong("what");
                    ui.strong("works in");
                    ui.end_row();
                    for spec in COMMANDS.iter().filter(|s| !s.keys.is_empty()) {
                        ui.strong(ws.keymap.keys_text(spec.command));
                        ui.label(format!("{}: {}", spec.label, spec.help));
                        ui.weak(spec.scopes.describe());
                        ui.end_row();
                    }
                });
                ui.separator();
                ui.label("Find: Ctrl+F, type, Enter selects the next match, then E/C/Q tags it.");
                ui.label(
                    "In a text field, keys that type stay there; Esc leaves the field and keeps its text.",
                );
            });
        self.open = open && self.open;
    }
}
