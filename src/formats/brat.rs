//! brat standoff: `X.txt` plus `X.ann`, read and written line for line as
//! brat's own loader (`server/src/annotation.py`) does.
//!
//! | line | read as | written from |
//! |---|---|---|
//! | `T1\tType 0 5;9 12\ttext` | a span, one annotation per fragment; later fragments link to the first with role `part-of`; fragments only a line break apart are one annotation | an annotation and its `part-of` fragments, each split at line breaks |
//! | `R1\tType Arg1:T1 Arg2:T2` | a link from Arg1, role = the type lowercased, `relation` = the type | a link without an event |
//! | `E1\tType:T1 Role:T2 ...` | an [`EventInfo`](crate::model::annotation::EventInfo) on the trigger and a link per argument (role lowercased, `input_role` as written, shared `event`) | the trigger's events |
//! | `A1\tName T1 [Value]`, `M1\tName T1` | `attrs` of the span, link or event (`"true"` without a value) | `attrs` (`"true"` as a binary attribute) |
//! | `N1\tType T1 DB:ID\ttext` | a [`Normalization`](crate::model::annotation::Normalization) | `norms` |
//! | `*\tType T1 T2 ...` | links from the first to the others, role `equiv`, one shared `event` | those links |
//! | `#1\tAnnotatorNotes X\ttext` | the note of the span, link or event | notes, one line each |
//!
//! brat's offsets count code points of `X.txt` as brat's Python server reads
//! it: strict UTF-8 through `codecs.open`, which opens the file in binary
//! mode, so a BOM is a character and `\r\n` is two. Marginalia's article text
//! has neither, so [`OffsetMap`] converts raw brat offsets to article offsets;
//! files written by [`export`] sit on an LF, BOM-less text where the two
//! agree. A discontinuous span's text column joins the fragments' texts with
//! a space (brat's `DISCONT_SEP`), and no fragment may hold a line break: brat
//! reads the `.ann` with `readlines`, so a break would end the line. That is
//! why a span over a line break is written as fragments (`102 111;113 126`),
//! as brat itself does when a selection crosses lines.

use crate::formats::import::{InAttr, InDoc, InEquiv, InEvent, InLink, InNorm, InNote, InSpan};
use crate::formats::{ExportDoc, LINK_TARGET_NOT_EXPORTED, Omission, is_line_break, type_name};
use crate::model::annotation::{Annotation, AnnotationId, Normalization, PART_OF};
use crate::model::document::Article;
use crate::model::offset::CharRange;
use std::collections::{BTreeMap, BTreeSet, HashMap, HashSet};
use std::fmt::Write as _;

/// Read an `.ann` file whose article file, as it is on disk, is `raw`
/// (`article` is its decoded text). Offsets are converted to article code
/// points and every `T`'s text column is checked against the article;
/// lines that cannot be read go to [`InDoc::problems`]. Nothing panics.
///
/// ```
/// use marginalia::formats::brat;
/// use marginalia::model::document::Article;
/// let raw = "Dehqan said so.";
/// let doc = brat::read("T1\tPerson 0 6\tDehqan\nA1\tNegated T1\n", raw, &Article::new(raw.into()));
/// assert_eq!((doc.spans.len(), doc.attrs[0].value.as_str()), (1, "true"));
/// ```
pub fn read(ann_text: &str, raw: &str, article: &Article) -> InDoc {
    let map = OffsetMap::new(raw);
    let mut doc = InDoc::default();
    let mut ids: HashSet<&str> = HashSet::new();
    for (i, line) in ann_text.lines().enumerate() {
        let n = i + 1;
        let line = line.strip_suffix('\r').unwrap_or(line);
        if line.trim().is_empty() {
            continue;
        }
        let Some((id, rest)) = line.split_once('\t') else {
            doc.problems
                .push((n, format!("{line:?}: expected an id and a tab")));
            continue;
        };
        if id != "*" && !ids.insert(id) {
            doc.problems.push((
                n,
                format!("{id}: the id is used twice; this line is not imported"),
            ));
            continue;
        }
        let (data, tail) = match rest.split_once('\t') {
            Some((d, t)) => (d, t),
            None => (rest, ""),
        };
        let result = match id.chars().next() {
            Some('T') => read_t(id, data, tail, n, &map, article).map(|s| doc.spans.push(s)),
            Some('R') => read_r(id, data, n).map(|l| doc.links.push(l)),
            Some('E') => read_e(id, data, n).map(|e| doc.events.push(e)),
            Some('A' | 'M') => read_a(id, data, n).map(|a| doc.attrs.push(a)),
            Some('N') => read_n(id, data, tail, n).map(|x| doc.norms.push(x)),
            Some('*') => read_equiv(data, n).map(|e| doc.equivs.push(e)),
            Some('#') => read_note(id, data, tail, n).map(|x| doc.notes.push(x)),
            _ => Err(format!("{id}: not a brat line (T, R, E, A, M, N, * or #)")),
        };
        if let Err(reason) = result {
            doc.problems.push((n, reason));
        }
    }
    doc
}

fn read_t(
    id: &str,
    data: &str,
    tail: &str,
    line: usize,
    map: &OffsetMap,
    article: &Article,
) -> Result<InSpan, String> {
    let (ty, offsets) = data
        .split_once(' ')
        .ok_or_else(|| format!("{id}: expected \"TYPE START END\""))?;
    let mut fragments = Vec::new();
    for frag in offsets.split(';') {
        let mut nums = frag.split_whitespace().map(str::parse::<usize>);
        let (Some(Ok(start)), Some(Ok(end)), None) = (nums.next(), nums.next(), nums.next()) else {
            return Err(format!("{id}: bad offsets {frag:?}"));
        };
        match (map.to_article(start), map.to_article(end)) {
            (Some(s), Some(e)) if s < e => fragments.push(CharRange::from_usize(s, e)),
            _ => {
                return Err(format!(
                    "{id}: offsets {start} {end} are empty, reversed or past the end of the text"
                ));
            }
        }
    }
    let found: Vec<&str> = fragments.iter().filter_map(|r| article.slice(*r)).collect();
    if !tail.trim().is_empty() && !same_text_modulo_whitespace(&found.join(" "), tail) {
        return Err(format!(
            "{id}: the text column {tail:?} differs from the text at its offsets {:?}",
            found.join(" ")
        ));
    }
    let mut span = InSpan::new(line, id, ty, fragments);
    span.key = Some(id.to_owned());
    Ok(span)
}

/// `ROLE:ID` pairs.
fn role_args<'a>(
    id: &str,
    words: impl Iterator<Item = &'a str>,
) -> Result<Vec<(String, String)>, String> {
    words
        .map(|w| {
            w.split_once(':')
                .filter(|(r, t)| !r.is_empty() && !t.is_empty())
                .map(|(r, t)| (r.to_owned(), t.to_owned()))
                .ok_or_else(|| format!("{id}: expected ROLE:ID, found {w:?}"))
        })
        .collect()
}

fn read_r(id: &str, data: &str, line: usize) -> Result<InLink, String> {
    let mut words = data.split_whitespace();
    let ty = words
        .next()
        .ok_or_else(|| format!("{id}: empty relation"))?;
    let args = role_args(id, words)?;
    let [(name1, arg1), (name2, arg2)] = args.as_slice() else {
        return Err(format!("{id}: a relation has exactly two arguments"));
    };
    if name1 == name2 {
        return Err(format!(
            "{id}: the two arguments have the same name {name1}"
        ));
    }
    let mut link = InLink::new(line, arg1, arg2, ty);
    link.key = Some(id.to_owned());
    link.link.relation = Some(ty.to_owned());
    if name1 != "Arg1" {
        link.link.from_role = Some(name1.clone());
    }
    if name2 != "Arg2" {
        link.link.input_role = Some(name2.clone());
    }
    Ok(link)
}

fn read_e(id: &str, data: &str, line: usize) -> Result<InEvent, String> {
    let mut words = data.split_whitespace();
    let (kind, trigger) = words
        .next()
        .and_then(|w| w.split_once(':'))
        .filter(|(k, t)| !k.is_empty() && !t.is_empty())
        .ok_or_else(|| format!("{id}: expected TYPE:TRIGGER"))?;
    Ok(InEvent {
        line,
        key: id.to_owned(),
        kind: kind.to_owned(),
        trigger: trigger.to_owned(),
        args: role_args(id, words)?,
    })
}

fn read_a(id: &str, data: &str, line: usize) -> Result<InAttr, String> {
    let mut words = data.splitn(3, ' ');
    let (Some(name), Some(target)) = (words.next(), words.next()) else {
        return Err(format!("{id}: expected NAME TARGET [VALUE]"));
    };
    let value = words.next().map(str::trim).filter(|v| !v.is_empty());
    if id.starts_with('M') && value.is_some() {
        return Err(format!("{id}: an M line has no value"));
    }
    Ok(InAttr {
        line,
        target: target.trim().to_owned(),
        name: name.to_owned(),
        value: value.unwrap_or("true").to_owned(),
    })
}

fn read_n(id: &str, data: &str, tail: &str, line: usize) -> Result<InNorm, String> {
    let words: Vec<&str> = data.split_whitespace().collect();
    let [kind, target, reference] = words.as_slice() else {
        return Err(format!("{id}: expected TYPE TARGET DB:ID"));
    };
    let (db, entry) = reference
        .split_once(':')
        .filter(|(d, e)| !d.is_empty() && !e.is_empty())
        .ok_or_else(|| format!("{id}: expected DB:ID, found {reference:?}"))?;
    Ok(InNorm {
        line,
        target: (*target).to_owned(),
        norm: Normalization {
            kind: (*kind).to_owned(),
            db: db.to_owned(),
            entry: entry.to_owned(),
            text: tail.trim().to_owned(),
        },
    })
}

fn read_equiv(data: &str, line: usize) -> Result<InEquiv, String> {
    let mut words = data.split_whitespace();
    let kind = words.next().ok_or("*: expected TYPE ID ID ...")?;
    let members: Vec<String> = words.map(str::to_owned).collect();
    if members.len() < 2 {
        return Err(format!(
            "* {kind}: an equivalence needs two members or more"
        ));
    }
    Ok(InEquiv {
        line,
        kind: kind.to_owned(),
        members,
    })
}

fn read_note(id: &str, data: &str, tail: &str, line: usize) -> Result<InNote, String> {
    let words: Vec<&str> = data.split_whitespace().collect();
    match words.as_slice() {
        ["AnnotatorNotes", target] => Ok(InNote {
            line,
            target: Some((*target).to_owned()),
            text: tail.trim().to_owned(),
        }),
        [other, _] => Err(format!(
            "{id}: {other} comments are not kept (only AnnotatorNotes)"
        )),
        _ => Err(format!("{id}: expected AnnotatorNotes TARGET")),
    }
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
pub fn same_text_modulo_whitespace(a: &str, b: &str) -> bool {
    a.split_whitespace().eq(b.split_whitespace())
}

/// An article's `.ann` content, what it could not hold, and the types it
/// used (for `annotation.conf`).
#[derive(Clone, Debug, Default)]
pub struct BratOut {
    /// The `.ann` file.
    pub ann: String,
    /// Types, relations, events and attributes used.
    pub usage: Usage,
}

/// Which annotation heads a `T` line, for every exported annotation.
struct Heads<'a> {
    /// Annotations that head a `T` line, in order; `T{i+1}` is the i-th.
    heads: Vec<&'a Annotation>,
    /// Every exported id → its `T` number.
    t_of: HashMap<&'a str, usize>,
    /// Head index → its later fragments.
    parts: Vec<Vec<&'a Annotation>>,
}

fn heads<'a>(anns: &'a [Annotation], om: &mut Vec<Omission>) -> Heads<'a> {
    let exported: HashSet<&str> = anns.iter().map(|a| a.id.0.as_str()).collect();
    let mut h = Heads {
        heads: Vec::new(),
        t_of: HashMap::new(),
        parts: Vec::new(),
    };
    let is_part = |a: &Annotation| {
        a.first_fragment()
            .is_some_and(|f| exported.contains(f.0.as_str()) && f != &a.id)
    };
    for a in anns {
        if !is_part(a) {
            if let Some(first) = a.first_fragment() {
                om.push(Omission {
                    id: a.id.clone(),
                    what: format!("link part-of -> {first} (written as a span of its own)"),
                    reason: LINK_TARGET_NOT_EXPORTED,
                    is_loss: false,
                });
            }
            h.t_of.insert(&a.id.0, h.heads.len() + 1);
            h.heads.push(a);
            h.parts.push(Vec::new());
        }
    }
    for a in anns.iter().filter(|a| is_part(a)) {
        let Some(first) = a.first_fragment() else {
            continue;
        };
        // A part of a part (hand-edited): follow it to its head.
        let t = h.t_of.get(first.0.as_str()).copied().or_else(|| {
            let first = anns.iter().find(|x| &x.id == first)?;
            h.t_of.get(first.first_fragment()?.0.as_str()).copied()
        });
        match t {
            Some(t) => {
                h.t_of.insert(&a.id.0, t);
                h.parts[t - 1].push(a);
            }
            None => lost(om, &a.id, "a fragment of a fragment".into(), FRAGMENTS),
        }
    }
    h
}

/// The fragments of `head` and its `parts` in the order the input listed
/// them (their `part-of` links' positions), else by offset.
fn fragment_order(head: &Annotation, parts: &[&Annotation]) -> Vec<CharRange> {
    let mut ranges: Vec<CharRange> = std::iter::once(head.range())
        .chain(parts.iter().map(|p| p.range()))
        .collect();
    ranges.sort();
    let placed: Vec<(usize, CharRange)> = parts
        .iter()
        .filter_map(|p| {
            let link = p.links.iter().find(|l| l.role == PART_OF)?;
            Some((link.position?, p.range()))
        })
        .collect();
    if placed.len() != parts.len() || placed.is_empty() {
        return ranges;
    }
    let mut slots: Vec<Option<CharRange>> = vec![None; ranges.len()];
    for (pos, r) in placed {
        match slots.get_mut(pos) {
            Some(slot @ None) => *slot = Some(r),
            _ => return ranges,
        }
    }
    let mut head_range = Some(head.range());
    slots
        .into_iter()
        .map(|s| s.or_else(|| head_range.take()))
        .collect::<Option<Vec<_>>>()
        .unwrap_or(ranges)
}

/// `[start, end)` split at line breaks, which brat's text column cannot
/// hold; the breaks themselves are left out.
fn split_at_line_breaks(article: &Article, range: CharRange) -> Vec<CharRange> {
    let Some(text) = article.slice(range) else {
        return vec![range];
    };
    let mut out = Vec::new();
    let mut start = range.start.0;
    for (i, c) in text.chars().enumerate() {
        let at = range.start.0 + i;
        if is_line_break(c) {
            if start < at {
                out.push(CharRange::from_usize(start, at));
            }
            start = at + 1;
        }
    }
    if start < range.end.0 {
        out.push(CharRange::from_usize(start, range.end.0));
    }
    out
}

/// `s` with whitespace and `:` (which would end a brat name) as `_`.
fn clean_name(s: &str) -> String {
    s.chars()
        .map(|c| {
            if c.is_whitespace() || c == ':' {
                '_'
            } else {
                c
            }
        })
        .collect()
}

/// Why a name is written differently: brat names cannot hold whitespace or `:`.
const NAMES: &str = "names with whitespace or ':' (written with '_')";
/// Why a line break at a span's edge is left out.
const EDGE_BREAKS: &str = "line breaks at a span's edge";
/// Why a fragment is not written.
const FRAGMENTS: &str = "fragments of fragments";

/// Report something brat cannot hold.
fn lost(om: &mut Vec<Omission>, id: &AnnotationId, what: String, reason: &'static str) {
    om.push(Omission {
        id: id.clone(),
        what,
        reason,
        is_loss: true,
    });
}

/// A brat name: no whitespace (brat splits on it), no `:` (role separator).
fn name(s: &str, what: &str, id: &AnnotationId, om: &mut Vec<Omission>) -> String {
    let clean = clean_name(s);
    let clean = if clean.is_empty() {
        "_".to_owned()
    } else {
        clean
    };
    if clean != s {
        lost(om, id, format!("{what} {s:?} written as {clean:?}"), NAMES);
    }
    clean
}

/// Tabs and line breaks would break the line format: they become spaces.
fn one_line(s: &str) -> String {
    s.chars()
        .map(|c| {
            if c == '\t' || is_line_break(c) {
                ' '
            } else {
                c
            }
        })
        .collect()
}

/// `speaker` → `Speaker`, as brat relation types are conventionally written.
fn capitalized(role: &str) -> String {
    let mut chars = role.chars();
    match chars.next() {
        Some(first) => first.to_uppercase().chain(chars).collect(),
        None => "Link".into(),
    }
}

/// Builds the `.ann` text with running ids per line kind.
#[derive(Default)]
struct Writer {
    out: String,
    next: BTreeMap<char, usize>,
}

impl Writer {
    fn id(&mut self, prefix: char) -> String {
        let n = self.next.entry(prefix).or_insert(0);
        *n += 1;
        format!("{prefix}{n}")
    }

    fn line(&mut self, s: &str) {
        self.out.push_str(s);
        self.out.push('\n');
    }

    fn attrs(
        &mut self,
        attrs: &BTreeMap<String, String>,
        target: &str,
        of: &AnnotationId,
        om: &mut Vec<Omission>,
    ) {
        for (k, v) in attrs {
            let id = self.id('A');
            let k = name(k, "attribute", of, om);
            if v == "true" {
                self.line(&format!("{id}\t{k} {target}"));
            } else {
                self.line(&format!("{id}\t{k} {target} {}", one_line(v)));
            }
        }
    }

    fn note(&mut self, note: Option<&str>, target: &str) {
        for line in note.into_iter().flat_map(|n| n.split('\n')) {
            let id = self.id('#');
            self.line(&format!(
                "{id}\tAnnotatorNotes {target}\t{}",
                one_line(line)
            ));
        }
    }
}

/// The `.ann` content for an article (see the module table), with what it
/// could not hold.
pub fn export(doc: &ExportDoc<'_>, om: &mut Vec<Omission>) -> BratOut {
    let mut out = BratOut::default();
    if let Some(note) = doc.note {
        lost(
            om,
            &AnnotationId("(article)".into()),
            format!("note {note:?}"),
            "notes",
        );
    }
    let h = heads(doc.annotations, om);
    let mut w = Writer::default();
    let t_name = |i: usize| format!("T{i}");
    let mut types: Vec<String> = Vec::new();
    for (i, a) in h.heads.iter().enumerate() {
        let ranges = fragment_order(a, &h.parts[i]);
        let mut frags = Vec::new();
        for r in ranges {
            let pieces = split_at_line_breaks(doc.article, r);
            let kept: usize = pieces.iter().map(CharRange::char_len).sum();
            let text = doc.article.slice(r).unwrap_or_default();
            let inner_breaks = text
                .trim_matches(is_line_break)
                .chars()
                .filter(|&c| is_line_break(c))
                .count();
            if kept + inner_breaks != r.char_len() {
                lost(
                    om,
                    &a.id,
                    "the line break at its start or end".into(),
                    EDGE_BREAKS,
                );
            }
            frags.extend(pieces);
        }
        if frags.is_empty() {
            lost(om, &a.id, "a span of line breaks only".into(), EDGE_BREAKS);
            frags.push(a.range());
        }
        let ty = name(type_name(a), "type", &a.id, om);
        let offsets: Vec<String> = frags
            .iter()
            .map(|r| format!("{} {}", r.start, r.end))
            .collect();
        let text: Vec<&str> = frags.iter().filter_map(|r| doc.article.slice(*r)).collect();
        let id = w.id('T');
        w.line(&format!(
            "{id}\t{ty} {}\t{}",
            offsets.join(";"),
            text.join(" ")
        ));
        types.push(ty);
    }
    for (i, a) in h.heads.iter().enumerate() {
        let t = t_name(i + 1);
        for part in std::iter::once(*a).chain(h.parts[i].iter().copied()) {
            w.attrs(&part.attrs, &t, &part.id, om);
            w.note(part.note.as_deref(), &t);
            for norm in &part.norms {
                let id = w.id('N');
                w.line(&format!(
                    "{id}\t{} {t} {}:{}\t{}",
                    name(&norm.kind, "normalization type", &part.id, om),
                    name(&norm.db, "knowledge base", &part.id, om),
                    name(&norm.entry, "knowledge-base entry", &part.id, om),
                    one_line(&norm.text)
                ));
            }
        }
    }
    let mut usage = Usage::default();
    for (i, a) in h.heads.iter().enumerate() {
        let t = t_name(i + 1);
        let is_trigger = !a.events.is_empty();
        usage.note_span(&types[i], is_trigger);
        for (k, v) in &a.attrs {
            usage.note_attr(k, &types[i], v);
        }
        for part in std::iter::once(*a).chain(h.parts[i].iter().copied()) {
            links_of(part, &t, &h, &types, &mut w, &mut usage, om);
        }
        for e in &a.events {
            let kind = name(&e.kind, "event type", &a.id, om);
            let mut args = Vec::new();
            let mut roles: Vec<(String, String)> = Vec::new();
            for l in a
                .links
                .iter()
                .filter(|l| l.event.as_deref() == Some(e.id.as_str()))
            {
                let Some(&target) = h.t_of.get(l.target.0.as_str()) else {
                    om.push(Omission::link(a, l, LINK_TARGET_NOT_EXPORTED, false));
                    continue;
                };
                let role = name(
                    l.input_role.as_deref().unwrap_or(&l.role),
                    "role",
                    &a.id,
                    om,
                );
                args.push(format!("{role}:T{target}"));
                roles.push((role, types[target - 1].clone()));
            }
            let id = w.id('E');
            let sep = if args.is_empty() { "" } else { " " };
            w.line(&format!("{id}\t{kind}:{t}{sep}{}", args.join(" ")));
            usage.note_event(&kind, &roles);
            w.attrs(&e.attrs, &id, &a.id, om);
            for (k, v) in &e.attrs {
                usage.note_attr(k, &kind, v);
            }
            w.note(e.note.as_deref(), &id);
        }
    }
    out.ann = w.out;
    out.usage = usage;
    out
}

/// The `R` and `*` lines of `a`'s links (written from its `T`, `t`).
fn links_of(
    a: &Annotation,
    t: &str,
    h: &Heads<'_>,
    types: &[String],
    w: &mut Writer,
    usage: &mut Usage,
    om: &mut Vec<Omission>,
) {
    let from_type = h
        .t_of
        .get(a.id.0.as_str())
        .map(|&i| types[i - 1].clone())
        .unwrap_or_default();
    let events: HashSet<&str> = a.events.iter().map(|e| e.id.as_str()).collect();
    let mut sets: BTreeMap<&str, (String, Vec<String>, Vec<String>)> = BTreeMap::new();
    for l in &a.links {
        if l.role == PART_OF || l.event.as_deref().is_some_and(|e| events.contains(e)) {
            continue;
        }
        let Some(&target) = h.t_of.get(l.target.0.as_str()) else {
            om.push(Omission::link(a, l, LINK_TARGET_NOT_EXPORTED, false));
            continue;
        };
        let to_type = types[target - 1].clone();
        if let Some(set) = l.event.as_deref() {
            // The links of one equivalence set.
            let kind = l.relation.clone().unwrap_or_else(|| capitalized(&l.role));
            let entry = sets
                .entry(set)
                .or_insert_with(|| (kind, vec![t.to_owned()], vec![from_type.clone()]));
            entry.1.push(format!("T{target}"));
            entry.2.push(to_type);
            continue;
        }
        let ty = name(
            &l.relation.clone().unwrap_or_else(|| capitalized(&l.role)),
            "relation type",
            &a.id,
            om,
        );
        let (arg1, arg2) = if l.relation.is_some() {
            (
                l.from_role.as_deref().unwrap_or("Arg1"),
                l.input_role.as_deref().unwrap_or("Arg2"),
            )
        } else {
            ("Arg1", "Arg2")
        };
        let id = w.id('R');
        w.line(&format!("{id}\t{ty} {arg1}:{t} {arg2}:T{target}"));
        usage.note_relation(&ty, arg1, &from_type, arg2, &to_type);
        w.attrs(&l.attrs, &id, &a.id, om);
        for (k, v) in &l.attrs {
            usage.note_attr(k, &ty, v);
        }
        w.note(l.note.as_deref(), &id);
    }
    for (kind, members, member_types) in sets.into_values() {
        let kind = name(&kind, "equivalence type", &a.id, om);
        w.line(&format!("*\t{kind} {}", members.join(" ")));
        usage.note_equiv(&kind, &member_types);
    }
}

/// How an event type was used.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
struct EventUse {
    /// Events of the type.
    seen: usize,
    /// Per role as written.
    roles: BTreeMap<String, RoleUse>,
}

/// How an event role was used.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
struct RoleUse {
    /// Events that have it.
    events: usize,
    /// The most arguments with it in one event.
    most: usize,
    /// The types of its arguments.
    types: BTreeSet<String>,
}

/// One argument of a relation type: its name and the types it joins.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
struct ArgUse {
    name: String,
    types: BTreeSet<String>,
}

/// The types, relations, events and attributes an export used, gathered
/// over all its articles for `annotation.conf`.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Usage {
    entities: BTreeSet<String>,
    triggers: BTreeSet<String>,
    events: BTreeMap<String, EventUse>,
    relations: BTreeMap<String, [ArgUse; 2]>,
    equivs: BTreeMap<String, BTreeSet<String>>,
    /// Attribute → (what it is on, values other than "true").
    attrs: BTreeMap<String, (BTreeSet<String>, BTreeSet<String>)>,
}

impl Usage {
    fn note_span(&mut self, ty: &str, is_trigger: bool) {
        if is_trigger {
            self.triggers.insert(ty.to_owned());
        } else {
            self.entities.insert(ty.to_owned());
        }
    }

    fn note_event(&mut self, kind: &str, roles: &[(String, String)]) {
        let event = self.events.entry(kind.to_owned()).or_default();
        event.seen += 1;
        let mut here: BTreeMap<&str, usize> = BTreeMap::new();
        for (role, ty) in roles {
            *here.entry(role).or_default() += 1;
            event
                .roles
                .entry(role.clone())
                .or_default()
                .types
                .insert(ty.clone());
        }
        for (role, n) in here {
            let entry = event.roles.entry(role.to_owned()).or_default();
            entry.events += 1;
            entry.most = entry.most.max(n);
        }
    }

    fn note_relation(&mut self, ty: &str, arg1: &str, t1: &str, arg2: &str, t2: &str) {
        let [a, b] = self.relations.entry(ty.to_owned()).or_insert_with(|| {
            [arg1, arg2].map(|name| ArgUse {
                name: name.to_owned(),
                types: BTreeSet::new(),
            })
        });
        a.types.insert(t1.to_owned());
        b.types.insert(t2.to_owned());
    }

    fn note_equiv(&mut self, kind: &str, types: &[String]) {
        self.equivs
            .entry(kind.to_owned())
            .or_default()
            .extend(types.iter().cloned());
    }

    fn note_attr(&mut self, name: &str, on: &str, value: &str) {
        let entry = self.attrs.entry(clean_name(name)).or_default();
        entry.0.insert(on.to_owned());
        if value != "true" {
            entry.1.insert(one_line(value));
        }
    }

    /// Add another article's usage.
    pub fn merge(&mut self, other: Usage) {
        self.entities.extend(other.entities);
        self.triggers.extend(other.triggers);
        for (kind, event) in other.events {
            let mine = self.events.entry(kind).or_default();
            mine.seen += event.seen;
            for (role, r) in event.roles {
                let m = mine.roles.entry(role).or_default();
                m.events += r.events;
                m.most = m.most.max(r.most);
                m.types.extend(r.types);
            }
        }
        for (ty, args) in other.relations {
            match self.relations.get_mut(&ty) {
                Some(mine) => {
                    for (m, a) in mine.iter_mut().zip(args) {
                        m.types.extend(a.types);
                    }
                }
                None => {
                    self.relations.insert(ty, args);
                }
            }
        }
        for (k, v) in other.equivs {
            self.equivs.entry(k).or_default().extend(v);
        }
        for (k, (on, values)) in other.attrs {
            let entry = self.attrs.entry(k).or_default();
            entry.0.extend(on);
            entry.1.extend(values);
        }
    }

    /// brat's `annotation.conf` declaring everything used, so brat opens the
    /// export without "unknown type" warnings.
    pub fn annotation_conf(&self) -> String {
        let join = |s: &BTreeSet<String>| s.iter().cloned().collect::<Vec<_>>().join("|");
        let mut out =
            String::from("# Written by Marginalia for the types this export uses.\n\n[entities]\n");
        for e in self.entities.difference(&self.triggers) {
            let _ = writeln!(out, "{e}");
        }
        out.push_str("\n[relations]\n");
        for (ty, [a, b]) in &self.relations {
            let _ = writeln!(
                out,
                "{ty}\t{}:{}, {}:{}",
                a.name,
                join(&a.types),
                b.name,
                join(&b.types)
            );
        }
        for (ty, types) in &self.equivs {
            let t = join(types);
            let _ = writeln!(
                out,
                "{ty}\tArg1:{t}, Arg2:{t}, <REL-TYPE>:symmetric-transitive"
            );
        }
        out.push_str("\n[events]\n");
        let mut kinds: BTreeSet<&String> = self.events.keys().collect();
        kinds.extend(self.triggers.iter());
        for kind in kinds {
            let args: Vec<String> = self
                .events
                .get(kind)
                .map(|event| {
                    event
                        .roles
                        .iter()
                        .map(|(role, r)| {
                            let mark = match (r.events == event.seen, r.most > 1) {
                                (true, false) => "",
                                (false, false) => "?",
                                (true, true) => "+",
                                (false, true) => "*",
                            };
                            format!("{role}{mark}:{}", join(&r.types))
                        })
                        .collect()
                })
                .unwrap_or_default();
            let _ = writeln!(out, "{kind}\t{}", args.join(", "));
        }
        out.push_str("\n[attributes]\n");
        for (attr, (on, values)) in &self.attrs {
            if values.is_empty() {
                let _ = writeln!(out, "{attr}\tArg:{}", join(on));
            } else {
                let _ = writeln!(out, "{attr}\tArg:{}, Value:{}", join(on), join(values));
            }
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_line_type_parses_and_bad_lines_are_problems() {
        let raw = "Dehqan said no.";
        let article = Article::new(raw.into());
        let doc = read(
            "T1\tPerson 0 6\tDehqan\nT2\tCue 7 11\tsaid\nE1\tSay:T2 Agent:T1\nR1\tX Arg1:T1 Arg2:T2\n\
             A1\tNeg E1\nM1\tSpec T1\nA2\tConf T1 High\nN1\tRef T1 Wiki:42\tDehqan\n*\tEquiv T1 T2\n\
             #1\tAnnotatorNotes T1\tnote\nT3\tPerson x y\tz\nT1\tPerson 0 6\tDehqan\nQ1\tx\nT4\tPerson 0 6\tHasanov\n",
            raw,
            &article,
        );
        assert_eq!(doc.spans.len(), 2);
        assert_eq!(doc.events[0].args, [("Agent".to_owned(), "T1".to_owned())]);
        assert_eq!(doc.links[0].link.relation.as_deref(), Some("X"));
        assert_eq!(doc.attrs.len(), 3);
        assert_eq!(doc.attrs[2].value, "High");
        assert_eq!(doc.norms[0].norm.entry, "42");
        assert_eq!(doc.equivs[0].members, ["T1", "T2"]);
        assert_eq!(doc.notes[0].text, "note");
        let lines: Vec<usize> = doc.problems.iter().map(|p| p.0).collect();
        assert_eq!(lines, [11, 12, 13, 14]);
    }

    #[test]
    fn offset_map_without_bom_or_cr_is_identity() {
        let m = OffsetMap::new("abc");
        assert_eq!((m.to_article(3), m.to_article(4)), (Some(3), None));
        let m = OffsetMap::new("a\rb");
        assert_eq!(m.to_article(2), Some(2), "a lone CR is one char, like LF");
    }

    #[test]
    fn line_breaks_split_fragments_and_are_left_out() {
        let article = Article::new("ab\ncd\u{2028}ef\n".into());
        let r = |a, b| CharRange::from_usize(a, b);
        assert_eq!(
            split_at_line_breaks(&article, r(0, 8)),
            [r(0, 2), r(3, 5), r(6, 8)]
        );
        assert_eq!(
            split_at_line_breaks(&article, r(1, 9)),
            [r(1, 2), r(3, 5), r(6, 8)]
        );
    }
}
