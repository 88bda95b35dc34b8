"""`python -m bench [index|crawl|site] …` and `sharehub bench index|crawl|site …`: run a benchmark,
print its figures and write its section of bench/REPORT.md."""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Sequence

__all__ = ["add_crawl_arguments", "add_index_arguments", "add_site_arguments", "main",
           "parse_latency", "run_crawl", "run_index", "run_site"]


def parse_latency(text: str) -> tuple[float, float]:
    """"75" → (75, 75); "50-100" → (50, 100). Raises ValueError for anything else."""
    low, _, high = text.partition("-")
    try:
        bounds = (float(low), float(high or low))
    except ValueError:
        raise ValueError(f"--latency-ms: expected N or LOW-HIGH milliseconds, not {text!r}") \
            from None
    if not 0 <= bounds[0] <= bounds[1]:
        raise ValueError(f"--latency-ms: expected 0 <= LOW <= HIGH, not {text!r}")
    return bounds


def add_crawl_arguments(parser: argparse.ArgumentParser) -> None:
    """The crawl benchmark's options (shared by `python -m bench` and `sharehub bench`)."""
    parser.add_argument("--platforms", type=int, default=200, help="platforms in the world")
    parser.add_argument("--listings-per-platform", type=int, default=100)
    parser.add_argument("--latency-ms", default="50-100", metavar="N|LOW-HIGH",
                        help="wait before every answer's first byte (default 50-100, spread "
                             "over the platforms)")
    parser.add_argument("--workers", type=int, default=16, help="sharehub's crawl threads")
    parser.add_argument("--parse-processes", type=int, default=0,
                        help="parse in a pool of N processes (default 0: in the threads)")
    parser.add_argument("--json", action="store_true", help="print the figures as JSON")
    parser.add_argument("--no-report", action="store_true", help="leave bench/REPORT.md alone")


def add_index_arguments(parser: argparse.ArgumentParser) -> None:
    """The index benchmark's options."""
    parser.add_argument("--size", type=int, default=20_000, help="listings in the corpus")
    parser.add_argument("--json", action="store_true", help="print the figures as JSON")
    parser.add_argument("--no-report", action="store_true", help="leave bench/REPORT.md alone")


def add_site_arguments(parser: argparse.ArgumentParser) -> None:
    """The site benchmark's options."""
    parser.add_argument("--size", type=int, default=100_000, help="listings in the index")
    parser.add_argument("--repeat", type=int, default=20, help="timed passes over the pages")
    parser.add_argument("--clients", type=int, default=50, help="clients at once under load")
    parser.add_argument("--json", action="store_true", help="print the figures as JSON")
    parser.add_argument("--no-report", action="store_true", help="leave bench/REPORT.md alone")


def _command_line(args: argparse.Namespace) -> str:
    return (f"sharehub bench crawl --platforms {args.platforms} --listings-per-platform "
            f"{args.listings_per_platform} --latency-ms {args.latency_ms} "
            f"--workers {args.workers}"
            + (f" --parse-processes {args.parse_processes}" if args.parse_processes else ""))


def run_crawl(args: argparse.Namespace) -> int:
    """Run the crawl benchmark with parsed options (add_crawl_arguments); prints JSON or
    Markdown. Returns the exit status: 2 for a bad option value."""
    from bench.crawl_bench import run_crawl_bench
    from bench.crawl_report import render_crawl_section
    from bench.report_file import write_section

    try:
        latency = parse_latency(args.latency_ms)
    except ValueError as exc:
        print(f"bench crawl: {exc}", file=sys.stderr)
        return 2
    figures = run_crawl_bench(args.platforms, args.listings_per_platform,
                              latency_ms=latency, workers=args.workers,
                              parse_processes=args.parse_processes)
    section = render_crawl_section(figures, _command_line(args))
    if not args.no_report:
        write_section("crawl-bench", section)
    print(json.dumps(figures, indent=2, ensure_ascii=False) if args.json else section)
    return 0


def run_index(args: argparse.Namespace) -> int:
    """Run the index and query benchmark with parsed options; prints JSON or Markdown."""
    from bench.index_bench import render_index_section, run_index_bench
    from bench.report_file import write_section

    figures = run_index_bench(args.size)
    section = render_index_section(figures)
    if not args.no_report:  # the default size has its section, any other size its own
        write_section("index-bench" if args.size == 100_000 else f"index-bench-{args.size}",
                      section)
    print(json.dumps(figures, indent=2) if args.json else section)
    return 0


def run_site(args: argparse.Namespace) -> int:
    """Run the site benchmark with parsed options (add_site_arguments); prints JSON or
    Markdown and writes the site-bench section of bench/REPORT.md."""
    from bench.report_file import write_section
    from bench.site_bench import run_site_bench
    from bench.site_report import render_site_section

    figures = run_site_bench(args.size, repeat=args.repeat, clients=args.clients)
    section = render_site_section(figures)
    if not args.no_report:
        write_section("site-bench", section)
    print(json.dumps(figures, indent=2, ensure_ascii=False) if args.json else section)
    return 0


def main(argv: Sequence[str] | None = None) -> int:
    """`python -m bench` runs index and crawl; `python -m bench index|crawl|site …` one."""
    parser = argparse.ArgumentParser(prog="python -m bench", description=__doc__)
    commands = parser.add_subparsers(dest="bench")
    add_index_arguments(commands.add_parser("index", help="index and query benchmark"))
    add_crawl_arguments(commands.add_parser("crawl", help="crawl benchmark"))
    add_site_arguments(commands.add_parser("site", help="hub site benchmark"))
    args = parser.parse_args(argv)
    if args.bench == "index":
        return run_index(args)
    if args.bench == "crawl":
        return run_crawl(args)
    if args.bench == "site":
        return run_site(args)
    return (run_index(parser.parse_args(["index"]))
            or run_crawl(parser.parse_args(["crawl"])))


if __name__ == "__main__":
    sys.exit(main())
