"""schema.org JSON-LD on listing pages: the right type, every fact, and no way out of the
<script> element for crawled text."""

from __future__ import annotations

import json
from typing import Any

import pytest
from starlette.testclient import TestClient

from hub_site.json_ld import json_ld_script_body, listing_json_ld
from hub_site.security import CONTENT_SECURITY_POLICY
from tests.hub_site.conftest import HOSTILE, MEETING_ROOM, TOOL_POINT, make_listing, soup_of
from tests.hub_site.conftest import MAPO as MAPO_SOURCE


def _json_ld(client: TestClient, listing_id: str) -> tuple[dict[str, Any], str]:
    response = client.get(f"/listings/{listing_id}")
    assert response.status_code == 200
    blocks = soup_of(response).head.find_all("script", type="application/ld+json")
    assert len(blocks) == 1, "a listing page has exactly one JSON-LD block, in <head>"
    raw = blocks[0].string
    return json.loads(raw), raw


def test_tool_lending_point_is_a_product_offered_at_a_place(client: TestClient) -> None:
    data, _ = _json_ld(client, TOOL_POINT.id)
    page_url = f"http://testserver/listings/{TOOL_POINT.id}"
    assert data["@context"] == "https://schema.org"
    assert data["@type"] == "Product"
    assert data["url"] == data["@id"] == page_url
    assert data["name"] == "망원동 공구도서관"
    offer = data["offers"]
    assert offer == offer | {"@type": "Offer", "price": 0, "priceCurrency": "KRW",
                             "url": "https://share.mapo.go.kr/book/T-001"}
    place = offer["availableAtOrFrom"]
    assert place["address"]["streetAddress"] == "서울특별시 마포구 월드컵로 212"
    assert place["address"]["addressLocality"] == "마포구"
    assert place["geo"] == {"@type": "GeoCoordinates", "latitude": 37.5563,
                            "longitude": 126.9019}
    [hours] = place["openingHoursSpecification"]
    assert hours["dayOfWeek"] == [f"https://schema.org/{d}" for d in
                                  ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday")]
    assert (hours["opens"], hours["closes"]) == ("09:00", "18:00")


def test_paid_meeting_room_is_a_local_business_with_a_price_range(client: TestClient) -> None:
    data, _ = _json_ld(client, MEETING_ROOM.id)
    assert data["@type"] == "LocalBusiness"
    assert data["address"]["streetAddress"] == "서울특별시 강남구 역삼로 7길 16"
    assert "geo" not in data, "no coordinates: no geo, rather than nulls"
    assert data["isAccessibleForFree"] is False
    offer = data["makesOffer"]
    assert offer["price"] == 10000
    assert offer["priceSpecification"] == {"@type": "PriceSpecification", "minPrice": 10000,
                                           "maxPrice": 20000, "priceCurrency": "KRW"}
    # The booking link is javascript: at the source: the offer points at the hub page.
    assert offer["url"] == f"http://testserver/listings/{MEETING_ROOM.id}"


@pytest.mark.parametrize(("kind", "provider_type", "fee_free", "expected"), [
    ("space", "public", True, "Place"),
    ("space", "company", True, "LocalBusiness"),
    ("program", "public", None, "Place"),
    ("vehicle", "company", False, "Product"),
    ("item", "public", None, "Product"),
], ids=["free-public-room", "company-room", "program", "car-sharing", "item-no-fee"])
def test_schema_type_by_kind(kind: str, provider_type: str, fee_free: bool | None,
                             expected: str) -> None:
    listing = make_listing(MAPO_SOURCE, f"{kind}-{provider_type}", kind=kind,
                           provider={"name": "운영자", "type": provider_type},
                           fee={"free": fee_free, "text": None, "min_krw": None,
                                "max_krw": None, "deposit_krw": None})
    data = listing_json_ld(listing, "https://hub.example/listings/x")
    assert data["@type"] == expected
    assert None not in data.values()


def test_crawled_text_cannot_leave_the_script_element(client: TestClient) -> None:
    data, raw = _json_ld(client, HOSTILE.id)
    assert data["name"] == "<script>alert(1)</script> 캠핑 텐트"
    assert "<" not in raw
    assert ">" not in raw
    assert "sameAs" not in data, "javascript: URLs never reach the JSON-LD"
    body = str(json_ld_script_body({"name": "a</script><script>x()</script>\u2028\u2029&"}))
    assert "</" not in body
    assert "\u2028" not in body
    assert "\u2029" not in body
    assert json.loads(body) == {"name": "a</script><script>x()</script>\u2028\u2029&"}


def test_csp_still_forbids_inline_scripts() -> None:
    # A JSON-LD block is data the browser never runs, so it needs no CSP exception:
    # the policy keeps refusing inline script.
    assert "script-src 'self'" in CONTENT_SECURITY_POLICY
    assert "unsafe-inline" not in CONTENT_SECURITY_POLICY
