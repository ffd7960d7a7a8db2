//! Three-way merge of sidecars by annotation id, for git's merge driver.
//!
//! Each annotation is merged as a whole, keyed by its id, from BASE (the
//! common ancestor), OURS and THEIRS. The rule that trumps the others: work is
//! never lost. A deletion only wins against an unchanged annotation; when both
//! sides changed one annotation differently, OURS' version is kept and THEIRS'
//! is stored in its `conflict` field for the window to offer — the result is
//! always a valid sidecar, never text conflict markers.

use crate::model::annotation::{Annotation, AnnotationId};
use crate::store::sidecar::{ArticleInfo, FORMAT_VERSION, Sidecar};
use std::collections::{BTreeMap, BTreeSet};
use std::fmt;

/// Something the merge decided that a person should know about.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum MergeNote {
    /// Both sides changed this annotation differently: OURS kept, THEIRS in `conflict`.
    Conflict(AnnotationId),
    /// One side deleted it, the other changed it: the changed version is kept.
    KeptChangedOverDelete {
        /// The annotation.
        id: AnnotationId,
        /// True when OURS deleted it (and THEIRS changed it).
        deleted_in_ours: bool,
    },
    /// Both sides changed the document note differently: both texts kept, ours first.
    NoteJoined,
    /// Both sides changed the article info differently: OURS kept.
    ArticleDiffers {
        /// OURS' article hash.
        ours_hash: String,
        /// THEIRS' article hash.
        theirs_hash: String,
    },
}

impl MergeNote {
    /// True for notes that make the merge unclean (exit code 1).
    pub fn is_conflict(&self) -> bool {
        matches!(self, MergeNote::Conflict(_))
    }
}

impl fmt::Display for MergeNote {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            MergeNote::Conflict(id) => write!(
                f,
                "annotation {id}: changed differently on both sides; ours kept, theirs stored as its conflict (resolve it in the window)"
            ),
            MergeNote::KeptChangedOverDelete {
                id,
                deleted_in_ours,
            } => {
                let (deleter, changer) = if *deleted_in_ours {
                    ("ours", "theirs")
                } else {
                    ("theirs", "ours")
                };
                write!(
                    f,
                    "annotation {id}: deleted in {deleter} but changed in {changer}; the changed version is kept"
                )
            }
            MergeNote::NoteJoined => f.write_str(
                "the document note was changed on both sides; both texts are kept, ours first",
            ),
            MergeNote::ArticleDiffers {
                ours_hash,
                theirs_hash,
            } => write!(
                f,
                "the two sides record different article texts ({ours_hash} vs {theirs_hash}); ours kept — run `marginalia check`"
            ),
        }
    }
}

/// The merged sidecar and what happened.
#[derive(Clone, Debug)]
pub struct MergeOutcome {
    /// The result (annotations sorted).
    pub sidecar: Sidecar,
    /// Conflicts and other decisions worth reporting.
    pub notes: Vec<MergeNote>,
}

impl MergeOutcome {
    /// Number of annotations left with a `conflict`.
    pub fn conflict_count(&self) -> usize {
        self.notes.iter().filter(|n| n.is_conflict()).count()
    }
}

/// Merge OURS and THEIRS given their common ancestor BASE. A missing side
/// (`None`: git passes an empty file when there is no common ancestor) is
/// treated as a sidecar without annotations.
pub fn merge(
    base: Option<&Sidecar>,
    ours: Option<&Sidecar>,
    theirs: Option<&Sidecar>,
) -> MergeOutcome {
    let by_id = |s: Option<&Sidecar>| -> BTreeMap<AnnotationId, Annotation> {
        s.map(|s| {
            s.annotations
                .iter()
                .map(|a| (a.id.clone(), a.clone()))
                .collect()
        })
        .unwrap_or_default()
    };
    let (base_map, mut ours_map, mut theirs_map) = (by_id(base), by_id(ours), by_id(theirs));
    let ids: BTreeSet<AnnotationId> = base_map
        .keys()
        .chain(ours_map.keys())
        .chain(theirs_map.keys())
        .cloned()
        .collect();
    let mut notes = Vec::new();
    let mut merged = Vec::new();
    for id in ids {
        let b = base_map.get(&id);
        let o = ours_map.remove(&id);
        let t = theirs_map.remove(&id);
        match (b, o, t) {
            (_, None, None) => {}
            (None, Some(x), None) | (None, None, Some(x)) => merged.push(x),
            (Some(b), Some(o), None) => {
                if o != *b {
                    notes.push(MergeNote::KeptChangedOverDelete {
                        id,
                        deleted_in_ours: false,
                    });
                    merged.push(o);
                }
            }
            (Some(b), None, Some(t)) => {
                if t != *b {
                    notes.push(MergeNote::KeptChangedOverDelete {
                        id,
                        deleted_in_ours: true,
                    });
                    merged.push(t);
                }
            }
            (b, Some(o), Some(t)) => {
                if o == t || b == Some(&t) {
                    merged.push(o);
                } else if b == Some(&o) {
                    merged.push(t);
                } else {
                    notes.push(MergeNote::Conflict(id));
                    merged.push(with_conflict(o, t));
                }
            }
        }
    }
    let article = merge_article(
        base.map(|s| &s.article),
        ours.map(|s| &s.article),
        theirs.map(|s| &s.article),
        &mut notes,
    );
    let note = merge_note(
        base.and_then(|s| s.note.as_deref()),
        ours.and_then(|s| s.note.as_deref()),
        theirs.and_then(|s| s.note.as_deref()),
        &mut notes,
    );
    merged.sort_by(|a, b| a.sort_key().cmp(&b.sort_key()));
    // Suggestion fingerprints only ever grow: the union of all three sides.
    let merged_suggested: Vec<String> = [base, ours, theirs]
        .into_iter()
        .flatten()
        .flat_map(|s| s.suggested.iter().cloned())
        .collect::<BTreeSet<String>>()
        .into_iter()
        .collect();
    MergeOutcome {
        sidecar: Sidecar {
            version: FORMAT_VERSION,
            article,
            note,
            suggested: merged_suggested,
            annotations: merged,
        },
        notes,
    }
}

/// OURS with THEIRS attached as its conflict. Conflicts do not nest: an
/// older conflict on THEIRS is dropped from the attached copy, and one on OURS
/// is replaced (the newest disagreement is the one to resolve).
fn with_conflict(mut ours: Annotation, mut theirs: Annotation) -> Annotation {
    theirs.conflict = None;
    ours.conflict = Some(Box::new(theirs));
    ours
}

/// The document note: the side that changed it wins; when both changed it
/// differently, both texts are kept (ours first), since a note is free text
/// and neither side's words may be lost.
fn merge_note(
    base: Option<&str>,
    ours: Option<&str>,
    theirs: Option<&str>,
    notes: &mut Vec<MergeNote>,
) -> Option<String> {
    if ours == theirs || base == theirs {
        ours.map(str::to_owned)
    } else if base == ours {
        theirs.map(str::to_owned)
    } else {
        notes.push(MergeNote::NoteJoined);
        let both: Vec<&str> = [ours, theirs].into_iter().flatten().collect();
        Some(both.join("\n\n"))
    }
}

fn merge_article(
    base: Option<&ArticleInfo>,
    ours: Option<&ArticleInfo>,
    theirs: Option<&ArticleInfo>,
    notes: &mut Vec<MergeNote>,
) -> ArticleInfo {
    match (ours, theirs) {
        (Some(o), Some(t)) => {
            if o == t || base == Some(t) {
                o.clone()
            } else if base == Some(o) {
                t.clone()
            } else {
                if o.hash != t.hash {
                    notes.push(MergeNote::ArticleDiffers {
                        ours_hash: o.hash.clone(),
                        theirs_hash: t.hash.clone(),
                    });
                }
                o.clone()
            }
        }
        (Some(x), None) | (None, Some(x)) => x.clone(),
        (None, None) => base.cloned().unwrap_or_default(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::annotation::Label;
    use crate::model::offset::CharOffset;
    use crate::model::offset::CharRange;
    use chrono::TimeZone;

    fn ann(id: &str, start: usize) -> Annotation {
        let at = chrono::Utc.with_ymd_and_hms(2026, 1, 1, 0, 0, 0).unwrap();
        Annotation::from_parts(
            AnnotationId(id.into()),
            Label::Entity,
            CharRange::from_usize(start, start + 3),
            "abc",
            "ana",
            at,
        )
    }

    fn noted(a: &Annotation, note: &str) -> Annotation {
        let mut a = a.clone();
        a.note = Some(note.into());
        a
    }

    fn sc(anns: &[Annotation]) -> Sidecar {
        Sidecar {
            version: FORMAT_VERSION,
            article: ArticleInfo {
                file: "a.txt".into(),
                encoding: "utf-8".into(),
                hash: "sha256:base".into(),
                char_len: 100,
                encoding_alternative: None,
            },
            note: None,
            suggested: Vec::new(),
            annotations: anns.to_vec(),
        }
    }

    fn run(base: Vec<Annotation>, ours: Vec<Annotation>, theirs: Vec<Annotation>) -> MergeOutcome {
        merge(Some(&sc(&base)), Some(&sc(&ours)), Some(&sc(&theirs)))
    }

    fn ids(o: &MergeOutcome) -> Vec<&str> {
        o.sidecar
            .annotations
            .iter()
            .map(|a| a.id.0.as_str())
            .collect()
    }

    #[test]
    fn additions_on_either_side_are_kept() {
        let x = ann("x", 0);
        let o = run(
            vec![x.clone()],
            vec![x.clone(), ann("o", 10)],
            vec![x, ann("t", 5)],
        );
        assert_eq!(ids(&o), ["x", "t", "o"]);
        assert!(o.notes.is_empty());
    }

    #[test]
    fn deletion_of_an_unchanged_annotation_wins() {
        let (x, y) = (ann("x", 0), ann("y", 5));
        let o = run(
            vec![x.clone(), y.clone()],
            vec![y.clone()],
            vec![x, y.clone()],
        );
        assert_eq!(ids(&o), ["y"]);
        let o = run(
            vec![ann("x", 0), y.clone()],
            vec![ann("x", 0), y.clone()],
            vec![y],
        );
        assert_eq!(ids(&o), ["y"]);
        assert!(o.notes.is_empty());
    }

    #[test]
    fn deletion_against_a_change_keeps_the_change_and_reports() {
        let x = ann("x", 0);
        let changed = noted(&x, "checked");
        let o = run(vec![x.clone()], vec![], vec![changed.clone()]);
        assert_eq!(o.sidecar.annotations, vec![changed.clone()]);
        assert_eq!(
            o.notes,
            [MergeNote::KeptChangedOverDelete {
                id: x.id.clone(),
                deleted_in_ours: true
            }]
        );
        assert_eq!(o.conflict_count(), 0);
        let o = run(vec![x.clone()], vec![changed.clone()], vec![]);
        assert_eq!(o.sidecar.annotations, vec![changed]);
        assert!(matches!(
            o.notes[0],
            MergeNote::KeptChangedOverDelete {
                deleted_in_ours: false,
                ..
            }
        ));
    }

    #[test]
    fn a_change_on_one_side_is_taken() {
        let x = ann("x", 0);
        let changed = noted(&x, "theirs");
        let o = run(vec![x.clone()], vec![x.clone()], vec![changed.clone()]);
        assert_eq!(o.sidecar.annotations, vec![changed.clone()]);
        let o = run(vec![x.clone()], vec![changed.clone()], vec![x]);
        assert_eq!(o.sidecar.annotations, vec![changed]);
        assert!(o.notes.is_empty());
    }

    #[test]
    fn the_same_change_on_both_sides_is_taken_once() {
        let x = ann("x", 0);
        let changed = noted(&x, "both");
        let o = run(vec![x], vec![changed.clone()], vec![changed.clone()]);
        assert_eq!(o.sidecar.annotations, vec![changed]);
        assert!(o.notes.is_empty());
    }

    #[test]
    fn different_changes_keep_ours_with_theirs_as_conflict() {
        let x = ann("x", 0);
        let (mine, other) = (noted(&x, "mine"), noted(&x, "other"));
        let o = run(vec![x.clone()], vec![mine.clone()], vec![other.clone()]);
        assert_eq!(o.sidecar.annotations.len(), 1);
        let merged = &o.sidecar.annotations[0];
        assert_eq!(merged.note.as_deref(), Some("mine"));
        assert_eq!(merged.conflict.as_deref(), Some(&other));
        assert_eq!(o.notes, [MergeNote::Conflict(x.id)]);
        assert_eq!(o.conflict_count(), 1);
    }

    #[test]
    fn the_same_id_added_differently_on_both_sides_is_a_conflict() {
        let o = run(vec![], vec![ann("x", 0)], vec![ann("x", 7)]);
        assert_eq!(o.conflict_count(), 1);
        assert_eq!(o.sidecar.annotations[0].start, CharOffset(0));
        assert_eq!(
            o.sidecar.annotations[0].conflict.as_ref().map(|c| c.start),
            Some(CharOffset(7))
        );
    }

    #[test]
    fn conflicts_do_not_nest() {
        let x = ann("x", 0);
        let mut theirs = noted(&x, "t");
        theirs.conflict = Some(Box::new(noted(&x, "old")));
        let o = run(vec![x.clone()], vec![noted(&x, "o")], vec![theirs]);
        let c = o.sidecar.annotations[0].conflict.as_ref().unwrap();
        assert!(c.conflict.is_none());
    }

    #[test]
    fn a_missing_base_means_everything_was_added() {
        let o = merge(None, Some(&sc(&[ann("a", 0)])), Some(&sc(&[ann("b", 1)])));
        assert_eq!(ids(&o), ["a", "b"]);
        assert_eq!(o.sidecar.article.file, "a.txt");
    }

    #[test]
    fn article_info_follows_the_side_that_changed_it() {
        let base = sc(&[]);
        let mut theirs = sc(&[]);
        theirs.article.hash = "sha256:new".into();
        let o = merge(Some(&base), Some(&base), Some(&theirs));
        assert_eq!(o.sidecar.article.hash, "sha256:new");
        assert!(o.notes.is_empty());
        let o = merge(Some(&base), Some(&theirs), Some(&base));
        assert_eq!(o.sidecar.article.hash, "sha256:new");
    }

    #[test]
    fn article_hashes_that_disagree_keep_ours_and_report() {
        let base = sc(&[]);
        let (mut ours, mut theirs) = (sc(&[]), sc(&[]));
        ours.article.hash = "sha256:ours".into();
        theirs.article.hash = "sha256:theirs".into();
        let o = merge(Some(&base), Some(&ours), Some(&theirs));
        assert_eq!(o.sidecar.article.hash, "sha256:ours");
        assert!(matches!(o.notes[0], MergeNote::ArticleDiffers { .. }));
        assert_eq!(o.conflict_count(), 0);
    }

    #[test]
    fn the_document_note_follows_the_side_that_changed_it_and_both_are_kept_otherwise() {
        let with = |note: Option<&str>| {
            let mut s = sc(&[]);
            s.note = note.map(str::to_owned);
            s
        };
        let base = with(Some("base"));
        let o = merge(Some(&base), Some(&base), Some(&with(Some("theirs"))));
        assert_eq!(o.sidecar.note.as_deref(), Some("theirs"));
        assert!(o.notes.is_empty());
        let o = merge(Some(&base), Some(&with(None)), Some(&base));
        assert_eq!(o.sidecar.note, None, "a note removed on one side");
        let o = merge(
            Some(&base),
            Some(&with(Some("mine"))),
            Some(&with(Some("other"))),
        );
        assert_eq!(o.sidecar.note.as_deref(), Some("mine\n\nother"));
        assert_eq!(o.notes, [MergeNote::NoteJoined]);
        assert_eq!(o.conflict_count(), 0, "nothing lost, nothing to resolve");
    }

    #[test]
    fn link_details_events_and_references_are_carried_through_a_merge() {
        use crate::model::annotation::{EventInfo, Link, Normalization};
        let x = ann("x", 0);
        let y = ann("y", 10);
        let mut theirs_x = x.clone();
        let mut link = Link::new("source", y.id.clone());
        link.input_role = Some("Source".into());
        link.event = Some("e1".into());
        link.attrs.insert("Certainty".into(), "Low".into());
        theirs_x.links.push(link);
        theirs_x.events.push(EventInfo {
            id: "e1".into(),
            kind: "Attribution".into(),
            ..EventInfo::default()
        });
        theirs_x.norms.push(Normalization {
            kind: "Reference".into(),
            db: "Wikipedia".into(),
            entry: "1".into(),
            text: String::new(),
        });
        let base = sc(&[x.clone(), y.clone()]);
        let o = merge(
            Some(&base),
            Some(&sc(&[x.clone(), noted(&y, "ours")])),
            Some(&sc(&[theirs_x.clone(), y.clone()])),
        );
        let merged = o.sidecar.annotations.iter().find(|a| a.id == x.id).unwrap();
        assert_eq!(merged, &theirs_x);
        // Both sides changing the same annotation keeps theirs whole in `conflict`.
        let ours_x = noted(&x, "mine");
        let o = merge(
            Some(&base),
            Some(&sc(&[ours_x, y.clone()])),
            Some(&sc(&[theirs_x.clone(), y])),
        );
        let merged = o.sidecar.annotations.iter().find(|a| a.id == x.id).unwrap();
        assert_eq!(merged.conflict.as_deref(), Some(&theirs_x));
    }
}
