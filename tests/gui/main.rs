//! The window, driven headless with egui_kittest: real widgets, real key
//! presses, assertions on the saved sidecar. One test binary for all of them.

mod annotation_list;
mod app;
mod confirm;
mod corpus;
mod encoding;
mod fragments;
mod recovery;
mod review;
mod rtl;
mod shell;
mod view;
