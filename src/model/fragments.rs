//! Discontinuous spans: one annotation per fragment, every later fragment
//! linked to the first (the first by offset) with role
//! [`PART_OF`](crate::model::annotation::PART_OF). The first carries the
//! span's own data: its links, events, note, attributes and references.
//!
//! Each fragment is an ordinary annotation for anchoring, agreement and
//! merging. What the span does as a whole goes through here: a review
//! decision is taken on every fragment, and deleting the first fragment
//! makes the next one first (it takes over the span's data and every link
//! to the span), all in one [`Change`], so one undo brings it back.
//!
//! ```
//! use marginalia::model::{annotation::*, document::Article, fragments, offset::CharRange};
//! let article = Article::new("“No,” he said, “never.”".into());
//! let now = chrono::Utc::now();
//! let mk = |s, e| Annotation::new(&article, CharRange::from_usize(s, e), Label::Quote, "ana", now, Origin::Manual).unwrap();
//! let (first, mut second) = (mk(0, 5), mk(15, 23));
//! second.links.push(Link::new(PART_OF, first.id.clone()));
//! let set = Annotations::from_vec(vec![first.clone(), second.clone()]);
//! assert_eq!(fragments::group(&set, &second.id).len(), 2);
//! let change = fragments::decide_all(&set, &second.id, Status::Rejected, "ben", now);
//! assert_eq!(change.len(), 2);
//! ```

use crate::model::annotation::{Annotation, AnnotationId, Annotations, PART_OF, Status};
use crate::model::edit::{Change, Edit};
use crate::model::review;
use chrono::{DateTime, Utc};

/// The id of the first fragment of the span `a` belongs to (its own id when
/// it is whole or the first).
pub fn first_id(a: &Annotation) -> &AnnotationId {
    a.first_fragment().unwrap_or(&a.id)
}

/// The fragments of the span that `id` belongs to: the first, then the later
/// ones in offset order. A whole annotation is a group of one; an unknown id
/// gives none.
pub fn group<'a>(set: &'a Annotations, id: &AnnotationId) -> Vec<&'a Annotation> {
    let Some(a) = set.get(id) else {
        return Vec::new();
    };
    let first_id = first_id(a);
    let Some(first) = set.get(first_id) else {
        // The first is gone (a hand-edited file): this fragment stands alone.
        return vec![a];
    };
    let mut out = vec![first];
    // Later fragments start at or after the first (sorted by start).
    let from = set.as_slice().partition_point(|x| x.start < first.start);
    out.extend(
        set.as_slice()[from..]
            .iter()
            .filter(|x| x.first_fragment() == Some(first_id) && x.id != *first_id),
    );
    out
}

/// The edits recording `reviewer`'s decision on every fragment of the span
/// `id` belongs to.
pub fn decide_all(
    set: &Annotations,
    id: &AnnotationId,
    status: Status,
    reviewer: &str,
    now: DateTime<Utc>,
) -> Change {
    group(set, id)
        .into_iter()
        .map(|a| review::decide(a, status, reviewer, now))
        .collect()
}

/// The change deleting the one fragment `id`. When it is the first of a
/// span with others, the next one becomes first: it takes the span's links,
/// events, note, attributes and references, the other fragments and every
/// link to the deleted one point to it. A later fragment is simply removed
/// (links to it move to the first). The order the input listed the
/// fragments in no longer holds and is dropped.
pub fn delete_part(set: &Annotations, id: &AnnotationId, who: &str, now: DateTime<Utc>) -> Change {
    let parts = group(set, id);
    let Some(gone) = set.get(id) else {
        return Vec::new();
    };
    if parts.len() < 2 {
        return vec![Edit::Remove(gone.clone())];
    }
    let first = parts[0];
    let heir: &Annotation = if first.id == *id { parts[1] } else { first };
    let mut change = vec![Edit::Remove(gone.clone())];
    let mut updated: Vec<Annotation> = Vec::new();
    // The new (or same) first fragment.
    let mut new_first = heir.clone();
    if first.id == *id {
        new_first.links.retain(|l| l.role != PART_OF);
        let carried = gone
            .links
            .iter()
            .filter(|l| l.role != PART_OF && l.target != heir.id)
            .cloned();
        new_first.links.extend(carried);
        new_first.events.extend(gone.events.iter().cloned());
        new_first.norms.extend(gone.norms.iter().cloned());
        for (k, v) in &gone.attrs {
            new_first
                .attrs
                .entry(k.clone())
                .or_insert_with(|| v.clone());
        }
        new_first.note = match (gone.note.clone(), new_first.note.take()) {
            (Some(a), Some(b)) => Some(format!("{a}\n{b}")),
            (a, b) => a.or(b),
        };
    }
    updated.push(new_first);
    for p in parts
        .iter()
        .skip(1)
        .filter(|p| p.id != *id && p.id != heir.id)
    {
        let mut after = (*p).clone();
        for l in after.links.iter_mut().filter(|l| l.role == PART_OF) {
            l.target = heir.id.clone();
            l.position = None;
        }
        updated.push(after);
    }
    // Links from elsewhere to the deleted fragment now point at the span's first.
    for a in review::linked_to(set, id) {
        if a.first_fragment() == Some(&first.id) || a.id == heir.id {
            continue;
        }
        let mut after = a.clone();
        for l in after.links.iter_mut().filter(|l| l.target == *id) {
            l.target = heir.id.clone();
        }
        updated.push(after);
    }
    for mut after in updated {
        let Some(before) = set.get(&after.id) else {
            continue;
        };
        if after != *before {
            after.touch(who, now);
            change.push(Edit::Update {
                before: Box::new(before.clone()),
                after: Box::new(after),
            });
        }
    }
    change
}

/// The change deleting every fragment of the span `id` belongs to, with the
/// links to them from other annotations removed (never left dangling).
pub fn delete_span(set: &Annotations, id: &AnnotationId, who: &str, now: DateTime<Utc>) -> Change {
    let parts = group(set, id);
    let ids: Vec<&AnnotationId> = parts.iter().map(|a| &a.id).collect();
    let mut change: Change = parts.iter().map(|a| Edit::Remove((*a).clone())).collect();
    for a in set.iter() {
        if ids.contains(&&a.id) || !a.links.iter().any(|l| ids.contains(&&l.target)) {
            continue;
        }
        let mut after = a.clone();
        after.links.retain(|l| !ids.contains(&&l.target));
        after.touch(who, now);
        change.push(Edit::Update {
            before: Box::new(a.clone()),
            after: Box::new(after),
        });
    }
    change
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::annotation::{EventInfo, Label, Link, Origin};
    use crate::model::document::Article;
    use crate::model::edit::History;
    use crate::model::offset::CharRange;

    const TEXT: &str = "“No,” he said, “never, ever.” Dehqan left.";

    /// A quote in three fragments (the first with a speaker link, an event
    /// and a note), its speaker, and a cue linking to the first fragment.
    fn setup() -> (Article, Annotations, [AnnotationId; 5]) {
        let article = Article::new(TEXT.into());
        let now = chrono::Utc::now();
        let at = |s: &str, label| {
            let b = TEXT.find(s).unwrap();
            let start = TEXT[..b].chars().count();
            let r = CharRange::from_usize(start, start + s.chars().count());
            Annotation::new(&article, r, label, "ana", now, Origin::Manual).unwrap()
        };
        let mut first = at("“No,”", Label::Quote);
        let mut second = at("“never,", Label::Quote);
        let mut third = at("ever.”", Label::Quote);
        let speaker = at("Dehqan", Label::Entity);
        let mut cue = at("said", Label::Entity);
        first.links.push(Link::new("speaker", speaker.id.clone()));
        first.links.push(Link {
            event: Some("e1".into()),
            ..Link::new("source", speaker.id.clone())
        });
        first.events.push(EventInfo {
            id: "e1".into(),
            kind: "Attribution".into(),
            ..EventInfo::default()
        });
        first.note = Some("split".into());
        for (i, p) in [&mut second, &mut third].into_iter().enumerate() {
            p.links.push(Link {
                position: Some(i + 1),
                ..Link::new(PART_OF, first.id.clone())
            });
        }
        cue.links.push(Link::new("cue-of", first.id.clone()));
        let ids = [
            first.id.clone(),
            second.id.clone(),
            third.id.clone(),
            speaker.id.clone(),
            cue.id.clone(),
        ];
        let set = Annotations::from_vec(vec![first, second, third, speaker, cue]);
        (article, set, ids)
    }

    #[test]
    fn a_group_is_the_first_then_its_parts_from_any_fragment() {
        let (_, set, [first, second, third, speaker, _]) = setup();
        for id in [&first, &second, &third] {
            let ids: Vec<_> = group(&set, id).iter().map(|a| a.id.clone()).collect();
            assert_eq!(ids, [first.clone(), second.clone(), third.clone()]);
        }
        assert_eq!(group(&set, &speaker).len(), 1);
        assert!(group(&set, &AnnotationId("nope".into())).is_empty());
    }

    #[test]
    fn a_decision_applies_to_every_fragment_in_one_undo_step() {
        let (_, mut set, [first, second, third, speaker, _]) = setup();
        let mut history = History::default();
        let change = decide_all(&set, &third, Status::Accepted, "ben", chrono::Utc::now());
        history.apply(&mut set, change);
        for id in [&first, &second, &third] {
            assert_eq!(set.get(id).unwrap().status, Status::Accepted);
        }
        assert_ne!(set.get(&speaker).unwrap().status, Status::Rejected);
        assert!(history.undo(&mut set));
        for id in [&first, &second, &third] {
            assert_eq!(
                set.get(id).unwrap().status,
                Status::Accepted,
                "manual ones start accepted"
            );
            assert!(set.get(id).unwrap().reviews.is_empty());
        }
    }

    #[test]
    fn deleting_the_first_fragment_makes_the_next_one_first_in_one_undoable_edit() {
        let (_, mut set, [first, second, third, speaker, cue]) = setup();
        let before: Vec<Annotation> = set.as_slice().to_vec();
        let mut history = History::default();
        let change = delete_part(&set, &first, "ben", chrono::Utc::now());
        history.apply(&mut set, change);
        set.assert_invariants();
        assert!(set.get(&first).is_none());
        let heir = set.get(&second).unwrap();
        assert_eq!(heir.first_fragment(), None);
        assert_eq!(heir.speaker(), Some(&speaker));
        assert_eq!(heir.events.len(), 1);
        assert!(heir.links.iter().any(|l| l.event.as_deref() == Some("e1")));
        assert_eq!(heir.note.as_deref(), Some("split"));
        let last = set.get(&third).unwrap();
        assert_eq!(last.first_fragment(), Some(&second));
        assert!(last.links.iter().all(|l| l.position.is_none()));
        assert_eq!(
            set.get(&cue).unwrap().links[0].target,
            second,
            "a link to the span follows its first fragment"
        );
        assert!(history.undo(&mut set));
        assert_eq!(set.as_slice(), before.as_slice());
    }

    #[test]
    fn deleting_a_later_fragment_keeps_the_span() {
        let (_, mut set, [first, second, third, _, _]) = setup();
        let change = delete_part(&set, &second, "ben", chrono::Utc::now());
        History::default().apply(&mut set, change);
        let ids: Vec<_> = group(&set, &first).iter().map(|a| a.id.clone()).collect();
        assert_eq!(ids, [first.clone(), third.clone()]);
    }

    #[test]
    fn deleting_the_span_removes_every_fragment_and_the_links_to_it() {
        let (_, mut set, [first, second, _, speaker, cue]) = setup();
        let change = delete_span(&set, &second, "ben", chrono::Utc::now());
        History::default().apply(&mut set, change);
        let left: Vec<_> = set.iter().map(|a| a.id.clone()).collect();
        assert_eq!(left.len(), 2);
        assert!(set.get(&speaker).is_some());
        assert!(set.get(&cue).unwrap().links.is_empty());
        assert!(set.get(&first).is_none());
    }

    #[test]
    fn each_fragment_re_anchors_on_its_own() {
        let (article, set, [first, second, third, _, _]) = setup();
        let mut anns = set.as_slice().to_vec();
        let edited = Article::new(format!("Tehran, 16 April.\n{TEXT}"));
        crate::model::reanchor::reanchor(&edited, &mut anns, Some(article.text()));
        let set = Annotations::from_vec(anns);
        for id in [&first, &second, &third] {
            let a = set.get(id).unwrap();
            assert_eq!(edited.slice(a.range()), Some(a.quote.as_str()));
        }
        assert_eq!(group(&set, &third).len(), 3, "the links survive");
    }
}
