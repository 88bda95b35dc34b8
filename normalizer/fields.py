"""Field parsers for Korean listing text: loan periods and capacity here; fees, phones and
item lists in their own modules, re-exported so callers import every field parser from here.

Each takes the raw cell as published and returns plain values; text that cannot be read
gives None (or an empty list), never an exception, so one odd cell never drops a listing.
"""

from __future__ import annotations

import re

from normalizer.fees import parse_fee
from normalizer.items import parse_items
from normalizer.phones import parse_phones

__all__ = ["parse_capacity", "parse_fee", "parse_items", "parse_loan_period", "parse_phones"]

# The first period a cell names is its loan period: "3일(연장 1회 2일)" lends for 3 days.
_PERIOD = re.compile(
    r"(?<!\d)(?P<nights>\d{1,3})\s*박\s*(?P<nights_days>\d{1,3})\s*일"
    r"|(?<!\d)(?P<months>\d{1,3})\s*(?:개월|달|months?\b)"
    r"|(?<!\d)(?P<weeks>\d{1,3})\s*(?:주(?:일|간)?(?!년)|weeks?\b)"
    r"|(?<!\d)(?P<days>\d{1,3})\s*(?:일(?!\s*전)|days?\b)"
    r"|(?P<word>당일|하루|이틀|사흘|나흘|일주일|한\s*주|보름|한\s*달)", re.IGNORECASE)
_PERIOD_WORDS = {"당일": 1, "하루": 1, "이틀": 2, "사흘": 3, "나흘": 4, "일주일": 7, "한주": 7,
                 "보름": 15, "한달": 30}
_PEOPLE = re.compile(r"(?<![\d,])(\d[\d,]{0,9})\s*(?:명|인|석|people|persons?|pax|seats?)",
                     re.IGNORECASE)
_BARE_COUNT = re.compile(r"^[^\d]{0,12}?(\d[\d,]{0,9})\s*$")


def parse_loan_period(text: str | None) -> int | None:
    """How many days an item may be kept, from the first period the text names.

    "2박3일" → 3, "3일(연장1회 가능)" → 3, "1주일" / "1주" → 7, "2주" → 14, "최대 7일" → 7,
    "1개월" → 30, "당일 반납" → 1 (back the same day counts as one day). Hours ("1회 최대
    2시간") and text without a period give None. Never raises.
    """
    if not text:
        return None
    match = _PERIOD.search(text)
    if match is None:
        return None
    if match.group("nights"):
        return int(match.group("nights_days"))
    if match.group("months"):
        return int(match.group("months")) * 30
    if match.group("weeks"):
        return int(match.group("weeks")) * 7
    if match.group("days"):
        return int(match.group("days"))
    return _PERIOD_WORDS[re.sub(r"\s+", "", match.group("word"))]


def parse_capacity(text: str | None) -> int | None:
    """How many people a space holds: the largest head count the text names.

    "최대 15명" → 15, "20인" → 20, "수용인원: 30명 (좌석 20)" → 30, "100~150명" → 150,
    a bare "30" → 30. Counts of other things ("20대" parking spaces) and text without a
    number give None. Never raises.
    """
    if not text:
        return None
    counts = [int(n.replace(",", "")) for n in _PEOPLE.findall(text)]
    if not counts and (bare := _BARE_COUNT.match(text.strip())):
        counts = [int(bare.group(1).replace(",", ""))]
    return max(counts) if counts else None
