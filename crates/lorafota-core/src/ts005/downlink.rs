//! Server -> device requests.

use core::iter::FusedIterator;
use core::time::Duration;

use super::wire::{advance, no_rfu, put, take};
use super::{
    DlFrequency, Error, McAddr, McGroupId, McGroupMask, McKeyEncrypted, PingSlotPeriodicity,
};
use crate::gps::GpsSeconds32;
use crate::units::TimeoutExponent;

/// PackageVersionReq (CID 0x00, no payload): asks which TS005 version the device runs.
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

/// McGroupStatusReq (CID 0x01, 1 byte): asks for the groups of ReqGroupMask that are defined.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub struct McGroupStatusReq {
    /// The groups asked about.
    pub req_group_mask: McGroupMask,
}

impl McGroupStatusReq {
    /// Command identifier.
    pub const CID: u8 = 0x01;

    /// Writes the command; returns the bytes written (2).
    pub fn build_into(&self, buf: &mut [u8]) -> Result<usize, Error> {
        put(buf, &[Self::CID, self.req_group_mask.bits()])
    }

    fn parse(body: &[u8]) -> Result<(Self, &[u8]), Error> {
        let (&[b], rest) = take::<1>(Self::CID, body)?;
        let b = no_rfu(Self::CID, b, 0b1111_0000)?;
        Ok((
            Self {
                req_group_mask: McGroupMask::from_low_bits(b),
            },
            rest,
        ))
    }
}

/// McGroupSetupReq (CID 0x02, 29 bytes): defines a group's address, key and frame-counter range.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub struct McGroupSetupReq {
    /// The group being defined.
    pub mc_group_id: McGroupId,
    /// The group's multicast address.
    pub mc_addr: McAddr,
    /// The group key under the device's McKEKey.
    pub mc_key_encrypted: McKeyEncrypted,
    /// The first acceptable multicast frame counter.
    pub min_mc_fcnt: u32,
    /// The last acceptable multicast frame counter; the group ends after it.
    pub max_mc_fcnt: u32,
}

impl McGroupSetupReq {
    /// Command identifier.
    pub const CID: u8 = 0x02;
    const LEN: usize = 29;

    /// Writes the command; returns the bytes written (30).
    pub fn build_into(&self, buf: &mut [u8]) -> Result<usize, Error> {
        let mut m = [0u8; 1 + Self::LEN];
        m[0] = Self::CID;
        m[1] = self.mc_group_id.get();
        m[2..6].copy_from_slice(&self.mc_addr.to_le_bytes());
        m[6..22].copy_from_slice(self.mc_key_encrypted.as_wire_bytes());
        m[22..26].copy_from_slice(&self.min_mc_fcnt.to_le_bytes());
        m[26..30].copy_from_slice(&self.max_mc_fcnt.to_le_bytes());
        put(buf, &m)
    }

    fn parse(body: &[u8]) -> Result<(Self, &[u8]), Error> {
        let (b, rest) = take::<{ Self::LEN }>(Self::CID, body)?;
        let header = no_rfu(Self::CID, b[0], 0b1111_1100)?;
        // Constant ranges of a 29-byte array: the copies cannot go out of bounds.
        let mut addr = [0u8; 4];
        addr.copy_from_slice(&b[1..5]);
        let mut key = [0u8; 16];
        key.copy_from_slice(&b[5..21]);
        let mut min = [0u8; 4];
        min.copy_from_slice(&b[21..25]);
        let mut max = [0u8; 4];
        max.copy_from_slice(&b[25..29]);
        Ok((
            Self {
                mc_group_id: McGroupId::from_low_bits(header),
                mc_addr: McAddr::from_wire_bytes(addr),
                mc_key_encrypted: McKeyEncrypted::from_wire_bytes(key),
                min_mc_fcnt: u32::from_le_bytes(min),
                max_mc_fcnt: u32::from_le_bytes(max),
            },
            rest,
        ))
    }
}

/// McGroupDeleteReq (CID 0x03, 1 byte): forgets a group.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub struct McGroupDeleteReq {
    /// The group to delete.
    pub mc_group_id: McGroupId,
}

impl McGroupDeleteReq {
    /// Command identifier.
    pub const CID: u8 = 0x03;

    /// Writes the command; returns the bytes written (2).
    pub fn build_into(&self, buf: &mut [u8]) -> Result<usize, Error> {
        put(buf, &[Self::CID, self.mc_group_id.get()])
    }

    fn parse(body: &[u8]) -> Result<(Self, &[u8]), Error> {
        let (&[b], rest) = take::<1>(Self::CID, body)?;
        let b = no_rfu(Self::CID, b, 0b1111_1100)?;
        Ok((
            Self {
                mc_group_id: McGroupId::from_low_bits(b),
            },
            rest,
        ))
    }
}

/// McClassCSessionReq (CID 0x04, 10 bytes): schedules a Class C session for a group.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct McClassCSessionReq {
    /// The group the session is for.
    pub mc_group_id: McGroupId,
    /// The session start, GPS seconds modulo 2^32 (see [`crate::gps::GpsTime::session_time_u32`]).
    pub session_time: GpsSeconds32,
    /// The session lasts at most 2^TimeOut seconds.
    pub time_out: TimeoutExponent,
    /// The frequency the group listens on.
    pub dl_frequency: DlFrequency,
    /// The data-rate index (the region's LinkADRReq numbering).
    pub dr: u8,
}

impl McClassCSessionReq {
    /// Command identifier.
    pub const CID: u8 = 0x04;

    /// The longest the session can last, 2^TimeOut s.
    pub const fn max_duration(&self) -> Duration {
        self.time_out.class_c_duration()
    }

    /// Writes the command; returns the bytes written (11).
    pub fn build_into(&self, buf: &mut [u8]) -> Result<usize, Error> {
        let m = session_req_bytes(
            Self::CID,
            self.mc_group_id,
            self.session_time,
            self.time_out.exponent(),
            self.dl_frequency,
            self.dr,
        );
        put(buf, &m)
    }

    fn parse(body: &[u8]) -> Result<(Self, &[u8]), Error> {
        let (f, rest) = parse_session_req(Self::CID, body, 0b1111_0000)?;
        Ok((
            Self {
                mc_group_id: f.mc_group_id,
                session_time: f.session_time,
                time_out: timeout_from_low_bits(f.timing),
                dl_frequency: f.dl_frequency,
                dr: f.dr,
            },
            rest,
        ))
    }
}

/// McClassBSessionReq (CID 0x05, 10 bytes): schedules a Class B session for a group.
///
/// TS005 v2 requires SessionTime to be a multiple of 128 (a beacon period); parsing does not
/// enforce it, since the spec gives the device no error bit for it. Servers should make it with
/// [`crate::gps::GpsTime::class_b_aligned_up`] and may check it with [`GpsSeconds32::is_class_b_aligned`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct McClassBSessionReq {
    /// The group the session is for.
    pub mc_group_id: McGroupId,
    /// The session start, GPS seconds modulo 2^32, a multiple of 128 under v2.
    pub session_time: GpsSeconds32,
    /// The session lasts at most 128 x 2^TimeOut seconds.
    pub time_out: TimeoutExponent,
    /// How often the group's ping slots open.
    pub periodicity: PingSlotPeriodicity,
    /// The ping-slot frequency.
    pub dl_frequency: DlFrequency,
    /// The data-rate index (the region's LinkADRReq numbering).
    pub dr: u8,
}

impl McClassBSessionReq {
    /// Command identifier.
    pub const CID: u8 = 0x05;

    /// The longest the session can last, 128 x 2^TimeOut s.
    pub const fn max_duration(&self) -> Duration {
        self.time_out.class_b_duration()
    }

    /// Writes the command; returns the bytes written (11).
    pub fn build_into(&self, buf: &mut [u8]) -> Result<usize, Error> {
        let m = session_req_bytes(
            Self::CID,
            self.mc_group_id,
            self.session_time,
            self.periodicity.get() << 4 | self.time_out.exponent(),
            self.dl_frequency,
            self.dr,
        );
        put(buf, &m)
    }

    fn parse(body: &[u8]) -> Result<(Self, &[u8]), Error> {
        let (f, rest) = parse_session_req(Self::CID, body, 0b1000_0000)?;
        Ok((
            Self {
                mc_group_id: f.mc_group_id,
                session_time: f.session_time,
                time_out: timeout_from_low_bits(f.timing),
                periodicity: PingSlotPeriodicity::from_low_bits(f.timing >> 4),
                dl_frequency: f.dl_frequency,
                dr: f.dr,
            },
            rest,
        ))
    }
}

/// The fields Class B and Class C session requests share; `timing` is the raw byte 5.
struct SessionReqFields {
    mc_group_id: McGroupId,
    session_time: GpsSeconds32,
    timing: u8,
    dl_frequency: DlFrequency,
    dr: u8,
}

fn session_req_bytes(
    cid: u8,
    mc_group_id: McGroupId,
    session_time: GpsSeconds32,
    timing: u8,
    dl_frequency: DlFrequency,
    dr: u8,
) -> [u8; 11] {
    let [t0, t1, t2, t3] = session_time.to_le_bytes();
    let [f0, f1, f2] = dl_frequency.to_le_bytes();
    [
        cid,
        mc_group_id.get(),
        t0,
        t1,
        t2,
        t3,
        timing,
        f0,
        f1,
        f2,
        dr,
    ]
}

fn parse_session_req(
    cid: u8,
    body: &[u8],
    timing_rfu: u8,
) -> Result<(SessionReqFields, &[u8]), Error> {
    let (&[header, t0, t1, t2, t3, timing, f0, f1, f2, dr], rest) = take::<10>(cid, body)?;
    let header = no_rfu(cid, header, 0b1111_1100)?;
    let timing = no_rfu(cid, timing, timing_rfu)?;
    Ok((
        SessionReqFields {
            mc_group_id: McGroupId::from_low_bits(header),
            session_time: GpsSeconds32::from_le_bytes([t0, t1, t2, t3]),
            timing,
            dl_frequency: DlFrequency::from_le_bytes([f0, f1, f2]),
            dr,
        },
        rest,
    ))
}

fn timeout_from_low_bits(b: u8) -> TimeoutExponent {
    // Masked to 4 bits, so `new` cannot refuse it; the fallback is never taken.
    TimeoutExponent::new(b & 0x0F).unwrap_or(TimeoutExponent::MAX)
}

/// One server -> device command.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum DownlinkCommand {
    /// CID 0x00.
    PackageVersionReq(PackageVersionReq),
    /// CID 0x01.
    McGroupStatusReq(McGroupStatusReq),
    /// CID 0x02.
    McGroupSetupReq(McGroupSetupReq),
    /// CID 0x03.
    McGroupDeleteReq(McGroupDeleteReq),
    /// CID 0x04.
    McClassCSessionReq(McClassCSessionReq),
    /// CID 0x05.
    McClassBSessionReq(McClassBSessionReq),
}

impl DownlinkCommand {
    /// The command identifier.
    pub const fn cid(&self) -> u8 {
        match self {
            Self::PackageVersionReq(_) => PackageVersionReq::CID,
            Self::McGroupStatusReq(_) => McGroupStatusReq::CID,
            Self::McGroupSetupReq(_) => McGroupSetupReq::CID,
            Self::McGroupDeleteReq(_) => McGroupDeleteReq::CID,
            Self::McClassCSessionReq(_) => McClassCSessionReq::CID,
            Self::McClassBSessionReq(_) => McClassBSessionReq::CID,
        }
    }

    /// Writes the command (CID and payload); returns the bytes written.
    pub fn build_into(&self, buf: &mut [u8]) -> Result<usize, Error> {
        match self {
            Self::PackageVersionReq(c) => c.build_into(buf),
            Self::McGroupStatusReq(c) => c.build_into(buf),
            Self::McGroupSetupReq(c) => c.build_into(buf),
            Self::McGroupDeleteReq(c) => c.build_into(buf),
            Self::McClassCSessionReq(c) => c.build_into(buf),
            Self::McClassBSessionReq(c) => c.build_into(buf),
        }
    }
}

/// Parses a downlink FPort payload into its commands, in order; see [`DownlinkCommands`].
pub fn parse_downlink(payload: &[u8]) -> DownlinkCommands<'_> {
    DownlinkCommands { rest: payload }
}

/// Iterator over the commands of a downlink payload, from [`parse_downlink`].
///
/// Yields one `Result` per command and ends after the first error. Commands before an error
/// have already been yielded; to act on a message only when all of it is valid, collect into
/// `Result<Vec<_>, _>` first.
#[derive(Debug, Clone)]
pub struct DownlinkCommands<'a> {
    rest: &'a [u8],
}

impl Iterator for DownlinkCommands<'_> {
    type Item = Result<DownlinkCommand, Error>;

    fn next(&mut self) -> Option<Self::Item> {
        let (&cid, body) = self.rest.split_first()?;
        let parsed = match cid {
            PackageVersionReq::CID => {
                Ok((DownlinkCommand::PackageVersionReq(PackageVersionReq), body))
            }
            McGroupStatusReq::CID => McGroupStatusReq::parse(body)
                .map(|(c, r)| (DownlinkCommand::McGroupStatusReq(c), r)),
            McGroupSetupReq::CID => {
                McGroupSetupReq::parse(body).map(|(c, r)| (DownlinkCommand::McGroupSetupReq(c), r))
            }
            McGroupDeleteReq::CID => McGroupDeleteReq::parse(body)
                .map(|(c, r)| (DownlinkCommand::McGroupDeleteReq(c), r)),
            McClassCSessionReq::CID => McClassCSessionReq::parse(body)
                .map(|(c, r)| (DownlinkCommand::McClassCSessionReq(c), r)),
            McClassBSessionReq::CID => McClassBSessionReq::parse(body)
                .map(|(c, r)| (DownlinkCommand::McClassBSessionReq(c), r)),
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

    fn all(bytes: &[u8]) -> Vec<Result<DownlinkCommand, Error>> {
        parse_downlink(bytes).collect()
    }

    #[test]
    fn rfu_bits_in_requests_are_refused() {
        assert_eq!(all(&[0x01, 0x10]), [Err(Error::RfuBitsSet { cid: 1 })]);
        assert_eq!(all(&[0x03, 0x04]), [Err(Error::RfuBitsSet { cid: 3 })]);
        let mut setup = [0u8; 30];
        setup[0] = 0x02;
        setup[1] = 0x80;
        assert_eq!(all(&setup), [Err(Error::RfuBitsSet { cid: 2 })]);
        // Class C: TimeOut byte bits 4-7 are RFU; Class B: only bit 7 (bits 4-6 are Periodicity).
        let c = [0x04, 0x00, 0, 4, 0, 0, 0x1f, 0x28, 0x76, 0x84, 0x05];
        assert_eq!(all(&c), [Err(Error::RfuBitsSet { cid: 4 })]);
        let b = [0x05, 0x00, 0, 4, 0, 0, 0x7f, 0x28, 0x76, 0x84, 0x05];
        assert!(all(&b)[0].is_ok());
        let b = [0x05, 0x00, 0, 4, 0, 0, 0x8f, 0x28, 0x76, 0x84, 0x05];
        assert_eq!(all(&b), [Err(Error::RfuBitsSet { cid: 5 })]);
    }

    #[test]
    fn truncated_commands_report_their_length() {
        assert_eq!(
            all(&[0x02, 0x00, 1, 2]),
            [Err(Error::Truncated {
                cid: 2,
                need: 29,
                have: 3
            })]
        );
        assert_eq!(
            all(&[0x04, 0x00]),
            [Err(Error::Truncated {
                cid: 4,
                need: 10,
                have: 1
            })]
        );
    }

    #[test]
    fn stops_at_the_first_error() {
        let got = all(&[0x00, 0x03, 0x01, 0x09, 0x00]);
        assert_eq!(got.len(), 3);
        assert!(got[..2].iter().all(Result::is_ok));
        assert_eq!(got[2], Err(Error::UnknownCid(9)));
    }

    #[test]
    fn session_lengths() {
        let req = McClassBSessionReq {
            mc_group_id: McGroupId::default(),
            session_time: GpsSeconds32::new(0),
            time_out: TimeoutExponent::new(3).unwrap(),
            periodicity: PingSlotPeriodicity::default(),
            dl_frequency: DlFrequency::default(),
            dr: 0,
        };
        assert_eq!(req.max_duration(), Duration::from_secs(1024));
    }

    #[test]
    fn build_refuses_short_buffers() {
        let req = McGroupSetupReq::default();
        assert_eq!(
            req.build_into(&mut [0u8; 29]),
            Err(Error::BufferTooSmall { need: 30, have: 29 })
        );
    }
}
