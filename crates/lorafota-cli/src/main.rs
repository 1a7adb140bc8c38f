//! `lorafota`: the operator's command line.

mod cmd_emulator;

use std::process::ExitCode;

use clap::{Parser, Subcommand};

#[derive(Debug, Parser)]
#[command(
    name = "lorafota",
    version,
    about = "LoRaWAN FUOTA and multicast toolkit"
)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// A MultiTech mPower gateway emulator (HTTP API) for tests and demos.
    #[command(subcommand)]
    Emulator(cmd_emulator::EmulatorCommand),
}

fn main() -> ExitCode {
    let cli = match Cli::try_parse() {
        Ok(c) => c,
        Err(e) if !e.use_stderr() => {
            // --help / --version
            let _ignored = e.print();
            return ExitCode::SUCCESS;
        }
        Err(e) => {
            // One line: clap's first line names the problem; the usage block is noise here.
            let text = e.render().to_string();
            eprintln!("{}", text.lines().next().unwrap_or("invalid arguments"));
            return ExitCode::from(2);
        }
    };
    match cli.command {
        Command::Emulator(cmd) => cmd_emulator::run(cmd),
    }
}
