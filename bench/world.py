"""A scaled sample world for the crawl benchmark: a city's platforms, each on its own host.

Shape, chosen to look like a real city (DESIGN.md: ~300 platforms, mostly on different
hosts, so the per-host politeness budget rarely binds):

- `platforms` platforms, each on its own loopback address (127.1.x.y), except that every
  `shared_host_every`-th platform shares the previous one's host (a portal hosting two
  districts' files): the per-host budget then spaces those two by `crawl_host_min_delay_s`.
- Formats in turn: a district's CP949 open-data CSV, a company's RSS 2.0 feed, a company's
  JSON Feed (`bench/world_content.py` grows them from the real-format samples).
- robots.txt on every host (`User-agent: *` with one Disallow, no Crawl-delay), except
  every `robots_missing_every`-th host, which answers 404 as many small sites do.
- Latency: every answer (robots.txt, 200, 304, 404) waits before its first byte for the
  platform's latency, fixed per platform and spread evenly over `latency_ms` (default
  50–100 ms): a few ms of round trip inside Korea plus the time a small CMS or a
  data-portal server takes to answer. The body then goes at loopback speed.
- Validators: a strong ETag and a Last-Modified per document; `If-None-Match` gets a 304.
  `revise(every)` changes one record of every `every`-th platform, so a re-crawl sees
  mostly 304s and a few changed documents, as an hourly re-crawl would.
"""

from __future__ import annotations

import hashlib
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from email.utils import formatdate
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

from bench.world_content import KINDS, build_document, content_type_of

__all__ = ["World", "WorldPlatform"]

_ROBOTS = b"User-agent: *\nDisallow: /admin/\n"
_PATHS = {"rss": "feed.xml", "csv": "tools.csv", "json_feed": "feed.json"}


@dataclass(frozen=True, slots=True)
class WorldPlatform:
    id: str
    kind: str  # csv | rss | json_feed
    host: str
    path: str
    latency_s: float


@dataclass(frozen=True, slots=True)
class _Document:
    body: bytes
    content_type: str
    etag: str
    last_modified: str
    latency_s: float


def _document(body: bytes, content_type: str, latency_s: float) -> _Document:
    return _Document(body, content_type, '"' + hashlib.sha256(body).hexdigest()[:32] + '"',
                     formatdate(time.time(), usegmt=True), latency_s)


def _host(n: int) -> str:
    return f"127.1.{n // 250}.{n % 250 + 1}"


class _QuietServer(ThreadingHTTPServer):
    daemon_threads = True

    def handle_error(self, request: object, client_address: object) -> None:
        pass  # a crawler closing its pool at the end is not an error worth a traceback


class World:
    """The world's servers, started on entering and stopped on exit. `requests` counts
    every request by answer status."""

    def __init__(self, platforms: int = 200, listings_per_platform: int = 100, *,
                 latency_ms: tuple[float, float] = (50.0, 100.0), shared_host_every: int = 10,
                 robots_missing_every: int = 4) -> None:
        low, high = latency_ms
        self.listings_per_platform = listings_per_platform
        self.platforms: list[WorldPlatform] = []
        host_n = -1
        for n in range(platforms):
            if not (shared_host_every and n % shared_host_every == shared_host_every - 1
                    and host_n >= 0):
                host_n += 1
            kind = KINDS[n % len(KINDS)]
            latency = low + (high - low) * ((n * 37) % 101) / 100
            self.platforms.append(WorldPlatform(f"p{n:03d}", kind, _host(host_n),
                                                f"/{n:03d}/{_PATHS[kind]}", latency / 1000))
        self.hosts = list(dict.fromkeys(p.host for p in self.platforms))
        self._documents: dict[tuple[str, str], _Document] = {}
        for p in self.platforms:
            self._publish(p, 0)
        self.robots_hosts = 0
        for position, host in enumerate(self.hosts):
            if not (robots_missing_every and position % robots_missing_every == 0):
                self.robots_hosts += 1
                latency = min(p.latency_s for p in self.platforms if p.host == host)
                self._documents[(host, "/robots.txt")] = _document(_ROBOTS, "text/plain",
                                                                   latency)
        self._servers: dict[str, ThreadingHTTPServer] = {}
        self._lock = threading.Lock()
        self.requests: dict[int, int] = {}

    @property
    def listings(self) -> int:
        return len(self.platforms) * self.listings_per_platform

    def _publish(self, platform: WorldPlatform, revision: int) -> None:
        body = build_document(platform.kind, platform.id, self.listings_per_platform, revision)
        self._documents[(platform.host, platform.path)] = _document(
            body, content_type_of(platform.kind), platform.latency_s)

    def revise(self, every: int) -> list[WorldPlatform]:
        """Change one record of every `every`-th platform (new body, new ETag); returns
        the platforms that changed."""
        changed = self.platforms[::every] if every else []
        for platform in changed:
            self._publish(platform, 1)
        return changed

    def url(self, platform: WorldPlatform) -> str:
        port = self._servers[platform.host].server_address[1]
        return f"http://{platform.host}:{port}{platform.path}"

    def _count(self, status: int) -> None:
        with self._lock:
            self.requests[status] = self.requests.get(status, 0) + 1

    def _handler(self) -> type[BaseHTTPRequestHandler]:
        world = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def do_GET(self) -> None:
                host = self.headers.get("Host", "").rsplit(":", 1)[0]
                document = world._documents.get((host, self.path.split("?")[0]))
                time.sleep(document.latency_s if document else 0.05)
                if document is None:
                    self._answer(404, b"not found", {"Content-Type": "text/plain"})
                elif self.headers.get("If-None-Match") == document.etag:
                    self._answer(304, b"", {"ETag": document.etag,
                                            "Last-Modified": document.last_modified})
                else:
                    self._answer(200, document.body, {
                        "Content-Type": document.content_type, "ETag": document.etag,
                        "Last-Modified": document.last_modified})

            def _answer(self, status: int, body: bytes, headers: dict[str, str]) -> None:
                world._count(status)
                self.send_response(status)
                for name, value in headers.items():
                    self.send_header(name, value)
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def log_message(self, format: str, *args: object) -> None:
                pass

        return Handler

    def __enter__(self) -> World:
        handler = self._handler()
        for host in self.hosts:
            server = _QuietServer((host, 0), handler)
            threading.Thread(target=server.serve_forever, daemon=True).start()
            self._servers[host] = server
        return self

    def __exit__(self, *exc: object) -> None:
        # In parallel: each shutdown waits up to a poll interval for its loop to stop.
        with ThreadPoolExecutor(max_workers=32) as pool:
            list(pool.map(_stop, self._servers.values()))


def _stop(server: ThreadingHTTPServer) -> None:
    server.shutdown()
    server.server_close()
