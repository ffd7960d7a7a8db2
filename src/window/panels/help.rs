//! The help overlay (F1): every command with keys, from the command table,
//! with the scopes its keys work in. It fits the window at any size: the
//! rows wrap to its width and the list scrolls.
use crate::window::commands::{COMMANDS, Spec};
use crate::window::panels::Panel;
use crate::window::workspace::Workspace;
use eframe::egui;

/// The overlay's state.
#[derive(Debug, Default)]
pub struct Help {
    /// Shown.
    pub open: bool,
}

/// The room the overlay leaves around it, in points.
const MARGIN: f32 = 16.0;

impl Panel for Help {
    type Output = ();

    fn ui(&mut self, ui: &mut egui::Ui, ws: &mut Workspace) {
        if !self.open {
            return;
        }
        let mut open = self.open;
        let room = ui.ctx().content_rect().shrink(MARGIN);
        // The title bar and the window's own margins come on top of the body.
        let body = room.size() - egui::vec2(16.0, 16.0 + ui.spacing().interact_size.y * 2.0);
        egui::Window::new("Keyboard shortcuts")
            .open(&mut open)
            .collapsible(false)
            .resizable(false)
            .anchor(egui::Align2::CENTER_CENTER, egui::Vec2::ZERO)
            .constrain_to(room)
            .fixed_size(egui::vec2(body.x.min(760.0), body.y))
            .show(ui.ctx(), |ui| {
                egui::ScrollArea::vertical()
                    .id_salt("help_scroll")
                    .show(ui, |ui| rows_ui(ui, ws));
            });
        self.open = open && self.open;
    }
}

/// The table's rows with keys, then how fields and Find use them.
fn rows_ui(ui: &mut egui::Ui, ws: &Workspace) {
    let keys_width = (ui.available_width() * 0.3).min(190.0);
    let rows = COMMANDS.iter().filter(|s| !s.keys.is_empty());
    for (i, spec) in rows.enumerate() {
        let fill = if i % 2 == 1 {
            ui.visuals().faint_bg_color
        } else {
            egui::Color32::TRANSPARENT
        };
        egui::Frame::new().fill(fill).show(ui, |ui| {
            ui.set_width(ui.available_width());
            row_ui(ui, ws, spec, keys_width);
        });
    }
    ui.separator();
    let note = |ui: &mut egui::Ui, text: &str| ui.add(egui::Label::new(text).wrap());
    note(
        ui,
        "Find: Ctrl+F, type, Enter selects the next match, then E/C/Q tags it.",
    );
    note(
        ui,
        "In a text field, keys that type stay there; Esc leaves the field and keeps its text.",
    );
}

/// One command: its keys in a column of `keys_width`, then what it does
/// and where its keys work, wrapped.
fn row_ui(ui: &mut egui::Ui, ws: &Workspace, spec: &Spec, keys_width: f32) {
    ui.horizontal_top(|ui| {
        let keys = egui::RichText::new(ws.keymap.keys_text(spec.command)).strong();
        ui.allocate_ui_with_layout(
            egui::vec2(keys_width, 0.0),
            egui::Layout::top_down(egui::Align::Min),
            |ui| {
                ui.set_width(keys_width);
                ui.add(egui::Label::new(keys).wrap());
            },
        );
        let style = ui.style().clone();
        let mut job = egui::text::LayoutJob::default();
        egui::RichText::new(format!("{}: {}", spec.label, spec.help)).append_to(
            &mut job,
            &style,
            egui::FontSelection::Default,
            egui::Align::Min,
        );
        egui::RichText::new(format!("   {}", spec.scopes.describe()))
            .weak()
            .append_to(
                &mut job,
                &style,
                egui::FontSelection::Default,
                egui::Align::Min,
            );
        ui.add(egui::Label::new(job).wrap());
    });
}
