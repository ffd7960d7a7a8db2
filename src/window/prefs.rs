//! User preferences, persisted by eframe between runs.
//!
//! Only settings live here; annotations live only in sidecars. The struct is
//! `#[serde(default)]` so adding a field never loses the others.
use anyhow::Context as _;
use serde::{Deserialize, Serialize};
use std::path::{Path, PathBuf};

/// Key under which eframe storage keeps the preferences.
pub const STORAGE_KEY: &str = "marginalia.prefs";
/// How many recent files the File menu remembers.
pub const MAX_RECENT: usize = 10;
/// Smallest and largest body font size, in points.
pub const FONT_SIZE_RANGE: (f32, f32) = (9.0, 40.0);
/// Body font size at first start and after Ctrl+0.
pub const DEFAULT_FONT_SIZE: f32 = 16.0;

/// Light or dark look.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub enum Theme {
    /// Dark text on light paper.
    #[default]
    Light,
    /// Light text on a dark background.
    Dark,
}

/// Everything the user sets once and expects to find again.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct Prefs {
    /// Name written as `author` of new annotations.
    pub author: String,
    /// Light or dark.
    pub theme: Theme,
    /// Body font size in points.
    pub font_size: f32,
    /// Most recently opened first.
    pub recent_files: Vec<PathBuf>,
    /// Snap mouse selections to whole words.
    pub snap_to_words: bool,
    /// Save about a second after the last change.
    pub autosave: bool,
    /// The user's own external suggesters (Review ▸ Suggest with…).
    pub suggesters: Vec<NamedSuggester>,
    /// Folder suggesters (`marginalia.ron`) the user confirmed: file path and
    /// the SHA-256 of the version confirmed.
    pub trusted_suggester_files: Vec<(PathBuf, String)>,
    /// The user's own cue file (the CLI's `--cues` format), added to the
    /// built-in cue list when the rules run in the window.
    pub cue_file: Option<PathBuf>,
}

/// An external suggester of the user's: a name and a command line
/// (`marginalia suggest --cmd`'s protocol).
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct NamedSuggester {
    /// Shown in the menu.
    pub name: String,
    /// Run through the shell.
    pub command: String,
    /// Seconds it may run before it is stopped.
    #[serde(default = "default_timeout_s")]
    pub timeout_s: u64,
}

/// A suggester's time limit unless the user sets one, in seconds.
pub const DEFAULT_TIMEOUT_S: u64 = 120;

fn default_timeout_s() -> u64 {
    DEFAULT_TIMEOUT_S
}

/// The file (in the app's data folder) that keeps the user's suggesters and
/// cue file, written atomically by Review ▸ Suggesters….
pub const SUGGESTERS_FILE: &str = "suggesters.ron";

/// What [`SUGGESTERS_FILE`] holds.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct SuggesterPrefs {
    /// The user's own suggesters.
    pub suggesters: Vec<NamedSuggester>,
    /// The user's cue file.
    pub cue_file: Option<PathBuf>,
}

impl SuggesterPrefs {
    /// Read `dir`'s suggesters file; `Ok(None)` when there is none.
    pub fn load(dir: &Path) -> anyhow::Result<Option<SuggesterPrefs>> {
        let path = dir.join(SUGGESTERS_FILE);
        let text = match std::fs::read_to_string(&path) {
            Ok(t) => t,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(None),
            Err(e) => return Err(e).with_context(|| format!("cannot read {}", path.display())),
        };
        // ron's error reads `line:column-line:column: what`.
        let prefs = ron::from_str(&text).map_err(|e| anyhow::anyhow!("{}:{e}", path.display()))?;
        Ok(Some(prefs))
    }

    /// Write them to `dir`'s suggesters file atomically (temp file, fsync,
    /// rename): a crash leaves the old file or the new, never half of one.
    /// A file there that cannot be read (hand-edited into bad RON, say) is
    /// never overwritten: the error names it and its line:column.
    pub fn save(&self, dir: &Path) -> anyhow::Result<()> {
        if let Err(e) = SuggesterPrefs::load(dir) {
            return Err(e.context("not overwritten: fix or remove it, then save again"));
        }
        let text = ron::ser::to_string_pretty(self, ron::ser::PrettyConfig::default())?;
        std::fs::create_dir_all(dir).with_context(|| format!("cannot create {}", dir.display()))?;
        let path = dir.join(SUGGESTERS_FILE);
        crate::store::sidecar::write_atomic(&path, text.as_bytes())
            .with_context(|| format!("cannot save {}", path.display()))
    }
}

impl Default for Prefs {
    fn default() -> Self {
        Prefs {
            author: login_name(),
            theme: Theme::Light,
            font_size: DEFAULT_FONT_SIZE,
            recent_files: Vec::new(),
            snap_to_words: true,
            autosave: true,
            suggesters: Vec::new(),
            trusted_suggester_files: Vec::new(),
            cue_file: None,
        }
    }
}

impl Prefs {
    /// Put `path` first in the recent list.
    pub fn remember(&mut self, path: PathBuf) {
        self.recent_files.retain(|p| p != &path);
        self.recent_files.insert(0, path);
        self.recent_files.truncate(MAX_RECENT);
    }

    /// Change the body font size by `delta` points, within [`FONT_SIZE_RANGE`].
    pub fn zoom_by(&mut self, delta: f32) {
        self.font_size = (self.font_size + delta).clamp(FONT_SIZE_RANGE.0, FONT_SIZE_RANGE.1);
    }
}

/// The login name from `$USER` or `$USERNAME`, or `"analyst"`.
pub fn login_name() -> String {
    ["USER", "USERNAME"]
        .iter()
        .filter_map(|v| std::env::var(v).ok())
        .find(|s| !s.trim().is_empty())
        .unwrap_or_else(|| "analyst".to_owned())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_unreadable_suggesters_file_is_never_overwritten() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join(SUGGESTERS_FILE);
        let broken = "(suggesters: [(name: \"mine\", command: \"python3 x.py\"\n";
        std::fs::write(&path, broken).unwrap();
        let err = SuggesterPrefs::default().save(dir.path()).unwrap_err();
        let shown = format!("{err:#}");
        assert!(
            shown.contains("not overwritten") && shown.contains("suggesters.ron:1:53"),
            "{shown}"
        );
        assert_eq!(std::fs::read_to_string(&path).unwrap(), broken);
        std::fs::remove_file(&path).unwrap();
        SuggesterPrefs::default().save(dir.path()).unwrap();
        assert_eq!(
            SuggesterPrefs::load(dir.path()).unwrap(),
            Some(SuggesterPrefs::default())
        );
    }

    #[test]
    fn missing_fields_take_defaults() {
        let p: Prefs = ron::from_str("(author: \"ana\")").unwrap();
        assert_eq!(p.author, "ana");
        assert!(p.autosave);
        assert_eq!(p.font_size, DEFAULT_FONT_SIZE);
    }

    #[test]
    fn recent_files_are_unique_and_bounded() {
        let mut p = Prefs::default();
        for i in 0..20 {
            p.remember(PathBuf::from(format!("{}.txt", i % 12)));
        }
        p.remember(PathBuf::from("3.txt"));
        assert_eq!(p.recent_files.len(), MAX_RECENT);
        assert_eq!(p.recent_files[0], PathBuf::from("3.txt"));
        assert_eq!(
            p.recent_files
                .iter()
                .filter(|f| f.ends_with("3.txt"))
                .count(),
            1
        );
    }
}
