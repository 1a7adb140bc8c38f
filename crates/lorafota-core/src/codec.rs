//! TS004 or Reed-Solomon behind one type, for tools that let their user choose the code (the
//! CLI's `--codec`, Python's `codec=`). TS004 is the default and the interoperable one.
//!
//! * [`Codec`]: which code, by the names `ts004` and `rs`.
//! * [`Block`]: an encoded block of either code.
//! * [`BlockDecoder`]: a device-side decoder of either code, its block in RAM.

use alloc::boxed::Box;
use core::convert::Infallible;
use core::fmt;
use core::str::FromStr;

use bytes::Bytes;

use crate::frag::{
    DecodeError, Decoder, DecoderStatus, EncodedBlock, Encoder, FragError, FragParams, Fragment,
    MAX_COUNTER, Progress, RamStore, Ts004Version,
};
use crate::rs::{RsDecodeError, RsDecoder, RsEncodedBlock, RsEncoder, RsField};

/// Which erasure code.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub enum Codec {
    /// LoRa Alliance TS004 (the interoperable default).
    #[default]
    Ts004,
    /// Reed-Solomon (reed-solomon-erasure), for comparison and custom devices.
    ReedSolomon,
}

impl Codec {
    /// The name on command lines and in files: `ts004` or `rs`.
    pub const fn name(self) -> &'static str {
        match self {
            Self::Ts004 => "ts004",
            Self::ReedSolomon => "rs",
        }
    }
}

impl fmt::Display for Codec {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// The name is neither `ts004` nor `rs`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct UnknownCodec;

impl fmt::Display for UnknownCodec {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("unknown codec (expected ts004 or rs)")
    }
}

impl core::error::Error for UnknownCodec {}

impl FromStr for Codec {
    type Err = UnknownCodec;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s {
            "ts004" => Ok(Self::Ts004),
            "rs" => Ok(Self::ReedSolomon),
            _ => Err(UnknownCodec),
        }
    }
}

/// Every fragment of a block encoded with either code.
#[derive(Debug, Clone)]
pub enum Block {
    /// TS004 fragments.
    Ts004(EncodedBlock),
    /// Reed-Solomon fragments.
    ReedSolomon(RsEncodedBlock),
}

impl Block {
    /// Encodes `data` (copied once, padded) into `M` uncoded and `redundancy` coded fragments.
    /// `version` picks the TS004 parity rows and is ignored by Reed-Solomon.
    pub fn encode(
        codec: Codec,
        data: &[u8],
        fragment_size: usize,
        version: Ts004Version,
        redundancy: usize,
    ) -> Result<Self, FragError> {
        Ok(match codec {
            Codec::Ts004 => {
                Self::Ts004(Encoder::from_slice(data, fragment_size, version)?.encode(redundancy)?)
            }
            Codec::ReedSolomon => {
                Self::ReedSolomon(RsEncoder::from_slice(data, fragment_size)?.encode(redundancy)?)
            }
        })
    }
    /// The code.
    pub fn codec(&self) -> Codec {
        match self {
            Self::Ts004(_) => Codec::Ts004,
            Self::ReedSolomon(_) => Codec::ReedSolomon,
        }
    }
    /// The session parameters (M, S, padding).
    pub fn params(&self) -> FragParams {
        match self {
            Self::Ts004(b) => b.params(),
            Self::ReedSolomon(b) => b.params(),
        }
    }
    /// R, the coded fragments.
    pub fn redundancy(&self) -> u16 {
        match self {
            Self::Ts004(b) => b.redundancy(),
            Self::ReedSolomon(b) => b.redundancy(),
        }
    }
    /// M + R.
    pub fn len(&self) -> usize {
        match self {
            Self::Ts004(b) => b.len(),
            Self::ReedSolomon(b) => b.len(),
        }
    }
    /// Always false: a block has at least one fragment.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }
    /// The uncoded payloads back to back (the padded block).
    pub fn uncoded_payloads(&self) -> &Bytes {
        match self {
            Self::Ts004(b) => b.uncoded_payloads(),
            Self::ReedSolomon(b) => b.uncoded_payloads(),
        }
    }
    /// The coded payloads back to back.
    pub fn coded_payloads(&self) -> &Bytes {
        match self {
            Self::Ts004(b) => b.coded_payloads(),
            Self::ReedSolomon(b) => b.coded_payloads(),
        }
    }
    /// Fragment `counter` (1-based), sharing the block's buffers.
    pub fn fragment(&self, counter: u16) -> Option<Fragment> {
        match self {
            Self::Ts004(b) => b.fragment(counter),
            Self::ReedSolomon(b) => b.fragment(counter),
        }
    }
    /// All fragments in counter order.
    pub fn fragments(&self) -> Box<dyn Iterator<Item = Fragment> + '_> {
        match self {
            Self::Ts004(b) => Box::new(b.fragments()),
            Self::ReedSolomon(b) => Box::new(b.fragments()),
        }
    }
}

/// Why [`BlockDecoder::push`] refused a fragment (the decoder is unchanged).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PushError {
    /// Refused by the TS004 decoder.
    Ts004(DecodeError<Infallible>),
    /// Refused by the Reed-Solomon decoder.
    ReedSolomon(RsDecodeError),
}

impl fmt::Display for PushError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Ts004(e) => e.fmt(f),
            Self::ReedSolomon(e) => e.fmt(f),
        }
    }
}

impl core::error::Error for PushError {}

/// A device-side decoder of either code, its block in RAM.
#[derive(Debug, Clone)]
pub enum BlockDecoder {
    /// TS004 (bounded memory: see [`Decoder`]).
    Ts004(Box<Decoder<RamStore<alloc::vec::Vec<u8>>>>),
    /// Reed-Solomon.
    ReedSolomon(Box<RsDecoder>),
}

impl BlockDecoder {
    /// A decoder for `params`. TS004 uses `version` and `max_lost` (see
    /// [`Decoder::new_in_memory`]); Reed-Solomon needs `redundancy`, since M + R picks its
    /// Galois field ([`RsField::for_total`]).
    pub fn new(
        codec: Codec,
        params: FragParams,
        version: Ts004Version,
        max_lost: Option<u16>,
        redundancy: u16,
    ) -> Result<Self, FragError> {
        Ok(match codec {
            Codec::Ts004 => {
                Self::Ts004(Box::new(Decoder::new_in_memory(params, version, max_lost)))
            }
            Codec::ReedSolomon => {
                let (m, r) = (usize::from(params.nb_frag()), usize::from(redundancy));
                let field = RsField::for_total(m + r)
                    .filter(|_| m + r <= usize::from(MAX_COUNTER))
                    .ok_or(FragError::TooManyFragments {
                        nb_frag: m,
                        redundancy: r,
                    })?;
                Self::ReedSolomon(Box::new(RsDecoder::new(params, field)?))
            }
        })
    }
    /// Takes one fragment (1-based `counter`); any order, duplicates fine.
    pub fn push(&mut self, counter: u16, payload: &[u8]) -> Result<Progress, PushError> {
        match self {
            Self::Ts004(d) => d.push(counter, payload).map_err(PushError::Ts004),
            Self::ReedSolomon(d) => d.push(counter, payload).map_err(PushError::ReedSolomon),
        }
    }
    /// The data block without padding, once complete.
    pub fn data(&self) -> Option<&[u8]> {
        match self {
            Self::Ts004(d) => d.data(),
            Self::ReedSolomon(d) => d.data(),
        }
    }
    /// What a FragSessionStatusAns reports.
    pub fn status(&self) -> DecoderStatus {
        match self {
            Self::Ts004(d) => d.status(),
            Self::ReedSolomon(d) => d.status(),
        }
    }
    /// Bytes of decoder state beyond the block.
    pub fn state_memory(&self) -> usize {
        match self {
            Self::Ts004(d) => d.state_memory(),
            Self::ReedSolomon(d) => d.state_bytes(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn either_code_round_trips_through_one_type() {
        let data: alloc::vec::Vec<u8> = (0..1000u32).map(|i| (i * 7) as u8).collect();
        for codec in [Codec::Ts004, Codec::ReedSolomon] {
            assert_eq!(codec.name().parse(), Ok(codec));
            let block = Block::encode(codec, &data, 30, Ts004Version::V1, 16).unwrap();
            assert_eq!((block.codec(), block.len()), (codec, 34 + 16));
            let mut dec =
                BlockDecoder::new(codec, block.params(), Ts004Version::V1, None, 16).unwrap();
            let mut completed = 0;
            // Three uncoded fragments lost, fifteen coded ones to rebuild them from.
            for f in block.fragments().filter(|f| f.counter % 10 != 0) {
                completed +=
                    usize::from(dec.push(f.counter, &f.payload).unwrap() == Progress::Completed);
            }
            assert_eq!(completed, 1, "{codec}");
            assert_eq!(dec.data(), Some(&data[..]));
            assert!(dec.push(0, &[0; 30]).is_err());
        }
        assert_eq!("raptor".parse::<Codec>(), Err(UnknownCodec));
        let params = FragParams::new(16000, 10, 0).unwrap();
        assert!(matches!(
            BlockDecoder::new(Codec::ReedSolomon, params, Ts004Version::V1, None, 500),
            Err(FragError::TooManyFragments { .. })
        ));
    }
}
