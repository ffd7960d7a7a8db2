//! File dialogs behind a seam: the app asks a [`FileDialogs`] on a thread of
//! its own (a system dialog blocks), so tests can put a scripted one in its
//! place and the window keeps drawing while a dialog is open.
//!
//! [`SystemDialogs`] uses rfd: the desktop portal, else zenity. Where
//! neither can be shown it says so ([`DialogOutcome::Unavailable`]), and the
//! app asks for a typed path instead ([`check_typed_path`]).
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

/// The desktop's dialogs, through rfd: the xdg-desktop-portal's file
/// chooser, else zenity. rfd answers "nothing picked" both when the user
/// cancels and when neither can be shown, so [`SystemDialogs`] tells them
/// apart itself (see [`unavailable_reason`]) and the app can offer a typed
/// path instead of doing nothing.
#[derive(Debug, Default)]
pub struct SystemDialogs;

impl FileDialogs for SystemDialogs {
    fn show(&self, request: &DialogRequest) -> DialogOutcome {
        let desktop = Desktop::probe();
        if let Some(why) = unavailable_reason(&desktop, None) {
            return DialogOutcome::Unavailable(why);
        }
        let started = std::time::Instant::now();
        match rfd_pick(request) {
            Some(path) => DialogOutcome::Picked(path),
            None => match unavailable_reason(&desktop, Some(started.elapsed())) {
                Some(why) => DialogOutcome::Unavailable(why),
                None => DialogOutcome::Cancelled,
            },
        }
    }
}

/// Show rfd's dialog for `request`; the path picked.
fn rfd_pick(request: &DialogRequest) -> Option<PathBuf> {
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
                    "spaCy / doccano / Prodigy JSONL, Label Studio JSON, brat .ann",
                    &["jsonl", "json", "ann"],
                )
                .add_filter("All files", &["*"])
                .pick_file(),
        ),
        DialogRequest::Folder { start_dir } => pollster::block_on(start(start_dir).pick_folder()),
    };
    picked.map(|h| h.path().to_owned())
}

/// What the desktop offers rfd on Linux: a D-Bus session bus (where the
/// xdg-desktop-portal's file chooser lives) and zenity, rfd's fallback.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Desktop {
    /// A D-Bus session bus can be reached.
    pub session_bus: bool,
    /// `zenity` is on the `PATH`.
    pub zenity: bool,
}

impl Desktop {
    /// Look at this machine (environment and `PATH` only; nothing is run).
    pub fn probe() -> Desktop {
        if !cfg!(target_os = "linux") {
            // rfd uses the system's own dialogs there.
            return Desktop {
                session_bus: true,
                zenity: true,
            };
        }
        let runtime_bus = std::env::var_os("XDG_RUNTIME_DIR")
            .is_some_and(|dir| Path::new(&dir).join("bus").exists());
        let zenity = std::env::var_os("PATH").is_some_and(|paths| {
            std::env::split_paths(&paths).any(|dir| dir.join("zenity").is_file())
        });
        Desktop {
            session_bus: std::env::var_os("DBUS_SESSION_BUS_ADDRESS").is_some() || runtime_bus,
            zenity,
        }
    }
}

/// A dialog that ends with nothing picked faster than this was never shown:
/// no one closes a file chooser that quickly.
pub const NEVER_SHOWN: std::time::Duration = std::time::Duration::from_millis(700);

/// Why no file dialog can be shown on `desktop`, or `None` when one can.
/// Asked first with `answered_after: None` (before trying), then, when rfd
/// came back with nothing picked, with how long it took: with zenity there
/// is always a dialog, so nothing picked means cancelled; without it, a
/// portal that answered within [`NEVER_SHOWN`] showed nothing.
pub fn unavailable_reason(
    desktop: &Desktop,
    answered_after: Option<std::time::Duration>,
) -> Option<String> {
    if desktop.zenity {
        return None;
    }
    let fix = "install zenity or an xdg-desktop-portal (e.g. xdg-desktop-portal-gtk)";
    if !desktop.session_bus {
        return Some(format!(
            "no desktop file chooser is running (no D-Bus session for its portal, and zenity is not installed); {fix}"
        ));
    }
    match answered_after {
        Some(t) if t < NEVER_SHOWN => Some(format!(
            "the desktop's file chooser (xdg-desktop-portal) did not open, and zenity is not installed; {fix}"
        )),
        _ => None,
    }
}

/// The path a typed-path prompt starts with for `request`: its folder, with
/// a trailing separator, and for Save As the name offered.
pub fn suggested_path(request: &DialogRequest) -> String {
    let name = match request {
        DialogRequest::SaveAs { file_name, .. } => file_name.as_str(),
        _ => "",
    };
    match request.start_dir() {
        Some(d) => format!("{}{}{name}", d.display(), std::path::MAIN_SEPARATOR),
        None => name.to_owned(),
    }
}

impl DialogRequest {
    /// The folder the dialog starts in (and a typed relative path is read
    /// from).
    pub fn start_dir(&self) -> Option<&Path> {
        match self {
            DialogRequest::Open { start_dir }
            | DialogRequest::Import { start_dir }
            | DialogRequest::Folder { start_dir }
            | DialogRequest::SaveAs { start_dir, .. } => start_dir.as_deref(),
        }
    }
}

/// Check a typed `path` for `request`: it must be an existing file (Open,
/// Import), an existing folder (Folder), or a file in an existing folder
/// (Save As). A leading `~/` means the home folder, a relative path is read
/// from the request's start folder (not the process's working folder, which
/// the analyst never sees), and a path typed after the folder offered
/// replaces it (`/folder//other/a.txt` is `/other/a.txt`).
pub fn check_typed_path(request: &DialogRequest, path: &str) -> Result<PathBuf, String> {
    let trimmed = path.trim();
    if trimmed.is_empty() {
        return Err("Type a path first".into());
    }
    // Typed after the folder the prompt starts with, a path from the root
    // or home wins, as in Emacs: "/a/b//c/d" is "/c/d", "/a/b/~/c" is "~/c".
    let from_root = trimmed.rfind("//").map(|i| i + 1);
    let from_home = trimmed.rfind("/~/").map(|i| i + 1);
    let trimmed = match from_root.max(from_home) {
        Some(i) => &trimmed[i..],
        None => trimmed,
    };
    let path = match (trimmed.strip_prefix("~/"), std::env::var_os("HOME")) {
        (Some(rest), Some(home)) => Path::new(&home).join(rest),
        _ => match request.start_dir() {
            Some(dir) => dir.join(trimmed),
            None => PathBuf::from(trimmed),
        },
    };
    let shown = path.display();
    match request {
        DialogRequest::Open { .. } | DialogRequest::Import { .. } if path.is_file() => Ok(path),
        DialogRequest::Open { .. } | DialogRequest::Import { .. } if path.is_dir() => Err(format!(
            "{shown} is a folder; type the path of a file in it"
        )),
        DialogRequest::Folder { .. } if path.is_dir() => Ok(path),
        DialogRequest::SaveAs { .. } => match path.parent() {
            _ if path.is_dir() => Err(format!("{shown} is a folder; add a file name")),
            Some(dir) if dir.as_os_str().is_empty() || dir.is_dir() => Ok(path),
            _ => Err(format!(
                "There is no folder {}",
                path.parent().unwrap_or(&path).display()
            )),
        },
        _ => Err(format!("There is no {}", shown)),
    }
}

/// The folder a dialog for `article` starts in.
pub fn folder_of(article: &Path) -> Option<PathBuf> {
    article.parent().map(Path::to_owned)
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::time::Duration;

    const NO_BUS: Desktop = Desktop {
        session_bus: false,
        zenity: false,
    };
    const BUS: Desktop = Desktop {
        session_bus: true,
        zenity: false,
    };

    #[test]
    fn with_zenity_there_is_always_a_dialog() {
        let zenity = Desktop {
            session_bus: false,
            zenity: true,
        };
        assert_eq!(unavailable_reason(&zenity, None), None);
        assert_eq!(unavailable_reason(&zenity, Some(Duration::ZERO)), None);
    }

    #[test]
    fn no_bus_and_no_zenity_is_unavailable_before_trying() {
        let why = unavailable_reason(&NO_BUS, None).unwrap();
        assert!(why.contains("install zenity"), "{why}");
    }

    #[test]
    fn a_portal_that_answers_at_once_showed_nothing() {
        assert_eq!(unavailable_reason(&BUS, None), None, "worth a try");
        assert!(unavailable_reason(&BUS, Some(Duration::from_millis(30))).is_some());
        assert_eq!(
            unavailable_reason(&BUS, Some(Duration::from_secs(3))),
            None,
            "the user cancelled"
        );
    }

    #[test]
    fn typed_paths_are_checked_for_what_was_asked() {
        let dir = tempfile::tempdir().unwrap();
        let file = dir.path().join("a.txt");
        std::fs::write(&file, "x").unwrap();
        let open = DialogRequest::Open { start_dir: None };
        let folder = DialogRequest::Folder { start_dir: None };
        let save = DialogRequest::SaveAs {
            start_dir: None,
            file_name: String::new(),
        };
        let s = |p: &Path| p.display().to_string();
        assert_eq!(check_typed_path(&open, &s(&file)), Ok(file.clone()));
        assert!(
            check_typed_path(&open, &s(dir.path()))
                .unwrap_err()
                .contains("is a folder")
        );
        assert!(check_typed_path(&open, "  ").is_err());
        let missing = dir.path().join("b.txt");
        assert!(
            check_typed_path(&open, &s(&missing))
                .unwrap_err()
                .starts_with("There is no")
        );
        assert_eq!(
            check_typed_path(&folder, &s(dir.path())),
            Ok(dir.path().to_owned())
        );
        assert!(check_typed_path(&folder, &s(&file)).is_err());
        assert_eq!(check_typed_path(&save, &s(&missing)), Ok(missing.clone()));
        assert!(check_typed_path(&save, &s(&missing.join("c.ron"))).is_err());
        // Typed after the folder offered: the path from the root wins.
        let typed = format!("/elsewhere/{}", s(&file));
        assert_eq!(check_typed_path(&open, &typed), Ok(file.clone()));
    }

    #[test]
    fn the_prompt_starts_in_the_dialog_folder() {
        let dir = PathBuf::from("/tmp/articles");
        let open = DialogRequest::Open {
            start_dir: Some(dir.clone()),
        };
        assert_eq!(suggested_path(&open), "/tmp/articles/");
        let save = DialogRequest::SaveAs {
            start_dir: Some(dir),
            file_name: "a.txt.ann.ron".into(),
        };
        assert_eq!(suggested_path(&save), "/tmp/articles/a.txt.ann.ron");
    }

    #[test]
    fn a_relative_typed_path_is_read_from_the_start_folder() {
        let dir = tempfile::tempdir().unwrap();
        let file = dir.path().join("a.txt");
        std::fs::write(&file, "x").unwrap();
        let open = DialogRequest::Open {
            start_dir: Some(dir.path().to_owned()),
        };
        assert_eq!(check_typed_path(&open, "a.txt"), Ok(file.clone()));
        assert_eq!(
            check_typed_path(&open, &file.display().to_string()),
            Ok(file)
        );
    }
}
