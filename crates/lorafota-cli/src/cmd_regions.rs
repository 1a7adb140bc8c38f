//! `lorafota regions`.

use std::fmt::Write as _;

use anyhow::{Result, anyhow};
use clap::Args;
use lorafota_core::region::{
    DataRateInfo, Direction, DutyCycleRule, PayloadLimit, PayloadVariant, Region, RegionError,
    cn470_rp002, region_json,
};
use serde_json::Value;

use crate::Outcome;

/// Arguments of `lorafota regions`.
#[derive(Debug, Args)]
pub struct RegionsArgs {
    /// A region: EU868, US915, AU915, AS923 (or AS923-1), AS923-2, AS923-3, AS923-4, IN865,
    /// KR920, CN470, RU864. Without it, a summary of every region.
    name: Option<String>,
    /// Print JSON (the full tables, one object per region).
    #[arg(long)]
    json: bool,
}

pub fn run(args: &RegionsArgs) -> Result<Outcome> {
    let regions: Vec<Region> = match &args.name {
        Some(name) => vec![name.parse().map_err(|e| anyhow!("{name:?}: {e}"))?],
        None => Region::ALL.to_vec(),
    };
    if args.json {
        let objects: Vec<Value> = regions.iter().map(|&r| region_json(r)).collect();
        let out = match (&args.name, objects.as_slice()) {
            (Some(_), [one]) => one.clone(),
            _ => Value::Array(objects),
        };
        emit(&format!("{out}\n"))?;
    } else if args.name.is_some() {
        let text: String = regions.into_iter().map(region_text).collect();
        emit(&text)?;
    } else {
        emit(&summary_text())?;
    }
    Ok(Outcome::Success)
}

/// Writes `text` to standard output. A closed pipe (`| head`) ends the output quietly
/// instead of panicking as `print!` would.
fn emit(text: &str) -> Result<()> {
    use std::io::Write;
    match std::io::stdout().lock().write_all(text.as_bytes()) {
        Err(e) if e.kind() != std::io::ErrorKind::BrokenPipe => Err(e.into()),
        _ => Ok(()),
    }
}

// ---------------------------------------------------------------------------------------------
// Text

fn or_dash<T: std::fmt::Display>(r: Result<T, RegionError>) -> String {
    r.map_or_else(|_| "-".into(), |v| v.to_string())
}

fn duty_cycle_summary(r: Region) -> String {
    match r.duty_cycle_rule() {
        DutyCycleRule::None => "-".into(),
        DutyCycleRule::SubBands(_) => "per sub-band".into(),
        DutyCycleRule::Uniform(dc) => dc.to_string(),
        DutyCycleRule::CountrySpecific(_) => "country specific".into(),
    }
}

fn summary_text() -> String {
    let mut s = String::new();
    let _ = writeln!(
        s,
        "{:<9} {:<16} {:<17} {:<17} {:<17} {:<6} LBT",
        "REGION", "RP002", "RX2", "CLASS C MULTICAST", "DUTY CYCLE", "DWELL"
    );
    for r in Region::ALL {
        let dwell = if r.dwell_time().is_some() {
            "400 ms"
        } else {
            "-"
        };
        let lbt = r
            .lbt()
            .map_or("-".to_string(), |l| format!("{} dBm", l.rssi_threshold_dbm));
        let _ = writeln!(
            s,
            "{:<9} {:<16} {:<17} {:<17} {:<17} {:<6} {lbt}",
            r.name(),
            r.rp002_name(),
            or_dash(r.rx2_default()),
            or_dash(r.class_c_multicast_default()),
            duty_cycle_summary(r),
            dwell
        );
    }
    s
}

fn limit_text(info: &DataRateInfo, v: PayloadVariant) -> String {
    match info.payload_limit(v) {
        PayloadLimit::Max(m) => m.n().to_string(),
        PayloadLimit::NotAllowed => "no".into(),
        PayloadLimit::NotListed => "-".into(),
    }
}

fn data_rate_table(s: &mut String, r: Region, direction: Direction) {
    let rows: Vec<&DataRateInfo> = match direction {
        Direction::Uplink => r.uplinks().collect(),
        Direction::Downlink => r.downlinks().collect(),
    };
    let title = match direction {
        Direction::Uplink => "Uplink",
        Direction::Downlink => "Downlink",
    };
    let _ = writeln!(
        s,
        "\n{title} data rates (max N in bytes; \"no\" = not allowed, \"-\" = not listed)"
    );
    let _ = writeln!(
        s,
        "  {:<5} {:<26} {:>11} {:>9} {:>12}  SINCE",
        "DR", "MODULATION", "NO REPEATER", "REPEATER", "DWELL 400MS"
    );
    for info in rows {
        let _ = writeln!(
            s,
            "  {:<5} {:<26} {:>11} {:>9} {:>12}  {}",
            info.dr().to_string(),
            info.modulation().to_string(),
            limit_text(info, PayloadVariant::NoRepeater),
            limit_text(info, PayloadVariant::RepeaterCompatible),
            limit_text(info, PayloadVariant::Dwell400msNoRepeater),
            info.since().map_or(String::new(), |v| v.to_string())
        );
    }
}

fn class_b_text(r: Region) -> String {
    match r.class_b() {
        Ok(b) => format!(
            "beacon {} {}, ping slot {} {}",
            b.beacon, b.beacon_dr, b.ping_slot, b.ping_slot_dr
        ),
        Err(e) => e.to_string(),
    }
}

fn region_text(r: Region) -> String {
    let mut s = String::new();
    let _ = writeln!(s, "{} ({})", r.name(), r.rp002_name());
    data_rate_table(&mut s, r, Direction::Downlink);
    data_rate_table(&mut s, r, Direction::Uplink);
    let _ = writeln!(s);
    let line = |s: &mut String, k: &str, v: String| {
        let _ = writeln!(s, "{k:<20} {v}");
    };
    line(
        &mut s,
        "RX2 default",
        r.rx2_default()
            .map_or_else(|e| e.to_string(), |c| c.to_string()),
    );
    line(
        &mut s,
        "Class C multicast",
        r.class_c_multicast_default()
            .map_or_else(|e| e.to_string(), |c| c.to_string()),
    );
    line(&mut s, "Class B", class_b_text(r));
    if r == Region::Cn470 {
        let c = cn470_rp002();
        let plans: Vec<String> = c
            .rx2_by_plan
            .iter()
            .map(|p| {
                let f: Vec<String> = p.frequencies.iter().map(ToString::to_string).collect();
                format!("{}: {}", p.plan, f.join(", "))
            })
            .collect();
        line(
            &mut s,
            "RP002 RX2",
            format!("{} at {}", c.rx2_dr, plans.join("; ")),
        );
        line(
            &mut s,
            "RP002 Class B",
            format!(
                "beacon {} (26 MHz A: {}, B: {}), ping slot {}",
                c.beacon_dr, c.beacon_26mhz_a, c.beacon_26mhz_b, c.ping_slot_dr
            ),
        );
        line(&mut s, "lrwn legacy RX2", c.lrwn_legacy_rx2.to_string());
    }
    let d = r.rx_delays();
    line(
        &mut s,
        "RX delays",
        format!(
            "RX1 {} s, RX2 {} s, join accept {} s / {} s",
            d.rx1.as_secs(),
            d.rx2.as_secs(),
            d.join_accept1.as_secs(),
            d.join_accept2.as_secs()
        ),
    );
    match r.duty_cycle_rule() {
        DutyCycleRule::None => line(&mut s, "Duty cycle", "none".into()),
        DutyCycleRule::Uniform(dc) => line(&mut s, "Duty cycle", format!("{dc} on every channel")),
        DutyCycleRule::CountrySpecific(note) => line(&mut s, "Duty cycle", note.into()),
        DutyCycleRule::SubBands(bands) => {
            line(
                &mut s,
                "Duty cycle",
                "per sub-band (binds gateways too):".into(),
            );
            for b in bands {
                let _ = writeln!(
                    s,
                    "  {:<20} {} - {}: {}",
                    b.name, b.min, b.max, b.duty_cycle
                );
            }
        }
    }
    let dwell = r.dwell_time().map_or("none".to_string(), |d| {
        let ms = |x: Option<std::time::Duration>| {
            x.map_or("-".to_string(), |d| format!("{} ms", d.as_millis()))
        };
        format!(
            "uplink {}, downlink {} ({}): {}",
            ms(d.uplink),
            ms(d.downlink),
            if d.when_signalled {
                "when signalled by TxParamSetupReq"
            } else {
                "always"
            },
            d.note
        )
    });
    line(&mut s, "Dwell time", dwell);
    let lbt = r.lbt().map_or("none".to_string(), |l| {
        format!(
            "RSSI below {} dBm for {} ms over {}{}",
            l.rssi_threshold_dbm,
            l.carrier_sense_time.as_millis(),
            l.scan_bandwidth,
            l.required_in
                .map_or(String::new(), |w| format!("; required in {w}"))
        )
    });
    line(&mut s, "LBT", lbt);
    s
}
