//! `marginalia __suggest-features PATH...` (hidden): every sentence of each
//! article as the claim model reads it (where it is, whether the rules found
//! content in it, its features), one JSON line per sentence.
//! `scripts/train-claim-model.py` trains the model from these lines and
//! PolNeAR's gold attributions.
//!
//! With `--boundaries`, one line per content fragment that holds a
//! quotation instead (where the rules and the claim model put it, and its
//! candidate starts with their features), for the start chooser
//! (`train-claim-model.py --boundaries`).

use crate::analysis::suggest::{boundary, lexicon::Lexicon, model, text::Text};
use crate::cli::paths;
use crate::store::article_file;
use serde_json::json;
use std::io::Write;
use std::path::PathBuf;

/// Print one JSON line per sentence (per quotation's content with
/// `boundaries`); exit 1 when an article could not be read.
pub fn run(inputs: &[PathBuf], boundaries: bool) -> anyhow::Result<u8> {
    let lexicon = Lexicon::builtin();
    let mut failed = false;
    let mut out = std::io::stdout().lock();
    for path in paths::expand(inputs)? {
        let file = match article_file::read_article_with(&path, None) {
            Ok(f) => f,
            Err(e) => {
                eprintln!("error: {}: {e}", path.display());
                failed = true;
                continue;
            }
        };
        let text = Text::new(file.article.text());
        if boundaries {
            for c in boundary::rows(&text, &lexicon) {
                let line = json!({
                    "path": path.display().to_string(),
                    "start": c.span.start,
                    "end": c.span.end,
                    "candidates": c.candidates.iter().map(|k| json!({
                        "start": k.start, "features": k.features,
                    })).collect::<Vec<_>>(),
                });
                writeln!(out, "{line}")?;
            }
            continue;
        }
        for row in model::rows(&text, &lexicon) {
            let line = json!({
                "path": path.display().to_string(),
                "start": row.start,
                "end": row.end,
                "touched": row.touched,
                "features": row.features,
                "candidates": row.candidates.iter().map(|(span, f)| json!({
                    "start": span.start, "end": span.end, "features": f,
                })).collect::<Vec<_>>(),
            });
            writeln!(out, "{line}")?;
        }
    }
    Ok(u8::from(failed))
}
