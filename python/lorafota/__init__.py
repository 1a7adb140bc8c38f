"""lorafota: firmware updates (FUOTA) and multicast messages for fleets of LoRaWAN devices.

* Codec: :func:`encode` (TS004 fragments + FEC, or Reed-Solomon), :class:`Decoder` (device
  side, any order, bounded memory), :func:`parity_row`.
* Messages: :mod:`lorafota.ts004`, :mod:`lorafota.ts005` (with the multicast key chain),
  :mod:`lorafota.ts003`, and GPS time in :mod:`lorafota.gps`.
* Timing: :func:`airtime`, :func:`regions`, :func:`plan`.
* Gateways: :class:`Gateway` (and :class:`AsyncGateway`) for MultiTech-class gateways;
  :class:`Emulator` for a gateway with simulated devices in this process.
* Errors: :mod:`lorafota.errors`, all under :class:`LorafotaError`.

The heavy lifting is Rust (the ``lorafota`` crates); calls release the GIL.
"""

from __future__ import annotations

from . import errors, gps, ts003, ts004, ts005
from ._lorafota import Decoder, Fragments, __version__, encode, parity_row
from .emulator import DeviceProfile, Emulator
from .errors import (
    AuthError,
    DecodeError,
    EmulatorError,
    GatewayConnectionError,
    GatewayError,
    GatewayTimeoutError,
    LorafotaError,
    NotFoundError,
    ParameterError,
    ParseError,
    TlsError,
)
from .gateway import AsyncGateway, Gateway, ProgressCallback
from .results import (
    DeviceProgress,
    DeviceResult,
    JobProgress,
    OperationResult,
    Plan,
    ProgressSample,
    RolloutResult,
    ScheduledJob,
)
from .timing import Airtime, airtime, airtime_fsk, plan, region, region_names, regions

__all__ = [
    "__version__",
    # codec
    "encode", "Fragments", "Decoder", "parity_row",
    # messages
    "ts004", "ts005", "ts003", "gps",
    # timing
    "Airtime", "airtime", "airtime_fsk", "regions", "region", "region_names", "plan", "Plan",
    # gateway
    "Gateway", "AsyncGateway", "ProgressCallback", "Emulator", "DeviceProfile",
    "JobProgress", "DeviceProgress", "OperationResult", "DeviceResult", "ScheduledJob",
    "ProgressSample", "RolloutResult",
    # errors
    "errors", "LorafotaError", "ParameterError", "ParseError", "DecodeError", "GatewayError",
    "AuthError", "NotFoundError", "GatewayConnectionError", "TlsError", "GatewayTimeoutError",
    "EmulatorError",
]  # fmt: skip
