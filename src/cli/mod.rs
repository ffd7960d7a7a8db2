//! The command line: `marginalia [PATH]` opens the window; subcommands
//! check, import, export, and report on sidecars without one.
//!
//! Raw flags are parsed by clap into [`Cli`]; each subcommand lives in its own
//! module and returns an [`ExitCode`]-like `u8` or an `anyhow` error, which
//! `main` prints once as `error: …` and turns into exit code 2.

use crate::model::decode::TextEncoding;
use crate::store::article_file::ArticleFile;
use clap::{Parser, Subcommand, ValueEnum};
use std::path::PathBuf;

pub mod agree;
pub mod bench;
pub mod check;
pub mod confirm;
pub mod decode;
pub mod export;
pub mod import;
pub mod merge;
pub mod parallel;
pub mod paths;
pub mod reanchor;
pub mod stats;
pub mod stress_write;
pub mod suggest;
pub mod suggest_features;

/// Marginalia: annotate articles with entities, claims and quotes.
#[derive(Debug, Parser)]
#[command(name = "marginalia", version, about, long_about = None)]
pub struct Cli {
    /// Article to open in the window, or a folder to list its articles (no argument: the bundled sample).
    pub path: Option<PathBuf>,
    /// `--encoding NAME` for the article opened in the window.
    #[command(flatten)]
    pub encoding: EncodingArg,
    /// A subcommand; without one the window opens.
    #[command(subcommand)]
    pub command: Option<Command>,
}

/// Subcommands.
#[derive(Debug, Subcommand)]
pub enum Command {
    /// Check sidecars against their articles: one line per problem; exit 0 when all is exact, 1 on problems, 2 on errors.
    Check {
        /// Article files, or folders searched recursively.
        #[arg(required = true)]
        paths: Vec<PathBuf>,
        /// `--encoding NAME`.
        #[command(flatten)]
        encoding: EncodingArg,
    },
    /// Print counts of articles and annotations per label, status and author.
    Stats {
        /// Article files, or folders searched recursively.
        #[arg(required = true)]
        paths: Vec<PathBuf>,
    },
    /// Inter-annotator agreement: span F1 (exact and overlap) and token-level Cohen's kappa, A as reference.
    Agree {
        /// Two sidecars (or articles) of one article, two folders with the same relative paths,
        /// or one folder/article with --author twice.
        #[arg(required = true, num_args = 1..=2)]
        paths: Vec<PathBuf>,
        /// Compare two authors' annotations within each sidecar (give it twice: A then B).
        #[arg(long = "author")]
        authors: Vec<String>,
        /// Statuses compared (repeat or comma-separate); default: unreviewed,accepted.
        #[arg(long = "status", value_delimiter = ',', value_parser = agree::parse_status)]
        statuses: Vec<crate::model::annotation::Status>,
        /// Compare spans by label (Entity, Claim, Quote) or by kind (PER, ORG, Source, ...; an
        /// annotation without a kind counts under its label).
        #[arg(long, value_enum, default_value_t = AgreeBy::Label)]
        by: AgreeBy,
        /// Print JSON instead of a table.
        #[arg(long)]
        json: bool,
        /// `--encoding NAME`.
        #[command(flatten)]
        encoding: EncodingArg,
    },
    /// Git merge driver for sidecars: three-way merge by annotation id into OURS; exit 1 on conflicts.
    Merge {
        /// The common ancestor (git's %O).
        base: PathBuf,
        /// Our version, replaced by the result (git's %A).
        ours: PathBuf,
        /// Their version (git's %B).
        theirs: PathBuf,
    },
    /// Merge spaCy, doccano, brat, Label Studio, Prodigy or Citron annotations into sidecars; exit 1 when a record was not imported.
    Import(import::ImportArgs),
    /// Export annotations as spaCy, doccano, brat, CoNLL, Label Studio, Hugging Face or Citron data.
    Export(export::ExportArgs),
    /// Suggest quotes, claims, their speakers and cues (and entities at every occurrence) as unreviewed annotations.
    Suggest(suggest::SuggestArgs),
    /// Re-anchor sidecars to their edited articles and rewrite them; prints `<path>: exact N, moved N, fuzzy N, orphaned N`.
    Reanchor {
        /// Article files, or folders searched recursively.
        #[arg(required = true)]
        paths: Vec<PathBuf>,
        /// `--encoding NAME`.
        #[command(flatten)]
        encoding: EncodingArg,
    },
    /// Confirm re-anchored annotations in bulk: every Moved one still on its quote becomes exact.
    Confirm {
        /// Article files, or folders searched recursively.
        #[arg(required = true)]
        paths: Vec<PathBuf>,
        /// Confirm Fuzzy ones too (their new text replaces the old quote kept for review).
        #[arg(long)]
        fuzzy: bool,
        /// Recorded as who modified them (default: $USER).
        #[arg(long)]
        by: Option<String>,
        /// `--encoding NAME`.
        #[command(flatten)]
        encoding: EncodingArg,
    },
    /// Time the window headless on a copy of ARTICLE (and its sidecar); prints one line of figures.
    Bench {
        /// The article (its sidecar is used when present; neither is modified).
        article: PathBuf,
        /// Frames spent scrolling from top to bottom.
        #[arg(long, default_value_t = 300)]
        frames: usize,
        /// Scroll this many points per frame instead (turning back at either
        /// end), to compare articles at one scrolling speed.
        #[arg(long)]
        step: Option<f32>,
        /// Window width in points.
        #[arg(long, default_value_t = 1200.0)]
        width: f32,
        /// Window height in points.
        #[arg(long, default_value_t = 800.0)]
        height: f32,
        /// Frames of the fling (top to bottom in equal steps, after the scrolling).
        #[arg(long, default_value_t = 300)]
        fling_frames: usize,
        /// Bench this article first, the same way, and add its frame figures
        /// and the frame median ratio (ARTICLE ÷ it) to the line.
        #[arg(long, value_name = "SMALL_ARTICLE")]
        reference: Option<PathBuf>,
        /// Time frames by the UI thread's CPU time, not the wall clock (steadier on a busy machine).
        #[arg(long)]
        cpu_clock: bool,
        /// After the tag, make this many more, about a second apart, before
        /// saving: what the crash journal costs while work is unsaved
        /// (`unsaved_*` figures).
        #[arg(long, default_value_t = 0)]
        unsaved_edits: usize,
    },
    /// Bench helper: write a deterministic generated article and its sidecar.
    #[command(name = "__gen-article", hide = true)]
    GenArticle {
        /// The article file to write (the sidecar goes next to it).
        out: PathBuf,
        /// Approximate article size in bytes.
        #[arg(long, default_value_t = 5_000_000)]
        bytes: usize,
        /// Number of annotations.
        #[arg(long, default_value_t = 50_000)]
        annotations: usize,
        /// Random seed.
        #[arg(long, default_value_t = 42)]
        seed: u64,
        /// How paragraphs and spans are shaped: words, random, long-spans,
        /// nested, short-spans, few-paragraphs or many-paragraphs.
        #[arg(long, default_value = "words", value_parser = bench::parse_shape)]
        shape: crate::model::sample_text::Shape,
    },
    /// Diagnostic: print how each article is read (encoding, its source, doubt, text) as JSON lines.
    #[command(name = "__decode", hide = true)]
    Decode {
        /// Article files, or folders searched recursively.
        #[arg(required = true)]
        paths: Vec<PathBuf>,
        /// `--encoding NAME`.
        #[command(flatten)]
        encoding: EncodingArg,
    },
    /// Trainer helper: each sentence of each article as the claim model reads it, as JSON lines.
    #[command(name = "__suggest-features", hide = true)]
    SuggestFeatures {
        /// Article files, or folders searched recursively.
        #[arg(required = true)]
        paths: Vec<PathBuf>,
        /// Print the direct quotations' candidate starts instead (the start chooser's rows).
        #[arg(long)]
        boundaries: bool,
    },
    /// Test helper: save two alternating sidecars in a loop (for crash-safety tests).
    #[command(name = "__stress-write", hide = true)]
    StressWrite {
        /// The sidecar file to write.
        sidecar: PathBuf,
        /// Annotations per sidecar.
        annotations: usize,
    },
}

/// What `agree --by` groups spans by.
#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum AgreeBy {
    /// Entity, Claim, Quote.
    Label,
    /// The annotation's kind, else its label.
    Kind,
}

impl From<AgreeBy> for crate::analysis::agree::GroupBy {
    fn from(by: AgreeBy) -> Self {
        match by {
            AgreeBy::Label => Self::Label,
            AgreeBy::Kind => Self::Kind,
        }
    }
}

/// `--encoding NAME`, on every command that reads articles.
#[derive(Clone, Copy, Debug, Default, clap::Args)]
pub struct EncodingArg {
    /// Read the articles with this encoding instead of the one their sidecar records or
    /// detection finds: a Python codec name (utf-8, cp1252, cp1250, cp1254, iso8859-15, ...).
    #[arg(long = "encoding", value_name = "NAME")]
    pub encoding: Option<TextEncoding>,
}

/// Print what an article's reader should know about its encoding (a
/// doubtful guess, a recorded encoding not used) as warnings on stderr.
pub fn warn_about_encoding(file: &ArticleFile) {
    for warning in encoding_warnings(file) {
        eprintln!("{warning}");
    }
}

/// The lines [`warn_about_encoding`] prints, for commands that print them
/// later (in input order, after reading on several threads).
pub fn encoding_warnings(file: &ArticleFile) -> Vec<String> {
    file.encoding_warnings()
        .into_iter()
        .map(|warning| format!("warning: {}: {warning}", file.path.display()))
        .collect()
}

/// Import formats.
#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum ImportFormat {
    /// spaCy-style JSONL: {"text", "spans": [{"start","end","label"}], "meta": {"source"}}.
    Spacy,
    /// doccano JSONL: {"text", "label": [[start, end, "LABEL"]]}, with entities/relations/Comments, or 1.x "labels"/"annotations" (see --labels).
    Doccano,
    /// brat standoff: a folder of X.ann files (beside X.txt, or see --texts), or one .ann file.
    Brat,
    /// Citron's JSON data format: {"text", "quotes": [{"cue","sources","contents"}]}, one file per article.
    Citron,
    /// Label Studio JSON export (a list of tasks) or JSON-MIN.
    Labelstudio,
    /// Prodigy `db-out` JSONL (answer accept/reject/ignore).
    Prodigy,
}

impl From<ImportFormat> for crate::formats::import::Format {
    fn from(f: ImportFormat) -> Self {
        use crate::formats::import::Format;
        match f {
            ImportFormat::Spacy => Format::Spacy,
            ImportFormat::Doccano => Format::Doccano,
            ImportFormat::Brat => Format::Brat,
            ImportFormat::Citron => Format::Citron,
            ImportFormat::Labelstudio => Format::LabelStudio,
            ImportFormat::Prodigy => Format::Prodigy,
        }
    }
}

/// Run a subcommand. Returns the process exit code (0 ok, 1 problems found).
pub fn run(command: Command) -> anyhow::Result<u8> {
    match command {
        Command::Check { paths, encoding } => check::run(&paths, encoding.encoding),
        Command::Stats { paths } => stats::run(&paths),
        Command::Agree {
            paths,
            authors,
            statuses,
            by,
            json,
            encoding,
        } => agree::run(
            &paths,
            &authors,
            &statuses,
            by.into(),
            json,
            encoding.encoding,
        ),
        Command::Merge { base, ours, theirs } => merge::run(&base, &ours, &theirs),
        Command::Import(args) => import::run(&args),
        Command::Export(args) => export::run(&args),
        Command::Suggest(args) => suggest::run(&args),
        Command::Reanchor { paths, encoding } => reanchor::run(&paths, encoding.encoding),
        Command::Confirm {
            paths,
            fuzzy,
            by,
            encoding,
        } => {
            let by = by
                .or_else(|| std::env::var("USER").ok())
                .unwrap_or_else(|| "marginalia".to_owned());
            confirm::run(&paths, fuzzy, &by, encoding.encoding)
        }
        Command::Bench {
            article,
            frames,
            step,
            width,
            height,
            fling_frames,
            reference,
            cpu_clock,
            unsaved_edits,
        } => bench::run(
            &article,
            reference.as_deref(),
            crate::window::bench::BenchConfig {
                frames,
                step_points: step,
                width_points: width,
                height_points: height,
                fling_frames,
                cpu_clock,
                unsaved_edits,
            },
        ),
        Command::GenArticle {
            out,
            bytes,
            annotations,
            seed,
            shape,
        } => bench::generate(&out, bytes, annotations, seed, shape),
        Command::Decode { paths, encoding } => decode::run(&paths, encoding.encoding),
        Command::SuggestFeatures { paths, boundaries } => suggest_features::run(&paths, boundaries),
        Command::StressWrite {
            sidecar,
            annotations,
        } => stress_write::run(&sidecar, annotations),
    }
}
