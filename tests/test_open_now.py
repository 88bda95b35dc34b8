"""Open now, on real hours texts at fixed moments in Seoul.

Calendar facts used (South Korea, 2026): 설날 is Tue 17 Feb (16–18 Feb are holidays); 삼일절
falls on Sun 1 Mar, so Mon 2 Mar is its substitute holiday (대체공휴일); Wed 18 Nov and
Sat 21 Nov are ordinary days.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone

import pytest

from normalizer.hours import parse_hours
from normalizer.open_now import (
    closes_on_public_holidays,
    is_open,
    opening_today,
    public_holiday_name,
)
from normalizer.schema import Hours

KST = timezone(timedelta(hours=9))

SEONGBUK = "월~금 09:00~18:00 (휴관일 제외)"  # Seongbuk tool libraries (real CSV)
MAPO_LUNCH = "평일 09:00~18:00 (점심시간 12:00~13:00 제외)"  # Mapo (sample platforms)
GWACHEON = "평일(공휴일 제외) 9:00~18:00"  # Gwacheon, composed from its 운영요일 columns
YEAR_ROUND = "연중 9:00~18:00"  # Gwacheon 시민회관: 연중, no holiday note
OVERNIGHT = "월~금 18:00~익일 02:00"
ALL_DAY = "24시간"
UNTIL_MIDNIGHT = "매일 10:00~24:00"  # spaces feed: "매일 10:00~24:00"


def seoul(year: int, month: int, day: int, hour: int, minute: int = 0) -> datetime:
    return datetime(year, month, day, hour, minute, tzinfo=KST)


def _is_open(text: str, at: datetime) -> bool | None:
    return is_open(parse_hours(text), at,
                   closed_on_holidays=closes_on_public_holidays(text))


OPEN_CASES = [
    (SEONGBUK, seoul(2026, 11, 18, 10), True),
    (SEONGBUK, seoul(2026, 11, 18, 9), True),  # opens at 09:00 sharp
    (SEONGBUK, seoul(2026, 11, 18, 8, 59), False),
    (SEONGBUK, seoul(2026, 11, 18, 18), False),  # closed from 18:00 on
    (SEONGBUK, seoul(2026, 11, 21, 10), False),  # Saturday
    (SEONGBUK, seoul(2026, 2, 17, 10), False),  # 설날, a Tuesday: 휴관일 제외
    (SEONGBUK, seoul(2026, 3, 2, 10), False),  # 삼일절 substitute holiday, a Monday
    (GWACHEON, seoul(2026, 2, 17, 10), False),
    (GWACHEON, seoul(2026, 2, 19, 10), True),  # the Thursday after 설날
    (YEAR_ROUND, seoul(2026, 2, 17, 10), True),  # no holiday note: open on 설날
    (MAPO_LUNCH, seoul(2026, 11, 18, 11, 59), True),
    (MAPO_LUNCH, seoul(2026, 11, 18, 12, 30), False),  # lunch break
    (MAPO_LUNCH, seoul(2026, 11, 18, 13), True),
    (OVERNIGHT, seoul(2026, 11, 20, 23), True),  # Friday night
    (OVERNIGHT, seoul(2026, 11, 21, 1, 30), True),  # Saturday 01:30, still Friday's night
    (OVERNIGHT, seoul(2026, 11, 21, 2), False),
    (OVERNIGHT, seoul(2026, 11, 23, 1), False),  # Monday 01:00: Sunday was closed
    (ALL_DAY, seoul(2026, 2, 17, 3), True),
    (UNTIL_MIDNIGHT, seoul(2026, 11, 18, 23, 59), True),  # 24:00 closes at midnight
    (UNTIL_MIDNIGHT, seoul(2026, 11, 19, 0, 0), False),
]


@pytest.mark.parametrize(("text", "at", "expected"), OPEN_CASES, ids=[
    "weekday", "opens-inclusive", "before-opening", "closes-exclusive", "saturday", "seollal",
    "substitute-holiday", "gwacheon-seollal", "gwacheon-after-seollal", "no-holiday-note",
    "before-lunch", "lunch-break", "after-lunch", "overnight-evening", "overnight-after-midnight",
    "overnight-closed", "overnight-not-from-sunday", "24h-on-seollal", "until-midnight",
    "after-midnight"])
def test_is_open(text, at, expected):
    assert _is_open(text, at) is expected, f"{text!r} at {at.isoformat()}"


def test_is_open_reads_the_moment_in_seoul_time():
    hours = parse_hours(SEONGBUK)
    # 01:00 UTC is 10:00 in Seoul; 09:30 UTC is 18:30 in Seoul.
    assert is_open(hours, datetime(2026, 11, 18, 1, tzinfo=UTC), closed_on_holidays=True)
    assert not is_open(hours, datetime(2026, 11, 18, 9, 30, tzinfo=UTC),
                       closed_on_holidays=True)
    # A naive moment is Seoul wall-clock time.
    assert is_open(hours, datetime(2026, 11, 18, 10), closed_on_holidays=True)


def test_holidays_close_only_when_told():
    hours = parse_hours(SEONGBUK)
    assert is_open(hours, seoul(2026, 2, 17, 10), closed_on_holidays=False) is True
    assert is_open(hours, seoul(2026, 2, 17, 10), closed_on_holidays=True) is False


def test_a_night_that_starts_on_a_holiday_is_closed_to_its_end():
    hours = parse_hours("매일 18:00~익일 02:00 (공휴일 휴무)")
    assert not is_open(hours, seoul(2026, 2, 18, 23), closed_on_holidays=True)  # 설날 다음날
    assert not is_open(hours, seoul(2026, 2, 19, 1), closed_on_holidays=True)
    assert is_open(hours, seoul(2026, 2, 20, 1), closed_on_holidays=True)


def test_unknown_hours_are_neither_open_nor_closed():
    assert is_open(Hours(text="전화 문의", weekly=[]), seoul(2026, 11, 18, 10),
                   closed_on_holidays=False) is None
    assert opening_today(Hours(text="전화 문의", weekly=[]), seoul(2026, 11, 18, 10)) == ""


TODAY_CASES = [
    (SEONGBUK, seoul(2026, 11, 18, 8), "오늘 09:00–18:00", "Today 09:00–18:00"),
    (SEONGBUK, seoul(2026, 11, 21, 8), "오늘 휴무", "Closed today"),
    (SEONGBUK, seoul(2026, 2, 17, 8), "오늘 휴무 (설날)", "Closed today (Korean New Year)"),
    (SEONGBUK, seoul(2026, 3, 2, 8), "오늘 휴무 (삼일절 대체 휴일)",
     "Closed today (Alternative holiday for Independence Movement Day)"),
    (MAPO_LUNCH, seoul(2026, 11, 18, 8), "오늘 09:00–12:00, 13:00–18:00",
     "Today 09:00–12:00, 13:00–18:00"),
    (OVERNIGHT, seoul(2026, 11, 18, 8), "오늘 18:00–익일 02:00", "Today 18:00–02:00 (next day)"),
    (ALL_DAY, seoul(2026, 11, 18, 8), "24시간", "Open 24 hours"),
    ("하절기 09:00~19:00, 동절기 09:00~18:00", seoul(2026, 11, 18, 8), "오늘 09:00–19:00",
     "Today 09:00–19:00"),
]


@pytest.mark.parametrize(("text", "at", "korean", "english"), TODAY_CASES, ids=[
    "weekday", "weekend", "seollal", "substitute-holiday", "lunch-break", "overnight", "24h",
    "overlapping-merged"])
def test_opening_today(text, at, korean, english):
    hours = parse_hours(text)
    assert opening_today(hours, at) == korean
    assert opening_today(hours, at, lang="en") == english


def test_opening_today_can_be_told_to_ignore_holidays():
    assert opening_today(parse_hours(SEONGBUK), seoul(2026, 2, 17, 8),
                         closed_on_holidays=False) == "오늘 09:00–18:00"


@pytest.mark.parametrize(("text", "closes"), [
    ("월~금 09:00~18:00 (휴관일 제외)", True),
    ("평일(공휴일 제외) 9:00~18:00", True),
    ("월~금 09:00~18:00 (공휴일 휴무)", True),
    ("법정공휴일 휴관", True),
    ("휴관일: 매주 월요일, 공휴일", True),
    ("평일 09:00~18:00, 토 10:00~17:00, 휴관일 매주 일요일, 법정공휴일", True),
    ("토·일요일, 공휴일 휴무", True),
    ("공휴일은 운영하지 않습니다", True),
    ("Mon-Fri 9am-6pm, closed Sundays and holidays", True),
    ("주말 및 공휴일 10:00~17:00", False),
    ("공휴일 정상 운영", False),
    ("연중무휴(공휴일 포함)", False),
    ("공휴일 휴무 없음", False),
    ("설·추석 연휴 휴관", False),
    ("화~일 10:00~21:00 (월요일 휴무)", False),
    ("Open on holidays", False),
    (None, False),
], ids=["closed-days-excluded", "holidays-excluded", "holidays-closed", "legal-holidays",
        "closure-list", "standard-dataset-closure-list", "weekend-and-holidays",
        "not-operated", "english-closed", "open-on-holidays", "holidays-normal",
        "year-round-incl-holidays", "no-holiday-closure", "lunar-only", "monday-only",
        "english-open", "none"])
def test_closes_on_public_holidays(text, closes):
    assert closes_on_public_holidays(text) is closes


@pytest.mark.parametrize(("day", "korean", "english"), [
    (datetime(2026, 2, 17), "설날", "Korean New Year"),
    (datetime(2026, 3, 2), "삼일절 대체 휴일", "Alternative holiday for Independence Movement Day"),
    (datetime(2025, 10, 8), "추석 대체 휴일", "Alternative holiday for Chuseok"),
    (datetime(2026, 11, 18), None, None),
], ids=["seollal", "samiljeol-substitute", "chuseok-substitute", "ordinary-day"])
def test_public_holiday_name(day, korean, english):
    assert public_holiday_name(day.date()) == korean
    assert public_holiday_name(day.date(), "en") == english
