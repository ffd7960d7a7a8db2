//! Hugging Face `datasets` token classification: JSONL of
//! `{"tokens": [...], "ner_tags": [ints], "source", "sentence"}`, one line per
//! sentence, plus the `label_names` list the ints index.
//!
//! Tags come from [`crate::formats::conll::bio`]. Ids are given in order of
//! first appearance (`O` is 0) as the articles are written, so the same
//! corpus always gives the same ids.

use crate::formats::conll::Bio;
use std::collections::HashMap;

/// The tag → id table, growing as new tags are seen.
#[derive(Clone, Debug)]
pub struct TagIds {
    names: Vec<String>,
    ids: HashMap<String, usize>,
}

impl Default for TagIds {
    fn default() -> Self {
        TagIds {
            names: vec!["O".to_owned()],
            ids: HashMap::from([("O".to_owned(), 0)]),
        }
    }
}

impl TagIds {
    /// The id of `tag`, assigning the next one if it is new.
    pub fn id(&mut self, tag: &str) -> usize {
        if let Some(&id) = self.ids.get(tag) {
            return id;
        }
        let id = self.names.len();
        self.names.push(tag.to_owned());
        self.ids.insert(tag.to_owned(), id);
        id
    }

    /// All tag names, indexed by id.
    pub fn names(&self) -> &[String] {
        &self.names
    }

    /// `{"label_names": [...]}` with a final newline.
    pub fn labels_json(&self) -> String {
        let mut s = serde_json::json!({ "label_names": self.names }).to_string();
        s.push('\n');
        s
    }
}

/// The JSONL lines of one article, one per sentence.
///
/// ```
/// use marginalia::formats::{conll, hf};
/// let bio = conll::Bio { tokens: conll::tokenize("Ana came"), tags: vec!["B-PER".into(), "O".into()], ..Default::default() };
/// let mut ids = hf::TagIds::default();
/// let out = hf::export_lines(&bio, "a.txt", &mut ids);
/// assert_eq!(out, "{\"ner_tags\":[1,0],\"sentence\":0,\"source\":\"a.txt\",\"tokens\":[\"Ana\",\"came\"]}\n");
/// assert_eq!(ids.names(), ["O", "B-PER"]);
/// ```
pub fn export_lines(bio: &Bio, source: &str, ids: &mut TagIds) -> String {
    let mut out = String::new();
    let mut start = 0;
    while start < bio.tokens.len() {
        let sentence = bio.tokens[start].sentence;
        let end = start
            + bio.tokens[start..]
                .iter()
                .take_while(|t| t.sentence == sentence)
                .count();
        let tokens: Vec<&str> = bio.tokens[start..end]
            .iter()
            .map(|t| t.text.as_str())
            .collect();
        let tags: Vec<usize> = bio.tags[start..end].iter().map(|t| ids.id(t)).collect();
        let value = serde_json::json!({
            "tokens": tokens,
            "ner_tags": tags,
            "source": source,
            "sentence": sentence,
        });
        out.push_str(&value.to_string());
        out.push('\n');
        start = end;
    }
    out
}
