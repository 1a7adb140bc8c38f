"""The gateway client against the in-process emulator, over HTTPS with a pinned certificate."""

from __future__ import annotations

import _thread
import asyncio
import hashlib
import threading
import time
from pathlib import Path

import pytest

import lorafota
from lorafota import Emulator, Gateway

FIRMWARE = hashlib.sha256(b"lorafota").digest() * 128  # 4 KiB


def test_emulator_exposes_what_a_client_needs(emulator: Emulator) -> None:
    assert emulator.url.startswith("https://127.0.0.1:")
    assert emulator.user and emulator.password
    assert emulator.fingerprint is not None and emulator.cert_pem is not None
    assert emulator.cert_pem.startswith("-----BEGIN CERTIFICATE-----")
    assert emulator.running and len(emulator.devices) == 10
    assert "running=True" in repr(emulator)


def test_login_status_devices(emulator: Emulator) -> None:
    gw = emulator.gateway()
    info = gw.login()
    assert info["permission"] == "admin"
    assert isinstance(gw.status(), dict)
    euis = {d["deveui"] for d in gw.devices()}
    assert set(emulator.devices) <= euis
    gw.logout()
    assert gw.status() is not None  # logs in again lazily


def test_run_fota_with_history_and_callback(emulator: Emulator) -> None:
    gw = emulator.gateway()
    seen: list[lorafota.JobProgress] = []
    out = gw.run_fota(FIRMWARE, emulator.devices, 0, loss=0.05, target=0.99, setup=0, launch=5,
                      progress=seen.append, history=True, interval=0.02)  # fmt: skip
    assert out.plan is not None and out.plan.nb_frag == 18
    assert out.result.schedule_filename == out.schedule_filename
    assert out.success + out.failed == 10
    assert out.success >= 9  # planned for 99 % at 5 % loss
    assert seen and all(isinstance(p, lorafota.JobProgress) for p in seen)
    assert {s.deveui for s in out.history} == set(emulator.devices)
    assert max(s.elapsed_s for s in out.history) > 0
    phases = {s.phase for s in out.history}
    assert "BROADCASTING" in phases
    # The same result is in the gateway's results list.
    assert gw.result(out.schedule_filename) == out.result
    html = out._repr_html_()
    assert "expected success" in html and "<table>" in html


def test_results_convert_to_pandas(emulator: Emulator) -> None:
    pandas = pytest.importorskip("pandas")
    gw = emulator.gateway()
    out = gw.run_fota(FIRMWARE, emulator.devices[:3], redundancy=10, setup=0, launch=2, history=True)
    df = out.to_pandas()
    assert isinstance(df, pandas.DataFrame)
    assert list(df.columns) == ["schedule_filename", "deveui", "status", "outcome", "reason"]
    assert len(df) == 3
    hist = out.history_pandas()
    assert {"time", "elapsed_s", "deveui", "percent"} <= set(hist.columns)
    assert str(hist["time"].dt.tz) == "UTC"
    assert out.to_records()[0]["deveui"] in emulator.devices


def test_firmware_from_a_path(emulator: Emulator, tmp_path: Path) -> None:
    path = tmp_path / "fw_v2.bin"
    path.write_bytes(FIRMWARE)
    gw = emulator.gateway()
    assert gw.upload_fota_file(path) == "fw_v2.bin"
    out = gw.run_fota(path, emulator.devices[:2], redundancy=8, setup=0, launch=2)
    assert out.result.input_filename in (None, "fw_v2.bin")
    assert out.success == 2


def test_schedule_list_and_cancel(emulator: Emulator) -> None:
    gw = emulator.gateway()
    name = gw.upload_fota_file(FIRMWARE, name="later.bin")
    job = gw.schedule_fota(emulator.devices[:2], name, 1, at=int(time.time()) + 10 * 86400)
    listed = {j.schedule_filename: j for j in gw.schedule()}
    assert job in listed and listed[job].device_count == 2
    gw.cancel(job)
    assert job not in {j.schedule_filename for j in gw.schedule()}
    with pytest.raises(lorafota.NotFoundError) as e:
        gw.cancel(job)
    assert isinstance(e.value, FileNotFoundError) and e.value.code == 404


def test_multicast_text_and_file(emulator: Emulator) -> None:
    gw = emulator.gateway()
    text = gw.run_multicast(emulator.devices[:4], port=10, timeout_exp=6, hex="48656c6c6f",
                            setup=0, launch=1)  # fmt: skip
    assert text.result.transmission_type == "Message"
    assert text.success + text.failed == 4
    blob = gw.run_multicast(emulator.devices[:2], port=11, timeout_exp=6, file=b"\x01\x02\x03",
                            setup=0, launch=1)  # fmt: skip
    assert blob.success + blob.failed == 2


def test_progress_snapshot_while_a_job_runs(emulator: Emulator) -> None:
    gw = emulator.gateway()
    name = gw.upload_fota_file(FIRMWARE, name="watched.bin")
    job = gw.schedule_fota(emulator.devices[:3], name, setup=0, launch=1, parity_fragments=4)
    snapshots = []
    for update in gw.watch(job, interval=0.05):
        if isinstance(update, lorafota.JobProgress):
            snapshots.append(update)
            if len(snapshots) == 1:
                running = gw.progress()
                assert any(p.schedule_filename == job for p in running)
        elif isinstance(update, lorafota.OperationResult):
            break
    assert snapshots
    df_html = snapshots[-1]._repr_html_()
    assert job in df_html


def test_wrong_password_is_a_permission_error(emulator: Emulator) -> None:
    gw = Gateway(emulator.url, emulator.user, "not-the-password", pin=emulator.fingerprint)
    with pytest.raises(lorafota.AuthError) as e:
        gw.login()
    assert isinstance(e.value, PermissionError) and e.value.code == 401
    assert "not-the-password" not in str(e.value) and "not-the-password" not in repr(e.value)


def test_wrong_pin_is_a_tls_error(emulator: Emulator) -> None:
    gw = Gateway(emulator.url, emulator.user, emulator.password, pin="00" * 32)
    with pytest.raises(lorafota.TlsError) as e:
        gw.login()
    assert isinstance(e.value, ConnectionError)


def test_unpinned_self_signed_certificate_is_refused(emulator: Emulator) -> None:
    gw = Gateway(emulator.url, emulator.user, emulator.password)
    with pytest.raises(lorafota.TlsError):
        gw.login()


def test_trusting_the_certificate_by_ca_file(emulator: Emulator, tmp_path: Path) -> None:
    assert emulator.cert_pem is not None
    ca = tmp_path / "gw.pem"
    ca.write_text(emulator.cert_pem)
    assert Gateway(emulator.url, emulator.user, emulator.password, ca=ca).login()["permission"] == "admin"


def test_insecure_warns_loudly(emulator: Emulator) -> None:
    with pytest.warns(UserWarning, match="verification is OFF"):
        gw = Gateway(emulator.url, emulator.user, emulator.password, insecure=True)
    assert gw.login()


def test_connection_refused_is_a_connection_error() -> None:
    gw = Gateway("https://127.0.0.1:9", "u", "p", connect_timeout=2, timeout=3)
    with pytest.raises(lorafota.GatewayConnectionError) as e:
        gw.status()
    assert isinstance(e.value, ConnectionError)


@pytest.mark.parametrize(
    "call",
    [
        lambda gw: gw.schedule_fota(["not-an-eui"], "fw.bin"),
        lambda gw: gw.schedule_fota(["00-80-00-ff-00-00-01-01"], "fw.bin", 4),
        lambda gw: gw.schedule_multicast(["00-80-00-ff-00-00-01-01"], port=221, timeout_exp=5, hex="00"),
        lambda gw: gw.schedule_multicast(["00-80-00-ff-00-00-01-01"], port=10, timeout_exp=16, hex="00"),
        lambda gw: gw.schedule_multicast(["00-80-00-ff-00-00-01-01"], port=10, timeout_exp=5, hex="zz"),
        lambda gw: gw.schedule_multicast(["00-80-00-ff-00-00-01-01"], port=10, timeout_exp=5),
    ],
)
def test_bad_arguments_are_refused_before_sending(emulator: Emulator, call: object) -> None:
    gw = emulator.gateway()
    with pytest.raises(lorafota.ParameterError):
        call(gw)  # type: ignore[operator]


def test_euis_in_any_spelling(emulator: Emulator) -> None:
    gw = emulator.gateway()
    name = gw.upload_fota_file(FIRMWARE, name="spelled.bin")
    job = gw.schedule_fota(["0080:00FF:0000:0101".replace(":", ""), "00:80:00:ff:00:00:01:02"],
                           name, at=int(time.time()) + 86400 * 5)  # fmt: skip
    listed = {j.schedule_filename: j for j in gw.schedule()}
    assert listed[job].device_count == 2
    gw.cancel(job)


def test_ctrl_c_stops_a_long_wait(emulator: Emulator) -> None:
    gw = emulator.gateway()
    name = gw.upload_fota_file(FIRMWARE, name="interrupted.bin")
    job = gw.schedule_fota(emulator.devices[:1], name, at=int(time.time()) + 86400 * 3)
    timer = threading.Timer(0.5, _thread.interrupt_main)
    timer.start()
    started = time.monotonic()
    with pytest.raises(KeyboardInterrupt):
        gw.wait(job, interval=30)
    assert time.monotonic() - started < 5
    gw.cancel(job)


def test_deadline_is_a_timeout_error(emulator: Emulator) -> None:
    gw = emulator.gateway()
    name = gw.upload_fota_file(FIRMWARE, name="deadline.bin")
    job = gw.schedule_fota(emulator.devices[:1], name, at=int(time.time()) + 86400 * 4)
    with pytest.raises(lorafota.GatewayTimeoutError) as e:
        gw.wait(job, interval=0.1, deadline=0.5)
    assert isinstance(e.value, TimeoutError)
    gw.cancel(job)


def test_async_twin(emulator: Emulator) -> None:
    async def main() -> lorafota.RolloutResult:
        agw = lorafota.AsyncGateway(emulator.url, emulator.user, emulator.password,
                                    pin=emulator.fingerprint, poll_interval=0.2)  # fmt: skip
        assert (await agw.login())["permission"] == "admin"
        return await agw.run_fota(FIRMWARE, emulator.devices[:2], redundancy=8, setup=0, launch=1)

    out = asyncio.run(main())
    assert out.success == 2


def test_openapi_shape_normalises_to_the_same_model() -> None:
    with Emulator(["00-80-00-ff-00-00-02-01"], loss=0.0, speed=400, api_shape="openapi") as emu:
        gw = emu.gateway()
        out = gw.run_fota(FIRMWARE, emu.devices, redundancy=4, setup=0, launch=1)
        assert out.success == 1
        assert gw.result(out.schedule_filename) is not None


def test_emulator_profiles_and_a_device_that_fails() -> None:
    devices = [
        {"deveui": "00-80-00-ff-00-00-03-01", "loss": 0.0},
        {"deveui": "00-80-00-ff-00-00-03-02", "loss": 0.6},
        {"deveui": "00-80-00-ff-00-00-03-03", "class": "A"},
    ]
    with Emulator(devices, speed=400) as emu:
        out = emu.gateway().run_fota(FIRMWARE, emu.devices, redundancy=6, setup=0, launch=1)
        by = {d.deveui: d for d in out.devices}
        assert by["00-80-00-ff-00-00-03-01"].outcome == "success"
        assert by["00-80-00-ff-00-00-03-02"].outcome == "failed"
        assert by["00-80-00-ff-00-00-03-02"].reason
        assert "class A" in (by["00-80-00-ff-00-00-03-03"].reason or "")
        assert len(out.result.failures()) == 2
    assert not emu.running
    with pytest.raises(lorafota.ParameterError):
        Emulator([{"loss": 0.1}])


def test_tqdm_progress_bar(emulator: Emulator, capsys: pytest.CaptureFixture[str]) -> None:
    pytest.importorskip("tqdm")
    out = emulator.gateway().run_fota(FIRMWARE, emulator.devices[:2], redundancy=6, setup=0,
                                      launch=1, progress=True, interval=0.02)  # fmt: skip
    assert out.success == 2
    err = capsys.readouterr().err
    assert out.schedule_filename in err and "%" in err
