//! `marginalia check` and `stats` as a black box: the real binary, fixtures in a temp folder.

use crate::{assert_exit, marginalia, stderr, stdout};
use marginalia::model::annotation::{Annotation, AnnotationId, Label, Origin};
use marginalia::model::offset::CharRange;
use marginalia::store::article_file::read_article;
use marginalia::store::sidecar::{self, Sidecar};
use std::path::{Path, PathBuf};

/// Write an article and a sidecar with one annotation per `(start, end)`.
fn annotated(dir: &Path, name: &str, bytes: &[u8], spans: &[(usize, usize)]) -> (PathBuf, Sidecar) {
    let path = dir.join(name);
    std::fs::write(&path, bytes).unwrap();
    let file = read_article(&path).unwrap();
    let anns = spans
        .iter()
        .enumerate()
        .map(|(i, &(s, e))| {
            let mut a = Annotation::new(
                &file.article,
                CharRange::from_usize(s, e),
                Label::ALL[i % 3],
                "tester",
                chrono::Utc::now(),
                Origin::Manual,
            )
            .unwrap();
            a.id = AnnotationId(format!("id{i}"));
            a
        })
        .collect();
    let sc = file.sidecar(anns);
    sidecar::write_atomic(
        &sidecar::sidecar_path(&path),
        sidecar::to_string(&sc).as_bytes(),
    )
    .unwrap();
    (path, sc)
}

#[test]
fn exact_sidecars_in_every_encoding_pass() {
    let dir = tempfile::tempdir().unwrap();
    let mixed = "Dehqan 👩‍👩‍👧 met 🇮🇷 Jose\u{301}\r\nسلام دنیا said «peace»\r\n中文 end";
    let mut bom = vec![0xEF, 0xBB, 0xBF];
    bom.extend_from_slice(mixed.as_bytes());
    let mut utf16 = vec![0xFF, 0xFE];
    for u in mixed.encode_utf16() {
        utf16.extend_from_slice(&u.to_le_bytes());
    }
    let spans = [(0, 6), (7, 12), (13, 16), (17, 19), (20, 25), (26, 35)];
    annotated(dir.path(), "crlf.txt", mixed.as_bytes(), &spans);
    annotated(dir.path(), "bom.txt", &bom, &spans);
    annotated(dir.path(), "utf16.text", &utf16, &spans);
    annotated(
        dir.path(),
        "cp1252.md",
        b"\x93Peace\x94 in Z\xfcrich\r\n",
        &[(0, 7), (11, 17)],
    );
    std::fs::write(dir.path().join("no-sidecar.txt"), "fine").unwrap();
    let out = marginalia(&["check", "."], dir.path());
    assert_exit(&out, 0);
    assert_eq!(stdout(&out), "");
    assert!(stderr(&out).contains("5 articles checked, all annotations exact"));
    let sc = sidecar::read(&dir.path().join("cp1252.md.ann.ron"))
        .unwrap()
        .unwrap()
        .0;
    assert_eq!(sc.article.encoding, "cp1252");
    assert_eq!(sc.annotations[0].quote, "“Peace”");
    assert_eq!(sc.annotations[1].quote, "Zürich");
}

#[test]
fn mismatches_out_of_range_and_duplicates_are_reported_one_line_each() {
    let dir = tempfile::tempdir().unwrap();
    let (path, mut sc) = annotated(
        dir.path(),
        "a.txt",
        "Dehqan met Hasanov.".as_bytes(),
        &[(0, 6), (11, 18)],
    );
    sc.annotations[0].quote = "Hasanov".into();
    sc.annotations[1].id = AnnotationId("id0".into());
    let mut far = sc.annotations[1].clone();
    far.id = AnnotationId("far".into());
    far.start.0 = 15;
    far.end.0 = 40;
    sc.annotations.push(far);
    std::fs::write(sidecar::sidecar_path(&path), sidecar::to_string(&sc)).unwrap();
    let out = marginalia(&["check", "a.txt"], dir.path());
    assert_exit(&out, 1);
    assert_eq!(
        stdout(&out),
        "a.txt: id0: quote \"Hasanov\" does not match the text \"Dehqan\"\n\
         a.txt: id0: duplicate id\n\
         a.txt: far: offsets 15..40 run past the end of the article (19 code points)\n"
    );
}

#[test]
fn a_span_splitting_a_character_is_reported() {
    let dir = tempfile::tempdir().unwrap();
    let (path, mut sc) = annotated(
        dir.path(),
        "a.txt",
        "Jose\u{301} said".as_bytes(),
        &[(0, 5)],
    );
    sc.annotations[0].end.0 = 4;
    sc.annotations[0].quote = "Jose".into();
    std::fs::write(sidecar::sidecar_path(&path), sidecar::to_string(&sc)).unwrap();
    let out = marginalia(&["check", "a.txt"], dir.path());
    assert_exit(&out, 1);
    assert_eq!(
        stdout(&out),
        "a.txt: id0: offset 4 splits a character (grapheme cluster)\n"
    );
}

#[test]
fn malformed_sidecars_give_line_and_column_and_stay_untouched() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("a.txt"), "text").unwrap();
    let broken = "(\n  version: 1,\n  article: (file: \"a.txt\" encoding: \"utf-8\"),\n)\n";
    std::fs::write(dir.path().join("a.txt.ann.ron"), broken).unwrap();
    std::fs::write(dir.path().join("b.txt"), "text").unwrap();
    std::fs::write(
        dir.path().join("b.txt.ann.ron"),
        "(version: 9, article: ())",
    )
    .unwrap();
    let out = marginalia(&["check", "a.txt", "b.txt"], dir.path());
    assert_exit(&out, 1);
    let text = stdout(&out);
    assert!(text.contains("a.txt.ann.ron:3:"), "{text}");
    assert!(
        text.contains("b.txt.ann.ron: sidecar format version 9 is newer"),
        "{text}"
    );
    assert_eq!(
        std::fs::read_to_string(dir.path().join("a.txt.ann.ron")).unwrap(),
        broken
    );
}

#[test]
fn a_changed_article_is_reported() {
    let dir = tempfile::tempdir().unwrap();
    let (path, _) = annotated(dir.path(), "a.txt", b"Dehqan met Hasanov.", &[(0, 6)]);
    std::fs::write(&path, "Dehqan met Hasanov again.").unwrap();
    let out = marginalia(&["check", "a.txt"], dir.path());
    assert_exit(&out, 1);
    assert!(stdout(&out).contains("a.txt: the article changed since its sidecar was written"));
}

#[test]
fn bad_input_is_an_error_on_stderr_with_exit_2_and_no_panic() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("bin.txt"), b"PK\x03\x04\x00\x00\x01").unwrap();
    std::fs::write(dir.path().join("bad.txt"), b"Z\xc3\xbcrich \xff").unwrap();
    for (file, msg) in [
        (
            "bin.txt",
            "bin.txt: this is a binary file, not text (NUL byte at offset 4)",
        ),
        ("bad.txt", "bad.txt: invalid UTF-8 at byte 8"),
        ("missing.txt", "missing.txt: No such file or directory"),
    ] {
        let out = marginalia(&["check", file], dir.path());
        assert_eq!(out.status.code(), Some(2), "{file}");
        let err = stderr(&out);
        assert!(err.starts_with("error: ") && err.contains(msg), "{err}");
        assert!(!err.contains("panicked"), "{err}");
    }
    let out = marginalia(&["check"], dir.path());
    assert_eq!(out.status.code(), Some(2), "usage error");
}

#[test]
fn an_unreadable_article_in_a_folder_is_reported_and_the_others_still_checked() {
    let dir = tempfile::tempdir().unwrap();
    annotated(dir.path(), "a.txt", "Hello Ana.\n".as_bytes(), &[(6, 9)]);
    std::fs::write(dir.path().join("b.txt"), b"PK\x03\x04\x00\x00\x01").unwrap();
    std::fs::write(dir.path().join("c.txt"), "Bonjour Léa.\n").unwrap();
    std::fs::write(
        dir.path().join("c.txt.ann.ron"),
        std::fs::read_to_string(dir.path().join("a.txt.ann.ron")).unwrap(),
    )
    .unwrap();
    let out = marginalia(&["check", "."], dir.path());
    assert_exit(&out, 2);
    let err = stderr(&out);
    assert!(err.contains("b.txt: this is a binary file"), "{err}");
    assert!(
        err.contains("2 articles checked") && err.contains("1 could not be read"),
        "{err}"
    );
    // c.txt, after the unreadable b.txt, was still checked.
    assert!(stdout(&out).contains("c.txt"), "{}", stdout(&out));
    assert!(!err.contains("panicked"), "{err}");
}

#[test]
fn stats_counts_labels_statuses_and_authors() {
    let dir = tempfile::tempdir().unwrap();
    annotated(
        dir.path(),
        "a.txt",
        b"one two three four",
        &[(0, 3), (4, 7), (8, 13)],
    );
    std::fs::write(dir.path().join("b.txt"), "plain").unwrap();
    let out = marginalia(&["stats", "."], dir.path());
    assert_exit(&out, 0);
    assert_eq!(
        stdout(&out),
        "articles: 2 (1 with annotations)\nannotations: 3\n  label Claim: 1\n  label Entity: 1\n  label Quote: 1\n  status accepted: 3\n  author tester: 3\n"
    );
}
