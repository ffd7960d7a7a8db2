//! The pure parts of Marginalia, compiled in by path for fuzzing (see Cargo.toml).
#![allow(missing_docs, dead_code)]

#[path = "../../src/core/mod.rs"]
pub mod core;
#[path = "../../src/sidecar.rs"]
pub mod sidecar;
#[path = "../../src/formats/mod.rs"]
pub mod formats;
