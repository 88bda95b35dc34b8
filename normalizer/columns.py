"""Column names of open-data files → hub fields, each with a confidence.

The same concept goes by three or four names in real files (공구대여소 / 공구대여소명 / 명칭,
전화번호 / 연락처 / 문의), the national standard datasets use their own (개방시설명,
사용안내전화번호, …) and English exports another. The spellings are data
(`data/column_aliases.json`); matching tries, in order:

- an alias as written, ignoring case and surrounding spaces          → confidence 1.0
- the same after removing spaces, punctuation, bracketed parts
  ("운영시간(평일)") and a generic suffix ("대여장소명" → 대여장소)     → 0.8
- a keyword inside the name ("이용 가능 시간" contains 시간 → hours)  → 0.5

Some fields are not `RawRecord`'s own: `compose_record` turns a row's values into one
(개방시설명 + 개방장소명 → title; weekday/weekend start and end times and 휴관일 → hours text;
유료사용여부, 사용료 and 사용기준시간 → fee; 면적, 부대시설정보, … → description lines).
One-row-per-item `item_name`/`item_quantity` are grouped first (`inventory_rows.py`).
"""

from __future__ import annotations

import json
import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from functools import cache
from importlib import resources

from normalizer.record import RawRecord
from normalizer.schema import InventoryItem
from normalizer.taxonomy import load_taxonomy

__all__ = [
    "ColumnMapping",
    "ColumnMatch",
    "EXACT",
    "KEYWORD",
    "NORMALIZED",
    "compose_record",
    "document_category_of",
    "find_header_row",
    "is_row_number_column",
    "map_header",
    "match_column",
]

EXACT, NORMALIZED, KEYWORD = 1.0, 0.8, 0.5
_DECISIVE = 0.7  # as sure as a platform's own label (normalizer/assemble.py)
# A header cell is a short name; longer cells are data (item lists, descriptions).
_MAX_NAME_LENGTH = 40
_BRACKETED = re.compile(r"\([^)]*\)|\[[^\]]*\]|<[^>]*>|（[^）]*）")
_NOISE = re.compile(r"[\s_\-.·ㆍ/:*]+")
_WEEK_PARTS = (("평일", "weekday_hours"), ("주중", "weekday_hours"), ("주말", "weekend_hours"))


@dataclass(frozen=True, slots=True)
class ColumnMatch:
    """One column recognised as a hub field."""

    column: str
    field: str
    confidence: float  # EXACT, NORMALIZED or KEYWORD


@dataclass(slots=True)
class ColumnMapping:
    """A header row read: cell position → field, and what was left unmapped."""

    header: list[str]
    positions: dict[int, ColumnMatch] = field(default_factory=dict)
    unmapped: list[str] = field(default_factory=list)

    @property
    def fields(self) -> set[str]:
        """The hub fields the header provides."""
        return {match.field for match in self.positions.values()}

    def values(self, row: Sequence[str]) -> dict[str, str]:
        """The non-empty cells of a data row, by field (cells beyond the row are empty)."""
        found = {}
        for position, match in self.positions.items():
            if position < len(row) and (cell := row[position].strip()):
                found[match.field] = cell
        return found


@dataclass(frozen=True, slots=True)
class _Aliases:
    exact: dict[str, str]
    normalized: dict[str, str]
    keywords: tuple[tuple[str, str], ...]
    suffixes: tuple[str, ...]
    row_numbers: frozenset[str]
    ambiguous: frozenset[str]


def _normalize(name: str) -> str:
    return _NOISE.sub("", _BRACKETED.sub("", name)).casefold()


@cache
def _aliases() -> _Aliases:
    raw = json.loads(resources.files("normalizer").joinpath("data/column_aliases.json")
                     .read_text(encoding="utf-8"))
    exact: dict[str, str] = {}
    normalized: dict[str, str] = {}
    for hub_field, spellings in raw["fields"].items():
        for spelling in spellings:
            exact.setdefault(spelling.strip().casefold(), hub_field)
            normalized.setdefault(_normalize(spelling), hub_field)
    return _Aliases(
        exact=exact, normalized=normalized,
        keywords=tuple((_normalize(k), f) for k, f in raw["keywords"]),
        suffixes=tuple(raw["suffixes"]),
        row_numbers=frozenset(_normalize(n) for n in raw["row_number_columns"]),
        ambiguous=frozenset(n.casefold() for n in raw["ambiguous"]),
    )


def is_row_number_column(name: str) -> bool:
    """Whether a column only numbers the rows (연번, 순번, No.): known, and not reported."""
    return _normalize(name) in _aliases().row_numbers


def match_column(name: str) -> ColumnMatch | None:
    """The hub field a column name stands for, with how sure the match is; None when the
    name means nothing known (or is too long to be a column name)."""
    aliases = _aliases()
    column = name.strip()
    if not column or len(column) > _MAX_NAME_LENGTH:
        return None
    if hub_field := aliases.exact.get(column.casefold()):
        sure = NORMALIZED if column.casefold() in aliases.ambiguous else EXACT
        return ColumnMatch(column, hub_field, sure)
    key = _normalize(column)
    if not key or key in aliases.row_numbers:
        return None
    if hub_field := aliases.normalized.get(key):
        if hub_field == "hours" and (qualifier := _BRACKETED.search(column)):
            # "운영시간(평일)": the bracket says which part of the week the hours are for.
            hub_field = next((f for word, f in _WEEK_PARTS if word in qualifier.group()),
                             hub_field)
        return ColumnMatch(column, hub_field, NORMALIZED)
    for suffix in aliases.suffixes:
        stem = key.removesuffix(suffix)
        if stem != key and (hub_field := aliases.normalized.get(stem)):
            return ColumnMatch(column, hub_field, NORMALIZED)
    for keyword, hub_field in aliases.keywords:
        if keyword in key:
            return ColumnMatch(column, hub_field, KEYWORD)
    return None


def map_header(header: Sequence[str]) -> ColumnMapping:
    """Map every cell of a header row. When two columns name the same field, the more
    confident one wins (the first on a tie) and the other is reported unmapped."""
    cells = [cell.strip() for cell in header]
    mapping = ColumnMapping(header=cells)
    best: dict[str, tuple[int, ColumnMatch]] = {}
    for position, cell in enumerate(cells):
        match = match_column(cell)
        if match is None:
            continue
        held = best.get(match.field)
        if held is None or match.confidence > held[1].confidence:
            best[match.field] = (position, match)
    mapping.positions = dict(sorted(best.values(), key=lambda pair: pair[0]))
    mapping.unmapped = [cell for position, cell in enumerate(cells)
                        if cell and position not in mapping.positions
                        and not is_row_number_column(cell)]
    return mapping


def _header_score(row: Sequence[str]) -> tuple[int, float]:
    matches = [m for cell in row if (m := match_column(cell)) is not None]
    return len({m.field for m in matches}), sum(m.confidence for m in matches)


def find_header_row(rows: Sequence[Sequence[str]]) -> int | None:
    """The index of the header among the first rows of a sheet: the row naming the most
    known fields (real files put a title row or a note above it). None when no row names
    a listing's name column (or, for a 동 inventory, its 동 and item columns)."""
    best: tuple[tuple[int, float], int] | None = None
    for index, row in enumerate(rows):
        fields = map_header(row).fields
        # A 동 inventory (행정동, 도구명, 수량) has no name column: the 동 names the point.
        if "title" not in fields and not ("tags" in fields and fields & {"item_name", "items"}):
            continue
        score = _header_score(row)
        if best is None or score > best[0]:
            best = (score, index)
    return best[1] if best else None


# --- values of a mapped row → RawRecord -----------------------------------------------

_DIGITS = re.compile(r"^\d[\d,]*(?:\.\d+)?$")
_CLOCK = re.compile(r"^(\d{1,2}):(\d{2})(?::\d{2})?$")
_HHMM = re.compile(r"^(\d{1,2})(\d{2})$")
_DATE = re.compile(r"(\d{4})[-./]?(\d{1,2})[-./]?(\d{1,2})")
_YES = {"y", "yes", "예", "유", "있음", "true", "1", "o"}
_NO = {"n", "no", "아니오", "무", "없음", "false", "0", "x"}
_WEEKDAYS = "월화수목금토일"
_DAY_WORD = re.compile(r"[월화수목금토일](?:요일)?\s*[~\-～,·]|평일|주말|매일|연중|요일|24시간")
_TOOL_WORDS = re.compile(r"공구|드릴|렌치|스패너|망치|톱|사다리|드라이버|그라인더|니퍼|펜치|타카")


def _number(value: str | None, unit: str) -> str | None:
    """"30000" → "30,000원" for unit 원; text that already says more stays as it is."""
    if not value or not _DIGITS.match(value):
        return value
    amount = float(value.replace(",", ""))
    shown = f"{amount:,.0f}" if unit == "원" else f"{amount:g}"
    return f"{shown}{unit}"


def _clock(value: str | None) -> str | None:
    """"0900" → "09:00", "09:00:00" → "09:00", Excel's day fraction "0.375" → "09:00"."""
    if not value:
        return None
    if match := _CLOCK.match(value):
        return value if len(value) <= 5 else f"{int(match.group(1)):02d}:{match.group(2)}"
    if match := _HHMM.match(value):
        return f"{int(match.group(1)):02d}:{match.group(2)}"
    if re.fullmatch(r"0?\.\d+", value):
        minutes = round(float(value) * 24 * 60)
        return f"{minutes // 60:02d}:{minutes % 60:02d}"
    return value


def _flag(value: str | None) -> bool | None:
    word = (value or "").strip().casefold()
    return True if word in _YES else False if word in _NO else None


def _date(value: str | None) -> datetime | None:
    if value and (m := _DATE.search(value)):
        try:
            return datetime(int(m.group(1)), int(m.group(2)), int(m.group(3)), tzinfo=UTC)
        except ValueError:
            return None
    return None


def _closed_weekly(text: str | None) -> set[int]:
    """Days closed every week: "매주 일요일, 법정공휴일" → {6}; "매월 첫째 월요일" → none."""
    closed: set[int] = set()
    for segment in re.split(r"[,/]", text or ""):
        if not re.search(r"매월|째|격주|마지막", segment):
            closed |= {_WEEKDAYS.index(day) for day in re.findall(r"([월화수목금토일])요일",
                                                                 segment)}
    return closed


def _days_label(days: list[int], whole: str) -> str | None:
    """Days as `parse_hours` reads them: the whole word, a range "화~금", or "월·수"."""
    if not days:
        return None
    if len(days) == (5 if whole == "평일" else 2):
        return whole
    if days == list(range(days[0], days[-1] + 1)) and len(days) > 2:
        return f"{_WEEKDAYS[days[0]]}~{_WEEKDAYS[days[-1]]}"
    return "·".join(_WEEKDAYS[d] for d in days)


def _hours(values: dict[str, str]) -> str | None:
    """운영시간 as published, or one text from the standard dataset's start/end columns
    ("평일 09:00~18:00, 토 10:00~17:00, 휴관일 매주 일요일") that `parse_hours` reads; days
    closed every week are left out of the part of the week they fall in."""
    closed = _closed_weekly(values.get("closed_days"))
    parts = [values["hours"]] if values.get("hours") else []
    if parts and (day_text := values.get("hours_days")) and not _DAY_WORD.search(parts[0]):
        # 운영요일 "월~금" beside 운영시간 "09:00~18:00": one text that says both.
        parts[0] = f"{day_text} {parts[0]}"
    for part, whole, days in (("weekday", "평일", range(5)), ("weekend", "주말", range(5, 7))):
        start, end = _clock(values.get(f"{part}_opens")), _clock(values.get(f"{part}_closes"))
        # 00:00~00:00 is how the standard dataset says "closed that part of the week".
        span = values.get(f"{part}_hours") or (f"{start}~{end}" if start and end
                                               and start != end else None)
        label = _days_label([d for d in days if d not in closed], whole)
        if span and label:
            parts.append(span if whole in span else f"{label} {span}")
    if parts and (lunch := values.get("lunch_break")):
        parts.append(lunch if "점심" in lunch or "휴게" in lunch else f"점심시간 {lunch}")
    if closed_days := values.get("closed_days"):
        parts.append(f"휴관일 {closed_days}")
    return ", ".join(parts) or None


def _hours_days(values: dict[str, str]) -> str | None:
    """운영요일 for `parse_hours`'s separate columns: only when the day text was not already
    joined to a 운영시간 text by `_hours`."""
    days = values.get("hours_days")
    hours = values.get("hours")
    return None if days and hours and not _DAY_WORD.search(hours) else days


def _fee(values: dict[str, str], free: bool | None) -> str | None:
    fee = _number(values.get("fee"), "원")
    if fee and (unit := _number(values.get("fee_unit_time"), "시간")):
        fee = f"{fee} (기준 {unit})"
    if free and (not fee or fee == "0원"):
        fee = "무료"
    if deposit := _number(values.get("deposit"), "원"):
        deposit = deposit if "보증금" in deposit else f"보증금 {deposit}"
        fee = f"{fee}, {deposit}" if fee else deposit
    return fee


def _description(values: dict[str, str]) -> str | None:
    overtime = _number(values.get("overtime_fee"), "원")
    if overtime and (unit := _number(values.get("overtime_unit_time"), "시간")):
        overtime = f"{unit}당 {overtime}"
    facts = [("설치 위치", values.get("place_detail")), ("대여 한도", values.get("loan_limit")),
             ("부대시설", values.get("facilities")), ("신청방법", values.get("application_method")),
             ("면적", _number(values.get("area"), "㎡")), ("초과 사용료", overtime),
             ("담당부서", values.get("department"))]
    lines = [values.get("description")] + [f"{label}: {text}" for label, text in facts if text]
    return "\n".join(line for line in lines if line) or None


def document_category_of(context: str) -> str | None:
    """The hub category a whole file lists, when its name, title rows and header say it
    decisively ("…_공구대여_20250514.csv" → item.tools); None otherwise."""
    found = load_taxonomy().classify_label(context)
    return found.category if found and found.confidence >= _DECISIVE else None


def compose_record(values: dict[str, str], context: str,
                   items: Sequence[InventoryItem] | None = None,
                   document_category: str | None = None) -> RawRecord:
    """One row's (or one lending point's) values by field → RawRecord.

    `context` is the document's name, title rows and header text: without a category
    column it says what the file lists ("공구대여소"). `document_category` (from
    `document_category_of(context)`) stands in for a row's category label that maps to
    nothing (미추홀구's "마을주택관리소" in a 공구대여소 file); the label is still reported.
    `items`, for grouped inventories, replaces the item cell. `record_id` is left empty
    when the file has no id column.
    """
    title, place = values.get("title"), values.get("place_name")
    if title and place and place not in title:
        title = f"{title} {place}"
    item_text = ", ".join(i.name for i in items) if items is not None else values.get("items")
    if not title and not place and (dong := values.get("tags")):
        # An inventory listed by 동 only (대구 달서구: 행정동, 도구명, 수량): the lending
        # point is that 동's; say what it lends.
        lends = f"{context} {item_text or values.get('item_name') or ''}"
        title = f"{dong} {'공구대여소' if _TOOL_WORDS.search(lends) else '물품대여소'}"
    paid, free = _flag(values.get("paid_flag")), _flag(values.get("free_flag"))
    free = (not paid) if paid is not None else free
    row_label = values.get("category_label")
    category = (document_category if row_label and document_category
                and load_taxonomy().classify_label(row_label) is None else None)
    return RawRecord(
        record_id=values.get("record_id", ""), title=title or place,
        description=_description(values), address=values.get("address"),
        address_lot=values.get("address_lot"), lat=values.get("lat"), lon=values.get("lon"),
        phones=values.get("phones"), email=values.get("email"), homepage=values.get("homepage"),
        hours=_hours(values), hours_days=_hours_days(values),
        hours_opens=_clock(values.get("hours_opens")),
        hours_closes=_clock(values.get("hours_closes")),
        fee=_fee(values, free), free=free,
        loan_period=_number(values.get("loan_period"), "일"),
        capacity=_number(values.get("capacity"), "명"), items=item_text,
        category_label=row_label or context, category=category,
        provider_name=values.get("provider_name") or values.get("publisher_name"),
        booking_url=values.get("booking_url"), image_url=values.get("image_url"),
        tags=[values.get("tags") or ""], updated_at=_date(values.get("updated_at")),
    )
