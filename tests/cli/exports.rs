//! Exports as the real tools need them (issue 10): Label Studio tasks with
//! ids, spaCy JSONL carrying everything a round trip needs, stable hf label
//! ids, doccano relations, and every loss reported and counted.

use crate::{assert_exit, marginalia, stderr, stdout};
use marginalia::model::annotation::{Annotation, AnnotationId, Label, Link, Origin, Status};
use marginalia::model::offset::CharRange;
use marginalia::store::article_file::read_article;
use marginalia::store::sidecar;
use serde_json::{Value, json};
use std::path::Path;

/// `(id, quote, label, kind, status)` of one annotation to write.
type Spec<'a> = (&'a str, &'a str, Label, Option<&'a str>, Status);

/// Write `text` to `path` and a sidecar with one annotation per spec (found
/// by its quote's first occurrence); `edit` may change them before saving.
fn write(path: &Path, text: &str, specs: &[Spec<'_>], edit: impl FnOnce(&mut Vec<Annotation>)) {
    if let Some(dir) = path.parent() {
        std::fs::create_dir_all(dir).unwrap();
    }
    std::fs::write(path, text).unwrap();
    let file = read_article(path).unwrap();
    let mut anns: Vec<Annotation> = specs
        .iter()
        .map(|&(id, quote, label, kind, status)| {
            let byte = text.find(quote).expect("quote in text");
            let start = text[..byte].chars().count();
            let mut a = Annotation::new(
                &file.article,
                CharRange::from_usize(start, start + quote.chars().count()),
                label,
                "ana",
                chrono::Utc::now(),
                Origin::Manual,
            )
            .unwrap();
            a.id = AnnotationId(id.into());
            a.kind = kind.map(str::to_owned);
            a.status = status;
            a
        })
        .collect();
    edit(&mut anns);
    let sc = file.sidecar(anns);
    sidecar::write_atomic(
        &sidecar::sidecar_path(path),
        sidecar::to_string(&sc).as_bytes(),
    )
    .unwrap();
}

fn link(role: &str, target: &str) -> Link {
    Link::new(role, AnnotationId(target.into()))
}

const TEXT: &str = "Dehqan said the talks failed. Hasanov met him in Baku.";

/// A quote by Dehqan (both accepted) and Hasanov (unreviewed), all linked.
fn quote_corpus(dir: &Path) {
    write(
        &dir.join("a.txt"),
        TEXT,
        &[
            ("d", "Dehqan", Label::Entity, Some("PER"), Status::Accepted),
            (
                "q",
                "the talks failed",
                Label::Quote,
                None,
                Status::Accepted,
            ),
            (
                "h",
                "Hasanov",
                Label::Entity,
                Some("PER"),
                Status::Unreviewed,
            ),
            ("b", "Baku", Label::Entity, Some("GPE"), Status::Unreviewed),
        ],
        |anns| {
            anns[1].links = vec![link("speaker", "d"), link("mentions", "h")];
            anns[1].note = Some("checked against the wire".into());
            anns[0].attrs.insert("confidence".into(), "high".into());
            anns[2].links = vec![link("near", "b")];
        },
    );
}

#[test]
fn labelstudio_tasks_have_ids_and_annotations_and_report_links_across_lists() {
    let dir = tempfile::tempdir().unwrap();
    quote_corpus(dir.path());
    // Only predictions in the second article.
    write(
        &dir.path().join("b.txt"),
        "Zakir came.",
        &[("z", "Zakir", Label::Entity, None, Status::Unreviewed)],
        |_| {},
    );
    let out = marginalia(&["export", "--format", "labelstudio", "."], dir.path());
    let err = stderr(&out);
    // The quote's link to the unreviewed Hasanov cannot be held.
    assert_eq!(out.status.code(), Some(1), "{err}");
    assert!(
        err.contains("a.txt: q: link mentions -> h: not representable: links between an annotation and a prediction"),
        "{err}"
    );
    // Attributes have no place in a Label Studio region; the note does.
    assert!(
        err.contains(
            ", 4 not representable (1 attributes, 2 authors Label Studio ignores (kept in marginalia_author), 1 links between an annotation and a prediction"
        ),
        "{err}"
    );
    let tasks: Value = serde_json::from_str(&stdout(&out)).unwrap();
    let tasks = tasks.as_array().unwrap();
    assert_eq!(tasks.len(), 2);
    assert_eq!(
        (tasks[0]["id"].clone(), tasks[1]["id"].clone()),
        (json!(1), json!(2))
    );
    // A task holding only predictions still has an (empty) annotations list.
    assert_eq!(tasks[1]["annotations"], json!([]));
    assert_eq!(
        tasks[1]["predictions"][0]["result"][0]["value"]["text"],
        "Zakir"
    );
    // Relations stay inside their list.
    let rel = |list: &Value| -> Vec<(String, String, String)> {
        list[0]["result"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|r| r["type"] == "relation")
            .map(|r| {
                (
                    r["from_id"].as_str().unwrap().to_owned(),
                    r["to_id"].as_str().unwrap().to_owned(),
                    r["labels"][0].as_str().unwrap().to_owned(),
                )
            })
            .collect()
    };
    let a = &tasks[0];
    assert_eq!(
        rel(&a["annotations"]),
        [("q".into(), "d".into(), "speaker".into())]
    );
    assert_eq!(
        rel(&a["predictions"]),
        [("h".into(), "b".into(), "near".into())]
    );
}

#[test]
fn spacy_export_carries_ids_statuses_authors_notes_attrs_and_links() {
    let dir = tempfile::tempdir().unwrap();
    quote_corpus(dir.path());
    let out = marginalia(&["export", "a.txt"], dir.path());
    assert_exit(&out, 0);
    assert!(stderr(&out).contains("1 articles, 4 spans exported, 0 skipped, 0 not representable"));
    let rec: Value = serde_json::from_str(stdout(&out).trim()).unwrap();
    let spans = rec["spans"].as_array().unwrap();
    assert_eq!(
        spans[0],
        json!({"start": 0, "end": 6, "label": "ENTITY", "kind": "PER", "id": "d",
               "status": "accepted", "author": "ana", "attrs": {"confidence": "high"}})
    );
    assert_eq!(spans[1]["note"], "checked against the wire");
    assert_eq!(spans[1]["status"], "accepted");
    assert_eq!(spans[2]["status"], "unreviewed");
    assert_eq!(
        rec["links"],
        json!([
            {"from": "q", "to": "d", "role": "speaker"},
            {"from": "q", "to": "h", "role": "mentions"},
            {"from": "h", "to": "b", "role": "near"},
        ])
    );
    // A link whose target the filters leave out is reported, not silently dropped.
    let only_accepted = marginalia(&["export", "--status", "accepted", "a.txt"], dir.path());
    let err = stderr(&only_accepted);
    assert_eq!(only_accepted.status.code(), Some(0), "{err}");
    assert!(
        err.contains("a.txt: q: link mentions -> h: left out: links to annotations not exported"),
        "{err}"
    );
    assert!(
        err.contains("2 spans exported, 1 skipped (1 links to annotations not exported)"),
        "{err}"
    );
}

#[test]
fn doccano_relations_format_keeps_links_and_the_label_format_reports_them() {
    let dir = tempfile::tempdir().unwrap();
    quote_corpus(dir.path());
    let rel = marginalia(
        &["export", "--format", "doccano-relations", "a.txt"],
        dir.path(),
    );
    let err = stderr(&rel);
    // Links are held; the note and attributes are not.
    assert_eq!(rel.status.code(), Some(1), "{err}");
    assert!(
        err.contains("not representable (1 attributes, 1 notes)"),
        "{err}"
    );
    let v: Value = serde_json::from_str(stdout(&rel).trim()).unwrap();
    assert_eq!(
        v["entities"][1],
        json!({"id": 2, "label": "QUOTE", "start_offset": 12, "end_offset": 28})
    );
    assert_eq!(v["entities"][0]["label"], "PER");
    assert_eq!(
        v["relations"],
        json!([
            {"id": 1, "from_id": 2, "to_id": 1, "type": "speaker"},
            {"id": 2, "from_id": 2, "to_id": 3, "type": "mentions"},
            {"id": 3, "from_id": 3, "to_id": 4, "type": "near"},
        ])
    );
    let plain = marginalia(&["export", "--format", "doccano", "a.txt"], dir.path());
    let err = stderr(&plain);
    assert_eq!(plain.status.code(), Some(1), "{err}");
    assert!(
        err.contains("3 links (doccano's label format has none"),
        "{err}"
    );
}

#[test]
fn conll_reports_links_and_notes_it_cannot_hold() {
    let dir = tempfile::tempdir().unwrap();
    quote_corpus(dir.path());
    let out = marginalia(
        &["export", "--format", "conll", "--label", "quote", "a.txt"],
        dir.path(),
    );
    let err = stderr(&out);
    assert_eq!(out.status.code(), Some(1), "{err}");
    // The quote's links point at entities, which are not in the Quote layer.
    assert!(err.contains("2 links to annotations not exported"), "{err}");
    assert!(err.contains("1 not representable (1 notes)"), "{err}");
    assert!(stdout(&out).starts_with("-DOCSTART- -X- O O\n\n"));
}

/// `ner_tags` of every line, as tag names.
fn hf_tags(dir: &Path) -> (Vec<String>, Vec<Vec<String>>) {
    let labels: Value =
        serde_json::from_str(&std::fs::read_to_string(dir.join("labels.json")).unwrap()).unwrap();
    let names: Vec<String> = labels["label_names"]
        .as_array()
        .unwrap()
        .iter()
        .map(|n| n.as_str().unwrap().to_owned())
        .collect();
    let lines = std::fs::read_to_string(dir.join("data.jsonl"))
        .unwrap()
        .lines()
        .map(|l| {
            let v: Value = serde_json::from_str(l).unwrap();
            v["ner_tags"]
                .as_array()
                .unwrap()
                .iter()
                .map(|t| names[t.as_u64().unwrap() as usize].clone())
                .collect()
        })
        .collect();
    (names, lines)
}

#[test]
fn hf_label_ids_are_the_schema_kinds_then_the_rest_sorted_in_every_export() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    std::fs::write(
        root.join("marginalia.ron"),
        r#"(entity_kinds: ["PER", "ORG"])"#,
    )
    .unwrap();
    write(
        &root.join("1.txt"),
        "Zakir met Ana in Baku.",
        &[
            ("z", "Baku", Label::Entity, Some("GPE"), Status::Accepted),
            ("a", "Ana", Label::Entity, None, Status::Accepted),
        ],
        |_| {},
    );
    write(
        &root.join("2.txt"),
        "Ana Li of Acme.",
        &[
            ("o", "Acme", Label::Entity, Some("ORG"), Status::Accepted),
            ("p", "Ana Li", Label::Entity, Some("PER"), Status::Accepted),
        ],
        |_| {},
    );
    let want = [
        "O", "B-PER", "I-PER", "B-ORG", "I-ORG", "B-Entity", "I-Entity", "B-GPE", "I-GPE",
    ];
    let all = marginalia(&["export", "--format", "hf", "--out", "all", "."], root);
    assert_exit(&all, 0);
    let (names, lines) = hf_tags(&root.join("all"));
    assert_eq!(names, want);
    assert_eq!(lines[1], ["B-PER", "I-PER", "O", "B-ORG", "O"]);
    // The second article alone: the same ids for the same tags.
    let one = marginalia(&["export", "--format", "hf", "--out", "one", "2.txt"], root);
    assert_exit(&one, 0);
    let (names, lines) = hf_tags(&root.join("one"));
    assert_eq!(names[..5], want[..5]);
    assert_eq!(lines[0], ["B-PER", "I-PER", "O", "B-ORG", "O"]);
    let raw = |d: &str| std::fs::read_to_string(root.join(d).join("data.jsonl")).unwrap();
    assert_eq!(raw("all").lines().nth(1), raw("one").lines().next());
    // Without --out the data goes to stdout, with the same final ids.
    let piped = marginalia(&["export", "--format", "hf", "2.txt"], root);
    assert_eq!(stdout(&piped), raw("one"));
}

/// Issue 10, "spaCy JSONL round trip": export -> import dropped ids,
/// statuses, authors, notes, attributes and links, and said "0 problems".
#[test]
fn spacy_export_imports_back_losslessly_into_a_fresh_copy() {
    let dir = tempfile::tempdir().unwrap();
    quote_corpus(dir.path());
    let out = marginalia(&["export", "--out", "x.jsonl", "a.txt"], dir.path());
    assert_exit(&out, 0);
    let fresh = dir.path().join("fresh");
    std::fs::create_dir_all(&fresh).unwrap();
    std::fs::copy(dir.path().join("a.txt"), fresh.join("a.txt")).unwrap();
    let imp = marginalia(
        &[
            "import", "--format", "spacy", "--root", "fresh", "--author", "bot", "x.jsonl",
        ],
        dir.path(),
    );
    assert_exit(&imp, 0);
    let read = |p: &Path| {
        let (sc, _) = sidecar::read(&sidecar::sidecar_path(p)).unwrap().unwrap();
        let mut anns = sc.annotations;
        anns.sort_by(|a, b| a.id.cmp(&b.id));
        anns
    };
    let (orig, back) = (read(&dir.path().join("a.txt")), read(&fresh.join("a.txt")));
    let key = |a: &Annotation| {
        (
            a.id.clone(),
            a.range(),
            a.label,
            a.kind.clone(),
            a.status,
            a.author.clone(),
            a.note.clone(),
            a.attrs.clone(),
            a.links.clone(),
        )
    };
    assert_eq!(
        back.iter().map(key).collect::<Vec<_>>(),
        orig.iter().map(key).collect::<Vec<_>>()
    );
    // Twice: every span is a duplicate, nothing new.
    let again = marginalia(
        &["import", "--format", "spacy", "--root", "fresh", "x.jsonl"],
        dir.path(),
    );
    assert!(
        stderr(&again).contains("0 not imported"),
        "{}",
        stderr(&again)
    );
    assert_eq!(read(&fresh.join("a.txt")).len(), 4);
    // Records without these fields import as before, with --as and --author.
    let plain = dir.path().join("plain");
    std::fs::create_dir_all(&plain).unwrap();
    std::fs::write(plain.join("b.txt"), "Ana met Bo.").unwrap();
    std::fs::write(
        plain.join("in.jsonl"),
        r#"{"text": "Ana met Bo.", "spans": [{"start": 0, "end": 3, "label": "PER"}, {"start": 8, "end": 10, "label": "PER", "status": "rejected", "author": "cy"}], "meta": {"source": "b.txt"}}"#,
    )
    .unwrap();
    let imp = marginalia(
        &["import", "--as", "accepted", "--author", "bot", "in.jsonl"],
        &plain,
    );
    assert_exit(&imp, 0);
    let b = read(&plain.join("b.txt"));
    let mut got: Vec<(String, Status, String)> = b
        .iter()
        .map(|a| (a.quote.to_string(), a.status, a.author.clone()))
        .collect();
    got.sort();
    assert_eq!(
        got,
        [
            ("Ana".to_owned(), Status::Accepted, "bot".to_owned()),
            ("Bo".to_owned(), Status::Rejected, "cy".to_owned())
        ]
    );
}

/// Workers convert articles in blocks, a big article's spans are judged on
/// every core: the output and the messages still come in path order.
#[test]
fn a_folder_exports_in_path_order_with_its_messages_in_order() {
    let dir = tempfile::tempdir().unwrap();
    let mut names = Vec::new();
    for i in 0..45 {
        let name = format!("a{i:02}.txt");
        let text = format!("Article {i}: Dehqan said the talks failed.");
        write(
            &dir.path().join(&name),
            &text,
            &[("d", "Dehqan", Label::Entity, None, Status::Accepted)],
            |_| {},
        );
        names.push(name);
    }
    // Every fifth article changed since its sidecar: its span is skipped.
    for name in names.iter().step_by(5) {
        let path = dir.path().join(name);
        let text = std::fs::read_to_string(&path).unwrap();
        std::fs::write(&path, text.replace("Dehqan", "Dehqxn")).unwrap();
    }
    let out = marginalia(&["export", "--format", "spacy", "."], dir.path());
    assert_exit(&out, 0);
    let sources: Vec<String> = stdout(&out)
        .lines()
        .map(|l| serde_json::from_str::<Value>(l).unwrap()["meta"]["source"].to_string())
        .collect();
    let expected: Vec<String> = names.iter().map(|n| format!("\"{n}\"")).collect();
    assert_eq!(sources, expected);
    let skipped: Vec<String> = stderr(&out)
        .lines()
        .filter(|l| l.contains("skipped: quote mismatch"))
        .map(|l| l.split(':').next().unwrap().to_owned())
        .collect();
    let expected: Vec<String> = names.iter().step_by(5).map(|n| format!("./{n}")).collect();
    assert_eq!(skipped, expected);
}
