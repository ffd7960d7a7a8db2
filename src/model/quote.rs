//! An annotation's quote: the exact text of its span, held as a range of the
//! article when it matches the article there, else as its own string.
//!
//! A quote is a value: it compares, hashes, prints and serializes as the
//! text it holds, whichever way it holds it, so the sidecar always writes
//! the quote out in full. Holding a verified quote as a range matters on
//! long spans: 50,000 spans of 1,600 chars are 80 MB of quotes that are
//! already in the article. A quote that does not match the article (an
//! orphaned annotation, one read from a sidecar of another version of the
//! text) keeps its own text.
//!
//! ```
//! use marginalia::model::document::Article;
//! use marginalia::model::offset::CharRange;
//! use marginalia::model::quote::Quote;
//! let article = Article::new("Dehqan met Hasanov.".into());
//! let shared = Quote::in_article(&article, CharRange::from_usize(0, 6)).unwrap();
//! assert!(shared.is_shared());
//! assert_eq!(shared, "Dehqan");
//! assert_eq!(Quote::from("Dehqan"), shared);
//! ```

use crate::model::document::Article;
use crate::model::offset::CharRange;
use serde::{Deserialize, Serialize};
use std::fmt;
use std::ops::Deref;
use std::sync::Arc;

/// The text of an annotation's span (see the module docs).
#[derive(Clone)]
pub struct Quote(Repr);

#[derive(Clone)]
enum Repr {
    Own(Box<str>),
    /// `text[start..end]`, byte offsets on char boundaries (checked when made).
    Shared {
        text: Arc<str>,
        start: u32,
        end: u32,
    },
}

impl Quote {
    /// The text of `range` of `article`, held as a range of it; `None` when
    /// the range runs past the end.
    pub fn in_article(article: &Article, range: CharRange) -> Option<Quote> {
        let bytes = article.byte_range(range)?;
        Some(Self::shared(article.shared_text(), bytes.start, bytes.end))
    }

    /// [`Quote::in_article`] for the range whose bytes in the article's
    /// text are `bytes`, when the caller has them already.
    pub fn in_article_bytes(article: &Article, bytes: std::ops::Range<usize>) -> Quote {
        Self::shared(article.shared_text(), bytes.start, bytes.end)
    }

    /// `text[start..end]` held as a range of `text`, or as its own string
    /// when the offsets do not fit 32 bits or are not on char boundaries.
    fn shared(text: &Arc<str>, start: usize, end: usize) -> Quote {
        match (
            u32::try_from(start),
            u32::try_from(end),
            text.get(start..end),
        ) {
            (Ok(s), Ok(e), Some(_)) => Quote(Repr::Shared {
                text: Arc::clone(text),
                start: s,
                end: e,
            }),
            (_, _, slice) => Quote::from(slice.unwrap_or_default()),
        }
    }

    /// True when this quote is held as a range of an article's text (it
    /// owns no string of its own).
    pub fn is_shared(&self) -> bool {
        matches!(self.0, Repr::Shared { .. })
    }

    /// The byte range of `text` this quote is held as, when it is held as a
    /// range of that very text.
    pub fn bytes_in(&self, text: &Arc<str>) -> Option<std::ops::Range<usize>> {
        match &self.0 {
            Repr::Shared {
                text: t,
                start,
                end,
            } if Arc::ptr_eq(t, text) => Some(*start as usize..*end as usize),
            _ => None,
        }
    }

    /// The quote's text.
    pub fn as_str(&self) -> &str {
        match &self.0 {
            Repr::Own(s) => s,
            // Checked in `shared`; an empty quote can never be wrong here.
            Repr::Shared { text, start, end } => {
                text.get(*start as usize..*end as usize).unwrap_or_default()
            }
        }
    }

    /// Hold this quote as `range` of `article` when `article` has exactly
    /// this text there; true when it is (or already was) held that way.
    /// A quote that differs is left as it is.
    pub fn share_with(&mut self, article: &Article, range: CharRange) -> bool {
        let Some(bytes) = article.byte_range(range) else {
            return false;
        };
        if let Repr::Shared { text, start, end } = &self.0
            && Arc::ptr_eq(text, article.shared_text())
            && (*start as usize, *end as usize) == (bytes.start, bytes.end)
        {
            return true;
        }
        if article.text().get(bytes.clone()) != Some(self.as_str()) {
            return false;
        }
        *self = Self::shared(article.shared_text(), bytes.start, bytes.end);
        self.is_shared()
    }

    /// Hold the text as a string of its own (so an annotation that no longer
    /// matches its article does not keep an old text alive).
    pub fn make_own(&mut self) {
        if self.is_shared() {
            *self = Quote::from(self.as_str());
        }
    }
}

impl Default for Quote {
    fn default() -> Self {
        Quote(Repr::Own(Box::default()))
    }
}

impl Deref for Quote {
    type Target = str;
    fn deref(&self) -> &str {
        self.as_str()
    }
}

impl AsRef<str> for Quote {
    fn as_ref(&self) -> &str {
        self.as_str()
    }
}

impl std::borrow::Borrow<str> for Quote {
    fn borrow(&self) -> &str {
        self.as_str()
    }
}

impl From<String> for Quote {
    fn from(s: String) -> Self {
        Quote(Repr::Own(s.into_boxed_str()))
    }
}

impl From<&str> for Quote {
    fn from(s: &str) -> Self {
        Quote(Repr::Own(s.into()))
    }
}

impl From<&String> for Quote {
    fn from(s: &String) -> Self {
        Quote::from(s.as_str())
    }
}

impl From<Quote> for String {
    fn from(q: Quote) -> Self {
        match q.0 {
            Repr::Own(s) => s.into_string(),
            Repr::Shared { .. } => q.as_str().to_owned(),
        }
    }
}

impl PartialEq for Quote {
    fn eq(&self, other: &Quote) -> bool {
        if let (
            Repr::Shared { text, start, end },
            Repr::Shared {
                text: t2,
                start: s2,
                end: e2,
            },
        ) = (&self.0, &other.0)
            && Arc::ptr_eq(text, t2)
            && (start, end) == (s2, e2)
        {
            return true;
        }
        self.as_str() == other.as_str()
    }
}

impl Eq for Quote {}

impl std::hash::Hash for Quote {
    fn hash<H: std::hash::Hasher>(&self, state: &mut H) {
        self.as_str().hash(state);
    }
}

impl PartialOrd for Quote {
    fn partial_cmp(&self, other: &Quote) -> Option<std::cmp::Ordering> {
        Some(self.cmp(other))
    }
}

impl Ord for Quote {
    fn cmp(&self, other: &Quote) -> std::cmp::Ordering {
        self.as_str().cmp(other.as_str())
    }
}

impl PartialEq<str> for Quote {
    fn eq(&self, other: &str) -> bool {
        self.as_str() == other
    }
}

impl PartialEq<&str> for Quote {
    fn eq(&self, other: &&str) -> bool {
        self.as_str() == *other
    }
}

impl PartialEq<String> for Quote {
    fn eq(&self, other: &String) -> bool {
        self.as_str() == other.as_str()
    }
}

impl PartialEq<Quote> for str {
    fn eq(&self, other: &Quote) -> bool {
        self == other.as_str()
    }
}

impl PartialEq<Quote> for &str {
    fn eq(&self, other: &Quote) -> bool {
        *self == other.as_str()
    }
}

impl PartialEq<Quote> for String {
    fn eq(&self, other: &Quote) -> bool {
        self.as_str() == other.as_str()
    }
}

impl fmt::Debug for Quote {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Debug::fmt(self.as_str(), f)
    }
}

impl fmt::Display for Quote {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl Serialize for Quote {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(self.as_str())
    }
}

impl<'de> Deserialize<'de> for Quote {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        String::deserialize(deserializer).map(Quote::from)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_shared_quote_is_the_text_it_covers_and_equals_an_owned_one() {
        let article = Article::new("ae\u{301} 👩‍👧 Tehran\n".into());
        let range = CharRange::from_usize(1, 7);
        let q = Quote::in_article(&article, range).unwrap();
        assert!(q.is_shared());
        assert_eq!(q, article.slice(range).unwrap());
        let own = Quote::from(article.slice(range).unwrap());
        assert!(!own.is_shared());
        assert_eq!(q, own);
        assert_eq!(format!("{q:?}"), format!("{own:?}"));
        assert_eq!(ron::to_string(&q).unwrap(), ron::to_string(&own).unwrap());
        let back: Quote = ron::from_str(&ron::to_string(&q).unwrap()).unwrap();
        assert_eq!(back, q);
        assert!(Quote::in_article(&article, CharRange::from_usize(5, 99)).is_none());
    }

    #[test]
    fn sharing_takes_only_a_quote_that_matches_the_article_there() {
        let article = Article::new("Dehqan met Hasanov.".into());
        let mut q = Quote::from("Hasanov");
        assert!(!q.share_with(&article, CharRange::from_usize(0, 7)));
        assert!(!q.is_shared());
        assert!(!q.share_with(&article, CharRange::from_usize(11, 99)));
        assert!(q.share_with(&article, CharRange::from_usize(11, 18)));
        assert!(q.is_shared());
        assert_eq!(q, "Hasanov");
        // Another article with the same text at the same place takes it over.
        let other = Article::new("Dehqan saw Hasanov.".into());
        assert!(q.share_with(&other, CharRange::from_usize(11, 18)));
        q.make_own();
        assert!(!q.is_shared());
        assert_eq!(q, "Hasanov");
    }
}
