//! `marginalia bench ARTICLE [--reference SMALL]`: time the real window
//! headless on a copy of an article and its sidecar (and of a reference
//! article, for the frame ratio), and print one line of figures; and the hidden
//! `marginalia __gen-article OUT`, which writes the deterministic article and
//! sidecar those figures are usually taken on.
//!
//! The user's files are never written: the bench works on copies in a
//! temporary folder (see [`crate::window::bench`]).

use crate::model::sample_text::{Shape, sample_shaped};
use crate::store::sidecar::{self, DiskState, Sidecar};
use crate::window::bench::{self, BenchConfig};
use anyhow::Context as _;
use std::path::Path;

/// Run the bench and print its line; with a `reference` article (the 5 KB
/// one at the same density), time its scrolling frames alternately with the
/// article's and append its frame figures and the ratio of the frame
/// medians. Exit code 0.
pub fn run(article: &Path, reference: Option<&Path>, config: BenchConfig) -> anyhow::Result<u8> {
    let context = || format!("benchmarking {}", article.display());
    let (report, reference) = match reference {
        Some(r) => {
            let (report, r) =
                bench::run_with_reference(article, r, config).with_context(context)?;
            (report, Some(r))
        }
        None => (bench::run(article, config).with_context(context)?, None),
    };
    match reference {
        Some(r) => println!(
            "{} ref_frame_median_ms={:.2} ref_frame_p99_ms={:.2} frame_median_ratio={:.2}",
            report.line(),
            r.frame_median_ms,
            r.frame_p99_ms,
            report.frame_median_ms / r.frame_median_ms.max(1e-6)
        ),
        None => println!("{}", report.line()),
    }
    Ok(0)
}

/// Write a generated article of about `byte_len` bytes to `out` and its
/// sidecar with `annotations` annotations of `shape` next to it; the same
/// `seed` always gives the same files.
pub fn generate(
    out: &Path,
    byte_len: usize,
    annotations: usize,
    seed: u64,
    shape: Shape,
) -> anyhow::Result<u8> {
    let doc = sample_shaped(seed, byte_len, annotations, shape);
    std::fs::write(out, doc.article.text())
        .with_context(|| format!("writing {}", out.display()))?;
    let name = out
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    let sc = Sidecar::new(&name, "utf-8", &doc.article, doc.annotations.into_vec());
    let sc_path = sidecar::sidecar_path(out);
    // A generated file replaces whatever was there (the user named it).
    sidecar::save(&sc_path, &sc, &DiskState::probe(&sc_path))
        .with_context(|| format!("writing {}", sc_path.display()))?;
    println!(
        "{}: {} bytes, {} annotations in {}",
        out.display(),
        doc.article.text().len(),
        sc.annotations.len(),
        sc_path.display()
    );
    Ok(0)
}

/// Parse `--shape` (clap value parser).
pub fn parse_shape(name: &str) -> Result<Shape, String> {
    Shape::parse(name).ok_or_else(|| {
        let names: Vec<&str> = Shape::ALL.iter().map(|s| s.name()).collect();
        format!("unknown shape {name:?}; one of {}", names.join(", "))
    })
}
