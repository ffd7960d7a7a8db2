//! The egui user interface: widgets that draw the core types.

pub mod article_view;
pub mod palette;
