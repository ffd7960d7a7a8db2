//! `marginalia __decode PATH...` (hidden): how each article is read, as one
//! JSON line per article — the encoding recorded, where it came from, any
//! doubt, and the text. `scripts/encoding-check.py` compares it with
//! Python's own reading of the file.

use crate::cli::paths;
use crate::model::decode::TextEncoding;
use crate::store::article_file;
use serde_json::json;
use std::io::Write;
use std::path::PathBuf;

/// Print one JSON line per article; exit 1 when one could not be read.
pub fn run(inputs: &[PathBuf], encoding: Option<TextEncoding>) -> anyhow::Result<u8> {
    let mut failed = false;
    let mut out = std::io::stdout().lock();
    for path in paths::expand(inputs)? {
        let line = match article_file::read_article_with(&path, encoding) {
            Ok(f) => json!({
                "path": path.display().to_string(),
                "encoding": f.encoding,
                "source": f.encoding_source.describe(),
                "alternative": f.encoding_doubt.as_ref().map(|d| d.alternative.python_name()),
                "warnings": f.encoding_warnings(),
                "text": f.article.text(),
            }),
            Err(e) => {
                failed = true;
                json!({"path": path.display().to_string(), "error": e.to_string()})
            }
        };
        writeln!(out, "{line}")?;
    }
    Ok(u8::from(failed))
}
