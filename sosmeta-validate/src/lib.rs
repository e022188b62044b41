//! Validation of documents against a Sosmeta release (see issue 5).
