"""Open now: `Hours.weekly` read at a moment in Seoul time, with Korean public holidays.

Intervals that close before they open run past midnight (18:00–02:00 is open at 01:00 the
next day), and "24:00" closes at midnight. Public holidays (South Korea's calendar from the
maintained `holidays` library: 설날, 추석, substitute holidays, election days) count as
closed only when the hours text says so ("휴관일 제외", "공휴일 휴무", "법정공휴일 휴관"):
`closes_on_public_holidays` reads that from `hours.text`.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from datetime import date, datetime, timedelta
from functools import lru_cache
from types import MappingProxyType
from typing import Literal

import holidays

from normalizer.dates import SEOUL_TZ
from normalizer.schema import Hours

__all__ = ["closes_on_public_holidays", "is_open", "opening_today", "public_holiday_name"]

Language = Literal["ko", "en"]

_DAY_INDEX = {"mon": 0, "tue": 1, "wed": 2, "thu": 3, "fri": 4, "sat": 5, "sun": 6}
_MIDNIGHT = 24 * 60
_CLAUSES = re.compile(r"[/\n;()\[\]]|\.(?=\s|$)")
_HOLIDAY = re.compile(r"공휴일|국경일|빨간\s*날|holidays?", re.IGNORECASE)
_CLOSING = re.compile(r"휴무|휴관|휴장|휴원|휴일|제외|쉼|쉽니다|미운영|운영\s*(?:안|하지\s*않|않)"
                      r"|closed|except|excluding|not\s+open", re.IGNORECASE)
# "공휴일 정상 운영", "연중무휴(공휴일 포함)", "공휴일 휴무 없음", "open on holidays".
_OPEN_ANYWAY = re.compile(
    r"정상|개방|포함|없음|없이|무휴|운영(?!\s*(?:안|하지|않))|(?<!not )\bopen", re.IGNORECASE)
_CLOSED_DAYS_EXCLUDED = re.compile(r"(?:휴관|휴무|휴장|휴원|휴)일\s*[은는]?\s*제외")
_BARE_HOLIDAY = re.compile(r"\s*(?:및|and)?\s*(?:법정\s*|관공서\s*)?(?:공휴일|국경일|holidays?)"
                           r"\s*", re.IGNORECASE)


@lru_cache(maxsize=32)
def _holidays(year: int) -> Mapping[date, tuple[str, str]]:
    """South Korea's public holidays of one year → (Korean name, English name)."""
    korean = holidays.country_holidays("KR", years=year, language="ko")
    english = holidays.country_holidays("KR", years=year, language="en_US")
    return MappingProxyType({day: (name, english.get(day, name))
                             for day, name in sorted(korean.items())})


def public_holiday_name(day: date, lang: Language = "ko") -> str | None:
    """The name of the Korean public holiday on `day` ("설날", "광복절 대체 휴일"), in Korean
    or English, or None on an ordinary day."""
    names = _holidays(day.year).get(day)
    if names is None:
        return None
    return names[0] if lang == "ko" else names[1]


def closes_on_public_holidays(text: str | None) -> bool:
    """Whether hours text says the place is closed on public holidays.

    True for "월~금 09:00~18:00 (휴관일 제외)", "평일(공휴일 제외)", "공휴일 휴무",
    "법정공휴일 휴관", "휴관일: 매주 월요일, 공휴일", "Closed on public holidays"; False for
    "주말 및 공휴일 10:00~17:00", "공휴일 정상 운영", "연중무휴(공휴일 포함)" and text that does
    not mention holidays. Never raises.
    """
    return _says_closed_on_holidays(text or "")


@lru_cache(maxsize=4096)
def _says_closed_on_holidays(text: str) -> bool:
    # An "open now" filter asks this for every listing; their texts repeat a great deal.
    for clause in _CLAUSES.split(text):
        if _CLOSED_DAYS_EXCLUDED.search(clause):
            return True
        pieces = clause.split(",")
        for index, piece in enumerate(pieces):
            if not _HOLIDAY.search(piece) or _OPEN_ANYWAY.search(piece):
                continue
            if _CLOSING.search(_HOLIDAY.sub(" ", piece)):  # 공휴일 itself holds 휴일
                return True
            # "휴관일: 매주 월요일, 공휴일": a bare holiday continues the closure list before it.
            if _BARE_HOLIDAY.fullmatch(piece) and any(
                    _CLOSING.search(_HOLIDAY.sub(" ", p)) for p in pieces[:index]):
                return True
    return False


def _minutes(clock: str) -> int:
    hours, minutes = clock.split(":")
    return int(hours) * 60 + int(minutes)


def _in_seoul(at: datetime) -> datetime:
    # A naive moment is taken as Seoul wall-clock time, like every naive time in the hub.
    return at.replace(tzinfo=SEOUL_TZ) if at.tzinfo is None else at.astimezone(SEOUL_TZ)


def _holiday_closed(day: date, closed_on_holidays: bool) -> bool:
    return closed_on_holidays and public_holiday_name(day) is not None


def is_open(hours: Hours, at: datetime, *, closed_on_holidays: bool) -> bool | None:
    """Whether the place is open at a moment.

    Inputs: the listing's hours, the moment (aware, or naive Seoul time), and whether it
    closes on public holidays (usually `closes_on_public_holidays(hours.text)`).
    Output: True or False, read in Seoul time; an interval past midnight counts for the
    day it opened on (and that day's holiday); None when `hours.weekly` is empty (unknown).
    """
    if not hours.weekly:
        return None
    local = _in_seoul(at)
    today, yesterday = local.date(), local.date() - timedelta(days=1)
    now = local.hour * 60 + local.minute
    weekday = local.weekday()
    for entry in hours.weekly:
        days = {_DAY_INDEX[d] for d in entry.days}
        opens, closes = _minutes(entry.opens), _minutes(entry.closes)
        open_today = weekday in days and not _holiday_closed(today, closed_on_holidays)
        if opens < closes:
            if open_today and opens <= now < closes:
                return True
            continue
        if open_today and now >= opens:
            return True
        if ((weekday - 1) % 7 in days and not _holiday_closed(yesterday, closed_on_holidays)
                and now < closes):
            return True
    return False


def _today_spans(hours: Hours, weekday: int) -> list[tuple[int, int]]:
    """Today's intervals, overlapping same-day ones merged; past-midnight ones kept apart."""
    same_day: list[tuple[int, int]] = []
    overnight: list[tuple[int, int]] = []
    for entry in hours.weekly:
        if weekday in {_DAY_INDEX[d] for d in entry.days}:
            opens, closes = _minutes(entry.opens), _minutes(entry.closes)
            (same_day if opens < closes else overnight).append((opens, closes))
    merged: list[tuple[int, int]] = []
    for opens, closes in sorted(same_day):
        if merged and opens <= merged[-1][1]:
            merged[-1] = (merged[-1][0], max(merged[-1][1], closes))
        else:
            merged.append((opens, closes))
    return merged + sorted(set(overnight))


def _clock(minutes: int) -> str:
    return f"{minutes // 60:02d}:{minutes % 60:02d}"


def _span_text(opens: int, closes: int, lang: Language) -> str:
    if closes < opens:
        return (f"{_clock(opens)}–익일 {_clock(closes)}" if lang == "ko"
                else f"{_clock(opens)}–{_clock(closes)} (next day)")
    return f"{_clock(opens)}–{_clock(closes)}"


def opening_today(hours: Hours, at: datetime, *, lang: Language = "ko",
                  closed_on_holidays: bool | None = None) -> str:
    """A short line for a listing card about today's hours in Seoul.

    Korean: "오늘 09:00–18:00", "오늘 09:00–12:00, 13:00–18:00", "오늘 18:00–익일 02:00",
    "오늘 휴무", "오늘 휴무 (설날)", "24시간"; English (`lang="en"`): "Today 09:00–18:00",
    "Closed today", "Closed today (Korean New Year)", "Open 24 hours". `closed_on_holidays`
    None reads it from `hours.text`. Returns "" when the hours are unknown (`weekly` empty),
    so the card can show `hours.text` instead.
    """
    if not hours.weekly:
        return ""
    local = _in_seoul(at)
    if closed_on_holidays is None:
        closed_on_holidays = closes_on_public_holidays(hours.text)
    holiday = public_holiday_name(local.date(), lang) if closed_on_holidays else None
    spans = [] if holiday else _today_spans(hours, local.weekday())
    if not spans:
        closed = "오늘 휴무" if lang == "ko" else "Closed today"
        return f"{closed} ({holiday})" if holiday else closed
    if spans == [(0, _MIDNIGHT)]:
        return "24시간" if lang == "ko" else "Open 24 hours"
    listed = ", ".join(_span_text(opens, closes, lang) for opens, closes in spans)
    return f"오늘 {listed}" if lang == "ko" else f"Today {listed}"
