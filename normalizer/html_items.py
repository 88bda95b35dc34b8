"""Items scraped from an HTML site by the declarative spider → listings.

The crawler hands over one JSON document, `{"format": "html_items", "items": [{"page_url",
"detail_url", "fields": {RawRecord field: text}}], "errors": [...], "truncated": bool}`.
Field texts are what the selectors matched (several matches joined by newlines, possibly
with markup when a selector picked whole elements); here they become plain text and a
RawRecord, and `assemble_listing` does the rest.
"""

from __future__ import annotations

import hashlib
import json
import re
from datetime import UTC, datetime
from typing import Any

from normalizer.assemble import assemble_listing
from normalizer.errors import InvalidListing, ParseError
from normalizer.record import ParseReport, ParseResult, RawRecord
from normalizer.schema import Source
from normalizer.text import html_to_text

__all__ = ["parse_html_items"]

# Fields whose text keeps its line breaks (the hours and item parsers split on them).
_MULTILINE = frozenset({"description", "hours", "items"})
_TEXT_FIELDS = ("title", "description", "url", "address", "address_lot", "lat", "lon",
                "phones", "email", "homepage", "hours", "hours_days", "hours_opens",
                "hours_closes", "fee", "loan_period", "capacity", "items", "category_label",
                "provider_name", "booking_url", "image_url")
_DATE = re.compile(r"(\d{4})\s*[-./년]\s*(\d{1,2})\s*[-./월]\s*(\d{1,2})")
_TAG_SPLIT = re.compile(r"\s*[,#\n]\s*")


def _text(name: str, value: object) -> str | None:
    if not isinstance(value, str):
        return None
    text = html_to_text(value)
    if text is None or name in _MULTILINE:
        return text
    return " ".join(text.split())


def _date(value: str | None) -> datetime | None:
    if value and (match := _DATE.search(value)):
        try:
            return datetime(int(match.group(1)), int(match.group(2)), int(match.group(3)),
                            tzinfo=UTC)
        except ValueError:
            return None
    return None


def _record(item: dict[str, Any]) -> RawRecord:
    fields = item.get("fields")
    if not isinstance(fields, dict):
        raise InvalidListing("no fields")
    values: dict[str, Any] = {name: _text(name, fields.get(name)) for name in _TEXT_FIELDS}
    detail_url, page_url = item.get("detail_url"), item.get("page_url")
    # The detail page's URL is the item's identity on the site; a list-only site has none,
    # so the name and address stand in (as for CSV rows).
    record_id = _text("record_id", fields.get("record_id")) or detail_url or hashlib.sha1(
        f"{values['title']}|{values['address'] or values['address_lot']}".encode()
    ).hexdigest()[:16]
    values["url"] = values["url"] or detail_url or page_url
    raw_tags = fields.get("tags") if isinstance(fields.get("tags"), str) else ""
    tags = [" ".join(t.split()) for t in _TAG_SPLIT.split(html_to_text(raw_tags) or "") if t]
    return RawRecord(record_id=str(record_id), **values, tags=tags,
                     updated_at=_date(_text("updated_at", fields.get("updated_at"))))


def _load(body: bytes) -> dict[str, Any]:
    try:
        document = json.loads(body.decode("utf-8"))
    except (UnicodeDecodeError, ValueError) as exc:
        raise ParseError(f"not an html_items document: {exc}") from exc
    if not isinstance(document, dict) or document.get("format") != "html_items" \
            or not isinstance(document.get("items"), list):
        raise ParseError("not an html_items document (the html kind reads what its spider "
                         "fetched, not a page)")
    return document


def parse_html_items(body: bytes, source: Source, now: datetime | None = None) -> ParseResult:
    """Parse the spider's html_items document into listings. Raises ParseError when the
    body is not such a document or the spider found no items; items without a title are
    skipped and counted, and the crawl's page errors are reported."""
    now = now or datetime.now(UTC)
    document = _load(body)
    selectors = {**source.params.get("list_fields", {}), **source.params.get("fields", {})}
    report = ParseReport(mapped_fields={str(sel): name for name, sel in selectors.items()})
    if not document["items"]:
        raise ParseError(f"the spider found no items on {document.get('list_pages', 0)} list "
                         "page(s): check item_selector and detail_link")
    listings, seen = [], set()
    for position, item in enumerate(document["items"], start=1):
        report.records += 1
        try:
            record = _record(item if isinstance(item, dict) else {})
            if record.record_id in seen:
                raise InvalidListing(f"duplicate of an earlier item ({record.record_id})")
            listings.append(assemble_listing(record, source, now))
            seen.add(record.record_id)
        except InvalidListing as exc:
            report.invalid += 1
            report.errors.append(f"item {position}: {exc}")
    report.errors.extend(f"crawl: {error}" for error in document.get("errors", []))
    if document.get("truncated"):
        report.errors.append(f"crawl: stopped after {document.get('list_pages')} list pages "
                             "(max_pages); later pages were not read")
    return ParseResult(listings, report)
