//! CoNLL-2003-style IOB2: `TOKEN TAG` per line, a blank line after each
//! sentence, `-DOCSTART- -X- O O` and a blank line before each document (the
//! CoNLL-2003 separator, which `spacy convert -c ner` splits documents on).
//!
//! Tokens are the Unicode word-boundary segments of UAX #29
//! (`unicode_segmentation::split_word_bound_indices`) with whitespace-only
//! segments dropped; a whitespace segment holding a line break ends the
//! sentence. So `Tehran-Baku’s` gives `Tehran`, `-`, `Baku’s`, and an emoji
//! ZWJ sequence stays one token.
//!
//! BIO cannot hold overlaps, so one label layer is written at a time, and in
//! `(start, end)` order the first span wins: a later span that overlaps or
//! nests in an emitted one is skipped and reported. A span not on token
//! boundaries is widened to whole tokens and reported; a span crossing a line
//! break or covering no token is skipped and reported.

use crate::formats::{ExportDoc, type_name};
use crate::model::annotation::{AnnotationId, Label};
use crate::model::offset::CharRange;
use std::fmt;
use unicode_segmentation::UnicodeSegmentation;

/// A token of the article text.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Token {
    /// Where it is, in article code points.
    pub range: CharRange,
    /// Its text.
    pub text: String,
    /// Index of its sentence (line) among the non-empty ones.
    pub sentence: usize,
}

/// Split `text` into tokens (see the module docs).
///
/// ```
/// let toks = marginalia::formats::conll::tokenize("Hi  Ana!\nسلام");
/// let words: Vec<_> = toks.iter().map(|t| (t.text.as_str(), t.range.start.0, t.sentence)).collect();
/// assert_eq!(words, vec![("Hi", 0, 0), ("Ana", 4, 0), ("!", 7, 0), ("سلام", 9, 1)]);
/// ```
pub fn tokenize(text: &str) -> Vec<Token> {
    let mut tokens = Vec::new();
    let mut char_pos = 0usize;
    let mut sentence = 0usize;
    let mut sentence_has_tokens = false;
    for (_, seg) in text.split_word_bound_indices() {
        let len = seg.chars().count();
        if seg.chars().all(char::is_whitespace) {
            if seg.contains('\n') && sentence_has_tokens {
                sentence += 1;
                sentence_has_tokens = false;
            }
        } else {
            tokens.push(Token {
                range: CharRange::from_usize(char_pos, char_pos + len),
                text: seg.to_owned(),
                sentence,
            });
            sentence_has_tokens = true;
        }
        char_pos += len;
    }
    tokens
}

/// Why a span was changed or left out of the BIO layer.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum BioIssue {
    /// Overlaps or nests in an already emitted span: skipped.
    Overlaps(AnnotationId),
    /// Not on token boundaries: widened to this range (still exported).
    Widened(CharRange),
    /// Crosses a line break (sentence boundary): skipped.
    CrossesSentence,
    /// Covers only whitespace: skipped.
    NoToken,
}

impl BioIssue {
    /// True when the span was left out.
    pub fn is_skip(&self) -> bool {
        !matches!(self, BioIssue::Widened(_))
    }

    /// A short reason for the summary's counts.
    pub fn reason(&self) -> &'static str {
        match self {
            BioIssue::Overlaps(_) => "overlapping in the BIO layer",
            BioIssue::Widened(_) => "widened to token boundaries",
            BioIssue::CrossesSentence => "crossing a line break",
            BioIssue::NoToken => "covering no token",
        }
    }
}

impl fmt::Display for BioIssue {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            BioIssue::Overlaps(id) => {
                write!(f, "skipped: overlaps span {id} already in the BIO layer")
            }
            BioIssue::Widened(r) => write!(f, "widened to whole tokens {r}"),
            BioIssue::CrossesSentence => f.write_str("skipped: crosses a line break"),
            BioIssue::NoToken => f.write_str("skipped: covers no token"),
        }
    }
}

/// One issue with one span.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct BioReport {
    /// The annotation.
    pub id: AnnotationId,
    /// Its range.
    pub range: CharRange,
    /// What happened.
    pub issue: BioIssue,
}

/// The tokens of an article with one IOB2 tag each.
#[derive(Clone, Debug, Default)]
pub struct Bio {
    /// Tokens, in order.
    pub tokens: Vec<Token>,
    /// `O`, `B-PER`, `I-PER`, ... one per token.
    pub tags: Vec<String>,
    /// Spans written.
    pub emitted: usize,
    /// Spans widened or skipped.
    pub reports: Vec<BioReport>,
}

/// Tag the tokens of `doc` with the spans of one label layer.
pub fn bio(doc: &ExportDoc<'_>, layer: Label) -> Bio {
    let tokens = tokenize(doc.article.text());
    let mut tags = vec!["O".to_owned(); tokens.len()];
    let mut reports = Vec::new();
    let mut emitted = 0;
    // First token index not yet covered by an emitted span, and who covered the one before.
    let mut next_free = 0usize;
    let mut last_id: Option<&AnnotationId> = None;
    for a in doc.annotations.iter().filter(|a| a.label == layer) {
        let span = a.range();
        let mut report = |issue| {
            reports.push(BioReport {
                id: a.id.clone(),
                range: span,
                issue,
            })
        };
        let first = tokens.partition_point(|t| t.range.end <= span.start);
        let end = tokens.partition_point(|t| t.range.start < span.end);
        let (Some(first_tok), Some(last_tok)) = (
            tokens.get(first),
            end.checked_sub(1).and_then(|l| tokens.get(l)),
        ) else {
            report(BioIssue::NoToken);
            continue;
        };
        if first >= end {
            report(BioIssue::NoToken);
            continue;
        }
        if first < next_free {
            report(BioIssue::Overlaps(
                last_id.cloned().unwrap_or_else(|| a.id.clone()),
            ));
            continue;
        }
        if first_tok.sentence != last_tok.sentence {
            report(BioIssue::CrossesSentence);
            continue;
        }
        let widened = CharRange::new(first_tok.range.start, last_tok.range.end);
        if widened != span {
            report(BioIssue::Widened(widened));
        }
        let name: String = type_name(a)
            .chars()
            .map(|c| if c.is_whitespace() { '_' } else { c })
            .collect();
        for (i, tag) in tags.iter_mut().enumerate().take(end).skip(first) {
            *tag = format!("{}-{name}", if i == first { "B" } else { "I" });
        }
        emitted += 1;
        next_free = end;
        last_id = Some(&a.id);
    }
    Bio {
        tokens,
        tags,
        emitted,
        reports,
    }
}

/// The document separator line of CoNLL-2003, the one `spacy convert -c ner`
/// recognises (it treats anything else as tokens).
pub const DOCSTART: &str = "-DOCSTART- -X- O O";

/// The CoNLL text of one document: [`DOCSTART`], a blank line, then the
/// sentences, each followed by a blank line.
pub fn export_doc(bio: &Bio) -> String {
    let mut out = format!("{DOCSTART}\n\n");
    let mut sentence = None;
    for (tok, tag) in bio.tokens.iter().zip(&bio.tags) {
        if sentence.is_some_and(|s| s != tok.sentence) {
            out.push('\n');
        }
        sentence = Some(tok.sentence);
        out.push_str(&tok.text);
        out.push(' ');
        out.push_str(tag);
        out.push('\n');
    }
    if sentence.is_some() {
        out.push('\n');
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::annotation::test_entity as ann;
    use crate::model::document::Article;

    #[test]
    fn overlaps_are_skipped_and_partial_tokens_widened() {
        let article = Article::new("Hossein Dehqan met Zakir Hasanov\nin Baku".into());
        let anns = vec![
            ann(&article, 0, 14, "a"),
            ann(&article, 8, 14, "b"),
            ann(&article, 20, 24, "c"),
            ann(&article, 25, 36, "d"),
        ];
        let doc = ExportDoc {
            article: &article,
            source: "x",
            annotations: &anns,
            note: None,
        };
        let bio = bio(&doc, Label::Entity);
        assert_eq!(
            bio.tags[..5],
            ["B-Entity", "I-Entity", "O", "B-Entity", "O"]
        );
        assert_eq!(bio.emitted, 2);
        let issues: Vec<_> = bio
            .reports
            .iter()
            .map(|r| (r.id.0.as_str(), r.issue.clone()))
            .collect();
        assert_eq!(
            issues,
            vec![
                ("b", BioIssue::Overlaps(AnnotationId("a".into()))),
                ("c", BioIssue::Widened(CharRange::from_usize(19, 24))),
                ("d", BioIssue::CrossesSentence),
            ]
        );
        let text = export_doc(&bio);
        assert!(text.starts_with("-DOCSTART- -X- O O\n\nHossein B-Entity\n"));
        assert!(text.ends_with("Hasanov O\n\nin O\nBaku O\n\n"));
    }
}
