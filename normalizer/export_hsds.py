"""Listings → Open Referral HSDS 3.0: an organization per provider, a service per listing.

HSDS 3.0 has two forms. The tabular one is a data package of CSV tables; the JSON one is
what its API serves: `GET /services/{id}` answers one service document with everything
about it nested (its organization, phones, schedules, cost options, and
service_at_locations each carrying its location and addresses). JSON consumers (the
Open Referral API validators, directory front ends, referral tools) read that nested
document, and the JSON Schemas validate it, so sharehub writes that shape: one service
document per listing, plus one organization document per provider
(`GET /organizations/{id}`). `hsds_files` lays them out as the API paths
(`services/{id}.json`, `organizations/{id}.json`) for a static folder.

Ids are UUIDv5 from the listing id (and the provider's type and name), so every export
of the same catalog gives the same ids. Pure: listings in, JSON-ready dicts out.
"""

from __future__ import annotations

import re
import uuid
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from typing import Any

from normalizer.schema import Day, Fee, Hours, Listing, Provider

__all__ = ["HSDS_NAMESPACE", "HsdsExport", "hsds_export", "hsds_files", "hsds_id",
           "organization_document", "service_document"]

# Fixed for good: changing it changes every exported id.
HSDS_NAMESPACE = uuid.uuid5(uuid.NAMESPACE_URL, "https://sharehub.kr/hsds")
_SEOUL_OFFSET = "+09:00"  # Asia/Seoul has no daylight saving time: always UTC+9
_BYDAY: dict[Day, str] = {"mon": "MO", "tue": "TU", "wed": "WE", "thu": "TH", "fri": "FR",
                          "sat": "SA", "sun": "SU"}
_EXTENSION = re.compile(r"^(?P<number>.*?)\s*\(?(?:ext\.?|내선|x)\s*(?P<ext>\d+)\)?$",
                        re.IGNORECASE)
# 시도 code → official name (HSDS address.state_province).
_SIDO = {"11": "서울특별시", "26": "부산광역시", "27": "대구광역시", "28": "인천광역시",
         "29": "광주광역시", "30": "대전광역시", "31": "울산광역시", "36": "세종특별자치시",
         "41": "경기도", "43": "충청북도", "44": "충청남도", "46": "전라남도", "47": "경상북도",
         "48": "경상남도", "50": "제주특별자치도", "51": "강원특별자치도", "52": "전북특별자치도"}
_LEGAL_STATUS = {"public": "government", "company": "company", "nonprofit": "non-profit",
                 "community": "community group"}
_PROVIDER_LABEL = {"public": "공공기관 (public body)", "company": "기업 (company)",
                   "nonprofit": "비영리단체 (non-profit)", "community": "공동체 (community group)",
                   "unknown": "제공자 (provider)"}


def hsds_id(*parts: str) -> str:
    """A stable UUIDv5 (text) for an HSDS object named by `parts` (e.g. a listing id and
    "location")."""
    return str(uuid.uuid5(HSDS_NAMESPACE, "\x1f".join(parts)))


def _present(document: dict[str, Any]) -> dict[str, Any]:
    """HSDS fields are typed strings and numbers: unknown values are left out, not null."""
    return {key: value for key, value in document.items() if value is not None}


def _organization_key(provider: Provider, fallback: str) -> tuple[str, str]:
    return provider.type, provider.name or fallback


def organization_document(provider: Provider, fallback_name: str) -> dict[str, Any]:
    """The HSDS organization for a provider; `fallback_name` (the source id) names a
    provider that has no name. Providers with the same type and name are one organization."""
    kind, name = _organization_key(provider, fallback_name)
    return _present({"id": hsds_id("organization", kind, name), "name": name,
                     "description": f"{name}: {_PROVIDER_LABEL[kind]}",
                     "legal_status": _LEGAL_STATUS.get(kind)})


def _hhmm(clock: str) -> str:
    # "24:00" (24시간) is the end of the day; ISO 8601 times stop at 23:59.
    return ("23:59" if clock == "24:00" else clock) + _SEOUL_OFFSET


def _schedules(hours: Hours, service_id: str, listing_id: str) -> list[dict[str, Any]]:
    if not hours.weekly:
        # Text that could not be read stays readable: a schedule with its description only.
        return ([{"id": hsds_id(listing_id, "schedule", "0"), "service_id": service_id,
                  "description": hours.text}] if hours.text else [])
    return [_present({"id": hsds_id(listing_id, "schedule", str(n)), "service_id": service_id,
                      "freq": "WEEKLY", "wkst": "MO",
                      "byday": ",".join(_BYDAY[day] for day in span.days),
                      "opens_at": _hhmm(span.opens), "closes_at": _hhmm(span.closes),
                      "timezone": 9, "description": hours.text})
            for n, span in enumerate(hours.weekly)]


def _cost_options(fee: Fee, service_id: str, listing_id: str) -> list[dict[str, Any]]:
    options: list[tuple[str, int]] = []
    if fee.free:
        options.append(("무료 (free)", 0))
    elif fee.min_krw is not None and fee.min_krw == fee.max_krw:
        options.append(("이용료 (fee)", fee.min_krw))
    else:
        bounds = (("최저 이용료 (lowest fee)", fee.min_krw),
                  ("최고 이용료 (highest fee)", fee.max_krw))
        options += [(label, amount) for label, amount in bounds if amount is not None]
    if fee.deposit_krw is not None:
        options.append(("보증금 (refundable deposit)", fee.deposit_krw))
    return [_present({"id": hsds_id(listing_id, "cost_option", str(n)), "service_id": service_id,
                      "option": option, "currency": "KRW", "amount": amount,
                      "amount_description": fee.text})
            for n, (option, amount) in enumerate(options)]


def _phones(phones: list[str], service_id: str, listing_id: str) -> list[dict[str, Any]]:
    documents = []
    for n, phone in enumerate(phones):
        match = _EXTENSION.match(phone)
        documents.append(_present({
            "id": hsds_id(listing_id, "phone", str(n)), "service_id": service_id,
            "number": match.group("number") if match else phone,
            "extension": int(match.group("ext")) if match else None, "type": "voice"}))
    return documents


def _service_at_locations(listing: Listing, service_id: str) -> list[dict[str, Any]]:
    where = listing.location
    if where.address is None and where.lat is None:
        return []  # nothing says where: an online or unplaced offer
    location_id = hsds_id(listing.id, "location")
    addresses = [] if where.address is None else [{
        "id": hsds_id(listing.id, "address"), "location_id": location_id,
        "address_1": where.address, "city": where.district_name or "",
        "state_province": _SIDO.get(where.sido_code or "", ""),
        "postal_code": "",  # listings carry no postal code; HSDS requires the key
        "country": "KR", "address_type": "physical"}]
    location = _present({"id": location_id, "location_type": "physical", "name": listing.title,
                         "latitude": where.lat, "longitude": where.lon, "addresses": addresses})
    return [{"id": hsds_id(listing.id, "service_at_location"), "service_id": service_id,
             "location_id": location_id, "location": location}]


def service_document(listing: Listing) -> dict[str, Any]:
    """One listing as an HSDS 3.0 service document, everything about it nested."""
    service_id = hsds_id(listing.id)
    organization = organization_document(listing.provider, listing.source_id)
    email = listing.contact.email
    booking = listing.booking_url if listing.booking_url != listing.url else None
    return _present({
        "id": service_id, "organization_id": organization["id"], "name": listing.title,
        "description": listing.description, "url": listing.url or listing.booking_url,
        "email": email if email and "@" in email else None, "status": "active",
        "application_process": f"예약·신청 (booking): {booking}" if booking else None,
        "fees_description": listing.fee.text,
        "assured_date": listing.last_seen_at.date().isoformat() if listing.last_seen_at
        else None,
        "last_modified": listing.source_updated_at.isoformat() if listing.source_updated_at
        else None,
        "phones": _phones(listing.contact.phones, service_id, listing.id),
        "schedules": _schedules(listing.hours, service_id, listing.id),
        "service_at_locations": _service_at_locations(listing, service_id),
        "organization": organization,
        "cost_options": _cost_options(listing.fee, service_id, listing.id),
    })


@dataclass(frozen=True, slots=True)
class HsdsExport:
    """Organization documents (one per provider, by name) and service documents (one per
    listing, in the order given)."""

    organizations: list[dict[str, Any]]
    services: list[dict[str, Any]]


def hsds_export(listings: Iterable[Listing]) -> HsdsExport:
    """Every listing as a service, and every provider among them as one organization."""
    services, organizations = [], {}
    for listing in listings:
        service = service_document(listing)
        services.append(service)
        organizations[service["organization_id"]] = service["organization"]
    ordered = sorted(organizations.values(), key=lambda o: (o["name"], o["id"]))
    return HsdsExport(organizations=ordered, services=services)


def hsds_files(export: HsdsExport) -> Iterator[tuple[str, dict[str, Any]]]:
    """(relative path, document) for a static folder laid out as the HSDS API's paths."""
    for organization in export.organizations:
        yield f"organizations/{organization['id']}.json", organization
    for service in export.services:
        yield f"services/{service['id']}.json", service
