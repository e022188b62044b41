//! Library part of `cargo xtask`: the tasks whose logic is tested directly
//! (fetch against local HTTP servers, diff on fixtures). The binary (`main.rs`) only
//! parses the command line and calls into these modules.

pub mod diff;
pub mod fetch;
pub mod fuzz;
