"""XLSX workbooks: the header under a title row, typed cells as text, sheets by name, the
zip-bomb and entity guards, format detection, and the district inventory workbook served by
the sample platform on loopback."""

from __future__ import annotations

import io
import warnings
import zipfile
from collections.abc import Iterator
from datetime import date, datetime, time, timedelta

import httpx
import openpyxl
import pytest

from normalizer import ParseError, Source, detect_kind, parse_document
from normalizer.columns import NORMALIZED
from normalizer.xlsx_file import MAX_UNCOMPRESSED_BYTES, cell_text, parse_xlsx
from sample_platforms import SamplePlatforms
from sample_platforms.inventory_platform import INVENTORY_PATH, XLSX_TYPE
from tests.conftest import FIXTURE_SOURCES, NOW, read_fixture

XLSX = FIXTURE_SOURCES["xlsx"]
HEADER = ["시설명", "주소", "운영시간", "이용료"]


def _workbook(*sheets: tuple[str, list[list[object]]]) -> bytes:
    workbook = openpyxl.Workbook()
    workbook.remove(workbook.active)  # type: ignore[arg-type]
    for title, rows in sheets:
        sheet = workbook.create_sheet(title)
        for row in rows:
            sheet.append(row)
    body = io.BytesIO()
    workbook.save(body)
    return body.getvalue()


def _rezip(body: bytes, change: dict[str, bytes]) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(body)) as source, zipfile.ZipFile(out, "w") as target:
        for entry in source.infolist():
            target.writestr(entry, change.get(entry.filename, source.read(entry)))
    return out.getvalue()


@pytest.mark.parametrize(("value", "text"), [
    (None, ""), (True, "Y"), (False, "N"), (30000, "30000"), (15000.0, "15000"),
    (37.5062, "37.5062"), (datetime(2026, 10, 31), "2026-10-31"),
    (datetime(2026, 10, 31, 9, 30), "2026-10-31 09:30"), (date(2025, 9, 15), "2025-09-15"),
    (time(9, 0), "09:00"), (timedelta(hours=2, minutes=30), "02:30"), ("  망치 ", "망치"),
], ids=["empty", "true", "false", "int", "whole-float", "float", "date-cell", "datetime-cell",
        "date", "time-cell", "duration", "text"])
def test_cells_read_as_the_sheet_shows_them(value, text):
    assert cell_text(value) == text


def test_header_is_found_under_the_title_row_and_typed_cells_become_text():
    result = parse_xlsx(read_fixture("xlsx", "title_row.xlsx"), XLSX, NOW)
    report = result.report
    assert [li.title for li in result.listings] == [
        "역삼1동 주민센터 공유회의실", "강남구민회관 다목적홀", "대치2동 주민센터 스터디룸",
        "개포4동 주민센터 공유주방"]
    assert report.mapping_confidence["시설 명"] == NORMALIZED
    assert report.mapped_fields["운영시간(평일)"] == "weekday_hours"
    assert report.notes == ["row 9 skipped: nothing in the mapped columns "
                            "(a note under the table?)"]
    hall = result.listings[1]
    assert (hall.fee.free, hall.fee.min_krw, hall.capacity) == (False, 50000, 120), \
        "a TRUE cell is 유료, an int cell an amount, a number of people"
    assert hall.hours.text == "평일 09:00~22:00, 주말 09:00~17:00", "time cells become HH:MM"
    study = result.listings[2]
    assert study.source_updated_at == datetime.fromisoformat("2025-09-15T00:00:00+00:00")
    assert (study.fee.free, study.fee.text) == (True, "무료")


def test_sheet_by_name_or_index_and_a_missing_sheet():
    body = _workbook(("안내", [["이 파일은 …"]]),
                     ("목록", [HEADER, ["성북구민회관 회의실", "서울특별시 성북구 화랑로 63",
                                      "평일 09:00~18:00", "무료"]]))
    for wanted in ("목록", 1):
        source = XLSX.model_copy(update={"params": {"sheet": wanted}})
        assert [li.title for li in parse_xlsx(body, source, NOW).listings] == [
            "성북구민회관 회의실"]
    with pytest.raises(ParseError, match="no name column"):
        parse_xlsx(body, XLSX, NOW)
    with pytest.raises(ParseError, match=r"no sheet '없는시트' in the workbook \(sheets: 안내"):
        parse_xlsx(body, XLSX.model_copy(update={"params": {"sheet": "없는시트"}}), NOW)


def test_openpyxl_warnings_do_not_fail_the_parse_nor_leak_filters():
    bare_styles = b'<styleSheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"/>'
    body = _rezip(read_fixture("xlsx", "title_row.xlsx"), {"xl/styles.xml": bare_styles})
    with pytest.warns(UserWarning, match="no stylesheet"):
        openpyxl.load_workbook(io.BytesIO(body), read_only=True).close()
    before = list(warnings.filters)
    assert len(parse_xlsx(body, XLSX, NOW).listings) == 4, "runs under filterwarnings=error"
    assert warnings.filters == before


def test_zip_bomb_is_refused_before_openpyxl_reads_it():
    body = io.BytesIO()
    with zipfile.ZipFile(body, "w", zipfile.ZIP_DEFLATED, compresslevel=1) as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("xl/workbook.xml", "<workbook/>")
        with archive.open("xl/worksheets/sheet1.xml", "w", force_zip64=True) as sheet:
            for _ in range(MAX_UNCOMPRESSED_BYTES // (1 << 20) + 1):
                sheet.write(b" " * (1 << 20))
    assert len(body.getvalue()) < 2 * 1024 * 1024, "a small download…"
    with pytest.raises(ParseError, match="refused as a possible zip bomb"):
        parse_xlsx(body.getvalue(), XLSX, NOW)


def test_archive_with_too_many_parts_is_refused():
    body = io.BytesIO()
    with zipfile.ZipFile(body, "w") as archive:
        for n in range(1001):
            archive.writestr(f"xl/part{n}.xml", "")
    with pytest.raises(ParseError, match="more than 1,000"):
        parse_xlsx(body.getvalue(), XLSX, NOW)


def test_entity_declarations_in_sheet_xml_are_refused():
    body = read_fixture("xlsx", "title_row.xlsx")
    with zipfile.ZipFile(io.BytesIO(body)) as archive:
        sheet = archive.read("xl/worksheets/sheet1.xml")
    laughs = (b'<!DOCTYPE worksheet [<!ENTITY a "lol"><!ENTITY b "&a;&a;&a;&a;&a;">]>'
              + sheet.replace(b"&#44053;&#45224;&#44396;", b"&b;", 1))
    with pytest.raises(ParseError, match="EntitiesForbidden"):
        parse_xlsx(_rezip(body, {"xl/worksheets/sheet1.xml": laughs}), XLSX, NOW)


@pytest.mark.parametrize(("body", "message"), [
    (b"not a zip at all", "not an XLSX workbook"),
    (_rezip(_workbook(("s", [HEADER])), {}), "has a header but no rows"),
], ids=["not-a-zip", "header-only"])
def test_documents_that_are_not_readable_workbooks(body, message):
    with pytest.raises(ParseError, match=message):
        parse_xlsx(body, XLSX, NOW)


def test_zip_without_a_workbook():
    body = io.BytesIO()
    with zipfile.ZipFile(body, "w") as archive:
        archive.writestr("readme.txt", "hello")
    with pytest.raises(ParseError, match="without xl/workbook.xml"):
        parse_xlsx(body.getvalue(), XLSX, NOW)


WORKBOOK = read_fixture("xlsx", "title_row.xlsx")
DETECTIONS = [
    (WORKBOOK, "data.xlsx", "application/octet-stream", "xlsx"),
    (WORKBOOK, "download.do", XLSX_TYPE, "xlsx"),
    (WORKBOOK, "", "", "xlsx"),
    (read_fixture("csv", "seongbuk_utf8.csv"), "list.csv", "", "csv"),
    (read_fixture("rss", "atom_rooms.xml"), "", "application/atom+xml", "rss"),
    (read_fixture("json_feed", "plain_v1.json"), "feed.json", "application/json", "json_feed"),
    (read_fixture("json_feed", "plain_v1.json"), "", "", "json_feed"),
]


@pytest.mark.parametrize(("body", "name", "content_type", "kind"), DETECTIONS,
                         ids=["xlsx-by-name", "xlsx-by-media-type", "xlsx-by-content", "csv",
                              "atom", "json-feed", "json-feed-by-content"])
def test_detect_kind(body, name, content_type, kind):
    assert detect_kind(body, name=name, content_type=content_type) == kind


@pytest.mark.parametrize(("body", "message"), [
    (_rezip(WORKBOOK, {}).replace(b"xl/workbook.xml", b"xl/notebook.xml"), "ZIP archive"),
    (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 100, "legacy .xls"),
], ids=["other-zip", "legacy-xls"])
def test_detect_kind_refuses_other_binaries(body, message):
    with pytest.raises(ParseError, match=message):
        detect_kind(body, name="download.do")


# --- the district inventory workbook on the sample platform ----------------------------

@pytest.fixture(scope="module")
def platforms() -> Iterator[SamplePlatforms]:
    with SamplePlatforms(host="127.0.0.1", port=0) as running:
        yield running


def test_sample_inventory_workbook_gives_one_listing_per_lending_point(platforms):
    definition = next(s for s in platforms.sources() if s["id"] == "songpa-tools")
    with httpx.Client(trust_env=False, timeout=10) as client:
        response = client.get(str(definition["url"]))
        again = client.get(platforms.url(INVENTORY_PATH),
                           headers={"If-None-Match": response.headers["etag"]})
    assert response.headers["content-type"] == XLSX_TYPE
    assert again.status_code == 304, "the workbook's bytes (and ETag) are stable"
    kind = detect_kind(response.content, name=INVENTORY_PATH,
                       content_type=response.headers["content-type"])
    assert kind == definition["kind"] == "xlsx"
    result = parse_document(response.content, Source(**definition), NOW)
    assert result.report.invalid == 0, result.report.errors
    assert len(result.listings) >= 8, "≥ 8 동"
    for listing in result.listings:
        assert 4 <= len(listing.items) <= 6, (listing.title, listing.items)
        assert (listing.loan_period_days, listing.fee.free) == (3, True)
        assert listing.location.district_code == "11710"
        assert listing.category == "item.tools"
        assert listing.tags, "the 동 is kept as a tag"
    assert result.report.notes[0].endswith(f"grouped into {len(result.listings)} lending points")
