"""The GongyuNuri wire format: the crawler's combined document, rows merged by `rsrcNo`,
and the platform's value conventions ("Y"/"N" flags, 0 for an unknown number, YYYYMMDD
dates, paths relative to the portal, fees as two bare amounts, facts as labelled text).
"""

from __future__ import annotations

import json
import re
from datetime import datetime, timedelta, timezone
from typing import Any
from urllib.parse import urljoin

from normalizer.errors import ParseError
from normalizer.text import clean_text, decode_bytes

__all__ = ["coordinates", "fee_text", "labelled_facts", "merge_rows", "number", "portal_url",
           "read_rows", "text", "updated_at", "yes"]

_KST = timezone(timedelta(hours=9))
_ESHARE = "https://www.eshare.go.kr/"  # relative image and detail paths are on the portal
_OK_CODES = {"OK", "00", "0", "200"}
_COORDINATES = ("lat", "latl", "lot")
_SEGMENT = re.compile(r"\n|\||(?<=[.。])\s+")
_FACT = re.compile(r"(수용\s*(?:가능\s*)?인원|최대\s*인원|정원|주차\s*면수|운영\s*시간|이용\s*시간"
                   r"|사용\s*시간|대여\s*기간|문의처?|연락처|전화(?:번호)?)\s*[:：]\s*(.+)$")
_FACT_FIELD = {"수용": "capacity", "최대": "capacity", "정원": "capacity", "주차": "capacity",
               "운영": "hours", "이용": "hours", "사용": "hours", "대여": "loan_period",
               "문의": "phones", "연락": "phones", "전화": "phones"}
_DATE = re.compile(r"(\d{4})[-./]?(\d{2})[-./]?(\d{2})")

Row = dict[str, Any]


def text(value: Any) -> str | None:
    """A scalar as clean text; None for null, empty, objects and arrays."""
    if value is None or isinstance(value, (dict, list)):
        return None
    return clean_text(str(value))


def yes(value: Any) -> bool | None:
    """"Y" → True, "N" → False, anything else → None."""
    flag = (text(value) or "").upper()
    return True if flag == "Y" else False if flag == "N" else None


def number(value: Any) -> float | None:
    """A JSON number or numeric text; None when absent, unreadable or 0 (the platform
    writes 0 for an unknown coordinate or amount)."""
    if value is None or isinstance(value, bool) or value == "":
        return None
    try:
        parsed = float(str(value).replace(",", ""))
    except ValueError:
        return None
    return parsed or None


def read_rows(body: bytes) -> tuple[list[Row], list[Row]]:
    """(list rows, detail rows) of the crawler's `{"format": "gongyunuri", "list": [...],
    "details": [...]}`, or of one saved API answer `{"resultCode": "OK", "data": [...]}`.
    Raises ParseError for anything else, an error answer, or a document with no rows."""
    try:
        document = json.loads(decode_bytes(body))
    except json.JSONDecodeError as exc:
        raise ParseError(f"not JSON: {exc.msg} (line {exc.lineno})") from exc
    if isinstance(document, dict) and document.get("format") == "gongyunuri":
        rows, details = document.get("list") or [], document.get("details") or []
    elif isinstance(document, dict) and "resultCode" in document:
        code = str(document["resultCode"]).strip()
        if code.upper() not in _OK_CODES:
            raise ParseError(f"a GongyuNuri error answer: resultCode {code!r} "
                             f"{document.get('resultMsg') or ''}".rstrip())
        rows, details = document.get("data") or [], []
    else:
        raise ParseError('not a GongyuNuri document: expected {"format": "gongyunuri", '
                         '"list": [...], "details": [...]} or an API answer with resultCode')
    if not isinstance(rows, list) or not isinstance(details, list):
        raise ParseError("not a GongyuNuri document: list and details must be arrays")
    if not rows and not details:
        raise ParseError("the GongyuNuri answer lists no resources")
    return ([r for r in rows if isinstance(r, dict)], [d for d in details if isinstance(d, dict)])


def merge_rows(rows: list[Row], details: list[Row]) -> list[Row]:
    """One row per rsrcNo, in list order: the list row overlaid with the non-empty values
    of its detail row (a 0 coordinate does not hide the list's). Rows without rsrcNo
    come last, unmerged."""
    merged: dict[str, Row] = {}
    anonymous = []
    for row in rows + details:
        key = text(row.get("rsrcNo"))
        if key is None:
            anonymous.append(row)
            continue
        merged.setdefault(key, {}).update(
            {name: value for name, value in row.items() if text(value) is not None
             and not (name in _COORDINATES and number(value) is None)})
    return [*merged.values(), *anonymous]


def labelled_facts(*texts: str | None) -> dict[str, str]:
    """Facts the API has no field for, from labelled text ("수용인원: 20명", "운영시간: …",
    "대여기간: 3일", "문의: 02-…"): field → value, the first text naming a field wins.
    Capacity comes back as "N명" whatever the unit ("주차면수: 60대" → "60명")."""
    found: dict[str, str] = {}
    for source in texts:
        for segment in _SEGMENT.split(source or ""):
            if (match := _FACT.search(segment.strip())) is not None:
                found.setdefault(_FACT_FIELD[match.group(1)[:2]],
                                 match.group(2).strip().rstrip("."))
    if "capacity" in found:
        count = re.search(r"\d[\d,]*", found.pop("capacity"))
        if count:
            found["capacity"] = count.group().replace(",", "") + "명"
    return found


def fee_text(row: Row) -> tuple[str | None, bool | None]:
    """(fee text, free flag): freeYn Y → "무료"; amt1/amt2 → "1,000원 ~ 2,000원" (or one
    amount); freeYn N without amounts → "유료"."""
    free = yes(row.get("freeYn"))
    if free:
        return "무료", True
    amounts = sorted({int(a) for a in (number(row.get("amt1")), number(row.get("amt2")))
                      if a is not None and a > 0})
    if amounts:
        return " ~ ".join(f"{a:,}원" for a in amounts), free
    return ("유료" if free is False else None), free


def portal_url(value: Any) -> str | None:
    """A URL as given, with portal-relative paths ("/UserPortal/…") made absolute."""
    url = text(value)
    return urljoin(_ESHARE, url) if url and url.startswith("/") else url


def updated_at(value: Any) -> datetime | None:
    """updYmd ("20261015", "2026-10-15 13:22:01") as midnight KST of that day."""
    match = _DATE.search(text(value) or "")
    if match is None:
        return None
    year, month, day = (int(part) for part in match.groups())
    try:
        return datetime(year, month, day, tzinfo=_KST)
    except ValueError:
        return None


def coordinates(row: Row) -> tuple[float | None, float | None]:
    """(lat, lon): latitude from `lat` (detail rows, most list rows) or `latl` (the
    guide's list spelling), longitude from `lot`; swapped back when a row has them crossed."""
    lat = number(row.get("lat")) or number(row.get("latl"))
    lon = number(row.get("lot"))
    if lat is not None and lon is not None and abs(lat) > 90 >= abs(lon):
        lat, lon = lon, lat  # the guide swaps the two labels; some rows follow it
    return lat, lon
