"""Crawl benchmark: sharehub's crawl of a scaled world next to a naive baseline, same run.

Legs, each in its own spawned process so its CPU time and peak memory are its own:

- baseline: sequential GETs with one httpx client, then feedparser (RSS), json (JSON
  Feed) or the csv module (CSV) on each body; no politeness, no robots.txt, no
  normalization, nothing stored. What a quick script would do.
- sharehub full: `crawl_sources` through the whole pipeline (robots.txt, per-host budget
  at the default settings, conditional GET, normalize, catalog, search index) into an
  empty data folder.
- sharehub 304: the world changes one record on every `revise_every`-th platform, and the
  same process crawls again (robots.txt still cached, as in the long-running scheduler):
  most platforms answer 304.

Throughput is listings per second of wall time; both crawls fetch the same documents, so
the ratio is also the ratio of document requests per second. Request counts are the
world's own (robots.txt included).
"""

from __future__ import annotations

import csv
import io
import json
import multiprocessing
import os
import platform as platform_info
import resource
import tempfile
import time
from collections.abc import Callable
from multiprocessing.connection import Connection
from pathlib import Path
from typing import Any

from bench.world import World

__all__ = ["LegFigures", "run_crawl_bench"]

LegFigures = dict[str, Any]


def _peak_rss_mb() -> float:
    """Peak resident memory of this process since the last reset (VmHWM), in MiB."""
    try:
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    except OSError:
        pass
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def _reset_peak_rss() -> None:
    """Start a new peak-memory window (Linux: writing 5 to clear_refs resets VmHWM)."""
    try:
        Path("/proc/self/clear_refs").write_text("5")
    except OSError:
        pass


def _cpu_s(who: int) -> float:
    usage = resource.getrusage(who)
    return usage.ru_utime + usage.ru_stime


def _measured(run: Callable[[], dict[str, Any]]) -> LegFigures:
    """Run one leg: wall time, CPU time of this process and of its children (the parse
    pool, counted once it has ended), peak memory, the load average around it (the
    machine may be running other work) and the leg's own figures."""
    _reset_peak_rss()
    load = os.getloadavg()[0]
    own, children = _cpu_s(resource.RUSAGE_SELF), _cpu_s(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    figures = run()
    wall = time.perf_counter() - start
    own, children = (_cpu_s(resource.RUSAGE_SELF) - own,
                     _cpu_s(resource.RUSAGE_CHILDREN) - children)
    return {"wall_s": wall, "cpu_s": own + children, "crawl_process_cpu_s": own,
            "parse_pool_cpu_s": children, "peak_rss_mb": _peak_rss_mb(),
            "child_peak_rss_mb": resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024,
            "load_average": [round(load, 2), round(os.getloadavg()[0], 2)], **figures}


def _baseline_leg(documents: list[tuple[str, str]], out: Connection) -> None:
    import feedparser
    import httpx

    def crawl() -> dict[str, Any]:
        listings = 0
        with httpx.Client(trust_env=False) as client:
            for kind, url in documents:
                body = client.get(url).content
                if kind == "rss":
                    listings += len(feedparser.parse(body).entries)
                elif kind == "json_feed":
                    listings += len(json.loads(body)["items"])
                else:
                    listings += len(list(csv.reader(io.StringIO(body.decode("cp949"))))) - 1
        return {"listings": listings}

    out.send(_measured(crawl))


def _sharehub_legs(sources: list[dict[str, Any]], workers: int, parse_processes: int,
                   out: Connection) -> None:
    from index import SearchQuery
    from sharehub.crawl import crawl_sources, register_sources
    from sharehub.runtime import demo_config, open_deps
    from sharehub.settings import Settings

    with tempfile.TemporaryDirectory() as tmp:
        settings = Settings(data_dir=Path(tmp))
        config = demo_config(sources)
        with open_deps(settings, config) as deps:
            register_sources(config, deps)

            def crawl() -> dict[str, Any]:
                outcomes = crawl_sources(config.sources, deps, workers=workers,
                                         parse_processes=parse_processes)
                runs: dict[str, int] = {}
                for outcome in outcomes:
                    runs[outcome.run.status] = runs.get(outcome.run.status, 0) + 1
                return {"listings": sum(o.run.added + o.run.updated + o.run.unchanged
                                        for o in outcomes),
                        "added": sum(o.run.added for o in outcomes),
                        "updated": sum(o.run.updated for o in outcomes),
                        "runs": runs,
                        "errors": sorted({o.run.error for o in outcomes if o.run.error})[:5],
                        "catalog_listings": deps.catalog.count_listings(),
                        "index_documents": deps.index.search(SearchQuery(limit=1)).total}

            out.send(_measured(crawl))
            out.recv()  # the world has changed: crawl again
            out.send(_measured(crawl))
            out.send({"host_min_delay_s": settings.crawl_host_min_delay_s,
                      "host_max_concurrent": settings.crawl_host_max_concurrent,
                      "workers": workers, "parse_processes": parse_processes})


def _spawn(target: Callable[..., None], *args: Any) -> tuple[Any, Connection]:
    context = multiprocessing.get_context("spawn")
    ours, theirs = context.Pipe()
    process = context.Process(target=target, args=(*args, theirs))
    process.start()
    return process, ours


def _with_requests(world: World, run: Callable[[], LegFigures]) -> LegFigures:
    before = dict(world.requests)
    figures = run()
    by_status = {str(status): count - before.get(status, 0)
                 for status, count in sorted(world.requests.items())
                 if count - before.get(status, 0)}
    requests = sum(by_status.values())
    figures.update(requests=requests, requests_by_status=by_status,
                   requests_per_s=requests / figures["wall_s"],
                   listings_per_s=figures["listings"] / figures["wall_s"],
                   cpu_ms_per_listing=1000 * figures["cpu_s"] / max(figures["listings"], 1))
    return figures


def run_crawl_bench(platforms: int = 200, per_platform: int = 100, *,
                    latency_ms: tuple[float, float] = (50.0, 100.0), workers: int = 16,
                    parse_processes: int = 0, revise_every: int = 20
                    ) -> dict[str, Any]:
    """Build the world, run the baseline leg and the two sharehub legs against it.

    Returns every figure as JSON-ready data: the world, each leg (wall and CPU seconds,
    peak memory, requests and listings per second), the two ratios and whether the
    targets (full crawl ≥ 10× the baseline's throughput, re-crawl ≥ 5× faster than the
    full crawl) are met. Raises RuntimeError when a leg's process dies.
    """
    with World(platforms, per_platform, latency_ms=latency_ms) as world:
        documents = [(p.kind, world.url(p)) for p in world.platforms]
        sources = [{"id": p.id, "name": f"플랫폼 {p.id}", "kind": p.kind, "url": world.url(p),
                    "provider_type": "public" if p.kind == "csv" else "company"}
                   for p in world.platforms]
        baseline = _with_requests(world, lambda: _run_child(_baseline_leg, documents))
        process, pipe = _spawn(_sharehub_legs, sources, workers, parse_processes)
        full = _with_requests(world, lambda: _receive(pipe, "sharehub full crawl"))
        revised = world.revise(revise_every)
        pipe.send("go")
        recrawl = _with_requests(world, lambda: _receive(pipe, "sharehub re-crawl"))
        crawl_settings = _receive(pipe, "sharehub settings")
        process.join()
    full_ratio = full["listings_per_s"] / baseline["listings_per_s"]
    recrawl_ratio = full["wall_s"] / recrawl["wall_s"]
    kinds = {kind: sum(p.kind == kind for p in world.platforms)
             for kind in ("csv", "rss", "json_feed")}
    return {
        "world": {"platforms": platforms, "hosts": len(world.hosts),
                  "listings": world.listings, "listings_per_platform": per_platform,
                  "platforms_by_kind": kinds, "latency_ms": list(latency_ms),
                  "robots_txt_hosts": world.robots_hosts, "revised_for_recrawl": len(revised)},
        "machine": {"cpus": multiprocessing.cpu_count(), "arch": platform_info.machine(),
                    "python": platform_info.python_version()},
        "sharehub_settings": crawl_settings,
        "baseline": baseline, "sharehub_full": full, "sharehub_304": recrawl,
        "full_vs_baseline_throughput": full_ratio,
        "recrawl_speedup_vs_full": recrawl_ratio,
        "targets": {"full_at_least_10x_baseline": full_ratio >= 10,
                    "recrawl_at_least_5x_faster": recrawl_ratio >= 5},
    }


def _run_child(target: Callable[..., None], *args: Any) -> Any:
    process, pipe = _spawn(target, *args)
    result = _receive(pipe, "baseline")
    process.join()
    return result


def _receive(pipe: Connection, what: str) -> Any:
    try:
        return pipe.recv()
    except EOFError as exc:
        raise RuntimeError(f"the {what} process died without reporting") from exc


if __name__ == "__main__":
    print(json.dumps(run_crawl_bench(), indent=2, ensure_ascii=False))
