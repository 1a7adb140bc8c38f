//! `lorafota decode`.

use std::path::PathBuf;

use anyhow::{Context, Result, bail};
use clap::Args;
use lorafota_core::codec::BlockDecoder;
use lorafota_core::frag::{CounterBase, FragParams, Progress};
use serde::Serialize;
use sha2::{Digest, Sha256};

use crate::Outcome;
use crate::fragments_file::FragmentsFile;

/// Arguments of `lorafota decode`.
#[derive(Debug, Args)]
pub struct DecodeArgs {
    /// A fragments file as `encode` writes it; its list may miss fragments and be in any order.
    fragments: PathBuf,
    /// Write the rebuilt data block here when decoding completes.
    #[arg(long, short = 'o')]
    output: Option<PathBuf>,
}

/// The report printed on standard output.
#[derive(Debug, Serialize)]
struct Report {
    completed: bool,
    completed_at_counter: Option<u16>,
    received_count: usize,
    lost_uncoded: u16,
    data_sha256: Option<String>,
}

pub(crate) fn run(args: &DecodeArgs) -> Result<Outcome> {
    let text = std::fs::read_to_string(&args.fragments)
        .with_context(|| format!("cannot read {}", args.fragments.display()))?;
    let file: FragmentsFile = serde_json::from_str(&text)
        .with_context(|| format!("{} is not a fragments file", args.fragments.display()))?;
    let (report, data) = decode(&file)?;
    if let (Some(path), Some(data)) = (&args.output, &data) {
        std::fs::write(path, data).with_context(|| format!("cannot write {}", path.display()))?;
    }
    println!("{}", serde_json::to_string(&report)?);
    Ok(if report.completed {
        Outcome::Success
    } else {
        Outcome::Failed
    })
}

fn decode(file: &FragmentsFile) -> Result<(Report, Option<Vec<u8>>)> {
    let version = crate::cmd_encode::parse_version(&file.ts004).map_err(anyhow::Error::msg)?;
    let fragment_size = u8::try_from(file.fragment_size)
        .map_err(|_| anyhow::anyhow!("fragment_size {} is above 255", file.fragment_size))?;
    let params = FragParams::new(file.nb_frag, fragment_size, file.padding)?;
    if params.data_len() as u64 != file.data_len {
        bail!(
            "data_len {} disagrees with nb_frag {} x fragment_size {} - padding {}",
            file.data_len,
            file.nb_frag,
            file.fragment_size,
            file.padding
        );
    }
    let base = match file.counter_base {
        1 => CounterBase::One,
        0 => CounterBase::Zero,
        other => bail!("counter_base must be 1 or 0, not {other}"),
    };
    let mut decoder = BlockDecoder::new(file.codec.into(), params, version, None, file.redundancy)?;
    let mut uncoded_present = vec![false; usize::from(params.nb_frag())];
    let mut completed_at = None;
    let (mut received, mut received_at_completion) = (0, 0);
    for (i, f) in file.fragments.iter().enumerate() {
        let payload = hex::decode(&f.payload_hex)
            .with_context(|| format!("fragment #{i}: payload_hex is not hex"))?;
        let counter = base.from_wire(f.counter).context("counter out of range")?;
        if let Some(seen) = uncoded_present.get_mut(usize::from(counter).wrapping_sub(1)) {
            *seen = true;
        }
        received += 1;
        if completed_at.is_some() {
            continue;
        }
        let progress = decoder
            .push(counter, &payload)
            .with_context(|| format!("fragment #{i} (counter {})", f.counter))?;
        if progress == Progress::Completed {
            completed_at = Some(f.counter);
            received_at_completion = received;
        }
    }
    let data = decoder.data().map(<[u8]>::to_vec);
    let sha = data.as_deref().map(|d| hex::encode(Sha256::digest(d)));
    if let Some(sha) = sha.as_ref().filter(|sha| **sha != file.data_sha256) {
        bail!(
            "decoded block has SHA-256 {sha}, the file says {}: wrong --ts004 version?",
            file.data_sha256
        );
    }
    let report = Report {
        completed: data.is_some(),
        completed_at_counter: completed_at,
        // Fragments fed up to and including the completing one (all of them otherwise).
        received_count: if completed_at.is_some() {
            received_at_completion
        } else {
            received
        },
        // Uncoded fragments absent from the whole list (what the vectors call lost_uncoded).
        lost_uncoded: uncoded_present.iter().filter(|p| !**p).count() as u16,
        data_sha256: sha,
    };
    Ok((report, data))
}
