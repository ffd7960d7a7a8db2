//! The find bar: a query box with Next, Previous and Close. Enter in the box
//! is a command of the table ([`Command::FindFromBox`]), run by the app after
//! this bar has read the frame's typing, so "type + Enter" in one frame
//! searches for all of it.
use crate::window::commands::Command;
use crate::window::panels::{Panel, command_button_ui, focus_selecting_all};
use crate::window::workspace::Workspace;
use eframe::egui;

/// Id of the find box (its focus is the find-box scope of the keymap).
pub const FIND_ID: &str = "marginalia.find";

/// The find bar's state.
#[derive(Debug, Default)]
pub struct FindBar {
    /// Shown.
    pub open: bool,
    /// What is searched for.
    pub query: String,
    /// Give the box focus on the next frame.
    pub focus_requested: bool,
}

impl FindBar {
    /// Show the bar and put the keyboard in its box, the last query
    /// selected.
    pub fn open(&mut self) {
        self.open = true;
        self.focus_requested = true;
    }

    /// Select the next (or previous) match; with no query, open the box.
    /// Leaves the box, so E/C/Q then tag the match.
    pub fn step(&mut self, ws: &mut Workspace, ctx: &egui::Context, backwards: bool) {
        if self.query.is_empty() {
            self.open();
            return;
        }
        ws.find(&self.query, backwards);
        ctx.memory_mut(|m| m.surrender_focus(egui::Id::unique(FIND_ID)));
    }

    /// Hide the bar and leave its box.
    pub fn close(&mut self, ctx: &egui::Context) {
        self.open = false;
        ctx.memory_mut(|m| m.surrender_focus(egui::Id::unique(FIND_ID)));
    }
}

impl Panel for FindBar {
    type Output = Option<Command>;

    fn ui(&mut self, ui: &mut egui::Ui, ws: &mut Workspace) -> Option<Command> {
        let situation = ws.situation();
        let mut command = None;
        ui.horizontal_wrapped(|ui| {
            let label = ui.label("Find:");
            let id = egui::Id::unique(FIND_ID);
            if std::mem::take(&mut self.focus_requested) {
                // The last query, selected: typing replaces it, Enter finds
                // it again.
                focus_selecting_all(ui.ctx(), id, &self.query);
            }
            // Persian reads in visual order, as in the article.
            crate::window::bidi_edit::field_ui(ui, &mut self.query, id, false, |edit| {
                edit.hint_text("type, then Enter").desired_width(240.0)
            })
            .labelled_by(label.id);
            for (text, c) in [
                ("Next", Command::FindNext),
                ("Previous", Command::FindPrevious),
            ] {
                if command_button_ui(ui, egui::Button::new(text), c, &ws.keymap, &situation) {
                    command = Some(c);
                }
            }
            if ui.button("Close").clicked() {
                self.close(ui.ctx());
            }
        });
        command
    }
}
