//! The offsets contract, checked against oracles: a naive `Vec<char>` model
//! of Python's universal-newline text, and (when `python3` is installed)
//! Python itself reading the fixture files.

use marginalia::model::decode::decode;
use marginalia::model::document::Article;
use marginalia::model::offset::{CharOffset, CharRange};
use proptest::prelude::*;
use std::path::Path;
use std::process::Command;

/// Pieces of text that break naive offset code.
const PIECES: &[&str] = &[
    "word",
    " ",
    "\n",
    "\r\n",
    "\r",
    "👩‍👩‍👧",       // ZWJ sequence
    "🇮🇷",       // flag (two regional indicators)
    "👍🏽",       // skin-tone modifier
    "e\u{301}", // combining acute
    "n\u{303}\u{323}",
    "سلام دنیا",        // Persian
    "مي\u{200c}خواهم", // ZWNJ
    "中文字",
    "“curly”",
    "\t",
];

/// What Python's `newline=None` does: CRLF and lone CR become LF.
fn python_newlines(s: &str) -> Vec<char> {
    s.replace("\r\n", "\n")
        .replace('\r', "\n")
        .chars()
        .collect()
}

fn text_strategy() -> impl Strategy<Value = String> {
    prop::collection::vec(prop::sample::select(PIECES), 0..60).prop_map(|v| v.concat())
}

proptest! {
    #[test]
    fn slices_match_the_oracle(raw in text_strategy(), bom in any::<bool>(), cuts in prop::collection::vec((0usize..400, 0usize..400), 1..20)) {
        let mut bytes = if bom { vec![0xEF, 0xBB, 0xBF] } else { vec![] };
        bytes.extend_from_slice(raw.as_bytes());
        let decoded = decode(&bytes).unwrap();
        let oracle = python_newlines(&raw);
        let article = Article::new(decoded.text);
        prop_assert_eq!(article.char_len(), oracle.len());
        for (a, b) in cuts {
            let (a, b) = (a.min(oracle.len()), b.min(oracle.len()));
            let r = CharRange::from_usize(a, b);
            let want: String = oracle[r.start.0..r.end.0].iter().collect();
            prop_assert_eq!(article.slice(r), Some(want.as_str()));
            let byte = article.char_to_byte(CharOffset(a)).unwrap();
            prop_assert_eq!(article.byte_to_char(byte), Some(CharOffset(a)));
        }
        // Past the end is refused, never clamped.
        prop_assert_eq!(article.slice(CharRange::from_usize(0, oracle.len() + 1)), None);
        // Lines agree with splitting the oracle on '\n'.
        let lines: Vec<String> = oracle.iter().collect::<String>().split('\n').map(str::to_owned).collect();
        prop_assert_eq!(article.line_count(), lines.len());
        for (i, line) in lines.iter().enumerate() {
            prop_assert_eq!(article.slice(article.line_range(i).unwrap()), Some(line.as_str()));
        }
    }
}

/// One fixture per kind of text named in the offsets promise.
fn fixtures() -> Vec<(&'static str, Vec<u8>)> {
    let mixed = "Dehqan 👩‍👩‍👧 met 🇮🇷 José\u{301}\r\nسلام دنیا said «peace»\r\n中文 end\rlast";
    let mut utf16 = vec![0xFF, 0xFE];
    for u in mixed.encode_utf16() {
        utf16.extend_from_slice(&u.to_le_bytes());
    }
    let mut bom = vec![0xEF, 0xBB, 0xBF];
    bom.extend_from_slice(mixed.as_bytes());
    vec![
        ("utf8-crlf.txt", mixed.as_bytes().to_vec()),
        ("utf8-bom.txt", bom),
        ("utf16.txt", utf16),
        (
            "cp1252.txt",
            b"\x93Peace\x94, said the minister in Z\xfcrich \x96 na\xefve caf\xe9\r\nline two"
                .to_vec(),
        ),
        (
            "combining.txt",
            "Mu\u{308}ller and Ame\u{301}lie\n".as_bytes().to_vec(),
        ),
        ("empty.txt", Vec::new()),
    ]
}

#[test]
fn python_reads_the_same_text_at_the_same_offsets() {
    if Command::new("python3").arg("--version").output().is_err() {
        eprintln!("python3 not installed: skipping the cross-check with Python");
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    for (name, bytes) in fixtures() {
        let path = dir.path().join(name);
        std::fs::write(&path, &bytes).unwrap();
        let d = decode(&bytes).unwrap();
        let article = Article::new(d.text);
        // Every (start, end) of words and of single chars, with the quote we expect.
        let n = article.char_len();
        let spans: Vec<(usize, usize, String)> = (0..n)
            .flat_map(|s| [(s, s + 1), (s, (s + 5).min(n))])
            .map(|(s, e)| {
                (
                    s,
                    e,
                    article
                        .slice(CharRange::from_usize(s, e))
                        .unwrap()
                        .to_owned(),
                )
            })
            .collect();
        let spans_path = dir.path().join(format!("{name}.json"));
        std::fs::write(&spans_path, serde_json::to_vec(&spans).unwrap()).unwrap();
        check_with_python(&path, &d.encoding, &spans_path, n);
    }
}

fn check_with_python(path: &Path, encoding: &str, spans: &Path, char_len: usize) {
    let script = r#"
import json, sys
path, enc, spans, n = sys.argv[1], sys.argv[2], sys.argv[3], int(sys.argv[4])
text = open(path, encoding=enc, newline=None).read()
assert len(text) == n, (len(text), n)
for s, e, q in json.load(open(spans, encoding="utf-8")):
    assert text[s:e] == q, (s, e, text[s:e], q)
print("ok")
"#;
    let out = Command::new("python3")
        .args(["-c", script])
        .arg(path)
        .arg(encoding)
        .arg(spans)
        .arg(char_len.to_string())
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{} ({encoding}): {}",
        path.display(),
        String::from_utf8_lossy(&out.stderr)
    );
}

#[test]
fn each_fixture_decodes_with_the_expected_codec() {
    let want = [
        ("utf8-crlf.txt", "utf-8"),
        ("utf8-bom.txt", "utf-8-sig"),
        ("utf16.txt", "utf-16"),
        ("cp1252.txt", "cp1252"),
        ("combining.txt", "utf-8"),
        ("empty.txt", "utf-8"),
    ];
    for ((name, bytes), (wname, codec)) in fixtures().into_iter().zip(want) {
        assert_eq!(name, wname);
        let d = decode(&bytes).unwrap();
        assert_eq!(d.encoding, codec, "{name}");
        assert!(
            !d.text.contains('\r') && !d.text.starts_with('\u{feff}'),
            "{name}"
        );
    }
    let cp = decode(&fixtures()[3].1).unwrap();
    assert!(
        cp.text
            .starts_with("“Peace”, said the minister in Zürich – naïve café\nline two")
    );
}
