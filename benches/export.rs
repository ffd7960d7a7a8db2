//! Export throughput: `marginalia export --format spacy` over a seeded corpus
//! of 1,000 articles × 100 KB (100 MB of article text) with ~100 annotations
//! each, run as a library call and reported in bytes of article text per
//! second.
//!
//! The corpus is written once to a temp dir. Set `MARGINALIA_BENCH_CORPUS=DIR`
//! to write it to DIR instead and keep it (to time the real binary on it), and
//! `MARGINALIA_BENCH_ARTICLES=N` to change the article count.

use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use marginalia::cli::export::{ExportArgs, ExportFormat, run};
use marginalia::model::annotation::{Annotation, Label, Origin};
use marginalia::model::document::Article;
use marginalia::model::offset::CharRange;
use marginalia::store::sidecar::{self, Sidecar};
use std::path::{Path, PathBuf};

const ARTICLE_BYTES: usize = 100_000;
const ANNOTATIONS_PER_ARTICLE: usize = 100;

/// A small xorshift generator: deterministic across runs and platforms.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }

    fn below(&mut self, n: usize) -> usize {
        (self.next() % n as u64) as usize
    }
}

/// News-like text: sentences of common words and capitalised names, a few
/// non-ASCII names (accents, Persian, an emoji), paragraphs of 3–8 sentences,
/// and a `date … Title` header line.
fn article_text(rng: &mut Rng, target_bytes: usize, n: usize) -> String {
    const WORDS: &[&str] = &[
        "the",
        "of",
        "and",
        "to",
        "in",
        "a",
        "that",
        "said",
        "for",
        "on",
        "was",
        "with",
        "his",
        "by",
        "government",
        "minister",
        "officials",
        "report",
        "week",
        "talks",
        "city",
        "border",
        "agreement",
        "would",
        "not",
        "have",
        "from",
        "after",
        "people",
        "security",
        "election",
        "according",
        "statement",
        "economy",
        "oil",
        "prices",
        "foreign",
        "meeting",
        "between",
        "president",
        "parliament",
        "spokesman",
        "denied",
        "claimed",
        "announced",
        "troops",
        "negotiations",
        "sanctions",
        "analysts",
        "pressure",
        "region",
        "capital",
        "protest",
    ];
    const NAMES: &[&str] = &[
        "Tehran", "Baku", "Ankara", "Reuters", "Aliyev", "Rouhani", "Erdogan", "Geneva", "Caspian",
        "Moscow", "Brussels", "Zarif", "Lavrov", "Tbilisi", "Yerevan",
    ];
    const RARE: &[&str] = &["Gökçe", "José", "تهران", "ظریف", "Müller", "👋", "naïve"];
    let mut out = String::with_capacity(target_bytes + 256);
    out.push_str(&format!("date 2017-04-16 Report number {n}\n\n"));
    while out.len() < target_bytes {
        let sentences = 3 + rng.below(6);
        for s in 0..sentences {
            let words = 8 + rng.below(22);
            for w in 0..words {
                let roll = rng.below(1000);
                let word = if roll < 5 {
                    RARE[rng.below(RARE.len())]
                } else if roll < 120 {
                    NAMES[rng.below(NAMES.len())]
                } else {
                    WORDS[rng.below(WORDS.len())]
                };
                if w == 0 {
                    let mut chars = word.chars();
                    if let Some(first) = chars.next() {
                        out.extend(first.to_uppercase());
                        out.push_str(chars.as_str());
                    }
                } else {
                    out.push(' ');
                    out.push_str(word);
                }
                if w + 1 < words && rng.below(12) == 0 {
                    out.push(',');
                }
            }
            out.push('.');
            if s + 1 < sentences {
                out.push(' ');
            }
        }
        out.push_str("\n\n");
    }
    out
}

/// About `ANNOTATIONS_PER_ARTICLE` spans spread over the text, mixed labels
/// and kinds, some linked (claim → speaker).
fn annotations(rng: &mut Rng, article: &Article) -> Vec<Annotation> {
    let now = chrono::DateTime::from_timestamp(1_500_000_000, 0).unwrap_or_default();
    let len = article.char_len();
    let mut out: Vec<Annotation> = Vec::with_capacity(ANNOTATIONS_PER_ARTICLE);
    for i in 0..ANNOTATIONS_PER_ARTICLE {
        let start = 40 + rng.below(len.saturating_sub(400).max(1));
        let width = 3 + rng.below(120);
        let label = Label::ALL[i % 3];
        let Some(mut a) = Annotation::new(
            article,
            CharRange::from_usize(start, start + width),
            label,
            "bench",
            now,
            Origin::Manual,
        ) else {
            continue;
        };
        a.id = marginalia::model::annotation::AnnotationId(format!("a{i:04}"));
        if label == Label::Entity && i % 2 == 0 {
            a.kind = Some(["PER", "ORG", "GPE"][rng.below(3)].to_owned());
        }
        if label == Label::Claim
            && let Some(speaker) = out.last()
        {
            a.links.push(marginalia::model::annotation::Link::new(
                "speaker",
                speaker.id.clone(),
            ));
        }
        out.push(a);
    }
    out
}

/// Write the corpus to `dir`; returns the bytes of article text written.
fn write_corpus(dir: &Path, articles: usize) -> usize {
    let mut rng = Rng(0x9E37_79B9_7F4A_7C15);
    let mut total = 0;
    for n in 0..articles {
        let text = article_text(&mut rng, ARTICLE_BYTES, n);
        let path = dir.join(format!("{:02}/article-{n:04}.txt", n % 10));
        let parent = path.parent().expect("article path has a parent");
        std::fs::create_dir_all(parent).expect("create corpus folder");
        std::fs::write(&path, &text).expect("write article");
        total += text.len();
        let article = Article::new(text);
        let anns = annotations(&mut rng, &article);
        let name = path.file_name().expect("file name").to_string_lossy();
        let sc = Sidecar::new(&name, "utf-8", &article, anns);
        std::fs::write(sidecar::sidecar_path(&path), sidecar::to_string(&sc))
            .expect("write sidecar");
    }
    total
}

fn bench(c: &mut Criterion) {
    let articles: usize = std::env::var("MARGINALIA_BENCH_ARTICLES")
        .ok()
        .and_then(|n| n.parse().ok())
        .unwrap_or(1_000);
    let temp = tempfile::tempdir().expect("temp dir");
    let dir: PathBuf = match std::env::var_os("MARGINALIA_BENCH_CORPUS") {
        Some(d) => PathBuf::from(d),
        None => temp.path().to_path_buf(),
    };
    let text_bytes = write_corpus(&dir, articles);
    let out = temp.path().join("export.jsonl");
    let args = ExportArgs {
        format: ExportFormat::Spacy,
        out: Some(out.clone()),
        status: Vec::new(),
        label: Vec::new(),
        author: Vec::new(),
        paths: vec![dir.clone()],
        encoding: Default::default(),
    };
    // One run outside the timer, also checking that every span was exported.
    assert_eq!(run(&args).expect("export runs"), 0);
    let spans = std::fs::read_to_string(&out)
        .expect("read export")
        .matches("\"start\":")
        .count();
    eprintln!(
        "corpus: {articles} articles, {text_bytes} bytes of text, {spans} spans exported, in {}",
        dir.display()
    );

    let mut g = c.benchmark_group("export");
    g.sample_size(10);
    g.throughput(Throughput::Bytes(text_bytes as u64));
    g.bench_function("spacy", |b| b.iter(|| run(&args).expect("export runs")));
    g.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
