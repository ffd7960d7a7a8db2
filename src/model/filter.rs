//! Which annotations are shown: by label, by status and by author. The side
//! panel's list and the article view's highlights read the same filter, so
//! hiding a label hides both its rows and its highlights.

use crate::model::annotation::{AnchorState, Annotation, Label, Status};

/// Which annotations are shown, in the list and in the text.
#[derive(Clone, Debug, Hash, PartialEq, Eq)]
pub struct Filter {
    /// Shown labels, in [`Label::ALL`] order.
    pub labels: [bool; 3],
    /// Shown statuses, in [`Status::ALL`] order.
    pub statuses: [bool; 3],
    /// Only authors containing this (case-insensitive); empty shows all.
    pub author: String,
}

impl Default for Filter {
    fn default() -> Self {
        Filter {
            labels: [true; 3],
            statuses: [true; 3],
            author: String::new(),
        }
    }
}

impl Filter {
    /// True when `a` passes.
    pub fn accepts(&self, a: &Annotation) -> bool {
        let li = Label::ALL.iter().position(|l| *l == a.label).unwrap_or(0);
        let si = Status::ALL.iter().position(|s| *s == a.status).unwrap_or(0);
        self.labels[li]
            && self.statuses[si]
            && (self.author.is_empty()
                || a.author
                    .to_lowercase()
                    .contains(&self.author.trim().to_lowercase()))
    }

    /// True when `a` passes and has a place in the text: an orphan (its
    /// quote no longer in the article) is listed, never drawn at its stale
    /// offsets over other words.
    pub fn accepts_in_text(&self, a: &Annotation) -> bool {
        a.anchor != AnchorState::Orphaned && self.accepts(a)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::annotation::Origin;
    use crate::model::document::Article;
    use crate::model::offset::CharRange;

    #[test]
    fn filters_by_label_status_and_author() {
        let article = Article::new("Dehqan said it.".into());
        let a = Annotation::new(
            &article,
            CharRange::from_usize(0, 6),
            Label::Entity,
            "Ana",
            chrono::Utc::now(),
            Origin::Manual,
        )
        .expect("valid range");
        let mut f = Filter::default();
        assert!(f.accepts(&a));
        f.labels[0] = false;
        assert!(!f.accepts(&a), "entities hidden");
        f = Filter {
            author: "an".into(),
            ..Filter::default()
        };
        assert!(f.accepts(&a), "author matches case-insensitively");
        f.author = "bo".into();
        assert!(!f.accepts(&a));
    }
}
