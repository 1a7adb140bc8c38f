//! The gateway emulator, run in the background of the Python process.

use std::path::PathBuf;
use std::sync::Mutex;
use std::time::Duration;

use lorafota_core::Eui64;
use lorafota_emulator::config::DeviceSpec;
use lorafota_emulator::{BackgroundEmulator, EmulatorConfig, SimRadio, TlsSetup};
use lorafota_gateway::api::monitor::ApiShape;
use pyo3::prelude::*;

use crate::errors::{Kind, error, parameter};

/// A MultiTech-class gateway emulator serving HTTPS on 127.0.0.1 from its own threads.
#[pyclass(frozen, module = "lorafota._lorafota")]
pub struct EmulatorServer {
    running: Mutex<Option<BackgroundEmulator>>,
    url: String,
    user: String,
    password: String,
    fingerprint: Option<String>,
    cert_pem: Option<String>,
}

fn device_spec(json: &str) -> PyResult<DeviceSpec> {
    serde_json::from_str(json).map_err(|e| parameter(format!("device {json}: {e}")))
}

#[pymethods]
impl EmulatorServer {
    /// `devices` are JSON objects in the emulator's `--devices FILE` format (`deveui`, `loss`,
    /// `burst`, `class`, `answers_setup`, `joined`, `group`, `max_lost`, `outcome`).
    #[new]
    #[pyo3(signature = (devices, *, speed = 1.0, seed = 1, api_shape = "seed", http = false, state_dir = None, port = 0))]
    #[allow(clippy::too_many_arguments)]
    fn new(
        py: Python<'_>,
        devices: Vec<String>,
        speed: f64,
        seed: u64,
        api_shape: &str,
        http: bool,
        state_dir: Option<PathBuf>,
        port: u16,
    ) -> PyResult<Self> {
        if !(speed.is_finite() && speed > 0.0) {
            return Err(parameter(format!(
                "speed={speed}: must be a positive number"
            )));
        }
        let devices = devices
            .iter()
            .map(|d| device_spec(d))
            .collect::<PyResult<Vec<_>>>()?;
        let api_shape = match api_shape {
            "seed" => ApiShape::Seed,
            "openapi" => ApiShape::Openapi,
            other => {
                return Err(parameter(format!(
                    "api_shape={other:?}: expected \"seed\" or \"openapi\""
                )));
            }
        };
        let mut cfg = EmulatorConfig {
            devices,
            clock_speed: speed,
            api_shape,
            state_dir,
            ..Default::default()
        };
        cfg.bind.set_port(port);
        if http {
            cfg.tls = TlsSetup::PlainHttp;
        }
        let emulator = py
            .detach(|| BackgroundEmulator::start(cfg, Box::new(SimRadio::new(seed))))
            .map_err(|e| error(Kind::Emulator, format!("cannot start the emulator: {e}")))?;
        let h = emulator.handle();
        Ok(Self {
            url: h.url().to_owned(),
            user: h.username().to_owned(),
            password: h.password().expose().to_owned(),
            fingerprint: h.fingerprint_hex(),
            cert_pem: h.cert_pem().map(str::to_owned),
            running: Mutex::new(Some(emulator)),
        })
    }

    /// The base URL, e.g. `https://127.0.0.1:40123`.
    #[getter]
    fn url(&self) -> &str {
        &self.url
    }
    /// The admin user name.
    #[getter]
    fn user(&self) -> &str {
        &self.user
    }
    /// The admin password (generated at start).
    #[getter]
    fn password(&self) -> &str {
        &self.password
    }
    /// SHA-256 fingerprint of the certificate, to pin (None over plain HTTP).
    #[getter]
    fn fingerprint(&self) -> Option<&str> {
        self.fingerprint.as_deref()
    }
    /// The certificate in PEM form (None over plain HTTP).
    #[getter]
    fn cert_pem(&self) -> Option<&str> {
        self.cert_pem.as_deref()
    }
    /// Whether it is serving.
    #[getter]
    fn running(&self) -> bool {
        self.running.lock().map(|g| g.is_some()).unwrap_or(false)
    }

    /// Adds devices (JSON objects as for the constructor).
    fn add_devices(&self, devices: Vec<String>) -> PyResult<()> {
        let specs = devices
            .iter()
            .map(|d| device_spec(d))
            .collect::<PyResult<Vec<_>>>()?;
        self.with(|e| e.handle().add_devices(specs))
    }
    /// Adds a multicast group EUI.
    fn add_group(&self, eui: &str) -> PyResult<()> {
        let eui = Eui64::parse(eui).map_err(|e| parameter(format!("{eui:?}: {e}")))?;
        self.with(|e| e.handle().add_group(eui))
    }
    /// Moves the virtual clock forward by `seconds`.
    fn advance_clock(&self, seconds: f64) -> PyResult<()> {
        let d = Duration::try_from_secs_f64(seconds)
            .map_err(|_| parameter(format!("seconds={seconds}: not a duration")))?;
        self.with(|e| e.handle().advance_clock(d))
    }
    /// Sets the virtual clock (Unix milliseconds) and/or its speed.
    #[pyo3(signature = (*, unix_ms = None, speed = None))]
    fn set_clock(&self, unix_ms: Option<i64>, speed: Option<f64>) -> PyResult<()> {
        self.with(|e| e.handle().set_clock(unix_ms, speed))
    }
    /// The virtual clock, Unix milliseconds.
    fn now_ms(&self) -> PyResult<i64> {
        self.with(|e| e.handle().now_ms())
    }
    /// Stops serving and waits (at most `timeout` seconds) for in-flight requests.
    #[pyo3(signature = (timeout = 5.0))]
    fn stop(&self, py: Python<'_>, timeout: f64) {
        let taken = self.running.lock().ok().and_then(|mut g| g.take());
        if let Some(e) = taken {
            let t = Duration::try_from_secs_f64(timeout).unwrap_or(Duration::from_secs(5));
            py.detach(|| e.stop(t));
        }
    }
    fn __repr__(&self) -> String {
        format!(
            "EmulatorServer(url={:?}, running={})",
            self.url,
            if self.running() { "True" } else { "False" }
        )
    }
}

impl EmulatorServer {
    fn with<T>(&self, f: impl FnOnce(&BackgroundEmulator) -> T) -> PyResult<T> {
        let guard = self
            .running
            .lock()
            .map_err(|_| error(Kind::Emulator, "the emulator's lock is poisoned"))?;
        guard
            .as_ref()
            .map(f)
            .ok_or_else(|| error(Kind::Emulator, "the emulator was stopped"))
    }
}

/// Adds the emulator to the module.
pub(crate) fn register(m: &Bound<'_, PyModule>) -> PyResult<()> {
    m.add_class::<EmulatorServer>()?;
    Ok(())
}
