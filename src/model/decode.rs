//! Bytes → article text: encoding detection, BOM stripping, line-ending
//! normalisation, and refusal of anything that is not text.
//!
//! The article text is what Python's
//! `open(path, encoding=enc, newline=None).read()` returns, where `enc` is
//! [`Decoded::encoding`], a Python codec name (see [`TextEncoding`]). That
//! string is the one offsets count in.
//!
//! [`decode_as`] reads bytes with an encoding someone chose (`--encoding`,
//! Reopen with Encoding, or the one a sidecar recorded). [`decode`] finds
//! the encoding itself; the rules, in order:
//! 1. Larger than [`MAX_ARTICLE_BYTES`]: refused.
//! 2. A UTF-8 BOM gives UTF-8 (`utf-8-sig`); a UTF-16 BOM gives UTF-16 (`utf-16`).
//! 3. NUL bytes or many control characters: refused as binary.
//! 4. Valid UTF-8: UTF-8.
//! 5. Invalid UTF-8 that still holds valid multi-byte UTF-8 sequences is
//!    *damaged UTF-8*: refused with the byte offset, never guessed as a legacy
//!    encoding (that is how "Zürich" becomes "ZÃ¼rich").
//! 6. Otherwise chardetng guesses a legacy encoding. When its guess is a
//!    Latin-script one, the Latin candidates are scored for plausibility
//!    (see `guess.rs`: letters foreign to the text's language, symbols glued
//!    to letters) and the most plausible wins; when another reading comes
//!    close, [`Decoded::doubt`] names it. The winner must decode every byte
//!    as Python does, without C1 controls, or the file is refused.
//!
//! ```
//! use marginalia::model::decode::{decode, decode_as, TextEncoding};
//! let d = decode(b"\xEF\xBB\xBFline one\r\nline two\r").unwrap();
//! assert_eq!(d.text, "line one\nline two\n");
//! assert_eq!(d.encoding, "utf-8-sig");
//! let cp1252 = decode(b"\x93quoted\x94 caf\xe9 na\xefve r\xe9sum\xe9").unwrap();
//! assert_eq!(cp1252.text, "\u{201c}quoted\u{201d} café naïve résumé");
//! assert_eq!(cp1252.encoding, "cp1252");
//! assert!(decode(b"Z\xc3\xbcrich \xff").is_err());
//! let forced = decode_as(b"Gen\xe8ve", TextEncoding::from_name("cp1250").unwrap()).unwrap();
//! assert_eq!(forced.text, "Genčve");
//! ```

mod codec;
mod guess;
mod languages;

pub use codec::{TextEncoding, UnknownEncodingName};
use encoding_rs::{DecoderResult, Encoding, UTF_8, UTF_16BE, UTF_16LE, WINDOWS_1252};
use thiserror::Error;

/// Largest article accepted, in bytes (64 MiB). Articles are news pieces,
/// reports and transcripts; past this size a file is almost surely not one.
pub const MAX_ARTICLE_BYTES: usize = 64 * 1024 * 1024;

/// Original line-ending style of a file, recorded so exports can mention it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum LineEndings {
    /// Only `\n` (or no line break at all).
    Lf,
    /// Only `\r\n`.
    CrLf,
    /// Only lone `\r`.
    Cr,
    /// More than one kind.
    Mixed,
}

/// Where an article's encoding came from, in order of precedence.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum EncodingSource {
    /// Chosen by the analyst: `--encoding`, or Reopen with Encoding.
    Chosen,
    /// Recorded in the article's sidecar.
    Recorded,
    /// A byte order mark.
    Bom,
    /// The bytes are valid UTF-8.
    Utf8,
    /// Detected (chardetng, then the plausibility check).
    Detected,
}

impl EncodingSource {
    /// A few words for the status bar and messages ("detected").
    pub fn describe(self) -> &'static str {
        match self {
            EncodingSource::Chosen => "chosen",
            EncodingSource::Recorded => "from the sidecar",
            EncodingSource::Bom => "byte order mark",
            EncodingSource::Utf8 => "valid UTF-8",
            EncodingSource::Detected => "detected",
        }
    }
}

/// A detected encoding that another one nearly matched.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct EncodingDoubt {
    /// The encoding the text was read with.
    pub chosen: TextEncoding,
    /// The other plausible reading.
    pub alternative: TextEncoding,
    /// The first word the two read differently: (as read, as the
    /// alternative would read it). `None` when no word can be shown.
    pub example: Option<(String, String)>,
}

impl EncodingDoubt {
    /// The doubt between `chosen` and `alternative` for `bytes`: `None` when
    /// the alternative cannot read them or reads them the same.
    pub fn between(
        bytes: &[u8],
        chosen: TextEncoding,
        alternative: TextEncoding,
    ) -> Option<EncodingDoubt> {
        let (TextEncoding::Legacy(a), TextEncoding::Legacy(b)) = (chosen, alternative) else {
            return None;
        };
        let sample = guess::sample_of(bytes);
        let ta = a.decode_without_bom_handling_and_without_replacement(sample)?;
        let tb = b.decode_without_bom_handling_and_without_replacement(sample)?;
        if ta == tb {
            return None;
        }
        Some(EncodingDoubt {
            chosen,
            alternative,
            example: first_different_word(&ta, &tb),
        })
    }

    /// One sentence for a warning or a banner: what was read, what else it
    /// could be, and how to choose.
    pub fn message(&self) -> String {
        let example = self
            .example
            .as_ref()
            .map(|(a, b)| format!(" (\"{a}\" would read \"{b}\")"))
            .unwrap_or_default();
        format!(
            "the encoding was guessed as {}, but it could be {}{example}",
            self.chosen, self.alternative
        )
    }
}

/// The first whitespace-separated word where two readings of the same
/// single-byte text differ (they have one char per byte, so they align).
fn first_different_word(a: &str, b: &str) -> Option<(String, String)> {
    let a: Vec<char> = a.chars().collect();
    let b: Vec<char> = b.chars().collect();
    if a.len() != b.len() {
        return None;
    }
    let at = a.iter().zip(&b).position(|(x, y)| x != y)?;
    let word = |t: &[char]| {
        let start = t[..at]
            .iter()
            .rposition(|c| c.is_whitespace())
            .map_or(0, |i| i + 1);
        let end = t[at..]
            .iter()
            .position(|c| c.is_whitespace())
            .map_or(t.len(), |i| at + i);
        let word: String = t[start..end].iter().collect();
        word.trim_matches(|c: char| c.is_ascii_punctuation())
            .to_owned()
    };
    Some((word(&a), word(&b)))
}

/// The result of decoding an article file.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Decoded {
    /// The article text: no BOM, `\n` line endings only.
    pub text: String,
    /// A Python codec name that reproduces `text` with
    /// `open(path, encoding=…, newline=None)`: `utf-8`, `utf-8-sig`, `utf-16`,
    /// or a legacy name such as `cp1252`.
    pub encoding: String,
    /// The mapping used (its Python name is `encoding`, up to the BOM).
    pub text_encoding: TextEncoding,
    /// Where the encoding came from.
    pub source: EncodingSource,
    /// Set when detection hesitated between two readings.
    pub doubt: Option<EncodingDoubt>,
    /// The line endings the file had before normalisation.
    pub line_endings: LineEndings,
}

/// Why bytes could not be read as an article.
#[derive(Debug, Error, PartialEq, Eq)]
#[non_exhaustive]
pub enum DecodeError {
    /// Larger than [`MAX_ARTICLE_BYTES`].
    #[error("the file is {byte_len} bytes; articles are limited to {limit} bytes")]
    TooLarge {
        /// Size of the file.
        byte_len: usize,
        /// The limit.
        limit: usize,
    },
    /// NUL bytes or too many control characters.
    #[error("this is a binary file, not text ({reason})")]
    Binary {
        /// What gave it away.
        reason: String,
    },
    /// UTF-8 with invalid bytes in it.
    #[error(
        "invalid UTF-8 at byte {byte_offset}; the file looks like damaged UTF-8, so it is not guessed as another encoding"
    )]
    DamagedUtf8 {
        /// Offset of the first invalid byte.
        byte_offset: usize,
    },
    /// No encoding fits the bytes confidently.
    #[error(
        "the encoding could not be detected with confidence (best guess: {guess}); choose one with --encoding"
    )]
    UnknownEncoding {
        /// The best guess, for the message.
        guess: String,
    },
    /// The chosen encoding has no character for a byte (or Python would
    /// read it differently, so offsets could not be checked in Python).
    #[error("byte 0x{byte:02X} at offset {byte_offset} is not a character in {encoding}")]
    NotInEncoding {
        /// The Python codec name.
        encoding: String,
        /// Offset of the byte.
        byte_offset: usize,
        /// Its value.
        byte: u8,
    },
    /// An encoding name that Marginalia does not know.
    #[error(transparent)]
    UnknownName(#[from] UnknownEncodingName),
}

/// Decode raw file bytes into the article text, finding the encoding. See
/// the module docs for the rules.
pub fn decode(bytes: &[u8]) -> Result<Decoded, DecodeError> {
    check_size(bytes)?;
    if let Some((encoding, _)) = Encoding::for_bom(bytes) {
        let chosen = if encoding == UTF_8 {
            TextEncoding::Utf8
        } else {
            TextEncoding::Utf16
        };
        let mut d = decode_as(bytes, chosen)?;
        d.source = EncodingSource::Bom;
        return Ok(d);
    }
    check_bytes_are_not_binary(bytes)?;
    match std::str::from_utf8(bytes) {
        Ok(text) => {
            check_text_is_not_binary(text)?;
            Ok(finish(
                text.to_owned(),
                "utf-8",
                TextEncoding::Utf8,
                EncodingSource::Utf8,
            ))
        }
        Err(e) => {
            if looks_like_damaged_utf8(bytes) {
                return Err(DecodeError::DamagedUtf8 {
                    byte_offset: e.valid_up_to(),
                });
            }
            decode_detected(bytes)
        }
    }
}

/// Decode with a chosen encoding. UTF-8 strips a BOM (recorded then as
/// `utf-8-sig`); UTF-16 follows its BOM (little-endian without one, recorded
/// as `utf-16-le`); every other encoding reads every byte as Python's codec
/// does, or fails with [`DecodeError::NotInEncoding`].
pub fn decode_as(bytes: &[u8], encoding: TextEncoding) -> Result<Decoded, DecodeError> {
    check_size(bytes)?;
    let bom = Encoding::for_bom(bytes);
    let (text, name) = match encoding {
        TextEncoding::Utf8 => {
            let (body, name) = match bytes.strip_prefix(b"\xEF\xBB\xBF") {
                Some(body) => (body, "utf-8-sig"),
                None => (bytes, "utf-8"),
            };
            let skipped = bytes.len() - body.len();
            // simdutf8 checks several times faster; std says where it broke.
            let text = simdutf8::basic::from_utf8(body)
                .or_else(|_| std::str::from_utf8(body))
                .map_err(|e| DecodeError::DamagedUtf8 {
                    byte_offset: skipped + e.valid_up_to(),
                })?;
            (text.to_owned(), name)
        }
        TextEncoding::Utf16 => match bom {
            Some((e, len)) if e == UTF_16LE || e == UTF_16BE => {
                (decode_exact(e, &bytes[len..], len, "utf-16")?, "utf-16")
            }
            _ => (decode_exact(UTF_16LE, bytes, 0, "utf-16-le")?, "utf-16-le"),
        },
        TextEncoding::Utf16Le => (decode_exact(UTF_16LE, bytes, 0, "utf-16-le")?, "utf-16-le"),
        TextEncoding::Utf16Be => (decode_exact(UTF_16BE, bytes, 0, "utf-16-be")?, "utf-16-be"),
        TextEncoding::Legacy(e) => {
            let name = encoding.python_name();
            let text = decode_exact(e, bytes, 0, name)?;
            check_python_reads_the_same(encoding, bytes, &text)?;
            (text, name)
        }
    };
    check_text_is_not_binary(&text)?;
    Ok(finish(text, name, encoding, EncodingSource::Chosen))
}

/// Decode all of `bytes` with `encoding`, failing at the first byte it
/// cannot map (`offset` is added to positions; `name` is for the error).
fn decode_exact(
    encoding: &'static Encoding,
    bytes: &[u8],
    offset: usize,
    name: &str,
) -> Result<String, DecodeError> {
    let mut decoder = encoding.new_decoder_without_bom_handling();
    let capacity = decoder
        .max_utf8_buffer_length_without_replacement(bytes.len())
        .unwrap_or(bytes.len().saturating_mul(3));
    let mut text = String::with_capacity(capacity);
    let (result, read) = decoder.decode_to_string_without_replacement(bytes, &mut text, true);
    match result {
        DecoderResult::InputEmpty => Ok(text),
        DecoderResult::Malformed(bad, after) => {
            let at = read.saturating_sub(usize::from(bad) + usize::from(after));
            Err(DecodeError::NotInEncoding {
                encoding: name.to_owned(),
                byte_offset: offset + at,
                byte: bytes.get(at).copied().unwrap_or(0),
            })
        }
        // The buffer was sized for the worst case.
        DecoderResult::OutputFull => Err(DecodeError::UnknownEncoding {
            guess: name.to_owned(),
        }),
    }
}

/// Refuse the bytes a single-byte `encoding` maps where Python's codec does
/// not (see [`TextEncoding`]): offsets would then differ in Python.
fn check_python_reads_the_same(
    encoding: TextEncoding,
    bytes: &[u8],
    text: &str,
) -> Result<(), DecodeError> {
    let TextEncoding::Legacy(e) = encoding else {
        return Ok(());
    };
    if !e.is_single_byte() {
        return Ok(());
    }
    // One char per byte in a single-byte encoding.
    for (i, (&b, c)) in bytes.iter().zip(text.chars()).enumerate() {
        if b >= 0x80 && encoding.python_differs(b, c) {
            return Err(DecodeError::NotInEncoding {
                encoding: encoding.python_name().to_owned(),
                byte_offset: i,
                byte: b,
            });
        }
    }
    Ok(())
}

/// Rule 6: chardetng, then the plausibility check among Latin encodings.
fn decode_detected(bytes: &[u8]) -> Result<Decoded, DecodeError> {
    let mut detector = chardetng::EncodingDetector::new(chardetng::Iso2022JpDetection::Deny);
    detector.feed(bytes, true);
    let guessed = detector.guess(None, chardetng::Utf8Detection::Deny);
    let is_latin = guess::is_latin_script(guessed);
    // A few high bytes in ASCII prose are not Chinese or Japanese, whatever
    // pairs they happen to form ("¡Es" is a valid Big5 character).
    let sparse_cjk = !guessed.is_single_byte() && high_byte_share(bytes) < 0.25;
    let latin_guess = if sparse_cjk { WINDOWS_1252 } else { guessed };
    let (best, doubt) =
        match (is_latin || sparse_cjk).then(|| guess::choose_latin(bytes, latin_guess)) {
            Some(Some(choice)) => (choice.best, choice.doubt),
            _ => (guessed, None),
        };
    let unknown = || DecodeError::UnknownEncoding {
        guess: TextEncoding::legacy(best)
            .map_or(best.name(), TextEncoding::python_name)
            .to_owned(),
    };
    let chosen = TextEncoding::legacy(best).ok_or_else(unknown)?;
    // chardetng exposes no score, so confidence is checked on the result: the
    // guess must map every byte as Python does, and produce no C1 control
    // characters, which real text never holds but a wrong guess often does.
    let mut d = decode_as(bytes, chosen).map_err(|_| unknown())?;
    if d.text.chars().any(|c| ('\u{80}'..='\u{9f}').contains(&c)) {
        return Err(unknown());
    }
    d.source = EncodingSource::Detected;
    d.doubt =
        doubt.and_then(|alt| EncodingDoubt::between(bytes, chosen, TextEncoding::Legacy(alt)));
    Ok(d)
}

/// Share of the non-space bytes (of the sample) that are not ASCII.
fn high_byte_share(bytes: &[u8]) -> f64 {
    let sample = guess::sample_of(bytes);
    let (high, visible) = sample.iter().fold((0usize, 0usize), |(h, v), &b| {
        (
            h + usize::from(b >= 0x80),
            v + usize::from(!b.is_ascii_whitespace()),
        )
    });
    high as f64 / visible.max(1) as f64
}

fn check_size(bytes: &[u8]) -> Result<(), DecodeError> {
    if bytes.len() > MAX_ARTICLE_BYTES {
        return Err(DecodeError::TooLarge {
            byte_len: bytes.len(),
            limit: MAX_ARTICLE_BYTES,
        });
    }
    Ok(())
}

/// Damaged UTF-8 holds well-formed multi-byte sequences beside invalid bytes.
/// Legacy single-byte text almost never forms a valid 2–4 byte UTF-8 sequence.
fn looks_like_damaged_utf8(bytes: &[u8]) -> bool {
    let mut rest = bytes;
    loop {
        match std::str::from_utf8(rest) {
            Ok(s) => return s.bytes().any(|b| b >= 0x80),
            Err(e) => {
                let (valid, after) = rest.split_at(e.valid_up_to());
                if valid.iter().any(|&b| b >= 0x80) {
                    return true;
                }
                let skip = e.error_len().unwrap_or(after.len()).max(1);
                rest = after.get(skip..).unwrap_or_default();
                if rest.is_empty() {
                    return false;
                }
            }
        }
    }
}

fn check_bytes_are_not_binary(bytes: &[u8]) -> Result<(), DecodeError> {
    if let Some(pos) = bytes.iter().position(|&b| b == 0) {
        return Err(DecodeError::Binary {
            reason: format!("NUL byte at offset {pos}"),
        });
    }
    Ok(())
}

fn check_text_is_not_binary(text: &str) -> Result<(), DecodeError> {
    if text.contains('\0') {
        return Err(DecodeError::Binary {
            reason: "NUL character".into(),
        });
    }
    // Count C0/C1 controls other than tab, line feed, carriage return and form feed
    // in the first 64 KiB: text has essentially none.
    let (sample_len, controls) = count_controls(text, 65536);
    if controls > 0 && controls * 100 >= sample_len.max(1) {
        return Err(DecodeError::Binary {
            reason: format!("{controls} control characters"),
        });
    }
    Ok(())
}

/// `(chars, controls)` over the first `max_chars` chars of `text`: controls
/// are `char::is_control` (C0, DEL, C1) except tab, LF, CR and form feed.
/// Works on the UTF-8 bytes in one pass without decoding chars, as it runs
/// on every article of an export; C1 controls are the two bytes `C2 80..9F`.
fn count_controls(text: &str, max_chars: usize) -> (usize, usize) {
    let bytes = text.as_bytes();
    // Text almost never holds a byte that may start a control: then the
    // answer is the sample's length and no controls, found by a loop the
    // compiler vectorizes (the char-by-char count was 7 % of an export).
    let maybe_control =
        |b: u8| (b < 0x20 && !matches!(b, b'\t' | b'\n' | b'\r' | 0x0C)) || b == 0x7F || b == 0xC2;
    // The sample's chars lie within its first 4 bytes each.
    let head = bytes.get(..max_chars.saturating_mul(4)).unwrap_or(bytes);
    if !head.iter().fold(false, |seen, &b| seen | maybe_control(b)) {
        let chars = if head.is_ascii() {
            bytes.len().min(max_chars)
        } else {
            text.chars().take(max_chars).count()
        };
        return (chars, 0);
    }
    let (mut chars, mut controls) = (0usize, 0usize);
    for (i, &b) in bytes.iter().enumerate() {
        if b & 0xC0 == 0x80 {
            continue; // a continuation byte: not the start of a char
        }
        if chars == max_chars {
            break;
        }
        chars += 1;
        let is_control = match b {
            b'\t' | b'\n' | b'\r' | 0x0C => false,
            0x00..=0x1F | 0x7F => true,
            0xC2 => matches!(bytes.get(i + 1), Some(0x80..=0x9F)),
            _ => false,
        };
        controls += usize::from(is_control);
    }
    (chars, controls)
}

fn finish(text: String, name: &str, encoding: TextEncoding, source: EncodingSource) -> Decoded {
    let (text, line_endings) = normalize_newlines(text);
    Decoded {
        text,
        encoding: name.to_owned(),
        text_encoding: encoding,
        source,
        doubt: None,
        line_endings,
    }
}

/// Turn CRLF and lone CR into LF, as Python's universal newlines do.
pub fn normalize_newlines(text: String) -> (String, LineEndings) {
    if !text.contains('\r') {
        return (text, LineEndings::Lf);
    }
    let (mut crlf, mut cr) = (false, false);
    let mut out = String::with_capacity(text.len());
    let mut chars = text.chars().peekable();
    while let Some(c) = chars.next() {
        if c == '\r' {
            if chars.peek() == Some(&'\n') {
                chars.next();
                crlf = true;
            } else {
                cr = true;
            }
            out.push('\n');
        } else {
            out.push(c);
        }
    }
    let lf = text.replace("\r\n", "").contains('\n');
    let kind = match (lf, crlf, cr) {
        (false, true, false) => LineEndings::CrLf,
        (false, false, true) => LineEndings::Cr,
        _ => LineEndings::Mixed,
    };
    (out, kind)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn utf8_plain_and_bom() {
        assert_eq!(decode("Zürich".as_bytes()).unwrap().encoding, "utf-8");
        let d = decode(b"\xEF\xBB\xBFZ\xc3\xbcrich").unwrap();
        assert_eq!(
            (d.text.as_str(), d.encoding.as_str()),
            ("Zürich", "utf-8-sig")
        );
    }

    #[test]
    fn utf16_with_bom_is_decoded() {
        let mut bytes = vec![0xFF, 0xFE];
        for u in "سلام\r\nhi".encode_utf16() {
            bytes.extend_from_slice(&u.to_le_bytes());
        }
        let d = decode(&bytes).unwrap();
        assert_eq!(d.text, "سلام\nhi");
        assert_eq!(d.encoding, "utf-16");
    }

    #[test]
    fn stray_byte_in_utf8_is_refused_not_mojibake() {
        let err = decode(b"Z\xc3\xbcrich is in Switzerland \xff.").unwrap_err();
        assert_eq!(err, DecodeError::DamagedUtf8 { byte_offset: 26 });
    }

    #[test]
    fn binary_is_refused() {
        assert!(matches!(
            decode(b"PK\x03\x04\x00\x00binary"),
            Err(DecodeError::Binary { .. })
        ));
        assert!(matches!(
            decode(b"\x01\x02\x03\x04\x05\x06abc"),
            Err(DecodeError::Binary { .. })
        ));
    }

    #[test]
    fn byte_control_count_matches_char_oracle() {
        let oracle = |text: &str, max: usize| {
            let sample: Vec<char> = text.chars().take(max).collect();
            let controls = sample
                .iter()
                .filter(|&&c| c.is_control() && !matches!(c, '\t' | '\n' | '\r' | '\u{c}'))
                .count();
            (sample.len(), controls)
        };
        let text = "a\tb\r\n\u{1}\u{7f}\u{80}\u{9f}\u{a0}\u{c2}\u{100}é😀\u{c}\u{1b}سلام\u{85}x";
        for max in 0..=text.chars().count() + 1 {
            assert_eq!(count_controls(text, max), oracle(text, max), "max {max}");
        }
        for c in (0..0x800u32).filter_map(char::from_u32) {
            let s = c.to_string();
            assert_eq!(count_controls(&s, 10), oracle(&s, 10), "{c:?}");
        }
        // Texts with no control (the fast path), and with one only after
        // the sample, just past it, or deep in it.
        for clean in ["plain ascii text", "é😀 سلام and Ünïcödé"] {
            let long = clean.repeat(7);
            for tail in ["", "\u{1}", "\u{85}"] {
                let text = format!("{long}{tail}");
                for max in 0..=text.chars().count() + 1 {
                    assert_eq!(
                        count_controls(&text, max),
                        oracle(&text, max),
                        "{text:?} {max}"
                    );
                }
            }
        }
    }

    #[test]
    fn empty_is_a_valid_article() {
        assert_eq!(decode(b"").unwrap().text, "");
    }

    #[test]
    fn line_endings_are_normalised_and_recorded() {
        assert_eq!(decode(b"a\r\nb").unwrap().line_endings, LineEndings::CrLf);
        assert_eq!(decode(b"a\rb\r").unwrap().text, "a\nb\n");
        assert_eq!(decode(b"a\rb\n").unwrap().line_endings, LineEndings::Mixed);
        assert_eq!(decode(b"a\r\n\r\nb").unwrap().text, "a\n\nb");
    }

    #[test]
    fn too_large_is_refused() {
        let big = vec![b'a'; MAX_ARTICLE_BYTES + 1];
        assert!(matches!(decode(&big), Err(DecodeError::TooLarge { .. })));
    }
}
