//! The annotation window driven headless through egui_kittest: tag, undo,
//! find, save, and the error paths (broken sidecar, failing save).
use eframe::egui::{self, Key, Modifiers};
use egui_kittest::Harness;
use egui_kittest::kittest::Queryable;
use marginalia::model::annotation::Label;
use marginalia::model::offset::CharRange;
use marginalia::store::sidecar;
use marginalia::window::app::MarginaliaApp;
use marginalia::window::prefs::Prefs;
use std::path::{Path, PathBuf};

/// Persian text comes before the spans the tests tag, so a char/byte or
/// glyph mix-up would shift their offsets.
const ARTICLE: &str = "date 2026-01-02 Envoys meet in Baku\n\n\
The envoy said «سلام دنیا» twice, then the minister spoke in Baku.\n\n\
Reporters wrote down his quotes: “peace now”, he said. 👋 Rene\u{301}e agreed.\n";

struct Fixture {
    _dir: tempfile::TempDir,
    article: PathBuf,
    sidecar: PathBuf,
}

fn fixture() -> Fixture {
    let dir = tempfile::tempdir().unwrap();
    let article = dir.path().join("report.txt");
    std::fs::write(&article, ARTICLE).unwrap();
    let sidecar = sidecar::sidecar_path(&article);
    Fixture {
        _dir: dir,
        article,
        sidecar,
    }
}

fn prefs() -> Prefs {
    crate::test_prefs("tester")
}

fn harness(path: &Path) -> Harness<'static, MarginaliaApp> {
    crate::open_window(path, "tester", [1200.0, 800.0])
}

/// Char range of the first `needle` in the article (the test's own oracle,
/// counting chars, not bytes).
fn char_range_of(needle: &str) -> CharRange {
    let byte = ARTICLE.find(needle).unwrap();
    let start = ARTICLE[..byte].chars().count();
    CharRange::from_usize(start, start + needle.chars().count())
}

fn press(h: &mut Harness<'_, MarginaliaApp>, modifiers: Modifiers, key: Key) {
    h.key_press_modifiers(modifiers, key);
    h.run();
}

/// Type like a keyboard does: a key event and a text event per char.
fn type_text(h: &mut Harness<'_, MarginaliaApp>, text: &str) {
    for c in text.chars() {
        if let Some(key) = Key::from_name(&c.to_ascii_uppercase().to_string()) {
            h.key_press(key);
        }
        h.event(egui::Event::Text(c.to_string()));
        h.run();
    }
}

fn saved(path: &Path) -> sidecar::Sidecar {
    sidecar::read(path)
        .unwrap()
        .expect("a sidecar was written")
        .0
}

fn assert_exact(quote: &str, start: usize, end: usize) {
    let got: String = ARTICLE.chars().skip(start).take(end - start).collect();
    assert_eq!(got, quote, "offsets {start}..{end} do not give the quote");
}

#[test]
fn select_press_e_and_ctrl_s_writes_the_sidecar() {
    let f = fixture();
    let mut h = harness(&f.article);
    let range = char_range_of("minister");
    h.state_mut().select(range);
    press(&mut h, Modifiers::NONE, Key::E);
    assert_eq!(h.state().title(), "• report.txt — Marginalia");
    press(&mut h, Modifiers::COMMAND, Key::S);

    let sc = saved(&f.sidecar);
    assert_eq!(sc.annotations.len(), 1);
    let a = &sc.annotations[0];
    assert_eq!((a.label, a.quote.as_str()), (Label::Entity, "minister"));
    assert_eq!((a.start, a.end), (range.start, range.end));
    assert_eq!(a.author, "tester");
    assert_exact(&a.quote, a.start.0, a.end.0);
    assert_eq!(h.state().title(), "report.txt — Marginalia");
}

#[test]
fn undo_redo_relabel_and_delete_all_go_through_history() {
    let f = fixture();
    let mut h = harness(&f.article);
    h.state_mut().select(char_range_of("Baku."));
    press(&mut h, Modifiers::NONE, Key::Num2); // 2 = Claim
    let count =
        |h: &Harness<'_, MarginaliaApp>| h.state().state.doc.as_ref().unwrap().annotations.len();
    assert_eq!(count(&h), 1);
    press(&mut h, Modifiers::COMMAND, Key::Z);
    assert_eq!(count(&h), 0);
    press(&mut h, Modifiers::COMMAND | Modifiers::SHIFT, Key::Z);
    assert_eq!(count(&h), 1);
    press(&mut h, Modifiers::COMMAND, Key::Z);
    press(&mut h, Modifiers::COMMAND, Key::Y);
    assert_eq!(count(&h), 1);

    // Select it in the list, relabel with Q (no text selection), then delete.
    h.get_by_label_contains("Claim · “Baku.”").click();
    h.run();
    assert!(h.state().state.selected.is_some());
    press(&mut h, Modifiers::NONE, Key::Q);
    let doc = h.state().state.doc.as_ref().unwrap();
    let a = doc.annotations.iter().next().unwrap();
    assert_eq!(a.label, Label::Quote);
    assert_eq!(a.modified_by, None, "same author edits");
    press(&mut h, Modifiers::NONE, Key::Delete);
    assert_eq!(count(&h), 0);
    press(&mut h, Modifiers::COMMAND, Key::Z);
    assert_eq!(count(&h), 1);
    press(&mut h, Modifiers::COMMAND, Key::Z);
    let doc = h.state().state.doc.as_ref().unwrap();
    assert_eq!(doc.annotations.iter().next().unwrap().label, Label::Claim);

    press(&mut h, Modifiers::COMMAND, Key::S);
    let sc = saved(&f.sidecar);
    assert_eq!(sc.annotations.len(), 1);
    assert_eq!(sc.annotations[0].label, Label::Claim);
}

#[test]
fn keyboard_only_find_enter_q_save_after_persian_text() {
    let f = fixture();
    let mut h = harness(&f.article);
    press(&mut h, Modifiers::COMMAND, Key::F);
    // "quotes" holds q, e and... typed into the find box, none of them tags.
    type_text(&mut h, "QUOTES");
    assert_eq!(h.state().state.doc.as_ref().unwrap().annotations.len(), 0);
    assert_eq!(h.state().find_query(), "QUOTES");
    press(&mut h, Modifiers::NONE, Key::Enter);
    assert_eq!(h.state().state.selection, Some(char_range_of("quotes")));

    // Search again for a match after the Persian phrase.
    press(&mut h, Modifiers::COMMAND, Key::F);
    for _ in 0..6 {
        press(&mut h, Modifiers::NONE, Key::Backspace);
    }
    type_text(&mut h, "baku");
    press(&mut h, Modifiers::NONE, Key::Enter);
    // First match is in the header; Enter again (box left) goes to the next.
    press(&mut h, Modifiers::NONE, Key::F3);
    let want = CharRange::from_usize(
        char_range_of("Baku.").start.0,
        char_range_of("Baku.").start.0 + 4,
    );
    assert_eq!(h.state().state.selection, Some(want));
    // Esc closes the bar and keeps the selection.
    press(&mut h, Modifiers::NONE, Key::Escape);
    assert!(!h.state().find_is_open());
    assert_eq!(h.state().state.selection, Some(want));
    press(&mut h, Modifiers::NONE, Key::Q);
    press(&mut h, Modifiers::COMMAND, Key::S);

    let sc = saved(&f.sidecar);
    assert_eq!(sc.annotations.len(), 1);
    let a = &sc.annotations[0];
    assert_eq!((a.label, a.quote.as_str()), (Label::Quote, "Baku"));
    assert_exact("Baku", a.start.0, a.end.0);
    assert_eq!(a.start.0, want.start.0);
}

#[test]
fn typing_and_enter_in_one_frame_searches_for_all_of_it() {
    let f = fixture();
    let mut h = harness(&f.article);
    press(&mut h, Modifiers::COMMAND, Key::F);
    // A fast typist: the text and Enter arrive in the same frame (kittest's
    // own queue would give each event its own frame).
    let events = &mut h.input_mut().events;
    events.push(egui::Event::Text("minister".into()));
    events.push(egui::Event::Key {
        key: Key::Enter,
        pressed: true,
        modifiers: Modifiers::NONE,
        repeat: false,
        physical_key: None,
    });
    h.step();
    h.run();
    assert_eq!(h.state().find_query(), "minister");
    assert_eq!(h.state().state.selection, Some(char_range_of("minister")));
}

#[test]
fn span_after_combining_accent_and_emoji_is_exact() {
    let f = fixture();
    let mut h = harness(&f.article);
    let range = char_range_of("agreed");
    h.state_mut().select(range);
    press(&mut h, Modifiers::NONE, Key::C);
    // Grow the end by one char, then shrink the start: Shift+→, Alt+Shift+→.
    press(&mut h, Modifiers::SHIFT, Key::ArrowRight);
    press(&mut h, Modifiers::ALT | Modifiers::SHIFT, Key::ArrowRight);
    press(&mut h, Modifiers::COMMAND, Key::S);
    let sc = saved(&f.sidecar);
    let a = &sc.annotations[0];
    assert_eq!(a.quote, "greed.");
    assert_exact(&a.quote, a.start.0, a.end.0);
}

#[test]
fn malformed_sidecar_opens_read_only_and_is_never_overwritten() {
    let f = fixture();
    let broken = "(\n  version: 1,\n  article: oops,\n)\n";
    std::fs::write(&f.sidecar, broken).unwrap();
    let mut h = harness(&f.article);
    // The window says so, with the path and line:col.
    h.get_by_label_contains("Read-only");
    h.get_by_label_contains("report.txt.ann.ron:3:");
    // The status bar agrees (it said "saved", with nothing saved).
    assert!(h.query_by_label("saved").is_none());
    h.get_by_label("read-only");

    h.state_mut().select(char_range_of("envoy"));
    press(&mut h, Modifiers::NONE, Key::E);
    press(&mut h, Modifiers::COMMAND, Key::S);
    assert_eq!(std::fs::read_to_string(&f.sidecar).unwrap(), broken);
    let doc = h.state().state.doc.as_ref().unwrap();
    assert_eq!(doc.annotations.len(), 1, "the work stays in memory");
    h.get_by_label_contains("⚠ Not saved");
    h.get_by_label("Save As…");

    // Save As to another name keeps the work; the broken file stays as is.
    let other = f.sidecar.with_file_name("copy.ann.ron");
    h.state_mut().save_as(&other).unwrap();
    assert_eq!(saved(&other).annotations[0].quote, "envoy");
    assert_eq!(std::fs::read_to_string(&f.sidecar).unwrap(), broken);
}

#[test]
fn failed_save_is_shown_and_keeps_the_work() {
    let f = fixture();
    let mut h = harness(&f.article);
    h.state_mut().select(char_range_of("envoy"));
    press(&mut h, Modifiers::NONE, Key::E);
    // Someone else writes the sidecar meanwhile: saving must refuse.
    std::fs::write(&f.sidecar, "(version: 1)").unwrap();
    press(&mut h, Modifiers::COMMAND, Key::S);
    // Shown once: in the banner with Save As, not again in the status bar.
    assert_eq!(h.query_all_by_label_contains("⚠ Not saved").count(), 1);
    h.get_by_label_contains("changed on disk since");
    assert!(!h.state().state.message.contains("changed on disk"));
    assert_eq!(std::fs::read_to_string(&f.sidecar).unwrap(), "(version: 1)");
    h.get_by_label_contains("save failed");
    h.get_by_label("Save As…");

    // The folder becomes unwritable (or, as root, disappears).
    std::fs::remove_file(&f.sidecar).unwrap();
    let dir = f.article.parent().unwrap().to_owned();
    set_read_only(&dir);
    if std::fs::write(dir.join("probe"), "x").is_ok() {
        std::fs::remove_dir_all(&dir).unwrap();
    }
    {
        let doc = h.state_mut().state.doc.as_mut().unwrap();
        doc.disk = sidecar::DiskState::Absent;
    }
    press(&mut h, Modifiers::COMMAND, Key::S);
    assert!(
        h.state().state.save_error.is_some(),
        "{}",
        h.state().state.message
    );
    h.get_by_label_contains("⚠ Not saved");
    assert_eq!(h.state().state.doc.as_ref().unwrap().annotations.len(), 1);
    assert!(h.state().title().starts_with('•'));
}

#[cfg(unix)]
fn set_read_only(dir: &Path) {
    use std::os::unix::fs::PermissionsExt;
    std::fs::set_permissions(dir, std::fs::Permissions::from_mode(0o555)).unwrap();
}

#[cfg(not(unix))]
fn set_read_only(dir: &Path) {
    let mut p = std::fs::metadata(dir).unwrap().permissions();
    p.set_readonly(true);
    std::fs::set_permissions(dir, p).unwrap();
}

#[test]
fn binary_file_shows_an_error_in_the_window() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("photo.txt");
    std::fs::write(&path, [0u8, 159, 146, 150, 0, 0, 1, 2, 3, 0]).unwrap();
    let h = harness(&path);
    h.get_by_label_contains("Could not open");
    h.get_by_label_contains("photo.txt");
    assert!(h.state().state.doc.is_none());
}

#[test]
fn no_argument_opens_the_bundled_sample_in_the_data_dir() {
    let data = tempfile::tempdir().unwrap();
    let app = MarginaliaApp::new_for_test(None, prefs(), data.path().to_owned());
    let doc = app.state.doc.as_ref().expect("sample opened");
    assert!(doc.file.path.starts_with(data.path()));
    assert!(doc.file.article.char_len() > 1000);
}

#[test]
fn autosave_writes_about_a_second_after_the_last_change() {
    let f = fixture();
    let data = tempfile::tempdir().unwrap();
    let prefs = Prefs {
        autosave: true,
        ..prefs()
    };
    let app = MarginaliaApp::new_for_test(Some(&f.article), prefs, data.path().to_owned());
    let mut h = crate::window_harness(app, [1200.0, 800.0]);
    h.state_mut().select(char_range_of("envoy"));
    h.key_press(Key::E);
    h.step();
    h.step();
    assert!(!f.sidecar.exists(), "not saved at once");
    for _ in 0..15 {
        h.step();
    }
    assert_eq!(saved(&f.sidecar).annotations[0].quote, "envoy");
    assert_eq!(h.state().title(), "report.txt — Marginalia");
}

#[test]
fn opening_another_file_never_silently_drops_unsaveable_work() {
    let f = fixture();
    std::fs::write(&f.sidecar, "(oops").unwrap();
    let other = f.article.with_file_name("other.txt");
    std::fs::write(&other, "Another article.").unwrap();
    let mut h = harness(&f.article);
    h.state_mut().select(char_range_of("envoy"));
    press(&mut h, Modifiers::NONE, Key::E);

    h.state_mut().open(&other);
    let doc = h.state().state.doc.as_ref().unwrap();
    assert_eq!(
        doc.file.file_name(),
        "report.txt",
        "first attempt is refused"
    );
    assert!(h.state().state.message.contains("open it again to discard"));
    h.state_mut().open(&other);
    assert_eq!(
        h.state().state.doc.as_ref().unwrap().file.file_name(),
        "other.txt"
    );
    assert_eq!(std::fs::read_to_string(&f.sidecar).unwrap(), "(oops");
}

#[test]
fn kind_is_typed_committed_undone_and_suggested() {
    let f = fixture();
    let mut h = harness(&f.article);
    h.state_mut().select(char_range_of("envoy"));
    press(&mut h, Modifiers::NONE, Key::E);
    let kind_field = |h: &Harness<'_, MarginaliaApp>| {
        h.get_by_role_and_label(egui::accesskit::Role::TextInput, "Kind:")
            .rect()
    };
    let at = kind_field(&h).center();
    h.hover_at(at);
    h.event(egui::Event::PointerButton {
        pos: at,
        button: egui::PointerButton::Primary,
        pressed: true,
        modifiers: Modifiers::NONE,
    });
    h.event(egui::Event::PointerButton {
        pos: at,
        button: egui::PointerButton::Primary,
        pressed: false,
        modifiers: Modifiers::NONE,
    });
    h.run();
    // E and C typed here go into the field; they do not relabel.
    type_text(&mut h, "Person");
    press(&mut h, Modifiers::NONE, Key::Enter);
    let kind_of = |h: &Harness<'_, MarginaliaApp>| {
        let doc = h.state().state.doc.as_ref().unwrap();
        let a = doc.annotations.iter().next().unwrap();
        (a.label, a.kind.clone())
    };
    assert_eq!(kind_of(&h), (Label::Entity, Some("Person".into())));
    press(&mut h, Modifiers::COMMAND, Key::Z);
    assert_eq!(kind_of(&h), (Label::Entity, None));
    press(&mut h, Modifiers::COMMAND, Key::Y);

    // A second entity offers "Person" as a used kind.
    h.state_mut().select(char_range_of("minister"));
    press(&mut h, Modifiers::NONE, Key::E);
    h.get_by_label("Person").click();
    h.run();
    let doc = h.state().state.doc.as_ref().unwrap();
    assert!(
        doc.annotations
            .iter()
            .all(|a| a.kind.as_deref() == Some("Person"))
    );
}

#[test]
fn page_keys_and_home_end_scroll_the_article() {
    let dir = tempfile::tempdir().unwrap();
    let article = dir.path().join("long.txt");
    let text: String = (0..300)
        .map(|i| format!("Paragraph {i}: the envoy said the talks went on.\n\n"))
        .collect();
    std::fs::write(&article, text).unwrap();
    let mut h = harness(&article);
    assert_eq!(h.state().view_scroll_offset_y(), 0.0);
    press(&mut h, Modifiers::NONE, Key::PageDown);
    let one = h.state().view_scroll_offset_y();
    assert!(one > 100.0, "a page down scrolls most of a screen: {one}");
    press(&mut h, Modifiers::NONE, Key::PageDown);
    let two = h.state().view_scroll_offset_y();
    assert!(
        (two - 2.0 * one).abs() < 1.0,
        "pages are even: {one} then {two}"
    );
    press(&mut h, Modifiers::NONE, Key::PageUp);
    assert!((h.state().view_scroll_offset_y() - one).abs() < 1.0);
    press(&mut h, Modifiers::COMMAND, Key::End);
    let end = h.state().view_scroll_offset_y();
    assert!(
        end > 20.0 * one,
        "Ctrl+End goes to the last paragraph: {end}"
    );
    press(&mut h, Modifiers::NONE, Key::PageDown);
    assert_eq!(
        h.state().view_scroll_offset_y(),
        end,
        "nothing past the end"
    );
    press(&mut h, Modifiers::NONE, Key::Home);
    assert_eq!(h.state().view_scroll_offset_y(), 0.0);
    press(&mut h, Modifiers::NONE, Key::End);
    assert_eq!(h.state().view_scroll_offset_y(), end, "End goes there too");
    press(&mut h, Modifiers::COMMAND, Key::Home);
    assert_eq!(h.state().view_scroll_offset_y(), 0.0, "and Ctrl+Home back");
}
