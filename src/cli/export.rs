//! `marginalia export`: write annotations for spaCy, doccano, brat, CoNLL,
//! Label Studio or Hugging Face `datasets`.
//!
//! Output is deterministic: articles in path order, spans in `(start, end,
//! id)` order. One worker thread per core reads and converts articles while the main
//! thread writes the results in order; each worker runs at most a few
//! articles ahead, so the corpus is never held in memory. Only exactly
//! anchored annotations whose quote still sits at their offsets are written;
//! the rest are counted in the closing summary with the reason.

use crate::cli::paths;
use crate::formats::{self, ExportDoc, Omission, conll, hf};
use crate::model::annotation::{Annotation, Label, Status};
use crate::store::article_file;
use crate::store::output::Output;
use crate::store::sidecar;
use anyhow::{Context, bail};
use clap::{Args, ValueEnum};
use std::collections::{BTreeMap, HashSet};
use std::io::{BufRead, IsTerminal, Write};
use std::path::{Path, PathBuf};

/// Export formats.
#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum ExportFormat {
    /// spaCy-style JSONL with code-point offsets.
    Spacy,
    /// doccano JSONL: {"text", "label": [[start, end, "LABEL"]]} (no relations).
    Doccano,
    /// doccano's relation JSONL: {"text", "entities": [...], "relations": [...]}.
    DoccanoRelations,
    /// brat X.txt + X.ann pairs in the --out folder.
    Brat,
    /// CoNLL-2003-style IOB2, one label layer (--label, default Entity).
    Conll,
    /// One JSON array of Label Studio tasks.
    Labelstudio,
    /// Hugging Face datasets JSONL (tokens + ner_tags) with labels.json.
    Hf,
    /// Citron's JSON data format, one X.json per article in the --out folder.
    Citron,
}

/// Arguments of `marginalia export`.
#[derive(Debug, Args)]
pub struct ExportArgs {
    /// Output format.
    #[arg(long, value_enum, default_value_t = ExportFormat::Spacy)]
    pub format: ExportFormat,
    /// Output file (spacy, doccano, conll, labelstudio; default stdout) or folder (brat: required; hf).
    #[arg(long)]
    pub out: Option<PathBuf>,
    /// Statuses to export (repeatable or comma list; `all`). Default: accepted,unreviewed.
    #[arg(long, value_delimiter = ',')]
    pub status: Vec<String>,
    /// Labels to export (repeatable or comma list). conll and hf take one: the BIO layer (default Entity).
    #[arg(long, value_delimiter = ',')]
    pub label: Vec<String>,
    /// Only annotations by these authors (repeatable or comma list).
    #[arg(long, value_delimiter = ',')]
    pub author: Vec<String>,
    /// Article files, or folders searched recursively.
    #[arg(required = true)]
    pub paths: Vec<PathBuf>,
    /// `--encoding NAME`.
    #[command(flatten)]
    pub encoding: crate::cli::EncodingArg,
}

/// Articles converted and handed to the writer as one.
const BLOCK: usize = 8;

/// Blocks each worker may hold ahead of the writer: bounds memory.
const AHEAD: usize = 2;

/// Below this many articles, threads cost more than they save.
const PARALLEL_FROM: usize = 4;

/// What to keep, validated from the arguments.
struct Filter {
    statuses: HashSet<Status>,
    labels: HashSet<Label>,
    authors: HashSet<String>,
    /// The BIO layer for conll and hf.
    layer: Label,
    /// `--encoding`: read the articles with it.
    encoding: Option<crate::model::decode::TextEncoding>,
}

/// One article to export: its path, its name in the output, and its
/// position (Label Studio's task id is position + 1).
struct Job {
    path: PathBuf,
    source: String,
    index: usize,
}

/// The conversion of one article, ready to be written in order.
#[derive(Default)]
struct Converted {
    /// Bytes for the main output (a JSONL line, a CoNLL document, a task),
    /// in parts written one after the other.
    text: Vec<Vec<u8>>,
    /// Tokens and tags, for hf (ids are assigned in output order).
    bio: Option<conll::Bio>,
    spans: usize,
    /// Left out by decision (filters, unconfirmed anchors), by reason.
    skipped: BTreeMap<&'static str, usize>,
    /// Chosen but not representable in the format, by reason.
    lost: BTreeMap<&'static str, usize>,
    /// The label schema's entity kinds (hf: they get the first ids).
    kinds: Vec<String>,
    /// Lines for stderr.
    messages: Vec<String>,
    failed: bool,
    /// brat: the types used, for `annotation.conf`.
    brat_usage: Option<formats::brat::Usage>,
}

/// Run the export. Exit code 0, or 1 when an article could not be read or
/// something chosen could not be represented in the format.
pub fn run(args: &ExportArgs) -> anyhow::Result<u8> {
    let filter = parse_filter(args)?;
    let jobs = collect_jobs(&args.paths)?;
    let format = args.format;
    let out_dir = match format {
        ExportFormat::Brat | ExportFormat::Citron => {
            let Some(dir) = &args.out else {
                bail!(
                    "{} export needs --out FOLDER",
                    if format == ExportFormat::Brat {
                        "brat"
                    } else {
                        "citron"
                    }
                );
            };
            std::fs::create_dir_all(dir)
                .with_context(|| format!("{}: cannot create folder", dir.display()))?;
            Some(dir.clone())
        }
        ExportFormat::Hf => match &args.out {
            Some(dir) => {
                std::fs::create_dir_all(dir)
                    .with_context(|| format!("{}: cannot create folder", dir.display()))?;
                Some(dir.clone())
            }
            None => None,
        },
        _ => None,
    };
    if matches!(format, ExportFormat::Brat | ExportFormat::Citron) {
        check_brat_names(&jobs)?;
    }
    // hf lines are written with provisional ids to a temporary file and
    // rewritten with the final ones once every article is tagged.
    let mut hf_provisional = match format {
        ExportFormat::Hf => Some(
            tempfile::tempfile_in(out_dir.clone().unwrap_or_else(std::env::temp_dir))
                .context("cannot create a temporary file for the hf lines")?,
        ),
        _ => None,
    };
    // Written in big chunks on a thread of its own; `--out FILE` replaces
    // the file only once the export is complete.
    let mut sink = match (format, &args.out) {
        (ExportFormat::Brat | ExportFormat::Citron, _) => Output::discard(),
        (ExportFormat::Hf, _) => match &hf_provisional {
            Some(f) => Output::file(f.try_clone()?),
            None => Output::discard(),
        },
        (_, Some(file)) => {
            Output::replacing(file).with_context(|| format!("{}: cannot create", file.display()))?
        }
        (_, None) => Output::stdout(),
    };
    let progress = std::io::stderr().is_terminal() && jobs.len() > 1;
    let mut tag_ids = hf::TagIds::default();
    let (mut spans, mut failed) = (0usize, 0usize);
    let mut skipped: BTreeMap<&'static str, usize> = BTreeMap::new();
    let mut lost: BTreeMap<&'static str, usize> = BTreeMap::new();
    let mut first_task = true;
    let mut brat_usage = formats::brat::Usage::default();
    if format == ExportFormat::Labelstudio {
        sink.write_all(b"[")?;
    }
    let mut done = 0usize;
    let mut write_one = |c: Converted| -> anyhow::Result<()> {
        done += 1;
        if progress {
            eprint!("\r\x1b[K");
        }
        for m in &c.messages {
            eprintln!("{m}");
        }
        if progress {
            eprint!("exporting {done}/{}", jobs.len());
        }
        spans += c.spans;
        failed += usize::from(c.failed);
        if let Some(usage) = c.brat_usage {
            brat_usage.merge(usage);
        }
        for (reason, n) in c.skipped {
            *skipped.entry(reason).or_default() += n;
        }
        for (reason, n) in c.lost {
            *lost.entry(reason).or_default() += n;
        }
        tag_ids.put_first(c.kinds.iter().map(String::as_str));
        if let Some(bio) = &c.bio {
            let source = &jobs[done - 1].source;
            sink.write_all(hf::export_lines(bio, source, &mut tag_ids).as_bytes())?;
        }
        if format == ExportFormat::Labelstudio && !c.failed {
            sink.write_all(if first_task { b"\n" } else { b",\n" })?;
            first_task = false;
        }
        for part in c.text {
            sink.write_owned(part)?;
        }
        Ok(())
    };
    convert_all(&jobs, format, &filter, out_dir.as_deref(), &mut write_one)?;
    if format == ExportFormat::Labelstudio {
        sink.write_all(b"\n]\n")?;
    }
    sink.finish().context("writing the output")?;
    if progress {
        eprint!("\r\x1b[K");
    }
    if let (ExportFormat::Brat, Some(dir)) = (format, &out_dir) {
        let conf = dir.join("annotation.conf");
        std::fs::write(&conf, brat_usage.annotation_conf())
            .with_context(|| format!("{}: cannot write", conf.display()))?;
    }
    if let Some(provisional) = hf_provisional.take() {
        write_hf_final(provisional, out_dir.as_deref(), &tag_ids)?;
    }
    let lost_total: usize = lost.values().sum();
    eprintln!(
        "{} articles, {spans} spans exported, {} skipped{}, {lost_total} not representable{}",
        jobs.len() - failed,
        skipped.values().sum::<usize>(),
        reasons(&skipped),
        reasons(&lost),
    );
    Ok(u8::from(failed > 0 || lost_total > 0))
}

/// ` (2 quote mismatch, 1 links to annotations not exported)`, or nothing.
fn reasons(counts: &BTreeMap<&'static str, usize>) -> String {
    if counts.is_empty() {
        return String::new();
    }
    let parts: Vec<String> = counts.iter().map(|(r, n)| format!("{n} {r}")).collect();
    format!(" ({})", parts.join(", "))
}

/// Rewrite the provisional hf lines with the final, stable ids into
/// `data.jsonl` (or stdout), and write `labels.json` (or print the names).
fn write_hf_final(
    provisional: std::fs::File,
    out_dir: Option<&Path>,
    tag_ids: &hf::TagIds,
) -> anyhow::Result<()> {
    use std::io::Seek;
    let mut provisional = provisional;
    provisional.rewind()?;
    let mut sink: Box<dyn Write> = match out_dir {
        Some(dir) => Box::new(std::io::BufWriter::new(
            std::fs::File::create(dir.join("data.jsonl"))
                .with_context(|| format!("{}: cannot create data.jsonl", dir.display()))?,
        )),
        None => Box::new(std::io::BufWriter::new(std::io::stdout().lock())),
    };
    let final_ids = tag_ids.final_ids();
    for line in std::io::BufReader::new(provisional).lines() {
        let line = hf::final_line(&line?, &final_ids).map_err(anyhow::Error::msg)?;
        writeln!(sink, "{line}")?;
    }
    sink.flush().context("writing the output")?;
    match out_dir {
        Some(dir) => std::fs::write(dir.join("labels.json"), tag_ids.labels_json())
            .with_context(|| format!("{}: cannot write labels.json", dir.display()))?,
        None => eprintln!("label_names: {}", serde_json::json!(tag_ids.names())),
    }
    Ok(())
}

fn parse_filter(args: &ExportArgs) -> anyhow::Result<Filter> {
    let mut statuses = HashSet::new();
    for s in &args.status {
        if s.trim().eq_ignore_ascii_case("all") {
            statuses.extend(Status::ALL);
        } else {
            let Some(st) = Status::parse(s) else {
                bail!("--status {s:?}: expected accepted, unreviewed, rejected or all");
            };
            statuses.insert(st);
        }
    }
    if statuses.is_empty() {
        statuses.extend([Status::Accepted, Status::Unreviewed]);
    }
    let mut labels = HashSet::new();
    for l in &args.label {
        let Some(label) = Label::parse(l) else {
            bail!("--label {l:?}: expected Entity, Claim or Quote");
        };
        labels.insert(label);
    }
    let bio = matches!(args.format, ExportFormat::Conll | ExportFormat::Hf);
    if bio && labels.len() > 1 {
        bail!(
            "--format conll/hf writes one label layer (BIO cannot hold overlaps): give one --label"
        );
    }
    let layer = labels.iter().next().copied().unwrap_or(Label::Entity);
    Ok(Filter {
        statuses,
        labels,
        authors: args.author.iter().map(|a| a.trim().to_owned()).collect(),
        layer,
        encoding: args.encoding.encoding,
    })
}

/// Articles in path order, each named relative to the folder it was found
/// in (a file given directly is named by its file name).
fn collect_jobs(inputs: &[PathBuf]) -> anyhow::Result<Vec<Job>> {
    let mut jobs: Vec<Job> = Vec::new();
    for input in inputs {
        let found = paths::expand(std::slice::from_ref(input))?;
        let is_dir = input.is_dir();
        for path in found {
            let source = if is_dir {
                path.strip_prefix(input).unwrap_or(&path).to_path_buf()
            } else {
                PathBuf::from(path.file_name().unwrap_or_default())
            };
            let source = source
                .components()
                .map(|c| c.as_os_str().to_string_lossy())
                .collect::<Vec<_>>()
                .join("/");
            jobs.push(Job {
                path,
                source,
                index: 0,
            });
        }
    }
    jobs.sort_by(|a, b| a.path.cmp(&b.path));
    jobs.dedup_by(|a, b| a.path == b.path);
    for (i, j) in jobs.iter_mut().enumerate() {
        j.index = i;
    }
    Ok(jobs)
}

/// The brat file stem of an article: its source without the extension.
fn brat_stem(source: &str) -> String {
    let p = Path::new(source);
    p.with_extension("").to_string_lossy().into_owned()
}

fn check_brat_names(jobs: &[Job]) -> anyhow::Result<()> {
    let mut seen = HashSet::new();
    for j in jobs {
        if !seen.insert(brat_stem(&j.source)) {
            bail!(
                "{}: another article would also be written as {}.txt; export them separately",
                j.path.display(),
                brat_stem(&j.source)
            );
        }
    }
    Ok(())
}

/// Convert every job and hand the results to `write` in job order.
///
/// One worker per core converts while the calling thread writes. Jobs go
/// in blocks of [`BLOCK`]: worker `w` takes blocks `w, w + workers, ...` and
/// sends each block's results down its own bounded channel, and the writer
/// takes one block from each channel in turn, which restores job order. A
/// block per message, not an article, spares two thread wake-ups per small
/// article (8 % of an export of 10,000 small files). The bounds keep at
/// most `AHEAD + 1` converted blocks per worker in memory, and no worker
/// waits for a batch to be written.
fn convert_all(
    jobs: &[Job],
    format: ExportFormat,
    filter: &Filter,
    out_dir: Option<&Path>,
    write: &mut dyn FnMut(Converted) -> anyhow::Result<()>,
) -> anyhow::Result<()> {
    let workers = crate::store::cores();
    if jobs.len() < PARALLEL_FROM || workers < 2 {
        for j in jobs {
            write(convert(j, format, filter, out_dir))?;
        }
        return Ok(());
    }
    std::thread::scope(|scope| {
        let (receivers, handles): (Vec<_>, Vec<_>) = (0..workers)
            .map(|w| {
                let (tx, rx) = std::sync::mpsc::sync_channel::<Vec<Converted>>(AHEAD);
                let handle = scope.spawn(move || {
                    for block in jobs.chunks(BLOCK).skip(w).step_by(workers) {
                        let done = block
                            .iter()
                            .map(|j| convert(j, format, filter, out_dir))
                            .collect();
                        // The writer hung up (an output error): stop early.
                        if tx.send(done).is_err() {
                            break;
                        }
                    }
                });
                (rx, handle)
            })
            .unzip();
        let mut written = Ok(());
        'blocks: for (b, block) in jobs.chunks(BLOCK).enumerate() {
            // A worker that panicked hangs up; its remaining jobs are reported.
            let mut done = receivers[b % workers]
                .recv()
                .unwrap_or_default()
                .into_iter();
            for j in block {
                let c = done.next().unwrap_or_else(|| Converted {
                    messages: vec![format!("{}: conversion failed", j.path.display())],
                    failed: true,
                    ..Default::default()
                });
                written = write(c);
                if written.is_err() {
                    break 'blocks;
                }
            }
        }
        drop(receivers);
        // Joined by hand so a panicked worker is reported above, not re-raised.
        for h in handles {
            let _ = h.join();
        }
        written
    })
}

/// Read one article and its sidecar, choose the annotations, convert.
fn convert(job: &Job, format: ExportFormat, filter: &Filter, out_dir: Option<&Path>) -> Converted {
    let mut c = Converted::default();
    let shown = job.path.display();
    // The article is read with the encoding its sidecar records (whose
    // head is not read a second time for it), while the annotations parse.
    let read = |recorded: Option<&sidecar::ArticleInfo>| {
        article_file::read_article_recorded(&job.path, filter.encoding, recorded)
    };
    let (found, read) = match sidecar::read_alongside(&sidecar::sidecar_path(&job.path), read) {
        Ok((found, read)) => (Ok(found), read),
        // A broken sidecar's head may still name the encoding.
        Err(e) => (
            Err(e),
            article_file::read_article_with(&job.path, filter.encoding),
        ),
    };
    let file = match read {
        Ok(f) => f,
        Err(e) => {
            c.messages.push(e.to_string());
            c.failed = true;
            return c;
        }
    };
    c.messages.extend(
        file.encoding_warnings()
            .into_iter()
            .map(|w| format!("warning: {shown}: {w}")),
    );
    let article = &file.article;
    let (annotations, doc_note) = match found {
        Ok(Some((sc, _))) => {
            if !sc.matches(article) {
                c.messages.push(format!(
                    "{shown}: the article changed since its sidecar was written; only annotations still on their quotes are exported"
                ));
            }
            (sc.annotations, sc.note)
        }
        Ok(None) => (Vec::new(), None),
        Err(e) => {
            c.messages.push(format!("{e}"));
            c.failed = true;
            return c;
        }
    };
    // Filtered in place: a big sidecar's annotations are not moved again.
    // Each is judged first, a big article's on every core (the quote check
    // converts char offsets to bytes: 9 ms of one core for 47,000 spans).
    let mut chosen: Vec<Annotation> = annotations;
    let bio_layer_only = matches!(format, ExportFormat::Conll | ExportFormat::Hf);
    let verdicts = judge_on_cores(&chosen, |a| {
        let label_ok = if bio_layer_only {
            a.label == filter.layer
        } else {
            filter.labels.is_empty() || filter.labels.contains(&a.label)
        };
        if !filter.statuses.contains(&a.status)
            || !label_ok
            || (!filter.authors.is_empty() && !filter.authors.contains(&a.author))
        {
            Verdict::Unchosen
        } else if !a.anchor.is_exact() {
            Verdict::Skipped("not exactly anchored")
        } else if a.start >= a.end || article.slice(a.range()) != Some(a.quote.as_str()) {
            Verdict::Skipped("quote mismatch")
        } else {
            Verdict::Kept
        }
    });
    // `retain` visits every element once, in order.
    let mut verdicts = verdicts.into_iter();
    chosen.retain(|a| match verdicts.next() {
        Some(Verdict::Kept) => true,
        Some(Verdict::Skipped(reason)) => {
            c.messages.push(format!(
                "{shown}: {} {} {:?}: skipped: {reason}",
                a.id,
                a.range(),
                a.quote
            ));
            *c.skipped.entry(reason).or_default() += 1;
            false
        }
        Some(Verdict::Unchosen) | None => false,
    });
    chosen.sort_by(|a, b| a.sort_key().cmp(&b.sort_key()));
    let doc = ExportDoc {
        article,
        source: &job.source,
        annotations: &chosen,
        note: doc_note.as_deref(),
    };
    c.spans = chosen.len();
    let mut omitted: Vec<Omission> = Vec::new();
    match format {
        ExportFormat::Spacy => c.text = formats::spacy::export_line_parts(&doc, &mut omitted),
        ExportFormat::Doccano => {
            c.text = vec![formats::doccano::export_line(&doc, &mut omitted).into_bytes()]
        }
        ExportFormat::DoccanoRelations => {
            c.text = vec![formats::doccano::export_relations_line(&doc, &mut omitted).into_bytes()];
        }
        ExportFormat::Labelstudio => {
            let id = job.index as u64 + 1;
            let task = formats::labelstudio::export_task(&doc, id, &mut omitted);
            c.text = vec![serde_json::to_vec(&task).unwrap_or_default()];
            report_labelstudio_authors(&mut c, &shown.to_string(), &chosen);
        }
        ExportFormat::Conll | ExportFormat::Hf => {
            let bio = conll::bio(&doc, filter.layer);
            c.spans = bio.emitted;
            for r in &bio.reports {
                c.messages
                    .push(format!("{shown}: {} {}: {}", r.id, r.range, r.issue));
                if r.issue.is_skip() {
                    *c.lost.entry(r.issue.reason()).or_default() += 1;
                }
            }
            for (a, l) in formats::exported_links(&doc, &mut omitted) {
                omitted.push(Omission::link(a, l, NO_LINKS_IN_BIO, true));
            }
            if format == ExportFormat::Hf && filter.layer == Label::Entity {
                let (schema, _) = crate::store::schema::find_and_load(&job.path);
                c.kinds = schema.entity_kinds;
            }
            if format == ExportFormat::Conll {
                c.text = vec![conll::export_doc(&bio).into_bytes()];
            } else {
                c.bio = Some(bio);
            }
        }
        ExportFormat::Brat => {
            let Some(dir) = out_dir else {
                c.failed = true;
                return c;
            };
            let stem = dir.join(brat_stem(&job.source));
            match write_brat(&stem, &doc, &mut omitted) {
                Ok(out) => c.brat_usage = Some(out.usage),
                Err(e) => {
                    c.messages.push(format!("{shown}: {e:#}"));
                    c.failed = true;
                    c.spans = 0;
                }
            }
        }
        ExportFormat::Citron => {
            let Some(dir) = out_dir else {
                c.failed = true;
                return c;
            };
            let mut file = dir.join(brat_stem(&job.source)).into_os_string();
            file.push(".json");
            let file = PathBuf::from(file);
            let citron = formats::citron::export(&doc, &mut omitted);
            let written = file
                .parent()
                .map_or(Ok(()), std::fs::create_dir_all)
                .and_then(|()| {
                    let mut json = serde_json::to_string_pretty(&citron)?;
                    json.push('\n');
                    std::fs::write(&file, json)
                });
            if let Err(e) = written {
                c.messages.push(format!("{shown}: {}: {e}", file.display()));
                c.failed = true;
                c.spans = 0;
            }
        }
    }
    // Only spaCy JSONL has a place for the article's note (brat's writer decides for itself).
    if !matches!(format, ExportFormat::Spacy | ExportFormat::Brat)
        && let Some(note) = &doc_note
    {
        omitted.push(Omission {
            id: crate::model::annotation::AnnotationId("(article)".into()),
            what: format!("note {note:?}"),
            reason: "notes",
            is_loss: true,
        });
    }
    for a in &chosen {
        if format.drops_notes()
            && let Some(note) = &a.note
        {
            omitted.push(Omission {
                id: a.id.clone(),
                what: format!("note {note:?}"),
                reason: "notes",
                is_loss: true,
            });
        }
        if format.drops_rejected() && a.status == Status::Rejected {
            omitted.push(Omission {
                id: a.id.clone(),
                what: "status rejected".to_string(),
                reason: "rejected marks (the format has no status: exported as a plain span)",
                is_loss: true,
            });
        }
        if format.drops_attrs() && !a.attrs.is_empty() {
            omitted.push(Omission {
                id: a.id.clone(),
                what: format!("attributes {:?}", a.attrs),
                reason: "attributes",
                is_loss: true,
            });
        }
    }
    for o in omitted {
        let verdict = if o.is_loss {
            "not representable"
        } else {
            "left out"
        };
        c.messages.push(format!(
            "{shown}: {}: {}: {verdict}: {}",
            o.id, o.what, o.reason
        ));
        let counts = if o.is_loss {
            &mut c.lost
        } else {
            &mut c.skipped
        };
        *counts.entry(o.reason).or_default() += 1;
    }
    // A big article's annotations and text are freed on a thread of their
    // own while its output is written (47,000 annotations took the writing
    // thread 15 ms to free).
    if chosen.len() >= DROP_ASIDE_FROM {
        crate::store::drop_aside((chosen, file));
    }
    c
}

/// From this many annotations an article's memory is freed aside.
const DROP_ASIDE_FROM: usize = 4096;

/// What the filters and the quote check decided for one annotation.
#[derive(Clone, Copy, Debug, PartialEq)]
enum Verdict {
    /// Exported.
    Kept,
    /// Not asked for (status, label or author): left out without a word.
    Unchosen,
    /// Asked for, but left out for this reason (reported).
    Skipped(&'static str),
}

/// From this many annotations they are judged on every core.
const PARALLEL_JUDGE_FROM: usize = 8192;

/// `judge` applied to each annotation, a long list's slices on every core;
/// the verdicts in the list's order.
fn judge_on_cores(
    annotations: &[Annotation],
    judge: impl Fn(&Annotation) -> Verdict + Sync,
) -> Vec<Verdict> {
    let threads = crate::store::cores();
    if annotations.len() < PARALLEL_JUDGE_FROM || threads < 2 {
        return annotations.iter().map(judge).collect();
    }
    let judge = &judge;
    let chunk = annotations.len().div_ceil(threads);
    std::thread::scope(|scope| {
        let mut slices = annotations.chunks(chunk);
        let first = slices.next().unwrap_or_default();
        let others: Vec<_> = slices
            .map(|slice| scope.spawn(move || slice.iter().map(judge).collect::<Vec<_>>()))
            .collect();
        let mut all: Vec<Verdict> = Vec::with_capacity(annotations.len());
        all.extend(first.iter().map(judge));
        for h in others {
            all.extend(h.join().unwrap_or_else(|p| std::panic::resume_unwind(p)));
        }
        all
    })
}

/// Why the authors of annotations are counted as lost in a Label Studio export.
const LS_IGNORES_AUTHORS: &str = "authors Label Studio ignores (kept in marginalia_author)";

/// Label Studio assigns an imported annotation to a user it knows (by
/// `completed_by`, which must be a member's email or id, or the importing
/// user), so the author of an annotation's spans is kept only in a field it
/// ignores (Marginalia's import reads it back). One line per author, each
/// span counted. A prediction's author is its `model_version`, which
/// Label Studio keeps.
fn report_labelstudio_authors(c: &mut Converted, shown: &str, chosen: &[Annotation]) {
    let mut spans: BTreeMap<&str, usize> = BTreeMap::new();
    for a in chosen {
        if a.status != Status::Unreviewed && !a.author.is_empty() {
            *spans.entry(a.author.as_str()).or_default() += 1;
        }
    }
    for (author, n) in spans {
        let s = if n == 1 { "" } else { "s" };
        c.messages.push(format!(
            "{shown}: author {author:?} of {n} span{s}: not representable in Label Studio: kept only in \"{}\", which Label Studio ignores (marginalia import reads it back)",
            formats::labelstudio::AUTHOR_FIELD
        ));
        *c.lost.entry(LS_IGNORES_AUTHORS).or_default() += n;
    }
}

/// Why links are left out of CoNLL and hf.
const NO_LINKS_IN_BIO: &str = "links (BIO tags have none)";

impl ExportFormat {
    /// True for the formats with no place for an annotation's note (spaCy
    /// JSONL has one, brat its AnnotatorNotes, Label Studio a region's meta).
    fn drops_notes(self) -> bool {
        !matches!(
            self,
            ExportFormat::Spacy | ExportFormat::Brat | ExportFormat::Labelstudio
        )
    }

    /// True for the formats with no place for a span's status, where a
    /// rejected span (exported because `--status` asked for it) reads as any
    /// other: spaCy JSONL has `status`; Label Studio's annotations read as
    /// accepted.
    fn drops_rejected(self) -> bool {
        !matches!(self, ExportFormat::Spacy)
    }

    /// True for the formats with no place for an annotation's attributes
    /// (spaCy JSONL has `attrs`; brat writes A lines).
    fn drops_attrs(self) -> bool {
        !matches!(self, ExportFormat::Spacy | ExportFormat::Brat)
    }
}

fn write_brat(
    stem: &Path,
    doc: &ExportDoc<'_>,
    omitted: &mut Vec<formats::Omission>,
) -> anyhow::Result<formats::brat::BratOut> {
    if let Some(parent) = stem.parent() {
        std::fs::create_dir_all(parent)
            .with_context(|| format!("{}: cannot create folder", parent.display()))?;
    }
    let with_ext = |ext: &str| {
        let mut name = stem.as_os_str().to_owned();
        name.push(ext);
        PathBuf::from(name)
    };
    let (txt, ann) = (with_ext(".txt"), with_ext(".ann"));
    std::fs::write(&txt, doc.article.text())
        .with_context(|| format!("{}: cannot write", txt.display()))?;
    let out = formats::brat::export(doc, omitted);
    std::fs::write(&ann, &out.ann).with_context(|| format!("{}: cannot write", ann.display()))?;
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn verdicts_on_every_core_come_in_the_list_order() {
        let doc = crate::model::sample_text::sample(3, 400_000, 3 * PARALLEL_JUDGE_FROM);
        let annotations = doc.annotations.into_vec();
        assert!(annotations.len() > PARALLEL_JUDGE_FROM);
        let judge = |a: &Annotation| match a.start.0 % 3 {
            0 => Verdict::Kept,
            1 => Verdict::Unchosen,
            _ => Verdict::Skipped(if a.end.0.is_multiple_of(2) {
                "even"
            } else {
                "odd"
            }),
        };
        let one_by_one: Vec<Verdict> = annotations.iter().map(judge).collect();
        assert_eq!(judge_on_cores(&annotations, judge), one_by_one);
        assert_eq!(judge_on_cores(&annotations[..5], judge), one_by_one[..5]);
    }
}
