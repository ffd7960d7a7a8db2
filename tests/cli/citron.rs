//! Citron's JSON (`import --format citron`, `export --format citron`): both
//! flavours come in with their cues, sources, split contents and
//! coreferences, and what Marginalia exports reads back the same.

use crate::{assert_exit, marginalia, stderr, stdout};
use marginalia::model::annotation::{Annotation, Label};
use marginalia::store::sidecar;
use std::path::Path;

/// The Humpty Dumpty example of Citron's `docs/data_format.md`, with the
/// edges Citron's annotator strips.
const ARTICLE: &str = "  \"When I use a word,\" Humpty Dumpty said in rather a scornful tone, \"it means just what I choose it to mean — neither more nor less.\" He laughed. The minister said the plan was unhinged.\n";

fn read(dir: &Path, name: &str) -> sidecar::Sidecar {
    let text = std::fs::read_to_string(sidecar::sidecar_path(&dir.join(name))).expect("sidecar");
    sidecar::parse(&text, Path::new(name)).expect("parses")
}

fn by_quote<'a>(sc: &'a sidecar::Sidecar, quote: &str) -> &'a Annotation {
    sc.annotations
        .iter()
        .find(|a| a.quote == quote)
        .unwrap_or_else(|| panic!("no annotation {quote:?}"))
}

fn linked<'a>(sc: &'a sidecar::Sidecar, a: &Annotation, role: &str) -> Vec<&'a str> {
    a.links
        .iter()
        .filter(|l| l.role == role)
        .filter_map(|l| sc.annotations.iter().find(|b| b.id == l.target))
        .map(|b| b.quote.as_str())
        .collect()
}

/// A span `{"start","end","text"}` of the `n`th `needle` in `text`, in code points.
fn span(text: &str, needle: &str, n: usize) -> serde_json::Value {
    let byte = text
        .match_indices(needle)
        .nth(n)
        .map(|(b, _)| b)
        .expect("needle");
    let start = text[..byte].chars().count();
    serde_json::json!({"start": start, "end": start + needle.chars().count(), "text": needle})
}

/// Citron's data format for [`ARTICLE`], as its annotator saves it (text stripped).
fn data_format() -> String {
    let t = ARTICLE.trim();
    serde_json::json!({
        "text": t,
        "quotes": [
            {"cue": span(t, "said", 0), "sources": [span(t, "Humpty Dumpty", 0)],
             "contents": [span(t, "\"When I use a word,\"", 0),
                          span(t, "\"it means just what I choose it to mean — neither more nor less.\"", 0)]},
            {"cue": span(t, "said", 1), "sources": [span(t, "The minister", 0)],
             "contents": [span(t, "the plan was unhinged", 0)]}
        ],
        "coreference_groups": [[span(t, "Humpty Dumpty", 0), span(t, "He", 0)]]
    })
    .to_string()
}

#[test]
fn citron_data_format_imports_split_quotes_claims_and_coreference_then_adds_nothing() {
    let dir = tempfile::tempdir().expect("tempdir");
    std::fs::write(dir.path().join("a.txt"), ARTICLE).expect("article");
    std::fs::write(dir.path().join("a.json"), data_format()).expect("citron");
    let o = marginalia(&["import", "a.json"], dir.path());
    assert_exit(&o, 0);
    assert!(
        stderr(&o).contains("12 imported (7 spans, 4 links, 1 equivalence)"),
        "{}",
        stderr(&o)
    );
    let sc = read(dir.path(), "a.txt");
    let first = by_quote(&sc, "\"When I use a word,\"");
    assert_eq!(first.label, Label::Quote);
    assert_eq!(
        (first.start.0, first.end.0),
        (2, 22),
        "offsets shifted back"
    );
    assert_eq!(linked(&sc, first, "speaker"), ["Humpty Dumpty"]);
    assert_eq!(linked(&sc, first, "cue"), ["said"]);
    let second = by_quote(
        &sc,
        "\"it means just what I choose it to mean — neither more nor less.\"",
    );
    assert_eq!(
        second.first_fragment(),
        Some(&first.id),
        "the second content is part of the first"
    );
    let claim = by_quote(&sc, "the plan was unhinged");
    assert_eq!(claim.label, Label::Claim);
    assert_eq!(linked(&sc, claim, "source"), ["The minister"]);
    assert_eq!(linked(&sc, by_quote(&sc, "Humpty Dumpty"), "equiv"), ["He"]);
    // A folder of .json files beside their texts; nothing new the second time.
    let o = marginalia(&["import", "--format", "citron", "."], dir.path());
    assert_exit(&o, 0);
    assert!(
        stderr(&o).contains("0 imported, 12 duplicates skipped"),
        "{}",
        stderr(&o)
    );
}

#[test]
fn citron_extract_output_is_placed_by_text_with_names_resolved() {
    let dir = tempfile::tempdir().expect("tempdir");
    std::fs::write(dir.path().join("a.txt"), ARTICLE).expect("article");
    // What `citron-extract` prints: token indexes, no text, the resolved
    // name in `sources` and the source as written in `coreferences`.
    let extract = serde_json::json!({
        "quotes": [{
            "sources": [{"start": 3, "end": 5, "text": "Humpty Dumpty"}],
            "coreferences": [{"start": 33, "end": 34, "text": "He"}],
            "cue": {"start": 34, "end": 35, "text": "laughed"},
            "contents": [{"start": 20, "end": 33, "text": "\"it means just what I choose it to mean — neither more nor less.\""}],
            "confidence": "0.8731"
        }],
        "source": {"application": "citron-extractor", "version": "1.0.0"}
    });
    std::fs::write(dir.path().join("a.json"), extract.to_string()).expect("citron");
    let o = marginalia(&["import", "--format", "citron", "a.json"], dir.path());
    assert_exit(&o, 0);
    let sc = read(dir.path(), "a.txt");
    let q = by_quote(
        &sc,
        "\"it means just what I choose it to mean — neither more nor less.\"",
    );
    assert_eq!(q.label, Label::Quote);
    assert_eq!(linked(&sc, q, "speaker"), ["He"]);
    assert_eq!(linked(&sc, q, "cue"), ["laughed"]);
    assert_eq!(
        linked(&sc, by_quote(&sc, "He"), "refers-to"),
        ["Humpty Dumpty"]
    );
}

#[test]
fn citron_spans_off_their_text_are_reported_with_exit_1() {
    let dir = tempfile::tempdir().expect("tempdir");
    std::fs::write(dir.path().join("a.txt"), ARTICLE).expect("article");
    let mut doc: serde_json::Value = serde_json::from_str(&data_format()).expect("json");
    doc["quotes"][1]["cue"]["start"] = serde_json::json!(0);
    doc["quotes"][1]["cue"]["end"] = serde_json::json!(4);
    std::fs::write(dir.path().join("a.json"), doc.to_string()).expect("citron");
    let o = marginalia(&["import", "a.json"], dir.path());
    assert_exit(&o, 1);
    assert!(
        stdout(&o).contains("a.json: quote 2: cue 0..4 \"said\" is not in the article there"),
        "{}",
        stdout(&o)
    );
    std::fs::write(dir.path().join("a.json"), "{\"quotes\": [}").expect("citron");
    let o = marginalia(&["import", "--format", "citron", "a.json"], dir.path());
    assert_exit(&o, 1);
    assert!(
        stdout(&o).contains("a.json:1: not a Citron document"),
        "{}",
        stdout(&o)
    );
}

#[test]
fn citron_export_of_suggestions_reads_back_the_same() {
    let dir = tempfile::tempdir().expect("tempdir");
    let text = "Hamid Dehqan met reporters on Monday. “There is no capacity for a new crisis,” Dehqan said. “We will talk.” He added that talks had failed.\n";
    std::fs::write(dir.path().join("a.txt"), text).expect("article");
    let o = marginalia(&["suggest", "a.txt"], dir.path());
    assert_exit(&o, 0);
    let o = marginalia(
        &[
            "export", "--format", "citron", "--status", "all", "--out", "out", "a.txt",
        ],
        dir.path(),
    );
    assert_exit(&o, 0);
    let json: serde_json::Value = serde_json::from_str(
        &std::fs::read_to_string(dir.path().join("out/a.json")).expect("a.json"),
    )
    .expect("json");
    assert_eq!(json["text"], text);
    let quotes = json["quotes"].as_array().expect("quotes");
    assert!(!quotes.is_empty());
    for q in quotes {
        for s in std::iter::once(&q["cue"])
            .chain(q["sources"].as_array().into_iter().flatten())
            .chain(q["contents"].as_array().into_iter().flatten())
        {
            let (start, end) = (s["start"].as_u64().unwrap(), s["end"].as_u64().unwrap());
            let cut: String = text
                .chars()
                .skip(start as usize)
                .take((end - start) as usize)
                .collect();
            assert_eq!(s["text"], cut.as_str(), "character offsets");
        }
    }
    // Into a fresh copy of the article and out again: the same document.
    let fresh = dir.path().join("fresh");
    std::fs::create_dir(&fresh).expect("fresh");
    std::fs::write(fresh.join("a.txt"), text).expect("article");
    std::fs::copy(dir.path().join("out/a.json"), fresh.join("a.json")).expect("copy");
    let o = marginalia(&["import", "a.json"], &fresh);
    assert_exit(&o, 0);
    let o = marginalia(
        &[
            "export", "--format", "citron", "--status", "all", "--out", "out", "a.txt",
        ],
        &fresh,
    );
    assert_exit(&o, 0);
    let again: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(fresh.join("out/a.json")).expect("a.json"))
            .expect("json");
    assert_eq!(json, again);
    let sc = read(&fresh, "a.txt");
    let q = by_quote(&sc, "“There is no capacity for a new crisis,”");
    assert_eq!(q.label, Label::Quote);
    assert_eq!(linked(&sc, q, "speaker"), ["Dehqan"]);
    assert_eq!(linked(&sc, q, "cue"), ["said"]);
    let he = sc.annotations.iter().find(|a| a.quote == "He").expect("He");
    assert_eq!(linked(&sc, he, "refers-to"), ["Dehqan"]);
    assert!(he.links.iter().all(|l| l.role != "equiv"), "no second link");
}
