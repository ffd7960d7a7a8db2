//! Citron's JSON (BBC R&D's quote extractor, `github.com/bbc/citron`): one
//! document per file, `{"text", "quotes": [{"cue", "sources", "contents",
//! "coreferences"?}], "coreference_groups"?}`, every span `{"start", "end",
//! "text"}`.
//!
//! Two flavours exist, and both are read:
//! - **Citron's data format** (`docs/data_format.md`, what its annotator
//!   writes and its trainer reads): character offsets into `text`. A quote's
//!   `sources` are the spans next to the cue (`he`) and its `coreferences`
//!   what they refer to (`Dehqan`). Marginalia writes this flavour, so its
//!   annotations can train Citron.
//! - **`citron-extract` output** (its predictions, `Quote.to_json`): no
//!   `text`, a `source` object naming the model, and spans whose `start` and
//!   `end` are *token* indexes (spaCy's `Span.start`), not characters; when a
//!   source was resolved, `sources` holds the names and `coreferences` the
//!   spans as written. Each span is found again by its `text`, nearest to
//!   where its token index puts it, and every span moved that way is
//!   reported. Citron's annotator strips the text, so a `text` that is the
//!   article's with its edges trimmed is read with its offsets shifted.
//!
//! In Marginalia a Citron quote is: its contents as Quotes (a content
//! opening with a quotation mark) or Claims, later ones `part-of` the first;
//! the cue as an Entity of kind `Cue` (link `cue` from the first content);
//! each source as an Entity (link `speaker` from a Quote, `source` from a
//! Claim, from every content); each coreference as an Entity of kind
//! `Person` that the source links to with `refers-to`.

use crate::formats::import::{InDoc, InEquiv, InLink, InSpan};
use crate::formats::{ExportDoc, Omission};
use crate::model::annotation::{Annotation, AnnotationId, Label};
use crate::model::document::Article;
use crate::model::offset::CharRange;
use serde::{Deserialize, Serialize};
use std::collections::{BTreeMap, HashMap};

/// One span: character offsets (or token indexes, in extract output) and text.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct CitronSpan {
    /// First character (or token).
    pub start: usize,
    /// One past the last.
    pub end: usize,
    /// The span's text.
    #[serde(default)]
    pub text: String,
}

/// One quote.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct CitronQuote {
    /// The cue (`said`).
    pub cue: CitronSpan,
    /// The sources.
    #[serde(default)]
    pub sources: Vec<CitronSpan>,
    /// The contents.
    #[serde(default)]
    pub contents: Vec<CitronSpan>,
    /// What the sources refer to (or, in extract output, the sources as written).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub coreferences: Option<Vec<CitronSpan>>,
    /// A prediction's confidence (Citron writes it as a string).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub confidence: Option<serde_json::Value>,
    /// An optional id.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub id: Option<serde_json::Value>,
}

/// One Citron document.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct CitronDoc {
    /// The text (absent in extract output).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub text: Option<String>,
    /// The quotes.
    #[serde(default)]
    pub quotes: Vec<CitronQuote>,
    /// Groups of spans that refer to the same thing.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub coreference_groups: Option<Vec<Vec<CitronSpan>>>,
    /// Extract output names its model here (`{"application": "citron-extractor", …}`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub source: Option<serde_json::Value>,
}

impl CitronDoc {
    /// Parse a Citron file.
    pub fn parse(content: &str) -> Result<CitronDoc, String> {
        serde_json::from_str(content).map_err(|e| format!("not a Citron document: {e}"))
    }

    /// True for `citron-extract` output (token offsets, no text).
    pub fn is_extract_output(&self) -> bool {
        self.text.is_none()
    }
}

/// One quote placed on an article, every span in article code points.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Placed {
    /// The cue.
    pub cue: Option<CharRange>,
    /// The sources as written next to the cue.
    pub sources: Vec<CharRange>,
    /// The contents, in text order.
    pub contents: Vec<CharRange>,
    /// What the sources refer to.
    pub referents: Vec<CharRange>,
}

/// The quotes of `doc` on `article` (one per quote, in file order), and a
/// `quote N: reason` for each span that could not be placed. Spans of
/// `citron-extract` output are placed by their text, which is not reported.
pub fn place(doc: &CitronDoc, article: &Article) -> (Vec<Placed>, Vec<String>) {
    let mut problems = Vec::new();
    let text = article.text();
    let shift_chars = match &doc.text {
        None => None,
        Some(t) if t == text => Some(0),
        // Citron's annotator strips the text it saves.
        Some(t) if t == text.trim() => {
            Some(text.chars().count() - text.trim_start().chars().count())
        }
        Some(t) => {
            problems.push(format!(
                "its \"text\" is not the article's ({} vs {} code points); nothing placed",
                t.chars().count(),
                article.char_len()
            ));
            return (Vec::new(), problems);
        }
    };
    let token_chars = mean_token_chars(text);
    let mut out = Vec::new();
    for (i, q) in doc.quotes.iter().enumerate() {
        let mut place_one = |s: &CitronSpan, what: &str| -> Option<CharRange> {
            let found = match shift_chars {
                Some(shift) => {
                    let r = CharRange::from_usize(s.start + shift, s.end.max(s.start) + shift);
                    article
                        .slice(r)
                        .filter(|found| !r.is_empty() && (s.text.is_empty() || *found == s.text))
                        .map(|_| r)
                }
                // Extract output: token indexes; the text nearest its token.
                None => find_nearest(article, &s.text, (s.start as f64 * token_chars) as usize),
            };
            if found.is_none() {
                problems.push(format!(
                    "quote {}: {what} {}..{} {:?} is not in the article there",
                    i + 1,
                    s.start,
                    s.end,
                    s.text
                ));
            }
            found
        };
        let (sources, referents) = match (&q.coreferences, doc.is_extract_output()) {
            // Extract output puts the resolved names in `sources`.
            (Some(corefs), true) if !corefs.is_empty() => (corefs, q.sources.as_slice()),
            (Some(corefs), _) => (&q.sources, corefs.as_slice()),
            (None, _) => (&q.sources, &[][..]),
        };
        let mut p = Placed {
            cue: place_one(&q.cue, "cue"),
            sources: sources
                .iter()
                .filter_map(|s| place_one(s, "source"))
                .collect(),
            contents: q
                .contents
                .iter()
                .filter_map(|s| place_one(s, "content"))
                .collect(),
            referents: referents
                .iter()
                .filter_map(|s| place_one(s, "coreference"))
                .collect(),
        };
        p.contents.sort();
        p.contents.dedup();
        if p.contents.is_empty() && q.contents.is_empty() {
            problems.push(format!("quote {}: no contents", i + 1));
        }
        out.push(p);
    }
    (out, problems)
}

/// Average code points per token (a token: a run of letters or digits, or
/// one other non-space character), to turn a token index into a position.
fn mean_token_chars(text: &str) -> f64 {
    let mut tokens = 0usize;
    let mut in_word = false;
    for c in text.chars() {
        if c.is_alphanumeric() {
            if !in_word {
                tokens += 1;
            }
            in_word = true;
        } else {
            in_word = false;
            if !c.is_whitespace() {
                tokens += 1;
            }
        }
    }
    text.chars().count() as f64 / tokens.max(1) as f64
}

/// The occurrence of `needle` nearest code point `expect`.
fn find_nearest(article: &Article, needle: &str, expect: usize) -> Option<CharRange> {
    if needle.is_empty() {
        return None;
    }
    let text = article.text();
    text.match_indices(needle)
        .filter_map(|(b, m)| {
            let s = article.byte_to_char(b)?;
            let e = article.byte_to_char(b + m.len())?;
            Some(CharRange::new(s, e))
        })
        .min_by_key(|r| r.start.0.abs_diff(expect))
}

/// True when a content is a quotation (opens with a quotation mark).
pub fn is_quotation(text: &str) -> bool {
    text.trim_start().chars().next().is_some_and(|c| {
        matches!(
            c,
            '“' | '"' | '‘' | '\'' | '«' | '»' | '„' | '‚' | '‹' | '›' | '「' | '『'
        )
    })
}

/// The label of a content: Quote for a quotation, Claim otherwise.
pub fn content_label(text: &str) -> Label {
    if is_quotation(text) {
        Label::Quote
    } else {
        Label::Claim
    }
}

/// A Citron file (either flavour) as `marginalia import` reads it for
/// `article`. Spans shared by several quotes (one speaker of two quotes)
/// are read once; coreference groups become `Coreference` equivalences.
pub fn read(content: &str, article: &Article) -> InDoc {
    let mut out = InDoc::default();
    let doc = match serde_json::from_str::<CitronDoc>(content) {
        Ok(doc) => doc,
        Err(e) => {
            out.problems
                .push((e.line(), format!("not a Citron document: {e}")));
            return out;
        }
    };
    let (placed, problems) = place(&doc, article);
    out.problems.extend(problems.into_iter().map(|p| (0, p)));
    // One annotation per range: a source that is also another quote's
    // coreference is one entity.
    let mut keys: HashMap<CharRange, String> = HashMap::new();
    let mut span = |out: &mut InDoc, r: CharRange, label: &'static str| -> String {
        let next = format!("s{}", keys.len());
        keys.entry(r)
            .or_insert_with(|| {
                out.spans.push(InSpan::new(0, &next, label, vec![r]));
                next
            })
            .clone()
    };
    let mut refers: Vec<(String, String)> = Vec::new();
    for (i, q) in placed.iter().enumerate() {
        let referents: Vec<String> = q
            .referents
            .iter()
            .map(|r| span(&mut out, *r, "Person"))
            .collect();
        let sources: Vec<String> = q
            .sources
            .iter()
            .map(|s| span(&mut out, *s, "Source"))
            .collect();
        for src in &sources {
            for r in referents.iter().filter(|r| *r != src) {
                if !refers.contains(&(src.clone(), r.clone())) {
                    out.links.push(InLink::new(0, src, r, "refers-to"));
                    refers.push((src.clone(), r.clone()));
                }
            }
        }
        // One span of fragments (later ones part-of the first, which
        // carries the links), so a second import finds it again; its label
        // is the first content's.
        let Some(first) = q.contents.first() else {
            continue;
        };
        let label = content_label(article.slice(*first).unwrap_or_default());
        let key = format!("q{i}");
        out.spans
            .push(InSpan::new(0, &key, label.name(), q.contents.clone()));
        if let Some(cue) = q.cue {
            let cue = span(&mut out, cue, "Cue");
            out.links.push(InLink::new(0, &key, &cue, "cue"));
        }
        let role = if label == Label::Quote {
            "speaker"
        } else {
            "source"
        };
        for src in &sources {
            out.links.push(InLink::new(0, &key, src, role));
        }
    }
    let whole = article.text();
    let shift = match &doc.text {
        Some(t) if t == whole => Some(0),
        Some(t) if t == whole.trim() => {
            Some(whole.chars().count() - whole.trim_start().chars().count())
        }
        _ => None,
    };
    if let Some(shift) = shift {
        for group in doc.coreference_groups.iter().flatten() {
            let members: Vec<String> = group
                .iter()
                .map(|s| CharRange::from_usize(s.start + shift, s.end.max(s.start) + shift))
                .filter(|r| article.slice(*r).is_some() && !r.is_empty())
                .map(|r| span(&mut out, r, "Source"))
                .collect();
            // A pronoun and its person are linked by `refers-to` already.
            let linked = |a: &String, b: &String| refers.contains(&(a.clone(), b.clone()));
            let is_refers_pair =
                matches!(members.as_slice(), [a, b] if linked(a, b) || linked(b, a));
            if members.len() > 1 && !is_refers_pair {
                out.equivs.push(InEquiv {
                    line: 0,
                    kind: "Coreference".to_owned(),
                    members,
                });
            }
        }
    }
    out
}

/// Why an annotation or quote cannot go into Citron's format.
pub const NO_CUE: &str = "quotes without a cue (Citron needs one)";
/// Why a quote without a speaker cannot go into Citron's format.
pub const NO_SOURCE: &str = "quotes without a speaker or source (Citron needs one)";
/// Why entities outside quotes are left out.
pub const OUTSIDE_QUOTES: &str = "annotations outside quotes (Citron holds quotes only)";

fn span_of(a: &Annotation) -> CitronSpan {
    CitronSpan {
        start: a.start.0,
        end: a.end.0,
        text: a.quote.as_str().to_owned(),
    }
}

/// The Citron document (data format, character offsets) for one article,
/// and what it could not hold.
pub fn export(doc: &ExportDoc<'_>, omitted: &mut Vec<Omission>) -> CitronDoc {
    let by_id: HashMap<&AnnotationId, &Annotation> =
        doc.annotations.iter().map(|a| (&a.id, a)).collect();
    let target = |a: &Annotation, roles: &[&str]| -> Vec<&Annotation> {
        a.links
            .iter()
            .filter(|l| roles.contains(&l.role.as_str()))
            .filter_map(|l| by_id.get(&l.target).copied())
            .collect()
    };
    let is_content = |a: &Annotation| matches!(a.label, Label::Quote | Label::Claim);
    // Later fragments by their first one.
    let mut parts: BTreeMap<&AnnotationId, Vec<&Annotation>> = BTreeMap::new();
    for a in doc.annotations.iter().filter(|a| is_content(a)) {
        let head = target(a, &["part-of"]).into_iter().find(|h| is_content(h));
        parts
            .entry(head.map_or(&a.id, |h| &h.id))
            .or_default()
            .push(a);
    }
    let mut used: Vec<&AnnotationId> = Vec::new();
    let mut quotes = Vec::new();
    for (head_id, mut fragments) in parts {
        fragments.sort_by_key(|a| a.sort_key());
        let Some(head) = by_id.get(head_id).copied() else {
            continue;
        };
        let all: Vec<&Annotation> = std::iter::once(head)
            .chain(fragments.iter().copied().filter(|a| a.id != head.id))
            .collect();
        let cue = all
            .iter()
            .find_map(|a| target(a, &["cue"]).into_iter().next());
        let mut sources: Vec<&Annotation> = all
            .iter()
            .flat_map(|a| target(a, &["speaker", "source"]))
            .collect();
        sources.sort_by_key(|a| a.sort_key());
        sources.dedup_by_key(|a| a.id.clone());
        let reason = match (cue, sources.is_empty()) {
            (None, _) => Some(NO_CUE),
            (_, true) => Some(NO_SOURCE),
            _ => None,
        };
        if let Some(reason) = reason {
            for a in &all {
                omitted.push(Omission {
                    id: a.id.clone(),
                    what: format!("{} {:?}", a.label, a.quote),
                    reason,
                    is_loss: true,
                });
            }
            continue;
        }
        let Some(cue) = cue else { continue };
        let mut referents: Vec<&Annotation> = sources
            .iter()
            .flat_map(|s| target(s, &["refers-to"]))
            .collect();
        referents.sort_by_key(|a| a.sort_key());
        referents.dedup_by_key(|a| a.id.clone());
        used.extend(all.iter().map(|a| &a.id));
        used.push(&cue.id);
        used.extend(sources.iter().map(|a| &a.id));
        used.extend(referents.iter().map(|a| &a.id));
        let mut contents: Vec<&Annotation> = all.clone();
        contents.sort_by_key(|a| a.sort_key());
        quotes.push(CitronQuote {
            cue: span_of(cue),
            sources: sources.iter().map(|a| span_of(a)).collect(),
            contents: contents.iter().map(|a| span_of(a)).collect(),
            coreferences: (!referents.is_empty())
                .then(|| referents.iter().map(|a| span_of(a)).collect()),
            confidence: None,
            id: None,
        });
    }
    quotes.sort_by_key(|q| q.cue.start);
    let groups = coreference_groups(doc.annotations);
    for group in &groups {
        used.extend(group.iter().map(|a| &a.id));
    }
    for a in doc.annotations {
        if !used.contains(&&a.id) && !is_content(a) {
            omitted.push(Omission {
                id: a.id.clone(),
                what: format!("{} {:?}", crate::formats::type_name(a), a.quote),
                reason: OUTSIDE_QUOTES,
                is_loss: true,
            });
        }
    }
    CitronDoc {
        text: Some(doc.article.text().to_owned()),
        quotes,
        coreference_groups: (!groups.is_empty()).then(|| {
            groups
                .iter()
                .map(|g| g.iter().map(|a| span_of(a)).collect())
                .collect()
        }),
        source: None,
    }
}

/// Coreference groups: each equivalence set (links sharing one `event`),
/// and each `refers-to` pair (a pronoun and its person) that no set holds
/// already; members in text order, groups by their first member.
fn coreference_groups(annotations: &[Annotation]) -> Vec<Vec<&Annotation>> {
    let by_id: HashMap<&AnnotationId, &Annotation> =
        annotations.iter().map(|a| (&a.id, a)).collect();
    let mut sets: BTreeMap<&str, Vec<&Annotation>> = BTreeMap::new();
    let mut pairs: Vec<Vec<&Annotation>> = Vec::new();
    for a in annotations {
        for l in &a.links {
            let Some(target) = by_id.get(&l.target).copied() else {
                continue;
            };
            match (l.role.as_str(), &l.event) {
                (crate::model::annotation::EQUIV, Some(event)) => {
                    let set = sets.entry(event.as_str()).or_default();
                    set.extend([a, target]);
                }
                ("refers-to", _) => pairs.push(vec![a, target]),
                _ => {}
            }
        }
    }
    let mut groups: Vec<Vec<&Annotation>> = sets.into_values().chain(pairs).collect();
    for g in &mut groups {
        g.sort_by_key(|a| a.sort_key());
        g.dedup_by_key(|a| a.id.clone());
    }
    let mut out: Vec<Vec<&Annotation>> = Vec::new();
    for g in groups {
        let held = |o: &Vec<&Annotation>| g.iter().all(|a| o.iter().any(|b| b.id == a.id));
        if g.len() > 1 && !out.iter().any(held) {
            out.push(g);
        }
    }
    out.sort_by_key(|g| g.first().map(|a| a.sort_key()));
    out
}
