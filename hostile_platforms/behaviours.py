"""Every hostile behaviour: what the platform does, how the hub registers it, and what the
hub is expected to record. Adding a behaviour is one `Behaviour` in `BEHAVIOURS`.

`expect_error` is a substring (case-insensitive) of the error recorded on the run: the
part that tells an operator what went wrong, not just that something did.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any, Literal

from hostile_platforms import bodies
from normalizer.schema import SourceKind

__all__ = ["Answer", "BEHAVIOURS", "Behaviour", "COLLAPSE_ID", "HostileRequest", "Outcome",
           "Route"]

Outcome = Literal["ok", "failed", "quarantined"]
COLLAPSE_ID = "layout-collapse"
# Big enough to pass any cap the hub sets (it stops reading at its cap).
_BOMB_BYTES = 1024 * bodies.MIB
_RSS = "application/rss+xml; charset=utf-8"
_CSV_TYPE = "text/csv; charset=cp949"


@dataclass(frozen=True, slots=True)
class HostileRequest:
    """What a route sees: the path, its platform's root URL and port, whether the
    collapse platform shows its new layout, and the event set when the server stops."""

    path: str
    root: str
    port: int
    collapsed: bool
    stop: threading.Event


@dataclass(frozen=True, slots=True)
class Answer:
    """The response: status, headers, a body (bytes, or chunks sent as generated), sent
    after `delay_s` (a server that accepts and then says nothing)."""

    status: int = 200
    headers: Mapping[str, str] = field(default_factory=dict)
    body: bytes | Iterable[bytes] = b""
    delay_s: float = 0.0


Route = Callable[[HostileRequest], Answer]


@dataclass(frozen=True, slots=True)
class Behaviour:
    """One hostile platform and its hub source (id `hostile-<id>`)."""

    id: str
    kind: SourceKind
    description: str
    route: Route
    outcome: Outcome = "failed"
    # in the run's error, or for an ok run in its record errors
    expect_error: str | None = None
    listings: int | None = None  # listings kept when the outcome is ok
    robots: bytes | None = None  # robots.txt (None: allow everything)
    params: dict[str, Any] = field(default_factory=dict)

    @property
    def source_id(self) -> str:
        return f"hostile-{self.id}"

    @property
    def expected(self) -> str:
        """The expected outcome in words, for the report table."""
        parts: list[str] = [self.outcome]
        if self.listings is not None:
            parts.append(f"{self.listings} listings")
        if self.expect_error:
            parts.append(f'"{self.expect_error}"')
        return " ".join(parts)

    def source(self, root: str) -> dict[str, Any]:
        """The hub source definition of this platform at `root`."""
        return {"id": self.source_id, "name": f"hostile: {self.description}",
                "kind": self.kind, "url": root + "/doc", "provider_type": "company",
                "district_code": "11290", "default_category": "space.meeting_room",
                "params": self.params}


def _doc(body: bytes, content_type: str = _RSS, **headers: str) -> Route:
    return lambda _request: Answer(headers={"Content-Type": content_type, **headers},
                                   body=body)


def _status(status: int, **headers: str) -> Route:
    page = f"<html><body><h1>{status}</h1></body></html>".encode()
    return lambda _request: Answer(status, {"Content-Type": "text/html", **headers}, page)


def _redirect(target: Callable[[HostileRequest], str]) -> Route:
    return lambda request: Answer(302, {"Location": target(request)})


def _stream(make: Callable[[threading.Event], Iterable[bytes]], **headers: str) -> Route:
    return lambda request: Answer(headers={"Content-Type": _RSS, **headers},
                                  body=make(request.stop))


def _collapsing(request: HostileRequest) -> Answer:
    # A redesign: the platform now lists 2 of its 20 rooms in the feed it serves.
    count = 2 if request.collapsed else 20
    return Answer(headers={"Content-Type": _RSS},
                  body=bodies.rss_feed(bodies.space_items(count, "collapse")))


_FEED = bodies.rss_feed(bodies.space_items(3, "cut"))
_CUT_FEED = _FEED[:_FEED.index(b"<item>", _FEED.index(b"</item>")) + 20]  # in item 2
_DUPLICATES = [item for item in bodies.space_items(3, "dup") for _ in range(2)]
_MALFORMED_CSV = (b"\xb0\xf8\xb1\xb8\xb4\xeb\xbf\xa9\xbc\xd2,\"\xc1\xd6\xbc\xd2\n"
                  + b"\x00\x01\x02garbage\x00" * 50)
_INVALID_UTF8_JSON = bodies.json_feed(bodies.space_items(3, "badutf")).replace(
    "성북 badutf 공유회의실 2호".encode(), b"\xff\xfe\xc3(\xa0 2\xed\xa0\x80")

BEHAVIOURS: list[Behaviour] = [
    Behaviour("timeout", "rss", "accepts the connection, never answers",
              lambda _r: Answer(delay_s=600), expect_error="timed out"),
    Behaviour("slow-drip", "rss", "one byte every 0.3 s, forever",
              _stream(lambda stop: bodies.drip(0.3, stop)), expect_error="time limit"),
    Behaviour("server-error", "rss", "HTTP 500", _status(500), expect_error="HTTP 500"),
    Behaviour("rate-limited", "rss", "HTTP 429, Retry-After one hour",
              _status(429, **{"Retry-After": "3600"}), expect_error="HTTP 429"),
    Behaviour("unavailable", "rss", "HTTP 503, Retry-After two minutes",
              _status(503, **{"Retry-After": "120"}), expect_error="HTTP 503"),
    Behaviour("redirect-loop", "rss", "redirects to itself",
              _redirect(lambda r: r.root + "/doc"), expect_error="redirects"),
    Behaviour("redirect-loopback", "rss", "redirects to the IPv6 loopback",
              _redirect(lambda r: f"http://[::1]:{r.port}/admin"),
              expect_error="non-public address (::1)"),
    Behaviour("redirect-private", "rss", "redirects to a private 10/8 address",
              _redirect(lambda _r: "http://10.0.0.1/feed.xml"),
              expect_error="non-public address (10.0.0.1)"),
    Behaviour("redirect-metadata", "rss", "redirects to the cloud metadata service",
              _redirect(lambda _r: "http://169.254.169.254/latest/meta-data/iam/"),
              expect_error="non-public address (169.254.169.254)"),
    Behaviour("oversized", "csv", "declares a 64 MiB body",
              lambda _r: Answer(headers={"Content-Type": _CSV_TYPE,
                                         "Content-Length": str(64 * bodies.MIB)},
                                body=iter([bytes(bodies.MIB)] * 64)),
              expect_error="over the cap"),
    Behaviour("oversized-undeclared", "csv", "streams 64 MiB without a length",
              _stream(lambda _stop: iter([b"a," * (bodies.MIB // 2)] * 64)),
              expect_error="over the cap"),
    Behaviour("gzip-bomb", "rss", "1 GiB of zeros as a 1 MB gzip stream",
              _stream(lambda stop: bodies.gzip_bomb(_BOMB_BYTES, stop),
                      **{"Content-Encoding": "gzip"}), expect_error="decompressed"),
    Behaviour("brotli-bomb", "rss", "1 GiB of zeros as a brotli stream",
              _stream(lambda stop: bodies.brotli_bomb(_BOMB_BYTES, stop),
                      **{"Content-Encoding": "br"}), expect_error="decompressed"),
    Behaviour("billion-laughs", "rss", "XML entity expansion (billion laughs)",
              _doc(bodies.BILLION_LAUGHS), expect_error="XML with entity declarations"),
    Behaviour("external-entity", "rss", "XML external entity reading /etc/passwd",
              _doc(bodies.EXTERNAL_ENTITY), expect_error="XML with entity declarations"),
    Behaviour("malformed-xml", "rss", "RSS cut off mid-item",
              _doc(_CUT_FEED), outcome="ok", listings=1, expect_error="malformed XML"),
    Behaviour("malformed-json", "json_feed", "JSON Feed cut off mid-item",
              _doc(bodies.json_feed(bodies.space_items(3, "cut"))[:120],
                   "application/feed+json"), expect_error="not JSON"),
    Behaviour("malformed-csv", "csv", "CSV with an open quote and NUL bytes",
              _doc(_MALFORMED_CSV, _CSV_TYPE), expect_error="not a CSV file"),
    Behaviour("malformed-html", "schema_org", "HTML with broken tags and no listing",
              _doc(b"<html><head><title>x</title><script type=\"application/ld+json\">"
                   b"{\"@type\": \"Place\", \"name\": </scr<div><p><<</html", "text/html"),
              expect_error="JSON-LD"),
    Behaviour("cp949-labelled-utf8", "csv", "UTF-8 CSV labelled charset=cp949",
              _doc(bodies.csv_rows(4).encode(), _CSV_TYPE), outcome="ok", listings=4),
    Behaviour("invalid-utf8", "json_feed", "JSON Feed with invalid UTF-8 bytes",
              _doc(_INVALID_UTF8_JSON, "application/feed+json"), expect_error="invalid UTF-8"),
    Behaviour("empty-feed", "rss", "a valid RSS feed with no items",
              _doc(bodies.rss_feed([])), outcome="ok", listings=0),
    Behaviour("html-error-200", "csv", "an HTML error page served with 200 as the CSV",
              _doc(bodies.HTML_ERROR_PAGE, _CSV_TYPE), expect_error="an HTML page"),
    Behaviour("duplicate-ids", "rss", "every item twice under the same guid",
              _doc(bodies.rss_feed(_DUPLICATES)), outcome="ok", listings=3,
              expect_error="duplicate item id"),
    Behaviour("robots-disallow", "rss", "robots.txt disallows everything",
              _doc(bodies.rss_feed(bodies.space_items(2, "robots"))),
              robots=b"User-agent: *\nDisallow: /\n", expect_error="robots"),
    Behaviour(COLLAPSE_ID, "rss", "20 rooms, then 2 after a redesign", _collapsing,
              outcome="ok", listings=20),
]
