#![doc = include_str!("../README.md")]
#![forbid(unsafe_code)]

/// TS004/TS005/TS003, airtime, regional tables and session planning (`no_std` capable).
pub use lorafota_core as core;
/// The gateway emulator.
pub use lorafota_emulator as emulator;
/// The MultiTech mPower gateway REST client and the API models.
pub use lorafota_gateway as gateway;
