//! Opening an article from disk together with its sidecar.
//!
//! [`read_article`] turns a path into an [`Article`] (or a clear error that
//! names the file and why). [`open`] also reads the sidecar and checks every
//! annotation against the text; mismatches are reported, never "fixed".
//!
//! The encoding is chosen in this order: the one given (`--encoding`,
//! Reopen with Encoding), the one the sidecar recorded, a byte order mark,
//! valid UTF-8, detection (see [`decode`]). A recorded encoding that no
//! longer gives the sidecar's text, when detection does (the file was
//! converted, say to UTF-8), gives way to detection, with a note.

use crate::model::anchor::{Problem, share_quotes, verify_on};
use crate::model::annotation::Annotation;
use crate::model::decode::{
    self, DecodeError, Decoded, EncodingDoubt, EncodingSource, MAX_ARTICLE_BYTES, TextEncoding,
};
use crate::model::document::{Article, content_hash};
use crate::store::sidecar::{self, ArticleInfo, DiskState, Sidecar, SidecarError};
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
    /// The mapping used (its Python name is `encoding`, up to the BOM).
    pub text_encoding: TextEncoding,
    /// Where the encoding came from.
    pub encoding_source: EncodingSource,
    /// Set when the encoding was detected and another one was nearly as
    /// plausible (now, or when the sidecar recorded it): warn about it.
    pub encoding_doubt: Option<EncodingDoubt>,
    /// Set when the sidecar's recorded encoding was not used, and why.
    pub encoding_note: Option<String>,
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
        let mut sc = Sidecar::new(
            &self.file_name(),
            &self.encoding,
            &self.article,
            annotations,
        );
        sc.article = self.article_info();
        sc
    }

    /// What a sidecar records about this article: name, encoding (and the
    /// alternative, while the encoding is an unconfirmed guess), hash, length.
    pub fn article_info(&self) -> ArticleInfo {
        ArticleInfo {
            file: self.file_name(),
            encoding: self.encoding.clone(),
            hash: self.article.hash().to_owned(),
            char_len: self.article.char_len(),
            encoding_alternative: self
                .encoding_doubt
                .as_ref()
                .map(|d| d.alternative.python_name().to_owned()),
        }
    }

    /// What to tell the analyst about the encoding, if anything: a doubtful
    /// guess, or a recorded encoding that was not used. One line each,
    /// without the path.
    pub fn encoding_warnings(&self) -> Vec<String> {
        let doubt = self.encoding_doubt.as_ref().map(|d| {
            format!(
                "{}; if so, read it with --encoding {}",
                d.message(),
                d.alternative
            )
        });
        self.encoding_note.iter().cloned().chain(doubt).collect()
    }
}

/// Read and decode an article file, with the encoding its sidecar records
/// (if it has one) or else the detected one.
pub fn read_article(path: &Path) -> Result<ArticleFile, ArticleError> {
    read_article_with(path, None)
}

/// [`read_article`], or with `chosen` when given (`--encoding`).
pub fn read_article_with(
    path: &Path,
    chosen: Option<TextEncoding>,
) -> Result<ArticleFile, ArticleError> {
    let recorded = match chosen {
        Some(_) => None,
        None => sidecar::read_article_info(&sidecar::sidecar_path(path)),
    };
    read_with(path, chosen, recorded.as_ref())
}

/// Read `path` with `chosen`, else with the encoding `recorded` in its
/// sidecar (already read by the caller), else detecting it: what
/// [`read_article_with`] does without reading the sidecar's head again.
pub fn read_article_recorded(
    path: &Path,
    chosen: Option<TextEncoding>,
    recorded: Option<&ArticleInfo>,
) -> Result<ArticleFile, ArticleError> {
    read_with(path, chosen, recorded)
}

/// Read `path` with `chosen`, else with the encoding `recorded` in its
/// sidecar, else detecting it.
fn read_with(
    path: &Path,
    chosen: Option<TextEncoding>,
    recorded: Option<&ArticleInfo>,
) -> Result<ArticleFile, ArticleError> {
    let bytes = read_bytes(path)?;
    let decode_error = |source| ArticleError::Decode {
        path: path.to_owned(),
        source,
    };
    let mut note = None;
    // The hash of the decoded text when it was already taken (SHA-256 of
    // the whole article, not worth taking twice).
    let mut hash = None;
    let decoded = if let Some(encoding) = chosen {
        decode::decode_as(&bytes, encoding).map_err(decode_error)?
    } else if let Some(info) = recorded.filter(|i| !i.encoding.is_empty()) {
        let (decoded, why, known) = decode_recorded(&bytes, info).map_err(decode_error)?;
        note = why;
        hash = known;
        decoded
    } else {
        decode::decode(&bytes).map_err(decode_error)?
    };
    let Decoded {
        text,
        encoding,
        text_encoding,
        source,
        doubt,
        ..
    } = decoded;
    Ok(ArticleFile {
        path: path.to_owned(),
        encoding,
        text_encoding,
        encoding_source: source,
        encoding_doubt: doubt,
        encoding_note: note,
        article: match hash {
            Some(hash) => Article::with_hash(text, hash),
            None => Article::new(text),
        },
    })
}

/// Decode with the sidecar's recorded encoding, unless it no longer gives
/// the sidecar's text and detection does (then with a note saying so).
/// Also gives the text's hash when it was taken (it is the sidecar's).
fn decode_recorded(
    bytes: &[u8],
    info: &ArticleInfo,
) -> Result<(Decoded, Option<String>, Option<String>), DecodeError> {
    let encoding = TextEncoding::from_name(&info.encoding)?;
    let recorded = decode::decode_as(bytes, encoding);
    let recorded_hash = recorded.as_ref().ok().map(|d| content_hash(&d.text));
    if let Some(hash) = recorded_hash.as_ref().filter(|h| **h == info.hash) {
        let mut d = recorded?;
        d.source = EncodingSource::Recorded;
        d.doubt = info
            .encoding_alternative
            .as_deref()
            .and_then(|name| TextEncoding::from_name(name).ok())
            .and_then(|alternative| EncodingDoubt::between(bytes, encoding, alternative));
        return Ok((d, None, Some(hash.clone())));
    }
    // The text changed, or the file was converted: detection may still
    // find the sidecar's text.
    let detected = decode::decode(bytes);
    match (recorded, detected) {
        (_, Ok(d)) if content_hash(&d.text) == info.hash => {
            let why = format!(
                "the sidecar records the encoding {}, but the file now reads as {} with the sidecar's text; {} is used and will be recorded",
                info.encoding, d.encoding, d.encoding
            );
            Ok((d, Some(why), Some(info.hash.clone())))
        }
        (Ok(mut d), detected) => {
            d.source = EncodingSource::Recorded;
            let why = detected
                .ok()
                .filter(|det| det.source == EncodingSource::Utf8 && det.text != d.text)
                .map(|det| {
                    format!(
                        "the file is valid UTF-8 now but is read as {}, the encoding its sidecar records; if it was converted, read it with --encoding {}",
                        d.encoding, det.encoding
                    )
                });
            Ok((d, why, recorded_hash))
        }
        (Err(e), Ok(d)) => {
            let why = format!(
                "the sidecar records the encoding {}, which cannot read the file now ({e}); read as {}",
                info.encoding, d.encoding
            );
            Ok((d, Some(why), None))
        }
        (Err(e), Err(_)) => Err(e),
    }
}

/// The encoding that reads the file at `path` as exactly `text` (line
/// endings normalised), if one does: to tell an importer whose record holds
/// the right text which encoding that text came from.
pub fn encoding_giving(path: &Path, text: &str) -> Option<TextEncoding> {
    let bytes = read_bytes(path).ok()?;
    TextEncoding::all()
        .into_iter()
        .find(|&e| decode::decode_as(&bytes, e).is_ok_and(|d| d.text == text))
}

/// The bytes of an article file, refusing folders and oversized files.
/// The file is opened once and asked its size (no lookup by path first).
fn read_bytes(path: &Path) -> Result<Vec<u8>, ArticleError> {
    use std::io::Read as _;
    let io = |source| ArticleError::Io {
        path: path.to_owned(),
        source,
    };
    let mut file = match fs::File::open(path) {
        Ok(file) => file,
        // Windows refuses to open a folder as a file.
        Err(_) if path.is_dir() => {
            return Err(ArticleError::IsDirectory {
                path: path.to_owned(),
            });
        }
        Err(e) => return Err(io(e)),
    };
    let meta = file.metadata().map_err(io)?;
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
    let mut bytes = Vec::with_capacity(usize::try_from(meta.len()).unwrap_or(0));
    crate::store::advise_huge_pages(bytes.spare_capacity_mut());
    file.read_to_end(&mut bytes).map_err(io)?;
    Ok(bytes)
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
    /// The sidecar's suggestion fingerprints (see [`sidecar::Sidecar::suggested`]).
    pub suggested: Vec<String>,
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
    open_with(path, None)
}

/// [`open`], reading the article with `chosen` when given (`--encoding`).
/// With another encoding than the sidecar's, the text may differ: the
/// sidecar then no longer matches (`article_changed`).
pub fn open_with(path: &Path, chosen: Option<TextEncoding>) -> Result<Opened, OpenError> {
    let sc_path = sidecar::sidecar_path(path);
    // The article is read and decoded while the sidecar's annotations parse.
    let (found, file) =
        sidecar::read_alongside(&sc_path, |recorded| read_with(path, chosen, recorded))?;
    let file = file?;
    let (annotations, note, suggested, disk, article_changed) = match found {
        Some((sc, disk)) => {
            let changed = !sc.matches(&file.article);
            (sc.annotations, sc.note, sc.suggested, disk, changed)
        }
        None => (Vec::new(), None, Vec::new(), DiskState::Absent, false),
    };
    let mut annotations = annotations;
    share_quotes(&file.article, &mut annotations, crate::store::cores());
    let problems = verify_on(&file.article, &annotations, crate::store::cores());
    Ok(Opened {
        file,
        annotations,
        note,
        suggested,
        disk,
        article_changed,
        problems,
    })
}
