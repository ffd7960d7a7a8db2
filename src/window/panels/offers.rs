//! The offers about the files on disk, as a bar of buttons: restore unsaved
//! work found in the crash journal, and what to do when the sidecar or the
//! article changed on disk (see [`crate::window::watch`]).
use crate::window::panels::Panel;
use crate::window::watch::{DiskChange, Offer};
use crate::window::workspace::Workspace;
use eframe::egui;

/// The offers bar (no state of its own).
#[derive(Debug, Default)]
pub struct Offers;

impl Offers {
    /// True when there is something to offer.
    pub fn is_needed(ws: &Workspace) -> bool {
        ws.doc.is_some() && (ws.watch.restore.is_some() || ws.watch.disk_change.is_some())
    }
}

impl Panel for Offers {
    type Output = ();

    fn ui(&mut self, ui: &mut egui::Ui, ws: &mut Workspace) {
        let warn = ui.visuals().warn_fg_color;
        let mut choice = None;
        if let Some(record) = &ws.watch.restore {
            let when = record
                .at
                .with_timezone(&chrono::Local)
                .format("%Y-%m-%d %H:%M:%S");
            ui.horizontal_wrapped(|ui| {
                ui.colored_label(
                    warn,
                    format!(
                        "Unsaved work from {when} was found ({} annotations).",
                        record.annotations.len()
                    ),
                );
                if ui
                    .button(format!("Restore unsaved work from {when}"))
                    .clicked()
                {
                    choice = Some(Offer::Restore);
                }
                if ui.button("Discard").clicked() {
                    choice = Some(Offer::DiscardJournal);
                }
            });
        }
        match ws.watch.disk_change {
            Some(DiskChange::Sidecar) => {
                ui.horizontal_wrapped(|ui| {
                    ui.colored_label(
                        warn,
                        "The sidecar was changed on disk by another writer; it will not be overwritten.",
                    );
                    if ui
                        .button("Reload (discard mine)")
                        .on_hover_text("Load the sidecar from disk; your unsaved changes are lost")
                        .clicked()
                    {
                        choice = Some(Offer::Reload);
                    }
                    if ui
                        .button("Merge")
                        .on_hover_text("Keep both sides; where both changed one annotation, yours is kept and theirs is offered")
                        .clicked()
                    {
                        choice = Some(Offer::Merge);
                    }
                });
            }
            Some(DiskChange::Article) => {
                ui.horizontal_wrapped(|ui| {
                    ui.colored_label(warn, "The article file was changed on disk.");
                    if ui.button("Reload and re-anchor").clicked() {
                        choice = Some(Offer::ReloadArticle);
                    }
                    if ui.button("Ignore").clicked() {
                        choice = Some(Offer::IgnoreArticle);
                    }
                });
            }
            None => {}
        }
        if let Some(offer) = choice {
            ws.take_offer(offer);
        }
    }
}
