//! TS003 Application Layer Clock Synchronization messages (FPort 202) and the correction.

use lorafota_core::gps::{GpsSeconds32, GpsTime};
use lorafota_core::ts003::{
    self, AppTimeAns, AppTimePeriod, AppTimeReq, DeviceAppTimePeriodicityAns,
    DeviceAppTimePeriodicityReq, DownlinkCommand, ForceDeviceResyncReq, MAX_COMMAND_LEN,
    NbTransmissions, PackageVersionAns, PackageVersionReq, Token, Ts003Version, UplinkCommand,
};
use pyo3::prelude::*;
use pyo3::types::{PyBytes, PyDict, PyList};

use super::{Fields, build_with, int_value, message};
use crate::errors::parameter;

pub(super) fn register(m: &Bound<'_, PyModule>) -> PyResult<()> {
    m.add_function(wrap_pyfunction!(ts003_parse, m)?)?;
    m.add_function(wrap_pyfunction!(ts003_build, m)?)?;
    m.add_function(wrap_pyfunction!(ts003_time_correction, m)?)?;
    m.add_function(wrap_pyfunction!(ts003_period_seconds, m)?)?;
    m.add_function(wrap_pyfunction!(ts003_period_covering, m)?)?;
    m.add("TS003_DEFAULT_FPORT", ts003::DEFAULT_FPORT)?;
    m.add("TS003_PACKAGE_IDENTIFIER", ts003::PACKAGE_IDENTIFIER)?;
    Ok(())
}

/// Parses every TS003 command of an FPort payload (FPort 202 by default).
///
/// `uplink=False` reads server -> device commands, `uplink=True` device -> server ones (TS003
/// v1 and v2 share every layout). Returns one dict per command (see `lorafota.ts003`); raises
/// `ParseError` at the first command that does not parse.
#[pyfunction]
#[pyo3(signature = (data, *, uplink = false))]
fn ts003_parse<'py>(
    py: Python<'py>,
    data: &Bound<'py, PyAny>,
    uplink: bool,
) -> PyResult<Bound<'py, PyList>> {
    let data = super::payload_arg(data)?;
    if uplink {
        super::dicts(py, ts003::parse_uplink(&data), uplink_dict)
    } else {
        super::dicts(py, ts003::parse_downlink(&data), downlink_dict)
    }
}

fn downlink_dict<'py>(py: Python<'py>, cmd: &DownlinkCommand) -> PyResult<Bound<'py, PyDict>> {
    let d;
    match cmd {
        DownlinkCommand::PackageVersionReq(_) => {
            d = message(py, "PackageVersionReq")?;
        }
        DownlinkCommand::AppTimeAns(c) => {
            d = message(py, "AppTimeAns")?;
            d.set_item("time_correction", c.time_correction)?;
            d.set_item("token_ans", c.token_ans.get())?;
        }
        DownlinkCommand::DeviceAppTimePeriodicityReq(c) => {
            d = message(py, "DeviceAppTimePeriodicityReq")?;
            d.set_item("period", c.period.exponent())?;
        }
        DownlinkCommand::ForceDeviceResyncReq(c) => {
            d = message(py, "ForceDeviceResyncReq")?;
            d.set_item("nb_transmissions", c.nb_transmissions.get())?;
        }
    }
    Ok(d)
}

fn uplink_dict<'py>(py: Python<'py>, cmd: &UplinkCommand) -> PyResult<Bound<'py, PyDict>> {
    let d;
    match cmd {
        UplinkCommand::PackageVersionAns(c) => {
            d = message(py, "PackageVersionAns")?;
            d.set_item("package_identifier", c.package_identifier)?;
            d.set_item("package_version", c.package_version)?;
        }
        UplinkCommand::AppTimeReq(c) => {
            d = message(py, "AppTimeReq")?;
            d.set_item("device_time", c.device_time.get())?;
            d.set_item("token_req", c.token_req.get())?;
            d.set_item("ans_required", c.ans_required)?;
        }
        UplinkCommand::DeviceAppTimePeriodicityAns(c) => {
            d = message(py, "DeviceAppTimePeriodicityAns")?;
            d.set_item("not_supported", c.not_supported)?;
            d.set_item("device_time", c.device_time.get())?;
        }
    }
    Ok(d)
}

fn token(f: &mut Fields<'_>, key: &'static str) -> PyResult<Token> {
    let v = f.int::<u8>(key)?;
    Token::new(v).map_err(|e| f.field_error(key, e))
}

enum Built {
    Down(DownlinkCommand),
    Up(UplinkCommand),
}

/// Builds one TS003 command from a dict shaped like `ts003_parse`'s (the direction follows
/// from `"command"`). Raises `ParameterError` naming the field for a missing, unexpected or
/// out-of-range one.
#[pyfunction]
fn ts003_build<'py>(py: Python<'py>, message: &Bound<'py, PyAny>) -> PyResult<Bound<'py, PyBytes>> {
    let mut f = Fields::open(message, "TS003")?;
    let cmd = match f.command() {
        "PackageVersionReq" => Built::Down(DownlinkCommand::PackageVersionReq(PackageVersionReq)),
        "AppTimeAns" => Built::Down(DownlinkCommand::AppTimeAns(AppTimeAns {
            time_correction: f.int("time_correction")?,
            token_ans: token(&mut f, "token_ans")?,
        })),
        "DeviceAppTimePeriodicityReq" => {
            let n = f.int::<u8>("period")?;
            let period = AppTimePeriod::new(n).map_err(|e| f.field_error("period", e))?;
            Built::Down(DownlinkCommand::DeviceAppTimePeriodicityReq(
                DeviceAppTimePeriodicityReq { period },
            ))
        }
        "ForceDeviceResyncReq" => {
            let n = f.int::<u8>("nb_transmissions")?;
            let nb_transmissions =
                NbTransmissions::new(n).map_err(|e| f.field_error("nb_transmissions", e))?;
            Built::Down(DownlinkCommand::ForceDeviceResyncReq(
                ForceDeviceResyncReq { nb_transmissions },
            ))
        }
        "PackageVersionAns" => Built::Up(UplinkCommand::PackageVersionAns(PackageVersionAns {
            package_identifier: f.int("package_identifier")?,
            package_version: f.int("package_version")?,
        })),
        "AppTimeReq" => Built::Up(UplinkCommand::AppTimeReq(AppTimeReq {
            device_time: GpsSeconds32::new(f.int("device_time")?),
            token_req: token(&mut f, "token_req")?,
            ans_required: f.flag("ans_required")?,
        })),
        "DeviceAppTimePeriodicityAns" => Built::Up(UplinkCommand::DeviceAppTimePeriodicityAns(
            DeviceAppTimePeriodicityAns {
                not_supported: f.flag("not_supported")?,
                device_time: GpsSeconds32::new(f.int("device_time")?),
            },
        )),
        other => {
            return Err(parameter(format!(
                "unknown TS003 command {other:?}; expected one of PackageVersionReq, AppTimeAns, \
                 DeviceAppTimePeriodicityReq, ForceDeviceResyncReq (downlink), \
                 PackageVersionAns, AppTimeReq, DeviceAppTimePeriodicityAns (uplink)"
            )));
        }
    };
    f.finish()?;
    let built = match &cmd {
        Built::Down(c) => build_with(MAX_COMMAND_LEN, |b| c.build_into(b)),
        Built::Up(c) => build_with(MAX_COMMAND_LEN, |b| c.build_into(b)),
    };
    let wire = built.map_err(|e| f.error(e))?;
    Ok(PyBytes::new(py, &wire))
}

/// TimeCorrection for an AppTimeReq: `network_time` (GPS seconds when the network received
/// the uplink) minus `device_time` (its DeviceTime, GPS seconds mod 2^32), compared modulo
/// 2^32 and saturated to the i32 range (`ts003` = "v1" or "v2"; both saturate).
#[pyfunction]
#[pyo3(signature = (network_time, device_time, *, ts003 = "v1"))]
fn ts003_time_correction(
    network_time: &Bound<'_, PyAny>,
    device_time: &Bound<'_, PyAny>,
    ts003: &str,
) -> PyResult<i32> {
    let version: Ts003Version = ts003
        .parse()
        .map_err(|e| parameter(format!("ts003={ts003:?}: {e}")))?;
    let network = GpsTime::from_secs(int_value::<u64>(network_time, "network_time")?);
    let device = GpsSeconds32::new(int_value::<u32>(device_time, "device_time")?);
    Ok(ts003::time_correction(network, device, version))
}

/// The AppTimeReq period of a DeviceAppTimePeriodicityReq Period exponent: 128 x 2^period s.
#[pyfunction]
fn ts003_period_seconds(period: &Bound<'_, PyAny>) -> PyResult<u64> {
    let n = int_value::<u8>(period, "period")?;
    let p = AppTimePeriod::new(n).map_err(|e| parameter(format!("period: {e}")))?;
    Ok(p.duration().as_secs())
}

/// The smallest Period exponent whose period (128 x 2^n s) is at least `seconds`, or `None`
/// beyond 128 x 2^15 s.
#[pyfunction]
fn ts003_period_covering(seconds: &Bound<'_, PyAny>) -> PyResult<Option<u8>> {
    let d = super::gps::duration_arg(seconds, "seconds")?;
    Ok(AppTimePeriod::covering(d).map(AppTimePeriod::exponent))
}
