//! The menu bar, built from the command table: each command's row says
//! which menu it is in, its label, its key (`Button::shortcut_text`) and
//! when it is enabled. Open recent and the author field are added here.
use crate::window::commands::{COMMANDS, Command, Keymap, Menu, Situation, Spec, chord_text};
use crate::window::panels::Panel;
use crate::window::workspace::Workspace;
use eframe::egui;
use std::path::PathBuf;

/// Id of the author field (Edit menu).
pub const AUTHOR_ID: &str = "marginalia.author_pref";

/// The menu bar (no state of its own).
#[derive(Debug, Default)]
pub struct MenuBar;

/// What was picked.
#[derive(Debug, Default)]
pub struct MenuOutput {
    /// A command item.
    pub command: Option<Command>,
    /// A file of Open recent.
    pub open: Option<PathBuf>,
}

impl Panel for MenuBar {
    type Output = MenuOutput;

    fn ui(&mut self, ui: &mut egui::Ui, ws: &mut Workspace) -> MenuOutput {
        let situation = ws.situation();
        let mut out = MenuOutput::default();
        egui::MenuBar::new().ui(ui, |ui| {
            for menu in Menu::BAR {
                ui.menu_button(menu.title(), |ui| {
                    menu_ui(ui, menu, ws, &situation, &mut out)
                });
            }
        });
        out
    }
}

fn menu_ui(
    ui: &mut egui::Ui,
    menu: Menu,
    ws: &mut Workspace,
    situation: &Situation,
    out: &mut MenuOutput,
) {
    let mut section = None;
    for spec in COMMANDS.iter().filter(|s| s.menu == menu) {
        if section.is_some_and(|s| s != spec.section) {
            ui.separator();
        }
        section = Some(spec.section);
        if command_item_ui(ui, spec, &ws.keymap, situation) {
            out.command = Some(spec.command);
        }
        if spec.command == Command::OpenFolder
            && let Some(p) = recent_menu_ui(ui, &ws.prefs.recent_files)
        {
            out.open = Some(p);
        }
    }
    if menu == Menu::Edit {
        ui.separator();
        ui.horizontal(|ui| {
            // "Your name", not "Author": the side panel's "Author:" filters.
            let label = ui.label("Your name:");
            ui.add(
                egui::TextEdit::singleline(&mut ws.prefs.author)
                    .id(egui::Id::unique(AUTHOR_ID))
                    .desired_width(140.0),
            )
            .labelled_by(label.id)
            .on_hover_text("Signs the annotations you make and your review decisions");
        });
    }
}

/// One menu item of the command table: its label, its key, enabled or not.
fn command_item_ui(ui: &mut egui::Ui, spec: &Spec, keymap: &Keymap, situation: &Situation) -> bool {
    let on = spec.checked.map(|f| f(situation));
    let text = match on {
        Some(true) => format!("✔ {}", spec.label),
        _ => spec.label.to_owned(),
    };
    let mut button = egui::Button::new(text);
    if let Some(chord) = keymap.primary(spec.command) {
        button = button.shortcut_text(chord_text(&chord));
    }
    ui.add_enabled(spec.needs.holds(situation), button)
        .on_hover_text(spec.help)
        .on_disabled_hover_text(spec.needs.hint())
        .clicked()
}

/// File ▸ Open recent; returns the file picked.
fn recent_menu_ui(ui: &mut egui::Ui, recent: &[PathBuf]) -> Option<PathBuf> {
    let mut chosen = None;
    ui.menu_button("Open recent", |ui| {
        if recent.is_empty() {
            ui.label("(none yet)");
        }
        for p in recent {
            if ui.button(p.display().to_string()).clicked() {
                chosen = Some(p.clone());
            }
        }
    });
    chosen
}
