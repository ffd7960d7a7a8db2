//! The window, driven headless with egui_kittest: real widgets, real key
//! presses, assertions on the saved sidecar. One test binary for all of them.

mod annotation_list;
mod app;
mod confirm;
mod corpus;
mod encoding;
mod fragments;
mod import_formats;
mod loose_ends;
mod recovery;
mod review;
mod rtl;
mod rtl_fields;
mod rtl_labels;
mod shell;
mod side_panel;
mod small_window;
mod suggest;
mod suggesters;
mod view;
mod walkthrough;

use egui_kittest::Harness;
use marginalia::window::app::MarginaliaApp;
use marginalia::window::prefs::Prefs;
use std::path::Path;

/// The preferences the tests open the window with: `author`, no autosave
/// (tests save when they mean to).
pub(crate) fn test_prefs(author: &str) -> Prefs {
    Prefs {
        author: author.into(),
        autosave: false,
        ..Prefs::default()
    }
}

/// The whole window around `app`, `size` points large, after its first
/// frames. Frames step 0.1 s, up to 16 a run (the view flashes an annotation
/// for a second after scrolling to it); headless tests have no system fonts,
/// so Persian and emoji draw as tofu.
pub(crate) fn window_harness(
    app: MarginaliaApp,
    size: [f32; 2],
) -> Harness<'static, MarginaliaApp> {
    let mut h = Harness::builder()
        .with_size(size)
        .with_max_steps(16)
        .with_step_dt(0.1)
        .allow_missing_glyphs()
        .build_ui_state(|ui, app: &mut MarginaliaApp| app.ui_body(ui), app);
    h.run();
    h
}

/// The window on `path` (an article or a folder) with [`test_prefs`] of
/// `author`, `size` points large, its app data in a fresh temp folder.
pub(crate) fn open_window(
    path: &Path,
    author: &str,
    size: [f32; 2],
) -> Harness<'static, MarginaliaApp> {
    let data = tempfile::tempdir().unwrap().keep();
    let app = MarginaliaApp::new_for_test(Some(path), test_prefs(author), data);
    window_harness(app, size)
}
