//! `lorafota encode`.

use std::io::Write;
use std::path::PathBuf;

use anyhow::{Context, Result, bail};
use clap::{Args, ValueEnum};
use lorafota_core::codec::Block;
use lorafota_core::frag::{CounterBase, FragParams, Ts004Version};
use sha2::{Digest, Sha256};

use crate::Outcome;
use crate::fragments_file::{Codec, FileFragment, FragmentsFile};

/// Arguments of `lorafota encode`.
#[derive(Debug, Args)]
pub struct EncodeArgs {
    /// The file to send (firmware image or any data block).
    input: PathBuf,
    /// Bytes per fragment, 1..=255 (a data rate's max FRMPayload minus 3).
    #[arg(long, short = 's')]
    fragment_size: usize,
    /// Coded fragments to add: a count (`50`) or a share of the uncoded ones (`20%`, rounded up).
    #[arg(long, short = 'r')]
    redundancy: String,
    /// TS004 parity rule.
    #[arg(long, default_value = "v1", value_parser = parse_version)]
    ts004: Ts004Version,
    /// Erasure code.
    #[arg(long, value_enum, default_value = "ts004")]
    codec: Codec,
    /// Number fragments from 1 (TS004) or 0 (MultiTech gateways).
    #[arg(long, default_value = "1", value_parser = parse_counter_base)]
    counter_base: CounterBase,
    /// Output format.
    #[arg(long, value_enum, default_value = "json")]
    format: Format,
    /// Write here instead of standard output.
    #[arg(long, short = 'o')]
    output: Option<PathBuf>,
}

#[derive(Debug, Clone, Copy, ValueEnum)]
enum Format {
    /// The fragments file that `decode` reads.
    Json,
    /// Payloads back to back in counter order, no headers.
    Bin,
}

pub(crate) fn parse_version(s: &str) -> Result<Ts004Version, String> {
    s.parse().map_err(|e| format!("{e}"))
}

fn parse_counter_base(s: &str) -> Result<CounterBase, String> {
    match s {
        "1" => Ok(CounterBase::One),
        "0" => Ok(CounterBase::Zero),
        _ => Err("counter base must be 1 or 0".into()),
    }
}

/// `20` -> 20 fragments; `20%` -> ceil(20 % of nb_frag).
fn redundancy_count(spec: &str, nb_frag: u16) -> Result<usize> {
    let spec = spec.trim();
    if let Some(pct) = spec.strip_suffix('%') {
        let pct: f64 = pct
            .trim()
            .parse()
            .with_context(|| format!("redundancy {spec:?} is not a percentage"))?;
        if !(0.0..=1000.0).contains(&pct) {
            bail!("redundancy {spec} is outside 0%..=1000%");
        }
        Ok((f64::from(nb_frag) * pct / 100.0).ceil() as usize)
    } else {
        spec.parse()
            .with_context(|| format!("redundancy {spec:?} is neither a count nor a percentage"))
    }
}

pub(crate) fn run(args: &EncodeArgs) -> Result<Outcome> {
    let data = std::fs::read(&args.input)
        .with_context(|| format!("cannot read {}", args.input.display()))?;
    let data_len = data.len();
    let sha = hex::encode(Sha256::digest(&data));
    let block = encode(&data, args)?;
    let bytes = match args.format {
        Format::Bin => {
            let mut out = block.uncoded_payloads().to_vec();
            out.extend_from_slice(block.coded_payloads());
            out
        }
        Format::Json => {
            let file = FragmentsFile {
                ts004: args.ts004.name().into(),
                codec: args.codec,
                fragment_size: block.params().fragment_size().into(),
                nb_frag: block.params().nb_frag(),
                padding: block.params().padding(),
                redundancy: block.redundancy(),
                data_len: data_len as u64,
                data_sha256: sha,
                counter_base: match args.counter_base {
                    CounterBase::One => 1,
                    CounterBase::Zero => 0,
                },
                fragments: block
                    .fragments()
                    .map(|f| FileFragment {
                        // Encoders number from 1, so every counter has a wire form.
                        counter: args.counter_base.to_wire(f.counter).unwrap_or_default(),
                        payload_hex: hex::encode(&f.payload),
                    })
                    .collect(),
            };
            let mut s = serde_json::to_string_pretty(&file)?;
            s.push('\n');
            s.into_bytes()
        }
    };
    match &args.output {
        Some(path) => std::fs::write(path, bytes)
            .with_context(|| format!("cannot write {}", path.display()))?,
        None => std::io::stdout()
            .lock()
            .write_all(&bytes)
            .context("cannot write to standard output")?,
    }
    Ok(Outcome::Success)
}

fn encode(data: &[u8], args: &EncodeArgs) -> Result<Block> {
    // The redundancy may be a share of M, so M comes first.
    let m = FragParams::for_data(data.len(), args.fragment_size)?.nb_frag();
    let r = redundancy_count(&args.redundancy, m)?;
    Ok(Block::encode(
        args.codec.into(),
        data,
        args.fragment_size,
        args.ts004,
        r,
    )?)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn redundancy_spec() {
        assert_eq!(redundancy_count("20%", 10486).ok(), Some(2098));
        assert_eq!(redundancy_count("5", 100).ok(), Some(5));
        assert!(redundancy_count("x%", 100).is_err());
        assert!(redundancy_count("-1", 100).is_err());
    }
}
