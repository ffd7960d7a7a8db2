//! Where a direct quotation's content starts: a learned choice among a few
//! candidate starts, after the rules and the claim model have made their
//! frames.
//!
//! PolNeAR's annotators start the content of a quotation at its opening
//! mark (`“We will win,” he said`), at a lead clause no cue introduces
//! (`reacted skeptically to the deal, “…”` → the content is the whole
//! clause), after a cue's `that`, or at the object of `called` (`called
//! Trump “very flexible”`). Hand rules for each of those helped about as
//! often as they hurt, so the choice is learnt instead: for each content
//! fragment that holds a quotation, the candidates are the rules' own start,
//! the opening mark and every word between the start of the sentence (or
//! the end of the source, cue or content before the quotation) and the
//! mark. Each is scored by a linear model (a conditional logit over the
//! candidates) on the words at and before it, what lies between it and the
//! mark (a comma, `that`, a cue, how many words), whether the frame has a
//! cue, and where the rules' start is; the best one replaces the rules'
//! start when it beats it by more than the model's threshold.
//!
//! The weights are a data file built into the binary
//! (`assets/suggest/boundary-model.txt`), trained by
//! `scripts/train-claim-model.py --boundaries` on PolNeAR's train split from
//! the rows `marginalia __suggest-features --boundaries` prints.
//! Deterministic: a hash look-up per feature. The end of the content is the
//! rules' (a quotation's closing mark, or the end of its clause).

use super::frames::{Frame, Span};
use super::lexicon::{self, Lexicon};
use super::model::Model;
use super::quotes::Quotation;
use super::text::{Sentence, Text};
use crate::model::annotation::Label;
use std::sync::OnceLock;

/// The built-in weights of the start chooser.
pub const BUILTIN_BOUNDARY_WEIGHTS: &str =
    include_str!("../../../assets/suggest/boundary-model.txt");

/// The built-in start chooser, read once.
pub fn builtin() -> &'static Model {
    static MODEL: OnceLock<Model> = OnceLock::new();
    MODEL.get_or_init(|| Model::parse(BUILTIN_BOUNDARY_WEIGHTS))
}

/// How many words before the opening mark a candidate may start.
const MAX_WORDS_BACK: usize = 40;

/// One candidate start of a content fragment.
#[derive(Clone, Debug, PartialEq)]
pub struct Candidate {
    /// The code point it starts at.
    pub start: usize,
    /// Its features.
    pub features: Vec<String>,
}

/// A content fragment that holds a quotation, with its candidate starts
/// (the rules' own start first).
#[derive(Clone, Debug, PartialEq)]
pub struct Choice {
    /// The frame.
    pub frame: usize,
    /// The content fragment in it.
    pub content: usize,
    /// The fragment as the rules made it.
    pub span: Span,
    /// Its candidate starts.
    pub candidates: Vec<Candidate>,
}

/// The first top-level quotation inside `span`.
fn first_quotation(text: &Text, span: Span) -> Option<Quotation> {
    text.quotations
        .iter()
        .filter(|q| q.depth == 0 && span.start <= q.start && q.end <= span.end)
        .min_by_key(|q| q.start)
        .copied()
}

/// The sentence holding token `k`.
fn sentence_of(text: &Text, k: usize) -> Option<Sentence> {
    text.sentences
        .iter()
        .find(|s| s.first <= k && k < s.end)
        .copied()
}

/// A word as a feature: lower case, names folded into `CAP` (unless the
/// word opens its sentence), numbers into `NUM`.
fn word(text: &Text, k: usize, sentence_first: usize) -> String {
    let Some(t) = text.toks.get(k) else {
        return "END".to_owned();
    };
    if !t.is_word() {
        return t.s.to_owned();
    }
    if t.s.chars().next().is_some_and(|c| c.is_ascii_digit()) {
        return "NUM".to_owned();
    }
    if t.is_capitalized() && k != sentence_first && !lexicon::is_in(lexicon::PRONOUNS, t.s) {
        return "CAP".to_owned();
    }
    t.s.to_lowercase()
}

fn count_bucket(n: usize) -> &'static str {
    match n {
        0 => "0",
        1 => "1",
        2..=3 => "2-3",
        4..=7 => "4-7",
        8..=15 => "8-15",
        _ => "16+",
    }
}

/// The choices of `frames`: every content fragment that holds a quotation,
/// with its candidate starts.
pub fn choices(text: &Text, lexicon: &Lexicon, frames: &[Frame]) -> Vec<Choice> {
    let taken: Vec<Span> = frames
        .iter()
        .flat_map(|f| {
            f.contents
                .iter()
                .map(|c| c.span)
                .chain(f.cue)
                .chain(f.source.as_ref().map(|s| s.span))
        })
        .collect();
    let mut out = Vec::new();
    for (fi, f) in frames.iter().enumerate() {
        for (ci, c) in f.contents.iter().enumerate() {
            let Some(q) = first_quotation(text, c.span) else {
                continue;
            };
            if let Some(candidates) = candidates(text, lexicon, f, c.span, &q, &taken) {
                out.push(Choice {
                    frame: fi,
                    content: ci,
                    span: c.span,
                    candidates,
                });
            }
        }
    }
    out
}

/// The candidate starts of fragment `span` of frame `f`, whose first
/// quotation is `q`; `taken` are all frames' spans (none is crossed).
fn candidates(
    text: &Text,
    lexicon: &Lexicon,
    f: &Frame,
    span: Span,
    q: &Quotation,
    taken: &[Span],
) -> Option<Vec<Candidate>> {
    let toks = &text.toks;
    let mark = text.tok_at(q.start);
    if toks.get(mark).is_none_or(|t| t.start != q.start) {
        return None;
    }
    let s = sentence_of(text, mark)?;
    let sentence_start = toks[s.first].start;
    // Nothing another span holds before the mark, in this sentence.
    let floor = taken
        .iter()
        .filter(|t| **t != span && t.end <= q.start && t.end > sentence_start)
        .map(|t| t.end)
        .max()
        .unwrap_or(sentence_start);
    let lo = text.tok_at(floor).max(s.first);
    let words_back = |k: usize| toks[k..mark].iter().filter(|t| t.is_word()).count();
    let mut starts: Vec<usize> = (lo..=mark)
        .filter(|&k| k == mark || (toks[k].is_word() && words_back(k) <= MAX_WORDS_BACK))
        .collect();
    if lo == s.first && !starts.contains(&s.first) && toks[s.first].is_word() {
        starts.insert(0, s.first);
    }
    let rules = text.tok_at(span.start);
    if toks.get(rules).is_none_or(|t| t.start != span.start) {
        return None;
    }
    if !starts.contains(&rules) {
        starts.push(rules);
        starts.sort_unstable();
    }
    let cue_end_at = |k: usize| {
        (k.saturating_sub(3)..k).any(|j| lexicon.cue_at(toks, j).is_some_and(|c| c.end == k))
    };
    let frame = if f.cue.is_some() { "cue" } else { "nocue" };
    let source_before = f.source.as_ref().is_some_and(|s| s.span.end <= q.start);
    let side = if source_before { "srcbefore" } else { "srcnot" };
    let runs_on = span.end > q.end + 1;
    let q_words = toks[mark..text.tok_at(q.end)]
        .iter()
        .filter(|t| t.is_word())
        .count();
    let q_lower = text
        .chars
        .get(q.start + 1..q.end)
        .and_then(|cs| cs.iter().find(|c| c.is_alphabetic()))
        .is_some_and(|c| c.is_lowercase());
    let out = starts
        .into_iter()
        .map(|k| {
            let w0 = word(text, k, s.first);
            let p1 = if k == s.first {
                "BOS".to_owned()
            } else {
                word(text, k - 1, s.first)
            };
            let p2 = if k < s.first + 2 {
                "BOS".to_owned()
            } else {
                word(text, k - 2, s.first)
            };
            let n = words_back(k);
            let between = &toks[k..mark];
            let rel = match k.cmp(&rules) {
                std::cmp::Ordering::Equal => "rules".to_owned(),
                std::cmp::Ordering::Less => format!(
                    "before_rules_{}",
                    count_bucket(toks[k..rules].iter().filter(|t| t.is_word()).count(),)
                ),
                std::cmp::Ordering::Greater => format!(
                    "after_rules_{}",
                    count_bucket(toks[rules..k].iter().filter(|t| t.is_word()).count(),)
                ),
            };
            let mut fs: Vec<String> = vec![
                rel.clone(),
                format!("w0={w0}"),
                format!("p1={p1}"),
                format!("p1p2={p2}_{p1}"),
                format!("p1w0={p1}_{w0}"),
                format!("n={}", count_bucket(n)),
            ];
            if k == mark {
                fs.push("mark".to_owned());
                fs.push(format!("mark_qwords={}", count_bucket(q_words)));
                if q_lower {
                    fs.push("mark_qlower".to_owned());
                }
                if runs_on {
                    fs.push("mark_runs_on".to_owned());
                }
            }
            if k == s.first {
                fs.push("sentence_start".to_owned());
            }
            if k == lo {
                fs.push("floor".to_owned());
            }
            if cue_end_at(k) {
                fs.push("after_cue".to_owned());
            }
            if between.iter().any(|t| t.is(',')) {
                fs.push("between_comma".to_owned());
            }
            if between.iter().any(|t| t.is(':')) {
                fs.push("between_colon".to_owned());
            }
            if between
                .iter()
                .any(|t| t.is_word() && t.s.eq_ignore_ascii_case("that"))
            {
                fs.push("between_that".to_owned());
            }
            if (k..mark).any(|j| lexicon.cue_at(toks, j).is_some()) {
                fs.push("between_cue".to_owned());
            }
            fs.push(format!("{rel}:{frame}:{side}"));
            Candidate {
                start: toks[k].start,
                features: fs,
            }
        })
        .collect();
    Some(out)
}

/// The index of the candidate `model` picks for `choice`: the best-scored
/// one when it beats the rules' own start by more than the threshold.
pub fn pick(model: &Model, choice: &Choice) -> Option<usize> {
    let scores: Vec<f32> = choice
        .candidates
        .iter()
        .map(|c| model.score(&c.features))
        .collect();
    let rules = choice
        .candidates
        .iter()
        .position(|c| c.start == choice.span.start)?;
    let best = (0..scores.len()).max_by(|&a, &b| {
        scores[a]
            .partial_cmp(&scores[b])
            .unwrap_or(std::cmp::Ordering::Equal)
            .then(b.cmp(&a))
    })?;
    (best != rules && scores[best] - scores[rules] > model.threshold()).then_some(best)
}

/// Move the start of every content fragment holding a quotation to where
/// `model` picks; a fragment that then starts at its quotation is a Quote,
/// any other a Claim.
pub fn choose(text: &Text, lexicon: &Lexicon, model: &Model, frames: &mut [Frame]) {
    if model.is_empty() {
        return;
    }
    for choice in choices(text, lexicon, frames) {
        let Some(best) = pick(model, &choice) else {
            continue;
        };
        let start = choice.candidates[best].start;
        let Some(content) = frames
            .get_mut(choice.frame)
            .and_then(|f| f.contents.get_mut(choice.content))
        else {
            continue;
        };
        content.span.start = start;
        let is_quotation = text
            .quotations
            .iter()
            .any(|q| q.depth == 0 && q.start == start && q.end <= content.span.end);
        content.label = if is_quotation {
            Label::Quote
        } else {
            Label::Claim
        };
    }
}

/// The training rows of a text: each content fragment holding a quotation
/// as the rules and the claim model leave it, with its candidate starts.
pub fn rows(text: &Text, lexicon: &Lexicon) -> Vec<Choice> {
    let found = super::frames::find_with(text, lexicon, Some(Model::builtin()));
    choices(text, lexicon, &found.frames)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::analysis::suggest::frames;

    /// Each content fragment holding a quotation, as `Q:` or `C:` and its
    /// text, with the built-in chooser (`chosen`) or the rules' start.
    fn contents(text: &str, chosen: bool) -> Vec<String> {
        let t = Text::new(text);
        let lexicon = Lexicon::builtin();
        let found = if chosen {
            frames::find(&t, &lexicon)
        } else {
            frames::find_with(&t, &lexicon, Some(Model::builtin()))
        };
        found
            .frames
            .iter()
            .flat_map(|f| f.contents.iter())
            .filter(|c| first_quotation(&t, c.span).is_some())
            .map(|c| {
                let l = if c.label == Label::Quote { "Q" } else { "C" };
                format!("{l}:{}", t.slice(c.span.start, c.span.end))
            })
            .collect()
    }

    #[test]
    fn the_builtin_boundary_weights_read_whole() {
        let m = builtin();
        let lines = BUILTIN_BOUNDARY_WEIGHTS
            .lines()
            .filter(|l| !l.starts_with('#'))
            .count();
        assert_eq!(m.len() + 2, lines);
        assert!(m.threshold().is_finite() && !m.is_empty());
    }

    #[test]
    fn a_title_after_titled_is_the_quotation_alone() {
        let text = "The campaign released a memo titled “The Facts on Where the Race Stands.”";
        assert_eq!(
            contents(text, false),
            ["C:released a memo titled “The Facts on Where the Race Stands.”"]
        );
        assert_eq!(
            contents(text, true),
            ["Q:“The Facts on Where the Race Stands.”"]
        );
    }

    #[test]
    fn a_that_clause_around_a_short_quotation_is_its_content() {
        let text =
            "Rivera made a decision to back Chen, and that the endorsement was “a big deal.”";
        assert_eq!(contents(text, false), ["Q:“a big deal.”"]);
        assert_eq!(
            contents(text, true),
            ["C:that the endorsement was “a big deal.”"]
        );
    }

    #[test]
    fn a_quotation_after_its_cue_keeps_the_rules_start() {
        for text in [
            "“We will win,” Dehqan said.",
            "Smith said after the vote that “nobody expected this.”",
            "The mayor later called the plan “a disaster for working families.”",
        ] {
            assert_eq!(contents(text, true), contents(text, false), "{text}");
        }
    }

    #[test]
    fn candidates_never_reach_back_over_the_source_or_cue() {
        let t = Text::new("Smith said after the vote that “nobody expected this.”");
        let lexicon = Lexicon::builtin();
        let found = frames::find_with(&t, &lexicon, Some(Model::builtin()));
        let cs = choices(&t, &lexicon, &found.frames);
        assert_eq!(cs.len(), 1);
        let starts: Vec<String> = cs[0]
            .candidates
            .iter()
            .map(|c| t.slice(c.start, c.start + 5))
            .collect();
        // After `said`: its adverbials, `that` and the mark, nothing before.
        assert_eq!(starts, ["after", "the v", "vote ", "that ", "“nobo"]);
        assert!(cs[0].candidates.iter().any(|c| c.start == cs[0].span.start));
    }

    #[test]
    fn an_empty_model_changes_nothing() {
        let text = "The campaign released a memo titled “The Facts on Where the Race Stands.”";
        let t = Text::new(text);
        let lexicon = Lexicon::builtin();
        let mut frames = frames::find_with(&t, &lexicon, Some(Model::builtin())).frames;
        let before = frames.clone();
        choose(&t, &lexicon, &Model::parse(""), &mut frames);
        assert_eq!(frames, before);
    }
}
