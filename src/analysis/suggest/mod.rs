//! Who said what: suggestions of quotes, claims, their speakers and cues,
//! and of entities at every occurrence of a tagged one. Pure: no egui, no
//! file I/O; the CLI and the window read and write the sidecars.
//!
//! The pipeline:
//! 1. [`text`] reads the article into tokens, [`quotes`] (quotations with
//!    their marks) and sentences;
//! 2. [`frames`] finds attributions (cue, source, content) with the
//!    reporting cues of the [`lexicon`] and the noun phrases of [`names`];
//! 3. [`wanted_from_frames`] turns them into annotations with links
//!    (`speaker`, `source`, `cue`, `part-of`, `refers-to`);
//! 4. [`plan`] matches those against the annotations already there and
//!    yields the edits that add what is new.
//!
//! ```
//! use marginalia::analysis::suggest::{self, lexicon::Lexicon};
//! use marginalia::model::document::Article;
//! let article = Article::new("“We will win,” Dehqan said.".into());
//! let wanted = suggest::attributions(&article, &Lexicon::builtin());
//! let quote = wanted.iter().find(|w| w.label == marginalia::model::annotation::Label::Quote).unwrap();
//! assert_eq!(article.slice(quote.range), Some("“We will win,”"));
//! ```

pub mod boundary;
pub mod external;
pub mod frames;
pub mod lexicon;
pub mod model;
pub mod names;
pub mod occurrences;
pub mod plan;
pub mod quotes;
pub mod text;

use crate::model::annotation::{Label, Origin};
use crate::model::document::Article;
use crate::model::offset::CharRange;
use frames::{Found, Span};
use lexicon::Lexicon;
use plan::Wanted;
use std::collections::HashMap;

/// The name of the built-in rules in annotations' origins.
pub const RULES_NAME: &str = "marginalia rules";

/// The origin of annotations made by suggester `name` (`marginalia rules`,
/// a command line): version-1 readers read it as an import of format `suggest`.
pub fn origin(name: &str) -> Origin {
    Origin::Imported {
        source: name.to_owned(),
        format: "suggest".to_owned(),
    }
}

/// The attributions the built-in rules find in `article`, as wanted annotations.
pub fn attributions(article: &Article, lexicon: &Lexicon) -> Vec<Wanted> {
    let text = text::Text::new(article.text());
    let found = frames::find(&text, lexicon);
    wanted_from_frames(&found)
}

fn range(s: Span) -> CharRange {
    CharRange::from_usize(s.start, s.end)
}

/// Annotations and links for each frame: its content fragments (the first
/// links its cue; each links its speaker, `speaker` from a Quote and `source`
/// from a Claim; later ones are `part-of` the first), its source and cue as
/// Entities, and a pronoun source's `refers-to` link to its name.
pub fn wanted_from_frames(found: &Found) -> Vec<Wanted> {
    let mut out: Vec<Wanted> = Vec::new();
    let mut entities: HashMap<(Span, bool), usize> = HashMap::new();
    let mut entity =
        |out: &mut Vec<Wanted>, span: Span, kind: Option<&str>, is_cue: bool| -> usize {
            *entities.entry((span, is_cue)).or_insert_with(|| {
                out.push(Wanted {
                    range: range(span),
                    label: Label::Entity,
                    kind: kind.map(str::to_owned),
                    links: Vec::new(),
                    standalone: false,
                });
                out.len() - 1
            })
        };
    for f in &found.frames {
        let source = f.source.as_ref().map(|s| {
            let i = entity(&mut out, s.span, s.kind.map(|k| k.name()), false);
            if let Some(a) = s.antecedent {
                let ai = entity(&mut out, a, Some("Person"), false);
                if ai != i {
                    out[i].links.push(("refers-to".to_owned(), ai));
                }
            }
            i
        });
        let cue = f.cue.map(|c| entity(&mut out, c, Some("Cue"), true));
        let mut first = None;
        for c in &f.contents {
            let mut links = Vec::new();
            if let Some(s) = source {
                let role = if c.label == Label::Quote {
                    "speaker"
                } else {
                    "source"
                };
                links.push((role.to_owned(), s));
            }
            match first {
                None => {
                    if let Some(cue) = cue {
                        links.push(("cue".to_owned(), cue));
                    }
                }
                Some(head) => links.push(("part-of".to_owned(), head)),
            }
            out.push(Wanted {
                range: range(c.span),
                label: c.label,
                kind: None,
                links,
                standalone: true,
            });
            first = first.or(Some(out.len() - 1));
        }
    }
    out
}
