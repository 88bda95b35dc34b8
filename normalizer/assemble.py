"""RawRecord → Listing: field parsers, district resolution, classification and quality."""

from __future__ import annotations

from datetime import datetime

from normalizer.errors import InvalidListing
from normalizer.fields import (
    parse_capacity,
    parse_fee,
    parse_items,
    parse_loan_period,
    parse_phones,
)
from normalizer.gazetteer import load_gazetteer
from normalizer.hours import parse_hours
from normalizer.record import RawRecord
from normalizer.schema import Contact, Listing, Location, Provider, Quality, Source, listing_id
from normalizer.taxonomy import Classification, load_taxonomy
from normalizer.text import clean_text, html_to_text

__all__ = ["assemble_listing"]


def _coordinate(value: str | float | None, low: float, high: float) -> float | None:
    if value is None or value == "":
        return None
    try:
        number = float(value)
    except (TypeError, ValueError):
        return None
    return number if low <= number <= high else None


def _http_url(value: str | None) -> str | None:
    value = clean_text(value)
    return value if value and value.lower().startswith(("http://", "https://")) else None


def _locate(raw: RawRecord, source: Source, issues: list[str]) -> Location:
    gazetteer = load_gazetteer()
    address = clean_text(raw.address) or clean_text(raw.address_lot)
    declared_code = raw.district_code or source.district_code
    declared = gazetteer.get(declared_code) if declared_code else None
    district = gazetteer.resolve_address(address, declared.sido_code if declared else None)
    if district and declared and district.code != declared.code:
        whose = "the record's" if raw.district_code else "the source's"
        issues.append(f"address district {district.code} differs from {whose} "
                      f"{declared.code}")
    district = district or declared
    if address is None:
        issues.append("no address")
    lat, lon = _coordinate(raw.lat, 33.0, 39.5), _coordinate(raw.lon, 124.0, 132.0)
    if (raw.lat or raw.lon) and (lat is None or lon is None):
        issues.append("coordinates outside Korea ignored")
        lat = lon = None
    return Location(address=address, sido_code=district.sido_code if district else None,
                    district_code=district.code if district else None,
                    district_name=district.short_name if district else None, lat=lat, lon=lon)


def _score(listing: Listing, issues: list[str]) -> Quality:
    checks = {
        "no district": listing.location.district_code is None,
        "no coordinates": listing.location.lat is None,
        "no opening hours": not listing.hours.weekly,
        "fee unknown": listing.fee.free is None,
        "no contact": not (listing.contact.phones or listing.contact.email
                           or listing.contact.url),
        "no description": listing.description is None,
    }
    found = issues + [name for name, missing in checks.items() if missing]
    return Quality(score=max(0, 100 - 12 * len(found)), issues=found)


def assemble_listing(raw: RawRecord, source: Source, now: datetime) -> Listing:
    """Normalize one record. Raises InvalidListing when it has no usable title."""
    title = html_to_text(raw.title)
    if not title:
        raise InvalidListing(f"record {raw.record_id!r}: no title")
    description = html_to_text(raw.description)
    issues: list[str] = []
    taxonomy = load_taxonomy()
    exact = (Classification(raw.category, 1.0) if raw.category in taxonomy.categories
             else None)
    label_hit = taxonomy.classify(raw.category_label) if raw.category_label else None
    context = " ".join(filter(None, (description, raw.items)))
    classified = exact or label_hit or taxonomy.classify(title, context,
                                                         source.default_category)
    if classified is None:
        issues.append("category unknown")
        category = "item.general"
    else:
        category = classified.category
        if classified.confidence < 0.5:
            issues.append("category guessed")
    items = parse_items(raw.items)
    phones = parse_phones(raw.phones)
    draft = Listing(
        id=listing_id(source.id, raw.record_id), source_id=source.id,
        source_record_id=raw.record_id, url=_http_url(raw.url), title=title,
        description=description, kind=category.split(".")[0],
        category=category,
        provider=Provider(name=clean_text(raw.provider_name) or source.name,
                          type=source.provider_type),
        location=_locate(raw, source, issues),
        hours=parse_hours(clean_text(raw.hours), days_text=clean_text(raw.hours_days),
                          opens=clean_text(raw.hours_opens), closes=clean_text(raw.hours_closes)),
        fee=parse_fee(clean_text(raw.fee), free_flag=raw.free),
        loan_period_days=parse_loan_period(raw.loan_period),
        capacity=parse_capacity(raw.capacity), items=items,
        contact=Contact(phones=phones, email=clean_text(raw.email), url=_http_url(raw.homepage)),
        booking_url=_http_url(raw.booking_url) or _http_url(raw.url),
        image_url=_http_url(raw.image_url), tags=sorted({t for t in raw.tags if t}),
        source_updated_at=raw.updated_at, first_seen_at=now, last_seen_at=now,
        also_listed_on=[], quality=Quality(score=0, issues=[]),
    )
    return draft.model_copy(update={"quality": _score(draft, issues)})
