//! Time on air, the regional tables and the session planner.

use std::time::Duration;

use lorafota_core::airtime::{Bandwidth, FskParams, HeaderMode, LoraParams, SpreadingFactor};
use lorafota_core::gps::UnixTime;
use lorafota_core::plan::{
    DataRateChoice, Fleet, Pacing, PlanRequest, RedundancyChoice, Schedule, plan_json, plan_session,
};
use lorafota_core::radio::Hz;
use lorafota_core::region::{DataRate, PayloadVariant, Region, region_json};
use pyo3::prelude::*;
use pyo3::types::PyDict;

use crate::codec::version;
use crate::errors::{parameter, py_param};

/// A serde_json value as Python objects (through the json module: small values only).
pub(crate) fn to_py<'py>(py: Python<'py>, v: &serde_json::Value) -> PyResult<Bound<'py, PyAny>> {
    py.import("json")?.call_method1("loads", (v.to_string(),))
}

fn bandwidth(bw: &Bound<'_, PyAny>) -> PyResult<Bandwidth> {
    if let Ok(hz) = bw.extract::<u32>() {
        return Bandwidth::from_hz(hz).map_err(py_param);
    }
    let s: String = bw.extract()?;
    s.parse().map_err(py_param)
}

/// LoRa time on air, exact to the microsecond. Downlink defaults: no payload CRC.
#[pyfunction]
#[pyo3(signature = (sf, bw, payload, *, cr = "4/5", preamble = 8, crc = false, implicit_header = false, ldro = "auto"))]
#[allow(clippy::too_many_arguments)]
fn airtime<'py>(
    py: Python<'py>,
    sf: u8,
    bw: &Bound<'py, PyAny>,
    payload: usize,
    cr: &str,
    preamble: u16,
    crc: bool,
    implicit_header: bool,
    ldro: &str,
) -> PyResult<Bound<'py, PyDict>> {
    let params = LoraParams::downlink(SpreadingFactor::new(sf).map_err(py_param)?, bandwidth(bw)?)
        .with_coding_rate(cr.parse().map_err(py_param)?)
        .with_preamble(preamble)
        .with_crc(crc)
        .with_header(if implicit_header {
            HeaderMode::Implicit
        } else {
            HeaderMode::Explicit
        })
        .with_ldro(ldro.parse().map_err(py_param)?);
    let a = params.time_on_air(payload).map_err(py_param)?;
    let d = PyDict::new(py);
    d.set_item("toa_us", a.toa_us())?;
    d.set_item("t_sym_us", a.t_sym_us())?;
    d.set_item("n_payload_symbols", a.n_payload_symbols())?;
    d.set_item(
        "n_total_symbols",
        f64::from(a.n_total_symbols().quarters()) / 4.0,
    )?;
    d.set_item("ldro", a.ldro())?;
    Ok(d)
}

/// FSK time on air (LoRaWAN framing) at `bitrate` b/s.
#[pyfunction]
fn airtime_fsk<'py>(py: Python<'py>, bitrate: u32, payload: usize) -> PyResult<Bound<'py, PyDict>> {
    let a = FskParams::lorawan(bitrate)
        .time_on_air(payload)
        .map_err(py_param)?;
    let d = PyDict::new(py);
    match a.toa_us_exact() {
        Some(us) => d.set_item("toa_us", us)?,
        None => d.set_item("toa_us", a.toa_ns() as f64 / 1000.0)?,
    }
    d.set_item("bits", a.bits())?;
    Ok(d)
}

fn region_by_name(name: &str) -> PyResult<Region> {
    name.parse()
        .map_err(|e| parameter(format!("region {name:?}: {e}")))
}

/// The names of every region in the tables.
#[pyfunction]
fn region_names() -> Vec<&'static str> {
    Region::ALL.iter().map(|r| r.name()).collect()
}

/// One region's tables as plain data (the JSON of `lorafota regions NAME --json`).
#[pyfunction]
fn region<'py>(py: Python<'py>, name: &str) -> PyResult<Bound<'py, PyAny>> {
    to_py(py, &region_json(region_by_name(name)?))
}

/// Plans a FUOTA session; returns the fields of `lorafota plan --json`.
#[pyfunction]
#[pyo3(signature = (size, region, *, dr = None, device_drs = None, frequency = None, repeater = false,
    fragment_size = None, loss = None, burst = None, target = None, redundancy = None,
    redundancy_percent = None, max_lost = None, max_fragments = None, gap = None, interval = None,
    ts004 = "v1", simulate = 10_000, seed = 1, scheduled = None, setup = 0.0, launch = 60.0))]
#[allow(clippy::too_many_arguments)]
fn plan<'py>(
    py: Python<'py>,
    size: usize,
    region: &str,
    dr: Option<u8>,
    device_drs: Option<Vec<u8>>,
    frequency: Option<u32>,
    repeater: bool,
    fragment_size: Option<u8>,
    loss: Option<Vec<f64>>,
    burst: Option<f64>,
    target: Option<f64>,
    redundancy: Option<u16>,
    redundancy_percent: Option<u32>,
    max_lost: Option<u16>,
    max_fragments: Option<u16>,
    gap: Option<f64>,
    interval: Option<f64>,
    ts004: &str,
    simulate: usize,
    seed: u64,
    scheduled: Option<u64>,
    setup: f64,
    launch: f64,
) -> PyResult<Bound<'py, PyAny>> {
    let secs = |name: &str, s: f64| {
        Duration::try_from_secs_f64(s)
            .map_err(|_| parameter(format!("{name}={s}: not a duration in seconds")))
    };
    let redundancy = match (redundancy, redundancy_percent, target) {
        (Some(r), None, None) => RedundancyChoice::Count(r),
        (None, Some(p), None) => RedundancyChoice::Percent(p),
        (None, None, Some(t)) => RedundancyChoice::ForTarget { target: t },
        (None, None, None) => {
            return Err(parameter(
                "give target= (with loss=), redundancy= or redundancy_percent=",
            ));
        }
        _ => {
            return Err(parameter(
                "give only one of target=, redundancy= and redundancy_percent=",
            ));
        }
    };
    let fleet = loss
        .map(|rates| Fleet::from_loss_rates(&rates, burst, max_lost, simulate, seed))
        .transpose()
        .map_err(|e| parameter(format!("loss: {e}")))?;
    let pacing = match (gap, interval) {
        (Some(_), Some(_)) => return Err(parameter("give gap= or interval=, not both")),
        (Some(g), None) => Pacing::Gap(secs("gap", g)?),
        (None, Some(i)) => Pacing::Interval(secs("interval", i)?),
        (None, None) => Pacing::Auto,
    };
    let schedule = match scheduled {
        Some(s) => Some(Schedule {
            scheduled: UnixTime::from_secs(s),
            setup: secs("setup", setup)?,
            launch: secs("launch", launch)?,
        }),
        None => None,
    };
    let request = PlanRequest {
        image_size: size,
        region: region_by_name(region)?,
        data_rate: match dr {
            Some(d) => DataRateChoice::Fixed(DataRate::new(d)),
            None => DataRateChoice::FastestReaching(
                device_drs
                    .unwrap_or_default()
                    .into_iter()
                    .map(DataRate::new)
                    .collect(),
            ),
        },
        payload_variant: if repeater {
            PayloadVariant::RepeaterCompatible
        } else {
            PayloadVariant::NoRepeater
        },
        fragment_size,
        frequency: frequency.map(Hz::new),
        pacing,
        redundancy,
        fleet,
        version: version(ts004)?,
        device_max_fragments: max_fragments,
        schedule,
    };
    let planned = py.detach(|| plan_session(&request)).map_err(py_param)?;
    to_py(py, &plan_json(&planned))
}

/// Adds the timing functions to the module.
pub(crate) fn register(m: &Bound<'_, PyModule>) -> PyResult<()> {
    m.add_function(wrap_pyfunction!(airtime, m)?)?;
    m.add_function(wrap_pyfunction!(airtime_fsk, m)?)?;
    m.add_function(wrap_pyfunction!(region_names, m)?)?;
    m.add_function(wrap_pyfunction!(region, m)?)?;
    m.add_function(wrap_pyfunction!(plan, m)?)?;
    Ok(())
}
