//! Laying out one paragraph: its styled sections become a [`LayoutJob`],
//! shaped by egui into a galley, with the glyph map and the cached meshes of
//! its highlights.

use super::glyph_map::glyph_map;
use super::paint::{decorations, tessellate_decorations};
use super::{Decoration, Geometry, LINE_HEIGHT_FACTOR, Paragraph};
use crate::model::annotation::{Annotation, Status};
use crate::model::document::Article;
use crate::model::offset::CharOffset;
use crate::window::palette::Palette;
use eframe::egui::{
    self, Color32, FontFamily, FontId,
    text::{LayoutJob, LayoutSection, TextFormat, TextWrapping},
};
use std::sync::Arc;

/// True for chars of right-to-left scripts (Hebrew, Arabic, Syriac, Thaana,
/// NKo, ... and their presentation forms).
pub(super) fn is_rtl(c: char) -> bool {
    matches!(c,
        '\u{0590}'..='\u{08FF}' | '\u{FB1D}'..='\u{FDFF}' | '\u{FE70}'..='\u{FEFF}'
        | '\u{10800}'..='\u{10FFF}' | '\u{1E800}'..='\u{1EFFF}')
}

/// Char ranges (relative) of right-to-left runs: from an RTL char to the last
/// RTL char before any strong left-to-right letter, with following marks.
pub(super) fn rtl_runs(chars: &[char]) -> Vec<std::ops::Range<usize>> {
    let mut runs = Vec::new();
    let mut i = 0;
    while i < chars.len() {
        if !is_rtl(chars[i]) {
            i += 1;
            continue;
        }
        let start = i;
        let mut end = i + 1;
        let mut j = i + 1;
        while j < chars.len() {
            let c = chars[j];
            if is_rtl(c) || matches!(c, '\u{200C}' | '\u{200D}') {
                end = j + 1;
            } else if c.is_alphabetic() {
                break;
            }
            j += 1;
        }
        runs.push(start..end);
        i = end;
    }
    runs
}

/// Lay out paragraph `line` with its highlights.
pub(super) fn build_paragraph(
    ui: &egui::Ui,
    article: &Article,
    line: usize,
    anns: &[&Annotation],
    palette: &Palette,
    geometry: Geometry,
) -> Paragraph {
    let range = article.line_range(line).unwrap_or_default();
    let text = article.slice(range).unwrap_or_default();
    let chars: Vec<char> = text.chars().collect();
    let n = chars.len();
    let font_size = geometry.font_size;
    let body = TextFormat {
        font_id: FontId::new(font_size, FontFamily::Proportional),
        color: palette.text,
        line_height: Some(geometry.line_height),
        ..Default::default()
    };

    // Relative char boundaries where the format may change.
    let mut cuts: Vec<usize> = vec![0, n];
    let header = article
        .meta()
        .header
        .filter(|h| h.start == range.start && line == 0);
    let title_at = header.and_then(|_| title_char_start(text, article));
    cuts.extend(title_at);
    let rel = |o: CharOffset| o.0.saturating_sub(range.start.0).min(n);
    for a in anns {
        cuts.push(rel(a.start));
        cuts.push(rel(a.end));
    }
    let runs = rtl_runs(&chars);
    for r in &runs {
        cuts.push(r.start);
        cuts.push(r.end);
    }
    cuts.sort_unstable();
    cuts.dedup();

    // Lanes: outer (earlier, longer) spans get lower lanes.
    let mut order: Vec<usize> = (0..anns.len()).collect();
    order.sort_by_key(|&i| (anns[i].start, std::cmp::Reverse(anns[i].end)));
    let mut lane_ends: Vec<CharOffset> = Vec::new();
    let mut lanes = vec![0usize; anns.len()];
    for &i in &order {
        let lane = lane_ends
            .iter()
            .position(|&e| e <= anns[i].start)
            .unwrap_or(lane_ends.len());
        if lane == lane_ends.len() {
            lane_ends.push(anns[i].end);
        } else {
            lane_ends[lane] = anns[i].end;
        }
        lanes[i] = lane;
    }

    // Byte offsets of each char boundary, relative to the paragraph.
    let mut byte_at = Vec::with_capacity(n + 1);
    let mut b = 0;
    for c in &chars {
        byte_at.push(b);
        b += c.len_utf8();
    }
    byte_at.push(b);

    let mut job = LayoutJob {
        text: text.to_owned(),
        wrap: TextWrapping {
            max_width: geometry.wrap_width,
            ..Default::default()
        },
        ..Default::default()
    };
    // Sections change only where the font or colour does (title, rejected
    // text) and at right-to-left runs; highlight fills are painted as
    // rectangles under the text instead of section backgrounds. Every
    // section is shaped on its own, so one section per annotation boundary
    // made laying out a densely annotated paragraph several times slower.
    let mut hard: Vec<usize> = runs.iter().flat_map(|r| [r.start, r.end]).collect();
    hard.extend(title_at);
    let mut section_formats: Vec<(std::ops::Range<usize>, TextFormat)> = Vec::new();
    let mut fills: Vec<(std::ops::Range<usize>, Color32)> = Vec::new();
    for w in cuts.windows(2) {
        let (a, b) = (w[0], w[1]);
        if a >= b {
            continue;
        }
        let mut format = body.clone();
        if let Some(t) = title_at {
            if a < t {
                format.font_id.size = font_size * 0.85;
                format.color = palette.weak_text;
            } else {
                format.font_id.size = font_size * 1.6;
                format.line_height = Some((font_size * 1.6 * LINE_HEIGHT_FACTOR).round());
            }
        }
        let at = CharOffset(range.start.0 + a);
        let innermost = (0..anns.len())
            .filter(|&i| anns[i].range().contains(at))
            .max_by_key(|&i| (lanes[i], std::cmp::Reverse(anns[i].range().char_len())));
        if let Some(i) = innermost {
            let rejected = anns[i].status == Status::Rejected;
            let fill = palette.fill(anns[i].label, rejected);
            match fills.last_mut() {
                Some((r, c)) if r.end == a && *c == fill => r.end = b,
                _ => fills.push((a..b, fill)),
            }
            if rejected {
                format.color = palette.weak_text;
            }
        }
        match section_formats.last_mut() {
            Some((r, f)) if r.end == a && *f == format && !hard.contains(&a) => r.end = b,
            _ => section_formats.push((a..b, format)),
        }
    }
    for (r, format) in &section_formats {
        job.sections.push(LayoutSection {
            leading_space: 0.0,
            byte_range: egui::text::ByteIndex(byte_at[r.start])
                ..egui::text::ByteIndex(byte_at[r.end]),
            format: format.clone(),
        });
    }
    if job.sections.is_empty() {
        job.sections.push(LayoutSection {
            leading_space: 0.0,
            byte_range: egui::text::ByteIndex(0)..egui::text::ByteIndex(0),
            format: body.clone(),
        });
    }
    let galley = ui.ctx().fonts_mut(|f| f.layout_job(job));

    let map = glyph_map(ui, range.start, &chars, &runs, &section_formats, &galley);
    let fills: Vec<Decoration> = fills
        .into_iter()
        .flat_map(|(r, color)| {
            map.char_rects(&galley, r)
                .into_iter()
                .map(move |rect| Decoration::Fill { rect, color })
        })
        .collect();
    let fills = Arc::new(tessellate_decorations(ui.ctx(), &fills));
    let decorations = decorations(&map, &galley, anns, &lanes, range, palette, geometry);
    let decorations = Arc::new(tessellate_decorations(ui.ctx(), &decorations));
    Paragraph {
        size_key: (0, 0),
        signature: 0,
        revision: 0,
        last_used: 0,
        galley,
        map,
        fills,
        placed: None,
        decorations,
    }
}

/// Char index (relative) where the header's title starts.
pub(super) fn title_char_start(header_text: &str, article: &Article) -> Option<usize> {
    let title = article.meta().title.as_deref()?;
    let byte = header_text.rfind(title)?;
    Some(header_text.get(..byte)?.chars().count())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rtl_runs_stop_before_latin_and_keep_inner_spaces() {
        let chars: Vec<char> = "ab سلام دنیا cd".chars().collect();
        assert_eq!(rtl_runs(&chars), vec![3..12]);
        assert!(rtl_runs(&"plain".chars().collect::<Vec<_>>()).is_empty());
    }
}
