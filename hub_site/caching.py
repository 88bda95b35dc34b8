"""ETag and Cache-Control for every page, API answer, feed and static file.

The site's pages are built per request, so the ETag is a weak hash of the body (the same
bytes mean the same page): a browser or proxy that sends it back in If-None-Match gets a
304 with no body. HEAD is answered as the GET it mirrors, without the body, so both carry
the same validators. Static files keep Starlette's own ETag; a URL with `?v=` (the file's
content hash, see `static_version`) never changes, so it may be cached for a year.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable
from functools import cache
from pathlib import Path

from starlette.types import ASGIApp, Message, Receive, Scope, Send

__all__ = [
    "PAGE_CACHE_CONTROL",
    "STATIC_CACHE_CONTROL",
    "VERSIONED_STATIC_CACHE_CONTROL",
    "CachingMiddleware",
    "etag_matches",
    "static_version",
    "weak_etag",
]

PAGE_CACHE_CONTROL = "public, max-age=60"
STATIC_CACHE_CONTROL = "public, max-age=3600"
VERSIONED_STATIC_CACHE_CONTROL = "public, max-age=31536000, immutable"
_MAX_BUFFERED = 16 * 1024 * 1024  # bigger bodies pass through without an ETag
_STATIC_PREFIX = "/static/"


def weak_etag(body: bytes) -> str:
    """`W/"<hash>"`: weak, because a page and its gzip twin must still match."""
    return f'W/"{hashlib.blake2b(body, digest_size=12).hexdigest()}"'


def etag_matches(if_none_match: str, etag: str) -> bool:
    """RFC 9110 weak comparison of an If-None-Match value (a list, or `*`) with `etag`."""
    wanted = etag.removeprefix("W/")
    for candidate in if_none_match.split(","):
        candidate = candidate.strip()
        if candidate == "*" or candidate.removeprefix("W/") == wanted:
            return True
    return False


@cache
def static_version(path: Path) -> str:
    """A short content hash of a static file, for cache-busting `?v=` in its URL; "" when
    the file cannot be read. Cached for the process: static files ship with the code."""
    try:
        return hashlib.blake2b(path.read_bytes(), digest_size=6).hexdigest()
    except OSError:
        return ""


def _header(headers: Iterable[tuple[bytes, bytes]], name: bytes) -> bytes | None:
    return next((value for key, value in headers if key.lower() == name), None)


def _without(headers: list[tuple[bytes, bytes]], *names: bytes) -> list[tuple[bytes, bytes]]:
    return [(k, v) for k, v in headers if k.lower() not in names]


class CachingMiddleware:
    """Pure ASGI middleware: weak ETags, 304s and Cache-Control on GET and HEAD answers.

    Only 200 answers get validators; any answer that already says Cache-Control (a 429,
    a page that must not be cached) keeps its own.
    """

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope["method"] not in ("GET", "HEAD"):
            await self.app(scope, receive, send)
            return
        is_head = scope["method"] == "HEAD"
        request_headers = scope.get("headers", [])
        if_none_match = (_header(request_headers, b"if-none-match") or b"").decode("latin-1")
        path = scope["path"].removeprefix(scope.get("root_path", "") or "")
        static = path.startswith(_STATIC_PREFIX)
        versioned = static and b"v=" in scope.get("query_string", b"")
        inner_scope = {**scope, "method": "GET"} if is_head else scope
        start: Message | None = None
        chunks: list[bytes] = []
        size = 0
        passing_through = False

        async def send_cached(message: Message) -> None:
            nonlocal start, size, passing_through
            if passing_through:
                if message["type"] == "http.response.body" and is_head:
                    message = {**message, "body": b""}
                await send(message)
                return
            if message["type"] == "http.response.start":
                start = message
                headers = list(message.get("headers", []))
                if message["status"] != 200 or _header(headers, b"cache-control") is not None:
                    passing_through = True
                    await send(message)
                    return
                control = (VERSIONED_STATIC_CACHE_CONTROL if versioned
                           else STATIC_CACHE_CONTROL if static else PAGE_CACHE_CONTROL)
                headers.append((b"cache-control", control.encode("latin-1")))
                start = {**message, "headers": headers}
                if _header(headers, b"etag") is not None:  # static files bring their own
                    passing_through = True
                    await send(start)
                return
            if message["type"] != "http.response.body" or start is None:
                await send(message)
                return
            chunks.append(message.get("body", b""))
            size += len(chunks[-1])
            if message.get("more_body", False):
                if size > _MAX_BUFFERED:
                    passing_through = True
                    await send(start)
                    await send({"type": "http.response.body",
                                "body": b"" if is_head else b"".join(chunks), "more_body": True})
                return
            await self._finish(start, b"".join(chunks), if_none_match, is_head, send)

        await self.app(inner_scope, receive, send_cached)

    @staticmethod
    async def _finish(start: Message, body: bytes, if_none_match: str, is_head: bool,
                      send: Send) -> None:
        etag = weak_etag(body)
        headers = [*start["headers"], (b"etag", etag.encode("latin-1"))]
        if if_none_match and etag_matches(if_none_match, etag):
            kept = _without(headers, b"content-length", b"content-type")
            await send({"type": "http.response.start", "status": 304, "headers": kept})
            await send({"type": "http.response.body", "body": b""})
            return
        await send({**start, "headers": headers})
        await send({"type": "http.response.body", "body": b"" if is_head else body})
