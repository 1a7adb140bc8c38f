"""``python -m lorafota``: the operator commands that make sense from Python.

    python -m lorafota demo [--devices 40] [--size 32768]   a FOTA campaign on the emulator
    python -m lorafota plan --size 102400 --region EU868 --dr 5 --loss 0.1 --target 0.99
    python -m lorafota airtime --sf 7 --bw 125k --payload 255
    python -m lorafota regions [NAME]

Everything else (encode/decode files, fota/mcm against a gateway, the emulator server) is the
``lorafota`` binary: ``cargo run --release --bin lorafota -- --help``.
"""

from __future__ import annotations

import argparse
import json
import random
import sys
from collections.abc import Sequence
from dataclasses import asdict

from . import Emulator, JobProgress, LorafotaError, airtime, plan, region, region_names

BINARY_ONLY = {"encode", "decode", "fota", "mcm", "progress", "results", "schedule", "status", "emulator"}


def _demo(args: argparse.Namespace) -> int:
    rng = random.Random(args.seed)
    firmware = bytes(rng.getrandbits(8) for _ in range(args.size))
    losses = [0.02, 0.05, 0.10, 0.15]
    fleet = [
        {"deveui": f"00-80-00-ff-00-02-{i >> 8:02x}-{i & 0xFF:02x}", "loss": losses[i % 4]}
        for i in range(args.devices)
    ]
    p = plan(len(firmware), "EU868", dr=5, loss=losses, target=0.99, simulate=2000, seed=args.seed)
    print(f"plan: {p.nb_frag} fragments of {p.fragment_size} B + {p.redundancy} coded, "
          f"expected success {100 * (p.expected_success or 0):.1f} %")  # fmt: skip
    with Emulator(fleet, speed=200, seed=args.seed) as emu:
        print(f"embedded emulator at {emu.url} ({len(fleet)} devices, clock x200)")
        tty = sys.stderr.isatty()

        def show(jp: JobProgress) -> None:
            print(f"\r{jp.phase or 'RUNNING':<12} {jp.percent:5.1f} %", end="", file=sys.stderr)

        out = emu.gateway(poll_interval=0.1).run_fota(
            firmware, emu.devices, redundancy=p.redundancy, setup=0, launch=5,
            progress=show if tty else None,
        )  # fmt: skip
    if tty:
        print(file=sys.stderr)
    print(f"{out.success} succeeded, {out.failed} failed")
    for d in out.result.failures():
        print(f"  {d.deveui}  {d.reason or d.status}")
    return 0 if out.all_succeeded else 1


def _plan(args: argparse.Namespace) -> int:
    p = plan(args.size, args.region, dr=args.dr, loss=args.loss, target=args.target,
             redundancy=args.redundancy)  # fmt: skip
    print(json.dumps(asdict(p)))
    return 0


def _airtime(args: argparse.Namespace) -> int:
    bw: int | str = int(args.bw) if args.bw.isdigit() else args.bw
    a = airtime(args.sf, bw, args.payload, cr=args.cr, crc=args.crc)
    print(json.dumps({k: v for k, v in asdict(a).items() if v is not None}))
    return 0


def _regions(args: argparse.Namespace) -> int:
    print(json.dumps(region(args.name) if args.name else region_names()))
    return 0


def main(argv: Sequence[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    if argv and argv[0] in BINARY_ONLY:
        print(f"lorafota: `{argv[0]}` is a command of the lorafota binary: "
              f"cargo run --release --bin lorafota -- {' '.join(argv)}", file=sys.stderr)  # fmt: skip
        return 2
    parser = argparse.ArgumentParser(prog="python -m lorafota", description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)  # fmt: skip
    sub = parser.add_subparsers(dest="command", required=True)
    demo = sub.add_parser("demo", help="a FOTA campaign against the embedded emulator")
    demo.add_argument("--devices", type=int, default=40)
    demo.add_argument("--size", type=int, default=32 * 1024)
    demo.add_argument("--seed", type=int, default=1)
    demo.set_defaults(run=_demo)
    pl = sub.add_parser("plan", help="plan a session (JSON)")
    pl.add_argument("--size", type=int, required=True)
    pl.add_argument("--region", default="EU868")
    pl.add_argument("--dr", type=int, default=None)
    pl.add_argument("--loss", type=float, default=None)
    pl.add_argument("--target", type=float, default=None)
    pl.add_argument("--redundancy", type=int, default=None)
    pl.set_defaults(run=_plan)
    at = sub.add_parser("airtime", help="LoRa time on air (JSON)")
    at.add_argument("--sf", type=int, required=True)
    at.add_argument("--bw", default="125k")
    at.add_argument("--payload", type=int, required=True)
    at.add_argument("--cr", default="4/5")
    at.add_argument("--crc", action="store_true")
    at.set_defaults(run=_airtime)
    rg = sub.add_parser("regions", help="region names, or one region's tables (JSON)")
    rg.add_argument("name", nargs="?")
    rg.set_defaults(run=_regions)
    args = parser.parse_args(argv)
    try:
        return int(args.run(args))
    except LorafotaError as e:
        print(f"lorafota: {e}", file=sys.stderr)
        return 2


if __name__ == "__main__":
    raise SystemExit(main())
