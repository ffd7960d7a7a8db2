//! Pre-annotations for one article: the spans of a spaCy/doccano JSONL file
//! or a brat `.ann` that belong to a given article, checked the way
//! `marginalia import` checks them.
//!
//! A JSONL record belongs to the article when its `text` equals the article
//! text, or (without text) when its `meta.source` names the article's file.
//! Every span must lie inside the text and not split a grapheme cluster;
//! anything else is a problem (`line N: reason`), never guessed. Pure: the
//! caller reads the files.
use crate::formats::{self, TextRecord, brat};
use crate::model::annotation::Label;
use crate::model::document::Article;
use crate::model::offset::{CharOffset, CharRange};

/// A span to add to the article.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PreSpan {
    /// Where, in article code points.
    pub range: CharRange,
    /// The label.
    pub label: Label,
    /// The entity kind, when the file gave one.
    pub kind: Option<String>,
}

/// The spans found for the article, and what was skipped.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct PreAnnotations {
    /// Spans that fit the article, in file order.
    pub spans: Vec<PreSpan>,
    /// Records that are about other articles.
    pub other_records: usize,
    /// `line N: reason` for each problem.
    pub problems: Vec<String>,
}

/// The line parser of a JSONL format (`spacy::parse_line`, `doccano::parse_line`).
pub type ParseLine = fn(&str) -> Result<TextRecord, String>;

fn check_span(article: &Article, range: CharRange) -> Result<(), String> {
    if range.is_empty() {
        return Err(format!("span {range}: empty or reversed"));
    }
    if range.end.0 > article.char_len() {
        return Err(format!(
            "span {range}: out of range (the article has {} code points)",
            article.char_len()
        ));
    }
    for pos in [range.start, range.end] {
        if article.splits_grapheme(pos) {
            return Err(format!(
                "span {range}: offset {pos} splits a character (grapheme cluster)"
            ));
        }
    }
    Ok(())
}

/// The spans of JSONL `content` that belong to `article`, whose file name is
/// `file_name`.
///
/// ```
/// use marginalia::model::document::Article;
/// use marginalia::formats::{preannotate, spacy};
/// let article = Article::new("Dehqan said peace.".into());
/// let line = r#"{"text": "Dehqan said peace.", "spans": [{"start": 0, "end": 6, "label": "PER"}]}"#;
/// let pre = preannotate::from_jsonl(&article, "a.txt", line, spacy::parse_line);
/// assert_eq!(pre.spans[0].kind.as_deref(), Some("PER"));
/// ```
pub fn from_jsonl(
    article: &Article,
    file_name: &str,
    content: &str,
    parse: ParseLine,
) -> PreAnnotations {
    let mut out = PreAnnotations::default();
    for (i, line) in content.lines().enumerate() {
        let place = format!("line {}", i + 1);
        if line.trim().is_empty() {
            continue;
        }
        let record = match parse(line) {
            Ok(r) => r,
            Err(reason) => {
                out.problems.push(format!("{place}: {reason}"));
                continue;
            }
        };
        let is_ours = match (&record.text, &record.source) {
            (Some(text), _) => text == article.text(),
            (None, Some(source)) => std::path::Path::new(source)
                .file_name()
                .is_some_and(|n| n.to_string_lossy() == file_name),
            (None, None) => false,
        };
        if !is_ours {
            out.other_records += 1;
            continue;
        }
        for s in &record.spans {
            let range = CharRange::new(CharOffset(s.start), CharOffset(s.end.max(s.start)));
            if s.start >= s.end {
                out.problems.push(format!(
                    "{place}: span {}..{}: empty or reversed",
                    s.start, s.end
                ));
                continue;
            }
            if let Err(reason) = check_span(article, range) {
                out.problems.push(format!("{place}: {reason}"));
                continue;
            }
            let (label, kind) = formats::label_from_name(&s.label, s.kind.as_deref());
            out.spans.push(PreSpan { range, label, kind });
        }
    }
    out
}

/// The text-bound spans of brat `ann_text` over `raw`, the article file as it
/// is on disk (brat counts its code points, BOM and `\r` included).
/// Discontinuous spans become one span per fragment; notes and relations are
/// not imported here.
pub fn from_brat(article: &Article, raw: &str, ann_text: &str) -> PreAnnotations {
    let mut out = PreAnnotations::default();
    let map = brat::OffsetMap::new(raw);
    let ann = brat::parse_ann(ann_text);
    for (line, reason) in &ann.problems {
        out.problems.push(format!("line {line}: {reason}"));
    }
    for e in &ann.entities {
        let place = format!("line {}", e.line);
        let ranges: Option<Vec<CharRange>> = e
            .fragments
            .iter()
            .map(|&(s, t)| match (map.to_article(s), map.to_article(t)) {
                (Some(s), Some(t)) if s < t => Some(CharRange::from_usize(s, t)),
                _ => None,
            })
            .collect();
        let Some(ranges) = ranges else {
            out.problems.push(format!(
                "{place}: {}: offsets are empty or past the end of the text",
                e.id
            ));
            continue;
        };
        let found: Vec<&str> = ranges.iter().filter_map(|r| article.slice(*r)).collect();
        if !brat::same_text_modulo_whitespace(&found.join(" "), &e.text) {
            out.problems.push(format!(
                "{place}: {}: the text column {:?} differs from the text at its offsets",
                e.id, e.text
            ));
            continue;
        }
        let (label, kind) = formats::label_from_name(&e.kind, None);
        for range in ranges {
            match check_span(article, range) {
                Ok(()) => out.spans.push(PreSpan {
                    range,
                    label,
                    kind: kind.clone(),
                }),
                Err(reason) => out.problems.push(format!("{place}: {reason}")),
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::formats::doccano;

    #[test]
    fn records_of_other_articles_and_bad_spans_are_skipped() {
        let article = Article::new("Dehqan said peace.".into());
        let content = [
            r#"{"text": "Dehqan said peace.", "label": [[0, 6, "PER"], [12, 17, "Claim"], [5, 99, "PER"]]}"#,
            r#"{"text": "Another text.", "label": [[0, 7, "PER"]]}"#,
        ]
        .join("\n");
        let pre = from_jsonl(&article, "a.txt", &content, doccano::parse_line);
        assert_eq!(pre.spans.len(), 2);
        assert_eq!(pre.spans[1].label, Label::Claim);
        assert_eq!(pre.other_records, 1);
        assert_eq!(pre.problems.len(), 1, "{:?}", pre.problems);
    }

    #[test]
    fn brat_offsets_count_the_raw_file() {
        let raw = "\u{feff}Dehqan\r\nsaid.";
        let article = Article::new("Dehqan\nsaid.".into());
        let pre = from_brat(
            &article,
            raw,
            "T1\tPerson 1 7\tDehqan\nT2\tClaim 9 13\tsaid\n",
        );
        assert_eq!(pre.problems, Vec::<String>::new());
        assert_eq!(pre.spans[0].range, CharRange::from_usize(0, 6));
        assert_eq!(pre.spans[1].range, CharRange::from_usize(7, 11));
    }
}
