//! `lorafota fota FIRMWARE`: plan, upload, schedule, follow, summarise.

use std::path::{Path, PathBuf};

use anyhow::{Context, Result, anyhow, bail};
use clap::Args;
use lorafota_core::frag::Ts004Version;
use lorafota_core::plan::{
    DataRateChoice, Fleet, LossModel, Plan, PlanRequest, RedundancyChoice, SimDevice, plan_session,
};
use lorafota_core::region::{DataRate, Region};
use lorafota_emulator::sim::{DEFAULT_PSLEEP_MS, DEFAULT_SLEEP_MS};
use lorafota_gateway::api::params::FragDescriptor;
use lorafota_gateway::api::schedule::{FotaJob, Pacing};

use crate::Outcome;
use crate::campaign::{self, Embedded};
use crate::job_args::{JobArgs, now_unix};

/// Arguments of `lorafota fota`.
#[derive(Debug, Args)]
#[command(after_help = "\
Examples:
  lorafota fota fw.bin --devices 00-80-00-ff-00-00-00-01,00-80-00-ff-00-00-00-02
  lorafota fota fw.bin --devices-file fleet.txt --loss 0.1 --target 0.99 --in 10m \\
      --gateway https://192.168.2.1 --user admin --password-env GW_PASSWORD --pin AA:BB:...")]
pub struct FotaArgs {
    /// The firmware image.
    pub firmware: PathBuf,
    /// Coded fragments to send (default: planned from --loss and --target).
    #[arg(long, conflicts_with_all = ["loss", "target"])]
    pub redundancy: Option<u16>,
    /// Expected mean fragment loss of the devices, for planning the redundancy.
    #[arg(long)]
    pub loss: Option<f64>,
    /// Share of devices that must complete, for planning the redundancy.
    #[arg(long, default_value_t = 0.99)]
    pub target: f64,
    /// Region, for the fragment size.
    #[arg(long, default_value = "EU868")]
    pub region: String,
    /// Downlink data rate index, for the fragment size.
    #[arg(long, default_value_t = 5)]
    pub dr: u8,
    /// TS004 fragmentation descriptor, hex (e.g. 0x01020304).
    #[arg(long)]
    pub descriptor: Option<String>,
    /// Devices, group, timing, gateway.
    #[command(flatten)]
    pub job: JobArgs,
}

/// Plans the session for an image of `size` bytes.
pub fn plan(
    size: usize,
    region: &str,
    dr: u8,
    redundancy: Option<u16>,
    loss: f64,
    target: f64,
    seed: u64,
) -> Result<Plan> {
    let region: Region = region.parse().map_err(|e| anyhow!("{region:?}: {e}"))?;
    let choice = match redundancy {
        Some(r) => RedundancyChoice::Count(r),
        None => RedundancyChoice::ForTarget { target },
    };
    let mut req = PlanRequest::new(
        size,
        region,
        DataRateChoice::Fixed(DataRate::new(dr)),
        choice,
    );
    req.version = Ts004Version::V1;
    req.fleet = Some(Fleet {
        devices: vec![SimDevice {
            loss: LossModel::iid(loss).map_err(|e| anyhow!("--loss {loss}: {e}"))?,
            max_lost: None,
        }],
        simulated: 2000,
        seed,
    });
    Ok(plan_session(&req)?)
}

/// One line about a plan.
pub fn plan_line(p: &Plan) -> String {
    let expected = p
        .expected_success
        .map(|e| format!(", expected success {:.1} %", e * 100.0))
        .unwrap_or_default();
    format!(
        "plan: {} fragments of {} bytes + {} coded{}",
        p.nb_frag, p.fragment_size, p.redundancy, expected
    )
}

/// Virtual seconds the emulator needs for a planned job (its default pacing).
pub fn job_secs(p: &Plan, lead_secs: u64) -> f64 {
    let m = f64::from(p.nb_frag) * DEFAULT_SLEEP_MS as f64 / 1000.0;
    let r = f64::from(p.redundancy) * DEFAULT_PSLEEP_MS as f64 / 1000.0;
    lead_secs as f64 + m + r + 10.0
}

fn file_name(p: &Path) -> Result<String> {
    p.file_name()
        .and_then(|n| n.to_str())
        .map(str::to_owned)
        .context("the firmware path has no usable file name")
}

pub(crate) fn run(args: &FotaArgs) -> Result<Outcome> {
    let job_args = &args.job;
    job_args.check_sim()?;
    if !(0.0..=1.0).contains(&args.target) {
        bail!("--target must be in 0..=1");
    }
    let euis = job_args.euis()?;
    let (devices, group) = job_args.target(&euis)?;
    let size = usize::try_from(
        std::fs::metadata(&args.firmware)
            .with_context(|| format!("cannot read {}", args.firmware.display()))?
            .len(),
    )
    .context("firmware too large")?;
    let embedded_loss = job_args
        .gateway
        .gateway
        .is_none()
        .then_some(job_args.sim_loss);
    let loss = args.loss.or(embedded_loss).unwrap_or(0.1);
    let p = plan(
        size,
        &args.region,
        args.dr,
        args.redundancy,
        loss,
        args.target,
        job_args.seed,
    )?;
    eprintln!("{}", plan_line(&p));
    let mut job = FotaJob::new(devices, group, &file_name(&args.firmware)?)?;
    if let Some(d) = &args.descriptor {
        job = job.descriptor(FragDescriptor::parse_hex(d)?);
    }
    job = job.pacing(Pacing {
        parity_fragments: Some(u32::from(p.redundancy)),
        max_packet_size: Some(u16::from(p.fragment_size) + 3),
        ..Pacing::default()
    });

    let embedded;
    let client = match job_args.gateway.client()? {
        Some(c) => c,
        None => {
            let lead =
                job_args.start_delay(now_unix())?.as_secs() + job_args.setup + job_args.launch;
            let speed = job_args
                .speed
                .unwrap_or_else(|| campaign::speed_for(job_secs(&p, lead), 4.0));
            embedded = Embedded::start(
                campaign::devices_for(&euis, job_args.sim_loss),
                speed,
                job_args.seed,
            )?;
            eprintln!(
                "no --gateway: using an embedded emulator at {} ({} devices, simulated loss {:.0} %, clock x{:.0})",
                embedded.url(),
                euis.len(),
                job_args.sim_loss * 100.0,
                speed
            );
            embedded.client.clone()
        }
    };
    job = job.timing(job_args.timing(now_unix())?);
    client.upload_fota_file(&args.firmware)?;
    let name = client.schedule(job)?;
    if job_args.no_wait {
        println!("{name}");
        return Ok(Outcome::Success);
    }
    let result = campaign::follow(&client, &name, job_args.json)?;
    report(&result, job_args.json)
}

/// Prints the result and picks the exit outcome.
pub fn report(
    result: &lorafota_gateway::api::monitor::OperationResult,
    json: bool,
) -> Result<Outcome> {
    if json {
        println!(
            "{}",
            serde_json::to_string_pretty(&campaign::result_json(result))?
        );
    } else {
        print!("{}", campaign::outcome_table(result));
    }
    let t = campaign::tally(result);
    Ok(if t.failed == 0 && t.skipped == 0 && t.success > 0 {
        Outcome::Success
    } else {
        Outcome::Failed
    })
}
