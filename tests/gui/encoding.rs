//! Encodings in the window (issue 10): File ▸ Reopen with Encoding, the
//! doubt banner, the status bar's encoding — driven through the menus and
//! buttons, with assertions on the text and the saved sidecar.
use eframe::egui::{Key, Modifiers};
use egui_kittest::Harness;
use egui_kittest::kittest::Queryable;
use marginalia::model::annotation::{Annotation, Label, Origin};
use marginalia::model::decode::{TextEncoding, decode_as};
use marginalia::model::document::{Article, content_hash};
use marginalia::model::offset::CharRange;
use marginalia::store::sidecar::{self, Sidecar};
use marginalia::window::app::MarginaliaApp;
use std::path::Path;

/// A news paragraph in windows-1252 that reads "tempęte" as windows-1250.
const TEXT: &str = "Brest – La tempête arrache toits et fenêtres : 40 000 foyers sans courant. \
Les pompiers restent en alerte toute la nuit, annonce la mairie.\n";

fn cp(name: &str) -> TextEncoding {
    TextEncoding::from_name(name).unwrap()
}

fn cp1252_bytes(text: &str) -> Vec<u8> {
    let TextEncoding::Legacy(e) = cp("cp1252") else {
        unreachable!()
    };
    e.encode(text).0.into_owned()
}

fn harness(path: &Path) -> Harness<'static, MarginaliaApp> {
    crate::open_window(path, "ana", [1200.0, 800.0])
}

fn text_of(h: &Harness<'_, MarginaliaApp>) -> String {
    h.state()
        .state
        .doc
        .as_ref()
        .unwrap()
        .file
        .article
        .text()
        .to_owned()
}

fn annotation_on(article: &Article, quote: &str) -> Annotation {
    let byte = article.text().find(quote).unwrap();
    let start = article.text()[..byte].chars().count();
    Annotation::new(
        article,
        CharRange::from_usize(start, start + quote.chars().count()),
        Label::Entity,
        "ana",
        chrono::Utc::now(),
        Origin::Manual,
    )
    .unwrap()
}

fn save(h: &mut Harness<'_, MarginaliaApp>, article: &Path) -> Sidecar {
    h.key_press_modifiers(Modifiers::COMMAND, Key::S);
    h.run();
    sidecar::read(&sidecar::sidecar_path(article))
        .unwrap()
        .unwrap()
        .0
}

#[test]
fn reopen_with_encoding_from_the_file_menu_rereads_and_reanchors() {
    let dir = tempfile::tempdir().unwrap();
    let article = dir.path().join("a.txt");
    std::fs::write(&article, cp1252_bytes(TEXT)).unwrap();
    // A sidecar written when the file was misread as windows-1250.
    let bytes = std::fs::read(&article).unwrap();
    let misread = Article::new(decode_as(&bytes, cp("cp1250")).unwrap().text);
    assert!(misread.text().contains("tempęte"));
    let anns = vec![
        annotation_on(&misread, "Brest"),
        annotation_on(&misread, "pompiers"),
    ];
    let sc = Sidecar::new("a.txt", "cp1250", &misread, anns);
    sidecar::write_atomic(
        &sidecar::sidecar_path(&article),
        sidecar::to_string(&sc).as_bytes(),
    )
    .unwrap();

    let mut h = harness(&article);
    assert!(
        text_of(&h).contains("tempęte"),
        "the recorded cp1250 is used"
    );
    h.get_by_label("cp1250"); // the status bar
    h.get_by_label("File").click();
    h.run();
    h.get_by_label("Reopen with Encoding…").click();
    h.run();
    h.get_by_label("cp1252 — Western European (Windows, ISO-8859-1)")
        .click();
    h.run();
    h.get_by_label_contains("La tempête arrache"); // the preview
    h.get_by_label("Reopen as cp1252").click();
    h.run();
    assert_eq!(text_of(&h), TEXT);
    h.get_by_label("cp1252");
    // The banner and the status bar say what happened.
    assert_eq!(h.get_all_by_label_contains("Reopened as cp1252").count(), 2);

    let saved = save(&mut h, &article);
    assert_eq!(saved.article.encoding, "cp1252");
    assert_eq!(saved.article.encoding_alternative, None);
    assert_eq!(saved.article.hash, content_hash(TEXT));
    let quotes: Vec<&str> = saved.annotations.iter().map(|a| a.quote.as_str()).collect();
    assert_eq!(quotes, ["Brest", "pompiers"]);
    let text = Article::new(TEXT.to_owned());
    for a in &saved.annotations {
        assert_eq!(text.slice(a.range()), Some(a.quote.as_str()));
    }
}

#[test]
fn a_doubtful_encoding_shows_a_banner_whose_buttons_choose() {
    let dir = tempfile::tempdir().unwrap();
    let article = dir.path().join("g.txt");
    std::fs::write(&article, b"Gen\xe8ve").unwrap();
    let mut h = harness(&article);
    assert_eq!(text_of(&h), "Genève");
    h.get_by_label_contains("could be cp1250 (\"Genève\" would read \"Genčve\")");
    h.get_by_label("cp1252 (?)");
    h.get_by_label("Reopen as cp1250").click();
    h.run();
    assert_eq!(text_of(&h), "Genčve");
    assert!(
        h.query_by_label_contains("could be").is_none(),
        "chosen: no banner"
    );
    let saved = save(&mut h, &article);
    assert_eq!(saved.article.encoding, "cp1250");
    assert_eq!(saved.article.encoding_alternative, None);

    // Keeping the guess records it as chosen, and the banner goes.
    std::fs::remove_file(sidecar::sidecar_path(&article)).unwrap();
    let mut h = harness(&article);
    h.get_by_label("Keep cp1252").click();
    h.run();
    assert_eq!(text_of(&h), "Genève");
    assert!(h.query_by_label_contains("could be").is_none());
    let saved = save(&mut h, &article);
    assert_eq!(saved.article.encoding, "cp1252");
    assert_eq!(saved.article.encoding_alternative, None);
}

#[test]
fn the_doubt_survives_a_save_until_someone_chooses() {
    let dir = tempfile::tempdir().unwrap();
    let article = dir.path().join("g.txt");
    std::fs::write(&article, b"Gen\xe8ve a Gen\xe8ve").unwrap();
    let mut h = harness(&article);
    h.state_mut().select(CharRange::from_usize(0, 6));
    h.key_press(Key::E);
    h.run();
    let saved = save(&mut h, &article);
    assert_eq!(
        saved.article.encoding_alternative.as_deref(),
        Some("cp1250")
    );
    // Opened again: still in doubt, the banner is back.
    let h = harness(&article);
    h.get_by_label_contains("could be cp1250");
}

#[test]
fn escape_closes_the_encoding_dialog_without_changes() {
    let dir = tempfile::tempdir().unwrap();
    let article = dir.path().join("a.txt");
    std::fs::write(&article, cp1252_bytes(TEXT)).unwrap();
    let mut h = harness(&article);
    h.get_by_label("File").click();
    h.run();
    h.get_by_label("Reopen with Encoding…").click();
    h.run();
    h.get_by_label("cp1250 — Central European (Windows)")
        .click();
    h.run();
    h.get_by_label_contains("tempęte"); // previewed, not applied
    h.key_press(Key::Escape);
    h.run();
    assert!(h.query_by_label("Reopen as cp1250").is_none());
    assert_eq!(text_of(&h), TEXT);
}
