//! `lorafota status`: whether the gateway's LoRa network server runs.

use anyhow::Result;
use clap::Args;

use crate::Outcome;
use crate::gateway_args::GatewayArgs;

/// Arguments of `lorafota status`.
#[derive(Debug, Args)]
pub struct StatusArgs {
    /// Print JSON.
    #[arg(long)]
    pub json: bool,
    /// The gateway.
    #[command(flatten)]
    pub gateway: GatewayArgs,
}

pub(crate) fn run(args: &StatusArgs) -> Result<Outcome> {
    let status = args.gateway.require_client()?.status()?;
    if args.json {
        println!("{}", serde_json::to_string_pretty(&status)?);
    } else {
        println!(
            "network server: {} (pid {})",
            if status.network_server_running() {
                "running"
            } else {
                "not running"
            },
            status.network_server
        );
    }
    Ok(if status.network_server_running() {
        Outcome::Success
    } else {
        Outcome::Failed
    })
}
