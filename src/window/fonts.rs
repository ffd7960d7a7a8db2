//! Fonts bundled with the app: Noto Sans Arabic (Arabic and Persian script),
//! Noto Sans Hebrew and Noto Emoji (monochrome, Google Fonts v64), all under
//! the SIL Open Font License (`assets/fonts/OFL.txt`, sources in
//! `assets/fonts/README.md`). egui's default fonts have neither script, so
//! without these, Persian text would depend on what the system has, and
//! tests would measure placeholder boxes; egui's own emoji font stops at
//! Unicode 8, so 🧊 (Unicode 12) was a box.

use eframe::egui::{self, FontData, FontFamily, FontInsert, FontPriority, InsertFontFamily};

const ARABIC: &[u8] = include_bytes!("../../assets/fonts/NotoSansArabic-Regular.ttf");
const HEBREW: &[u8] = include_bytes!("../../assets/fonts/NotoSansHebrew-Regular.ttf");
const EMOJI: &[u8] = include_bytes!("../../assets/fonts/NotoEmoji-Regular.ttf");

/// Add the bundled fonts to `ctx` as fallbacks of the proportional family,
/// after egui's own fonts and before any system font. They take effect on
/// the next pass. The emoji font comes last: it only fills what egui's
/// older emoji font lacks (it also has digits and `#`, which must stay the
/// text font's).
pub fn install(ctx: &egui::Context) {
    for (name, data) in [
        ("noto-sans-arabic", ARABIC),
        ("noto-sans-hebrew", HEBREW),
        ("noto-emoji", EMOJI),
    ] {
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
