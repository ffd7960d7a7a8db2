//! Importers and exporters: pure conversions between annotation records of
//! other tools (spaCy, doccano, brat, CoNLL, Label Studio, Hugging Face) and
//! Marginalia's [`Annotation`]s.
//!
//! Invariant: every offset that leaves or enters this module counts Unicode
//! code points of the *article text* (see [`crate::model::offset`]); a format
//! whose offsets mean something else (brat counts code points of the raw file,
//! CR and BOM included) converts at its edge. Nothing here touches the file
//! system: the CLI reads and writes files and hands text to these functions.

pub mod brat;
pub mod conll;
pub mod doccano;
pub mod hf;
pub mod labelstudio;
pub mod preannotate;
pub mod spacy;

use crate::model::annotation::{Annotation, Label};
use crate::model::document::Article;
use serde::Deserialize;

/// One span read from an import record, in article code points.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SpanRecord {
    /// First code point.
    pub start: usize,
    /// One past the last code point.
    pub end: usize,
    /// The label as written in the file (`PER`, `Claim`, `QUOTE`, ...).
    pub label: String,
    /// An explicit entity kind, when the file carries one apart from the label.
    pub kind: Option<String>,
}

/// The `meta` object of a spaCy or doccano JSONL record: only the article
/// it came from is read.
#[derive(Deserialize)]
pub(crate) struct InMeta {
    #[serde(default)]
    pub(crate) source: Option<String>,
}

/// One JSONL record of a text with its spans (spaCy or doccano).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct TextRecord {
    /// The text the offsets count in, when the record carries it.
    pub text: Option<String>,
    /// The article path relative to the import root (`meta.source`).
    pub source: Option<String>,
    /// The spans.
    pub spans: Vec<SpanRecord>,
}

/// Map a label of another tool onto Marginalia's: `ENTITY`, `CLAIM` and
/// `QUOTE` (any case) are the three labels; anything else (`PER`, `ORG`, ...)
/// is an [`Label::Entity`] of that kind. An explicit `kind` wins.
///
/// ```
/// use marginalia::model::annotation::Label;
/// use marginalia::formats::label_from_name;
/// assert_eq!(label_from_name("quote", None), (Label::Quote, None));
/// assert_eq!(label_from_name("PER", None), (Label::Entity, Some("PER".to_string())));
/// assert_eq!(label_from_name("ENTITY", Some("ORG")), (Label::Entity, Some("ORG".to_string())));
/// ```
pub fn label_from_name(name: &str, kind: Option<&str>) -> (Label, Option<String>) {
    let kind = kind.map(str::trim).filter(|k| !k.is_empty());
    match Label::parse(name) {
        Some(label) => (label, kind.map(str::to_owned)),
        None => (Label::Entity, Some(kind.unwrap_or(name.trim()).to_owned())),
    }
}

/// The type name other tools see for an annotation: its kind when set,
/// else the label name (`Entity`, `Claim`, `Quote`).
pub fn type_name(a: &Annotation) -> &str {
    a.kind.as_deref().unwrap_or(a.label.name())
}

/// One article ready for export: its text, where it came from, and the
/// annotations chosen for export, sorted by `(start, end, id)`.
#[derive(Clone, Copy, Debug)]
pub struct ExportDoc<'a> {
    /// The article.
    pub article: &'a Article,
    /// Its path relative to the exported folder (or its file name).
    pub source: &'a str,
    /// The annotations to write, sorted, all exactly anchored.
    pub annotations: &'a [Annotation],
}
