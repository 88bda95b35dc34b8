"""De-duplication keys: Korean place names, qualifiers, road addresses, phones and
distances, as normalizer/dedupe.py reduces them before comparing listings."""

from __future__ import annotations

import pytest

from normalizer.dedupe import (
    address_key,
    haversine_m,
    name_qualifiers,
    normalize_name,
    normalize_phone,
)


@pytest.mark.parametrize(("title", "district", "expected"), [
    ("아현동주민센터", "마포구", "아현동"),
    ("아현동 행정복지센터 공구대여소", None, "아현동 공구대여"),
    ("마포구청 생활공구도서관", "마포구", "마포구청 공구대여"),
    ("[공공공간] 성수1가2동 주민센터 다목적 회의실", None, "성수1가2동 다목적 회의실"),
    ("서울역사박물관 야주개홀(강당) (26. 12월)", None, "서울역사박물관 야주개홀 강당"),
    ("다목적구장 - 응봉공원(2026년)", None, "다목적구장 응봉공원"),
    ("성동구청 3층 소회의실", None, "성동구청 소회의실"),
    ("과천시민회관 종합상황실(지하2층)", None, "과천시민회관"),
    ("노원구 청소년문화의집 다목적강당", "노원구", "청소년문화의집 다목적강당"),
    ("서울특별시 시민청 태평홀 대관", None, "시민청 태평홀"),
    ("서울숲 캠핑장비 대여소", None, "서울숲 캠핑장비 대여소"),
    ("부산광역시청 대회의실", None, "부산광역시청 대회의실"),
    ("울산광역시여성회관 1층강당", None, "여성회관 강당"),
    ("2024년 <느낌 있는 박물관> 교육생 모집 안내", None, "느낌 있는 박물관 교육생 모집"),
    ("열화상 카메라 대여", None, "열화상 카메라"),
], ids=["dong-office", "welfare-centre-variant", "tool-library", "bracket-label",
        "dates-and-parens", "year", "floor", "desk-and-basement", "own-district-prefix",
        "sido-prefix-and-booking-word", "seoul-is-a-name-here", "city-hall-keeps-its-sido",
        "glued-sido-and-floor", "programme-title-stays", "rental-word"])
def test_normalize_name(title, district, expected):
    assert normalize_name(title, district) == expected


@pytest.mark.parametrize(("address", "expected"), [
    ("서울특별시 마포구 월드컵로 120 망원1동 행정복지센터 1층", "r:월드컵로 120"),
    ("서울 성동구 왕십리로 93 2층", "r:왕십리로 93"),
    ("서울특별시 성동구 왕십리로 93 (성수동1가)", "r:왕십리로 93"),
    ("성북구 흥천사길 7", "r:흥천사길 7"),
    ("서울특별시 성북구 정릉로38마길 33", "r:정릉로38마길 33"),
    ("서울특별시 영등포구 선유로 9길 10 문래창작촌 공방", "r:선유로9길 10"),
    ("부산광역시 기장군 기장읍 대청로72번길 6", "r:대청로72번길 6"),
    ("서울특별시 구로구 경인로 지하 688", "r:경인로 688"),
    ("서울특별시 성북구 정릉4동 244-6", "l:정릉4동 244-6"),
    ("울산광역시 남구 옥동 산 5", "l:옥동 5"),
    ("서울특별시 중구 서울시청 시민청 태평홀", None),
    (None, None),
], ids=["building-name-and-floor", "short-sido", "dong-in-parens", "no-sido", "ma-gil",
        "spaced-branch-road", "beon-gil", "underground", "lot", "mountain-lot",
        "place-name-only", "none"])
def test_address_key(address, expected):
    assert address_key(address) == expected


@pytest.mark.parametrize(("phone", "expected"), [
    ("02-3153-6810", "0231536810"), ("+82-2-3153-6810", "0231536810"),
    ("1661-2580", "16612580"), ("내선 12", None),
], ids=["seoul", "international", "call-centre", "too-short"])
def test_normalize_phone(phone, expected):
    assert normalize_phone(phone) == expected


@pytest.mark.parametrize(("title", "expected"), [
    ("망원1동 공구대여", {"1"}), ("충남문화관광재단 중 회의실", {"중"}),
    ("성동구청 대회의실", {"대"}), ("청년센터 오랑 회의실 a", {"a"}), ("시민청 태평홀", set()),
], ids=["dong-number", "spaced-size", "size", "room-letter", "none"])
def test_name_qualifiers(title, expected):
    assert name_qualifiers(title) == expected


def test_haversine_measures_metres():
    assert haversine_m(37.5, 127.0, 37.501, 127.0) == pytest.approx(111.2, abs=0.5)
    assert haversine_m(37.5663, 126.9019, 37.5663, 126.9019) == 0.0
