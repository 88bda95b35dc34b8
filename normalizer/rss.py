"""RSS 1.0/2.0 and Atom feeds → listings (feedparser-rs or feedparser does the reading:
normalizer/feed_reader.py).

Sharing companies publish their offers as feed items; the structured facts (address, fee,
hours, capacity) sit in labelled lines of the description ("위치: …", "이용요금: …"), and
coordinates in GeoRSS. The document is decoded first (BOM, declared charset, CP949) since
feedparser mis-decodes CP949 bodies labelled UTF-8.
"""

from __future__ import annotations

import calendar
import hashlib
import re
from datetime import UTC, datetime
from typing import Any

from normalizer.assemble import assemble_listing
from normalizer.errors import InvalidListing, ParseError
from normalizer.feed_reader import entry_value, read_feed
from normalizer.record import ParseReport, ParseResult, RawRecord
from normalizer.schema import Source
from normalizer.text import decode_bytes, html_to_text

__all__ = ["parse_feed"]

_XML_ENCODING = re.compile(rb"""^(\s*<\?xml[^>]*?encoding\s*=\s*["'])([A-Za-z0-9_.:-]+)(["'])""")
_LABELS: dict[str, tuple[str, ...]] = {
    "address": ("주소", "위치", "장소", "소재지", "address", "location"),
    "fee": ("이용요금", "요금", "대여료", "이용료", "가격", "fee", "price"),
    "hours": ("운영시간", "이용시간", "영업시간", "hours"),
    "capacity": ("수용인원", "정원", "인원", "capacity"),
    "phones": ("문의", "전화", "연락처", "tel", "phone"),
    "loan_period": ("대여기간",),
    "items": ("보유물품", "대여물품", "비치물품"),
}
# An entity declaration in the DOCTYPE's internal subset: what billion laughs and external
# entities need, and what no real feed needs. The readers do not expand them, but a title
# "&lol9;" is no listing either: the document is refused, as parse_xml_api refuses it.
_ENTITY_DECLARATION = re.compile(rb"<!DOCTYPE[^\[>]*\[[^\]]*<!ENTITY", re.IGNORECASE)
_LABEL_TO_FIELD = {label: field for field, labels in _LABELS.items() for label in labels}
_LABEL_LINE = re.compile(r"^\s*[-•·*]?\s*([^:：\n]{1,12}?)\s*[:：]\s*(.+?)\s*$", re.MULTILINE)


def _to_utf8(body: bytes) -> bytes:
    match = _XML_ENCODING.match(body)
    declared = match.group(2).decode("ascii") if match else None
    text = decode_bytes(body, declared).encode("utf-8")
    return _XML_ENCODING.sub(rb"\g<1>utf-8\g<3>", text, count=1)


def _labelled_fields(text: str | None) -> dict[str, str]:
    found: dict[str, str] = {}
    for label, value in _LABEL_LINE.findall(text or ""):
        field = _LABEL_TO_FIELD.get(label.strip().lower())
        if field and field not in found:
            found[field] = value
    return found


def _when(entry: Any) -> datetime | None:
    parsed = entry_value(entry, "updated_parsed") or entry_value(entry, "published_parsed")
    return datetime.fromtimestamp(calendar.timegm(parsed), UTC) if parsed else None


def _point(entry: Any) -> tuple[float | None, float | None]:
    where = entry.get("where") or {}
    coordinates = where.get("coordinates") if isinstance(where, dict) else None
    if coordinates and len(coordinates) == 2:
        lon, lat = coordinates  # GeoJSON order
        return float(lat), float(lon)
    return None, None


def _image(entry: Any) -> str | None:
    for enclosure in entry.get("enclosures", []):
        if str(enclosure.get("type", "")).startswith("image/"):
            return str(enclosure.get("href"))
    thumbnails = entry.get("media_thumbnail") or []
    return str(thumbnails[0]["url"]) if thumbnails and thumbnails[0].get("url") else None


def _record(entry: Any) -> RawRecord:
    content = entry.get("content") or []
    body_html = content[0].get("value") if content else entry.get("summary")
    body_text = html_to_text(body_html)
    fields = _labelled_fields(body_text)
    link = entry.get("link")
    record_id = entry.get("id") or link or hashlib.sha1(
        str(entry.get("title")).encode()).hexdigest()[:16]
    lat, lon = _point(entry)
    terms = [t.get("term") for t in entry.get("tags", []) if t.get("term")]
    return RawRecord(
        record_id=str(record_id), title=entry.get("title"), description=body_html, url=link,
        address=fields.get("address"), lat=lat, lon=lon, phones=fields.get("phones"),
        hours=fields.get("hours"), fee=fields.get("fee"), capacity=fields.get("capacity"),
        loan_period=fields.get("loan_period"), items=fields.get("items"),
        category_label=terms[0] if terms else None, provider_name=entry.get("author"),
        image_url=_image(entry), tags=terms, updated_at=_when(entry),
    )


def parse_feed(body: bytes, source: Source, now: datetime | None = None) -> ParseResult:
    """Parse an RSS or Atom document. Raises ParseError when it is not a feed at all;
    items without a title are skipped and counted."""
    now = now or datetime.now(UTC)
    document = _to_utf8(body)
    if _ENTITY_DECLARATION.search(document[:65536]):
        raise ParseError("refused XML with entity declarations (<!ENTITY> in the DOCTYPE): "
                         "entity expansion and external entities are never read from feeds")
    parsed = read_feed(document)
    if not parsed.get("version") and not parsed.entries:
        reason = parsed.get("bozo_exception") or "no <rss>, <feed> or <rdf:RDF> element"
        raise ParseError(f"not an RSS or Atom feed: {reason}")
    report = ParseReport(mapped_fields={"title": "title", "link": "url",
                                        "description": "description"})
    listings = []
    seen: set[str] = set()
    for position, entry in enumerate(parsed.entries, start=1):
        report.records += 1
        try:
            record = _record(entry)
            if record.record_id in seen:
                raise InvalidListing(f"duplicate item id {record.record_id!r}")
            listings.append(assemble_listing(record, source, now))
            seen.add(record.record_id)
        except InvalidListing as exc:
            report.invalid += 1
            report.errors.append(f"item {position}: {exc}")
    if parsed.get("bozo") and not listings and report.records == 0:
        raise ParseError(f"malformed feed: {parsed.get('bozo_exception')}")
    if parsed.get("bozo") and _is_syntax_error(parsed.get("bozo_exception")):
        # The loose reader kept the items before the break; say that the rest is lost.
        report.errors.append(f"malformed XML ({parsed.get('bozo_exception')}): only the "
                             f"{report.records} item(s) before the break were read")
    return ParseResult(listings, report)


def _is_syntax_error(error: object) -> bool:
    """Whether a bozo exception is broken XML (not a mere charset or content-type quirk)."""
    return type(error).__name__ in ("SAXParseException", "XMLSyntaxError")
