//! Legacy encodings (issue 10, "Encodings"): the paragraphs of
//! `tests/fixtures/encodings` decode as they were written, the encoding a
//! sidecar records is used again, `--encoding` overrides both, and a
//! doubtful guess is reported with its alternative until someone chooses.
//! (`scripts/encoding-check.py` checks the same paragraphs against Python.)

use crate::{assert_exit, marginalia, stderr, stdout};
use marginalia::model::annotation::{Annotation, Label, Origin};
use marginalia::model::decode::{self, DecodeError, EncodingSource, TextEncoding};
use marginalia::model::document::{Article, content_hash};
use marginalia::model::offset::CharRange;
use marginalia::store::article_file::read_article;
use marginalia::store::sidecar;
use std::path::{Path, PathBuf};

/// One paragraph: its name, the codec it is written in, the Python codec
/// Marginalia must record, and the text.
struct Fixture {
    name: String,
    source: TextEncoding,
    recorded: String,
    text: String,
}

fn fixtures() -> Vec<Fixture> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/encodings");
    let manifest = std::fs::read_to_string(dir.join("MANIFEST")).unwrap();
    manifest
        .lines()
        .filter(|l| !l.starts_with('#') && !l.trim().is_empty())
        .map(|line| {
            let fields: Vec<&str> = line.split('\t').collect();
            let [name, source, recorded] = fields[..] else {
                panic!("MANIFEST: {line}")
            };
            Fixture {
                name: name.to_owned(),
                source: TextEncoding::from_name(source).unwrap(),
                recorded: recorded.to_owned(),
                text: std::fs::read_to_string(dir.join(name)).unwrap(),
            }
        })
        .collect()
}

/// `text` in a single-byte legacy encoding.
fn encode(text: &str, encoding: TextEncoding) -> Vec<u8> {
    let TextEncoding::Legacy(e) = encoding else {
        panic!("{encoding} is not a legacy encoding")
    };
    let (bytes, _, unmappable) = e.encode(text);
    assert!(!unmappable, "{encoding} cannot hold {text:?}");
    bytes.into_owned()
}

fn fixture(name: &str) -> Fixture {
    fixtures()
        .into_iter()
        .find(|f| f.name == name)
        .unwrap_or_else(|| panic!("no fixture {name}"))
}

/// A windows-1252 French paragraph that chardetng alone reads as
/// windows-1250 ("tempęte", "fenętres").
fn tempete() -> (String, Vec<u8>) {
    let f = fixture("fr-tempete.txt");
    let bytes = encode(&f.text, f.source);
    (f.text, bytes)
}

/// An annotation on the first occurrence of `quote` in `article`.
fn annotation_on(article: &Article, quote: &str) -> Annotation {
    let byte = article.text().find(quote).unwrap();
    let start = article.text()[..byte].chars().count();
    let end = start + quote.chars().count();
    Annotation::new(
        article,
        CharRange::from_usize(start, end),
        Label::Entity,
        "tester",
        chrono::Utc::now(),
        Origin::Manual,
    )
    .unwrap()
}

#[test]
fn every_paragraph_decodes_as_written_and_records_its_python_codec() {
    let all = fixtures();
    assert!(all.len() >= 28);
    let mut wrong = Vec::new();
    for f in &all {
        let d = decode::decode(&encode(&f.text, f.source)).unwrap();
        if d.text != f.text || d.encoding != f.recorded || d.doubt.is_some() {
            wrong.push(format!(
                "{}: {} (doubt {:?}): {}",
                f.name,
                d.encoding,
                d.doubt.map(|x| x.message()),
                d.text.lines().next().unwrap_or("")
            ));
        }
        assert_eq!(d.source, EncodingSource::Detected, "{}", f.name);
    }
    assert!(wrong.is_empty(), "{}", wrong.join("\n"));
}

#[test]
fn issue10_windows_1252_french_is_not_read_as_windows_1250() {
    let (text, bytes) = tempete();
    let d = decode::decode(&bytes).unwrap();
    assert_eq!(d.encoding, "cp1252");
    assert_eq!(d.text, text);
    assert!(d.text.contains("tempête") && d.text.contains("fenêtres"));
}

#[test]
fn hungarian_iso_8859_15_and_estonian_decode_right() {
    // chardetng alone: "jövõre" (windows-1252), "b½uf" and "¤" for "bœuf"
    // and "€", "¨okiks" for "šokiks".
    for (name, word) in [
        ("hu-minimalber.txt", "jövőre"),
        ("fr-boeuf.txt", "bœuf"),
        ("fr-boeuf.txt", "24 €"),
        ("et-eelarve.txt", "šokiks"),
    ] {
        let f = fixture(name);
        let d = decode::decode(&encode(&f.text, f.source)).unwrap();
        assert!(d.text.contains(word), "{name}: {}", d.text);
    }
}

#[test]
fn a_lone_word_stays_doubtful_and_names_the_alternative() {
    let d = decode::decode(b"Gen\xe8ve").unwrap();
    assert_eq!(d.text, "Genève");
    let doubt = d.doubt.unwrap();
    assert_eq!(doubt.alternative.python_name(), "cp1250");
    assert_eq!(
        doubt.example,
        Some(("Genève".to_owned(), "Genčve".to_owned()))
    );
    assert!(
        doubt.message().contains("could be cp1250"),
        "{}",
        doubt.message()
    );
}

#[test]
fn chosen_encodings_are_read_as_python_reads_them() {
    let cp1252 = TextEncoding::from_name("cp1252").unwrap();
    // Bytes that Python's cp1252 leaves undefined are refused, with the offset.
    assert_eq!(
        decode::decode_as(b"ab\x81c", cp1252).unwrap_err(),
        DecodeError::NotInEncoding {
            encoding: "cp1252".into(),
            byte_offset: 2,
            byte: 0x81
        }
    );
    // ISO-8859-1 is read as windows-1252, so it is recorded as cp1252.
    let latin1 = TextEncoding::from_name("latin-1").unwrap();
    let d = decode::decode_as(b"\x93caf\xe9\x94", latin1).unwrap();
    assert_eq!((d.text.as_str(), d.encoding.as_str()), ("“café”", "cp1252"));
    // UTF-8 strips a BOM and says so; UTF-16 without a BOM is little-endian.
    let utf8 = TextEncoding::from_name("utf-8").unwrap();
    let d = decode::decode_as(b"\xEF\xBB\xBFhi\r\n", utf8).unwrap();
    assert_eq!(
        (d.text.as_str(), d.encoding.as_str()),
        ("hi\n", "utf-8-sig")
    );
    let utf16 = TextEncoding::from_name("utf-16").unwrap();
    let d = decode::decode_as(b"h\0i\0", utf16).unwrap();
    assert_eq!((d.text.as_str(), d.encoding.as_str()), ("hi", "utf-16-le"));
    // Forcing a legacy encoding on UTF-8 gives what Python gives: mojibake.
    let d = decode::decode_as("Zürich".as_bytes(), cp1252).unwrap();
    assert_eq!(d.text, "ZÃ¼rich");
    assert_eq!(d.source, EncodingSource::Chosen);
}

/// `a.txt` holding the windows-1252 paragraph, in a temp folder.
fn tempete_article() -> (tempfile::TempDir, PathBuf, String) {
    let dir = tempfile::tempdir().unwrap();
    let (text, bytes) = tempete();
    let path = dir.path().join("a.txt");
    std::fs::write(&path, bytes).unwrap();
    (dir, path, text)
}

fn write_sidecar(article: &Path, sc: &sidecar::Sidecar) {
    sidecar::write_atomic(
        &sidecar::sidecar_path(article),
        sidecar::to_string(sc).as_bytes(),
    )
    .unwrap();
}

/// A sidecar for the article at `path` (read as it reads now) with one
/// annotation, on "tempête".
fn annotate_tempete(path: &Path) {
    let file = read_article(path).unwrap();
    let ann = annotation_on(&file.article, "tempête");
    write_sidecar(path, &file.sidecar(vec![ann]));
}

#[test]
fn issue10_a_hand_written_sidecar_encoding_is_used() {
    let (dir, path, text) = tempete_article();
    let article = Article::new(text.clone());
    let quote = annotation_on(&article, "tempête");
    let sc = format!(
        "(version: 1, article: (file: \"a.txt\", encoding: \"windows-1252\", hash: \"{}\", char_len: {}), annotations: [{}])",
        content_hash(&text),
        article.char_len(),
        ron::to_string(&quote).unwrap()
    );
    std::fs::write(sidecar::sidecar_path(&path), sc).unwrap();
    let out = marginalia(&["check", "a.txt"], dir.path());
    assert_exit(&out, 0);
    assert!(stderr(&out).contains("all annotations exact"));
    let file = read_article(&path).unwrap();
    assert_eq!(file.encoding_source, EncodingSource::Recorded);
    assert_eq!(file.encoding, "cp1252");
}

#[test]
fn issue10_a_spacy_record_with_the_right_text_of_a_legacy_file_imports() {
    let (dir, path, text) = tempete_article();
    let start = text
        .find("tempête")
        .map(|b| text[..b].chars().count())
        .unwrap();
    let record = serde_json::json!({
        "text": text,
        "spans": [{"start": start, "end": start + 7, "label": "Entity"}],
        "meta": {"source": "a.txt"},
    });
    std::fs::write(dir.path().join("in.jsonl"), format!("{record}\n")).unwrap();
    let out = marginalia(&["import", "in.jsonl"], dir.path());
    assert_exit(&out, 0);
    let sc = sidecar::read(&sidecar::sidecar_path(&path))
        .unwrap()
        .unwrap()
        .0;
    assert_eq!(sc.article.encoding, "cp1252");
    assert_eq!(sc.article.encoding_alternative, None);
    assert_eq!(sc.annotations[0].quote, "tempête");
}

#[test]
fn a_record_that_fits_another_encoding_says_which() {
    let (dir, _path, text) = tempete_article();
    let record = serde_json::json!({"text": text, "spans": [], "meta": {"source": "a.txt"}});
    std::fs::write(dir.path().join("in.jsonl"), format!("{record}\n")).unwrap();
    let out = marginalia(&["import", "--encoding", "cp1250", "in.jsonl"], dir.path());
    assert_exit(&out, 1);
    assert!(
        stdout(&out).contains("the record's text is the file read as cp1252, not cp1250"),
        "{}",
        stdout(&out)
    );
}

#[test]
fn encoding_flag_overrides_the_sidecar_on_every_reading_command() {
    let (dir, path, text) = tempete_article();
    annotate_tempete(&path);
    // check: read as cp1250 the text differs from the sidecar's.
    let out = marginalia(&["check", "--encoding", "cp1250", "a.txt"], dir.path());
    assert_exit(&out, 1);
    assert!(stdout(&out).contains("hash differs"), "{}", stdout(&out));
    assert_eq!(
        marginalia(&["check", "a.txt"], dir.path()).status.code(),
        Some(0)
    );
    // export: the text read as cp1250.
    let out = marginalia(&["export", "--encoding", "cp1250", "a.txt"], dir.path());
    assert!(stdout(&out).contains("tempęte"), "{}", stdout(&out));
    let out = marginalia(&["export", "a.txt"], dir.path());
    assert!(
        stdout(&out).contains(&text.replace('\n', "\\n")),
        "{}",
        stdout(&out)
    );
    // agree reads the article for token scores; an unknown name is refused.
    let out = marginalia(
        &["agree", "--encoding", "cp1250", "a.txt", "a.txt"],
        dir.path(),
    );
    assert_exit(&out, 0);
    // An unknown name is refused by every command, and by the window's.
    for args in [
        &["check", "--encoding", "klingon", "a.txt"][..],
        &["--encoding", "klingon", "a.txt"],
    ] {
        let out = marginalia(args, dir.path());
        assert_exit(&out, 2);
        let err = stderr(&out);
        assert!(err.contains("unknown encoding \"klingon\""), "{err}");
    }
}

#[test]
fn reanchoring_with_another_encoding_records_it_and_keeps_the_annotations() {
    let (dir, path, text) = tempete_article();
    // A sidecar written when the file was misread as windows-1250.
    let cp1250 = TextEncoding::from_name("cp1250").unwrap();
    let bytes = std::fs::read(&path).unwrap();
    let misread = Article::new(decode::decode_as(&bytes, cp1250).unwrap().text);
    let anns = vec![
        annotation_on(&misread, "Brest"),
        annotation_on(&misread, "pompiers"),
    ];
    let mut sc = sidecar::Sidecar::new("a.txt", "cp1250", &misread, anns);
    sc.article.encoding_alternative = Some("cp1252".into());
    write_sidecar(&path, &sc);
    let out = marginalia(&["check", "a.txt"], dir.path());
    assert!(
        stderr(&out).contains("could be cp1252") && stderr(&out).contains("--encoding cp1252"),
        "{}",
        stderr(&out)
    );
    let out = marginalia(&["reanchor", "--encoding", "cp1252", "a.txt"], dir.path());
    assert_exit(&out, 0);
    assert!(stdout(&out).contains("exact 2"), "{}", stdout(&out));
    let sc = sidecar::read(&sidecar::sidecar_path(&path))
        .unwrap()
        .unwrap()
        .0;
    assert_eq!(sc.article.encoding, "cp1252");
    assert_eq!(sc.article.encoding_alternative, None);
    assert_eq!(sc.article.hash, content_hash(&text));
    // Chosen now: no warning any more, and every annotation is exact.
    let out = marginalia(&["check", "a.txt"], dir.path());
    assert_exit(&out, 0);
    assert!(!stderr(&out).contains("warning"), "{}", stderr(&out));
}

#[test]
fn a_doubtful_guess_is_warned_until_someone_chooses() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("g.txt");
    std::fs::write(&path, b"Gen\xe8ve").unwrap();
    let warned = |args: &[&str]| {
        let out = marginalia(args, dir.path());
        stderr(&out).contains("g.txt: the encoding was guessed as cp1252, but it could be cp1250 (\"Genève\" would read \"Genčve\")")
    };
    assert!(warned(&["check", "g.txt"]));
    assert!(warned(&["export", "g.txt"]));
    // An import records the guess and the doubt; later reads still warn.
    let record = serde_json::json!({"text": "Genève", "spans": [{"start": 0, "end": 6, "label": "Entity"}], "meta": {"source": "g.txt"}});
    std::fs::write(dir.path().join("in.jsonl"), format!("{record}\n")).unwrap();
    assert!(warned(&["import", "in.jsonl"]));
    let sc = sidecar::read(&sidecar::sidecar_path(&path))
        .unwrap()
        .unwrap()
        .0;
    assert_eq!(sc.article.encoding, "cp1252");
    assert_eq!(sc.article.encoding_alternative.as_deref(), Some("cp1250"));
    assert!(warned(&["export", "g.txt"]));
    assert!(warned(&["check", "g.txt"]));
    // Confirming the encoding clears the doubt.
    assert!(warned(&["reanchor", "g.txt"]));
    assert!(!warned(&["reanchor", "--encoding", "cp1252", "g.txt"]));
    assert!(!warned(&["check", "g.txt"]));
}

#[test]
fn a_recorded_encoding_gives_way_when_the_file_was_converted() {
    let (dir, path, text) = tempete_article();
    annotate_tempete(&path);
    // Someone converts the article to UTF-8 (iconv): same text, other bytes.
    std::fs::write(&path, text.as_bytes()).unwrap();
    let file = read_article(&path).unwrap();
    assert_eq!(file.encoding, "utf-8");
    assert_eq!(file.article.text(), text);
    assert!(file.encoding_note.unwrap().contains("now reads as utf-8"));
    let out = marginalia(&["check", "a.txt"], dir.path());
    assert_exit(&out, 0);
}
