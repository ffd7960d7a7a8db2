//! `marginalia suggest`: suggestions land in sidecars as unreviewed
//! annotations with links, runs are idempotent, the analyst's decisions are
//! never overridden, and external suggesters are run and reported.

use crate::{assert_exit, marginalia, stderr, stdout};
use marginalia::model::annotation::{Annotation, Label, Status};
use marginalia::store::sidecar;
use std::path::Path;

const ARTICLE: &str = "Tehran, Baku\n\nHamid Dehqan met reporters on Monday. “There is no capacity for a new crisis,” Dehqan said. “We will talk.”\n\nThe talks had failed, according to the ministry.\n";

fn write(dir: &Path, name: &str, text: &str) {
    std::fs::write(dir.join(name), text).expect("write article");
}

fn read(dir: &Path, name: &str) -> sidecar::Sidecar {
    let text = std::fs::read_to_string(sidecar::sidecar_path(&dir.join(name))).expect("sidecar");
    sidecar::parse(&text, Path::new(name)).expect("parses")
}

fn by_quote<'a>(sc: &'a sidecar::Sidecar, quote: &str) -> &'a Annotation {
    sc.annotations
        .iter()
        .find(|a| a.quote == quote)
        .unwrap_or_else(|| {
            panic!(
                "no annotation {quote:?} in {:#?}",
                sc.annotations.iter().map(|a| &a.quote).collect::<Vec<_>>()
            )
        })
}

fn target<'a>(sc: &'a sidecar::Sidecar, a: &Annotation, role: &str) -> Option<&'a Annotation> {
    let l = a.links.iter().find(|l| l.role == role)?;
    sc.annotations.iter().find(|b| b.id == l.target)
}

#[test]
fn suggest_writes_quotes_with_speaker_cue_and_parts_then_adds_nothing() {
    let dir = tempfile::tempdir().expect("tempdir");
    write(dir.path(), "a.txt", ARTICLE);
    let o = marginalia(&["suggest", "a.txt"], dir.path());
    assert_exit(&o, 0);
    assert!(
        stderr(&o).starts_with("1 articles, 3 quotes, 2 speakers, "),
        "{}",
        stderr(&o)
    );
    let sc = read(dir.path(), "a.txt");
    let q = by_quote(&sc, "“There is no capacity for a new crisis,”");
    assert_eq!((q.label, q.status), (Label::Quote, Status::Unreviewed));
    assert!(
        matches!(&q.origin, marginalia::model::annotation::Origin::Imported { format, .. } if format == "suggest")
    );
    assert_eq!(
        target(&sc, q, "speaker").map(|s| s.quote.as_str()),
        Some("Dehqan")
    );
    assert_eq!(
        target(&sc, q, "cue").map(|s| s.kind.as_deref()),
        Some(Some("Cue"))
    );
    let second = by_quote(&sc, "“We will talk.”");
    assert_eq!(
        target(&sc, second, "part-of").map(|a| a.id.clone()),
        Some(q.id.clone())
    );
    assert_eq!(
        target(&sc, second, "speaker").map(|s| s.quote.as_str()),
        Some("Dehqan")
    );
    let claim = by_quote(&sc, "The talks had failed");
    assert_eq!(claim.label, Label::Claim);
    assert_eq!(
        target(&sc, claim, "source").map(|s| s.quote.as_str()),
        Some("the ministry")
    );
    assert!(!sc.suggested.is_empty());

    let before = std::fs::read(sidecar::sidecar_path(&dir.path().join("a.txt"))).expect("read");
    let o = marginalia(&["suggest", "a.txt"], dir.path());
    assert_eq!(
        stderr(&o).lines().next(),
        Some("1 articles, 0 quotes, 0 speakers, 0 links suggested")
    );
    let after = std::fs::read(sidecar::sidecar_path(&dir.path().join("a.txt"))).expect("read");
    assert_eq!(
        before, after,
        "a second run leaves the sidecar byte for byte"
    );
}

/// Rewrite the sidecar with `f` applied to its annotations (what the
/// analyst does in the window).
fn edit(dir: &Path, name: &str, f: impl FnOnce(&mut Vec<Annotation>)) {
    let mut sc = read(dir, name);
    f(&mut sc.annotations);
    sidecar::write_atomic(
        &sidecar::sidecar_path(&dir.join(name)),
        sidecar::to_string(&sc).as_bytes(),
    )
    .expect("write");
}

#[test]
fn rejected_and_deleted_suggestions_are_not_made_again() {
    let dir = tempfile::tempdir().expect("tempdir");
    write(dir.path(), "a.txt", ARTICLE);
    marginalia(&["suggest", "a.txt"], dir.path());
    edit(dir.path(), "a.txt", |anns| {
        for a in anns.iter_mut() {
            if a.quote == "“We will talk.”" {
                a.status = Status::Rejected;
            }
        }
        anns.retain(|a| a.quote != "The talks had failed");
    });
    let o = marginalia(&["suggest", "a.txt"], dir.path());
    assert_eq!(
        stderr(&o).lines().next(),
        Some("1 articles, 0 quotes, 0 speakers, 0 links suggested")
    );
    let sc = read(dir.path(), "a.txt");
    assert!(
        sc.annotations
            .iter()
            .all(|a| a.quote != "The talks had failed")
    );
    assert_eq!(by_quote(&sc, "“We will talk.”").status, Status::Rejected);
}

#[test]
fn an_accepted_quote_gets_a_missing_speaker_and_keeps_everything_else() {
    let dir = tempfile::tempdir().expect("tempdir");
    let text = "“We will not pay,” the minister said.\n";
    write(dir.path(), "a.txt", text);
    // The analyst tagged the quote with other edges than the rules would.
    let article = marginalia::model::document::Article::new(text.into());
    let mut quote = Annotation::new(
        &article,
        marginalia::model::offset::CharRange::from_usize(1, 16),
        Label::Claim,
        "ana",
        chrono::Utc::now(),
        marginalia::model::annotation::Origin::Manual,
    )
    .expect("range");
    quote.status = Status::Accepted;
    let sc = sidecar::Sidecar::new("a.txt", "utf-8", &article, vec![quote.clone()]);
    sidecar::write_atomic(
        &sidecar::sidecar_path(&dir.path().join("a.txt")),
        sidecar::to_string(&sc).as_bytes(),
    )
    .expect("write");
    let o = marginalia(&["suggest", "a.txt"], dir.path());
    assert_exit(&o, 0);
    let sc = read(dir.path(), "a.txt");
    let kept = sc
        .annotations
        .iter()
        .find(|a| a.id == quote.id)
        .expect("kept");
    assert_eq!(
        (kept.start, kept.end, kept.label, kept.status),
        (quote.start, quote.end, quote.label, quote.status)
    );
    assert_eq!(
        sc.annotations
            .iter()
            .filter(|a| a.label != Label::Entity)
            .count(),
        1,
        "no overlapping quote is suggested over the analyst's"
    );
    let speaker = target(&sc, kept, "source").expect("speaker added");
    assert_eq!(
        (speaker.quote.as_str(), speaker.status),
        ("the minister", Status::Unreviewed)
    );
}

#[test]
fn a_pronoun_speaker_refers_to_the_person_named_before() {
    let dir = tempfile::tempdir().expect("tempdir");
    write(
        dir.path(),
        "a.txt",
        "Hamid Dehqan arrived in Baku on Monday.\n\n“We are ready,” he said.\n",
    );
    marginalia(&["suggest", "a.txt"], dir.path());
    let sc = read(dir.path(), "a.txt");
    let q = by_quote(&sc, "“We are ready,”");
    let he = target(&sc, q, "speaker").expect("speaker");
    assert_eq!(he.quote, "he");
    assert_eq!(
        target(&sc, he, "refers-to").map(|a| a.quote.as_str()),
        Some("Hamid Dehqan")
    );
}

#[test]
fn every_occurrence_of_a_tagged_entity_and_across_a_folder() {
    let dir = tempfile::tempdir().expect("tempdir");
    write(
        dir.path(),
        "a.txt",
        "Baku is calm. Baku’s mayor left Baku.\n",
    );
    write(dir.path(), "b.txt", "Flights to Baku resumed.\n");
    let article =
        marginalia::model::document::Article::new("Baku is calm. Baku’s mayor left Baku.\n".into());
    let mut baku = Annotation::new(
        &article,
        marginalia::model::offset::CharRange::from_usize(0, 4),
        Label::Entity,
        "ana",
        chrono::Utc::now(),
        marginalia::model::annotation::Origin::Manual,
    )
    .expect("range");
    baku.kind = Some("Location".into());
    let sc = sidecar::Sidecar::new("a.txt", "utf-8", &article, vec![baku]);
    sidecar::write_atomic(
        &sidecar::sidecar_path(&dir.path().join("a.txt")),
        sidecar::to_string(&sc).as_bytes(),
    )
    .expect("write");
    let o = marginalia(&["suggest", "--no-rules", "."], dir.path());
    assert_exit(&o, 0);
    let a = read(dir.path(), "a.txt");
    let spread: Vec<(usize, &str)> = a
        .annotations
        .iter()
        .filter(|x| x.status == Status::Unreviewed)
        .map(|x| (x.start.0, x.kind.as_deref().unwrap_or_default()))
        .collect();
    assert_eq!(spread, [(14, "Location"), (32, "Location")]);
    assert!(
        !sidecar::sidecar_path(&dir.path().join("b.txt")).exists(),
        "not across without the flag"
    );
    marginalia(&["suggest", "--no-rules", "--across", "."], dir.path());
    let b = read(dir.path(), "b.txt");
    assert_eq!(b.annotations.len(), 1);
    assert_eq!(
        (
            b.annotations[0].quote.as_str(),
            b.annotations[0].kind.as_deref()
        ),
        ("Baku", Some("Location"))
    );
}

#[test]
fn an_external_suggester_answers_spacy_jsonl_and_failures_show_stderr() {
    let dir = tempfile::tempdir().expect("tempdir");
    write(dir.path(), "a.txt", "Dehqan spoke in Baku.\n");
    // A program that reads its input and names the first word a PERSON.
    let script = dir.path().join("ner.sh");
    std::fs::write(
        &script,
        "#!/bin/sh\nwhile IFS= read -r line; do\n  printf '{\"meta\": {\"source\": \"a.txt\"}, \"spans\": [{\"start\": 0, \"end\": 6, \"label\": \"PERSON\"}]}\\n'\ndone\n",
    )
    .expect("script");
    let o = marginalia(
        &["suggest", "--no-rules", "--cmd", "sh ner.sh", "a.txt"],
        dir.path(),
    );
    assert_eq!(o.status.code(), Some(0), "{} {}", stdout(&o), stderr(&o));
    let sc = read(dir.path(), "a.txt");
    let person = by_quote(&sc, "Dehqan");
    assert_eq!(person.kind.as_deref(), Some("PERSON"));
    assert!(
        matches!(&person.origin, marginalia::model::annotation::Origin::Imported { source, .. } if source == "sh ner.sh")
    );

    let o = marginalia(
        &[
            "suggest",
            "--cmd",
            "echo 'model not found' >&2; exit 3",
            "a.txt",
        ],
        dir.path(),
    );
    assert_exit(&o, 2);
    assert!(stderr(&o).contains("model not found"), "{}", stderr(&o));

    let o = marginalia(
        &["suggest", "--cmd", "sleep 10", "--timeout", "1", "a.txt"],
        dir.path(),
    );
    assert_exit(&o, 2);
    assert!(
        stderr(&o).contains("did not finish within 1 s"),
        "{}",
        stderr(&o)
    );
}

#[test]
fn an_edited_article_is_left_alone_until_reanchored() {
    let dir = tempfile::tempdir().expect("tempdir");
    write(dir.path(), "a.txt", ARTICLE);
    marginalia(&["suggest", "a.txt"], dir.path());
    write(dir.path(), "a.txt", &format!("New first line.\n{ARTICLE}"));
    let before = std::fs::read(sidecar::sidecar_path(&dir.path().join("a.txt"))).expect("read");
    let o = marginalia(&["suggest", "a.txt"], dir.path());
    assert_exit(&o, 1);
    assert!(
        stdout(&o).contains("run `marginalia reanchor` first"),
        "{}",
        stdout(&o)
    );
    let after = std::fs::read(sidecar::sidecar_path(&dir.path().join("a.txt"))).expect("read");
    assert_eq!(before, after);
}

#[test]
fn a_program_that_exits_without_reading_its_input_is_reported_not_fatal() {
    // More input than a pipe holds, so writing it meets the closed pipe
    // (SIGPIPE used to end marginalia itself, with no message).
    let dir = tempfile::tempdir().expect("tempdir");
    write(dir.path(), "big.txt", &"Dehqan said no. ".repeat(20_000));
    let o = marginalia(
        &[
            "suggest",
            "--no-rules",
            "--cmd",
            "echo 'bad model' >&2; exit 4",
            "big.txt",
        ],
        dir.path(),
    );
    assert_exit(&o, 2);
    assert!(stderr(&o).contains("bad model"), "{}", stderr(&o));
}

#[test]
fn suggest_reads_a_legacy_encoding_when_told() {
    let dir = tempfile::tempdir().expect("tempdir");
    // windows-1252: « » and é are single bytes.
    let bytes: Vec<u8> = b"\xabNous gagnerons \xe0 Gen\xe8ve,\xbb a dit le ministre.\n".to_vec();
    std::fs::write(dir.path().join("fr.txt"), &bytes).expect("write");
    let o = marginalia(&["suggest", "--encoding", "cp1252", "fr.txt"], dir.path());
    assert_exit(&o, 0);
    let sc = read(dir.path(), "fr.txt");
    assert_eq!(sc.article.encoding, "cp1252");
    assert!(
        sc.annotations
            .iter()
            .any(|a| a.quote == "«Nous gagnerons à Genève,»" && a.label == Label::Quote),
        "{:?}",
        sc.annotations.iter().map(|a| &a.quote).collect::<Vec<_>>()
    );
}

#[test]
fn the_claim_model_suggests_stances_the_rules_miss_with_their_source() {
    let dir = tempfile::tempdir().expect("tempdir");
    write(
        dir.path(),
        "s.txt",
        "However, Mr. Sanders talks about a revolution in health care.\n\nAlong with the dispute over the budget, the Supreme Court this month rejected a request from the governor.\n",
    );
    let o = marginalia(&["suggest", "s.txt"], dir.path());
    assert_exit(&o, 0);
    let sc = read(dir.path(), "s.txt");
    let claim = by_quote(&sc, "talks about a revolution in health care");
    assert_eq!(
        (claim.label, claim.status),
        (Label::Claim, Status::Unreviewed)
    );
    assert_eq!(
        target(&sc, claim, "source").map(|s| s.quote.as_str()),
        Some("Mr. Sanders")
    );
    let claim = by_quote(
        &sc,
        "Along with the dispute over the budget, the Supreme Court this month rejected a request from the governor",
    );
    assert_eq!(
        target(&sc, claim, "source").map(|s| s.quote.as_str()),
        Some("the Supreme Court this month")
    );
}

#[test]
fn a_title_in_quotation_marks_is_suggested_as_the_quote_the_start_chooser_picks() {
    let dir = tempfile::tempdir().expect("tempdir");
    let text = "The campaign released a memo titled “The Facts on Where the Race Stands.”\n";
    write(dir.path(), "m.txt", text);
    let o = marginalia(&["suggest", "m.txt"], dir.path());
    assert_exit(&o, 0);
    let sc = read(dir.path(), "m.txt");
    let quote = by_quote(&sc, "“The Facts on Where the Race Stands.”");
    assert_eq!(quote.label, Label::Quote);
    assert_eq!(
        target(&sc, quote, "speaker").map(|s| s.quote.as_str()),
        Some("The campaign")
    );
    // The trainer's rows: the fragment as the rules made it, with its
    // candidate starts (the opening mark among them).
    let o = marginalia(&["__suggest-features", "--boundaries", "m.txt"], dir.path());
    assert_exit(&o, 0);
    let rows: Vec<serde_json::Value> = stdout(&o)
        .lines()
        .map(|l| serde_json::from_str(l).expect("a JSON line"))
        .collect();
    assert_eq!(rows.len(), 1);
    let mark = text.chars().position(|c| c == '“').expect("mark");
    let starts: Vec<u64> = rows[0]["candidates"]
        .as_array()
        .expect("candidates")
        .iter()
        .map(|c| c["start"].as_u64().expect("start"))
        .collect();
    assert!(starts.contains(&(mark as u64)), "{starts:?}");
    assert!(starts.contains(&rows[0]["start"].as_u64().expect("rules' start")));
}
