//! Short texts for people: quotes and notes cut to one line, where an
//! annotation came from, its history.
use crate::model::annotation::{Annotation, Annotations, Origin, Status};
use crate::model::edit::Edit;
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

/// `s` cut to `max` chars and put in “ ”, unless it is a quotation already
/// (a quote tagged with its own marks reads “peace now”, not ““peace now””;
/// cut short, it gets its closing mark back: “There is no capacity f…”).
pub fn quoted(s: &str, max: usize) -> String {
    let cut = excerpt(s, max);
    let closing = |c: char| match c {
        '“' => Some('”'),
        '„' => Some('“'),
        '«' => Some('»'),
        '»' => Some('«'),
        '"' => Some('"'),
        '‘' => Some('’'),
        '‹' => Some('›'),
        '「' => Some('」'),
        _ => None,
    };
    match s.trim_start().chars().next().and_then(closing) {
        Some(close) if cut.ends_with('…') => format!("{cut}{close}"),
        Some(_) => cut,
        None => format!("“{cut}”"),
    }
}

/// Who said `a`, as the list, the tooltip and the review card name it: the
/// text of its speaker (a claim's source), each part cut to `max` chars,
/// and for a pronoun the name it refers to: `he (Dehqan)`.
pub fn speaker_text(a: &Annotation, set: &Annotations, max: usize) -> Option<String> {
    let target = |a: &Annotation, roles: &[&str]| {
        roles.iter().find_map(|role| {
            let link = a.links.iter().find(|l| l.role == *role)?;
            set.get(&link.target)
        })
    };
    let speaker = target(a, &["speaker", "source"])?;
    let name = excerpt(&speaker.quote, max);
    Some(match target(speaker, &["refers-to"]) {
        Some(person) => format!("{name} ({})", excerpt(&person.quote, max)),
        None => name,
    })
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
        lines.push(status_without_review(a));
    }
    for r in a.reviews.iter().rev() {
        lines.push(format!("{} by {} on {}", r.status, r.by, when_text(r.at)));
    }
    lines
}

/// What an annotation's status means before anyone reviewed it, so the
/// History never contradicts the status shown above it: an annotation made
/// by hand is accepted by its maker; an imported one is unreviewed unless
/// its file said otherwise.
fn status_without_review(a: &Annotation) -> String {
    match (a.status, &a.origin) {
        (Status::Unreviewed, _) => "Not reviewed yet".to_owned(),
        (status, Origin::Manual) => {
            format!(
                "{} as made by {} (no review yet)",
                capitalized(status),
                a.author
            )
        }
        (status, Origin::Imported { .. }) => {
            format!("{} as imported (no review yet)", capitalized(status))
        }
    }
}

fn capitalized(status: Status) -> String {
    let name = status.name();
    let mut chars = name.chars();
    match chars.next() {
        Some(first) => first.to_uppercase().chain(chars).collect(),
        None => String::new(),
    }
}

/// The fields in which two versions of one annotation differ, as rows of
/// (field, mine, theirs) for people; "—" stands for no value.
pub fn differing_fields(mine: &Annotation, theirs: &Annotation) -> Vec<(String, String, String)> {
    let opt = |v: &Option<String>| v.clone().unwrap_or_else(|| "—".to_owned());
    let span = |a: &Annotation| format!("{} ({}..{})", quoted(&a.quote, 40), a.start, a.end);
    let links = |a: &Annotation| {
        let texts: Vec<String> = a
            .links
            .iter()
            .map(|l| format!("{} → {}", l.role, l.target))
            .collect();
        if texts.is_empty() {
            "—".to_owned()
        } else {
            texts.join(", ")
        }
    };
    let mut rows: Vec<(String, String, String)> = [
        (
            "label",
            mine.label.name().to_owned(),
            theirs.label.name().to_owned(),
        ),
        ("span", span(mine), span(theirs)),
        ("kind", opt(&mine.kind), opt(&theirs.kind)),
        (
            "status",
            mine.status.name().to_owned(),
            theirs.status.name().to_owned(),
        ),
        ("note", opt(&mine.note), opt(&theirs.note)),
        ("links", links(mine), links(theirs)),
    ]
    .into_iter()
    .filter(|(_, a, b)| a != b)
    .map(|(f, a, b)| (f.to_owned(), a, b))
    .collect();
    let keys: std::collections::BTreeSet<&String> =
        mine.attrs.keys().chain(theirs.attrs.keys()).collect();
    for k in keys {
        let (a, b) = (mine.attrs.get(k).cloned(), theirs.attrs.get(k).cloned());
        if a != b {
            rows.push((k.clone(), opt(&a), opt(&b)));
        }
    }
    rows
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

/// Chars of a quote kept when an undo or redo names it.
const CHANGE_QUOTE_CHARS: usize = 16;

/// What one edit did, as a verb and what follows its object: ("tag", ""),
/// ("delete", ""), ("relabel", " as Quote").
fn edit_verb(edit: &Edit) -> (String, String) {
    match edit {
        // Suggestions and imports add unreviewed spans; a tag is by hand.
        Edit::Insert(a) if a.origin == Origin::Manual && a.status != Status::Unreviewed => {
            ("tag".into(), String::new())
        }
        Edit::Insert(_) => ("add".into(), String::new()),
        Edit::Remove(_) => ("delete".into(), String::new()),
        Edit::Update { before, after } if before.label != after.label => {
            ("relabel".into(), format!(" as {}", after.label))
        }
        Edit::Update { before, after } => (update_verb(before, after), String::new()),
    }
}

/// The verb of an update that kept the label, after the first field it
/// changed.
fn update_verb(before: &Annotation, after: &Annotation) -> String {
    if before.status != after.status {
        return match after.status {
            Status::Accepted => "accept".into(),
            Status::Rejected => "reject".into(),
            Status::Unreviewed => "mark unreviewed".into(),
        };
    }
    if before.range() != after.range() {
        return "move the edges of".into();
    }
    if before.links != after.links {
        return match after.links.len().cmp(&before.links.len()) {
            std::cmp::Ordering::Greater => "link".into(),
            std::cmp::Ordering::Less => "unlink".into(),
            std::cmp::Ordering::Equal => "change the links of".into(),
        };
    }
    if before.kind != after.kind {
        return "set the kind of".into();
    }
    if before.note != after.note {
        return "edit the note on".into();
    }
    "edit".into()
}

/// The annotation an edit is about (the new version of an update).
fn edit_subject(edit: &Edit) -> &Annotation {
    match edit {
        Edit::Insert(a) | Edit::Remove(a) => a,
        Edit::Update { after, .. } => after,
    }
}

/// One user action (a [`Change`](crate::model::edit::Change)) in a few words, for "Undone: …" and
/// "Redone: …": `tag Quote “General Hossein…”`, `delete 3 annotations`,
/// `accept 3 annotations`; a mix names its first edit and counts the
/// rest (`tag Quote “peace now” and 1 more`).
pub fn change_text(change: &[Edit]) -> String {
    let Some(first) = change.first() else {
        return "nothing".into();
    };
    let (verb, then) = edit_verb(first);
    // A relabel names the label it had.
    let label = match first {
        Edit::Update { before, .. } => before.label,
        _ => edit_subject(first).label,
    };
    let quote = quoted(&edit_subject(first).quote, CHANGE_QUOTE_CHARS);
    let one = format!("{verb} {label} {quote}{then}");
    let same = |e: &Edit| edit_verb(e) == (verb.clone(), then.clone());
    match change.len() {
        1 => one,
        n if change.iter().all(same) => format!("{verb} {n} annotations{then}"),
        n => format!("{one} and {} more", n - 1),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_quotation_cut_short_keeps_its_closing_mark() {
        assert_eq!(quoted("“peace now”", 20), "“peace now”");
        assert_eq!(quoted("“There is no capacity for it”", 10), "“There is…”");
        assert_eq!(quoted("«حسین دهقان گفت»", 6), "«حسین…»");
        assert_eq!(quoted("peace now", 20), "“peace now”");
    }

    #[test]
    fn a_change_is_named_by_what_it_did_to_what() {
        use crate::model::annotation::Label;
        let text = "Brigadier General Hossein Dehqan said peace now.";
        let article = crate::model::document::Article::new(text.into());
        let make = |s, e, label| {
            let range = crate::model::offset::CharRange::from_usize(s, e);
            Annotation::new(
                &article,
                range,
                label,
                "ana",
                chrono::Utc::now(),
                Origin::Manual,
            )
            .unwrap()
        };
        let quote = make(10, 32, Label::Quote);
        let tag = Edit::Insert(quote.clone());
        assert_eq!(change_text(&[tag]), "tag Quote “General Hossein…”");
        // Made by hand, so accepted by its maker.
        let mut rejected = quote.clone();
        rejected.status = Status::Rejected;
        let mut relabelled = quote.clone();
        relabelled.label = Label::Claim;
        let update = |after: &Annotation| Edit::Update {
            before: Box::new(quote.clone()),
            after: Box::new(after.clone()),
        };
        assert_eq!(
            change_text(&[update(&relabelled)]),
            "relabel Quote “General Hossein…” as Claim"
        );
        let peace = make(38, 47, Label::Quote);
        let removes: Vec<Edit> = [&quote, &peace, &quote]
            .into_iter()
            .map(|a| Edit::Remove(a.clone()))
            .collect();
        assert_eq!(change_text(&removes), "delete 3 annotations");
        let mut unreviewed = peace.clone();
        unreviewed.status = Status::Unreviewed;
        assert_eq!(
            change_text(&[update(&rejected), Edit::Insert(unreviewed)]),
            "reject Quote “General Hossein…” and 1 more"
        );
    }

    #[test]
    fn only_the_fields_that_differ_are_listed() {
        let article = crate::model::document::Article::new("Zakir Hasanov spoke.".into());
        let range = crate::model::offset::CharRange::from_usize(0, 13);
        let now = chrono::Utc::now();
        let mut mine = Annotation::new(
            &article,
            range,
            crate::model::annotation::Label::Entity,
            "ana",
            now,
            Origin::Manual,
        )
        .unwrap();
        let mut theirs = mine.clone();
        mine.kind = Some("Minister".into());
        theirs.kind = Some("Politician".into());
        theirs.attrs.insert("rank".into(), "general".into());
        assert_eq!(
            differing_fields(&mine, &theirs),
            [
                (
                    "kind".to_owned(),
                    "Minister".to_owned(),
                    "Politician".to_owned()
                ),
                ("rank".to_owned(), "—".to_owned(), "general".to_owned()),
            ]
        );
        assert!(differing_fields(&mine, &mine).is_empty());
    }

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
    fn history_agrees_with_the_status_before_any_review() {
        let article = crate::model::document::Article::new("Zakir Hasanov spoke.".into());
        let range = crate::model::offset::CharRange::from_usize(0, 13);
        let now = chrono::Utc::now();
        let make = |origin| {
            Annotation::new(
                &article,
                range,
                crate::model::annotation::Label::Entity,
                "ana",
                now,
                origin,
            )
            .unwrap()
        };
        let manual = make(Origin::Manual);
        assert_eq!(manual.status, Status::Accepted);
        let lines = history_lines(&manual);
        assert_eq!(
            lines.last().unwrap(),
            "Accepted as made by ana (no review yet)"
        );
        let imported = make(Origin::Imported {
            source: "model".into(),
            format: "spacy".into(),
        });
        assert_eq!(history_lines(&imported).last().unwrap(), "Not reviewed yet");
    }

    #[test]
    fn quotations_are_not_quoted_twice() {
        assert_eq!(quoted("peace now", 20), "“peace now”");
        assert_eq!(quoted("“peace now”", 20), "“peace now”");
        assert_eq!(quoted("«سلام»", 20), "«سلام»");
    }

    #[test]
    fn excerpts_are_one_line_and_cut_with_an_ellipsis() {
        assert_eq!(excerpt("a\n b  c", 10), "a b c");
        assert_eq!(excerpt("abcdef", 4), "abc…");
        assert_eq!(excerpt("abcd", 4), "abcd");
    }
}
