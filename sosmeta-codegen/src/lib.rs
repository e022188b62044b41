//! Code generation from the Sosmeta model (see issue 6).
