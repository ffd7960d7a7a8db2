//! Open and save costs that do not involve the window: decoding and indexing
//! a 5 MB article, parsing and writing a 50,000-annotation sidecar, and
//! verifying every annotation against the text.

use criterion::{Criterion, criterion_group, criterion_main};
use marginalia::model::anchor::verify;
use marginalia::model::annotation::{Annotation, Annotations, Label, Origin};
use marginalia::model::decode::decode;
use marginalia::model::document::Article;
use marginalia::model::offset::CharRange;
use marginalia::store::sidecar::{self, DiskState, Sidecar};
use std::hint::black_box;
use std::path::Path;

/// Varied words from a fixed seed (xorshift), with some non-ASCII.
fn article_text(target_bytes: usize, seed: u64) -> String {
    const SYL: &[&str] = &[
        "ta", "ra", "ne", "mo", "ki", "lu", "sa", "de", "vo", "zé", "ñu", "qa", "در", "中",
    ];
    let mut s = seed;
    let mut next = move || {
        s ^= s << 13;
        s ^= s >> 7;
        s ^= s << 17;
        s
    };
    let mut out = String::with_capacity(target_bytes + 64);
    let mut words_in_para = 0;
    while out.len() < target_bytes {
        let syllables = 1 + next() % 4;
        for _ in 0..syllables {
            out.push_str(SYL[(next() % SYL.len() as u64) as usize]);
        }
        words_in_para += 1;
        if words_in_para > 60 + next() % 120 {
            out.push_str(".\n\n");
            words_in_para = 0;
        } else {
            out.push(' ');
        }
    }
    out
}

fn annotations(article: &Article, n: usize) -> Vec<Annotation> {
    let len = article.char_len();
    let now = chrono::Utc::now();
    (0..n)
        .filter_map(|i| {
            let start = (i * 9973) % (len - 200);
            let width = 3 + (i * 31) % 60;
            Annotation::new(
                article,
                CharRange::from_usize(start, start + width),
                Label::ALL[i % 3],
                "bench",
                now,
                Origin::Manual,
            )
        })
        .collect()
}

fn bench(c: &mut Criterion) {
    let text = article_text(5_000_000, 42);
    let bytes = text.clone().into_bytes();
    let article = Article::new(text);
    let anns = annotations(&article, 50_000);
    let sc = Sidecar::new("big.txt", "utf-8", &article, anns.clone());
    let ron_text = sidecar::to_string(&sc);
    let dir = tempfile::tempdir().expect("temp dir");
    let path = dir.path().join("big.txt.ann.ron");

    let mut g = c.benchmark_group("open_5mb_50k");
    g.sample_size(10);
    g.bench_function("decode+index article", |b| {
        b.iter(|| Article::new(decode(black_box(&bytes)).expect("text").text))
    });
    g.bench_function("parse sidecar", |b| {
        b.iter(|| sidecar::parse(black_box(&ron_text), Path::new("x")).expect("parse"))
    });
    g.bench_function("verify annotations", |b| {
        b.iter(|| verify(&article, black_box(&anns)))
    });
    g.bench_function("build annotation set", |b| {
        b.iter(|| Annotations::from_vec(black_box(anns.clone())))
    });
    g.bench_function("save sidecar atomically", |b| {
        b.iter(|| sidecar::save(&path, black_box(&sc), &DiskState::probe(&path)).expect("save"))
    });
    // What the window does: blocks cached from the previous save, one
    // annotation changed since (a tag), then the atomic write.
    let mut set = Annotations::from_vec(anns.clone());
    let header = Sidecar::new("big.txt", "utf-8", &article, Vec::new());
    let mut cache =
        sidecar::BlockCache::from_annotations(set.as_slice(), set.stamps(), Some(&article));
    let mut flip = false;
    g.bench_function("save after one tag (cached blocks)", |b| {
        b.iter(|| {
            let mut a = set.as_slice()[set.len() / 2].clone();
            flip = !flip;
            a.note = flip.then(|| "changed".to_owned());
            set.replace(a);
            sidecar::save_cached(
                &path,
                &header,
                &set,
                &DiskState::probe(&path),
                &mut cache,
                &article,
            )
            .expect("save")
        })
    });
    g.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
