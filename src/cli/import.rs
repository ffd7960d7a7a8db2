//! `marginalia import`: merge spaCy, doccano or brat annotations into sidecars.
//!
//! Every record is matched to an article *exactly* — by `meta.source` under
//! the root, or by its text's hash — and its text must equal the article's;
//! anything that does not match is reported as `input:line: reason` and
//! skipped, never guessed. An annotation with the same label and range as
//! one already in the sidecar is a duplicate and is not added again, so
//! importing a file twice changes nothing.

use crate::cli::{ImportFormat, paths};
use crate::formats::{self, TextRecord, brat};
use crate::model::annotation::{Annotation, AnnotationId, Label, Link, Origin, Status};
use crate::model::document::content_hash;
use crate::model::offset::CharRange;
use crate::store::article_file::{self, ArticleFile};
use crate::store::sidecar::{self, DiskState, Sidecar};
use anyhow::{Context, bail};
use chrono::{DateTime, Utc};
use clap::{Args, ValueEnum};
use std::collections::{BTreeMap, HashMap};
use std::path::{Path, PathBuf};

/// Review status given to imported annotations.
#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum ImportStatus {
    /// Pre-annotations to review (the default).
    Unreviewed,
    /// Already reviewed elsewhere.
    Accepted,
}

/// Arguments of `marginalia import`.
#[derive(Debug, Args)]
pub struct ImportArgs {
    /// Input format (default: brat for a folder, spacy for a file).
    #[arg(long, value_enum)]
    pub format: Option<ImportFormat>,
    /// Folder that `meta.source` paths are relative to, and that is searched for
    /// articles matching a record's text (default: the input's folder).
    #[arg(long)]
    pub root: Option<PathBuf>,
    /// Status of the imported annotations.
    #[arg(long = "as", value_enum, default_value_t = ImportStatus::Unreviewed)]
    pub status: ImportStatus,
    /// Author of the imported annotations (default: the format name).
    #[arg(long)]
    pub author: Option<String>,
    /// A JSONL file (spacy, doccano) or a folder of X.txt + X.ann pairs (brat).
    pub input: PathBuf,
    /// `--encoding NAME`.
    #[command(flatten)]
    pub encoding: crate::cli::EncodingArg,
}

/// Run the import; exit code 0, or 1 when something was skipped as a problem.
pub fn run(args: &ImportArgs) -> anyhow::Result<u8> {
    let format = args.format.unwrap_or(if args.input.is_dir() {
        ImportFormat::Brat
    } else {
        ImportFormat::Spacy
    });
    let format_name = match format {
        ImportFormat::Spacy => "spacy",
        ImportFormat::Doccano => "doccano",
        ImportFormat::Brat => "brat",
    };
    let mut session = Session {
        targets: BTreeMap::new(),
        origin: Origin::Imported {
            source: args.input.display().to_string(),
            format: format_name.to_owned(),
        },
        status: match args.status {
            ImportStatus::Unreviewed => Status::Unreviewed,
            ImportStatus::Accepted => Status::Accepted,
        },
        author: args
            .author
            .clone()
            .unwrap_or_else(|| format_name.to_owned()),
        now: Utc::now(),
        counts: Counts::default(),
        encoding: args.encoding.encoding,
    };
    match format {
        ImportFormat::Brat => import_brat(&args.input, &mut session)?,
        ImportFormat::Spacy | ImportFormat::Doccano => {
            let parse = match format {
                ImportFormat::Doccano => formats::doccano::parse_line,
                _ => formats::spacy::parse_line,
            };
            let root = match &args.root {
                Some(r) => r.clone(),
                None => match args.input.parent() {
                    Some(p) if !p.as_os_str().is_empty() => p.to_owned(),
                    _ => PathBuf::from("."),
                },
            };
            import_jsonl(&args.input, &root, parse, &mut session)?;
        }
    }
    session.save_all()?;
    let c = &session.counts;
    eprintln!(
        "{} records, {} spans imported, {} duplicates skipped, {} problems",
        c.records, c.imported, c.duplicates, c.problems
    );
    Ok(u8::from(c.problems > 0))
}

#[derive(Debug, Default)]
struct Counts {
    records: usize,
    imported: usize,
    duplicates: usize,
    problems: usize,
}

/// An article being imported into, with its sidecar as read.
struct Target {
    file: ArticleFile,
    sidecar: Sidecar,
    disk: DiskState,
    changed: bool,
}

struct Session {
    /// `--encoding`: read the articles with it.
    encoding: Option<crate::model::decode::TextEncoding>,
    targets: BTreeMap<PathBuf, Target>,
    origin: Origin,
    status: Status,
    author: String,
    now: DateTime<Utc>,
    counts: Counts,
}

/// A span to add.
struct NewSpan {
    range: CharRange,
    label: Label,
    kind: Option<String>,
}

impl Session {
    /// Report a problem at `place` (`input:line`).
    fn problem(&mut self, place: &str, reason: impl std::fmt::Display) {
        println!("{place}: {reason}");
        self.counts.problems += 1;
    }

    /// The article at `path`, loaded once. The error is a reason to report.
    fn target(&mut self, path: &Path) -> Result<&mut Target, String> {
        if !self.targets.contains_key(path) {
            let file =
                article_file::read_article_with(path, self.encoding).map_err(|e| e.to_string())?;
            crate::cli::warn_about_encoding(&file);
            let sc_path = sidecar::sidecar_path(path);
            let (sidecar, disk) = match sidecar::read(&sc_path).map_err(|e| e.to_string())? {
                Some((sc, disk)) => {
                    if !sc.matches(&file.article) {
                        return Err(format!(
                            "{}: the article changed since its sidecar was written; run `marginalia check` first",
                            path.display()
                        ));
                    }
                    (sc, disk)
                }
                None => (file.sidecar(Vec::new()), DiskState::Absent),
            };
            self.targets.insert(
                path.to_owned(),
                Target {
                    file,
                    sidecar,
                    disk,
                    changed: false,
                },
            );
        }
        self.targets
            .get_mut(path)
            .ok_or_else(|| "internal: target vanished".to_owned())
    }

    /// Add a span to the article at `path`, or find its duplicate. Returns
    /// the id of the annotation now holding it.
    fn add(&mut self, path: &Path, span: NewSpan) -> Result<AnnotationId, String> {
        let origin = self.origin.clone();
        let (status, author, now) = (self.status, self.author.clone(), self.now);
        let target = self.target(path)?;
        let char_len = target.file.article.char_len();
        if span.range.is_empty() {
            return Err(format!("span {}: empty", span.range));
        }
        if span.range.end.0 > char_len {
            return Err(format!(
                "span {}: out of range (the article has {char_len} code points)",
                span.range
            ));
        }
        for pos in [span.range.start, span.range.end] {
            if target.file.article.splits_grapheme(pos) {
                return Err(format!(
                    "span {}: offset {pos} splits a character (grapheme cluster)",
                    span.range
                ));
            }
        }
        if let Some(dup) = target
            .sidecar
            .annotations
            .iter()
            .find(|a| a.label == span.label && a.range() == span.range)
        {
            let id = dup.id.clone();
            self.counts.duplicates += 1;
            return Ok(id);
        }
        let Some(mut a) = Annotation::new(
            &target.file.article,
            span.range,
            span.label,
            &author,
            now,
            origin,
        ) else {
            return Err(format!("span {}: out of range", span.range));
        };
        a.kind = span.kind;
        a.status = status;
        let id = a.id.clone();
        target.sidecar.annotations.push(a);
        target.changed = true;
        self.counts.imported += 1;
        Ok(id)
    }

    /// Change one annotation already added or found.
    fn edit(&mut self, path: &Path, id: &AnnotationId, f: impl FnOnce(&mut Annotation) -> bool) {
        if let Some(t) = self.targets.get_mut(path)
            && let Some(a) = t.sidecar.annotations.iter_mut().find(|a| &a.id == id)
            && f(a)
        {
            t.changed = true;
        }
    }

    fn save_all(&mut self) -> anyhow::Result<()> {
        for (path, t) in &self.targets {
            if !t.changed {
                continue;
            }
            let sc_path = sidecar::sidecar_path(path);
            sidecar::save(&sc_path, &t.sidecar, &t.disk)
                .with_context(|| format!("saving {}", sc_path.display()))?;
        }
        Ok(())
    }
}

type ParseLine = fn(&str) -> Result<TextRecord, String>;

fn import_jsonl(
    input: &Path,
    root: &Path,
    parse: ParseLine,
    session: &mut Session,
) -> anyhow::Result<()> {
    if input.is_dir() {
        bail!(
            "{}: is a folder; spacy and doccano imports read a JSONL file",
            input.display()
        );
    }
    let content = std::fs::read_to_string(input)
        .with_context(|| format!("{}: cannot read as UTF-8 text", input.display()))?;
    let mut by_hash: Option<HashMap<String, Vec<PathBuf>>> = None;
    for (i, line) in content.lines().enumerate() {
        let place = format!("{}:{}", input.display(), i + 1);
        if line.trim().is_empty() {
            continue;
        }
        session.counts.records += 1;
        let record = match parse(line) {
            Ok(r) => r,
            Err(reason) => {
                session.problem(&place, reason);
                continue;
            }
        };
        let path = match (&record.source, &record.text) {
            (Some(source), _) => root.join(source),
            (None, Some(text)) => {
                let index = match &by_hash {
                    Some(index) => index,
                    None => by_hash.insert(hash_articles(root, session.encoding)?),
                };
                match index.get(&content_hash(text)).map(Vec::as_slice) {
                    Some([one]) => one.clone(),
                    Some(many) => {
                        session.problem(
                            &place,
                            format!(
                                "{} articles under {} have this text; add meta.source to choose",
                                many.len(),
                                root.display()
                            ),
                        );
                        continue;
                    }
                    None => {
                        session.problem(
                            &place,
                            format!("no article under {} has this text", root.display()),
                        );
                        continue;
                    }
                }
            }
            (None, None) => {
                session.problem(&place, "the record has neither meta.source nor text");
                continue;
            }
        };
        let target = match session.target(&path) {
            Ok(t) => t,
            Err(reason) => {
                session.problem(&place, reason);
                continue;
            }
        };
        if let Some(text) = &record.text
            && text != target.file.article.text()
        {
            let hint = article_file::encoding_giving(&path, text)
                .map(|e| {
                    format!(
                        "; the record's text is the file read as {e}, not {}: import with --encoding {e}",
                        target.file.encoding
                    )
                })
                .unwrap_or_default();
            let reason = format!(
                "the record's text differs from the text of {} ({} vs {} code points){hint}",
                path.display(),
                text.chars().count(),
                target.file.article.char_len()
            );
            session.problem(&place, reason);
            continue;
        }
        for s in &record.spans {
            let (label, kind) = formats::label_from_name(&s.label, s.kind.as_deref());
            let span = NewSpan {
                range: CharRange::from_usize(s.start, s.end),
                label,
                kind,
            };
            if s.start >= s.end {
                session.problem(
                    &place,
                    format!("span {}..{}: empty or reversed", s.start, s.end),
                );
                continue;
            }
            if let Err(reason) = session.add(&path, span) {
                session.problem(&place, reason);
            }
        }
    }
    Ok(())
}

/// Content hash → article paths, for every article under `root`.
fn hash_articles(
    root: &Path,
    encoding: Option<crate::model::decode::TextEncoding>,
) -> anyhow::Result<HashMap<String, Vec<PathBuf>>> {
    let mut index: HashMap<String, Vec<PathBuf>> = HashMap::new();
    for path in paths::expand(&[root.to_owned()])? {
        // An unreadable file simply matches nothing; `check` reports it.
        if let Ok(file) = article_file::read_article_with(&path, encoding) {
            index
                .entry(file.article.hash().to_owned())
                .or_default()
                .push(path);
        }
    }
    Ok(index)
}

fn import_brat(input: &Path, session: &mut Session) -> anyhow::Result<()> {
    if !input.is_dir() {
        bail!(
            "{}: brat import reads a folder of X.txt + X.ann pairs",
            input.display()
        );
    }
    let mut anns = Vec::new();
    find_ann_files(input, &mut anns)?;
    anns.sort();
    for ann_path in anns {
        import_brat_doc(&ann_path, session)?;
    }
    Ok(())
}

fn find_ann_files(dir: &Path, out: &mut Vec<PathBuf>) -> anyhow::Result<()> {
    let entries =
        std::fs::read_dir(dir).with_context(|| format!("{}: cannot list folder", dir.display()))?;
    for entry in entries {
        let path = entry
            .with_context(|| format!("{}: cannot list folder", dir.display()))?
            .path();
        if path.is_dir() {
            find_ann_files(&path, out)?;
        } else if path.extension().is_some_and(|e| e == "ann") {
            out.push(path);
        }
    }
    Ok(())
}

fn import_brat_doc(ann_path: &Path, session: &mut Session) -> anyhow::Result<()> {
    let shown = ann_path.display().to_string();
    let txt_path = ann_path.with_extension("txt");
    let ann_text = std::fs::read_to_string(ann_path)
        .with_context(|| format!("{shown}: cannot read as UTF-8 text"))?;
    let Ok(raw_bytes) = std::fs::read(&txt_path) else {
        session.problem(&shown, format!("no {} beside it", txt_path.display()));
        return Ok(());
    };
    let Ok(raw) = String::from_utf8(raw_bytes) else {
        session.problem(
            &txt_path.display().to_string(),
            "not UTF-8; brat offsets are only defined on UTF-8 text",
        );
        return Ok(());
    };
    let map = brat::OffsetMap::new(&raw);
    let ann = brat::parse_ann(&ann_text);
    for (line, reason) in &ann.problems {
        session.problem(&format!("{shown}:{line}"), reason);
    }
    if let Err(reason) = session.target(&txt_path) {
        session.problem(&shown, reason);
        return Ok(());
    }
    let mut ids: HashMap<&str, Vec<AnnotationId>> = HashMap::new();
    for e in &ann.entities {
        session.counts.records += 1;
        let place = format!("{shown}:{}", e.line);
        let mut ranges = Vec::new();
        for &(start, end) in &e.fragments {
            match (map.to_article(start), map.to_article(end)) {
                (Some(s), Some(t)) if s < t => ranges.push(CharRange::from_usize(s, t)),
                _ => {
                    session.problem(
                        &place,
                        format!(
                            "{}: offsets {start} {end} are empty or past the end of the text",
                            e.id
                        ),
                    );
                    ranges.clear();
                    break;
                }
            }
        }
        if ranges.is_empty() {
            continue;
        }
        let Some(target) = session.targets.get(&txt_path) else {
            continue;
        };
        let article = &target.file.article;
        let found: Vec<&str> = ranges.iter().filter_map(|r| article.slice(*r)).collect();
        if !brat::same_text_modulo_whitespace(&found.join(" "), &e.text) {
            let reason = format!(
                "{}: the text column {:?} differs from the text at its offsets {:?}",
                e.id,
                e.text,
                found.join(" ")
            );
            session.problem(&place, reason);
            continue;
        }
        if ranges.len() > 1 {
            println!(
                "{place}: {} is discontinuous: imported as {} separate spans",
                e.id,
                ranges.len()
            );
        }
        let (label, kind) = formats::label_from_name(&e.kind, None);
        for range in ranges {
            let span = NewSpan {
                range,
                label,
                kind: kind.clone(),
            };
            match session.add(&txt_path, span) {
                Ok(id) => ids.entry(e.id.as_str()).or_default().push(id),
                Err(reason) => session.problem(&place, reason),
            }
        }
    }
    for n in &ann.notes {
        let Some(targets) = ids.get(n.target.as_str()) else {
            session.problem(
                &format!("{shown}:{}", n.line),
                format!("AnnotatorNotes for {}, which was not imported", n.target),
            );
            continue;
        };
        for id in targets.clone() {
            session.edit(&txt_path, &id, |a| match &mut a.note {
                Some(old) if old.contains(&n.text) => false,
                Some(old) => {
                    old.push('\n');
                    old.push_str(&n.text);
                    true
                }
                None => {
                    a.note = Some(n.text.clone());
                    true
                }
            });
        }
    }
    for r in &ann.relations {
        let (Some(from), Some(to)) = (ids.get(r.arg1.as_str()), ids.get(r.arg2.as_str())) else {
            session.problem(
                &format!("{shown}:{}", r.line),
                format!(
                    "{} {} → {}: an argument was not imported",
                    r.kind, r.arg1, r.arg2
                ),
            );
            continue;
        };
        let Some(to) = to.first().cloned() else {
            continue;
        };
        let link = Link::new(r.kind.to_lowercase(), to);
        for id in from.clone() {
            session.edit(&txt_path, &id, |a| {
                if a.links.contains(&link) {
                    return false;
                }
                a.links.push(link.clone());
                true
            });
        }
    }
    Ok(())
}
