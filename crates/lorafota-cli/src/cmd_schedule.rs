//! `lorafota schedule list|cancel NAME`: the gateway's pending jobs.

use anyhow::Result;
use clap::{Args, Subcommand};
use lorafota_gateway::api::params::ScheduleFilename;
use serde_json::json;

use crate::Outcome;
use crate::gateway_args::GatewayArgs;

/// `lorafota schedule …`
#[derive(Debug, Subcommand)]
pub enum ScheduleCommand {
    /// List the jobs that have not started.
    List(ListArgs),
    /// Cancel a job that has not started.
    Cancel(CancelArgs),
}

/// Arguments of `lorafota schedule list`.
#[derive(Debug, Args)]
pub struct ListArgs {
    /// Print JSON.
    #[arg(long)]
    pub json: bool,
    /// The gateway.
    #[command(flatten)]
    pub gateway: GatewayArgs,
}

/// Arguments of `lorafota schedule cancel`.
#[derive(Debug, Args)]
pub struct CancelArgs {
    /// The job's `schedule_filename`.
    pub name: String,
    /// The gateway.
    #[command(flatten)]
    pub gateway: GatewayArgs,
}

pub(crate) fn run(cmd: &ScheduleCommand) -> Result<Outcome> {
    match cmd {
        ScheduleCommand::List(args) => {
            let list = args.gateway.require_client()?.schedule_list()?;
            if args.json {
                let jobs: Vec<_> = list
                    .jobs
                    .iter()
                    .map(|j| {
                        json!({
                            "schedule_filename": j.schedule_filename,
                            "transmission_type": j.transmission_type.map(|k| k.as_str()),
                            "scheduled_time": j.scheduled_time,
                            "device_count": j.device_count,
                        })
                    })
                    .collect();
                println!("{}", serde_json::to_string_pretty(&jobs)?);
            } else if list.jobs.is_empty() {
                println!("nothing scheduled");
            } else {
                for j in &list.jobs {
                    println!(
                        "{} {} at {} ({} devices)",
                        j.schedule_filename.as_deref().unwrap_or("-"),
                        j.transmission_type.map_or("-", |k| k.as_str()),
                        j.scheduled_time.map_or("-".to_owned(), |t| t.to_string()),
                        j.device_count
                    );
                }
            }
        }
        ScheduleCommand::Cancel(args) => {
            let name = ScheduleFilename::new(args.name.clone())?;
            args.gateway.require_client()?.cancel(&name)?;
            println!("cancelled {name}");
        }
    }
    Ok(Outcome::Success)
}
