//! Hand-written matchers for the release's most used `pattern`s.
//!
//! Almost every `pattern` of a release is one of three families: the date pattern
//! ([`DATE`], about a thousand uses), the date-time pattern ([`DATE_TIME`]) and the OID
//! URN patterns `^urn:oid:<OID>(\.\d+)*$` (hundreds, one per OID). [`Matcher::recognize`]
//! knows these exact pattern texts at compile time and answers them with a few byte
//! comparisons instead of a DFA search; every other pattern keeps the DFA and the regex.
//! Each pattern is anchored at both ends (`^…$`, `$` only at the very end, as the
//! ECMA-262 translation gives it, no line break allowed before it), so the unanchored
//! search the dialect runs is a whole-string match, and `\d`/`[0-9]` are ASCII digits
//! only. A test checks each matcher against the regex on many generated strings.

/// The date pattern (`YYYY`, `YYYY-MM` or `YYYY-MM-DD`, a year of four digits with an
/// optional minus, a day `00`–`31`).
pub(super) const DATE: &str = r"^-?[0-9]{4}(-(0[1-9]|1[0-2])(-(0[0-9]|[1-2][0-9]|3[0-1]))?)?$";

/// The date-time pattern: the date pattern, and after a full date optionally
/// `Thh:mm:ss`, a fraction and a zone (`Z`, or `±hh:mm` up to `±13:59`, or `±14:00`).
pub(super) const DATE_TIME: &str = r"^-?[0-9]{4}(-(0[1-9]|1[0-2])(-(0[0-9]|[1-2][0-9]|3[0-1])(T([01][0-9]|2[0-3]):[0-5][0-9]:[0-5][0-9](\.[0-9]+)?(Z|(\+|-)((0[0-9]|1[0-3]):[0-5][0-9]|14:00)))?)?)?$";

/// The text before the OID of an OID URN pattern.
const OID_START: &str = "^urn:oid:";

/// The text after the OID of an OID URN pattern: any further arcs.
const OID_END: &str = r"(\.\d+)*$";

/// A pattern answered by hand.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) enum Matcher {
    /// [`DATE`].
    Date,
    /// [`DATE_TIME`].
    DateTime,
    /// `^urn:oid:<OID>(\.\d+)*$`: `urn:oid:` and this OID (as matched, dots unescaped),
    /// then any number of `.` and digits.
    OidUrn(Box<str>),
}

impl Matcher {
    /// The matcher for a pattern text, if it is one of the known families.
    pub(super) fn recognize(source: &str) -> Option<Matcher> {
        match source {
            DATE => return Some(Matcher::Date),
            DATE_TIME => return Some(Matcher::DateTime),
            _ => {}
        }
        let oid = source.strip_prefix(OID_START)?.strip_suffix(OID_END)?;
        // The OID: arcs of digits separated by `\.`, nothing else.
        let mut text = String::with_capacity(oid.len());
        for (i, arc) in oid.split(r"\.").enumerate() {
            if arc.is_empty() || !arc.bytes().all(|b| b.is_ascii_digit()) {
                return None;
            }
            if i > 0 {
                text.push('.');
            }
            text.push_str(arc);
        }
        Some(Matcher::OidUrn(format!("urn:oid:{text}").into()))
    }

    /// True when the pattern matches `s`.
    #[inline]
    pub(super) fn is_match(&self, s: &str) -> bool {
        let s = s.as_bytes();
        match self {
            Matcher::Date => date(s).is_some_and(<[u8]>::is_empty),
            Matcher::DateTime => date_time(s),
            Matcher::OidUrn(prefix) => s.strip_prefix(prefix.as_bytes()).is_some_and(further_arcs),
        }
    }
}

/// `(\.\d+)*` over the whole of `s`.
fn further_arcs(mut s: &[u8]) -> bool {
    while let Some((b'.', rest)) = s.split_first() {
        let digits = rest.iter().take_while(|b| b.is_ascii_digit()).count();
        if digits == 0 {
            return false;
        }
        s = &rest[digits..];
    }
    s.is_empty()
}

/// Two ASCII digits at the start of `s`, as a number.
#[inline]
fn two_digits(s: &[u8]) -> Option<u8> {
    match s {
        [a @ b'0'..=b'9', b @ b'0'..=b'9', ..] => Some((a - b'0') * 10 + (b - b'0')),
        _ => None,
    }
}

/// `-?[0-9]{4}(-(0[1-9]|1[0-2])(-DD)?)?` at the start of `s`, taking as much as the
/// pattern can (taking less never helps: what is left would start with `-`): what
/// follows it and whether the date went on to the day, or `None` when not even a year
/// is there.
fn date_parts(s: &[u8]) -> Option<(&[u8], bool)> {
    let s = s.strip_prefix(b"-").unwrap_or(s);
    let (year, rest) = s.split_first_chunk::<4>()?;
    if !year.iter().all(u8::is_ascii_digit) {
        return None;
    }
    // `-MM`: a month 01–12. A `-` that starts no month is left over (and fails `$`).
    let month = match rest {
        [b'-', m @ ..] => two_digits(m).filter(|m| (1..=12).contains(m)),
        _ => None,
    };
    if month.is_none() {
        return Some((rest, false));
    }
    let rest = &rest[3..];
    // `-DD`: a day 00–31.
    let day = match rest {
        [b'-', d @ ..] => two_digits(d).filter(|d| *d <= 31),
        _ => None,
    };
    if day.is_none() {
        return Some((rest, false));
    }
    Some((&rest[3..], true))
}

/// The date pattern without `$`: what follows the date.
fn date(s: &[u8]) -> Option<&[u8]> {
    date_parts(s).map(|(rest, _)| rest)
}

/// The whole date-time pattern.
fn date_time(s: &[u8]) -> bool {
    let Some((rest, full_date)) = date_parts(s) else {
        return false;
    };
    if rest.is_empty() {
        return true;
    }
    // Only a full date goes on, to a time with its zone.
    if !full_date {
        return false;
    }
    let Some((b'T', rest)) = rest.split_first() else {
        return false;
    };
    // hh:mm:ss, hh 00–23, mm and ss 00–59.
    let Some((time, rest)) = rest.split_first_chunk::<8>() else {
        return false;
    };
    let ok = two_digits(&time[0..2]).is_some_and(|h| h <= 23)
        && time[2] == b':'
        && two_digits(&time[3..5]).is_some_and(|m| m <= 59)
        && time[5] == b':'
        && two_digits(&time[6..8]).is_some_and(|s| s <= 59);
    if !ok {
        return false;
    }
    // A fraction: `.` and at least one digit.
    let rest = match rest {
        [b'.', frac @ ..] => {
            let digits = frac.iter().take_while(|b| b.is_ascii_digit()).count();
            if digits == 0 {
                return false;
            }
            &frac[digits..]
        }
        _ => rest,
    };
    // The zone: `Z`, or a sign and (00–13):(00–59), or 14:00.
    match rest {
        [b'Z'] => true,
        [b'+' | b'-', zone @ ..] => match zone {
            [_, _, b':', _, _] => match (two_digits(zone), two_digits(&zone[3..])) {
                (Some(h), Some(m)) => (h <= 13 && m <= 59) || (h == 14 && m == 0),
                _ => false,
            },
            _ => false,
        },
        _ => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The regex the dialect would run for a pattern (the same translation).
    fn regex(source: &str) -> regex::Regex {
        let translated = jsonschema_regex::to_rust_regex(source).expect("translates");
        regex::Regex::new(&translated).expect("compiles")
    }

    use fastrand::Rng;

    /// The characters mutations put in: the patterns' own bytes, their neighbours, a
    /// line break and non-ASCII digits.
    const ALPHABET: [char; 26] = [
        '0',
        '1',
        '2',
        '3',
        '4',
        '5',
        '6',
        '9',
        '-',
        '+',
        ':',
        '.',
        'T',
        'Z',
        't',
        'z',
        ' ',
        '\n',
        '/',
        'u',
        'x',
        '\u{0663}',
        '\u{ff11}',
        '\u{e4}',
        '\u{1d7ce}',
        '\0',
    ];

    /// Each seed, and every single-character change of it: each character replaced by
    /// each of [`ALPHABET`], each removed, each of [`ALPHABET`] put in at each place,
    /// every truncation, and a line break before and after.
    fn mutants(seeds: &[String]) -> Vec<String> {
        let mut out = Vec::new();
        for seed in seeds {
            let chars: Vec<char> = seed.chars().collect();
            out.push(seed.clone());
            out.push(format!("{seed}\n"));
            out.push(format!("\n{seed}"));
            out.push(format!("x{seed}"));
            for i in 0..=chars.len() {
                out.push(chars[..i].iter().collect());
                for c in ALPHABET {
                    let mut ins = chars.clone();
                    ins.insert(i, c);
                    out.push(ins.into_iter().collect());
                    if i < chars.len() {
                        let mut rep = chars.clone();
                        rep[i] = c;
                        out.push(rep.into_iter().collect());
                    }
                }
                if i < chars.len() {
                    let mut del = chars.clone();
                    del.remove(i);
                    out.push(del.into_iter().collect());
                }
            }
        }
        out
    }

    /// Random strings of up to 40 characters, mostly from [`ALPHABET`].
    fn random(rng: &mut Rng, n: usize, prefix: &str) -> Vec<String> {
        (0..n)
            .map(|_| {
                let mut s = String::from(&prefix[..rng.usize(..prefix.len() + 1)]);
                for _ in 0..rng.usize(..41) {
                    s.push(ALPHABET[rng.usize(..ALPHABET.len())]);
                }
                s
            })
            .collect()
    }

    fn agree(source: &str, subjects: &[String]) -> (usize, usize) {
        let m = Matcher::recognize(source).expect("recognized");
        let r = regex(source);
        let mut matched = 0;
        for s in subjects {
            let ours = m.is_match(s);
            assert_eq!(ours, r.is_match(s), "{source} on {s:?}");
            matched += usize::from(ours);
        }
        (matched, subjects.len() - matched)
    }

    fn dates() -> Vec<String> {
        let mut seeds = Vec::new();
        for year in ["2024", "0000", "9999", "-2024", "1999"] {
            seeds.push(year.to_string());
            for month in 0..=19 {
                seeds.push(format!("{year}-{month:02}"));
            }
            for day in 0..=39 {
                seeds.push(format!("{year}-02-{day:02}"));
            }
        }
        seeds
    }

    #[test]
    fn the_date_matcher_is_the_regex() {
        let seeds = dates();
        let (yes, no) = agree(DATE, &mutants(&seeds));
        assert!(yes > 1000 && no > 10_000, "{yes} {no}");
        let (yes, no) = agree(DATE, &random(&mut Rng::with_seed(7), 20_000, "2024-12-31"));
        assert!(yes > 100 && no > 1000, "{yes} {no}");
    }

    #[test]
    fn the_date_time_matcher_is_the_regex() {
        let mut seeds = dates();
        for time in [
            "00:00:00", "23:59:59", "24:00:00", "19:60:00", "12:00:60", "09:05:07",
        ] {
            for frac in ["", ".5", ".123456", "."] {
                for zone in [
                    "Z", "+00:00", "-13:59", "+14:00", "+14:01", "-15:00", "+02", "",
                ] {
                    seeds.push(format!("2024-02-29T{time}{frac}{zone}"));
                }
            }
        }
        seeds.push("2024-02T10:00:00Z".into());
        seeds.push("2024T10:00:00Z".into());
        let (yes, no) = agree(DATE_TIME, &mutants(&seeds));
        assert!(yes > 2000 && no > 50_000, "{yes} {no}");
        let (yes, no) = agree(
            DATE_TIME,
            &random(
                &mut Rng::with_seed(11),
                20_000,
                "2024-12-31T23:59:59.5+14:00",
            ),
        );
        assert!(yes > 30 && no > 1000, "{yes} {no}");
    }

    #[test]
    fn the_oid_urn_matcher_is_the_regex() {
        for source in [
            r"^urn:oid:1\.2\.246\.537\.6\.202(\.\d+)*$",
            r"^urn:oid:1\.2\.246\.537\.5\.40161(\.\d+)*$",
            r"^urn:oid:1(\.\d+)*$",
        ] {
            let oid = source[9..source.len() - 9].replace(r"\.", ".");
            let base = format!("urn:oid:{oid}");
            let seeds: Vec<String> = ["", ".1", ".12.345", ".0.0.0", ".", "..1", ".1.", "1"]
                .iter()
                .map(|tail| format!("{base}{tail}"))
                .collect();
            let (yes, no) = agree(source, &mutants(&seeds));
            assert!(yes > 50 && no > 1000, "{source}: {yes} {no}");
            let (yes, no) = agree(
                source,
                &random(&mut Rng::with_seed(3), 20_000, &format!("{base}.1")),
            );
            assert!(yes > 30 && no > 1000, "{source}: {yes} {no}");
        }
    }

    #[test]
    fn only_the_known_pattern_texts_are_recognized() {
        assert_eq!(Matcher::recognize(DATE), Some(Matcher::Date));
        assert_eq!(Matcher::recognize(DATE_TIME), Some(Matcher::DateTime));
        assert_eq!(
            Matcher::recognize(r"^urn:oid:1\.2\.246(\.\d+)*$"),
            Some(Matcher::OidUrn("urn:oid:1.2.246".into()))
        );
        for other in [
            r"^-?[0-9]{4}(-(0[1-9]|1[0-2]))?$",
            &DATE[..DATE.len() - 1],
            r"^urn:oid:1\.2\.246(\.\d+)*",
            r"urn:oid:1\.2\.246(\.\d+)*$",
            r"^urn:oid:1.2\.246(\.\d+)*$",
            r"^urn:oid:(\.\d+)*$",
            r"^urn:oid:1\.\.2(\.\d+)*$",
            r"^urn:oid:1\.2\.(\.\d+)*$",
            r"^urn:oid:\.1(\.\d+)*$",
            r"^urn:oid:1\.2x(\.\d+)*$",
            r"^urn:oid:1\.2\.246(\.\d+)+$",
        ] {
            assert_eq!(Matcher::recognize(other), None, "{other}");
        }
    }
}
