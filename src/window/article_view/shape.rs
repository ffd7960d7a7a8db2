//! Shaping a paragraph with egui, in pieces whose glyphs can be traced back
//! to their chars.
//!
//! egui 0.37 shapes text with harfrust but does no bidi reordering, and a
//! right-to-left run gives it more glyphs than chars (zero-width
//! "continuation" glyphs for the whole run trail its last cluster). So the
//! paragraph is cut into pieces egui shapes correctly, each laid out alone on
//! one unwrapped row:
//! - a left-to-right piece: a run of one style at even bidi levels; egui
//!   keeps one glyph per char there;
//! - a right-to-left word: graphemes of strong RTL letters (Arabic, Hebrew,
//!   with their marks and ZWNJ), shaped as a whole so the letters join;
//!   harfrust returns its glyphs in visual order, and [`decode_rtl_word`]
//!   traces each back to its cluster;
//! - any other grapheme at an odd level (space, digit sign, bracket) alone,
//!   mirrored when it has a mirror glyph (UAX #9 rule L4).
//!
//! The pieces are then cut into [`Unit`]s, the atoms that lines are broken
//! between and placed in visual order: one per grapheme of an LTR piece, one
//! per RTL word or lone grapheme.

use super::bidi::{Bidi, mirrored};
use crate::window::bidi_text::is_rtl_script;
use eframe::egui::{self, Galley, text::LayoutJob, text::TextFormat};
use std::ops::Range;
use std::sync::Arc;
use unicode_segmentation::UnicodeSegmentation;

/// One piece of the paragraph, laid out by egui on one row.
pub(super) struct Piece {
    pub galley: Arc<Galley>,
    /// Height of its row, and how far its glyphs' baseline anchor sits below the top.
    pub height: f32,
}

/// An atom of placement: chars that move together, with their glyphs.
#[derive(Clone, Debug, PartialEq)]
pub(super) struct Unit {
    /// Chars (relative to the paragraph).
    pub chars: Range<usize>,
    /// Index into [`Shaped::pieces`].
    pub piece: usize,
    /// Glyphs of the piece's row that draw these chars.
    pub glyphs: Range<usize>,
    /// Left and right edge within the piece.
    pub x0: f32,
    pub x1: f32,
}

impl Unit {
    pub fn width(&self) -> f32 {
        self.x1 - self.x0
    }
}

/// A shaped paragraph.
pub(super) struct Shaped {
    pub pieces: Vec<Piece>,
    /// Units in logical order, covering every char once.
    pub units: Vec<Unit>,
    /// The left and right edge of every char within its piece. Chars that
    /// continue a grapheme have zero width at its trailing edge.
    pub char_x: Vec<(f32, f32)>,
    /// The paragraph laid out with no text (its height is an empty line's).
    pub empty: Arc<Galley>,
}

/// Shape `chars` (the paragraph) in pieces: `formats` are the style runs
/// (covering every char, in order).
pub(super) fn shape(
    ctx: &egui::Context,
    chars: &[char],
    formats: &[(Range<usize>, TextFormat)],
    bidi: &Bidi<'_>,
    body: &TextFormat,
) -> Shaped {
    let empty = layout_one_row(ctx, String::new(), body.clone());
    let mut shaped = Shaped {
        pieces: Vec::new(),
        units: Vec::new(),
        char_x: vec![(0.0, 0.0); chars.len()],
        empty,
    };
    let graphemes = grapheme_starts(chars);
    for (range, format) in formats {
        let mut a = range.start;
        while a < range.end {
            let rtl = bidi.is_rtl_at(a);
            let mut b = a + 1;
            while b < range.end && bidi.is_rtl_at(b) == rtl {
                b += 1;
            }
            if rtl {
                shape_rtl_run(ctx, chars, &graphemes, a..b, format, &mut shaped);
            } else {
                shape_ltr_run(ctx, chars, &graphemes, a..b, format, &mut shaped);
            }
            a = b;
        }
    }
    shaped
}

/// `is_start[i]`: char `i` starts a grapheme cluster (and `is_start[n]`).
pub(super) fn grapheme_starts(chars: &[char]) -> Vec<bool> {
    let mut starts = vec![false; chars.len() + 1];
    starts[chars.len()] = true;
    if chars.iter().all(char::is_ascii) {
        starts.iter_mut().for_each(|s| *s = true);
        return starts;
    }
    let text: String = chars.iter().collect();
    let mut i = 0;
    for g in text.graphemes(true) {
        starts[i] = true;
        i += g.chars().count();
    }
    starts
}

fn layout_one_row(ctx: &egui::Context, text: String, format: TextFormat) -> Arc<Galley> {
    let mut job = LayoutJob::single_section(text, format);
    job.wrap.max_width = f32::INFINITY;
    ctx.fonts_mut(|f| f.layout_job(job))
}

fn push_piece(shaped: &mut Shaped, galley: Arc<Galley>) -> usize {
    let height = galley.rows.first().map_or(0.0, |r| r.row.size.y);
    shaped.pieces.push(Piece { galley, height });
    shaped.pieces.len() - 1
}

fn row_glyphs(galley: &Galley) -> &[egui::epaint::text::Glyph] {
    galley.rows.first().map_or(&[], |r| &r.row.glyphs[..])
}

/// A run at an even level: pieces of one glyph per char, except that
/// graphemes of RTL scripts there (Persian digits in a number, say) are
/// shaped alone, since harfrust would order a run of them right to left.
fn shape_ltr_run(
    ctx: &egui::Context,
    chars: &[char],
    graphemes: &[bool],
    range: Range<usize>,
    format: &TextFormat,
    shaped: &mut Shaped,
) {
    let mut a = range.start;
    while a < range.end {
        let mut b = a + 1;
        while b < range.end && !graphemes[b] {
            b += 1;
        }
        if is_rtl_script(chars[a]) {
            shape_single(ctx, chars, a..b, format, false, shaped);
        } else {
            while b < range.end && !(graphemes[b] && is_rtl_script(chars[b])) {
                b += 1;
            }
            shape_ltr_piece(ctx, chars, graphemes, a..b, format, shaped);
        }
        a = b;
    }
}

/// One grapheme as a piece of its own, its first char mirrored if asked.
fn shape_single(
    ctx: &egui::Context,
    chars: &[char],
    range: Range<usize>,
    format: &TextFormat,
    mirror: bool,
    shaped: &mut Shaped,
) {
    let text: String = chars[range.clone()]
        .iter()
        .enumerate()
        .map(|(k, &c)| if k == 0 && mirror { mirrored(c) } else { c })
        .collect();
    let galley = layout_one_row(ctx, text, format.clone());
    let piece = push_piece(shaped, galley.clone());
    let count = row_glyphs(&galley).len();
    let width = galley.size().x;
    whole_piece_unit(shaped, piece, range.clone(), count, width, false);
    shaped.char_x[range.start] = (0.0, width);
    for c in range.start + 1..range.end {
        shaped.char_x[c] = (width, width);
    }
}

/// A left-to-right piece: one glyph per char; one unit per grapheme.
fn shape_ltr_piece(
    ctx: &egui::Context,
    chars: &[char],
    graphemes: &[bool],
    range: Range<usize>,
    format: &TextFormat,
    shaped: &mut Shaped,
) {
    let text: String = chars[range.clone()].iter().collect();
    let galley = layout_one_row(ctx, text, format.clone());
    let piece = push_piece(shaped, galley.clone());
    let glyphs = row_glyphs(&galley);
    if glyphs.len() != range.len() {
        // Not one glyph per char after all: the piece moves as one unit.
        whole_piece_unit(shaped, piece, range, glyphs.len(), galley.size().x, false);
        return;
    }
    let mut a = range.start;
    while a < range.end {
        let mut b = a + 1;
        while b < range.end && !graphemes[b] {
            b += 1;
        }
        let g = a - range.start..b - range.start;
        // Graphemes touch: each ends where the next begins (glyph positions
        // are rounded to pixels), so highlights over a phrase have no gaps.
        let x0 = if a == range.start {
            0.0
        } else {
            glyphs[g.start].pos.x
        };
        let x1 = match glyphs.get(g.end) {
            Some(next) => next.pos.x,
            None => galley.size().x,
        };
        shaped.char_x[a] = (x0, x1);
        for c in a + 1..b {
            shaped.char_x[c] = (x1, x1);
        }
        shaped.units.push(Unit {
            chars: a..b,
            piece,
            glyphs: g,
            x0,
            x1,
        });
        a = b;
    }
}

/// One unit for a whole piece, its chars spread evenly over its width
/// (right to left when `rtl`).
fn whole_piece_unit(
    shaped: &mut Shaped,
    piece: usize,
    range: Range<usize>,
    glyph_count: usize,
    width: f32,
    rtl: bool,
) {
    let n = range.len().max(1) as f32;
    for (k, c) in range.clone().enumerate() {
        let (a, b) = (k as f32 * width / n, (k + 1) as f32 * width / n);
        shaped.char_x[c] = if rtl { (width - b, width - a) } else { (a, b) };
    }
    shaped.units.push(Unit {
        chars: range,
        piece,
        glyphs: 0..glyph_count,
        x0: 0.0,
        x1: width,
    });
}

/// True for letters of right-to-left scripts (bidi class R or AL).
fn is_rtl_letter(c: char) -> bool {
    use unicode_bidi::BidiClass::{AL, R};
    matches!(unicode_bidi::bidi_class(c), R | AL)
}

/// A run at an odd level: RTL words shaped whole, other graphemes alone.
fn shape_rtl_run(
    ctx: &egui::Context,
    chars: &[char],
    graphemes: &[bool],
    range: Range<usize>,
    format: &TextFormat,
    shaped: &mut Shaped,
) {
    let next_grapheme = |a: usize| {
        let mut b = a + 1;
        while b < range.end && !graphemes[b] {
            b += 1;
        }
        b
    };
    let mut a = range.start;
    while a < range.end {
        let mut b = next_grapheme(a);
        if is_rtl_letter(chars[a]) {
            while b < range.end && is_rtl_letter(chars[b]) {
                b = next_grapheme(b);
            }
            shape_rtl_word(ctx, chars, graphemes, a..b, format, shaped);
        } else {
            shape_single(ctx, chars, a..b, format, true, shaped);
        }
        a = b;
    }
}

/// An RTL word: one unit; its chars' extents from its decoded clusters.
fn shape_rtl_word(
    ctx: &egui::Context,
    chars: &[char],
    graphemes: &[bool],
    range: Range<usize>,
    format: &TextFormat,
    shaped: &mut Shaped,
) {
    let word = &chars[range.clone()];
    let galley = layout_one_row(ctx, word.iter().collect(), format.clone());
    let piece = push_piece(shaped, galley.clone());
    let glyphs = row_glyphs(&galley);
    let width = galley.size().x;
    let glyph_chars: Vec<char> = glyphs.iter().map(|g| g.chr).collect();
    let Some(clusters) = decode_rtl_word(word, &glyph_chars) else {
        whole_piece_unit(shaped, piece, range, glyphs.len(), width, true);
        return;
    };
    // Extent of each cluster: from its first glyph to the next cluster's
    // (clusters come left to right), the word's edges at either end.
    for (k, cluster) in clusters.iter().enumerate() {
        let x0 = if k == 0 {
            0.0
        } else {
            glyphs[cluster.glyphs.start].pos.x
        };
        let x1 = clusters
            .get(k + 1)
            .map_or(width, |next| glyphs[next.glyphs.start].pos.x);
        let chars_end = clusters
            .iter()
            .map(|c| c.char_start)
            .filter(|&s| s > cluster.char_start)
            .min()
            .unwrap_or(word.len());
        spread_rtl(
            shaped,
            graphemes,
            range.start + cluster.char_start..range.start + chars_end,
            x0,
            x1,
        );
    }
    shaped.units.push(Unit {
        chars: range,
        piece,
        glyphs: 0..glyphs.len(),
        x0: 0.0,
        x1: width,
    });
}

/// Share a cluster's extent `x0..x1` among its graphemes, right to left;
/// chars that continue a grapheme get zero width at its left edge.
fn spread_rtl(shaped: &mut Shaped, graphemes: &[bool], chars: Range<usize>, x0: f32, x1: f32) {
    let starts: Vec<usize> = chars.clone().filter(|&c| graphemes[c]).collect();
    let n = starts.len().max(1) as f32;
    let share = (x1 - x0) / n;
    let mut k = 0.0;
    for c in chars {
        if graphemes[c] || k == 0.0 {
            let right = x1 - k * share;
            shaped.char_x[c] = (right - share, right);
            k += 1.0;
        } else {
            let left = x1 - k * share;
            shaped.char_x[c] = (left, left);
        }
    }
}

/// One cluster of an RTL word: its first char (relative to the word) and
/// its glyphs.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(super) struct Cluster {
    pub char_start: usize,
    pub glyphs: Range<usize>,
}

/// Trace the glyphs egui made for an RTL word back to their clusters.
///
/// harfrust returns an RTL word's glyphs in visual order, so their clusters
/// fall from the word's last char to its first; egui names each glyph by the
/// first char of its cluster, then appends zero-width continuation glyphs
/// for `word[k..]`, where `k` is the glyph count of the last cluster. Each
/// glyph's cluster is the nearest char before the previous cluster that
/// matches its name. `None` when the glyphs do not fit that pattern (a word
/// shaped in several fonts, say): callers then spread chars evenly.
pub(super) fn decode_rtl_word(word: &[char], glyphs: &[char]) -> Option<Vec<Cluster>> {
    let n = word.len();
    let m = glyphs.len();
    for k in 1..=n.max(1) {
        let Some(h) = (m + k).checked_sub(n.max(k)) else {
            continue;
        };
        if h == 0 || h > m || glyphs[h..] != word[k.min(n)..] {
            continue;
        }
        if let Some(clusters) = clusters_of(word, &glyphs[..h])
            && clusters.last().is_some_and(|c| c.char_start == 0)
            && clusters.last().is_some_and(|c| c.glyphs.len() == k.min(h))
        {
            return Some(clusters);
        }
    }
    None
}

fn clusters_of(word: &[char], glyphs: &[char]) -> Option<Vec<Cluster>> {
    let mut clusters: Vec<Cluster> = Vec::new();
    for (i, &g) in glyphs.iter().enumerate() {
        if let Some(last) = clusters.last_mut()
            && word[last.char_start] == g
        {
            last.glyphs.end = i + 1;
            continue;
        }
        let bound = clusters.last().map_or(word.len(), |c| c.char_start);
        let start = word[..bound].iter().rposition(|&c| c == g)?;
        clusters.push(Cluster {
            char_start: start,
            glyphs: i..i + 1,
        });
    }
    Some(clusters)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn chars(s: &str) -> Vec<char> {
        s.chars().collect()
    }

    #[test]
    fn decodes_one_glyph_per_letter_and_the_trailing_continuations() {
        // حسین: 4 letters, 4 glyphs in visual order (ن ی س ح), then egui's
        // 3 continuation glyphs for "سین".
        let word = chars("حسین");
        let glyphs = chars("نیسحسین");
        let clusters = decode_rtl_word(&word, &glyphs).unwrap();
        let starts: Vec<usize> = clusters.iter().map(|c| c.char_start).collect();
        assert_eq!(starts, vec![3, 2, 1, 0]);
        assert_eq!(clusters[3].glyphs, 3..4);
    }

    #[test]
    fn decodes_a_ligature_cluster_of_two_chars() {
        // سلام with lam-alef as one glyph named ل: glyphs م (لا) س, then
        // continuations for "لام".
        let word = chars("سلام");
        let glyphs = chars("ملسلام");
        let clusters = decode_rtl_word(&word, &glyphs).unwrap();
        let starts: Vec<usize> = clusters.iter().map(|c| c.char_start).collect();
        assert_eq!(starts, vec![3, 1, 0], "لا is one cluster from char 1");
    }

    #[test]
    fn a_mark_glyph_joins_its_base_cluster() {
        // بَر (beh + fatha, reh): glyphs ر ب َ — the mark shares beh's
        // cluster, so egui names it by beh; then a continuation for "ر".
        let word = chars("بَر");
        let glyphs = vec!['ر', 'ب', 'ب', 'ر'];
        let clusters = decode_rtl_word(&word, &glyphs).unwrap();
        assert_eq!(clusters.len(), 2);
        assert_eq!(clusters[1].char_start, 0);
        assert_eq!(clusters[1].glyphs, 1..3);
    }

    #[test]
    fn glyphs_that_do_not_fit_are_refused() {
        assert_eq!(decode_rtl_word(&chars("حسین"), &chars("abc")), None);
    }
}
