"""Read an RSS/Atom document: feedparser-rs (Rust) first, feedparser when they could differ.

feedparser-rs reads a well-formed feed about 20× faster than feedparser, with the same
entry fields (`.get("title")`, `content`, `where`, `enclosures`, `*_parsed` dates) and its
own HTML sanitizer (ammonia), and gives the same listings on every RSS/Atom fixture. It
reads some documents differently, so those go to feedparser, whose reading is the
reference (bench/REPORT.md lists the differences measured):

- malformed XML: feedparser's loose parser keeps the items before the break, feedparser-rs
  gives up on the document (it says bozo; so does anything that is not a feed);
- a date feedparser-rs cannot read and feedparser can: Korean forms ("2026.11.02",
  "2026년 11월 2일", "20261102") and zone names like KST;
- more entries, tags or enclosures than feedparser-rs's resource limits keep.

Bytes only: given a str that looks like a URL, feedparser-rs would fetch it itself,
outside the crawler's SSRF guard.
"""

from __future__ import annotations

from typing import Any

import feedparser
import feedparser_rs

__all__ = ["entry_value", "read_feed"]

_LIMITS = feedparser_rs.ParserLimits()


def entry_value(entry: Any, key: str) -> Any:
    """The value of `key` in a feed entry of either reader (None when absent)."""
    # feedparser's FeedParserDict.get maps updated→published with a DeprecationWarning;
    # dict.get reads the key itself. feedparser-rs entries are not dicts.
    return dict.get(entry, key) if isinstance(entry, dict) else entry.get(key)


def _rust_read_it_all(parsed: Any) -> bool:
    """Whether feedparser-rs's reading is complete enough to stand for feedparser's."""
    if parsed.get("bozo") or len(parsed.entries) >= _LIMITS.max_entries:
        return False
    for entry in parsed.entries:
        for raw, read in (("updated", "updated_parsed"), ("published", "published_parsed")):
            if entry_value(entry, raw) and not entry_value(entry, read):
                return False
        if (len(entry.get("tags") or ()) >= _LIMITS.max_tags
                or len(entry.get("enclosures") or ()) >= _LIMITS.max_enclosures):
            return False
    return True


def read_feed(body: bytes, *, fast: bool = True) -> Any:
    """Parse a UTF-8 feed document with HTML sanitized and URIs left as written.

    Returns a feedparser-style result: `.entries` (each answering `.get(key)` with
    feedparser's field names) and `.get("version" | "bozo" | "bozo_exception")`.
    `fast=False` uses feedparser alone. Never raises for a bad document: it is bozo.
    """
    if fast:
        parsed = feedparser_rs.parse(bytes(body), sanitize_html=True,
                                     resolve_relative_uris=False)
        if _rust_read_it_all(parsed):
            return parsed
    return feedparser.parse(body, sanitize_html=True, resolve_relative_uris=False)
