//! The toolbar: the command table's rows marked `toolbar`, the tag buttons
//! first in their label colours and with the keys the label schema gives.
//!
//! The toolbar is one row. Where the window is too narrow for every button,
//! the ones that do not fit whole go into a "More ▾" menu at the row's end
//! (a wrapped second row pushed the article down and split the groups).
//! Button widths are measured as drawn: a frame that meets a button it has
//! not measured (the first one, or after the text size changed) draws every
//! button, measures them, and is discarded by egui before it is shown.
use crate::window::commands::{COMMANDS, Command, Situation, Spec};
use crate::window::palette::Palette;
use crate::window::panels::{Panel, command_button_response, label_with_key, palette};
use crate::window::workspace::Workspace;
use eframe::egui;
use std::collections::HashMap;

/// The label of the overflow menu's button.
pub const MORE_LABEL: &str = "More ▾";

/// One thing in the toolbar's row.
#[derive(Clone, Copy)]
enum Item {
    Button(&'static Spec),
    Separator,
}

/// The toolbar's state: each item's width as last drawn.
#[derive(Debug, Default)]
pub struct Toolbar {
    /// Widths by item key, measured at `measured_at` (the button height:
    /// it changes with the text size, and so do the widths).
    widths: HashMap<&'static str, f32>,
    more_width: Option<f32>,
    measured_at: f32,
}

impl Panel for Toolbar {
    type Output = Option<Command>;

    fn ui(&mut self, ui: &mut egui::Ui, ws: &mut Workspace) -> Option<Command> {
        let palette = palette(ws, ui.visuals().dark_mode);
        let situation = ws.situation();
        let items = items();
        let style_key = ui.spacing().interact_size.y;
        if self.measured_at != style_key {
            self.widths.clear();
            self.more_width = None;
            self.measured_at = style_key;
        }
        let shown = self.fitting(&items, ui.available_width(), ui.spacing().item_spacing.x);
        let measuring = shown.is_none();
        let shown = shown.unwrap_or(items.len());
        let mut clicked = None;
        ui.horizontal(|ui| {
            for item in &items[..shown] {
                let (key, width) = match item {
                    Item::Separator => ("|", ui.separator().rect.width()),
                    Item::Button(spec) => {
                        let (hit, rect) = button_ui(ui, spec, ws, &palette, &situation);
                        if hit {
                            clicked = Some(spec.command);
                        }
                        (spec.label, rect.width())
                    }
                };
                self.widths.insert(key, width);
            }
            if measuring || shown < items.len() {
                let more = ui.menu_button(MORE_LABEL, |ui| {
                    for item in &items[shown..] {
                        match item {
                            Item::Separator => {
                                ui.separator();
                            }
                            Item::Button(spec) => {
                                if button_ui(ui, spec, ws, &palette, &situation).0 {
                                    clicked = Some(spec.command);
                                    ui.close();
                                }
                            }
                        }
                    }
                });
                self.more_width = Some(more.response.rect.width());
            }
        });
        if measuring {
            ui.ctx().request_discard("toolbar buttons measured");
        }
        clicked
    }
}

impl Toolbar {
    /// How many items, from the start, fit whole in `room` points with
    /// `gap` between items (leaving room for "More ▾" when not all do);
    /// `None` while an item's width is still unknown.
    fn fitting(&self, items: &[Item], room: f32, gap: f32) -> Option<usize> {
        let widths: Vec<f32> = items
            .iter()
            .map(|item| self.widths.get(item_key(item)).copied())
            .collect::<Option<_>>()?;
        let total: f32 = widths.iter().map(|w| w + gap).sum::<f32>() - gap;
        if total <= room {
            return Some(items.len());
        }
        let room = room - (self.more_width? + gap);
        let mut used = 0.0;
        let mut fit = 0;
        for w in &widths {
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
        Some(fit)
    }
}

fn item_key(item: &Item) -> &'static str {
    match item {
        Item::Separator => "|",
        Item::Button(spec) => spec.label,
    }
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
/// clicked, and where it was drawn.
fn button_ui(
    ui: &mut egui::Ui,
    spec: &Spec,
    ws: &Workspace,
    palette: &Palette,
    situation: &Situation,
) -> (bool, egui::Rect) {
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
    let response = command_button_response(ui, button, spec.command, keymap, situation);
    (response.clicked(), response.rect)
}
