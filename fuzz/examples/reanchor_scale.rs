//! Scale check for re-anchoring, outside the test suite (no timed asserts):
//! a ~5 MB article with 50,000 annotations, edited three ways, timed once each.
//!
//! `cd fuzz && cargo run --release --example reanchor_scale`

use marginalia_fuzz::model::annotation::{Annotation, Label, Origin};
use marginalia_fuzz::model::document::Article;
use marginalia_fuzz::model::offset::CharRange;
use marginalia_fuzz::model::reanchor::reanchor;
use std::time::Instant;

fn main() {
    let words = [
        "the",
        "minister",
        "said",
        "talks",
        "in",
        "Baku",
        "ended",
        "without",
        "a",
        "deal",
        "observers",
        "were",
        "not",
        "surprised",
        "Tehran",
        "Monday",
        "سلام",
        "report",
    ];
    let mut seed = 0x9e37_79b9_7f4a_7c15_u64;
    let mut next = move || {
        seed ^= seed << 13;
        seed ^= seed >> 7;
        seed ^= seed << 17;
        seed
    };
    let mut text = String::new();
    while text.len() < 5_000_000 {
        text.push_str(words[(next() % words.len() as u64) as usize]);
        text.push(if next() % 12 == 0 { '\n' } else { ' ' });
    }
    let old = Article::new(text.clone());
    let n = old.char_len();
    let at = chrono::DateTime::<chrono::Utc>::default();
    let anns: Vec<Annotation> = (0..50_000)
        .filter_map(|i| {
            let start = (i * (n / 50_000)) + (next() % 50) as usize;
            let len = 5 + (next() % 40) as usize;
            Annotation::new(
                &old,
                CharRange::from_usize(start, (start + len).min(n)),
                Label::ALL[i % 3],
                "x",
                at,
                Origin::Manual,
            )
        })
        .collect();
    println!(
        "article: {} bytes, {} chars; {} annotations",
        text.len(),
        n,
        anns.len()
    );
    let cases: Vec<(&str, String)> = vec![
        (
            "paragraph inserted at the top",
            format!("A new first paragraph.\n\n{text}"),
        ),
        (
            "every 1000th char deleted",
            text.chars()
                .enumerate()
                .filter(|(i, _)| i % 1000 != 999)
                .map(|(_, c)| c)
                .collect(),
        ),
        ("halves swapped", {
            let mid = text.char_indices().nth(n / 2).map(|(b, _)| b).unwrap_or(0);
            format!("{}{}", &text[mid..], &text[..mid])
        }),
    ];
    for (name, new_text) in cases {
        let new = Article::new(new_text);
        for old_text in [None, Some(text.as_str())] {
            let mut a = anns.clone();
            let t0 = Instant::now();
            let tally = reanchor(&new, &mut a, old_text);
            println!(
                "{name}, old text {}: {tally} in {:.2?}",
                if old_text.is_some() {
                    "given"
                } else {
                    "absent"
                },
                t0.elapsed()
            );
        }
    }
}
