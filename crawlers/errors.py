"""Errors raised while fetching a source.

    FetchError                 (retry_after_s: when the scheduler should try again, if known)
     ├── FetchTimeout          connect, read or total time limit exceeded
     ├── HTTPStatusError       the platform answered with an error status
     ├── BodyTooLarge          the body (on the wire or decompressed) went over its cap
     ├── BlockedAddress        the URL resolves to a non-public address (SSRF guard)
     ├── InvalidTarget         not an http(s) URL or a readable file
     ├── TooManyRedirects      more redirects than the limit allows
     ├── RobotsDisallowed      robots.txt forbids the URL, or is unavailable (5xx, unreachable)
     └── HostBusy              the host's politeness budget would make us wait too long
"""

from __future__ import annotations

__all__ = ["BlockedAddress", "BodyTooLarge", "FetchError", "FetchTimeout", "HTTPStatusError",
           "HostBusy", "InvalidTarget", "RobotsDisallowed", "TooManyRedirects"]


class FetchError(Exception):
    """The document could not be fetched.

    `retry_after_s` is set when the platform (Retry-After), our backoff or the host budget
    says when trying again makes sense; the scheduler can push the next check that far."""

    def __init__(self, message: str, *, retry_after_s: float | None = None) -> None:
        super().__init__(message)
        self.retry_after_s = retry_after_s


class FetchTimeout(FetchError):
    """A time limit was exceeded."""


class HTTPStatusError(FetchError):
    """The platform answered with a status that carries no document."""

    def __init__(self, message: str, status_code: int, *,
                 retry_after_s: float | None = None) -> None:
        super().__init__(message, retry_after_s=retry_after_s)
        self.status_code = status_code


class BodyTooLarge(FetchError):
    """The body exceeded the configured cap."""


class BlockedAddress(FetchError):
    """The URL points at a loopback, private or otherwise non-public address."""


class InvalidTarget(FetchError):
    """The target is neither an http(s) URL nor a readable local file."""


class TooManyRedirects(FetchError):
    """The redirect chain was longer than the limit; `last_status` is the last redirect's
    status."""

    def __init__(self, message: str, last_status: int) -> None:
        super().__init__(message)
        self.last_status = last_status


class RobotsDisallowed(FetchError):
    """robots.txt does not allow sharehub to fetch the URL (its rules, or RFC 9309's
    complete disallow when robots.txt answers 5xx or cannot be reached)."""


class HostBusy(FetchError):
    """Waiting for the host's next free slot (minimum delay, Crawl-delay, Retry-After)
    would take longer than a fetch may wait; `retry_after_s` says how long."""
