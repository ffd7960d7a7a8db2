//! Re-anchoring: finding each annotation again after its article changed.
//!
//! When the article text no longer has the hash its sidecar recorded,
//! [`reanchor`] looks for every annotation in the new text, in this order, and
//! records how it was found in [`Annotation::anchor`]:
//!
//! 1. **Exact position.** The text at the old offsets is still the quote →
//!    [`AnchorState::Exact`].
//! 2. **Mapped position.** When the old text is known (the caller passes it;
//!    the window keeps it during a session, the CLI does not store copies and
//!    passes `None`), a char-level diff (`similar`, Myers) maps the old offsets
//!    to new ones; a mapped span that holds the quote → `Moved`.
//! 3. **Exact quote search.** Every occurrence of the quote is a candidate,
//!    scored by how many chars of the stored prefix (backwards) and suffix
//!    (forwards) still surround it; ties go to the one nearest the *expected*
//!    position (the mapped one, else the old start shifted by the shift of the
//!    previous annotation). A candidate is accepted only when at least one
//!    side's context agrees — [`CONTEXT_AGREE_CHARS`] chars (or the whole stored
//!    side when shorter; an empty stored side agrees only at the text's
//!    edge) — or when the quote occurs exactly once and is at least
//!    [`UNIQUE_QUOTE_MIN_CHARS`] long. So a lookalike "the minister" elsewhere
//!    never captures an annotation whose own sentence was deleted → `Moved`.
//! 4. **Fuzzy search.** Candidate positions are the expected position plus the
//!    hits of exact "seed" chunks of the quote (the diff-match-patch approach
//!    Hypothesis uses: bounded search windows, never the whole text
//!    char-by-char). Around each, a semi-global edit-distance alignment
//!    (Sellers) finds the best span. Accepted when the quote similarity
//!    (`1 - distance / quote length`) is at least [`FUZZY_MIN_QUOTE_SIMILARITY`]
//!    and the context similarity (edit distance of stored vs. current prefix
//!    and suffix, averaged) is at least [`FUZZY_MIN_CONTEXT_SIMILARITY`] →
//!    `Fuzzy`: offsets, quote and context move to the found span and the old
//!    quote is kept in [`Annotation::original_quote`] for review.
//! 5. Otherwise **`Orphaned`**: offsets and quote are left as they were. An
//!    annotation is never dropped.
//!
//! **Certain moves are exact.** A place found in step 2 or 3 where the quote
//! and *both* stored contexts are intact (a side stored shorter than
//! [`CONTEXT_CHARS`], cut by the text's edge, must be at that edge again),
//! and where that whole context-quote-context string occurs exactly once in
//! the new text, is certain: the annotation is `Exact` at its new offsets. So
//! a paragraph inserted at the top leaves the annotations below it exact.
//! Everything else found in steps 2 and 3 is `Moved` and waits for a person.
//!
//! Re-anchoring never *upgrades* an unconfirmed state: an annotation that was
//! `Moved` or `Fuzzy` stays at least that until a person confirms it (which
//! sets `anchor` back to `Exact`); only `Orphaned` ones can be found again.
//! A `Moved` span that would split a grapheme cluster is downgraded to `Fuzzy`.
//!
//! Cost: the new text is held once as a `Vec<char>`; a suffix index (sorted by
//! the first [`INDEX_KEY_CHARS`] chars) is built lazily, once, when some
//! annotation is not at its old offsets (to search for it, or to check that
//! its context is unique); each annotation then costs a binary search. Fuzzy alignment is bounded
//! by the quote length (long quotes align head and tail separately).
//!
//! ```
//! use marginalia::model::{annotation::*, document::Article, offset::CharRange, reanchor::reanchor};
//! let old = Article::new("The minister said no. Then he left.".into());
//! let mut a = vec![Annotation::new(&old, CharRange::from_usize(4, 12), Label::Entity, "ana",
//!     chrono::Utc::now(), Origin::Manual).unwrap()];
//! let new = Article::new("Breaking. The minister said no. Then he left.".into());
//! let tally = reanchor(&new, &mut a, None);
//! // Its stored prefix ("The ") began the text; now it does not: uncertain.
//! assert_eq!(tally.moved, 1);
//! assert_eq!((a[0].start.0, a[0].anchor), (14, AnchorState::Moved));
//! ```

use crate::model::annotation::{AnchorState, Annotation, CONTEXT_CHARS};
use crate::model::document::Article;
use crate::model::offset::CharRange;
use std::cell::OnceCell;
use std::fmt;

/// Chars of stored context that must still match on one side for an exact
/// quote found elsewhere to be accepted.
pub const CONTEXT_AGREE_CHARS: usize = 8;

/// A quote that occurs exactly once and is at least this long is accepted
/// even when its context is gone.
pub const UNIQUE_QUOTE_MIN_CHARS: usize = 16;

/// Least quote similarity (`1 - edit distance / quote length`) for a fuzzy match.
pub const FUZZY_MIN_QUOTE_SIMILARITY: f64 = 0.75;

/// Least context similarity (mean over the stored non-empty sides) for a fuzzy match.
pub const FUZZY_MIN_CONTEXT_SIMILARITY: f64 = 0.5;

/// Chars compared when the suffix index is sorted; longer quotes are verified after.
pub const INDEX_KEY_CHARS: usize = 32;

/// At most this many occurrences of a quote (nearest the expected position) are scored.
const MAX_SCORED_OCCURRENCES: usize = 4096;
/// Seed chunks with more hits than this are too common to be useful.
const MAX_SEED_HITS: usize = 64;
/// Fuzzy candidates evaluated per annotation.
const MAX_FUZZY_CANDIDATES: usize = 32;
/// Quotes longer than this are aligned by head and tail of this length.
const MAX_ALIGN_CHARS: usize = 256;
/// How long the old → new diff may take before it settles for a coarser answer.
const DIFF_DEADLINE: std::time::Duration = std::time::Duration::from_secs(2);

/// How many annotations ended in each state.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Tally {
    /// Still at their offsets.
    pub exact: usize,
    /// Found verbatim elsewhere.
    pub moved: usize,
    /// Found approximately; need review.
    pub fuzzy: usize,
    /// Not found.
    pub orphaned: usize,
}

impl Tally {
    /// Count one annotation in `state`.
    pub fn add(&mut self, state: AnchorState) {
        match state {
            AnchorState::Exact => self.exact += 1,
            AnchorState::Moved => self.moved += 1,
            AnchorState::Fuzzy => self.fuzzy += 1,
            AnchorState::Orphaned => self.orphaned += 1,
        }
    }

    /// Count every annotation by its current state.
    pub fn of(annotations: &[Annotation]) -> Tally {
        let mut t = Tally::default();
        for a in annotations {
            t.add(a.anchor);
        }
        t
    }
}

impl fmt::Display for Tally {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "exact {}, moved {}, fuzzy {}, orphaned {}",
            self.exact, self.moved, self.fuzzy, self.orphaned
        )
    }
}

/// Re-anchor every annotation to `article` (see the module docs for the
/// order of attempts). `old_text` is the article text the offsets were made
/// for, when known. Annotations are updated in place, never removed; the
/// result counts their states.
pub fn reanchor(
    article: &Article,
    annotations: &mut [Annotation],
    old_text: Option<&str>,
) -> Tally {
    let text = Text::new(article);
    let map = old_text
        .filter(|old| *old != article.text())
        .map(|old| OffsetMap::new(old, &text.chars));
    let mut order: Vec<usize> = (0..annotations.len()).collect();
    order.sort_by_key(|&i| (annotations[i].start, annotations[i].end));
    let mut shift: isize = 0;
    let mut tally = Tally::default();
    for i in order {
        let Some(a) = annotations.get_mut(i) else {
            continue;
        };
        let found = locate(&text, map.as_ref(), a, shift).map(|f| certify(&text, a, f));
        let state = apply(article, a, found);
        if state != AnchorState::Orphaned {
            shift = a.start.0 as isize - found.map_or(0, |f| f.old_start as isize);
        }
        tally.add(state);
    }
    tally
}

/// Where an annotation was found.
#[derive(Clone, Copy, Debug)]
struct Found {
    range: CharRange,
    state: AnchorState,
    old_start: usize,
}

/// A found place is certain when the quote and both stored contexts are
/// intact there and nowhere else: then the annotation is exact at its new
/// offsets rather than `Moved`. A stored side shorter than
/// [`CONTEXT_CHARS`] was cut by the edge of the text, so it is intact only
/// at that edge again.
fn certify(text: &Text, a: &Annotation, found: Found) -> Found {
    if found.state != AnchorState::Moved {
        return found;
    }
    let start = found.range.start.0;
    let end = found.range.end.0;
    let prefix: Vec<char> = a.prefix.chars().collect();
    let suffix: Vec<char> = a.suffix.chars().collect();
    let prefix_intact = text.prefix_match(start, &prefix) == prefix.len()
        && (prefix.len() >= CONTEXT_CHARS || start == prefix.len());
    let suffix_intact = text.suffix_match(end, &suffix) == suffix.len()
        && (suffix.len() >= CONTEXT_CHARS || end + suffix.len() == text.len());
    if !(prefix_intact && suffix_intact) {
        return found;
    }
    let whole: Vec<char> = prefix
        .iter()
        .copied()
        .chain(a.quote.chars())
        .chain(suffix.iter().copied())
        .collect();
    match text.occurrences(&whole).len() {
        1 => Found {
            state: AnchorState::Exact,
            ..found
        },
        _ => found,
    }
}

fn apply(article: &Article, a: &mut Annotation, found: Option<Found>) -> AnchorState {
    let Some(found) = found else {
        // Its own text, not a range of the article it came from.
        a.quote.make_own();
        a.anchor = AnchorState::Orphaned;
        return a.anchor;
    };
    let mut state = found.state;
    if state == AnchorState::Moved
        && (article.splits_grapheme(found.range.start) || article.splits_grapheme(found.range.end))
    {
        state = AnchorState::Fuzzy;
    }
    let old_quote = a.quote.clone();
    if !a.set_range(article, found.range) {
        a.quote.make_own();
        a.anchor = AnchorState::Orphaned;
        return a.anchor;
    }
    if a.quote != old_quote && a.original_quote.is_none() {
        a.original_quote = Some(old_quote.into());
    }
    // Never upgrade an unconfirmed state (Exact < Moved < Fuzzy).
    let rank = |s: AnchorState| match s {
        AnchorState::Exact | AnchorState::Orphaned => 0,
        AnchorState::Moved => 1,
        AnchorState::Fuzzy => 2,
    };
    if rank(a.anchor) > rank(state) {
        state = a.anchor;
    }
    a.anchor = state;
    state
}

/// The new text as chars, with a lazily built suffix index.
struct Text {
    chars: Vec<char>,
    index: OnceCell<Vec<u32>>,
}

impl Text {
    fn new(article: &Article) -> Self {
        Text {
            chars: article.text().chars().collect(),
            index: OnceCell::new(),
        }
    }

    fn len(&self) -> usize {
        self.chars.len()
    }

    fn get(&self, start: usize, len: usize) -> Option<&[char]> {
        self.chars.get(start..start.checked_add(len)?)
    }

    fn key(&self, pos: usize, len: usize) -> &[char] {
        let end = pos.saturating_add(len).min(self.chars.len());
        self.chars.get(pos..end).unwrap_or_default()
    }

    fn index(&self) -> &[u32] {
        self.index.get_or_init(|| {
            let n = u32::try_from(self.chars.len()).unwrap_or(u32::MAX);
            let mut sa: Vec<u32> = (0..n).collect();
            sa.sort_unstable_by(|&a, &b| {
                self.key(a as usize, INDEX_KEY_CHARS)
                    .cmp(self.key(b as usize, INDEX_KEY_CHARS))
            });
            sa
        })
    }

    /// Every start position of `pattern`, ascending.
    fn occurrences(&self, pattern: &[char]) -> Vec<usize> {
        if pattern.is_empty() || pattern.len() > self.len() {
            return Vec::new();
        }
        let sa = self.index();
        let k = pattern.len().min(INDEX_KEY_CHARS);
        let key = &pattern[..k];
        let lo = sa.partition_point(|&p| self.key(p as usize, k) < key);
        let hi = sa.partition_point(|&p| self.key(p as usize, k) <= key);
        let mut out: Vec<usize> = sa
            .get(lo..hi)
            .unwrap_or_default()
            .iter()
            .map(|&p| p as usize)
            .filter(|&p| pattern.len() <= k || self.get(p, pattern.len()) == Some(pattern))
            .collect();
        out.sort_unstable();
        out
    }

    /// Stored prefix chars still right before `pos`, counted backwards.
    fn prefix_match(&self, pos: usize, prefix: &[char]) -> usize {
        let before = self.chars.get(..pos).unwrap_or_default();
        before
            .iter()
            .rev()
            .zip(prefix.iter().rev())
            .take_while(|(a, b)| a == b)
            .count()
    }

    /// Stored suffix chars still right after `end`, counted forwards.
    fn suffix_match(&self, end: usize, suffix: &[char]) -> usize {
        let after = self.chars.get(end..).unwrap_or_default();
        after.iter().zip(suffix).take_while(|(a, b)| a == b).count()
    }
}

/// Old → new char offsets, from the equal runs of a char diff.
struct OffsetMap {
    /// `(old_start, new_start, len)`, ascending in both.
    equal: Vec<(usize, usize, usize)>,
}

impl OffsetMap {
    fn new(old: &str, new: &[char]) -> Self {
        let old: Vec<char> = old.chars().collect();
        let deadline = std::time::Instant::now() + DIFF_DEADLINE;
        let ops = similar::capture_diff_slices_deadline(
            similar::Algorithm::Myers,
            &old,
            new,
            Some(deadline),
        );
        let equal = ops
            .iter()
            .filter_map(|op| match *op {
                similar::DiffOp::Equal {
                    old_index,
                    new_index,
                    len,
                } => Some((old_index, new_index, len)),
                _ => None,
            })
            .collect();
        OffsetMap { equal }
    }

    /// The new position of old char `pos`, when it survived.
    fn map_char(&self, pos: usize) -> Option<usize> {
        let i = self.equal.partition_point(|&(o, _, _)| o <= pos);
        let &(o, n, len) = self.equal.get(i.checked_sub(1)?)?;
        (pos < o + len).then_some(n + (pos - o))
    }

    /// The new range of an old one, when its first and last chars survived.
    fn map_range(&self, start: usize, end: usize) -> Option<CharRange> {
        let s = self.map_char(start)?;
        let last = self.map_char(end.checked_sub(1)?)?;
        (last >= s).then(|| CharRange::from_usize(s, last + 1))
    }
}

/// The stored anchor of one annotation, as chars.
struct Target {
    quote: Vec<char>,
    prefix: Vec<char>,
    suffix: Vec<char>,
    old_start: usize,
    expected: usize,
}

fn locate(text: &Text, map: Option<&OffsetMap>, a: &Annotation, shift: isize) -> Option<Found> {
    let quote: Vec<char> = a.quote.chars().collect();
    let old_start = a.start.0;
    let quote_len = quote.len();
    let found = |start: usize, state| Found {
        range: CharRange::from_usize(start, start + quote_len),
        state,
        old_start,
    };
    // 1. Exact position.
    if text.get(old_start, quote.len()) == Some(&quote[..]) {
        if quote.is_empty() {
            return None;
        }
        return Some(found(old_start, AnchorState::Exact));
    }
    if quote.is_empty() {
        return None;
    }
    // 2. Mapped position.
    let mapped = map.and_then(|m| m.map_range(old_start, old_start.saturating_add(quote.len())));
    if let Some(r) = mapped
        && r.char_len() == quote.len()
        && text.get(r.start.0, quote.len()) == Some(&quote[..])
    {
        return Some(found(r.start.0, AnchorState::Moved));
    }
    let expected = match mapped {
        Some(r) => r.start.0,
        None => old_start.saturating_add_signed(shift).min(text.len()),
    };
    let target = Target {
        prefix: a.prefix.chars().collect(),
        suffix: a.suffix.chars().collect(),
        quote,
        old_start,
        expected,
    };
    // 3. Exact quote search; the expected position with all its context is the best possible.
    if text.get(expected, target.quote.len()) == Some(&target.quote[..])
        && text.prefix_match(expected, &target.prefix) == target.prefix.len()
        && text.suffix_match(expected + target.quote.len(), &target.suffix) == target.suffix.len()
    {
        return Some(found(expected, AnchorState::Moved));
    }
    if let Some(start) = search_exact(text, &target) {
        return Some(found(start, AnchorState::Moved));
    }
    // 4. Fuzzy search.
    search_fuzzy(text, &target).map(|range| Found {
        range,
        state: AnchorState::Fuzzy,
        old_start,
    })
}

fn distance(a: usize, b: usize) -> usize {
    a.abs_diff(b)
}

/// The occurrences nearest `expected`, at most `limit` of them.
fn nearest(mut positions: Vec<usize>, expected: usize, limit: usize) -> Vec<usize> {
    if positions.len() > limit {
        positions.sort_by_key(|&p| distance(p, expected));
        positions.truncate(limit);
    }
    positions
}

fn search_exact(text: &Text, t: &Target) -> Option<usize> {
    let all = text.occurrences(&t.quote);
    let unique_and_long = all.len() == 1 && t.quote.len() >= UNIQUE_QUOTE_MIN_CHARS;
    let agrees = |stored: &[char], matched: usize, at_edge: bool| {
        if stored.is_empty() {
            at_edge
        } else {
            matched >= stored.len().min(CONTEXT_AGREE_CHARS)
        }
    };
    nearest(all, t.expected, MAX_SCORED_OCCURRENCES)
        .into_iter()
        .filter_map(|p| {
            let end = p + t.quote.len();
            let pm = text.prefix_match(p, &t.prefix);
            let sm = text.suffix_match(end, &t.suffix);
            let ok = unique_and_long
                || agrees(&t.prefix, pm, p == 0)
                || agrees(&t.suffix, sm, end == text.len());
            ok.then_some((pm + sm, p))
        })
        .max_by(|(sa, pa), (sb, pb)| {
            sa.cmp(sb)
                .then(distance(*pb, t.expected).cmp(&distance(*pa, t.expected)))
        })
        .map(|(_, p)| p)
}

fn search_fuzzy(text: &Text, t: &Target) -> Option<CharRange> {
    let m = t.quote.len();
    let mut candidates = vec![t.expected, t.old_start.min(text.len())];
    if m >= 8 {
        let chunk = (m / 4).clamp(8, 16);
        let mut offsets = vec![0, m / 4, m / 2, (3 * m) / 4, m - chunk];
        offsets.retain(|&o| o + chunk <= m);
        offsets.dedup();
        for o in offsets {
            let hits = text.occurrences(&t.quote[o..o + chunk]);
            if hits.len() <= MAX_SEED_HITS {
                candidates.extend(hits.into_iter().map(|h| h.saturating_sub(o)));
            }
        }
    }
    let slack = (m / 4).max(16);
    candidates.sort_unstable();
    candidates.dedup_by(|a, b| a.abs_diff(*b) < slack / 2);
    let candidates = nearest(candidates, t.expected, MAX_FUZZY_CANDIDATES);
    let mut best: Option<(f64, usize, CharRange)> = None;
    for c in candidates {
        let Some((range, quote_sim)) = align(text, &t.quote, c, slack) else {
            continue;
        };
        if quote_sim < FUZZY_MIN_QUOTE_SIMILARITY {
            continue;
        }
        let ctx_sim = context_similarity(text, range, t);
        if ctx_sim < FUZZY_MIN_CONTEXT_SIMILARITY {
            continue;
        }
        let score = quote_sim + 0.5 * ctx_sim;
        let dist = distance(range.start.0, t.expected);
        let better = match best {
            None => true,
            Some((s, d, _)) => score > s + 1e-9 || ((score - s).abs() <= 1e-9 && dist < d),
        };
        if better {
            best = Some((score, dist, range));
        }
    }
    best.map(|(_, _, r)| r)
}

/// Mean similarity of the stored context to the context around `range`.
fn context_similarity(text: &Text, range: CharRange, t: &Target) -> f64 {
    let mut sims = Vec::new();
    if !t.prefix.is_empty() {
        let from = range.start.0.saturating_sub(t.prefix.len());
        let actual = text.chars.get(from..range.start.0).unwrap_or_default();
        sims.push(similarity(&t.prefix, actual));
    }
    if !t.suffix.is_empty() {
        let to = (range.end.0 + t.suffix.len()).min(text.len());
        let actual = text.chars.get(range.end.0..to).unwrap_or_default();
        sims.push(similarity(&t.suffix, actual));
    }
    if sims.is_empty() {
        1.0
    } else {
        sims.iter().sum::<f64>() / sims.len() as f64
    }
}

/// `1 - levenshtein / max length`, in `[0, 1]`.
fn similarity(a: &[char], b: &[char]) -> f64 {
    let n = a.len().max(b.len());
    if n == 0 {
        return 1.0;
    }
    1.0 - levenshtein(a, b) as f64 / n as f64
}

fn levenshtein(a: &[char], b: &[char]) -> usize {
    let mut row: Vec<usize> = (0..=b.len()).collect();
    for (i, ca) in a.iter().enumerate() {
        let mut diag = row[0];
        row[0] = i + 1;
        for (j, cb) in b.iter().enumerate() {
            let up = row[j + 1];
            row[j + 1] = (diag + usize::from(ca != cb)).min(up + 1).min(row[j] + 1);
            diag = up;
        }
    }
    row[b.len()]
}

/// Semi-global alignment (Sellers): the end in `region` (exclusive) where
/// `pattern` aligns with the fewest edits, preferring ends near `want_end`.
fn best_end(pattern: &[char], region: &[char], want_end: usize) -> (usize, usize) {
    // row[j]: edits to align pattern[..i] ending at region[..j]; free start.
    let mut row = vec![0usize; region.len() + 1];
    for (i, cp) in pattern.iter().enumerate() {
        let mut diag = row[0];
        row[0] = i + 1;
        for (j, cr) in region.iter().enumerate() {
            let up = row[j + 1];
            row[j + 1] = (diag + usize::from(cp != cr)).min(up + 1).min(row[j] + 1);
            diag = up;
        }
    }
    row.iter()
        .enumerate()
        .min_by_key(|&(j, &d)| (d, distance(j, want_end)))
        .map_or((0, pattern.len()), |(j, &d)| (j, d))
}

/// Align `pattern` within `region` and return `(start, end, edits)` in region coordinates.
fn align_in(pattern: &[char], region: &[char], want_start: usize) -> (usize, usize, usize) {
    let (end, edits) = best_end(pattern, region, want_start + pattern.len());
    let rev_pattern: Vec<char> = pattern.iter().rev().copied().collect();
    let rev_region: Vec<char> = region[..end].iter().rev().copied().collect();
    let want_rev = end.saturating_sub(want_start);
    let (rev_end, _) = best_end(&rev_pattern, &rev_region, want_rev);
    (end - rev_end, end, edits)
}

/// The best span for `quote` near `approx_start`, with its similarity.
fn align(
    text: &Text,
    quote: &[char],
    approx_start: usize,
    slack: usize,
) -> Option<(CharRange, f64)> {
    let m = quote.len();
    let window = |from: usize, len: usize| {
        let lo = from.saturating_sub(slack).min(text.len());
        let hi = from
            .saturating_add(len)
            .saturating_add(slack)
            .min(text.len());
        (lo, text.chars.get(lo..hi).unwrap_or_default())
    };
    let (start, end, sim) = if m <= MAX_ALIGN_CHARS {
        let (lo, region) = window(approx_start, m);
        let (s, e, edits) = align_in(quote, region, approx_start.saturating_sub(lo));
        (lo + s, lo + e, 1.0 - edits as f64 / m as f64)
    } else {
        let part = MAX_ALIGN_CHARS / 2;
        let head = &quote[..part];
        let tail = &quote[m - part..];
        let (lo, region) = window(approx_start, part);
        let (s, _, _) = align_in(head, region, approx_start.saturating_sub(lo));
        let tail_start = approx_start + (m - part);
        let (lo2, region2) = window(tail_start, part);
        let (_, e, _) = align_in(tail, region2, tail_start.saturating_sub(lo2));
        let (start, end) = (lo + s, lo2 + e);
        if end <= start {
            return None;
        }
        let span = text.chars.get(start..end)?;
        let deadline = std::time::Instant::now() + DIFF_DEADLINE;
        let ops = similar::capture_diff_slices_deadline(
            similar::Algorithm::Myers,
            quote,
            span,
            Some(deadline),
        );
        let ratio = f64::from(similar::diff_ratio(&ops, m, span.len()));
        (start, end, ratio)
    };
    (end > start).then(|| (CharRange::from_usize(start, end), sim))
}

/// Confirm one annotation's anchoring, as a person does after looking: a
/// `Moved` annotation (and, when `fuzzy_too`, a `Fuzzy` one) that still sits
/// exactly on its quote in `article` becomes `Exact`, and the old quote kept
/// for review is dropped. Returns whether it changed. Orphans are never
/// confirmed: they have no place in the text.
///
/// ```
/// use marginalia::model::{annotation::*, document::Article, offset::CharRange, reanchor::*};
/// let article = Article::new("Ana said no.".into());
/// let mut a = Annotation::new(&article, CharRange::from_usize(0, 3), Label::Entity, "ana",
///     chrono::Utc::now(), Origin::Manual).unwrap();
/// a.anchor = AnchorState::Moved;
/// assert!(confirm(&article, &mut a, false));
/// assert_eq!(a.anchor, AnchorState::Exact);
/// ```
pub fn confirm(article: &Article, a: &mut Annotation, fuzzy_too: bool) -> bool {
    let wanted = match a.anchor {
        AnchorState::Moved => true,
        AnchorState::Fuzzy => fuzzy_too,
        AnchorState::Exact | AnchorState::Orphaned => false,
    };
    if !wanted || a.start >= a.end || article.slice(a.range()) != Some(a.quote.as_str()) {
        return false;
    }
    a.anchor = AnchorState::Exact;
    a.original_quote = None;
    true
}

/// Re-anchor a single annotation without neighbours' shift (for the window's
/// per-annotation "find again" action). Returns its new state.
pub fn reanchor_one(
    article: &Article,
    annotation: &mut Annotation,
    old_text: Option<&str>,
) -> AnchorState {
    let mut one = [annotation.clone()];
    reanchor(article, &mut one, old_text);
    let [a] = one;
    *annotation = a;
    annotation.anchor
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::annotation::{Label, Origin};

    fn ann(article: &Article, start: usize, end: usize) -> Annotation {
        Annotation::new(
            article,
            CharRange::from_usize(start, end),
            Label::Claim,
            "ana",
            chrono::Utc::now(),
            Origin::Manual,
        )
        .unwrap()
    }

    fn span_of(text: &str, needle: &str) -> (usize, usize) {
        let b = text.find(needle).unwrap();
        let s = text[..b].chars().count();
        (s, s + needle.chars().count())
    }

    const OLD: &str = "Tehran, Monday. The talks in Baku ended without a deal, said the minister on Tuesday. \
        Observers were not surprised. Dehqan met Hasanov twice before the summit.";

    fn anns_for(text: &str, needles: &[&str]) -> (Article, Vec<Annotation>) {
        let article = Article::new(text.into());
        let anns = needles
            .iter()
            .map(|n| {
                let (s, e) = span_of(text, n);
                ann(&article, s, e)
            })
            .collect();
        (article, anns)
    }

    #[test]
    fn unchanged_text_is_exact() {
        let (article, mut anns) = anns_for(OLD, &["Baku", "Dehqan met Hasanov"]);
        let t = reanchor(&article, &mut anns, None);
        assert_eq!(
            t,
            Tally {
                exact: 2,
                ..Tally::default()
            }
        );
    }

    #[test]
    fn inserted_paragraph_leaves_spans_with_intact_unique_context_exact() {
        let (_, anns) = anns_for(OLD, &["Baku", "the minister", "Dehqan met Hasanov"]);
        let new_text = format!("UPDATE: a new paragraph here.\n\n{OLD}");
        let new = Article::new(new_text.clone());
        for old_text in [None, Some(OLD)] {
            let mut anns = anns.clone();
            let t = reanchor(&new, &mut anns, old_text);
            // "Baku"'s stored prefix was cut by the start of the text, which is
            // no longer right before it: uncertain. The other two have both
            // contexts intact, once in the text ("Dehqan met Hasanov"'s short
            // suffix still ends the text).
            let states: Vec<AnchorState> = anns.iter().map(|a| a.anchor).collect();
            assert_eq!(
                states,
                [AnchorState::Moved, AnchorState::Exact, AnchorState::Exact],
                "{old_text:?}"
            );
            assert_eq!(t.to_string(), "exact 2, moved 1, fuzzy 0, orphaned 0");
            for a in &anns {
                assert_eq!(new.slice(a.range()), Some(a.quote.as_str()));
                let (prefix, suffix) =
                    new.context(a.range(), crate::model::annotation::CONTEXT_CHARS);
                assert_eq!((a.prefix.clone(), a.suffix.clone()), (prefix, suffix));
            }
        }
    }

    #[test]
    fn a_context_found_twice_is_not_certain() {
        let (_, mut anns) = anns_for(OLD, &["the minister"]);
        // The whole article pasted twice under a new first line.
        let new = Article::new(format!("Intro.\n{OLD}\n{OLD}"));
        let t = reanchor(&new, &mut anns, None);
        assert_eq!(t.to_string(), "exact 0, moved 1, fuzzy 0, orphaned 0");
        assert_eq!(new.slice(anns[0].range()), Some("the minister"));
    }

    #[test]
    fn a_changed_context_side_is_not_certain() {
        let (_, mut anns) = anns_for(OLD, &["the minister"]);
        let new = Article::new(format!(
            "Intro. {}",
            OLD.replace("on Tuesday.", "on Wednesday.")
        ));
        let t = reanchor(&new, &mut anns, None);
        assert_eq!(t.moved, 1, "{t}");
    }

    #[test]
    fn typo_fixed_inside_a_span_is_fuzzy_and_keeps_the_old_quote() {
        let old = OLD.replace("without a deal", "withuot a deal");
        let (_, mut anns) = anns_for(&old, &["The talks in Baku ended withuot a deal"]);
        let new = Article::new(OLD.into());
        let t = reanchor(&new, &mut anns, None);
        assert_eq!(t.fuzzy, 1, "{t}");
        let a = &anns[0];
        assert_eq!(a.quote, "The talks in Baku ended without a deal");
        assert_eq!(new.slice(a.range()), Some(a.quote.as_str()));
        assert_eq!(
            a.original_quote.as_deref(),
            Some("The talks in Baku ended withuot a deal")
        );
    }

    #[test]
    fn deleted_sentence_orphans_and_keeps_everything() {
        let (_, mut anns) = anns_for(OLD, &["Observers were not surprised."]);
        let before = anns[0].clone();
        let new = Article::new(OLD.replace("Observers were not surprised. ", ""));
        let t = reanchor(&new, &mut anns, None);
        assert_eq!(t.orphaned, 1, "{t}");
        assert_eq!(anns[0].quote, before.quote);
        assert_eq!((anns[0].start, anns[0].end), (before.start, before.end));
        assert_eq!(anns[0].anchor, AnchorState::Orphaned);
        // Made as a range of the old article, the quote is now its own text.
        assert!(before.quote.is_shared());
        assert!(!anns[0].quote.is_shared());
    }

    #[test]
    fn lookalike_quote_does_not_capture_an_annotation_whose_context_vanished() {
        let old = format!("{OLD} Later the minister would deny it all.");
        let (_, mut anns) = anns_for(&old, &["the minister"]);
        // The original sentence (the first "the minister") is deleted.
        let new = Article::new(old.replace(
            "The talks in Baku ended without a deal, said the minister on Tuesday. ",
            "",
        ));
        let t = reanchor(&new, &mut anns, None);
        assert_eq!(t.moved, 0, "{t}");
        assert!(matches!(
            anns[0].anchor,
            AnchorState::Orphaned | AnchorState::Fuzzy
        ));
    }

    #[test]
    fn moved_stays_unconfirmed_and_orphans_can_come_back() {
        let (_, mut anns) = anns_for(OLD, &["Observers were not surprised."]);
        let cut = Article::new(OLD.replace("Observers were not surprised. ", ""));
        reanchor(&cut, &mut anns, None);
        assert_eq!(anns[0].anchor, AnchorState::Orphaned);
        // Back, but with a word of its prefix changed: found, not certain.
        let back = Article::new(format!("Intro. {}", OLD.replace("Tuesday", "Friday")));
        reanchor(&back, &mut anns, None);
        assert_eq!(anns[0].anchor, AnchorState::Moved);
        // Running again on the same text keeps it Moved: only a person confirms.
        reanchor(&back, &mut anns, None);
        assert_eq!(anns[0].anchor, AnchorState::Moved);
    }

    #[test]
    fn mapped_position_picks_the_right_repeat() {
        let old = "x said yes. y said yes. z said yes.";
        let article = Article::new(old.into());
        let (s, e) = (19, 22); // the second "yes"
        let mut anns = vec![ann(&article, s, e)];
        assert_eq!(anns[0].quote, "yes");
        let new_text = "a x said yes. y said yes. z said yes.";
        let new = Article::new(new_text.into());
        reanchor(&new, &mut anns, Some(old));
        assert_eq!(anns[0].start.0, 21);
        assert_eq!(anns[0].anchor, AnchorState::Moved);
    }

    #[test]
    fn long_quote_with_a_small_change_is_fuzzy() {
        let head: String = (0..30).map(|i| format!("w{i} ")).collect();
        let tail: String = (0..60).map(|i| format!("m{i} ")).collect();
        let sentence = head + "the end of a very long quoted passage " + &tail;
        let old = format!("Start of the article. {sentence} Tail of the article.");
        let (_, mut anns) = anns_for(&old, &[sentence.as_str()]);
        let changed = sentence.replacen("very long", "very, very long", 1);
        let new = Article::new(format!(
            "A new first line.\nStart of the article. {changed} Tail of the article."
        ));
        let t = reanchor(&new, &mut anns, None);
        assert_eq!(t.fuzzy, 1, "{t}");
        assert_eq!(anns[0].quote, changed);
    }

    #[test]
    fn empty_and_out_of_range_annotations_are_orphaned_not_dropped() {
        let article = Article::new("short".into());
        let mut a = ann(&Article::new(OLD.into()), 100, 110);
        a.quote = "not in the text at all".into();
        let mut b = a.clone();
        b.quote = Default::default();
        let mut v = vec![a, b];
        let t = reanchor(&article, &mut v, None);
        assert_eq!(t.orphaned, 2);
        assert_eq!(v.len(), 2);
    }

    #[test]
    fn index_finds_all_occurrences() {
        let article = Article::new("abcabcab".into());
        let text = Text::new(&article);
        let q: Vec<char> = "ab".chars().collect();
        assert_eq!(text.occurrences(&q), vec![0, 3, 6]);
        let q: Vec<char> = "cab".chars().collect();
        assert_eq!(text.occurrences(&q), vec![2, 5]);
    }

    const WORDS: [&str; 7] = ["alpha", "beta", "the minister", "said", "é", "Tehran", "\n"];

    /// Applies `(pos, delete, insert)` edits to `chars`, tracking for each new
    /// char the old index it came from (`None` for inserted chars).
    fn edit(old: &[char], edits: &[(usize, usize, Vec<usize>)]) -> (Vec<char>, Vec<Option<usize>>) {
        let mut chars = old.to_vec();
        let mut origin: Vec<Option<usize>> = (0..old.len()).map(Some).collect();
        for (pos, del, ins) in edits {
            let pos = pos % (chars.len() + 1);
            let del = (*del).min(chars.len() - pos);
            let ins: Vec<char> = ins
                .iter()
                .flat_map(|&w| format!("{} ", WORDS[w]).chars().collect::<Vec<_>>())
                .collect();
            chars.splice(pos..pos + del, ins.iter().copied());
            origin.splice(pos..pos + del, ins.iter().map(|_| None));
        }
        (chars, origin)
    }

    proptest::proptest! {
        #![proptest_config(proptest::prelude::ProptestConfig::with_cases(128))]
        #[test]
        fn reanchoring_finds_survivors_and_never_lies(
            words in proptest::collection::vec(0usize..7, 10..120),
            spans in proptest::collection::vec((0usize..2000, 1usize..25), 1..25),
            edits in proptest::collection::vec(
                (0usize..2000, 0usize..30, proptest::collection::vec(0usize..7, 0..6)), 1..5),
            with_old_text in proptest::bool::ANY,
        ) {
            let old_text: String = words.iter().map(|&w| format!("{} ", WORDS[w])).collect();
            let old_chars: Vec<char> = old_text.chars().collect();
            let old = Article::new(old_text.clone());
            let n = old_chars.len();
            let mut anns: Vec<Annotation> = spans.iter().filter_map(|&(s, l)| {
                let s = s % n;
                let e = (s + l).min(n);
                Annotation::new(&old, CharRange::from_usize(s, e), Label::Entity, "p",
                    chrono::Utc::now(), Origin::Manual)
            }).collect();
            let before = anns.clone();
            let (new_chars, origin) = edit(&old_chars, &edits);
            let mut new_of_old = vec![None; n];
            for (i, o) in origin.iter().enumerate() {
                if let Some(o) = o { new_of_old[*o] = Some(i); }
            }
            let new = Article::new(new_chars.iter().collect());
            reanchor(&new, &mut anns, with_old_text.then_some(old_text.as_str()));
            proptest::prop_assert_eq!(anns.len(), before.len());
            for (a, b) in anns.iter().zip(&before) {
                proptest::prop_assert_eq!(&a.id, &b.id);
                let lo = b.start.0 - b.prefix.chars().count();
                let hi = b.end.0 + b.suffix.chars().count();
                let survived = new_of_old[lo].is_some_and(|base| {
                    (lo..hi).all(|k| new_of_old[k] == Some(base + (k - lo)))
                }) && !(b.prefix.is_empty() && b.suffix.is_empty());
                let here = new.slice(a.range());
                match a.anchor {
                    AnchorState::Exact | AnchorState::Moved => {
                        proptest::prop_assert_eq!(&a.quote, &b.quote);
                        proptest::prop_assert_eq!(here, Some(b.quote.as_str()));
                    }
                    AnchorState::Fuzzy => {
                        proptest::prop_assert!(!survived, "survivor only found fuzzily: {:?}", b.quote);
                        proptest::prop_assert_eq!(here, Some(a.quote.as_str()));
                        proptest::prop_assert!(a.quote == b.quote || a.original_quote.as_deref() == Some(b.quote.as_str()));
                    }
                    AnchorState::Orphaned => {
                        proptest::prop_assert!(!survived, "survivor orphaned: {:?}", b.quote);
                        proptest::prop_assert_eq!((a.start, a.end, &a.quote), (b.start, b.end, &b.quote));
                    }
                }
            }
        }
    }
}
