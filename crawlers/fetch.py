"""Fetch one document over HTTP, politely and safely.

Every request of every source kind goes through `fetch_url`: robots.txt is obeyed (when
the caller passes the shared RobotsCache), the host budget paces requests (when passed a
HostBudget), transient failures are retried briefly, conditional GET saves the download
of an unchanged document, redirects are followed by hand (at most `max_redirects`), the
body is capped on the wire and after decompression while streaming, and the whole fetch
has a time limit. The SSRF guard lives in the client's transport (`make_client`): every
connection, redirect hops included, goes only to an address that was checked.
"""

from __future__ import annotations

import time
from collections.abc import Mapping
from pathlib import Path
from urllib.parse import urlsplit

import httpx

from crawlers.address_guard import AddressPolicy, Resolver, policy_for, resolve_host
from crawlers.decompress import ACCEPT_ENCODING
from crawlers.errors import (
    BlockedAddress,
    BodyTooLarge,
    FetchError,
    HostBusy,
    HTTPStatusError,
    InvalidTarget,
    TooManyRedirects,
)
from crawlers.exchange import BodyRule, Redirect, Request, send_with_retries
from crawlers.fetch_types import FetchLimits, FetchResult
from crawlers.guarded_transport import GuardedTransport
from crawlers.host_budget import HostBudget
from crawlers.robots import MAX_ROBOTS_BYTES, RobotsAnswer, RobotsCache

__all__ = ["FetchLimits", "FetchResult", "fetch_target", "fetch_url", "make_client", "read_file"]


def make_client(limits: FetchLimits, *, policy: AddressPolicy | None = None,
                resolver: Resolver = resolve_host) -> httpx.Client:
    """An httpx client for fetching: the SSRF-guarded transport (public addresses only
    unless `limits.allow_private_networks`, plus `limits.allowed_networks`, or exactly
    what `policy` allows), the fetch
    timeouts, our User-Agent and the encodings we can decompress within the caps.
    Redirects are followed by fetch_url, not by the client."""
    timeout = httpx.Timeout(limits.read_timeout_s, connect=limits.connect_timeout_s)
    transport = GuardedTransport(
        policy or policy_for(limits.allow_private_networks, limits.allowed_networks),
        resolver=resolver)
    return httpx.Client(transport=transport, timeout=timeout, follow_redirects=False,
                        trust_env=False, headers={"User-Agent": limits.user_agent,
                                                  "Accept-Encoding": ACCEPT_ENCODING})


def _host_of(url: str) -> str:
    """The URL's host; raises InvalidTarget for anything but a well-formed http(s) URL."""
    try:
        parsed = httpx.URL(url)
    except (httpx.InvalidURL, TypeError) as exc:
        raise InvalidTarget(f"not a valid URL: {url} ({exc})") from exc
    if parsed.scheme not in ("http", "https") or not parsed.host:
        raise InvalidTarget(f"not an http(s) URL: {url}")
    return parsed.host


def _load_robots(robots_url: str, client: httpx.Client, limits: FetchLimits,
                 budget: HostBudget) -> RobotsAnswer:
    """GET robots.txt for the cache: the status and up to 500 KiB (+1 byte, so the
    parser knows it was cut). An SSRF refusal or a busy host is raised, not cached.
    Unpaced: the host's first document need not wait a whole minimum delay after it
    (a Crawl-delay it announces does count from it)."""
    try:
        result = _fetch(Request("GET", robots_url), client, limits, budget=budget,
                        robots=None, rule=BodyRule(MAX_ROBOTS_BYTES + 1, truncate=True),
                        paced=False)
    except HTTPStatusError as exc:
        return RobotsAnswer(exc.status_code, b"", str(exc))
    except TooManyRedirects as exc:
        return RobotsAnswer(exc.last_status, b"", str(exc))
    except (BlockedAddress, HostBusy, InvalidTarget):
        raise
    except FetchError as exc:
        return RobotsAnswer(None, b"", str(exc))
    return RobotsAnswer(result.status, result.body)


def _fetch(request: Request, client: httpx.Client, limits: FetchLimits, *,
           budget: HostBudget, robots: RobotsCache | None, rule: BodyRule,
           paced: bool = True) -> FetchResult:
    deadline = time.monotonic() + limits.total_timeout_s
    last_status = 0
    for _hop in range(limits.max_redirects + 1):
        host = _host_of(request.url)
        if robots is not None:
            rules = robots.check(request.url, lambda robots_url: _load_robots(
                robots_url, client, limits, budget))
            budget.set_crawl_delay(host, rules.crawl_delay_s)
        outcome = send_with_retries(client, request, limits, host=host, budget=budget,
                                    deadline=deadline, rule=rule, paced=paced)
        if not isinstance(outcome, Redirect):
            return outcome
        last_status = outcome.status
        if outcome.status == 303:  # see other: the answer is a GET
            request = Request("GET", outcome.location, request.headers, None, request.etag,
                              request.last_modified)
        else:
            request = Request(request.method, outcome.location, request.headers,
                              request.json_body, request.etag, request.last_modified)
    raise TooManyRedirects(f"more than {limits.max_redirects} redirects", last_status)


def fetch_url(url: str, client: httpx.Client, limits: FetchLimits, *, etag: str | None = None,
              last_modified: str | None = None, method: str = "GET",
              json_body: object | None = None, headers: Mapping[str, str] | None = None,
              budget: HostBudget | None = None,
              robots: RobotsCache | None = None) -> FetchResult:
    """GET (or POST `json_body` to) `url`, with conditional headers when given, and
    `headers` added. Pass the shared `budget` to pace requests per host (without one,
    Retry-After and backoff still wait) and the shared `robots` cache to obey robots.txt.

    Returns the document, or a not-modified result. Raises a FetchError subclass on any
    failure: InvalidTarget, BlockedAddress (SSRF guard, at every hop), RobotsDisallowed,
    HostBusy, HTTPStatusError, FetchTimeout, BodyTooLarge, TooManyRedirects. Errors of
    a transient kind carry `retry_after_s`.
    """
    sent = dict(headers or {})
    if etag:
        sent["If-None-Match"] = etag
    if last_modified:
        sent["If-Modified-Since"] = last_modified
    request = Request(method.upper(), url, sent, json_body, etag, last_modified)
    return _fetch(request, client, limits, budget=budget or HostBudget.unlimited(),
                  robots=robots, rule=BodyRule(limits.max_decoded_bytes))


def read_file(path: Path, limits: FetchLimits) -> FetchResult:
    """Read a local file as if fetched (for `sharehub preview FILE`)."""
    try:
        size = path.stat().st_size
        if size > limits.max_body_bytes:
            raise BodyTooLarge(f"{path} is {size} bytes, over the cap of "
                               f"{limits.max_body_bytes} bytes")
        return FetchResult(path.read_bytes(), path.resolve().as_uri())
    except OSError as exc:
        raise InvalidTarget(f"cannot read {path}: {exc.strerror}") from exc


def fetch_target(target: str, client: httpx.Client, limits: FetchLimits, *,
                 etag: str | None = None, last_modified: str | None = None,
                 budget: HostBudget | None = None,
                 robots: RobotsCache | None = None) -> FetchResult:
    """Fetch an http(s) URL (see fetch_url), or read a local path or file:// URL."""
    if target.startswith(("http://", "https://")):
        return fetch_url(target, client, limits, etag=etag, last_modified=last_modified,
                         budget=budget, robots=robots)
    if target.startswith("file://"):
        target = urlsplit(target).path
    elif "://" in target:
        raise InvalidTarget(f"unsupported URL scheme: {target.split('://', 1)[0]}")
    return read_file(Path(target), limits)
