//! A small window with big text (600×400, Ctrl+= up to 22 pt and past
//! it): the annotation list keeps rows, the two overflow menus (the
//! toolbar's and the review bar's) are told apart, and the toolbar fits
//! its row without egui discarding frames.
use crate::loose_ends::{WORDS, range_of, text};
use chrono::Utc;
use eframe::egui::{self, Key, Modifiers};
use egui_kittest::Harness;
use egui_kittest::kittest::Queryable;
use marginalia::model::annotation::{Annotation, Label, Link, Origin};
use marginalia::model::offset::CharRange;
use marginalia::store::{article_file, sidecar};
use marginalia::window::app::MarginaliaApp;

fn press(h: &mut Harness<'_, MarginaliaApp>, modifiers: Modifiers, key: Key) {
    h.key_press_modifiers(modifiers, key);
    h.run();
}

/// A 600×400 window on seven names, each tagged as an Entity.
fn tagged_at_600_by_400() -> (tempfile::TempDir, Harness<'static, MarginaliaApp>) {
    let dir = tempfile::tempdir().unwrap();
    let article = dir.path().join("report.txt");
    std::fs::write(&article, text()).unwrap();
    let mut h = crate::open_window(&article, "ana", [600.0, 400.0]);
    for w in WORDS {
        h.state_mut().select(range_of(w));
        press(&mut h, Modifiers::NONE, Key::E);
    }
    (dir, h)
}

/// The list rows drawn whole in the window, above the editor (which shows
/// the selected annotation's quote as its first line).
fn whole_rows(h: &Harness<'_, MarginaliaApp>) -> usize {
    let editor = h
        .state()
        .state
        .selected_annotation()
        .map(|a| format!("“{}”", a.quote))
        .and_then(|q| h.query_by_label(&q).map(|n| n.rect().top()))
        .unwrap_or(f32::INFINITY);
    // Below the heading and the filters' line (one line when folded).
    let top = h
        .query_all_by_label_contains("Annotations (")
        .chain(h.query_all_by_label_contains("Filters:"))
        .map(|n| n.rect().bottom())
        .fold(0.0, f32::max);
    h.query_all_by_label_contains("Entity · “")
        .map(|n| n.rect())
        .filter(|r| r.top() >= top && r.bottom() <= editor.min(400.0))
        .count()
}

/// At 600×400 with the text made bigger step by step (Ctrl+=) up to
/// 22 pt, the annotation list keeps two whole rows, with the editor open
/// below it, in review mode too (at 22 pt in review mode it showed none:
/// the heading, the filters and the editor took its room).
#[test]
fn the_annotation_list_keeps_rows_in_a_small_window_with_big_text() {
    for review in [false, true] {
        let (_dir, mut h) = tagged_at_600_by_400();
        if review {
            press(&mut h, Modifiers::COMMAND, Key::R);
            press(&mut h, Modifiers::NONE, Key::J);
        }
        assert!(
            h.state().state.selected_annotation().is_some(),
            "the editor is open"
        );
        loop {
            let size = h.state().state.prefs.font_size;
            let rows = whole_rows(&h);
            assert!(
                rows >= 2,
                "at {size} pt (review: {review}) the list shows {rows} whole rows"
            );
            if size >= 22.0 {
                break;
            }
            press(&mut h, Modifiers::COMMAND, Key::Equals);
        }
    }
}

/// In review mode at 600×400, with the text made bigger until both the
/// toolbar and the review bar fold buttons away, the two overflow menus
/// are told apart: the toolbar's "More ▾" and the review bar's "More
/// review ▾", which holds review commands (both read "More ▾" before).
#[test]
fn the_toolbar_and_the_review_bar_overflow_menus_are_told_apart() {
    let (_dir, mut h) = tagged_at_600_by_400();
    press(&mut h, Modifiers::COMMAND, Key::R);
    press(&mut h, Modifiers::NONE, Key::J);
    let mut both = false;
    loop {
        let size = h.state().state.prefs.font_size;
        let toolbar = h.query_all_by_label("More ▾").count();
        assert!(toolbar <= 1, "at {size} pt {toolbar} menus read More ▾");
        let bar = h.query_by_label("More review ▾").map(|n| n.rect());
        if let (1, Some(bar)) = (toolbar, bar) {
            both = true;
            let top = h.get_by_label("More ▾").rect();
            assert!(
                top.bottom() <= bar.top(),
                "the toolbar's is above the bar's"
            );
            h.get_by_label("More review ▾").click();
            h.run();
            assert!(
                h.query_by_label("Undo decision").is_some(),
                "at {size} pt the bar's menu holds review commands"
            );
            h.get_by_label("More review ▾").click();
            h.run();
        }
        press(&mut h, Modifiers::COMMAND, Key::Equals);
        if h.state().state.prefs.font_size == size {
            break;
        }
    }
    assert!(both, "some text size shows both menus");
}

/// Ctrl+= again and again at 600×400: every frame is drawn in one pass.
/// The toolbar measured its buttons by drawing them and had egui discard
/// that frame each time the text size changed (a debug build logged
/// "request_discard … frames in a row"); it measures with the fonts in
/// use before laying out now, and still fits one row of whole buttons.
#[test]
fn bigger_text_never_makes_egui_discard_a_frame() {
    let (_dir, mut h) = tagged_at_600_by_400();
    for _ in 0..12 {
        h.key_press_modifiers(Modifiers::COMMAND, Key::Equals);
        for _ in 0..3 {
            h.step();
            let passes = h.output().platform_output.num_completed_passes;
            let size = h.state().state.prefs.font_size;
            assert_eq!(passes, 1, "at {size} pt a frame took {passes} passes");
        }
        let size = h.state().state.prefs.font_size;
        let entity = h.get_by_label_contains("Entity (").rect();
        for n in h
            .query_all_by_label("More ▾")
            .chain(h.query_all_by_label("Save"))
        {
            let r = n.rect();
            if (r.center().y - entity.center().y).abs() < 2.0 {
                assert!(r.right() <= 600.0, "at {size} pt {r:?} is cut");
            }
        }
    }
}

const LINKED: &str = "The Azerbaijani defense minister Zakir Hasanov said the region has no capacity for a new crisis at all.\n";

/// The side panel stays inside the window with the text made bigger up to
/// 22 pt in review mode at 600×400, the selected entity linked from a long
/// quote (its link row wraps): the filters' folded line ("Annotations (2)
/// · showing all") was as wide as its text (egui's collapsing header never
/// wraps nor cuts it) and ran past the window's right edge at 21 pt; under
/// gui-smoke the panel then grew frame by frame, its content cut at the
/// window's edge and hidden under the article at its left.
#[test]
fn the_side_panel_stays_in_a_small_window_with_big_text_and_a_long_link() {
    let dir = tempfile::tempdir().unwrap();
    let article = dir.path().join("report.txt");
    std::fs::write(&article, LINKED).unwrap();
    let range = |part: &str| {
        let start = LINKED[..LINKED.find(part).unwrap()].chars().count();
        CharRange::from_usize(start, start + part.chars().count())
    };
    let file = article_file::read_article(&article).unwrap();
    let make = |part: &str, label: Label| {
        Annotation::new(
            &file.article,
            range(part),
            label,
            "ana",
            Utc::now(),
            Origin::Manual,
        )
        .expect("valid range")
    };
    let speaker = make(
        "The Azerbaijani defense minister Zakir Hasanov",
        Label::Entity,
    );
    let mut quote = make(
        "the region has no capacity for a new crisis at all",
        Label::Quote,
    );
    quote.links.push(Link::new("speaker", speaker.id.clone()));
    let sc = file.sidecar(vec![speaker, quote]);
    sidecar::write_atomic(
        &sidecar::sidecar_path(&article),
        sidecar::to_string(&sc).as_bytes(),
    )
    .unwrap();
    let mut h = crate::open_window(&article, "ana", [600.0, 400.0]);
    // Review mode, on the entity.
    press(&mut h, Modifiers::COMMAND, Key::R);
    press(&mut h, Modifiers::NONE, Key::J);
    assert_eq!(
        h.state().state.selected_annotation().map(|a| a.label),
        Some(Label::Entity)
    );
    loop {
        let size = h.state().state.prefs.font_size;
        let link = h.get_by_label_contains("speaker of: Quote").rect();
        let heading = h.get_by_label_contains("Annotations (").rect();
        // Nothing labelled runs past the window's right edge.
        for n in h.query_all_by_label_contains("") {
            let r = n.rect();
            assert!(
                r.right() <= 600.5,
                "at {size} pt {n:?} ends at x = {}",
                r.right()
            );
        }
        assert!(
            link.right() <= 600.5 && heading.right() <= 600.5,
            "at {size} pt the side panel runs past the window: link {link:?}, heading {heading:?}"
        );
        assert!(
            link.left() >= heading.left() - 1.0,
            "at {size} pt the link starts left of the panel: {link:?} vs {heading:?}"
        );
        if size >= 22.0 {
            break;
        }
        press(&mut h, Modifiers::COMMAND, Key::Equals);
    }
}

/// Scroll the mouse wheel by `dy` points at `pos`, and run.
fn wheel_at(h: &mut Harness<'_, MarginaliaApp>, pos: egui::Pos2, dy: f32) {
    h.hover_at(pos);
    h.event(egui::Event::MouseWheel {
        unit: egui::MouseWheelUnit::Point,
        delta: egui::vec2(0.0, dy),
        modifiers: Modifiers::NONE,
        phase: egui::TouchPhase::Move,
        source: egui::MouseWheelSource::Wheel,
    });
    h.run();
}

/// Review mode at 600×400 with the text made bigger step by step up to
/// the largest size: at every size the editor of the current annotation
/// shows its quote whole, between the side panel's top and the status bar,
/// and the mouse wheel over it brings its Note field into view (its top
/// line at least, where a click goes in). From
/// 26 pt on the editor had no room at all (the list's two rows and the
/// review card took the whole side panel).
#[test]
fn review_mode_keeps_the_editor_in_a_small_window_with_big_text() {
    let (_dir, mut h) = tagged_at_600_by_400();
    press(&mut h, Modifiers::COMMAND, Key::R);
    press(&mut h, Modifiers::NONE, Key::J);
    loop {
        let size = h.state().state.prefs.font_size;
        let status = h.get_by_label("Entity 7").rect().top();
        // The side panel's edge runs from its top to its bottom.
        let panel = h.get_by_label("Resize panel").rect();
        // The editor is at the bottom of the side panel: back to its top.
        let editor = egui::pos2(panel.right() + 60.0, status - 25.0);
        wheel_at(&mut h, editor, 2000.0);
        let quote = h.get_by_label("“alpha”").rect();
        assert!(
            quote.top() >= panel.top() && quote.bottom() <= status,
            "at {size} pt the editor's quote is at {quote:?}: the panel {panel:?}, the status bar at {status}"
        );
        for _ in 0..20 {
            let note = h.get_by_label("Note:").rect();
            if note.top() <= status - 20.0 {
                break;
            }
            wheel_at(&mut h, editor, -60.0);
        }
        let note = h.get_by_label("Note:").rect();
        assert!(
            note.top() >= panel.top() && note.top() <= status - 20.0,
            "at {size} pt the note stays out of reach at {note:?}"
        );
        press(&mut h, Modifiers::COMMAND, Key::Equals);
        if h.state().state.prefs.font_size == size {
            break;
        }
    }
}
