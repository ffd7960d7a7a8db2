//! `marginalia import`: merge another tool's annotations into sidecars.
//!
//! Thin: the flags become an [`ImportRequest`] and the library's import
//! pipeline ([`crate::store::import`] over [`crate::formats::import`]) does
//! the rest. Problems go to stdout as `input:line: what and why`, the summary
//! to stderr; exit 1 when anything was not imported.

use crate::cli::ImportFormat;
use crate::formats::import::Format;
use crate::model::annotation::Status;
use crate::store::import::{ImportRequest, import};
use anyhow::Context;
use clap::{Args, ValueEnum};
use std::path::PathBuf;

/// Review status given to imported annotations.
#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum ImportStatus {
    /// Pre-annotations to review (the default).
    Unreviewed,
    /// Already reviewed elsewhere.
    Accepted,
}

/// Arguments of `marginalia import`.
#[derive(Debug, Args)]
pub struct ImportArgs {
    /// Input format (default: brat for a folder or an .ann file, else guessed from the content: labelstudio for a JSON list, else from the first record: prodigy, doccano or spacy).
    #[arg(long, value_enum)]
    pub format: Option<ImportFormat>,
    /// Folder that `meta.source` paths are relative to, and that is searched for
    /// articles matching a record's text (default: the input's folder).
    #[arg(long)]
    pub root: Option<PathBuf>,
    /// Status of the imported annotations (where a record carries none).
    #[arg(long = "as", value_enum, default_value_t = ImportStatus::Unreviewed)]
    pub status: ImportStatus,
    /// Author of the imported annotations (default: the format name).
    #[arg(long)]
    pub author: Option<String>,
    /// Map an input type: TYPE=LABEL[:KIND] (LABEL is Entity, Claim or Quote) or TYPE=- to leave it out. Repeatable; TYPE as the input writes it.
    #[arg(long = "map", value_name = "TYPE=LABEL[:KIND]")]
    pub map: Vec<String>,
    /// Rename a link role: ROLE=NAME, ROLE as the input writes it (before lowercasing). Repeatable.
    #[arg(long = "role", value_name = "ROLE=NAME")]
    pub role: Vec<String>,
    /// brat: the folder holding the texts when the .ann files sit apart (X.ann under INPUT belongs to X.txt at the same relative path here).
    #[arg(long, value_name = "DIR")]
    pub texts: Option<PathBuf>,
    /// brat: X<SEP>NAME.ann is annotator NAME's file for X.txt, imported with NAME as author (PolNeAR: `_`).
    #[arg(long, value_name = "SEP")]
    pub annotator_sep: Option<String>,
    /// doccano: the project's label list (Labels ▸ Export, `[{"id", "text", ...}]`), naming the numeric label ids of a doccano 1.x export.
    #[arg(long, value_name = "FILE")]
    pub labels: Option<PathBuf>,
    /// A JSONL file (spacy, doccano, prodigy), a JSON file (labelstudio), an .ann file or a folder of them (brat), or a .json file or a folder of them (citron: X.json beside X.txt).
    pub input: PathBuf,
    /// `--encoding NAME`.
    #[command(flatten)]
    pub encoding: crate::cli::EncodingArg,
}

impl ImportArgs {
    /// The request the flags describe; an error for a bad `--map` or `--role`.
    pub fn request(&self) -> anyhow::Result<ImportRequest> {
        let format = match self.format {
            Some(f) => Format::from(f),
            None if self.input.is_dir() || self.input.extension().is_some_and(|e| e == "ann") => {
                Format::Brat
            }
            None => {
                let first = std::fs::read_to_string(&self.input).unwrap_or_default();
                let name = self.input.display().to_string();
                Format::guess(&name, &first)
            }
        };
        if !format.is_standoff() && (self.texts.is_some() || self.annotator_sep.is_some()) {
            anyhow::bail!(
                "--texts and --annotator-sep are for brat imports; {} records name their article themselves (see --root)",
                format.name()
            );
        }
        if format != Format::Doccano && self.labels.is_some() {
            anyhow::bail!(
                "--labels names doccano's numeric label ids; this is a {} import",
                format.name()
            );
        }
        let mut req = ImportRequest::new(&self.input, format);
        if let Some(path) = &self.labels {
            let content = std::fs::read_to_string(path)
                .with_context(|| format!("reading --labels {}", path.display()))?;
            req.options.label_names = crate::formats::doccano::parse_label_list(&content)
                .map_err(|e| anyhow::anyhow!("--labels {}: {e}", path.display()))?;
        }
        req.root = self.root.clone();
        req.texts = self.texts.clone();
        req.annotator_sep = self.annotator_sep.clone();
        req.encoding = self.encoding.encoding;
        let o = &mut req.options;
        o.status = match self.status {
            ImportStatus::Unreviewed => Status::Unreviewed,
            ImportStatus::Accepted => Status::Accepted,
        };
        if let Some(author) = &self.author {
            o.author = author.clone();
        }
        for spec in &self.map {
            o.mapping.add_type(spec).map_err(anyhow::Error::msg)?;
        }
        for spec in &self.role {
            o.mapping.add_role(spec).map_err(anyhow::Error::msg)?;
        }
        Ok(req)
    }
}

/// Run the import; exit code 0, or 1 when something was not imported.
pub fn run(args: &ImportArgs) -> anyhow::Result<u8> {
    let outcome = import(&args.request()?)?;
    for warning in &outcome.warnings {
        eprintln!("warning: {warning}");
    }
    for line in outcome.notices.iter().chain(&outcome.problems) {
        println!("{line}");
    }
    eprintln!("{}", outcome.counts);
    Ok(u8::from(outcome.counts.not_imported > 0))
}
