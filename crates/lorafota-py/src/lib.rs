//! The native module `lorafota._lorafota`: thin bindings over lorafota-core, lorafota-gateway
//! and lorafota-emulator. No protocol logic lives here; the Python package (`python/lorafota`)
//! re-exports these under friendlier names and adds the dataclasses and pandas helpers.
//!
//! Every call that does real work (encoding, decoding, planning, waiting on a gateway) runs
//! with the GIL released (`Python::detach`); long waits poll in short slices and check for
//! Ctrl-C between them.

mod codec;
mod emulator;
mod errors;
mod gateway;
mod messages;
mod timing;

use pyo3::prelude::*;

/// Rust allocations of this module go to mimalloc (see Cargo.toml for the measurement).
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

/// The native half of the `lorafota` package.
#[pymodule]
fn _lorafota(m: &Bound<'_, PyModule>) -> PyResult<()> {
    m.add("__version__", env!("CARGO_PKG_VERSION"))?;
    codec::register(m)?;
    timing::register(m)?;
    messages::register(m)?;
    gateway::register(m)?;
    emulator::register(m)?;
    Ok(())
}
