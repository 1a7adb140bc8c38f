//! TS005 Remote Multicast Setup messages (FPort 200) and the multicast key chain.

use lorafota_core::gps::GpsSeconds32;
use lorafota_core::ts005::{
    self, AppRootKey, DlFrequency, DownlinkCommand, MAX_COMMAND_LEN, McAddr, McClassBSessionAns,
    McClassBSessionReq, McClassCSessionAns, McClassCSessionReq, McGroupDeleteAns, McGroupDeleteReq,
    McGroupId, McGroupMask, McGroupSetupAns, McGroupSetupReq, McGroupStatusAns, McGroupStatusReq,
    McKEKey, McKey, McKeyEncrypted, McRootKey, PackageVersionAns, PackageVersionReq,
    PingSlotPeriodicity, RootKeyKind, TimeToStart, UplinkCommand,
};
use lorafota_core::units::TimeoutExponent;
use pyo3::prelude::*;
use pyo3::types::{PyBytes, PyDict, PyList};

use super::{Fields, build_with, int_value, key_value, mask_list, message, py_bytes};
use crate::errors::parameter;

pub(super) fn register(m: &Bound<'_, PyModule>) -> PyResult<()> {
    m.add_function(wrap_pyfunction!(ts005_parse, m)?)?;
    m.add_function(wrap_pyfunction!(ts005_build, m)?)?;
    m.add_function(wrap_pyfunction!(ts005_mc_root_key, m)?)?;
    m.add_function(wrap_pyfunction!(ts005_mc_ke_key, m)?)?;
    m.add_function(wrap_pyfunction!(ts005_encrypt_mc_key, m)?)?;
    m.add_function(wrap_pyfunction!(ts005_decrypt_mc_key, m)?)?;
    m.add_function(wrap_pyfunction!(ts005_mc_session_keys, m)?)?;
    m.add("TS005_DEFAULT_FPORT", ts005::DEFAULT_FPORT)?;
    m.add("TS005_PACKAGE_IDENTIFIER", ts005::PACKAGE_IDENTIFIER)?;
    Ok(())
}

/// Parses every TS005 command of an FPort payload (FPort 200 by default).
///
/// `uplink=False` reads server -> device requests, `uplink=True` device -> server answers
/// (TS005 v1 and v2 share every layout). Returns one dict per command (see `lorafota.ts005`);
/// raises `ParseError` at the first command that does not parse.
#[pyfunction]
#[pyo3(signature = (data, *, uplink = false))]
fn ts005_parse<'py>(
    py: Python<'py>,
    data: &Bound<'py, PyAny>,
    uplink: bool,
) -> PyResult<Bound<'py, PyList>> {
    let data = super::payload_arg(data)?;
    if uplink {
        super::dicts(py, ts005::parse_uplink(&data), uplink_dict)
    } else {
        super::dicts(py, ts005::parse_downlink(&data), downlink_dict)
    }
}

fn downlink_dict<'py>(py: Python<'py>, cmd: &DownlinkCommand) -> PyResult<Bound<'py, PyDict>> {
    let d;
    match cmd {
        DownlinkCommand::PackageVersionReq(_) => {
            d = message(py, "PackageVersionReq")?;
        }
        DownlinkCommand::McGroupStatusReq(c) => {
            d = message(py, "McGroupStatusReq")?;
            d.set_item("req_group_mask", mask_list(py, c.req_group_mask.bits())?)?;
        }
        DownlinkCommand::McGroupSetupReq(c) => {
            d = message(py, "McGroupSetupReq")?;
            d.set_item("mc_group_id", c.mc_group_id.get())?;
            d.set_item("mc_addr", c.mc_addr.value())?;
            d.set_item(
                "mc_key_encrypted",
                py_bytes(py, c.mc_key_encrypted.as_wire_bytes()),
            )?;
            d.set_item("min_mc_fcnt", c.min_mc_fcnt)?;
            d.set_item("max_mc_fcnt", c.max_mc_fcnt)?;
        }
        DownlinkCommand::McGroupDeleteReq(c) => {
            d = message(py, "McGroupDeleteReq")?;
            d.set_item("mc_group_id", c.mc_group_id.get())?;
        }
        DownlinkCommand::McClassCSessionReq(c) => {
            d = message(py, "McClassCSessionReq")?;
            d.set_item("mc_group_id", c.mc_group_id.get())?;
            d.set_item("session_time", c.session_time.get())?;
            d.set_item("time_out", c.time_out.exponent())?;
            d.set_item("dl_freq_hz", c.dl_frequency.hz())?;
            d.set_item("dr", c.dr)?;
        }
        DownlinkCommand::McClassBSessionReq(c) => {
            d = message(py, "McClassBSessionReq")?;
            d.set_item("mc_group_id", c.mc_group_id.get())?;
            d.set_item("session_time", c.session_time.get())?;
            d.set_item("time_out", c.time_out.exponent())?;
            d.set_item("periodicity", c.periodicity.get())?;
            d.set_item("dl_freq_hz", c.dl_frequency.hz())?;
            d.set_item("dr", c.dr)?;
        }
    }
    Ok(d)
}

/// The fields both session answers share.
struct SessionAns {
    mc_group_id: McGroupId,
    dr_error: bool,
    freq_error: bool,
    mc_group_undefined: bool,
    start_missed: bool,
    time_to_start: Option<TimeToStart>,
}

fn session_ans_dict<'py>(
    py: Python<'py>,
    name: &str,
    a: SessionAns,
) -> PyResult<Bound<'py, PyDict>> {
    let d = message(py, name)?;
    d.set_item("mc_group_id", a.mc_group_id.get())?;
    d.set_item("dr_error", a.dr_error)?;
    d.set_item("freq_error", a.freq_error)?;
    d.set_item("mc_group_undefined", a.mc_group_undefined)?;
    d.set_item("start_missed", a.start_missed)?;
    d.set_item("time_to_start", a.time_to_start.map(TimeToStart::get))?;
    Ok(d)
}

fn uplink_dict<'py>(py: Python<'py>, cmd: &UplinkCommand) -> PyResult<Bound<'py, PyDict>> {
    let d;
    match *cmd {
        UplinkCommand::PackageVersionAns(c) => {
            d = message(py, "PackageVersionAns")?;
            d.set_item("package_identifier", c.package_identifier)?;
            d.set_item("package_version", c.package_version)?;
        }
        UplinkCommand::McGroupStatusAns(c) => {
            d = message(py, "McGroupStatusAns")?;
            d.set_item("nb_total_groups", c.nb_total_groups)?;
            let groups = c.groups.map(|a| a.map(McAddr::value));
            d.set_item("groups", PyList::new(py, groups)?)?;
        }
        UplinkCommand::McGroupSetupAns(c) => {
            d = message(py, "McGroupSetupAns")?;
            d.set_item("mc_group_id", c.mc_group_id.get())?;
            d.set_item("id_error", c.id_error)?;
        }
        UplinkCommand::McGroupDeleteAns(c) => {
            d = message(py, "McGroupDeleteAns")?;
            d.set_item("mc_group_id", c.mc_group_id.get())?;
            d.set_item("mc_group_undefined", c.mc_group_undefined)?;
        }
        UplinkCommand::McClassCSessionAns(c) => {
            d = session_ans_dict(
                py,
                "McClassCSessionAns",
                SessionAns {
                    mc_group_id: c.mc_group_id,
                    dr_error: c.dr_error,
                    freq_error: c.freq_error,
                    mc_group_undefined: c.mc_group_undefined,
                    start_missed: c.start_missed,
                    time_to_start: c.time_to_start,
                },
            )?;
        }
        UplinkCommand::McClassBSessionAns(c) => {
            d = session_ans_dict(
                py,
                "McClassBSessionAns",
                SessionAns {
                    mc_group_id: c.mc_group_id,
                    dr_error: c.dr_error,
                    freq_error: c.freq_error,
                    mc_group_undefined: c.mc_group_undefined,
                    start_missed: c.start_missed,
                    time_to_start: c.time_to_start,
                },
            )?;
        }
    }
    Ok(d)
}

/// Builds one TS005 command from a dict shaped like `ts005_parse`'s (the direction follows
/// from `"command"`). Raises `ParameterError` naming the field for a missing, unexpected or
/// out-of-range one.
#[pyfunction]
fn ts005_build<'py>(py: Python<'py>, message: &Bound<'py, PyAny>) -> PyResult<Bound<'py, PyBytes>> {
    let mut f = Fields::open(message, "TS005")?;
    let wire = build(&mut f)?;
    f.finish()?;
    Ok(PyBytes::new(py, &wire))
}

fn group_id(f: &mut Fields<'_>) -> PyResult<McGroupId> {
    let v = f.int::<u8>("mc_group_id")?;
    McGroupId::new(v).map_err(|e| f.field_error("mc_group_id", e))
}

fn time_out(f: &mut Fields<'_>) -> PyResult<TimeoutExponent> {
    let v = f.int::<u8>("time_out")?;
    TimeoutExponent::new(v).map_err(|e| f.field_error("time_out", e))
}

fn frequency(f: &mut Fields<'_>) -> PyResult<DlFrequency> {
    let v = f.int::<u32>("dl_freq_hz")?;
    DlFrequency::from_hz(v).map_err(|e| f.field_error("dl_freq_hz", e))
}

fn session_ans(f: &mut Fields<'_>) -> PyResult<SessionAns> {
    let mc_group_id = group_id(f)?;
    let dr_error = f.flag("dr_error")?;
    let freq_error = f.flag("freq_error")?;
    let mc_group_undefined = f.flag("mc_group_undefined")?;
    let start_missed = f.flag("start_missed")?;
    let time_to_start = match f.opt_int::<u32>("time_to_start")? {
        Some(t) => Some(TimeToStart::new(t).map_err(|e| f.field_error("time_to_start", e))?),
        None => None,
    };
    Ok(SessionAns {
        mc_group_id,
        dr_error,
        freq_error,
        mc_group_undefined,
        start_missed,
        time_to_start,
    })
}

enum Built {
    Down(DownlinkCommand),
    Up(UplinkCommand),
}

fn build(f: &mut Fields<'_>) -> PyResult<Vec<u8>> {
    let cmd = match f.command() {
        "PackageVersionReq" => Built::Down(DownlinkCommand::PackageVersionReq(PackageVersionReq)),
        "McGroupStatusReq" => {
            let bits = f.mask("req_group_mask")?;
            let req_group_mask =
                McGroupMask::new(bits).map_err(|e| f.field_error("req_group_mask", e))?;
            Built::Down(DownlinkCommand::McGroupStatusReq(McGroupStatusReq {
                req_group_mask,
            }))
        }
        "McGroupSetupReq" => Built::Down(DownlinkCommand::McGroupSetupReq(McGroupSetupReq {
            mc_group_id: group_id(f)?,
            mc_addr: McAddr::from_value(f.int("mc_addr")?),
            mc_key_encrypted: McKeyEncrypted::from_wire_bytes(f.array::<16>("mc_key_encrypted")?),
            min_mc_fcnt: f.int("min_mc_fcnt")?,
            max_mc_fcnt: f.int("max_mc_fcnt")?,
        })),
        "McGroupDeleteReq" => Built::Down(DownlinkCommand::McGroupDeleteReq(McGroupDeleteReq {
            mc_group_id: group_id(f)?,
        })),
        "McClassCSessionReq" => {
            Built::Down(DownlinkCommand::McClassCSessionReq(McClassCSessionReq {
                mc_group_id: group_id(f)?,
                session_time: GpsSeconds32::new(f.int("session_time")?),
                time_out: time_out(f)?,
                dl_frequency: frequency(f)?,
                dr: f.int("dr")?,
            }))
        }
        "McClassBSessionReq" => {
            let mc_group_id = group_id(f)?;
            let session_time = GpsSeconds32::new(f.int("session_time")?);
            let time_out = time_out(f)?;
            let k = f.int::<u8>("periodicity")?;
            let periodicity =
                PingSlotPeriodicity::new(k).map_err(|e| f.field_error("periodicity", e))?;
            Built::Down(DownlinkCommand::McClassBSessionReq(McClassBSessionReq {
                mc_group_id,
                session_time,
                time_out,
                periodicity,
                dl_frequency: frequency(f)?,
                dr: f.int("dr")?,
            }))
        }
        "PackageVersionAns" => Built::Up(UplinkCommand::PackageVersionAns(PackageVersionAns {
            package_identifier: f.int("package_identifier")?,
            package_version: f.int("package_version")?,
        })),
        "McGroupStatusAns" => {
            let nb_total_groups = f.int("nb_total_groups")?;
            let groups = f
                .per_group_opt_int::<u32>("groups")?
                .map(|a| a.map(McAddr::from_value));
            Built::Up(UplinkCommand::McGroupStatusAns(McGroupStatusAns {
                nb_total_groups,
                groups,
            }))
        }
        "McGroupSetupAns" => Built::Up(UplinkCommand::McGroupSetupAns(McGroupSetupAns {
            mc_group_id: group_id(f)?,
            id_error: f.flag("id_error")?,
        })),
        "McGroupDeleteAns" => Built::Up(UplinkCommand::McGroupDeleteAns(McGroupDeleteAns {
            mc_group_id: group_id(f)?,
            mc_group_undefined: f.flag("mc_group_undefined")?,
        })),
        "McClassCSessionAns" => {
            let a = session_ans(f)?;
            Built::Up(UplinkCommand::McClassCSessionAns(McClassCSessionAns {
                mc_group_id: a.mc_group_id,
                dr_error: a.dr_error,
                freq_error: a.freq_error,
                mc_group_undefined: a.mc_group_undefined,
                start_missed: a.start_missed,
                time_to_start: a.time_to_start,
            }))
        }
        "McClassBSessionAns" => {
            let a = session_ans(f)?;
            Built::Up(UplinkCommand::McClassBSessionAns(McClassBSessionAns {
                mc_group_id: a.mc_group_id,
                dr_error: a.dr_error,
                freq_error: a.freq_error,
                mc_group_undefined: a.mc_group_undefined,
                start_missed: a.start_missed,
                time_to_start: a.time_to_start,
            }))
        }
        other => {
            return Err(parameter(format!(
                "unknown TS005 command {other:?}; expected one of PackageVersionReq, \
                 McGroupStatusReq, McGroupSetupReq, McGroupDeleteReq, McClassCSessionReq, \
                 McClassBSessionReq (downlink), PackageVersionAns, McGroupStatusAns, \
                 McGroupSetupAns, McGroupDeleteAns, McClassCSessionAns, McClassBSessionAns \
                 (uplink)"
            )));
        }
    };
    let built = match &cmd {
        Built::Down(c) => build_with(MAX_COMMAND_LEN, |b| c.build_into(b)),
        Built::Up(c) => build_with(MAX_COMMAND_LEN, |b| c.build_into(b)),
    };
    built.map_err(|e| match e {
        ts005::Error::TimeToStartMismatch { .. } => f.field_error(
            "time_to_start",
            "must be an int exactly when no status flag is set, else None",
        ),
        ts005::Error::InvalidNbTotalGroups(_) => f.field_error("nb_total_groups", e),
        _ => f.error(e),
    })
}

/// McRootKey from a device's root key: `kind="gen_app_key"` for a LoRaWAN 1.0.x GenAppKey
/// (AES-encrypt of 0x00 | 0^15), `kind="app_key"` for a LoRaWAN 1.1 AppKey (0x20 | 0^15).
#[pyfunction]
#[pyo3(signature = (app_key, *, kind))]
fn ts005_mc_root_key<'py>(
    py: Python<'py>,
    app_key: &Bound<'py, PyAny>,
    kind: &str,
) -> PyResult<Bound<'py, PyBytes>> {
    let kind = match kind {
        "gen_app_key" => RootKeyKind::GenAppKey,
        "app_key" => RootKeyKind::AppKey,
        other => {
            return Err(parameter(format!(
                "kind={other:?}: expected \"gen_app_key\" (LoRaWAN 1.0.x GenAppKey) or \
                 \"app_key\" (LoRaWAN 1.1 AppKey)"
            )));
        }
    };
    let root = AppRootKey::from_bytes(key_value(app_key, "app_key")?);
    Ok(PyBytes::new(
        py,
        ts005::mc_root_key(&root, kind).expose_secret(),
    ))
}

/// McKEKey = AES-encrypt(McRootKey, 0^16).
#[pyfunction]
fn ts005_mc_ke_key<'py>(
    py: Python<'py>,
    mc_root_key: &Bound<'py, PyAny>,
) -> PyResult<Bound<'py, PyBytes>> {
    let root = McRootKey::from_bytes(key_value(mc_root_key, "mc_root_key")?);
    Ok(PyBytes::new(py, ts005::mc_ke_key(&root).expose_secret()))
}

/// Server side: McKey_encrypted for McGroupSetupReq, AES-*decrypt*(McKEKey, McKey).
#[pyfunction]
fn ts005_encrypt_mc_key<'py>(
    py: Python<'py>,
    mc_ke_key: &Bound<'py, PyAny>,
    mc_key: &Bound<'py, PyAny>,
) -> PyResult<Bound<'py, PyBytes>> {
    let ke = McKEKey::from_bytes(key_value(mc_ke_key, "mc_ke_key")?);
    let key = McKey::from_bytes(key_value(mc_key, "mc_key")?);
    Ok(PyBytes::new(
        py,
        ts005::encrypt_mc_key(&ke, &key).as_wire_bytes(),
    ))
}

/// Device side: McKey from McKey_encrypted, AES-*encrypt*(McKEKey, McKey_encrypted).
#[pyfunction]
fn ts005_decrypt_mc_key<'py>(
    py: Python<'py>,
    mc_ke_key: &Bound<'py, PyAny>,
    encrypted: &Bound<'py, PyAny>,
) -> PyResult<Bound<'py, PyBytes>> {
    let ke = McKEKey::from_bytes(key_value(mc_ke_key, "mc_ke_key")?);
    let enc = McKeyEncrypted::from_wire_bytes(key_value(encrypted, "encrypted")?);
    Ok(PyBytes::new(
        py,
        ts005::decrypt_mc_key(&ke, &enc).expose_secret(),
    ))
}

/// The group's session keys `(McAppSKey, McNwkSKey)` from McKey and McAddr (the address as
/// displayed, e.g. `0x01020304`; it enters the derivation little-endian).
#[pyfunction]
fn ts005_mc_session_keys<'py>(
    py: Python<'py>,
    mc_key: &Bound<'py, PyAny>,
    mc_addr: &Bound<'py, PyAny>,
) -> PyResult<(Bound<'py, PyBytes>, Bound<'py, PyBytes>)> {
    let key = McKey::from_bytes(key_value(mc_key, "mc_key")?);
    let addr = McAddr::from_value(int_value::<u32>(mc_addr, "mc_addr")?);
    let app = ts005::mc_app_s_key(&key, addr);
    let nwk = ts005::mc_nwk_s_key(&key, addr);
    Ok((
        PyBytes::new(py, app.expose_secret()),
        PyBytes::new(py, nwk.expose_secret()),
    ))
}
