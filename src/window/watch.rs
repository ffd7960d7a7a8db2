//! Keeping the open article's work safe: the crash journal, and changes
//! made on disk by someone else while the article is open.
//!
//! [`Watch`] follows one open [`Session`]. Each frame ([`Watch::frame`]) it
//! records a changed annotation list in the [`Journal`] (written at most once
//! a second) and deletes the journal once the session is saved; when an
//! article is opened with a journal newer than its sidecar it offers to
//! restore it. A cheap probe (file size and time, [`DiskState::probe`]) of the
//! sidecar and the article runs every [`PROBE_INTERVAL_S`], when the window
//! gains focus and after a refused save; a change found on disk is offered as
//! Reload or Merge (sidecar) or Reload and re-anchor (article) — another
//! writer's sidecar is never overwritten blindly. Invariant: every change to
//! annotations made here goes through the session's history (one undo step
//! each). No egui here: the panel `offers` draws the offers.
use crate::analysis::merge;
use crate::model::annotation::{Annotation, AnnotationId};
use crate::model::decode::EncodingSource;
use crate::model::edit::{Change, Edit};
use crate::model::reanchor;
use crate::store::article_file;
use crate::store::journal::{self, Found, Journal, Record};
use crate::store::session::changed_message;
use crate::store::session::{SaveState, Session};
use crate::store::sidecar::{self, DiskState};
use anyhow::Context as _;
use std::collections::HashMap;
use std::path::PathBuf;
use std::sync::Arc;
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
    /// The sidecar as last loaded or saved (BASE of a merge).
    base: Base,
    /// True until the background sidecar load has finished and `base` was taken from it.
    base_pending: bool,
    journal: Option<Journal>,
    journal_on_disk: bool,
    /// The journal is read once the sidecar has loaded (its edits apply to it).
    recovery_pending: bool,
    /// What to tell the analyst about a journal that could not be applied.
    journal_notice: Option<String>,
    /// When the first change not yet journaled was seen.
    unjournaled_since: Option<Instant>,
    seen_revision: u64,
    seen_disk: Option<DiskState>,
    article_disk: Option<DiskState>,
    next_probe_s: f64,
}

/// The BASE of a merge: the sidecar as last loaded or saved.
#[derive(Debug)]
enum Base {
    /// Its text, shared with the session's save cache (a copy of 50,000
    /// annotations would cost ~30 MB for a merge that rarely happens); read
    /// when a merge needs it.
    Text(Arc<sidecar::SavedText>),
    /// Its annotations (small sidecars, and after a Save As).
    Annotations(Vec<Annotation>),
}

impl Default for Base {
    fn default() -> Self {
        Base::Annotations(Vec::new())
    }
}

impl Base {
    /// `doc`'s sidecar as last loaded or saved; `doc` must not be dirty.
    fn of(doc: &Session) -> Base {
        match doc.disk_text() {
            Some(text) => Base::Text(text),
            None => Base::Annotations(doc.annotations.as_slice().to_vec()),
        }
    }

    fn annotations(&self, doc: &Session) -> anyhow::Result<Vec<Annotation>> {
        match self {
            Base::Annotations(a) => Ok(a.clone()),
            Base::Text(text) => Ok(sidecar::parse(&text.to_text(), &doc.sidecar_path)
                .context("reading the sidecar as last saved")?
                .annotations),
        }
    }
}

impl Watch {
    /// The annotations of the sidecar as last loaded or saved: the BASE of
    /// [`Watch::merge_from_disk`].
    pub fn base_annotations(&self, doc: &Session) -> anyhow::Result<Vec<Annotation>> {
        self.base.annotations(doc)
    }

    /// Start watching the freshly opened `doc`.
    pub fn for_session(doc: &Session) -> Watch {
        let path = &doc.file.path;
        // The session holds the sidecar as loaded: no second read and parse
        // (a 50,000-annotation sidecar takes longer to parse than to open).
        let base = Base::of(doc);
        let mut watch = Watch {
            journal_on_disk: journal::journal_path(path).exists(),
            recovery_pending: true,
            journal_notice: None,
            restore: None,
            disk_change: None,
            base,
            base_pending: doc.is_loading(),
            journal: Some(Journal::for_article(path)),
            unjournaled_since: None,
            seen_revision: doc.annotations.revision(),
            seen_disk: Some(doc.disk.clone()),
            article_disk: Some(DiskState::probe(path)),
            next_probe_s: 0.0,
        };
        if !doc.is_loading() {
            watch.recover(doc);
        }
        watch
    }

    /// Read the journal left by a session that ended without saving: its
    /// work is offered back ([`Watch::restore`]); work made against another
    /// sidecar than the one loaded is set aside and reported, never applied.
    fn recover(&mut self, doc: &Session) {
        self.recovery_pending = false;
        let path = &doc.file.path;
        match journal::recover(path, doc.annotations.as_slice(), &doc.disk) {
            Ok(Some(Found::Work(record))) => {
                self.restore = (record.annotations != doc.annotations.as_slice()).then_some(record);
            }
            Ok(Some(Found::Stale { at, reason })) => {
                let when = at.map_or_else(String::new, |t| {
                    format!(
                        " from {}",
                        t.with_timezone(&chrono::Local).format("%Y-%m-%d %H:%M:%S")
                    )
                });
                let kept = match journal::set_aside(path) {
                    Ok(to) => format!("it is kept in {}", to.display()),
                    Err(e) => format!("it could not be set aside: {e}"),
                };
                self.journal_on_disk = false;
                self.journal_notice = Some(format!(
                    "Unsaved work{when} in the crash journal was not restored: {reason}; {kept}."
                ));
            }
            Ok(None) => {}
            Err(e) => {
                self.journal_notice = Some(format!("Crash journal not read: {e}"));
            }
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

/// What one frame of watching found.
#[derive(Debug, Default)]
pub struct WatchReport {
    /// Something to tell the analyst (a journal that could not be written).
    pub message: Option<String>,
    /// Our own save landed on disk (a folder list should refresh its row).
    pub saved: bool,
    /// Draw again after this long, for a pending journal write or probe.
    pub repaint_after: Option<Duration>,
}

impl Watch {
    /// Per-frame safety work for `doc`: the journal, then the probes of the
    /// disk (every [`PROBE_INTERVAL_S`], when the window gained focus, and
    /// after a refused save).
    pub fn frame(&mut self, doc: &mut Session, now_s: f64, focus_gained: bool) -> WatchReport {
        let mut report = WatchReport {
            repaint_after: Some(Duration::from_secs_f64(PROBE_INTERVAL_S)),
            ..WatchReport::default()
        };
        if self.base_pending && !doc.is_loading() {
            self.base = Base::of(doc);
            self.base_pending = false;
        }
        if self.recovery_pending && !doc.is_loading() {
            self.recover(doc);
        }
        if let Some(notice) = self.journal_notice.take() {
            doc.notices.push(notice.clone());
            report.message = Some(notice);
        }
        self.journal_frame(doc, &mut report);
        // Our own save: this is the new BASE.
        if self.seen_disk.as_ref() != Some(&doc.disk) {
            self.seen_disk = Some(doc.disk.clone());
            // The text just written is the base even when a change came
            // in since; without it, only an unchanged session can tell.
            if let Some(text) = doc.disk_text() {
                self.base = Base::Text(text);
            } else if !doc.is_dirty() {
                self.base = Base::of(doc);
            }
            report.saved = true;
        }
        let save_refused = doc.save_state == SaveState::Failed;
        if focus_gained || now_s >= self.next_probe_s || save_refused {
            self.next_probe_s = now_s + PROBE_INTERVAL_S;
            if self.disk_change.is_none() {
                self.disk_change = probe(doc, self);
            }
        }
        report
    }

    /// Record changes in the journal, flush when due, delete it once saved.
    fn journal_frame(&mut self, doc: &mut Session, report: &mut WatchReport) {
        let Some(journal) = &mut self.journal else {
            return;
        };
        let now = Instant::now();
        let mut wake = |d: Duration| {
            report.repaint_after = Some(report.repaint_after.map_or(d, |r| r.min(d)));
        };
        let revision = doc.annotations.revision();
        if doc.is_dirty() && (revision != self.seen_revision || journal.wants_snapshot()) {
            self.unjournaled_since.get_or_insert(now);
        }
        self.seen_revision = revision;
        // Journal a moment after the change, not in the frame that made
        // it: edits are only moved to the journal, but a snapshot (when
        // edits cannot say what changed) copies every annotation and would
        // delay the tag from showing. Work lost in a crash stays under ~1 s.
        if let Some(since) = self.unjournaled_since {
            let wait = JOURNAL_DELAY.saturating_sub(now.saturating_duration_since(since));
            if wait.is_zero() {
                self.unjournaled_since = None;
                if doc.is_dirty() {
                    let base = doc.journal_base();
                    let written =
                        journal.record(&base, &mut doc.unsaved, doc.annotations.as_slice(), now);
                    if let Err(e) = written {
                        report.message = Some(format!("Crash journal not written: {e}"));
                    }
                    self.journal_on_disk = true;
                }
            } else {
                wake(wait);
            }
        }
        if let Err(e) = journal.flush_due(now) {
            report.message = Some(format!("Crash journal not written: {e}"));
        }
        if let Some(due) = journal.next_due() {
            wake(due.saturating_duration_since(now));
        }
        if !doc.is_dirty()
            && self.journal_on_disk
            && self.restore.is_none()
            && !self.recovery_pending
        {
            match journal.discard() {
                Ok(()) => self.journal_on_disk = false,
                Err(e) => report.message = Some(format!("Crash journal not deleted: {e}")),
            }
        }
    }

    /// Put the journal's unsaved work back into `doc` (one undo step).
    pub fn restore_into(&mut self, doc: &mut Session, now_s: f64) -> bool {
        match self.restore.take() {
            Some(record) => {
                replace_all(doc, record.annotations, now_s);
                true
            }
            None => false,
        }
    }

    /// Drop the journal and the offer to restore it.
    pub fn discard_journal(&mut self) -> anyhow::Result<()> {
        self.restore = None;
        self.journal_on_disk = false;
        match &mut self.journal {
            Some(j) => j.discard().context("deleting the crash journal"),
            None => Ok(()),
        }
    }

    /// Keep the article text in memory and stop offering to reload it.
    pub fn ignore_article_change(&mut self, doc: &Session) {
        self.article_disk = Some(DiskState::probe(&doc.file.path));
        self.disk_change = None;
    }

    /// Merge the sidecar on disk (THEIRS) into `doc` (OURS) with the
    /// sidecar as last loaded or saved as BASE. The session then holds the
    /// merge, unsaved, and may save over the file it merged.
    pub fn merge_from_disk(&mut self, doc: &mut Session, now_s: f64) -> anyhow::Result<String> {
        let (theirs, disk, text) = match sidecar::read_with_text(&doc.sidecar_path) {
            Ok(Some(found)) => found,
            Ok(None) => {
                // Deleted by the other writer: our next save recreates it.
                doc.disk = DiskState::Absent;
                doc.unsaved.mark_replaced();
                doc.save_state = SaveState::Unsaved;
                self.disk_change = None;
                return Ok("The sidecar was deleted on disk; save to write yours".into());
            }
            Err(e) => return Err(e).context("Cannot merge"),
        };
        let base = doc
            .file
            .sidecar(self.base.annotations(doc).context("Cannot merge")?);
        let ours = doc.file.sidecar(doc.annotations.as_slice().to_vec());
        let outcome = merge::merge(Some(&base), Some(&ours), Some(&theirs));
        drop((base, ours));
        let conflicts = outcome.conflict_count();
        replace_all(doc, outcome.sidecar.annotations, now_s);
        drop(theirs);
        self.base = Base::Text(Arc::new(sidecar::SavedText::whole(text)));
        doc.disk = disk.clone();
        // The merge is not edits of the sidecar now on disk.
        doc.unsaved.mark_replaced();
        self.seen_disk = Some(disk);
        doc.save_state = SaveState::Unsaved;
        self.disk_change = None;
        Ok(match conflicts {
            0 => "Merged with the sidecar on disk; save to keep the result".into(),
            n => format!(
                "Merged with the sidecar on disk: {n} conflict(s), listed on the left — choose mine or theirs"
            ),
        })
    }

    /// Read the article again and re-anchor the annotations to it, mapping
    /// offsets through a diff of the text held in memory.
    pub fn reload_article(&mut self, doc: &mut Session, now_s: f64) -> anyhow::Result<String> {
        // An encoding chosen in this session (not saved yet) is kept.
        let chosen =
            (doc.file.encoding_source == EncodingSource::Chosen).then_some(doc.file.text_encoding);
        let file = article_file::read_article_with(&doc.file.path, chosen)
            .context("Cannot reload the article")?;
        let old_text = doc.file.article.text().to_owned();
        let mut annotations = doc.annotations.as_slice().to_vec();
        let tally = reanchor::reanchor(&file.article, &mut annotations, Some(&old_text));
        let msg = changed_message(&tally);
        doc.replace_article(file, annotations, now_s);
        doc.notices.retain(|n| !n.starts_with("Article changed"));
        doc.notices.push(msg);
        self.article_disk = Some(DiskState::probe(&doc.file.path));
        self.seen_revision = doc.annotations.revision();
        self.disk_change = None;
        Ok(format!("Article reloaded and re-anchored: {tally}"))
    }

    /// Write any pending journal record now (the window is closing).
    pub fn flush(&mut self) {
        if let Some(j) = &mut self.journal
            && let Err(e) = j.flush(Instant::now()).and_then(|()| j.wait())
        {
            eprintln!("marginalia: crash journal not written: {e}");
        }
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::annotation::Label;
    use crate::model::offset::CharRange;
    use chrono::Utc;

    /// A generated article with 300 annotations in its sidecar, opened with
    /// the sidecar read in the background (as the window does for big ones).
    fn opened() -> (tempfile::TempDir, Session) {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("big.txt");
        let doc = crate::model::sample_text::sample(3, 20_000, 300);
        std::fs::write(&path, doc.article.text()).unwrap();
        let sc =
            sidecar::Sidecar::new("big.txt", "utf-8", &doc.article, doc.annotations.into_vec());
        sidecar::save(&sidecar::sidecar_path(&path), &sc, &DiskState::Absent).unwrap();
        let doc = Session::open_with(&path, 0).unwrap();
        (dir, doc)
    }

    #[test]
    fn a_merge_after_a_background_load_and_a_save_uses_the_sidecar_as_last_written() {
        let (_d, mut doc) = opened();
        let mut watch = Watch::for_session(&doc);
        doc.finish_loading();
        watch.frame(&mut doc, 0.0, false);
        // The base is the file as loaded.
        assert_eq!(
            watch.base_annotations(&doc).unwrap(),
            doc.annotations.as_slice()
        );
        // Ours: a tag, saved, then a second tag not saved.
        let first = doc
            .tag(
                CharRange::from_usize(0, 4),
                Label::Quote,
                "a",
                Utc::now(),
                1.0,
            )
            .unwrap();
        doc.save().unwrap();
        watch.frame(&mut doc, 1.0, false);
        let base = watch.base_annotations(&doc).unwrap();
        assert_eq!(base, doc.annotations.as_slice());
        let second = doc
            .tag(
                CharRange::from_usize(5, 9),
                Label::Claim,
                "a",
                Utc::now(),
                2.0,
            )
            .unwrap();
        // Theirs, on disk: the first tag deleted (after our save).
        let mut theirs = sidecar::read(&doc.sidecar_path).unwrap().unwrap().0;
        theirs.annotations.retain(|a| a.id != first);
        sidecar::write_atomic(&doc.sidecar_path, sidecar::to_string(&theirs).as_bytes()).unwrap();
        watch.merge_from_disk(&mut doc, 3.0).unwrap();
        // With the saved sidecar as BASE, their deletion and our new tag both stand.
        assert!(doc.annotations.get(&first).is_none());
        assert!(doc.annotations.get(&second).is_some());
        assert_eq!(doc.annotations.len(), base.len());
    }
}
