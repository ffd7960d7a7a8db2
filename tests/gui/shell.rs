//! The window shell: the command table's scopes, panels, and the defects of
//! issue 11 (each test is named after what it guards).
use eframe::egui::{self, Key, KeyboardShortcut, Modifiers};
use egui_kittest::Harness;
use egui_kittest::kittest::{NodeT, Queryable};
use marginalia::model::offset::CharRange;
use marginalia::store::sidecar;
use marginalia::window::app::MarginaliaApp;
use marginalia::window::commands::{Command, Scope, chord_text};
use marginalia::window::dialogs::{DialogOutcome, DialogRequest, FileDialogs};
use std::path::{Path, PathBuf};
use std::sync::Arc;

const ARTICLE: &str = "Dehqan said «سلام» and then: “peace now”, he said. \
Hasanov agreed that the talks would go on.\n";

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

fn harness_sized(path: &Path, size: [f32; 2]) -> Harness<'static, MarginaliaApp> {
    crate::open_window(path, "ana", size)
}

fn harness(path: &Path) -> Harness<'static, MarginaliaApp> {
    harness_sized(path, [1200.0, 800.0])
}

fn char_range_of(needle: &str) -> CharRange {
    let byte = ARTICLE.find(needle).unwrap();
    let start = ARTICLE[..byte].chars().count();
    CharRange::from_usize(start, start + needle.chars().count())
}

fn press(h: &mut Harness<'_, MarginaliaApp>, modifiers: Modifiers, key: Key) {
    h.key_press_modifiers(modifiers, key);
    h.run();
}

fn tag(h: &mut Harness<'_, MarginaliaApp>, needle: &str, key: Key) {
    h.state_mut().select(char_range_of(needle));
    press(h, Modifiers::NONE, key);
}

fn count(h: &Harness<'_, MarginaliaApp>) -> usize {
    h.state().state.doc.as_ref().unwrap().annotations.len()
}

#[test]
fn shortcuts_never_reach_the_window_behind_a_modal() {
    let f = fixture();
    let mut h = harness(&f.article);
    tag(&mut h, "peace now", Key::Q);
    tag(&mut h, "Dehqan", Key::E);
    tag(&mut h, "Hasanov", Key::E);
    // Select the quote, link it to Dehqan, then ask to delete Dehqan.
    h.get_by_label_contains("Quote · “peace now”").click();
    h.run();
    press(&mut h, Modifiers::NONE, Key::L);
    let dehqan = char_range_of("Dehqan");
    h.get_by_label(&format!("Dehqan ({}..{})", dehqan.start, dehqan.end))
        .click();
    h.run();
    h.get_by_label_contains("Entity · “Dehqan”").click();
    h.run();
    press(&mut h, Modifiers::NONE, Key::Delete);
    h.get_by_label("Delete a linked annotation?");
    // Behind the modal: undo, tag, delete, review mode must all do nothing.
    for (m, k) in [
        (Modifiers::COMMAND, Key::Z),
        (Modifiers::NONE, Key::E),
        (Modifiers::NONE, Key::Delete),
        (Modifiers::COMMAND, Key::R),
    ] {
        press(&mut h, m, k);
    }
    assert_eq!(count(&h), 3);
    let doc = h.state().state.doc.as_ref().unwrap();
    let quote = doc
        .annotations
        .iter()
        .find(|a| a.quote == "“peace now”")
        .unwrap();
    assert!(
        quote.speaker().is_some(),
        "the link was undone behind the modal"
    );
    assert!(!h.state().state.review.active);
    h.get_by_label("Delete a linked annotation?");
    let _ = &f.sidecar;
}

/// Put the window in `scope` (with an entity and a quote linked to it, the
/// quote selected).
fn enter_scope(h: &mut Harness<'_, MarginaliaApp>, scope: Scope) {
    tag(h, "peace now", Key::Q);
    tag(h, "Dehqan", Key::E);
    h.get_by_label_contains("Quote · “peace now”").click();
    h.run();
    press(h, Modifiers::NONE, Key::L);
    let dehqan = char_range_of("Dehqan");
    h.get_by_label(&format!("Dehqan ({}..{})", dehqan.start, dehqan.end))
        .click();
    h.run();
    match scope {
        Scope::Article => {}
        Scope::Review => press(h, Modifiers::COMMAND, Key::R),
        Scope::Find => press(h, Modifiers::COMMAND, Key::F),
        Scope::Text => {
            h.get_by_label("Note:").click();
            h.run();
        }
        Scope::Modal => {
            h.get_by_label_contains("Entity · “Dehqan”").click();
            h.run();
            press(h, Modifiers::NONE, Key::Delete);
        }
    }
    assert_eq!(h.state().scope(), scope);
}

/// The test's own statement of which keys a text field keeps: everything
/// without Ctrl/Alt, and caret moves, but never F-keys or Esc; the find box
/// has one line, so Enter is not typing there.
fn field_keeps(chord: &KeyboardShortcut, scope: Scope) -> bool {
    let key = chord.logical_key;
    let m = chord.modifiers;
    let plain = !m.command && !m.ctrl && !m.alt;
    let caret = matches!(
        key,
        Key::ArrowLeft
            | Key::ArrowRight
            | Key::ArrowUp
            | Key::ArrowDown
            | Key::Home
            | Key::End
            | Key::Space
    );
    let fkey = matches!(key, Key::F1 | Key::F3 | Key::Escape);
    let one_line_enter = scope == Scope::Find && key == Key::Enter;
    matches!(scope, Scope::Find | Scope::Text) && (plain || caret) && !fkey && !one_line_enter
}

/// What pressing `pressed` should run in `scope`, by the table: a command
/// listing the scope whose key is `pressed`, give or take an extra Shift or
/// Alt (the binding with the most modifiers wins), unless a field keeps it.
fn expected_command(
    bindings: &[(KeyboardShortcut, Command)],
    pressed: &KeyboardShortcut,
    scope: Scope,
) -> Option<Command> {
    let count = |m: Modifiers| [m.alt, m.shift, m.command].iter().filter(|b| **b).count();
    bindings
        .iter()
        .filter(|(chord, command)| {
            let (p, m) = (pressed.modifiers, chord.modifiers);
            chord.logical_key == pressed.logical_key
                && p.command == m.command
                && (p.shift || !m.shift)
                && (p.alt || !m.alt)
                && command.spec().scopes.contains(scope)
                && !field_keeps(chord, scope)
        })
        .max_by_key(|(chord, _)| count(chord.modifiers))
        .map(|(_, command)| *command)
}

#[test]
fn every_command_runs_only_in_its_scopes() {
    for scope in Scope::ALL {
        let f = fixture();
        let mut h = harness(&f.article);
        enter_scope(&mut h, scope);
        h.state_mut().hold_commands(true);
        let mut bindings: Vec<(KeyboardShortcut, Command)> = h
            .state()
            .state
            .keymap
            .bindings()
            .iter()
            .map(|b| (b.chord, b.command))
            .collect();
        // egui takes focus from a field on Esc whatever we do: press it last.
        bindings.sort_by_key(|(chord, _)| chord.logical_key == Key::Escape);
        assert!(bindings.len() > 40);
        for (chord, _) in &bindings {
            h.key_press_modifiers(chord.modifiers, chord.logical_key);
            h.run();
            let expected = expected_command(&bindings, chord, scope);
            let ran = h.state().commands_dispatched().to_vec();
            let want: Vec<Command> = expected.into_iter().collect();
            assert_eq!(ran, want, "{} in {scope:?}", chord_text(chord));
            h.state_mut().hold_commands(true);
            if chord.logical_key != Key::Escape {
                assert_eq!(h.state().scope(), scope, "after {}", chord_text(chord));
            }
        }
    }
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

fn saved_note(path: &Path, quote: &str) -> Option<String> {
    let sc = sidecar::read(path).unwrap().expect("a sidecar").0;
    sc.annotations
        .into_iter()
        .find(|a| a.quote == quote)
        .and_then(|a| a.note)
}

/// Tag "peace now", select it and start typing `note` into its note field.
fn type_a_note(h: &mut Harness<'_, MarginaliaApp>, note: &str) {
    tag(h, "peace now", Key::Q);
    tag(h, "Dehqan", Key::E);
    h.get_by_label_contains("Quote · “peace now”").click();
    h.run();
    h.get_by_label("Note:").click();
    h.run();
    type_text(h, note);
}

#[test]
fn esc_in_the_note_field_keeps_the_note() {
    let f = fixture();
    let mut h = harness(&f.article);
    type_a_note(&mut h, "check this");
    press(&mut h, Modifiers::NONE, Key::Escape);
    // Out of the field: keys tag again, and the note is there.
    press(&mut h, Modifiers::COMMAND, Key::S);
    assert_eq!(
        saved_note(&f.sidecar, "“peace now”").as_deref(),
        Some("check this")
    );
}

#[test]
fn esc_in_the_note_field_keeps_the_note_in_review_mode() {
    let f = fixture();
    let mut h = harness(&f.article);
    tag(&mut h, "peace now", Key::Q);
    tag(&mut h, "Dehqan", Key::E);
    press(&mut h, Modifiers::COMMAND, Key::R);
    press(&mut h, Modifiers::NONE, Key::J);
    press(&mut h, Modifiers::NONE, Key::Enter); // into the note, as the help says
    type_text(&mut h, "ask ana");
    press(&mut h, Modifiers::NONE, Key::Escape);
    press(&mut h, Modifiers::NONE, Key::J); // on to the next one
    press(&mut h, Modifiers::COMMAND, Key::S);
    let sc = sidecar::read(&f.sidecar).unwrap().expect("a sidecar").0;
    let notes: Vec<_> = sc
        .annotations
        .iter()
        .filter_map(|a| a.note.clone())
        .collect();
    assert_eq!(notes, ["ask ana"]);
}

#[test]
fn ctrl_s_while_typing_a_note_saves_the_note() {
    let f = fixture();
    let mut h = harness(&f.article);
    type_a_note(&mut h, "check this");
    press(&mut h, Modifiers::COMMAND, Key::S);
    assert_eq!(
        saved_note(&f.sidecar, "“peace now”").as_deref(),
        Some("check this")
    );
    assert!(
        h.state().state.message.starts_with("Saved"),
        "{}",
        h.state().state.message
    );
}

fn note_field(h: &Harness<'_, MarginaliaApp>) -> String {
    h.get_by_label("Note:").value().unwrap_or_default()
}

#[test]
fn the_note_field_never_shows_stale_text_after_take_theirs() {
    let f = fixture();
    let mut h = harness(&f.article);
    tag(&mut h, "Dehqan", Key::E);
    h.state_mut().save().unwrap();
    // Mine: a note typed in the editor.
    h.get_by_label("Note:").click();
    h.run();
    type_text(&mut h, "my note");
    press(&mut h, Modifiers::NONE, Key::Escape);
    // Theirs, saved meanwhile by another writer: another note.
    std::thread::sleep(std::time::Duration::from_millis(20));
    let file = marginalia::store::article_file::read_article(&f.article).unwrap();
    let mut theirs = sidecar::read(&f.sidecar).unwrap().unwrap().0.annotations;
    theirs[0].note = Some("their note".into());
    let sc = file.sidecar(theirs);
    sidecar::write_atomic(&f.sidecar, sidecar::to_string(&sc).as_bytes()).unwrap();
    h.event(egui::Event::WindowFocused(true));
    h.run();
    h.get_by_label("Merge").click();
    h.run();
    h.get_by_label("Take theirs").click();
    h.run();
    assert_eq!(note_field(&h), "their note");
    // Passing through the field writes nothing stale back.
    h.get_by_label("Note:").click();
    h.run();
    press(&mut h, Modifiers::NONE, Key::Escape);
    h.state_mut().save().unwrap();
    assert_eq!(
        saved_note(&f.sidecar, "Dehqan").as_deref(),
        Some("their note")
    );
}

fn height_of(h: &Harness<'_, MarginaliaApp>, label: &str) -> f32 {
    h.get_by_label_contains(label).rect().height()
}

#[test]
fn bigger_text_enlarges_the_side_panel_too() {
    let f = fixture();
    let mut h = harness(&f.article);
    tag(&mut h, "Dehqan", Key::E);
    let heading = height_of(&h, "Annotations (1)");
    let row = height_of(&h, "Entity · “Dehqan”");
    let note = height_of(&h, "Note:");
    for _ in 0..4 {
        press(&mut h, Modifiers::COMMAND, Key::Equals);
    }
    assert!(height_of(&h, "Annotations (1)") > heading * 1.15, "heading");
    assert!(height_of(&h, "Entity · “Dehqan”") > row * 1.15, "list row");
    assert!(height_of(&h, "Note:") > note * 1.15, "editor");
    press(&mut h, Modifiers::COMMAND, Key::Num0);
    assert_eq!(height_of(&h, "Annotations (1)"), heading);
}

#[test]
fn a_binary_file_says_why_once_and_offers_a_next_step() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("photo.txt");
    std::fs::write(&path, b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR\0\0\0\x10binary").unwrap();
    let h = harness(&path);
    let banner = h
        .get_by_label_contains("Could not open")
        .accesskit_node()
        .value()
        .unwrap_or_default();
    let reason = "NUL";
    assert!(banner.contains(reason), "{banner}");
    assert_eq!(banner.matches(reason).count(), 1, "said once: {banner}");
    // A way on: open another file.
    h.get_by_label("Open another file…");
}

#[test]
fn an_empty_file_says_so() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("empty.txt");
    std::fs::write(&path, "").unwrap();
    let h = harness(&path);
    h.get_by_label_contains("empty.txt is empty");
    h.get_by_label("Open another file…");
}

#[test]
fn a_merge_conflict_shows_the_fields_that_differ_side_by_side() {
    let dir = tempfile::tempdir().unwrap();
    let article = dir.path().join("report.txt");
    let text = "Defence minister Zakir Hasanov met the envoy.\n";
    std::fs::write(&article, text).unwrap();
    let sidecar_path = sidecar::sidecar_path(&article);
    let mut h = harness(&article);
    let start = text[..text.find("Zakir").unwrap()].chars().count();
    h.state_mut().select(CharRange::from_usize(
        start,
        start + "Zakir Hasanov".chars().count(),
    ));
    press(&mut h, Modifiers::NONE, Key::E);
    h.state_mut().save().unwrap();
    // Mine: the kind Minister, typed in the editor.
    h.get_by_label("Kind:").click();
    h.run();
    type_text(&mut h, "Minister");
    press(&mut h, Modifiers::NONE, Key::Escape);
    // Theirs, meanwhile: Politician.
    std::thread::sleep(std::time::Duration::from_millis(20));
    let file = marginalia::store::article_file::read_article(&article).unwrap();
    let mut theirs = sidecar::read(&sidecar_path).unwrap().unwrap().0.annotations;
    theirs[0].kind = Some("Politician".into());
    let sc = file.sidecar(theirs);
    sidecar::write_atomic(&sidecar_path, sidecar::to_string(&sc).as_bytes()).unwrap();
    h.event(egui::Event::WindowFocused(true));
    h.run();
    h.get_by_label("Merge").click();
    h.run();
    // The card names the field and both values, mine beside theirs.
    let kind = h.get_by_label("kind").rect();
    let mine = h.get_by_label("Minister").rect();
    let theirs = h.get_by_label("Politician").rect();
    assert!(kind.right() <= mine.left() && mine.right() <= theirs.left());
    assert!((mine.center().y - theirs.center().y).abs() < 2.0, "one row");
    h.get_by_label("mine");
    h.get_by_label("theirs");
}

/// An article with seven entities tagged, in review mode, the first selected.
fn seven_in_review(size: [f32; 2]) -> (tempfile::TempDir, Harness<'static, MarginaliaApp>) {
    let dir = tempfile::tempdir().unwrap();
    let article = dir.path().join("report.txt");
    let words = [
        "alpha", "bravo", "charlie", "delta", "echo", "foxtrot", "golf",
    ];
    let text = format!("{}.\n", words.join(" met "));
    std::fs::write(&article, &text).unwrap();
    let mut h = harness_sized(&article, size);
    for w in words {
        let start = text[..text.find(w).unwrap()].chars().count();
        h.state_mut()
            .select(CharRange::from_usize(start, start + w.len()));
        press(&mut h, Modifiers::NONE, Key::E);
    }
    press(&mut h, Modifiers::COMMAND, Key::R);
    (dir, h)
}

/// The list rows shown on screen (built, and above the editor, whose first
/// line is the selected annotation's quote).
fn rows_on_screen(h: &Harness<'_, MarginaliaApp>) -> Vec<String> {
    let selected = h.state().state.selected_annotation().unwrap().quote.clone();
    let editor_top = h.get_by_label(&format!("“{selected}”")).rect().top();
    h.query_all_by_label_contains("Entity · “")
        .filter(|n| n.rect().bottom() <= editor_top + 1.0 && n.rect().top() >= 0.0)
        .map(|n| n.accesskit_node().label().unwrap_or_default())
        .collect()
}

/// Seven entities tagged in a window `size` large, the last one selected
/// (list and editor shown), review mode off.
fn seven_tagged(size: [f32; 2]) -> (tempfile::TempDir, Harness<'static, MarginaliaApp>) {
    let (dir, mut h) = seven_in_review(size);
    press(&mut h, Modifiers::COMMAND, Key::R);
    assert!(!h.state().state.review.active);
    (dir, h)
}

/// The list rows wholly in view: below the filters, above the editor.
fn rows_in_view(h: &Harness<'_, MarginaliaApp>) -> Vec<String> {
    let filters_bottom = ["Annotations (", "Filters: ", "Author:", "rejected"]
        .into_iter()
        .flat_map(|l| h.query_all_by_label_contains(l))
        .map(|n| n.rect().bottom())
        .fold(0.0, f32::max);
    rows_on_screen(h)
        .into_iter()
        .filter(|row| h.get_by_label(row).rect().top() >= filters_bottom)
        .collect()
}

#[test]
fn a_narrow_window_keeps_five_list_rows_above_the_editor() {
    let (_dir, mut h) = seven_tagged([600.0, 400.0]);
    let rows = rows_in_view(&h);
    assert!(rows.len() >= 5, "{} rows in view: {rows:?}", rows.len());
    // The editor still shows its annotation.
    let selected = h.state().state.selected_annotation().unwrap().quote.clone();
    let quote = h.get_by_label(&format!("“{selected}”")).rect();
    assert!(quote.bottom() <= 400.0, "the editor's quote at {quote:?}");
    // The filters folded to one line that opens with a click.
    // It carries the heading too.
    h.get_by_label("Annotations (7) · showing all").click();
    h.run();
    h.query_all_by_label("Claim")
        .find(|n| n.accesskit_node().role() == egui::accesskit::Role::CheckBox)
        .expect("the Claim filter")
        .click();
    h.run();
    h.get_by_label("Annotations (7) · hiding Claim");
}

#[test]
fn the_review_list_shows_every_row_it_has_room_for() {
    let (_dir, h) = seven_in_review([1200.0, 800.0]);
    assert_eq!(rows_on_screen(&h).len(), 7, "{:?}", rows_on_screen(&h));
}

#[test]
fn stepping_through_review_keeps_the_current_row_in_view() {
    let (_dir, mut h) = seven_in_review([900.0, 520.0]);
    for _ in 0..7 {
        let current = h.state().state.selected_annotation().unwrap().quote.clone();
        let rows = rows_on_screen(&h);
        assert!(
            rows.iter().any(|r| r.contains(&format!("“{current}”"))),
            "{current} is not in view: {rows:?}"
        );
        press(&mut h, Modifiers::NONE, Key::J);
    }
}

/// Defect 4: the window at its smallest size, 600×400, with an annotation
/// selected (list and editor shown).
fn narrow_window() -> (Fixture, Harness<'static, MarginaliaApp>) {
    let f = fixture();
    let mut h = harness_sized(&f.article, [600.0, 400.0]);
    tag(&mut h, "Dehqan", Key::E);
    (f, h)
}

/// The left edge of the annotations panel.
fn side_panel_left(h: &Harness<'_, MarginaliaApp>) -> f32 {
    h.get_by_label_contains("Annotations (").rect().left() - 8.0
}

#[test]
fn a_narrow_window_gives_the_article_at_least_half_the_width() {
    let (_f, h) = narrow_window();
    assert!(
        side_panel_left(&h) >= 300.0,
        "the side panel starts at x = {}",
        side_panel_left(&h)
    );
}

#[test]
fn a_narrow_window_wraps_article_lines_before_the_side_panel() {
    let (_f, h) = narrow_window();
    let panel = side_panel_left(&h);
    let glyphs = h.state().view.painted_glyphs();
    assert!(glyphs.len() > 40, "{} glyphs drawn", glyphs.len());
    for (c, rect) in glyphs.iter().filter(|(c, _)| !c.is_whitespace()) {
        assert!(
            rect.right() <= panel,
            "{c:?} drawn at x = {}..{}, under the side panel at {panel}",
            rect.left(),
            rect.right()
        );
    }
}

/// The help overlay's title (the toolbar has a button of the same name).
fn help_title(h: &Harness<'_, MarginaliaApp>) -> egui::Rect {
    h.query_all_by_label("Keyboard shortcuts")
        .find(|n| n.accesskit_node().role() != egui::accesskit::Role::Button)
        .expect("the help overlay")
        .rect()
}

#[test]
fn the_help_overlay_fits_a_narrow_window_and_scrolls_to_its_last_row() {
    let (_f, mut h) = narrow_window();
    press(&mut h, Modifiers::NONE, Key::F1);
    // The last row of the table: the help itself.
    let last = "Keyboard shortcuts: this list";
    // The overlay's node covers the whole overlay: inside the window.
    let overlay = help_title(&h);
    assert!(
        overlay.top() >= 0.0 && overlay.bottom() <= 400.0 && overlay.right() <= 600.0,
        "the overlay at {overlay:?}"
    );
    let title = overlay;
    let first = h.get_by_label_contains(last).rect();
    assert!(
        first.bottom() > 400.0,
        "the list needs no scrolling: {first:?}"
    );
    for _ in 0..40 {
        let rect = h.get_by_label_contains(last).rect();
        if rect.bottom() <= 400.0 {
            break;
        }
        h.hover_at(title.center() + egui::vec2(0.0, 120.0));
        h.event(egui::Event::MouseWheel {
            unit: egui::MouseWheelUnit::Point,
            delta: egui::vec2(0.0, -120.0),
            modifiers: Modifiers::NONE,
            phase: egui::TouchPhase::Move,
            source: egui::MouseWheelSource::Wheel,
        });
        h.run();
    }
    let rect = h.get_by_label_contains(last).rect();
    assert!(
        rect.top() >= 0.0 && rect.bottom() <= 400.0,
        "the last row stays out of reach at {rect:?}"
    );
    assert!(rect.right() <= 600.0, "cut at the right: {rect:?}");
    let title = help_title(&h);
    assert!(title.top() >= 0.0, "title scrolled away: {title:?}");
}

/// File dialogs that answer every request with `outcome`, and count them.
struct ScriptedDialogs {
    outcome: DialogOutcome,
    asked: std::sync::Mutex<Vec<DialogRequest>>,
}

impl FileDialogs for ScriptedDialogs {
    fn show(&self, request: &DialogRequest) -> DialogOutcome {
        self.asked.lock().unwrap().push(request.clone());
        self.outcome.clone()
    }
}

/// The window on `path` with file dialogs that always answer `outcome`.
fn with_dialogs(path: &Path, outcome: DialogOutcome) -> Harness<'static, MarginaliaApp> {
    let dialogs = Arc::new(ScriptedDialogs {
        outcome,
        asked: Default::default(),
    });
    let data = tempfile::tempdir().unwrap().keep();
    let app = MarginaliaApp::with_dialogs(
        Some(path.to_owned()),
        crate::test_prefs("ana"),
        data,
        dialogs,
    );
    crate::window_harness(app, [1000.0, 700.0])
}

/// Run frames until the dialog thread's answer has been taken.
fn until_answered(
    h: &mut Harness<'_, MarginaliaApp>,
    done: impl Fn(&Harness<'_, MarginaliaApp>) -> bool,
) {
    for _ in 0..50 {
        if done(h) {
            return;
        }
        std::thread::sleep(std::time::Duration::from_millis(10));
        h.run();
    }
    panic!("no answer: {}", h.state().state.message);
}

#[test]
fn open_without_a_file_dialog_asks_for_a_typed_path() {
    let f = fixture();
    let other = f.article.with_file_name("other.txt");
    std::fs::write(&other, "Another article.\n").unwrap();
    let why = "no desktop file chooser is running (test)";
    let mut h = with_dialogs(&f.article, DialogOutcome::Unavailable(why.into()));
    press(&mut h, Modifiers::COMMAND, Key::O);
    until_answered(&mut h, |h| h.query_by_label("Open an article").is_some());
    // It says why, and starts in the article's folder.
    h.get_by_label_contains(why);
    let folder = format!("{}/", f.article.parent().unwrap().display());
    h.get_by_label("Type the path instead:");
    assert_eq!(h.state().scope(), Scope::Modal);
    // A wrong path is named, and the prompt stays.
    type_text(&mut h, "nope");
    press(&mut h, Modifiers::NONE, Key::Enter);
    h.get_by_label_contains(&format!("There is no {folder}nope"));
    assert!(h.state().state.doc.as_ref().unwrap().file.path == f.article);
    // Fixed, it opens; E typed into the field tagged nothing.
    for _ in 0..4 {
        press(&mut h, Modifiers::NONE, Key::Backspace);
    }
    type_text(&mut h, "other.txt");
    press(&mut h, Modifiers::NONE, Key::Enter);
    assert_eq!(h.state().state.doc.as_ref().unwrap().file.path, other);
    assert!(h.query_by_label("Open an article").is_none());
    assert_eq!(h.state().scope(), Scope::Article);
}

#[test]
fn save_as_and_folder_without_a_file_dialog_ask_too_and_esc_cancels() {
    let f = fixture();
    let mut h = with_dialogs(&f.article, DialogOutcome::Unavailable("none (test)".into()));
    tag(&mut h, "Dehqan", Key::E);
    press(&mut h, Modifiers::COMMAND.plus(Modifiers::SHIFT), Key::S);
    until_answered(&mut h, |h| {
        h.query_by_label("Save the sidecar as").is_some()
    });
    // The name offered is there: Enter saves under it.
    press(&mut h, Modifiers::NONE, Key::Enter);
    assert!(f.sidecar.exists(), "{}", h.state().state.message);
    h.get_by_label("File").click();
    h.run();
    h.get_by_label("Open folder…").click();
    h.run();
    until_answered(&mut h, |h| h.query_by_label("Open a folder").is_some());
    press(&mut h, Modifiers::NONE, Key::Escape);
    assert!(h.query_by_label("Open a folder").is_none());
    assert_eq!(h.state().state.message, "Nothing opened");
}

#[test]
fn a_cancelled_file_dialog_changes_nothing() {
    let f = fixture();
    let mut h = with_dialogs(&f.article, DialogOutcome::Cancelled);
    press(&mut h, Modifiers::COMMAND, Key::O);
    for _ in 0..5 {
        std::thread::sleep(std::time::Duration::from_millis(10));
        h.run();
    }
    assert!(h.query_by_label("Open an article").is_none());
    assert_eq!(h.state().state.doc.as_ref().unwrap().file.path, f.article);
    assert_eq!(h.state().scope(), Scope::Article);
}

#[test]
fn the_typed_path_prompt_replaces_its_folder_with_a_full_path_typed() {
    let f = fixture();
    let elsewhere = tempfile::tempdir().unwrap();
    let other = elsewhere.path().join("other.txt");
    std::fs::write(&other, "Another article.\n").unwrap();
    let mut h = with_dialogs(&f.article, DialogOutcome::Unavailable("none (test)".into()));
    press(&mut h, Modifiers::COMMAND, Key::O);
    until_answered(&mut h, |h| h.query_by_label("Open an article").is_some());
    let typed = other.display().to_string();
    type_text(&mut h, &typed);
    // What the field shows is what opens: the folder it started with went.
    let shown = h.get_by_label("Type the path instead:").value();
    assert_eq!(shown.as_deref(), Some(typed.as_str()));
    press(&mut h, Modifiers::NONE, Key::Enter);
    assert_eq!(h.state().state.doc.as_ref().unwrap().file.path, other);
}

#[test]
fn a_name_typed_in_the_path_prompt_is_looked_up_in_the_folder_it_names() {
    let f = fixture();
    let other = f.article.with_file_name("other.txt");
    std::fs::write(&other, "Another article.\n").unwrap();
    let mut h = with_dialogs(&f.article, DialogOutcome::Unavailable("none (test)".into()));
    press(&mut h, Modifiers::COMMAND, Key::O);
    until_answered(&mut h, |h| h.query_by_label("Open an article").is_some());
    let folder = f.article.parent().unwrap().display().to_string();
    h.get_by_label_contains(&format!("A name alone opens from {folder}"));
    type_text(&mut h, "other.txt");
    press(&mut h, Modifiers::NONE, Key::Enter);
    assert_eq!(h.state().state.doc.as_ref().unwrap().file.path, other);
}

#[test]
fn the_article_title_shows_once_in_the_text_not_again_above_it() {
    let dir = tempfile::tempdir().unwrap();
    let article = dir.path().join("dated.txt");
    let title = "Port talks stall over grain";
    std::fs::write(
        &article,
        format!("date 2026-03-14 {title}\n\nISTANBUL — Talks stalled.\n"),
    )
    .unwrap();
    let h = harness(&article);
    let drawn: String = h
        .state()
        .view
        .painted_glyphs()
        .iter()
        .map(|(c, _)| *c)
        .filter(|c| !c.is_whitespace())
        .collect();
    let compact: String = title.chars().filter(|c| !c.is_whitespace()).collect();
    assert_eq!(drawn.matches(&compact).count(), 1, "{drawn}");
    assert!(
        h.query_by_label_contains(title).is_none(),
        "the title is shown again outside the article text"
    );
}

#[test]
fn find_again_selects_the_last_query_so_typing_replaces_it() {
    let f = fixture();
    let mut h = harness(&f.article);
    for word in ["Dehqan", "Hasanov"] {
        press(&mut h, Modifiers::COMMAND, Key::F);
        type_text(&mut h, word);
        press(&mut h, Modifiers::NONE, Key::Enter);
        press(&mut h, Modifiers::NONE, Key::Escape);
        assert_eq!(h.state().find_query(), word);
        assert_eq!(h.state().state.selection, Some(char_range_of(word)));
        press(&mut h, Modifiers::NONE, Key::E);
    }
    assert_eq!(count(&h), 2);
}

#[test]
fn a_quote_with_its_own_marks_is_not_quoted_twice_when_tagged_or_linked() {
    let f = fixture();
    let mut h = harness(&f.article);
    tag(&mut h, "Dehqan", Key::E);
    // Q takes in the marks next to the selection: the quote is “peace now”.
    tag(&mut h, "peace now", Key::Q);
    assert_eq!(h.state().state.message, "Quote: “peace now”");
    press(&mut h, Modifiers::NONE, Key::L);
    h.get_by_label_contains("Who said “peace now”?");
}

/// True when the status bar (or any label) shows `text` whole.
pub(crate) fn shows(h: &Harness<'_, MarginaliaApp>, text: &str) -> bool {
    h.query_all_by_label_contains(text)
        .any(|n| n.value().as_deref() == Some(text))
}

/// Undo and redo name what they undid or redid in the status bar, the
/// quote cut short: "Undone: tag Quote “the talks would…”" (it said just
/// "Undone" and "Redone").
#[test]
fn undo_and_redo_name_what_they_undid_or_redid() {
    let f = fixture();
    let mut h = harness(&f.article);
    tag(&mut h, "the talks would go on", Key::Q);
    press(&mut h, Modifiers::COMMAND, Key::Z);
    assert_eq!(count(&h), 0);
    let undone = "Undone: tag Quote “the talks would…”";
    assert!(shows(&h, undone), "{}", h.state().state.message);
    press(&mut h, Modifiers::COMMAND | Modifiers::SHIFT, Key::Z);
    assert_eq!(count(&h), 1);
    let redone = "Redone: tag Quote “the talks would…”";
    assert!(shows(&h, redone), "{}", h.state().state.message);
    // Relabelling it (its row clicked, then C), then undoing that.
    h.get_by_label_contains("Quote · “the talks").click();
    h.run();
    press(&mut h, Modifiers::NONE, Key::C);
    press(&mut h, Modifiers::COMMAND, Key::Z);
    let relabel = "Undone: relabel Quote “the talks would…” as Claim";
    assert!(shows(&h, relabel), "{}", h.state().state.message);
}
