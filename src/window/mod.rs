//! The annotation window (eframe/egui).
//!
//! [`run`] opens the window; [`app::MarginaliaApp`] is the app. The article
//! view widget lives in [`article_view`] and only talks to the app through
//! its `ViewInput`/`ViewOutput` interface.
use eframe::egui;
pub mod app;
pub mod article_view;
pub mod bench;
pub mod commands;
pub mod corpus_panel;
pub mod encoding;
pub mod fonts;
pub mod orphans;
pub mod palette;
pub mod prefs;
pub mod preimport;
pub mod recovery;
pub mod review;
pub mod sample;
pub mod side_panel;

use crate::model::decode::TextEncoding;
use std::path::PathBuf;

/// Open the window on `path` (or the bundled sample), read with `encoding`
/// when given, and run until it closes.
pub fn run(path: Option<PathBuf>, encoding: Option<TextEncoding>) -> anyhow::Result<()> {
    let options = eframe::NativeOptions {
        viewport: egui::ViewportBuilder::default()
            .with_title("Marginalia")
            .with_inner_size([1200.0, 800.0])
            .with_min_inner_size([600.0, 400.0])
            .with_drag_and_drop(true),
        ..Default::default()
    };
    eframe::run_native(
        "marginalia",
        options,
        Box::new(move |cc| {
            fonts::install(&cc.egui_ctx);
            Ok(Box::new(app::MarginaliaApp::new(cc, path, encoding)))
        }),
    )
    .map_err(|e| anyhow::anyhow!("could not open the window: {e}"))
}
