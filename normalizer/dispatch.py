"""One table from source kind to parser, and format detection for `sharehub preview`."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime

from normalizer.api_mapping import parse_json_api, parse_xml_api
from normalizer.csv_file import parse_csv
from normalizer.detect import detect_kind
from normalizer.gongyunuri import parse_gongyunuri
from normalizer.hsds_reader import parse_hsds
from normalizer.html_items import parse_html_items
from normalizer.json_feed import parse_json_feed
from normalizer.published import parse_listing_jsonl
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
    "listing_jsonl": parse_listing_jsonl,
    "hsds": parse_hsds,
}


def parse_document(body: bytes, source: Source, now: datetime | None = None) -> ParseResult:
    """Parse a fetched document with the parser of its source's kind."""
    return PARSERS[source.kind](body, source, now)
