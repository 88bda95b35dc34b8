"""A tiny programmable HTTP server on loopback, for crawler tests without mocks.

A route answers `(status, headers, body)`; the body may be bytes, or an iterable of byte
chunks sent one by one (a slow drip, an endless stream), in which case the connection
closes when it ends. A route that writes its own raw answer returns None.
"""

from __future__ import annotations

import ssl
import threading
import time
from collections.abc import Callable, Iterable
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

Answer = tuple[int, dict[str, str], bytes | Iterable[bytes]]
Route = Callable[[BaseHTTPRequestHandler], Answer | None]


class _QuietServer(ThreadingHTTPServer):
    daemon_threads = True

    def handle_error(self, request: object, client_address: object) -> None:
        pass  # a client hanging up on a bomb or a drip is the point of the test


class LoopbackServer:
    """Serve `routes[path](handler) -> (status, headers, body)` on `host` (127.0.0.1),
    over TLS when given a server context."""

    def __init__(self, routes: dict[str, Route], host: str = "127.0.0.1",
                 tls: ssl.SSLContext | None = None) -> None:
        self.routes = routes
        self.requests: list[tuple[str, dict[str, str]]] = []
        self.arrivals: list[tuple[str, float]] = []  # (path, time.monotonic())
        outer = self

        class Handler(BaseHTTPRequestHandler):
            def _answer(self) -> None:
                outer.requests.append((self.path, dict(self.headers)))
                outer.arrivals.append((self.path, time.monotonic()))
                length = int(self.headers.get("Content-Length") or 0)
                self.request_body = self.rfile.read(length) if length else b""
                route = outer.routes.get(self.path)
                answer = route(self) if route else (404, {}, b"not found")
                if answer is None:
                    return
                status, headers, body = answer
                self.send_response(status)
                for name, value in headers.items():
                    self.send_header(name, value)
                if isinstance(body, bytes) and "Content-Length" not in headers:
                    self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                if self.command == "HEAD":
                    return
                if isinstance(body, bytes):
                    self.wfile.write(body)
                    return
                for chunk in body:
                    self.wfile.write(chunk)
                    self.wfile.flush()

            do_GET = do_POST = do_HEAD = _answer

            def log_message(self, format: str, *args: object) -> None:
                pass

        self._server = _QuietServer((host, 0), Handler)
        self.scheme = "https" if tls else "http"
        if tls is not None:
            self._server.socket = tls.wrap_socket(self._server.socket, server_side=True)
        self._thread = threading.Thread(target=self._server.serve_forever,
                                        kwargs={"poll_interval": 0.02}, daemon=True)

    @property
    def port(self) -> int:
        return int(self._server.server_address[1])

    def url(self, path: str, host: str | None = None) -> str:
        bound = self._server.server_address[0]
        name = host or (bound.decode() if isinstance(bound, bytes) else str(bound))
        return f"{self.scheme}://{name}:{self.port}{path}"

    def paths(self) -> list[str]:
        """The paths requested so far, in order."""
        return [path for path, _headers in self.requests]

    def __enter__(self) -> LoopbackServer:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._server.shutdown()
        self._server.server_close()
