"""Fees as published → `Fee`: "무료", "1000원 ~ 2000원", "1일 2,000원", "보증금 5,000원",
"1인 1,000원", "시간당 1만원", "1만 5천원", "300–1,000원/일", "유료(요금안내문의)", "0원",
"₩5,000", "Free".

Amounts are read wherever a currency marks them (원, ₩, KRW, won), with 만 and 천 multiplied
out; numbers without one (the "1" of "1일", "1인") are units of use, not prices.
"""

from __future__ import annotations

import re

from normalizer.schema import Fee

__all__ = ["parse_fee"]

# Bounded lengths keep every match linear ("1만1만1만…" thousands of times must not backtrack)
# and every number small enough to convert.
_NUMBER = r"\d[\d,]{0,14}(?:\.\d{1,4})?"
_KOREAN_AMOUNT = rf"((?:{_NUMBER}\s*[만천]\s*){{0,2}}(?:{_NUMBER}\s*[만천]?))\s*원"
_AMOUNT = re.compile(
    rf"(?<![\d,.만천]){_KOREAN_AMOUNT}"
    rf"|(?:₩|\bKRW)\s*({_NUMBER})"
    rf"|(?<![\d,.])({_NUMBER})\s*(?:KRW|won)\b", re.IGNORECASE)
# "300–1,000원", "1~2만원": the left end of a range has no currency of its own.
_RANGE_START = re.compile(
    rf"(?<![\d,.])({_NUMBER})\s*[~\-–—]\s*(?={_NUMBER}\s*([만천])?\s*원)")
_DEPOSIT = re.compile(
    rf"(?:보증금|deposit)\s*[:：]?\s*(?:{_KOREAN_AMOUNT}|(?:₩|KRW)\s*({_NUMBER}))", re.IGNORECASE)
_NO_DEPOSIT = re.compile(r"보증금\s*[:：]?\s*(?:없음|없습니다|무(?![가-힣]))|no\s+deposit",
                         re.IGNORECASE)
_FREE = re.compile(r"무료|무상|free|no\s+charge|공짜", re.IGNORECASE)
_PAID = re.compile(r"유료|paid|실비", re.IGNORECASE)
_PART = re.compile(rf"({_NUMBER})\s*([만천]?)")
_UNITS = {"만": 10_000, "천": 1_000, "": 1}


def _won(text: str) -> int | None:
    """ "15,000" → 15000, "1만 5천" → 15000, "1.5만" → 15000; None when it is not a number."""
    total = 0.0
    for number, unit in _PART.findall(text):
        try:
            total += float(number.replace(",", "")) * _UNITS[unit]
        except ValueError:
            return None
    return round(total)


def _amounts(text: str) -> list[int]:
    found: list[int] = []
    for match in _AMOUNT.finditer(text):
        value = _won(next(g for g in match.groups() if g is not None))
        if value is not None:
            found.append(value)
    for match in _RANGE_START.finditer(text):
        value = _won(match.group(1))
        if value is not None:
            found.append(value * _UNITS[match.group(2) or ""])
    return found


def _deposit(text: str) -> tuple[int | None, str]:
    """The deposit named in the text, and the text without it."""
    if match := _DEPOSIT.search(text):
        return _won(match.group(1) or match.group(2)), text[:match.start()] + " " + \
            text[match.end():]
    if match := _NO_DEPOSIT.search(text):
        return 0, text[:match.start()] + " " + text[match.end():]
    return None, text


def parse_fee(text: str | None, *, free_flag: bool | None = None) -> Fee:
    """Read a fee cell.

    Inputs: the text as published, and `free_flag` when the platform says free or paid in a
    field of its own (it wins over the text).
    Output: Fee with `text` kept as given; `free` True when the text says 무료 / free or every
    amount is 0원 (unless it also names a positive amount), False when it names a positive
    amount or says only 유료, None when it says neither (a deposit alone does not make a
    fee); `min_krw` / `max_krw` the smallest and largest amount (0 when free, and 0 as the
    minimum when a free case sits beside paid ones); `deposit_krw` the deposit (0 for
    "보증금 없음"). Never raises.
    """
    if not text:
        return Fee(free=free_flag, text=None)
    deposit, rest = _deposit(text)
    amounts = _amounts(rest)
    positive = [a for a in amounts if a > 0]
    says_free = bool(_FREE.search(rest)) or (bool(amounts) and not positive)
    if free_flag is not None:
        free: bool | None = free_flag
    elif positive:
        free = False
    elif says_free:
        free = True
    else:
        free = False if _PAID.search(rest) else None
    low = min(positive) if positive else (0 if free else None)
    high = max(positive) if positive else low
    if positive and says_free:
        low = 0
    return Fee(free=free, text=text, min_krw=low, max_krw=high, deposit_krw=deposit)
