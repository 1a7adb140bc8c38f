//! The regional tables as JSON (feature `json`): one shape for the CLI and the Python package.

use alloc::string::ToString as _;
use alloc::vec::Vec;

use serde_json::{Map, Value, json};

use super::{
    Channel, ClassBChannel, DataRateInfo, DutyCycleRule, Modulation, PayloadLimit, PayloadVariant,
    Region, cn470_rp002,
};

fn channel_json(c: Channel) -> Value {
    json!({ "frequency_hz": c.frequency.get(), "dr": c.dr.index() })
}

fn modulation_json(m: Modulation, obj: &mut Map<String, Value>) {
    match m {
        Modulation::Lora {
            sf,
            bw,
            coding_rate,
        } => {
            obj.insert("modulation".into(), json!("LORA"));
            obj.insert("sf".into(), json!(sf.get()));
            obj.insert("bw_hz".into(), json!(bw.hz().get()));
            obj.insert("coding_rate".into(), json!(coding_rate.to_string()));
        }
        Modulation::Fsk { bitrate_bps } => {
            obj.insert("modulation".into(), json!("FSK"));
            obj.insert("bitrate_bps".into(), json!(bitrate_bps));
        }
        Modulation::LrFhss {
            coding_rate,
            occupied_channel_width,
        } => {
            obj.insert("modulation".into(), json!("LR_FHSS"));
            obj.insert("coding_rate".into(), json!(coding_rate.to_string()));
            obj.insert(
                "occupied_channel_width_hz".into(),
                json!(occupied_channel_width.get()),
            );
        }
    }
}

fn data_rate_json(info: &DataRateInfo) -> Value {
    let mut obj = Map::new();
    obj.insert("dr".into(), json!(info.dr().index()));
    modulation_json(info.modulation(), &mut obj);
    let mut max = Map::new();
    for v in PayloadVariant::ALL {
        match info.payload_limit(v) {
            PayloadLimit::Max(m) => {
                max.insert(v.name().into(), json!({ "M": m.m(), "N": m.n() }));
            }
            PayloadLimit::NotAllowed => {
                max.insert(v.name().into(), json!({ "M": null, "N": null }));
            }
            PayloadLimit::NotListed => {}
        }
    }
    obj.insert("max_payload".into(), Value::Object(max));
    obj.insert(
        "since".into(),
        info.since().map_or(Value::Null, |v| json!(v.to_string())),
    );
    Value::Object(obj)
}

fn class_b_channel_json(c: ClassBChannel) -> Value {
    match c {
        ClassBChannel::Fixed(f) => json!({ "frequency_hz": f.get() }),
        ClassBChannel::Hopping {
            first,
            step,
            channels,
        } => {
            json!({ "hopping": { "first_hz": first.get(), "step_hz": step.get(), "channels": channels } })
        }
    }
}

/// Region `r` as one JSON object: what `lorafota regions NAME --json` prints and Python's
/// `lorafota.region(NAME)` returns (the schema of `shared/vectors/regional`, in our names).
pub fn region_json(r: Region) -> Value {
    let duty_cycle = match r.duty_cycle_rule() {
        DutyCycleRule::None => json!({ "rule": "none" }),
        DutyCycleRule::Uniform(dc) => {
            json!({ "rule": "uniform", "ppm": dc.ppm(), "percent": dc.to_string() })
        }
        DutyCycleRule::CountrySpecific(note) => json!({ "rule": "country_specific", "note": note }),
        DutyCycleRule::SubBands(bands) => json!({
            "rule": "sub_bands",
            "sub_bands": bands.iter().map(|b| json!({
                "name": b.name,
                "min_hz": b.min.get(),
                "max_hz": b.max.get(),
                "ppm": b.duty_cycle.ppm(),
                "percent": b.duty_cycle.to_string(),
            })).collect::<Vec<_>>(),
        }),
    };
    let d = r.rx_delays();
    let mut obj = json!({
        "name": r.name(),
        "rp002_name": r.rp002_name(),
        "frequency_offset_hz": r.frequency_offset_hz(),
        "downlink": r.downlinks().map(data_rate_json).collect::<Vec<_>>(),
        "uplink": r.uplinks().map(data_rate_json).collect::<Vec<_>>(),
        "rx2": r.rx2_default().ok().map(channel_json),
        "class_c_multicast_default": r.class_c_multicast_default().ok().map(channel_json),
        "class_b": r.class_b().ok().map(|b| json!({
            "beacon": class_b_channel_json(b.beacon),
            "beacon_dr": b.beacon_dr.index(),
            "ping_slot": class_b_channel_json(b.ping_slot),
            "ping_slot_dr": b.ping_slot_dr.index(),
        })),
        "rx_delays_s": {
            "rx1": d.rx1.as_secs(),
            "rx2": d.rx2.as_secs(),
            "join_accept1": d.join_accept1.as_secs(),
            "join_accept2": d.join_accept2.as_secs(),
        },
        "duty_cycle": duty_cycle,
        "dwell_time": r.dwell_time().map(|w| json!({
            "uplink_ms": w.uplink.map(|x| x.as_millis() as u64),
            "downlink_ms": w.downlink.map(|x| x.as_millis() as u64),
            "when_signalled": w.when_signalled,
            "note": w.note,
        })),
        "lbt": r.lbt().map(|l| json!({
            "rssi_threshold_dbm": l.rssi_threshold_dbm,
            "carrier_sense_time_ms": l.carrier_sense_time.as_millis() as u64,
            "scan_bandwidth_hz": l.scan_bandwidth.get(),
            "required_in": l.required_in,
        })),
    });
    if r == Region::Cn470
        && let Value::Object(map) = &mut obj
    {
        let c = cn470_rp002();
        map.insert(
            "rp002_plan_dependent".into(),
            json!({
                "rx2_dr": c.rx2_dr.index(),
                "rx2_freq_hz_by_plan": c.rx2_by_plan.iter().map(|p| (p.plan.to_string(),
                    json!(p.frequencies.iter().map(|f| f.get()).collect::<Vec<_>>()))).collect::<Map<_, _>>(),
                "beacon_dr": c.beacon_dr.index(),
                "ping_slot_dr": c.ping_slot_dr.index(),
                "beacon_freq_hz_26MHz_A": c.beacon_26mhz_a.get(),
                "beacon_freq_hz_26MHz_B": c.beacon_26mhz_b.get(),
                "lrwn_legacy_rx2": channel_json(c.lrwn_legacy_rx2),
            }),
        );
    }
    obj
}
