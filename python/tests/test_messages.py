"""TS004/TS005/TS003 messages, the key chains and GPS time, from Python.

Every case of the shared golden vectors (../shared/vectors/{ts004,ts005,ts003}/public.json, the
same files the Rust tests read; override the folder with LORAFOTA_VECTORS), round-trip and
robustness properties (hypothesis), and the errors bad input gets.
"""

from __future__ import annotations

import calendar
import json
import os
import time
from collections.abc import Callable
from functools import cache
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from lorafota import gps, ts003, ts004, ts005
from lorafota.errors import LorafotaError, ParameterError, ParseError

Message = dict[str, Any]


def vectors_dir() -> Path:
    env = os.environ.get("LORAFOTA_VECTORS")
    if env:
        return Path(env)
    return Path(__file__).resolve().parents[3] / "shared" / "vectors"


@cache
def vectors(package: str) -> dict[str, Any]:
    path = vectors_dir() / package / "public.json"
    with path.open() as f:
        data: dict[str, Any] = json.load(f)
    return data


def unhex(fields: dict[str, Any]) -> dict[str, Any]:
    """A vector's fields in this API's representation: `x_hex` strings become `x` bytes."""
    out: dict[str, Any] = {}
    for key, value in fields.items():
        if key.endswith("_hex"):
            out[key[: -len("_hex")]] = bytes.fromhex(value)
        else:
            out[key] = value
    return out


def unix_of_utc(s: str) -> int:
    """'YYYY-MM-DDTHH:MM:SSZ' to Unix seconds."""
    return calendar.timegm(time.strptime(s, "%Y-%m-%dT%H:%M:%SZ"))


TS004_VERSIONS = {"1.0.0": "v1", "2.0.0-lbm": "v2"}


# ------------------------------------------------------------------------------------------------
# TS004 golden vectors


def test_ts004_every_public_message_case_builds_and_parses() -> None:
    cases = vectors("ts004")["message_cases"]
    assert len(cases) == 11, "the README promises 11 message cases"
    seen = set()
    for case in cases:
        version = TS004_VERSIONS[case["ts004_version"]]
        want = {"command": case["command"], **unhex(case["fields"])}
        wire = bytes.fromhex(case["hex"])
        uplink = case["direction"] == "uplink"
        assert ts004.build(want, ts004=version) == wire, case
        assert ts004.parse(wire, uplink=uplink, ts004=version) == [want], case
        seen.add(case["command"])
    assert len(seen) == 9


def test_ts004_chirpstack_v2_test_bytes() -> None:
    """ChirpStack lrwn v2 unit-test bytes, with the fields its tests give them."""
    down: list[tuple[str, Message]] = [
        ("00", {"command": "PackageVersionReq"}),
        ("0105", {"command": "FragSessionStatusReq", "frag_index": 2, "participants": True}),
        (
            "02 3100 0480 0d 40 01020304 8000 01020304",
            {
                "command": "FragSessionSetupReq",
                "frag_index": 3,
                "mc_group_bit_mask": [True, False, False, False],
                "nb_frag": 1024,
                "frag_size": 128,
                "frag_algo": 1,
                "block_ack_delay": 5,
                "padding": 64,
                "descriptor": bytes([1, 2, 3, 4]),
                "ack_reception": False,
                "session_cnt": 128,
                "mic": bytes([1, 2, 3, 4]),
            },
        ),
        ("0303", {"command": "FragSessionDeleteReq", "frag_index": 3}),
        ("0402", {"command": "FragDataBlockReceivedAns", "frag_index": 2}),
        (
            "08 0084 01020304",
            {
                "command": "DataFragment",
                "frag_index": 2,
                "counter": 1024,
                "payload": bytes([1, 2, 3, 4]),
            },
        ),
    ]
    up: list[tuple[str, Message]] = [
        (
            "000302",
            {"command": "PackageVersionAns", "package_identifier": 3, "package_version": 2},
        ),
        (
            "010500c480",
            {
                "command": "FragSessionStatusAns",
                "not_enough_matrix_memory": True,
                "mic_error": False,
                "session_does_not_exist": True,
                "frag_index": 3,
                "nb_frag_received": 1024,
                "missing_frag": 128,
            },
        ),
        (
            "028b",
            {
                "command": "FragSessionSetupAns",
                "frag_index": 2,
                "encoding_unsupported": True,
                "not_enough_memory": True,
                "frag_index_unsupported": False,
                "wrong_descriptor": True,
                "session_cnt_replay": False,
            },
        ),
        (
            "0307",
            {"command": "FragSessionDeleteAns", "frag_index": 3, "session_does_not_exist": True},
        ),
        ("0406", {"command": "FragDataBlockReceivedReq", "frag_index": 2, "mic_error": True}),
    ]
    for version in ("v2", "v2-spec"):
        for uplink, pairs in ((False, down), (True, up)):
            for hex_, message in pairs:
                wire = bytes.fromhex(hex_)
                assert ts004.build(message, ts004=version) == wire, message
                assert ts004.parse(wire, uplink=uplink, ts004=version) == [message], message


def test_ts004_v2_status_ans_short_form() -> None:
    short: Message = {
        "command": "FragSessionStatusAns",
        "not_enough_matrix_memory": False,
        "mic_error": False,
        "session_does_not_exist": True,
        "frag_index": None,
        "nb_frag_received": None,
        "missing_frag": None,
    }
    assert ts004.build(short, ts004="v2") == bytes([0x01, 0x04])
    # The counters may also be left out.
    lean = {k: v for k, v in short.items() if v is not None}
    assert ts004.build(lean, ts004="v2") == bytes([0x01, 0x04])
    delete = {"command": "FragSessionDeleteAns", "frag_index": 1, "session_does_not_exist": True}
    assert ts004.parse(bytes([0x01, 0x04, 0x03, 0x05]), uplink=True, ts004="v2") == [short, delete]
    with pytest.raises(ParameterError, match="SessionDoesNotExist"):
        ts004.build({**short, "session_does_not_exist": False}, ts004="v2")
    with pytest.raises(ParameterError, match="together"):
        ts004.build({**short, "frag_index": 1}, ts004="v2")


def test_ts004_v2_only_commands_and_fields_are_refused_under_v1() -> None:
    with pytest.raises(ParameterError, match="v2"):
        ts004.build({"command": "FragDataBlockReceivedAns", "frag_index": 0})
    with pytest.raises(ParameterError, match="v2"):
        ts004.build({"command": "FragDataBlockReceivedReq", "frag_index": 0, "mic_error": False})
    ans = {
        "command": "FragSessionSetupAns",
        "frag_index": 0,
        "encoding_unsupported": False,
        "not_enough_memory": False,
        "frag_index_unsupported": False,
        "wrong_descriptor": False,
    }
    with pytest.raises(ParameterError, match="session_cnt_replay"):
        ts004.build({**ans, "session_cnt_replay": True}, ts004="v1")
    with pytest.raises(ParameterError, match="missing field 'session_cnt_replay'"):
        ts004.build(ans, ts004="v2")
    # Bit 4 is RFU in v1: ignored there, SessionCnt replay in v2.
    assert ts004.parse(bytes([0x02, 0x10]), uplink=True) == [ans]
    assert ts004.parse(bytes([0x02, 0x10]), uplink=True, ts004="v2") == [
        {**ans, "session_cnt_replay": True}
    ]
    with pytest.raises(ParseError):
        ts004.parse(bytes([0x04, 0x02]))


def test_ts004_mic_known_answers_from_openssl() -> None:
    """The Rust crate's OpenSSL-computed known answers (`openssl enc`, `openssl mac CMAC`)."""
    key = ts004.data_block_int_key(bytes(range(16)))
    assert key == bytes.fromhex("017a8bd9ecd102ba4bb7946d3d8707e0")
    mic = ts004.data_block_mic(key, 128, 3, bytes([1, 2, 3, 4]), bytes(range(10)))
    assert mic == bytes.fromhex("1122ad8b")
    # Ready for the v2 FragSessionSetupReq field.
    setup = {
        "command": "FragSessionSetupReq",
        "frag_index": 3,
        "mc_group_bit_mask": [False] * 4,
        "nb_frag": 1,
        "frag_size": 10,
        "frag_algo": 0,
        "block_ack_delay": 0,
        "padding": 0,
        "descriptor": bytes([1, 2, 3, 4]),
        "ack_reception": True,
        "session_cnt": 128,
        "mic": mic,
    }
    wire = ts004.build(setup, ts004="v2")
    assert wire[-4:] == mic
    assert ts004.parse(wire, ts004="v2") == [setup]


def test_ts004_constants() -> None:
    assert ts004.DEFAULT_FPORT == 201
    assert ts004.PACKAGE_IDENTIFIER == 3


# ------------------------------------------------------------------------------------------------
# TS005 golden vectors


ROOT_KEY_KINDS = {"GenAppKey": "gen_app_key", "AppKey": "app_key"}


def test_ts005_every_key_case_derives_the_published_chain() -> None:
    cases = vectors("ts005")["key_cases"]
    assert len(cases) == 9
    for case in cases:
        name = case["id"]
        b = lambda k: bytes.fromhex(case[k])  # noqa: E731
        kind = ROOT_KEY_KINDS[case["root_key_name"]]
        mc_root = ts005.mc_root_key(b("root_key"), kind=kind)  # type: ignore[arg-type]
        assert mc_root == b("mc_root_key"), name
        ke = ts005.mc_ke_key(mc_root)
        assert ke == b("mc_ke_key"), name
        encrypted = ts005.encrypt_mc_key(ke, b("mc_key"))
        assert encrypted == b("mc_key_encrypted"), name
        assert ts005.decrypt_mc_key(ke, encrypted) == b("mc_key"), name

        addr = int(case["mc_addr_msb"], 16)
        assert addr.to_bytes(4, "little") == b("mc_addr_le_bytes"), name
        assert ts005.mc_session_keys(b("mc_key"), addr) == (
            b("mc_app_s_key"),
            b("mc_nwk_s_key"),
        ), name

        setup = case["mc_group_setup_req"]
        req = {
            "command": "McGroupSetupReq",
            "mc_group_id": setup["mc_group_id"],
            "mc_addr": addr,
            "mc_key_encrypted": encrypted,
            "min_mc_fcnt": setup["min_mc_fcnt"],
            "max_mc_fcnt": setup["max_mc_fcnt"],
        }
        wire = bytes.fromhex(setup["bytes_hex"])
        assert ts005.build(req) == wire, name
        assert ts005.parse(wire) == [req], name


def test_ts005_mc_key_encryption_cases() -> None:
    cases = vectors("ts005")["encrypt_mc_key_only"]
    assert len(cases) == 2
    for case in cases:
        ke, key = bytes.fromhex(case["mc_ke_key"]), bytes.fromhex(case["mc_key"])
        want = bytes.fromhex(case["mc_key_encrypted"])
        assert ts005.encrypt_mc_key(ke, key) == want
        assert ts005.decrypt_mc_key(ke, want) == key
        # The server step is the AES *decrypt* primitive: encrypting gives another key.
        assert ts005.decrypt_mc_key(ke, key) != want


def test_ts005_every_downlink_case_builds_and_parses() -> None:
    cases = vectors("ts005")["downlink_commands"]
    assert len(cases) == 8
    for case in cases:
        name = case["id"]
        fields = dict(case["fields"])
        utc = fields.pop("session_start_utc", None)
        want = {"command": case["command"], **fields}
        wire = bytes.fromhex(case["bytes_hex"])
        assert ts005.build(want) == wire, name
        assert ts005.parse(wire) == [want], name
        if utc is not None:
            # SessionTime is the GPS time of the start (leap seconds counted), rounded down to
            # 128 s for the Class B case as ChirpStack did.
            start = gps.gps_from_unix(unix_of_utc(utc))
            if case["command"] == "McClassBSessionReq":
                assert gps.is_class_b_aligned(want["session_time"])
                start = gps.class_b_aligned_down(start)
            assert gps.session_time_u32(start) == want["session_time"], name


def test_ts005_multitech_timeout_is_the_exponent() -> None:
    """MultiTech's '15 minutes' TimeOut is the TS005 exponent: 2^15 s on the device."""
    [req] = ts005.parse(bytes.fromhex("040011a2a84c0f68e28c0a"))
    assert req["time_out"] == 15
    assert gps.class_c_timeout_seconds(req["time_out"]) == 32_768
    assert req["dl_freq_hz"] == 923_300_000


SESSION_FLAGS = ("dr_error", "freq_error", "mc_group_undefined", "start_missed")


def session_ans(command: str, fields: dict[str, Any]) -> Message:
    """A vector's session answer with the flags it leaves out set to False, as the Rust test."""
    out: Message = {"command": command, "mc_group_id": fields["mc_group_id"]}
    for flag in SESSION_FLAGS:
        out[flag] = fields.get(flag, False)
    out["time_to_start"] = fields.get("time_to_start")
    return out


def test_ts005_every_uplink_case_builds_and_parses() -> None:
    cases = vectors("ts005")["uplink_answers"]
    assert len(cases) == 11
    for case in cases:
        name, f = case["id"], case["fields"]
        command = case["command"]
        msgs: list[Message]
        if command == "PackageVersionAns":
            msgs = [{"command": command, **f}]
        elif command == "McGroupSetupAns":
            msgs = [{"command": command, "mc_group_id": f["mc_group_id"], "id_error": f["id_error"]}]
        elif command == "McGroupDeleteAns":
            msgs = [{"command": command, **f}]
        elif command in ("McClassCSessionAns", "McClassBSessionAns"):
            msgs = [session_ans(command, f)]
        elif command == "McGroupSetupAns + McClassCSessionAns":
            msgs = [
                {"command": "McGroupSetupAns", "mc_group_id": f["mc_group_id"], "id_error": False},
                session_ans("McClassCSessionAns", f),
            ]
        else:
            pytest.fail(f"{name}: unexpected command {command}")
        wire = bytes.fromhex(case["bytes_hex"])
        assert b"".join(ts005.build(m) for m in msgs) == wire, name
        assert ts005.parse(wire, uplink=True) == msgs, name


def test_ts005_group_status_round_trip() -> None:
    req = {"command": "McGroupStatusReq", "req_group_mask": [True, False, True, True]}
    assert ts005.build(req) == bytes([0x01, 0b1101])
    ans = {"command": "McGroupStatusAns", "nb_total_groups": 3, "groups": [0x01020304, None, 7, None]}
    wire = ts005.build(ans)
    assert wire == bytes([0x01, 0x35, 0, 4, 3, 2, 1, 2, 7, 0, 0, 0])
    assert ts005.parse(wire, uplink=True) == [ans]
    with pytest.raises(ParameterError, match="nb_total_groups"):
        ts005.build({**ans, "nb_total_groups": 8})


def test_ts005_time_to_start_must_match_the_flags() -> None:
    ok = session_ans("McClassCSessionAns", {"mc_group_id": 1, "time_to_start": 10})
    assert ts005.build(ok) == bytes([0x04, 0x01, 10, 0, 0])
    with pytest.raises(ParameterError, match="time_to_start"):
        ts005.build({**ok, "dr_error": True})
    with pytest.raises(ParameterError, match="time_to_start"):
        ts005.build({**ok, "time_to_start": None})
    with pytest.raises(ParameterError, match="time_to_start"):
        ts005.build({**ok, "time_to_start": 1 << 24})


def test_ts005_constants() -> None:
    assert ts005.DEFAULT_FPORT == vectors("ts005")["conventions"]["default_fport"] == 200
    assert ts005.PACKAGE_IDENTIFIER == 2


# ------------------------------------------------------------------------------------------------
# GPS time and TS003 golden vectors


def test_every_gps_case_converts_both_ways() -> None:
    data = vectors("ts003")
    assert data["unix_gps_epoch_offset_s"] == gps.GPS_EPOCH_UNIX_SECONDS
    cases = data["gps_time"]
    assert len(cases) == 8
    for case in cases:
        utc, unix = case["utc"], case["unix_seconds"]
        assert unix_of_utc(utc) == unix, utc
        g = gps.gps_from_unix(unix)
        assert g == case["gps_seconds"], utc
        assert gps.leap_seconds(unix) == case["gps_minus_unix_plus_epoch_offset"], utc
        assert gps.session_time_u32(g) == case["session_time_u32"], utc
        assert gps.unix_from_gps(g) == unix, utc
        # ChirpStack's rounding is what the vectors carry; ours rounds up to stay in the future.
        down = gps.class_b_aligned_down(g)
        assert gps.session_time_u32(down) == case["class_b_aligned_session_time"], utc
        up = gps.class_b_aligned_up(g)
        assert up >= g and gps.is_class_b_aligned(up) and up - down <= 128
        assert (up == down) == gps.is_class_b_aligned(g), utc
    assert data["leap_seconds_since_2017"] == 18 == gps.leap_seconds(unix_of_utc("2030-01-01T00:00:00Z"))


def test_gps_time_jumps_by_two_at_the_2012_entry() -> None:
    before = gps.gps_from_unix(1_341_100_799)
    after = gps.gps_from_unix(1_341_100_800)
    assert after - before == 2
    assert gps.unix_from_gps(before + 1) == 1_341_100_799


def test_gps_loramac_clock_and_timeouts() -> None:
    g = gps.gps_from_unix(1_752_451_200)
    assert gps.loramac_unix_from_gps(g) == 1_752_451_218
    assert gps.gps_from_loramac_unix(1_752_451_218) == g
    assert gps.class_c_timeout_seconds(0) == 1
    assert gps.class_c_timeout_seconds(15) == 32_768
    assert gps.class_b_timeout_seconds(15) == 128 * 32_768
    assert gps.class_c_timeout_covering(257) == 9
    assert gps.class_c_timeout_covering(256.0) == 8
    assert gps.class_c_timeout_covering(32_769) is None
    assert gps.class_b_timeout_covering(129) == 1
    assert gps.CLASS_B_BEACON_PERIOD_SECONDS == 128
    assert gps.from_session_time_u32(gps.session_time_u32(5_000_000_000), 5_000_000_000) == 5_000_000_000


def test_ts003_every_clocksync_case_computes_and_encodes() -> None:
    data = vectors("ts003")
    assert data["default_fport"] == ts003.DEFAULT_FPORT == 202
    cases = data["clocksync"]
    assert len(cases) == 4
    for case in cases:
        name = case["id"]
        req = {
            "command": "AppTimeReq",
            "device_time": case["device_time"],
            "token_req": case["token_req"],
            "ans_required": case["ans_required"],
        }
        network = case["network_uplink_gps_time_s"]
        if "app_time_req_bytes_hex" in case:
            wire = bytes.fromhex(case["app_time_req_bytes_hex"])
            assert ts003.build(req) == wire, name
            assert ts003.parse(wire, uplink=True) == [req], name
        if "time_correction" in case:
            for version in ("v1", "v2"):
                correction = ts003.time_correction(network, req["device_time"], ts003=version)  # type: ignore[arg-type]
                assert correction == case["time_correction"], name
                ans = {"command": "AppTimeAns", "time_correction": correction, "token_ans": req["token_req"]}
                wire = bytes.fromhex(case["app_time_ans_bytes_hex"])
                assert ts003.build(ans) == wire, name
                assert ts003.parse(wire) == [ans], name
        if "time_correction_sequence" in case:
            # TS003-2.0.0 3.2: saturate, the device applies it and asks again (next token), the
            # second answer carries the remainder.
            wires = case["app_time_ans_bytes_hex_sequence"]
            applied = 0
            device, token = req["device_time"], req["token_req"]
            for step, (want, wire_hex) in enumerate(zip(case["time_correction_sequence"], wires, strict=True)):
                correction = ts003.time_correction(network, device, ts003="v2")
                assert correction == want, (name, step)
                assert (correction in (2**31 - 1, -(2**31))) == (step == 0)
                ans = {"command": "AppTimeAns", "time_correction": correction, "token_ans": token}
                assert ts003.build(ans) == bytes.fromhex(wire_hex), (name, step)
                applied += correction
                device += correction
                token = (token + 1) % 16
            assert applied == case["true_difference_s"], name
            assert ts003.time_correction(network, device, ts003="v2") == 0


def test_ts003_every_other_command_case_encodes() -> None:
    cases = vectors("ts003")["other_commands"]
    assert len(cases) == 5
    for case in cases:
        name = case["command"]
        wire = bytes.fromhex(case["bytes_hex"])
        fields = case.get("fields", {})
        if name.startswith("PackageVersionAns"):
            version = int(name[-1])
            msg: Message = {"command": "PackageVersionAns", "package_identifier": 1, "package_version": version}
            uplink = True
        elif name.startswith("ForceDeviceResync"):
            msg, uplink = {"command": "ForceDeviceResyncReq", **fields}, False
        elif name == "DeviceAppTimePeriodicityReq":
            msg, uplink = {"command": name, **fields}, False
        elif name == "DeviceAppTimePeriodicityAns":
            msg, uplink = {"command": name, **fields}, True
        else:
            pytest.fail(f"unexpected command {name}")
        assert ts003.build(msg) == wire, name
        assert ts003.parse(wire, uplink=uplink) == [msg], name
    assert ts003.period_seconds(15) == 128 * 2**15
    assert ts003.period_covering(129) == 1
    assert ts003.period_covering(128 * 2**15 + 1) is None
    assert ts003.PACKAGE_IDENTIFIER == 1


# ------------------------------------------------------------------------------------------------
# Strategies: valid messages, per package, direction and version

u8 = st.integers(0, 0xFF)
u16 = st.integers(0, 0xFFFF)
u32 = st.integers(0, 0xFFFF_FFFF)
flag = st.booleans()
index = st.integers(0, 3)
mask = st.lists(st.booleans(), min_size=4, max_size=4)


def message(command: str, **fields: st.SearchStrategy[Any]) -> st.SearchStrategy[Message]:
    return st.fixed_dictionaries({"command": st.just(command), **fields})


def ts004_downlink(version: str) -> st.SearchStrategy[Message]:
    setup: dict[str, st.SearchStrategy[Any]] = {
        "frag_index": index,
        "mc_group_bit_mask": mask,
        "nb_frag": u16,
        "frag_size": u8,
        "frag_algo": st.integers(0, 7),
        "block_ack_delay": st.integers(0, 7),
        "padding": u8,
        "descriptor": st.binary(min_size=4, max_size=4),
    }
    if version != "v1":
        setup |= {"ack_reception": flag, "session_cnt": u16, "mic": st.binary(min_size=4, max_size=4)}
    options = [
        message("PackageVersionReq"),
        message("FragSessionStatusReq", frag_index=index, participants=flag),
        message("FragSessionSetupReq", **setup),
        message("FragSessionDeleteReq", frag_index=index),
    ]
    if version != "v1":
        options.append(message("FragDataBlockReceivedAns", frag_index=index))
    return st.one_of(options)


def ts004_data_fragment() -> st.SearchStrategy[Message]:
    return message(
        "DataFragment",
        frag_index=index,
        counter=st.integers(1, 16383),
        payload=st.binary(max_size=255),
    )


def ts004_uplink(version: str) -> st.SearchStrategy[Message]:
    v2 = version != "v1"
    setup_ans: dict[str, st.SearchStrategy[Any]] = {
        "frag_index": index,
        "encoding_unsupported": flag,
        "not_enough_memory": flag,
        "frag_index_unsupported": flag,
        "wrong_descriptor": flag,
    }
    if v2:
        setup_ans["session_cnt_replay"] = flag
    progress: dict[str, st.SearchStrategy[Any]] = {
        "frag_index": index,
        "nb_frag_received": st.integers(0, 16383),
        "missing_frag": u8,
    }
    options = [
        message("PackageVersionAns", package_identifier=u8, package_version=u8),
        message("FragSessionSetupAns", **setup_ans),
        message("FragSessionDeleteAns", frag_index=index, session_does_not_exist=flag),
    ]
    if v2:
        long_form = message(
            "FragSessionStatusAns",
            not_enough_matrix_memory=flag,
            mic_error=flag,
            session_does_not_exist=flag,
            **progress,
        )
        short_form = message(
            "FragSessionStatusAns",
            not_enough_matrix_memory=flag,
            mic_error=flag,
            session_does_not_exist=st.just(True),
            frag_index=st.none(),
            nb_frag_received=st.none(),
            missing_frag=st.none(),
        )
        options += [
            long_form,
            short_form,
            message("FragDataBlockReceivedReq", frag_index=index, mic_error=flag),
        ]
    else:
        options.append(message("FragSessionStatusAns", not_enough_matrix_memory=flag, **progress))
    return st.one_of(options)


freq_hz = st.integers(0, 0xFF_FFFF).map(lambda f: f * 100)
time_out = st.integers(0, 15)


def ts005_downlink() -> st.SearchStrategy[Message]:
    return st.one_of(
        message("PackageVersionReq"),
        message("McGroupStatusReq", req_group_mask=mask),
        message(
            "McGroupSetupReq",
            mc_group_id=index,
            mc_addr=u32,
            mc_key_encrypted=st.binary(min_size=16, max_size=16),
            min_mc_fcnt=u32,
            max_mc_fcnt=u32,
        ),
        message("McGroupDeleteReq", mc_group_id=index),
        message(
            "McClassCSessionReq",
            mc_group_id=index,
            session_time=u32,
            time_out=time_out,
            dl_freq_hz=freq_hz,
            dr=u8,
        ),
        message(
            "McClassBSessionReq",
            mc_group_id=index,
            session_time=u32,
            time_out=time_out,
            periodicity=st.integers(0, 7),
            dl_freq_hz=freq_hz,
            dr=u8,
        ),
    )


@st.composite
def ts005_session_ans(draw: Callable[[st.SearchStrategy[Any]], Any], command: str) -> Message:
    flags = {name: draw(flag) for name in SESSION_FLAGS}
    accepted = not any(flags.values())
    return {
        "command": command,
        "mc_group_id": draw(index),
        **flags,
        "time_to_start": draw(st.integers(0, 0xFF_FFFF)) if accepted else None,
    }


def ts005_uplink() -> st.SearchStrategy[Message]:
    return st.one_of(
        message("PackageVersionAns", package_identifier=u8, package_version=u8),
        message(
            "McGroupStatusAns",
            nb_total_groups=st.integers(0, 7),
            groups=st.lists(st.one_of(st.none(), u32), min_size=4, max_size=4),
        ),
        message("McGroupSetupAns", mc_group_id=index, id_error=flag),
        message("McGroupDeleteAns", mc_group_id=index, mc_group_undefined=flag),
        ts005_session_ans("McClassCSessionAns"),
        ts005_session_ans("McClassBSessionAns"),
    )


def ts003_downlink() -> st.SearchStrategy[Message]:
    return st.one_of(
        message("PackageVersionReq"),
        message("AppTimeAns", time_correction=st.integers(-(2**31), 2**31 - 1), token_ans=st.integers(0, 15)),
        message("DeviceAppTimePeriodicityReq", period=st.integers(0, 15)),
        message("ForceDeviceResyncReq", nb_transmissions=st.integers(0, 7)),
    )


def ts003_uplink() -> st.SearchStrategy[Message]:
    return st.one_of(
        message("PackageVersionAns", package_identifier=u8, package_version=u8),
        message("AppTimeReq", device_time=u32, token_req=st.integers(0, 15), ans_required=flag),
        message("DeviceAppTimePeriodicityAns", not_supported=flag, device_time=u32),
    )


ts004_version = st.sampled_from(["v1", "v2", "v2-spec"])


def ts004_any() -> st.SearchStrategy[tuple[str, bool, Message]]:
    """(version, uplink, message) for every TS004 command valid under the version."""
    return ts004_version.flatmap(
        lambda v: st.one_of(
            st.tuples(st.just(v), st.just(False), ts004_downlink(v)),
            st.tuples(st.just(v), st.just(False), ts004_data_fragment()),
            st.tuples(st.just(v), st.just(True), ts004_uplink(v)),
        )
    )


# ------------------------------------------------------------------------------------------------
# Properties


@settings(max_examples=400)
@given(ts004_any())
def test_ts004_parse_inverts_build(case: tuple[str, bool, Message]) -> None:
    version, uplink, msg = case
    wire = ts004.build(msg, ts004=version)  # type: ignore[arg-type]
    assert ts004.parse(wire, uplink=uplink, ts004=version) == [msg]  # type: ignore[arg-type]


@given(ts004_version.flatmap(lambda v: st.tuples(st.just(v), st.lists(ts004_downlink(v), max_size=6))))
def test_ts004_command_sequences_parse_back(case: tuple[str, list[Message]]) -> None:
    version, msgs = case
    wire = b"".join(ts004.build(m, ts004=version) for m in msgs)  # type: ignore[arg-type]
    assert ts004.parse(wire, ts004=version) == msgs  # type: ignore[arg-type]


@settings(max_examples=300)
@given(st.one_of(st.tuples(st.just(False), ts005_downlink()), st.tuples(st.just(True), ts005_uplink())))
def test_ts005_parse_inverts_build(case: tuple[bool, Message]) -> None:
    uplink, msg = case
    assert ts005.parse(ts005.build(msg), uplink=uplink) == [msg]


@given(st.lists(ts005_uplink(), max_size=5))
def test_ts005_uplink_sequences_parse_back(msgs: list[Message]) -> None:
    wire = b"".join(ts005.build(m) for m in msgs)
    assert ts005.parse(wire, uplink=True) == msgs


@settings(max_examples=300)
@given(st.one_of(st.tuples(st.just(False), ts003_downlink()), st.tuples(st.just(True), ts003_uplink())))
def test_ts003_parse_inverts_build(case: tuple[bool, Message]) -> None:
    uplink, msg = case
    assert ts003.parse(ts003.build(msg), uplink=uplink) == [msg]


Parser = Callable[[bytes, bool], list[Message]]
PARSERS: dict[str, tuple[Parser, Callable[[Message], bytes]]] = {
    "ts004 v1": (lambda b, up: ts004.parse(b, uplink=up), lambda m: ts004.build(m)),
    "ts004 v2": (lambda b, up: ts004.parse(b, uplink=up, ts004="v2"), lambda m: ts004.build(m, ts004="v2")),
    "ts004 v2-spec": (
        lambda b, up: ts004.parse(b, uplink=up, ts004="v2-spec"),
        lambda m: ts004.build(m, ts004="v2-spec"),
    ),
    "ts005": (lambda b, up: ts005.parse(b, uplink=up), ts005.build),
    "ts003": (lambda b, up: ts003.parse(b, uplink=up), ts003.build),
}


@settings(max_examples=500)
@given(st.sampled_from(sorted(PARSERS)), st.booleans(), st.binary(max_size=48))
def test_parsers_are_total(package: str, uplink: bool, data: bytes) -> None:
    """Any bytes: a list of commands or a ParseError (a ValueError), nothing else. What parses
    builds again; a whole downlink payload is exactly what its commands build (downlinks refuse
    RFU bits)."""
    parse, build = PARSERS[package]
    try:
        msgs = parse(data, uplink)
    except ParseError as e:
        assert isinstance(e, ValueError) and isinstance(e, LorafotaError)
        return
    assert isinstance(msgs, list) and len(msgs) <= len(data)
    rebuilt = b"".join(build(m) for m in msgs)
    if not uplink:
        assert rebuilt == data


@given(st.integers(gps.GPS_EPOCH_UNIX_SECONDS, 2**40))
def test_gps_round_trips(unix: int) -> None:
    g = gps.gps_from_unix(unix)
    assert gps.unix_from_gps(g) == unix
    assert 0 <= g - (unix - gps.GPS_EPOCH_UNIX_SECONDS) == gps.leap_seconds(unix) <= 18
    up, down = gps.class_b_aligned_up(g), gps.class_b_aligned_down(g)
    assert down <= g <= up and up - down in (0, 128) and up % 128 == down % 128 == 0


@given(st.integers(0, 2**40), st.integers(-(2**31), 2**31 - 1))
def test_gps_session_time_resolves_near_the_reference(g: int, delta: int) -> None:
    reference = max(0, g + delta)
    if abs(reference - g) >= 2**31:
        return
    assert gps.from_session_time_u32(gps.session_time_u32(g), reference) == g


# ------------------------------------------------------------------------------------------------
# Bad input


GOOD_FRAGMENT: Message = {"command": "DataFragment", "frag_index": 1, "counter": 1, "payload": b"\x00"}


@pytest.mark.parametrize(
    ("message", "match"),
    [
        ({**GOOD_FRAGMENT, "frag_index": 4}, "field 'frag_index'.*out of range"),
        ({**GOOD_FRAGMENT, "counter": 0}, "field 'counter'"),
        ({**GOOD_FRAGMENT, "counter": 16384}, "field 'counter'"),
        ({**GOOD_FRAGMENT, "counter": -1}, "field 'counter'"),
        ({**GOOD_FRAGMENT, "counter": 1.0}, "field 'counter'.*float"),
        ({**GOOD_FRAGMENT, "counter": True}, "field 'counter'.*bool"),
        ({**GOOD_FRAGMENT, "counter": 10**30}, "field 'counter'.*out of range"),
        ({**GOOD_FRAGMENT, "payload": "00"}, "field 'payload'.*bytes"),
        ({**GOOD_FRAGMENT, "extra": 1}, "unexpected field 'extra'"),
        ({k: v for k, v in GOOD_FRAGMENT.items() if k != "counter"}, "missing field 'counter'"),
        ({"command": "FragSessionStatusReq", "frag_index": 0, "participants": 1}, "field 'participants'.*bool"),
        ({"command": "Nope"}, "unknown TS004 command"),
        ({"frag_index": 1}, "missing field 'command'"),
        ({"command": 5}, "'command' must be a str"),
        ({1: 2, "command": "PackageVersionReq"}, "field names must be str"),
    ],
)
def test_ts004_bad_messages_name_the_field(message: Any, match: str) -> None:
    with pytest.raises(ParameterError, match=match) as info:
        ts004.build(message)
    assert isinstance(info.value, ValueError)


def test_ts004_setup_req_field_checks() -> None:
    setup = {
        "command": "FragSessionSetupReq",
        "frag_index": 0,
        "mc_group_bit_mask": [False] * 4,
        "nb_frag": 10,
        "frag_size": 50,
        "frag_algo": 0,
        "block_ack_delay": 0,
        "padding": 0,
        "descriptor": bytes(4),
    }
    assert ts004.build(setup) == bytes([0x02, 0, 10, 0, 50, 0, 0, 0, 0, 0, 0])
    assert ts004.build({**setup, "descriptor": bytearray(4)}) == ts004.build(setup)
    for key, value, match in [
        ("mc_group_bit_mask", [True] * 5, "mc_group_bit_mask"),
        ("mc_group_bit_mask", 0b0101, "mc_group_bit_mask"),
        ("mc_group_bit_mask", [1, 0, 0, 0], "mc_group_bit_mask"),
        ("frag_algo", 8, "frag_algo"),
        ("block_ack_delay", 8, "block_ack_delay"),
        ("nb_frag", 65536, "nb_frag"),
        ("descriptor", bytes(3), "descriptor.*4 bytes"),
    ]:
        with pytest.raises(ParameterError, match=match):
            ts004.build({**setup, key: value})
    with pytest.raises(ParameterError, match="not a mapping|expected a mapping"):
        ts004.build([("command", "PackageVersionReq")])  # type: ignore[arg-type]


def test_bad_bytes_raise_parse_error() -> None:
    for parse, data in [
        (lambda b: ts004.parse(b), bytes([0x09])),
        (lambda b: ts004.parse(b), bytes([0x02, 0x00])),  # truncated
        (lambda b: ts004.parse(b), bytes([0x01, 0x08])),  # RFU bit set in a request
        (lambda b: ts004.parse(b), bytes([0x08, 0x00, 0x00])),  # counter 0
        (lambda b: ts004.parse(b), bytes([0x00, 0x08, 0x01, 0x40])),  # DataFragment not alone
        (lambda b: ts004.parse(b, uplink=True), bytes([0x08, 0x01, 0x40])),
        (lambda b: ts005.parse(b), bytes([0x06])),
        (lambda b: ts005.parse(b, uplink=True), bytes([0x04, 0x40])),  # RFU status bits
        (lambda b: ts003.parse(b), bytes([0x01, 0x00])),
        (lambda b: ts003.parse(b, uplink=True), bytes([0x03])),
    ]:
        with pytest.raises(ParseError) as info:
            parse(data)
        assert isinstance(info.value, ValueError) and isinstance(info.value, LorafotaError)
    assert ts004.parse(b"") == [] == ts005.parse(b"") == ts003.parse(b"")
    assert ts004.parse(bytearray([0x00])) == [{"command": "PackageVersionReq"}]


CLASS_C: Message = {
    "command": "McClassCSessionReq",
    "mc_group_id": 0,
    "session_time": 0,
    "time_out": 1,
    "dl_freq_hz": 868_100_000,
    "dr": 0,
}


def test_bad_arguments_raise_parameter_error() -> None:
    assert ts005.build(CLASS_C) == bytes.fromhex("0400000000000128768400")
    key = bytes(16)
    calls: list[Callable[[], object]] = [
        lambda: ts004.parse(b"\x00", ts004="v3"),  # type: ignore[arg-type]
        lambda: ts004.build({"command": "PackageVersionReq"}, ts004="1.1"),  # type: ignore[arg-type]
        lambda: ts004.parse("00"),  # type: ignore[arg-type]
        lambda: ts004.data_block_int_key(bytes(15)),
        lambda: ts004.data_block_int_key(key.hex()),  # type: ignore[arg-type]
        lambda: ts004.data_block_mic(key, 70_000, 0, bytes(4), b""),
        lambda: ts004.data_block_mic(key, 0, 4, bytes(4), b""),
        lambda: ts004.data_block_mic(key, 0, 0, bytes(5), b""),
        lambda: ts005.mc_root_key(key, kind="genappkey"),  # type: ignore[arg-type]
        lambda: ts005.mc_root_key(bytes(17), kind="app_key"),
        lambda: ts005.mc_ke_key(b""),
        lambda: ts005.encrypt_mc_key(key, bytes(8)),
        lambda: ts005.decrypt_mc_key(bytes(8), key),
        lambda: ts005.mc_session_keys(key, -1),
        lambda: ts005.mc_session_keys(key, 2**32),
        lambda: ts005.build({"command": "McGroupDeleteReq", "mc_group_id": 4}),
        lambda: ts005.build({**CLASS_C, "time_out": 16}),
        lambda: ts005.build({**CLASS_C, "dl_freq_hz": 868_100_050}),
        lambda: ts005.build({**CLASS_C, "session_time": 2**32}),
        lambda: ts005.build({**CLASS_C, "dr": 256}),
        lambda: ts003.build({"command": "AppTimeAns", "time_correction": 2**31, "token_ans": 0}),
        lambda: ts003.build({"command": "AppTimeAns", "time_correction": 0, "token_ans": 16}),
        lambda: ts003.build({"command": "ForceDeviceResyncCmd", "nb_transmissions": 1}),
        lambda: ts003.time_correction(-1, 0),
        lambda: ts003.time_correction(0, 0, ts003="v3"),  # type: ignore[arg-type]
        lambda: ts003.period_seconds(16),
        lambda: gps.gps_from_unix(gps.GPS_EPOCH_UNIX_SECONDS - 1),
        lambda: gps.gps_from_unix(-5),
        lambda: gps.unix_from_gps(1.5),  # type: ignore[arg-type]
        lambda: gps.gps_from_loramac_unix(5),
        lambda: gps.class_c_timeout_seconds(16),
        lambda: gps.class_b_timeout_covering(-1.0),
        lambda: gps.class_b_timeout_covering(float("nan")),
        lambda: gps.class_c_timeout_covering("10"),  # type: ignore[arg-type]
    ]
    for call in calls:
        with pytest.raises(ParameterError) as info:
            call()
        assert isinstance(info.value, ValueError)


def test_key_errors_never_show_the_key() -> None:
    secret = bytes(range(0x40, 0x4F))  # 15 bytes
    for call in [
        lambda: ts005.mc_ke_key(secret),
        lambda: ts005.mc_root_key(secret, kind="app_key"),
        lambda: ts004.data_block_int_key(secret.hex()),  # type: ignore[arg-type]
    ]:
        with pytest.raises(ParameterError) as info:
            call()
        text = str(info.value)
        assert secret.hex() not in text and repr(secret) not in text and "@ABC" not in text
