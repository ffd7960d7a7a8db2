//! The workspace: what every panel of the window shares, and the edits a
//! command makes to it.
//!
//! A [`Workspace`] holds the open [`Session`] (article, annotations, undo
//! history), the selection (text and annotation), the status message, the
//! preferences, the label schema with its [`Keymap`], review mode, linking,
//! the folder list and the [`Watch`] over the files. Panels get `&mut
//! Workspace` and keep their own state to themselves; command handlers are
//! methods here (or on the app, for the few that need egui). Invariants: every
//! change to annotations goes through the session's history (one undo step
//! each), and nothing here imports egui, so it can be driven from tests as is.
//!
//! Requests for the article view (scroll to a span) wait in the workspace
//! until the app hands them over ([`Workspace::take_scroll_request`]);
//! panels notice a newly opened article by its [`Workspace::generation`].
use crate::model::annotation::{AnchorState, Annotation, AnnotationId, Label, Status};
use crate::model::decode::TextEncoding;
use crate::model::document::Article;
use crate::model::filter::Filter;
use crate::model::offset::{CharOffset, CharRange};
use crate::model::review::{self as core_review, LinkedDelete, ReviewFilter};
use crate::model::snap;
use crate::store::schema::{self, Schema};
use crate::store::session::{BACKGROUND_SIDECAR_BYTES, Edge, SaveError, Session};
use crate::window::commands::{Keymap, Situation};
use crate::window::corpus::CorpusState;
use crate::window::prefs::{Prefs, Theme};
use crate::window::sample;
use crate::window::text::{change_text, error_text, excerpt, quoted};
use crate::window::watch::{Offer, Watch};
use std::path::{Path, PathBuf};

/// Review mode: on or off, the queue's filter, and the decisions U can take back.
#[derive(Debug, Default)]
pub struct Review {
    /// Review mode is on.
    pub active: bool,
    /// Which annotations are stepped through.
    pub filter: ReviewFilter,
    /// Ids decided in this session, newest last (what U takes back).
    pub decided: Vec<AnnotationId>,
}

/// What an analyst decided in the "Needs attention" list.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Resolve {
    /// Accept a Moved/Fuzzy anchoring as right: it becomes Exact.
    Confirm(AnnotationId),
    /// Move an orphan onto the current selection.
    Reattach(AnnotationId),
    /// Delete an orphan.
    Delete(AnnotationId),
    /// Keep my version of a conflicted annotation.
    KeepMine(AnnotationId),
    /// Take the other writer's version.
    TakeTheirs(AnnotationId),
    /// Select it (and scroll there).
    Select(AnnotationId),
}

/// Everything the panels share (see the module docs).
#[derive(Default)]
pub struct Workspace {
    /// Preferences (persisted by eframe).
    pub prefs: Prefs,
    /// The open article, if any.
    pub doc: Option<Session>,
    /// Why the last open failed, shown in the window.
    pub open_error: Option<String>,
    /// Why the last save failed, shown with a Save As button until a save works.
    pub save_error: Option<SaveError>,
    /// The current text selection.
    pub selection: Option<CharRange>,
    /// The annotation selected in the list or the view.
    pub selected: Option<AnnotationId>,
    /// The annotation under the mouse in the article view.
    pub hovered: Option<AnnotationId>,
    /// Which annotations the list and the article view show.
    pub filter: Filter,
    /// The last status message.
    pub message: String,
    /// Review mode.
    pub review: Review,
    /// The quote or claim waiting for its speaker to be picked (after L).
    pub linking: Option<AnnotationId>,
    /// The linked annotation whose delete waits for the user's answer.
    pub pending_delete: Option<AnnotationId>,
    /// The label schema of the open article (defaults when none or broken).
    pub schema: Schema,
    /// Why the schema file (or one of its keys) was not used, shown in a banner.
    pub schema_error: Option<String>,
    /// Keys → commands, with the schema's tag keys.
    pub keymap: Keymap,
    /// Corpus mode: the scanned folder's list.
    pub corpus: CorpusState,
    /// Journal, disk probes and recovery offers of the open article.
    pub watch: Watch,
    /// Where the sample's working copy lives.
    pub data_dir: PathBuf,
    /// Review ▸ Suggest's background run.
    pub suggest: crate::window::suggest::SuggestRun,
    /// Input time of the current frame, in seconds.
    pub now_s: f64,
    /// Opening this path again discards unsaved changes that could not be saved.
    discard_for: Option<PathBuf>,
    scroll_request: Option<CharRange>,
    generation: u64,
}

impl Workspace {
    /// A workspace with nothing open.
    pub fn new(mut prefs: Prefs, data_dir: PathBuf) -> Self {
        // The suggesters file (Review ▸ Suggesters…) wins over eframe's copy.
        let message = match crate::window::prefs::SuggesterPrefs::load(&data_dir) {
            Ok(Some(saved)) => {
                prefs.suggesters = saved.suggesters;
                prefs.cue_file = saved.cue_file;
                String::new()
            }
            Ok(None) => String::new(),
            Err(e) => format!("Your suggesters were not read: {e:#}"),
        };
        Workspace {
            prefs,
            data_dir,
            message,
            ..Workspace::default()
        }
    }

    /// Counts opened articles: a panel that sees it change drops what it
    /// kept about the previous one.
    pub fn generation(&self) -> u64 {
        self.generation
    }

    /// Ask the article view to scroll `range` into view.
    pub fn scroll_to(&mut self, range: CharRange) {
        self.scroll_request = Some(range);
    }

    /// The pending scroll request (the app hands it to the view).
    pub fn take_scroll_request(&mut self) -> Option<CharRange> {
        self.scroll_request.take()
    }

    /// Select annotation `id` and scroll the view to it.
    pub fn select_annotation(&mut self, id: AnnotationId) {
        if let Some(a) = self.doc.as_ref().and_then(|d| d.annotations.get(&id)) {
            self.scroll_request = Some(a.range());
        }
        self.selected = Some(id);
        self.selection = None;
    }

    /// The selected annotation, if it still exists.
    pub fn selected_annotation(&self) -> Option<&Annotation> {
        let id = self.selected.as_ref()?;
        self.doc.as_ref()?.annotations.get(id)
    }

    /// Forget the selected annotation once it is gone (an undone tag, a
    /// reload), so no empty editor stays and no command acts on nothing.
    pub fn forget_missing_selection(&mut self) {
        let loaded = self.doc.as_ref().is_some_and(|d| !d.is_loading());
        if loaded && self.selected.is_some() && self.selected_annotation().is_none() {
            self.selected = None;
        }
    }

    /// What the command table needs to know to enable commands.
    pub fn situation(&self) -> Situation {
        let doc = self.doc.as_ref();
        Situation {
            has_doc: doc.is_some(),
            has_selection: self.selection.is_some_and(|r| !r.is_empty()),
            has_selected: self.selected.is_some(),
            can_undo: doc.is_some_and(|d| d.history.can_undo()),
            can_redo: doc.is_some_and(|d| d.history.can_redo()),
            review: self.review.active,
            corpus: self.corpus.root.is_some(),
            autosave: self.prefs.autosave,
            snap: self.prefs.snap_to_words,
            dark: self.prefs.theme == Theme::Dark,
        }
    }

    /// Open the bundled sample's working copy.
    pub fn open_sample(&mut self) {
        match sample::working_copy(&self.data_dir) {
            Ok(p) => self.open(&p),
            Err(e) => self.open_error = Some(format!("Could not set up the sample: {e:#}")),
        }
    }

    /// Open `path` (saving the current article first if it has changes; when
    /// that save fails, the article stays open unless `path` is asked for
    /// twice).
    pub fn open(&mut self, path: &Path) {
        self.open_with_encoding(path, None);
    }

    /// [`Self::open`], reading the article with `encoding` when given
    /// (`marginalia --encoding NAME FILE`).
    pub fn open_with_encoding(&mut self, path: &Path, encoding: Option<TextEncoding>) {
        if !self.may_leave_current(path) {
            return;
        }
        self.discard_for = None;
        match Session::open_with_encoding(path, BACKGROUND_SIDECAR_BYTES, encoding) {
            Ok(doc) => {
                self.message = if doc.is_loading() {
                    format!("Opened {}; loading its annotations…", path.display())
                } else {
                    format!(
                        "Opened {} ({} annotations)",
                        path.display(),
                        doc.annotations.len()
                    )
                };
                self.doc = Some(doc);
                self.open_error = None;
                self.prefs.remember(path.to_owned());
                self.load_schema(path);
            }
            Err(e) => {
                self.doc = None;
                // The error names the file already.
                self.open_error = Some(format!("Could not open {}", error_text(&e)));
                self.message = "Open failed".to_owned();
            }
        }
        self.selection = None;
        self.selected = None;
        self.save_error = None;
        self.review.decided.clear();
        self.linking = None;
        self.pending_delete = None;
        self.generation += 1;
        self.watch = self
            .doc
            .as_ref()
            .map(Watch::for_session)
            .unwrap_or_default();
    }

    /// Save the open article before leaving it for `next`; false when it
    /// could not be saved (the message says so, and asking for `next` again
    /// discards the changes).
    fn may_leave_current(&mut self, next: &Path) -> bool {
        let Some(doc) = &mut self.doc else {
            return true;
        };
        if !doc.is_dirty() || doc.save().is_ok() {
            return true;
        }
        if self.discard_for.as_deref() == Some(next) {
            return true;
        }
        // Keep the unsaved article open rather than lose its work.
        self.message = format!(
            "Not saved; {} was not opened. Save As first, or open it again to discard the changes.",
            next.display()
        );
        self.discard_for = Some(next.to_owned());
        false
    }

    fn load_schema(&mut self, article: &Path) {
        let (schema, error) = schema::find_and_load(article);
        let (keymap, conflict) = Keymap::for_schema(&schema);
        self.keymap = keymap;
        self.schema = schema;
        self.schema_error = error
            .map(|e| e.to_string())
            .or(conflict.map(|c| c.to_string()));
    }

    /// Save now. The one place a save's outcome is shown: a status message
    /// when it worked, the save-failure banner (with Save As) when not.
    pub fn save(&mut self) -> Result<(), &SaveError> {
        let Some(doc) = &mut self.doc else {
            self.message = "Nothing to save".into();
            return Ok(());
        };
        let path = doc.sidecar_path.clone();
        let result = doc.save();
        self.report_save(result, &path)
    }

    /// Save the sidecar to `path` (what Save As does after its dialog).
    pub fn save_as(&mut self, path: &Path) -> Result<(), &SaveError> {
        let Some(doc) = &mut self.doc else {
            self.message = "Nothing to save".into();
            return Ok(());
        };
        let result = doc.save_as(path);
        self.report_save(result, path)
    }

    fn report_save(
        &mut self,
        result: Result<(), SaveError>,
        path: &Path,
    ) -> Result<(), &SaveError> {
        match result {
            Ok(()) => {
                self.message = format!("Saved {}", path.display());
                self.save_error = None;
                Ok(())
            }
            Err(e) => {
                self.message = "Not saved: see the message above the article".into();
                Err(self.save_error.insert(e))
            }
        }
    }

    /// Undo (`true`) or redo the last edit.
    pub fn undo_redo(&mut self, undo: bool) {
        let Some(doc) = &mut self.doc else {
            return;
        };
        let done = if undo {
            doc.undo(self.now_s)
        } else {
            doc.redo(self.now_s)
        };
        // Name what was undone (the top of the redo stack now) or redone.
        let what = match undo {
            true => doc.history.last_undone(),
            false => doc.history.last_done(),
        };
        let what = what.map(|c| change_text(c)).unwrap_or_default();
        self.message = match (undo, done) {
            (true, true) => format!("Undone: {what}"),
            (true, false) => "Nothing to undo".into(),
            (false, true) => format!("Redone: {what}"),
            (false, false) => "Nothing to redo".into(),
        };
        self.forget_missing_selection();
    }

    /// Tag the selection with `label`, or relabel the selected annotation
    /// when there is no selection.
    pub fn tag(&mut self, label: Label) {
        let now = chrono::Utc::now();
        let now_s = self.now_s;
        let Some(doc) = &mut self.doc else {
            return;
        };
        let author = self.prefs.author.clone();
        if let Some(range) = self.selection.filter(|r| !r.is_empty()) {
            // A Quote includes its quotation marks (the PolNeAR/PARC convention).
            let range = if label == Label::Quote {
                snap::with_quote_marks(&doc.file.article, range)
            } else {
                range
            };
            match doc.tag(range, label, &author, now, now_s) {
                Some(id) => {
                    let quote = doc.annotations.get(&id).map_or("", |a| a.quote.as_str());
                    self.message = format!("{label}: {}", quoted(quote, 60));
                    self.selected = Some(id);
                    self.selection = None;
                }
                None => self.message = "That selection cannot be tagged".into(),
            }
        } else if let Some(id) = self.selected.clone() {
            if doc.update(&id, &author, now, now_s, |a, _| {
                a.label = label;
                true
            }) {
                self.message = format!("Relabelled as {label}");
            }
        } else {
            self.message = "Select some text first (drag, or Ctrl+F and Enter)".into();
        }
    }

    /// Change the selected annotation with `f` (one undo step).
    pub fn update_selected(&mut self, f: impl FnOnce(&mut Annotation, &Article) -> bool) -> bool {
        let (Some(doc), Some(id)) = (&mut self.doc, self.selected.clone()) else {
            return false;
        };
        let who = self.prefs.author.clone();
        doc.update(&id, &who, chrono::Utc::now(), self.now_s, f)
    }

    /// Move one edge of the selected annotation by `delta` characters.
    pub fn nudge(&mut self, edge: Edge, delta: i32) {
        let (Some(doc), Some(id)) = (&self.doc, &self.selected) else {
            return;
        };
        let Some(range) = doc.nudged_range(id, edge, delta) else {
            self.message = "The span cannot shrink or grow further".into();
            return;
        };
        self.update_selected(|a, article| a.set_range(article, range));
    }

    /// Delete the selected annotation; when it is a part of a discontinuous
    /// span, or others link to it, ask first (the delete dialog opens).
    pub fn delete_selected(&mut self) {
        let (Some(doc), Some(id)) = (&self.doc, self.selected.clone()) else {
            return;
        };
        let is_fragment = crate::model::fragments::group(&doc.annotations, &id).len() > 1;
        if is_fragment
            || core_review::linked_to(&doc.annotations, &id)
                .next()
                .is_some()
        {
            self.pending_delete = Some(id);
        } else {
            self.delete_with_links(&id, LinkedDelete::Unlink);
        }
    }

    /// Delete one fragment of a discontinuous span (when it is the first, the
    /// next becomes first and keeps the span's links) or, with `whole`, every
    /// fragment: one undo step.
    pub fn delete_fragments(&mut self, id: &AnnotationId, whole: bool) {
        let Some(doc) = &mut self.doc else {
            return;
        };
        let (who, now) = (&self.prefs.author, chrono::Utc::now());
        let change = if whole {
            crate::model::fragments::delete_span(&doc.annotations, id, who, now)
        } else {
            crate::model::fragments::delete_part(&doc.annotations, id, who, now)
        };
        if doc.apply(change, self.now_s) {
            self.selected = None;
            self.message = if whole {
                "Span deleted with all its parts (Ctrl+Z to undo)".into()
            } else {
                "Part deleted; the span keeps its other parts (Ctrl+Z to undo)".into()
            };
        }
    }

    /// Delete `id`, handling links to it as `policy` says (one undo step).
    pub fn delete_with_links(&mut self, id: &AnnotationId, policy: LinkedDelete) {
        let Some(doc) = &mut self.doc else {
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
        if doc.apply(change, self.now_s) {
            self.selected = None;
            self.message = match (policy, n) {
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

    /// Select the next (or previous) match of `query` after the selection.
    pub fn find(&mut self, query: &str, backwards: bool) {
        let Some(doc) = &self.doc else { return };
        let from = match (self.selection, backwards) {
            (Some(s), false) => s.start.forward(1),
            (Some(s), true) => s.start,
            (None, _) => CharOffset(0),
        };
        match doc.find(query, from, backwards) {
            Some(range) => {
                let total = doc.count_matches(query);
                self.selection = Some(range);
                self.scroll_request = Some(range);
                self.message = format!("“{query}”: {total} match(es); E/C/Q tags it");
            }
            None => self.message = format!("“{query}” not found"),
        }
    }

    /// Enter or leave review mode. Entering starts at the selected
    /// annotation, else at the first unreviewed one.
    pub fn toggle_review(&mut self) {
        self.review.active = !self.review.active;
        if !self.review.active {
            self.message = "Review mode off".into();
            return;
        }
        self.selection = None;
        if self.selected.is_none() {
            self.review_step(None);
        } else if let Some(range) = self.selected_annotation().map(Annotation::range) {
            self.scroll_request = Some(range);
        }
        self.message =
            "Review mode: J/K move, A accept, R reject, U undo, Space next unreviewed".into();
    }

    /// Go to the next (`Some(true)`), previous (`Some(false)`) or next
    /// unreviewed (`None`) annotation of the review queue, and scroll to it.
    pub fn review_step(&mut self, direction: Option<bool>) {
        let Some(doc) = &self.doc else { return };
        let filter = &self.review.filter;
        let current = self.selected.as_ref();
        let next = match direction {
            Some(forward) => core_review::step(&doc.annotations, filter, current, forward),
            None => core_review::next_unreviewed(&doc.annotations, filter, current),
        };
        let Some(id) = next else {
            self.message = match direction {
                Some(_) => "No annotation matches the review filter".into(),
                None => "Nothing left to review".into(),
            };
            return;
        };
        self.select_annotation(id);
    }

    /// Record the author's decision on the selected annotation (one undo
    /// step), then move on in review mode.
    pub fn decide(&mut self, status: Status) {
        let (Some(doc), Some(id)) = (&mut self.doc, self.selected.clone()) else {
            self.message = "Pick an annotation to review first (J)".into();
            return;
        };
        // A fragment of a discontinuous span: the decision is the span's.
        let change = crate::model::fragments::decide_all(
            &doc.annotations,
            &id,
            status,
            &self.prefs.author,
            chrono::Utc::now(),
        );
        if doc.apply(change, self.now_s) {
            self.review.decided.push(id);
            self.message = format!("{status} (U to undo)");
            if self.review.active {
                self.review_step(Some(true));
            }
        }
    }

    /// Undo the last decision and go back to it.
    pub fn undo_decision(&mut self) {
        let Some(doc) = &mut self.doc else {
            return;
        };
        let Some(id) = self.review.decided.pop() else {
            self.message = "No decision to undo".into();
            return;
        };
        if doc.undo(self.now_s) {
            self.select_annotation(id);
            self.message = "Decision undone".into();
        }
    }

    /// L: wait for the speaker of the selected quote or claim to be picked.
    pub fn start_linking(&mut self) {
        let Some(a) = self.selected_annotation() else {
            self.message = "Select a quote or claim first, then press L".into();
            return;
        };
        if a.label == Label::Entity {
            self.message = "Only quotes and claims have speakers".into();
            return;
        }
        self.linking = Some(a.id.clone());
        self.message =
            "Click the speaker (an entity) in the text, or pick it from the list; Esc cancels"
                .into();
    }

    /// Link the quote being linked to `speaker` (an entity).
    pub fn link_to(&mut self, speaker: &AnnotationId) {
        let Some(from_id) = self.linking.take() else {
            return;
        };
        let Some(doc) = &mut self.doc else {
            return;
        };
        let (Some(from), Some(to)) = (doc.annotations.get(&from_id), doc.annotations.get(speaker))
        else {
            return;
        };
        if to.label != Label::Entity {
            self.message = "A speaker must be an entity; linking cancelled".into();
            return;
        }
        let name = excerpt(&to.quote, 40);
        let edit = core_review::link_speaker(from, speaker, &self.prefs.author, chrono::Utc::now());
        if doc.apply(vec![edit], self.now_s) {
            self.message = format!("Linked to speaker {name}");
        }
        self.selected = Some(from_id);
    }

    /// A click on annotation `id` (in the list or the text): the speaker
    /// while linking, else the new selection.
    pub fn click_annotation(&mut self, id: AnnotationId) {
        if self.linking.is_some() {
            self.link_to(&id);
        } else {
            self.select_annotation(id);
        }
    }

    /// Add the spans of a spaCy/doccano JSONL file (or brat `.ann`) for the
    /// open article as unreviewed pre-annotations (one undo step).
    pub fn import_preannotations(&mut self, input: &Path) {
        let Some(doc) = &mut self.doc else {
            self.message = "Open an article first".into();
            return;
        };
        self.message = match crate::window::preimport::import_into(doc, input, self.now_s) {
            Ok(report) => report,
            Err(e) => format!("Import failed: {e:#}"),
        };
    }

    /// Start corpus mode on `root` (a folder, or one article file); `wake`
    /// asks for a repaint when a batch of summaries arrives.
    pub fn open_folder(&mut self, root: &Path, wake: impl Fn() + Send + 'static) {
        self.corpus.start(root.to_owned(), wake);
        self.corpus.open_first = self.doc.is_none();
        self.message = format!("Scanning {}…", root.display());
    }

    /// Take the scan's new batches; opens the first article when asked to.
    /// Returns true while the scan runs.
    pub fn poll_corpus(&mut self) -> bool {
        let scanning = self.corpus.is_scanning();
        if self.corpus.poll()
            && std::mem::take(&mut self.corpus.open_first)
            && let Some(first) = self.corpus.neighbour(None, 0)
        {
            self.open(&first);
        }
        if scanning && !self.corpus.is_scanning() {
            self.message = format!("{} articles listed", self.corpus.items.len());
        }
        self.corpus.is_scanning()
    }

    /// Open the next (`delta` 1) or previous (-1) article of the folder.
    pub fn step_document(&mut self, delta: isize) {
        let current = self.doc.as_ref().map(|d| d.file.path.clone());
        match self.corpus.neighbour(current.as_deref(), delta) {
            Some(p) => self.open(&p),
            None if delta > 0 => self.message = "This is the last article of the list".into(),
            None => self.message = "This is the first article of the list".into(),
        }
    }

    /// Open the next article of the folder without annotations.
    pub fn next_unannotated(&mut self) {
        let current = self.doc.as_ref().map(|d| d.file.path.clone());
        match self.corpus.next_unannotated(current.as_deref()) {
            Some(p) => self.open(&p),
            None => self.message = "Every listed article has annotations".into(),
        }
    }

    /// Read the open article again with `encoding`; the annotations are
    /// re-anchored when the text reads otherwise (see
    /// [`Session::reopen_with_encoding`]). A changed text counts as a newly
    /// opened article for the panels and the view.
    pub fn reopen_with_encoding(&mut self, encoding: TextEncoding) {
        let Some(doc) = &mut self.doc else {
            return;
        };
        let before = doc.file.article.hash().to_owned();
        match doc.reopen_with_encoding(encoding, self.now_s) {
            Ok(message) => {
                if doc.file.article.hash() != before {
                    self.selection = None;
                    self.generation += 1;
                }
                self.message = message;
            }
            Err(e) => self.message = format!("{e:#}"),
        }
    }

    /// Confirm every `Moved` annotation of the open article that still sits
    /// on its quote, as one undoable step (Review ▸ Confirm all moved).
    pub fn confirm_all_moved(&mut self) {
        let who = self.prefs.author.clone();
        let now = chrono::Utc::now();
        let Some(doc) = &mut self.doc else {
            return;
        };
        let n = doc.update_all(&who, now, self.now_s, |a, article| {
            crate::model::reanchor::confirm(article, a, false)
        });
        self.message = match n {
            0 => "No moved annotations to confirm".into(),
            n => format!("{n} moved annotations confirmed (Ctrl+Z to undo)"),
        };
    }

    /// Apply a "Needs attention" decision (what its buttons do).
    pub fn resolve(&mut self, decision: Resolve) -> Result<(), String> {
        let who = self.prefs.author.clone();
        let now = chrono::Utc::now();
        let now_s = self.now_s;
        let selection = self.selection;
        let Some(doc) = &mut self.doc else {
            return Err("No article is open".into());
        };
        let done = match &decision {
            Resolve::Confirm(id) => doc.update(id, &who, now, now_s, |a, _| {
                a.anchor = AnchorState::Exact;
                a.original_quote = None;
                true
            }),
            Resolve::Reattach(id) => {
                let Some(range) = selection.and_then(|r| doc.trimmed(r)) else {
                    return Err("Select the text to re-attach it to first".into());
                };
                doc.update(id, &who, now, now_s, |a, article| {
                    reattach(a, article, range)
                })
            }
            Resolve::Delete(id) => doc.delete(id, now_s),
            Resolve::KeepMine(id) => {
                doc.update(id, &who, now, now_s, |a, _| a.conflict.take().is_some())
            }
            Resolve::TakeTheirs(id) => doc.update(id, &who, now, now_s, |a, _| {
                let Some(theirs) = a.conflict.take() else {
                    return false;
                };
                *a = *theirs;
                a.conflict = None;
                true
            }),
            Resolve::Select(id) => {
                self.select_annotation(id.clone());
                return Ok(());
            }
        };
        if !done {
            return Err("Nothing changed".into());
        }
        self.message = match decision {
            Resolve::Confirm(_) => "Anchoring confirmed".into(),
            Resolve::Reattach(_) => {
                self.selection = None;
                "Orphan re-attached to the selection (Ctrl+Z to undo)".into()
            }
            Resolve::Delete(_) => "Orphan deleted (Ctrl+Z to undo)".into(),
            Resolve::KeepMine(_) => "Kept your version".into(),
            Resolve::TakeTheirs(_) => "Took the other writer's version".into(),
            Resolve::Select(_) => String::new(),
        };
        Ok(())
    }

    /// Act on one of the offers about the files on disk (its button).
    pub fn take_offer(&mut self, offer: Offer) {
        let now_s = self.now_s;
        let Some(doc) = &mut self.doc else {
            return;
        };
        let watch = &mut self.watch;
        self.message = match offer {
            Offer::Restore => {
                if !watch.restore_into(doc, now_s) {
                    return;
                }
                "Unsaved work restored (Ctrl+Z to undo)".into()
            }
            Offer::DiscardJournal => match watch.discard_journal() {
                Ok(()) => "Unsaved work discarded".into(),
                Err(e) => format!("{e:#}"),
            },
            Offer::Reload => {
                let path = doc.file.path.clone();
                // The analyst chose to drop the unsaved changes.
                doc.save_state = crate::store::session::SaveState::Saved;
                let _discarded = watch.discard_journal();
                self.open(&path);
                return;
            }
            Offer::Merge => match watch.merge_from_disk(doc, now_s) {
                Ok(msg) => msg,
                Err(e) => format!("{e:#}"),
            },
            Offer::ReloadArticle => match watch.reload_article(doc, now_s) {
                Ok(msg) => {
                    self.selection = None;
                    msg
                }
                Err(e) => format!("{e:#}"),
            },
            Offer::IgnoreArticle => {
                watch.ignore_article_change(doc);
                return;
            }
        };
    }
}

/// Put `a` on `range`: new quote and context, anchored exactly.
fn reattach(a: &mut Annotation, article: &Article, range: CharRange) -> bool {
    if !a.set_range(article, range) {
        return false;
    }
    a.anchor = AnchorState::Exact;
    true
}
