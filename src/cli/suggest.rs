//! `marginalia suggest`: write suggestions (quotes, claims, their speakers and
//! cues; entities at every occurrence of a tagged one; an external
//! program's spans) into sidecars as `unreviewed` annotations.
//!
//! The engine is [`crate::analysis::suggest`]; this command reads each
//! article and its sidecar, asks the engine what is new, and saves the
//! sidecar atomically (refusing if it changed on disk meanwhile). A sidecar
//! whose article was edited since it was written is left alone until
//! `marginalia reanchor` has been run: suggesting on stale offsets would
//! duplicate what is there.

use crate::analysis::suggest::external::{self, Answer};
use crate::analysis::suggest::lexicon::Lexicon;
use crate::analysis::suggest::occurrences::{self, Tagged};
use crate::analysis::suggest::plan::{self, Counts, Suggester, Wanted};
use crate::analysis::suggest::{self as engine, RULES_NAME};
use crate::cli::paths;
use crate::model::annotation::{Annotation, Annotations};
use crate::model::edit::History;
use crate::store::article_file::{self, Opened};
use crate::store::sidecar;
use crate::store::suggester;
use anyhow::Context;
use chrono::Utc;
use clap::Args;
use std::collections::{BTreeSet, HashMap};
use std::path::PathBuf;
use std::time::Duration;

/// Arguments of `marginalia suggest`.
#[derive(Debug, Args)]
pub struct SuggestArgs {
    /// Article files, or folders searched recursively.
    #[arg(required = true)]
    pub paths: Vec<PathBuf>,
    /// Also read reporting cues from this file (the format of
    /// assets/suggest/cues.txt); repeatable.
    #[arg(long = "cues", value_name = "FILE")]
    pub cues: Vec<PathBuf>,
    /// Run this program as a suggester: it reads JSON lines {"text", "meta":
    /// {"source"}} on stdin and answers spaCy-style JSONL on stdout.
    #[arg(long = "cmd", value_name = "COMMAND")]
    pub cmd: Option<String>,
    /// Seconds the --cmd program may take before it is stopped.
    #[arg(long, default_value_t = suggester::DEFAULT_TIMEOUT.as_secs())]
    pub timeout: u64,
    /// Leave out the built-in rules (quotes, claims, speakers, cues).
    #[arg(long)]
    pub no_rules: bool,
    /// Leave out every-occurrence suggestions.
    #[arg(long)]
    pub no_occurrences: bool,
    /// Every occurrence across articles: an entity tagged in any article
    /// given is suggested at its occurrences in all of them.
    #[arg(long)]
    pub across: bool,
    /// Author of the suggestions.
    #[arg(long, default_value = "suggest")]
    pub author: String,
    /// Print what would be suggested (one line per annotation) and write nothing.
    #[arg(long)]
    pub dry_run: bool,
    /// `--encoding NAME`.
    #[command(flatten)]
    pub encoding: crate::cli::EncodingArg,
}

/// One article read for suggesting.
struct Target {
    path: PathBuf,
    /// The path shown and sent to --cmd.
    name: String,
    opened: Opened,
}

/// Run; exit 0, or 1 when an article or an answer could not be used.
pub fn run(args: &SuggestArgs) -> anyhow::Result<u8> {
    let mut lexicon = Lexicon::builtin();
    for file in &args.cues {
        let text = std::fs::read_to_string(file)
            .with_context(|| format!("reading cues from {}", file.display()))?;
        let problems = lexicon.extend(&text);
        if let Some(p) = problems.first() {
            anyhow::bail!("{}:{p}", file.display());
        }
    }
    let articles = paths::expand(&args.paths)?;
    let mut problems: Vec<String> = Vec::new();
    let mut targets = Vec::new();
    for path in articles {
        match article_file::open_with(&path, args.encoding.encoding) {
            Ok(opened) if opened.article_changed => problems.push(format!(
                "{}: the article changed since its sidecar was written; run `marginalia reanchor` first",
                path.display()
            )),
                        Ok(opened) => {
                crate::cli::warn_about_encoding(&opened.file);
                targets.push(Target {
                                name: path.display().to_string(),
                path,
                opened,
            })
            }
            Err(e) => problems.push(format!("{}: {e}", path.display())),
        }
    }
    let external = match &args.cmd {
        Some(cmd) => ask_program(
            cmd,
            Duration::from_secs(args.timeout),
            &targets,
            &mut problems,
        )?,
        None => HashMap::new(),
    };
    let across: Vec<Tagged> = if args.across {
        let all: Vec<Annotation> = targets
            .iter()
            .flat_map(|t| t.opened.annotations.iter().cloned())
            .collect();
        occurrences::tagged(&all)
    } else {
        Vec::new()
    };
    let now = Utc::now();
    let one = |t: &Target| -> anyhow::Result<Counts> {
        let article = &t.opened.file.article;
        let existing = &t.opened.annotations;
        let mut runs: Vec<(String, Vec<Wanted>)> = Vec::new();
        if !args.no_rules {
            runs.push((
                RULES_NAME.to_owned(),
                engine::attributions(article, &lexicon),
            ));
        }
        if !args.no_occurrences {
            let mut tagged = occurrences::tagged(existing);
            tagged.extend(across.iter().cloned());
            tagged.sort();
            tagged.dedup();
            runs.push((
                RULES_NAME.to_owned(),
                occurrences::occurrences(article, existing, &tagged),
            ));
        }
        if let (Some(cmd), Some(wanted)) = (&args.cmd, external.get(&t.name)) {
            runs.push((cmd.clone(), wanted.clone()));
        }
        apply(t, &runs, &args.author, now, args.dry_run)
    };
    let results: Vec<anyhow::Result<Counts>> = if args.dry_run {
        // Printed in order.
        targets.iter().map(one).collect()
    } else {
        in_parallel(&targets, one)
    };
    let mut total = Counts::default();
    for (t, result) in targets.iter().zip(results) {
        match result {
            Ok(counts) => total += counts,
            Err(e) => problems.push(format!("{}: sidecar not written: {e:#}", t.path.display())),
        }
    }
    for p in &problems {
        println!("{p}");
    }
    eprintln!(
        "{} articles, {} quotes, {} speakers, {} links suggested",
        targets.len(),
        total.quotes,
        total.speakers,
        total.links
    );
    if total.cues + total.entities > 0 {
        eprintln!(
            "also {} cues and {} entities at other occurrences or from --cmd{}",
            total.cues,
            total.entities,
            if args.dry_run {
                " (dry run: nothing written)"
            } else {
                ""
            }
        );
    }
    Ok(u8::from(!problems.is_empty()))
}

/// `f` of each target, in order, on a few threads: the work is mostly
/// waiting for each atomic save's fsync, which threads overlap.
fn in_parallel<R: Send>(targets: &[Target], f: impl Fn(&Target) -> R + Sync) -> Vec<R> {
    const THREADS: usize = 8;
    let chunk = targets.len().div_ceil(THREADS).max(1);
    std::thread::scope(|scope| {
        let handles: Vec<_> = targets
            .chunks(chunk)
            .map(|part| scope.spawn(|| part.iter().map(&f).collect::<Vec<R>>()))
            .collect();
        handles
            .into_iter()
            .flat_map(|h| match h.join() {
                Ok(results) => results,
                Err(panic) => std::panic::resume_unwind(panic),
            })
            .collect()
    })
}

/// Plan each run in turn over one article and save the sidecar once.
/// Returns what was added.
fn apply(
    t: &Target,
    runs: &[(String, Vec<Wanted>)],
    author: &str,
    now: chrono::DateTime<Utc>,
    dry_run: bool,
) -> anyhow::Result<Counts> {
    let article = &t.opened.file.article;
    let mut set = Annotations::from_vec(t.opened.annotations.clone());
    let mut seen: BTreeSet<String> = t.opened.suggested.iter().cloned().collect();
    let mut counts = Counts::default();
    let mut history = History::default();
    let mut changed = false;
    for (name, wanted) in runs {
        let who = Suggester {
            author: author.to_owned(),
            origin: engine::origin(name),
            now,
        };
        let p = plan::plan(article, set.as_slice(), &seen, wanted, &who);
        changed |= !p.edits.is_empty() || p.fingerprints.iter().any(|f| !seen.contains(f));
        counts += p.counts;
        if dry_run {
            print_plan(&t.name, &p.edits, &set);
        }
        seen.extend(p.fingerprints);
        history.apply(&mut set, p.edits);
    }
    if changed && !dry_run {
        let sc_path = sidecar::sidecar_path(&t.path);
        let mut sc = t.opened.file.sidecar(set.into_vec());
        sc.suggested = seen.into_iter().collect();
        sidecar::save(&sc_path, &sc, &t.opened.disk)?;
    }
    Ok(counts)
}

/// One line per new annotation: `path: start..end Label(kind) "text" role→"text"`.
fn print_plan(name: &str, edits: &[crate::model::edit::Edit], existing: &Annotations) {
    use crate::model::edit::Edit;
    let new: HashMap<&str, &Annotation> = edits
        .iter()
        .filter_map(|e| match e {
            Edit::Insert(a) => Some((a.id.0.as_str(), a)),
            _ => None,
        })
        .collect();
    let quote_of = |id: &str| {
        new.get(id)
            .map(|a| a.quote.clone())
            .or_else(|| {
                existing
                    .iter()
                    .find(|a| a.id.0 == id)
                    .map(|a| a.quote.clone())
            })
            .unwrap_or_default()
    };
    for e in edits {
        let (a, what) = match e {
            Edit::Insert(a) => (a, "new"),
            Edit::Update { after, .. } => (&**after, "links added to"),
            Edit::Remove(_) => continue,
        };
        let links: Vec<String> = a
            .links
            .iter()
            .map(|l| format!("{}→{:?}", l.role, quote_of(&l.target.0)))
            .collect();
        let line = format!(
            "{name}: {what} {}..{} {}{} {:?} {}",
            a.start,
            a.end,
            a.label,
            a.kind
                .as_deref()
                .map(|k| format!("({k})"))
                .unwrap_or_default(),
            a.quote,
            links.join(" ")
        );
        println!("{}", line.trim_end());
    }
}

/// Run `cmd` once over all articles; the wanted annotations of each article
/// (by name). Unusable answer lines are reported in `problems`.
fn ask_program(
    cmd: &str,
    limit: Duration,
    targets: &[Target],
    problems: &mut Vec<String>,
) -> anyhow::Result<HashMap<String, Vec<Wanted>>> {
    let input: String = targets
        .iter()
        .map(|t| external::request_line(t.opened.file.article.text(), &t.name))
        .collect();
    let answer = suggester::run(cmd, input, limit)?;
    let by_name: HashMap<&str, &Target> = targets.iter().map(|t| (t.name.as_str(), t)).collect();
    let mut out: HashMap<String, Vec<Wanted>> = HashMap::new();
    for (i, line) in answer.lines().enumerate() {
        let place = format!("{cmd}: answer line {}", i + 1);
        if line.trim().is_empty() {
            continue;
        }
        let a = match Answer::parse(line) {
            Ok(a) => a,
            Err(reason) => {
                problems.push(format!("{place}: {reason}"));
                continue;
            }
        };
        let target = a
            .source()
            .and_then(|s| by_name.get(s).copied())
            .or_else(|| {
                let text = a.text()?;
                targets
                    .iter()
                    .find(|t| t.opened.file.article.text() == text)
            });
        let Some(target) = target else {
            problems.push(format!(
                "{place}: names no article given (meta.source {:?})",
                a.source()
            ));
            continue;
        };
        let (wanted, bad) = a.wanted(&target.opened.file.article);
        problems.extend(bad.into_iter().map(|b| format!("{place}: {b}")));
        out.entry(target.name.clone()).or_default().extend(wanted);
    }
    Ok(out)
}
