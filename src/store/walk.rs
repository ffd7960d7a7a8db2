//! Finding files under a folder: the one recursive walk shared by the CLI,
//! `agree` and the corpus scanner.
//!
//! The walk never follows symbolic links to folders (so it cannot loop) and
//! skips hidden entries (names starting with `.`). It keeps going past folders
//! it cannot list and hands those errors back, so one unreadable folder does
//! not hide the rest of a corpus; callers decide whether that is fatal.

use std::path::{Path, PathBuf};
use thiserror::Error;

/// File endings treated as articles when a folder is searched.
pub const ARTICLE_EXTENSIONS: [&str; 3] = ["txt", "md", "text"];

/// The ending of a sidecar file name.
pub const SIDECAR_SUFFIX: &str = ".ann.ron";

/// True when `path` names an article file by its ending.
pub fn is_article_name(path: &Path) -> bool {
    path.extension()
        .and_then(|e| e.to_str())
        .is_some_and(|e| ARTICLE_EXTENSIONS.iter().any(|x| x.eq_ignore_ascii_case(e)))
}

/// True when `path` names a sidecar (`*.ann.ron`).
pub fn is_sidecar_name(path: &Path) -> bool {
    path.file_name()
        .is_some_and(|n| n.to_string_lossy().ends_with(SIDECAR_SUFFIX))
}

/// The article a sidecar belongs to (`a.txt.ann.ron` → `a.txt`), or `None`
/// when `path` is not a sidecar name.
pub fn article_of_sidecar(path: &Path) -> Option<PathBuf> {
    let name = path.file_name()?.to_str()?;
    let article = name.strip_suffix(SIDECAR_SUFFIX)?;
    (!article.is_empty()).then(|| path.with_file_name(article))
}

/// A folder or entry the walk could not read.
#[derive(Debug, Error)]
#[error("{path}: cannot list folder: {source}")]
pub struct WalkError {
    /// The folder or entry.
    pub path: PathBuf,
    /// The OS error.
    pub source: std::io::Error,
}

/// Append to `out` every non-hidden file under `dir` whose path satisfies
/// `wanted`, recursing into non-hidden folders. Errors are collected in
/// `errors` and the walk goes on. The order of `out` is the OS's; sort it.
pub fn walk_files(
    dir: &Path,
    wanted: &dyn Fn(&Path) -> bool,
    out: &mut Vec<PathBuf>,
    errors: &mut Vec<WalkError>,
) {
    let entries = match std::fs::read_dir(dir) {
        Ok(e) => e,
        Err(source) => {
            errors.push(WalkError {
                path: dir.to_owned(),
                source,
            });
            return;
        }
    };
    for entry in entries {
        let entry = match entry {
            Ok(e) => e,
            Err(source) => {
                errors.push(WalkError {
                    path: dir.to_owned(),
                    source,
                });
                continue;
            }
        };
        if entry.file_name().to_string_lossy().starts_with('.') {
            continue;
        }
        let path = entry.path();
        let file_type = match entry.file_type() {
            Ok(t) => t,
            Err(source) => {
                errors.push(WalkError { path, source });
                continue;
            }
        };
        if file_type.is_dir() {
            walk_files(&path, wanted, out, errors);
        } else if wanted(&path) {
            out.push(path);
        }
    }
}

/// Every article file under `dir`, sorted, plus the folders that could not be read.
pub fn article_files(dir: &Path) -> (Vec<PathBuf>, Vec<WalkError>) {
    let (mut out, mut errors) = (Vec::new(), Vec::new());
    walk_files(dir, &is_article_name, &mut out, &mut errors);
    out.sort();
    (out, errors)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn finds_articles_and_skips_hidden_entries() {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path();
        std::fs::create_dir_all(root.join("sub/deeper")).unwrap();
        std::fs::create_dir_all(root.join(".git")).unwrap();
        for f in [
            "a.txt",
            "sub/b.md",
            "sub/deeper/c.TEXT",
            ".hidden.txt",
            ".git/d.txt",
            "a.txt.ann.ron",
            "e.pdf",
        ] {
            std::fs::write(root.join(f), "x").unwrap();
        }
        let (found, errors) = article_files(root);
        let rel: Vec<_> = found
            .iter()
            .map(|p| p.strip_prefix(root).unwrap())
            .collect();
        assert_eq!(
            rel,
            [
                Path::new("a.txt"),
                Path::new("sub/b.md"),
                Path::new("sub/deeper/c.TEXT")
            ]
        );
        assert!(errors.is_empty());
    }

    #[test]
    fn sidecar_names_map_back_to_articles() {
        assert!(is_sidecar_name(Path::new("x/a.txt.ann.ron")));
        assert!(!is_sidecar_name(Path::new("x/a.txt")));
        assert_eq!(
            article_of_sidecar(Path::new("x/a.txt.ann.ron")),
            Some(PathBuf::from("x/a.txt"))
        );
        assert_eq!(article_of_sidecar(Path::new("x/.ann.ron")), None);
        assert_eq!(article_of_sidecar(Path::new("x/a.txt")), None);
    }

    #[test]
    fn a_missing_folder_is_reported_not_fatal() {
        let (found, errors) = article_files(Path::new("/definitely/not/here"));
        assert!(found.is_empty());
        assert_eq!(errors.len(), 1);
    }
}
