"""`sharehub bench …`: the benchmarks' command line (the benchmarks live in bench/, beside
the packages in a checkout; they are imported only when a benchmark runs)."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable
from typing import Any

from sharehub.settings import Settings

__all__ = ["add_bench_parser", "run_bench_command"]


def add_bench_parser(commands: Any) -> None:
    """The `bench` command and its benchmarks, on the CLI's subparsers."""
    bench = commands.add_parser("bench", help="benchmarks with side-by-side baselines")
    benches = bench.add_subparsers(dest="bench", required=True)
    normalize_bench = benches.add_parser("normalize", help="CSV rows/s through parsing and "
                                                           "normalization vs a plain baseline")
    normalize_bench.add_argument("--rows", type=int, default=50_000)
    normalize_bench.add_argument("--repeat", type=int, default=2, help="best of N runs")
    normalize_bench.add_argument("--json", action="store_true", help="print the figures as JSON")
    normalize_bench.add_argument("--no-report", action="store_true",
                                 help="leave bench/REPORT.md alone")
    crawl_bench = benches.add_parser("crawl", help="crawl a scaled sample world on loopback "
                                                   "(full, then mostly 304) vs a baseline")
    crawl_bench.add_argument("--platforms", type=int, default=200)
    crawl_bench.add_argument("--listings-per-platform", type=int, default=100)
    crawl_bench.add_argument("--latency-ms", default="50-100", metavar="N|LOW-HIGH",
                             help="wait before each answer (default 50-100, spread)")
    crawl_bench.add_argument("--workers", type=int, default=16, help="crawl threads")
    crawl_bench.add_argument("--parse-processes", type=int, default=0,
                             help="parse in a pool of N processes (default 0: in the threads)")
    index_bench = benches.add_parser("index", help="index and query: tantivy vs SQLite FTS5")
    index_bench.add_argument("--size", type=int, default=20_000, help="listings indexed")
    site_bench = benches.add_parser("site", help="the hub site's results pages over a large "
                                                 "index: server time, page weight, load")
    site_bench.add_argument("--size", type=int, default=100_000, help="listings indexed")
    site_bench.add_argument("--repeat", type=int, default=20, help="timed passes")
    site_bench.add_argument("--clients", type=int, default=50, help="clients at once")
    for command in (crawl_bench, index_bench, site_bench):
        command.add_argument("--json", action="store_true", help="print the figures as JSON")
        command.add_argument("--no-report", action="store_true",
                             help="leave bench/REPORT.md alone")


def run_bench_command(args: argparse.Namespace, settings: Settings) -> int:
    """Run `sharehub bench NAME`; returns the exit code."""
    try:  # bench/ sits beside the packages in a checkout; it is not installed
        from bench.commands import run_crawl, run_index, run_site
        from bench.normalize_bench import REPORT, bench_command
    except ModuleNotFoundError:
        print("sharehub bench: run it from the repository root (`python -m sharehub bench "
              "…`): the benchmarks live in its bench/ folder", file=sys.stderr)
        return 2
    def run_normalize() -> int:
        print(bench_command(args.rows, args.repeat, as_json=args.json,
                            report=None if args.no_report else REPORT))
        return 0

    benches: dict[str, Callable[[], int]] = {
        "normalize": run_normalize,
        "crawl": lambda: run_crawl(args),
        "index": lambda: run_index(args),
        "site": lambda: run_site(args),
    }
    return benches[args.bench]()
