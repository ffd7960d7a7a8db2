//! Anchoring: checking that each annotation still sits on its quote.
//!
//! [`verify`] never changes anything: it lists every annotation whose offsets
//! do not hold its quote in the article text, plus structural problems
//! (duplicate ids, empty or out-of-range spans, links to missing ids, spans
//! that split a grapheme cluster). Re-anchoring builds on it.
//!
//! ```
//! use marginalia::model::{anchor::*, annotation::*, document::Article, offset::CharRange};
//! let article = Article::new("Dehqan met Hasanov.".into());
//! let mut a = Annotation::new(&article, CharRange::from_usize(0, 6), Label::Entity, "x",
//!     chrono::Utc::now(), Origin::Manual).unwrap();
//! assert!(verify(&article, std::slice::from_ref(&a)).is_empty());
//! a.quote = "Hasanov".into();
//! assert!(matches!(verify(&article, &[a])[0].kind, ProblemKind::QuoteMismatch { .. }));
//! ```

use crate::model::annotation::{AnchorState, Annotation, AnnotationId, Annotations};
use crate::model::document::Article;
use std::collections::HashSet;
use std::fmt;

/// One thing wrong with one annotation.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Problem {
    /// The annotation concerned.
    pub id: AnnotationId,
    /// What is wrong.
    pub kind: ProblemKind,
}

/// What can be wrong with an annotation.
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum ProblemKind {
    /// `end` is past the article's length.
    OutOfRange {
        /// The span.
        start: usize,
        /// Its end.
        end: usize,
        /// The article's length in code points.
        char_len: usize,
    },
    /// `start >= end`.
    Empty,
    /// The text at the offsets is not the quote.
    QuoteMismatch {
        /// What the sidecar says.
        expected: String,
        /// What the article has there.
        found: String,
    },
    /// Another annotation has the same id.
    DuplicateId,
    /// An offset falls inside a grapheme cluster (e.g. between a letter and its accent).
    SplitsGrapheme {
        /// The offending offset.
        offset: usize,
    },
    /// A link points to an id that is not in the sidecar.
    DanglingLink {
        /// The missing id.
        target: AnnotationId,
    },
    /// Re-anchoring left it fuzzy or orphaned (or moved, not yet confirmed).
    NotExact(AnchorState),
}

impl fmt::Display for ProblemKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ProblemKind::OutOfRange {
                start,
                end,
                char_len,
            } => write!(
                f,
                "offsets {start}..{end} run past the end of the article ({char_len} code points)"
            ),
            ProblemKind::Empty => f.write_str("empty span (start >= end)"),
            ProblemKind::QuoteMismatch { expected, found } => {
                write!(f, "quote {expected:?} does not match the text {found:?}")
            }
            ProblemKind::DuplicateId => f.write_str("duplicate id"),
            ProblemKind::SplitsGrapheme { offset } => {
                write!(f, "offset {offset} splits a character (grapheme cluster)")
            }
            ProblemKind::DanglingLink { target } => {
                write!(f, "links to missing annotation {target}")
            }
            ProblemKind::NotExact(state) => write!(f, "anchor is {state:?}, needs review"),
        }
    }
}

/// Check every annotation against the article. An empty result means every
/// annotation is exact.
pub fn verify(article: &Article, annotations: &[Annotation]) -> Vec<Problem> {
    verify_on(article, annotations, 1)
}

/// Hold the quote of every annotation that matches `article` at its offsets
/// as a range of the article (see [`crate::model::quote::Quote`]), on up to
/// `threads` threads; quotes that differ keep their own text. Returns how
/// many are held as ranges. 50,000 long spans' quotes are 80 MB of strings
/// the article already holds.
pub fn share_quotes(article: &Article, annotations: &mut [Annotation], threads: usize) -> usize {
    share_quotes_with(article, annotations, threads, false)
}

/// [`share_quotes`] for annotations just read by a reader that made each
/// quote it holds as a range of `article` from that annotation's own
/// offsets (`sidecar::read_streamed`): those stay as they are, without
/// turning 100,000 offsets into bytes again; the other quotes are tried.
/// [`verify`] still checks every quote against the article at its offsets.
pub fn share_other_quotes(
    article: &Article,
    annotations: &mut [Annotation],
    threads: usize,
) -> usize {
    share_quotes_with(article, annotations, threads, true)
}

fn share_quotes_with(
    article: &Article,
    annotations: &mut [Annotation],
    threads: usize,
    keep_shared: bool,
) -> usize {
    let text = article.shared_text();
    let share = |part: &mut [Annotation]| {
        part.iter_mut()
            .filter_map(|a| {
                if keep_shared && a.quote.bytes_in(text).is_some() {
                    return Some(());
                }
                let range = a.range();
                a.quote.share_with(article, range).then_some(())
            })
            .count()
    };
    let parts = threads.min(annotations.len() / MIN_PER_THREAD).max(1);
    if parts == 1 {
        return share(annotations);
    }
    let chunk = annotations.len().div_ceil(parts);
    std::thread::scope(|scope| {
        let handles: Vec<_> = annotations
            .chunks_mut(chunk)
            .map(|part| scope.spawn(move || share(part)))
            .collect();
        handles
            .into_iter()
            .map(|h| {
                h.join()
                    .unwrap_or_else(|panic| std::panic::resume_unwind(panic))
            })
            .sum()
    })
}

/// Below this many annotations per thread, [`verify_on`] stays on one.
const MIN_PER_THREAD: usize = 4096;

/// [`verify`] on up to `threads` threads: the same problems in the same
/// order. Checking 50,000 annotations (slicing the text at each and
/// comparing) was one core's work after a sidecar parsed on all of them.
pub fn verify_on(article: &Article, annotations: &[Annotation], threads: usize) -> Vec<Problem> {
    let ids: HashSet<&AnnotationId> = annotations.iter().map(|a| &a.id).collect();
    let has_duplicates = ids.len() != annotations.len();
    verify_with(
        article,
        annotations,
        threads,
        &|id| ids.contains(id),
        has_duplicates,
    )
}

/// [`verify_on`] for a whole [`Annotations`] set: the same problems in the
/// same order, with the set's own id map answering which ids exist instead
/// of a set of all ids built again (50,000 of them when a big sidecar opens).
pub fn verify_set_on(article: &Article, set: &Annotations, threads: usize) -> Vec<Problem> {
    verify_with(
        article,
        set.as_slice(),
        threads,
        &|id| set.contains_id(id),
        set.has_duplicate_ids(),
    )
}

/// [`verify_on`] given whether an id exists and whether two share one.
fn verify_with(
    article: &Article,
    annotations: &[Annotation],
    threads: usize,
    has_id: &(dyn Fn(&AnnotationId) -> bool + Sync),
    has_duplicates: bool,
) -> Vec<Problem> {
    // Duplicates are looked for only when there are some (a second set of
    // 50,000 ids is a noticeable part of opening a big sidecar); which
    // occurrence is the duplicate depends on order, so that stays on one thread.
    let parts = threads.min(annotations.len() / MIN_PER_THREAD).max(1);
    if has_duplicates || parts == 1 {
        return verify_slice(article, annotations, has_id, has_duplicates);
    }
    let chunk = annotations.len().div_ceil(parts);
    std::thread::scope(|scope| {
        let rest: Vec<_> = annotations
            .chunks(chunk)
            .skip(1)
            .map(|part| scope.spawn(move || verify_slice(article, part, has_id, false)))
            .collect();
        let first = annotations.get(..chunk).unwrap_or(annotations);
        let mut problems = verify_slice(article, first, has_id, false);
        for h in rest {
            match h.join() {
                Ok(more) => problems.extend(more),
                Err(panic) => std::panic::resume_unwind(panic),
            }
        }
        problems
    })
}

/// The problems of `annotations`, given the ids of all of them.
fn verify_slice(
    article: &Article,
    annotations: &[Annotation],
    has_id: &(dyn Fn(&AnnotationId) -> bool + Sync),
    has_duplicates: bool,
) -> Vec<Problem> {
    let mut problems = Vec::new();
    let mut seen = HashSet::new();
    for a in annotations {
        let mut push = |kind| {
            problems.push(Problem {
                id: a.id.clone(),
                kind,
            })
        };
        if has_duplicates && !seen.insert(&a.id) {
            push(ProblemKind::DuplicateId);
        }
        for l in &a.links {
            if !has_id(&l.target) {
                push(ProblemKind::DanglingLink {
                    target: l.target.clone(),
                });
            }
        }
        if !a.anchor.is_exact() {
            push(ProblemKind::NotExact(a.anchor));
            continue;
        }
        if a.start >= a.end {
            push(ProblemKind::Empty);
            continue;
        }
        let Some((bytes, found)) = article
            .byte_range(a.range())
            .and_then(|b| Some((b.clone(), article.text().get(b)?)))
        else {
            push(ProblemKind::OutOfRange {
                start: a.start.0,
                end: a.end.0,
                char_len: article.char_len(),
            });
            continue;
        };
        // A quote held as these very bytes of the article is its text
        // there: no need to compare 1,600 chars of a long span again.
        let is_these_bytes = a.quote.bytes_in(article.shared_text()) == Some(bytes.clone());
        if !is_these_bytes && found != a.quote {
            push(ProblemKind::QuoteMismatch {
                expected: a.quote.as_str().to_owned(),
                found: found.to_owned(),
            });
            continue;
        }
        for (offset, byte) in [(a.start, bytes.start), (a.end, bytes.end)] {
            if article.splits_grapheme_at_byte(byte) {
                push(ProblemKind::SplitsGrapheme { offset: offset.0 });
            }
        }
    }
    problems
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::annotation::{Link, test_entity as at};

    #[test]
    fn verify_lists_each_structural_problem_once() {
        let article = Article::new("Dehqan met Hasanov in Tehran.".into());
        let clean = vec![at(&article, 0, 6, "a"), at(&article, 11, 18, "b")];
        assert!(verify(&article, &clean).is_empty());

        let mut twin = at(&article, 22, 28, "a");
        twin.links
            .push(Link::new("speaker", AnnotationId("missing".into())));
        let mut far = at(&article, 0, 6, "c");
        far.start = crate::model::offset::CharOffset(100);
        far.end = crate::model::offset::CharOffset(104);
        let mut anns = clean.clone();
        anns.extend([twin, far]);
        let kinds: Vec<(String, ProblemKind)> = verify(&article, &anns)
            .into_iter()
            .map(|p| (p.id.0, p.kind))
            .collect();
        assert_eq!(kinds.len(), 3, "{kinds:?}");
        assert!(kinds.contains(&("a".into(), ProblemKind::DuplicateId)));
        assert!(kinds.contains(&(
            "a".into(),
            ProblemKind::DanglingLink {
                target: AnnotationId("missing".into())
            }
        )));
        assert!(
            kinds
                .iter()
                .any(|(id, k)| id == "c" && matches!(k, ProblemKind::OutOfRange { .. }))
        );
    }

    /// An article with more annotations than one thread takes, named
    /// `n0`, `n1`, … and spread over it.
    fn spread_over_threads() -> (Article, Vec<Annotation>) {
        let text = "Dehqan met Hasanov in Tehran, é😀 said Ali. ".repeat(400);
        let article = Article::new(text);
        let anns = (0..3 * MIN_PER_THREAD + 17)
            .map(|i| {
                let start = (i * 7) % 15_000;
                at(&article, start, start + 1 + i % 9, &format!("n{i}"))
            })
            .collect();
        (article, anns)
    }

    #[test]
    fn verify_on_threads_lists_the_same_problems_in_the_same_order() {
        let (article, mut anns) = spread_over_threads();
        for (i, a) in anns.iter_mut().enumerate() {
            match i % 997 {
                1 => a.quote = "not here".into(),
                2 => a
                    .links
                    .push(Link::new("speaker", AnnotationId(format!("gone{i}")))),
                3 => a.end = crate::model::offset::CharOffset(99_999),
                _ => {}
            }
        }
        let one = verify(&article, &anns);
        assert!(one.len() > 30, "{}", one.len());
        assert_eq!(verify_on(&article, &anns, 4), one);
        assert_eq!(verify_on(&article, &anns, 2), one);
    }

    #[test]
    fn verify_set_on_lists_what_verify_lists_with_the_sets_own_id_map() {
        let (article, mut anns) = spread_over_threads();
        for (i, a) in anns.iter_mut().enumerate() {
            match i % 499 {
                1 => a.quote = "not here".into(),
                2 => a
                    .links
                    .push(Link::new("speaker", AnnotationId(format!("gone{i}")))),
                3 => a
                    .links
                    .push(Link::new("speaker", AnnotationId(format!("n{}", i + 1)))),
                _ => {}
            }
        }
        let mut set = Annotations::from_vec(anns.clone());
        let one = verify(&article, set.as_slice());
        assert!(
            one.iter()
                .any(|p| matches!(p.kind, ProblemKind::DanglingLink { .. }))
        );
        assert!(
            !one.iter().any(|p| matches!(
                &p.kind,
                ProblemKind::DanglingLink { target } if target.0.starts_with('n')
            )),
            "links to ids in the set are not dangling"
        );
        for threads in [1, 2, 4] {
            assert_eq!(verify_set_on(&article, &set, threads), one);
        }
        // A second annotation with a taken id: duplicates are found, in order.
        set.insert(at(&article, 3, 9, "n5"));
        let with_duplicate = verify(&article, set.as_slice());
        assert!(
            with_duplicate
                .iter()
                .any(|p| p.kind == ProblemKind::DuplicateId)
        );
        for threads in [1, 2, 4] {
            assert_eq!(verify_set_on(&article, &set, threads), with_duplicate);
        }
        // Removing it leaves the set as before.
        let duplicate = set.as_slice()[set.position(&AnnotationId("n5".into())).unwrap()].clone();
        set.remove(&duplicate.id);
        let after = verify(&article, set.as_slice());
        assert_eq!(verify_set_on(&article, &set, 2), after);
    }
}
