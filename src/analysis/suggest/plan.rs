//! From what a suggester found to the edits that add it to an article's
//! annotations, without ever overriding the analyst.
//!
//! Rules, in order, for each wanted annotation:
//! 1. The same span is already annotated (an Entity for an Entity, a Quote
//!    or Claim for a Quote or Claim, whatever its status): that annotation
//!    stands for it. For an Entity, an existing Entity that covers the span,
//!    or lies inside it, stands for it too (the analyst's boundaries win).
//!    A Quote or Claim that overlaps an existing Quote or Claim is that one
//!    (the one it overlaps most): the analyst has already decided about that
//!    text, and only links it lacks are added to it.
//! 3. Its fingerprint is among those already suggested: it was suggested
//!    once and has since been rejected, deleted or edited, so it is dropped.
//! 4. Otherwise it is added, `unreviewed`, with the suggester as origin.
//!
//! Links follow their ends. A link is added to an existing annotation only
//! when that annotation is not rejected and has no link of that role yet (a
//! speaker is added to an accepted quote that has none; an analyst's speaker
//! is never replaced); a link to a rejected annotation is never made. A new
//! Entity that ends up with no link to it (its quote was dropped) is not
//! added, unless it stands alone (every-occurrence and external entities).
//!
//! Fingerprints are 16 hex digits of SHA-256 over the label, kind, text and
//! eight code points of context on each side, so they survive edits
//! elsewhere in the article. Every added annotation and link records one;
//! running the suggester again therefore adds nothing.

use crate::model::annotation::{Annotation, AnnotationId, Label, Link, Origin, Status};
use crate::model::document::Article;
use crate::model::edit::Edit;
use crate::model::offset::CharRange;
use chrono::{DateTime, Utc};
use sha2::{Digest, Sha256};
use std::collections::{BTreeSet, HashMap};

/// One annotation a suggester wants, before it meets the sidecar.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Wanted {
    /// Where.
    pub range: CharRange,
    /// Entity, Claim or Quote.
    pub label: Label,
    /// Entity kind (`Person`, `Organization`, `Cue`, ...).
    pub kind: Option<String>,
    /// Links to other wanted annotations: role and index in the same list.
    pub links: Vec<(String, usize)>,
    /// Kept even when nothing links to it.
    pub standalone: bool,
}

/// Who suggests, for the annotations' author, origin and times.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Suggester {
    /// The annotations' author (`suggest`).
    pub author: String,
    /// Their origin: names the suggester.
    pub origin: Origin,
    /// Creation time.
    pub now: DateTime<Utc>,
}

/// What one run adds, counted for the summary line.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Counts {
    /// New Quote and Claim annotations.
    pub quotes: usize,
    /// New Entities that are a speaker or source (or what a pronoun refers to).
    pub speakers: usize,
    /// New Entities that are cues.
    pub cues: usize,
    /// Other new Entities (every occurrence, external suggesters).
    pub entities: usize,
    /// New links, on new and on existing annotations.
    pub links: usize,
}

impl std::ops::AddAssign for Counts {
    fn add_assign(&mut self, o: Counts) {
        self.quotes += o.quotes;
        self.speakers += o.speakers;
        self.cues += o.cues;
        self.entities += o.entities;
        self.links += o.links;
    }
}

/// The edits of one run.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Plan {
    /// Inserts of new annotations, then updates adding links to existing ones.
    pub edits: Vec<Edit>,
    /// Fingerprints of everything added, to record in the sidecar.
    pub fingerprints: Vec<String>,
    /// What was added.
    pub counts: Counts,
}

fn hex16(bytes: &[u8]) -> String {
    Sha256::digest(bytes)
        .iter()
        .take(8)
        .map(|b| format!("{b:02x}"))
        .collect()
}

/// The fingerprint of an annotation of `label`/`kind` over `range`.
pub fn fingerprint(
    article: &Article,
    range: CharRange,
    label: Label,
    kind: Option<&str>,
) -> String {
    let quote = article.slice(range).unwrap_or_default();
    let (prefix, suffix) = article.context(range, 8);
    hex16(
        format!(
            "{}\u{1f}{}\u{1f}{prefix}\u{1f}{quote}\u{1f}{suffix}",
            label.name(),
            kind.unwrap_or_default()
        )
        .as_bytes(),
    )
}

/// The fingerprint of a link between two fingerprinted annotations.
pub fn link_fingerprint(role: &str, from: &str, to: &str) -> String {
    hex16(format!("link\u{1f}{role}\u{1f}{from}\u{1f}{to}").as_bytes())
}

/// Where a wanted annotation ended up.
#[derive(Clone, Debug)]
enum Resolved {
    /// An existing annotation stands for it.
    Existing(usize),
    /// It will be added (index into the new list).
    New(usize),
    /// Dropped.
    Dropped,
}

fn is_content(label: Label) -> bool {
    matches!(label, Label::Quote | Label::Claim)
}

/// The edits that add `wanted` to `existing`, given the fingerprints
/// already `seen`.
pub fn plan(
    article: &Article,
    existing: &[Annotation],
    seen: &BTreeSet<String>,
    wanted: &[Wanted],
    who: &Suggester,
) -> Plan {
    let mut out = Plan::default();
    let mut new: Vec<Annotation> = Vec::new();
    let mut new_fp: Vec<String> = Vec::new();
    let resolved: Vec<Resolved> = wanted
        .iter()
        .map(|w| {
            let fp = fingerprint(article, w.range, w.label, w.kind.as_deref());
            if let Some(i) = standing_for(existing, w) {
                return Resolved::Existing(i);
            }
            // The same annotation wanted twice is one; another occurrence
            // of the same text in the same context (an article that repeats
            // a paragraph) is another annotation, not a suggestion made before.
            if let Some(j) = new
                .iter()
                .position(|a| a.range() == w.range && a.label == w.label && a.kind == w.kind)
            {
                return Resolved::New(j);
            }
            if seen.contains(&fp) {
                return Resolved::Dropped;
            }
            let Some(mut a) = Annotation::new(
                article,
                w.range,
                w.label,
                &who.author,
                who.now,
                who.origin.clone(),
            ) else {
                return Resolved::Dropped;
            };
            a.status = Status::Unreviewed;
            a.kind = w.kind.clone();
            new.push(a);
            new_fp.push(fp);
            Resolved::New(new.len() - 1)
        })
        .collect();
    let fp_of = |r: &Resolved| -> Option<String> {
        match r {
            Resolved::Existing(i) => existing
                .get(*i)
                .map(|a| fingerprint(article, a.range(), a.label, a.kind.as_deref())),
            Resolved::New(i) => new_fp.get(*i).cloned(),
            Resolved::Dropped => None,
        }
    };
    let mut targeted = vec![false; new.len()];
    let mut speaker_target = vec![false; new.len()];
    let mut added_links: HashMap<usize, Vec<Link>> = HashMap::new();
    let mut link_fps = Vec::new();
    for (wi, w) in wanted.iter().enumerate() {
        for (role, to) in &w.links {
            let (Some(from_r), Some(to_r)) = (resolved.get(wi), resolved.get(*to)) else {
                continue;
            };
            let (Some(from_fp), Some(to_fp)) = (fp_of(from_r), fp_of(to_r)) else {
                continue;
            };
            let target = match to_r {
                Resolved::Existing(i) if existing[*i].status == Status::Rejected => continue,
                Resolved::Existing(i) => existing[*i].id.clone(),
                Resolved::New(i) => new[*i].id.clone(),
                Resolved::Dropped => continue,
            };
            if let (Resolved::Existing(a), Resolved::Existing(b)) = (from_r, to_r)
                && a == b
            {
                continue;
            }
            // A speaker is a `speaker` of a Quote and a `source` of a Claim,
            // whatever label the analyst gave.
            let role = match (from_r, role.as_str()) {
                (Resolved::Existing(i), "speaker" | "source") => {
                    if existing[*i].label == Label::Quote {
                        "speaker"
                    } else {
                        "source"
                    }
                    .to_owned()
                }
                _ => role.clone(),
            };
            let role = &role;
            let lfp = link_fingerprint(role, &from_fp, &to_fp);
            let link = Link::new(role.clone(), target);
            match from_r {
                Resolved::New(i) => {
                    if new[*i].links.iter().any(|l| l.role == *role) {
                        continue;
                    }
                    new[*i].links.push(link);
                }
                Resolved::Existing(i) => {
                    let a = &existing[*i];
                    let pending = added_links.entry(*i).or_default();
                    if a.status == Status::Rejected
                        || a.links
                            .iter()
                            .chain(pending.iter())
                            .any(|l| l.role == *role)
                        || seen.contains(&lfp)
                    {
                        continue;
                    }
                    pending.push(link);
                }
                Resolved::Dropped => continue,
            }
            if let Resolved::New(t) = to_r {
                targeted[*t] = true;
                speaker_target[*t] |= matches!(role.as_str(), "speaker" | "source" | "refers-to");
            }
            link_fps.push(lfp);
        }
    }
    // Count and keep what stands.
    let mut keep = vec![true; new.len()];
    for (wi, w) in wanted.iter().enumerate() {
        if let Some(Resolved::New(i)) = resolved.get(wi)
            && w.label == Label::Entity
            && !w.standalone
            && !targeted[*i]
        {
            keep[*i] = false;
        }
    }
    // Links pointing at annotations no longer kept go too.
    let dropped: BTreeSet<AnnotationId> = new
        .iter()
        .zip(&keep)
        .filter(|(_, k)| !**k)
        .map(|(a, _)| a.id.clone())
        .collect();
    for (i, a) in new.into_iter().enumerate() {
        if !keep[i] {
            continue;
        }
        let mut a = a;
        a.links.retain(|l| !dropped.contains(&l.target));
        out.counts.links += a.links.len();
        match (a.label, a.kind.as_deref()) {
            (Label::Quote | Label::Claim, _) => out.counts.quotes += 1,
            (_, Some("Cue")) => out.counts.cues += 1,
            _ if speaker_target[i] => out.counts.speakers += 1,
            _ => out.counts.entities += 1,
        }
        out.fingerprints.push(new_fp[i].clone());
        out.edits.push(Edit::Insert(a));
    }
    for (i, links) in added_links {
        if links.is_empty() {
            continue;
        }
        let before = existing[i].clone();
        let mut after = before.clone();
        after.links.extend(
            links
                .iter()
                .filter(|l| !dropped.contains(&l.target))
                .cloned(),
        );
        out.counts.links += after.links.len() - before.links.len();
        after.touch(&who.author, who.now);
        out.edits.push(Edit::Update {
            before: Box::new(before),
            after: Box::new(after),
        });
    }
    out.fingerprints.extend(link_fps);
    out.fingerprints.sort();
    out.fingerprints.dedup();
    out
}

/// The existing annotation that stands for `w`, if any.
fn standing_for(existing: &[Annotation], w: &Wanted) -> Option<usize> {
    let same = |a: &Annotation| a.start == w.range.start && a.end == w.range.end;
    if is_content(w.label) {
        // The same span, else the quote or claim that overlaps it most.
        let overlap = |a: &Annotation| {
            a.end
                .0
                .min(w.range.end.0)
                .saturating_sub(a.start.0.max(w.range.start.0))
        };
        return existing
            .iter()
            .position(|a| is_content(a.label) && same(a))
            .or_else(|| {
                existing
                    .iter()
                    .enumerate()
                    .filter(|(_, a)| is_content(a.label) && overlap(a) > 0)
                    .max_by_key(|(_, a)| overlap(a))
                    .map(|(i, _)| i)
            });
    }
    let cue = w.kind.as_deref() == Some("Cue");
    let entity =
        |a: &Annotation| a.label == Label::Entity && (a.kind.as_deref() == Some("Cue")) == cue;
    existing
        .iter()
        .position(|a| entity(a) && same(a))
        .or_else(|| {
            existing.iter().position(|a| {
                entity(a)
                    && ((a.start <= w.range.start && w.range.end <= a.end)
                        || (w.range.start <= a.start && a.end <= w.range.end))
            })
        })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::annotation::Annotations;
    use crate::model::edit::History;

    fn who() -> Suggester {
        Suggester {
            author: "suggest".into(),
            origin: crate::analysis::suggest::origin("test"),
            now: chrono::Utc::now(),
        }
    }

    /// A quote `“No,”` (0..5) spoken by `Dehqan` (6..12).
    fn wanted() -> (Article, Vec<Wanted>) {
        let article = Article::new("“No,” Dehqan said.".into());
        let speaker = Wanted {
            range: CharRange::from_usize(6, 12),
            label: Label::Entity,
            kind: Some("Person".into()),
            links: Vec::new(),
            standalone: false,
        };
        let quote = Wanted {
            range: CharRange::from_usize(0, 5),
            label: Label::Quote,
            kind: None,
            links: vec![("speaker".into(), 0)],
            standalone: true,
        };
        (article, vec![speaker, quote])
    }

    fn run(
        article: &Article,
        set: &mut Annotations,
        seen: &mut BTreeSet<String>,
        w: &[Wanted],
    ) -> Counts {
        let p = plan(article, set.as_slice(), seen, w, &who());
        seen.extend(p.fingerprints.iter().cloned());
        History::default().apply(set, p.edits);
        p.counts
    }

    #[test]
    fn a_second_run_adds_nothing() {
        let (article, w) = wanted();
        let (mut set, mut seen) = (Annotations::default(), BTreeSet::new());
        let first = run(&article, &mut set, &mut seen, &w);
        assert_eq!((first.quotes, first.speakers, first.links), (1, 1, 1));
        assert!(set.iter().all(|a| a.status == Status::Unreviewed));
        let second = run(&article, &mut set, &mut seen, &w);
        assert_eq!(second, Counts::default());
        assert_eq!(set.len(), 2);
    }

    #[test]
    fn a_deleted_suggestion_stays_deleted_and_its_orphan_speaker_is_not_added() {
        let (article, w) = wanted();
        let (mut set, mut seen) = (Annotations::default(), BTreeSet::new());
        run(&article, &mut set, &mut seen, &w);
        let ids: Vec<_> = set.iter().map(|a| a.id.clone()).collect();
        for id in &ids {
            set.remove(id);
        }
        assert_eq!(run(&article, &mut set, &mut seen, &w), Counts::default());
        assert!(set.is_empty());
    }

    #[test]
    fn an_entity_the_quote_does_not_need_is_not_added() {
        let (article, mut w) = wanted();
        w[1].links.clear();
        let (mut set, mut seen) = (Annotations::default(), BTreeSet::new());
        let c = run(&article, &mut set, &mut seen, &w);
        assert_eq!((c.quotes, c.speakers), (1, 0));
        assert_eq!(set.len(), 1);
    }

    #[test]
    fn an_analysts_speaker_is_never_replaced_and_rejected_ones_get_no_links() {
        let (article, w) = wanted();
        let mut set = Annotations::default();
        let mut mine = Annotation::new(
            &article,
            CharRange::from_usize(0, 5),
            Label::Quote,
            "ana",
            chrono::Utc::now(),
            Origin::Manual,
        )
        .expect("range");
        mine.links
            .push(Link::new("speaker", AnnotationId("elsewhere".into())));
        set.insert(mine.clone());
        let c = run(&article, &mut set, &mut BTreeSet::new(), &w);
        assert_eq!(c.links, 0);
        assert_eq!(set.get(&mine.id), Some(&mine));
        let mut rejected = mine.clone();
        rejected.links.clear();
        rejected.status = Status::Rejected;
        let mut set = Annotations::default();
        set.insert(rejected.clone());
        let c = run(&article, &mut set, &mut BTreeSet::new(), &w);
        assert_eq!((c.quotes, c.links, c.speakers), (0, 0, 0));
        assert_eq!(set.get(&rejected.id), Some(&rejected));
    }

    #[test]
    fn a_repeated_sentence_gets_both_its_suggestions_and_a_second_run_adds_nothing() {
        // The same quote, speaker and context twice (an article that repeats
        // a paragraph): two quotes with two speakers, though their
        // fingerprints are the same.
        let text = "It rained. “No,” Dehqan said. It rained. “No,” Dehqan said.";
        let article = Article::new(text.into());
        let chars: Vec<char> = text.chars().collect();
        let at = |from: usize, needle: &str| {
            let n: Vec<char> = needle.chars().collect();
            let start = (from..chars.len())
                .find(|&k| chars[k..].starts_with(&n))
                .expect("needle");
            CharRange::from_usize(start, start + n.len())
        };
        let second = chars.len() / 2;
        let mut w = Vec::new();
        for from in [0, second] {
            w.push(Wanted {
                range: at(from, "Dehqan"),
                label: Label::Entity,
                kind: Some("Person".into()),
                links: Vec::new(),
                standalone: false,
            });
            w.push(Wanted {
                range: at(from, "“No,”"),
                label: Label::Quote,
                kind: None,
                links: vec![("speaker".into(), w.len() - 1)],
                standalone: true,
            });
        }
        assert_eq!(
            fingerprint(&article, w[1].range, Label::Quote, None),
            fingerprint(&article, w[3].range, Label::Quote, None)
        );
        let (mut set, mut seen) = (Annotations::default(), BTreeSet::new());
        let first = run(&article, &mut set, &mut seen, &w);
        assert_eq!((first.quotes, first.speakers, first.links), (2, 2, 2));
        assert_eq!(run(&article, &mut set, &mut seen, &w), Counts::default());
        assert_eq!(set.len(), 4);
        // The same annotation wanted twice is added once, with both links.
        let mut twice = w[..2].to_vec();
        twice.push(w[1].clone());
        let c = run(
            &article,
            &mut Annotations::default(),
            &mut BTreeSet::new(),
            &twice,
        );
        assert_eq!((c.quotes, c.speakers, c.links), (1, 1, 1));
    }
}
