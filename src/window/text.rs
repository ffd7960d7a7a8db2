//! Short texts for people: quotes and notes cut to one line, where an
//! annotation came from, its history.
use crate::model::annotation::{Annotation, Origin};
use chrono::{DateTime, Local, Utc};

/// The first `max` chars of `s` on one line, with `…` when cut.
pub fn excerpt(s: &str, max: usize) -> String {
    let one_line = one_line(s);
    if one_line.chars().count() <= max {
        one_line
    } else {
        let mut cut: String = one_line.chars().take(max.saturating_sub(1)).collect();
        cut.push('…');
        cut
    }
}

/// `s` with every run of whitespace (line breaks too) made one space.
pub fn one_line(s: &str) -> String {
    s.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// Where an annotation came from, for people.
pub fn origin_text(origin: &Origin) -> String {
    match origin {
        Origin::Manual => "made by hand".to_owned(),
        Origin::Imported { source, format } => format!("imported from {source} ({format})"),
    }
}

/// A time in local time, to the minute.
pub fn when_text(t: DateTime<Utc>) -> String {
    t.with_timezone(&Local).format("%Y-%m-%d %H:%M").to_string()
}

/// The history lines of `a`: created, last changed, review decisions.
pub fn history_lines(a: &Annotation) -> Vec<String> {
    let mut lines = vec![format!(
        "Created by {} on {}",
        a.author,
        when_text(a.created)
    )];
    if a.modified != a.created {
        let who = a.modified_by.as_deref().unwrap_or(&a.author);
        lines.push(format!(
            "Last changed by {who} on {}",
            when_text(a.modified)
        ));
    }
    if a.reviews.is_empty() {
        lines.push("Not reviewed yet".to_owned());
    }
    for r in a.reviews.iter().rev() {
        lines.push(format!("{} by {} on {}", r.status, r.by, when_text(r.at)));
    }
    lines
}

/// An error and its causes on one line, each reason once: a cause whose
/// text its parent already ends with is not repeated (`path: reason:
/// reason` reads `path: reason`).
pub fn error_text(e: &anyhow::Error) -> String {
    let messages: Vec<String> = e.chain().map(ToString::to_string).collect();
    let mut text = String::new();
    for (i, m) in messages.iter().enumerate() {
        if i > 0 && text.ends_with(m.as_str()) {
            continue;
        }
        if !text.is_empty() {
            text.push_str(": ");
        }
        text.push_str(m);
    }
    text
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_error_chain_says_each_reason_once() {
        #[derive(Debug, thiserror::Error)]
        #[error("{path}: {source}")]
        struct Outer {
            path: String,
            source: std::io::Error,
        }
        let inner = std::io::Error::other("binary file");
        let e = anyhow::Error::new(Outer {
            path: "a.txt".into(),
            source: inner,
        });
        assert_eq!(error_text(&e), "a.txt: binary file");
        let e = anyhow::anyhow!("cause").context("opening a.txt");
        assert_eq!(error_text(&e), "opening a.txt: cause");
    }

    #[test]
    fn excerpts_are_one_line_and_cut_with_an_ellipsis() {
        assert_eq!(excerpt("a\n b  c", 10), "a b c");
        assert_eq!(excerpt("abcdef", 4), "abc…");
        assert_eq!(excerpt("abcd", 4), "abcd");
    }
}
