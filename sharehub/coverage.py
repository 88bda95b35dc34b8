"""`sharehub coverage`: the district × category matrix as a table, CSV or JSON."""

from __future__ import annotations

import io

from rich.console import Console
from rich.table import Table

from index.coverage import CoverageMatrix

__all__ = ["render_coverage"]


def _table(matrix: CoverageMatrix) -> str:
    table = Table(title=f"coverage: district × category ({len(matrix.districts)} districts, "
                        f"{len(matrix.gaps())} gaps marked !)")
    for column in ("district", *matrix.categories, "total"):
        table.add_column(column)
    for district in matrix.districts:
        cells = []
        for category in matrix.categories:
            cell = matrix.cell(district.code, category)
            cells.append("!" if cell.gap else str(cell.count) if cell.count else "·")
        table.add_row(f"{district.code} {district.short_name}", *cells,
                      str(matrix.district_total(district.code)))
    console = Console(file=io.StringIO(), width=240, force_terminal=False)
    console.print(table)
    if matrix.outside:
        console.print(f"{matrix.outside} listings outside these districts (or without one)")
    return console.file.getvalue()  # type: ignore[attr-defined,no-any-return]


def render_coverage(matrix: CoverageMatrix, fmt: str) -> str:
    """The matrix as "table" (gaps marked !), "csv" (one row per district) or "json"."""
    if fmt == "json":
        import json
        return json.dumps(matrix.to_json(), ensure_ascii=False, indent=2) + "\n"
    if fmt == "csv":
        return matrix.to_csv()
    return _table(matrix)
