//! `marginalia merge BASE OURS THEIRS`: the git merge driver for sidecars.
//!
//! Install it with
//! `git config merge.marginalia.driver "marginalia merge %O %A %B"` and a
//! `.gitattributes` line `*.ann.ron merge=marginalia`. The result replaces
//! OURS atomically. Exit 0: merged cleanly; 1: conflicts recorded inside the
//! (still valid) sidecar; 2: an input could not be parsed, nothing written.

use crate::analysis::merge;
use crate::store::sidecar::{self, Sidecar};
use anyhow::Context;
use std::path::Path;

/// Merge THEIRS into OURS given BASE, writing the result to `ours`.
pub fn run(base: &Path, ours: &Path, theirs: &Path) -> anyhow::Result<u8> {
    let base_sc = read_side(base)?;
    let ours_sc = read_side(ours)?;
    let theirs_sc = read_side(theirs)?;
    let outcome = merge::merge(base_sc.as_ref(), ours_sc.as_ref(), theirs_sc.as_ref());
    sidecar::write_atomic(ours, sidecar::to_string(&outcome.sidecar).as_bytes())
        .with_context(|| format!("{}: writing the merged sidecar", ours.display()))?;
    for note in &outcome.notes {
        eprintln!("marginalia merge: {note}");
    }
    let conflicts = outcome.conflict_count();
    if conflicts == 0 {
        Ok(0)
    } else {
        eprintln!(
            "marginalia merge: {conflicts} annotation(s) changed on both sides; open the article to choose"
        );
        Ok(1)
    }
}

/// One input: `None` when the file is missing or empty (git passes an empty
/// BASE when the two sides have no common ancestor).
fn read_side(path: &Path) -> anyhow::Result<Option<Sidecar>> {
    if std::fs::metadata(path).is_ok_and(|m| m.len() == 0) {
        return Ok(None);
    }
    Ok(sidecar::read(path)?.map(|(sc, _)| sc))
}
