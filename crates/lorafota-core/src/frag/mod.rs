//! TS004 fragmentation and forward error correction.
//!
//! * [`Encoder`]: data block -> uncoded + coded fragments (network side); [`EncodedBlock`]
//!   holds them as shared [`bytes::Bytes`].
//! * [`Decoder`]: fragments in any order -> data block, in memory bounded by the lost
//!   fragments it is configured for, over any [`FragmentStore`] (device side, `no_std`).
//! * [`fill_row`]: the parity rows both sides share, for v1, v2 and the v2 spec reading.

mod batch;
mod bits;
mod decoder;
mod encoder;
mod params;
mod rows;
mod store;
mod version;
mod xor;

pub use decoder::{DecodeError, Decoder, DecoderStatus, Failure, Progress};
#[cfg(feature = "reed-solomon")]
pub(crate) use encoder::pad;
pub use encoder::{EncodedBlock, Encoder, Fragment, Fragments};
pub use params::{CounterBase, FragError, FragParams, MAX_COUNTER};
pub use rows::{fill_row, prbs23_next, row_seed};
pub use store::{FragmentStore, RamStore};
pub use version::{Ts004Version, UnknownTs004Version};
pub use xor::xor_bytes;
