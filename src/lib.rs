//! Marginalia: a desktop tool for annotating articles with entities, claims
//! and quotes, saved as RON sidecars next to each article.
//!
//! The crate is layered; each layer uses only the ones listed before it:
//! - [`model`]: pure types (article text, char offsets, annotations, edits,
//!   anchoring, review), with no egui and no file I/O;
//! - [`formats`]: pure converters between annotations and other tools'
//!   formats (spaCy, doccano, brat, CoNLL, Label Studio, HF);
//! - [`store`]: files on disk (articles, sidecars, journal, schema, corpus
//!   scans) and the open [`store::session::Session`];
//! - [`analysis`]: analyses that do no I/O themselves (agreement, the
//!   three-way merge of [`store::sidecar::Sidecar`] documents);
//! - [`window`]: the egui window;
//! - [`cli`]: the command line. It uses the window only for `marginalia
//!   bench`, which drives the real window headless ([`window::bench`]).
#![warn(missing_docs)]

pub mod analysis;
pub mod cli;
pub mod formats;
pub mod model;
pub mod store;
pub mod window;
