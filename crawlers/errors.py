"""Errors raised while fetching a source.

    FetchError
     ├── FetchTimeout       connect, read or total time limit exceeded
     ├── HTTPStatusError    the platform answered with an error status
     ├── BodyTooLarge       the body went over the size cap while streaming
     ├── BlockedAddress     the URL resolves to a non-public address (SSRF guard)
     └── InvalidTarget      not an http(s) URL or a readable file
"""

from __future__ import annotations

__all__ = ["BlockedAddress", "BodyTooLarge", "FetchError", "FetchTimeout", "HTTPStatusError",
           "InvalidTarget"]


class FetchError(Exception):
    """The document could not be fetched."""


class FetchTimeout(FetchError):
    """A time limit was exceeded."""


class HTTPStatusError(FetchError):
    """The platform answered with a status that carries no document."""

    def __init__(self, message: str, status_code: int) -> None:
        super().__init__(message)
        self.status_code = status_code


class BodyTooLarge(FetchError):
    """The body exceeded the configured cap."""


class BlockedAddress(FetchError):
    """The URL points at a loopback, private or otherwise non-public address."""


class InvalidTarget(FetchError):
    """The target is neither an http(s) URL nor a readable local file."""
