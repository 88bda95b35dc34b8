"""The behaviour every search backend owes its users, written from `SearchIndex`'s contract.

A module of test functions taking a `backend` fixture: a fresh `SearchIndex` already
rebuilt from WORLD (change_seq 1). `tests/test_search_behaviour.py` runs it for the
embedded tantivy index always, and for Elasticsearch when SHAREHUB_ELASTICSEARCH_URL
is set. The world is small and on purpose: each listing is there to make one decision
visible (a word inside a compound, hours past midnight, a holiday closure, no map point).
"""

from __future__ import annotations

import math
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from index.search_types import BoundingBox, GeoPoint, SearchIndex, SearchQuery
from normalizer.schema import Fee, Hours, Listing, Location, Provider, WeeklyHours
from tests.conftest import NOW
from tests.factories import make_listing

__all__ = [
    "BY_ID",
    "HOSTILE_TEXTS",
    "WORLD",
    "test_bounding_box_keeps_listings_inside",
    "test_coverage_counts_district_by_category",
    "test_facets_count_the_matching_listings",
    "test_filters_of_one_facet_are_ored_and_facets_anded",
    "test_get_returns_the_whole_listing",
    "test_hostile_text_is_a_plain_search",
    "test_near_with_radius_keeps_listings_within_it",
    "test_newest_sorts_by_first_seen",
    "test_one_filter_per_facet",
    "test_open_at_follows_weekly_hours",
    "test_open_at_leaves_out_holiday_closures_on_public_holidays",
    "test_paging_is_disjoint_with_one_total",
    "test_punctuation_around_words_is_ignored",
    "test_rebuild_replaces_everything_and_records_change_seq",
    "test_sort_by_distance_nearest_first",
    "test_text_finds_words_in_korean_and_english",
    "test_title_matches_rank_first",
    "test_upsert_replaces_and_delete_removes",
    "test_words_are_all_required",
]

SEOUL = ZoneInfo("Asia/Seoul")
GANGNAM_STATION = GeoPoint(37.4979, 127.0276)
WEEKDAYS = ["mon", "tue", "wed", "thu", "fri"]


def _place(district: tuple[str, str], lat: float, lon: float) -> Location:
    return Location(address=f"서울특별시 {district[1]} 테스트로 1", sido_code=district[0][:2],
                    district_code=district[0], district_name=district[1], lat=lat, lon=lon)


def _hours(text: str, *weekly: tuple[list[str], str, str]) -> Hours:
    return Hours(text=text, weekly=[WeeklyHours(days=d, opens=o, closes=c)
                                    for d, o, c in weekly])


MAPO, GANGNAM, JONGNO, SEONGBUK = ("11440", "마포구"), ("11680", "강남구"), ("11110", "종로구"), (
    "11290", "성북구")

WORLD: list[Listing] = [
    make_listing("drill", "공덕동 공구대여소", description="전동드릴을 빌려드립니다",
                 items=["전동드릴", "망치"], location=_place(MAPO, 37.5446, 126.9519),
                 hours=_hours("월~금 09:00~18:00 (공휴일 휴관)", (WEEKDAYS, "09:00", "18:00")),
                 first_seen_at=NOW - timedelta(days=10)),
    make_listing("tent", "캠핑텐트 대여", source_id="borrow-camp", category="item.camping",
                 free=False, location=_place(MAPO, 37.5663, 126.9016),
                 provider=Provider(name="빌려쓰는 캠핑", type="company"),
                 fee=Fee(free=False, text="1일 5,000원", min_krw=5000),
                 hours=_hours("토·일 10:00~17:00", (["sat", "sun"], "10:00", "17:00")),
                 first_seen_at=NOW - timedelta(days=5)),
    make_listing("room", "역삼 8인 회의실 '숲'", source_id="modu-spaces",
                 category="space.meeting_room", free=False,
                 provider=Provider(name="모두의공간", type="company"),
                 location=_place(GANGNAM, 37.5007, 127.0365),
                 hours=_hours("24시간", (WEEKDAYS + ["sat", "sun"], "00:00", "24:00")),
                 first_seen_at=NOW - timedelta(days=1)),
    make_listing("hall", "강남구청 대회의실", description="빔프로젝터와 마이크를 갖춘 대회의실",
                 category="space.meeting_room", location=_place(GANGNAM, 37.5172, 127.0473),
                 hours=_hours("평일 09:00~18:00 (주말·공휴일 휴관)", (WEEKDAYS, "09:00", "18:00")),
                 first_seen_at=NOW - timedelta(days=20)),
    make_listing("book", "작은 책방 나눔", description="캠핑 요리책도 있어요",
                 category="item.books", location=_place(JONGNO, 37.5735, 126.9790),
                 first_seen_at=NOW - timedelta(days=30)),
    make_listing("kitchen", "심야 공유주방", description="금요일 밤에 여는 공유 부엌",
                 category="space.kitchen", free=False, location=_place(SEONGBUK, 37.5894, 127.0167),
                 hours=_hours("금 22:00~02:00", (["fri"], "22:00", "02:00")),
                 first_seen_at=NOW - timedelta(days=3)),
    make_listing("online", "온라인 영어회화 재능나눔", source_id="talent-share",
                 category="skill.talent", location=Location(),
                 provider=Provider(name="재능나눔 모임", type="community"),
                 first_seen_at=NOW - timedelta(days=7)),
]
BY_ID = {listing.source_record_id: listing for listing in WORLD}
# What people type that query languages choke on: it must be a plain search.
HOSTILE_TEXTS = ['"', "(", "AND", "a OR", "c++", "-foo", "body:우산", "NEAR(", "*", "🏕️🏕️",
                 "x" * 10_000, "텐트 " * 3000, "\x00", "[]{}^~", "title:(텐트) OR *:*",
                 "'; DROP TABLE listings; --", "\\", "/텐트/", '"unclosed phrase', "텐트 AND 망치"]


def _ids(backend: SearchIndex, **kwargs: object) -> list[str]:
    """Source record ids of the hits, in order."""
    results = backend.search(SearchQuery(limit=100, **kwargs))
    return [hit.listing.source_record_id for hit in results.hits]


@pytest.mark.parametrize(("text", "expected"), [
    ("텐트", {"tent"}),            # inside the compound 캠핑텐트
    ("드릴", {"drill"}),           # inside 전동드릴을, with a particle glued on
    ("회의실", {"room", "hall"}),
    ("공구", {"drill"}),           # in the title, and the category's own label
    ("tools", {"drill"}),         # the category's English label, plural
    ("meeting room", {"room", "hall"}),
    ("camping", {"tent", "book"}),  # a synonym of 캠핑, which the book's text says
    ("책", {"book"}),              # one syllable
    ("영어회화", {"online"}),
    ("수영장", set()),
], ids=lambda v: v if isinstance(v, str) else None)
def test_text_finds_words_in_korean_and_english(backend, text, expected):
    found = set(_ids(backend, text=text))
    assert found == expected, f"search for {text!r} found {sorted(found)}"


def test_words_are_all_required(backend):
    assert set(_ids(backend, text="역삼 회의실")) == {"room"}
    assert set(_ids(backend, text="강남구 회의실")) == {"room", "hall"}
    assert _ids(backend, text="회의실 텐트") == []


def test_title_matches_rank_first(backend):
    ranked = _ids(backend, text="캠핑")
    assert ranked[:1] == ["tent"], f"title match should lead: {ranked}"
    assert "book" in ranked, "a body match is still found"


@pytest.mark.parametrize("text", HOSTILE_TEXTS, ids=lambda t: repr(t[:12]))
def test_hostile_text_is_a_plain_search(backend, text):
    results = backend.search(SearchQuery(text=text))
    assert results.total >= 0
    assert len(results.hits) <= 20


@pytest.mark.parametrize("text", ['"텐트"', "(텐트)", "텐트!!!", "🏕️ 텐트", "텐트?", "[텐트]"],
                         ids=lambda t: repr(t))
def test_punctuation_around_words_is_ignored(backend, text):
    assert _ids(backend, text=text) == ["tent"]


@pytest.mark.parametrize(("filters", "expected"), [
    ({"kinds": ("space",)}, {"room", "hall", "kitchen"}),
    ({"categories": ("space.meeting_room",)}, {"room", "hall"}),
    ({"district_codes": ("11440",)}, {"drill", "tent"}),
    ({"source_ids": ("modu-spaces",)}, {"room"}),
    ({"provider_types": ("company",)}, {"tent", "room"}),
    ({"provider_types": ("community",)}, {"online"}),
    ({"free": True}, {"drill", "hall", "book", "online"}),
    ({"free": False}, {"tent", "room", "kitchen"}),
    ({"text": "대여", "categories": ("item.camping",)}, {"tent"}),
], ids=["kind", "category", "district", "source", "provider-company", "provider-community",
        "free", "paid", "text+category"])
def test_one_filter_per_facet(backend, filters, expected):
    assert set(_ids(backend, **filters)) == expected


def test_filters_of_one_facet_are_ored_and_facets_anded(backend):
    assert set(_ids(backend, district_codes=("11680", "11110"))) == {"room", "hall", "book"}
    assert set(_ids(backend, district_codes=("11680", "11110"), kinds=("item",))) == {"book"}
    assert set(_ids(backend, kinds=("space", "skill"), free=True)) == {"hall", "online"}


def test_facets_count_the_matching_listings(backend):
    results = backend.search(SearchQuery(kinds=("space", "item"),
                                         facets=("category", "district", "free")))
    counts = {name: {f.value: f.count for f in values}
              for name, values in results.facets.items()}
    assert counts == {
        "category": {"space.meeting_room": 2, "space.kitchen": 1, "item.tools": 1,
                     "item.camping": 1, "item.books": 1},
        "district": {"11680": 2, "11440": 2, "11110": 1, "11290": 1},
        "free": {"true": 3, "false": 3},
    }
    assert results.total == 6


def test_near_with_radius_keeps_listings_within_it(backend):
    near = {"near": GANGNAM_STATION, "radius_km": 5.0}
    assert set(_ids(backend, **near)) == {"room", "hall"}
    assert set(_ids(backend, text="회의실", radius_km=1.5, near=GANGNAM_STATION)) == {"room"}


def test_bounding_box_keeps_listings_inside(backend):
    gangnam = BoundingBox(south=37.46, west=127.00, north=37.53, east=127.10)
    assert set(_ids(backend, bbox=gangnam)) == {"room", "hall"}


def _haversine_km(a: GeoPoint, b: Location) -> float:
    assert b.lat is not None
    assert b.lon is not None
    p1, p2 = math.radians(a.lat), math.radians(b.lat)
    h = (math.sin((p2 - p1) / 2) ** 2
         + math.cos(p1) * math.cos(p2) * math.sin(math.radians(b.lon - a.lon) / 2) ** 2)
    return 2 * 6371.0088 * math.asin(math.sqrt(h))


def test_sort_by_distance_nearest_first(backend):
    hits = backend.search(SearchQuery(near=GANGNAM_STATION, sort="distance", limit=100)).hits
    placed = [h for h in hits if h.listing.location.lat is not None]
    order = [h.listing.source_record_id for h in placed]
    assert order == ["room", "hall", "drill", "book", "kitchen", "tent"]
    assert hits[:len(placed)] == placed, "listings without a map point come last, if at all"
    for hit in placed:
        expected = _haversine_km(GANGNAM_STATION, hit.listing.location)
        assert hit.distance_km == pytest.approx(expected, rel=0.01), hit.listing.title


def test_newest_sorts_by_first_seen(backend):
    assert _ids(backend, sort="newest") == ["room", "kitchen", "tent", "online", "drill",
                                            "hall", "book"]
    assert _ids(backend, text="회의실", sort="newest") == ["room", "hall"]


@pytest.mark.parametrize(("when", "expected"), [
    (datetime(2026, 11, 23, 10, 0, tzinfo=SEOUL), {"drill", "hall", "room"}),  # Monday
    (datetime(2026, 11, 23, 1, 0, tzinfo=UTC), {"drill", "hall", "room"}),  # = 10:00 in Seoul
    (datetime(2026, 11, 23, 8, 59, tzinfo=SEOUL), {"room"}),
    (datetime(2026, 11, 23, 18, 0, tzinfo=SEOUL), {"room"}),  # closing time is closed
    (datetime(2026, 11, 28, 12, 0, tzinfo=SEOUL), {"tent", "room"}),  # Saturday
    (datetime(2026, 11, 27, 23, 30, tzinfo=SEOUL), {"kitchen", "room"}),  # Friday night
    (datetime(2026, 11, 28, 1, 30, tzinfo=SEOUL), {"kitchen", "room"}),  # past midnight
    (datetime(2026, 11, 28, 2, 0, tzinfo=SEOUL), {"room"}),
], ids=["mon-10", "mon-10-utc", "mon-0859", "mon-1800", "sat-noon", "fri-2330", "sat-0130",
        "sat-0200"])
def test_open_at_follows_weekly_hours(backend, when, expected):
    assert set(_ids(backend, open_at=when)) == expected


def test_open_at_leaves_out_holiday_closures_on_public_holidays(backend):
    hangul_day = datetime(2026, 10, 9, 10, 0, tzinfo=SEOUL)  # a Friday and 한글날
    assert set(_ids(backend, open_at=hangul_day)) == {"room"}
    ordinary_friday = datetime(2026, 10, 16, 10, 0, tzinfo=SEOUL)
    assert set(_ids(backend, open_at=ordinary_friday)) == {"drill", "hall", "room"}


def test_paging_is_disjoint_with_one_total(backend):
    first = backend.search(SearchQuery(limit=3))
    second = backend.search(SearchQuery(limit=3, offset=3))
    third = backend.search(SearchQuery(limit=3, offset=6))
    assert first.total == second.total == third.total == len(WORLD)
    pages = [[h.listing.id for h in page.hits] for page in (first, second, third)]
    assert [len(p) for p in pages] == [3, 3, 1]
    assert len(set(pages[0] + pages[1] + pages[2])) == len(WORLD)


def test_get_returns_the_whole_listing(backend):
    for listing in WORLD:
        assert backend.get(listing.id) == listing
    assert backend.get("no-such-listing") is None
    hit = backend.search(SearchQuery(text="텐트")).hits[0]
    assert hit.listing == BY_ID["tent"]


def test_upsert_replaces_and_delete_removes(backend):
    renamed = BY_ID["tent"].model_copy(update={"title": "캠핑타프 대여"})
    backend.upsert([renamed])
    assert _ids(backend, text="타프") == ["tent"]
    assert _ids(backend, text="텐트") == []
    assert backend.search(SearchQuery()).total == len(WORLD)
    backend.delete([renamed.id, "no-such-listing"])
    assert backend.get(renamed.id) is None
    assert backend.search(SearchQuery()).total == len(WORLD) - 1
    assert backend.get(BY_ID["drill"].id) == BY_ID["drill"]


def test_rebuild_replaces_everything_and_records_change_seq(backend):
    assert backend.change_seq == 1
    backend.rebuild([BY_ID["book"], BY_ID["room"]], change_seq=7)
    assert backend.change_seq == 7
    assert set(_ids(backend)) == {"book", "room"}
    backend.set_change_seq(8)
    assert backend.change_seq == 8


def test_coverage_counts_district_by_category(backend):
    assert backend.coverage() == {
        ("11440", "item.tools"): 1, ("11440", "item.camping"): 1,
        ("11680", "space.meeting_room"): 2, ("11110", "item.books"): 1,
        ("11290", "space.kitchen"): 1, ("none", "skill.talent"): 1,
    }
