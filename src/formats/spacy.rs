//! spaCy-style JSONL: one object per line,
//! `{"text", "spans": [{"start", "end", "label", "kind"?, "id", "status", "author", "note"?, "attrs"?,
//! "events"?, "norms"?}], "meta": {"source", "title", "date", "note"?}, "links": [{"from", "to", "role", ...}]}`.
//!
//! Offsets are code points of the article text, which is what Python's
//! `str` indexing and spaCy's `Doc.char_span` use. Reading accepts the subset
//! written here plus anything extra (ignored); writing is deterministic.

use crate::formats::import::{InDoc, InLink, InNote, InSpan as PipelineSpan};
use crate::formats::{ExportDoc, Omission, exported_links, link_from_json, link_to_json};
use crate::model::annotation::{AnnotationId, EventInfo, Normalization, Status};
use crate::model::offset::CharRange;
use serde::{Deserialize, Serialize};
use serde_json::Value;
use std::collections::BTreeMap;

#[derive(Deserialize)]
struct InRecord {
    text: Option<String>,
    #[serde(default)]
    spans: InSpans,
    /// spaCy's own `Doc.to_json()` writes entities here.
    #[serde(default)]
    ents: Vec<InSpan>,
    #[serde(default)]
    meta: Option<InRecordMeta>,
    /// Links between spans, by span `id` (what [`export_line`] writes).
    #[serde(default)]
    links: Vec<Value>,
}

#[derive(Deserialize)]
struct InRecordMeta {
    #[serde(default)]
    source: Option<String>,
    #[serde(default)]
    note: Option<String>,
}

/// Marginalia writes a list; spaCy's `Doc.to_json()` writes span groups
/// (`{"sc": [...]}`), read in key order.
#[derive(Deserialize)]
#[serde(untagged)]
enum InSpans {
    List(Vec<InSpan>),
    Groups(std::collections::BTreeMap<String, Vec<InSpan>>),
}

impl Default for InSpans {
    fn default() -> Self {
        InSpans::List(Vec::new())
    }
}

#[derive(Deserialize)]
struct InSpan {
    start: usize,
    end: usize,
    label: String,
    #[serde(default)]
    kind: Option<String>,
    #[serde(default)]
    id: Option<String>,
    #[serde(default)]
    status: Option<String>,
    #[serde(default)]
    author: Option<String>,
    #[serde(default)]
    note: Option<String>,
    #[serde(default)]
    attrs: BTreeMap<String, String>,
    #[serde(default)]
    events: Vec<Value>,
    #[serde(default)]
    norms: Vec<Value>,
}

/// Parse one JSONL line into the import pipeline's document: spans with
/// their `id`, `status`, `author`, `note` and `attrs` when the record has
/// them (a Marginalia export read back), the record's `links` by span id,
/// and `meta.note` as the note on the whole article. Records of other tools
/// (no such fields; spaCy's own `Doc.to_json()` with `ents` and span groups)
/// read as plain spans. The error is a one-line reason for the report.
///
/// ```
/// let r = marginalia::formats::spacy::parse_line(
///     r#"{"text": "Hi Ana", "spans": [{"start": 3, "end": 6, "label": "PER"}], "meta": {"source": "a.txt"}}"#,
/// ).unwrap();
/// assert_eq!((r.spans[0].fragments[0].start.0, r.source.as_deref()), (3, Some("a.txt")));
/// ```
pub fn parse_line(line: &str) -> Result<InDoc, String> {
    let rec: InRecord =
        serde_json::from_str(line).map_err(|e| format!("not a spaCy record: {e}"))?;
    let spans = match rec.spans {
        InSpans::List(list) => list,
        InSpans::Groups(groups) => groups.into_values().flatten().collect(),
    };
    let mut doc = InDoc {
        text: rec.text,
        source: rec.meta.as_ref().and_then(|m| m.source.clone()),
        ..InDoc::default()
    };
    if let Some(note) = rec.meta.and_then(|m| m.note) {
        doc.notes.push(InNote {
            text: note,
            ..InNote::default()
        });
    }
    for (i, s) in spans.into_iter().chain(rec.ents).enumerate() {
        let key = s.id.clone().unwrap_or_else(|| format!("#{i}"));
        let status = match s.status.as_deref().map(|st| (st, Status::parse(st))) {
            None => None,
            Some((_, Some(st))) => Some(st),
            Some((st, None)) => {
                doc.problems.push((
                    0,
                    format!("{key}: unknown status {st:?}; span not imported"),
                ));
                continue;
            }
        };
        if !s.events.is_empty() || !s.norms.is_empty() {
            doc.problems.push((
                0,
                format!("{key}: brat events and normalizations in spaCy JSONL are not read back"),
            ));
        }
        let mut span = PipelineSpan::new(
            0,
            &key,
            &s.label,
            vec![CharRange::from_usize(s.start, s.end.max(s.start))],
        );
        span.kind = s.kind;
        span.id = s.id.map(AnnotationId);
        span.status = status;
        span.author = s.author;
        span.note = s.note;
        span.attrs = s.attrs;
        doc.spans.push(span);
    }
    // Spans that name their author (a Marginalia export) are duplicates
    // only of the same author's: two annotators' identical spans stay two.
    doc.per_author = doc.spans.iter().any(|s| s.author.is_some());
    for v in &rec.links {
        match link_from_json(v) {
            Ok((from, link)) => doc.links.push(InLink {
                line: 0,
                key: None,
                from: from.0,
                to: link.target.0.clone(),
                written_role: link.role.clone(),
                link,
            }),
            Err(reason) => doc.problems.push((0, reason)),
        }
    }
    Ok(doc)
}

#[derive(Serialize)]
struct OutRecord<'a> {
    text: &'a str,
    spans: Vec<OutSpan<'a>>,
    meta: OutMeta<'a>,
    links: Vec<Value>,
}

#[derive(Serialize)]
struct OutSpan<'a> {
    start: usize,
    end: usize,
    label: &'static str,
    #[serde(skip_serializing_if = "Option::is_none")]
    kind: Option<&'a str>,
    id: &'a str,
    status: Status,
    author: &'a str,
    #[serde(skip_serializing_if = "Option::is_none")]
    note: Option<&'a str>,
    #[serde(skip_serializing_if = "BTreeMap::is_empty")]
    attrs: &'a BTreeMap<String, String>,
    #[serde(skip_serializing_if = "<[_]>::is_empty")]
    events: &'a [EventInfo],
    #[serde(skip_serializing_if = "<[_]>::is_empty")]
    norms: &'a [Normalization],
}

#[derive(Serialize)]
struct OutMeta<'a> {
    source: &'a str,
    title: Option<&'a str>,
    date: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    note: Option<&'a str>,
}

/// One JSONL line (with its `\n`) for an article. Every span carries its
/// `id`, `status`, `author`, and its `note`, `attrs`, `events` (brat events
/// it triggers) and `norms` (brat normalizations) when it has them; the
/// article's note goes to `meta.note`; the
/// record's `links` hold every link between exported spans with all its
/// fields ([`crate::formats::link_to_json`]). A link to a span left out by
/// the filters is reported in `omitted`.
pub fn export_line(doc: &ExportDoc<'_>, omitted: &mut Vec<Omission>) -> String {
    let meta = doc.article.meta();
    let rec = OutRecord {
        text: doc.article.text(),
        spans: doc
            .annotations
            .iter()
            .map(|a| OutSpan {
                start: a.start.0,
                end: a.end.0,
                label: a.label.upper_name(),
                kind: a.kind.as_deref(),
                id: &a.id.0,
                status: a.status,
                author: &a.author,
                note: a.note.as_deref(),
                attrs: &a.attrs,
                events: &a.events,
                norms: &a.norms,
            })
            .collect(),
        meta: OutMeta {
            source: doc.source,
            title: meta.title.as_deref(),
            date: meta.date.map(|d| d.to_string()),
            note: doc.note,
        },
        links: exported_links(doc, omitted)
            .into_iter()
            .map(|(a, l)| link_to_json(&a.id, l))
            .collect(),
    };
    let mut line = serde_json::to_string(&rec).unwrap_or_default();
    line.push('\n');
    line
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_spacys_own_doc_to_json() {
        // What spaCy 3.8's `Doc.to_json()` writes (tokens cut short).
        let line = r#"{"text": "Ana met Bo in Rome", "ents": [{"start": 14, "end": 18, "label": "GPE"}],
            "spans": {"sc": [{"start": 0, "end": 3, "label": "PER", "kb_id": ""}], "aux": []},
            "sents": [{"start": 0, "end": 18}], "tokens": [{"id": 0, "start": 0, "end": 3}]}"#;
        let r = parse_line(line).unwrap();
        let spans: Vec<(usize, usize, &str)> = r
            .spans
            .iter()
            .map(|s| {
                (
                    s.fragments[0].start.0,
                    s.fragments[0].end.0,
                    s.label.as_str(),
                )
            })
            .collect();
        assert_eq!(spans, [(0, 3, "PER"), (14, 18, "GPE")]);
        assert!(parse_line(r#"{"text": "x", "spans": 3}"#).is_err());
    }
}
