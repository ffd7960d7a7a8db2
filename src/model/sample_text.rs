//! Deterministic sample articles for benchmarks and tests.
//!
//! [`sample`] builds an article of about a given size from a seed, with
//! varied words (so no two paragraphs are identical and text layout caches
//! cannot cheat), some curly quotes and accented letters, and annotations on
//! word boundaries that nest and overlap. [`sample_shaped`] builds the other
//! [`Shape`]s benchmarks are run on (spans at random places, long spans,
//! deep nesting, short spans, few long or many short paragraphs).
//! Invariant: the same seed, sizes and shape always give the same article
//! and annotations.

use crate::model::annotation::{Annotation, AnnotationId, Annotations, Label, Origin};
use crate::model::document::Article;
use crate::model::offset::CharRange;
use chrono::{DateTime, Utc};

/// A generated article with its annotations.
#[derive(Clone, Debug)]
pub struct SampleDoc {
    /// The article text.
    pub article: Article,
    /// Annotations on it (nested and overlapping).
    pub annotations: Annotations,
}

/// A small deterministic random generator (SplitMix64).
#[derive(Clone, Debug)]
pub struct SplitMix(u64);

impl SplitMix {
    /// A generator seeded with `seed`.
    pub fn new(seed: u64) -> Self {
        SplitMix(seed)
    }

    /// The next 64 random bits.
    pub fn next_u64(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    /// A number in `0..n` (0 when `n` is 0).
    pub fn below(&mut self, n: usize) -> usize {
        if n == 0 {
            0
        } else {
            (self.next_u64() % n as u64) as usize
        }
    }
}

const SYLLABLES: [&str; 24] = [
    "ta", "ren", "mi", "sol", "ka", "dor", "vel", "an", "is", "ur", "pe", "lo", "bra", "qui",
    "ste", "no", "há", "zé", "gar", "thi", "on", "wex", "fa", "lun",
];

/// An article of about `byte_len` bytes with a `date` header, and `annotations`
/// annotations, all derived from `seed`.
pub fn sample(seed: u64, byte_len: usize, annotations: usize) -> SampleDoc {
    let mut rng = SplitMix::new(seed);
    let (article, words) = generate_text(&mut rng, byte_len, 30..120);
    let now: DateTime<Utc> = DateTime::from_timestamp(1_500_000_000, 0).unwrap_or_default();
    let mut items = Vec::with_capacity(annotations);
    let mut k = 0;
    while items.len() < annotations && !words.is_empty() {
        let i = rng.below(words.len());
        let len = 1 + rng.below(8);
        let j = (i + len).min(words.len()) - 1;
        let (start, _, para) = words[i];
        // Keep most spans inside one paragraph; a few run across.
        let j = if words[j].2 != para && rng.below(10) != 0 {
            i
        } else {
            j
        };
        let outer = CharRange::from_usize(start, words[j].1);
        push_sample(
            &article,
            outer,
            Label::ALL[rng.below(3)],
            now,
            &mut k,
            &mut items,
        );
        // Nest a shorter span inside about a third of them.
        if j > i && rng.below(3) == 0 && items.len() < annotations {
            let a = i + rng.below(j - i + 1);
            let b = a + rng.below(j - a + 1);
            let inner = CharRange::from_usize(words[a].0, words[b].1);
            push_sample(
                &article,
                inner,
                Label::ALL[rng.below(3)],
                now,
                &mut k,
                &mut items,
            );
        }
    }
    SampleDoc {
        article,
        annotations: Annotations::from_vec(items),
    }
}

/// Add the `k`-th generated annotation over `range` (every fifth one
/// imported, every seventeenth rejected); `k` counts attempts, so ids stay
/// stable whatever gets skipped.
fn push_sample(
    article: &Article,
    range: CharRange,
    label: Label,
    now: DateTime<Utc>,
    k: &mut usize,
    items: &mut Vec<Annotation>,
) {
    let origin = if k.is_multiple_of(5) {
        Origin::Imported {
            source: "sample".into(),
            format: "spacy".into(),
        }
    } else {
        Origin::Manual
    };
    if let Some(mut a) = Annotation::new(article, range, label, "sample", now, origin) {
        a.id = AnnotationId(format!("s{k:07}"));
        if k.is_multiple_of(17) {
            a.status = crate::model::annotation::Status::Rejected;
        }
        items.push(a);
    }
    *k += 1;
}

/// `(start, end, paragraph)` of a word, in chars.
type Word = (usize, usize, usize);

/// About `byte_len` bytes of paragraphs of `words_per_paragraph` words of
/// 1-4 syllables, after a `date` header line; the words' places.
fn generate_text(
    rng: &mut SplitMix,
    byte_len: usize,
    words_per_paragraph: std::ops::Range<usize>,
) -> (Article, Vec<Word>) {
    let mut text = String::with_capacity(byte_len + 1024);
    text.push_str("date 2017-04-16 A generated sample article\n\n");
    let mut chars = text.chars().count();
    let mut words: Vec<Word> = Vec::new();
    let mut paragraph = 0;
    let spread = words_per_paragraph.len().max(1);
    while text.len() < byte_len {
        let n_words = words_per_paragraph.start.max(1) + rng.below(spread);
        for w in 0..n_words {
            if w > 0 {
                text.push(' ');
                chars += 1;
            }
            let quoted = rng.below(40) == 0;
            if quoted {
                text.push('“');
                chars += 1;
            }
            let start = chars;
            let capital = w == 0 || rng.below(12) == 0;
            for s in 0..1 + rng.below(4) {
                let syl = SYLLABLES[rng.below(SYLLABLES.len())];
                if capital && s == 0 {
                    let mut cs = syl.chars();
                    if let Some(c) = cs.next() {
                        text.extend(c.to_uppercase());
                        text.push_str(cs.as_str());
                    }
                } else {
                    text.push_str(syl);
                }
                chars += syl.chars().count();
            }
            words.push((start, chars, paragraph));
            if quoted {
                text.push('”');
                chars += 1;
            }
            match rng.below(14) {
                0 => text.push(','),
                1 if w + 1 < n_words => text.push('.'),
                _ => continue,
            }
            chars += 1;
        }
        text.push_str(".\n\n");
        chars += 3;
        paragraph += 1;
    }
    (Article::new(text), words)
}

/// The shapes of generated article benchmarks are run on (see
/// `marginalia __gen-article --shape`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Shape {
    /// [`sample`]: paragraphs of 30-120 words, spans of 1-8 whole words,
    /// a third with a span nested inside.
    Words,
    /// Paragraphs of 40-160 words; spans of 3-120 chars starting anywhere
    /// (mid-word too), so at one span per 100 chars most overlap others.
    Random,
    /// Spans of 200-3,000 chars at random places, across paragraphs.
    LongSpans,
    /// Stacks of 4-12 spans nested one inside the other around a word.
    Nested,
    /// Spans of 1-8 chars at random places.
    ShortSpans,
    /// [`Shape::Random`] spans in paragraphs of 2,000-6,000 words.
    FewParagraphs,
    /// [`Shape::Random`] spans in paragraphs of 3-15 words.
    ManyParagraphs,
}

impl Shape {
    /// Every shape, in the order benchmarks report them.
    pub const ALL: [Shape; 7] = [
        Shape::Words,
        Shape::Random,
        Shape::LongSpans,
        Shape::Nested,
        Shape::ShortSpans,
        Shape::FewParagraphs,
        Shape::ManyParagraphs,
    ];

    /// The name `--shape` takes.
    pub fn name(self) -> &'static str {
        match self {
            Shape::Words => "words",
            Shape::Random => "random",
            Shape::LongSpans => "long-spans",
            Shape::Nested => "nested",
            Shape::ShortSpans => "short-spans",
            Shape::FewParagraphs => "few-paragraphs",
            Shape::ManyParagraphs => "many-paragraphs",
        }
    }

    /// The shape called `name`.
    pub fn parse(name: &str) -> Option<Shape> {
        Shape::ALL.into_iter().find(|s| s.name() == name.trim())
    }

    /// Words per paragraph.
    fn paragraph_words(self) -> std::ops::Range<usize> {
        match self {
            Shape::Words => 30..120,
            Shape::FewParagraphs => 2_000..6_001,
            Shape::ManyParagraphs => 3..16,
            _ => 40..161,
        }
    }

    /// Span lengths in chars, for shapes that place spans at random chars.
    fn span_chars(self) -> std::ops::Range<usize> {
        match self {
            Shape::LongSpans => 200..3_001,
            Shape::ShortSpans => 1..9,
            _ => 3..121,
        }
    }
}

/// How many of `annotations` asked for `byte_len` bytes an article of
/// `made_len` bytes gets: the same number, unless the shape made it more
/// than twice as long (one paragraph of [`Shape::FewParagraphs`] is 32 KB
/// when 5 KB were asked), when they keep the density asked for: a
/// benchmark's reference must have the spans per line of the article it is
/// compared with.
fn keep_density(annotations: usize, byte_len: usize, made_len: usize) -> usize {
    if made_len <= 2 * byte_len || byte_len == 0 {
        return annotations;
    }
    let scaled = annotations as u128 * made_len as u128 / byte_len as u128;
    usize::try_from(scaled).unwrap_or(usize::MAX)
}

/// A generated article of the given [`Shape`] (see [`sample`] for the rest).
/// A shape that makes the article more than twice `byte_len` keeps the
/// density of annotations asked for instead of their number.
pub fn sample_shaped(seed: u64, byte_len: usize, annotations: usize, shape: Shape) -> SampleDoc {
    if shape == Shape::Words {
        return sample(seed, byte_len, annotations);
    }
    let mut rng = SplitMix::new(seed);
    let (article, words) = generate_text(&mut rng, byte_len, shape.paragraph_words());
    let annotations = keep_density(annotations, byte_len, article.text().len());
    let now: DateTime<Utc> = DateTime::from_timestamp(1_500_000_000, 0).unwrap_or_default();
    let char_len = article.char_len();
    let mut items = Vec::with_capacity(annotations);
    let mut k = 0;
    // Each attempt adds at most one annotation; empty ranges are skipped,
    // so bound the attempts for tiny articles.
    let mut attempts = 0;
    while items.len() < annotations && !words.is_empty() && attempts < annotations * 4 + 64 {
        attempts += 1;
        let label = Label::ALL[rng.below(3)];
        if shape == Shape::Nested {
            // Around one word, each span a few chars wider than the last.
            let (mut start, mut end, _) = words[rng.below(words.len())];
            for _ in 0..4 + rng.below(9) {
                if items.len() >= annotations {
                    break;
                }
                let range = CharRange::from_usize(start, end);
                push_sample(
                    &article,
                    range,
                    Label::ALL[rng.below(3)],
                    now,
                    &mut k,
                    &mut items,
                );
                start = start.saturating_sub(1 + rng.below(12));
                end = (end + 1 + rng.below(12)).min(char_len);
            }
            continue;
        }
        let lengths = shape.span_chars();
        let len = lengths.start + rng.below(lengths.len());
        let start = rng.below(char_len.saturating_sub(lengths.start).max(1));
        let range = CharRange::from_usize(start, (start + len).min(char_len));
        push_sample(&article, range, label, now, &mut k, &mut items);
    }
    SampleDoc {
        article,
        annotations: Annotations::from_vec(items),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_few_paragraphs_reference_keeps_the_density_asked_for() {
        // 5 KB asked, one 2,000-word paragraph made: 50 spans per 5 KB
        // means about 330 in its 32 KB, as in the 5 MB article it is
        // compared with.
        let small = sample_shaped(42, 5_000, 50, Shape::FewParagraphs);
        let bytes = small.article.text().len();
        assert!(bytes > 10_000, "{bytes}");
        let per_100 = small.annotations.len() as f64 * 5_000.0 / bytes as f64;
        assert!((45.0..=50.0).contains(&per_100), "{per_100}");
        // Shapes that make about what was asked keep the number asked for.
        assert_eq!(
            sample_shaped(42, 5_000, 50, Shape::Random)
                .annotations
                .len(),
            50
        );
        assert_eq!(keep_density(50, 5_000, 9_999), 50);
        assert_eq!(keep_density(50, 5_000, 32_000), 320);
    }

    #[test]
    fn same_seed_same_text_and_spans_on_words() {
        let a = sample(7, 5_000, 20);
        let b = sample(7, 5_000, 20);
        assert_eq!(a.article.text(), b.article.text());
        assert!(a.article.text().len() >= 5_000);
        assert_eq!(a.annotations.len(), 20);
        for ann in a.annotations.iter() {
            let q = a.article.slice(ann.range()).unwrap();
            assert_eq!(q, ann.quote);
            assert!(!q.starts_with(' ') && !q.ends_with(' '));
        }
        let paras: std::collections::HashSet<_> = a.article.text().split("\n\n").collect();
        assert!(paras.len() > 5, "paragraphs must differ");
    }

    #[test]
    fn every_shape_is_deterministic_with_exact_quotes() {
        for shape in Shape::ALL {
            assert_eq!(Shape::parse(shape.name()), Some(shape));
            let a = sample_shaped(5, 40_000, 400, shape);
            let b = sample_shaped(5, 40_000, 400, shape);
            assert_eq!(a.article.text(), b.article.text(), "{shape:?}");
            // 400 unless the shape made it over twice as long (density kept).
            let asked = keep_density(400, 40_000, a.article.text().len());
            assert_eq!(a.annotations.len(), asked, "{shape:?}");
            assert!(a.annotations.iter().eq(b.annotations.iter()), "{shape:?}");
            for ann in a.annotations.iter() {
                assert_eq!(a.article.slice(ann.range()), Some(ann.quote.as_str()));
            }
            let labels: std::collections::HashSet<_> =
                a.annotations.iter().map(|x| x.label).collect();
            assert_eq!(labels.len(), 3, "{shape:?}");
        }
    }

    #[test]
    fn shapes_have_their_span_lengths_and_paragraphs() {
        let lens = |shape| {
            let d = sample_shaped(9, 200_000, 1_000, shape);
            let lens: Vec<usize> = d.annotations.iter().map(|a| a.range().char_len()).collect();
            let paras = d.article.text().split("\n\n").count();
            (lens, paras)
        };
        let (random, random_paras) = lens(Shape::Random);
        assert!(random.iter().all(|&n| (1..=120).contains(&n)));
        let (long, _) = lens(Shape::LongSpans);
        assert!(long.iter().filter(|&&n| n >= 200).count() > 900);
        let (short, _) = lens(Shape::ShortSpans);
        assert!(short.iter().all(|&n| n <= 8));
        let (_, few) = lens(Shape::FewParagraphs);
        let (_, many) = lens(Shape::ManyParagraphs);
        assert!(
            few < random_paras && random_paras < many,
            "{few} {random_paras} {many}"
        );
        let nested = sample_shaped(9, 200_000, 1_000, Shape::Nested);
        let deepest = nested
            .annotations
            .iter()
            .map(|a| {
                nested
                    .annotations
                    .overlapping(a.range())
                    .filter(|b| {
                        b.range().start <= a.range().start && b.range().end >= a.range().end
                    })
                    .count()
            })
            .max();
        assert!(deepest >= Some(4), "{deepest:?}");
    }
}
