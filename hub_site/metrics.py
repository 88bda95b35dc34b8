"""/metrics: the hub's figures in the Prometheus text exposition format (version 0.0.4).

Written by hand (a few gauges, no client library at run time): listings in total and per
source, runs by status, each source's last success as a Unix timestamp, quarantined runs
waiting for staff, and the search index's document count.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import datetime

__all__ = ["CONTENT_TYPE", "render_metrics"]

CONTENT_TYPE = "text/plain; version=0.0.4; charset=utf-8"


def _label(value: str) -> str:
    """A label value escaped as the format requires (backslash, quote, newline)."""
    return value.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n")


def _family(name: str, help_text: str, samples: Iterable[tuple[Mapping[str, str], float]],
            kind: str = "gauge") -> list[str]:
    lines = [f"# HELP {name} {help_text}", f"# TYPE {name} {kind}"]
    for labels, value in samples:
        rendered = ",".join(f'{k}="{_label(v)}"' for k, v in sorted(labels.items()))
        lines.append(f"{name}{{{rendered}}} {value:g}" if rendered else f"{name} {value:g}")
    return lines


def render_metrics(*, listings_by_source: Mapping[str, int],
                   runs_by_status: Mapping[str, int],
                   last_success: Mapping[str, datetime | None], quarantined: int,
                   index_documents: int | None) -> str:
    """The exposition text. Sources without a success get no last-success sample (an
    absent series, rather than a misleading 0)."""
    lines: list[str] = []
    lines += _family("sharehub_listings_total", "Listings in the catalog.",
                     [({}, float(sum(listings_by_source.values())))])
    lines += _family("sharehub_source_listings", "Listings in the catalog per source.",
                     [({"source": s}, float(n)) for s, n in sorted(listings_by_source.items())])
    lines += _family("sharehub_runs", "Crawl runs recorded in the catalog, by status.",
                     [({"status": s}, float(n)) for s, n in sorted(runs_by_status.items())])
    lines += _family("sharehub_source_last_success_timestamp_seconds",
                     "When each source last confirmed its listings (Unix time).",
                     [({"source": s}, moment.timestamp())
                      for s, moment in sorted(last_success.items()) if moment is not None])
    lines += _family("sharehub_quarantined_runs",
                     "Quarantined runs waiting for a staff decision.", [({}, float(quarantined))])
    if index_documents is not None:
        lines += _family("sharehub_index_documents", "Documents in the search index.",
                         [({}, float(index_documents))])
    return "\n".join(lines) + "\n"
