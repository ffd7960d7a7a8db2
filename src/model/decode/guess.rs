//! Which Latin-script legacy encoding reads a text as its writer wrote it.
//!
//! chardetng names the encoding of most files right, but among the Latin
//! code pages it can pick a neighbour (windows-1250 for French: "Genčve";
//! windows-1252 for Hungarian: "jövõre"), and it never names ISO-8859-15.
//! Those candidates read ASCII alike and differ only in some high bytes, so
//! each is decoded and scored by how implausible its reading is as prose:
//!
//! 1. The *language*: the text's commonest words (mostly ASCII, so alike
//!    in every reading) are looked up in [`super::languages`]; a word
//!    counts [`WORD_WEIGHT`], shared among the languages that use it. The
//!    language whose words weigh most in any reading is assumed for free;
//!    another costs [`FOREIGN_LETTER`] per [`WORD_WEIGHT`] it lacks. A
//!    paragraph thus has its language, and a few words only lean to one.
//! 2. Each letter beyond ASCII that the assumed language does not write
//!    costs [`FOREIGN_LETTER`] ([`UNKNOWN_LETTER`] if no language writes
//!    it): "Genčve" in French, "støedu" in Czech, "Bankasý" in Turkish. A
//!    reading is judged in whichever language makes it cheapest.
//! 3. A symbol glued to letters ("podpisa³", "b½uf") costs
//!    [`SYMBOL_IN_WORD`]; symbols that real prose barely uses (¤ ¦ ¨ ¸ ˇ ...)
//!    cost [`RARE_SYMBOL`]; a capital after a small letter costs
//!    [`CAPITAL_INSIDE`]; a letter standing alone that is no word ("Ť")
//!    costs [`LONE_LETTER`].
//!
//! The cheapest candidate wins; ties go to chardetng's guess, then to the
//! order of [`CANDIDATES`]. When the runner-up (the cheapest candidate that
//! reads the text differently) costs less than [`CLEAR_MARGIN`] more, the
//! choice is *doubtful* and reported with that alternative.

use super::languages::{LANGUAGES, writes};
use encoding_rs::{
    Encoding, ISO_8859_2, ISO_8859_3, ISO_8859_4, ISO_8859_10, ISO_8859_13, ISO_8859_14,
    ISO_8859_15, ISO_8859_16, WINDOWS_1250, WINDOWS_1252, WINDOWS_1254, WINDOWS_1257, WINDOWS_1258,
};
use std::collections::HashMap;
use std::sync::OnceLock;

/// The Latin-script candidates, most common first (the last tie-breaker).
/// ISO-8859-3, -4, -10, -14 and -16 are left out: files in them are rare,
/// and -16 reads Romanian exactly like windows-1250 but for the comma or
/// cedilla under s and t, so every Romanian text would stay in doubt. They
/// are one `--encoding` away.
pub(super) const CANDIDATES: &[&Encoding] = &[
    WINDOWS_1252,
    WINDOWS_1250,
    WINDOWS_1254,
    WINDOWS_1257,
    ISO_8859_15,
    ISO_8859_2,
    ISO_8859_13,
];
/// True for the Latin-script legacy encodings: those whose guess is
/// checked against [`CANDIDATES`] (the guess itself competes too).
pub(super) fn is_latin_script(encoding: &'static Encoding) -> bool {
    CANDIDATES.contains(&encoding)
        || [
            ISO_8859_3,
            ISO_8859_4,
            ISO_8859_10,
            ISO_8859_14,
            ISO_8859_16,
            WINDOWS_1258,
        ]
        .contains(&encoding)
}

/// Cost of a letter the text's language does not write.
const FOREIGN_LETTER: u32 = 2;
/// Cost of a letter that no known language writes.
const UNKNOWN_LETTER: u32 = 3;
/// Cost of a symbol glued to a letter.
const SYMBOL_IN_WORD: u32 = 4;
/// Cost of a symbol that prose almost never holds.
const RARE_SYMBOL: u32 = 2;
/// Cost of a capital letter right after a small one.
const CAPITAL_INSIDE: u32 = 2;
/// Cost of a letter beyond ASCII standing alone that is no word ("Ť").
const LONE_LETTER: u32 = 2;
/// A winner this much cheaper than every other reading is clear.
pub(super) const CLEAR_MARGIN: u32 = FOREIGN_LETTER;
/// What one common word counts, shared among the languages that use it
/// (so "a", used by seven, tells little and "hogy" a lot).
const WORD_WEIGHT: u32 = 60;
/// Bytes scored; the rest of a long file follows the same encoding.
pub(super) const SAMPLE_BYTES: usize = 256 * 1024;

/// The chosen encoding and, when the choice is doubtful, the runner-up.
#[derive(Debug, PartialEq, Eq)]
pub(super) struct Choice {
    /// The winner.
    pub best: &'static Encoding,
    /// A candidate that reads the text differently and is nearly as plausible.
    pub doubt: Option<&'static Encoding>,
}

/// A candidate's reading of the sample.
#[derive(Debug)]
struct Reading {
    encoding: &'static Encoding,
    text: String,
    /// Common words found, per language of [`LANGUAGES`].
    word_hits: Vec<u32>,
}

/// A reading and how implausible it is.
#[derive(Debug)]
struct Scored<'a> {
    reading: &'a Reading,
    cost: u32,
    word_hits: u32,
}

/// Choose among the Latin candidates (plus `chardet_guess`, which wins
/// ties) for `bytes`. Candidates that leave a byte undefined or give C1
/// controls are out. `None` when no candidate reads the sample.
pub(super) fn choose_latin(bytes: &[u8], chardet_guess: &'static Encoding) -> Option<Choice> {
    let sample = sample_of(bytes);
    let mut readings: Vec<Reading> = Vec::new();
    for encoding in std::iter::once(chardet_guess).chain(CANDIDATES.iter().copied()) {
        if readings.iter().any(|r| r.encoding == encoding) {
            continue;
        }
        let Some(text) = encoding.decode_without_bom_handling_and_without_replacement(sample)
        else {
            continue;
        };
        if text.chars().any(|c| ('\u{80}'..='\u{9f}').contains(&c)) {
            continue;
        }
        readings.push(Reading {
            encoding,
            word_hits: word_hits(&text),
            text: text.into_owned(),
        });
    }
    // The text has one language whatever the encoding: the reading that
    // recognises most of its words tells which.
    let assumed = language_costs(&readings);
    let mut scored: Vec<Scored> = readings
        .iter()
        .map(|reading| Scored {
            reading,
            cost: implausibility(&reading.text, &assumed),
            word_hits: reading.word_hits.iter().copied().max().unwrap_or(0),
        })
        .collect();
    // Stable: among equals, chardetng's guess (first) and then CANDIDATES order.
    scored.sort_by_key(|s| (s.cost, std::cmp::Reverse(s.word_hits)));
    let best = scored.first()?;
    let doubt = scored
        .iter()
        .find(|s| s.reading.text != best.reading.text)
        .filter(|r| r.cost < best.cost + CLEAR_MARGIN)
        .map(|r| r.reading.encoding);
    Some(Choice {
        best: best.reading.encoding,
        doubt,
    })
}

/// The first [`SAMPLE_BYTES`] of `bytes`, cut after an ASCII byte so a
/// multi-byte character is never split.
pub(super) fn sample_of(bytes: &[u8]) -> &[u8] {
    if bytes.len() <= SAMPLE_BYTES {
        return bytes;
    }
    let head = &bytes[..SAMPLE_BYTES];
    let cut = head.iter().rposition(u8::is_ascii).map_or(0, |i| i + 1);
    &head[..cut]
}

/// Common word → the languages (bit set over [`LANGUAGES`]) that use it.
fn word_index() -> &'static HashMap<&'static str, u32> {
    static INDEX: OnceLock<HashMap<&'static str, u32>> = OnceLock::new();
    INDEX.get_or_init(|| {
        let mut index: HashMap<&'static str, u32> = HashMap::new();
        for (i, language) in LANGUAGES.iter().enumerate() {
            for word in language.words.split(' ') {
                *index.entry(word).or_default() |= 1 << i;
            }
        }
        index
    })
}

/// True when the letter `c` alone is a common word of some language ("à").
fn is_word(c: char) -> bool {
    let mut buf = [0u8; 4];
    let lower = c.to_lowercase().next().unwrap_or(c);
    word_index().contains_key(&*lower.encode_utf8(&mut buf))
}

/// How much of `text` is common words of each language (see [`WORD_WEIGHT`]).
fn word_hits(text: &str) -> Vec<u32> {
    let index = word_index();
    let mut hits = vec![0u32; LANGUAGES.len()];
    let mut lower = String::new();
    for word in text.split(|c: char| !c.is_alphabetic()) {
        if word.is_empty() || word.len() > 24 {
            continue;
        }
        lower.clear();
        lower.extend(word.chars().flat_map(char::to_lowercase));
        if let Some(&set) = index.get(lower.as_str()) {
            let share = WORD_WEIGHT / set.count_ones().max(1);
            for (i, h) in hits.iter_mut().enumerate() {
                *h += share * ((set >> i) & 1);
            }
        }
    }
    hits
}

/// What assuming each language of [`LANGUAGES`] costs: nothing for the
/// language whose common words weigh most in any reading, and
/// [`FOREIGN_LETTER`] for every [`WORD_WEIGHT`] another one lacks. A long
/// text thus has its language, and a few words only lean towards one.
fn language_costs(readings: &[Reading]) -> Vec<u32> {
    let best: Vec<u32> = (0..LANGUAGES.len())
        .map(|i| readings.iter().map(|r| r.word_hits[i]).max().unwrap_or(0))
        .collect();
    let top = best.iter().copied().max().unwrap_or(0);
    best.iter()
        .map(|&hits| (top - hits) * FOREIGN_LETTER / WORD_WEIGHT)
        .collect()
}

/// How implausible `text` is as prose (see the module docs), in the
/// language that fits it best given what assuming each one costs.
fn implausibility(text: &str, assumed: &[u32]) -> u32 {
    let mut cost = 0u32;
    let mut letters: HashMap<char, u32> = HashMap::new();
    let mut prev = ' ';
    let mut chars = text.chars().peekable();
    while let Some(c) = chars.next() {
        let next = chars.peek().copied().unwrap_or(' ');
        if !c.is_ascii() {
            if c.is_alphabetic() {
                *letters.entry(c).or_default() += 1;
                if c.is_uppercase() && prev.is_lowercase() {
                    cost += CAPITAL_INSIDE;
                }
                if !prev.is_alphabetic() && !next.is_alphabetic() && !is_word(c) {
                    cost += LONE_LETTER;
                }
            } else {
                cost += symbol_cost(c, prev.is_alphabetic(), next.is_alphabetic());
            }
        }
        prev = c;
    }
    let letters_cost = LANGUAGES
        .iter()
        .zip(assumed)
        .map(|(language, &assumption)| {
            let foreign: u32 = letters
                .iter()
                .filter(|&(&c, _)| !writes(language, c))
                .map(|(&c, &n)| {
                    let known = LANGUAGES.iter().any(|l| writes(l, c));
                    n * if known {
                        FOREIGN_LETTER
                    } else {
                        UNKNOWN_LETTER
                    }
                })
                .sum();
            assumption + foreign
        })
        .min()
        .unwrap_or(0);
    cost + letters_cost
}

/// Cost of a symbol beyond ASCII, given whether letters touch it.
fn symbol_cost(c: char, letter_before: bool, letter_after: bool) -> u32 {
    const RARE: &str = "¤¦¨¸˘˛˝˙ˇ¯¬";
    // Marks that sit between or beside letters in real prose.
    const JOINING: &str = "’·\u{ad}‐‑–—";
    const OPENING: &str = "«„“‘‚‹¿¡£€¥¢°§©";
    const CLOSING: &str = "»”’›…°®™©²³¹";
    let mut cost = if RARE.contains(c) { RARE_SYMBOL } else { 0 };
    let fits = match (letter_before, letter_after) {
        (true, true) => JOINING.contains(c),
        (true, false) => CLOSING.contains(c) || JOINING.contains(c),
        (false, true) => OPENING.contains(c) || JOINING.contains(c),
        (false, false) => true,
    };
    if !fits {
        cost += SYMBOL_IN_WORD;
    }
    cost
}

#[cfg(test)]
mod tests {
    use super::*;

    fn choose(text: &str, encoding: &'static Encoding, chardet: &'static Encoding) -> Choice {
        let (bytes, _, unmappable) = encoding.encode(text);
        assert!(!unmappable, "{text}");
        choose_latin(&bytes, chardet).unwrap()
    }

    #[test]
    fn french_read_as_central_european_is_put_right() {
        let text = "Le maire a reçu les élus à Genève, où la ministre Ségolène Martin est arrivée après la grève.";
        let c = choose(text, WINDOWS_1252, WINDOWS_1250);
        assert_eq!(c.best, WINDOWS_1252);
        assert_eq!(c.doubt, None);
    }

    #[test]
    fn a_lone_word_stays_doubtful() {
        let c = choose("Genève", WINDOWS_1252, WINDOWS_1252);
        assert_eq!(c.best, WINDOWS_1252);
        assert_eq!(c.doubt, Some(WINDOWS_1250));
    }

    #[test]
    fn symbols_glued_to_letters_cost_and_punctuation_does_not() {
        assert_eq!(symbol_cost('³', true, false), 0); // "m³"
        assert_eq!(symbol_cost('³', true, true), SYMBOL_IN_WORD);
        assert_eq!(symbol_cost('¿', false, true), 0);
        assert_eq!(symbol_cost('½', true, true), SYMBOL_IN_WORD);
        assert_eq!(symbol_cost('¤', false, false), RARE_SYMBOL);
        assert_eq!(symbol_cost('«', false, false), 0);
    }

    #[test]
    fn the_sample_ends_on_an_ascii_byte() {
        let mut bytes = vec![b'a'; SAMPLE_BYTES - 1];
        bytes.extend_from_slice(&[0xE9, 0xE9, b' ', b'b']);
        let s = sample_of(&bytes);
        assert_eq!(s.len(), SAMPLE_BYTES - 1);
        assert_eq!(sample_of(b"short \xe9"), b"short \xe9");
    }
}
