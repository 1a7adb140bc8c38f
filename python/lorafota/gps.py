"""GPS time as LoRaWAN uses it, in whole seconds.

GPS time counts seconds since 1980-01-06T00:00:00Z *with* leap seconds (18 since 2017), unlike
Unix time. Convert with :func:`gps_from_unix` / :func:`unix_from_gps`, never with
``unix - 315964800``: that starts a multicast session 18 s late. The leap-second table and its
edge rule are those of brocaar/lorawan and ChirpStack (GPS time jumps by 2 s between 23:59:59
and 00:00:00 on a leap night), so SessionTime values agree with the network servers'.

* :func:`session_time_u32`: the 32-bit wire form (TS005 SessionTime, TS003 DeviceTime), GPS
  seconds modulo 2^32; :func:`from_session_time_u32` resolves it back near a reference time.
* Class B sessions start on 128 s beacon boundaries: :func:`class_b_aligned_up` keeps a start
  in the future (use it), :func:`class_b_aligned_down` is ChirpStack's rounding.
* The TS005 TimeOut field is an exponent, not seconds: a Class C session lasts at most 2^n s
  (:func:`class_c_timeout_seconds`), a Class B one 128 x 2^n s
  (:func:`class_b_timeout_seconds`); :func:`class_c_timeout_covering` /
  :func:`class_b_timeout_covering` pick the smallest exponent for a duration.

Every time is an ``int`` of seconds; out-of-range values raise
:class:`~lorafota.errors.ParameterError` (a ``ValueError``).

>>> import calendar
>>> unix = calendar.timegm((2025, 7, 14, 0, 0, 0))
>>> gps = gps_from_unix(unix)
>>> gps - (unix - GPS_EPOCH_UNIX_SECONDS)  # the leap seconds
18
>>> class_b_aligned_up(gps) % 128
0
>>> class_c_timeout_seconds(12)
4096
"""

from __future__ import annotations

from ._lorafota import (
    GPS_CLASS_B_BEACON_PERIOD_SECONDS,
    GPS_EPOCH_UNIX_SECONDS,
    gps_class_b_aligned_down,
    gps_class_b_aligned_up,
    gps_class_b_timeout_covering,
    gps_class_b_timeout_seconds,
    gps_class_c_timeout_covering,
    gps_class_c_timeout_seconds,
    gps_from_loramac_unix,
    gps_from_session_time_u32,
    gps_from_unix,
    gps_is_class_b_aligned,
    gps_leap_seconds,
    gps_session_time_u32,
    gps_to_loramac_unix,
    unix_from_gps,
)

__all__ = [
    "GPS_EPOCH_UNIX_SECONDS",
    "CLASS_B_BEACON_PERIOD_SECONDS",
    "gps_from_unix",
    "unix_from_gps",
    "leap_seconds",
    "session_time_u32",
    "from_session_time_u32",
    "class_b_aligned_up",
    "class_b_aligned_down",
    "is_class_b_aligned",
    "gps_from_loramac_unix",
    "loramac_unix_from_gps",
    "class_c_timeout_seconds",
    "class_b_timeout_seconds",
    "class_c_timeout_covering",
    "class_b_timeout_covering",
]

CLASS_B_BEACON_PERIOD_SECONDS: int = GPS_CLASS_B_BEACON_PERIOD_SECONDS
"""The Class B beacon period (128 s), to which TS005 v2 aligns Class B SessionTime."""

# GPS_EPOCH_UNIX_SECONDS (315964800) is re-exported as is: the Unix time of the GPS epoch.


def leap_seconds(unix_seconds: int) -> int:
    """GPS - UTC at a Unix time: the leap seconds counted by then (0 to 18)."""
    return gps_leap_seconds(unix_seconds)


def session_time_u32(gps_seconds: int) -> int:
    """The 32-bit wire form of a GPS time: GPS seconds modulo 2^32 (wraps in 2116)."""
    return gps_session_time_u32(gps_seconds)


def from_session_time_u32(value: int, reference: int) -> int:
    """The GPS time whose 32-bit form is ``value``, nearest to ``reference`` (GPS seconds,
    e.g. now), within 2^31 s either side."""
    return gps_from_session_time_u32(value, reference)


def class_b_aligned_up(gps_seconds: int) -> int:
    """The first 128 s boundary at or after ``gps_seconds``: a Class B SessionTime that does
    not start before the time asked for."""
    return gps_class_b_aligned_up(gps_seconds)


def class_b_aligned_down(gps_seconds: int) -> int:
    """The last 128 s boundary at or before ``gps_seconds`` (ChirpStack's rounding; it can
    start up to 127 s early)."""
    return gps_class_b_aligned_down(gps_seconds)


def is_class_b_aligned(gps_seconds: int) -> bool:
    """Whether a GPS time (or a 32-bit SessionTime) is a multiple of 128 s."""
    return gps_is_class_b_aligned(gps_seconds)


def loramac_unix_from_gps(gps_seconds: int) -> int:
    """A GPS time on a LoRaMac-node style "Unix" device clock: GPS + 315964800, no leap
    seconds, so 18 s *ahead* of real Unix time. Not Unix time (see :func:`unix_from_gps`)."""
    return gps_to_loramac_unix(gps_seconds)


def class_c_timeout_seconds(exponent: int) -> int:
    """The longest a Class C session with TimeOut ``exponent`` (0..15) lasts: 2^exponent s."""
    return gps_class_c_timeout_seconds(exponent)


def class_b_timeout_seconds(exponent: int) -> int:
    """The longest a Class B session with TimeOut ``exponent`` (0..15) lasts:
    128 x 2^exponent s."""
    return gps_class_b_timeout_seconds(exponent)


def class_c_timeout_covering(seconds: float) -> int | None:
    """The smallest Class C TimeOut exponent whose session lasts at least ``seconds``, or
    ``None`` when even 2^15 s (about 9.1 h) is too short."""
    return gps_class_c_timeout_covering(seconds)


def class_b_timeout_covering(seconds: float) -> int | None:
    """The smallest Class B TimeOut exponent whose session lasts at least ``seconds``, or
    ``None`` when even 128 x 2^15 s is too short."""
    return gps_class_b_timeout_covering(seconds)
