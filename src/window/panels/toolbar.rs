//! The toolbar: the command table's rows marked `toolbar`, the tag buttons
//! first in their label colours and with the keys the label schema gives.
//!
//! The toolbar is one row. Where the window is too narrow for every button,
//! the ones that do not fit whole go into a "More ▾" menu at the row's end
//! (a wrapped second row pushed the article down and split the groups).
//! Button widths are measured with the fonts in use before the row is laid
//! out, so a new text size (Ctrl+=) fits in the same frame: measuring the
//! buttons by drawing them cost a frame egui discarded at each size.
use crate::window::commands::{COMMANDS, Command, Situation, Spec};
use crate::window::palette::Palette;
use crate::window::panels::{Panel, command_button_ui, label_with_key, palette};
use crate::window::workspace::Workspace;
use eframe::egui;

/// The label of the overflow menu's button.
pub const MORE_LABEL: &str = "More ▾";

/// egui's separator in a row: 6 points wide.
const SEPARATOR_WIDTH: f32 = 6.0;

/// One thing in the toolbar's row.
#[derive(Clone, Copy)]
enum Item {
    Button(&'static Spec),
    Separator,
}

/// The toolbar: the command table's toolbar rows (it keeps no state).
#[derive(Debug, Default)]
pub struct Toolbar;

impl Panel for Toolbar {
    type Output = Option<Command>;

    fn ui(&mut self, ui: &mut egui::Ui, ws: &mut Workspace) -> Option<Command> {
        let palette = palette(ws, ui.visuals().dark_mode);
        let situation = ws.situation();
        let items = items();
        let widths: Vec<f32> = items.iter().map(|item| item_width(ui, ws, item)).collect();
        let more = button_width(ui, MORE_LABEL);
        let shown = fitting(
            &items,
            &widths,
            more,
            ui.available_width(),
            ui.spacing().item_spacing.x,
        );
        let mut clicked = None;
        ui.horizontal(|ui| {
            for item in &items[..shown] {
                match item {
                    Item::Separator => {
                        ui.separator();
                    }
                    Item::Button(spec) => {
                        if button_ui(ui, spec, ws, &palette, &situation) {
                            clicked = Some(spec.command);
                        }
                    }
                }
            }
            if shown < items.len() {
                ui.menu_button(MORE_LABEL, |ui| {
                    for item in &items[shown..] {
                        match item {
                            Item::Separator => {
                                ui.separator();
                            }
                            Item::Button(spec) => {
                                if button_ui(ui, spec, ws, &palette, &situation) {
                                    clicked = Some(spec.command);
                                    ui.close();
                                }
                            }
                        }
                    }
                });
            }
        });
        clicked
    }
}

/// A button's width with `text` on it, in the fonts in use.
fn button_width(ui: &egui::Ui, text: &str) -> f32 {
    let galley = egui::WidgetText::from(text).into_galley(
        ui,
        Some(egui::TextWrapMode::Extend),
        f32::INFINITY,
        egui::TextStyle::Button,
    );
    galley.size().x + 2.0 * ui.spacing().button_padding.x
}

/// An item's width in the row, as [`button_ui`] draws it.
fn item_width(ui: &egui::Ui, ws: &Workspace, item: &Item) -> f32 {
    match item {
        Item::Separator => SEPARATOR_WIDTH,
        Item::Button(spec) => match spec.command.tag_label() {
            Some(_) => button_width(ui, &label_with_key(&ws.keymap, spec.command)),
            None => button_width(ui, spec.label),
        },
    }
}

/// How many items, from the start, fit whole in `room` points, their
/// widths `widths` with `gap` between items (leaving `more` for the
/// overflow menu's button when not all do).
fn fitting(items: &[Item], widths: &[f32], more: f32, room: f32, gap: f32) -> usize {
    let total: f32 = widths.iter().map(|w| w + gap).sum::<f32>() - gap;
    if total <= room {
        return items.len();
    }
    let room = room - (more + gap);
    let mut used = 0.0;
    let mut fit = 0;
    for w in widths {
        if used + w > room {
            break;
        }
        used += w + gap;
        fit += 1;
    }
    // A separator does not end the row.
    while fit > 0 && matches!(items[fit - 1], Item::Separator) {
        fit -= 1;
    }
    fit
}

/// The tag buttons, a separator, then the other toolbar commands.
fn items() -> Vec<Item> {
    let (tags, others): (Vec<&'static Spec>, Vec<&'static Spec>) = COMMANDS
        .iter()
        .filter(|s| s.toolbar)
        .partition(|s| s.command.tag_label().is_some());
    let mut items: Vec<Item> = tags.into_iter().map(Item::Button).collect();
    items.push(Item::Separator);
    items.extend(others.into_iter().map(Item::Button));
    items
}

/// One toolbar button (in the row or in the overflow menu): whether it was
/// clicked.
fn button_ui(
    ui: &mut egui::Ui,
    spec: &Spec,
    ws: &Workspace,
    palette: &Palette,
    situation: &Situation,
) -> bool {
    let keymap = &ws.keymap;
    let button = match spec.command.tag_label() {
        Some(label) => {
            egui::Button::new(label_with_key(keymap, spec.command)).fill(palette.color(label))
        }
        None => {
            let on = spec.checked.is_some_and(|f| f(situation));
            egui::Button::selectable(on, spec.label)
        }
    };
    command_button_ui(ui, button, spec.command, keymap, situation)
}
