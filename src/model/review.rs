//! Reviewing: decisions on annotations, the review queue, and speaker links.
//!
//! A decision sets `status`, appends a [`ReviewEvent`] (who, when) and is an
//! ordinary [`Edit::Update`], so undo takes it back like any other edit.
//! The review queue is the annotations matching a [`ReviewFilter`], in reading
//! order (the set's sort order). Links are stored by id; deleting an
//! annotation that others link to goes through [`delete_with_links`], which
//! never leaves a link dangling.
//!
//! ```
//! use marginalia::model::{annotation::*, document::Article, offset::CharRange, review::*};
//! let article = Article::new("Dehqan said peace.".into());
//! let now = chrono::Utc::now();
//! let a = Annotation::new(&article, CharRange::from_usize(0, 6), Label::Entity, "model",
//!     now, Origin::Imported { source: "p.jsonl".into(), format: "spacy".into() }).unwrap();
//! let mut set = Annotations::from_vec(vec![a.clone()]);
//! assert_eq!(progress(&set, &ReviewFilter::default()), Progress { reviewed: 0, total: 1 });
//! assert!(decide(&a, Status::Accepted, "ana", now).apply_to(&mut set));
//! assert_eq!(progress(&set, &ReviewFilter::default()).reviewed, 1);
//! ```

use crate::model::annotation::{
    Annotation, AnnotationId, Annotations, Label, Link, ReviewEvent, Status,
};
use crate::model::edit::{Change, Edit};
use chrono::{DateTime, Utc};

/// The edit that records `reviewer`'s decision `status` on `a`.
pub fn decide(a: &Annotation, status: Status, reviewer: &str, now: DateTime<Utc>) -> Edit {
    let mut after = a.clone();
    after.status = status;
    after.reviews.push(ReviewEvent {
        status,
        by: reviewer.to_owned(),
        at: now,
    });
    after.touch(reviewer, now);
    Edit::Update {
        before: Box::new(a.clone()),
        after: Box::new(after),
    }
}

/// Which annotations a review session steps through. `None` fields match all.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct ReviewFilter {
    /// Only this status.
    pub status: Option<Status>,
    /// Only this label.
    pub label: Option<Label>,
    /// Only authors containing this (case-insensitive), as the side
    /// panel's author filter.
    pub author: Option<String>,
    /// Only annotations whose origin source contains this text (`Manual` matches "manual").
    pub origin: Option<String>,
}

impl ReviewFilter {
    /// True when `a` is in the queue.
    pub fn matches(&self, a: &Annotation) -> bool {
        use crate::model::annotation::Origin;
        self.status.is_none_or(|s| a.status == s)
            && self.label.is_none_or(|l| a.label == l)
            && self
                .author
                .as_deref()
                .is_none_or(|au| a.author.to_lowercase().contains(&au.trim().to_lowercase()))
            && self.origin.as_deref().is_none_or(|o| match &a.origin {
                Origin::Manual => "manual".contains(o),
                Origin::Imported { source, format } => source.contains(o) || format.contains(o),
            })
    }
}

/// Reviewed (accepted or rejected) out of the filtered total.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Progress {
    /// Accepted or rejected.
    pub reviewed: usize,
    /// In the filter.
    pub total: usize,
}

/// Count progress over the annotations the filter selects.
pub fn progress(set: &Annotations, filter: &ReviewFilter) -> Progress {
    let (mut reviewed, mut total) = (0, 0);
    for a in set.iter().filter(|a| filter.matches(a)) {
        total += 1;
        if a.status != Status::Unreviewed {
            reviewed += 1;
        }
    }
    Progress { reviewed, total }
}

/// The next (or, with `forward == false`, previous) annotation in the queue
/// after `current`, in reading order; wraps around. `current == None` starts
/// at the first (or last).
pub fn step(
    set: &Annotations,
    filter: &ReviewFilter,
    current: Option<&AnnotationId>,
    forward: bool,
) -> Option<AnnotationId> {
    let queue: Vec<&Annotation> = set.iter().filter(|a| filter.matches(a)).collect();
    if queue.is_empty() {
        return None;
    }
    let here = current.and_then(|id| {
        // The current one may have left the queue (e.g. it was just accepted
        // under an "unreviewed" filter): continue from its place in the set.
        let pos = set.position(id)?;
        let cur = &set.as_slice()[pos];
        Some(queue.partition_point(|a| a.sort_key() < cur.sort_key()))
            .map(|i| (i, queue.get(i).is_some_and(|a| &a.id == id)))
    });
    let n = queue.len();
    let i = match (here, forward) {
        (None, true) => 0,
        (None, false) => n - 1,
        (Some((i, true)), true) => (i + 1) % n,
        (Some((i, false)), true) => i % n,
        (Some((i, _)), false) => (i + n - 1) % n,
    };
    queue.get(i).map(|a| a.id.clone())
}

/// The next unreviewed annotation in the queue after `current` (wrapping).
pub fn next_unreviewed(
    set: &Annotations,
    filter: &ReviewFilter,
    current: Option<&AnnotationId>,
) -> Option<AnnotationId> {
    let f = ReviewFilter {
        status: Some(Status::Unreviewed),
        ..filter.clone()
    };
    step(set, &f, current, true)
}

/// The edit linking `from` (a quote or claim) to `speaker` (an entity),
/// replacing any previous speaker link.
pub fn link_speaker(
    from: &Annotation,
    speaker: &AnnotationId,
    who: &str,
    now: DateTime<Utc>,
) -> Edit {
    let mut after = from.clone();
    after.links.retain(|l| l.role != "speaker");
    after.links.push(Link::new("speaker", speaker.clone()));
    after.touch(who, now);
    Edit::Update {
        before: Box::new(from.clone()),
        after: Box::new(after),
    }
}

/// What to do with links pointing at an annotation being deleted.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum LinkedDelete {
    /// Remove the links from the annotations that pointed to it.
    Unlink,
    /// Delete those annotations too.
    DeleteLinked,
}

/// Annotations that link to `id`.
pub fn linked_to<'a>(
    set: &'a Annotations,
    id: &'a AnnotationId,
) -> impl Iterator<Item = &'a Annotation> + 'a {
    set.iter()
        .filter(move |a| a.links.iter().any(|l| &l.target == id))
}

/// The change deleting `id`, handling links to it as `policy` says, so no
/// link is ever left dangling.
pub fn delete_with_links(
    set: &Annotations,
    id: &AnnotationId,
    policy: LinkedDelete,
    who: &str,
    now: DateTime<Utc>,
) -> Change {
    let Some(target) = set.get(id) else {
        return Vec::new();
    };
    let mut change = vec![Edit::Remove(target.clone())];
    for a in linked_to(set, id) {
        match policy {
            LinkedDelete::DeleteLinked => change.push(Edit::Remove(a.clone())),
            LinkedDelete::Unlink => {
                let mut after = a.clone();
                after.links.retain(|l| &l.target != id);
                after.touch(who, now);
                change.push(Edit::Update {
                    before: Box::new(a.clone()),
                    after: Box::new(after),
                });
            }
        }
    }
    change
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::anchor::verify;
    use crate::model::annotation::Origin;
    use crate::model::document::Article;
    use crate::model::edit::History;
    use crate::model::offset::CharRange;

    fn setup() -> (Article, Annotations) {
        let article = Article::new("Dehqan said that peace matters, Hasanov agreed.".into());
        let now = Utc::now();
        let spans = [
            (0, 6, Label::Entity),
            (12, 30, Label::Quote),
            (32, 39, Label::Entity),
            (17, 30, Label::Claim),
        ];
        let anns = spans
            .iter()
            .enumerate()
            .map(|(i, &(s, e, l))| {
                let mut a = Annotation::new(
                    &article,
                    CharRange::from_usize(s, e),
                    l,
                    "model",
                    now,
                    Origin::Imported {
                        source: "p.jsonl".into(),
                        format: "spacy".into(),
                    },
                )
                .unwrap();
                a.id = AnnotationId(format!("a{i}"));
                a
            })
            .collect();
        (article, Annotations::from_vec(anns))
    }

    #[test]
    fn decisions_are_recorded_and_undoable() {
        let (_, mut set) = setup();
        let mut h = History::default();
        let a0 = set.get(&AnnotationId("a0".into())).unwrap().clone();
        h.apply(
            &mut set,
            vec![decide(&a0, Status::Accepted, "ana", Utc::now())],
        );
        let now0 = set.get(&a0.id).unwrap();
        assert_eq!(now0.status, Status::Accepted);
        assert_eq!(now0.reviews.last().unwrap().by, "ana");
        assert_eq!(now0.modified_by.as_deref(), Some("ana"));
        assert_eq!(
            progress(&set, &ReviewFilter::default()),
            Progress {
                reviewed: 1,
                total: 4
            }
        );
        h.undo(&mut set);
        assert_eq!(set.get(&a0.id).unwrap().status, Status::Unreviewed);
    }

    #[test]
    fn stepping_follows_reading_order_and_wraps() {
        let (_, set) = setup();
        let f = ReviewFilter::default();
        let order: Vec<_> = std::iter::successors(step(&set, &f, None, true), |id| {
            step(&set, &f, Some(id), true)
        })
        .take(5)
        .map(|id| id.0)
        .collect();
        assert_eq!(order, ["a0", "a1", "a3", "a2", "a0"]);
        assert_eq!(
            step(&set, &f, Some(&AnnotationId("a0".into())), false)
                .unwrap()
                .0,
            "a2"
        );
        let entities = ReviewFilter {
            label: Some(Label::Entity),
            ..Default::default()
        };
        assert_eq!(
            step(&set, &entities, Some(&AnnotationId("a0".into())), true)
                .unwrap()
                .0,
            "a2"
        );
    }

    #[test]
    fn next_unreviewed_skips_decided_ones() {
        let (_, mut set) = setup();
        let a1 = set.get(&AnnotationId("a1".into())).unwrap().clone();
        decide(&a1, Status::Rejected, "ana", Utc::now()).apply_to(&mut set);
        let next = next_unreviewed(
            &set,
            &ReviewFilter::default(),
            Some(&AnnotationId("a0".into())),
        );
        assert_eq!(next.unwrap().0, "a3");
    }

    #[test]
    fn deleting_a_speaker_never_leaves_a_dangling_link() {
        let (article, mut set) = setup();
        let quote = set.get(&AnnotationId("a1".into())).unwrap().clone();
        link_speaker(&quote, &AnnotationId("a0".into()), "ana", Utc::now()).apply_to(&mut set);
        assert_eq!(set.get(&quote.id).unwrap().speaker().unwrap().0, "a0");
        for policy in [LinkedDelete::Unlink, LinkedDelete::DeleteLinked] {
            let mut s = set.clone();
            let mut h = History::default();
            h.apply(
                &mut s,
                delete_with_links(&set, &AnnotationId("a0".into()), policy, "ana", Utc::now()),
            );
            assert!(verify(&article, s.as_slice()).is_empty(), "{policy:?}");
            assert_eq!(s.get(&quote.id).is_some(), policy == LinkedDelete::Unlink);
            h.undo(&mut s);
            assert_eq!(s.as_slice(), set.as_slice());
        }
    }
}
