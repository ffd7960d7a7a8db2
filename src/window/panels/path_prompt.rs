//! The typed-path prompt: when no file dialog can be shown (no desktop
//! portal, no zenity), File ▸ Open, Open folder, Import and Save As ask
//! for a path here, say why, and check the path before using it.
use crate::window::dialogs::{DialogRequest, check_typed_path, suggested_path};
use crate::window::panels::{Panel, focus_selecting_all};
use crate::window::workspace::Workspace;
use eframe::egui;
use std::path::PathBuf;

/// The id of the prompt's text field.
pub const PATH_FIELD_ID: &str = "marginalia.typed_path";

/// The prompt's state: closed, or asking for one request's path.
#[derive(Debug, Default)]
pub struct PathPrompt {
    asking: Option<Asking>,
}

#[derive(Debug)]
struct Asking {
    request: DialogRequest,
    /// Why no dialog was shown.
    why: String,
    /// What is typed.
    path: String,
    /// What is wrong with the path last submitted.
    problem: Option<String>,
    /// Focus the field on the next frame.
    focus: bool,
    /// Select all of it then, so typing a path replaces the one offered.
    select_all: bool,
}

impl PathPrompt {
    /// Ask for the path of `request`, since no dialog could show (`why`).
    pub fn ask(&mut self, request: DialogRequest, why: String) {
        self.asking = Some(Asking {
            path: suggested_path(&request),
            request,
            why,
            problem: None,
            focus: true,
            select_all: true,
        });
    }

    /// True while the prompt is open (a modal).
    pub fn is_open(&self) -> bool {
        self.asking.is_some()
    }

    /// Close the prompt without a path.
    pub fn close(&mut self) -> bool {
        self.asking.take().is_some()
    }
}

impl Panel for PathPrompt {
    /// The request and the checked path, once the user submits a good one.
    type Output = Option<(DialogRequest, PathBuf)>;

    fn ui(&mut self, ui: &mut egui::Ui, ws: &mut Workspace) -> Self::Output {
        let asking = self.asking.as_mut()?;
        let mut submit = false;
        let mut cancel = false;
        let ctx = ui.ctx().clone();
        egui::Modal::new(egui::Id::unique("marginalia.path_prompt")).show(&ctx, |ui| {
            ui.set_width(520.0_f32.min(ctx.content_rect().width() - 40.0));
            ui.heading(title(&asking.request));
            ui.add(
                egui::Label::new(format!("No file dialog could be shown: {}.", asking.why)).wrap(),
            );
            let label = ui.label("Type the path instead:");
            let id = egui::Id::unique(PATH_FIELD_ID);
            if std::mem::take(&mut asking.select_all) {
                focus_selecting_all(ui.ctx(), id, &asking.path);
            }
            let field = egui::TextEdit::singleline(&mut asking.path)
                .id(id)
                .desired_width(f32::INFINITY);
            let response = ui.add(field).labelled_by(label.id);
            if std::mem::take(&mut asking.focus) {
                response.request_focus();
            }
            if let Some(dir) = asking.request.start_dir() {
                let (verb, dir) = (relative_verb(&asking.request), dir.display());
                ui.weak(format!("A name alone {verb} {dir}"));
            }
            if response.changed() {
                asking.problem = None;
            }
            submit = response.lost_focus() && ui.input(|i| i.key_pressed(egui::Key::Enter));
            if let Some(problem) = &asking.problem {
                ui.colored_label(ui.visuals().error_fg_color, problem);
            }
            ui.horizontal(|ui| {
                submit |= ui.button(verb(&asking.request)).clicked();
                cancel = ui.button("Cancel").clicked();
            });
        });
        if cancel {
            self.asking = None;
            ws.message = "Nothing opened".into();
            return None;
        }
        if !submit {
            return None;
        }
        match check_typed_path(&asking.request, &asking.path) {
            Ok(path) => self.asking.take().map(|a| (a.request, path)),
            Err(problem) => {
                asking.problem = Some(problem);
                asking.focus = true;
                None
            }
        }
    }
}

fn title(request: &DialogRequest) -> &'static str {
    match request {
        DialogRequest::Open { .. } => "Open an article",
        DialogRequest::SaveAs { .. } => "Save the sidecar as",
        DialogRequest::Import { .. } => "Import pre-annotations",
        DialogRequest::Folder { .. } => "Open a folder",
    }
}

/// What happens to a relative path, for the hint under the field.
fn relative_verb(request: &DialogRequest) -> &'static str {
    match request {
        DialogRequest::SaveAs { .. } => "saves in",
        _ => "opens from",
    }
}

fn verb(request: &DialogRequest) -> &'static str {
    match request {
        DialogRequest::Open { .. } | DialogRequest::Folder { .. } => "Open",
        DialogRequest::SaveAs { .. } => "Save",
        DialogRequest::Import { .. } => "Import",
    }
}
