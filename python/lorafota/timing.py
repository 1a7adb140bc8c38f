"""Time on air, regional tables and the session planner."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta
from typing import Any, Literal

from . import _lorafota
from .results import Plan

__all__ = ["Airtime", "airtime", "airtime_fsk", "regions", "region", "region_names", "plan"]


@dataclass(frozen=True)
class Airtime:
    """A frame's time on air (exact integer microseconds for LoRa)."""

    toa_us: float
    t_sym_us: int | None = None
    n_payload_symbols: int | None = None
    n_total_symbols: float | None = None
    ldro: bool | None = None
    bits: int | None = None

    @property
    def toa(self) -> timedelta:
        """The time on air as a timedelta."""
        return timedelta(microseconds=self.toa_us)


def airtime(
    sf: int,
    bw: int | str,
    payload: int,
    *,
    cr: str = "4/5",
    preamble: int = 8,
    crc: bool = False,
    implicit_header: bool = False,
    ldro: Literal["auto", "on", "off"] = "auto",
) -> Airtime:
    """LoRa time on air of a ``payload``-byte PHYPayload (downlink defaults: no CRC).

    ``bw`` in Hz or as ``"125k"``; ``cr`` ``"4/5"``..``"4/8"``.

    >>> airtime(7, "125k", 255).toa_us   # EU868 DR5, a full downlink
    394496
    """
    d = _lorafota.airtime(sf, bw, payload, cr=cr, preamble=preamble, crc=crc,
                          implicit_header=implicit_header, ldro=ldro)  # fmt: skip
    return Airtime(**d)


def airtime_fsk(bitrate: int, payload: int) -> Airtime:
    """FSK time on air (LoRaWAN framing) at ``bitrate`` b/s."""
    return Airtime(**_lorafota.airtime_fsk(bitrate, payload))


def region_names() -> list[str]:
    """Every region of the tables: EU868, US915, ..."""
    return _lorafota.region_names()


def region(name: str) -> dict[str, Any]:
    """A region's tables (data rates both ways, max payloads, RX2, Class B, duty cycle, dwell,
    LBT), as ``lorafota regions NAME --json`` prints them."""
    return _lorafota.region(name)


def regions() -> list[dict[str, Any]]:
    """Every region's tables (see :func:`region`)."""
    return [_lorafota.region(n) for n in _lorafota.region_names()]


def plan(
    size: int,
    region: str = "EU868",
    *,
    dr: int | None = None,
    device_drs: list[int] | None = None,
    frequency: int | None = None,
    repeater: bool = False,
    fragment_size: int | None = None,
    loss: float | list[float] | None = None,
    burst: float | None = None,
    target: float | None = None,
    redundancy: int | None = None,
    redundancy_percent: int | None = None,
    max_lost: int | None = None,
    max_fragments: int | None = None,
    gap: float | None = None,
    interval: float | None = None,
    ts004: Literal["v1", "v2", "v2-spec"] = "v1",
    simulate: int = 10_000,
    seed: int = 1,
    scheduled: int | None = None,
    setup: float = 0.0,
    launch: float = 60.0,
) -> Plan:
    """Plans a FUOTA session of a ``size``-byte image, as ``lorafota plan`` does.

    ``dr``: the downlink data rate (default: the fastest every ``device_drs`` hears);
    ``loss``: one fragment-loss rate or one per device type, ``burst`` its mean burst length;
    redundancy from ``target`` (share of devices that must complete, by simulating the real
    TS004 code), or ``redundancy`` / ``redundancy_percent``; ``gap``/``interval`` pacing in
    seconds (default: the duty cycle); ``scheduled`` Unix seconds, ``setup``/``launch``
    seconds after it.
    """
    losses = [loss] if isinstance(loss, (int, float)) else loss
    d = _lorafota.plan(
        size, region, dr=dr, device_drs=device_drs, frequency=frequency, repeater=repeater,
        fragment_size=fragment_size, loss=losses, burst=burst, target=target,
        redundancy=redundancy, redundancy_percent=redundancy_percent, max_lost=max_lost,
        max_fragments=max_fragments, gap=gap, interval=interval, ts004=ts004,
        simulate=simulate, seed=seed, scheduled=scheduled, setup=setup, launch=launch,
    )  # fmt: skip
    return Plan.from_dict(d)
