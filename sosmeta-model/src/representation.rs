//! The representation (*esitystapa*) of an element: what kind of value it holds.

use serde::{Deserialize, Serialize};

/// An element's representation, from the Finnish name in `sosmeta.representation`.
///
/// The 15 names used by Sosmeta are variants; an unknown name is kept in
/// [`Representation::Other`] rather than failing, so a new publication still loads.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
pub enum Representation {
    /// *Teksti*: free text.
    Teksti,
    /// *Nimi*: a name (of a person or organisation).
    Nimi,
    /// *Koodi*: a coded value `{system, code, display}`.
    Koodi,
    /// *Pvm*: a date, possibly partial (`YYYY`, `YYYY-MM`, `YYYY-MM-DD`).
    Pvm,
    /// *Hetki*: an instant, a date or a date-time with zone.
    Hetki,
    /// *Tunnus*: an identifier `{system?, value}`.
    Tunnus,
    /// *Kytkin*: a boolean switch.
    Kytkin,
    /// *Otsikko*: a heading that groups child elements.
    Otsikko,
    /// *Määrä*: an amount `{value, code}` with a unit code.
    Maara,
    /// *Mitta*: a measure `{value, code}` with a unit code.
    Mitta,
    /// *Prosentti*: a percentage `{value, code}`.
    Prosentti,
    /// *Lkm*: a count.
    Lkm,
    /// *Numero*: a number.
    Numero,
    /// *Fraasi*: a fixed phrase whose text is given by the definition.
    Fraasi,
    /// *Allekirjoitus*: a signature (as text).
    Allekirjoitus,
    /// A name Sosmeta did not use on 2025-05-20, kept as written.
    Other(String),
}

impl Representation {
    /// Map the Finnish name (as in `sosmeta.representation` with `lang: fi`).
    pub fn from_finnish(name: &str) -> Representation {
        match name.trim() {
            "Teksti" => Self::Teksti,
            "Nimi" => Self::Nimi,
            "Koodi" => Self::Koodi,
            "Pvm" => Self::Pvm,
            "Hetki" => Self::Hetki,
            "Tunnus" => Self::Tunnus,
            "Kytkin" => Self::Kytkin,
            "Otsikko" => Self::Otsikko,
            "Määrä" => Self::Maara,
            "Mitta" => Self::Mitta,
            "Prosentti" => Self::Prosentti,
            "Lkm" => Self::Lkm,
            "Numero" => Self::Numero,
            "Fraasi" => Self::Fraasi,
            "Allekirjoitus" => Self::Allekirjoitus,
            other => Self::Other(other.to_string()),
        }
    }

    /// The Finnish name as Sosmeta writes it.
    pub fn finnish_name(&self) -> &str {
        match self {
            Self::Teksti => "Teksti",
            Self::Nimi => "Nimi",
            Self::Koodi => "Koodi",
            Self::Pvm => "Pvm",
            Self::Hetki => "Hetki",
            Self::Tunnus => "Tunnus",
            Self::Kytkin => "Kytkin",
            Self::Otsikko => "Otsikko",
            Self::Maara => "Määrä",
            Self::Mitta => "Mitta",
            Self::Prosentti => "Prosentti",
            Self::Lkm => "Lkm",
            Self::Numero => "Numero",
            Self::Fraasi => "Fraasi",
            Self::Allekirjoitus => "Allekirjoitus",
            Self::Other(s) => s,
        }
    }

    /// True for representations whose JSON is `{value, code}` (amount, measure, percentage).
    pub fn is_quantity(&self) -> bool {
        matches!(self, Self::Maara | Self::Mitta | Self::Prosentti)
    }

    /// True for date-like representations (Pvm, Hetki).
    pub fn is_temporal(&self) -> bool {
        matches!(self, Self::Pvm | Self::Hetki)
    }
}

impl std::fmt::Display for Representation {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.finnish_name())
    }
}
