//! TS004 fragmentation and forward error correction.

mod version;

pub use version::{Ts004Version, UnknownTs004Version};
