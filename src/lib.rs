//! Marginalia: a desktop tool for annotating articles with entities, claims
//! and quotes, saved as RON sidecars next to each article.
//!
//! The crate is layered:
//! - [`core`]: pure types (article text, char offsets, annotations, edits,
//!   anchoring), with no egui and no file I/O;
//! - [`sidecar`] and [`article_file`]: reading and atomically writing files;
//! - [`cli`]: the command line;
//! - `ui`: the egui window.
#![warn(missing_docs)]

pub mod article_file;
pub mod cli;
pub mod core;
pub mod sidecar;
pub mod ui;
