//! `lorafota demo`: what the toolkit does, on a sample firmware image, in one command.

use anyhow::Result;
use clap::Args;
use lorafota_core::frag::{Decoder, Encoder, Progress, Ts004Version};

use crate::Outcome;

/// Arguments of `lorafota demo`.
#[derive(Debug, Args)]
pub struct DemoArgs {
    /// Size of the sample image in bytes.
    #[arg(long, default_value_t = 100 * 1024)]
    size: usize,
    /// Bytes per fragment (EU868 DR5: 242 - 3).
    #[arg(long, default_value_t = 239)]
    fragment_size: usize,
    /// Share of fragments lost on the way (0..1).
    #[arg(long, default_value_t = 0.10)]
    loss: f64,
    /// Coded fragments as a share of the uncoded ones.
    #[arg(long, default_value_t = 0.20)]
    redundancy: f64,
    /// Seed of the simulated loss.
    #[arg(long, default_value_t = 1)]
    seed: u64,
}

/// splitmix64: a tiny deterministic generator for the simulated channel.
fn splitmix(state: &mut u64) -> u64 {
    *state = state.wrapping_add(0x9E37_79B9_7F4A_7C15);
    let mut z = *state;
    z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    z ^ (z >> 31)
}

/// The top 53 bits as a float in [0, 1).
fn unit_interval(x: u64) -> f64 {
    (x >> 11) as f64 / (1u64 << 53) as f64
}

pub(crate) fn run(args: &DemoArgs) -> Result<Outcome> {
    anyhow::ensure!((0.0..1.0).contains(&args.loss), "--loss must be in 0..1");
    anyhow::ensure!(
        (0.0..=10.0).contains(&args.redundancy),
        "--redundancy must be in 0..=10"
    );
    let mut rng = args.seed;
    let image: Vec<u8> = (0..args.size).map(|_| splitmix(&mut rng) as u8).collect();
    let encoder = Encoder::new(image.clone(), args.fragment_size, Ts004Version::V1)?;
    let m = encoder.params().nb_frag();
    let r = (f64::from(m) * args.redundancy).ceil() as usize;
    let started = std::time::Instant::now();
    let block = encoder.encode(r)?;
    let encode_time = started.elapsed();
    println!(
        "sample image: {} bytes -> {} uncoded + {} coded fragments of {} bytes (padding {}), encoded in {:.1} ms",
        args.size,
        m,
        r,
        args.fragment_size,
        encoder.params().padding(),
        encode_time.as_secs_f64() * 1e3
    );

    let mut decoder = Decoder::new_in_memory(block.params(), Ts004Version::V1, None);
    let (mut sent, mut lost, mut done_at) = (0, 0, None);
    for fragment in block.fragments() {
        sent += 1;
        if unit_interval(splitmix(&mut rng)) < args.loss {
            lost += 1;
            continue;
        }
        if decoder.push(fragment.counter, &fragment.payload)? == Progress::Completed {
            done_at = Some(fragment.counter);
            break;
        }
    }
    let status = decoder.status();
    println!(
        "channel: {:.0} % loss; {} fragments sent, {} lost, {} uncoded fragments had to be rebuilt",
        args.loss * 100.0,
        sent,
        lost,
        status.lost
    );
    match (done_at, decoder.data()) {
        (Some(counter), Some(data)) => {
            let exact = data == image.as_slice();
            println!(
                "device: image complete at fragment {counter} of {} ({} spare coded fragments unused); byte-exact: {}",
                block.len(),
                block.len() - usize::from(counter),
                if exact { "yes" } else { "NO" }
            );
            Ok(if exact {
                Outcome::Success
            } else {
                Outcome::Failed
            })
        }
        _ => {
            println!(
                "device: could not rebuild the image ({} fragments still missing)",
                status.missing
            );
            Ok(Outcome::Failed)
        }
    }
}
