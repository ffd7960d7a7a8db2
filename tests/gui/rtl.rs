//! Right-to-left text in the article view, with the bundled Arabic and
//! Hebrew fonts (a missing glyph fails the test): words in visual order,
//! highlights over their own glyphs, drags that select what a reader sees
//! (the browsers' rule: the logical range between the char under the press
//! and the char under the release), double clicks and edge moves.
//!
//! Glyph positions come from egui's own glyphs (`painted_glyphs`), so they
//! check the view's glyph map rather than repeat it. An RTL word's glyphs
//! come in visual order: its letters reversed.

use chrono::Utc;
use eframe::egui::{self, Pos2, Rect};
use egui_kittest::Harness;
use marginalia::model::annotation::{Annotation, AnnotationId, Annotations, Label, Origin};
use marginalia::model::document::Article;
use marginalia::model::filter::Filter;
use marginalia::model::offset::CharRange;
use marginalia::window::article_view::{ArticleView, ViewInput, ViewOutput};
use marginalia::window::palette::Palette;

struct State {
    view: ArticleView,
    article: Article,
    annotations: Annotations,
    palette: Palette,
    filter: Filter,
    snap: bool,
    outputs: Vec<ViewOutput>,
    fonts_ready: bool,
}

fn harness(text: &str, spans: &[(&str, Label)], snap: bool) -> Harness<'static, State> {
    let article = Article::new(text.to_owned());
    let annotations = spans
        .iter()
        .enumerate()
        .map(|(i, (word, label))| {
            let r = range_of(text, word);
            let mut a = Annotation::new(&article, r, *label, "t", Utc::now(), Origin::Manual)
                .expect("valid range");
            a.id = AnnotationId(format!("a{i}"));
            a
        })
        .collect();
    let state = State {
        view: ArticleView::new(),
        article,
        annotations: Annotations::from_vec(annotations),
        palette: Palette::for_dark_mode(false),
        filter: Filter::default(),
        snap,
        outputs: Vec::new(),
        fonts_ready: false,
    };
    let mut h = Harness::builder()
        .with_size(egui::vec2(700.0, 400.0))
        .with_step_dt(1.0 / 60.0)
        .build_ui_state(
            |ui, s: &mut State| {
                if !s.fonts_ready {
                    marginalia::window::fonts::install(ui.ctx());
                    s.fonts_ready = true;
                    ui.ctx().request_repaint();
                    return;
                }
                let input = ViewInput {
                    article: &s.article,
                    annotations: &s.annotations,
                    selection: None,
                    selected_annotation: None,
                    palette: &s.palette,
                    filter: &s.filter,
                    snap_to_words: s.snap,
                    font_size: 16.0,
                };
                let out = s.view.ui(ui, &input);
                if out != ViewOutput::default() {
                    s.outputs.push(out);
                }
            },
            state,
        );
    h.run();
    h
}

/// Char range of the first `word` in `text`, counted in chars.
fn range_of(text: &str, word: &str) -> CharRange {
    let b = text.find(word).expect("word in text");
    let a = text[..b].chars().count();
    CharRange::from_usize(a, a + word.chars().count())
}

/// Screen rects of the glyphs drawing `word` (RTL words: letters reversed).
fn glyphs_of(h: &Harness<'_, State>, word: &str, rtl: bool) -> Vec<Rect> {
    let glyphs: Vec<(char, Rect)> = h
        .state()
        .view
        .painted_glyphs()
        .into_iter()
        .filter(|(_, r)| r.width() > 0.0)
        .collect();
    let mut want: Vec<char> = word.chars().filter(|c| *c != '\u{200C}').collect();
    if rtl {
        want.reverse();
    }
    (0..glyphs.len().saturating_sub(want.len() - 1))
        .find(|&i| {
            glyphs[i..i + want.len()]
                .iter()
                .map(|g| g.0)
                .eq(want.iter().copied())
        })
        .map(|i| glyphs[i..i + want.len()].iter().map(|g| g.1).collect())
        .unwrap_or_else(|| panic!("{word:?} not drawn: {glyphs:?}"))
}

fn span_x(rects: &[Rect]) -> (f32, f32) {
    let r = rects.iter().fold(Rect::NOTHING, |a, b| a.union(*b));
    (r.left(), r.right())
}

fn drag(h: &mut Harness<'_, State>, from: Pos2, to: Pos2) {
    h.hover_at(from);
    h.run();
    h.drag_at(from);
    h.run();
    for k in 1..=4 {
        h.hover_at(from + (to - from) * (k as f32 / 4.0));
        h.run();
    }
    h.drop_at(to);
    h.run();
}

fn selected(h: &Harness<'_, State>) -> String {
    let range = h
        .state()
        .outputs
        .iter()
        .rev()
        .find_map(|o| o.selection)
        .flatten()
        .expect("a selection is reported");
    h.state().article.slice(range).unwrap().to_owned()
}

/// The highlight of the label `label`, as one x-extent.
fn highlight_x(h: &Harness<'_, State>, label: Label) -> (f32, f32) {
    let rects: Vec<Rect> = h
        .state()
        .view
        .highlight_rects()
        .into_iter()
        .filter(|(l, _)| *l == label)
        .map(|(_, r)| r)
        .collect();
    assert!(!rects.is_empty(), "a {label:?} highlight is drawn");
    span_x(&rects)
}

fn assert_close(a: (f32, f32), b: (f32, f32), what: &str) {
    assert!(
        (a.0 - b.0).abs() <= 1.0 && (a.1 - b.1).abs() <= 1.0,
        "{what}: {a:?} vs {b:?}"
    );
}

const LINE: &str = "AAA حسین دهقان BBB";

#[test]
fn persian_words_in_an_english_line_are_drawn_right_to_left() {
    let h = harness(LINE, &[], true);
    let hossein = span_x(&glyphs_of(&h, "حسین", true));
    let dehghan = span_x(&glyphs_of(&h, "دهقان", true));
    let aaa = span_x(&glyphs_of(&h, "AAA", false));
    let bbb = span_x(&glyphs_of(&h, "BBB", false));
    assert!(
        hossein.0 >= dehghan.1,
        "حسین {hossein:?} right of دهقان {dehghan:?}"
    );
    assert!(
        aaa.1 <= dehghan.0 && hossein.1 <= bbb.0,
        "the run sits between AAA and BBB"
    );
}

#[test]
fn a_highlight_on_a_persian_word_covers_exactly_its_glyphs() {
    let h = harness(LINE, &[("دهقان", Label::Entity)], true);
    let glyphs = span_x(&glyphs_of(&h, "دهقان", true));
    assert_close(highlight_x(&h, Label::Entity), glyphs, "highlight on دهقان");
    // Not over حسین.
    let hossein = span_x(&glyphs_of(&h, "حسین", true));
    assert!(highlight_x(&h, Label::Entity).1 <= hossein.0 + 0.5);
}

#[test]
fn a_drag_from_the_right_edge_of_the_run_to_the_gap_selects_the_first_word() {
    for snap in [false, true] {
        let mut h = harness(LINE, &[], snap);
        let hossein = span_x(&glyphs_of(&h, "حسین", true));
        let dehghan = span_x(&glyphs_of(&h, "دهقان", true));
        let y = glyphs_of(&h, "حسین", true)[0].center().y;
        // The press is the run's logical start (right edge of ح), the
        // release the gap between the words, a little right of its middle.
        let gap = (dehghan.1 + hossein.0) / 2.0 + 1.0;
        drag(&mut h, Pos2::new(hossein.1 - 1.0, y), Pos2::new(gap, y));
        assert_eq!(selected(&h), "حسین", "snap {snap}");
    }
}

/// A Persian paragraph (right-aligned) that holds an English name.
const FA: &str = "وزیر خارجه روسیه Sergey Lavrov روز یکشنبه در تهران گفت";

#[test]
fn a_persian_paragraph_runs_right_to_left_with_the_english_name_in_order() {
    let h = harness(FA, &[], true);
    let vazir = span_x(&glyphs_of(&h, "وزیر", true));
    let kharejeh = span_x(&glyphs_of(&h, "خارجه", true));
    let sergey = span_x(&glyphs_of(&h, "Sergey", false));
    let lavrov = span_x(&glyphs_of(&h, "Lavrov", false));
    let tehran = span_x(&glyphs_of(&h, "تهران", true));
    assert!(vazir.0 >= kharejeh.1, "the first word is rightmost");
    assert!(sergey.1 <= lavrov.0, "the name reads left to right");
    assert!(
        lavrov.1 <= kharejeh.0,
        "the name is left of the words before it"
    );
    assert!(tehran.1 <= sergey.0, "and right of the words after it");
    // Right-aligned: the first word ends at the right of the column,
    // which is centred in the 700-point view.
    let rightmost = h
        .state()
        .view
        .painted_glyphs()
        .iter()
        .map(|g| g.1.right())
        .fold(f32::MIN, f32::max);
    assert!((vazir.1 - rightmost).abs() < 0.5);
    assert!(rightmost > 600.0, "right-aligned, at {rightmost}");
}

#[test]
fn highlights_in_a_persian_paragraph_cover_their_own_glyphs() {
    let h = harness(
        FA,
        &[("Lavrov", Label::Entity), ("تهران", Label::Claim)],
        true,
    );
    assert_close(
        highlight_x(&h, Label::Entity),
        span_x(&glyphs_of(&h, "Lavrov", false)),
        "highlight on Lavrov",
    );
    assert_close(
        highlight_x(&h, Label::Claim),
        span_x(&glyphs_of(&h, "تهران", true)),
        "highlight on تهران",
    );
}

#[test]
fn drags_in_a_persian_paragraph_select_what_the_reader_sees() {
    let mut h = harness(FA, &[], false);
    // The name's logical start is its left edge: from there to the gap
    // between its words selects "Sergey".
    let sergey = glyphs_of(&h, "Sergey", false);
    let lavrov = span_x(&glyphs_of(&h, "Lavrov", false));
    let y = sergey[0].center().y;
    let gap = (span_x(&sergey).1 + lavrov.0) / 2.0 - 1.0;
    drag(
        &mut h,
        Pos2::new(sergey[0].left() + 1.0, y),
        Pos2::new(gap, y),
    );
    assert_eq!(selected(&h), "Sergey");
    // The paragraph's logical start is its right edge.
    let mut h = harness(FA, &[], false);
    let vazir = span_x(&glyphs_of(&h, "وزیر", true));
    let kharejeh = span_x(&glyphs_of(&h, "خارجه", true));
    let gap = (kharejeh.1 + vazir.0) / 2.0 + 1.0;
    drag(&mut h, Pos2::new(vazir.1 - 1.0, y), Pos2::new(gap, y));
    assert_eq!(selected(&h), "وزیر");
    // Across the direction boundary (browsers' rule): from inside روسیه
    // (logically before the name) to inside Sergey, snapped to words.
    let mut h = harness(FA, &[], true);
    let russia = glyphs_of(&h, "روسیه", true);
    let sergey = glyphs_of(&h, "Sergey", false);
    drag(&mut h, russia[2].center(), sergey[2].center());
    assert_eq!(selected(&h), "روسیه Sergey");
}

#[test]
fn double_click_selects_a_persian_word_with_its_zwnj() {
    let text = "او می\u{200C}خواهد برود";
    let mut h = harness(text, &[], true);
    let rects = glyphs_of(&h, "می\u{200C}خواهد", true);
    let p = rects[2].center();
    h.hover_at(p);
    h.run();
    for _ in 0..2 {
        h.drag_at(p);
        h.step();
        h.event(egui::Event::PointerButton {
            pos: p,
            button: egui::PointerButton::Primary,
            pressed: false,
            modifiers: egui::Modifiers::NONE,
        });
        h.step();
    }
    h.run();
    assert_eq!(selected(&h), "می\u{200C}خواهد");
}

#[test]
fn hebrew_and_persian_digits_are_placed_as_read() {
    let text = "He wrote שלום in 1402 and ۱۴۰۲.";
    let h = harness(text, &[("שלום", Label::Entity)], true);
    let shalom = span_x(&glyphs_of(&h, "שלום", true));
    assert_close(highlight_x(&h, Label::Entity), shalom, "Hebrew highlight");
    // Persian digits are a number: they read left to right.
    let digits = glyphs_of(&h, "۱۴۰۲", false);
    assert!(digits.windows(2).all(|w| w[0].left() < w[1].left()));
}

/// Edge moves are logical: Shift+← moves the end one grapheme earlier in
/// the text and Shift+→ one later, in Persian as in English (so in Persian
/// the end moves right on screen for ←).
#[test]
fn edge_moves_inside_a_persian_word_go_by_logical_graphemes() {
    let text = "او می\u{200C}خواهد برود\n";
    let (dir, mut h) = crate::view::app_harness(text, |article| {
        let r = range_of(text, "می\u{200C}خواهد");
        let mut a = Annotation::new(article, r, Label::Entity, "t", Utc::now(), Origin::Manual)
            .expect("valid range");
        a.id = AnnotationId("e1".into());
        vec![a]
    });
    // Select it by clicking its highlight.
    let rect = h.state().view.highlight_rects()[0].1;
    h.hover_at(rect.center());
    h.run();
    h.drag_at(rect.center());
    h.run();
    h.drop_at(rect.center());
    h.run();
    assert_eq!(h.state().state.selected, Some(AnnotationId("e1".into())));
    let quote = |h: &Harness<'_, marginalia::window::app::MarginaliaApp>| {
        let doc = h.state().state.doc.as_ref().unwrap();
        doc.annotations.iter().next().unwrap().quote.clone()
    };
    h.key_press_modifiers(egui::Modifiers::SHIFT, egui::Key::ArrowLeft);
    h.run();
    assert_eq!(
        quote(&h),
        "می\u{200C}خواه",
        "the end moved one grapheme earlier"
    );
    h.key_press_modifiers(egui::Modifiers::SHIFT, egui::Key::ArrowRight);
    h.key_press_modifiers(egui::Modifiers::SHIFT, egui::Key::ArrowRight);
    h.run();
    assert_eq!(quote(&h), "می\u{200C}خواهد ", "one later, then the space");
    drop(dir);
}

/// Every glyph the last frame drew in a text shape whose text contains
/// `marker`, with its left x on screen, left to right as laid out.
fn label_glyphs(output: &egui::FullOutput, marker: &str) -> Vec<(char, f32)> {
    fn walk(shape: &egui::Shape, marker: &str, out: &mut Vec<(char, f32)>) {
        match shape {
            egui::Shape::Vec(shapes) => shapes.iter().for_each(|s| walk(s, marker, out)),
            egui::Shape::Text(t) if t.galley.job.text.contains(marker) => {
                for row in &t.galley.rows {
                    for g in row.row.glyphs.iter().filter(|g| g.advance_width > 0.0) {
                        out.push((g.chr, t.pos.x + row.pos.x + g.pos.x));
                    }
                }
            }
            _ => {}
        }
    }
    let mut out = Vec::new();
    for clipped in &output.shapes {
        walk(&clipped.shape, marker, &mut out);
    }
    out
}

/// Left x of the glyphs of `word` (drawn letters reversed) among `glyphs`.
fn word_x(glyphs: &[(char, f32)], word: &str) -> f32 {
    let want: Vec<char> = word.chars().rev().collect();
    glyphs
        .windows(want.len())
        .find(|w| w.iter().map(|g| g.0).eq(want.iter().copied()))
        .map(|w| w[0].1)
        .unwrap_or_else(|| panic!("{word:?} not drawn in {glyphs:?}"))
}

/// egui's own labels do no bidi: the annotation list hands its rows over in
/// visual order, so a Persian quote there reads as in the text, حسین right
/// of دهقان (it was drawn the other way round).
#[test]
fn a_persian_quote_in_the_annotation_list_reads_right_to_left() {
    let text = "AAA حسین دهقان BBB\n";
    let (dir, mut h) = crate::view::app_harness(text, |article| {
        let r = range_of(text, "حسین دهقان");
        let a = Annotation::new(article, r, Label::Entity, "t", Utc::now(), Origin::Manual)
            .expect("valid range");
        vec![a]
    });
    marginalia::window::fonts::install(&h.ctx);
    h.run();
    let glyphs = label_glyphs(h.output(), "Entity ·");
    assert!(!glyphs.is_empty(), "the list row is drawn");
    let (hossein, dehghan) = (word_x(&glyphs, "حسین"), word_x(&glyphs, "دهقان"));
    assert!(
        hossein > dehghan,
        "حسین at {hossein} right of دهقان at {dehghan}"
    );
    drop(dir);
}

/// A right-to-left paragraph long enough to be laid out in blocks keeps its
/// direction in every block: the blocks after the first, English only, are
/// right-aligned too (laid out on their own, they would start at the left).
#[test]
fn every_block_of_a_long_persian_paragraph_is_right_aligned() {
    let text = format!("سلام دنیا. {}", "Plain English text here. ".repeat(400));
    let mut h = harness(&text, &[], false);
    // Bring the first cut (after ~1,500 chars, ~20 rows down) on screen.
    for _ in 0..3 {
        h.state_mut().view.scroll_by(200.0);
        h.run();
    }
    let mut rights: Vec<(i32, f32)> = Vec::new();
    let on_screen = |r: &Rect| r.top() >= 0.0 && r.bottom() <= 400.0;
    for (_, r) in h.state().view.painted_glyphs() {
        if !on_screen(&r) {
            continue;
        }
        let row = r.top().round() as i32;
        match rights.iter_mut().find(|(y, _)| *y == row) {
            Some((_, right)) => *right = right.max(r.right()),
            None => rights.push((row, r.right())),
        }
    }
    assert!(rights.len() > 10, "{} rows on screen", rights.len());
    // Glyph advances and shaped widths differ by a point or two.
    let edge = rights[0].1;
    for (row, right) in &rights {
        assert!(
            (right - edge).abs() < 4.0,
            "the row at y {row} ends at {right}, not at the right edge {edge}"
        );
    }
}
