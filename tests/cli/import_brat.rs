//! brat in full: every line type imported, discontinuous spans as linked
//! fragments, `--map`/`--role`, corpora with annotations apart from their
//! texts and one file per annotator, and an export that brat's loader reads
//! and that gives back the same lines apart from ids.
//!
//! The fixture `tests/fixtures/brat/` is a short article of our own with
//! PolNeAR-style attributions (`E Attribution:T Source:T Cue:T Content:T`)
//! plus every other line type; brat's own loader (`server/src/annotation.py`)
//! reads it without a failed line.

use crate::{assert_exit, marginalia, stderr, stdout};
use marginalia::model::annotation::{Annotation, Label};
use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

const FIXTURE: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/fixtures/brat");

fn fixture(name: &str) -> String {
    std::fs::read_to_string(Path::new(FIXTURE).join(name)).unwrap()
}

/// A folder `brat/` holding `doc1.txt` and `doc1.ann` (annotator ana's file).
fn plain_brat(dir: &Path) -> PathBuf {
    let brat = dir.join("brat");
    std::fs::create_dir_all(&brat).unwrap();
    std::fs::write(brat.join("doc1.txt"), fixture("text/doc1.txt")).unwrap();
    std::fs::write(brat.join("doc1.ann"), fixture("attributions/doc1_ana.ann")).unwrap();
    brat
}

/// The fixture laid out as PolNeAR is: `text/X.txt`, `attributions/X_AAAA.ann`.
fn corpus(dir: &Path) {
    for sub in ["text", "attributions"] {
        std::fs::create_dir_all(dir.join(sub)).unwrap();
    }
    std::fs::write(dir.join("text/doc1.txt"), fixture("text/doc1.txt")).unwrap();
    for who in ["ana", "ben"] {
        let name = format!("attributions/doc1_{who}.ann");
        std::fs::write(dir.join(&name), fixture(&name)).unwrap();
    }
}

/// Import the corpus laid out by [`corpus`], each annotator's file under their name.
fn import_corpus(dir: &Path) -> std::process::Output {
    marginalia(
        &[
            "import",
            "--format",
            "brat",
            "--texts",
            "text",
            "--annotator-sep",
            "_",
            "attributions",
        ],
        dir,
    )
}

/// The run ended with exit 0 (else its output is shown).
fn ok(out: &std::process::Output) {
    assert_eq!(out.status.code(), Some(0), "{}{}", stdout(out), stderr(out));
}

fn sidecar(article: &Path) -> Vec<Annotation> {
    let path = marginalia::store::sidecar::sidecar_path(article);
    let (sc, _) = marginalia::store::sidecar::read(&path).unwrap().unwrap();
    sc.annotations
}

fn by_kind<'a>(anns: &'a [Annotation], kind: &str, quote: &str) -> &'a Annotation {
    anns.iter()
        .find(|a| a.kind.as_deref() == Some(kind) && a.quote == quote)
        .unwrap_or_else(|| panic!("no {kind} {quote:?}"))
}

/// An `.ann` file as lines that do not depend on ids: every reference to
/// a `T` becomes its type and fragments, to an `E` or `R` its own form; `M`
/// (brat's old attribute form) reads as `A`. Sorted, as a multiset.
fn canonical(ann: &str) -> Vec<String> {
    let mut t_of: BTreeMap<String, String> = BTreeMap::new();
    let lines: Vec<Vec<&str>> = ann
        .lines()
        .filter(|l| !l.trim().is_empty())
        .map(|l| l.split('\t').collect())
        .collect();
    for cols in &lines {
        if cols[0].starts_with('T') {
            let (ty, offs) = cols[1].split_once(' ').unwrap();
            t_of.insert(cols[0].into(), format!("[{ty} {offs}]"));
        }
    }
    let refer = |id: &str, t_of: &BTreeMap<String, String>| {
        t_of.get(id).cloned().unwrap_or_else(|| format!("?{id}"))
    };
    // Events and relations next, so notes and attributes can refer to them.
    for cols in &lines {
        let id = cols[0];
        if id.starts_with('E') {
            let mut words = cols[1].split_whitespace();
            let (ty, trig) = words.next().unwrap().split_once(':').unwrap();
            let mut args: Vec<String> = words
                .map(|w| {
                    let (role, t) = w.split_once(':').unwrap();
                    format!("{role}:{}", refer(t, &t_of))
                })
                .collect();
            args.sort();
            let form = format!("E {ty}:{} {}", refer(trig, &t_of), args.join(" "));
            t_of.insert(id.into(), format!("<{form}>"));
        } else if id.starts_with('R') {
            let mut words = cols[1].split_whitespace();
            let ty = words.next().unwrap();
            let args: Vec<String> = words
                .map(|w| {
                    let (role, t) = w.split_once(':').unwrap();
                    format!("{role}:{}", refer(t, &t_of))
                })
                .collect();
            t_of.insert(id.into(), format!("<R {ty} {}>", args.join(" ")));
        }
    }
    let mut out: Vec<String> = lines
        .iter()
        .map(|cols| {
            let id = cols[0];
            let tail = cols.get(2).copied().unwrap_or("").trim_end();
            match id.chars().next().unwrap() {
                'T' => format!("T {}\t{tail}", cols[1]),
                'E' | 'R' => refer(id, &t_of),
                'A' | 'M' => {
                    let w: Vec<&str> = cols[1].split_whitespace().collect();
                    let value = w.get(2).copied().unwrap_or("true");
                    format!("A {} {} {value}", w[0], refer(w[1], &t_of))
                }
                'N' => {
                    let w: Vec<&str> = cols[1].split_whitespace().collect();
                    format!("N {} {} {}\t{tail}", w[0], refer(w[1], &t_of), w[2])
                }
                '*' => {
                    let w: Vec<&str> = cols[1].split_whitespace().collect();
                    let mut members: Vec<String> = w[1..].iter().map(|m| refer(m, &t_of)).collect();
                    members.sort();
                    format!("* {} {}", w[0], members.join(" "))
                }
                '#' => {
                    let w: Vec<&str> = cols[1].split_whitespace().collect();
                    format!("# {} {}\t{tail}", w[0], refer(w[1], &t_of))
                }
                _ => format!("unknown {cols:?}"),
            }
        })
        .collect();
    out.sort();
    out
}

/// What brat's loader checks on a `T` line: no fragment holds a line
/// break, and the text column is the fragments' texts joined by a space.
fn brat_would_load(txt: &str, ann: &str) -> Result<(), String> {
    let chars: Vec<char> = txt.chars().collect();
    for line in ann.lines().filter(|l| l.starts_with('T')) {
        let cols: Vec<&str> = line.splitn(3, '\t').collect();
        let (_, offs) = cols[1].split_once(' ').unwrap();
        let mut texts = Vec::new();
        for frag in offs.split(';') {
            let (a, b) = frag.split_once(' ').unwrap();
            let (a, b): (usize, usize) = (a.parse().unwrap(), b.parse().unwrap());
            let piece: String = chars[a..b].iter().collect();
            if piece.contains('\n') {
                return Err(format!("{line:?}: a fragment holds a line break"));
            }
            texts.push(piece);
        }
        if cols[2] != texts.join(" ") {
            return Err(format!(
                "{line:?}: text column is not {:?}",
                texts.join(" ")
            ));
        }
    }
    Ok(())
}

#[test]
fn brat_event_attribute_normalization_equivalence_and_modifier_lines_are_imported() {
    let dir = tempfile::tempdir().unwrap();
    let brat = plain_brat(dir.path());
    let out = marginalia(&["import", "brat"], dir.path());
    ok(&out);
    assert!(
        stderr(&out).contains("0 left out, 0 not imported"),
        "{}",
        stderr(&out)
    );
    let anns = sidecar(&brat.join("doc1.txt"));
    // E: links from the trigger to each argument, role lowercased.
    let trigger = by_kind(&anns, "Attribution", "said");
    let source = by_kind(&anns, "Source", "Foreign minister Dehqan");
    assert_eq!(trigger.events.len(), 1);
    assert_eq!(trigger.events[0].kind, "Attribution");
    assert_eq!(
        trigger.events[0].note.as_deref(),
        Some("the first attribution")
    );
    let roles: BTreeSet<&str> = trigger.links.iter().map(|l| l.role.as_str()).collect();
    assert_eq!(roles, BTreeSet::from(["content", "cue", "source"]));
    assert!(
        trigger
            .links
            .iter()
            .any(|l| l.role == "source" && l.target == source.id)
    );
    // An event with only a trigger is kept, with its attribute.
    let lone = by_kind(&anns, "Attribution-no-source", "According to");
    assert_eq!(lone.events.len(), 1);
    assert_eq!(lone.events[0].attrs["Negated"], "true");
    // A: valued and binary (M is brat's old binary form).
    let content = by_kind(&anns, "Content", "the talks were “going well”");
    assert_eq!(content.attrs["Confidence"], "High");
    let deal = by_kind(&anns, "Content", "“The deal,”");
    assert_eq!(deal.attrs["Speculation"], "true");
    // N: kept.
    let baku = by_kind(&anns, "Location", "Baku");
    assert_eq!(baku.norms[0].db, "Wikipedia");
    assert_eq!(baku.norms[0].entry, "184136");
    assert_eq!(baku.norms[0].text, "Baku");
    // *: links with role equiv.
    assert!(
        source
            .links
            .iter()
            .any(|l| l.role == "equiv" && l.relation.as_deref() == Some("Equiv"))
    );
    // R with its attribute and note.
    let hasanov = by_kind(&anns, "Person", "Hasanov");
    let met = hasanov.links.iter().find(|l| l.role == "met").unwrap();
    assert_eq!(met.relation.as_deref(), Some("Met"));
    assert_eq!(met.attrs["Certainty"], "Low");
    assert_eq!(met.note.as_deref(), Some("in Baku"));
}

#[test]
fn brat_spans_with_one_range_and_different_types_are_both_kept() {
    let dir = tempfile::tempdir().unwrap();
    let brat = plain_brat(dir.path());
    let out = marginalia(&["import", "brat"], dir.path());
    let anns = sidecar(&brat.join("doc1.txt"));
    for word in ["said", "added", "told", "According to"] {
        let kinds: BTreeSet<_> = anns
            .iter()
            .filter(|a| a.quote == word)
            .map(|a| a.kind.clone().unwrap())
            .collect();
        assert_eq!(kinds.len(), 2, "{word}: {kinds:?}");
    }
    assert_eq!(anns.len(), 18, "17 T lines, one of them in two fragments");
    ok(&out);
}

#[test]
fn brat_discontinuous_spans_become_fragments_linked_to_the_first() {
    let dir = tempfile::tempdir().unwrap();
    let brat = plain_brat(dir.path());
    let out = marginalia(&["import", "brat"], dir.path());
    ok(&out);
    let anns = sidecar(&brat.join("doc1.txt"));
    // T8 `144 155;175 186`: two annotations, the later linked to the first.
    let first = by_kind(&anns, "Content", "“The deal,”");
    let second = by_kind(&anns, "Content", "“is close.”");
    assert_eq!(second.first_fragment(), Some(&first.id));
    assert_eq!(first.first_fragment(), None);
    assert_eq!(first.note.as_deref(), Some("interrupted quote"));
    assert!(
        second.note.is_none(),
        "the first carries the span's own data"
    );
    // The first carries the links: E3's trigger points at it.
    let told = by_kind(&anns, "Attribution", "told");
    assert!(told.links.iter().any(|l| l.target == first.id));
    // T5 `86 124;125 143`: only a line break apart, so one annotation.
    let joined = by_kind(
        &anns,
        "Content",
        "“We have no capacity for a new crisis,\nand we want none.”",
    );
    assert_eq!(joined.first_fragment(), None);
}

#[test]
fn brat_map_and_role_turn_attributions_into_quotes_linked_to_speakers() {
    let dir = tempfile::tempdir().unwrap();
    let brat = plain_brat(dir.path());
    let out = marginalia(
        &[
            "import",
            "--map",
            "Content=Quote",
            "--map",
            "Source=Entity:Source",
            "--map",
            "Cue=Entity:Cue",
            "--map",
            "Attribution=-",
            "--role",
            "Source=speaker",
            "--role",
            "Cue=cue",
            "brat",
        ],
        dir.path(),
    );
    ok(&out);
    // Left out: three Attribution triggers and the note on E1, whose trigger is gone.
    assert!(
        stderr(&out).contains("4 left out, 0 not imported"),
        "{}",
        stderr(&out)
    );
    let anns = sidecar(&brat.join("doc1.txt"));
    assert!(
        !anns
            .iter()
            .any(|a| a.kind.as_deref() == Some("Attribution"))
    );
    let quote = anns
        .iter()
        .find(|a| a.label == Label::Quote && a.quote == "the talks were “going well”")
        .unwrap();
    let speaker = anns
        .iter()
        .find(|a| a.quote == "Foreign minister Dehqan")
        .unwrap();
    assert_eq!(speaker.label, Label::Entity);
    assert_eq!(speaker.kind.as_deref(), Some("Source"));
    assert_eq!(quote.speaker(), Some(&speaker.id));
    assert!(quote.links.iter().any(|l| l.role == "cue"));
    // The trigger-only event (type Attribution-no-source, not mapped) stays.
    assert!(
        anns.iter()
            .any(|a| a.kind.as_deref() == Some("Attribution-no-source") && a.events.len() == 1)
    );
}

#[test]
fn brat_elements_that_cannot_be_imported_are_reported_with_their_line() {
    let dir = tempfile::tempdir().unwrap();
    let brat = dir.path().join("brat");
    std::fs::create_dir_all(&brat).unwrap();
    std::fs::write(brat.join("d.txt"), "Dehqan said no.\n").unwrap();
    std::fs::write(
        brat.join("d.ann"),
        "T1\tPerson 0 6\tDehqan\nA1\tNegated T9\nR1\tSpeaker Arg1:T1 Arg2:T7\nT2\tCue 7 11\tsaid\nX1\twhat\n",
    )
    .unwrap();
    let out = marginalia(&["import", "brat"], dir.path());
    assert_exit(&out, 1);
    let o = stdout(&out);
    for line in [2, 3, 5] {
        assert!(o.contains(&format!("brat/d.ann:{line}: ")), "{line}: {o}");
    }
    assert!(stderr(&out).contains("3 not imported"), "{}", stderr(&out));
    assert_eq!(sidecar(&brat.join("d.txt")).len(), 2);
}

#[test]
fn brat_corpus_with_annotators_imports_each_file_under_its_annotator() {
    let dir = tempfile::tempdir().unwrap();
    corpus(dir.path());
    let out = import_corpus(dir.path());
    ok(&out);
    let anns = sidecar(&dir.path().join("text/doc1.txt"));
    let by = |who: &str| anns.iter().filter(|a| a.author == who).count();
    assert_eq!((by("ana"), by("ben")), (18, 5));
    // Both annotators marked the same source: each keeps theirs.
    let sources = anns
        .iter()
        .filter(|a| a.quote == "Foreign minister Dehqan")
        .count();
    assert_eq!(sources, 2);
    // Importing again adds nothing.
    let again = import_corpus(dir.path());
    assert!(
        stderr(&again).contains(": 0 imported,"),
        "{}",
        stderr(&again)
    );
}

#[test]
fn brat_round_trip_gives_back_every_line_apart_from_ids() {
    let dir = tempfile::tempdir().unwrap();
    corpus(dir.path());
    let out = import_corpus(dir.path());
    ok(&out);
    for who in ["ana", "ben"] {
        let target = format!("out-{who}");
        let out = marginalia(
            &[
                "export", "--format", "brat", "--status", "all", "--author", who, "--out", &target,
                "text",
            ],
            dir.path(),
        );
        ok(&out);
        let back = std::fs::read_to_string(dir.path().join(&target).join("doc1.ann")).unwrap();
        let original = fixture(&format!("attributions/doc1_{who}.ann"));
        assert_eq!(canonical(&back), canonical(&original), "{back}");
        let txt = std::fs::read_to_string(dir.path().join(&target).join("doc1.txt")).unwrap();
        brat_would_load(&txt, &back).unwrap();
    }
}

#[test]
fn brat_export_splits_a_span_at_line_breaks_and_import_joins_it_again() {
    let dir = tempfile::tempdir().unwrap();
    let text = "Dehqan said:\n“no capacity\nfor a new crisis.”\n";
    std::fs::write(dir.path().join("a.txt"), text).unwrap();
    let quote_start = text.chars().position(|c| c == '“').unwrap();
    let quote_end = text.chars().count() - 1;
    let rec = format!(
        r#"{{"text": {}, "spans": [{{"start": {quote_start}, "end": {quote_end}, "label": "QUOTE"}}], "meta": {{"source": "a.txt"}}}}"#,
        serde_json::to_string(text).unwrap()
    );
    std::fs::write(dir.path().join("in.jsonl"), rec + "\n").unwrap();
    let out = marginalia(&["import", "--as", "accepted", "in.jsonl"], dir.path());
    ok(&out);
    let out = marginalia(
        &["export", "--format", "brat", "--out", "out", "a.txt"],
        dir.path(),
    );
    ok(&out);
    let ann = std::fs::read_to_string(dir.path().join("out/a.ann")).unwrap();
    assert_eq!(
        ann, "T1\tQuote 13 25;26 44\t“no capacity for a new crisis.”\n",
        "split where brat splits a selection"
    );
    let txt = std::fs::read_to_string(dir.path().join("out/a.txt")).unwrap();
    brat_would_load(&txt, &ann).unwrap();
    // Imported back, the span is whole again.
    let out = marginalia(&["import", "out"], dir.path());
    ok(&out);
    let anns = sidecar(&dir.path().join("out/a.txt"));
    assert_eq!(anns.len(), 1);
    assert_eq!(anns[0].quote, "“no capacity\nfor a new crisis.”");
}

#[test]
fn brat_export_writes_an_annotation_conf_for_what_it_uses() {
    let dir = tempfile::tempdir().unwrap();
    let brat = plain_brat(dir.path());
    let out = marginalia(&["import", "brat"], dir.path());
    ok(&out);
    let out = marginalia(
        &[
            "export", "--format", "brat", "--status", "all", "--out", "out", "brat",
        ],
        dir.path(),
    );
    ok(&out);
    drop(brat);
    let conf = std::fs::read_to_string(dir.path().join("out/annotation.conf")).unwrap();
    let section = |name: &str| -> Vec<String> {
        conf.split(&format!("[{name}]\n"))
            .nth(1)
            .unwrap_or_else(|| panic!("no [{name}] in {conf}"))
            .split("\n[")
            .next()
            .unwrap()
            .lines()
            .filter(|l| !l.trim().is_empty() && !l.starts_with('#'))
            .map(str::to_owned)
            .collect()
    };
    let entities = section("entities");
    for ty in ["Source", "Cue", "Content", "Person", "Location"] {
        assert!(entities.iter().any(|l| l == ty), "{ty}: {entities:?}");
    }
    let events = section("events");
    assert!(
        events.iter().any(|l| l.starts_with("Attribution\t")
            && l.contains("Source:")
            && l.contains("Content:")),
        "{events:?}"
    );
    assert!(
        events
            .iter()
            .any(|l| l.starts_with("Attribution-no-source"))
    );
    let relations = section("relations");
    assert!(
        relations.iter().any(|l| l.starts_with("Met\t")),
        "{relations:?}"
    );
    assert!(
        relations.iter().any(|l| l.starts_with("Equiv\t")),
        "{relations:?}"
    );
    let attributes = section("attributes");
    assert!(
        attributes
            .iter()
            .any(|l| l.starts_with("Confidence\t") && l.contains("Value:High")),
        "{attributes:?}"
    );
    assert!(attributes.iter().any(|l| l.starts_with("Negated\t")));
}

#[test]
fn brat_options_are_refused_for_record_formats() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("in.jsonl"), "{}\n").unwrap();
    let out = marginalia(&["import", "--texts", "text", "in.jsonl"], dir.path());
    assert_exit(&out, 2);
    assert!(
        stderr(&out).contains("--texts and --annotator-sep are for brat"),
        "{}",
        stderr(&out)
    );
}
