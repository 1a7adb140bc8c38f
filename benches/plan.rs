//! The planner's fleet simulation: 10,000 devices, M = 1000, 10 % i.i.d. loss, redundancy up
//! to 40 %. `cargo bench --bench plan`; figures in BENCHMARKS.md.
#![allow(clippy::expect_used)] // a benchmark that cannot set up should stop loudly

use std::hint::black_box;
use std::time::Duration;

use criterion::{Criterion, criterion_group, criterion_main};
use lorafota::core::frag::Ts004Version;
use lorafota::core::plan::{LossModel, SimDevice, simulate_fleet};

fn fleet(c: &mut Criterion) {
    let mut g = c.benchmark_group("simulate_fleet");
    g.sample_size(10)
        .warm_up_time(Duration::from_millis(500))
        .measurement_time(Duration::from_secs(4));
    for (label, loss) in [
        ("iid10pct", LossModel::iid(0.1).expect("valid")),
        (
            "bursty10pct_len5",
            LossModel::bursty(0.1, 5.0).expect("valid"),
        ),
    ] {
        let devices = vec![
            SimDevice {
                loss,
                max_lost: None
            };
            10_000
        ];
        g.bench_function(format!("10000dev_M1000_{label}"), |b| {
            b.iter(|| black_box(simulate_fleet(Ts004Version::V1, 1000, 400, &devices, 1)))
        });
    }
    g.finish();
}

criterion_group!(benches, fleet);
criterion_main!(benches);
