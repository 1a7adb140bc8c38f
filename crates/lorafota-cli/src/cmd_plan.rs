//! `lorafota plan`: fragment size, redundancy, airtime, session length and start time.

use std::path::PathBuf;
use std::time::Duration;

use anyhow::{Context, Result, anyhow, bail};
use clap::Args;
use lorafota_core::frag::Ts004Version;
use lorafota_core::gps::UnixTime;
use lorafota_core::plan::{
    DataRateChoice, Fleet, Pacing, Plan, PlanRequest, RedundancyChoice, Schedule, plan_json,
    plan_session,
};
use lorafota_core::radio::Hz;
use lorafota_core::region::{DataRate, PayloadVariant, Region};

use crate::Outcome;

/// Arguments of `lorafota plan`.
#[derive(Debug, Args)]
#[command(after_help = "\
Examples:
  lorafota plan --size 102400 --region EU868 --dr 5 --loss 0.1 --target 0.99
  lorafota plan --file fw.bin --region US915 --dr fastest --loss 0.05,0.1,0.3 --target 0.95 --json
  lorafota plan --size 102400 --region EU868 --dr 5 --redundancy 10% --gap-ms 3000 \\
      --scheduled 1767225600 --setup 300 --launch 60")]
pub struct PlanArgs {
    /// Image size in bytes.
    #[arg(long, required_unless_present = "file", conflicts_with = "file")]
    size: Option<usize>,
    /// The image itself (its size is used).
    #[arg(long)]
    file: Option<PathBuf>,
    /// Region, e.g. EU868, US915, AS923-2.
    #[arg(long)]
    region: String,
    /// Downlink data rate index, or `fastest` (with --device-dr: the fastest all devices hear).
    #[arg(long, default_value = "fastest")]
    dr: String,
    /// Fastest data rate each device (or device type) hears, comma-separated, for `--dr fastest`.
    #[arg(long, value_delimiter = ',')]
    device_dr: Vec<u8>,
    /// Frequency in Hz (default: the region's Class C multicast default).
    #[arg(long)]
    frequency: Option<u32>,
    /// Use the repeater-compatible max payloads.
    #[arg(long)]
    repeater: bool,
    /// Bytes per fragment (default: the data rate's max FRMPayload minus the 3-byte
    /// DataFragment header).
    #[arg(long)]
    fragment_size: Option<u8>,
    /// Per-device loss: one rate, or comma-separated measured rates (one per device or type).
    #[arg(long, value_delimiter = ',')]
    loss: Vec<f64>,
    /// Mean burst length in fragments: bursty (Gilbert-Elliott) loss instead of independent.
    #[arg(long)]
    burst: Option<f64>,
    /// Share of devices that must complete (needs --loss).
    #[arg(long)]
    target: Option<f64>,
    /// Redundancy as a count (`40`) or a share of the uncoded fragments (`10%`), instead of a
    /// target.
    #[arg(long, conflicts_with = "target")]
    redundancy: Option<String>,
    /// The most lost fragments the devices' decoders hold (their redundancy memory).
    #[arg(long)]
    max_lost: Option<u16>,
    /// The most uncoded fragments the devices accept.
    #[arg(long)]
    max_fragments: Option<u16>,
    /// Idle time the gateway leaves after each fragment, in ms (default: the frequency's duty
    /// cycle, or back to back where the region sets none).
    #[arg(long, conflicts_with = "interval_ms")]
    gap_ms: Option<u64>,
    /// One fragment every this many ms, start to start.
    #[arg(long)]
    interval_ms: Option<u64>,
    /// TS004 parity rule.
    #[arg(long, default_value = "v1", value_parser = crate::cmd_encode::parse_version)]
    ts004: Ts004Version,
    /// Devices to simulate.
    #[arg(long, default_value_t = 10_000)]
    simulate: usize,
    /// Seed of the simulation.
    #[arg(long, default_value_t = 1)]
    seed: u64,
    /// Scheduled time, Unix seconds (MultiTech `scheduledTimeSinceUnixEpoch`).
    #[arg(long)]
    scheduled: Option<u64>,
    /// Seconds from the scheduled time to setup (`setupTimeFromScheduledTime`).
    #[arg(long, default_value_t = 0)]
    setup: u64,
    /// Seconds from setup to the broadcast (`launchTimeFromSetupTime`).
    #[arg(long, default_value_t = 60)]
    launch: u64,
    /// Print JSON.
    #[arg(long)]
    json: bool,
}

pub(crate) fn run(args: &PlanArgs) -> Result<Outcome> {
    let request = request(args)?;
    let plan = plan_session(&request)?;
    if args.json {
        println!("{}", plan_json(&plan));
    } else {
        print!("{}", plan_text(&plan));
    }
    Ok(Outcome::Success)
}

fn request(args: &PlanArgs) -> Result<PlanRequest> {
    let image_size = match (&args.file, args.size) {
        (Some(path), _) => {
            let len = std::fs::metadata(path)
                .with_context(|| format!("cannot read {}", path.display()))?
                .len();
            usize::try_from(len).context("file too large")?
        }
        (None, Some(size)) => size,
        (None, None) => bail!("give --size or --file"),
    };
    let region: Region = args
        .region
        .parse()
        .map_err(|e| anyhow!("{:?}: {e}", args.region))?;
    let data_rate = if args.dr.eq_ignore_ascii_case("fastest") {
        DataRateChoice::FastestReaching(args.device_dr.iter().map(|d| DataRate::new(*d)).collect())
    } else {
        let dr = args.dr.trim_start_matches(['D', 'R', 'd', 'r']);
        DataRateChoice::Fixed(DataRate::new(
            dr.parse()
                .with_context(|| format!("--dr {:?} is not a data rate", args.dr))?,
        ))
    };
    let redundancy = match (&args.redundancy, args.target) {
        (Some(spec), _) => match spec.trim().strip_suffix('%') {
            Some(pct) => RedundancyChoice::Percent(
                pct.trim()
                    .parse()
                    .with_context(|| format!("--redundancy {spec:?}"))?,
            ),
            None => RedundancyChoice::Count(
                spec.trim()
                    .parse()
                    .with_context(|| format!("--redundancy {spec:?}"))?,
            ),
        },
        (None, Some(target)) => RedundancyChoice::ForTarget { target },
        (None, None) => bail!("give --target (with --loss) or --redundancy"),
    };
    let fleet = if args.loss.is_empty() {
        None
    } else {
        Some(
            Fleet::from_loss_rates(
                &args.loss,
                args.burst,
                args.max_lost,
                args.simulate,
                args.seed,
            )
            .map_err(|e| anyhow!("--loss: {e}"))?,
        )
    };
    let pacing = match (args.gap_ms, args.interval_ms) {
        (Some(ms), _) => Pacing::Gap(Duration::from_millis(ms)),
        (None, Some(ms)) => Pacing::Interval(Duration::from_millis(ms)),
        (None, None) => Pacing::Auto,
    };
    Ok(PlanRequest {
        image_size,
        region,
        data_rate,
        payload_variant: if args.repeater {
            PayloadVariant::RepeaterCompatible
        } else {
            PayloadVariant::NoRepeater
        },
        fragment_size: args.fragment_size,
        frequency: args.frequency.map(Hz::new),
        pacing,
        redundancy,
        fleet,
        version: args.ts004,
        device_max_fragments: args.max_fragments,
        schedule: args.scheduled.map(|s| Schedule {
            scheduled: UnixTime::from_secs(s),
            setup: Duration::from_secs(args.setup),
            launch: Duration::from_secs(args.launch),
        }),
    })
}

fn plan_text(p: &Plan) -> String {
    let mut s = format!(
        "{} {} at {}: {} uncoded fragments of {} bytes (padding {}) + {} coded\n",
        p.region, p.data_rate, p.frequency, p.nb_frag, p.fragment_size, p.padding, p.redundancy
    );
    if let Some(success) = p.expected_success {
        s += &format!(
            "expected to complete on {:.2} % of devices\n",
            success * 100.0
        );
    }
    s += &format!(
        "airtime {:.3} ms per fragment, {:.1} s in all; session {:.1} s ({}); Class C TimeOut {} (2^{} = {} s)\n",
        p.toa_per_fragment.as_secs_f64() * 1e3,
        p.airtime.as_secs_f64(),
        p.duration.as_secs_f64(),
        human(p.duration),
        p.timeout.exponent(),
        p.timeout.exponent(),
        p.timeout.class_c_duration().as_secs()
    );
    if let Some(t) = p.times {
        s += &format!(
            "starts at Unix {} (GPS {}, SessionTime {}), ends at Unix {}\n",
            t.start.as_secs(),
            t.start_gps.as_secs(),
            t.start_gps.session_time_u32(),
            t.end.as_secs()
        );
    }
    s
}

fn human(d: Duration) -> String {
    let s = d.as_secs();
    match s {
        0..60 => format!("{s} s"),
        60..3600 => format!("{} min {} s", s / 60, s % 60),
        _ => format!("{} h {} min", s / 3600, s % 3600 / 60),
    }
}
