//! A discontinuous span in the window: imported from brat through File ▸
//! Import, its fragments are outlined together, decided together, and
//! deleting one asks about the others.
use eframe::egui::{Key, Modifiers};
use egui_kittest::Harness;
use egui_kittest::kittest::Queryable;
use marginalia::model::annotation::{Label, Status};
use marginalia::model::offset::CharRange;
use marginalia::store::sidecar;
use marginalia::window::app::MarginaliaApp;
use std::path::PathBuf;

const ARTICLE: &str = "“No,” he said, “never.” Dehqan left.\n";

fn range_of(needle: &str) -> CharRange {
    let byte = ARTICLE.find(needle).unwrap();
    let start = ARTICLE[..byte].chars().count();
    CharRange::from_usize(start, start + needle.chars().count())
}

/// The article with a brat file holding a quote in two parts and its speaker,
/// imported through File ▸ Import.
fn imported() -> (tempfile::TempDir, PathBuf, Harness<'static, MarginaliaApp>) {
    let dir = tempfile::tempdir().unwrap();
    let article = dir.path().join("report.txt");
    std::fs::write(&article, ARTICLE).unwrap();
    let (a, b, d) = (range_of("“No,”"), range_of("“never.”"), range_of("Dehqan"));
    let ann = format!(
        "T1\tQuote {} {};{} {}\t“No,” “never.”\nT2\tPerson {} {}\tDehqan\nR1\tSpeaker Arg1:T1 Arg2:T2\n",
        a.start, a.end, b.start, b.end, d.start, d.end
    );
    let input = dir.path().join("report.ann");
    std::fs::write(&input, ann).unwrap();
    let mut h = crate::open_window(&article, "reviewer-ana", [1000.0, 600.0]);
    h.state_mut().import_preannotations(&input);
    h.run();
    assert_eq!(
        h.state().state.doc.as_ref().unwrap().annotations.len(),
        3,
        "{}",
        h.state().state.message
    );
    (dir, article, h)
}

fn press(h: &mut Harness<'_, MarginaliaApp>, modifiers: Modifiers, key: Key) {
    h.key_press_modifiers(modifiers, key);
    h.run();
}

fn saved(article: &std::path::Path) -> sidecar::Sidecar {
    sidecar::read(&sidecar::sidecar_path(article))
        .unwrap()
        .expect("a sidecar")
        .0
}

#[test]
fn selecting_one_fragment_outlines_every_part_of_the_span() {
    let (_dir, _, mut h) = imported();
    h.get_by_label_contains("Quote · “never.”").click();
    h.run();
    let mut outlined = h.state().view.selected_outline();
    outlined.sort();
    assert_eq!(outlined, [range_of("“No,”"), range_of("“never.”")]);
    h.get_by_label_contains("Person · “Dehqan”").click();
    h.run();
    assert_eq!(h.state().view.selected_outline(), [range_of("Dehqan")]);
}

#[test]
fn a_review_decision_on_one_fragment_is_the_whole_span_s() {
    let (_dir, article, mut h) = imported();
    press(&mut h, Modifiers::COMMAND, Key::R);
    press(&mut h, Modifiers::NONE, Key::A); // the first in reading order: “No,”
    press(&mut h, Modifiers::COMMAND, Key::S);
    let sc = saved(&article);
    let quotes: Vec<_> = sc
        .annotations
        .iter()
        .filter(|a| a.label == Label::Quote)
        .collect();
    assert_eq!(quotes.len(), 2);
    for q in quotes {
        assert_eq!(q.status, Status::Accepted, "{}", q.quote);
        assert_eq!(q.reviews[0].by, "reviewer-ana");
    }
    let person = sc
        .annotations
        .iter()
        .find(|a| a.label == Label::Entity)
        .unwrap();
    assert_eq!(person.status, Status::Unreviewed);
}

#[test]
fn deleting_a_fragment_asks_and_this_part_leaves_the_next_one_first() {
    let (_dir, article, mut h) = imported();
    h.get_by_label_contains("Quote · “No,”").click();
    h.run();
    press(&mut h, Modifiers::NONE, Key::Delete);
    assert_eq!(
        h.state().state.doc.as_ref().unwrap().annotations.len(),
        3,
        "asked first"
    );
    h.get_by_label("Delete the whole span");
    h.get_by_label("Delete this part").click();
    h.run();
    press(&mut h, Modifiers::COMMAND, Key::S);
    let sc = saved(&article);
    assert_eq!(sc.annotations.len(), 2);
    let quote = sc
        .annotations
        .iter()
        .find(|a| a.label == Label::Quote)
        .unwrap();
    let person = sc
        .annotations
        .iter()
        .find(|a| a.label == Label::Entity)
        .unwrap();
    assert_eq!(quote.quote, "“never.”");
    assert_eq!(
        quote.first_fragment(),
        None,
        "the next part is the first now"
    );
    assert_eq!(
        quote.speaker(),
        Some(&person.id),
        "and carries the span's link"
    );
    // One undo brings the part back, linked as before.
    press(&mut h, Modifiers::COMMAND, Key::Z);
    let doc = h.state().state.doc.as_ref().unwrap();
    assert_eq!(doc.annotations.len(), 3);
    let first = doc.annotations.iter().find(|a| a.quote == "“No,”").unwrap();
    let later = doc
        .annotations
        .iter()
        .find(|a| a.quote == "“never.”")
        .unwrap();
    assert_eq!(later.first_fragment(), Some(&first.id));
    assert!(first.speaker().is_some());
}

#[test]
fn deleting_the_whole_span_removes_every_part() {
    let (_dir, article, mut h) = imported();
    h.get_by_label_contains("Quote · “never.”").click();
    h.run();
    press(&mut h, Modifiers::NONE, Key::Delete);
    h.get_by_label("Delete the whole span").click();
    h.run();
    press(&mut h, Modifiers::COMMAND, Key::S);
    let sc = saved(&article);
    assert_eq!(sc.annotations.len(), 1);
    assert_eq!(sc.annotations[0].quote, "Dehqan");
    // Undo and redo say what they took back and did again.
    press(&mut h, Modifiers::COMMAND, Key::Z);
    let message = "Undone: delete 2 annotations";
    assert!(
        crate::shell::shows(&h, message),
        "{}",
        h.state().state.message
    );
    press(&mut h, Modifiers::COMMAND | Modifiers::SHIFT, Key::Z);
    let message = "Redone: delete 2 annotations";
    assert!(
        crate::shell::shows(&h, message),
        "{}",
        h.state().state.message
    );
}
