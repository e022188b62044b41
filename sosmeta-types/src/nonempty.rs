//! Values that must not be empty: [`NonEmptyString`] (`minLength: 1`) and
//! [`NonEmptyVec`] (`minItems: 1`). Both refuse emptiness when built and when
//! deserialized, so a typed document cannot hold what the definition refuses.

use serde::{Deserialize, Serialize};
use std::fmt;
use std::ops::Deref;
use std::str::FromStr;

/// Why an empty value was refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum EmptyError {
    /// An empty string where the definition requires at least one character.
    #[error("the text is empty (minLength 1)")]
    String,
    /// An empty list where the definition requires at least one item.
    #[error("the list is empty (minItems 1)")]
    Vec,
}

/// A string of at least one character (JSON Schema `minLength: 1`, counted in
/// characters, so a single space is allowed as the schema allows it).
///
/// ```
/// use sosmeta_types::NonEmptyString;
/// let name: NonEmptyString = "Maija".parse().unwrap();
/// assert_eq!(name.as_str(), "Maija");
/// assert!(NonEmptyString::new("").is_err());
/// assert!(serde_json::from_str::<NonEmptyString>("\"\"").is_err());
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Deserialize)]
#[serde(try_from = "String")]
pub struct NonEmptyString(String);

impl Serialize for NonEmptyString {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(&self.0)
    }
}

impl NonEmptyString {
    /// The text, refused when empty.
    pub fn new(text: impl Into<String>) -> Result<NonEmptyString, EmptyError> {
        let text = text.into();
        if text.is_empty() {
            Err(EmptyError::String)
        } else {
            Ok(NonEmptyString(text))
        }
    }

    /// The text.
    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// The text as a `String`.
    pub fn into_string(self) -> String {
        self.0
    }
}

impl Deref for NonEmptyString {
    type Target = str;
    fn deref(&self) -> &str {
        &self.0
    }
}

impl AsRef<str> for NonEmptyString {
    fn as_ref(&self) -> &str {
        &self.0
    }
}

impl FromStr for NonEmptyString {
    type Err = EmptyError;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        NonEmptyString::new(s)
    }
}

impl TryFrom<String> for NonEmptyString {
    type Error = EmptyError;
    fn try_from(s: String) -> Result<Self, Self::Error> {
        NonEmptyString::new(s)
    }
}

impl TryFrom<&str> for NonEmptyString {
    type Error = EmptyError;
    fn try_from(s: &str) -> Result<Self, Self::Error> {
        NonEmptyString::new(s)
    }
}

impl From<NonEmptyString> for String {
    fn from(s: NonEmptyString) -> String {
        s.0
    }
}

impl PartialEq<str> for NonEmptyString {
    fn eq(&self, other: &str) -> bool {
        self.0 == other
    }
}

impl PartialEq<&str> for NonEmptyString {
    fn eq(&self, other: &&str) -> bool {
        self.0 == *other
    }
}

impl fmt::Display for NonEmptyString {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// A list of at least one item (JSON Schema `minItems: 1`).
///
/// ```
/// use sosmeta_types::NonEmptyVec;
/// let mut v = NonEmptyVec::new(1);
/// v.push(2);
/// assert_eq!(v.len(), 2);
/// assert_eq!(v.first(), &1);
/// assert!(NonEmptyVec::<u8>::try_from(vec![]).is_err());
/// assert!(serde_json::from_str::<NonEmptyVec<u8>>("[]").is_err());
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Hash, Deserialize)]
#[serde(try_from = "Vec<T>")]
#[serde(bound(deserialize = "T: Deserialize<'de>"))]
pub struct NonEmptyVec<T>(Vec<T>);

impl<T: Serialize> Serialize for NonEmptyVec<T> {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        self.0.serialize(s)
    }
}

impl<T> NonEmptyVec<T> {
    /// A list of one item.
    pub fn new(first: T) -> NonEmptyVec<T> {
        NonEmptyVec(vec![first])
    }

    /// Add an item at the end.
    pub fn push(&mut self, item: T) {
        self.0.push(item);
    }

    /// The first item (there always is one).
    pub fn first(&self) -> &T {
        &self.0[0]
    }

    /// The items, mutable (the length cannot change through a slice).
    pub fn as_mut_slice(&mut self) -> &mut [T] {
        &mut self.0
    }

    /// The items as a `Vec`.
    pub fn into_vec(self) -> Vec<T> {
        self.0
    }
}

impl<T> Deref for NonEmptyVec<T> {
    type Target = [T];
    fn deref(&self) -> &[T] {
        &self.0
    }
}

impl<T> TryFrom<Vec<T>> for NonEmptyVec<T> {
    type Error = EmptyError;
    fn try_from(v: Vec<T>) -> Result<Self, Self::Error> {
        if v.is_empty() {
            Err(EmptyError::Vec)
        } else {
            Ok(NonEmptyVec(v))
        }
    }
}

impl<T> From<NonEmptyVec<T>> for Vec<T> {
    fn from(v: NonEmptyVec<T>) -> Vec<T> {
        v.0
    }
}

impl<'a, T> IntoIterator for &'a NonEmptyVec<T> {
    type Item = &'a T;
    type IntoIter = std::slice::Iter<'a, T>;
    fn into_iter(self) -> Self::IntoIter {
        self.0.iter()
    }
}

impl<T> IntoIterator for NonEmptyVec<T> {
    type Item = T;
    type IntoIter = std::vec::IntoIter<T>;
    fn into_iter(self) -> Self::IntoIter {
        self.0.into_iter()
    }
}
