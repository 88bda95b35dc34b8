"""RawRecord → Listing: field parsers, district resolution, classification and quality."""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import datetime
from functools import lru_cache

from normalizer.errors import InvalidListing
from normalizer.fields import (
    parse_capacity,
    parse_fee,
    parse_items,
    parse_loan_period,
    parse_phones,
)
from normalizer.gazetteer import District, load_gazetteer
from normalizer.hours import parse_hours
from normalizer.quality import score_listing
from normalizer.record import RawRecord
from normalizer.schema import (
    Contact,
    Fee,
    Hours,
    InventoryItem,
    Listing,
    Location,
    Provider,
    ProviderType,
    Quality,
    Source,
    listing_id,
)
from normalizer.taxonomy import Classification, load_taxonomy, unmapped_label_issue
from normalizer.text import clean_text, html_to_text

__all__ = ["assemble_listing"]

# --- caching wrappers ------------------------------------------------------------------
# A district file repeats the same hours, fee, item, period and label text on every row
# (and a national file a few hundred distinct ones), so each distinct cell is read once.
# The wrapped functions are pure and every cached value is immutable (frozen models,
# tuples, strings), so sharing one between listings changes no output; the caches are
# bounded so a long-running process holds at most a few thousand entries of each.
_CACHE_SIZE = 4096
_UNSCORED = Quality(score=0, issues=[])  # the draft's placeholder until it is scored
# nh3 gives text without tags or entities back unchanged, except CR, NUL and a leading BOM,
# which the HTML parser rewrites, and lone surrogates, which it refuses: other text needs
# only clean_text, the last step of html_to_text (tests/test_normalize_bench.py checks
# this on every code point).
_MARKUP = re.compile("[<&\r\x00\ufeff\ud800-\udfff]")


@lru_cache(maxsize=_CACHE_SIZE)
def _clean(value: str | None) -> str | None:
    return clean_text(value)


@lru_cache(maxsize=_CACHE_SIZE)
def _plain_text(value: str | None) -> str | None:
    if value is None or _MARKUP.search(value):
        return html_to_text(value)
    return clean_text(value)


@lru_cache(maxsize=_CACHE_SIZE)
def _label_category(label: str) -> Classification | None:
    return load_taxonomy().classify_label(label)


@lru_cache(maxsize=_CACHE_SIZE)
def _hours(text: str | None, days: str | None, opens: str | None, closes: str | None) -> Hours:
    return parse_hours(_clean(text), days_text=_clean(days), opens=_clean(opens),
                       closes=_clean(closes))


@lru_cache(maxsize=_CACHE_SIZE)
def _fee(text: str | None, free: bool | None) -> Fee:
    return parse_fee(_clean(text), free_flag=free)


@lru_cache(maxsize=_CACHE_SIZE)
def _items(text: str | None) -> tuple[InventoryItem, ...]:
    return tuple(parse_items(text))


@lru_cache(maxsize=_CACHE_SIZE)
def _phones(text: str | None) -> tuple[str, ...]:
    return tuple(parse_phones(text))


@lru_cache(maxsize=_CACHE_SIZE)
def _loan_period(text: str | None) -> int | None:
    return parse_loan_period(text)


@lru_cache(maxsize=_CACHE_SIZE)
def _capacity(text: str | None) -> int | None:
    return parse_capacity(text)


@lru_cache(maxsize=_CACHE_SIZE)
def _provider(name: str, kind: ProviderType) -> Provider:
    return Provider(name=name, type=kind)


def _coordinate(value: str | float | None, low: float, high: float) -> float | None:
    if value is None or value == "":
        return None
    try:
        number = float(value)
    except (TypeError, ValueError):
        return None
    return number if low <= number <= high else None


@lru_cache(maxsize=_CACHE_SIZE)
def _http_url(value: str | None) -> str | None:
    value = clean_text(value)
    return value if value and value.lower().startswith(("http://", "https://")) else None


def _coordinates(raw: RawRecord, issues: list[str]) -> tuple[float | None, float | None]:
    lat, lon = _coordinate(raw.lat, 33.0, 39.5), _coordinate(raw.lon, 124.0, 132.0)
    if (raw.lat or raw.lon) and (lat is None or lon is None):
        swapped = _coordinate(raw.lon, 33.0, 39.5), _coordinate(raw.lat, 124.0, 132.0)
        if None not in swapped:  # published the other way round: Korea tells them apart
            issues.append("latitude and longitude swapped at the source")
            return swapped
        issues.append("coordinates outside Korea ignored")
        return None, None
    return lat, lon


def _fallbacks(record_district: District | None, source_district: District | None,
               lat: float | None, lon: float | None) -> Iterator[tuple[District, bool]]:
    """Districts to use when the address names none, best first, lazily (the point is
    looked up only when needed); the flag says the district comes from the point."""
    if record_district:
        yield record_district, False
    if lat is not None and lon is not None \
            and (at_point := load_gazetteer().resolve_point(lat, lon)):
        yield at_point, True
    if source_district:
        yield source_district, False


def _locate(raw: RawRecord, source: Source, issues: list[str]) -> Location:
    """The district from, in order: the address, the record's own district code, the
    coordinates (Seoul's boundaries), the source's district. Disagreements are issues."""
    gazetteer = load_gazetteer()
    address = _clean(raw.address) or _clean(raw.address_lot)
    record_district = gazetteer.get(raw.district_code) if raw.district_code else None
    source_district = gazetteer.get(source.district_code) if source.district_code else None
    declared = record_district or source_district
    match = gazetteer.match_address(address, declared.sido_code if declared else None)
    if match.note:
        issues.append(match.note)
    whose = "the record's" if record_district else "the source's"
    if match.district and declared and match.district.code != declared.code:
        issues.append(f"address district {match.district.code} differs from {whose} "
                      f"{declared.code}")
    elif not match.district and match.sido_code and declared \
            and declared.sido_code != match.sido_code:
        issues.append(f"address 시도 {match.sido_code} differs from {whose} {declared.code}")
    lat, lon = _coordinates(raw, issues)
    district, from_point = match.district, False
    if district is None:
        # A fallback in another 시도 than the address names cannot be the district.
        district, from_point = next(
            ((d, p) for d, p in _fallbacks(record_district, source_district, lat, lon)
             if match.sido_code in (None, d.sido_code)), (None, False))
    if district and not from_point and lat is not None and lon is not None:
        if conflict := gazetteer.point_conflict(district.code, lat, lon):
            issues.append(conflict)
    return Location(address=address,
                    sido_code=district.sido_code if district else match.sido_code,
                    district_code=district.code if district else None,
                    district_name=district.short_name if district else None, lat=lat, lon=lon)


# A "label" of more words than this is a document's title rows and header (a table file
# without a category column), not a platform's category: it is not reported as unmapped.
_LABEL_MAX_WORDS = 5
# A code or label this sure decides, before the title's keywords: it is what the platform
# itself says. Weaker ones ("some facility", 0.5–0.6) only compete on confidence.
_DECISIVE = 0.7


def _classify(raw: RawRecord, title: str, description: str | None, source: Source,
              issues: list[str]) -> str:
    """The category: the record's hub code, else its platform label when that maps with
    confidence _DECISIVE, else the most confident of the label and the keywords of its
    text; the source's default category when nothing matches. Labels and codes that map
    to nothing are issues."""
    taxonomy = load_taxonomy()
    candidates: list[Classification] = []
    if raw.category in taxonomy.categories:
        candidates.append(Classification(raw.category, 1.0, "code"))
    elif raw.category:
        issues.append(unmapped_label_issue(raw.category))
    if label := _clean(raw.category_label):
        if hit := _label_category(label):
            candidates.append(hit)
        elif len(label.split()) <= _LABEL_MAX_WORDS:
            issues.append(unmapped_label_issue(label))
    # A decisive code or label wins over any keywords: skip reading the text then (the
    # keyword scan is the costliest step of classifying).
    decided = any(c.confidence >= _DECISIVE for c in candidates)
    context = " ".join(filter(None, (description, raw.items)))
    if not decided and (keywords := taxonomy.classify(title, context,
                                                      source.default_category)):
        candidates.append(keywords)
    if not candidates:
        issues.append("category unknown")
        return "item.general"
    best = next((c for c in candidates if c.confidence >= _DECISIVE), None) \
        or max(candidates, key=lambda c: c.confidence)  # the first of equals wins
    if best.confidence < 0.5:
        issues.append("category guessed")
    return best.category


def assemble_listing(raw: RawRecord, source: Source, now: datetime) -> Listing:
    """Normalize one record. Raises InvalidListing when it has no usable title."""
    title = _plain_text(raw.title)
    if not title:
        raise InvalidListing(f"record {raw.record_id!r}: no title")
    description = _plain_text(raw.description)
    issues: list[str] = []
    category = _classify(raw, title, description, source, issues)
    items = list(_items(raw.items))
    phones = list(_phones(raw.phones))
    draft = Listing(
        id=listing_id(source.id, raw.record_id), source_id=source.id,
        source_record_id=raw.record_id, url=_http_url(raw.url), title=title,
        description=description, kind=category.split(".")[0],
        category=category,
        provider=_provider(_clean(raw.provider_name) or source.name, source.provider_type),
        location=_locate(raw, source, issues),
        hours=_hours(raw.hours, raw.hours_days, raw.hours_opens, raw.hours_closes),
        fee=_fee(raw.fee, raw.free), loan_period_days=_loan_period(raw.loan_period),
        capacity=_capacity(raw.capacity), items=items,
        contact=Contact(phones=phones, email=_clean(raw.email), url=_http_url(raw.homepage)),
        booking_url=_http_url(raw.booking_url) or _http_url(raw.url),
        image_url=_http_url(raw.image_url), tags=sorted({t for t in raw.tags if t}),
        source_updated_at=raw.updated_at, first_seen_at=now, last_seen_at=now,
        also_listed_on=[], quality=_UNSCORED,
    )
    return draft.model_copy(update={"quality": score_listing(draft, now, issues)})
