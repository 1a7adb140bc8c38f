//! Session planning: how much redundancy a fleet needs, and how its loss behaves.
//!
//! * [`LossModel`] / [`Channel`]: i.i.d. and bursty (Gilbert-Elliott) loss.
//! * [`simulate_fleet`]: a symbolic TS004 decode of every device of a simulated fleet, giving
//!   the share of devices that complete for every redundancy at once.

mod channel;
mod sim;

pub use channel::{Channel, LossModel, LossModelError};
pub use sim::{DeviceOutcome, FleetOutcome, SimDevice, simulate_fleet};
