//! The article as the suggester reads it: words and punctuation with their
//! code-point ranges, quotations, and sentences.
//!
//! A token is a word (letters and digits, with inner apostrophes, hyphens,
//! periods and ampersands: `don’t`, `co-chair`, `U.S`, `AT&T`) or one
//! punctuation character. Offsets count code points, like every offset in
//! Marginalia; the byte positions of token text stay inside this module.
//!
//! Sentences end at `.`, `!`, `?` or `…` followed by a capital, a digit or an
//! opening mark (not after an abbreviation such as `Mr.` or `U.S.`), and at
//! every line break. A quotation is never cut: `“We won. Again,” he said.`
//! is one sentence.

use super::quotes::{self, Quotation};

/// What a token is.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Kind {
    /// Letters, digits and their inner joiners.
    Word,
    /// One punctuation or symbol character.
    Punct,
}

/// What lies between a token and the one before it.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum Gap {
    /// Nothing: `Trump’s` `,` are glued.
    None,
    /// Spaces or tabs.
    Space,
    /// One or more line breaks.
    Line,
}

/// One token.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Tok<'a> {
    /// First code point.
    pub start: usize,
    /// One past the last code point.
    pub end: usize,
    /// Its text.
    pub s: &'a str,
    /// Word or punctuation.
    pub kind: Kind,
    /// What separates it from the previous token.
    pub gap: Gap,
}

impl Tok<'_> {
    /// True for a word whose first letter is upper case.
    pub fn is_capitalized(&self) -> bool {
        self.kind == Kind::Word && self.s.chars().next().is_some_and(char::is_uppercase)
    }

    /// True for a word.
    pub fn is_word(&self) -> bool {
        self.kind == Kind::Word
    }

    /// True for the punctuation token `c`.
    pub fn is(&self, c: char) -> bool {
        self.kind == Kind::Punct && self.s.starts_with(c)
    }
}

/// A sentence: a half-open range of token indexes.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Sentence {
    /// First token.
    pub first: usize,
    /// One past the last token.
    pub end: usize,
}

/// The analysed text.
#[derive(Debug)]
pub struct Text<'a> {
    /// The code points.
    pub chars: Vec<char>,
    /// Its tokens in order.
    pub toks: Vec<Tok<'a>>,
    /// Its quotations (outer ones first).
    pub quotations: Vec<Quotation>,
    /// Its sentences in order.
    pub sentences: Vec<Sentence>,
}

fn is_joiner(c: char) -> bool {
    matches!(c, '\'' | '’' | '-' | '‐' | '.' | '&')
}

impl<'a> Text<'a> {
    /// Tokenize `text` and find its quotations and sentences.
    pub fn new(text: &'a str) -> Text<'a> {
        let chars: Vec<char> = text.chars().collect();
        let toks = tokenize(text, &chars);
        let quotations = quotes::find(&chars);
        let sentences = split_sentences(&toks, &quotations);
        Text {
            chars,
            toks,
            quotations,
            sentences,
        }
    }

    /// The text of code points `start..end`.
    pub fn slice(&self, start: usize, end: usize) -> String {
        self.chars
            .get(start..end.min(self.chars.len()))
            .unwrap_or_default()
            .iter()
            .collect()
    }

    /// The index of the first token starting at or after code point `pos`.
    pub fn tok_at(&self, pos: usize) -> usize {
        self.toks.partition_point(|t| t.start < pos)
    }

    /// The outermost closed-or-not quotation that starts at `start`.
    pub fn quotation_starting_at(&self, start: usize) -> Option<&Quotation> {
        self.quotations.iter().find(|q| q.start == start)
    }
}

/// Split into tokens. Byte offsets are used only here, to slice `text`.
fn tokenize<'a>(text: &'a str, chars: &[char]) -> Vec<Tok<'a>> {
    let mut toks = Vec::with_capacity(chars.len() / 4);
    let bytes: Vec<usize> = text.char_indices().map(|(b, _)| b).collect();
    let byte_at = |i: usize| bytes.get(i).copied().unwrap_or(text.len());
    let mut i = 0;
    let mut gap = Gap::None;
    while i < chars.len() {
        let c = chars[i];
        if c.is_whitespace() {
            gap = gap.max(if c == '\n' { Gap::Line } else { Gap::Space });
            i += 1;
            continue;
        }
        let start = i;
        let kind = if c.is_alphanumeric() {
            i += 1;
            while i < chars.len() {
                let d = chars[i];
                // `20,000`: a comma between digits joins too.
                let digits = d == ','
                    && chars[i - 1].is_ascii_digit()
                    && chars.get(i + 1).is_some_and(char::is_ascii_digit);
                let joined = (is_joiner(d)
                    && chars.get(i + 1).is_some_and(|n| n.is_alphanumeric()))
                    || digits;
                if d.is_alphanumeric() || d == '_' || joined {
                    i += 1;
                } else {
                    break;
                }
            }
            Kind::Word
        } else {
            i += 1;
            Kind::Punct
        };
        toks.push(Tok {
            start,
            end: i,
            s: &text[byte_at(start)..byte_at(i)],
            kind,
            gap,
        });
        gap = Gap::None;
    }
    toks
}

/// Words after which a period does not end a sentence.
const ABBREVIATIONS: &[&str] = &[
    "mr", "mrs", "ms", "dr", "sen", "sens", "rep", "reps", "gov", "gen", "lt", "col", "capt",
    "sgt", "adm", "prof", "rev", "st", "jr", "sr", "inc", "corp", "co", "ltd", "vs", "no", "jan",
    "feb", "mar", "apr", "aug", "sept", "sep", "oct", "nov", "dec", "ft", "mt", "ave", "gop",
    "atty", "supt", "messrs", "hon", "pres", "amb", "cmdr", "maj", "u.s", "u.k", "u.n", "d.c",
    "a.m", "p.m", "e.g", "i.e", "n.y", "l.a",
];

fn is_abbreviation(word: &str) -> bool {
    let lower = word.to_lowercase();
    ABBREVIATIONS.contains(&lower.as_str())
        || (word.chars().count() == 1 && word.chars().all(char::is_uppercase))
}

fn starts_sentence(t: &Tok) -> bool {
    let c = t.s.chars().next().unwrap_or(' ');
    c.is_uppercase() || c.is_ascii_digit() || quotes::is_mark(c) || c == '(' || c == '['
}

/// Sentences of `toks`, never cutting a top-level quotation.
fn split_sentences(toks: &[Tok], quotations: &[Quotation]) -> Vec<Sentence> {
    let mut out = Vec::new();
    let mut first = 0;
    // Where each top-level quotation ends, by the token that opens it.
    let mut quote_end_at: Vec<Option<usize>> = vec![None; toks.len()];
    for q in quotations.iter().filter(|q| q.depth == 0) {
        let t = toks.partition_point(|t| t.start < q.start);
        if let Some(slot) = quote_end_at.get_mut(t) {
            *slot = Some(q.end);
        }
    }
    let mut inside_until = 0;
    for i in 0..toks.len() {
        let t = &toks[i];
        // A line break ends a sentence unless a quotation runs over it.
        if i > first && t.gap == Gap::Line && t.start >= inside_until {
            out.push(Sentence { first, end: i });
            first = i;
        }
        if let Some(end) = quote_end_at[i] {
            inside_until = inside_until.max(end);
        }
        let inside = t.start < inside_until && t.end < inside_until;
        if inside {
            continue;
        }
        let Some(next) = toks.get(i + 1) else {
            continue;
        };
        let ends = match t.s {
            // `Mr.` opens a paragraph too (`⏎Mr. Putin said`); a lone capital
            // there is a list mark (`⏎A. The plan`).
            "." => !toks.get(i.wrapping_sub(1)).is_some_and(|p| {
                p.is_word()
                    && (p.gap <= Gap::Space || p.s.chars().count() > 1)
                    && p.end == t.start
                    && is_abbreviation(p.s)
            }),
            "!" | "?" | "…" => true,
            // A closing quotation mark after sentence punctuation.
            _ => t.end == inside_until && i > 0 && matches!(toks[i - 1].s, "." | "!" | "?" | "…"),
        };
        if ends && next.gap != Gap::None && starts_sentence(next) && next.gap != Gap::Line {
            out.push(Sentence { first, end: i + 1 });
            first = i + 1;
        }
    }
    if first < toks.len() {
        out.push(Sentence {
            first,
            end: toks.len(),
        });
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sentences(text: &str) -> Vec<String> {
        let t = Text::new(text);
        t.sentences
            .iter()
            .map(|s| t.slice(t.toks[s.first].start, t.toks[s.end - 1].end))
            .collect()
    }

    #[test]
    fn a_title_opening_a_paragraph_does_not_end_the_sentence() {
        assert_eq!(
            sentences("Prices fell.\nMr. Putin blamed the West.\nA. The plan"),
            [
                "Prices fell.",
                "Mr. Putin blamed the West.",
                "A.",
                "The plan"
            ]
        );
    }

    #[test]
    fn words_keep_their_inner_joiners() {
        let t = Text::new("Trump’s co-chair said the U.S. and AT&T don't.");
        let words: Vec<&str> = t.toks.iter().map(|t| t.s).collect();
        assert_eq!(
            words,
            [
                "Trump’s",
                "co-chair",
                "said",
                "the",
                "U.S",
                ".",
                "and",
                "AT&T",
                "don't",
                "."
            ]
        );
        assert_eq!(t.toks[1].start, 8);
    }

    #[test]
    fn sentences_end_at_stops_but_not_after_abbreviations_or_inside_quotations() {
        assert_eq!(
            sentences(
                "Mr. Smith met Sen. Cruz in the U.S. Senate. He left. “We won. Again,” he said. Then?"
            ),
            [
                "Mr. Smith met Sen. Cruz in the U.S. Senate.",
                "He left.",
                "“We won. Again,” he said.",
                "Then?"
            ]
        );
    }

    #[test]
    fn a_closing_mark_after_a_stop_ends_the_sentence() {
        assert_eq!(
            sentences("He said “we won.” Then he left."),
            ["He said “we won.”", "Then he left."]
        );
    }

    #[test]
    fn line_breaks_end_sentences() {
        assert_eq!(
            sentences("Title line\n\nFirst para"),
            ["Title line", "First para"]
        );
    }
}
