"""One table from source kind to parser, and format detection for `sharehub preview`."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime

from normalizer.api_mapping import parse_json_api, parse_xml_api
from normalizer.csv_file import parse_csv
from normalizer.errors import ParseError
from normalizer.gongyunuri import parse_gongyunuri
from normalizer.html_items import parse_html_items
from normalizer.json_feed import parse_json_feed
from normalizer.record import ParseResult
from normalizer.rss import parse_feed
from normalizer.schema import Source, SourceKind
from normalizer.schema_org import parse_schema_org
from normalizer.seoul_openapi import parse_seoul_openapi
from normalizer.xlsx_file import parse_xlsx

__all__ = ["PARSERS", "detect_kind", "parse_document"]

Parser = Callable[[bytes, Source, datetime | None], ParseResult]

PARSERS: dict[SourceKind, Parser] = {
    "rss": parse_feed,
    "csv": parse_csv,
    "xlsx": parse_xlsx,
    "json_feed": parse_json_feed,
    "gongyunuri": parse_gongyunuri,
    "seoul_openapi": parse_seoul_openapi,
    "json_api": parse_json_api,
    "xml_api": parse_xml_api,
    "html": parse_html_items,
    "schema_org": parse_schema_org,
}


def detect_kind(body: bytes, *, name: str = "", content_type: str = "") -> SourceKind:
    """Guess the source kind from the content type, the file name and the first bytes.

    Raises ParseError when the document looks like nothing sharehub reads.
    """
    head = body[:2048].lstrip(b"\xef\xbb\xbf \t\r\n").lower()
    content_type, name = content_type.lower(), name.lower()
    # Before the XML test: the XLSX media type ends in "spreadsheetml.sheet".
    if body.startswith(b"PK\x03\x04"):
        if name.endswith((".xlsx", ".xlsm")) or "spreadsheetml" in content_type \
                or b"xl/workbook.xml" in body:
            return "xlsx"
        raise ParseError("a ZIP archive, not an XLSX workbook")
    if body.startswith(b"\xd0\xcf\x11\xe0"):
        raise ParseError("a legacy .xls workbook: save it as .xlsx or CSV")
    if head.startswith(b"{") and ("feed+json" in content_type
                                  or b"jsonfeed.org/version/1" in body):
        return "json_feed"
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
