"""Inventory files with one row per item → one record per lending point.

District inventories list every item on its own row (동, 대여장소, 주소, 물품명, 수량, 대여기간),
so one 주민센터 appears on many rows; the hub wants one listing per lending point with its
`items`. A file is such an inventory when the same place (동 + name + address) comes back with
different item names. Spreadsheet exports often merge the place cells down the item rows,
which leaves them empty after the first row: an item row without a place belongs to the
place above it.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

from normalizer.fields import parse_items
from normalizer.schema import InventoryItem
from normalizer.text import clean_text

__all__ = ["InventoryGroup", "group_inventory", "parse_quantity"]

_ITEM_FIELDS = ("item_name", "items", "item_quantity")
_PLACE_FIELDS = ("tags", "title", "address", "address_lot")
_QUANTITY = re.compile(r"(각)?\s*(\d[\d,]*)")
_NAME_LIST = re.compile(r"\s*[,/·ㆍ+]\s*")

Row = tuple[int, dict[str, str]]  # (row number in the file, field → cell)


@dataclass(frozen=True, slots=True)
class InventoryGroup:
    """One lending point: its rows, its place fields, and the items listed on its rows."""

    rows: tuple[int, ...]
    values: dict[str, str]
    items: tuple[InventoryItem, ...]


def parse_quantity(text: str | None) -> tuple[int | None, bool]:
    """A quantity cell → (count, whether it is "each"): "2" → (2, False), "각 1" → (1, True),
    "2(5)" → (2, False) (the first count is the one held), "다수" → (None, False)."""
    if not text or not (match := _QUANTITY.search(text)):
        return None, False
    return int(match.group(2).replace(",", "")), match.group(1) is not None


def _place_key(values: dict[str, str]) -> tuple[str, ...]:
    return tuple(re.sub(r"\s+", " ", values.get(f, "")).strip() for f in _PLACE_FIELDS)


def _filled(rows: Sequence[Row], item_field: str) -> list[Row]:
    """Give an item row without a place name the place of the row above (merged cells),
    unless the place cells it does have say it is somewhere else."""
    filled: list[Row] = []
    above: dict[str, str] = {}
    for number, values in rows:
        agrees = all(values[f] == above[f] for f in _PLACE_FIELDS if f in values and f in above)
        if values.get(item_field) and not values.get("title") and above and agrees:
            values = {**{k: v for k, v in above.items() if k not in _ITEM_FIELDS}, **values}
        filled.append((number, values))
        above = values
    return filled


def _row_items(values: dict[str, str], item_field: str) -> list[InventoryItem]:
    quantity, each = parse_quantity(values.get("item_quantity"))
    cell = clean_text(values.get(item_field))
    if not cell:
        return []
    if item_field == "items":
        listed = parse_items(cell)
        if len(listed) == 1 and quantity is not None:
            return [InventoryItem(name=listed[0].name, quantity=quantity)]
        return listed
    names = [n for n in _NAME_LIST.split(cell) if n] if each else [cell]
    return [InventoryItem(name=name, quantity=quantity) for name in names]


def _merge_items(found: list[InventoryItem]) -> tuple[InventoryItem, ...]:
    # Names stay as published ("전동 드릴" and "전동드릴" are two entries); only exact repeats
    # of a name fold into the first, which takes a quantity from the repeat if it had none.
    merged: dict[str, InventoryItem] = {}
    for item in found:
        held = merged.get(item.name)
        if held is None:
            merged[item.name] = item
        elif held.quantity is None and item.quantity is not None:
            merged[item.name] = item
    return tuple(merged.values())


def group_inventory(rows: Sequence[Row]) -> list[InventoryGroup] | None:
    """Group one-row-per-item rows by lending point, in order of first appearance.

    Returns None when the rows are not an inventory (no item column, or no place listed
    with two different items), so the caller reads one record per row.
    """
    item_field = next((f for f in ("item_name", "items")
                       if any(f in values for _, values in rows)), None)
    if item_field is None:
        return None
    filled = _filled(rows, item_field)
    items_by_place: dict[tuple[str, ...], set[str]] = {}
    for _, values in filled:
        if values.get(item_field):
            items_by_place.setdefault(_place_key(values), set()).add(values[item_field])
    if not any(len(items) > 1 for items in items_by_place.values()):
        return None
    grouped: dict[tuple[str, ...], list[Row]] = {}
    for number, values in filled:
        grouped.setdefault(_place_key(values), []).append((number, values))
    groups = []
    for members in grouped.values():
        place: dict[str, str] = {}
        varies: set[str] = set()
        for _, values in members:
            for key, value in values.items():
                if key not in _ITEM_FIELDS and place.setdefault(key, value) != value:
                    varies.add(key)
        # A column whose value changes from item to item (비고 "심 미포함") describes the
        # items, not the lending point.
        place = {k: v for k, v in place.items() if k not in varies}
        found = [item for _, values in members for item in _row_items(values, item_field)]
        groups.append(InventoryGroup(rows=tuple(n for n, _ in members), values=place,
                                     items=_merge_items(found)))
    return groups
