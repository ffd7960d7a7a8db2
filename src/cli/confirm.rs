//! `marginalia confirm`: confirm many re-anchored annotations at once.
//!
//! After `marginalia reanchor` (or the window) found annotations again at
//! other offsets without certainty, they are `Moved` and left out of exports
//! until a person confirms them. Once the analyst has looked (for example with
//! `marginalia check` or in the window's "Needs attention" list), this command
//! confirms every `Moved` one that still sits on its quote; `--fuzzy` confirms
//! the `Fuzzy` ones too. Orphans are never touched. The sidecar is saved
//! atomically with the state read from disk, like every other write.

use crate::cli::paths;
use crate::model::annotation::AnchorState;
use crate::model::decode::TextEncoding;
use crate::model::reanchor::confirm;
use crate::store::article_file::read_article_with;
use crate::store::sidecar;
use anyhow::Context;
use std::path::{Path, PathBuf};

/// How one article's confirmation went.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Confirmed {
    /// Annotations made `Exact`.
    pub confirmed: usize,
    /// Still `Moved` or `Fuzzy` afterwards (fuzzy ones without `--fuzzy`).
    pub unconfirmed: usize,
    /// Orphaned: nothing to confirm.
    pub orphaned: usize,
}

/// Confirm in each article's sidecar and print
/// `<path>: confirmed N, still to review N, orphaned N`. An article whose
/// sidecar was written for another version of its text is reported (run
/// `marginalia reanchor` first) and left alone. Exit 0 when every article
/// was processed, 1 when one was left alone, 2 when one failed.
pub fn run(
    inputs: &[PathBuf],
    fuzzy_too: bool,
    by: &str,
    encoding: Option<TextEncoding>,
) -> anyhow::Result<u8> {
    let articles = paths::expand(inputs)?;
    let (mut stale, mut failures) = (0usize, 0usize);
    for path in &articles {
        match confirm_file(path, fuzzy_too, by, encoding) {
            Ok(Some(c)) => println!(
                "{}: confirmed {}, still to review {}, orphaned {}",
                path.display(),
                c.confirmed,
                c.unconfirmed,
                c.orphaned
            ),
            Ok(None) => {
                println!(
                    "{}: the article changed since its sidecar was written; run marginalia reanchor first",
                    path.display()
                );
                stale += 1;
            }
            Err(e) => {
                eprintln!("error: {e:#}");
                failures += 1;
            }
        }
    }
    Ok(if failures > 0 { 2 } else { u8::from(stale > 0) })
}

/// Confirm in one article's sidecar on disk; `None` when the sidecar was
/// written for another version of the article.
pub fn confirm_file(
    path: &Path,
    fuzzy_too: bool,
    by: &str,
    encoding: Option<TextEncoding>,
) -> anyhow::Result<Option<Confirmed>> {
    let file = read_article_with(path, encoding)?;
    let sc_path = sidecar::sidecar_path(path);
    let Some((old, disk)) = sidecar::read(&sc_path)? else {
        return Ok(Some(Confirmed::default()));
    };
    if !old.matches(&file.article) {
        return Ok(None);
    }
    let mut new = old.clone();
    let now = chrono::Utc::now();
    let mut c = Confirmed::default();
    for a in &mut new.annotations {
        if confirm(&file.article, a, fuzzy_too) {
            a.touch(by, now);
            c.confirmed += 1;
        }
        match a.anchor {
            AnchorState::Moved | AnchorState::Fuzzy => c.unconfirmed += 1,
            AnchorState::Orphaned => c.orphaned += 1,
            AnchorState::Exact => {}
        }
    }
    if new != old {
        sidecar::save(&sc_path, &new, &disk)
            .with_context(|| format!("{}: sidecar not rewritten", path.display()))?;
    }
    Ok(Some(c))
}
