//! `ts003_messages`: the TS003 [`parse_downlink`] and [`parse_uplink`] over arbitrary bytes, and
//! [`time_correction`] over arbitrary times.
//!
//! * The parsers: as `ts005_messages` (no panic, the iterator ends after its first error,
//!   commands and errors as a plain model of the layouts says, downlink rebuilt byte for byte
//!   since its RFU bits are refused, uplink to the same length and re-parse, and to the same
//!   bytes once the RFU bits it ignores are cleared, `BufferTooSmall` on short buffers). v1 and v2 share every layout, so the
//!   parsers take no version.
//! * `time_correction(network, device, v)`: the first 16 bytes of the input (zero-padded) are
//!   the network time (seconds and nanoseconds) and DeviceTime, and every parsed AppTimeReq is
//!   answered at that network time too. The answer must be the network's whole GPS seconds
//!   modulo 2^32 minus DeviceTime, saturated to `i32::MIN..=i32::MAX` (the v2 rule, which v1
//!   follows too): the same for both versions, blind to the sub-second part and to whole turns
//!   of 2^32 s; exact when not saturated; when saturated, it moves the device clock towards the
//!   network's without overshooting, and at most three answers bring it there.
//!   `AppTimeAns::answer` echoes the token, and its bytes parse back as the same downlink.

use crate::model::{check_short_buffers, split_results};
use std::time::Duration;

use lorafota_core::gps::{GpsSeconds32, GpsTime};
use lorafota_core::ts003::{
    AppTimeAns, AppTimeReq, DownlinkCommand, Error, MAX_COMMAND_LEN, Token, Ts003Version,
    UplinkCommand, parse_downlink, parse_uplink, time_correction,
};

/// What an input went through, so the replay tests can check they reach every outcome.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Outcome {
    /// Commands parsed, both directions together.
    pub commands: usize,
    /// Parse errors met.
    pub errors: usize,
    /// Corrections that saturated.
    pub saturated: usize,
    /// Corrections that were exact.
    pub exact: usize,
}

/// The error a builder gives for a buffer of `have` bytes when it needs `need`.
fn too_small(need: usize, have: usize) -> Error {
    Error::BufferTooSmall { need, have }
}

fn build(build_into: impl Fn(&mut [u8]) -> Result<usize, Error>) -> Vec<u8> {
    let mut buf = [0u8; MAX_COMMAND_LEN];
    let n = build_into(&mut buf).expect("a parsed command builds");
    check_short_buffers(n, &build_into, too_small);
    buf[..n].to_vec()
}

/// The model of one command at the start of `msg` (non-empty): its length, CID included, or
/// the error it must give. `layout` gives a CID's payload length and RFU mask of its last byte.
fn model(msg: &[u8], layout: fn(u8) -> Option<(usize, u8)>) -> Result<usize, Error> {
    let (cid, body) = (msg[0], &msg[1..]);
    let (len, rfu) = layout(cid).ok_or(Error::UnknownCid(cid))?;
    if body.len() < len {
        return Err(Error::Truncated {
            cid,
            need: len as u8,
            have: u8::try_from(body.len()).unwrap_or(u8::MAX),
        });
    }
    if len > 0 && body[len - 1] & rfu != 0 {
        return Err(Error::RfuBitsSet { cid });
    }
    Ok(1 + len)
}

fn downlink_layout(cid: u8) -> Option<(usize, u8)> {
    match cid {
        0 => Some((0, 0)),
        1 => Some((5, 0xF0)),
        2 => Some((1, 0xF0)),
        3 => Some((1, 0xF8)),
        _ => None,
    }
}

/// The bytes an uplink command at the start of `msg` rebuilds to: its own, RFU bits cleared
/// (Param bits 5-7 of AppTimeReq, Status bits 1-7 of DeviceAppTimePeriodicityAns).
fn uplink_rebuilt(msg: &[u8], len: usize) -> Vec<u8> {
    let keep: &[u8] = match msg[0] {
        1 => &[0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0x1F],
        2 => &[0xFF, 0x01, 0xFF, 0xFF, 0xFF, 0xFF],
        _ => &[0xFF; 6],
    };
    msg[..len].iter().zip(keep).map(|(b, k)| b & k).collect()
}

fn uplink_layout(cid: u8) -> Option<(usize, u8)> {
    match cid {
        0 => Some((2, 0)),
        1 | 2 => Some((5, 0)),
        _ => None,
    }
}

/// Checks the error that ended a message at `at` (or that none did), against the model.
fn check_end<T>(
    results: &[Result<T, Error>],
    bytes: &[u8],
    at: usize,
    layout: fn(u8) -> Option<(usize, u8)>,
    out: &mut Outcome,
) {
    match results.last() {
        Some(Err(e)) => {
            assert!(at < bytes.len(), "an error with no byte left");
            assert_eq!(
                model(&bytes[at..], layout),
                Err(*e),
                "at {at} of {bytes:02x?}"
            );
            assert!(!e.to_string().is_empty());
            out.errors += 1;
        }
        _ => assert_eq!(at, bytes.len(), "commands did not cover the message"),
    }
}

fn check_downlink(bytes: &[u8], out: &mut Outcome) {
    let results: Vec<_> = parse_downlink(bytes).collect();
    let mut at = 0;
    for cmd in split_results(&results) {
        let cmd = cmd.as_ref().expect("split_results keeps Ok");
        let built = build(|b| cmd.build_into(b));
        assert_eq!(built[0], cmd.cid());
        assert_eq!(model(&bytes[at..], downlink_layout), Ok(built.len()));
        assert_eq!(
            built[..],
            bytes[at..at + built.len()],
            "downlink bytes differ"
        );
        let again: Vec<_> = parse_downlink(&built).collect();
        assert_eq!(again, [Ok(*cmd)]);
        at += built.len();
        out.commands += 1;
    }
    check_end(&results, bytes, at, downlink_layout, out);
}

fn check_uplink(bytes: &[u8], out: &mut Outcome) -> Vec<AppTimeReq> {
    let results: Vec<_> = parse_uplink(bytes).collect();
    let mut rebuilt = Vec::new();
    let mut requests = Vec::new();
    for cmd in split_results(&results) {
        let cmd = cmd.as_ref().expect("split_results keeps Ok");
        let built = build(|b| cmd.build_into(b));
        assert_eq!(built[0], cmd.cid());
        let here = &bytes[rebuilt.len()..];
        assert_eq!(model(here, uplink_layout), Ok(built.len()));
        assert_eq!(built, uplink_rebuilt(here, built.len()), "uplink rebuilt");
        let again: Vec<_> = parse_uplink(&built).collect();
        assert_eq!(again, [Ok(*cmd)], "uplink {built:02x?} from {bytes:02x?}");
        if let UplinkCommand::AppTimeReq(req) = cmd {
            requests.push(*req);
        }
        rebuilt.extend_from_slice(&built);
        out.commands += 1;
    }
    check_end(&results, bytes, rebuilt.len(), uplink_layout, out);
    rebuilt.extend_from_slice(&bytes[rebuilt.len()..]);
    let again: Vec<_> = parse_uplink(&rebuilt).collect();
    assert_eq!(again, results, "the rebuilt uplink parses differently");
    requests
}

/// The documented correction: network seconds modulo 2^32 minus DeviceTime, saturated.
fn model_correction(network_secs: u64, device_time: u32) -> i64 {
    let diff = i64::from(network_secs as u32) - i64::from(device_time);
    diff.clamp(i32::MIN.into(), i32::MAX.into())
}

/// Checks `time_correction` at `network` for a device at `device_time`, then follows the
/// answers the way a device does until its clock is right.
fn check_correction(network: GpsTime, device_time: u32, out: &mut Outcome) {
    let secs = network.as_secs();
    let target = secs as u32;
    let mut device = device_time;
    for answers in 1.. {
        assert!(
            answers <= 3,
            "{answers} answers from {device_time} to {secs}"
        );
        let dt = GpsSeconds32::new(device);
        let got = time_correction(network, dt, Ts003Version::V2);
        assert_eq!(
            i64::from(got),
            model_correction(secs, device),
            "network {secs} s, device {device}"
        );
        assert_eq!(time_correction(network, dt, Ts003Version::V1), got);
        let whole = GpsTime::from_secs(secs);
        assert_eq!(time_correction(whole, dt, Ts003Version::V2), got);
        // Only the low 32 bits of the network's seconds matter.
        let turned = secs
            .checked_add(1 << 32)
            .or_else(|| secs.checked_sub(1 << 32));
        if let Some(turned) = turned {
            assert_eq!(
                time_correction(GpsTime::from_secs(turned), dt, Ts003Version::V2),
                got
            );
        }
        let ans = AppTimeAns {
            time_correction: got,
            token_ans: Token::new(0).expect("token 0"),
        };
        // Saturation is what v2 devices see as "ask again"; the exact i32::MAX / MIN answers
        // look saturated too, harmlessly: the next one is 0.
        assert_eq!(ans.is_saturated(), got == i32::MAX || got == i32::MIN);
        // The device adds the correction: never past the network's time, never wrapping.
        let next = i64::from(device) + i64::from(got);
        let diff = i64::from(target) - i64::from(device);
        assert!(
            (0..=u32::MAX.into()).contains(&next),
            "the clock wrapped: {next}"
        );
        assert!(
            got == 0
                || (diff.signum() == i64::from(got).signum() && i64::from(got).abs() <= diff.abs()),
            "correction {got} for a difference of {diff}"
        );
        device = next as u32;
        if ans.is_saturated() {
            out.saturated += 1;
        } else {
            assert_eq!(device, target, "an unsaturated correction is exact");
            out.exact += 1;
            break;
        }
    }
}

fn le_u64(bytes: &[u8]) -> u64 {
    let mut b = [0u8; 8];
    for (d, s) in b.iter_mut().zip(bytes) {
        *d = *s;
    }
    u64::from_le_bytes(b)
}

/// Runs one `ts003_messages` input.
pub fn run(bytes: &[u8]) -> Outcome {
    let mut out = Outcome::default();
    check_downlink(bytes, &mut out);
    let requests = check_uplink(bytes, &mut out);

    let head = |at: usize| bytes.get(at..).unwrap_or_default();
    let secs = le_u64(head(0));
    let nanos = le_u64(head(8)) as u32 % 1_000_000_000;
    let device = (le_u64(head(12)) & 0xFFFF_FFFF) as u32;
    let network = GpsTime::from_duration(Duration::new(secs, nanos));
    check_correction(network, device, &mut out);

    for req in requests {
        check_correction(network, req.device_time.get(), &mut out);
        for version in [Ts003Version::V1, Ts003Version::V2] {
            let ans = AppTimeAns::answer(&req, network, version);
            assert_eq!(
                ans.time_correction,
                time_correction(network, req.device_time, version)
            );
            assert!(ans.answers(req.token_req) && ans.token_ans == req.token_req);
            assert_eq!(
                req.needs_answer(ans.time_correction),
                req.ans_required || ans.time_correction != 0
            );
            // What the server builds, the device parses.
            let built = build(|b| ans.build_into(b));
            let parsed: Vec<_> = parse_downlink(&built).collect();
            assert_eq!(parsed, [Ok(DownlinkCommand::AppTimeAns(ans))]);
        }
    }
    out
}
