"""Listing quality: the weighted score, its issues, and per-source summaries."""

from __future__ import annotations

from datetime import timedelta

import pytest

from index import Catalog
from normalizer.quality import (
    MAX_PROBLEM_PENALTY,
    PROBLEM_PENALTY,
    has_road_address,
    issue_kind,
    score_listing,
    source_quality,
)
from normalizer.schema import Contact, Fee, Hours, Location, Quality, Source, WeeklyHours
from tests.conftest import NOW
from tests.factories import make_listing

COMPLETE = make_listing(
    "1", "성북동 공구대여소", description="가정용 공구세트와 드릴",
    location=Location(address="서울특별시 성북구 성북로 37", sido_code="11",
                      district_code="11290", district_name="성북구", lat=37.59, lon=127.0),
    hours=Hours(text="월~금 09:00~18:00", weekly=[
        WeeklyHours(days=["mon", "tue", "wed", "thu", "fri"], opens="09:00", closes="18:00")]),
    fee=Fee(free=True, text="무료"), contact=Contact(phones=["02-2241-5029"]),
    booking_url="https://example.org/book", image_url="https://example.org/a.jpg",
    source_updated_at=NOW - timedelta(days=30))


def test_a_complete_listing_scores_100_without_issues():
    assert score_listing(COMPLETE, NOW) == Quality(score=100, issues=[])


@pytest.mark.parametrize(("change", "lost", "issue"), [
    ({"location": COMPLETE.location.model_copy(update={"lat": None, "lon": None})}, 15,
     "no coordinates"),
    ({"location": COMPLETE.location.model_copy(update={"district_code": None})}, 15,
     "no district"),
    ({"location": COMPLETE.location.model_copy(update={"address": None})}, 10, "no address"),
    ({"location": COMPLETE.location.model_copy(
        update={"address": "서울특별시 성북구 정릉4동 244-6"})}, 5, "no road address"),
    ({"hours": Hours(text=None, weekly=[])}, 15, "no opening hours"),
    ({"hours": Hours(text="사전 문의", weekly=[])}, 15, "opening hours not understood"),
    ({"fee": Fee(free=None, text=None)}, 10, "fee unknown"),
    ({"contact": Contact()}, 10, "no contact"),
    ({"booking_url": None}, 5, "no booking link"),
    ({"image_url": None}, 5, "no image"),
    ({"description": None}, 10, "no description"),
    ({"source_updated_at": None}, 5, "source update date unknown"),
    ({"source_updated_at": NOW - timedelta(days=400)}, 5,
     "not updated at the source for over a year"),
], ids=["coordinates", "district", "address", "lot-address", "hours", "hours-unread", "fee",
        "contact", "booking", "image", "description", "freshness-unknown", "stale"])
def test_each_check_costs_its_weight_and_names_its_issue(change, lost, issue):
    quality = score_listing(COMPLETE.model_copy(update=change), NOW)
    assert quality.score == 100 - lost
    assert quality.issues == [issue]


def test_a_listing_with_nothing_but_a_title_scores_zero():
    bare = COMPLETE.model_copy(update={
        "location": Location(), "hours": Hours(), "fee": Fee(), "contact": Contact(),
        "booking_url": None, "image_url": None, "description": None,
        "source_updated_at": None})
    quality = score_listing(bare, NOW)
    assert quality.score == 0
    assert len(quality.issues) == 10


def test_problems_are_listed_first_and_cost_points_up_to_a_cap():
    one = score_listing(COMPLETE, NOW, ["coordinates outside Korea ignored"])
    assert one.score == 100 - PROBLEM_PENALTY
    assert one.issues == ["coordinates outside Korea ignored"]
    many = score_listing(COMPLETE, NOW, [f"problem {n}" for n in range(10)])
    assert many.score == 100 - MAX_PROBLEM_PENALTY


def test_a_date_without_a_zone_still_counts_for_freshness():
    naive = COMPLETE.model_copy(update={"source_updated_at": (NOW - timedelta(days=3))
                                        .replace(tzinfo=None)})
    assert score_listing(naive, NOW).score == 100


@pytest.mark.parametrize(("address", "road"), [
    ("서울특별시 성북구 성북로 37", True),
    ("서울특별시 성북구 정릉로48길 35 서라벌아파트 3층", True),
    ("서울특별시 성북구 동소문로26길 27 ", True),
    ("경기도 과천시 통영로 5", True),
    ("서울특별시 중구 세종대로 110-1", True),
    ("37 Seongbuk-ro, Seongbuk-gu, Seoul", True),
    ("서울특별시 성북구 정릉4동 244-6", False),   # 지번
    ("서울특별시 종로구 종로1가 45", False),      # a 동 named after a road is still 지번
    ("서울특별시 종로구 서울역사박물관 야주개홀", False),
    (None, False),
], ids=lambda v: str(v))
def test_has_road_address(address, road):
    assert has_road_address(address) is road


def _with_issues(record_id, score, *issues):
    return make_listing(record_id, "x", quality=Quality(score=score, issues=list(issues)))


def test_source_quality_averages_and_counts_issue_kinds():
    summary = source_quality([
        _with_issues("a", 90, "no image", "category label '서울형키즈카페' unmapped"),
        _with_issues("b", 70, "no image", "category label '기타' unmapped", "no contact"),
        _with_issues("c", 80),
    ])
    assert (summary.count, summary.average, summary.lowest) == (3, 80.0, 70)
    assert summary.issue_counts == {"category label … unmapped": 2, "no image": 2,
                                    "no contact": 1}


def test_source_quality_of_nothing():
    summary = source_quality([])
    assert (summary.count, summary.average, summary.lowest, summary.issue_counts) == \
        (0, 0.0, None, {})


@pytest.mark.parametrize(("issue", "kind"), [
    ("address district 11680 differs from the source's 11440",
     "address district … differs from the source's …"),
    ("category label 'X' unmapped", "category label … unmapped"),
    ("no image", "no image"),
], ids=["district", "label", "plain"])
def test_issue_kind(issue, kind):
    assert issue_kind(issue) == kind


def test_catalog_reports_quality_by_source(tmp_path):
    catalog = Catalog(tmp_path / "catalog.sqlite3")
    try:
        for source_id, scores in (("mapo-tools", [90, 60]), ("seongbuk-tools", [100])):
            catalog.save_source(Source(id=source_id, name=source_id, kind="csv",
                                       url=f"http://x/{source_id}.csv"), NOW)
            listings = [make_listing(str(n), "x", source_id=source_id,
                                     quality=Quality(score=score, issues=["no image"]))
                        for n, score in enumerate(scores)]
            catalog.apply_run(source_id, listings, started_at=NOW, finished_at=NOW,
                              invalid=0, record_errors=[], etag=None, last_modified=None)
        by_source = catalog.quality_by_source()
    finally:
        catalog.close()
    assert list(by_source) == ["mapo-tools", "seongbuk-tools"]
    assert (by_source["mapo-tools"].average, by_source["mapo-tools"].lowest) == (75.0, 60)
    assert by_source["seongbuk-tools"].issue_counts == {"no image": 1}
