//! What a walk through the whole window as an analyst found (gui-smoke on
//! the real article and a Persian one): each test is named after what it
//! guards.
use eframe::egui::{Key, Modifiers};
use egui_kittest::kittest::Queryable;
use marginalia::model::offset::CharRange;

const ARTICLE: &str = "The envoy said talks would resume.\n";

/// A sidecar that cannot be parsed, then a tag and Ctrl+S: the window
/// names the parse error (path:line:column) once, in the read-only
/// banner, and the failed save says why in a few words with Save As…
/// (the save banner repeated the whole parse error and the read-only
/// sentence under the same words above it).
#[test]
fn a_save_over_a_broken_sidecar_names_the_parse_error_once() {
    let dir = tempfile::tempdir().unwrap();
    let article = dir.path().join("report.txt");
    std::fs::write(&article, ARTICLE).unwrap();
    let sidecar = marginalia::store::sidecar::sidecar_path(&article);
    let broken = "(\n  version: 1,\n  annotations: [,,]\n)\n";
    std::fs::write(&sidecar, broken).unwrap();
    let mut h = crate::open_window(&article, "ana", [1200.0, 800.0]);
    let start = ARTICLE.find("envoy").unwrap();
    h.state_mut()
        .select(CharRange::from_usize(start, start + "envoy".len()));
    h.key_press(Key::E);
    h.run();
    h.key_press_modifiers(Modifiers::COMMAND, Key::S);
    h.run();
    assert_eq!(std::fs::read_to_string(&sidecar).unwrap(), broken);
    assert_eq!(
        h.query_all_by_label_contains("report.txt.ann.ron:3:")
            .count(),
        1,
        "the parse error is named once"
    );
    h.get_by_label_contains("Read-only");
    let saved = h.get_by_label_contains("⚠ Not saved");
    let text = format!("{saved:?}");
    assert!(text.contains("never written over"), "{text}");
    assert!(text.contains("Save As"), "{text}");
    h.get_by_label("Save As…");
}

/// The sample article's 🧊 (Unicode 12) was drawn as a box: egui's own
/// emoji font stops at Unicode 8. The bundled monochrome Noto Emoji fills
/// what it lacks, and only that: digits keep the text font's widths.
#[test]
fn emoji_newer_than_unicode_8_have_a_glyph() {
    let mut h = egui_kittest::Harness::builder()
        .allow_missing_glyphs()
        .build_ui(|ui| {
            ui.label("ice 🧊 1404");
        });
    let font = eframe::egui::FontId::proportional(16.0);
    let width = |h: &mut egui_kittest::Harness<'_>, s: &str| {
        let job = eframe::egui::text::LayoutJob::simple_singleline(
            s.to_owned(),
            font.clone(),
            eframe::egui::Color32::WHITE,
        );
        h.ctx.fonts_mut(|f| f.layout_job(job)).size().x
    };
    let digits = width(&mut h, "0123456789#");
    assert!(
        !h.ctx.fonts_mut(|f| f.has_glyph(&font, '🧊')),
        "egui alone has no 🧊"
    );
    marginalia::window::fonts::install(&h.ctx);
    h.run();
    for c in ['🧊', '🫠', '😀'] {
        assert!(
            h.ctx.fonts_mut(|f| f.has_glyph(&font, c)),
            "no glyph for {c}"
        );
    }
    assert_eq!(
        width(&mut h, "0123456789#"),
        digits,
        "digits keep the text font"
    );
}
