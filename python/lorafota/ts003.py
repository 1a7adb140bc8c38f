"""TS003 Application Layer Clock Synchronization messages (FPort 202) and the correction.

A message is a ``dict``: ``"command"`` (the command's name) and its fields, snake_case, named
as the shared golden vectors name them. ``device_time`` is GPS seconds modulo 2^32 (see
:mod:`lorafota.gps`). ``parse(build(m), uplink=...) == [m]`` for every valid ``m``. TS003
v1.0.0 and v2.0.0 share every layout (v2 calls ForceDeviceResyncReq ForceDeviceResyncCmd; the
name here is ``"ForceDeviceResyncReq"`` for both), so there is no version argument.

Server -> device (``uplink=False``):

================================ ===========================================================
``PackageVersionReq``            (no field)
``AppTimeAns``                   ``time_correction`` (seconds, signed 32-bit), ``token_ans``
                                 (0..15)
``DeviceAppTimePeriodicityReq``  ``period``: an AppTimeReq every 128 x 2^period s (0..15)
``ForceDeviceResyncReq``         ``nb_transmissions`` (0..7)
================================ ===========================================================

Device -> server (``uplink=True``):

================================ ===========================================================
``PackageVersionAns``            ``package_identifier`` (1), ``package_version`` (1 or 2)
``AppTimeReq``                   ``device_time``, ``token_req`` (0..15), ``ans_required``
``DeviceAppTimePeriodicityAns``  ``not_supported``, ``device_time``
================================ ===========================================================

Bad bytes raise :class:`~lorafota.errors.ParseError`; a missing, unexpected or out-of-range
field raises :class:`~lorafota.errors.ParameterError` naming it. Both are ``ValueError``.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Literal

from ._lorafota import (
    TS003_DEFAULT_FPORT,
    TS003_PACKAGE_IDENTIFIER,
    ts003_build,
    ts003_parse,
    ts003_period_covering,
    ts003_period_seconds,
    ts003_time_correction,
)

__all__ = [
    "DEFAULT_FPORT",
    "PACKAGE_IDENTIFIER",
    "Message",
    "Ts003Version",
    "parse",
    "build",
    "time_correction",
    "period_seconds",
    "period_covering",
]

Message = dict[str, Any]
"""One command: ``{"command": name, **fields}``."""

Ts003Version = Literal["v1", "v2"]
"""TS003 v1.0.0 or v2.0.0."""

DEFAULT_FPORT: int = TS003_DEFAULT_FPORT
"""The FPort of TS003 unless a device profile says otherwise (202)."""

PACKAGE_IDENTIFIER: int = TS003_PACKAGE_IDENTIFIER
"""The package identifier a device answers in PackageVersionAns (1)."""


def parse(data: bytes | bytearray, *, uplink: bool = False) -> list[Message]:
    """Every command of a TS003 FPort payload, in order.

    Args:
        data: the FRMPayload (CID bytes included).
        uplink: ``False`` for server -> device commands, ``True`` for device ones.

    Raises:
        ParseError: at the first command that does not parse.
    """
    return ts003_parse(data, uplink=uplink)


def build(message: Mapping[str, Any]) -> bytes:
    """The bytes of one command (CID included), from a dict shaped like :func:`parse`'s.

    Raises:
        ParameterError: a missing, unexpected or out-of-range field (named in the message)
            or an unknown command.
    """
    return ts003_build(message)


def time_correction(network_time: int, device_time: int, *, ts003: Ts003Version = "v1") -> int:
    """TimeCorrection for an AppTimeReq, as the AppTimeAns ``time_correction`` field carries it.

    ``network_time - device_time``, compared modulo 2^32 and saturated to the signed 32-bit
    range (TS003 v2 requires the saturation; lorafota applies it to v1 too, as ChirpStack
    does): a device then asks again and the next answer carries the rest.

    Args:
        network_time: GPS seconds when the network received the uplink (the gateway's GPS
            timestamp if it has one), e.g. :func:`lorafota.gps.gps_from_unix` of it.
        device_time: the AppTimeReq ``device_time`` (GPS seconds modulo 2^32).
        ts003: ``"v1"`` or ``"v2"``.
    """
    return ts003_time_correction(network_time, device_time, ts003=ts003)


def period_seconds(period: int) -> int:
    """Seconds between AppTimeReq for a DeviceAppTimePeriodicityReq ``period``: 128 x 2^period."""
    return ts003_period_seconds(period)


def period_covering(seconds: float) -> int | None:
    """The smallest ``period`` (0..15) whose interval 128 x 2^period s is at least ``seconds``,
    or ``None`` beyond 128 x 2^15 s."""
    return ts003_period_covering(seconds)
