//! Label Studio tasks: `{"data": {"text", "source"}, "annotations": [{"result": [...]}], "predictions": [{"result": [...]}]}`.
//!
//! Accepted (and, when asked for, rejected) spans go to `annotations`,
//! unreviewed ones to `predictions`, so Label Studio shows pre-annotations as
//! suggestions. Each span is a `labels` result from `label` to `text` with
//! code-point `start`/`end`, the offsets Label Studio's `Text` tag stores
//! since it stopped counting UTF-16 units (label-studio-frontend#308). Some
//! versions still *draw* spans after an emoji shifted (label-studio#4988); the
//! stored offsets are right.
//! Links become `relation` results between spans of the same list.

use crate::formats::{ExportDoc, type_name};
use crate::model::annotation::{Annotation, Status};
use serde_json::{Value, json};
use std::collections::HashSet;

fn results(annotations: &[&Annotation]) -> Vec<Value> {
    let ids: HashSet<&str> = annotations.iter().map(|a| a.id.0.as_str()).collect();
    let mut out: Vec<Value> = annotations
        .iter()
        .map(|a| {
            json!({
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
            })
        })
        .collect();
    for a in annotations {
        for l in &a.links {
            if ids.contains(l.target.0.as_str()) {
                out.push(json!({
                    "from_id": a.id.0,
                    "to_id": l.target.0,
                    "type": "relation",
                    "direction": "right",
                    "labels": [l.role],
                }));
            }
        }
    }
    out
}

/// The task object of one article.
pub fn export_task(doc: &ExportDoc<'_>) -> Value {
    let (predicted, annotated): (Vec<&Annotation>, Vec<&Annotation>) = doc
        .annotations
        .iter()
        .partition(|a| a.status == Status::Unreviewed);
    let mut task = json!({ "data": { "text": doc.article.text(), "source": doc.source } });
    if !annotated.is_empty() {
        task["annotations"] = json!([{ "result": results(&annotated) }]);
    }
    if !predicted.is_empty() {
        task["predictions"] =
            json!([{ "model_version": "marginalia", "result": results(&predicted) }]);
    }
    task
}
