"""The exceptions of lorafota.

Every error the package raises is a :class:`LorafotaError` and also the builtin that fits it, so
callers can catch either: ``except ValueError`` for bad input, ``except PermissionError`` for a
refused login, ``except TimeoutError`` for a gateway that does not answer in time.

Secrets (passwords, tokens, keys) never appear in a message or an attribute.
"""

from __future__ import annotations

__all__ = [
    "LorafotaError",
    "ParameterError",
    "ParseError",
    "DecodeError",
    "GatewayError",
    "AuthError",
    "NotFoundError",
    "GatewayConnectionError",
    "TlsError",
    "GatewayTimeoutError",
    "EmulatorError",
]


class LorafotaError(Exception):
    """Base class of every lorafota error."""


class ParameterError(LorafotaError, ValueError):
    """An argument is out of range or malformed (checked before anything is sent)."""


class ParseError(LorafotaError, ValueError):
    """Bytes received are not a valid message (wrong length, reserved bits, unknown command)."""


class DecodeError(LorafotaError, ValueError):
    """A fragment given to a decoder is invalid (counter 0 or out of range, wrong size)."""


class GatewayError(LorafotaError):
    """The gateway answered with an error.

    Attributes:
        code: the HTTP status / envelope ``code`` (e.g. 400, 401, 404, 409).
        status: the envelope's ``status`` word (``"fail"``), when there is one.
        message: the gateway's own error text, whole.
        body: the raw response body when it was not the JSON envelope.
    """

    code: int | None
    status: str | None
    message: str
    body: str | None

    def __init__(
        self,
        message: str,
        code: int | None = None,
        status: str | None = None,
        body: str | None = None,
    ) -> None:
        super().__init__(message)
        self.message = message
        self.code = code
        self.status = status
        self.body = body

    def __str__(self) -> str:
        return self.message if self.code is None else f"{self.message} (HTTP {self.code})"


class AuthError(GatewayError, PermissionError):
    """401/403: the login was refused, the token expired, or the user lacks the role."""


class NotFoundError(GatewayError, FileNotFoundError):
    """404: no such schedule, file or endpoint on the gateway."""


class GatewayConnectionError(LorafotaError, ConnectionError):
    """The gateway could not be reached (refused, reset, DNS)."""


class TlsError(GatewayConnectionError):
    """TLS failed: the certificate is not the pinned one, or no trusted CA signed it."""


class GatewayTimeoutError(LorafotaError, TimeoutError):
    """The gateway did not answer, or a job did not finish, within the time allowed."""


class EmulatorError(LorafotaError, RuntimeError):
    """The embedded gateway emulator could not start."""
