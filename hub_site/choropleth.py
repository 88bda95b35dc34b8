"""A choropleth map of listing counts per district, drawn server-side as SVG paths from the
boundary file shipped in the repo (normalizer/data/seoul_municipalities_geo_simple.json).

Longitude and latitude are projected equirectangularly with the longitude scaled by
cos(mean latitude): at a city's scale that is indistinguishable from Web Mercator and
needs no library. Path data holds numbers and SVG commands only, so the template renders
it autoescaped. Regions without boundaries (any district not in the file) get no map.
"""

from __future__ import annotations

import json
import math
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from functools import cache
from importlib import resources
from typing import Any

__all__ = ["BUCKETS", "MapShape", "build_choropleth", "bucket_of", "load_boundaries"]

# Upper bounds (inclusive) of the fill buckets; the last bucket is open-ended.
BUCKETS = (0, 5, 20, 50)
_WIDTH = 600.0
_PAD = 10.0

Ring = list[tuple[float, float]]


@dataclass(frozen=True, slots=True)
class MapShape:
    """One district's outline (`d`), its fill bucket (0 = none) and its count."""

    code: str
    name: str
    name_en: str
    d: str
    bucket: int
    count: int


@dataclass(frozen=True, slots=True)
class _Boundary:
    code: str
    name: str
    name_en: str
    polygons: list[list[Ring]]


def _polygons(geometry: Mapping[str, Any]) -> list[list[Ring]]:
    coords = geometry["coordinates"]
    raw = [coords] if geometry["type"] == "Polygon" else coords
    return [[[(float(x), float(y)) for x, y, *_ in ring] for ring in polygon]
            for polygon in raw]


@cache
def load_boundaries() -> dict[str, _Boundary]:
    """The shipped district boundaries by 5-digit district code."""
    text = resources.files("normalizer").joinpath(
        "data/seoul_municipalities_geo_simple.json").read_text(encoding="utf-8")
    found = {}
    for feature in json.loads(text)["features"]:
        props = feature["properties"]
        found[props["SIG_CD"]] = _Boundary(props["SIG_CD"], props["SIG_KOR_NM"],
                                           props["SIG_ENG_NM"], _polygons(feature["geometry"]))
    return found


def bucket_of(count: int) -> int:
    """0 for no listings, then 1.. for each bound of BUCKETS passed."""
    for bucket, bound in enumerate(BUCKETS):
        if count <= bound:
            return bucket
    return len(BUCKETS)


def _points(boundaries: Sequence[_Boundary]) -> Iterator[tuple[float, float]]:
    for boundary in boundaries:
        for polygon in boundary.polygons:
            for ring in polygon:
                yield from ring


def build_choropleth(counts: Mapping[str, int]) -> tuple[list[MapShape], float, float] | None:
    """Shapes for the districts in `counts` (code → listing count), and the SVG's width
    and height; None when any of them has no boundary in the file."""
    boundaries = load_boundaries()
    if not counts or any(code not in boundaries for code in counts):
        return None
    chosen = [boundaries[code] for code in counts]
    points = list(_points(chosen))
    min_x, max_x = min(p[0] for p in points), max(p[0] for p in points)
    min_y, max_y = min(p[1] for p in points), max(p[1] for p in points)
    x_scale = math.cos(math.radians((min_y + max_y) / 2))
    scale = (_WIDTH - 2 * _PAD) / max((max_x - min_x) * x_scale, 1e-9)
    height = (max_y - min_y) * scale + 2 * _PAD

    def project(lon: float, lat: float) -> str:
        return (f"{_PAD + (lon - min_x) * x_scale * scale:.1f},"
                f"{_PAD + (max_y - lat) * scale:.1f}")

    shapes = []
    for boundary in chosen:
        d = " ".join("M" + " L".join(project(x, y) for x, y in ring) + " Z"
                     for polygon in boundary.polygons for ring in polygon)
        count = counts[boundary.code]
        shapes.append(MapShape(boundary.code, boundary.name, boundary.name_en, d,
                               bucket_of(count), count))
    return shapes, _WIDTH, round(height, 1)
