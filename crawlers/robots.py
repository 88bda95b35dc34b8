"""robots.txt per RFC 9309, parsed by Protego (Google's matching rules), cached per
scheme+host+port.

- 2xx: the rules for the product token "sharehub" apply (Crawl-delay and Request-rate
  become the host's minimum delay between requests); at most 500 KiB is parsed.
- 4xx (and a redirect chain too long to follow): unavailable, everything is allowed.
- 5xx, 429 or unreachable: complete disallow, re-asked after `failure_ttl_s`; a copy
  fetched successfully before keeps applying meanwhile (RFC 9309 §2.4).
- A successful answer is cached for at most 24 hours.

Fetching is the caller's: `RobotsCache.rules_for(url, load)` calls `load(robots_url)`
when it needs a fresh copy, so this module does no I/O of its own.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from urllib.parse import urlsplit

from protego import Protego

from crawlers.errors import RobotsDisallowed
from crawlers.http_decisions import RobotsVerdict, robots_verdict

__all__ = ["MAX_ROBOTS_BYTES", "PRODUCT_TOKEN", "RobotsAnswer", "RobotsCache", "RobotsLoader",
           "RobotsRules", "parse_robots", "robots_url_for"]

log = logging.getLogger("sharehub.crawlers.robots")

PRODUCT_TOKEN = "sharehub"
MAX_ROBOTS_BYTES = 500 * 1024
_TTL_S = 24 * 3600.0
_FAILURE_TTL_S = 600.0
_STALE_LIMIT_S = 30 * 24 * 3600.0  # Google's limit for using an old copy while unreachable


@dataclass(frozen=True, slots=True)
class RobotsAnswer:
    """What fetching robots.txt gave: a status (None when unreachable) and the body,
    which the loader may cut after MAX_ROBOTS_BYTES + 1 bytes."""

    status: int | None
    body: bytes = b""
    detail: str = ""


RobotsLoader = Callable[[str], RobotsAnswer]


@dataclass(frozen=True, slots=True)
class RobotsRules:
    """The robots.txt rules that apply to one origin."""

    robots_url: str
    verdict: RobotsVerdict
    reason: str
    crawl_delay_s: float | None = None
    parser: Protego | None = field(default=None, compare=False, repr=False)
    product_token: str = PRODUCT_TOKEN

    def allows(self, url: str) -> bool:
        """Whether sharehub may fetch `url` (a URL on this origin)."""
        if self.verdict == "parse" and self.parser is not None:
            return self.parser.can_fetch(url, self.product_token)
        return self.verdict == "allow_all"

    def refusal(self, url: str, *, retry_after_s: float | None = None) -> RobotsDisallowed:
        """The error that says why `url` is refused."""
        if self.verdict == "disallow_all":
            return RobotsDisallowed(
                f"robots.txt at {self.robots_url}: disallowed ({self.reason}; RFC 9309 "
                "treats an unavailable robots.txt as a complete disallow)",
                retry_after_s=retry_after_s)
        path = urlsplit(url).path or "/"
        return RobotsDisallowed(f"robots.txt at {self.robots_url}: disallowed: {path} is "
                                f"off-limits to {self.product_token}")


def robots_url_for(url: str) -> str:
    """The robots.txt URL that governs `url` (same scheme, host and port)."""
    parts = urlsplit(url)
    scheme, host, port = parts.scheme.lower(), parts.hostname or "", parts.port
    if ":" in host:
        host = f"[{host}]"
    if port is not None and port != {"http": 80, "https": 443}.get(scheme):
        host = f"{host}:{port}"
    return f"{scheme}://{host}/robots.txt"


def _robots_text(body: bytes) -> str:
    if len(body) > MAX_ROBOTS_BYTES:
        # Parse the first 500 KiB only, and not a rule cut in half at its end.
        body = body[:MAX_ROBOTS_BYTES]
        body = body[:body.rfind(b"\n") + 1]
    return body.decode("utf-8-sig", errors="replace")


def parse_robots(robots_url: str, answer: RobotsAnswer,
                 product_token: str = PRODUCT_TOKEN) -> RobotsRules:
    """Turn a robots.txt answer into the rules for `product_token`."""
    verdict = robots_verdict(answer.status)
    reason = (f"HTTP {answer.status}" if answer.status is not None
              else f"unreachable: {answer.detail or 'no answer'}")
    if verdict != "parse":
        return RobotsRules(robots_url, verdict, reason, product_token=product_token)
    parser = Protego.parse(_robots_text(answer.body))
    delays = [parser.crawl_delay(product_token) or 0.0]
    if (rate := parser.request_rate(product_token)) is not None and rate.requests > 0:
        delays.append(rate.seconds / rate.requests)
    delay = max(delays)
    return RobotsRules(robots_url, verdict, reason, delay or None, parser, product_token)


@dataclass(frozen=True, slots=True)
class _Entry:
    rules: RobotsRules
    fetched_at: float
    expires_at: float


class RobotsCache:
    """Thread-safe robots.txt cache shared across runs: one fetch per origin at a time,
    fresh for `ttl_s` (24 h at most), failures re-asked after `failure_ttl_s`. `clock`
    (monotonic seconds) is injectable for tests."""

    def __init__(self, *, ttl_s: float = _TTL_S, failure_ttl_s: float = _FAILURE_TTL_S,
                 clock: Callable[[], float] = time.monotonic,
                 product_token: str = PRODUCT_TOKEN) -> None:
        self.ttl_s = min(ttl_s, _TTL_S)
        self.failure_ttl_s = failure_ttl_s
        self.product_token = product_token
        self._clock = clock
        self._lock = threading.Lock()
        self._entries: dict[str, _Entry] = {}
        self._loading: dict[str, threading.Lock] = {}

    def _fresh(self, key: str) -> _Entry | None:
        with self._lock:
            entry = self._entries.get(key)
            return entry if entry is not None and entry.expires_at > self._clock() else None

    def rules_for(self, url: str, load: RobotsLoader) -> RobotsRules:
        """The rules governing `url`, calling `load(robots_url)` when no fresh copy is
        cached (concurrent callers for the same origin wait for that one load)."""
        key = robots_url_for(url)
        if (entry := self._fresh(key)) is not None:
            return entry.rules
        with self._lock:
            key_lock = self._loading.setdefault(key, threading.Lock())
        with key_lock:
            if (entry := self._fresh(key)) is not None:
                return entry.rules
            rules = parse_robots(key, load(key), self.product_token)
            return self._store(key, rules).rules

    def _store(self, key: str, rules: RobotsRules) -> _Entry:
        now = self._clock()
        with self._lock:
            previous = self._entries.get(key)
            if rules.verdict != "disallow_all":
                entry = _Entry(rules, now, now + self.ttl_s)
            elif (previous is not None and previous.rules.verdict != "disallow_all"
                  and now - previous.fetched_at < _STALE_LIMIT_S):
                log.warning("robots.txt unavailable, keeping the last good copy",
                            extra={"url": key, "reason": rules.reason})
                entry = _Entry(previous.rules, previous.fetched_at, now + self.failure_ttl_s)
            else:
                entry = _Entry(rules, now, now + self.failure_ttl_s)
            self._entries[key] = entry
            return entry

    def check(self, url: str, load: RobotsLoader) -> RobotsRules:
        """The rules governing `url`; raises RobotsDisallowed when they refuse it (with
        `retry_after_s` when robots.txt was unavailable: when it will be asked again)."""
        rules = self.rules_for(url, load)
        if rules.allows(url):
            return rules
        retry = None
        if rules.verdict == "disallow_all":
            entry = self._fresh(robots_url_for(url))
            retry = max(entry.expires_at - self._clock(), 0.0) if entry else 0.0
        raise rules.refusal(url, retry_after_s=retry)
