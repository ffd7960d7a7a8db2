//! File ▸ Import pre-annotations: read a spaCy, doccano or Prodigy JSONL
//! file, a Label Studio JSON export or a brat `.ann` (the format guessed from
//! the content, as `marginalia import` does) and add what it holds for the
//! open article.
//!
//! The reading, checking and converting are the library's import pipeline
//! ([`crate::store::import::into_open_article`]), the same code and rules as
//! `marginalia import`; here its edits are applied as one undo step and its
//! summary goes to the status bar. Importing the same file twice adds
//! nothing (duplicates are skipped).
use crate::formats::import::ImportOptions;
use crate::store::import::into_open_article;
use crate::store::session::Session;
use std::path::Path;

/// Import `input` into `doc`; returns the status-bar report.
pub fn import_into(doc: &mut Session, input: &Path, now_s: f64) -> anyhow::Result<String> {
    doc.finish_loading();
    let mut options = ImportOptions::new("");
    options.author.clear();
    let found = into_open_article(
        input,
        &doc.file,
        &doc.annotations,
        doc.note.as_deref(),
        &options,
    )?;
    let format = found.format.map_or("?", |f| f.name());
    let applied = found.applied;
    let counts = applied.counts.clone();
    let note_changed = applied.note.is_some();
    if let Some(note) = applied.note {
        doc.note = Some(note);
    }
    if !applied.edits.is_empty() {
        doc.apply(applied.edits, now_s);
    } else if note_changed {
        doc.save_state = crate::store::session::SaveState::Unsaved;
    }
    let mut report = format!(
        "Imported {} element(s) from {} ({format}); {} already there",
        counts.imported_total(),
        input.display(),
        counts.duplicates
    );
    if counts.left_out > 0 {
        report.push_str(&format!("; {} left out", counts.left_out));
    }
    if counts.not_imported > 0 {
        report.push_str(&format!("; {} not imported", counts.not_imported));
    }
    if found.other_records > 0 {
        report.push_str(&format!(
            "; {} record(s) for other articles",
            found.other_records
        ));
    }
    if let Some(first) = found.problems.first() {
        report.push_str(&format!("; first problem: {first}"));
    }
    Ok(report)
}
