"""One HTTP exchange (request → redirect, 304 or body) and its retries.

Transient failures (timeouts, connection errors, 408/429/5xx) are retried within the
fetch while the wait is short: the platform's Retry-After when it sends one, else capped
exponential backoff with full jitter. Every wait goes through the host budget, so other
sources on the same host hold off too. When the wait is too long, or the retries are
spent, the error carries `retry_after_s` for the scheduler.
"""

from __future__ import annotations

import logging
import random
import time
from dataclasses import dataclass, field
from datetime import UTC, datetime
from urllib.parse import urljoin

import httpx

from crawlers.decompress import read_body
from crawlers.errors import BodyTooLarge, FetchError, FetchTimeout, HTTPStatusError
from crawlers.fetch_types import FetchLimits, FetchResult
from crawlers.host_budget import HostBudget
from crawlers.http_decisions import (
    backoff_delay,
    declared_charset,
    is_modified,
    is_transient_status,
    retry_delay,
)

__all__ = ["BodyRule", "Redirect", "Request", "send_with_retries"]

log = logging.getLogger("sharehub.crawlers.fetch")

_REDIRECTS = frozenset({301, 302, 303, 307, 308})
# SystemRandom keeps no state of its own: jitter without a shared mutable generator.
_JITTER = random.SystemRandom()


@dataclass(frozen=True, slots=True)
class Request:
    """What to send, and the validators of the copy we hold."""

    method: str
    url: str
    headers: dict[str, str] = field(default_factory=dict)
    json_body: object | None = None
    etag: str | None = None
    last_modified: str | None = None


@dataclass(frozen=True, slots=True)
class BodyRule:
    """How much body to accept after decompression, and whether to cut it there
    (robots.txt) instead of failing."""

    max_decoded_bytes: int
    truncate: bool = False


@dataclass(frozen=True, slots=True)
class Redirect:
    location: str
    status: int


class _Transient(Exception):
    def __init__(self, error: FetchError, wait_s: float | None) -> None:
        super().__init__(str(error))
        self.error = error
        self.wait_s = wait_s


def _status_message(status: int) -> str:
    if status in (401, 403):
        return f"HTTP {status}: the platform refused access (check the key or the permission)"
    if status == 404:
        return "HTTP 404: no document at this URL"
    if status == 429:
        return "HTTP 429: the platform asks us to slow down"
    if status >= 500:
        return f"HTTP {status}: the platform has a server error"
    return f"HTTP {status}: unexpected status"


def _answer(request: Request, response: httpx.Response, limits: FetchLimits,
            deadline: float, rule: BodyRule) -> FetchResult | Redirect:
    status, headers = response.status_code, response.headers
    if status in _REDIRECTS and "location" in headers:
        return Redirect(urljoin(request.url, headers["location"]), status)
    if status >= 400:
        error = HTTPStatusError(_status_message(status), status)
        if is_transient_status(status):
            raise _Transient(error, retry_delay(status, headers, datetime.now(UTC)))
        raise error
    etag, modified = headers.get("etag"), headers.get("last-modified")
    content_type = headers.get("content-type", "")
    if not is_modified(request.etag, request.last_modified, status, etag, modified):
        return FetchResult(b"", request.url, status, True, etag or request.etag,
                           modified or request.last_modified, content_type,
                           declared_charset(content_type))
    declared = headers.get("content-length", "")
    if not rule.truncate and declared.isdigit() and int(declared) > limits.max_body_bytes:
        raise BodyTooLarge(f"body of {declared} bytes is over the cap of "
                           f"{limits.max_body_bytes} bytes")
    body = read_body(response.iter_raw(), headers.get("content-encoding"),
                     max_wire_bytes=limits.max_body_bytes,
                     max_decoded_bytes=rule.max_decoded_bytes, deadline=deadline,
                     truncate=rule.truncate)
    return FetchResult(body, request.url, status, False, etag, modified, content_type,
                       declared_charset(content_type))


def _send_once(client: httpx.Client, request: Request, limits: FetchLimits, deadline: float,
               rule: BodyRule) -> FetchResult | Redirect:
    try:
        with client.stream(request.method, request.url, headers=request.headers,
                           json=request.json_body) as response:
            return _answer(request, response, limits, deadline, rule)
    except httpx.TimeoutException as exc:
        raise _Transient(FetchTimeout(f"timed out: {type(exc).__name__}"), None) from exc
    except (httpx.NetworkError, httpx.RemoteProtocolError) as exc:
        raise _Transient(FetchError(f"{type(exc).__name__}: {exc}"), None) from exc
    except httpx.HTTPError as exc:
        raise FetchError(f"{type(exc).__name__}: {exc}") from exc


def send_with_retries(client: httpx.Client, request: Request, limits: FetchLimits, *,
                      host: str, budget: HostBudget, deadline: float, rule: BodyRule,
                      paced: bool = True) -> FetchResult | Redirect:
    """Send `request` within `host`'s budget, retrying transient failures while the wait
    is at most `limits.max_retry_wait_s` and time is left before `deadline`. An unpaced
    request (robots.txt) does not delay the host's next request (HostBudget.slot).

    Returns the document (or not-modified result) or the redirect to follow. Raises
    FetchError subclasses; a transient one that is not retried carries `retry_after_s`.
    """
    attempt = 0
    while True:
        left = max(deadline - time.monotonic(), 0.0)
        try:
            # Queueing behind our own requests to the host may take the whole time left;
            # waiting for the host's pacing only as long as a retry may wait.
            with budget.slot(host, max_wait_s=min(limits.max_retry_wait_s, left),
                             max_queue_s=left, paced=paced):
                return _send_once(client, request, limits, deadline, rule)
        except _Transient as transient:
            wait = transient.wait_s
            if wait is None:
                wait = backoff_delay(attempt, limits.backoff_base_s, limits.backoff_cap_s,
                                     _JITTER)
            budget.hold_off(host, wait)
            if (attempt < limits.max_retries and wait <= limits.max_retry_wait_s
                    and time.monotonic() + wait < deadline):
                attempt += 1
                # The host only: API keys travel in some platforms' URL paths.
                log.info("retrying", extra={"host": host, "attempt": attempt,
                                            "wait_s": round(wait, 3),
                                            "error": str(transient.error)})
                continue
            transient.error.retry_after_s = wait
            if transient.wait_s is not None and transient.error.args:
                # The platform said when (Retry-After): the run report says it too.
                transient.error.args = (f"{transient.error.args[0]} (it asks to retry after "
                                        f"{wait:.0f} s)", *transient.error.args[1:])
            raise transient.error from transient.__cause__
