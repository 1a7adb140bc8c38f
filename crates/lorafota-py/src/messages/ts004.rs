//! TS004 Fragmented Data Block Transport messages (FPort 201) and the v2 data-block MIC.

use lorafota_core::ts004::{
    self, AppRootKey, BlockAckDelay, DataBlockIntKey, DataFragment, Descriptor, DownlinkCommand,
    FragAlgo, FragCounter, FragDataBlockReceivedAns, FragDataBlockReceivedReq, FragIndex,
    FragSessionDeleteAns, FragSessionDeleteReq, FragSessionSetupAns, FragSessionSetupReq,
    FragSessionStatusAnsV1, FragSessionStatusAnsV2, FragSessionStatusReq, MAX_FIXED_COMMAND_LEN,
    McGroupBitMask, PackageVersionAns, PackageVersionReq, SessionProgress, SetupReqV2Fields,
    Ts004Version, UplinkCommand,
};
use pyo3::prelude::*;
use pyo3::types::{PyBytes, PyDict, PyList};

use super::{Fields, array_value, build_with, key_value, mask_list, message, py_bytes};
use crate::errors::parameter;

pub(super) fn register(m: &Bound<'_, PyModule>) -> PyResult<()> {
    m.add_function(wrap_pyfunction!(ts004_parse, m)?)?;
    m.add_function(wrap_pyfunction!(ts004_build, m)?)?;
    m.add_function(wrap_pyfunction!(ts004_data_block_int_key, m)?)?;
    m.add_function(wrap_pyfunction!(ts004_data_block_mic, m)?)?;
    m.add("TS004_DEFAULT_FPORT", ts004::DEFAULT_FPORT)?;
    m.add("TS004_PACKAGE_IDENTIFIER", ts004::PACKAGE_IDENTIFIER)?;
    Ok(())
}

/// Parses a `ts004=` argument ("v1", "v2", "v2-spec").
fn version(name: &str) -> PyResult<Ts004Version> {
    name.parse()
        .map_err(|e| parameter(format!("ts004={name:?}: {e}")))
}

fn index(f: &mut Fields<'_>, key: &'static str) -> PyResult<FragIndex> {
    let v = f.int::<u8>(key)?;
    FragIndex::new(v).map_err(|e| f.field_error(key, e))
}

/// Parses every TS004 command of an FPort payload (FPort 201 by default).
///
/// `uplink=False` reads server -> device commands, `uplink=True` device -> server answers;
/// `ts004` ("v1", "v2", "v2-spec") picks the layouts. Returns one dict per command
/// (`"command"` plus the fields, see `lorafota.ts004`); raises `ParseError` at the first
/// command that does not parse.
#[pyfunction]
#[pyo3(signature = (data, *, uplink = false, ts004 = "v1"))]
fn ts004_parse<'py>(
    py: Python<'py>,
    data: &Bound<'py, PyAny>,
    uplink: bool,
    ts004: &str,
) -> PyResult<Bound<'py, PyList>> {
    let v = version(ts004)?;
    let data = super::payload_arg(data)?;
    if uplink {
        super::dicts(py, ts004::parse_uplink(v, &data), |py, c| {
            uplink_dict(py, c, v)
        })
    } else {
        super::dicts(py, ts004::parse_downlink(v, &data), downlink_dict)
    }
}

fn downlink_dict<'py>(py: Python<'py>, cmd: &DownlinkCommand<'_>) -> PyResult<Bound<'py, PyDict>> {
    let d;
    match cmd {
        DownlinkCommand::PackageVersionReq(_) => {
            d = message(py, "PackageVersionReq")?;
        }
        DownlinkCommand::FragSessionStatusReq(c) => {
            d = message(py, "FragSessionStatusReq")?;
            d.set_item("frag_index", c.frag_index.get())?;
            d.set_item("participants", c.participants)?;
        }
        DownlinkCommand::FragSessionSetupReq(c) => {
            d = message(py, "FragSessionSetupReq")?;
            d.set_item("frag_index", c.frag_index.get())?;
            d.set_item(
                "mc_group_bit_mask",
                mask_list(py, c.mc_group_bit_mask.bits())?,
            )?;
            d.set_item("nb_frag", c.nb_frag)?;
            d.set_item("frag_size", c.frag_size)?;
            d.set_item("frag_algo", c.frag_algo.get())?;
            d.set_item("block_ack_delay", c.block_ack_delay.exponent())?;
            d.set_item("padding", c.padding)?;
            d.set_item("descriptor", py_bytes(py, c.descriptor.as_wire_bytes()))?;
            if let Some(v2) = c.v2 {
                d.set_item("ack_reception", v2.ack_reception)?;
                d.set_item("session_cnt", v2.session_cnt)?;
                d.set_item("mic", py_bytes(py, &v2.mic))?;
            }
        }
        DownlinkCommand::FragSessionDeleteReq(c) => {
            d = message(py, "FragSessionDeleteReq")?;
            d.set_item("frag_index", c.frag_index.get())?;
        }
        DownlinkCommand::FragDataBlockReceivedAns(c) => {
            d = message(py, "FragDataBlockReceivedAns")?;
            d.set_item("frag_index", c.frag_index.get())?;
        }
        DownlinkCommand::DataFragment(c) => {
            d = message(py, "DataFragment")?;
            d.set_item("frag_index", c.frag_index.get())?;
            d.set_item("counter", c.counter.get())?;
            d.set_item("payload", py_bytes(py, c.payload))?;
        }
    }
    Ok(d)
}

fn set_progress(d: &Bound<'_, PyDict>, p: Option<SessionProgress>) -> PyResult<()> {
    d.set_item("frag_index", p.map(|p| p.frag_index.get()))?;
    d.set_item("nb_frag_received", p.map(|p| p.nb_frag_received))?;
    d.set_item("missing_frag", p.map(|p| p.missing_frag))?;
    Ok(())
}

fn uplink_dict<'py>(
    py: Python<'py>,
    cmd: &UplinkCommand,
    v: Ts004Version,
) -> PyResult<Bound<'py, PyDict>> {
    let d;
    match cmd {
        UplinkCommand::PackageVersionAns(c) => {
            d = message(py, "PackageVersionAns")?;
            d.set_item("package_identifier", c.package_identifier)?;
            d.set_item("package_version", c.package_version)?;
        }
        UplinkCommand::FragSessionStatusAnsV1(c) => {
            d = message(py, "FragSessionStatusAns")?;
            set_progress(&d, Some(c.progress))?;
            d.set_item("not_enough_matrix_memory", c.memory_error)?;
        }
        UplinkCommand::FragSessionStatusAnsV2(c) => {
            d = message(py, "FragSessionStatusAns")?;
            set_progress(&d, c.progress)?;
            d.set_item("not_enough_matrix_memory", c.memory_error)?;
            d.set_item("mic_error", c.mic_error)?;
            d.set_item("session_does_not_exist", c.session_does_not_exist)?;
        }
        UplinkCommand::FragSessionSetupAns(c) => {
            d = message(py, "FragSessionSetupAns")?;
            d.set_item("frag_index", c.frag_index.get())?;
            d.set_item("encoding_unsupported", c.frag_algo_unsupported)?;
            d.set_item("not_enough_memory", c.not_enough_memory)?;
            d.set_item("frag_index_unsupported", c.frag_index_unsupported)?;
            d.set_item("wrong_descriptor", c.wrong_descriptor)?;
            if v.is_v2() {
                d.set_item("session_cnt_replay", c.session_cnt_replay)?;
            }
        }
        UplinkCommand::FragSessionDeleteAns(c) => {
            d = message(py, "FragSessionDeleteAns")?;
            d.set_item("frag_index", c.frag_index.get())?;
            d.set_item("session_does_not_exist", c.session_does_not_exist)?;
        }
        UplinkCommand::FragDataBlockReceivedReq(c) => {
            d = message(py, "FragDataBlockReceivedReq")?;
            d.set_item("frag_index", c.frag_index.get())?;
            d.set_item("mic_error", c.mic_error)?;
        }
    }
    Ok(d)
}

/// Builds one TS004 command from a dict shaped like `ts004_parse`'s (the direction follows
/// from `"command"`).
///
/// Raises `ParameterError` naming the field for a missing, unexpected or out-of-range one,
/// and for a v2-only command or field under `ts004="v1"`.
#[pyfunction]
#[pyo3(signature = (message, *, ts004 = "v1"))]
fn ts004_build<'py>(
    py: Python<'py>,
    message: &Bound<'py, PyAny>,
    ts004: &str,
) -> PyResult<Bound<'py, PyBytes>> {
    let v = version(ts004)?;
    let mut f = Fields::open(message, &format!("TS004 {}", v.name()))?;
    let wire = build(&mut f, v)?;
    f.finish()?;
    Ok(PyBytes::new(py, &wire))
}

enum Built<'a> {
    Down(DownlinkCommand<'a>),
    Up(UplinkCommand),
}

fn build(f: &mut Fields<'_>, v: Ts004Version) -> PyResult<Vec<u8>> {
    let v2_only = |f: &Fields<'_>| {
        if v.is_v2() {
            Ok(())
        } else {
            Err(f.error("a TS004 v2 command, not in v1 (pass ts004=\"v2\")"))
        }
    };
    // The DataFragment payload is borrowed for the build.
    let payload;
    let cmd = match f.command() {
        "PackageVersionReq" => Built::Down(DownlinkCommand::PackageVersionReq(PackageVersionReq)),
        "FragSessionStatusReq" => Built::Down(DownlinkCommand::FragSessionStatusReq(
            FragSessionStatusReq {
                frag_index: index(f, "frag_index")?,
                participants: f.flag("participants")?,
            },
        )),
        "FragSessionSetupReq" => {
            let frag_index = index(f, "frag_index")?;
            let mask = f.mask("mc_group_bit_mask")?;
            let mc_group_bit_mask =
                McGroupBitMask::new(mask).map_err(|e| f.field_error("mc_group_bit_mask", e))?;
            let nb_frag = f.int("nb_frag")?;
            let frag_size = f.int("frag_size")?;
            let algo = f.int("frag_algo")?;
            let frag_algo = FragAlgo::new(algo).map_err(|e| f.field_error("frag_algo", e))?;
            let delay = f.int("block_ack_delay")?;
            let block_ack_delay =
                BlockAckDelay::new(delay).map_err(|e| f.field_error("block_ack_delay", e))?;
            let padding = f.int("padding")?;
            let descriptor = Descriptor::from_wire_bytes(f.array::<4>("descriptor")?);
            let v2 = if v.is_v2() {
                Some(SetupReqV2Fields {
                    ack_reception: f.flag("ack_reception")?,
                    session_cnt: f.int("session_cnt")?,
                    mic: f.array::<4>("mic")?,
                })
            } else {
                None
            };
            Built::Down(DownlinkCommand::FragSessionSetupReq(FragSessionSetupReq {
                frag_index,
                mc_group_bit_mask,
                nb_frag,
                frag_size,
                frag_algo,
                block_ack_delay,
                padding,
                descriptor,
                v2,
            }))
        }
        "FragSessionDeleteReq" => Built::Down(DownlinkCommand::FragSessionDeleteReq(
            FragSessionDeleteReq {
                frag_index: index(f, "frag_index")?,
            },
        )),
        "FragDataBlockReceivedAns" => {
            v2_only(f)?;
            Built::Down(DownlinkCommand::FragDataBlockReceivedAns(
                FragDataBlockReceivedAns {
                    frag_index: index(f, "frag_index")?,
                },
            ))
        }
        "DataFragment" => {
            let frag_index = index(f, "frag_index")?;
            let n = f.int("counter")?;
            let counter = FragCounter::new(n).map_err(|e| f.field_error("counter", e))?;
            payload = f.bytes("payload")?;
            Built::Down(DownlinkCommand::DataFragment(DataFragment {
                frag_index,
                counter,
                payload: &payload,
            }))
        }
        "PackageVersionAns" => Built::Up(UplinkCommand::PackageVersionAns(PackageVersionAns {
            package_identifier: f.int("package_identifier")?,
            package_version: f.int("package_version")?,
        })),
        "FragSessionStatusAns" if v.is_v2() => {
            let progress = opt_progress(f)?;
            Built::Up(UplinkCommand::FragSessionStatusAnsV2(
                FragSessionStatusAnsV2 {
                    memory_error: f.flag("not_enough_matrix_memory")?,
                    mic_error: f.flag("mic_error")?,
                    session_does_not_exist: f.flag("session_does_not_exist")?,
                    progress,
                },
            ))
        }
        "FragSessionStatusAns" => {
            let frag_index = index(f, "frag_index")?;
            let progress = SessionProgress {
                frag_index,
                nb_frag_received: f.int("nb_frag_received")?,
                missing_frag: f.int("missing_frag")?,
            };
            Built::Up(UplinkCommand::FragSessionStatusAnsV1(
                FragSessionStatusAnsV1 {
                    progress,
                    memory_error: f.flag("not_enough_matrix_memory")?,
                },
            ))
        }
        "FragSessionSetupAns" => {
            let frag_index = index(f, "frag_index")?;
            let mut ans = FragSessionSetupAns {
                frag_index,
                frag_algo_unsupported: f.flag("encoding_unsupported")?,
                not_enough_memory: f.flag("not_enough_memory")?,
                frag_index_unsupported: f.flag("frag_index_unsupported")?,
                wrong_descriptor: f.flag("wrong_descriptor")?,
                session_cnt_replay: false,
            };
            if v.is_v2() {
                ans.session_cnt_replay = f.flag("session_cnt_replay")?;
            }
            Built::Up(UplinkCommand::FragSessionSetupAns(ans))
        }
        "FragSessionDeleteAns" => {
            Built::Up(UplinkCommand::FragSessionDeleteAns(FragSessionDeleteAns {
                frag_index: index(f, "frag_index")?,
                session_does_not_exist: f.flag("session_does_not_exist")?,
            }))
        }
        "FragDataBlockReceivedReq" => {
            v2_only(f)?;
            Built::Up(UplinkCommand::FragDataBlockReceivedReq(
                FragDataBlockReceivedReq {
                    frag_index: index(f, "frag_index")?,
                    mic_error: f.flag("mic_error")?,
                },
            ))
        }
        other => {
            return Err(parameter(format!(
                "unknown TS004 command {other:?}; expected one of PackageVersionReq, \
                 FragSessionStatusReq, FragSessionSetupReq, FragSessionDeleteReq, \
                 FragDataBlockReceivedAns, DataFragment (downlink), PackageVersionAns, \
                 FragSessionStatusAns, FragSessionSetupAns, FragSessionDeleteAns, \
                 FragDataBlockReceivedReq (uplink)"
            )));
        }
    };
    let built = match &cmd {
        Built::Down(c @ DownlinkCommand::DataFragment(d)) => {
            build_with(3 + d.payload.len(), |b| c.build_into(b))
        }
        Built::Down(c) => build_with(MAX_FIXED_COMMAND_LEN, |b| c.build_into(b)),
        Built::Up(c) => build_with(MAX_FIXED_COMMAND_LEN, |b| c.build_into(b)),
    };
    built.map_err(|e| match e {
        ts004::Error::CounterOutOfRange(_) => f.field_error("nb_frag_received", e),
        ts004::Error::MissingSessionProgress => f.error(format!(
            "{e} (give frag_index, nb_frag_received and missing_frag)"
        )),
        _ => f.error(e),
    })
}

/// The v2 StatusAns progress: all three fields, or none of them (absent or `None`).
fn opt_progress(f: &mut Fields<'_>) -> PyResult<Option<SessionProgress>> {
    let frag_index = f.opt_int::<u8>("frag_index")?;
    let nb_frag_received = f.opt_int::<u16>("nb_frag_received")?;
    let missing_frag = f.opt_int::<u8>("missing_frag")?;
    match (frag_index, nb_frag_received, missing_frag) {
        (None, None, None) => Ok(None),
        (Some(i), Some(nb_frag_received), Some(missing_frag)) => Ok(Some(SessionProgress {
            frag_index: FragIndex::new(i).map_err(|e| f.field_error("frag_index", e))?,
            nb_frag_received,
            missing_frag,
        })),
        _ => Err(f.error(
            "frag_index, nb_frag_received and missing_frag are given together or not at all",
        )),
    }
}

/// DataBlockIntKey = AES128-encrypt(root key, 0x30 | 0^15), the key of the TS004 v2 data-block
/// MIC. `root_key` is GenAppKey (LoRaWAN 1.0.x) or AppKey (1.1), 16 bytes.
#[pyfunction]
fn ts004_data_block_int_key<'py>(
    py: Python<'py>,
    root_key: &Bound<'py, PyAny>,
) -> PyResult<Bound<'py, PyBytes>> {
    let root = AppRootKey::from_bytes(key_value(root_key, "root_key")?);
    let key = ts004::data_block_int_key(&root);
    Ok(PyBytes::new(py, key.expose_secret()))
}

/// The TS004 v2 FragSessionSetupReq MIC of a data block (without padding): 4 bytes in wire
/// order, ready for the `mic` field.
#[pyfunction]
fn ts004_data_block_mic<'py>(
    py: Python<'py>,
    key: &Bound<'py, PyAny>,
    session_cnt: &Bound<'py, PyAny>,
    frag_index: &Bound<'py, PyAny>,
    descriptor: &Bound<'py, PyAny>,
    block: &Bound<'py, PyAny>,
) -> PyResult<Bound<'py, PyBytes>> {
    let key = DataBlockIntKey::from_bytes(key_value(key, "key")?);
    let session_cnt = super::int_value::<u16>(session_cnt, "session_cnt")?;
    let frag_index = FragIndex::new(super::int_value::<u8>(frag_index, "frag_index")?)
        .map_err(|e| parameter(format!("frag_index: {e}")))?;
    let descriptor = Descriptor::from_wire_bytes(array_value::<4>(descriptor, "descriptor")?);
    let block = super::bytes_value(block, "block")?;
    let mic =
        py.detach(|| ts004::data_block_mic(&key, session_cnt, frag_index, descriptor, &block));
    Ok(PyBytes::new(py, &mic))
}
