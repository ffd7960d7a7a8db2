//! The label schema: an optional `marginalia.ron` that configures entity
//! kinds, label colours and shortcut keys, and extra attributes per label
//! (and may name external suggesters, which the window runs only once
//! confirmed).
//!
//! The schema for an article is the first `marginalia.ron` found in the
//! article's folder or any folder above it. The three labels (entity, claim,
//! quote) always exist; a schema only styles them and adds attributes. A
//! schema that cannot be read never stops an article from opening:
//! [`find_and_load`] returns the defaults together with the error (path and
//! line:col) for the window to show.

use crate::model::annotation::Label;
use serde::Deserialize;
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use thiserror::Error;

/// The schema file name looked for.
pub const SCHEMA_FILE_NAME: &str = "marginalia.ron";

/// Largest schema file read, in bytes (1 MiB).
pub const MAX_SCHEMA_BYTES: u64 = 1024 * 1024;

/// Entity kinds used when no schema names any.
pub const DEFAULT_ENTITY_KINDS: [&str; 4] = ["Person", "Organization", "Location", "Other"];

/// The kinds NER tools write (spaCy/OntoNotes, CoNLL, brat's examples) and
/// the entity kind each stands for, when the schema has that kind. An
/// imported `PER` stays `PER` in the sidecar (exports give it back as
/// written); the window shows it as a Person. A schema's `kind_aliases` add
/// to these or override them.
pub const DEFAULT_KIND_ALIASES: [(&str, &str); 9] = [
    ("PER", "Person"),
    ("PERSON", "Person"),
    ("ORG", "Organization"),
    ("ORGANIZATION", "Organization"),
    ("GPE", "Location"),
    ("LOC", "Location"),
    ("LOCATION", "Location"),
    ("FAC", "Location"),
    ("MISC", "Other"),
];

/// How one label looks and what it carries.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct LabelSchema {
    /// Highlight colour as RGB.
    pub colour_rgb: [u8; 3],
    /// Shortcut key: one letter or digit, lower case.
    pub key: char,
    /// Extra attributes and their allowed values (`stance` → support, oppose, neutral).
    pub attributes: BTreeMap<String, Vec<String>>,
}

/// A resolved schema: every label present, every value checked.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Schema {
    /// Entity kinds offered for entities, in order.
    pub entity_kinds: Vec<String>,
    /// Other names of entity kinds, upper-cased (`PER` → `Person`); every
    /// value is one of [`Schema::entity_kinds`].
    pub kind_aliases: BTreeMap<String, String>,
    /// One entry per label, in [`Label::ALL`] order.
    pub labels: BTreeMap<Label, LabelSchema>,
    /// The file it came from; `None` for the defaults.
    pub source: Option<PathBuf>,
    /// External suggesters the folder names, by name. Code from whoever
    /// wrote the folder: the window runs one only once the user has
    /// confirmed it for this file's path and [`Schema::sha256`].
    pub suggesters: BTreeMap<String, FolderSuggester>,
    /// SHA-256 of the file's bytes (hex); empty for the defaults.
    pub sha256: String,
}

impl Default for Schema {
    fn default() -> Self {
        Schema {
            entity_kinds: DEFAULT_ENTITY_KINDS
                .iter()
                .map(|k| (*k).to_owned())
                .collect(),
            kind_aliases: DEFAULT_KIND_ALIASES
                .iter()
                .map(|(alias, kind)| ((*alias).to_owned(), (*kind).to_owned()))
                .collect(),
            labels: Label::ALL.iter().map(|&l| (l, default_label(l))).collect(),
            source: None,
            suggesters: BTreeMap::new(),
            sha256: String::new(),
        }
    }
}

impl Schema {
    /// The schema of `label` (always present).
    pub fn label(&self, label: Label) -> LabelSchema {
        self.labels
            .get(&label)
            .cloned()
            .unwrap_or_else(|| default_label(label))
    }

    /// The labels whose annotations have a kind: those the schema gives
    /// kinds (entities, through `entity_kinds`).
    pub fn has_kinds(&self, label: Label) -> bool {
        label == Label::Entity && !self.entity_kinds.is_empty()
    }

    /// The schema's entity kind `kind` stands for: itself in any case
    /// (`person` → `Person`), or by an alias (`PER` → `Person`); `None` for
    /// a kind the schema does not know.
    pub fn canonical_kind(&self, kind: &str) -> Option<&str> {
        let kind = kind.trim();
        if let Some(k) = self
            .entity_kinds
            .iter()
            .find(|k| k.eq_ignore_ascii_case(kind))
        {
            return Some(k);
        }
        self.kind_aliases
            .get(&kind.to_uppercase())
            .map(String::as_str)
    }

    /// The label whose shortcut is `key` (case-insensitive).
    pub fn label_for_key(&self, key: char) -> Option<Label> {
        let key = key.to_ascii_lowercase();
        self.labels
            .iter()
            .find(|(_, s)| s.key == key)
            .map(|(l, _)| *l)
    }
}

fn default_label(label: Label) -> LabelSchema {
    let (colour_rgb, key) = match label {
        Label::Entity => ([0x4e, 0x79, 0xa7], 'e'),
        Label::Claim => ([0xf2, 0x8e, 0x2b], 'c'),
        Label::Quote => ([0x59, 0xa1, 0x4f], 'q'),
    };
    LabelSchema {
        colour_rgb,
        key,
        attributes: BTreeMap::new(),
    }
}

/// Why a schema file was not (fully) used.
#[derive(Debug, Error)]
#[non_exhaustive]
pub enum SchemaError {
    /// The file exists but could not be read.
    #[error("{path}: cannot read the label schema: {source}")]
    Io {
        /// The file.
        path: PathBuf,
        /// The OS error.
        source: std::io::Error,
    },
    /// Larger than [`MAX_SCHEMA_BYTES`].
    #[error("{path}: the label schema is {byte_len} bytes, over the {MAX_SCHEMA_BYTES}-byte limit")]
    TooLarge {
        /// The file.
        path: PathBuf,
        /// Its size.
        byte_len: u64,
    },
    /// Not valid RON or not a schema; the defaults are used.
    #[error("{path}:{line}:{column}: label schema: {message}; using the default labels")]
    Parse {
        /// The file.
        path: PathBuf,
        /// 1-based line.
        line: usize,
        /// 1-based column.
        column: usize,
        /// What was wrong.
        message: String,
    },
    /// Parsed, but a value is invalid; the defaults are used.
    #[error("{path}: label schema: {message}; using the default labels")]
    Invalid {
        /// The file.
        path: PathBuf,
        /// What was wrong.
        message: String,
    },
}

/// A suggester named in a folder's `marginalia.ron`: either a command line
/// alone (`"name": "python3 ruler.py"`) or with its own time limit
/// (`"name": (command: "python3 ruler.py", timeout_s: 30)`).
#[derive(Clone, Debug, PartialEq, Eq, Deserialize)]
#[serde(from = "SuggesterFile")]
pub struct FolderSuggester {
    /// The command line, run in the file's folder.
    pub command: String,
    /// Its time limit in seconds, when the file gives one (the window's
    /// default applies otherwise).
    pub timeout_s: Option<u64>,
}

/// The two ways a schema may write a suggester.
#[derive(Deserialize)]
#[serde(untagged)]
enum SuggesterFile {
    Command(String),
    Full {
        command: String,
        #[serde(default)]
        timeout_s: Option<u64>,
    },
}

impl From<SuggesterFile> for FolderSuggester {
    fn from(f: SuggesterFile) -> Self {
        match f {
            SuggesterFile::Command(command) => FolderSuggester {
                command,
                timeout_s: None,
            },
            SuggesterFile::Full { command, timeout_s } => FolderSuggester { command, timeout_s },
        }
    }
}

/// The file's shape. Everything is optional so a schema can set one thing.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct SchemaFile {
    #[serde(default)]
    entity_kinds: Option<Vec<String>>,
    #[serde(default)]
    kind_aliases: BTreeMap<String, String>,
    #[serde(default)]
    labels: BTreeMap<Label, LabelFile>,
    #[serde(default)]
    suggesters: BTreeMap<String, FolderSuggester>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct LabelFile {
    #[serde(default)]
    colour: Option<String>,
    #[serde(default)]
    key: Option<String>,
    #[serde(default)]
    attributes: BTreeMap<String, Vec<String>>,
}

/// Parse schema text. `path` is used in errors and recorded as the source.
pub fn parse(text: &str, path: &Path) -> Result<Schema, SchemaError> {
    // Implicit `Some` lets the file say `colour: "#fff000"` rather than `Some("#fff000")`.
    let options = ron::Options::default()
        .with_default_extension(ron::extensions::Extensions::IMPLICIT_SOME)
        .with_recursion_limit(16);
    let file: SchemaFile = options.from_str(text).map_err(|e| SchemaError::Parse {
        path: path.to_owned(),
        line: e.span.start.line,
        column: e.span.start.col,
        message: e.code.to_string(),
    })?;
    let invalid = |message: String| SchemaError::Invalid {
        path: path.to_owned(),
        message,
    };
    let mut schema = Schema {
        source: Some(path.to_owned()),
        sha256: sha256_hex(text.as_bytes()),
        ..Schema::default()
    };
    for (name, s) in &file.suggesters {
        if name.trim().is_empty() || s.command.trim().is_empty() {
            return Err(invalid(format!(
                "suggester {name:?} needs a name and a command"
            )));
        }
        if s.timeout_s == Some(0) {
            return Err(invalid(format!(
                "suggester {name:?}: timeout_s must be at least 1"
            )));
        }
    }
    schema.suggesters = file.suggesters;
    if let Some(kinds) = file.entity_kinds {
        if kinds.iter().any(|k| k.trim().is_empty()) {
            return Err(invalid("an entity kind is empty".into()));
        }
        if !kinds.is_empty() {
            schema.entity_kinds = kinds.into_iter().map(|k| k.trim().to_owned()).collect();
        }
    }
    // The default aliases stay for the kinds the schema kept.
    let kinds = schema.entity_kinds.clone();
    schema.kind_aliases.retain(|_, kind| kinds.contains(kind));
    for (alias, kind) in file.kind_aliases {
        let Some(known) = kinds.iter().find(|k| k.eq_ignore_ascii_case(kind.trim())) else {
            return Err(invalid(format!(
                "kind alias {alias:?}: {kind:?} is not one of the entity kinds"
            )));
        };
        schema
            .kind_aliases
            .insert(alias.trim().to_uppercase(), known.clone());
    }
    for (label, given) in file.labels {
        let entry = schema
            .labels
            .entry(label)
            .or_insert_with(|| default_label(label));
        if let Some(colour) = given.colour {
            entry.colour_rgb = parse_hex_colour(&colour)
                .ok_or_else(|| invalid(format!("{label}: colour {colour:?} is not #rrggbb")))?;
        }
        if let Some(key) = given.key {
            let mut chars = key.chars();
            let (Some(c), None) = (chars.next(), chars.next()) else {
                return Err(invalid(format!(
                    "{label}: key {key:?} is not one character"
                )));
            };
            if !c.is_ascii_alphanumeric() {
                return Err(invalid(format!(
                    "{label}: key {key:?} is not a letter or digit"
                )));
            }
            entry.key = c.to_ascii_lowercase();
        }
        for (name, values) in &given.attributes {
            if name.trim().is_empty() || values.is_empty() {
                return Err(invalid(format!(
                    "{label}: attribute {name:?} needs a name and at least one value"
                )));
            }
        }
        entry.attributes = given.attributes;
    }
    let mut keys: Vec<char> = schema.labels.values().map(|s| s.key).collect();
    keys.sort_unstable();
    if keys.windows(2).any(|w| w[0] == w[1]) {
        return Err(invalid("two labels share a shortcut key".into()));
    }
    Ok(schema)
}

/// SHA-256 of `bytes`, lower-case hex.
fn sha256_hex(bytes: &[u8]) -> String {
    use sha2::Digest;
    sha2::Sha256::digest(bytes)
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

/// `#rrggbb` (or `rrggbb`) → RGB.
pub fn parse_hex_colour(s: &str) -> Option<[u8; 3]> {
    let hex = s.trim().trim_start_matches('#');
    if hex.len() != 6 || !hex.is_ascii() {
        return None;
    }
    let byte = |i: usize| u8::from_str_radix(hex.get(i..i + 2)?, 16).ok();
    Some([byte(0)?, byte(2)?, byte(4)?])
}

/// Read the schema file at `path`.
pub fn load(path: &Path) -> Result<Schema, SchemaError> {
    let io = |source| SchemaError::Io {
        path: path.to_owned(),
        source,
    };
    let meta = std::fs::metadata(path).map_err(io)?;
    if meta.len() > MAX_SCHEMA_BYTES {
        return Err(SchemaError::TooLarge {
            path: path.to_owned(),
            byte_len: meta.len(),
        });
    }
    let bytes = std::fs::read(path).map_err(io)?;
    let text = String::from_utf8(bytes).map_err(|e| SchemaError::Parse {
        path: path.to_owned(),
        line: 1,
        column: 1,
        message: format!("invalid UTF-8 at byte {}", e.utf8_error().valid_up_to()),
    })?;
    parse(&text, path)
}

/// The `marginalia.ron` that applies to `article_path`: the first one in its
/// folder or a folder above it.
pub fn find(article_path: &Path) -> Option<PathBuf> {
    let absolute = std::path::absolute(article_path).ok()?;
    absolute
        .ancestors()
        .skip(1)
        .map(|dir| dir.join(SCHEMA_FILE_NAME))
        .find(|candidate| candidate.is_file())
}

/// The schema for `article_path`, and the error if a schema file was found
/// but could not be used (then the defaults are returned). Never fails.
pub fn find_and_load(article_path: &Path) -> (Schema, Option<SchemaError>) {
    let Some(path) = find(article_path) else {
        return (Schema::default(), None);
    };
    match load(&path) {
        Ok(schema) => (schema, None),
        Err(e) => (Schema::default(), Some(e)),
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn a_folder_suggester_is_a_command_or_a_command_with_its_time_limit() {
        let s = parse(
            "(suggesters: {\"a\": \"sh a.sh\", \"b\": (command: \"sh b.sh\", timeout_s: 30), \"c\": (command: \"sh c.sh\")})",
            Path::new("marginalia.ron"),
        )
        .unwrap();
        let got: Vec<_> = s
            .suggesters
            .iter()
            .map(|(n, s)| (n.as_str(), s.command.as_str(), s.timeout_s))
            .collect();
        assert_eq!(
            got,
            [
                ("a", "sh a.sh", None),
                ("b", "sh b.sh", Some(30)),
                ("c", "sh c.sh", None)
            ]
        );
        let zero = "(suggesters: {\"b\": (command: \"sh b.sh\", timeout_s: 0)})";
        let err = parse(zero, Path::new("marginalia.ron")).unwrap_err();
        assert!(err.to_string().contains("timeout_s"), "{err}");
    }

    #[test]
    fn ner_kinds_stand_for_the_schema_kinds() {
        let s = Schema::default();
        assert_eq!(s.canonical_kind("PER"), Some("Person"));
        assert_eq!(s.canonical_kind("gpe"), Some("Location"));
        assert_eq!(s.canonical_kind("ORG"), Some("Organization"));
        assert_eq!(s.canonical_kind("person"), Some("Person"));
        assert_eq!(s.canonical_kind("NORP"), None);
        assert!(s.has_kinds(Label::Entity));
        assert!(!s.has_kinds(Label::Quote) && !s.has_kinds(Label::Claim));
        // A schema's own aliases; the defaults go with the kinds they name.
        let s = parse(
            "(entity_kinds: [\"Person\", \"Ship\"], kind_aliases: {\"VESSEL\": \"ship\"})",
            Path::new("m.ron"),
        )
        .unwrap();
        assert_eq!(s.canonical_kind("vessel"), Some("Ship"));
        assert_eq!(s.canonical_kind("PER"), Some("Person"));
        assert_eq!(s.canonical_kind("ORG"), None);
        let e = parse("(kind_aliases: {\"X\": \"Ship\"})", Path::new("m.ron")).unwrap_err();
        assert!(e.to_string().contains("not one of the entity kinds"), "{e}");
    }

    use super::*;

    const EXAMPLE: &str = include_str!("../../assets/marginalia.example.ron");

    #[test]
    fn the_shipped_example_parses() {
        let s = parse(EXAMPLE, Path::new("marginalia.ron")).unwrap();
        assert!(s.entity_kinds.contains(&"Person".to_owned()));
        let claim = s.label(Label::Claim);
        assert_eq!(claim.attributes["stance"], ["support", "oppose", "neutral"]);
        assert_eq!(
            s.label(Label::Quote).attributes["mode"],
            ["direct", "indirect"]
        );
        assert_eq!(s.labels.len(), 3);
    }

    #[test]
    fn a_partial_schema_keeps_the_other_defaults() {
        let s = parse(
            "(labels: { Claim: (colour: \"#ff0000\", key: \"K\") })",
            Path::new("m.ron"),
        )
        .unwrap();
        assert_eq!(s.label(Label::Claim).colour_rgb, [255, 0, 0]);
        assert_eq!(s.label_for_key('k'), Some(Label::Claim));
        assert_eq!(s.label(Label::Entity), default_label(Label::Entity));
        assert_eq!(s.entity_kinds, DEFAULT_ENTITY_KINDS);
        assert_eq!(s.labels.len(), 3);
    }

    #[test]
    fn syntax_errors_carry_line_and_column() {
        let err = parse("(\n  entity_kinds: [\"A\",\n  oops", Path::new("m.ron")).unwrap_err();
        let SchemaError::Parse { line, column, .. } = err else {
            panic!("{err}")
        };
        assert_eq!((line, column), (3, 3));
    }

    #[test]
    fn unknown_fields_and_labels_are_errors() {
        assert!(matches!(
            parse("(colours: {})", Path::new("m.ron")),
            Err(SchemaError::Parse { .. })
        ));
        assert!(matches!(
            parse("(labels: { Event: () })", Path::new("m.ron")),
            Err(SchemaError::Parse { .. })
        ));
    }

    #[test]
    fn invalid_values_are_refused() {
        for text in [
            "(labels: { Entity: (colour: \"red\") })",
            "(labels: { Entity: (key: \"ab\") })",
            "(labels: { Entity: (key: \"c\") })",
            "(labels: { Claim: (attributes: { \"stance\": [] }) })",
            "(entity_kinds: [\" \"])",
        ] {
            assert!(
                matches!(
                    parse(text, Path::new("m.ron")),
                    Err(SchemaError::Invalid { .. })
                ),
                "{text}"
            );
        }
    }

    #[test]
    fn hex_colours() {
        assert_eq!(parse_hex_colour("#0a0B10"), Some([10, 11, 16]));
        assert_eq!(parse_hex_colour("0a0b10"), Some([10, 11, 16]));
        assert_eq!(parse_hex_colour("#fff"), None);
        assert_eq!(parse_hex_colour("#ééé"), None);
    }

    #[test]
    fn found_in_a_parent_folder_and_malformed_falls_back() {
        let dir = tempfile::tempdir().unwrap();
        let deep = dir.path().join("a/b");
        std::fs::create_dir_all(&deep).unwrap();
        let article = deep.join("x.txt");
        std::fs::write(&article, "text").unwrap();
        // No schema anywhere below the temp dir: defaults, no error
        // (unless the machine has one above /tmp, which `find` would use).
        std::fs::write(
            dir.path().join(SCHEMA_FILE_NAME),
            "(entity_kinds: [\"Ship\"])",
        )
        .unwrap();
        let (s, err) = find_and_load(&article);
        assert!(err.is_none());
        assert_eq!(s.entity_kinds, ["Ship"]);
        assert_eq!(
            s.source.as_deref(),
            Some(dir.path().join(SCHEMA_FILE_NAME).as_path())
        );
        // A nearer, broken schema wins and falls back to the defaults with an error.
        std::fs::write(deep.join(SCHEMA_FILE_NAME), "(entity_kinds: [").unwrap();
        let (s, err) = find_and_load(&article);
        assert_eq!(s, Schema::default());
        let err = err.unwrap().to_string();
        assert!(err.contains("marginalia.ron:1:"), "{err}");
    }
}
