//! # lorafota-core
//!
//! The protocol heart of lorafota, free of I/O, clocks and randomness: callers pass time, seeds
//! and buffers in. Everything here builds `no_std` (with `alloc`); the `std` feature adds
//! `std::error::Error` impls and a multi-threaded batch encoder.
//!
//! * [`frag`]: LoRa Alliance TS004 fragmentation and forward error correction (v1.0.0 and
//!   v2.0.0): parity rows, a fast batch encoder, a bounded-memory device-side decoder.
//! * `rs` (feature `reed-solomon`): a Reed-Solomon erasure codec with the same shape as [`frag`],
//!   to compare with TS004 or for devices not bound to it.
//! * `codec` (feature `reed-solomon`): either code behind one type, for tools that let the user
//!   choose (the CLI's `--codec`, Python's `codec=`).
//! * [`ts004`]: the TS004 wire messages (both versions, both directions) and the v2 MIC.
//! * [`ts005`]: TS005 Remote Multicast Setup messages (v1 and v2, both directions) and, with
//!   feature `crypto`, the multicast key chain (McRootKey .. McAppSKey/McNwkSKey).
//! * [`ts003`]: TS003 Application Layer Clock Synchronization messages (v1 and v2) and the
//!   server's TimeCorrection with the v2 saturation rule.
//! * [`gps`]: GPS time with the leap-second table, Unix conversions, the 32-bit SessionTime /
//!   DeviceTime form and Class B 128 s alignment.
//! * [`eui`]: 64-bit EUIs as operators write them.
//! * [`units`]: units that the specs encode as exponents.
//! * [`plan`]: loss models and the symbolic fleet simulation behind redundancy planning.
//! * [`rng`]: the seeded generator every simulation uses.
//! * [`airtime`]: LoRa and FSK time on air, exact in integer microseconds.
//! * [`region`]: the LoRaWAN regional parameters (data rates, max payloads, RX2, Class B,
//!   duty cycle, dwell time, LBT) compiled into the crate.
//! * [`radio`]: frequencies ([`Hz`]).
#![cfg_attr(not(feature = "std"), no_std)]
#![cfg_attr(docsrs, feature(doc_cfg))]

extern crate alloc;

pub mod airtime;
#[cfg(feature = "reed-solomon")]
pub mod codec;
pub mod eui;
pub mod frag;
pub mod gps;
pub mod plan;
pub mod radio;
pub mod region;
pub mod rng;
#[cfg(feature = "reed-solomon")]
pub mod rs;
pub mod ts003;
pub mod ts004;
pub mod ts005;
pub mod units;
mod wire;

pub use eui::Eui64;
pub use radio::Hz;
pub use region::Region;
