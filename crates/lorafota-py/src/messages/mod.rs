//! TS004/TS005/TS003 wire messages, the TS004 v2 MIC, the TS005 key chain and GPS time.
//!
//! * A message is a Python `dict`: `"command"` (the core's type name, e.g.
//!   `"FragSessionSetupReq"`) and one entry per field, snake_case, named as the shared vectors
//!   name them. Bytes fields are `bytes` (a vector's `descriptor_hex` is `descriptor` here),
//!   bit masks over the four groups are lists of four `bool` (index = group), counts and
//!   exponents are `int`, absent optional values are `None`.
//! * `*_parse` walks a whole FPort payload with the core's iterators and returns every command
//!   or raises `ParseError` at the first bad one; `*_build` reads one dict, refuses a missing,
//!   unexpected or out-of-range field with a `ParameterError` naming it, and returns the bytes.
//! * No protocol logic here: ranges are checked by the core's constructors and `build_into`,
//!   whose error text is passed on with the field name in front.

mod gps;
mod ts003;
mod ts004;
mod ts005;

use pyo3::prelude::*;
use pyo3::pybacked::PyBackedBytes;
use pyo3::types::{PyBool, PyBytes, PyDict, PyInt, PyList, PyMapping, PyString};

use crate::errors::{parameter, parse};

/// Adds the message functions to the module.
pub(crate) fn register(m: &Bound<'_, PyModule>) -> PyResult<()> {
    ts004::register(m)?;
    ts005::register(m)?;
    ts003::register(m)?;
    gps::register(m)?;
    Ok(())
}

/// A short, safe description of a Python value for an error message (never a key: callers
/// only pass field values of messages, not secrets).
fn describe(value: &Bound<'_, PyAny>) -> String {
    let type_name = value
        .get_type()
        .name()
        .map(|n| n.to_string())
        .unwrap_or_else(|_| "?".to_owned());
    match value.repr() {
        Ok(r) => {
            let r = r.to_string();
            if r.chars().count() > 40 {
                let head: String = r.chars().take(32).collect();
                format!("{head}... ({type_name})")
            } else {
                format!("{r} ({type_name})")
            }
        }
        Err(_) => format!("a value of type {type_name}"),
    }
}

/// The items of a list-like value (not a `str` or `bytes`, which iterate too), or `None`.
fn sequence_items<'py>(v: &Bound<'py, PyAny>) -> Option<Vec<Bound<'py, PyAny>>> {
    if v.is_instance_of::<PyString>() || v.is_instance_of::<PyBytes>() {
        return None;
    }
    v.try_iter().ok()?.collect::<PyResult<_>>().ok()
}

/// Integer types a field or argument can be read as, with their bounds for messages.
pub(crate) trait Int: Sized + Copy + TryFrom<i128> {
    /// The smallest value.
    const MIN: i128;
    /// The largest value.
    const MAX: i128;
}

macro_rules! int_bounds {
    ($($t:ty),*) => {$(
        impl Int for $t {
            const MIN: i128 = <$t>::MIN as i128;
            const MAX: i128 = <$t>::MAX as i128;
        }
    )*};
}
int_bounds!(u8, u16, u32, u64, i32);

/// Reads a Python `int` (not a `bool`, not a `float`) into `T`; `what` names it in the error.
pub(crate) fn int_value<T: Int>(value: &Bound<'_, PyAny>, what: &str) -> PyResult<T> {
    let range = || format!("an integer in {}..={}", T::MIN, T::MAX);
    if value.is_instance_of::<PyBool>() {
        return Err(parameter(format!(
            "{what}: expected {}, got {}",
            range(),
            describe(value)
        )));
    }
    let wide: i128 = match value.extract::<i128>() {
        Ok(v) => v,
        Err(_) if value.is_instance_of::<PyInt>() => {
            return Err(parameter(format!(
                "{what}: {} is out of range (expected {})",
                describe(value),
                range()
            )));
        }
        Err(_) => {
            return Err(parameter(format!(
                "{what}: expected {}, got {}",
                range(),
                describe(value)
            )));
        }
    };
    T::try_from(wide).map_err(|_| {
        parameter(format!(
            "{what}: {wide} is out of range (expected {})",
            range()
        ))
    })
}

/// Reads `bytes` or `bytearray`.
pub(crate) fn bytes_value(value: &Bound<'_, PyAny>, what: &str) -> PyResult<PyBackedBytes> {
    value
        .extract::<PyBackedBytes>()
        .map_err(|_| parameter(format!("{what}: expected bytes, got {}", describe(value))))
}

/// Reads exactly `N` bytes (`bytes` or `bytearray`).
pub(crate) fn array_value<const N: usize>(
    value: &Bound<'_, PyAny>,
    what: &str,
) -> PyResult<[u8; N]> {
    let b = bytes_value(value, what)?;
    <[u8; N]>::try_from(&b[..])
        .map_err(|_| parameter(format!("{what}: expected {N} bytes, got {}", b.len())))
}

/// Reads a 16-byte AES key.
pub(crate) fn key_value(value: &Bound<'_, PyAny>, what: &str) -> PyResult<[u8; 16]> {
    if value.extract::<PyBackedBytes>().is_err() {
        return Err(parameter(format!(
            "{what}: expected a 16-byte key as bytes"
        )));
    }
    array_value::<16>(value, what)
}

/// The `data` argument of the parsers: `bytes` or `bytearray`, else a `ParameterError`.
pub(crate) fn payload_arg(data: &Bound<'_, PyAny>) -> PyResult<PyBackedBytes> {
    bytes_value(data, "data")
}

/// Maps a core parse error to `ParseError`.
pub(crate) fn parse_err(e: impl std::fmt::Display) -> PyErr {
    parse(e)
}

/// Every command a core parser yields, as dicts; a `ParseError` at the first bad one.
pub(crate) fn dicts<'py, T, E: std::fmt::Display>(
    py: Python<'py>,
    commands: impl Iterator<Item = Result<T, E>>,
    to_dict: impl Fn(Python<'py>, &T) -> PyResult<Bound<'py, PyDict>>,
) -> PyResult<Bound<'py, PyList>> {
    let out = PyList::empty(py);
    for cmd in commands {
        out.append(to_dict(py, &cmd.map_err(parse_err)?)?)?;
    }
    Ok(out)
}

/// The fields of one message being built: every read is checked and remembered, so that
/// [`Fields::finish`] can refuse the keys nobody read.
pub(crate) struct Fields<'py> {
    command: String,
    context: String,
    map: Bound<'py, PyMapping>,
    read: Vec<&'static str>,
}

impl<'py> Fields<'py> {
    /// Opens `message` (any mapping with a `"command"` str); `package` ("TS004 v1", "TS005"…)
    /// goes in the error messages.
    pub(crate) fn open(message: &Bound<'py, PyAny>, package: &str) -> PyResult<Self> {
        let map = message.cast::<PyMapping>().map_err(|_| {
            parameter(format!(
                "{package} message: expected a mapping (dict) with a \"command\" key, got {}",
                describe(message)
            ))
        })?;
        if !map.contains("command")? {
            return Err(parameter(format!(
                "{package} message: missing field 'command'"
            )));
        }
        let command = map.get_item("command")?;
        let command = command
            .cast::<PyString>()
            .map_err(|_| {
                parameter(format!(
                    "{package} message: field 'command' must be a str, got {}",
                    describe(&command)
                ))
            })?
            .to_str()?
            .to_owned();
        Ok(Self {
            context: format!("{package} {command}"),
            command,
            map: map.clone(),
            read: vec!["command"],
        })
    }

    /// The command name.
    pub(crate) fn command(&self) -> &str {
        &self.command
    }

    /// A `ParameterError` about the command as a whole.
    pub(crate) fn error(&self, message: impl std::fmt::Display) -> PyErr {
        parameter(format!("{}: {message}", self.context))
    }

    /// A `ParameterError` about field `key`.
    pub(crate) fn field_error(&self, key: &str, message: impl std::fmt::Display) -> PyErr {
        parameter(format!("{}: field '{key}': {message}", self.context))
    }

    fn what(&self, key: &str) -> String {
        format!("{}: field '{key}'", self.context)
    }

    /// The value of `key`, or `None` when it is absent.
    fn get(&mut self, key: &'static str) -> PyResult<Option<Bound<'py, PyAny>>> {
        self.read.push(key);
        if self.map.contains(key)? {
            Ok(Some(self.map.get_item(key)?))
        } else {
            Ok(None)
        }
    }

    /// The value of `key`, which must be there.
    fn required(&mut self, key: &'static str) -> PyResult<Bound<'py, PyAny>> {
        self.get(key)?
            .ok_or_else(|| parameter(format!("{}: missing field '{key}'", self.context)))
    }

    /// An integer field.
    pub(crate) fn int<T: Int>(&mut self, key: &'static str) -> PyResult<T> {
        let v = self.required(key)?;
        int_value(&v, &self.what(key))
    }

    /// An integer field that may be `None` or absent.
    pub(crate) fn opt_int<T: Int>(&mut self, key: &'static str) -> PyResult<Option<T>> {
        match self.get(key)? {
            Some(v) if !v.is_none() => int_value(&v, &self.what(key)).map(Some),
            _ => Ok(None),
        }
    }

    /// A `bool` field (a real `bool`: `0`/`1` are refused, so a typo cannot pass silently).
    pub(crate) fn flag(&mut self, key: &'static str) -> PyResult<bool> {
        let v = self.required(key)?;
        if !v.is_instance_of::<PyBool>() {
            return Err(self.field_error(key, format!("expected a bool, got {}", describe(&v))));
        }
        v.extract::<bool>()
            .map_err(|_| self.field_error(key, "expected a bool"))
    }

    /// A bytes field of any length.
    pub(crate) fn bytes(&mut self, key: &'static str) -> PyResult<PyBackedBytes> {
        let v = self.required(key)?;
        bytes_value(&v, &self.what(key))
    }

    /// A bytes field of exactly `N` bytes.
    pub(crate) fn array<const N: usize>(&mut self, key: &'static str) -> PyResult<[u8; N]> {
        let v = self.required(key)?;
        array_value::<N>(&v, &self.what(key))
    }

    /// A 4-group bit mask given as four `bool` (index = group), as the bits of a `u8`.
    pub(crate) fn mask(&mut self, key: &'static str) -> PyResult<u8> {
        let v = self.required(key)?;
        let bad = || {
            self.field_error(
                key,
                format!(
                    "expected a list of 4 bools (index = group), got {}",
                    describe(&v)
                ),
            )
        };
        let items = sequence_items(&v).ok_or_else(bad)?;
        if items.len() != 4 || !items.iter().all(|b| b.is_instance_of::<PyBool>()) {
            return Err(bad());
        }
        let mut bits = 0u8;
        for (i, b) in items.iter().enumerate() {
            if b.is_truthy()? {
                bits |= 1 << i;
            }
        }
        Ok(bits)
    }

    /// A list of four `int | None`, one per group.
    pub(crate) fn per_group_opt_int<T: Int>(
        &mut self,
        key: &'static str,
    ) -> PyResult<[Option<T>; 4]> {
        let v = self.required(key)?;
        let bad = || {
            self.field_error(
                key,
                format!(
                    "expected a list of 4 items (index = group), each an int or None, got {}",
                    describe(&v)
                ),
            )
        };
        let items = sequence_items(&v).ok_or_else(bad)?;
        if items.len() != 4 {
            return Err(bad());
        }
        let mut out = [None; 4];
        for (group, (slot, item)) in out.iter_mut().zip(&items).enumerate() {
            if !item.is_none() {
                *slot = Some(int_value(item, &format!("{}[{group}]", self.what(key)))?);
            }
        }
        Ok(out)
    }

    /// Refuses every key that was not read; call after reading the command's fields.
    pub(crate) fn finish(&self) -> PyResult<()> {
        let keys = self.map.keys()?;
        for key in keys.iter() {
            let name = match key.cast::<PyString>() {
                Ok(s) => s.to_str()?.to_owned(),
                Err(_) => {
                    return Err(
                        self.error(format!("field names must be str, got {}", describe(&key)))
                    );
                }
            };
            if !self.read.contains(&name.as_str()) {
                let expected: Vec<&str> = self.read[1..].to_vec();
                let expected = if expected.is_empty() {
                    "none".to_owned()
                } else {
                    expected.join(", ")
                };
                return Err(self.error(format!(
                    "unexpected field '{name}' (this command has: {expected})"
                )));
            }
        }
        Ok(())
    }
}

/// Builds the dict of one parsed command: `{"command": name, ...}`.
pub(crate) fn message<'py>(py: Python<'py>, command: &str) -> PyResult<Bound<'py, PyDict>> {
    let d = PyDict::new(py);
    d.set_item("command", command)?;
    Ok(d)
}

/// A 4-group bit mask as four `bool`, index = group.
pub(crate) fn mask_list<'py>(py: Python<'py>, bits: u8) -> PyResult<Bound<'py, PyList>> {
    PyList::new(py, (0..4).map(|i| bits & (1 << i) != 0))
}

/// Bytes as Python `bytes`.
pub(crate) fn py_bytes<'py>(py: Python<'py>, b: &[u8]) -> Bound<'py, PyBytes> {
    PyBytes::new(py, b)
}

/// Runs a core `build_into` on a buffer of `len` bytes and returns what it wrote.
pub(crate) fn build_with<E>(
    len: usize,
    build: impl FnOnce(&mut [u8]) -> Result<usize, E>,
) -> Result<Vec<u8>, E> {
    let mut buf = vec![0u8; len];
    let n = build(&mut buf)?;
    buf.truncate(n);
    Ok(buf)
}
