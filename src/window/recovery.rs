//! Keeping the open article's work safe: the crash journal, re-anchoring,
//! and changes made on disk by someone else while the article is open.
//!
//! [`Watch`] follows one open [`Session`]. Every frame it records a changed
//! annotation list in the [`Journal`] (written at most once a second) and
//! deletes the journal once the session is saved; when an article is opened
//! with a journal newer than its sidecar it offers to restore it. A cheap
//! probe (file size and time, [`DiskState::probe`]) of the sidecar and the
//! article runs every [`PROBE_INTERVAL_S`], when the window gains focus and
//! after a refused save; a change found on disk is offered as Reload or Merge
//! (sidecar) or Reload and re-anchor (article) — another writer's sidecar is
//! never overwritten blindly. Invariant: every change to annotations made
//! here goes through the session's history (one undo step each).
use crate::analysis::merge;
use crate::model::annotation::{Annotation, AnnotationId};
use crate::model::decode::EncodingSource;
use crate::model::edit::{Change, Edit};
use crate::model::reanchor;
use crate::store::article_file;
use crate::store::journal::{self, Journal, Record};
use crate::store::session::changed_message;
use crate::store::session::{SaveState, Session};
use crate::store::sidecar::{self, DiskState};
use crate::window::app::MarginaliaApp;
use eframe::egui;
use std::collections::HashMap;
use std::path::PathBuf;
use std::time::{Duration, Instant};

/// Seconds between two probes of the files on disk.
pub const PROBE_INTERVAL_S: f64 = 2.0;

/// What changed on disk while the article was open.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum DiskChange {
    /// Another writer saved the sidecar.
    Sidecar,
    /// The article text file was modified.
    Article,
}

/// The safety state of the open article.
#[derive(Debug, Default)]
pub struct Watch {
    /// Unsaved work found in the journal, offered for restoring.
    pub restore: Option<Record>,
    /// A change on disk waiting for the analyst's decision.
    pub disk_change: Option<DiskChange>,
    /// The sidecar's annotations as last loaded or saved (BASE of a merge).
    pub base: Vec<Annotation>,
    /// True until the background sidecar load has finished and `base` was taken from it.
    base_pending: bool,
    journal: Option<Journal>,
    journal_on_disk: bool,
    /// When the first change not yet journaled was seen.
    unjournaled_since: Option<Instant>,
    seen_revision: u64,
    seen_disk: Option<DiskState>,
    article_disk: Option<DiskState>,
    next_probe_s: f64,
}

impl Watch {
    /// Start watching the freshly opened `doc`.
    pub fn for_session(doc: &Session) -> Watch {
        let path = &doc.file.path;
        // The session holds the sidecar as loaded: no second read and parse
        // (a 50,000-annotation sidecar takes longer to parse than to open).
        let base = doc.annotations.as_slice().to_vec();
        let restore = journal::recover(path)
            .ok()
            .flatten()
            .filter(|r| r.annotations != doc.annotations.as_slice());
        Watch {
            journal_on_disk: journal::journal_path(path).exists(),
            restore,
            disk_change: None,
            base,
            base_pending: doc.is_loading(),
            journal: Some(Journal::for_article(path)),
            unjournaled_since: None,
            seen_revision: doc.annotations.revision(),
            seen_disk: Some(doc.disk.clone()),
            article_disk: Some(DiskState::probe(path)),
            next_probe_s: 0.0,
        }
    }
}

/// How long after a change its journal snapshot is taken.
const JOURNAL_DELAY: Duration = Duration::from_millis(300);

/// Make `doc`'s annotations equal to `new` in one undo step. Returns true
/// when anything changed.
pub fn replace_all(doc: &mut Session, new: Vec<Annotation>, now_s: f64) -> bool {
    let mut old: HashMap<AnnotationId, Annotation> = doc
        .annotations
        .iter()
        .map(|a| (a.id.clone(), a.clone()))
        .collect();
    let mut change: Change = Vec::new();
    for a in new {
        match old.remove(&a.id) {
            Some(before) if before == a => {}
            Some(before) => change.push(Edit::Update {
                before: Box::new(before),
                after: Box::new(a),
            }),
            None => change.push(Edit::Insert(a)),
        }
    }
    let mut removed: Vec<Annotation> = old.into_values().collect();
    removed.sort_by(|a, b| a.id.cmp(&b.id));
    change.extend(removed.into_iter().map(Edit::Remove));
    !change.is_empty() && doc.apply(change, now_s)
}

impl MarginaliaApp {
    /// Start watching the article just opened (journal, restore offer, disk probes).
    pub fn after_open(&mut self) {
        self.state.watch = self
            .state
            .doc
            .as_ref()
            .map(Watch::for_session)
            .unwrap_or_default();
    }

    /// Per-frame safety work: journal, probes, and the offers' banners.
    /// Call after the frame's actions ran and before the central panel.
    pub fn recovery_frame(&mut self, ui: &mut egui::Ui) {
        let ctx = ui.ctx().clone();
        let now_s = ctx.input(|i| i.time);
        let focus_gained = ctx.input(|i| {
            i.raw
                .events
                .iter()
                .any(|e| matches!(e, egui::Event::WindowFocused(true)))
        });
        let Some(doc) = &mut self.state.doc else {
            return;
        };
        let watch = &mut self.state.watch;
        // The journal: record changes, flush when due, delete once saved.
        if watch.base_pending && !doc.is_loading() {
            watch.base = doc.annotations.as_slice().to_vec();
            watch.base_pending = false;
        }
        if let Some(journal) = &mut watch.journal {
            let now = Instant::now();
            let revision = doc.annotations.revision();
            if doc.is_dirty() && revision != watch.seen_revision {
                watch.unjournaled_since.get_or_insert(now);
            }
            watch.seen_revision = revision;
            // Snapshot a moment after the change, not in the frame that made
            // it: copying 50,000 annotations would otherwise delay the tag
            // from showing. Work lost in a crash stays under ~1 s.
            if let Some(since) = watch.unjournaled_since {
                let wait = JOURNAL_DELAY.saturating_sub(now.saturating_duration_since(since));
                if wait.is_zero() {
                    watch.unjournaled_since = None;
                    if doc.is_dirty() {
                        if let Err(e) = journal.record(doc.annotations.as_slice(), now) {
                            self.state.message = format!("Crash journal not written: {e}");
                        }
                        watch.journal_on_disk = true;
                    }
                } else {
                    ctx.request_repaint_after(wait);
                }
            }
            if let Err(e) = journal.flush_due(now) {
                self.state.message = format!("Crash journal not written: {e}");
            }
            if let Some(due) = journal.next_due() {
                ctx.request_repaint_after(due.saturating_duration_since(now));
            }
            if !doc.is_dirty() && watch.journal_on_disk && watch.restore.is_none() {
                match journal.discard() {
                    Ok(()) => watch.journal_on_disk = false,
                    Err(e) => self.state.message = format!("Crash journal not deleted: {e}"),
                }
            }
        }
        // Our own save: this is the new BASE, and the corpus list is stale.
        if watch.seen_disk.as_ref() != Some(&doc.disk) {
            watch.seen_disk = Some(doc.disk.clone());
            if !doc.is_dirty() {
                watch.base = doc.annotations.as_slice().to_vec();
            }
            self.state.corpus.refresh(&doc.file.path);
        }
        // Cheap probes of the disk.
        let save_refused = matches!(doc.save_state, SaveState::Failed(_));
        if focus_gained || now_s >= watch.next_probe_s || save_refused {
            watch.next_probe_s = now_s + PROBE_INTERVAL_S;
            if watch.disk_change.is_none() {
                watch.disk_change = probe(doc, watch);
            }
        }
        ctx.request_repaint_after(Duration::from_secs_f64(PROBE_INTERVAL_S));
        self.offers_ui(ui);
    }

    fn offers_ui(&mut self, ui: &mut egui::Ui) {
        let watch = &self.state.watch;
        if watch.restore.is_none() && watch.disk_change.is_none() {
            return;
        }
        let warn = ui.visuals().warn_fg_color;
        let mut choice = None;
        egui::Panel::top("offers").show(ui, |ui| {
            if let Some(record) = &watch.restore {
                let when = record.at.with_timezone(&chrono::Local).format("%Y-%m-%d %H:%M:%S");
                ui.horizontal_wrapped(|ui| {
                    ui.colored_label(
                        warn,
                        format!(
                            "Unsaved work from {when} was found ({} annotations).",
                            record.annotations.len()
                        ),
                    );
                    if ui.button(format!("Restore unsaved work from {when}")).clicked() {
                        choice = Some(Offer::Restore);
                    }
                    if ui.button("Discard").clicked() {
                        choice = Some(Offer::DiscardJournal);
                    }
                });
            }
            match watch.disk_change {
                Some(DiskChange::Sidecar) => {
                    ui.horizontal_wrapped(|ui| {
                        ui.colored_label(
                            warn,
                            "The sidecar was changed on disk by another writer; it will not be overwritten.",
                        );
                        if ui
                            .button("Reload (discard mine)")
                            .on_hover_text("Load the sidecar from disk; your unsaved changes are lost")
                            .clicked()
                        {
                            choice = Some(Offer::Reload);
                        }
                        if ui
                            .button("Merge")
                            .on_hover_text("Keep both sides; where both changed one annotation, yours is kept and theirs is offered")
                            .clicked()
                        {
                            choice = Some(Offer::Merge);
                        }
                    });
                }
                Some(DiskChange::Article) => {
                    ui.horizontal_wrapped(|ui| {
                        ui.colored_label(warn, "The article file was changed on disk.");
                        if ui.button("Reload and re-anchor").clicked() {
                            choice = Some(Offer::ReloadArticle);
                        }
                        if ui.button("Ignore").clicked() {
                            choice = Some(Offer::IgnoreArticle);
                        }
                    });
                }
                None => {}
            }
        });
        if let Some(offer) = choice {
            let now_s = ui.ctx().input(|i| i.time);
            self.take_offer(offer, now_s);
        }
    }

    /// Act on one of the offers (what its button does).
    pub fn take_offer(&mut self, offer: Offer, now_s: f64) {
        let Some(doc) = &mut self.state.doc else {
            return;
        };
        let watch = &mut self.state.watch;
        match offer {
            Offer::Restore => {
                if let Some(record) = watch.restore.take() {
                    replace_all(doc, record.annotations, now_s);
                    self.state.message = "Unsaved work restored (Ctrl+Z to undo)".into();
                }
            }
            Offer::DiscardJournal => {
                watch.restore = None;
                if let Some(j) = &mut watch.journal {
                    let _ = j.discard();
                }
                watch.journal_on_disk = false;
                self.state.message = "Unsaved work discarded".into();
            }
            Offer::Reload => {
                let path = doc.file.path.clone();
                // The analyst chose to drop the unsaved changes.
                doc.save_state = SaveState::Saved;
                if let Some(j) = &mut watch.journal {
                    let _ = j.discard();
                }
                self.open(&path);
            }
            Offer::Merge => match self.merge_from_disk(now_s) {
                Ok(msg) => self.state.message = msg,
                Err(msg) => self.state.message = msg,
            },
            Offer::ReloadArticle => match self.reload_article(now_s) {
                Ok(msg) => self.state.message = msg,
                Err(msg) => self.state.message = msg,
            },
            Offer::IgnoreArticle => {
                watch.article_disk = Some(DiskState::probe(&doc.file.path));
                watch.disk_change = None;
            }
        }
    }

    /// Merge the sidecar on disk (THEIRS) into the session (OURS) with the
    /// sidecar as last loaded or saved as BASE. The session then holds the
    /// merge, unsaved, and may save over the file it merged.
    pub fn merge_from_disk(&mut self, now_s: f64) -> Result<String, String> {
        let Some(doc) = &mut self.state.doc else {
            return Err("No article is open".into());
        };
        let watch = &mut self.state.watch;
        let (theirs, disk) = match sidecar::read(&doc.sidecar_path) {
            Ok(Some(found)) => found,
            Ok(None) => {
                // Deleted by the other writer: our next save recreates it.
                doc.disk = DiskState::Absent;
                doc.save_state = SaveState::Unsaved;
                watch.disk_change = None;
                return Ok("The sidecar was deleted on disk; save to write yours".into());
            }
            Err(e) => return Err(format!("Cannot merge: {e}")),
        };
        let base = doc.file.sidecar(watch.base.clone());
        let mut ours = doc.file.sidecar(doc.annotations.as_slice().to_vec());
        // The base's document note is not kept: a note changed on both sides
        // is then kept twice rather than lost.
        ours.note = doc.note.clone();
        let outcome = merge::merge(Some(&base), Some(&ours), Some(&theirs));
        let conflicts = outcome.conflict_count();
        doc.note = outcome.sidecar.note;
        replace_all(doc, outcome.sidecar.annotations, now_s);
        watch.base = theirs.annotations;
        doc.disk = disk.clone();
        watch.seen_disk = Some(disk);
        doc.save_state = SaveState::Unsaved;
        watch.disk_change = None;
        Ok(match conflicts {
            0 => "Merged with the sidecar on disk; save to keep the result".into(),
            n => format!(
                "Merged with the sidecar on disk: {n} conflict(s), listed on the left — choose mine or theirs"
            ),
        })
    }

    /// Read the article again and re-anchor the annotations to it, mapping
    /// offsets through a diff of the text held in memory.
    pub fn reload_article(&mut self, now_s: f64) -> Result<String, String> {
        let Some(doc) = &mut self.state.doc else {
            return Err("No article is open".into());
        };
        // An encoding chosen in this session (not saved yet) is kept.
        let chosen =
            (doc.file.encoding_source == EncodingSource::Chosen).then_some(doc.file.text_encoding);
        let file = article_file::read_article_with(&doc.file.path, chosen)
            .map_err(|e| format!("Cannot reload the article: {e}"))?;
        let old_text = doc.file.article.text().to_owned();
        let mut annotations = doc.annotations.as_slice().to_vec();
        let tally = reanchor::reanchor(&file.article, &mut annotations, Some(&old_text));
        let msg = changed_message(&tally);
        doc.replace_article(file, annotations, now_s);
        doc.notices.retain(|n| !n.starts_with("Article changed"));
        doc.notices.push(msg);
        let watch = &mut self.state.watch;
        watch.article_disk = Some(DiskState::probe(&doc.file.path));
        watch.seen_revision = doc.annotations.revision();
        watch.disk_change = None;
        self.state.selection = None;
        Ok(format!("Article reloaded and re-anchored: {tally}"))
    }
}

/// A choice offered in a banner.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Offer {
    /// Restore the journal's unsaved work.
    Restore,
    /// Delete the journal.
    DiscardJournal,
    /// Reload the sidecar from disk, dropping unsaved changes.
    Reload,
    /// Three-way merge with the sidecar on disk.
    Merge,
    /// Reload the changed article and re-anchor.
    ReloadArticle,
    /// Keep the article text in memory.
    IgnoreArticle,
}

fn probe(doc: &Session, watch: &Watch) -> Option<DiskChange> {
    if doc.disk != DiskState::Unparsable && DiskState::probe(&doc.sidecar_path) != doc.disk {
        return Some(DiskChange::Sidecar);
    }
    let article_now = DiskState::probe(&doc.file.path);
    (watch.article_disk.as_ref() != Some(&article_now)).then_some(DiskChange::Article)
}

/// Path of the journal of the open article (for tests and the status line).
pub fn journal_of(doc: &Session) -> PathBuf {
    journal::journal_path(&doc.file.path)
}

impl MarginaliaApp {
    /// Write any pending journal record now (the window is closing).
    pub fn flush_journal(&mut self) {
        if let Some(j) = &mut self.state.watch.journal
            && let Err(e) = j.flush(Instant::now()).and_then(|()| j.wait())
        {
            eprintln!("marginalia: crash journal not written: {e}");
        }
    }
}
