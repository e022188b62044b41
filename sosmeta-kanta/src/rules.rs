//! The archive rules: the rows of the central registry
//! ([`sosmeta_validate::registry`]) in the `metadata`, `archive` and `frame` layers.
//!
//! Findings of the wrapped content validation keep their own ids (`schema.*`, `code.*`,
//! ...); `sosmeta rules` lists them all.

use sosmeta_validate::registry::{Layer, RuleInfo, RULES as ALL_RULES};

/// The archive rule ids as constants (values of [`sosmeta_validate::Rule`]).
pub mod ids {
    pub use sosmeta_validate::registry::ids::{
        BODY_DISPLAY_BASE64, BODY_DISPLAY_ID, BODY_DISPLAY_XHTML, BODY_JSON_BASE64, BODY_REQUIRED,
        CALENDAR_NOT_YET_SUPPORTED, CALENDAR_SUPERSEDED, CDA_BODY_ID, CDA_ENCODING, CDA_NAMESPACE,
        CDA_REALM, CDA_ROOT, CDA_TYPE_ID, CDA_XML, CDA_XML_DECLARATION, DEFINITION_DOCUMENT_TYPE,
        DEFINITION_ROOT_KEY, DEFINITION_UNKNOWN, FRAME_INTERACTION, FRAME_JOINING_MODEL,
        FRAME_MISMATCH, FRAME_ROOT, FRAME_SERVICE_REQUEST, FRAME_USAGE_SITUATION, FRAME_XML,
        HEADER_CODE_INACTIVE, HEADER_CODE_SYSTEM, HEADER_CODE_UNKNOWN, HEADER_RECORDER,
        HEADER_REQUIRED, HEADER_SERVICE_TASK, HEADER_SET_ID, HEADER_TIME, PHASE_EXPIRED,
        REGISTER_CUSTODIAN, REGISTER_NOT_OPEN, VIEW_JSON,
    };
}

/// Every metadata, archive and frame rule, in layer order.
pub fn rules() -> impl Iterator<Item = &'static RuleInfo> {
    ALL_RULES
        .iter()
        .filter(|r| matches!(r.layer, Layer::Metadata | Layer::Archive | Layer::Frame))
}

/// The archive rule with this id (none for content rules or unknown ids).
pub fn rule(id: impl AsRef<str>) -> Option<&'static RuleInfo> {
    let id = id.as_ref();
    rules().find(|r| r.id == id)
}
