//! Hugging Face `datasets` token classification: JSONL of
//! `{"tokens": [...], "ner_tags": [ints], "source", "sentence"}`, one line per
//! sentence, plus the `label_names` list the ints index.
//!
//! Tags come from [`crate::formats::conll::bio`]. Ids are stable across
//! exports of one project: `O` is 0, then `B-` and `I-` of each kind of the
//! label schema in the schema's order, then those of every other type found,
//! sorted. Ids are only known once every article is tagged, so the writer
//! first writes lines with provisional ids ([`TagIds::id`], in order of first
//! appearance) and then rewrites them with [`TagIds::final_ids`].

use crate::formats::conll::Bio;
use std::collections::{BTreeSet, HashMap};

/// The tag → id table: provisional ids while articles are tagged, and the
/// stable order they are mapped to at the end.
#[derive(Clone, Debug)]
pub struct TagIds {
    names: Vec<String>,
    ids: HashMap<String, usize>,
    /// Types that come first, in this order (the schema's entity kinds).
    first: Vec<String>,
}

impl Default for TagIds {
    fn default() -> Self {
        TagIds {
            names: vec!["O".to_owned()],
            ids: HashMap::from([("O".to_owned(), 0)]),
            first: Vec::new(),
        }
    }
}

impl TagIds {
    /// Put these types first in the final order (each once, in the order
    /// first given): the label schema's entity kinds.
    pub fn put_first<'a>(&mut self, types: impl IntoIterator<Item = &'a str>) {
        for t in types {
            let t = t.trim();
            if !t.is_empty() && !self.first.iter().any(|f| f == t) {
                self.first.push(t.to_owned());
            }
        }
    }

    /// The provisional id of `tag`, assigning the next one if it is new.
    pub fn id(&mut self, tag: &str) -> usize {
        if let Some(&id) = self.ids.get(tag) {
            return id;
        }
        let id = self.names.len();
        self.names.push(tag.to_owned());
        self.ids.insert(tag.to_owned(), id);
        id
    }

    /// The final tag names, indexed by final id: `O`, then `B-`/`I-` of the
    /// types put first, then of the other types seen, sorted.
    pub fn names(&self) -> Vec<String> {
        let seen: BTreeSet<&str> = self
            .names
            .iter()
            .filter_map(|n| n.strip_prefix("B-").or_else(|| n.strip_prefix("I-")))
            .filter(|t| !self.first.iter().any(|f| f == t))
            .collect();
        let types = self.first.iter().map(String::as_str).chain(seen);
        std::iter::once("O".to_owned())
            .chain(types.flat_map(|t| [format!("B-{t}"), format!("I-{t}")]))
            .collect()
    }

    /// For each provisional id, its final id (an index into [`TagIds::names`]).
    pub fn final_ids(&self) -> Vec<usize> {
        let names = self.names();
        let position: HashMap<&str, usize> = names
            .iter()
            .enumerate()
            .map(|(i, n)| (n.as_str(), i))
            .collect();
        self.names
            .iter()
            .map(|n| position.get(n.as_str()).copied().unwrap_or(0))
            .collect()
    }

    /// `{"label_names": [...]}` with a final newline.
    pub fn labels_json(&self) -> String {
        let mut s = serde_json::json!({ "label_names": self.names() }).to_string();
        s.push('\n');
        s
    }
}

/// The JSONL lines of one article, one per sentence, with provisional ids.
///
/// ```
/// use marginalia::formats::{conll, hf};
/// let bio = conll::Bio { tokens: conll::tokenize("Ana came"), tags: vec!["B-PER".into(), "O".into()], ..Default::default() };
/// let mut ids = hf::TagIds::default();
/// ids.put_first(["ORG"]);
/// let out = hf::export_lines(&bio, "a.txt", &mut ids);
/// assert_eq!(out, "{\"ner_tags\":[1,0],\"sentence\":0,\"source\":\"a.txt\",\"tokens\":[\"Ana\",\"came\"]}\n");
/// assert_eq!(ids.names(), ["O", "B-ORG", "I-ORG", "B-PER", "I-PER"]);
/// assert_eq!(hf::final_line(out.trim_end(), &ids.final_ids()).unwrap(),
///     "{\"ner_tags\":[3,0],\"sentence\":0,\"source\":\"a.txt\",\"tokens\":[\"Ana\",\"came\"]}");
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

/// One line written by [`export_lines`] with its provisional ids replaced by
/// final ones (`final_ids[provisional]`). The error names what was wrong.
pub fn final_line(line: &str, final_ids: &[usize]) -> Result<String, String> {
    let mut v: serde_json::Value =
        serde_json::from_str(line).map_err(|e| format!("unreadable line: {e}"))?;
    let Some(tags) = v.get_mut("ner_tags").and_then(|t| t.as_array_mut()) else {
        return Err("a line without ner_tags".into());
    };
    for t in tags {
        let id = t
            .as_u64()
            .and_then(|p| final_ids.get(p as usize))
            .ok_or_else(|| format!("unknown provisional tag id {t}"))?;
        *t = serde_json::Value::from(*id);
    }
    Ok(v.to_string())
}
