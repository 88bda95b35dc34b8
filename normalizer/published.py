"""Listings an operator publishes for the hub directly: JSON Lines (source kind listing_jsonl).

One object per line (or the elements of one JSON array), each checked against
`schema/published_listing.schema.json` (`normalizer/published_schema.py`) before anything
is read: a record that breaks it is skipped and reported with the path of every problem
("line 3: $.lat: 'abc' is not of type 'number'"), so a publisher can fix the exact field.
A valid record is the flat form of a JSON Feed item with its `_sharehub` extension, and goes
the same way (`item_listing`).
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import UTC, datetime
from typing import Any

from normalizer.errors import InvalidListing, ParseError
from normalizer.json_feed import EXTENSION_FIELDS, item_listing
from normalizer.published_schema import schema_errors
from normalizer.record import ParseReport, ParseResult
from normalizer.record_loop import collect_listings
from normalizer.schema import Listing, Source
from normalizer.text import decode_bytes

__all__ = ["parse_listing_jsonl"]

# Flat key → where a JSON Feed item keeps it (the rest are `_sharehub` extension keys).
_ITEM_KEYS = {"id": "id", "title": "title", "description": "content_html", "url": "url",
              "image_url": "image", "updated_at": "date_modified", "tags": "tags"}


def _records(text: str) -> Iterator[tuple[str, Any]]:
    """(where, value) for each record: "line N" in JSON Lines, "element N" in an array."""
    stripped = text.lstrip()
    if stripped.startswith("["):
        try:
            document = json.loads(stripped)
        except json.JSONDecodeError as exc:
            raise ParseError(f"not JSON: {exc}") from exc
        if not isinstance(document, list):
            raise ParseError("a JSON document that is not an array of listings")
        for position, value in enumerate(document, start=1):
            yield f"element {position}", value
        return
    for number, line in enumerate(text.splitlines(), start=1):
        if line.strip():
            try:
                yield f"line {number}", json.loads(line)
            except json.JSONDecodeError as exc:
                yield f"line {number}", InvalidListing(f"not JSON: {exc.msg} at column "
                                                       f"{exc.colno}")


def _as_item(record: dict[str, Any]) -> dict[str, Any]:
    item: dict[str, Any] = {target: record[key] for key, target in _ITEM_KEYS.items()
                            if key in record}
    item["id"] = str(record["id"])
    if "provider" in record:
        item["authors"] = [{"name": record["provider"]}]
    item["_sharehub"] = {k: record[k] for k in EXTENSION_FIELDS if k in record}
    return item


def parse_listing_jsonl(body: bytes, source: Source, now: datetime | None = None) -> ParseResult:
    """Parse published listings (JSON Lines or a JSON array). Raises ParseError when the
    document is empty or not JSON at all; records that break the schema are skipped and
    reported with their paths."""
    now = now or datetime.now(UTC)
    text = decode_bytes(body)
    if not text.strip():
        raise ParseError("an empty document: no listings")
    report = ParseReport()

    def build(record: Any) -> Listing:
        if problems := schema_errors(record):
            raise InvalidListing("; ".join(problems))
        return item_listing(_as_item(record), None, source, now, report)

    listings = collect_listings(_records(text), build, report)
    if report.records and report.invalid == report.records and \
            all("not JSON" in e for e in report.errors):
        raise ParseError(f"not JSON Lines: {report.errors[0]}")
    return ParseResult(listings, report)
