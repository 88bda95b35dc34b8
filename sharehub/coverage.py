"""District × category coverage: how many listings each district has of each category."""

from __future__ import annotations

import csv
import io
import json
from collections import Counter
from collections.abc import Iterable

from rich.console import Console
from rich.table import Table

from normalizer.schema import Listing

__all__ = ["coverage_matrix", "render_coverage"]

Matrix = dict[str, Counter[str]]  # district name → category → count


def coverage_matrix(listings: Iterable[Listing]) -> Matrix:
    """Count listings per (district, category); listings without a district count under
    "(unknown)"."""
    matrix: Matrix = {}
    for listing in listings:
        loc = listing.location
        district = f"{loc.district_code} {loc.district_name}" if loc.district_code else \
            "(unknown)"
        matrix.setdefault(district, Counter())[listing.category] += 1
    return dict(sorted(matrix.items()))


def render_coverage(matrix: Matrix, fmt: str) -> str:
    """The matrix as "table", "csv" or "json" text."""
    categories = sorted({c for row in matrix.values() for c in row})
    if fmt == "json":
        return json.dumps({d: dict(row) for d, row in matrix.items()}, ensure_ascii=False,
                          indent=2)
    if fmt == "csv":
        out = io.StringIO()
        writer = csv.writer(out)
        writer.writerow(["district", *categories, "total"])
        for district, row in matrix.items():
            writer.writerow([district, *(row.get(c, 0) for c in categories),
                             sum(row.values())])
        return out.getvalue()
    table = Table(title="coverage: district × category")
    for column in ("district", *categories, "total"):
        table.add_column(column)
    for district, row in matrix.items():
        table.add_row(district, *(str(row.get(c, 0) or "·") for c in categories),
                      str(sum(row.values())))
    console = Console(file=io.StringIO(), width=200, force_terminal=False)
    console.print(table)
    return console.file.getvalue()  # type: ignore[attr-defined,no-any-return]
