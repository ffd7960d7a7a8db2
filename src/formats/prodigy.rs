//! Prodigy's `db-out` JSONL, as its documentation describes it (Prodigy's
//! code is licensed, so it is not run here): one task per line,
//! `{"text", "spans": [{"start", "end", "token_start", "token_end",
//! "label"}], "relations": [{"head", "child", "head_span", "child_span",
//! "label"}], "answer": "accept" | "reject" | "ignore", "_input_hash",
//! "_task_hash", "_annotator_id", "_session_id", "meta": {...}}`.
//!
//! - `answer` is honoured: accept → accepted, reject → rejected, ignore →
//!   every span and relation of the task is left out by the annotator's
//!   decision (counted and reported, exit 0). A task without `answer` (a
//!   Prodigy input file) takes `--as`.
//! - `start`/`end` count code points of `text` (Prodigy is Python); a span's
//!   own `text`, when present, is verified against them.
//! - A relation links its head span to its child span with role = its
//!   label; `head_span`/`child_span` name the spans by offsets.
//! - With several annotators in one file (`_annotator_id`, else
//!   `_session_id`), each span's author is its annotator.
//! - A whole-text classification (a top-level `label` with no spans, or an
//!   `accept` list of options) has no place in Marginalia and is reported.

use crate::formats::import::{InDoc, InLink, InSpan, Parsed, read_jsonl};
use crate::model::annotation::{AnnotationId, Link, Status};
use crate::model::offset::CharRange;
use serde_json::{Map, Value};
use std::collections::BTreeSet;

/// Read a `db-out` file: [`parse_line`] per line, then authors kept only
/// when the file has several annotators.
pub fn read(content: &str) -> Parsed {
    let mut parsed = read_jsonl(content, parse_line);
    let annotators: BTreeSet<&str> = parsed
        .docs
        .iter()
        .flat_map(|d| d.spans.iter().filter_map(|s| s.author.as_deref()))
        .collect();
    let several = annotators.len() > 1;
    for doc in &mut parsed.docs {
        doc.per_author = several;
        if !several {
            doc.spans.iter_mut().for_each(|s| s.author = None);
        }
    }
    parsed
}

/// Parse one line into the import pipeline's document (authors set from
/// `_annotator_id`; [`read`] drops them for a one-annotator file). The
/// error is a one-line reason for the report.
///
/// ```
/// let d = marginalia::formats::prodigy::parse_line(
///     r#"{"text": "Hi Ana", "spans": [{"start": 3, "end": 6, "label": "PER"}], "answer": "reject"}"#,
/// ).unwrap();
/// assert_eq!(d.spans[0].status, Some(marginalia::model::annotation::Status::Rejected));
/// ```
pub fn parse_line(line: &str) -> Result<InDoc, String> {
    let value: Value =
        serde_json::from_str(line).map_err(|e| format!("not a Prodigy task: {e}"))?;
    let Value::Object(task) = value else {
        return Err("not a Prodigy task: expected a JSON object".into());
    };
    let text = match task.get("text") {
        Some(Value::String(t)) => t.clone(),
        _ => return Err("a Prodigy task needs its \"text\"".into()),
    };
    let mut doc = InDoc {
        source: task
            .get("meta")
            .and_then(|m| m.get("source"))
            .and_then(Value::as_str)
            .map(str::to_owned),
        ..InDoc::default()
    };
    let answer = task.get("answer").and_then(Value::as_str);
    let status = match answer {
        None => None,
        Some("accept") => Some(Status::Accepted),
        Some("reject") => Some(Status::Rejected),
        Some("ignore") => None,
        Some(other) => return Err(format!("unknown answer {other:?}")),
    };
    let author = ["_annotator_id", "_session_id"]
        .iter()
        .find_map(|k| task.get(*k).and_then(Value::as_str))
        .map(str::to_owned);
    let chars: Vec<char> = text.chars().collect();
    let spans = task.get("spans").and_then(Value::as_array);
    for (i, s) in spans.into_iter().flatten().enumerate() {
        match read_span(s, &chars) {
            Ok((range, label)) => {
                let mut span = InSpan::new(0, &format!("spans[{i}]"), &label, vec![range]);
                span.status = status;
                span.author = author.clone();
                doc.spans.push(span);
            }
            Err(why) => doc.problems.push((0, format!("span {s}: {why}"))),
        }
    }
    for r in task
        .get("relations")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
    {
        relation(&mut doc, r, &chars, status, author.as_deref());
    }
    classification(&mut doc, &task);
    if answer == Some("ignore") {
        ignore(&mut doc);
    }
    doc.text = Some(text);
    Ok(doc)
}

/// A span's range and label, checked against its own `text` when it has one.
fn read_span(s: &Value, chars: &[char]) -> Result<(CharRange, String), String> {
    let offset = |k: &str| s.get(k).and_then(Value::as_u64).map(|n| n as usize);
    let (Some(start), Some(end)) = (offset("start"), offset("end")) else {
        return Err("start/end are not character offsets".into());
    };
    let label = s
        .get("label")
        .and_then(Value::as_str)
        .filter(|l| !l.trim().is_empty())
        .ok_or("no label")?;
    if let Some(want) = s.get("text").and_then(Value::as_str) {
        let got: Option<String> = chars.get(start..end).map(|c| c.iter().collect());
        if got.as_deref() != Some(want) {
            return Err(format!(
                "its text {want:?} is not the task text at {start}-{end} ({:?})",
                got.unwrap_or_default()
            ));
        }
    }
    Ok((
        CharRange::from_usize(start, end.max(start)),
        label.to_owned(),
    ))
}

/// The key of the span at `side` (`head_span`/`child_span`): a span of the
/// task with those offsets (and label, when given), else a new span when
/// the relation's span has a label of its own.
fn endpoint(
    doc: &mut InDoc,
    r: &Value,
    side: &str,
    chars: &[char],
    (status, author): (Option<Status>, Option<&str>),
) -> Result<String, String> {
    let s = r.get(side).ok_or_else(|| format!("no {side}"))?;
    let offset = |k: &str| s.get(k).and_then(Value::as_u64).map(|n| n as usize);
    let (Some(start), Some(end)) = (offset("start"), offset("end")) else {
        return Err(format!("{side} has no start/end"));
    };
    let range = CharRange::from_usize(start, end.max(start));
    let label = s.get("label").and_then(Value::as_str);
    let found = doc
        .spans
        .iter()
        .find(|sp| sp.fragments == [range] && label.is_none_or(|l| l == sp.label));
    if let Some(key) = found.and_then(|sp| sp.key.clone()) {
        return Ok(key);
    }
    let (range, label) = read_span(s, chars).map_err(|why| format!("{side}: {why}"))?;
    let key = format!("{side} {range}");
    let mut span = InSpan::new(0, &key, &label, vec![range]);
    span.status = status;
    span.author = author.map(str::to_owned);
    doc.spans.push(span);
    Ok(key)
}

/// A relation: a link from its head span to its child span, role = label.
fn relation(
    doc: &mut InDoc,
    r: &Value,
    chars: &[char],
    status: Option<Status>,
    author: Option<&str>,
) {
    let label = r
        .get("label")
        .and_then(Value::as_str)
        .filter(|l| !l.trim().is_empty());
    let ends = (
        endpoint(doc, r, "head_span", chars, (status, author)),
        endpoint(doc, r, "child_span", chars, (status, author)),
    );
    match (label, ends) {
        (Some(label), (Ok(from), Ok(to))) => doc.links.push(InLink {
            from,
            to,
            written_role: label.to_owned(),
            link: Link::new(label, AnnotationId::default()),
            ..InLink::default()
        }),
        (None, _) => doc.problems.push((0, format!("relation {r}: no label"))),
        (_, (Err(why), _) | (_, Err(why))) => {
            doc.problems.push((0, format!("relation {r}: {why}")))
        }
    }
}

/// Whole-text classifications: reported, as Marginalia annotates spans.
fn classification(doc: &mut InDoc, task: &Map<String, Value>) {
    if let Some(label) = task.get("label").and_then(Value::as_str)
        && doc.spans.is_empty()
    {
        doc.problems.push((
            0,
            format!("text classification {label:?}: Marginalia annotates spans, not whole texts"),
        ));
    }
    if let Some(Value::Array(chosen)) = task.get("accept")
        && !chosen.is_empty()
    {
        let names: Vec<String> = chosen.iter().map(|c| c.to_string()).collect();
        doc.problems.push((
            0,
            format!(
                "chosen options {}: Marginalia annotates spans, not whole texts",
                names.join(", ")
            ),
        ));
    }
}

/// `"answer": "ignore"`: everything the task holds is left out, and said so.
fn ignore(doc: &mut InDoc) {
    let mut left = Vec::new();
    for s in doc.spans.drain(..) {
        let range = s.fragments.first().copied().unwrap_or_default();
        left.push((0, format!("span {range} {} (answer \"ignore\")", s.label)));
    }
    for l in doc.links.drain(..) {
        left.push((
            0,
            format!("relation {} (answer \"ignore\")", l.written_role),
        ));
    }
    if left.is_empty() {
        left.push((0, "the task (answer \"ignore\")".into()));
    }
    doc.left_out.extend(left);
}
