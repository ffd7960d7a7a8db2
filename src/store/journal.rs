//! The journal of unsaved edits: `report.txt` → `report.txt.ann.ron.journal`.
//!
//! While an article has unsaved changes, the window hands every new
//! annotation list to [`Journal::record`]; at most once per
//! [`WRITE_INTERVAL`] (and within one interval of the last change, via
//! [`Journal::flush_due`]) the whole list is appended to the journal as one
//! JSON line `{"at": …, "annotations": […]}`, then fsynced. A crash therefore
//! loses at most about a second of work.
//!
//! Invariants: records are only appended (a torn last line from a crash is
//! skipped on reading); when the file grows past [`COMPACT_BYTES`] it is
//! replaced atomically by its newest record; a successful sidecar save is
//! followed by [`Journal::discard`], which deletes the file. [`recover`]
//! returns the newest record only when the journal is newer than the sidecar.
//!
//! Full snapshots are the simplest correct form: replaying edit records
//! would need the exact base sidecar. They cost a few MB per write for tens
//! of thousands of annotations, which the interval keeps rare.

use crate::model::annotation::Annotation;
use crate::store::sidecar::{self, SidecarError};
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use std::fs;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::sync::mpsc;
use std::time::{Duration, Instant};
use thiserror::Error;

/// Least time between two journal writes.
pub const WRITE_INTERVAL: Duration = Duration::from_secs(1);

/// Past this size the journal is compacted to its newest record.
pub const COMPACT_BYTES: u64 = 16 * 1024 * 1024;

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

/// One snapshot in the journal.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Record {
    /// When it was written.
    pub at: DateTime<Utc>,
    /// The whole annotation list at that moment.
    pub annotations: Vec<Annotation>,
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

/// The journal of one open article.
///
/// Records are serialized and written by a writer thread of its own, in
/// order: a snapshot of 50,000 annotations is ~20 MB of JSON plus an fsync,
/// which took ~90 ms when the window's frame did it. Deleting goes through
/// the same queue (so no queued write can bring a deleted journal back),
/// and dropping the journal waits for the queue.
#[derive(Debug)]
pub struct Journal {
    path: PathBuf,
    last_write: Option<Instant>,
    pending: Option<Vec<Annotation>>,
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
    Write(Vec<Annotation>),
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

impl Journal {
    /// The journal for the article at `article_path` (nothing is written yet).
    pub fn for_article(article_path: &Path) -> Self {
        Journal {
            path: journal_path(article_path),
            last_write: None,
            pending: None,
            writer: None,
        }
    }

    /// The writer's queue, started on first use; `None` if no thread could
    /// be started (the caller then works synchronously).
    fn writer(&mut self) -> Option<&Writer> {
        if self.writer.is_none() {
            let (jobs, queue) = mpsc::channel::<Job>();
            let (report, errors) = mpsc::channel();
            let path = self.path.clone();
            let thread = std::thread::Builder::new()
                .name("journal-writer".into())
                .spawn(move || {
                    for job in queue {
                        match job {
                            Job::Write(annotations) => {
                                if let Err(e) = append_record(&path, annotations) {
                                    let _ = report.send(e);
                                }
                            }
                            Job::Delete(reply) => {
                                let _ = reply.send(delete(&path));
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

    /// Note a change: `annotations` is the whole new list. Written at once
    /// when the last write is at least [`WRITE_INTERVAL`] old, otherwise kept
    /// for [`Journal::flush_due`]. Returns true when it was written.
    pub fn record(
        &mut self,
        annotations: &[Annotation],
        now: Instant,
    ) -> Result<bool, JournalError> {
        self.pending = Some(annotations.to_vec());
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
        let Some(annotations) = self.pending.take() else {
            return self.queued_error();
        };
        self.last_write = Some(now);
        let Some(writer) = self.writer() else {
            // No writer thread: write here.
            return append_record(&self.path, annotations);
        };
        let Err(mpsc::SendError(Job::Write(annotations))) =
            writer.jobs.send(Job::Write(annotations))
        else {
            return self.queued_error();
        };
        // The writer is gone (it panicked): write here.
        append_record(&self.path, annotations)
    }

    /// Forget everything: call after the sidecar was saved successfully.
    /// Waits for queued writes, then deletes the file.
    pub fn discard(&mut self) -> Result<(), JournalError> {
        self.pending = None;
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
        delete(&self.path)
    }
}

/// Append one record of `annotations` to the journal at `path` (compacting
/// it to that record when it grew too big), then fsync.
fn append_record(path: &Path, annotations: Vec<Annotation>) -> Result<(), JournalError> {
    let record = Record {
        at: Utc::now(),
        annotations,
    };
    let mut line = serde_json::to_string(&record).unwrap_or_default();
    line.push('\n');
    let io = |action: &'static str| {
        let path = path.to_owned();
        move |source| JournalError::Io {
            path,
            action,
            source,
        }
    };
    let len = fs::metadata(path).map(|m| m.len()).unwrap_or(0);
    if len > COMPACT_BYTES {
        sidecar::write_atomic(path, line.as_bytes())?;
    } else {
        let mut f = fs::OpenOptions::new()
            .create(true)
            .append(true)
            .open(path)
            .map_err(io("opening"))?;
        f.write_all(line.as_bytes()).map_err(io("writing"))?;
        f.sync_data().map_err(io("syncing"))?;
    }
    Ok(())
}

/// Delete the journal at `path` (gone already is fine).
fn delete(path: &Path) -> Result<(), JournalError> {
    match fs::remove_file(path) {
        Ok(()) => Ok(()),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(()),
        Err(source) => Err(JournalError::Io {
            path: path.to_owned(),
            action: "deleting",
            source,
        }),
    }
}

/// The unsaved annotations of the article at `article_path`: the newest
/// complete record of its journal, when the journal is newer than the
/// sidecar (or there is no sidecar). `Ok(None)` when there is nothing to
/// recover. The journal is left in place; discard it once the user decided.
pub fn recover(article_path: &Path) -> Result<Option<Record>, JournalError> {
    let path = journal_path(article_path);
    let io = |action: &'static str| {
        let path = path.clone();
        move |source| JournalError::Io {
            path,
            action,
            source,
        }
    };
    let journal_meta = match fs::metadata(&path) {
        Ok(m) => m,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(None),
        Err(e) => return Err(io("reading")(e)),
    };
    if let (Ok(side), Ok(journal_time)) = (
        fs::metadata(sidecar::sidecar_path(article_path)).and_then(|m| m.modified()),
        journal_meta.modified(),
    ) && side >= journal_time
    {
        return Ok(None);
    }
    let bytes = fs::read(&path).map_err(io("reading"))?;
    let text = String::from_utf8_lossy(&bytes);
    Ok(text
        .lines()
        .rev()
        .find_map(|line| serde_json::from_str::<Record>(line).ok()))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::annotation::{Label, Origin};
    use crate::model::document::Article;
    use crate::model::offset::CharRange;

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
        let mut j = Journal::for_article(&article);
        let t0 = Instant::now();
        assert!(
            j.record(&anns(1), t0).unwrap(),
            "first change is written at once"
        );
        assert!(!j.record(&anns(2), t0 + Duration::from_millis(300)).unwrap());
        assert!(j.has_pending());
        assert_eq!(j.next_due(), Some(t0 + WRITE_INTERVAL));
        assert!(!j.flush_due(t0 + Duration::from_millis(900)).unwrap());
        j.wait().unwrap();
        assert_eq!(recover(&article).unwrap().unwrap().annotations.len(), 1);
        assert!(j.flush_due(t0 + Duration::from_millis(1000)).unwrap());
        assert!(!j.has_pending());
        j.wait().unwrap();
        assert_eq!(recover(&article).unwrap().unwrap().annotations.len(), 2);
    }

    #[test]
    fn a_torn_last_line_is_skipped() {
        let dir = tempfile::tempdir().unwrap();
        let article = dir.path().join("a.txt");
        let mut j = Journal::for_article(&article);
        let want = anns(3);
        j.record(&want, Instant::now()).unwrap();
        j.wait().unwrap();
        let mut f = fs::OpenOptions::new().append(true).open(j.path()).unwrap();
        f.write_all(b"{\"at\":\"2026-").unwrap();
        assert_eq!(recover(&article).unwrap().unwrap().annotations, want);
    }

    #[test]
    fn an_older_journal_than_the_sidecar_is_ignored_and_discard_deletes() {
        let dir = tempfile::tempdir().unwrap();
        let article = dir.path().join("a.txt");
        let mut j = Journal::for_article(&article);
        j.record(&anns(2), Instant::now()).unwrap();
        j.wait().unwrap();
        assert!(recover(&article).unwrap().is_some(), "no sidecar yet");
        std::thread::sleep(Duration::from_millis(20));
        fs::write(sidecar::sidecar_path(&article), "saved").unwrap();
        assert!(recover(&article).unwrap().is_none());
        j.discard().unwrap();
        assert!(!j.path().exists());
        j.discard().unwrap();
    }

    #[test]
    fn a_write_queued_before_a_discard_never_brings_the_journal_back() {
        let dir = tempfile::tempdir().unwrap();
        let article = dir.path().join("a.txt");
        let mut j = Journal::for_article(&article);
        for k in 0..5 {
            // Written at once each time (the interval has passed), queued.
            let t = Instant::now() + WRITE_INTERVAL * (k + 1);
            assert!(j.record(&anns(200), t).unwrap());
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
        j.record(&anns(4), Instant::now()).unwrap();
        drop(j);
        assert_eq!(recover(&article).unwrap().unwrap().annotations.len(), 4);
    }

    #[test]
    fn nothing_to_recover_without_a_journal() {
        let dir = tempfile::tempdir().unwrap();
        assert!(recover(&dir.path().join("a.txt")).unwrap().is_none());
    }
}
