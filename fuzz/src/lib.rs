//! Fuzz-target logic for `lorafota-core`, kept in plain functions so that the same assertions
//! run under libFuzzer (`fuzz_targets/`) and in stable CI (`crates/lorafota-core/tests/
//! fuzz_replay.rs` includes these files and replays deterministic pseudo-random inputs).
//!
//! * [`decoder`]: `ts004_decoder`, the device-side decoder against a GF(2) model.
//! * [`roundtrip`]: `ts004_roundtrip`, encode, lose, shuffle, decode.
//! * [`messages`]: `ts004_messages`, parse and rebuild every wire message.
//! * [`eui`]: `eui_parse`, the EUI-64 text parser.
//! * [`ts005`]: `ts005_messages`, parse and rebuild every TS005 message; the key chain.
//! * [`ts003`]: `ts003_messages`, parse and rebuild every TS003 message; `time_correction`.
//! * [`rs_decoder`]: `rs_decoder`, the Reed-Solomon decoder under real, forged and malformed
//!   fragments.
//! * [`model`]: the independent models and helpers they share.
#![forbid(unsafe_code)]
#![allow(clippy::unwrap_used, clippy::expect_used)]

pub mod decoder;
pub mod eui;
pub mod messages;
pub mod model;
pub mod roundtrip;
pub mod rs_decoder;
pub mod ts003;
pub mod ts005;
