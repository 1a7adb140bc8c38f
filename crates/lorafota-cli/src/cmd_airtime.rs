//! `lorafota airtime`.

use std::fmt::Write as _;

use anyhow::Result;
use clap::Args;
use lorafota_core::airtime::{
    Bandwidth, CodingRate, FskAirtime, FskParams, HeaderMode, Ldro, LoraAirtime, LoraParams,
    SpreadingFactor, Symbols,
};
use serde_json::{Value, json};

use crate::Outcome;

/// Arguments of `lorafota airtime`.
#[derive(Debug, Args)]
#[command(after_help = "\
The payload CRC is OFF unless --crc is given: LoRaWAN downlinks (and so every multicast \
fragment) carry no payload CRC, uplinks do. For an uplink pass --crc.

--payload counts every byte handed to the radio, i.e. the PHYPayload: FRMPayload + 13 for a \
LoRaWAN frame with FPort and no FOpts, fragment size + 16 for a TS004 DataFragment.

Examples:
  lorafota airtime --sf 7 --bw 125k --payload 255          EU868 DR5 full downlink
  lorafota airtime --sf 9 --bw 125k --payload 13 --crc     an uplink
  lorafota airtime --fsk --bitrate 50000 --payload 255 --json")]
pub struct AirtimeArgs {
    /// Spreading factor, 5..=12 (`7` or `SF7`).
    #[arg(long, value_parser = parse_sf, required_unless_present = "fsk")]
    sf: Option<SpreadingFactor>,
    /// Bandwidth: Hz (`125000`) or kHz with a suffix (`125k`, `250k`, `500k`).
    #[arg(long, value_parser = parse_bw, required_unless_present = "fsk")]
    bw: Option<Bandwidth>,
    /// Coding rate, 4/5..4/8.
    #[arg(long, default_value = "4/5", value_parser = parse_cr)]
    cr: CodingRate,
    /// Bytes handed to the radio (the PHYPayload), 0..=255.
    #[arg(long)]
    payload: usize,
    /// Preamble length in symbols (LoRaWAN: 8; at least 12 is used at SF5/SF6).
    #[arg(long, default_value_t = 8)]
    preamble: u16,
    /// Payload CRC on, as LoRaWAN uplinks send it.
    #[arg(long, overrides_with = "no_crc")]
    crc: bool,
    /// Payload CRC off, as LoRaWAN downlinks send it [default].
    #[arg(long, overrides_with = "crc")]
    no_crc: bool,
    /// Implicit header (LoRaWAN frames always use the explicit header).
    #[arg(long)]
    implicit_header: bool,
    /// Low-data-rate optimisation: auto (on iff the symbol lasts 16.384 ms or more), on, off.
    #[arg(long, default_value = "auto", value_parser = parse_ldro)]
    ldro: Ldro,
    /// FSK instead of LoRa, with LoRaWAN framing (5-byte preamble, 3-byte sync word, length
    /// byte, 2-byte CRC).
    #[arg(
        long,
        requires = "bitrate",
        conflicts_with_all = ["sf", "bw", "cr", "preamble", "crc", "no_crc", "implicit_header", "ldro"]
    )]
    fsk: bool,
    /// FSK bit rate in bits per second (LoRaWAN DR7: 50000); needs --fsk.
    #[arg(long)]
    bitrate: Option<u32>,
    /// Print JSON: `{"toa_us", "t_sym_us", "n_payload_symbols", "n_total_symbols"}` (LoRa) or
    /// `{"toa_us", "bits"}` (FSK).
    #[arg(long)]
    json: bool,
}

fn parse_sf(s: &str) -> Result<SpreadingFactor, String> {
    s.parse().map_err(|e| format!("{e}"))
}

fn parse_bw(s: &str) -> Result<Bandwidth, String> {
    s.parse().map_err(|e| format!("{e}"))
}

fn parse_cr(s: &str) -> Result<CodingRate, String> {
    s.parse().map_err(|e| format!("{e}"))
}

fn parse_ldro(s: &str) -> Result<Ldro, String> {
    s.parse().map_err(|e| format!("{e}"))
}

pub fn run(args: &AirtimeArgs) -> Result<Outcome> {
    if args.fsk {
        // clap enforces `--fsk` => `--bitrate`; 0 is left to the core's check.
        let params = FskParams::lorawan(args.bitrate.unwrap_or(0));
        let a = params.time_on_air(args.payload)?;
        emit(&fsk_text(args, &a))?;
        return Ok(Outcome::Success);
    }
    // clap's `requires` counts a flag's default `false` as present, so check this one here.
    if args.bitrate.is_some() {
        anyhow::bail!("--bitrate is an FSK setting: add --fsk (and drop the LoRa options)");
    }
    let (Some(sf), Some(bw)) = (args.sf, args.bw) else {
        anyhow::bail!("--sf and --bw are required for LoRa (or give --fsk --bitrate)");
    };
    let params = LoraParams::downlink(sf, bw)
        .with_coding_rate(args.cr)
        .with_preamble(args.preamble)
        .with_crc(args.crc && !args.no_crc)
        .with_header(if args.implicit_header {
            HeaderMode::Implicit
        } else {
            HeaderMode::Explicit
        })
        .with_ldro(args.ldro);
    let a = params.time_on_air(args.payload)?;
    emit(&lora_text(args, &params, &a))?;
    Ok(Outcome::Success)
}

/// `1234567` µs -> `1234.567`.
fn ms(us: u64) -> String {
    format!("{}.{:03}", us / 1000, us % 1000)
}

/// Quarter symbols as a JSON number: exact, a multiple of 0.25 fits an f64.
fn symbols_json(s: Symbols) -> Value {
    if s.quarters().is_multiple_of(4) {
        json!(s.whole())
    } else {
        json!(f64::from(s.quarters()) / 4.0)
    }
}

fn lora_text(args: &AirtimeArgs, p: &LoraParams, a: &LoraAirtime) -> String {
    if args.json {
        let v = json!({
            "toa_us": a.toa_us(),
            "t_sym_us": a.t_sym_us(),
            "n_payload_symbols": a.n_payload_symbols(),
            "n_total_symbols": symbols_json(a.n_total_symbols()),
        });
        return format!("{v}\n");
    }
    let mut s = String::new();
    let overhead = Symbols::from_quarters(
        a.n_total_symbols().quarters()
            - 4 * (u32::from(a.preamble_symbols()) + a.n_payload_symbols()),
    );
    let _ = writeln!(s, "time on air   {} ms ({} µs)", ms(a.toa_us()), a.toa_us());
    let _ = writeln!(s, "symbol time   {} ms", ms(u64::from(a.t_sym_us())));
    let _ = writeln!(
        s,
        "symbols       {} preamble + {overhead} sync + {} payload = {}",
        a.preamble_symbols(),
        a.n_payload_symbols(),
        a.n_total_symbols()
    );
    let ldro_how = if p.ldro() == Ldro::Auto {
        " (auto)"
    } else {
        ""
    };
    let _ = writeln!(
        s,
        "radio         {}, {}, CR {}, {} header, CRC {}, LDRO {}{ldro_how}, {} bytes",
        p.spreading_factor(),
        p.bandwidth(),
        p.coding_rate(),
        match p.header() {
            HeaderMode::Explicit => "explicit",
            HeaderMode::Implicit => "implicit",
        },
        if p.crc() { "on" } else { "off" },
        if a.ldro() { "on" } else { "off" },
        args.payload
    );
    s
}

fn fsk_text(args: &AirtimeArgs, a: &FskAirtime) -> String {
    // Exact when the bit rate divides bits x 10^6 (50 kb/s always does); else to the ns.
    let mut s = String::new();
    let toa_us = match a.toa_us_exact() {
        Some(us) => json!(us),
        None => json!(a.toa_ns() as f64 / 1000.0),
    };
    if args.json {
        return format!("{}\n", json!({ "toa_us": toa_us, "bits": a.bits() }));
    }
    let _ = writeln!(
        s,
        "time on air   {} ms ({toa_us} µs{})",
        ms(a.toa_us_ceil()),
        if a.toa_us_exact().is_some() {
            ""
        } else {
            ", rounded up"
        }
    );
    let _ = writeln!(
        s,
        "bits          {} at {} b/s (5 preamble + 3 sync + 1 length + {} payload + 2 CRC bytes)",
        a.bits(),
        a.bitrate_bps(),
        args.payload
    );
    s
}

/// Writes `text` to standard output. A closed pipe (`| head`) ends the output quietly
/// instead of panicking as `print!` would.
fn emit(text: &str) -> Result<()> {
    use std::io::Write;
    match std::io::stdout().lock().write_all(text.as_bytes()) {
        Err(e) if e.kind() != std::io::ErrorKind::BrokenPipe => Err(e.into()),
        _ => Ok(()),
    }
}
