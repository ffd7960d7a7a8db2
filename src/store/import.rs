//! The file side of the import pipeline ([`crate::formats::import`]): reading
//! the input, finding each document's article and sidecar, and saving.
//!
//! [`import`] is `marginalia import`: records are matched to articles
//! *exactly* (by `meta.source` under the root, or by the hash of their text),
//! brat `.ann` files to their `.txt` (beside them, or under `texts` when the
//! annotations sit apart, with `X_ANNOTATOR.ann` naming `X.txt` and its
//! author when `annotator_sep` is set). [`into_open_article`] is File ▸
//! Import in the window: the same reading and the same [`apply`], for the
//! article that is open, whose annotations may not be saved yet.
//!
//! Every problem is a line `input:line: what and why`; nothing is guessed.

use crate::formats::import::{Applied, Counts, Format, ImportOptions, InDoc, apply};
use crate::formats::{brat, citron};
use crate::model::annotation::{Annotations, Origin};
use crate::model::decode::TextEncoding;
use crate::model::document::content_hash;
use crate::store::article_file::{self, ArticleFile};
use crate::store::sidecar::{self, DiskState};
use crate::store::walk;
use anyhow::{Context, bail};
use std::collections::{BTreeMap, HashMap};
use std::path::{Path, PathBuf};

/// What to import, and how.
#[derive(Clone, Debug)]
pub struct ImportRequest {
    /// A records file, a brat `.ann`, or a folder of `.ann` files.
    pub input: PathBuf,
    /// The input's format.
    pub format: Format,
    /// The folder `meta.source` is relative to and that is searched for a
    /// record's text (default: the input's folder).
    pub root: Option<PathBuf>,
    /// brat: the folder holding the texts, when the `.ann` files sit apart
    /// (`X.ann` under the input ↔ `X.txt` at the same relative path here).
    pub texts: Option<PathBuf>,
    /// brat: `X{sep}NAME.ann` is annotator NAME's file for `X.txt`, imported
    /// with NAME as author.
    pub annotator_sep: Option<String>,
    /// Mapping, status, author, origin.
    pub options: ImportOptions,
    /// `--encoding`: read the articles with it (else the sidecar's, else detected).
    pub encoding: Option<TextEncoding>,
}

impl ImportRequest {
    /// A request with default options for `format`, origin naming the input.
    pub fn new(input: &Path, format: Format) -> ImportRequest {
        let mut options = ImportOptions::new(format.name());
        options.origin = Origin::Imported {
            source: input.display().to_string(),
            format: format.name().to_owned(),
        };
        ImportRequest {
            input: input.to_owned(),
            format,
            root: None,
            texts: None,
            annotator_sep: None,
            options,
            encoding: None,
        }
    }
}

/// What an import did.
#[derive(Clone, Debug, Default)]
pub struct ImportOutcome {
    /// The counts over all documents.
    pub counts: Counts,
    /// `input:line: what was not imported and why`, in input order.
    pub problems: Vec<String>,
    /// `input:line: what was imported differently`.
    pub notices: Vec<String>,
    /// `article: what to know about its encoding` (a doubtful guess, ...).
    pub warnings: Vec<String>,
}

/// An article being imported into, with its sidecar as read.
struct Target {
    file: ArticleFile,
    annotations: Annotations,
    note: Option<String>,
    disk: DiskState,
    changed: bool,
}

/// The articles touched by one import.
#[derive(Default)]
struct Targets {
    by_path: BTreeMap<PathBuf, Target>,
    /// `--encoding`.
    encoding: Option<TextEncoding>,
    /// Encoding warnings of the articles read.
    warnings: Vec<String>,
}

impl Targets {
    /// The article at `path`, loaded once. The error is a reason to report.
    fn get(&mut self, path: &Path) -> Result<&mut Target, String> {
        if !self.by_path.contains_key(path) {
            let file =
                article_file::read_article_with(path, self.encoding).map_err(|e| e.to_string())?;
            for w in file.encoding_warnings() {
                self.warnings.push(format!("{}: {w}", path.display()));
            }
            let sc_path = sidecar::sidecar_path(path);
            let (annotations, note, disk) = match sidecar::read(&sc_path)
                .map_err(|e| e.to_string())?
            {
                Some((sc, disk)) => {
                    if !sc.matches(&file.article) {
                        return Err(format!(
                            "{}: the article changed since its sidecar was written; run `marginalia reanchor` first",
                            path.display()
                        ));
                    }
                    (sc.annotations, sc.note, disk)
                }
                None => (Vec::new(), None, DiskState::Absent),
            };
            self.by_path.insert(
                path.to_owned(),
                Target {
                    file,
                    annotations: Annotations::from_vec(annotations),
                    note,
                    disk,
                    changed: false,
                },
            );
        }
        self.by_path
            .get_mut(path)
            .ok_or_else(|| "internal: the article was not kept".to_owned())
    }

    fn save_all(self, out: &mut ImportOutcome) -> anyhow::Result<()> {
        out.warnings.extend(self.warnings);
        for (path, t) in self.by_path {
            if !t.changed {
                continue;
            }
            let mut sc = t.file.sidecar(t.annotations.into_vec());
            sc.note = t.note;
            let sc_path = sidecar::sidecar_path(&path);
            sidecar::save(&sc_path, &sc, &t.disk)
                .with_context(|| format!("saving {}", sc_path.display()))?;
        }
        Ok(())
    }
}

impl ImportOutcome {
    fn problem(&mut self, place: &str, line: usize, reason: impl std::fmt::Display) {
        self.counts.not_imported += 1;
        self.problems.push(at(place, line, reason));
    }

    /// Fold one document's result in.
    fn take(&mut self, place: &str, applied: &Applied) {
        self.counts.add(&applied.counts);
        for (line, reason) in &applied.problems {
            self.problems.push(at(place, *line, reason));
        }
        for (line, what) in &applied.notices {
            self.notices.push(at(place, *line, what));
        }
    }
}

/// `input:line: reason` (`input: reason` for line 0, a whole file).
fn at(place: &str, line: usize, reason: impl std::fmt::Display) -> String {
    if line == 0 {
        format!("{place}: {reason}")
    } else {
        format!("{place}:{line}: {reason}")
    }
}

/// Apply `doc` to `target` and keep the result.
fn apply_to(target: &mut Target, doc: &InDoc, options: &ImportOptions) -> Applied {
    let applied = apply(
        doc,
        &target.file.article,
        &target.annotations,
        target.note.as_deref(),
        options,
    );
    for e in &applied.edits {
        target.changed |= e.apply_to(&mut target.annotations);
    }
    if let Some(note) = &applied.note {
        target.note = Some(note.clone());
        target.changed = true;
    }
    applied
}

/// Run an import: merge the input into the sidecars of its articles.
/// Errors are for the input as a whole (unreadable, wrong kind of path);
/// everything per element is in the outcome.
pub fn import(req: &ImportRequest) -> anyhow::Result<ImportOutcome> {
    let mut targets = Targets {
        encoding: req.encoding,
        ..Targets::default()
    };
    let mut out = ImportOutcome::default();
    if req.format.is_standoff() {
        import_brat(req, &mut targets, &mut out)?;
    } else {
        import_records(req, &mut targets, &mut out)?;
    }
    targets.save_all(&mut out)?;
    Ok(out)
}

fn import_records(
    req: &ImportRequest,
    targets: &mut Targets,
    out: &mut ImportOutcome,
) -> anyhow::Result<()> {
    let input = &req.input;
    if input.is_dir() {
        bail!(
            "{}: is a folder; {} imports read a file",
            input.display(),
            req.format.name()
        );
    }
    let content = std::fs::read_to_string(input)
        .with_context(|| format!("{}: cannot read as UTF-8 text", input.display()))?;
    let root = match &req.root {
        Some(r) => r.clone(),
        None => match input.parent() {
            Some(p) if !p.as_os_str().is_empty() => p.to_owned(),
            _ => PathBuf::from("."),
        },
    };
    let place = input.display().to_string();
    let parsed = req.format.read_records(&content);
    out.counts.records += parsed.docs.len() + parsed.problems.len();
    for (line, reason) in &parsed.problems {
        out.problem(&place, *line, reason);
    }
    let mut by_hash: Option<HashMap<String, Vec<PathBuf>>> = None;
    for doc in &parsed.docs {
        let path = match locate(doc, &root, &mut by_hash, req.encoding) {
            Ok(p) => p,
            Err(reason) => {
                out.counts.not_imported += doc.element_count().max(1);
                out.problems.push(at(&place, doc.line, reason));
                continue;
            }
        };
        let target = match targets.get(&path) {
            Ok(t) => t,
            Err(reason) => {
                out.counts.not_imported += doc.element_count().max(1);
                out.problems.push(at(&place, doc.line, reason));
                continue;
            }
        };
        if let Some(text) = &doc.text
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
            let elements = doc.element_count() - doc.problems.len() - doc.left_out.len();
            out.counts.not_imported += elements.max(1);
            out.problems.push(at(
                &place,
                doc.line,
                format!(
                    "the record's text differs from the text of {} ({} vs {} code points){hint}",
                    path.display(),
                    text.chars().count(),
                    target.file.article.char_len()
                ),
            ));
            continue;
        }
        let applied = apply_to(target, doc, &req.options);
        out.take(&place, &applied);
    }
    Ok(())
}

/// The article a record is about: `meta.source` under `root`, else the one
/// article under `root` whose text is the record's.
fn locate(
    doc: &InDoc,
    root: &Path,
    by_hash: &mut Option<HashMap<String, Vec<PathBuf>>>,
    encoding: Option<TextEncoding>,
) -> Result<PathBuf, String> {
    // A `source` that names no file under the root (Prodigy's and doccano's
    // meta often hold a corpus name there) gives way to the text.
    let named = doc.source.as_ref().map(|s| root.join(s));
    match (named, &doc.text) {
        (Some(path), None) => Ok(path),
        (Some(path), Some(_)) if path.is_file() => Ok(path),
        (_, Some(text)) => {
            let index = match by_hash {
                Some(index) => index,
                None => by_hash.insert(hash_articles(root, encoding)),
            };
            match index.get(&content_hash(text)).map(Vec::as_slice) {
                Some([one]) => Ok(one.clone()),
                Some(many) => Err(format!(
                    "{} articles under {} have this text; add meta.source to choose",
                    many.len(),
                    root.display()
                )),
                None => Err(format!("no article under {} has this text", root.display())),
            }
        }
        (None, None) => Err("the record has neither meta.source nor text".into()),
    }
}

/// Content hash → article paths, for every article under `root`.
fn hash_articles(root: &Path, encoding: Option<TextEncoding>) -> HashMap<String, Vec<PathBuf>> {
    let (paths, _) = walk::article_files(root);
    let mut index: HashMap<String, Vec<PathBuf>> = HashMap::new();
    for path in paths {
        // An unreadable file simply matches nothing; `check` reports it.
        if let Ok(file) = article_file::read_article_with(&path, encoding) {
            index
                .entry(file.article.hash().to_owned())
                .or_default()
                .push(path);
        }
    }
    index
}

/// One `.ann` file to import, with its text and author.
#[derive(Debug, PartialEq, Eq)]
struct AnnJob {
    ann: PathBuf,
    txt: PathBuf,
    author: Option<String>,
}

/// The `.ann` files of a brat import and the texts they belong to.
fn ann_jobs(req: &ImportRequest) -> anyhow::Result<Vec<AnnJob>> {
    let input = &req.input;
    let ext = req.format.standoff_extension();
    let (anns, base) = if input.is_dir() {
        let mut anns = Vec::new();
        let mut errors = Vec::new();
        walk::walk_files(
            input,
            &|p: &Path| p.extension().is_some_and(|e| e == ext),
            &mut anns,
            &mut errors,
        );
        if let Some(e) = errors.into_iter().next() {
            return Err(e.into());
        }
        anns.sort();
        (anns, input.clone())
    } else if input.extension().is_some_and(|e| e == ext) {
        let base = input.parent().map(Path::to_owned).unwrap_or_default();
        (vec![input.clone()], base)
    } else {
        bail!(
            "{}: a {} import reads a folder of .{ext} files (or one .{ext} file)",
            input.display(),
            req.format.name()
        );
    };
    let jobs = anns
        .into_iter()
        .map(|ann| {
            let rel = ann.strip_prefix(&base).unwrap_or(&ann).to_owned();
            let stem = rel
                .file_stem()
                .map(|s| s.to_string_lossy().into_owned())
                .unwrap_or_default();
            let (text_stem, author) = match req.annotator_sep.as_deref() {
                Some(sep) if !sep.is_empty() => match stem.rsplit_once(sep) {
                    Some((x, who)) if !x.is_empty() && !who.is_empty() => {
                        (x.to_owned(), Some(who.to_owned()))
                    }
                    _ => (stem.clone(), None),
                },
                _ => (stem.clone(), None),
            };
            let txt_rel = rel.with_file_name(format!("{text_stem}.txt"));
            let txt = match &req.texts {
                Some(texts) => texts.join(txt_rel),
                None => base.join(txt_rel),
            };
            AnnJob { ann, txt, author }
        })
        .collect();
    Ok(jobs)
}

fn import_brat(
    req: &ImportRequest,
    targets: &mut Targets,
    out: &mut ImportOutcome,
) -> anyhow::Result<()> {
    for job in ann_jobs(req)? {
        out.counts.records += 1;
        let place = job.ann.display().to_string();
        let ann_text = match std::fs::read(&job.ann).map(String::from_utf8) {
            Ok(Ok(t)) => t,
            Ok(Err(_)) => {
                out.problem(&place, 0, "not UTF-8 text; the file is not imported");
                continue;
            }
            Err(e) => {
                out.problem(&place, 0, format!("cannot read: {e}"));
                continue;
            }
        };
        if req.format == Format::Citron {
            match targets.get(&job.txt) {
                Ok(target) => {
                    let doc = citron::read(&ann_text, &target.file.article);
                    let applied = apply_to(target, &doc, &req.options);
                    out.take(&place, &applied);
                }
                Err(reason) => out.problem(&place, 0, reason),
            }
            continue;
        }
        let Ok(raw) = std::fs::read(&job.txt) else {
            out.problem(
                &place,
                0,
                format!(
                    "no text {} for it; the file is not imported",
                    job.txt.display()
                ),
            );
            continue;
        };
        let Ok(raw) = String::from_utf8(raw) else {
            out.problem(
                &place,
                0,
                format!(
                    "{} is not UTF-8; brat offsets are only defined on UTF-8 text",
                    job.txt.display()
                ),
            );
            continue;
        };
        let target = match targets.get(&job.txt) {
            Ok(t) => t,
            Err(reason) => {
                out.problem(&place, 0, reason);
                continue;
            }
        };
        let doc = brat::read(&ann_text, &raw, &target.file.article);
        let mut options = req.options.clone();
        if let Some(author) = &job.author {
            options.author = author.clone();
            options.per_author = true;
        }
        let applied = apply_to(target, &doc, &options);
        out.take(&place, &applied);
    }
    Ok(())
}

/// What File ▸ Import found for the open article.
#[derive(Clone, Debug, Default)]
pub struct OpenArticleImport {
    /// The format read.
    pub format: Option<Format>,
    /// The edits (one undo step) and the new document note, if any.
    pub applied: Applied,
    /// Records about other articles, left alone.
    pub other_records: usize,
    /// `line: reason` for each problem.
    pub problems: Vec<String>,
}

/// Import `input` (a records file or a brat `.ann`) into the open article
/// `file`, whose annotations are `annotations`: the same reading and rules
/// as [`import`], nothing saved. Records about other articles are counted
/// and left alone. An empty `options.author` becomes the format's name; the
/// origin names `input`.
pub fn into_open_article(
    input: &Path,
    file: &ArticleFile,
    annotations: &Annotations,
    note: Option<&str>,
    options: &ImportOptions,
) -> anyhow::Result<OpenArticleImport> {
    let content = std::fs::read_to_string(input)
        .with_context(|| format!("{}: cannot read as UTF-8 text", input.display()))?;
    let file_name = input
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    let format = Format::guess(&file_name, &content);
    let mut options = options.clone();
    if options.author.is_empty() {
        options.author = format.name().to_owned();
    }
    options.origin = Origin::Imported {
        source: input.display().to_string(),
        format: format.name().to_owned(),
    };
    let mut result = OpenArticleImport {
        format: Some(format),
        ..OpenArticleImport::default()
    };
    let docs = if format == Format::Citron {
        vec![citron::read(&content, &file.article)]
    } else if format.is_standoff() {
        let raw = std::fs::read(&file.path)
            .with_context(|| format!("reading {}", file.path.display()))?;
        let raw = String::from_utf8(raw).map_err(|_| {
            anyhow::anyhow!("the article is not UTF-8; brat offsets are only defined on UTF-8 text")
        })?;
        vec![brat::read(&content, &raw, &file.article)]
    } else {
        let parsed = format.read_records(&content);
        result.applied.counts.not_imported += parsed.problems.len();
        for (line, reason) in parsed.problems {
            result.problems.push(format!("line {line}: {reason}"));
        }
        let (ours, others): (Vec<InDoc>, Vec<InDoc>) = parsed
            .docs
            .into_iter()
            .partition(|d| d.is_for(&file.article, &file.file_name()));
        result.other_records = others.len();
        ours
    };
    // Each document sees what the ones before it added.
    let mut working = annotations.clone();
    let mut note = note.map(str::to_owned);
    for doc in &docs {
        result.applied.counts.records += 1;
        let applied = apply(doc, &file.article, &working, note.as_deref(), &options);
        for e in &applied.edits {
            e.apply_to(&mut working);
        }
        if let Some(n) = &applied.note {
            note = Some(n.clone());
            result.applied.note = Some(n.clone());
        }
        result.applied.counts.add(&applied.counts);
        for (line, reason) in &applied.problems {
            result.problems.push(format!("line {line}: {reason}"));
        }
        result.applied.notices.extend(applied.notices);
        result.applied.edits.extend(applied.edits);
    }
    Ok(result)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn annotator_files_name_their_text_and_author() {
        let dir = tempfile::tempdir().unwrap();
        let anns = dir.path().join("attributions");
        std::fs::create_dir_all(anns.join("sub")).unwrap();
        for name in ["a_4b22.ann", "a_ef2d.ann", "sub/b_c.ann", "plain.ann"] {
            std::fs::write(anns.join(name), "").unwrap();
        }
        let mut req = ImportRequest::new(&anns, Format::Brat);
        req.texts = Some(dir.path().join("text"));
        req.annotator_sep = Some("_".into());
        let jobs = ann_jobs(&req).unwrap();
        let got: Vec<(String, Option<&str>)> = jobs
            .iter()
            .map(|j| {
                (
                    j.txt
                        .strip_prefix(dir.path())
                        .unwrap()
                        .display()
                        .to_string(),
                    j.author.as_deref(),
                )
            })
            .collect();
        assert_eq!(
            got,
            [
                ("text/a.txt".to_owned(), Some("4b22")),
                ("text/a.txt".to_owned(), Some("ef2d")),
                ("text/plain.txt".to_owned(), None),
                ("text/sub/b.txt".to_owned(), Some("c")),
            ]
        );
    }
}
