//! Re-anchoring arbitrary annotations (any offsets, quotes and context) to an
//! arbitrary edited text never panics, never drops an annotation, and an
//! annotation reported Exact or Moved sits on text equal to its quote.
#![no_main]

use libfuzzer_sys::fuzz_target;
use marginalia_fuzz::model::annotation::{AnchorState, Annotation, AnnotationId, Label, Origin};
use marginalia_fuzz::model::document::Article;
use marginalia_fuzz::model::offset::{CharOffset, CharRange};
use marginalia_fuzz::model::reanchor::reanchor;

fuzz_target!(|data: &[u8]| {
    // Layout: old text \0 new text \0 then 4-byte span records (start, len).
    let mut parts = data.splitn(3, |&b| b == 0);
    let (Some(old), Some(new), rest) = (parts.next(), parts.next(), parts.next()) else {
        return;
    };
    let (Ok(old), Ok(new)) = (std::str::from_utf8(old), std::str::from_utf8(new)) else {
        return;
    };
    let old_article = Article::new(old.to_owned());
    let n = old_article.char_len().max(1);
    let at = chrono::DateTime::<chrono::Utc>::default();
    let mut anns: Vec<Annotation> = rest
        .unwrap_or_default()
        .chunks_exact(4)
        .enumerate()
        .filter_map(|(i, c)| {
            let start = usize::from(u16::from_le_bytes([c[0], c[1]])) % n;
            let len = usize::from(c[2]) + 1;
            let mut a = Annotation::new(
                &old_article,
                CharRange::from_usize(start, (start + len).min(old_article.char_len())),
                Label::Entity,
                "fuzz",
                at,
                Origin::Manual,
            )?;
            a.id = AnnotationId(i.to_string());
            if c[3] & 1 == 1 {
                // Garbage offsets beside a real quote.
                a.start = CharOffset(usize::from(c[3]) * 1000);
                a.end = CharOffset(usize::from(c[3]));
            }
            Some(a)
        })
        .collect();
    let count = anns.len();
    let new_article = Article::new(new.to_owned());
    let old_text = (data.len() % 2 == 0).then_some(old);
    reanchor(&new_article, &mut anns, old_text);
    assert_eq!(anns.len(), count);
    for a in &anns {
        if matches!(a.anchor, AnchorState::Exact | AnchorState::Moved) {
            assert_eq!(new_article.slice(a.range()), Some(a.quote.as_str()));
        }
    }
});
