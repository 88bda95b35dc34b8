"""The documents the sample platforms publish, and the HTTP validators that go with them.

Two bundled files stand in for real platforms: a company's RSS 2.0 feed of shared spaces
(`data/spaces_feed.xml`, UTF-8) and a district's open-data CSV of tool-lending points
(`data/mapo_tool_rental.csv`, CP949 like the files on data.go.kr). Each is served with a
fixed Last-Modified date and a strong ETag, so conditional GETs behave as on a real site.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta, timezone
from email.utils import format_datetime, parsedate_to_datetime
from functools import cache
from importlib import resources

__all__ = [
    "FEED_PATH",
    "ROBOTS_PATH",
    "TOOLS_PATH",
    "Document",
    "bundled_document",
    "is_not_modified",
    "read_data_file",
    "robots_document",
]

FEED_PATH = "/company/feed.xml"
TOOLS_PATH = "/district/mapo/tools.csv"
ROBOTS_PATH = "/robots.txt"

_KST = timezone(timedelta(hours=9))
_ROBOTS_UPDATED = datetime(2026, 10, 1, 0, 0, tzinfo=_KST)
_ROBOTS_TXT = b"User-agent: *\nAllow: /\n"


@dataclass(frozen=True, slots=True)
class Document:
    """One response served at a path: body, media type, status and modification time."""

    body: bytes
    content_type: str
    last_modified: datetime
    status: int = 200

    @property
    def etag(self) -> str:
        """A strong entity tag: a hash of the body."""
        return '"' + hashlib.sha256(self.body).hexdigest()[:32] + '"'

    @property
    def last_modified_http(self) -> str:
        """Last-Modified as an HTTP date ("Mon, 16 Nov 2026 00:00:00 GMT")."""
        return format_datetime(self.last_modified.astimezone(UTC), usegmt=True)


@cache
def read_data_file(name: str) -> bytes:
    """The raw bytes of a bundled data file (`sample_platforms/data/<name>`)."""
    return (resources.files("sample_platforms") / "data" / name).read_bytes()


def bundled_document(name: str, content_type: str, updated: str) -> Document:
    """A bundled data file served with a fixed Last-Modified (`updated` as YYYY-MM-DD, KST)."""
    when = datetime.fromisoformat(updated).replace(tzinfo=_KST)
    return Document(read_data_file(name), content_type, when)


def robots_document() -> Document:
    """robots.txt allowing everything."""
    return Document(_ROBOTS_TXT, "text/plain; charset=utf-8", _ROBOTS_UPDATED)


def _http_date(value: str) -> datetime | None:
    try:
        parsed = parsedate_to_datetime(value)
    except (TypeError, ValueError, IndexError):
        return None
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=UTC)


def is_not_modified(document: Document, if_none_match: str | None,
                    if_modified_since: str | None) -> bool:
    """Whether a GET with these request headers gets a 304 (RFC 9110, section 13.2.2).

    If-None-Match wins when present (weak comparison, "*" matches any); otherwise
    If-Modified-Since is compared with Last-Modified. Only 200 responses are validated.
    """
    if document.status != 200:
        return False
    if if_none_match is not None:
        tags = {tag.strip().removeprefix("W/") for tag in if_none_match.split(",")}
        return "*" in tags or document.etag in tags
    if if_modified_since is not None:
        since = _http_date(if_modified_since)
        return since is not None and document.last_modified <= since
    return False
