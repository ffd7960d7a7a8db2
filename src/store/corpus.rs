//! Corpus scanning: one summary line per article of a folder, for the
//! window's corpus mode.
//!
//! A scan lists the article files under a root (the shared [`crate::store::walk`])
//! and reads only their sidecars — never the articles — so a corpus of ten
//! thousand articles is summarised in about a second. Whether a sidecar still
//! matches its article is therefore judged by modification times
//! ([`SidecarState::ArticleNewer`]); [`check_match`] hashes the article when a
//! definite answer is needed.
//!
//! [`scan_in_background`] runs the scan on a thread and sends the summaries
//! in batches, in sorted path order, over a channel; dropping or cancelling
//! the [`ScanHandle`] stops the thread at the next article.

use crate::model::annotation::{Label, Status};
use crate::store::article_file;
use crate::store::sidecar::{self, SidecarError};
use crate::store::walk;
use chrono::{DateTime, Utc};
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::mpsc::{self, Receiver, TryRecvError};
use std::thread::JoinHandle;

/// Summaries sent per batch.
pub const BATCH_LEN: usize = 200;

/// The state of an article's sidecar, as far as it can be told without
/// reading the article.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum SidecarState {
    /// No sidecar: nothing annotated yet.
    Missing,
    /// Read, and the article was not modified after it.
    Current,
    /// Read, but the article file is newer than the sidecar: the text may have
    /// changed; opening it (or [`check_match`]) verifies the hash.
    ArticleNewer,
    /// The sidecar could not be read; the message says where and why.
    Unreadable(String),
}

/// One article of the corpus.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ArticleSummary {
    /// The article file.
    pub path: PathBuf,
    /// The path relative to the scanned root, for display.
    pub relative: PathBuf,
    /// Annotations per label, in [`Label::ALL`] order (all statuses).
    pub counts_by_label: [usize; 3],
    /// Accepted or rejected annotations.
    pub reviewed: usize,
    /// Who made the latest change (creation, edit or review).
    pub last_editor: Option<String>,
    /// When the latest change was made; the sidecar's file time when it has no annotations.
    pub last_modified: Option<DateTime<Utc>>,
    /// The sidecar's state.
    pub sidecar: SidecarState,
}

impl ArticleSummary {
    /// Annotations of `label`.
    pub fn count(&self, label: Label) -> usize {
        Label::ALL
            .iter()
            .position(|l| *l == label)
            .and_then(|i| self.counts_by_label.get(i).copied())
            .unwrap_or(0)
    }

    /// All annotations.
    pub fn total(&self) -> usize {
        self.counts_by_label.iter().sum()
    }

    /// True when the article has no annotations (or no readable sidecar).
    pub fn is_unannotated(&self) -> bool {
        self.total() == 0
    }
}

/// Summarise one article from its sidecar.
pub fn summarize(root: &Path, article: &Path) -> ArticleSummary {
    let mut summary = ArticleSummary {
        path: article.to_owned(),
        relative: article.strip_prefix(root).unwrap_or(article).to_owned(),
        counts_by_label: [0; 3],
        reviewed: 0,
        last_editor: None,
        last_modified: None,
        sidecar: SidecarState::Missing,
    };
    let sc_path = sidecar::sidecar_path(article);
    let (sc, sidecar_time) = match sidecar::read(&sc_path) {
        Ok(None) => return summary,
        Ok(Some((sc, state))) => {
            let time = match state {
                sidecar::DiskState::Present { modified, .. } => modified,
                _ => None,
            };
            (sc, time)
        }
        Err(e) => {
            summary.sidecar = SidecarState::Unreadable(e.to_string());
            return summary;
        }
    };
    // The latest of every creation, edit and review, and who made it.
    let mut latest: Option<(DateTime<Utc>, &str)> = None;
    for a in &sc.annotations {
        if let Some(i) = Label::ALL.iter().position(|l| *l == a.label) {
            summary.counts_by_label[i] += 1;
        }
        if matches!(a.status, Status::Accepted | Status::Rejected) {
            summary.reviewed += 1;
        }
        let edits = [
            (a.created, a.author.as_str()),
            (a.modified, a.modified_by.as_deref().unwrap_or(&a.author)),
        ];
        let reviews = a.reviews.iter().map(|r| (r.at, r.by.as_str()));
        for (at, who) in edits.into_iter().chain(reviews) {
            if latest.is_none_or(|(t, _)| at > t) {
                latest = Some((at, who));
            }
        }
    }
    summary.last_editor = latest.map(|(_, who)| who.to_owned());
    summary.last_modified = latest
        .map(|(t, _)| t)
        .or_else(|| sidecar_time.map(DateTime::<Utc>::from));
    let article_time = std::fs::metadata(article).and_then(|m| m.modified()).ok();
    summary.sidecar = match (article_time, sidecar_time) {
        (Some(a), Some(s)) if a > s => SidecarState::ArticleNewer,
        _ => SidecarState::Current,
    };
    summary
}

/// Scan `root` synchronously: every article under it, sorted by path. A
/// single article file gives a list of one. Folders that cannot be listed are
/// returned as errors next to the summaries of the rest.
pub fn scan(root: &Path) -> (Vec<ArticleSummary>, Vec<walk::WalkError>) {
    let (articles, errors) = list(root);
    let base = base_of(root);
    let summaries = articles.iter().map(|p| summarize(&base, p)).collect();
    (summaries, errors)
}

fn list(root: &Path) -> (Vec<PathBuf>, Vec<walk::WalkError>) {
    if root.is_file() {
        (vec![root.to_owned()], Vec::new())
    } else {
        walk::article_files(root)
    }
}

fn base_of(root: &Path) -> PathBuf {
    if root.is_file() {
        root.parent().map(Path::to_owned).unwrap_or_default()
    } else {
        root.to_owned()
    }
}

/// A message from a background scan.
#[derive(Debug)]
pub enum ScanMessage {
    /// The article files were listed; `total` will be summarised.
    Listed {
        /// Articles found.
        total: usize,
        /// Folders that could not be listed (shown, not fatal).
        errors: Vec<String>,
    },
    /// The next summaries, in path order.
    Batch {
        /// The summaries.
        summaries: Vec<ArticleSummary>,
        /// Articles summarised so far.
        done: usize,
        /// Articles in all.
        total: usize,
    },
    /// The scan ended; `cancelled` when it was stopped early.
    Finished {
        /// True when stopped by [`ScanHandle::cancel`].
        cancelled: bool,
    },
}

/// A scan running on its own thread. Poll it with [`ScanHandle::poll`];
/// dropping it cancels the scan.
#[derive(Debug)]
pub struct ScanHandle {
    receiver: Receiver<ScanMessage>,
    cancel: Arc<AtomicBool>,
    thread: Option<JoinHandle<()>>,
}

impl ScanHandle {
    /// Every message that has arrived, without waiting.
    pub fn poll(&self) -> Vec<ScanMessage> {
        let mut out = Vec::new();
        loop {
            match self.receiver.try_recv() {
                Ok(m) => out.push(m),
                Err(TryRecvError::Empty | TryRecvError::Disconnected) => return out,
            }
        }
    }

    /// Wait for the next message; `None` once the scan thread is gone.
    pub fn recv(&self) -> Option<ScanMessage> {
        self.receiver.recv().ok()
    }

    /// Ask the scan to stop at the next article.
    pub fn cancel(&self) {
        self.cancel.store(true, Ordering::Relaxed);
    }

    /// True once the scan thread has ended (all messages may not be polled yet).
    pub fn is_finished(&self) -> bool {
        self.thread.as_ref().is_none_or(JoinHandle::is_finished)
    }
}

impl Drop for ScanHandle {
    fn drop(&mut self) {
        self.cancel();
    }
}

/// Start scanning `root` on a thread. `wake` is called after each message is
/// sent (the window passes `move || ctx.request_repaint()`).
pub fn scan_in_background_with_wake(root: PathBuf, wake: impl Fn() + Send + 'static) -> ScanHandle {
    let (sender, receiver) = mpsc::channel();
    let cancel = Arc::new(AtomicBool::new(false));
    let stop = Arc::clone(&cancel);
    let thread = std::thread::Builder::new()
        .name("marginalia-corpus-scan".into())
        .spawn(move || {
            let send = |m: ScanMessage| {
                let sent = sender.send(m).is_ok();
                wake();
                sent
            };
            let (articles, errors) = list(&root);
            let base = base_of(&root);
            let total = articles.len();
            let errors = errors.iter().map(ToString::to_string).collect();
            if !send(ScanMessage::Listed { total, errors }) {
                return;
            }
            let mut done = 0;
            for chunk in articles.chunks(BATCH_LEN) {
                let mut summaries = Vec::with_capacity(chunk.len());
                for path in chunk {
                    if stop.load(Ordering::Relaxed) {
                        send(ScanMessage::Finished { cancelled: true });
                        return;
                    }
                    summaries.push(summarize(&base, path));
                }
                done += summaries.len();
                if !send(ScanMessage::Batch {
                    summaries,
                    done,
                    total,
                }) {
                    return;
                }
            }
            send(ScanMessage::Finished { cancelled: false });
        });
    ScanHandle {
        receiver,
        cancel,
        // If the OS refuses a thread, the channel is closed and polling yields nothing.
        thread: thread.ok(),
    }
}

/// Start scanning `root` on a thread, without a wake-up callback.
pub fn scan_in_background(root: PathBuf) -> ScanHandle {
    scan_in_background_with_wake(root, || {})
}

/// The index of the next article after `current` with no annotations,
/// wrapping around to the start; `None` when every article is annotated.
/// With no current article the search starts at the top.
pub fn next_without_annotations(list: &[ArticleSummary], current: Option<usize>) -> Option<usize> {
    let n = list.len();
    let first = current.map_or(0, |c| c.saturating_add(1));
    (0..n)
        .map(|k| (first + k) % n)
        .find(|&i| list.get(i).is_some_and(ArticleSummary::is_unannotated))
}

/// Read the article and its sidecar and tell whether the sidecar was written
/// for this exact text (hash comparison). `Ok(None)` when there is no sidecar.
pub fn check_match(article: &Path) -> Result<Option<bool>, CheckError> {
    let Some((sc, _)) = sidecar::read(&sidecar::sidecar_path(article))? else {
        return Ok(None);
    };
    let file = article_file::read_article(article)?;
    Ok(Some(sc.matches(&file.article)))
}

/// Why [`check_match`] could not tell.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum CheckError {
    /// The sidecar could not be read.
    #[error(transparent)]
    Sidecar(#[from] SidecarError),
    /// The article could not be read.
    #[error(transparent)]
    Article(#[from] article_file::ArticleError),
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::annotation::{Annotation, Origin, ReviewEvent};
    use crate::model::document::Article;
    use crate::model::offset::CharRange;
    use crate::store::sidecar::Sidecar;
    use chrono::TimeZone;

    /// Write `name` with `text` under `root` and, when `spans` is not `None`,
    /// a sidecar with those `(start, end, label)` spans by "ana".
    fn article(root: &Path, name: &str, text: &str, spans: Option<&[(usize, usize, Label)]>) {
        let path = root.join(name);
        if let Some(dir) = path.parent() {
            std::fs::create_dir_all(dir).unwrap();
        }
        std::fs::write(&path, text).unwrap();
        let Some(spans) = spans else { return };
        let doc = Article::new(text.into());
        let at = Utc.with_ymd_and_hms(2026, 3, 1, 9, 0, 0).unwrap();
        let anns = spans
            .iter()
            .map(|&(s, e, l)| {
                Annotation::new(
                    &doc,
                    CharRange::from_usize(s, e),
                    l,
                    "ana",
                    at,
                    Origin::Manual,
                )
                .unwrap()
            })
            .collect();
        let sc = Sidecar::new(name, "utf-8", &doc, anns);
        std::fs::write(sidecar::sidecar_path(&path), sidecar::to_string(&sc)).unwrap();
    }

    fn corpus() -> tempfile::TempDir {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path();
        article(
            root,
            "a.txt",
            "Ali met Bo in Rome.",
            Some(&[
                (0, 3, Label::Entity),
                (8, 10, Label::Entity),
                (0, 18, Label::Claim),
            ]),
        );
        article(root, "b.txt", "Nothing here.", None);
        article(root, "sub/c.md", "Empty sidecar.", Some(&[]));
        article(root, "sub/d.txt", "Broken one.", None);
        std::fs::write(root.join("sub/d.txt.ann.ron"), "(version: 1, oops").unwrap();
        dir
    }

    #[test]
    fn scan_summarises_every_article_from_its_sidecar() {
        let dir = corpus();
        let (list, errors) = scan(dir.path());
        assert!(errors.is_empty());
        let names: Vec<_> = list
            .iter()
            .map(|s| s.relative.to_string_lossy().into_owned())
            .collect();
        assert_eq!(names, ["a.txt", "b.txt", "sub/c.md", "sub/d.txt"]);
        let a = &list[0];
        assert_eq!(a.count(Label::Entity), 2);
        assert_eq!(a.count(Label::Claim), 1);
        assert_eq!(a.count(Label::Quote), 0);
        // Manual annotations start accepted.
        assert_eq!(a.reviewed, 3);
        assert_eq!(a.last_editor.as_deref(), Some("ana"));
        assert_eq!(
            a.last_modified,
            Some(Utc.with_ymd_and_hms(2026, 3, 1, 9, 0, 0).unwrap())
        );
        assert!(matches!(
            a.sidecar,
            SidecarState::Current | SidecarState::ArticleNewer
        ));
        assert_eq!(list[1].sidecar, SidecarState::Missing);
        assert!(list[2].is_unannotated());
        assert!(
            list[2].last_modified.is_some(),
            "falls back to the file time"
        );
        let SidecarState::Unreadable(msg) = &list[3].sidecar else {
            panic!("{:?}", list[3].sidecar)
        };
        assert!(msg.contains("d.txt.ann.ron:1:"), "{msg}");
    }

    #[test]
    fn the_latest_review_names_the_last_editor() {
        let dir = tempfile::tempdir().unwrap();
        article(dir.path(), "a.txt", "Ali", Some(&[(0, 3, Label::Entity)]));
        let sc_path = dir.path().join("a.txt.ann.ron");
        let (mut sc, _) = sidecar::read(&sc_path).unwrap().unwrap();
        let later = Utc.with_ymd_and_hms(2026, 4, 1, 0, 0, 0).unwrap();
        sc.annotations[0].reviews.push(ReviewEvent {
            status: Status::Rejected,
            by: "bo".into(),
            at: later,
        });
        std::fs::write(&sc_path, sidecar::to_string(&sc)).unwrap();
        let s = summarize(dir.path(), &dir.path().join("a.txt"));
        assert_eq!(s.last_editor.as_deref(), Some("bo"));
        assert_eq!(s.last_modified, Some(later));
    }

    #[test]
    fn an_article_edited_after_its_sidecar_is_flagged() {
        let dir = tempfile::tempdir().unwrap();
        article(dir.path(), "a.txt", "Ali", Some(&[(0, 3, Label::Entity)]));
        let path = dir.path().join("a.txt");
        let later = std::time::SystemTime::now() + std::time::Duration::from_secs(60);
        std::fs::File::options()
            .write(true)
            .open(&path)
            .unwrap()
            .set_modified(later)
            .unwrap();
        assert_eq!(
            summarize(dir.path(), &path).sidecar,
            SidecarState::ArticleNewer
        );
        assert_eq!(check_match(&path).unwrap(), Some(true));
        std::fs::write(&path, "Bob").unwrap();
        assert_eq!(check_match(&path).unwrap(), Some(false));
        assert_eq!(check_match(&dir.path().join("none.txt")).unwrap(), None);
    }

    #[test]
    fn next_without_annotations_wraps_around() {
        let dir = corpus();
        let (list, _) = scan(dir.path());
        // b (1), c (2) and the broken d (3) have no annotations.
        assert_eq!(next_without_annotations(&list, None), Some(1));
        assert_eq!(next_without_annotations(&list, Some(1)), Some(2));
        assert_eq!(next_without_annotations(&list, Some(3)), Some(1));
        assert_eq!(next_without_annotations(&list[..1], Some(0)), None);
        assert_eq!(next_without_annotations(&[], None), None);
    }

    #[test]
    fn background_scan_of_2000_articles_sends_everything_in_order() {
        let dir = tempfile::tempdir().unwrap();
        for i in 0..2000 {
            let spans: &[(usize, usize, Label)] = if i % 2 == 0 {
                &[(0, 4, Label::Quote)]
            } else {
                &[]
            };
            article(
                dir.path(),
                &format!("f{:02}/a{i:05}.txt", i % 50),
                "Text of an article.",
                Some(spans),
            );
        }
        let started = std::time::Instant::now();
        let handle = scan_in_background(dir.path().to_owned());
        let (mut got, mut last_done, mut finished) = (Vec::new(), 0, false);
        while let Some(m) = handle.recv() {
            match m {
                ScanMessage::Listed { total, errors } => {
                    assert_eq!(total, 2000);
                    assert!(errors.is_empty());
                }
                ScanMessage::Batch {
                    summaries,
                    done,
                    total,
                } => {
                    assert!(done > last_done && total == 2000);
                    last_done = done;
                    got.extend(summaries);
                }
                ScanMessage::Finished { cancelled } => {
                    assert!(!cancelled);
                    finished = true;
                }
            }
        }
        // Timing is printed for the record (`--nocapture`), never asserted.
        println!("background scan of 2000 articles: {:?}", started.elapsed());
        assert!(finished);
        assert_eq!(got.len(), 2000);
        assert!(got.windows(2).all(|w| w[0].path < w[1].path));
        assert_eq!(
            got.iter().filter(|s| s.count(Label::Quote) == 1).count(),
            1000
        );
    }

    #[test]
    fn a_cancelled_scan_stops_early() {
        let dir = tempfile::tempdir().unwrap();
        for i in 0..(3 * BATCH_LEN) {
            article(dir.path(), &format!("a{i:04}.txt"), "x", None);
        }
        // The first wake-up (after listing) waits until the scan is cancelled.
        let (gate, gate_rx) = mpsc::channel::<()>();
        let handle = scan_in_background_with_wake(dir.path().to_owned(), move || {
            let _ = gate_rx.recv();
        });
        handle.cancel();
        drop(gate);
        let mut summaries = 0;
        let mut cancelled = None;
        while let Some(m) = handle.recv() {
            match m {
                ScanMessage::Batch { summaries: s, .. } => summaries += s.len(),
                ScanMessage::Finished { cancelled: c } => cancelled = Some(c),
                ScanMessage::Listed { .. } => {}
            }
        }
        assert_eq!(cancelled, Some(true));
        assert_eq!(summaries, 0);
    }
}
