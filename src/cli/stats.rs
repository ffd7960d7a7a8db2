//! `marginalia stats`: counts of articles and annotations.

use crate::cli::paths;
use crate::store::sidecar;
use std::collections::BTreeMap;
use std::path::PathBuf;

/// Print article and annotation counts per label, status and author.
pub fn run(inputs: &[PathBuf]) -> anyhow::Result<u8> {
    let articles = paths::expand(inputs)?;
    let (mut with_sidecar, mut total) = (0usize, 0usize);
    let mut by_label = BTreeMap::new();
    let mut by_status = BTreeMap::new();
    let mut by_author = BTreeMap::new();
    for path in &articles {
        let Some((sc, _)) = sidecar::read(&sidecar::sidecar_path(path))? else {
            continue;
        };
        with_sidecar += 1;
        for a in &sc.annotations {
            total += 1;
            *by_label.entry(a.label.name()).or_insert(0usize) += 1;
            *by_status.entry(a.status.name()).or_insert(0usize) += 1;
            *by_author.entry(a.author.clone()).or_insert(0usize) += 1;
        }
    }
    println!(
        "articles: {} ({} with annotations)",
        articles.len(),
        with_sidecar
    );
    println!("annotations: {total}");
    for (title, map) in [("label", &by_label), ("status", &by_status)] {
        for (k, v) in map.iter() {
            println!("  {title} {k}: {v}");
        }
    }
    for (k, v) in &by_author {
        println!("  author {k}: {v}");
    }
    Ok(0)
}
