"""Weekly opening hours as index terms, so "open at <moment>" is one term-set filter.

The week (Monday 00:00 to Sunday 24:00, Asia/Seoul) is cut into 5-minute slots. A listing's
open slots are indexed as the nodes of a segment tree over them (a binary tree of slot
ranges): every interval is the union of at most ~2·log2(2016) nodes, ≈ 27 terms for a
Monday–Friday 09:00–18:00 week instead of 540 single slots, which keeps indexing fast. A
moment is open when any of the 12 tree nodes above its slot is indexed, so the query is one
term set of 12 values.

Opening times are rounded up and closing times down to whole slots: a listing is never
shown open when it is closed. Hours past midnight (22:00~02:00) run into the next day,
Sunday night wraps to Monday, "24:00" is the end of the day and equal opening and closing
times (00:00~00:00) mean the whole day, as in the Elasticsearch backend.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, datetime
from functools import lru_cache
from zoneinfo import ZoneInfo

from normalizer.schema import WeeklyHours

__all__ = [
    "MINUTES_PER_WEEK",
    "SEOUL",
    "SLOT_MINUTES",
    "open_interval_terms",
    "open_minute_ranges",
    "open_moment_terms",
    "seoul_date",
    "seoul_minute_of_week",
]

SEOUL = ZoneInfo("Asia/Seoul")
MINUTES_PER_WEEK = 7 * 24 * 60
SLOT_MINUTES = 5
_SLOTS = MINUTES_PER_WEEK // SLOT_MINUTES  # 2016
_LEAVES = 1 << (_SLOTS - 1).bit_length()  # 2048: leaves of the segment tree
_DAY_INDEX = {"mon": 0, "tue": 1, "wed": 2, "thu": 3, "fri": 4, "sat": 5, "sun": 6}


def _minutes(hhmm: str) -> int:
    hours, minutes = hhmm.split(":")
    return int(hours) * 60 + int(minutes)


def open_minute_ranges(weekly: Iterable[WeeklyHours]) -> list[tuple[int, int]]:
    """Weekly hours as merged, sorted minute-of-week ranges [start, end), Monday 00:00 = 0."""
    ranges: list[tuple[int, int]] = []
    for entry in weekly:
        opens, closes = _minutes(entry.opens), _minutes(entry.closes)
        if closes <= opens:  # past midnight, or the whole day when they are equal
            closes += 24 * 60
        for day in entry.days:
            start, end = _DAY_INDEX[day] * 24 * 60 + opens, _DAY_INDEX[day] * 24 * 60 + closes
            if end <= MINUTES_PER_WEEK:
                ranges.append((start, end))
            else:  # Sunday night runs into Monday morning
                ranges += [(start, MINUTES_PER_WEEK), (0, end - MINUTES_PER_WEEK)]
    merged: list[tuple[int, int]] = []
    # clamped: odd times ("24:00" opening on Sunday, "30:00") never leave the week
    for start, end in sorted((max(0, min(s, MINUTES_PER_WEEK)), max(0, min(e, MINUTES_PER_WEEK)))
                             for s, e in ranges):
        if end <= start:
            continue
        if merged and start <= merged[-1][1]:
            merged[-1] = (merged[-1][0], max(merged[-1][1], end))
        else:
            merged.append((start, end))
    return merged


def _tree_nodes(first: int, end: int) -> list[int]:
    """The segment-tree nodes whose union is slots [first, end) (heap numbering, root 1)."""
    nodes = []
    low, high = first + _LEAVES, end + _LEAVES
    while low < high:
        if low & 1:
            nodes.append(low)
            low += 1
        if high & 1:
            high -= 1
            nodes.append(high)
        low >>= 1
        high >>= 1
    return nodes


def open_interval_terms(weekly: Iterable[WeeklyHours]) -> list[int]:
    """The index terms of a listing's weekly hours (empty when it has none)."""
    return list(_terms_of(tuple((tuple(e.days), e.opens, e.closes) for e in weekly)))


@lru_cache(maxsize=4096)
def _terms_of(weekly: tuple[tuple[tuple[str, ...], str, str], ...]) -> tuple[int, ...]:
    # A catalog repeats a few hundred distinct weeks, and indexing asks for every listing.
    ranges = open_minute_ranges(WeeklyHours(days=list(days), opens=opens, closes=closes)
                                for days, opens, closes in weekly)
    terms: list[int] = []
    for start, end in ranges:
        first = -(-start // SLOT_MINUTES)  # a slot counts only when open all through it
        terms += _tree_nodes(first, end // SLOT_MINUTES)
    return tuple(terms)


def _seoul(when: datetime) -> datetime:
    return when.astimezone(SEOUL) if when.tzinfo else when.replace(tzinfo=SEOUL)


def seoul_minute_of_week(when: datetime) -> int:
    """Minutes since Monday 00:00 in Seoul (a naive datetime is taken as Seoul time)."""
    local = _seoul(when)
    return local.weekday() * 24 * 60 + local.hour * 60 + local.minute


def seoul_date(when: datetime) -> date:
    """The calendar date in Seoul at that moment (naive datetimes are Seoul time)."""
    return _seoul(when).date()


def open_moment_terms(when: datetime) -> list[int]:
    """The terms any listing open at `when` has one of: the tree nodes above its slot."""
    node = seoul_minute_of_week(when) // SLOT_MINUTES + _LEAVES
    terms = []
    while node:
        terms.append(node)
        node >>= 1
    return terms
