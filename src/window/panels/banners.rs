//! The banners above the article: why an open failed, a schema that was not
//! (fully) used, a read-only article, a failed save (with Save As), and the
//! notices about the loaded sidecar.
use crate::window::commands::Command;
use crate::window::encoding::{self, BannerAnswer};
use crate::window::panels::{Panel, banner_ui, command_button_ui};
use crate::window::workspace::Workspace;
use eframe::egui;

/// The banners (no state of their own).
#[derive(Debug, Default)]
pub struct Banners;

impl Panel for Banners {
    type Output = Option<Command>;

    fn ui(&mut self, ui: &mut egui::Ui, ws: &mut Workspace) -> Option<Command> {
        let error = ui.visuals().error_fg_color;
        let warn = ui.visuals().warn_fg_color;
        let mut command = None;
        if let Some(err) = &ws.open_error {
            banner_ui(ui, error, err);
            command = open_another_ui(ui, ws);
        }
        if let Some(err) = &ws.schema_error {
            banner_ui(ui, warn, err);
        }
        let Some(doc) = ws.doc.as_ref() else {
            return command;
        };
        if doc.file.article.text().is_empty() {
            let name = doc.file.file_name();
            banner_ui(
                ui,
                warn,
                &format!("{name} is empty: there is nothing to annotate."),
            );
            command = open_another_ui(ui, ws);
        }
        if let Some(reason) = &doc.read_only {
            banner_ui(ui, error, &format!("Read-only: {reason}"));
        }
        if let Some(e) = &ws.save_error {
            egui::Frame::group(ui.style())
                .stroke(egui::Stroke::new(1.0, error))
                .show(ui, |ui| {
                    ui.set_width(ui.available_width());
                    if ui.button("Save As…").clicked() {
                        command = Some(Command::SaveAs);
                    }
                    let text = format!("⚠ {e} — your work is still here; try Save As…");
                    ui.add(egui::Label::new(egui::RichText::new(text).color(error)).wrap());
                });
        }
        match encoding::doubt_banner_ui(ui, &doc.file) {
            Some(BannerAnswer::Reopen(e)) => {
                ws.reopen_with_encoding(e);
                return command;
            }
            Some(BannerAnswer::Choose) => return Some(Command::ReopenWithEncoding),
            None => {}
        }
        let doc = ws.doc.as_ref()?;
        for notice in &doc.notices {
            banner_ui(ui, warn, notice);
        }
        command
    }
}

/// The next step after an article that cannot be annotated.
fn open_another_ui(ui: &mut egui::Ui, ws: &Workspace) -> Option<Command> {
    let button = egui::Button::new("Open another file…");
    command_button_ui(ui, button, Command::Open, &ws.keymap, &ws.situation())
        .then_some(Command::Open)
}
