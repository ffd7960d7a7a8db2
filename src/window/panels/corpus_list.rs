//! The folder list of corpus mode: the scanned articles with their counts,
//! review progress, last editor and sidecar state, filtered and sorted. The
//! list is drawn with `show_rows`, so a frame costs the visible rows only.
//! Opening an article goes through [`Workspace::open`], which guards unsaved
//! work.
use crate::model::annotation::Label;
use crate::store::corpus::{ArticleSummary, SidecarState};
use crate::window::commands::Command;
use crate::window::corpus::{CorpusState, SortKey, sidecar_text};
use crate::window::panels::{Panel, command_button_ui};
use crate::window::workspace::Workspace;
use eframe::egui;
use std::path::{Path, PathBuf};

/// Id of the list's filter box.
pub const FILTER_ID: &str = "marginalia.corpus_filter";

/// The folder list (its filter and sort live in the workspace's corpus).
#[derive(Debug, Default)]
pub struct CorpusList;

impl Panel for CorpusList {
    type Output = Option<Command>;

    /// The folder's header and filters, the step buttons, then the rows; a
    /// click on a row opens that article.
    fn ui(&mut self, ui: &mut egui::Ui, ws: &mut Workspace) -> Option<Command> {
        header_ui(ui, &mut ws.corpus);
        let situation = ws.situation();
        let mut command = None;
        ui.horizontal_wrapped(|ui| {
            for (text, c) in [
                ("◀ Previous", Command::PreviousDocument),
                ("Next ▶", Command::NextDocument),
                ("Next unannotated", Command::NextUnannotated),
            ] {
                if command_button_ui(ui, egui::Button::new(text), c, &ws.keymap, &situation) {
                    command = Some(c);
                }
            }
        });
        let current = ws.doc.as_ref().map(|d| d.file.path.clone());
        if let Some(path) = rows_ui(ui, &mut ws.corpus, current.as_deref()) {
            ws.open(&path);
        }
        command
    }
}

/// The folder, the scan's progress and errors, the filter and the sort.
fn header_ui(ui: &mut egui::Ui, corpus: &mut CorpusState) {
    let root = corpus
        .root
        .as_ref()
        .map(|r| r.display().to_string())
        .unwrap_or_default();
    ui.strong(format!("Folder: {root}"));
    if corpus.is_scanning() {
        let (done, total) = corpus.progress;
        let fraction = if total == 0 {
            0.0
        } else {
            done as f32 / total as f32
        };
        ui.add(egui::ProgressBar::new(fraction).text(format!("scanning {done} / {total}")));
    }
    for e in &corpus.errors {
        ui.colored_label(ui.visuals().warn_fg_color, e);
    }
    ui.horizontal(|ui| {
        let label = ui.label("Filter:");
        ui.add(
            egui::TextEdit::singleline(&mut corpus.filter)
                .id(egui::Id::unique(FILTER_ID))
                .hint_text("name")
                .desired_width(140.0),
        )
        .labelled_by(label.id);
    });
    egui::ComboBox::from_label("Sort")
        .selected_text(corpus.sort.name())
        .show_ui(ui, |ui| {
            for key in SortKey::ALL {
                ui.selectable_value(&mut corpus.sort, key, key.name());
            }
        });
}

/// The listed articles (only the rows in view are built); returns the one clicked.
fn rows_ui(ui: &mut egui::Ui, corpus: &mut CorpusState, current: Option<&Path>) -> Option<PathBuf> {
    let order = corpus.visible().to_vec();
    ui.weak(format!(
        "{} of {} articles",
        order.len(),
        corpus.items.len()
    ));
    ui.separator();
    let row_height = ui.text_style_height(&egui::TextStyle::Body) * 2.0 + 6.0;
    let mut clicked = None;
    egui::ScrollArea::vertical()
        .id_salt("corpus_rows")
        .auto_shrink([false, false])
        .show_rows(ui, row_height, order.len(), |ui, rows| {
            for row in rows {
                let Some(item) = order.get(row).and_then(|&i| corpus.items.get(i)) else {
                    continue;
                };
                let selected = current == Some(item.path.as_path());
                if summary_row_ui(ui, item, selected, row_height).clicked() {
                    clicked = Some(item.path.clone());
                }
            }
        });
    clicked
}

/// One row of the list: name, then counts, review progress, last editor,
/// sidecar state. Returns the row's response (click to open).
fn summary_row_ui(
    ui: &mut egui::Ui,
    s: &ArticleSummary,
    selected: bool,
    row_height: f32,
) -> egui::Response {
    let counts = Label::ALL
        .iter()
        .map(|l| {
            let initial = l.name().chars().next().unwrap_or('?');
            format!("{initial}{}", s.count(*l))
        })
        .collect::<Vec<_>>()
        .join(" ");
    let mut details = format!("{counts} · reviewed {}/{}", s.reviewed, s.total());
    if let Some(who) = &s.last_editor {
        details.push_str(&format!(" · {who}"));
    }
    let state = sidecar_text(&s.sidecar);
    if !state.is_empty() {
        details.push_str(&format!(" · {state}"));
    }
    let name = s.relative.display().to_string();
    let text = format!("{name}\n{details}");
    // Left-aligned, one line each, so every row has the height `show_rows` assumes.
    let button = egui::Button::selectable(selected, text)
        .right_text("")
        .wrap_mode(egui::TextWrapMode::Extend)
        .min_size(egui::vec2(ui.available_width(), row_height));
    let response = ui.add(button);
    if let SidecarState::Unreadable(why) = &s.sidecar {
        response.on_hover_text(why.as_str())
    } else {
        response
    }
}
