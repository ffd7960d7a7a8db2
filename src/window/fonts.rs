//! Fonts bundled with the app: Noto Sans Arabic (Arabic and Persian script)
//! and Noto Sans Hebrew, both under the SIL Open Font License
//! (`assets/fonts/OFL.txt`). egui's default fonts have neither script, so
//! without these, Persian text would depend on what the system has, and
//! tests would measure placeholder boxes.

use eframe::egui::{self, FontData, FontFamily, FontInsert, FontPriority, InsertFontFamily};

const ARABIC: &[u8] = include_bytes!("../../assets/fonts/NotoSansArabic-Regular.ttf");
const HEBREW: &[u8] = include_bytes!("../../assets/fonts/NotoSansHebrew-Regular.ttf");

/// Add the bundled fonts to `ctx` as fallbacks of the proportional family,
/// after egui's own fonts and before any system font. They take effect on
/// the next pass.
pub fn install(ctx: &egui::Context) {
    for (name, data) in [("noto-sans-arabic", ARABIC), ("noto-sans-hebrew", HEBREW)] {
        ctx.add_font(FontInsert::new(
            name,
            FontData::from_static(data),
            vec![InsertFontFamily {
                family: FontFamily::Proportional,
                priority: FontPriority::Lowest,
            }],
        ));
    }
}
