//! The bundled sample article, shown when Marginalia starts without a file.
//!
//! It is copied once to a working copy in the user's data folder so that
//! annotating and saving work there; the copy is never overwritten, so the
//! analyst's sidecar next to it always matches.
use anyhow::Context as _;
use std::path::{Path, PathBuf};

/// The sample text.
pub const SAMPLE_TEXT: &str = include_str!("../../assets/sample-article.txt");
/// File name of the working copy.
pub const SAMPLE_FILE_NAME: &str = "sample-article.txt";

/// The data folder: eframe's storage folder for "marginalia"
/// (`$XDG_DATA_HOME/marginalia` or `~/.local/share/marginalia` on Linux),
/// else a folder in the temp dir.
pub fn data_dir() -> PathBuf {
    eframe::storage_dir("marginalia").unwrap_or_else(|| std::env::temp_dir().join("marginalia"))
}

/// Path of the working copy in `dir`, written there on first use. Falls
/// back to the temp dir when `dir` cannot be written.
pub fn working_copy(dir: &Path) -> anyhow::Result<PathBuf> {
    match write_once(dir) {
        Ok(p) => Ok(p),
        Err(first) => write_once(&std::env::temp_dir().join("marginalia"))
            .with_context(|| format!("{first:#}; the temp dir did not work either")),
    }
}

fn write_once(dir: &Path) -> anyhow::Result<PathBuf> {
    let path = dir.join(SAMPLE_FILE_NAME);
    if !path.exists() {
        std::fs::create_dir_all(dir).with_context(|| format!("creating {}", dir.display()))?;
        std::fs::write(&path, SAMPLE_TEXT)
            .with_context(|| format!("writing {}", path.display()))?;
    }
    Ok(path)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::document::Article;

    #[test]
    fn sample_has_header_and_mixed_scripts() {
        let a = Article::new(SAMPLE_TEXT.to_owned());
        assert!(a.meta().date.is_some() && a.meta().title.is_some());
        assert!(SAMPLE_TEXT.contains('\u{301}'), "combining accent");
        assert!(
            SAMPLE_TEXT
                .chars()
                .any(|c| ('\u{600}'..='\u{6ff}').contains(&c))
        );
        assert!(SAMPLE_TEXT.chars().any(|c| c > '\u{1f000}'), "emoji");
    }

    #[test]
    fn working_copy_is_written_once() {
        let dir = tempfile::tempdir().unwrap();
        let p = working_copy(dir.path()).unwrap();
        std::fs::write(&p, "edited").unwrap();
        assert_eq!(working_copy(dir.path()).unwrap(), p);
        assert_eq!(std::fs::read_to_string(&p).unwrap(), "edited");
    }
}
