//! Opening an article from disk together with its sidecar.
//!
//! [`read_article`] turns a path into an [`Article`] (or a clear error that
//! names the file and why). [`open`] also reads the sidecar and checks every
//! annotation against the text; mismatches are reported, never "fixed".

use crate::model::anchor::{Problem, verify};
use crate::model::annotation::Annotation;
use crate::model::decode::{self, DecodeError, Decoded, MAX_ARTICLE_BYTES};
use crate::model::document::Article;
use crate::store::sidecar::{self, DiskState, Sidecar, SidecarError};
use std::fs;
use std::path::{Path, PathBuf};
use thiserror::Error;

/// Why an article file could not be opened.
#[derive(Debug, Error)]
#[non_exhaustive]
pub enum ArticleError {
    /// The OS refused (missing, permissions, ...).
    #[error("{path}: cannot read: {source}")]
    Io {
        /// The file.
        path: PathBuf,
        /// The OS error.
        source: std::io::Error,
    },
    /// A folder was given where a file was expected.
    #[error("{path}: is a folder, not an article file")]
    IsDirectory {
        /// The path.
        path: PathBuf,
    },
    /// The bytes are not text Marginalia can read.
    #[error("{path}: {source}")]
    Decode {
        /// The file.
        path: PathBuf,
        /// Why.
        source: DecodeError,
    },
}

/// An article read from disk.
#[derive(Clone, Debug)]
pub struct ArticleFile {
    /// Where it was read from.
    pub path: PathBuf,
    /// Python codec name used to decode it.
    pub encoding: String,
    /// The text and its indexes.
    pub article: Article,
}

impl ArticleFile {
    /// The file name, for the sidecar's `article.file`.
    pub fn file_name(&self) -> String {
        self.path
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default()
    }

    /// A sidecar for this article holding `annotations`.
    pub fn sidecar(&self, annotations: Vec<Annotation>) -> Sidecar {
        Sidecar::new(
            &self.file_name(),
            &self.encoding,
            &self.article,
            annotations,
        )
    }
}

/// Read and decode an article file.
pub fn read_article(path: &Path) -> Result<ArticleFile, ArticleError> {
    let io = |source| ArticleError::Io {
        path: path.to_owned(),
        source,
    };
    let meta = fs::metadata(path).map_err(io)?;
    if meta.is_dir() {
        return Err(ArticleError::IsDirectory {
            path: path.to_owned(),
        });
    }
    // Check the size before reading, so a 10 GB file is refused without being read.
    if meta.len() > MAX_ARTICLE_BYTES as u64 {
        return Err(ArticleError::Decode {
            path: path.to_owned(),
            source: DecodeError::TooLarge {
                byte_len: usize::try_from(meta.len()).unwrap_or(usize::MAX),
                limit: MAX_ARTICLE_BYTES,
            },
        });
    }
    let bytes = fs::read(path).map_err(io)?;
    let Decoded { text, encoding, .. } =
        decode::decode(&bytes).map_err(|source| ArticleError::Decode {
            path: path.to_owned(),
            source,
        })?;
    Ok(ArticleFile {
        path: path.to_owned(),
        encoding,
        article: Article::new(text),
    })
}

/// An article with its sidecar's content, as found on disk.
#[derive(Debug)]
pub struct Opened {
    /// The article.
    pub file: ArticleFile,
    /// The sidecar's annotations (empty when there is no sidecar).
    pub annotations: Vec<Annotation>,
    /// The sidecar's note on the whole article.
    pub note: Option<String>,
    /// What the sidecar file was when read; pass it back to [`sidecar::save`].
    pub disk: DiskState,
    /// True when the sidecar's hash differs from the article's: the article
    /// was edited since the sidecar was written.
    pub article_changed: bool,
    /// Annotations that do not sit on their quotes, and other problems.
    pub problems: Vec<Problem>,
}

/// Why [`open`] failed.
#[derive(Debug, Error)]
#[non_exhaustive]
pub enum OpenError {
    /// The article could not be read.
    #[error(transparent)]
    Article(#[from] ArticleError),
    /// The sidecar could not be read (it is left untouched).
    #[error(transparent)]
    Sidecar(#[from] SidecarError),
}

/// Open an article and its sidecar, checking every annotation.
pub fn open(path: &Path) -> Result<Opened, OpenError> {
    let file = read_article(path)?;
    let sc_path = sidecar::sidecar_path(path);
    let (annotations, note, disk, article_changed) = match sidecar::read(&sc_path)? {
        Some((sc, disk)) => {
            let changed = !sc.matches(&file.article);
            (sc.annotations, sc.note, disk, changed)
        }
        None => (Vec::new(), None, DiskState::Absent, false),
    };
    let problems = verify(&file.article, &annotations);
    Ok(Opened {
        file,
        annotations,
        note,
        disk,
        article_changed,
        problems,
    })
}
