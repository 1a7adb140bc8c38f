//! Operations of the control surface, shared by `/__emulator/…` and [`crate::EmulatorHandle`].

use std::time::Duration;

use lorafota_core::Eui64;

use crate::config::{DeviceSpec, UserSpec};
use crate::state::{App, FaultRule};

impl App {
    /// Adds (or replaces) device table rows.
    pub fn add_devices(&self, devices: impl IntoIterator<Item = DeviceSpec>) {
        self.with(|inner, _| {
            for d in devices {
                inner.devices.insert(d.deveui, d);
            }
            inner.devices_changed();
        });
    }

    /// Adds a multicast group EUI (for `multicastDeveui`).
    pub fn add_group(&self, eui: Eui64) {
        self.with(|inner, _| {
            inner.groups.insert(eui);
            inner.devices_changed();
        });
    }

    /// Adds (or replaces) an account.
    pub fn add_user(&self, user: UserSpec) {
        self.with(|inner, _| {
            inner.users.insert(user.name.clone(), user);
        });
    }

    /// Steps the virtual clock.
    pub fn advance_clock(&self, d: Duration) {
        self.clock.advance(d);
        // Bring jobs up to date now, so results are persisted without waiting for a request.
        self.with(|_, _| ());
    }

    /// Sets the virtual clock (Unix ms) and/or its speed.
    pub fn set_clock(&self, unix_ms: Option<i64>, speed: Option<f64>) {
        if let Some(t) = unix_ms {
            self.clock.set_ms(t);
        }
        if let Some(s) = speed {
            self.clock.set_speed(s);
        }
        self.with(|_, _| ());
    }

    /// Ends the sessions of `user` (all sessions when `None`), as an inactivity expiry would.
    /// Returns how many ended.
    pub fn expire_sessions(&self, user: Option<&str>) -> usize {
        self.with(|inner, _| {
            let before = inner.sessions.len();
            inner
                .sessions
                .retain(|_, s| user.is_some_and(|u| s.user != u));
            before - inner.sessions.len()
        })
    }

    /// Clears login lockouts.
    pub fn clear_lockouts(&self) {
        self.with(|inner, _| inner.lockouts.clear());
    }

    /// Queues a fault.
    pub fn inject_fault(&self, rule: FaultRule) {
        self.with(|inner, _| inner.faults.push(rule));
    }

    /// Drops all pending faults.
    pub fn clear_faults(&self) {
        self.with(|inner, _| inner.faults.clear());
    }

    /// Starts or stops the (pretend) LoRa network server.
    pub fn set_network_server(&self, running: bool) {
        self.with(|inner, _| inner.network_server_up = running);
    }
}
