"""Open-data CSV files (district 공구대여소 lists and the like) → listings.

Real files name the same concept three or four ways and come in UTF-8, UTF-8 with a BOM
or CP949; columns are mapped by name (`_COLUMN_ALIASES`) and reported when unmapped.
"""

from __future__ import annotations

import csv
import hashlib
import io
import re
from datetime import UTC, datetime

from normalizer.assemble import assemble_listing
from normalizer.errors import InvalidListing, ParseError
from normalizer.record import ParseReport, ParseResult, RawRecord
from normalizer.schema import Source
from normalizer.text import decode_bytes

__all__ = ["parse_csv"]

# Hub field ← every column name seen for it in real files (compared without spaces).
_COLUMN_ALIASES: dict[str, tuple[str, ...]] = {
    "record_id": ("관리번호", "id", "자원번호", "시설id"),
    "title": ("공구대여소", "공구대여소명", "명칭", "시설명", "개방시설명", "대여소명", "장소명",
              "이름", "name", "title"),
    "address": ("소재지도로명주소", "도로명주소", "도로명", "주소", "address"),
    "address_lot": ("소재지지번주소", "지번주소", "지번"),
    "phones": ("전화번호", "연락처", "문의", "문의처", "사용안내전화번호", "phone"),
    "items": ("비치공구류", "비치공구", "공구보유현황", "공구종류", "보유물품", "대여물품"),
    "hours": ("운영시간", "이용시간", "hours"),
    "hours_days": ("운영요일",),
    "hours_opens": ("운영시작시각", "평일운영시작시각"),
    "hours_closes": ("운영종료시각", "평일운영종료시각"),
    "fee": ("대여료", "대여금액", "이용료", "사용료", "이용요금", "fee"),
    "loan_period": ("대여기간",),
    "capacity": ("수용인원", "수용가능인원수", "정원"),
    "description": ("대여조건", "이용조건", "설명", "시설소개", "비고", "description"),
    "lat": ("위도", "lat", "latitude"),
    "lon": ("경도", "lon", "lng", "longitude"),
    "homepage": ("홈페이지", "홈페이지주소", "url", "website"),
    "category_label": ("분류", "시설구분", "개방시설유형구분", "category"),
    "provider_name": ("관리기관명", "운영기관", "관리기관"),
    "updated_at": ("데이터기준일자", "수정일자", "updated"),
    "tags": ("행정동",),
}
_ROW_NUMBER_COLUMNS = {"연번", "번호", "순번", "no"}
_ALIAS_TO_FIELD = {alias: field for field, aliases in _COLUMN_ALIASES.items()
                   for alias in aliases}
_DATE = re.compile(r"(\d{4})[-./]?(\d{2})[-./]?(\d{2})")


def _key(column: str) -> str:
    return re.sub(r"\s+", "", column).lower()


def _date(value: str | None) -> datetime | None:
    if value and (m := _DATE.search(value)):
        try:
            return datetime(int(m.group(1)), int(m.group(2)), int(m.group(3)), tzinfo=UTC)
        except ValueError:
            return None
    return None


def _map_columns(header: list[str], report: ParseReport) -> dict[int, str]:
    mapping: dict[int, str] = {}
    for position, column in enumerate(header):
        field = _ALIAS_TO_FIELD.get(_key(column))
        if field and field not in mapping.values():
            mapping[position] = field
            report.mapped_fields[column] = field
        elif _key(column) not in _ROW_NUMBER_COLUMNS:
            report.unmapped_fields.append(column)
    if "title" not in mapping.values():
        raise ParseError(f"no name column among {header!r} (expected one of "
                         f"{', '.join(_COLUMN_ALIASES['title'][:4])}, …)")
    return mapping


def _record(values: dict[str, str], header_text: str) -> RawRecord:
    record_id = values.get("record_id") or hashlib.sha1(
        f"{values.get('title', '')}|{values.get('address') or values.get('address_lot', '')}"
        .encode()).hexdigest()[:16]
    return RawRecord(
        record_id=record_id, title=values.get("title"), description=values.get("description"),
        address=values.get("address"), address_lot=values.get("address_lot"),
        lat=values.get("lat"), lon=values.get("lon"), phones=values.get("phones"),
        homepage=values.get("homepage"), hours=values.get("hours"),
        hours_days=values.get("hours_days"), hours_opens=values.get("hours_opens"),
        hours_closes=values.get("hours_closes"), fee=values.get("fee"),
        loan_period=values.get("loan_period"), capacity=values.get("capacity"),
        items=values.get("items"),
        # Without a category column, the header names say what the file lists ("공구대여소").
        category_label=values.get("category_label") or header_text,
        provider_name=values.get("provider_name"), tags=[values.get("tags") or ""],
        updated_at=_date(values.get("updated_at")),
    )


def parse_csv(body: bytes, source: Source, now: datetime | None = None) -> ParseResult:
    """Parse a CSV document (header row first). Raises ParseError when the file has no
    header with a name column, or no rows at all; bad rows are skipped and counted."""
    now = now or datetime.now(UTC)
    text = decode_bytes(body)
    if "\x00" in text:
        raise ParseError("binary data, not a CSV file")
    try:
        dialect: type[csv.Dialect] | csv.Dialect = csv.Sniffer().sniff(text[:4096], ",;\t")
    except csv.Error:
        dialect = csv.excel
    rows = csv.reader(io.StringIO(text), dialect)
    header = next(rows, None)
    if not header or not any(h.strip() for h in header):
        raise ParseError("empty CSV file: no header row")
    report = ParseReport()
    mapping = _map_columns([h.strip() for h in header], report)
    header_text = " ".join(header)
    listings, seen = [], set()
    for line_number, row in enumerate(rows, start=2):
        if not any(cell.strip() for cell in row):
            continue
        report.records += 1
        values = {field: row[pos].strip() for pos, field in mapping.items()
                  if pos < len(row) and row[pos].strip()}
        try:
            if len(row) > len(header) + 1:
                raise InvalidListing(f"{len(row)} cells for {len(header)} columns")
            record = _record(values, header_text)
            if record.record_id in seen:
                raise InvalidListing(f"duplicate of an earlier row ({record.title})")
            listing = assemble_listing(record, source, now)
        except InvalidListing as exc:
            report.invalid += 1
            report.errors.append(f"line {line_number}: {exc}")
            continue
        seen.add(record.record_id)
        listings.append(listing)
    if report.records == 0:
        raise ParseError("the CSV file has a header but no rows")
    return ParseResult(listings, report)
