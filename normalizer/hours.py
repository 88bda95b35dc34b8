"""Opening hours in Korean free text → `Hours.weekly`.

Handles the forms seen in real district files: "월~금 09:00~18:00 (휴관일 제외)",
"화~토 10:30 ~18:00 + 일 13:00 ~ 18:00", "평일 09:00~18:00", "화-토 10:00~22:00/일 10:00~17:00/
월요일 휴무", "연중" + separate start/end columns, "24시간". Text it cannot read gives an
empty `weekly` list, never an error: `hours.text` always keeps the original.
"""

from __future__ import annotations

import re

from normalizer.schema import Hours, WeeklyHours

__all__ = ["parse_hours"]

_DAYS = ["mon", "tue", "wed", "thu", "fri", "sat", "sun"]
_KO_DAY = {"월": 0, "화": 1, "수": 2, "목": 3, "금": 4, "토": 5, "일": 6}
_DAY_WORDS = {
    "평일": list(range(5)), "주중": list(range(5)), "주말": [5, 6], "매일": list(range(7)),
    "연중": list(range(7)), "연중무휴": list(range(7)), "상시": list(range(7)),
}
_TIME = r"(\d{1,2})\s*[:시]\s*(\d{2})?\s*분?"
_SPAN = re.compile(_TIME + r"\s*[~\-–]\s*" + _TIME)
_DAY_RANGE = re.compile(r"([월화수목금토일])(?:요일)?\s*[~\-–]\s*([월화수목금토일])(?:요일)?")
_DAY_LIST = re.compile(r"([월화수목금토일])(?:요일)?")
_SEGMENT_SPLIT = re.compile(r"[/+,;\n]|\s{2,}")
_CLOSED = re.compile(r"휴무|휴관|휴일")


def _days_in(text: str) -> list[int]:
    for word, days in _DAY_WORDS.items():
        if word in text:
            return days
    if match := _DAY_RANGE.search(text):
        start, end = _KO_DAY[match.group(1)], _KO_DAY[match.group(2)]
        return list(range(start, end + 1)) if start <= end else [*range(start, 7), *range(end + 1)]
    return sorted({_KO_DAY[d] for d in _DAY_LIST.findall(text)})


def _hhmm(hour: str, minute: str | None) -> str | None:
    h, m = int(hour), int(minute or 0)
    if h > 24 or m > 59:
        return None
    return f"{h:02d}:{m:02d}"


def parse_hours(text: str | None, *, days_text: str | None = None, opens: str | None = None,
                closes: str | None = None) -> Hours:
    """Read opening hours from free text, or from separate days / start / end columns.

    Returns Hours with `weekly` empty when the text names no usable day and time.
    """
    if days_text is not None or opens is not None:
        original = " ".join(p for p in (days_text, opens and closes and f"{opens}~{closes}") if p)
        return parse_hours(original or text)
    if not text:
        return Hours(text=None, weekly=[])
    if "24시간" in text:
        return Hours(text=text, weekly=[WeeklyHours(days=list(_DAYS), opens="00:00",
                                                     closes="24:00")])
    weekly: list[WeeklyHours] = []
    pending_days: list[int] = []
    for segment in _SEGMENT_SPLIT.split(re.sub(r"\([^)]*\)", " ", text)):
        if _CLOSED.search(segment) and not _SPAN.search(segment):
            continue
        days = _days_in(segment) or pending_days
        span = _SPAN.search(segment)
        if not span:
            pending_days = days  # "화~토, 10:00~18:00": the days come one segment early
            continue
        if not days:
            days = list(range(7)) if not weekly else []
        opens_at, closes_at = _hhmm(span.group(1), span.group(2)), _hhmm(span.group(3),
                                                                           span.group(4))
        if days and opens_at and closes_at:
            weekly.append(WeeklyHours(days=[_DAYS[d] for d in days], opens=opens_at,
                                      closes=closes_at))
        pending_days = []
    return Hours(text=text, weekly=weekly)
