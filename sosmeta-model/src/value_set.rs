//! `valueSet` texts (*arvojoukko*) parsed into code lists.
//!
//! Sosmeta writes the allowed codes of a Koodi element as prose: `code = display`
//! entries separated by newlines or commas, in fi and sv, with trailing commas, stray
//! spaces (`10= Stödbehov`), an occasional preamble (`Sisäinen luokitus: 1 = Isyys, ...`)
//! and sometimes no codes at all (`Luokan 5 alaluokat`). The parser accepts a text only
//! when every part of it is accounted for; otherwise it keeps the raw text and says why.
//! It never invents codes.

use crate::text::{normalize, Lang, Texts};
use regex_lite::Regex;
use serde::{Deserialize, Serialize};
use std::sync::OnceLock;

/// One allowed code with its display texts.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CodeEntry {
    /// The code (e.g. `31`, `FI`, `Y30`, `1.2`).
    pub code: String,
    /// The Finnish display text.
    pub fi: Option<String>,
    /// The Swedish display text.
    pub sv: Option<String>,
}

impl CodeEntry {
    /// True when `display` is this code's fi or sv text (ignoring case and runs of
    /// whitespace).
    pub fn display_matches(&self, display: &str) -> bool {
        let texts = || [&self.fi, &self.sv].into_iter().flatten();
        // The text as written (most documents): equal texts normalize alike.
        if texts().any(|t| t == display) {
            return true;
        }
        let want = normalize(display);
        texts().any(|t| normalize(t) == want)
    }
}

/// A parsed `valueSet`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub enum ValueSet {
    /// Every part of the text was read as `code = display`.
    Codes {
        /// The codes in the order of the Finnish text (or the only language given).
        entries: Vec<CodeEntry>,
        /// Things the parser skipped but that did not make it unsure (e.g. a preamble).
        notes: Vec<String>,
    },
    /// The text could not be read with certainty; no codes are claimed.
    Unparsed {
        /// The text as written.
        raw: Texts,
        /// Why the parser is not sure.
        reason: String,
    },
}

fn entry_start() -> &'static Regex {
    static RE: OnceLock<Regex> = OnceLock::new();
    RE.get_or_init(|| {
        Regex::new(r"(?:^|[,;:\n])[ \t\r\n]*([A-Za-z0-9][A-Za-z0-9._\-]*)[ \t]*=[ \t]*")
            .expect("valid regex")
    })
}

/// The result of reading one language's text.
type LangCodes = Result<(Vec<(String, String)>, Option<String>), String>;

fn parse_lang(text: &str) -> LangCodes {
    let re = entry_start();
    let starts: Vec<_> = re.captures_iter(text).collect();
    if starts.is_empty() {
        return Err("no `code = display` entries".into());
    }
    let first = starts[0].get(0).expect("match").start();
    let preamble = text[..first].trim();
    let preamble = if preamble.is_empty() {
        None
    } else if text[first..].starts_with(':') {
        Some(format!("{preamble}:"))
    } else {
        return Err(format!("text before the first code: {preamble:?}"));
    };
    let mut out: Vec<(String, String)> = Vec::new();
    for (i, cap) in starts.iter().enumerate() {
        let code = cap[1].to_string();
        let from = cap.get(0).expect("match").end();
        let to = starts
            .get(i + 1)
            .map(|c| c.get(0).expect("match").start())
            .unwrap_or(text.len());
        let display = text[from..to]
            .trim()
            .trim_end_matches([',', ';'])
            .trim()
            .to_string();
        if display.is_empty() {
            return Err(format!("code {code} has no display text"));
        }
        if display.contains('=') {
            return Err(format!("display of code {code} contains `=`: {display:?}"));
        }
        if let Some((_, d)) = out.iter().find(|(c, _)| *c == code) {
            if *d != display {
                return Err(format!("code {code} is listed twice with different texts"));
            }
            continue;
        }
        out.push((code, display));
    }
    Ok((out, preamble))
}

impl ValueSet {
    /// Parse a `valueSet` field. Finnish is authoritative; Swedish adds display texts and
    /// must list the same codes.
    pub fn parse(texts: &Texts) -> ValueSet {
        let unparsed = |reason: String| ValueSet::Unparsed {
            raw: texts.clone(),
            reason,
        };
        let join = |lang: &Lang| {
            let parts: Vec<&str> = texts.all(lang).collect();
            (!parts.is_empty()).then(|| parts.join("\n"))
        };
        let fi = join(&Lang::Fi);
        let sv = join(&Lang::Sv);
        let primary = match (&fi, &sv) {
            (Some(fi), _) => fi.clone(),
            (None, Some(sv)) => sv.clone(),
            (None, None) => match texts.values().next() {
                Some(v) => v.to_string(),
                None => return unparsed("empty valueSet".into()),
            },
        };
        let (codes, preamble) = match parse_lang(&primary) {
            Ok(x) => x,
            Err(e) => return unparsed(e),
        };
        let mut notes = Vec::new();
        if let Some(p) = preamble {
            notes.push(format!("preamble skipped: {p}"));
        }
        let sv_codes = match (&fi, &sv) {
            (Some(_), Some(sv)) => match parse_lang(sv) {
                Ok((c, _)) => Some(c),
                Err(e) => {
                    notes.push(format!("Swedish text not read ({e}); Finnish codes used"));
                    None
                }
            },
            _ => None,
        };
        if let Some(svc) = &sv_codes {
            let mut a: Vec<&str> = codes.iter().map(|(c, _)| c.as_str()).collect();
            let mut b: Vec<&str> = svc.iter().map(|(c, _)| c.as_str()).collect();
            a.sort_unstable();
            b.sort_unstable();
            if a != b {
                return unparsed(format!(
                    "Finnish and Swedish texts list different codes ({} vs {})",
                    a.join(","),
                    b.join(",")
                ));
            }
        }
        let fi_is_primary = fi.is_some();
        let entries = codes
            .into_iter()
            .map(|(code, display)| {
                let sv_display = sv_codes
                    .as_ref()
                    .and_then(|s| s.iter().find(|(c, _)| *c == code))
                    .map(|(_, d)| d.clone());
                if fi_is_primary {
                    CodeEntry {
                        code,
                        fi: Some(display),
                        sv: sv_display,
                    }
                } else {
                    CodeEntry {
                        code,
                        fi: None,
                        sv: Some(display),
                    }
                }
            })
            .collect();
        ValueSet::Codes { entries, notes }
    }

    /// The codes, when the text was read with certainty.
    pub fn entries(&self) -> Option<&[CodeEntry]> {
        match self {
            ValueSet::Codes { entries, .. } => Some(entries),
            ValueSet::Unparsed { .. } => None,
        }
    }

    /// The entry for `code`, when the text was read with certainty.
    pub fn get(&self, code: &str) -> Option<&CodeEntry> {
        self.entries()?.iter().find(|e| e.code == code)
    }

    /// The display text of `code` in `lang` (`fi` or `sv`), when the definition gives one
    /// in that language; `None` for other languages.
    pub fn display(&self, code: &str, lang: &Lang) -> Option<&str> {
        let e = self.get(code)?;
        match lang {
            Lang::Fi => e.fi.as_deref(),
            Lang::Sv => e.sv.as_deref(),
            _ => None,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::text::LangText;

    fn texts(pairs: &[(&str, &str)]) -> Texts {
        Texts(
            pairs
                .iter()
                .map(|(l, v)| LangText {
                    lang: Lang::parse(l),
                    value: v.to_string(),
                })
                .collect(),
        )
    }

    fn codes(vs: &ValueSet) -> Vec<(&str, Option<&str>, Option<&str>)> {
        vs.entries()
            .expect("parsed")
            .iter()
            .map(|e| (e.code.as_str(), e.fi.as_deref(), e.sv.as_deref()))
            .collect()
    }

    #[test]
    fn lines_with_trailing_commas() {
        let vs = ValueSet::parse(&texts(&[
            ("fi", "31 = Huoltaja, \n32 = Edunvalvoja,\n33 = Valtuutettu"),
            (
                "sv",
                "31 = Vårdnadshavare, \n32 = Intressebevakare,\n33 = Befullmäktigad",
            ),
        ]));
        assert_eq!(
            codes(&vs),
            vec![
                ("31", Some("Huoltaja"), Some("Vårdnadshavare")),
                ("32", Some("Edunvalvoja"), Some("Intressebevakare")),
                ("33", Some("Valtuutettu"), Some("Befullmäktigad")),
            ]
        );
    }

    #[test]
    fn display_in_the_language_asked() {
        let vs = ValueSet::parse(&texts(&[
            ("fi", "31 = Huoltaja, \n32 = Edunvalvoja"),
            ("sv", "31 = Vårdnadshavare, \n32 = Intressebevakare"),
        ]));
        assert_eq!(vs.display("32", &Lang::Sv), Some("Intressebevakare"));
        assert_eq!(vs.display("32", &Lang::Fi), Some("Edunvalvoja"));
        assert_eq!(vs.display("99", &Lang::Fi), None);
        assert_eq!(vs.display("31", &Lang::Unlabelled), None);
        let fi_only = ValueSet::parse(&texts(&[("fi", "1 = Kyllä")]));
        assert_eq!(fi_only.display("1", &Lang::Sv), None);
    }

    #[test]
    fn commas_inside_display_and_loose_spacing() {
        let vs = ValueSet::parse(&texts(&[
            ("fi", "1 = Ajokortti (Suomi), 3 = Henkilökortti (ETA-maat, Sveitsi, San Marino), 4 =  Passi"),
            ("sv", "1 = Körkort, 3 = Identitetskort (EES-länder, Schweiz),4= Pass"),
        ]));
        let c = codes(&vs);
        assert_eq!(
            c[1],
            (
                "3",
                Some("Henkilökortti (ETA-maat, Sveitsi, San Marino)"),
                Some("Identitetskort (EES-länder, Schweiz)")
            )
        );
        assert_eq!(c[2], ("4", Some("Passi"), Some("Pass")));
    }

    #[test]
    fn letter_codes_and_preamble() {
        let vs = ValueSet::parse(&texts(&[(
            "fi",
            "Sisäinen luokitus: 1 = Isyys, 2 = Äitiys",
        )]));
        match &vs {
            ValueSet::Codes { entries, notes } => {
                assert_eq!(entries.len(), 2);
                assert!(notes[0].contains("Sisäinen luokitus"));
            }
            other => panic!("{other:?}"),
        }
        let vs = ValueSet::parse(&texts(&[(
            "fi",
            "Y30 = Asiakkaasta johtuva syy,\nY32 = Organisaatiosta",
        )]));
        assert_eq!(codes(&vs)[0].0, "Y30");
    }

    #[test]
    fn refuses_to_guess() {
        for text in [
            "Luokan 5 alaluokat",
            "FI suomi, SV ruotsi",
            "Vanhempi, Muu henkilö",
            "",
        ] {
            let vs = ValueSet::parse(&texts(&[("fi", text)]));
            assert!(matches!(vs, ValueSet::Unparsed { .. }), "{text}: {vs:?}");
        }
        let vs = ValueSet::parse(&texts(&[("fi", "1 = A, 2 = B"), ("sv", "1 = A, 3 = C")]));
        assert!(matches!(vs, ValueSet::Unparsed { .. }));
    }

    #[test]
    fn split_entries_per_language_are_joined() {
        let vs = ValueSet::parse(&texts(&[
            ("fi", "1 = Myönteinen ratkaisu"),
            ("sv", "1 = Positivt beslut"),
            ("fi", "2 = Kielteinen ratkaisu"),
            ("sv", "2 = Negativt beslut"),
        ]));
        assert_eq!(codes(&vs).len(), 2);
        assert!(vs.get("2").unwrap().display_matches("negativt  BESLUT"));
    }
}
