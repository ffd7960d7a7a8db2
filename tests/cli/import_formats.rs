//! doccano, Label Studio and Prodigy imports as a user runs them: the real
//! binary on files shaped as those tools export them (doccano's
//! `data_export` and 1.x `JSONLRenderer`, label-studio-converter's reading of
//! a JSON export, Prodigy's documented `db-out`), then the saved sidecar.

use crate::{assert_exit, marginalia, stderr, stdout};
use marginalia::model::annotation::{Annotation, Status};
use marginalia::store::sidecar;
use serde_json::json;
use std::path::Path;

const TEXT: &str =
    "Google was founded on September 4, 1998, by Larry Page and Sergey Brin. 👋 Ana said «peace».";

/// A folder with the article `g.txt` and the input `name` holding `lines`.
fn setup(name: &str, body: &str) -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("g.txt"), TEXT).unwrap();
    std::fs::write(dir.path().join(name), body).unwrap();
    dir
}

fn jsonl(lines: &[serde_json::Value]) -> String {
    lines.iter().map(|l| format!("{l}\n")).collect()
}

/// Code-point offsets of `needle` in [`TEXT`].
fn at(needle: &str) -> (usize, usize) {
    let byte = TEXT.find(needle).unwrap();
    let start = TEXT[..byte].chars().count();
    (start, start + needle.chars().count())
}

fn saved(dir: &Path) -> sidecar::Sidecar {
    sidecar::read(&sidecar::sidecar_path(&dir.join("g.txt")))
        .unwrap()
        .expect("a sidecar")
        .0
}

fn by_quote<'a>(sc: &'a sidecar::Sidecar, quote: &str) -> Vec<&'a Annotation> {
    sc.annotations.iter().filter(|a| a.quote == quote).collect()
}

fn one<'a>(sc: &'a sidecar::Sidecar, quote: &str) -> &'a Annotation {
    let found = by_quote(sc, quote);
    assert_eq!(found.len(), 1, "{quote}: {found:?}");
    found[0]
}

/// `(role, target's quote)` of `a`'s links.
fn links(sc: &sidecar::Sidecar, a: &Annotation) -> Vec<(String, String)> {
    a.links
        .iter()
        .map(|l| {
            let t = sc.annotations.iter().find(|b| b.id == l.target).unwrap();
            (l.role.clone(), t.quote.to_string())
        })
        .collect()
}

/// The report lines on stdout that start with `input:line: `.
fn reported(out: &std::process::Output, input: &str, line: usize) -> Vec<String> {
    let prefix = format!("{input}:{line}: ");
    stdout(out)
        .lines()
        .filter(|l| l.starts_with(&prefix))
        .map(str::to_owned)
        .collect()
}

#[test]
fn doccano_relations_comments_and_the_older_labels_key_are_imported() {
    let (g, d, l) = (at("Google"), at("September 4, 1998"), at("Larry Page"));
    let s = at("Sergey Brin");
    let body = jsonl(&[
        // doccano's relation export: ExportedSpan/ExportedRelation/ExportedComment.to_dict().
        json!({"id": 7, "text": TEXT,
            "entities": [
                {"id": 10, "label": "ORG", "start_offset": g.0, "end_offset": g.1},
                {"id": 11, "label": "DATE", "start_offset": d.0, "end_offset": d.1},
                {"id": 12, "label": "PERSON", "start_offset": l.0, "end_offset": l.1, "comment": "co-founder"}],
            "relations": [
                {"id": 1, "from_id": 10, "to_id": 11, "type": "foundedAt"},
                {"id": 2, "from_id": 10, "to_id": 12, "type": "foundedBy"}],
            "Comments": [{"id": 3, "comment": "check the date"}]}),
        // doccano 1.x "JSONL (text label)": `labels`; the label export's Comments are strings.
        json!({"id": 8, "text": TEXT, "labels": [[s.0, s.1, "PERSON"]], "meta": {}, "annotation_approver": null,
            "Comments": ["Brin spelled right"]}),
    ]);
    let dir = setup("in.jsonl", &body);
    let out = marginalia(&["import", "--format", "doccano", "in.jsonl"], dir.path());
    assert_exit(&out, 0);
    assert!(
        stderr(&out).contains(
            "2 records: 8 imported (4 spans, 2 links, 2 notes), 0 duplicates skipped, 0 left out, 0 not imported"
        ),
        "{}",
        stderr(&out)
    );
    let sc = saved(dir.path());
    assert_eq!(
        sc.note.as_deref(),
        Some("check the date\nBrin spelled right")
    );
    let google = one(&sc, "Google");
    assert_eq!(
        links(&sc, google),
        [
            ("foundedAt".to_owned(), "September 4, 1998".to_owned()),
            ("foundedBy".to_owned(), "Larry Page".to_owned())
        ]
    );
    assert_eq!(one(&sc, "Larry Page").note.as_deref(), Some("co-founder"));
    assert_eq!(one(&sc, "Sergey Brin").kind.as_deref(), Some("PERSON"));
    // A second import adds nothing.
    let again = marginalia(&["import", "--format", "doccano", "in.jsonl"], dir.path());
    assert!(
        stderr(&again).contains("0 imported, 8 duplicates skipped"),
        "{}",
        stderr(&again)
    );
}

#[test]
fn doccano_numeric_label_ids_need_the_label_list() {
    let (g, l) = (at("Google"), at("Larry Page"));
    // doccano 1.x "JSONL": DocumentSerializer with SequenceAnnotationSerializer
    // (id, prob, document popped), label = the label's primary key.
    let body = jsonl(&[json!({"id": 1, "text": TEXT,
        "annotations": [
            {"label": 4, "start_offset": g.0, "end_offset": g.1, "user": 1},
            {"label": 5, "start_offset": l.0, "end_offset": l.1, "user": 2}],
        "meta": {}, "annotation_approver": null})]);
    let dir = setup("old.jsonl", &body);
    let out = marginalia(&["import", "old.jsonl"], dir.path());
    assert_exit(&out, 1);
    let lines = reported(&out, "old.jsonl", 1);
    assert_eq!(lines.len(), 2, "{}", stdout(&out));
    assert!(lines.iter().all(|l| l.contains("--labels")), "{lines:?}");
    assert!(stderr(&out).contains("0 imported, 0 duplicates skipped, 0 left out, 2 not imported"));
    assert!(!sidecar::sidecar_path(&dir.path().join("g.txt")).exists());

    // doccano's label list export (LabelSerializer fields).
    let labels = json!([
        {"id": 4, "text": "ORG", "prefix_key": null, "suffix_key": "o", "background_color": "#209cee", "text_color": "#ffffff"},
        {"id": 5, "text": "PER", "prefix_key": null, "suffix_key": "p", "background_color": "#ff0000", "text_color": "#ffffff"}
    ]);
    std::fs::write(dir.path().join("labels.json"), labels.to_string()).unwrap();
    let out = marginalia(
        &["import", "--labels", "labels.json", "old.jsonl"],
        dir.path(),
    );
    assert_exit(&out, 0);
    let sc = saved(dir.path());
    let google = one(&sc, "Google");
    assert_eq!(
        (google.kind.as_deref(), google.author.as_str()),
        (Some("ORG"), "user1")
    );
    let larry = one(&sc, "Larry Page");
    assert_eq!(
        (larry.kind.as_deref(), larry.author.as_str()),
        (Some("PER"), "user2")
    );

    // An id the list does not have is reported too.
    std::fs::write(
        dir.path().join("short.json"),
        r#"[{"id": 4, "text": "ORG"}]"#,
    )
    .unwrap();
    let body = jsonl(&[
        json!({"text": TEXT, "annotations": [{"label": 9, "start_offset": 0, "end_offset": 6}]}),
    ]);
    std::fs::write(dir.path().join("nine.jsonl"), body).unwrap();
    let out = marginalia(
        &["import", "--labels", "short.json", "nine.jsonl"],
        dir.path(),
    );
    assert_exit(&out, 1);
    assert!(
        reported(&out, "nine.jsonl", 1)[0].contains("label id 9"),
        "{}",
        stdout(&out)
    );
}

#[test]
fn doccano_unreadable_elements_are_reported_with_their_line() {
    let g = at("Google");
    let body = jsonl(&[
        json!({"text": TEXT, "label": [[g.0, g.1, "ORG"], [0, "x", "ORG"], "POSITIVE"]}),
        json!({"text": TEXT, "entities": [{"id": 1, "start_offset": g.0, "end_offset": g.1, "label": "ORG"}],
            "relations": [{"id": 1, "from_id": 1, "to_id": 99, "type": "rel"}, {"from_id": 1}],
            "Comments": [5]}),
        json!({"text": TEXT, "label": "ORG", "cats": ["greeting"]}),
    ]) + "{not json\n";
    let dir = setup("bad.jsonl", &body);
    let out = marginalia(&["import", "--format", "doccano", "bad.jsonl"], dir.path());
    assert_exit(&out, 1);
    assert_eq!(reported(&out, "bad.jsonl", 1).len(), 2, "{}", stdout(&out));
    assert_eq!(reported(&out, "bad.jsonl", 2).len(), 3, "{}", stdout(&out));
    assert_eq!(reported(&out, "bad.jsonl", 3).len(), 2, "{}", stdout(&out));
    assert!(reported(&out, "bad.jsonl", 4)[0].contains("not a doccano record"));
    assert!(
        stderr(&out).contains(
            "4 records: 1 imported (1 span), 1 duplicates skipped, 0 left out, 8 not imported"
        ),
        "{}",
        stderr(&out)
    );
}

/// A Label Studio JSON export of one task: two annotators (one cancelled
/// too), a prediction, a relation, per-region choices and Meta, a
/// whole-task choice, and a result that is not a text span.
fn labelstudio_export() -> String {
    let (g, l, d) = (at("Google"), at("Larry Page"), at("September 4, 1998"));
    let region = |id: &str, (s, e): (usize, usize), text: &str, label: &str| {
        json!({"id": id, "from_name": "label", "to_name": "text", "type": "labels",
            "value": {"start": s, "end": e, "text": text, "labels": [label]}})
    };
    let mut larry = region("r2", l, "Larry Page", "PERSON");
    larry["meta"] = json!({"text": ["co-founder"]});
    let tasks = json!([{
        "id": 1,
        "data": {"text": TEXT},
        "annotations": [
            {"id": 11, "completed_by": {"id": 1, "email": "ana@example.org"}, "was_cancelled": false,
             "result": [
                region("r1", g, "Google", "ORG"),
                larry,
                {"id": "r2", "from_name": "sentiment", "to_name": "text", "type": "choices",
                 "value": {"start": l.0, "end": l.1, "text": "Larry Page", "choices": ["Positive"]}},
                {"from_id": "r2", "to_id": "r1", "type": "relation", "direction": "left", "labels": ["founder"]},
                {"id": "t1", "from_name": "topic", "to_name": "text", "type": "choices", "value": {"choices": ["Business"]}},
                {"id": "b1", "from_name": "box", "to_name": "image", "type": "rectanglelabels",
                 "value": {"x": 1.0, "y": 2.0, "width": 3.0, "height": 4.0, "rectanglelabels": ["Car"]}}
             ]},
            {"id": 12, "completed_by": 2, "was_cancelled": true, "result": [region("q1", g, "Google", "ORG")]},
            {"id": 13, "completed_by": 3, "result": [region("q1", g, "Google", "ORG")]}
        ],
        "predictions": [{"model_version": "m1", "result": [region("p1", d, "September 4, 1998", "DATE")]}]
    }]);
    serde_json::to_string_pretty(&tasks).unwrap()
}

#[test]
fn labelstudio_export_imports_annotations_predictions_and_relations() {
    let dir = setup("project.json", &labelstudio_export());
    // No --format: a JSON list is Label Studio's.
    let out = marginalia(&["import", "project.json"], dir.path());
    let input = "project.json";
    // Only the rectangle cannot be held.
    assert_exit(&out, 1);
    let problems: Vec<String> = stdout(&out)
        .lines()
        .filter(|l| !l.contains("left out:"))
        .map(str::to_owned)
        .collect();
    assert_eq!(problems.len(), 1, "{problems:?}");
    assert!(problems[0].starts_with(&format!(
        "{input}:2: task 1, annotation 11: rectanglelabels"
    )));
    let cancelled = reported(&out, input, 2)
        .into_iter()
        .filter(|l| l.contains("left out: task 1, annotation 12: cancelled by 2"))
        .count();
    assert_eq!(cancelled, 1, "{}", stdout(&out));
    assert!(
        stderr(&out).contains(
            "1 records: 6 imported (4 spans, 1 link, 1 note), 0 duplicates skipped, 1 left out, 1 not imported"
        ),
        "{}",
        stderr(&out)
    );
    let sc = saved(dir.path());
    assert_eq!(sc.note.as_deref(), Some("topic: Business"));
    // Two annotators: each span is its annotator's, and both Googles are kept.
    let mut googles: Vec<(&str, Status)> = by_quote(&sc, "Google")
        .iter()
        .map(|a| (a.author.as_str(), a.status))
        .collect();
    googles.sort();
    assert_eq!(
        googles,
        [
            ("3", Status::Accepted),
            ("ana@example.org", Status::Accepted)
        ]
    );
    let larry = one(&sc, "Larry Page");
    assert_eq!(larry.note.as_deref(), Some("co-founder"));
    assert_eq!(
        larry.attrs.get("sentiment").map(String::as_str),
        Some("Positive")
    );
    // direction "left": the link runs from r1 (Google) to r2 (Larry Page).
    let ana_google = by_quote(&sc, "Google")
        .into_iter()
        .find(|a| a.author == "ana@example.org")
        .unwrap();
    assert_eq!(
        links(&sc, ana_google),
        [("founder".to_owned(), "Larry Page".to_owned())]
    );
    let date = one(&sc, "September 4, 1998");
    assert_eq!(
        (date.status, date.kind.as_deref()),
        (Status::Unreviewed, Some("DATE"))
    );
}

#[test]
fn labelstudio_region_text_is_verified_and_old_utf16_offsets_are_converted() {
    let (a, _) = at("Ana");
    let units = |s: &str| s.encode_utf16().count();
    let utf16 = units(&TEXT[..TEXT.find("Ana").unwrap()]);
    assert_ne!(utf16, a, "the emoji makes the two counts differ");
    let tasks = json!([
        {"id": 1, "data": {"text": TEXT}, "annotations": [{"id": 1, "result": [
            {"id": "a", "from_name": "label", "to_name": "text", "type": "labels",
             "value": {"start": utf16, "end": utf16 + 3, "text": "Ana", "labels": ["PER"]}},
            {"id": "b", "from_name": "label", "to_name": "text", "type": "labels",
             "value": {"start": 0, "end": 6, "text": "Gogle", "labels": ["ORG"]}}
        ]}]}
    ]);
    let dir = setup("tasks.json", &tasks.to_string());
    let out = marginalia(
        &["import", "--format", "labelstudio", "tasks.json"],
        dir.path(),
    );
    assert_exit(&out, 1);
    let lines = reported(&out, "tasks.json", 1);
    assert!(lines.iter().any(|l| l.contains("UTF-16")), "{lines:?}");
    assert!(lines.iter().any(|l| l.contains("\"Gogle\"")), "{lines:?}");
    let sc = saved(dir.path());
    assert_eq!(sc.annotations.len(), 1);
    assert_eq!(one(&sc, "Ana").start.0, a);
}

/// label-studio-converter writes one JSON-MIN record per annotation (its
/// `convert_to_json_min` loops over annotations, not tasks). Two records of
/// one task are two annotators' work even where the `annotator` field is
/// missing: both spans come back, kept apart by `annotation_id` (else by
/// record), never merged as "duplicates skipped".
#[test]
fn labelstudio_json_min_records_of_one_task_are_kept_apart_without_annotators() {
    let g = at("Google");
    let record = |annotation_id: Option<u32>| {
        let mut r = json!({
            "text": TEXT, "id": 1,
            "label": [{"start": g.0, "end": g.1, "text": "Google", "labels": ["ORG"]}],
        });
        if let Some(a) = annotation_id {
            r["annotation_id"] = json!(a);
        }
        r
    };
    for (records, authors) in [
        (
            json!([record(Some(11)), record(Some(12))]),
            ["annotation 11", "annotation 12"],
        ),
        (
            json!([record(None), record(None)]),
            ["record on line 16", "record on line 2"],
        ),
    ] {
        let dir = setup("min.json", &serde_json::to_string_pretty(&records).unwrap());
        let out = marginalia(&["import", "--author", "ls", "min.json"], dir.path());
        assert_exit(&out, 0);
        assert!(
            stderr(&out).contains("2 imported (2 spans), 0 duplicates skipped"),
            "{}",
            stderr(&out)
        );
        let sc = saved(dir.path());
        let mut got: Vec<(&str, &str)> = sc
            .annotations
            .iter()
            .map(|a| (a.quote.as_str(), a.author.as_str()))
            .collect();
        got.sort();
        assert_eq!(got, [("Google", authors[0]), ("Google", authors[1])]);
    }
}

#[test]
fn labelstudio_json_min_is_read() {
    let (g, l) = (at("Google"), at("Larry Page"));
    // label-studio-converter's convert_to_json_min: task data, one key per
    // from_name, the converter's own keys.
    let records = json!([{
        "text": TEXT, "id": 1,
        "label": [
            {"start": g.0, "end": g.1, "text": "Google", "labels": ["ORG"]},
            {"start": l.0, "end": l.1, "text": "Larry Page", "labels": ["PER"]}],
        "annotator": "ana@example.org", "annotation_id": 11,
        "created_at": "2024-01-01T00:00:00Z", "updated_at": "2024-01-01T00:00:00Z", "lead_time": 3.5
    }]);
    let dir = setup("min.json", &serde_json::to_string_pretty(&records).unwrap());
    let out = marginalia(&["import", "--author", "ls", "min.json"], dir.path());
    assert_exit(&out, 0);
    let sc = saved(dir.path());
    let got: Vec<(&str, Option<&str>, &str, Status)> = sc
        .annotations
        .iter()
        .map(|a| {
            (
                a.quote.as_str(),
                a.kind.as_deref(),
                a.author.as_str(),
                a.status,
            )
        })
        .collect();
    assert_eq!(
        got,
        [
            ("Google", Some("ORG"), "ls", Status::Accepted),
            ("Larry Page", Some("PER"), "ls", Status::Accepted)
        ]
    );
}

#[test]
fn labelstudio_export_imports_back_into_a_fresh_copy() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::create_dir_all(dir.path().join("a")).unwrap();
    std::fs::create_dir_all(dir.path().join("b")).unwrap();
    std::fs::write(dir.path().join("a/g.txt"), TEXT).unwrap();
    std::fs::write(dir.path().join("b/g.txt"), TEXT).unwrap();
    let body = jsonl(&[json!({"text": TEXT, "spans": [
        {"start": at("Google").0, "end": at("Google").1, "label": "ORG", "id": "g1", "status": "accepted", "note": "the firm"},
        {"start": at("Larry Page").0, "end": at("Larry Page").1, "label": "Quote", "id": "q1", "status": "accepted"},
        {"start": at("Ana").0, "end": at("Ana").1, "label": "PER", "id": "p1", "status": "unreviewed"}],
        "links": [{"from": "q1", "to": "g1", "role": "speaker"}]})]);
    std::fs::write(dir.path().join("a/in.jsonl"), body).unwrap();
    let out = marginalia(&["import", "a/in.jsonl"], dir.path());
    assert_exit(&out, 0);
    let out = marginalia(
        &["export", "--format", "labelstudio", "--out", "ls.json", "a"],
        dir.path(),
    );
    // Only the authors, which Label Studio ignores, are reported.
    assert_exit(&out, 1);
    assert!(
        stderr(&out).contains(", 2 not representable (2 authors Label Studio ignores"),
        "{}",
        stderr(&out)
    );
    let out = marginalia(&["import", "--root", "b", "ls.json"], dir.path());
    assert_exit(&out, 0);
    let read = |p: &str| -> Vec<String> {
        let sc = sidecar::read(&sidecar::sidecar_path(&dir.path().join(p)))
            .unwrap()
            .unwrap()
            .0;
        let mut v: Vec<_> = sc
            .annotations
            .iter()
            .map(|a| {
                format!(
                    "{:?}",
                    (
                        &a.quote,
                        a.label,
                        &a.kind,
                        a.status,
                        &a.author,
                        &a.note,
                        links(&sc, a),
                    )
                )
            })
            .collect();
        v.sort();
        v
    };
    assert_eq!(read("b/g.txt"), read("a/g.txt"));
}

/// Identical spans of two authors used to go into one Label Studio
/// annotation, came back as one span and lost both authors, with exit 0.
#[test]
fn labelstudio_round_trip_keeps_identical_spans_of_two_authors() {
    let dir = tempfile::tempdir().unwrap();
    for d in ["a", "b"] {
        std::fs::create_dir_all(dir.path().join(d)).unwrap();
        std::fs::write(dir.path().join(d).join("g.txt"), TEXT).unwrap();
    }
    let (g, l) = (at("Google"), at("Larry Page"));
    let body = jsonl(&[json!({"text": TEXT, "spans": [
        {"start": g.0, "end": g.1, "label": "ORG", "id": "g1", "status": "accepted", "author": "ana"},
        {"start": g.0, "end": g.1, "label": "ORG", "id": "g2", "status": "accepted", "author": "bob"},
        {"start": l.0, "end": l.1, "label": "Quote", "id": "q1", "status": "accepted", "author": "bob"},
        {"start": l.0, "end": l.1, "label": "PER", "id": "p1", "status": "unreviewed", "author": "ner-a"},
        {"start": l.0, "end": l.1, "label": "PER", "id": "p2", "status": "unreviewed", "author": "ner-b"}],
        "links": [{"from": "q1", "to": "g2", "role": "speaker"}, {"from": "q1", "to": "g1", "role": "mentions"}]})]);
    std::fs::write(dir.path().join("a/in.jsonl"), body).unwrap();
    // spaCy JSONL spans that name their authors are duplicates only per
    // author: both ORG spans on "Google" are kept (they used to merge).
    let out = marginalia(&["import", "a/in.jsonl"], dir.path());
    assert_exit(&out, 0);
    assert_eq!(saved(&dir.path().join("a")).annotations.len(), 5);

    let out = marginalia(
        &["export", "--format", "labelstudio", "--out", "ls.json", "a"],
        dir.path(),
    );
    let err = stderr(&out);
    // Label Studio keeps an annotation's author only as a user it knows, so
    // the authors of the 3 accepted spans are reported (the predictions'
    // authors are their model_version), as is bob's link to ana's span.
    assert_eq!(out.status.code(), Some(1), "{err}");
    assert!(
        err.contains("g.txt: author \"bob\" of 2 spans: not representable in Label Studio"),
        "{err}"
    );
    assert!(
        err.contains(
            "q1: link mentions -> g1: not representable: links between spans of two authors"
        ),
        "{err}"
    );
    assert!(
        err.contains("5 spans exported, 0 skipped, 4 not representable (3 authors Label Studio ignores (kept in marginalia_author), 1 links between spans of two authors"),
        "{err}"
    );
    let tasks: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(dir.path().join("ls.json")).unwrap())
            .unwrap();
    let task = &tasks[0];
    let annotations = task["annotations"].as_array().unwrap();
    assert_eq!(annotations.len(), 2, "one annotation per author: {task}");
    assert_eq!(
        annotations
            .iter()
            .map(|a| (a["id"].clone(), a["marginalia_author"].clone()))
            .collect::<Vec<_>>(),
        [(json!(1), json!("ana")), (json!(2), json!("bob"))]
    );
    // No completed_by: Label Studio rejects the whole import for a name it
    // does not know.
    assert!(annotations.iter().all(|a| a.get("completed_by").is_none()));
    let versions: Vec<_> = task["predictions"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| p["model_version"].clone())
        .collect();
    assert_eq!(versions, [json!("ner-a"), json!("ner-b")]);

    let out = marginalia(&["import", "--root", "b", "ls.json"], dir.path());
    assert_exit(&out, 0);
    let read = |d: &str| -> Vec<String> {
        let sc = saved(&dir.path().join(d));
        let mut v: Vec<String> = sc
            .annotations
            .iter()
            .map(|a| {
                format!(
                    "{:?}",
                    (&a.quote, &a.kind, a.status, &a.author, links(&sc, a))
                )
            })
            .collect();
        v.sort();
        v
    };
    let back = read("b");
    assert_eq!(back.len(), 5, "{back:#?}");
    // Everything but the link Label Studio cannot hold comes back.
    let mut want = read("a");
    for line in &mut want {
        *line = line.replace(", (\"mentions\", \"Google\")", "");
    }
    want.sort();
    assert_eq!(back, want);
}

#[test]
fn prodigy_answers_are_honoured_and_ignored_tasks_reported() {
    let (g, l, s, d) = (
        at("Google"),
        at("Larry Page"),
        at("Sergey Brin"),
        at("September 4, 1998"),
    );
    let span = |(a, b): (usize, usize), label: &str| json!({"start": a, "end": b, "token_start": 0, "token_end": 0, "label": label});
    let body = jsonl(&[
        json!({"text": TEXT, "_input_hash": 11, "_task_hash": 21, "tokens": [],
            "spans": [span(g, "ORG"), span(l, "PERSON")],
            "relations": [{"head": 0, "child": 9, "head_span": span(g, "ORG"), "child_span": span(l, "PERSON"), "label": "FOUNDED_BY"}],
            "meta": {"source": "news feed"}, "answer": "accept", "_annotator_id": "news-ana", "_session_id": "news-ana"}),
        json!({"text": TEXT, "_input_hash": 11, "_task_hash": 22, "spans": [span(s, "ORG")], "answer": "reject", "_annotator_id": "news-ana"}),
        json!({"text": TEXT, "_input_hash": 11, "_task_hash": 23, "spans": [span(d, "DATE")], "answer": "ignore", "_annotator_id": "news-ana"}),
    ]);
    let dir = setup("db.jsonl", &body);
    let out = marginalia(&["import", "--format", "prodigy", "db.jsonl"], dir.path());
    assert_exit(&out, 0);
    assert!(
        stderr(&out).contains(
            "3 records: 4 imported (3 spans, 1 link), 0 duplicates skipped, 1 left out, 0 not imported"
        ),
        "{}",
        stderr(&out)
    );
    let ignored = reported(&out, "db.jsonl", 3);
    assert!(
        ignored[0].contains("left out")
            && ignored[0].contains("DATE")
            && ignored[0].contains("ignore"),
        "{ignored:?}"
    );
    let sc = saved(dir.path());
    assert!(by_quote(&sc, "September 4, 1998").is_empty());
    assert_eq!(one(&sc, "Google").status, Status::Accepted);
    assert_eq!(one(&sc, "Sergey Brin").status, Status::Rejected);
    assert_eq!(
        links(&sc, one(&sc, "Google")),
        [("FOUNDED_BY".to_owned(), "Larry Page".to_owned())]
    );
    // One annotator: the default author.
    assert!(sc.annotations.iter().all(|a| a.author == "prodigy"));

    // Guessed from content, and a task that cannot be read is reported.
    let bad = jsonl(&[
        json!({"text": TEXT, "spans": [{"start": 0, "end": 6, "label": "ORG", "text": "Gogle"}], "answer": "accept"}),
    ]) + "{\"spans\": [], \"answer\": \"accept\"}\n";
    std::fs::write(dir.path().join("bad.jsonl"), bad).unwrap();
    let out = marginalia(&["import", "bad.jsonl"], dir.path());
    assert_exit(&out, 1);
    assert!(
        reported(&out, "bad.jsonl", 1)[0].contains("\"Gogle\""),
        "{}",
        stdout(&out)
    );
    assert!(
        reported(&out, "bad.jsonl", 2)[0].contains("text"),
        "{}",
        stdout(&out)
    );
}

#[test]
fn labelstudio_mapping_roles_and_a_broken_task_follow_the_pipeline_rules() {
    // --map and --role act on Label Studio labels and relation labels as on brat types.
    let dir = setup("project.json", &labelstudio_export());
    let out = marginalia(
        &[
            "import",
            "--map",
            "DATE=-",
            "--map",
            "PERSON=Entity:Person",
            "--role",
            "founder=founded-by",
            "project.json",
        ],
        dir.path(),
    );
    assert!(
        stderr(&out).contains(
            "5 imported (3 spans, 1 link, 1 note), 0 duplicates skipped, 2 left out, 1 not imported"
        ),
        "{}",
        stderr(&out)
    );
    let sc = saved(dir.path());
    assert!(by_quote(&sc, "September 4, 1998").is_empty());
    assert_eq!(one(&sc, "Larry Page").kind.as_deref(), Some("Person"));
    let google = by_quote(&sc, "Google")
        .into_iter()
        .find(|a| !a.links.is_empty())
        .unwrap();
    assert_eq!(links(&sc, google)[0].0, "founded-by");

    // A task that is not valid JSON: the tasks before it import, it and the
    // rest are reported at the line where it starts.
    let g = at("Google");
    let good = json!({"id": 1, "data": {"text": TEXT}, "annotations": [{"result": [
        {"id": "a", "from_name": "label", "to_name": "text", "type": "labels",
         "value": {"start": g.0, "end": g.1, "text": "Google", "labels": ["ORG"]}}]}]});
    let body = format!("[\n{good},\n{{\"id\": 2, \"data\": {{\"text\": \n");
    let dir = setup("cut.json", &body);
    let out = marginalia(&["import", "cut.json"], dir.path());
    assert_exit(&out, 1);
    let cut = reported(&out, "cut.json", 3);
    assert!(cut[0].contains("not valid JSON"), "{}", stdout(&out));
    assert_eq!(
        one(&saved(dir.path()), "Google").kind.as_deref(),
        Some("ORG")
    );
}
