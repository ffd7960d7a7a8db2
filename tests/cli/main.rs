//! Black-box tests of the `marginalia` binary and the library's file edges:
//! one test binary (one link of the whole dependency tree) for all of them.

mod agree_merge;
mod bench;
mod check;
mod citron;
mod crash_safety;
mod edges;
mod encodings;
mod exports;
mod hostile_input;
mod import_brat;
mod import_export;
mod import_formats;
mod offsets;
mod reanchor_cli;
mod suggest;

use std::path::Path;
use std::process::{Command, Output};

/// Run the real binary in `dir`.
pub fn marginalia(args: &[&str], dir: &Path) -> Output {
    Command::new(env!("CARGO_BIN_EXE_marginalia"))
        .args(args)
        .current_dir(dir)
        .output()
        .expect("run marginalia")
}

/// A run's standard output, lossily decoded.
pub fn stdout(o: &Output) -> String {
    String::from_utf8_lossy(&o.stdout).into_owned()
}

/// A run's standard error, lossily decoded.
pub fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

/// Assert that a run exited with `code`; on failure show its stdout and stderr.
#[track_caller]
pub fn assert_exit(o: &Output, code: i32) {
    assert_eq!(
        o.status.code(),
        Some(code),
        "exit status {}\n--- stdout\n{}--- stderr\n{}",
        o.status,
        stdout(o),
        stderr(o)
    );
}
