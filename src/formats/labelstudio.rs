//! Label Studio tasks: `{"id", "data": {"text", "source"}, "annotations": [{"result": [...]}], "predictions": [{"result": [...]}]}`.
//!
//! Accepted (and, when asked for, rejected) spans go to `annotations`,
//! unreviewed ones to `predictions`, so Label Studio shows pre-annotations as
//! suggestions. Each span is a `labels` result from `label` to `text` with
//! code-point `start`/`end`, the offsets Label Studio's `Text` tag stores
//! since it stopped counting UTF-16 units (label-studio-frontend#308). Some
//! versions still *draw* spans after an emoji shifted (label-studio#4988); the
//! stored offsets are right.
//! Links become `relation` results between spans of the same list; a link
//! from an annotation to a prediction cannot be held and is reported.

use crate::formats::{ExportDoc, Omission, exported_links, type_name};
use crate::model::annotation::{Annotation, Status};
use serde_json::{Value, json};
use std::collections::HashSet;

/// Why a link is left out: Label Studio keeps a task's annotations and
/// predictions apart, and a relation joins regions of one result list.
pub const LINK_ACROSS_LISTS: &str =
    "links between an annotation and a prediction (Label Studio keeps them apart)";

/// A span as a `labels` region; its note goes where Label Studio keeps a
/// region's notes (`meta.text`, the region's "Meta" field).
fn region(a: &Annotation) -> Value {
    let mut r = json!({
        "id": a.id.0,
        "from_name": "label",
        "to_name": "text",
        "type": "labels",
        "value": {
            "start": a.start.0,
            "end": a.end.0,
            "text": a.quote,
            "labels": [type_name(a)],
        },
    });
    if let Some(note) = &a.note {
        r["meta"] = json!({ "text": [note] });
    }
    r
}

fn relation(from: &Annotation, role: &str, to: &str) -> Value {
    json!({
        "from_id": from.id.0,
        "to_id": to,
        "type": "relation",
        "direction": "right",
        "labels": [role],
    })
}

/// The task object of one article, with Label Studio's integer task `id`.
///
/// Every task has an `annotations` list, empty when all its spans are
/// unreviewed: label-studio-converter skips a task without one. A link
/// between an annotation and a prediction cannot be held and is reported in
/// `omitted`, as is a link to a span the filters left out.
pub fn export_task(doc: &ExportDoc<'_>, id: u64, omitted: &mut Vec<Omission>) -> Value {
    let is_prediction = |a: &Annotation| a.status == Status::Unreviewed;
    let predicted: HashSet<&str> = doc
        .annotations
        .iter()
        .filter(|a| is_prediction(a))
        .map(|a| a.id.0.as_str())
        .collect();
    let (mut annotated, mut predictions): (Vec<Value>, Vec<Value>) = (Vec::new(), Vec::new());
    for a in doc.annotations {
        match is_prediction(a) {
            true => predictions.push(region(a)),
            false => annotated.push(region(a)),
        }
    }
    for (a, l) in exported_links(doc, omitted) {
        let from_prediction = predicted.contains(a.id.0.as_str());
        if from_prediction != predicted.contains(l.target.0.as_str()) {
            omitted.push(Omission::link(a, l, LINK_ACROSS_LISTS, true));
            continue;
        }
        let r = relation(a, &l.role, &l.target.0);
        match from_prediction {
            true => predictions.push(r),
            false => annotated.push(r),
        }
    }
    let mut task = json!({
        "id": id,
        "data": { "text": doc.article.text(), "source": doc.source },
        "annotations": [],
    });
    if !annotated.is_empty() {
        task["annotations"] = json!([{ "result": annotated }]);
    }
    if !predictions.is_empty() {
        task["predictions"] = json!([{ "model_version": "marginalia", "result": predictions }]);
    }
    task
}
