//! The annotation window: menus, toolbar, article view, annotation list,
//! status bar, and the glue between them.
//!
//! [`MarginaliaApp`] keeps [`Prefs`] (persisted by eframe) apart from the
//! runtime [`AppState`]. A frame reads the keyboard first (one table in
//! [`crate::window::keys`]), then draws; every change to annotations goes through
//! the [`Session`]'s undo history. Errors are shown in the window, never
//! panicked on.
use crate::model::annotation::Status;
use crate::model::annotation::{AnnotationId, Label};
use crate::model::offset::{CharOffset, CharRange};
use crate::model::review::{self as core_review, LinkedDelete};
use crate::store::schema::{self, Schema};
use crate::store::session::{SaveState, Session};
use crate::window::article_view::{ArticleView, ViewInput};
use crate::window::keys::{self, Action, Binding, Focus, When};
use crate::window::palette::Palette;
use crate::window::prefs::{self, Prefs, Theme};
use crate::window::review::{self, ReviewState};
use crate::window::sample;
use crate::window::side_panel::{self, ListState};
use eframe::egui;
use std::path::{Path, PathBuf};
use std::sync::mpsc;

/// Id of the find box (shortcuts check it to know when the user is typing).
pub const FIND_ID: &str = "marginalia.find";
/// Ids of every editable text field of the app.
pub const TEXT_FIELD_IDS: &[&str] = &[
    FIND_ID,
    side_panel::KIND_ID,
    side_panel::NOTE_ID,
    side_panel::AUTHOR_FILTER_ID,
    AUTHOR_PREF_ID,
    crate::window::corpus_panel::FILTER_ID,
    review::AUTHOR_FILTER_ID,
    review::ORIGIN_FILTER_ID,
];
const AUTHOR_PREF_ID: &str = "marginalia.author_pref";

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
    /// The label schema of the open article (defaults when none or broken).
    pub schema: Schema,
    /// Why the schema file was not used, shown in a banner.
    pub schema_error: Option<String>,
    schema_keys: Vec<Binding>,
    hovered: Option<AnnotationId>,
    /// Input time of the current frame, in seconds.
    frame_s: f64,
    view: ArticleView,
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
    /// The app as eframe creates it: preferences from storage, `path` or the sample.
    pub fn new(cc: &eframe::CreationContext<'_>, path: Option<PathBuf>) -> Self {
        let prefs = cc
            .storage
            .and_then(|s| eframe::get_value::<Prefs>(s, prefs::STORAGE_KEY))
            .unwrap_or_default();
        // Our Ctrl+=/-/0 change the body font size instead of the GUI scale.
        cc.egui_ctx.options_mut(|o| o.zoom_with_keyboard = false);
        Self::with_data_dir(path, prefs, sample::data_dir())
    }

    /// The app without eframe storage, for tests: `path` (or the sample,
    /// copied into `data_dir`) opened with `prefs`.
    pub fn new_for_test(path: Option<&Path>, prefs: Prefs, data_dir: PathBuf) -> Self {
        Self::with_data_dir(path.map(Path::to_owned), prefs, data_dir)
    }

    fn with_data_dir(path: Option<PathBuf>, prefs: Prefs, data_dir: PathBuf) -> Self {
        let mut app = MarginaliaApp {
            prefs,
            state: AppState {
                data_dir,
                schema_keys: keys::schema_bindings(&Schema::default()),
                ..AppState::default()
            },
        };
        match path {
            Some(p) if p.is_dir() => app.open_folder(&p, None),
            Some(p) => app.open(&p),
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
        match Session::open_with(path, crate::store::session::BACKGROUND_SIDECAR_BYTES) {
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
                self.state.schema_keys = keys::schema_bindings(&schema);
                self.state.schema = schema;
                self.state.schema_error = error.map(|e| e.to_string());
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
        let focus = self.focus(&ctx);
        let (in_find, actions): (Vec<_>, Vec<_>) =
            keys::take_actions(&ctx, focus, &self.state.schema_keys)
                .into_iter()
                .partition(|(_, when)| *when == When::InFind);
        for (action, _) in actions {
            self.perform(action, &ctx);
        }

        egui::Panel::top("menu").show(ui, |ui| self.menu_ui(ui));
        egui::Panel::top("toolbar").show(ui, |ui| self.toolbar_ui(ui));
        if self.state.find.open {
            egui::Panel::top("find").show(ui, |ui| self.find_ui(ui, &ctx));
        }
        if self.state.review.active && self.state.doc.is_some() {
            egui::Panel::top("review").show(ui, |ui| self.review_ui(ui));
        }
        // After the find box has read this frame's typing.
        for (action, _) in in_find {
            self.perform(action, &ctx);
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
        self.autosave(&ctx);
        self.update_title(&ctx);
    }

    fn focus(&self, ctx: &egui::Context) -> Focus {
        let focused = ctx.memory(|m| m.focused());
        let is = |name: &str| focused == Some(egui::Id::unique(name));
        Focus {
            typing: TEXT_FIELD_IDS.iter().any(|n| is(n)),
            in_find: is(FIND_ID),
            review: self.state.review.active && self.state.doc.is_some(),
        }
    }

    fn now_s(ctx: &egui::Context) -> f64 {
        ctx.input(|i| i.time)
    }

    /// Do what a shortcut, button or menu asked for.
    pub fn perform(&mut self, action: Action, ctx: &egui::Context) {
        let now_s = Self::now_s(ctx);
        match action {
            Action::Open => self.spawn_dialog(ctx, DialogKind::Open),
            Action::SaveAs => self.spawn_dialog(ctx, DialogKind::SaveAs),
            Action::Save => {
                let _ = self.save();
            }
            Action::Undo | Action::Redo => {
                let Some(doc) = &mut self.state.doc else {
                    return;
                };
                let done = if action == Action::Undo {
                    doc.undo(now_s)
                } else {
                    doc.redo(now_s)
                };
                self.state.message = match (action, done) {
                    (Action::Undo, true) => "Undone".into(),
                    (Action::Undo, false) => "Nothing to undo".into(),
                    (_, true) => "Redone".into(),
                    (_, false) => "Nothing to redo".into(),
                };
                self.state.list.buffers_for = None;
            }
            Action::Find => {
                self.state.find.open = true;
                self.state.find.focus_requested = true;
            }
            Action::FindNext | Action::FindPrevious => {
                self.find_step(action == Action::FindPrevious, ctx);
            }
            Action::Escape => {
                if self.state.linking.is_some() {
                    self.state.linking = None;
                    self.state.message = "Linking cancelled".into();
                } else if self.state.help_open {
                    self.state.help_open = false;
                } else if self.state.find.open {
                    self.state.find.open = false;
                    ctx.memory_mut(|m| m.surrender_focus(egui::Id::unique(FIND_ID)));
                } else if self.focus(ctx).typing {
                    if let Some(id) = ctx.memory(|m| m.focused()) {
                        ctx.memory_mut(|m| m.surrender_focus(id));
                    }
                } else if self.state.selection.is_some() {
                    self.state.selection = None;
                } else {
                    self.state.selected = None;
                }
            }
            Action::Tag(label) => self.tag(label, ctx),
            Action::Delete => {
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
            Action::Nudge(edge, delta) => {
                let (Some(doc), Some(id)) = (&mut self.state.doc, self.state.selected.clone())
                else {
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
            Action::ZoomIn => self.prefs.zoom_by(1.0),
            Action::ZoomOut => self.prefs.zoom_by(-1.0),
            Action::ZoomReset => self.prefs.font_size = prefs::DEFAULT_FONT_SIZE,
            Action::Help => self.state.help_open = !self.state.help_open,
            Action::ToggleTheme => {
                self.prefs.theme = match self.prefs.theme {
                    Theme::Light => Theme::Dark,
                    Theme::Dark => Theme::Light,
                }
            }
            Action::NextDocument => self.step_document(1),
            Action::PreviousDocument => self.step_document(-1),
            Action::NextUnannotated => self.next_unannotated(),
            Action::ToggleReview => self.toggle_review(),
            Action::ReviewNext => self.review_step(Some(true)),
            Action::ReviewPrevious => self.review_step(Some(false)),
            Action::ReviewNextUnreviewed => self.review_step(None),
            Action::Accept => self.decide(Status::Accepted, now_s),
            Action::Reject => self.decide(Status::Rejected, now_s),
            Action::UndoDecision => self.undo_decision(now_s),
            Action::EditNote => {
                if self.state.selected.is_some() {
                    ctx.memory_mut(|m| m.request_focus(egui::Id::unique(side_panel::NOTE_ID)));
                }
            }
            Action::LinkSpeaker => self.start_linking(),
        }
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
            self.perform(action, &ui.ctx().clone());
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
        let ctx = ui.ctx().clone();
        egui::MenuBar::new().ui(ui, |ui| {
            ui.menu_button("File", |ui| {
                if ui.button("Open…  (Ctrl+O)").clicked() {
                    self.perform(Action::Open, &ctx);
                }
                if ui.button("Open folder…").clicked() {
                    self.pick_folder(&ctx);
                }
                ui.menu_button("Open recent", |ui| {
                    if self.prefs.recent_files.is_empty() {
                        ui.label("(none yet)");
                    }
                    let mut chosen = None;
                    for p in &self.prefs.recent_files {
                        if ui.button(p.display().to_string()).clicked() {
                            chosen = Some(p.clone());
                        }
                    }
                    if let Some(p) = chosen {
                        self.open(&p);
                    }
                });
                if ui.button("Open the sample article").clicked() {
                    self.open_sample();
                }
                if ui
                    .add_enabled(
                        self.state.doc.is_some(),
                        egui::Button::new("Import pre-annotations…"),
                    )
                    .on_hover_text("spaCy or doccano JSONL, or a brat .ann, for this article; added as unreviewed")
                    .clicked()
                {
                    self.spawn_dialog(&ctx, DialogKind::Import);
                }
                ui.separator();
                if ui.button("Save  (Ctrl+S)").clicked() {
                    self.perform(Action::Save, &ctx);
                }
                if ui.button("Save As…  (Ctrl+Shift+S)").clicked() {
                    self.perform(Action::SaveAs, &ctx);
                }
                ui.checkbox(&mut self.prefs.autosave, "Autosave");
                ui.separator();
                if ui.button("Quit").clicked() {
                    ctx.send_viewport_cmd(egui::ViewportCommand::Close);
                }
            });
            ui.menu_button("Edit", |ui| {
                if ui.button("Undo  (Ctrl+Z)").clicked() {
                    self.perform(Action::Undo, &ctx);
                }
                if ui.button("Redo  (Ctrl+Shift+Z)").clicked() {
                    self.perform(Action::Redo, &ctx);
                }
                if ui.button("Find…  (Ctrl+F)").clicked() {
                    self.perform(Action::Find, &ctx);
                }
                if ui.button("Review mode  (Ctrl+R)").clicked() {
                    self.perform(Action::ToggleReview, &ctx);
                }
                if ui.button("Link speaker  (L)").clicked() {
                    self.perform(Action::LinkSpeaker, &ctx);
                }
                ui.separator();
                ui.checkbox(&mut self.prefs.snap_to_words, "Snap selections to words");
                ui.horizontal(|ui| {
                    ui.label("Author:");
                    ui.add(
                        egui::TextEdit::singleline(&mut self.prefs.author)
                            .id(egui::Id::unique(AUTHOR_PREF_ID))
                            .desired_width(140.0),
                    );
                });
            });
            ui.menu_button("View", |ui| {
                if ui.button("Bigger text  (Ctrl+=)").clicked() {
                    self.perform(Action::ZoomIn, &ctx);
                }
                if ui.button("Smaller text  (Ctrl+-)").clicked() {
                    self.perform(Action::ZoomOut, &ctx);
                }
                if ui.button("Default size  (Ctrl+0)").clicked() {
                    self.perform(Action::ZoomReset, &ctx);
                }
                if ui.button("Light / dark  (Ctrl+T)").clicked() {
                    self.perform(Action::ToggleTheme, &ctx);
                }
            });
            ui.menu_button("Help", |ui| {
                if ui.button("Keyboard shortcuts  (F1)").clicked() {
                    self.perform(Action::Help, &ctx);
                }
            });
        });
    }

    fn toolbar_ui(&mut self, ui: &mut egui::Ui) {
        let ctx = ui.ctx().clone();
        let palette = self.palette(ui.visuals().dark_mode);
        ui.horizontal(|ui| {
            let has_target = self.state.selection.is_some() || self.state.selected.is_some();
            for (label, key) in Label::ALL.into_iter().zip(["E", "C", "Q"]) {
                let button =
                    egui::Button::new(format!("{label} ({key})")).fill(palette.color(label));
                let response = ui
                    .add_enabled(has_target, button)
                    .on_hover_text("Tag the selection, or relabel the selected annotation");
                if response.clicked() {
                    self.perform(Action::Tag(label), &ctx);
                }
            }
            ui.separator();
            let (can_undo, can_redo, dirty) =
                self.state.doc.as_ref().map_or((false, false, false), |d| {
                    (d.history.can_undo(), d.history.can_redo(), d.is_dirty())
                });
            if ui
                .add_enabled(can_undo, egui::Button::new("Undo"))
                .clicked()
            {
                self.perform(Action::Undo, &ctx);
            }
            if ui
                .add_enabled(can_redo, egui::Button::new("Redo"))
                .clicked()
            {
                self.perform(Action::Redo, &ctx);
            }
            if ui.add_enabled(dirty, egui::Button::new("Save")).clicked() {
                self.perform(Action::Save, &ctx);
            }
            if ui.button("Find").clicked() {
                self.perform(Action::Find, &ctx);
            }
            let review_on = self.state.review.active;
            if ui
                .add(egui::Button::selectable(review_on, "Review (Ctrl+R)"))
                .on_hover_text("Step through annotations and accept or reject them")
                .clicked()
            {
                self.perform(Action::ToggleReview, &ctx);
            }
            ui.separator();
            let theme = match self.prefs.theme {
                Theme::Light => "Dark theme",
                Theme::Dark => "Light theme",
            };
            if ui.button(theme).clicked() {
                self.perform(Action::ToggleTheme, &ctx);
            }
            if ui.button("Help (F1)").clicked() {
                self.perform(Action::Help, &ctx);
            }
        });
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
                self.perform(Action::FindNext, ctx);
            }
            if ui.button("Previous").clicked() {
                self.perform(Action::FindPrevious, ctx);
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
            self.perform(action, &ui.ctx().clone());
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
                self.perform(Action::SaveAs, &ui.ctx().clone());
                return;
            }
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
        egui::Window::new("Keyboard shortcuts")
            .open(&mut open)
            .collapsible(false)
            .resizable(false)
            .anchor(egui::Align2::CENTER_CENTER, egui::Vec2::ZERO)
            .show(ctx, |ui| {
                for b in keys::BINDINGS.iter().filter(|b| !b.help.is_empty()) {
                    let (keys, what) = b.help.split_once("  ").unwrap_or((b.help, ""));
                    ui.horizontal(|ui| {
                        ui.add_sized(
                            [190.0, 18.0],
                            egui::Label::new(egui::RichText::new(keys).strong()),
                        );
                        ui.label(what);
                    });
                }
                ui.separator();
                ui.label("Find: Ctrl+F, type, Enter selects the next match, then E/C/Q tags it.");
                ui.label("Tag keys never type into text fields; Esc leaves a field.");
            });
        self.state.help_open = open && self.state.help_open;
    }
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
