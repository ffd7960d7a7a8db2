//! Inter-annotator agreement between two sets of annotations of the same
//! articles: span F1 (exact and overlap matching) and token-level Cohen's κ.
//!
//! Annotator A is the reference. Every count is summed over all documents
//! (micro-averaging) before a score is computed, so a corpus score is not an
//! average of per-document scores. The computation is pure: callers hand in
//! the article text and the two annotation lists; nothing here reads files.
//!
//! Formulas (n_A, n_B spans; m matched):
//! - precision = m / n_B, recall = m / n_A, F1 = 2m / (n_A + n_B);
//!   each is `None` when its denominator is 0.
//! - spans are compared within a group: their label, or with [`GroupBy::Kind`]
//!   their kind (an annotation without a kind is grouped under its label);
//! - exact match: same group, start and end (one-to-one, duplicates count once each);
//! - overlap match: same group and ranges sharing a code point, paired
//!   one-to-one greedily by largest overlap (ties: earlier A span, then earlier B span).
//! - κ per group over word tokens (Unicode word boundaries, whitespace-only
//!   tokens dropped); a token is marked by an annotator when it shares at least
//!   one code point with a span of that group. p_o = agreeing tokens / N,
//!   p_e = p_A·p_B + (1 − p_A)(1 − p_B), κ = (p_o − p_e) / (1 − p_e);
//!   when p_e = 1 (both annotators marked all or nothing), κ = 1 if p_o = 1, else 0.

use crate::model::annotation::{Annotation, Label};
use crate::model::offset::{CharOffset, CharRange};
use serde::Serialize;
use std::collections::{BTreeSet, HashMap, VecDeque};
use unicode_segmentation::UnicodeSegmentation;

/// What spans are compared by: they match only within one group.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum GroupBy {
    /// The label (Entity, Claim, Quote): always these three groups.
    #[default]
    Label,
    /// The kind (PER, ORG, Source, Cue, ...); an annotation without a kind
    /// is grouped under its label name. The groups are the keys found, sorted.
    Kind,
}

impl GroupBy {
    /// The group an annotation falls in.
    ///
    /// ```
    /// use marginalia::analysis::agree::GroupBy;
    /// use marginalia::model::annotation::*;
    /// let mut a = Annotation::from_parts(AnnotationId("x".into()), Label::Entity,
    ///     marginalia::model::offset::CharRange::from_usize(0, 3), "Ana", "ana", chrono::Utc::now());
    /// assert_eq!(GroupBy::Kind.key(&a), "Entity");
    /// a.kind = Some("PER".into());
    /// assert_eq!((GroupBy::Label.key(&a), GroupBy::Kind.key(&a)), ("Entity", "PER"));
    /// ```
    pub fn key(self, a: &Annotation) -> &str {
        match self {
            GroupBy::Label => a.label.name(),
            GroupBy::Kind => a.kind.as_deref().unwrap_or(a.label.name()),
        }
    }

    /// The word for a group in tables and JSON: `label` or `kind`.
    pub fn name(self) -> &'static str {
        match self {
            GroupBy::Label => "label",
            GroupBy::Kind => "kind",
        }
    }
}

/// One document to compare: its name, its text (if the article could be
/// read; κ needs it) and the two annotators' annotations.
#[derive(Clone, Copy, Debug)]
pub struct DocumentPair<'a> {
    /// Shown in disagreements (a relative path).
    pub name: &'a str,
    /// The article text; `None` leaves the document out of κ.
    pub text: Option<&'a str>,
    /// Annotator A's annotations (the reference).
    pub a: &'a [&'a Annotation],
    /// Annotator B's annotations.
    pub b: &'a [&'a Annotation],
}

/// Span counts for one matching rule.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize)]
pub struct SpanCounts {
    /// Spans of A.
    pub a_spans: usize,
    /// Spans of B.
    pub b_spans: usize,
    /// Pairs matched one-to-one.
    pub matched: usize,
}

impl SpanCounts {
    /// matched / B spans; `None` when B has none.
    pub fn precision(&self) -> Option<f64> {
        ratio(self.matched, self.b_spans)
    }

    /// matched / A spans; `None` when A has none.
    pub fn recall(&self) -> Option<f64> {
        ratio(self.matched, self.a_spans)
    }

    /// 2·matched / (A spans + B spans); `None` when both have none.
    pub fn f1(&self) -> Option<f64> {
        ratio(2 * self.matched, self.a_spans + self.b_spans)
    }

    fn add(&mut self, other: SpanCounts) {
        self.a_spans += other.a_spans;
        self.b_spans += other.b_spans;
        self.matched += other.matched;
    }
}

fn ratio(num: usize, den: usize) -> Option<f64> {
    (den > 0).then(|| num as f64 / den as f64)
}

/// Token counts for κ: `both` = marked by A and B, `a_only`, `b_only`, `neither`.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize)]
pub struct TokenCounts {
    /// Tokens both annotators marked.
    pub both: usize,
    /// Tokens only A marked.
    pub a_only: usize,
    /// Tokens only B marked.
    pub b_only: usize,
    /// Tokens neither marked.
    pub neither: usize,
}

impl TokenCounts {
    /// Number of tokens.
    pub fn total(&self) -> usize {
        self.both + self.a_only + self.b_only + self.neither
    }

    /// Cohen's κ; `None` when there are no tokens. See the module docs.
    pub fn kappa(&self) -> Option<f64> {
        let n = self.total();
        if n == 0 {
            return None;
        }
        let n = n as f64;
        let p_o = (self.both + self.neither) as f64 / n;
        let p_a = (self.both + self.a_only) as f64 / n;
        let p_b = (self.both + self.b_only) as f64 / n;
        let p_e = p_a * p_b + (1.0 - p_a) * (1.0 - p_b);
        // p_e is 1 exactly when each annotator marked all tokens or none.
        if (1.0 - p_e).abs() < f64::EPSILON {
            return Some(if self.a_only + self.b_only == 0 {
                1.0
            } else {
                0.0
            });
        }
        Some((p_o - p_e) / (1.0 - p_e))
    }

    fn add(&mut self, other: TokenCounts) {
        self.both += other.both;
        self.a_only += other.a_only;
        self.b_only += other.b_only;
        self.neither += other.neither;
    }
}

/// Scores for one group (or, in [`Report::overall`], all groups together).
#[derive(Clone, Debug, Default, PartialEq, Serialize)]
pub struct LabelScores {
    /// Exact matching.
    pub exact: SpanCounts,
    /// Overlap matching.
    pub overlap: SpanCounts,
    /// Token counts for κ (empty in `overall`).
    pub tokens: TokenCounts,
}

/// Which annotator has a span the other lacks.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
pub enum Side {
    /// Only A has it.
    OnlyA,
    /// Only B has it.
    OnlyB,
}

/// A span without an exact match on the other side.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Disagreement {
    /// Whose span it is.
    pub side: Side,
    /// The document.
    pub file: String,
    /// Its label.
    pub label: Label,
    /// Its group (the label name, or with [`GroupBy::Kind`] the kind).
    pub group: String,
    /// Its offsets.
    pub range: CharRange,
    /// Its text.
    pub quote: String,
    /// The other side's span it was paired with by overlap matching, if any.
    pub overlaps: Option<CharRange>,
}

/// The result of comparing two annotators.
#[derive(Clone, Debug, Default, PartialEq, Serialize)]
pub struct Report {
    /// Documents compared.
    pub documents: usize,
    /// Documents left out of κ because their text was unavailable.
    pub documents_without_text: usize,
    /// What the spans were grouped by.
    pub by: GroupBy,
    /// Scores per group: the labels in [`Label::ALL`] order, or the kinds sorted.
    pub groups: Vec<(String, LabelScores)>,
    /// Span scores over all groups (spans only match within a group).
    pub overall: LabelScores,
    /// Spans without an exact match, A's first, in document order.
    pub disagreements: Vec<Disagreement>,
}

impl Report {
    /// The scores of one label (when grouped by label).
    pub fn label(&self, label: Label) -> Option<&LabelScores> {
        self.group(label.name())
    }

    /// The scores of one group.
    pub fn group(&self, name: &str) -> Option<&LabelScores> {
        self.groups.iter().find(|(g, _)| g == name).map(|(_, s)| s)
    }
}

/// Compare A and B over `documents`, span by label.
pub fn compare(documents: &[DocumentPair<'_>]) -> Report {
    compare_by(documents, GroupBy::Label)
}

/// Compare A and B over `documents`, spans grouped `by` label or kind.
pub fn compare_by(documents: &[DocumentPair<'_>], by: GroupBy) -> Report {
    combine(documents.iter().map(|d| score_document(d, by)), by)
}

/// One document's share of a [`Report`], made by [`score_document`] (on any
/// thread, as soon as the document is read) and summed by [`combine`]: a
/// corpus is compared without holding every document at once.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct DocumentScores {
    /// Scores of the groups that have spans here (all three labels when
    /// grouped by label), in their report order.
    groups: Vec<(String, LabelScores)>,
    /// Word tokens of the text; `None` when there was no text.
    tokens: Option<usize>,
    /// Spans without an exact match, unsorted.
    disagreements: Vec<Disagreement>,
}

/// The scores of one document (see [`DocumentScores`]).
pub fn score_document(doc: &DocumentPair<'_>, by: GroupBy) -> DocumentScores {
    score_document_in(doc, by, PARALLEL_TOKENS_BYTES)
}

/// [`score_document`], finding the words of a text of `parallel_from`
/// bytes or more on a thread of their own.
fn score_document_in(doc: &DocumentPair<'_>, by: GroupBy, parallel_from: usize) -> DocumentScores {
    let groups: Vec<String> = match by {
        GroupBy::Label => Label::ALL.iter().map(|l| l.name().to_owned()).collect(),
        GroupBy::Kind => doc
            .a
            .iter()
            .chain(doc.b.iter())
            .map(|a| by.key(a))
            .collect::<BTreeSet<&str>>()
            .into_iter()
            .map(str::to_owned)
            .collect(),
    };
    // A long text's words are found on another thread while the spans are
    // matched; its token counts follow once both are done.
    std::thread::scope(|scope| {
        let tokens = doc.text.map(|text| {
            if text.len() >= parallel_from {
                Tokens::Later(scope.spawn(move || word_tokens(text)))
            } else {
                Tokens::Now(word_tokens(text))
            }
        });
        let mut out = DocumentScores {
            groups: Vec::with_capacity(groups.len()),
            tokens: None,
            disagreements: Vec::new(),
        };
        let mut members = Vec::with_capacity(groups.len());
        for group in groups {
            let mut scores = LabelScores::default();
            let in_group = |x: &&Annotation| by.key(x) == group.as_str();
            let a: Vec<&Annotation> = doc.a.iter().copied().filter(in_group).collect();
            let b: Vec<&Annotation> = doc.b.iter().copied().filter(in_group).collect();
            let (exact, exact_a, exact_b) = match_exact(&a, &b);
            let (overlap, pairs) = match_overlap(&a, &b);
            scores.exact.add(exact);
            scores.overlap.add(overlap);
            // Each side's overlap partner, looked up by index (a scan of
            // the pairs per disagreement was quadratic at 50,000 spans).
            let a_partner: HashMap<usize, usize> = pairs.iter().copied().collect();
            let b_partner: HashMap<usize, usize> = pairs.iter().map(|&(i, j)| (j, i)).collect();
            let partner = |i: usize, a_side: bool| match a_side {
                true => a_partner.get(&i).and_then(|&j| b.get(j)).map(|x| x.range()),
                false => b_partner.get(&i).and_then(|&j| a.get(j)).map(|x| x.range()),
            };
            for (side, spans, matched) in [(Side::OnlyA, &a, &exact_a), (Side::OnlyB, &b, &exact_b)]
            {
                for (i, ann) in spans.iter().enumerate() {
                    if matched.get(i).copied().unwrap_or(false) {
                        continue;
                    }
                    out.disagreements.push(Disagreement {
                        side,
                        file: doc.name.to_owned(),
                        label: ann.label,
                        group: group.clone(),
                        range: ann.range(),
                        quote: ann.quote.as_str().to_owned(),
                        overlaps: partner(i, side == Side::OnlyA),
                    });
                }
            }
            out.groups.push((group, scores));
            members.push((a, b));
        }
        let tokens = tokens.map(|t| match t {
            Tokens::Now(tokens) => tokens,
            Tokens::Later(job) => job
                .join()
                .unwrap_or_else(|panic| std::panic::resume_unwind(panic)),
        });
        if let Some(tokens) = &tokens {
            out.tokens = Some(tokens.len());
            for ((_, scores), (a, b)) in out.groups.iter_mut().zip(&members) {
                scores.tokens.add(token_counts(tokens, a, b));
            }
        }
        out
    })
}

/// From this many bytes of text, words are found on a thread of their own.
const PARALLEL_TOKENS_BYTES: usize = 256 * 1024;

/// A text's word tokens, found here or on another thread.
enum Tokens<'scope> {
    Now(Vec<CharRange>),
    Later(std::thread::ScopedJoinHandle<'scope, Vec<CharRange>>),
}

/// Sum documents' scores into the report (micro-averaging). A group
/// without spans in a document still counts that document's tokens, as
/// marked by neither annotator.
pub fn combine(documents: impl IntoIterator<Item = DocumentScores>, by: GroupBy) -> Report {
    let parts: Vec<DocumentScores> = documents.into_iter().collect();
    let groups: Vec<String> = match by {
        GroupBy::Label => Label::ALL.iter().map(|l| l.name().to_owned()).collect(),
        GroupBy::Kind => parts
            .iter()
            .flat_map(|d| d.groups.iter().map(|(g, _)| g.as_str()))
            .collect::<BTreeSet<&str>>()
            .into_iter()
            .map(str::to_owned)
            .collect(),
    };
    let mut report = Report {
        by,
        groups: groups
            .into_iter()
            .map(|g| (g, LabelScores::default()))
            .collect(),
        ..Report::default()
    };
    for doc in parts {
        report.documents += 1;
        if doc.tokens.is_none() {
            report.documents_without_text += 1;
        }
        // Both lists are in report order: one merge pass.
        let mut own = doc.groups.into_iter().peekable();
        for (group, scores) in &mut report.groups {
            match own.next_if(|(g, _)| g == group) {
                Some((_, s)) => {
                    scores.exact.add(s.exact);
                    scores.overlap.add(s.overlap);
                    scores.tokens.add(s.tokens);
                    report.overall.exact.add(s.exact);
                    report.overall.overlap.add(s.overlap);
                }
                None => {
                    let neither = doc.tokens.unwrap_or(0);
                    scores.tokens.add(TokenCounts {
                        neither,
                        ..TokenCounts::default()
                    });
                }
            }
        }
        report.disagreements.extend(doc.disagreements);
    }
    report.disagreements.sort_by(|x, y| {
        (x.side == Side::OnlyB, &x.file, x.range, &x.group).cmp(&(
            y.side == Side::OnlyB,
            &y.file,
            y.range,
            &y.group,
        ))
    });
    report
}

/// Exact one-to-one matching. Returns counts and, per span, whether it matched.
fn match_exact(a: &[&Annotation], b: &[&Annotation]) -> (SpanCounts, Vec<bool>, Vec<bool>) {
    let mut used_a = vec![false; a.len()];
    let mut used_b = vec![false; b.len()];
    let mut matched = 0;
    // B's spans by range, each list in index order: the first one not yet
    // used is the one a scan would find.
    let mut by_range: HashMap<(CharOffset, CharOffset), VecDeque<usize>> = HashMap::new();
    for (j, y) in b.iter().enumerate() {
        by_range.entry((y.start, y.end)).or_default().push_back(j);
    }
    for (i, x) in a.iter().enumerate() {
        let found = by_range
            .get_mut(&(x.start, x.end))
            .and_then(VecDeque::pop_front);
        if let Some(j) = found {
            used_a[i] = true;
            used_b[j] = true;
            matched += 1;
        }
    }
    let counts = SpanCounts {
        a_spans: a.len(),
        b_spans: b.len(),
        matched,
    };
    (counts, used_a, used_b)
}

/// Greedy one-to-one overlap matching, largest overlap first. Returns the
/// counts and the matched `(a index, b index)` pairs.
fn match_overlap(a: &[&Annotation], b: &[&Annotation]) -> (SpanCounts, Vec<(usize, usize)>) {
    // Only pairs that can overlap are tried: B sorted by start, and for each
    // A span the B spans starting before its end and at most the longest B
    // span before its start. The candidates are sorted below, so the order
    // they are found in does not matter.
    let mut by_start: Vec<usize> = (0..b.len()).collect();
    by_start.sort_by_key(|&j| b[j].start);
    let longest = b
        .iter()
        .map(|y| y.end.0.saturating_sub(y.start.0))
        .max()
        .unwrap_or(0);
    let mut candidates = Vec::new();
    for (i, x) in a.iter().enumerate() {
        let from = x.start.0.saturating_sub(longest);
        let first = by_start.partition_point(|&j| b[j].start.0 < from);
        for &j in by_start[first..]
            .iter()
            .take_while(|&&j| b[j].start < x.end)
        {
            if let Some(common) = x.range().intersection(&b[j].range()) {
                candidates.push((common.char_len(), i, j));
            }
        }
    }
    candidates.sort_by(|p, q| q.0.cmp(&p.0).then((p.1, p.2).cmp(&(q.1, q.2))));
    let mut used_a = vec![false; a.len()];
    let mut used_b = vec![false; b.len()];
    let mut pairs = Vec::new();
    for (_, i, j) in candidates {
        if !used_a[i] && !used_b[j] {
            used_a[i] = true;
            used_b[j] = true;
            pairs.push((i, j));
        }
    }
    let counts = SpanCounts {
        a_spans: a.len(),
        b_spans: b.len(),
        matched: pairs.len(),
    };
    (counts, pairs)
}

/// The word tokens of `text` as code-point ranges: Unicode word-boundary
/// segments that are not whitespace only.
///
/// The text is cut where no rule of UAX #29 looks across: after a space
/// that an ASCII character other than a space follows (only WSegSpace joins
/// a space to what follows it, and no rule's context reaches past a space).
/// Pieces that are all ASCII are segmented by [`ascii_word_bounds`], the
/// rest by `unicode-segmentation`; looking every character up in its Unicode
/// tables was 28 % of `marginalia agree`.
pub fn word_tokens(text: &str) -> Vec<CharRange> {
    let mut out = Vec::new();
    let mut chars_before = 0usize;
    let mut push = |segment: &str, chars_before: &mut usize, len: usize| {
        if !segment.chars().all(char::is_whitespace) {
            out.push(CharRange::from_usize(*chars_before, *chars_before + len));
        }
        *chars_before += len;
    };
    for piece in independent_pieces(text) {
        if piece.is_ascii() {
            for segment in ascii_word_bounds(piece) {
                push(segment, &mut chars_before, segment.len());
            }
        } else {
            for segment in piece.split_word_bounds() {
                push(segment, &mut chars_before, segment.chars().count());
            }
        }
    }
    out
}

/// `text` cut after every space followed by an ASCII character other than
/// a space: places where a word boundary always falls and that no
/// segmentation rule looks across (see [`word_tokens`]).
fn independent_pieces(text: &str) -> impl Iterator<Item = &str> {
    let bytes = text.as_bytes();
    let mut start = 0;
    let mut i = 1;
    std::iter::from_fn(move || {
        if start >= bytes.len() {
            return None;
        }
        while i < bytes.len() {
            let (before, here) = (bytes[i - 1], bytes[i]);
            i += 1;
            if before == b' ' && here.is_ascii() && here != b' ' {
                let piece = text.get(start..i - 1);
                start = i - 1;
                return piece;
            }
        }
        let piece = text.get(start..);
        start = bytes.len();
        piece
    })
}

/// UAX #29 word boundaries of an all-ASCII text: runs of spaces; runs of
/// letters, digits and `_`, holding `'` `.` `:` between two letters and
/// `.` `,` `;` `'` between two digits; CR LF; any other byte alone. This is
/// what `unicode-segmentation`'s own ASCII path does (it offers it only for
/// `unicode_words`, which drops punctuation); a proptest checks it against
/// `split_word_bounds`.
fn ascii_word_bounds(text: &str) -> impl Iterator<Item = &str> {
    let is_core = |b: u8| b.is_ascii_alphanumeric() || b == b'_';
    let is_infix = |b: u8, prev: u8, next: u8| match b {
        b'.' | b',' | b';' | b'\'' if prev.is_ascii_digit() && next.is_ascii_digit() => true,
        b'\'' | b'.' | b':' => prev.is_ascii_alphabetic() && next.is_ascii_alphabetic(),
        _ => false,
    };
    let mut rest = text;
    std::iter::from_fn(move || {
        let bytes = rest.as_bytes();
        let first = *bytes.first()?;
        let len = if first == b' ' {
            bytes.iter().take_while(|&&b| b == b' ').count()
        } else if is_core(first) {
            let mut i = 1;
            while let Some(&b) = bytes.get(i) {
                let infix = || match bytes.get(i + 1) {
                    Some(&next) => is_infix(b, bytes[i - 1], next),
                    None => false,
                };
                if is_core(b) || infix() {
                    i += 1;
                } else {
                    break;
                }
            }
            i
        } else if bytes.starts_with(b"\r\n") {
            2
        } else {
            1
        };
        let (segment, after) = rest.split_at(len);
        rest = after;
        Some(segment)
    })
}

/// Mark tokens for each annotator and count the four cells.
fn token_counts(tokens: &[CharRange], a: &[&Annotation], b: &[&Annotation]) -> TokenCounts {
    let mut counts = TokenCounts::default();
    let (mut marks_a, mut marks_b) = (Marks::new(a), Marks::new(b));
    for t in tokens {
        match (marks_a.touches(*t), marks_b.touches(*t)) {
            (true, true) => counts.both += 1,
            (true, false) => counts.a_only += 1,
            (false, true) => counts.b_only += 1,
            (false, false) => counts.neither += 1,
        }
    }
    counts
}

/// The code points one annotator's spans cover, as disjoint sorted
/// intervals, asked about tokens in increasing order: a sweep that costs
/// what the spans and tokens cost, not the text's length (marking every
/// code point of every document three times was 9 % of `agree`).
struct Marks {
    /// Merged `[start, end)` of the non-empty spans, sorted.
    covered: Vec<(usize, usize)>,
    /// The first interval that may still touch the next token.
    next: usize,
}

impl Marks {
    fn new(spans: &[&Annotation]) -> Marks {
        let mut ranges: Vec<(usize, usize)> = spans
            .iter()
            .map(|s| (s.start.0, s.end.0))
            .filter(|(start, end)| start < end)
            .collect();
        ranges.sort_unstable();
        let mut covered: Vec<(usize, usize)> = Vec::with_capacity(ranges.len());
        for (start, end) in ranges {
            match covered.last_mut() {
                Some(last) if start <= last.1 => last.1 = last.1.max(end),
                _ => covered.push((start, end)),
            }
        }
        Marks { covered, next: 0 }
    }

    /// True when the token shares a code point with a span. Tokens must
    /// come in increasing, non-overlapping order.
    fn touches(&mut self, token: CharRange) -> bool {
        let (start, end) = (token.start.0, token.end.0);
        while self.covered.get(self.next).is_some_and(|c| c.1 <= start) {
            self.next += 1;
        }
        start < end && self.covered.get(self.next).is_some_and(|c| c.0 < end)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::annotation::AnnotationId;
    use crate::model::offset::CharRange;
    use chrono::TimeZone;
    use proptest::strategy::Strategy as _;

    fn ann(label: Label, start: usize, end: usize) -> Annotation {
        let at = chrono::Utc.with_ymd_and_hms(2026, 1, 1, 0, 0, 0).unwrap();
        Annotation::from_parts(
            AnnotationId(format!("{label}-{start}-{end}")),
            label,
            CharRange::from_usize(start, end),
            &format!("q{start}"),
            "x",
            at,
        )
    }

    fn run(text: Option<&str>, a: &[Annotation], b: &[Annotation]) -> Report {
        let a: Vec<&Annotation> = a.iter().collect();
        let b: Vec<&Annotation> = b.iter().collect();
        compare(&[DocumentPair {
            name: "doc.txt",
            text,
            a: &a,
            b: &b,
        }])
    }

    fn close(x: Option<f64>, want: f64) -> bool {
        x.is_some_and(|x| (x - want).abs() < 1e-9)
    }

    #[test]
    fn three_spans_against_two_exact_and_one_overlapping() {
        // A: [0,5) [10,20) [30,40); B: [0,5) [10,20) exactly, [32,45) overlapping the third.
        let a = [
            ann(Label::Entity, 0, 5),
            ann(Label::Entity, 10, 20),
            ann(Label::Entity, 30, 40),
        ];
        let b = [
            ann(Label::Entity, 0, 5),
            ann(Label::Entity, 10, 20),
            ann(Label::Entity, 32, 45),
        ];
        let r = run(None, &a, &b);
        let e = r.label(Label::Entity).unwrap();
        // Exact: 2 matched of 3 and 3 → P = 2/3, R = 2/3, F1 = 4/6 = 2/3.
        assert_eq!(
            e.exact,
            SpanCounts {
                a_spans: 3,
                b_spans: 3,
                matched: 2
            }
        );
        assert!(close(e.exact.precision(), 2.0 / 3.0));
        assert!(close(e.exact.recall(), 2.0 / 3.0));
        assert!(close(e.exact.f1(), 2.0 / 3.0));
        // Overlap: all 3 pair up → P = R = F1 = 1.
        assert_eq!(e.overlap.matched, 3);
        assert!(close(e.overlap.f1(), 1.0));
        // Disagreements: A's [30,40) and B's [32,45), each pointing at the other.
        assert_eq!(r.disagreements.len(), 2);
        assert_eq!(r.disagreements[0].side, Side::OnlyA);
        assert_eq!(r.disagreements[0].range, CharRange::from_usize(30, 40));
        assert_eq!(
            r.disagreements[0].overlaps,
            Some(CharRange::from_usize(32, 45))
        );
        assert_eq!(r.disagreements[1].side, Side::OnlyB);
        assert_eq!(r.overall.exact.matched, 2);
    }

    #[test]
    fn a_with_three_b_with_two_of_them_plus_one_overlap() {
        // A: 3 spans; B: 2 of them exactly plus one overlapping a third A span,
        // plus one B span nowhere near → B has 4.
        let a = [
            ann(Label::Claim, 0, 10),
            ann(Label::Claim, 20, 30),
            ann(Label::Claim, 40, 50),
        ];
        let b = [
            ann(Label::Claim, 0, 10),
            ann(Label::Claim, 20, 30),
            ann(Label::Claim, 45, 55),
            ann(Label::Claim, 70, 80),
        ];
        let c = run(None, &a, &b).label(Label::Claim).unwrap().clone();
        // Exact: m = 2, P = 2/4 = 0.5, R = 2/3, F1 = 4/7.
        assert!(close(c.exact.precision(), 0.5));
        assert!(close(c.exact.recall(), 2.0 / 3.0));
        assert!(close(c.exact.f1(), 4.0 / 7.0));
        // Overlap: m = 3, P = 3/4, R = 1, F1 = 6/7.
        assert!(close(c.overlap.precision(), 0.75));
        assert!(close(c.overlap.recall(), 1.0));
        assert!(close(c.overlap.f1(), 6.0 / 7.0));
    }

    #[test]
    fn overlap_matching_is_one_to_one_by_largest_overlap() {
        // One long A span, two B spans inside it: only one may match (the larger).
        let a = [ann(Label::Quote, 0, 20)];
        let b = [ann(Label::Quote, 0, 3), ann(Label::Quote, 5, 15)];
        let r = run(None, &a, &b);
        let q = r.label(Label::Quote).unwrap();
        assert_eq!(q.overlap.matched, 1);
        assert_eq!(
            r.disagreements[0].overlaps,
            Some(CharRange::from_usize(5, 15))
        );
    }

    #[test]
    fn by_kind_groups_by_kind_and_a_missing_kind_by_label() {
        let kinded = |kind: Option<&str>, start, end| {
            let mut a = ann(Label::Entity, start, end);
            a.kind = kind.map(str::to_owned);
            a
        };
        let a = [
            kinded(Some("PER"), 0, 3),
            kinded(Some("ORG"), 5, 8),
            kinded(None, 10, 12),
        ];
        let b = [
            kinded(Some("PER"), 0, 3),
            kinded(Some("PER"), 5, 8),
            kinded(None, 10, 12),
        ];
        let by_label = run(None, &a, &b);
        assert_eq!(by_label.label(Label::Entity).unwrap().exact.matched, 3);
        let (a, b): (Vec<&Annotation>, Vec<&Annotation>) = (a.iter().collect(), b.iter().collect());
        let doc = DocumentPair {
            name: "doc.txt",
            text: Some("Ana x Uno y Zo"),
            a: &a,
            b: &b,
        };
        let r = compare_by(&[doc], GroupBy::Kind);
        let names: Vec<&str> = r.groups.iter().map(|(g, _)| g.as_str()).collect();
        assert_eq!(names, ["Entity", "ORG", "PER"]);
        let count = |g: &str| r.group(g).unwrap().exact;
        assert_eq!(
            count("PER"),
            SpanCounts {
                a_spans: 1,
                b_spans: 2,
                matched: 1
            }
        );
        assert_eq!(
            count("ORG"),
            SpanCounts {
                a_spans: 1,
                b_spans: 0,
                matched: 0
            }
        );
        assert_eq!(
            count("Entity"),
            SpanCounts {
                a_spans: 1,
                b_spans: 1,
                matched: 1
            }
        );
        assert_eq!(r.overall.exact.matched, 2);
        let groups: Vec<&str> = r.disagreements.iter().map(|d| d.group.as_str()).collect();
        assert_eq!(groups, ["ORG", "PER"]);
        // "Uno" is marked ORG by A only: κ for ORG sees it.
        assert_eq!(r.group("ORG").unwrap().tokens.a_only, 1);
    }

    #[test]
    fn labels_must_agree_to_match() {
        let r = run(
            None,
            &[ann(Label::Entity, 0, 5)],
            &[ann(Label::Claim, 0, 5)],
        );
        assert_eq!(r.overall.exact.matched, 0);
        assert_eq!(r.overall.overlap.matched, 0);
        assert!(close(r.overall.exact.f1(), 0.0));
    }

    #[test]
    fn tokens_follow_word_boundaries_without_whitespace() {
        let t = word_tokens("Ali said: «no»  ok");
        // Ali | said | : | « | no | » | ok
        assert_eq!(t.len(), 7);
        assert_eq!(t[0], CharRange::from_usize(0, 3));
        assert_eq!(t[6], CharRange::from_usize(16, 18));
    }

    #[test]
    fn kappa_on_a_hand_computed_example() {
        // Tokens: "a b c d e f g h i j" → 10 tokens at 0,2,4,...,18.
        let text = "a b c d e f g h i j";
        // A marks tokens a..d (4 tokens); B marks c..f (4 tokens).
        let a = [ann(Label::Entity, 0, 7)];
        let b = [ann(Label::Entity, 4, 11)];
        let r = run(Some(text), &a, &b);
        let tokens = r.label(Label::Entity).unwrap().tokens;
        assert_eq!(
            tokens,
            TokenCounts {
                both: 2,
                a_only: 2,
                b_only: 2,
                neither: 4
            }
        );
        // p_o = 6/10; p_A = p_B = 0.4; p_e = 0.16 + 0.36 = 0.52;
        // κ = (0.6 − 0.52) / 0.48 = 1/6.
        assert!(close(tokens.kappa(), 1.0 / 6.0));
    }

    #[test]
    fn kappa_is_defined_when_chance_agreement_is_one() {
        let none = TokenCounts {
            neither: 5,
            ..Default::default()
        };
        assert_eq!(none.kappa(), Some(1.0));
        let all = TokenCounts {
            both: 5,
            ..Default::default()
        };
        assert_eq!(all.kappa(), Some(1.0));
        assert_eq!(TokenCounts::default().kappa(), None);
        let identical = TokenCounts {
            both: 3,
            neither: 7,
            ..Default::default()
        };
        assert_eq!(identical.kappa(), Some(1.0));
    }

    #[test]
    fn completely_different_annotations_do_not_agree() {
        let text = "one two three four five six seven eight";
        // A marks the first half, B the second half.
        let a = [ann(Label::Entity, 0, 3), ann(Label::Entity, 4, 13)];
        let b = [ann(Label::Entity, 19, 27), ann(Label::Entity, 28, 39)];
        let r = run(Some(text), &a, &b);
        let e = r.label(Label::Entity).unwrap();
        assert!(close(e.exact.f1(), 0.0));
        assert!(close(e.overlap.f1(), 0.0));
        let kappa = e.tokens.kappa().unwrap();
        assert!(kappa <= 0.0, "κ = {kappa}");
        assert_eq!(r.disagreements.len(), 4);
    }

    #[test]
    fn a_token_partly_inside_a_span_counts_as_marked() {
        let text = "Hasanov spoke";
        let r = run(
            Some(text),
            &[ann(Label::Entity, 0, 3)],
            &[ann(Label::Entity, 0, 7)],
        );
        let t = r.label(Label::Entity).unwrap().tokens;
        assert_eq!(t.both, 1);
        assert_eq!(t.neither, 1);
    }

    #[test]
    fn empty_sides_give_undefined_not_perfect_scores() {
        let r = run(Some("x y"), &[], &[]);
        let e = r.label(Label::Entity).unwrap();
        assert_eq!(e.exact.f1(), None);
        assert_eq!(e.exact.precision(), None);
        let r = run(Some("x y"), &[ann(Label::Entity, 0, 1)], &[]);
        let e = r.label(Label::Entity).unwrap();
        assert_eq!(e.exact.precision(), None);
        assert!(close(e.exact.recall(), 0.0));
        assert!(close(e.exact.f1(), 0.0));
    }

    #[test]
    fn orphaned_spans_past_the_text_are_clipped_for_kappa() {
        let r = run(
            Some("ab cd"),
            &[ann(Label::Quote, 3, 99)],
            &[ann(Label::Quote, 50, 60)],
        );
        let t = r.label(Label::Quote).unwrap().tokens;
        assert_eq!(t.total(), 2);
        assert_eq!(t.a_only, 1);
    }

    /// The matching as first written: every pair tried.
    fn naive_matches(a: &[&Annotation], b: &[&Annotation]) -> (Vec<bool>, Vec<(usize, usize)>) {
        let mut used_b = vec![false; b.len()];
        let mut exact_a = vec![false; a.len()];
        for (i, x) in a.iter().enumerate() {
            let found = (0..b.len()).find(|&j| !used_b[j] && b[j].range() == x.range());
            if let Some(j) = found {
                used_b[j] = true;
                exact_a[i] = true;
            }
        }
        let mut candidates = Vec::new();
        for (i, x) in a.iter().enumerate() {
            for (j, y) in b.iter().enumerate() {
                if let Some(c) = x.range().intersection(&y.range()) {
                    candidates.push((c.char_len(), i, j));
                }
            }
        }
        candidates.sort_by(|p, q| q.0.cmp(&p.0).then((p.1, p.2).cmp(&(q.1, q.2))));
        let (mut ua, mut ub, mut pairs) = (vec![false; a.len()], vec![false; b.len()], Vec::new());
        for (_, i, j) in candidates {
            if !ua[i] && !ub[j] {
                (ua[i], ub[j]) = (true, true);
                pairs.push((i, j));
            }
        }
        (exact_a, pairs)
    }

    /// The token counting `token_counts` replaced: every code point marked.
    fn token_counts_by_code_point(
        text: &str,
        tokens: &[CharRange],
        a: &[&Annotation],
        b: &[&Annotation],
    ) -> TokenCounts {
        let char_len = text.chars().count();
        let coverage = |spans: &[&Annotation]| {
            let mut covered = vec![false; char_len];
            for s in spans {
                let (start, end) = (s.start.0.min(char_len), s.end.0.min(char_len));
                if let Some(run) = covered.get_mut(start..end) {
                    run.fill(true);
                }
            }
            covered
        };
        let (ca, cb) = (coverage(a), coverage(b));
        let mut counts = TokenCounts::default();
        for t in tokens {
            let marked = |c: &[bool]| (t.start.0..t.end.0).any(|i| c.get(i) == Some(&true));
            match (marked(&ca), marked(&cb)) {
                (true, true) => counts.both += 1,
                (true, false) => counts.a_only += 1,
                (false, true) => counts.b_only += 1,
                (false, false) => counts.neither += 1,
            }
        }
        counts
    }

    /// `compare_by` as it was: one pass over all documents, every group of
    /// the corpus scored in each (the oracle for [`score_document`] + [`combine`]).
    fn compare_in_one_pass(documents: &[DocumentPair<'_>], by: GroupBy) -> Report {
        let groups: Vec<String> = match by {
            GroupBy::Label => Label::ALL.iter().map(|l| l.name().to_owned()).collect(),
            GroupBy::Kind => documents
                .iter()
                .flat_map(|d| d.a.iter().chain(d.b.iter()))
                .map(|a| by.key(a))
                .collect::<BTreeSet<&str>>()
                .into_iter()
                .map(str::to_owned)
                .collect(),
        };
        let mut report = Report {
            by,
            groups: groups
                .into_iter()
                .map(|g| (g, LabelScores::default()))
                .collect(),
            ..Report::default()
        };
        for doc in documents {
            report.documents += 1;
            let tokens = doc.text.map(word_tokens);
            if tokens.is_none() {
                report.documents_without_text += 1;
            }
            for (group, scores) in &mut report.groups {
                let in_group = |x: &&Annotation| by.key(x) == group.as_str();
                let a: Vec<&Annotation> = doc.a.iter().copied().filter(in_group).collect();
                let b: Vec<&Annotation> = doc.b.iter().copied().filter(in_group).collect();
                let (exact, exact_a, exact_b) = match_exact(&a, &b);
                let (overlap, pairs) = match_overlap(&a, &b);
                scores.exact.add(exact);
                scores.overlap.add(overlap);
                report.overall.exact.add(exact);
                report.overall.overlap.add(overlap);
                if let Some(tokens) = &tokens {
                    scores.tokens.add(token_counts(tokens, &a, &b));
                }
                // Each side's overlap partner, looked up by index (a scan of
                // the pairs per disagreement was quadratic at 50,000 spans).
                let a_partner: HashMap<usize, usize> = pairs.iter().copied().collect();
                let b_partner: HashMap<usize, usize> = pairs.iter().map(|&(i, j)| (j, i)).collect();
                let partner = |i: usize, a_side: bool| match a_side {
                    true => a_partner.get(&i).and_then(|&j| b.get(j)).map(|x| x.range()),
                    false => b_partner.get(&i).and_then(|&j| a.get(j)).map(|x| x.range()),
                };
                for (side, spans, matched) in
                    [(Side::OnlyA, &a, &exact_a), (Side::OnlyB, &b, &exact_b)]
                {
                    for (i, ann) in spans.iter().enumerate() {
                        if matched.get(i).copied().unwrap_or(false) {
                            continue;
                        }
                        report.disagreements.push(Disagreement {
                            side,
                            file: doc.name.to_owned(),
                            label: ann.label,
                            group: group.clone(),
                            range: ann.range(),
                            quote: ann.quote.as_str().to_owned(),
                            overlaps: partner(i, side == Side::OnlyA),
                        });
                    }
                }
            }
        }
        report.disagreements.sort_by(|x, y| {
            (x.side == Side::OnlyB, &x.file, x.range, &x.group).cmp(&(
                y.side == Side::OnlyB,
                &y.file,
                y.range,
                &y.group,
            ))
        });
        report
    }

    proptest::proptest! {
        #[test]
        fn token_marks_equal_marking_every_code_point(
            words in proptest::collection::vec("[a-zé]{1,6}|[ ,.«»]{1,3}", 0..60),
            a in proptest::collection::vec((0usize..250, 0usize..40), 0..30),
            b in proptest::collection::vec((0usize..250, 0usize..40), 0..30),
        ) {
            let text: String = words.concat();
            let tokens = word_tokens(&text);
            let a: Vec<Annotation> = a.iter().map(|&(s, n)| ann(Label::Entity, s, s + n)).collect();
            let b: Vec<Annotation> = b.iter().map(|&(s, n)| ann(Label::Entity, s, s + n)).collect();
            let (a, b): (Vec<&Annotation>, Vec<&Annotation>) = (a.iter().collect(), b.iter().collect());
            proptest::prop_assert_eq!(
                token_counts(&tokens, &a, &b),
                token_counts_by_code_point(&text, &tokens, &a, &b)
            );
        }

        #[test]
        fn indexed_matching_equals_trying_every_pair(
            a in proptest::collection::vec((0usize..200, 0usize..40), 0..40),
            b in proptest::collection::vec((0usize..200, 0usize..40), 0..40),
        ) {
            let a: Vec<Annotation> = a.iter().map(|&(s, n)| ann(Label::Entity, s, s + n)).collect();
            let b: Vec<Annotation> = b.iter().map(|&(s, n)| ann(Label::Entity, s, s + n)).collect();
            let (a, b): (Vec<&Annotation>, Vec<&Annotation>) = (a.iter().collect(), b.iter().collect());
            let (want_exact, want_pairs) = naive_matches(&a, &b);
            let (_, exact_a, _) = match_exact(&a, &b);
            let (_, pairs) = match_overlap(&a, &b);
            proptest::prop_assert_eq!(exact_a, want_exact);
            proptest::prop_assert_eq!(pairs, want_pairs);
        }

        #[test]
        fn word_tokens_equal_unicode_segmentation_alone(
            parts in proptest::collection::vec(
                proptest::prop_oneof![
                    "[a-zA-Z0-9_]{1,4}",
                    "[ .,;:'\"_\r\n\t\x0b\x0c!?-]{1,3}",
                    " {1,3}",
                    proptest::sample::select(vec![
                        "é", "e\u{301}", "\u{200d}", "\u{200b}", "👍🏽", "🇮🇷🇦🇿", "カタカナ", "שׁ\"",
                        "سلام", "\u{a0}", "\u{2019}", "\u{85}", "1\u{660}", "x\u{ad}y",
                    ]).prop_map(str::to_owned),
                ],
                0..40,
            ),
        ) {
            let text: String = parts.concat();
            let mut want = Vec::new();
            let mut chars_before = 0usize;
            for segment in text.split_word_bounds() {
                let len = segment.chars().count();
                if !segment.chars().all(char::is_whitespace) {
                    want.push(CharRange::from_usize(chars_before, chars_before + len));
                }
                chars_before += len;
            }
            proptest::prop_assert_eq!(word_tokens(&text), want, "{:?}", text);
        }

        #[test]
        fn documents_scored_apart_and_combined_equal_one_pass_over_all(
            docs in proptest::collection::vec(
                (
                    proptest::option::of(proptest::collection::vec("[a-z]{1,5}|[ ,.]{1,2}", 0..40)),
                    proptest::collection::vec((0usize..3, 0usize..4, 0usize..120, 0usize..20), 0..12),
                    proptest::collection::vec((0usize..3, 0usize..4, 0usize..120, 0usize..20), 0..12),
                ),
                0..5,
            ),
        ) {
            let spans = |spec: &[(usize, usize, usize, usize)]| -> Vec<Annotation> {
                spec.iter()
                    .map(|&(l, k, s, n)| {
                        let mut a = ann(Label::ALL[l], s, s + n);
                        a.kind = ["PER", "ORG", "Cue"].get(k).map(|k| (*k).to_owned());
                        a
                    })
                    .collect()
            };
            type Owned = (String, Option<String>, Vec<Annotation>, Vec<Annotation>);
            let owned: Vec<Owned> = docs
                .iter()
                .enumerate()
                .map(|(i, (words, a, b))| (format!("d{i}"), words.as_ref().map(|w| w.concat()), spans(a), spans(b)))
                .collect();
            let refs: Vec<(Vec<&Annotation>, Vec<&Annotation>)> =
                owned.iter().map(|(_, _, a, b)| (a.iter().collect(), b.iter().collect())).collect();
            let pairs: Vec<DocumentPair<'_>> = owned
                .iter()
                .zip(&refs)
                .map(|((name, text, _, _), (a, b))| DocumentPair { name, text: text.as_deref(), a, b })
                .collect();
            for by in [GroupBy::Label, GroupBy::Kind] {
                proptest::prop_assert_eq!(compare_by(&pairs, by), compare_in_one_pass(&pairs, by));
                // Words found on a thread of their own (as in a long text)
                // give the same scores as words found in turn.
                for p in &pairs {
                    proptest::prop_assert_eq!(
                        score_document_in(p, by, 0),
                        score_document_in(p, by, usize::MAX)
                    );
                }
            }
        }
    }
}
