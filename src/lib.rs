//! # lorafota
//!
//! One import for the whole toolkit. Each part lives in its own crate; this facade re-exports
//! them under short names.
#![forbid(unsafe_code)]

/// TS004/TS005/TS003, airtime, regional tables and session planning (`no_std` capable).
pub use lorafota_core as core;
