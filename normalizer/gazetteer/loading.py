"""Build the gazetteer from its data files (`normalizer/data/`, provenance in its README).

- `districts_2020.csv`: the official 법정동코드 시도/시군구 rows of 2020, abolished rows kept
  for their old names.
- `district_changes.csv`: what changed since (renames, moves, restored and split districts),
  each marked with how well its codes are verified.
- `sido.csv`: the 17 시도 with Korean and English names and aliases; the 시도 code moves
  강원 42 → 51 and 전북 45 → 52 are applied to every district below them.
- `district_points.csv`: a representative point per district outside Seoul (NGII
  boundaries); Seoul's come from its boundary file (`normalizer.district_geometry`).
"""

from __future__ import annotations

import csv
from functools import cache
from importlib import resources
from importlib.resources.abc import Traversable

from normalizer.district_geometry import load_seoul_geometry
from normalizer.gazetteer.resolver import District, Gazetteer, Sido, Split
from normalizer.gazetteer.romanize import english_district_name

__all__ = ["load_gazetteer"]

# 시도 code moves since 2020: every district of the old code lives on under the new one.
_SIDO_MOVES = {"42": "51", "45": "52"}


def _rows(data: Traversable, name: str) -> list[dict[str, str]]:
    with data.joinpath(name).open(encoding="utf-8") as f:
        return list(csv.DictReader(f))


def _moved(code: str) -> str:
    return _SIDO_MOVES.get(code[:2], code[:2]) + code[2:]


def _sidos(rows: list[dict[str, str]]) -> list[Sido]:
    return [Sido(codes=tuple(row["code"].split()), name=row["name"], name_en=row["name_en"],
                 aliases=tuple(a for a in (row["aliases"] + "|" + row["aliases_en"]).split("|")
                               if a))
            for row in rows]


def _changes(rows: list[dict[str, str]]) -> tuple[dict[str, str], dict[str, list[Split]]]:
    former: dict[str, str] = {}
    splits: dict[str, list[Split]] = {}
    for row in rows:
        if row["kind"] == "split":
            splits.setdefault(row["old_code"], []).append(
                Split(row["new_code"], tuple(row["hints"].split()), row["effective"]))
        else:
            former[row["old_code"]] = row["new_code"]
    return former, splits


@cache
def load_gazetteer() -> Gazetteer:
    """Load the bundled district tables (cached: the tables are immutable)."""
    data = resources.files("normalizer") / "data"
    rows, changes = _rows(data, "districts_2020.csv"), _rows(data, "district_changes.csv")
    sidos = _sidos(_rows(data, "sido.csv"))
    sido_names = {sido.codes[0]: sido.name for sido in sidos if len(sido.codes) == 1}
    former, splits = _changes(changes)
    points = {row["code"]: (float(row["lat"]), float(row["lon"]))
              for row in _rows(data, "district_points.csv")}
    geometry = load_seoul_geometry()

    names: dict[str, str] = {}
    for row in rows:
        code = row["code5"]
        if row["status"] != "존재" or row["level"] != "sigungu" or code in former \
                or code in splits:
            continue
        if (moved := _moved(code)) != code:
            former[code] = moved
        parts = row["name"].split(" ", 1)
        names[moved] = f"{sido_names[moved[:2]]} {parts[1]}" if len(parts) > 1 else parts[0]
    for change in changes:
        names[change["new_code"]] = change["new_name"]

    districts: dict[str, District] = {}
    for code, name in names.items():
        short = name.split(" ", 1)[-1]
        shape = geometry.shapes.get(code)
        districts[code] = District(
            code, name, name_en=shape.name_en if shape else english_district_name(short),
            point=shape.centroid if shape else points.get(code))

    gazetteer = Gazetteer(districts, sidos, former, splits, geometry)
    for row in rows:  # former names stay aliases of what replaced them
        code = row["code5"]
        target = former.get(code) or (code if code in splits else None)
        if target and " " in row["name"] and row["level"] == "sigungu":
            sido = _moved(code)[:2]
            short = row["name"].split(" ", 1)[1]
            gazetteer.add_alias(sido, short, target, english_district_name(short))
    return gazetteer
