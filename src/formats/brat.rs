//! brat standoff: `X.txt` plus `X.ann` with `T` (text-bound), `#`
//! (AnnotatorNotes) and `R` (relation) lines.
//!
//! brat's offsets count code points of `X.txt` as brat's Python server reads
//! it: strict UTF-8 through `codecs.open`, which opens the file in binary
//! mode, so a BOM is a character and `\r\n` is two. Marginalia's article text
//! has neither, so [`OffsetMap`] converts raw brat offsets to article offsets;
//! files written by [`export_ann`] sit on an LF, BOM-less text where the two
//! agree. A discontinuous span `0 5;9 12` is a list of fragments; the text
//! column joins their texts with a space (brat's `DISCONT_SEP`).

use crate::formats::{ExportDoc, type_name};
use std::collections::HashMap;

/// A `T` line.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct BratEntity {
    /// `T1`.
    pub id: String,
    /// The type (`Person`, `Claim`, ...).
    pub kind: String,
    /// `(start, end)` fragments in raw brat offsets.
    pub fragments: Vec<(usize, usize)>,
    /// The text column.
    pub text: String,
    /// 1-based line in the `.ann` file.
    pub line: usize,
}

/// An `AnnotatorNotes` line.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct BratNote {
    /// The annotation it is about (`T1`).
    pub target: String,
    /// The note.
    pub text: String,
    /// 1-based line.
    pub line: usize,
}

/// An `R` line: `R1\tSpeaker Arg1:T3 Arg2:T1`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct BratRelation {
    /// The relation type (`Speaker`).
    pub kind: String,
    /// `Arg1`'s id.
    pub arg1: String,
    /// `Arg2`'s id.
    pub arg2: String,
    /// 1-based line.
    pub line: usize,
}

/// A parsed `.ann` file.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct BratAnn {
    /// `T` lines, in file order.
    pub entities: Vec<BratEntity>,
    /// `#` AnnotatorNotes lines.
    pub notes: Vec<BratNote>,
    /// `R` lines.
    pub relations: Vec<BratRelation>,
    /// Lines that could not be read or are not supported: `(line, reason)`.
    pub problems: Vec<(usize, String)>,
}

/// Parse a `.ann` file. Bad lines go to [`BratAnn::problems`]; nothing panics.
///
/// ```
/// let ann = marginalia::formats::brat::parse_ann("T1\tPerson 0 6;10 12\tDehqan Ha\n");
/// assert_eq!(ann.entities[0].fragments, vec![(0, 6), (10, 12)]);
/// ```
pub fn parse_ann(text: &str) -> BratAnn {
    let mut out = BratAnn::default();
    for (i, raw_line) in text.lines().enumerate() {
        let line = i + 1;
        let l = raw_line.strip_suffix('\r').unwrap_or(raw_line);
        if l.trim().is_empty() {
            continue;
        }
        let mut cols = l.splitn(3, '\t');
        let id = cols.next().unwrap_or_default();
        let body = cols.next().unwrap_or_default();
        let tail = cols.next();
        let result = match id.chars().next() {
            Some('T') => parse_t(id, body, tail, line).map(|e| out.entities.push(e)),
            Some('#') => parse_note(body, tail, line).map(|n| {
                if let Some(n) = n {
                    out.notes.push(n);
                }
            }),
            Some('R') => parse_r(body, line).map(|r| out.relations.push(r)),
            _ => Err(format!(
                "{id:?} lines are not supported (only T, R and AnnotatorNotes)"
            )),
        };
        if let Err(reason) = result {
            out.problems.push((line, reason));
        }
    }
    out
}

fn parse_t(id: &str, body: &str, tail: Option<&str>, line: usize) -> Result<BratEntity, String> {
    let (kind, offsets) = body
        .split_once(' ')
        .ok_or_else(|| format!("{id}: expected \"TYPE START END\""))?;
    let mut fragments = Vec::new();
    for frag in offsets.split(';') {
        let mut nums = frag.split_whitespace().map(str::parse::<usize>);
        let (Some(Ok(start)), Some(Ok(end)), None) = (nums.next(), nums.next(), nums.next()) else {
            return Err(format!("{id}: bad offsets {frag:?}"));
        };
        fragments.push((start, end));
    }
    Ok(BratEntity {
        id: id.to_owned(),
        kind: kind.to_owned(),
        fragments,
        text: tail.unwrap_or_default().to_owned(),
        line,
    })
}

fn parse_note(body: &str, tail: Option<&str>, line: usize) -> Result<Option<BratNote>, String> {
    let mut words = body.split_whitespace();
    match (words.next(), words.next()) {
        (Some("AnnotatorNotes"), Some(target)) => Ok(Some(BratNote {
            target: target.to_owned(),
            text: tail.unwrap_or_default().to_owned(),
            line,
        })),
        (Some(other), _) => Err(format!("# {other} lines are not supported")),
        _ => Err("empty # line".into()),
    }
}

fn parse_r(body: &str, line: usize) -> Result<BratRelation, String> {
    let mut words = body.split_whitespace();
    let kind = words.next().ok_or("empty relation")?;
    let mut arg = |name: &str| -> Result<String, String> {
        words
            .next()
            .and_then(|w| w.strip_prefix(name)?.strip_prefix(':'))
            .map(str::to_owned)
            .ok_or_else(|| format!("relation {kind}: expected {name}:ID"))
    };
    let arg1 = arg("Arg1")?;
    let arg2 = arg("Arg2")?;
    Ok(BratRelation {
        kind: kind.to_owned(),
        arg1,
        arg2,
        line,
    })
}

/// Converts brat's raw offsets (code points of the file with BOM and `\r`)
/// to article offsets (BOM stripped, `\r\n` and `\r` turned into `\n`).
#[derive(Clone, Debug)]
pub struct OffsetMap {
    /// Article offset of each raw offset (length raw + 1); `None` when they agree.
    map: Option<Vec<usize>>,
    raw_len: usize,
}

impl OffsetMap {
    /// Build the map for the raw `.txt` content.
    ///
    /// ```
    /// use marginalia::formats::brat::OffsetMap;
    /// let m = OffsetMap::new("\u{feff}a\r\nb");
    /// assert_eq!((m.to_article(1), m.to_article(4), m.to_article(5)), (Some(0), Some(2), Some(3)));
    /// ```
    pub fn new(raw: &str) -> Self {
        let raw_len = raw.chars().count();
        if !raw.starts_with('\u{feff}') && !raw.contains('\r') {
            return OffsetMap { map: None, raw_len };
        }
        let mut map = Vec::with_capacity(raw_len + 1);
        let mut article = 0usize;
        let mut chars = raw.chars().enumerate().peekable();
        while let Some((i, c)) = chars.next() {
            map.push(article);
            let is_bom = i == 0 && c == '\u{feff}';
            let is_cr_of_crlf = c == '\r' && chars.peek().is_some_and(|&(_, n)| n == '\n');
            if !is_bom && !is_cr_of_crlf {
                article += 1;
            }
        }
        map.push(article);
        OffsetMap {
            map: Some(map),
            raw_len,
        }
    }

    /// The article offset of a raw offset; `None` past the end.
    pub fn to_article(&self, raw: usize) -> Option<usize> {
        match &self.map {
            None => (raw <= self.raw_len).then_some(raw),
            Some(m) => m.get(raw).copied(),
        }
    }
}

/// True when two texts are equal once every run of whitespace is one space.
/// brat's text column cannot hold a line break, so it is compared this way.
pub fn same_text_modulo_whitespace(a: &str, b: &str) -> bool {
    a.split_whitespace().eq(b.split_whitespace())
}

/// The `.ann` content for an article: one `T` line per annotation (type =
/// kind, else `Entity`/`Claim`/`Quote`), `#` AnnotatorNotes for notes, and an
/// `R` line per link whose target is exported (`speaker` → `Speaker`).
pub fn export_ann(doc: &ExportDoc<'_>) -> String {
    let mut out = String::new();
    let mut t_of: HashMap<&str, usize> = HashMap::new();
    for (i, a) in doc.annotations.iter().enumerate() {
        t_of.insert(&a.id.0, i + 1);
        out.push_str(&format!(
            "T{}\t{} {} {}\t{}\n",
            i + 1,
            one_line(type_name(a)),
            a.start,
            a.end,
            one_line(&a.quote)
        ));
    }
    let mut note_n = 0;
    for (i, a) in doc.annotations.iter().enumerate() {
        if let Some(note) = &a.note {
            note_n += 1;
            out.push_str(&format!(
                "#{note_n}\tAnnotatorNotes T{}\t{}\n",
                i + 1,
                one_line(note)
            ));
        }
    }
    let mut rel_n = 0;
    for (i, a) in doc.annotations.iter().enumerate() {
        for link in &a.links {
            let Some(target) = t_of.get(link.target.0.as_str()) else {
                continue;
            };
            rel_n += 1;
            out.push_str(&format!(
                "R{rel_n}\t{} Arg1:T{} Arg2:T{target}\n",
                relation_type(&link.role),
                i + 1
            ));
        }
    }
    out
}

/// `speaker` → `Speaker`, as brat relation types are conventionally written.
fn relation_type(role: &str) -> String {
    let role = one_line(role).replace(' ', "_");
    let mut chars = role.chars();
    match chars.next() {
        Some(first) => first.to_uppercase().chain(chars).collect(),
        None => "Link".into(),
    }
}

/// Tabs and line breaks would break the line format: they become spaces.
fn one_line(s: &str) -> String {
    s.chars()
        .map(|c| {
            if matches!(c, '\t' | '\n' | '\r') {
                ' '
            } else {
                c
            }
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lines_of_every_kind_parse_and_bad_ones_are_reported() {
        let ann = parse_ann(
            "T1\tPerson 0 6\tDehqan\nT2\tQuote 10 20;25 30\tx y\n#1\tAnnotatorNotes T1\tminister\n\
             R1\tSpeaker Arg1:T2 Arg2:T1\nE1\tAttack:T1\nT3\tPerson x y\tz\n",
        );
        assert_eq!(ann.entities.len(), 2);
        assert_eq!(ann.notes[0].target, "T1");
        assert_eq!(ann.relations[0].arg1, "T2");
        assert_eq!(
            ann.problems.iter().map(|p| p.0).collect::<Vec<_>>(),
            vec![5, 6]
        );
    }

    #[test]
    fn offset_map_without_bom_or_cr_is_identity() {
        let m = OffsetMap::new("abc");
        assert_eq!((m.to_article(3), m.to_article(4)), (Some(3), None));
        let m = OffsetMap::new("a\rb");
        assert_eq!(m.to_article(2), Some(2), "a lone CR is one char, like LF");
    }
}
