"""schema.org data in web pages (JSON-LD and microdata) → listings.

Reads the crawler's `{"format": "schema_org_pages", "pages": [{"url", "html"}]}` document,
or one HTML page as it is (`sharehub preview page.html`). Every JSON-LD block and every
top-level microdata item becomes plain nodes (`{"@type": [...], property: value}`); nodes
of a listing type (Place, LocalBusiness and its common subtypes, Product, Event, Service)
become RawRecords: name, description, address (PostalAddress, or that of the event's
location or the offer's pick-up place), geo, telephone, opening hours (specifications and
"Mo-Fr 09:00-18:00" strings, rewritten in the Korean form `parse_hours` reads), offers
(price 0 → free), url, image, and `@id` as the record id. `@graph`, top-level arrays,
ItemList and WebPage.mainEntity are followed, and `{"@id": …}` references resolved.

A JSON-LD block that is not valid JSON (trailing commas, HTML-escaped quotes) is skipped
and counted as an invalid record, never a crash.
"""

from __future__ import annotations

import hashlib
import json
import re
from datetime import UTC, datetime
from typing import Any
from urllib.parse import urljoin

from normalizer.assemble import assemble_listing
from normalizer.errors import InvalidListing, ParseError
from normalizer.record import ParseReport, ParseResult, RawRecord
from normalizer.schema import Source
from normalizer.structured_data import Node, as_list, node_text, node_types, page_nodes
from normalizer.text import decode_bytes

__all__ = ["LISTING_TYPES", "opening_hours_text", "parse_schema_org"]

# Listing types → a category hint for the taxonomy (None: classify by the text).
LISTING_TYPES: dict[str, str | None] = {
    "Place": None, "LocalBusiness": None, "Store": None, "SportingGoodsStore": None,
    "HardwareStore": "공구", "Library": "도서", "CivicStructure": None,
    "Campground": "캠핑", "ParkingFacility": "주차장", "EventVenue": "공연장",
    "SportsActivityLocation": "체육관", "ExerciseGym": "체육관", "AutoRental": "카셰어링",
    "LodgingBusiness": None, "MeetingRoom": "회의실", "Accommodation": None, "Room": None,
    "Product": None, "IndividualProduct": None, "ProductModel": None, "Event": None,
    "EducationEvent": "강좌", "SocialEvent": None, "Service": None,
}
_PLACE_LINKS = ("location", "availableAtOrFrom", "containedInPlace")
_DAYS = {"monday": 0, "tuesday": 1, "wednesday": 2, "thursday": 3, "friday": 4,
         "saturday": 5, "sunday": 6, "mo": 0, "tu": 1, "we": 2, "th": 3, "fr": 4, "sa": 5,
         "su": 6}
_KO_DAYS = "월화수목금토일"
_HOURS_GROUP = re.compile(r"([A-Za-z]{2}(?:\s*[-,]\s*[A-Za-z]{2})*)\s+(\d{1,2}:\d{2})\s*-\s*"
                          r"(\d{1,2}:\d{2})")
_META_CHARSET = re.compile(rb"""<meta[^>]+charset\s*=\s*["']?([A-Za-z0-9_-]+)""", re.I)


def _listing_nodes(nodes: list[Node]) -> list[Node]:
    """Nodes of a listing type, after following ItemList and WebPage.mainEntity, minus the
    places that other listings only point at (an event's venue, a product's store)."""
    found: list[Node] = []
    queue = list(nodes)
    while queue:
        node = queue.pop(0)
        if any(t in LISTING_TYPES for t in node_types(node)):
            found.append(node)
        for key in ("mainEntity", "itemListElement", "item"):
            queue.extend(n for n in as_list(node.get(key)) if isinstance(n, dict))
    pointed = {str(ref.get("@id")) for node in found for key in _PLACE_LINKS
               for ref in as_list(node.get(key)) if isinstance(ref, dict) and ref.get("@id")}
    return [n for n in found if n.get("@id") not in pointed]


def _index_ids(nodes: list[Node]) -> dict[str, Node]:
    """Every node that says more than its @id, by @id (nested ones included)."""
    found: dict[str, Node] = {}
    queue: list[Any] = list(nodes)
    while queue:
        value = queue.pop()
        if isinstance(value, list):
            queue.extend(value)
        elif isinstance(value, dict):
            if isinstance(value.get("@id"), str) and len(value) > 1:
                found.setdefault(value["@id"], value)
            queue.extend(value.values())
    return found


# --- opening hours ------------------------------------------------------------------

def _day_names(days: list[int]) -> str:
    days = sorted(set(days))
    if len(days) >= 3 and days == list(range(days[0], days[-1] + 1)):
        return f"{_KO_DAYS[days[0]]}~{_KO_DAYS[days[-1]]}"
    return "·".join(_KO_DAYS[d] for d in days)


def _hhmm(value: Any) -> str | None:
    match = re.match(r"^(\d{1,2}):(\d{2})", node_text(value) or "")
    return f"{int(match.group(1)):02d}:{match.group(2)}" if match else None


def _day_numbers(value: Any) -> list[int]:
    names = [(node_text(v) or "").rsplit("/", 1)[-1].lower() for v in as_list(value)]
    return [_DAYS[n] for n in names if n in _DAYS]


def _listed_days(text: str) -> list[int]:
    """ "Mo-Fr" → 0..4, "Sa,Su" → [5, 6], "Fr-Mo" → [4, 5, 6, 0]; unknown names → []."""
    days: list[int] = []
    for piece in re.split(r"\s*,\s*", text):
        ends = [_DAYS.get(name.strip().lower(), -1) for name in piece.split("-")]
        first, last = ends[0], ends[-1]
        if first < 0 or last < 0:
            return []
        days.extend(range(first, last + 1) if first <= last
                    else [*range(first, 7), *range(last + 1)])
    return days


def opening_hours_text(specifications: list[Any], strings: list[Any]) -> str | None:
    """schema.org opening hours → the Korean form `parse_hours` reads: specifications
    ({dayOfWeek, opens, closes}) and strings ("Mo-Fr 09:00-18:00", "Sa,Su 10:00-14:00")
    become "월~금 09:00~18:00, 토·일 10:00~14:00". None when nothing is readable."""
    groups: dict[tuple[str, str], list[int]] = {}
    for spec in specifications:
        if not isinstance(spec, dict):
            continue
        opens, closes = _hhmm(spec.get("opens")), _hhmm(spec.get("closes"))
        days = _day_numbers(spec.get("dayOfWeek"))
        if not (opens and closes and days) or opens == closes == "00:00":
            continue  # schema.org: 00:00 to 00:00 is closed all day
        groups.setdefault((opens, "24:00" if closes == "00:00" else closes), []).extend(days)
    for text in (t for t in map(node_text, strings) if t):
        for day_part, opens, closes in _HOURS_GROUP.findall(text):
            if listed := _listed_days(day_part):
                groups.setdefault((_hhmm(opens) or opens, _hhmm(closes) or closes),
                                  []).extend(listed)
    parts = [f"{_day_names(days)} {opens}~{closes}" for (opens, closes), days in groups.items()]
    return ", ".join(parts) or None


# --- one node → RawRecord -----------------------------------------------------------

def _number(value: Any) -> float | None:
    text = (node_text(value) or "").replace(",", "")
    try:
        return float(text) if text else None
    except ValueError:
        return None


def _money(amount: float, currency: str) -> str:
    if currency.upper() in ("KRW", "₩", "원"):
        return f"{amount:,.0f}원"
    return f"{amount:g} {currency}".strip()


def _fee(offers: list[Node]) -> tuple[str | None, bool | None]:
    """Fee text in the Korean form parse_fee reads, and whether every price is 0."""
    parts: list[str] = []
    amounts: list[float] = []
    for offer in offers:
        currency = node_text(offer.get("priceCurrency")) or "KRW"
        low, high = _number(offer.get("lowPrice")), _number(offer.get("highPrice"))
        if low is not None and high is not None:  # AggregateOffer
            amounts += [low, high]
            parts.append(f"{_money(low, currency)} ~ {_money(high, currency)}")
            continue
        spec = offer.get("priceSpecification")
        spec = spec if isinstance(spec, dict) else {}
        price = _number(offer.get("price"))
        if price is None:
            price = _number(spec.get("price"))
            currency = node_text(spec.get("priceCurrency")) or currency
        if price is not None:
            amounts.append(price)
            label = node_text(offer.get("name")) or node_text(spec.get("unitText"))
            parts.append(f"{label} {_money(price, currency)}" if label
                         else _money(price, currency))
    if amounts and not any(amounts):
        return "무료", True
    return (" / ".join(parts) or None), None


def _address(value: Any) -> str | None:
    if isinstance(value, dict):
        parts = [node_text(value.get(k)) for k in ("addressRegion", "addressLocality",
                                                "streetAddress")]
        street = parts[2] or ""
        # Korean sites often repeat the region and district inside streetAddress.
        kept = [p for p in parts[:2] if p and p not in street] + [street]
        return " ".join(p for p in kept if p) or node_text(value.get("name"))
    return node_text(value)


def _image(value: Any, base: str) -> str | None:
    for item in as_list(value):
        url = node_text(item.get("url") or item.get("contentUrl")) if isinstance(item, dict) \
            else node_text(item)
        if url:
            return urljoin(base, url)
    return None


def _record_id(node_id: str | None, base: str) -> str | None:
    if not node_id or node_id.startswith("_:"):  # a blank node's id is not stable
        return None
    # "#store" on two pages is two things: make a page-relative id absolute.
    return node_id if "://" in node_id or node_id.startswith("urn:") else urljoin(base, node_id)


def _record(node: Node, by_id: dict[str, Node], base: str) -> RawRecord:
    def get(source: Node, key: str) -> Any:
        value = source.get(key)
        if isinstance(value, dict) and set(value) == {"@id"}:
            return by_id.get(str(value["@id"]), value)
        return value

    def first(key: str, *sources: Node) -> Any:
        return next((v for s in sources if (v := get(s, key)) not in (None, "", [])), None)

    offers = [o for o in as_list(get(node, "offers")) if isinstance(o, dict)]
    places = [p for key in _PLACE_LINKS for p in as_list(get(node, key))
              if isinstance(p, dict)] + [p for o in offers for p in as_list(
                  o.get("availableAtOrFrom")) if isinstance(p, dict)]
    parties = [p for key in ("provider", "organizer", "parentOrganization", "seller")
               for p in as_list(get(node, key)) if isinstance(p, dict)]
    geo = first("geo", node, *places)
    geo = geo if isinstance(geo, dict) else node
    fee_text, free = _fee(offers)
    if node_text(node.get("isAccessibleForFree")) in ("True", "true") \
            or node.get("isAccessibleForFree") is True:
        fee_text, free = fee_text or "무료", True
    url = node_text(node.get("url"))
    title = node_text(node.get("name")) or node_text(node.get("headline"))
    record_id = _record_id(node_text(node.get("@id")), base) \
        or (urljoin(base, url) if url else None) \
        or hashlib.sha1(f"{base}|{title}".encode()).hexdigest()[:16]
    hint = next((LISTING_TYPES[t] for t in node_types(node) if LISTING_TYPES.get(t)), None)
    keywords = node.get("keywords")
    tags = [node_text(k) for k in keywords] if isinstance(keywords, list) \
        else (node_text(keywords) or "").split(",")
    capacity = _number(first("maximumAttendeeCapacity", node, *places))
    modified = node_text(node.get("dateModified"))
    return RawRecord(
        record_id=record_id, title=title, description=node_text(node.get("description")),
        url=urljoin(base, url) if url else base,
        address=_address(first("address", node, *places)),
        lat=node_text(geo.get("latitude")), lon=node_text(geo.get("longitude")),
        phones=node_text(first("telephone", node, *places, *parties)),
        email=node_text(first("email", node, *parties)),
        hours=opening_hours_text(
            as_list(first("openingHoursSpecification", node, *places))
            + as_list(node.get("hoursAvailable")),
            as_list(first("openingHours", node, *places))),
        fee=fee_text, free=free,
        capacity=f"{capacity:.0f}명" if capacity is not None else None,
        category_label=node_text(node.get("category")) or node_text(node.get("serviceType"))
        or hint,
        provider_name=node_text(first("name", *parties)),
        booking_url=next((urljoin(base, u) for o in offers if (u := node_text(o.get("url")))),
                         None),
        image_url=_image(node.get("image"), base), tags=[t.strip() for t in tags if t],
        updated_at=_date(modified),
    )


def _date(value: str | None) -> datetime | None:
    try:
        parsed = datetime.fromisoformat(value) if value else None
    except ValueError:
        return None
    if parsed is None:
        return None
    return parsed.astimezone(UTC) if parsed.tzinfo else parsed.replace(tzinfo=UTC)


# --- the document -------------------------------------------------------------------

def _pages(body: bytes, source: Source) -> tuple[list[dict[str, str]], list[str]]:
    head = body[:64].lstrip(b"\xef\xbb\xbf \t\r\n")
    if head.startswith(b"{"):
        try:
            document = json.loads(body.decode("utf-8"))
        except (UnicodeDecodeError, ValueError) as exc:
            raise ParseError(f"not a schema_org_pages document: {exc}") from exc
        pages = document.get("pages") if isinstance(document, dict) else None
        if document.get("format") != "schema_org_pages" or not isinstance(pages, list):
            raise ParseError("a JSON document, but not schema_org_pages")
        return ([p for p in pages if isinstance(p, dict) and isinstance(p.get("html"), str)],
                [str(e) for e in document.get("errors", [])])
    declared = _META_CHARSET.search(body[:4096])
    html = decode_bytes(body, declared.group(1).decode("ascii") if declared else None)
    return [{"url": source.url, "html": html}], []


def parse_schema_org(body: bytes, source: Source, now: datetime | None = None) -> ParseResult:
    """Parse schema.org listings from a schema_org_pages document or one HTML page.

    Raises ParseError when the body is neither, or when no page has a schema.org node of
    a listing type (nor a broken JSON-LD block). A broken block, or a node without a
    name, is skipped and counted; a thing described twice (JSON-LD and microdata) once.
    """
    now = now or datetime.now(UTC)
    pages, crawl_errors = _pages(body, source)
    report = ParseReport(mapped_fields={"name": "title", "description": "description",
                                        "address": "address", "geo": "lat/lon",
                                        "telephone": "phones", "offers": "fee",
                                        "openingHoursSpecification": "hours"})
    listings, seen = [], set()
    for page in pages:
        base = str(page.get("url") or source.url)
        nodes, block_errors = page_nodes(page["html"], base)
        report.records += len(block_errors)
        report.invalid += len(block_errors)
        report.errors.extend(block_errors)
        by_id = _index_ids(nodes)
        for node in _listing_nodes(nodes):
            try:
                record = _record(node, by_id, base)
                if record.record_id in seen:
                    continue  # the same thing in JSON-LD and in microdata
                report.records += 1
                listings.append(assemble_listing(record, source, now))
                seen.add(record.record_id)
            except InvalidListing as exc:
                report.invalid += 1
                report.errors.append(f"{base}: {exc}")
    if report.records == 0:
        raise ParseError(f"no schema.org Place, LocalBusiness, Product, Event or Service in "
                         f"{len(pages)} page(s)")
    report.errors.extend(f"crawl: {error}" for error in crawl_errors)
    return ParseResult(listings, report)
