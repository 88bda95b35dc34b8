"""District resolution from addresses in the forms real data uses, from coordinates, and
from a source's declared district; English names and representative points."""

from __future__ import annotations

import csv
import json
from pathlib import Path

import pytest

from normalizer import RawRecord, Source
from normalizer.assemble import assemble_listing
from normalizer.district_geometry import load_seoul_geometry
from normalizer.gazetteer import english_district_name, load_gazetteer, romanize
from tests.conftest import NOW

REFERENCE = Path(__file__).resolve().parents[2] / "shared" / "reference"
SAMPLES = REFERENCE / "samples"
SEOUL_GEOJSON = Path(__file__).resolve().parents[1] / "normalizer" / "data" / \
    "seoul_municipalities_geo_simple.json"


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
    # Real addresses from ../shared/reference/samples: trailing spaces, building names and
    # floors, a 지번 address, a 시도 short name, a dong in brackets.
    ("서울특별시 성북구 동소문로26길 27 ", "11290"),
    ("서울특별시 성북구 정릉로48길 35 서라벌아파트 3층", "11290"),
    ("서울특별시 성북구 정릉4동 244-6", "11290"),
    ("충남 예산군 삽교읍 예학로 10-22 2층 충남문화관광재단", "44810"),
    ("인천 부평구 체육관로 60 (삼산동)", "28237"),
    ("경기도 과천시 참마을로 9", "41290"),
    # Other common forms: a postal code first, a glued 시도 or city, a city without its 구.
    ("(02880) 서울특별시 성북구 성북로 37", "11290"),
    ("[02880] 서울 성북구 성북로 37", "11290"),
    ("서울특별시성북구 성북로 37", "11290"),
    ("경기도 성남시분당구 불정로 90", "41135"),
    ("경기도 수원시 팔달구 효원로 241", "41115"),
    ("경기도 수원시 경수대로 1", "41110"),
    ("분당구 불정로 90", "41135"),
    ("제주시 문연로 6", "50110"),
    ("제주특별자치도 서귀포시 중정로 105", "50130"),
    ("강원특별자치도 강릉시 강릉대로 33", "51150"),
    ("전북특별자치도 전주시 덕진구 기린대로 1", "52113"),
    ("부산광역시 해운대구 중동2로 11", "26350"),
    ("경기 광주시 오포읍 양촌길 1", "41610"),
    ("광주시 오포읍 양촌길 1", "41610"),  # not 광주광역시: no district of it follows
    ("광주 북구 우치로 77", "29170"),
    ("세종시 보듬3로 60", "36110"),
    ("마포구청 (서울 마포구 월드컵로 212)", "11440"),
    # Since 2020: 부천's restored 구 (2024) and the 2026 인천 reorganization.
    ("경기도 부천시 원미구 길주로 210", "41192"),
    ("인천광역시 제물포구 제물량로 232번길 46", "28125"),
    ("인천광역시 동구 송림로 1", "28125"),
    ("인천광역시 중구 공항로 272", "28155"),
    ("인천광역시 중구 운서동 2850", "28155"),
    ("인천광역시 중구 신포로 27", "28125"),
    ("인천광역시 서구 청라커낼로 100", "28275"),
    ("인천광역시 서구 마전동 100", "28290"),
    ("인천 영종구 영종대로 1", "28155"),
    ("전남광주통합특별시 북구 우치로 77", "29170"),
    ("전남광주통합특별시 목포시 양을로 203", "46110"),
    # English names, as the issue asks and as English addresses write them.
    ("Seongbuk-gu", "11290"),
    ("Seoul Seongbuk-gu", "11290"),
    ("seongbuk gu, seoul", "11290"),
    ("37 Seongbuk-ro, Seongbuk-gu, Seoul, Republic of Korea", "11290"),
    ("Jung-gu, Seoul", "11140"),
    ("Jung-gu, Busan", "26110"),
    ("Jangan-gu, Suwon-si, Gyeonggi-do", "41111"),
    ("Gwacheon-si", "41290"),
    ("Haeundae-gu, Busan", "26350"),
    ("Nam-gu, Incheon", "28177"),
    ("Sejong", "36110"),
], ids=lambda v: v)
def test_resolve_address(address, code):
    district = load_gazetteer().resolve_address(address)
    assert district is not None, f"{address!r} resolved to nothing"
    assert district.code == code, f"{address!r} → {district.code} {district.name}"
    assert district.sido_code == code[:2]


def test_ambiguous_name_needs_a_sido():
    gazetteer = load_gazetteer()
    assert gazetteer.resolve_address("중구 세종대로 110") is None
    district = gazetteer.resolve_address("중구 세종대로 110", default_sido="11")
    assert district is not None
    assert district.code == "11140"
    assert gazetteer.resolve_address("Jung-gu") is None, "Jung-gu is in six cities"
    english = gazetteer.resolve_address("Jung-gu", default_sido="30")
    assert english is not None
    assert english.code == "30140"


def test_no_district_named():
    assert load_gazetteer().resolve_address("세종대로 110") is None
    assert load_gazetteer().resolve_address("") is None
    assert load_gazetteer().resolve_address(None) is None
    assert load_gazetteer().resolve_address("Seongbuk-ro 37") is None, "a road is no district"


def test_an_address_naming_only_a_sido_says_so():
    match = load_gazetteer().match_address("서울특별시 세종대로 110")
    assert (match.district, match.sido_code) == (None, "11")


@pytest.mark.parametrize(("address", "successors"), [
    ("인천광역시 중구 어느로 1", "제물포구 and 영종구"),
    ("인천광역시 서구 검암동 1", "서해구 and 검단구"),  # 검암동 straddles the new line
], ids=["jung-gu", "seo-gu"])
def test_a_split_district_without_a_hint_is_unresolved_with_a_reason(address, successors):
    match = load_gazetteer().match_address(address)
    assert match.district is None
    assert match.sido_code == "28"
    assert match.note is not None
    assert successors in match.note


def test_former_code_follows_rename():
    district = load_gazetteer().get("28170")
    assert district is not None
    assert district.short_name == "미추홀구"


@pytest.mark.parametrize(("old", "new"), [
    ("42110", "51110"),  # 강원 42 → 51
    ("45111", "52111"),  # 전북 45 → 52
    ("47720", "27720"),  # 군위군 → 대구
    ("41195", "41192"),  # 부천 원미구, restored with a new code
    ("28140", "28125"),  # 인천 동구 → 제물포구
], ids=lambda v: v)
def test_old_codes_lead_to_the_current_district(old, new):
    district = load_gazetteer().get(old)
    assert district is not None
    assert district.code == new


def test_a_split_code_has_no_single_district_but_names_its_successors():
    gazetteer = load_gazetteer()
    assert gazetteer.get("28110") is None
    assert {d.code for d in gazetteer.successors("28110")} == {"28125", "28155"}
    assert {d.code for d in gazetteer.successors("28260")} == {"28275", "28290"}


def test_every_sido_and_district_has_korean_and_english_names():
    gazetteer = load_gazetteer()
    assert len(gazetteer.sidos) == 17
    assert len(gazetteer.districts) == 265, "every current 시군구 (and 세종)"
    for code, sido in gazetteer.sidos.items():
        assert sido.name, code
        assert sido.name_en, code
    for code, district in gazetteer.districts.items():
        assert district.name.split(" ")[0] in {s.name for s in gazetteer.sidos.values()}, code
        assert district.name_en, code
        assert district.name_en.isascii(), code


def _seoul_features() -> list[dict[str, str]]:
    document = json.loads(SEOUL_GEOJSON.read_text(encoding="utf-8"))
    return [feature["properties"] for feature in document["features"]]


@pytest.mark.parametrize("feature", _seoul_features(), ids=lambda f: f["SIG_ENG_NM"])
def test_romanization_gives_seouls_official_english_names(feature):
    assert english_district_name(feature["SIG_KOR_NM"]) == feature["SIG_ENG_NM"]
    assert load_gazetteer().districts[feature["SIG_CD"]].name_en == feature["SIG_ENG_NM"]


@pytest.mark.parametrize(("korean", "english"), [
    ("강릉시", "Gangneung-si"),       # ㅇ + ㄹ → ng-n
    ("울릉군", "Ulleung-gun"),        # ㄹ + ㄹ → ll
    ("덕양구", "Deogyang-gu"),        # a final carried into the next vowel
    ("상록구", "Sangnok-gu"),
    ("철원군", "Cheorwon-gun"),
    ("의령군", "Uiryeong-gun"),
    ("해운대구", "Haeundae-gu"),
    ("부산진구", "Busanjin-gu"),      # no assimilation across the unit's hyphen
    ("마산합포구", "Masanhappo-gu"),
    ("수원시 장안구", "Jangan-gu, Suwon-si"),
    ("세종특별자치시", "Sejong"),
], ids=lambda v: v)
def test_english_names_of_districts_outside_seoul(korean, english):
    assert english_district_name(korean) == english


@pytest.mark.parametrize(("hangul", "roman"), [
    ("신라", "silla"), ("백령", "baengnyeong"), ("독립", "dongnip"), ("왕십리", "wangsimni"),
    ("묵호", "mukho"), ("설날", "seollal"), ("종로", "jongno"),
], ids=lambda v: v)
def test_romanize_writes_the_assimilations_rr_writes(hangul, roman):
    assert romanize(hangul) == roman


def test_every_district_but_four_has_a_representative_point_inside_korea():
    districts = load_gazetteer().districts.values()
    missing = sorted(d.code for d in districts if d.point is None)
    assert missing == ["43111", "43112", "43113", "43114"], "청주's 구, redrawn in 2014"
    for district in districts:
        if district.point is not None:
            lat, lon = district.point
            assert 33.0 <= lat <= 38.7, district.code
            assert 124.5 <= lon <= 131.0, district.code


def test_seoul_points_are_centroids_inside_their_own_district():
    gazetteer = load_gazetteer()
    for code in load_seoul_geometry().shapes:
        point = gazetteer.districts[code].point
        assert point is not None
        district = gazetteer.resolve_point(*point)
        assert district is not None
        assert district.code == code


def test_every_row_of_the_real_seongbuk_file_lies_in_seongbuk():
    with (SAMPLES / "seoul_seongbuk_tool_rental_20250312.csv").open(encoding="utf-8") as f:
        rows = list(csv.DictReader(f))
    found = {load_gazetteer().resolve_point(float(r["위도"]), float(r["경도"])) for r in rows}
    assert {d.code if d else None for d in found} == {"11290"}


@pytest.mark.parametrize(("lat", "lon", "code"), [
    (37.5705, 126.9704, "11110"),  # 서울역사박물관 (real yeyak row): 종로구
    (37.5547, 126.9707, "11170"),  # 서울역: 용산구
    (37.5172, 127.0473, "11680"),  # 강남구청
    (37.4292, 126.9876, None),     # 과천시청: outside Seoul's boundaries
    (35.1796, 129.0756, None),     # 부산시청
], ids=["jongno", "yongsan", "gangnam", "gwacheon", "busan"])
def test_resolve_point(lat, lon, code):
    district = load_gazetteer().resolve_point(lat, lon)
    assert (district.code if district else None) == code


@pytest.mark.parametrize(("code", "lat", "lon", "conflict"), [
    ("11290", 37.59105, 127.00325, None),          # 성북동주민센터 in 성북구
    ("11290", 37.5172, 127.0473, "in district 11680"),
    ("11110", 37.5705, 126.9704, None),
    ("41290", 37.5705, 126.9704, "in district 11110"),  # 과천 cannot be in 종로
    ("41290", 37.4292, 126.9876, None),            # no boundary known outside Seoul
], ids=["inside", "other-seoul-district", "jongno", "outside-seoul-claimed", "unknown"])
def test_point_conflict(code, lat, lon, conflict):
    found = load_gazetteer().point_conflict(code, lat, lon)
    assert (found is None) == (conflict is None), found
    if conflict:
        assert conflict in found


SOURCE = Source(id="s", name="구청", kind="csv", url="file:x", district_code="11440")


def _location(**fields):
    listing = assemble_listing(RawRecord("1", "공구대여소", **fields), SOURCE, NOW)
    return listing.location, listing.quality.issues


def test_district_from_coordinates_when_the_address_names_none():
    location, issues = _location(address="세종대로 110", lat="37.5705", lon="126.9704")
    assert (location.district_code, location.district_name) == ("11110", "종로구")
    assert not [i for i in issues if "district" in i and "differs" in i]


def test_address_and_coordinates_disagreeing_is_an_issue_not_a_crash():
    location, issues = _location(address="서울특별시 성북구 성북로 37", lat="37.5172",
                                 lon="127.0473")
    assert location.district_code == "11290", "the address wins"
    assert "coordinates lie in district 11680, not in district 11290" in issues


def test_the_source_district_is_the_last_resort():
    location, issues = _location(address="월드컵로 212")
    assert location.district_code == "11440"
    assert location.sido_code == "11"
    assert not [i for i in issues if "differs" in i]


def test_swapped_coordinates_are_put_right():
    location, issues = _location(address="서울 마포구 월드컵로 212", lat="126.9019",
                                 lon="37.5663")
    assert (location.lat, location.lon) == (37.5663, 126.9019)
    assert "latitude and longitude swapped at the source" in issues


def test_a_split_district_is_a_quality_issue():
    location, issues = _location(address="인천광역시 중구 어느로 1")
    assert location.district_code is None, "the source's 마포구 is in another 시도"
    assert location.sido_code == "28"
    assert any("was split on 2026-07-01" in issue for issue in issues), issues
    assert "address 시도 28 differs from the source's 11440" in issues
