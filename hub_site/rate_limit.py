"""Rate limiting of search: a token bucket per client, in memory, in front of the routes
that run a search (the results page, its JSON twin and its feed).

Each client (its address as the server sees it) may make `burst` searches at once and then
`rate_per_s` a second; one over gets a 429 with Retry-After: a friendly page in the
request's language, or JSON under /api/. The buckets live in the app (no global state) and
full ones are forgotten when the table grows, so memory stays bounded. Behind a reverse
proxy every client shares the proxy's address: limit there, or raise the setting.
"""

from __future__ import annotations

import math
import threading
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass

from starlette.requests import Request
from starlette.responses import Response
from starlette.types import ASGIApp, Receive, Scope, Send

from hub_site.error_views import ErrorPage
from hub_site.rendering import Renderer, json_response, request_locale
from hub_site.security import SECURITY_HEADERS

__all__ = ["RATE_LIMITED_PATHS", "RateLimitMiddleware", "TokenBuckets"]

RATE_LIMITED_PATHS = ("/search", "/api/v1/search", "/feeds/search.atom", "/map",
                      "/api/v1/map")
_MAX_CLIENTS = 10_000


@dataclass(slots=True)
class _Bucket:
    tokens: float
    at: float


class TokenBuckets:
    """One token bucket per client key: `burst` tokens, refilled at `rate_per_s`.

    `rate_per_s <= 0` turns limiting off. Thread-safe.
    """

    def __init__(self, rate_per_s: float, burst: int, *,
                 clock: Callable[[], float] = time.monotonic,
                 max_clients: int = _MAX_CLIENTS) -> None:
        self.rate_per_s = rate_per_s
        self.burst = max(1, burst)
        self._clock = clock
        self._max_clients = max_clients
        self._buckets: dict[str, _Bucket] = {}
        self._lock = threading.Lock()

    @property
    def enabled(self) -> bool:
        return self.rate_per_s > 0

    def take(self, client: str) -> float:
        """Spend one token of `client`'s bucket: 0.0 when allowed, otherwise the seconds
        until a token is back (nothing is spent then)."""
        if not self.enabled:
            return 0.0
        now = self._clock()
        with self._lock:
            bucket = self._buckets.get(client)
            if bucket is None:
                if len(self._buckets) >= self._max_clients:
                    self._forget_full(now)
                bucket = self._buckets[client] = _Bucket(float(self.burst), now)
            bucket.tokens = min(float(self.burst),
                                bucket.tokens + (now - bucket.at) * self.rate_per_s)
            bucket.at = now
            if bucket.tokens >= 1.0:
                bucket.tokens -= 1.0
                return 0.0
            return (1.0 - bucket.tokens) / self.rate_per_s

    def _forget_full(self, now: float) -> None:
        """Drop clients whose buckets have refilled (they lose nothing); if every client
        is still limited, drop the oldest half rather than grow without bound."""
        full = [key for key, b in self._buckets.items()
                if b.tokens + (now - b.at) * self.rate_per_s >= self.burst]
        if not full:
            by_age = sorted(self._buckets, key=lambda key: self._buckets[key].at)
            full = by_age[: len(by_age) // 2 or 1]
        for key in full:
            del self._buckets[key]


class RateLimitMiddleware:
    """Pure ASGI middleware applying `buckets` to requests for `paths`."""

    def __init__(self, app: ASGIApp, *, buckets: TokenBuckets, renderer: Renderer,
                 paths: Iterable[str] = RATE_LIMITED_PATHS) -> None:
        self.app = app
        self.buckets = buckets
        self.renderer = renderer
        self.paths = frozenset(paths)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or not self.buckets.enabled:
            await self.app(scope, receive, send)
            return
        path = scope["path"].removeprefix(scope.get("root_path", "") or "")
        if path not in self.paths:
            await self.app(scope, receive, send)
            return
        client = scope.get("client")
        wait = self.buckets.take(client[0] if client else "unknown")
        if wait <= 0:
            await self.app(scope, receive, send)
            return
        response = self._too_many(Request(scope, receive), math.ceil(wait))
        await response(scope, receive, send)

    def _too_many(self, request: Request, seconds: int) -> Response:
        headers = {**SECURITY_HEADERS, "Retry-After": str(seconds),
                   "Cache-Control": "no-store"}
        locale = request_locale(request)
        message = locale.t("error_429", seconds=seconds)
        if request.url.path.removeprefix(request.scope.get("root_path", "")).startswith(
                "/api/"):
            return json_response({"error": "too many requests", "message": message,
                                  "retry_after_s": seconds}, status_code=429, headers=headers)
        view = ErrorPage(429, locale.t("error_heading"), message)
        return self.renderer.page(request, "error.html", locale, view, status_code=429,
                                  headers=headers)
