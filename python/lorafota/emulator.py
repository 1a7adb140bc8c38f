"""A gateway emulator in the background of this process, for notebooks and tests.

It serves the same API as a MultiTech-class gateway over HTTPS on 127.0.0.1 (a certificate made
at start, to pin), with simulated devices that run the TS004 decoder on the fragments they hear,
through a simulated radio that loses fragments.

>>> with Emulator(devices=["00-80-00-00-00-00-00-01"], loss=0.05, speed=200) as emu:
...     gw = emu.gateway()
...     # gw.run_fota(b"...", emu.devices)
"""

from __future__ import annotations

import json
import os
from collections.abc import Mapping, Sequence
from typing import Any, Literal

from . import _lorafota
from .gateway import Gateway

__all__ = ["Emulator", "DeviceProfile"]

#: A device row: ``deveui`` and optionally ``loss`` (0..1, i.i.d.), ``burst`` (mean burst
#: length: Gilbert-Elliott loss), ``class`` ("A", "B", "C"), ``answers_setup``, ``joined``,
#: ``group``, ``max_lost`` (decoder memory), ``outcome`` ("success", "failed", "skipped",
#: "no_answer").
DeviceProfile = Mapping[str, Any]


class Emulator:
    """A running emulator; use it as a context manager (``with Emulator(...) as emu:``).

    Args:
        devices: EUIs (each losing ``loss`` of the fragments) or :data:`DeviceProfile` dicts.
        loss: the default fragment loss of devices given as EUIs.
        speed: how many times faster than real time the virtual clock runs.
        seed: the radio simulation's seed (runs are reproducible).
        api_shape: "seed" (the workflow document's object shape) or "openapi" (arrays).
        http: serve plain HTTP instead of HTTPS.
        state_dir: keep uploads, schedules and results there (default: a temporary folder).
    """

    def __init__(
        self,
        devices: Sequence[str | DeviceProfile] = (),
        loss: float = 0.05,
        *,
        speed: float = 60.0,
        seed: int = 1,
        api_shape: Literal["seed", "openapi"] = "seed",
        http: bool = False,
        state_dir: str | os.PathLike[str] | None = None,
    ) -> None:
        rows = [_row(d, loss) for d in devices]
        self.devices: list[str] = [str(r["deveui"]) for r in rows]
        self._server = _lorafota.EmulatorServer(
            [json.dumps(r) for r in rows],
            speed=speed,
            seed=seed,
            api_shape=api_shape,
            http=http,
            state_dir=None if state_dir is None else os.fspath(state_dir),
        )

    @property
    def url(self) -> str:
        """Its base URL."""
        return self._server.url

    @property
    def user(self) -> str:
        """The admin user."""
        return self._server.user

    @property
    def password(self) -> str:
        """The admin password."""
        return self._server.password

    @property
    def fingerprint(self) -> str | None:
        """SHA-256 fingerprint of its certificate (pin it), None over plain HTTP."""
        return self._server.fingerprint

    @property
    def cert_pem(self) -> str | None:
        """Its certificate, PEM."""
        return self._server.cert_pem

    @property
    def running(self) -> bool:
        """Whether it serves."""
        return self._server.running

    def gateway(self, **kwargs: Any) -> Gateway:
        """A :class:`Gateway` logged in as its admin, pinned to its certificate; ``kwargs`` go to
        :class:`Gateway` (e.g. ``poll_interval=0.2``)."""
        kwargs.setdefault("poll_interval", 0.25)
        return Gateway(self.url, self.user, self.password, pin=self.fingerprint, **kwargs)

    def add_devices(self, devices: Sequence[str | DeviceProfile], loss: float = 0.05) -> None:
        """Adds devices."""
        rows = [_row(d, loss) for d in devices]
        self._server.add_devices([json.dumps(r) for r in rows])
        self.devices.extend(str(r["deveui"]) for r in rows)

    def advance_clock(self, seconds: float) -> None:
        """Moves the virtual clock forward."""
        self._server.advance_clock(seconds)

    def set_clock(self, *, unix_ms: int | None = None, speed: float | None = None) -> None:
        """Sets the virtual time and/or speed."""
        self._server.set_clock(unix_ms=unix_ms, speed=speed)

    def now_ms(self) -> int:
        """The virtual clock, Unix milliseconds."""
        return self._server.now_ms()

    def stop(self) -> None:
        """Stops serving (idempotent)."""
        self._server.stop()

    def __enter__(self) -> Emulator:
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop()

    def __repr__(self) -> str:
        return f"Emulator(url={self.url!r}, devices={len(self.devices)}, running={self.running})"


def _row(device: str | DeviceProfile, loss: float) -> dict[str, Any]:
    if isinstance(device, str):
        return {"deveui": device, "loss": loss}
    row = dict(device)
    if "deveui" not in row:
        from .errors import ParameterError

        raise ParameterError(f"device profile {row!r} has no 'deveui'")
    row.setdefault("loss", loss)
    return row
