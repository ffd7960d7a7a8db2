//! doccano JSONL, every shape doccano's exports have had (checked against
//! doccano's `backend/data_export` and, for 1.x, `app/api/utils.py`):
//! - sequence labelling: `{"id", "text", "label": [[start, end, "LABEL"]],
//!   "Comments": ["..."], ...meta}` (doccano ≥ 1.6 spreads the example's meta
//!   over the record);
//! - with relations: `{"id", "text", "entities": [{"id", "label",
//!   "start_offset", "end_offset"}], "relations": [{"id", "from_id", "to_id",
//!   "type"}], "Comments": [{"id", "comment"}]}`;
//! - 1.x "JSONL (text label)": `{"id", "text", "labels": [[start, end,
//!   "LABEL"]], "meta", "annotation_approver"}`;
//! - 1.x "JSONL": `{"id", "text", "annotations": [{"label": 3,
//!   "start_offset", "end_offset", "user": 1}], "meta"}`, whose numeric label
//!   ids are named by the project's label list (`[{"id", "text", ...}]`,
//!   read by [`parse_label_list`]).
//!
//! doccano's comments belong to the whole example (its `Comment` model has
//! no span), so they become the document note; a `comment` (or `comments`)
//! on an entity object, which hand-made files carry, becomes that span's note.
//! doccano counts offsets in code points of `text` (it is Python), so they
//! are article offsets as they stand.

use crate::formats::import::{InDoc, InLink, InNote, InSpan};
use crate::formats::{ExportDoc, Omission, exported_links, type_name};
use crate::model::annotation::{Annotation, AnnotationId, Link};
use crate::model::offset::CharRange;
use serde_json::{Map, Value, json};
use std::collections::HashMap;

/// Parse one JSONL line into the import pipeline's document. Every label,
/// entity, relation and comment that cannot be read is a problem of its
/// own (the rest of the record still imports); the error is for a line
/// that is not a JSON object at all.
///
/// ```
/// let d = marginalia::formats::doccano::parse_line(r#"{"text": "Hi Ana", "label": [[3, 6, "PER"]]}"#).unwrap();
/// assert_eq!((d.spans[0].fragments[0].end.0, d.spans[0].label.as_str()), (6, "PER"));
/// ```
pub fn parse_line(line: &str) -> Result<InDoc, String> {
    let value: Value =
        serde_json::from_str(line).map_err(|e| format!("not a doccano record: {e}"))?;
    let Value::Object(rec) = value else {
        return Err("not a doccano record: expected a JSON object".into());
    };
    let mut doc = InDoc {
        text: match rec.get("text") {
            None | Some(Value::Null) => None,
            Some(Value::String(t)) => Some(t.clone()),
            Some(other) => return Err(format!("\"text\" must be a string, not {other}")),
        },
        source: source(&rec),
        ..InDoc::default()
    };
    // `labels` is doccano 1.x's name for `label`; `annotations` its entities.
    for key in ["label", "labels", "entities", "annotations"] {
        match rec.get(key) {
            None | Some(Value::Null) => {}
            Some(Value::Array(items)) => {
                for (i, item) in items.iter().enumerate() {
                    read_span(&mut doc, (key, i), item);
                }
            }
            Some(other) => doc
                .problems
                .push((0, format!("\"{key}\" must be a list, not {other}"))),
        }
    }
    // Intent detection's document categories: nowhere to go in a sidecar.
    if let Some(Value::Array(cats)) = rec.get("cats") {
        for c in cats {
            doc.problems.push((
                0,
                format!(
                    "cats: document category {c}: Marginalia annotates spans, not whole documents"
                ),
            ));
        }
    }
    if doc.spans.iter().any(|s| s.author.is_some()) {
        doc.per_author = true;
    }
    match rec.get("relations") {
        None | Some(Value::Null) => {}
        Some(Value::Array(items)) => {
            for item in items {
                read_relation(&mut doc, item);
            }
        }
        Some(other) => doc
            .problems
            .push((0, format!("\"relations\" must be a list, not {other}"))),
    }
    for key in ["Comments", "comments"] {
        for text in comments(&mut doc, key, rec.get(key)) {
            doc.notes.push(InNote {
                text,
                ..InNote::default()
            });
        }
    }
    Ok(doc)
}

/// The article's path: `meta.source`, or `source` where doccano ≥ 1.6
/// spread the meta over the record.
fn source(rec: &Map<String, Value>) -> Option<String> {
    let from_meta = rec.get("meta").and_then(|m| m.get("source"));
    match from_meta.or_else(|| rec.get("source")) {
        Some(Value::String(s)) => Some(s.clone()),
        _ => None,
    }
}

/// The texts of a comments field: strings, or objects with `comment` (or
/// `text`). What is not readable is a problem.
fn comments(doc: &mut InDoc, key: &str, value: Option<&Value>) -> Vec<String> {
    let items = match value {
        None | Some(Value::Null) => return Vec::new(),
        Some(Value::String(s)) => return vec![s.clone()],
        Some(Value::Array(items)) => items,
        Some(other) => {
            doc.problems
                .push((0, format!("\"{key}\" must be a list, not {other}")));
            return Vec::new();
        }
    };
    let mut out = Vec::new();
    for item in items {
        let text = match item {
            Value::String(s) => Some(s),
            Value::Object(o) => match o.get("comment").or_else(|| o.get("text")) {
                Some(Value::String(s)) => Some(s),
                _ => None,
            },
            _ => None,
        };
        match text {
            Some(t) if !t.trim().is_empty() => out.push(t.clone()),
            Some(_) => {}
            None => doc
                .problems
                .push((0, format!("comment {item}: no comment text"))),
        }
    }
    out
}

/// An offset: a non-negative integer.
fn offset(v: Option<&Value>) -> Option<usize> {
    v.and_then(Value::as_u64)
        .and_then(|n| usize::try_from(n).ok())
}

/// One label: `[start, end, "LABEL"]`, or an entity object with
/// `start_offset`, `end_offset`, `label` (a name, or a numeric id), and
/// optionally `id`, `user` and a comment.
fn read_span(doc: &mut InDoc, (field, i): (&str, usize), item: &Value) {
    let (start, end, label, obj) = match item {
        Value::Array(parts) if parts.len() == 3 => (
            offset(parts.first()),
            offset(parts.get(1)),
            parts.get(2),
            None,
        ),
        Value::Object(o) => (
            offset(o.get("start_offset")),
            offset(o.get("end_offset")),
            o.get("label"),
            Some(o),
        ),
        Value::String(name) => {
            doc.problems.push((
                0,
                format!("{field}: document category {name:?}: Marginalia annotates spans, not whole documents"),
            ));
            return;
        }
        _ => {
            doc.problems.push((
                0,
                format!("{field}: {item} is neither [start, end, label] nor an entity object"),
            ));
            return;
        }
    };
    let (Some(start), Some(end)) = (start, end) else {
        let what = if obj.is_some_and(|o| !o.contains_key("start_offset")) {
            "a document category (no start_offset/end_offset): Marginalia annotates spans"
        } else {
            "its offsets are not non-negative integers"
        };
        doc.problems.push((0, format!("{field}: {item}: {what}")));
        return;
    };
    // Relations name entities by id; the key is also what reports call it.
    let key = match obj.and_then(|o| o.get("id")) {
        Some(Value::Number(n)) => format!("entity {n}"),
        Some(Value::String(s)) => format!("entity {s}"),
        _ => format!("{field}[{i}]"),
    };
    let mut span = InSpan::new(
        0,
        &key,
        "",
        vec![CharRange::from_usize(start, end.max(start))],
    );
    match label {
        Some(Value::String(name)) if !name.trim().is_empty() => span.label = name.clone(),
        Some(Value::Number(n)) if n.as_u64().is_some() => {
            span.label_id = n.as_u64();
            span.label = n.to_string();
        }
        _ => {
            doc.problems
                .push((0, format!("{field}: {item}: no label name or id")));
            return;
        }
    }
    if let Some(o) = obj {
        span.author = match o.get("user") {
            Some(Value::Number(n)) => Some(format!("user{n}")),
            Some(Value::String(s)) => Some(s.clone()),
            _ => None,
        };
        let notes = [
            comments(doc, "comment", o.get("comment")),
            comments(doc, "comments", o.get("comments")),
        ]
        .concat();
        if !notes.is_empty() {
            span.note = Some(notes.join("\n"));
        }
    }
    doc.spans.push(span);
}

/// One relation `{"from_id", "to_id", "type"}`: a link with role = type.
fn read_relation(doc: &mut InDoc, item: &Value) {
    let id = |v: Option<&Value>| match v {
        Some(Value::Number(n)) => Some(n.to_string()),
        Some(Value::String(s)) => Some(s.clone()),
        _ => None,
    };
    let entity = |v: Option<&Value>| id(v).map(|i| format!("entity {i}"));
    let (from, to, ty) = (
        entity(item.get("from_id")),
        entity(item.get("to_id")),
        item.get("type").and_then(Value::as_str),
    );
    let (Some(from), Some(to), Some(ty)) = (from, to, ty.filter(|t| !t.trim().is_empty())) else {
        doc.problems.push((
            0,
            format!("relation {item}: needs from_id, to_id and a type"),
        ));
        return;
    };
    doc.links.push(InLink {
        key: id(item.get("id")).map(|i| format!("relation {i}")),
        from,
        to,
        written_role: ty.to_owned(),
        link: Link::new(ty, AnnotationId::default()),
        ..InLink::default()
    });
}

/// Read doccano's label list (Labels ▸ Export: `[{"id", "text", ...}]`)
/// into id → name. The error says what is wrong with the file.
///
/// ```
/// let names = marginalia::formats::doccano::parse_label_list(r##"[{"id": 3, "text": "PER", "background_color": "#fff"}]"##).unwrap();
/// assert_eq!(names[&3], "PER");
/// ```
pub fn parse_label_list(content: &str) -> Result<HashMap<u64, String>, String> {
    let value: Value = serde_json::from_str(content)
        .map_err(|e| format!("not JSON (line {}, column {}): {e}", e.line(), e.column()))?;
    let Value::Array(items) = value else {
        return Err("expected a JSON list of labels [{\"id\", \"text\"}]".into());
    };
    let mut names = HashMap::new();
    for (i, item) in items.iter().enumerate() {
        let id = item.get("id").and_then(Value::as_u64);
        let text = item.get("text").and_then(Value::as_str);
        let (Some(id), Some(text)) = (id, text) else {
            return Err(format!(
                "label {}: {item} needs a numeric id and a text",
                i + 1
            ));
        };
        names.insert(id, text.to_owned());
    }
    Ok(names)
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
    // What `json!({"text", "label"}).to_string()` writes (keys sorted),
    // without copying the text into a `Value` first.
    let text = doc.article.text();
    let mut line = Vec::with_capacity(text.len() + labels.len() * 24 + 32);
    line.extend_from_slice(b"{\"label\":");
    // Writing JSON to a Vec cannot fail for these types.
    let _ = serde_json::to_writer(&mut line, &labels);
    line.extend_from_slice(b",\"text\":");
    crate::formats::json::write_str(&mut line, text);
    line.extend_from_slice(b"}\n");
    // SAFETY: serde_json and `write_str` write UTF-8; the rest is ASCII.
    unsafe { String::from_utf8_unchecked(line) }
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::annotation::test_entity;
    use crate::model::document::Article;

    #[test]
    fn a_line_is_what_json_writes_for_text_and_labels() {
        let text = "Ana said \"l\u{e9}t\u{2019}s go\"\u{1}\\ \u{1f600}\t\nin Rome.\r\n".repeat(9);
        let article = Article::new(text);
        let anns: Vec<Annotation> = (0..article.char_len() - 3)
            .step_by(11)
            .map(|s| test_entity(&article, s, s + 2, &format!("a{s}")))
            .collect();
        for n in [0, 1, anns.len()] {
            let doc = ExportDoc {
                article: &article,
                source: "a.txt",
                annotations: &anns[..n],
                note: None,
            };
            let labels: Vec<(usize, usize, &str)> = anns[..n]
                .iter()
                .map(|a| (a.start.0, a.end.0, doccano_label(a)))
                .collect();
            let json = json!({ "text": article.text(), "label": labels }).to_string() + "\n";
            assert_eq!(export_line(&doc, &mut Vec::new()), json);
        }
    }
}
