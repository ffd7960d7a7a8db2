//! Noun phrases next to a cue (the source), what kind of thing they name,
//! and which person a pronoun refers to.
//!
//! There is no tagger: a source is read from the tokens next to the cue with
//! closed word lists. Read backwards from `said`, a source is a pronoun
//! (`he said`), a name (`Sen. Ted Cruz said`, `the Roper Center for Public
//! Opinion Research said`) or a short common noun phrase (`the minister
//! said`, `two senior officials said`), possibly followed by an apposition
//! between commas (`Trump, the Republican nominee, said`) or a bracket
//! (`Cruz (R-Texas) said`). Read forwards (`said Dehqan`, `according to a
//! new poll`), the noun phrase runs to the first punctuation or function word.

use super::lexicon::{
    self, DETERMINERS, FEMALE_NAMES, MALE_NAMES, NAME_LINKS, NP_STOP, ORG_WORDS, PERSON_TITLES,
    PRONOUNS, is_in,
};
use super::text::{Gap, Kind, Tok};

/// What a source names, when it can be told.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum EntityKind {
    /// A person (or people).
    Person,
    /// An organization, publication, poll, ...
    Organization,
}

impl EntityKind {
    /// The kind as written on an Entity annotation.
    pub fn name(self) -> &'static str {
        match self {
            EntityKind::Person => "Person",
            EntityKind::Organization => "Organization",
        }
    }
}

/// A person's grammatical gender, as far as the text tells it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Gender {
    /// He.
    Male,
    /// She.
    Female,
}

/// A noun phrase: a half-open range of token indexes.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Phrase {
    /// First token.
    pub first: usize,
    /// One past the last token.
    pub end: usize,
}

fn lower(t: &Tok) -> String {
    t.s.to_lowercase()
}

/// True for a pronoun that can be a source.
pub fn is_pronoun(t: &Tok) -> bool {
    t.is_word() && is_in(PRONOUNS, t.s)
}

/// Words that look capitalized but are sentence openers, not names.
const NOT_NAMES: &[&str] = &[
    "the",
    "a",
    "an",
    "but",
    "and",
    "or",
    "so",
    "yet",
    "in",
    "on",
    "at",
    "for",
    "if",
    "when",
    "while",
    "after",
    "before",
    "as",
    "this",
    "that",
    "these",
    "those",
    "there",
    "here",
    "it",
    "its",
    "his",
    "her",
    "their",
    "our",
    "we",
    "they",
    "he",
    "she",
    "i",
    "you",
    "still",
    "now",
    "then",
    "also",
    "however",
    "meanwhile",
    "instead",
    "last",
    "next",
    "today",
    "yesterday",
    "asked",
    "according",
    "speaking",
    "during",
    "since",
    "with",
    "without",
    "of",
    "to",
    "from",
    "by",
    "about",
    "what",
    "who",
    "why",
    "how",
    "where",
    "which",
    "some",
    "many",
    "most",
];

/// True for a capitalized word that can be part of a name.
pub fn is_name_word(t: &Tok) -> bool {
    t.kind == Kind::Word
        && (t.is_capitalized() || t.s.chars().next().is_some_and(|c| c.is_ascii_digit()))
        && !is_in(NOT_NAMES, t.s)
}

/// The noun phrase that ends at token `last` (inclusive), read backwards,
/// staying at or after token `floor`.
pub fn phrase_ending_at(toks: &[Tok], last: usize, floor: usize) -> Option<Phrase> {
    let t = toks.get(last)?;
    if last < floor || !t.is_word() {
        return None;
    }
    if is_pronoun(t) {
        return Some(Phrase {
            first: last,
            end: last + 1,
        });
    }
    if is_in(NP_STOP, t.s) || lexicon::is_in(DETERMINERS, t.s) {
        return None;
    }
    let mut first = last;
    let mut words = 1;
    while first > floor && words < 9 {
        let p = &toks[first - 1];
        let cur = &toks[first];
        if cur.gap == Gap::Line {
            break;
        }
        // `Sen.` `Mr.`: a period glued to an abbreviation.
        if p.is('.') && first >= 2 && toks[first - 2].is_word() && toks[first - 2].end == p.start {
            let abbr = &toks[first - 2];
            if is_in(PERSON_TITLES, abbr.s) || abbr.s.chars().count() == 1 {
                first -= 2;
                words += 1;
                continue;
            }
            break;
        }
        if !p.is_word() {
            // Hyphenated or possessive pieces glued on are part of the phrase.
            break;
        }
        let pl = lower(p);
        // `Center for Public Opinion`, `Secretary of State`.
        if is_in(NAME_LINKS, &pl)
            && is_name_word(cur)
            && first >= 2
            && is_name_word(&toks[first - 2])
            && !is_in(DETERMINERS, &pl)
        {
            first -= 1;
            words += 1;
            continue;
        }
        if is_in(DETERMINERS, &pl) {
            first -= 1;
            break;
        }
        if is_in(NOT_NAMES, &pl) {
            break;
        }
        if is_in(NP_STOP, &pl) {
            break;
        }
        if is_pronoun(p)
            || lexicon::is_in(lexicon::BETWEEN_SOURCE_AND_CUE, &pl) && !p.is_capitalized()
        {
            break;
        }
        first -= 1;
        words += 1;
    }
    let phrase = Phrase {
        first,
        end: last + 1,
    };
    // `60 pledged delegates`: a number alone is no source.
    let has_letters = toks[phrase.first..phrase.end]
        .iter()
        .any(|t| t.is_word() && t.s.chars().any(char::is_alphabetic));
    has_letters.then_some(phrase)
}

/// The noun phrase that starts at token `first`, read forwards, ending
/// before token `ceiling`.
pub fn phrase_starting_at(toks: &[Tok], first: usize, ceiling: usize) -> Option<Phrase> {
    let t = toks.get(first)?;
    if first >= ceiling || !t.is_word() {
        return None;
    }
    if is_pronoun(t) {
        return Some(Phrase {
            first,
            end: first + 1,
        });
    }
    let mut end = first;
    let mut words = 0;
    while end < ceiling && words < 10 {
        let cur = &toks[end];
        if end > first && cur.gap == Gap::Line {
            break;
        }
        if cur.is('.') && end > first && toks[end - 1].end == cur.start {
            let prev = &toks[end - 1];
            let next_is_name = toks.get(end + 1).is_some_and(is_name_word);
            if (is_in(PERSON_TITLES, prev.s) || prev.s.chars().count() == 1) && next_is_name {
                end += 1;
                continue;
            }
            break;
        }
        if !cur.is_word() {
            if (cur.is('-') || cur.is('’') || cur.is('\'')) && cur.gap == Gap::None {
                end += 1;
                continue;
            }
            break;
        }
        let cl = lower(cur);
        if end > first && is_in(NAME_LINKS, &cl) {
            // `Center for Public Opinion`, `Secretary of State`.
            if toks.get(end + 1).is_some_and(is_name_word) && is_name_word(&toks[end - 1]) {
                end += 1;
                words += 1;
                continue;
            }
            break;
        }
        if end > first && (is_in(NP_STOP, &cl) || is_pronoun(cur)) {
            break;
        }
        if end == first && is_in(NP_STOP, &cl) {
            return None;
        }
        end += 1;
        words += 1;
    }
    (end > first).then_some(Phrase { first, end })
}

/// The run of name words starting at token `first` (`Sen. Ted Cruz`,
/// `Roper Center for Public Opinion Research`), if `first` is a name word.
pub fn name_run(toks: &[Tok], first: usize) -> Option<Phrase> {
    if !toks.get(first).is_some_and(is_name_word) {
        return None;
    }
    let mut end = first + 1;
    while let Some(t) = toks.get(end) {
        if t.gap == Gap::Line {
            break;
        }
        let prev = &toks[end - 1];
        let next_is_name = toks
            .get(end + 1)
            .is_some_and(|n| is_name_word(n) && n.gap != Gap::Line);
        // `Sen.` `J.` before a name; `of`, `for` between names.
        let title_dot = t.is('.')
            && prev.end == t.start
            && next_is_name
            && (is_in(PERSON_TITLES, prev.s) || prev.s.chars().count() == 1);
        let link = t.is_word() && is_in(NAME_LINKS, t.s) && next_is_name && !t.is_capitalized();
        if !(is_name_word(t) || title_dot || link) {
            break;
        }
        end += 1;
    }
    Some(Phrase { first, end })
}

/// The kind of thing a phrase names, when the words tell.
pub fn kind_of(toks: &[Tok], p: Phrase) -> Option<EntityKind> {
    let words: Vec<&Tok> = toks[p.first..p.end]
        .iter()
        .filter(|t| t.is_word())
        .collect();
    let last = words.last()?;
    let ll = lower(last);
    if words.len() == 1 && is_pronoun(last) {
        return match ll.as_str() {
            "he" | "she" | "i" | "who" => Some(EntityKind::Person),
            _ => None,
        };
    }
    if words
        .iter()
        .any(|w| is_in(ORG_WORDS, w.s) && !is_in(PERSON_TITLES, w.s))
        || (last.s.chars().count() >= 2
            && last.s.chars().all(|c| c.is_uppercase() || c == '&')
            && words.len() == 1)
    {
        return Some(EntityKind::Organization);
    }
    if words.iter().any(|w| is_in(PERSON_TITLES, w.s))
        || words.iter().any(|w| gender_of_name(w.s).is_some())
    {
        return Some(EntityKind::Person);
    }
    // Two or three capitalized words with no organization word: a name
    // (but `Tehran, Baku` is a list, of places as likely as of people).
    let is_list = toks[p.first..p.end].iter().any(|t| t.is(','));
    if words.len() >= 2 && words.len() <= 4 && words.iter().all(|w| is_name_word(w)) && !is_list {
        return Some(EntityKind::Person);
    }
    None
}

/// The gender a given name or title suggests.
pub fn gender_of_name(word: &str) -> Option<Gender> {
    let w = word.to_lowercase();
    let w = w.trim_end_matches('.');
    if matches!(
        w,
        "mr" | "he"
            | "him"
            | "his"
            | "king"
            | "prince"
            | "spokesman"
            | "congressman"
            | "chairman"
            | "father"
            | "son"
            | "husband"
            | "brother"
    ) {
        return Some(Gender::Male);
    }
    if matches!(
        w,
        "mrs"
            | "ms"
            | "miss"
            | "she"
            | "her"
            | "queen"
            | "princess"
            | "spokeswoman"
            | "congresswoman"
            | "chairwoman"
            | "mother"
            | "daughter"
            | "wife"
            | "sister"
    ) {
        return Some(Gender::Female);
    }
    // A name on both lists (Kim, Hope) tells nothing.
    match (MALE_NAMES.contains(&w), FEMALE_NAMES.contains(&w)) {
        (true, false) => Some(Gender::Male),
        (false, true) => Some(Gender::Female),
        _ => None,
    }
}

/// The gender of a phrase: from a title or a given name in it.
pub fn gender_of(toks: &[Tok], p: Phrase) -> Option<Gender> {
    toks[p.first..p.end]
        .iter()
        .filter(|t| t.is_word())
        .find_map(|t| gender_of_name(t.s))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::analysis::suggest::text::Text;

    fn before(text: &str, word: &str) -> String {
        let t = Text::new(text);
        let i = t.toks.iter().position(|x| x.s == word).expect("word");
        let p = phrase_ending_at(&t.toks, i - 1, 0).expect("phrase");
        t.slice(t.toks[p.first].start, t.toks[p.end - 1].end)
    }

    fn after(text: &str, word: &str) -> String {
        let t = Text::new(text);
        let i = t.toks.iter().position(|x| x.s == word).expect("word");
        let p = phrase_starting_at(&t.toks, i + 1, t.toks.len()).expect("phrase");
        t.slice(t.toks[p.first].start, t.toks[p.end - 1].end)
    }

    #[test]
    fn sources_read_backwards_from_the_cue() {
        assert_eq!(
            before("Yesterday Sen. Ted Cruz said so.", "said"),
            "Sen. Ted Cruz"
        );
        assert_eq!(
            before("In Baku the minister said so.", "said"),
            "the minister"
        );
        assert_eq!(before("The report, he said, was late.", "said"), "he");
        assert_eq!(
            before(
                "Officials at the Roper Center for Public Opinion Research said so.",
                "said"
            ),
            "the Roper Center for Public Opinion Research"
        );
        assert_eq!(
            before("and two senior officials said", "said"),
            "two senior officials"
        );
    }

    #[test]
    fn sources_read_forwards_from_the_cue() {
        assert_eq!(
            after("“No,” said Robert Stone, a voter.", "said"),
            "Robert Stone"
        );
        assert_eq!(
            after(
                "It rose, according to a new Associated Press-GfK poll.",
                "to"
            ),
            "a new Associated Press-GfK poll"
        );
        assert_eq!(after("“No,” said Sen. Cruz.", "said"), "Sen. Cruz");
    }

    #[test]
    fn kinds_and_genders_come_from_titles_names_and_organization_words() {
        let t = Text::new("Mrs. Clinton and the Federal Election Commission and Hamid Dehqan");
        let p = |a: usize, b: usize| Phrase { first: a, end: b };
        assert_eq!(kind_of(&t.toks, p(0, 3)), Some(EntityKind::Person));
        assert_eq!(gender_of(&t.toks, p(0, 3)), Some(Gender::Female));
        assert_eq!(kind_of(&t.toks, p(4, 8)), Some(EntityKind::Organization));
        assert_eq!(kind_of(&t.toks, p(9, 11)), Some(EntityKind::Person));
        assert_eq!(gender_of(&t.toks, p(9, 11)), Some(Gender::Male));
        // A list of two capitalized words is no person's name.
        let t = Text::new("Lisbon, Rabat");
        assert_eq!(kind_of(&t.toks, p(0, 3)), None);
    }
}
