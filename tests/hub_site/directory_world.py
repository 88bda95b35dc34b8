"""A second small world for the listing, platform, district and report tests: one place
listed by a district file and by the national portal (a duplicate group), a Busan listing
(so Seoul-first ordering shows), a source whose last run failed, and a source never run.
The index is built as the pipeline builds it (`listings_for_index`), so the group is real.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, timedelta
from pathlib import Path

from starlette.testclient import TestClient

from hub_site import create_app
from index.catalog import Catalog
from index.duplicates import listings_for_index
from index.feedback import FeedbackStore
from index.tantivy_index import TantivyIndex
from normalizer.schema import (
    Contact,
    Fee,
    Hours,
    Location,
    Provider,
    Quality,
    Source,
    WeeklyHours,
)
from tests.hub_site.conftest import CRAWLED_AT, NOW, make_listing

DISTRICT = Source(id="mapo-tools", name="마포구 공구대여소", kind="csv",
                  url="https://data.mapo.go.kr/files/tools.csv?serviceKey=SECRET",
                  provider_type="public", district_code="11440",
                  params={"description": "마포구가 운영하는 생활공구 대여소 목록",
                          "operator": "마포구청 자치행정과"})
PORTAL = Source(id="gongyu", name="공유누리", kind="gongyunuri",
                url="https://www.eshare.go.kr/eshare-openapi", provider_type="public")
BUSAN = Source(id="busan-share", name="부산 공유센터", kind="json_api",
               url="https://share.busan.go.kr/api", provider_type="public")
BROKEN = Source(id="broken-feed", name="고장난 피드", kind="rss",
                url="https://broken.example.com/rss", provider_type="company")
NEVER = Source(id="never-run", name="아직 안 돌린 곳", kind="rss",
               url="https://new.example.com/rss", provider_type="community")

_PLACE = Location(address="서울특별시 마포구 월드컵로 212", sido_code="11",
                  district_code="11440", district_name="마포구", lat=37.5563, lon=126.9019)
_WEEKDAYS = Hours(text="평일 09:00~18:00, 점심 12:00~13:00",
                  weekly=[WeeklyHours(days=["mon", "tue", "wed", "thu", "fri"],
                                      opens="09:00", closes="12:00"),
                          WeeklyHours(days=["mon", "tue", "wed", "thu", "fri"],
                                      opens="13:00", closes="18:00")])

LOCAL_COPY = make_listing(
    DISTRICT, "7", title="망원동 공구도서관", category="item.tools", location=_PLACE,
    hours=_WEEKDAYS, fee=Fee(free=True), contact=Contact(phones=["02-3153-8888"]),
    provider=Provider(name="마포구청", type="public"), quality=Quality(score=70),
    url="https://data.mapo.go.kr/tools/7")
PORTAL_COPY = make_listing(
    PORTAL, "E-100", title="망원동 공구도서관", category="item.tools", location=_PLACE,
    hours=_WEEKDAYS, fee=Fee(free=True), contact=Contact(phones=["02-3153-8888"]),
    provider=Provider(name="마포구청", type="public"), quality=Quality(score=90),
    url="https://www.eshare.go.kr/rsvt/E-100",
    booking_url="https://www.eshare.go.kr/rsvt/E-100/book")
LONE_ROOM = make_listing(
    DISTRICT, "8", title="성산2동 주민센터 회의실", kind="space", category="space.meeting_room",
    location=Location(address="서울특별시 마포구 월드컵로 190", sido_code="11",
                      district_code="11440", district_name="마포구", lat=None, lon=None),
    fee=Fee(free=False, min_krw=5000), url="https://data.mapo.go.kr/rooms/8")
BUSAN_TENT = make_listing(
    BUSAN, "B-1", title="해운대 캠핑 장비 대여", category="item.camping",
    location=Location(address="부산광역시 해운대구 해운대로 1", sido_code="26",
                      district_code="26350", district_name="해운대구", lat=35.16, lon=129.16))

ALL_SOURCES = (DISTRICT, PORTAL, BUSAN, BROKEN, NEVER)


def build_world(folder: Path) -> tuple[Path, TantivyIndex]:
    """The catalog (written) and the index over it, in `folder`."""
    path = folder / "catalog.sqlite"
    catalog = Catalog(path)
    for source in ALL_SOURCES:
        catalog.save_source(source, CRAWLED_AT)
    for source, listings in ((DISTRICT, [LOCAL_COPY, LONE_ROOM]), (PORTAL, [PORTAL_COPY]),
                             (BUSAN, [BUSAN_TENT])):
        catalog.apply_run(source.id, listings, started_at=CRAWLED_AT - timedelta(minutes=1),
                          finished_at=CRAWLED_AT, invalid=0, record_errors=[], etag=None,
                          last_modified=None)
    catalog.record_failure(BROKEN.id, "fetch: HTTP 404: not found\nmore detail",
                           started_at=CRAWLED_AT - timedelta(minutes=1), finished_at=CRAWLED_AT)
    index = TantivyIndex(folder / "index", {})
    index.rebuild(listings_for_index(catalog.iter_listings()), catalog.change_seq())
    catalog.close()
    return path, index


def world_client(path: Path, index: TantivyIndex, *, feedback: FeedbackStore | None = None,
                 clock: Callable[[], datetime] = lambda: NOW, page_size: int = 20
                 ) -> TestClient:
    app = create_app(catalog=Catalog(path, read_only=True), index=index, clock=clock,
                     feedback=feedback, page_size=page_size)
    return TestClient(app, follow_redirects=False)
