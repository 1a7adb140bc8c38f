//! `lorafota emulator serve`: run the gateway emulator from the command line.

use std::net::{IpAddr, Ipv4Addr, SocketAddr};
use std::path::PathBuf;
use std::process::ExitCode;
use std::time::Duration;

use lorafota_emulator::config::{DeviceSpec, numbered_devices, seed_document_devices};
use lorafota_emulator::{Emulator, EmulatorConfig, SimRadio, TlsSetup, UserSpec};
use lorafota_gateway::api::auth::Role;
use lorafota_gateway::api::monitor::ApiShape;

/// `lorafota emulator …`
#[derive(Debug, clap::Subcommand)]
pub enum EmulatorCommand {
    /// Serve the mPower FOTA/multicast API (HTTPS with a fresh self-signed certificate).
    Serve(ServeArgs),
}

/// Shape of the progress/results/schedule lists.
#[derive(Debug, Clone, Copy, clap::ValueEnum)]
pub enum ShapeArg {
    /// Objects, as in MultiTech's workflow document (default).
    Seed,
    /// Arrays, as in MultiTech's OpenAPI file.
    Openapi,
}

/// Options of `lorafota emulator serve`.
#[derive(Debug, clap::Args)]
pub struct ServeArgs {
    /// TCP port (0 = any free port).
    #[arg(long, default_value_t = 0)]
    pub port: u16,
    /// Address to listen on.
    #[arg(long, default_value_t = IpAddr::V4(Ipv4Addr::LOCALHOST))]
    pub bind: IpAddr,
    /// Directory for uploads, schedules and results (default: a temporary one).
    #[arg(long)]
    pub state_dir: Option<PathBuf>,
    /// Plain HTTP instead of HTTPS.
    #[arg(long)]
    pub http: bool,
    /// Shape of the progress/results/schedule lists.
    #[arg(long, value_enum, default_value = "seed")]
    pub api_shape: ShapeArg,
    /// Admin user name (default `admin`).
    #[arg(long, requires = "password")]
    pub user: Option<String>,
    /// Admin password (default: generated and printed).
    #[arg(long, requires = "user")]
    pub password: Option<String>,
    /// Device table: a JSON array of `{"deveui", "class"?, "name"?, "outcome"?, "loss"?,
    /// "burst"?, "answers_setup"?, "joined"?, "group"?, "max_lost"?}`.
    #[arg(long, conflicts_with = "device_count")]
    pub devices: Option<PathBuf>,
    /// Generate N class C devices 00-80-00-ff-00-00-00-01 upwards (default: the three EUIs
    /// of MultiTech's workflow document).
    #[arg(long)]
    pub device_count: Option<u32>,
    /// Mean fragment loss (0..=1) of the devices made by --device-count or the default table.
    #[arg(long, default_value_t = 0.0)]
    pub loss: f64,
    /// Serve the test control surface under /__emulator/.
    #[arg(long)]
    pub control: bool,
    /// Write the server certificate (PEM) here, for `curl --cacert` or client pinning.
    #[arg(long)]
    pub cert_out: Option<PathBuf>,
    /// Virtual clock speed (1 = real time, 100 = an hour on air in 36 s).
    #[arg(long, visible_alias = "speed", default_value_t = 1.0)]
    pub clock_speed: f64,
    /// Seed of the simulated devices' fragment loss (same seed, same outcomes).
    #[arg(long, default_value_t = 1)]
    pub seed: u64,
    /// Write the frames a real gateway would send for each job (setup downlinks and
    /// broadcast fragments, hex) to DIR/<schedule>.frames.json.
    #[arg(long, value_name = "DIR")]
    pub dump_frames: Option<PathBuf>,
    /// Session inactivity timeout, seconds.
    #[arg(long, default_value_t = 300)]
    pub session_timeout: u64,
}

/// A one-line complaint about the user's input (exit code 2).
fn bad_input(msg: impl std::fmt::Display) -> ExitCode {
    eprintln!("lorafota emulator: {msg}");
    ExitCode::from(2)
}

fn load_devices(args: &ServeArgs) -> Result<Vec<DeviceSpec>, String> {
    if let Some(path) = &args.devices {
        let text = std::fs::read_to_string(path)
            .map_err(|e| format!("cannot read {}: {e}", path.display()))?;
        return serde_json::from_str(&text)
            .map_err(|e| format!("{}: not a device list: {e}", path.display()));
    }
    if !(0.0..=1.0).contains(&args.loss) {
        return Err(format!("--loss must be in 0..=1, not {}", args.loss));
    }
    let devices = match args.device_count {
        Some(n) => numbered_devices(n),
        None => seed_document_devices(),
    };
    Ok(devices
        .into_iter()
        .map(|d| d.with_loss(args.loss))
        .collect())
}

fn config(args: &ServeArgs) -> Result<EmulatorConfig, String> {
    if !(args.clock_speed.is_finite() && args.clock_speed >= 0.0) {
        return Err(format!(
            "--clock-speed must be a non-negative number, not {}",
            args.clock_speed
        ));
    }
    let users = match (&args.user, &args.password) {
        (Some(u), Some(p)) if !u.is_empty() && !p.is_empty() => {
            vec![UserSpec::new(u.clone(), p.clone(), Role::Admin)]
        }
        (Some(_), Some(_)) => return Err("--user and --password must not be empty".to_owned()),
        _ => Vec::new(),
    };
    Ok(EmulatorConfig {
        bind: SocketAddr::new(args.bind, args.port),
        tls: if args.http {
            TlsSetup::PlainHttp
        } else {
            TlsSetup::Generate
        },
        state_dir: args.state_dir.clone(),
        api_shape: match args.api_shape {
            ShapeArg::Seed => ApiShape::Seed,
            ShapeArg::Openapi => ApiShape::Openapi,
        },
        users,
        devices: load_devices(args)?,
        control_surface: args.control,
        clock_speed: args.clock_speed,
        session_timeout: Duration::from_secs(args.session_timeout),
        ..EmulatorConfig::default()
    })
}

/// Runs `lorafota emulator …` to completion (Ctrl-C stops `serve`).
pub fn run(cmd: EmulatorCommand) -> ExitCode {
    let EmulatorCommand::Serve(args) = cmd;
    let cfg = match config(&args) {
        Ok(c) => c,
        Err(e) => return bad_input(e),
    };
    let rt = match tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
    {
        Ok(rt) => rt,
        Err(e) => {
            eprintln!("lorafota emulator: cannot start the async runtime: {e}");
            return ExitCode::FAILURE;
        }
    };
    rt.block_on(async move {
        let mut radio = SimRadio::new(args.seed);
        if let Some(dir) = &args.dump_frames {
            radio = radio.with_frame_dump(dir.clone());
        }
        let emu = match Emulator::start_with_radio(cfg, Box::new(radio)).await {
            Ok(e) => e,
            Err(e) => return bad_input(e),
        };
        if let Some(path) = &args.cert_out
            && let Err(e) = emu.write_cert_pem(path)
        {
            return bad_input(format!("cannot write {}: {e}", path.display()));
        }
        print_banner(&emu, args.control);
        emu.serve_until(async {
            let _ignored = tokio::signal::ctrl_c().await;
        })
        .await;
        ExitCode::SUCCESS
    })
}

/// The start-up lines, written at once. A server must outlive whoever read them: if stdout is
/// already closed (a parent that read the URL and let the pipe go), the lines are dropped
/// instead of `println!` panicking and taking the server down.
fn print_banner(emu: &lorafota_emulator::EmulatorHandle, control: bool) {
    use std::fmt::Write as _;
    use std::io::Write as _;
    let mut s = String::new();
    let _ = writeln!(s, "lorafota emulator listening on {}", emu.url());
    let _ = writeln!(s, "  user:        {}", emu.username());
    // Printing the password is the point: it is a throwaway test credential.
    let _ = writeln!(s, "  password:    {}", emu.password().expose());
    if let Some(fp) = emu.fingerprint_hex() {
        let _ = writeln!(s, "  sha256:      {fp}");
    }
    let _ = writeln!(s, "  state dir:   {}", emu.state_dir().display());
    if control {
        let _ = writeln!(s, "  control:     {}/__emulator/", emu.url());
    }
    let mut out = std::io::stdout().lock();
    let _ = out.write_all(s.as_bytes()).and_then(|()| out.flush());
}
