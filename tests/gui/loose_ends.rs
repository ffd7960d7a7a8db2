//! The window's loose ends left by issue 11 (each test named after what it
//! guards): the editor panel's height, the editor after an undo, the
//! toolbar at 600 points, and where the Link-speaker window goes.
use eframe::egui::{self, Key, Modifiers};
use egui_kittest::Harness;
use egui_kittest::kittest::Queryable;
use marginalia::model::offset::CharRange;
use marginalia::window::app::MarginaliaApp;
use std::path::PathBuf;

/// The seven names of the small-window tests' article.
pub(crate) const WORDS: [&str; 7] = [
    "alpha", "bravo", "charlie", "delta", "echo", "foxtrot", "golf",
];

/// An article of seven names in a window `size` large.
fn window(size: [f32; 2]) -> (tempfile::TempDir, PathBuf, Harness<'static, MarginaliaApp>) {
    let dir = tempfile::tempdir().unwrap();
    let article = dir.path().join("report.txt");
    std::fs::write(&article, text()).unwrap();
    let h = crate::open_window(&article, "ana", size);
    (dir, article, h)
}

/// The article: [`WORDS`] joined by ` met `.
pub(crate) fn text() -> String {
    format!("{}.\n", WORDS.join(" met "))
}

/// Where `word` is in [`text`], in chars.
pub(crate) fn range_of(word: &str) -> CharRange {
    let text = text();
    let start = text[..text.find(word).unwrap()].chars().count();
    CharRange::from_usize(start, start + word.chars().count())
}

/// A 600×400 window with each of [`WORDS`] tagged as an Entity, in review
/// mode (Ctrl+R).
fn in_review_at_600_by_400() -> (tempfile::TempDir, PathBuf, Harness<'static, MarginaliaApp>) {
    let (dir, article, mut h) = window([600.0, 400.0]);
    for w in WORDS {
        tag(&mut h, w, Key::E);
    }
    press(&mut h, Modifiers::COMMAND, Key::R);
    (dir, article, h)
}

fn press(h: &mut Harness<'_, MarginaliaApp>, modifiers: Modifiers, key: Key) {
    h.key_press_modifiers(modifiers, key);
    h.run();
}

fn tag(h: &mut Harness<'_, MarginaliaApp>, word: &str, key: Key) {
    h.state_mut().select(range_of(word));
    press(h, Modifiers::NONE, key);
}

/// The top of the editor: its first line, the selected annotation's quote.
fn editor_top(h: &Harness<'_, MarginaliaApp>) -> f32 {
    let quote = h.state().state.selected_annotation().unwrap().quote.clone();
    h.get_by_label(&format!("“{quote}”")).rect().top()
}

#[test]
fn the_editor_keeps_its_height_after_review_mode() {
    let (_dir, _article, mut h) = window([900.0, 520.0]);
    for w in WORDS {
        tag(&mut h, w, Key::E);
    }
    let before = editor_top(&h);
    press(&mut h, Modifiers::COMMAND, Key::R);
    press(&mut h, Modifiers::COMMAND, Key::R);
    assert!(!h.state().state.review.active);
    let after = editor_top(&h);
    assert!(
        (after - before).abs() < 1.0,
        "the editor began at y = {before} before review mode, at y = {after} after"
    );
}

/// Drag the editor's top edge (just above its first line) by `dy` points.
fn drag_editor_edge(h: &mut Harness<'_, MarginaliaApp>, dy: f32) {
    let quote = h.state().state.selected_annotation().unwrap().quote.clone();
    let first = h.get_by_label(&format!("“{quote}”")).rect();
    let from = egui::pos2(first.center().x, first.top() - EDGE_ABOVE_FIRST_LINE);
    let to = from + egui::vec2(0.0, dy);
    h.hover_at(from);
    h.run();
    h.drag_at(from);
    h.run();
    h.hover_at(to);
    h.run();
    h.drop_at(to);
    h.run();
}

/// The resize edge sits in the panel's margin above the editor's first line.
const EDGE_ABOVE_FIRST_LINE: f32 = 4.0;

#[test]
fn a_dragged_editor_height_survives_review_mode() {
    let (_dir, _article, mut h) = window([900.0, 520.0]);
    for w in WORDS {
        tag(&mut h, w, Key::E);
    }
    let first = editor_top(&h);
    drag_editor_edge(&mut h, 50.0);
    let dragged = editor_top(&h);
    assert!(
        (dragged - first - 50.0).abs() < 4.0,
        "dragged from y = {first} by 50, now at y = {dragged}"
    );
    press(&mut h, Modifiers::COMMAND, Key::R);
    press(&mut h, Modifiers::COMMAND, Key::R);
    let after = editor_top(&h);
    assert!(
        (after - dragged).abs() < 1.0,
        "the editor began at y = {dragged} before review mode, at y = {after} after"
    );
}

/// The mouse cursor egui asks for with the pointer at `pos`.
fn cursor_at(h: &mut Harness<'_, MarginaliaApp>, pos: egui::Pos2) -> egui::CursorIcon {
    h.hover_at(pos);
    h.run();
    h.output().platform_output.cursor_icon
}

#[test]
fn undoing_the_tag_of_the_selected_annotation_closes_the_editor() {
    let (_dir, _article, mut h) = window([900.0, 520.0]);
    tag(&mut h, "alpha", Key::E);
    tag(&mut h, "bravo", Key::E);
    let first = h.get_by_label("“bravo”").rect();
    let edge = egui::pos2(first.center().x, editor_top(&h) - EDGE_ABOVE_FIRST_LINE);
    assert_eq!(cursor_at(&mut h, edge), egui::CursorIcon::ResizeVertical);
    press(&mut h, Modifiers::COMMAND, Key::Z);
    assert_eq!(h.state().state.doc.as_ref().unwrap().annotations.len(), 1);
    assert!(
        h.state().state.selected.is_none(),
        "the editor still has its annotation"
    );
    assert_ne!(
        cursor_at(&mut h, edge),
        egui::CursorIcon::ResizeVertical,
        "an empty editor strip stayed"
    );
    // Delete now has nothing to act on: the remaining tag stays.
    press(&mut h, Modifiers::NONE, Key::Delete);
    assert_eq!(h.state().state.doc.as_ref().unwrap().annotations.len(), 1);
}

/// The toolbar's commands, as their buttons read.
const TOOLBAR: [&str; 9] = [
    "Entity (E)",
    "Claim (C)",
    "Quote (Q)",
    "Save",
    "Undo",
    "Redo",
    "Find…",
    "Review mode",
    "Keyboard shortcuts",
];

/// The toolbar at `width` points: one row of whole buttons, and the ones
/// that did not fit in its "More ▾" menu. Returns the buttons in the row.
fn toolbar_row(width: f32) -> Vec<&'static str> {
    let (_dir, _article, mut h) = window([width, 400.0]);
    let entity = h.get_by_label("Entity (E)").rect();
    let in_row: Vec<&str> = TOOLBAR
        .into_iter()
        .filter(|l| h.query_by_label(l).is_some())
        .collect();
    for label in &in_row {
        let rect = h.get_by_label(label).rect();
        assert!(
            (rect.top() - entity.top()).abs() < 1.0 && rect.left() >= 0.0 && rect.right() <= width,
            "{label} at {rect:?}, not whole on the row of Entity at {entity:?}"
        );
    }
    if in_row.len() < TOOLBAR.len() {
        let more = h.get_by_label("More ▾").rect();
        assert!(more.right() <= width && (more.top() - entity.top()).abs() < 1.0);
        h.get_by_label("More ▾").click();
        h.run();
        for label in TOOLBAR.iter().filter(|l| !in_row.contains(l)) {
            h.get_by_label(label);
        }
        h.get_by_label("Keyboard shortcuts").click();
        h.run();
        h.get_by_label_contains("this list");
    }
    in_row
}

#[test]
fn the_toolbar_keeps_one_row_at_600_points_and_the_rest_in_a_menu() {
    let wide = toolbar_row(1200.0);
    assert_eq!(wide, TOOLBAR, "a wide window shows every button");
    let narrow = toolbar_row(600.0);
    assert!(narrow.len() >= 6, "{narrow:?}");
    assert!(narrow.len() < TOOLBAR.len(), "{narrow:?}");
    let narrower = toolbar_row(420.0);
    assert!(narrower.len() < narrow.len(), "{narrower:?}");
}

/// The speaker picker's rows: its question, the entities, Cancel.
fn picker_rects(h: &Harness<'_, MarginaliaApp>) -> Vec<egui::Rect> {
    let mut rects = vec![h.get_by_label_contains("Who said ").rect()];
    rects.extend(h.query_all_by_label_contains("..").map(|n| n.rect()));
    rects.push(h.get_by_label("Cancel (Esc)").rect());
    rects
}

#[test]
fn the_speaker_picker_leaves_the_list_and_its_selected_row_in_view() {
    for size in [[1200.0, 800.0], [900.0, 520.0], [600.0, 400.0]] {
        let (_dir, _article, mut h) = window(size);
        for w in &WORDS[1..] {
            tag(&mut h, w, Key::E);
        }
        // The quote is made last: it is selected, its row in view.
        tag(&mut h, "alpha", Key::Q);
        let editor = editor_top(&h);
        press(&mut h, Modifiers::NONE, Key::L);
        let row = h.get_by_label_contains("Quote · “alpha”").rect();
        let heading = h.get_by_label_contains("Annotations (").rect();
        for rect in picker_rects(&h) {
            assert!(
                !rect.intersects(row) && !rect.intersects(heading),
                "at {size:?} the picker's {rect:?} covers the selected row {row:?} or the list's heading"
            );
            assert!(rect.top() > row.bottom(), "at {size:?}: {rect:?}");
        }
        // Picking still links (the nearest entity comes first).
        let bravo = range_of("bravo");
        h.get_by_label(&format!("bravo ({}..{})", bravo.start, bravo.end))
            .click();
        h.run();
        let doc = h.state().state.doc.as_ref().unwrap();
        let quote = doc.annotations.iter().find(|a| a.quote == "alpha").unwrap();
        let speaker = doc.annotations.get(quote.speaker().unwrap()).unwrap();
        assert_eq!(speaker.quote, "bravo", "at {size:?}");
        // The picker's few rows did not shrink the editor's place.
        assert!(
            (editor_top(&h) - editor).abs() < 1.0,
            "at {size:?} the editor began at y = {editor}, now at y = {}",
            editor_top(&h)
        );
    }
}

#[test]
fn no_list_row_is_drawn_under_the_editor_in_a_short_review_window() {
    let (_dir, _article, h) = in_review_at_600_by_400();
    let editor = editor_top(&h) - EDGE_ABOVE_FIRST_LINE;
    for row in h.query_all_by_label_contains("Entity · “") {
        let rect = row.rect();
        // A row cut by the list's bottom edge is fine; one that starts
        // below it is drawn over the editor.
        assert!(
            rect.top() < editor,
            "a list row at {rect:?} is drawn under the editor, which begins at y = {editor}"
        );
    }
}

/// At 600×400 the review bar is one row of whole buttons (short names, the
/// queue's filters in its menu) and the card leaves out the history the
/// editor shows, so the article keeps most of the window: its text begins
/// in the top 40 % (it began below the middle: three rows of bar and a
/// four-line card).
#[test]
fn review_mode_at_600_by_400_keeps_one_row_of_whole_buttons_and_room_for_the_article() {
    let (_dir, _article, mut h) = in_review_at_600_by_400();
    press(&mut h, Modifiers::NONE, Key::J);
    let buttons = [
        "◀",
        "▶",
        "Next unreviewed",
        "Accept",
        "Reject",
        "Undo",
        "Leave",
    ];
    let queue = h.get_by_label_contains("Queue: all").rect();
    let rects: Vec<egui::Rect> = buttons
        .iter()
        .map(|b| {
            // The review bar's (the toolbar has an Undo too, the editor
            // ◀ and ▶): the one nearest the queue menu's row.
            h.query_all_by_label(b)
                .map(|n| n.rect())
                .min_by(|a, b| {
                    (a.top() - queue.top())
                        .abs()
                        .total_cmp(&(b.top() - queue.top()).abs())
                })
                .unwrap_or_else(|| panic!("no {b:?} button"))
        })
        .collect();
    for (b, r) in buttons.iter().zip(&rects) {
        assert!(r.left() >= 0.0 && r.right() <= 600.0, "{b:?} is cut: {r:?}");
        assert!(
            (r.top() - rects[0].top()).abs() < 1.0,
            "{b:?} on another row: {r:?}"
        );
    }
    assert!(
        (queue.top() - rects[0].top()).abs() < 4.0,
        "the queue menu shares the row"
    );
    let top = h
        .state()
        .view
        .painted_glyphs()
        .iter()
        .map(|(_, r)| r.top())
        .fold(f32::INFINITY, f32::min);
    assert!(top < 160.0, "the article's text begins at y = {top}");

    // The queue menu still filters: Quote only (none here), then all again.
    h.get_by_label_contains("Queue: all").click();
    h.run();
    // The menu's choices: the "Claim" nearest its button, then the "any"
    // of the same row.
    let nearest = |h: &Harness<'_, MarginaliaApp>, label: &str, to: egui::Pos2| {
        h.query_all_by_label(label)
            .map(|n| n.rect().center())
            .min_by(|a, b| a.distance(to).total_cmp(&b.distance(to)))
            .unwrap_or_else(|| panic!("no {label:?}"))
    };
    let click = |h: &mut Harness<'_, MarginaliaApp>, at: egui::Pos2| {
        h.hover_at(at);
        h.drag_at(at);
        h.drop_at(at);
        h.run();
    };
    let claim = nearest(&h, "Claim", queue.center());
    click(&mut h, claim);
    h.get_by_label_contains("Queue: Claim");
    assert_eq!(h.state().state.selected, None, "no claim to review");
    let any = h
        .query_all_by_label("any")
        .map(|n| n.rect().center())
        .filter(|p| (p.y - claim.y).abs() < 2.0)
        .min_by(|a, b| a.distance(claim).total_cmp(&b.distance(claim)))
        .expect("the label row's any");
    click(&mut h, any);
    h.get_by_label_contains("Queue: all");
}

/// With bigger text (Ctrl+=, up to the largest size the View menu
/// offers) the review bar at 600 points stays one row of whole buttons:
/// what does not fit goes into its "More review ▾" menu, still a click away
/// ("Leave" dropped to a second row with the text one step bigger).
#[test]
fn the_review_bar_stays_one_row_at_600_points_with_bigger_text() {
    let (_dir, _article, mut h) = in_review_at_600_by_400();
    press(&mut h, Modifiers::NONE, Key::J);
    // (short name, whole name) of the bar's buttons.
    let buttons = [
        ("◀", "◀ Prev"),
        ("▶", "Next ▶"),
        ("Next unreviewed", "Next unreviewed"),
        ("Accept", "Accept"),
        ("Reject", "Reject"),
        ("Undo", "Undo decision"),
        ("Leave", "Leave review"),
    ];
    let mut size = h.state().state.prefs.font_size;
    let mut folded_any = false;
    loop {
        let queue = h.get_by_label_contains("Queue: all").rect();
        let on_row = |r: egui::Rect| (r.center().y - queue.center().y).abs() < 2.0;
        assert!(
            queue.right() <= 600.0,
            "at {size} pt the queue menu is cut: {queue:?}"
        );
        // The bar's (the toolbar's is "More ▾").
        let more = h
            .query_all_by_label("More review ▾")
            .map(|n| n.rect())
            .find(|&r| on_row(r));
        if let Some(r) = more {
            assert!(
                r.right() <= 600.0,
                "at {size} pt More review ▾ is cut: {r:?}"
            );
        }
        let mut folded = Vec::new();
        for (short, whole) in buttons {
            let in_bar = h
                .query_all_by_label(short)
                .map(|n| n.rect())
                .find(|&r| on_row(r));
            match in_bar {
                Some(r) => assert!(
                    r.left() >= 0.0 && r.right() <= 600.0,
                    "at {size} pt {short:?} is cut: {r:?}"
                ),
                None => folded.push(whole),
            }
        }
        if !folded.is_empty() {
            // What is not in the bar is in its More ▾ menu, whole.
            let more = more.unwrap_or_else(|| {
                panic!("at {size} pt {folded:?} are neither in the bar's row nor in More review ▾")
            });
            let toggle = |h: &mut Harness<'_, MarginaliaApp>| {
                h.query_all_by_label("More review ▾")
                    .find(|n| n.rect() == more)
                    .expect("the bar's More review ▾")
                    .click();
                h.run();
            };
            toggle(&mut h);
            for whole in &folded {
                assert!(
                    h.query_by_label(whole).is_some(),
                    "at {size} pt More review ▾ has no {whole:?}"
                );
            }
            toggle(&mut h);
            assert!(
                h.query_by_label(folded[0]).is_none(),
                "More review ▾ closed"
            );
            folded_any = true;
        }
        press(&mut h, Modifiers::COMMAND, Key::Equals);
        let bigger = h.state().state.prefs.font_size;
        if bigger == size {
            break;
        }
        size = bigger;
    }
    assert!(folded_any, "the largest text folds some buttons");
    assert!(size >= 40.0, "zoomed up to {size} pt");
    // Leave review from the bar's menu.
    let more = h.get_by_label("More review ▾").rect().center();
    h.hover_at(more);
    h.drag_at(more);
    h.drop_at(more);
    h.run();
    h.get_by_label("Leave review").click();
    h.run();
    assert!(
        !h.state().state.review.active,
        "More review ▾ → Leave review left review mode"
    );
}

/// At 600×400 the review list is about two rows high. Stepping through
/// the queue (J) scrolls it to whole rows: the selected row is whole, and
/// no row is drawn cut by the list's top edge (centring the selected row
/// left half of the one above it showing).
#[test]
fn stepping_through_a_short_review_list_shows_whole_rows_at_its_top() {
    for bigger in [0, 2] {
        let (_dir, _article, mut h) = in_review_at_600_by_400();
        // Bigger text makes the list about two rows high.
        for _ in 0..bigger {
            press(&mut h, Modifiers::COMMAND, Key::Equals);
        }
        let row_of = |h: &Harness<'_, MarginaliaApp>, word: &str| {
            h.get_by_label_contains(&format!("Entity · “{word}”"))
                .rect()
        };
        // Back to the first row: the list scrolled to its top, where its
        // first row begins.
        for _ in 0..2 * WORDS.len() {
            if h.state()
                .state
                .selected_annotation()
                .map(|a| a.quote.as_str())
                == Some("alpha")
            {
                break;
            }
            press(&mut h, Modifiers::NONE, Key::K);
        }
        assert_eq!(
            h.state().state.selected_annotation().unwrap().quote,
            "alpha"
        );
        h.run();
        let list_top = row_of(&h, "alpha").top();
        for w in &WORDS[1..] {
            press(&mut h, Modifiers::NONE, Key::J);
            h.run();
            assert_eq!(h.state().state.selected_annotation().unwrap().quote, *w);
            let editor = editor_top(&h) - EDGE_ABOVE_FIRST_LINE;
            let row = row_of(&h, w);
            assert!(
                row.top() >= list_top - 0.5 && row.bottom() <= editor,
                "{bigger} steps bigger, the selected row {w:?} at {row:?} is cut (the list runs from y = {list_top} to {editor})"
            );
            for other in h.query_all_by_label_contains("Entity · “") {
                // Built above the list's top (out of view) or wholly below it.
                let r = other.rect();
                assert!(
                    r.bottom() <= list_top || r.top() >= list_top - 0.5,
                    "{bigger} steps bigger, with {w:?} selected a row at {r:?} is cut by the list's top at y = {list_top}"
                );
            }
        }
    }
}
