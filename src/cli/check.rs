//! `marginalia check`: validate sidecars against their articles, and report
//! merge conflicts that `marginalia merge` left for a person to resolve (so a
//! pre-commit hook or CI run catches them).

use crate::cli::{paths, warn_about_encoding};
use crate::model::decode::TextEncoding;
use crate::store::article_file::{self, OpenError};
use std::path::PathBuf;

/// Print one line per problem. Exit code 0 when all is exact, 1 otherwise.
/// An unreadable article or sidecar is a problem too (reported, then the
/// next article is checked), so one bad file does not hide the others.
/// `encoding` (`--encoding`) overrides the sidecars' recorded encodings.
pub fn run(inputs: &[PathBuf], encoding: Option<TextEncoding>) -> anyhow::Result<u8> {
    let articles = paths::expand(inputs)?;
    let mut problems = 0usize;
    for path in &articles {
        let opened = match article_file::open_with(path, encoding) {
            Ok(o) => o,
            Err(OpenError::Sidecar(e)) => {
                println!("{e}");
                problems += 1;
                continue;
            }
            Err(e) => return Err(e.into()),
        };
        warn_about_encoding(&opened.file);
        if opened.article_changed {
            println!(
                "{}: the article changed since its sidecar was written (hash differs)",
                path.display()
            );
            problems += 1;
        }
        for p in &opened.problems {
            println!("{}: {}: {}", path.display(), p.id, p.kind);
            problems += 1;
        }
        for a in opened.annotations.iter().filter(|a| a.conflict.is_some()) {
            println!(
                "{}: {}: unresolved merge conflict (both sides changed it; open the article and choose)",
                path.display(),
                a.id
            );
            problems += 1;
        }
    }
    if problems == 0 {
        eprintln!("{} articles checked, all annotations exact", articles.len());
        Ok(0)
    } else {
        eprintln!("{} articles checked, {problems} problems", articles.len());
        Ok(1)
    }
}
