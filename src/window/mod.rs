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
//! bidi_text, bidi_edit (right-to-left text in labels and text fields),
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
pub mod bidi_edit;
pub mod bidi_text;
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
pub mod suggest;
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
            | "watch" | "commands" | "fonts" | "encoding" | "bidi_text" | "suggest" => 1,
            "workspace" | "bidi_edit" => 2,
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

    /// Issue 11: the app's methods live in its own file; other modules get
    /// what they need as arguments (panels get the workspace).
    #[test]
    fn no_impl_of_the_app_outside_app_rs() {
        let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
        for path in walk(&root) {
            if path.ends_with("window/app.rs") {
                continue;
            }
            let source = std::fs::read_to_string(&path).unwrap();
            for (i, line) in source.lines().enumerate() {
                let t = line.trim_start();
                assert!(
                    !(t.starts_with("impl") && t.contains("MarginaliaApp")),
                    "{}:{}: {t}",
                    path.display(),
                    i + 1
                );
            }
        }
    }

    /// The longest a function of the window may be, in lines.
    const MAX_FN_LINES: usize = 80;

    /// `(name, first line, lines)` of every function in `source` with a
    /// body: from its `fn` line to its closing brace, braces counted
    /// outside comments, strings and char literals (good enough for our code).
    fn function_lengths(source: &str) -> Vec<(String, usize, usize)> {
        let lines: Vec<&str> = source.lines().collect();
        let mut out = vec![];
        for (i, line) in lines.iter().enumerate() {
            let t = line.trim_start();
            let t = t.strip_prefix("pub(crate) ").unwrap_or(t);
            let t = t.strip_prefix("pub ").unwrap_or(t);
            let t = t.strip_prefix("const ").unwrap_or(t);
            let Some(rest) = t.strip_prefix("fn ") else {
                continue;
            };
            let name: String = rest
                .chars()
                .take_while(|c| c.is_alphanumeric() || *c == '_')
                .collect();
            let mut depth = 0i32;
            let mut opened = false;
            for (j, l) in lines.iter().enumerate().skip(i) {
                depth += brace_balance(l);
                opened |= l.contains('{');
                if !opened && l.trim_end().ends_with(';') {
                    break;
                }
                if opened && depth <= 0 {
                    out.push((name.clone(), i + 1, j - i + 1));
                    break;
                }
            }
        }
        out
    }

    /// `{` minus `}` on `line`, outside a `//` comment, strings and chars.
    fn brace_balance(line: &str) -> i32 {
        let mut balance = 0;
        let mut chars = line.chars().peekable();
        let mut in_str = false;
        while let Some(c) = chars.next() {
            match c {
                '\\' if in_str => {
                    chars.next();
                }
                '"' => in_str = !in_str,
                '/' if !in_str && chars.peek() == Some(&'/') => break,
                '\'' if !in_str => {
                    // A char literal ('{', '\''), not a lifetime ('a).
                    let rest: String = chars.clone().take(3).collect();
                    if rest.starts_with('\\') || rest.chars().nth(1) == Some('\'') {
                        let skip = if rest.starts_with('\\') { 3 } else { 2 };
                        for _ in 0..skip {
                            chars.next();
                        }
                    }
                }
                '{' if !in_str => balance += 1,
                '}' if !in_str => balance -= 1,
                _ => {}
            }
        }
        balance
    }

    #[test]
    fn function_lengths_counts_bodies_not_braces_in_text() {
        let src = "fn a() {\n    let s = \"{\";\n    let c = '}';\n}\nfn b(x: &'a str) -> bool {\n    x == \"}\" // }\n}\n";
        assert_eq!(
            function_lengths(src),
            [("a".to_owned(), 1, 4), ("b".to_owned(), 5, 3)]
        );
    }

    /// Issue 11: no function in the window code is longer than about 80
    /// lines (the article view, which has its own owner, aside).
    #[test]
    fn no_window_function_is_longer_than_80_lines() {
        let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("src/window");
        let mut long = vec![];
        for path in walk(&root) {
            if path.starts_with(root.join("article_view")) {
                continue;
            }
            let source = std::fs::read_to_string(&path).unwrap();
            for (name, line, len) in function_lengths(&source) {
                if len > MAX_FN_LINES {
                    long.push(format!("{}:{line} {name}: {len} lines", path.display()));
                }
            }
        }
        assert!(long.is_empty(), "split these:\n{}", long.join("\n"));
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
