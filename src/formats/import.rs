//! The import pipeline: the one path every import takes, from the command
//! line (`marginalia import`) and from the window (File ▸ Import).
//!
//! Three stages:
//! 1. **Read** (a format module, pure): the input's text becomes [`Parsed`]:
//!    documents ([`InDoc`]) holding the spans, links, events, equivalences,
//!    notes, attributes and references the input has, each with the line it
//!    came from, plus `problems` for what could not be read.
//! 2. **Locate** (`store::import`, files): each document is paired with its
//!    article (a record's `meta.source` or text, a brat `X.ann`'s `X.txt`)
//!    and that article's annotations.
//! 3. **Apply** ([`apply`], pure): a document and the article's annotations
//!    give the [`Edit`]s that add what is new, the [`Counts`] and the
//!    reports. Every element ends up in exactly one of four places:
//!    imported, skipped as a duplicate (same label, range, kind, and author
//!    when the import is per author), left out by a decision (`--map TYPE=-`,
//!    or the input's own, such as Prodigy's "ignore"), or not imported and
//!    reported as `line: what and why`. Only the last makes the exit code 1.
//!
//! The rules that hold for every format live here, once: `--map` and
//! `--role` ([`Mapping`]), offsets inside the article and on whole
//! characters, fragments of a discontinuous span (one annotation each, the
//! later ones linked to the first by offset with role `part-of`, fragments
//! separated only by a line break joined into one), an event whose trigger
//! is left out (its links then start from the arguments that are quotes or
//! claims), duplicates, and ids kept from the input.
//!
//! ## How a format plugs in
//! A format is a module in `formats/` with a pure reader that turns the
//! input's text into [`Parsed`]:
//! - a JSONL format writes `fn parse_line(&str) -> Result<InDoc, String>` and
//!   gets [`read_jsonl`] for free (line numbers, unreadable lines);
//! - any other layout (one JSON array, a standoff file per article) fills
//!   [`Parsed`] itself, giving each element its line (or the nearest thing
//!   the input has, such as a task's position).
//!
//! The reader converts offsets to article code points, names every span it
//! links to with a `key` of its own choosing (the input's id), and reports
//! what it cannot read in `Parsed::problems` or `InDoc::problems`. What the
//! input itself says to leave out goes in [`InDoc::left_out`]. It does not
//! map labels, check offsets against the article, deduplicate or count:
//! [`apply`] does that. Then add a variant to [`Format`] (and to the
//! command line's `--format` and the window's format guess).
//!
//! ```
//! use marginalia::formats::import::*;
//! use marginalia::model::{annotation::Annotations, document::Article, offset::CharRange};
//! let article = Article::new("Dehqan said peace.".into());
//! let mut doc = InDoc::default();
//! doc.spans.push(InSpan::new(1, "T1", "Person", vec![CharRange::from_usize(0, 6)]));
//! doc.spans.push(InSpan::new(2, "T2", "Quote", vec![CharRange::from_usize(12, 17)]));
//! doc.links.push(InLink::new(3, "T2", "T1", "Speaker"));
//! let applied = apply(&doc, &article, &Annotations::default(), None, &ImportOptions::new("brat"));
//! assert_eq!(applied.edits.len(), 2);
//! assert_eq!(applied.counts.not_imported, 0);
//! assert_eq!(applied.counts.to_string(), "0 records: 3 imported (2 spans, 1 link), 0 duplicates skipped, 0 left out, 0 not imported");
//! ```

use crate::formats::{is_line_break, label_from_name};
use crate::model::annotation::{
    Annotation, AnnotationId, Annotations, EQUIV, EventInfo, Label, Link, Normalization, Origin,
    PART_OF, Status,
};
use crate::model::document::Article;
use crate::model::edit::Edit;
use crate::model::offset::CharRange;
use chrono::{DateTime, Utc};
use std::collections::{BTreeMap, HashMap};
use std::fmt;

/// The formats `import` reads.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum Format {
    /// spaCy-style JSONL ([`crate::formats::spacy`]).
    Spacy,
    /// doccano JSONL ([`crate::formats::doccano`]).
    Doccano,
    /// brat standoff: `X.ann` beside `X.txt` ([`crate::formats::brat`]).
    Brat,
    /// Citron's JSON: `X.json` beside `X.txt` ([`crate::formats::citron`]).
    Citron,
    /// Label Studio's JSON export, or JSON-MIN ([`crate::formats::labelstudio`]).
    LabelStudio,
    /// Prodigy's `db-out` JSONL ([`crate::formats::prodigy`]).
    Prodigy,
}

impl Format {
    /// The name used on the command line and in `origin`.
    pub fn name(self) -> &'static str {
        match self {
            Format::Spacy => "spacy",
            Format::Doccano => "doccano",
            Format::Brat => "brat",
            Format::Citron => "citron",
            Format::LabelStudio => "labelstudio",
            Format::Prodigy => "prodigy",
        }
    }

    /// True for formats whose annotations sit in one file per article
    /// (brat), rather than in records that name their article.
    pub fn is_standoff(self) -> bool {
        matches!(self, Format::Brat | Format::Citron)
    }

    /// The file extension of a standoff format's annotation files.
    pub fn standoff_extension(self) -> &'static str {
        if self == Format::Citron {
            "json"
        } else {
            "ann"
        }
    }

    /// Read a records file (every format but the standoff ones).
    pub fn read_records(self, content: &str) -> Parsed {
        match self {
            Format::Spacy => read_jsonl(content, crate::formats::spacy::parse_line),
            Format::Doccano => read_jsonl(content, crate::formats::doccano::parse_line),
            Format::Prodigy => crate::formats::prodigy::read(content),
            Format::LabelStudio => crate::formats::labelstudio::read(content),
            Format::Brat => Parsed {
                docs: Vec::new(),
                problems: vec![(0, "brat annotations are read per article (X.ann)".into())],
            },
            Format::Citron => Parsed {
                docs: Vec::new(),
                problems: vec![(0, "Citron files are read per article (X.json)".into())],
            },
        }
    }

    /// Guess the format of a file from its name and content: `.ann` is
    /// brat; a JSON object with `quotes` is Citron's; a JSON list (or a
    /// file opening with a lone `{`) is Label
    /// Studio's export; a JSONL record with `_input_hash`, `_task_hash` or
    /// `answer` is Prodigy's; one with `label`, `labels`, `entities` or
    /// `annotations` and no `spans` is doccano's; anything else spaCy's.
    ///
    /// ```
    /// use marginalia::formats::import::Format;
    /// assert_eq!(Format::guess("a.json", "[{\"data\": {\"text\": \"x\"}}]"), Format::LabelStudio);
    /// assert_eq!(Format::guess("a.jsonl", r#"{"text": "x", "spans": [], "answer": "accept"}"#), Format::Prodigy);
    /// assert_eq!(Format::guess("a.jsonl", r#"{"text": "x", "labels": []}"#), Format::Doccano);
    /// assert_eq!(Format::guess("a.jsonl", r#"{"text": "x", "spans": []}"#), Format::Spacy);
    /// ```
    pub fn guess(file_name: &str, content: &str) -> Format {
        if file_name.ends_with(".ann") {
            return Format::Brat;
        }
        if content.trim_start().starts_with('{')
            && serde_json::from_str::<serde_json::Value>(content)
                .ok()
                .is_some_and(|v| v.get("quotes").is_some())
        {
            return Format::Citron;
        }
        let trimmed = content.trim_start_matches('\u{feff}').trim_start();
        let first = trimmed.lines().next().unwrap_or("").trim();
        if trimmed.starts_with('[') || first == "{" {
            return Format::LabelStudio;
        }
        let Ok(v) = serde_json::from_str::<serde_json::Value>(first) else {
            return Format::Spacy;
        };
        let has = |k: &str| v.get(k).is_some();
        if has("_input_hash") || has("_task_hash") || has("answer") {
            Format::Prodigy
        } else if has("data") && (has("annotations") || has("predictions")) {
            Format::LabelStudio
        } else if !has("spans")
            && (has("label") || has("labels") || has("entities") || has("annotations"))
        {
            Format::Doccano
        } else {
            Format::Spacy
        }
    }
}

/// A span as the input has it, in article code points.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct InSpan {
    /// 1-based line in the input.
    pub line: usize,
    /// The input's id for it (`T3`), which links, notes and attributes use.
    pub key: Option<String>,
    /// Its fragments (one, or several for a discontinuous span), any order.
    pub fragments: Vec<CharRange>,
    /// The type or label as written (`Person`, `QUOTE`, `Content`).
    pub label: String,
    /// An explicit entity kind, when the input has one apart from the label.
    pub kind: Option<String>,
    /// An id to keep (a Marginalia export read back).
    pub id: Option<AnnotationId>,
    /// Its own review status, when the input has one.
    pub status: Option<Status>,
    /// Its own author, when the input has one.
    pub author: Option<String>,
    /// A note carried on the span itself.
    pub note: Option<String>,
    /// Attributes carried on the span itself.
    pub attrs: BTreeMap<String, String>,
    /// A numeric label id standing for the label (doccano 1.x); [`apply`]
    /// names it from [`ImportOptions::label_names`], else reports it.
    pub label_id: Option<u64>,
}

impl InSpan {
    /// A span with a key, a label and fragments, and nothing else.
    pub fn new(line: usize, key: &str, label: &str, fragments: Vec<CharRange>) -> InSpan {
        InSpan {
            line,
            key: Some(key.to_owned()),
            fragments,
            label: label.to_owned(),
            ..InSpan::default()
        }
    }
}

/// A link between two spans of the same document.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct InLink {
    /// 1-based line.
    pub line: usize,
    /// The input's id for the link (`R1`), for notes and attributes on it.
    pub key: Option<String>,
    /// The key of the span it starts from.
    pub from: String,
    /// The key of the span it points to.
    pub to: String,
    /// The role (or relation type) as written: what `--role` matches.
    pub written_role: String,
    /// The link to make. `role` is the format's own name for
    /// `written_role` (brat: lowercased); `target` is filled in by [`apply`].
    pub link: Link,
}

impl InLink {
    /// A relation as brat writes one: `role` = the type lowercased, and the
    /// type kept as written in `relation`.
    pub fn new(line: usize, from: &str, to: &str, relation: &str) -> InLink {
        let mut link = Link::new(relation.to_lowercase(), AnnotationId::default());
        if link.role != relation {
            link.relation = Some(relation.to_owned());
        }
        InLink {
            line,
            key: None,
            from: from.to_owned(),
            to: to.to_owned(),
            written_role: relation.to_owned(),
            link,
        }
    }
}

/// An event: a trigger span and its arguments (brat `E`).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct InEvent {
    /// 1-based line.
    pub line: usize,
    /// The input's id (`E1`), for notes and attributes on it.
    pub key: String,
    /// The event type as written.
    pub kind: String,
    /// The trigger span's key.
    pub trigger: String,
    /// `(role as written, span key)` for each argument, in input order.
    pub args: Vec<(String, String)>,
}

/// An equivalence set (brat `*`): links with role `equiv` from the first
/// member to each other one.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct InEquiv {
    /// 1-based line.
    pub line: usize,
    /// The type as written (`Equiv`).
    pub kind: String,
    /// The members' keys.
    pub members: Vec<String>,
}

/// A note on a span, link or event, or on the whole document.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct InNote {
    /// 1-based line.
    pub line: usize,
    /// The key it is about; `None` for the whole document.
    pub target: Option<String>,
    /// The note.
    pub text: String,
}

/// An attribute of a span, link or event (brat `A`/`M`).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct InAttr {
    /// 1-based line.
    pub line: usize,
    /// The key it is about.
    pub target: String,
    /// Its name (`Negated`).
    pub name: String,
    /// Its value (`true` for a binary attribute).
    pub value: String,
}

/// A knowledge-base reference of a span (brat `N`).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct InNorm {
    /// 1-based line.
    pub line: usize,
    /// The key of the span.
    pub target: String,
    /// The reference.
    pub norm: Normalization,
}

/// One document of an input: everything it says about one article.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct InDoc {
    /// 1-based line of the record (0 for a whole file, as in brat).
    pub line: usize,
    /// The text the offsets count in, when the record carries it; it must
    /// equal the article's.
    pub text: Option<String>,
    /// The article's path relative to the import root (`meta.source`).
    pub source: Option<String>,
    /// Spans.
    pub spans: Vec<InSpan>,
    /// Links (relations).
    pub links: Vec<InLink>,
    /// Events.
    pub events: Vec<InEvent>,
    /// Equivalence sets.
    pub equivs: Vec<InEquiv>,
    /// Notes, including ones on the whole document.
    pub notes: Vec<InNote>,
    /// Attributes.
    pub attrs: Vec<InAttr>,
    /// Knowledge-base references.
    pub norms: Vec<InNorm>,
    /// Elements the reader found but could not read: `(line, reason)`.
    pub problems: Vec<(usize, String)>,
    /// Elements the input itself leaves out (Prodigy's "ignore", a
    /// cancelled Label Studio annotation): `(line, what)`; counted and reported.
    pub left_out: Vec<(usize, String)>,
    /// `(line, what)`: read, but not quite as written (reported, exit 0).
    pub notices: Vec<(usize, String)>,
    /// The spans carry their own authors (several annotators in one file):
    /// a span is then a duplicate only of one by the same author.
    pub per_author: bool,
}

impl InDoc {
    /// How many elements it holds (what the counts add up to).
    pub fn element_count(&self) -> usize {
        self.spans.len()
            + self.links.len()
            + self.events.len()
            + self.equivs.len()
            + self.notes.len()
            + self.attrs.len()
            + self.norms.len()
            + self.problems.len()
            + self.left_out.len()
    }

    /// True when the record is about the article `file_name` holding
    /// `article`: its text is the article's or, without text, its
    /// `meta.source` names that file.
    pub fn is_for(&self, article: &Article, file_name: &str) -> bool {
        match (&self.text, &self.source) {
            (Some(text), _) => text == article.text(),
            (None, Some(source)) => std::path::Path::new(source)
                .file_name()
                .is_some_and(|n| n.to_string_lossy() == file_name),
            (None, None) => false,
        }
    }
}

/// What a reader made of an input file.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Parsed {
    /// The documents, in input order.
    pub docs: Vec<InDoc>,
    /// Lines that could not be read at all: `(line, reason)`.
    pub problems: Vec<(usize, String)>,
}

/// Read a JSONL input with a format's line parser: blank lines are skipped,
/// every other line is a document (with its line number set on it and its
/// elements) or a problem.
pub fn read_jsonl(content: &str, parse_line: impl Fn(&str) -> Result<InDoc, String>) -> Parsed {
    let mut out = Parsed::default();
    for (i, line) in content.lines().enumerate() {
        let n = i + 1;
        if line.trim().is_empty() {
            continue;
        }
        match parse_line(line) {
            Ok(mut doc) => {
                doc.set_line(n);
                out.docs.push(doc);
            }
            Err(reason) => out.problems.push((n, reason)),
        }
    }
    out
}

/// A JSON value and the 1-based line it starts on.
pub type JsonItem = (usize, serde_json::Value);

/// The items of a JSON list (or a lone JSON object, as one item), each with
/// the 1-based line it starts on, for formats that write one JSON document
/// (Label Studio). Reading stops at the first item that is not valid JSON:
/// that item and the rest are the error `(line, reason)`.
///
/// ```
/// let (items, err) = marginalia::formats::import::json_items("[\n {\"a\": 1},\n {\"b\": 2}\n]");
/// assert_eq!(items.iter().map(|(l, _)| *l).collect::<Vec<_>>(), [2, 3]);
/// assert!(err.is_none());
/// ```
pub fn json_items(content: &str) -> (Vec<JsonItem>, Option<(usize, String)>) {
    // Positions only move forward: count the newlines since the last call.
    let (mut seen, mut line) = (0usize, 1usize);
    let mut line_at = |byte: usize| {
        line += content[seen..byte].matches('\n').count();
        seen = byte;
        line
    };
    let skip_ws = |mut pos: usize| {
        while content[pos..].starts_with(|c: char| c.is_whitespace() || c == '\u{feff}') {
            pos += content[pos..].chars().next().map_or(1, char::len_utf8);
        }
        pos
    };
    let mut items = Vec::new();
    let mut pos = skip_ws(0);
    let is_list = content[pos..].starts_with('[');
    if is_list {
        pos = skip_ws(pos + 1);
        if content[pos..].starts_with(']') {
            return (items, None);
        }
    }
    loop {
        let mut stream =
            serde_json::Deserializer::from_str(&content[pos..]).into_iter::<serde_json::Value>();
        match stream.next() {
            Some(Ok(v)) => items.push((line_at(pos), v)),
            Some(Err(e)) => {
                // Reported where the item starts; serde counts from there.
                let start = line_at(pos);
                let at = start + e.line().saturating_sub(1);
                let msg = e.to_string();
                let msg = msg.split(" at line ").next().unwrap_or_default();
                return (
                    items,
                    Some((
                        start,
                        format!(
                            "this item is not valid JSON ({msg} at line {at}, column {}); it and the rest of the file are not read",
                            e.column()
                        ),
                    )),
                );
            }
            None => return (items, Some((line_at(pos), "an item is missing".into()))),
        }
        pos = skip_ws(pos + stream.byte_offset());
        if !is_list {
            let rest = (pos < content.len()).then(|| {
                (
                    line_at(pos),
                    "text after the JSON object is not read".to_owned(),
                )
            });
            return (items, rest);
        }
        match content[pos..].chars().next() {
            Some(',') => pos = skip_ws(pos + 1),
            Some(']') => return (items, None),
            _ => {
                return (
                    items,
                    Some((
                        line_at(pos),
                        "expected , or ] after a list item; the rest of the file is not read"
                            .into(),
                    )),
                );
            }
        }
    }
}

impl InDoc {
    /// Give the document and every element without a line of its own the line `n`.
    pub fn set_line(&mut self, n: usize) {
        self.line = n;
        let fix = |l: &mut usize| {
            if *l == 0 {
                *l = n;
            }
        };
        self.spans.iter_mut().for_each(|x| fix(&mut x.line));
        self.links.iter_mut().for_each(|x| fix(&mut x.line));
        self.events.iter_mut().for_each(|x| fix(&mut x.line));
        self.equivs.iter_mut().for_each(|x| fix(&mut x.line));
        self.notes.iter_mut().for_each(|x| fix(&mut x.line));
        self.attrs.iter_mut().for_each(|x| fix(&mut x.line));
        self.norms.iter_mut().for_each(|x| fix(&mut x.line));
        self.problems.iter_mut().for_each(|x| fix(&mut x.0));
        self.left_out.iter_mut().for_each(|x| fix(&mut x.0));
        self.notices.iter_mut().for_each(|x| fix(&mut x.0));
    }
}

/// What `--map TYPE=…` says about a type.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum TypeMap {
    /// Import it with this label and kind.
    To(Label, Option<String>),
    /// Leave it out (`TYPE=-`), counted.
    LeftOut,
}

/// `--map TYPE=LABEL[:KIND]`, `--map TYPE=-` and `--role ROLE=NAME`. Types
/// and roles are matched as the input writes them (before any lowercasing).
///
/// ```
/// use marginalia::formats::import::Mapping;
/// use marginalia::model::annotation::Label;
/// let mut m = Mapping::default();
/// m.add_type("Source=Entity:Source").unwrap();
/// m.add_type("Attribution=-").unwrap();
/// m.add_role("Source=speaker").unwrap();
/// assert_eq!(m.map_type("Source", None), Some((Label::Entity, Some("Source".into()))));
/// assert_eq!(m.map_type("Attribution", None), None);
/// assert_eq!(m.map_type("PER", None), Some((Label::Entity, Some("PER".into()))));
/// assert_eq!(m.role("Source", "source"), "speaker");
/// assert!(m.add_type("Content=Speech").is_err());
/// ```
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Mapping {
    types: HashMap<String, TypeMap>,
    roles: HashMap<String, String>,
}

impl Mapping {
    /// Add `TYPE=LABEL[:KIND]` or `TYPE=-`. LABEL is Entity, Claim or Quote (any case).
    pub fn add_type(&mut self, spec: &str) -> Result<(), String> {
        let (ty, to) = spec
            .split_once('=')
            .filter(|(t, _)| !t.is_empty())
            .ok_or_else(|| format!("--map {spec:?}: expected TYPE=LABEL[:KIND] or TYPE=-"))?;
        let map = if to == "-" {
            TypeMap::LeftOut
        } else {
            let (label, kind) = match to.split_once(':') {
                Some((l, k)) => (l, Some(k.to_owned()).filter(|k| !k.is_empty())),
                None => (to, None),
            };
            let label = Label::parse(label).ok_or_else(|| {
                format!(
                    "--map {spec:?}: LABEL must be Entity, Claim or Quote, or - to leave {ty} out"
                )
            })?;
            TypeMap::To(label, kind)
        };
        self.types.insert(ty.to_owned(), map);
        Ok(())
    }

    /// Add `ROLE=NAME`.
    pub fn add_role(&mut self, spec: &str) -> Result<(), String> {
        let (role, name) = spec
            .split_once('=')
            .filter(|(r, n)| !r.is_empty() && !n.trim().is_empty())
            .ok_or_else(|| format!("--role {spec:?}: expected ROLE=NAME"))?;
        self.roles.insert(role.to_owned(), name.trim().to_owned());
        Ok(())
    }

    /// The label and kind for a type as written (`kind`: an explicit kind
    /// the input has beside it, also looked up); `None` when it is left out.
    /// Unmapped types follow [`label_from_name`].
    pub fn map_type(&self, written: &str, kind: Option<&str>) -> Option<(Label, Option<String>)> {
        let hit = self
            .types
            .get(written)
            .or_else(|| kind.and_then(|k| self.types.get(k)));
        match hit {
            Some(TypeMap::LeftOut) => None,
            Some(TypeMap::To(label, kind)) => Some((*label, kind.clone())),
            None => Some(label_from_name(written, kind)),
        }
    }

    /// The role for a role as written: the `--role` name for it, else `default`.
    pub fn role(&self, written: &str, default: &str) -> String {
        self.roles
            .get(written)
            .cloned()
            .unwrap_or_else(|| default.to_owned())
    }
}

/// How imported annotations are made.
#[derive(Clone, Debug)]
pub struct ImportOptions {
    /// `--map` and `--role`.
    pub mapping: Mapping,
    /// Status of spans that do not carry their own.
    pub status: Status,
    /// Author of spans that do not carry their own.
    pub author: String,
    /// Origin of every new annotation.
    pub origin: Origin,
    /// Creation time.
    pub now: DateTime<Utc>,
    /// A span is a duplicate only of one by the same author (set when each
    /// annotator's file is imported under their name, so two annotators'
    /// identical spans are both kept for `agree`).
    pub per_author: bool,
    /// Names of numeric label ids (doccano's label list, `--labels FILE`).
    pub label_names: HashMap<u64, String>,
}

impl ImportOptions {
    /// Unreviewed, authored by the format name, no mapping.
    pub fn new(format: &str) -> ImportOptions {
        ImportOptions {
            mapping: Mapping::default(),
            status: Status::Unreviewed,
            author: format.to_owned(),
            origin: Origin::Imported {
                source: String::new(),
                format: format.to_owned(),
            },
            now: Utc::now(),
            per_author: false,
            label_names: HashMap::new(),
        }
    }
}

/// The kinds of element counted.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum Element {
    /// A span (a brat `T`, however many fragments).
    Span,
    /// A link (a brat `R`, a doccano relation).
    Link,
    /// An event (a brat `E`).
    Event,
    /// An equivalence set (a brat `*`).
    Equiv,
    /// A note.
    Note,
    /// An attribute.
    Attribute,
    /// A knowledge-base reference.
    Reference,
}

impl Element {
    const ALL: [Element; 7] = [
        Element::Span,
        Element::Link,
        Element::Event,
        Element::Equiv,
        Element::Note,
        Element::Attribute,
        Element::Reference,
    ];

    fn names(self) -> (&'static str, &'static str) {
        match self {
            Element::Span => ("span", "spans"),
            Element::Link => ("link", "links"),
            Element::Event => ("event", "events"),
            Element::Equiv => ("equivalence", "equivalences"),
            Element::Note => ("note", "notes"),
            Element::Attribute => ("attribute", "attributes"),
            Element::Reference => ("reference", "references"),
        }
    }
}

/// The summary of an import: every element of the input is counted once.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Counts {
    /// Records (JSONL lines, brat documents) read.
    pub records: usize,
    /// Imported elements, per [`Element`].
    pub imported: BTreeMap<Element, usize>,
    /// Already there (same label, range and kind; same link, note, ...).
    pub duplicates: usize,
    /// Left out by a decision (`--map TYPE=-`, the input's own).
    pub left_out: usize,
    /// Could not be read or represented: reported, exit 1.
    pub not_imported: usize,
}

impl Counts {
    /// Imported elements of all kinds.
    pub fn imported_total(&self) -> usize {
        self.imported.values().sum()
    }

    /// Add another summary to this one.
    pub fn add(&mut self, other: &Counts) {
        self.records += other.records;
        for (k, n) in &other.imported {
            *self.imported.entry(*k).or_default() += n;
        }
        self.duplicates += other.duplicates;
        self.left_out += other.left_out;
        self.not_imported += other.not_imported;
    }

    fn imported_one(&mut self, e: Element) {
        *self.imported.entry(e).or_default() += 1;
    }
}

impl fmt::Display for Counts {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{} records: {} imported",
            self.records,
            self.imported_total()
        )?;
        let parts: Vec<String> = Element::ALL
            .iter()
            .filter_map(|e| {
                let n = *self.imported.get(e)?;
                let (one, many) = e.names();
                (n > 0).then(|| format!("{n} {}", if n == 1 { one } else { many }))
            })
            .collect();
        if !parts.is_empty() {
            write!(f, " ({})", parts.join(", "))?;
        }
        write!(
            f,
            ", {} duplicates skipped, {} left out, {} not imported",
            self.duplicates, self.left_out, self.not_imported
        )
    }
}

/// What importing one document into one article gives.
#[derive(Clone, Debug, Default)]
pub struct Applied {
    /// Inserts of new annotations, then updates of existing ones; applied in
    /// order (as one undo step in the window) they make the import.
    pub edits: Vec<Edit>,
    /// The document note after the import, when the import changed it.
    pub note: Option<String>,
    /// The counts (without `records`: the caller counts those).
    pub counts: Counts,
    /// `(line, what was not imported and why)`.
    pub problems: Vec<(usize, String)>,
    /// `(line, what)`: imported, but not quite as written (an id already
    /// taken, for instance).
    pub notices: Vec<(usize, String)>,
}

/// What a key of the input became.
#[derive(Clone, Debug)]
enum Key {
    /// A span: its first fragment and its label.
    Span(AnnotationId, Label),
    /// A link, held by this annotation.
    Link(AnnotationId, Link),
    /// An event triggered by this annotation.
    Event(AnnotationId, String),
    /// Left out by a decision.
    LeftOut,
    /// Could not be imported.
    Failed,
}

/// Import `doc` into the article whose annotations are `existing` (and
/// whose document note is `note`).
pub fn apply(
    doc: &InDoc,
    article: &Article,
    existing: &Annotations,
    note: Option<&str>,
    opts: &ImportOptions,
) -> Applied {
    let mut st = State {
        article,
        existing,
        opts,
        new: Vec::new(),
        new_index: HashMap::new(),
        new_by_range: HashMap::new(),
        changed: BTreeMap::new(),
        keys: HashMap::new(),
        parts: None,
        note: note.map(str::to_owned),
        note_changed: false,
        per_author: opts.per_author || doc.per_author,
        out: Applied::default(),
    };
    for (line, reason) in &doc.problems {
        st.problem(*line, reason.clone());
    }
    st.out.counts.left_out += doc.left_out.len();
    for (line, what) in &doc.left_out {
        st.out.notices.push((*line, format!("left out: {what}")));
    }
    st.out.notices.extend(doc.notices.iter().cloned());
    if let Some(text) = &doc.text
        && text != article.text()
    {
        let n = doc.element_count() - doc.problems.len() - doc.left_out.len();
        st.out.counts.not_imported += n;
        st.out.problems.push((
            doc.line,
            format!(
                "the record's text differs from the article's ({} vs {} code points); its {n} element(s) are not imported",
                text.chars().count(),
                article.char_len()
            ),
        ));
        return st.out;
    }
    for span in &doc.spans {
        st.span(span);
    }
    for event in &doc.events {
        st.event(event);
    }
    for link in &doc.links {
        st.link(link);
    }
    for equiv in &doc.equivs {
        st.equiv(equiv);
    }
    for n in &doc.notes {
        st.note(n);
    }
    for a in &doc.attrs {
        st.attr(a);
    }
    for n in &doc.norms {
        st.norm(n);
    }
    st.finish()
}

/// An event argument: role as written, role, and the span it names (when imported).
type Resolved<'a> = (&'a String, &'a String, Option<(AnnotationId, Label)>);

/// What a new fragment is: label, kind and author.
#[derive(Clone, Copy)]
struct SpanType<'a> {
    label: Label,
    kind: Option<&'a str>,
    author: &'a str,
}

struct State<'a> {
    article: &'a Article,
    existing: &'a Annotations,
    opts: &'a ImportOptions,
    /// Annotations made by this import, in order.
    new: Vec<Annotation>,
    new_index: HashMap<AnnotationId, usize>,
    /// Range → positions in `new`, for finding duplicates.
    new_by_range: HashMap<CharRange, Vec<usize>>,
    /// Existing annotations this import changed: `(before, after)`.
    changed: BTreeMap<AnnotationId, (Annotation, Annotation)>,
    keys: HashMap<String, Key>,
    /// First fragment → later fragments, built when first needed.
    parts: Option<HashMap<AnnotationId, Vec<AnnotationId>>>,
    note: Option<String>,
    note_changed: bool,
    /// Duplicates only within one author.
    per_author: bool,
    out: Applied,
}

/// Whether an element was added or already there.
enum Added {
    New,
    Duplicate,
}

impl State<'_> {
    fn problem(&mut self, line: usize, reason: String) {
        self.out.counts.not_imported += 1;
        self.out.problems.push((line, reason));
    }

    fn counted(&mut self, e: Element, added: Added) {
        match added {
            Added::New => self.out.counts.imported_one(e),
            Added::Duplicate => self.out.counts.duplicates += 1,
        }
    }

    /// New and existing annotations over exactly `range`.
    fn at_range(&self, range: CharRange) -> impl Iterator<Item = &Annotation> + '_ {
        self.new_by_range
            .get(&range)
            .into_iter()
            .flatten()
            .filter_map(|&i| self.new.get(i))
            .chain(
                self.existing
                    .overlapping(range)
                    .filter(move |a| a.range() == range),
            )
    }

    fn get(&self, id: &AnnotationId) -> Option<&Annotation> {
        if let Some(&i) = self.new_index.get(id) {
            return self.new.get(i);
        }
        if let Some((_, after)) = self.changed.get(id) {
            return Some(after);
        }
        self.existing.get(id)
    }

    fn get_mut(&mut self, id: &AnnotationId) -> Option<&mut Annotation> {
        if let Some(&i) = self.new_index.get(id) {
            return self.new.get_mut(i);
        }
        if !self.changed.contains_key(id) {
            let a = self.existing.get(id)?.clone();
            self.changed.insert(id.clone(), (a.clone(), a));
        }
        self.changed.get_mut(id).map(|(_, after)| after)
    }

    /// True when `a` has this label, range and kind (and author, when the
    /// import is per author).
    fn same_span(
        &self,
        a: &Annotation,
        range: CharRange,
        label: Label,
        kind: Option<&str>,
        author: &str,
    ) -> bool {
        a.label == label
            && a.range() == range
            && a.kind.as_deref() == kind
            && (!self.per_author || a.author == author)
    }

    /// A whole (one-fragment) annotation, existing or new, that this span
    /// duplicates. Fragments of discontinuous spans are not candidates: a
    /// span is not the duplicate of one part of another.
    fn duplicate_of(
        &mut self,
        range: CharRange,
        label: Label,
        kind: Option<&str>,
        author: &str,
    ) -> Option<AnnotationId> {
        self.ensure_parts();
        let heads = self.parts.as_ref()?;
        let whole = |a: &Annotation| a.first_fragment().is_none() && !heads.contains_key(&a.id);
        self.at_range(range)
            .find(|a| whole(a) && self.same_span(a, range, label, kind, author))
            .map(|a| a.id.clone())
    }

    /// Build the index of first fragment → later fragments, over existing
    /// and new annotations (kept up to date as fragments are added).
    fn ensure_parts(&mut self) {
        if self.parts.is_none() {
            let mut parts: HashMap<AnnotationId, Vec<AnnotationId>> = HashMap::new();
            for a in self.existing.iter().chain(&self.new) {
                if let Some(first) = a.first_fragment() {
                    parts.entry(first.clone()).or_default().push(a.id.clone());
                }
            }
            self.parts = Some(parts);
        }
    }

    /// The first fragment of an existing discontinuous span with exactly
    /// these fragments (imported before).
    fn same_group(
        &mut self,
        fragments: &[CharRange],
        label: Label,
        kind: Option<&str>,
        author: &str,
    ) -> Option<AnnotationId> {
        let (head, rest) = fragments.split_first()?;
        if rest.is_empty() {
            return None;
        }
        self.ensure_parts();
        let heads = self.parts.as_ref()?;
        let candidates: Vec<AnnotationId> = self
            .at_range(*head)
            .filter(|a| self.same_span(a, *head, label, kind, author))
            .map(|a| a.id.clone())
            .collect();
        candidates.into_iter().find(|id| {
            let Some(parts) = heads.get(id) else {
                return false;
            };
            let mut ranges: Vec<CharRange> = parts
                .iter()
                .filter_map(|p| self.get(p))
                .filter(|p| self.same_span(p, p.range(), label, kind, author))
                .map(Annotation::range)
                .collect();
            ranges.sort();
            ranges == rest
        })
    }

    fn span(&mut self, span: &InSpan) {
        let key = span.key.clone().unwrap_or_default();
        let written = match span.label_id {
            None => span.label.as_str(),
            Some(id) => match self.opts.label_names.get(&id) {
                Some(name) => name.as_str(),
                None => {
                    let why = if self.opts.label_names.is_empty() {
                        "give the project's label list with --labels FILE (doccano: Labels ▸ Export)"
                    } else {
                        "it is not in the label list"
                    };
                    let what = span.key.as_deref().unwrap_or("span");
                    self.problem(span.line, format!("{what}: numeric label id {id}: {why}"));
                    self.keys.insert(key, Key::Failed);
                    return;
                }
            },
        };
        let Some((label, kind)) = self.opts.mapping.map_type(written, span.kind.as_deref()) else {
            self.out.counts.left_out += 1;
            self.keys.insert(key, Key::LeftOut);
            return;
        };
        let (fragments, positions) = match self.fragments(span) {
            Ok(f) => f,
            Err(reason) => {
                let what = span.key.as_deref().unwrap_or("span");
                self.problem(span.line, format!("{what}: {reason}"));
                self.keys.insert(key, Key::Failed);
                return;
            }
        };
        let author = span.author.as_deref().unwrap_or(&self.opts.author);
        let mut added = Added::Duplicate;
        let first = match self.same_group(&fragments, label, kind.as_deref(), author) {
            Some(first) => first,
            None => {
                let whole = fragments.len() == 1;
                let mut first: Option<AnnotationId> = None;
                for (i, range) in fragments.into_iter().enumerate() {
                    let wanted_id = if i == 0 { span.id.as_ref() } else { None };
                    let ty = SpanType {
                        label,
                        kind: kind.as_deref(),
                        author,
                    };
                    let (id, was) = self.fragment(span, range, ty, wanted_id, whole);
                    if let Added::New = was {
                        added = Added::New;
                    }
                    match &first {
                        None => first = Some(id),
                        Some(first) => {
                            let mut part = Link::new(PART_OF, first.clone());
                            part.position = positions.as_ref().and_then(|p| p.get(i).copied());
                            if let Some(a) = self.get_mut(&id) {
                                a.links.push(part);
                            }
                            if let Some(parts) = &mut self.parts {
                                parts.entry(first.clone()).or_default().push(id);
                            }
                        }
                    }
                }
                let Some(first) = first else { return };
                first
            }
        };
        if let Some(text) = &span.note
            && let Added::New = self.add_note(&first, text)
        {
            added = Added::New;
        }
        for (name, value) in &span.attrs {
            match self.add_attr(&first, name, value) {
                Ok(Added::New) => added = Added::New,
                Ok(Added::Duplicate) => {}
                Err(reason) => self.out.notices.push((span.line, reason)),
            }
        }
        self.counted(Element::Span, added);
        self.keys.insert(key, Key::Span(first, label));
    }

    /// The span's fragments, checked, sorted by offset, with the ones
    /// separated only by line breaks joined.
    ///
    /// Also gives each fragment's place in the input's list, when that list
    /// was not in offset order and nothing was joined (so a brat export can
    /// list them as the input did).
    fn fragments(&self, span: &InSpan) -> Result<(Vec<CharRange>, Option<Vec<usize>>), String> {
        if span.fragments.is_empty() {
            return Err("no offsets".into());
        }
        let mut order: Vec<usize> = (0..span.fragments.len()).collect();
        order.sort_by_key(|&i| span.fragments[i]);
        let frags: Vec<CharRange> = order.iter().map(|&i| span.fragments[i]).collect();
        for r in &frags {
            check_range(self.article, *r)?;
        }
        let mut joined: Vec<CharRange> = Vec::with_capacity(frags.len());
        for r in frags {
            if let Some(last) = joined.last_mut() {
                if r.start < last.end {
                    return Err(format!("fragments {last} and {r} overlap"));
                }
                let gap = self
                    .article
                    .slice(CharRange::new(last.end, r.start))
                    .unwrap_or_default();
                if !gap.is_empty() && gap.chars().all(is_line_break) {
                    last.end = r.end;
                    continue;
                }
            }
            joined.push(r);
        }
        let sorted = order.windows(2).all(|w| w[0] < w[1]);
        let positions = (!sorted && joined.len() == order.len()).then_some(order);
        Ok((joined, positions))
    }

    /// Add one fragment (or find its duplicate).
    fn fragment(
        &mut self,
        span: &InSpan,
        range: CharRange,
        ty: SpanType<'_>,
        wanted_id: Option<&AnnotationId>,
        whole: bool,
    ) -> (AnnotationId, Added) {
        let SpanType {
            label,
            kind,
            author,
        } = ty;
        let mut id = None;
        if let Some(want) = wanted_id {
            match self.get(want) {
                Some(a) if a.label == label && a.range() == range && a.kind.as_deref() == kind => {
                    return (want.clone(), Added::Duplicate);
                }
                Some(_) => {
                    let fresh = AnnotationId::generate();
                    self.out.notices.push((
                        span.line,
                        format!(
                            "id {want} is another annotation's in the sidecar; imported as {fresh}"
                        ),
                    ));
                    id = Some(fresh);
                }
                None => id = Some(want.clone()),
            }
        }
        if whole && let Some(dup) = self.duplicate_of(range, label, kind, author) {
            return (dup, Added::Duplicate);
        }
        // The range was checked, so this always succeeds.
        let Some(mut a) = Annotation::new(
            self.article,
            range,
            label,
            author,
            self.opts.now,
            self.opts.origin.clone(),
        ) else {
            return (AnnotationId::default(), Added::Duplicate);
        };
        if let Some(id) = id {
            a.id = id;
        }
        a.kind = kind.map(str::to_owned);
        a.status = span.status.unwrap_or(self.opts.status);
        let id = a.id.clone();
        self.new_index.insert(id.clone(), self.new.len());
        self.new_by_range
            .entry(a.range())
            .or_default()
            .push(self.new.len());
        self.new.push(a);
        (id, Added::New)
    }

    fn add_note(&mut self, id: &AnnotationId, text: &str) -> Added {
        let Some(a) = self.get_mut(id) else {
            return Added::Duplicate;
        };
        append_note(&mut a.note, text)
    }

    fn add_attr(&mut self, id: &AnnotationId, name: &str, value: &str) -> Result<Added, String> {
        let Some(a) = self.get_mut(id) else {
            return Ok(Added::Duplicate);
        };
        put_attr(&mut a.attrs, name, value)
    }

    fn span_key(&self, key: &str) -> Option<&Key> {
        self.keys.get(key)
    }

    fn event(&mut self, ev: &InEvent) {
        let mapping = &self.opts.mapping;
        let args: Vec<(String, String, &str)> = ev
            .args
            .iter()
            .map(|(written, key)| {
                (
                    written.clone(),
                    mapping.role(written, &written.to_lowercase()),
                    key.as_str(),
                )
            })
            .collect();
        match self.span_key(&ev.trigger).cloned() {
            Some(Key::Span(trigger, _)) => self.event_on(ev, &trigger, &args),
            Some(Key::LeftOut) => self.event_without_trigger(ev, &args),
            _ => {
                self.problem(
                    ev.line,
                    format!("{}: its trigger {} was not imported", ev.key, ev.trigger),
                );
                self.keys.insert(ev.key.clone(), Key::Failed);
            }
        }
    }

    /// An event on an imported trigger: an [`EventInfo`] on it and a link
    /// to each argument.
    fn event_on(&mut self, ev: &InEvent, trigger: &AnnotationId, args: &[(String, String, &str)]) {
        let mut links = Vec::new();
        for (written, role, key) in args {
            match self.span_key(key).cloned() {
                Some(Key::Span(target, _)) => {
                    let mut link = Link::new(role.clone(), target);
                    if written != role {
                        link.input_role = Some(written.clone());
                    }
                    links.push(link);
                }
                Some(Key::LeftOut) => self.out.counts.left_out += 1,
                _ => self.problem(
                    ev.line,
                    format!("{}: argument {written}:{key} was not imported", ev.key),
                ),
            }
        }
        let Some(a) = self.get(trigger) else { return };
        // The same event already there (imported before): same type, same arguments.
        let same = a.events.iter().find(|e| {
            e.kind == ev.kind && {
                let mut theirs: Vec<(&str, &AnnotationId)> = a
                    .links
                    .iter()
                    .filter(|l| l.event.as_deref() == Some(e.id.as_str()))
                    .map(|l| (l.role.as_str(), &l.target))
                    .collect();
                let mut ours: Vec<(&str, &AnnotationId)> =
                    links.iter().map(|l| (l.role.as_str(), &l.target)).collect();
                theirs.sort();
                ours.sort();
                theirs == ours
            }
        });
        if let Some(e) = same {
            let id = e.id.clone();
            self.keys
                .insert(ev.key.clone(), Key::Event(trigger.clone(), id));
            self.counted(Element::Event, Added::Duplicate);
            return;
        }
        let event_id = AnnotationId::generate().0;
        let Some(a) = self.get_mut(trigger) else {
            return;
        };
        a.events.push(EventInfo {
            id: event_id.clone(),
            kind: ev.kind.clone(),
            ..EventInfo::default()
        });
        for mut link in links {
            link.event = Some(event_id.clone());
            a.links.push(link);
        }
        self.keys
            .insert(ev.key.clone(), Key::Event(trigger.clone(), event_id));
        self.counted(Element::Event, Added::New);
    }

    /// An event whose trigger was left out: links from each argument that is
    /// a quote or claim to every other argument.
    fn event_without_trigger(&mut self, ev: &InEvent, args: &[(String, String, &str)]) {
        self.keys.insert(ev.key.clone(), Key::LeftOut);
        let resolved: Vec<Resolved<'_>> = args
            .iter()
            .map(|(written, role, key)| match self.span_key(key) {
                Some(Key::Span(id, label)) => (written, role, Some((id.clone(), *label))),
                _ => (written, role, None),
            })
            .collect();
        let heads: Vec<AnnotationId> = resolved
            .iter()
            .filter_map(|(_, _, s)| s.clone())
            .filter(|(_, l)| matches!(l, Label::Quote | Label::Claim))
            .map(|(id, _)| id)
            .collect();
        if heads.is_empty() {
            self.out.counts.left_out += 1;
            return;
        }
        let mut added = Added::Duplicate;
        for head in &heads {
            for (written, role, target) in &resolved {
                let Some((target, _)) = target else { continue };
                if target == head {
                    continue;
                }
                let mut link = Link::new((*role).clone(), target.clone());
                if written != role {
                    link.input_role = Some((*written).clone());
                }
                if let Added::New = self.add_link(head, link) {
                    added = Added::New;
                }
            }
        }
        self.counted(Element::Event, added);
    }

    fn add_link(&mut self, from: &AnnotationId, link: Link) -> Added {
        let Some(a) = self.get_mut(from) else {
            return Added::Duplicate;
        };
        let same = |l: &Link| {
            l.role == link.role
                && l.target == link.target
                && l.relation == link.relation
                && l.event.is_none()
        };
        if a.links.iter().any(same) {
            return Added::Duplicate;
        }
        a.links.push(link);
        Added::New
    }

    fn link(&mut self, l: &InLink) {
        let from = self.span_key(&l.from).cloned();
        let to = self.span_key(&l.to).cloned();
        let key = l.key.clone();
        match (from, to) {
            (Some(Key::Span(from, _)), Some(Key::Span(to, _))) => {
                let mut link = l.link.clone();
                link.target = to;
                link.role = self.opts.mapping.role(&l.written_role, &link.role);
                if link.relation.is_none()
                    && link.input_role.is_none()
                    && link.role != l.written_role
                {
                    link.input_role = Some(l.written_role.clone());
                }
                let added = self.add_link(&from, link.clone());
                self.counted(Element::Link, added);
                if let Some(k) = key {
                    self.keys.insert(k, Key::Link(from, link));
                }
            }
            (Some(Key::LeftOut), _) | (_, Some(Key::LeftOut)) => {
                self.out.counts.left_out += 1;
                if let Some(k) = key {
                    self.keys.insert(k, Key::LeftOut);
                }
            }
            _ => {
                let name = l.key.as_deref().unwrap_or("link");
                self.problem(
                    l.line,
                    format!(
                        "{name} {} {} -> {}: an argument was not imported",
                        l.written_role, l.from, l.to
                    ),
                );
                if let Some(k) = key {
                    self.keys.insert(k, Key::Failed);
                }
            }
        }
    }

    fn equiv(&mut self, eq: &InEquiv) {
        let mut members = Vec::new();
        for key in &eq.members {
            match self.span_key(key) {
                Some(Key::Span(id, _)) => members.push(id.clone()),
                Some(Key::LeftOut) => {}
                _ => {
                    self.problem(
                        eq.line,
                        format!(
                            "{} {}: member {key} was not imported",
                            eq.kind,
                            eq.members.join(" ")
                        ),
                    );
                    return;
                }
            }
        }
        let Some((first, rest)) = members.split_first() else {
            self.out.counts.left_out += 1;
            return;
        };
        if rest.is_empty() {
            self.out.counts.left_out += 1;
            return;
        }
        let role = self.opts.mapping.role(&eq.kind, EQUIV);
        let already = self.get(first).is_some_and(|a| {
            rest.iter().all(|m| {
                a.links.iter().any(|l| {
                    &l.target == m && l.role == role && l.relation.as_deref() == Some(&eq.kind)
                })
            })
        });
        if already {
            self.counted(Element::Equiv, Added::Duplicate);
            return;
        }
        let set = AnnotationId::generate().0;
        let Some(a) = self.get_mut(first) else { return };
        for m in rest {
            let mut link = Link::new(role.clone(), m.clone());
            link.relation = Some(eq.kind.clone());
            link.event = Some(set.clone());
            a.links.push(link);
        }
        self.counted(Element::Equiv, Added::New);
    }

    fn note(&mut self, n: &InNote) {
        let Some(target) = &n.target else {
            let added = append_note(&mut self.note, &n.text);
            if let Added::New = added {
                self.note_changed = true;
            }
            self.counted(Element::Note, added);
            return;
        };
        let added = match self.keys.get(target).cloned() {
            Some(Key::Span(id, _)) => self.add_note(&id, &n.text),
            Some(Key::Link(owner, link)) => {
                self.on_link(&owner, &link, |l| append_note(&mut l.note, &n.text))
            }
            Some(Key::Event(owner, event)) => {
                self.on_event(&owner, &event, |e| append_note(&mut e.note, &n.text))
            }
            Some(Key::LeftOut) => {
                self.out.counts.left_out += 1;
                return;
            }
            Some(Key::Failed) | None => {
                self.problem(n.line, format!("note on {target}, which was not imported"));
                return;
            }
        };
        self.counted(Element::Note, added);
    }

    fn attr(&mut self, at: &InAttr) {
        let result = match self.keys.get(&at.target).cloned() {
            Some(Key::Span(id, _)) => self.add_attr(&id, &at.name, &at.value),
            Some(Key::Link(owner, link)) => {
                let mut r = Ok(Added::Duplicate);
                self.on_link(&owner, &link, |l| {
                    r = put_attr(&mut l.attrs, &at.name, &at.value);
                    Added::Duplicate
                });
                r
            }
            Some(Key::Event(owner, event)) => {
                let mut r = Ok(Added::Duplicate);
                self.on_event(&owner, &event, |e| {
                    r = put_attr(&mut e.attrs, &at.name, &at.value);
                    Added::Duplicate
                });
                r
            }
            Some(Key::LeftOut) => {
                self.out.counts.left_out += 1;
                return;
            }
            Some(Key::Failed) | None => Err(format!(
                "attribute {} on {}, which was not imported",
                at.name, at.target
            )),
        };
        match result {
            Ok(added) => self.counted(Element::Attribute, added),
            Err(reason) => self.problem(at.line, reason),
        }
    }

    fn norm(&mut self, n: &InNorm) {
        match self.keys.get(&n.target).cloned() {
            Some(Key::Span(id, _)) => {
                let Some(a) = self.get_mut(&id) else { return };
                let added = if a.norms.contains(&n.norm) {
                    Added::Duplicate
                } else {
                    a.norms.push(n.norm.clone());
                    Added::New
                };
                self.counted(Element::Reference, added);
            }
            Some(Key::LeftOut) => self.out.counts.left_out += 1,
            Some(_) | None => self.problem(
                n.line,
                format!(
                    "reference {} {}:{} on {}, which is not an imported span",
                    n.norm.kind, n.norm.db, n.norm.entry, n.target
                ),
            ),
        }
    }

    /// Change the link `link` held by `owner` (found by role, target and event).
    fn on_link(
        &mut self,
        owner: &AnnotationId,
        link: &Link,
        f: impl FnOnce(&mut Link) -> Added,
    ) -> Added {
        let Some(a) = self.get_mut(owner) else {
            return Added::Duplicate;
        };
        match a
            .links
            .iter_mut()
            .find(|l| l.role == link.role && l.target == link.target && l.relation == link.relation)
        {
            Some(l) => f(l),
            None => Added::Duplicate,
        }
    }

    /// Change the event `event` triggered by `owner`.
    fn on_event(
        &mut self,
        owner: &AnnotationId,
        event: &str,
        f: impl FnOnce(&mut EventInfo) -> Added,
    ) -> Added {
        let Some(a) = self.get_mut(owner) else {
            return Added::Duplicate;
        };
        match a.events.iter_mut().find(|e| e.id == event) {
            Some(e) => f(e),
            None => Added::Duplicate,
        }
    }

    fn finish(mut self) -> Applied {
        let mut edits: Vec<Edit> = self.new.into_iter().map(Edit::Insert).collect();
        for (_, (before, mut after)) in self.changed {
            if before != after {
                after.touch(&self.opts.author, self.opts.now);
                edits.push(Edit::Update {
                    before: Box::new(before),
                    after: Box::new(after),
                });
            }
        }
        self.out.edits = edits;
        if self.note_changed {
            self.out.note = self.note;
        }
        self.out
    }
}

/// Add `text` to a note: kept when new, a duplicate when the note already
/// holds it, appended on a line of its own otherwise.
fn append_note(note: &mut Option<String>, text: &str) -> Added {
    match note {
        Some(old) if old.split('\n').any(|l| l == text) || old == text => Added::Duplicate,
        Some(old) => {
            old.push('\n');
            old.push_str(text);
            Added::New
        }
        None => {
            *note = Some(text.to_owned());
            Added::New
        }
    }
}

/// Set an attribute unless it already holds another value (reported).
fn put_attr(
    attrs: &mut BTreeMap<String, String>,
    name: &str,
    value: &str,
) -> Result<Added, String> {
    match attrs.get(name) {
        Some(v) if v == value => Ok(Added::Duplicate),
        Some(v) => Err(format!(
            "attribute {name} = {value:?}: the annotation already has {name} = {v:?}"
        )),
        None => {
            attrs.insert(name.to_owned(), value.to_owned());
            Ok(Added::New)
        }
    }
}

/// A range must be non-empty, inside the article and on whole characters.
pub fn check_range(article: &Article, range: CharRange) -> Result<(), String> {
    if range.is_empty() {
        return Err(format!("span {range}: empty or reversed"));
    }
    if range.end.0 > article.char_len() {
        return Err(format!(
            "span {range}: out of range (the article has {} code points)",
            article.char_len()
        ));
    }
    for pos in [range.start, range.end] {
        if article.splits_grapheme(pos) {
            return Err(format!(
                "span {range}: offset {pos} splits a character (grapheme cluster)"
            ));
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn article() -> Article {
        Article::new("Dehqan said:\n“no capacity”\nfor a new crisis.".into())
    }

    fn r(a: usize, b: usize) -> CharRange {
        CharRange::from_usize(a, b)
    }

    fn applied_set(article: &Article, doc: &InDoc, opts: &ImportOptions) -> (Annotations, Applied) {
        let mut set = Annotations::default();
        let applied = apply(doc, article, &set, None, opts);
        for e in &applied.edits {
            assert!(e.apply_to(&mut set), "{e:?}");
        }
        (set, applied)
    }

    #[test]
    fn same_range_with_another_kind_is_not_a_duplicate() {
        let article = article();
        let mut doc = InDoc::default();
        doc.spans.push(InSpan::new(1, "T1", "Cue", vec![r(7, 11)]));
        doc.spans
            .push(InSpan::new(2, "T2", "Attribution", vec![r(7, 11)]));
        doc.spans.push(InSpan::new(3, "T3", "Cue", vec![r(7, 11)]));
        let (set, applied) = applied_set(&article, &doc, &ImportOptions::new("brat"));
        assert_eq!(set.len(), 2);
        assert_eq!(applied.counts.duplicates, 1);
        // Importing again adds nothing.
        let again = apply(&doc, &article, &set, None, &ImportOptions::new("brat"));
        assert!(again.edits.is_empty());
        assert_eq!(again.counts.duplicates, 3);
    }

    #[test]
    fn fragments_link_to_the_first_and_line_breaks_join() {
        let article = article();
        let mut doc = InDoc::default();
        // "“no capacity”" (13..26) and "for" (27..30) are one line break apart.
        let mut span = InSpan::new(1, "T1", "Quote", vec![r(27, 30), r(13, 26), r(0, 6)]);
        span.note = Some("split".into());
        doc.spans.push(span);
        let (set, applied) = applied_set(&article, &doc, &ImportOptions::new("brat"));
        assert_eq!(applied.counts.imported[&Element::Span], 1);
        let anns = set.as_slice();
        assert_eq!(anns.len(), 2);
        assert_eq!(anns[0].range(), r(0, 6));
        assert_eq!(anns[0].note.as_deref(), Some("split"));
        assert_eq!(anns[1].range(), r(13, 30));
        assert_eq!(anns[1].first_fragment(), Some(&anns[0].id));
    }

    #[test]
    fn events_link_the_trigger_or_their_quotes_when_it_is_left_out() {
        let article = article();
        let mut doc = InDoc::default();
        doc.spans
            .push(InSpan::new(1, "T1", "Source", vec![r(0, 6)]));
        doc.spans.push(InSpan::new(2, "T2", "Cue", vec![r(7, 11)]));
        doc.spans
            .push(InSpan::new(3, "T3", "Content", vec![r(13, 26)]));
        doc.spans
            .push(InSpan::new(4, "T4", "Attribution", vec![r(7, 11)]));
        doc.events.push(InEvent {
            line: 5,
            key: "E1".into(),
            kind: "Attribution".into(),
            trigger: "T4".into(),
            args: vec![
                ("Content".into(), "T3".into()),
                ("Cue".into(), "T2".into()),
                ("Source".into(), "T1".into()),
            ],
        });
        doc.attrs.push(InAttr {
            line: 6,
            target: "E1".into(),
            name: "Negated".into(),
            value: "true".into(),
        });
        let (set, applied) = applied_set(&article, &doc, &ImportOptions::new("brat"));
        assert_eq!(applied.counts.not_imported, 0, "{:?}", applied.problems);
        let trigger = set
            .iter()
            .find(|a| a.kind.as_deref() == Some("Attribution"))
            .unwrap();
        assert_eq!(trigger.events.len(), 1);
        assert_eq!(trigger.events[0].attrs["Negated"], "true");
        let roles: Vec<_> = trigger
            .links
            .iter()
            .map(|l| (l.role.as_str(), l.input_role.as_deref()))
            .collect();
        assert_eq!(
            roles,
            [
                ("content", Some("Content")),
                ("cue", Some("Cue")),
                ("source", Some("Source"))
            ]
        );

        let mut opts = ImportOptions::new("brat");
        for m in ["Content=Quote", "Source=Entity:Source", "Attribution=-"] {
            opts.mapping.add_type(m).unwrap();
        }
        opts.mapping.add_role("Source=speaker").unwrap();
        let (set, applied) = applied_set(&article, &doc, &opts);
        assert_eq!(
            applied.counts.left_out, 2,
            "the trigger and the attribute on its event"
        );
        assert_eq!(set.len(), 3);
        let quote = set.iter().find(|a| a.label == Label::Quote).unwrap();
        let roles: Vec<_> = quote.links.iter().map(|l| l.role.as_str()).collect();
        assert_eq!(roles, ["cue", "speaker"]);
    }

    #[test]
    fn problems_are_reported_with_their_line() {
        let article = article();
        let mut doc = InDoc::default();
        doc.spans
            .push(InSpan::new(1, "T1", "Person", vec![r(0, 99)]));
        doc.links.push(InLink::new(2, "T1", "T9", "Speaker"));
        doc.notes.push(InNote {
            line: 3,
            target: Some("T7".into()),
            text: "x".into(),
        });
        doc.notes.push(InNote {
            line: 4,
            target: None,
            text: "about the article".into(),
        });
        let applied = apply(
            &doc,
            &article,
            &Annotations::default(),
            None,
            &ImportOptions::new("brat"),
        );
        let lines: Vec<usize> = applied.problems.iter().map(|p| p.0).collect();
        assert_eq!(lines, [1, 2, 3]);
        assert_eq!(applied.counts.not_imported, 3);
        assert_eq!(applied.note.as_deref(), Some("about the article"));
    }

    #[test]
    fn a_kept_id_that_is_taken_gets_a_new_one_and_is_reported() {
        let article = article();
        let mut doc = InDoc::default();
        let mut span = InSpan::new(1, "a", "Person", vec![r(0, 6)]);
        span.id = Some(AnnotationId("abc".into()));
        doc.spans.push(span);
        let (set, _) = applied_set(&article, &doc, &ImportOptions::new("spacy"));
        assert!(set.get(&AnnotationId("abc".into())).is_some());
        let again = apply(&doc, &article, &set, None, &ImportOptions::new("spacy"));
        assert_eq!(again.counts.duplicates, 1);
        doc.spans[0].fragments = vec![r(7, 11)];
        let other = apply(&doc, &article, &set, None, &ImportOptions::new("spacy"));
        assert_eq!(other.notices.len(), 1, "{:?}", other.notices);
        assert_eq!(other.counts.imported[&Element::Span], 1);
    }
}
