"""Crawl benchmark: sharehub's full crawl of a scaled world vs a naive baseline.

Baseline (measured in the same run): sequential GETs with one httpx client and
feedparser / the csv module, no politeness, no normalization, nothing stored. sharehub:
`crawl_sources` with its worker pool through the whole pipeline (fetch, normalize, catalog,
search index), then a second crawl where every platform answers 304. Each leg runs in its
own process so CPU time and peak memory are its own.
"""

from __future__ import annotations

import csv
import io
import json
import multiprocessing
import resource
import tempfile
import time
from pathlib import Path
from typing import Any

from bench.world import World

__all__ = ["run_crawl_bench"]


def _usage() -> dict[str, float]:
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return {"cpu_s": usage.ru_utime + usage.ru_stime, "peak_mb": usage.ru_maxrss / 1024}


def _baseline(urls: list[tuple[str, str]], out: Any) -> None:
    import feedparser
    import httpx

    start, items = time.perf_counter(), 0
    with httpx.Client(trust_env=False) as client:
        for kind, url in urls:
            body = client.get(url).content
            if kind == "rss":
                items += len(feedparser.parse(body).entries)
            else:
                items += len(list(csv.reader(io.StringIO(body.decode("cp949"))))) - 1
    out.send({"wall_s": time.perf_counter() - start, "listings": items, **_usage()})


def _sharehub(sources: list[dict[str, Any]], workers: int, out: Any) -> None:
    from sharehub.crawl import crawl_sources, register_sources
    from sharehub.runtime import demo_config, open_deps
    from sharehub.settings import Settings

    with tempfile.TemporaryDirectory() as tmp:
        settings = Settings(data_dir=Path(tmp))
        config = demo_config(sources)
        with open_deps(settings, config) as deps:
            register_sources(config, deps)
            legs = []
            for _ in range(2):
                start = time.perf_counter()
                outcomes = crawl_sources(config.sources, deps, workers=workers)
                legs.append({"wall_s": time.perf_counter() - start,
                             "listings": sum(o.run.added + o.run.unchanged for o in outcomes),
                             "statuses": sorted({o.run.status for o in outcomes}),
                             **_usage()})
    out.send(legs)


def _in_child(target: Any, *args: Any) -> Any:
    context = multiprocessing.get_context("spawn")
    receiver, sender = context.Pipe(duplex=False)
    process = context.Process(target=target, args=(*args, sender))
    process.start()
    result = receiver.recv()
    process.join()
    return result


def run_crawl_bench(platforms: int = 200, per_platform: int = 100, hosts: int = 20,
                    latency_s: float = 0.05, workers: int = 16) -> dict[str, Any]:
    """Run both legs against one world; returns every figure (JSON-ready)."""
    with World(platforms, per_platform, hosts, latency_s) as world:
        urls = [(p.kind, world.url(p)) for p in world.platforms]
        sources = [{"id": p.id, "name": f"플랫폼 {p.id}", "kind": p.kind, "url": world.url(p),
                    "provider_type": "company"} for p in world.platforms]
        baseline = _in_child(_baseline, urls)
        full, recrawl = _in_child(_sharehub, sources, workers)
    for leg in (baseline, full, recrawl):
        leg["requests_per_s"] = platforms / leg["wall_s"]
        leg["listings_per_s"] = leg["listings"] / leg["wall_s"]
    return {
        "world": {"platforms": platforms, "listings": platforms * per_platform,
                  "hosts": hosts, "latency_ms": latency_s * 1000, "workers": workers},
        "baseline": baseline, "sharehub_full": full, "sharehub_304": recrawl,
        "full_vs_baseline": baseline["wall_s"] / full["wall_s"],
        "recrawl_vs_full": full["wall_s"] / recrawl["wall_s"],
    }


if __name__ == "__main__":
    print(json.dumps(run_crawl_bench(), indent=2))
