"""Fetch one document over HTTP, safely: conditional GET, redirects re-checked against the
SSRF guard at every hop, a body cap enforced while streaming, and a total time limit.

Both RSS feeds and open-data files are one GET; kinds that need several requests (the
GongyuNuri list + detail calls) get their own module beside this one.
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urljoin, urlsplit

import httpx

from crawlers.address_guard import check_host
from crawlers.errors import BodyTooLarge, FetchError, FetchTimeout, HTTPStatusError, InvalidTarget

__all__ = ["FetchLimits", "FetchResult", "fetch_target", "fetch_url", "make_client", "read_file"]

_REDIRECTS = {301, 302, 303, 307, 308}


@dataclass(frozen=True, slots=True)
class FetchLimits:
    connect_timeout_s: float = 10.0
    read_timeout_s: float = 20.0
    total_timeout_s: float = 60.0
    max_body_bytes: int = 15 * 1024 * 1024
    max_redirects: int = 5
    allow_private_networks: bool = False
    user_agent: str = "sharehub/0.1 (+https://github.com/sharehub)"


@dataclass(frozen=True, slots=True)
class FetchResult:
    """A fetched document, or a 304 (`not_modified`, empty body)."""

    body: bytes
    final_url: str
    status: int = 200
    not_modified: bool = False
    etag: str | None = None
    last_modified: str | None = None
    content_type: str = ""


def make_client(limits: FetchLimits) -> httpx.Client:
    """An httpx client configured with the fetch limits (redirects are followed by hand)."""
    timeout = httpx.Timeout(limits.read_timeout_s, connect=limits.connect_timeout_s)
    return httpx.Client(timeout=timeout, follow_redirects=False, trust_env=False,
                        headers={"User-Agent": limits.user_agent})


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


def _read_capped(response: httpx.Response, limits: FetchLimits, deadline: float) -> bytes:
    declared = response.headers.get("content-length")
    if declared and declared.isdigit() and int(declared) > limits.max_body_bytes:
        raise BodyTooLarge(f"body of {declared} bytes is over the cap of "
                           f"{limits.max_body_bytes} bytes")
    chunks, size = [], 0
    for chunk in response.iter_bytes():
        size += len(chunk)
        if size > limits.max_body_bytes:
            raise BodyTooLarge(f"body is over the cap of {limits.max_body_bytes} bytes")
        if time.monotonic() > deadline:
            raise FetchTimeout(f"download took more than {limits.total_timeout_s:g} s")
        chunks.append(chunk)
    return b"".join(chunks)


def fetch_url(url: str, client: httpx.Client, limits: FetchLimits, *, etag: str | None = None,
              last_modified: str | None = None, method: str = "GET",
              json_body: object | None = None) -> FetchResult:
    """GET (or POST `json_body` to) `url`, with conditional headers when given. Every limit
    and the SSRF guard apply. Raises a FetchError subclass on any failure."""
    deadline = time.monotonic() + limits.total_timeout_s
    headers = {}
    if etag:
        headers["If-None-Match"] = etag
    if last_modified:
        headers["If-Modified-Since"] = last_modified
    for _hop in range(limits.max_redirects + 1):
        parts = urlsplit(url)
        if parts.scheme not in ("http", "https") or not parts.hostname:
            raise InvalidTarget(f"not an http(s) URL: {url}")
        check_host(parts.hostname, parts.port or (443 if parts.scheme == "https" else 80),
                   allow_private=limits.allow_private_networks)
        try:
            with client.stream(method, url, headers=headers, json=json_body) as response:
                if response.status_code in _REDIRECTS and "location" in response.headers:
                    url = urljoin(url, response.headers["location"])
                    if response.status_code == 303:  # see other: the answer is a GET
                        method, json_body = "GET", None
                    continue
                if response.status_code == 304:
                    return FetchResult(b"", url, 304, True, etag, last_modified)
                if response.status_code >= 400:
                    raise HTTPStatusError(_status_message(response.status_code),
                                          response.status_code)
                body = _read_capped(response, limits, deadline)
                return FetchResult(body, url, response.status_code, False,
                                   response.headers.get("etag"),
                                   response.headers.get("last-modified"),
                                   response.headers.get("content-type", ""))
        except httpx.TimeoutException as exc:
            raise FetchTimeout(f"timed out: {type(exc).__name__}") from exc
        except httpx.HTTPError as exc:
            raise FetchError(f"{type(exc).__name__}: {exc}") from exc
    raise FetchError(f"more than {limits.max_redirects} redirects")


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
                 etag: str | None = None, last_modified: str | None = None) -> FetchResult:
    """Fetch an http(s) URL, or read a local path or file:// URL."""
    if target.startswith(("http://", "https://")):
        return fetch_url(target, client, limits, etag=etag, last_modified=last_modified)
    if target.startswith("file://"):
        target = urlsplit(target).path
    elif "://" in target:
        raise InvalidTarget(f"unsupported URL scheme: {target.split('://', 1)[0]}")
    return read_file(Path(target), limits)
