"""Item lists of lending points → `InventoryItem`s.

Real cells separate items with "+" (Seongbuk: "가정용 공구세트+드릴 등"), ", " (Gwacheon), "/",
"·" or new lines, and give quantities as "망치 2", "3개", "1세트", "사다리(3)", "2(5)" (two held,
the bracket counts pieces), "x2", or "줄자, 수평계 각 1" (one of each). Names are kept as
published ("전동 드릴" and "전동드릴" stay two spellings), trimmed, with a trailing "등" / "외"
("and so on") dropped. Separators inside brackets ("드라이버 세트(+, -)") do not split.
"""

from __future__ import annotations

import re

from normalizer.schema import InventoryItem

__all__ = ["parse_items"]

_SEPARATORS = frozenset("+/,·ㆍ\n;|")
_OPEN, _CLOSE = "([{", ")]}"
_UNIT = r"(?:개|대|점|세트|set|ea|벌|권|장|켤레|채|식|pcs?)"
# "망치 2", "의자 40개", "드라이버 세트 2(5)", "수평계 각 1", "망치2개": a count at the end, after
# a space or followed by a unit, so "MP3" and "텐트 4인용" keep their digits.
_TRAILING_COUNT = re.compile(
    rf"^(?P<name>.*?)(?:\s+|(?=(?:각\s*)?\d[\d,]{{0,9}}\s*{_UNIT}))(?P<each>각\s*)?(?P<q>\d[\d,]{{0,9}})"
    rf"\s*{_UNIT}?\s*(?:\(\s*\d+\s*{_UNIT}?\s*\))?$", re.IGNORECASE)
_BRACKET_COUNT = re.compile(
    rf"^(?P<name>.*?)\s*\(\s*(?P<each>각\s*)?(?P<q>\d[\d,]{{0,9}})\s*{_UNIT}?\s*\)$", re.IGNORECASE)
_TIMES_COUNT = re.compile(r"^(?P<name>.*?)\s*[x×*]\s*(?P<q>\d{1,9})$", re.IGNORECASE)
_EACH_ONLY = re.compile(rf"각\s*(\d{{1,9}})\s*{_UNIT}?", re.IGNORECASE)
_ETC_TAIL = re.compile(r"\s+(?:등등?|외)(?:\s*(?:\d+\s*종|다수))?\s*$")
_SPACES = re.compile(r"\s+")
_LETTER = re.compile(r"[^\W\d_]")


def _split_top_level(text: str) -> list[str]:
    parts: list[str] = []
    current: list[str] = []
    depth = 0
    for char in text:
        if char in _OPEN:
            depth += 1
        elif char in _CLOSE:
            depth = max(0, depth - 1)
        elif char in _SEPARATORS and depth == 0:
            parts.append("".join(current))
            current = []
            continue
        current.append(char)
    parts.append("".join(current))
    return parts


def _named_count(part: str) -> tuple[str, int | None, bool]:
    """(name, quantity, whether the quantity is "각" = of each item in the cell)."""
    if each_only := _EACH_ONLY.fullmatch(part):
        return "", int(each_only.group(1)), True
    for pattern in (_TIMES_COUNT, _TRAILING_COUNT, _BRACKET_COUNT):
        if match := pattern.match(part):
            each = "each" in pattern.groupindex and bool(match.group("each"))
            return match.group("name").strip(), int(match.group("q").replace(",", "")), each
    return part, None, False


def parse_items(text: str | None) -> list[InventoryItem]:
    """Split an item cell into items with their quantities.

    Input: the cell as published. Output: one InventoryItem per named item, in order, with
    `quantity` None when the cell gives none; "각 N" gives N to every item of the cell that
    has no count of its own. A cell with no item name gives []. Never raises.
    """
    if not text:
        return []
    named: list[tuple[str, int | None]] = []
    each: int | None = None
    for raw in _split_top_level(text):
        part = _ETC_TAIL.sub("", _SPACES.sub(" ", raw).strip())
        name, quantity, is_each = _named_count(part)
        if is_each:
            each = quantity
        if name and _LETTER.search(name):
            named.append((name, quantity))
    return [InventoryItem(name=name, quantity=quantity if quantity is not None else each)
            for name, quantity in named]
