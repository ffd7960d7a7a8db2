//! The article view driven through egui_kittest: drag selections report exact
//! char offsets (also after Persian text, emoji and combining marks), double
//! clicks select words, and clicks on highlights report their annotation.

use chrono::Utc;
use eframe::egui::{self, Pos2, Rect};
use egui_kittest::Harness;
use egui_kittest::kittest::Queryable;
use marginalia::model::annotation::{Annotation, AnnotationId, Annotations, Label, Link, Origin};
use marginalia::model::document::Article;
use marginalia::model::filter::Filter;
use marginalia::model::offset::CharRange;
use marginalia::store::{article_file, sidecar};
use marginalia::window::app::MarginaliaApp;
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

fn state(text: &str, annotations: Vec<Annotation>, snap: bool) -> State {
    State {
        view: ArticleView::new(),
        article: Article::new(text.to_owned()),
        annotations: Annotations::from_vec(annotations),
        palette: Palette::for_dark_mode(false),
        filter: Filter::default(),
        snap,
        outputs: Vec::new(),
        fonts_ready: false,
    }
}

fn harness(s: State) -> Harness<'static, State> {
    let mut h = Harness::builder()
        .with_size(egui::vec2(700.0, 500.0))
        // Frames 1/60 s apart, as on screen (the default steps 0.25 s, so two
        // clicks could never be a double click).
        .with_step_dt(1.0 / 60.0)
        .build_ui_state(
            |ui, s: &mut State| {
                // The test fonts lack Persian and emoji: draw boxes instead of
                // panicking (the policy applies from the next pass).
                if !s.fonts_ready {
                    ui.ctx()
                        .set_missing_glyph_policy(egui::MissingGlyphPolicy::Tofu);
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
            s,
        );
    h.run();
    h
}

/// Screen rects of the visible glyphs spelling `word` (the `nth` match),
/// found through the chars egui says each glyph draws.
fn word_rects(h: &Harness<'_, State>, word: &str, nth: usize) -> Vec<Rect> {
    word_rects_in(&h.state().view, word, nth)
}

/// [`word_rects`] in any view.
fn word_rects_in(view: &ArticleView, word: &str, nth: usize) -> Vec<Rect> {
    let glyphs: Vec<(char, Rect)> = view
        .painted_glyphs()
        .into_iter()
        .filter(|(_, r)| r.width() > 0.0)
        .collect();
    let want: Vec<char> = word.chars().filter(|c| !is_mark(*c)).collect();
    let mut found = 0;
    for i in 0..glyphs.len() {
        if glyphs.len() - i >= want.len()
            && glyphs[i..i + want.len()]
                .iter()
                .map(|g| g.0)
                .eq(want.iter().copied())
        {
            if found == nth {
                return glyphs[i..i + want.len()].iter().map(|g| g.1).collect();
            }
            found += 1;
        }
    }
    panic!("word {word:?} not found on screen");
}

/// A manual annotation on `article[a..b]` with the id `id`.
fn annotation(article: &Article, a: usize, b: usize, id: &str, label: Label) -> Annotation {
    let mut ann = Annotation::new(
        article,
        CharRange::from_usize(a, b),
        label,
        "t",
        Utc::now(),
        Origin::Manual,
    )
    .expect("valid range");
    ann.id = AnnotationId(id.into());
    ann
}

fn is_mark(c: char) -> bool {
    ('\u{0300}'..='\u{036F}').contains(&c)
}

fn drag<T>(h: &mut Harness<'_, T>, from: Pos2, to: Pos2) {
    h.hover_at(from);
    h.run();
    h.drag_at(from);
    h.run();
    for k in 1..=4 {
        let t = k as f32 / 4.0;
        h.hover_at(from + (to - from) * t);
        h.run();
    }
    h.drop_at(to);
    h.run();
}

fn last_selection(h: &Harness<'_, State>) -> Option<CharRange> {
    h.state()
        .outputs
        .iter()
        .rev()
        .find_map(|o| o.selection)
        .flatten()
}

/// Drag from just inside the first glyph of `word` to just inside its last.
fn select_word(text: &str, word: &str, snap: bool) -> String {
    let mut h = harness(state(text, Vec::new(), snap));
    let rects = word_rects(&h, word, 0);
    let (first, last) = (rects[0], rects[rects.len() - 1]);
    let (from, to) = if snap {
        // Interior points: snapping must widen to the whole word.
        (
            first.center() + egui::vec2(first.width() * 0.3, 0.0),
            last.center() - egui::vec2(last.width() * 0.3, 0.0),
        )
    } else {
        (
            first.left_center() + egui::vec2(1.0, 0.0),
            last.right_center() - egui::vec2(1.0, 0.0),
        )
    };
    drag(&mut h, from, to);
    let range = last_selection(&h).expect("a selection is reported");
    h.state()
        .article
        .slice(range)
        .expect("in bounds")
        .to_owned()
}

#[test]
fn drag_selects_a_plain_word_exactly() {
    assert_eq!(
        select_word("Alpha beta gamma delta", "gamma", false),
        "gamma"
    );
    assert_eq!(
        select_word("Alpha beta gamma delta", "gamma", true),
        "gamma"
    );
}

#[test]
fn drag_after_persian_text_gets_exact_offsets() {
    let text = "ab سلام دنیا cd hello world";
    assert_eq!(select_word(text, "hello", false), "hello");
    assert_eq!(select_word(text, "world", true), "world");
    // Several RTL runs, and a second paragraph.
    let text =
        "date 2020-01-02 Title\nخبر فوری: وزیر گفت «آری» و رفت then Rostam spoke\nسلام again here";
    assert_eq!(select_word(text, "Rostam", false), "Rostam");
    assert_eq!(select_word(text, "again", true), "again");
}

#[test]
fn drag_after_emoji_and_combining_marks_gets_exact_offsets() {
    let text = "cafe\u{301} 👩‍👩‍👧 🇮🇷 nai\u{308}ve target words";
    assert_eq!(select_word(text, "target", false), "target");
    assert_eq!(select_word(text, "words", true), "words");
}

/// A left-to-right paragraph takes the view's fast path (egui's own wrapped
/// galley): on its third line, a highlight covers exactly its word's glyphs
/// and a drag over the word selects exactly it.
#[test]
fn a_wrapped_english_paragraph_highlights_and_selects_its_own_glyphs() {
    let text = format!(
        "{} the zeppelin landed safely {}",
        "Ministers met at noon and talked about trade, roads and water. ".repeat(3),
        "Then they left.".repeat(4)
    );
    let at = text.find("zeppelin").unwrap();
    let article = Article::new(text.clone());
    let ann = annotation(&article, at, at + 8, "z", Label::Entity);
    let mut h = harness(state(&text, vec![ann], false));
    let glyphs = word_rects(&h, "zeppelin", 0);
    let word = glyphs.iter().fold(Rect::NOTHING, |a, b| a.union(*b));
    let first_line = word_rects(&h, "Ministers", 0)[0];
    assert!(
        word.top() > first_line.bottom() + 20.0,
        "the word is on a later line: {word:?}"
    );
    let fills: Vec<Rect> = h
        .state()
        .view
        .highlight_rects()
        .into_iter()
        .filter(|(l, _)| *l == Label::Entity)
        .map(|(_, r)| r)
        .collect();
    assert_eq!(fills.len(), 1, "{fills:?}");
    let fill = fills[0];
    for (a, b, what) in [
        (fill.left(), word.left(), "left"),
        (fill.right(), word.right(), "right"),
        (fill.top(), word.top(), "top"),
        (fill.bottom(), word.bottom(), "bottom"),
    ] {
        assert!(
            (a - b).abs() <= 1.0,
            "{what}: fill {fill:?} vs glyphs {word:?}"
        );
    }
    let (first, last) = (glyphs[0], glyphs[glyphs.len() - 1]);
    drag(
        &mut h,
        first.left_center() + egui::vec2(1.0, 0.0),
        last.right_center() - egui::vec2(1.0, 0.0),
    );
    let range = last_selection(&h).expect("a selection is reported");
    assert_eq!(h.state().article.slice(range), Some("zeppelin"));
}

#[test]
fn double_click_selects_a_word() {
    let mut h = harness(state("One two three", Vec::new(), true));
    let rects = word_rects(&h, "two", 0);
    let p = rects[1].center();
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
    let range = last_selection(&h)
        .unwrap_or_else(|| panic!("double click selects: {:?}", h.state().outputs));
    assert_eq!(h.state().article.slice(range), Some("two"));
}

#[test]
fn click_on_a_highlight_reports_the_innermost_annotation() {
    let text = "Dehqan met Hasanov in Tehran.";
    let article = Article::new(text.to_owned());
    let make = |a, b, id, label| annotation(&article, a, b, id, label);
    let anns = vec![
        make(0, 29, "outer", Label::Claim),
        make(11, 18, "inner", Label::Entity),
    ];
    let mut h = harness(state(text, anns, true));
    let p = word_rects(&h, "Hasanov", 0)[2].center();
    h.hover_at(p);
    h.run();
    h.drag_at(p);
    h.run();
    h.event(egui::Event::PointerButton {
        pos: p,
        button: egui::PointerButton::Primary,
        pressed: false,
        modifiers: egui::Modifiers::NONE,
    });
    h.run();
    let outputs = &h.state().outputs;
    assert!(
        outputs
            .iter()
            .any(|o| o.hovered.as_ref().is_some_and(|id| id.0 == "inner"))
    );
    let clicked: Vec<_> = outputs.iter().filter_map(|o| o.clicked.clone()).collect();
    assert_eq!(clicked, vec![AnnotationId("inner".into())]);

    // On the outer one only.
    let p = word_rects(&h, "Tehran", 0)[1].center();
    h.hover_at(p);
    h.run();
    h.drag_at(p);
    h.run();
    h.drop_at(p);
    h.run();
    let last = h
        .state()
        .outputs
        .iter()
        .rev()
        .find_map(|o| o.clicked.clone());
    assert_eq!(last, Some(AnnotationId("outer".into())));
}

#[test]
fn dragging_past_the_bottom_edge_scrolls_and_extends_the_selection() {
    let text: String = (0..200)
        .map(|i| format!("Paragraph {i} says something worth tagging.\n"))
        .collect();
    let mut h = harness(state(&text, Vec::new(), false));
    assert_eq!(h.state().view.scroll_offset_y(), 0.0);
    let from = word_rects(&h, "Paragraph", 0)[0].left_center() + egui::vec2(1.0, 0.0);
    h.hover_at(from);
    h.step();
    h.drag_at(from);
    h.step();
    // Hold the button just above the window's bottom edge for a while.
    let below = Pos2::new(from.x + 40.0, 498.0);
    for _ in 0..30 {
        h.hover_at(below);
        h.step();
    }
    let scrolled = h.state().view.scroll_offset_y();
    assert!(scrolled > 100.0, "the view scrolled only {scrolled} points");
    h.drop_at(below);
    h.step();
    h.step();
    let range = last_selection(&h).expect("a selection is reported");
    assert_eq!(range.start.0, 0);
    let selected = h
        .state()
        .article
        .slice(range)
        .unwrap_or_default()
        .to_owned();
    // The selection runs past the paragraphs that fit on the first screen.
    assert!(selected.lines().count() > 15, "selected only: {selected:?}");
    // Back up, past the top edge: the view scrolls back.
    let middle = Pos2::new(from.x, 250.0);
    h.hover_at(middle);
    h.step();
    h.drag_at(middle);
    h.step();
    for _ in 0..30 {
        h.hover_at(Pos2::new(from.x, 1.0));
        h.step();
    }
    assert!(h.state().view.scroll_offset_y() < scrolled);
    h.drop_at(Pos2::new(from.x, 1.0));
    h.step();
}

/// The paragraph cache is capped in memory, not only in count: after
/// scrolling through sixteen paragraphs of 30,000 chars (about 6 MB of
/// galley and meshes each when laid out whole), it does not keep them all
/// (it did: the cap was 256 paragraphs, whatever their size).
#[test]
fn the_paragraph_cache_lets_go_of_long_paragraphs_scrolled_past() {
    let paragraph = "Ministers met at noon and talked about trade and roads. ".repeat(540);
    let text: String = (0..16).map(|i| format!("{i} {paragraph}\n")).collect();
    let mut h = harness(state(&text, Vec::new(), false));
    for _ in 0..400 {
        h.state_mut().view.scroll_by(2000.0);
        h.step();
        if h.state().view.is_scrolled_to_end() {
            break;
        }
    }
    assert!(h.state().view.is_scrolled_to_end(), "scrolled to the end");
    let bytes = h.state().view.cached_paragraph_bytes();
    assert!(
        bytes < 32 << 20,
        "{} MB of laid-out text still cached",
        bytes >> 20
    );
}

/// A frame lays out the rows near the viewport, not whole paragraphs: with
/// paragraphs of 30,000 chars, a screen (500 points, ~20 rows of ~80 chars)
/// placed all 30,000 of one paragraph (a fling frame meeting one cost
/// ~39 ms, a resize 40-62 ms); now the blocks near it.
#[test]
fn a_frame_lays_out_only_the_blocks_of_a_long_paragraph_near_the_viewport() {
    let paragraph = "Ministers met at noon and talked about trade and roads. ".repeat(540);
    let text: String = (0..4).map(|i| format!("{i} {paragraph}\n")).collect();
    let mut h = harness(state(&text, Vec::new(), false));
    for _ in 0..8 {
        h.state_mut().view.scroll_by(2000.0);
        h.step();
        let placed = h.state().view.placed_char_count();
        assert!(
            placed <= 12_000,
            "{placed} chars placed for a screen of ~1,600"
        );
    }
    assert!(h.state().view.scroll_offset_y() > 10_000.0);
}

#[test]
fn scrolling_by_steps_moves_after_a_jump_past_either_end() {
    let text: String = (0..400)
        .map(|i| format!("Paragraph {i} says something worth tagging.\n"))
        .collect();
    let mut h = harness(state(&text, Vec::new(), false));
    // Jumps far past the end and back must not leave egui's scroll physics
    // pulling the view back, so the steps after them still move it.
    h.state_mut().view.scroll_by(1.0e9);
    h.step();
    h.step();
    let bottom = h.state().view.scroll_offset_y();
    assert!(bottom > 1000.0 && h.state().view.is_scrolled_to_end());
    h.state_mut().view.scroll_by(-1.0e9);
    h.step();
    assert_eq!(h.state().view.scroll_offset_y(), 0.0);
    for k in 1..=5 {
        h.state_mut().view.scroll_by(300.0);
        h.step();
        let y = h.state().view.scroll_offset_y();
        assert!((y - 300.0 * k as f32).abs() < 40.0, "step {k}: at {y}");
    }
}

#[test]
fn hovering_a_quote_names_its_speaker_in_the_tooltip() {
    let text = "Dehqan said that peace is near.";
    let article = Article::new(text.to_owned());
    let make = |a, b, id, label| annotation(&article, a, b, id, label);
    let mut quote = make(17, 30, "quote", Label::Quote);
    quote
        .links
        .push(Link::new("speaker", AnnotationId("dehqan".into())));
    let anns = vec![make(0, 6, "dehqan", Label::Entity), quote];
    let mut h = harness(state(text, anns, true));
    let p = word_rects(&h, "peace", 0)[2].center();
    // Tooltips show after the pointer rests a moment.
    h.hover_at(p);
    for _ in 0..90 {
        h.step();
    }
    h.get_by_label_contains("— Dehqan");
}

/// The window with `article` on disk and `annotations` in its sidecar.
pub(crate) fn app_harness(
    text: &str,
    annotations: impl Fn(&Article) -> Vec<Annotation>,
) -> (tempfile::TempDir, Harness<'static, MarginaliaApp>) {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("report.txt");
    std::fs::write(&path, text).unwrap();
    let file = article_file::read_article(&path).unwrap();
    let sc = file.sidecar(annotations(&file.article));
    sidecar::write_atomic(
        &sidecar::sidecar_path(&path),
        sidecar::to_string(&sc).as_bytes(),
    )
    .unwrap();
    let prefs = crate::test_prefs("tester");
    let app = MarginaliaApp::new_for_test(Some(&path), prefs, dir.path().join("data"));
    (dir, crate::window_harness(app, [1200.0, 800.0]))
}

fn highlighted_labels(h: &Harness<'_, MarginaliaApp>) -> Vec<Label> {
    let mut labels: Vec<Label> = h
        .state()
        .view
        .highlight_rects()
        .into_iter()
        .map(|(l, _)| l)
        .collect();
    labels.sort_by_key(|l| l.name());
    labels.dedup();
    labels
}

#[test]
fn label_filter_hides_highlights_in_the_text_too() {
    let text = "Dehqan said the talks in Baku went well.\n";
    let (_dir, mut h) = app_harness(text, |article| {
        vec![
            annotation(article, 0, 6, "e1", Label::Entity),
            annotation(article, 12, 39, "c1", Label::Claim),
        ]
    });
    assert_eq!(highlighted_labels(&h), vec![Label::Claim, Label::Entity]);
    h.get_by_label("Entity").click();
    h.run();
    assert_eq!(
        highlighted_labels(&h),
        vec![Label::Claim],
        "hiding Entity in the list's filter hides its highlight"
    );
    h.get_by_label("Entity").click();
    h.run();
    assert_eq!(highlighted_labels(&h), vec![Label::Claim, Label::Entity]);
}

/// Drag with snapping from inside the first glyph of `from_word` to just
/// inside the right edge of the `nth` glyph of `to_char`.
fn snapped_drag(text: &str, from_word: &str, to_char: char, nth: usize) -> String {
    let mut h = harness(state(text, Vec::new(), true));
    let first = word_rects(&h, from_word, 0)[0];
    let to = word_rects(&h, &to_char.to_string(), nth)[0];
    drag(
        &mut h,
        first.center() + egui::vec2(first.width() * 0.3, 0.0),
        to.right_center() - egui::vec2(0.5, 0.0),
    );
    let range = last_selection(&h).expect("a selection is reported");
    h.state().article.slice(range).unwrap().to_owned()
}

#[test]
fn snapping_keeps_the_full_stop_and_closing_quote_the_drag_covered() {
    let text = "Dehqan said “no capacity for a new crisis.” Then he left.";
    assert_eq!(
        snapped_drag(text, "capacity", '”', 0),
        "capacity for a new crisis.”"
    );
    assert_eq!(snapped_drag(text, "Then", '.', 1), "Then he left.");
}

#[test]
fn tagging_a_selection_as_quote_takes_in_its_quotation_marks() {
    let text = "Dehqan said “no capacity for a new crisis.” Then he left.\n";
    let (dir, mut h) = app_harness(text, |_| Vec::new());
    // A snapped drag from inside "no" to inside "crisis": the words only.
    let view = &h.state().view;
    let from = word_rects_in(view, "no", 0)[1].left_center();
    let to = word_rects_in(view, "crisis", 0)[3].center();
    drag(&mut h, from, to);
    let selection = h.state().state.selection.expect("a selection");
    assert_eq!(
        text.chars()
            .skip(selection.start.0)
            .take(selection.char_len())
            .collect::<String>(),
        "no capacity for a new crisis"
    );
    h.key_press(egui::Key::Q);
    h.run();
    h.key_press_modifiers(egui::Modifiers::COMMAND, egui::Key::S);
    h.run();
    let saved = sidecar::read(&sidecar::sidecar_path(&dir.path().join("report.txt")))
        .unwrap()
        .unwrap()
        .0;
    let quotes: Vec<&str> = saved.annotations.iter().map(|a| a.quote.as_str()).collect();
    assert_eq!(quotes, ["“no capacity for a new crisis.”"]);
}

/// A drag across the cut between two layout blocks of a long paragraph
/// selects across it, and the tag saved from it has the exact offsets.
/// The view cuts a paragraph of more than 3,000 chars into blocks after
/// the first sentence end past 1,500 chars; sentences here are 51 chars,
/// so the first cut falls before `Item030` (char 1,530 of the paragraph).
#[test]
fn a_drag_across_the_blocks_of_a_long_paragraph_tags_exact_offsets() {
    let sentence = |i: usize| format!("Item{i:03} says the plan works as well as it can now. ");
    assert_eq!(sentence(0).chars().count(), 51);
    let paragraph: String = (0..120).map(sentence).collect();
    let text = format!("Títle ✓ é\n{paragraph}\nThe end.\n");
    let (dir, mut h) = app_harness(&text, |_| Vec::new());
    let view = &h.state().view;
    let first = word_rects_in(view, "Item000", 0)[0];
    let after_cut = word_rects_in(view, "Item030", 0)[0];
    let before_cut = word_rects_in(view, "Item029", 0)[0];
    assert!(
        (after_cut.left() - first.left()).abs() < 0.5 && after_cut.top() > before_cut.top(),
        "the block after the cut starts a row: {after_cut:?} vs {first:?}"
    );
    // From inside "Item028" to inside "Item031": across the cut.
    let from = word_rects_in(view, "Item028", 0)[2].center();
    let to = word_rects_in(view, "Item031", 0)[5].center();
    drag(&mut h, from, to);
    let selection = h.state().state.selection.expect("a selection");
    let para_start = "Títle ✓ é\n".chars().count();
    assert_eq!(selection.start.0, para_start + 28 * 51);
    assert_eq!(selection.end.0, para_start + 31 * 51 + 7);
    h.key_press(egui::Key::E);
    h.run();
    h.key_press_modifiers(egui::Modifiers::COMMAND, egui::Key::S);
    h.run();
    let saved = sidecar::read(&sidecar::sidecar_path(&dir.path().join("report.txt")))
        .unwrap()
        .unwrap()
        .0;
    assert_eq!(saved.annotations.len(), 1);
    let a = &saved.annotations[0];
    assert_eq!(a.label, Label::Entity);
    assert_eq!(
        (a.start.0, a.end.0),
        (para_start + 28 * 51, para_start + 31 * 51 + 7)
    );
    let quote: String = text
        .chars()
        .skip(a.start.0)
        .take(a.end.0 - a.start.0)
        .collect();
    assert_eq!(a.quote, quote);
    assert!(quote.starts_with("Item028") && quote.ends_with("Item031"));
    // The highlight shows on both sides of the cut.
    let rects = h.state().view.highlight_rects();
    let item29 = word_rects_in(&h.state().view, "Item029", 0)[0];
    let item30 = word_rects_in(&h.state().view, "Item030", 0)[0];
    for word in [item29, item30] {
        assert!(
            rects
                .iter()
                .any(|(l, r)| *l == Label::Entity && r.contains(word.center())),
            "{word:?} highlighted"
        );
    }
}

/// A quote on "peace is near" whose speaker is "Dehqan", `filler`
/// paragraphs apart.
fn linked_quote_state(filler: usize) -> State {
    let mut text = String::from("Dehqan said it first.\n");
    for i in 0..filler {
        text.push_str(&format!(
            "Filler paragraph number {i} says nothing at all.\n"
        ));
    }
    text.push_str("He said that peace is near.\n");
    let article = Article::new(text.clone());
    let at = |w: &str| text[..text.rfind(w).unwrap()].chars().count();
    let mut quote = annotation(&article, at("peace"), at("near") + 4, "quote", Label::Quote);
    quote
        .links
        .push(Link::new("speaker", AnnotationId("dehqan".into())));
    let speaker = annotation(&article, 0, 6, "dehqan", Label::Entity);
    state(&text, vec![speaker, quote], true)
}

fn hover_and_settle<T>(h: &mut Harness<'_, T>, p: Pos2) {
    h.hover_at(p);
    h.run_steps(3);
}

#[test]
fn hovering_a_quote_or_its_speaker_draws_a_link_between_them() {
    let mut h = harness(linked_quote_state(0));
    assert!(h.state().view.drawn_links().is_empty(), "nothing hovered");
    let peace = word_rects(&h, "peace", 0);
    let dehqan = word_rects(&h, "Dehqan", 0);
    hover_and_settle(&mut h, peace[2].center());
    let links = h.state().view.drawn_links().to_vec();
    assert_eq!(links.len(), 1, "one arc: {links:?}");
    let link = &links[0];
    assert!(link.both_on_screen && link.label.is_none());
    assert!(peace[0].left() <= link.from.x && link.from.x <= peace[4].right() + 60.0);
    assert!(dehqan[0].left() <= link.to.x && link.to.x <= dehqan[5].right());
    // Hovering the speaker draws the same link.
    hover_and_settle(&mut h, dehqan[1].center());
    assert_eq!(h.state().view.drawn_links(), &links[..]);
    // And nothing once the pointer leaves.
    hover_and_settle(&mut h, Pos2::new(690.0, 490.0));
    assert!(h.state().view.drawn_links().is_empty());
}

#[test]
fn a_link_to_a_speaker_off_screen_runs_to_the_edge_and_names_it() {
    let mut h = harness(linked_quote_state(120));
    let end = h.state().article.char_len();
    h.state_mut()
        .view
        .scroll_to(CharRange::from_usize(end - 10, end - 1));
    // Past the flash that follows a scroll.
    h.run_steps(70);
    let peace = word_rects(&h, "peace", 0);
    hover_and_settle(&mut h, peace[2].center());
    let links = h.state().view.drawn_links().to_vec();
    assert_eq!(links.len(), 1, "{links:?}");
    let link = &links[0];
    assert!(!link.both_on_screen);
    assert!(
        link.to.y < link.from.y && link.to.y <= 12.0,
        "up to the top edge: {link:?}"
    );
    let label = link.label.as_deref().unwrap_or_default();
    assert!(
        label.contains("Dehqan") && label.starts_with('↑'),
        "{label}"
    );
}
