"""Times of day in hours text: "09:00~18:00", "9시~18시", "오전 9시 30분~오후 6시",
"18:00~익일 02:00", "9am-6pm", "10:00 AM – 2:00 PM" → minutes after midnight.

`SPAN_PATTERN` is a regular expression fragment (named groups `s_*` and `e_*`) that
normalizer.hours embeds in its tokenizer; `span_minutes` turns its match into a `DayMinutes`.
"""

from __future__ import annotations

import re
from typing import NamedTuple

__all__ = ["SPAN_PATTERN", "DayMinutes", "span_minutes"]

_DAY = 24 * 60
_MERIDIEM = r"오전|오후|낮|밤|저녁|새벽|아침|[ap]\.?m\.?(?![a-z])"
_AFTERNOON = {"오후", "pm", "저녁", "밤"}
_MORNING = {"오전", "am", "새벽", "아침"}


def _clock(prefix: str) -> str:
    # A meridiem word before (Korean, "AM 9:00") or after (English) the hour; "시" must not be
    # the start of "시간" (a duration: "1시간 10,000원"); "9시 반" is half past.
    p = prefix
    return (rf"(?:(?P<{p}pre>{_MERIDIEM})\s*)?(?<![\d:.])(?P<{p}h>\d{{1,2}})(?!\d)"
            rf"(?:\s*:\s*(?P<{p}m>\d{{2}})|\s*(?P<{p}si>시)(?!간)"
            rf"(?:\s*(?P<{p}m2>\d{{1,2}})\s*분|\s*(?P<{p}half>반))?)?"
            rf"(?:\s*(?P<{p}post>[ap]\.?m\.?)(?![a-z]))?")


SPAN_PATTERN = (_clock("s_") + r"\s*(?:[~\-–—〜～∼]|부터|\bto\b|\buntil\b|\btill\b)\s*"
                r"(?:(?P<e_next>익일|다음\s*날|next\s*day)\s*)?" + _clock("e_") + r"(?:\s*까지)?")


class DayMinutes(NamedTuple):
    """An interval in minutes after midnight; `closes` < `opens` ends the next day and
    `closes` == 1440 is midnight ("24:00")."""

    opens: int
    closes: int


def _meridiem(match: re.Match[str], p: str) -> str | None:
    word = match.group(f"{p}pre") or match.group(f"{p}post")
    return word.lower().replace(".", "") if word else None


def _has_unit(match: re.Match[str], p: str) -> bool:
    return bool(_meridiem(match, p) or match.group(f"{p}m") or match.group(f"{p}si"))


def _minutes(match: re.Match[str], p: str, meridiem: str | None) -> int | None:
    hour = int(match.group(f"{p}h"))
    minute = int(match.group(f"{p}m") or match.group(f"{p}m2") or 0)
    if match.group(f"{p}half"):
        minute = 30
    if minute > 59 or hour > 30:
        return None
    if meridiem in _AFTERNOON and hour < 12:
        hour += 12
    elif meridiem == "밤" and hour == 12:
        hour = 24  # 밤 12시 is midnight
    elif meridiem in _MORNING and hour == 12:
        hour = 0  # 오전 12시, 12am
    elif meridiem == "낮" and hour < 6:
        hour += 12  # 낮 1시
    return hour * 60 + minute


def span_minutes(match: re.Match[str]) -> DayMinutes | None:
    """A SPAN_PATTERN match → DayMinutes, or None when it is not a time span.

    Bare number ranges ("3~4인", "19~39세", "5029~30") are refused: at least one end must
    carry ":MM", "시" or a meridiem. A meridiem written only on one end carries over ("오후
    1시~6시" → 13:00–18:00; "1-6pm" → 13:00–18:00). "익일" (next day) and hours past 24
    ("26:00") end the next day; a close at 00:00 is midnight (24:00). Equal ends are refused.
    """
    if not (_has_unit(match, "s_") or _has_unit(match, "e_")):
        return None
    start_mer, end_mer = _meridiem(match, "s_"), _meridiem(match, "e_")
    opens, closes = _minutes(match, "s_", start_mer), _minutes(match, "e_", end_mer)
    if opens is None or closes is None:
        return None
    if start_mer in _AFTERNOON and end_mer is None and closes < 12 * 60 and closes + 720 > opens:
        closes += 12 * 60
    if end_mer in _AFTERNOON and start_mer is None and opens < 12 * 60 and opens + 720 < closes:
        opens += 12 * 60
    opens %= _DAY
    if closes > _DAY or (match.group("e_next") and closes < _DAY):
        closes %= _DAY  # "26:00", "익일 02:00": the interval ends the next day
    if closes == 0:
        closes = _DAY
    return None if opens == closes else DayMinutes(opens, closes)
