"""One threaded loopback HTTP server that plays every hostile platform (stdlib only).

Each behaviour listens on its own loopback address (127.0.1.1, 127.0.1.2, …), so
robots.txt and the per-host politeness budget treat it as its own host, the way they
would treat real platforms:

    with HostileServer() as world:
        sources = world.sources()          # one hub source definition per behaviour
        world.collapsed = True             # the layout-change platform loses its listings

A route answers after an optional delay (a server that never sends its headers), with a
body that is bytes or a stream of chunks (slow drips, bombs generated while they are sent);
a client hanging up mid-stream ends the stream quietly.
"""

from __future__ import annotations

import logging
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from types import TracebackType
from typing import Any

from hostile_platforms.behaviours import BEHAVIOURS, Answer, Behaviour, HostileRequest

__all__ = ["HOSTILE_NETWORK", "HostileServer"]

_log = logging.getLogger(__name__)
# The loopback network the hostile platforms listen on (one address per behaviour).
HOSTILE_NETWORK = "127.0.1.0/24"
_ALLOW_ALL_ROBOTS = b"User-agent: *\nAllow: /\n"


class _Server(ThreadingHTTPServer):
    daemon_threads = True  # a drip or a sleeping route never holds up shutdown

    def __init__(self, address: tuple[str, int], world: HostileServer,
                 behaviour: Behaviour) -> None:
        self.world = world
        self.behaviour = behaviour
        super().__init__(address, _Handler)

    def handle_error(self, request: object, client_address: object) -> None:
        # A crawler hanging up on a bomb or a drip is the expected end of those routes.
        _log.debug("client %s went away", client_address, exc_info=True)


class _Handler(BaseHTTPRequestHandler):
    server: _Server

    def version_string(self) -> str:
        return "HostilePlatforms/1.0"

    def do_GET(self) -> None:
        self._answer(send_body=True)

    def do_HEAD(self) -> None:
        self._answer(send_body=False)

    def _answer(self, *, send_body: bool) -> None:
        world, behaviour = self.server.world, self.server.behaviour
        world.record(behaviour.id, self.path)
        if self.path == "/robots.txt":
            answer = Answer(body=behaviour.robots or _ALLOW_ALL_ROBOTS,
                            headers={"Content-Type": "text/plain"})
        else:
            answer = behaviour.route(HostileRequest(
                path=self.path, root=world.root(behaviour.id), port=world.port_of(behaviour.id),
                collapsed=world.collapsed, stop=world.stop_event))
        if answer.delay_s and world.stop_event.wait(answer.delay_s):
            return  # stopping: drop the connection unanswered
        self.send_response(answer.status)
        headers = dict(answer.headers)
        if isinstance(answer.body, bytes):
            headers.setdefault("Content-Length", str(len(answer.body)))
        headers["Connection"] = "close"
        for name, value in headers.items():
            self.send_header(name, value)
        self.end_headers()
        if not send_body:
            return
        if isinstance(answer.body, bytes):
            self.wfile.write(answer.body)
            return
        for chunk in answer.body:
            self.wfile.write(chunk)
            self.wfile.flush()

    def log_message(self, format: str, *args: object) -> None:
        _log.debug("%s %s", self.address_string(), format % args)


class HostileServer:
    """Every behaviour of `BEHAVIOURS` served on its own loopback address, in daemon
    threads. `first_address` is the first of 127.0.1.x to use; ports are picked free."""

    def __init__(self, first_address: int = 1) -> None:
        self.first_address = first_address
        self.collapsed = False  # the collapse platform's second layout
        self.stop_event = threading.Event()
        self._servers: dict[str, _Server] = {}
        self._threads: list[threading.Thread] = []
        self._lock = threading.Lock()
        self._requests: list[tuple[str, str]] = []

    def start(self) -> HostileServer:
        """Bind every behaviour's address and serve. Raises OSError when one cannot be
        bound, RuntimeError when already running."""
        if self._servers:
            raise RuntimeError("the hostile platforms are already running")
        self.stop_event.clear()
        try:
            for number, behaviour in enumerate(BEHAVIOURS, start=self.first_address):
                server = _Server((f"127.0.1.{number}", 0), self, behaviour)
                self._servers[behaviour.id] = server
                thread = threading.Thread(target=server.serve_forever,
                                          kwargs={"poll_interval": 0.1},
                                          name=f"hostile-{behaviour.id}", daemon=True)
                thread.start()
                self._threads.append(thread)
        except OSError:
            self.stop()
            raise
        return self

    def stop(self) -> None:
        """Stop serving, end drips and delays, close the sockets (idempotent)."""
        self.stop_event.set()
        servers, self._servers = list(self._servers.values()), {}
        for server in servers:
            server.shutdown()
            server.server_close()
        for thread in self._threads:
            thread.join(timeout=5)
        self._threads = []

    def __enter__(self) -> HostileServer:
        return self.start()

    def __exit__(self, exc_type: type[BaseException] | None, exc: BaseException | None,
                 traceback: TracebackType | None) -> None:
        self.stop()

    def port_of(self, behaviour_id: str) -> int:
        """The port one behaviour's platform listens on. Raises KeyError when unknown."""
        return int(self._servers[behaviour_id].server_address[1])

    def root(self, behaviour_id: str) -> str:
        """Root URL of one behaviour's platform ("http://127.0.1.3:41234")."""
        host, port = self._servers[behaviour_id].server_address[:2]
        host_text = host.decode() if isinstance(host, bytes) else str(host)
        return f"http://{host_text}:{port}"

    def sources(self) -> list[dict[str, Any]]:
        """One hub source definition per behaviour, pointing at this server."""
        return [b.source(self.root(b.id)) for b in BEHAVIOURS]

    def record(self, behaviour_id: str, path: str) -> None:
        with self._lock:
            self._requests.append((behaviour_id, path))

    @property
    def requests(self) -> list[tuple[str, str]]:
        """(behaviour id, path) of every request answered, oldest first."""
        with self._lock:
            return list(self._requests)
