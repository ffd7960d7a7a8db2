//! Label colours (PLACEHOLDER, replaced by the article-view helper's version at merge).
//!
//! One colour per [`Label`], tuned for a light or a dark background.
use crate::core::annotation::Label;
use eframe::egui;
use egui::Color32;

/// Highlight colours for the three labels.
#[derive(Clone, Debug)]
pub struct Palette {
    dark: bool,
}

impl Palette {
    /// The palette for a dark (`true`) or light background.
    pub fn for_dark_mode(dark: bool) -> Palette {
        Palette { dark }
    }

    /// The highlight colour of `label`.
    pub fn color(&self, label: Label) -> Color32 {
        match (label, self.dark) {
            (Label::Entity, false) => Color32::from_rgb(0xbf, 0xdb, 0xfe),
            (Label::Claim, false) => Color32::from_rgb(0xfd, 0xe6, 0x8a),
            (Label::Quote, false) => Color32::from_rgb(0xbb, 0xf7, 0xd0),
            (Label::Entity, true) => Color32::from_rgb(0x1e, 0x3a, 0x8a),
            (Label::Claim, true) => Color32::from_rgb(0x71, 0x3f, 0x12),
            (Label::Quote, true) => Color32::from_rgb(0x14, 0x53, 0x2d),
        }
    }
}
