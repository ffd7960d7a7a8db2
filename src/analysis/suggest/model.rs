//! A small linear model for the indirect speech the rules miss: it reads
//! each sentence that no frame covers and tells whether it reports what
//! somebody said, thinks, wants or did as a stance (PolNeAR's attributed
//! content: `Clinton wants to raise the minimum wage.`, `He also took a shot
//! at Cruz.`).
//!
//! The model is logistic regression over a sentence's words and word pairs
//! (names and numbers folded into `CAP` and `NUM`, so no name is learnt),
//! its first words, punctuation, length, cues, subject and whether the
//! rules found attributions in the sentences around it. Its weights are a
//! plain data file built into the binary (`assets/suggest/claim-model.txt`),
//! trained by `scripts/train-claim-model.py` on PolNeAR's train split from
//! the rows `marginalia __suggest-features` prints. Scoring is a hash look-up
//! per feature: deterministic, and well under a millisecond per article.
//!
//! A sentence that scores over the model's threshold becomes a Claim. Its
//! source is picked by a second linear model of the same kind
//! (`assets/suggest/source-model.txt`) among the sentence's candidates: its
//! subject (`Clinton`, `The governor`, `He`, after an opener such as
//! `However,`), names, pronouns and noun phrases opened by a determiner, each
//! scored on its words, the words around it, its rank and kind. When the
//! subject wins, the Claim is the rest of the sentence; otherwise all of it.

use super::frames::{Content, Frame, Source, Span};
use super::lexicon::{self, Lexicon, is_in};
use super::names::{self, EntityKind, Phrase};
use super::text::{Gap, Sentence, Text};
use crate::model::annotation::Label;
use std::collections::HashMap;
use std::sync::OnceLock;

/// The built-in weights.
pub const BUILTIN_WEIGHTS: &str = include_str!("../../../assets/suggest/claim-model.txt");

/// The built-in weights of the source picker.
pub const BUILTIN_SOURCE_WEIGHTS: &str = include_str!("../../../assets/suggest/source-model.txt");

/// Feature weights, a bias and the score over which a sentence is a Claim.
#[derive(Clone, Debug, Default)]
pub struct Model {
    weights: HashMap<String, f32>,
    bias: f32,
    threshold: f32,
}

impl Model {
    /// Read a weights file: `feature<TAB>weight` per line, `#` comments, and
    /// the special features `__bias` and `__threshold`. Bad lines are skipped
    /// (the built-in file is tested to have none).
    pub fn parse(file: &str) -> Model {
        let mut m = Model {
            threshold: f32::INFINITY,
            ..Model::default()
        };
        for line in file.lines() {
            if line.starts_with('#') {
                continue;
            }
            let Some((name, w)) = line.split_once('\t') else {
                continue;
            };
            let Ok(w) = w.trim().parse::<f32>() else {
                continue;
            };
            match name {
                "__bias" => m.bias = w,
                "__threshold" => m.threshold = w,
                _ => {
                    m.weights.insert(name.to_owned(), w);
                }
            }
        }
        m
    }

    /// The built-in model, read once.
    pub fn builtin() -> &'static Model {
        static MODEL: OnceLock<Model> = OnceLock::new();
        MODEL.get_or_init(|| Model::parse(BUILTIN_WEIGHTS))
    }

    /// The built-in source picker: the best candidate is the source when
    /// it scores over the threshold.
    pub fn builtin_source() -> &'static Model {
        static MODEL: OnceLock<Model> = OnceLock::new();
        MODEL.get_or_init(|| Model::parse(BUILTIN_SOURCE_WEIGHTS))
    }

    /// Number of weighted features.
    pub fn len(&self) -> usize {
        self.weights.len()
    }

    /// True when the model has no weights (it then finds nothing).
    pub fn is_empty(&self) -> bool {
        self.weights.is_empty()
    }

    /// The score (log-odds) of a sentence with these features.
    pub fn score(&self, features: &[String]) -> f32 {
        self.bias
            + features
                .iter()
                .filter_map(|f| self.weights.get(f))
                .sum::<f32>()
    }

    /// The score over which the model says yes.
    pub fn threshold(&self) -> f32 {
        self.threshold
    }

    /// True when a sentence with these features is attributed content.
    pub fn is_claim(&self, features: &[String]) -> bool {
        self.score(features) > self.threshold
    }
}

/// For each of the text's sentences: does a frame's content overlap it?
pub fn touched(text: &Text, frames: &[Frame]) -> Vec<bool> {
    let spans: Vec<Span> = frames
        .iter()
        .flat_map(|f| f.contents.iter().map(|c| c.span))
        .collect();
    text.sentences
        .iter()
        .map(|s| {
            let a = text.toks[s.first].start;
            let b = text.toks[s.end - 1].end;
            spans.iter().any(|c| c.start < b && a < c.end)
        })
        .collect()
}

/// Words that open a sentence before its subject: `But`, `However,`.
const OPENERS: &[&str] = &[
    "but",
    "and",
    "so",
    "yet",
    "still",
    "also",
    "however",
    "meanwhile",
    "now",
    "instead",
    "indeed",
    "then",
    "thus",
    "moreover",
];

/// A word as a feature: lower case; a capitalized word inside the sentence
/// (a name) is `CAP`, a number `NUM`.
fn word_feature(t: &super::text::Tok, is_first: bool) -> String {
    if t.s.chars().next().is_some_and(|c| c.is_ascii_digit()) {
        return "NUM".to_owned();
    }
    let lower = t.s.to_lowercase();
    let function_word = is_in(lexicon::DETERMINERS, &lower)
        || is_in(lexicon::PRONOUNS, &lower)
        || is_in(OPENERS, &lower)
        || is_in(lexicon::NP_STOP, &lower);
    if t.is_capitalized() && !(is_first && function_word) {
        return "CAP".to_owned();
    }
    lower
}

/// Words that open a clause or phrase before the subject: `As I left the
/// courtroom, my smile …`, `On a snowy day in Iowa, Kasich …`.
const CLAUSE_OPENERS: &[&str] = &[
    "as",
    "if",
    "when",
    "while",
    "after",
    "before",
    "although",
    "though",
    "because",
    "since",
    "once",
    "until",
    "unless",
    "whether",
    "among",
    "in",
    "on",
    "at",
    "for",
    "with",
    "during",
    "despite",
    "by",
    "from",
    "under",
    "over",
    "following",
    "amid",
    "like",
    "unlike",
    "to",
    "of",
    "without",
    "within",
    "through",
    "throughout",
    "against",
    "beyond",
    "whatever",
];

/// `It’s`, `Here’s`, `What’s`: a contraction, not a source.
const NOT_SUBJECTS: &[&str] = &[
    "it’s",
    "it's",
    "here’s",
    "here's",
    "what’s",
    "what's",
    "that’s",
    "that's",
    "there’s",
    "there's",
    "this",
    "that",
    "these",
    "those",
    "there",
    "here",
    "what",
    "it",
    "which",
    "question",
    "answer",
    "update",
    "note",
];

/// The subject the sentence opens with, after openers and a leading
/// phrase closed by a comma (`Last year, Time magazine named …`, `As I left
/// the courtroom, my smile …`): a run of names (`Mr. Sanders`, `Breitbart
/// News’ Dr. Thomas Williams`), a pronoun, or a noun phrase cut before its
/// verb (`The governor has`, `The campaign wants`, `The poll showed`).
pub fn subject(text: &Text, lexicon: &Lexicon, s: Sentence) -> Option<Phrase> {
    let toks = &text.toks;
    let mut k = s.first;
    while k < s.end && (toks[k].is(',') || (toks[k].is_word() && is_in(OPENERS, toks[k].s))) {
        k += 1;
    }
    let opens_clause = toks.get(k).is_some_and(|t| is_in(CLAUSE_OPENERS, t.s));
    let reach = if opens_clause { 25 } else { 10 };
    let comma = (k..s.end.min(k + reach)).find(|&m| toks[m].is(','));
    let starts = [(!opens_clause).then_some(k), comma.map(|c| c + 1)];
    starts.into_iter().flatten().find_map(|start| {
        let first = toks.get(start).filter(|t| t.is_word())?;
        if is_in(NOT_SUBJECTS, first.s) || (start < s.end && is_in(CLAUSE_OPENERS, first.s)) {
            return None;
        }
        let function_word =
            is_in(lexicon::DETERMINERS, first.s) || is_in(lexicon::NP_STOP, first.s);
        let mut p = if names::is_name_word(first) && !function_word {
            names::name_run(toks, start).filter(|p| p.end <= s.end)?
        } else {
            let mut p = names::phrase_starting_at(toks, start, s.end)?;
            let verb = (p.first + 1..p.end).find(|&m| {
                let t = &toks[m];
                lexicon.cue_at(toks, m).is_some()
                    || (t.is_word() && !t.is_capitalized() && t.s.ends_with("ed"))
            });
            p.end = verb.unwrap_or(p.end);
            p
        };
        // `Breitbart News’ Dr. Thomas Williams`: a possessive, then its head.
        if toks.get(p.end).is_some_and(|t| t.is('’') || t.is('\''))
            && let Some(head) = toks
                .get(p.end + 1)
                .filter(|t| names::is_name_word(t))
                .and_then(|_| names::name_run(toks, p.end + 1))
                .filter(|h| h.end <= s.end)
        {
            p.end = head.end;
        }
        let last = &toks[p.end - 1];
        let fits = names::kind_of(toks, p).is_some()
            || last.is_capitalized()
            || names::is_pronoun(last)
            || is_in(lexicon::PERSON_TITLES, last.s)
            || is_in(lexicon::ORG_WORDS, last.s);
        // Room for a verb and its object after the subject.
        (fits && p.end + 2 < s.end && !is_in(NOT_SUBJECTS, &last.s.to_lowercase())).then_some(p)
    })
}

/// Noun phrases of sentence `s` that could be its Claim's source, in text
/// order: its subject, then names, pronouns and noun phrases opened by a
/// determiner, outside quotations.
pub fn source_candidates(text: &Text, lexicon: &Lexicon, s: Sentence) -> Vec<Phrase> {
    let toks = &text.toks;
    let mut out: Vec<Phrase> = subject(text, lexicon, s).into_iter().collect();
    let mut k = s.first;
    while k < s.end && out.len() < 8 {
        let t = &toks[k];
        let quoted = text
            .quotations
            .iter()
            .any(|q| q.depth == 0 && q.start <= t.start && t.end <= q.end);
        let taken = out.iter().any(|p| p.first <= k && k < p.end);
        let lower = t.s.to_lowercase();
        let function_word = is_in(lexicon::DETERMINERS, &lower)
            || is_in(lexicon::NP_STOP, &lower)
            || is_in(OPENERS, &lower)
            || is_in(CLAUSE_OPENERS, &lower)
            || is_in(NOT_SUBJECTS, &lower);
        let candidate = if quoted || taken || !t.is_word() {
            None
        } else if names::is_pronoun(t) {
            (!is_in(&["it", "which"], &lower)).then_some(Phrase {
                first: k,
                end: k + 1,
            })
        } else if names::is_name_word(t) && !function_word {
            names::name_run(toks, k).filter(|p| p.end <= s.end)
        } else if is_in(lexicon::DETERMINERS, &lower) {
            names::phrase_starting_at(toks, k, s.end).and_then(|mut p| {
                let verb = (p.first + 1..p.end).find(|&m| {
                    lexicon.cue_at(toks, m).is_some()
                        || (toks[m].is_word()
                            && !toks[m].is_capitalized()
                            && toks[m].s.ends_with("ed"))
                });
                p.end = verb.unwrap_or(p.end);
                (p.end >= p.first + 2).then_some(p)
            })
        } else {
            None
        };
        match candidate {
            Some(p) => {
                out.push(p);
                k = p.end;
            }
            None => k += 1,
        }
    }
    out.sort_by_key(|p| p.first);
    out.dedup();
    out
}

/// The features of candidate `i` of `candidates` (see [`source_candidates`])
/// as a source of sentence `s`.
pub fn source_features(
    text: &Text,
    lexicon: &Lexicon,
    s: Sentence,
    candidates: &[Phrase],
    i: usize,
) -> Vec<String> {
    let toks = &text.toks;
    let p = candidates[i];
    let token = |k: usize| -> String {
        match toks.get(k) {
            Some(t) if k >= s.first && k < s.end && t.is_word() => word_feature(t, k == s.first),
            Some(t) if k >= s.first && k < s.end => t.s.to_owned(),
            _ => "EDGE".to_owned(),
        }
    };
    let mut out = vec![
        format!("rank={}", i.min(5)),
        format!("first={}", token(p.first)),
        format!("last={}", token(p.end - 1)),
        format!("prev={}", token(p.first.wrapping_sub(1))),
        format!("next={}", token(p.end)),
        format!("next2={}_{}", token(p.end), token(p.end + 1)),
        format!(
            "prev2={}_{}",
            token(p.first.wrapping_sub(2)),
            token(p.first.wrapping_sub(1))
        ),
        format!("words={}", (p.end - p.first).min(5)),
    ];
    if subject(text, lexicon, s) == Some(p) {
        out.push("subj".to_owned());
    }
    let kind = if p.end == p.first + 1 && names::is_pronoun(&toks[p.first]) {
        "pron"
    } else {
        match names::kind_of(toks, p) {
            Some(EntityKind::Person) => "person",
            Some(EntityKind::Organization) => "org",
            None => "np",
        }
    };
    out.push(format!("kind={kind}"));
    out.push(format!("kind={kind}_rank={}", i.min(3)));
    if (p.end..(p.end + 3).min(s.end)).any(|m| lexicon.cue_at(toks, m).is_some()) {
        out.push("cue_after".to_owned());
    }
    if (p.first.saturating_sub(3).max(s.first)..p.first).any(|m| lexicon.cue_at(toks, m).is_some())
    {
        out.push("cue_before".to_owned());
    }
    out
}

/// The features of sentence `si` of `text`; `touched` tells which sentences
/// the rules found content in.
pub fn features(text: &Text, lexicon: &Lexicon, touched: &[bool], si: usize) -> Vec<String> {
    let toks = &text.toks;
    let s = text.sentences[si];
    let mut out = vec![];
    let words: Vec<usize> = (s.first..s.end).filter(|&k| toks[k].is_word()).collect();
    let feats: Vec<String> = words
        .iter()
        .map(|&k| word_feature(&toks[k], k == s.first))
        .collect();
    for f in &feats {
        out.push(format!("w={f}"));
    }
    for k in s.first + 1..s.end {
        if toks[k - 1].is_word() && toks[k].is_word() {
            let a = word_feature(&toks[k - 1], k - 1 == s.first);
            let b = word_feature(&toks[k], false);
            out.push(format!("b={a}_{b}"));
        }
    }
    if let Some(f) = feats.first() {
        out.push(format!("f={f}"));
    }
    if feats.len() >= 2 {
        out.push(format!("f2={}_{}", feats[0], feats[1]));
    }
    for t in &toks[s.first..s.end] {
        if !t.is_word() {
            let p = match t.s {
                "“" | "”" | "\"" | "‘" | "«" | "»" | "„" => "q",
                "’" | "'" => continue,
                other => other,
            };
            out.push(format!("p={p}"));
        }
    }
    if let Some(last) = toks[s.first..s.end].iter().rev().find(|t| !t.is_word()) {
        out.push(format!("end={}", last.s));
    }
    let bucket = match words.len() {
        0..=5 => "5",
        6..=10 => "10",
        11..=20 => "20",
        21..=35 => "35",
        _ => "more",
    };
    out.push(format!("len={bucket}"));
    let mut k = s.first;
    while k < s.end {
        if let Some(c) = lexicon.cue_at(toks, k) {
            out.push("cue".to_owned());
            out.push(format!("cue={}", toks[k].s.to_lowercase()));
            k = c.end;
        } else {
            k += 1;
        }
    }
    let prev = si.checked_sub(1).and_then(|p| touched.get(p)).copied();
    let next = touched.get(si + 1).copied();
    out.push(format!(
        "prev={}",
        prev.map_or("none", |t| if t { "T" } else { "F" })
    ));
    out.push(format!(
        "next={}",
        next.map_or("none", |t| if t { "T" } else { "F" })
    ));
    if toks[s.first].gap == Gap::Line || si == 0 {
        out.push("para".to_owned());
    }
    if si == 0 {
        out.push("head".to_owned());
    }
    let subj = match subject(text, lexicon, s) {
        None => "none",
        Some(p) if p.end == p.first + 1 && names::is_pronoun(&toks[p.first]) => "pron",
        Some(p) => match names::kind_of(toks, p) {
            Some(EntityKind::Person) => "person",
            Some(EntityKind::Organization) => "org",
            None => "np",
        },
    };
    out.push(format!("subj={subj}"));
    out.sort();
    out.dedup();
    out
}

/// Add a Claim frame for each sentence no frame covers that `model` scores
/// as attributed content.
pub fn add_claims(text: &Text, lexicon: &Lexicon, model: &Model, frames: &mut Vec<Frame>) {
    if model.is_empty() {
        return;
    }
    let touched = touched(text, frames);
    for (si, &s) in text.sentences.iter().enumerate() {
        if touched[si] || !model.is_claim(&features(text, lexicon, &touched, si)) {
            continue;
        }
        if let Some(frame) = claim_frame(text, lexicon, s) {
            frames.push(frame);
        }
    }
}

/// The Claim of sentence `s` with its source: after its subject when that is
/// the source, or all of it; none when no candidate is likely its source.
fn claim_frame(text: &Text, lexicon: &Lexicon, s: Sentence) -> Option<Frame> {
    let toks = &text.toks;
    let subject = subject(text, lexicon, s);
    let picker = Model::builtin_source();
    let candidates = source_candidates(text, lexicon, s);
    let best = (0..candidates.len())
        .map(|i| {
            (
                picker.score(&source_features(text, lexicon, s, &candidates, i)),
                i,
            )
        })
        .max_by(|a, b| a.0.total_cmp(&b.0).then(b.1.cmp(&a.1)));
    let source_phrase = if picker.is_empty() {
        subject
    } else {
        // A Claim whose source is more likely wrong than right is not made:
        // it would cost the analyst more than it saves.
        let (score, i) = best?;
        if score <= picker.threshold {
            return None;
        }
        Some(candidates[i])
    };
    // The Claim is what follows the subject, or (its source further on) the
    // whole sentence.
    let first = subject
        .filter(|p| Some(*p) == source_phrase)
        .map_or(s.first, |p| p.end);
    let mut a = toks.get(first)?.start;
    let mut b = toks[s.end - 1].end;
    let chars = &text.chars;
    let is_edge = |c: char| c.is_whitespace() || matches!(c, ',' | ':' | ';' | '—' | '–' | '-');
    while a < b && is_edge(chars[a]) {
        a += 1;
    }
    while a < b && (is_edge(chars[b - 1]) || chars[b - 1] == '.') {
        b -= 1;
    }
    if b <= a {
        return None;
    }
    let source = source_phrase.map(|p| Source {
        span: Span {
            start: toks[p.first].start,
            end: toks[p.end - 1].end,
        },
        kind: names::kind_of(toks, p),
        antecedent: None,
    });
    Some(Frame {
        cue: None,
        source,
        contents: vec![Content {
            span: Span { start: a, end: b },
            label: Label::Claim,
        }],
    })
}

/// One sentence as a training row: where it is, whether the rules found
/// content in it, and its features.
#[derive(Clone, Debug, PartialEq)]
pub struct Row {
    /// First code point.
    pub start: usize,
    /// One past the last code point.
    pub end: usize,
    /// The rules found content in it.
    pub touched: bool,
    /// Its features.
    pub features: Vec<String>,
    /// Its source candidates (for a sentence the rules left): code-point
    /// range and features.
    pub candidates: Vec<(Span, Vec<String>)>,
}

/// The training rows of a text: its sentences as the rules leave them.
pub fn rows(text: &Text, lexicon: &Lexicon) -> Vec<Row> {
    let found = super::frames::find_with(text, lexicon, None);
    let touched = touched(text, &found.frames);
    text.sentences
        .iter()
        .enumerate()
        .map(|(si, s)| Row {
            start: text.toks[s.first].start,
            end: text.toks[s.end - 1].end,
            touched: touched[si],
            features: features(text, lexicon, &touched, si),
            candidates: if touched[si] {
                Vec::new()
            } else {
                let cands = source_candidates(text, lexicon, *s);
                (0..cands.len())
                    .map(|i| {
                        let p = cands[i];
                        let span = Span {
                            start: text.toks[p.first].start,
                            end: text.toks[p.end - 1].end,
                        };
                        (span, source_features(text, lexicon, *s, &cands, i))
                    })
                    .collect()
            },
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::analysis::suggest::frames;

    /// The model's Claims in `text` as `source | claim`.
    fn claims(text: &str) -> Vec<String> {
        let t = Text::new(text);
        let lexicon = Lexicon::builtin();
        let rules = frames::find_with(&t, &lexicon, None).frames;
        let mut all = rules.clone();
        add_claims(&t, &lexicon, Model::builtin(), &mut all);
        all.iter()
            .filter(|f| !rules.contains(f))
            .map(|f| {
                let src = f
                    .source
                    .as_ref()
                    .map_or(String::new(), |s| t.slice(s.span.start, s.span.end));
                let c = f.contents[0].span;
                format!("{src} | {}", t.slice(c.start, c.end))
            })
            .collect()
    }

    #[test]
    fn the_builtin_weights_read_whole() {
        let m = Model::builtin();
        let lines = BUILTIN_WEIGHTS
            .lines()
            .filter(|l| !l.starts_with('#'))
            .count();
        assert_eq!(
            m.len() + 2,
            lines,
            "every line but __bias and __threshold is a weight"
        );
        assert!(m.threshold.is_finite());
    }

    #[test]
    fn a_stance_the_rules_miss_is_a_claim_of_its_subject() {
        assert_eq!(
            claims("However, Mr. Sanders talks about a revolution in health care."),
            ["Mr. Sanders | talks about a revolution in health care"]
        );
    }

    #[test]
    fn the_source_picker_can_choose_a_phrase_that_is_not_the_subject() {
        // The Claim then is the whole sentence.
        assert_eq!(
            claims(
                "Along with the dispute over the budget, the Supreme Court this month rejected a request from the governor."
            ),
            [
                "the Supreme Court this month | Along with the dispute over the budget, the Supreme Court this month rejected a request from the governor"
            ]
        );
    }

    #[test]
    fn a_claim_whose_best_source_is_unsure_is_not_made() {
        // The picker's threshold (0.5 in log-odds) trades content for right
        // sources: no candidate here (Senator Cruz, his allies) scores over it.
        let text = "The trade deal drew sharp criticism from Senator Cruz and his allies.";
        let t = Text::new(text);
        let lexicon = Lexicon::builtin();
        assert!(Model::builtin().is_claim(&features(&t, &lexicon, &[false], 0)));
        assert_eq!(claims(text), Vec::<String>::new());
    }

    #[test]
    fn no_claim_is_made_without_a_likely_source() {
        // The claim model alone would take it (see the test above); the
        // picker finds no candidate it trusts.
        let text = "It was a sharp rebuke of the trade deal and of the new tax plan.";
        let t = Text::new(text);
        let lexicon = Lexicon::builtin();
        let touched = vec![false];
        assert!(Model::builtin().is_claim(&features(&t, &lexicon, &touched, 0)));
        assert_eq!(claims(text), Vec::<String>::new());
    }

    #[test]
    fn the_builtin_source_weights_read_whole() {
        let m = Model::builtin_source();
        let lines = BUILTIN_SOURCE_WEIGHTS
            .lines()
            .filter(|l| !l.starts_with('#'))
            .count();
        assert_eq!(m.len() + 2, lines);
    }

    #[test]
    fn a_plain_fact_is_no_claim() {
        assert_eq!(
            claims("The rally took place in a high school gymnasium on Tuesday."),
            Vec::<String>::new()
        );
    }

    #[test]
    fn a_sentence_the_rules_read_is_left_to_them() {
        assert_eq!(
            claims("The governor said that the plan would fail."),
            Vec::<String>::new()
        );
    }

    /// The subject of the first sentence of `text`, as written.
    fn subject_of(text: &str) -> Option<String> {
        let t = Text::new(text);
        let p = subject(&t, &Lexicon::builtin(), t.sentences[0])?;
        Some(t.slice(t.toks[p.first].start, t.toks[p.end - 1].end))
    }

    #[test]
    fn the_subject_follows_an_opening_clause_and_a_possessive() {
        assert_eq!(
            subject_of("As I left the big courtroom in the city, my lawyer was smiling broadly.")
                .as_deref(),
            Some("my lawyer")
        );
        assert_eq!(
            subject_of("Breitbart News’ Dr. Thomas Williams will discuss the pope.").as_deref(),
            Some("Breitbart News’ Dr. Thomas Williams")
        );
        assert_eq!(subject_of("Because I knew the plan had failed."), None);
        assert_eq!(subject_of("Here’s the view from the other side."), None);
    }

    #[test]
    fn the_subject_is_cut_before_its_verb() {
        let text = "Last year, the campaign wants more money.";
        let t = Text::new(text);
        let p = subject(&t, &Lexicon::builtin(), t.sentences[0]);
        let p = p.map(|p| t.slice(t.toks[p.first].start, t.toks[p.end - 1].end));
        assert_eq!(p.as_deref(), Some("the campaign"));
    }

    #[test]
    fn scores_add_the_weights_of_the_features_present() {
        let m = Model::parse("# test\n__bias\t-1\n__threshold\t0.5\nw=wants\t2\nbad line\n");
        assert_eq!(m.len(), 1);
        let f = |s: &[&str]| s.iter().map(|s| s.to_string()).collect::<Vec<_>>();
        assert_eq!(m.score(&f(&["w=wants", "w=more"])), 1.0);
        assert!(m.is_claim(&f(&["w=wants"])));
        assert!(!m.is_claim(&f(&["w=more"])));
        assert!(!Model::parse("").is_claim(&f(&["w=wants"])));
    }
}
