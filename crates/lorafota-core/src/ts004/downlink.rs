//! Server -> device commands.

use core::iter::FusedIterator;

use super::fields::{
    advance, index_and_n_from_le, index_and_n_to_le, no_rfu, put, take, truncated,
};
use super::{BlockAckDelay, Descriptor, Error, FragAlgo, FragCounter, FragIndex, McGroupBitMask};
use crate::frag::Ts004Version;

/// PackageVersionReq (CID 0x00, no payload): asks which TS004 version the device runs.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub struct PackageVersionReq;

impl PackageVersionReq {
    /// Command identifier.
    pub const CID: u8 = 0x00;

    /// Writes the command; returns the bytes written (1).
    pub fn build_into(&self, buf: &mut [u8]) -> Result<usize, Error> {
        put(buf, &[Self::CID])
    }
}

/// FragSessionStatusReq (CID 0x01, 1 byte): asks receivers of a session for their progress.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub struct FragSessionStatusReq {
    /// The session asked about.
    pub frag_index: FragIndex,
    /// `true`: every receiver answers; `false`: only receivers still missing fragments do.
    pub participants: bool,
}

impl FragSessionStatusReq {
    /// Command identifier.
    pub const CID: u8 = 0x01;

    /// Writes the command; returns the bytes written (2).
    pub fn build_into(&self, buf: &mut [u8]) -> Result<usize, Error> {
        put(
            buf,
            &[
                Self::CID,
                self.frag_index.get() << 1 | u8::from(self.participants),
            ],
        )
    }

    fn parse(body: &[u8]) -> Result<(Self, &[u8]), Error> {
        let (&[b], rest) = take::<1>(Self::CID, body)?;
        // LoRaMac-node indexes its session table with the unmasked byte; refusing is safer.
        let b = no_rfu(Self::CID, b, 0b1111_1000)?;
        Ok((
            Self {
                frag_index: FragIndex::from_low_bits(b >> 1),
                participants: b & 1 != 0,
            },
            rest,
        ))
    }
}

/// FragSessionSetupReq (CID 0x02): 10 bytes in v1, 16 in v2 ([`v2`](Self::v2) is `Some`).
///
/// Values that are well-formed but unusable (NbFrag 0, Padding >= FragSize, an unknown FragAlgo)
/// parse fine: the device must answer them with FragSessionSetupAns error bits, not drop them.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub struct FragSessionSetupReq {
    /// The session being set up.
    pub frag_index: FragIndex,
    /// Multicast groups allowed to feed the session.
    pub mc_group_bit_mask: McGroupBitMask,
    /// M, the number of uncoded fragments.
    pub nb_frag: u16,
    /// S, bytes per fragment.
    pub frag_size: u8,
    /// Fragmentation algorithm (v1: FragmentationMatrix).
    pub frag_algo: FragAlgo,
    /// Random delay exponent for the answers to status requests and block acks.
    pub block_ack_delay: BlockAckDelay,
    /// Zero bytes appended to the block; block size = `nb_frag * frag_size - padding`.
    pub padding: u8,
    /// Application-defined bytes.
    pub descriptor: Descriptor,
    /// The v2 additions; `None` builds and parses the v1 layout.
    pub v2: Option<SetupReqV2Fields>,
}

/// What TS004 v2.0.0 adds to FragSessionSetupReq.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub struct SetupReqV2Fields {
    /// Control bit 6: the device sends FragDataBlockReceivedReq once the block is complete.
    pub ack_reception: bool,
    /// Per-FragIndex session counter; the device refuses values it has already seen.
    pub session_cnt: u16,
    /// Integrity code of the whole data block, in wire (CMAC output) order; see `data_block_mic`.
    pub mic: [u8; 4],
}

impl FragSessionSetupReq {
    /// Command identifier.
    pub const CID: u8 = 0x02;
    const V1_LEN: usize = 10;
    const V2_LEN: usize = 16;

    /// Writes the command; returns the bytes written (11 for v1, 17 for v2).
    pub fn build_into(&self, buf: &mut [u8]) -> Result<usize, Error> {
        let mut m = [0u8; 1 + Self::V2_LEN];
        m[0] = Self::CID;
        m[1] = self.frag_index.get() << 4 | self.mc_group_bit_mask.bits();
        m[2..4].copy_from_slice(&self.nb_frag.to_le_bytes());
        m[4] = self.frag_size;
        let ack = self.v2.is_some_and(|v2| v2.ack_reception);
        m[5] = u8::from(ack) << 6 | self.frag_algo.get() << 3 | self.block_ack_delay.exponent();
        m[6] = self.padding;
        m[7..11].copy_from_slice(self.descriptor.as_wire_bytes());
        let len = match self.v2 {
            None => 1 + Self::V1_LEN,
            Some(v2) => {
                m[11..13].copy_from_slice(&v2.session_cnt.to_le_bytes());
                m[13..17].copy_from_slice(&v2.mic);
                1 + Self::V2_LEN
            }
        };
        put(buf, &m[..len])
    }

    fn parse(version: Ts004Version, body: &[u8]) -> Result<(Self, &[u8]), Error> {
        let v2 = version.is_v2();
        // Report a short v2 request against its full 16 bytes, not against whichever part is cut.
        let short = || {
            truncated(
                Self::CID,
                if v2 { Self::V2_LEN } else { Self::V1_LEN },
                body,
            )
        };
        let (&b, rest) = take::<{ Self::V1_LEN }>(Self::CID, body).map_err(|_| short())?;
        let session = no_rfu(Self::CID, b[0], 0b1100_0000)?;
        // v2 gave v1's RFU bit 6 a meaning (AckReception): a v1 device that ignored it would
        // silently never acknowledge, so each version refuses what it cannot honour.
        let control_rfu = if v2 { 0b1000_0000 } else { 0b1100_0000 };
        let control = no_rfu(Self::CID, b[4], control_rfu)?;
        let mut req = Self {
            frag_index: FragIndex::from_low_bits(session >> 4),
            mc_group_bit_mask: McGroupBitMask::from_low_bits(session),
            nb_frag: u16::from_le_bytes([b[1], b[2]]),
            frag_size: b[3],
            frag_algo: FragAlgo::from_low_bits(control >> 3),
            block_ack_delay: BlockAckDelay::from_low_bits(control),
            padding: b[5],
            descriptor: Descriptor::from_wire_bytes([b[6], b[7], b[8], b[9]]),
            v2: None,
        };
        if !v2 {
            return Ok((req, rest));
        }
        let (&t, rest) = take::<6>(Self::CID, rest).map_err(|_| short())?;
        req.v2 = Some(SetupReqV2Fields {
            ack_reception: control & 0b0100_0000 != 0,
            session_cnt: u16::from_le_bytes([t[0], t[1]]),
            mic: [t[2], t[3], t[4], t[5]],
        });
        Ok((req, rest))
    }
}

/// FragSessionDeleteReq (CID 0x03, 1 byte): ends a session.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub struct FragSessionDeleteReq {
    /// The session to delete.
    pub frag_index: FragIndex,
}

impl FragSessionDeleteReq {
    /// Command identifier.
    pub const CID: u8 = 0x03;

    /// Writes the command; returns the bytes written (2).
    pub fn build_into(&self, buf: &mut [u8]) -> Result<usize, Error> {
        put(buf, &[Self::CID, self.frag_index.get()])
    }

    fn parse(body: &[u8]) -> Result<(Self, &[u8]), Error> {
        let (frag_index, rest) = lone_frag_index(Self::CID, body)?;
        Ok((Self { frag_index }, rest))
    }
}

/// FragDataBlockReceivedAns (CID 0x04, v2 only, 1 byte): stops a device repeating its block ack.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub struct FragDataBlockReceivedAns {
    /// The session whose ack is answered.
    pub frag_index: FragIndex,
}

impl FragDataBlockReceivedAns {
    /// Command identifier (the same number as the uplink FragDataBlockReceivedReq).
    pub const CID: u8 = 0x04;

    /// Writes the command; returns the bytes written (2).
    pub fn build_into(&self, buf: &mut [u8]) -> Result<usize, Error> {
        put(buf, &[Self::CID, self.frag_index.get()])
    }

    fn parse(body: &[u8]) -> Result<(Self, &[u8]), Error> {
        let (frag_index, rest) = lone_frag_index(Self::CID, body)?;
        Ok((Self { frag_index }, rest))
    }
}

/// The payload of DeleteReq and DataBlockReceivedAns: FragIndex in bits 1:0, the rest RFU.
fn lone_frag_index(cid: u8, body: &[u8]) -> Result<(FragIndex, &[u8]), Error> {
    let (&[b], rest) = take::<1>(cid, body)?;
    Ok((FragIndex::from_low_bits(no_rfu(cid, b, 0b1111_1100)?), rest))
}

/// DataFragment (CID 0x08): one fragment, borrowed from the message it came in.
///
/// The payload takes the rest of the message, so its length is checked against FragSize by the
/// session, not here; an empty payload parses.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct DataFragment<'a> {
    /// The session the fragment belongs to.
    pub frag_index: FragIndex,
    /// The fragment number N.
    pub counter: FragCounter,
    /// The fragment bytes (FragSize of them in a well-formed session).
    pub payload: &'a [u8],
}

impl DataFragment<'_> {
    /// Command identifier.
    pub const CID: u8 = 0x08;

    /// Writes the command; returns the bytes written (3 + payload length).
    pub fn build_into(&self, buf: &mut [u8]) -> Result<usize, Error> {
        let need = 3 + self.payload.len();
        let have = buf.len();
        let out = buf
            .get_mut(..need)
            .ok_or(Error::BufferTooSmall { need, have })?;
        let (head, payload) = out.split_at_mut(3);
        head[0] = Self::CID;
        head[1..].copy_from_slice(&index_and_n_to_le(self.frag_index, self.counter.get()));
        payload.copy_from_slice(self.payload);
        Ok(need)
    }
}

impl<'a> DataFragment<'a> {
    fn parse(body: &'a [u8]) -> Result<Self, Error> {
        let (&index_and_n, payload) = take::<2>(Self::CID, body)?;
        let (frag_index, n) = index_and_n_from_le(index_and_n);
        // Counter 0 made Zephyr's decoder write out of bounds (zephyr#112927).
        Ok(Self {
            frag_index,
            counter: FragCounter::new(n)?,
            payload,
        })
    }
}

/// One server -> device command.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum DownlinkCommand<'a> {
    /// CID 0x00.
    PackageVersionReq(PackageVersionReq),
    /// CID 0x01.
    FragSessionStatusReq(FragSessionStatusReq),
    /// CID 0x02.
    FragSessionSetupReq(FragSessionSetupReq),
    /// CID 0x03.
    FragSessionDeleteReq(FragSessionDeleteReq),
    /// CID 0x04 (v2).
    FragDataBlockReceivedAns(FragDataBlockReceivedAns),
    /// CID 0x08.
    DataFragment(DataFragment<'a>),
}

impl DownlinkCommand<'_> {
    /// The command identifier.
    pub const fn cid(&self) -> u8 {
        match self {
            Self::PackageVersionReq(_) => PackageVersionReq::CID,
            Self::FragSessionStatusReq(_) => FragSessionStatusReq::CID,
            Self::FragSessionSetupReq(_) => FragSessionSetupReq::CID,
            Self::FragSessionDeleteReq(_) => FragSessionDeleteReq::CID,
            Self::FragDataBlockReceivedAns(_) => FragDataBlockReceivedAns::CID,
            Self::DataFragment(_) => DataFragment::CID,
        }
    }

    /// Writes the command (CID and payload); returns the bytes written.
    pub fn build_into(&self, buf: &mut [u8]) -> Result<usize, Error> {
        match self {
            Self::PackageVersionReq(c) => c.build_into(buf),
            Self::FragSessionStatusReq(c) => c.build_into(buf),
            Self::FragSessionSetupReq(c) => c.build_into(buf),
            Self::FragSessionDeleteReq(c) => c.build_into(buf),
            Self::FragDataBlockReceivedAns(c) => c.build_into(buf),
            Self::DataFragment(c) => c.build_into(buf),
        }
    }
}

/// Parses a downlink FPort payload into its commands, in order; see [`DownlinkCommands`].
pub fn parse_downlink(version: Ts004Version, payload: &[u8]) -> DownlinkCommands<'_> {
    DownlinkCommands {
        version,
        rest: payload,
        first: true,
    }
}

/// Iterator over the commands of a downlink payload, from [`parse_downlink`].
///
/// Yields one `Result` per command and ends after the first error. Commands before an error
/// have already been yielded; to act on a message only when all of it is valid, collect into
/// `Result<Vec<_>, _>` first.
#[derive(Debug, Clone)]
pub struct DownlinkCommands<'a> {
    version: Ts004Version,
    rest: &'a [u8],
    first: bool,
}

impl<'a> Iterator for DownlinkCommands<'a> {
    type Item = Result<DownlinkCommand<'a>, Error>;

    fn next(&mut self) -> Option<Self::Item> {
        let (&cid, body) = self.rest.split_first()?;
        let first = core::mem::replace(&mut self.first, false);
        let parsed = match cid {
            PackageVersionReq::CID => {
                Ok((DownlinkCommand::PackageVersionReq(PackageVersionReq), body))
            }
            FragSessionStatusReq::CID => FragSessionStatusReq::parse(body)
                .map(|(c, r)| (DownlinkCommand::FragSessionStatusReq(c), r)),
            FragSessionSetupReq::CID => FragSessionSetupReq::parse(self.version, body)
                .map(|(c, r)| (DownlinkCommand::FragSessionSetupReq(c), r)),
            FragSessionDeleteReq::CID => FragSessionDeleteReq::parse(body)
                .map(|(c, r)| (DownlinkCommand::FragSessionDeleteReq(c), r)),
            FragDataBlockReceivedAns::CID if self.version.is_v2() => {
                FragDataBlockReceivedAns::parse(body)
                    .map(|(c, r)| (DownlinkCommand::FragDataBlockReceivedAns(c), r))
            }
            DataFragment::CID if !first => Err(Error::DataFragmentNotAlone),
            DataFragment::CID => {
                DataFragment::parse(body).map(|c| (DownlinkCommand::DataFragment(c), &[][..]))
            }
            _ => Err(Error::UnknownCid(cid)),
        };
        Some(advance(&mut self.rest, parsed))
    }
}

impl FusedIterator for DownlinkCommands<'_> {}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;
    use alloc::vec::Vec;

    fn one(version: Ts004Version, bytes: &[u8]) -> Result<DownlinkCommand<'_>, Error> {
        let all: Vec<_> = parse_downlink(version, bytes).collect();
        assert_eq!(all.len(), 1, "{all:?}");
        all[0]
    }

    #[test]
    fn v2_setup_req_truncated_reports_whole_payload() {
        let bytes = [
            0x02, 0x31, 0x00, 0x04, 0x80, 0x0d, 0x40, 0x01, 0x02, 0x03, 0x04, 0x80,
        ];
        assert_eq!(
            one(Ts004Version::V2, &bytes),
            Err(Error::Truncated {
                cid: 2,
                need: 16,
                have: 11
            })
        );
    }

    #[test]
    fn ack_reception_is_rfu_in_v1() {
        let bytes = [0x02, 0x00, 0x01, 0x00, 0x10, 0x40, 0x00, 0, 0, 0, 0];
        assert_eq!(
            one(Ts004Version::V1, &bytes),
            Err(Error::RfuBitsSet { cid: 2 })
        );
    }

    #[test]
    fn rfu_bits_in_requests_are_refused() {
        for v in [Ts004Version::V1, Ts004Version::V2] {
            assert_eq!(one(v, &[0x01, 0x08]), Err(Error::RfuBitsSet { cid: 1 }));
            assert_eq!(one(v, &[0x03, 0x04]), Err(Error::RfuBitsSet { cid: 3 }));
        }
        assert_eq!(
            one(Ts004Version::V2, &[0x04, 0x80]),
            Err(Error::RfuBitsSet { cid: 4 })
        );
    }

    #[test]
    fn data_block_received_ans_is_v2_only() {
        assert_eq!(
            one(Ts004Version::V1, &[0x04, 0x02]),
            Err(Error::UnknownCid(4))
        );
        let want = FragDataBlockReceivedAns {
            frag_index: FragIndex::new(2).unwrap(),
        };
        assert_eq!(
            one(Ts004Version::V2Spec, &[0x04, 0x02]),
            Ok(DownlinkCommand::FragDataBlockReceivedAns(want))
        );
    }

    #[test]
    fn data_fragment_must_come_alone() {
        let all: Vec<_> =
            parse_downlink(Ts004Version::V1, &[0x00, 0x08, 0x01, 0x40, 0xaa]).collect();
        assert_eq!(
            all,
            [
                Ok(DownlinkCommand::PackageVersionReq(PackageVersionReq)),
                Err(Error::DataFragmentNotAlone)
            ]
        );
    }

    #[test]
    fn data_fragment_counter_zero_is_refused() {
        assert_eq!(
            one(Ts004Version::V1, &[0x08, 0x00, 0x40, 0xaa]),
            Err(Error::CounterZero)
        );
    }

    #[test]
    fn several_commands_then_stop_at_first_error() {
        let all: Vec<_> = parse_downlink(
            Ts004Version::V1,
            &[0x00, 0x03, 0x01, 0x01, 0x05, 0x7f, 0x00],
        )
        .collect();
        assert_eq!(all.len(), 4);
        assert!(all[..3].iter().all(Result::is_ok));
        assert_eq!(all[3], Err(Error::UnknownCid(0x7f)));
    }

    #[test]
    fn build_refuses_short_buffers() {
        let frag = DataFragment {
            frag_index: FragIndex::default(),
            counter: FragCounter::MIN,
            payload: &[1, 2],
        };
        assert_eq!(
            frag.build_into(&mut [0u8; 4]),
            Err(Error::BufferTooSmall { need: 5, have: 4 })
        );
        assert_eq!(
            PackageVersionReq.build_into(&mut []),
            Err(Error::BufferTooSmall { need: 1, have: 0 })
        );
    }
}
