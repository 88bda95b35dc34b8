"""Field parsers for Korean listing text: fees, loan periods, capacity, phones, item lists.

Each takes the raw cell as published and returns plain values; text that cannot be read
gives None (or an empty list), never an exception, so one odd cell never drops a listing.
"""

from __future__ import annotations

import re

from normalizer.schema import Fee, InventoryItem

__all__ = ["parse_capacity", "parse_fee", "parse_items", "parse_loan_period", "parse_phones"]

_AMOUNT = re.compile(r"(\d[\d,]*)\s*(만)?\s*원")
_FREE = re.compile(r"무료|free|0원(?!\d)", re.IGNORECASE)
_PAID = re.compile(r"유료|paid", re.IGNORECASE)
_DEPOSIT = re.compile(r"보증금\s*:?\s*(\d[\d,]*)\s*(만)?\s*원")
_NIGHTS_DAYS = re.compile(r"(\d+)\s*박\s*(\d+)\s*일")
_DAYS = re.compile(r"(\d+)\s*일")
_WEEKS = re.compile(r"(\d+)\s*주")
_CAPACITY = re.compile(r"(\d+)\s*(?:명|인)")
_PHONE = re.compile(
    r"(?<!\d)(0\d{1,2})[-.)\s]?\s*(\d{3,4})[-.\s]?(\d{4})(?:\s*\(?(?:내선|ext\.?)\s*(\d+)\)?)?"
    r"|(?<!\d)(1[5-9]\d{2})-(\d{4})"
)
_ITEM_SPLIT = re.compile(r"\s*(?:\+|/|,|·|ㆍ|\n)\s*")
_ITEM_QTY = re.compile(r"^(.*?)\s*(?:각\s*)?\(?(\d+)\s*(?:개|대|점|세트|set)?\)?\s*$")
_ITEM_TAIL = re.compile(r"\s*등$")


def _won(digits: str, man: str | None) -> int:
    value = int(digits.replace(",", ""))
    return value * 10_000 if man else value


def parse_fee(text: str | None, *, free_flag: bool | None = None) -> Fee:
    """"무료" → free; "1000원 ~ 2000원" → paid, min 1000, max 2000; "보증금 5,000원" → deposit."""
    if not text:
        return Fee(free=free_flag, text=None)
    deposit_match = _DEPOSIT.search(text)
    deposit = _won(deposit_match.group(1), deposit_match.group(2)) if deposit_match else None
    without_deposit = _DEPOSIT.sub(" ", text)
    amounts = [_won(d, m) for d, m in _AMOUNT.findall(without_deposit)]
    positive = [a for a in amounts if a > 0]
    if free_flag is not None:
        free: bool | None = free_flag
    elif _FREE.search(without_deposit) and not positive:
        free = True
    elif positive or _PAID.search(text):
        free = False
    else:
        free = None
    return Fee(free=free, text=text, min_krw=min(positive) if positive else (0 if free else None),
               max_krw=max(positive) if positive else (0 if free else None), deposit_krw=deposit)


def parse_loan_period(text: str | None) -> int | None:
    """"2박3일" → 3, "3일(연장1회 가능)" → 3, "1주" → 7."""
    if not text:
        return None
    if match := _NIGHTS_DAYS.search(text):
        return int(match.group(2))
    if match := _DAYS.search(text):
        return int(match.group(1))
    if match := _WEEKS.search(text):
        return int(match.group(1)) * 7
    return None


def parse_capacity(text: str | None) -> int | None:
    """"최대 15명" → 15; the largest head count named wins."""
    if not text:
        return None
    counts = [int(n) for n in _CAPACITY.findall(text)]
    return max(counts) if counts else None


def parse_phones(text: str | None) -> list[str]:
    """Every phone number in a cell, normalised to "02-2241-5029" (extension kept as "ext. N")."""
    if not text:
        return []
    phones = []
    for m in _PHONE.finditer(text):
        if m.group(5):
            number = f"{m.group(5)}-{m.group(6)}"
        else:
            number = f"{m.group(1)}-{m.group(2)}-{m.group(3)}"
            if m.group(4):
                number += f" ext. {m.group(4)}"
        if number not in phones:
            phones.append(number)
    return phones


def parse_items(text: str | None) -> list[InventoryItem]:
    """Split an item cell: "가정용 공구세트+드릴 등" → two items,
    "전기햄머드릴, 충전드라이버" → two,
    "망치 2" → quantity 2."""
    if not text:
        return []
    items = []
    for part in _ITEM_SPLIT.split(text):
        part = _ITEM_TAIL.sub("", part.strip())
        if not part:
            continue
        quantity = None
        if (match := _ITEM_QTY.match(part)) and match.group(1):
            part, quantity = match.group(1).strip(), int(match.group(2))
        items.append(InventoryItem(name=part, quantity=quantity))
    return items
