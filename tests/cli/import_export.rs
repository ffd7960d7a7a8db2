//! `marginalia import` / `export` as a black box: the real binary in a temp
//! folder, outputs parsed back with independent parsers (serde_json, and tiny
//! hand parsers for brat and CoNLL) and compared with the sidecars.

use marginalia::model::annotation::{Annotation, Label, Origin, Status};
use marginalia::model::offset::CharRange;
use marginalia::store::article_file::read_article;
use marginalia::store::sidecar::{self, DiskState};
use serde_json::Value;
use std::path::{Path, PathBuf};
use std::process::Command;

struct Run {
    code: i32,
    stdout: String,
    stderr: String,
}

fn run(dir: &Path, args: &[&str]) -> Run {
    let out = Command::new(env!("CARGO_BIN_EXE_marginalia"))
        .current_dir(dir)
        .args(args)
        .output()
        .expect("run marginalia");
    Run {
        code: out.status.code().unwrap_or(-1),
        stdout: String::from_utf8_lossy(&out.stdout).into_owned(),
        stderr: String::from_utf8_lossy(&out.stderr).into_owned(),
    }
}

/// The oracle: Python's `text[start:end]`.
fn py_slice(text: &str, start: usize, end: usize) -> String {
    text.chars().skip(start).take(end - start).collect()
}

/// Char offset of the `nth` occurrence of `needle` in `text`.
fn find(text: &str, needle: &str, nth: usize) -> CharRange {
    let (byte, _) = text.match_indices(needle).nth(nth).expect("needle in text");
    let start = text[..byte].chars().count();
    CharRange::from_usize(start, start + needle.chars().count())
}

struct Spec<'a> {
    quote: &'a str,
    nth: usize,
    label: Label,
    kind: Option<&'a str>,
    status: Status,
}

fn spec(quote: &str, label: Label) -> Spec<'_> {
    Spec {
        quote,
        nth: 0,
        label,
        kind: None,
        status: Status::Accepted,
    }
}

/// Write a sidecar for the article at `path` through the library.
fn annotate(path: &Path, specs: &[Spec<'_>]) -> Vec<Annotation> {
    let file = read_article(path).unwrap();
    let text = file.article.text().to_owned();
    let anns: Vec<Annotation> = specs
        .iter()
        .map(|s| {
            let mut a = Annotation::new(
                &file.article,
                find(&text, s.quote, s.nth),
                s.label,
                "ana",
                chrono::Utc::now(),
                Origin::Manual,
            )
            .unwrap();
            a.kind = s.kind.map(str::to_owned);
            a.status = s.status;
            a
        })
        .collect();
    let sc = file.sidecar(anns.clone());
    sidecar::save(&sidecar::sidecar_path(path), &sc, &DiskState::Absent).unwrap();
    anns
}

fn read_sidecar(path: &Path) -> Vec<Annotation> {
    let (sc, _) = sidecar::read(&sidecar::sidecar_path(path))
        .unwrap()
        .expect("a sidecar");
    sc.annotations
}

fn decoded(path: &Path) -> String {
    read_article(path).unwrap().article.text().to_owned()
}

/// A corpus of awkward articles: emoji with ZWJ, Persian, combining marks,
/// CRLF with a BOM, and Windows-1252 bytes.
fn hard_corpus(dir: &Path) -> Vec<PathBuf> {
    let corpus = dir.join("corpus");
    std::fs::create_dir_all(corpus.join("sub")).unwrap();
    let files: Vec<(PathBuf, Vec<u8>)> = vec![
        (
            corpus.join("emoji.txt"),
            "Family 👩‍👩‍👧 met Zakir 🇦🇿 Hasanov.\nHe said «peace now» today."
                .as_bytes()
                .to_vec(),
        ),
        (
            corpus.join("sub/persian.txt"),
            "دهقان گفت: «صلح»\nوزیر دفاع ایران".as_bytes().to_vec(),
        ),
        (
            corpus.join("combining.md"),
            "Jose\u{301} Marti\u{301} and Zoe\u{308} went to Baku."
                .as_bytes()
                .to_vec(),
        ),
        (
            corpus.join("crlf.txt"),
            b"\xEF\xBB\xBFline one Tehran\r\nline two Baku\r\n".to_vec(),
        ),
        (
            corpus.join("cp1252.txt"),
            b"\x93Caf\xe9\x94 said Ren\xe9e in Z\xfcrich, na\xefvely.".to_vec(),
        ),
    ];
    for (p, bytes) in &files {
        std::fs::write(p, bytes).unwrap();
    }
    let paths: Vec<PathBuf> = files.into_iter().map(|(p, _)| p).collect();
    annotate(
        &paths[0],
        &[
            spec("👩‍👩‍👧", Label::Entity),
            Spec {
                kind: Some("PER"),
                ..spec("Zakir 🇦🇿 Hasanov", Label::Entity)
            },
            spec("«peace now»", Label::Quote),
            Spec {
                status: Status::Rejected,
                ..spec("today", Label::Claim)
            },
        ],
    );
    annotate(
        &paths[1],
        &[
            Spec {
                kind: Some("PER"),
                ..spec("دهقان", Label::Entity)
            },
            spec("«صلح»", Label::Quote),
            Spec {
                status: Status::Unreviewed,
                ..spec("ایران", Label::Entity)
            },
        ],
    );
    annotate(
        &paths[2],
        &[
            spec("Jose\u{301}", Label::Entity),
            spec("Zoe\u{308}", Label::Entity),
            spec("Baku", Label::Entity),
        ],
    );
    annotate(
        &paths[3],
        &[spec("Tehran", Label::Entity), spec("Baku", Label::Entity)],
    );
    annotate(
        &paths[4],
        &[
            spec("\u{201c}Café\u{201d}", Label::Quote),
            spec("Renée", Label::Entity),
            spec("Zürich", Label::Entity),
        ],
    );
    paths
}

fn exported(anns: &[Annotation]) -> Vec<&Annotation> {
    anns.iter()
        .filter(|a| a.status != Status::Rejected)
        .collect()
}

#[test]
fn spacy_export_round_trips_awkward_text_with_exact_offsets() {
    let dir = tempfile::tempdir().unwrap();
    let paths = hard_corpus(dir.path());
    let r = run(dir.path(), &["export", "--format", "spacy", "corpus"]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert!(
        r.stderr
            .contains("5 articles, 14 spans exported, 0 skipped"),
        "{}",
        r.stderr
    );
    let lines: Vec<Value> = r
        .stdout
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    // Sorted by path: combining.md, cp1252.txt, crlf.txt, emoji.txt, sub/persian.txt.
    let sources: Vec<&str> = lines
        .iter()
        .map(|l| l["meta"]["source"].as_str().unwrap())
        .collect();
    assert_eq!(
        sources,
        [
            "combining.md",
            "cp1252.txt",
            "crlf.txt",
            "emoji.txt",
            "sub/persian.txt"
        ]
    );
    for line in &lines {
        let source = line["meta"]["source"].as_str().unwrap();
        let path = dir.path().join("corpus").join(source);
        let text = line["text"].as_str().unwrap();
        assert_eq!(
            text,
            decoded(&path),
            "{source}: text is the decoded article"
        );
        let anns = read_sidecar(&path);
        let want = exported(&anns);
        let spans = line["spans"].as_array().unwrap();
        assert_eq!(spans.len(), want.len(), "{source}");
        for (s, a) in spans.iter().zip(want) {
            let (start, end) = (
                s["start"].as_u64().unwrap() as usize,
                s["end"].as_u64().unwrap() as usize,
            );
            assert_eq!((start, end), (a.start.0, a.end.0));
            assert_eq!(py_slice(text, start, end), a.quote, "{source}");
            assert_eq!(s["label"], a.label.upper_name());
            assert_eq!(s["id"], a.id.0.as_str());
            assert_eq!(s["kind"].as_str(), a.kind.as_deref());
        }
    }
    assert!(paths[3].exists());
}

#[test]
fn import_maps_labels_and_twice_adds_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let text = "Dehqan met Hasanov in Tehran and said «no crisis».";
    std::fs::write(dir.path().join("a.txt"), text).unwrap();
    let rec = serde_json::json!({
        "text": text,
        "spans": [
            {"start": 0, "end": 6, "label": "PER"},
            {"start": 22, "end": 28, "label": "entity"},
            {"start": 38, "end": 49, "label": "QUOTE"},
            {"start": 0, "end": 49, "label": "Claim"},
        ],
        "meta": {"source": "a.txt"},
    });
    std::fs::write(dir.path().join("in.jsonl"), format!("{rec}\n")).unwrap();
    let r = run(dir.path(), &["import", "--format", "spacy", "in.jsonl"]);
    assert_eq!(r.code, 0, "{}{}", r.stdout, r.stderr);
    assert!(
        r.stderr.contains(
            "1 records: 4 imported (4 spans), 0 duplicates skipped, 0 left out, 0 not imported"
        ),
        "{}",
        r.stderr
    );
    let anns = read_sidecar(&dir.path().join("a.txt"));
    let got: Vec<_> = anns
        .iter()
        .map(|a| (a.start.0, a.label, a.kind.as_deref(), a.quote.as_str()))
        .collect();
    assert_eq!(
        got,
        vec![
            (0, Label::Entity, Some("PER"), "Dehqan"),
            (0, Label::Claim, None, &text[..text.len() - 1]),
            (22, Label::Entity, None, "Tehran"),
            (38, Label::Quote, None, "«no crisis»"),
        ]
    );
    for a in &anns {
        assert_eq!(a.status, Status::Unreviewed);
        assert_eq!(a.author, "spacy");
        assert_eq!(
            a.origin,
            Origin::Imported {
                source: "in.jsonl".into(),
                format: "spacy".into()
            }
        );
        assert_eq!(a.prefix.chars().count(), a.start.0.min(32));
    }
    let before = std::fs::read(sidecar::sidecar_path(&dir.path().join("a.txt"))).unwrap();
    let r = run(dir.path(), &["import", "in.jsonl", "--as", "accepted"]);
    assert_eq!(r.code, 0);
    assert!(
        r.stderr
            .contains("1 records: 0 imported, 4 duplicates skipped, 0 left out, 0 not imported"),
        "{}",
        r.stderr
    );
    let after = std::fs::read(sidecar::sidecar_path(&dir.path().join("a.txt"))).unwrap();
    assert_eq!(before, after, "a second import changes nothing");
}

#[test]
fn doccano_records_match_by_text_and_mismatches_are_reported() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("data");
    std::fs::create_dir_all(data.join("deep")).unwrap();
    let text_b = "سلام Ana 👋 from Baku\nline two";
    std::fs::write(data.join("deep/b.txt"), text_b).unwrap();
    std::fs::write(data.join("c.txt"), "Another article.").unwrap();
    let lines = [
        // Matched by text (no meta.source), old and new doccano forms.
        serde_json::json!({"text": text_b, "label": [[5, 8, "PER"]]}),
        serde_json::json!({"text": text_b, "entities": [{"start_offset": 16, "end_offset": 20, "label": "GPE"}]}),
        // Text differs from the article named by meta.source: skipped, never guessed.
        serde_json::json!({"text": "Another article!", "label": [[0, 7, "X"]], "meta": {"source": "c.txt"}}),
        // Matches nothing.
        serde_json::json!({"text": "Unknown text", "label": [[0, 7, "X"]]}),
        // Offsets out of range and empty.
        serde_json::json!({"text": text_b, "label": [[20, 99, "PER"], [3, 3, "PER"]]}),
    ];
    let body: String = lines.iter().map(|l| format!("{l}\n")).collect();
    std::fs::write(data.join("in.jsonl"), format!("{body}not json\n")).unwrap();
    let r = run(
        dir.path(),
        &[
            "import",
            "--format",
            "doccano",
            "--author",
            "bot",
            "data/in.jsonl",
        ],
    );
    assert_eq!(r.code, 1, "{}{}", r.stdout, r.stderr);
    assert!(
        r.stderr.contains(
            "6 records: 2 imported (2 spans), 0 duplicates skipped, 0 left out, 5 not imported"
        ),
        "{}",
        r.stderr
    );
    for (line, needle) in [
        (3, "differs"),
        (4, "no article"),
        (5, "out of range"),
        (5, "empty"),
        (6, "not a doccano record"),
    ] {
        let prefix = format!("data/in.jsonl:{line}: ");
        assert!(
            r.stdout
                .lines()
                .any(|l| l.starts_with(&prefix) && l.contains(needle)),
            "line {line} {needle}: {}",
            r.stdout
        );
    }
    let anns = read_sidecar(&data.join("deep/b.txt"));
    let got: Vec<_> = anns
        .iter()
        .map(|a| (a.quote.as_str(), a.kind.as_deref(), a.author.as_str()))
        .collect();
    assert_eq!(
        got,
        [("Ana", Some("PER"), "bot"), ("Baku", Some("GPE"), "bot")]
    );
    assert_eq!(py_slice(text_b, 16, 20), "Baku");
    assert!(!sidecar::sidecar_path(&data.join("c.txt")).exists());
}

#[test]
fn export_leaves_out_rejected_unless_status_says_so() {
    let dir = tempfile::tempdir().unwrap();
    hard_corpus(dir.path());
    let spans = |args: &[&str]| -> Vec<String> {
        let mut all = vec!["export", "--format", "doccano"];
        all.extend_from_slice(args);
        all.push("corpus/emoji.txt");
        let r = run(dir.path(), &all);
        // doccano has no status: a rejected span exported on request reads
        // as any other, so the export reports the lost mark (exit 1).
        let rejected_asked = args.iter().any(|a| a.contains("rejected") || *a == "all");
        assert_eq!(r.code, i32::from(rejected_asked), "{}", r.stderr);
        assert_eq!(
            r.stderr
                .contains("1 rejected marks (the format has no status"),
            rejected_asked,
            "{}",
            r.stderr
        );
        let v: Value = serde_json::from_str(r.stdout.trim()).unwrap();
        let text = v["text"].as_str().unwrap().to_owned();
        v["label"]
            .as_array()
            .unwrap()
            .iter()
            .map(|l| {
                let (s, e) = (
                    l[0].as_u64().unwrap() as usize,
                    l[1].as_u64().unwrap() as usize,
                );
                format!("{}={}", l[2].as_str().unwrap(), py_slice(&text, s, e))
            })
            .collect()
    };
    assert_eq!(
        spans(&[]),
        ["ENTITY=👩‍👩‍👧", "PER=Zakir 🇦🇿 Hasanov", "QUOTE=«peace now»"]
    );
    assert_eq!(spans(&["--status", "all"]).len(), 4);
    assert_eq!(spans(&["--status", "rejected"]), ["CLAIM=today"]);
    assert_eq!(
        spans(&["--status", "accepted,rejected", "--label", "claim"]),
        ["CLAIM=today"]
    );
    assert!(spans(&["--author", "nobody"]).is_empty());
}

/// `(type, start, end, text)` of a T line.
type TLine = (String, usize, usize, String);

/// Every T line, and notes/relations with T ids replaced by T texts.
fn parse_brat(ann: &str) -> (Vec<TLine>, Vec<String>) {
    let mut ts = Vec::new();
    let mut by_id = std::collections::HashMap::new();
    let mut others = Vec::new();
    for line in ann.lines() {
        let cols: Vec<&str> = line.split('\t').collect();
        if cols[0].starts_with('T') {
            let mut mid = cols[1].split(' ');
            let ty = mid.next().unwrap().to_owned();
            let s: usize = mid.next().unwrap().parse().unwrap();
            let e: usize = mid.next().unwrap().parse().unwrap();
            by_id.insert(cols[0].to_owned(), cols[2].to_owned());
            ts.push((ty, s, e, cols[2].to_owned()));
        } else {
            others.push(cols);
        }
    }
    let mut rest = Vec::new();
    for cols in others {
        let resolved: Vec<String> = cols[1]
            .split(' ')
            .map(|w| {
                let id = w.rsplit(':').next().unwrap();
                by_id.get(id).cloned().unwrap_or_else(|| w.to_owned())
            })
            .collect();
        rest.push(format!(
            "{} {}",
            resolved.join(" "),
            cols.get(2).unwrap_or(&"")
        ));
    }
    ts.sort();
    rest.sort();
    (ts, rest)
}

#[test]
fn brat_import_then_export_reproduces_every_t_line() {
    let dir = tempfile::tempdir().unwrap();
    let brat = dir.path().join("brat");
    std::fs::create_dir_all(&brat).unwrap();
    let text = "Tehran, Baku stress cooperation\n\nIran’s minister Hossein Dehqan said:\n«there is no capacity for a new crisis» 👩‍👩‍👧 دهقان\n";
    std::fs::write(brat.join("doc1.txt"), text).unwrap();
    let t = |ty: &str, needle: &str, id: usize| {
        let r = find(text, needle, 0);
        format!("T{id}\t{ty} {} {}\t{needle}\n", r.start, r.end)
    };
    let ann = [
        t("GPE", "Tehran", 1),
        t("GPE", "Baku", 2),
        t("Claim", "Tehran, Baku stress cooperation", 3),
        t("Person", "Hossein Dehqan", 4),
        t("Person", "Dehqan", 5),
        t("Quote", "«there is no capacity for a new crisis»", 6),
        t("Entity", "👩‍👩‍👧", 7),
        t("Person", "دهقان", 8),
        "#1\tAnnotatorNotes T4\tdefence minister\n".to_owned(),
        "R1\tSpeaker Arg1:T6 Arg2:T4\n".to_owned(),
    ]
    .concat();
    std::fs::write(brat.join("doc1.ann"), &ann).unwrap();
    let r = run(dir.path(), &["import", "--format", "brat", "brat"]);
    assert_eq!(r.code, 0, "{}{}", r.stdout, r.stderr);
    assert!(
        r.stderr
            .contains("1 records: 10 imported (8 spans, 1 link, 1 note), 0 duplicates skipped, 0 left out, 0 not imported"),
        "{}",
        r.stderr
    );
    let anns = read_sidecar(&brat.join("doc1.txt"));
    let quote = anns.iter().find(|a| a.label == Label::Quote).unwrap();
    let dehqan = anns.iter().find(|a| a.quote == "Hossein Dehqan").unwrap();
    assert_eq!(quote.speaker(), Some(&dehqan.id));
    assert_eq!(quote.links[0].relation.as_deref(), Some("Speaker"));
    assert_eq!(dehqan.note.as_deref(), Some("defence minister"));
    assert_eq!(dehqan.kind.as_deref(), Some("Person"));
    // Importing again adds nothing.
    let r = run(dir.path(), &["import", "--format", "brat", "brat"]);
    assert!(
        r.stderr.contains(": 0 imported, 10 duplicates skipped"),
        "{}",
        r.stderr
    );

    let r = run(
        dir.path(),
        &["export", "--format", "brat", "--out", "out", "brat"],
    );
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert!(
        r.stderr.contains("1 articles, 8 spans exported, 0 skipped"),
        "{}",
        r.stderr
    );
    assert_eq!(
        std::fs::read_to_string(dir.path().join("out/doc1.txt")).unwrap(),
        text
    );
    let out = std::fs::read_to_string(dir.path().join("out/doc1.ann")).unwrap();
    assert_eq!(parse_brat(&out), parse_brat(&ann), "{out}");
}

#[test]
fn brat_offsets_on_crlf_and_bom_text_are_converted_and_fragments_reported() {
    let dir = tempfile::tempdir().unwrap();
    let brat = dir.path().join("brat");
    std::fs::create_dir_all(&brat).unwrap();
    // As brat's Python reads it: BOM is char 0, "\r\n" is two chars.
    let raw = "\u{feff}Zakir Hasanov\r\nmet Dehqan\r\nin Baku.";
    std::fs::write(brat.join("d.txt"), raw).unwrap();
    let raw_at = |needle: &str| find(raw, needle, 0);
    let (dehqan, baku, zakir) = (raw_at("Dehqan"), raw_at("Baku"), raw_at("Zakir"));
    let ann = format!(
        "T1\tPerson {} {}\tDehqan\nT2\tLOC {} {}\tBaku\nT3\tPerson {} {};{} {}\tZakir Dehqan\nT4\tPerson 0 3\twrong\n",
        dehqan.start,
        dehqan.end,
        baku.start,
        baku.end,
        zakir.start,
        zakir.end,
        dehqan.start,
        dehqan.end
    );
    std::fs::write(brat.join("d.ann"), ann).unwrap();
    let r = run(dir.path(), &["import", "brat"]);
    assert_eq!(
        r.code, 1,
        "T4's text does not match: {}{}",
        r.stdout, r.stderr
    );
    assert!(r.stdout.contains("brat/d.ann:4: T4"), "{}", r.stdout);
    let text = decoded(&brat.join("d.txt"));
    assert_eq!(text, "Zakir Hasanov\nmet Dehqan\nin Baku.");
    let anns = read_sidecar(&brat.join("d.txt"));
    for a in &anns {
        assert_eq!(py_slice(&text, a.start.0, a.end.0), a.quote);
    }
    let quotes: Vec<_> = anns.iter().map(|a| a.quote.as_str()).collect();
    assert_eq!(
        quotes,
        ["Zakir", "Dehqan", "Dehqan", "Baku"],
        "T3's Dehqan fragment is a fragment of T3, not T1's duplicate"
    );
    let zakir = anns.iter().find(|a| a.quote == "Zakir").unwrap();
    assert_eq!(
        anns.iter()
            .filter(|a| a.first_fragment() == Some(&zakir.id))
            .count(),
        1
    );
    assert!(
        r.stderr.contains(
            "1 records: 3 imported (3 spans), 0 duplicates skipped, 0 left out, 1 not imported"
        ),
        "{}",
        r.stderr
    );
}

/// `(token, tag)` per line, sentences split at blank lines, documents at -DOCSTART-.
fn parse_conll(s: &str) -> Vec<Vec<Vec<(String, String)>>> {
    let mut docs: Vec<Vec<Vec<(String, String)>>> = Vec::new();
    let mut sentence = Vec::new();
    for line in s.lines() {
        if line.starts_with("-DOCSTART-") {
            docs.push(Vec::new());
        } else if line.is_empty() {
            if !sentence.is_empty() {
                docs.last_mut().unwrap().push(std::mem::take(&mut sentence));
            }
        } else {
            let (tok, tag) = line.rsplit_once(' ').unwrap();
            sentence.push((tok.to_owned(), tag.to_owned()));
        }
    }
    docs
}

/// Chunks of consecutive B-/I- tags, as `TAG=tok tok`.
fn chunks(sentences: &[Vec<(String, String)>]) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    for s in sentences {
        for (tok, tag) in s {
            if let Some(t) = tag.strip_prefix("B-") {
                out.push(format!("{t}={tok}"));
            } else if tag.starts_with("I-") {
                let last = out.last_mut().unwrap();
                last.push(' ');
                last.push_str(tok);
            }
        }
    }
    out
}

#[test]
fn conll_reports_overlaps_and_widening_and_round_trips() {
    let dir = tempfile::tempdir().unwrap();
    let a = dir.path().join("a.txt");
    std::fs::write(&a, "Hossein Dehqan met Zakir Hasanov\r\nin Baku 🇦🇿 today.").unwrap();
    annotate(
        &a,
        &[
            Spec {
                kind: Some("PER"),
                ..spec("Hossein Dehqan", Label::Entity)
            },
            spec("Dehqan", Label::Entity),
            spec("akir Hasanov", Label::Entity),
            Spec {
                kind: Some("GPE"),
                ..spec("Baku 🇦🇿", Label::Entity)
            },
            spec("in Baku", Label::Claim),
        ],
    );
    let r = run(dir.path(), &["export", "--format", "conll", "a.txt"]);
    // The overlapping span cannot be held: reported, counted, exit 1.
    assert_eq!(r.code, 1, "{}", r.stderr);
    assert!(r.stderr.contains("overlaps span"), "{}", r.stderr);
    assert!(
        r.stderr.contains("widened to whole tokens 19..32"),
        "{}",
        r.stderr
    );
    assert!(
        r.stderr
            .contains("1 articles, 3 spans exported, 0 skipped, 1 not representable (1 overlapping in the BIO layer)"),
        "{}",
        r.stderr
    );
    assert!(r.stdout.starts_with("-DOCSTART- -X- O O\n\n"));
    let docs = parse_conll(&r.stdout);
    assert_eq!(docs.len(), 1);
    assert_eq!(docs[0].len(), 2, "two lines, two sentences");
    assert_eq!(
        chunks(&docs[0]),
        ["PER=Hossein Dehqan", "Entity=Zakir Hasanov", "GPE=Baku 🇦🇿"]
    );
    let claims = run(
        dir.path(),
        &["export", "--format", "conll", "--label", "claim", "a.txt"],
    );
    assert_eq!(chunks(&parse_conll(&claims.stdout)[0]), ["Claim=in Baku"]);
    let both = run(
        dir.path(),
        &[
            "export",
            "--format",
            "conll",
            "--label",
            "claim,entity",
            "a.txt",
        ],
    );
    assert_eq!(both.code, 2, "one layer at a time");
}

#[test]
fn labelstudio_splits_accepted_and_unreviewed() {
    let dir = tempfile::tempdir().unwrap();
    hard_corpus(dir.path());
    let r = run(
        dir.path(),
        &[
            "export",
            "--format",
            "labelstudio",
            "--out",
            "ls.json",
            "corpus",
        ],
    );
    // The file holds every span's author, but Label Studio keeps only its
    // own users' (reported, exit 1).
    assert_eq!(r.code, 1, "{}", r.stderr);
    assert!(
        r.stderr.contains(
            "13 not representable (13 authors Label Studio ignores (kept in marginalia_author))"
        ),
        "{}",
        r.stderr
    );
    let tasks: Value =
        serde_json::from_str(&std::fs::read_to_string(dir.path().join("ls.json")).unwrap())
            .unwrap();
    let tasks = tasks.as_array().unwrap();
    assert_eq!(tasks.len(), 5);
    let persian = tasks
        .iter()
        .find(|t| t["data"]["source"] == "sub/persian.txt")
        .unwrap();
    let text = persian["data"]["text"].as_str().unwrap();
    let results = |key: &str| -> Vec<String> {
        persian[key][0]["result"]
            .as_array()
            .unwrap()
            .iter()
            .map(|r| {
                let v = &r["value"];
                let (s, e) = (
                    v["start"].as_u64().unwrap() as usize,
                    v["end"].as_u64().unwrap() as usize,
                );
                assert_eq!(py_slice(text, s, e), v["text"].as_str().unwrap());
                format!(
                    "{}={}",
                    v["labels"][0].as_str().unwrap(),
                    v["text"].as_str().unwrap()
                )
            })
            .collect()
    };
    assert_eq!(results("annotations"), ["PER=دهقان", "Quote=«صلح»"]);
    assert_eq!(results("predictions"), ["Entity=ایران"]);
}

#[test]
fn hf_writes_tokens_tags_and_label_names() {
    let dir = tempfile::tempdir().unwrap();
    hard_corpus(dir.path());
    let r = run(
        dir.path(),
        &["export", "--format", "hf", "--out", "hf", "corpus"],
    );
    assert_eq!(r.code, 0, "{}", r.stderr);
    let labels: Value =
        serde_json::from_str(&std::fs::read_to_string(dir.path().join("hf/labels.json")).unwrap())
            .unwrap();
    let names: Vec<&str> = labels["label_names"]
        .as_array()
        .unwrap()
        .iter()
        .map(|v| v.as_str().unwrap())
        .collect();
    assert_eq!(names[0], "O");
    let data = std::fs::read_to_string(dir.path().join("hf/data.jsonl")).unwrap();
    let mut found = Vec::new();
    for line in data.lines() {
        let v: Value = serde_json::from_str(line).unwrap();
        let toks = v["tokens"].as_array().unwrap();
        let tags = v["ner_tags"].as_array().unwrap();
        assert_eq!(toks.len(), tags.len());
        for (tok, tag) in toks.iter().zip(tags) {
            let name = names[tag.as_u64().unwrap() as usize];
            if name.starts_with("B-") {
                found.push(format!("{name}={}", tok.as_str().unwrap()));
            }
        }
    }
    assert_eq!(
        found,
        [
            "B-Entity=Jose\u{301}",
            "B-Entity=Zoe\u{308}",
            "B-Entity=Baku",
            "B-Entity=Renée",
            "B-Entity=Zürich",
            "B-Entity=Tehran",
            "B-Entity=Baku",
            "B-Entity=👩‍👩‍👧",
            "B-PER=Zakir",
            "B-PER=دهقان",
            "B-Entity=ایران",
        ]
    );
    // Same corpus, same bytes.
    let again = run(
        dir.path(),
        &["export", "--format", "hf", "--out", "hf2", "corpus"],
    );
    assert_eq!(again.code, 0);
    assert_eq!(
        data,
        std::fs::read_to_string(dir.path().join("hf2/data.jsonl")).unwrap()
    );
}

#[test]
fn orphaned_annotations_are_skipped_and_counted() {
    let dir = tempfile::tempdir().unwrap();
    let a = dir.path().join("a.txt");
    std::fs::write(&a, "Dehqan met Hasanov.").unwrap();
    annotate(
        &a,
        &[
            spec("Dehqan", Label::Entity),
            spec("Hasanov", Label::Entity),
        ],
    );
    // The article changes under the sidecar: Hasanov's offsets no longer hold it.
    std::fs::write(&a, "Dehqan met Zakir Hasanov.").unwrap();
    let r = run(dir.path(), &["export", "a.txt"]);
    assert_eq!(r.code, 0);
    assert!(
        r.stderr.contains("article changed since its sidecar"),
        "{}",
        r.stderr
    );
    assert!(
        r.stderr
            .contains("1 articles, 1 spans exported, 1 skipped (1 quote mismatch)"),
        "{}",
        r.stderr
    );
}

#[test]
fn fuzzy_and_orphaned_anchors_are_skipped_with_their_reason() {
    let dir = tempfile::tempdir().unwrap();
    let a = dir.path().join("a.txt");
    std::fs::write(&a, "Dehqan met Hasanov in Baku.").unwrap();
    let mut anns = annotate(
        &a,
        &[
            spec("Dehqan", Label::Entity),
            spec("Hasanov", Label::Entity),
            spec("Baku", Label::Entity),
        ],
    );
    anns[1].anchor = marginalia::model::annotation::AnchorState::Fuzzy;
    anns[2].anchor = marginalia::model::annotation::AnchorState::Orphaned;
    let file = read_article(&a).unwrap();
    let path = sidecar::sidecar_path(&a);
    let (_, disk) = sidecar::read(&path).unwrap().unwrap();
    sidecar::save(&path, &file.sidecar(anns), &disk).unwrap();
    let r = run(dir.path(), &["export", "--format", "doccano", "a.txt"]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert!(
        r.stderr
            .contains("1 articles, 1 spans exported, 2 skipped (2 not exactly anchored)"),
        "{}",
        r.stderr
    );
    let v: Value = serde_json::from_str(r.stdout.trim()).unwrap();
    assert_eq!(v["label"], serde_json::json!([[0, 6, "ENTITY"]]));
}

#[test]
fn a_span_splitting_a_character_is_reported_not_imported() {
    let dir = tempfile::tempdir().unwrap();
    let text = "Zoe\u{308} and 👩‍👩‍👧 here";
    std::fs::write(dir.path().join("a.txt"), text).unwrap();
    let rec = serde_json::json!({
        "text": text,
        "spans": [{"start": 0, "end": 3, "label": "PER"}, {"start": 9, "end": 10, "label": "X"}, {"start": 0, "end": 4, "label": "PER"}],
        "meta": {"source": "a.txt"},
    });
    std::fs::write(dir.path().join("in.jsonl"), format!("{rec}\n")).unwrap();
    let r = run(dir.path(), &["import", "in.jsonl"]);
    assert_eq!(r.code, 1);
    assert_eq!(
        r.stdout
            .lines()
            .filter(|l| l.starts_with("in.jsonl:1: ") && l.contains("splits a character"))
            .count(),
        2,
        "{}",
        r.stdout
    );
    let anns = read_sidecar(&dir.path().join("a.txt"));
    assert_eq!(anns.len(), 1);
    assert_eq!(anns[0].quote, "Zoe\u{308}");
}

#[test]
fn spacy_and_doccano_exports_import_back_into_fresh_copies() {
    let dir = tempfile::tempdir().unwrap();
    hard_corpus(dir.path());
    for format in ["spacy", "doccano", "doccano-relations"] {
        let r = run(
            dir.path(),
            &["export", "--format", format, "--out", "x.jsonl", "corpus"],
        );
        assert_eq!(r.code, 0, "{}", r.stderr);
        // A fresh copy of the articles, without sidecars.
        let fresh = dir.path().join(format!("fresh-{format}"));
        for rel in [
            "emoji.txt",
            "sub/persian.txt",
            "combining.md",
            "crlf.txt",
            "cp1252.txt",
        ] {
            let to = fresh.join(rel);
            std::fs::create_dir_all(to.parent().unwrap()).unwrap();
            std::fs::copy(dir.path().join("corpus").join(rel), &to).unwrap();
        }
        let root = fresh.to_string_lossy().into_owned();
        let import_as = format.trim_end_matches("-relations");
        let r = run(
            dir.path(),
            &["import", "--format", import_as, "--root", &root, "x.jsonl"],
        );
        assert_eq!(r.code, 0, "{format}: {}{}", r.stdout, r.stderr);
        assert!(
            r.stderr.contains("5 records: 14 imported (14 spans)"),
            "{format}: {}",
            r.stderr
        );
        for rel in [
            "emoji.txt",
            "sub/persian.txt",
            "combining.md",
            "crlf.txt",
            "cp1252.txt",
        ] {
            let key = |a: &Annotation| (a.start, a.end, a.label, a.kind.clone(), a.quote.clone());
            let want: Vec<_> = exported(&read_sidecar(&dir.path().join("corpus").join(rel)))
                .into_iter()
                .map(key)
                .collect();
            let mut got: Vec<_> = read_sidecar(&fresh.join(rel)).iter().map(key).collect();
            got.sort();
            let mut want = want;
            want.sort();
            assert_eq!(got, want, "{format} {rel}");
        }
    }
}
