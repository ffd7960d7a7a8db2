//! The annotation list stays virtualized with 50,000 annotations: only the
//! rows in view are built.
use chrono::Utc;
use egui_kittest::Harness;
use egui_kittest::kittest::Queryable;
use marginalia::model::annotation::{Annotation, Label, Origin};
use marginalia::model::offset::CharRange;
use marginalia::store::article_file::read_article;
use marginalia::store::session::Session;
use marginalia::store::sidecar::{self, DiskState};
use marginalia::window::panels::Panel;
use marginalia::window::panels::annotation_list::AnnotationList;
use marginalia::window::prefs::Prefs;
use marginalia::window::workspace::Workspace;

#[test]
fn fifty_thousand_annotations_build_only_visible_rows() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("long.txt");
    std::fs::write(&path, "word ".repeat(50_000)).unwrap();
    let file = read_article(&path).unwrap();
    let now = Utc::now();
    let anns: Vec<Annotation> = (0..50_000)
        .map(|i| {
            let r = CharRange::from_usize(i * 5, i * 5 + 4);
            Annotation::new(
                &file.article,
                r,
                Label::ALL[i % 3],
                "bulk",
                now,
                Origin::Manual,
            )
            .unwrap()
        })
        .collect();
    let sc = file.sidecar(anns);
    sidecar::save(&sidecar::sidecar_path(&path), &sc, &DiskState::Absent).unwrap();

    let doc = Session::open(&path).unwrap();
    assert_eq!(doc.annotations.len(), 50_000);
    // The panel alone, with nothing but a workspace.
    let mut ws = Workspace::new(Prefs::default(), dir.path().to_owned());
    ws.doc = Some(doc);
    let mut h = Harness::builder().with_size([360.0, 700.0]).build_ui_state(
        |ui, (ws, list): &mut (Workspace, AnnotationList)| list.ui(ui, ws),
        (ws, AnnotationList::default()),
    );
    h.run();
    h.get_by_label("Annotations (50000)");
    let rows = h.query_all_by_label_contains("· bulk ·").count();
    assert!((5..200).contains(&rows), "{rows} rows built");

    // Filtering out claims and quotes leaves a third, still virtualized.
    h.get_by_label("Claim").click();
    h.run();
    h.get_by_label("Quote").click();
    h.run();
    let entities = h.query_all_by_label_contains("Entity · “word”").count();
    let others = h.query_all_by_label_contains("Claim · “word”").count()
        + h.query_all_by_label_contains("Quote · “word”").count();
    assert!(
        (5..200).contains(&entities) && others == 0,
        "{entities} {others}"
    );
}
