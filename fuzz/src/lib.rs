//! The pure parts of Marginalia, compiled in by path for fuzzing (see Cargo.toml).
#![allow(missing_docs, dead_code)]

#[path = "../../src/model/mod.rs"]
pub mod model;
#[path = "../../src/store/sidecar.rs"]
#[doc(hidden)]
pub mod sidecar_file;
/// The sidecar reader and writer (the rest of the store layer is left out).
pub mod store {
    pub use super::sidecar_file as sidecar;
}
#[path = "../../src/formats/mod.rs"]
pub mod formats;
