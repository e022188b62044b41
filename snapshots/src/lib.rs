//! insta snapshots of codegen output and renderings live in `tests/`.
