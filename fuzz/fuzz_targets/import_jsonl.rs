//! Any JSONL given to the spaCy and doccano importers gives spans or reported
//! problems, never a panic; every accepted span lies inside the article and
//! on whole characters.
#![no_main]

use libfuzzer_sys::fuzz_target;
use marginalia_fuzz::model::document::Article;
use marginalia_fuzz::formats::{doccano, preannotate, spacy};

fuzz_target!(|data: &[u8]| {
    let Ok(content) = std::str::from_utf8(data) else {
        return;
    };
    // The article is the first record's text when there is one, so offsets get exercised.
    let text = content
        .lines()
        .next()
        .and_then(|l| serde_json::from_str::<serde_json::Value>(l).ok())
        .and_then(|v| v.get("text").and_then(|t| t.as_str()).map(str::to_owned))
        .unwrap_or_else(|| "Dehqan said «peace» 👋 in سلام.".to_owned());
    let article = Article::new(text);
    for parse in [spacy::parse_line as preannotate::ParseLine, doccano::parse_line] {
        let pre = preannotate::from_jsonl(&article, "a.txt", content, parse);
        for span in &pre.spans {
            assert!(article.slice(span.range).is_some(), "span inside the article");
            assert!(!span.range.is_empty());
        }
    }
});
