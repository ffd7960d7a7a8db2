//! The stores: everything that reads or writes files on disk.
//!
//! Each module turns files into the pure [`crate::model`] types and back:
//! - [`article_file`]: an article file (decoded, normalised) with its sidecar;
//! - [`sidecar`]: the RON sidecar, written atomically;
//! - [`journal`]: the crash journal of unsaved edits;
//! - [`schema`]: the optional `marginalia.ron` label schema;
//! - [`walk`] and [`corpus`]: finding articles under folders;
//! - [`import`]: the file side of the import pipeline (inputs, articles,
//!   sidecars) shared by `marginalia import` and File ▸ Import;
//! - [`session`]: one open article with its undo history and save state,
//!   the window's document (no egui in it).
//!
//! Nothing here knows about the window or the command line.

pub mod article_file;
pub mod corpus;
pub mod import;
pub mod journal;
pub mod schema;
pub mod session;
pub mod sidecar;
pub mod suggester;
pub mod walk;

/// The number of threads worth running at once (`available_parallelism`,
/// at least 1), asked once per process: on Linux each question reads
/// cgroup files, which cost 14 % of `marginalia check` on 10,000 small
/// sidecars when every sidecar read asked.
pub fn cores() -> usize {
    static CORES: std::sync::OnceLock<usize> = std::sync::OnceLock::new();
    *CORES.get_or_init(|| std::thread::available_parallelism().map_or(1, |n| n.get()))
}
