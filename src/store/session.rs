//! One open article with its annotations, undo history and save state.
//!
//! This is the app's document model, kept free of egui so it can be reasoned
//! about (and tested) on its own. Invariants: every change to `annotations`
//! goes through `history` (so Undo covers it) and marks the session unsaved;
//! a sidecar that could not be parsed is never written over (`disk` is then
//! [`DiskState::Unparsable`] and [`sidecar::save`] refuses).
use crate::model::anchor::{Problem, share_other_quotes, share_quotes, verify_set_on};
use crate::model::annotation::{Annotation, AnnotationId, Annotations, Label, Origin};
use crate::model::decode::TextEncoding;
use crate::model::edit::{Change, Edit, History};
use crate::model::offset::{CharOffset, CharRange};
use crate::store::article_file::{self, ArticleFile, OpenError};
use crate::store::journal;
use crate::store::sidecar::{self, DiskState, SidecarError};
use anyhow::Context as _;
use chrono::{DateTime, Utc};
use std::path::{Path, PathBuf};
use std::sync::{Arc, mpsc};

/// Sidecars at least this big (bytes; about 700 annotations) are read on a
/// background thread, so a big article paints before its annotations are
/// parsed and checked. Smaller ones are read before [`Session::open`] returns.
pub const BACKGROUND_SIDECAR_BYTES: u64 = 256 * 1024;

/// What the background reader hands over.
#[derive(Debug)]
struct LoadedSidecar {
    annotations: Annotations,
    note: Option<String>,
    suggested: Vec<String>,
    disk: DiskState,
    article_changed: bool,
    /// What re-anchoring did, when the article changed since the sidecar.
    reanchored: Option<String>,
    problems: Vec<Problem>,
    /// The sidecar's text as read (shared with the save cache).
    text: Arc<sidecar::SavedText>,
}

type LoadResult = Result<Option<LoadedSidecar>, SidecarError>;

/// Seconds of quiet after the last change before autosave writes.
pub const AUTOSAVE_DELAY_S: f64 = 1.0;

/// Whether the sidecar on disk holds what is in memory.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum SaveState {
    /// Nothing to save.
    Saved,
    /// Changed in memory since the last save.
    Unsaved,
    /// The last save failed (the caller got the [`SaveError`]); the work is
    /// still in memory.
    Failed,
}

/// Why [`Session::save`] or [`Session::save_as`] wrote nothing. The work
/// stays in memory and the session is marked [`SaveState::Failed`].
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum SaveError {
    /// The sidecar the session came from could not be parsed, and is never
    /// written over.
    #[error("Not saved: {reason}")]
    Unparsable {
        /// The parse error, with the file, line and column.
        reason: String,
    },
    /// Save As was pointed at that unparsable sidecar.
    #[error(
        "Not saved: {} could not be parsed and is never overwritten; choose another name",
        path.display()
    )]
    WouldOverwriteUnparsable {
        /// The chosen file.
        path: PathBuf,
    },
    /// Writing failed, or the file changed on disk since it was read.
    #[error("Not saved: {0}")]
    Write(#[from] SidecarError),
}

/// Which edge of a span to move.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Edge {
    /// The first code point.
    Start,
    /// One past the last code point.
    End,
}

/// An open article.
#[derive(Debug)]
pub struct Session {
    /// The article and where it came from.
    pub file: ArticleFile,
    /// Its annotations (only changed through [`Session::apply`], undo, redo).
    pub annotations: Annotations,
    /// Undo/redo stacks.
    pub history: History,
    /// The edits since the sidecar was last read or written, for the crash
    /// journal (which takes them; see [`crate::store::journal::Unsaved`]).
    pub unsaved: journal::Unsaved,
    /// The sidecar's note on the whole article, written back on save.
    pub note: Option<String>,
    /// Fingerprints of what `suggest` has suggested in this article (sorted),
    /// kept with the sidecar so rejected or deleted suggestions stay gone.
    pub suggested: Vec<String>,
    /// Where saves go (`<article>.ann.ron`, or the Save As target).
    pub sidecar_path: PathBuf,
    /// What the sidecar looked like when read or last written.
    pub disk: DiskState,
    /// Why saving to `sidecar_path` is refused, when it is (malformed sidecar).
    pub read_only: Option<String>,
    /// Things the analyst should know about the loaded sidecar.
    pub notices: Vec<String>,
    /// Save state.
    pub save_state: SaveState,
    /// Input time (seconds) of the last change, for autosave.
    pub last_change_s: f64,
    /// The text case-folded for Find, built on the first search (folding
    /// 5 MB takes longer than a frame, and most sessions never search).
    folded: std::cell::OnceCell<Vec<char>>,
    /// The sidecar still being read in the background; every change and
    /// save waits for it first (see [`Session::finish_loading`]).
    loading: Option<mpsc::Receiver<LoadResult>>,
    /// Serialized annotations kept between saves.
    blocks: sidecar::BlockCache,
    /// The loaded annotations, serialized by the background reader after it
    /// handed them over (so they show sooner); taken by the first save.
    blocks_loading: Option<mpsc::Receiver<sidecar::BlockCache>>,
    /// The sidecar's text as this session last read it in the background or
    /// wrote it (see [`Session::disk_text`]).
    disk_text: Option<Arc<sidecar::SavedText>>,
    /// Who the background reader wakes when it hands its result over.
    wake: Wake,
}

/// The window's wake-up call for when a background load is done (see
/// [`Session::wake_when_loaded`]); shared with the reader thread.
#[derive(Clone, Default)]
struct Wake(Arc<std::sync::Mutex<WakeState>>);

#[derive(Default)]
struct WakeState {
    /// The reader handed its result over.
    done: bool,
    call: Option<Box<dyn Fn() + Send>>,
}

impl Wake {
    /// Call `call` once the load is done (at once if it is).
    fn set(&self, call: Box<dyn Fn() + Send>) {
        if let Ok(mut state) = self.0.lock() {
            match state.done {
                true => call(),
                false => state.call = Some(call),
            }
        }
    }

    /// The load is done: wake whoever asked.
    fn done(&self) {
        if let Ok(mut state) = self.0.lock() {
            state.done = true;
            if let Some(call) = state.call.take() {
                call();
            }
        }
    }
}

impl std::fmt::Debug for Wake {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Wake")
    }
}

impl Session {
    /// Open `path` and its sidecar. A malformed sidecar opens the article
    /// read-only (with the parse error kept in `read_only`) instead of failing.
    /// Everything is read before it returns (the window uses
    /// [`Session::open_with`] with [`BACKGROUND_SIDECAR_BYTES`]).
    pub fn open(path: &Path) -> anyhow::Result<Session> {
        Self::open_with(path, u64::MAX)
    }

    /// [`Session::open`], reading sidecars of `background_from_bytes` or
    /// more on a background thread: the session then starts with no
    /// annotations and [`Session::is_loading`]; call
    /// [`Session::poll_loading`] each frame.
    pub fn open_with(path: &Path, background_from_bytes: u64) -> anyhow::Result<Session> {
        Self::open_with_encoding(path, background_from_bytes, None)
    }

    /// [`Session::open_with`], reading the article with `encoding` when
    /// given (`marginalia --encoding NAME FILE`) instead of the sidecar's or
    /// the detected one.
    pub fn open_with_encoding(
        path: &Path,
        background_from_bytes: u64,
        encoding: Option<TextEncoding>,
    ) -> anyhow::Result<Session> {
        let sidecar_path = sidecar::sidecar_path(path);
        let big = std::fs::metadata(&sidecar_path)
            .is_ok_and(|m| m.is_file() && m.len() >= background_from_bytes);
        if big {
            return Self::open_in_background(path, sidecar_path, encoding, STREAM_SIDECAR_BYTES);
        }
        match article_file::open_with(path, encoding) {
            Ok(mut opened) => {
                let mut notices = Vec::new();
                if opened.article_changed {
                    notices.push(reanchor_on_open(
                        &opened.file.article,
                        &mut opened.annotations,
                    ));
                } else if !opened.problems.is_empty() {
                    notices.push(format!(
                        "{} annotation(s) no longer match the text at their offsets (see `marginalia check`).",
                        opened.problems.len()
                    ));
                }
                let mut session = Session::new(
                    opened.file,
                    Annotations::from_vec(opened.annotations),
                    sidecar_path,
                    opened.disk,
                    None,
                    notices,
                );
                session.note = opened.note;
                if opened.article_changed {
                    // The re-anchored offsets are not on disk yet.
                    session.save_state = SaveState::Unsaved;
                }
                session.suggested = opened.suggested;
                Ok(session)
            }
            Err(OpenError::Sidecar(e)) => {
                let file = article_file::read_article_with(path, encoding)
                    .with_context(|| format!("opening {}", path.display()))?;
                let reason = format!(
                    "{e}. The article is open read-only: new annotations can only be kept with Save As."
                );
                Ok(Session::new(
                    file,
                    Annotations::default(),
                    sidecar_path,
                    DiskState::Unparsable,
                    Some(reason),
                    Vec::new(),
                ))
            }
            Err(e) => Err(anyhow::Error::new(e)),
        }
    }

    /// Read the article now and its sidecar on a thread (in pieces from
    /// `stream_from_bytes`, see [`STREAM_SIDECAR_BYTES`]).
    fn open_in_background(
        path: &Path,
        sidecar_path: PathBuf,
        encoding: Option<TextEncoding>,
        stream_from_bytes: u64,
    ) -> anyhow::Result<Session> {
        let file = article_file::read_article_with(path, encoding)
            .with_context(|| format!("opening {}", path.display()))?;
        let (tx, rx) = mpsc::channel();
        let (blocks_tx, blocks_rx) = mpsc::channel();
        let article = file.article.clone();
        let sc_path = sidecar_path.clone();
        let wake = Wake::default();
        let wake_window = wake.clone();
        std::thread::Builder::new()
            .name("sidecar-reader".into())
            .spawn(move || {
                let mut kept = None;
                let result = read_for_window(&sc_path, &article, stream_from_bytes).map(|found| {
                    found.map(|(sc, disk, text, streamed)| {
                        let article_changed = !sc.article.hash.eq(article.hash());
                        let note = sc.note;
                        let suggested = sc.suggested;
                        let mut anns = sc.annotations;
                        // In the file's order (ours always is): its blocks
                        // can then serve as the save cache.
                        let in_file_order = !article_changed
                            && anns.is_sorted_by(|a, b| a.sort_key() <= b.sort_key());
                        // Re-anchored here, like the small-sidecar path does on open.
                        let reanchored =
                            article_changed.then(|| reanchor_on_open(&article, &mut anns));
                        if streamed && !article_changed {
                            // The reader held every quote it found at its
                            // offsets as a range of the article already.
                            share_other_quotes(&article, &mut anns, crate::store::cores());
                        } else {
                            share_quotes(&article, &mut anns, crate::store::cores());
                        }
                        let annotations = Annotations::from_vec(anns);
                        let shared = Arc::clone(&text);
                        kept = Some(if in_file_order {
                            let keys = annotations
                                .iter()
                                .zip(annotations.stamps())
                                .map(|(a, stamp)| ((a.start, a.end, a.id.clone()), *stamp))
                                .collect::<Vec<_>>();
                            Ok((text, keys))
                        } else {
                            Err((
                                annotations.as_slice().to_vec(),
                                annotations.stamps().to_vec(),
                                article.clone(),
                            ))
                        });
                        LoadedSidecar {
                            note,
                            suggested,
                            article_changed,
                            reanchored,
                            problems: verify_set_on(&article, &annotations, crate::store::cores()),
                            annotations,
                            disk,
                            text: shared,
                        }
                    })
                });
                // Only the holes of the text keep the article's text now.
                drop(article);
                // The session may be gone (another article opened): nothing to do then.
                if tx.send(result).is_err() {
                    return;
                }
                wake_window.done();
                // The save cache is made now, off the UI thread and after the
                // annotations are shown, so the first save is fast too: from
                // the file's own blocks when they are in order (no second copy
                // of the annotations), else by serializing a copy.
                let cache = match kept {
                    Some(Ok((text, keys))) => sidecar::BlockCache::from_saved(text, &keys),
                    Some(Err((anns, stamps, article))) => {
                        sidecar::BlockCache::from_annotations(&anns, &stamps, Some(&article))
                    }
                    None => return,
                };
                let _ = blocks_tx.send(cache);
            })
            .context("starting the sidecar reader")?;
        let disk = DiskState::probe(&sidecar_path);
        let mut session = Session::new(
            file,
            Annotations::default(),
            sidecar_path,
            disk,
            None,
            vec![LOADING_NOTICE.to_owned()],
        );
        session.loading = Some(rx);
        session.blocks_loading = Some(blocks_rx);
        session.wake = wake;
        Ok(session)
    }

    /// Call `wake` (from the reader's thread) as soon as the sidecar being
    /// read in the background is ready to be taken, so the window need not
    /// poll for it; at once when it is ready already or nothing is loading.
    /// Each call replaces the last one's `wake`.
    pub fn wake_when_loaded(&self, wake: impl Fn() + Send + 'static) {
        match self.loading {
            Some(_) => self.wake.set(Box::new(wake)),
            None => wake(),
        }
    }

    /// True while the sidecar's annotations are still being read.
    pub fn is_loading(&self) -> bool {
        self.loading.is_some()
    }

    /// Take the background reader's result if it is ready; true when the
    /// annotations arrived (or failed to) just now.
    pub fn poll_loading(&mut self) -> bool {
        let Some(rx) = &self.loading else {
            return false;
        };
        match rx.try_recv() {
            Ok(result) => self.finish_with(Some(result)),
            Err(mpsc::TryRecvError::Empty) => return false,
            Err(mpsc::TryRecvError::Disconnected) => self.finish_with(None),
        }
        true
    }

    /// Wait for the background reader, if any. Every change and save calls
    /// this first, so nothing is applied to (or saved from) a half-loaded
    /// session: an edit made while loading is delayed, never lost.
    pub fn finish_loading(&mut self) {
        let Some(rx) = &self.loading else { return };
        let result = rx.recv().ok();
        self.finish_with(result);
    }

    /// Wait for the background reader, then for the serialized blocks it
    /// makes after handing the annotations over (a failed reader sends none).
    pub fn wait_for_background(&mut self) {
        self.finish_loading();
        if let Some(rx) = self.blocks_loading.take()
            && let Ok(blocks) = rx.recv()
        {
            self.blocks = blocks;
        }
    }

    fn finish_with(&mut self, result: Option<LoadResult>) {
        self.loading = None;
        self.notices.retain(|n| n != LOADING_NOTICE);
        match result {
            Some(Ok(Some(loaded))) => {
                match loaded.reanchored {
                    Some(notice) => {
                        self.notices.push(notice);
                        // The re-anchored offsets are not on disk yet.
                        self.save_state = SaveState::Unsaved;
                    }
                    None => self
                        .notices
                        .extend(load_notices(loaded.article_changed, &loaded.problems)),
                }
                self.annotations.replace_all(loaded.annotations);
                self.disk_text = Some(loaded.text);
                self.note = loaded.note;
                self.suggested = loaded.suggested;
                self.disk = loaded.disk;
            }
            // The sidecar vanished meanwhile: like opening without one.
            Some(Ok(None)) => self.disk = DiskState::Absent,
            Some(Err(e)) => {
                self.read_only = Some(format!(
                    "{e}. The article is open read-only: new annotations can only be kept with Save As."
                ));
                self.disk = DiskState::Unparsable;
            }
            None => {
                self.read_only = Some(
                    "the sidecar reader stopped unexpectedly. The article is open read-only: new annotations can only be kept with Save As."
                        .to_owned(),
                );
                self.disk = DiskState::Unparsable;
            }
        }
    }

    fn new(
        file: ArticleFile,
        annotations: Annotations,
        sidecar_path: PathBuf,
        disk: DiskState,
        read_only: Option<String>,
        notices: Vec<String>,
    ) -> Session {
        Session {
            file,
            annotations,
            history: History::default(),
            unsaved: journal::Unsaved::default(),
            note: None,
            suggested: Vec::new(),
            sidecar_path,
            disk,
            read_only,
            notices,
            save_state: SaveState::Saved,
            last_change_s: 0.0,
            folded: std::cell::OnceCell::new(),
            loading: None,
            blocks: sidecar::BlockCache::default(),
            blocks_loading: None,
            disk_text: None,
            wake: Wake::default(),
        }
    }

    /// The sidecar's text as this session last read it (a background load)
    /// or saved it, when it holds one: the BASE of a merge with a change made
    /// on disk. It is the save cache's own text after a save, and shares it
    /// after a load in our layout, so keeping it costs no memory; `None`
    /// after a small sidecar's load or a Save As (keep the annotations then).
    pub fn disk_text(&self) -> Option<Arc<sidecar::SavedText>> {
        self.disk_text.clone()
    }

    /// Swap in a new text of the article (changed on disk) with the
    /// annotations re-anchored to it. Undo history is cleared: its offsets
    /// belong to the old text.
    pub fn replace_article(&mut self, file: ArticleFile, annotations: Vec<Annotation>, now_s: f64) {
        self.folded = std::cell::OnceCell::new();
        self.file = file;
        self.annotations = Annotations::from_vec(annotations);
        self.history.clear();
        self.unsaved.mark_replaced();
        self.mark_changed(now_s);
    }

    /// Read the article again with `encoding` (File ▸ Reopen with Encoding,
    /// or a button of the doubt banner). The choice is recorded on the next
    /// save, so the session becomes unsaved. When the text reads otherwise,
    /// the annotations are re-anchored to the new text as for an edited
    /// article (offsets mapped through a diff of the two readings) and the
    /// banner says what happened. Returns a status-bar message.
    pub fn reopen_with_encoding(
        &mut self,
        encoding: TextEncoding,
        now_s: f64,
    ) -> anyhow::Result<String> {
        self.finish_loading();
        let file = article_file::read_article_with(&self.file.path, Some(encoding))
            .with_context(|| format!("reopening {}", self.file.path.display()))?;
        let old_text = self.file.article.text().to_owned();
        let same = file.article.text() == old_text;
        let mut annotations = self.annotations.as_slice().to_vec();
        let message = if same {
            format!(
                "{} reads the text the same; it will be recorded",
                file.encoding
            )
        } else if annotations.is_empty() {
            format!("Reopened as {}", file.encoding)
        } else {
            let tally =
                crate::model::reanchor::reanchor(&file.article, &mut annotations, Some(&old_text));
            let banner = format!("Reopened as {}: {tally}.", file.encoding);
            self.notices.retain(|n| !n.starts_with("Reopened as "));
            self.notices.push(banner);
            format!(
                "Reopened as {}; annotations re-anchored: {tally}",
                file.encoding
            )
        };
        self.replace_article(file, annotations, now_s);
        Ok(message)
    }

    /// True when there are changes not on disk.
    pub fn is_dirty(&self) -> bool {
        self.save_state != SaveState::Saved
    }

    /// Apply a user action; returns false when nothing changed.
    pub fn apply(&mut self, change: Change, now_s: f64) -> bool {
        let changed = self.edit_history(now_s, |h, set| h.apply(set, change) > 0);
        if changed && let Some(done) = self.history.last_done() {
            self.unsaved.log(done.iter().cloned());
        }
        changed
    }

    /// Undo the last action.
    pub fn undo(&mut self, now_s: f64) -> bool {
        let changed = self.edit_history(now_s, History::undo);
        if changed && let Some(undone) = self.history.last_undone() {
            self.unsaved.log(undone.iter().rev().map(Edit::inverse));
        }
        changed
    }

    /// Redo the last undone action.
    pub fn redo(&mut self, now_s: f64) -> bool {
        let changed = self.edit_history(now_s, History::redo);
        if changed && let Some(done) = self.history.last_done() {
            self.unsaved.log(done.iter().cloned());
        }
        changed
    }

    /// What the crash journal's edits apply to: the sidecar as last read
    /// or written.
    pub fn journal_base(&self) -> journal::Base {
        journal::Base {
            generation: self.unsaved.base,
            sidecar: self.sidecar_path.clone(),
            disk: self.disk.clone(),
        }
    }

    /// Every change goes through here: wait for a background load first, so
    /// nothing is applied to a half-loaded session, then mark it dirty.
    fn edit_history(
        &mut self,
        now_s: f64,
        edit: impl FnOnce(&mut History, &mut Annotations) -> bool,
    ) -> bool {
        self.finish_loading();
        let changed = edit(&mut self.history, &mut self.annotations);
        if changed {
            self.mark_changed(now_s);
        }
        changed
    }

    fn mark_changed(&mut self, now_s: f64) {
        self.save_state = SaveState::Unsaved;
        self.last_change_s = now_s;
    }

    /// `range` without the whitespace at its ends (a drag often catches a
    /// space or line break); `None` when nothing else is left.
    pub fn trimmed(&self, range: CharRange) -> Option<CharRange> {
        let text = self.file.article.slice(range)?;
        let lead = text.chars().take_while(|c| c.is_whitespace()).count();
        let trail = text.chars().rev().take_while(|c| c.is_whitespace()).count();
        let r = CharRange::new(range.start.forward(lead), range.end.back(trail));
        (lead < range.char_len() && !r.is_empty()).then_some(r)
    }

    /// Tag `range` (trimmed of edge whitespace) with `label` as a new manual
    /// annotation. Returns its id.
    pub fn tag(
        &mut self,
        range: CharRange,
        label: Label,
        author: &str,
        now: DateTime<Utc>,
        now_s: f64,
    ) -> Option<AnnotationId> {
        let range = self.trimmed(range)?;
        let a = Annotation::new(
            &self.file.article,
            range,
            label,
            author,
            now,
            Origin::Manual,
        )?;
        let id = a.id.clone();
        self.apply(vec![Edit::Insert(a)], now_s).then_some(id)
    }

    /// Change annotation `id` with `f`, touching `modified`; one undo step.
    pub fn update(
        &mut self,
        id: &AnnotationId,
        who: &str,
        now: DateTime<Utc>,
        now_s: f64,
        f: impl FnOnce(&mut Annotation, &crate::model::document::Article) -> bool,
    ) -> bool {
        let Some(before) = self.annotations.get(id).cloned() else {
            return false;
        };
        let mut after = before.clone();
        if !f(&mut after, &self.file.article) || after == before {
            return false;
        }
        after.touch(who, now);
        self.apply(
            vec![Edit::Update {
                before: Box::new(before),
                after: Box::new(after),
            }],
            now_s,
        )
    }

    /// Change every annotation `f` returns true for, touching `modified`;
    /// one undo step for all of them. Returns how many changed.
    pub fn update_all(
        &mut self,
        who: &str,
        now: DateTime<Utc>,
        now_s: f64,
        mut f: impl FnMut(&mut Annotation, &crate::model::document::Article) -> bool,
    ) -> usize {
        self.finish_loading();
        let mut edits = Vec::new();
        for before in self.annotations.iter() {
            let mut after = before.clone();
            if f(&mut after, &self.file.article) && after != *before {
                after.touch(who, now);
                edits.push(Edit::Update {
                    before: Box::new(before.clone()),
                    after: Box::new(after),
                });
            }
        }
        let n = edits.len();
        if n == 0 || !self.apply(edits, now_s) {
            return 0;
        }
        n
    }

    /// Delete annotation `id`.
    pub fn delete(&mut self, id: &AnnotationId, now_s: f64) -> bool {
        let Some(a) = self.annotations.get(id).cloned() else {
            return false;
        };
        self.apply(vec![Edit::Remove(a)], now_s)
    }

    /// The range of annotation `id` with `edge` moved by `delta` code points,
    /// stepping over whole grapheme clusters. `None` when that would empty
    /// the span or leave the text.
    pub fn nudged_range(&self, id: &AnnotationId, edge: Edge, delta: i32) -> Option<CharRange> {
        let a = self.annotations.get(id)?;
        let article = &self.file.article;
        let step = |mut pos: usize| -> Option<usize> {
            loop {
                pos = if delta < 0 {
                    pos.checked_sub(1)?
                } else {
                    pos.checked_add(1).filter(|p| *p <= article.char_len())?
                };
                if !article.splits_grapheme(CharOffset(pos)) {
                    return Some(pos);
                }
            }
        };
        let (mut start, mut end) = (a.start.0, a.end.0);
        match edge {
            Edge::Start => start = step(start)?,
            Edge::End => end = step(end)?,
        }
        (start < end).then(|| CharRange::from_usize(start, end))
    }

    /// The article text folded for Find: one lower-case char per char, so
    /// match offsets stay article offsets.
    fn folded(&self) -> &[char] {
        self.folded
            .get_or_init(|| self.file.article.text().chars().map(fold_char).collect())
    }

    /// Next match of `query` (case-insensitive) starting at or after `from`,
    /// wrapping around; `backwards` searches the other way.
    pub fn find(&self, query: &str, from: CharOffset, backwards: bool) -> Option<CharRange> {
        let needle: Vec<char> = query.chars().map(fold_char).collect();
        let n = needle.len();
        let folded = self.folded();
        if n == 0 || n > folded.len() {
            return None;
        }
        let last = folded.len() - n;
        let is_at = |i: usize| folded.get(i..i + n) == Some(needle.as_slice());
        let from = from.0.min(last + 1);
        let hit = if backwards {
            (0..from.min(last + 1))
                .rev()
                .find(|&i| is_at(i))
                .or_else(|| (from..=last).rev().find(|&i| is_at(i)))
        } else {
            (from..=last)
                .find(|&i| is_at(i))
                .or_else(|| (0..from).find(|&i| is_at(i)))
        }?;
        Some(CharRange::from_usize(hit, hit + n))
    }

    /// How many places `query` matches (case-insensitive).
    pub fn count_matches(&self, query: &str) -> usize {
        let needle: Vec<char> = query.chars().map(fold_char).collect();
        if needle.is_empty() {
            return 0;
        }
        self.folded()
            .windows(needle.len())
            .filter(|w| *w == needle.as_slice())
            .count()
    }

    /// Write the sidecar (atomically, refusing when the file changed on disk
    /// or could not be parsed). On failure the work stays in memory and the
    /// session is marked [`SaveState::Failed`]; showing the error is the
    /// caller's job.
    pub fn save(&mut self) -> Result<(), SaveError> {
        self.finish_loading();
        let result = self.write_sidecar();
        self.save_state = match &result {
            Ok(()) => SaveState::Saved,
            Err(_) => SaveState::Failed,
        };
        if result.is_ok() {
            self.unsaved.rebase();
        }
        result
    }

    fn write_sidecar(&mut self) -> Result<(), SaveError> {
        if let Some(reason) = &self.read_only
            && self.disk == DiskState::Unparsable
        {
            return Err(SaveError::Unparsable {
                reason: reason.clone(),
            });
        }
        // The background reader's blocks: waiting for them costs no more
        // than serializing here.
        self.wait_for_background();
        let mut header = self.file.sidecar(Vec::new());
        header.note = self.note.clone();
        header.suggested = self.suggested.clone();
        self.disk = sidecar::save_cached(
            &self.sidecar_path,
            &header,
            &self.annotations,
            &self.disk,
            &mut self.blocks,
            &self.file.article,
        )?;
        self.disk_text = Some(self.blocks.saved());
        Ok(())
    }

    /// Write the sidecar to `path` chosen by the user, and keep saving there.
    /// The broken sidecar this session came from is still never overwritten.
    pub fn save_as(&mut self, path: &Path) -> Result<(), SaveError> {
        self.finish_loading();
        let result = self.write_sidecar_as(path);
        self.save_state = match &result {
            Ok(()) => SaveState::Saved,
            Err(_) => SaveState::Failed,
        };
        if result.is_ok() {
            self.unsaved.rebase();
        }
        result
    }

    fn write_sidecar_as(&mut self, path: &Path) -> Result<(), SaveError> {
        if self.disk == DiskState::Unparsable && same_file(path, &self.sidecar_path) {
            return Err(SaveError::WouldOverwriteUnparsable {
                path: path.to_owned(),
            });
        }
        let mut sc = self.file.sidecar(self.annotations.as_slice().to_vec());
        sc.note = self.note.clone();
        sc.suggested = self.suggested.clone();
        // The user confirmed the target in the dialog, so whatever is there is replaced.
        self.disk = sidecar::save(path, &sc, &DiskState::probe(path))?;
        self.disk_text = None;
        self.sidecar_path = path.to_owned();
        self.read_only = None;
        Ok(())
    }

    /// True when autosave should write now.
    pub fn autosave_due(&self, now_s: f64) -> bool {
        self.save_state == SaveState::Unsaved
            && self.read_only.is_none()
            && now_s - self.last_change_s >= AUTOSAVE_DELAY_S
    }
}

/// Sidecars at least this big (bytes) are read a piece at a time
/// ([`sidecar::read_streamed`]): read whole, their text and quotes would be
/// most of the window's memory (102 MB of text for 50,000 long spans).
/// Smaller ones are read whole, which opens them sooner (a 22 MB sidecar's
/// `ready_ms` was 300-360 ms in pieces against 240-305 whole, idle machine).
pub const STREAM_SIDECAR_BYTES: u64 = 32 * 1024 * 1024;

/// The sidecar at `path` of `article`, for the background reader: a piece
/// at a time when it is big and in our layout ([`sidecar::read_streamed`]),
/// else read whole; true when read in pieces.
#[allow(clippy::type_complexity)]
fn read_for_window(
    path: &Path,
    article: &crate::model::document::Article,
    stream_from_bytes: u64,
) -> Result<Option<(sidecar::Sidecar, DiskState, Arc<sidecar::SavedText>, bool)>, SidecarError> {
    let huge = std::fs::metadata(path).is_ok_and(|m| m.len() >= stream_from_bytes);
    let streamed = match huge {
        true => sidecar::read_streamed(path, article),
        false => sidecar::Streamed::NotOurs,
    };
    match streamed {
        sidecar::Streamed::Absent => Ok(None),
        sidecar::Streamed::Read(sc, disk, saved) => Ok(Some((*sc, disk, Arc::new(saved), true))),
        sidecar::Streamed::NotOurs => Ok(sidecar::read_with_text(path)?.map(|(sc, disk, text)| {
            let saved = Arc::new(sidecar::SavedText::whole(text));
            (sc, disk, saved, false)
        })),
    }
}

/// The banner shown while a big sidecar is read.
const LOADING_NOTICE: &str = "Loading annotations…";

/// Banners about a freshly read sidecar.
fn load_notices(article_changed: bool, problems: &[Problem]) -> Vec<String> {
    let mut notices = Vec::new();
    if article_changed {
        notices.push(
            "The article changed since the sidecar was written; check the spans marked below."
                .to_owned(),
        );
    }
    if !problems.is_empty() {
        notices.push(format!(
            "{} annotation(s) no longer match the text at their offsets (see `marginalia check`).",
            problems.len()
        ));
    }
    notices
}

fn same_file(a: &Path, b: &Path) -> bool {
    match (a.canonicalize(), b.canonicalize()) {
        (Ok(a), Ok(b)) => a == b,
        _ => a == b,
    }
}

/// Case folding that keeps one char per char (so offsets do not shift).
fn fold_char(c: char) -> char {
    if c.is_ascii() {
        return c.to_ascii_lowercase();
    }
    let mut lower = c.to_lowercase();
    match (lower.next(), lower.next()) {
        (Some(l), None) => l,
        _ => c,
    }
}

/// Re-anchor `annotations` to `article` after the article changed since the
/// sidecar was written, and say what happened (the banner's text).
pub fn reanchor_on_open(
    article: &crate::model::document::Article,
    annotations: &mut [Annotation],
) -> String {
    let tally = crate::model::reanchor::reanchor(article, annotations, None);
    changed_message(&tally)
}

/// The banner text for what re-anchoring on open did.
pub fn changed_message(tally: &crate::model::reanchor::Tally) -> String {
    let mut msg = format!("Article changed since last save: {tally}.");
    if tally.moved + tally.fuzzy + tally.orphaned > 0 {
        msg.push_str(
            " Moved and fuzzy spans are flagged for review; orphans are listed on the left.",
        );
    }
    msg
}

#[cfg(test)]
mod tests {
    use super::*;

    fn session(text: &str) -> (tempfile::TempDir, Session) {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("a.txt");
        std::fs::write(&path, text).unwrap();
        let s = Session::open(&path).unwrap();
        (dir, s)
    }

    /// Tags `range` as `label` by author "a".
    fn tag(s: &mut Session, range: CharRange, label: Label) -> AnnotationId {
        s.tag(range, label, "a", Utc::now(), 0.0).unwrap()
    }

    /// A generated article with `n` annotations in its sidecar.
    fn annotated(n: usize) -> (tempfile::TempDir, PathBuf) {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("big.txt");
        let doc = crate::model::sample_text::sample(3, 20_000, n);
        std::fs::write(&path, doc.article.text()).unwrap();
        let sc =
            sidecar::Sidecar::new("big.txt", "utf-8", &doc.article, doc.annotations.into_vec());
        sidecar::save(&sidecar::sidecar_path(&path), &sc, &DiskState::Absent).unwrap();
        (dir, path)
    }

    #[test]
    fn saves_keep_the_suggestion_fingerprints_and_the_article_note_small_and_big() {
        for background_from in [u64::MAX, 0] {
            let (_d, path) = annotated(5);
            let sc_path = sidecar::sidecar_path(&path);
            let (mut sc, _) = sidecar::read(&sc_path).unwrap().unwrap();
            sc.suggested = vec!["0123456789abcdef".into()];
            sc.note = Some("the whole article's note".into());
            sidecar::write_atomic(&sc_path, sidecar::to_string(&sc).as_bytes()).unwrap();
            let mut s = Session::open_with(&path, background_from).unwrap();
            tag(&mut s, CharRange::from_usize(0, 4), Label::Quote);
            s.save().unwrap();
            let (back, _) = sidecar::read(&sc_path).unwrap().unwrap();
            assert_eq!(back.suggested, ["0123456789abcdef"]);
            assert_eq!(back.note.as_deref(), Some("the whole article's note"));
            assert_eq!(back.annotations.len(), 6);
        }
    }

    #[test]
    fn loaded_annotations_own_no_quote_strings_that_match_the_article() {
        for background_from in [u64::MAX, 0] {
            let (_d, path) = annotated(40);
            let sc_path = sidecar::sidecar_path(&path);
            let (mut sc, _) = sidecar::read(&sc_path).unwrap().unwrap();
            // One quote that does not match the article at its offsets.
            sc.annotations[7].quote = "not the article's text".into();
            let odd = sc.annotations[7].id.clone();
            sidecar::write_atomic(&sc_path, sidecar::to_string(&sc).as_bytes()).unwrap();
            let mut s = Session::open_with(&path, background_from).unwrap();
            s.finish_loading();
            assert_eq!(s.annotations.len(), 40);
            for a in s.annotations.iter() {
                assert_eq!(a.quote.is_shared(), a.id != odd, "{a:?}");
                assert_eq!(
                    a.quote,
                    sc.annotations.iter().find(|b| b.id == a.id).unwrap().quote
                );
            }
            // A tag's quote is a range of the article too.
            let id = tag(&mut s, CharRange::from_usize(0, 4), Label::Quote);
            assert!(s.annotations.get(&id).unwrap().quote.is_shared());
            // The sidecar still writes every quote out, the odd one as it was.
            s.save().unwrap();
            let (back, _) = sidecar::read(&sc_path).unwrap().unwrap();
            assert_eq!(back.annotations.as_slice(), s.annotations.as_slice());
            let kept = back.annotations.iter().find(|a| a.id == odd).unwrap();
            assert_eq!(kept.quote, "not the article's text");
        }
    }

    /// Issue 14 (opening long spans): a sidecar opened in the background,
    /// read in pieces or whole, gives the annotations a plain read gives,
    /// its quotes held as ranges of the article where they match, the
    /// problems `verify` finds, and a save right after the open writes the
    /// file byte for byte as it was, every block taken from the file.
    #[test]
    fn a_save_after_a_background_open_writes_the_sidecar_as_it_was() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("a.txt");
        let line = "Dehqan said «peace» 👋 and 'no' to \"them\", e\u{301}tait\tthere.\n";
        let article = crate::model::document::Article::new(line.repeat(60));
        std::fs::write(&path, article.text()).unwrap();
        let now = DateTime::from_timestamp(1_700_000_000, 0).unwrap_or_default();
        let mut anns: Vec<Annotation> = (0..400)
            .filter_map(|i| {
                let start = (i * 37) % (article.char_len() - 90);
                let range = CharRange::from_usize(start, start + 1 + (i * 13) % 80);
                Annotation::new(
                    &article,
                    range,
                    Label::ALL[i % 3],
                    "ana",
                    now,
                    Origin::Manual,
                )
            })
            .collect();
        anns[7].quote = "not the article's \"text\"".into();
        let odd = anns[7].id.clone();
        let splits = anns
            .iter()
            .filter(|a| [a.start, a.end].iter().any(|&o| article.splits_grapheme(o)))
            .count();
        assert!(splits > 0, "the fixture has spans that split a grapheme");
        let sc_path = sidecar::sidecar_path(&path);
        let written = sidecar::to_string(&sidecar::Sidecar::new("a.txt", "utf-8", &article, anns));
        std::fs::write(&sc_path, &written).unwrap();
        let whole = sidecar::parse(&written, &sc_path).unwrap();
        let problems = crate::model::anchor::verify(&article, &whole.annotations);
        assert_eq!(problems.len(), splits + 1);
        for stream_from in [0, u64::MAX] {
            let mut s =
                Session::open_in_background(&path, sc_path.clone(), None, stream_from).unwrap();
            s.wait_for_background();
            assert_eq!(s.annotations.as_slice(), whole.annotations.as_slice());
            for a in s.annotations.iter() {
                assert_eq!(a.quote.is_shared(), a.id != odd, "{a:?}");
            }
            let notice = format!("{} annotation(s) no longer match", problems.len());
            assert!(
                s.notices.iter().any(|n| n.starts_with(&notice)),
                "{:?}",
                s.notices
            );
            assert_eq!(
                s.blocks.len(),
                whole.annotations.len(),
                "every block reused"
            );
            s.save().unwrap();
            assert_eq!(std::fs::read_to_string(&sc_path).unwrap(), written);
        }
    }

    #[test]
    fn the_disk_text_is_the_sidecar_as_loaded_then_as_saved_shared_with_the_cache() {
        let (_d, path) = annotated(300);
        let sc_path = sidecar::sidecar_path(&path);
        let loaded = std::fs::read_to_string(&sc_path).unwrap();
        // Small sidecars keep no text (the window keeps their annotations).
        assert!(Session::open(&path).unwrap().disk_text().is_none());
        let mut s = Session::open_with(&path, 0).unwrap();
        s.finish_loading();
        assert_eq!(s.disk_text().map(|t| t.to_text()).as_ref(), Some(&loaded));
        tag(&mut s, CharRange::from_usize(0, 4), Label::Quote);
        // Unsaved edits do not change it.
        assert_eq!(s.disk_text().map(|t| t.to_text()).as_ref(), Some(&loaded));
        s.save().unwrap();
        let saved = std::fs::read_to_string(&sc_path).unwrap();
        assert_ne!(saved, loaded);
        let text = s.disk_text().unwrap();
        assert_eq!(text.to_text(), saved);
        // The save cache's text is the same one, not a copy. A sidecar this
        // small was read whole, so its blocks keep their quotes; the new
        // tag's quote, a range of the article, is left out.
        assert!(Arc::ptr_eq(&text, &s.blocks.saved()));
        assert_eq!(text.hole_count(), 1);
        assert_eq!(text.skeleton_len() + 4, saved.len());
        let back = sidecar::parse(&text.to_text(), &sc_path).unwrap();
        assert_eq!(back.annotations, s.annotations.as_slice());
    }

    #[test]
    fn a_big_sidecar_loads_in_the_background_and_edits_wait_for_it() {
        let (_d, path) = annotated(300);
        let mut s = Session::open_with(&path, 0).unwrap();
        assert!(s.is_loading());
        assert!(s.annotations.is_empty());
        let revision = s.annotations.revision();
        // Tagging while loading waits for the annotations: none is lost.
        let id = tag(&mut s, CharRange::from_usize(0, 4), Label::Quote);
        assert!(!s.is_loading());
        assert_eq!(s.annotations.len(), 301);
        assert!(s.annotations.get(&id).is_some());
        assert!(s.annotations.revision() > revision);
        assert!(s.notices.iter().all(|n| n != LOADING_NOTICE));
        s.save().unwrap();
        let back = Session::open(&path).unwrap();
        assert_eq!(back.annotations.len(), 301);
    }

    /// Issue 14 (opening long spans): the window is woken when the
    /// annotations are ready, however soon it asks, instead of polling.
    #[test]
    fn the_window_is_woken_when_the_annotations_are_ready() {
        for delay_ms in [0, 30] {
            let (_d, path) = annotated(300);
            let s = Session::open_with(&path, 0).unwrap();
            // Asked before or (most likely) after the reader is done.
            std::thread::sleep(std::time::Duration::from_millis(delay_ms));
            let (tx, rx) = mpsc::channel();
            s.wake_when_loaded(move || tx.send(()).unwrap());
            rx.recv_timeout(std::time::Duration::from_secs(60)).unwrap();
            let mut s = s;
            assert!(s.poll_loading(), "woken before the annotations were there");
            assert_eq!(s.annotations.len(), 300);
        }
        // Nothing loading: at once.
        let (_d, path) = annotated(3);
        let (tx, rx) = mpsc::channel();
        Session::open(&path)
            .unwrap()
            .wake_when_loaded(move || tx.send(()).unwrap());
        assert!(rx.try_recv().is_ok());
    }

    #[test]
    fn polling_takes_the_annotations_and_small_sidecars_load_at_once() {
        let (_d, path) = annotated(50);
        assert!(
            !Session::open_with(&path, BACKGROUND_SIDECAR_BYTES)
                .unwrap()
                .is_loading()
        );
        let mut s = Session::open_with(&path, 0).unwrap();
        let deadline = std::time::Instant::now() + std::time::Duration::from_secs(30);
        while !s.poll_loading() {
            assert!(std::time::Instant::now() < deadline, "never loaded");
            std::thread::sleep(std::time::Duration::from_millis(2));
        }
        assert_eq!(s.annotations.len(), 50);
        assert!(!s.poll_loading());
    }

    #[test]
    fn an_unreadable_article_with_a_big_sidecar_is_an_error_not_a_loading_session() {
        // The article's error comes back from open, and an article changed
        // on disk is re-anchored on the reader's thread.
        let (_d, path) = annotated(20);
        std::fs::write(&path, [0u8, 159, 146, 150, 0, 0, 1, 2]).unwrap();
        assert!(Session::open_with(&path, 0).is_err());
        let (_d, path) = annotated(20);
        let text = std::fs::read_to_string(&path).unwrap();
        std::fs::write(&path, format!("New first line.\n{text}")).unwrap();
        let mut s = Session::open_with(&path, 0).unwrap();
        s.finish_loading();
        assert_eq!(s.annotations.len(), 20);
        let article = &s.file.article;
        for a in s.annotations.iter() {
            assert_eq!(article.slice(a.range()), Some(a.quote.as_str()));
        }
        assert_eq!(s.save_state, SaveState::Unsaved, "re-anchored offsets");
    }

    #[test]
    fn a_broken_big_sidecar_is_read_only_after_loading() {
        let (_d, path) = annotated(10);
        let sc = sidecar::sidecar_path(&path);
        let mut text = std::fs::read_to_string(&sc).unwrap();
        text.push_str("garbage");
        std::fs::write(&sc, &text).unwrap();
        let mut s = Session::open_with(&path, 0).unwrap();
        s.finish_loading();
        assert!(s.read_only.is_some());
        assert_eq!(s.disk, DiskState::Unparsable);
        assert!(s.save().is_err());
        assert_eq!(std::fs::read_to_string(&sc).unwrap(), text);
    }

    #[test]
    fn find_is_case_insensitive_wraps_and_keeps_offsets() {
        let (_d, s) = session("İstanbul said. The minister said: SAID.");
        let first = s.find("said", CharOffset(0), false).unwrap();
        assert_eq!(first, CharRange::from_usize(9, 13));
        let next = s.find("said", first.end, false).unwrap();
        assert_eq!(s.file.article.slice(next), Some("said"));
        let third = s.find("said", next.end, false).unwrap();
        assert_eq!(s.file.article.slice(third), Some("SAID"));
        assert_eq!(s.find("said", third.end, false), Some(first), "wraps");
        assert_eq!(
            s.find("said", first.start, true),
            Some(third),
            "backwards wraps"
        );
        assert_eq!(s.count_matches("SAID"), 3);
    }

    #[test]
    fn tagging_trims_edge_whitespace() {
        let (_d, mut s) = session("one\n two three");
        let id = tag(&mut s, CharRange::from_usize(3, 9), Label::Claim);
        assert_eq!(s.annotations.get(&id).unwrap().quote, "two");
        assert_eq!(s.trimmed(CharRange::from_usize(3, 5)), None);
    }

    #[test]
    fn nudging_steps_over_combining_marks() {
        let (_d, mut s) = session("Jose\u{301} went");
        let id = tag(&mut s, CharRange::from_usize(0, 3), Label::Entity);
        let r = s.nudged_range(&id, Edge::End, 1).unwrap();
        assert_eq!(r, CharRange::from_usize(0, 5), "e + accent together");
        assert_eq!(s.nudged_range(&id, Edge::Start, -1), None);
    }
}
