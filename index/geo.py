"""Geography for the embedded index: distances, boxes and grid cells that cover a circle.

Each listing with coordinates is indexed with the id of the grid cell it lies in at a few
levels (cells of 2^-level degrees: 1°, 0.25°, … 0.00024° ≈ 27 m). A radius filter is then
exact without scanning every point in its bounding box: `cover_circle` splits the circle
into cells wholly inside it (matched in the index, no arithmetic per listing) and a thin
ring of edge cells, whose few listings are checked with the haversine distance.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from index.search_types import BoundingBox, GeoPoint

__all__ = [
    "CELL_LEVELS",
    "EARTH_RADIUS_KM",
    "MAX_COVER_KM",
    "MIN_ROWS",
    "CircleCover",
    "bbox_around",
    "cell_id",
    "cell_ids",
    "cover_circle",
    "haversine_km",
]

EARTH_RADIUS_KM = 6371.0088
CELL_LEVELS = (0, 2, 4, 6, 8, 10, 12)  # each level's cell is 4 × 4 cells of the next
MAX_COVER_KM = 1500.0  # larger circles (rare: a whole country) fall back to a bounding box
# Rows of cells across a cover's finest level, at least: more rows make a thinner edge
# ring (fewer listings checked one by one) but more terms (2·rows edge cells, about as
# many inside). 16 rows: ≈ 600 terms in 0.8 ms of Python, an edge ring of ≈ 25 % of the
# circle's listings. Levels are 4× apart, so a cover has 1–4× this many rows.
MIN_ROWS = 16
_EPS_DEG = 1e-9  # keeps float rounding on the safe side: never call an edge cell inside
_KM_PER_DEG = math.pi * EARTH_RADIUS_KM / 180
_FINEST_SCALE = 1 << CELL_LEVELS[-1]
# (the level's bits of a cell id, how far the finest row/column shifts to this level)
_LEVEL_SHIFTS = tuple((level << 56, CELL_LEVELS[-1] - level) for level in CELL_LEVELS)


def haversine_km(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    """Great-circle distance in km between two points given in degrees."""
    p1, p2 = math.radians(lat1), math.radians(lat2)
    dp, dl = p2 - p1, math.radians(lon2 - lon1)
    h = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return 2 * EARTH_RADIUS_KM * math.asin(min(1.0, math.sqrt(h)))


def bbox_around(center: GeoPoint, radius_km: float) -> BoundingBox:
    """The smallest latitude/longitude box holding the circle. West > east means the box
    crosses the antimeridian; a circle that reaches a pole gets every longitude."""
    delta = radius_km / _KM_PER_DEG
    south, north = max(-90.0, center.lat - delta), min(90.0, center.lat + delta)
    half_width = _max_half_width_deg(center, radius_km)
    if half_width is None or south <= -90.0 or north >= 90.0:
        return BoundingBox(south=south, west=-180.0, north=north, east=180.0)
    west, east = center.lon - half_width, center.lon + half_width
    return BoundingBox(south=south, west=(west + 540.0) % 360.0 - 180.0, north=north,
                       east=(east + 540.0) % 360.0 - 180.0)


def cell_id(level: int, lat: float, lon: float) -> int:
    """The id of the level's grid cell holding the point (an i64 term of the index)."""
    scale = 1 << level
    row = min(int((lat + 90.0) * scale), 180 * scale - 1)
    col = int(((lon + 180.0) % 360.0) * scale)
    return _pack(level, row, col)


def cell_ids(lat: float, lon: float) -> list[int]:
    """The cells holding the point, one per level of CELL_LEVELS (as `cell_id`, inlined:
    this runs for every listing indexed). Row and column are computed once at the finest
    level and shifted for the others: scaling by a power of two is exact, so the floor of
    the finer one shifted right is the coarser one's floor."""
    row = min(int((lat + 90.0) * _FINEST_SCALE), 180 * _FINEST_SCALE - 1)
    col = int(((lon + 180.0) % 360.0) * _FINEST_SCALE)
    return [top | (row >> shift << 28) | (col >> shift) for top, shift in _LEVEL_SHIFTS]


def _pack(level: int, row: int, col: int) -> int:
    # columns are taken modulo the circumference, so a cover may cross the antimeridian
    return (level << 56) | (row << 28) | (col % (360 << level))


@dataclass(frozen=True, slots=True)
class CircleCover:
    """Cells wholly inside a circle (`inside`) and cells it only crosses (`edge`)."""

    inside: list[int]
    edge: list[int]


def _half_width(center: GeoPoint, delta: float, lat_deg: float) -> float | None:
    """Half the longitude span (degrees) of the circle at a latitude; None outside it."""
    phi0, phi = math.radians(center.lat), math.radians(lat_deg)
    denominator = math.cos(phi0) * math.cos(phi)
    if denominator <= 0.0:
        return None
    c = (math.cos(delta) - math.sin(phi0) * math.sin(phi)) / denominator
    if c > 1.0 + 1e-12:
        return None
    return math.degrees(math.acos(max(-1.0, min(1.0, c))))


def _max_half_width_deg(center: GeoPoint, radius_km: float) -> float | None:
    """The widest longitude half-span of the circle, or None when it reaches a pole."""
    delta = radius_km / EARTH_RADIUS_KM
    ratio = math.sin(math.radians(center.lat)) / math.cos(delta) if delta < math.pi / 2 else 2
    if abs(ratio) >= 1.0:
        return None
    return _half_width(center, delta, math.degrees(math.asin(ratio)))


def cover_circle(center: GeoPoint, radius_km: float,
                 min_rows: int = MIN_ROWS) -> CircleCover | None:
    """Split a circle into grid cells: `inside` cells lie wholly within `radius_km` of
    `center`, `edge` cells cross its boundary (their listings need a distance check), and
    no other cell holds a point of the circle.

    Works row by row at a fine level (at least `min_rows` rows across it): in each row of
    cells the circle spans one run of columns, and a cell is inside when its four corners
    are. Inside cells are then merged into coarser cells wherever a whole one fits, so a
    cover has a few hundred terms. Returns None for circles larger than MAX_COVER_KM, or
    that reach a pole (callers use a bounding box then).
    """
    if radius_km <= 0 or radius_km > MAX_COVER_KM:
        return None
    widest = _max_half_width_deg(center, radius_km)
    if widest is None or widest >= 90.0:
        return None
    delta = radius_km / EARTH_RADIUS_KM
    delta_deg = math.degrees(delta)
    fine = next((lv for lv in CELL_LEVELS if 2 * delta_deg * (1 << lv) >= min_rows),
                CELL_LEVELS[-1])
    size = 1.0 / (1 << fine)
    south, north = center.lat - delta_deg, center.lat + delta_deg
    # latitude where the circle is widest: clamp it into a row to get that row's span
    widest_lat = math.degrees(math.asin(math.sin(math.radians(center.lat)) / math.cos(delta)))
    first_row = int((south + 90.0) / size)
    last_row = int((north + 90.0) / size)
    inner: dict[int, tuple[int, int]] = {}
    edge: list[int] = []
    # the circle's half-width on each line between rows: each is the top of one row and
    # the bottom of the next
    lines = [_half_width(center, delta, row * size - 90.0)
             for row in range(first_row, last_row + 2)]
    for index, row in enumerate(range(first_row, last_row + 1)):
        low, high = row * size - 90.0, (row + 1) * size - 90.0
        span_lat = min(max(widest_lat, max(low, south)), min(high, north))
        outer_half = _half_width(center, delta, span_lat)
        if outer_half is None:
            continue
        outer = (int((center.lon - outer_half - _EPS_DEG + 180.0) // size),
                 int((center.lon + outer_half + _EPS_DEG + 180.0) // size))
        inside = _inside_columns(center, lines[index], lines[index + 1], size)
        if inside is not None and south <= low and high <= north:
            inner[row] = inside
            edge += [_pack(fine, row, c) for c in range(outer[0], inside[0])]
            edge += [_pack(fine, row, c) for c in range(inside[1] + 1, outer[1] + 1)]
        else:
            edge += [_pack(fine, row, c) for c in range(outer[0], outer[1] + 1)]
    return CircleCover(inside=_merge_inside(inner, fine), edge=edge)


def _inside_columns(center: GeoPoint, low: float | None, high: float | None,
                    size: float) -> tuple[int, int] | None:
    """Columns of a row whose cells have all four corners inside the circle, given the
    circle's half-widths on the row's bottom and top lines."""
    if low is None or high is None:
        return None
    half = min(low, high) - _EPS_DEG
    first = math.ceil((center.lon - half + 180.0) / size)
    last = math.floor((center.lon + half + 180.0) / size) - 1
    return (first, last) if first <= last else None


def _merge_inside(inner: dict[int, tuple[int, int]], fine: int) -> list[int]:
    """Inside cells of the fine level as few cells as possible: each fine cell is given by
    the coarsest cell that holds it and lies wholly inside. Coarse to fine, per group of
    rows: the columns covered by the coarser level are one run (within the run the group
    allows), so each group adds at most two runs of new cells."""
    terms: list[int] = []
    covered: dict[int, tuple[int, int]] = {}  # row group of the previous level → its columns
    previous: int | None = None
    for level in (lv for lv in CELL_LEVELS if fine - 6 <= lv <= fine):
        block = 1 << (fine - level)
        groups: dict[int, tuple[int, int]] = {}
        for group in sorted({row // block for row in inner}):
            rows = [inner.get(r) for r in range(group * block, (group + 1) * block)]
            spans = [r for r in rows if r is not None]
            if len(spans) < block:
                continue
            first = -(-max(r[0] for r in spans) // block)  # ceil
            last = (min(r[1] for r in spans) + 1) // block - 1
            if first > last:
                continue
            groups[group] = (first, last)
            skip = (1, 0)  # an empty run
            if previous is not None and (parent := covered.get(group >> (level - previous))):
                factor = 1 << (level - previous)
                skip = (parent[0] * factor, (parent[1] + 1) * factor - 1)
            if skip[0] > skip[1]:
                runs = [range(first, last + 1)]
            else:  # the covered run sits inside [first, last]: what is left of it
                runs = [range(first, min(last, skip[0] - 1) + 1),
                        range(max(first, skip[1] + 1), last + 1)]
            terms += [_pack(level, group, c) for run in runs for c in run]
        covered, previous = groups, level
    return terms
