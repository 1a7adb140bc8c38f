"""Shared fixtures: the golden vectors beside the repository and an emulator per module."""

from __future__ import annotations

import hashlib
import json
import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

import lorafota


def vectors_dir() -> Path:
    """``../shared/vectors`` beside the repository (CI lays it there), or $LORAFOTA_VECTORS."""
    env = os.environ.get("LORAFOTA_VECTORS")
    if env:
        return Path(env)
    return Path(__file__).resolve().parents[3] / "shared" / "vectors"


def load_vectors(rel: str) -> Any:
    """One vector file, parsed."""
    return json.loads((vectors_dir() / rel).read_text())


def sha256_counter(seed_hex: str, length: int) -> bytes:
    """The vectors' ``sha256-counter`` data generator."""
    seed = bytes.fromhex(seed_hex)
    out = bytearray()
    i = 0
    while len(out) < length:
        out += hashlib.sha256(seed + i.to_bytes(4, "big")).digest()
        i += 1
    return bytes(out[:length])


def case_data(case: dict[str, Any]) -> bytes:
    """The data block of an encode case."""
    gen = case["data_generator"]
    if gen["algorithm"] == "literal":
        return bytes.fromhex(case["data_hex"])
    return sha256_counter(gen["seed_hex"], case["data_len"])


@pytest.fixture(scope="module")
def emulator() -> Iterator[lorafota.Emulator]:
    """An emulator with ten devices at 5 % loss, its clock 400x real time."""
    devices = [f"00-80-00-ff-00-00-01-{i:02x}" for i in range(1, 11)]
    with lorafota.Emulator(devices, loss=0.05, speed=400, seed=7) as emu:
        yield emu
