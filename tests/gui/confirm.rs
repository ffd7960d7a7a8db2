//! Review ▸ Confirm all moved (issue 10, "Re-anchoring friction"): the menu
//! row of the command table confirms every moved annotation in one undoable
//! step, and the saved sidecar says so.
use eframe::egui::{Key, Modifiers};
use egui_kittest::Harness;
use egui_kittest::kittest::Queryable;
use marginalia::model::annotation::{AnchorState, Annotation, Label, Origin};
use marginalia::model::offset::CharRange;
use marginalia::store::article_file::read_article;
use marginalia::store::sidecar;
use marginalia::window::app::MarginaliaApp;
use std::path::Path;

const ARTICLE: &str = "UPDATE: corrected.\n\nDehqan met Hasanov in Baku. The talks ended.\n";

fn harness(path: &Path) -> Harness<'static, MarginaliaApp> {
    crate::open_window(path, "bo", [1200.0, 800.0])
}

fn anchors(path: &Path) -> Vec<(String, AnchorState)> {
    let (sc, _) = sidecar::read(&sidecar::sidecar_path(path))
        .unwrap()
        .unwrap();
    sc.annotations
        .iter()
        .map(|a| (a.quote.to_string(), a.anchor))
        .collect()
}

#[test]
fn confirm_all_moved_from_the_review_menu_is_one_undoable_step() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("report.txt");
    std::fs::write(&path, ARTICLE).unwrap();
    let file = read_article(&path).unwrap();
    let anns: Vec<Annotation> = [
        ("Dehqan", AnchorState::Moved),
        ("Baku", AnchorState::Moved),
        ("talks", AnchorState::Orphaned),
    ]
    .iter()
    .map(|&(q, state)| {
        let byte = ARTICLE.find(q).unwrap();
        let start = ARTICLE[..byte].chars().count();
        let mut a = Annotation::new(
            &file.article,
            CharRange::from_usize(start, start + q.chars().count()),
            Label::Entity,
            "ana",
            chrono::Utc::now(),
            Origin::Manual,
        )
        .unwrap();
        a.anchor = state;
        a
    })
    .collect();
    let sc = file.sidecar(anns);
    sidecar::write_atomic(
        &sidecar::sidecar_path(&path),
        sidecar::to_string(&sc).as_bytes(),
    )
    .unwrap();

    let mut h = harness(&path);
    h.get_by_label("Review").click();
    h.run();
    h.get_by_label("Confirm all moved").click();
    h.run();
    assert!(
        h.state()
            .state
            .message
            .contains("2 moved annotations confirmed"),
        "{}",
        h.state().state.message
    );
    h.key_press_modifiers(Modifiers::COMMAND, Key::S);
    h.run();
    assert_eq!(
        anchors(&path),
        [
            ("Dehqan".to_owned(), AnchorState::Exact),
            ("Baku".to_owned(), AnchorState::Exact),
            ("talks".to_owned(), AnchorState::Orphaned),
        ]
    );
    // One Ctrl+Z brings both back.
    h.key_press_modifiers(Modifiers::COMMAND, Key::Z);
    h.run();
    h.key_press_modifiers(Modifiers::COMMAND, Key::S);
    h.run();
    let states: Vec<AnchorState> = anchors(&path).into_iter().map(|(_, s)| s).collect();
    assert_eq!(
        states,
        [
            AnchorState::Moved,
            AnchorState::Moved,
            AnchorState::Orphaned
        ]
    );
}
