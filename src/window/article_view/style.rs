//! The style layer: one paragraph's annotations → styled sections, highlight
//! fills and underline marks in lanes. Pure (no egui): it names roles and
//! labels, and the layout and paint layers turn those into fonts and colours.
//!
//! Everything the layer reads is in a [`StyleInput`], and the paragraph cache
//! is keyed on that input's hash ([`StyleInput::cache_key`]), so a cached
//! paragraph can never show a style computed from stale data.
//!
//! Ranges here are chars relative to the paragraph start, half-open.

use crate::model::annotation::{Annotation, Label, Status};
use std::hash::{Hash, Hasher};
use std::ops::Range;

/// One annotation as the style layer sees it.
#[derive(Clone, Copy, Debug, Hash, PartialEq, Eq)]
pub struct Span {
    /// Absolute char offsets of the annotation (it may reach past the paragraph).
    pub start: usize,
    /// Absolute end (exclusive).
    pub end: usize,
    /// Its label.
    pub label: Label,
    /// Its review status.
    pub status: Status,
}

impl Span {
    /// The span of an annotation.
    pub fn of(a: &Annotation) -> Span {
        Span {
            start: a.start.0,
            end: a.end.0,
            label: a.label,
            status: a.status,
        }
    }
}

/// Everything the style of one paragraph depends on.
#[derive(Clone, Debug, Default, Hash, PartialEq, Eq)]
pub struct StyleInput {
    /// Absolute char offset of the paragraph's first char.
    pub para_start: usize,
    /// Length of the paragraph in chars.
    pub char_len: usize,
    /// Where the title starts in a `date YYYY-MM-DD Title` header paragraph.
    pub title_at: Option<usize>,
    /// The shown annotations overlapping the paragraph.
    pub spans: Vec<Span>,
}

impl StyleInput {
    /// A hash of the whole input: the paragraph cache key.
    pub fn cache_key(&self) -> u64 {
        let mut h = std::collections::hash_map::DefaultHasher::new();
        self.hash(&mut h);
        h.finish()
    }
}

/// What kind of text a section is.
#[derive(Clone, Copy, Debug, Hash, PartialEq, Eq)]
pub enum Role {
    /// Article text.
    Body,
    /// The date part of a header line (small, weak).
    Header,
    /// The title part of a header line (large).
    Title,
}

/// How a run of text is drawn.
#[derive(Clone, Copy, Debug, Hash, PartialEq, Eq)]
pub struct TextStyle {
    /// Body, header or title.
    pub role: Role,
    /// Weak colour (the innermost annotation there is rejected).
    pub dimmed: bool,
}

impl TextStyle {
    /// Plain article text.
    pub const BODY: TextStyle = TextStyle {
        role: Role::Body,
        dimmed: false,
    };
}

/// A highlight fill under the text: the colour of the innermost annotation.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Fill {
    /// The label whose colour fills it.
    pub label: Label,
    /// Rejected: a faded fill.
    pub dimmed: bool,
}

/// One annotation's underline (and outline or strike-through) in a paragraph.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Mark {
    /// Chars of the paragraph it covers.
    pub range: Range<usize>,
    /// Depth of its underline bar: outer (earlier, longer) spans get lower lanes.
    pub lane: usize,
    /// Its label.
    pub label: Label,
    /// Its status: rejected spans are struck through, unreviewed ones outlined.
    pub status: Status,
}

/// A paragraph's styling.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Styled {
    /// Runs of one text style, covering the paragraph in order (none if empty).
    pub sections: Vec<(Range<usize>, TextStyle)>,
    /// Highlight fills, in order, adjacent equal fills merged.
    pub fills: Vec<(Range<usize>, Fill)>,
    /// One mark per span, in the order of [`StyleInput::spans`].
    pub marks: Vec<Mark>,
}

/// Style one paragraph.
pub fn style(input: &StyleInput) -> Styled {
    let n = input.char_len;
    let rel = |o: usize| o.saturating_sub(input.para_start).min(n);
    let lanes = lanes(&input.spans);
    let mut cuts: Vec<usize> = vec![0, n];
    cuts.extend(input.title_at.filter(|&t| t <= n));
    for s in &input.spans {
        cuts.extend([rel(s.start), rel(s.end)]);
    }
    cuts.sort_unstable();
    cuts.dedup();

    let mut out = Styled::default();
    for w in cuts.windows(2) {
        let (a, b) = (w[0], w[1]);
        if a >= b {
            continue;
        }
        let role = match input.title_at {
            Some(t) if a < t => Role::Header,
            Some(_) => Role::Title,
            None => Role::Body,
        };
        let at = input.para_start + a;
        let innermost = (0..input.spans.len())
            .filter(|&i| input.spans[i].start <= at && at < input.spans[i].end)
            .max_by_key(|&i| {
                let s = &input.spans[i];
                (lanes[i], std::cmp::Reverse(s.end - s.start))
            });
        let mut text = TextStyle {
            role,
            dimmed: false,
        };
        if let Some(i) = innermost {
            let s = &input.spans[i];
            let fill = Fill {
                label: s.label,
                dimmed: s.status == Status::Rejected,
            };
            text.dimmed = fill.dimmed;
            push_merged(&mut out.fills, a..b, fill);
        }
        push_merged(&mut out.sections, a..b, text);
    }
    out.marks = input
        .spans
        .iter()
        .zip(&lanes)
        .filter_map(|(s, &lane)| {
            let range = rel(s.start)..rel(s.end);
            (!range.is_empty()).then_some(Mark {
                range,
                lane,
                label: s.label,
                status: s.status,
            })
        })
        .collect();
    out
}

/// Extend the last run when it ends at `range.start` with the same value.
fn push_merged<T: PartialEq>(runs: &mut Vec<(Range<usize>, T)>, range: Range<usize>, value: T) {
    match runs.last_mut() {
        Some((r, v)) if r.end == range.start && *v == value => r.end = range.end,
        _ => runs.push((range, value)),
    }
}

/// The lane of each span: spans sorted by (start, longest first) take the
/// lowest lane free at their start, so nested spans stack outer-to-inner.
pub fn lanes(spans: &[Span]) -> Vec<usize> {
    let mut order: Vec<usize> = (0..spans.len()).collect();
    order.sort_by_key(|&i| (spans[i].start, std::cmp::Reverse(spans[i].end)));
    let mut lane_ends: Vec<usize> = Vec::new();
    let mut lanes = vec![0usize; spans.len()];
    for &i in &order {
        let s = &spans[i];
        let lane = lane_ends
            .iter()
            .position(|&e| e <= s.start)
            .unwrap_or(lane_ends.len());
        if lane == lane_ends.len() {
            lane_ends.push(s.end);
        } else {
            lane_ends[lane] = s.end;
        }
        lanes[i] = lane;
    }
    lanes
}

#[cfg(test)]
mod tests {
    use super::*;

    fn span(start: usize, end: usize, label: Label) -> Span {
        Span {
            start,
            end,
            label,
            status: Status::Accepted,
        }
    }

    #[test]
    fn nested_spans_stack_in_lanes_and_disjoint_ones_share_lane_zero() {
        let spans = [
            span(10, 40, Label::Claim),
            span(12, 20, Label::Entity),
            span(14, 16, Label::Quote),
            span(30, 35, Label::Entity),
            span(50, 60, Label::Entity),
        ];
        assert_eq!(lanes(&spans), vec![0, 1, 2, 1, 0]);
    }

    #[test]
    fn the_innermost_span_fills_and_rejected_text_is_dimmed() {
        let mut inner = span(105, 108, Label::Entity);
        inner.status = Status::Rejected;
        let input = StyleInput {
            para_start: 100,
            char_len: 20,
            title_at: None,
            spans: vec![span(102, 110, Label::Claim), inner],
        };
        let s = style(&input);
        let claim = Fill {
            label: Label::Claim,
            dimmed: false,
        };
        let rejected = Fill {
            label: Label::Entity,
            dimmed: true,
        };
        assert_eq!(
            s.fills,
            vec![(2..5, claim), (5..8, rejected), (8..10, claim)]
        );
        let body = |dimmed| TextStyle {
            role: Role::Body,
            dimmed,
        };
        assert_eq!(
            s.sections,
            vec![
                (0..5, body(false)),
                (5..8, body(true)),
                (8..20, body(false))
            ]
        );
        assert_eq!(s.marks.iter().map(|m| m.lane).collect::<Vec<_>>(), [0, 1]);
        assert_eq!(s.marks[1].range, 5..8);
    }

    #[test]
    fn spans_reaching_past_the_paragraph_are_clipped_and_header_splits_at_the_title() {
        let input = StyleInput {
            para_start: 0,
            char_len: 30,
            title_at: Some(16),
            spans: vec![span(20, 90, Label::Quote)],
        };
        let s = style(&input);
        assert_eq!(s.marks[0].range, 20..30);
        assert_eq!(s.sections[0].1.role, Role::Header);
        assert_eq!(s.sections[0].0, 0..16);
        assert!(s.sections[1..].iter().all(|(_, t)| t.role == Role::Title));
    }

    #[test]
    fn the_cache_key_changes_with_every_field_read() {
        let base = StyleInput {
            para_start: 5,
            char_len: 10,
            title_at: None,
            spans: vec![span(6, 8, Label::Entity)],
        };
        let mut variants = vec![base.clone(); 6];
        variants[0].para_start = 6;
        variants[1].char_len = 11;
        variants[2].title_at = Some(3);
        variants[3].spans[0].label = Label::Claim;
        variants[4].spans[0].status = Status::Unreviewed;
        variants[5].spans.clear();
        for v in &variants {
            assert_ne!(v.cache_key(), base.cache_key(), "{v:?}");
        }
    }
}
