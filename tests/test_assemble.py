"""assemble_listing: the one path from a RawRecord to a Listing."""

from __future__ import annotations

import pytest

from normalizer import InvalidListing, RawRecord, Source
from normalizer.assemble import assemble_listing
from tests.conftest import NOW

SOURCE = Source(id="s", name="플랫폼", kind="csv", url="file:x", district_code="11440")


def test_exact_category_code_wins_over_keywords():
    raw = RawRecord("1", "텐트가 있는 회의실", category="space.meeting_room")
    assert assemble_listing(raw, SOURCE, NOW).category == "space.meeting_room"
    unknown = RawRecord("2", "캠핑텐트", category="space.nonexistent")
    assert assemble_listing(unknown, SOURCE, NOW).category == "item.camping"


def test_record_district_code_used_when_the_address_names_none():
    raw = RawRecord("1", "공구대여소", address="도봉로 552", district_code="11320")
    location = assemble_listing(raw, SOURCE, NOW).location
    assert (location.district_code, location.district_name) == ("11320", "도봉구")


def test_address_disagreeing_with_the_source_is_a_quality_issue_not_a_crash():
    raw = RawRecord("1", "공구대여소", address="서울특별시 강남구 테헤란로 1")
    listing = assemble_listing(raw, SOURCE, NOW)
    assert listing.location.district_code == "11680"
    assert "address district 11680 differs from the source's 11440" in listing.quality.issues


def test_coordinates_outside_korea_are_dropped():
    raw = RawRecord("1", "공구대여소", address="서울 마포구 1", lat="0", lon="0")
    listing = assemble_listing(raw, SOURCE, NOW)
    assert listing.location.lat is None
    assert "coordinates outside Korea ignored" in listing.quality.issues


@pytest.mark.parametrize("title", [None, "", "   ", "<p> </p>"], ids=repr)
def test_no_title_is_an_invalid_record(title):
    with pytest.raises(InvalidListing, match="no title"):
        assemble_listing(RawRecord("1", title), SOURCE, NOW)
