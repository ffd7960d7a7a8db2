//! Right-to-left text outside the article view: the tooltip's note, the
//! find box, the review card. egui's own widgets do no bidi reordering;
//! these check what the window hands them, on Persian text.
use chrono::Utc;
use eframe::egui;
use egui_kittest::Harness;
use egui_kittest::kittest::Queryable;
use marginalia::model::annotation::{Annotation, Label, Origin};
use marginalia::model::offset::CharRange;
use marginalia::window::app::MarginaliaApp;

const ARTICLE: &str = "حسین دهقان، وزیر دفاع ایران، گفت که منطقه ظرفیت بحران تازه‌ای را ندارد.\n";

/// A note long enough to wrap in a tooltip: its first and last words are
/// told apart.
const NOTE: &str = "نخستین واژه‌ی این یادداشت بلند است و بررسی‌کننده باید آن را از راست به چپ و از بالا به پایین بخواند، چنان‌که در متن نوشته شده است و هیچ سطری جابه‌جا نشود تا پایانی";

fn range_of(text: &str, word: &str) -> CharRange {
    let b = text.find(word).expect("word in text");
    let a = text[..b].chars().count();
    CharRange::from_usize(a, a + word.chars().count())
}

/// The window on [`ARTICLE`] with an entity on حسین دهقان carrying `note`.
fn window(note: &str) -> (tempfile::TempDir, Harness<'static, MarginaliaApp>) {
    let note = note.to_owned();
    let (dir, mut h) = crate::view::app_harness(ARTICLE, move |article| {
        let r = range_of(ARTICLE, "حسین دهقان");
        let mut a = Annotation::new(article, r, Label::Entity, "t", Utc::now(), Origin::Manual)
            .expect("valid range");
        a.note = Some(note.clone());
        vec![a]
    });
    marginalia::window::fonts::install(&h.ctx);
    h.run();
    (dir, h)
}

/// The text shapes the last frame drew whose text contains `marker`.
fn text_shapes(output: &egui::FullOutput, marker: &str) -> Vec<egui::epaint::TextShape> {
    fn walk(shape: &egui::Shape, marker: &str, out: &mut Vec<egui::epaint::TextShape>) {
        match shape {
            egui::Shape::Vec(shapes) => shapes.iter().for_each(|s| walk(s, marker, out)),
            egui::Shape::Text(t) if t.galley.job.text.contains(marker) => out.push(t.clone()),
            _ => {}
        }
    }
    let mut out = Vec::new();
    for clipped in &output.shapes {
        walk(&clipped.shape, marker, &mut out);
    }
    out
}

/// A long Persian note in the highlight's tooltip wraps into lines that come
/// top to bottom as written: its first words on the first line, its last
/// words on the last, and egui draws each line as handed over (it wrapped
/// the reordered text before, which put the note's end on top).
#[test]
fn a_long_persian_note_in_the_tooltip_wraps_with_its_lines_in_reading_order() {
    let (_dir, mut h) = window(NOTE);
    let rect = h.state().view.highlight_rects()[0].1;
    h.hover_at(rect.center());
    for _ in 0..10 {
        // egui shows a tooltip once the pointer has rested (0.5 s).
        h.step();
    }
    let shapes = text_shapes(h.output(), "بررسی‌کننده");
    assert_eq!(shapes.len(), 1, "the note is drawn once");
    let galley = &shapes[0].galley;
    let lines: Vec<&str> = galley.job.text.lines().collect();
    assert!(lines.len() >= 2, "the note wraps: {lines:?}");
    assert!(lines[0].contains("نخستین"), "first words first: {lines:?}");
    assert!(!lines[0].contains("پایانی"), "{lines:?}");
    assert!(lines.last().unwrap().contains("پایانی"), "{lines:?}");
    assert_eq!(galley.rows.len(), lines.len(), "egui wraps nothing more");
    let width = galley.rect.width();
    assert!(
        width <= h.ctx.global_style().spacing.tooltip_width + 1.0,
        "{width}"
    );
}

/// The find box's galley: the text shape whose text is exactly `query`.
fn find_box_galley(h: &Harness<'_, MarginaliaApp>, query: &str) -> std::sync::Arc<egui::Galley> {
    let shapes: Vec<_> = text_shapes(h.output(), query)
        .into_iter()
        .filter(|t| t.galley.job.text == query)
        .collect();
    assert_eq!(shapes.len(), 1, "the find box shows {query:?} once");
    shapes[0].galley.clone()
}

/// Types `text` into the focused field.
pub(crate) fn type_text(h: &mut Harness<'_, MarginaliaApp>, text: &str) {
    h.event(egui::Event::Text(text.to_owned()));
    h.run();
}

/// Esc leaves the note field, Ctrl+S saves: the first annotation's note
/// as the sidecar in `dir` holds it.
pub(crate) fn note_saved_after_escape(
    h: &mut Harness<'_, MarginaliaApp>,
    dir: &std::path::Path,
) -> Option<String> {
    h.key_press(egui::Key::Escape);
    h.run();
    h.key_press_modifiers(egui::Modifiers::COMMAND, egui::Key::S);
    h.run();
    let path = dir.join("report.txt");
    let sc = marginalia::store::sidecar::read(&marginalia::store::sidecar::sidecar_path(&path))
        .unwrap()
        .expect("saved")
        .0;
    sc.annotations[0].note.clone()
}

/// Issue 12's find box: a Persian query reads right to left as in the
/// article (حسین to the right of دهقان), while the caret stays a char index
/// into the query: ← moves one char back in the text, typing inserts there,
/// and Enter finds the query in the article.
#[test]
fn the_find_box_shows_persian_right_to_left_and_edits_by_char() {
    let (_dir, mut h) = window("یادداشت");
    h.key_press_modifiers(egui::Modifiers::COMMAND, egui::Key::F);
    h.run();
    type_text(&mut h, "حسین دهقن");
    let galley = find_box_galley(&h, "حسین دهقن");
    let glyphs = &galley.rows[0].row.glyphs;
    assert_eq!(
        glyphs.len(),
        "حسین دهقن".chars().count(),
        "one glyph per char"
    );
    // Each glyph sits where the caret before its char goes: in a
    // right-to-left word, at the char's right edge, so x falls along the text.
    let x: Vec<f32> = glyphs.iter().map(|g| g.pos.x).collect();
    assert!(x.windows(2).all(|w| w[0] >= w[1]), "right to left: {x:?}");
    assert!(x[0] > x[5], "حسین right of دهقن");
    // The caret after the last char is at the left end.
    assert!(
        galley.rows[0].row.size.x < x[5],
        "{:?}",
        galley.rows[0].row.size
    );

    // Fix the typo: ← once (before ن), type ا: دهقان.
    h.key_press(egui::Key::ArrowLeft);
    h.run();
    type_text(&mut h, "ا");
    assert_eq!(h.state().find_query(), "حسین دهقان");
    h.key_press(egui::Key::Enter);
    h.run();
    let doc = h.state().state.doc.as_ref().unwrap();
    let selected = h
        .state()
        .state
        .selection
        .and_then(|r| doc.file.article.slice(r));
    assert_eq!(selected, Some("حسین دهقان"));
}

/// Left x of the glyphs drawing `word` (an RTL word: letters reversed) in
/// the topmost text shape whose text contains `marker` and draws `word`.
fn word_x(h: &Harness<'_, MarginaliaApp>, marker: &str, word: &str) -> f32 {
    let want: Vec<char> = word.chars().rev().collect();
    let mut shapes = text_shapes(h.output(), marker);
    shapes.sort_by(|a, b| a.pos.y.total_cmp(&b.pos.y));
    for t in shapes {
        for row in &t.galley.rows {
            let glyphs: Vec<(char, f32)> = row
                .row
                .glyphs
                .iter()
                .filter(|g| g.advance_width > 0.0)
                .map(|g| (g.chr, t.pos.x + row.pos.x + g.pos.x))
                .collect();
            if let Some(w) = glyphs
                .windows(want.len())
                .find(|w| w.iter().map(|g| g.0).eq(want.iter().copied()))
            {
                return w[0].1;
            }
        }
    }
    panic!("{word:?} not drawn in a shape holding {marker:?}")
}

/// `first` is drawn right of `second` (a Persian line reads right to left)
/// in the shape holding `marker`.
fn reads_right_to_left(h: &Harness<'_, MarginaliaApp>, marker: &str, first: &str, second: &str) {
    let (a, b) = (word_x(h, marker, first), word_x(h, marker, second));
    assert!(
        a > b,
        "in {marker:?}: {first:?} at {a} should be right of {second:?} at {b}"
    );
}

const QUOTED: &str = "حسین دهقان گفت: «منطقه ظرفیت بحران تازه‌ای را ندارد.» سپس رفت\n";

/// The side panel and the review card show Persian in reading order: the
/// editor's title and link rows, the Link-speaker picker, the review card's
/// quote and its context (what comes before it at its right).
#[test]
fn persian_reads_right_to_left_in_the_editor_picker_and_review_card() {
    let (_dir, mut h) = crate::view::app_harness(QUOTED, |article| {
        let make = |word: &str, label: Label, id: &str| {
            let mut a = Annotation::new(
                article,
                range_of(QUOTED, word),
                label,
                "t",
                Utc::now(),
                Origin::Manual,
            )
            .expect("valid range");
            a.id = marginalia::model::annotation::AnnotationId(id.into());
            a
        };
        let mut q = make("«منطقه ظرفیت بحران تازه‌ای را ندارد.»", Label::Quote, "q");
        q.links.push(marginalia::model::annotation::Link::new(
            "speaker",
            marginalia::model::annotation::AnnotationId("e".into()),
        ));
        vec![make("حسین دهقان", Label::Entity, "e"), q]
    });
    marginalia::window::fonts::install(&h.ctx);
    h.run();
    // Select the quote with a click on its highlight.
    let rect = h
        .state()
        .view
        .highlight_rects()
        .into_iter()
        .find(|(l, _)| *l == Label::Quote)
        .expect("the quote is drawn")
        .1;
    h.hover_at(rect.center());
    h.drag_at(rect.center());
    h.drop_at(rect.center());
    h.run();
    assert!(h.state().state.selected.is_some(), "the quote is selected");
    // The editor: its title, and the link row naming the speaker.
    reads_right_to_left(&h, "«", "منطقه", "ظرفیت");
    reads_right_to_left(&h, "speaker:", "حسین", "دهقان");

    // Link speaker (L): the picker's question and its entity rows.
    h.key_press(egui::Key::L);
    h.run();
    reads_right_to_left(&h, "Who said", "منطقه", "ظرفیت");
    reads_right_to_left(&h, "10", "حسین", "دهقان");
    h.key_press(egui::Key::Escape);
    h.run();

    // Review mode: the card's quote, and its context with what comes
    // before the quote (…گفت:) to the right of the quote.
    h.key_press_modifiers(egui::Modifiers::COMMAND, egui::Key::R);
    h.run();
    while h.state().state.selected.as_ref().map(|i| i.0.as_str()) != Some("q") {
        h.key_press(egui::Key::J);
        h.run();
    }
    reads_right_to_left(&h, "«", "منطقه", "ظرفیت");
    let before = word_x(&h, "…", "گفت");
    let quote = word_x(&h, "«", "منطقه");
    assert!(
        before > quote,
        "the context before the quote is at its right: {before} vs {quote}"
    );
}

/// The editor's note field shows a Persian note in reading order, each
/// paragraph right-aligned, and keeps what is typed: a second line goes
/// below the first, and the saved note is the text as typed.
#[test]
fn a_persian_note_is_typed_in_reading_order_line_by_line() {
    let (dir, mut h) = window("");
    let rect = h.state().view.highlight_rects()[0].1;
    h.hover_at(rect.center());
    h.drag_at(rect.center());
    h.drop_at(rect.center());
    h.run();
    h.get_by_label("Note:").click();
    h.run();
    type_text(&mut h, "نخستین سطر");
    h.key_press(egui::Key::Enter);
    h.run();
    type_text(&mut h, "دومین سطر");
    let note = "نخستین سطر\nدومین سطر";
    let shapes: Vec<_> = text_shapes(h.output(), "سطر")
        .into_iter()
        .filter(|t| t.galley.job.text == note)
        .collect();
    assert_eq!(shapes.len(), 1, "the note field shows the note");
    let galley = &shapes[0].galley;
    assert_eq!(galley.rows.len(), 2);
    for row in &galley.rows {
        let x: Vec<f32> = row.row.glyphs.iter().map(|g| g.pos.x).collect();
        assert!(x.windows(2).all(|w| w[0] >= w[1]), "right to left: {x:?}");
    }
    assert!(galley.rows[1].pos.y > galley.rows[0].pos.y);
    // Right-aligned: both rows end at the field's right edge.
    let right = |r: &egui::epaint::text::PlacedRow| r.pos.x + r.row.glyphs[0].pos.x;
    assert!((right(&galley.rows[0]) - right(&galley.rows[1])).abs() < 1.0);
    // Esc leaves the field keeping the note; Ctrl+S saves it as typed.
    assert_eq!(
        note_saved_after_escape(&mut h, dir.path()).as_deref(),
        Some(note)
    );
}
