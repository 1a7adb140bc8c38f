//! Session planning: how big the fragments are, how much redundancy a fleet needs, how long the
//! session lasts and when it starts.
//!
//! * [`plan_session`]: the planner ([`PlanRequest`] -> [`Plan`]).
//! * [`LossModel`] / [`Channel`]: i.i.d. and bursty (Gilbert-Elliott) loss.
//! * [`simulate_fleet`]: a symbolic TS004 decode of every device of a simulated fleet, giving
//!   the share of devices that complete for every redundancy at once.

mod channel;
#[cfg(feature = "json")]
mod json;
mod session;
mod sim;

pub use channel::{Channel, LossModel, LossModelError};
#[cfg(feature = "json")]
pub use json::plan_json;
pub use session::{
    DataRateChoice, Fleet, Pacing, Plan, PlanError, PlanRequest, RedundancyChoice, Schedule,
    SessionTimes, class_c_exponent_for, plan_session, transfer_duration,
};
pub use sim::{DeviceOutcome, FleetOutcome, SimDevice, simulate_fleet};
