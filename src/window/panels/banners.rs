//! The banners above the article: why an open failed, a schema that was not
//! (fully) used, a read-only article, a failed save (with Save As), and the
//! notices about the loaded sidecar.
use crate::store::session::SaveError;
use crate::store::sidecar::SidecarError;
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
                    let text = save_error_text(e, doc.read_only.is_some());
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

/// What the failed-save banner says about `e`: in a few words where the
/// cause is plain (the read-only banner above names a parse error; a
/// folder that cannot be written to is named as such, not by the temporary
/// file's OS error), with the way out.
fn save_error_text(e: &SaveError, read_only_shown: bool) -> String {
    use std::io::ErrorKind::{PermissionDenied, ReadOnlyFilesystem};
    let keep = "your work is still here";
    match e {
        SaveError::Unparsable { .. } if read_only_shown => format!(
            "⚠ Not saved: the sidecar named above could not be read and is never written over — {keep}; Save As… keeps it."
        ),
        SaveError::Write(SidecarError::Io { path, source, .. })
            if matches!(source.kind(), PermissionDenied | ReadOnlyFilesystem) =>
        {
            let folder = path.parent().unwrap_or(path);
            format!(
                "⚠ Not saved: the folder {} cannot be written to ({}) — {keep}; Save As… can save the annotations in another folder.",
                folder.display(),
                match source.kind() {
                    ReadOnlyFilesystem => "a read-only file system",
                    _ => "permission denied",
                }
            )
        }
        e => format!("⚠ {e} — {keep}; try Save As…"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::path::PathBuf;

    #[test]
    fn a_folder_that_cannot_be_written_to_is_named_as_such() {
        let e = SaveError::Write(SidecarError::Io {
            path: PathBuf::from("/data/ro/report.txt.ann.ron"),
            action: "creating a temporary file",
            source: std::io::Error::new(
                std::io::ErrorKind::PermissionDenied,
                "Permission denied (os error 13) at path \"/data/ro/.marginalia-x.tmp\"",
            ),
        });
        let text = save_error_text(&e, false);
        assert!(
            text.contains("the folder /data/ro cannot be written to (permission denied)"),
            "{text}"
        );
        assert!(!text.contains(".tmp"), "{text}");
        assert!(text.contains("Save As…"), "{text}");
    }

    #[test]
    fn a_broken_sidecar_is_not_named_twice() {
        let e = SaveError::Unparsable {
            reason: "/data/report.txt.ann.ron:3:5: Expected identifier".into(),
        };
        assert!(!save_error_text(&e, true).contains(":3:5"));
        assert!(save_error_text(&e, false).contains(":3:5"));
    }
}
