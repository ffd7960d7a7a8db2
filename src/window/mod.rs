//! The annotation window (eframe/egui).
//!
//! [`run`] opens the window; [`app::MarginaliaApp`] is the app. Inside the
//! window the arrows point one way, each module using only those below it:
//!
//! ```text
//! app            the frame, the panels' layout, one handler per command
//! panels/*       one struct per panel: fn ui(&mut self, ui, &mut Workspace) -> Output
//! article_view/  the article widget (ViewInput -> ViewOutput)
//! workspace      what panels share: session, selection, messages; the edits
//! commands       the command table, scopes and keymap
//! watch, corpus, dialogs, preimport, palette, prefs, text, sample, fonts,
//! encoding (its dialog, banner and status widgets)
//! ```
//!
//! `workspace`, `watch`, `corpus`, `dialogs` and `preimport` use no egui. The
//! window uses `model`, `store`, `formats` and `analysis`; nothing below it
//! knows it exists, except `cli::bench`, which drives it headless ([`bench`]).
use eframe::egui;
pub mod app;
pub mod article_view;
pub mod bench;
pub mod commands;
pub mod corpus;
pub mod dialogs;
pub mod encoding;
pub mod fonts;
pub mod palette;
pub mod panels;
pub mod prefs;
pub mod preimport;
pub mod sample;
pub mod text;
pub mod watch;
pub mod workspace;

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

#[cfg(test)]
mod tests {
    /// The layer of each module of the window: a module may use only
    /// modules of a lower layer (and a panel the helpers of `panels`).
    fn layer(module: &str) -> Option<u8> {
        Some(match module {
            "text" | "palette" | "prefs" | "sample" | "dialogs" | "preimport" | "corpus"
            | "watch" | "commands" | "fonts" | "encoding" => 1,
            "workspace" => 2,
            "panels" | "article_view" => 3,
            "app" => 4,
            "bench" | "mod" => 5,
            _ => return None,
        })
    }

    /// Every `crate::window::x` a source file names, outside comments.
    fn uses(source: &str) -> Vec<String> {
        let mut found = Vec::new();
        for line in source.lines().filter(|l| !l.trim_start().starts_with("//")) {
            for (i, _) in line.match_indices("crate::window::") {
                let rest = &line[i + "crate::window::".len()..];
                let name: String = rest
                    .chars()
                    .take_while(|c| c.is_ascii_lowercase() || *c == '_')
                    .collect();
                if !name.is_empty() {
                    found.push(name);
                }
            }
        }
        found
    }

    #[test]
    fn every_arrow_in_the_window_points_down_a_layer() {
        let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("src/window");
        let mut files = vec![];
        for entry in walk(&root) {
            let rel = entry.strip_prefix(&root).unwrap().to_owned();
            let top = rel.iter().next().unwrap().to_string_lossy().into_owned();
            let top = top.trim_end_matches(".rs").to_owned();
            files.push((top, std::fs::read_to_string(&entry).unwrap(), rel));
        }
        assert!(files.len() > 20);
        for (module, source, rel) in files {
            let Some(mine) = layer(&module) else {
                panic!("{}: give the module a layer", rel.display());
            };
            for used in uses(&source) {
                let theirs = layer(&used).unwrap_or(0);
                let same_folder = used == module;
                assert!(
                    theirs < mine || same_folder,
                    "{} (layer {mine}) uses window::{used} (layer {theirs})",
                    rel.display()
                );
            }
        }
    }

    fn walk(dir: &std::path::Path) -> Vec<std::path::PathBuf> {
        let mut out = vec![];
        for entry in std::fs::read_dir(dir).unwrap().flatten() {
            let path = entry.path();
            if path.is_dir() {
                out.extend(walk(&path));
            } else if path.extension().is_some_and(|e| e == "rs") {
                out.push(path);
            }
        }
        out
    }
}
