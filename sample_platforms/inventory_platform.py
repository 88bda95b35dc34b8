"""A district's tool-lending inventory published as an XLSX workbook, one row per item.

"송파구 생활공구도서관" lends tools at its 동 주민센터 (2박3일, free; SOURCES.md §1.3, §4). Its
spreadsheet has what real district exports have: a title row and a note above the header,
the 동 and 대여장소 cells merged down each centre's item rows, quantities such as "각 1" and
"2(5)", "전동 드릴" beside "전동드릴", one exact repeat, and the base date as a date cell.
The rows are data (`data/songpa_tool_inventory.csv`, UTF-8); the workbook is built from them
with fixed timestamps, so its bytes and its ETag are the same on every start.
"""

from __future__ import annotations

import csv
import io
import re
import zipfile
from datetime import datetime, timedelta, timezone
from functools import cache
from itertools import groupby
from typing import TYPE_CHECKING

import openpyxl

from sample_platforms.content import Document, read_data_file

if TYPE_CHECKING:  # the registry imports this module to list it
    from sample_platforms.registry import SourceDefinition

__all__ = ["INVENTORY_PATH", "XLSX_TYPE", "inventory_documents", "inventory_sources",
           "inventory_workbook"]

INVENTORY_PATH = "/district/songpa/tools.xlsx"
XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
_KST = timezone(timedelta(hours=9))
_UPDATED = datetime(2026, 10, 31, 9, 0, tzinfo=_KST)
_BASE_DATE = datetime(2026, 10, 31)
_TITLE = "송파구 생활공구도서관 대여 물품 현황"
_NOTE = "(2026. 10. 31. 기준 · 1인 최대 3점, 2박3일, 무료 · 공유누리에서 예약)"
_HEADER = ["연번", "동", "대여장소", "주소", "물품명", "수량", "대여기간", "대여료", "운영시간",
           "전화번호", "위도", "경도", "데이터기준일자"]
_MERGED_DOWN = ("동", "대여장소")  # merged over each centre's rows, as district exports do


def _rows() -> list[dict[str, str]]:
    text = read_data_file("songpa_tool_inventory.csv").decode("utf-8")
    return list(csv.DictReader(io.StringIO(text)))


def _fixed_timestamps(xlsx: bytes) -> bytes:
    """Rewrite the archive with a fixed date on every entry and in docProps/core.xml."""
    stamp = _BASE_DATE.strftime("%Y-%m-%dT%H:%M:%SZ")
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(xlsx)) as source, \
            zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for entry in source.infolist():
            data = source.read(entry)
            if entry.filename == "docProps/core.xml":
                data = re.sub(rb"(<dcterms:(?:created|modified)[^>]*>)[^<]*",
                              rb"\g<1>" + stamp.encode(), data)
            target.writestr(zipfile.ZipInfo(entry.filename, _BASE_DATE.timetuple()[:6]), data,
                            zipfile.ZIP_DEFLATED)
    return out.getvalue()


@cache
def inventory_workbook() -> bytes:
    """The published workbook's bytes (built once per process, identical every time)."""
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    assert sheet is not None
    sheet.title = "대여물품"
    sheet.append([_TITLE])
    sheet.append([_NOTE])
    sheet.append([])
    sheet.append(_HEADER)
    last = len(_HEADER)
    sheet.merge_cells(start_row=1, start_column=1, end_row=1, end_column=last)
    sheet.merge_cells(start_row=2, start_column=1, end_row=2, end_column=last)
    number = 0
    for _, group in groupby(_rows(), key=lambda row: row["대여장소"]):
        rows = list(group)
        first_row = sheet.max_row + 1
        for position, row in enumerate(rows):
            number += 1
            cells: dict[str, object] = {**row, "연번": number, "데이터기준일자": _BASE_DATE,
                                        "수량": int(row["수량"]) if row["수량"].isdigit()
                                        else row["수량"],
                                        "위도": float(row["위도"]), "경도": float(row["경도"])}
            if position:
                cells |= {name: None for name in _MERGED_DOWN}
            sheet.append([cells[name] for name in _HEADER])
            sheet.cell(sheet.max_row, last).number_format = "yyyy-mm-dd"
        for name in _MERGED_DOWN:
            column = _HEADER.index(name) + 1
            sheet.merge_cells(start_row=first_row, start_column=column,
                              end_row=first_row + len(rows) - 1, end_column=column)
    workbook.properties.creator = "송파구청 자치행정과"
    body = io.BytesIO()
    workbook.save(body)
    return _fixed_timestamps(body.getvalue())


def inventory_documents() -> dict[str, Document]:
    """The workbook at its path, with a fixed Last-Modified."""
    return {INVENTORY_PATH: Document(inventory_workbook(), XLSX_TYPE, _UPDATED)}


def inventory_sources(base_url: str) -> list[SourceDefinition]:
    """The hub's source definition for the workbook."""
    return [{"id": "songpa-tools", "name": "송파구 생활공구도서관", "kind": "xlsx",
             "url": base_url + INVENTORY_PATH, "provider_type": "public",
             "district_code": "11710",  # 서울특별시 송파구
             "default_category": "item.tools"}]
