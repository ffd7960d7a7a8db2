//! What an external suggester answers: spaCy-style JSONL, the format
//! `marginalia import` reads, turned into wanted annotations.
//!
//! The program receives one line per article, `{"text": …, "meta":
//! {"source": …}}`, and answers one line per article it has something for:
//! `{"text"?, "meta": {"source"}, "spans": [{"start", "end", "label",
//! "kind"?, "id"?}], "links"?: [{"from", "to", "role"}]}`. Offsets are code
//! points of the text it was given. A line is matched to its article by
//! `meta.source`, or else by its `text`; a span outside the text, empty, or
//! splitting a character is reported, never guessed.

use super::plan::Wanted;
use crate::formats::label_from_name;
use crate::model::document::Article;
use crate::model::offset::CharRange;
use serde::{Deserialize, Serialize};
use std::collections::HashMap;

/// One line sent to the program.
#[derive(Clone, Debug, Serialize)]
pub struct Request<'a> {
    /// The article text.
    pub text: &'a str,
    /// Where it comes from.
    pub meta: RequestMeta<'a>,
}

/// The `meta` of a request line.
#[derive(Clone, Debug, Serialize)]
pub struct RequestMeta<'a> {
    /// The article's path as given on the command line (or its file name).
    pub source: &'a str,
}

/// The request line (with its `\n`) for one article.
pub fn request_line(text: &str, source: &str) -> String {
    let mut line = serde_json::to_string(&Request {
        text,
        meta: RequestMeta { source },
    })
    .unwrap_or_default();
    line.push('\n');
    line
}

#[derive(Debug, Deserialize)]
struct AnswerMeta {
    #[serde(default)]
    source: Option<String>,
}

#[derive(Debug, Deserialize)]
struct AnswerSpan {
    start: usize,
    end: usize,
    label: String,
    #[serde(default)]
    kind: Option<String>,
    #[serde(default)]
    id: Option<serde_json::Value>,
}

#[derive(Debug, Deserialize)]
struct AnswerLink {
    from: serde_json::Value,
    to: serde_json::Value,
    role: String,
}

/// One line of the program's answer.
#[derive(Debug, Deserialize)]
pub struct Answer {
    #[serde(default)]
    text: Option<String>,
    #[serde(default)]
    meta: Option<AnswerMeta>,
    #[serde(default)]
    spans: Vec<AnswerSpan>,
    #[serde(default)]
    links: Vec<AnswerLink>,
}

impl Answer {
    /// Parse one line; the error is a one-line reason.
    pub fn parse(line: &str) -> Result<Answer, String> {
        serde_json::from_str(line).map_err(|e| format!("not a spaCy-style record: {e}"))
    }

    /// The article source it names, if any.
    pub fn source(&self) -> Option<&str> {
        self.meta.as_ref().and_then(|m| m.source.as_deref())
    }

    /// Its text, if it carries one.
    pub fn text(&self) -> Option<&str> {
        self.text.as_deref()
    }

    /// Its spans as wanted annotations over `article`, and a reason for
    /// each span or link that could not be taken.
    pub fn wanted(&self, article: &Article) -> (Vec<Wanted>, Vec<String>) {
        let mut out = Vec::new();
        let mut problems = Vec::new();
        let mut by_id: HashMap<String, usize> = HashMap::new();
        if let Some(text) = &self.text
            && text != article.text()
        {
            problems.push("its text differs from the article's; nothing taken".to_owned());
            return (out, problems);
        }
        for s in &self.spans {
            let range = CharRange::from_usize(s.start, s.end);
            if s.start >= s.end || s.end > article.char_len() {
                problems.push(format!(
                    "span {}..{}: empty, reversed or past the end ({} code points)",
                    s.start,
                    s.end,
                    article.char_len()
                ));
                continue;
            }
            if article.splits_grapheme(range.start) || article.splits_grapheme(range.end) {
                problems.push(format!("span {}..{}: splits a character", s.start, s.end));
                continue;
            }
            let (label, kind) = label_from_name(&s.label, s.kind.as_deref());
            if let Some(id) = &s.id {
                by_id.insert(id_text(id), out.len());
            }
            out.push(Wanted {
                range,
                label,
                kind,
                links: Vec::new(),
                standalone: true,
            });
        }
        for l in &self.links {
            match (by_id.get(&id_text(&l.from)), by_id.get(&id_text(&l.to))) {
                (Some(&from), Some(&to)) => out[from].links.push((l.role.clone(), to)),
                _ => problems.push(format!(
                    "link {} -> {} ({}): an end is not a span of this record",
                    id_text(&l.from),
                    id_text(&l.to),
                    l.role
                )),
            }
        }
        (out, problems)
    }
}

/// An id given as a string or a number, as text.
fn id_text(v: &serde_json::Value) -> String {
    match v {
        serde_json::Value::String(s) => s.clone(),
        other => other.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::annotation::Label;

    #[test]
    fn spans_and_links_are_read_and_bad_spans_reported() {
        let article = Article::new("Dehqan said no.".into());
        let line = r#"{"meta": {"source": "a.txt"}, "spans": [{"start": 0, "end": 6, "label": "PERSON", "id": 1}, {"start": 12, "end": 14, "label": "QUOTE", "id": "q"}, {"start": 3, "end": 99, "label": "X"}], "links": [{"from": "q", "to": 1, "role": "speaker"}, {"from": "q", "to": 7, "role": "cue"}]}"#;
        let answer = Answer::parse(line).expect("parses");
        assert_eq!(answer.source(), Some("a.txt"));
        let (wanted, problems) = answer.wanted(&article);
        assert_eq!(wanted.len(), 2);
        assert_eq!(wanted[0].kind.as_deref(), Some("PERSON"));
        assert_eq!(wanted[1].label, Label::Quote);
        assert_eq!(wanted[1].links, vec![("speaker".to_owned(), 0)]);
        assert_eq!(problems.len(), 2, "{problems:?}");
    }

    #[test]
    fn a_request_is_one_json_line() {
        let line = request_line("a \"b\"\nc", "x/a.txt");
        assert_eq!(
            line,
            "{\"text\":\"a \\\"b\\\"\\nc\",\"meta\":{\"source\":\"x/a.txt\"}}\n"
        );
    }
}
