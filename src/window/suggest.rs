//! Suggestions in the window: the background run behind Review ▸ Suggest
//! (the commands and the dialog are in [`crate::window::panels::suggest`]).
//!
//! Suggest runs the same engine as `marginalia suggest`
//! ([`crate::analysis::suggest`]) on the open article, on a thread of its
//! own so the window keeps drawing: the thread finds what the rules (or an
//! external suggester) want, and the window plans it against the
//! annotations as they are when the answer arrives ([`plan::plan`]: the
//! analyst's annotations are never changed, a fingerprinted suggestion is
//! never made again). Everything one run adds is one undo step, and the
//! fingerprints go into the sidecar's `suggested` list on the next save.

use crate::analysis::suggest::external::{self, Answer};
use crate::analysis::suggest::lexicon::Lexicon;
use crate::analysis::suggest::occurrences;
use crate::analysis::suggest::plan::{self, Counts, Suggester, Wanted};
use crate::analysis::suggest::{self as engine, RULES_NAME};
use crate::model::annotation::{Annotation, Annotations};
use crate::model::document::Article;
use crate::model::edit::{Change, History};
use crate::store::session::Session;
use crate::store::suggester;
use std::collections::BTreeSet;
use std::path::PathBuf;
use std::sync::mpsc;
use std::time::Duration;

/// Author of the suggestions made in the window, as in the CLI.
pub const AUTHOR: &str = "suggest";

/// Roles whose targets are accepted together with a quote or claim.
pub const AUTHOR_ROLES: &[&str] = &["speaker", "source", "cue"];

/// Who a run asks.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Source {
    /// The built-in rules and every occurrence of accepted entities, with
    /// the cues of the user's cue file (if any) added to the built-in list.
    Rules {
        /// The user's cue file (the CLI's `--cues` format).
        cues: Option<PathBuf>,
    },
    /// An external program (a command line), named for the messages.
    Command {
        /// Its name.
        name: String,
        /// The command line.
        command: String,
        /// The folder it runs in (a folder suggester: its `marginalia.ron`'s).
        dir: Option<PathBuf>,
        /// How long it may run before it is stopped.
        timeout: Duration,
    },
}

/// A suggester offered by Review ▸ Suggest with….
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Offered {
    /// Who runs.
    pub source: Source,
    /// For a folder's suggester: its `marginalia.ron` and that file's SHA-256.
    pub file: Option<(PathBuf, String)>,
}

/// Review ▸ Suggest with…, while open (a modal).
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Dialog {
    /// The list to pick from.
    Pick(Vec<Offered>),
    /// A folder's command, shown before it runs for the first time.
    Confirm(Offered),
}

impl Source {
    /// Its name in messages and menus.
    pub fn name(&self) -> &str {
        match self {
            Source::Rules { .. } => "the rules",
            Source::Command { name, .. } => name,
        }
    }
}

/// What a run's thread found: `(origin name, wanted)` per suggester, and
/// problems to report.
struct Found {
    runs: Vec<(String, Vec<Wanted>)>,
    problems: Vec<String>,
}

/// A run in progress.
struct Job {
    source: Source,
    path: PathBuf,
    hash: String,
    answer: mpsc::Receiver<Result<Found, String>>,
}

/// The window's suggest run: at most one at a time.
#[derive(Default)]
pub struct SuggestRun {
    job: Option<Job>,
    /// Review ▸ Suggest with…, while open.
    pub dialog: Option<Dialog>,
}

impl SuggestRun {
    /// True while a run's thread works.
    pub fn is_running(&self) -> bool {
        self.job.is_some()
    }

    /// Start a run of `source` on `doc`; `wake` asks for a frame when it
    /// is done. The message to show.
    pub fn start(
        &mut self,
        doc: &mut Session,
        source: Source,
        wake: impl Fn() + Send + 'static,
    ) -> String {
        if let Some(job) = &self.job {
            return format!("Suggest: {} is still running", job.source.name());
        }
        doc.finish_loading();
        let article = doc.file.article.clone();
        let existing = doc.annotations.as_slice().to_vec();
        let name = doc.file.file_name();
        let (tx, rx) = mpsc::channel();
        let asked = source.clone();
        let spawned = std::thread::Builder::new()
            .name("suggest".into())
            .spawn(move || {
                let found = find(&asked, &article, &existing, &name);
                // The window may be gone; nothing to do then.
                let _gone = tx.send(found);
                wake();
            });
        match spawned {
            Ok(_) => {
                let message = format!("Suggest: asking {}…", source.name());
                self.job = Some(Job {
                    source,
                    path: doc.file.path.clone(),
                    hash: doc.file.article.hash().to_owned(),
                    answer: rx,
                });
                message
            }
            Err(e) => format!("Suggest: could not start a thread: {e}"),
        }
    }

    /// Take a finished run's answer and add it to `doc` (one undo step).
    /// The message to show, once the run is over.
    pub fn poll(&mut self, doc: Option<&mut Session>, now_s: f64) -> Option<String> {
        let job = self.job.as_ref()?;
        let found = match job.answer.try_recv() {
            Ok(found) => found,
            Err(mpsc::TryRecvError::Empty) => return None,
            Err(mpsc::TryRecvError::Disconnected) => Err("the run ended without an answer".into()),
        };
        let job = self.job.take()?;
        let found = match found {
            Ok(found) => found,
            Err(e) => return Some(format!("Suggest failed: {e}")),
        };
        let Some(doc) =
            doc.filter(|d| d.file.path == job.path && d.file.article.hash() == job.hash)
        else {
            return Some(
                "Suggest: the article changed or was closed meanwhile; nothing added".into(),
            );
        };
        let (change, fingerprints, counts) = plan_runs(doc, &found.runs);
        let added = !change.is_empty();
        let before = doc.suggested.len();
        doc.suggested.extend(fingerprints);
        doc.suggested.sort();
        doc.suggested.dedup();
        if added {
            doc.apply(change, now_s);
        } else if doc.suggested.len() != before {
            doc.save_state = crate::store::session::SaveState::Unsaved;
        }
        let mut message = match added {
            true => format!("Suggest ({}): {}", job.source.name(), summary(&counts)),
            false => format!("Suggest ({}): nothing new", job.source.name()),
        };
        if let Some(first) = found.problems.first() {
            message.push_str(&format!(
                "; {} problem(s), the first: {first}",
                found.problems.len()
            ));
        }
        Some(message)
    }
}

/// `added 3 quotes, 2 speakers, 5 links, 2 cues, 1 entity (unreviewed; Ctrl+Z undoes)`.
fn summary(c: &Counts) -> String {
    format!(
        "added {} quotes, {} speakers, {} links, {} cues, {} other entities (unreviewed; Ctrl+Z undoes)",
        c.quotes, c.speakers, c.links, c.cues, c.entities
    )
}

/// What `source` wants for `article` (run on the suggest thread).
fn find(
    source: &Source,
    article: &Article,
    existing: &[Annotation],
    name: &str,
) -> Result<Found, String> {
    match source {
        Source::Rules { cues } => {
            let mut lexicon = Lexicon::builtin();
            let mut problems = Vec::new();
            if let Some(path) = cues {
                let text = std::fs::read_to_string(path)
                    .map_err(|e| format!("cannot read the cue file {}: {e}", path.display()))?;
                problems.extend(
                    lexicon
                        .extend(&text)
                        .into_iter()
                        .map(|e| format!("{}: {e}", path.display())),
                );
            }
            let tagged = occurrences::tagged(existing);
            Ok(Found {
                runs: vec![
                    (
                        RULES_NAME.to_owned(),
                        engine::attributions(article, &lexicon),
                    ),
                    (
                        RULES_NAME.to_owned(),
                        occurrences::occurrences(article, existing, &tagged),
                    ),
                ],
                problems,
            })
        }
        Source::Command {
            command,
            dir,
            timeout,
            ..
        } => {
            let input = external::request_line(article.text(), name);
            let answer = suggester::run_in(command, input, *timeout, dir.as_deref())
                .map_err(|e| e.to_string())?;
            let mut wanted = Vec::new();
            let mut problems = Vec::new();
            for (i, line) in answer.lines().enumerate() {
                if line.trim().is_empty() {
                    continue;
                }
                match Answer::parse(line) {
                    Ok(a) if a.text().is_none_or(|t| t == article.text()) => {
                        let (w, bad) = a.wanted(article);
                        wanted.extend(w);
                        problems.extend(bad.into_iter().map(|b| format!("line {}: {b}", i + 1)));
                    }
                    Ok(_) => problems.push(format!("line {}: about another text", i + 1)),
                    Err(reason) => problems.push(format!("line {}: {reason}", i + 1)),
                }
            }
            Ok(Found {
                runs: vec![(command.clone(), wanted)],
                problems,
            })
        }
    }
}

/// Plan each run in turn against `doc`'s annotations: the edits of all of
/// them (one change), the fingerprints to remember, and what was added.
pub fn plan_runs(doc: &Session, runs: &[(String, Vec<Wanted>)]) -> (Change, Vec<String>, Counts) {
    let article = &doc.file.article;
    let mut set = Annotations::from_vec(doc.annotations.as_slice().to_vec());
    let mut seen: BTreeSet<String> = doc.suggested.iter().cloned().collect();
    let mut history = History::default();
    let mut change = Change::new();
    let mut counts = Counts::default();
    let now = chrono::Utc::now();
    for (name, wanted) in runs {
        let who = Suggester {
            author: AUTHOR.to_owned(),
            origin: engine::origin(name),
            now,
        };
        let p = plan::plan(article, set.as_slice(), &seen, wanted, &who);
        counts += p.counts;
        seen.extend(p.fingerprints);
        change.extend(p.edits.iter().cloned());
        history.apply(&mut set, p.edits);
    }
    (change, seen.into_iter().collect(), counts)
}
