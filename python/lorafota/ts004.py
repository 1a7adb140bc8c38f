"""TS004 Fragmented Data Block Transport messages (FPort 201) and the v2 data-block MIC.

A message is a ``dict``: ``"command"`` (the command's name) and its fields, snake_case, named as
the shared golden vectors name them. Bytes are ``bytes`` (where a vector says ``descriptor_hex``
or ``payload_hex`` this module says ``descriptor`` / ``payload``); ``mc_group_bit_mask`` is a
list of four ``bool`` (index = multicast group); everything else is an ``int`` or a ``bool``.
:func:`parse` returns them, :func:`build` takes them back, and
``parse(build(m), uplink=..., ts004=v) == [m]`` for every valid ``m``.

Server -> device (``uplink=False``):

=========================== ================================================================
``PackageVersionReq``       (no field)
``FragSessionStatusReq``    ``frag_index`` (0..3), ``participants`` (bool: every receiver
                            answers)
``FragSessionSetupReq``     ``frag_index``, ``mc_group_bit_mask`` (4 bools), ``nb_frag``,
                            ``frag_size``, ``frag_algo`` (0..7), ``block_ack_delay`` (0..7),
                            ``padding``, ``descriptor`` (4 bytes); v2 adds ``ack_reception``
                            (bool), ``session_cnt`` (0..65535), ``mic`` (4 bytes, see
                            :func:`data_block_mic`)
``FragSessionDeleteReq``    ``frag_index``
``FragDataBlockReceivedAns`` ``frag_index`` (v2 only)
``DataFragment``            ``frag_index``, ``counter`` (1..16383), ``payload`` (bytes); it is
                            the only command of its message
=========================== ================================================================

Device -> server (``uplink=True``):

=========================== ================================================================
``PackageVersionAns``       ``package_identifier`` (3), ``package_version`` (1 or 2)
``FragSessionStatusAns``    ``frag_index``, ``nb_frag_received`` (0..16383), ``missing_frag``,
                            ``not_enough_matrix_memory``; v2 adds ``mic_error`` and
                            ``session_does_not_exist``, and the three counters are ``None``
                            in the short (1-byte) form
``FragSessionSetupAns``     ``frag_index``, ``encoding_unsupported``, ``not_enough_memory``,
                            ``frag_index_unsupported``, ``wrong_descriptor``; v2 adds
                            ``session_cnt_replay``
``FragSessionDeleteAns``    ``frag_index``, ``session_does_not_exist``
``FragDataBlockReceivedReq`` ``frag_index``, ``mic_error`` (v2 only)
=========================== ================================================================

``ts004`` picks the layouts: ``"v1"`` (TS004 v1.0.0), ``"v2"`` (v2.0.0 as LoRa Basics Modem
and ChirpStack read it) or ``"v2-spec"`` (as the spec's MATLAB listing reads it; the messages
are the same as ``"v2"``). Bad bytes raise :class:`~lorafota.errors.ParseError`; a missing,
unexpected or out-of-range field raises :class:`~lorafota.errors.ParameterError` naming it.
Both are ``ValueError``.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Literal

from ._lorafota import (
    TS004_DEFAULT_FPORT,
    TS004_PACKAGE_IDENTIFIER,
    ts004_build,
    ts004_data_block_int_key,
    ts004_data_block_mic,
    ts004_parse,
)

__all__ = [
    "DEFAULT_FPORT",
    "PACKAGE_IDENTIFIER",
    "Message",
    "Ts004Version",
    "parse",
    "build",
    "data_block_int_key",
    "data_block_mic",
]

Message = dict[str, Any]
"""One command: ``{"command": name, **fields}``."""

Ts004Version = Literal["v1", "v2", "v2-spec"]
"""The TS004 reading: v1.0.0, v2.0.0 as deployed, v2.0.0 as its MATLAB listing."""

DEFAULT_FPORT: int = TS004_DEFAULT_FPORT
"""The FPort of TS004 unless a device profile says otherwise (201)."""

PACKAGE_IDENTIFIER: int = TS004_PACKAGE_IDENTIFIER
"""The package identifier a device answers in PackageVersionAns (3)."""


def parse(
    data: bytes | bytearray, *, uplink: bool = False, ts004: Ts004Version = "v1"
) -> list[Message]:
    """Every command of a TS004 FPort payload, in order.

    Args:
        data: the FRMPayload (CID bytes included).
        uplink: ``False`` for server -> device commands, ``True`` for device answers.
        ts004: ``"v1"``, ``"v2"`` or ``"v2-spec"``.

    Raises:
        ParseError: at the first command that does not parse (unknown CID, truncated, RFU
            bits set in a request, counter 0, DataFragment not alone).
    """
    return ts004_parse(data, uplink=uplink, ts004=ts004)


def build(message: Mapping[str, Any], *, ts004: Ts004Version = "v1") -> bytes:
    """The bytes of one command (CID included), from a dict shaped like :func:`parse`'s.

    The direction follows from ``message["command"]``.

    Raises:
        ParameterError: a missing, unexpected or out-of-range field (named in the message),
            an unknown command, or a v2-only command or field under ``ts004="v1"``.
    """
    return ts004_build(message, ts004=ts004)


def data_block_int_key(root_key: bytes) -> bytes:
    """DataBlockIntKey = AES128-encrypt(root key, ``0x30 | 0^15``).

    Args:
        root_key: the device's GenAppKey (LoRaWAN 1.0.x) or AppKey (1.1), 16 bytes.
    """
    return ts004_data_block_int_key(root_key)


def data_block_mic(
    key: bytes, session_cnt: int, frag_index: int, descriptor: bytes, block: bytes
) -> bytes:
    """The TS004 v2 FragSessionSetupReq MIC of a data block, 4 bytes in wire order.

    It goes in the ``mic`` field of a v2 ``FragSessionSetupReq`` with the same
    ``session_cnt``, ``frag_index`` and ``descriptor``.

    Args:
        key: DataBlockIntKey (:func:`data_block_int_key`), 16 bytes.
        session_cnt: the session counter, 0..65535.
        frag_index: the session, 0..3.
        descriptor: the 4 descriptor bytes, in wire order.
        block: the data block *without* padding.
    """
    return ts004_data_block_mic(key, session_cnt, frag_index, descriptor, block)
