//! A fast reader for the annotation blocks Marginalia itself writes.
//!
//! `ron` goes through serde's generic machinery for every field; this reader
//! knows the one shape an [`Annotation`] takes in our own output (see
//! `sidecar::to_string`) and reads it straight into the struct, several
//! times faster. It is deliberately narrow: it accepts a strict *subset* of
//! what `ron` accepts, and whenever it meets anything else — a comment, a
//! raw string, a number in another base, an unknown field or escape, a
//! merge conflict, a field twice — it returns `None` and the caller hands
//! that block to `ron`. Invariant: whenever it returns an annotation, `ron`
//! returns the same one for the same text (checked by a proptest over
//! generated sidecars, by every sidecar in the tests, and by the
//! `sidecar_parse` fuzz target).
//!
//! Whitespace between tokens is any of space, tab, `\n` and `\r` (all of
//! which `ron` skips too); fields may come in any order, each at most once,
//! with an optional trailing comma, as serde allows.

use crate::model::annotation::{
    AnchorState, Annotation, AnnotationId, EventInfo, Label, Link, Normalization, Origin,
    ReviewEvent, Status,
};
use crate::model::document::Article;
use crate::model::offset::{CharOffset, CharRange};
use crate::model::quote::Quote;
use crate::store::sidecar::{ArticleInfo, Sidecar};
use chrono::{DateTime, FixedOffset, Utc};
use std::collections::BTreeMap;

/// Read one annotation (`( ... )`) at the start of `text` (leading
/// whitespace allowed). Returns it and the rest of `text` after it, or
/// `None` when the text is not in the subset this reader knows.
pub fn annotation(text: &str) -> Option<(Annotation, &str)> {
    let mut r = Reader::new(text, None);
    let a = r.annotation()?;
    Some((a, r.rest))
}

/// [`annotation`], holding its quote as a range of `quotes`' article when
/// it is the article's text at the annotation's offsets (no string is made
/// for it then), and giving where the quote's text sits in `text` (between
/// the double quotes) when it is held so.
pub fn annotation_in<'t>(
    text: &'t str,
    quotes: &ArticleQuotes,
) -> Option<(Annotation, &'t str, Option<std::ops::Range<usize>>)> {
    let mut r = Reader::new(text, Some(quotes));
    let a = r.annotation()?;
    let base = text.as_ptr() as usize;
    let span = r.quote_span.take().map(|(from, to)| from - base..to - base);
    let used = r.rest.as_ptr() as usize - base;
    Some((a, &text[used..], span))
}

/// An article that quotes are compared with, and where in its text are the
/// chars ron writes escaped: a quote of plain text is then checked with one
/// comparison of bytes against the article, and the chars between escapes
/// need no decoding (80 MB of long quotes took most of a big sidecar's read).
pub struct ArticleQuotes<'a> {
    article: &'a Article,
    /// Byte offsets in the article's text of every char that is not
    /// [`is_plain`], in order; `None` for a text of 4 GiB or more.
    escaped: Option<Vec<u32>>,
}

impl<'a> ArticleQuotes<'a> {
    /// Find the chars of `article` that ron escapes.
    pub fn new(article: &'a Article) -> ArticleQuotes<'a> {
        let text = article.text();
        let escaped = u32::try_from(text.len()).ok().map(|_| {
            let bytes = text.as_bytes();
            let mut escaped = Vec::new();
            let mut i = 0;
            while let Some(&b) = bytes.get(i) {
                if b.is_ascii() {
                    if !matches!(b, b' '..=b'~') || matches!(b, b'"' | b'\\' | b'\'') {
                        escaped.push(i as u32);
                    }
                    i += 1;
                } else {
                    let Some(c) = text.get(i..).and_then(|t| t.chars().next()) else {
                        break;
                    };
                    if !is_plain(c) {
                        escaped.push(i as u32);
                    }
                    i += c.len_utf8();
                }
            }
            escaped
        });
        ArticleQuotes { article, escaped }
    }

    /// The article.
    pub fn article(&self) -> &'a Article {
        self.article
    }

    /// When the string body `body` (after its opening double quote) is the
    /// article's `bytes` written exactly as ron writes them: where its
    /// closing double quote is. `None` says nothing more ([`escaped_equals`]
    /// decides then).
    fn written_as_ron(&self, body: &str, bytes: std::ops::Range<usize>) -> Option<usize> {
        let (escaped, text) = (self.escaped.as_deref()?, self.article.text());
        let expected = text.get(bytes.clone())?.as_bytes();
        let body = body.as_bytes();
        let first = escaped.partition_point(|&at| (at as usize) < bytes.start);
        let (mut i, mut j) = (0, bytes.start);
        let mut scalar = [0u8; 4];
        for &at in &escaped[first..] {
            let at = at as usize;
            if at >= bytes.end {
                break;
            }
            // The plain run before the escaped char, then the char's escape.
            let run = at - j;
            if body.get(i..i + run)? != &expected[j - bytes.start..at - bytes.start] {
                return None;
            }
            i += run;
            let c = text.get(at..)?.chars().next()?;
            let mut escape = c.escape_debug();
            if escape.len() == 1 {
                return None;
            }
            for e in &mut escape {
                let e = e.encode_utf8(&mut scalar).as_bytes();
                if body.get(i..i + e.len())? != e {
                    return None;
                }
                i += e.len();
            }
            j = at + c.len_utf8();
        }
        let run = bytes.end - j;
        if body.get(i..i + run)? != &expected[j - bytes.start..] {
            return None;
        }
        i += run;
        (body.get(i) == Some(&b'"')).then_some(i)
    }
}

/// Read a sequence of annotation blocks as `sidecar::to_string` writes them
/// inside `annotations: [ ... ]`, each followed by a comma, into `out`,
/// until the end of `text` (whitespace allowed). At the first block this
/// reader does not know, the text from that block on is returned.
pub fn annotation_list<'t>(text: &'t str, out: &mut Vec<Annotation>) -> Result<(), &'t str> {
    let mut r = Reader::new(text, None);
    loop {
        r.ws();
        let at = r.rest;
        if at.is_empty() {
            return Ok(());
        }
        match r.annotation() {
            Some(a) if r.punct(b',') => out.push(a),
            _ => return Err(at),
        }
    }
}

/// Read a whole sidecar whose annotation list is empty, as `sidecar::parse`
/// gives its head (`( version, article: (..), note, suggested,
/// annotations: [], )`): a corpus command read each of 10,000 small
/// sidecars' heads with `ron` in 4 % of its time. `None` for anything else.
pub fn head(text: &str) -> Option<Sidecar> {
    let mut r = Reader::new(text, None);
    let (mut version, mut article, mut note, mut suggested, mut annotations) =
        (None, None, None, None, None);
    r.fields(|r, name| match name {
        "version" => set(&mut version, r.number().and_then(|n| u32::try_from(n).ok())),
        "article" => set(&mut article, r.article_info()),
        "note" => set(&mut note, r.some_string()),
        "suggested" => set(&mut suggested, r.list(Reader::string)),
        // Only the empty list: the blocks are read apart.
        "annotations" => set(&mut annotations, r.list(|_| None::<Annotation>)),
        _ => None,
    })?;
    r.ws();
    if !r.rest.is_empty() {
        return None;
    }
    Some(Sidecar {
        version: version?,
        article: article?,
        note: note.flatten(),
        suggested: suggested.unwrap_or_default(),
        annotations: annotations.unwrap_or_default(),
    })
}

/// The first `"` or `\\` in `text`.
fn quote_or_escape(text: &str) -> Option<usize> {
    let bytes = text.as_bytes();
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'"' || bytes[i] == b'\\' {
            return Some(i);
        }
        i += 1;
    }
    None
}

/// The char an escape stands for and the bytes it takes, `after` being the
/// text right after its backslash; `None` for an escape this reader does
/// not know.
fn escape(after: &str) -> Option<(char, usize)> {
    Some(match after.as_bytes().first()? {
        b'"' => ('"', 1),
        b'\'' => ('\'', 1),
        b'\\' => ('\\', 1),
        b'n' => ('\n', 1),
        b'r' => ('\r', 1),
        b't' => ('\t', 1),
        b'0' => ('\0', 1),
        b'u' => {
            let hex = after.strip_prefix("u{")?;
            let digits = hex.find('}')?;
            if digits == 0
                || digits > 6
                || !hex.as_bytes()[..digits].iter().all(u8::is_ascii_hexdigit)
            {
                return None;
            }
            let code = u32::from_str_radix(&hex[..digits], 16).ok()?;
            (char::from_u32(code)?, digits + 3)
        }
        _ => return None,
    })
}

/// True when ron writes `c` in a string as it is, not escaped (its
/// serializer puts every char through `char::escape_debug`). Most text is
/// decided here without asking `escape_debug`, which is slow enough to
/// matter on 80 MB of quotes.
pub(super) fn is_plain(c: char) -> bool {
    match c {
        '"' | '\'' | '\\' => false,
        ' '..='~' => true,
        '\0'..='\u{a0}' | '\u{ad}' => false,
        '\u{a1}'..='\u{2ff}' | '\u{2010}'..='\u{2027}' | '\u{2030}'..='\u{205e}' => true,
        _ => c.escape_debug().len() == 1,
    }
}

/// When the string body `body` (after its opening double quote) reads as
/// `expected`: where its closing double quote is, and whether it is written
/// exactly as ron writes `expected`. Nothing is allocated.
pub(super) fn escaped_equals(body: &str, expected: &str) -> Option<(usize, bool)> {
    let (b, e) = (body.as_bytes(), expected.as_bytes());
    let (mut i, mut j) = (0, 0);
    let mut canonical = true;
    loop {
        let run = i + quote_or_escape(&body[i..])?;
        if e.get(j..j + run - i) != Some(&b[i..run]) {
            return None;
        }
        canonical = canonical && body[i..run].chars().all(is_plain);
        j += run - i;
        i = run;
        if b[i] == b'"' {
            return (j == e.len()).then_some((i, canonical));
        }
        let (c, used) = escape(&body[i + 1..])?;
        let mut scalar = [0u8; 4];
        let c_bytes = c.encode_utf8(&mut scalar).as_bytes();
        if e.get(j..j + c_bytes.len()) != Some(c_bytes) {
            return None;
        }
        canonical = canonical && c.escape_debug().eq(body[i..i + 1 + used].chars());
        j += c_bytes.len();
        i += 1 + used;
    }
}

struct Reader<'a> {
    rest: &'a str,
    /// The article quotes are shared with, when reading with one.
    quotes: Option<&'a ArticleQuotes<'a>>,
    /// Addresses of the shared quote's text (between its double quotes).
    quote_span: Option<(usize, usize)>,
}

/// The fields of an [`Annotation`] as read so far.
#[derive(Default)]
struct Fields {
    id: Option<AnnotationId>,
    label: Option<Label>,
    start: Option<CharOffset>,
    end: Option<CharOffset>,
    quote: Option<Quote>,
    prefix: Option<String>,
    suffix: Option<String>,
    kind: Option<Option<String>>,
    note: Option<Option<String>>,
    author: Option<String>,
    created: Option<DateTime<Utc>>,
    modified: Option<DateTime<Utc>>,
    modified_by: Option<Option<String>>,
    status: Option<Status>,
    origin: Option<Origin>,
    links: Option<Vec<Link>>,
    attrs: Option<BTreeMap<String, String>>,
    events: Option<Vec<EventInfo>>,
    norms: Option<Vec<Normalization>>,
    reviews: Option<Vec<ReviewEvent>>,
    anchor: Option<AnchorState>,
    original_quote: Option<Option<String>>,
}

/// Store `value` in `slot` unless it was set already (serde refuses a
/// field given twice, so this reader does not decide it).
fn set<T>(slot: &mut Option<T>, value: Option<T>) -> Option<()> {
    if slot.is_some() {
        return None;
    }
    *slot = Some(value?);
    Some(())
}

impl<'a> Reader<'a> {
    fn new(rest: &'a str, quotes: Option<&'a ArticleQuotes<'a>>) -> Reader<'a> {
        Reader {
            rest,
            quotes,
            quote_span: None,
        }
    }

    /// The quote of an annotation whose offsets are `start`..`end` (when
    /// read before it, as we write them): held as a range of the article
    /// when it is the article's text there, compared where it stands with
    /// no string made. `quote_span` is set only when the quote is also
    /// written exactly as ron writes it (so it can be left out of the text
    /// kept for saving and written back the same).
    fn quote(&mut self, start: Option<CharOffset>, end: Option<CharOffset>) -> Option<Quote> {
        self.ws();
        let (Some(quotes), Some(start), Some(end)) = (self.quotes, start, end) else {
            return self.string().map(Quote::from);
        };
        let article = quotes.article;
        let range = CharRange::new(start, end);
        let bytes = if start <= end {
            article.byte_range(range)
        } else {
            None
        };
        let Some((bytes, expected)) = bytes.and_then(|b| Some((b.clone(), article.text().get(b)?)))
        else {
            return self.string().map(Quote::from);
        };
        let body = self.rest.strip_prefix('"')?;
        let read = match quotes.written_as_ron(body, bytes.clone()) {
            Some(stop) => Some((stop, true)),
            None => escaped_equals(body, expected),
        };
        match read {
            Some((stop, canonical)) => {
                self.rest = &body[stop + 1..];
                let from = body.as_ptr() as usize;
                if canonical {
                    self.quote_span = Some((from, from + stop));
                }
                Some(Quote::in_article_bytes(article, bytes))
            }
            None => self.string().map(Quote::from),
        }
    }

    // Plain byte loops below rather than `str` patterns: the patterns are
    // several times slower in unoptimized (test) builds.
    fn ws(&mut self) {
        let bytes = self.rest.as_bytes();
        let mut n = 0;
        while n < bytes.len() && matches!(bytes[n], b' ' | b'\n' | b'\t' | b'\r') {
            n += 1;
        }
        self.rest = &self.rest[n..];
    }

    /// Skip whitespace, then consume `c` if it comes next.
    fn punct(&mut self, c: u8) -> bool {
        self.ws();
        match self.rest.as_bytes().first() {
            Some(&b) if b == c => {
                self.rest = &self.rest[1..];
                true
            }
            _ => false,
        }
    }

    fn expect(&mut self, c: u8) -> Option<()> {
        self.punct(c).then_some(())
    }

    /// An ASCII identifier. It must not run on into a character `ron`
    /// would take as part of it, so the byte after it must be one of
    /// `follow` (a field name is followed by `:` at once, `Some` and
    /// `Imported` by `(`, a unit variant by a separator).
    fn ident(&mut self, follow: &[u8]) -> Option<&'a str> {
        self.ws();
        let bytes = self.rest.as_bytes();
        let mut len = 0;
        while len < bytes.len() && (bytes[len].is_ascii_alphanumeric() || bytes[len] == b'_') {
            len += 1;
        }
        if len == bytes.len()
            || len == 0
            || bytes[0].is_ascii_digit()
            || !follow.contains(&bytes[len])
        {
            return None;
        }
        let (word, rest) = self.rest.split_at(len);
        self.rest = rest;
        Some(word)
    }

    /// A unit enum variant (`Claim`, `accepted`, ...).
    fn variant(&mut self) -> Option<&'a str> {
        self.ident(b" \n\t\r,)")
    }

    /// A plain decimal number (no sign, base prefix, underscore or leading
    /// zero), at most 18 digits so it cannot overflow.
    fn number(&mut self) -> Option<usize> {
        self.ws();
        let bytes = self.rest.as_bytes();
        let mut len = 0;
        while len < bytes.len() && bytes[len].is_ascii_digit() {
            len += 1;
        }
        if len == 0 || len > 18 || (len > 1 && bytes[0] == b'0') {
            return None;
        }
        if let Some(&next) = bytes.get(len)
            && !matches!(next, b' ' | b'\n' | b'\t' | b'\r' | b',' | b')')
        {
            return None;
        }
        let (digits, rest) = self.rest.split_at(len);
        self.rest = rest;
        digits.parse().ok()
    }

    /// A `"…"` string with the escapes Rust's `escape_debug` writes.
    fn string(&mut self) -> Option<String> {
        self.ws();
        let body = self.rest.strip_prefix('"')?;
        let stop = quote_or_escape(body)?;
        if body.as_bytes()[stop] == b'"' {
            self.rest = &body[stop + 1..];
            return Some(body[..stop].to_owned());
        }
        let mut out = String::with_capacity(stop + 16);
        let mut rest = body;
        let mut stop = stop;
        loop {
            out.push_str(&rest[..stop]);
            if rest.as_bytes()[stop] == b'"' {
                self.rest = &rest[stop + 1..];
                return Some(out);
            }
            // An escape.
            let after = &rest[stop + 1..];
            let (c, used) = escape(after)?;
            out.push(c);
            rest = &after[used..];
            stop = quote_or_escape(rest)?;
        }
    }

    fn some_string(&mut self) -> Option<Option<String>> {
        match self.ident(b"(, \n\t\r)")? {
            "None" if !self.rest.starts_with('(') => Some(None),
            "Some" if self.rest.starts_with('(') => {
                self.expect(b'(')?;
                let s = self.string()?;
                self.expect(b')')?;
                Some(Some(s))
            }
            _ => None,
        }
    }

    fn some_number(&mut self) -> Option<Option<usize>> {
        match self.ident(b"(, \n\t\r)")? {
            "None" if !self.rest.starts_with('(') => Some(None),
            "Some" if self.rest.starts_with('(') => {
                self.expect(b'(')?;
                let n = self.number()?;
                self.expect(b')')?;
                Some(Some(n))
            }
            _ => None,
        }
    }

    fn time(&mut self) -> Option<DateTime<Utc>> {
        let s = self.string()?;
        utc_time(&s).or_else(|| {
            // What chrono's serde visitor does with the string.
            let t: DateTime<FixedOffset> = s.parse().ok()?;
            Some(t.with_timezone(&Utc))
        })
    }

    fn label(&mut self) -> Option<Label> {
        match self.variant()? {
            "Entity" => Some(Label::Entity),
            "Claim" => Some(Label::Claim),
            "Quote" => Some(Label::Quote),
            _ => None,
        }
    }

    fn status(&mut self) -> Option<Status> {
        match self.variant()? {
            "unreviewed" => Some(Status::Unreviewed),
            "accepted" => Some(Status::Accepted),
            "rejected" => Some(Status::Rejected),
            _ => None,
        }
    }

    fn anchor(&mut self) -> Option<AnchorState> {
        match self.variant()? {
            "Exact" => Some(AnchorState::Exact),
            "Moved" => Some(AnchorState::Moved),
            "Fuzzy" => Some(AnchorState::Fuzzy),
            "Orphaned" => Some(AnchorState::Orphaned),
            _ => None,
        }
    }

    fn origin(&mut self) -> Option<Origin> {
        match self.ident(b"(, \n\t\r)")? {
            "Manual" if !self.rest.starts_with('(') => Some(Origin::Manual),
            "Imported" if self.rest.starts_with('(') => {
                let (mut source, mut format) = (None, None);
                self.fields(|r, name| match name {
                    "source" => set(&mut source, r.string()),
                    "format" => set(&mut format, r.string()),
                    _ => None,
                })?;
                Some(Origin::Imported {
                    source: source?,
                    format: format?,
                })
            }
            _ => None,
        }
    }

    /// `( name: value, ... )` with an optional trailing comma; `field`
    /// reads each value.
    fn fields(&mut self, mut field: impl FnMut(&mut Self, &str) -> Option<()>) -> Option<()> {
        self.expect(b'(')?;
        loop {
            if self.punct(b')') {
                return Some(());
            }
            let name = self.ident(b":")?;
            self.expect(b':')?;
            field(self, name)?;
            if !self.punct(b',') {
                return self.expect(b')');
            }
        }
    }

    /// `[ item, ... ]` with an optional trailing comma.
    fn list<T>(&mut self, mut item: impl FnMut(&mut Self) -> Option<T>) -> Option<Vec<T>> {
        self.expect(b'[')?;
        let mut out = Vec::new();
        loop {
            if self.punct(b']') {
                return Some(out);
            }
            out.push(item(self)?);
            if !self.punct(b',') {
                self.expect(b']')?;
                return Some(out);
            }
        }
    }

    fn link(&mut self) -> Option<Link> {
        let (mut role, mut target, mut input_role, mut from_role) = (None, None, None, None);
        let (mut event, mut relation, mut attrs, mut note) = (None, None, None, None);
        let mut position = None;
        self.fields(|r, name| match name {
            "role" => set(&mut role, r.string()),
            "target" => set(&mut target, r.string().map(AnnotationId)),
            "input_role" => set(&mut input_role, r.some_string()),
            "from_role" => set(&mut from_role, r.some_string()),
            "event" => set(&mut event, r.some_string()),
            "relation" => set(&mut relation, r.some_string()),
            "attrs" => set(&mut attrs, r.attrs()),
            "note" => set(&mut note, r.some_string()),
            "position" => set(&mut position, r.some_number()),
            _ => None,
        })?;
        Some(Link {
            role: role?,
            target: target?,
            input_role: input_role.flatten(),
            from_role: from_role.flatten(),
            event: event.flatten(),
            relation: relation.flatten(),
            attrs: attrs.unwrap_or_default(),
            note: note.flatten(),
            position: position.flatten(),
        })
    }

    fn event(&mut self) -> Option<EventInfo> {
        let (mut id, mut kind, mut attrs, mut note) = (None, None, None, None);
        self.fields(|r, name| match name {
            "id" => set(&mut id, r.string()),
            "kind" => set(&mut kind, r.string()),
            "attrs" => set(&mut attrs, r.attrs()),
            "note" => set(&mut note, r.some_string()),
            _ => None,
        })?;
        Some(EventInfo {
            id: id?,
            kind: kind?,
            attrs: attrs.unwrap_or_default(),
            note: note.flatten(),
        })
    }

    fn norm(&mut self) -> Option<Normalization> {
        let (mut kind, mut db, mut entry, mut text) = (None, None, None, None);
        self.fields(|r, name| match name {
            "kind" => set(&mut kind, r.string()),
            "db" => set(&mut db, r.string()),
            "entry" => set(&mut entry, r.string()),
            "text" => set(&mut text, r.string()),
            _ => None,
        })?;
        Some(Normalization {
            kind: kind?,
            db: db?,
            entry: entry?,
            text: text.unwrap_or_default(),
        })
    }

    fn review(&mut self) -> Option<ReviewEvent> {
        let (mut status, mut by, mut at) = (None, None, None);
        self.fields(|r, name| match name {
            "status" => set(&mut status, r.status()),
            "by" => set(&mut by, r.string()),
            "at" => set(&mut at, r.time()),
            _ => None,
        })?;
        Some(ReviewEvent {
            status: status?,
            by: by?,
            at: at?,
        })
    }

    fn attrs(&mut self) -> Option<BTreeMap<String, String>> {
        self.expect(b'{')?;
        let mut map = BTreeMap::new();
        loop {
            if self.punct(b'}') {
                return Some(map);
            }
            let key = self.string()?;
            self.expect(b':')?;
            let value = self.string()?;
            if map.insert(key, value).is_some() {
                return None;
            }
            if !self.punct(b',') {
                self.expect(b'}')?;
                return Some(map);
            }
        }
    }

    fn article_info(&mut self) -> Option<ArticleInfo> {
        let (mut file, mut encoding, mut hash, mut char_len, mut alternative) =
            (None, None, None, None, None);
        self.fields(|r, name| match name {
            "file" => set(&mut file, r.string()),
            "encoding" => set(&mut encoding, r.string()),
            "hash" => set(&mut hash, r.string()),
            "char_len" => set(&mut char_len, r.number()),
            "encoding_alternative" => set(&mut alternative, r.some_string()),
            _ => None,
        })?;
        Some(ArticleInfo {
            file: file?,
            encoding: encoding?,
            hash: hash?,
            char_len: char_len?,
            encoding_alternative: alternative.flatten(),
        })
    }

    fn annotation(&mut self) -> Option<Annotation> {
        let mut f = Fields::default();
        self.fields(|r, name| match name {
            "id" => set(&mut f.id, r.string().map(AnnotationId)),
            "label" => set(&mut f.label, r.label()),
            "start" => set(&mut f.start, r.number().map(CharOffset)),
            "end" => set(&mut f.end, r.number().map(CharOffset)),
            "quote" => set(&mut f.quote, r.quote(f.start, f.end)),
            "prefix" => set(&mut f.prefix, r.string()),
            "suffix" => set(&mut f.suffix, r.string()),
            "kind" => set(&mut f.kind, r.some_string()),
            "note" => set(&mut f.note, r.some_string()),
            "author" => set(&mut f.author, r.string()),
            "created" => set(&mut f.created, r.time()),
            "modified" => set(&mut f.modified, r.time()),
            "modified_by" => set(&mut f.modified_by, r.some_string()),
            "status" => set(&mut f.status, r.status()),
            "origin" => set(&mut f.origin, r.origin()),
            "links" => set(&mut f.links, r.list(Self::link)),
            "attrs" => set(&mut f.attrs, r.attrs()),
            "events" => set(&mut f.events, r.list(Self::event)),
            "norms" => set(&mut f.norms, r.list(Self::norm)),
            "reviews" => set(&mut f.reviews, r.list(Self::review)),
            "anchor" => set(&mut f.anchor, r.anchor()),
            "original_quote" => set(&mut f.original_quote, r.some_string()),
            // `conflict` (a whole nested annotation) and any field this
            // reader does not know go to ron.
            _ => None,
        })?;
        // Every field is named, with no `..Default::default()`: a field
        // added to `Annotation` must be added here too.
        Some(Annotation {
            id: f.id?,
            label: f.label?,
            start: f.start?,
            end: f.end?,
            quote: f.quote?,
            prefix: f.prefix.unwrap_or_default(),
            suffix: f.suffix.unwrap_or_default(),
            kind: f.kind.flatten(),
            note: f.note.flatten(),
            author: f.author?,
            created: f.created?,
            modified: f.modified?,
            modified_by: f.modified_by.flatten(),
            status: f.status.unwrap_or_default(),
            origin: f.origin.unwrap_or_default(),
            links: f.links.unwrap_or_default(),
            attrs: f.attrs.unwrap_or_default(),
            events: f.events.unwrap_or_default(),
            norms: f.norms.unwrap_or_default(),
            reviews: f.reviews.unwrap_or_default(),
            anchor: f.anchor.unwrap_or_default(),
            original_quote: f.original_quote.flatten(),
            conflict: None,
        })
    }
}

/// `YYYY-MM-DDTHH:MM:SS[.fraction]Z`, the form chrono writes a UTC time
/// in, read directly: chrono's general parser was most of the time spent
/// reading a big sidecar's annotations (two times each). `None` for any
/// other form, a leap second, or an invalid date, which go to chrono.
fn utc_time(s: &str) -> Option<DateTime<Utc>> {
    let b = s.as_bytes();
    let digits = |r: std::ops::Range<usize>| -> Option<u32> {
        let part = b.get(r)?;
        part.iter().try_fold(0u32, |n, &d| {
            d.is_ascii_digit().then(|| n * 10 + u32::from(d - b'0'))
        })
    };
    let punctuation = [(4, b'-'), (7, b'-'), (10, b'T'), (13, b':'), (16, b':')];
    if b.len() < 20 || b.last() != Some(&b'Z') || punctuation.iter().any(|&(i, c)| b[i] != c) {
        return None;
    }
    let nanos = match &b[19..b.len() - 1] {
        [] => 0,
        [b'.', fraction @ ..] if (1..=9).contains(&fraction.len()) => {
            digits(20..b.len() - 1)? * 10u32.pow(9 - fraction.len() as u32)
        }
        _ => return None,
    };
    let (second, minute, hour) = (digits(17..19)?, digits(14..16)?, digits(11..13)?);
    let year = i32::try_from(digits(0..4)?).ok()?;
    let date = chrono::NaiveDate::from_ymd_opt(year, digits(5..7)?, digits(8..10)?)?;
    (second < 60)
        .then(|| date.and_hms_nano_opt(hour, minute, second, nanos))
        .flatten()
        .map(|t| t.and_utc())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::offset::CharRange;
    use crate::store::sidecar::{self, Sidecar};
    use proptest::prelude::*;
    use std::path::Path;

    #[test]
    fn utc_times_read_directly_are_chronos() {
        let chrono_utc = |s: &str| {
            s.parse::<DateTime<FixedOffset>>()
                .ok()
                .map(|t| t.with_timezone(&Utc))
        };
        for s in [
            "2017-07-14T02:40:00Z",
            "0001-01-01T00:00:00Z",
            "9999-12-31T23:59:59.999999999Z",
            "2026-11-30T17:05:43.1Z",
            "2026-11-30T17:05:43.12Z",
            "2026-11-30T17:05:43.123456Z",
            "2024-02-29T12:00:00Z",
        ] {
            assert_eq!(utc_time(s), chrono_utc(s), "{s}");
            assert!(utc_time(s).is_some(), "{s}");
        }
        // Anything else is left to chrono (which reads some of them).
        for s in [
            "2017-07-14T02:40:00+00:00",
            "2017-07-14T02:40:00.Z",
            "2017-07-14T02:40:00.1234567890Z",
            "2016-12-31T23:59:60Z",
            "2023-02-29T12:00:00Z",
            "2017-07-14T24:00:00Z",
            "2017-07-14t02:40:00z",
            "2017-07-14 02:40:00Z",
            "+2017-07-14T02:40:00Z",
            "2017-07-14T02:40:0xZ",
            "",
        ] {
            assert_eq!(utc_time(s), None, "{s}");
        }
    }

    /// Strings rich in what escaping gets wrong.
    fn text() -> impl Strategy<Value = String> {
        let c = prop_oneof![
            4 => proptest::char::range('a', 'z'),
            2 => any::<char>(),
            1 => proptest::sample::select(vec![
                '"', '\\', '\'', '\n', '\r', '\t', '\0', '\u{301}', '\u{200F}', '{', '}', '(',
                ')', ',', ':', '\u{7f}', '\u{1b}', 'é', '👋', 'س', '\u{feff}',
            ]),
        ];
        proptest::collection::vec(c, 0..12).prop_map(String::from_iter)
    }

    fn opt_text() -> impl Strategy<Value = Option<String>> {
        proptest::option::of(text())
    }

    fn map() -> impl Strategy<Value = BTreeMap<String, String>> {
        proptest::collection::btree_map(text(), text(), 0..3)
    }

    fn time() -> impl Strategy<Value = DateTime<Utc>> {
        (
            0i64..4_000_000_000,
            prop_oneof![Just(0u32), 0u32..1_000_000_000],
        )
            .prop_map(|(s, n)| DateTime::from_timestamp(s, n).unwrap_or_default())
    }

    fn link() -> impl Strategy<Value = Link> {
        let position = proptest::option::of(0usize..1_000_000);
        let fields = (
            text(),
            text(),
            opt_text(),
            opt_text(),
            opt_text(),
            opt_text(),
            map(),
        );
        (fields, opt_text(), position).prop_map(|(fields, note, position)| {
            let (role, target, input_role, from_role, event, relation, attrs) = fields;
            Link {
                role,
                target: AnnotationId(target),
                input_role,
                from_role,
                event,
                relation,
                attrs,
                note,
                position,
            }
        })
    }

    fn any_annotation() -> impl Strategy<Value = Annotation> {
        let core = (
            text(),
            0usize..3,
            0usize..100_000,
            0usize..300,
            (text(), text(), text()),
            (opt_text(), opt_text(), text(), time(), time(), opt_text()),
        );
        let extra = (
            0usize..3,
            proptest::option::of((text(), text())),
            proptest::collection::vec(link(), 0..3),
            map(),
            proptest::collection::vec((text(), text(), map(), opt_text()), 0..2),
            proptest::collection::vec((text(), text(), text(), text()), 0..2),
            proptest::collection::vec((0usize..3, text(), time()), 0..3),
            (0usize..4, opt_text(), 0usize..8),
        );
        (core, extra).prop_map(|(core, extra)| {
            let (id, label, start, len, (quote, prefix, suffix), more) = core;
            let (kind, note, author, created, modified, modified_by) = more;
            let (status, origin, links, attrs, events, norms, reviews, tail) = extra;
            let (anchor, original_quote, conflict) = tail;
            let mut a = Annotation::from_parts(
                AnnotationId(id),
                Label::ALL[label],
                CharRange::from_usize(start, start + len),
                &quote,
                &author,
                created,
            );
            a.prefix = prefix;
            a.suffix = suffix;
            a.kind = kind;
            a.note = note;
            a.modified = modified;
            a.modified_by = modified_by;
            a.status = Status::ALL[status];
            a.origin = origin.map_or(Origin::Manual, |(source, format)| Origin::Imported {
                source,
                format,
            });
            a.links = links;
            a.attrs = attrs;
            a.events = events
                .into_iter()
                .map(|(id, kind, attrs, note)| EventInfo {
                    id,
                    kind,
                    attrs,
                    note,
                })
                .collect();
            a.norms = norms
                .into_iter()
                .map(|(kind, db, entry, text)| Normalization {
                    kind,
                    db,
                    entry,
                    text,
                })
                .collect();
            a.reviews = reviews
                .into_iter()
                .map(|(s, by, at)| ReviewEvent {
                    status: Status::ALL[s],
                    by,
                    at,
                })
                .collect();
            a.anchor = [
                AnchorState::Exact,
                AnchorState::Moved,
                AnchorState::Fuzzy,
                AnchorState::Orphaned,
            ][anchor];
            a.original_quote = original_quote;
            if conflict == 0 {
                a.conflict = Some(Box::new(a.clone()));
            }
            a
        })
    }

    fn sidecar_of(annotations: Vec<Annotation>) -> Sidecar {
        let article = crate::model::document::Article::new("text".into());
        Sidecar::new("a.txt", "utf-8", &article, annotations)
    }

    /// What ron alone makes of `text`.
    fn ron_parse(text: &str) -> Option<Sidecar> {
        ron::Options::default().from_str(text).ok()
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(256))]

        /// Every annotation we write reads back through this reader, as
        /// ron reads it (a merge conflict goes to ron).
        #[test]
        fn reads_what_we_write_as_ron_does(anns in proptest::collection::vec(any_annotation(), 1..6)) {
            let text = sidecar::to_string(&sidecar_of(anns));
            let by_ron = ron_parse(&text).expect("ron reads our output");
            let body = &text[text.find("  annotations: [\n").unwrap() + 17..text.rfind("  ],").unwrap()];
            let mut fast = Vec::new();
            match annotation_list(body, &mut fast) {
                Ok(()) => prop_assert_eq!(&fast, &by_ron.annotations),
                Err(at) => {
                    // Only a conflict is left to ron.
                    let a = ron::Options::default()
                        .from_str::<Vec<Annotation>>(&format!("[{at}]"))
                        .unwrap();
                    prop_assert!(a[0].conflict.is_some(), "fast reader refused {at}");
                    prop_assert_eq!(&fast[..], &by_ron.annotations[..fast.len()]);
                }
            }
            let parsed = sidecar::parse(&text, Path::new("x")).unwrap();
            prop_assert_eq!(parsed, by_ron);
        }

        /// A quote compared with the article by runs of plain text is
        /// taken exactly when [`escaped_equals`] finds it written as ron
        /// writes it, and wherever it stops: for the quote as ron writes
        /// it, the same with an escape written another way, and damaged.
        #[test]
        fn quotes_compared_by_runs_are_what_escaped_equals_says(
            before in text(),
            quote in text(),
            after in text(),
            tail in text(),
            damage in (any::<prop::sample::Index>(), text()),
        ) {
            let article = Article::new(format!("{before}{quote}{after}"));
            let quotes = ArticleQuotes::new(&article);
            let bytes = before.len()..before.len() + quote.len();
            let by_ron = ron::to_string(&quote).unwrap();
            let mut bodies = vec![
                format!("{}{tail}", &by_ron[1..]),
                // An escape ron would not write for this char.
                format!("{}{tail}", by_ron[1..].replacen('a', "\\u{61}", 1)),
                format!("{quote}\"{tail}"),
            ];
            let mut damaged = by_ron[1..].to_owned();
            let mut at = damage.0.index(damaged.len() + 1);
            while !damaged.is_char_boundary(at) {
                at -= 1;
            }
            damaged.insert_str(at, &damage.1);
            bodies.push(damaged);
            for body in &bodies {
                let fast = quotes.written_as_ron(body, bytes.clone());
                let slow = escaped_equals(body, &quote).filter(|&(_, canonical)| canonical);
                prop_assert_eq!(fast, slow.map(|(stop, _)| stop), "{:?}", body);
            }
            prop_assert_eq!(quotes.written_as_ron(&bodies[0], bytes), Some(by_ron.len() - 2));
        }

        /// Damaged text: whatever the sidecar reader makes of it is what
        /// ron makes of it (same sidecar, or both fail).
        #[test]
        fn damaged_sidecars_read_as_ron_reads_them(
            anns in proptest::collection::vec(any_annotation(), 1..4),
            edits in proptest::collection::vec((any::<prop::sample::Index>(), 0usize..4, text()), 1..4),
        ) {
            let mut text = sidecar::to_string(&sidecar_of(anns));
            for (at, cut, insert) in edits {
                let mut i = at.index(text.len());
                while !text.is_char_boundary(i) {
                    i -= 1;
                }
                let mut j = (i + cut).min(text.len());
                while !text.is_char_boundary(j) {
                    j += 1;
                }
                text.replace_range(i..j, &insert);
            }
            let ours = sidecar::parse(&text, Path::new("x")).ok();
            let theirs = ron_parse(&text).filter(|sc| sc.version == 1);
            prop_assert_eq!(ours, theirs);
        }
    }

    #[test]
    fn layouts_it_does_not_know_are_left_to_ron() {
        let a = "(id: \"a\", label: Entity, start: 1, end: 2, quote: \"x\", author: \"b\", created: \"2020-01-01T00:00:00Z\", modified: \"2020-01-01T00:00:00Z\")";
        assert!(annotation(a).is_some());
        for other in [
            a.replace("start: 1", "start: 0x1"),
            a.replace("start: 1", "start: 01"),
            a.replace("start: 1", "start: 1_0"),
            a.replace("label: Entity", "label: Entity /* c */"),
            a.replace("quote: \"x\"", "quote: r\"x\""),
            a.replace("quote: \"x\"", "quote: \"\\x41\""),
            a.replace("quote: \"x\"", "quote: \"x\\\n  y\""),
            a.replace("id: \"a\"", "id: \"a\", id: \"b\""),
            a.replace("id: \"a\"", "future: 1, id: \"a\""),
            a.replace("label:", "label :"),
            a.replace("(id", "Annotation(id"),
        ] {
            assert!(annotation(&other).is_none(), "{other}");
        }
        // Escapes and a trailing comma it does know.
        let escaped = a
            .replace("quote: \"x\"", "quote: \"\\u{301}\\\"\\n\"")
            .replace("Z\")", "Z\",)");
        let (b, rest) = annotation(&escaped).unwrap();
        assert_eq!((b.quote.as_str(), rest), ("\u{301}\"\n", ""));
    }

    /// Regression (issue 14, sidecar heads read by ron): the head reader
    /// gives ron's sidecar for every head we write, and leaves anything
    /// else to ron.
    #[test]
    fn heads_read_as_ron_reads_them() {
        let mut sc = sidecar_of(Vec::new());
        let plain = sidecar::to_string(&sc);
        assert_eq!(head(&plain), ron_parse(&plain));
        sc.note = Some("a \"note\"\n\u{e9}".into());
        sc.suggested = vec!["f1".into(), "f\u{301}2".into()];
        sc.article.encoding_alternative = Some("cp1252".into());
        let full = sidecar::to_string(&sc);
        assert!(full.contains("suggested") && full.contains("encoding_alternative"));
        assert_eq!(head(&full), Some(sc));
        assert_eq!(head(&full), ron_parse(&full));
        for other in [
            full.replace("version: 1", "version: 99999999999"),
            full.replace("char_len: 4", "char_len: 0x4"),
            full.replace("  note:", "  future: 1,\n  note:"),
            full.replace("file: \"a.txt\"", "file: r\"a.txt\""),
            full.replace("annotations: []", "annotations: [()]"),
            full.clone() + "x",
        ] {
            assert_ne!(other, full);
            assert_eq!(head(&other), None, "{other}");
        }
    }
}
