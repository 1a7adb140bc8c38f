"""The codec from Python: the TS004 golden vectors byte for byte, and properties."""

from __future__ import annotations

import hashlib
import random
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import lorafota
from conftest import case_data, load_vectors

TS004 = load_vectors("ts004/public.json")
ENCODE_CASES = {c["name"]: c for c in TS004["encode_cases"]}


def _version(v: str) -> str:
    return {"1.0.0": "v1", "2.0.0-lbm": "v2"}[v]


@pytest.mark.parametrize("case", TS004["encode_cases"], ids=lambda c: c["name"])
def test_encode_vectors(case: dict[str, Any]) -> None:
    data = case_data(case)
    assert hashlib.sha256(data).hexdigest() == case["data_sha256"]
    frags = lorafota.encode(
        data, case["fragment_size"], case["redundancy"], ts004=_version(case["ts004_version"])
    )
    assert (frags.nb_frag, frags.padding) == (case["nb_frag"], case["padding"])
    assert len(frags) == case["nb_frag"] + case["redundancy"]
    if "fragments" in case:
        assert [(c, p.hex()) for c, p in frags] == [
            (f["counter"], f["payload_hex"]) for f in case["fragments"]
        ]
    else:
        for f in case["fragments_sample"]:
            assert frags.payload(f["counter"]).hex() == f["payload_hex"]
    assert hashlib.sha256(frags.to_bytes()).hexdigest() == case["all_fragments_sha256"]


@pytest.mark.parametrize("case", TS004["decode_cases"], ids=lambda c: c["name"])
def test_decode_vectors(case: dict[str, Any]) -> None:
    enc = ENCODE_CASES[case["encode_case"]]
    data = case_data(enc)
    version = _version(case["ts004_version"])
    frags = lorafota.encode(data, case["fragment_size"], case["redundancy"], ts004=version)
    lost = set(case["lost_counters"])
    dec = lorafota.Decoder(frags.nb_frag, frags.fragment_size, frags.padding, ts004=version)
    received = 0
    completed_at = None
    for counter, payload in frags:
        if counter in lost:
            continue
        received += 1
        if dec.push(counter, payload) == "completed":
            completed_at = counter
            break
    exp = case["expected"]
    assert completed_at == exp["completed_at_counter"]
    assert dec.completed == exp["completed"]
    assert received == exp["received_count"]
    assert dec.lost == exp["lost_uncoded"]
    if exp["completed"]:
        assert dec.data == data
    else:
        assert dec.data is None


@pytest.mark.parametrize("row", TS004["parity_rows"], ids=lambda r: f"{r['ts004_version']}-{r['nb_frag']}-{r['coded_index']}")
def test_parity_rows(row: dict[str, Any]) -> None:
    cols = lorafota.parity_row(row["nb_frag"], row["coded_index"], ts004=_version(row["ts004_version"]))
    assert cols == row["ones"]
    assert len(cols) == row["weight"]


def test_fragments_is_a_sequence_with_the_session_parameters() -> None:
    frags = lorafota.encode(b"firmware image bytes", 8, 2)
    assert (frags.nb_frag, frags.padding, frags.redundancy, frags.data_len) == (3, 4, 2, 20)
    assert frags[0] == (1, b"firmware")
    assert frags[-1][0] == 5
    assert [c for c, _ in frags[1:3]] == [2, 3]
    assert frags.ts004 == "v1" and frags.codec == "ts004"
    with pytest.raises(IndexError):
        frags[5]
    zero = lorafota.encode(b"firmware image bytes", 8, 2, counter_base=0)
    assert [c for c, _ in zero] == [0, 1, 2, 3, 4]
    assert zero.payload(0) == b"firmware"
    assert "nb_frag=3" in repr(frags)


@pytest.mark.parametrize(
    ("kwargs", "needle"),
    [
        ({"fragment_size": 0}, "fragment"),
        ({"fragment_size": 256}, "fragment"),
        ({"ts004": "v3"}, "version"),
        ({"codec": "raptor"}, "codec"),
        ({"counter_base": 2}, "counter_base"),
    ],
)
def test_bad_encode_arguments_raise_parameter_error(kwargs: dict[str, Any], needle: str) -> None:
    args: dict[str, Any] = {"fragment_size": 10, **kwargs}
    fs = args.pop("fragment_size")
    with pytest.raises(lorafota.ParameterError) as e:
        lorafota.encode(b"x" * 100, fs, 2, **args)
    assert isinstance(e.value, ValueError)
    assert needle in str(e.value).lower()


def test_too_many_fragments_is_a_clear_error() -> None:
    with pytest.raises(ValueError, match="16383"):
        lorafota.encode(b"\0" * 16000, 1, 1000)


def test_decoder_rejects_garbage_without_changing_state() -> None:
    frags = lorafota.encode(bytes(range(200)), 20, 4)
    dec = lorafota.Decoder(frags.nb_frag, frags.fragment_size)
    dec.push(*frags[0])
    for counter, payload in [(0, bytes(20)), (20000, bytes(20)), (2, bytes(19))]:
        with pytest.raises(lorafota.DecodeError):
            dec.push(counter, payload)
    assert dec.received == 1 and dec.missing == 9


def test_decoder_reports_out_of_memory() -> None:
    frags = lorafota.encode(bytes(1000), 10, 40)
    dec = lorafota.Decoder(frags.nb_frag, frags.fragment_size, max_lost=3)
    statuses = [dec.push(c, p) for c, p in frags if c > 10]
    assert "failed" in statuses and dec.out_of_memory and not dec.completed
    assert dec.failure is not None and "3" in dec.failure


def test_reed_solomon_round_trip() -> None:
    data = bytes(random.Random(5).randbytes(5000))
    frags = lorafota.encode(data, 50, 30, codec="rs")
    assert frags.codec == "rs"
    dec = lorafota.Decoder(frags.nb_frag, frags.fragment_size, frags.padding, codec="rs", redundancy=30)
    kept = [f for f in frags if f[0] % 5 != 0]  # 26 of 130 lost, M = 100 left
    assert dec.push_all(kept) is not None
    assert dec.data == data


@settings(max_examples=60, deadline=None)
@given(
    data=st.binary(min_size=1, max_size=3000),
    fragment_size=st.integers(1, 255),
    redundancy_share=st.floats(0.2, 1.0),
    seed=st.integers(0, 2**32 - 1),
    version=st.sampled_from(["v1", "v2", "v2-spec"]),
)
def test_any_order_streaming_equals_batch(
    data: bytes, fragment_size: int, redundancy_share: float, seed: int, version: str
) -> None:
    frags = lorafota.encode(data, fragment_size, 0, ts004=version)
    m = frags.nb_frag
    r = max(1, int(m * redundancy_share))
    if m + r > 16383:
        return
    frags = lorafota.encode(data, fragment_size, r, ts004=version)
    rng = random.Random(seed)
    kept = [f for f in frags if rng.random() > 0.1]
    rng.shuffle(kept)
    one = lorafota.Decoder(m, frags.fragment_size, frags.padding, ts004=version)
    statuses = [one.push(c, p) for c, p in kept]
    batch = lorafota.Decoder(m, frags.fragment_size, frags.padding, ts004=version)
    completed_at = batch.push_all(kept)
    # Streaming and batch agree on the outcome and the completing fragment.
    assert one.completed == batch.completed
    assert one.completed_at == completed_at
    assert statuses.count("completed") == (1 if one.completed else 0)
    if one.completed:
        assert one.data == data == batch.data
    else:
        assert one.data is None and one.missing > 0


def test_encoding_releases_the_gil() -> None:
    import threading
    import time

    data = bytes(random.Random(1).randbytes(2 * 1024 * 1024))
    ticks = 0
    done = threading.Event()

    def count() -> None:
        nonlocal ticks
        while not done.is_set():
            ticks += 1
            time.sleep(0)

    counter = threading.Thread(target=count)
    counter.start()
    try:
        started = time.perf_counter()
        before = ticks
        while time.perf_counter() - started < 0.3:  # a few large encodes
            lorafota.encode(data, 200, 4000)
        during = ticks - before
    finally:
        done.set()
        counter.join()
    # With the GIL held for the whole call the other thread could only run between calls.
    assert during > 1000, during
