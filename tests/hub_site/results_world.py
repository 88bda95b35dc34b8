"""A bigger world for the results and home page tests: 75 listings over Seoul's 25
districts, three platforms, mixed fees and opening hours, in a real catalog and index.

The site's clock is Thursday 2025-05-01 15:00 in Seoul: weekday listings are open now,
weekend-only ones are closed today, and listings without weekly hours are neither.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path
from typing import Any

from starlette.testclient import TestClient

from hub_site import create_app
from index.catalog import Catalog
from index.search_types import SearchQuery, SearchResults
from index.tantivy_index import TantivyIndex
from normalizer.gazetteer import load_gazetteer
from normalizer.schema import Fee, Hours, Location, Source, WeeklyHours
from tests.hub_site.conftest import CRAWLED_AT, NOW, make_listing

__all__ = ["CATEGORIES", "SEOUL", "SOURCES", "World", "build_world", "counting_client"]

SOURCES = (
    Source(id="seoul-share", name="서울 공유허브", kind="csv",
           url="https://share.seoul.go.kr/list.csv", provider_type="public"),
    Source(id="gongyu-nuri", name="공유누리", kind="rss",
           url="https://www.eshare.go.kr/rss", provider_type="public"),
    Source(id="tool-coop", name="동네공구협동조합", kind="rss",
           url="https://tools.example.kr/feed", provider_type="community"),
)
CATEGORIES = ("item.tools", "space.meeting_room", "item.camping")
SEOUL = sorted(code for code in load_gazetteer().districts if code.startswith("11"))
LISTING_COUNT = 75
# The tool co-op last succeeded 5 hours before the others: the hub's oldest confirmation.
STALE_SOURCE = "tool-coop"
WEEKDAYS = Hours(text="평일 09:00~18:00",
                 weekly=[WeeklyHours(days=["mon", "tue", "wed", "thu", "fri"],
                                     opens="09:00", closes="18:00")])
WEEKENDS = Hours(text="주말 10:00~17:00",
                 weekly=[WeeklyHours(days=["sat", "sun"], opens="10:00", closes="17:00")])
UNKNOWN_HOURS = Hours(text=None, weekly=[])


@dataclass(frozen=True)
class World:
    catalog_path: Path
    index: TantivyIndex


def _listing(number: int) -> Any:
    source = SOURCES[number % 3]
    code = SEOUL[number % 25]
    district = load_gazetteer().get(code)
    assert district is not None
    assert district.point is not None
    lat, lon = district.point
    hours = (WEEKDAYS, WEEKENDS, UNKNOWN_HOURS)[(number // 3) % 3]
    free = number % 2 == 0
    return make_listing(
        source, f"R-{number:03d}",
        # Numbers outside Hangul words: only a few distinct words for the morphology model.
        title=f"{district.short_name} 공유 자원 No.{number:03d} (주민 누구나)",
        description="주민에게 빌려 드립니다. " * 5,
        kind=CATEGORIES[number % 3].split(".")[0],
        category=CATEGORIES[number % 3],
        location=Location(address=f"{district.name} 테스트로 {number}", sido_code="11",
                          district_code=code, district_name=district.short_name,
                          lat=lat + 0.001 * (number % 5), lon=lon),
        hours=hours,
        fee=Fee(free=free, text=None if free else "1일 5,000원", min_krw=None if free else 5000,
                max_krw=None, deposit_krw=None),
        booking_url=f"https://book.example.kr/{number}",
        also_listed_on=["gongyu-nuri"] if number % 10 == 0 and source.id != "gongyu-nuri"
        else [],
    )


def build_world(directory: Path) -> World:
    """Write the catalog and build the index under `directory`."""
    path = directory / "catalog.sqlite"
    catalog = Catalog(path)
    listings = [_listing(n) for n in range(LISTING_COUNT)]
    for source in SOURCES:
        catalog.save_source(source, CRAWLED_AT)
        finished = CRAWLED_AT - timedelta(hours=5 if source.id == STALE_SOURCE else 0)
        catalog.apply_run(source.id, [item for item in listings if item.source_id == source.id],
                          started_at=finished - timedelta(minutes=1), finished_at=finished,
                          invalid=0, record_errors=[], etag=None, last_modified=None)
    catalog.close()
    catalog = Catalog(path, read_only=True)
    index = TantivyIndex(directory / "index", {})
    index.rebuild(catalog.iter_listings(), catalog.change_seq())
    catalog.close()
    return World(path, index)


class CountingIndex:
    """The real index, counting the searches a page makes."""

    def __init__(self, index: TantivyIndex) -> None:
        self.index = index
        self.queries: list[SearchQuery] = []

    def search(self, query: SearchQuery) -> SearchResults:
        self.queries.append(query)
        return self.index.search(query)

    def __getattr__(self, name: str) -> Any:
        return getattr(self.index, name)


def counting_client(world: World, page_size: int = 20) -> tuple[TestClient, CountingIndex]:
    """A site over the world whose index counts the searches each request makes."""
    index = CountingIndex(world.index)
    app = create_app(catalog=Catalog(world.catalog_path, read_only=True),
                     index=index, page_size=page_size, clock=lambda: NOW)  # type: ignore[arg-type]
    return TestClient(app), index
