//! File ▸ Import pre-annotations: read a spaCy/doccano JSONL file or a brat
//! `.ann` and add its spans for the open article as unreviewed annotations.
//!
//! The spans are found and checked by [`crate::formats::preannotate`] (the
//! same rules as `marginalia import`); here they become annotations with
//! `origin` naming the file, in one undo step. A span already present with
//! the same label and range is a duplicate and is skipped, so importing the
//! same file twice adds nothing.
use crate::formats::{doccano, preannotate, spacy};
use crate::model::annotation::{Annotation, Origin, Status};
use crate::model::edit::Edit;
use crate::store::session::Session;
use anyhow::Context as _;
use std::path::Path;

/// Which reader a file gets, from its name and first record.
fn format_of(input: &Path, content: &str) -> &'static str {
    if input.extension().is_some_and(|e| e == "ann") {
        return "brat";
    }
    let first = content.lines().find(|l| !l.trim().is_empty()).unwrap_or("");
    // doccano records carry `label` or `entities`; spaCy ones `spans`.
    let is_doccano = serde_json::from_str::<serde_json::Value>(first)
        .ok()
        .is_some_and(|v| {
            v.get("spans").is_none() && (v.get("label").is_some() || v.get("entities").is_some())
        });
    if is_doccano { "doccano" } else { "spacy" }
}

/// Import `input` into `doc`; returns the status-bar report.
pub fn import_into(doc: &mut Session, input: &Path, now_s: f64) -> anyhow::Result<String> {
    let content = std::fs::read_to_string(input)
        .with_context(|| format!("{}: cannot read as UTF-8 text", input.display()))?;
    let format = format_of(input, &content);
    let article = &doc.file.article;
    let pre = match format {
        "brat" => {
            let raw = std::fs::read(&doc.file.path)
                .with_context(|| format!("reading {}", doc.file.path.display()))?;
            let raw = String::from_utf8(raw).map_err(|_| {
                anyhow::anyhow!(
                    "the article is not UTF-8; brat offsets are only defined on UTF-8 text"
                )
            })?;
            preannotate::from_brat(article, &raw, &content)
        }
        "doccano" => preannotate::from_jsonl(
            article,
            &doc.file.file_name(),
            &content,
            doccano::parse_line,
        ),
        _ => preannotate::from_jsonl(article, &doc.file.file_name(), &content, spacy::parse_line),
    };
    let origin = Origin::Imported {
        source: input.display().to_string(),
        format: format.to_owned(),
    };
    let now = chrono::Utc::now();
    let mut edits = Vec::new();
    let mut duplicates = 0;
    for span in &pre.spans {
        let exists = doc
            .annotations
            .overlapping(span.range)
            .any(|a| a.label == span.label && a.range() == span.range)
            || edits.iter().any(|e| matches!(e, Edit::Insert(a) if a.label == span.label && a.range() == span.range));
        if exists {
            duplicates += 1;
            continue;
        }
        let Some(mut a) =
            Annotation::new(article, span.range, span.label, format, now, origin.clone())
        else {
            continue;
        };
        a.kind = span.kind.clone();
        a.status = Status::Unreviewed;
        edits.push(Edit::Insert(a));
    }
    let added = edits.len();
    if added > 0 {
        doc.apply(edits, now_s);
    }
    let mut report = format!(
        "Imported {added} pre-annotation(s) from {} ({format}); {duplicates} already there",
        input.display()
    );
    if pre.other_records > 0 {
        report.push_str(&format!(
            "; {} record(s) for other articles",
            pre.other_records
        ));
    }
    if let Some(first) = pre.problems.first() {
        report.push_str(&format!(
            "; {} problem(s), first: {first}",
            pre.problems.len()
        ));
    }
    Ok(report)
}
