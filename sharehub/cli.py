"""The `sharehub` command: preview, crawl, run, serve, demo, coverage, reindex, schedules."""

from __future__ import annotations

import argparse
import logging
import sys
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any, get_args

import yaml

from normalizer.schema import SourceKind
from sharehub.bench_cli import add_bench_parser, run_bench_command
from sharehub.schedules import ScheduleConfig
from sharehub.settings import Settings, read_secrets
from sharehub.sources_args import add_sources_parser
from sharehub.staff_wiring import add_staff_parser, record_coverage_snapshot, run_staff_command

__all__ = ["main"]


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="sharehub", description=__doc__)
    parser.add_argument("-v", "--verbose", action="store_true", help="log debug lines")
    commands = parser.add_subparsers(dest="command", required=True)

    preview = commands.add_parser("preview", help="dry-run a feed or file: print its listings")
    preview.add_argument("target", help="an http(s) URL or a local file")
    preview.add_argument("--kind", choices=sorted(get_args(SourceKind)),
                         help="the source kind (detected from the document when omitted; "
                              "needed for APIs, HTML spiders and schema.org sites)")
    preview.add_argument("--param", action="append", default=[], metavar="KEY=VALUE",
                         help="a kind parameter, as in schedules.yaml (value read as YAML)")
    preview.add_argument("--params-file", type=Path,
                         help="a YAML file with the kind's params mapping")
    preview.add_argument("--key-env", help="environment variable holding the API key")
    preview.add_argument("--district", help="the district the source serves, as a 5-digit "
                         "code or a name (default: from a data.go.kr file name)")
    preview.add_argument("--format", choices=["jsonl", "json"], default="jsonl")
    preview.add_argument("--allow-private", action="store_true",
                         help="allow loopback/private addresses (local test platforms)")

    for name, help_text in (("crawl", "refresh sources now and print the run report"),
                            ("run", "the scheduler and the site together (production)"),
                            ("serve", "the site alone, over the current index"),
                            ("reindex", "rebuild the search index from the catalog")):
        command = commands.add_parser(name, help=help_text)
        command.add_argument("--config", type=Path, help="schedules file (schedules.yaml)")
        if name == "crawl":
            command.add_argument("source_ids", nargs="*", metavar="SOURCE_ID")
            command.add_argument("--json", action="store_true", help="machine-readable report")
        if name in ("run", "serve"):
            command.add_argument("--port", type=int, help="site port (default 8000)")

    demo = commands.add_parser("demo", help="sample platforms + crawl + site, all on loopback")
    demo.add_argument("--port", type=int, help="site port (default 8000, or PORT)")

    coverage = commands.add_parser("coverage", help="district × category coverage matrix")
    coverage.add_argument("--format", choices=["table", "csv", "json"], default="table")
    coverage.add_argument("--region", help="a 시도 code, 'all' or district codes "
                          "(default: SHAREHUB_COVERAGE_REGION, Seoul)")
    coverage.add_argument("--snapshot", action="store_true",
                          help="also store today's district totals for the staff trends")

    schedules = commands.add_parser("schedules", help="schedules.yaml tools")
    schedules.add_argument("action", choices=["check"])
    schedules.add_argument("file", nargs="?", type=Path)

    add_sources_parser(commands)
    add_staff_parser(commands)  # sharehub staff add NAME ORG EMAIL (staff_wiring)

    evaluation = commands.add_parser("eval", help="measure search relevance (nDCG@10, "
                                                  "recall@20) on the sample world")
    evaluation.add_argument("target", choices=["search"])
    evaluation.add_argument("--backend", action="append", choices=["tantivy", "elasticsearch"],
                            help="backend to score (repeatable; default tantivy)")
    evaluation.add_argument("--queries", type=Path, help="judgments file "
                                                         "(tests/relevance/queries.yaml)")
    evaluation.add_argument("--json", action="store_true", help="machine-readable report")
    evaluation.add_argument("--verbose", dest="per_query", action="store_true",
                            help="also print every query's scores")

    export = commands.add_parser("export", help="write the catalog as Listing JSON Lines or "
                                                "HSDS 3.0 documents")
    export.add_argument("--format", choices=["jsonl", "hsds"], default="jsonl")
    export.add_argument("--output", type=Path, metavar="FILE|DIR",
                        help="jsonl: a file; hsds: a folder (services/, organizations/); "
                             "default: stdout, one document per line")

    add_bench_parser(commands)
    return parser


def _preview_params(args: argparse.Namespace) -> dict[str, Any]:
    """--params-file, then each --param KEY=VALUE (values read as YAML scalars/lists)."""
    from sharehub.preview import PreviewFailed

    params: dict[str, Any] = {}
    try:
        if args.params_file:
            loaded = yaml.safe_load(args.params_file.read_text(encoding="utf-8")) or {}
            if not isinstance(loaded, dict):
                raise PreviewFailed(f"{args.params_file}: params must be a mapping")
            params.update(loaded)
        for item in args.param:
            key, sep, value = item.partition("=")
            if not sep or not key:
                raise PreviewFailed(f"--param {item!r}: expected KEY=VALUE")
            params[key] = yaml.safe_load(value)
    except (OSError, yaml.YAMLError) as exc:
        raise PreviewFailed(f"cannot read the params: {exc}") from exc
    return params


def _cmd_preview(args: argparse.Namespace, settings: Settings) -> int:
    from sharehub.preview import PreviewFailed, format_report, run_preview

    limits = settings.fetch_limits(allow_private=args.allow_private)
    try:
        params = _preview_params(args)
        preview = run_preview(args.target, limits, args.kind, params=params,
                              key_env=args.key_env, secrets=read_secrets([args.key_env]),
                              district=args.district)
    except PreviewFailed as exc:
        print(f"sharehub preview: {exc}", file=sys.stderr)
        return 1
    listings = preview.result.listings
    if args.format == "json":
        print("[" + ",\n".join(li.model_dump_json() for li in listings) + "]")
    else:
        for listing in listings:
            print(listing.model_dump_json())
    format_report(preview, sys.stderr)
    return 0


def _load_config(args: argparse.Namespace, settings: Settings) -> ScheduleConfig:
    from sharehub.schedules import load_schedules

    return load_schedules(args.config or settings.config_file)


def _config_with_registrations(args: argparse.Namespace, settings: Settings) -> ScheduleConfig:
    """schedules.yaml plus the sources operators registered and staff approved."""
    from sharehub.registration import with_registered_sources
    from sharehub.wiring import open_operator_store

    store = open_operator_store(settings)
    try:
        return with_registered_sources(_load_config(args, settings), store)
    finally:
        store.close()


def _cmd_crawl(args: argparse.Namespace, settings: Settings) -> int:
    from sharehub.alert_check import check_alerts
    from sharehub.crawl import (
        crawl_sources,
        crawl_with_progress,
        print_runs,
        register_sources,
        runs_as_json,
        select_sources,
    )
    from sharehub.runtime import open_deps
    from sharehub.schedule_logging import CrawlRunLogger
    from sharehub.schedule_store import SchedulerLock

    config = _config_with_registrations(args, settings)
    # One writer per data folder: a crawl while `sharehub run` schedules would race it.
    with SchedulerLock(settings.data_dir), open_deps(settings, config) as deps:
        chosen = select_sources(config, args.source_ids, deps.secrets)
        register_sources(config, deps)
        # A progress bar on a terminal, else a structured log line per run.
        outcomes = (crawl_with_progress(chosen, deps) if sys.stderr.isatty()
                    else crawl_sources(chosen, deps, CrawlRunLogger()))
        check_alerts(settings, deps.catalog, config)
    if args.json:
        print(runs_as_json(outcomes))
    else:
        print_runs(outcomes)
    return 0 if all(o.run.status != "failed" for o in outcomes) else 2


def _cmd_serve(args: argparse.Namespace, settings: Settings, *, scheduler: bool) -> int:
    from sharehub.runtime import run_hub

    if args.port:
        settings = settings.model_copy(update={"site_port": args.port})
    run_hub(settings, _load_config(args, settings), crawl_first=False, with_scheduler=scheduler,
            config_path=(args.config or settings.config_file) if scheduler else None)
    return 0


def _cmd_demo(args: argparse.Namespace, settings: Settings) -> int:
    from sharehub.runtime import run_hub
    from sharehub.schedules import ScheduleConfig

    if args.port:
        settings = settings.model_copy(update={"site_port": args.port})
    run_hub(settings, ScheduleConfig(), crawl_first=True, with_scheduler=True, samples=True)
    return 0


def _cmd_reindex(args: argparse.Namespace, settings: Settings) -> int:
    from sharehub.pipeline import sync_index
    from sharehub.wiring import open_catalog, open_index

    catalog, index = open_catalog(settings), open_index(settings)
    try:
        sync_index(catalog, index, force=True)
        print(f"reindexed {catalog.count_listings()} listings", file=sys.stderr)
    finally:
        index.close()
        catalog.close()
    return 0


def _cmd_coverage(args: argparse.Namespace, settings: Settings) -> int:
    from index.coverage import build_coverage, load_baseline, region_districts
    from sharehub.coverage import render_coverage
    from sharehub.wiring import open_catalog

    try:
        districts = region_districts(args.region or settings.coverage_region)
        baseline = load_baseline(settings.coverage_baseline)
    except (ValueError, OSError) as exc:
        print(f"sharehub coverage: {exc}", file=sys.stderr)
        return 2
    catalog = open_catalog(settings)
    try:
        matrix = build_coverage(catalog.iter_listings(), districts, baseline)
    finally:
        catalog.close()
    if args.snapshot:
        record_coverage_snapshot(settings, matrix)
    print(render_coverage(matrix, args.format), end="")
    return 0


def _cmd_eval(args: argparse.Namespace, settings: Settings) -> int:
    from sharehub.eval_search import (
        DEFAULT_QUERIES_FILE,
        format_reports,
        reports_as_json,
        run_search_eval,
    )

    try:
        reports = run_search_eval(settings, args.backend or ["tantivy"],
                                  args.queries or DEFAULT_QUERIES_FILE)
    except (ValueError, OSError, RuntimeError) as exc:
        print(f"sharehub eval: {exc}", file=sys.stderr)
        return 2
    if args.json:
        print(reports_as_json(reports, verbose=args.per_query))
    else:
        print(format_reports(reports, verbose=args.per_query), end="")
    return 0


def _cmd_export(args: argparse.Namespace, settings: Settings) -> int:
    import json

    from index.errors import CatalogError
    from normalizer.export_hsds import hsds_export, hsds_files
    from normalizer.export_jsonl import listing_lines
    from sharehub.wiring import open_catalog

    if not settings.catalog_path.exists():
        print(f"sharehub export: no catalog at {settings.catalog_path} (run sharehub crawl "
              "first, or set SHAREHUB_DATA_DIR)", file=sys.stderr)
        return 1
    try:
        catalog = open_catalog(settings, read_only=True)
    except CatalogError as exc:
        print(f"sharehub export: {exc}", file=sys.stderr)
        return 1
    try:
        listings = list(catalog.iter_listings())
    finally:
        catalog.close()
    if args.format == "jsonl" and args.output:
        with args.output.open("w", encoding="utf-8") as out:
            out.writelines(listing_lines(listings))
    elif args.format == "jsonl":
        sys.stdout.writelines(listing_lines(listings))
    elif args.output is None:
        for service in hsds_export(listings).services:
            print(json.dumps(service, ensure_ascii=False))
    else:
        written = set()
        for relative, document in hsds_files(hsds_export(listings)):
            written.add(path := args.output / relative)
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(json.dumps(document, ensure_ascii=False, indent=2) + "\n",
                            encoding="utf-8")
        # Documents of an earlier export whose listing is gone would read as current.
        for folder in ("services", "organizations"):
            for stale in set((args.output / folder).glob("*-*-*-*-*.json")) - written:
                stale.unlink()
    print(f"exported {len(listings)} listings as {args.format}", file=sys.stderr)
    return 0


def _cmd_schedules(args: argparse.Namespace, settings: Settings) -> int:
    from sharehub.schedules import load_schedules

    path = args.file or settings.config_file
    config = load_schedules(path)
    secrets = read_secrets(s.key_env for s in config.sources)
    active = config.active_sources(secrets)
    waiting = [f"{s.id} ({s.key_env})" for s in config.sources
               if s.enabled and s not in active]
    print(f"{path}: {len(config.sources)} sources, {len(active)} active"
          + (f"; waiting for a key: {', '.join(waiting)}" if waiting else ""), file=sys.stderr)
    return 0


def _cmd_sources(args: argparse.Namespace, settings: Settings) -> int:
    from sharehub.schedule_status import print_statuses, read_states, source_statuses

    if args.action != "status":
        from sharehub.sources_cli import run_sources_command
        return run_sources_command(args, settings)
    config = _config_with_registrations(args, settings)
    print_statuses(source_statuses(config, read_states(settings.data_dir),
                                   read_secrets(s.key_env for s in config.sources)),
                   sys.stdout, as_json=args.json)
    return 0


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of the `sharehub` console script."""
    from sharehub.schedule_logging import structured_handler
    from sharehub.schedule_store import SchedulerBusy
    from sharehub.schedules import ConfigError

    args = _parser().parse_args(argv)
    # One line per event, with its fields as key=value (the `extra=` of each log call).
    logging.basicConfig(level=logging.DEBUG if args.verbose else logging.WARNING,
                        handlers=[structured_handler(sys.stderr)])
    # httpx logs every request URL, and some APIs carry their key in the path.
    logging.getLogger("httpx").setLevel(logging.WARNING)
    settings = Settings()
    handlers: dict[str, Callable[[argparse.Namespace, Settings], int]] = {
        "preview": _cmd_preview, "crawl": _cmd_crawl, "demo": _cmd_demo,
        "reindex": _cmd_reindex, "coverage": _cmd_coverage, "schedules": _cmd_schedules,
        "eval": _cmd_eval, "export": _cmd_export, "bench": run_bench_command,
        "sources": _cmd_sources, "staff": run_staff_command,
        "serve": lambda a, s: _cmd_serve(a, s, scheduler=False),
        "run": lambda a, s: _cmd_serve(a, s, scheduler=True),
    }
    try:
        return handlers[args.command](args, settings)
    except (ConfigError, SchedulerBusy) as exc:
        print(f"sharehub: {exc}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        return 130
    except BrokenPipeError:  # `sharehub preview … | head`: the reader has enough
        sys.stderr.close()
        return 0


if __name__ == "__main__":
    sys.exit(main())
