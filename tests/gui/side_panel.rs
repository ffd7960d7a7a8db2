//! Window defect 9 (issue 11): the side panel agrees with itself. The
//! status and the History say the same; the Kind field shows where the
//! schema gives a label kinds; imported NER kinds map to the schema's; the
//! editor lists links both ways; there is one "Author:" field.
use eframe::egui::{Key, Modifiers};
use egui_kittest::Harness;
use egui_kittest::kittest::{NodeT, Queryable};
use marginalia::model::offset::CharRange;
use marginalia::window::app::MarginaliaApp;
use std::path::PathBuf;

const ARTICLE: &str = "Dehqan said: “peace now”, and Hasanov agreed in Baku.\n";

fn range_of(needle: &str) -> CharRange {
    let byte = ARTICLE.find(needle).unwrap();
    let start = ARTICLE[..byte].chars().count();
    CharRange::from_usize(start, start + needle.chars().count())
}

fn window() -> (tempfile::TempDir, PathBuf, Harness<'static, MarginaliaApp>) {
    let dir = tempfile::tempdir().unwrap();
    let article = dir.path().join("report.txt");
    std::fs::write(&article, ARTICLE).unwrap();
    let h = crate::open_window(&article, "ana", [1200.0, 800.0]);
    (dir, article, h)
}

fn tag(h: &mut Harness<'_, MarginaliaApp>, needle: &str, key: Key) {
    h.state_mut().select(range_of(needle));
    h.key_press(key);
    h.run();
}

fn click(h: &mut Harness<'_, MarginaliaApp>, label_part: &str) {
    h.get_by_label_contains(label_part).click();
    h.run();
}

#[test]
fn the_history_of_a_hand_made_annotation_agrees_with_its_status() {
    let (_dir, _article, mut h) = window();
    tag(&mut h, "Dehqan", Key::E);
    h.get_by_label_contains("· accepted ·");
    h.get_by_label("Accepted as made by ana (no review yet)");
    assert!(h.query_by_label("Not reviewed yet").is_none());
}

#[test]
fn the_kind_field_shows_only_for_labels_the_schema_gives_kinds() {
    let (_dir, _article, mut h) = window();
    tag(&mut h, "peace now", Key::Q);
    assert!(h.query_by_label("Kind:").is_none(), "a quote has no kinds");
    assert!(h.query_by_label("Person").is_none());
    tag(&mut h, "Dehqan", Key::E);
    h.get_by_label("Kind:");
    h.get_by_label("Person");
}

#[test]
fn an_imported_per_is_shown_as_the_schema_kind_person() {
    let (dir, _article, mut h) = window();
    let d = range_of("Dehqan");
    let ann = format!("T1\tPER {} {}\tDehqan\n", d.start, d.end);
    let input = dir.path().join("report.ann");
    std::fs::write(&input, ann).unwrap();
    h.state_mut().import_preannotations(&input);
    h.run();
    click(&mut h, "Person (PER) · “Dehqan”");
    h.get_by_label("PER stands for Person (a kind alias)");
    let person = h.get_by_label("Person");
    assert_eq!(
        person.accesskit_node().toggled(),
        Some(eframe::egui::accesskit::Toggled::True),
        "the Person button is the current kind"
    );
    // The sidecar keeps what the file said.
    let doc = h.state().state.doc.as_ref().unwrap();
    assert_eq!(
        doc.annotations.iter().next().unwrap().kind.as_deref(),
        Some("PER")
    );
}

#[test]
fn the_editor_lists_links_both_ways_and_follows_them() {
    let (_dir, _article, mut h) = window();
    tag(&mut h, "peace now", Key::Q);
    tag(&mut h, "Dehqan", Key::E);
    click(&mut h, "Quote · “peace now”");
    h.get_by_label("Links: none (L links a quote or claim to its speaker)");
    h.key_press(Key::L);
    h.run();
    let d = range_of("Dehqan");
    h.get_by_label(&format!("Dehqan ({}..{})", d.start, d.end))
        .click();
    h.run();
    // The quote's editor names its speaker; a click goes there.
    click(&mut h, "Quote · “peace now”");
    click(&mut h, "speaker: Entity “Dehqan”");
    assert_eq!(
        h.state().state.selected_annotation().unwrap().quote,
        "Dehqan"
    );
    // The speaker's editor names the quote.
    click(&mut h, "speaker of: Quote “peace now”");
    assert_eq!(
        h.state().state.selected_annotation().unwrap().quote,
        "“peace now”"
    );
}

#[test]
fn there_is_one_author_field_and_review_mode_uses_it() {
    let (_dir, _article, mut h) = window();
    tag(&mut h, "Dehqan", Key::E);
    tag(&mut h, "Hasanov", Key::E);
    h.key_press_modifiers(Modifiers::COMMAND, Key::R);
    h.run();
    assert_eq!(
        h.query_all_by_label("Author:").count(),
        1,
        "one Author field"
    );
    // The side panel's author filter narrows the review queue too.
    h.get_by_label("Author:").click();
    h.run();
    h.event(eframe::egui::Event::Text("zz".into()));
    h.run();
    h.get_by_label_contains("0 of 0 reviewed");
    // Your own name is "Your name" (Edit menu), not a second "Author".
    h.key_press(Key::Escape);
    h.run();
    click(&mut h, "Edit");
    h.get_by_label("Your name:");
    assert_eq!(h.query_all_by_label("Author:").count(), 1);
}
