//! Black-box tests of the `marginalia` binary and the library's file edges:
//! one test binary (one link of the whole dependency tree) for all of them.

mod agree_merge;
mod bench;
mod check;
mod crash_safety;
mod hostile_input;
mod import_export;
mod offsets;
mod reanchor_cli;
