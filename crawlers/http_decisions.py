"""HTTP decisions as pure functions: plain values in, plain values out, no I/O.

The fetcher asks these what to do (is this a change? wait how long? retry? obey which
robots.txt?), and their table tests pin every rule down, in the manner of Miniflux's
`ResponseHandler.IsModified` and `TestIsModified`.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from datetime import UTC, datetime
from email.message import Message
from email.utils import parsedate_to_datetime
from typing import Literal, Protocol

__all__ = ["MAX_RETRY_AFTER_S", "RobotsVerdict", "UnitRandom", "backoff_delay",
           "declared_charset", "is_modified", "is_transient_status", "retry_delay",
           "robots_verdict"]

# A platform cannot park a source for longer than a day with one Retry-After.
MAX_RETRY_AFTER_S = 24 * 3600.0
_TRANSIENT_STATUSES = frozenset({408, 429, 500, 502, 503, 504})
_CHARSET = re.compile(r"[a-z0-9][a-z0-9._:+-]{0,39}")

RobotsVerdict = Literal["parse", "allow_all", "disallow_all"]


class UnitRandom(Protocol):
    """Anything with `random() -> float in [0, 1)`, such as `random.Random`."""

    def random(self) -> float: ...


def _weak(etag: str | None) -> str:
    # If-None-Match uses weak comparison (RFC 9110 §13.1.2): W/"x" and "x" are the same.
    text = (etag or "").strip()
    return text[2:] if text.startswith("W/") else text


def is_modified(cached_etag: str | None, cached_last_modified: str | None, status: int,
                response_etag: str | None, response_last_modified: str | None) -> bool:
    """Whether a response carries a new version of the document.

    A 304 is never a change. Otherwise the response's ETag decides when it has one (some
    servers ignore If-None-Match and answer 200 with the same ETag), else its
    Last-Modified, else the response counts as modified.
    """
    if status == 304:
        return False
    if _weak(response_etag):
        return _weak(response_etag) != _weak(cached_etag)
    if response_last_modified and response_last_modified.strip():
        return response_last_modified.strip() != (cached_last_modified or "").strip()
    return True


def _header(headers: Mapping[str, str], name: str) -> str | None:
    for key, value in headers.items():
        if key.lower() == name:
            return value
    return None


def retry_delay(status: int, headers: Mapping[str, str], now: datetime) -> float | None:
    """Seconds the platform asks us to wait, from Retry-After on a 429 or 503.

    Retry-After is either whole seconds or an HTTP date (a past date means now: 0).
    Returns None for other statuses and for a missing, garbled or negative value (the
    caller then falls back to its own backoff); caps huge values at MAX_RETRY_AFTER_S.
    """
    if status not in (429, 503):
        return None
    value = (_header(headers, "retry-after") or "").strip()
    if not value:
        return None
    if value.isascii() and value.isdigit():
        return min(float(value), MAX_RETRY_AFTER_S)
    try:
        when = parsedate_to_datetime(value)
    except (TypeError, ValueError, IndexError):
        return None
    if when.tzinfo is None:  # "-0000" means UTC without saying so
        when = when.replace(tzinfo=UTC)
    return min(max((when - now).total_seconds(), 0.0), MAX_RETRY_AFTER_S)


def backoff_delay(attempt: int, base: float, cap: float, rng: UnitRandom) -> float:
    """Capped exponential backoff with full jitter: a uniform wait in
    [0, min(cap, base · 2^attempt)), so clients that failed together do not retry together.
    `attempt` counts from 0 (the wait before the first retry)."""
    ceiling = min(cap, base * 2.0 ** min(max(attempt, 0), 60))
    return max(ceiling, 0.0) * rng.random()


def is_transient_status(status: int) -> bool:
    """Statuses worth retrying: timeouts, rate limits and temporary server errors
    (not 501 Not Implemented or 505, which another try will not fix)."""
    return status in _TRANSIENT_STATUSES


def robots_verdict(status: int | None) -> RobotsVerdict:
    """What a robots.txt answer means (RFC 9309 §2.3.1), `None` being unreachable.

    2xx: parse the rules. 3xx left over (the redirect limit was reached): unavailable,
    so everything is allowed. 4xx: unavailable, everything allowed, except 429, which
    (as for Google) is the server asking for less traffic: treated as a server error.
    5xx, unreachable or anything else: complete disallow.
    """
    if status is None:
        return "disallow_all"
    if 200 <= status < 300:
        return "parse"
    if 300 <= status < 400 or (400 <= status < 500 and status != 429):
        return "allow_all"
    return "disallow_all"


def declared_charset(content_type: str | None) -> str | None:
    """The charset a Content-Type header declares, lower-cased ("text/csv; charset=EUC-KR"
    → "euc-kr"); None when it declares none or something that is not a charset name."""
    if not content_type:
        return None
    message = Message()
    message["content-type"] = content_type
    charset = message.get_content_charset()
    if charset and _CHARSET.fullmatch(charset):
        return charset
    return None
