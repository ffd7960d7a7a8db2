//! Annotations and the indexed set that holds them.
//!
//! An [`Annotation`] tags a [`CharRange`] of the article as an entity, a claim
//! or a quote, and carries the exact `quote` plus some `prefix`/`suffix`
//! context so it can be re-anchored if the article changes. Its serde form is
//! the sidecar's on-disk form, so fields are only ever *added*, each with a
//! default, to keep old sidecars readable.
//!
//! [`Annotations`] keeps them sorted by `(start, end, id)` — the sidecar
//! order — and answers "which annotations touch this range?" through a block
//! index of maximum ends, in time that follows the answer, not the total.
//!
//! ```
//! use marginalia::model::annotation::*;
//! use marginalia::model::document::Article;
//! use marginalia::model::offset::CharRange;
//! let article = Article::new("Dehqan met Hasanov in Tehran.".into());
//! let now = chrono::Utc::now();
//! let a = Annotation::new(&article, CharRange::from_usize(0, 6), Label::Entity, "ana", now, Origin::Manual).unwrap();
//! assert_eq!(a.quote, "Dehqan");
//! let mut set = Annotations::default();
//! set.insert(a);
//! assert_eq!(set.overlapping(CharRange::from_usize(3, 4)).count(), 1);
//! assert_eq!(set.overlapping(CharRange::from_usize(7, 10)).count(), 0);
//! ```

use crate::model::document::Article;
use crate::model::offset::{CharOffset, CharRange};
use crate::model::quote::Quote;
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use std::fmt;

/// How many code points of context are kept on each side of a span.
pub const CONTEXT_CHARS: usize = 32;

/// The three kinds of annotation.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
pub enum Label {
    /// A person, organisation, place or other named thing.
    Entity,
    /// A statement presented as fact.
    Claim,
    /// Somebody's words, reported.
    Quote,
}

impl Label {
    /// All labels, in display order.
    pub const ALL: [Label; 3] = [Label::Entity, Label::Claim, Label::Quote];

    /// Upper-case name used by exports (`ENTITY`, `CLAIM`, `QUOTE`).
    pub fn upper_name(self) -> &'static str {
        match self {
            Label::Entity => "ENTITY",
            Label::Claim => "CLAIM",
            Label::Quote => "QUOTE",
        }
    }

    /// Name as written in the sidecar and the UI.
    pub fn name(self) -> &'static str {
        match self {
            Label::Entity => "Entity",
            Label::Claim => "Claim",
            Label::Quote => "Quote",
        }
    }

    /// Parse `entity`, `CLAIM`, `Quote`, ... (any case).
    pub fn parse(s: &str) -> Option<Label> {
        Label::ALL
            .into_iter()
            .find(|l| l.name().eq_ignore_ascii_case(s.trim()))
    }
}

impl fmt::Display for Label {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// Review status.
#[derive(
    Clone, Copy, Debug, Default, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize,
)]
#[serde(rename_all = "lowercase")]
pub enum Status {
    /// Not yet looked at (pre-annotations start here).
    #[default]
    Unreviewed,
    /// Confirmed by a person.
    Accepted,
    /// Rejected by a person; kept in the sidecar, left out of exports by default.
    Rejected,
}

impl Status {
    /// All statuses.
    pub const ALL: [Status; 3] = [Status::Unreviewed, Status::Accepted, Status::Rejected];

    /// Lower-case name.
    pub fn name(self) -> &'static str {
        match self {
            Status::Unreviewed => "unreviewed",
            Status::Accepted => "accepted",
            Status::Rejected => "rejected",
        }
    }

    /// Parse a lower- or mixed-case name.
    pub fn parse(s: &str) -> Option<Status> {
        Status::ALL
            .into_iter()
            .find(|x| x.name().eq_ignore_ascii_case(s.trim()))
    }
}

impl fmt::Display for Status {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// Where an annotation came from.
#[derive(Clone, Debug, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum Origin {
    /// Made by hand in Marginalia.
    #[default]
    Manual,
    /// Imported from a file.
    Imported {
        /// The file it was imported from, as given to the importer.
        source: String,
        /// The format: `spacy`, `doccano` or `brat`.
        format: String,
    },
}

/// The result of anchoring an annotation to the current article text.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum AnchorState {
    /// The quote is at the recorded offsets.
    #[default]
    Exact,
    /// Found again, verified, at other offsets.
    Moved,
    /// Found approximately; needs review.
    Fuzzy,
    /// Not found; offsets are stale, the quote is kept.
    Orphaned,
}

impl AnchorState {
    /// True for `Exact` (used to keep the sidecar short).
    pub fn is_exact(&self) -> bool {
        *self == AnchorState::Exact
    }
}

/// A stable, unique annotation id (12 hex digits for new ones; any string is accepted).
#[derive(Clone, Debug, Default, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(transparent)]
pub struct AnnotationId(pub String);

impl AnnotationId {
    /// A fresh random id. Random rather than sequential so that two analysts
    /// annotating the same article never mint the same id.
    pub fn generate() -> Self {
        use std::hash::{BuildHasher, Hasher};
        let mut h = std::collections::hash_map::RandomState::new().build_hasher();
        h.write_u128(
            std::time::SystemTime::now()
                .duration_since(std::time::UNIX_EPOCH)
                .map(|d| d.as_nanos())
                .unwrap_or_default(),
        );
        AnnotationId(format!("{:012x}", h.finish() & 0xffff_ffff_ffff))
    }
}

impl fmt::Display for AnnotationId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// The role of a link from a later fragment of a discontinuous span to its
/// first fragment (the first by offset); see [`Annotation::first_fragment`].
pub const PART_OF: &str = "part-of";

/// The role of the links made from an equivalence set (brat's `*` lines).
pub const EQUIV: &str = "equiv";

/// A typed link from one annotation to another, e.g. a quote to its speaker.
///
/// Only `role` and `target` are needed; the other fields are optional (left
/// out of the sidecar when empty, ignored by version-1 readers) and keep
/// what another tool's file said, so exporting it again loses nothing:
/// a brat `R1 Speaker Arg1:T3 Arg2:T1` is `role: "speaker"` with
/// `relation: Some("Speaker")`; an `E1 Attribution:T4 Source:T1` argument is
/// `role: "source"`, `input_role: Some("Source")`, `event: Some(..)`.
///
/// ```
/// use marginalia::model::annotation::{AnnotationId, Link};
/// let link = Link::new("speaker", AnnotationId("3f9c2a71d0b4".into()));
/// assert_eq!((link.role.as_str(), link.event.as_deref()), ("speaker", None));
/// ```
#[derive(Clone, Debug, Default, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
pub struct Link {
    /// What the target is to this annotation: `speaker`, `source`, ...
    pub role: String,
    /// The annotation linked to.
    pub target: AnnotationId,
    /// The role as the input wrote it, when that differs from `role` (a brat
    /// event argument `Content2`, or the second argument's name of a brat
    /// relation when it is not `Arg2`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub input_role: Option<String>,
    /// The name of this annotation's side of a brat relation, when it is not `Arg1`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub from_role: Option<String>,
    /// The event (or equivalence set) this link belongs to: the links of one
    /// brat `E` or `*` line share it, and the trigger's [`EventInfo`] has it as id.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub event: Option<String>,
    /// The relation or equivalence type as written (`Speaker`, `Equiv`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub relation: Option<String>,
    /// Attributes of the relation (brat `A` lines on an `R`).
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub attrs: BTreeMap<String, String>,
    /// A note on the relation (brat `#` lines on an `R`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub note: Option<String>,
    /// On a `part-of` link: this fragment's place (from 0) in the input's
    /// list of fragments, kept only when that list was not in offset order
    /// (brat writes fragments as listed); the first fragment has the place
    /// no other one has.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub position: Option<usize>,
}

impl Link {
    /// A plain link: `role` to `target`, nothing else.
    pub fn new(role: impl Into<String>, target: AnnotationId) -> Link {
        Link {
            role: role.into(),
            target,
            ..Link::default()
        }
    }
}

/// An event this annotation is the trigger of (a brat `E` line). Its
/// arguments are the annotation's links whose `event` is this `id`; an event
/// with only a trigger has none, and is kept all the same.
#[derive(Clone, Debug, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct EventInfo {
    /// Shared with the event's links ([`Link::event`]).
    pub id: String,
    /// The event type as written (`Attribution`).
    pub kind: String,
    /// Attributes of the event (brat `A` lines on an `E`).
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub attrs: BTreeMap<String, String>,
    /// A note on the event (brat `#` lines on an `E`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub note: Option<String>,
}

/// A reference into a knowledge base (a brat `N` line:
/// `N1 Reference T1 Wikipedia:534366 Barack Obama`).
#[derive(Clone, Debug, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct Normalization {
    /// The normalization type (`Reference`).
    pub kind: String,
    /// The knowledge base (`Wikipedia`).
    pub db: String,
    /// The entry in it (`534366`).
    pub entry: String,
    /// The entry's name as the file gave it, when it did.
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub text: String,
}

/// One review decision.
#[derive(Clone, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct ReviewEvent {
    /// The status decided.
    pub status: Status,
    /// Who decided.
    pub by: String,
    /// When.
    pub at: DateTime<Utc>,
}

/// One annotated span.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Annotation {
    /// Stable unique id.
    pub id: AnnotationId,
    /// Entity, claim or quote.
    pub label: Label,
    /// First code point.
    pub start: CharOffset,
    /// One past the last code point.
    pub end: CharOffset,
    /// The exact text of `[start, end)` (held as a range of the article when
    /// it matches it; see [`Quote`]).
    pub quote: Quote,
    /// Up to [`CONTEXT_CHARS`] code points before the span.
    #[serde(default)]
    pub prefix: String,
    /// Up to [`CONTEXT_CHARS`] code points after the span.
    #[serde(default)]
    pub suffix: String,
    /// Entity kind (free text: `Person`, `ORG`, ...).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub kind: Option<String>,
    /// Free-text note.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub note: Option<String>,
    /// Who created it.
    pub author: String,
    /// When it was created.
    pub created: DateTime<Utc>,
    /// When it was last changed.
    pub modified: DateTime<Utc>,
    /// Who last changed it, when not the author.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub modified_by: Option<String>,
    /// Review status.
    #[serde(default)]
    pub status: Status,
    /// Where it came from.
    #[serde(default)]
    pub origin: Origin,
    /// Links to other annotations (a quote's speaker, ...).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub links: Vec<Link>,
    /// Extra attributes from the label schema (`stance: "support"`, ...).
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub attrs: BTreeMap<String, String>,
    /// Events this annotation triggers (brat `E` lines); their arguments are
    /// links with the event's id.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub events: Vec<EventInfo>,
    /// Knowledge-base references (brat `N` lines).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub norms: Vec<Normalization>,
    /// Review decisions, oldest first.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub reviews: Vec<ReviewEvent>,
    /// How it was last anchored; omitted when exact.
    #[serde(default, skip_serializing_if = "AnchorState::is_exact")]
    pub anchor: AnchorState,
    /// The quote before a fuzzy re-anchoring replaced it, kept for review;
    /// omitted when there is none.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub original_quote: Option<String>,
    /// The other side's version when a merge found both sides changed it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub conflict: Option<Box<Annotation>>,
}

impl Annotation {
    /// A new annotation over `range` of `article`, with quote and context
    /// filled in. `None` when the range runs past the end or is empty.
    pub fn new(
        article: &Article,
        range: CharRange,
        label: Label,
        author: &str,
        now: DateTime<Utc>,
        origin: Origin,
    ) -> Option<Annotation> {
        if range.is_empty() {
            return None;
        }
        let quote = Quote::in_article(article, range)?;
        let (prefix, suffix) = article.context(range, CONTEXT_CHARS);
        let status = match origin {
            Origin::Manual => Status::Accepted,
            Origin::Imported { .. } => Status::Unreviewed,
        };
        Some(Annotation {
            id: AnnotationId::generate(),
            label,
            start: range.start,
            end: range.end,
            quote,
            prefix,
            suffix,
            kind: None,
            note: None,
            author: author.to_owned(),
            created: now,
            modified: now,
            modified_by: None,
            status,
            origin,
            links: Vec::new(),
            attrs: BTreeMap::new(),
            events: Vec::new(),
            norms: Vec::new(),
            reviews: Vec::new(),
            anchor: AnchorState::Exact,
            original_quote: None,
            conflict: None,
        })
    }

    /// An annotation whose quote is already known (read from a file, built
    /// in a test), accepted, with no context and every optional field empty.
    /// Offsets are not checked against any article.
    pub fn from_parts(
        id: AnnotationId,
        label: Label,
        range: CharRange,
        quote: &str,
        author: &str,
        at: DateTime<Utc>,
    ) -> Annotation {
        Annotation {
            id,
            label,
            start: range.start,
            end: range.end,
            quote: quote.into(),
            prefix: String::new(),
            suffix: String::new(),
            kind: None,
            note: None,
            author: author.to_owned(),
            created: at,
            modified: at,
            modified_by: None,
            status: Status::Accepted,
            origin: Origin::Manual,
            links: Vec::new(),
            attrs: BTreeMap::new(),
            events: Vec::new(),
            norms: Vec::new(),
            reviews: Vec::new(),
            anchor: AnchorState::Exact,
            conflict: None,
            original_quote: None,
        }
    }

    /// The span as a range.
    pub fn range(&self) -> CharRange {
        CharRange::new(self.start, self.end)
    }

    /// Move the span to `range` of `article`, refreshing quote and context.
    /// Returns false (and changes nothing) when the range is empty or out of bounds.
    pub fn set_range(&mut self, article: &Article, range: CharRange) -> bool {
        if range.is_empty() {
            return false;
        }
        let Some(quote) = Quote::in_article(article, range) else {
            return false;
        };
        self.quote = quote;
        (self.prefix, self.suffix) = article.context(range, CONTEXT_CHARS);
        self.start = range.start;
        self.end = range.end;
        true
    }

    /// Record a change by `who` at `now`.
    pub fn touch(&mut self, who: &str, now: DateTime<Utc>) {
        self.modified = now;
        self.modified_by = (who != self.author).then(|| who.to_owned());
    }

    /// The speaker/source this annotation links to, if any.
    pub fn speaker(&self) -> Option<&AnnotationId> {
        self.links
            .iter()
            .find(|l| l.role == "speaker")
            .map(|l| &l.target)
    }

    /// When this annotation is a later fragment of a discontinuous span:
    /// the id of the first fragment (the target of its `part-of` link).
    pub fn first_fragment(&self) -> Option<&AnnotationId> {
        self.links
            .iter()
            .find(|l| l.role == PART_OF)
            .map(|l| &l.target)
    }

    /// Sort key: `(start, end, id)`.
    pub fn sort_key(&self) -> (CharOffset, CharOffset, &AnnotationId) {
        (self.start, self.end, &self.id)
    }
}

/// Annotations per block of the max-end index.
const BLOCK: usize = 64;

/// All annotations of one article, sorted by `(start, end, id)`, with an
/// index for range queries.
///
/// Invariants (checked by [`Annotations::assert_invariants`]): `items` is
/// sorted; `block_max_end[i]` is the largest `end` in block `i`; `stamps`
/// runs parallel to `items`.
#[derive(Clone, Debug, Default)]
pub struct Annotations {
    items: Vec<Annotation>,
    /// One [`Stamp`] per item, new whenever the item is stored.
    stamps: Vec<Stamp>,
    block_max_end: Vec<CharOffset>,
    revision: u64,
    /// Annotations per label, in [`Label::ALL`] order (kept by `reindex`).
    label_counts: [usize; 3],
    /// Annotations not exactly anchored or in merge conflict.
    attention_count: usize,
    /// Where each id sits, so finding an annotation by id is a hash lookup
    /// plus a binary search, not a scan (the window looks up the selected
    /// and hovered annotations every frame). Kept by every change.
    ranges: std::collections::HashMap<AnnotationId, (CharOffset, CharOffset)>,
    /// Two annotations share an id (a hand-edited file; `verify` reports
    /// it): lookups then fall back to scanning.
    duplicate_ids: bool,
}

/// Names one stored version of an annotation: every insert or replace in
/// an [`Annotations`] gets a stamp never handed out before in this process.
/// Two equal stamps mean the same content, so caches of derived data (the
/// sidecar's serialized blocks) can key on it without comparing annotations.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Stamp(u64);

impl Stamp {
    /// The first of `n` consecutive stamps never handed out before.
    fn reserve(n: usize) -> u64 {
        static NEXT: std::sync::atomic::AtomicU64 = std::sync::atomic::AtomicU64::new(1);
        NEXT.fetch_add(n as u64, std::sync::atomic::Ordering::Relaxed)
    }

    /// `n` fresh stamps.
    fn fresh_run(n: usize) -> impl Iterator<Item = Stamp> {
        let first = Stamp::reserve(n);
        (first..first + n as u64).map(Stamp)
    }
}

impl Annotations {
    /// The room beyond `len` annotations that [`Annotations::from_vec`]
    /// keeps for tags to come (a vector built with it is kept as it is).
    pub fn spare_room(len: usize) -> usize {
        64.max(len / 16)
    }

    /// Build from any order.
    pub fn from_vec(mut items: Vec<Annotation>) -> Self {
        items.sort_by(|a, b| a.sort_key().cmp(&b.sort_key()));
        // Room to grow: without it the first tag after loading 50,000
        // annotations reallocates (and copies) the whole set inside the
        // tagging frame. Loading usually runs on a background thread.
        let room = Self::spare_room(items.len());
        // Exactly that room: `reserve` may double a vector that was built
        // by extending (as the sidecar reader does), which left 50,000
        // loaded annotations with room for 100,000 (19 MB unused).
        items.reserve_exact(room);
        let mut stamps = Vec::with_capacity(items.len() + room);
        stamps.extend(Stamp::fresh_run(items.len()));
        let mut set = Annotations {
            items,
            stamps,
            block_max_end: Vec::new(),
            revision: 0,
            label_counts: [0; 3],
            attention_count: 0,
            ranges: Default::default(),
            duplicate_ids: false,
        };
        set.rebuild_ranges();
        set.reindex();
        set
    }

    fn rebuild_ranges(&mut self) {
        self.ranges = self
            .items
            .iter()
            .map(|a| (a.id.clone(), (a.start, a.end)))
            .collect();
        self.duplicate_ids = self.ranges.len() != self.items.len();
    }

    /// Replace the whole set with `other`, counted as a change: the new
    /// revision is above both old ones, so caches keyed on it drop theirs.
    pub fn replace_all(&mut self, other: Annotations) {
        let revision = self.revision.max(other.revision) + 1;
        *self = other;
        self.revision = revision;
    }

    /// Sorted annotations.
    pub fn as_slice(&self) -> &[Annotation] {
        &self.items
    }

    /// The stamp of each annotation, parallel to [`Annotations::as_slice`].
    pub fn stamps(&self) -> &[Stamp] {
        &self.stamps
    }

    /// Take the sorted annotations out.
    pub fn into_vec(self) -> Vec<Annotation> {
        self.items
    }

    /// Number of annotations.
    pub fn len(&self) -> usize {
        self.items.len()
    }

    /// True when there are none.
    pub fn is_empty(&self) -> bool {
        self.items.is_empty()
    }

    /// A counter bumped by every change; caches key on it.
    pub fn revision(&self) -> u64 {
        self.revision
    }

    /// Iterate in sorted order.
    pub fn iter(&self) -> std::slice::Iter<'_, Annotation> {
        self.items.iter()
    }

    /// Index of the annotation with this id (the first one, should two
    /// share it).
    pub fn position(&self, id: &AnnotationId) -> Option<usize> {
        if self.duplicate_ids {
            return self.items.iter().position(|a| &a.id == id);
        }
        let &(start, end) = self.ranges.get(id)?;
        let key = (start, end, id);
        let i = self.items.partition_point(|x| x.sort_key() < key);
        self.items.get(i).is_some_and(|a| &a.id == id).then_some(i)
    }

    /// True when an annotation has this id (a hash lookup, also when two
    /// share an id).
    pub fn contains_id(&self, id: &AnnotationId) -> bool {
        self.ranges.contains_key(id)
    }

    /// True when two annotations share an id (a hand-edited file).
    pub fn has_duplicate_ids(&self) -> bool {
        self.duplicate_ids
    }

    /// The annotation with this id.
    pub fn get(&self, id: &AnnotationId) -> Option<&Annotation> {
        self.position(id).map(|i| &self.items[i])
    }

    /// Insert, keeping the order. Returns its index.
    pub fn insert(&mut self, a: Annotation) -> usize {
        let at = self.items.partition_point(|x| x.sort_key() < a.sort_key());
        if self.ranges.insert(a.id.clone(), (a.start, a.end)).is_some() {
            self.duplicate_ids = true;
        }
        self.items.insert(at, a);
        self.stamps.insert(at, Stamp(Stamp::reserve(1)));
        self.reindex();
        at
    }

    /// Remove by id.
    pub fn remove(&mut self, id: &AnnotationId) -> Option<Annotation> {
        let i = self.position(id)?;
        let a = self.items.remove(i);
        self.stamps.remove(i);
        if self.duplicate_ids {
            self.rebuild_ranges();
        } else {
            self.ranges.remove(id);
        }
        self.reindex();
        Some(a)
    }

    /// Replace the annotation with `a.id` by `a` (its range may change).
    /// Returns the old version.
    pub fn replace(&mut self, a: Annotation) -> Option<Annotation> {
        let old = self.remove(&a.id)?;
        self.insert(a);
        Some(old)
    }

    /// Annotations sharing at least one code point with `range`, in sorted
    /// order. Empty annotations are never returned.
    pub fn overlapping(&self, range: CharRange) -> impl Iterator<Item = &Annotation> + '_ {
        let upper = self.items.partition_point(|a| a.start < range.end);
        self.block_max_end
            .iter()
            .enumerate()
            .take(upper.div_ceil(BLOCK))
            .filter(move |(_, max_end)| **max_end > range.start)
            .flat_map(move |(b, _)| {
                let lo = b * BLOCK;
                let hi = ((b + 1) * BLOCK).min(upper);
                self.items[lo..hi].iter()
            })
            .filter(move |a| a.range().overlaps(&range))
    }

    /// How many annotations carry each label, in [`Label::ALL`] order.
    /// Kept up to date on every change, so callers need not scan per frame.
    pub fn label_counts(&self) -> [usize; 3] {
        self.label_counts
    }

    /// How many annotations need a look: moved, fuzzy or orphaned anchors,
    /// or a merge conflict.
    pub fn attention_count(&self) -> usize {
        self.attention_count
    }

    fn reindex(&mut self) {
        self.revision += 1;
        self.label_counts = [0; 3];
        self.attention_count = 0;
        for a in &self.items {
            self.label_counts[a.label as usize] += 1;
            if !a.anchor.is_exact() || a.conflict.is_some() {
                self.attention_count += 1;
            }
        }
        self.block_max_end = self
            .items
            .chunks(BLOCK)
            .map(|c| c.iter().map(|a| a.end).max().unwrap_or_default())
            .collect();
    }

    /// Panic if an invariant is broken. For tests.
    pub fn assert_invariants(&self) {
        assert!(
            self.items
                .windows(2)
                .all(|w| w[0].sort_key() <= w[1].sort_key()),
            "annotations out of order"
        );
        assert_eq!(self.block_max_end.len(), self.items.len().div_ceil(BLOCK));
        assert_eq!(self.stamps.len(), self.items.len(), "stamps out of step");
        if !self.duplicate_ids {
            assert_eq!(self.ranges.len(), self.items.len(), "id index out of step");
            for (i, a) in self.items.iter().enumerate() {
                assert_eq!(self.ranges.get(&a.id), Some(&(a.start, a.end)));
                assert_eq!(self.position(&a.id), Some(i));
            }
        }
        for (i, label) in Label::ALL.into_iter().enumerate() {
            assert_eq!(
                self.label_counts[i],
                self.items.iter().filter(|a| a.label == label).count()
            );
        }
    }
}

/// A manual entity on `article[start..end]` with the id `id`, for tests.
#[cfg(test)]
pub(crate) fn test_entity(article: &Article, start: usize, end: usize, id: &str) -> Annotation {
    let mut a = Annotation::new(
        article,
        CharRange::from_usize(start, end),
        Label::Entity,
        "t",
        Utc::now(),
        Origin::Manual,
    )
    .expect("a range inside the test article");
    a.id = AnnotationId(id.into());
    a
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn ann(start: usize, end: usize, id: &str) -> Annotation {
        let article = Article::new("x".repeat(end.max(1)));
        let mut a = Annotation::new(
            &article,
            CharRange::from_usize(start, end),
            Label::Entity,
            "t",
            Utc::now(),
            Origin::Manual,
        )
        .unwrap();
        a.id = AnnotationId(id.into());
        a
    }

    #[test]
    fn label_and_status_parse_any_case() {
        assert_eq!(Label::parse("quote"), Some(Label::Quote));
        assert_eq!(Label::parse("CLAIM"), Some(Label::Claim));
        assert_eq!(Label::parse("PER"), None);
        assert_eq!(Status::parse("Rejected"), Some(Status::Rejected));
    }

    #[test]
    fn generated_ids_differ() {
        let ids: std::collections::HashSet<_> =
            (0..1000).map(|_| AnnotationId::generate()).collect();
        assert_eq!(ids.len(), 1000);
    }

    #[test]
    fn duplicate_ids_from_a_hand_edited_file_are_still_found_and_removed() {
        let mut set = Annotations::from_vec(vec![ann(5, 9, "x"), ann(0, 3, "x"), ann(1, 2, "y")]);
        set.assert_invariants();
        let x = AnnotationId("x".into());
        assert_eq!(set.get(&x).map(|a| a.start.0), Some(0));
        assert!(set.remove(&x).is_some());
        assert_eq!(set.get(&x).map(|a| a.start.0), Some(5));
        assert!(set.remove(&x).is_some());
        assert!(set.get(&x).is_none());
        assert_eq!(set.get(&AnnotationId("y".into())).map(|a| a.end.0), Some(2));
        set.assert_invariants();
    }

    #[test]
    fn stamps_follow_their_annotation_and_change_with_it() {
        let mut set = Annotations::from_vec(vec![ann(5, 9, "b"), ann(0, 3, "a")]);
        let stamp_of = |set: &Annotations, id: &str| {
            let i = set.position(&AnnotationId(id.into())).unwrap();
            set.stamps()[i]
        };
        let (a0, b0) = (stamp_of(&set, "a"), stamp_of(&set, "b"));
        assert_ne!(a0, b0);
        // Inserting before "b" shifts it but keeps its stamp.
        set.insert(ann(1, 2, "c"));
        set.assert_invariants();
        assert_eq!((stamp_of(&set, "a"), stamp_of(&set, "b")), (a0, b0));
        // A replaced annotation gets a stamp never seen before.
        let mut b = set.get(&AnnotationId("b".into())).unwrap().clone();
        b.note = Some("x".into());
        set.replace(b);
        let b1 = stamp_of(&set, "b");
        assert!(![a0, b0, stamp_of(&set, "c")].contains(&b1));
        set.remove(&AnnotationId("a".into()));
        set.assert_invariants();
        // A clone shares stamps (same content); a rebuilt set does not.
        assert_eq!(set.clone().stamps(), set.stamps());
        let rebuilt = Annotations::from_vec(set.as_slice().to_vec());
        assert!(rebuilt.stamps().iter().all(|s| !set.stamps().contains(s)));
    }

    proptest! {
        #[test]
        fn id_lookups_match_a_linear_scan_through_any_edits(
            ops in prop::collection::vec((0usize..3, 0usize..40, 0usize..300, 1usize..30), 0..120),
        ) {
            let mut set = Annotations::default();
            let mut model: Vec<Annotation> = Vec::new();
            for (op, id, start, len) in ops {
                let id_s = format!("{id:02}");
                let aid = AnnotationId(id_s.clone());
                match op {
                    0 if !model.iter().any(|a| a.id == aid) => {
                        let a = ann(start, start + len, &id_s);
                        set.insert(a.clone());
                        model.push(a);
                    }
                    1 => {
                        let removed = set.remove(&aid).is_some();
                        let had = model.iter().any(|a| a.id == aid);
                        prop_assert_eq!(removed, had);
                        model.retain(|a| a.id != aid);
                    }
                    _ => {
                        let moved = ann(start, start + len, &id_s);
                        let replaced = set.replace(moved.clone()).is_some();
                        prop_assert_eq!(replaced, model.iter().any(|a| a.id == aid));
                        if replaced {
                            model.retain(|a| a.id != aid);
                            model.push(moved);
                        }
                    }
                }
                set.assert_invariants();
                for k in 0..40 {
                    let kid = AnnotationId(format!("{k:02}"));
                    let want = model.iter().find(|a| a.id == kid).map(Annotation::range);
                    prop_assert_eq!(set.get(&kid).map(Annotation::range), want);
                }
            }
        }

        #[test]
        fn overlapping_matches_a_linear_scan(
            spans in prop::collection::vec((0usize..500, 1usize..80), 0..400),
            q in (0usize..600, 0usize..100),
        ) {
            let items: Vec<_> = spans.iter().enumerate()
                .map(|(i, &(s, l))| ann(s, s + l, &format!("{i:04}"))).collect();
            let set = Annotations::from_vec(items.clone());
            set.assert_invariants();
            let range = CharRange::from_usize(q.0, q.0 + q.1);
            let got: Vec<_> = set.overlapping(range).map(|a| a.id.clone()).collect();
            let mut want: Vec<_> = items.iter().filter(|a| a.range().overlaps(&range)).collect();
            want.sort_by(|a, b| a.sort_key().cmp(&b.sort_key()));
            let want: Vec<_> = want.into_iter().map(|a| a.id.clone()).collect();
            prop_assert_eq!(got, want);
        }
    }
}
