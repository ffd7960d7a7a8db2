//! doccano sequence-labelling JSONL: `{"text", "label": [[start, end, "LABEL"]]}`,
//! or doccano's relation format `{"text", "entities": [{"id", "start_offset",
//! "end_offset", "label"}], "relations": [{"id", "from_id", "to_id", "type"}]}`.
//!
//! doccano counts offsets in code points of `text` (it is Python), so they are
//! article offsets as they stand.

use crate::formats::{
    ExportDoc, InMeta, Omission, SpanRecord, TextRecord, exported_links, type_name,
};
use crate::model::annotation::Annotation;
use serde::Deserialize;
use serde_json::{Value, json};
use std::collections::HashMap;

#[derive(Deserialize)]
struct InRecord {
    text: Option<String>,
    #[serde(default)]
    label: Option<Vec<(usize, usize, String)>>,
    #[serde(default)]
    entities: Option<Vec<InEntity>>,
    #[serde(default)]
    meta: Option<InMeta>,
}

#[derive(Deserialize)]
struct InEntity {
    start_offset: usize,
    end_offset: usize,
    label: String,
}

/// Parse one JSONL line. The error is a one-line reason for the report.
///
/// ```
/// let r = marginalia::formats::doccano::parse_line(r#"{"text": "Hi Ana", "label": [[3, 6, "PER"]]}"#).unwrap();
/// assert_eq!((r.spans[0].end, r.spans[0].label.as_str()), (6, "PER"));
/// ```
pub fn parse_line(line: &str) -> Result<TextRecord, String> {
    let rec: InRecord =
        serde_json::from_str(line).map_err(|e| format!("not a doccano record: {e}"))?;
    let mut spans: Vec<SpanRecord> = rec
        .label
        .unwrap_or_default()
        .into_iter()
        .map(|(start, end, label)| SpanRecord {
            start,
            end,
            label,
            kind: None,
        })
        .collect();
    spans.extend(
        rec.entities
            .unwrap_or_default()
            .into_iter()
            .map(|e| SpanRecord {
                start: e.start_offset,
                end: e.end_offset,
                label: e.label,
                kind: None,
            }),
    );
    Ok(TextRecord {
        text: rec.text,
        source: rec.meta.and_then(|m| m.source),
        spans,
    })
}

/// The label doccano gets: the kind when set, else `ENTITY`/`CLAIM`/`QUOTE`.
fn doccano_label(a: &Annotation) -> &str {
    match a.kind.as_deref() {
        Some(_) => type_name(a),
        None => a.label.upper_name(),
    }
}

/// Why links are left out of the `label` format.
pub const NO_RELATIONS: &str =
    "links (doccano's label format has none; --format doccano-relations keeps them)";

/// One JSONL line (with its `\n`) of doccano's sequence-labelling format,
/// `{"text", "label": [[start, end, LABEL]]}`. It has no relations: every
/// link is reported in `omitted`.
pub fn export_line(doc: &ExportDoc<'_>, omitted: &mut Vec<Omission>) -> String {
    let labels: Vec<(usize, usize, &str)> = doc
        .annotations
        .iter()
        .map(|a| (a.start.0, a.end.0, doccano_label(a)))
        .collect();
    for (a, l) in exported_links(doc, omitted) {
        omitted.push(Omission::link(a, l, NO_RELATIONS, true));
    }
    let value = serde_json::json!({ "text": doc.article.text(), "label": labels });
    let mut line = value.to_string();
    line.push('\n');
    line
}

/// One JSONL line (with its `\n`) of doccano's relation format (its import
/// option "JSONL(Relation)"): `{"text", "entities": [{"id", "label",
/// "start_offset", "end_offset"}], "relations": [{"id", "from_id", "to_id",
/// "type"}]}`. doccano wants integer ids: entities are numbered from 1 in
/// span order within the record, relations likewise.
pub fn export_relations_line(doc: &ExportDoc<'_>, omitted: &mut Vec<Omission>) -> String {
    let number: HashMap<&str, usize> = doc
        .annotations
        .iter()
        .enumerate()
        .map(|(i, a)| (a.id.0.as_str(), i + 1))
        .collect();
    let entities: Vec<Value> = doc
        .annotations
        .iter()
        .enumerate()
        .map(|(i, a)| {
            json!({
                "id": i + 1,
                "label": doccano_label(a),
                "start_offset": a.start.0,
                "end_offset": a.end.0,
            })
        })
        .collect();
    let relations: Vec<Value> = exported_links(doc, omitted)
        .into_iter()
        .enumerate()
        .map(|(i, (a, l))| {
            json!({
                "id": i + 1,
                "from_id": number.get(a.id.0.as_str()),
                "to_id": number.get(l.target.0.as_str()),
                "type": l.role,
            })
        })
        .collect();
    let value = json!({ "text": doc.article.text(), "entities": entities, "relations": relations });
    let mut line = value.to_string();
    line.push('\n');
    line
}
