//! `lorafota progress`: the gateway's running jobs, once.

use anyhow::Result;
use clap::Args;
use serde_json::json;

use crate::Outcome;
use crate::gateway_args::GatewayArgs;

/// Arguments of `lorafota progress`.
#[derive(Debug, Args)]
pub struct ProgressArgs {
    /// Print JSON.
    #[arg(long)]
    pub json: bool,
    /// The gateway.
    #[command(flatten)]
    pub gateway: GatewayArgs,
}

pub(crate) fn run(args: &ProgressArgs) -> Result<Outcome> {
    let progress = args.gateway.require_client()?.progress()?;
    if args.json {
        let jobs: Vec<_> = progress
            .jobs
            .iter()
            .map(|j| {
                json!({
                    "schedule_filename": j.schedule_filename,
                    "phase": j.phase.as_ref().map(|p| p.as_str().to_owned()),
                    "percent": j.percent,
                    "devices": j.devices.iter().map(|d| json!({
                        "deveui": d.deveui, "percent": d.percent, "status": d.status,
                    })).collect::<Vec<_>>(),
                })
            })
            .collect();
        println!("{}", serde_json::to_string_pretty(&jobs)?);
    } else if progress.jobs.is_empty() {
        println!("no job running");
    } else {
        for j in &progress.jobs {
            println!(
                "{} {} {:.0}% ({} devices)",
                j.schedule_filename.as_deref().unwrap_or("-"),
                j.phase.as_ref().map_or("-", |p| p.as_str()),
                j.percent,
                j.devices.len()
            );
        }
    }
    Ok(Outcome::Success)
}
