//! Suggestions in the window: Review ▸ Suggest runs the engine in the
//! background and reports what it added; review walks the suggestions by
//! position; Shift+A accepts a quote with its speaker and cue; Shift+E
//! spreads an entity. Driven with real clicks and keys, checked on the saved
//! sidecar.
use eframe::egui::{Key, Modifiers};
use egui_kittest::Harness;
use egui_kittest::kittest::Queryable;
use marginalia::model::annotation::{Annotation, Label, Status};
use marginalia::store::sidecar;
use marginalia::window::app::MarginaliaApp;
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

const ARTICLE: &str = "Hamid Dehqan met reporters in Baku on Monday. “There is no capacity for a new crisis,” Dehqan said. \
The talks had failed, according to the ministry.\n\nIn Baku, Bakunin fans gathered.\n";

fn article(dir: &Path) -> PathBuf {
    let path = dir.join("report.txt");
    std::fs::write(&path, ARTICLE).unwrap();
    path
}

fn harness(path: &Path) -> Harness<'static, MarginaliaApp> {
    crate::open_window(path, "reviewer-ana", [1200.0, 800.0])
}

fn press(h: &mut Harness<'_, MarginaliaApp>, modifiers: Modifiers, key: Key) {
    h.key_press_modifiers(modifiers, key);
    h.run();
}

fn message(h: &Harness<'_, MarginaliaApp>) -> String {
    h.state().state.message.clone()
}

/// Click Review ▸ Suggest and let frames run until the run reports.
fn suggest_from_menu(h: &mut Harness<'_, MarginaliaApp>) -> String {
    h.get_by_label("Review").click();
    h.run();
    h.get_by_label("Suggest").click();
    h.run();
    let deadline = Instant::now() + Duration::from_secs(20);
    while h.state().state.suggest.is_running() {
        assert!(Instant::now() < deadline, "suggest did not finish");
        std::thread::sleep(Duration::from_millis(20));
        h.run();
    }
    message(h)
}

fn saved(path: &Path) -> sidecar::Sidecar {
    sidecar::read(&sidecar::sidecar_path(path))
        .unwrap()
        .expect("a sidecar")
        .0
}

fn by_quote<'a>(sc: &'a sidecar::Sidecar, quote: &str) -> &'a Annotation {
    sc.annotations
        .iter()
        .find(|a| a.quote == quote)
        .unwrap_or_else(|| panic!("no {quote:?}"))
}

fn linked<'a>(sc: &'a sidecar::Sidecar, a: &Annotation, role: &str) -> Option<&'a Annotation> {
    let l = a.links.iter().find(|l| l.role == role)?;
    sc.annotations.iter().find(|b| b.id == l.target)
}

#[test]
fn suggest_from_the_menu_adds_unreviewed_once_and_undoes_in_one_step() {
    let dir = tempfile::tempdir().unwrap();
    let path = article(dir.path());
    let mut h = harness(&path);
    let m = suggest_from_menu(&mut h);
    assert!(
        m.starts_with("Suggest (the rules): added 2 quotes, 2 speakers"),
        "{m}"
    );
    press(&mut h, Modifiers::COMMAND, Key::S);
    let sc = saved(&path);
    let q = by_quote(&sc, "“There is no capacity for a new crisis,”");
    assert_eq!((q.label, q.status), (Label::Quote, Status::Unreviewed));
    assert_eq!(q.author, "suggest");
    assert_eq!(
        linked(&sc, q, "speaker").map(|s| s.quote.as_str()),
        Some("Dehqan")
    );
    assert_eq!(
        linked(&sc, q, "cue").map(|s| s.quote.as_str()),
        Some("said")
    );
    let c = by_quote(&sc, "The talks had failed");
    assert_eq!(c.label, Label::Claim);
    assert_eq!(
        linked(&sc, c, "source").map(|s| s.quote.as_str()),
        Some("the ministry")
    );
    assert!(!sc.suggested.is_empty(), "fingerprints are saved");
    let n = sc.annotations.len();

    // Again: nothing new.
    let m = suggest_from_menu(&mut h);
    assert!(m.contains("nothing new"), "{m}");
    press(&mut h, Modifiers::COMMAND, Key::S);
    assert_eq!(saved(&path).annotations.len(), n);

    // One Ctrl+Z takes the whole run back; suggesting again then adds
    // nothing either (the fingerprints remember what was suggested).
    press(&mut h, Modifiers::COMMAND, Key::Z);
    press(&mut h, Modifiers::COMMAND, Key::S);
    assert_eq!(saved(&path).annotations.len(), 0);
    let m = suggest_from_menu(&mut h);
    assert!(m.contains("nothing new"), "{m}");
}

#[test]
fn review_walks_suggestions_by_position_and_shift_a_accepts_quote_speaker_and_cue() {
    let dir = tempfile::tempdir().unwrap();
    let path = article(dir.path());
    let mut h = harness(&path);
    suggest_from_menu(&mut h);
    press(&mut h, Modifiers::COMMAND, Key::R);
    // J from the first: every annotation, in reading order.
    let mut starts = Vec::new();
    let total = h.state().state.doc.as_ref().unwrap().annotations.len();
    for _ in 0..total {
        let s = &h.state().state;
        let id = s.selected.clone().expect("selected");
        starts.push(s.doc.as_ref().unwrap().annotations.get(&id).unwrap().start);
        press(&mut h, Modifiers::NONE, Key::J);
    }
    let mut sorted = starts.clone();
    sorted.sort();
    assert_eq!(starts, sorted, "review order is the reading order");
    // Go to the quote: K back until it is selected.
    for _ in 0..total {
        let s = &h.state().state;
        let a = s
            .doc
            .as_ref()
            .unwrap()
            .annotations
            .get(s.selected.as_ref().unwrap())
            .unwrap();
        if a.label == Label::Quote {
            break;
        }
        press(&mut h, Modifiers::NONE, Key::K);
    }
    press(&mut h, Modifiers::SHIFT, Key::A);
    // It says what it accepted (it read "Accepted 3 annotation(s): the
    // quote, its speaker and cue" on a claim and with no cue too).
    assert_eq!(
        message(&h),
        "Accepted Quote “There is no capacity f…” and what it links to: 3 annotations (U or Ctrl+Z undoes)"
    );
    press(&mut h, Modifiers::COMMAND, Key::S);
    let sc = saved(&path);
    let q = by_quote(&sc, "“There is no capacity for a new crisis,”");
    let speaker = linked(&sc, q, "speaker").unwrap();
    let cue = linked(&sc, q, "cue").unwrap();
    for a in [q, speaker, cue] {
        assert_eq!(a.status, Status::Accepted, "{:?}", a.quote);
        assert_eq!(
            a.reviews.last().map(|r| r.by.as_str()),
            Some("reviewer-ana")
        );
    }
    assert_eq!(
        by_quote(&sc, "The talks had failed").status,
        Status::Unreviewed
    );
    // One undo step takes back all three.
    press(&mut h, Modifiers::COMMAND, Key::Z);
    press(&mut h, Modifiers::COMMAND, Key::S);
    let sc = saved(&path);
    let q = by_quote(&sc, "“There is no capacity for a new crisis,”");
    assert_eq!(q.status, Status::Unreviewed);
    assert_eq!(
        linked(&sc, q, "speaker").unwrap().status,
        Status::Unreviewed
    );
    assert_eq!(linked(&sc, q, "cue").unwrap().status, Status::Unreviewed);
}

#[test]
fn shift_e_suggests_the_selected_entity_at_its_other_whole_word_occurrences() {
    let dir = tempfile::tempdir().unwrap();
    let path = article(dir.path());
    let mut h = harness(&path);
    // Tag the first “Baku” as a Location: find it, leave the box, E, kind.
    find(&mut h, "baku");
    press(&mut h, Modifiers::NONE, Key::E);
    let tagged = h
        .state()
        .state
        .selected_annotation()
        .cloned()
        .expect("tagged");
    assert_eq!((tagged.quote.as_str(), tagged.start.0), ("Baku", 30));
    press(&mut h, Modifiers::SHIFT, Key::E);
    assert!(
        message(&h).starts_with("Suggested “Baku” at 1 other occurrence(s)"),
        "{}",
        message(&h)
    );
    press(&mut h, Modifiers::COMMAND, Key::S);
    let sc = saved(&path);
    let bakus: Vec<&Annotation> = sc
        .annotations
        .iter()
        .filter(|a| a.quote == "Baku")
        .collect();
    assert_eq!(bakus.len(), 2, "the other Baku, not Bakunin");
    let other = bakus.iter().find(|a| a.id != tagged.id).unwrap();
    assert_eq!(
        (other.label, other.status),
        (Label::Entity, Status::Unreviewed)
    );
    assert_eq!(other.kind, tagged.kind);
    assert!(sc.annotations.iter().all(|a| !a.quote.contains("Bakunin")));

    // On selected text (a capital E typed with Shift), Shift+E tags as E does.
    find(&mut h, "monday");
    press(&mut h, Modifiers::SHIFT, Key::E);
    let a = h
        .state()
        .state
        .selected_annotation()
        .cloned()
        .expect("tagged");
    assert_eq!((a.quote.as_str(), a.label), ("Monday", Label::Entity));
}

/// Ctrl+F, empty the box, type `query`, Enter, Esc: the first match is selected.
fn find(h: &mut Harness<'_, MarginaliaApp>, query: &str) {
    press(h, Modifiers::COMMAND, Key::F);
    for _ in 0..12 {
        press(h, Modifiers::NONE, Key::Backspace);
    }
    for c in query.chars() {
        if let Some(key) = Key::from_name(&c.to_ascii_uppercase().to_string()) {
            h.key_press(key);
        }
        h.event(eframe::egui::Event::Text(c.to_string()));
        h.run();
    }
    press(h, Modifiers::NONE, Key::Enter);
    press(h, Modifiers::NONE, Key::Escape);
}

/// A suggester script in `dir` that reads its input and answers one Entity
/// over `start..end`, of kind `kind`.
fn answer_script(dir: &Path, name: &str, (start, end): (usize, usize), kind: &str) {
    std::fs::write(
        dir.join(name),
        format!(
            "cat > /dev/null\nprintf '%s\\n' '{{\"spans\": [{{\"start\": {start}, \"end\": {end}, \"label\": \"Entity\", \"kind\": \"{kind}\"}}]}}'\n"
        ),
    )
    .unwrap();
}

fn run_offered(h: &mut Harness<'_, MarginaliaApp>, name: &str) {
    h.get_by_label("Review").click();
    h.run();
    h.get_by_label("Suggest with…").click();
    h.run();
    h.get_by_label(name).click();
    h.run();
}

fn wait_for_run(h: &mut Harness<'_, MarginaliaApp>) -> String {
    let deadline = Instant::now() + Duration::from_secs(20);
    while h.state().state.suggest.is_running() {
        assert!(Instant::now() < deadline, "suggest did not finish");
        std::thread::sleep(Duration::from_millis(20));
        h.run();
    }
    message(h)
}

#[cfg(unix)]
#[test]
fn a_folder_suggester_runs_only_once_confirmed_for_this_version_of_its_file() {
    let dir = tempfile::tempdir().unwrap();
    let path = article(dir.path());
    answer_script(dir.path(), "answer.sh", (0, 5), "Person");
    let schema = dir.path().join("marginalia.ron");
    std::fs::write(
        &schema,
        "(suggesters: {\"folder model\": \"sh answer.sh\"})\n",
    )
    .unwrap();
    let mine = dir.path().join("mine");
    std::fs::create_dir(&mine).unwrap();
    answer_script(&mine, "mine.sh", (30, 34), "Location");
    let data = tempfile::tempdir().unwrap().keep();
    let mut prefs = crate::test_prefs("reviewer-ana");
    prefs.suggesters = vec![marginalia::window::prefs::NamedSuggester {
        name: "my model".into(),
        command: format!("sh {}", mine.join("mine.sh").display()),
        timeout_s: marginalia::window::prefs::DEFAULT_TIMEOUT_S,
    }];
    let app = MarginaliaApp::new_for_test(Some(&path), prefs, data);
    let mut h = crate::window_harness(app, [1200.0, 800.0]);

    // The folder's command: shown, and declined, runs nothing.
    run_offered(&mut h, "folder model");
    h.get_by_label("sh answer.sh");
    h.get_by_label("Don’t run").click();
    h.run();
    assert!(message(&h).contains("not run"), "{}", message(&h));
    assert!(!h.state().state.suggest.is_running());
    assert_eq!(h.state().state.doc.as_ref().unwrap().annotations.len(), 0);

    // Asked again (a refusal is not remembered); run once confirmed.
    run_offered(&mut h, "folder model");
    h.get_by_label("Run it").click();
    h.run();
    let m = wait_for_run(&mut h);
    assert!(m.starts_with("Suggest (folder model): added"), "{m}");
    press(&mut h, Modifiers::COMMAND, Key::S);
    let sc = saved(&path);
    let hamid = by_quote(&sc, "Hamid");
    assert_eq!(hamid.kind.as_deref(), Some("Person"));
    assert!(matches!(&hamid.origin,
        marginalia::model::annotation::Origin::Imported { source, format }
            if source == "sh answer.sh" && format == "suggest"));

    // Remembered for this file: the next run asks nothing.
    run_offered(&mut h, "folder model");
    assert!(
        h.query_by_label("Run it").is_none(),
        "no second confirmation"
    );
    let m = wait_for_run(&mut h);
    assert!(m.contains("nothing new"), "{m}");

    // The user's own suggester never asks.
    run_offered(&mut h, "my model");
    assert!(h.query_by_label("Run it").is_none());
    let m = wait_for_run(&mut h);
    assert!(m.starts_with("Suggest (my model): added"), "{m}");
    press(&mut h, Modifiers::COMMAND, Key::S);
    assert_eq!(
        by_quote(&saved(&path), "Baku").kind.as_deref(),
        Some("Location")
    );

    // A changed file asks again.
    std::fs::write(
        &schema,
        "// changed\n(suggesters: {\"folder model\": \"sh answer.sh\"})\n",
    )
    .unwrap();
    h.state_mut().state.open(&path);
    h.run();
    run_offered(&mut h, "folder model");
    h.get_by_label("Run it");
    press(&mut h, Modifiers::NONE, Key::Escape);
    assert!(h.state().state.suggest.dialog.is_none());
}

#[cfg(unix)]
#[test]
fn a_folder_suggester_runs_with_the_time_limit_its_file_gives() {
    let dir = tempfile::tempdir().unwrap();
    let path = article(dir.path());
    std::fs::write(
        dir.path().join("marginalia.ron"),
        "(suggesters: {\"slow model\": (command: \"sleep 60\", timeout_s: 1)})\n",
    )
    .unwrap();
    let mut h = harness(&path);
    run_offered(&mut h, "slow model");
    // The confirmation says how long it may run.
    h.get_by_label("It is stopped if it runs longer than 1 s.");
    h.get_by_label("Run it").click();
    h.run();
    // Stopped at the file's limit, not the default 120 s (the wait gives
    // up after 20 s).
    let m = wait_for_run(&mut h);
    assert!(m.contains("did not finish within 1 s"), "{m}");
}

/// Issue 13: a quote whose speaker is a pronoun names who the pronoun
/// stands for, in the list row, the tooltip and the review card:
/// "— he (Dehqan)".
#[test]
fn a_pronoun_speaker_reads_he_and_the_name_in_list_tooltip_and_review() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("report.txt");
    std::fs::write(
        &path,
        "Hamid Dehqan met reporters in Baku on Monday. “There is no capacity for a new crisis,” he said.\n",
    )
    .unwrap();
    let mut h = harness(&path);
    let m = suggest_from_menu(&mut h);
    assert!(m.contains("added 1 quotes"), "{m}");
    press(&mut h, Modifiers::COMMAND, Key::S);
    let sc = saved(&path);
    let q = by_quote(&sc, "“There is no capacity for a new crisis,”");
    let he = linked(&sc, q, "speaker").expect("a speaker");
    assert_eq!(he.quote, "he");
    let name = linked(&sc, he, "refers-to")
        .expect("resolved")
        .quote
        .clone();
    assert!(name.contains("Dehqan"), "{name}");
    let reads = format!("— he ({name})");

    // The list row.
    // The quote cut short keeps its closing mark.
    let row = format!("…” {reads} · suggest");
    let rows = h.query_all_by_label_contains(&row).count();
    assert_eq!(rows, 1, "no list row reads {reads:?}");

    // The tooltip over the quote's highlight.
    let rect = h
        .state()
        .view
        .highlight_rects()
        .into_iter()
        .find(|(l, _)| *l == Label::Quote)
        .expect("the quote is drawn")
        .1;
    h.hover_at(rect.center());
    for _ in 0..10 {
        // egui shows a tooltip once the pointer has rested (0.5 s).
        h.step();
    }
    h.get_by_label(&reads);

    // The review card.
    press(&mut h, Modifiers::COMMAND, Key::R);
    while h.state().state.selected.as_ref() != Some(&q.id) {
        press(&mut h, Modifiers::NONE, Key::J);
    }
    assert!(h.query_all_by_label(&reads).count() >= 1, "review card");
}
