//! Mouse in right-to-left text fields (the find box, the editor's note):
//! a click puts the caret before the char it lands on, a drag selects the
//! chars between press and release (the browsers' rule, as in the article
//! view), and the selection is drawn over exactly the selected glyphs,
//! in mixed Persian / Latin / digit lines and in both drag directions.
use crate::rtl_labels::{note_saved_after_escape, type_text};
use chrono::Utc;
use eframe::egui;
use egui_kittest::Harness;
use egui_kittest::kittest::Queryable;
use marginalia::model::annotation::{Annotation, Label, Origin};
use marginalia::model::offset::CharRange;
use marginalia::window::app::MarginaliaApp;

const ARTICLE: &str = "حسین دهقان، وزیر دفاع ایران، گفت که منطقه ظرفیت بحران تازه‌ای را ندارد.\n";

/// The window on [`ARTICLE`] with one entity (on its first word), the
/// bundled Persian fonts installed.
fn window() -> (tempfile::TempDir, Harness<'static, MarginaliaApp>) {
    let (dir, mut h) = crate::view::app_harness(ARTICLE, |article| {
        let a = Annotation::new(
            article,
            CharRange::from_usize(0, 4),
            Label::Entity,
            "t",
            Utc::now(),
            Origin::Manual,
        )
        .expect("valid range");
        vec![a]
    });
    marginalia::window::fonts::install(&h.ctx);
    h.run();
    (dir, h)
}

/// A char of the Arabic script: drawn right to left.
fn is_arabic(c: char) -> bool {
    ('\u{0600}'..='\u{06FF}').contains(&c)
}

/// Where char `k` of `text` is drawn on screen, in the last frame's text
/// shape whose text is exactly `text`: each glyph of a field's galley sits
/// where the caret before its char goes (the right edge of a Persian
/// letter, the left edge of anything else here), `advance_width` wide.
fn char_rect(h: &Harness<'_, MarginaliaApp>, text: &str, k: usize) -> egui::Rect {
    let shape = field_shape(h, text);
    let mut i = 0;
    for row in &shape.galley.rows {
        let n = row.row.glyphs.len();
        if k < i + n {
            let g = &row.row.glyphs[k - i];
            let x = shape.pos.x + row.pos.x + g.pos.x;
            let left = if is_arabic(g.chr) {
                x - g.advance_width
            } else {
                x
            };
            let top = shape.pos.y + row.pos.y;
            return egui::Rect::from_min_size(
                egui::pos2(left, top),
                egui::vec2(g.advance_width, row.row.size.y),
            );
        }
        i += n + usize::from(row.ends_with_newline);
    }
    panic!("char {k} of {text:?} not drawn")
}

/// A point inside char `k` on the side where the caret before it goes
/// (`before`), or on the other side.
fn inside(h: &Harness<'_, MarginaliaApp>, text: &str, k: usize, before: bool) -> egui::Pos2 {
    let r = char_rect(h, text, k);
    let c = text.chars().nth(k).expect("char in text");
    let at_right = is_arabic(c) == before;
    let x = if at_right {
        r.right() - r.width() * 0.25
    } else {
        r.left() + r.width() * 0.25
    };
    egui::pos2(x, r.center().y)
}

/// The last frame's text shape showing exactly `text`.
fn field_shape(h: &Harness<'_, MarginaliaApp>, text: &str) -> egui::epaint::TextShape {
    fn walk(shape: &egui::Shape, text: &str, out: &mut Vec<egui::epaint::TextShape>) {
        match shape {
            egui::Shape::Vec(shapes) => shapes.iter().for_each(|s| walk(s, text, out)),
            egui::Shape::Text(t) if t.galley.job.text == text => out.push(t.clone()),
            _ => {}
        }
    }
    let mut out = Vec::new();
    for clipped in &h.output().shapes {
        walk(&clipped.shape, text, &mut out);
    }
    assert_eq!(out.len(), 1, "{text:?} is drawn once");
    out.remove(0)
}

/// The x extents (screen) of the selection drawn in the field showing
/// `text`: the quads of its galley's mesh in the selection colour.
fn drawn_selection(h: &Harness<'_, MarginaliaApp>, text: &str) -> Vec<(f32, f32)> {
    let shape = field_shape(h, text);
    let fill = h.ctx.global_style().visuals.selection.bg_fill;
    let mut spans = Vec::new();
    for row in &shape.galley.rows {
        let mesh = &row.row.visuals.mesh;
        for quad in mesh.vertices.chunks(4) {
            if quad.len() == 4 && quad.iter().all(|v| v.color == fill) {
                let xs = quad.iter().map(|v| v.pos.x);
                let min = xs.clone().fold(f32::INFINITY, f32::min);
                let max = xs.fold(f32::NEG_INFINITY, f32::max);
                let dx = shape.pos.x + row.pos.x;
                spans.push((min + dx, max + dx));
            }
        }
    }
    spans
}

fn is_selected(spans: &[(f32, f32)], x: f32) -> bool {
    spans.iter().any(|&(a, b)| a <= x && x <= b)
}

fn click(h: &mut Harness<'_, MarginaliaApp>, p: egui::Pos2) {
    h.hover_at(p);
    h.drag_at(p);
    h.run();
    h.drop_at(p);
    h.run();
}

fn drag(h: &mut Harness<'_, MarginaliaApp>, from: egui::Pos2, to: egui::Pos2) {
    h.hover_at(from);
    h.drag_at(from);
    h.run();
    for i in 1..=4 {
        h.hover_at(from + (to - from) * (i as f32 / 4.0));
        h.run();
    }
    h.drop_at(to);
    h.run();
}

/// The find box opened with `query` typed in it.
fn find_box_with(query: &str) -> (tempfile::TempDir, Harness<'static, MarginaliaApp>) {
    let (dir, mut h) = window();
    h.key_press_modifiers(egui::Modifiers::COMMAND, egui::Key::F);
    h.run();
    type_text(&mut h, query);
    assert_eq!(h.state().find_query(), query);
    (dir, h)
}

/// `text` with `with` in place of its chars `range`.
fn replaced(text: &str, range: std::ops::Range<usize>, with: &str) -> String {
    let chars: Vec<char> = text.chars().collect();
    let mut out: String = chars[..range.start].iter().collect();
    out.push_str(with);
    out.extend(&chars[range.end..]);
    out
}

const MIXED: &str = "AAA حسین 1404 دهقان BBB";

/// A click inside a Persian word of the find box puts the caret before the
/// char clicked (on the half where that caret goes) or after it (on the
/// other half), not at the word's start: typing lands there.
#[test]
fn a_click_inside_persian_in_the_find_box_puts_the_caret_where_clicked() {
    // ی is char 6: on its right half the caret goes before it.
    let (_dir, mut h) = find_box_with(MIXED);
    let p = inside(&h, MIXED, 6, true);
    click(&mut h, p);
    type_text(&mut h, "X");
    assert_eq!(h.state().find_query(), replaced(MIXED, 6..6, "X"));

    // On its left half, after it; and the same inside دهقان (ق is 16).
    let (_dir, mut h) = find_box_with(MIXED);
    let p = inside(&h, MIXED, 16, false);
    click(&mut h, p);
    type_text(&mut h, "X");
    assert_eq!(h.state().find_query(), replaced(MIXED, 17..17, "X"));

    // Inside the digits of a Persian run: 0 of 1404 is char 11.
    let (_dir, mut h) = find_box_with(MIXED);
    let p = inside(&h, MIXED, 11, true);
    click(&mut h, p);
    type_text(&mut h, "X");
    assert_eq!(h.state().find_query(), replaced(MIXED, 11..11, "X"));
}

/// A drag from Latin into Persian selects the chars between the press and
/// the release, in either direction, and the selection is drawn over those
/// glyphs only: A and the space before حسین, then ح and س at the right end
/// of حسین, with دهقان and the digits between them left undrawn.
#[test]
fn a_drag_over_latin_and_persian_in_the_find_box_selects_and_draws_exactly() {
    for forwards in [true, false] {
        let (_dir, mut h) = find_box_with(MIXED);
        // From A (char 2, left half) to ی (char 6, right half): chars 2..6.
        let (a, b) = (inside(&h, MIXED, 2, true), inside(&h, MIXED, 6, true));
        let (from, to) = if forwards { (a, b) } else { (b, a) };
        drag(&mut h, from, to);
        let spans = drawn_selection(&h, MIXED);
        for k in [2, 4, 5] {
            let x = char_rect(&h, MIXED, k).center().x;
            assert!(is_selected(&spans, x), "char {k} drawn selected: {spans:?}");
        }
        for k in [1, 6, 7, 10, 16] {
            let x = char_rect(&h, MIXED, k).center().x;
            assert!(
                !is_selected(&spans, x),
                "char {k} drawn unselected: {spans:?}"
            );
        }
        type_text(&mut h, "Z");
        assert_eq!(h.state().find_query(), replaced(MIXED, 2..6, "Z"));
    }
}

/// The note typed in the note field's tests: a Latin line, then a Persian one.
const NOTE: &str = "see 2 lines\nگفت که منطقه ظرفیت ندارد";

/// Selects the window's first annotation, clicks into its note field and
/// types `note` there.
fn type_in_note(h: &mut Harness<'static, MarginaliaApp>, note: &str) {
    let rect = h.state().view.highlight_rects()[0].1;
    click(h, rect.center());
    h.get_by_label("Note:").click();
    h.run();
    type_text(h, note);
}

/// The note field: a Persian line under a Latin one. A click inside its
/// second line puts the caret where clicked; a drag right to left inside it
/// selects what it covers; what is typed lands there and is saved.
#[test]
fn a_click_and_a_drag_in_a_persian_note_line_are_exact() {
    let (dir, mut h) = window();
    let note = NOTE;
    type_in_note(&mut h, note);
    // که: chars 16..18 (ک 16, ه 17); منطقه starts at 19.
    let p = inside(&h, note, 17, true);
    click(&mut h, p);
    type_text(&mut h, "X");
    let note = replaced(note, 17..17, "X");
    // A drag from the right half of ظ (char 26) leftwards to the left half
    // of ی (char 29): ظرفی.
    let (from, to) = (inside(&h, &note, 26, true), inside(&h, &note, 29, false));
    drag(&mut h, from, to);
    type_text(&mut h, "Y");
    let note = replaced(&note, 26..30, "Y");
    assert_eq!(
        note_saved_after_escape(&mut h, dir.path()).as_deref(),
        Some(note.as_str())
    );
}

/// A press at `p` and `events` in the same frame, then the release.
fn click_with(h: &mut Harness<'_, MarginaliaApp>, p: egui::Pos2, events: &[egui::Event]) {
    h.hover_at(p);
    h.drag_at(p);
    for e in events {
        h.event(e.clone());
    }
    h.run();
    h.drop_at(p);
    h.run();
}

fn key(key: egui::Key) -> egui::Event {
    egui::Event::Key {
        key,
        physical_key: None,
        pressed: true,
        repeat: false,
        modifiers: egui::Modifiers::NONE,
    }
}

/// A click and a typed char in the same frame (a fast typist's click): the
/// char is typed once, where the click puts the caret, as egui does in a
/// left-to-right field (the pointer first, then the keys). The bidi field
/// replayed the click on the cursor from before the frame, so egui's own
/// caret (wrong in Persian) had taken the char. The same for Backspace.
#[test]
fn a_click_and_a_key_in_the_same_frame_type_once_where_clicked() {
    // egui's own order, in a field with nothing right to left.
    let latin = "AAA BBB CCC";
    let (_dir, mut h) = find_box_with(latin);
    let p = inside(&h, latin, 5, true);
    click_with(&mut h, p, &[egui::Event::Text("X".into())]);
    assert_eq!(h.state().find_query(), replaced(latin, 5..5, "X"));

    // ی (char 6) on its right half: the caret before it.
    let (_dir, mut h) = find_box_with(MIXED);
    let p = inside(&h, MIXED, 6, true);
    click_with(&mut h, p, &[egui::Event::Text("X".into())]);
    assert_eq!(h.state().find_query(), replaced(MIXED, 6..6, "X"));
    // Typing goes on from there.
    type_text(&mut h, "Y");
    assert_eq!(h.state().find_query(), replaced(MIXED, 6..6, "XY"));

    // ق (char 16) on its left half: after it, and X goes there.
    let (_dir, mut h) = find_box_with(MIXED);
    let p = inside(&h, MIXED, 16, false);
    click_with(&mut h, p, &[egui::Event::Text("X".into())]);
    assert_eq!(h.state().find_query(), replaced(MIXED, 17..17, "X"));

    // The same click with Backspace takes ق.
    let (_dir, mut h) = find_box_with(MIXED);
    let p = inside(&h, MIXED, 16, false);
    click_with(&mut h, p, &[key(egui::Key::Backspace)]);
    assert_eq!(h.state().find_query(), replaced(MIXED, 16..17, ""));
}

/// The same in the note field, on its Persian second line (the next char
/// typed follows it), then saved.
#[test]
fn a_click_and_a_key_in_the_same_frame_in_a_persian_note_type_once() {
    let (dir, mut h) = window();
    let note = NOTE;
    type_in_note(&mut h, note);
    // ه of که is char 17: on its right half, the caret before it.
    let p = inside(&h, note, 17, true);
    click_with(&mut h, p, &[egui::Event::Text("X".into())]);
    type_text(&mut h, "Y");
    let note = replaced(note, 17..17, "XY");
    assert_eq!(
        note_saved_after_escape(&mut h, dir.path()).as_deref(),
        Some(note.as_str())
    );
}
