//! Every occurrence: an entity the analyst tagged is suggested, with the
//! same label and kind, at every other whole-word occurrence of its text.
//!
//! Occurrences match the tagged text exactly (case included) with no letter
//! or digit on either side, so tagging `Baku` suggests `Baku` and `Baku’s`
//! but not `Bakunin`. An occurrence that any Entity already overlaps is left
//! alone: the analyst has decided about that text.

use super::plan::Wanted;
use crate::model::annotation::{Annotation, Label, Status};
use crate::model::document::Article;
use crate::model::offset::CharRange;

/// A tagged entity to look for: its text and kind.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub struct Tagged {
    /// The exact text.
    pub text: String,
    /// The kind to give each occurrence.
    pub kind: Option<String>,
}

/// Words never spread by the batch run (they are a source in one sentence
/// and somebody else in the next).
const NOT_SPREAD: &[&str] = &[
    "he", "she", "they", "it", "i", "we", "you", "who", "which", "him", "her", "them", "his",
    "their", "its", "that", "this",
];

/// The accepted entities of `annotations` worth spreading: not cues, not
/// pronouns, two code points or more. Sorted and without duplicates.
pub fn tagged(annotations: &[Annotation]) -> Vec<Tagged> {
    let mut out: Vec<Tagged> = annotations
        .iter()
        .filter(|a| a.label == Label::Entity && a.status == Status::Accepted)
        .filter(|a| a.kind.as_deref() != Some("Cue"))
        .filter(|a| a.quote.trim() == a.quote && a.quote.chars().count() >= 2)
        .filter(|a| !NOT_SPREAD.contains(&a.quote.to_lowercase().as_str()))
        .map(|a| Tagged {
            text: a.quote.as_str().to_owned(),
            kind: a.kind.clone(),
        })
        .collect();
    out.sort();
    out.dedup();
    out
}

/// Every whole-word occurrence of each of `tagged` in `article` that no
/// Entity of `existing` overlaps, as standalone Entity suggestions.
pub fn occurrences(article: &Article, existing: &[Annotation], tagged: &[Tagged]) -> Vec<Wanted> {
    let text = article.text();
    let mut out: Vec<Wanted> = Vec::new();
    for t in tagged {
        if t.text.is_empty() {
            continue;
        }
        for (byte, found) in text.match_indices(t.text.as_str()) {
            let before = text[..byte].chars().next_back();
            let after = text[byte + found.len()..].chars().next();
            let is_word_char = |c: Option<char>| c.is_some_and(char::is_alphanumeric);
            if is_word_char(before) || is_word_char(after) {
                continue;
            }
            let (Some(start), Some(end)) = (
                article.byte_to_char(byte),
                article.byte_to_char(byte + found.len()),
            ) else {
                continue;
            };
            let range = CharRange::new(start, end);
            let taken = existing
                .iter()
                .any(|a| a.label == Label::Entity && a.start < range.end && range.start < a.end)
                || out
                    .iter()
                    .any(|w| w.range.start < range.end && range.start < w.range.end);
            if taken {
                continue;
            }
            out.push(Wanted {
                range,
                label: Label::Entity,
                kind: t.kind.clone(),
                links: Vec::new(),
                standalone: true,
            });
        }
    }
    out.sort_by_key(|w| w.range);
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::annotation::Origin;

    fn entity(article: &Article, s: usize, e: usize, kind: &str, status: Status) -> Annotation {
        let mut a = Annotation::new(
            article,
            CharRange::from_usize(s, e),
            Label::Entity,
            "ana",
            chrono::Utc::now(),
            Origin::Manual,
        )
        .expect("range");
        a.kind = Some(kind.into());
        a.status = status;
        a
    }

    #[test]
    fn whole_words_only_and_never_over_an_entity() {
        let article = Article::new("Baku met Bakunin. Baku’s talks; “Baku” again, Baku.".into());
        let tagged_one = entity(&article, 0, 4, "Location", Status::Accepted);
        let other = entity(&article, 46, 50, "Person", Status::Unreviewed);
        let existing = vec![tagged_one, other];
        let t = tagged(&existing);
        assert_eq!(t.len(), 1, "only accepted entities spread");
        let found: Vec<(usize, usize)> = occurrences(&article, &existing, &t)
            .iter()
            .map(|w| (w.range.start.0, w.range.end.0))
            .collect();
        assert_eq!(found, [(18, 22), (33, 37)]);
    }

    #[test]
    fn pronouns_and_cues_are_not_spread() {
        let article = Article::new("He said he would.".into());
        let existing = vec![
            entity(&article, 0, 2, "Person", Status::Accepted),
            entity(&article, 3, 7, "Cue", Status::Accepted),
        ];
        assert_eq!(tagged(&existing), Vec::new());
    }
}
