"""The small world the hub site tests run on: a real catalog and tantivy index in a temp
dir (no mocks), and helpers to read pages."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from bs4 import BeautifulSoup
from starlette.testclient import TestClient

from hub_site import create_app
from index.catalog import Catalog
from index.tantivy_index import TantivyIndex
from normalizer.schema import (
    Contact,
    Fee,
    Hours,
    InventoryItem,
    Listing,
    Location,
    Provider,
    Quality,
    Source,
    WeeklyHours,
    listing_id,
)

CRAWLED_AT = datetime(2025, 5, 1, 3, 0, tzinfo=UTC)
NOW = CRAWLED_AT + timedelta(hours=3)
CSP = ("default-src 'self'; img-src 'self' https: data:; style-src 'self'; script-src 'self'; "
       "frame-ancestors 'none'; base-uri 'none'; form-action 'self'")

MAPO = Source(id="mapo-share", name="마포구 공유센터", kind="csv",
              url="https://www.mapo.go.kr/share/list.csv", provider_type="public",
              district_code="11440")
GANGNAM = Source(id="gangnam-yeyak", name="강남구 공공시설 예약", kind="rss",
                 url="https://yeyak.gangnam.go.kr/rss", provider_type="public",
                 district_code="11680")


def make_listing(source: Source, record_id: str, **fields: object) -> Listing:
    """A complete Listing: every required key, overridable per test case."""
    values: dict[str, object] = {
        "id": listing_id(source.id, record_id),
        "source_id": source.id,
        "source_record_id": record_id,
        "url": f"https://example.go.kr/{source.id}/{record_id}",
        "title": "제목",
        "description": None,
        "kind": "item",
        "category": "item.general",
        "provider": Provider(name=None, type="unknown"),
        "location": Location(address=None, sido_code=None, district_code=None,
                             district_name=None, lat=None, lon=None),
        "hours": Hours(text=None, weekly=[]),
        "fee": Fee(free=None, text=None, min_krw=None, max_krw=None, deposit_krw=None),
        "loan_period_days": None,
        "capacity": None,
        "items": [],
        "contact": Contact(phones=[], email=None, url=None),
        "booking_url": None,
        "image_url": None,
        "tags": [],
        "source_updated_at": None,
        "first_seen_at": None,
        "last_seen_at": None,
        "also_listed_on": [],
        "quality": Quality(score=80, issues=[]),
    }
    values.update(fields)
    return Listing.model_validate(values)


TOOL_POINT = make_listing(
    MAPO, "T-001",
    title="망원동 공구도서관",
    description="전동드릴, 망치, 사다리를 주민에게 무료로 빌려 드립니다.\n신분증을 지참하세요.",
    category="item.tools",
    provider=Provider(name="마포구청", type="public"),
    location=Location(address="서울특별시 마포구 월드컵로 212", sido_code="11",
                      district_code="11440", district_name="마포구", lat=37.5563, lon=126.9019),
    hours=Hours(text="평일 09:00~18:00 (점심시간 12:00~13:00 제외)",
                weekly=[WeeklyHours(days=["mon", "tue", "wed", "thu", "fri"],
                                    opens="09:00", closes="18:00")]),
    fee=Fee(free=True, text=None, min_krw=None, max_krw=None, deposit_krw=10000),
    loan_period_days=3,
    items=[InventoryItem(name="전동드릴", quantity=4), InventoryItem(name="망치", quantity=6),
           InventoryItem(name="사다리", quantity=None)],
    contact=Contact(phones=["02-3153-8888"], email="share@mapo.go.kr",
                    url="https://www.mapo.go.kr/share"),
    booking_url="https://share.mapo.go.kr/book/T-001",
    tags=["공구", "DIY"],
    source_updated_at=datetime(2025, 4, 20, 9, 0, tzinfo=UTC),
    also_listed_on=["gangnam-yeyak"],
    quality=Quality(score=92, issues=["image missing"]),
)
MEETING_ROOM = make_listing(
    GANGNAM, "R-17",
    title="역삼1동 주민센터 3층 회의실",
    description="최대 20명, 빔프로젝터 구비",
    kind="space",
    category="space.meeting_room",
    provider=Provider(name="역삼1동 주민센터", type="public"),
    location=Location(address="서울특별시 강남구 역삼로 7길 16", sido_code="11",
                      district_code="11680", district_name="강남구", lat=None, lon=None),
    fee=Fee(free=False, text="시간당 10,000원", min_krw=10000, max_krw=20000, deposit_krw=None),
    capacity=20,
    booking_url="javascript:alert('booking')",
)
HOSTILE = make_listing(
    GANGNAM, "X-1",
    title="<script>alert(1)</script> 캠핑 텐트",
    description='<img src=x onerror="alert(2)"> 텐트 대여',
    category="item.camping",
    url="javascript:alert(3)",
    image_url="http://insecure.example.com/tent.jpg",
    contact=Contact(phones=["<b>call</b>"], email=None, url="data:text/html,boom"),
)


@pytest.fixture(scope="module")
def catalog_path(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("hub") / "catalog.sqlite"
    catalog = Catalog(path)
    for source in (MAPO, GANGNAM):
        catalog.save_source(source, CRAWLED_AT)
    for source, listings in ((MAPO, [TOOL_POINT]), (GANGNAM, [MEETING_ROOM, HOSTILE])):
        catalog.apply_run(source.id, listings, started_at=CRAWLED_AT - timedelta(minutes=1),
                          finished_at=CRAWLED_AT, invalid=0, record_errors=[], etag=None,
                          last_modified=None)
    catalog.close()
    return path


@pytest.fixture(scope="module")
def search_index(catalog_path: Path) -> Iterator[TantivyIndex]:
    catalog = Catalog(catalog_path, read_only=True)
    index = TantivyIndex(catalog_path.parent / "index", {"item.tools": "공구 도구 tool tools"})
    index.rebuild(catalog.iter_listings(), catalog.change_seq())
    catalog.close()
    yield index
    index.close()


def _client(catalog_path: Path, index: TantivyIndex, page_size: int = 20) -> TestClient:
    app = create_app(catalog=Catalog(catalog_path, read_only=True), index=index,
                     page_size=page_size, clock=lambda: NOW)
    return TestClient(app)


@pytest.fixture(scope="module")
def client(catalog_path: Path, search_index: TantivyIndex) -> TestClient:
    return _client(catalog_path, search_index)


def soup_of(response: object) -> BeautifulSoup:
    return BeautifulSoup(response.text, "html.parser")  # type: ignore[attr-defined]


def card_for(soup: BeautifulSoup, title: str):
    link = soup.find("a", string=title)
    assert link is not None, f"no card titled {title!r}"
    return link.find_parent("article")
