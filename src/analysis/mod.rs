//! Analyses over annotations of several annotators or versions, pure
//! functions of [`crate::model`] types (no egui, no file I/O):
//! - [`agree`]: inter-annotator agreement (span F1, Cohen's κ);
//! - [`merge`]: three-way merge of sidecars for git's merge driver.

pub mod agree;
pub mod merge;
pub mod suggest;
