"""A client of a MultiTech-class gateway's FOTA and multicast API.

:class:`Gateway` is blocking (scripts, notebooks); every call releases the GIL and can be
interrupted with Ctrl-C. :class:`AsyncGateway` offers the same calls as coroutines (each runs
the blocking call in a worker thread). TLS is always verified: trust a gateway's self-signed
certificate with ``pin=`` (its SHA-256 fingerprint) or ``ca=`` (a PEM file); ``insecure=True``
turns verification off and warns.
"""

from __future__ import annotations

import asyncio
import os
import time
import warnings
from collections.abc import Callable, Iterator, Sequence
from pathlib import Path
from typing import Any

from . import _lorafota
from .errors import NotFoundError
from .results import (
    JobProgress,
    OperationResult,
    Plan,
    ProgressSample,
    RolloutResult,
    ScheduledJob,
    samples_from,
)

__all__ = ["Gateway", "AsyncGateway", "ProgressCallback"]

#: Called with each progress snapshot of a running job.
ProgressCallback = Callable[[JobProgress], None]

Firmware = bytes | bytearray | memoryview | str | os.PathLike[str]


def _firmware_bytes(firmware: Firmware, name: str | None) -> tuple[str, bytes]:
    if isinstance(firmware, (bytes, bytearray, memoryview)):
        return name or "firmware.bin", bytes(firmware)
    path = Path(firmware)
    return name or path.name, path.read_bytes()


class Gateway:
    """A gateway client.

    Args:
        url: e.g. ``"https://192.168.2.1"``; default: ``$LORAFOTA_GATEWAY_URL``.
        user, password: default ``$LORAFOTA_USER`` / ``$LORAFOTA_PASSWORD``.
        ca: a PEM file of the CA (or the self-signed certificate) to trust.
        pin: the SHA-256 fingerprint of the gateway's certificate (hex, colons optional).
        insecure: accept any certificate. For the lab only: it warns.
        timeout: seconds per request; upload_timeout: per upload (default 10 minutes).
        poll_interval: seconds between progress polls while following a job.
    """

    def __init__(
        self,
        url: str | None = None,
        user: str | None = None,
        password: str | None = None,
        *,
        ca: str | os.PathLike[str] | None = None,
        pin: str | None = None,
        insecure: bool = False,
        timeout: float = 30.0,
        upload_timeout: float = 600.0,
        connect_timeout: float = 10.0,
        poll_interval: float = 5.0,
    ) -> None:
        if insecure:
            warnings.warn(
                "lorafota: TLS certificate verification is OFF (insecure=True); "
                "pin the gateway's certificate with pin= or trust it with ca= instead",
                stacklevel=2,
            )
        self._native = _lorafota.GatewayClient(
            url,
            user,
            password,
            ca=None if ca is None else os.fspath(ca),
            pin=pin,
            insecure=insecure,
            timeout=timeout,
            upload_timeout=upload_timeout,
            connect_timeout=connect_timeout,
            poll_interval=poll_interval,
        )

    @property
    def url(self) -> str:
        """The gateway's base URL."""
        return self._native.url

    def __repr__(self) -> str:
        return f"Gateway(url={self.url!r})"

    # -- session ---------------------------------------------------------------------------

    def login(self) -> dict[str, Any]:
        """Logs in now (the first call otherwise does); returns the session info."""
        return self._native.login()

    def logout(self) -> None:
        """Logs out."""
        self._native.logout()

    def __enter__(self) -> Gateway:
        return self

    def __exit__(self, *exc: object) -> None:
        try:
            self._native.logout()
        except Exception:  # noqa: BLE001 - logging out is best effort on the way out
            pass

    # -- uploads and scheduling ------------------------------------------------------------

    def upload_fota_file(self, firmware: Firmware, *, name: str | None = None) -> str:
        """Uploads a firmware image (a path, or bytes stored as ``name``); returns its name."""
        if isinstance(firmware, (bytes, bytearray, memoryview)):
            return self._native.upload_fota_bytes(name or "firmware.bin", bytes(firmware))
        if name is not None:
            return self._native.upload_fota_bytes(name, Path(firmware).read_bytes())
        return self._native.upload_fota_file(os.fspath(firmware))

    def upload_multicast_file(self, data: Firmware, *, name: str | None = None) -> str:
        """Uploads a multicast message file (for ``file=`` messages); returns its name."""
        if isinstance(data, (bytes, bytearray, memoryview)):
            return self._native.upload_multicast_bytes(name or "message.bin", bytes(data))
        if name is not None:
            return self._native.upload_multicast_bytes(name, Path(data).read_bytes())
        return self._native.upload_multicast_file(os.fspath(data))

    def schedule_fota(
        self,
        devices: Sequence[str],
        file: str,
        group: int | str = 0,
        *,
        at: int | None = None,
        setup: float | None = None,
        launch: float | None = None,
        descriptor: int = 0,
        parity_fragments: int | None = None,
        max_packet_size: int | None = None,
        sleep_ms: int | None = None,
        parity_sleep_ms: int | None = None,
        setup_sleep_ms: int | None = None,
        keep_log: bool = True,
        name: str | None = None,
    ) -> str:
        """Schedules a FOTA job of the uploaded ``file``; returns its schedule file name.

        ``group`` is a group ID 0-3 or a group EUI; ``at`` Unix seconds (default now);
        ``setup``/``launch`` seconds from the scheduled time to setup and from setup to the
        broadcast; ``descriptor`` the 4-byte TS004 descriptor.
        """
        return self._native.schedule_fota(
            list(devices), file, group, at=at, setup=setup, launch=launch,
            descriptor=descriptor, parity_fragments=parity_fragments,
            max_packet_size=max_packet_size, sleep_ms=sleep_ms, parity_sleep_ms=parity_sleep_ms,
            setup_sleep_ms=setup_sleep_ms, keep_log=keep_log, name=name,
        )  # fmt: skip

    def schedule_multicast(
        self,
        devices: Sequence[str],
        group: int | str = 0,
        *,
        port: int,
        timeout_exp: int,
        hex: str | None = None,
        base64: str | None = None,
        data: bytes | None = None,
        file: str | None = None,
        at: int | None = None,
        setup: float | None = None,
        launch: float | None = None,
        keep_log: bool = True,
        name: str | None = None,
    ) -> str:
        """Schedules a multicast message (one of ``hex``, ``base64``, ``data``, or ``file``, an
        uploaded file) on ``port`` with a Class C session of 2^``timeout_exp`` seconds."""
        return self._native.schedule_multicast(
            list(devices), group, port=port, timeout_exp=timeout_exp, hex=hex, base64=base64,
            data=data, file=file, at=at, setup=setup, launch=launch, keep_log=keep_log,
            name=name,
        )  # fmt: skip

    # -- monitoring ------------------------------------------------------------------------

    def progress(self) -> list[JobProgress]:
        """Progress of the running job(s)."""
        return [JobProgress.from_dict(j) for j in self._native.progress()["jobs"]]

    def results(self) -> list[OperationResult]:
        """Results of finished jobs."""
        return [OperationResult.from_dict(r) for r in self._native.results()]

    def result(self, name: str) -> OperationResult | None:
        """The result of job ``name``, if it finished."""
        return next((r for r in self.results() if r.schedule_filename == name), None)

    def schedule(self) -> list[ScheduledJob]:
        """Jobs scheduled and not yet started."""
        return [ScheduledJob.from_dict(j) for j in self._native.schedule()]

    def cancel(self, name: str) -> None:
        """Cancels a job that has not started (``NotFoundError`` if there is none)."""
        self._native.cancel(name)

    def status(self) -> dict[str, Any]:
        """The LoRa network server's status."""
        return self._native.status()

    def devices(self) -> list[dict[str, Any]]:
        """The gateway's device table."""
        return self._native.devices()

    def watch(
        self, name: str, *, interval: float | None = None, deadline: float | None = None
    ) -> Iterator[JobProgress | OperationResult | None]:
        """Follows job ``name``: yields ``None`` while it waits for its time, a
        :class:`JobProgress` per poll while it runs, and finally its :class:`OperationResult`.
        Raises ``GatewayTimeoutError`` after ``deadline`` seconds."""
        for update in self._native.watch(name, interval=interval, deadline=deadline):
            kind = update["kind"]
            if kind == "running":
                yield JobProgress.from_dict(update["progress"])
            elif kind == "finished":
                yield OperationResult.from_dict(update["result"])
                return
            else:
                yield None

    def wait(
        self,
        name: str,
        *,
        progress: ProgressCallback | bool | None = None,
        history: bool = False,
        interval: float | None = None,
        deadline: float | None = None,
    ) -> tuple[OperationResult, tuple[ProgressSample, ...]]:
        """Follows job ``name`` to its end; returns its result and (with ``history=True``)
        the progress samples. ``progress``: a callback, or True for a tqdm bar."""
        samples: list[ProgressSample] = []
        started = time.time()
        bar = _tqdm_bar(name) if progress is True else None
        callback = progress if callable(progress) else None
        try:
            for update in self.watch(name, interval=interval, deadline=deadline):
                if isinstance(update, OperationResult):
                    return update, tuple(samples)
                if update is None:
                    continue
                if history:
                    samples.extend(samples_from(update, started, time.time()))
                if callback is not None:
                    callback(update)
                if bar is not None:
                    bar.n = round(update.percent)
                    bar.set_postfix_str(
                        f"{update.phase or ''} {update.devices_complete}/{len(update.devices)} done"
                    )
                    bar.refresh()
        finally:
            if bar is not None:
                bar.close()
        raise NotFoundError(f"{name}: the job ended without a result")

    # -- campaigns -------------------------------------------------------------------------

    def run_fota(
        self,
        firmware: Firmware,
        devices: Sequence[str],
        group: int | str = 0,
        *,
        redundancy: int | None = None,
        loss: float = 0.1,
        target: float = 0.99,
        region: str = "EU868",
        dr: int = 5,
        at: int | None = None,
        setup: float | None = None,
        launch: float | None = None,
        descriptor: int = 0,
        name: str | None = None,
        file_name: str | None = None,
        progress: ProgressCallback | bool | None = None,
        history: bool = False,
        interval: float | None = None,
        deadline: float | None = None,
        seed: int = 1,
    ) -> RolloutResult:
        """Plans, uploads, schedules and follows a firmware update; returns its outcome.

        The redundancy is ``redundancy`` coded fragments, or planned so that ``target`` of
        devices losing ``loss`` of the fragments complete (the planner's simulation of the
        real TS004 code). ``firmware`` is bytes or a path. ``progress`` is a callback taking
        each :class:`JobProgress`, or True for a tqdm bar (tqdm must be installed). The plan
        is for TS004 v1, the only version the gateway's API sets up (it has no field for one).
        """
        stored_as, data = _firmware_bytes(firmware, file_name)
        plan = _plan_for(len(data), region, dr, redundancy, loss, target, seed)
        self._native.upload_fota_bytes(stored_as, data)
        job = self.schedule_fota(
            devices, stored_as, group, at=at, setup=setup, launch=launch, descriptor=descriptor,
            parity_fragments=plan.redundancy, max_packet_size=plan.fragment_size + 3, name=name,
        )  # fmt: skip
        result, samples = self.wait(
            job, progress=progress, history=history, interval=interval, deadline=deadline
        )
        return RolloutResult(job, result, plan, samples)

    def run_multicast(
        self,
        devices: Sequence[str],
        group: int | str = 0,
        *,
        port: int,
        timeout_exp: int,
        hex: str | None = None,
        base64: str | None = None,
        data: bytes | None = None,
        file: Firmware | None = None,
        at: int | None = None,
        setup: float | None = None,
        launch: float | None = None,
        name: str | None = None,
        progress: ProgressCallback | bool | None = None,
        history: bool = False,
        interval: float | None = None,
        deadline: float | None = None,
    ) -> RolloutResult:
        """Sends a multicast message and follows it; ``file`` (bytes or a path) is uploaded
        first and sent ``Binary``."""
        uploaded = None if file is None else self.upload_multicast_file(file)
        job = self.schedule_multicast(
            devices, group, port=port, timeout_exp=timeout_exp, hex=hex, base64=base64,
            data=data, file=uploaded, at=at, setup=setup, launch=launch, name=name,
        )  # fmt: skip
        result, samples = self.wait(
            job, progress=progress, history=history, interval=interval, deadline=deadline
        )
        return RolloutResult(job, result, None, samples)


def _plan_for(
    size: int, region: str, dr: int, redundancy: int | None, loss: float, target: float, seed: int
) -> Plan:
    if redundancy is not None:
        d = _lorafota.plan(size, region, dr=dr, loss=[loss], redundancy=redundancy,
                           simulate=2000, seed=seed)  # fmt: skip
    else:
        d = _lorafota.plan(size, region, dr=dr, loss=[loss], target=target,
                           simulate=2000, seed=seed)  # fmt: skip
    return Plan.from_dict(d)


def _tqdm_bar(name: str) -> Any:
    try:
        from tqdm.auto import tqdm
    except ImportError as e:
        raise ImportError("progress=True needs tqdm: pip install 'lorafota[progress]'") from e
    return tqdm(total=100, desc=name, unit="%")


class AsyncGateway:
    """The coroutine twin of :class:`Gateway`: ``await gw.run_fota(...)`` and so on. Each call
    runs the blocking client in a worker thread (the GIL is released while it waits)."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        self.sync = Gateway(*args, **kwargs)

    def __getattr__(self, attr: str) -> Any:
        target = getattr(self.sync, attr)
        if not callable(target) or attr in {"watch"}:
            return target

        async def call(*args: Any, **kwargs: Any) -> Any:
            return await asyncio.to_thread(target, *args, **kwargs)

        call.__name__ = attr
        call.__doc__ = target.__doc__
        return call

    def __repr__(self) -> str:
        return f"AsyncGateway(url={self.sync.url!r})"
