"""Time on air, regional tables and the planner from Python, against the public vectors."""

from __future__ import annotations

import math
from fractions import Fraction
from typing import Any

import pytest

import lorafota
from conftest import load_vectors

AIRTIME = load_vectors("airtime/public.json")


@pytest.mark.parametrize("v", AIRTIME["lora_vectors"], ids=lambda v: v["id"])
def test_lora_airtime_vectors(v: dict[str, Any]) -> None:
    a = lorafota.airtime(
        v["sf"],
        v["bw_hz"],
        v["payload_len"],
        cr=v["coding_rate"],
        preamble=v["preamble_symbols"],
        crc=v["crc"],
        implicit_header=not v["explicit_header"],
        ldro="on" if v["ldro"] else "off",
    )
    e = v["expected"]
    assert a.toa_us == e["toa_us"]
    assert a.t_sym_us == e["t_sym_us"]
    assert a.n_payload_symbols == e["n_payload_symbols"]
    assert a.n_total_symbols == e["n_total_symbols"]
    assert a.toa.total_seconds() == pytest.approx(e["toa_us"] / 1e6)


@pytest.mark.parametrize("v", AIRTIME["fsk_vectors"], ids=lambda v: v["id"])
def test_fsk_airtime_vectors(v: dict[str, Any]) -> None:
    a = lorafota.airtime_fsk(v["bitrate_bps"], v["payload_len"])
    assert (a.bits, a.toa_us) == (v["expected"]["bits"], v["expected"]["toa_us"])


def test_airtime_accepts_hz_or_k_and_rejects_nonsense() -> None:
    assert lorafota.airtime(7, 125_000, 255).toa_us == lorafota.airtime(7, "125k", 255).toa_us == 394_496
    for bad in [dict(sf=4, bw="125k"), dict(sf=7, bw=100_000), dict(sf=7, bw="125k", cr="4/9")]:
        with pytest.raises(lorafota.ParameterError):
            lorafota.airtime(bad["sf"], bad["bw"], 10, cr=str(bad.get("cr", "4/5")))


REGIONAL = load_vectors("regional/regional.json")["regions"]
# AU915's uplink dwell tables are its no-repeater variants (as the Rust table test maps them).
VARIANT = {"uplink_dwell_0": "no_repeater", "uplink_dwell_400ms": "dwell_400ms_no_repeater"}
RADIO_FIELDS = ("modulation", "sf", "bw_hz", "coding_rate", "bitrate_bps", "occupied_channel_width_hz")


@pytest.mark.parametrize("name", sorted(REGIONAL), ids=str)
def test_region_tables_match_the_regional_vectors(name: str) -> None:
    want = REGIONAL[name]
    got = lorafota.region(name)
    for direction in ("uplink", "downlink"):
        ours = {d["dr"]: d for d in got[direction]}
        for row in want["data_rates"]:
            expected = row[direction]
            if expected is None:
                assert row["dr"] not in ours, (name, direction, row["dr"])
                continue
            d = ours[row["dr"]]
            for f in RADIO_FIELDS:
                if f == "coding_rate" and f in expected:
                    # LR-FHSS: RP002 writes 1/3, lrwn (the vectors' source) 2/6.
                    assert Fraction(d[f]) == Fraction(expected[f]), (name, direction, row["dr"])
                elif f in expected:
                    assert d[f] == expected[f], (name, direction, row["dr"], f)
            want_max = {
                VARIANT.get(v, v): {"M": m["M"], "N": m["N"]}
                for v, m in (expected["max_payload"] or {}).items()
            }
            assert d["max_payload"] == want_max, (name, direction, row["dr"])
    defaults = want.get("defaults")
    if defaults is not None:  # CN470 gives two plans; the Rust tests compare both
        assert got["rx2"] == {"frequency_hz": defaults["rx2_freq_hz"], "dr": defaults["rx2_dr"]}
    mc = want.get("class_c_multicast_default")
    if mc is not None and got["class_c_multicast_default"] is not None:
        assert got["class_c_multicast_default"] == {"frequency_hz": mc["freq_hz"], "dr": mc["dr"]}


def test_region_lookup() -> None:
    names = lorafota.region_names()
    assert set(REGIONAL) <= set(names) | {"AS923"}
    assert len(lorafota.regions()) == len(names)
    eu = lorafota.region("EU868")
    dr5 = next(d for d in eu["downlink"] if d["dr"] == 5)
    assert (dr5["sf"], dr5["bw_hz"], dr5["max_payload"]["no_repeater"]["N"]) == (7, 125_000, 242)
    with pytest.raises(lorafota.ParameterError):
        lorafota.region("XX999")


DURATION = load_vectors("timing/fuota_duration.json")


@pytest.mark.parametrize("row", DURATION["rows"], ids=lambda r: f"{r['region']}-{r['dr']}-{r['redundancy_percent']}")
def test_planner_reproduces_the_duration_table(row: dict[str, Any]) -> None:
    dr = int(row["dr"].removeprefix("DR"))
    try:
        p = lorafota.plan(
            DURATION["assumptions"]["image_bytes"], row["region"], dr=dr,
            redundancy_percent=row["redundancy_percent"],
        )  # fmt: skip
    except lorafota.ParameterError as e:
        # A session that cannot fit one Class C session: the table says so too.
        assert row["min_class_c_timeout_exponent_for_dc_schedule"] > 15, e
        assert "session" in str(e).lower() or "timeout" in str(e).lower()
        return
    assert p.fragment_size == row["fragment_size"]
    assert p.padding == row["padding"]
    assert p.nb_frag == row["data_fragments"]
    assert p.redundancy == row["redundant_fragments"]
    assert p.toa_per_fragment_us == row["toa_per_fragment_us"]
    assert p.airtime_us == row["airtime_us"]
    assert p.timeout_exponent == row["min_class_c_timeout_exponent_for_dc_schedule"]


def test_plan_for_a_target_and_the_start_times() -> None:
    p = lorafota.plan(65536, "EU868", dr=5, loss=0.1, target=0.99, scheduled=1_767_225_600,
                      setup=300, launch=60, simulate=2000)  # fmt: skip
    assert p.expected_success is not None and p.expected_success >= 0.99
    assert p.nb_frag == math.ceil(65536 / 239)
    assert p.start_unix == 1_767_225_600 + 360
    assert p.start_gps == p.start_unix - 315_964_800 + 18
    assert p.end_unix is not None and p.end_unix > p.start_unix
    assert p.total_fragments == p.nb_frag + p.redundancy
    assert "<table>" in p._repr_html_()


def test_plan_refuses_bad_input_naming_the_limit() -> None:
    with pytest.raises(lorafota.ParameterError):
        lorafota.plan(1000, "EU868", dr=9, redundancy=5)
    with pytest.raises(lorafota.ParameterError, match="N = 51"):
        lorafota.plan(1000, "EU868", dr=0, fragment_size=200, redundancy=5)
    with pytest.raises(ValueError):
        lorafota.plan(1000, "EU868", dr=5)  # neither a target nor a redundancy
