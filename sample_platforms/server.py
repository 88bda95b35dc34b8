"""A loopback HTTP server publishing the sample platforms (standard library only).

    with SamplePlatforms() as platforms:
        feed_url = platforms.url("/company/feed.xml")
        platforms.set_body("/company/feed.xml", b"<rss>broken")  # simulate a bad day
        platforms.reset()

Routes: every platform of `registry.PLATFORMS` (static documents, and handlers for APIs,
GET/HEAD/POST) plus /robots.txt; 404 for anything else. Responses carry a strong ETag and
Last-Modified, and If-None-Match / If-Modified-Since get 304 Not Modified.
"""

from __future__ import annotations

import logging
import socket
import threading
from datetime import datetime
from http import HTTPStatus
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from types import TracebackType
from typing import Any
from urllib.parse import parse_qs, urlsplit

from sample_platforms.content import Document, is_not_modified
from sample_platforms.registry import PLATFORMS, SampleRequest
from sample_platforms.routes import RecordedRequest, RouteTable
from sample_platforms.sources import sample_sources

__all__ = ["RecordedRequest", "SamplePlatforms", "sample_sources"]

_log = logging.getLogger(__name__)
_NOT_FOUND = b"404 Not Found\n"


class _Server(ThreadingHTTPServer):
    daemon_threads = True

    def __init__(self, address: tuple[str, int], routes: RouteTable) -> None:
        self.routes = routes
        super().__init__(address, _Handler)

    def handle_error(self, request: object, client_address: object) -> None:
        # A client hanging up mid-response is routine for a test server: no traceback.
        _log.debug("error while answering %s", client_address, exc_info=True)


class _Server6(_Server):
    address_family = socket.AF_INET6


class _Handler(BaseHTTPRequestHandler):
    server: _Server
    protocol_version = "HTTP/1.1"

    def version_string(self) -> str:
        return "SamplePlatforms/1.0"

    def do_GET(self) -> None:
        self._answer(send_body=True)

    def do_HEAD(self) -> None:
        self._answer(send_body=False)

    def do_POST(self) -> None:
        self._answer(send_body=True)

    def _request(self) -> SampleRequest:
        parts = urlsplit(self.path)
        length = int(self.headers.get("Content-Length") or 0)
        body = self.rfile.read(min(length, 1_000_000)) if length else b""
        return SampleRequest(self.command, parts.path, parse_qs(parts.query), body,
                             {name.lower(): value for name, value in self.headers.items()})

    def _answer(self, *, send_body: bool) -> None:
        document = self.server.routes.answer(self._request())
        not_modified = document is not None and is_not_modified(
            document, self.headers.get("If-None-Match"), self.headers.get("If-Modified-Since"))
        status = (HTTPStatus.NOT_FOUND if document is None
                  else HTTPStatus.NOT_MODIFIED if not_modified else document.status)
        # Logged before answering: once a client has its response, the log shows the request.
        self.server.routes.record(RecordedRequest(
            method=self.command, path=self.path, status=int(status),
            headers={name.lower(): value for name, value in self.headers.items()}))
        if document is None:
            self._send(status, _NOT_FOUND, "text/plain; charset=utf-8", send_body=send_body)
        elif not_modified:
            self._send_not_modified(document)
        else:
            self._send(status, document.body, document.content_type, send_body=send_body,
                       validators=document)

    def _send(self, status: int, body: bytes, content_type: str, *, send_body: bool,
              validators: Document | None = None) -> None:
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(body)))
        if validators is not None and status == HTTPStatus.OK:
            self.send_header("ETag", validators.etag)
            self.send_header("Last-Modified", validators.last_modified_http)
            self.send_header("Cache-Control", "no-cache")
        self.send_header("Connection", "close")  # no idle keep-alive threads to clean up
        self.end_headers()
        if send_body:
            self.wfile.write(body)

    def _send_not_modified(self, document: Document) -> None:
        self.send_response(HTTPStatus.NOT_MODIFIED)
        self.send_header("ETag", document.etag)
        self.send_header("Last-Modified", document.last_modified_http)
        self.send_header("Cache-Control", "no-cache")
        self.send_header("Connection", "close")
        self.end_headers()

    def log_message(self, format: str, *args: object) -> None:
        _log.debug("%s %s", self.address_string(), format % args)


def _root(server: _Server) -> str:
    host, port = server.server_address[:2]
    host_text = host.decode() if isinstance(host, bytes) else str(host)
    return f"http://[{host_text}]:{port}" if ":" in host_text else f"http://{host_text}:{port}"


class SamplePlatforms:
    """The sample platforms on a loopback HTTP server running in a daemon thread.

    `port=0` picks a free port; read the real one from `base_url` once started. Use it as
    a context manager, or call `start()` and `stop()`.
    """

    def __init__(self, host: str = "127.0.0.1", port: int = 0, *,
                 spread_hosts: bool = False) -> None:
        self.host = host
        self.port = port
        # With spread_hosts each platform also listens on its own loopback address
        # (127.0.0.2, 127.0.0.3, …), so per-host politeness behaves as with real hosts.
        self.spread_hosts = spread_hosts
        self._routes = RouteTable()
        self._server: _Server | None = None
        self._platform_servers: dict[str, _Server] = {}
        self._threads: list[threading.Thread] = []

    def _serve(self, address: tuple[str, int], name: str) -> _Server:
        server_class = _Server6 if ":" in address[0] else _Server
        server = server_class(address, self._routes)
        thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.1},
                                  name=name, daemon=True)
        thread.start()
        self._threads.append(thread)
        return server

    def start(self) -> SamplePlatforms:
        """Bind the sockets and serve in background threads. Raises OSError when an
        address cannot be bound, RuntimeError when already running."""
        if self._server is not None:
            raise RuntimeError("the sample platforms are already running")
        self._server = self._serve((self.host, self.port), "sample-platforms")
        if self.spread_hosts:
            for number, platform in enumerate(PLATFORMS, start=2):
                self._platform_servers[platform.id] = self._serve(
                    (f"127.0.0.{number}", 0), f"sample-{platform.id}")
        _log.debug("sample platforms serving at %s", self.base_url)
        return self

    def stop(self) -> None:
        """Stop serving and close the sockets (does nothing when not running)."""
        servers = [s for s in (self._server, *self._platform_servers.values()) if s]
        self._server, self._platform_servers = None, {}
        for server in servers:
            server.shutdown()
            server.server_close()
        for thread in self._threads:
            thread.join(timeout=5)
        self._threads = []

    def __enter__(self) -> SamplePlatforms:
        return self if self.running else self.start()

    def __exit__(self, exc_type: type[BaseException] | None, exc: BaseException | None,
                 traceback: TracebackType | None) -> None:
        self.stop()

    @property
    def running(self) -> bool:
        """Whether the server is serving."""
        return self._server is not None

    @property
    def base_url(self) -> str:
        """Root URL of the running server, without a trailing slash ("http://127.0.0.1:54321")."""
        if self._server is None:
            raise RuntimeError("the sample platforms are not running: call start() first")
        return _root(self._server)

    def base_url_for(self, platform_id: str) -> str:
        """Root URL of one platform: its own address with spread_hosts, else base_url."""
        server = self._platform_servers.get(platform_id)
        return _root(server) if server is not None else self.base_url

    def url(self, path: str = "/") -> str:
        """Absolute URL of a path on the running server."""
        return self.base_url + (path if path.startswith("/") else "/" + path)

    def sources(self) -> list[dict[str, Any]]:
        """`sample_sources()` for this server's address(es)."""
        return sample_sources({p.id: self.base_url_for(p.id) for p in PLATFORMS})

    def secrets(self) -> dict[str, str]:
        """The sample API keys, by the environment variable name the sources use."""
        return {name: key for p in PLATFORMS for name, key in p.secrets.items()}

    def set_body(self, path: str, body: bytes | str, *, content_type: str | None = None,
                 status: int = 200, last_modified: datetime | None = None) -> None:
        """Serve another body at `path` (e.g. a malformed feed, or a 500 page) until reset.

        `content_type` defaults to the path's current one; `last_modified` defaults to now.
        """
        self._routes.set_body(path, body, content_type=content_type, status=status,
                              last_modified=last_modified)

    def reset(self) -> None:
        """Restore the bundled documents and clear the request log."""
        self._routes.reset()

    @property
    def requests(self) -> list[RecordedRequest]:
        """The requests answered since start (or the last reset), oldest first."""
        return self._routes.requests()
