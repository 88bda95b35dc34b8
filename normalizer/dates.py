"""Dates as Korean platforms publish them → timezone-aware datetimes.

Forms read: ISO 8601 with or without a zone ("2025-03-12", "2026-11-04T09:00:00+09:00",
"…Z", Seoul Open API's "2024-04-03 00:00:00.0"), dotted and slashed dates ("2025.03.12",
"2025. 3. 12.", "2025/03/12", with a weekday in brackets "(수)"), compact digits ("20250312",
"202503120930", "20250312093000"), Korean words ("2025년 3월 12일", "2025년 3월 12일 오후 2시
30분"), RFC 822 as feeds write it ("Wed, 12 Mar 2025 09:00:00 +0900") and epoch seconds or
milliseconds. A date or time without a zone is Seoul time. Text that is not one of these
gives None, never an exception.
"""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta, timezone
from email.utils import parsedate_to_datetime

__all__ = ["SEOUL_TZ", "parse_date"]

# Korea has kept UTC+9 without daylight saving since 1988, so a fixed offset is exact for
# every date a listing carries and needs no tz database on the machine.
SEOUL_TZ = timezone(timedelta(hours=9), "KST")

_WEEKDAY_NOTE = re.compile(
    r"\s*\(\s*(?:[월화수목금토일](?:요일)?|mon|tue|wed|thu|fri|sat|sun)\w*\s*\)", re.IGNORECASE)
_COMPACT = re.compile(r"^(\d{4})(\d{2})(\d{2})(?:(\d{2})(\d{2})(\d{2})?)?$")
_NUMERIC = re.compile(
    r"^(\d{4})\s*([-./])\s*(\d{1,2})\s*\2\s*(\d{1,2})\.?"
    r"(?:(?:\s+|T)(\d{1,2}):(\d{2})(?::(\d{2})(?:\.\d+)?)?)?\s*(Z|[+-]\d{2}:?\d{2})?$",
    re.IGNORECASE)
_KOREAN = re.compile(
    r"^(\d{4})\s*년\s*(\d{1,2})\s*월\s*(\d{1,2})\s*일"
    r"(?:\s*(오전|오후)?\s*(\d{1,2})\s*(?::\s*(\d{2})|시(?:\s*(\d{1,2})\s*분)?))?$")


def _build(year: str, month: str, day: str, hour: str | None = None, minute: str | None = None,
           second: str | None = None, zone: str | None = None) -> datetime | None:
    try:
        tz = _zone(zone) if zone else SEOUL_TZ
        return datetime(int(year), int(month), int(day), int(hour or 0), int(minute or 0),
                        int(second or 0), tzinfo=tz)
    except ValueError:  # 2025-02-30, 25:00, +99:00 …
        return None


def _zone(text: str) -> timezone:
    if text.upper() == "Z":
        return UTC
    sign = -1 if text[0] == "-" else 1
    digits = text[1:].replace(":", "")
    return timezone(sign * timedelta(hours=int(digits[:2]), minutes=int(digits[2:])))


def _korean(match: re.Match[str]) -> datetime | None:
    year, month, day, meridiem, hour, minute, minute_words = match.groups()
    if hour is not None and meridiem:
        value = int(hour) % 12 + (12 if meridiem == "오후" else 0)
        hour = str(value)
    return _build(year, month, day, hour, minute or minute_words)


def _epoch(text: str) -> datetime | None:
    # 10 digits are epoch seconds (2001–2286), 13 are milliseconds, as JSON APIs send them.
    seconds = int(text) / (1000 if len(text) == 13 else 1)
    try:
        return datetime.fromtimestamp(seconds, UTC)
    except (OverflowError, OSError, ValueError):
        return None


def _rfc822(text: str) -> datetime | None:
    try:
        parsed = parsedate_to_datetime(text)
    except (TypeError, ValueError, IndexError):
        return None
    # RFC 5322: "-0000" is UTC with nothing known about local time; parsedate gives it naive.
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=UTC)


def parse_date(text: str | None) -> datetime | None:
    """Read one published date or timestamp.

    Input: the text as published (surrounding spaces and a weekday note are ignored).
    Output: an aware datetime, in the zone the text names or else in Seoul time (SEOUL_TZ);
    a date alone is midnight of that day. None when the text is empty, not a date, or an
    impossible one (2025-02-30). Never raises.
    """
    value = _WEEKDAY_NOTE.sub("", (text or "").strip()).strip()
    if not value:
        return None
    if value.isdigit():
        if len(value) in (10, 13):
            return _epoch(value)
        if match := _COMPACT.match(value):
            return _build(*match.groups())
        return None
    if match := _NUMERIC.match(value):
        year, _, month, day, hour, minute, second, zone = match.groups()
        return _build(year, month, day, hour, minute, second, zone)
    if match := _KOREAN.match(value):
        return _korean(match)
    try:
        parsed = datetime.fromisoformat(value)
    except ValueError:
        return _rfc822(value) if re.search(r"[A-Za-z]{3}", value) else None
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=SEOUL_TZ)
