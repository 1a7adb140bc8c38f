//! Device -> server commands.

use core::iter::FusedIterator;

use super::fields::{
    MAX_14_BIT, advance, index_and_n_from_le, index_and_n_to_le, put, take, truncated,
};
use super::{Error, FragIndex, PACKAGE_IDENTIFIER};
use crate::frag::Ts004Version;

/// PackageVersionAns (CID 0x00, 2 bytes).
///
/// The identifier is not checked when parsing: a server reports what the device says.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct PackageVersionAns {
    /// 3 for TS004.
    pub package_identifier: u8,
    /// 1 for TS004 v1.0.0, 2 for v2.0.0.
    pub package_version: u8,
}

impl PackageVersionAns {
    /// Command identifier.
    pub const CID: u8 = 0x00;

    /// The answer a device running `version` gives.
    pub const fn for_version(version: Ts004Version) -> Self {
        Self {
            package_identifier: PACKAGE_IDENTIFIER,
            package_version: version.package_version(),
        }
    }

    /// Writes the command; returns the bytes written (3).
    pub fn build_into(&self, buf: &mut [u8]) -> Result<usize, Error> {
        put(
            buf,
            &[Self::CID, self.package_identifier, self.package_version],
        )
    }

    fn parse(body: &[u8]) -> Result<(Self, &[u8]), Error> {
        let (&[package_identifier, package_version], rest) = take::<2>(Self::CID, body)?;
        Ok((
            Self {
                package_identifier,
                package_version,
            },
            rest,
        ))
    }
}

/// Received&Index and MissingFrag of a FragSessionStatusAns.
///
/// Devices disagree on how they count both numbers (see `ts004.md` §7): treat them as advisory.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub struct SessionProgress {
    /// The session reported on.
    pub frag_index: FragIndex,
    /// NbFragReceived, 14 bits (0..=16383).
    pub nb_frag_received: u16,
    /// Uncoded fragments still missing (saturated at 255 by devices).
    pub missing_frag: u8,
}

impl SessionProgress {
    /// What a device running [`crate::frag::Decoder`] reports: every fragment received
    /// (saturated at 16383) and the fragments still needed (saturated at 255).
    pub fn from_decoder(frag_index: FragIndex, status: &crate::frag::DecoderStatus) -> Self {
        Self {
            frag_index,
            nb_frag_received: status.received.min(u32::from(MAX_14_BIT)) as u16,
            missing_frag: status.missing.min(255) as u8,
        }
    }

    fn to_le_bytes(self) -> Result<[u8; 3], Error> {
        if self.nb_frag_received > MAX_14_BIT {
            return Err(Error::CounterOutOfRange(self.nb_frag_received));
        }
        let [lo, hi] = index_and_n_to_le(self.frag_index, self.nb_frag_received);
        Ok([lo, hi, self.missing_frag])
    }

    fn from_le_bytes([lo, hi, missing_frag]: [u8; 3]) -> Self {
        let (frag_index, nb_frag_received) = index_and_n_from_le([lo, hi]);
        Self {
            frag_index,
            nb_frag_received,
            missing_frag,
        }
    }
}

/// FragSessionStatusAns of TS004 v1.0.0 (CID 0x01, 4 bytes):
/// Received&Index | MissingFrag | Status.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub struct FragSessionStatusAnsV1 {
    /// Progress of the session.
    pub progress: SessionProgress,
    /// Status bit 0: not enough memory for the decoding matrix.
    pub memory_error: bool,
}

impl FragSessionStatusAnsV1 {
    /// Command identifier.
    pub const CID: u8 = 0x01;

    /// Writes the command; returns the bytes written (5).
    pub fn build_into(&self, buf: &mut [u8]) -> Result<usize, Error> {
        let [p0, p1, p2] = self.progress.to_le_bytes()?;
        put(buf, &[Self::CID, p0, p1, p2, u8::from(self.memory_error)])
    }

    fn parse(body: &[u8]) -> Result<(Self, &[u8]), Error> {
        let (&[p0, p1, p2, status], rest) = take::<4>(Self::CID, body)?;
        let progress = SessionProgress::from_le_bytes([p0, p1, p2]);
        Ok((
            Self {
                progress,
                memory_error: status & 1 != 0,
            },
            rest,
        ))
    }
}

/// FragSessionStatusAns of TS004 v2.0.0 (CID 0x01): Status, then Received&Index | MissingFrag
/// unless the session does not exist.
///
/// The spec makes the answer 1 byte when SessionDoesNotExist is set, but LoRa Basics Modem always
/// sends the 4-byte form and ChirpStack's decoder only reads that form. Both are built and
/// parsed: `session_does_not_exist` with `progress: None` is the short form. When parsing, a
/// SessionDoesNotExist answer followed by exactly 3 bytes (to the end of the payload) is read as
/// the long form, since a StatusAns is sent after a random delay and so travels alone in practice;
/// otherwise the short form is assumed and the next byte starts the next command.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub struct FragSessionStatusAnsV2 {
    /// Status bit 0: not enough memory to decode.
    pub memory_error: bool,
    /// Status bit 1: the reconstructed block failed its MIC (meaningful once MissingFrag is 0).
    pub mic_error: bool,
    /// Status bit 2: no session with the requested index.
    pub session_does_not_exist: bool,
    /// Progress; `None` only together with `session_does_not_exist`.
    pub progress: Option<SessionProgress>,
}

impl FragSessionStatusAnsV2 {
    /// Command identifier.
    pub const CID: u8 = 0x01;

    /// Writes the command; returns the bytes written (2, or 5 with progress).
    pub fn build_into(&self, buf: &mut [u8]) -> Result<usize, Error> {
        let status = u8::from(self.memory_error)
            | u8::from(self.mic_error) << 1
            | u8::from(self.session_does_not_exist) << 2;
        match self.progress {
            None if self.session_does_not_exist => put(buf, &[Self::CID, status]),
            None => Err(Error::MissingSessionProgress),
            Some(p) => {
                let [p0, p1, p2] = p.to_le_bytes()?;
                put(buf, &[Self::CID, status, p0, p1, p2])
            }
        }
    }

    fn parse(body: &[u8]) -> Result<(Self, &[u8]), Error> {
        let (&[status], rest) = take::<1>(Self::CID, body)?;
        let mut ans = Self {
            memory_error: status & 0b001 != 0,
            mic_error: status & 0b010 != 0,
            session_does_not_exist: status & 0b100 != 0,
            progress: None,
        };
        if ans.session_does_not_exist && rest.len() != 3 {
            return Ok((ans, rest));
        }
        let (&p, rest) = take::<3>(Self::CID, rest).map_err(|_| truncated(Self::CID, 4, body))?;
        ans.progress = Some(SessionProgress::from_le_bytes(p));
        Ok((ans, rest))
    }
}

/// FragSessionSetupAns (CID 0x02, 1 byte). Any flag set means the session was refused.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub struct FragSessionSetupAns {
    /// The session the answer is about.
    pub frag_index: FragIndex,
    /// Bit 0: FragAlgo (v1: encoding) unsupported.
    pub frag_algo_unsupported: bool,
    /// Bit 1: not enough memory.
    pub not_enough_memory: bool,
    /// Bit 2: FragIndex unsupported.
    pub frag_index_unsupported: bool,
    /// Bit 3: wrong Descriptor.
    pub wrong_descriptor: bool,
    /// Bit 4, v2 only: SessionCnt replayed. RFU in v1, so a v1 parse leaves it `false`.
    pub session_cnt_replay: bool,
}

impl FragSessionSetupAns {
    /// Command identifier.
    pub const CID: u8 = 0x02;

    /// Whether the device accepted the session (no refusal flag set).
    pub const fn is_accepted(&self) -> bool {
        !(self.frag_algo_unsupported
            || self.not_enough_memory
            || self.frag_index_unsupported
            || self.wrong_descriptor
            || self.session_cnt_replay)
    }

    /// Writes the command; returns the bytes written (2).
    pub fn build_into(&self, buf: &mut [u8]) -> Result<usize, Error> {
        let b = self.frag_index.get() << 6
            | u8::from(self.session_cnt_replay) << 4
            | u8::from(self.wrong_descriptor) << 3
            | u8::from(self.frag_index_unsupported) << 2
            | u8::from(self.not_enough_memory) << 1
            | u8::from(self.frag_algo_unsupported);
        put(buf, &[Self::CID, b])
    }

    fn parse(version: Ts004Version, body: &[u8]) -> Result<(Self, &[u8]), Error> {
        let (&[b], rest) = take::<1>(Self::CID, body)?;
        let ans = Self {
            frag_index: FragIndex::from_low_bits(b >> 6),
            frag_algo_unsupported: b & 1 != 0,
            not_enough_memory: b & 1 << 1 != 0,
            frag_index_unsupported: b & 1 << 2 != 0,
            wrong_descriptor: b & 1 << 3 != 0,
            session_cnt_replay: version.is_v2() && b & 1 << 4 != 0,
        };
        Ok((ans, rest))
    }
}

/// FragSessionDeleteAns (CID 0x03, 1 byte).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub struct FragSessionDeleteAns {
    /// The session the answer is about.
    pub frag_index: FragIndex,
    /// Bit 2: there was no such session.
    pub session_does_not_exist: bool,
}

impl FragSessionDeleteAns {
    /// Command identifier.
    pub const CID: u8 = 0x03;

    /// Writes the command; returns the bytes written (2).
    pub fn build_into(&self, buf: &mut [u8]) -> Result<usize, Error> {
        put(
            buf,
            &[
                Self::CID,
                u8::from(self.session_does_not_exist) << 2 | self.frag_index.get(),
            ],
        )
    }

    fn parse(body: &[u8]) -> Result<(Self, &[u8]), Error> {
        let (&[b], rest) = take::<1>(Self::CID, body)?;
        Ok((
            Self {
                frag_index: FragIndex::from_low_bits(b),
                session_does_not_exist: b & 0b100 != 0,
            },
            rest,
        ))
    }
}

/// FragDataBlockReceivedReq (CID 0x04, v2 only, 1 byte): the device's ack of a complete block,
/// repeated until the server answers with FragDataBlockReceivedAns.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub struct FragDataBlockReceivedReq {
    /// The session whose block is complete.
    pub frag_index: FragIndex,
    /// Bit 2: the reconstructed block failed its MIC.
    pub mic_error: bool,
}

impl FragDataBlockReceivedReq {
    /// Command identifier (the same number as the downlink FragDataBlockReceivedAns).
    pub const CID: u8 = 0x04;

    /// Writes the command; returns the bytes written (2).
    pub fn build_into(&self, buf: &mut [u8]) -> Result<usize, Error> {
        put(
            buf,
            &[
                Self::CID,
                u8::from(self.mic_error) << 2 | self.frag_index.get(),
            ],
        )
    }

    fn parse(body: &[u8]) -> Result<(Self, &[u8]), Error> {
        let (&[b], rest) = take::<1>(Self::CID, body)?;
        Ok((
            Self {
                frag_index: FragIndex::from_low_bits(b),
                mic_error: b & 0b100 != 0,
            },
            rest,
        ))
    }
}

/// One device -> server command.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum UplinkCommand {
    /// CID 0x00.
    PackageVersionAns(PackageVersionAns),
    /// CID 0x01 under v1.
    FragSessionStatusAnsV1(FragSessionStatusAnsV1),
    /// CID 0x01 under v2.
    FragSessionStatusAnsV2(FragSessionStatusAnsV2),
    /// CID 0x02.
    FragSessionSetupAns(FragSessionSetupAns),
    /// CID 0x03.
    FragSessionDeleteAns(FragSessionDeleteAns),
    /// CID 0x04 (v2).
    FragDataBlockReceivedReq(FragDataBlockReceivedReq),
}

impl UplinkCommand {
    /// The command identifier.
    pub const fn cid(&self) -> u8 {
        match self {
            Self::PackageVersionAns(_) => PackageVersionAns::CID,
            Self::FragSessionStatusAnsV1(_) => FragSessionStatusAnsV1::CID,
            Self::FragSessionStatusAnsV2(_) => FragSessionStatusAnsV2::CID,
            Self::FragSessionSetupAns(_) => FragSessionSetupAns::CID,
            Self::FragSessionDeleteAns(_) => FragSessionDeleteAns::CID,
            Self::FragDataBlockReceivedReq(_) => FragDataBlockReceivedReq::CID,
        }
    }

    /// Writes the command (CID and payload); returns the bytes written.
    pub fn build_into(&self, buf: &mut [u8]) -> Result<usize, Error> {
        match self {
            Self::PackageVersionAns(c) => c.build_into(buf),
            Self::FragSessionStatusAnsV1(c) => c.build_into(buf),
            Self::FragSessionStatusAnsV2(c) => c.build_into(buf),
            Self::FragSessionSetupAns(c) => c.build_into(buf),
            Self::FragSessionDeleteAns(c) => c.build_into(buf),
            Self::FragDataBlockReceivedReq(c) => c.build_into(buf),
        }
    }
}

/// Parses an uplink FPort payload into its commands, in order; see [`UplinkCommands`].
pub fn parse_uplink(version: Ts004Version, payload: &[u8]) -> UplinkCommands<'_> {
    UplinkCommands {
        version,
        rest: payload,
    }
}

/// Iterator over the commands of an uplink payload, from [`parse_uplink`].
///
/// Yields one `Result` per command and ends after the first error.
#[derive(Debug, Clone)]
pub struct UplinkCommands<'a> {
    version: Ts004Version,
    rest: &'a [u8],
}

impl Iterator for UplinkCommands<'_> {
    type Item = Result<UplinkCommand, Error>;

    fn next(&mut self) -> Option<Self::Item> {
        let (&cid, body) = self.rest.split_first()?;
        let v2 = self.version.is_v2();
        let parsed = match cid {
            PackageVersionAns::CID => PackageVersionAns::parse(body)
                .map(|(c, r)| (UplinkCommand::PackageVersionAns(c), r)),
            FragSessionStatusAnsV2::CID if v2 => FragSessionStatusAnsV2::parse(body)
                .map(|(c, r)| (UplinkCommand::FragSessionStatusAnsV2(c), r)),
            FragSessionStatusAnsV1::CID => FragSessionStatusAnsV1::parse(body)
                .map(|(c, r)| (UplinkCommand::FragSessionStatusAnsV1(c), r)),
            FragSessionSetupAns::CID => FragSessionSetupAns::parse(self.version, body)
                .map(|(c, r)| (UplinkCommand::FragSessionSetupAns(c), r)),
            FragSessionDeleteAns::CID => FragSessionDeleteAns::parse(body)
                .map(|(c, r)| (UplinkCommand::FragSessionDeleteAns(c), r)),
            FragDataBlockReceivedReq::CID if v2 => FragDataBlockReceivedReq::parse(body)
                .map(|(c, r)| (UplinkCommand::FragDataBlockReceivedReq(c), r)),
            _ => Err(Error::UnknownCid(cid)),
        };
        Some(advance(&mut self.rest, parsed))
    }
}

impl FusedIterator for UplinkCommands<'_> {}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;
    use alloc::vec::Vec;

    fn all(version: Ts004Version, bytes: &[u8]) -> Vec<Result<UplinkCommand, Error>> {
        parse_uplink(version, bytes).collect()
    }

    fn progress(
        frag_index: u8,
        nb_frag_received: u16,
        missing_frag: u8,
    ) -> Option<SessionProgress> {
        Some(SessionProgress {
            frag_index: FragIndex::new(frag_index).unwrap(),
            nb_frag_received,
            missing_frag,
        })
    }

    #[test]
    fn v2_status_ans_short_form_alone_and_followed() {
        let short = FragSessionStatusAnsV2 {
            session_does_not_exist: true,
            ..Default::default()
        };
        assert_eq!(
            all(Ts004Version::V2, &[0x01, 0x04]),
            [Ok(UplinkCommand::FragSessionStatusAnsV2(short))]
        );
        let delete = FragSessionDeleteAns {
            frag_index: FragIndex::new(1).unwrap(),
            session_does_not_exist: true,
        };
        assert_eq!(
            all(Ts004Version::V2, &[0x01, 0x04, 0x03, 0x05]),
            [
                Ok(UplinkCommand::FragSessionStatusAnsV2(short)),
                Ok(UplinkCommand::FragSessionDeleteAns(delete))
            ]
        );
        let mut buf = [0u8; 2];
        assert_eq!(short.build_into(&mut buf), Ok(2));
        assert_eq!(buf, [0x01, 0x04]);
    }

    #[test]
    fn v2_status_ans_needs_counters_when_the_session_exists() {
        assert_eq!(
            all(Ts004Version::V2, &[0x01, 0x00, 0x00]),
            [Err(Error::Truncated {
                cid: 1,
                need: 4,
                have: 2
            })]
        );
        let bad = FragSessionStatusAnsV2::default();
        assert_eq!(
            bad.build_into(&mut [0u8; 8]),
            Err(Error::MissingSessionProgress)
        );
    }

    #[test]
    fn status_ans_counter_must_fit_14_bits() {
        let ans = FragSessionStatusAnsV1 {
            progress: progress(0, 16384, 0).unwrap(),
            memory_error: false,
        };
        assert_eq!(
            ans.build_into(&mut [0u8; 8]),
            Err(Error::CounterOutOfRange(16384))
        );
    }

    #[test]
    fn v2_only_fields() {
        let ans = FragSessionSetupAns {
            session_cnt_replay: true,
            ..Default::default()
        };
        assert_eq!(
            all(Ts004Version::V2, &[0x02, 0x10]),
            [Ok(UplinkCommand::FragSessionSetupAns(ans))]
        );
        assert_eq!(
            all(Ts004Version::V1, &[0x02, 0x10]),
            [Ok(UplinkCommand::FragSessionSetupAns(Default::default()))]
        );
        assert!(!ans.is_accepted());
        let req = FragDataBlockReceivedReq {
            frag_index: FragIndex::new(2).unwrap(),
            mic_error: true,
        };
        assert_eq!(
            all(Ts004Version::V2, &[0x04, 0x06]),
            [Ok(UplinkCommand::FragDataBlockReceivedReq(req))]
        );
        assert_eq!(
            all(Ts004Version::V1, &[0x04, 0x06]),
            [Err(Error::UnknownCid(4))]
        );
    }

    #[test]
    fn data_fragment_is_not_an_uplink() {
        assert_eq!(
            all(Ts004Version::V1, &[0x08, 0x01, 0x40]),
            [Err(Error::UnknownCid(8))]
        );
    }
}
