//! `marginalia reanchor`: find every annotation again after its article was
//! edited, and rewrite the sidecar with the new offsets and states.
//!
//! The old article text is not kept anywhere, so the CLI re-anchors by quote
//! and context only (steps 1, 3, 4 and 5 of [`crate::model::reanchor`]).
//! A sidecar is rewritten only when something changed, through
//! [`sidecar::save`] with the state read from disk, so a sidecar changed by
//! another program meanwhile is never overwritten.

use crate::cli::{paths, warn_about_encoding};
use crate::model::decode::TextEncoding;
use crate::model::reanchor::{Tally, reanchor};
use crate::store::article_file::read_article_with;
use crate::store::sidecar;
use anyhow::Context;
use std::path::{Path, PathBuf};

/// Re-anchor each article's sidecar and print
/// `<path>: exact N, moved N, fuzzy N, orphaned N` per article. An article
/// that fails is reported on stderr and the next one is processed; the exit
/// code is then 2. With `encoding` (`--encoding`), the articles are read
/// with it and it is recorded: the way to confirm or change an encoding.
pub fn run(inputs: &[PathBuf], encoding: Option<TextEncoding>) -> anyhow::Result<u8> {
    let articles = paths::expand(inputs)?;
    let mut failures = 0usize;
    for path in &articles {
        match reanchor_file(path, encoding) {
            Ok(tally) => println!("{}: {tally}", path.display()),
            Err(e) => {
                eprintln!("error: {e:#}");
                failures += 1;
            }
        }
    }
    Ok(if failures == 0 { 0 } else { 2 })
}

/// Re-anchor one article's sidecar on disk, reading the article with
/// `encoding` if given. An article without a sidecar gives an all-zero tally
/// and no file is written.
pub fn reanchor_file(path: &Path, encoding: Option<TextEncoding>) -> anyhow::Result<Tally> {
    let file = read_article_with(path, encoding)?;
    warn_about_encoding(&file);
    let sc_path = sidecar::sidecar_path(path);
    let Some((old, disk)) = sidecar::read(&sc_path)? else {
        return Ok(Tally::default());
    };
    let mut new = old.clone();
    let tally = reanchor(&file.article, &mut new.annotations, None);
    new.article = sidecar::ArticleInfo {
        file: old.article.file.clone(),
        ..file.article_info()
    };
    if new != old {
        sidecar::save(&sc_path, &new, &disk)
            .with_context(|| format!("{}: sidecar not rewritten", path.display()))?;
    }
    Ok(tally)
}
