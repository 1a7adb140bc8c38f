//! Device -> server commands.

use core::iter::FusedIterator;

use super::wire::{advance, put, take};
use super::{Error, PACKAGE_IDENTIFIER, Token, Ts003Version};
use crate::gps::GpsSeconds32;

/// PackageVersionAns (CID 0x00, 2 bytes).
///
/// The identifier is not checked when parsing: a server reports what the device says.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct PackageVersionAns {
    /// 1 for TS003.
    pub package_identifier: u8,
    /// 1 for TS003 v1.0.0, 2 for v2.0.0.
    pub package_version: u8,
}

impl PackageVersionAns {
    /// Command identifier.
    pub const CID: u8 = 0x00;

    /// The answer a device running `version` gives.
    pub const fn for_version(version: Ts003Version) -> Self {
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

/// AppTimeReq (CID 0x01, 5 bytes): the device's clock, for the server to correct.
///
/// Send it once per DeviceTime value, in an unconfirmed frame: a retransmission arrives later
/// with the same DeviceTime and skews the correction.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub struct AppTimeReq {
    /// The device clock when the uplink was sent, GPS seconds modulo 2^32.
    pub device_time: GpsSeconds32,
    /// TokenReq, echoed in the answer.
    pub token_req: Token,
    /// AnsRequired: answer even when the clock is right.
    pub ans_required: bool,
}

impl AppTimeReq {
    /// Command identifier.
    pub const CID: u8 = 0x01;

    /// Whether a server that computed `time_correction` must answer: when the device asks
    /// (AnsRequired) or the clock is off. This is ChirpStack's rule;
    /// chirpstack-fuota-server answers every request, which is also allowed.
    pub const fn needs_answer(&self, time_correction: i32) -> bool {
        self.ans_required || time_correction != 0
    }

    /// Writes the command; returns the bytes written (6).
    pub fn build_into(&self, buf: &mut [u8]) -> Result<usize, Error> {
        let [a, b, c, d] = self.device_time.to_le_bytes();
        let param = u8::from(self.ans_required) << 4 | self.token_req.get();
        put(buf, &[Self::CID, a, b, c, d, param])
    }

    fn parse(body: &[u8]) -> Result<(Self, &[u8]), Error> {
        let (&[a, b, c, d, param], rest) = take::<5>(Self::CID, body)?;
        // Param bits 5-7 are RFU, ignored in an uplink.
        Ok((
            Self {
                device_time: GpsSeconds32::from_le_bytes([a, b, c, d]),
                token_req: Token::from_low_bits(param),
                ans_required: param & 0x10 != 0,
            },
            rest,
        ))
    }
}

/// DeviceAppTimePeriodicityAns (CID 0x02, 5 bytes).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub struct DeviceAppTimePeriodicityAns {
    /// Status bit 0: the device does not support a periodic AppTimeReq.
    pub not_supported: bool,
    /// The device clock when the answer was sent, GPS seconds modulo 2^32.
    pub device_time: GpsSeconds32,
}

impl DeviceAppTimePeriodicityAns {
    /// Command identifier.
    pub const CID: u8 = 0x02;

    /// Writes the command; returns the bytes written (6).
    pub fn build_into(&self, buf: &mut [u8]) -> Result<usize, Error> {
        let [a, b, c, d] = self.device_time.to_le_bytes();
        put(buf, &[Self::CID, u8::from(self.not_supported), a, b, c, d])
    }

    fn parse(body: &[u8]) -> Result<(Self, &[u8]), Error> {
        let (&[status, a, b, c, d], rest) = take::<5>(Self::CID, body)?;
        Ok((
            Self {
                not_supported: status & 1 != 0,
                device_time: GpsSeconds32::from_le_bytes([a, b, c, d]),
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
    /// CID 0x01.
    AppTimeReq(AppTimeReq),
    /// CID 0x02.
    DeviceAppTimePeriodicityAns(DeviceAppTimePeriodicityAns),
}

impl UplinkCommand {
    /// The command identifier.
    pub const fn cid(&self) -> u8 {
        match self {
            Self::PackageVersionAns(_) => PackageVersionAns::CID,
            Self::AppTimeReq(_) => AppTimeReq::CID,
            Self::DeviceAppTimePeriodicityAns(_) => DeviceAppTimePeriodicityAns::CID,
        }
    }

    /// Writes the command (CID and payload); returns the bytes written.
    pub fn build_into(&self, buf: &mut [u8]) -> Result<usize, Error> {
        match self {
            Self::PackageVersionAns(c) => c.build_into(buf),
            Self::AppTimeReq(c) => c.build_into(buf),
            Self::DeviceAppTimePeriodicityAns(c) => c.build_into(buf),
        }
    }
}

/// Parses an uplink FPort payload into its commands, in order; see [`UplinkCommands`].
pub fn parse_uplink(payload: &[u8]) -> UplinkCommands<'_> {
    UplinkCommands { rest: payload }
}

/// Iterator over the commands of an uplink payload, from [`parse_uplink`].
///
/// Yields one `Result` per command and ends after the first error.
#[derive(Debug, Clone)]
pub struct UplinkCommands<'a> {
    rest: &'a [u8],
}

impl Iterator for UplinkCommands<'_> {
    type Item = Result<UplinkCommand, Error>;

    fn next(&mut self) -> Option<Self::Item> {
        let (&cid, body) = self.rest.split_first()?;
        let parsed = match cid {
            PackageVersionAns::CID => PackageVersionAns::parse(body)
                .map(|(c, r)| (UplinkCommand::PackageVersionAns(c), r)),
            AppTimeReq::CID => {
                AppTimeReq::parse(body).map(|(c, r)| (UplinkCommand::AppTimeReq(c), r))
            }
            DeviceAppTimePeriodicityAns::CID => DeviceAppTimePeriodicityAns::parse(body)
                .map(|(c, r)| (UplinkCommand::DeviceAppTimePeriodicityAns(c), r)),
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

    #[test]
    fn rfu_bits_in_uplinks_are_ignored() {
        let got: Vec<_> = parse_uplink(&[0x01, 0, 4, 0, 0, 0xff, 0x02, 0xfe, 1, 0, 0, 0]).collect();
        let req = AppTimeReq {
            device_time: GpsSeconds32::new(1024),
            token_req: Token::new(15).unwrap(),
            ans_required: true,
        };
        let ans = DeviceAppTimePeriodicityAns {
            not_supported: false,
            device_time: GpsSeconds32::new(1),
        };
        assert_eq!(
            got,
            [
                Ok(UplinkCommand::AppTimeReq(req)),
                Ok(UplinkCommand::DeviceAppTimePeriodicityAns(ans))
            ]
        );
    }

    #[test]
    fn answer_rule() {
        let mut req = AppTimeReq::default();
        assert!(!req.needs_answer(0) && req.needs_answer(-1));
        req.ans_required = true;
        assert!(req.needs_answer(0));
        assert_eq!(
            parse_uplink(&[0x03]).collect::<Vec<_>>(),
            [Err(Error::UnknownCid(3))]
        );
    }
}
