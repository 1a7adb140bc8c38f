"""TS005 Remote Multicast Setup messages (FPort 200) and the multicast key chain.

A message is a ``dict``: ``"command"`` (the command's name) and its fields, snake_case, named
as the shared golden vectors name them. ``mc_addr`` is the address as displayed (``0x01020304``
for ``"01020304"``; it travels little-endian), ``session_time`` is GPS seconds modulo 2^32
(see :mod:`lorafota.gps`), ``time_out`` the TimeOut *exponent* (2^n s in Class C, 128 x 2^n s
in Class B), ``dl_freq_hz`` the frequency in Hz (a multiple of 100), group masks are lists of
four ``bool`` (index = group). ``parse(build(m), uplink=...) == [m]`` for every valid ``m``.
TS005 v1.0.0 and v2.0.0 share every layout, so there is no version argument.

Server -> device (``uplink=False``):

======================= ====================================================================
``PackageVersionReq``   (no field)
``McGroupStatusReq``    ``req_group_mask`` (4 bools)
``McGroupSetupReq``     ``mc_group_id`` (0..3), ``mc_addr``, ``mc_key_encrypted`` (16 bytes,
                        :func:`encrypt_mc_key`), ``min_mc_fcnt``, ``max_mc_fcnt``
``McGroupDeleteReq``    ``mc_group_id``
``McClassCSessionReq``  ``mc_group_id``, ``session_time``, ``time_out`` (0..15),
                        ``dl_freq_hz``, ``dr``
``McClassBSessionReq``  as Class C plus ``periodicity`` (0..7); ``session_time`` should be a
                        multiple of 128 (:func:`lorafota.gps.class_b_aligned_up`)
======================= ====================================================================

Device -> server (``uplink=True``):

======================= ====================================================================
``PackageVersionAns``   ``package_identifier`` (2), ``package_version`` (1 or 2)
``McGroupStatusAns``    ``nb_total_groups`` (0..7), ``groups``: four entries (index = group),
                        the group's McAddr or ``None`` when it was not answered for
``McGroupSetupAns``     ``mc_group_id``, ``id_error``
``McGroupDeleteAns``    ``mc_group_id``, ``mc_group_undefined``
``McClassCSessionAns``  ``mc_group_id``, ``dr_error``, ``freq_error``, ``mc_group_undefined``,
                        ``start_missed`` (v2), ``time_to_start`` (seconds, an ``int`` exactly
                        when no flag is set, else ``None``; 0xFFFFFF = too far away)
``McClassBSessionAns``  the same fields
======================= ====================================================================

Bad bytes raise :class:`~lorafota.errors.ParseError`; a missing, unexpected or out-of-range
field, or a key that is not 16 bytes, raises :class:`~lorafota.errors.ParameterError`. Both are
``ValueError``. Keys are ``bytes`` in the order AES uses; they never appear in error messages.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Literal

from ._lorafota import (
    TS005_DEFAULT_FPORT,
    TS005_PACKAGE_IDENTIFIER,
    ts005_build,
    ts005_decrypt_mc_key,
    ts005_encrypt_mc_key,
    ts005_mc_ke_key,
    ts005_mc_root_key,
    ts005_mc_session_keys,
    ts005_parse,
)

__all__ = [
    "DEFAULT_FPORT",
    "PACKAGE_IDENTIFIER",
    "Message",
    "RootKeyKind",
    "parse",
    "build",
    "mc_root_key",
    "mc_ke_key",
    "encrypt_mc_key",
    "decrypt_mc_key",
    "mc_session_keys",
]

Message = dict[str, Any]
"""One command: ``{"command": name, **fields}``."""

RootKeyKind = Literal["gen_app_key", "app_key"]
"""The device's root key: GenAppKey (LoRaWAN 1.0.x) or AppKey (LoRaWAN 1.1)."""

DEFAULT_FPORT: int = TS005_DEFAULT_FPORT
"""The FPort of TS005 unless a device profile says otherwise (200)."""

PACKAGE_IDENTIFIER: int = TS005_PACKAGE_IDENTIFIER
"""The package identifier a device answers in PackageVersionAns (2)."""


def parse(data: bytes | bytearray, *, uplink: bool = False) -> list[Message]:
    """Every command of a TS005 FPort payload, in order.

    Args:
        data: the FRMPayload (CID bytes included).
        uplink: ``False`` for server -> device requests, ``True`` for device answers.

    Raises:
        ParseError: at the first command that does not parse.
    """
    return ts005_parse(data, uplink=uplink)


def build(message: Mapping[str, Any]) -> bytes:
    """The bytes of one command (CID included), from a dict shaped like :func:`parse`'s.

    Raises:
        ParameterError: a missing, unexpected or out-of-range field (named in the message)
            or an unknown command.
    """
    return ts005_build(message)


def mc_root_key(app_key: bytes, *, kind: RootKeyKind) -> bytes:
    """McRootKey from the device's root key.

    ``kind="gen_app_key"``: a LoRaWAN 1.0.x GenAppKey, AES-encrypt(key, ``0x00 | 0^15``)
    (MultiTech Conduits default GenAppKey to 16 zero bytes). ``kind="app_key"``: a LoRaWAN 1.1
    AppKey, AES-encrypt(key, ``0x20 | 0^15``).
    """
    return ts005_mc_root_key(app_key, kind=kind)


def mc_ke_key(mc_root_key: bytes) -> bytes:
    """McKEKey = AES-encrypt(McRootKey, ``0^16``)."""
    return ts005_mc_ke_key(mc_root_key)


def encrypt_mc_key(mc_ke_key: bytes, mc_key: bytes) -> bytes:
    """Server side: McKey_encrypted for McGroupSetupReq, AES-**decrypt**(McKEKey, McKey).

    TS005 has the server use the *decrypt* primitive so that a device only needs AES encrypt.
    """
    return ts005_encrypt_mc_key(mc_ke_key, mc_key)


def decrypt_mc_key(mc_ke_key: bytes, encrypted: bytes) -> bytes:
    """Device side: McKey = AES-**encrypt**(McKEKey, McKey_encrypted), the inverse of
    :func:`encrypt_mc_key`."""
    return ts005_decrypt_mc_key(mc_ke_key, encrypted)


def mc_session_keys(mc_key: bytes, mc_addr: int) -> tuple[bytes, bytes]:
    """The group's ``(McAppSKey, McNwkSKey)``.

    McAppSKey = AES-encrypt(McKey, ``0x01 | McAddr (LE) | 0^11``), McNwkSKey the same with
    ``0x02``.

    Args:
        mc_key: the group key, 16 bytes.
        mc_addr: the group address as displayed (``0x01020304`` for ``"01020304"``).
    """
    return ts005_mc_session_keys(mc_key, mc_addr)
