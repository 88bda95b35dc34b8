"""schema.org JSON-LD for a listing page, so search engines and assistants read it as data.

Things to borrow (kind item or vehicle) become a Product with an Offer available at the
lending point; everything else (rooms, halls, housing, classes) a Place, or a LocalBusiness
when it is a company's or has a price. The block sits in a <script type="application/ld+json">:
a data block the browser never runs, so the CSP's script-src does not apply to it; what
matters is that crawled text cannot end the element, so `<`, `>`, `&` and the JavaScript line
separators U+2028/U+2029 are written as \\u escapes (still the same JSON).
"""

from __future__ import annotations

import json
from typing import Any

from markupsafe import Markup

from hub_site.security import safe_http_url
from normalizer.schema import Listing

__all__ = ["json_ld_script_body", "listing_json_ld"]

_CONTEXT = "https://schema.org"
_PRODUCT_KINDS = frozenset({"item", "vehicle"})
_DAYS = {"mon": "Monday", "tue": "Tuesday", "wed": "Wednesday", "thu": "Thursday",
         "fri": "Friday", "sat": "Saturday", "sun": "Sunday"}
_ESCAPES = {"<": "\\u003c", ">": "\\u003e", "&": "\\u0026",
            "\u2028": "\\u2028", "\u2029": "\\u2029"}


def _drop_empty(data: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in data.items() if v not in (None, "", [], {})}


def _address(listing: Listing) -> dict[str, Any] | None:
    location = listing.location
    if not location.address and not location.district_name:
        return None
    return _drop_empty({"@type": "PostalAddress", "streetAddress": location.address,
                        "addressLocality": location.district_name,
                        "addressCountry": "KR"})


def _geo(listing: Listing) -> dict[str, Any] | None:
    lat, lon = listing.location.lat, listing.location.lon
    if lat is None or lon is None:
        return None
    return {"@type": "GeoCoordinates", "latitude": lat, "longitude": lon}


def _opening_hours(listing: Listing) -> list[dict[str, Any]]:
    return [{"@type": "OpeningHoursSpecification",
             "dayOfWeek": [f"{_CONTEXT}/{_DAYS[d]}" for d in weekly.days],
             "opens": weekly.opens, "closes": weekly.closes}
            for weekly in listing.hours.weekly]


def _place_fields(listing: Listing) -> dict[str, Any]:
    """What a Place says: name, address, point, hours, phone."""
    return {
        "name": listing.provider.name if listing.kind in _PRODUCT_KINDS else listing.title,
        "address": _address(listing),
        "geo": _geo(listing),
        "openingHoursSpecification": _opening_hours(listing),
        "telephone": listing.contact.phones[0] if listing.contact.phones else None,
    }


def _offer(listing: Listing, page_url: str) -> dict[str, Any] | None:
    """The fee as an Offer in KRW: price 0 when free, the lowest price otherwise, and the
    range when the source gives one; None when nothing is known about the fee."""
    fee = listing.fee
    low, high = fee.min_krw, fee.max_krw
    if fee.free:
        price: int | None = 0
    else:
        price = low if low is not None else high
    if price is None:
        return None
    offer: dict[str, Any] = {"@type": "Offer", "price": price, "priceCurrency": "KRW",
                             "url": safe_http_url(listing.booking_url) or page_url,
                             "description": fee.text}
    if not fee.free and low is not None and high is not None and low != high:
        offer["priceSpecification"] = {"@type": "PriceSpecification", "minPrice": low,
                                       "maxPrice": high, "priceCurrency": "KRW"}
    return _drop_empty(offer)


def listing_json_ld(listing: Listing, page_url: str) -> dict[str, Any]:
    """The schema.org description of a listing whose hub page is at `page_url` (absolute).

    Only http(s) URLs from the listing are included; empty fields are left out.
    """
    common: dict[str, Any] = {
        "@context": _CONTEXT,
        "@id": page_url,
        "url": page_url,
        "name": listing.title,
        "description": listing.description,
        "image": safe_http_url(listing.image_url),
        "sameAs": safe_http_url(listing.url),
    }
    offer = _offer(listing, page_url)
    if listing.kind in _PRODUCT_KINDS:
        place = _drop_empty({"@type": "Place", **_place_fields(listing)})
        if offer is None:
            offer = {"@type": "Offer", "url": safe_http_url(listing.booking_url) or page_url}
        if len(place) > 1:
            offer["availableAtOrFrom"] = place
        return _drop_empty({**common, "@type": "Product", "category": listing.category,
                            "offers": offer})
    business = listing.provider.type == "company" or (offer is not None and offer["price"])
    data = {**common, "@type": "LocalBusiness" if business else "Place",
            **_place_fields(listing), "name": listing.title,
            "isAccessibleForFree": listing.fee.free}
    if business and offer is not None:
        data["makesOffer"] = offer
    return _drop_empty(data)


def json_ld_script_body(data: dict[str, Any]) -> Markup:
    """`data` as JSON safe to place between <script type="application/ld+json"> tags."""
    text = json.dumps(data, ensure_ascii=False, separators=(",", ":"))
    for char, escape in _ESCAPES.items():
        text = text.replace(char, escape)
    return Markup(text)  # noqa: S704 - every character that could end the element is escaped
