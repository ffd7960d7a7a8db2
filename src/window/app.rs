//! The app: one frame of the whole window, and the handlers of the command
//! table.
//!
//! [`MarginaliaApp`] owns the [`Workspace`] (what the panels share), one
//! struct per panel (each owning its state), the article view, and the file
//! dialogs. A frame reads the keyboard first (the [`Keymap`] of the command
//! table, in the scope the last frame ended in), then lays the panels out and
//! runs what they ask for. Every command goes through [`MarginaliaApp::run`],
//! whose match has one arm per command: adding a command is one row of
//! [`crate::window::commands`] plus its arm here. Errors are shown in the
//! window, never panicked on.
use crate::model::annotation::{AnnotationId, Status};
use crate::model::decode::TextEncoding;
use crate::model::offset::CharRange;
use crate::store::session::{AUTOSAVE_DELAY_S, Edge, SaveError, SaveState};
use crate::window::article_view::{ArticleView, ViewInput};
use crate::window::commands::{Command, Scope};
use crate::window::dialogs::{DialogOutcome, DialogRequest, FileDialogs, SystemDialogs, folder_of};
use crate::window::encoding::{DialogAnswer, EncodingDialog};
use crate::window::panels::annotation_list::AnnotationList;
use crate::window::panels::attention::Attention;
use crate::window::panels::banners::Banners;
use crate::window::panels::corpus_list::CorpusList;
use crate::window::panels::editor::Editor;
use crate::window::panels::find_bar::{FIND_ID, FindBar};
use crate::window::panels::help::Help;
use crate::window::panels::linked_delete::LinkedDeleteDialog;
use crate::window::panels::menu_bar::MenuBar;
use crate::window::panels::offers::Offers;
use crate::window::panels::path_prompt::PathPrompt;
use crate::window::panels::review_bar::ReviewBar;
use crate::window::panels::speaker_picker::SpeakerPicker;
use crate::window::panels::status_bar::StatusBar;
use crate::window::panels::suggesters::SuggestersDialog;
use crate::window::panels::toolbar::Toolbar;
use crate::window::panels::{self, Panel};
use crate::window::prefs::{self, Prefs, Theme};
use crate::window::sample;
use crate::window::workspace::Workspace;
use eframe::egui;
use std::path::{Path, PathBuf};
use std::sync::{Arc, mpsc};

/// How many dispatched commands the app remembers.
pub const LOG_LEN: usize = 64;

/// The most of the window's width the annotations panel (right) may take.
const RIGHT_PANEL_SHARE: f32 = 0.42;
/// ... and the folder and "Needs attention" panel (left), so that with both
/// open the article keeps a third of a 600-point window.
const LEFT_PANEL_SHARE: f32 = 0.25;

/// One struct per panel, each with its own state.
#[derive(Default)]
struct Panels {
    menu: MenuBar,
    toolbar: Toolbar,
    find: FindBar,
    review: ReviewBar,
    status: StatusBar,
    list: AnnotationList,
    editor: Editor,
    attention: Attention,
    corpus: CorpusList,
    offers: Offers,
    banners: Banners,
    help: Help,
    linked_delete: LinkedDeleteDialog,
    speaker: SpeakerPicker,
    path_prompt: PathPrompt,
    suggesters: SuggestersDialog,
}

/// A dialog running on its thread.
struct PendingDialog {
    request: DialogRequest,
    answer: mpsc::Receiver<DialogOutcome>,
}

/// The Marginalia window.
pub struct MarginaliaApp {
    /// The workspace the panels share (session, selection, messages, prefs).
    pub state: Workspace,
    panels: Panels,
    /// The article view (public so tests can read what it drew).
    pub view: ArticleView,
    dialogs: Arc<dyn FileDialogs>,
    dialog: Option<PendingDialog>,
    title_sent: String,
    theme_applied: Option<Theme>,
    text_size_applied: Option<f32>,
    /// The last commands dispatched, newest last (at most [`LOG_LEN`]).
    log: Vec<Command>,
    /// Log commands without running them (tests of the keymap's scopes).
    hold_commands: bool,
    /// Where the keyboard was at the end of the last frame.
    scope: Scope,
    /// The article generation the view was last reset for.
    view_generation: u64,
    /// File ▸ Reopen with Encoding, while open (a modal).
    encoding_dialog: Option<EncodingDialog>,
    /// The editor's share of the annotations panel's height.
    editor_share: f32,
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
        // Our Ctrl+=/-/0 change the text size instead of the GUI scale.
        cc.egui_ctx.options_mut(|o| o.zoom_with_keyboard = false);
        let mut app = Self::with_dialogs(None, prefs, sample::data_dir(), Arc::new(SystemDialogs));
        match path {
            Some(p) if p.is_dir() => app.state.open_folder(&p, || {}),
            Some(p) => app.state.open_with_encoding(&p, encoding),
            None => app.state.open_sample(),
        }
        app
    }

    /// The app without eframe storage, for tests: `path` (or the sample,
    /// copied into `data_dir`) opened with `prefs`.
    pub fn new_for_test(path: Option<&Path>, prefs: Prefs, data_dir: PathBuf) -> Self {
        Self::with_dialogs(
            path.map(Path::to_owned),
            prefs,
            data_dir,
            Arc::new(SystemDialogs),
        )
    }

    /// The app with `dialogs` in place of the system's file dialogs.
    pub fn with_dialogs(
        path: Option<PathBuf>,
        prefs: Prefs,
        data_dir: PathBuf,
        dialogs: Arc<dyn FileDialogs>,
    ) -> Self {
        let mut app = MarginaliaApp {
            state: Workspace::new(prefs, data_dir),
            panels: Panels::default(),
            view: ArticleView::default(),
            dialogs,
            dialog: None,
            title_sent: String::new(),
            theme_applied: None,
            text_size_applied: None,
            log: Vec::new(),
            hold_commands: false,
            scope: Scope::default(),
            view_generation: 0,
            encoding_dialog: None,
            editor_share: EDITOR_SHARE,
        };
        match path {
            Some(p) if p.is_dir() => app.state.open_folder(&p, || {}),
            Some(p) => app.state.open(&p),
            None => app.state.open_sample(),
        }
        app
    }

    /// Open `path` (saving the current article first if it has changes).
    pub fn open(&mut self, path: &Path) {
        self.state.open(path);
    }

    /// Start corpus mode on `root`; `ctx` is woken as batches arrive.
    pub fn open_folder(&mut self, root: &Path, ctx: Option<&egui::Context>) {
        let ctx = ctx.cloned();
        self.state.open_folder(root, move || {
            if let Some(ctx) = &ctx {
                ctx.request_repaint();
            }
        });
    }

    /// Set the text selection (as the view or Find would).
    pub fn select(&mut self, range: CharRange) {
        self.state.selection = Some(range);
    }

    /// Save now (as Ctrl+S does: a field being typed in is kept first).
    pub fn save(&mut self) -> Result<(), &SaveError> {
        self.panels.editor.commit(&mut self.state);
        self.state.save()
    }

    /// Save the sidecar to `path` (what Save As does after its dialog).
    pub fn save_as(&mut self, path: &Path) -> Result<(), &SaveError> {
        self.panels.editor.commit(&mut self.state);
        self.state.save_as(path)
    }

    /// Add pre-annotations from `input` (File ▸ Import pre-annotations).
    pub fn import_preannotations(&mut self, input: &Path) {
        self.state.import_preannotations(input);
    }

    /// Scroll the article view by `points` on the next frame (benches, tests).
    pub fn scroll_view_by(&mut self, points: f32) {
        self.view.scroll_by(points);
    }

    /// The article view's scroll offset after the last frame, in points.
    pub fn view_scroll_offset_y(&self) -> f32 {
        self.view.scroll_offset_y()
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

    /// The scope the next key presses go to: where the keyboard was when
    /// the last frame ended (see [`Scope`]).
    pub fn scope(&self) -> Scope {
        self.scope
    }

    /// The commands dispatched lately (by keys, menus, buttons), newest last.
    pub fn commands_dispatched(&self) -> &[Command] {
        &self.log
    }

    /// While `hold` is true, commands are logged (see
    /// [`Self::commands_dispatched`]) but not run, so a test can press every
    /// key in one scope without leaving it.
    pub fn hold_commands(&mut self, hold: bool) {
        self.hold_commands = hold;
        self.log.clear();
    }

    /// The find bar's query.
    pub fn find_query(&self) -> &str {
        &self.panels.find.query
    }

    /// True while the find bar is shown.
    pub fn find_is_open(&self) -> bool {
        self.panels.find.open
    }

    /// Draw one frame of the whole window into `ui` (what `App::ui` calls;
    /// tests call it through egui_kittest).
    pub fn ui_body(&mut self, ui: &mut egui::Ui) {
        let ctx = ui.ctx().clone();
        self.state.now_s = ctx.input(|i| i.time);
        self.poll_background(&ctx);
        self.state.forget_missing_selection();
        self.apply_theme(&ctx);
        // Keys first, before any widget sees them, in the scope they were
        // typed in: the one the last frame ended in (egui has already taken
        // focus from a field on Esc by now). Commands typed in a field run
        // after the panels, once the field has read this frame's typing.
        let scope = self.scope;
        let commands = self.state.keymap.take(&ctx, scope);
        let typing = matches!(scope, Scope::Find | Scope::Text);
        if !typing {
            self.run_all(&commands, &ctx);
        }
        self.bars_ui(ui);
        if typing {
            self.run_all(&commands, &ctx);
        }
        self.side_panels_ui(ui);
        egui::CentralPanel::default().show(ui, |ui| self.central_ui(ui));
        self.panels.help.ui(ui, &mut self.state);
        self.panels.linked_delete.ui(ui, &mut self.state);
        if let Some((request, path)) = self.panels.path_prompt.ui(ui, &mut self.state) {
            self.answer(request, DialogOutcome::Picked(path), &ctx);
        }
        self.encoding_dialog_ui(&ctx);
        self.state.suggest_dialog_ui(&ctx);
        self.panels.suggesters.ui(&ctx, &mut self.state);
        self.autosave(&ctx);
        self.update_title(&ctx);
        self.scope = self.scope_now(&ctx);
    }

    /// The bars across the top and the bottom.
    fn bars_ui(&mut self, ui: &mut egui::Ui) {
        let ws = &mut self.state;
        let menu = egui::Panel::top("menu")
            .show(ui, |ui| self.panels.menu.ui(ui, ws))
            .inner;
        if let Some(p) = menu.open {
            ws.open(&p);
        }
        let mut asked = menu.command;
        let tool = egui::Panel::top("toolbar").show(ui, |ui| self.panels.toolbar.ui(ui, ws));
        asked = asked.or(tool.inner);
        if self.panels.find.open {
            let find = egui::Panel::top("find").show(ui, |ui| self.panels.find.ui(ui, ws));
            asked = asked.or(find.inner);
        }
        if ws.review.active && ws.doc.is_some() {
            let review = egui::Panel::top("review").show(ui, |ui| self.panels.review.ui(ui, ws));
            asked = asked.or(review.inner);
        }
        if Offers::is_needed(ws) {
            egui::Panel::top("offers").show(ui, |ui| self.panels.offers.ui(ui, ws));
        }
        egui::Panel::bottom("status").show(ui, |ui| self.panels.status.ui(ui, ws));
        if let Some(command) = asked {
            self.run(command, &ui.ctx().clone());
        }
    }

    /// The annotation list and editor on the right; the "Needs attention"
    /// list and the folder list on the left.
    fn side_panels_ui(&mut self, ui: &mut egui::Ui) {
        let ws = &mut self.state;
        let mut asked = None;
        // Side panels keep their size as the window shrinks, unless capped:
        // the article keeps at least half of a narrow window.
        let width = ui.available_width();
        if ws.doc.is_some() {
            egui::Panel::right("annotations")
                .resizable(true)
                .default_size(340.0_f32.min(width * RIGHT_PANEL_SHARE))
                .max_size(width * RIGHT_PANEL_SHARE)
                .show(ui, |ui| {
                    let height = ui.available_height();
                    self.panels.list.fit(ui, height);
                    let mut list_rect = ui.available_rect_before_wrap();
                    if ws.selected.is_some() || ws.linking.is_some() {
                        let (editor, speaker) = (&mut self.panels.editor, &mut self.panels.speaker);
                        // The editor keeps a few lines, even if the list
                        // has to give up rows for them (big text in a
                        // small window): it is what review mode works in.
                        let line = ui.spacing().interact_size.y + ui.spacing().item_spacing.y;
                        let editor_min = EDITOR_MIN_LINES * line + SPLIT_GAP;
                        let list = self.panels.list.min_height(ui, height, editor_min);
                        let editor_id = ws.selected.clone();
                        let share = &mut self.editor_share;
                        let split = Split {
                            share,
                            height,
                            list,
                            editor_min,
                            editor_id,
                        };
                        (list_rect, asked) = editor_split_ui(ui, split, |ui| {
                            if ws.linking.is_some() {
                                speaker.ui(ui, ws);
                                None
                            } else {
                                editor.ui(ui, ws)
                            }
                        });
                    }
                    let list = egui::UiBuilder::new().max_rect(list_rect);
                    ui.scope_builder(list, |ui| self.panels.list.ui(ui, ws));
                });
        }
        let attention = Attention::is_needed(ws);
        if ws.corpus.root.is_some() || attention {
            egui::Panel::left("corpus")
                .resizable(true)
                .default_size(300.0_f32.min(width * LEFT_PANEL_SHARE))
                .max_size(width * LEFT_PANEL_SHARE)
                .show(ui, |ui| {
                    if attention {
                        self.panels.attention.ui(ui, ws);
                        ui.separator();
                    }
                    if ws.corpus.root.is_some() {
                        asked = asked.or(self.panels.corpus.ui(ui, ws));
                    }
                });
        }
        if let Some(command) = asked {
            self.run(command, &ui.ctx().clone());
        }
    }

    /// True while a modal dialog is open (the window behind takes no commands).
    fn modal_open(&self) -> bool {
        self.state.pending_delete.is_some()
            || self.encoding_dialog.is_some()
            || self.panels.path_prompt.is_open()
            || self.state.suggest.dialog.is_some()
            || self.panels.suggesters.is_open()
    }

    /// Open File ▸ Reopen with Encoding on the open article, with `pick`
    /// (or its current encoding) picked.
    pub fn open_encoding_dialog(&mut self, pick: Option<TextEncoding>) {
        let Some(doc) = &self.state.doc else { return };
        match EncodingDialog::new(&doc.file, pick) {
            Ok(dialog) => self.encoding_dialog = Some(dialog),
            Err(e) => {
                self.state.message = format!("Cannot read {}: {e}", doc.file.path.display());
            }
        }
    }

    fn encoding_dialog_ui(&mut self, ctx: &egui::Context) {
        let Some(dialog) = &mut self.encoding_dialog else {
            return;
        };
        match dialog.ui(ctx) {
            Some(DialogAnswer::Reopen(e)) => {
                self.encoding_dialog = None;
                self.state.reopen_with_encoding(e);
            }
            Some(DialogAnswer::Cancel) => {
                self.encoding_dialog = None;
                self.state.message = "Encoding unchanged".into();
            }
            None => {}
        }
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

    fn run_all(&mut self, commands: &[Command], ctx: &egui::Context) {
        for &command in commands {
            self.run(command, ctx);
        }
    }

    /// Run `command` (from a key, a menu, a button), or say in the status
    /// bar why it cannot run now.
    pub fn run(&mut self, command: Command, ctx: &egui::Context) {
        if self.may_run(command) {
            self.handle(command, ctx);
        }
    }

    /// Log `command`, keep what the editor's fields hold (typed text is
    /// never lost), and check that the command is enabled.
    fn may_run(&mut self, command: Command) -> bool {
        if self.log.len() >= LOG_LEN {
            self.log.remove(0);
        }
        self.log.push(command);
        if self.hold_commands {
            return false;
        }
        self.panels.editor.commit(&mut self.state);
        let needs = command.spec().needs;
        if !needs.holds(&self.state.situation()) {
            self.state.message = format!("{}: {}", command.spec().label, needs.hint());
            return false;
        }
        true
    }

    /// The handlers: one arm per command of the table.
    fn handle(&mut self, command: Command, ctx: &egui::Context) {
        match command {
            Command::Open | Command::OpenFolder | Command::Import => self.ask_for(command, ctx),
            Command::OpenSample => self.state.open_sample(),
            Command::ReopenWithEncoding => self.open_encoding_dialog(None),
            Command::Save => {
                // Shown in the window by the workspace (message or banner).
                let _shown = self.state.save();
            }
            Command::SaveAs => self.ask_save_as(ctx),
            Command::ToggleAutosave => self.state.prefs.autosave = !self.state.prefs.autosave,
            Command::Quit => ctx.send_viewport_cmd(egui::ViewportCommand::Close),
            Command::Undo => self.state.undo_redo(true),
            Command::Redo => self.state.undo_redo(false),
            Command::TagEntity | Command::TagClaim | Command::TagQuote => {
                if let Some(label) = command.tag_label() {
                    self.state.tag(label);
                }
            }
            Command::LinkSpeaker => self.state.start_linking(),
            Command::Delete => self.state.delete_selected(),
            Command::StartLeft => self.state.nudge(Edge::Start, -1),
            Command::StartRight => self.state.nudge(Edge::Start, 1),
            Command::EndLeft => self.state.nudge(Edge::End, -1),
            Command::EndRight => self.state.nudge(Edge::End, 1),
            Command::Find => self.panels.find.open(),
            Command::FindNext | Command::FindFromBox => {
                self.panels.find.step(&mut self.state, ctx, false)
            }
            Command::FindPrevious | Command::FindPreviousFromBox => {
                self.panels.find.step(&mut self.state, ctx, true)
            }
            Command::Escape => self.escape(ctx),
            Command::ToggleReview => self.state.toggle_review(),
            Command::ReviewNext => self.state.review_step(Some(true)),
            Command::ReviewPrevious => self.state.review_step(Some(false)),
            Command::ReviewNextUnreviewed => self.state.review_step(None),
            Command::Accept => self.state.decide(Status::Accepted),
            Command::Reject => self.state.decide(Status::Rejected),
            Command::AcceptWithLinks => self.state.accept_with_links(),
            Command::SuggestOccurrences => self.state.spread_or_tag(),
            Command::SuggestWith => self.state.open_suggest_with(),
            Command::EditSuggesters => self.panels.suggesters.open(&self.state),
            Command::Suggest => {
                let wake = ctx.clone();
                let ws = &mut self.state;
                let rules = ws.rules_source();
                if let Some(doc) = &mut ws.doc {
                    ws.message = ws.suggest.start(doc, rules, move || wake.request_repaint());
                }
            }
            Command::UndoDecision => self.state.undo_decision(),
            Command::EditNote => {
                let note = egui::Id::unique(panels::editor::NOTE_ID);
                ctx.memory_mut(|m| m.request_focus(note));
            }
            Command::ConfirmMoved => self.state.confirm_all_moved(),
            Command::NextDocument => self.state.step_document(1),
            Command::PreviousDocument => self.state.step_document(-1),
            Command::NextUnannotated => self.state.next_unannotated(),
            Command::ZoomIn => self.state.prefs.zoom_by(1.0),
            Command::ZoomOut => self.state.prefs.zoom_by(-1.0),
            Command::ZoomReset => self.state.prefs.font_size = prefs::DEFAULT_FONT_SIZE,
            Command::ToggleTheme => {
                self.state.prefs.theme = match self.state.prefs.theme {
                    Theme::Light => Theme::Dark,
                    Theme::Dark => Theme::Light,
                }
            }
            Command::ToggleSnap => self.state.prefs.snap_to_words = !self.state.prefs.snap_to_words,
            Command::Help => self.panels.help.open = !self.panels.help.open,
            Command::PageDown => self.view.scroll_pages(1.0),
            Command::PageUp => self.view.scroll_pages(-1.0),
            Command::ScrollToStart => self.view.scroll_pages(-f32::MAX),
            Command::ScrollToEnd => self.view.scroll_pages(f32::MAX),
        }
    }

    /// Esc: close the topmost thing (a dialog, linking, the help, the find
    /// bar); in a text field, leave it (egui has already taken the focus,
    /// and the field keeps what was typed); else clear the selection, else
    /// the selected annotation.
    fn escape(&mut self, ctx: &egui::Context) {
        let ws = &mut self.state;
        if self.encoding_dialog.take().is_some() {
            ws.message = "Encoding unchanged".into();
        } else if self.panels.path_prompt.close() {
            ws.message = "Nothing opened".into();
        } else if self.panels.suggesters.close() {
            ws.message = "Suggesters unchanged".into();
        } else if ws.suggest.dialog.take().is_some() {
            ws.message = "Suggest: nothing run".into();
        } else if ws.pending_delete.take().is_some() {
            ws.message = "Nothing deleted".into();
        } else if ws.linking.take().is_some() {
            ws.message = "Linking cancelled".into();
        } else if self.panels.help.open {
            self.panels.help.open = false;
        } else if self.panels.find.open && self.scope != Scope::Text {
            self.panels.find.close(ctx);
        } else if self.scope == Scope::Text {
            if let Some(id) = ctx.memory(|m| m.focused()) {
                ctx.memory_mut(|m| m.surrender_focus(id));
            }
        } else if ws.selection.is_some() {
            ws.selection = None;
        } else {
            ws.selected = None;
        }
    }

    /// Show the file dialog `command` (Open, Open folder, Import) needs.
    fn ask_for(&mut self, command: Command, ctx: &egui::Context) {
        let start_dir = self.start_dir();
        let request = match command {
            Command::OpenFolder => DialogRequest::Folder { start_dir },
            Command::Import => DialogRequest::Import { start_dir },
            _ => DialogRequest::Open { start_dir },
        };
        self.ask(request, ctx);
    }

    /// The folder file dialogs start in: the open article's.
    fn start_dir(&self) -> Option<PathBuf> {
        self.state
            .doc
            .as_ref()
            .and_then(|d| folder_of(&d.file.path))
    }

    fn ask_save_as(&mut self, ctx: &egui::Context) {
        let file_name = self
            .state
            .doc
            .as_ref()
            .and_then(|d| d.sidecar_path.file_name())
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default();
        let request = DialogRequest::SaveAs {
            start_dir: self.start_dir(),
            file_name,
        };
        self.ask(request, ctx);
    }

    /// Show a file dialog on its own thread (the window keeps drawing); its
    /// answer is taken by [`Self::poll_background`].
    fn ask(&mut self, request: DialogRequest, ctx: &egui::Context) {
        if self.dialog.is_some() {
            self.state.message = "A file dialog is already open".into();
            return;
        }
        let (tx, rx) = mpsc::channel();
        let dialogs = Arc::clone(&self.dialogs);
        let ctx = ctx.clone();
        let asked = request.clone();
        let spawned = std::thread::Builder::new()
            .name("file-dialog".into())
            .spawn(move || {
                // The app may be gone when the user answers; nothing to do then.
                let _gone = tx.send(dialogs.show(&asked));
                ctx.request_repaint();
            });
        match spawned {
            Ok(_) => {
                self.dialog = Some(PendingDialog {
                    request,
                    answer: rx,
                })
            }
            Err(e) => self.state.message = format!("Could not show the file dialog: {e}"),
        }
    }

    /// Take what background work finished: a file dialog's answer, a big
    /// sidecar's annotations, the folder scan's batches, the watch's probes.
    fn poll_background(&mut self, ctx: &egui::Context) {
        self.poll_dialog(ctx);
        let ws = &mut self.state;
        if let Some(doc) = &mut ws.doc {
            if doc.is_loading() {
                // Woken when the reader is done (the 15 ms below is a fallback).
                let wake = ctx.clone();
                doc.wake_when_loaded(move || wake.request_repaint());
            }
            if doc.poll_loading() {
                ws.message = format!("Loaded {} annotations", doc.annotations.len());
            } else if doc.is_loading() {
                ctx.request_repaint_after(std::time::Duration::from_millis(15));
            }
        }
        if let Some(m) = ws.suggest.poll(ws.doc.as_mut(), ws.now_s) {
            ws.message = m;
        } else if ws.suggest.is_running() {
            ctx.request_repaint_after(std::time::Duration::from_millis(50));
        }
        if ws.poll_corpus() {
            // Batches wake the window; this is a fallback for a test harness.
            ctx.request_repaint_after(std::time::Duration::from_millis(100));
        }
        let dropped = ctx.input(|i| i.raw.dropped_files.clone());
        if let Some(path) = dropped.into_iter().map(|f| f.path().to_owned()).next() {
            ws.open(&path);
        }
        let focus_gained = ctx.input(|i| {
            i.raw
                .events
                .iter()
                .any(|e| matches!(e, egui::Event::WindowFocused(true)))
        });
        let now_s = ws.now_s;
        if let Some(doc) = &mut ws.doc {
            let report = ws.watch.frame(doc, now_s, focus_gained);
            if let Some(m) = report.message {
                ws.message = m;
            }
            if report.saved {
                ws.corpus.refresh(&doc.file.path);
            }
            if let Some(wait) = report.repaint_after {
                ctx.request_repaint_after(wait);
            }
        }
    }

    fn poll_dialog(&mut self, ctx: &egui::Context) {
        let Some(pending) = &self.dialog else { return };
        let outcome = match pending.answer.try_recv() {
            Ok(outcome) => outcome,
            Err(mpsc::TryRecvError::Empty) => return,
            Err(mpsc::TryRecvError::Disconnected) => {
                DialogOutcome::Unavailable("the file dialog ended without an answer".into())
            }
        };
        let request = pending.request.clone();
        self.dialog = None;
        self.answer(request, outcome, ctx);
    }

    /// Do what `request` asked for with the dialog's `outcome`; where no
    /// dialog could be shown, ask for a typed path instead.
    fn answer(&mut self, request: DialogRequest, outcome: DialogOutcome, ctx: &egui::Context) {
        let ws = &mut self.state;
        match (request, outcome) {
            (DialogRequest::Open { .. }, DialogOutcome::Picked(p)) => ws.open(&p),
            (DialogRequest::SaveAs { .. }, DialogOutcome::Picked(p)) => {
                // Shown in the window by the workspace (message or banner).
                let _shown = ws.save_as(&p);
            }
            (DialogRequest::Import { .. }, DialogOutcome::Picked(p)) => {
                ws.import_preannotations(&p)
            }
            (DialogRequest::Folder { .. }, DialogOutcome::Picked(p)) => {
                self.open_folder(&p, Some(ctx))
            }
            (_, DialogOutcome::Cancelled) => {}
            (request, DialogOutcome::Unavailable(why)) => self.panels.path_prompt.ask(request, why),
        }
    }

    fn apply_theme(&mut self, ctx: &egui::Context) {
        // Ctrl+= / Ctrl+- size the panels with the article's text.
        let size = self.state.prefs.font_size;
        if self.text_size_applied != Some(size) {
            self.text_size_applied = Some(size);
            ctx.all_styles_mut(|style| scale_style(style, size / prefs::DEFAULT_FONT_SIZE));
        }
        let theme = self.state.prefs.theme;
        if self.theme_applied != Some(theme) {
            self.theme_applied = Some(theme);
            ctx.set_theme(match theme {
                Theme::Light => egui::Theme::Light,
                Theme::Dark => egui::Theme::Dark,
            });
        }
    }

    fn autosave(&mut self, ctx: &egui::Context) {
        let ws = &mut self.state;
        if !ws.prefs.autosave {
            return;
        }
        let Some(doc) = &ws.doc else { return };
        if doc.autosave_due(ws.now_s) {
            // Shown in the window by the workspace (message or banner).
            let _shown = ws.save();
        } else if doc.save_state == SaveState::Unsaved && doc.read_only.is_none() {
            let wait = (doc.last_change_s + AUTOSAVE_DELAY_S - ws.now_s).max(0.05);
            ctx.request_repaint_after(std::time::Duration::from_secs_f64(wait));
        }
    }

    fn update_title(&mut self, ctx: &egui::Context) {
        let title = self.title();
        if title != self.title_sent {
            ctx.send_viewport_cmd(egui::ViewportCommand::Title(title.clone()));
            self.title_sent = title;
        }
    }

    /// The banners and the article view.
    fn central_ui(&mut self, ui: &mut egui::Ui) {
        if let Some(command) = self.panels.banners.ui(ui, &mut self.state) {
            self.run(command, &ui.ctx().clone());
        }
        let ws = &mut self.state;
        if self.view_generation != ws.generation() {
            self.view_generation = ws.generation();
            self.view.reset();
        }
        if let Some(range) = ws.take_scroll_request() {
            self.view.scroll_to(range);
        }
        let Some(doc) = &ws.doc else {
            if ws.open_error.is_none() {
                ui.label("Open an article with File ▸ Open (Ctrl+O), or drop a file here.");
            }
            return;
        };
        // No heading above the view: an article's `date … Title` line is
        // its own first paragraph, drawn as a title by the view (and open
        // to tagging), so a heading would show the title twice.
        let palette = panels::palette(ws, ui.visuals().dark_mode);
        // Hovering (or selecting) a quote outlines its speaker.
        let linked: Vec<CharRange> = [ws.hovered.as_ref(), ws.selected.as_ref()]
            .into_iter()
            .flatten()
            .filter_map(|id| doc.annotations.get(id)?.speaker())
            .filter_map(|speaker| doc.annotations.get(speaker).map(|a| a.range()))
            .collect();
        self.view.set_linked(linked);
        let input = ViewInput {
            article: &doc.file.article,
            annotations: &doc.annotations,
            selection: ws.selection,
            selected_annotation: ws.selected.as_ref(),
            palette: &palette,
            filter: &ws.filter,
            snap_to_words: ws.prefs.snap_to_words,
            font_size: ws.prefs.font_size,
        };
        let out = self.view.ui(ui, &input);
        ws.hovered = out.hovered;
        if let Some(sel) = out.selection {
            ws.selection = sel.filter(|r| !r.is_empty());
        }
        if let Some(id) = out.clicked {
            if ws.linking.is_some() {
                ws.link_to(&id);
            } else {
                ws.selected = Some(id);
            }
        }
    }
}

/// The editor's share of the annotations panel's height until the user
/// drags its edge.
const EDITOR_SHARE: f32 = 0.4;

/// The lines of the editor kept in view however short the side panel
/// (its quote and the line below; the rest scrolls).
const EDITOR_MIN_LINES: f32 = 2.0;

/// Half the height of the line above the editor that the mouse drags.
const SPLIT_GRAB: f32 = 5.0;
/// Room between that line and what is above and below it.
const SPLIT_GAP: f32 = 6.0;

/// How the annotations panel is shared between the list and the editor.
struct Split<'a> {
    /// The editor's share of the panel's height, set by dragging the line.
    share: &'a mut f32,
    /// The panel's height.
    height: f32,
    /// What the list keeps for its filters and a few rows.
    list: f32,
    /// What the editor keeps, whatever its share.
    editor_min: f32,
    /// The annotation in the editor: another one starts at the top.
    editor_id: Option<AnnotationId>,
}

/// The editor at the bottom of the annotations panel, below a list that
/// keeps `split.list` points for its filters and a few rows; the editor
/// scrolls in what is left, but never less than `split.editor_min`.
/// Returns the rect left for the list (above the editor), and what
/// `editor_ui` returned.
///
/// The split is ours, not an egui panel's: its height is kept as `share`
/// of the panel's (egui's panel stored an absolute size clamped to each
/// frame's room, so a short spell in review mode shrank the editor for
/// good, and holding it at a share meant writing egui's private panel
/// state under an id egui derives), and dragging the line above the editor
/// sets the share.
fn editor_split_ui<R>(
    ui: &mut egui::Ui,
    split: Split<'_>,
    editor_ui: impl FnOnce(&mut egui::Ui) -> R,
) -> (egui::Rect, R) {
    let Split {
        share,
        height,
        list,
        editor_min,
        editor_id,
    } = split;
    let full = ui.available_rect_before_wrap();
    let max = (height - list).max(0.0);
    let min = editor_min.min(max);
    let split = full.bottom() - (*share * height).clamp(min, max);
    let grab = egui::Rect::from_x_y_ranges(full.x_range(), split - SPLIT_GRAB..=split + SPLIT_GRAB);
    let id = egui::Id::unique("marginalia.editor_split");
    let handle = ui.interact(grab, id, egui::Sense::drag());
    if handle.hovered() || handle.dragged() {
        ui.ctx().set_cursor_icon(egui::CursorIcon::ResizeVertical);
    }
    if let Some(p) = handle.interact_pointer_pos().filter(|_| handle.dragged())
        && height > 0.0
    {
        *share = (full.bottom() - p.y).clamp(min, max) / height;
    }
    let stroke = match handle.hovered() || handle.dragged() {
        true => ui.visuals().widgets.hovered.fg_stroke,
        false => ui.visuals().widgets.noninteractive.bg_stroke,
    };
    ui.painter().hline(full.x_range(), split, stroke);
    let editor = egui::Rect::from_min_max(egui::pos2(full.left(), split + SPLIT_GAP), full.max);
    let inner = ui
        .scope_builder(egui::UiBuilder::new().max_rect(editor), |ui| {
            egui::ScrollArea::vertical()
                .id_salt(("editor_scroll", editor_id))
                .auto_shrink([false, false])
                .show(ui, editor_ui)
                .inner
        })
        .inner;
    let list = egui::Rect::from_min_max(full.min, egui::pos2(full.right(), split - SPLIT_GAP));
    (list, inner)
}

/// Text sizes and the spacing around controls at `scale` times egui's
/// defaults (the checkboxes, buttons and rows grow with the text).
fn scale_style(style: &mut egui::Style, scale: f32) {
    let defaults = egui::style::default_text_styles();
    for (text_style, font) in style.text_styles.iter_mut() {
        if let Some(default) = defaults.get(text_style) {
            font.size = default.size * scale;
        }
    }
    let d = egui::style::Spacing::default();
    let s = &mut style.spacing;
    s.item_spacing = d.item_spacing * scale;
    s.button_padding = d.button_padding * scale;
    s.interact_size = d.interact_size * scale;
    s.indent = d.indent * scale;
    s.icon_width = d.icon_width * scale;
    s.icon_width_inner = d.icon_width_inner * scale;
    s.icon_spacing = d.icon_spacing * scale;
    s.combo_width = d.combo_width * scale;
    s.text_edit_width = d.text_edit_width * scale;
    s.menu_width = d.menu_width * scale;
    s.tooltip_width = d.tooltip_width * scale;
}

impl eframe::App for MarginaliaApp {
    fn ui(&mut self, ui: &mut egui::Ui, _frame: &mut eframe::Frame) {
        self.ui_body(ui);
    }

    fn save(&mut self, storage: &mut dyn eframe::Storage) {
        eframe::set_value(storage, prefs::STORAGE_KEY, &self.state.prefs);
    }

    fn on_exit(&mut self, _gl: Option<&eframe::glow::Context>) {
        // Save on close, so nothing typed in the last second is lost.
        self.panels.editor.commit(&mut self.state);
        self.state.watch.flush();
        let Some(doc) = &mut self.state.doc else {
            return;
        };
        if !doc.is_dirty() {
            return;
        }
        let why = match doc.save() {
            Ok(()) => return,
            Err(e) => e,
        };
        // The sidecar could not be written: keep the work in a new file
        // beside it rather than lose it (nothing existing is overwritten).
        let stamp = chrono::Local::now().format("%Y%m%d-%H%M%S");
        let mut name = doc.sidecar_path.clone().into_os_string();
        name.push(format!(".recovered-{stamp}.ron"));
        let recovery = PathBuf::from(name);
        match doc.save_as(&recovery) {
            Ok(()) => eprintln!(
                "marginalia: {why}; unsaved annotations kept in {}",
                recovery.display()
            ),
            Err(e) => eprintln!("marginalia: unsaved annotations lost: {why}; {e}"),
        }
    }
}
