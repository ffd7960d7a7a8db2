//! Review ▸ Suggesters…: the user's own external suggesters (name, command,
//! time limit) and cue file, edited in the window instead of by hand.
//!
//! The dialog edits a draft; Save checks it and writes it atomically to the
//! app's [`SUGGESTERS_FILE`](crate::window::prefs::SUGGESTERS_FILE) (and the
//! preferences), Cancel or Esc drops it. "Run once" runs a command on the
//! open article (on a thread, with its time limit) and shows what it
//! answered, or why it failed with its stderr. A cue file is checked as it
//! is picked: the lines `Lexicon::extend` cannot read are listed.
use crate::analysis::suggest::external::{self, Answer};
use crate::analysis::suggest::lexicon::Lexicon;
use crate::store::suggester;
use crate::window::prefs::{DEFAULT_TIMEOUT_S, NamedSuggester, SuggesterPrefs};
use crate::window::workspace::Workspace;
use eframe::egui;
use std::path::PathBuf;
use std::sync::mpsc;
use std::time::Duration;

/// A "Run once" in progress: the row it tests and the answer to come.
struct Trial {
    row: usize,
    answer: mpsc::Receiver<Result<String, String>>,
}

/// The dialog's state: a draft of the suggesters and cue file.
#[derive(Default)]
pub struct SuggestersDialog {
    draft: Option<Draft>,
    trial: Option<Trial>,
}

/// What the dialog edits.
#[derive(Default)]
struct Draft {
    rows: Vec<NamedSuggester>,
    cue_file: String,
    /// Per row, what its last Run once said (`Err` for a failure).
    results: Vec<Option<Result<String, String>>>,
    /// What the cue file check said.
    cue_report: Option<Result<String, String>>,
    /// Why Save refused, or the save error.
    problem: Option<String>,
}

impl SuggestersDialog {
    /// Open the dialog on the workspace's current suggesters.
    pub fn open(&mut self, ws: &Workspace) {
        let rows = ws.prefs.suggesters.clone();
        self.draft = Some(Draft {
            results: vec![None; rows.len()],
            rows,
            cue_file: ws
                .prefs
                .cue_file
                .as_ref()
                .map(|p| p.display().to_string())
                .unwrap_or_default(),
            ..Draft::default()
        });
    }

    /// True while the dialog is open.
    pub fn is_open(&self) -> bool {
        self.draft.is_some()
    }

    /// Close without saving; true if it was open.
    pub fn close(&mut self) -> bool {
        self.trial = None;
        self.draft.take().is_some()
    }

    /// Draw the dialog while it is open.
    pub fn ui(&mut self, ctx: &egui::Context, ws: &mut Workspace) {
        self.poll_trial(ctx);
        let Some(draft) = &mut self.draft else { return };
        let mut run = None;
        let mut answer = None;
        let modal = egui::Modal::new(egui::Id::unique("marginalia.suggesters"));
        modal.show(ctx, |ui| {
            ui.heading("Your suggesters");
            ui.label("Each runs a command that reads JSON lines {\"text\", \"meta\"} on stdin and answers spaCy-style JSONL (see the README).");
            egui::ScrollArea::vertical().max_height(320.0).show(ui, |ui| {
                run = rows_ui(ui, draft, self.trial.as_ref().map(|t| t.row));
            });
            if ui.button("Add suggester").clicked() {
                draft.rows.push(NamedSuggester {
                    name: String::new(),
                    command: String::new(),
                    timeout_s: DEFAULT_TIMEOUT_S,
                });
                draft.results.push(None);
            }
            ui.separator();
            cue_file_ui(ui, draft);
            ui.separator();
            if let Some(p) = &draft.problem {
                ui.colored_label(ui.visuals().error_fg_color, p);
            }
            ui.horizontal(|ui| {
                if ui.button("Save suggesters").clicked() {
                    answer = Some(true);
                }
                if ui.button("Cancel").clicked() {
                    answer = Some(false);
                }
            });
        });
        if let Some(row) = run {
            self.start_trial(row, ctx, ws);
        }
        match answer {
            Some(true) => self.save(ws),
            Some(false) => {
                self.close();
                ws.message = "Suggesters unchanged".into();
            }
            None => {}
        }
    }

    /// Check the draft, then write it (atomically) and take it into the
    /// preferences; on a problem the dialog stays open and says it.
    fn save(&mut self, ws: &mut Workspace) {
        let Some(draft) = &mut self.draft else { return };
        let blank = draft
            .rows
            .iter()
            .position(|r| r.name.trim().is_empty() || r.command.trim().is_empty());
        if let Some(i) = blank {
            draft.problem = Some(format!("Suggester {} needs a name and a command", i + 1));
            return;
        }
        let cue_file = Some(draft.cue_file.trim())
            .filter(|p| !p.is_empty())
            .map(PathBuf::from);
        let prefs = SuggesterPrefs {
            suggesters: draft.rows.clone(),
            cue_file,
        };
        match prefs.save(&ws.data_dir) {
            Ok(()) => {
                ws.prefs.suggesters = prefs.suggesters;
                ws.prefs.cue_file = prefs.cue_file;
                ws.message = format!(
                    "Suggesters saved ({} of your own)",
                    ws.prefs.suggesters.len()
                );
                self.close();
            }
            Err(e) => draft.problem = Some(format!("Not saved: {e:#}")),
        }
    }

    /// Run row `row`'s command once on the open article, on a thread.
    fn start_trial(&mut self, row: usize, ctx: &egui::Context, ws: &Workspace) {
        let Some(draft) = &mut self.draft else { return };
        let Some(s) = draft.rows.get(row).cloned() else {
            return;
        };
        let (text, name) = match &ws.doc {
            Some(doc) => (doc.file.article.text().to_owned(), doc.file.file_name()),
            None => ("Ana said: “it works.”".to_owned(), "sample.txt".to_owned()),
        };
        let (tx, rx) = mpsc::channel();
        let wake = ctx.clone();
        let spawned = std::thread::Builder::new()
            .name("suggester-trial".into())
            .spawn(move || {
                let input = external::request_line(&text, &name);
                let limit = Duration::from_secs(s.timeout_s.max(1));
                let answer = suggester::run_in(&s.command, input, limit, None)
                    .map(|out| describe_answer(&out, &text))
                    .map_err(|e| e.to_string());
                // The dialog may be closed meanwhile; nothing to do then.
                let _gone = tx.send(answer);
                wake.request_repaint();
            });
        match spawned {
            Ok(_) => {
                draft.results[row] = Some(Ok("running…".into()));
                self.trial = Some(Trial { row, answer: rx });
            }
            Err(e) => draft.results[row] = Some(Err(format!("could not start: {e}"))),
        }
    }

    fn poll_trial(&mut self, ctx: &egui::Context) {
        let Some(trial) = &self.trial else { return };
        let answer = match trial.answer.try_recv() {
            Ok(a) => a,
            Err(mpsc::TryRecvError::Empty) => {
                ctx.request_repaint_after(Duration::from_millis(100));
                return;
            }
            Err(mpsc::TryRecvError::Disconnected) => Err("the run ended without an answer".into()),
        };
        let row = trial.row;
        self.trial = None;
        if let Some(slot) = self.draft.as_mut().and_then(|d| d.results.get_mut(row)) {
            *slot = Some(answer);
        }
    }
}

/// The rows of the draft; the row whose "Run once" was clicked.
fn rows_ui(ui: &mut egui::Ui, draft: &mut Draft, running: Option<usize>) -> Option<usize> {
    let mut run = None;
    let mut remove = None;
    if draft.rows.is_empty() {
        ui.weak("None yet: Add suggester.");
    }
    for (i, row) in draft.rows.iter_mut().enumerate() {
        ui.push_id(i, |ui| {
            ui.horizontal(|ui| {
                let label = ui.label("Name:");
                ui.add(egui::TextEdit::singleline(&mut row.name).desired_width(120.0))
                    .labelled_by(label.id);
                let label = ui.label("Time limit:");
                ui.add(
                    egui::DragValue::new(&mut row.timeout_s)
                        .range(1..=3600)
                        .suffix(" s"),
                )
                .labelled_by(label.id);
            });
            ui.horizontal(|ui| {
                let label = ui.label("Command:");
                ui.add(
                    egui::TextEdit::singleline(&mut row.command)
                        .code_editor()
                        .desired_width(320.0),
                )
                .labelled_by(label.id);
            });
            ui.horizontal(|ui| {
                let can_run = running.is_none() && !row.command.trim().is_empty();
                if ui
                    .add_enabled(can_run, egui::Button::new("Run once"))
                    .clicked()
                {
                    run = Some(i);
                }
                if ui.button("Remove").clicked() {
                    remove = Some(i);
                }
            });
            match draft.results.get(i).cloned().flatten() {
                Some(Ok(said)) => {
                    ui.label(said);
                }
                Some(Err(why)) => {
                    ui.colored_label(ui.visuals().error_fg_color, why);
                }
                None => {}
            }
            ui.separator();
        });
    }
    if let Some(i) = remove {
        draft.rows.remove(i);
        draft.results.remove(i);
    }
    run
}

/// The cue file field and its check.
fn cue_file_ui(ui: &mut egui::Ui, draft: &mut Draft) {
    ui.horizontal(|ui| {
        let label = ui.label("Cue file:");
        let field = ui
            .add(
                egui::TextEdit::singleline(&mut draft.cue_file)
                    .hint_text("none: the built-in cues only")
                    .desired_width(280.0),
            )
            .labelled_by(label.id);
        if field.changed() {
            draft.cue_report = None;
        }
        if ui.button("Check").clicked() {
            draft.cue_report = Some(check_cue_file(draft.cue_file.trim()));
        }
    });
    ui.weak("Its cues are added to the built-in list when Review ▸ Suggest runs the rules (the format of `marginalia suggest --cues`).");
    match &draft.cue_report {
        Some(Ok(said)) => {
            ui.label(said);
        }
        Some(Err(why)) => {
            ui.colored_label(ui.visuals().error_fg_color, why);
        }
        None => {}
    }
}

/// What a cue file at `path` adds, or what is wrong with it.
fn check_cue_file(path: &str) -> Result<String, String> {
    if path.is_empty() {
        return Ok("No cue file: the built-in cues only".into());
    }
    let text = std::fs::read_to_string(path).map_err(|e| format!("Cannot read {path}: {e}"))?;
    let mut lexicon = Lexicon::builtin();
    let errors = lexicon.extend(&text);
    if errors.is_empty() {
        let cues = text
            .lines()
            .filter(|l| !l.trim().is_empty() && !l.trim_start().starts_with('#'))
            .count();
        Ok(format!("{cues} cue line(s) read"))
    } else {
        let lines: Vec<String> = errors.iter().map(|e| e.to_string()).collect();
        Err(format!("{path}: {}", lines.join("; ")))
    }
}

/// "answered 3 spans on 1 line" for a Run once that worked.
fn describe_answer(out: &str, text: &str) -> String {
    let article = crate::model::document::Article::new(text.to_owned());
    let mut spans = 0;
    let mut problems = Vec::new();
    let lines: Vec<&str> = out.lines().filter(|l| !l.trim().is_empty()).collect();
    for (i, line) in lines.iter().enumerate() {
        match Answer::parse(line) {
            Ok(a) => {
                let (wanted, bad) = a.wanted(&article);
                spans += wanted.len();
                problems.extend(bad.into_iter().map(|b| format!("line {}: {b}", i + 1)));
            }
            Err(reason) => problems.push(format!("line {}: {reason}", i + 1)),
        }
    }
    let mut said = format!(
        "Worked: answered {spans} suggestion(s) on {} line(s)",
        lines.len()
    );
    if let Some(first) = problems.first() {
        said.push_str(&format!(
            "; {} problem(s), the first: {first}",
            problems.len()
        ));
    }
    said
}
