//! File dialogs behind a seam: the app asks a [`FileDialogs`] on a thread of
//! its own (a system dialog blocks), so tests can put a scripted one in its
//! place and the window keeps drawing while a dialog is open.
//!
//! [`SystemDialogs`] uses rfd: the desktop portal, else zenity.
use std::path::{Path, PathBuf};

/// What the app asks a dialog for.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum DialogRequest {
    /// An article to open.
    Open {
        /// The folder to start in.
        start_dir: Option<PathBuf>,
    },
    /// Where to save the sidecar.
    SaveAs {
        /// The folder to start in.
        start_dir: Option<PathBuf>,
        /// The name offered.
        file_name: String,
    },
    /// A file of pre-annotations to import.
    Import {
        /// The folder to start in.
        start_dir: Option<PathBuf>,
    },
    /// A folder to list (corpus mode).
    Folder {
        /// The folder to start in.
        start_dir: Option<PathBuf>,
    },
}

/// How a dialog ended.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum DialogOutcome {
    /// The user picked this path.
    Picked(PathBuf),
    /// The user closed the dialog without picking.
    Cancelled,
    /// No dialog could be shown; the reason, for the user.
    Unavailable(String),
}

/// Something that can show file dialogs. `show` blocks until the user is
/// done; the app calls it on a thread of its own.
pub trait FileDialogs: Send + Sync {
    /// Show the dialog for `request`.
    fn show(&self, request: &DialogRequest) -> DialogOutcome;
}

/// The desktop's dialogs, through rfd.
#[derive(Debug, Default)]
pub struct SystemDialogs;

impl FileDialogs for SystemDialogs {
    fn show(&self, request: &DialogRequest) -> DialogOutcome {
        let start = |dir: &Option<PathBuf>| {
            let dialog = rfd::AsyncFileDialog::new();
            match dir.as_deref() {
                Some(d) => dialog.set_directory(d),
                None => dialog,
            }
        };
        let picked = match request {
            DialogRequest::Open { start_dir } => pollster::block_on(
                start(start_dir)
                    .add_filter("Text", &["txt", "md", "text"])
                    .add_filter("All files", &["*"])
                    .pick_file(),
            ),
            DialogRequest::SaveAs {
                start_dir,
                file_name,
            } => pollster::block_on(
                start(start_dir)
                    .set_file_name(file_name)
                    .add_filter("Marginalia sidecar", &["ron"])
                    .save_file(),
            ),
            DialogRequest::Import { start_dir } => pollster::block_on(
                start(start_dir)
                    .set_title("Import pre-annotations")
                    .add_filter(
                        "spaCy / doccano JSONL, brat .ann",
                        &["jsonl", "json", "ann"],
                    )
                    .add_filter("All files", &["*"])
                    .pick_file(),
            ),
            DialogRequest::Folder { start_dir } => {
                pollster::block_on(start(start_dir).pick_folder())
            }
        };
        match picked {
            Some(h) => DialogOutcome::Picked(h.path().to_owned()),
            None => DialogOutcome::Cancelled,
        }
    }
}

/// The folder a dialog for `article` starts in.
pub fn folder_of(article: &Path) -> Option<PathBuf> {
    article.parent().map(Path::to_owned)
}
