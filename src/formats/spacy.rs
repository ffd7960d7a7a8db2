//! spaCy-style JSONL: one object per line,
//! `{"text", "spans": [{"start", "end", "label", "kind"?, "id", "status", "author", "note"?, "attrs"?,
//! "events"?, "norms"?}], "meta": {"source", "title", "date", "note"?}, "links": [{"from", "to", "role", ...}]}`.
//!
//! Offsets are code points of the article text, which is what Python's
//! `str` indexing and spaCy's `Doc.char_span` use. Reading accepts the subset
//! written here plus anything extra (ignored); writing is deterministic.

use crate::formats::import::{InDoc, InLink, InNote, InSpan as PipelineSpan};
use crate::formats::{ExportDoc, Omission, exported_links, link_from_json, link_to_json};
use crate::model::annotation::{Annotation, AnnotationId, EventInfo, Normalization, Status};
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

/// The whole record, serialized at once: what [`export_line`] must equal.
#[cfg(test)]
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
///
/// A big article's spans are serialized in slices on every core, next to
/// its text, and joined in order: the line is the same bytes as the whole
/// record serialized at once.
pub fn export_line(doc: &ExportDoc<'_>, omitted: &mut Vec<Omission>) -> String {
    let line = export_line_parts(doc, omitted).concat();
    // SAFETY: the parts are UTF-8 and cut at ASCII bytes (see
    // `export_line_in`).
    unsafe { String::from_utf8_unchecked(line) }
}

/// [`export_line`] as parts to be written one after the other (the text,
/// then one part per slice of spans, then the rest), so a big line is
/// never copied into one buffer.
pub fn export_line_parts(doc: &ExportDoc<'_>, omitted: &mut Vec<Omission>) -> Vec<Vec<u8>> {
    export_line_in(doc, omitted, PARALLEL_SPANS)
}

/// Spans per slice serialized on its own thread.
const PARALLEL_SPANS: usize = 4096;

/// [`export_line_parts`] with the spans in slices of `chunk`. Every part
/// is UTF-8 (serde_json writes UTF-8, the rest is ASCII).
fn export_line_in(doc: &ExportDoc<'_>, omitted: &mut Vec<Omission>, chunk: usize) -> Vec<Vec<u8>> {
    let meta = doc.article.meta();
    let out_meta = OutMeta {
        source: doc.source,
        title: meta.title.as_deref(),
        date: meta.date.map(|d| d.to_string()),
        note: doc.note,
    };
    let links: Vec<Value> = exported_links(doc, omitted)
        .into_iter()
        .map(|(a, l)| link_to_json(&a.id, l))
        .collect();
    let text = doc.article.text();
    // The fields in `OutRecord`'s order, as serde_json writes a struct.
    let mut line: Vec<u8> = Vec::new();
    let mut parts = Vec::new();
    if doc.annotations.len() <= chunk {
        // One part: a small line is cheaper whole.
        line.reserve(text.len() + doc.annotations.len() * 200 + 256);
        write_text(&mut line, text);
        line.extend_from_slice(b",\"spans\":[");
        json_elements(&mut line, doc.annotations, out_span);
    } else {
        std::thread::scope(|scope| {
            let slices: Vec<_> = doc
                .annotations
                .chunks(chunk)
                .enumerate()
                .map(|(i, slice)| {
                    scope.spawn(move || {
                        let mut part = Vec::with_capacity(slice.len() * 200 + 1);
                        if i > 0 {
                            part.push(b',');
                        }
                        json_elements(&mut part, slice, out_span);
                        part
                    })
                })
                .collect();
            let mut head = Vec::with_capacity(text.len() + text.len() / 8 + 64);
            write_text(&mut head, text);
            head.extend_from_slice(b",\"spans\":[");
            parts.push(head);
            parts.extend(
                slices
                    .into_iter()
                    .map(|h| h.join().unwrap_or_else(|p| std::panic::resume_unwind(p))),
            );
        });
    }
    line.extend_from_slice(b"],\"meta\":");
    // Writing JSON to a Vec fails only on a map with non-string keys,
    // which none of these has.
    let _ = serde_json::to_writer(&mut line, &out_meta);
    line.extend_from_slice(b",\"links\":");
    let _ = serde_json::to_writer(&mut line, &links);
    line.extend_from_slice(b"}\n");
    parts.push(line);
    parts
}

/// `{"text":` and the text as a JSON string (as serde_json writes it, faster).
fn write_text(line: &mut Vec<u8>, text: &str) {
    line.extend_from_slice(b"{\"text\":");
    crate::formats::json::write_str(line, text);
}

/// What `serde_json` writes for `annotations` as a list of [`OutSpan`]s,
/// without the brackets, appended to `out`.
fn json_elements(
    out: &mut Vec<u8>,
    annotations: &[Annotation],
    span: fn(&Annotation) -> OutSpan<'_>,
) {
    for (i, a) in annotations.iter().enumerate() {
        if i > 0 {
            out.push(b',');
        }
        let _ = serde_json::to_writer(&mut *out, &span(a));
    }
}

fn out_span(a: &Annotation) -> OutSpan<'_> {
    OutSpan {
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
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::annotation::{Label, Link, test_entity};
    use crate::model::document::Article;

    /// Regression (issue 14, export in slices): a big article's spans are
    /// serialized in slices on several threads and joined; the line must be
    /// the bytes of the whole record serialized at once, whatever the slice
    /// size (empty, one span, a remainder, more slices than cores).
    #[test]
    fn spans_serialized_in_slices_give_the_bytes_of_one_record() {
        let text = "Ana said \"l\u{e9}t\u{2019}s go\" \u{1f600}\t\nto \u{645}\u{62d}\u{645}\u{62f} in Rome.\n".repeat(60);
        let article = Article::new(text);
        let len = article.char_len();
        let mut anns: Vec<Annotation> = (0..len - 3)
            .step_by(7)
            .enumerate()
            .map(|(i, s)| {
                let mut a = test_entity(&article, s, s + 1 + i % 5, &format!("a{i:04}"));
                match i % 4 {
                    0 => a.note = Some(format!("note \"{i}\"\n")),
                    1 => {
                        a.label = Label::Quote;
                        a.attrs.insert("stance".into(), "\u{e9}".into());
                    }
                    2 => a.kind = Some("PER".into()),
                    _ => a.events.push(EventInfo {
                        id: format!("E{i}"),
                        kind: "Attribution".into(),
                        attrs: BTreeMap::new(),
                        note: None,
                    }),
                }
                a
            })
            .collect();
        let target = anns[3].id.clone();
        anns[10].links.push(Link::new("speaker", target));
        anns[11]
            .links
            .push(Link::new("source", AnnotationId("gone".into())));
        for n in [0, 1, anns.len()] {
            let annotations = &anns[..n];
            let doc = ExportDoc {
                article: &article,
                source: "d/a.txt",
                annotations,
                note: Some("whole \"article\""),
            };
            let mut omitted_once = Vec::new();
            let rec = OutRecord {
                text: article.text(),
                spans: annotations.iter().map(out_span).collect(),
                meta: OutMeta {
                    source: doc.source,
                    title: article.meta().title.as_deref(),
                    date: article.meta().date.map(|d| d.to_string()),
                    note: doc.note,
                },
                links: exported_links(&doc, &mut omitted_once)
                    .into_iter()
                    .map(|(a, l)| link_to_json(&a.id, l))
                    .collect(),
            };
            let once = serde_json::to_string(&rec).unwrap() + "\n";
            for chunk in [1, 2, 3, 64, n.max(1), usize::MAX] {
                let mut omitted = Vec::new();
                let line = export_line_in(&doc, &mut omitted, chunk).concat();
                assert_eq!(line, once.as_bytes(), "{n} spans in slices of {chunk}");
                assert_eq!(omitted, omitted_once);
            }
        }
        assert!(anns.len() > 300);
    }

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
