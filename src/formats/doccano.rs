//! doccano sequence-labelling JSONL: `{"text", "label": [[start, end, "LABEL"]]}`,
//! or doccano's newer `{"text", "entities": [{"start_offset", "end_offset", "label"}]}`.
//!
//! doccano counts offsets in code points of `text` (it is Python), so they are
//! article offsets as they stand.

use crate::formats::{ExportDoc, InMeta, SpanRecord, TextRecord, type_name};
use serde::Deserialize;

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

/// One JSONL line (with its `\n`): the label is the kind when set, else
/// `ENTITY`/`CLAIM`/`QUOTE`.
pub fn export_line(doc: &ExportDoc<'_>) -> String {
    let labels: Vec<(usize, usize, &str)> = doc
        .annotations
        .iter()
        .map(|a| {
            let name = match a.kind.as_deref() {
                Some(_) => type_name(a),
                None => a.label.upper_name(),
            };
            (a.start.0, a.end.0, name)
        })
        .collect();
    let value = serde_json::json!({ "text": doc.article.text(), "label": labels });
    let mut line = value.to_string();
    line.push('\n');
    line
}
