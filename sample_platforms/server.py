"""A loopback HTTP server publishing the sample platforms (standard library only).

    with SamplePlatforms() as platforms:
        feed_url = platforms.url("/company/feed.xml")
        platforms.set_body("/company/feed.xml", b"<rss>broken")  # simulate a bad day
        platforms.reset()

Routes: GET/HEAD /company/feed.xml (RSS 2.0, UTF-8), /district/mapo/tools.csv (CP949),
/robots.txt; 404 for anything else. Responses carry a strong ETag and Last-Modified, and
If-None-Match / If-Modified-Since get 304 Not Modified.
"""

from __future__ import annotations

import logging
import socket
import threading
from datetime import datetime
from http import HTTPStatus
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from types import TracebackType
from urllib.parse import urlsplit

from sample_platforms.content import Document, is_not_modified
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

    def _answer(self, *, send_body: bool) -> None:
        document = self.server.routes.get(urlsplit(self.path).path)
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


class SamplePlatforms:
    """The sample platforms on a loopback HTTP server running in a daemon thread.

    `port=0` picks a free port; read the real one from `base_url` once started. Use it as
    a context manager, or call `start()` and `stop()`.
    """

    def __init__(self, host: str = "127.0.0.1", port: int = 0) -> None:
        self.host = host
        self.port = port
        self._routes = RouteTable()
        self._server: _Server | None = None
        self._thread: threading.Thread | None = None

    def start(self) -> SamplePlatforms:
        """Bind the socket and serve in a background thread. Raises OSError when the
        address cannot be bound, RuntimeError when already running."""
        if self._server is not None:
            raise RuntimeError("the sample platforms are already running")
        server_class = _Server6 if ":" in self.host else _Server
        server = server_class((self.host, self.port), self._routes)
        self._server = server
        self._thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.1},
                                        name="sample-platforms", daemon=True)
        self._thread.start()
        _log.debug("sample platforms serving at %s", self.base_url)
        return self

    def stop(self) -> None:
        """Stop serving and close the socket (does nothing when not running)."""
        server, thread = self._server, self._thread
        self._server = self._thread = None
        if server is None:
            return
        server.shutdown()
        server.server_close()
        if thread is not None:
            thread.join(timeout=5)

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
        host, port = self._server.server_address[:2]
        host_text = host.decode() if isinstance(host, bytes) else str(host)
        return f"http://[{host_text}]:{port}" if ":" in host_text else f"http://{host_text}:{port}"

    def url(self, path: str = "/") -> str:
        """Absolute URL of a path on the running server."""
        return self.base_url + (path if path.startswith("/") else "/" + path)

    def sources(self) -> list[dict[str, str | None]]:
        """`sample_sources()` for this server's address."""
        return sample_sources(self.base_url)

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
