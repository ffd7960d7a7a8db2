//! Any JSONL given to the spaCy and doccano importers gives annotations or
//! reported problems, never a panic; every imported annotation lies inside
//! the article and on whole characters.
#![no_main]

use libfuzzer_sys::fuzz_target;
use marginalia_fuzz::formats::import::{self, Format};
use marginalia_fuzz::model::annotation::Annotations;
use marginalia_fuzz::model::document::Article;

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
    for format in [Format::Spacy, Format::Doccano] {
        let parsed = format.read_records(content);
        let mut set = Annotations::default();
        let opts = import::ImportOptions::new(format.name());
        for doc in parsed.docs.iter().filter(|d| d.is_for(&article, "a.txt")) {
            let applied = import::apply(doc, &article, &set, None, &opts);
            for e in &applied.edits {
                e.apply_to(&mut set);
            }
        }
        for a in set.iter() {
            assert_eq!(article.slice(a.range()), Some(a.quote.as_str()));
            assert!(!a.range().is_empty());
        }
    }
});
