"""JSON Feed 1.0 / 1.1 (https://jsonfeed.org) → listings.

Standard item fields give the title, link, text (`content_html` sanitized to plain text,
else `content_text`, else `summary`), image, date, tags and author. Operators who publish
for the hub directly add a `_sharehub` object to each item (JSON Feed's extension
mechanism) carrying Listing fields as they are: address, lat, lon, fee, free, hours,
capacity, phones, email, category, loan_period_days, items, booking_url. The extension is
documented in docs/publishing.md; its unknown keys are reported so publishers see typos.
"""

from __future__ import annotations

import hashlib
import html
import json
from datetime import UTC, datetime
from typing import Any

from normalizer.assemble import assemble_listing
from normalizer.errors import InvalidListing, ParseError
from normalizer.published_schema import extension_errors
from normalizer.record import ParseReport, ParseResult, RawRecord
from normalizer.schema import InventoryItem, Listing, Source
from normalizer.taxonomy import load_taxonomy
from normalizer.text import decode_bytes

__all__ = ["EXTENSION", "EXTENSION_FIELDS", "item_listing", "parse_json_feed"]

EXTENSION = "_sharehub"
EXTENSION_FIELDS = ("address", "lat", "lon", "fee", "free", "hours", "capacity", "phones",
                    "email", "category", "loan_period_days", "items", "booking_url")
_ITEM_FIELDS = {"id": "source_record_id", "url": "url", "external_url": "url", "title": "title",
                "content_html": "description", "content_text": "description",
                "summary": "description", "image": "image_url", "banner_image": "image_url",
                "date_modified": "source_updated_at", "date_published": "source_updated_at",
                "tags": "tags", "authors": "provider.name", "author": "provider.name"}
_IGNORED_ITEM_FIELDS = {"language", "attachments"}


def _text(value: Any) -> str | None:
    if isinstance(value, bool) or value is None:
        return None
    if isinstance(value, str | int | float):
        return str(value).strip() or None
    if isinstance(value, list):
        return ", ".join(t for v in value if (t := _text(v))) or None
    return None


def _author(holder: dict[str, Any]) -> str | None:
    authors = holder.get("authors")
    first = authors[0] if isinstance(authors, list) and authors else holder.get("author")
    return _text(first.get("name")) if isinstance(first, dict) else None


def _when(value: Any) -> datetime | None:
    if not isinstance(value, str):
        return None
    try:
        parsed = datetime.fromisoformat(value.strip())
    except ValueError:
        return None
    return parsed.astimezone(UTC) if parsed.tzinfo else parsed.replace(tzinfo=UTC)


def _items(value: Any) -> list[InventoryItem] | None:
    if not isinstance(value, list):
        return None
    items = []
    for entry in value:
        name = _text(entry.get("name")) if isinstance(entry, dict) else _text(entry)
        quantity = entry.get("quantity") if isinstance(entry, dict) else None
        if name:
            valid = isinstance(quantity, int) and not isinstance(quantity, bool) \
                and quantity >= 0
            items.append(InventoryItem(name=name, quantity=quantity if valid else None))
    return items


def _description(item: dict[str, Any]) -> str | None:
    if isinstance(item.get("content_html"), str):
        return str(item["content_html"])
    # Plain text is escaped so that the HTML sanitizer keeps "<" and "&" as written.
    text = _text(item.get("content_text")) or _text(item.get("summary"))
    return html.escape(text) if text else None


def _record(item: dict[str, Any], extension: dict[str, Any], feed_author: str | None,
            items: list[InventoryItem] | None) -> RawRecord:
    url = _text(item.get("url")) or _text(item.get("external_url"))
    record_id = _text(item.get("id")) or url or hashlib.sha1(
        json.dumps(item, sort_keys=True, ensure_ascii=False).encode()).hexdigest()[:16]
    tags = [t for v in item.get("tags") or [] if (t := _text(v))] \
        if isinstance(item.get("tags"), list) else []
    category = _text(extension.get("category"))
    known = load_taxonomy().categories.get(category or "")
    free = extension.get("free")
    loan_days = extension.get("loan_period_days")
    capacity = extension.get("capacity")
    return RawRecord(
        record_id=record_id, title=_text(item.get("title")), description=_description(item),
        url=url, address=_text(extension.get("address")),
        lat=_text(extension.get("lat")), lon=_text(extension.get("lon")),
        phones=_text(extension.get("phones")), email=_text(extension.get("email")),
        hours=_text(extension.get("hours")), fee=_text(extension.get("fee")),
        free=free if isinstance(free, bool) else None,
        loan_period=f"{loan_days}일" if isinstance(loan_days, int) else _text(loan_days),
        capacity=f"{capacity}명" if isinstance(capacity, int) else _text(capacity),
        items=", ".join(i.name for i in items) if items else None,
        category_label=f"{known.ko} {known.en}" if known else category or (
            tags[0] if tags else None),
        # The feed's author runs the offers; an item's author only wrote the post.
        provider_name=feed_author or _author(item),
        booking_url=_text(extension.get("booking_url")),
        image_url=_text(item.get("image")) or _text(item.get("banner_image")), tags=tags,
        updated_at=_when(item.get("date_modified")) or _when(item.get("date_published")),
    )


def _note_fields(item: dict[str, Any], extension: dict[str, Any], report: ParseReport) -> None:
    """Record which keys were read, and the unknown ones (other extensions are skipped)."""
    found = {key: _ITEM_FIELDS.get(key) for key in item
             if key not in _IGNORED_ITEM_FIELDS and not key.startswith("_")}
    found |= {f"{EXTENSION}.{key}": key if key in EXTENSION_FIELDS else None
              for key in extension if key != "about"}
    for key, hub_field in found.items():
        if hub_field:
            report.mapped_fields[key] = hub_field
        elif key not in report.unmapped_fields:
            report.unmapped_fields.append(key)


def item_listing(item: Any, feed_author: str | None, source: Source, now: datetime,
                 report: ParseReport) -> Listing:
    """One JSON Feed item (with its `_sharehub` extension) → Listing. Raises
    InvalidListing; notes the fields read and the unknown ones in `report`."""
    if not isinstance(item, dict):
        raise InvalidListing("not a JSON object")
    extension = item.get(EXTENSION)
    if extension is not None and not isinstance(extension, dict):
        raise InvalidListing(f"{EXTENSION} is not an object")
    extension = extension or {}
    _note_fields(item, extension, report)
    where = f"item {_text(item.get('id')) or '?'}"
    report.notes.extend(f"{where}: {problem} (ignored)" for problem in extension_errors(extension))
    items = _items(extension.get("items"))
    listing = assemble_listing(_record(item, extension, feed_author, items), source, now)
    update: dict[str, Any] = {"items": items} if items is not None else {}
    category = _text(extension.get("category"))
    # A publisher's own hub category code is a statement, not a guess: it wins.
    if category in load_taxonomy().categories and category != listing.category:
        update |= {"category": category, "kind": category.split(".")[0]}
    return listing.model_copy(update=update) if update else listing


def parse_json_feed(body: bytes, source: Source, now: datetime | None = None) -> ParseResult:
    """Parse a JSON Feed (version 1 or 1.1). Raises ParseError when the document is not
    JSON or not a JSON Feed; items without a title are skipped and counted."""
    now = now or datetime.now(UTC)
    try:
        document = json.loads(decode_bytes(body))
    except json.JSONDecodeError as exc:
        raise ParseError(f"not JSON: {exc}") from exc
    version = document.get("version") if isinstance(document, dict) else None
    if not isinstance(version, str) or "jsonfeed.org/version/1" not in version:
        raise ParseError('not a JSON Feed: no "version": "https://jsonfeed.org/version/1…"')
    entries = document.get("items")
    if not isinstance(entries, list):
        raise ParseError("a JSON Feed without an items list")
    report = ParseReport()
    if document.get("next_url"):
        report.notes.append("next_url not followed: one page is read per refresh")
    feed_author = _author(document)
    listings: list[Listing] = []
    seen: set[str] = set()
    for position, item in enumerate(entries, start=1):
        report.records += 1
        try:
            listing = item_listing(item, feed_author, source, now, report)
            if listing.source_record_id in seen:
                raise InvalidListing(f"duplicate item id {listing.source_record_id!r}")
        except InvalidListing as exc:
            report.invalid += 1
            report.errors.append(f"item {position}: {exc}")
            continue
        seen.add(listing.source_record_id)
        listings.append(listing)
    return ParseResult(listings, report)
