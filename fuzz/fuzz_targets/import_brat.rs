//! Any brat `.ann` text over any article text gives spans or reported
//! problems, never a panic; every accepted span lies inside the article.
#![no_main]

use libfuzzer_sys::fuzz_target;
use marginalia_fuzz::model::decode::normalize_newlines;
use marginalia_fuzz::model::document::Article;
use marginalia_fuzz::formats::preannotate;

fuzz_target!(|data: &[u8]| {
    let Ok(all) = std::str::from_utf8(data) else {
        return;
    };
    // First line: the raw article (with its \r kept); the rest: the .ann file.
    let (raw, ann) = all.split_once('\n').unwrap_or((all, ""));
    let raw = raw.replace("\\n", "\n").replace("\\r", "\r");
    let (text, _) = normalize_newlines(raw.trim_start_matches('\u{feff}').to_owned());
    let article = Article::new(text);
    let pre = preannotate::from_brat(&article, &raw, ann);
    for span in &pre.spans {
        assert!(article.slice(span.range).is_some(), "span inside the article");
    }
});
