//! Localized texts: every descriptive `sosmeta` field is a list of `{lang, value}`.

use serde::{Deserialize, Serialize};

/// The language tag of one text entry (`lang` in the schema).
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Lang {
    /// `fi`: Finnish (suomi).
    Fi,
    /// `sv`: Swedish (ruotsi).
    Sv,
    /// `""`: unlabelled, used for language-neutral values such as OIDs and URIs.
    Unlabelled,
    /// Any other tag, kept as written.
    Other(String),
}

impl Lang {
    /// The tag as written in the schema.
    pub fn as_str(&self) -> &str {
        match self {
            Lang::Fi => "fi",
            Lang::Sv => "sv",
            Lang::Unlabelled => "",
            Lang::Other(s) => s,
        }
    }

    /// Parse a tag as written in the schema.
    pub fn parse(tag: &str) -> Lang {
        match tag {
            "fi" => Lang::Fi,
            "sv" => Lang::Sv,
            "" => Lang::Unlabelled,
            other => Lang::Other(other.to_string()),
        }
    }
}

impl Serialize for Lang {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(self.as_str())
    }
}

impl<'de> Deserialize<'de> for Lang {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let s = String::deserialize(d)?;
        Ok(Lang::parse(&s))
    }
}

/// One `{lang, value}` entry.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct LangText {
    /// The language of `value`.
    pub lang: Lang,
    /// The text.
    pub value: String,
}

/// A localized text field (*monikielinen teksti*): the entries in the order written.
///
/// Sosmeta writes one entry per language as a rule, but repeats languages in a few
/// places (a value set split over several entries); the list keeps them all.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(transparent)]
pub struct Texts(pub Vec<LangText>);

impl Texts {
    /// The first entry in `lang`, if any.
    pub fn get(&self, lang: &Lang) -> Option<&str> {
        self.0
            .iter()
            .find(|t| &t.lang == lang)
            .map(|t| t.value.as_str())
    }

    /// All entries in `lang`, in order.
    pub fn all<'a>(&'a self, lang: &'a Lang) -> impl Iterator<Item = &'a str> + 'a {
        self.0
            .iter()
            .filter(move |t| &t.lang == lang)
            .map(|t| t.value.as_str())
    }

    /// The Finnish text (*suomi*).
    pub fn fi(&self) -> Option<&str> {
        self.get(&Lang::Fi)
    }

    /// The Swedish text (*ruotsi*).
    pub fn sv(&self) -> Option<&str> {
        self.get(&Lang::Sv)
    }

    /// The unlabelled (language-neutral) text.
    pub fn unlabelled(&self) -> Option<&str> {
        self.get(&Lang::Unlabelled)
    }

    /// The text in `lang`, falling back to Finnish, then to the first entry.
    pub fn best(&self, lang: &Lang) -> Option<&str> {
        self.get(lang)
            .or_else(|| self.fi())
            .or_else(|| self.0.first().map(|t| t.value.as_str()))
    }

    /// Every value, whatever its language.
    pub fn values(&self) -> impl Iterator<Item = &str> {
        self.0.iter().map(|t| t.value.as_str())
    }

    /// True when there are no entries.
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }
}

/// A text as Sosmeta texts are compared (display texts, names): runs of whitespace made one
/// space, no leading or trailing space, lower case.
pub fn normalize(s: &str) -> String {
    s.split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
        .to_lowercase()
}

/// The known key nearest to `key` by Jaro-Winkler similarity (at least 0.8), for
/// "did you mean" hints; `None` when nothing is that close.
pub fn nearest<'k>(key: &str, known: &[&'k str]) -> Option<&'k str> {
    // Jaro-Winkler is quadratic in length: a key far longer than every known one cannot
    // be a near miss, so it is not compared at all (a hostile 30 MB key stays cheap).
    let longest = known.iter().map(|k| k.len()).max().unwrap_or(0);
    if key.len() > 2 * longest + 8 {
        return None;
    }
    // `strsim::jaro_winkler` decodes both strings again for every character compared;
    // on decoded characters the same measure is several times faster.
    let key: Vec<char> = key.chars().collect();
    let mut other: Vec<char> = Vec::new();
    known
        .iter()
        .map(|k| {
            other.clear();
            other.extend(k.chars());
            (strsim::generic_jaro_winkler(&key, &other), *k)
        })
        .filter(|(s, _)| *s >= 0.8)
        .max_by(|a, b| a.0.total_cmp(&b.0))
        .map(|(_, k)| k)
}

/// At most `max` characters of `s`, with `…` when cut: for echoing input in messages
/// (a long value is never repeated whole).
pub fn clip(s: &str, max: usize) -> std::borrow::Cow<'_, str> {
    match s.char_indices().nth(max) {
        None => std::borrow::Cow::Borrowed(s),
        Some((i, _)) => std::borrow::Cow::Owned(format!("{}…", &s[..i])),
    }
}

#[cfg(test)]
mod clip_tests {
    use super::*;

    #[test]
    fn clip_cuts_long_text_and_keeps_short() {
        assert_eq!(clip("lyhyt", 10), "lyhyt");
        assert_eq!(clip("äääääääääää", 3), "äää…");
        let long = "x".repeat(30_000_000);
        assert!(nearest(&long, &["asiakkuusasiakirja"]).is_none());
        assert_eq!(clip(&long, 64).chars().count(), 65);
    }
}
