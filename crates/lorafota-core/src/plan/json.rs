//! A session plan as JSON (feature `json`), the one shape of the CLI and the Python package.

use serde_json::{Value, json};

use super::Plan;

/// A plan as one JSON object: what `lorafota plan --json` prints and Python's `lorafota.plan()`
/// reads (times in integer microseconds or seconds, as their names say).
pub fn plan_json(p: &Plan) -> Value {
    json!({
        "region": p.region.name(),
        "dr": p.data_rate.index(),
        "frequency_hz": p.frequency.get(),
        "fragment_size": p.fragment_size,
        "nb_frag": p.nb_frag,
        "padding": p.padding,
        "redundancy": p.redundancy,
        "expected_success": p.expected_success,
        "toa_per_fragment_us": p.toa_per_fragment.as_micros() as u64,
        "airtime_us": p.airtime.as_micros() as u64,
        "duration_s": p.duration.as_secs_f64(),
        "timeout_exponent": p.timeout.exponent(),
        "start_unix": p.times.map(|t| t.start.as_secs()),
        "start_gps": p.times.map(|t| t.start_gps.as_secs()),
        "end_unix": p.times.map(|t| t.end.as_secs()),
    })
}
