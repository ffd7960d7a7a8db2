//! The crash journal seen from the window: unsaved work survives the app
//! being dropped without saving, and is offered back on the next open.
use eframe::egui::Key;
use egui_kittest::Harness;
use egui_kittest::kittest::Queryable;
use marginalia::model::offset::CharRange;
use marginalia::store::journal;
use marginalia::store::sidecar;
use marginalia::window::app::MarginaliaApp;
use std::path::Path;

const TEXT: &str = "Dehqan met Hasanov in Baku.\n";

fn harness(path: &Path) -> Harness<'static, MarginaliaApp> {
    crate::open_window(path, "tester", [1200.0, 800.0])
}

fn tag_hasanov(h: &mut Harness<'_, MarginaliaApp>) {
    h.state_mut().select(CharRange::from_usize(11, 18));
    h.key_press(Key::E);
    h.run();
    h.run();
}

#[test]
fn unsaved_work_is_offered_back_after_a_crash() {
    let dir = tempfile::tempdir().unwrap();
    let article = dir.path().join("report.txt");
    std::fs::write(&article, TEXT).unwrap();
    let mut h = harness(&article);
    assert!(h.query_by_label_contains("Restore unsaved work").is_none());
    tag_hasanov(&mut h);
    assert_eq!(h.state().state.doc.as_ref().unwrap().annotations.len(), 1);
    // The journal snapshot is taken a moment after the change.
    std::thread::sleep(std::time::Duration::from_millis(400));
    h.run();
    drop(h); // no save, no on_exit: a crash
    assert!(journal::journal_path(&article).exists());
    assert!(!sidecar::sidecar_path(&article).exists());

    let mut h = harness(&article);
    assert_eq!(h.state().state.doc.as_ref().unwrap().annotations.len(), 0);
    h.get_by_label_contains("Restore unsaved work from").click();
    h.run();
    let doc = h.state().state.doc.as_ref().unwrap();
    assert_eq!(doc.annotations.len(), 1);
    assert_eq!(doc.annotations.as_slice()[0].quote, "Hasanov");
    assert!(doc.is_dirty());
    h.state_mut().save().unwrap();
    h.run();
    assert!(
        !journal::journal_path(&article).exists(),
        "journal deleted after a save"
    );
    drop(h);
    let h = harness(&article);
    assert!(h.query_by_label_contains("Restore unsaved work").is_none());
}

#[test]
fn discarding_the_offer_deletes_the_journal() {
    let dir = tempfile::tempdir().unwrap();
    let article = dir.path().join("report.txt");
    std::fs::write(&article, TEXT).unwrap();
    let mut h = harness(&article);
    tag_hasanov(&mut h);
    std::thread::sleep(std::time::Duration::from_millis(400));
    h.run();
    drop(h);
    let mut h = harness(&article);
    h.get_by_label("Discard").click();
    h.run();
    assert!(!journal::journal_path(&article).exists());
    assert_eq!(h.state().state.doc.as_ref().unwrap().annotations.len(), 0);
}

/// Tag, save, then tag twice and undo once: the state at the crash.
fn saved_then_edited(article: &Path) -> Vec<marginalia::model::annotation::Annotation> {
    let mut h = harness(article);
    h.state_mut().select(CharRange::from_usize(0, 6));
    h.key_press(Key::E);
    h.run();
    h.state_mut().save().unwrap();
    h.run();
    tag_hasanov(&mut h);
    h.state_mut().select(CharRange::from_usize(22, 26));
    h.key_press(Key::Q);
    h.run();
    h.key_press_modifiers(eframe::egui::Modifiers::COMMAND, Key::Z);
    h.run();
    let at_crash = h
        .state()
        .state
        .doc
        .as_ref()
        .unwrap()
        .annotations
        .as_slice()
        .to_vec();
    assert_eq!(
        at_crash.len(),
        2,
        "Dehqan saved, Hasanov unsaved, Baku undone"
    );
    std::thread::sleep(std::time::Duration::from_millis(400));
    h.run();
    drop(h); // no save: a crash
    at_crash
}

#[test]
fn edits_after_a_save_are_recovered_exactly_from_the_journal() {
    let dir = tempfile::tempdir().unwrap();
    let article = dir.path().join("report.txt");
    std::fs::write(&article, TEXT).unwrap();
    let at_crash = saved_then_edited(&article);
    let journal = std::fs::read_to_string(journal::journal_path(&article)).unwrap();
    assert!(
        !journal.contains("\"annotations\""),
        "edits only, no snapshot: {journal}"
    );
    let mut h = harness(&article);
    assert_eq!(h.state().state.doc.as_ref().unwrap().annotations.len(), 1);
    h.get_by_label_contains("Restore unsaved work from").click();
    h.run();
    let doc = h.state().state.doc.as_ref().unwrap();
    assert_eq!(doc.annotations.as_slice(), at_crash);
}

#[test]
fn a_journal_whose_sidecar_changed_on_disk_is_reported_not_offered() {
    let dir = tempfile::tempdir().unwrap();
    let article = dir.path().join("report.txt");
    std::fs::write(&article, TEXT).unwrap();
    saved_then_edited(&article);
    // Another writer saves the sidecar meanwhile: no annotations.
    let side = sidecar::sidecar_path(&article);
    let (mut theirs, _) = sidecar::read(&side).unwrap().unwrap();
    theirs.annotations.clear();
    sidecar::write_atomic(&side, sidecar::to_string(&theirs).as_bytes()).unwrap();
    let mut h = harness(&article);
    h.run();
    assert!(h.query_by_label_contains("Restore unsaved work").is_none());
    let doc = h.state().state.doc.as_ref().unwrap();
    assert_eq!(doc.annotations.len(), 0);
    assert!(
        doc.notices
            .iter()
            .any(|n| n.contains("was not restored") && n.contains("changed since")),
        "{:?}",
        doc.notices
    );
    assert!(journal::stale_path(&article).exists());
    assert!(!journal::journal_path(&article).exists());
}
