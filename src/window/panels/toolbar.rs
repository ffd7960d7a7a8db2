//! The toolbar: the command table's rows marked `toolbar`, the tag buttons
//! first in their label colours and with the keys the label schema gives.
use crate::window::commands::{COMMANDS, Command, Spec};
use crate::window::panels::{Panel, command_button_ui, label_with_key, palette};
use crate::window::workspace::Workspace;
use eframe::egui;

/// The toolbar (no state of its own).
#[derive(Debug, Default)]
pub struct Toolbar;

impl Panel for Toolbar {
    type Output = Option<Command>;

    fn ui(&mut self, ui: &mut egui::Ui, ws: &mut Workspace) -> Option<Command> {
        let palette = palette(ws, ui.visuals().dark_mode);
        let situation = ws.situation();
        let (tags, others): (Vec<&Spec>, Vec<&Spec>) = COMMANDS
            .iter()
            .filter(|s| s.toolbar)
            .partition(|s| s.command.tag_label().is_some());
        let mut clicked = None;
        // Wrapped, so a narrow window shows every button on two rows.
        ui.horizontal_wrapped(|ui| {
            for spec in tags {
                let fill = spec.command.tag_label().map(|l| palette.color(l));
                let button = egui::Button::new(label_with_key(&ws.keymap, spec.command))
                    .fill(fill.unwrap_or_default());
                if command_button_ui(ui, button, spec.command, &ws.keymap, &situation) {
                    clicked = Some(spec.command);
                }
            }
            ui.separator();
            for spec in others {
                let on = spec.checked.is_some_and(|f| f(&situation));
                let button = egui::Button::selectable(on, spec.label);
                if command_button_ui(ui, button, spec.command, &ws.keymap, &situation) {
                    clicked = Some(spec.command);
                }
            }
        });
        clicked
    }
}
