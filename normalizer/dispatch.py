"""One table from source kind to parser, and format detection for `sharehub preview`."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime

from normalizer.csv_file import parse_csv
from normalizer.errors import ParseError
from normalizer.record import ParseResult
from normalizer.rss import parse_feed
from normalizer.schema import Source, SourceKind

__all__ = ["PARSERS", "detect_kind", "parse_document"]

Parser = Callable[[bytes, Source, datetime | None], ParseResult]

PARSERS: dict[SourceKind, Parser] = {
    "rss": parse_feed,
    "csv": parse_csv,
}


def detect_kind(body: bytes, *, name: str = "", content_type: str = "") -> SourceKind:
    """Guess the source kind from the content type, the file name and the first bytes.

    Raises ParseError when the document looks like nothing sharehub reads.
    """
    head = body[:2048].lstrip(b"\xef\xbb\xbf \t\r\n").lower()
    content_type, name = content_type.lower(), name.lower()
    if any(t in content_type for t in ("rss", "atom", "xml")) or head.startswith(b"<?xml") \
            or head.startswith((b"<rss", b"<feed", b"<rdf")):
        return "rss"
    if "csv" in content_type or name.endswith((".csv", ".tsv")):
        return "csv"
    if head.startswith((b"<!doctype html", b"<html")):
        raise ParseError("an HTML page, not a feed or a data file")
    if b"," in head.split(b"\n", 1)[0]:
        return "csv"
    raise ParseError("unknown format: not RSS/Atom and not CSV (use --kind to say which)")


def parse_document(body: bytes, source: Source, now: datetime | None = None) -> ParseResult:
    """Parse a fetched document with the parser of its source's kind."""
    return PARSERS[source.kind](body, source, now)
