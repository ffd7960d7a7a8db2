//! `marginalia stats`: counts of articles and annotations.

use crate::cli::{parallel, paths};
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
    // Read on every core; the sidecar itself is dropped once counted.
    let counted = parallel::map_in_order(&articles, |path| {
        let found = sidecar::read(&sidecar::sidecar_path(path))?;
        Ok::<_, sidecar::SidecarError>(found.map(|(sc, _)| {
            let mut by_author: BTreeMap<String, usize> = BTreeMap::new();
            for a in &sc.annotations {
                *by_author.entry(a.author.clone()).or_default() += 1;
            }
            let facts: Vec<_> = sc.annotations.iter().map(|a| (a.label, a.status)).collect();
            (facts, by_author)
        }))
    });
    for result in counted {
        let Some((facts, authors)) = result? else {
            continue;
        };
        with_sidecar += 1;
        for (label, status) in facts {
            total += 1;
            *by_label.entry(label.name()).or_insert(0usize) += 1;
            *by_status.entry(status.name()).or_insert(0usize) += 1;
        }
        for (author, n) in authors {
            *by_author.entry(author).or_insert(0usize) += n;
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
