//! A folder of articles (corpus mode): what was scanned, filtered and sorted.
//!
//! [`CorpusState`] holds the summaries of one scanned folder, filled in
//! batches by a background [`ScanHandle`] (the window keeps drawing while
//! ten thousand sidecars are read), plus the list's filter and sort. The
//! filtered, sorted order is cached and recomputed only when the items,
//! filter or sort change. Invariant: `order` holds valid indexes of `items`.
//! No egui here: the panel `corpus_list` draws the list.
use crate::store::corpus::{self, ArticleSummary, ScanHandle, ScanMessage, SidecarState};
use std::path::{Path, PathBuf};

/// How the list is ordered.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum SortKey {
    /// By relative path.
    #[default]
    Name,
    /// Most annotations first.
    Count,
    /// Least reviewed (share of annotations accepted or rejected) first.
    Progress,
    /// Most recently changed first.
    Modified,
}

impl SortKey {
    /// Every order, as the sort menu lists them.
    pub const ALL: [SortKey; 4] = [
        SortKey::Name,
        SortKey::Count,
        SortKey::Progress,
        SortKey::Modified,
    ];

    /// The name the sort menu shows.
    pub fn name(self) -> &'static str {
        match self {
            SortKey::Name => "name",
            SortKey::Count => "count",
            SortKey::Progress => "progress",
            SortKey::Modified => "last modified",
        }
    }
}

/// One scanned folder and how its list is shown.
#[derive(Debug, Default)]
pub struct CorpusState {
    /// The folder.
    pub root: Option<PathBuf>,
    /// Every article summarised so far, in path order.
    pub items: Vec<ArticleSummary>,
    /// Articles summarised / found (while scanning).
    pub progress: (usize, usize),
    /// Folders that could not be listed.
    pub errors: Vec<String>,
    /// Show only articles whose path contains this (case-insensitive).
    pub filter: String,
    /// The list order.
    pub sort: SortKey,
    scan: Option<ScanHandle>,
    order: Vec<usize>,
    order_for: Option<(usize, String, SortKey)>,
    /// Open the first article when it arrives (the folder was opened with
    /// no article open).
    pub open_first: bool,
}

impl CorpusState {
    /// True while the background scan runs.
    pub fn is_scanning(&self) -> bool {
        self.scan.is_some()
    }

    /// Start scanning `root` (replacing any previous folder). `wake` asks
    /// for a repaint when a batch arrives.
    pub fn start(&mut self, root: PathBuf, wake: impl Fn() + Send + 'static) {
        *self = CorpusState {
            filter: std::mem::take(&mut self.filter),
            sort: self.sort,
            scan: Some(corpus::scan_in_background_with_wake(root.clone(), wake)),
            root: Some(root),
            ..CorpusState::default()
        };
    }

    /// Take what the scan sent since the last frame. Returns true when the
    /// first articles just arrived.
    pub fn poll(&mut self) -> bool {
        let Some(scan) = &self.scan else {
            return false;
        };
        let was_empty = self.items.is_empty();
        // Checked before polling: once the thread ended, one poll gets everything.
        let ended = scan.is_finished();
        let messages = scan.poll();
        let nothing_new = messages.is_empty();
        let mut finished = false;
        for message in messages {
            match message {
                ScanMessage::Listed { total, errors } => {
                    self.progress = (0, total);
                    self.errors = errors;
                }
                ScanMessage::Batch {
                    summaries,
                    done,
                    total,
                } => {
                    self.items.extend(summaries);
                    self.progress = (done, total);
                }
                ScanMessage::Finished { .. } => finished = true,
            }
        }
        if finished || (ended && nothing_new) {
            self.scan = None;
        }
        was_empty && !self.items.is_empty()
    }

    /// Summarise `path` again (after its sidecar was saved).
    pub fn refresh(&mut self, path: &Path) {
        let Some(root) = self.root.clone() else {
            return;
        };
        if let Some(item) = self.items.iter_mut().find(|s| s.path == path) {
            let base = if root.is_file() {
                root.parent().map(Path::to_owned).unwrap_or_default()
            } else {
                root
            };
            *item = corpus::summarize(&base, path);
            self.order_for = None;
        }
    }

    /// Indexes of `items` as listed (filtered, sorted).
    pub fn visible(&mut self) -> &[usize] {
        let key = (self.items.len(), self.filter.clone(), self.sort);
        if self.order_for.as_ref() != Some(&key) {
            let needle = self.filter.to_lowercase();
            let mut order: Vec<usize> = (0..self.items.len())
                .filter(|&i| {
                    needle.is_empty()
                        || self.items.get(i).is_some_and(|s| {
                            s.relative
                                .to_string_lossy()
                                .to_lowercase()
                                .contains(&needle)
                        })
                })
                .collect();
            let items = &self.items;
            let get = |i: &usize| items.get(*i);
            match self.sort {
                SortKey::Name => {}
                SortKey::Count => {
                    order.sort_by_key(|i| std::cmp::Reverse(get(i).map_or(0, |s| s.total())));
                }
                SortKey::Progress => order.sort_by(|a, b| {
                    let share = |i: &usize| get(i).map_or(0.0, progress_share);
                    share(a).total_cmp(&share(b))
                }),
                SortKey::Modified => {
                    order.sort_by_key(|i| std::cmp::Reverse(get(i).and_then(|s| s.last_modified)));
                }
            }
            self.order = order;
            self.order_for = Some(key);
        }
        &self.order
    }

    /// The article `delta` rows away from `current` in the listed order
    /// (the first row when `current` is not listed).
    pub fn neighbour(&mut self, current: Option<&Path>, delta: isize) -> Option<PathBuf> {
        let order = self.visible().to_vec();
        let at = current.and_then(|c| {
            order
                .iter()
                .position(|&i| self.items.get(i).is_some_and(|s| s.path == c))
        });
        let next = match at {
            Some(at) => at.checked_add_signed(delta)?,
            None => 0,
        };
        let i = *order.get(next)?;
        self.items.get(i).map(|s| s.path.clone())
    }

    /// The next listed article after `current` without annotations.
    pub fn next_unannotated(&mut self, current: Option<&Path>) -> Option<PathBuf> {
        let order = self.visible().to_vec();
        let listed: Vec<ArticleSummary> = order
            .iter()
            .filter_map(|&i| self.items.get(i).cloned())
            .collect();
        let at = current.and_then(|c| listed.iter().position(|s| s.path == c));
        let i = corpus::next_without_annotations(&listed, at)?;
        listed.get(i).map(|s| s.path.clone())
    }
}

fn progress_share(s: &ArticleSummary) -> f64 {
    if s.total() == 0 {
        1.0
    } else {
        s.reviewed as f64 / s.total() as f64
    }
}

/// A sidecar's state as the list shows it ("" when current).
pub fn sidecar_text(state: &SidecarState) -> &'static str {
    match state {
        SidecarState::Missing => "no sidecar",
        SidecarState::Current => "",
        SidecarState::ArticleNewer => "article newer",
        SidecarState::Unreadable(_) => "sidecar unreadable",
    }
}
