//! Label Studio tasks: `{"id", "data": {"text", "source"}, "annotations": [{"result": [...]}], "predictions": [{"result": [...]}]}`.
//!
//! Accepted (and, when asked for, rejected) spans go to `annotations`,
//! unreviewed ones to `predictions`, so Label Studio shows pre-annotations as
//! suggestions; each author's spans are an annotation (or prediction) of
//! their own, so identical spans of two authors stay two. Each span is a `labels` result from `label` to `text` with
//! code-point `start`/`end`, the offsets Label Studio's `Text` tag stores
//! since it stopped counting UTF-16 units (label-studio-frontend#308). Some
//! versions still *draw* spans after an emoji shifted (label-studio#4988); the
//! stored offsets are right.
//! Links become `relation` results between spans of the same list; a link
//! from an annotation to a prediction, or between two authors' spans,
//! cannot be held and is reported.
//!
//! [`read`] imports Label Studio's JSON export (checked against
//! label-studio-converter's `annotation_result_from_task`): a list of tasks
//! `{"id", "data": {"text", ...}, "annotations": [{"id", "completed_by",
//! "was_cancelled", "result": [...]}], "predictions": [{"model_version",
//! "result": [...]}]}`, or JSON-MIN (`{"id", "text", "<from_name>":
//! [{"start", "end", "text", "labels"}], "annotator"}`).
//! - a region (`value.start`/`end` in code points, verified against
//!   `value.text`) of an annotation is accepted, of a prediction
//!   unreviewed; one span per label in `value.labels` (or `value.choices`);
//! - `choices` on a labelled region become its attribute `from_name`, a
//!   region's `textarea` text and its Meta (`meta.text`) its note;
//! - `relation` results become links (`direction` `left` reverses them,
//!   each of `labels` is a role, `relation` without labels);
//! - a whole-task `choices` or `textarea` becomes a line `from_name: value`
//!   of the document note;
//! - a cancelled (or skipped) annotation is left out by the annotator's
//!   decision: counted and reported, exit 0;
//! - an annotation's (or prediction's) [`AUTHOR_FIELD`], which Marginalia's
//!   export writes, is its spans' author; otherwise, with several annotators
//!   (`completed_by`) each span's author is its annotator (the email, else
//!   the user id), as the converter names them.

use crate::formats::import::{InDoc, InLink, InNote, InSpan, Parsed, json_items};
use crate::formats::{ExportDoc, Omission, exported_links, type_name};
use crate::model::annotation::{Annotation, AnnotationId, Link, Status};
use crate::model::offset::CharRange;
use serde::Serialize;
use serde_json::{Map, Value, json};
use std::collections::{BTreeMap, BTreeSet, HashMap};

/// Why a link is left out: Label Studio keeps a task's annotations and
/// predictions apart, and a relation joins regions of one result list.
pub const LINK_ACROSS_LISTS: &str =
    "links between an annotation and a prediction (Label Studio keeps them apart)";

/// Why a link is left out: each author's spans are their own annotation (or
/// prediction), and a relation joins regions of one result list.
pub const LINK_ACROSS_AUTHORS: &str =
    "links between spans of two authors (Label Studio keeps each annotator's regions apart)";

/// The field of an annotation (or prediction) object that names its
/// author. Label Studio's importer keeps only `completed_by` (a user it
/// knows, by email or id: anything else fails the whole import), so the
/// author sits in a field it ignores and [`read`] reads back.
pub const AUTHOR_FIELD: &str = "marginalia_author";

/// A span as a `labels` region; its note goes where Label Studio keeps a
/// region's notes (`meta.text`, the region's "Meta" field).
///
/// The task is written straight from these borrowed structs rather than
/// through a `serde_json::Value` per span (47,000 spans of a 22 MB sidecar
/// were 1.1-1.3 s of allocating and freeing maps). Their fields are in the
/// order `Value` wrote them, a sorted map's, so the bytes are the same.
#[derive(Serialize)]
struct Region<'a> {
    from_name: &'static str,
    id: &'a str,
    #[serde(skip_serializing_if = "Option::is_none")]
    meta: Option<OneText<'a>>,
    to_name: &'static str,
    #[serde(rename = "type")]
    kind: &'static str,
    value: RegionValue<'a>,
}

#[derive(Serialize)]
struct RegionValue<'a> {
    end: usize,
    labels: [&'a str; 1],
    start: usize,
    text: &'a str,
}

/// A region's Meta: `{"text": [note]}`.
#[derive(Serialize)]
struct OneText<'a> {
    text: [&'a str; 1],
}

#[derive(Serialize)]
struct Relation<'a> {
    direction: &'static str,
    from_id: &'a str,
    labels: [&'a str; 1],
    to_id: &'a str,
    #[serde(rename = "type")]
    kind: &'static str,
}

/// One item of a result list.
#[derive(Serialize)]
#[serde(untagged)]
enum Item<'a> {
    Region(Region<'a>),
    Relation(Relation<'a>),
}

/// An annotation (accepted or rejected spans of one author).
#[derive(Serialize)]
struct Completion<'a> {
    id: usize,
    #[serde(rename = "marginalia_author")]
    author: &'a str,
    result: Vec<Item<'a>>,
}

/// A prediction (unreviewed spans of one author).
#[derive(Serialize)]
struct Prediction<'a> {
    #[serde(rename = "marginalia_author")]
    author: &'a str,
    model_version: &'a str,
    result: Vec<Item<'a>>,
}

#[derive(Serialize)]
struct TaskData<'a> {
    source: &'a str,
    text: &'a str,
}

/// One article's Label Studio task, as [`export_task`] makes it; serialize
/// it (`serde_json::to_vec`) to write it.
#[derive(Serialize)]
pub struct Task<'a> {
    annotations: Vec<Completion<'a>>,
    data: TaskData<'a>,
    id: u64,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    predictions: Vec<Prediction<'a>>,
}

fn region(a: &Annotation) -> Item<'_> {
    Item::Region(Region {
        from_name: "label",
        id: &a.id.0,
        meta: a.note.as_deref().map(|note| OneText { text: [note] }),
        to_name: "text",
        kind: "labels",
        value: RegionValue {
            end: a.end.0,
            labels: [type_name(a)],
            start: a.start.0,
            text: a.quote.as_str(),
        },
    })
}

fn relation<'a>(from: &'a Annotation, role: &'a str, to: &'a str) -> Item<'a> {
    Item::Relation(Relation {
        direction: "right",
        from_id: &from.id.0,
        labels: [role],
        to_id: to,
        kind: "relation",
    })
}

/// The task object of one article, with Label Studio's integer task `id`.
///
/// Accepted (and rejected) spans go to `annotations`, one annotation per
/// author, so identical spans of two authors stay two, as Label Studio keeps
/// one annotation per annotator; unreviewed spans go to `predictions`, one
/// per author, whose name is also the prediction's `model_version` (which
/// Label Studio keeps and shows). Each annotation has an integer `id`
/// (1, 2, ... within the task) and its author in [`AUTHOR_FIELD`]; no
/// `completed_by`, which Label Studio would reject for a name it does not
/// know. Every task has an `annotations` list, empty when all its spans are
/// unreviewed: label-studio-converter skips a task without one. A link
/// between two result lists (an annotation and a prediction, or two
/// authors) cannot be held and is reported in `omitted`, as is a link to a
/// span the filters left out.
pub fn export_task<'a>(doc: &ExportDoc<'a>, id: u64, omitted: &mut Vec<Omission>) -> Task<'a> {
    let is_prediction = |a: &Annotation| a.status == Status::Unreviewed;
    // A span's result list: (is a prediction, author).
    let list_of = |a: &'a Annotation| (is_prediction(a), a.author.as_str());
    let by_id: HashMap<&str, &Annotation> = doc
        .annotations
        .iter()
        .map(|a| (a.id.0.as_str(), a))
        .collect();
    let mut lists: BTreeMap<(bool, &str), Vec<Item<'a>>> = BTreeMap::new();
    for a in doc.annotations {
        lists.entry(list_of(a)).or_default().push(region(a));
    }
    for (a, l) in exported_links(doc, omitted) {
        let Some(target) = by_id.get(l.target.0.as_str()) else {
            continue;
        };
        let (from, to) = (list_of(a), list_of(target));
        if from != to {
            let reason = match from.0 == to.0 {
                true => LINK_ACROSS_AUTHORS,
                false => LINK_ACROSS_LISTS,
            };
            omitted.push(Omission::link(a, l, reason, true));
            continue;
        }
        let r = relation(a, &l.role, &l.target.0);
        lists.entry(from).or_default().push(r);
    }
    let (mut annotations, mut predictions) = (Vec::new(), Vec::new());
    for ((prediction, author), result) in lists {
        if prediction {
            predictions.push(Prediction {
                author,
                model_version: if author.is_empty() {
                    "marginalia"
                } else {
                    author
                },
                result,
            });
        } else {
            annotations.push(Completion {
                id: annotations.len() + 1,
                author,
                result,
            });
        }
    }
    Task {
        annotations,
        data: TaskData {
            source: doc.source,
            text: doc.article.text(),
        },
        id,
        predictions,
    }
}

/// Keys of a JSON-MIN record that are the converter's own, not task data.
const MIN_META: [&str; 7] = [
    "id",
    "annotator",
    "annotation_id",
    "created_at",
    "updated_at",
    "lead_time",
    "agreement",
];

/// Read a Label Studio JSON export (or JSON-MIN) into the import
/// pipeline's documents, one per task, each element on its task's line.
pub fn read(content: &str) -> Parsed {
    let (items, error) = json_items(content);
    let mut out = Parsed::default();
    let annotators: BTreeSet<String> = items
        .iter()
        .flat_map(|(_, task)| task_annotators(task))
        .collect();
    let several = annotators.len() > 1;
    let records_per_task = min_records_per_task(&items);
    for (line, task) in &items {
        let Value::Object(obj) = task else {
            out.problems
                .push((*line, format!("a task must be a JSON object, not {task}")));
            continue;
        };
        let mut doc = if is_full_task(obj) {
            read_task(obj, several)
        } else {
            let shared = records_per_task.get(&min_task_key(obj)).copied() > Some(1);
            let apart = shared.then(|| min_record_author(obj, *line));
            read_min(obj, several, apart)
        };
        doc.set_line(*line);
        out.docs.push(doc);
    }
    out.problems.extend(error);
    out
}

/// The task a JSON-MIN record belongs to: its `id`, else its data.
fn min_task_key(rec: &Map<String, Value>) -> String {
    match rec.get("id") {
        Some(id) => format!("id {id}"),
        None => {
            let data: Map<String, Value> = rec
                .iter()
                .filter(|(k, _)| !MIN_META.contains(&k.as_str()))
                .map(|(k, v)| (k.clone(), v.clone()))
                .collect();
            Value::Object(data).to_string()
        }
    }
}

/// How many JSON-MIN records each task has. label-studio-converter writes
/// one record per annotation (`convert_to_json_min` loops over them), so
/// two records of one task are two annotations, which must not merge.
fn min_records_per_task(items: &[(usize, Value)]) -> HashMap<String, usize> {
    let mut counts = HashMap::new();
    for (_, item) in items {
        if let Value::Object(obj) = item
            && !is_full_task(obj)
        {
            *counts.entry(min_task_key(obj)).or_insert(0) += 1;
        }
    }
    counts
}

/// Whose a JSON-MIN record is, where its task has several records: its
/// annotator, else its `annotation_id`, else the record itself (its line).
fn min_record_author(rec: &Map<String, Value>, line: usize) -> String {
    annotator(rec.get("annotator"))
        .or_else(|| {
            rec.get("annotation_id").filter(|v| !v.is_null()).map(|v| {
                format!(
                    "annotation {}",
                    v.as_str().map_or(v.to_string(), str::to_owned)
                )
            })
        })
        .unwrap_or_else(|| format!("record on line {line}"))
}

/// A task as Label Studio exports it, rather than a JSON-MIN record.
fn is_full_task(obj: &Map<String, Value>) -> bool {
    ["data", "annotations", "completions", "predictions"]
        .iter()
        .any(|k| obj.contains_key(*k))
}

/// The annotators of a task's kept annotations (or a JSON-MIN record's).
fn task_annotators(task: &Value) -> Vec<String> {
    if let Some(Value::Array(anns)) = task.get("annotations").or_else(|| task.get("completions")) {
        return anns
            .iter()
            .filter(|a| !is_cancelled(a))
            .filter_map(|a| annotator(a.get("completed_by")))
            .collect();
    }
    annotator(task.get("annotator")).into_iter().collect()
}

fn is_cancelled(a: &Value) -> bool {
    [a.get("was_cancelled"), a.get("skipped")]
        .iter()
        .any(|v| v.and_then(Value::as_bool) == Some(true))
}

/// The annotator's name as label-studio-converter gives it: the email of
/// a `completed_by` object, else the id.
fn annotator(v: Option<&Value>) -> Option<String> {
    match v? {
        Value::Object(o) => match o.get("email").or_else(|| o.get("id"))? {
            Value::String(s) => Some(s.clone()),
            other => Some(other.to_string()),
        },
        Value::String(s) => Some(s.clone()),
        Value::Number(n) => Some(n.to_string()),
        _ => None,
    }
}

/// The task's text: `text`, else the first string field (in name order).
fn task_text<'a>(data: &'a Map<String, Value>, skip: &[&str]) -> Option<&'a str> {
    if let Some(Value::String(t)) = data.get("text") {
        return Some(t);
    }
    data.iter()
        .filter(|(k, _)| !skip.contains(&k.as_str()))
        .find_map(|(_, v)| v.as_str())
}

fn read_task(task: &Map<String, Value>, several: bool) -> InDoc {
    let task_id = task.get("id").map_or("?".to_owned(), Value::to_string);
    let mut doc = InDoc::default();
    match task.get("data") {
        Some(Value::Object(data)) => {
            doc.text = task_text(data, &["source"]).map(str::to_owned);
            doc.source = data
                .get("source")
                .and_then(Value::as_str)
                .map(str::to_owned);
        }
        _ => doc.problems.push((
            0,
            format!("task {task_id}: no \"data\" object with the text"),
        )),
    }
    if doc.text.is_none() && doc.source.is_none() {
        doc.problems.push((
            0,
            format!("task {task_id}: its data has no text field; its results cannot be placed"),
        ));
    }
    let chars: Option<Vec<char>> = doc.text.as_ref().map(|t| t.chars().collect());
    let mut reader = Reader {
        doc: &mut doc,
        chars: chars.as_deref(),
    };
    let anns = task.get("annotations").or_else(|| task.get("completions"));
    let mut has_own = false;
    for (k, a) in list(anns).iter().enumerate() {
        let ann_id = a.get("id").map_or(k.to_string(), Value::to_string);
        let place = format!("task {task_id}, annotation {ann_id}");
        let results = list(a.get("result"));
        if is_cancelled(a) {
            let who = annotator(a.get("completed_by")).unwrap_or_else(|| "its annotator".into());
            let what = format!("{place}: cancelled by {who}");
            if results.is_empty() {
                reader.doc.left_out.push((0, what.clone()));
            }
            for r in results {
                reader
                    .doc
                    .left_out
                    .push((0, format!("{what}: {}", describe(r))));
            }
            continue;
        }
        let own = own_author(a);
        has_own |= own.is_some();
        let author = match own {
            Some(_) => own,
            None if several => annotator(a.get("completed_by")),
            None => None,
        };
        reader.results(&place, results, Status::Accepted, author);
    }
    for (k, p) in list(task.get("predictions")).iter().enumerate() {
        let place = format!("task {task_id}, prediction {k}");
        let results = list(p.get("result"));
        let own = own_author(p);
        has_own |= own.is_some();
        reader.results(&place, results, Status::Unreviewed, own);
    }
    doc.per_author = several || has_own;
    doc
}

/// The author Marginalia's export wrote in [`AUTHOR_FIELD`], if any.
fn own_author(annotation: &Value) -> Option<String> {
    annotation
        .get(AUTHOR_FIELD)
        .and_then(Value::as_str)
        .filter(|s| !s.trim().is_empty())
        .map(str::to_owned)
}

/// One JSON-MIN record; `apart` is its author where its task has other
/// records (see [`min_record_author`]).
fn read_min(rec: &Map<String, Value>, several: bool, apart: Option<String>) -> InDoc {
    let task_id = rec.get("id").map_or("?".to_owned(), Value::to_string);
    let is_regions = |v: &Value| {
        v.as_array()
            .is_some_and(|a| !a.is_empty() && a.iter().all(|r| r.get("start").is_some()))
    };
    let region_keys: Vec<&String> = rec
        .iter()
        .filter(|(_, v)| is_regions(v))
        .map(|(k, _)| k)
        .collect();
    let mut skip: Vec<&str> = MIN_META.to_vec();
    skip.extend(region_keys.iter().map(|k| k.as_str()));
    skip.push("source");
    let mut doc = InDoc {
        text: task_text(rec, &skip).map(str::to_owned),
        source: rec.get("source").and_then(Value::as_str).map(str::to_owned),
        ..InDoc::default()
    };
    if doc.text.is_none() {
        doc.problems
            .push((0, format!("record {task_id}: no text field")));
    }
    let chars: Option<Vec<char>> = doc.text.as_ref().map(|t| t.chars().collect());
    let per_author = several || apart.is_some();
    let author = if several {
        annotator(rec.get("annotator")).or(apart)
    } else {
        apart
    };
    let mut reader = Reader {
        doc: &mut doc,
        chars: chars.as_deref(),
    };
    for key in region_keys {
        let results: Vec<Value> = list(rec.get(key))
            .iter()
            .map(|v| json!({"id": Value::Null, "from_name": key, "type": "labels", "value": v}))
            .collect();
        let place = format!("record {task_id}, {key}");
        reader.results(&place, &results, Status::Accepted, author.clone());
    }
    doc.per_author = per_author;
    doc
}

/// A JSON list, or nothing.
fn list(v: Option<&Value>) -> &[Value] {
    v.and_then(Value::as_array).map_or(&[], Vec::as_slice)
}

/// A result in a few words, for a report line.
fn describe(r: &Value) -> String {
    let ty = r.get("type").and_then(Value::as_str).unwrap_or("result");
    let v = r.get("value");
    let labels: Vec<&str> = ["labels", "choices"]
        .iter()
        .flat_map(|k| list(v.and_then(|v| v.get(*k))))
        .filter_map(Value::as_str)
        .collect();
    match (v.and_then(|v| v.get("start")), v.and_then(|v| v.get("end"))) {
        (Some(s), Some(e)) => format!("{ty} {s}-{e} {}", labels.join(",")),
        _ if ty == "relation" => format!(
            "relation {} -> {}",
            r.get("from_id").unwrap_or(&Value::Null),
            r.get("to_id").unwrap_or(&Value::Null)
        ),
        _ => format!("{ty} {}", labels.join(",")).trim_end().to_owned(),
    }
}

/// Reads the result lists of one task into its document.
struct Reader<'a> {
    doc: &'a mut InDoc,
    /// The task's text, to verify `value.text` against.
    chars: Option<&'a [char]>,
}

impl Reader<'_> {
    fn problem(&mut self, place: &str, r: &Value, why: &str) {
        self.doc
            .problems
            .push((0, format!("{place}: {}: {why}", describe(r))));
    }

    /// One result list: labelled regions first (so per-region choices,
    /// text and relations find them), then the rest. `place` (task and
    /// annotation) keeps region ids of different lists apart.
    fn results(&mut self, place: &str, results: &[Value], status: Status, author: Option<String>) {
        let mut regions: HashMap<String, String> = HashMap::new();
        let names = |r: &Value, key: &str| list(r.get("value").and_then(|v| v.get(key))).to_vec();
        let has_offsets = |r: &Value| {
            r.get("value")
                .is_some_and(|v| v.get("start").is_some() || v.get("end").is_some())
        };
        let mut rest = Vec::new();
        for (i, r) in results.iter().enumerate() {
            let labels = names(r, "labels");
            if has_offsets(r) && !labels.is_empty() {
                self.region(place, (i, r), &labels, (status, &author), &mut regions);
            } else {
                rest.push((i, r));
            }
        }
        for (i, r) in rest {
            let is_known = r
                .get("id")
                .and_then(Value::as_str)
                .is_some_and(|id| regions.contains_key(id));
            let choices = names(r, "choices");
            if has_offsets(r) && !is_known && !choices.is_empty() {
                self.region(place, (i, r), &choices, (status, &author), &mut regions);
            } else {
                self.other(place, r, &regions);
            }
        }
    }

    /// A region: one span per name, the first named by the region's id.
    fn region(
        &mut self,
        place: &str,
        (i, r): (usize, &Value),
        names: &[Value],
        (status, author): (Status, &Option<String>),
        regions: &mut HashMap<String, String>,
    ) {
        let Some(range) = self.offsets(place, r) else {
            return;
        };
        let rid = r.get("id").and_then(Value::as_str);
        // Unique within the task (the place names the annotation or
        // prediction), and what reports call the span.
        let base = match rid {
            Some(id) => format!("{place}, region {id}"),
            None => format!("{place}, result {i}"),
        };
        let mut first_key = None;
        for (n, name) in names.iter().enumerate() {
            let Some(name) = name.as_str().filter(|s| !s.trim().is_empty()) else {
                self.problem(place, r, "a label is not a name");
                continue;
            };
            let key = if n == 0 {
                base.clone()
            } else {
                format!("{base}#{n}")
            };
            let mut span = InSpan::new(0, &key, name, vec![range]);
            span.status = Some(status);
            span.author = author.clone();
            span.note = meta_note(r);
            self.doc.spans.push(span);
            first_key.get_or_insert(key);
        }
        if let (Some(id), Some(key)) = (rid, first_key) {
            regions.entry(id.to_owned()).or_insert(key);
        }
    }

    /// A region's offsets, verified against `value.text`. Offsets that only
    /// fit as UTF-16 code units (Label Studio before it counted code points)
    /// are converted, with a notice.
    fn offsets(&mut self, place: &str, r: &Value) -> Option<CharRange> {
        let v = r.get("value")?;
        let (Some(start), Some(end)) = (
            v.get("start").and_then(Value::as_u64),
            v.get("end").and_then(Value::as_u64),
        ) else {
            self.problem(
                place,
                r,
                "value.start/end are not character offsets (HyperText regions are not read)",
            );
            return None;
        };
        let (start, end) = (start as usize, end as usize);
        let range = CharRange::from_usize(start, end.max(start));
        let (Some(chars), Some(want)) = (self.chars, v.get("text").and_then(Value::as_str)) else {
            return Some(range);
        };
        let at = |s: usize, e: usize| chars.get(s..e).map(|c| c.iter().collect::<String>());
        if at(start, end).as_deref() == Some(want) {
            return Some(range);
        }
        if let Some((s, e)) = utf16_to_chars(chars, start, end)
            && at(s, e).as_deref() == Some(want)
        {
            self.doc.notices.push((
                0,
                format!("{place}: {}: offsets counted in UTF-16 code units (older Label Studio); read as {s}-{e}", describe(r)),
            ));
            return Some(CharRange::from_usize(s, e));
        }
        let found = at(start, end).unwrap_or_else(|| "(out of range)".into());
        self.problem(
            place,
            r,
            &format!("value.text {want:?} is not the task text at {start}-{end} ({found:?})"),
        );
        None
    }

    /// A result that is not a labelled region: choices or text on a region
    /// or on the whole task, or a relation.
    fn other(&mut self, place: &str, r: &Value, regions: &HashMap<String, String>) {
        let ty = r.get("type").and_then(Value::as_str).unwrap_or("");
        if ty == "relation" {
            return self.relation(place, r, regions);
        }
        let from_name = r.get("from_name").and_then(Value::as_str).unwrap_or(ty);
        let v = r.get("value");
        let values: Vec<&str> = ["choices", "text", "taxonomy"]
            .iter()
            .flat_map(|k| list(v.and_then(|v| v.get(*k))))
            .filter_map(Value::as_str)
            .collect();
        let single_text = v.and_then(|v| v.get("text")).and_then(Value::as_str);
        let region = r
            .get("id")
            .and_then(Value::as_str)
            .and_then(|id| regions.get(id));
        let has_offsets = v.is_some_and(|v| v.get("start").is_some());
        match (region, ty) {
            (Some(key), "choices" | "taxonomy") => {
                let key = key.clone();
                if let Some(span) = self
                    .doc
                    .spans
                    .iter_mut()
                    .find(|s| s.key.as_deref() == Some(&key))
                {
                    span.attrs.insert(from_name.to_owned(), values.join(", "));
                }
            }
            (Some(key), "textarea") => {
                let key = key.clone();
                self.doc.notes.push(InNote {
                    line: 0,
                    target: Some(key),
                    text: values.join("\n"),
                });
            }
            (None, "choices" | "taxonomy" | "textarea") if !has_offsets && !values.is_empty() => {
                let sep = if ty == "textarea" { "\n" } else { ", " };
                self.doc.notes.push(InNote {
                    line: 0,
                    target: None,
                    text: format!("{from_name}: {}", values.join(sep)),
                });
            }
            _ if has_offsets && single_text.is_some() && values.is_empty() => {
                self.problem(place, r, "a region without labels");
            }
            _ => self.problem(
                place,
                r,
                &format!("a {ty:?} result is not a text span, link, choice or text; not imported"),
            ),
        }
    }

    fn relation(&mut self, place: &str, r: &Value, regions: &HashMap<String, String>) {
        let key = |k: &str| {
            r.get(k)
                .and_then(Value::as_str)
                .and_then(|id| regions.get(id))
                .cloned()
        };
        let (Some(mut from), Some(mut to)) = (key("from_id"), key("to_id")) else {
            return self.problem(
                place,
                r,
                "it joins a region that is not a span of the same result list",
            );
        };
        let direction = r
            .get("direction")
            .and_then(Value::as_str)
            .unwrap_or("right");
        if direction == "left" {
            std::mem::swap(&mut from, &mut to);
        }
        let labels: Vec<&str> = list(r.get("labels"))
            .iter()
            .filter_map(Value::as_str)
            .collect();
        let roles = if labels.is_empty() {
            vec!["relation"]
        } else {
            labels
        };
        for role in roles {
            let mut link = Link::new(role, AnnotationId::default());
            if direction == "bi" {
                link.attrs.insert("direction".into(), "bi".into());
            }
            self.doc.links.push(InLink {
                from: from.clone(),
                to: to.clone(),
                written_role: role.to_owned(),
                link,
                ..InLink::default()
            });
        }
    }
}

/// A region's Meta text (where Label Studio keeps a region's notes).
fn meta_note(r: &Value) -> Option<String> {
    let texts: Vec<&str> = match r.get("meta").and_then(|m| m.get("text"))? {
        Value::String(s) => vec![s.as_str()],
        Value::Array(a) => a.iter().filter_map(Value::as_str).collect(),
        _ => return None,
    };
    (!texts.is_empty()).then(|| texts.join("\n"))
}

/// UTF-16 code-unit offsets of `chars` as code-point offsets, when both
/// fall between characters.
fn utf16_to_chars(chars: &[char], start: usize, end: usize) -> Option<(usize, usize)> {
    let (mut units, mut s, mut e) = (0usize, None, None);
    for (i, c) in chars.iter().enumerate() {
        if units == start {
            s = Some(i);
        }
        if units == end {
            e = Some(i);
        }
        units += c.len_utf16();
    }
    if units == start {
        s = Some(chars.len());
    }
    if units == end {
        e = Some(chars.len());
    }
    Some((s?, e?))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::annotation::{Label, test_entity};
    use crate::model::document::Article;

    /// The task as `export_task` built it before it wrote typed structs: one
    /// `serde_json::Value` per span (a sorted map).
    fn task_as_values(doc: &ExportDoc<'_>, id: u64) -> Value {
        let region = |a: &Annotation| {
            let mut r = json!({
                "id": a.id.0, "from_name": "label", "to_name": "text", "type": "labels",
                "value": { "start": a.start.0, "end": a.end.0, "text": a.quote, "labels": [type_name(a)] },
            });
            if let Some(note) = &a.note {
                r["meta"] = json!({ "text": [note] });
            }
            r
        };
        let list_of = |a: &Annotation| (a.status == Status::Unreviewed, a.author.clone());
        let by_id: HashMap<&str, &Annotation> = doc
            .annotations
            .iter()
            .map(|a| (a.id.0.as_str(), a))
            .collect();
        let mut lists: BTreeMap<(bool, String), Vec<Value>> = BTreeMap::new();
        for a in doc.annotations {
            lists.entry(list_of(a)).or_default().push(region(a));
        }
        for (a, l) in exported_links(doc, &mut Vec::new()) {
            let Some(target) = by_id.get(l.target.0.as_str()) else {
                continue;
            };
            if list_of(a) == list_of(target) {
                lists.entry(list_of(a)).or_default().push(json!({
                    "from_id": a.id.0, "to_id": l.target.0, "type": "relation",
                    "direction": "right", "labels": [l.role],
                }));
            }
        }
        let (mut annotations, mut predictions) = (Vec::new(), Vec::new());
        for ((prediction, author), result) in lists {
            if prediction {
                let version = if author.is_empty() {
                    "marginalia"
                } else {
                    author.as_str()
                };
                predictions.push(
                    json!({ "model_version": version, AUTHOR_FIELD: author, "result": result }),
                );
            } else {
                let n = annotations.len() + 1;
                annotations.push(json!({ "id": n, AUTHOR_FIELD: author, "result": result }));
            }
        }
        let mut task = json!({
            "id": id,
            "data": { "text": doc.article.text(), "source": doc.source },
            "annotations": annotations,
        });
        if !predictions.is_empty() {
            task["predictions"] = Value::Array(predictions);
        }
        task
    }

    #[test]
    fn a_task_writes_the_bytes_its_json_values_wrote() {
        let text = "Ana said \"l\u{e9}t\u{2019}s go\"\u{1}\\ \u{1f600}\t\nin Rome.\n".repeat(6);
        let article = Article::new(text);
        let statuses = [Status::Unreviewed, Status::Accepted, Status::Rejected];
        let authors = ["", "t", "ana \"b\"\\", "t"];
        let mut anns: Vec<Annotation> = (0..article.char_len() - 3)
            .step_by(7)
            .enumerate()
            .map(|(i, s)| {
                let mut a = test_entity(&article, s, s + 3, &format!("a{i}\u{e9}"));
                a.status = statuses[i % 3];
                a.author = authors[i % 4].into();
                a.note = (i % 5 == 1).then(|| format!("n\u{f6}te \"{i}\"\n"));
                a.kind = (i % 6 == 2).then(|| "PER\u{1f600}".to_string());
                a.label = [Label::Entity, Label::Quote, Label::Claim][(i / 2) % 3];
                a
            })
            .collect();
        let n = anns.len();
        // Links in one list, across statuses, across authors, and to a span left out.
        for (i, a) in anns.iter_mut().enumerate() {
            for j in [i + 12, i + 1, i + 4, n] {
                let target = AnnotationId(format!("a{j}\u{e9}"));
                a.links
                    .push(Link::new(format!("r\u{f6}le{}", j % 3), target));
            }
        }
        for (k, shown) in [n - 1, n, 1, 0].into_iter().enumerate() {
            let doc = ExportDoc {
                article: &article,
                source: ["a.txt", "d\u{e9}/\"b\".txt"][k % 2],
                annotations: &anns[..shown],
                note: None,
            };
            let (mut omitted, mut omitted_before) = (Vec::new(), Vec::new());
            let task = export_task(&doc, k as u64 + 1, &mut omitted);
            let before = task_as_values(&doc, k as u64 + 1);
            assert_eq!(
                serde_json::to_string(&task).unwrap(),
                serde_json::to_string(&before).unwrap()
            );
            // What the old builder left out, by the same rules.
            let by_id: HashMap<&str, &Annotation> =
                anns[..shown].iter().map(|a| (a.id.0.as_str(), a)).collect();
            for (a, l) in exported_links(&doc, &mut omitted_before) {
                let to = by_id[l.target.0.as_str()];
                if (a.status == Status::Unreviewed, &a.author)
                    != (to.status == Status::Unreviewed, &to.author)
                {
                    let across =
                        (a.status == Status::Unreviewed) == (to.status == Status::Unreviewed);
                    let reason = if across {
                        LINK_ACROSS_AUTHORS
                    } else {
                        LINK_ACROSS_LISTS
                    };
                    omitted_before.push(Omission::link(a, l, reason, true));
                }
            }
            assert_eq!(omitted, omitted_before);
        }
        assert!(
            serde_json::to_string(&task_as_values(
                &ExportDoc {
                    article: &article,
                    source: "a",
                    annotations: &anns,
                    note: None
                },
                1
            ))
            .unwrap()
            .contains("\"type\":\"relation\"")
        );
    }
}
