"""Opening hours in Korean (and English) free text → `Hours.weekly`.

Reads the forms seen in real district files and platforms: "월~금 09:00~18:00 (휴관일 제외)",
"화~토 10:30 ~18:00 + 일 13:00 ~ 18:00", "평일 09:00-18:00 토요일 09:00-13:00",
"화-토 10:00~22:00/일 10:00~17:00/월요일 휴무", "09:00~18:00 매주 월요일 휴관", lunch breaks
("09:00~18:00 (점심시간 12:00~13:00 제외)", "휴게시간") as two intervals a day, "24시간",
"연중무휴", "9시~18시", "오전 9시~오후 6시", "18:00~익일 02:00" (closes before it opens: over
midnight), "00:00~24:00", English "Mon-Fri 9am-6pm, Closed Sundays", and separate 운영요일 /
운영시작시각 / 운영종료시각 columns. Monthly closures ("매월 둘째·넷째 주 일요일") and public
holidays are not weekly facts and stay in `hours.text` (see normalizer.open_now).

Text it cannot read gives an empty `weekly` list, never an error: `hours.text` always keeps
the original.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import lru_cache

from normalizer.clock import SPAN_PATTERN, DayMinutes, span_minutes
from normalizer.schema import Day, Hours, WeeklyHours

__all__ = ["parse_hours"]

_DAYS: tuple[Day, ...] = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
_ALL_WEEK = frozenset(range(7))
_KO_DAY = {"월": 0, "화": 1, "수": 2, "목": 3, "금": 4, "토": 5, "일": 6}
_DAY_WORDS = {"연중": _ALL_WEEK, "매일": _ALL_WEEK, "상시": _ALL_WEEK, "365": _ALL_WEEK,
              "daily": _ALL_WEEK, "every": _ALL_WEEK, "7": _ALL_WEEK, "평일": frozenset(range(5)),
              "주중": frozenset(range(5)), "weekday": frozenset(range(5)),
              "주말": frozenset({5, 6}), "휴일": frozenset({5, 6}), "weekend": frozenset({5, 6})}
# A lone day letter counts only when no other Hangul touches it: 일 in 공휴일 or 1일, 월 in
# 매월 or 3월, 금 in 요금 are not days. "요일" and a particle may follow.
_KO_DAY_TOKEN = (r"(?<![가-힣A-Za-z\d])[월화수목금토일](?:요일(?:에는|[은는에과와및])?)?"
                 r"(?!(?!부터|까지)[가-힣])")
_EN_DAY_TOKEN = (r"\b(?:mon(?:day)?|tue(?:s(?:day)?)?|wed(?:nesday)?|thu(?:r(?:s(?:day)?)?)?"
                 r"|fri(?:day)?|sat(?:urday)?|sun(?:day)?)s?\b|\b(?:mo|tu|we|th|fr|sa|su)\b")
# Every character a token can start with: the regex engine then skips the other positions
# (spaces, most syllables) without trying each alternative; it reads lowercased text.
_TOKEN_START = ("0-9a-z" "월화수목금토일" "연매상평주휴공국법관정쉽미없무제격첫둘셋넷다마점중브식부"
                "오낮밤저새아" "~\\-–—〜～∼,/\n;()\\[\\]|+.")
_TOKEN = re.compile(f"(?=[{_TOKEN_START}])(?:" + "|".join((
    r"(?P<allday>24\s*시간|24\s*hours?|24/7|\b24h\b)",
    rf"(?P<span>{SPAN_PATTERN})",
    r"(?P<holiday>(?:법정\s*|관공서\s*)?공휴일|국경일|(?:public\s+)?holidays?)",
    r"(?P<dayword>연중\s*무휴|연중|매일|상시|평일|주중|주말|365\s*일|휴일(?=\s*\d)|daily"
    r"|every\s*day|weekdays?|weekends?|7\s*days)",
    r"(?P<closed>정기\s*휴무|휴무|휴관|휴장|휴원|휴일|쉽니다|closed|미운영)",
    r"(?P<none>없음|없습니다|무휴)",
    r"(?P<except>제외|except|excluding)",
    r"(?P<monthly>매월|매달|격주|첫째|둘째|셋째|넷째|다섯째|마지막|\d\s*번?째|every\s+other)",
    r"(?P<brk>점심|중식|휴게|브레이크|break|lunch|식사\s*시간)",
    r"(?P<dayrun>(?<![가-힣\d])(?!금일|일일)[월화수목금토일]{2,4}(?![가-힣]))",
    rf"(?P<day>{_KO_DAY_TOKEN}|{_EN_DAY_TOKEN})",
    r"(?P<range>[~\-–—〜～∼]|부터|\bto\b|\bthrough\b|\bthru\b)",
    r"(?P<sep>[,/\n;()\[\]|+]|\.(?=\s|$))",
)) + ")")


@dataclass(slots=True)
class _Interval:
    days: frozenset[int]
    span: DayMinutes


@dataclass(slots=True)
class _Reader:
    """What the token walk has seen so far: intervals, breaks, closed days, pending days."""

    intervals: list[_Interval] = field(default_factory=list)
    breaks: list[tuple[frozenset[int] | None, DayMinutes]] = field(default_factory=list)
    closed: set[int] = field(default_factory=set)
    pending: set[int] = field(default_factory=set)
    pending_named: bool = False  # a day word or a public holiday was named since the last span
    monthly: bool = False  # "매월 첫째 월요일": what follows is not every week
    closed_mode: bool = False  # "휴관일: 월요일": the days after a closure word are closed
    break_pending: bool = False  # "점심시간" seen: the next span (or the last one) is a break
    break_candidate: int | None = None  # index of a span a trailing break word can claim
    range_from: int | None = None  # "월~": the first day of a range
    last_kind: str = ""

    def add_days(self, days: frozenset[int]) -> None:
        self.pending |= days
        self.pending_named = True

    def commit_closed(self) -> None:
        if not self.monthly:
            self.closed |= self.pending
        self._reset_pending()

    def _reset_pending(self) -> None:
        self.pending, self.pending_named, self.monthly, self.range_from = set(), False, False, None

    def add_span(self, span: DayMinutes) -> None:
        self.closed_mode = False
        if self.break_pending:
            self.breaks.append((frozenset(self.pending) or None, span))
            self.break_pending, self.break_candidate = False, None
        else:
            days = (frozenset(self.pending) or
                    (self.intervals[-1].days if self.intervals else _ALL_WEEK))
            self.intervals.append(_Interval(days, span))
            self.break_candidate = len(self.intervals) - 1
        self._reset_pending()

    def end_clause(self, opening_bracket: bool) -> None:
        """A separator: a trailing break word claims the span before it ("12:00~13:00 점심")."""
        if self.closed_mode and self.pending:
            self.commit_closed()
        if self.break_pending and self.break_candidate is not None and not opening_bracket:
            claimed = self.intervals.pop(self.break_candidate)
            self.breaks.append((None, claimed.span))
            self.break_pending = False
        self.break_candidate = None


def _single_day(token: str) -> int:
    if token[0] in _KO_DAY:
        return _KO_DAY[token[0]]
    return ("mo", "tu", "we", "th", "fr", "sa", "su").index(token[:2].lower())


def _on_day(reader: _Reader, token: str) -> None:
    day = _single_day(token)
    if reader.range_from is not None and reader.last_kind == "range":
        start = reader.range_from
        span = range(start, day + 1) if start <= day else [*range(start, 7), *range(day + 1)]
        reader.add_days(frozenset(span))
    else:
        reader.add_days(frozenset({day}))
    reader.range_from = day


def _read(text: str) -> _Reader:
    reader = _Reader()
    for match in _TOKEN.finditer(text.lower()):
        kind, token = match.lastgroup or "", match.group()
        if kind in ("span", "allday"):
            span = span_minutes(match) if kind == "span" else DayMinutes(0, 24 * 60)
            if span is not None:
                reader.add_span(span)
        elif kind == "day":
            _on_day(reader, token)
        elif kind == "dayrun":
            reader.add_days(frozenset(_KO_DAY[c] for c in token))
        elif kind == "dayword":
            word = re.sub(r"\s+", "", token)
            reader.add_days(next(days for key, days in _DAY_WORDS.items()
                                 if word.startswith(key)))
        elif kind == "holiday":
            reader.pending_named = True
        elif kind == "monthly":
            reader.monthly = True
        elif kind == "closed":
            if reader.pending_named:
                reader.commit_closed()
            else:
                reader.closed_mode = True
        elif kind in ("except", "none") and (reader.last_kind == "closed" or kind == "none"):
            reader.closed_mode = False  # "휴관일 제외", "휴무 없음", "연중무휴"
        elif kind == "brk":
            reader.break_pending = True
        elif kind == "sep":
            reader.end_clause(opening_bracket=token in "([")
            if token in ")]/\n;.":
                reader.closed_mode = False
        if kind != "range" or reader.last_kind == "day":
            reader.last_kind = kind
    reader.end_clause(opening_bracket=False)
    return reader


def _minus_break(intervals: list[_Interval], days: frozenset[int] | None,
                 pause: DayMinutes) -> list[_Interval]:
    result: list[_Interval] = []
    for interval in intervals:
        opens, closes = interval.span
        hit = interval.days & days if days is not None else interval.days
        inside = opens < closes and opens < pause.opens < closes and pause.closes <= closes
        if not hit or not inside:
            result.append(interval)
            continue
        if rest := interval.days - hit:
            result.append(_Interval(rest, interval.span))
        result.append(_Interval(hit, DayMinutes(opens, pause.opens)))
        if pause.closes < closes:
            result.append(_Interval(hit, DayMinutes(pause.closes, closes)))
    return result


def _clock_text(minutes: int) -> str:
    return f"{minutes // 60:02d}:{minutes % 60:02d}"


def _weekly(reader: _Reader) -> list[WeeklyHours]:
    intervals = reader.intervals
    for days, pause in reader.breaks:
        intervals = _minus_break(intervals, days, pause)
    weekly: list[WeeklyHours] = []
    for interval in intervals:
        open_days = sorted(interval.days - reader.closed)
        entry = WeeklyHours(days=[_DAYS[d] for d in open_days],
                            opens=_clock_text(interval.span.opens),
                            closes=_clock_text(interval.span.closes))
        if open_days and entry not in weekly:
            weekly.append(entry)
    return weekly


@lru_cache(maxsize=4096)
def _parse_text(text: str) -> Hours:
    # District files repeat one hours text on every row, so the cache pays; Hours is frozen.
    return Hours(text=text, weekly=_weekly(_read(text)))


def parse_hours(text: str | None, *, days_text: str | None = None, opens: str | None = None,
                closes: str | None = None) -> Hours:
    """Read opening hours from free text, or from separate days / start / end columns.

    Inputs: the hours text as published; or the columns 운영요일 (`days_text`, e.g. "연중",
    "평일(공휴일 제외)") and 운영시작시각 / 운영종료시각 (`opens`, `closes`, e.g. "9:00"),
    which are read as the text "연중 9:00~18:00" and kept as `hours.text`.
    Output: Hours with `text` kept and `weekly` holding one entry per (days, opens, closes);
    a lunch break gives two entries for the same days; `closes` earlier than `opens` means
    the interval ends the next day, and "24:00" closes at midnight. `weekly` is empty when no
    usable day and time is found. Never raises.
    """
    if days_text is not None or opens is not None:
        span = f"{opens}~{closes}" if opens and closes else None
        composed = " ".join(p for p in (days_text, span) if p)
        return parse_hours(composed or text)
    if not text:
        return Hours(text=None, weekly=[])
    return _parse_text(text)
