//! Colours of the article view.
//!
//! Label colours come from the Okabe–Ito palette, which stays distinguishable
//! for the common forms of colour blindness: blue for entities, orange for
//! claims, bluish green for quotes, with vermillion kept for the selected
//! annotation's outline. Invariant: light and dark variants keep the same hue
//! per label, so a label never changes meaning with the theme.

use crate::model::annotation::Label;
use eframe::egui::Color32;

/// The colours the article view paints with.
#[derive(Clone, Debug, PartialEq)]
pub struct Palette {
    /// True for the dark-theme variant.
    pub dark: bool,
    /// Entity colour (Okabe–Ito blue / sky blue).
    pub entity: Color32,
    /// Claim colour (Okabe–Ito orange).
    pub claim: Color32,
    /// Quote colour (Okabe–Ito bluish green).
    pub quote: Color32,
    /// Outline of the selected annotation (Okabe–Ito vermillion).
    pub selected_outline: Color32,
    /// Text selection fill.
    pub selection: Color32,
    /// The flash shown where the article view scrolled to.
    pub flash: Color32,
    /// Body text.
    pub text: Color32,
    /// Dimmed text (the header's date).
    pub weak_text: Color32,
    /// Opacity of highlight fills, 0–255.
    pub fill_alpha: u8,
}

impl Palette {
    /// The palette for a dark (`true`) or light (`false`) theme.
    pub fn for_dark_mode(dark: bool) -> Palette {
        if dark {
            Palette {
                dark,
                entity: Color32::from_rgb(0x56, 0xB4, 0xE9),
                claim: Color32::from_rgb(0xE6, 0x9F, 0x00),
                quote: Color32::from_rgb(0x2C, 0xC9, 0x9A),
                selected_outline: Color32::from_rgb(0xFF, 0x7A, 0x2E),
                selection: Color32::from_rgba_unmultiplied(0x9A, 0xB8, 0xFF, 70),
                flash: Color32::from_rgba_unmultiplied(0xF0, 0xE4, 0x42, 110),
                text: Color32::from_gray(225),
                weak_text: Color32::from_gray(150),
                fill_alpha: 85,
            }
        } else {
            Palette {
                dark,
                entity: Color32::from_rgb(0x00, 0x72, 0xB2),
                claim: Color32::from_rgb(0xE6, 0x9F, 0x00),
                quote: Color32::from_rgb(0x00, 0x9E, 0x73),
                selected_outline: Color32::from_rgb(0xD5, 0x5E, 0x00),
                selection: Color32::from_rgba_unmultiplied(0x40, 0x70, 0xE0, 60),
                flash: Color32::from_rgba_unmultiplied(0xF0, 0xE4, 0x42, 150),
                text: Color32::from_gray(20),
                weak_text: Color32::from_gray(110),
                fill_alpha: 70,
            }
        }
    }

    /// The palette for a theme, with the label schema's colours when the
    /// schema comes from a file.
    pub fn for_schema(dark: bool, schema: &crate::store::schema::Schema) -> Palette {
        let mut p = Palette::for_dark_mode(dark);
        if schema.source.is_some() {
            let rgb = |l: Label| {
                let [r, g, b] = schema.label(l).colour_rgb;
                Color32::from_rgb(r, g, b)
            };
            p.entity = rgb(Label::Entity);
            p.claim = rgb(Label::Claim);
            p.quote = rgb(Label::Quote);
        }
        p
    }

    /// The full-strength colour of a label (bars, outlines, legends).
    pub fn color(&self, label: Label) -> Color32 {
        match label {
            Label::Entity => self.entity,
            Label::Claim => self.claim,
            Label::Quote => self.quote,
        }
    }

    /// The translucent fill behind text of a label; `dimmed` for rejected ones.
    pub fn fill(&self, label: Label, dimmed: bool) -> Color32 {
        let c = self.color(label);
        let alpha = if dimmed {
            self.fill_alpha / 3
        } else {
            self.fill_alpha
        };
        Color32::from_rgba_unmultiplied(c.r(), c.g(), c.b(), alpha)
    }
}

impl Default for Palette {
    fn default() -> Self {
        Palette::for_dark_mode(false)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn labels_have_distinct_colours_in_both_themes() {
        for dark in [false, true] {
            let p = Palette::for_dark_mode(dark);
            let c: std::collections::HashSet<_> = Label::ALL.map(|l| p.color(l)).into();
            assert_eq!(c.len(), 3);
            assert!(p.fill(Label::Quote, true).a() < p.fill(Label::Quote, false).a());
        }
    }
}
