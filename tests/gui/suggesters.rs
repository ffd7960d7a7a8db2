//! Review ▸ Suggesters… (issue 13, "In the window"): the user's own
//! suggesters and cue file edited in the window, tried with Run once,
//! saved atomically to the app's suggesters file, and used by Suggest.
use eframe::egui::accesskit::Role;
use egui_kittest::Harness;
use egui_kittest::kittest::Queryable;
use marginalia::window::app::MarginaliaApp;
use marginalia::window::prefs::{SUGGESTERS_FILE, SuggesterPrefs};
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

const ARTICLE: &str = "“Peace now,” harrumphed Dehqan in Baku.\n";

/// The window on a fresh article, its app data in `data`.
fn window(dir: &Path, data: &Path) -> (PathBuf, Harness<'static, MarginaliaApp>) {
    window_on(dir, data, ARTICLE)
}

fn window_on(dir: &Path, data: &Path, text: &str) -> (PathBuf, Harness<'static, MarginaliaApp>) {
    std::fs::create_dir_all(dir).unwrap();
    let article = dir.join("report.txt");
    std::fs::write(&article, text).unwrap();
    let app =
        MarginaliaApp::new_for_test(Some(&article), crate::test_prefs("ana"), data.to_owned());
    (article, crate::window_harness(app, [1200.0, 800.0]))
}

fn menu(h: &mut Harness<'_, MarginaliaApp>, item: &str) {
    h.get_by_label("Review").click();
    h.run();
    h.get_by_label(item).click();
    h.run();
}

fn click(h: &mut Harness<'_, MarginaliaApp>, label: &str) {
    h.get_by_label(label).click();
    h.run();
}

/// Click the last text field labelled `label` and type `text` into it.
fn type_into(h: &mut Harness<'_, MarginaliaApp>, label: &str, text: &str) {
    h.query_all_by_role_and_label(Role::TextInput, label)
        .last()
        .expect("the field")
        .click();
    h.run();
    h.event(eframe::egui::Event::Text(text.to_owned()));
    h.run();
}

/// Let frames run until `done` holds (a thread's answer arrived).
fn run_until(
    h: &mut Harness<'_, MarginaliaApp>,
    done: impl Fn(&Harness<'_, MarginaliaApp>) -> bool,
) {
    let deadline = Instant::now() + Duration::from_secs(20);
    while !done(h) {
        assert!(Instant::now() < deadline, "no answer came");
        std::thread::sleep(Duration::from_millis(20));
        h.run();
    }
}

#[cfg(unix)]
#[test]
fn suggesters_are_added_tried_removed_and_saved_in_the_window() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("data");
    let (_article, mut h) = window(dir.path(), &data);
    menu(&mut h, "Suggesters…");
    h.get_by_label("Your suggesters");

    // A suggester that works: one span, on the article's text.
    click(&mut h, "Add suggester");
    type_into(&mut h, "Name:", "baku finder");
    let answer = r#"{"spans": [{"start": 34, "end": 38, "label": "GPE"}]}"#;
    type_into(
        &mut h,
        "Command:",
        &format!("cat >/dev/null; echo '{answer}'"),
    );
    click(&mut h, "Run once");
    run_until(&mut h, |h| h.query_by_label_contains("Worked:").is_some());
    h.get_by_label("Worked: answered 1 suggestion(s) on 1 line(s)");

    // One that fails shows its stderr.
    click(&mut h, "Add suggester");
    type_into(&mut h, "Name:", "broken");
    type_into(&mut h, "Command:", "echo 'no model here' >&2; exit 3");
    h.query_all_by_label("Run once").last().unwrap().click();
    h.run();
    run_until(&mut h, |h| h.query_by_label_contains("failed").is_some());
    h.get_by_label_contains("no model here");
    h.query_all_by_label("Remove").last().unwrap().click();
    h.run();

    // Save writes the file; nothing is left half-written beside it.
    click(&mut h, "Save suggesters");
    assert!(
        h.query_by_label("Your suggesters").is_none(),
        "the dialog closed"
    );
    let saved = SuggesterPrefs::load(&data)
        .unwrap()
        .expect("the suggesters file");
    assert_eq!(saved.suggesters.len(), 1);
    assert_eq!(saved.suggesters[0].name, "baku finder");
    assert_eq!(saved.suggesters[0].timeout_s, 120);
    let files: Vec<_> = std::fs::read_dir(&data)
        .unwrap()
        .map(|e| e.unwrap().file_name())
        .collect();
    assert_eq!(files, [SUGGESTERS_FILE], "{files:?}");

    // Suggest with… offers it, and a new window reads it back.
    menu(&mut h, "Suggest with…");
    h.get_by_label("baku finder");
    let (_again, h2) = window(&dir.path().join("again"), &data);
    assert_eq!(h2.state().state.prefs.suggesters, saved.suggesters);
}

#[test]
fn a_blank_suggester_is_not_saved_and_esc_drops_the_draft() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("data");
    let (_article, mut h) = window(dir.path(), &data);
    menu(&mut h, "Suggesters…");
    click(&mut h, "Add suggester");
    type_into(&mut h, "Name:", "nameless command");
    click(&mut h, "Save suggesters");
    h.get_by_label("Suggester 1 needs a name and a command");
    assert!(!data.join(SUGGESTERS_FILE).exists());
    h.key_press(eframe::egui::Key::Escape);
    h.run();
    assert!(h.query_by_label("Your suggesters").is_none());
    assert!(h.state().state.prefs.suggesters.is_empty());
}

/// Review ▸ Suggest on the article; the quotes of what it added.
fn suggest(h: &mut Harness<'_, MarginaliaApp>) -> Vec<String> {
    menu(h, "Suggest");
    run_until(h, |h| !h.state().state.suggest.is_running());
    let doc = h.state().state.doc.as_ref().unwrap();
    doc.annotations
        .iter()
        .map(|a| a.quote.to_string())
        .collect()
}

/// Indirect speech with a cue the built-in list does not know.
const CLAIM: &str = "Talks will fail, harrumphed Dehqan.\n";

#[test]
fn the_rules_use_the_users_cue_file() {
    let dir = tempfile::tempdir().unwrap();
    let plain = tempfile::tempdir().unwrap();
    let (_article, mut h) = window_on(plain.path(), &plain.path().join("data"), CLAIM);
    let without = suggest(&mut h);
    assert!(
        !without.contains(&"harrumphed".to_owned()),
        "the built-in cues know no harrumph: {without:?}"
    );

    let cues = dir.path().join("my-cues.txt");
    std::fs::write(&cues, "# mine\nharrumph harrumphed harrumphs\n").unwrap();
    let data = dir.path().join("data");
    let (_article, mut h) = window_on(dir.path(), &data, CLAIM);
    menu(&mut h, "Suggesters…");
    type_into(&mut h, "Cue file:", cues.to_str().unwrap());
    click(&mut h, "Check");
    h.get_by_label("1 cue line(s) read");
    click(&mut h, "Save suggesters");
    let found = suggest(&mut h);
    assert!(found.contains(&"harrumphed".to_owned()), "{found:?}");
    assert!(found.contains(&"Dehqan".to_owned()), "{found:?}");
}

#[test]
fn a_bad_cue_file_line_is_named_by_check() {
    let dir = tempfile::tempdir().unwrap();
    let cues = dir.path().join("bad-cues.txt");
    std::fs::write(&cues, "harrumph | loudly\n").unwrap();
    let (_article, mut h) = window(dir.path(), &dir.path().join("data"));
    menu(&mut h, "Suggesters…");
    type_into(&mut h, "Cue file:", cues.to_str().unwrap());
    click(&mut h, "Check");
    h.get_by_label_contains("line 1: unknown option \"loudly\"");
}

#[cfg(unix)]
#[test]
fn each_suggester_has_its_own_time_limit() {
    let dir = tempfile::tempdir().unwrap();
    let article = dir.path().join("report.txt");
    std::fs::write(&article, ARTICLE).unwrap();
    let mut prefs = crate::test_prefs("ana");
    prefs.suggesters = vec![marginalia::window::prefs::NamedSuggester {
        name: "slow model".into(),
        command: "sleep 30".into(),
        timeout_s: 1,
    }];
    let app = MarginaliaApp::new_for_test(Some(&article), prefs, dir.path().join("data"));
    let mut h = crate::window_harness(app, [1200.0, 800.0]);
    // Tried in the dialog...
    menu(&mut h, "Suggesters…");
    h.get_by_role_and_label(Role::SpinButton, "Time limit:");
    click(&mut h, "Run once");
    run_until(&mut h, |h| {
        h.query_by_label_contains("did not finish").is_some()
    });
    h.get_by_label_contains("did not finish within 1 s");
    click(&mut h, "Cancel");
    // ... and run by Suggest with….
    menu(&mut h, "Suggest with…");
    click(&mut h, "slow model");
    run_until(&mut h, |h| !h.state().state.suggest.is_running());
    let message = h.state().state.message.clone();
    assert!(message.contains("did not finish within 1 s"), "{message}");
}
