//! Codes whose classification the type fixes: [`Coded<S>`] is a Koodi value
//! `{system, code, display}` of the code set `S`, which says which code systems are
//! allowed (the element's classification, with the version suffix the schema allows, or
//! the exact system the schema lists) and, for a fixed code list (`enum`,
//! `acceptedValues`, `valueSet`), which codes: then `S` is a Rust enum made by
//! [`code_list!`] with each code's Finnish and Swedish display. A code set without a
//! fixed list is a unit struct made by [`classification!`] and its codes are strings.

use serde::{Deserialize, Serialize};
use std::fmt;

/// The code systems a code set allows.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SystemRule {
    /// `urn:oid:<oid>`, optionally followed by `.digits` groups (a version suffix), for
    /// one of these OIDs.
    Classification(&'static [&'static str]),
    /// Exactly one of these system strings.
    Exact(&'static [&'static str]),
    /// Any system (the definition names none).
    Any,
}

impl SystemRule {
    /// Whether `system` is allowed.
    pub fn allows(&self, system: &str) -> bool {
        match self {
            SystemRule::Any => true,
            SystemRule::Exact(list) => list.contains(&system),
            SystemRule::Classification(oids) => oids.iter().any(|oid| system_matches(system, oid)),
        }
    }
}

/// True when `system` is `urn:oid:<oid>` or `urn:oid:<oid>` followed by `.digits`
/// groups (the schemas' `^urn:oid:<oid>(\.\d+)*$`).
pub fn system_matches(system: &str, oid: &str) -> bool {
    let Some(rest) = system
        .strip_prefix("urn:oid:")
        .and_then(|r| r.strip_prefix(oid))
    else {
        return false;
    };
    rest.is_empty()
        || (rest.starts_with('.')
            && rest[1..]
                .split('.')
                .all(|g| !g.is_empty() && g.bytes().all(|b| b.is_ascii_digit())))
}

/// The code of a [`Coded`] value: a `String` (any code of the classification) or an
/// enum of a fixed code list ([`code_list!`]).
pub trait CodeValue: Sized + Clone + fmt::Debug + PartialEq {
    /// The code as written in JSON.
    fn as_code(&self) -> &str;
    /// The value of a code, `None` when the list does not hold it.
    fn from_code(code: &str) -> Option<Self>;
    /// The display text in Finnish (`sv` false) or Swedish, when the list gives one.
    fn display_text(&self, sv: bool) -> Option<&'static str>;
}

impl CodeValue for String {
    fn as_code(&self) -> &str {
        self
    }
    fn from_code(code: &str) -> Option<Self> {
        Some(code.to_string())
    }
    fn display_text(&self, _sv: bool) -> Option<&'static str> {
        None
    }
}

/// A code set: the classification of a Koodi element, with its fixed list when it has one.
pub trait CodeSet {
    /// The code type: `String`, or the enum of the fixed list.
    type Code: CodeValue;
    /// The classification's name (Finnish), for messages and docs.
    const NAME: &'static str;
    /// The systems allowed.
    const SYSTEM: SystemRule;
    /// The system written by [`Coded::new`] (`urn:oid:<classification OID>`).
    const DEFAULT_SYSTEM: &'static str;
}

/// Why a code was refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum CodeError {
    /// The system is not the classification's.
    #[error("code system `{system}` is not that of {name} ({expected})")]
    System {
        /// The system found.
        system: String,
        /// The classification's name.
        name: &'static str,
        /// What is allowed.
        expected: String,
    },
    /// The code is not in the fixed list.
    #[error("code `{code}` is not in the list of {name}")]
    Code {
        /// The code found.
        code: String,
        /// The classification's name.
        name: &'static str,
    },
}

/// A Koodi value `{system, code, display}` of the code set `S`: the system is always one
/// `S` allows, and the code one of its list when it has one.
///
/// ```
/// sosmeta_types::code_list!(
///     /// Asiointikieli.
///     Kieli, name = "Kieli", default_system = "urn:oid:1.2.246.537.5.40175",
///     system = sosmeta_types::SystemRule::Classification(&["1.2.246.537.5.40175"]),
///     [Suomi = ("FI", "Suomi", "Finska"), Ruotsi = ("SV", "Ruotsi", "Svenska")]
/// );
/// use sosmeta_types::Coded;
/// let c = Coded::<Kieli>::of(Kieli::Ruotsi);
/// assert_eq!(serde_json::to_string(&c).unwrap(),
///     r#"{"system":"urn:oid:1.2.246.537.5.40175","code":"SV","display":"Ruotsi"}"#);
/// assert_eq!(Kieli::Ruotsi.display_sv(), "Svenska");
/// let other = r#"{"system":"urn:oid:1.2.3","code":"SV","display":"Ruotsi"}"#;
/// assert!(serde_json::from_str::<Coded<Kieli>>(other).is_err());
/// let unknown = r#"{"system":"urn:oid:1.2.246.537.5.40175.1","code":"EN","display":"x"}"#;
/// assert!(serde_json::from_str::<Coded<Kieli>>(unknown).is_err());
/// ```
pub struct Coded<S: CodeSet> {
    system: String,
    code: S::Code,
    /// The display text written with the code.
    pub display: String,
}

impl<S: CodeSet> Coded<S> {
    /// A code in the classification's own system (`S::DEFAULT_SYSTEM`).
    pub fn new(code: S::Code, display: impl Into<String>) -> Coded<S> {
        Coded {
            system: S::DEFAULT_SYSTEM.to_string(),
            code,
            display: display.into(),
        }
    }

    /// A code of a fixed list with its Finnish display text (the code itself when the
    /// list gives none).
    pub fn of(code: S::Code) -> Coded<S> {
        let display = code
            .display_text(false)
            .map_or_else(|| code.as_code().to_string(), str::to_string);
        Coded::new(code, display)
    }

    /// A code in `system` (e.g. with a version suffix), refused when `S` does not allow it.
    pub fn with_system(
        system: impl Into<String>,
        code: S::Code,
        display: impl Into<String>,
    ) -> Result<Coded<S>, CodeError> {
        let system = system.into();
        check_system::<S>(&system)?;
        Ok(Coded {
            system,
            code,
            display: display.into(),
        })
    }

    /// The code system.
    pub fn system(&self) -> &str {
        &self.system
    }

    /// The code.
    pub fn code(&self) -> &S::Code {
        &self.code
    }

    /// The untyped form.
    pub fn to_code(&self) -> crate::Code {
        crate::Code::new(&self.system, self.code.as_code(), &self.display)
    }
}

fn check_system<S: CodeSet>(system: &str) -> Result<(), CodeError> {
    check_system_rule(&S::SYSTEM, S::NAME, system)
}

/// The check of [`check_system`], compiled once rather than per code set.
#[inline(never)]
fn check_system_rule(rule: &SystemRule, name: &'static str, system: &str) -> Result<(), CodeError> {
    if rule.allows(system) {
        return Ok(());
    }
    let expected = match rule {
        SystemRule::Classification(oids) => oids
            .iter()
            .map(|o| format!("urn:oid:{o}"))
            .collect::<Vec<_>>()
            .join(" or "),
        SystemRule::Exact(list) => list.join(" or "),
        SystemRule::Any => String::new(),
    };
    Err(CodeError::System {
        system: system.to_string(),
        name,
        expected,
    })
}

impl<S: CodeSet> Clone for Coded<S> {
    fn clone(&self) -> Self {
        Coded {
            system: self.system.clone(),
            code: self.code.clone(),
            display: self.display.clone(),
        }
    }
}

impl<S: CodeSet> fmt::Debug for Coded<S> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Coded")
            .field("system", &self.system)
            .field("code", &self.code)
            .field("display", &self.display)
            .finish()
    }
}

impl<S: CodeSet> PartialEq for Coded<S> {
    fn eq(&self, other: &Self) -> bool {
        self.system == other.system && self.code == other.code && self.display == other.display
    }
}

#[derive(Serialize)]
struct CodeRef<'a> {
    system: &'a str,
    code: &'a str,
    display: &'a str,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct CodeData {
    system: String,
    code: String,
    display: String,
}

impl<S: CodeSet> Serialize for Coded<S> {
    fn serialize<Z: serde::Serializer>(&self, s: Z) -> Result<Z::Ok, Z::Error> {
        CodeRef {
            system: &self.system,
            code: self.code.as_code(),
            display: &self.display,
        }
        .serialize(s)
    }
}

impl<'de, S: CodeSet> Deserialize<'de> for Coded<S> {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        use serde::de::Error;
        let data = CodeData::deserialize(d)?;
        check_system::<S>(&data.system).map_err(D::Error::custom)?;
        let code = S::Code::from_code(&data.code).ok_or_else(|| {
            D::Error::custom(CodeError::Code {
                code: data.code.clone(),
                name: S::NAME,
            })
        })?;
        Ok(Coded {
            system: data.system,
            code,
            display: data.display,
        })
    }
}

/// Declare a fixed code list: an enum whose variants are the codes, with their Finnish
/// and Swedish display texts, that is its own [`CodeSet`]. The attributes given (doc,
/// cfg) are put on the enum and on each of its impls. See [`Coded`].
#[macro_export]
macro_rules! code_list {
    ($(#[$m:meta])* $name:ident, name = $cname:expr, default_system = $default:expr,
     system = $system:expr, [$($variant:ident = ($code:expr, $fi:expr, $sv:expr)),* $(,)?]) => {
        $(#[$m])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
        pub enum $name {
            $(
                #[doc = concat!("`", $code, "` ", $fi, " (sv: ", $sv, ")")]
                $variant,
            )*
        }

        $(#[$m])*
        impl $name {
            /// Every code of the list, in the definition's order.
            pub const ALL: &'static [$name] = &[$($name::$variant),*];

            /// The code.
            pub fn code(&self) -> &'static str {
                match self { $($name::$variant => $code,)* }
            }

            /// The display text in Finnish.
            pub fn display_fi(&self) -> &'static str {
                match self { $($name::$variant => $fi,)* }
            }

            /// The display text in Swedish.
            pub fn display_sv(&self) -> &'static str {
                match self { $($name::$variant => $sv,)* }
            }
        }

        $(#[$m])*
        impl $crate::CodeValue for $name {
            fn as_code(&self) -> &str {
                self.code()
            }
            fn from_code(code: &str) -> ::std::option::Option<Self> {
                match code {
                    $($code => ::std::option::Option::Some($name::$variant),)*
                    _ => ::std::option::Option::None,
                }
            }
            fn display_text(&self, sv: bool) -> ::std::option::Option<&'static str> {
                ::std::option::Option::Some(if sv { self.display_sv() } else { self.display_fi() })
            }
        }

        $(#[$m])*
        impl $crate::CodeSet for $name {
            type Code = $name;
            const NAME: &'static str = $cname;
            const SYSTEM: $crate::SystemRule = $system;
            const DEFAULT_SYSTEM: &'static str = $default;
        }
    };
}

/// Declare a classification without a fixed list: a unit struct that is a [`CodeSet`]
/// whose codes are strings, and which fixes the code system. See [`Coded`].
#[macro_export]
macro_rules! classification {
    ($(#[$m:meta])* $name:ident, name = $cname:expr, default_system = $default:expr,
     system = $system:expr) => {
        $(#[$m])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
        pub struct $name;

        $(#[$m])*
        impl $crate::CodeSet for $name {
            type Code = ::std::string::String;
            const NAME: &'static str = $cname;
            const SYSTEM: $crate::SystemRule = $system;
            const DEFAULT_SYSTEM: &'static str = $default;
        }
    };
}

#[cfg(test)]
#[allow(unreachable_pub)]
mod tests {
    use super::*;

    #[test]
    fn systems() {
        assert!(system_matches(
            "urn:oid:1.2.246.537.6.1302",
            "1.2.246.537.6.1302"
        ));
        assert!(system_matches(
            "urn:oid:1.2.246.537.6.1302.1",
            "1.2.246.537.6.1302"
        ));
        assert!(!system_matches(
            "urn:oid:1.2.246.537.6.13021",
            "1.2.246.537.6.1302"
        ));
        assert!(!system_matches(
            "urn:oid:1.2.246.537.6.1302.",
            "1.2.246.537.6.1302"
        ));
        assert!(!system_matches(
            "urn:oid:1.2.246.537.6.1302.a",
            "1.2.246.537.6.1302"
        ));
        assert!(!system_matches("1.2.246.537.6.1302", "1.2.246.537.6.1302"));
        assert!(SystemRule::Exact(&["a"]).allows("a"));
        assert!(!SystemRule::Exact(&["a"]).allows("a.1"));
    }

    crate::classification!(
        Kunta,
        name = "Kunnat",
        default_system = "urn:oid:1.2.246.537.6.21",
        system = SystemRule::Classification(&["1.2.246.537.6.21"])
    );

    #[test]
    fn classification_codes() {
        let c = Coded::<Kunta>::new("091".to_string(), "Helsinki");
        assert_eq!(c.system(), "urn:oid:1.2.246.537.6.21");
        let json = serde_json::to_string(&c).unwrap();
        assert_eq!(serde_json::from_str::<Coded<Kunta>>(&json).unwrap(), c);
        assert!(
            Coded::<Kunta>::with_system("urn:oid:1.2.246.537.6.21.2024", "091".into(), "x").is_ok()
        );
        let err = Coded::<Kunta>::with_system("urn:oid:9.9", "091".into(), "x").unwrap_err();
        assert!(err.to_string().contains("Kunnat"), "{err}");
        assert!(serde_json::from_str::<Coded<Kunta>>(
            r#"{"system":"urn:oid:1.2.246.537.6.21","code":"091"}"#
        )
        .is_err());
    }
}
