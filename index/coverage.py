"""The district × category coverage matrix city staff read on a Monday morning.

Rows are the districts of a region (Seoul's 25 by default: the 시도 code "11"; any 시도 code,
"all", or a comma-separated list of district codes), columns the hub's categories. Each cell
has the number of listings, how fresh they are (the oldest and newest confirmation at the
source) and whether the baseline expects that category there: an expected cell with no
listing is a gap. The baseline is data (`index/data/coverage_baseline.json`, or a file of
the same shape named by a setting): categories expected everywhere, and per district.
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime
from functools import cache
from importlib import resources
from pathlib import Path
from typing import Any

from normalizer.gazetteer import District, load_gazetteer
from normalizer.schema import Listing

__all__ = ["Baseline", "CoverageCell", "CoverageMatrix", "build_coverage", "load_baseline",
           "region_districts"]


@dataclass(frozen=True, slots=True)
class Baseline:
    """The categories expected in every district, and more for some districts."""

    everywhere: tuple[str, ...]
    by_district: dict[str, tuple[str, ...]] = field(default_factory=dict)

    def expects(self, district_code: str) -> tuple[str, ...]:
        extra = self.by_district.get(district_code, ())
        return self.everywhere + tuple(c for c in extra if c not in self.everywhere)


@cache
def _bundled_baseline() -> str:
    return resources.files("index").joinpath("data/coverage_baseline.json").read_text(
        encoding="utf-8")


def load_baseline(path: Path | None = None) -> Baseline:
    """The bundled baseline, or the JSON file at `path` ({"everywhere": [...],
    "by_district": {"11440": [...]}}). Raises ValueError naming a malformed file."""
    text = path.read_text(encoding="utf-8") if path else _bundled_baseline()
    try:
        raw = json.loads(text)
        return Baseline(tuple(raw.get("everywhere", [])),
                        {code: tuple(cats) for code, cats in raw.get("by_district", {}).items()})
    except (ValueError, AttributeError, TypeError) as exc:
        raise ValueError(f"coverage baseline {path or 'bundled'}: {exc}") from exc


def region_districts(region: str) -> list[District]:
    """The districts of a region: a 시도 code ("11"), "all", or district codes
    ("11440,11290"). Raises ValueError for an unknown code."""
    gazetteer = load_gazetteer()
    region = region.strip()
    if region == "all":
        return sorted(gazetteer.districts.values(), key=lambda d: d.code)
    if len(region) == 2 and region.isdigit():
        found = sorted((d for d in gazetteer.districts.values() if d.sido_code == region),
                       key=lambda d: d.code)
        if not found:
            raise ValueError(f"no districts in 시도 {region!r}")
        return found
    districts = []
    for code in (c.strip() for c in region.split(",") if c.strip()):
        if (district := gazetteer.get(code)) is None:
            raise ValueError(f"unknown district code {code!r} in the coverage region")
        districts.append(district)
    return districts


@dataclass(slots=True)
class CoverageCell:
    count: int = 0
    oldest_confirmed: datetime | None = None
    newest_confirmed: datetime | None = None
    expected: bool = False

    @property
    def gap(self) -> bool:
        return self.expected and self.count == 0

    def add(self, seen: datetime | None) -> None:
        self.count += 1
        if seen is not None:
            if self.oldest_confirmed is None or seen < self.oldest_confirmed:
                self.oldest_confirmed = seen
            if self.newest_confirmed is None or seen > self.newest_confirmed:
                self.newest_confirmed = seen


@dataclass(slots=True)
class CoverageMatrix:
    """Cells by (district code, category); districts in region order."""

    districts: list[District]
    categories: list[str]
    cells: dict[tuple[str, str], CoverageCell]
    outside: int = 0  # listings in no district of the region (or in none at all)

    def cell(self, district_code: str, category: str) -> CoverageCell:
        return self.cells.get((district_code, category)) or CoverageCell()

    def district_total(self, district_code: str) -> int:
        return sum(c.count for (d, _), c in self.cells.items() if d == district_code)

    def gaps(self) -> list[tuple[str, str]]:
        """(district code, category) expected by the baseline with no listing."""
        return [key for key, cell in self.cells.items() if cell.gap]

    def to_json(self) -> dict[str, Any]:
        return {
            "districts": [{"code": d.code, "name": d.short_name, "name_en": d.name_en,
                           "total": self.district_total(d.code)} for d in self.districts],
            "categories": self.categories,
            "cells": [{"district_code": d, "category": c, "count": cell.count,
                       "expected": cell.expected, "gap": cell.gap,
                       "oldest_confirmed": _iso(cell.oldest_confirmed),
                       "newest_confirmed": _iso(cell.newest_confirmed)}
                      for (d, c), cell in sorted(self.cells.items())],
            "gaps": len(self.gaps()), "outside_region": self.outside,
        }

    def to_csv(self) -> str:
        """One row per district: counts per category, then the total and the gaps."""
        out = io.StringIO()
        writer = csv.writer(out)
        writer.writerow(["district_code", "district", *self.categories, "total", "gaps"])
        for d in self.districts:
            cells = [self.cell(d.code, c) for c in self.categories]
            writer.writerow([d.code, d.short_name, *(c.count for c in cells),
                             self.district_total(d.code),
                             " ".join(c for c, cell in zip(self.categories, cells, strict=True)
                                      if cell.gap)])
        return out.getvalue()


def _iso(value: datetime | None) -> str | None:
    return value.isoformat() if value else None


def build_coverage(listings: Iterable[Listing], districts: list[District],
                   baseline: Baseline, categories: Iterable[str] = ()) -> CoverageMatrix:
    """Count `listings` into the region's cells. Columns: `categories` given, then any
    category the baseline expects or a listing has, in taxonomy-like sorted order."""
    codes = {d.code for d in districts}
    cells: dict[tuple[str, str], CoverageCell] = {}
    for d in districts:
        for category in baseline.expects(d.code):
            cells[(d.code, category)] = CoverageCell(expected=True)
    outside = 0
    for listing in listings:
        code = listing.location.district_code
        if code not in codes:
            outside += 1
            continue
        assert code is not None
        cells.setdefault((code, listing.category), CoverageCell()).add(listing.last_seen_at)
    columns = list(dict.fromkeys([*categories, *sorted({c for _, c in cells})]))
    return CoverageMatrix(districts, columns, cells, outside)
