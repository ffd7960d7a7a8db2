//! Any brat `.ann` text over any article text gives annotations or reported
//! problems, never a panic; every imported annotation lies inside the
//! article on whole characters, and every fragment link points at an
//! annotation of the import.
#![no_main]

use libfuzzer_sys::fuzz_target;
use marginalia_fuzz::formats::{brat, import};
use marginalia_fuzz::model::annotation::{Annotations, PART_OF};
use marginalia_fuzz::model::decode::normalize_newlines;
use marginalia_fuzz::model::document::Article;
use marginalia_fuzz::model::edit::Edit;

fuzz_target!(|data: &[u8]| {
    let Ok(all) = std::str::from_utf8(data) else {
        return;
    };
    // First line: the raw article (with its \r kept); the rest: the .ann file.
    let (raw, ann) = all.split_once('\n').unwrap_or((all, ""));
    let raw = raw.replace("\\n", "\n").replace("\\r", "\r");
    let (text, _) = normalize_newlines(raw.trim_start_matches('\u{feff}').to_owned());
    let article = Article::new(text);
    let doc = brat::read(ann, &raw, &article);
    let opts = import::ImportOptions::new("brat");
    let applied = import::apply(&doc, &article, &Annotations::default(), None, &opts);
    let mut set = Annotations::default();
    for e in &applied.edits {
        assert!(matches!(e, Edit::Insert(_)), "nothing existed to update");
        assert!(e.apply_to(&mut set), "edits apply");
    }
    for a in set.iter() {
        assert_eq!(article.slice(a.range()), Some(a.quote.as_str()), "inside the article");
        assert!(!article.splits_grapheme(a.start) && !article.splits_grapheme(a.end));
        for l in &a.links {
            assert!(set.get(&l.target).is_some(), "links point inside the import");
            if l.role == PART_OF {
                assert!(set.get(&l.target).is_some_and(|f| f.start < a.start));
            }
        }
    }
    // Importing the same thing again adds nothing.
    let again = import::apply(&doc, &article, &set, None, &opts);
    assert!(again.edits.is_empty(), "a second import is all duplicates");
});
