"""Site benchmark: the hub's results pages over a large index, with same-run baselines.

`run_site_bench(size)` writes `size` synthetic listings (`bench.index_bench`'s corpus:
Seoul's 25 districts, kinds, categories, fees, hours) into a real catalog and tantivy
index, builds the real app (`hub_site.create_app`) and calls it in-process through ASGI
(no HTTP parsing, no network: the time is the server's own), measuring:

- server time p50/p95/p99 (ms) of results pages with facets: a text search with two
  districts and "free" ticked, and a browse page (a category and a district, no text),
  plus the home page and listing pages;
- page weight (KB): the HTML, and the HTML with the CSS and scripts it links (no images);
- throughput (requests/s) with 50 clients at once, and the errors seen (any non-200);
- two baselines in the same run: the same search straight against the index (what the
  site adds on top of the engine), and a static file through the same app (the
  framework's floor).

Each request comes from its own client address, so the search rate limit (a defence
against one client) does not turn the benchmark into a 429 benchmark.
`sharehub bench site [--size N] [--json]` (or `python -m bench site`) runs it and writes
its section of bench/REPORT.md (`bench.site_report.render_site_section`).
"""

from __future__ import annotations

import asyncio
import os
import platform
import random
import re
import statistics
import tempfile
import time
from collections.abc import Awaitable, Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlencode, urlsplit

from bench.index_bench import QUERY_TEXTS, iter_synthetic_listings
from bench.site_loopback import load_over_loopback
from hub_site import create_app
from index import Catalog, SearchQuery, TantivyIndex
from index.search_types import FacetName
from normalizer import Listing, Source
from sharehub.wiring import category_words

__all__ = ["PAGE_KB_TARGET", "P95_MS_TARGET", "run_site_bench"]

P95_MS_TARGET = 30.0
PAGE_KB_TARGET = 100.0
_NOW = datetime(2026, 11, 18, 3, 0, tzinfo=UTC)  # a Wednesday, noon in Seoul
_DISTRICTS = ["11110", "11140", "11290", "11440", "11560", "11650", "11680", "11710"]
_BROWSE = ["item.tools", "item.camping", "space.meeting_room", "space.study"]
_PAGE_SIZE = 20
_CHUNK = 5_000  # listings written to the catalog per run
_ASSET = re.compile(r'<(?:link[^>]+rel="stylesheet"[^>]+href|script[^>]+src)="([^"]+)"')
_Call = Callable[[str, int], Awaitable[tuple[int, bytes]]]


def _build_world(folder: Path, size: int, seed: int) -> list[str]:
    """Catalog + index of `size` listings under `folder`; returns some listing ids.

    Every `_CHUNK` listings come from one platform (a run is a platform's complete set),
    so 100,000 listings are 20 platforms and never sit in memory at once."""
    catalog = Catalog(folder / "catalog.sqlite3")
    chunk: list[Listing] = []
    sample_ids: list[str] = []

    def write(listings: list[Listing]) -> None:
        source_id = f"bench-{len(catalog.sources()) + 1:03d}"
        catalog.save_source(Source(id=source_id, name=f"공유 플랫폼 {source_id[-3:]}",
                                   kind="rss", url=f"https://{source_id}.example.kr/feed"),
                            _NOW)
        catalog.apply_run(source_id, [li.model_copy(update={"source_id": source_id})
                                      for li in listings],
                          started_at=_NOW - timedelta(hours=1),
                          finished_at=_NOW - timedelta(hours=1), invalid=0,
                          record_errors=[], etag=None, last_modified=None)

    for listing in iter_synthetic_listings(size, seed):
        chunk.append(listing)
        if len(sample_ids) < 20:
            sample_ids.append(listing.id)
        if len(chunk) == _CHUNK:
            write(chunk)
            chunk = []
    if chunk:
        write(chunk)
    index = TantivyIndex(folder / "index", category_words())
    index.rebuild(catalog.iter_listings(), catalog.change_seq())
    index.close()
    catalog.close()
    return sample_ids


def _asgi_caller(app: Any) -> _Call:
    """Call the ASGI app directly: (path with query, client number) → (status, body)."""
    async def call(target: str, client: int) -> tuple[int, bytes]:
        parts = urlsplit(target)
        scope = {"type": "http", "asgi": {"version": "3.0", "spec_version": "2.3"},
                 "http_version": "1.1", "method": "GET", "scheme": "http",
                 "path": parts.path, "raw_path": parts.path.encode(),
                 "query_string": parts.query.encode(), "root_path": "",
                 "headers": [(b"host", b"hub.bench"), (b"accept", b"text/html")],
                 "client": (f"10.{client // 65536 % 256}.{client // 256 % 256}."
                            f"{client % 256}", 40000), "server": ("hub.bench", 80)}
        status, chunks = 0, []
        sent = False

        async def receive() -> dict[str, Any]:
            nonlocal sent
            if not sent:
                sent = True
                return {"type": "http.request", "body": b"", "more_body": False}
            await asyncio.Event().wait()  # the client never hangs up mid-request
            return {"type": "http.disconnect"}

        async def send(message: dict[str, Any]) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = message["status"]
            elif message["type"] == "http.response.body":
                chunks.append(message.get("body", b""))

        await app(scope, receive, send)
        return status, b"".join(chunks)
    return call


def _percentiles(times: list[float]) -> dict[str, float]:
    cuts = statistics.quantiles(times, n=100) if len(times) > 1 else times * 99
    return {"p50": statistics.median(times), "p95": cuts[94], "p99": cuts[98],
            "requests": len(times)}


class _Clock:
    """Wall time and the process's CPU time of each timed call (ms). The CPU time is what
    the request itself costs, whatever else the machine is running."""

    def __init__(self) -> None:
        self.wall: list[float] = []
        self.cpu: list[float] = []
        self._started = (0.0, 0.0)

    def start(self) -> None:
        self._started = (time.perf_counter(), time.process_time())

    def stop(self) -> None:
        self.wall.append((time.perf_counter() - self._started[0]) * 1000)
        self.cpu.append((time.process_time() - self._started[1]) * 1000)

    def figures(self) -> dict[str, float]:
        cpu = _percentiles(self.cpu)
        return {**_percentiles(self.wall), "cpu_p50": cpu["p50"], "cpu_p95": cpu["p95"]}


def _targets(seed: int) -> dict[str, list[str]]:
    rng = random.Random(seed)
    results = []
    for text in QUERY_TEXTS:
        pairs = [("q", text), *(("district", d) for d in rng.sample(_DISTRICTS, 2)),
                 ("free", "1")]
        results.append("/search?" + urlencode(pairs))
    browse = ["/search?" + urlencode([("category", c), ("district", rng.choice(_DISTRICTS))])
              for c in _BROWSE]
    return {"results": results, "browse": browse}


def _index_query(target: str) -> SearchQuery:
    """The search a results URL runs, as the site builds it (text, filters, facets)."""
    query = parse_qs(urlsplit(target).query)
    facets: tuple[FacetName, ...] = ("category", "district", "source", "free")
    return SearchQuery(text=query.get("q", [""])[0],
                       categories=tuple(query.get("category", [])),
                       district_codes=tuple(query.get("district", [])),
                       free=True if query.get("free") else None, facets=facets,
                       limit=_PAGE_SIZE)


async def _timed(call: _Call, targets: list[str], repeat: int, errors: list[str],
                 baseline: Callable[[str], object] | None = None
                 ) -> tuple[_Clock, list[int], _Clock]:
    """Each target once to warm up, then `repeat` timed passes; returns the page clock,
    the body sizes and the clock of `baseline` (when given: run right after each request,
    so both see the same machine)."""
    sizes = []
    for n, target in enumerate(targets):
        status, body = await call(target, n)
        sizes.append(len(body))
        if status != 200:
            errors.append(f"{status} {target}")
        if baseline is not None:
            baseline(target)
    pages, engine = _Clock(), _Clock()
    for r in range(repeat):
        for n, target in enumerate(targets):
            pages.start()
            status, _ = await call(target, 1000 + r * len(targets) + n)
            pages.stop()
            if status != 200:
                errors.append(f"{status} {target}")
            if baseline is not None:
                engine.start()
                baseline(target)
                engine.stop()
    return pages, sizes, engine


async def _assets_kb(call: _Call, html: bytes) -> float:
    """The CSS and scripts a page links, fetched through the app (KB)."""
    total = 0
    for href in sorted(set(_ASSET.findall(html.decode("utf-8", "replace")))):
        if href.startswith("/"):
            _, body = await call(href.replace("&amp;", "&"), 0)
            total += len(body)
    return total / 1024


async def _load(call: _Call, targets: list[str], clients: int,
                per_client: int) -> dict[str, Any]:
    """`clients` at once, each making `per_client` requests back to back."""
    times: list[float] = []
    errors = 0

    async def client(number: int) -> None:
        nonlocal errors
        for i in range(per_client):
            target = targets[(number + i) % len(targets)]
            start = time.perf_counter()
            status, _ = await call(target, 20_000 + number * per_client + i)
            times.append((time.perf_counter() - start) * 1000)
            errors += status != 200

    start = time.perf_counter()
    await asyncio.gather(*(client(n) for n in range(clients)))
    wall = time.perf_counter() - start
    return {"clients": clients, "requests_per_s": len(times) / wall, "errors": errors,
            "latency_ms": _percentiles(times)}


def _measure(folder: Path, sample_ids: list[str], repeat: int, clients: int,
             per_client: int, seed: int) -> dict[str, Any]:
    catalog = Catalog(folder / "catalog.sqlite3", read_only=True)
    index = TantivyIndex(folder / "index", category_words())
    app = create_app(catalog=catalog, index=index, page_size=_PAGE_SIZE, clock=lambda: _NOW)
    call = _asgi_caller(app)
    targets = _targets(seed)
    pages = {**targets, "home": ["/"],
             "listing": [f"/listings/{i}" for i in sample_ids[:10]]}
    errors: list[str] = []

    def engine(target: str) -> object:  # the page's search, straight on the index
        return index.search(_index_query(target))

    async def run() -> dict[str, Any]:
        figures: dict[str, Any] = {}
        for name, paths in pages.items():
            clock, sizes, engine_clock = await _timed(
                call, paths, repeat, errors, engine if name == "results" else None)
            if engine_clock.wall:
                figures["baseline_index"] = {"server_ms": engine_clock.figures()}
            _, first = await call(paths[0], 0)
            html_kb = [size / 1024 for size in sizes]
            figures[name] = {"server_ms": clock.figures(),
                             "html_kb": {"mean": statistics.fmean(html_kb),
                                         "max": max(html_kb)},
                             "assets_kb": await _assets_kb(call, first)}
        static, _, _ = await _timed(call, ["/static/site.css"], repeat * 12, errors)
        figures["baseline_static"] = {"server_ms": static.figures()}
        figures["load"] = await _load(call, targets["results"] + targets["browse"], clients,
                                      per_client)
        return figures

    try:
        figures = asyncio.run(run())
        figures["load_loopback"] = load_over_loopback(
            app, targets["results"] + targets["browse"], clients, per_client)
    finally:
        index.close()
        catalog.close()
    figures["errors"] = errors
    return figures


def run_site_bench(size: int, *, repeat: int = 20, clients: int = 50,
                   per_client: int = 20, seed: int = 7) -> dict[str, Any]:
    """Build a `size`-listing world in a temp dir and measure the site on it.

    Returns JSON-ready figures: {"size", "machine", "build_seconds", "results", "browse",
    "home", "listing" (each: server_ms {p50, p95, p99, requests, cpu_p50, cpu_p95},
    html_kb {mean, max},
    assets_kb), "baseline_index", "baseline_static", "load" {clients, requests_per_s,
    errors, latency_ms}, "errors" (non-200 answers, as "status path"), "targets"}.
    """
    figures: dict[str, Any] = {
        "size": size, "page_size": _PAGE_SIZE,
        "machine": {"cpus": os.cpu_count(), "python": platform.python_version(),
                    "load_average": os.getloadavg()[0]}}
    with tempfile.TemporaryDirectory() as tmp:
        start = time.perf_counter()
        sample_ids = _build_world(Path(tmp), size, seed)
        figures["build_seconds"] = time.perf_counter() - start
        figures.update(_measure(Path(tmp), sample_ids, repeat, clients, per_client, seed))
    results = figures["results"]
    page_kb = max(figures[p]["html_kb"]["max"] + figures[p]["assets_kb"]
                  for p in ("results", "browse"))
    figures["targets"] = {
        "results_p95_ms_at_most_30": results["server_ms"]["p95"] <= P95_MS_TARGET,
        "page_kb_at_most_100": page_kb <= PAGE_KB_TARGET,
        "zero_errors": not figures["errors"] and figures["load"]["errors"] == 0
        and figures["load_loopback"]["errors"] == 0}
    return figures
