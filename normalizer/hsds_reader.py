"""HSDS 3.0 service documents an operator publishes → listings (source kind `hsds`).

Accepts what HSDS's API serves and what `sharehub export --format hsds` writes: one
service document (`GET /services/{id}`), a JSON array or JSON Lines of them, or a page of
the API's list (`{"contents": [...], "total_items": …}`). Each service is checked against
the bundled HSDS 3.0 service schema (`normalizer/data/hsds/`) first; one that breaks it is
skipped and reported with the JSON path of each problem. Read from each service: name,
description, url, email, phones (with extensions), schedules (`byday` + `opens_at` /
`closes_at`, else their description), cost options and `fees_description`, the first
location's address and point, the organization's name, and `last_modified`.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import UTC, datetime
from functools import cache
from pathlib import Path
from typing import Any

from jsonschema import Draft202012Validator
from referencing import Registry, Resource

from normalizer.assemble import assemble_listing
from normalizer.errors import InvalidListing, ParseError
from normalizer.record import ParseReport, ParseResult, RawRecord
from normalizer.record_loop import collect_listings
from normalizer.schema import Listing, Source
from normalizer.text import decode_bytes

__all__ = ["looks_like_hsds", "parse_hsds"]

_SCHEMAS = Path(__file__).resolve().parent / "data" / "hsds"
_DAYS = {"MO": "월", "TU": "화", "WE": "수", "TH": "목", "FR": "금", "SA": "토", "SU": "일"}
_MAX_ERRORS = 5


@cache
def _validator() -> Draft202012Validator:
    resources = []
    base = ""
    for path in sorted(_SCHEMAS.glob("*.json")):
        schema = json.loads(path.read_text(encoding="utf-8"))
        resources.append((schema["$id"], Resource.from_contents(schema)))
        if path.stem == "service":
            base = schema["$id"]
    return Draft202012Validator({"$ref": base}, registry=Registry().with_resources(resources),
                                format_checker=Draft202012Validator.FORMAT_CHECKER)


def looks_like_hsds(document: object) -> bool:
    """An HSDS service (or a list page of them), as opposed to other JSON."""
    if isinstance(document, dict) and isinstance(document.get("contents"), list):
        document = document["contents"][0] if document["contents"] else {}
    return isinstance(document, dict) and "id" in document and "name" in document and (
        "service_at_locations" in document or "organization_id" in document)


def _services(text: str) -> Iterator[tuple[str, Any]]:
    stripped = text.strip()
    try:
        document = json.loads(stripped)
    except json.JSONDecodeError:
        document = None
    if isinstance(document, dict) and isinstance(document.get("contents"), list):
        document = document["contents"]
    if isinstance(document, list):
        yield from ((f"service {n}", s) for n, s in enumerate(document, start=1))
        return
    if isinstance(document, dict):
        yield "service 1", document
        return
    for number, line in enumerate(text.splitlines(), start=1):
        if line.strip():
            try:
                yield f"line {number}", json.loads(line)
            except json.JSONDecodeError as exc:
                yield f"line {number}", InvalidListing(f"not JSON: {exc.msg}")


def _clock(value: Any) -> str | None:
    """"09:00+09:00" or "09:00:00" → "09:00"."""
    return value[:5] if isinstance(value, str) and len(value) >= 5 and value[2] == ":" else None


def _hours(schedules: list[dict[str, Any]]) -> str | None:
    parts = []
    for schedule in schedules:
        days = [_DAYS[d.strip()] for d in str(schedule.get("byday") or "").split(",")
                if d.strip() in _DAYS]
        opens, closes = _clock(schedule.get("opens_at")), _clock(schedule.get("closes_at"))
        if days and opens and closes:
            parts.append(f"{'·'.join(days)} {opens}~{closes}")
        elif schedule.get("description"):
            parts.append(str(schedule["description"]))
    return ", ".join(dict.fromkeys(parts)) or None


def _fee(service: dict[str, Any]) -> tuple[str | None, bool | None]:
    options = [o for o in service.get("cost_options") or [] if isinstance(o, dict)]
    amounts: list[float] = [float(o["amount"]) for o in options
                            if isinstance(o.get("amount"), int | float)]
    free = (True if amounts and all(a == 0 for a in amounts)
            else False if any(a > 0 for a in amounts) else None)
    text = service.get("fees_description") or (
        "무료" if free else ", ".join(f"{o.get('option') or ''} {o['amount']:,.0f}원".strip()
                                     for o in options if isinstance(o.get("amount"), int | float))
    )
    return text or None, free


def _record(service: dict[str, Any]) -> RawRecord:
    places: list[dict[str, Any]] = [
        s["location"] for s in service.get("service_at_locations") or []
        if isinstance(s, dict) and isinstance(s.get("location"), dict)]
    place: dict[str, Any] = places[0] if places else {}
    addresses = [a for a in place.get("addresses") or [] if isinstance(a, dict)]
    address = addresses[0] if addresses else {}
    street = address.get("address_1")
    region = address.get("state_province")
    if street and region and not str(street).startswith(str(region)[:2]):
        street = f"{region} {street}"
    phones = [f"{p['number']} 내선 {p['extension']}" if p.get("extension") else str(p["number"])
              for p in service.get("phones") or [] if isinstance(p, dict) and p.get("number")]
    fee, free = _fee(service)
    organization = service.get("organization")
    modified = service.get("last_modified")
    return RawRecord(
        record_id=str(service["id"]), title=service.get("name"),
        description=service.get("description"), url=service.get("url"),
        address=street, lat=place.get("latitude"), lon=place.get("longitude"),
        phones=", ".join(phones) or None, email=service.get("email"),
        hours=_hours([s for s in service.get("schedules") or [] if isinstance(s, dict)]),
        fee=fee, free=free,
        provider_name=organization.get("name") if isinstance(organization, dict) else None,
        updated_at=_when(modified))


def _when(value: Any) -> datetime | None:
    if not isinstance(value, str):
        return None
    try:
        parsed = datetime.fromisoformat(value)
    except ValueError:
        return None
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=UTC)


def parse_hsds(body: bytes, source: Source, now: datetime | None = None) -> ParseResult:
    """Parse HSDS 3.0 service documents. Raises ParseError for an empty document; services
    that break the HSDS schema are skipped and reported with their JSON paths."""
    now = now or datetime.now(UTC)
    text = decode_bytes(body)
    if not text.strip():
        raise ParseError("an empty document: no HSDS services")
    report = ParseReport()

    def build(service: Any) -> Listing:
        errors = sorted(_validator().iter_errors(service), key=lambda e: list(e.path))
        if errors:
            raise InvalidListing("; ".join(f"{e.json_path}: {e.message}"
                                           for e in errors[:_MAX_ERRORS]))
        return assemble_listing(_record(service), source, now)

    listings = collect_listings(_services(text), build, report, duplicate="duplicate service id")
    return ParseResult(listings, report)
