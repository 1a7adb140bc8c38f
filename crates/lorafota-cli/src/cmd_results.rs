//! `lorafota results`: the gateway's finished jobs, once.

use anyhow::Result;
use clap::Args;

use crate::Outcome;
use crate::campaign;
use crate::gateway_args::GatewayArgs;

/// Arguments of `lorafota results`.
#[derive(Debug, Args)]
pub struct ResultsArgs {
    /// Print JSON.
    #[arg(long)]
    pub json: bool,
    /// The gateway.
    #[command(flatten)]
    pub gateway: GatewayArgs,
}

pub(crate) fn run(args: &ResultsArgs) -> Result<Outcome> {
    let results = args.gateway.require_client()?.results()?;
    if args.json {
        let all: Vec<_> = results
            .operations
            .iter()
            .map(campaign::result_json)
            .collect();
        println!("{}", serde_json::to_string_pretty(&all)?);
    } else if results.operations.is_empty() {
        println!("no results");
    } else {
        for r in &results.operations {
            let t = campaign::tally(r);
            println!(
                "{} {}: {} succeeded, {} failed, {} skipped",
                r.schedule_filename.as_deref().unwrap_or("-"),
                r.transmission_type.map_or("-", |k| k.as_str()),
                t.success,
                t.failed,
                t.skipped
            );
        }
    }
    Ok(Outcome::Success)
}
