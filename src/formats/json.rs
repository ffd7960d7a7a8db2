//! JSON strings written fast, byte for byte as `serde_json` writes them.
//!
//! `serde_json` looks every byte of a string up in its escape table, about
//! 550 MB/s here: the 5 MB text of one big article took a core 9 ms in a
//! spaCy export. [`write_str`] skips eight bytes at a time while none of
//! them needs escaping (most of an article) and escapes the rest exactly as
//! `serde_json` does: `\"`, `\\`, `\b`, `\t`, `\n`, `\f`, `\r`, and `\u00xx`
//! (lower-case hex) for the other control characters; everything else,
//! non-ASCII included, is copied as it is.

/// Eight copies of `byte`.
const fn splat(byte: u8) -> u64 {
    u64::from_ne_bytes([byte; 8])
}

/// True when one of the eight bytes of `word` is below 0x20, `"` or `\`.
///
/// Each test is the exact "has a byte less than n" / "has a zero byte" bit
/// trick: borrows may mark further bytes, but only after a true one, so the
/// answer for the word as a whole is exact.
fn needs_escape(word: u64) -> bool {
    let lo = splat(0x01);
    let hi = splat(0x80);
    let below_space = word.wrapping_sub(splat(0x20)) & !word & hi;
    let quote = word ^ splat(b'"');
    let quote = quote.wrapping_sub(lo) & !quote & hi;
    let backslash = word ^ splat(b'\\');
    let backslash = backslash.wrapping_sub(lo) & !backslash & hi;
    (below_space | quote | backslash) != 0
}

/// What `serde_json` writes after the backslash for `byte`, or 0 when the
/// byte is written as it is.
fn escape_of(byte: u8) -> u8 {
    match byte {
        0x08 => b'b',
        b'\t' => b't',
        b'\n' => b'n',
        0x0C => b'f',
        b'\r' => b'r',
        b'"' => b'"',
        b'\\' => b'\\',
        0x00..=0x1F => b'u',
        _ => 0,
    }
}

/// Append `s` to `out` as a JSON string, quotes included: the same bytes
/// as `serde_json::to_writer(out, s)`.
///
/// ```
/// let mut out = Vec::new();
/// marginalia::formats::json::write_str(&mut out, "say \"hi\"\n\u{1}é");
/// assert_eq!(out, serde_json::to_vec("say \"hi\"\n\u{1}é").unwrap());
/// ```
pub fn write_str(out: &mut Vec<u8>, s: &str) {
    const HEX: &[u8; 16] = b"0123456789abcdef";
    let bytes = s.as_bytes();
    out.reserve(bytes.len() + 2);
    out.push(b'"');
    // `run` is where the bytes not yet copied start.
    let (mut run, mut i) = (0, 0);
    while i < bytes.len() {
        while let Some(word) = bytes.get(i..i + 8) {
            let mut eight = [0u8; 8];
            eight.copy_from_slice(word);
            if needs_escape(u64::from_ne_bytes(eight)) {
                break;
            }
            i += 8;
        }
        // At most eight bytes one by one: the word with the escape, or the tail.
        let stop = (i + 8).min(bytes.len());
        while i < stop {
            let byte = bytes[i];
            let escape = escape_of(byte);
            if escape != 0 {
                out.extend_from_slice(&bytes[run..i]);
                if escape == b'u' {
                    out.extend_from_slice(b"\\u00");
                    out.push(HEX[usize::from(byte >> 4)]);
                    out.push(HEX[usize::from(byte & 0xF)]);
                } else {
                    out.extend_from_slice(&[b'\\', escape]);
                }
                run = i + 1;
            }
            i += 1;
        }
    }
    out.extend_from_slice(&bytes[run..]);
    out.push(b'"');
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn ours(s: &str) -> Vec<u8> {
        let mut out = Vec::new();
        write_str(&mut out, s);
        out
    }

    #[test]
    fn every_byte_that_needs_escaping_is_escaped_as_serde_json_does() {
        for c in (0u8..=0x7F).map(char::from).chain(['é', '\u{2028}', '😀']) {
            // At every position of a word, and alone.
            for at in 0..17 {
                let s: String = "a".repeat(at) + &c.to_string() + "bcdefghijklmnop";
                assert_eq!(ours(&s), serde_json::to_vec(&s).unwrap(), "{s:?}");
            }
            let s = c.to_string();
            assert_eq!(ours(&s), serde_json::to_vec(&s).unwrap(), "{s:?}");
        }
        assert_eq!(ours(""), b"\"\"");
    }

    proptest! {
        #[test]
        fn any_string_is_written_as_serde_json_writes_it(
            s in "(\\PC|[\\x00-\\x1f\"\\\\]|[a-z ]{8,20}){0,60}"
        ) {
            prop_assert_eq!(ours(&s), serde_json::to_vec(&s).unwrap());
        }
    }
}
