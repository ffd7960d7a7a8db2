//! Turning command-line paths into the list of article files they name.

use anyhow::{Context, bail};
use std::path::{Path, PathBuf};

/// File endings treated as articles when a folder is searched.
pub const ARTICLE_EXTENSIONS: [&str; 3] = ["txt", "md", "text"];

/// True when `path` names an article file by its ending.
pub fn is_article_name(path: &Path) -> bool {
    path.extension()
        .and_then(|e| e.to_str())
        .is_some_and(|e| ARTICLE_EXTENSIONS.iter().any(|x| x.eq_ignore_ascii_case(e)))
}

/// Expand files and folders into article paths. Files are taken as given;
/// folders are searched recursively for `.txt`, `.md` and `.text` files
/// (hidden folders are skipped). The result is sorted and without duplicates,
/// so output is deterministic.
pub fn expand(paths: &[PathBuf]) -> anyhow::Result<Vec<PathBuf>> {
    let mut out = Vec::new();
    for p in paths {
        let meta = std::fs::metadata(p).with_context(|| format!("{}", p.display()))?;
        if meta.is_dir() {
            walk(p, &mut out)?;
        } else if p.to_string_lossy().ends_with(".ann.ron") {
            bail!(
                "{}: this is a sidecar; give its article instead",
                p.display()
            );
        } else {
            out.push(p.clone());
        }
    }
    out.sort();
    out.dedup();
    Ok(out)
}

fn walk(dir: &Path, out: &mut Vec<PathBuf>) -> anyhow::Result<()> {
    let entries =
        std::fs::read_dir(dir).with_context(|| format!("{}: cannot list folder", dir.display()))?;
    for entry in entries {
        let entry = entry.with_context(|| format!("{}: cannot list folder", dir.display()))?;
        let path = entry.path();
        let hidden = entry.file_name().to_string_lossy().starts_with('.');
        let ft = entry
            .file_type()
            .with_context(|| format!("{}", path.display()))?;
        if ft.is_dir() {
            if !hidden {
                walk(&path, out)?;
            }
        } else if !hidden && is_article_name(&path) {
            out.push(path);
        }
    }
    Ok(())
}
