//! The pure model: article text, offsets, annotations, edits and anchoring.
//!
//! Nothing in here touches egui or the file system; the sidecar I/O, the
//! importers and exporters, the CLI and the UI all build on these types.

pub mod anchor;
pub mod annotation;
pub mod decode;
pub mod document;
pub mod edit;
pub mod filter;
pub mod fragments;
pub mod offset;
pub mod quote;
pub mod reanchor;
pub mod review;
pub mod sample_text;
pub mod snap;
