//! Review mode, speaker links, linked deletes, pre-annotation import and the
//! label schema, driven headless through egui_kittest.
use eframe::egui::{Key, Modifiers};
use egui_kittest::Harness;
use egui_kittest::kittest::Queryable;
use marginalia::model::annotation::{Label, Status};
use marginalia::model::offset::CharRange;
use marginalia::store::sidecar;
use marginalia::window::app::MarginaliaApp;
use std::path::{Path, PathBuf};

const ARTICLE: &str = "Dehqan said «سلام» and then: “peace now”, he said. \
Hasanov agreed that the talks would go on.\n";

/// Pre-annotations in doccano's format, for the article above.
fn doccano_line() -> String {
    let spans = [
        ("Dehqan", "PER"),
        ("peace now", "Quote"),
        ("Hasanov", "PER"),
        ("the talks would go on", "Claim"),
    ];
    let label: Vec<String> = spans
        .iter()
        .map(|(needle, l)| {
            let r = char_range_of(needle);
            format!("[{}, {}, \"{l}\"]", r.start.0, r.end.0)
        })
        .collect();
    format!(
        "{{\"text\": {}, \"label\": [{}]}}\n",
        serde_json::to_string(ARTICLE).unwrap(),
        label.join(", ")
    )
}

struct Fixture {
    dir: tempfile::TempDir,
    article: PathBuf,
    sidecar: PathBuf,
}

fn fixture() -> Fixture {
    let dir = tempfile::tempdir().unwrap();
    let article = dir.path().join("report.txt");
    std::fs::write(&article, ARTICLE).unwrap();
    let sidecar = sidecar::sidecar_path(&article);
    Fixture {
        dir,
        article,
        sidecar,
    }
}

fn harness(path: &Path) -> Harness<'static, MarginaliaApp> {
    crate::open_window(path, "reviewer-ana", [1200.0, 800.0])
}

/// The harness with the doccano pre-annotations imported.
fn imported(f: &Fixture) -> Harness<'static, MarginaliaApp> {
    let input = f.dir.path().join("pre.jsonl");
    std::fs::write(&input, doccano_line()).unwrap();
    let mut h = harness(&f.article);
    h.state_mut().import_preannotations(&input);
    h.run();
    h
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

fn selected_quote(h: &Harness<'_, MarginaliaApp>) -> String {
    let s = &h.state().state;
    let id = s.selected.as_ref().expect("something is selected");
    s.doc
        .as_ref()
        .unwrap()
        .annotations
        .get(id)
        .unwrap()
        .quote
        .to_string()
}

fn saved(path: &Path) -> sidecar::Sidecar {
    sidecar::read(path).unwrap().expect("a sidecar").0
}

#[test]
fn import_adds_unreviewed_once_with_origin() {
    let f = fixture();
    let mut h = imported(&f);
    let doc = h.state().state.doc.as_ref().unwrap();
    assert_eq!(doc.annotations.len(), 4, "{}", h.state().state.message);
    for a in doc.annotations.iter() {
        assert_eq!(a.status, Status::Unreviewed);
        assert!(
            matches!(&a.origin, marginalia::model::annotation::Origin::Imported { source, format }
                if source.ends_with("pre.jsonl") && format == "doccano"),
            "{:?}",
            a.origin
        );
    }
    // The same file again adds nothing.
    let input = f.dir.path().join("pre.jsonl");
    h.state_mut().import_preannotations(&input);
    h.run();
    assert_eq!(h.state().state.doc.as_ref().unwrap().annotations.len(), 4);
    assert!(h.state().state.message.contains("4 already there"));
}

#[test]
fn review_steps_in_reading_order_and_shows_progress() {
    let f = fixture();
    let mut h = imported(&f);
    press(&mut h, Modifiers::COMMAND, Key::R);
    assert!(h.state().state.review.active);
    h.get_by_label("0 of 4 reviewed");
    // Entering review goes to the first unreviewed one.
    assert_eq!(selected_quote(&h), "Dehqan");
    press(&mut h, Modifiers::NONE, Key::J);
    assert_eq!(selected_quote(&h), "peace now");
    press(&mut h, Modifiers::NONE, Key::J);
    assert_eq!(selected_quote(&h), "Hasanov");
    press(&mut h, Modifiers::NONE, Key::K);
    assert_eq!(selected_quote(&h), "peace now");
    press(&mut h, Modifiers::NONE, Key::P);
    assert_eq!(selected_quote(&h), "Dehqan");
    // The card (and the editor) show the origin and review history.
    assert!(h.get_all_by_label_contains("imported from").count() >= 1);
    assert!(h.get_all_by_label("Not reviewed yet").count() >= 1);
}

#[test]
fn accept_reject_with_keys_then_save_records_reviewer() {
    let f = fixture();
    let mut h = imported(&f);
    press(&mut h, Modifiers::COMMAND, Key::R);
    press(&mut h, Modifiers::NONE, Key::A); // Dehqan accepted, moves on
    assert_eq!(selected_quote(&h), "peace now");
    press(&mut h, Modifiers::NONE, Key::R); // peace now rejected
    h.get_by_label("2 of 4 reviewed");
    assert_eq!(selected_quote(&h), "Hasanov");
    // Space skips to the next unreviewed; Hasanov stays undecided.
    press(&mut h, Modifiers::NONE, Key::Space);
    assert_eq!(selected_quote(&h), "the talks would go on");
    // E relabels the current one in review.
    press(&mut h, Modifiers::NONE, Key::E);
    press(&mut h, Modifiers::COMMAND, Key::S);

    let sc = saved(&f.sidecar);
    let by_quote = |q: &str| sc.annotations.iter().find(|a| a.quote == q).unwrap();
    let d = by_quote("Dehqan");
    assert_eq!(d.status, Status::Accepted);
    assert_eq!(d.reviews.len(), 1);
    assert_eq!(d.reviews[0].by, "reviewer-ana");
    assert_eq!(d.reviews[0].status, Status::Accepted);
    assert_eq!(d.modified_by.as_deref(), Some("reviewer-ana"));
    let p = by_quote("peace now");
    assert_eq!(p.status, Status::Rejected, "rejected stays in the sidecar");
    assert_eq!(p.reviews[0].by, "reviewer-ana");
    assert_eq!(by_quote("Hasanov").status, Status::Unreviewed);
    assert_eq!(by_quote("the talks would go on").label, Label::Entity);
}

#[test]
fn u_undoes_the_last_decision_and_goes_back_to_it() {
    let f = fixture();
    let mut h = imported(&f);
    press(&mut h, Modifiers::COMMAND, Key::R);
    press(&mut h, Modifiers::NONE, Key::A);
    press(&mut h, Modifiers::NONE, Key::A);
    h.get_by_label("2 of 4 reviewed");
    press(&mut h, Modifiers::NONE, Key::U);
    h.get_by_label("1 of 4 reviewed");
    assert_eq!(selected_quote(&h), "peace now");
    let doc = h.state().state.doc.as_ref().unwrap();
    let p = doc
        .annotations
        .iter()
        .find(|a| a.quote == "peace now")
        .unwrap();
    assert_eq!(p.status, Status::Unreviewed);
    assert!(p.reviews.is_empty());
}

#[test]
fn review_keys_are_off_outside_review_mode() {
    let f = fixture();
    let mut h = imported(&f);
    h.get_by_label_contains("(PER) · “Dehqan”").click();
    h.run();
    press(&mut h, Modifiers::NONE, Key::A);
    let doc = h.state().state.doc.as_ref().unwrap();
    assert!(
        doc.annotations
            .iter()
            .all(|a| a.status == Status::Unreviewed)
    );
}

/// Select `quote` in the list by its row text.
fn select_row(h: &mut Harness<'_, MarginaliaApp>, row: &str) {
    h.get_by_label_contains(row).click();
    h.run();
}

#[test]
fn link_a_quote_to_its_speaker_with_l_and_a_pick() {
    let f = fixture();
    let mut h = imported(&f);
    select_row(&mut h, "“peace now”");
    press(&mut h, Modifiers::NONE, Key::L);
    assert!(h.state().state.linking.is_some());
    let dehqan = char_range_of("Dehqan");
    h.get_by_label(&format!("Dehqan ({}..{})", dehqan.start, dehqan.end))
        .click();
    h.run();
    assert!(h.state().state.linking.is_none());
    // The list shows the speaker after the quote.
    h.get_by_label_contains("“peace now” — Dehqan");
    press(&mut h, Modifiers::COMMAND, Key::S);

    let sc = saved(&f.sidecar);
    let speaker = sc.annotations.iter().find(|a| a.quote == "Dehqan").unwrap();
    let quote = sc
        .annotations
        .iter()
        .find(|a| a.quote == "peace now")
        .unwrap();
    assert_eq!(quote.links.len(), 1);
    assert_eq!(quote.links[0].role, "speaker");
    assert_eq!(quote.links[0].target, speaker.id);
}

#[test]
fn deleting_a_linked_speaker_asks_and_unlink_leaves_no_dangling_link() {
    let f = fixture();
    let mut h = imported(&f);
    select_row(&mut h, "“peace now”");
    press(&mut h, Modifiers::NONE, Key::L);
    let dehqan = char_range_of("Dehqan");
    h.get_by_label(&format!("Dehqan ({}..{})", dehqan.start, dehqan.end))
        .click();
    h.run();

    select_row(&mut h, "(PER) · “Dehqan”");
    press(&mut h, Modifiers::NONE, Key::Delete);
    // Asked, nothing deleted yet.
    assert_eq!(h.state().state.doc.as_ref().unwrap().annotations.len(), 4);
    h.get_by_label("Delete linked too");
    h.get_by_label("Unlink").click();
    h.run();
    press(&mut h, Modifiers::COMMAND, Key::S);

    let sc = saved(&f.sidecar);
    assert_eq!(sc.annotations.len(), 3);
    assert!(sc.annotations.iter().all(|a| a.quote != "Dehqan"));
    let quote = sc
        .annotations
        .iter()
        .find(|a| a.quote == "peace now")
        .unwrap();
    assert!(
        quote.links.is_empty(),
        "no dangling link: {:?}",
        quote.links
    );
    let ids: Vec<_> = sc.annotations.iter().map(|a| &a.id).collect();
    for a in &sc.annotations {
        for l in &a.links {
            assert!(ids.contains(&&l.target));
        }
    }
}

#[test]
fn cancel_keeps_the_linked_speaker() {
    let f = fixture();
    let mut h = imported(&f);
    select_row(&mut h, "“peace now”");
    press(&mut h, Modifiers::NONE, Key::L);
    let dehqan = char_range_of("Dehqan");
    h.get_by_label(&format!("Dehqan ({}..{})", dehqan.start, dehqan.end))
        .click();
    h.run();
    select_row(&mut h, "(PER) · “Dehqan”");
    press(&mut h, Modifiers::NONE, Key::Delete);
    h.get_by_label("Cancel").click();
    h.run();
    assert_eq!(h.state().state.doc.as_ref().unwrap().annotations.len(), 4);
}

#[test]
fn schema_kinds_are_offered_and_attributes_stored() {
    let f = fixture();
    std::fs::write(
        f.dir.path().join("marginalia.ron"),
        r#"(entity_kinds: ["Militia", "Ministry"],
            labels: { Entity: (key: "p"), Quote: (attributes: { "mode": ["direct", "indirect"] }) })"#,
    )
    .unwrap();
    let mut h = harness(&f.article);
    assert!(h.state().state.schema_error.is_none());
    // The schema's key `p` tags an entity.
    h.state_mut().select(char_range_of("Hasanov"));
    press(&mut h, Modifiers::NONE, Key::P);
    let doc = h.state().state.doc.as_ref().unwrap();
    assert_eq!(doc.annotations.iter().next().unwrap().label, Label::Entity);
    // Its kinds are offered in the editor.
    h.get_by_label("Militia").click();
    h.run();
    let doc = h.state().state.doc.as_ref().unwrap();
    assert_eq!(
        doc.annotations.iter().next().unwrap().kind.as_deref(),
        Some("Militia")
    );
    // Quotes get the schema's `mode` attribute: open its box, pick a value.
    h.state_mut().select(char_range_of("peace now"));
    press(&mut h, Modifiers::NONE, Key::Q);
    h.get_by_label("mode:");
    h.get_by_role_and_label(eframe::egui::accesskit::Role::ComboBox, "mode:")
        .click();
    h.run();
    h.get_by_label("indirect").click();
    h.run();
    h.state_mut().save().expect("saved");
    let sc = saved(&f.sidecar);
    let quote = sc
        .annotations
        .iter()
        // A Quote takes in its quotation marks.
        .find(|a| a.quote == "“peace now”")
        .expect("the quote is saved");
    assert_eq!(
        quote.attrs.get("mode").map(String::as_str),
        Some("indirect")
    );
}

#[test]
fn a_broken_schema_is_shown_with_line_and_column_and_defaults_apply() {
    let f = fixture();
    std::fs::write(
        f.dir.path().join("marginalia.ron"),
        "(entity_kinds: [\"A\",\n  oops)",
    )
    .unwrap();
    let h = harness(&f.article);
    let err = h.state().state.schema_error.clone().expect("an error");
    assert!(err.contains("marginalia.ron:2:"), "{err}");
    h.get_by_label_contains("marginalia.ron:2:");
    assert_eq!(h.state().state.schema.entity_kinds[0], "Person");
}

/// The filled part of the review bar's progress bar, as drawn: the width of
/// each rect filled with the selection colour inside the bar.
fn progress_fill(h: &Harness<'_, MarginaliaApp>) -> Vec<f32> {
    use eframe::egui::epaint::Shape;
    let bar = h
        .get_by_role(eframe::egui::accesskit::Role::ProgressIndicator)
        .rect();
    let fill = h.ctx.global_style().visuals.selection.bg_fill;
    h.output()
        .shapes
        .iter()
        .filter_map(|clipped| match &clipped.shape {
            Shape::Rect(r) if r.fill == fill && bar.expand(0.5).contains_rect(r.rect) => {
                Some(r.rect.width())
            }
            _ => None,
        })
        .collect()
}

/// With nothing reviewed yet (0 of 4) the progress bar is empty; it drew a
/// dot (egui's bar fills at least its own height). One accepted fills a
/// quarter of it.
#[test]
fn the_progress_bar_is_empty_while_nothing_is_reviewed() {
    let f = fixture();
    let mut h = imported(&f);
    press(&mut h, Modifiers::COMMAND, Key::R);
    h.get_by_label("0 of 4 reviewed");
    let fill = progress_fill(&h);
    assert!(fill.is_empty(), "at 0 of 4 the bar is filled: {fill:?}");
    press(&mut h, Modifiers::NONE, Key::A);
    h.get_by_label("1 of 4 reviewed");
    let width = h
        .get_by_role(eframe::egui::accesskit::Role::ProgressIndicator)
        .rect()
        .width();
    let fill = progress_fill(&h);
    assert_eq!(fill.len(), 1, "one fill at 1 of 4: {fill:?}");
    assert!(
        (fill[0] - width / 4.0).abs() < 1.0,
        "1 of 4 fills {} of {width}",
        fill[0]
    );
}
