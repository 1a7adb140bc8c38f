//! Options `fota` and `mcm` share: devices, group, timing, waiting, output, and the embedded
//! emulator's simulation.

use std::path::PathBuf;
use std::time::Duration;

use anyhow::{Context, Result, bail};
use clap::Args;
use lorafota_core::Eui64;
use lorafota_gateway::api::params::{DeviceEuis, GroupTarget, MulticastGroupId};
use lorafota_gateway::api::schedule::Timing;

use crate::gateway_args::GatewayArgs;

/// Who gets the job and when.
#[derive(Debug, Clone, Args)]
pub struct JobArgs {
    /// Device EUIs, comma-separated (any spelling: `0080...`, `00-80-...`).
    #[arg(long, value_delimiter = ',', required_unless_present = "devices_file")]
    pub devices: Vec<String>,
    /// A file of device EUIs, one per line (`#` starts a comment).
    #[arg(long, conflicts_with = "devices")]
    pub devices_file: Option<PathBuf>,
    /// Multicast group ID, 0-3.
    #[arg(long, default_value_t = 0)]
    pub group: i64,
    /// Start at this Unix time (seconds).
    #[arg(long, conflicts_with = "in_")]
    pub at: Option<u64>,
    /// Start after this delay: `90`, `90s`, `10m`, `2h`.
    #[arg(long = "in", id = "in_")]
    pub in_: Option<String>,
    /// Seconds from the start to the setup downlinks.
    #[arg(long, default_value_t = 0)]
    pub setup: u64,
    /// Seconds from setup to broadcasting.
    #[arg(long, default_value_t = 60)]
    pub launch: u64,
    /// Schedule and return without following the job.
    #[arg(long)]
    pub no_wait: bool,
    /// Print the result as JSON on stdout.
    #[arg(long)]
    pub json: bool,
    /// Embedded emulator only: every device's mean fragment loss.
    #[arg(long, default_value_t = 0.05)]
    pub sim_loss: f64,
    /// Embedded emulator only: seed of the simulated loss.
    #[arg(long, default_value_t = 1)]
    pub seed: u64,
    /// Embedded emulator only: clock speed (default: fast enough to end in a few seconds).
    #[arg(long)]
    pub speed: Option<f64>,
    /// The gateway (absent: an embedded emulator).
    #[command(flatten)]
    pub gateway: GatewayArgs,
}

/// `90`, `90s`, `10m`, `2h` → duration.
pub fn parse_delay(s: &str) -> Result<Duration> {
    let s = s.trim();
    let (num, unit) = match s.find(|c: char| !c.is_ascii_digit()) {
        Some(i) => s.split_at(i),
        None => (s, "s"),
    };
    let n: u64 = num
        .parse()
        .with_context(|| format!("--in {s:?}: expected e.g. 90s, 10m, 2h"))?;
    let mult = match unit {
        "s" => 1,
        "m" => 60,
        "h" => 3600,
        _ => bail!("--in {s:?}: expected e.g. 90s, 10m, 2h"),
    };
    Ok(Duration::from_secs(n.saturating_mul(mult)))
}

impl JobArgs {
    /// The device EUIs, in order.
    pub fn euis(&self) -> Result<Vec<Eui64>> {
        let texts: Vec<String> = match &self.devices_file {
            Some(path) => std::fs::read_to_string(path)
                .with_context(|| format!("cannot read {}", path.display()))?
                .lines()
                .map(|l| l.split('#').next().unwrap_or_default().trim().to_owned())
                .filter(|l| !l.is_empty())
                .collect(),
            None => self.devices.iter().map(|d| d.trim().to_owned()).collect(),
        };
        if texts.is_empty() {
            bail!("no device EUIs given");
        }
        texts
            .iter()
            .map(|t| Eui64::parse(t).map_err(|e| anyhow::anyhow!("device EUI {t:?}: {e}")))
            .collect()
    }

    /// The validated device list and group.
    pub fn target(&self, euis: &[Eui64]) -> Result<(DeviceEuis, GroupTarget)> {
        let devices = DeviceEuis::new(euis.to_vec())?;
        let group = GroupTarget::Id(MulticastGroupId::new(self.group)?);
        Ok((devices, group))
    }

    /// Delay until the scheduled start (0 when neither `--at` nor `--in`).
    pub fn start_delay(&self, now_unix: u64) -> Result<Duration> {
        Ok(match (&self.in_, self.at) {
            (Some(d), _) => parse_delay(d)?,
            (None, Some(at)) => Duration::from_secs(at.saturating_sub(now_unix)),
            (None, None) => Duration::ZERO,
        })
    }

    /// The job's timing against a clock reading `now_unix`.
    pub fn timing(&self, now_unix: u64) -> Result<Timing> {
        let scheduled_at = match (&self.in_, self.at) {
            (Some(d), _) => Some(now_unix.saturating_add(parse_delay(d)?.as_secs())),
            (None, at) => at,
        };
        Ok(Timing {
            scheduled_at,
            setup_delay: Some(Duration::from_secs(self.setup)),
            launch_delay: Some(Duration::from_secs(self.launch)),
        })
    }

    /// Checks the simulation options.
    pub fn check_sim(&self) -> Result<()> {
        if !(0.0..=1.0).contains(&self.sim_loss) {
            bail!("--sim-loss must be in 0..=1");
        }
        if let Some(s) = self.speed
            && !(s.is_finite() && s > 0.0)
        {
            bail!("--speed must be a positive number");
        }
        Ok(())
    }
}

/// Wall-clock Unix seconds.
pub fn now_unix() -> u64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_secs())
}
