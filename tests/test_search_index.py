"""The embedded index: Korean inside longer words, filters, hostile text, atomic rebuild."""

from __future__ import annotations

import math
import random
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from index import SearchQuery, TantivyIndex
from index.geo import bbox_around, cell_ids, cover_circle, haversine_km
from index.open_hours_index import open_interval_terms, open_moment_terms
from index.search_types import BoundingBox, GeoPoint
from normalizer.open_now import is_open
from normalizer.schema import Hours, Location, Provider, WeeklyHours
from sharehub.wiring import category_words
from tests.conftest import NOW
from tests.factories import make_listing

LISTINGS = [
    make_listing("tent", "캠핑텐트 대여", category="item.camping", items=["4인용 캠핑텐트"]),
    make_listing("drill", "공덕동 공구대여소", description="전동드릴을 빌려드립니다",
                 items=["전동드릴", "망치"]),
    make_listing("room", "역삼 8인 회의실 '숲'", source_id="modu-spaces",
                 category="space.meeting_room", district=("11680", "강남구"), free=False),
    make_listing("book", "작은 책방 나눔", category="item.books", district=("11110", "종로구")),
]


@pytest.fixture
def index(tmp_path):
    index = TantivyIndex(tmp_path / "index", category_words())
    index.rebuild(LISTINGS, change_seq=1)
    yield index
    index.close()


def _titles(index, **kwargs):
    return {hit.listing.title for hit in index.search(SearchQuery(**kwargs)).hits}


@pytest.mark.parametrize(("text", "expected"), [
    ("텐트", {"캠핑텐트 대여"}),
    ("드릴", {"공덕동 공구대여소"}),
    ("회의실", {"역삼 8인 회의실 '숲'"}),
    ("공구", {"공덕동 공구대여소"}),
    ("tools", {"공덕동 공구대여소"}),
    ("meeting room", {"역삼 8인 회의실 '숲'"}),
    ("책", {"작은 책방 나눔"}),
    ("강남구 회의실", {"역삼 8인 회의실 '숲'"}),
    ("수영장", set()),
], ids=lambda v: v if isinstance(v, str) else None)
def test_korean_and_english_text_search(index, text, expected):
    assert _titles(index, text=text) == expected


def test_title_matches_rank_first(index):
    hits = index.search(SearchQuery(text="드릴")).hits
    assert hits[0].listing.title == "공덕동 공구대여소"


@pytest.mark.parametrize("text", ['"', "(", "AND", "a OR", "c++", "-foo", "body:우산", "NEAR(",
                                  "*", "🏕️ 텐트", "x" * 10_000, "\x00", "[]{}^~"],
                         ids=lambda t: repr(t[:12]))
def test_hostile_text_is_a_plain_search(index, text):
    results = index.search(SearchQuery(text=text))
    assert results.total >= 0


def test_filters(index):
    assert _titles(index, district_codes=("11680",)) == {"역삼 8인 회의실 '숲'"}
    assert _titles(index, kinds=("item",), free=True) == {"캠핑텐트 대여", "공덕동 공구대여소",
                                                          "작은 책방 나눔"}
    assert _titles(index, source_ids=("modu-spaces",)) == {"역삼 8인 회의실 '숲'"}
    assert _titles(index, text="대여", categories=("item.camping",)) == {"캠핑텐트 대여"}
    assert _titles(index, district_codes=("11680", "11110")) == {"역삼 8인 회의실 '숲'",
                                                                 "작은 책방 나눔"}


def test_coverage_counts_district_by_category(index):
    assert index.coverage() == {("11440", "item.camping"): 1, ("11440", "item.tools"): 1,
                                ("11680", "space.meeting_room"): 1, ("11110", "item.books"): 1}


def test_paging_and_totals(index):
    first = index.search(SearchQuery(limit=2))
    second = index.search(SearchQuery(limit=2, offset=2))
    assert first.total == second.total == 4
    assert {h.listing.id for h in first.hits}.isdisjoint({h.listing.id for h in second.hits})


def test_upsert_delete_and_get(index):
    renamed = make_listing("tent", "캠핑타프 대여", category="item.camping")
    index.upsert([renamed])
    assert _titles(index, text="타프") == {"캠핑타프 대여"}
    assert _titles(index, text="텐트") == set()
    index.delete([renamed.id])
    assert index.get(renamed.id) is None
    assert index.get(LISTINGS[1].id).title == "공덕동 공구대여소"


def test_rebuild_swaps_versions_for_other_readers(tmp_path, index):
    reader = TantivyIndex(tmp_path / "index", category_words())
    assert reader.search(SearchQuery()).total == 4
    index.rebuild(LISTINGS[:1], change_seq=7)
    assert reader.search(SearchQuery()).total == 1
    assert reader.change_seq == 7
    versions = list((tmp_path / "index" / "versions").iterdir())
    assert len(versions) == 1
    reader.close()


# --- facets, geo, open at, sorting (issue 5) ---------------------------------------------

SEOUL_HALL = GeoPoint(37.5663, 126.9779)
_KM_LAT = 1 / 111.195  # degrees of latitude per km
_KM_LON = _KM_LAT / math.cos(math.radians(SEOUL_HALL.lat))
WEEKDAYS = ["mon", "tue", "wed", "thu", "fri"]
EVERY_DAY = [*WEEKDAYS, "sat", "sun"]


def _placed(record_id, title, *, north_km=0.0, east_km=0.0, hours=None, hours_text=None,
            provider="public", seen_days=0, point=True, **kwargs):
    location = Location(address="서울특별시 중구 세종대로 110", sido_code="11",
                        district_code="11140", district_name="중구",
                        lat=SEOUL_HALL.lat + north_km * _KM_LAT if point else None,
                        lon=SEOUL_HALL.lon + east_km * _KM_LON if point else None)
    weekly = [WeeklyHours(days=days, opens=opens, closes=closes)
              for days, opens, closes in hours or []]
    return make_listing(record_id, title, location=location,
                        hours=Hours(text=hours_text, weekly=weekly),
                        provider=Provider(name="운영기관", type=provider),
                        first_seen_at=NOW - timedelta(days=seen_days), **kwargs)


PLACED = [
    _placed("north", "시청 북쪽 회의실", north_km=0.5, seen_days=3, category="space.meeting_room",
            hours=[(WEEKDAYS, "09:00", "18:00")], hours_text="월~금 09:00~18:00 (공휴일 휴무)"),
    _placed("east", "시청 동쪽 회의실", east_km=0.99, seen_days=1, provider="company",
            category="space.meeting_room", free=False,
            hours=[(EVERY_DAY, "18:00", "02:00")], hours_text="매일 18:00~02:00"),
    _placed("south", "시청 남쪽 공구대여소", north_km=-1.01, seen_days=2, provider="nonprofit",
            hours=[(EVERY_DAY, "00:00", "24:00")], hours_text="24시간", free=None),
    _placed("west", "서쪽 먼 공구대여소", east_km=-5.0, seen_days=5, provider="community",
            hours=[(["sun"], "22:00", "02:00")], hours_text="일 22:00~02:00"),
    _placed("nowhere", "주소만 있는 공구대여소", point=False, seen_days=4, provider="unknown"),
]


@pytest.fixture(scope="module")
def placed(tmp_path_factory):
    """Read-only: every test that uses it only searches."""
    index = TantivyIndex(tmp_path_factory.mktemp("placed"), category_words())
    index.rebuild(PLACED, change_seq=1)
    yield index
    index.close()


def _ids(results):
    return [hit.listing.source_record_id for hit in results.hits]


def _facet(results, name):
    return [(f.value, f.count) for f in results.facets[name]]


def test_facets_count_the_whole_result_set_not_the_page(index):
    results = index.search(SearchQuery(limit=1, facets=("kind", "category", "district",
                                                        "source", "free", "provider_type")))
    assert len(results.hits) == 1
    assert results.total == 4
    assert _facet(results, "kind") == [("item", 3), ("space", 1)]
    assert _facet(results, "category") == [("item.books", 1), ("item.camping", 1),
                                           ("item.tools", 1), ("space.meeting_room", 1)]
    assert _facet(results, "district") == [("11440", 2), ("11110", 1), ("11680", 1)]
    assert _facet(results, "source") == [("mapo-tools", 3), ("modu-spaces", 1)]
    assert _facet(results, "free") == [("true", 3), ("false", 1)]
    assert _facet(results, "provider_type") == [("public", 4)]


def test_facets_follow_text_and_filters_and_only_the_requested_ones(index):
    results = index.search(SearchQuery(text="대여", kinds=("item",), facets=("category",)))
    assert set(results.facets) == {"category"}
    assert _facet(results, "category") == [("item.camping", 1), ("item.tools", 1)]
    nothing = index.search(SearchQuery(text="수영장", facets=("district",)))
    assert nothing.facets == {"district": []}


def test_facet_values_for_unknowns(placed):
    results = placed.search(SearchQuery(facets=("free", "provider_type")))
    assert _facet(results, "free") == [("true", 3), ("false", 1), ("unknown", 1)]
    assert _facet(results, "provider_type") == [
        ("community", 1), ("company", 1), ("nonprofit", 1), ("public", 1), ("unknown", 1)]


def test_provider_type_filter_any_of_its_values(placed):
    results = placed.search(SearchQuery(provider_types=("company", "nonprofit")))
    assert sorted(_ids(results)) == ["east", "south"]


@pytest.mark.parametrize(("radius_km", "expected"), [
    (0.4, set()),
    (0.5001, {"north"}),
    (1.0, {"north", "east"}),  # east is 0.99 km away, south 1.01 km
    (1.02, {"north", "east", "south"}),
    (50.0, {"north", "east", "south", "west"}),  # never the listing without a point
], ids=["0.4km", "0.5km", "1km-edge", "1.02km", "50km"])
def test_radius_filter_is_exact_at_the_edge(placed, radius_km, expected):
    results = placed.search(SearchQuery(near=SEOUL_HALL, radius_km=radius_km,
                                        facets=("provider_type",)))
    assert set(_ids(results)) == expected
    assert results.total == len(expected), "the total counts the circle, not its box"
    assert sum(f.count for f in results.facets["provider_type"]) == len(expected)


def test_distance_sort_orders_nearest_first_with_distances(placed):
    results = placed.search(SearchQuery(near=SEOUL_HALL, sort="distance"))
    assert _ids(results) == ["north", "east", "south", "west"]
    assert results.total == 4, "a listing without a point is not in a distance sort"
    distances = [hit.distance_km for hit in results.hits]
    assert distances == pytest.approx([0.5, 0.99, 1.01, 5.0], abs=0.002)
    page = placed.search(SearchQuery(near=SEOUL_HALL, sort="distance", offset=2, limit=1))
    assert _ids(page) == ["south"]
    within = placed.search(SearchQuery(near=SEOUL_HALL, radius_km=1.0, sort="distance"))
    assert _ids(within) == ["north", "east"]


def test_near_without_distance_sort_still_reports_distances(placed):
    results = placed.search(SearchQuery(text="공구대여소", near=SEOUL_HALL, sort="newest"))
    assert _ids(results) == ["south", "nowhere", "west"]
    assert [hit.distance_km for hit in results.hits] == [
        pytest.approx(1.01, abs=0.002), None, pytest.approx(5.0, abs=0.002)]


def test_bounding_box_filter(placed):
    box = BoundingBox(south=SEOUL_HALL.lat - 0.1 * _KM_LAT, west=SEOUL_HALL.lon - _KM_LON,
                      north=SEOUL_HALL.lat + _KM_LAT, east=SEOUL_HALL.lon + _KM_LON)
    assert sorted(_ids(placed.search(SearchQuery(bbox=box)))) == ["east", "north"]
    across = BoundingBox(south=-90, west=170, north=90, east=-170)  # across the antimeridian
    assert placed.search(SearchQuery(bbox=across)).total == 0


SEOUL = ZoneInfo("Asia/Seoul")


@pytest.mark.parametrize(("moment", "expected"), [
    (datetime(2026, 2, 10, 10, 0, tzinfo=SEOUL), {"north", "south"}),  # a Tuesday morning
    (datetime(2026, 2, 10, 18, 0, tzinfo=SEOUL), {"east", "south"}),  # north closes at 18:00
    (datetime(2026, 2, 11, 1, 55, tzinfo=SEOUL), {"east", "south"}),  # past midnight
    (datetime(2026, 2, 11, 2, 0, tzinfo=SEOUL), {"south"}),
    (datetime(2026, 2, 15, 23, 30, tzinfo=SEOUL), {"east", "south", "west"}),  # Sunday night
    (datetime(2026, 2, 16, 1, 0, tzinfo=SEOUL), {"east", "south", "west"}),  # … into Monday
    (datetime(2026, 2, 9, 23, 59, tzinfo=SEOUL), {"east", "south"}),  # 24:00 closes at midnight
    (datetime(2026, 2, 10, 1, 0, tzinfo=UTC), {"north", "south"}),  # 10:00 in Seoul
    (datetime(2026, 2, 10, 10, 0), {"north", "south"}),  # naive: Seoul wall-clock time
    (datetime(2026, 2, 17, 10, 0, tzinfo=SEOUL), {"south"}),  # 설날: north closes on holidays
    (datetime(2026, 3, 2, 10, 0, tzinfo=SEOUL), {"south"}),  # substitute holiday
], ids=["tue-10", "tue-18", "wed-0155", "wed-0200", "sun-2330", "mon-0100", "mon-2359",
        "utc", "naive", "seollal", "substitute-holiday"])
def test_open_at(placed, moment, expected):
    results = placed.search(SearchQuery(open_at=moment, facets=("kind",)))
    assert set(_ids(results)) == expected, moment.isoformat()
    assert results.total == len(expected)


def test_newest_sort_and_relevance_ties_broken_by_newest(placed):
    newest = placed.search(SearchQuery(text="시청", sort="newest"))
    assert _ids(newest) == ["east", "south", "north"]
    # 시청 동쪽/북쪽 회의실 score the same on 회의실; east was first seen more recently
    tied = placed.search(SearchQuery(text="회의실"))
    assert _ids(tied) == ["east", "north"]
    no_text = placed.search(SearchQuery())
    assert _ids(no_text) == ["east", "south", "north", "nowhere", "west"]


def test_paging_is_stable_for_every_sort(placed):
    for sort in ("relevance", "newest", "distance"):
        query = {"text": "", "near": SEOUL_HALL, "sort": sort}
        whole = _ids(placed.search(SearchQuery(**query, limit=10)))
        pages = [_ids(placed.search(SearchQuery(**query, limit=2, offset=o))) for o in (0, 2, 4)]
        assert sum(pages, []) == whole, sort


def test_rebuild_removes_versions_a_killed_rebuild_left(tmp_path, index):
    versions = tmp_path / "index" / "versions"
    half_written = versions / "v1"  # as a rebuild killed before its swap leaves it
    half_written.mkdir()
    (half_written / "meta.json").write_text("{", encoding="utf-8")
    reader = TantivyIndex(tmp_path / "index", category_words())
    assert reader.count() == 4
    assert half_written.exists(), "opening never removes folders: a rebuild may be writing"
    index.rebuild(LISTINGS, change_seq=2)
    assert [p.name for p in versions.iterdir()] == [(tmp_path / "index" / "CURRENT")
                                                    .read_text(encoding="utf-8")]
    assert reader.count() == 4
    reader.close()


@pytest.mark.parametrize("weekly", [
    [(WEEKDAYS, "09:00", "18:00"), (["sat"], "10:30", "13:00")],
    [(EVERY_DAY, "18:00", "02:00")],
    [(["sun"], "22:00", "02:00"), (["mon"], "00:00", "24:00")],
    [(EVERY_DAY, "00:00", "00:00")],
    [(["wed"], "09:00", "12:00"), (["wed"], "11:00", "15:05")],
], ids=["weekdays+sat", "overnight", "sunday-wrap", "equal-times", "overlapping"])
def test_open_slots_agree_with_open_now_at_every_slot_of_a_week(weekly):
    hours = Hours(text=None, weekly=[WeeklyHours(days=d, opens=o, closes=c)
                                     for d, o, c in weekly])
    terms = set(open_interval_terms(hours.weekly))
    monday = datetime(2026, 2, 9, tzinfo=ZoneInfo("Asia/Seoul"))  # a week with no holiday
    for slot in range(7 * 24 * 12):
        moment = monday + timedelta(minutes=5 * slot)
        indexed = bool(terms & set(open_moment_terms(moment)))
        assert indexed == is_open(hours, moment, closed_on_holidays=False), moment.isoformat()


def test_circle_covers_are_exact():
    rng = random.Random(11)
    for _ in range(100):
        center = GeoPoint(rng.uniform(-60, 60), rng.uniform(-180, 180))
        radius = rng.choice([0.05, 0.4, 2.0, 9.0, 80.0, 900.0]) * rng.uniform(0.6, 1.4)
        cover = cover_circle(center, radius)
        assert cover is not None
        inside, edge = set(cover.inside), set(cover.edge)
        box = bbox_around(center, radius)
        east = box.east + 360 if box.east < box.west else box.east
        for _ in range(40):
            lat, lon = rng.uniform(box.south, box.north), rng.uniform(box.west, east)
            lon = (lon + 180) % 360 - 180
            distance = haversine_km(center.lat, center.lon, lat, lon)
            cells = set(cell_ids(lat, lon))
            if cells & inside:
                assert distance <= radius, (center, radius, lat, lon)
            if distance <= radius:
                assert cells & (inside | edge), (center, radius, lat, lon)
    assert cover_circle(GeoPoint(89.0, 0.0), 500.0) is None, "a circle over a pole"
