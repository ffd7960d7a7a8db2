//! The journal of unsaved edits: `report.txt` → `report.txt.ann.ron.journal`.
//!
//! While an article has unsaved changes, the session keeps the edits made
//! since its sidecar was last read or written ([`Unsaved`]); the window hands
//! the new ones to [`Journal::record`], which moves them (no copy of the
//! annotation list) to a writer thread. At most once per [`WRITE_INTERVAL`]
//! (and within one interval of the last change, via [`Journal::flush_due`])
//! the writer appends them to the journal as one JSON line, then fsyncs. A
//! crash therefore loses at most about a second of work.
//!
//! The file is JSON lines: first the base, the SHA-256 and size of the
//! sidecar the edits apply to (`{"base":{"sha256":…,"byte_len":…}}`, or
//! `{"base":null}` when there was no sidecar), then entries, each either the
//! edits of that moment (`{"at":…,"edits":[…]}`, every edit with both sides,
//! as undo keeps them) or a full snapshot (`{"at":…,"annotations":[…]}`).
//! A snapshot is written when edits cannot describe the change (the article
//! was reloaded, a merge replaced many annotations, the session saves
//! elsewhere) and when the journal grows past [`COMPACT_BYTES`]; it replaces
//! the file atomically.
//!
//! [`recover`] rebuilds the work: the newest snapshot (or the sidecar as
//! loaded) with every later edit replayed, each checked against what it
//! changes. A journal whose base is not the sidecar on disk now (another
//! writer saved it, or it was edited by hand) is reported as [`Found::Stale`]
//! and never applied.
//!
//! A journal starts with edits only against the sidecar the session saw:
//! when the file on disk changed since, [`Journal::record`] takes a snapshot
//! at once, and if it changes between that look and the writer's hash, the
//! edits are written under `{"base":"changed"}`, reported and never applied,
//! until the snapshot the writer asks for replaces them. Either way a crash
//! right after the first write loses nothing silently. Journals written before the base line existed hold
//! only snapshots and are read as before (the newest, when the journal is
//! newer than the sidecar).
//!
//! Invariants: entries are only appended (a torn last line from a crash is
//! skipped on reading); a new base (a save) starts a new file atomically; a
//! successful sidecar save is followed by [`Journal::discard`], which deletes
//! the file.

use crate::model::annotation::{Annotation, Annotations};
use crate::model::edit::Edit;
use crate::store::sidecar::{self, DiskState, SidecarError};
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};
use std::fs;
use std::io::{Read, Write};
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::mpsc;
use std::time::{Duration, Instant};
use thiserror::Error;

/// Least time between two journal writes.
pub const WRITE_INTERVAL: Duration = Duration::from_secs(1);

/// Past this size the journal is replaced by a snapshot.
pub const COMPACT_BYTES: u64 = 16 * 1024 * 1024;

/// A change of more edits than this is journaled as a snapshot (a merge or
/// a restore can touch every annotation; their copy would outweigh it).
pub const MAX_LOGGED_EDITS: usize = 1024;

/// Why the journal could not be written or read.
#[derive(Debug, Error)]
#[non_exhaustive]
pub enum JournalError {
    /// Reading, writing or deleting failed.
    #[error("{path}: {action}: {source}")]
    Io {
        /// The journal file.
        path: PathBuf,
        /// What was being done.
        action: &'static str,
        /// The OS error.
        source: std::io::Error,
    },
    /// Compaction (an atomic rewrite) failed.
    #[error(transparent)]
    Compact(#[from] SidecarError),
}

/// The work a journal holds: every annotation as it was at `at`.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Record {
    /// When it was written.
    pub at: DateTime<Utc>,
    /// The whole annotation list at that moment.
    pub annotations: Vec<Annotation>,
}

/// The edits a session made since its sidecar was last read or written,
/// kept for the journal ([`crate::store::session::Session`] fills it;
/// [`Journal::record`] takes them).
#[derive(Clone, Debug, Default)]
pub struct Unsaved {
    /// Counts the saves: edits of an earlier base are on disk.
    pub base: u64,
    /// Edits applied since the journal last took them, in order (an undo
    /// appears as the inverse edits it applied).
    pub edits: Vec<Edit>,
    /// Edits cannot describe what changed (the annotations were replaced
    /// wholesale): the journal takes a snapshot.
    pub replaced: bool,
}

impl Unsaved {
    /// Note the edits of one change (a snapshot when they are many).
    pub fn log(&mut self, edits: impl ExactSizeIterator<Item = Edit>) {
        if self.replaced {
            return;
        }
        if self.edits.len() + edits.len() > MAX_LOGGED_EDITS {
            self.mark_replaced();
        } else {
            self.edits.extend(edits);
        }
    }

    /// The annotations were replaced wholesale.
    pub fn mark_replaced(&mut self) {
        self.replaced = true;
        self.edits = Vec::new();
    }

    /// The sidecar was written (or read again): later edits apply to it.
    pub fn rebase(&mut self) {
        self.base += 1;
        self.edits = Vec::new();
        self.replaced = false;
    }
}

/// What the journal's edits apply to: the sidecar at `path` as the session
/// last read or wrote it.
#[derive(Clone, Debug, PartialEq)]
pub struct Base {
    /// [`Unsaved::base`] of the session.
    pub generation: u64,
    /// The sidecar's path; edits are journaled only against the article's
    /// own sidecar (after a Save As elsewhere, snapshots).
    pub sidecar: PathBuf,
    /// The sidecar as the session last saw it.
    pub disk: DiskState,
}

/// The sidecar a journal's edits apply to, as written in its first line.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct BaseId {
    /// SHA-256 of the sidecar's bytes, in hex.
    pub sha256: String,
    /// Its size.
    pub byte_len: u64,
}

/// What a journal's entries apply to (its first line).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
enum BaseLine {
    /// The article's sidecar, these bytes.
    Sidecar(BaseId),
    /// No sidecar.
    NoSidecar,
    /// Not known (the session saves elsewhere, or its sidecar could not be
    /// read): the journal holds snapshots.
    Unknown,
    /// The sidecar on disk was not the one the session saw when the journal
    /// started: its edits cannot be replayed, and the journal is reported,
    /// never applied (a snapshot replaces it within moments).
    Changed,
}

/// One line of the journal.
#[derive(Debug, Serialize, Deserialize)]
#[serde(untagged)]
enum Line {
    Snapshot(Record),
    Edits { at: DateTime<Utc>, edits: Vec<Edit> },
    Base { base: BaseLine },
}

/// The journal path of an article: `<file name>.ann.ron.journal`, beside it.
pub fn journal_path(article_path: &Path) -> PathBuf {
    let mut name = sidecar::sidecar_path(article_path)
        .file_name()
        .unwrap_or_default()
        .to_os_string();
    name.push(".journal");
    article_path.with_file_name(name)
}

/// Where a stale journal is moved so that new work does not overwrite it:
/// `<file name>.ann.ron.journal.stale`.
pub fn stale_path(article_path: &Path) -> PathBuf {
    let mut path = journal_path(article_path).into_os_string();
    path.push(".stale");
    PathBuf::from(path)
}

/// What the window hands the writer.
#[derive(Debug)]
enum Entry {
    Edits(Vec<Edit>),
    Snapshot(Vec<Annotation>),
}

/// The journal of one open article.
///
/// Entries are serialized and written by a writer thread of its own, in
/// order: the window thread only moves the new edits (a snapshot, rare,
/// copies the list). Deleting goes through the same queue (so no queued
/// write can bring a deleted journal back), and dropping the journal waits
/// for the queue.
#[derive(Debug)]
pub struct Journal {
    path: PathBuf,
    article: PathBuf,
    last_write: Option<Instant>,
    /// Entries not yet handed to the writer, with their base.
    pending: Option<(Base, Vec<Entry>)>,
    /// The base of the last entry handed over.
    sent_base: Option<Base>,
    /// Set by the writer: the next entry must be a snapshot (the file grew
    /// big, or the sidecar was not the one the edits apply to).
    wants_snapshot: Arc<AtomicBool>,
    writer: Option<Writer>,
}

/// The writer thread and its queue.
#[derive(Debug)]
struct Writer {
    jobs: mpsc::Sender<Job>,
    /// Errors of queued writes, reported by the next call.
    errors: mpsc::Receiver<JournalError>,
    thread: Option<std::thread::JoinHandle<()>>,
}

#[derive(Debug)]
enum Job {
    Write(Base, Vec<Entry>),
    Delete(mpsc::Sender<Result<(), JournalError>>),
    Wait(mpsc::Sender<()>),
}

impl Drop for Journal {
    fn drop(&mut self) {
        if let Some(mut writer) = self.writer.take() {
            drop(writer.jobs);
            if let Some(thread) = writer.thread.take() {
                let _ = thread.join();
            }
        }
    }
}

/// The writer's side: the file on disk and the base it was started for.
#[derive(Debug)]
struct FileState {
    path: PathBuf,
    article: PathBuf,
    /// The generation the file on disk was started for.
    generation: Option<u64>,
    wants_snapshot: Arc<AtomicBool>,
}

impl Journal {
    /// The journal for the article at `article_path` (nothing is written yet).
    pub fn for_article(article_path: &Path) -> Self {
        Journal {
            path: journal_path(article_path),
            article: article_path.to_owned(),
            last_write: None,
            pending: None,
            sent_base: None,
            wants_snapshot: Arc::new(AtomicBool::new(false)),
            writer: None,
        }
    }

    /// The writer's queue, started on first use; `None` if no thread could
    /// be started (the caller then works synchronously).
    fn writer(&mut self) -> Option<&Writer> {
        if self.writer.is_none() {
            let (jobs, queue) = mpsc::channel::<Job>();
            let (report, errors) = mpsc::channel();
            let mut state = self.file_state();
            let thread = std::thread::Builder::new()
                .name("journal-writer".into())
                .spawn(move || {
                    for job in queue {
                        match job {
                            Job::Write(base, entries) => {
                                if let Err(e) = state.write(&base, entries) {
                                    let _ = report.send(e);
                                }
                            }
                            Job::Delete(reply) => {
                                let _ = reply.send(state.delete());
                            }
                            Job::Wait(reply) => {
                                let _ = reply.send(());
                            }
                        }
                    }
                })
                .ok()?;
            self.writer = Some(Writer {
                jobs,
                errors,
                thread: Some(thread),
            });
        }
        self.writer.as_ref()
    }

    fn file_state(&self) -> FileState {
        FileState {
            path: self.path.clone(),
            article: self.article.clone(),
            generation: None,
            wants_snapshot: Arc::clone(&self.wants_snapshot),
        }
    }

    /// The first error of a queued write since the last call, if any.
    fn queued_error(&self) -> Result<(), JournalError> {
        match self.writer.as_ref().and_then(|w| w.errors.try_recv().ok()) {
            Some(e) => Err(e),
            None => Ok(()),
        }
    }

    /// Wait until every queued write is on disk; the first error among them.
    pub fn wait(&mut self) -> Result<(), JournalError> {
        if let Some(writer) = &self.writer {
            let (reply, done) = mpsc::channel();
            if writer.jobs.send(Job::Wait(reply)).is_ok() {
                let _ = done.recv();
            }
        }
        self.queued_error()
    }

    /// The journal file's path.
    pub fn path(&self) -> &Path {
        &self.path
    }

    /// True when a change is recorded but not yet written.
    pub fn has_pending(&self) -> bool {
        self.pending.is_some()
    }

    /// Note a change: take the edits `unsaved` holds for `base` (they are
    /// moved, not copied), or a snapshot of `annotations` when edits cannot
    /// describe it. Written at once when the last write is at least
    /// [`WRITE_INTERVAL`] old, otherwise kept for [`Journal::flush_due`].
    /// Returns true when it was written.
    pub fn record(
        &mut self,
        base: &Base,
        unsaved: &mut Unsaved,
        annotations: &[Annotation],
        now: Instant,
    ) -> Result<bool, JournalError> {
        let moved = |b: &Base| b.generation == base.generation && b.disk != base.disk;
        // These edits start a new file, whose base line is the sidecar they
        // apply to. If the sidecar on disk is no longer the one the session
        // saw, that file cannot be started with edits: take the snapshot
        // now (the writer would otherwise write nothing and ask for one,
        // which a crash in between would lose).
        let starts_file = !matches!(&self.pending, Some((b, _)) if b == base)
            && self
                .sent_base
                .as_ref()
                .is_none_or(|b| b.generation != base.generation);
        let snapshot = unsaved.replaced
            || base.sidecar != sidecar::sidecar_path(&self.article)
            || base.disk == DiskState::Unparsable
            || self.sent_base.as_ref().is_some_and(moved)
            || self.pending.as_ref().is_some_and(|(b, _)| moved(b))
            || self.wants_snapshot.swap(false, Ordering::Relaxed)
            || (starts_file && DiskState::probe(&base.sidecar) != base.disk);
        let entry = if snapshot {
            unsaved.replaced = false;
            unsaved.edits = Vec::new();
            Entry::Snapshot(annotations.to_vec())
        } else {
            Entry::Edits(std::mem::take(&mut unsaved.edits))
        };
        match &mut self.pending {
            // Edits of an earlier base are saved: they go.
            Some((b, entries)) if b == base && !snapshot => entries.push(entry),
            _ => self.pending = Some((base.clone(), vec![entry])),
        }
        self.flush_due(now)
    }

    /// Write the pending change if the interval has passed. Call it from the
    /// frame loop; [`Journal::next_due`] says when to wake up for it.
    pub fn flush_due(&mut self, now: Instant) -> Result<bool, JournalError> {
        let due = self
            .last_write
            .is_none_or(|t| now.saturating_duration_since(t) >= WRITE_INTERVAL);
        if due && self.pending.is_some() {
            self.flush(now)?;
            return Ok(true);
        }
        Ok(false)
    }

    /// When the pending change must be written, if there is one.
    pub fn next_due(&self) -> Option<Instant> {
        self.pending.as_ref()?;
        Some(
            self.last_write
                .map_or_else(Instant::now, |t| t + WRITE_INTERVAL),
        )
    }

    /// Hand the pending change to the writer now (e.g. when the window
    /// closes; [`Journal::wait`] then waits for it). Reports an earlier
    /// queued write's error, if one failed.
    pub fn flush(&mut self, now: Instant) -> Result<(), JournalError> {
        let Some((base, entries)) = self.pending.take() else {
            return self.queued_error();
        };
        self.last_write = Some(now);
        self.sent_base = Some(base.clone());
        let Some(writer) = self.writer() else {
            // No writer thread: write here.
            return self.file_state().write(&base, entries);
        };
        let Err(mpsc::SendError(Job::Write(base, entries))) =
            writer.jobs.send(Job::Write(base, entries))
        else {
            return self.queued_error();
        };
        // The writer is gone (it panicked): write here.
        self.file_state().write(&base, entries)
    }

    /// True when the next [`Journal::record`] takes a snapshot because the
    /// writer asked for one.
    pub fn wants_snapshot(&self) -> bool {
        self.wants_snapshot.load(Ordering::Relaxed)
    }

    /// Forget everything: call after the sidecar was saved successfully.
    /// Waits for queued writes, then deletes the file.
    pub fn discard(&mut self) -> Result<(), JournalError> {
        self.pending = None;
        self.sent_base = None;
        if let Some(writer) = &self.writer {
            let (reply, done) = mpsc::channel();
            if writer.jobs.send(Job::Delete(reply)).is_ok()
                && let Ok(result) = done.recv()
            {
                // Failed queued writes no longer matter: the file is gone.
                writer.errors.try_iter().for_each(drop);
                return result;
            }
        }
        self.file_state().delete()
    }
}

/// The error maker for an I/O `action` on `path`.
fn io(path: &Path, action: &'static str) -> impl FnOnce(std::io::Error) -> JournalError {
    let path = path.to_owned();
    move |source| JournalError::Io {
        path,
        action,
        source,
    }
}

/// One JSON line.
fn json_line(line: &Line) -> Vec<u8> {
    // Serializing these types to JSON cannot fail (string keys only).
    let mut out = serde_json::to_vec(line).unwrap_or_default();
    out.push(b'\n');
    out
}

impl FileState {
    /// Write `entries` made against `base`: appended to the file when it
    /// was started for that base, else a new file (base line first).
    fn write(&mut self, base: &Base, entries: Vec<Entry>) -> Result<(), JournalError> {
        let at = Utc::now();
        let has_snapshot = entries.iter().any(|e| matches!(e, Entry::Snapshot(_)));
        let mut bytes = Vec::new();
        for entry in entries {
            bytes.extend(json_line(&match entry {
                Entry::Edits(edits) if edits.is_empty() => continue,
                Entry::Edits(edits) => Line::Edits { at, edits },
                Entry::Snapshot(annotations) => Line::Snapshot(Record { at, annotations }),
            }));
        }
        let len = fs::metadata(&self.path).map_or(0, |m| m.len());
        if self.generation == Some(base.generation) && !has_snapshot && len > 0 {
            if bytes.is_empty() {
                return Ok(());
            }
            let mut f = fs::OpenOptions::new()
                .append(true)
                .open(&self.path)
                .map_err(io(&self.path, "opening"))?;
            f.write_all(&bytes).map_err(io(&self.path, "writing"))?;
            f.sync_data().map_err(io(&self.path, "syncing"))?;
            if len + bytes.len() as u64 > COMPACT_BYTES {
                self.wants_snapshot.store(true, Ordering::Relaxed);
            }
            return Ok(());
        }
        // A new file: the base first. Edits are only worth keeping against
        // the sidecar they apply to; without it, ask for a snapshot.
        let id = if base.sidecar == sidecar::sidecar_path(&self.article) {
            base_id(&base.sidecar, &base.disk)
        } else {
            None
        };
        let base_line = match id {
            Some(line) => line,
            None if has_snapshot => BaseLine::Unknown,
            // The sidecar changed after [`Journal::record`] looked: the
            // edits are kept, under a base that says they cannot be
            // replayed (a crash before the snapshot is reported, not lost).
            None => {
                self.wants_snapshot.store(true, Ordering::Relaxed);
                BaseLine::Changed
            }
        };
        let mut file = json_line(&Line::Base { base: base_line });
        file.extend(bytes);
        sidecar::write_atomic(&self.path, &file)?;
        self.generation = Some(base.generation);
        Ok(())
    }

    fn delete(&mut self) -> Result<(), JournalError> {
        self.generation = None;
        match fs::remove_file(&self.path) {
            Ok(()) => Ok(()),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(()),
            Err(source) => Err(JournalError::Io {
                path: self.path.clone(),
                action: "deleting",
                source,
            }),
        }
    }
}

/// The base line for the sidecar at `path`, expected in state `disk`, when
/// it is the file the session saw (same size and time, read once; or none
/// when none was expected); `None` when it is not.
fn base_id(path: &Path, disk: &DiskState) -> Option<BaseLine> {
    let file = match fs::File::open(path) {
        Ok(f) => f,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
            return (*disk == DiskState::Absent).then_some(BaseLine::NoSidecar);
        }
        Err(_) => return None,
    };
    let (found, id) = hash_file(file)?;
    (found == *disk).then_some(BaseLine::Sidecar(id))
}

/// The state and the [`BaseId`] of an open sidecar file.
fn hash_file(mut file: fs::File) -> Option<(DiskState, BaseId)> {
    let meta = file.metadata().ok()?;
    let mut hasher = Sha256::new();
    let mut buf = vec![0u8; 1 << 20];
    let mut byte_len = 0u64;
    loop {
        match file.read(&mut buf) {
            Ok(0) => break,
            Ok(n) => {
                hasher.update(&buf[..n]);
                byte_len += n as u64;
            }
            Err(e) if e.kind() == std::io::ErrorKind::Interrupted => {}
            Err(_) => return None,
        }
    }
    let after = file.metadata().ok()?;
    if byte_len != meta.len() || after.modified().ok() != meta.modified().ok() {
        return None;
    }
    let disk = DiskState::Present {
        byte_len,
        modified: meta.modified().ok(),
    };
    let sha256 = hasher
        .finalize()
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect();
    Some((disk, BaseId { sha256, byte_len }))
}

/// What [`recover`] found in a journal.
#[derive(Clone, Debug, PartialEq)]
pub enum Found {
    /// Unsaved work, rebuilt.
    Work(Record),
    /// Work made against another sidecar than the one on disk now (or
    /// whose edits do not fit it): not applied. `reason` says which.
    Stale {
        /// When its last entry was written, if any could be read.
        at: Option<DateTime<Utc>>,
        /// Why it cannot be applied.
        reason: String,
    },
}

/// The unsaved work of the article at `article_path` whose sidecar the
/// session read as `loaded` (its annotations) in state `disk`: the newest
/// snapshot of the journal, or `loaded`, with the later edits replayed.
/// `Ok(None)` when there is no journal or nothing in it. The journal is left
/// in place; discard it once the user decided.
pub fn recover(
    article_path: &Path,
    loaded: &[Annotation],
    disk: &DiskState,
) -> Result<Option<Found>, JournalError> {
    let path = journal_path(article_path);
    let bytes = match fs::read(&path) {
        Ok(b) => b,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(None),
        Err(e) => return Err(io(&path, "reading")(e)),
    };
    let text = String::from_utf8_lossy(&bytes);
    // A torn last line (a crash mid-write) is skipped; a line that cannot
    // be read ends the journal there.
    let lines: Vec<Line> = text
        .lines()
        .map_while(|l| serde_json::from_str::<Line>(l).ok())
        .collect();
    let base = match lines.first() {
        Some(Line::Base { base }) if *base != BaseLine::Unknown => base,
        _ => return Ok(recover_snapshots(article_path, &path, lines)),
    };
    let last_at = lines.iter().rev().find_map(|l| match l {
        Line::Snapshot(r) => Some(r.at),
        Line::Edits { at, .. } => Some(*at),
        Line::Base { .. } => None,
    });
    let Some(at) = last_at else {
        return Ok(None);
    };
    let stale = |reason: &str| {
        Ok(Some(Found::Stale {
            at: Some(at),
            reason: reason.to_owned(),
        }))
    };
    let side = sidecar::sidecar_path(article_path);
    let on_disk = match fs::File::open(&side) {
        Ok(f) => match hash_file(f) {
            Some(found) => Some(found),
            None => return stale("the sidecar could not be read whole"),
        },
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => None,
        Err(e) => return Err(io(&side, "reading")(e)),
    };
    match (base, &on_disk) {
        (BaseLine::Changed, _) => {
            return stale("its edits were made against a sidecar that had changed on disk");
        }
        (BaseLine::NoSidecar, None) if *disk == DiskState::Absent => {}
        (BaseLine::Sidecar(want), Some((state, got))) if want == got && state == disk => {}
        (BaseLine::NoSidecar, Some(_)) => return stale("a sidecar was saved since"),
        (BaseLine::Sidecar(_), None) => return stale("the sidecar was deleted since"),
        _ => return stale("the sidecar was changed since"),
    }
    let from = lines
        .iter()
        .rposition(|l| matches!(l, Line::Snapshot(_)))
        .unwrap_or(0);
    let mut set = match &lines[from] {
        Line::Snapshot(r) => Annotations::from_vec(r.annotations.clone()),
        _ => Annotations::from_vec(loaded.to_vec()),
    };
    for line in &lines[from..] {
        if let Line::Edits { edits, .. } = line
            && !edits.iter().all(|e| e.apply_exactly(&mut set))
        {
            return stale("its edits do not fit the sidecar");
        }
    }
    Ok(Some(Found::Work(Record {
        at,
        annotations: set.into_vec(),
    })))
}

/// A journal of snapshots only (written before the base line existed, or
/// against an unknown base): the newest, when the journal is newer than the
/// sidecar (or there is none).
fn recover_snapshots(article_path: &Path, path: &Path, lines: Vec<Line>) -> Option<Found> {
    if let (Ok(side), Ok(journal_time)) = (
        fs::metadata(sidecar::sidecar_path(article_path)).and_then(|m| m.modified()),
        fs::metadata(path).and_then(|m| m.modified()),
    ) && side >= journal_time
    {
        return None;
    }
    lines.into_iter().rev().find_map(|l| match l {
        Line::Snapshot(r) => Some(Found::Work(r)),
        _ => None,
    })
}

/// Move the journal of `article_path` aside to [`stale_path`] (replacing an
/// older one there), so new work starts a new journal without losing it.
pub fn set_aside(article_path: &Path) -> Result<PathBuf, JournalError> {
    let to = stale_path(article_path);
    fs::rename(journal_path(article_path), &to).map_err(io(&to, "moving aside"))?;
    Ok(to)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::annotation::{Label, Link, Origin};
    use crate::model::document::Article;
    use crate::model::offset::CharRange;
    use crate::store::session::Session;

    fn anns(n: usize) -> Vec<Annotation> {
        let article = Article::new("word ".repeat(n + 1));
        (0..n)
            .map(|i| {
                Annotation::new(
                    &article,
                    CharRange::from_usize(i * 5, i * 5 + 4),
                    Label::Entity,
                    "ana",
                    Utc::now(),
                    Origin::Manual,
                )
                .unwrap()
            })
            .collect()
    }

    /// The base of an article with no sidecar.
    fn no_sidecar(article: &Path) -> Base {
        Base {
            generation: 0,
            sidecar: sidecar::sidecar_path(article),
            disk: DiskState::Absent,
        }
    }

    /// Journal the insertion of `new` (over `before`) at `t`.
    fn insert(
        j: &mut Journal,
        base: &Base,
        before: &[Annotation],
        new: &[Annotation],
        t: Instant,
    ) -> bool {
        let mut unsaved = Unsaved::default();
        unsaved.log(new.iter().cloned().map(Edit::Insert));
        let mut all = before.to_vec();
        all.extend_from_slice(new);
        j.record(base, &mut unsaved, &all, t).unwrap()
    }

    fn work(found: Option<Found>) -> Vec<Annotation> {
        match found {
            Some(Found::Work(r)) => r.annotations,
            other => panic!("no work: {other:?}"),
        }
    }

    #[test]
    fn path_is_beside_the_sidecar() {
        assert_eq!(
            journal_path(Path::new("/x/a.txt")),
            Path::new("/x/a.txt.ann.ron.journal")
        );
    }

    #[test]
    fn writes_are_throttled_and_the_newest_is_recovered() {
        let dir = tempfile::tempdir().unwrap();
        let article = dir.path().join("a.txt");
        let base = no_sidecar(&article);
        let a = anns(2);
        let mut j = Journal::for_article(&article);
        let t0 = Instant::now();
        assert!(
            insert(&mut j, &base, &[], &a[..1], t0),
            "first change is written at once"
        );
        assert!(!insert(
            &mut j,
            &base,
            &a[..1],
            &a[1..],
            t0 + Duration::from_millis(300)
        ));
        assert!(j.has_pending());
        assert_eq!(j.next_due(), Some(t0 + WRITE_INTERVAL));
        assert!(!j.flush_due(t0 + Duration::from_millis(900)).unwrap());
        j.wait().unwrap();
        let got = work(recover(&article, &[], &DiskState::Absent).unwrap());
        assert_eq!(got, a[..1]);
        assert!(j.flush_due(t0 + Duration::from_millis(1000)).unwrap());
        assert!(!j.has_pending());
        j.wait().unwrap();
        let got = work(recover(&article, &[], &DiskState::Absent).unwrap());
        assert_eq!(got, a);
    }

    #[test]
    fn a_torn_last_line_is_skipped() {
        let dir = tempfile::tempdir().unwrap();
        let article = dir.path().join("a.txt");
        let mut j = Journal::for_article(&article);
        let want = anns(3);
        insert(&mut j, &no_sidecar(&article), &[], &want, Instant::now());
        j.wait().unwrap();
        let mut f = fs::OpenOptions::new().append(true).open(j.path()).unwrap();
        f.write_all(b"{\"at\":\"2026-").unwrap();
        assert_eq!(
            work(recover(&article, &[], &DiskState::Absent).unwrap()),
            want
        );
    }

    #[test]
    fn a_journal_of_snapshots_is_read_as_before_and_ignored_when_older_than_the_sidecar() {
        let dir = tempfile::tempdir().unwrap();
        let article = dir.path().join("a.txt");
        let want = anns(2);
        let old = |a: Vec<Annotation>| {
            serde_json::to_string(&Record {
                at: Utc::now(),
                annotations: a,
            })
            .unwrap()
        };
        fs::write(
            journal_path(&article),
            format!("{}\n{}\n", old(anns(1)), old(want.clone())),
        )
        .unwrap();
        assert_eq!(
            work(recover(&article, &[], &DiskState::Absent).unwrap()),
            want
        );
        std::thread::sleep(Duration::from_millis(20));
        fs::write(sidecar::sidecar_path(&article), "saved").unwrap();
        assert!(
            recover(&article, &[], &DiskState::Absent)
                .unwrap()
                .is_none()
        );
    }

    #[test]
    fn a_write_queued_before_a_discard_never_brings_the_journal_back() {
        let dir = tempfile::tempdir().unwrap();
        let article = dir.path().join("a.txt");
        let base = no_sidecar(&article);
        let mut j = Journal::for_article(&article);
        let a = anns(200);
        for k in 0..5 {
            // Written at once each time (the interval has passed), queued.
            let t = Instant::now() + WRITE_INTERVAL * (k + 1);
            let part = &a[k as usize * 40..(k as usize + 1) * 40];
            assert!(insert(&mut j, &base, &a[..k as usize * 40], part, t));
        }
        j.discard().unwrap();
        assert!(!j.path().exists());
        drop(j);
        assert!(!journal_path(&article).exists());
    }

    #[test]
    fn dropping_the_journal_finishes_its_queued_writes() {
        let dir = tempfile::tempdir().unwrap();
        let article = dir.path().join("a.txt");
        let mut j = Journal::for_article(&article);
        insert(&mut j, &no_sidecar(&article), &[], &anns(4), Instant::now());
        drop(j);
        let got = work(recover(&article, &[], &DiskState::Absent).unwrap());
        assert_eq!(got.len(), 4);
    }

    #[test]
    fn nothing_to_recover_without_a_journal() {
        let dir = tempfile::tempdir().unwrap();
        let got = recover(&dir.path().join("a.txt"), &[], &DiskState::Absent).unwrap();
        assert!(got.is_none());
    }

    /// An article with a saved sidecar of 40 annotations, opened.
    fn saved_session() -> (tempfile::TempDir, PathBuf, Session) {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("a.txt");
        let doc = crate::model::sample_text::sample(5, 6_000, 40);
        fs::write(&path, doc.article.text()).unwrap();
        let sc = sidecar::Sidecar::new("a.txt", "utf-8", &doc.article, doc.annotations.into_vec());
        sidecar::save(&sidecar::sidecar_path(&path), &sc, &DiskState::Absent).unwrap();
        let session = Session::open(&path).unwrap();
        (dir, path, session)
    }

    /// Journal what `doc` did since the last call, now.
    fn journal_now(j: &mut Journal, doc: &mut Session, t: &mut Instant) {
        *t += WRITE_INTERVAL;
        let base = doc.journal_base();
        j.record(&base, &mut doc.unsaved, doc.annotations.as_slice(), *t)
            .unwrap();
    }

    /// Tags chars 3..9 as a Quote, as author `bo`.
    fn tag_a_quote(doc: &mut Session) {
        doc.tag(
            CharRange::from_usize(3, 9),
            Label::Quote,
            "bo",
            Utc::now(),
            1.0,
        )
        .unwrap();
    }

    /// Tags, relabels, moves, links, deletes and undoes, journaled as they go.
    fn edit_a_lot(doc: &mut Session, j: &mut Journal) {
        let mut t = Instant::now();
        let now = Utc::now();
        let ids: Vec<_> = doc.annotations.iter().map(|a| a.id.clone()).collect();
        let new = doc
            .tag(CharRange::from_usize(3, 9), Label::Quote, "bo", now, 1.0)
            .unwrap();
        journal_now(j, doc, &mut t);
        assert!(doc.update(&ids[0], "bo", now, 2.0, |a, _| {
            a.label = Label::Claim;
            a.links.push(Link::new("speaker", new.clone()));
            true
        }));
        assert!(doc.update(&ids[1], "bo", now, 3.0, |a, article| {
            let r = a.range();
            a.set_range(article, CharRange::from_usize(r.start.0 + 1, r.end.0))
        }));
        journal_now(j, doc, &mut t);
        assert!(doc.delete(&ids[2], 4.0));
        assert!(doc.delete(&ids[3], 5.0));
        assert!(doc.undo(6.0), "the second deletion is taken back");
        let gone = doc
            .tag(CharRange::from_usize(20, 30), Label::Entity, "bo", now, 7.0)
            .unwrap();
        assert!(doc.undo(8.0) && doc.redo(9.0) && doc.undo(10.0));
        assert!(doc.annotations.get(&gone).is_none());
        journal_now(j, doc, &mut t);
    }

    #[test]
    fn every_edit_against_the_saved_sidecar_is_recovered_exactly() {
        let (_dir, path, mut doc) = saved_session();
        let loaded = doc.annotations.as_slice().to_vec();
        let disk = doc.disk.clone();
        let mut j = Journal::for_article(&path);
        edit_a_lot(&mut doc, &mut j);
        drop(j); // a crash: nothing saved
        let lines = fs::read_to_string(journal_path(&path)).unwrap();
        assert!(lines.starts_with("{\"base\":{\"sidecar\":{\"sha256\":"));
        assert!(
            !lines.contains("\"annotations\""),
            "edits only, no snapshot"
        );
        let reopened = Session::open(&path).unwrap();
        assert_eq!(reopened.annotations.as_slice(), loaded);
        assert_eq!(reopened.disk, disk);
        let got = work(recover(&path, reopened.annotations.as_slice(), &reopened.disk).unwrap());
        assert_eq!(got, doc.annotations.as_slice());
    }

    #[test]
    fn a_save_starts_a_new_journal_against_the_new_sidecar() {
        let (_dir, path, mut doc) = saved_session();
        let mut j = Journal::for_article(&path);
        let mut t = Instant::now();
        tag_a_quote(&mut doc);
        journal_now(&mut j, &mut doc, &mut t);
        doc.save().unwrap();
        // Edited again before the window deleted the old journal.
        let id = doc.annotations.as_slice()[5].id.clone();
        assert!(doc.delete(&id, 2.0));
        journal_now(&mut j, &mut doc, &mut t);
        drop(j);
        let reopened = Session::open(&path).unwrap();
        let got = work(recover(&path, reopened.annotations.as_slice(), &reopened.disk).unwrap());
        assert_eq!(got, doc.annotations.as_slice());
    }

    #[test]
    fn a_journal_whose_sidecar_changed_on_disk_is_reported_not_applied() {
        let (_dir, path, mut doc) = saved_session();
        let mut j = Journal::for_article(&path);
        edit_a_lot(&mut doc, &mut j);
        drop(j);
        // Another writer saves the sidecar (one annotation fewer).
        let (mut theirs, _) = sidecar::read(&doc.sidecar_path).unwrap().unwrap();
        theirs.annotations.pop();
        sidecar::write_atomic(&doc.sidecar_path, sidecar::to_string(&theirs).as_bytes()).unwrap();
        let reopened = Session::open(&path).unwrap();
        let found = recover(&path, reopened.annotations.as_slice(), &reopened.disk).unwrap();
        assert!(
            matches!(&found, Some(Found::Stale { reason, .. }) if reason.contains("changed")),
            "{found:?}"
        );
        // Set aside, the journal is kept and a new one can start.
        let kept = set_aside(&path).unwrap();
        assert!(kept.exists() && !journal_path(&path).exists());
    }

    #[test]
    fn edits_that_do_not_fit_the_loaded_annotations_are_reported() {
        let (_dir, path, mut doc) = saved_session();
        let loaded = doc.annotations.as_slice().to_vec();
        let mut j = Journal::for_article(&path);
        edit_a_lot(&mut doc, &mut j);
        drop(j);
        let found = recover(&path, &loaded[1..], &doc.journal_base().disk).unwrap();
        assert!(matches!(found, Some(Found::Stale { .. })), "{found:?}");
    }

    #[test]
    fn a_replaced_list_is_a_snapshot_and_later_edits_replay_on_it() {
        let (_dir, path, mut doc) = saved_session();
        let mut j = Journal::for_article(&path);
        let mut t = Instant::now();
        let file = crate::store::article_file::read_article_with(&path, None).unwrap();
        let mut moved = doc.annotations.as_slice().to_vec();
        moved.truncate(30);
        doc.replace_article(file, moved, 1.0);
        journal_now(&mut j, &mut doc, &mut t);
        let id = doc.annotations.as_slice()[0].id.clone();
        assert!(doc.delete(&id, 2.0));
        journal_now(&mut j, &mut doc, &mut t);
        drop(j);
        let lines = fs::read_to_string(journal_path(&path)).unwrap();
        assert_eq!(lines.lines().count(), 3, "base, snapshot, edits");
        let reopened = Session::open(&path).unwrap();
        let got = work(recover(&path, reopened.annotations.as_slice(), &reopened.disk).unwrap());
        assert_eq!(got, doc.annotations.as_slice());
    }

    /// Another writer saves the sidecar the session `doc` read (one
    /// annotation fewer), dated ten seconds back, as if before the edits.
    fn changed_on_disk(doc: &Session) {
        let (mut theirs, _) = sidecar::read(&doc.sidecar_path).unwrap().unwrap();
        theirs.annotations.pop();
        sidecar::write_atomic(&doc.sidecar_path, sidecar::to_string(&theirs).as_bytes()).unwrap();
        let earlier = std::time::SystemTime::now() - Duration::from_secs(10);
        fs::File::options()
            .append(true)
            .open(&doc.sidecar_path)
            .unwrap()
            .set_modified(earlier)
            .unwrap();
    }

    #[test]
    fn first_edits_after_the_sidecar_changed_on_disk_survive_a_crash() {
        let (_dir, path, mut doc) = saved_session();
        changed_on_disk(&doc);
        let mut j = Journal::for_article(&path);
        let mut t = Instant::now();
        tag_a_quote(&mut doc);
        journal_now(&mut j, &mut doc, &mut t);
        drop(j); // a crash right after the first journal write
        let reopened = Session::open(&path).unwrap();
        assert_ne!(reopened.annotations.as_slice(), doc.annotations.as_slice());
        let found = recover(&path, reopened.annotations.as_slice(), &reopened.disk).unwrap();
        assert_eq!(work(found), doc.annotations.as_slice());
    }

    #[test]
    fn edits_whose_sidecar_changed_before_the_writer_hashed_it_are_reported_not_lost() {
        let (_dir, path, mut doc) = saved_session();
        let id = doc.annotations.as_slice()[0].id.clone();
        assert!(doc.delete(&id, 1.0));
        // The session's view, taken before the sidecar changes.
        let base = doc.journal_base();
        let edits = std::mem::take(&mut doc.unsaved.edits);
        changed_on_disk(&doc);
        let j = Journal::for_article(&path);
        let mut writer = j.file_state();
        writer.write(&base, vec![Entry::Edits(edits)]).unwrap();
        assert!(j.wants_snapshot(), "the writer asks for a snapshot");
        let reopened = Session::open(&path).unwrap();
        let found = recover(&path, reopened.annotations.as_slice(), &reopened.disk).unwrap();
        assert!(
            matches!(&found, Some(Found::Stale { reason, .. }) if reason.contains("changed on disk")),
            "{found:?}"
        );
    }
}
