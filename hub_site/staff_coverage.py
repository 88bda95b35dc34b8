"""The staff coverage page's view-model: the district × category matrix (index/coverage.py)
as table rows with counts, freshness and gaps, the choropleth map of district totals, and
each district's 30-day trend from the daily snapshots (index/coverage_history.py)."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from hub_site.choropleth import MapShape, build_choropleth
from hub_site.dates import KST, format_datetime, time_ago
from hub_site.i18n import Translator
from hub_site.staff_charts import Sparkline, sparkline
from hub_site.staff_views import StaffPage
from index.coverage import Baseline, CoverageMatrix, build_coverage
from index.coverage_history import CoverageHistory
from normalizer.gazetteer import District
from normalizer.schema import Listing

__all__ = ["CoverageCellView", "CoverageRow", "CoverageView", "coverage_view"]


@dataclass(frozen=True, slots=True)
class CoverageCellView:
    category: str
    count: int
    gap: bool
    expected: bool
    freshness: str  # "3시간 전" of the oldest confirmation, or ""
    oldest: str | None


@dataclass(frozen=True, slots=True)
class CoverageRow:
    code: str
    name: str
    total: int
    gaps: int
    cells: list[CoverageCellView]
    trend: Sparkline


@dataclass(frozen=True, slots=True)
class CoverageView:
    staff: StaffPage | None
    matrix: CoverageMatrix
    categories: list[tuple[str, str]]  # (code, label)
    rows: list[CoverageRow]
    shapes: list[MapShape] | None
    map_size: tuple[float, float]

    def to_json(self) -> dict[str, Any]:
        data = self.matrix.to_json()
        data["trends"] = {row.code: {"low": row.trend.low, "high": row.trend.high,
                                     "last": row.trend.last} for row in self.rows}
        return data


def coverage_view(listings: Iterable[Listing], districts: Sequence[District],
                  baseline: Baseline, labels: dict[str, str], t: Translator, now: datetime,
                  staff: StaffPage | None, history: CoverageHistory | None) -> CoverageView:
    """Build the matrix and its views; with `history`, today's snapshot is stored first
    (so the trend ends with today) and the last 30 days are read back."""
    matrix = build_coverage(listings, list(districts), baseline)
    trends: dict[str, list[int | None]] = {}
    if history is not None:
        today = now.astimezone(KST).date()
        history.record(today, matrix)
        trends = history.series(today)
    rows = []
    for district in matrix.districts:
        cells = []
        for category in matrix.categories:
            cell = matrix.cell(district.code, category)
            oldest = cell.oldest_confirmed
            cells.append(CoverageCellView(
                category, cell.count, cell.gap, cell.expected,
                time_ago(oldest, now, t) if oldest else "", format_datetime(oldest)))
        rows.append(CoverageRow(district.code, district.name.split()[-1],
                                matrix.district_total(district.code),
                                sum(1 for c in cells if c.gap), cells,
                                sparkline(trends.get(district.code, []))))
    drawn = build_choropleth({row.code: row.total for row in rows})
    shapes, size = (drawn[0], (drawn[1], drawn[2])) if drawn else (None, (0.0, 0.0))
    categories = [(code, labels.get(code, code)) for code in matrix.categories]
    return CoverageView(staff, matrix, categories, rows, shapes, size)
