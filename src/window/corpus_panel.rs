//! Corpus mode: a folder of articles as a list on the left of the window.
//!
//! [`CorpusState`] holds the summaries of one scanned folder, filled in
//! batches by a background [`ScanHandle`] (the window keeps drawing while
//! ten thousand sidecars are read), plus the list's filter and sort. The
//! list is drawn with `show_rows`, so a frame costs the visible rows only;
//! the filtered, sorted order is cached and recomputed only when the items,
//! filter or sort change. Invariant: `order` holds valid indexes of `items`.
//! Opening an article always goes through [`MarginaliaApp::open`], which
//! guards unsaved work.
use crate::model::annotation::Label;
use crate::store::corpus::{self, ArticleSummary, ScanHandle, ScanMessage, SidecarState};
use crate::window::app::MarginaliaApp;
use eframe::egui;
use std::path::{Path, PathBuf};
use std::sync::mpsc;

/// Id of the list's filter box (shortcuts stay off while typing in it).
pub const FILTER_ID: &str = "marginalia.corpus_filter";

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
    const ALL: [SortKey; 4] = [
        SortKey::Name,
        SortKey::Count,
        SortKey::Progress,
        SortKey::Modified,
    ];

    fn name(self) -> &'static str {
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
    dialog: Option<mpsc::Receiver<PathBuf>>,
    open_first: bool,
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

fn sidecar_text(state: &SidecarState) -> &'static str {
    match state {
        SidecarState::Missing => "no sidecar",
        SidecarState::Current => "",
        SidecarState::ArticleNewer => "article newer",
        SidecarState::Unreadable(_) => "sidecar unreadable",
    }
}

impl MarginaliaApp {
    /// Start corpus mode on `root` (a folder, or one article file).
    pub fn open_folder(&mut self, root: &Path, ctx: Option<&egui::Context>) {
        let ctx = ctx.cloned();
        self.state.corpus.start(root.to_owned(), move || {
            if let Some(ctx) = &ctx {
                ctx.request_repaint();
            }
        });
        self.state.corpus.open_first = self.state.doc.is_none();
        self.state.message = format!("Scanning {}…", root.display());
    }

    /// Ask for a folder with the system dialog (on a thread; the answer is
    /// picked up by [`MarginaliaApp::corpus_frame`]).
    pub fn pick_folder(&mut self, ctx: &egui::Context) {
        if self.state.corpus.dialog.is_some() {
            return;
        }
        let (tx, rx) = mpsc::channel();
        let ctx = ctx.clone();
        let spawned = std::thread::Builder::new()
            .name("folder-dialog".into())
            .spawn(move || {
                if let Some(h) = pollster::block_on(rfd::AsyncFileDialog::new().pick_folder()) {
                    let _ = tx.send(h.path().to_owned());
                }
                ctx.request_repaint();
            });
        match spawned {
            Ok(_) => self.state.corpus.dialog = Some(rx),
            Err(e) => self.state.message = format!("Could not show the folder dialog: {e}"),
        }
    }

    /// Open the next (`delta` 1) or previous (-1) article of the list.
    pub fn step_document(&mut self, delta: isize) {
        let current = self.state.doc.as_ref().map(|d| d.file.path.clone());
        if self.state.corpus.root.is_none() {
            self.state.message =
                "Open a folder (File ▸ Open folder…) to move between articles".into();
            return;
        }
        match self.state.corpus.neighbour(current.as_deref(), delta) {
            Some(p) => self.open(&p),
            None => {
                self.state.message = if delta > 0 {
                    "This is the last article of the list".into()
                } else {
                    "This is the first article of the list".into()
                }
            }
        }
    }

    /// Open the next article of the list without annotations.
    pub fn next_unannotated(&mut self) {
        let current = self.state.doc.as_ref().map(|d| d.file.path.clone());
        match self.state.corpus.next_unannotated(current.as_deref()) {
            Some(p) => self.open(&p),
            None => self.state.message = "Every listed article has annotations".into(),
        }
    }

    /// Per-frame work of corpus mode: the folder dialog, scan batches, and
    /// the left panel. Call before the central panel.
    pub fn corpus_frame(&mut self, ui: &mut egui::Ui) {
        if let Some(rx) = &self.state.corpus.dialog {
            match rx.try_recv() {
                Ok(p) => {
                    self.state.corpus.dialog = None;
                    let ctx = ui.ctx().clone();
                    self.open_folder(&p, Some(&ctx));
                }
                Err(mpsc::TryRecvError::Empty) => {}
                Err(mpsc::TryRecvError::Disconnected) => self.state.corpus.dialog = None,
            }
        }
        let scanning = self.state.corpus.is_scanning();
        if self.state.corpus.poll()
            && std::mem::take(&mut self.state.corpus.open_first)
            && let Some(first) = self.state.corpus.neighbour(None, 0)
        {
            self.open(&first);
        }
        if scanning && !self.state.corpus.is_scanning() {
            self.state.message = format!("{} articles listed", self.state.corpus.items.len());
        }
        if self.state.corpus.is_scanning() {
            // Batches wake the window; this is a fallback for a test harness.
            ui.ctx()
                .request_repaint_after(std::time::Duration::from_millis(100));
        }
        let needs_attention = self
            .state
            .doc
            .as_ref()
            .is_some_and(|d| d.annotations.attention_count() > 0);
        if self.state.corpus.root.is_none() && !needs_attention {
            return;
        }
        egui::Panel::left("corpus")
            .resizable(true)
            .default_size(300.0)
            .show(ui, |ui| {
                if needs_attention {
                    self.attention_ui(ui);
                    ui.separator();
                }
                if self.state.corpus.root.is_some() {
                    self.corpus_list_ui(ui);
                }
            });
    }

    fn corpus_list_ui(&mut self, ui: &mut egui::Ui) {
        let current = self.state.doc.as_ref().map(|d| d.file.path.clone());
        let corpus = &mut self.state.corpus;
        let root = corpus
            .root
            .as_ref()
            .map(|r| r.display().to_string())
            .unwrap_or_default();
        ui.strong(format!("Folder: {root}"));
        if corpus.is_scanning() {
            let (done, total) = corpus.progress;
            let fraction = if total == 0 {
                0.0
            } else {
                done as f32 / total as f32
            };
            ui.add(egui::ProgressBar::new(fraction).text(format!("scanning {done} / {total}")));
        }
        for e in &corpus.errors {
            ui.colored_label(ui.visuals().warn_fg_color, e);
        }
        ui.horizontal(|ui| {
            ui.label("Filter:");
            ui.add(
                egui::TextEdit::singleline(&mut corpus.filter)
                    .id(egui::Id::unique(FILTER_ID))
                    .hint_text("name")
                    .desired_width(140.0),
            );
        });
        egui::ComboBox::from_label("Sort")
            .selected_text(corpus.sort.name())
            .show_ui(ui, |ui| {
                for key in SortKey::ALL {
                    ui.selectable_value(&mut corpus.sort, key, key.name());
                }
            });
        let mut go: Option<NavRequest> = None;
        ui.horizontal(|ui| {
            if ui.button("◀ Previous").on_hover_text("Alt+←").clicked() {
                go = Some(NavRequest::Step(-1));
            }
            if ui.button("Next ▶").on_hover_text("Alt+→").clicked() {
                go = Some(NavRequest::Step(1));
            }
            if ui
                .button("Next unannotated")
                .on_hover_text("Ctrl+Alt+→")
                .clicked()
            {
                go = Some(NavRequest::Unannotated);
            }
        });
        let order = corpus.visible().to_vec();
        ui.weak(format!(
            "{} of {} articles",
            order.len(),
            corpus.items.len()
        ));
        ui.separator();
        let row_height = ui.text_style_height(&egui::TextStyle::Body) * 2.0 + 6.0;
        egui::ScrollArea::vertical()
            .id_salt("corpus_rows")
            .auto_shrink([false, false])
            .show_rows(ui, row_height, order.len(), |ui, rows| {
                for row in rows {
                    let Some(item) = order.get(row).and_then(|&i| corpus.items.get(i)) else {
                        continue;
                    };
                    let selected = current.as_deref() == Some(item.path.as_path());
                    if summary_row_ui(ui, item, selected, row_height).clicked() {
                        go = Some(NavRequest::Open(item.path.clone()));
                    }
                }
            });
        match go {
            Some(NavRequest::Step(d)) => self.step_document(d),
            Some(NavRequest::Unannotated) => self.next_unannotated(),
            Some(NavRequest::Open(p)) => self.open(&p),
            None => {}
        }
    }
}

enum NavRequest {
    Step(isize),
    Unannotated,
    Open(PathBuf),
}

/// One row of the list: name, then counts, review progress, last editor,
/// sidecar state. Returns the row's response (click to open).
fn summary_row_ui(
    ui: &mut egui::Ui,
    s: &ArticleSummary,
    selected: bool,
    row_height: f32,
) -> egui::Response {
    let counts = Label::ALL
        .iter()
        .map(|l| {
            let initial = l.name().chars().next().unwrap_or('?');
            format!("{initial}{}", s.count(*l))
        })
        .collect::<Vec<_>>()
        .join(" ");
    let mut details = format!("{counts} · reviewed {}/{}", s.reviewed, s.total());
    if let Some(who) = &s.last_editor {
        details.push_str(&format!(" · {who}"));
    }
    let state = sidecar_text(&s.sidecar);
    if !state.is_empty() {
        details.push_str(&format!(" · {state}"));
    }
    let name = s.relative.display().to_string();
    let text = format!("{name}\n{details}");
    // Left-aligned, one line each, so every row has the height `show_rows` assumes.
    let button = egui::Button::selectable(selected, text)
        .right_text("")
        .wrap_mode(egui::TextWrapMode::Extend)
        .min_size(egui::vec2(ui.available_width(), row_height));
    let response = ui.add(button);
    if let SidecarState::Unreadable(why) = &s.sidecar {
        response.on_hover_text(why.as_str())
    } else {
        response
    }
}
