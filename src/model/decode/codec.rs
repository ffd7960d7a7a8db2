//! Encodings by name: the bytes→text mappings Marginalia can apply, and the
//! Python codec that reproduces each one.
//!
//! Decoding is done by encoding_rs, which follows the WHATWG Encoding
//! Standard; offsets are checked in Python. The two agree byte for byte on
//! every single-byte encoding except where encoding_rs maps a byte that
//! Python's codec leaves undefined (measured over all 128 high bytes of each
//! table against Python 3.11): those bytes are refused, so whatever Marginalia
//! reads, `open(path, encoding=python_name, newline=None).read()` reads too.
//! Names follow what the mapping *is*, not what was asked for: encoding_rs
//! reads ISO-8859-1 as windows-1252 (as browsers do), so it is recorded as
//! `cp1252`, never `latin-1`, whose bytes 0x80–0x9F are C1 controls.

use encoding_rs::{
    BIG5, EUC_JP, EUC_KR, Encoding, GB18030, GBK, IBM866, ISO_2022_JP, ISO_8859_2, ISO_8859_3,
    ISO_8859_4, ISO_8859_5, ISO_8859_6, ISO_8859_7, ISO_8859_8, ISO_8859_8_I, ISO_8859_10,
    ISO_8859_13, ISO_8859_14, ISO_8859_15, ISO_8859_16, KOI8_R, KOI8_U, MACINTOSH, SHIFT_JIS,
    UTF_8, UTF_16BE, UTF_16LE, WINDOWS_874, WINDOWS_1250, WINDOWS_1251, WINDOWS_1252, WINDOWS_1253,
    WINDOWS_1254, WINDOWS_1255, WINDOWS_1256, WINDOWS_1257, WINDOWS_1258, X_MAC_CYRILLIC,
};

/// A bytes→text mapping that Marginalia applies and Python reproduces.
///
/// ```
/// use marginalia::model::decode::TextEncoding;
/// let e = TextEncoding::from_name("ISO-8859-1").unwrap();
/// assert_eq!(e.python_name(), "cp1252"); // read as browsers read it
/// assert_eq!(TextEncoding::from_name("windows_1250").unwrap().python_name(), "cp1250");
/// assert!(TextEncoding::from_name("klingon").is_err());
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum TextEncoding {
    /// UTF-8. A leading byte order mark is stripped, and the file is then
    /// recorded as `utf-8-sig`.
    Utf8,
    /// UTF-16 whose byte order mark gives the byte order (recorded as
    /// `utf-16`); without one, little-endian (recorded as `utf-16-le`).
    Utf16,
    /// UTF-16 little-endian; a byte order mark stays in the text as U+FEFF,
    /// as with Python's `utf-16-le`.
    Utf16Le,
    /// UTF-16 big-endian, like [`TextEncoding::Utf16Le`].
    Utf16Be,
    /// A legacy encoding, decoded by encoding_rs.
    Legacy(&'static Encoding),
}

/// A name that is no encoding Marginalia can read.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[error(
    "unknown encoding \"{name}\"; give a Python codec name such as utf-8, cp1252, cp1250, cp1254 or iso8859-15"
)]
pub struct UnknownEncodingName {
    /// The name as given.
    pub name: String,
}

/// Python codec names of the legacy encodings, and what each is for (the
/// list the window's Reopen with Encoding menu shows, in this order).
const LEGACY: &[(&Encoding, &str, &str)] = &[
    (
        WINDOWS_1252,
        "cp1252",
        "Western European (Windows, ISO-8859-1)",
    ),
    (ISO_8859_15, "iso8859-15", "Western European (ISO, with €)"),
    (WINDOWS_1250, "cp1250", "Central European (Windows)"),
    (ISO_8859_2, "iso8859-2", "Central European (ISO)"),
    (ISO_8859_16, "iso8859-16", "South-Eastern European (ISO)"),
    (WINDOWS_1254, "cp1254", "Turkish (Windows, ISO-8859-9)"),
    (WINDOWS_1257, "cp1257", "Baltic (Windows)"),
    (ISO_8859_13, "iso8859-13", "Baltic (ISO)"),
    (ISO_8859_4, "iso8859-4", "North European (ISO)"),
    (ISO_8859_10, "iso8859-10", "Nordic (ISO)"),
    (ISO_8859_3, "iso8859-3", "South European (ISO)"),
    (ISO_8859_14, "iso8859-14", "Celtic (ISO)"),
    (MACINTOSH, "mac-roman", "Western European (Mac)"),
    (WINDOWS_1258, "cp1258", "Vietnamese (Windows)"),
    (WINDOWS_1251, "cp1251", "Cyrillic (Windows)"),
    (KOI8_R, "koi8-r", "Cyrillic (KOI8-R)"),
    (KOI8_U, "koi8-u", "Cyrillic (KOI8-U)"),
    (ISO_8859_5, "iso8859-5", "Cyrillic (ISO)"),
    (IBM866, "cp866", "Cyrillic (DOS)"),
    (X_MAC_CYRILLIC, "mac-cyrillic", "Cyrillic (Mac)"),
    (WINDOWS_1253, "cp1253", "Greek (Windows)"),
    (ISO_8859_7, "iso8859-7", "Greek (ISO)"),
    (WINDOWS_1255, "cp1255", "Hebrew (Windows)"),
    (ISO_8859_8, "iso8859-8", "Hebrew (ISO)"),
    (WINDOWS_1256, "cp1256", "Arabic (Windows)"),
    (ISO_8859_6, "iso8859-6", "Arabic (ISO)"),
    (WINDOWS_874, "cp874", "Thai (Windows, TIS-620)"),
    (SHIFT_JIS, "cp932", "Japanese (Shift_JIS)"),
    (EUC_JP, "euc_jp", "Japanese (EUC-JP)"),
    (ISO_2022_JP, "iso2022_jp", "Japanese (ISO-2022-JP)"),
    (EUC_KR, "cp949", "Korean (EUC-KR)"),
    (GB18030, "gb18030", "Chinese, simplified (GBK, GB18030)"),
    (BIG5, "big5hkscs", "Chinese, traditional (Big5)"),
];

/// Python names (and aliases) that are no WHATWG label, after
/// [`normalize`]. WHATWG labels (`windows-1252`, `latin1`, `iso-8859-2`,
/// `shift_jis`, ...) are understood through encoding_rs.
const PYTHON_ALIASES: &[(&str, &Encoding)] = &[
    ("latin-1", WINDOWS_1252),
    ("iso8859-1", WINDOWS_1252),
    ("iso8859-9", WINDOWS_1254),
    ("iso8859-11", WINDOWS_874),
    ("cp874", WINDOWS_874),
    ("cp932", SHIFT_JIS),
    ("ms932", SHIFT_JIS),
    ("cp949", EUC_KR),
    ("euc-jp", EUC_JP),
    ("big5hkscs", BIG5),
    ("cp950", BIG5),
    ("mac-roman", MACINTOSH),
    ("macroman", MACINTOSH),
    ("mac-cyrillic", X_MAC_CYRILLIC),
    ("iso2022-jp", ISO_2022_JP),
];

/// Lower case, `_` as `-`: Python's and WHATWG's spellings then meet.
fn normalize(name: &str) -> String {
    name.trim().to_ascii_lowercase().replace('_', "-")
}

impl TextEncoding {
    /// The encoding a Python codec name or a WHATWG label stands for
    /// (`utf-8`, `cp1252`, `windows-1252`, `iso8859_15`, `latin-1`, ...).
    pub fn from_name(name: &str) -> Result<TextEncoding, UnknownEncodingName> {
        let key = normalize(name);
        let unicode = match key.as_str() {
            "utf-8" | "utf8" | "utf-8-sig" | "utf8-sig" | "u8" => Some(TextEncoding::Utf8),
            "utf-16" | "utf16" => Some(TextEncoding::Utf16),
            "utf-16-le" | "utf-16le" => Some(TextEncoding::Utf16Le),
            "utf-16-be" | "utf-16be" => Some(TextEncoding::Utf16Be),
            _ => None,
        };
        if let Some(e) = unicode {
            return Ok(e);
        }
        let encoding = PYTHON_ALIASES
            .iter()
            .find(|(alias, _)| *alias == key)
            .map(|(_, e)| *e)
            .or_else(|| Encoding::for_label_no_replacement(key.as_bytes()))
            .or_else(|| {
                // Python's "iso8859-16" is WHATWG's "iso-8859-16" (only some
                // parts have both spellings as labels).
                let part = key.strip_prefix("iso8859-")?;
                Encoding::for_label_no_replacement(format!("iso-8859-{part}").as_bytes())
            });
        match encoding {
            Some(e) if e == UTF_8 => Ok(TextEncoding::Utf8),
            Some(e) if e == UTF_16LE => Ok(TextEncoding::Utf16Le),
            Some(e) if e == UTF_16BE => Ok(TextEncoding::Utf16Be),
            Some(e) => TextEncoding::legacy(e).ok_or_else(|| UnknownEncodingName {
                name: name.to_owned(),
            }),
            None => Err(UnknownEncodingName {
                name: name.to_owned(),
            }),
        }
    }

    /// A legacy encoding_rs encoding, if a Python codec reproduces it.
    /// Encodings that decode alike are merged: ISO-8859-8-I is ISO-8859-8
    /// (the -I only says how to lay the text out), and GBK is read by
    /// encoding_rs's GB18030 decoder. x-user-defined has no Python codec.
    pub fn legacy(encoding: &'static Encoding) -> Option<TextEncoding> {
        let e = if encoding == ISO_8859_8_I {
            ISO_8859_8
        } else if encoding == GBK {
            GB18030
        } else {
            encoding
        };
        LEGACY
            .iter()
            .any(|(l, ..)| *l == e)
            .then_some(TextEncoding::Legacy(e))
    }

    /// The Python codec name of this mapping. For [`TextEncoding::Utf8`] and
    /// [`TextEncoding::Utf16`] the name recorded for a file also depends on
    /// its byte order mark (see [`crate::model::decode::decode_as`]).
    pub fn python_name(self) -> &'static str {
        match self {
            TextEncoding::Utf8 => "utf-8",
            TextEncoding::Utf16 => "utf-16",
            TextEncoding::Utf16Le => "utf-16-le",
            TextEncoding::Utf16Be => "utf-16-be",
            TextEncoding::Legacy(e) => LEGACY
                .iter()
                .find(|(l, ..)| *l == e)
                .map_or("unknown", |(_, name, _)| name),
        }
    }

    /// What the encoding is for, in a few words ("Central European (Windows)").
    pub fn description(self) -> &'static str {
        match self {
            TextEncoding::Utf8 => "Unicode (UTF-8)",
            TextEncoding::Utf16 | TextEncoding::Utf16Le | TextEncoding::Utf16Be => {
                "Unicode (UTF-16)"
            }
            TextEncoding::Legacy(e) => LEGACY
                .iter()
                .find(|(l, ..)| *l == e)
                .map_or("", |(.., what)| what),
        }
    }

    /// Every encoding offered for reopening, in menu order: UTF-8, UTF-16,
    /// then the legacy ones grouped by script.
    pub fn all() -> Vec<TextEncoding> {
        [TextEncoding::Utf8, TextEncoding::Utf16]
            .into_iter()
            .chain(LEGACY.iter().map(|(e, ..)| TextEncoding::Legacy(e)))
            .collect()
    }

    /// True when `byte`, read on its own by this single-byte encoding, gives
    /// a character Python's codec does not: the bytes a windows code page
    /// leaves undefined (encoding_rs maps them to C1 controls, Python
    /// refuses them), windows-1255's 0xCA, and KOI8-U's 0xAE and 0xBE
    /// (encoding_rs reads KOI8-RU there). Only meaningful for single-byte
    /// encodings; `c` is what encoding_rs made of the byte.
    pub(super) fn python_differs(self, byte: u8, c: char) -> bool {
        let TextEncoding::Legacy(e) = self else {
            return false;
        };
        let windows = e.name().starts_with("windows-");
        (windows && ('\u{80}'..='\u{9f}').contains(&c))
            || (e == WINDOWS_1255 && byte == 0xCA)
            || (e == KOI8_U && matches!(byte, 0xAE | 0xBE))
    }
}

impl std::fmt::Display for TextEncoding {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.python_name())
    }
}

impl std::str::FromStr for TextEncoding {
    type Err = UnknownEncodingName;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        TextEncoding::from_name(s)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn python_and_whatwg_names_are_understood() {
        for (name, python) in [
            ("utf-8", "utf-8"),
            ("UTF8", "utf-8"),
            ("utf-8-sig", "utf-8"),
            ("utf_16", "utf-16"),
            ("utf-16-le", "utf-16-le"),
            ("UTF-16BE", "utf-16-be"),
            ("cp1252", "cp1252"),
            ("windows-1252", "cp1252"),
            ("latin-1", "cp1252"),
            ("latin1", "cp1252"),
            ("ISO-8859-1", "cp1252"),
            ("iso8859_1", "cp1252"),
            ("iso8859-9", "cp1254"),
            ("ISO-8859-9", "cp1254"),
            ("cp1250", "cp1250"),
            ("iso8859_2", "iso8859-2"),
            ("iso-8859-15", "iso8859-15"),
            ("iso-8859-8-i", "iso8859-8"),
            ("mac_roman", "mac-roman"),
            ("macintosh", "mac-roman"),
            ("shift_jis", "cp932"),
            ("cp932", "cp932"),
            ("euc_kr", "cp949"),
            ("gbk", "gb18030"),
            ("big5", "big5hkscs"),
            ("koi8_u", "koi8-u"),
            ("tis-620", "cp874"),
        ] {
            let e = TextEncoding::from_name(name).unwrap_or_else(|e| panic!("{e}"));
            assert_eq!(e.python_name(), python, "{name}");
            // The recorded name reads back as the same mapping.
            assert_eq!(TextEncoding::from_name(python).unwrap(), e, "{python}");
        }
    }

    #[test]
    fn unknown_and_unreproducible_names_are_refused() {
        for name in [
            "",
            "klingon",
            "x-user-defined",
            "replacement",
            "iso-2022-kr",
        ] {
            assert!(TextEncoding::from_name(name).is_err(), "{name}");
        }
    }

    #[test]
    fn every_menu_entry_round_trips_through_its_python_name() {
        let all = TextEncoding::all();
        assert!(all.len() > 30);
        for e in all {
            assert_eq!(TextEncoding::from_name(e.python_name()).unwrap(), e);
            assert!(!e.description().is_empty(), "{e}");
        }
    }

    #[test]
    fn bytes_python_reads_differently_are_the_measured_ones() {
        // Measured against Python 3.11 over bytes 0x80..=0xFF of every table.
        let differs = |e: &'static Encoding| -> Vec<u8> {
            (0x80u8..=0xFF)
                .filter(|&b| {
                    let arr = [b];
                    let (text, _) = e.decode_without_bom_handling(&arr);
                    let c = text.chars().next().unwrap_or('\u{fffd}');
                    TextEncoding::Legacy(e).python_differs(b, c)
                })
                .collect()
        };
        assert_eq!(differs(WINDOWS_1252), [0x81, 0x8D, 0x8F, 0x90, 0x9D]);
        assert_eq!(differs(WINDOWS_1250), [0x81, 0x83, 0x88, 0x90, 0x98]);
        assert_eq!(
            differs(WINDOWS_1254),
            [0x81, 0x8D, 0x8E, 0x8F, 0x90, 0x9D, 0x9E]
        );
        assert_eq!(differs(WINDOWS_1251), [0x98]);
        assert_eq!(differs(WINDOWS_1256), [] as [u8; 0]);
        assert_eq!(differs(WINDOWS_1255).last(), Some(&0xCA));
        assert_eq!(differs(KOI8_U), [0xAE, 0xBE]);
        for iso in [ISO_8859_2, ISO_8859_15, ISO_8859_16, MACINTOSH, KOI8_R] {
            assert_eq!(differs(iso), [] as [u8; 0], "{}", iso.name());
        }
    }
}
