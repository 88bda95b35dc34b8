"""Which district a point lies in: point-in-polygon on Seoul's 25 자치구 boundaries.

Data: `data/seoul_municipalities_geo_simple.json` (simplified WGS84 GeoJSON of 2015, from
JUSO via southkorea/seoul-maps; provenance in `data/README.md`). Each feature carries its
5-digit code (`SIG_CD`) and English name (`SIG_ENG_NM`).

A pure-Python ray cast behind a bounding-box test answers one point in a few microseconds
(≈5,000 vertices in all; see `data/README.md` for the measurement against shapely), so the
normalizer needs no geometry library. The boundaries are simplified: a point within
`BOUNDARY_TOLERANCE_M` of a line may fall on either side, which callers allow for.
"""

from __future__ import annotations

import json
import math
from collections.abc import Sequence
from dataclasses import dataclass
from functools import cache
from importlib import resources

__all__ = ["BOUNDARY_TOLERANCE_M", "DistrictGeometry", "DistrictShape", "load_seoul_geometry"]

BOUNDARY_TOLERANCE_M = 150.0  # simplification error of the 2015 boundaries, with margin
_M_PER_DEGREE_LAT = 110_574.0
_M_PER_DEGREE_LON_AT_EQUATOR = 111_320.0

Ring = tuple[tuple[float, float], ...]  # (lon, lat) pairs, closed
Edge = tuple[float, float, float, float]  # x1, y1, x2, y2
_BANDS = 32  # latitude bands per district: a ray crosses only the edges of its band


@dataclass(frozen=True, slots=True)
class DistrictShape:
    """One district's boundary: polygons of rings (the first outer, the rest holes)."""

    code: str
    name: str
    name_en: str
    polygons: tuple[tuple[Ring, ...], ...]
    bbox: tuple[float, float, float, float]  # min lon, min lat, max lon, max lat
    centroid: tuple[float, float]  # (lat, lon), area-weighted
    bands: tuple[tuple[Edge, ...], ...]  # every ring's edges, by the latitude bands they span

    def contains(self, lat: float, lon: float) -> bool:
        """True when the point is inside (a point exactly on a line may go either way).

        Even-odd rule over the edges of every ring, so holes and islands count right."""
        min_lon, min_lat, max_lon, max_lat = self.bbox
        if not (min_lon <= lon <= max_lon and min_lat <= lat <= max_lat):
            return False
        band = min(_BANDS - 1, int((lat - min_lat) / (max_lat - min_lat) * _BANDS))
        inside = False
        for x1, y1, x2, y2 in self.bands[band]:
            if (y1 > lat) != (y2 > lat) and lon < x1 + (lat - y1) * (x2 - x1) / (y2 - y1):
                inside = not inside
        return inside

    def distance_m(self, lat: float, lon: float) -> float:
        """Metres from the point to the district: 0 inside, else to the nearest line."""
        return 0.0 if self.contains(lat, lon) else self.edge_distance_m(lat, lon)

    def edge_distance_m(self, lat: float, lon: float) -> float:
        """Metres from the point to the nearest line of the boundary, inside or out."""
        scale_x = _M_PER_DEGREE_LON_AT_EQUATOR * math.cos(math.radians(lat))
        best = math.inf
        for polygon in self.polygons:
            for ring in polygon:
                for (x1, y1), (x2, y2) in zip(ring, ring[1:], strict=False):
                    best = min(best, _segment_distance(
                        (x1 - lon) * scale_x, (y1 - lat) * _M_PER_DEGREE_LAT,
                        (x2 - lon) * scale_x, (y2 - lat) * _M_PER_DEGREE_LAT))
        return best


class DistrictGeometry:
    """Point-in-district lookups over a set of district shapes."""

    def __init__(self, shapes: Sequence[DistrictShape]) -> None:
        self.shapes = {shape.code: shape for shape in shapes}
        self._boxes = [(*shape.bbox, shape) for shape in shapes]

    def district_at(self, lat: float, lon: float) -> str | None:
        """The code of the district containing the point, or None outside every shape."""
        for min_lon, min_lat, max_lon, max_lat, shape in self._boxes:
            if min_lon <= lon <= max_lon and min_lat <= lat <= max_lat \
                    and shape.contains(lat, lon):
                return shape.code
        return None

    def distance_m(self, code: str, lat: float, lon: float) -> float | None:
        """Metres from the point to district `code` (0 inside); None for a district this
        geometry does not cover."""
        shape = self.shapes.get(code)
        return shape.distance_m(lat, lon) if shape else None


def _bands(polygons: tuple[tuple[Ring, ...], ...], min_lat: float, max_lat: float
           ) -> tuple[tuple[Edge, ...], ...]:
    height = (max_lat - min_lat) / _BANDS
    bands: list[list[Edge]] = [[] for _ in range(_BANDS)]
    for polygon in polygons:
        for ring in polygon:
            for (x1, y1), (x2, y2) in zip(ring, ring[1:], strict=False):
                low = max(0, int((min(y1, y2) - min_lat) / height))
                high = min(_BANDS - 1, int((max(y1, y2) - min_lat) / height))
                for band in range(low, high + 1):
                    bands[band].append((x1, y1, x2, y2))
    return tuple(tuple(band) for band in bands)


def _segment_distance(x1: float, y1: float, x2: float, y2: float) -> float:
    """Distance from the origin to the segment (x1, y1)–(x2, y2)."""
    dx, dy = x2 - x1, y2 - y1
    length2 = dx * dx + dy * dy
    t = 0.0 if length2 == 0 else max(0.0, min(1.0, -(x1 * dx + y1 * dy) / length2))
    return math.hypot(x1 + t * dx, y1 + t * dy)


def _centroid(polygons: tuple[tuple[Ring, ...], ...]) -> tuple[float, float]:
    """Area-weighted centroid (shoelace on lon/lat, fine at a city's scale), as (lat, lon)."""
    area = cx = cy = 0.0
    for polygon in polygons:
        for number, ring in enumerate(polygon):
            sign = 1.0 if number == 0 else -1.0  # holes subtract
            ring_area = ring_x = ring_y = 0.0
            for (x1, y1), (x2, y2) in zip(ring, ring[1:], strict=False):
                cross = x1 * y2 - x2 * y1
                ring_area += cross
                ring_x += (x1 + x2) * cross
                ring_y += (y1 + y2) * cross
            # Orientation varies between files: weigh each ring by its absolute area.
            orientation = 1.0 if ring_area >= 0 else -1.0
            area += sign * abs(ring_area)
            cx += sign * orientation * ring_x
            cy += sign * orientation * ring_y
    return cy / (3 * area), cx / (3 * area)


def _polygons(geometry: dict[str, object]) -> tuple[tuple[Ring, ...], ...]:
    raw = geometry["coordinates"]
    parts = [raw] if geometry["type"] == "Polygon" else raw
    assert isinstance(parts, list)
    polygons = []
    for part in parts:
        rings = []
        for ring in part:
            points = tuple((float(x), float(y)) for x, y in ring)
            rings.append(points if points[0] == points[-1] else (*points, points[0]))
        polygons.append(tuple(rings))
    return tuple(polygons)


@cache
def load_seoul_geometry() -> DistrictGeometry:
    """Seoul's 25 district boundaries (cached: the data is immutable)."""
    document = json.loads(resources.files("normalizer").joinpath(
        "data/seoul_municipalities_geo_simple.json").read_text(encoding="utf-8"))
    shapes = []
    for feature in document["features"]:
        properties, polygons = feature["properties"], _polygons(feature["geometry"])
        xs = [x for polygon in polygons for x, _ in polygon[0]]
        ys = [y for polygon in polygons for _, y in polygon[0]]
        shapes.append(DistrictShape(
            code=properties["SIG_CD"], name=properties["SIG_KOR_NM"],
            name_en=properties["SIG_ENG_NM"], polygons=polygons,
            bbox=(min(xs), min(ys), max(xs), max(ys)), centroid=_centroid(polygons),
            bands=_bands(polygons, min(ys), max(ys))))
    return DistrictGeometry(shapes)
