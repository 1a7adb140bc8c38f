"""Python's ``lorafota.encode`` beside the same call in Rust, in one run.

    .venv/bin/python python/benches/bench_encode.py            # 256 KiB, S=200, R=20 %

Times ``lorafota.encode(data, 200, 263)`` with timeit (median of many repeats), then runs the
criterion bench ``encode/lorafota_v1_from_slice/256KiB_S200_R20pct`` (the same work in Rust:
copy the bytes, check the parameters, encode) and prints both medians and the overhead.
"""

from __future__ import annotations

import json
import math
import statistics
import subprocess
import sys
import timeit
from pathlib import Path

import lorafota

ROOT = Path(__file__).resolve().parents[2]
CASE = "encode/lorafota_v1_from_slice/256KiB_S200_R20pct"


def image(length: int) -> bytes:
    """The Rust bench's image: splitmix64 seeded 42, one low byte per draw."""
    state, mask, out = 42, (1 << 64) - 1, bytearray(length)
    for i in range(length):
        state = (state + 0x9E3779B97F4A7C15) & mask
        z = state
        z = ((z ^ (z >> 30)) * 0xBF58476D1CE4E5B9) & mask
        z = ((z ^ (z >> 27)) * 0x94D049BB133111EB) & mask
        out[i] = (z ^ (z >> 31)) & 0xFF
    return bytes(out)


def python_median_s(data: bytes, s: int, r: int) -> float:
    lorafota.encode(data, s, r)  # warm up
    timer = timeit.Timer(lambda: lorafota.encode(data, s, r))
    number, _ = timer.autorange()
    runs = [t / number for t in timer.repeat(repeat=30, number=number)]
    return statistics.median(runs)


def rust_median_s() -> float:
    subprocess.run(
        ["cargo", "bench", "--bench", "ts004", "--", "--exact", CASE],
        cwd=ROOT, check=True, stdout=subprocess.DEVNULL,
    )  # fmt: skip
    estimates = ROOT / "target" / "criterion" / CASE / "new" / "estimates.json"
    return float(json.loads(estimates.read_text())["median"]["point_estimate"]) / 1e9


def main() -> int:
    data = image(256 * 1024)
    s = 200
    m = math.ceil(len(data) / s)
    r = math.ceil(m * 20 / 100)
    py = python_median_s(data, s, r)
    print(f"python  lorafota.encode 256 KiB S=200 R={r}: {py * 1e3:.3f} ms (median)")
    if "--python-only" in sys.argv:
        return 0
    rust = rust_median_s()
    print(f"rust    {CASE}: {rust * 1e3:.3f} ms (criterion median)")
    print(f"python overhead: {(py / rust - 1) * 100:+.1f} %")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
