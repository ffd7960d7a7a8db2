//! Corpus mode, re-anchoring on open, orphans and a second writer, driven
//! headless through egui_kittest. Every test writes its own fixtures.
use eframe::egui::{self, Key, Modifiers};
use egui_kittest::Harness;
use egui_kittest::kittest::Queryable;
use marginalia::model::annotation::{AnchorState, Annotation, Label, Origin};
use marginalia::model::offset::CharRange;
use marginalia::store::article_file;
use marginalia::store::sidecar::{self, DiskState};
use marginalia::window::app::MarginaliaApp;
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

fn harness(path: &Path) -> Harness<'static, MarginaliaApp> {
    crate::open_window(path, "tester", [1400.0, 800.0])
}

/// Char range of the first `needle` in `text` (counting chars, not bytes).
fn range_of(text: &str, needle: &str) -> CharRange {
    let byte = text.find(needle).unwrap();
    let start = text[..byte].chars().count();
    CharRange::from_usize(start, start + needle.chars().count())
}

/// Write `text` to `path` and a sidecar with one annotation per needle.
fn write_annotated(path: &Path, text: &str, needles: &[(&str, Label)]) -> Vec<Annotation> {
    std::fs::write(path, text).unwrap();
    let file = article_file::read_article(path).unwrap();
    let anns: Vec<Annotation> = needles
        .iter()
        .map(|(n, label)| {
            Annotation::new(
                &file.article,
                range_of(text, n),
                *label,
                "ana",
                chrono::Utc::now(),
                Origin::Manual,
            )
            .unwrap()
        })
        .collect();
    let sc = file.sidecar(anns.clone());
    sidecar::save(&sidecar::sidecar_path(path), &sc, &DiskState::Absent).unwrap();
    anns
}

/// An article whose one Claim's sentence was then rewritten on disk: the
/// Claim is orphaned when the article opens. Returns the folder (kept alive),
/// the article's path and its new text.
fn orphaned_claim() -> (tempfile::TempDir, PathBuf, String) {
    let dir = tempfile::tempdir().unwrap();
    let article = dir.path().join("report.txt");
    write_annotated(
        &article,
        OLD,
        &[("Observers were not surprised.", Label::Claim)],
    );
    let new = OLD.replace("Observers were not surprised.", "Zq xv wk jj.");
    std::fs::write(&article, &new).unwrap();
    (dir, article, new)
}

fn wait_for_scan(h: &mut Harness<'_, MarginaliaApp>) {
    let start = Instant::now();
    while h.state().state.corpus.is_scanning() || h.state().state.corpus.items.is_empty() {
        assert!(
            start.elapsed() < Duration::from_secs(20),
            "scan never ended"
        );
        std::thread::sleep(Duration::from_millis(20));
        h.run();
    }
    h.run();
}

fn current(h: &Harness<'_, MarginaliaApp>) -> PathBuf {
    h.state().state.doc.as_ref().unwrap().file.path.clone()
}

fn saved(path: &Path) -> Vec<Annotation> {
    sidecar::read(&sidecar::sidecar_path(path))
        .unwrap()
        .unwrap()
        .0
        .annotations
}

/// Every saved annotation sits on its quote in the article on disk.
fn assert_exact_on_disk(article: &Path) {
    let text = std::fs::read_to_string(article).unwrap();
    let chars: Vec<char> = text.chars().collect();
    for a in saved(article) {
        let got: String = chars[a.start.0..a.end.0].iter().collect();
        assert_eq!(got, a.quote, "{} sits on its quote", a.id);
    }
}

#[test]
fn folder_lists_articles_with_counts_and_steps_through_them() {
    let dir = tempfile::tempdir().unwrap();
    let a = dir.path().join("a.txt");
    let b = dir.path().join("b.txt");
    let c = dir.path().join("c.txt");
    write_annotated(
        &a,
        "Dehqan met Hasanov in Baku.\n",
        &[("Dehqan", Label::Entity), ("Hasanov", Label::Entity)],
    );
    write_annotated(
        &b,
        "The talks ended.\n",
        &[("The talks ended", Label::Claim)],
    );
    std::fs::write(&c, "Nothing here yet.\n").unwrap();

    let mut h = harness(dir.path());
    wait_for_scan(&mut h);
    let items = h.state().state.corpus.items.clone();
    assert_eq!(items.len(), 3);
    assert_eq!(
        items.iter().map(|s| s.total()).collect::<Vec<_>>(),
        [2, 1, 0]
    );
    assert_eq!(items[0].count(Label::Entity), 2);
    // The rows show the counts.
    h.get_by_label_contains("E2 C0 Q0");
    h.get_by_label_contains("E0 C1 Q0");
    h.get_by_label_contains("3 of 3 articles");
    // The first article opened by itself; Alt+→ goes to the next.
    assert_eq!(current(&h), a);
    h.key_press_modifiers(Modifiers::ALT, Key::ArrowRight);
    h.run();
    assert_eq!(current(&h), b);
    h.key_press_modifiers(Modifiers::COMMAND, Key::PageUp);
    h.run();
    assert_eq!(current(&h), a);
    h.key_press_modifiers(Modifiers::COMMAND | Modifiers::ALT, Key::ArrowRight);
    h.run();
    assert_eq!(current(&h), c, "next without annotations");
    // Clicking a row opens it.
    h.get_by_label_contains("E0 C1 Q0").click();
    h.run();
    assert_eq!(current(&h), b);

    // Filtering narrows the list.
    h.state_mut().state.corpus.filter = "c.t".into();
    h.run();
    h.get_by_label_contains("1 of 3 articles");
}

#[test]
fn saving_updates_the_list() {
    let dir = tempfile::tempdir().unwrap();
    let a = dir.path().join("a.txt");
    std::fs::write(&a, "Dehqan met Hasanov.\n").unwrap();
    std::fs::write(dir.path().join("b.txt"), "Other.\n").unwrap();
    let mut h = harness(dir.path());
    wait_for_scan(&mut h);
    assert_eq!(current(&h), a);
    h.state_mut()
        .select(range_of("Dehqan met Hasanov.\n", "Hasanov"));
    h.key_press(Key::E);
    h.run();
    h.state_mut().save().unwrap();
    h.run();
    assert_eq!(h.state().state.corpus.items[0].total(), 1);
    h.get_by_label_contains("E1 C0 Q0");
}

const OLD: &str = "Tehran, Monday. The talks in Baku ended without a deal, said the minister.\n\n\
Observers were not surprised. Dehqan met Hasanov twice before the summit.\n";

#[test]
fn edited_article_is_reanchored_on_open() {
    let dir = tempfile::tempdir().unwrap();
    let article = dir.path().join("report.txt");
    write_annotated(
        &article,
        OLD,
        &[("Dehqan", Label::Entity), ("talks in Baku", Label::Claim)],
    );
    // A paragraph inserted before every span.
    let new = format!("Editor's note: «updated» 👋 after publication.\n\n{OLD}");
    std::fs::write(&article, &new).unwrap();

    let mut h = harness(&article);
    // "Dehqan" has both contexts intact, once: certain, exact. "talks in
    // Baku"'s prefix began the text, which it no longer does: Moved.
    h.get_by_label_contains(
        "Article changed since last save: exact 1, moved 1, fuzzy 0, orphaned 0",
    );
    // Moved spans are flagged for review.
    assert_eq!(h.query_all_by_label_contains("· Moved").count(), 1);
    h.state_mut().save().unwrap();
    assert_exact_on_disk(&article);
    let anns = saved(&article);
    let dehqan = anns.iter().find(|a| a.quote == "Dehqan").unwrap();
    assert_eq!(dehqan.range(), range_of(&new, "Dehqan"));
    assert_eq!(dehqan.anchor, AnchorState::Exact);
    let baku = anns.iter().find(|a| a.quote == "talks in Baku").unwrap();
    assert_eq!(baku.range(), range_of(&new, "talks in Baku"));
    assert_eq!(baku.anchor, AnchorState::Moved);
    // Confirming makes it exact.
    h.get_all_by_label("Confirm").next().unwrap().click();
    h.run();
    h.state_mut().save().unwrap();
    let exact = saved(&article)
        .iter()
        .filter(|a| a.anchor == AnchorState::Exact)
        .count();
    assert_eq!(exact, 2);
}

#[test]
fn orphan_is_reattached_to_the_selection() {
    let (_dir, article, new) = orphaned_claim();

    let mut h = harness(&article);
    h.get_by_label_contains("orphaned 1");
    h.get_by_label_contains("· Orphaned"); // listed in the attention panel
    assert!(
        h.query_all_by_label_contains("“Observers were not surprised.”")
            .count()
            >= 1
    );
    let target = range_of(&new, "Dehqan met Hasanov twice");
    h.state_mut().select(target);
    h.run();
    h.get_by_label("Re-attach to selection").click();
    h.run();
    h.state_mut().save().unwrap();
    let anns = saved(&article);
    assert_eq!(anns.len(), 1, "never dropped");
    assert_eq!(anns[0].anchor, AnchorState::Exact);
    assert_eq!(anns[0].range(), target);
    assert_eq!(anns[0].quote, "Dehqan met Hasanov twice");
    assert_exact_on_disk(&article);
    assert!(h.query_by_label_contains("· Orphaned").is_none());
}

#[test]
fn another_writer_refuses_save_and_merge_keeps_both() {
    let dir = tempfile::tempdir().unwrap();
    let article = dir.path().join("report.txt");
    write_annotated(&article, OLD, &[("Dehqan", Label::Entity)]);
    let mut h = harness(&article);
    // Mine: a new claim.
    h.state_mut().select(range_of(OLD, "talks in Baku"));
    h.key_press(Key::C);
    h.run();
    // Theirs: another writer adds an entity and saves.
    std::thread::sleep(Duration::from_millis(20));
    let file = article_file::read_article(&article).unwrap();
    let mut theirs = saved(&article);
    theirs.push(
        Annotation::new(
            &file.article,
            range_of(OLD, "Hasanov"),
            Label::Entity,
            "other",
            chrono::Utc::now(),
            Origin::Manual,
        )
        .unwrap(),
    );
    let sc = file.sidecar(theirs);
    sidecar::write_atomic(
        &sidecar::sidecar_path(&article),
        sidecar::to_string(&sc).as_bytes(),
    )
    .unwrap();

    assert!(h.state_mut().save().is_err(), "never overwrite blindly");
    assert_eq!(saved(&article).len(), 2, "their file untouched");
    h.run();
    h.get_by_label("Merge").click();
    h.run();
    h.state_mut().save().unwrap();
    let mut quotes: Vec<String> = saved(&article)
        .into_iter()
        .map(|a| a.quote.to_string())
        .collect();
    quotes.sort();
    assert_eq!(quotes, ["Dehqan", "Hasanov", "talks in Baku"]);
}

#[test]
fn merge_conflict_is_shown_and_resolved_as_theirs() {
    let dir = tempfile::tempdir().unwrap();
    let article = dir.path().join("report.txt");
    write_annotated(&article, OLD, &[("Dehqan", Label::Entity)]);
    let mut h = harness(&article);
    // Mine: relabel it Quote.
    let id = h.state().state.doc.as_ref().unwrap().annotations.as_slice()[0]
        .id
        .clone();
    h.state_mut().state.selected = Some(id);
    h.key_press(Key::Q);
    h.run();
    // Theirs: a note on the same annotation.
    std::thread::sleep(Duration::from_millis(20));
    let file = article_file::read_article(&article).unwrap();
    let mut theirs = saved(&article);
    theirs[0].note = Some("their note".into());
    let sc = file.sidecar(theirs);
    sidecar::write_atomic(
        &sidecar::sidecar_path(&article),
        sidecar::to_string(&sc).as_bytes(),
    )
    .unwrap();
    // The probe on focus gain notices it.
    h.event(egui::Event::WindowFocused(true));
    h.run();
    h.get_by_label("Merge").click();
    h.run();
    h.get_by_label_contains("their note");
    h.state_mut().save().unwrap();
    assert!(saved(&article)[0].conflict.is_some(), "kept for a decision");
    h.get_by_label("Take theirs").click();
    h.run();
    h.state_mut().save().unwrap();
    let a = &saved(&article)[0];
    assert!(a.conflict.is_none());
    assert_eq!(a.note.as_deref(), Some("their note"));
    assert_eq!(a.label, Label::Entity);
}

#[test]
fn article_changed_while_open_is_reloaded_and_reanchored() {
    let dir = tempfile::tempdir().unwrap();
    let article = dir.path().join("report.txt");
    write_annotated(&article, OLD, &[("Dehqan", Label::Entity)]);
    let mut h = harness(&article);
    std::thread::sleep(Duration::from_millis(20));
    let new = format!("New lead paragraph.\n\n{OLD}");
    std::fs::write(&article, &new).unwrap();
    h.event(egui::Event::WindowFocused(true));
    h.run();
    h.get_by_label("Reload and re-anchor").click();
    h.run();
    h.get_by_label_contains("Article changed since last save");
    h.state_mut().save().unwrap();
    assert_eq!(saved(&article)[0].range(), range_of(&new, "Dehqan"));
    assert_exact_on_disk(&article);
}

/// An orphan (its quote gone from the edited article) is listed, not drawn:
/// its highlight sat at its stale offsets over the words now there (seen
/// under gui-smoke: "Zakir Hasanov" orphaned, "efense Minist" highlighted).
/// Re-attached, it is drawn again, where it now is.
#[test]
fn an_orphan_is_not_drawn_over_the_words_at_its_old_offsets() {
    let (_dir, article, new) = orphaned_claim();
    let mut h = harness(&article);
    h.get_by_label_contains("orphaned 1");
    let drawn = h.state().view.highlight_rects();
    assert!(drawn.is_empty(), "the orphan is drawn at {drawn:?}");
    h.state_mut()
        .select(range_of(&new, "Dehqan met Hasanov twice"));
    h.run();
    h.get_by_label("Re-attach to selection").click();
    h.run();
    h.state_mut().select(CharRange::from_usize(0, 0));
    h.run();
    let drawn = h.state().view.highlight_rects();
    assert!(!drawn.is_empty(), "re-attached, it is drawn");
}
