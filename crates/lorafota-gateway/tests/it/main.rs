//! Client and emulator tests over real HTTPS on loopback (one test binary: faster to link).
#![allow(clippy::unwrap_used, clippy::expect_used, missing_docs)]

mod client;
mod common;
mod contract;
mod schedule_rules;
mod seed_examples;
