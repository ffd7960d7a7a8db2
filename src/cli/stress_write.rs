//! `marginalia __stress-write SIDECAR N` (hidden): save two alternating
//! sidecars of `N` annotations to `SIDECAR` in a loop, so a test can kill the
//! process at random moments and check that the file is always whole.

use crate::model::annotation::{Annotation, AnnotationId, Label, Origin};
use crate::model::document::Article;
use crate::model::offset::CharRange;
use crate::store::sidecar::{self, Sidecar};
use chrono::TimeZone;
use std::path::Path;
use std::time::{Duration, Instant};

/// The writer stops by itself after this long, in case nobody kills it.
pub const MAX_RUN: Duration = Duration::from_secs(60);

/// The sidecar text of variant `which` (0 = A, 1 = B) with `n` annotations.
/// Deterministic: the test rebuilds the same bytes to compare.
pub fn fixture(n: usize, which: u8) -> String {
    let word = if which == 0 { "alpha" } else { "bravo" };
    let text = format!("{word} ").repeat(n.max(1));
    let article = Article::new(text);
    let at = chrono::Utc
        .with_ymd_and_hms(2026, 1, 1, 0, 0, 0)
        .single()
        .unwrap_or_default();
    let annotations = (0..n)
        .filter_map(|i| {
            let start = i * (word.len() + 1);
            let mut a = Annotation::new(
                &article,
                CharRange::from_usize(start, start + word.len()),
                Label::ALL[i % 3],
                "stress",
                at,
                Origin::Manual,
            )?;
            a.id = AnnotationId(format!("{which}{i:011}"));
            Some(a)
        })
        .collect();
    sidecar::to_string(&Sidecar::new("stress.txt", "utf-8", &article, annotations))
}

/// Write A and B alternately to `path` until killed or [`MAX_RUN`] passes.
pub fn run(path: &Path, n: usize) -> anyhow::Result<u8> {
    let variants = [fixture(n, 0), fixture(n, 1)];
    // Tell the test that saving starts now, so its kills land inside saves.
    println!("ready");
    std::io::Write::flush(&mut std::io::stdout())?;
    let started = Instant::now();
    let mut i = 0usize;
    while started.elapsed() < MAX_RUN {
        sidecar::write_atomic(path, variants[i % 2].as_bytes())?;
        i += 1;
    }
    Ok(0)
}
