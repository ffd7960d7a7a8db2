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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn excerpts_are_one_line_and_cut_with_an_ellipsis() {
        assert_eq!(excerpt("a\n b  c", 10), "a b c");
        assert_eq!(excerpt("abcdef", 4), "abc…");
        assert_eq!(excerpt("abcd", 4), "abcd");
    }
}
