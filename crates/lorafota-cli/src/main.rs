//! `lorafota`: the operator's command line.
//!
//! Thin by design: argument parsing, files and output formats live here; every protocol
//! decision is made in the library crates. Exit codes: 0 success, 1 the job ran but did not
//! succeed (e.g. a block that could not be decoded), 2 bad input or errors.

mod campaign;
mod cmd_airtime;
mod cmd_decode;
mod cmd_demo;
mod cmd_emulator;
mod cmd_encode;
mod cmd_fota;
mod cmd_mcm;
mod cmd_plan;
mod cmd_progress;
mod cmd_regions;
mod cmd_results;
mod cmd_schedule;
mod cmd_status;
mod fragments_file;
mod gateway_args;
mod job_args;

use std::process::ExitCode;

use clap::{Parser, Subcommand};

/// LoRaWAN firmware updates (FUOTA) and multicast messages for fleets of devices.
#[derive(Debug, Parser)]
#[command(name = "lorafota", version, about, propagate_version = true)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// Split a file into TS004 fragments plus coded (redundant) fragments.
    Encode(cmd_encode::EncodeArgs),
    /// Rebuild a file from fragments (a JSON file written by `encode`).
    Decode(cmd_decode::DecodeArgs),
    /// A whole FOTA campaign on a laptop: sample firmware, 100 emulated devices, plan, run.
    Demo(cmd_demo::DemoArgs),
    /// Send a firmware image to devices: plan, upload, schedule, follow, summarise.
    Fota(cmd_fota::FotaArgs),
    /// Send one multicast message to devices.
    Mcm(cmd_mcm::McmArgs),
    /// The gateway's running jobs.
    Progress(cmd_progress::ProgressArgs),
    /// The gateway's finished jobs.
    Results(cmd_results::ResultsArgs),
    /// The gateway's pending jobs: list or cancel.
    #[command(subcommand)]
    Schedule(cmd_schedule::ScheduleCommand),
    /// Whether the gateway's LoRa network server runs.
    Status(cmd_status::StatusArgs),
    /// Plan a session: fragment size, redundancy for a loss and a target, airtime, TimeOut,
    /// start time.
    Plan(cmd_plan::PlanArgs),
    /// A MultiTech mPower gateway emulator (HTTPS API) for tests and demos.
    #[command(subcommand)]
    Emulator(cmd_emulator::EmulatorCommand),
    /// Time on air of one LoRa or FSK packet, exact to the microsecond.
    Airtime(cmd_airtime::AirtimeArgs),
    /// LoRaWAN regional parameters: data rates, max payloads, defaults, duty cycle, dwell, LBT.
    Regions(cmd_regions::RegionsArgs),
}

/// What a command reports when it ran to the end.
pub(crate) enum Outcome {
    /// Everything it set out to do worked.
    Success,
    /// It ran, but the result is a failure (exit code 1).
    Failed,
}

fn main() -> ExitCode {
    let cli = match Cli::try_parse() {
        Ok(cli) => cli,
        Err(e) if !e.use_stderr() => {
            // --help and --version: clap's full text on stdout.
            let _ = e.print();
            return ExitCode::SUCCESS;
        }
        Err(e) => {
            // clap's message up to the usage block, folded onto one line.
            let text = e.render().to_string();
            let message: Vec<&str> = text
                .lines()
                .map(str::trim)
                .take_while(|l| !l.is_empty())
                .collect();
            eprintln!(
                "lorafota: {}",
                message.join(" ").trim_start_matches("error: ")
            );
            return ExitCode::from(2);
        }
    };
    let result = match cli.command {
        Command::Encode(args) => cmd_encode::run(&args),
        Command::Decode(args) => cmd_decode::run(&args),
        Command::Demo(args) => cmd_demo::run(&args),
        Command::Plan(args) => cmd_plan::run(&args),
        Command::Fota(args) => cmd_fota::run(&args),
        Command::Mcm(args) => cmd_mcm::run(&args),
        Command::Progress(args) => cmd_progress::run(&args),
        Command::Results(args) => cmd_results::run(&args),
        Command::Schedule(cmd) => cmd_schedule::run(&cmd),
        Command::Status(args) => cmd_status::run(&args),
        // A long-running server with its own exit-code conventions.
        Command::Emulator(cmd) => return cmd_emulator::run(cmd),
        Command::Airtime(args) => cmd_airtime::run(&args),
        Command::Regions(args) => cmd_regions::run(&args),
    };
    match result {
        Ok(Outcome::Success) => ExitCode::SUCCESS,
        Ok(Outcome::Failed) => ExitCode::from(1),
        Err(e) => {
            // One line: the error and its causes, outermost first.
            let msg = e
                .chain()
                .map(ToString::to_string)
                .collect::<Vec<_>>()
                .join(": ");
            eprintln!("lorafota: {}", msg.replace('\n', " "));
            ExitCode::from(2)
        }
    }
}
