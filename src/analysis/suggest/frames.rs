//! Attribution frames: who (source) said (cue) what (content), read one
//! sentence at a time.
//!
//! A sentence holds a frame when a cue from the lexicon has a source next to
//! it: before it (`Dehqan said`, `the minister, a veteran, told`) or, when
//! nothing fits there, after it (`said Dehqan`, `according to the poll`).
//! The content is what the cue introduces:
//! - after the cue, to the end of the sentence (`said that …`, `said: “…”`),
//!   past an addressee (`told reporters that …`) and an adverbial (`said in
//!   a statement that …`, `said Tuesday that …`);
//! - or before the source, from the start of the sentence (`“…,” he said.`,
//!   `…, according to the poll.`);
//! - or both, as two fragments (`“…,” he said, “…”`; `The plan, he said,
//!   is dead.`);
//! - or, when the sentence closes on `, according to X.`, all before it,
//!   an attribution inside included (`“…,” he said, according to CNN.`).
//!
//! A fragment that is exactly a quotation (its marks included; a trailing
//! `.` or `,` outside the marks is left out) is a Quote; one that starts with
//! a quotation and runs on is a Quote too; anything else, quotations inside
//! or not, is indirect speech: a Claim.
//!
//! A cue word after a determiner or preposition is a noun (`the resolution
//! of disputes`); a quotation that opens in lower case continues the clause
//! before it, which the content keeps (`In past races, “we won,” he said`).
//!
//! Quotations that no frame covers (with the words after a cue before them,
//! when a cue found no source) are attached to the nearest frame of
//! their paragraph (`“…,” he said. “More.”`), carried over from the previous
//! paragraph when a paragraph is nothing but quotation, or suggested with no
//! speaker when they look like speech (four words or more). Short quotations
//! outside any frame (`the so-called “alt-right”`) are scare quotes, and
//! left alone.

use super::lexicon::{
    self, ADVERBIAL_STARTS, BETWEEN_SOURCE_AND_CUE, CueMatch, Lexicon, PERSON_TITLES, is_in,
};
use super::model::Model;
use super::names::{self, EntityKind, Gender, Phrase};
use super::quotes::Quotation;
use super::text::{Gap, Sentence, Text};
use crate::model::annotation::Label;

/// A range of code points.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Span {
    /// First code point.
    pub start: usize,
    /// One past the last code point.
    pub end: usize,
}

impl Span {
    fn overlaps(self, other: Span) -> bool {
        self.start < other.end && other.start < self.end
    }
}

/// Who a frame's content is attributed to.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Source {
    /// The source as written (`he`, `the minister`, `Dehqan`).
    pub span: Span,
    /// Person or organization, when that can be told.
    pub kind: Option<EntityKind>,
    /// For a pronoun (`he`, `who`): the name it refers to.
    pub antecedent: Option<Span>,
}

/// One fragment of content.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Content {
    /// Where.
    pub span: Span,
    /// Quote (a quotation, marks included) or Claim (indirect speech).
    pub label: Label,
}

/// One attribution.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Frame {
    /// The reporting cue (`said`, `according to`), when there is one.
    pub cue: Option<Span>,
    /// The source, when one was found.
    pub source: Option<Source>,
    /// The content fragments in text order; later ones are part of the first.
    pub contents: Vec<Content>,
}

/// Everything found in one article.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Found {
    /// The attributions, in text order of their first content.
    pub frames: Vec<Frame>,
}

/// Find the attributions of `text`: the rules', then the built-in model's
/// Claims in the sentences they left, with each direct quotation's content
/// started where the built-in start chooser ([`super::boundary`]) puts it.
pub fn find(text: &Text, lexicon: &Lexicon) -> Found {
    let mut found = find_with(text, lexicon, Some(Model::builtin()));
    super::boundary::choose(text, lexicon, super::boundary::builtin(), &mut found.frames);
    found
}

/// Find the attributions of `text` with the rules and, when given, `model`.
pub fn find_with(text: &Text, lexicon: &Lexicon, model: Option<&Model>) -> Found {
    let mut r = Reader {
        text,
        lexicon,
        used: vec![false; text.quotations.len()],
        quote_frame: vec![None; text.quotations.len()],
        frames: Vec::new(),
        frame_sentence: Vec::new(),
        sentences: Vec::new(),
    };
    r.sentences = r.joined_sentences();
    if let Some(frame) = r.headline_frame() {
        r.mark_used(&frame, r.frames.len());
        r.frames.push(frame);
        r.frame_sentence.push(0);
    }
    for si in 0..r.sentences.len() {
        let s = r.sentences[si];
        for frame in r.frames_in(s) {
            r.mark_used(&frame, r.frames.len());
            r.frames.push(frame);
            r.frame_sentence.push(si);
        }
    }
    r.attach_loose_quotations();
    if let Some(model) = model {
        super::model::add_claims(text, lexicon, model, &mut r.frames);
    }
    resolve_pronouns(text, &mut r.frames);
    r.frames
        .sort_by_key(|f| f.contents.first().map(|c| c.span.start));
    Found { frames: r.frames }
}

/// A cue with its source, before its content is read.
#[derive(Clone, Copy, Debug)]
struct Candidate {
    cue: CueMatch,
    source: Phrase,
    /// Where the cue's clause starts: its source, or the cue when inverted.
    clause_start: usize,
    /// The source follows the cue.
    inverted: bool,
}

struct Reader<'t, 'a> {
    text: &'t Text<'a>,
    lexicon: &'t Lexicon,
    /// Top-level quotations already inside a frame's content.
    used: Vec<bool>,
    /// The frame holding each quotation, once it has one.
    quote_frame: Vec<Option<usize>>,
    frames: Vec<Frame>,
    /// The sentence of each frame.
    frame_sentence: Vec<usize>,
    /// The text's sentences, with `“…?” Trump asked.` joined into one.
    sentences: Vec<Sentence>,
}

impl Reader<'_, '_> {
    fn toks(&self) -> &[super::text::Tok<'_>] {
        &self.text.toks
    }

    /// The top-level quotation holding token `i`, if any.
    fn quotation_of(&self, i: usize) -> Option<&Quotation> {
        let t = self.text.toks.get(i)?;
        self.text
            .quotations
            .iter()
            .find(|q| q.depth == 0 && q.start <= t.start && t.end <= q.end)
    }

    fn in_quotation(&self, i: usize) -> bool {
        self.quotation_of(i).is_some()
    }

    /// The text's sentences, a quotation ending in `.`, `?` or `!` joined
    /// with a short attribution after it that starts with a capital:
    /// `“Have I?” Sanders replied.`, `“Yes.” Trump added during the show.`
    fn joined_sentences(&self) -> Vec<Sentence> {
        let toks = self.toks();
        let mut out: Vec<Sentence> = Vec::new();
        for &s in &self.text.sentences {
            let joins = out.last().is_some_and(|prev| {
                let ends_in_quotation = self.quotation_ends_before(s.first);
                let same_line = toks[s.first].gap != Gap::Line;
                // Up to four name words or a pronoun, then a cue that is
                // no verb of intent (not `“…” Clinton plans to visit Ohio.`).
                let cue_at = (s.first..(s.first + 5).min(s.end)).find(|&k| {
                    self.lexicon
                        .cue_at(toks, k)
                        .is_some_and(|c| !self.is_infinitive_at(c.end))
                        && (s.first..k).all(|m| {
                            names::is_name_word(&toks[m])
                                || names::is_pronoun(&toks[m])
                                || toks[m].is('.')
                        })
                });
                prev.end == s.first
                    && ends_in_quotation
                    && same_line
                    && cue_at.is_some_and(|k| k > s.first)
            });
            match out.last_mut() {
                Some(prev) if joins => prev.end = s.end,
                _ => out.push(s),
            }
        }
        out
    }

    /// The cues of sentence `s` outside quotations, each with its source.
    fn candidates(&self, s: Sentence) -> Vec<Candidate> {
        let toks = self.toks();
        let title_case = self.is_title_case(s);
        let mut out: Vec<Candidate> = Vec::new();
        let mut i = s.first;
        while i < s.end {
            let Some(cue) = (!self.in_quotation(i))
                .then(|| {
                    self.lexicon
                        .cue_at(toks, i)
                        .or_else(|| self.guessed_cue(s, i))
                })
                .flatten()
                .filter(|c| c.end <= s.end)
            else {
                i += 1;
                continue;
            };
            i = cue.end;
            // `the United States`: a capital mid-sentence is a name, not a cue.
            if toks[cue.first].is_capitalized() && cue.first != s.first && !title_case {
                continue;
            }
            // `the resolution of disputes`, `his warnings`: after a
            // determiner or a preposition a cue is a noun.
            if cue.first > s.first && self.is_noun_position(cue) {
                continue;
            }
            // `the report found`, `his statement was`: a noun before a verb.
            let next_is_verb = toks.get(cue.end).is_some_and(|n| {
                n.is_word()
                    && (self.lexicon.cue_at(toks, cue.end).is_some()
                        || is_in(
                            &[
                                "is", "was", "are", "were", "has", "had", "have", "will", "would",
                                "could", "can", "came", "comes",
                            ],
                            n.s,
                        ))
            });
            if next_is_verb {
                continue;
            }
            let prev = out.iter().rev().find(|c| !c.cue.options.weak);
            if let Some(c) = self.candidate(s, cue, prev)
                && !self.is_noun_reading(&c)
            {
                out.push(c);
            }
        }
        out
    }

    /// True when `cue` is a verb of thought or intent (`thinks`, `wants`,
    /// `plans`), not of speech.
    fn is_attitude(&self, cue: CueMatch) -> bool {
        let Some(t) = self.toks().get(cue.first) else {
            return false;
        };
        let lower = t.s.to_lowercase();
        [
            "think", "thought", "believe", "feel", "felt", "expect", "hope", "fear", "want",
            "wish", "plan", "intend", "doubt", "favor", "favour", "see", "saw",
        ]
        .iter()
        .any(|stem| lower.starts_with(stem))
            && !is_in(&["seem", "seems", "seemed"], &lower)
    }

    /// True when the word before `cue` makes it a noun: a determiner (`the
    /// claims`, `his warnings`) or a preposition (`of disputes`, `in
    /// reports`).
    fn is_noun_position(&self, cue: CueMatch) -> bool {
        let toks = self.toks();
        let Some(prev) = cue.first.checked_sub(1).and_then(|k| toks.get(k)) else {
            return false;
        };
        let determiner = is_in(
            &[
                "the", "a", "an", "this", "these", "those", "his", "her", "their", "its", "our",
                "my", "your", "every", "each", "no", "another", "any",
            ],
            prev.s,
        );
        let preposition = is_in(PREPOSITIONS, prev.s);
        prev.is_word() && (determiner || preposition)
    }

    /// `a Twitter comment`, `an estimate`: a cue in its base form after a
    /// phrase opened by `a` or `an` is a noun.
    fn is_noun_reading(&self, c: &Candidate) -> bool {
        let toks = self.toks();
        !c.inverted
            && c.source.end == c.cue.first
            && is_in(&["a", "an"], toks[c.source.first].s)
            && self.lexicon.is_base_form(toks, c.cue)
    }

    /// True when most words of `s` are capitalized (a headline).
    fn is_title_case(&self, s: Sentence) -> bool {
        let words: Vec<_> = self.toks()[s.first..s.end]
            .iter()
            .filter(|t| t.is_word())
            .collect();
        let caps = words.iter().filter(|t| t.is_capitalized()).count();
        words.len() >= 3 && caps * 4 >= words.len() * 3
    }

    /// The source of `cue`, and where its clause starts.
    fn candidate(&self, s: Sentence, cue: CueMatch, prev: Option<&Candidate>) -> Option<Candidate> {
        let toks = self.toks();
        if cue.options.source_after {
            let src = names::phrase_starting_at(toks, cue.end, s.end)?;
            return Some(Candidate {
                cue,
                source: src,
                clause_start: cue.first,
                inverted: true,
            });
        }
        if let Some(src) = self
            .source_before(s, cue.first)
            .and_then(|src| self.past_a_verb(s, src))
            .map(|src| self.with_listed_names(s, src, cue))
        {
            return Some(Candidate {
                cue,
                source: src,
                clause_start: src.first,
                inverted: false,
            });
        }
        // `X criticized A and said B`, `…, adding`: the subject of the cue before.
        let mut j = cue.first;
        while j > s.first && toks[j - 1].is_word() && is_in(BETWEEN_SOURCE_AND_CUE, toks[j - 1].s) {
            j -= 1;
        }
        if let Some(p) = prev
            && j > s.first
            && j > p.cue.end
            && (toks[j - 1].is(',') || is_in(&["and", "but"], toks[j - 1].s))
        {
            let mut start = j - 1;
            if start > s.first && toks[start].is_word() && toks[start - 1].is(',') {
                start -= 1;
            }
            return Some(Candidate {
                cue,
                source: p.source,
                clause_start: start,
                inverted: false,
            });
        }
        // `he supported Obama and said, “…”` after no cue of its own: the
        // sentence's subject.
        if prev.is_none()
            && j > s.first
            && is_in(&["and", "but"], toks[j - 1].s)
            && let Some(subject) = self.sentence_subject(s, j - 1)
        {
            return Some(Candidate {
                cue,
                source: subject,
                clause_start: j - 1,
                inverted: false,
            });
        }
        // `Trump attacked Obama, calling him “…”`: a participle after a
        // comma has the sentence's subject for its source.
        if cue.first > s.first
            && toks[cue.first - 1].is(',')
            && toks[cue.first].s.ends_with("ing")
            && let Some(subject) = self.sentence_subject(s, cue.first - 1)
        {
            return Some(Candidate {
                cue,
                source: subject,
                clause_start: cue.first,
                inverted: false,
            });
        }
        // Inversion: `“…,” said Dehqan.`, `…, says the report.` Only a
        // finite cue after a clause, with its source closing the clause.
        let after_clause = cue.first == s.first
            || toks[cue.first - 1].is(',')
            || toks[cue.first - 1].is(':')
            || self.quotation_ends_before(cue.first);
        // `“…?” asked Bennett`: after speech an addressee cue inverts too.
        let addressee = cue.options.addressee && !self.speech_ending_before(cue.first);
        if addressee || !after_clause || toks[cue.first].s.ends_with("ing") {
            return None;
        }
        let src = names::phrase_starting_at(toks, cue.end, s.end)?;
        let closes = toks.get(src.end).is_none_or(|t| {
            src.end >= s.end
                || t.is(',')
                || t.is('.')
                || t.is(';')
                || t.is(':')
                || t.is('(')
                || t.is('—')
        });
        // Right after a quotation (`“…,” said a strategist for one of the
        // candidates, speaking on …`) the inversion is sure however the
        // source's phrase ends.
        let after_speech = self.speech_ending_before(cue.first);
        (closes || after_speech).then_some(Candidate {
            cue,
            source: src,
            clause_start: cue.first,
            inverted: true,
        })
    }

    /// `Tehran, Baku stress …`, `Ben Carson, Ted Cruz and Rand Paul said`:
    /// a name source that closes a list of names opening the sentence is
    /// the whole list. Not when the cue closes a parenthetical (`Voters,
    /// Clinton said, …`): what stands before the comma is content.
    fn with_listed_names(&self, s: Sentence, src: Phrase, cue: CueMatch) -> Phrase {
        let toks = self.toks();
        let parenthetical = toks
            .get(cue.end)
            .is_none_or(|t| t.is(',') || t.is('.') || cue.end >= s.end);
        if parenthetical {
            return src;
        }
        let all_names = |p: Phrase| {
            (p.first..p.end).all(|k| {
                names::is_name_word(&toks[k])
                    || toks[k].is('.')
                    || (k > p.first && is_in(&["and", "&"], toks[k].s))
            }) && names::is_name_word(&toks[p.first])
        };
        if !all_names(src) {
            return src;
        }
        let mut first = src.first;
        while first >= s.first + 2 && toks[first - 1].is(',') && !self.in_quotation(first - 1) {
            // `Finally, Sanders`, `Monday, BuzzFeed`, `Frustrated, Sanders`,
            // `Like Corker, Menendez`: an opener, not a name.
            let opener = |p: Phrase| {
                let w = toks[p.first].s.to_lowercase();
                is_adverb_opener(&w)
                    || w.ends_with("ed")
                    || w.ends_with("ing")
                    || is_in(PREPOSITIONS, &w)
                    || is_in(
                        &[
                            "first",
                            "finally",
                            "already",
                            "still",
                            "moreover",
                            "nonetheless",
                            "nevertheless",
                            "meanwhile",
                            "also",
                            "every",
                            "like",
                            "last",
                            "next",
                            "instead",
                            "however",
                            "thus",
                            "yet",
                            "now",
                            "then",
                            "so",
                        ],
                        &w,
                    )
            };
            let Some(item) = names::phrase_ending_at(toks, first - 2, s.first)
                .filter(|&p| all_names(p) && p.end - p.first <= 4 && !opener(p))
            else {
                break;
            };
            first = item.first;
        }
        if first < src.first && first == s.first {
            Phrase {
                first,
                end: src.end,
            }
        } else {
            src
        }
    }

    /// The subject of sentence `s`, before token `end`: a pronoun, a name or
    /// a short noun phrase opening the sentence (or its main clause, after an
    /// opening phrase and a comma: `In Ohio, Clinton thanked …`) and followed
    /// by a verb.
    fn sentence_subject(&self, s: Sentence, end: usize) -> Option<Phrase> {
        let toks = self.toks();
        let opener_comma = (s.first..end).find(|&k| toks[k].is(','));
        let opens_with_phrase = toks[s.first].is_word()
            && (is_in(
                &[
                    "in",
                    "on",
                    "at",
                    "after",
                    "before",
                    "during",
                    "since",
                    "when",
                    "while",
                    "as",
                    "earlier",
                    "later",
                    "last",
                    "meanwhile",
                    "but",
                    "and",
                    "still",
                    "instead",
                    "speaking",
                    "asked",
                ],
                toks[s.first].s,
            ) || is_in(lexicon::TIME_WORDS, toks[s.first].s))
            // `Eight years ago,`, `Last week,`.
            || opener_comma.is_some_and(|k| {
                k > s.first && is_in(lexicon::TIME_WORDS, toks[k - 1].s)
            });
        let first = match opener_comma {
            Some(k) if opens_with_phrase => k + 1,
            _ => s.first,
        };
        let t = toks.get(first).filter(|_| first < end)?;
        if self.in_quotation(first) {
            return None;
        }
        let subject = if names::is_pronoun(t) && !is_in(&["it", "who", "which"], t.s) {
            Phrase {
                first,
                end: first + 1,
            }
        } else if let Some(run) = names::name_run(toks, first) {
            run
        } else if is_in(&["the", "a", "an"], t.s) {
            // `The billionaire businessman began`: up to three words, then
            // a verb in -ed.
            let verb = (first + 2..(first + 5).min(end)).find(|&k| {
                toks[k].is_word() && !toks[k].is_capitalized() && toks[k].s.ends_with("ed")
            })?;
            Phrase { first, end: verb }
        } else {
            return None;
        };
        let verb = toks.get(subject.end).filter(|_| subject.end < end)?;
        (verb.is_word() && !verb.is_capitalized()).then_some(subject)
    }

    /// A verb the lexicon does not know, read as a cue where only a cue fits:
    /// a past tense in `-ed` right after a quotation that ends on `,` `?` or
    /// `!` and before its source (`“…!” beamed Donald Hartley`), or right
    /// after the quotation's short source (`“…,” Toomey fumed on Tuesday.`,
    /// `“…,” the nominee riffed`).
    fn guessed_cue(&self, s: Sentence, i: usize) -> Option<CueMatch> {
        let toks = self.toks();
        let t = &toks[i];
        let past = t.is_word()
            && !t.is_capitalized()
            && t.s.chars().count() >= 5
            && t.s.ends_with("ed")
            && t.s.chars().all(char::is_alphabetic);
        if !past || i <= s.first {
            return None;
        }
        let cue = CueMatch {
            first: i,
            end: i + 1,
            options: lexicon::CueOptions::default(),
        };
        if self.speech_ending_before(i) {
            let next = toks.get(i + 1)?;
            let names_next = names::is_name_word(next) || is_in(lexicon::DETERMINERS, next.s);
            return names_next.then_some(cue);
        }
        let p = names::phrase_ending_at(toks, i - 1, s.first)?;
        let words = &toks[p.first..p.end];
        let short_name = words.len() <= 4
            && (names::is_pronoun(&words[0])
                || words.iter().all(names::is_name_word)
                || is_in(lexicon::DETERMINERS, words[0].s));
        // `…, he underlined.`, `…, the ministry confirmed.`: a clause, a
        // comma, then only the source and the verb to the sentence's end.
        let ends_sentence = (i + 1..s.end).all(|k| !toks[k].is_word());
        let after_clause_comma = p.first > s.first + 2
            && toks[p.first - 1].is(',')
            && ends_sentence
            && !is_in(&["it", "who", "which"], words[0].s);
        (short_name && (self.speech_ending_before(p.first) || after_clause_comma)).then_some(cue)
    }

    /// True when a top-level quotation that ends on `,` `?` or `!` inside
    /// its marks (`“…,”`, `“…?”`) ends right before token `k`: speech whose
    /// attribution follows.
    fn speech_ending_before(&self, k: usize) -> bool {
        let Some(p) = k.checked_sub(1).and_then(|j| self.toks().get(j)) else {
            return false;
        };
        let chars = &self.text.chars;
        self.text.quotations.iter().any(|q| {
            q.depth == 0
                && q.end == p.end
                && q.is_closed
                && chars[q.start..q.end]
                    .iter()
                    .rev()
                    .find(|c| !super::quotes::is_mark(**c) && !c.is_whitespace())
                    .is_some_and(|c| matches!(c, ',' | '?' | '!'))
        })
    }

    /// True when token `k` opens an infinitive: `to` and a verb (`plans to
    /// visit`), not `to` and its object (`said to reporters`).
    fn is_infinitive_at(&self, k: usize) -> bool {
        let toks = self.toks();
        toks.get(k).is_some_and(|t| t.s.eq_ignore_ascii_case("to"))
            && toks.get(k + 1).is_some_and(|n| {
                n.is_word()
                    && !n.is_capitalized()
                    && !is_in(lexicon::DETERMINERS, n.s)
                    && !is_in(&["him", "her", "them", "me", "us", "reporters"], n.s)
            })
    }

    /// True when a clause can start at token `k` of `s`: its start, or after
    /// a comma, semicolon, dash or conjunction.
    fn is_clause_start(&self, s: Sentence, k: usize) -> bool {
        let toks = self.toks();
        k == s.first
            || toks[k].is(',')
            || is_in(&["and", "but"], toks[k].s)
            || toks.get(k.wrapping_sub(1)).is_some_and(|p| {
                p.is(',')
                    || p.is(';')
                    || p.is(':')
                    || p.is('—')
                    || p.is('–')
                    || is_in(&["and", "but", "while", "as"], p.s)
            })
            || self.quotation_ends_before(k)
    }

    fn quotation_ends_before(&self, k: usize) -> bool {
        let Some(t) = self.toks().get(k) else {
            return false;
        };
        let Some(p) = k.checked_sub(1).and_then(|j| self.toks().get(j)) else {
            return false;
        };
        self.text
            .quotations
            .iter()
            .any(|q| q.depth == 0 && q.end == p.end && q.end <= t.start)
    }

    /// The frames of sentence `s`: each cue with a source that starts a
    /// clause of its own; a cue inside another's content (`said he wants`)
    /// is part of that content.
    fn frames_in(&self, s: Sentence) -> Vec<Frame> {
        let toks = self.toks();
        let mut chosen: Vec<Candidate> = Vec::new();
        for c in self.candidates(s) {
            let Some(p) = chosen.last() else {
                chosen.push(c);
                continue;
            };
            // `Reid, who endorsed Clinton, reiterated …`: the main verb's
            // frame replaces the relative clause's.
            let p_is_relative = is_in(&["who", "which"], toks[p.source.first].s)
                && p.source.end == p.source.first + 1;
            if p_is_relative
                && !c.inverted
                && c.source.end <= p.source.first
                && c.clause_start < p.source.first
            {
                chosen.pop();
                chosen.push(c);
                continue;
            }
            // `He says he is proud and expects to win`: a verb of thought or
            // intent inside what a frame reports is part of its content.
            if !p.inverted
                && !c.inverted
                && c.clause_start > p.cue.end
                && !self.is_attitude(p.cue)
                && self.is_attitude(c.cue)
            {
                continue;
            }
            let after_inverted = p.inverted && c.clause_start >= p.source.end;
            if c.clause_start >= p.cue.end
                && (after_inverted || self.is_clause_start(s, c.clause_start))
            {
                chosen.push(c);
            }
        }
        // `“…,” Sanders said, according to CNN.`: what closes the sentence
        // after a comma is the source of all that comes before it, the
        // attribution inside included.
        let closing_source = chosen.len() > 1
            && chosen.last().is_some_and(|last| {
                last.cue.options.source_after
                    && toks[last.cue.first - 1].is(',')
                    && self.ends_clause(s, last.cue.end)
            });
        if closing_source {
            chosen.drain(..chosen.len() - 1);
        }
        let mut out = Vec::new();
        let mut floor = s.first;
        for (k, c) in chosen.iter().enumerate() {
            // The clause ends where the next frame's clause starts.
            let mut end = chosen.get(k + 1).map_or(s.end, |n| n.clause_start);
            while end > c.cue.end
                && (toks[end - 1].is(',')
                    || toks[end - 1].is(';')
                    || toks[end - 1].is('—')
                    || is_in(&["and", "but", "while", "as"], toks[end - 1].s))
            {
                end -= 1;
            }
            let end = self.relative_clause_end(s, c).map_or(end, |e| e.min(end));
            let clause = Sentence {
                first: s.first,
                end,
            };
            // A cue before that made no frame (`Azerbaijan is bound to
            // maintain security …, he underlined.`: `maintain` is weak and
            // has no quotation) leaves its clause to this one.
            if let Some(f) = self.frame_at(clause, floor, *c, out.is_empty(), closing_source) {
                out.push(f);
                floor = c.cue.end;
            }
        }
        out
    }

    /// The frame of candidate `c` within `clause` (content before the source
    /// may start no earlier than `floor`; only the first frame of a sentence
    /// takes content before its source unless it is inverted).
    fn frame_at(
        &self,
        clause: Sentence,
        floor: usize,
        c: Candidate,
        is_first: bool,
        whole: bool,
    ) -> Option<Frame> {
        let toks = self.toks();
        let cue = c.cue;
        let cue_span = Span {
            start: toks[cue.first].start,
            end: toks[cue.end - 1].end,
        };
        let before_from = Sentence {
            first: floor,
            end: clause.end,
        };
        let fragments = if c.inverted {
            if self.only_openers_before(before_from, cue.first) {
                // `According to the poll, …`: the content follows the source.
                let mut k = c.source.end;
                while k < clause.end && !toks[k].is(',') && !toks[k].is(':') {
                    k += 1;
                }
                [None, self.content_after(clause, k, false)]
            } else {
                [self.content_before(before_from, cue.first), None]
            }
        } else {
            let after = self.content_after(clause, cue.end, cue.options.addressee);
            let before = if is_first || after.is_none() {
                self.content_before(before_from, c.clause_start)
            } else {
                None
            };
            let parenthetical = c.source.first > clause.first
                && c.clause_start == c.source.first
                && toks[c.source.first - 1].is(',')
                && toks.get(cue.end).is_some_and(|t| t.is(','));
            let before =
                before.filter(|b| after.is_none() || parenthetical || self.holds_quotation(*b));
            // `“…,” he said to reporters on Monday`: after a quotation, only
            // another quotation (or `that …`) continues the content.
            let after = after.filter(|a| {
                before.is_none_or(|b| !self.holds_quotation(b))
                    || self.holds_quotation(*a)
                    || self
                        .text
                        .slice(a.start, a.end)
                        .to_lowercase()
                        .starts_with("that ")
            });
            [before, after]
        };
        // `“…,” he said, referring to X, “…”`: the second part of a split
        // quotation is the quotation alone, whatever its case.
        let splits_quote = fragments[0].is_some_and(|b| self.holds_quotation(b));
        let contents: Vec<Content> = fragments
            .into_iter()
            .enumerate()
            .filter_map(|(k, span)| {
                let kind = if whole {
                    Fragment::Whole
                } else if k == 1 && splits_quote {
                    Fragment::SplitSecond
                } else {
                    Fragment::Plain
                };
                self.classify(span?, kind)
            })
            .collect();
        if contents.is_empty() {
            return None;
        }
        if cue.options.weak && !self.weak_cue_fits(cue, &contents, names::kind_of(toks, c.source)) {
            return None;
        }
        let src_span = Span {
            start: toks[c.source.first].start,
            end: toks[c.source.end - 1].end,
        };
        // A source inside the content is not the source.
        if contents.iter().any(|c| c.span.overlaps(src_span)) {
            return None;
        }
        Some(Frame {
            cue: Some(cue_span),
            source: Some(Source {
                span: src_span,
                kind: names::kind_of(toks, c.source),
                antecedent: None,
            }),
            contents,
        })
    }

    /// A weak cue (`called`, `shows`) counts only next to a quotation or
    /// before `that`.
    fn weak_cue_fits(
        &self,
        cue: CueMatch,
        contents: &[Content],
        source: Option<EntityKind>,
    ) -> bool {
        let toks = self.toks();
        let next = toks.get(cue.end);
        // `appeared to suggest`, `plans to build`: an infinitive, not `to the court`.
        let infinitive = next.is_some_and(|t| t.s.eq_ignore_ascii_case("to"))
            && toks.get(cue.end + 1).is_some_and(|n| {
                n.is_word() && !n.is_capitalized() && !is_in(lexicon::DETERMINERS, n.s)
            });
        contents.iter().any(|c| c.label == Label::Quote || self.holds_quotation(c.span))
            || next.is_some_and(|t| t.s.eq_ignore_ascii_case("that"))
            || infinitive
            // `the poll shows`, `a study found`.
            || source == Some(EntityKind::Organization)
    }

    /// True when only openers (`But`, `And`, a comma) precede token `i` in `s`.
    fn only_openers_before(&self, s: Sentence, i: usize) -> bool {
        self.toks()[s.first..i]
            .iter()
            .all(|t| !t.is_word() || is_in(&["but", "and", "so", "yet", "also", "as"], t.s))
    }

    /// The source read backwards from the cue at token `cue_first`.
    fn source_before(&self, s: Sentence, cue_first: usize) -> Option<Phrase> {
        let toks = self.toks();
        let mut j = cue_first;
        while j > s.first
            && (self.is_between_source_and_cue(&toks[j - 1]) || is_chain_word(&toks[j - 1]))
        {
            j -= 1;
        }
        if j == s.first {
            return None;
        }
        let p = &toks[j - 1];
        // `issued a statement saying`: the statement's issuer is the source.
        if toks[cue_first].s.ends_with("ing")
            && j == cue_first
            && let Some(np) = names::phrase_ending_at(toks, j - 1, s.first)
            && is_in(&["a", "an"], toks[np.first].s)
            && np.first > s.first
            && toks[np.first - 1].is_word()
            && !toks[np.first - 1].is_capitalized()
            && !is_in(lexicon::NP_STOP, toks[np.first - 1].s)
        {
            return self.source_before(s, np.first - 1);
        }
        if p.is(')') {
            let open = (s.first..j - 1).rev().find(|&k| toks[k].is('('))?;
            return names::phrase_ending_at(toks, open.checked_sub(1)?, s.first);
        }
        if p.is(',') {
            return self.apposition_source(s, j - 1);
        }
        // `Joseph R. Biden Jr. said`: a period that ends an abbreviation.
        if p.is('.')
            && j >= 2
            && toks[j - 2].is_word()
            && toks[j - 2].end == p.start
            && is_in(
                &["jr", "sr", "inc", "co", "corp", "ltd", "llc"],
                toks[j - 2].s,
            )
        {
            return names::phrase_ending_at(toks, j - 2, s.first);
        }
        if !p.is_word() || self.in_quotation(j - 1) {
            return None;
        }
        names::phrase_ending_at(toks, j - 1, s.first)
    }

    /// `Kasich, who brags he held 100 town halls, doesn't pretend …`: the
    /// content of a cue in a relative clause after a comma ends with that
    /// clause, at the comma before the main clause's verb.
    fn relative_clause_end(&self, s: Sentence, c: &Candidate) -> Option<usize> {
        let toks = self.toks();
        let relative = c.source.end == c.source.first + 1
            && is_in(&["who", "which"], toks[c.source.first].s)
            && c.source.first > s.first
            && toks[c.source.first - 1].is(',');
        if !relative || c.inverted {
            return None;
        }
        (c.cue.end..s.end.saturating_sub(1)).find(|&k| {
            let Some(next) = toks
                .get(k + 1)
                .filter(|t| t.is_word() && !t.is_capitalized())
            else {
                return false;
            };
            let verb = next.s.ends_with("ed")
                || self.lexicon.cue_at(toks, k + 1).is_some()
                || is_in(
                    &[
                        "is",
                        "was",
                        "are",
                        "were",
                        "has",
                        "have",
                        "had",
                        "will",
                        "would",
                        "can",
                        "could",
                        "does",
                        "did",
                        "doesn’t",
                        "doesn't",
                        "didn’t",
                        "didn't",
                        "isn’t",
                        "isn't",
                        "wasn’t",
                        "wasn't",
                        "hasn’t",
                        "hasn't",
                        "also",
                        "then",
                        "now",
                        "still",
                        "never",
                        "spoke",
                        "took",
                        "made",
                        "gave",
                        "went",
                        "wrote",
                    ],
                    next.s,
                );
            toks[k].is(',') && !self.in_quotation(k) && verb
        })
    }

    /// `Cruz is raising claims that …`, `… after Mills cited reports that …`:
    /// a "source" that is one verb in -ing or -ed makes the cue that verb's
    /// object, a noun; the source is the verb's subject (PolNeAR train: 67
    /// of 69 such sources were wrong). So does a phrase a verb opens inside
    /// the sentence (`Cruz also struck populist notes`: 24 right, 45 wrong),
    /// and one lower-case word after a preposition (`In addition to
    /// stating …, Clinton has vowed`).
    fn past_a_verb(&self, s: Sentence, src: Phrase) -> Option<Phrase> {
        let toks = self.toks();
        let t = &toks[src.first];
        let verb_form = t.is_word()
            && !t.is_capitalized()
            && t.s.chars().count() >= 5
            && (t.s.ends_with("ed") || t.s.ends_with("ing"))
            && t.s.chars().all(char::is_alphabetic);
        // `struck populist notes`, `knocked Cruz for`: a phrase opened by a
        // verb inside its sentence is that verb's object.
        let is_verb = verb_form && (src.end == src.first + 1 || src.first > s.first);
        // `In addition to stating …`, `in part to oppose`: one lower-case
        // word after a preposition is its object, not a subject.
        let after_preposition = src.end == src.first + 1
            && t.is_word()
            && !t.is_capitalized()
            && !names::is_pronoun(t)
            && src.first > s.first
            && toks[src.first - 1].is_word()
            && is_in(PREPOSITIONS, toks[src.first - 1].s);
        // `Kasich has taken to urging`, `would let businesses write`, `is
        // right to note`: a lower-case phrase right after a word that opens
        // no clause is what that word governs, not a subject (PolNeAR train:
        // one-word lower-case sources 56 right, 86 wrong before this).
        let after_a_word = !self.opens_subject(s, src);
        if !is_verb && !after_preposition && !after_a_word {
            return Some(src);
        }
        self.source_before(s, src.first)
            .filter(|p| p.end - p.first > 1 || self.past_a_verb(s, *p) == Some(*p))
            .or_else(|| self.sentence_subject(s, src.first))
    }

    /// True unless `src` is a lower-case phrase (not a pronoun, determiner
    /// or number) right after a lower-case word that opens no clause:
    /// `has taken`, `would let businesses`, `to echo`.
    fn opens_subject(&self, s: Sentence, src: Phrase) -> bool {
        let toks = self.toks();
        let t = &toks[src.first];
        let lower_phrase = t.is_word()
            && !t.is_capitalized()
            && !names::is_pronoun(t)
            && !is_in(lexicon::DETERMINERS, t.s)
            && !t.s.chars().next().is_some_and(|c| c.is_ascii_digit())
            && !is_in(PERSON_TITLES, t.s)
            && !is_in(&["former", "current"], t.s);
        // `… chief of staff Don Regan`: a full name closing the phrase.
        let full_name = src.end >= src.first + 2
            && names::is_name_word(&toks[src.end - 1])
            && names::is_name_word(&toks[src.end - 2]);
        if full_name {
            return true;
        }
        let Some(p) = src
            .first
            .checked_sub(1)
            .filter(|&k| k >= s.first)
            .map(|k| &toks[k])
        else {
            return true;
        };
        let after_word = p.is_word()
            && !p.is_capitalized()
            && !is_in(CLAUSE_OPENERS, p.s)
            && !self.in_quotation(src.first - 1);
        !(lower_phrase && after_word)
    }

    /// Words between a source and its cue: `also`, `has`, `Thursday`,
    /// `truly`, `repeatedly`.
    fn is_between_source_and_cue(&self, t: &super::text::Tok) -> bool {
        if !t.is_word() {
            return false;
        }
        let lower = t.s.to_lowercase();
        let adverb = lower.len() >= 5
            && lower.ends_with("ly")
            && !t.is_capitalized()
            && !is_in(
                &[
                    "family", "ally", "rally", "supply", "assembly", "reply", "monopoly",
                    "anomaly", "bully", "italy",
                ],
                &lower,
            );
        (!t.is_capitalized() && is_in(BETWEEN_SOURCE_AND_CUE, &lower))
            || adverb
            || is_in(lexicon::TIME_WORDS, &lower)
    }

    /// The name before an apposition that ends with the comma at `close`:
    /// `Trump, the nominee, said`, `Dunwoody, who worked for Obama, said`,
    /// `Smith, 45, said`.
    fn apposition_source(&self, s: Sentence, close: usize) -> Option<Phrase> {
        let toks = self.toks();
        let floor = s.first.max(close.saturating_sub(40));
        // Every comma that could open the apposition, nearest first; one whose
        // apposition opens like one (`who`, `the`, `45`, `speaking`) wins over
        // one that opens with a capital (`Wilmington, N.C.,`).
        let mut weak = None;
        for open in (floor..close).rev().filter(|&k| toks[k].is(',')) {
            // A cue inside a relative clause (`Reid, who endorsed Clinton,
            // said`) belongs to it; any other ends the search.
            let relative_clause = toks
                .get(open + 1)
                .is_some_and(|t| is_in(&["who", "whose", "which"], t.s));
            let cue_inside = !relative_clause
                && (open + 1..close)
                    .any(|k| self.lexicon.cue_at(toks, k).is_some() && !toks[k].s.ends_with("ing"));
            if (open..close).any(|k| self.in_quotation(k)) || cue_inside {
                break;
            }
            let Some(first) = toks.get(open + 1).filter(|_| open + 1 < close) else {
                continue;
            };
            let relative = is_in(&["who", "whose", "which"], first.s);
            let strong = relative
                || first.s.chars().next().is_some_and(|c| c.is_ascii_digit())
                || is_in(lexicon::DETERMINERS, first.s)
                || (!first.is_capitalized() && first.s.ends_with("ing"))
                || (!first.is_capitalized() && is_in(PERSON_TITLES, first.s))
                || is_in(
                    &[
                        "himself",
                        "herself",
                        "themselves",
                        "now",
                        "then",
                        "once",
                        "also",
                    ],
                    first.s,
                );
            if !strong && !first.is_capitalized() {
                // `Jennifer Palmieri, communications director for the
                // campaign, said`: a person's name opening the sentence.
                if let Some(phrase) = open
                    .checked_sub(1)
                    .and_then(|e| names::phrase_ending_at(toks, e, s.first))
                    && phrase.first == s.first
                    && names::kind_of(toks, phrase) == Some(EntityKind::Person)
                    && close - open <= 14
                {
                    weak = weak.or(Some(phrase));
                }
                continue;
            }
            let Some(phrase) = open
                .checked_sub(1)
                .and_then(|e| names::phrase_ending_at(toks, e, s.first))
            else {
                continue;
            };
            let last = &toks[phrase.end - 1];
            let named =
                last.is_capitalized() || names::is_pronoun(last) || is_in(PERSON_TITLES, last.s);
            if phrase.end - phrase.first > 6 || !(relative || named) {
                continue;
            }
            if strong {
                return Some(phrase);
            }
            weak = weak.or(Some(phrase));
        }
        weak.or_else(|| {
            // `Another delegate on the slate, Jim Poolman, said`: the name
            // that is the apposition.
            let open = (floor..close).rev().find(|&k| toks[k].is(','))?;
            let run = names::name_run(toks, open + 1)?;
            let is_name =
                run.end == close && run.end - run.first >= 2 && !self.in_quotation(open + 1);
            is_name.then_some(run)
        })
    }

    /// The content after the cue ending at token `k`: to the end of `s`.
    fn content_after(&self, s: Sentence, k: usize, addressee: bool) -> Option<Span> {
        let toks = self.toks();
        let mut k = k;
        let starts_content = |k: usize| {
            toks.get(k)
                .is_some_and(|t| t.s.eq_ignore_ascii_case("that") || t.is(':') || t.is(','))
        };
        // `complained to an American`, `wrote to the court`: an addressee, not
        // `promised to veto it`.
        let is_to_addressee = |k: usize| {
            toks.get(k).is_some_and(|t| t.s.eq_ignore_ascii_case("to"))
                && toks.get(k + 1).is_some_and(|n| {
                    n.is_capitalized()
                        || is_in(lexicon::DETERMINERS, n.s)
                        || is_in(
                            &[
                                "him",
                                "her",
                                "them",
                                "me",
                                "us",
                                "reporters",
                                "supporters",
                                "voters",
                            ],
                            n.s,
                        )
                })
        };
        if addressee
            && k < s.end
            && !starts_content(k)
            && !self.in_quotation(k)
            && let Some(p) = names::phrase_starting_at(toks, k, s.end)
        {
            k = p.end;
        }
        // `said Tuesday night he`, `said on Monday that`.
        k = self.skip_time(s, k);
        // `said in a statement that`, `said of Sanders that`.
        for _ in 0..2 {
            let adverbial = k < s.end
                && toks[k].is_word()
                && (is_in(ADVERBIAL_STARTS, toks[k].s) || is_to_addressee(k));
            if !adverbial {
                break;
            }
            match (k + 1..s.end.min(k + 9)).find(|&m| starts_content(m)) {
                Some(m) => k = m,
                // Only a place or time follows (`said in an interview on WIBC
                // radio in Indianapolis.`): no content here.
                None if (k..s.end).all(|m| !self.in_quotation(m)) && self.ends_clause(s, k) => {
                    return None;
                }
                None => break,
            }
        }
        while k < s.end
            && (toks[k].is(',') || toks[k].is(':') || toks[k].is('—') || toks[k].is('–'))
        {
            k += 1;
        }
        k = self.skip_to_that(s, k);
        // `talked about the “deal”`, `called for a “review”`: a preposition
        // the cue governs is not part of what was said (PolNeAR train: the
        // content starts after it for 72 of 83 such contents found exact).
        // After `said` it opens an adverbial instead (`said for the dam
        // that …`).
        if k > 0
            && k + 1 < s.end
            && toks[k - 1].is_word()
            && !is_in(&["say", "says", "said", "saying"], toks[k - 1].s)
            && is_in(
                &["about", "for", "on", "of", "against", "with", "over"],
                toks[k].s,
            )
        {
            k += 1;
        }
        if (k..s.end).all(|m| !toks[m].is_word()) {
            return None;
        }
        Some(Span {
            start: toks[k].start,
            end: toks[s.end - 1].end,
        })
    }

    /// The `that` opening the content when only an adverbial stands
    /// between the cue and it (`said instead that`, `said, however, that`,
    /// `said following a vote in 2001 that`, `agreed with the President
    /// that`); otherwise `k`. The adverbial is a phrase opened by a
    /// preposition, or adverbs and time words, with no verb in it.
    fn skip_to_that(&self, s: Sentence, k: usize) -> usize {
        let toks = self.toks();
        let Some(that) =
            (k + 1..s.end.min(k + 14)).find(|&m| toks[m].s.eq_ignore_ascii_case("that"))
        else {
            return k;
        };
        let auxiliary = |t: &super::text::Tok| {
            is_in(
                &[
                    "is", "are", "was", "were", "has", "have", "had", "will", "would", "can",
                    "could", "should", "may", "might", "must", "be", "been", "do", "does", "did",
                ],
                t.s,
            )
        };
        // `that` must open a clause with a subject of its own, not a
        // relative clause (`the dam that was built`).
        let opens_clause = toks
            .get(that + 1)
            .is_some_and(|t| t.is_word() && that + 1 < s.end && !auxiliary(t));
        if !opens_clause {
            return k;
        }
        let words: Vec<&super::text::Tok> = toks[k..that].iter().filter(|t| t.is_word()).collect();
        let Some(first) = words.first() else {
            return k;
        };
        let plain = (k..that).all(|m| {
            let t = &toks[m];
            !self.in_quotation(m)
                && (t.is_word() || t.is(',') || t.is('—') || t.is('(') || t.is(')'))
        });
        let verbish = words.iter().enumerate().any(|(n, t)| {
            auxiliary(t) || (n > 0 && t.s.chars().count() > 4 && t.s.ends_with("ed"))
        });
        let adverb = |t: &&super::text::Tok| {
            (t.s.chars().count() > 4 && t.s.ends_with("ly") && !t.is_capitalized())
                || is_in(lexicon::TIME_WORDS, t.s)
                || is_in(
                    &[
                        "instead", "however", "only", "also", "again", "still", "now", "then",
                        "though", "once", "even", "last", "this", "earlier", "later",
                    ],
                    t.s,
                )
        };
        let prepositional = words.len() >= 2
            && is_in(
                &[
                    "with",
                    "in",
                    "after",
                    "following",
                    "during",
                    "for",
                    "between",
                    "without",
                    "on",
                    "at",
                    "from",
                    "before",
                    "since",
                    "among",
                    "amid",
                    "despite",
                    "per",
                    "across",
                    "over",
                    "via",
                    "through",
                ],
                first.s,
            );
        // `said in Madison, Wisconsin, that`: the rest of a place name.
        let place =
            words.len() <= 3 && words.iter().all(|t| t.is_capitalized()) && toks[that - 1].is(',');
        if plain && !verbish && (prepositional || place || words.iter().all(adverb)) {
            that
        } else {
            k
        }
    }

    /// The first token after a time phrase starting at `k` (`Tuesday`,
    /// `on Monday night`, `last week`, `earlier this year`), or `k`.
    fn skip_time(&self, s: Sentence, k: usize) -> usize {
        let toks = self.toks();
        let mut m = k;
        let mut after_time = None;
        while m < s.end && toks[m].is_word() {
            let w = toks[m].s;
            if is_in(lexicon::TIME_WORDS, w) {
                after_time = Some(m + 1);
            } else if !is_in(
                &[
                    "on", "in", "at", "early", "late", "last", "this", "next", "earlier", "later",
                    "the", "of",
                ],
                w,
            ) {
                break;
            }
            m += 1;
        }
        after_time.unwrap_or(k)
    }

    /// True when the tokens from `k` to the end of `s` hold no verb-like
    /// word: no cue, no `is`/`was`/`will`, no word ending in -ed.
    fn ends_clause(&self, s: Sentence, k: usize) -> bool {
        let toks = self.toks();
        (k..s.end).all(|m| {
            let t = &toks[m];
            !(t.is_word()
                && (self.lexicon.cue_at(toks, m).is_some()
                    || is_in(
                        &[
                            "is", "are", "was", "were", "will", "would", "has", "have", "had",
                            "can", "could", "should", "must", "may", "might",
                        ],
                        t.s,
                    )))
        })
    }

    /// The content before token `end` (the source or an inverted cue), from
    /// the start of `s`.
    fn content_before(&self, s: Sentence, end: usize) -> Option<Span> {
        if end <= s.first {
            return None;
        }
        let toks = self.toks();
        // `Asked whether the dam would hold, Lund said …`: the question is
        // the content, not the participle that reports it (PolNeAR train:
        // 10 of the 10 such contents the gold holds start after it).
        let mut first = s.first;
        if toks[first].s.eq_ignore_ascii_case("asked")
            && first + 2 < end
            && is_in(
                &[
                    "whether", "if", "what", "how", "why", "who", "when", "about",
                ],
                toks[first + 1].s,
            )
        {
            first += 1;
        }
        Some(Span {
            start: toks[first].start,
            end: toks[end - 1].end,
        })
    }

    fn holds_quotation(&self, span: Span) -> bool {
        self.text
            .quotations
            .iter()
            .any(|q| q.depth == 0 && span.start <= q.start && q.end <= span.end)
    }

    /// Trim a content span and tell a Quote from a Claim.
    fn classify(&self, span: Span, kind: Fragment) -> Option<Content> {
        let chars = &self.text.chars;
        let (mut a, mut b) = (span.start, span.end.min(chars.len()));
        let is_edge = |c: char| c.is_whitespace() || matches!(c, ',' | ':' | ';' | '—' | '–' | '-');
        while a < b && is_edge(chars[a]) {
            a += 1;
        }
        while a < b && (is_edge(chars[b - 1]) || chars[b - 1] == '.') {
            // A period inside a quotation (its closing mark follows) stays.
            b -= 1;
        }
        // `called Trump “very flexible,” a nod to …`: a quotation closed on a
        // comma ends the content, unless another quotation follows.
        let inside: Vec<&Quotation> = self
            .text
            .quotations
            .iter()
            .filter(|q| q.depth == 0 && a <= q.start && q.end <= b)
            .collect();
        if let Some(last) = inside.last()
            && kind != Fragment::Whole
            && last.end < b
            && (chars.get(last.end.wrapping_sub(2)) == Some(&',')
                || chars.get(last.end) == Some(&','))
        {
            b = last.end;
        }
        // `took the chance to defend them: “…”`: the quotation after a colon
        // is the content.
        if let Some(last) = inside.last()
            && kind != Fragment::Whole
            && last.start > a
            && b <= last.end + 1
        {
            let mut c = last.start;
            while c > a && chars[c - 1].is_whitespace() {
                c -= 1;
            }
            // `joked, again using a Southern accent, “…”`: after a comma
            // too, when only the cue's adverbials come before it. A
            // quotation that opens in lower case continues the clause
            // before it (`In past campaigns, “we felt …,” he said`), which
            // is then part of the content.
            let after_comma = c > a
                && chars[c - 1] == ','
                && inside.len() == 1
                && (kind == Fragment::SplitSecond || !opens_in_lower_case(chars, last))
                && !self.text.slice(a, c).to_lowercase().starts_with("that ");
            if c > a && (chars[c - 1] == ':' || after_comma) {
                a = last.start;
                b = b.min(last.end);
            }
        }
        if b <= a {
            return None;
        }
        let q = self
            .text
            .quotations
            .iter()
            .find(|q| q.depth == 0 && q.start == a && q.end <= b);
        let label = match q {
            Some(_) => Label::Quote,
            None => Label::Claim,
        };
        let words = self.text.toks[self.text.tok_at(a)..self.text.tok_at(b)]
            .iter()
            .filter(|t| t.is_word())
            .count();
        (words > 0).then_some(Content {
            span: Span { start: a, end: b },
            label,
        })
    }

    /// A headline `Name: words with a ‘quotation.’` (a news site's style for
    /// an interview): the words after the colon, to the end of the first
    /// line, are a Quote of the capitalized words before it. PolNeAR train:
    /// 36 of the 37 such headlines are attributions.
    fn headline_frame(&self) -> Option<Frame> {
        let toks = self.toks();
        let chars = &self.text.chars;
        let eol = chars.iter().position(|&c| c == '\n').unwrap_or(chars.len());
        let colon = toks.iter().take(8).position(|t| t.is(':'))?;
        let before = toks.get(..colon).filter(|b| !b.is_empty())?;
        if toks[colon].end > eol || !before.iter().all(|t| t.is_capitalized() || t.is('.')) {
            return None;
        }
        let first = toks.get(colon + 1).filter(|t| t.end <= eol)?;
        let mut end = eol;
        while end > first.start && chars.get(end - 1).is_some_and(|c| c.is_whitespace()) {
            end -= 1;
        }
        // The headline's own closing period is not the speaker's (PolNeAR
        // train: 13 of 13 such headlines end their quote before it).
        if end > first.start + 1
            && chars.get(end - 1) == Some(&'.')
            && chars.get(end - 2) != Some(&'.')
        {
            end -= 1;
        }
        let opens = |c: &char| matches!(c, '‘' | '“' | '"' | '«' | '„');
        if !chars.get(first.start..end)?.iter().any(opens) {
            return None;
        }
        let source = Span {
            start: before.first()?.start,
            end: before.last()?.end,
        };
        Some(Frame {
            cue: None,
            source: Some(Source {
                span: source,
                kind: names::kind_of(
                    toks,
                    Phrase {
                        first: 0,
                        end: colon,
                    },
                ),
                antecedent: None,
            }),
            contents: vec![Content {
                span: Span {
                    start: first.start,
                    end,
                },
                label: Label::Quote,
            }],
        })
    }

    fn mark_used(&mut self, frame: &Frame, fi: usize) {
        for (i, q) in self.text.quotations.iter().enumerate() {
            let qs = Span {
                start: q.start,
                end: q.end,
            };
            if frame.contents.iter().any(|c| c.span.overlaps(qs)) {
                self.used[i] = true;
                self.quote_frame[i] = Some(fi);
            }
            if frame.source.as_ref().is_some_and(|s| s.span.overlaps(qs)) {
                self.used[i] = true;
            }
        }
    }

    /// Quotations no frame covers: attach them to the nearest frame of
    /// their paragraph, or suggest them alone when they look like speech.
    fn attach_loose_quotations(&mut self) {
        let text = self.text;
        for (qi, q) in text.quotations.iter().enumerate() {
            if q.depth != 0 || self.used[qi] {
                continue;
            }
            let span = Span {
                start: q.start,
                end: q.end,
            };
            let words = text.toks[text.tok_at(q.start)..text.tok_at(q.end)]
                .iter()
                .filter(|t| t.is_word())
                .count();
            let Some(si) = self.sentences.iter().position(|s| {
                text.toks[s.first].start <= q.start && q.start < text.toks[s.end - 1].end
            }) else {
                continue;
            };
            let sentence = self.sentences[si];
            let sentence_words = text.toks[sentence.first..sentence.end]
                .iter()
                .filter(|t| t.is_word())
                .count();
            // A quotation that is most of its sentence is speech; a short one
            // inside a sentence is a title or a scare quote.
            let ends_inside = q.end >= 2
                && text
                    .chars
                    .get(q.end - 2)
                    .is_some_and(|c| matches!(c, '.' | '!' | '?' | ','));
            let inner = &text.toks[text.tok_at(q.start)..text.tok_at(q.end)];
            // `“The Late Show”`: a title, unless it is the whole sentence.
            let is_title = words >= 2
                && words < sentence_words
                && inner
                    .iter()
                    .filter(|t| t.is_word() && t.s.chars().count() > 3)
                    .all(|t| t.is_capitalized());
            // `The rally had one message: “Dump Trump.”`: a quotation that
            // a colon introduces and that ends its sentence is what was said,
            // however short (PolNeAR train: 6 of 6 such quotations are
            // content).
            let qk = text.tok_at(q.start);
            let after_colon = qk > sentence.first
                && text.toks[qk - 1].is(':')
                && text.toks[text.tok_at(q.end).min(sentence.end)..sentence.end]
                    .iter()
                    .all(|t| !t.is_word());
            let is_speech = q.continues
                || (after_colon && words >= 1)
                || (!is_title && (words >= 4 || (words >= 2 && ends_inside)));
            if !is_speech {
                continue;
            }
            // `…, saying that heroin is now “cheaper than candy.”`: a cue
            // whose frame found no source still opens the content.
            let content = self.content_from_cue(sentence, q).unwrap_or(Content {
                span,
                label: Label::Quote,
            });
            // A later paragraph of a quotation belongs to the frame of the first.
            let previous_part = q
                .continues
                .then(|| (0..qi).rev().find(|&k| text.quotations[k].depth == 0))
                .flatten()
                .and_then(|k| self.quote_frame[k]);
            let own = previous_part
                .is_none()
                .then(|| self.signature(q))
                .flatten()
                .or_else(|| {
                    (previous_part.is_none() && !self.frame_sentence.contains(&si))
                        .then(|| self.introducing_subject(sentence, q))
                        .flatten()
                });
            let fi =
                previous_part.or_else(|| own.is_none().then(|| self.frame_for_loose(si)).flatten());
            if let Some(source) = own {
                self.quote_frame[qi] = Some(self.frames.len());
                self.frames.push(Frame {
                    cue: None,
                    source: Some(source),
                    contents: vec![content],
                });
                self.frame_sentence.push(si);
            } else if let Some(fi) = fi {
                let frame = &mut self.frames[fi];
                frame.contents.push(content);
                frame.contents.sort_by_key(|c| c.span.start);
                self.quote_frame[qi] = Some(fi);
            } else {
                let (cue, source) = match self.lead_in(si, q.start) {
                    Some((cue, source)) => (cue, Some(source)),
                    None => (None, self.carried_source(si)),
                };
                self.quote_frame[qi] = Some(self.frames.len());
                self.frames.push(Frame {
                    cue,
                    source,
                    contents: vec![content],
                });
                self.frame_sentence.push(si);
            }
            self.used[qi] = true;
        }
    }

    /// For quotation `q` that no frame took, in sentence `s`: the content
    /// from the nearest cue before it (`said the program is a “critical
    /// part of our strategy.”`), when only words of its clause stand
    /// between them, read as a frame reads what follows its cue.
    fn content_from_cue(&self, s: Sentence, q: &Quotation) -> Option<Content> {
        let toks = self.toks();
        let qk = self.text.tok_at(q.start);
        if qk <= s.first || qk >= s.end {
            return None;
        }
        // The nearest cue before the quotation, with nothing between that
        // ends its clause or holds another quotation.
        let mut k = qk;
        let cue = loop {
            if k == s.first {
                return None;
            }
            k -= 1;
            let t = &toks[k];
            if t.is(';') || t.is('.') || t.is('?') || t.is('!') || self.in_quotation(k) {
                return None;
            }
            if let Some(cue) = self.lexicon.cue_at(toks, k)
                && cue.end <= qk
                && !toks[k].is_capitalized()
                && !self.is_noun_position(cue)
            {
                break cue;
            }
        };
        // `“…,” said Leamer, an economist, “is that …”`: the cue of the
        // quotation before; this one is its second part.
        if self.quotation_ends_before(cue.first) {
            return None;
        }
        let clause = Sentence {
            first: s.first,
            end: self.text.tok_at(q.end).min(s.end),
        };
        let span = self.content_after(clause, cue.end, cue.options.addressee)?;
        if span.start >= q.start {
            return None;
        }
        let content = self.classify(
            Span {
                start: span.start,
                end: q.end,
            },
            Fragment::Plain,
        )?;
        (content.span.start < q.start).then_some(content)
    }

    /// The paragraph (line) a sentence is in: index of its first sentence.
    fn paragraph_of(&self, si: usize) -> usize {
        let sentences = &self.sentences;
        let mut p = si;
        while p > 0 && self.text.toks[sentences[p].first].gap != Gap::Line {
            p -= 1;
        }
        p
    }

    /// The frame a loose quotation in sentence `si` belongs to: the nearest
    /// one in its paragraph with a source, before it first. Within a
    /// sentence, a relative clause's frame (`“…,” said Ames, who noted that
    /// … . “…”`) yields to its antecedent's.
    fn frame_for_loose(&self, si: usize) -> Option<usize> {
        let para = self.paragraph_of(si);
        let same_para = |fi: &usize| self.paragraph_of(self.frame_sentence[*fi]) == para;
        let is_relative = |fi: usize| {
            self.frames[fi].source.as_ref().is_some_and(|s| {
                let t = self.text.slice(s.span.start, s.span.end);
                is_in(&["who", "which"], &t)
            })
        };
        let before = (0..self.frames.len())
            .filter(same_para)
            .filter(|&fi| self.frame_sentence[fi] <= si && self.frames[fi].source.is_some())
            .max_by_key(|&fi| (self.frame_sentence[fi], !is_relative(fi)));
        before.or_else(|| {
            (0..self.frames.len())
                .filter(same_para)
                .filter(|&fi| self.frame_sentence[fi] > si && self.frames[fi].source.is_some())
                .min_by_key(|&fi| self.frame_sentence[fi])
        })
    }

    /// For a quotation that ends sentence `s` after a colon or comma, in a
    /// sentence with no cue (`Rubio fired back: “…”`, `Clinton shared her
    /// anxiety with an audience, “…”`): the sentence's subject.
    fn introducing_subject(&self, s: Sentence, q: &Quotation) -> Option<Source> {
        let toks = self.toks();
        let k = self.text.tok_at(q.start);
        if k <= s.first {
            return None;
        }
        // `Clinton: “…”`, `Rep. Trey Gowdy (R-S.C.): “…”`: a name and a colon.
        let subject = if toks[k - 1].is(':') {
            self.colon_speaker(s, k - 1)
        } else {
            None
        };
        let subject = match subject {
            Some(p) => p,
            // `Hewlett sniped that Fiorina was “learning on the job,” while
            // …`: a quotation inside a sentence with no cue is its subject's.
            // The subject the model reads (noun phrases too: `The mayor,
            // who …, said the repairs are a “…”`), else the rules'.
            None => super::model::subject(self.text, self.lexicon, s)
                .filter(|p| {
                    p.end < k
                        && !self.in_quotation(p.first)
                        // Not `Earlier,`: an adverb and a comma open the sentence.
                        && !(p.end == p.first + 1
                            && toks.get(p.end).is_some_and(|t| t.is(','))
                            && is_adverb_opener(toks[p.first].s))
                })
                .or_else(|| self.sentence_subject(s, k))?,
        };
        Some(Source {
            span: Span {
                start: toks[subject.first].start,
                end: toks[subject.end - 1].end,
            },
            kind: names::kind_of(toks, subject),
            antecedent: None,
        })
    }

    /// The name signed after quotation `q` with a dash, as epigraphs and
    /// vox pops are (`“…” ― Carla Sanchez`, `“…” — Sen. Ida Moss.`): a dash,
    /// then a run of names that ends its line or sentence.
    fn signature(&self, q: &Quotation) -> Option<Source> {
        let toks = self.toks();
        let k = self.text.tok_at(q.end);
        let dash = toks.get(k)?;
        if !(dash.is('―') || dash.is('—') || dash.is('–') || dash.is('-')) {
            return None;
        }
        let run = names::name_run(toks, k + 1)?;
        let ends = toks
            .get(run.end)
            .is_none_or(|t| t.gap == Gap::Line || t.is('.') || t.is(',') || t.is('('));
        if !ends || toks[k + 1].gap == Gap::Line {
            return None;
        }
        Some(Source {
            span: Span {
                start: toks[run.first].start,
                end: toks[run.end - 1].end,
            },
            kind: names::kind_of(toks, run),
            antecedent: None,
        })
    }

    /// The speaker before the colon at token `colon` when only a name (and a
    /// parenthesis after it) stands between the start of `s` and the colon:
    /// `Clinton:`, `Rep. Trey Gowdy (R-S.C.):`.
    fn colon_speaker(&self, s: Sentence, colon: usize) -> Option<Phrase> {
        let toks = self.toks();
        let run = names::name_run(toks, s.first)?;
        let mut k = run.end;
        if toks.get(k).is_some_and(|t| t.is('(')) {
            k = (k..colon).find(|&m| toks[m].is(')'))? + 1;
        }
        (k == colon).then_some(run)
    }

    /// For a quotation that opens the paragraph of sentence `si` at `start`
    /// after a paragraph ending in a colon (`Dr. Ward stated:`, `Cruz called
    /// them on it:`, `President Clinton released the following statement:`):
    /// that sentence's cue and source, or its subject when it has no cue.
    fn lead_in(&self, si: usize, start: usize) -> Option<(Option<Span>, Source)> {
        let toks = self.toks();
        let s = self.sentences.get(si)?;
        let prev = self.sentences.get(si.checked_sub(1)?)?;
        let opens_paragraph = toks[s.first].gap == Gap::Line && toks[s.first].start == start;
        if !opens_paragraph || !toks[prev.end - 1].is(':') {
            return None;
        }
        let span = |p: Phrase| Span {
            start: toks[p.first].start,
            end: toks[p.end - 1].end,
        };
        if let Some(c) = self.candidates(*prev).last() {
            let cue = Span {
                start: toks[c.cue.first].start,
                end: toks[c.cue.end - 1].end,
            };
            let source = Source {
                span: span(c.source),
                kind: names::kind_of(toks, c.source),
                antecedent: None,
            };
            return Some((Some(cue), source));
        }
        // No cue: a name or pronoun opening the sentence, then a verb.
        let subject = if names::is_pronoun(&toks[prev.first]) {
            Phrase {
                first: prev.first,
                end: prev.first + 1,
            }
        } else {
            names::name_run(toks, prev.first)?
        };
        let verb = toks.get(subject.end)?;
        if !verb.is_word() || verb.is_capitalized() || subject.end >= prev.end {
            return None;
        }
        let source = Source {
            span: span(subject),
            kind: names::kind_of(toks, subject),
            antecedent: None,
        };
        Some((None, source))
    }

    /// For a paragraph that is only quotation: the source of the last frame
    /// of the paragraph before.
    fn carried_source(&self, si: usize) -> Option<Source> {
        let para = self.paragraph_of(si);
        if para == 0 {
            return None;
        }
        let prev_para = self.paragraph_of(para - 1);
        let fi = (0..self.frames.len())
            .filter(|&fi| {
                let fs = self.frame_sentence[fi];
                fs >= prev_para && fs < para && self.frames[fi].source.is_some()
            })
            .max_by_key(|&fi| self.frame_sentence[fi])?;
        self.frames[fi].source.clone()
    }
}

/// Prepositions: a cue after one is a noun (`of disputes`), a word after one
/// is its object, not a source (`in addition to stating`).
/// Words after which a clause, and so a subject, can start.
const CLAUSE_OPENERS: &[&str] = &[
    "and", "but", "or", "nor", "so", "yet", "as", "although", "though", "while", "whereas", "when",
    "whenever", "whether", "if", "because", "since", "than", "that", "where", "after", "before",
    "until", "unless", "once", "who", "whom", "which", "said", "says", "say",
];

const PREPOSITIONS: &[&str] = &[
    "of", "for", "in", "on", "with", "by", "about", "from", "over", "into", "without", "after",
    "before", "between", "against", "among", "under", "at", "during", "through", "amid", "despite",
    "upon",
];

/// True for a word that opens a sentence as an adverb before a comma
/// (`Earlier,`, `Tuesday,`, `Separately,`), not as its subject.
fn is_adverb_opener(word: &str) -> bool {
    let lower = word.to_lowercase();
    is_in(lexicon::TIME_WORDS, &lower)
        || is_in(&["earlier", "later", "again", "there", "here"], &lower)
        || (lower.len() > 4 && lower.ends_with("ly"))
}

/// True when the first letter inside quotation `q` is lower case: the
/// quotation carries on a sentence begun before it (`said the plan was
/// “dead on arrival”`) rather than opening one.
fn opens_in_lower_case(chars: &[char], q: &Quotation) -> bool {
    chars
        .get(q.start..q.end)
        .and_then(|inner| inner.iter().find(|c| c.is_alphabetic()))
        .is_some_and(|c| c.is_lowercase())
}

/// How a content fragment sits in its frame, for [`Reader::classify`].
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Fragment {
    /// A fragment read next to its cue: trimmed to the quotation it holds
    /// where the text says so.
    Plain,
    /// The part after the cue of a split quotation: the quotation alone.
    SplitSecond,
    /// All that a closing `according to X` attributes, kept whole.
    Whole,
}

/// Verbs and adjectives that take the cue as their complement, between a
/// source and its cue: `was quick to condemn`, `began writing`, `refused to
/// say`, `last week said`.
fn is_chain_word(t: &super::text::Tok) -> bool {
    t.is_word()
        && !t.is_capitalized()
        && is_in(
            &[
                "quick",
                "slow",
                "eager",
                "keen",
                "reluctant",
                "willing",
                "unwilling",
                "able",
                "unable",
                "ready",
                "careful",
                "happy",
                "likely",
                "unlikely",
                "began",
                "begun",
                "begin",
                "begins",
                "beginning",
                "started",
                "start",
                "starts",
                "starting",
                "continued",
                "continues",
                "continuing",
                "refused",
                "refuses",
                "refusing",
                "declined",
                "declines",
                "tried",
                "tries",
                "trying",
                "try",
                "wanted",
                "wants",
                "want",
                "sought",
                "seeks",
                "seemed",
                "seems",
                "appeared",
                "appears",
                "decided",
                "chose",
                "hoped",
                "hopes",
                "planned",
                "plans",
                "stopped",
                "stop",
                "rushed",
                "moved",
                "proceeded",
                "went",
                "going",
                "managed",
                "failed",
                "needed",
                "needs",
                "expected",
                "used",
                "last",
                "past",
                "week",
                "month",
                "year",
                "kept",
                "keeps",
            ],
            t.s,
        )
}

/// A name mentioned in the text that a pronoun can refer to.
#[derive(Clone, Copy, Debug)]
struct Mention {
    span: Span,
    gender: Option<Gender>,
    is_source: bool,
    is_plural_or_org: bool,
}

/// Give each pronoun source (he, she, they, who) the name it refers to:
/// the nearest fitting one before it, a frame's named source first.
fn resolve_pronouns(text: &Text, frames: &mut [Frame]) {
    let toks = &text.toks;
    let mut mentions = person_mentions(text);
    for f in frames.iter() {
        if let Some(src) = &f.source {
            let first = text.tok_at(src.span.start);
            let end = text.tok_at(src.span.end);
            let p = Phrase { first, end };
            if end == first + 1 && names::is_pronoun(&toks[first]) {
                continue;
            }
            let last = toks
                .get(end.wrapping_sub(1))
                .map(|t| t.s)
                .unwrap_or_default();
            mentions.push(Mention {
                span: src.span,
                gender: names::gender_of(toks, p),
                is_source: true,
                is_plural_or_org: src.kind == Some(EntityKind::Organization)
                    || (last.ends_with('s') && !toks[end - 1].is_capitalized()),
            });
        }
    }
    mentions.sort_by_key(|m| m.span.start);
    // One mention per span: a source that is also a known name keeps both facts.
    let mut merged: Vec<Mention> = Vec::with_capacity(mentions.len());
    for m in mentions {
        match merged.last_mut() {
            Some(prev) if prev.span == m.span => {
                prev.is_source |= m.is_source;
                prev.gender = prev.gender.or(m.gender);
                prev.is_plural_or_org |= m.is_plural_or_org;
            }
            _ => merged.push(m),
        }
    }
    let mut mentions = merged;
    // `Aliyeva` after `Leyla Aliyeva` is her.
    for k in 0..mentions.len() {
        if mentions[k].gender.is_some() {
            continue;
        }
        let last = last_word(text, mentions[k].span);
        mentions[k].gender = mentions[..k]
            .iter()
            .rev()
            .find(|m| m.gender.is_some() && last_word(text, m.span) == last)
            .and_then(|m| m.gender);
    }
    for f in frames.iter_mut() {
        let Some(src) = &mut f.source else { continue };
        let i = text.tok_at(src.span.start);
        let Some(t) = toks.get(i) else { continue };
        if src.span.end != t.end || !names::is_pronoun(t) {
            continue;
        }
        let word = t.s.to_lowercase();
        src.antecedent = match word.as_str() {
            "who" | "which" => relative_antecedent(text, i),
            "he" | "she" => {
                let want = if word == "he" {
                    Gender::Male
                } else {
                    Gender::Female
                };
                let fits = |m: &&Mention| {
                    m.span.end <= src.span.start
                        && !m.is_plural_or_org
                        && m.gender.is_none_or(|g| g == want)
                };
                let near_source = mentions
                    .iter()
                    .filter(fits)
                    .filter(|m| m.is_source && src.span.start - m.span.end < 1500)
                    .max_by_key(|m| m.span.start);
                let near_name = mentions.iter().filter(fits).max_by_key(|m| m.span.start);
                match (near_source, near_name) {
                    // A named person mentioned after the last named source,
                    // with a known fitting gender, is the nearer referent.
                    (Some(s), Some(n)) if n.span.start > s.span.end && n.gender == Some(want) => {
                        Some(n.span)
                    }
                    (Some(s), _) => Some(s.span),
                    (None, n) => n.map(|m| m.span),
                }
            }
            "they" => mentions
                .iter()
                .filter(|m| m.span.end <= src.span.start && m.is_plural_or_org && m.is_source)
                .filter(|m| src.span.start - m.span.end < 800)
                .max_by_key(|m| m.span.start)
                .map(|m| m.span),
            _ => None,
        };
    }
}

fn last_word(text: &Text, span: Span) -> String {
    let end = text.tok_at(span.end);
    text.toks[text.tok_at(span.start)..end]
        .iter()
        .rev()
        .find(|t| t.is_word())
        .map(|t| t.s.to_owned())
        .unwrap_or_default()
}

/// `Trump, who said`: the phrase before the comma before `who` at token `i`.
fn relative_antecedent(text: &Text, i: usize) -> Option<Span> {
    let toks = &text.toks;
    let comma = i.checked_sub(1)?;
    if !toks.get(comma)?.is(',') {
        return None;
    }
    let p = names::phrase_ending_at(toks, comma.checked_sub(1)?, 0)?;
    Some(Span {
        start: toks[p.first].start,
        end: toks[p.end - 1].end,
    })
}

/// Names of people in the text (two or more capitalized words, or a title
/// and a name), and later mentions of their last word alone.
fn person_mentions(text: &Text) -> Vec<Mention> {
    let toks = &text.toks;
    let mut out: Vec<Mention> = Vec::new();
    let mut surnames: Vec<(String, Option<Gender>)> = Vec::new();
    let mut i = 0;
    while i < toks.len() {
        if !names::is_name_word(&toks[i]) {
            i += 1;
            continue;
        }
        let Some(p) = names::name_run(toks, i) else {
            i += 1;
            continue;
        };
        let words: Vec<_> = toks[p.first..p.end]
            .iter()
            .filter(|t| t.is_word())
            .collect();
        let span = Span {
            start: toks[p.first].start,
            end: toks[p.end - 1].end,
        };
        let last = words.last().map(|t| t.s.to_string()).unwrap_or_default();
        let all_names = words
            .iter()
            .all(|w| names::is_name_word(w) || names::gender_of_name(w.s).is_some());
        if words.len() >= 2 && all_names && names::kind_of(toks, p) == Some(EntityKind::Person) {
            let gender = names::gender_of(toks, p);
            surnames.push((last.clone(), gender));
            out.push(Mention {
                span,
                gender,
                is_source: false,
                is_plural_or_org: false,
            });
        } else if words.len() == 1
            && let Some((_, g)) = surnames.iter().rev().find(|(s, _)| *s == last)
        {
            out.push(Mention {
                span,
                gender: *g,
                is_source: false,
                is_plural_or_org: false,
            });
        }
        i = p.end.max(i + 1);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Each frame the rules find (the model's Claims are tested in
    /// `model`) as `source | cue | content / content` (pronouns with their
    /// antecedent in brackets).
    fn frames(text: &str) -> Vec<String> {
        let t = Text::new(text);
        let found = find_with(&t, &Lexicon::builtin(), None);
        found
            .frames
            .iter()
            .map(|f| {
                let s = |sp: Span| t.slice(sp.start, sp.end);
                let src = f
                    .source
                    .as_ref()
                    .map_or(String::new(), |src| match src.antecedent {
                        Some(a) => format!("{} ({})", s(src.span), s(a)),
                        None => s(src.span),
                    });
                let cue = f.cue.map(s).unwrap_or_default();
                let contents: Vec<String> = f
                    .contents
                    .iter()
                    .map(|c| {
                        format!(
                            "{}:{}",
                            if c.label == Label::Quote { "Q" } else { "C" },
                            s(c.span)
                        )
                    })
                    .collect();
                format!("{src} | {cue} | {}", contents.join(" / "))
            })
            .collect()
    }

    #[test]
    fn a_quote_before_its_speaker() {
        assert_eq!(
            frames("“No capacity for a new crisis,” Dehqan said."),
            ["Dehqan | said | Q:“No capacity for a new crisis,”"]
        );
        assert_eq!(
            frames("“No capacity for a new crisis,” said Hamid Dehqan, the minister."),
            ["Hamid Dehqan | said | Q:“No capacity for a new crisis,”"]
        );
    }

    #[test]
    fn a_quote_after_its_speaker() {
        assert_eq!(
            frames("The minister told reporters: “We will not pay.”"),
            ["The minister | told | Q:“We will not pay.”"]
        );
        assert_eq!(
            frames("Dehqan said in a statement, “We will not pay.”"),
            ["Dehqan | said | Q:“We will not pay.”"]
        );
    }

    #[test]
    fn a_name_colon_headline_with_a_quotation_is_the_names_quote() {
        assert_eq!(
            frames(
                "Dr. Ben Carson: Hillary Clinton ‘Not Fit To Serve.’\n\nCarson spoke on Sunday."
            ),
            ["Dr. Ben Carson |  | Q:Hillary Clinton ‘Not Fit To Serve.’"]
        );
        // The headline's own period, after the closing mark, is left out.
        assert_eq!(
            frames("Ann Riley: ‘No Deal’ On The Budget This Year.\n\nRiley spoke."),
            ["Ann Riley |  | Q:‘No Deal’ On The Budget This Year"]
        );
        // Not a headline's: no quotation after the colon, or not the first line.
        assert!(frames("Update: the vote was delayed.\n").is_empty());
        assert!(frames("Texts.\n\nCarson: Clinton ‘Not Fit.’\n").is_empty());
    }

    #[test]
    fn a_preposition_after_the_cue_is_left_out_of_the_content() {
        assert_eq!(
            frames("Mayor Ortiz complained about the “endless delays” at the port."),
            ["Mayor Ortiz | complained | C:the “endless delays” at the port"]
        );
        assert_eq!(
            frames("The union warned of “a long winter” for the workers."),
            ["The union | warned | Q:“a long winter” for the workers"]
        );
    }

    #[test]
    fn a_short_quotation_after_a_colon_that_ends_the_sentence_is_speech() {
        assert_eq!(
            frames("The crowd in the square had one message: “Go Home.”"),
            [" |  | Q:“Go Home.”"]
        );
        // Not when the sentence goes on after it, nor without the colon.
        assert!(frames("The crowd had one message: “Go Home” and little else.").is_empty());
        assert!(frames("The crowd carried a “Go Home” banner.").is_empty());
    }

    #[test]
    fn a_verb_of_thought_inside_a_reported_clause_stays_in_its_content() {
        assert_eq!(
            frames("Lund says he is proud of the dam and expects it to hold “for a century.”"),
            ["Lund | says | C:he is proud of the dam and expects it to hold “for a century.”"]
        );
        // A verb of speech still opens a frame of its own.
        assert_eq!(
            frames("Lund says he is proud of the dam, and he added that “it will hold.”"),
            [
                "Lund | says | C:he is proud of the dam",
                "he (Lund) | added | C:that “it will hold.”"
            ]
        );
    }

    #[test]
    fn a_question_asked_before_the_source_starts_after_asked() {
        assert_eq!(
            frames("Asked whether the dam would “hold for ever,” Lund said no."),
            ["Lund | said | C:whether the dam would “hold for ever,”"]
        );
    }

    #[test]
    fn an_inverted_source_after_a_quotation_need_not_close_its_clause() {
        assert_eq!(
            frames(
                "“It is coming,” said a strategist for one of the campaigns, speaking on the condition of anonymity."
            ),
            ["a strategist | said | Q:“It is coming,”"]
        );
    }

    #[test]
    fn an_unknown_past_tense_next_to_a_quotation_is_its_cue() {
        assert_eq!(
            frames("“That was a bill,” Toomey fumed on Tuesday."),
            ["Toomey | fumed | Q:“That was a bill,”"]
        );
        assert_eq!(
            frames("“This is fantastic!” beamed Donald Hartley, a delegate."),
            ["Donald Hartley | beamed | Q:“This is fantastic!”"]
        );
        // Not after a quotation that ends its sentence, nor far from one.
        assert_eq!(
            frames("“This is fantastic.” Donald Hartley waited."),
            [" |  | Q:“This is fantastic.”"]
        );
        assert_eq!(
            frames("“Come in,” he said, and Hartley walked in."),
            ["he | said | Q:“Come in,”"]
        );
    }

    #[test]
    fn a_paragraph_ending_in_a_colon_gives_the_next_quotation_its_speaker() {
        assert_eq!(
            frames("Dr. Ward stated:\n\n“The department is not about justice anymore.”"),
            ["Dr. Ward | stated | Q:“The department is not about justice anymore.”"]
        );
        assert_eq!(
            frames(
                "President Clinton released the following statement:\n\n“We offer our condolences.”"
            ),
            ["President Clinton |  | Q:“We offer our condolences.”"]
        );
    }

    #[test]
    fn a_participle_after_a_comma_takes_the_sentences_subject() {
        assert_eq!(
            frames("In Baku, Dehqan attacked the plan, calling it “a disaster for everyone.”"),
            ["Dehqan | calling | C:it “a disaster for everyone.”"]
        );
        assert_eq!(
            frames("She thanked the crowd, saying that “we will be back.”"),
            ["She | saying | C:that “we will be back.”"]
        );
    }

    #[test]
    fn a_relative_clauses_content_ends_before_the_main_verb() {
        assert_eq!(
            frames(
                "Okafor, who told reporters he had held 100 meetings, has rarely spoken in the hall."
            ),
            ["who (Okafor) | told | C:he had held 100 meetings"]
        );
    }

    #[test]
    fn a_cue_after_a_verb_is_its_object_and_the_verbs_subject_the_source() {
        assert_eq!(
            frames("The council has cited reports that the bridge was unsafe."),
            ["The council | reports | C:that the bridge was unsafe"]
        );
        assert_eq!(
            frames("Senator Okafor is raising claims that the budget is too small."),
            ["Senator Okafor | claims | C:that the budget is too small"]
        );
    }

    #[test]
    fn a_quotation_inside_a_sentence_with_no_cue_is_its_subjects() {
        assert_eq!(
            frames("Councillor Brandt: “The depot stays open.”"),
            ["Councillor Brandt |  | Q:“The depot stays open.”"]
        );
        assert_eq!(
            frames("Rep. Ida Moss (D-Ore.): “We were not told.”"),
            ["Rep. Ida Moss |  | Q:“We were not told.”"]
        );
        assert_eq!(
            frames(
                "Ms. Lindqvist sniped that the mayor was “out of her depth, frankly,” while the council watched."
            ),
            ["Ms. Lindqvist |  | Q:“out of her depth, frankly,”"]
        );
    }

    #[test]
    fn a_verbs_object_or_a_prepositions_is_not_the_source() {
        assert_eq!(
            frames("Councillors in addition to stating that the levee was safe toured it."),
            ["Councillors | stating | C:that the levee was safe toured it"]
        );
        // With no subject before the cue, no source at all rather than
        // `addition`.
        assert_eq!(
            frames(
                "In addition to stating that the levee was safe, Mayor Ruiz has toured it twice."
            ),
            Vec::<String>::new()
        );
        assert_eq!(
            frames("Vale then emailed selected donors saying that the fund was empty."),
            ["Vale | saying | C:that the fund was empty"]
        );
    }

    #[test]
    fn a_lower_case_phrase_a_word_governs_is_not_the_source() {
        // `taken`, `let businesses`, `right`: what the word before governs.
        assert_eq!(
            frames("Okafor has taken to urging voters to slow down."),
            ["Okafor | urging | C:to slow down"]
        );
        assert_eq!(
            frames("The board would let tenants suggest that the rent be frozen."),
            ["The board | suggest | C:that the rent be frozen"]
        );
        assert_eq!(
            frames("The auditor is right to note that the fund was empty."),
            ["The auditor | note | C:that the fund was empty"]
        );
        // After a clause opener the phrase is a subject, and a full name
        // after a title is one wherever it stands.
        assert_eq!(
            frames("Turnout fell, although analysts said that rain kept voters home."),
            ["analysts | said | C:that rain kept voters home"]
        );
        assert_eq!(
            frames(
                "The memo was written by chief of staff Ines Varga, who said that it was final."
            ),
            ["who (staff Ines Varga) | said | C:that it was final"]
        );
    }

    #[test]
    fn a_loose_quotation_after_a_relative_clause_joins_its_antecedents_frame() {
        assert_eq!(
            frames("“We won,” said Ames, who noted that the count was slow. “It was close.”"),
            [
                "Ames | said | Q:“We won,” / Q:“It was close.”",
                "who (Ames) | noted | C:that the count was slow"
            ]
        );
    }

    #[test]
    fn a_list_of_names_before_the_cue_is_the_source() {
        assert_eq!(
            frames("Lisbon, Rabat stress closer naval cooperation"),
            ["Lisbon, Rabat | stress | C:closer naval cooperation"]
        );
        assert_eq!(
            frames("Ana Ruiz, Li Wei and Tom Baker said that the plan was dead."),
            ["Ana Ruiz, Li Wei and Tom Baker | said | C:that the plan was dead"]
        );
        // Not a place before the subject, nor content before a parenthetical cue.
        assert_eq!(
            frames("In Porto, Ruiz said that the plan was dead."),
            ["Ruiz | said | C:that the plan was dead"]
        );
        assert_eq!(
            frames("Voters, Ruiz said, are tired of it."),
            ["Ruiz | said | C:Voters / C:are tired of it"]
        );
    }

    #[test]
    fn a_quotation_signed_with_a_dash_is_the_signers() {
        assert_eq!(
            frames(
                "“The bridge must be fixed before winter.” ― Carla Mendes\n“Not again.” — Sen. Ida Moss."
            ),
            [
                "Carla Mendes |  | Q:“The bridge must be fixed before winter.”",
                "Sen. Ida Moss |  | Q:“Not again.”"
            ]
        );
    }

    #[test]
    fn an_asked_after_a_question_is_inverted() {
        assert_eq!(
            frames("“Why should it be grabbed from him?” asked Bennett, a radio host."),
            ["Bennett | asked | Q:“Why should it be grabbed from him?”"]
        );
    }

    #[test]
    fn a_quotation_after_a_colon_in_a_sentence_with_no_cue_is_its_subjects() {
        assert_eq!(
            frames("Asked about the vote, Rubio fired back forcefully: “They will lose.”"),
            ["Rubio | fired back | Q:“They will lose.”"]
        );
        assert_eq!(
            frames(
                "Earlier, Clinton shared her worries with donors, “I do not know who will show up.”"
            ),
            ["Clinton |  | Q:“I do not know who will show up.”"]
        );
        assert_eq!(
            frames("“You know, it happens, right?” Trump went on."),
            ["Trump | went on | Q:“You know, it happens, right?”"]
        );
    }

    #[test]
    fn a_verb_chain_between_source_and_cue_is_skipped() {
        assert_eq!(
            frames("The advisers were quick to condemn the outcome."),
            ["The advisers | condemn | C:the outcome"]
        );
        assert_eq!(
            frames("Dehqan last week said the talks had failed."),
            ["Dehqan | said | C:the talks had failed"]
        );
        assert_eq!(
            frames("The campaign issued a statement saying it would appeal."),
            ["The campaign | saying | C:it would appeal"]
        );
    }

    #[test]
    fn a_coordinated_cue_with_no_cue_before_takes_the_subject() {
        assert_eq!(
            frames(
                "Eight years ago, he backed Obama over Clinton and said, “She never did a thing for us.”"
            ),
            ["he | said | Q:“She never did a thing for us.”"]
        );
    }

    #[test]
    fn a_name_in_an_apposition_before_the_cue_is_the_source() {
        assert_eq!(
            frames("Another delegate on the slate, Jim Poolman, said he was only “leaning Cruz.”"),
            ["Jim Poolman | said | C:he was only “leaning Cruz.”"]
        );
    }

    #[test]
    fn a_quotation_after_the_cues_adverbials_and_a_comma_is_the_quote() {
        assert_eq!(
            frames("Beck joked, again using a Southern accent, “Come on up and get baptized!”"),
            ["Beck | joked | Q:“Come on up and get baptized!”"]
        );
        // Not after `that`: the clause is the content.
        assert_eq!(
            frames("Axelrod noted that in Chicago, “it is a seismic event.”"),
            ["Axelrod | noted | C:that in Chicago, “it is a seismic event.”"]
        );
    }

    #[test]
    fn a_quotation_opening_in_lower_case_after_a_comma_keeps_its_clause() {
        // The quotation carries on the sentence: the clause before the comma
        // is part of what was said.
        assert_eq!(
            frames("In earlier races, “we could reach voters with a good website,” Mara said."),
            ["Mara | said | C:In earlier races, “we could reach voters with a good website,”"]
        );
        assert_eq!(
            frames("Lund said whatever the council decides, “the bridge stays open.”"),
            ["Lund | said | C:whatever the council decides, “the bridge stays open.”"]
        );
        // The second part of a split quotation is the quotation alone.
        assert_eq!(
            frames("“Every time,” Lund said, turning to the mayor, “the bridge floods.”"),
            ["Lund | said | Q:“Every time,” / Q:“the bridge floods.”"]
        );
        // A quotation that opens a sentence of its own is the content alone.
        assert_eq!(
            frames("In earlier races, “We could reach voters with a good website,” Mara said."),
            ["Mara | said | Q:“We could reach voters with a good website,”"]
        );
    }

    #[test]
    fn a_name_opening_the_sentence_before_a_lower_case_apposition_is_the_source() {
        assert_eq!(
            frames(
                "Jennifer Palmieri, communications director for the campaign, said in a statement: “This is a tragedy.”"
            ),
            ["Jennifer Palmieri | said | Q:“This is a tragedy.”"]
        );
        // Not a place after an opening preposition.
        assert_eq!(
            frames("In New York, city officials said the plan had failed."),
            ["city officials | said | C:the plan had failed"]
        );
    }

    #[test]
    fn a_split_quote_is_two_fragments_of_one_frame() {
        assert_eq!(
            frames("“We will win,” he said, “and soon.”"),
            ["he | said | Q:“We will win,” / Q:“and soon.”"]
        );
    }

    #[test]
    fn indirect_speech_is_a_claim() {
        assert_eq!(
            frames("Dehqan said that the talks had failed."),
            ["Dehqan | said | C:that the talks had failed"]
        );
        assert_eq!(
            frames("According to the ministry, the talks had failed."),
            ["the ministry | According to | C:the talks had failed"]
        );
        assert_eq!(
            frames("The talks had failed, the ministry said on Monday."),
            ["the ministry | said | C:The talks had failed"]
        );
        assert_eq!(
            frames("The talks had failed, according to the ministry."),
            ["the ministry | according to | C:The talks had failed"]
        );
    }

    #[test]
    fn a_paraphrase_ending_in_a_short_quote_is_one_claim() {
        assert_eq!(
            frames("Clinton called the plan “unhinged.”"),
            ["Clinton | called | C:the plan “unhinged.”"]
        );
    }

    #[test]
    fn pronouns_refer_to_the_nearest_fitting_name() {
        let got = frames(
            "Hamid Dehqan met Leyla Aliyeva in Baku. Aliyeva said talks were useful. \
             “We will meet again,” he said.",
        );
        assert_eq!(
            got,
            [
                "Aliyeva | said | C:talks were useful",
                "he (Hamid Dehqan) | said | Q:“We will meet again,”"
            ]
        );
        let got = frames("Trump, who said the deal was bad, left.");
        assert_eq!(got, ["who (Trump) | said | C:the deal was bad, left"]);
    }

    #[test]
    fn a_loose_quotation_joins_the_frame_of_its_paragraph() {
        assert_eq!(
            frames("“We will win,” Dehqan said. “We always do.”"),
            ["Dehqan | said | Q:“We will win,” / Q:“We always do.”"]
        );
    }

    #[test]
    fn a_paragraph_of_quotation_carries_the_last_speaker_over() {
        assert_eq!(
            frames("“We will win,” Dehqan said.\n\n“We always do, whatever they say.”"),
            [
                "Dehqan | said | Q:“We will win,”",
                "Dehqan |  | Q:“We always do, whatever they say.”"
            ]
        );
    }

    #[test]
    fn scare_quotes_are_left_alone() {
        assert_eq!(
            frames("The so-called “alt-right” gathered in the “Taj Mahal” hall."),
            Vec::<String>::new()
        );
    }

    #[test]
    fn a_question_quoted_then_its_speaker_is_one_attribution() {
        assert_eq!(
            frames("“Have I started writing my speech?” Sanders replied."),
            ["Sanders | replied | Q:“Have I started writing my speech?”"]
        );
    }

    #[test]
    fn coordinated_and_relative_clauses_get_the_main_subject() {
        assert_eq!(
            frames("Ryan criticized the policy and said allies wanted help."),
            [
                "Ryan | criticized | C:the policy",
                "Ryan | said | C:allies wanted help"
            ]
        );
        assert_eq!(
            frames("Reid, who endorsed Clinton in February, reiterated those feelings."),
            ["Reid | reiterated | C:those feelings"]
        );
    }

    #[test]
    fn an_apposition_opened_like_one_wins_over_a_place() {
        assert_eq!(
            frames("Trump, speaking at a rally in Wilmington, N.C., warned that taxes would rise."),
            ["Trump | warned | C:that taxes would rise"]
        );
        assert_eq!(
            frames("Cory James, 22, of Flint, Mich., said he had not given up."),
            ["Cory James | said | C:he had not given up"]
        );
        assert_eq!(
            frames("Vice President Joseph R. Biden Jr. said the remarks were dangerous."),
            ["Vice President Joseph R. Biden Jr | said | C:the remarks were dangerous"]
        );
    }

    #[test]
    fn weak_cues_count_before_an_infinitive_or_after_an_organization() {
        assert_eq!(
            frames("Trump appeared to suggest a second term."),
            ["Trump | appeared | C:to suggest a second term"]
        );
        assert_eq!(frames("Trump appeared on Fox News."), Vec::<String>::new());
        assert_eq!(
            frames("A new poll shows Clinton leading in Ohio."),
            ["A new poll | shows | C:Clinton leading in Ohio"]
        );
    }

    #[test]
    fn a_noun_that_looks_like_a_cue_is_not_one() {
        assert_eq!(
            frames("A 2014 House report found “no evidence of a stand down order.”"),
            ["A 2014 House report | found | Q:“no evidence of a stand down order.”"]
        );
        assert_eq!(
            frames("She posted a Twitter comment of her own."),
            Vec::<String>::new()
        );
    }

    #[test]
    fn an_unknown_past_tense_closing_the_sentence_after_a_comma_is_its_cue() {
        assert_eq!(
            frames("The dam will hold through the spring, he underlined."),
            ["he | underlined | C:The dam will hold through the spring"]
        );
        assert_eq!(
            frames("The bridge reopens on Monday, the Oslo council confirmed."),
            ["the Oslo council | confirmed | C:The bridge reopens on Monday"]
        );
        // A weak cue before it that made no frame leaves it the clause.
        assert_eq!(
            frames("Oslo is bound to maintain the dam, and will not sell it, he underlined."),
            ["he | underlined | C:Oslo is bound to maintain the dam, and will not sell it"]
        );
        // Not mid-sentence, and not after `it`.
        assert!(frames("The dam held, he underlined twice in red.").is_empty());
        assert!(frames("The shop was busy all week, it closed.").is_empty());
    }

    #[test]
    fn an_adverbial_between_the_cue_and_that_is_left_out() {
        assert_eq!(
            frames("Lund said Sunday in Bergen, Norway, that the dam would hold."),
            ["Lund | said | C:that the dam would hold"]
        );
        assert_eq!(
            frames("Lund said instead that the dam would hold."),
            ["Lund | said | C:that the dam would hold"]
        );
        assert_eq!(
            frames("Lund said, however, that the dam would hold."),
            ["Lund | said | C:that the dam would hold"]
        );
        assert_eq!(
            frames("Lund agreed with the engineers from Bergen that the dam would hold."),
            ["Lund | agreed | C:that the dam would hold"]
        );
        // A clause before `that` is part of the content.
        assert_eq!(
            frames("Lund said the truth is that the dam would hold."),
            ["Lund | said | C:the truth is that the dam would hold"]
        );
        assert_eq!(
            frames("Lund said for the dam that was built in 1950 it would hold."),
            ["Lund | said | C:for the dam that was built in 1950 it would hold"]
        );
    }

    #[test]
    fn a_quotation_no_frame_took_keeps_the_words_after_the_cue_before_it() {
        // No source is found next to these cues, but the content still
        // opens after them; a subject the rules can read is the source.
        assert_eq!(
            frames(
                "The engineer began by talking about the floods, saying that the old dam is now “weaker than the town thinks.”"
            ),
            [" |  | C:that the old dam is now “weaker than the town thinks.”"]
        );
        assert_eq!(
            frames(
                "The mayor, who was elected in 2010 -- and who ran on the dam -- said the repairs are a “critical part of our plan.”"
            ),
            ["The mayor |  | C:the repairs are a “critical part of our plan.”"]
        );
        // After a quotation the cue is that quotation's: the second part of
        // a split quotation stays a Quote.
        assert_eq!(
            frames(
                "“The dam holds,” said Lund, an engineer who has worked at the dam for years, “and it will hold through the spring.”"
            ),
            ["Lund | said | Q:“The dam holds,” / Q:“and it will hold through the spring.”"]
        );
    }

    #[test]
    fn according_to_closing_a_sentence_takes_the_attribution_before_it() {
        assert_eq!(
            frames("“The dam will hold,” Lund told the council, according to the minutes."),
            ["the minutes | according to | Q:“The dam will hold,” Lund told the council"]
        );
        assert_eq!(
            frames("Lund said the dam would hold, according to two engineers."),
            ["two engineers | according to | C:Lund said the dam would hold"]
        );
        // Alone, it is the source of the sentence as before.
        assert_eq!(
            frames("The dam will hold, according to the minutes."),
            ["the minutes | according to | C:The dam will hold"]
        );
    }

    #[test]
    fn a_verb_of_intent_after_a_quotation_starts_a_sentence_of_its_own() {
        // `plans to visit` is no attribution of the quotation before it.
        assert_eq!(
            frames(
                "Lund said the town must act “without delay.” Lund plans to visit the dam on Sunday, according to her aides."
            ),
            [
                "Lund | said | C:the town must act “without delay.”",
                "her aides | according to | C:Lund plans to visit the dam on Sunday"
            ]
        );
        // A cue after the quotation still joins it.
        assert_eq!(
            frames("“Will it hold?” Lund asked, according to the minutes."),
            ["the minutes | according to | Q:“Will it hold?” Lund asked"]
        );
    }

    #[test]
    fn a_cue_word_after_a_determiner_or_preposition_is_a_noun() {
        // `disputes` after `of` is no cue, and `resolution of` no source.
        assert_eq!(
            frames("Lund worked toward a settlement of disputes over the river and its dams."),
            Vec::<String>::new()
        );
        assert_eq!(
            frames("The mayor ignored their warnings about the flood."),
            Vec::<String>::new()
        );
        // The verb of the sentence is still the cue.
        assert_eq!(
            frames("Lund said the reports of leaks at the dam were false."),
            ["Lund | said | C:the reports of leaks at the dam were false"]
        );
    }
}
