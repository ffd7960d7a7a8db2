//! `marginalia check`: validate sidecars against their articles, and report
//! merge conflicts that `marginalia merge` left for a person to resolve (so a
//! pre-commit hook or CI run catches them).

use crate::cli::{encoding_warnings, parallel, paths};
use crate::model::decode::TextEncoding;
use crate::store::article_file::{self, OpenError};
use std::path::{Path, PathBuf};

/// Print one line per problem. Exit code 0 when all is exact, 1 when
/// something is not, 2 when an article or its folder could not be read. An
/// unreadable article is reported on stderr (`error: ...`) and the next one
/// is checked, so one bad file in a folder does not hide the others; an
/// unreadable sidecar is a problem line of its own article.
/// `encoding` (`--encoding`) overrides the sidecars' recorded encodings.
pub fn run(inputs: &[PathBuf], encoding: Option<TextEncoding>) -> anyhow::Result<u8> {
    let articles = paths::expand(inputs)?;
    let mut problems = 0usize;
    let mut unreadable = 0usize;
    // Checked on every core; printed in order.
    for checked in parallel::map_in_order(&articles, |path| check_one(path, encoding)) {
        let (warnings, lines) = match checked {
            Ok(checked) => checked,
            Err(e) => {
                eprintln!("error: {e}");
                unreadable += 1;
                continue;
            }
        };
        for warning in warnings {
            eprintln!("{warning}");
        }
        for line in lines {
            println!("{line}");
            problems += 1;
        }
    }
    let checked = articles.len() - unreadable;
    if unreadable > 0 {
        eprintln!(
            "{checked} articles checked, {problems} problems, {unreadable} could not be read"
        );
        Ok(2)
    } else if problems == 0 {
        eprintln!("{checked} articles checked, all annotations exact");
        Ok(0)
    } else {
        eprintln!("{checked} articles checked, {problems} problems");
        Ok(1)
    }
}

/// The encoding warnings and the problems of one article, one line each;
/// an error when the article itself cannot be read.
fn check_one(
    path: &Path,
    encoding: Option<TextEncoding>,
) -> Result<(Vec<String>, Vec<String>), OpenError> {
    let opened = match article_file::open_with(path, encoding) {
        Ok(o) => o,
        Err(OpenError::Sidecar(e)) => return Ok((Vec::new(), vec![e.to_string()])),
        Err(e) => return Err(e),
    };
    let warnings = encoding_warnings(&opened.file);
    let mut lines = Vec::new();
    if opened.article_changed {
        lines.push(format!(
            "{}: the article changed since its sidecar was written (hash differs)",
            path.display()
        ));
    }
    for p in &opened.problems {
        lines.push(format!("{}: {}: {}", path.display(), p.id, p.kind));
    }
    for a in opened.annotations.iter().filter(|a| a.conflict.is_some()) {
        lines.push(format!(
            "{}: {}: unresolved merge conflict (both sides changed it; open the article and choose)",
            path.display(),
            a.id
        ));
    }
    Ok((warnings, lines))
}
