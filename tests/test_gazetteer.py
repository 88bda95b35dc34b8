"""District resolution from addresses in the forms real data uses."""

from __future__ import annotations

import pytest

from normalizer.gazetteer import load_gazetteer


@pytest.mark.parametrize(("address", "code"), [
    ("서울특별시 성북구 성북로 37", "11290"),
    ("서울 성북구 보문로 190", "11290"),
    ("Seoul 성북구", "11290"),
    ("성북구 정릉로 48길", "11290"),
    ("경기도 과천시 통영로 5", "41290"),
    ("경기 수원시 장안구 정자동 111", "41111"),
    ("인천광역시 남구 주안동", "28177"),
    ("인천 미추홀구 석정로", "28177"),
    ("강원도 춘천시 중앙로 1", "51110"),
    ("전라북도 전주시 완산구 효자동", "52111"),
    ("경상북도 군위군 군위읍", "27720"),
    ("대구직할시 중구", "27110"),
    ("세종특별자치시 한누리대로 2130", "36110"),
], ids=lambda v: v)
def test_resolve_address(address, code):
    district = load_gazetteer().resolve_address(address)
    assert district is not None
    assert district.code == code
    assert district.sido_code == code[:2]


def test_ambiguous_name_needs_a_sido():
    gazetteer = load_gazetteer()
    assert gazetteer.resolve_address("중구 세종대로 110") is None
    district = gazetteer.resolve_address("중구 세종대로 110", default_sido="11")
    assert district is not None
    assert district.code == "11140"


def test_no_district_named():
    assert load_gazetteer().resolve_address("세종대로 110") is None
    assert load_gazetteer().resolve_address("") is None


def test_former_code_follows_rename():
    district = load_gazetteer().get("28170")
    assert district is not None
    assert district.short_name == "미추홀구"
