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

use crate::core::annotation::Annotation;
use crate::sidecar::{self, SidecarError};
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use std::fs;
use std::io::Write;
use std::path::{Path, PathBuf};
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
#[derive(Debug)]
pub struct Journal {
    path: PathBuf,
    last_write: Option<Instant>,
    pending: Option<Vec<Annotation>>,
}

impl Journal {
    /// The journal for the article at `article_path` (nothing is written yet).
    pub fn for_article(article_path: &Path) -> Self {
        Journal {
            path: journal_path(article_path),
            last_write: None,
            pending: None,
        }
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

    /// Write the pending change now (e.g. when the window closes).
    pub fn flush(&mut self, now: Instant) -> Result<(), JournalError> {
        let Some(annotations) = self.pending.take() else {
            return Ok(());
        };
        let record = Record {
            at: Utc::now(),
            annotations,
        };
        let mut line = serde_json::to_string(&record).unwrap_or_default();
        line.push('\n');
        let io = |action: &'static str| {
            let path = self.path.clone();
            move |source| JournalError::Io {
                path,
                action,
                source,
            }
        };
        let len = fs::metadata(&self.path).map(|m| m.len()).unwrap_or(0);
        if len > COMPACT_BYTES {
            sidecar::write_atomic(&self.path, line.as_bytes())?;
        } else {
            let mut f = fs::OpenOptions::new()
                .create(true)
                .append(true)
                .open(&self.path)
                .map_err(io("opening"))?;
            f.write_all(line.as_bytes()).map_err(io("writing"))?;
            f.sync_data().map_err(io("syncing"))?;
        }
        self.last_write = Some(now);
        Ok(())
    }

    /// Forget everything: call after the sidecar was saved successfully.
    pub fn discard(&mut self) -> Result<(), JournalError> {
        self.pending = None;
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
    use crate::core::annotation::{Label, Origin};
    use crate::core::document::Article;
    use crate::core::offset::CharRange;

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
        assert_eq!(recover(&article).unwrap().unwrap().annotations.len(), 1);
        assert!(j.flush_due(t0 + Duration::from_millis(1000)).unwrap());
        assert!(!j.has_pending());
        assert_eq!(recover(&article).unwrap().unwrap().annotations.len(), 2);
    }

    #[test]
    fn a_torn_last_line_is_skipped() {
        let dir = tempfile::tempdir().unwrap();
        let article = dir.path().join("a.txt");
        let mut j = Journal::for_article(&article);
        let want = anns(3);
        j.record(&want, Instant::now()).unwrap();
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
        assert!(recover(&article).unwrap().is_some(), "no sidecar yet");
        std::thread::sleep(Duration::from_millis(20));
        fs::write(sidecar::sidecar_path(&article), "saved").unwrap();
        assert!(recover(&article).unwrap().is_none());
        j.discard().unwrap();
        assert!(!j.path().exists());
        j.discard().unwrap();
    }

    #[test]
    fn nothing_to_recover_without_a_journal() {
        let dir = tempfile::tempdir().unwrap();
        assert!(recover(&dir.path().join("a.txt")).unwrap().is_none());
    }
}
