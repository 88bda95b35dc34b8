"""Shared test helpers: fixture documents, a fixed clock, and real local parts."""

from __future__ import annotations

import os
from datetime import UTC, datetime
from pathlib import Path

import pytest
from hypothesis import settings

from normalizer.schema import Source

# The same examples on every run (CI must not pass or fail by chance); explore new ones
# with HYPOTHESIS_PROFILE=explore. Loaded here, before the test modules build their settings.
settings.register_profile("sharehub", derandomize=True, database=None)
settings.register_profile("explore", derandomize=False)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "sharehub"))

FIXTURES = Path(__file__).parent / "fixtures"
NOW = datetime(2026, 11, 21, 0, 0, tzinfo=UTC)

FIXTURE_SOURCES = {
    "csv": Source(id="fixture-csv", name="구청 공구대여소", kind="csv", url="file:fixture.csv",
                  provider_type="public"),
    "rss": Source(id="fixture-rss", name="함께쓰는공간", kind="rss", url="file:fixture.xml",
                  provider_type="company"),
    "xlsx": Source(id="fixture-xlsx", name="구청 대여물품", kind="xlsx", url="file:fixture.xlsx",
                   provider_type="public"),
    "json_feed": Source(id="fixture-json-feed", name="쉐어잇", kind="json_feed",
                        url="file:fixture.json", provider_type="company"),
    "listing_jsonl": Source(id="fixture-published", name="빌림캠프", kind="listing_jsonl",
                            url="file:fixture.jsonl", provider_type="company"),
    "gongyunuri": Source(id="fixture-gongyunuri", name="공유누리", kind="gongyunuri",
                         url="https://www.eshare.go.kr/eshare-openapi", provider_type="public",
                         key_env="SHAREHUB_GONGYUNURI_KEY", params={"detail_batch_size": 20}),
    "seoul_openapi": Source(id="fixture-seoul", name="서울시 공공서비스예약", kind="seoul_openapi",
                            url="http://openapi.seoul.go.kr:8088", provider_type="public",
                            key_env="SHAREHUB_SEOUL_OPENAPI_KEY",
                            params={"services": ["ListPublicReservationInstitution",
                                                 "ListPublicReservationSport"]}),
    "json_api": Source(id="fixture-json-api", name="부산광역시 공공시설 개방", kind="json_api",
                       url="https://apis.data.go.kr/6260000/BusanPublicFacilityService/"
                           "getFacilityList", provider_type="public",
                       default_category="space.event_venue",
                       params={"items": "response.body.items.item",
                               "fields": {"title": "facilitiesTitle", "address": "address",
                                          "phones": "tel", "provider_name": "charge",
                                          "lat": "lat", "lon": "lng"}}),
    "xml_api": Source(id="fixture-xml-api", name="울산광역시 공공시설 대관", kind="xml_api",
                      url="https://apis.data.go.kr/6310000/UlsanRentalFacilityService/"
                          "getFacilityList", provider_type="public",
                      default_category="space.sports",
                      params={"items": "response/body/items/item", "id": "item_id",
                              "fields": {"title": ["MNAME", "NAME"], "category_label": "ITEM_KIND",
                                         "address": "ADDR", "phones": "TEL", "lat": "LAT",
                                         "lon": "LNG", "fee": "USE_FEE",
                                         "hours_opens": "DAYSTIME", "hours_closes": "DAYETIME",
                                         "provider_name": "MNAME"}}),
    "html": Source(id="fixture-html", name="구청 공유센터", kind="html",
                   url="http://127.0.0.1:8101/district/seongdong/share/list.do",
                   provider_type="public", default_category="item.general",
                   params={"item_selector": "css:table.board-list tbody tr",
                           "detail_link": "css:td.subject a::attr(href)",
                           "fields": {"title": "css:h3.view-title::text"}}),
    "schema_org": Source(id="fixture-schema-org", name="빌려쓰는 캠핑", kind="schema_org",
                         url="https://www.borrow-camp.example/page.html",
                         provider_type="company"),
}


def read_fixture(platform: str, name: str) -> bytes:
    """The bytes of tests/fixtures/<platform>/<name>."""
    return (FIXTURES / platform / name).read_bytes()


@pytest.fixture
def now() -> datetime:
    return NOW
