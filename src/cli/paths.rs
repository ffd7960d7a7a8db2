//! Turning command-line paths into the list of article files they name.

use anyhow::{Context, bail};
use std::path::{Path, PathBuf};

pub use crate::store::walk::{ARTICLE_EXTENSIONS, is_article_name};

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
    let mut errors = Vec::new();
    crate::store::walk::walk_files(dir, &is_article_name, out, &mut errors);
    match errors.into_iter().next() {
        Some(e) => Err(e.into()),
        None => Ok(()),
    }
}
