"""`python -m lorafota`: the commands that make sense from Python, and a pointer for the rest."""

from __future__ import annotations

import json
import subprocess
import sys


def run(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "lorafota", *args], capture_output=True,
                          text=True, timeout=120)  # fmt: skip


def test_airtime_plan_regions() -> None:
    a = run("airtime", "--sf", "7", "--bw", "125k", "--payload", "255")
    assert a.returncode == 0 and json.loads(a.stdout)["toa_us"] == 394_496
    p = run("plan", "--size", "102400", "--region", "EU868", "--dr", "5", "--redundancy", "43")
    assert p.returncode == 0 and json.loads(p.stdout)["nb_frag"] == 429
    r = run("regions")
    assert "EU868" in json.loads(r.stdout)


def test_bad_input_is_one_line_and_exit_2() -> None:
    bad = run("plan", "--size", "1000", "--dr", "9", "--redundancy", "3")
    assert bad.returncode == 2
    assert bad.stderr.startswith("lorafota: ") and bad.stderr.count("\n") == 1


def test_binary_only_commands_point_at_the_binary() -> None:
    out = run("fota", "fw.bin")
    assert out.returncode == 2 and "cargo run --release --bin lorafota -- fota fw.bin" in out.stderr


def test_demo_runs_a_campaign() -> None:
    out = run("demo", "--devices", "12", "--size", "8192")
    assert out.returncode in (0, 1), out.stderr
    assert "plan:" in out.stdout and "succeeded" in out.stdout
