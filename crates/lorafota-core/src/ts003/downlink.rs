//! Server -> device commands.

use core::iter::FusedIterator;

use super::wire::{advance, no_rfu, put, take};
use super::{AppTimePeriod, AppTimeReq, Error, NbTransmissions, Token, Ts003Version};
use crate::gps::GpsTime;

/// PackageVersionReq (CID 0x00, no payload): asks which TS003 version the device runs.
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

/// AppTimeAns (CID 0x01, 5 bytes): the correction a device adds to its clock.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub struct AppTimeAns {
    /// Seconds to add to the device clock (signed, little-endian on the air). Under v2,
    /// `i32::MAX` / `i32::MIN` mean "at least this much: ask again" (see
    /// [`super::time_correction`]).
    pub time_correction: i32,
    /// TokenAns: the TokenReq of the request answered.
    pub token_ans: Token,
}

impl AppTimeAns {
    /// Command identifier.
    pub const CID: u8 = 0x01;

    /// The server's answer to `req`, received when the network clock read `network_time`:
    /// [`super::time_correction`] and the token echoed.
    pub fn answer(req: &AppTimeReq, network_time: GpsTime, version: Ts003Version) -> Self {
        Self {
            time_correction: super::time_correction(network_time, req.device_time, version),
            token_ans: req.token_req,
        }
    }

    /// Whether a device whose last request carried `token_req` should apply this answer (a
    /// device ignores answers to older requests, then moves to `token_req.next()`).
    pub fn answers(&self, token_req: Token) -> bool {
        self.token_ans == token_req
    }

    /// Whether the correction is a v2 saturated value, so the device must ask again for the rest.
    pub const fn is_saturated(&self) -> bool {
        self.time_correction == i32::MAX || self.time_correction == i32::MIN
    }

    /// Writes the command; returns the bytes written (6).
    pub fn build_into(&self, buf: &mut [u8]) -> Result<usize, Error> {
        let [a, b, c, d] = self.time_correction.to_le_bytes();
        put(buf, &[Self::CID, a, b, c, d, self.token_ans.get()])
    }

    fn parse(body: &[u8]) -> Result<(Self, &[u8]), Error> {
        let (&[a, b, c, d, param], rest) = take::<5>(Self::CID, body)?;
        let param = no_rfu(Self::CID, param, 0b1111_0000)?;
        Ok((
            Self {
                time_correction: i32::from_le_bytes([a, b, c, d]),
                token_ans: Token::from_low_bits(param),
            },
            rest,
        ))
    }
}

/// DeviceAppTimePeriodicityReq (CID 0x02, 1 byte): how often the device should send AppTimeReq.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub struct DeviceAppTimePeriodicityReq {
    /// An AppTimeReq every 128 x 2^Period s.
    pub period: AppTimePeriod,
}

impl DeviceAppTimePeriodicityReq {
    /// Command identifier.
    pub const CID: u8 = 0x02;

    /// Writes the command; returns the bytes written (2).
    pub fn build_into(&self, buf: &mut [u8]) -> Result<usize, Error> {
        put(buf, &[Self::CID, self.period.exponent()])
    }

    fn parse(body: &[u8]) -> Result<(Self, &[u8]), Error> {
        let (&[b], rest) = take::<1>(Self::CID, body)?;
        let b = no_rfu(Self::CID, b, 0b1111_0000)?;
        Ok((
            Self {
                period: AppTimePeriod::from_low_bits(b),
            },
            rest,
        ))
    }
}

/// ForceDeviceResyncReq (v1) / ForceDeviceResyncCmd (v2), CID 0x03, 1 byte: makes the device
/// send AppTimeReq now, NbTransmissions times. It has no answer.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub struct ForceDeviceResyncReq {
    /// How many AppTimeReq to send.
    pub nb_transmissions: NbTransmissions,
}

/// The TS003 v2 name of [`ForceDeviceResyncReq`]; the layout did not change.
pub type ForceDeviceResyncCmd = ForceDeviceResyncReq;

impl ForceDeviceResyncReq {
    /// Command identifier.
    pub const CID: u8 = 0x03;

    /// Writes the command; returns the bytes written (2).
    pub fn build_into(&self, buf: &mut [u8]) -> Result<usize, Error> {
        put(buf, &[Self::CID, self.nb_transmissions.get()])
    }

    fn parse(body: &[u8]) -> Result<(Self, &[u8]), Error> {
        let (&[b], rest) = take::<1>(Self::CID, body)?;
        let b = no_rfu(Self::CID, b, 0b1111_1000)?;
        Ok((
            Self {
                nb_transmissions: NbTransmissions::from_low_bits(b),
            },
            rest,
        ))
    }
}

/// One server -> device command.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum DownlinkCommand {
    /// CID 0x00.
    PackageVersionReq(PackageVersionReq),
    /// CID 0x01.
    AppTimeAns(AppTimeAns),
    /// CID 0x02.
    DeviceAppTimePeriodicityReq(DeviceAppTimePeriodicityReq),
    /// CID 0x03.
    ForceDeviceResyncReq(ForceDeviceResyncReq),
}

impl DownlinkCommand {
    /// The command identifier.
    pub const fn cid(&self) -> u8 {
        match self {
            Self::PackageVersionReq(_) => PackageVersionReq::CID,
            Self::AppTimeAns(_) => AppTimeAns::CID,
            Self::DeviceAppTimePeriodicityReq(_) => DeviceAppTimePeriodicityReq::CID,
            Self::ForceDeviceResyncReq(_) => ForceDeviceResyncReq::CID,
        }
    }

    /// Writes the command (CID and payload); returns the bytes written.
    pub fn build_into(&self, buf: &mut [u8]) -> Result<usize, Error> {
        match self {
            Self::PackageVersionReq(c) => c.build_into(buf),
            Self::AppTimeAns(c) => c.build_into(buf),
            Self::DeviceAppTimePeriodicityReq(c) => c.build_into(buf),
            Self::ForceDeviceResyncReq(c) => c.build_into(buf),
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
            AppTimeAns::CID => {
                AppTimeAns::parse(body).map(|(c, r)| (DownlinkCommand::AppTimeAns(c), r))
            }
            DeviceAppTimePeriodicityReq::CID => DeviceAppTimePeriodicityReq::parse(body)
                .map(|(c, r)| (DownlinkCommand::DeviceAppTimePeriodicityReq(c), r)),
            ForceDeviceResyncReq::CID => ForceDeviceResyncReq::parse(body)
                .map(|(c, r)| (DownlinkCommand::ForceDeviceResyncReq(c), r)),
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
    fn rfu_bits_in_downlinks_are_refused() {
        assert_eq!(
            all(&[0x01, 0, 0, 0, 0, 0x10]),
            [Err(Error::RfuBitsSet { cid: 1 })]
        );
        assert_eq!(all(&[0x02, 0x10]), [Err(Error::RfuBitsSet { cid: 2 })]);
        assert_eq!(all(&[0x03, 0x08]), [Err(Error::RfuBitsSet { cid: 3 })]);
    }

    #[test]
    fn several_commands_then_stop() {
        let got = all(&[0x00, 0x02, 0x05, 0x03, 0x07, 0x04]);
        assert_eq!(got.len(), 4);
        assert!(got[..3].iter().all(Result::is_ok));
        assert_eq!(got[3], Err(Error::UnknownCid(4)));
        assert_eq!(
            all(&[0x01, 0, 0]),
            [Err(Error::Truncated {
                cid: 1,
                need: 5,
                have: 2
            })]
        );
    }

    #[test]
    fn saturation_is_visible() {
        let ans = AppTimeAns {
            time_correction: i32::MIN,
            token_ans: Token::new(2).unwrap(),
        };
        assert!(ans.is_saturated() && ans.answers(Token::new(2).unwrap()));
        assert!(!ans.answers(Token::new(3).unwrap()));
    }
}
