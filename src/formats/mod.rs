//! Importers and exporters: pure conversions between annotation records of
//! other tools (spaCy, doccano, brat, CoNLL, Label Studio, Prodigy, Hugging
//! Face) and
//! Marginalia's [`Annotation`]s.
//!
//! Invariant: every offset that leaves or enters this module counts Unicode
//! code points of the *article text* (see [`crate::model::offset`]); a format
//! whose offsets mean something else (brat counts code points of the raw file,
//! CR and BOM included) converts at its edge. Nothing here touches the file
//! system: the CLI reads and writes files and hands text to these functions.

pub mod brat;
pub mod citron;
pub mod conll;
pub mod doccano;
pub mod hf;
pub mod import;
pub mod json;
pub mod labelstudio;
pub mod prodigy;
pub mod spacy;

use crate::model::annotation::{Annotation, AnnotationId, Label, Link};
use crate::model::document::Article;
use serde_json::Value;
use std::collections::HashSet;

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

/// True for the characters Python's `str.splitlines` ends a line at: brat
/// reads `.ann` files with `readlines`, so none may sit inside a line, and
/// a span's fragments are split there.
pub fn is_line_break(c: char) -> bool {
    matches!(
        c,
        '\n' | '\r'
            | '\u{0b}'
            | '\u{0c}'
            | '\u{1c}'
            | '\u{1d}'
            | '\u{1e}'
            | '\u{85}'
            | '\u{2028}'
            | '\u{2029}'
    )
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
    /// The note on the whole article (the sidecar's `note`), if any.
    pub note: Option<&'a str>,
}

/// Something chosen for export that did not go into the output: either the
/// format cannot hold it (a loss, which the export reports and which makes
/// it exit 1), or the user's filters left out what it points to.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Omission {
    /// The annotation it belongs to.
    pub id: AnnotationId,
    /// What was left out, for the report line (`link speaker -> ab12cd`).
    pub what: String,
    /// Why, as counted in the summary (`links across annotations and predictions`).
    pub reason: &'static str,
    /// True when the format cannot hold it; false when a filter left it out.
    pub is_loss: bool,
}

impl Omission {
    /// A link of `from` the output cannot hold, for `reason`.
    pub fn link(from: &Annotation, link: &Link, reason: &'static str, is_loss: bool) -> Self {
        Omission {
            id: from.id.clone(),
            what: format!("link {} -> {}", link.role, link.target),
            reason,
            is_loss,
        }
    }
}

/// Why a link is left out when its target is not among the exported annotations.
pub const LINK_TARGET_NOT_EXPORTED: &str = "links to annotations not exported";

/// The links of `doc` whose target is exported too, in annotation order.
/// A link to an annotation left out by the filters is reported in `omitted`.
pub fn exported_links<'a>(
    doc: &ExportDoc<'a>,
    omitted: &mut Vec<Omission>,
) -> Vec<(&'a Annotation, &'a Link)> {
    // Most exports carry no link: no set of 50,000 ids for them.
    if doc.annotations.iter().all(|a| a.links.is_empty()) {
        return Vec::new();
    }
    let exported: HashSet<&str> = doc.annotations.iter().map(|a| a.id.0.as_str()).collect();
    let mut out = Vec::new();
    for a in doc.annotations {
        for l in &a.links {
            if exported.contains(l.target.0.as_str()) {
                out.push((a, l));
            } else {
                omitted.push(Omission::link(a, l, LINK_TARGET_NOT_EXPORTED, false));
            }
        }
    }
    out
}

/// A link as a JSON object: `{"from", "to", "role", ...}` plus whatever
/// optional fields [`Link`] carries, so a JSON round trip keeps all of them.
///
/// ```
/// use marginalia::model::annotation::{AnnotationId, Link};
/// let l = Link::new("speaker", AnnotationId("b".into()));
/// let v = marginalia::formats::link_to_json(&AnnotationId("a".into()), &l);
/// assert_eq!(v, serde_json::json!({"from": "a", "to": "b", "role": "speaker"}));
/// assert_eq!(marginalia::formats::link_from_json(&v).unwrap(), (AnnotationId("a".into()), l));
/// ```
pub fn link_to_json(from: &AnnotationId, link: &Link) -> Value {
    let mut v = serde_json::to_value(link).unwrap_or(Value::Null);
    if let Some(obj) = v.as_object_mut() {
        let to = obj.remove("target").unwrap_or(Value::Null);
        obj.insert("from".into(), Value::String(from.0.clone()));
        obj.insert("to".into(), to);
    }
    v
}

/// Read back what [`link_to_json`] wrote: the source id and the link. The
/// error is a one-line reason for the report.
pub fn link_from_json(v: &Value) -> Result<(AnnotationId, Link), String> {
    let mut obj = v
        .as_object()
        .cloned()
        .ok_or_else(|| format!("a link must be an object, not {v}"))?;
    let Some(Value::String(from)) = obj.remove("from") else {
        return Err(format!("a link needs a \"from\" id: {v}"));
    };
    let to = obj
        .remove("to")
        .ok_or_else(|| format!("a link needs a \"to\" id: {v}"))?;
    obj.insert("target".into(), to);
    let link: Link =
        serde_json::from_value(Value::Object(obj)).map_err(|e| format!("bad link {v}: {e}"))?;
    Ok((AnnotationId(from), link))
}
