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
    let mut joined = String::with_capacity(s.len());
    for (i, word) in s.split_whitespace().enumerate() {
        if i > 0 {
            joined.push(' ');
        }
        joined.push_str(word);
    }
    // Lower case in place when it cannot change the length (and the whole text decides
    // each character otherwise, as `to_lowercase` does with a final sigma).
    if joined.is_ascii() {
        joined.make_ascii_lowercase();
        joined
    } else {
        joined.to_lowercase()
    }
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
    let counts = CharCounts::of(&key);
    let mut other: Vec<char> = Vec::new();
    known
        .iter()
        .filter_map(|k| {
            other.clear();
            other.extend(k.chars());
            if !counts.may_reach(&key, &other, NEAR) {
                return None;
            }
            Some((strsim::generic_jaro_winkler(&key, &other), *k))
        })
        .filter(|(s, _)| *s >= NEAR)
        .max_by(|a, b| a.0.total_cmp(&b.0))
        .map(|(_, k)| k)
}

/// The least similarity of a "did you mean" hint.
const NEAR: f64 = 0.8;

/// How often each character occurs in a string, the characters folded into 128 slots
/// (folding only adds to the common count below, so a bound from it stays a bound);
/// `None` for a string too long to count in them.
struct CharCounts(Option<[u16; 128]>);

impl CharCounts {
    fn of(s: &[char]) -> CharCounts {
        if s.len() >= usize::from(u16::MAX) {
            return CharCounts(None);
        }
        let mut counts = [0u16; 128];
        for &c in s {
            counts[c as usize & 127] += 1;
        }
        CharCounts(Some(counts))
    }

    /// False when the Jaro-Winkler similarity of `a` (whose counts these are) and `b`
    /// is surely below `least`, from an upper bound that needs no comparison of
    /// positions: Jaro's matches are at most the characters the two share, its
    /// transpositions at least none, and the prefix bonus is the common prefix's. The
    /// bound is computed with the same operations as `strsim`'s measure, with a margin,
    /// so no candidate that reaches `least` is ever skipped.
    fn may_reach(&self, a: &[char], b: &[char], least: f64) -> bool {
        let Some(mut left) = self.0 else {
            return true;
        };
        if a.is_empty() || b.is_empty() {
            return true;
        }
        let mut shared = 0usize;
        for &c in b {
            let slot = &mut left[c as usize & 127];
            if *slot > 0 {
                *slot -= 1;
                shared += 1;
            }
        }
        if shared == 0 {
            // Jaro is 0 without a match.
            return least <= 0.0;
        }
        let m = shared as f64;
        let jaro = (m / a.len() as f64 + m / b.len() as f64 + 1.0) / 3.0;
        let prefix = a.iter().take(4).zip(b).take_while(|(x, y)| x == y).count();
        let bound = jaro + 0.1 * prefix as f64 * (1.0 - jaro);
        bound >= least - 1e-9
    }
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

#[cfg(test)]
mod nearest_tests {
    use super::*;

    /// `nearest` as it was before the bound: every candidate compared.
    fn unpruned<'k>(key: &str, known: &[&'k str]) -> Option<&'k str> {
        let longest = known.iter().map(|k| k.len()).max().unwrap_or(0);
        if key.len() > 2 * longest + 8 {
            return None;
        }
        let key: Vec<char> = key.chars().collect();
        known
            .iter()
            .map(|k| {
                let other: Vec<char> = k.chars().collect();
                (strsim::generic_jaro_winkler(&key, &other), *k)
            })
            .filter(|(s, _)| *s >= 0.8)
            .max_by(|a, b| a.0.total_cmp(&b.0))
            .map(|(_, k)| k)
    }

    use fastrand::Rng;

    const KEYS: [&str; 16] = [
        "asiakkuusasiakirja",
        "asiakkuuden_alkamispvm",
        "asiakkuuden_paattymispvm",
        "henkilotunnus",
        "yhteystiedot",
        "yhteyshenkilo",
        "osoite",
        "postinumero",
        "postitoimipaikka",
        "koodi",
        "koodisto",
        "nimi",
        "id",
        "a",
        "äidinkieli",
        "",
    ];

    /// A key changed a little or a lot: characters replaced, removed, put in, swapped.
    fn mutate(rng: &mut Rng, key: &str) -> String {
        const CHARS: [char; 12] = ['a', 'e', 'i', 'k', 's', 't', '_', 'ä', 'ö', '1', 'x', '€'];
        let mut chars: Vec<char> = key.chars().collect();
        for _ in 0..=rng.usize(..6) {
            let at = rng.usize(..chars.len() + 1);
            match rng.usize(..4) {
                0 if at < chars.len() => chars[at] = CHARS[rng.usize(..CHARS.len())],
                1 if at < chars.len() => {
                    chars.remove(at);
                }
                2 if at + 1 < chars.len() => chars.swap(at, at + 1),
                _ => chars.insert(at, CHARS[rng.usize(..CHARS.len())]),
            }
        }
        chars.into_iter().collect()
    }

    #[test]
    fn the_length_and_character_bound_never_changes_the_answer() {
        let mut rng = Rng::with_seed(0x9e37_79b9_7f4a_7c15);
        let mut hints = 0;
        for round in 0..20_000 {
            let n = 1 + rng.usize(..KEYS.len());
            let mut known: Vec<String> = (0..n)
                .map(|_| KEYS[rng.usize(..KEYS.len())].to_string())
                .collect();
            if round % 3 == 0 {
                let base = KEYS[rng.usize(..KEYS.len())];
                let k = mutate(&mut rng, base);
                known.push(k);
            }
            let known: Vec<&str> = known.iter().map(String::as_str).collect();
            let key = match rng.usize(..3) {
                0 => KEYS[rng.usize(..KEYS.len())].to_string(),
                _ => {
                    let base = known[rng.usize(..known.len())];
                    mutate(&mut rng, base)
                }
            };
            let ours = nearest(&key, &known);
            assert_eq!(ours, unpruned(&key, &known), "{key:?} in {known:?}");
            hints += usize::from(ours.is_some());
        }
        assert!(hints > 5_000, "{hints}");
        // Every pair the bound rules out is below the threshold.
        for a in KEYS {
            for b in KEYS {
                let (x, y): (Vec<char>, Vec<char>) = (a.chars().collect(), b.chars().collect());
                if !CharCounts::of(&x).may_reach(&x, &y, NEAR) {
                    assert!(strsim::generic_jaro_winkler(&x, &y) < NEAR, "{a} {b}");
                }
            }
        }
    }
}
