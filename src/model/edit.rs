//! Edits to the annotation set, and the undo/redo history.
//!
//! Every change the UI makes is an [`Edit`]; a user action is a group of them
//! (a [`Change`]). Each edit stores both sides, so undo applies the inverse
//! and nothing is recomputed by hand. Invariant: after `apply` then `undo`
//! the set is exactly what it was.
//!
//! ```
//! use marginalia::model::{annotation::*, document::Article, edit::*, offset::CharRange};
//! let article = Article::new("Dehqan said so.".into());
//! let a = Annotation::new(&article, CharRange::from_usize(0, 6), Label::Entity, "ana",
//!     chrono::Utc::now(), Origin::Manual).unwrap();
//! let mut set = Annotations::default();
//! let mut history = History::default();
//! history.apply(&mut set, vec![Edit::Insert(a)]);
//! assert_eq!(set.len(), 1);
//! assert!(history.undo(&mut set));
//! assert_eq!(set.len(), 0);
//! assert!(history.redo(&mut set));
//! assert_eq!(set.len(), 1);
//! ```

use crate::model::annotation::{Annotation, Annotations};
use serde::{Deserialize, Serialize};

/// One reversible change (serialized in the crash journal).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum Edit {
    /// Add an annotation.
    Insert(Annotation),
    /// Remove an annotation (the full value, so undo can restore it).
    Remove(Annotation),
    /// Change an annotation (same id).
    Update {
        /// The old version.
        before: Box<Annotation>,
        /// The new version.
        after: Box<Annotation>,
    },
}

impl Edit {
    /// The edit that undoes this one.
    pub fn inverse(&self) -> Edit {
        match self {
            Edit::Insert(a) => Edit::Remove(a.clone()),
            Edit::Remove(a) => Edit::Insert(a.clone()),
            Edit::Update { before, after } => Edit::Update {
                before: after.clone(),
                after: before.clone(),
            },
        }
    }

    /// Apply to a set. Returns false when the edit did not fit (e.g. removing
    /// an id that is not there); the set is then unchanged.
    pub fn apply_to(&self, set: &mut Annotations) -> bool {
        match self {
            Edit::Insert(a) => {
                if set.get(&a.id).is_some() {
                    return false;
                }
                set.insert(a.clone());
                true
            }
            Edit::Remove(a) => set.remove(&a.id).is_some(),
            Edit::Update { after, .. } => set.replace((**after).clone()).is_some(),
        }
    }

    /// Apply to a set only when the set holds exactly what the edit
    /// expects (no annotation with an inserted id; the very annotation
    /// removed or updated), as when replaying edits on the state they were
    /// made on. Returns false, leaving the set unchanged, otherwise.
    pub fn apply_exactly(&self, set: &mut Annotations) -> bool {
        let fits = match self {
            Edit::Insert(a) => set.get(&a.id).is_none(),
            Edit::Remove(a) => set.get(&a.id) == Some(a),
            Edit::Update { before, after } => {
                before.id == after.id && set.get(&before.id) == Some(&**before)
            }
        };
        fits && self.apply_to(set)
    }
}

/// A group of edits made by one user action.
pub type Change = Vec<Edit>;

/// Undo and redo stacks.
#[derive(Clone, Debug, Default)]
pub struct History {
    undo: Vec<Change>,
    redo: Vec<Change>,
}

impl History {
    /// Apply a change and record it. Edits that do not fit are dropped from
    /// the record, so undo never tries to invert what never happened.
    /// Returns how many edits were applied.
    pub fn apply(&mut self, set: &mut Annotations, change: Change) -> usize {
        let applied: Change = change.into_iter().filter(|e| e.apply_to(set)).collect();
        let n = applied.len();
        if n > 0 {
            self.undo.push(applied);
            self.redo.clear();
        }
        n
    }

    /// Undo the last change. False when there is nothing to undo.
    pub fn undo(&mut self, set: &mut Annotations) -> bool {
        let Some(change) = self.undo.pop() else {
            return false;
        };
        for e in change.iter().rev() {
            e.inverse().apply_to(set);
        }
        self.redo.push(change);
        true
    }

    /// Redo the last undone change. False when there is nothing to redo.
    pub fn redo(&mut self, set: &mut Annotations) -> bool {
        let Some(change) = self.redo.pop() else {
            return false;
        };
        for e in &change {
            e.apply_to(set);
        }
        self.undo.push(change);
        true
    }

    /// The change the last [`History::apply`] or [`History::redo`] applied
    /// (the top of the undo stack).
    pub fn last_done(&self) -> Option<&Change> {
        self.undo.last()
    }

    /// The change the last [`History::undo`] took back (the top of the redo
    /// stack): the set changed by its inverse edits, in reverse order.
    pub fn last_undone(&self) -> Option<&Change> {
        self.redo.last()
    }

    /// True when there is something to undo.
    pub fn can_undo(&self) -> bool {
        !self.undo.is_empty()
    }

    /// True when there is something to redo.
    pub fn can_redo(&self) -> bool {
        !self.redo.is_empty()
    }

    /// Forget everything (after loading another article).
    pub fn clear(&mut self) {
        self.undo.clear();
        self.redo.clear();
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::annotation::{Label, Origin};
    use crate::model::document::Article;
    use crate::model::offset::CharRange;

    #[test]
    fn undo_restores_exactly_and_new_change_clears_redo() {
        let article = Article::new("one two three four".into());
        let now = chrono::Utc::now();
        let mk = |s, e| {
            Annotation::new(
                &article,
                CharRange::from_usize(s, e),
                Label::Claim,
                "a",
                now,
                Origin::Manual,
            )
            .unwrap()
        };
        let (a, b) = (mk(0, 3), mk(4, 7));
        let mut set = Annotations::default();
        let mut h = History::default();
        h.apply(
            &mut set,
            vec![Edit::Insert(a.clone()), Edit::Insert(b.clone())],
        );
        let mut b2 = b.clone();
        b2.set_range(&article, CharRange::from_usize(8, 13));
        h.apply(
            &mut set,
            vec![Edit::Update {
                before: Box::new(b.clone()),
                after: Box::new(b2.clone()),
            }],
        );
        assert_eq!(set.get(&b.id).unwrap().quote, "three");
        assert!(h.undo(&mut set));
        assert_eq!(set.get(&b.id).unwrap().quote, "two");
        h.apply(&mut set, vec![Edit::Remove(a.clone())]);
        assert!(!h.can_redo());
        assert!(h.undo(&mut set) && h.undo(&mut set));
        assert!(set.is_empty());
        assert!(!h.undo(&mut set));
        set.assert_invariants();
    }

    #[test]
    fn edits_that_do_not_fit_are_not_recorded() {
        let mut set = Annotations::default();
        let mut h = History::default();
        let article = Article::new("abc".into());
        let a = Annotation::new(
            &article,
            CharRange::from_usize(0, 1),
            Label::Quote,
            "a",
            chrono::Utc::now(),
            Origin::Manual,
        )
        .unwrap();
        assert_eq!(h.apply(&mut set, vec![Edit::Remove(a)]), 0);
        assert!(!h.can_undo());
    }
}
