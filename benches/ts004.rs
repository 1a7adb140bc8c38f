//! TS004 encode and decode, side by side with ChirpStack's lrwn encoder in the same run.
//!
//! `cargo bench --bench ts004` (add `-- encode/` or `-- decode/` to filter). Figures and the
//! machine they came from are in BENCHMARKS.md.
#![allow(clippy::expect_used)] // a benchmark that cannot set up should stop loudly

use std::hint::black_box;
use std::time::Duration;

use criterion::{BenchmarkId, Criterion, Throughput, criterion_group, criterion_main};
use lorafota::core::frag::{Decoder, EncodedBlock, Encoder, Progress, Ts004Version};
use lorafota::core::rs::{RsDecoder, RsEncodedBlock, RsEncoder};

/// The reference harness's generator (reference-performance.md): splitmix64.
struct SplitMix(u64);

impl SplitMix {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }
    fn unit(&mut self) -> f64 {
        (self.next() >> 11) as f64 / (1u64 << 53) as f64
    }
}

fn image(len: usize) -> Vec<u8> {
    let mut rng = SplitMix(42);
    (0..len).map(|_| rng.next() as u8).collect()
}

/// (label, block size, fragment size)
const SHAPES: [(&str, usize, usize); 2] = [
    ("512KiB_S50", 512 * 1024, 50),
    ("256KiB_S200", 256 * 1024, 200),
];

fn encode(c: &mut Criterion) {
    let mut g = c.benchmark_group("encode");
    g.sample_size(10)
        .warm_up_time(Duration::from_millis(500))
        .measurement_time(Duration::from_secs(3));
    for (label, len, s) in SHAPES {
        let data = image(len);
        for pct in [10usize, 20, 50] {
            let enc = Encoder::new(data.clone(), s, Ts004Version::V1).expect("valid parameters");
            let m = usize::from(enc.params().nb_frag());
            let r = (m * pct).div_ceil(100);
            g.throughput(Throughput::Bytes(((m + r) * s) as u64));
            let id = format!("{label}_R{pct}pct");
            g.bench_function(BenchmarkId::new("lorafota_v1", &id), |b| {
                b.iter(|| black_box(enc.encode(r).expect("encodes")))
            });
            let enc_v2 = Encoder::new(data.clone(), s, Ts004Version::V2).expect("valid parameters");
            g.bench_function(BenchmarkId::new("lorafota_v2", &id), |b| {
                b.iter(|| black_box(enc_v2.encode(r).expect("encodes")))
            });
            let padded = enc.padded_block().to_vec();
            g.bench_function(BenchmarkId::new("lrwn_v1", &id), |b| {
                b.iter(|| {
                    black_box(
                        lrwn::applayer::fragmentation::v1::encode(&padded, s, r).expect("encodes"),
                    )
                })
            });
            g.bench_function(BenchmarkId::new("lrwn_v2", &id), |b| {
                b.iter(|| {
                    black_box(
                        lrwn::applayer::fragmentation::v2::encode(&padded, s, r).expect("encodes"),
                    )
                })
            });
            if pct == 20 {
                // What Python's `lorafota.encode(data, S, R)` does: check the parameters, copy
                // the caller's bytes padded, encode (python/benches/bench_encode.py compares).
                g.bench_function(BenchmarkId::new("lorafota_v1_from_slice", &id), |b| {
                    b.iter(|| {
                        let enc = Encoder::from_slice(black_box(&data), s, Ts004Version::V1)
                            .expect("valid parameters");
                        black_box(enc.encode(r).expect("encodes"))
                    })
                });
                let rs = RsEncoder::new(data.clone(), s).expect("valid parameters");
                g.bench_function(BenchmarkId::new("reed_solomon", &id), |b| {
                    b.iter(|| black_box(rs.encode(r).expect("encodes")))
                });
            }
        }
    }
    g.finish();
}

/// Feeds the fragments that survive i.i.d. loss `p` (seed as the reference harness) in counter
/// order until the decoder completes; returns the completion counter.
fn decode_once(block: &EncodedBlock, lost: &[bool], max_lost: u16) -> Option<u16> {
    let mut dec = Decoder::new_in_memory(block.params(), block.version(), Some(max_lost));
    for f in block.fragments() {
        if lost[usize::from(f.counter)] {
            continue;
        }
        if dec.push(f.counter, &f.payload).expect("valid fragment") == Progress::Completed {
            return Some(f.counter);
        }
    }
    None
}

/// The same with the Reed-Solomon decoder.
fn rs_decode_once(block: &RsEncodedBlock, lost: &[bool]) -> Option<u16> {
    let mut dec = RsDecoder::new(block.params(), block.field()).expect("valid parameters");
    for f in block.fragments() {
        if lost[usize::from(f.counter)] {
            continue;
        }
        if dec.push(f.counter, &f.payload).expect("valid fragment") == Progress::Completed {
            return Some(f.counter);
        }
    }
    None
}

fn decode(c: &mut Criterion) {
    let mut g = c.benchmark_group("decode");
    g.sample_size(10)
        .warm_up_time(Duration::from_millis(500))
        .measurement_time(Duration::from_secs(3));
    for (label, len, s) in SHAPES {
        let data = image(len);
        for version in [Ts004Version::V1, Ts004Version::V2] {
            let enc = Encoder::new(data.clone(), s, version).expect("valid parameters");
            let m = usize::from(enc.params().nb_frag());
            let r = (m * 20).div_ceil(100);
            let block = enc.encode(r).expect("encodes");
            let mut rng = SplitMix(3001);
            let lost: Vec<bool> = std::iter::once(false)
                .chain((0..m + r).map(|_| rng.unit() < 0.10))
                .collect();
            // Room for every coded fragment's worth of lost ones.
            let max_lost = r as u16;
            assert!(
                decode_once(&block, &lost, max_lost).is_some(),
                "{label}: 20 % redundancy decodes 10 % loss"
            );
            g.throughput(Throughput::Bytes(len as u64));
            let id = format!("{label}_R20pct_loss10pct_{version}");
            g.bench_function(BenchmarkId::new("lorafota", id), |b| {
                b.iter(|| black_box(decode_once(&block, &lost, max_lost)))
            });
        }
        let m = len.div_ceil(s);
        let rs_block = RsEncoder::new(data.clone(), s)
            .expect("valid parameters")
            .encode((m * 20).div_ceil(100))
            .expect("encodes");
        let mut rng = SplitMix(3001);
        let lost: Vec<bool> = std::iter::once(false)
            .chain((0..rs_block.len()).map(|_| rng.unit() < 0.10))
            .collect();
        g.bench_function(
            BenchmarkId::new("reed_solomon", format!("{label}_R20pct_loss10pct")),
            |b| b.iter(|| black_box(rs_decode_once(&rs_block, &lost))),
        );
    }
    g.finish();
}

criterion_group!(benches, encode, decode);
criterion_main!(benches);
