//! File ▸ Import pre-annotations with the formats the command line reads:
//! the real menu, a dialog that answers with a Label Studio export or a
//! Prodigy file, and the saved sidecar.
use eframe::egui::{Key, Modifiers};
use egui_kittest::Harness;
use egui_kittest::kittest::Queryable;
use marginalia::model::annotation::Status;
use marginalia::store::sidecar;
use marginalia::window::app::MarginaliaApp;
use marginalia::window::dialogs::{DialogOutcome, DialogRequest, FileDialogs};
use marginalia::window::prefs::Prefs;
use std::path::{Path, PathBuf};
use std::sync::Arc;

const TEXT: &str = "Dehqan said peace would come.\n";

/// Answers every Import dialog with one file.
struct Picks(PathBuf);

impl FileDialogs for Picks {
    fn show(&self, request: &DialogRequest) -> DialogOutcome {
        match request {
            DialogRequest::Import { .. } => DialogOutcome::Picked(self.0.clone()),
            _ => DialogOutcome::Cancelled,
        }
    }
}

/// Open `article`, choose File ▸ Import pre-annotations… (the dialog picks
/// `input`), save, and give the saved sidecar and the status message.
fn import_through_the_menu(article: &Path, input: &Path) -> (sidecar::Sidecar, String) {
    let prefs = Prefs {
        author: "ana".into(),
        autosave: false,
        ..Prefs::default()
    };
    let data = tempfile::tempdir().unwrap().keep();
    let dialogs = Arc::new(Picks(input.to_owned()));
    let app = MarginaliaApp::with_dialogs(Some(article.to_owned()), prefs, data, dialogs);
    let mut h = Harness::builder()
        .with_size([1000.0, 600.0])
        .with_max_steps(16)
        .with_step_dt(0.1)
        .allow_missing_glyphs()
        .build_ui_state(|ui, app: &mut MarginaliaApp| app.ui_body(ui), app);
    h.run();
    h.get_by_label("File").click();
    h.run();
    h.get_by_label("Import pre-annotations…").click();
    h.run();
    // The dialog answers on its own thread.
    for _ in 0..100 {
        if h.state().state.message.starts_with("Imported") {
            break;
        }
        std::thread::sleep(std::time::Duration::from_millis(20));
        h.run();
    }
    let message = h.state().state.message.clone();
    h.key_press_modifiers(Modifiers::COMMAND, Key::S);
    h.run();
    let sc = sidecar::read(&sidecar::sidecar_path(article))
        .unwrap()
        .unwrap_or_else(|| panic!("no sidecar; status: {message}"))
        .0;
    (sc, message)
}

#[test]
fn file_import_reads_a_label_studio_export() {
    let dir = tempfile::tempdir().unwrap();
    let article = dir.path().join("report.txt");
    std::fs::write(&article, TEXT).unwrap();
    let tasks = serde_json::json!([{
        "id": 1,
        "data": {"text": TEXT},
        "annotations": [{"id": 1, "completed_by": 1, "result": [
            {"id": "a", "from_name": "label", "to_name": "text", "type": "labels",
             "value": {"start": 0, "end": 6, "text": "Dehqan", "labels": ["PER"]}},
            {"id": "b", "from_name": "label", "to_name": "text", "type": "labels",
             "value": {"start": 12, "end": 28, "text": "peace would come", "labels": ["Quote"]}},
            {"from_id": "b", "to_id": "a", "type": "relation", "direction": "right", "labels": ["speaker"]}
        ]}],
        "predictions": [{"result": [
            {"id": "p", "from_name": "label", "to_name": "text", "type": "labels",
             "value": {"start": 7, "end": 11, "text": "said", "labels": ["Cue"]}}]}]
    }]);
    let input = dir.path().join("project.json");
    std::fs::write(&input, serde_json::to_string_pretty(&tasks).unwrap()).unwrap();
    let (sc, message) = import_through_the_menu(&article, &input);
    assert!(message.contains("(labelstudio)"), "{message}");
    let got: Vec<(&str, Status, usize)> = sc
        .annotations
        .iter()
        .map(|a| (a.quote.as_str(), a.status, a.links.len()))
        .collect();
    assert_eq!(
        got,
        [
            ("Dehqan", Status::Accepted, 0),
            ("said", Status::Unreviewed, 0),
            ("peace would come", Status::Accepted, 1)
        ]
    );
}

#[test]
fn file_import_reads_prodigy_answers() {
    let dir = tempfile::tempdir().unwrap();
    let article = dir.path().join("report.txt");
    std::fs::write(&article, TEXT).unwrap();
    let task = |start: usize, end: usize, label: &str, answer: &str| {
        serde_json::json!({"text": TEXT, "_input_hash": 1, "_task_hash": start,
            "spans": [{"start": start, "end": end, "token_start": 0, "token_end": 0, "label": label}],
            "answer": answer})
    };
    let body = [
        task(0, 6, "PER", "accept"),
        task(7, 11, "CUE", "reject"),
        task(12, 17, "X", "ignore"),
    ]
    .iter()
    .map(|t| format!("{t}\n"))
    .collect::<String>();
    let input = dir.path().join("db.jsonl");
    std::fs::write(&input, body).unwrap();
    let (sc, message) = import_through_the_menu(&article, &input);
    assert!(
        message.contains("(prodigy)") && message.contains("1 left out"),
        "{message}"
    );
    let got: Vec<(&str, Status)> = sc
        .annotations
        .iter()
        .map(|a| (a.quote.as_str(), a.status))
        .collect();
    assert_eq!(
        got,
        [("Dehqan", Status::Accepted), ("said", Status::Rejected)]
    );
}
