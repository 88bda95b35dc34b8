"""Sparklines drawn server-side as SVG polyline points (numbers only, so the template
needs no markup marked safe and the page needs no JavaScript)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

__all__ = ["SPARK_HEIGHT", "SPARK_WIDTH", "Sparkline", "sparkline"]

SPARK_WIDTH = 120
SPARK_HEIGHT = 24
_PAD = 2


@dataclass(frozen=True, slots=True)
class Sparkline:
    """`points` for <polyline points=...>; `low`/`high`/`last` for the text alternative."""

    points: str
    low: int
    high: int
    last: int | None


def sparkline(values: Sequence[int | None], width: int = SPARK_WIDTH,
              height: int = SPARK_HEIGHT) -> Sparkline:
    """The polyline of `values` (oldest first) scaled into width × height, y growing
    upwards; None values (days without data) are skipped. A flat series draws a line
    along the bottom."""
    known = [v for v in values if v is not None]
    if not known:
        return Sparkline("", 0, 0, None)
    low, high = min(known), max(known)
    span = max(high - low, 1)
    step = (width - 2 * _PAD) / max(len(values) - 1, 1)
    points = []
    for i, value in enumerate(values):
        if value is None:
            continue
        x = _PAD + i * step
        y = height - _PAD - (value - low) / span * (height - 2 * _PAD)
        points.append(f"{x:.1f},{y:.1f}")
    return Sparkline(" ".join(points), low, high, known[-1])
