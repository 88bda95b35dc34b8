"""`python -m hostile_platforms`: crawl the hostile platforms together with the healthy
sample platforms through the real pipeline, into a temporary data dir (or --data-dir),
and print what the hub recorded for each source; exit 1 when a source's run differs
from what is expected of it."""

from __future__ import annotations

import argparse
import json
import logging
import sys
import tempfile
from collections.abc import Sequence
from dataclasses import asdict
from pathlib import Path

from rich.console import Console
from rich.table import Table

from hostile_platforms.world import SourceReport, WorldReport, crawl_world, unmet_expectations

__all__ = ["main", "print_report"]


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="python -m hostile_platforms",
        description="Crawl hostile and healthy platforms on loopback and report the runs.")
    parser.add_argument("--data-dir", type=Path, default=None,
                        help="keep the catalog and index here (default: a temporary folder)")
    parser.add_argument("--json", action="store_true", help="print the report as JSON")
    parser.add_argument("-v", "--verbose", action="store_true", help="log the pipeline")
    return parser


def _row(table: Table, source: SourceReport) -> None:
    table.add_row(source.source_id, source.expected, source.status,
                  "; ".join(filter(None, (source.error, *source.record_errors[-2:]))),
                  f"{source.duration_s:.2f} s", str(source.catalog_listings))


def print_report(report: WorldReport, console: Console) -> None:
    """The run table, the collapse platform's second run, peak memory and times."""
    table = Table(title="sharehub in a hostile world")
    for column in ("source", "expected", "status", "error", "duration", "listings"):
        table.add_column(column, overflow="fold")
    for source in report.sources:
        _row(table, source)
    console.print(table)
    rerun = Table(title="second run of the collapse platform (new layout)")
    for column in ("source", "expected", "status", "error", "duration", "listings"):
        rerun.add_column(column, overflow="fold")
    _row(rerun, report.collapse_rerun)
    console.print(rerun)
    console.print(f"peak memory (ru_maxrss): {report.peak_rss_mb:.0f} MB; crawl "
                  f"{report.crawl_s:.1f} s; total {report.total_s:.1f} s")


def main(argv: Sequence[str] | None = None) -> int:
    """Run the hostile crawl; returns 0 when every expectation is met, else 1."""
    args = _parser().parse_args(argv)
    logging.basicConfig(level=logging.INFO if args.verbose else logging.ERROR,
                        format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    if args.data_dir is not None:
        args.data_dir.mkdir(parents=True, exist_ok=True)
        report = crawl_world(args.data_dir)
    else:
        with tempfile.TemporaryDirectory(prefix="sharehub-hostile-") as folder:
            report = crawl_world(Path(folder))
    problems = unmet_expectations(report)
    if args.json:
        print(json.dumps({**asdict(report), "unmet": problems}, ensure_ascii=False,
                         indent=2))
    else:
        console = Console(width=200)
        print_report(report, console)
        for problem in problems:
            console.print(f"[red]unexpected:[/red] {problem}")
        if not problems:
            console.print("every source recorded as expected")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
