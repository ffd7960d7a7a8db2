//! Deterministic sample articles for benchmarks and tests.
//!
//! [`sample`] builds an article of about a given size from a seed, with
//! varied words (so no two paragraphs are identical and text layout caches
//! cannot cheat), some curly quotes and accented letters, and annotations on
//! word boundaries that nest and overlap. Invariant: the same seed and sizes
//! always give the same article and annotations.

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
    let mut text = String::with_capacity(byte_len + 1024);
    text.push_str("date 2017-04-16 A generated sample article\n\n");
    let mut chars = text.chars().count();
    // (start, end, paragraph) of every word, in chars.
    let mut words: Vec<(usize, usize, usize)> = Vec::new();
    let mut paragraph = 0;
    while text.len() < byte_len {
        let n_words = 30 + rng.below(90);
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
    let article = Article::new(text);
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
        let mut push = |range: CharRange, label: Label, items: &mut Vec<Annotation>| {
            let origin = if k % 5 == 0 {
                Origin::Imported {
                    source: "sample".into(),
                    format: "spacy".into(),
                }
            } else {
                Origin::Manual
            };
            if let Some(mut a) = Annotation::new(&article, range, label, "sample", now, origin) {
                a.id = AnnotationId(format!("s{k:07}"));
                if k % 17 == 0 {
                    a.status = crate::model::annotation::Status::Rejected;
                }
                items.push(a);
            }
            k += 1;
        };
        push(outer, Label::ALL[rng.below(3)], &mut items);
        // Nest a shorter span inside about a third of them.
        if j > i && rng.below(3) == 0 && items.len() < annotations {
            let a = i + rng.below(j - i + 1);
            let b = a + rng.below(j - a + 1);
            let inner = CharRange::from_usize(words[a].0, words[b].1);
            push(inner, Label::ALL[rng.below(3)], &mut items);
        }
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
}
