//! The annotation window: menus, toolbar, article view, annotation list,
//! status bar, and the glue between them.
//!
//! [`MarginaliaApp`] keeps [`Prefs`] (persisted by eframe) apart from the
//! runtime [`AppState`]. A frame reads the keyboard first (the command table
//! in [`crate::window::commands`]), then draws; every change to annotations goes through
//! the [`Session`]'s undo history. Errors are shown in the window, never
//! panicked on.
use crate::model::annotation::Status;
use crate::model::annotation::{AnnotationId, Label};
use crate::model::decode::TextEncoding;
use crate::model::offset::{CharOffset, CharRange};
use crate::model::review::{self as core_review, LinkedDelete};
use crate::model::snap;
use crate::store::schema::{self, Schema};
use crate::store::session::{Edge, SaveState, Session};
use crate::window::article_view::{ArticleView, ViewInput};
use crate::window::commands::{
    COMMANDS, Command, Keymap, Menu, Scope, Situation, Spec, chord_text,
};
use crate::window::encoding::{self, BannerAnswer, DialogAnswer, EncodingDialog};
use crate::window::palette::Palette;
use crate::window::prefs::{self, Prefs, Theme};
use crate::window::review::{self, ReviewState};
use crate::window::sample;
use crate::window::side_panel::{self, ListState};
use eframe::egui;
use std::path::{Path, PathBuf};
use std::sync::mpsc;

/// Id of the find box (its focus is the [`Scope::Find`] scope).
pub const FIND_ID: &str = "marginalia.find";
const AUTHOR_PREF_ID: &str = "marginalia.author_pref";
/// How many dispatched commands the app remembers.
pub const LOG_LEN: usize = 64;

/// The answer of a file dialog running on its own thread.
#[derive(Debug)]
enum DialogResult {
    Open(PathBuf),
    SaveAs(PathBuf),
    Import(PathBuf),
}

/// Which file dialog to show.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum DialogKind {
    Open,
    SaveAs,
    Import,
}

/// The find bar.
#[derive(Debug, Default)]
pub struct FindState {
    /// Shown.
    pub open: bool,
    /// What is searched for.
    pub query: String,
    /// Give the box focus on the next frame.
    pub focus_requested: bool,
}

/// Everything the window knows at run time (not persisted).
#[derive(Default)]
pub struct AppState {
    /// The open article, if any.
    pub doc: Option<Session>,
    /// Why the last open failed, shown in the window.
    pub open_error: Option<String>,
    /// The current text selection.
    pub selection: Option<CharRange>,
    /// The annotation selected in the list or the view.
    pub selected: Option<AnnotationId>,
    /// The last status message.
    pub message: String,
    /// The find bar.
    pub find: FindState,
    /// Filters and edit buffers of the side panel.
    pub list: ListState,
    /// The help overlay is shown.
    pub help_open: bool,
    /// Where the sample's working copy lives.
    pub data_dir: PathBuf,
    /// Corpus mode: the scanned folder's list.
    pub corpus: crate::window::corpus_panel::CorpusState,
    /// Journal, disk probes and recovery offers of the open article.
    pub watch: crate::window::recovery::Watch,
    /// Review mode.
    pub review: ReviewState,
    /// The quote or claim waiting for its speaker to be picked (after L).
    pub linking: Option<AnnotationId>,
    /// The linked annotation whose delete waits for the user's answer.
    pub pending_delete: Option<AnnotationId>,
    /// File ▸ Reopen with Encoding, while open.
    pub encoding_dialog: Option<EncodingDialog>,
    /// The label schema of the open article (defaults when none or broken).
    pub schema: Schema,
    /// Why the schema file was not used, shown in a banner.
    pub schema_error: Option<String>,
    /// Keys → commands, with the schema's tag keys.
    pub keymap: Keymap,
    /// The last commands dispatched, newest last (at most [`LOG_LEN`]).
    log: Vec<Command>,
    /// Log commands without running them (tests of the keymap's scopes).
    hold_commands: bool,
    /// Where the keyboard was at the end of the last frame.
    scope: Scope,
    hovered: Option<AnnotationId>,
    /// Input time of the current frame, in seconds.
    frame_s: f64,
    /// The article view (public so tests can read what it drew).
    pub view: ArticleView,
    /// Opening this path again discards unsaved changes that could not be saved.
    discard_for: Option<PathBuf>,
    dialog: Option<mpsc::Receiver<DialogResult>>,
    title_sent: String,
    theme_applied: Option<Theme>,
}

/// The Marginalia window.
pub struct MarginaliaApp {
    /// Persisted preferences.
    pub prefs: Prefs,
    /// Runtime state.
    pub state: AppState,
}

impl MarginaliaApp {
    /// The app as eframe creates it: preferences from storage, `path` (read
    /// with `encoding` when given) or the sample.
    pub fn new(
        cc: &eframe::CreationContext<'_>,
        path: Option<PathBuf>,
        encoding: Option<TextEncoding>,
    ) -> Self {
        let prefs = cc
            .storage
            .and_then(|s| eframe::get_value::<Prefs>(s, prefs::STORAGE_KEY))
            .unwrap_or_default();
        // Our Ctrl+=/-/0 change the body font size instead of the GUI scale.
        cc.egui_ctx.options_mut(|o| o.zoom_with_keyboard = false);
        Self::with_data_dir(path, prefs, sample::data_dir(), encoding)
    }

    /// The app without eframe storage, for tests: `path` (or the sample,
    /// copied into `data_dir`) opened with `prefs`.
    pub fn new_for_test(path: Option<&Path>, prefs: Prefs, data_dir: PathBuf) -> Self {
        Self::with_data_dir(path.map(Path::to_owned), prefs, data_dir, None)
    }

    fn with_data_dir(
        path: Option<PathBuf>,
        prefs: Prefs,
        data_dir: PathBuf,
        encoding: Option<TextEncoding>,
    ) -> Self {
        let mut app = MarginaliaApp {
            prefs,
            state: AppState {
                data_dir,
                ..AppState::default()
            },
        };
        match path {
            Some(p) if p.is_dir() => app.open_folder(&p, None),
            Some(p) => app.open_with_encoding(&p, encoding),
            None => app.open_sample(),
        }
        app
    }

    /// Open the bundled sample's working copy.
    pub fn open_sample(&mut self) {
        match sample::working_copy(&self.state.data_dir) {
            Ok(p) => self.open(&p),
            Err(e) => self.state.open_error = Some(format!("Could not set up the sample: {e:#}")),
        }
    }

    /// Open `path` (saving the current article first if it has changes).
    pub fn open(&mut self, path: &Path) {
        self.open_with_encoding(path, None);
    }

    /// [`Self::open`], reading the article with `encoding` when given
    /// (`marginalia --encoding NAME FILE`).
    pub fn open_with_encoding(&mut self, path: &Path, encoding: Option<TextEncoding>) {
        if let Some(doc) = &mut self.state.doc
            && doc.is_dirty()
        {
            let confirmed = self.state.discard_for.as_deref() == Some(path);
            let failed = if doc.read_only.is_none() {
                doc.save().err()
            } else {
                Some("This article is read-only".to_owned())
            };
            if let Some(e) = failed
                && !confirmed
            {
                // Keep the unsaved article open rather than lose its work.
                self.state.message = format!(
                    "{e}; {} was not opened. Save As first, or open it again to discard the changes.",
                    path.display()
                );
                self.state.discard_for = Some(path.to_owned());
                return;
            }
        }
        self.state.discard_for = None;
        let background = crate::store::session::BACKGROUND_SIDECAR_BYTES;
        match Session::open_with_encoding(path, background, encoding) {
            Ok(doc) => {
                self.state.message = if doc.is_loading() {
                    format!("Opened {}; loading its annotations…", path.display())
                } else {
                    format!(
                        "Opened {} ({} annotations)",
                        path.display(),
                        doc.annotations.len()
                    )
                };
                self.state.doc = Some(doc);
                self.state.open_error = None;
                self.prefs.remember(path.to_owned());
                let (schema, error) = schema::find_and_load(path);
                let (keymap, conflict) = Keymap::for_schema(&schema);
                self.state.keymap = keymap;
                self.state.schema = schema;
                self.state.schema_error = error
                    .map(|e| e.to_string())
                    .or(conflict.map(|c| c.to_string()));
            }
            Err(e) => {
                self.state.doc = None;
                self.state.open_error = Some(format!("Could not open {}: {e:#}", path.display()));
                self.state.message = "Open failed".to_owned();
            }
        }
        self.state.selection = None;
        self.state.selected = None;
        self.state.list = ListState::default();
        self.state.review.decided.clear();
        self.state.linking = None;
        self.state.pending_delete = None;
        self.state.view.reset();
        self.after_open();
    }

    /// Set the text selection (as the view or Find would).
    pub fn select(&mut self, range: CharRange) {
        self.state.selection = Some(range);
    }

    /// Scroll the article view by `points` on the next frame (benches, tests).
    pub fn scroll_view_by(&mut self, points: f32) {
        self.state.view.scroll_by(points);
    }

    /// The article view's scroll offset after the last frame, in points.
    pub fn view_scroll_offset_y(&self) -> f32 {
        self.state.view.scroll_offset_y()
    }

    /// True when the open article's annotations are all in memory (false
    /// while a large sidecar is still being read in the background).
    pub fn annotations_loaded(&self) -> bool {
        self.state.doc.as_ref().is_none_or(|d| !d.is_loading())
    }

    /// Wait until the open article's background work (reading the sidecar,
    /// then serializing it for fast saves) is done.
    pub fn wait_for_background(&mut self) {
        if let Some(doc) = &mut self.state.doc {
            doc.wait_for_background();
        }
    }

    /// Save now; the result also goes to the status bar.
    pub fn save(&mut self) -> Result<(), String> {
        let Some(doc) = &mut self.state.doc else {
            return Err("Nothing to save".to_owned());
        };
        let r = doc.save();
        self.state.message = match &r {
            Ok(()) => format!("Saved {}", doc.sidecar_path.display()),
            Err(e) => format!("{e} — your work is still here; try File ▸ Save As…"),
        };
        r
    }

    /// Save the sidecar to `path` (what Save As does after its dialog).
    pub fn save_as(&mut self, path: &Path) -> Result<(), String> {
        let Some(doc) = &mut self.state.doc else {
            return Err("Nothing to save".to_owned());
        };
        let r = doc.save_as(path);
        self.state.message = match &r {
            Ok(()) => format!("Saved {}", path.display()),
            Err(e) => e.clone(),
        };
        r
    }

    /// Draw one frame of the whole window into `ui` (what `App::ui` calls;
    /// tests call it through egui_kittest).
    pub fn ui_body(&mut self, ui: &mut egui::Ui) {
        let ctx = ui.ctx().clone();
        self.state.frame_s = Self::now_s(&ctx);
        self.poll_loading(&ctx);
        self.poll_dialog();
        self.take_dropped_files(&ctx);
        self.apply_theme(&ctx);
        // Keys first, before any widget sees them, in the scope they were
        // typed in: the one the last frame ended in (egui has already taken
        // focus from a field on Esc by now). Commands typed in a field run
        // after the panels, once the field has read this frame's typing.
        let scope = self.state.scope;
        let commands = self.state.keymap.take(&ctx, scope);
        let typing = matches!(scope, Scope::Find | Scope::Text);
        if !typing {
            self.run_all(commands.iter().copied(), &ctx);
        }

        egui::Panel::top("menu").show(ui, |ui| self.menu_ui(ui));
        egui::Panel::top("toolbar").show(ui, |ui| self.toolbar_ui(ui));
        if self.state.find.open {
            egui::Panel::top("find").show(ui, |ui| self.find_ui(ui, &ctx));
        }
        if self.state.review.active && self.state.doc.is_some() {
            egui::Panel::top("review").show(ui, |ui| self.review_ui(ui));
        }
        if typing {
            self.run_all(commands.iter().copied(), &ctx);
        }
        egui::Panel::bottom("status").show(ui, |ui| self.status_ui(ui));
        if self.state.doc.is_some() {
            egui::Panel::right("annotations")
                .resizable(true)
                .default_size(340.0)
                .show(ui, |ui| self.side_panel_ui(ui));
        }
        self.corpus_frame(ui);
        self.recovery_frame(ui);
        egui::CentralPanel::default().show(ui, |ui| self.central_ui(ui));
        if self.state.help_open {
            self.help_ui(&ctx);
        }
        self.link_picker_ui(&ctx);
        self.linked_delete_ui(&ctx);
        self.encoding_dialog_ui(&ctx);
        self.autosave(&ctx);
        self.update_title(&ctx);
        self.state.scope = self.scope_now(&ctx);
    }

    /// True while a modal dialog is open (the window behind takes no commands).
    fn modal_open(&self) -> bool {
        self.state.pending_delete.is_some() || self.state.encoding_dialog.is_some()
    }

    /// The scope the next key presses go to: where the keyboard was when
    /// the last frame ended (see [`Scope`]).
    pub fn scope(&self) -> Scope {
        self.state.scope
    }

    fn scope_now(&self, ctx: &egui::Context) -> Scope {
        let focused = ctx.memory(|m| m.focused());
        if self.modal_open() {
            Scope::Modal
        } else if focused == Some(egui::Id::unique(FIND_ID)) {
            Scope::Find
        } else if ctx.text_edit_focused() {
            Scope::Text
        } else if self.state.review.active && self.state.doc.is_some() {
            Scope::Review
        } else {
            Scope::Article
        }
    }

    /// What the command table needs to know to enable commands.
    pub fn situation(&self) -> Situation {
        let doc = self.state.doc.as_ref();
        Situation {
            has_doc: doc.is_some(),
            has_selection: self.state.selection.is_some_and(|r| !r.is_empty()),
            has_selected: self.state.selected.is_some(),
            can_undo: doc.is_some_and(|d| d.history.can_undo()),
            can_redo: doc.is_some_and(|d| d.history.can_redo()),
            review: self.state.review.active,
            corpus: self.state.corpus.root.is_some(),
            autosave: self.prefs.autosave,
            snap: self.prefs.snap_to_words,
            dark: self.prefs.theme == Theme::Dark,
        }
    }

    fn now_s(ctx: &egui::Context) -> f64 {
        ctx.input(|i| i.time)
    }

    fn run_all(&mut self, commands: impl Iterator<Item = Command>, ctx: &egui::Context) {
        for command in commands {
            self.run(command, ctx);
        }
    }

    /// The commands dispatched lately (by keys, menus, buttons), newest last.
    pub fn commands_dispatched(&self) -> &[Command] {
        &self.state.log
    }

    /// While `hold` is true, commands are logged (see
    /// [`Self::commands_dispatched`]) but not run, so a test can press every
    /// key in one scope without leaving it.
    pub fn hold_commands(&mut self, hold: bool) {
        self.state.hold_commands = hold;
        self.state.log.clear();
    }

    /// Run `command` (from a key, a menu, a button), or say in the status
    /// bar why it cannot run now.
    pub fn run(&mut self, command: Command, ctx: &egui::Context) {
        if self.state.log.len() >= LOG_LEN {
            self.state.log.remove(0);
        }
        self.state.log.push(command);
        if self.state.hold_commands {
            return;
        }
        // Typed text is never lost: what the editor's field holds is kept first.
        let focused = ctx.memory(|m| m.focused());
        let in_editor = [side_panel::KIND_ID, side_panel::NOTE_ID]
            .iter()
            .any(|id| focused == Some(egui::Id::unique(id)));
        if in_editor && let Some(doc) = &mut self.state.doc {
            side_panel::commit_typed(doc, &self.state.list, &self.prefs.author, Self::now_s(ctx));
        }
        let needs = command.spec().needs;
        if !needs.holds(&self.situation()) {
            self.state.message = format!("{}: {}", command.spec().label, needs.hint());
            return;
        }
        let now_s = Self::now_s(ctx);
        match command {
            Command::Open => self.spawn_dialog(ctx, DialogKind::Open),
            Command::OpenFolder => self.pick_folder(ctx),
            Command::OpenSample => self.open_sample(),
            Command::ReopenWithEncoding => self.open_encoding_dialog(None),
            Command::Import => self.spawn_dialog(ctx, DialogKind::Import),
            Command::Save => {
                let _ = self.save();
            }
            Command::SaveAs => self.spawn_dialog(ctx, DialogKind::SaveAs),
            Command::ToggleAutosave => self.prefs.autosave = !self.prefs.autosave,
            Command::Quit => ctx.send_viewport_cmd(egui::ViewportCommand::Close),
            Command::Undo => self.undo_redo(true, now_s),
            Command::Redo => self.undo_redo(false, now_s),
            Command::TagEntity | Command::TagClaim | Command::TagQuote => {
                if let Some(label) = command.tag_label() {
                    self.tag(label, ctx);
                }
            }
            Command::LinkSpeaker => self.start_linking(),
            Command::Delete => self.delete_selected(now_s),
            Command::StartLeft => self.nudge(Edge::Start, -1, now_s),
            Command::StartRight => self.nudge(Edge::Start, 1, now_s),
            Command::EndLeft => self.nudge(Edge::End, -1, now_s),
            Command::EndRight => self.nudge(Edge::End, 1, now_s),
            Command::Find => {
                self.state.find.open = true;
                self.state.find.focus_requested = true;
            }
            Command::FindNext | Command::FindFromBox => self.find_step(false, ctx),
            Command::FindPrevious | Command::FindPreviousFromBox => self.find_step(true, ctx),
            Command::Escape => self.escape(ctx),
            Command::ToggleReview => self.toggle_review(),
            Command::ReviewNext => self.review_step(Some(true)),
            Command::ReviewPrevious => self.review_step(Some(false)),
            Command::ReviewNextUnreviewed => self.review_step(None),
            Command::Accept => self.decide(Status::Accepted, now_s),
            Command::Reject => self.decide(Status::Rejected, now_s),
            Command::UndoDecision => self.undo_decision(now_s),
            Command::EditNote => {
                ctx.memory_mut(|m| m.request_focus(egui::Id::unique(side_panel::NOTE_ID)));
            }
            Command::ConfirmMoved => self.confirm_all_moved(now_s),
            Command::NextDocument => self.step_document(1),
            Command::PreviousDocument => self.step_document(-1),
            Command::NextUnannotated => self.next_unannotated(),
            Command::ZoomIn => self.prefs.zoom_by(1.0),
            Command::ZoomOut => self.prefs.zoom_by(-1.0),
            Command::ZoomReset => self.prefs.font_size = prefs::DEFAULT_FONT_SIZE,
            Command::ToggleTheme => {
                self.prefs.theme = match self.prefs.theme {
                    Theme::Light => Theme::Dark,
                    Theme::Dark => Theme::Light,
                }
            }
            Command::ToggleSnap => self.prefs.snap_to_words = !self.prefs.snap_to_words,
            Command::Help => self.state.help_open = !self.state.help_open,
        }
    }

    fn undo_redo(&mut self, undo: bool, now_s: f64) {
        let Some(doc) = &mut self.state.doc else {
            return;
        };
        let done = if undo {
            doc.undo(now_s)
        } else {
            doc.redo(now_s)
        };
        self.state.message = match (undo, done) {
            (true, true) => "Undone".into(),
            (true, false) => "Nothing to undo".into(),
            (false, true) => "Redone".into(),
            (false, false) => "Nothing to redo".into(),
        };
        self.state.list.buffers_for = None;
    }

    /// Esc: close the topmost thing (a dialog, linking, the help, the find
    /// bar); in a text field, leave it (egui has already taken the focus,
    /// and the field keeps what was typed); else clear the selection, else
    /// the selected annotation.
    fn escape(&mut self, ctx: &egui::Context) {
        if self.state.encoding_dialog.take().is_some() {
            self.state.message = "Encoding unchanged".into();
        } else if self.state.pending_delete.take().is_some() {
            self.state.message = "Nothing deleted".into();
        } else if self.state.linking.is_some() {
            self.state.linking = None;
            self.state.message = "Linking cancelled".into();
        } else if self.state.help_open {
            self.state.help_open = false;
        } else if self.state.find.open && self.state.scope != Scope::Text {
            self.state.find.open = false;
            ctx.memory_mut(|m| m.surrender_focus(egui::Id::unique(FIND_ID)));
        } else if self.state.scope == Scope::Text {
            if let Some(id) = ctx.memory(|m| m.focused()) {
                ctx.memory_mut(|m| m.surrender_focus(id));
            }
        } else if self.state.selection.is_some() {
            self.state.selection = None;
        } else {
            self.state.selected = None;
        }
    }

    fn delete_selected(&mut self, now_s: f64) {
        let (Some(doc), Some(id)) = (&self.state.doc, self.state.selected.clone()) else {
            return;
        };
        if core_review::linked_to(&doc.annotations, &id)
            .next()
            .is_some()
        {
            // Ask first: Unlink / Delete linked too / Cancel.
            self.state.pending_delete = Some(id);
        } else {
            self.delete_with_links(&id, LinkedDelete::Unlink, now_s);
        }
    }

    fn nudge(&mut self, edge: Edge, delta: i32, now_s: f64) {
        let (Some(doc), Some(id)) = (&mut self.state.doc, self.state.selected.clone()) else {
            return;
        };
        let Some(range) = doc.nudged_range(&id, edge, delta) else {
            self.state.message = "The span cannot shrink or grow further".into();
            return;
        };
        let who = self.prefs.author.clone();
        doc.update(&id, &who, chrono::Utc::now(), now_s, |a, article| {
            a.set_range(article, range)
        });
    }

    /// The view palette, with the label schema's colours when a schema file
    /// gives them.
    fn palette(&self, dark: bool) -> Palette {
        let mut p = Palette::for_dark_mode(dark);
        if self.state.schema.source.is_some() {
            let rgb = |l: Label| {
                let [r, g, b] = self.state.schema.label(l).colour_rgb;
                egui::Color32::from_rgb(r, g, b)
            };
            p.entity = rgb(Label::Entity);
            p.claim = rgb(Label::Claim);
            p.quote = rgb(Label::Quote);
        }
        p
    }

    /// Enter or leave review mode. Entering starts at the selected
    /// annotation, else at the first unreviewed one.
    pub fn toggle_review(&mut self) {
        let review = &mut self.state.review;
        review.active = !review.active;
        if !review.active {
            self.state.message = "Review mode off".into();
            return;
        }
        self.state.selection = None;
        if self.state.selected.is_none() {
            self.review_step(None);
        } else if let Some(a) = self.selected_annotation() {
            let range = a.range();
            self.state.view.scroll_to(range);
        }
        self.state.message =
            "Review mode: J/K move, A accept, R reject, U undo, Space next unreviewed".into();
    }

    fn selected_annotation(&self) -> Option<&crate::model::annotation::Annotation> {
        let id = self.state.selected.as_ref()?;
        self.state.doc.as_ref()?.annotations.get(id)
    }

    /// Go to the next (`Some(true)`), previous (`Some(false)`) or next
    /// unreviewed (`None`) annotation of the review queue, and scroll to it.
    fn review_step(&mut self, direction: Option<bool>) {
        let Some(doc) = &self.state.doc else { return };
        let filter = &self.state.review.filter;
        let current = self.state.selected.as_ref();
        let next = match direction {
            Some(forward) => core_review::step(&doc.annotations, filter, current, forward),
            None => core_review::next_unreviewed(&doc.annotations, filter, current),
        };
        let Some(id) = next else {
            self.state.message = match direction {
                Some(_) => "No annotation matches the review filter".into(),
                None => "Nothing left to review".into(),
            };
            return;
        };
        if let Some(a) = doc.annotations.get(&id) {
            self.state.view.scroll_to(a.range());
        }
        self.state.selected = Some(id);
        self.state.selection = None;
        self.state.list.scroll_to_selected = true;
    }

    /// Record the prefs author's decision on the selected annotation (one
    /// undo step), then move on.
    fn decide(&mut self, status: Status, now_s: f64) {
        let (Some(doc), Some(id)) = (&mut self.state.doc, self.state.selected.clone()) else {
            self.state.message = "Pick an annotation to review first (J)".into();
            return;
        };
        let Some(a) = doc.annotations.get(&id) else {
            return;
        };
        let edit = core_review::decide(a, status, &self.prefs.author, chrono::Utc::now());
        if doc.apply(vec![edit], now_s) {
            self.state.review.decided.push(id);
            self.state.list.buffers_for = None;
            self.state.message = format!("{status} (U to undo)");
            if self.state.review.active {
                self.review_step(Some(true));
            }
        }
    }

    /// Undo the last decision and go back to it.
    fn undo_decision(&mut self, now_s: f64) {
        let Some(doc) = &mut self.state.doc else {
            return;
        };
        let Some(id) = self.state.review.decided.pop() else {
            self.state.message = "No decision to undo".into();
            return;
        };
        if doc.undo(now_s) {
            if let Some(a) = doc.annotations.get(&id) {
                self.state.view.scroll_to(a.range());
            }
            self.state.selected = Some(id);
            self.state.list.buffers_for = None;
            self.state.message = "Decision undone".into();
        }
    }

    fn start_linking(&mut self) {
        let Some(a) = self.selected_annotation() else {
            self.state.message = "Select a quote or claim first, then press L".into();
            return;
        };
        if a.label == Label::Entity {
            self.state.message = "Only quotes and claims have speakers".into();
            return;
        }
        self.state.linking = Some(a.id.clone());
        self.state.message =
            "Click the speaker (an entity) in the text, or pick it from the list; Esc cancels"
                .into();
    }

    /// Link the quote being linked to `speaker` (an entity).
    pub fn link_to(&mut self, speaker: &AnnotationId, now_s: f64) {
        let Some(from_id) = self.state.linking.take() else {
            return;
        };
        let Some(doc) = &mut self.state.doc else {
            return;
        };
        let (Some(from), Some(to)) = (doc.annotations.get(&from_id), doc.annotations.get(speaker))
        else {
            return;
        };
        if to.label != Label::Entity {
            self.state.message = "A speaker must be an entity; linking cancelled".into();
            return;
        }
        let name = excerpt(&to.quote, 40);
        let edit = core_review::link_speaker(from, speaker, &self.prefs.author, chrono::Utc::now());
        if doc.apply(vec![edit], now_s) {
            self.state.message = format!("Linked to speaker {name}");
        }
        self.state.selected = Some(from_id);
    }

    /// Delete `id`, handling links to it as `policy` says (one undo step).
    pub fn delete_with_links(&mut self, id: &AnnotationId, policy: LinkedDelete, now_s: f64) {
        let Some(doc) = &mut self.state.doc else {
            return;
        };
        let change = core_review::delete_with_links(
            &doc.annotations,
            id,
            policy,
            &self.prefs.author,
            chrono::Utc::now(),
        );
        let n = change.len();
        if doc.apply(change, now_s) {
            self.state.selected = None;
            self.state.message = match (policy, n) {
                (_, 1) => "Annotation deleted (Ctrl+Z to undo)".into(),
                (LinkedDelete::Unlink, n) => {
                    format!(
                        "Deleted, and unlinked {} annotation(s) (Ctrl+Z to undo)",
                        n - 1
                    )
                }
                (LinkedDelete::DeleteLinked, n) => {
                    format!(
                        "Deleted with {} linked annotation(s) (Ctrl+Z to undo)",
                        n - 1
                    )
                }
            };
        }
    }

    fn link_picker_ui(&mut self, ctx: &egui::Context) {
        let (Some(doc), Some(from_id)) = (&self.state.doc, &self.state.linking) else {
            return;
        };
        let Some(from) = doc.annotations.get(from_id) else {
            self.state.linking = None;
            return;
        };
        match review::speaker_picker_ui(ctx, &doc.annotations, from) {
            Some(Ok(speaker)) => self.link_to(&speaker, Self::now_s(ctx)),
            Some(Err(())) => {
                self.state.linking = None;
                self.state.message = "Linking cancelled".into();
            }
            None => {}
        }
    }

    fn linked_delete_ui(&mut self, ctx: &egui::Context) {
        let (Some(doc), Some(id)) = (&self.state.doc, self.state.pending_delete.clone()) else {
            return;
        };
        match review::linked_delete_modal_ui(ctx, &doc.annotations, &id) {
            Some(Ok(policy)) => {
                self.state.pending_delete = None;
                self.delete_with_links(&id, policy, Self::now_s(ctx));
            }
            Some(Err(())) => {
                self.state.pending_delete = None;
                self.state.message = "Nothing deleted".into();
            }
            None if doc.annotations.get(&id).is_none() => self.state.pending_delete = None,
            None => {}
        }
    }

    /// Open File ▸ Reopen with Encoding on the open article, with `pick`
    /// (or its current encoding) picked.
    pub fn open_encoding_dialog(&mut self, pick: Option<TextEncoding>) {
        let Some(doc) = &self.state.doc else { return };
        match EncodingDialog::new(&doc.file, pick) {
            Ok(dialog) => self.state.encoding_dialog = Some(dialog),
            Err(e) => {
                self.state.message = format!("Cannot read {}: {e}", doc.file.path.display());
            }
        }
    }

    fn encoding_dialog_ui(&mut self, ctx: &egui::Context) {
        let Some(dialog) = &mut self.state.encoding_dialog else {
            return;
        };
        match dialog.ui(ctx) {
            Some(DialogAnswer::Reopen(e)) => {
                self.state.encoding_dialog = None;
                self.reopen_with_encoding(e, Self::now_s(ctx));
            }
            Some(DialogAnswer::Cancel) => {
                self.state.encoding_dialog = None;
                self.state.message = "Encoding unchanged".into();
            }
            None => {}
        }
    }

    /// Read the open article again with `encoding`; the annotations are
    /// re-anchored when the text reads otherwise (see
    /// [`Session::reopen_with_encoding`]).
    pub fn reopen_with_encoding(&mut self, encoding: TextEncoding, now_s: f64) {
        let Some(doc) = &mut self.state.doc else {
            return;
        };
        let before = doc.file.article.hash().to_owned();
        match doc.reopen_with_encoding(encoding, now_s) {
            Ok(message) => {
                if doc.file.article.hash() != before {
                    self.state.selection = None;
                    self.state.view.reset();
                }
                self.state.message = message;
            }
            Err(e) => self.state.message = format!("{e:#}"),
        }
    }

    fn review_ui(&mut self, ui: &mut egui::Ui) {
        let Some(doc) = &self.state.doc else { return };
        let palette = self.palette(ui.visuals().dark_mode);
        let out = review::review_bar_ui(
            ui,
            &doc.annotations,
            &mut self.state.review,
            self.state.selected.as_ref(),
            &palette,
        );
        if out.filter_changed {
            self.state.selected = None;
            self.review_step(Some(true));
        }
        if let Some(action) = out.action {
            self.run(action, &ui.ctx().clone());
        }
    }

    /// Add the spans of a spaCy/doccano JSONL file (or brat `.ann`) for the
    /// open article as unreviewed pre-annotations (one undo step).
    /// Spans already present (same label and range) are skipped, so a second
    /// import adds nothing.
    pub fn import_preannotations(&mut self, input: &Path) {
        let Some(doc) = &mut self.state.doc else {
            self.state.message = "Open an article first".into();
            return;
        };
        let now_s = self.state.frame_s;
        self.state.message = match crate::window::preimport::import_into(doc, input, now_s) {
            Ok(report) => report,
            Err(e) => format!("Import failed: {e:#}"),
        };
    }

    /// Tag the selection with `label`, or relabel the selected annotation
    /// when there is no selection.
    fn tag(&mut self, label: Label, ctx: &egui::Context) {
        let now_s = Self::now_s(ctx);
        let now = chrono::Utc::now();
        let Some(doc) = &mut self.state.doc else {
            return;
        };
        let author = self.prefs.author.clone();
        if let Some(range) = self.state.selection.filter(|r| !r.is_empty()) {
            // A Quote includes its quotation marks (the PolNeAR/PARC convention).
            let range = if label == Label::Quote {
                snap::with_quote_marks(&doc.file.article, range)
            } else {
                range
            };
            match doc.tag(range, label, &author, now, now_s) {
                Some(id) => {
                    let quote = doc.annotations.get(&id).map_or("", |a| a.quote.as_str());
                    self.state.message = format!("{label}: “{}”", excerpt(quote, 60));
                    self.state.selected = Some(id);
                    self.state.selection = None;
                }
                None => self.state.message = "That selection cannot be tagged".into(),
            }
        } else if let Some(id) = self.state.selected.clone() {
            if doc.update(&id, &author, now, now_s, |a, _| {
                a.label = label;
                true
            }) {
                self.state.message = format!("Relabelled as {label}");
            }
        } else {
            self.state.message = "Select some text first (drag, or Ctrl+F and Enter)".into();
        }
    }

    fn find_step(&mut self, backwards: bool, ctx: &egui::Context) {
        let Some(doc) = &self.state.doc else { return };
        let query = self.state.find.query.clone();
        if query.is_empty() {
            self.state.find.open = true;
            self.state.find.focus_requested = true;
            return;
        }
        let from = match (self.state.selection, backwards) {
            (Some(s), false) => s.start.forward(1),
            (Some(s), true) => s.start,
            (None, _) => CharOffset(0),
        };
        match doc.find(&query, from, backwards) {
            Some(range) => {
                let total = doc.count_matches(&query);
                self.state.selection = Some(range);
                self.state.view.scroll_to(range);
                self.state.message = format!("“{query}”: {total} match(es); E/C/Q tags it");
            }
            None => self.state.message = format!("“{query}” not found"),
        }
        // Leave the box so E/C/Q tag instead of typing.
        ctx.memory_mut(|m| m.surrender_focus(egui::Id::unique(FIND_ID)));
    }

    fn spawn_dialog(&mut self, ctx: &egui::Context, kind: DialogKind) {
        if self.state.dialog.is_some() {
            return;
        }
        if kind != DialogKind::Open && self.state.doc.is_none() {
            return;
        }
        let (tx, rx) = mpsc::channel();
        let ctx = ctx.clone();
        let default_name = self
            .state
            .doc
            .as_ref()
            .and_then(|d| d.sidecar_path.file_name())
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default();
        let start_dir = self
            .state
            .doc
            .as_ref()
            .and_then(|d| d.file.path.parent().map(Path::to_owned));
        // The dialog runs on its own thread so the window keeps drawing.
        let spawned = std::thread::Builder::new()
            .name("file-dialog".into())
            .spawn(move || {
                let mut dialog = rfd::AsyncFileDialog::new();
                if let Some(dir) = start_dir {
                    dialog = dialog.set_directory(dir);
                }
                let picked = match kind {
                    DialogKind::SaveAs => pollster::block_on(
                        dialog
                            .set_file_name(default_name)
                            .add_filter("Marginalia sidecar", &["ron"])
                            .save_file(),
                    )
                    .map(|h| DialogResult::SaveAs(h.path().to_owned())),
                    DialogKind::Open => pollster::block_on(
                        dialog
                            .add_filter("Text", &["txt", "md", "text"])
                            .add_filter("All files", &["*"])
                            .pick_file(),
                    )
                    .map(|h| DialogResult::Open(h.path().to_owned())),
                    DialogKind::Import => pollster::block_on(
                        dialog
                            .set_title("Import pre-annotations")
                            .add_filter(
                                "spaCy / doccano JSONL, brat .ann",
                                &["jsonl", "json", "ann"],
                            )
                            .add_filter("All files", &["*"])
                            .pick_file(),
                    )
                    .map(|h| DialogResult::Import(h.path().to_owned())),
                };
                if let Some(r) = picked {
                    let _ = tx.send(r);
                }
                ctx.request_repaint();
            });
        match spawned {
            Ok(_) => self.state.dialog = Some(rx),
            Err(e) => self.state.message = format!("Could not show the file dialog: {e}"),
        }
    }

    /// Take a big sidecar's annotations when its background reader is done.
    fn poll_loading(&mut self, ctx: &egui::Context) {
        let Some(doc) = &mut self.state.doc else {
            return;
        };
        if doc.poll_loading() {
            self.state.message = format!("Loaded {} annotations", doc.annotations.len());
        } else if doc.is_loading() {
            ctx.request_repaint_after(std::time::Duration::from_millis(15));
        }
    }

    fn poll_dialog(&mut self) {
        let Some(rx) = &self.state.dialog else { return };
        match rx.try_recv() {
            Ok(DialogResult::Open(p)) => {
                self.state.dialog = None;
                self.open(&p);
            }
            Ok(DialogResult::SaveAs(p)) => {
                self.state.dialog = None;
                let _ = self.save_as(&p);
            }
            Ok(DialogResult::Import(p)) => {
                self.state.dialog = None;
                self.import_preannotations(&p);
            }
            Err(mpsc::TryRecvError::Empty) => {}
            Err(mpsc::TryRecvError::Disconnected) => self.state.dialog = None,
        }
    }

    fn take_dropped_files(&mut self, ctx: &egui::Context) {
        let dropped = ctx.input(|i| i.raw.dropped_files.clone());
        if let Some(path) = dropped.into_iter().map(|f| f.path().to_owned()).next() {
            self.open(&path);
        }
    }

    fn apply_theme(&mut self, ctx: &egui::Context) {
        if self.state.theme_applied != Some(self.prefs.theme) {
            self.state.theme_applied = Some(self.prefs.theme);
            ctx.set_theme(match self.prefs.theme {
                Theme::Light => egui::Theme::Light,
                Theme::Dark => egui::Theme::Dark,
            });
        }
    }

    fn autosave(&mut self, ctx: &egui::Context) {
        if !self.prefs.autosave {
            return;
        }
        let now_s = Self::now_s(ctx);
        let Some(doc) = &self.state.doc else { return };
        if doc.autosave_due(now_s) {
            let _ = self.save();
        } else if doc.save_state == SaveState::Unsaved && doc.read_only.is_none() {
            let wait =
                (doc.last_change_s + crate::store::session::AUTOSAVE_DELAY_S - now_s).max(0.05);
            ctx.request_repaint_after(std::time::Duration::from_secs_f64(wait));
        }
    }

    /// The window title: `• name — Marginalia` while there are unsaved changes.
    pub fn title(&self) -> String {
        match &self.state.doc {
            Some(doc) => format!(
                "{}{} — Marginalia",
                if doc.is_dirty() { "• " } else { "" },
                doc.file.file_name()
            ),
            None => "Marginalia".to_owned(),
        }
    }

    fn update_title(&mut self, ctx: &egui::Context) {
        let title = self.title();
        if title != self.state.title_sent {
            ctx.send_viewport_cmd(egui::ViewportCommand::Title(title.clone()));
            self.state.title_sent = title;
        }
    }

    fn menu_ui(&mut self, ui: &mut egui::Ui) {
        let situation = self.situation();
        let mut clicked = None;
        let mut recent = None;
        egui::MenuBar::new().ui(ui, |ui| {
            for menu in Menu::BAR {
                ui.menu_button(menu.title(), |ui| {
                    let mut section = None;
                    for spec in COMMANDS.iter().filter(|s| s.menu == menu) {
                        if section.is_some_and(|s| s != spec.section) {
                            ui.separator();
                        }
                        section = Some(spec.section);
                        if command_item_ui(ui, spec, &self.state.keymap, &situation) {
                            clicked = Some(spec.command);
                        }
                        if spec.command == Command::OpenFolder {
                            recent = recent_menu_ui(ui, &self.prefs.recent_files).or(recent.take());
                        }
                    }
                    if menu == Menu::Edit {
                        ui.separator();
                        ui.horizontal(|ui| {
                            ui.label("Author:");
                            ui.add(
                                egui::TextEdit::singleline(&mut self.prefs.author)
                                    .id(egui::Id::unique(AUTHOR_PREF_ID))
                                    .desired_width(140.0),
                            );
                        });
                    }
                });
            }
        });
        if let Some(path) = recent {
            self.open(&path);
        }
        if let Some(command) = clicked {
            self.run(command, &ui.ctx().clone());
        }
    }

    fn toolbar_ui(&mut self, ui: &mut egui::Ui) {
        let palette = self.palette(ui.visuals().dark_mode);
        let situation = self.situation();
        let keymap = &self.state.keymap;
        let mut clicked = None;
        ui.horizontal_wrapped(|ui| {
            // The tag buttons first, in their label colours.
            let (tags, others): (Vec<&Spec>, Vec<&Spec>) = COMMANDS
                .iter()
                .filter(|s| s.toolbar)
                .partition(|s| s.command.tag_label().is_some());
            for spec in tags {
                let key = keymap.primary(spec.command).map(|c| chord_text(&c));
                let text = match key {
                    Some(key) => format!("{} ({key})", spec.label),
                    None => spec.label.to_owned(),
                };
                let fill = spec.command.tag_label().map(|l| palette.color(l));
                let button = egui::Button::new(text).fill(fill.unwrap_or_default());
                if toolbar_button_ui(ui, spec, button, keymap, &situation) {
                    clicked = Some(spec.command);
                }
            }
            ui.separator();
            for spec in others {
                let on = spec.checked.is_some_and(|f| f(&situation));
                let button = egui::Button::selectable(on, spec.label);
                if toolbar_button_ui(ui, spec, button, keymap, &situation) {
                    clicked = Some(spec.command);
                }
            }
        });
        if let Some(command) = clicked {
            self.run(command, &ui.ctx().clone());
        }
    }

    fn find_ui(&mut self, ui: &mut egui::Ui, ctx: &egui::Context) {
        ui.horizontal(|ui| {
            ui.label("Find:");
            let id = egui::Id::unique(FIND_ID);
            let response = ui.add(
                egui::TextEdit::singleline(&mut self.state.find.query)
                    .id(id)
                    .hint_text("type, then Enter")
                    .desired_width(280.0),
            );
            if std::mem::take(&mut self.state.find.focus_requested) {
                response.request_focus();
            }
            if ui.button("Next").clicked() {
                self.run(Command::FindNext, ctx);
            }
            if ui.button("Previous").clicked() {
                self.run(Command::FindPrevious, ctx);
            }
            if ui.button("Close").clicked() {
                self.state.find.open = false;
            }
        });
    }

    fn status_ui(&mut self, ui: &mut egui::Ui) {
        let palette = self.palette(ui.visuals().dark_mode);
        ui.horizontal(|ui| {
            if let Some(doc) = &self.state.doc {
                let counts = doc.annotations.label_counts();
                for (label, n) in Label::ALL.into_iter().zip(counts) {
                    side_panel::chip_ui(ui, palette.color(label));
                    ui.label(format!("{label} {n}"));
                }
                ui.separator();
                let (text, color) = match &doc.save_state {
                    SaveState::Saved => ("saved".to_owned(), ui.visuals().weak_text_color()),
                    SaveState::Unsaved => ("unsaved".to_owned(), ui.visuals().warn_fg_color),
                    SaveState::Failed(_) => ("save failed".to_owned(), ui.visuals().error_fg_color),
                };
                ui.colored_label(color, text);
                ui.separator();
                encoding::status_ui(ui, &doc.file);
                ui.separator();
            }
            ui.add(egui::Label::new(&self.state.message).truncate())
                .on_hover_text(&self.state.message);
        });
    }

    fn side_panel_ui(&mut self, ui: &mut egui::Ui) {
        let palette = self.palette(ui.visuals().dark_mode);
        let Some(doc) = &mut self.state.doc else {
            return;
        };
        let now_s = ui.ctx().input(|i| i.time);
        let out = side_panel::side_panel_ui(
            ui,
            doc,
            &mut self.state.list,
            self.state.selected.as_ref(),
            &palette,
            &self.prefs.author,
            &self.state.schema,
            now_s,
        );
        if let Some(id) = out.clicked {
            if let Some(a) = doc.annotations.get(&id) {
                self.state.view.scroll_to(a.range());
            }
            if self.state.linking.is_some() {
                self.link_to(&id, now_s);
                return;
            }
            self.state.selected = Some(id);
            self.state.selection = None;
        }
        if let Some(action) = out.action {
            self.run(action, &ui.ctx().clone());
        }
        if let Some(msg) = out.message {
            self.state.message = msg;
        }
    }

    fn central_ui(&mut self, ui: &mut egui::Ui) {
        if let Some(err) = &self.state.open_error {
            banner_ui(ui, ui.visuals().error_fg_color, err);
        }
        if let Some(err) = &self.state.schema_error {
            banner_ui(ui, ui.visuals().warn_fg_color, err);
        }
        let Some(doc) = &self.state.doc else {
            if self.state.open_error.is_none() {
                ui.label("Open an article with File ▸ Open (Ctrl+O), or drop a file here.");
            }
            return;
        };
        if let Some(reason) = &doc.read_only {
            banner_ui(
                ui,
                ui.visuals().error_fg_color,
                &format!("Read-only: {reason}"),
            );
        }
        if let SaveState::Failed(e) = &doc.save_state {
            let mut save_as = false;
            let color = ui.visuals().error_fg_color;
            egui::Frame::group(ui.style())
                .stroke(egui::Stroke::new(1.0, color))
                .show(ui, |ui| {
                    ui.set_width(ui.available_width());
                    save_as = ui.button("Save As…").clicked();
                    ui.add(
                        egui::Label::new(egui::RichText::new(format!("⚠ {e}")).color(color)).wrap(),
                    );
                });
            if save_as {
                self.run(Command::SaveAs, &ui.ctx().clone());
                return;
            }
        }
        let Some(doc) = &self.state.doc else { return };
        match encoding::doubt_banner_ui(ui, &doc.file) {
            Some(BannerAnswer::Reopen(e)) => {
                self.reopen_with_encoding(e, Self::now_s(ui.ctx()));
                return;
            }
            Some(BannerAnswer::Choose) => {
                self.open_encoding_dialog(None);
                return;
            }
            None => {}
        }
        let Some(doc) = &self.state.doc else { return };
        for notice in &doc.notices {
            banner_ui(ui, ui.visuals().warn_fg_color, notice);
        }
        if let Some(meta_title) = &doc.file.article.meta().title {
            let date = doc
                .file
                .article
                .meta()
                .date
                .map(|d| d.to_string())
                .unwrap_or_default();
            ui.horizontal(|ui| {
                ui.heading(meta_title);
                ui.weak(date);
            });
            ui.separator();
        }
        let palette = self.palette(ui.visuals().dark_mode);
        // Hovering (or selecting) a quote outlines its speaker.
        let linked: Vec<CharRange> = [self.state.hovered.as_ref(), self.state.selected.as_ref()]
            .into_iter()
            .flatten()
            .filter_map(|id| doc.annotations.get(id)?.speaker())
            .filter_map(|speaker| doc.annotations.get(speaker).map(|a| a.range()))
            .collect();
        self.state.view.set_linked(linked);
        let input = ViewInput {
            article: &doc.file.article,
            annotations: &doc.annotations,
            selection: self.state.selection,
            selected_annotation: self.state.selected.as_ref(),
            palette: &palette,
            filter: &self.state.list.filter,
            snap_to_words: self.prefs.snap_to_words,
            font_size: self.prefs.font_size,
        };
        let out = self.state.view.ui(ui, &input);
        self.state.hovered = out.hovered;
        if let Some(sel) = out.selection {
            self.state.selection = sel.filter(|r| !r.is_empty());
        }
        if let Some(id) = out.clicked {
            if self.state.linking.is_some() {
                self.link_to(&id, Self::now_s(ui.ctx()));
            } else {
                self.state.selected = Some(id);
            }
        }
    }

    fn help_ui(&mut self, ctx: &egui::Context) {
        let mut open = self.state.help_open;
        let keymap = &self.state.keymap;
        egui::Window::new("Keyboard shortcuts")
            .open(&mut open)
            .collapsible(false)
            .resizable(false)
            .anchor(egui::Align2::CENTER_CENTER, egui::Vec2::ZERO)
            .show(ctx, |ui| {
                egui::Grid::new("help_keys").striped(true).show(ui, |ui| {
                    ui.strong("keys");
                    ui.strong("what");
                    ui.strong("works in");
                    ui.end_row();
                    for spec in COMMANDS.iter().filter(|s| !s.keys.is_empty()) {
                        ui.strong(keymap.keys_text(spec.command));
                        ui.label(format!("{}: {}", spec.label, spec.help));
                        ui.weak(spec.scopes.describe());
                        ui.end_row();
                    }
                });
                ui.separator();
                ui.label("Find: Ctrl+F, type, Enter selects the next match, then E/C/Q tags it.");
                ui.label("In a text field, keys that type stay there; Esc leaves the field and keeps its text.");
            });
        self.state.help_open = open && self.state.help_open;
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

/// A toolbar button of the command table; the hover text names its keys.
fn toolbar_button_ui(
    ui: &mut egui::Ui,
    spec: &Spec,
    button: egui::Button<'_>,
    keymap: &Keymap,
    situation: &Situation,
) -> bool {
    let keys = keymap.keys_text(spec.command);
    let hover = if keys.is_empty() {
        spec.help.to_owned()
    } else {
        format!("{keys}: {}", spec.help)
    };
    ui.add_enabled(spec.needs.holds(situation), button)
        .on_hover_text(hover)
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

fn banner_ui(ui: &mut egui::Ui, color: egui::Color32, text: &str) {
    egui::Frame::group(ui.style())
        .stroke(egui::Stroke::new(1.0, color))
        .show(ui, |ui| {
            ui.set_width(ui.available_width());
            ui.add(egui::Label::new(egui::RichText::new(text).color(color)).wrap());
        });
}

/// The first `max` chars of `s` on one line, with `…` when cut.
pub fn excerpt(s: &str, max: usize) -> String {
    let one_line: String = s.split_whitespace().collect::<Vec<_>>().join(" ");
    if one_line.chars().count() <= max {
        one_line
    } else {
        let mut cut: String = one_line.chars().take(max.saturating_sub(1)).collect();
        cut.push('…');
        cut
    }
}

impl eframe::App for MarginaliaApp {
    fn ui(&mut self, ui: &mut egui::Ui, _frame: &mut eframe::Frame) {
        self.ui_body(ui);
    }

    fn save(&mut self, storage: &mut dyn eframe::Storage) {
        eframe::set_value(storage, prefs::STORAGE_KEY, &self.prefs);
    }

    fn on_exit(&mut self, _gl: Option<&eframe::glow::Context>) {
        // Save on close, so nothing typed in the last second is lost.
        self.flush_journal();
        let Some(doc) = &mut self.state.doc else {
            return;
        };
        if !doc.is_dirty() || (doc.read_only.is_none() && doc.save().is_ok()) {
            return;
        }
        // The sidecar could not be written: keep the work in a new file
        // beside it rather than lose it (nothing existing is overwritten).
        let stamp = chrono::Local::now().format("%Y%m%d-%H%M%S");
        let mut name = doc.sidecar_path.clone().into_os_string();
        name.push(format!(".recovered-{stamp}.ron"));
        let recovery = PathBuf::from(name);
        match doc.save_as(&recovery) {
            Ok(()) => eprintln!(
                "marginalia: unsaved annotations kept in {}",
                recovery.display()
            ),
            Err(e) => eprintln!("marginalia: unsaved annotations lost: {e}"),
        }
    }
}
