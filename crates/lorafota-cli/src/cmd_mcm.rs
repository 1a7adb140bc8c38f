//! `lorafota mcm`: send one multicast message to a group of devices.

use std::path::PathBuf;

use anyhow::{Context, Result};
use clap::Args;
use lorafota_gateway::api::params::{
    DEFAULT_MAX_MC_PAYLOAD, MessagePayload, MessagePort, session_timeout,
};
use lorafota_gateway::api::schedule::McmJob;

use crate::Outcome;
use crate::campaign::{self, Embedded};
use crate::cmd_fota::report;
use crate::job_args::{JobArgs, now_unix};

/// Arguments of `lorafota mcm`.
#[derive(Debug, Args)]
#[command(after_help = "\
Examples:
  lorafota mcm --hex 01020304 --port 10 --timeout-exp 8 --devices 00-80-00-ff-00-00-00-01
  lorafota mcm --file config.bin --port 20 --devices-file fleet.txt --gateway https://192.168.2.1 \\
      --user admin --password-file pw.txt --ca gateway.pem")]
pub struct McmArgs {
    /// Payload in hex.
    #[arg(long, group = "payload", required = true)]
    pub hex: Option<String>,
    /// Payload in standard base64.
    #[arg(long, group = "payload")]
    pub base64: Option<String>,
    /// Payload from a file (uploaded, sent as `Binary`).
    #[arg(long, group = "payload")]
    pub file: Option<PathBuf>,
    /// Application port, 1-220.
    #[arg(long)]
    pub port: i64,
    /// Class C session timeout exponent (the session lasts 2^N s), 0-15.
    #[arg(long, default_value_t = 15)]
    pub timeout_exp: u8,
    /// Devices, group, timing, gateway.
    #[command(flatten)]
    pub job: JobArgs,
}

pub(crate) fn run(args: &McmArgs) -> Result<Outcome> {
    let job_args = &args.job;
    job_args.check_sim()?;
    let euis = job_args.euis()?;
    let (devices, group) = job_args.target(&euis)?;
    let payload = match (&args.hex, &args.base64, &args.file) {
        (Some(h), _, _) => MessagePayload::hex(h, DEFAULT_MAX_MC_PAYLOAD)?,
        (None, Some(b), _) => MessagePayload::base64(b, DEFAULT_MAX_MC_PAYLOAD)?,
        (None, None, Some(f)) => {
            let len = std::fs::metadata(f)
                .with_context(|| format!("cannot read {}", f.display()))?
                .len();
            anyhow::ensure!(
                len > 0 && len <= DEFAULT_MAX_MC_PAYLOAD as u64,
                "{}: a message must be 1 to {DEFAULT_MAX_MC_PAYLOAD} bytes",
                f.display()
            );
            let name = f
                .file_name()
                .and_then(|n| n.to_str())
                .context("the message path has no usable file name")?;
            MessagePayload::file(name)?
        }
        (None, None, None) => anyhow::bail!("give --hex, --base64 or --file"),
    };
    let job = McmJob::new(
        devices,
        group,
        payload,
        MessagePort::new(args.port)?,
        session_timeout(args.timeout_exp)?,
    );

    let embedded;
    let client = match job_args.gateway.client()? {
        Some(c) => c,
        None => {
            let lead =
                job_args.start_delay(now_unix())?.as_secs() + job_args.setup + job_args.launch;
            let speed = job_args
                .speed
                .unwrap_or_else(|| campaign::speed_for(lead as f64 + 12.0, 2.0));
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
    let job = job.timing(job_args.timing(now_unix())?);
    if let Some(f) = &args.file {
        client.upload_multicast_file(f)?;
    }
    let name = client.schedule(job)?;
    if job_args.no_wait {
        println!("{name}");
        return Ok(Outcome::Success);
    }
    let result = campaign::follow(&client, &name, job_args.json)?;
    report(&result, job_args.json)
}
