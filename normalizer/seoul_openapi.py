"""Seoul Open API (서울 열린데이터광장) reservation services → listings.

The document is one API response or the fetcher's combination of every page and service
(crawlers/seoul_openapi.py); both have the API's envelope per service:
`{SERVICE: {"list_total_count": N, "RESULT": {"CODE", "MESSAGE"}, "row": [...]}}`. Errors
come as a bare `{"RESULT": {...}}`. INFO-000 is normal and INFO-200 ("해당하는 데이터가
없습니다") an empty list; any other code makes the document unreadable.

Row quirks handled: DTLCONT is HTML with `&nbsp;`; USETGTINFO has a leading space; X is the
longitude and Y the latitude (older rows have them swapped); PLACENM nests places with ">";
AREANM is the 자치구; dates look like "2024-04-03 00:00:00.0" (KST); REVSTDDAYNM/REVSTDDAY
are the cancellation rule ("이용일" 1 → until 1 day before the day of use); DTLCONT opens
with the site's standard terms, which are dropped.
"""

from __future__ import annotations

import html
import json
import re
from datetime import UTC, datetime, timedelta, timezone
from functools import cache
from importlib import resources
from typing import Any

from normalizer.assemble import assemble_listing
from normalizer.errors import InvalidListing, ParseError
from normalizer.record import ParseReport, ParseResult, RawRecord
from normalizer.schema import Source
from normalizer.taxonomy import load_taxonomy
from normalizer.text import clean_text, decode_bytes

__all__ = ["SeoulCategories", "load_seoul_categories", "parse_seoul_openapi"]

_KST = timezone(timedelta(hours=9))
_OK, _NO_DATA = "INFO-000", "INFO-200"
# DTLCONT opens with the site's standard terms (sections 1 and 2, the same in every row):
# citizens need section 3 on, the service's own details.
_STANDARD_TERMS = re.compile(r"^.*?1\.\s*공공시설\s*예약서비스\s*이용시\s*필수\s*준수사항"
                             r".*?3\.\s*상세내용(?:\s*</p>)?", re.DOTALL)
_BOOKING_URL = "https://yeyak.seoul.go.kr/web/reservation/selectReservView.do?rsv_svc_id="
_MAPPED = {"SVCID": "record_id", "SVCNM": "title", "DTLCONT": "description",
           "PLACENM": "address", "AREANM": "address", "X": "lon", "Y": "lat",
           "SVCURL": "url", "IMGURL": "image_url", "PAYATNM": "fee", "V_MIN": "hours",
           "V_MAX": "hours", "TELNO": "phones", "MINCLASSNM": "category_label",
           "MAXCLASSNM": "category_label", "SVCSTATNM": "tags", "USETGTINFO": "description",
           "SVCOPNBGNDT": "description", "SVCOPNENDDT": "description",
           "RCPTBGNDT": "updated_at", "RCPTENDDT": "description",
           "REVSTDDAYNM": "description", "REVSTDDAY": "description"}


class SeoulCategories:
    """The yeyak class → hub category table (data/seoul_reservation_categories.json)."""

    def __init__(self, by_min_class: dict[str, str], by_max_class: dict[str, str]) -> None:
        self.by_min_class = by_min_class
        self.by_max_class = by_max_class
        taxonomy = load_taxonomy()
        # assemble_listing classifies a record's category_label with the taxonomy's
        # keywords; hand it, for each hub code, a label the taxonomy reads back to that code.
        self.labels: dict[str, str] = {}
        for code, category in taxonomy.categories.items():
            for label in (category.ko, *category.keywords):
                hit = taxonomy.classify(label)
                if hit is not None and hit.category == code and hit.confidence >= 0.5:
                    self.labels[code] = label
                    break

    def category(self, min_class: str | None, max_class: str | None) -> str | None:
        """The hub code of a row's classes (소분류 first), or None when neither is known."""
        return self.by_min_class.get(min_class or "") or self.by_max_class.get(max_class or "")


@cache
def load_seoul_categories() -> SeoulCategories:
    """Load the bundled yeyak category table (cached)."""
    raw = json.loads(resources.files("normalizer").joinpath(
        "data/seoul_reservation_categories.json").read_text(encoding="utf-8"))
    return SeoulCategories(raw["MINCLASSNM"], raw["MAXCLASSNM"])


def _text(row: dict[str, Any], key: str) -> str | None:
    value = row.get(key)
    return clean_text(str(value)) if value is not None else None


def _when(value: str | None) -> datetime | None:
    try:
        return datetime.fromisoformat(value).replace(tzinfo=_KST) if value else None
    except ValueError:
        return None


def _day(value: str | None) -> str | None:
    when = _when(value)
    if when is None:
        return None
    return when.strftime("%Y-%m-%d %H:%M") if (when.hour, when.minute) != (0, 0) \
        else when.strftime("%Y-%m-%d")


def _coordinates(row: dict[str, Any]) -> tuple[str | None, str | None]:
    """(lat, lon): X is the longitude and Y the latitude, except in rows published the
    other way round (seen in 2010s rows), which Korea's coordinate ranges tell apart."""
    x, y = _text(row, "X"), _text(row, "Y")
    try:
        if x and y and 33 <= float(x) <= 39.5 and 124 <= float(y) <= 132:
            return x, y
    except ValueError:
        pass
    return y, x


def _description(row: dict[str, Any]) -> str | None:
    facts = [("이용대상", _text(row, "USETGTINFO"))]
    begins, ends = _day(_text(row, "SVCOPNBGNDT")), _day(_text(row, "SVCOPNENDDT"))
    if begins or ends:
        facts.append(("이용기간", f"{begins or ''} ~ {ends or ''}".strip()))
    receipt_begins, receipt_ends = _day(_text(row, "RCPTBGNDT")), _day(_text(row, "RCPTENDDT"))
    if receipt_begins or receipt_ends:
        facts.append(("접수기간", f"{receipt_begins or ''} ~ {receipt_ends or ''}".strip()))
    basis, days = _text(row, "REVSTDDAYNM"), _text(row, "REVSTDDAY")
    if basis and days:
        facts.append(("취소기준", f"{basis} {days}일 전까지"))
    lines = [f"<p>{label}: {html.escape(value)}</p>" for label, value in facts if value]
    details = _STANDARD_TERMS.sub("", str(row.get("DTLCONT") or ""), count=1)
    text = "".join(lines) + details
    return text or None


def _address(row: dict[str, Any]) -> str | None:
    place = (_text(row, "PLACENM") or "").replace(">", " ")
    district = _text(row, "AREANM")
    # AREANM is the 자치구; with the city named, the gazetteer resolves it unambiguously.
    parts = ["서울특별시", district if district and district.endswith("구") else None, place]
    return clean_text(" ".join(p for p in parts if p)) if place or district else None


def _record(row: dict[str, Any], categories: SeoulCategories,
            report: ParseReport) -> RawRecord:
    record_id = _text(row, "SVCID")
    if not record_id:
        raise InvalidListing("no SVCID")
    min_class, max_class = _text(row, "MINCLASSNM"), _text(row, "MAXCLASSNM")
    code = categories.category(min_class, max_class)
    if code is None and (min_class or max_class):
        note = f"MINCLASSNM {min_class} (MAXCLASSNM {max_class})"
        if note not in report.unmapped_fields:
            report.unmapped_fields.append(note)
    lat, lon = _coordinates(row)
    opens, closes = _text(row, "V_MIN"), _text(row, "V_MAX")
    url = _text(row, "SVCURL") or _BOOKING_URL + record_id
    return RawRecord(
        record_id=record_id, title=_text(row, "SVCNM"), description=_description(row),
        url=url, booking_url=url, address=_address(row), lat=lat, lon=lon,
        phones=_text(row, "TELNO"), fee=_text(row, "PAYATNM"),
        hours=f"{opens}~{closes}" if opens and closes else None,
        category_label=categories.labels.get(code) if code else min_class or max_class,
        image_url=_text(row, "IMGURL"),
        tags=[t for t in (_text(row, "SVCSTATNM"), min_class) if t],
        updated_at=_when(_text(row, "RCPTBGNDT")) or _when(_text(row, "SVCOPNBGNDT")),
    )


def _envelopes(document: Any) -> list[dict[str, Any]]:
    if not isinstance(document, dict):
        raise ParseError("not a Seoul Open API response: the JSON is not an object")
    if isinstance(document.get("RESULT"), dict):  # a bare result: an error or no data
        return [document]
    envelopes = [value for value in document.values()
                 if isinstance(value, dict) and isinstance(value.get("RESULT"), dict)]
    if not envelopes:
        raise ParseError("not a Seoul Open API response: no {SERVICE: {RESULT, row}} envelope")
    return envelopes


def _rows(envelope: dict[str, Any]) -> list[Any]:
    code, message = envelope["RESULT"].get("CODE"), envelope["RESULT"].get("MESSAGE")
    if code == _NO_DATA:
        return []
    if code != _OK:
        raise ParseError(f"the Seoul Open API answered {code}: {message}")
    rows = envelope.get("row") or []
    return rows if isinstance(rows, list) else []


def parse_seoul_openapi(body: bytes, source: Source,
                        now: datetime | None = None) -> ParseResult:
    """Parse a Seoul Open API reservation response (one or several services). Raises
    ParseError when the body is not such a response or carries an error code; rows
    without SVCID or SVCNM are skipped and counted."""
    now = now or datetime.now(UTC)
    try:
        document = json.loads(decode_bytes(body))
    except json.JSONDecodeError as exc:
        raise ParseError(f"not JSON: {exc.msg} at line {exc.lineno}") from None
    categories = load_seoul_categories()
    report = ParseReport()
    listings, seen = [], set()
    for envelope in _envelopes(document):
        for row in _rows(envelope):
            report.records += 1
            try:
                if not isinstance(row, dict):
                    raise InvalidListing("not an object")
                for key in row:
                    if key in _MAPPED:
                        report.mapped_fields[key] = _MAPPED[key]
                    elif key not in report.unmapped_fields:
                        report.unmapped_fields.append(key)
                record = _record(row, categories, report)
                if record.record_id in seen:  # one service listed by two of the APIs
                    raise InvalidListing(f"duplicate SVCID {record.record_id}")
                listings.append(assemble_listing(record, source, now))
            except InvalidListing as exc:
                report.invalid += 1
                report.errors.append(f"row {report.records}: {exc}")
                continue
            seen.add(record.record_id)
    return ParseResult(listings, report)
