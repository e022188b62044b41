//! The conditions of conditionally required elements (*ehdollinen pakollisuus*), read
//! from the Finnish prose of the definitions into a small typed form.
//!
//! An element marked `conditionalRequired: true` states in its `implementationNote`
//! (sometimes in its `description`) when it is required, e.g. *"Ehdollisesti pakollinen:
//! Henkilötunnus- ja Tilapäinen yksilöintitunnus -kentistä toinen on pakollinen."* The
//! reader here recognises the phrasings the release uses for
//!
//! - either/or groups (*"X tai Y on pakollinen"*, *"X- ja Y -kentistä toinen"*, *"yksi
//!   seuraavista kentistä"*, *"joko … tai …"*, *"tämä tai X"*), optionally with *"toiseen
//!   kentistä on vastattava kyllä"* → [`Condition::OneOf`];
//! - a Kytkin answered yes or no (*"jos X -kenttään on vastattu "ei""*, *"jos kytkin "X" on
//!   asennossa kyllä"*, *"mikäli kenttä "X" on valittu"*) → [`Condition::IfBool`];
//! - a code chosen (*"jos X-kentän luokituksesta on valittu luokka 4"*, *"… on valittu 31 =
//!   Huoltaja, … tai 34 = Valtuutettu"*) → [`Condition::IfCode`];
//! - an element left empty or filled in (*"jos X-kenttä jätetään tyhjäksi"*, *"jos X
//!   täytetään"*) → [`Condition::IfAbsent`], [`Condition::IfPresent`].
//!
//! Every element named must resolve to exactly one real element of the definition, found
//! among the siblings first and then ever wider around the element (the subtree of the
//! parent, of the grandparent, …); the nearest match wins and a tie at the same distance
//! is ambiguous. Anything else — conditions about facts outside the document (*"jos
//! asiakas on vähintään 18-vuotias"*), a name that resolves to nothing, several
//! conditions joined — is [`Condition::Unreadable`], with the reason.
//!
//! [`conditions`] reads every condition of a definition; [`Condition::holds`] evaluates
//! one against a document through a lookup the caller supplies (the validator reads its
//! own JSON tree, the sample generator a `serde_json::Value`).

use crate::definition::Definition;
use crate::element::{Element, Kind};
use crate::representation::Representation;
use crate::text::normalize;

/// A reference from a condition to another element of the same definition.
///
/// The referenced value is found in a document by going [`up`](ElementRef::up) object
/// levels from the object that holds the conditional element (0: a sibling), then down
/// along [`keys`](ElementRef::keys); arrays on the way are stepped through (each item is
/// a candidate).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ElementRef {
    /// Object levels above the conditional element's parent object (0 = a sibling).
    pub up: usize,
    /// The JSON keys from that object down to the element (array items are implicit).
    pub keys: Vec<String>,
    /// The element's Finnish name, as the definition gives it.
    pub name: String,
    /// The element's representation, if it has one.
    pub representation: Option<Representation>,
}

/// When a conditionally required element is required, as read from its prose.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Condition {
    /// One of a group (the element and `others`) must be given: the element is required
    /// while none of `others` is present, or, with `answered_yes`, while none of them is
    /// `true` (*"toiseen kentistä on vastattava kyllä"*).
    OneOf {
        /// The other members of the group.
        others: Vec<ElementRef>,
        /// Whether a member counts only when it is a Kytkin answered `true`.
        answered_yes: bool,
    },
    /// Required when any of these elements is present (*"jos X täytetään"*).
    IfPresent(Vec<ElementRef>),
    /// Required when all of these elements are absent (*"jos X jätetään tyhjäksi"*).
    IfAbsent(Vec<ElementRef>),
    /// Required when any of these Kytkins is present with this answer (*"on vastattu
    /// "ei""*, *"jos jompikumpi seuraavista kytkimistä on asennossa kyllä"*).
    IfBool(Vec<ElementRef>, bool),
    /// Required when the Koodi's `code` is one of these (*"on valittu luokka 2"*).
    IfCode(ElementRef, Vec<String>),
    /// The prose could not be read mechanically; the reason says why.
    Unreadable(String),
}

/// What a lookup found at an [`ElementRef`] in a document.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Seen<'a> {
    /// Nothing there.
    Absent,
    /// A boolean (a Kytkin).
    Bool(bool),
    /// A coded value with this `code` (a Koodi).
    Code(&'a str),
    /// Some other value.
    Present,
}

impl Seen<'_> {
    fn present(self) -> bool {
        self != Seen::Absent
    }
}

impl Condition {
    /// True when the condition could be read.
    pub fn is_readable(&self) -> bool {
        !matches!(self, Condition::Unreadable(_))
    }

    /// Whether the element is required in a document: `look` tells what the document
    /// holds at a reference (the first value found, if several). `None` for an
    /// unreadable condition.
    pub fn holds<'a>(&self, mut look: impl FnMut(&ElementRef) -> Seen<'a>) -> Option<bool> {
        Some(match self {
            Condition::OneOf {
                others,
                answered_yes,
            } => !others.iter().any(|r| {
                let s = look(r);
                if *answered_yes && r.representation == Some(Representation::Kytkin) {
                    s == Seen::Bool(true)
                } else {
                    s.present()
                }
            }),
            Condition::IfPresent(refs) => refs.iter().any(|r| look(r).present()),
            Condition::IfAbsent(refs) => refs.iter().all(|r| !look(r).present()),
            Condition::IfBool(refs, want) => refs.iter().any(|r| look(r) == Seen::Bool(*want)),
            Condition::IfCode(r, codes) => match look(r) {
                Seen::Code(c) => codes.iter().any(|w| w == c.trim()),
                _ => false,
            },
            Condition::Unreadable(_) => return None,
        })
    }

    /// The elements the condition refers to.
    pub fn refs(&self) -> Vec<&ElementRef> {
        match self {
            Condition::OneOf { others, .. } => others.iter().collect(),
            Condition::IfPresent(r) | Condition::IfAbsent(r) | Condition::IfBool(r, _) => {
                r.iter().collect()
            }
            Condition::IfCode(r, _) => vec![r],
            Condition::Unreadable(_) => Vec::new(),
        }
    }

    /// A short English rendering, e.g. `one of [Henkilötunnus] absent`.
    pub fn describe(&self) -> String {
        let names = |rs: &[ElementRef]| {
            rs.iter()
                .map(|r| format!("`{}`", r.name))
                .collect::<Vec<_>>()
                .join(", ")
        };
        match self {
            Condition::OneOf {
                others,
                answered_yes: false,
            } => format!("none of {} is given", names(others)),
            Condition::OneOf {
                others,
                answered_yes: true,
            } => format!("none of {} is answered yes", names(others)),
            Condition::IfPresent(r) => format!("{} is given", names(r)),
            Condition::IfAbsent(r) => format!("{} is left empty", names(r)),
            Condition::IfBool(r, b) => {
                format!("{} is answered {}", names(r), if *b { "yes" } else { "no" })
            }
            Condition::IfCode(r, c) => format!("`{}` has code {}", r.name, c.join(" or ")),
            Condition::Unreadable(why) => format!("unreadable: {why}"),
        }
    }
}

/// One conditionally required element of a definition with its condition.
#[derive(Debug, Clone)]
pub struct Conditional<'d> {
    /// Where the element's values sit in a document, from the schema root, array items
    /// written `/*` (as [`crate::WalkItem::data_path`] from the root), e.g.
    /// `/asiakkuusasiakirja/asiakas/henkilotunnus`.
    pub data_path: String,
    /// The element (the array, for a repeatable element).
    pub element: &'d Element,
    /// The condition's prose, whitespace collapsed (empty when the definition gives none).
    pub text: String,
    /// The condition read from it.
    pub condition: Condition,
}

/// Every conditionally required element of `def`, in document order, with its condition.
pub fn conditions(def: &Definition) -> Vec<Conditional<'_>> {
    let mut out = Vec::new();
    let mut chain = Vec::new();
    visit(&def.root, &mut chain, String::new(), &mut out);
    out
}

impl Definition {
    /// Every conditionally required element with its condition; see [`conditions`].
    /// The prose is read on each call (nothing is cached): call once per definition and
    /// keep the result, as the validator's per-definition plan does.
    pub fn conditions(&self) -> Vec<Conditional<'_>> {
        conditions(self)
    }
}

/// `chain`: the objects from the root down to `el`'s parent object.
fn visit<'d>(
    el: &'d Element,
    chain: &mut Vec<&'d Element>,
    data_path: String,
    out: &mut Vec<Conditional<'d>>,
) {
    let obj = el.item();
    let mut path = data_path;
    if el.kind == Kind::Array && !std::ptr::eq(obj, el) {
        path.push_str("/*");
    }
    if obj.kind != Kind::Object {
        return;
    }
    chain.push(obj);
    for child in obj.children() {
        let mut p = path.clone();
        p.push('/');
        p.push_str(&crate::element::escape_pointer(&child.key));
        if child.is_conditional_required() {
            let text = condition_text(child);
            let condition = if text.is_empty() {
                Condition::Unreadable("the definition states no condition".into())
            } else {
                parse(&text, child, chain)
            };
            out.push(Conditional {
                data_path: p.clone(),
                element: child,
                text,
                condition,
            });
        }
        visit(child, chain, p, out);
    }
    chain.pop();
}

/// The prose that states the condition: the Finnish implementation note, else the
/// description when it speaks of being required.
fn condition_text(el: &Element) -> String {
    let meta = el.meta();
    let fi = |t: Option<&crate::Texts>| {
        t.and_then(|t| t.fi().or_else(|| t.values().next()))
            .map(|s| s.split_whitespace().collect::<Vec<_>>().join(" "))
            .filter(|s| !s.is_empty())
    };
    fi(meta.and_then(|m| m.implementation_note.as_ref()))
        .or_else(|| {
            fi(meta.and_then(|m| m.description.as_ref())).filter(|d| d.contains("pakollinen"))
        })
        .unwrap_or_default()
}

/// The words that answer a Kytkin, quoted in the prose but never names.
const ANSWERS: &[&str] = &["kyllä", "ei", "muu"];

/// Read one condition. `chain`: the objects from the root to the element's parent.
fn parse(text: &str, el: &Element, chain: &[&Element]) -> Condition {
    let norm = text.replace(['”', '“', '„'], "\"");
    let lower = norm.to_lowercase();
    // The part after the marker, if any; the sentence that says "pakollinen" otherwise.
    let body = ["ehdollisesti pakollinen:", "ehdollinen pakollisuus:"]
        .iter()
        .find_map(|m| lower.find(m).map(|i| &lower[i + m.len()..]))
        .map(str::trim)
        .unwrap_or(&lower);
    let sentence = first_sentence_with(body, "pakollinen").unwrap_or(body);
    let answered_yes =
        body.contains("on vastattava \"kyllä") || body.contains("on vastattava kyllä");
    let resolver = Resolver { el, chain };
    if let Some(names) = one_of_names(sentence) {
        let mut others = Vec::new();
        let mut saw_self = false;
        for n in names {
            if is_self(&n) || resolver.is_self_name(&n) {
                saw_self = true;
                continue;
            }
            match resolver.resolve(&n) {
                Ok(r) => others.push(r),
                Err(e) => return Condition::Unreadable(e),
            }
        }
        // `Toinen X -tietokokonaisuuksista on pakollinen`: two groups of the same name.
        if saw_self && others.is_empty() && sentence.contains("tietokokonaisuuksista") {
            if let Some(name) = names_of(el).next() {
                match resolver.resolve(&name) {
                    Ok(other) => others.push(other),
                    Err(e) => return Condition::Unreadable(e),
                }
            }
        }
        if !saw_self {
            return Condition::Unreadable(
                "an either/or group that does not name the element".into(),
            );
        }
        if others.is_empty() {
            return Condition::Unreadable("an either/or group with no other member".into());
        }
        return Condition::OneOf {
            others,
            answered_yes,
        };
    }
    match if_clause(sentence) {
        Some(clause) => {
            // `jos X, tai siihen on vastattu ei, …`: a second condition; `on tämä kenttä
            // tai Y pakollinen`: alternatives under the condition. Neither is read.
            let after = sentence
                .find(clause)
                .map(|i| sentence[i + clause.len()..].trim_start_matches([',', ' ']))
                .unwrap_or("");
            if after.starts_with("tai ") || after.starts_with("ja ") {
                return Condition::Unreadable("several conditions joined".into());
            }
            if sentence.contains("tämä kenttä tai ") {
                return Condition::Unreadable("alternatives required under a condition".into());
            }
            parse_if(clause, &resolver)
        }
        None => Condition::Unreadable("no either/or group and no if-clause".into()),
    }
}

fn is_self(n: &str) -> bool {
    matches!(
        n,
        "tämä" | "tämä kenttä" | "joko tämä kenttä" | "tämä kohta"
    )
}

/// The first sentence of `s` (split at `. `) that contains `word`.
fn first_sentence_with<'s>(s: &'s str, word: &str) -> Option<&'s str> {
    let mut rest = s;
    loop {
        // A period inside quotes does not end a sentence.
        let mut in_quote = false;
        let mut end = None;
        for (i, c) in rest.char_indices() {
            match c {
                '"' => in_quote = !in_quote,
                '.' if !in_quote && rest[i + 1..].starts_with(' ') => {
                    end = Some(i);
                    break;
                }
                _ => {}
            }
        }
        let (sent, next) = match end {
            Some(i) => (&rest[..i], &rest[i + 1..]),
            None => (rest, ""),
        };
        if sent.contains(word) {
            return Some(sent.trim().trim_end_matches('.'));
        }
        if next.is_empty() {
            return None;
        }
        rest = next.trim_start();
    }
}

/// The quoted strings of `s` that are not answers or codes.
fn quoted(s: &str) -> Vec<String> {
    s.split('"')
        .skip(1)
        .step_by(2)
        .map(clean_name)
        .filter(|q| !q.is_empty() && !ANSWERS.contains(&q.as_str()) && !is_code_text(q))
        .collect()
}

/// A quoted code with or without its text (`10`, `99 muu`), not a name (`1. kuinka …`).
fn is_code_text(q: &str) -> bool {
    let digits = q.chars().take_while(char::is_ascii_digit).count();
    digits > 0 && (q.len() == digits || q[digits..].starts_with(' '))
}

/// A name as written, without the words around it (`-kenttä`, quotes, punctuation).
fn clean_name(s: &str) -> String {
    let mut n = normalize(s).replace(" (otsikkoa ei näytetä)", "");
    loop {
        let before = n.len();
        n = n
            .trim_matches(|c: char| c == '"' || c == '\'' || c == ',' || c == ':' || c == ' ')
            .to_string();
        for suffix in [
            " -kenttä",
            "-kenttä",
            " -kentistä",
            "-kentistä",
            " kenttä",
            " -tietokokonaisuus",
            "-tietokokonaisuus",
        ] {
            if let Some(x) = n.strip_suffix(suffix) {
                n = x.to_string();
            }
        }
        n = n.trim_end_matches(['-', '.', ' ']).to_string();
        if n.len() == before {
            return n;
        }
    }
}

/// The names of an either/or group, if the sentence states one.
fn one_of_names(s: &str) -> Option<Vec<String>> {
    if s.contains("jos ") || s.contains("mikäli ") {
        return None;
    }
    let group = [
        "toinen on pakollinen",
        "yksi on pakollinen",
        "seuraavista",
        "toinen kentistä",
        "joko ",
        "tämä tai ",
        "kentistä toinen",
        "tietokokonaisuuksista toinen",
        "-tietokokonaisuuksista on pakollinen",
    ];
    if !group.iter().any(|g| s.contains(g)) {
        return None;
    }
    let q = quoted(s);
    let mut names: Vec<String> = if !q.is_empty() {
        let mut v = q;
        if s.starts_with("tämä tai") || s.starts_with("joko tämä") {
            v.push("tämä".into());
        }
        v
    } else {
        let mut t = s.to_string();
        if let Some(i) = t.find("pakollinen:") {
            t = t[i + "pakollinen:".len()..].to_string();
        }
        for pre in ["toinen kentistä ", "joko ", "toinen "] {
            if let Some(x) = t.strip_prefix(pre) {
                t = x.to_string();
            }
        }
        for suf in [
            " on pakollinen",
            " -kentistä toinen",
            "-kentistä toinen",
            " -kentistä yksi",
            " -tietokokonaisuuksista toinen",
            " tietokokonaisuuksista toinen",
            "-tietokokonaisuuksista toinen",
            " -tietokokonaisuuksista",
        ] {
            if let Some(i) = t.find(suf) {
                t.truncate(i);
            }
        }
        t.replace(" ja ", ", ")
            .replace(" tai ", ", ")
            .split(", ")
            .map(clean_name)
            .filter(|n| !n.is_empty())
            .collect()
    };
    names.dedup();
    Some(names)
}

/// The clause after `jos`/`mikäli`, up to the next comma outside quotes, or the end.
fn if_clause(s: &str) -> Option<&str> {
    let start = ["jos ", "mikäli "]
        .iter()
        .filter_map(|w| {
            s.match_indices(w)
                .find(|(i, _)| *i == 0 || s[..*i].ends_with(' '))
                .map(|(i, _)| i + w.len())
        })
        .min()?;
    let rest = &s[start..];
    let mut in_quote = false;
    for (i, c) in rest.char_indices() {
        match c {
            '"' => in_quote = !in_quote,
            ',' if !in_quote
                && !rest[i + 1..]
                    .trim_start()
                    .starts_with(|c: char| c.is_ascii_digit()) =>
            {
                // `31 = Huoltaja, 32 = …` continues a code list.
                return Some(rest[..i].trim());
            }
            _ => {}
        }
    }
    Some(rest.trim())
}

/// Read an if-clause (the text after `jos`/`mikäli`, lower case).
fn parse_if(clause: &str, r: &Resolver<'_>) -> Condition {
    let clause = clause.trim_end_matches(['.', ' ']);
    // Answers to a Kytkin.
    for (marker, want) in [
        (" on vastattu \"kyllä\"", true),
        (" on vastattu kyllä", true),
        (" on vastattu \"ei\"", false),
        (" on vastattu ei", false),
        (" on kirjattu \"kyllä\"", true),
        (" on asennossa kyllä eli valintaruutu on valittu", true),
        (" on asennossa \"kyllä\"", true),
        (" on asennossa kyllä", true),
        (" on valittu", true),
    ] {
        let Some(head) = clause.strip_suffix(marker) else {
            continue;
        };
        return if_answered(&names_in(head), want, r);
    }
    // `jompikumpi seuraavista kytkimistä on asennossa kyllä …: "a" tai "b"`.
    if let Some(rest) = clause.strip_prefix("jompikumpi seuraavista kytkimistä on asennossa kyllä")
    {
        return if_answered(&quoted(rest), true, r);
    }
    // A code chosen.
    if let Some(i) = clause.find(" on valittu ") {
        let head = &clause[..i];
        let tail = &clause[i + " on valittu ".len()..];
        let Some(codes) = codes_in(tail) else {
            return Condition::Unreadable(format!("no code in `{tail}`"));
        };
        let name = match single_name(head) {
            Some(n) => n,
            None => return Condition::Unreadable(format!("no single element named in `{head}`")),
        };
        return match r.resolve(&name) {
            Ok(e) if e.representation == Some(Representation::Koodi) => Condition::IfCode(e, codes),
            Ok(e) => {
                Condition::Unreadable(format!("`{}` has a code chosen but is not a Koodi", e.name))
            }
            Err(e) => Condition::Unreadable(e),
        };
    }
    // Left empty / filled in.
    for (marker, absent) in [
        (" jätetään tyhjäksi", true),
        (" on jätetty tyhjäksi", true),
        (" ovat tyhjiä", true),
        (" täytetään", false),
        (" on käytetty", false),
        (" on kirjattu", false),
    ] {
        let Some(head) = clause.strip_suffix(marker) else {
            continue;
        };
        let names = names_in(head);
        if names.is_empty() {
            return Condition::Unreadable(format!("no element named in `{head}`"));
        }
        let mut refs = Vec::new();
        for n in names {
            match r.resolve(&n) {
                Ok(e) => refs.push(e),
                Err(e) => return Condition::Unreadable(e),
            }
        }
        return if absent {
            Condition::IfAbsent(refs)
        } else {
            Condition::IfPresent(refs)
        };
    }
    Condition::Unreadable(format!("an if-clause not understood: `{clause}`"))
}

/// Any of the Kytkins named `names` answered `want`.
fn if_answered(names: &[String], want: bool, r: &Resolver<'_>) -> Condition {
    if names.is_empty() {
        return Condition::Unreadable("no element named as answered".into());
    }
    let mut refs = Vec::new();
    for n in names {
        match r.resolve(n) {
            Ok(e) if e.representation == Some(Representation::Kytkin) => refs.push(e),
            Ok(e) => {
                return Condition::Unreadable(format!(
                    "`{}` is answered but is not a Kytkin",
                    e.name
                ))
            }
            Err(e) => return Condition::Unreadable(e),
        }
    }
    Condition::IfBool(refs, want)
}

/// The codes at the start of `tail`: `luokka 2`, `koodi 99 muu`, `3 = …`, `"99 muu"`,
/// `31 = huoltaja, 32 = edunvalvoja … tai 34 = valtuutettu`.
fn codes_in(tail: &str) -> Option<Vec<String>> {
    let mut t = tail.trim();
    for pre in ["luokituksesta ", "luokka ", "koodi ", "luokan "] {
        if let Some(x) = t.strip_prefix(pre) {
            t = x;
        }
    }
    let t = t.trim_start_matches('"');
    let first: String = t.chars().take_while(char::is_ascii_digit).collect();
    if first.is_empty() {
        return None;
    }
    let mut codes = vec![first];
    // Further `, NN =` / `tai NN =` entries of a list.
    for part in t.split([',']).skip(1).flat_map(|p| p.split(" tai ")) {
        let p = part.trim();
        let c: String = p.chars().take_while(char::is_ascii_digit).collect();
        if !c.is_empty() && p[c.len()..].trim_start().starts_with('=') {
            codes.push(c);
        }
    }
    if tail.contains(" tai ") {
        for part in tail.split(" tai ").skip(1) {
            let p = part.trim();
            let c: String = p.chars().take_while(char::is_ascii_digit).collect();
            if !c.is_empty() && !codes.contains(&c) {
                codes.push(c);
            }
        }
    }
    Some(codes)
}

/// The one element named in the head of an if-clause, e.g. `henkilöä on kuultu
/// -kenttään`, `kenttään "x"`, `kytkin "x"`, `kuulemistapa-kentän luokituksesta`.
fn single_name(head: &str) -> Option<String> {
    let names = names_in(head);
    (names.len() == 1).then(|| names.into_iter().next().unwrap_or_default())
}

/// The elements named in the head of an if-clause: the quoted names, else the words
/// around `-kenttään`, `-kentän`, `-kentässä`, `-kenttä`.
fn names_in(head: &str) -> Vec<String> {
    // `kohdassa "osio" kenttään "x"`: x within the section, written `osio > x`.
    if let Some(rest) = head.strip_prefix("kohdassa \"") {
        if let Some((section, rest)) = rest.split_once('"') {
            let section = clean_name(section);
            return names_in(rest.trim())
                .into_iter()
                .map(|n| format!("{section} > {n}"))
                .collect();
        }
    }
    let q = quoted(head);
    if !q.is_empty() {
        // `kentät "a" ja "b" ovat tyhjiä`, `"a" tai "b" -kenttään`: several; a quoted
        // name plus unquoted words beside it are not understood.
        let outside: String = head.split('"').step_by(2).collect::<Vec<_>>().join(" ");
        let allowed = [
            "kenttään",
            "kenttä",
            "kentät",
            "kentän",
            "kentässä",
            "kytkin",
            "ja",
            "tai",
            "-kenttään",
            "-kenttä",
            "-kentän",
            "kentässä",
            "käytetystä",
            "luokituksesta",
            "käytettävästä",
            "olevasta",
            "kentistä",
            "edelliseen",
            "kenttää",
            "ja/",
            "ja/tai",
        ];
        if outside.split_whitespace().all(|w| {
            allowed.contains(&w.trim_matches(|c: char| c == ',' || c == '-'))
                || allowed.contains(&w)
        }) {
            return q;
        }
        return Vec::new();
    }
    let mut h = head.trim();
    for pre in ["kytkin ", "kenttään ", "kenttä ", "kentän "] {
        if let Some(x) = h.strip_prefix(pre) {
            h = x;
        }
    }
    for suf in [
        " olevasta luokituksesta",
        " käytetystä luokituksesta",
        " luokituksesta",
        " kentän kytkin",
        "-kentän kytkin",
    ] {
        if let Some(x) = h.strip_suffix(suf) {
            h = x;
        }
    }
    for suf in [
        " -kenttään",
        "-kenttään",
        " -kentän",
        "-kentän",
        " -kentässä",
        "-kentässä",
        " -kenttä",
        "-kenttä",
        " -tietokenttä",
        " -tietokenttää",
        " tietokenttä",
    ] {
        if let Some(x) = h.strip_suffix(suf) {
            h = x;
        }
    }
    let n = clean_name(h);
    if n.is_empty() {
        Vec::new()
    } else {
        vec![n]
    }
}

/// Finds elements by Finnish name around a conditional element.
struct Resolver<'d> {
    el: &'d Element,
    /// The objects from the root down to the element's parent.
    chain: &'d [&'d Element],
}

impl Resolver<'_> {
    fn is_self_name(&self, name: &str) -> bool {
        names_of(self.el).any(|n| n == name)
    }

    /// The nearest element named `name` (lower case, cleaned): among the siblings, then
    /// in the subtree of each ancestor in turn; the shallowest match at the first level
    /// that has one, which must be unique.
    fn resolve(&self, name: &str) -> Result<ElementRef, String> {
        if let Some((section, inner)) = name.split_once(" > ") {
            return self.resolve_in(section, inner);
        }
        for up in 0..self.chain.len() {
            let anc = self.chain[self.chain.len() - 1 - up];
            let mut found: Vec<(usize, Vec<String>, &Element)> = Vec::new();
            let mut keys = Vec::new();
            search(anc, self.el, name, 0, &mut keys, &mut found);
            if let Some(min) = found.iter().map(|f| f.0).min() {
                let best: Vec<_> = found.into_iter().filter(|f| f.0 == min).collect();
                if best.len() > 1 {
                    return Err(format!("`{name}` names {} elements", best.len()));
                }
                let (_, keys, e) = best.into_iter().next().expect("one");
                return Ok(ElementRef {
                    up,
                    keys,
                    name: e.name_fi().unwrap_or(&e.key).to_string(),
                    representation: e.representation(),
                });
            }
        }
        Err(format!("no element named `{name}`"))
    }
}

impl Resolver<'_> {
    /// The element named `name` inside the element named `section` (both resolved as by
    /// [`Resolver::resolve`]); the shallowest match, which must be unique.
    fn resolve_in(&self, section: &str, name: &str) -> Result<ElementRef, String> {
        let sec = self.resolve(section)?;
        let mut at = self.chain[self.chain.len() - 1 - sec.up];
        for k in &sec.keys {
            at = at
                .child(k)
                .map(Element::item)
                .ok_or_else(|| format!("no element at `{k}`"))?;
        }
        let mut found = Vec::new();
        let mut keys = Vec::new();
        search(at, self.el, name, 0, &mut keys, &mut found);
        let min = found
            .iter()
            .map(|f| f.0)
            .min()
            .ok_or_else(|| format!("no element named `{name}` in `{section}`"))?;
        let best: Vec<_> = found.into_iter().filter(|f| f.0 == min).collect();
        if best.len() > 1 {
            return Err(format!(
                "`{name}` names {} elements in `{section}`",
                best.len()
            ));
        }
        let (_, sub, e) = best.into_iter().next().expect("one");
        Ok(ElementRef {
            up: sec.up,
            keys: sec.keys.into_iter().chain(sub).collect(),
            name: e.name_fi().unwrap_or(&e.key).to_string(),
            representation: e.representation(),
        })
    }
}

/// The lower-case, cleaned names an element answers to: its Finnish name and title.
fn names_of(el: &Element) -> impl Iterator<Item = String> + '_ {
    let meta = el.meta();
    let name = el.name_fi().map(clean_name);
    let title = meta
        .and_then(|m| m.title.as_ref())
        .and_then(|t| t.fi())
        .map(clean_name);
    // `Isyystutkimus (lapsi, synnyttänyt äiti, mahdollinen isä)` is also `Isyystutkimus`.
    let short = name
        .as_deref()
        .and_then(|n| n.strip_suffix(')'))
        .and_then(|n| n.rsplit_once(" (").map(|(head, _)| head.to_string()));
    name.into_iter().chain(title).chain(short)
}

/// Collect the descendants of object `obj` named `name` (depth, keys), skipping `skip`.
fn search<'d>(
    obj: &'d Element,
    skip: &Element,
    name: &str,
    depth: usize,
    keys: &mut Vec<String>,
    found: &mut Vec<(usize, Vec<String>, &'d Element)>,
) {
    for child in obj.children() {
        if std::ptr::eq(child, skip) {
            continue;
        }
        keys.push(child.key.clone());
        if names_of(child).any(|n| n == name) {
            found.push((depth, keys.clone(), child));
        }
        let item = child.item();
        if item.kind == Kind::Object && depth < 8 {
            search(item, skip, name, depth + 1, keys, found);
        }
        keys.pop();
    }
}

/// What `doc` holds at `r`, seen from the object `chain.last()` (`chain`: the objects
/// from the document root down, arrays skipped). For callers that hold a
/// `serde_json::Value`, such as the sample generator.
pub fn seen_in_json<'a>(chain: &[&'a serde_json::Value], r: &ElementRef) -> Seen<'a> {
    let Some(i) = chain.len().checked_sub(1 + r.up) else {
        return Seen::Absent;
    };
    seen_at(chain[i], &r.keys)
}

fn seen_at<'a>(v: &'a serde_json::Value, keys: &[String]) -> Seen<'a> {
    use serde_json::Value;
    match (v, keys.split_first()) {
        (Value::Array(items), _) => items
            .iter()
            .map(|i| seen_at(i, keys))
            .find(|s| *s != Seen::Absent)
            .unwrap_or(Seen::Absent),
        (Value::Object(o), Some((k, rest))) => o.get(k).map_or(Seen::Absent, |c| seen_at(c, rest)),
        (_, Some(_)) | (Value::Null, None) => Seen::Absent,
        (Value::Bool(b), None) => Seen::Bool(*b),
        (Value::Object(o), None) => match o.get("code").and_then(Value::as_str) {
            Some(c) => Seen::Code(c),
            None => Seen::Present,
        },
        (_, None) => Seen::Present,
    }
}

/// Add to `doc` (a document of `def`) every conditionally required element that is absent
/// although its readable condition holds, as `value_for` makes it. Conditions are taken
/// in document order, so of an either/or group only the first member is added.
pub fn complete(
    def: &Definition,
    doc: &mut serde_json::Value,
    value_for: impl Fn(&Element) -> serde_json::Value,
) {
    for c in conditions(def) {
        if !c.condition.is_readable() {
            continue;
        }
        let tokens: Vec<&str> = c.data_path.split('/').skip(1).collect();
        let Some((key, parent)) = tokens.split_last() else {
            continue;
        };
        let key = key.replace("~1", "/").replace("~0", "~");
        let mut targets = Vec::new();
        let mut chain = Vec::new();
        parents_holding(
            doc,
            parent,
            String::new(),
            &mut chain,
            &mut |chain, pointer| {
                let here = chain
                    .last()
                    .and_then(|o: &&serde_json::Value| o.as_object());
                if here.is_some_and(|o| !o.contains_key(&key))
                    && c.condition.holds(|r| seen_in_json(chain, r)) == Some(true)
                {
                    targets.push(pointer);
                }
            },
        );
        for t in targets {
            if let Some(serde_json::Value::Object(o)) = doc.pointer_mut(&t) {
                o.insert(key.clone(), value_for(c.element));
            }
        }
    }
}

/// Call `f` with the object chain and JSON pointer of every value at `tokens` (`*`: each
/// array item) below `v`.
fn parents_holding<'a>(
    v: &'a serde_json::Value,
    tokens: &[&str],
    pointer: String,
    chain: &mut Vec<&'a serde_json::Value>,
    f: &mut impl FnMut(&[&'a serde_json::Value], String),
) {
    use serde_json::Value;
    let pushed = v.is_object();
    if pushed {
        chain.push(v);
    }
    match (tokens.split_first(), v) {
        (None, _) => f(chain, pointer),
        (Some((&"*", rest)), Value::Array(items)) => {
            for (i, item) in items.iter().enumerate() {
                parents_holding(item, rest, format!("{pointer}/{i}"), chain, f);
            }
        }
        (Some((k, rest)), Value::Object(o)) => {
            let key = k.replace("~1", "/").replace("~0", "~");
            if let Some(c) = o.get(&key) {
                parents_holding(c, rest, format!("{pointer}/{k}"), chain, f);
            }
        }
        _ => {}
    }
    if pushed {
        chain.pop();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sentences_and_clauses() {
        assert_eq!(
            first_sentence_with("a. b on pakollinen. c", "pakollinen"),
            Some("b on pakollinen")
        );
        assert_eq!(
            if_clause("kenttä on pakollinen, jos x -kenttään on vastattu \"ei\"."),
            Some("x -kenttään on vastattu \"ei\".")
        );
        assert_eq!(
            codes_in("31 = huoltaja, 32 = edunvalvoja, 33 = x tai 34 = valtuutettu"),
            Some(vec!["31".into(), "32".into(), "33".into(), "34".into()])
        );
        assert_eq!(codes_in("luokka 4 eli"), Some(vec!["4".into()]));
        assert_eq!(
            one_of_names("henkilötunnus- ja syntymäaika -kentistä toinen on pakollinen"),
            Some(vec!["henkilötunnus".into(), "syntymäaika".into()])
        );
        assert_eq!(
            names_in("henkilöä on kuultu -kenttään"),
            vec!["henkilöä on kuultu".to_string()]
        );
    }

    fn r(key: &str, rep: Option<Representation>) -> ElementRef {
        ElementRef {
            up: 0,
            keys: vec![key.into()],
            name: key.into(),
            representation: rep,
        }
    }

    #[test]
    fn holds_reads_what_the_lookup_sees() {
        let kytkin = Some(Representation::Kytkin);
        let one_of = Condition::OneOf {
            others: vec![r("a", kytkin.clone())],
            answered_yes: true,
        };
        assert_eq!(one_of.holds(|_| Seen::Bool(true)), Some(false));
        assert_eq!(one_of.holds(|_| Seen::Bool(false)), Some(true));
        assert_eq!(one_of.holds(|_| Seen::Absent), Some(true));
        let absent = Condition::IfAbsent(vec![r("a", None), r("b", None)]);
        assert_eq!(
            absent.holds(|x| if x.keys[0] == "a" {
                Seen::Absent
            } else {
                Seen::Present
            }),
            Some(false)
        );
        assert_eq!(absent.holds(|_| Seen::Absent), Some(true));
        let code = Condition::IfCode(r("c", None), vec!["31".into(), "34".into()]);
        assert_eq!(code.holds(|_| Seen::Code("34")), Some(true));
        assert_eq!(code.holds(|_| Seen::Code("11")), Some(false));
        let yes = Condition::IfBool(vec![r("k", kytkin)], false);
        assert_eq!(yes.holds(|_| Seen::Bool(false)), Some(true));
        assert_eq!(yes.holds(|_| Seen::Absent), Some(false));
        assert_eq!(
            Condition::Unreadable("x".into()).holds(|_| Seen::Absent),
            None
        );
    }
}
