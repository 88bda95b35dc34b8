"""The fetcher's small config (`FetchLimits`) and its result (`FetchResult`)."""

from __future__ import annotations

from dataclasses import dataclass

__all__ = ["FetchLimits", "FetchResult"]


@dataclass(frozen=True, slots=True)
class FetchLimits:
    """Every limit one fetch obeys, built from the settings (`Settings.fetch_limits`)."""

    connect_timeout_s: float = 10.0
    read_timeout_s: float = 20.0
    total_timeout_s: float = 60.0  # one fetch_url call: redirects, retries and waits included
    max_body_bytes: int = 15 * 1024 * 1024  # bytes on the wire
    max_redirects: int = 5
    allow_private_networks: bool = False
    user_agent: str = "sharehub/0.1 (+https://github.com/sharehub)"
    max_decoded_bytes: int = 15 * 1024 * 1024  # bytes after gzip/deflate/br are undone
    max_retries: int = 2  # retries of a transient failure within one fetch
    max_retry_wait_s: float = 10.0  # longest single wait (Retry-After, backoff, host budget)
    backoff_base_s: float = 1.0  # first backoff ceiling; doubles per attempt, full jitter
    backoff_cap_s: float = 60.0
    # Non-public networks (CIDR) allowed even when private networks are not: loopback
    # test platforms, while redirects to 10/8 or 169.254.169.254 stay refused.
    allowed_networks: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class FetchResult:
    """A fetched document, or an unchanged one (`not_modified`, empty body): a 304, or a
    200 whose ETag / Last-Modified match what we sent.

    `declared_charset` is the charset named in Content-Type, if any: a hint for
    `normalizer.text.decode_bytes`, which checks it against the bytes."""

    body: bytes
    final_url: str
    status: int = 200
    not_modified: bool = False
    etag: str | None = None
    last_modified: str | None = None
    content_type: str = ""
    declared_charset: str | None = None
