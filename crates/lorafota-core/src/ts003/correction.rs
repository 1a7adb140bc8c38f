//! The server's clock-correction arithmetic.

use super::Ts003Version;
use crate::gps::{GpsSeconds32, GpsTime};

/// TimeCorrection for an AppTimeReq: the network's GPS time of the uplink minus the device's
/// DeviceTime, in whole seconds, as the i32 AppTimeAns carries.
///
/// `network_time` is when the network received the uplink: the gateway's GPS timestamp if it has
/// one, else its receive time, else the server's. Its sub-second part is dropped, like
/// DeviceTime's.
///
/// Both sides are compared modulo 2^32 (the form DeviceTime travels in), so the difference is
/// within ±(2^32 − 1) s and the rule keeps working after GPS seconds wrap in 2116; until then it
/// equals ChirpStack's full-width subtraction.
///
/// When the difference does not fit an i32 (more than about 68 years: a device that booted at
/// 0), the answer **saturates** to `i32::MAX` (0x7FFFFFFF) or `i32::MIN` (0x80000000):
/// * v2: TS003-2.0.0 §3.2 requires it; the device applies it and sends another AppTimeReq, whose
///   answer carries the rest.
/// * v1: TS003 v1.0.0 says nothing. lorafota saturates too, as ChirpStack v4 does for v1 devices:
///   the device moves towards the right time and its next request finishes the job, whereas the
///   wrapping cast of chirpstack-fuota-server (`int32(...)`) would move a device that keeps more
///   than 32 bits of seconds the wrong way by 2^32 s. See `SPEC_NOTES.md`.
pub fn time_correction(
    network_time: GpsTime,
    device_time: GpsSeconds32,
    version: Ts003Version,
) -> i32 {
    let diff = i64::from(network_time.session_time_u32()) - i64::from(device_time.get());
    match version {
        // The same rule for both versions: written out so that a version-specific change has
        // one obvious place to go.
        Ts003Version::V1 | Ts003Version::V2 => saturate(diff),
    }
}

fn saturate(diff: i64) -> i32 {
    i32::try_from(diff).unwrap_or(if diff < 0 { i32::MIN } else { i32::MAX })
}

#[cfg(test)]
mod tests {
    use super::*;
    use core::time::Duration;

    #[test]
    fn corrections_in_range_are_exact() {
        for v in [Ts003Version::V1, Ts003Version::V2] {
            let net = GpsTime::from_duration(Duration::new(1_436_486_418, 999_999_999));
            assert_eq!(
                time_correction(net, GpsSeconds32::new(1_436_486_400), v),
                18
            );
            assert_eq!(
                time_correction(net, GpsSeconds32::new(1_436_486_423), v),
                -5
            );
        }
    }

    #[test]
    fn out_of_range_saturates_both_ways() {
        for v in [Ts003Version::V1, Ts003Version::V2] {
            let net = GpsTime::from_secs(2_208_643_218);
            assert_eq!(time_correction(net, GpsSeconds32::new(0), v), i32::MAX);
            let net = GpsTime::from_secs(5);
            assert_eq!(
                time_correction(net, GpsSeconds32::new(u32::MAX), v),
                i32::MIN
            );
            let net = GpsTime::from_secs(u64::from(i32::MAX as u32));
            assert_eq!(time_correction(net, GpsSeconds32::new(0), v), i32::MAX);
        }
    }
}
