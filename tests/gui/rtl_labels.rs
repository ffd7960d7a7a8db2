//! Right-to-left text outside the article view: the tooltip's note, the
//! find box, the review card. egui's own widgets do no bidi reordering;
//! these check what the window hands them, on Persian text.
use chrono::Utc;
use eframe::egui;
use egui_kittest::Harness;
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
