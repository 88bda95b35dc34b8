"""Column names → hub fields (with confidence), header detection, what the standard dataset's
columns compose into, one-row-per-item inventories, and CSV rows that do not fit."""

from __future__ import annotations

import pytest

from normalizer import ParseError, Source, csv_file, parse_document
from normalizer.columns import (
    EXACT,
    KEYWORD,
    NORMALIZED,
    compose_record,
    find_header_row,
    map_header,
    match_column,
)
from normalizer.csv_file import parse_csv
from normalizer.hours import parse_hours
from normalizer.inventory_rows import group_inventory, parse_quantity
from tests.conftest import FIXTURE_SOURCES, NOW, read_fixture

CSV = FIXTURE_SOURCES["csv"]

# Every spelling seen in the national standard (SOURCES.md §2.1, Korean and English labels),
# in real district files (§3.3), and the forms people type (spaces, brackets, suffixes).
SPELLINGS = [
    # 전국공공시설개방정보표준데이터: the 26 columns and the usual standard-dataset tail
    ("개방시설명", "title", EXACT), ("개방장소명", "place_name", EXACT),
    ("개방시설유형구분", "category_label", EXACT), ("휴관일", "closed_days", EXACT),
    ("평일운영시작시각", "weekday_opens", EXACT), ("평일운영종료시각", "weekday_closes", EXACT),
    ("주말운영시작시각", "weekend_opens", EXACT), ("주말운영종료시각", "weekend_closes", EXACT),
    ("유료사용여부", "paid_flag", EXACT), ("사용기준시간", "fee_unit_time", EXACT),
    ("사용료", "fee", EXACT), ("초과사용단위시간", "overtime_unit_time", EXACT),
    ("초과사용료", "overtime_fee", EXACT), ("수용가능인원수", "capacity", EXACT),
    ("면적", "area", EXACT), ("부대시설정보", "facilities", EXACT),
    ("신청방법구분", "application_method", EXACT), ("시설사진정보", "image_url", EXACT),
    ("소재지도로명주소", "address", EXACT), ("소재지지번주소", "address_lot", EXACT),
    ("관리기관명", "provider_name", EXACT), ("담당부서명", "department", EXACT),
    ("사용안내전화번호", "phones", EXACT), ("홈페이지주소", "homepage", EXACT),
    ("위도", "lat", EXACT), ("경도", "lon", EXACT), ("데이터기준일자", "updated_at", EXACT),
    ("제공기관코드", "publisher_code", EXACT), ("제공기관명", "publisher_name", EXACT),
    ("Name of Open Facility", "title", EXACT), ("Whether Paid Use", "paid_flag", EXACT),
    ("Weekday Operation Start Time", "weekday_opens", EXACT),
    ("Usage Inquiry Phone Number", "phones", EXACT), ("Latitude", "lat", EXACT),
    ("longitude", "lon", EXACT), ("Location Street Address", "address", EXACT),
    # district 공구대여소 files: three or four names for one thing
    ("공구대여소", "title", EXACT), ("공구대여소명", "title", EXACT), ("명칭", "title", EXACT),
    ("도로명 주소", "address", NORMALIZED), ("도로명", "address", EXACT),
    ("도로명주소", "address", EXACT), ("전화번호", "phones", EXACT),
    ("연락처", "phones", EXACT), ("문의", "phones", EXACT), ("비치공구류", "items", EXACT),
    ("비치공구", "items", EXACT), ("공구보유현황", "items", EXACT), ("공구종류", "items", EXACT),
    ("대여료", "fee", EXACT), ("대여금액", "fee", EXACT), ("대여기간", "loan_period", EXACT),
    ("대여조건", "description", EXACT), ("운영요일", "hours_days", EXACT),
    ("운영시작시각", "hours_opens", EXACT), ("운영종료시각", "hours_closes", EXACT),
    ("운영시간", "hours", EXACT), ("행정동", "tags", EXACT), ("홈페이지", "homepage", EXACT),
    # one-row-per-item inventories
    ("동", "tags", EXACT), ("대여장소", "title", EXACT), ("주소", "address", EXACT),
    ("물품명", "item_name", EXACT), ("수량", "item_quantity", EXACT),
    # spaces, brackets and suffixes
    (" 공구대여소 ", "title", EXACT), ("Road Address", "address", KEYWORD),
    ("전화 번호", "phones", NORMALIZED), ("비치 공구", "items", NORMALIZED),
    ("대여료(원)", "fee", NORMALIZED), ("수량(개)", "item_quantity", NORMALIZED),
    ("운영시간(평일)", "weekday_hours", NORMALIZED),
    ("운영시간(주말)", "weekend_hours", NORMALIZED),
    ("운영 시간(시간)", "hours", NORMALIZED), ("평일 운영 시작 시각", "weekday_opens", NORMALIZED),
    ("비치공구명", "items", NORMALIZED), ("보유 공구 목록", "items", NORMALIZED),
    ("소재지_도로명주소", "address", NORMALIZED), ("홈페이지 주소", "homepage", NORMALIZED),
    ("LATITUDE", "lat", EXACT),
    # keywords inside unknown names
    ("이용 가능 시간", "hours", KEYWORD), ("이메일주소", "email", KEYWORD),
    ("대표 연락번호", "phones", KEYWORD), ("시설 관리기관", "provider_name", KEYWORD),
    ("주차 요금", "fee", KEYWORD), ("최대 수용 인원", "capacity", KEYWORD),
    ("공구 보유 수", "items", KEYWORD), ("기관명", "title", NORMALIZED),
    # spellings of the unseen district files (tests/fixtures/unseen_district_files/)
    ("사업장", "title", NORMALIZED), ("내선번호", "phones", EXACT),
    ("도구명", "item_name", EXACT), ("구분", "category_label", EXACT),
    ("점심시간", "lunch_break", EXACT), ("대여한도", "loan_limit", EXACT),
    ("설치위치", "place_detail", EXACT), ("작성기준일", "updated_at", EXACT),
]


def test_an_ambiguous_name_column_gives_way_to_a_sure_one():
    mapping = map_header(["기관명", "시설명", "주소"])
    assert {m.column for m in mapping.positions.values() if m.field == "title"} == {"시설명"}
    assert mapping.unmapped == ["기관명"]


@pytest.mark.parametrize(("name", "field", "confidence"), SPELLINGS,
                         ids=[name.strip() or repr(name) for name, _, _ in SPELLINGS])
def test_every_real_spelling_maps_to_its_field(name, field, confidence):
    match = match_column(name)
    assert match is not None, f"{name!r} should map to {field}"
    assert (match.field, match.confidence) == (field, confidence), \
        f"{name!r} → {match.field} at {match.confidence}, expected {field} at {confidence}"


DATA_CELL = "가정용 공구세트+드릴 등 생활공구 일체를 무료로 빌려드립니다 (신분증 지참)"


@pytest.mark.parametrize("name", ["연번", "No.", "순번", "", "   ", "X좌표", "팩스", DATA_CELL],
                         ids=["row-number", "no-dot", "sequence", "empty", "blank",
                              "tm-coordinate", "fax", "a-data-cell"])
def test_names_that_mean_nothing_known_are_not_mapped(name):
    assert match_column(name) is None


def test_the_more_confident_of_two_columns_wins_and_the_other_is_reported():
    mapping = map_header(["연번", "도로명 주소", "공구대여소", "주소", "비고2"])
    assert {m.column: m.field for m in mapping.positions.values()} == {
        "공구대여소": "title", "주소": "address", "비고2": "description"}
    assert mapping.unmapped == ["도로명 주소"], "the row-number column is never reported"


def test_header_is_found_below_title_rows():
    rows = [["송파구 생활공구도서관 대여 물품 현황"], ["(2026. 10. 31. 기준)"], [],
            ["연번", "동", "대여장소", "주소", "물품명", "수량"],
            ["1", "잠실본동", "잠실본동 주민센터", "서울특별시 송파구 백제고분로 227", "망치", "2"]]
    assert find_header_row(rows) == 3


def test_no_header_without_a_name_column():
    assert find_header_row([["주소", "전화번호"], ["서울특별시 종로구 종로 1", "02-1234-5678"]]) \
        is None


# --- what the standard dataset's columns compose into -----------------------------------

STANDARD_HOURS = [
    ({"weekday_opens": "09:00", "weekday_closes": "22:00", "weekend_opens": "09:00",
      "weekend_closes": "18:00"}, "평일 09:00~22:00, 주말 09:00~18:00",
     [(["mon", "tue", "wed", "thu", "fri"], "09:00", "22:00"), (["sat", "sun"], "09:00", "18:00")]),
    ({"weekday_opens": "09:00", "weekday_closes": "18:00", "weekend_opens": "00:00",
      "weekend_closes": "00:00"}, "평일 09:00~18:00",
     [(["mon", "tue", "wed", "thu", "fri"], "09:00", "18:00")]),
    ({"weekday_opens": "0900", "weekday_closes": "1800", "closed_days": "매주 월요일"},
     "화~금 09:00~18:00, 휴관일 매주 월요일", [(["tue", "wed", "thu", "fri"], "09:00", "18:00")]),
    ({"weekday_opens": "09:00", "weekday_closes": "18:00", "weekend_opens": "10:00",
      "weekend_closes": "17:00", "closed_days": "매주 일요일, 법정공휴일"},
     "평일 09:00~18:00, 토 10:00~17:00, 휴관일 매주 일요일, 법정공휴일",
     [(["mon", "tue", "wed", "thu", "fri"], "09:00", "18:00"), (["sat"], "10:00", "17:00")]),
    ({"weekday_opens": "06:00", "weekday_closes": "22:00", "closed_days": "매월 첫째 월요일"},
     "평일 06:00~22:00, 휴관일 매월 첫째 월요일",
     [(["mon", "tue", "wed", "thu", "fri"], "06:00", "22:00")]),
    ({"weekday_opens": "0.375", "weekday_closes": "0.75"}, "평일 09:00~18:00",
     [(["mon", "tue", "wed", "thu", "fri"], "09:00", "18:00")]),
    ({"weekday_hours": "09:00~18:00", "weekend_opens": "10:00", "weekend_closes": "16:30"},
     "평일 09:00~18:00, 주말 10:00~16:30",
     [(["mon", "tue", "wed", "thu", "fri"], "09:00", "18:00"), (["sat", "sun"], "10:00", "16:30")]),
]


@pytest.mark.parametrize(("values", "text", "weekly"), STANDARD_HOURS,
                         ids=["weekday-and-weekend", "weekend-00:00-means-closed",
                              "hhmm-and-closed-monday", "closed-sunday", "monthly-closure-kept",
                              "excel-day-fraction", "weekday-hours-column"])
def test_start_and_end_columns_compose_hours_that_parse(values, text, weekly):
    record = compose_record({"title": "구민회관", **values}, "")
    assert record.hours == text
    hours = parse_hours(record.hours)
    assert [(w.days, w.opens, w.closes) for w in hours.weekly] == weekly, record.hours


@pytest.mark.parametrize(("values", "free", "fee_text"), [
    ({"paid_flag": "Y", "fee": "30000", "fee_unit_time": "2"}, False, "30,000원 (기준 2시간)"),
    ({"paid_flag": "N", "fee": "0"}, True, "무료"),
    ({"paid_flag": "N"}, True, "무료"),
    ({"paid_flag": "Y"}, False, None),
    ({"free_flag": "Y"}, True, "무료"),
    ({"fee": "1000원 ~ 2000원"}, None, "1000원 ~ 2000원"),
    ({"fee": "무료", "deposit": "5000"}, None, "무료, 보증금 5,000원"),
], ids=["paid-with-unit", "free-zero", "free-no-fee", "paid-unknown-amount", "free-flag",
        "district-text", "deposit-column"])
def test_paid_flag_and_fee_columns(values, free, fee_text):
    record = compose_record({"title": "구민회관", **values}, "")
    assert (record.free, record.fee) == (free, fee_text)


def test_standard_dataset_row_becomes_one_complete_listing():
    result = parse_csv(read_fixture("csv", "standard_facilities_cp949.csv"), CSV, NOW)
    assert result.report.unmapped_fields == [], "all 29 columns of the standard are known"
    assert len(result.report.mapped_fields) == 29
    assert set(result.report.mapping_confidence.values()) == {EXACT}
    hall = result.listings[0]
    assert hall.title == "종로구민회관 대강당"
    assert (hall.fee.free, hall.fee.min_krw, hall.capacity) == (False, 150000, 300)
    assert hall.location.district_code == "11110"
    assert hall.description is not None
    assert "초과 사용료: 1시간당 50,000원" in hall.description
    free_room = result.listings[2]
    assert (free_room.fee.free, free_room.fee.text) == (True, "무료")


# --- one row per item --------------------------------------------------------------------

@pytest.mark.parametrize(("text", "expected"), [
    ("2", (2, False)), ("각 1", (1, True)), ("각1개", (1, True)), ("2(5)", (2, False)),
    ("1,200", (1200, False)), ("다수", (None, False)), (None, (None, False)),
], ids=["plain", "each", "each-with-unit", "held-of-total", "thousands", "words", "empty"])
def test_parse_quantity(text, expected):
    assert parse_quantity(text) == expected


def test_a_list_of_places_is_not_an_inventory():
    rows = [(2, {"title": "성북동주민센터", "items": "공구세트+드릴"}),
            (3, {"title": "삼선동주민센터", "items": "공구세트+드릴"})]
    assert group_inventory(rows) is None


def test_inventory_rows_group_per_lending_point():
    result = parse_csv(read_fixture("csv", "inventory_rows.csv"), CSV, NOW)
    assert [li.title for li in result.listings] == ["청림동 주민센터", "행운동 주민센터",
                                                    "낙성대동 주민센터"]
    cheongnim = {i.name: i.quantity for i in result.listings[0].items}
    assert cheongnim == {"전동드릴": 2, "전동 드릴": 1, "니퍼": 1, "펜치": 1, "드라이버 세트": 2}, \
        "names stay as published, '각 1' names each item, exact repeats fold"
    assert [i.name for i in result.listings[2].items] == ["전동드릴", "실리콘건", "글루건"], \
        "item rows with empty (merged) place cells belong to the place above"
    assert result.report.notes == ["11 rows, one per item, grouped into 3 lending points"]
    assert result.report.records == 3


# --- rows that do not fit ----------------------------------------------------------------

def test_ragged_csv_rows_are_skipped_with_a_clear_reason():
    result = parse_csv(read_fixture("csv", "ragged_rows.csv"), CSV, NOW)
    assert [li.title for li in result.listings] == ["길음1동주민센터", "월곡1동주민센터",
                                                    "장위1동주민센터"]
    assert result.report.errors[0] == (
        "line 3: 7 cells for 6 columns (a separator inside an unquoted value?)")
    assert result.report.errors[1].startswith("line 5: ")
    assert result.report.errors[1].endswith("no title (2 cells for 6 columns)")
    assert result.report.errors[2] == "line 7: duplicate of an earlier row (길음1동주민센터)"
    assert (result.report.records, result.report.invalid) == (6, 3)


@pytest.mark.parametrize(("body", "message"), [
    (b"", "empty CSV file"),
    ("주소,전화번호\n서울특별시 종로구 종로 1,02-1234-5678\n".encode(), "no name column"),
    ("공구대여소,주소\n".encode(), "has a header but no rows"),
    (b"PK\x03\x04rest-of-a-zip", "ZIP archive"),
    ("공구대여소,주소\n\"열린 따옴표,서울\n".encode() + b"x" * 140_000, "unreadable CSV"),
], ids=["empty", "no-name-column", "header-only", "xlsx-as-csv", "field-over-limit"])
def test_whole_documents_that_cannot_be_read(body, message):
    with pytest.raises(ParseError, match=message):
        parse_csv(body, CSV, NOW)


def test_row_cap_stops_huge_files(monkeypatch):
    monkeypatch.setattr(csv_file, "MAX_ROWS", 5)
    body = ("공구대여소,주소\n" + "".join(f"센터{i},서울특별시 종로구 종로 {i}\n"
                                      for i in range(6))).encode()
    with pytest.raises(ParseError, match="more than 5 rows"):
        parse_csv(body, CSV, NOW)


def test_csv_title_row_and_mapping_confidence_reach_the_report():
    body = ("마포구 공구대여소 현황\n공구대여소,도로명 주소,이용 가능 시간\n"
            "아현동주민센터,서울특별시 마포구 마포대로 217,평일 09:00~18:00\n").encode("cp949")
    result = parse_document(body, Source(id="t", name="t", kind="csv", url="file:t.csv"), NOW)
    assert result.report.mapped_fields == {"공구대여소": "title", "도로명 주소": "address",
                                           "이용 가능 시간": "hours"}
    assert result.report.mapping_confidence == {"공구대여소": EXACT, "도로명 주소": NORMALIZED,
                                                "이용 가능 시간": KEYWORD}
    assert result.listings[0].hours.weekly[0].opens == "09:00"
