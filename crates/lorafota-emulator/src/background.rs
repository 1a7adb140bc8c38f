//! An emulator on its own runtime, for synchronous callers (the CLI's embedded mode, Python).

use std::time::Duration;

use crate::{Emulator, EmulatorConfig, EmulatorHandle, Radio, StartError};

/// An emulator serving from a private two-thread tokio runtime. Dropping it stops the server
/// and waits for it, so the port and the temporary state directory are released.
#[derive(Debug)]
pub struct BackgroundEmulator {
    // Dropped (stopped) before the runtime it runs on.
    handle: Option<EmulatorHandle>,
    runtime: tokio::runtime::Runtime,
}

impl BackgroundEmulator {
    /// Starts an emulator with `radio`.
    pub fn start(cfg: EmulatorConfig, radio: Box<dyn Radio>) -> Result<Self, StartError> {
        let runtime = tokio::runtime::Builder::new_multi_thread()
            .worker_threads(2)
            .thread_name("lorafota-emulator")
            .enable_all()
            .build()
            .map_err(StartError::Bind)?;
        let handle = runtime.block_on(Emulator::start_with_radio(cfg, radio))?;
        Ok(Self {
            handle: Some(handle),
            runtime,
        })
    }

    /// The running emulator (URL, credentials, certificate, control methods).
    pub fn handle(&self) -> &EmulatorHandle {
        // Only `Drop` takes the handle out.
        self.handle
            .as_ref()
            .unwrap_or_else(|| unreachable!("handle taken before drop"))
    }

    /// Stops the server and waits up to `timeout` for it.
    pub fn stop(mut self, timeout: Duration) {
        self.shutdown(timeout);
    }

    fn shutdown(&mut self, timeout: Duration) {
        if let Some(h) = self.handle.take() {
            let _timed_out = self
                .runtime
                .block_on(async { tokio::time::timeout(timeout, h.stop()).await });
        }
    }
}

impl Drop for BackgroundEmulator {
    fn drop(&mut self) {
        self.shutdown(Duration::from_secs(5));
    }
}
