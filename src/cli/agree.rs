//! `marginalia agree A B`: inter-annotator agreement (span F1 and token κ).
//!
//! The inputs name the two annotators' work in one of three ways: two
//! sidecars (or articles) of one article; two folders holding the same
//! relative article paths; or one folder (or article) plus
//! `--author X --author Y`, comparing X's and Y's annotations in each
//! sidecar. The scores are computed by [`crate::analysis::agree`].

use crate::analysis::agree::{
    self, Disagreement, DocumentPair, DocumentScores, GroupBy, Report, Side, SpanCounts,
};
use crate::cli::{encoding_warnings, parallel};
use crate::model::annotation::{Annotation, Status};
use crate::model::decode::TextEncoding;
use crate::store::article_file;
use crate::store::sidecar;
use crate::store::walk;
use anyhow::{Context, bail};
use serde_json::json;
use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

/// Parse a `--status` value.
pub fn parse_status(s: &str) -> Result<Status, String> {
    Status::parse(s).ok_or_else(|| format!("unknown status {s:?} (unreviewed, accepted, rejected)"))
}

/// The statuses compared when `--status` is not given: all but rejected.
pub const DEFAULT_STATUSES: [Status; 2] = [Status::Unreviewed, Status::Accepted];

/// One document's inputs, owned.
struct Doc {
    name: String,
    text: Option<String>,
    a: Vec<Annotation>,
    b: Vec<Annotation>,
}

/// Compare and print, spans grouped `by` label or kind. Always exit 0 when
/// the inputs could be read.
pub fn run(
    paths: &[PathBuf],
    authors: &[String],
    statuses: &[Status],
    by: GroupBy,
    json: bool,
    encoding: Option<TextEncoding>,
) -> anyhow::Result<u8> {
    let statuses: &[Status] = if statuses.is_empty() {
        &DEFAULT_STATUSES
    } else {
        statuses
    };
    // Each document is scored on the thread that read it, then dropped:
    // both folders are never held in memory at once.
    let score = |d: Doc| {
        let (a, b) = (with_status(&d.a, statuses), with_status(&d.b, statuses));
        let pair = DocumentPair {
            name: &d.name,
            text: d.text.as_deref(),
            a: &a,
            b: &b,
        };
        agree::score_document(&pair, by)
    };
    let (scores, a_name, b_name) = match (paths, authors) {
        ([one], [x, y]) => (
            by_author(one, x, y, encoding, &score)?,
            format!("author {x}"),
            format!("author {y}"),
        ),
        (_, [_, _]) => bail!("with --author X --author Y give exactly one folder or article"),
        (_, [_, ..]) => bail!("give --author exactly twice (the two annotators)"),
        ([a, b], []) if a.is_dir() && b.is_dir() => (
            by_folders(a, b, encoding, &score)?,
            a.display().to_string(),
            b.display().to_string(),
        ),
        ([a, b], []) if !a.is_dir() && !b.is_dir() => (
            vec![score(pair(a, b, encoding)?)],
            a.display().to_string(),
            b.display().to_string(),
        ),
        ([_, _], []) => bail!("give two sidecars (or articles), or two folders, not one of each"),
        _ => bail!("give two sidecars or folders, or one folder with --author X --author Y"),
    };
    let report = agree::combine(scores, by);
    if json {
        println!("{:#}", to_json(&report, &a_name, &b_name));
    } else {
        print!("{}", to_table(&report, &a_name, &b_name));
    }
    Ok(0)
}

fn with_status<'a>(annotations: &'a [Annotation], statuses: &[Status]) -> Vec<&'a Annotation> {
    annotations
        .iter()
        .filter(|a| statuses.contains(&a.status))
        .collect()
}

/// The sidecar and article a path names (either may be given).
fn sidecar_and_article(path: &Path) -> (PathBuf, PathBuf) {
    match walk::article_of_sidecar(path) {
        Some(article) if walk::is_sidecar_name(path) => (path.to_owned(), article),
        _ => (sidecar::sidecar_path(path), path.to_owned()),
    }
}

/// One side's sidecar: its annotations and what it records of the article
/// (hash, encoding; none when there is no sidecar but the article exists).
struct SideRead {
    annotations: Vec<Annotation>,
    article: Option<sidecar::ArticleInfo>,
}

/// The annotations of one side: the sidecar's, or none when there is no
/// sidecar but the article exists. `Ok(None)` when neither exists.
fn side(path: &Path) -> anyhow::Result<Option<SideRead>> {
    let (sc_path, article) = sidecar_and_article(path);
    match sidecar::read(&sc_path)? {
        Some((sc, _)) => Ok(Some(SideRead {
            annotations: sc.annotations,
            article: Some(sc.article),
        })),
        None if article.is_file() => Ok(Some(SideRead {
            annotations: Vec::new(),
            article: None,
        })),
        None => Ok(None),
    }
}

/// [`side`], with the article read (with the encoding its sidecar
/// records) while the sidecar is parsed; `None` for an article that cannot
/// be read.
fn side_and_article(
    path: &Path,
    encoding: Option<TextEncoding>,
) -> anyhow::Result<(Option<SideRead>, Option<article_file::ArticleFile>)> {
    let (sc_path, article) = sidecar_and_article(path);
    let read = |recorded: Option<&sidecar::ArticleInfo>| {
        article_file::read_article_recorded(&article, encoding, recorded).ok()
    };
    let (found, file) = sidecar::read_alongside(&sc_path, read)?;
    let side = match found {
        Some((sc, _)) => Some(SideRead {
            annotations: sc.annotations,
            article: Some(sc.article),
        }),
        None if article.is_file() => Some(SideRead {
            annotations: Vec::new(),
            article: None,
        }),
        None => None,
    };
    Ok((side, file))
}

/// The article text, if it can be read, with the encoding `recorded` in its
/// sidecar (from [`side`], not read again). Warns (into `warnings`) when the
/// sidecar was written for a different text, since its offsets would not fit.
fn text_of(
    path: &Path,
    recorded: Option<&sidecar::ArticleInfo>,
    encoding: Option<TextEncoding>,
    warnings: &mut Vec<String>,
) -> Option<String> {
    let (_, article) = sidecar_and_article(path);
    let file = article_file::read_article_recorded(&article, encoding, recorded).ok();
    text_from(path, file, recorded, warnings)
}

/// [`text_of`] for an article already read.
fn text_from(
    path: &Path,
    file: Option<article_file::ArticleFile>,
    recorded: Option<&sidecar::ArticleInfo>,
    warnings: &mut Vec<String>,
) -> Option<String> {
    let (sc_path, _) = sidecar_and_article(path);
    let file = file?;
    warnings.extend(encoding_warnings(&file));
    if recorded.is_some_and(|r| r.hash != file.article.hash()) {
        warnings.push(format!(
            "warning: {}: the article changed since the sidecar was written; token scores may be off",
            sc_path.display()
        ));
    }
    Some(file.article.text().to_owned())
}

fn pair(a: &Path, b: &Path, encoding: Option<TextEncoding>) -> anyhow::Result<Doc> {
    let missing = |p: &Path| format!("{}: no such sidecar or article", p.display());
    // B's sidecar is read on its own thread while A's is parsed and its
    // article read beside it (two 22 MB sidecars took one core in turn).
    let (a_read, b_side) = std::thread::scope(|scope| {
        let b_side = scope.spawn(|| side(b));
        let a_read = side_and_article(a, encoding);
        let b_side = b_side
            .join()
            .unwrap_or_else(|panic| std::panic::resume_unwind(panic));
        (a_read, b_side)
    });
    let (a_side, a_file) = a_read?;
    let a_side = a_side.with_context(|| missing(a))?;
    let b_side = b_side?.with_context(|| missing(b))?;
    let mut warnings = Vec::new();
    let text = text_from(a, a_file, a_side.article.as_ref(), &mut warnings)
        .or_else(|| text_of(b, b_side.article.as_ref(), encoding, &mut warnings));
    for warning in warnings {
        eprintln!("{warning}");
    }
    if text.is_none() {
        eprintln!("warning: article text not found next to either sidecar; κ is not computed");
    }
    let (_, article) = sidecar_and_article(a);
    Ok(Doc {
        name: article
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default(),
        text,
        a: a_side.annotations,
        b: b_side.annotations,
    })
}

/// Relative article paths under `root`, from articles and from sidecars.
fn relative_articles(root: &Path) -> anyhow::Result<BTreeSet<PathBuf>> {
    let (mut found, mut errors) = (Vec::new(), Vec::new());
    let wanted = |p: &Path| walk::is_article_name(p) || walk::is_sidecar_name(p);
    walk::walk_files(root, &wanted, &mut found, &mut errors);
    if let Some(e) = errors.into_iter().next() {
        return Err(e.into());
    }
    Ok(found
        .into_iter()
        .map(|p| walk::article_of_sidecar(&p).unwrap_or(p))
        .filter_map(|p| p.strip_prefix(root).ok().map(Path::to_owned))
        .collect())
}

fn by_folders(
    a_root: &Path,
    b_root: &Path,
    encoding: Option<TextEncoding>,
    score: &(dyn Fn(Doc) -> DocumentScores + Sync),
) -> anyhow::Result<Vec<DocumentScores>> {
    let mut names = relative_articles(a_root)?;
    names.extend(relative_articles(b_root)?);
    let names: Vec<PathBuf> = names.into_iter().collect();
    // Read on every core; warnings printed in order.
    let read = parallel::map_in_order(&names, |rel| -> anyhow::Result<_> {
        let (a_path, b_path) = (a_root.join(rel), b_root.join(rel));
        let mut warnings = Vec::new();
        let (Some(a), Some(b)) = (side(&a_path)?, side(&b_path)?) else {
            warnings.push(format!(
                "warning: {}: in only one of the two folders; skipped",
                rel.display()
            ));
            return Ok((warnings, None));
        };
        let text = text_of(&a_path, a.article.as_ref(), encoding, &mut warnings)
            .or_else(|| text_of(&b_path, b.article.as_ref(), encoding, &mut warnings));
        let doc = Doc {
            name: rel.display().to_string(),
            text,
            a: a.annotations,
            b: b.annotations,
        };
        Ok((warnings, Some(score(doc))))
    });
    let mut docs = Vec::new();
    for result in read {
        let (warnings, doc) = result?;
        for warning in warnings {
            eprintln!("{warning}");
        }
        docs.extend(doc);
    }
    Ok(docs)
}

fn by_author(
    path: &Path,
    x: &str,
    y: &str,
    encoding: Option<TextEncoding>,
    score: &(dyn Fn(Doc) -> DocumentScores + Sync),
) -> anyhow::Result<Vec<DocumentScores>> {
    let (root, names) = if path.is_dir() {
        (path.to_owned(), relative_articles(path)?)
    } else {
        let (_, article) = sidecar_and_article(path);
        let root = article.parent().map(Path::to_owned).unwrap_or_default();
        let name = article.file_name().map(PathBuf::from).unwrap_or_default();
        (root, BTreeSet::from([name]))
    };
    let names: Vec<PathBuf> = names.into_iter().collect();
    // Read on every core; warnings printed in order.
    let read = parallel::map_in_order(&names, |rel| -> anyhow::Result<_> {
        let article = root.join(rel);
        let Some(all) = side(&article)? else {
            bail!("{}: no such sidecar or article", article.display());
        };
        let mut warnings = Vec::new();
        let text = text_of(&article, all.article.as_ref(), encoding, &mut warnings);
        let (a, rest): (Vec<_>, Vec<_>) = all.annotations.into_iter().partition(|n| n.author == x);
        let b = rest.into_iter().filter(|n| n.author == y).collect();
        let doc = Doc {
            name: rel.display().to_string(),
            text,
            a,
            b,
        };
        Ok((warnings, score(doc)))
    });
    let mut docs = Vec::new();
    for result in read {
        let (warnings, doc) = result?;
        for warning in warnings {
            eprintln!("{warning}");
        }
        docs.push(doc);
    }
    Ok(docs)
}

fn score(x: Option<f64>) -> String {
    x.map_or_else(|| "-".to_owned(), |v| format!("{v:.3}"))
}

fn prf(c: &SpanCounts) -> String {
    format!(
        "{:>6} {:>6} {:>6}",
        score(c.precision()),
        score(c.recall()),
        score(c.f1())
    )
}

fn to_table(report: &Report, a_name: &str, b_name: &str) -> String {
    let mut out = format!(
        "A (reference): {a_name}\nB: {b_name}\ndocuments: {}",
        report.documents
    );
    if report.documents_without_text > 0 {
        out += &format!(
            " ({} without article text, left out of kappa)",
            report.documents_without_text
        );
    }
    out += "\n\n";
    let width = report
        .groups
        .iter()
        .map(|(g, _)| g.chars().count())
        .max()
        .unwrap_or(0)
        .max(8);
    out += &format!(
        "{:<width$} {:>5} {:>5}  {:^20}  {:^20}  {:>6} {:>7}\n",
        report.by.name(),
        "A",
        "B",
        "exact P/R/F1",
        "overlap P/R/F1",
        "kappa",
        "tokens"
    );
    for (group, s) in &report.groups {
        out += &format!(
            "{:<width$} {:>5} {:>5}  {}  {}  {:>6} {:>7}\n",
            group,
            s.exact.a_spans,
            s.exact.b_spans,
            prf(&s.exact),
            prf(&s.overlap),
            score(s.tokens.kappa()),
            s.tokens.total()
        );
    }
    let all = &report.overall;
    out += &format!(
        "{:<width$} {:>5} {:>5}  {}  {}\n",
        "all",
        all.exact.a_spans,
        all.exact.b_spans,
        prf(&all.exact),
        prf(&all.overlap)
    );
    if report.disagreements.is_empty() {
        out += "\nno disagreements\n";
    } else {
        out += &format!("\ndisagreements ({}):\n", report.disagreements.len());
        for d in &report.disagreements {
            out += &disagreement_line(d);
        }
    }
    out
}

fn disagreement_line(d: &Disagreement) -> String {
    let (who, other) = match d.side {
        Side::OnlyA => ("only A", "B"),
        Side::OnlyB => ("only B", "A"),
    };
    let overlap = d
        .overlaps
        .map(|r| format!("  (overlaps {other} {r})"))
        .unwrap_or_default();
    format!(
        "  {who}  {}  {}  {}  {:?}{overlap}\n",
        d.file, d.group, d.range, d.quote
    )
}

fn counts_json(c: &SpanCounts) -> serde_json::Value {
    json!({
        "a_spans": c.a_spans, "b_spans": c.b_spans, "matched": c.matched,
        "precision": c.precision(), "recall": c.recall(), "f1": c.f1(),
    })
}

fn to_json(report: &Report, a_name: &str, b_name: &str) -> serde_json::Value {
    let groups: serde_json::Map<String, serde_json::Value> = report
        .groups
        .iter()
        .map(|(group, s)| {
            let t = &s.tokens;
            (
                group.clone(),
                json!({
                    "exact": counts_json(&s.exact),
                    "overlap": counts_json(&s.overlap),
                    "kappa": t.kappa(),
                    "tokens": {"total": t.total(), "both": t.both, "a_only": t.a_only, "b_only": t.b_only, "neither": t.neither},
                }),
            )
        })
        .collect();
    let disagreements: Vec<_> = report
        .disagreements
        .iter()
        .map(|d| {
            json!({
                "side": match d.side { Side::OnlyA => "a", Side::OnlyB => "b" },
                "file": d.file, "label": d.label.name(), report.by.name(): d.group,
                "start": d.range.start.0, "end": d.range.end.0, "quote": d.quote,
                "overlaps": d.overlaps.map(|r| [r.start.0, r.end.0]),
            })
        })
        .collect();
    // Grouped by kind, the per-kind scores take the per-label object's place
    // and shape, under "kinds".
    let groups_key = match report.by {
        GroupBy::Label => "labels",
        GroupBy::Kind => "kinds",
    };
    json!({
        "a": a_name,
        "b": b_name,
        "by": report.by,
        "documents": report.documents,
        "documents_without_text": report.documents_without_text,
        groups_key: groups,
        "overall": {
            "exact": counts_json(&report.overall.exact),
            "overlap": counts_json(&report.overall.overlap),
        },
        "disagreements": disagreements,
    })
}
