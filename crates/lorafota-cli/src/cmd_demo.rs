//! `lorafota demo`: a whole FOTA campaign on a laptop, with no gateway.
//!
//! A sample firmware image, an embedded emulator with a fleet of mixed devices (most fine, a
//! few too lossy, silent, Class A or short of decoder memory), a plan for the fleet, the
//! campaign followed with progress bars, and the outcome beside the plan's prediction.

use std::time::{Duration, Instant};

use anyhow::{Context, Result, anyhow};
use clap::Args;
use lorafota_core::Eui64;
use lorafota_core::frag::Ts004Version;
use lorafota_core::plan::{
    DataRateChoice, Fleet, LossModel, PlanRequest, RedundancyChoice, SimDevice, plan_session,
};
use lorafota_core::region::{DataRate, Region};
use lorafota_core::rng::SplitMix64;
use lorafota_emulator::config::DeviceSpec;
use lorafota_gateway::api::params::{DeviceEuis, GroupTarget, MulticastGroupId};
use lorafota_gateway::api::schedule::{FotaJob, Pacing, Timing};

use crate::Outcome;
use crate::campaign::{self, Embedded};
use crate::cmd_fota::{job_secs, plan_line};

/// Arguments of `lorafota demo`.
#[derive(Debug, Args)]
pub struct DemoArgs {
    /// Size of the sample image in bytes.
    #[arg(long, default_value_t = 64 * 1024)]
    size: usize,
    /// Devices in the fleet (at least 10).
    #[arg(long, default_value_t = 100)]
    devices: u32,
    /// Share of the reachable devices the plan must bring to completion.
    #[arg(long, default_value_t = 0.9)]
    target: f64,
    /// Seed of the sample image and of the simulated loss.
    #[arg(long, default_value_t = 1)]
    seed: u64,
    /// About how long the campaign should take, in seconds of real time.
    #[arg(long, default_value_t = 8.0)]
    seconds: f64,
}

/// The demo fleet: device `i` of `n` (0-based). Roughly 3 % too lossy, 2 % silent, 1 % Class A,
/// 2 % short of decoder memory, 4 % bursty, the rest i.i.d. loss between 2 and 15 %.
fn profile(i: u32, n: u32) -> DeviceSpec {
    let eui = Eui64::from_u64(0x0080_00ff_0000_0000 + u64::from(i) + 1);
    let d = DeviceSpec::new(eui);
    let from_end = n - 1 - i;
    match from_end {
        0..=2 => d.with_loss(0.6),
        3 | 4 => DeviceSpec {
            answers_setup: false,
            ..d.with_loss(0.05)
        },
        5 => d.with_class("A"),
        6 | 7 => DeviceSpec {
            max_lost: Some(5),
            ..d.with_loss(0.15)
        },
        8..=11 => DeviceSpec {
            burst: Some(4.0),
            ..d.with_loss(0.10)
        },
        _ => d.with_loss([0.02, 0.05, 0.10, 0.15][(i % 4) as usize]),
    }
}

/// Whether a profile can take part at all (answers setup, Class C, joined).
fn reachable(d: &DeviceSpec) -> bool {
    d.answers_setup && d.joined && d.class.eq_ignore_ascii_case("C")
}

fn sim_device(d: &DeviceSpec) -> Result<SimDevice> {
    let loss = LossModel::new(d.loss, d.burst).map_err(|e| anyhow!("{e}"))?;
    Ok(SimDevice {
        loss,
        max_lost: d.max_lost,
    })
}

pub(crate) fn run(args: &DemoArgs) -> Result<Outcome> {
    anyhow::ensure!(
        (10..=10_000).contains(&args.devices),
        "--devices must be 10..=10000"
    );
    anyhow::ensure!(
        (0.0..=1.0).contains(&args.target),
        "--target must be in 0..=1"
    );
    anyhow::ensure!(
        (1..=4 * 1024 * 1024).contains(&args.size),
        "--size must be 1..=4194304"
    );
    let started = Instant::now();

    // The sample image, written where the client can upload it from.
    let mut rng = SplitMix64::new(args.seed);
    let image: Vec<u8> = (0..args.size).map(|_| rng.next_u64() as u8).collect();
    let dir = std::env::temp_dir().join(format!("lorafota-demo-{}", std::process::id()));
    std::fs::create_dir_all(&dir).with_context(|| format!("cannot create {}", dir.display()))?;
    let _cleanup = RemoveOnDrop(dir.clone());
    let fw = dir.join("sample-firmware.bin");
    std::fs::write(&fw, &image).with_context(|| format!("cannot write {}", fw.display()))?;

    let fleet: Vec<DeviceSpec> = (0..args.devices)
        .map(|i| profile(i, args.devices))
        .collect();
    let reachable_fleet: Vec<&DeviceSpec> = fleet.iter().filter(|d| reachable(d)).collect();
    println!(
        "sample firmware: {} bytes; fleet: {} devices ({} reachable Class C, {} silent or Class A)",
        args.size,
        fleet.len(),
        reachable_fleet.len(),
        fleet.len() - reachable_fleet.len()
    );

    // Plan for the devices that can take part, as the operator would from field statistics.
    let mut req = PlanRequest::new(
        args.size,
        Region::Eu868,
        DataRateChoice::Fixed(DataRate::new(5)),
        RedundancyChoice::ForTarget {
            target: args.target,
        },
    );
    req.version = Ts004Version::V1;
    req.fleet = Some(Fleet {
        devices: reachable_fleet
            .iter()
            .map(|d| sim_device(d))
            .collect::<Result<_>>()?,
        simulated: 4000,
        seed: args.seed,
    });
    let plan = plan_session(&req)?;
    println!("{}", plan_line(&plan));

    let speed = campaign::speed_for(job_secs(&plan, 20), args.seconds);
    let emu = Embedded::start(fleet.clone(), speed, args.seed)?;
    println!(
        "embedded emulator at {} (clock x{speed:.0}: a {:.0}-minute session in ~{:.0} s)",
        emu.url(),
        job_secs(&plan, 20) / 60.0,
        args.seconds
    );
    let euis: Vec<Eui64> = fleet.iter().map(|d| d.deveui).collect();
    let job = FotaJob::new(
        DeviceEuis::new(euis)?,
        GroupTarget::Id(MulticastGroupId::new(0)?),
        "sample-firmware.bin",
    )?
    .timing(Timing {
        scheduled_at: None,
        setup_delay: Some(Duration::ZERO),
        launch_delay: Some(Duration::from_secs(20)),
    })
    .pacing(Pacing {
        parity_fragments: Some(u32::from(plan.redundancy)),
        max_packet_size: Some(u16::from(plan.fragment_size) + 3),
        ..Pacing::default()
    });
    emu.client.upload_fota_file(&fw)?;
    let name = emu.client.schedule(job)?;
    let result = campaign::follow(&emu.client, &name, false)?;

    println!("\ndevices by outcome:");
    print!("{}", campaign::outcome_table(&result));
    let t = campaign::tally(&result);
    let expected = plan.expected_success.unwrap_or(0.0);
    let predicted = expected * reachable_fleet.len() as f64;
    println!(
        "\nplan predicted {:.1} of {} reachable devices ({:.1} %); observed {} ({:.1} %); {} of {} overall",
        predicted,
        reachable_fleet.len(),
        expected * 100.0,
        t.success,
        100.0 * t.success as f64 / reachable_fleet.len().max(1) as f64,
        t.success,
        fleet.len()
    );
    println!("finished in {:.1} s", started.elapsed().as_secs_f64());
    Ok(Outcome::Success)
}

/// Removes the demo's temporary directory.
struct RemoveOnDrop(std::path::PathBuf);

impl Drop for RemoveOnDrop {
    fn drop(&mut self) {
        let _ignored = std::fs::remove_dir_all(&self.0);
    }
}
