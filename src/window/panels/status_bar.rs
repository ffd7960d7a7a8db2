//! The status bar: counts per label, the save state, and the last message.
use crate::model::annotation::Label;
use crate::store::session::SaveState;
use crate::window::bidi_text::label_text;
use crate::window::encoding;
use crate::window::panels::{Panel, chip_ui, palette};
use crate::window::workspace::Workspace;
use eframe::egui;

/// The status bar (no state of its own).
#[derive(Debug, Default)]
pub struct StatusBar;

impl Panel for StatusBar {
    type Output = ();

    fn ui(&mut self, ui: &mut egui::Ui, ws: &mut Workspace) {
        let palette = palette(ws, ui.visuals().dark_mode);
        ui.horizontal(|ui| {
            if let Some(doc) = &ws.doc {
                let counts = doc.annotations.label_counts();
                for (label, n) in Label::ALL.into_iter().zip(counts) {
                    chip_ui(ui, palette.color(label));
                    ui.label(format!("{label} {n}"));
                }
                ui.separator();
                let (text, color) = match &doc.save_state {
                    // A sidecar that cannot be read is never written: nothing
                    // is "saved" there (the banner says why).
                    SaveState::Saved if doc.read_only.is_some() => {
                        ("read-only", ui.visuals().warn_fg_color)
                    }
                    SaveState::Saved => ("saved", ui.visuals().weak_text_color()),
                    SaveState::Unsaved => ("unsaved", ui.visuals().warn_fg_color),
                    SaveState::Failed => ("save failed", ui.visuals().error_fg_color),
                };
                ui.colored_label(color, text);
                ui.separator();
                encoding::status_ui(ui, &doc.file);
                ui.separator();
            }
            // A message may quote Persian text: in reading order.
            ui.add(egui::Label::new(label_text(&ws.message)).truncate())
                .on_hover_text(&ws.message);
        });
    }
}
