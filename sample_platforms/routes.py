"""The sample server's mutable state: what each path serves, and which requests came in.

Shared between the request threads and the test that drives the server, so every access
goes through one lock.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass, field
from datetime import UTC, datetime

from sample_platforms.content import ROBOTS_PATH, Document, robots_document
from sample_platforms.registry import PLATFORMS, Handler, SampleRequest

__all__ = ["RecordedRequest", "RouteTable", "default_documents"]


def default_documents() -> dict[str, Document]:
    """Every platform's static documents (and robots.txt), by path."""
    documents = {ROBOTS_PATH: robots_document()}
    for platform in PLATFORMS:
        documents.update(platform.documents())
    return documents


def _handlers() -> dict[str, Handler]:
    return {prefix: handler for platform in PLATFORMS
            for prefix, handler in platform.handlers.items()}


@dataclass(frozen=True, slots=True)
class RecordedRequest:
    """One request the server answered (header names in lower case)."""

    method: str
    path: str
    status: int
    headers: dict[str, str] = field(default_factory=dict)


class RouteTable:
    """Thread-safe map of path → Document, with a log of the requests answered."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._documents = default_documents()
        self._handlers = _handlers()
        self._requests: list[RecordedRequest] = []

    def get(self, path: str) -> Document | None:
        """The static document served at `path`, or None."""
        with self._lock:
            return self._documents.get(path)

    def answer(self, request: SampleRequest) -> Document | None:
        """The response to a request: a document set for its exact path (static, or set by
        a test), else the handler of the longest matching prefix; None means 404."""
        with self._lock:
            document = self._documents.get(request.path)
            prefixes = sorted((p for p in self._handlers if request.path.startswith(p)),
                              key=len, reverse=True)
        if document is not None:
            return document
        return self._handlers[prefixes[0]](request) if prefixes else None

    def set_body(self, path: str, body: bytes | str, *, content_type: str | None = None,
                 status: int = 200, last_modified: datetime | None = None) -> Document:
        """Serve `body` at `path` from now on (the path may be new).

        `content_type` defaults to the path's current one (or application/octet-stream);
        `last_modified` defaults to now, so the new body fails older conditional GETs.
        """
        if not path.startswith("/"):
            raise ValueError(f"path must start with '/': {path!r}")
        data = body.encode("utf-8") if isinstance(body, str) else bytes(body)
        when = (last_modified or datetime.now(UTC)).replace(microsecond=0)
        with self._lock:
            current = self._documents.get(path)
            kind = content_type or (current.content_type if current
                                    else "application/octet-stream")
            document = Document(data, kind, when, status)
            self._documents[path] = document
        return document

    def reset(self) -> None:
        """Serve the bundled documents again, drop added paths, clear the request log."""
        with self._lock:
            self._documents = default_documents()
            self._requests.clear()

    def record(self, request: RecordedRequest) -> None:
        """Append an answered request to the log."""
        with self._lock:
            self._requests.append(request)

    def requests(self) -> list[RecordedRequest]:
        """A copy of the request log, oldest first."""
        with self._lock:
            return list(self._requests)
