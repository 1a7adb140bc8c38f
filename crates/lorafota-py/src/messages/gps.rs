//! GPS time as LoRaWAN uses it (leap seconds counted), its 32-bit wire form, Class B alignment
//! and the TS005 TimeOut exponent in seconds. Every time is whole seconds (`int`).

use std::time::Duration;

use lorafota_core::gps::{
    self, CLASS_B_BEACON_PERIOD, GPS_EPOCH_UNIX_SECS, GpsSeconds32, GpsTime, UnixTime,
};
use lorafota_core::units::TimeoutExponent;
use pyo3::prelude::*;
use pyo3::types::{PyBool, PyFloat, PyInt};

use super::int_value;
use crate::errors::parameter;

pub(super) fn register(m: &Bound<'_, PyModule>) -> PyResult<()> {
    m.add_function(wrap_pyfunction!(gps_from_unix, m)?)?;
    m.add_function(wrap_pyfunction!(unix_from_gps, m)?)?;
    m.add_function(wrap_pyfunction!(gps_leap_seconds, m)?)?;
    m.add_function(wrap_pyfunction!(gps_session_time_u32, m)?)?;
    m.add_function(wrap_pyfunction!(gps_from_session_time_u32, m)?)?;
    m.add_function(wrap_pyfunction!(gps_class_b_aligned_up, m)?)?;
    m.add_function(wrap_pyfunction!(gps_class_b_aligned_down, m)?)?;
    m.add_function(wrap_pyfunction!(gps_is_class_b_aligned, m)?)?;
    m.add_function(wrap_pyfunction!(gps_from_loramac_unix, m)?)?;
    m.add_function(wrap_pyfunction!(gps_to_loramac_unix, m)?)?;
    m.add_function(wrap_pyfunction!(gps_class_c_timeout_seconds, m)?)?;
    m.add_function(wrap_pyfunction!(gps_class_b_timeout_seconds, m)?)?;
    m.add_function(wrap_pyfunction!(gps_class_c_timeout_covering, m)?)?;
    m.add_function(wrap_pyfunction!(gps_class_b_timeout_covering, m)?)?;
    m.add("GPS_EPOCH_UNIX_SECONDS", GPS_EPOCH_UNIX_SECS)?;
    m.add(
        "GPS_CLASS_B_BEACON_PERIOD_SECONDS",
        CLASS_B_BEACON_PERIOD.as_secs(),
    )?;
    m.add("GPS_LEAP_SECONDS_TABLE_LEN", gps::LEAP_SECOND_ENTRIES.len())?;
    Ok(())
}

fn gps_arg(value: &Bound<'_, PyAny>, what: &str) -> PyResult<GpsTime> {
    int_value::<u64>(value, what).map(GpsTime::from_secs)
}

fn unix_arg(value: &Bound<'_, PyAny>, what: &str) -> PyResult<UnixTime> {
    int_value::<u64>(value, what).map(UnixTime::from_secs)
}

fn exponent_arg(value: &Bound<'_, PyAny>) -> PyResult<TimeoutExponent> {
    let n = int_value::<u8>(value, "exponent")?;
    TimeoutExponent::new(n).map_err(|e| parameter(format!("exponent: {e}")))
}

/// A non-negative number of seconds (`int` or `float`) as a `Duration`.
pub(super) fn duration_arg(value: &Bound<'_, PyAny>, what: &str) -> PyResult<Duration> {
    if value.is_instance_of::<PyInt>() && !value.is_instance_of::<PyBool>() {
        return int_value::<u64>(value, what).map(Duration::from_secs);
    }
    if value.is_instance_of::<PyFloat>() {
        let s: f64 = value.extract()?;
        return Duration::try_from_secs_f64(s).map_err(|_| {
            parameter(format!(
                "{what}: {s} is not a finite, non-negative number of seconds"
            ))
        });
    }
    Err(parameter(format!(
        "{what}: expected a number of seconds (int or float)"
    )))
}

/// GPS seconds (since 1980-01-06T00:00:00Z, leap seconds counted) of a Unix time in seconds.
/// Raises `ParameterError` before the GPS epoch.
#[pyfunction]
fn gps_from_unix(unix_seconds: &Bound<'_, PyAny>) -> PyResult<u64> {
    let unix = unix_arg(unix_seconds, "unix_seconds")?;
    unix.to_gps()
        .map(GpsTime::as_secs)
        .map_err(|e| parameter(format!("unix_seconds={}: {e}", unix.as_secs())))
}

/// Unix seconds of a GPS time in seconds; the exact inverse of `gps_from_unix` on its image
/// (a GPS second inside a leap-second hole maps to 23:59:59 UTC of that day).
#[pyfunction]
fn unix_from_gps(gps_seconds: &Bound<'_, PyAny>) -> PyResult<u64> {
    Ok(gps_arg(gps_seconds, "gps_seconds")?.to_unix().as_secs())
}

/// GPS − UTC (the leap seconds counted) at a Unix time: 0 to 18.
#[pyfunction]
fn gps_leap_seconds(unix_seconds: &Bound<'_, PyAny>) -> PyResult<u32> {
    Ok(unix_arg(unix_seconds, "unix_seconds")?.leap_seconds())
}

/// The 32-bit wire form of a GPS time: whole GPS seconds modulo 2^32 (TS005 SessionTime,
/// TS003 DeviceTime).
#[pyfunction]
fn gps_session_time_u32(gps_seconds: &Bound<'_, PyAny>) -> PyResult<u32> {
    Ok(gps_arg(gps_seconds, "gps_seconds")?.session_time_u32())
}

/// The GPS time whose 32-bit form is `value`, nearest to `reference` (GPS seconds), within
/// 2^31 s either side.
#[pyfunction]
fn gps_from_session_time_u32(
    value: &Bound<'_, PyAny>,
    reference: &Bound<'_, PyAny>,
) -> PyResult<u64> {
    let value = GpsSeconds32::new(int_value::<u32>(value, "value")?);
    Ok(value.resolve(gps_arg(reference, "reference")?).as_secs())
}

/// The first 128 s (Class B beacon period) boundary at or after a GPS time: a Class B
/// SessionTime that does not start before the time asked for (lorafota's rounding).
#[pyfunction]
fn gps_class_b_aligned_up(gps_seconds: &Bound<'_, PyAny>) -> PyResult<u64> {
    Ok(gps_arg(gps_seconds, "gps_seconds")?
        .class_b_aligned_up()
        .as_secs())
}

/// The last 128 s boundary at or before a GPS time (ChirpStack's rounding).
#[pyfunction]
fn gps_class_b_aligned_down(gps_seconds: &Bound<'_, PyAny>) -> PyResult<u64> {
    Ok(gps_arg(gps_seconds, "gps_seconds")?
        .class_b_aligned_down()
        .as_secs())
}

/// Whether a GPS time (or a 32-bit SessionTime) is a multiple of 128 s.
#[pyfunction]
fn gps_is_class_b_aligned(gps_seconds: &Bound<'_, PyAny>) -> PyResult<bool> {
    Ok(gps_arg(gps_seconds, "gps_seconds")?.is_class_b_aligned())
}

/// GPS seconds from a LoRaMac-node style "Unix" device clock (GPS + 315 964 800 s, no leap
/// seconds: 18 s ahead of real Unix time). Raises `ParameterError` below the offset.
#[pyfunction]
fn gps_from_loramac_unix(seconds: &Bound<'_, PyAny>) -> PyResult<u64> {
    let s = int_value::<u64>(seconds, "seconds")?;
    GpsTime::from_loramac_unix_secs(s)
        .map(GpsTime::as_secs)
        .map_err(|e| parameter(format!("seconds={s}: {e}")))
}

/// A GPS time on a LoRaMac-node style "Unix" device clock (GPS + 315 964 800 s). Not Unix
/// time: use `unix_from_gps` for that.
#[pyfunction]
fn gps_to_loramac_unix(gps_seconds: &Bound<'_, PyAny>) -> PyResult<u64> {
    Ok(gps_arg(gps_seconds, "gps_seconds")?.to_loramac_unix_secs())
}

/// The longest a Class C session with TimeOut `exponent` (0..=15) lasts: 2^exponent s.
#[pyfunction]
fn gps_class_c_timeout_seconds(exponent: &Bound<'_, PyAny>) -> PyResult<u64> {
    Ok(exponent_arg(exponent)?.class_c_duration().as_secs())
}

/// The longest a Class B session with TimeOut `exponent` (0..=15) lasts: 128 x 2^exponent s.
#[pyfunction]
fn gps_class_b_timeout_seconds(exponent: &Bound<'_, PyAny>) -> PyResult<u64> {
    Ok(exponent_arg(exponent)?.class_b_duration().as_secs())
}

/// The smallest Class C TimeOut exponent whose session (2^n s) lasts at least `seconds`, or
/// `None` when even 2^15 s is too short.
#[pyfunction]
fn gps_class_c_timeout_covering(seconds: &Bound<'_, PyAny>) -> PyResult<Option<u8>> {
    let d = duration_arg(seconds, "seconds")?;
    Ok(TimeoutExponent::covering_class_c(d).map(TimeoutExponent::exponent))
}

/// The smallest Class B TimeOut exponent whose session (128 x 2^n s) lasts at least `seconds`,
/// or `None` when even 128 x 2^15 s is too short.
#[pyfunction]
fn gps_class_b_timeout_covering(seconds: &Bound<'_, PyAny>) -> PyResult<Option<u8>> {
    let d = duration_arg(seconds, "seconds")?;
    Ok(TimeoutExponent::covering_class_b(d).map(TimeoutExponent::exponent))
}
