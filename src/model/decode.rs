//! Bytes → article text: encoding detection, BOM stripping, line-ending
//! normalisation, and refusal of anything that is not text.
//!
//! The article text is what Python's
//! `open(path, encoding=enc, newline=None).read()` returns, where `enc` is
//! [`Decoded::encoding`]. That string is the one offsets count in.
//!
//! The rules, in order:
//! 1. Larger than [`MAX_ARTICLE_BYTES`]: refused.
//! 2. A UTF-8 BOM gives UTF-8 (`utf-8-sig`); a UTF-16 BOM gives UTF-16 (`utf-16`).
//! 3. NUL bytes or many control characters: refused as binary.
//! 4. Valid UTF-8: UTF-8.
//! 5. Invalid UTF-8 that still holds valid multi-byte UTF-8 sequences is
//!    *damaged UTF-8*: refused with the byte offset, never guessed as a legacy
//!    encoding (that is how "Zürich" becomes "ZÃ¼rich").
//! 6. Otherwise chardetng guesses a legacy encoding; the guess must decode
//!    every byte without replacement and without C1 controls, or it is refused.
//!
//! ```
//! use marginalia::model::decode::decode;
//! let d = decode(b"\xEF\xBB\xBFline one\r\nline two\r").unwrap();
//! assert_eq!(d.text, "line one\nline two\n");
//! assert_eq!(d.encoding, "utf-8-sig");
//! let cp1252 = decode(b"\x93quoted\x94 caf\xe9 na\xefve r\xe9sum\xe9").unwrap();
//! assert_eq!(cp1252.text, "\u{201c}quoted\u{201d} café naïve résumé");
//! assert!(decode(b"Z\xc3\xbcrich \xff").is_err());
//! ```

use encoding_rs::{Encoding, UTF_8, UTF_16BE, UTF_16LE};
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

/// The result of decoding an article file.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Decoded {
    /// The article text: no BOM, `\n` line endings only.
    pub text: String,
    /// A Python codec name that reproduces `text` with
    /// `open(path, encoding=…, newline=None)`: `utf-8`, `utf-8-sig`, `utf-16`,
    /// or a legacy name such as `windows-1252`.
    pub encoding: String,
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
    #[error("the encoding could not be detected with confidence (best guess: {guess})")]
    UnknownEncoding {
        /// chardetng's best guess, for the message.
        guess: String,
    },
}

/// Decode raw file bytes into the article text. See the module docs for the rules.
pub fn decode(bytes: &[u8]) -> Result<Decoded, DecodeError> {
    if bytes.len() > MAX_ARTICLE_BYTES {
        return Err(DecodeError::TooLarge {
            byte_len: bytes.len(),
            limit: MAX_ARTICLE_BYTES,
        });
    }
    if let Some((encoding, bom_len)) = Encoding::for_bom(bytes) {
        let body = &bytes[bom_len..];
        let (name, text) = if encoding == UTF_8 {
            let text = std::str::from_utf8(body).map_err(|e| DecodeError::DamagedUtf8 {
                byte_offset: bom_len + e.valid_up_to(),
            })?;
            ("utf-8-sig", text.to_owned())
        } else {
            debug_assert!(encoding == UTF_16LE || encoding == UTF_16BE);
            let Some(text) = encoding
                .decode_without_bom_handling_and_without_replacement(body)
                .map(|c| c.into_owned())
            else {
                return Err(DecodeError::Binary {
                    reason: "UTF-16 byte order mark, but the rest is not valid UTF-16".into(),
                });
            };
            ("utf-16", text)
        };
        check_text_is_not_binary(&text)?;
        return Ok(finish(text, name.to_owned()));
    }
    check_bytes_are_not_binary(bytes)?;
    match std::str::from_utf8(bytes) {
        Ok(text) => {
            check_text_is_not_binary(text)?;
            Ok(finish(text.to_owned(), "utf-8".to_owned()))
        }
        Err(e) => {
            if looks_like_damaged_utf8(bytes) {
                return Err(DecodeError::DamagedUtf8 {
                    byte_offset: e.valid_up_to(),
                });
            }
            let text_and_name = decode_legacy(bytes)?;
            check_text_is_not_binary(&text_and_name.0)?;
            Ok(finish(text_and_name.0, text_and_name.1))
        }
    }
}

fn decode_legacy(bytes: &[u8]) -> Result<(String, String), DecodeError> {
    let mut detector = chardetng::EncodingDetector::new(chardetng::Iso2022JpDetection::Deny);
    detector.feed(bytes, true);
    let encoding = detector.guess(None, chardetng::Utf8Detection::Deny);
    let guess = encoding.name().to_ascii_lowercase();
    // chardetng exposes no score, so confidence is checked on the result: the
    // guess must map every byte, and produce no C1 control characters, which
    // real text never holds but a wrong single-byte guess often does.
    let decoded = encoding.decode_without_bom_handling_and_without_replacement(bytes);
    match decoded {
        Some(text) if !text.chars().any(|c| ('\u{80}'..='\u{9f}').contains(&c)) => {
            Ok((text.into_owned(), guess))
        }
        _ => Err(DecodeError::UnknownEncoding { guess }),
    }
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

fn finish(text: String, encoding: String) -> Decoded {
    let (text, line_endings) = normalize_newlines(text);
    Decoded {
        text,
        encoding,
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
