//! # sosmeta-kanta
//!
//! Kanta archive documents: the HL7 CDA R2 document a social-welfare client-record system
//! sends to the Kanta archive (header, display form, structured Sosmeta JSON, signatures)
//! and its transfer frame `RCMR_IN200002FI01` (see `KANTA-FORMAT.md`).
//!
//! - [`model`]: the typed model ([`ArchiveDocument`], [`Header`], [`Frame`]);
//! - [`reader`]: XML to model ([`read_cda`], [`read_frame`], [`sniff`],
//!   [`frame_document_id`]);
//! - [`validate`]: the archive rules ([`rules::rules`]) on a CDA (+ frame) or on its
//!   JSON view, wrapping the content validation of `sosmeta-validate`
//!   ([`ArchiveValidator`]);
//! - [`view`]: the JSON view `{"metadata": …, "content": …}` and its JSON Schema;
//! - [`writer`]: model to XML ([`write_cda`], [`write_frame`], [`frame_for`]) and a JSON
//!   view back to a document ([`writer::document_from_view`]);
//! - [`render_input`]: what a display form is rendered from, any input
//!   ([`RenderInput`]);
//! - [`builder`]: typed documents to archive documents ([`ArchiveHeader::builder`],
//!   [`archive`]).

#![doc = include_str!("../README.md")]
#![warn(missing_docs)]

pub mod any;
pub mod builder;
pub mod content;
pub mod data;
#[cfg(feature = "fixtures")]
pub mod fixtures;
pub mod model;
pub mod reader;
pub mod render_input;
pub mod rules;
pub mod validate;
pub mod view;
pub mod writer;
pub mod xml;

pub use any::is_archive_view;
pub use builder::{archive, Archive, ArchiveHeader, ArchiveHeaderBuilder, HeaderError, HeaderPart};
pub use model::{ArchiveDocument, Frame, Header};
pub use reader::{
    frame_document_id, read_cda, read_frame, sniff, CdaRead, FrameRead, Kind, Location, ReadError,
};
pub use render_input::{RenderInput, RenderInputError};
pub use validate::{ArchiveOptions, ArchiveValidator, ProviderProfile, Sector};
pub use writer::{frame_for, write_cda, write_frame, FrameOptions, WriteError};
