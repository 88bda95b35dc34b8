"""Index benchmark: the embedded tantivy index next to a plain SQLite FTS5 baseline.

`run_index_bench(size)` builds `size` synthetic Korean/English listings (`bench.corpus`
spread over Seoul's 25 districts, three years, realistic hours, fees and providers), then
for each engine measures, in the same run on the same listings:

- indexing throughput (listings/s): tantivy through `TantivyIndex.rebuild` (the whole
  document: Hangul bigrams, Kiwi morphology, initial consonants, filter fields, the stored
  Listing); FTS5 with the same bigram terms, the filter columns and the Listing JSON;
- query latency p50/p95/p99 (ms) of a text query with two filters (two districts, free)
  and three facet counts (category, district, kind), returning whole Listings;
- peak resident memory of the process during the engine's phase (Linux VmHWM, reset
  before each phase). Listings are built while they are indexed, 20,000 at a time, so
  this is the engine's memory plus one chunk of listings, at any size.

`sharehub bench index --size N [--json]` (or `python -m bench index`) runs it and writes
its section of bench/REPORT.md (`render_index_section`).
"""

from __future__ import annotations

import os
import platform
import random
import sqlite3
import statistics
import tempfile
import textwrap
import time
from collections.abc import Callable, Iterable, Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from bench.corpus import build_corpus
from index import SearchQuery, TantivyIndex
from index.analysis import bigram_terms
from index.korean import shared_morphology
from index.search_types import FacetName
from normalizer.schema import Hours, Listing, WeeklyHours
from sharehub.wiring import category_words

__all__ = ["QUERY_TEXTS", "iter_synthetic_listings", "render_index_section", "run_index_bench",
           "synthetic_listings"]

# code, name, south, west, north, east: a box around each district's centre
_DISTRICTS = [
    ("11110", "종로구", 37.57, 126.96, 37.60, 127.01),
    ("11140", "중구", 37.55, 126.97, 37.57, 127.02),
    ("11170", "용산구", 37.52, 126.95, 37.55, 127.01),
    ("11200", "성동구", 37.54, 127.01, 37.57, 127.06),
    ("11215", "광진구", 37.53, 127.06, 37.56, 127.10),
    ("11230", "동대문구", 37.57, 127.03, 37.60, 127.07),
    ("11260", "중랑구", 37.58, 127.07, 37.62, 127.11),
    ("11290", "성북구", 37.58, 126.99, 37.62, 127.05),
    ("11305", "강북구", 37.62, 126.99, 37.66, 127.04),
    ("11320", "도봉구", 37.64, 127.01, 37.69, 127.05),
    ("11350", "노원구", 37.62, 127.05, 37.68, 127.10),
    ("11380", "은평구", 37.59, 126.90, 37.65, 126.95),
    ("11410", "서대문구", 37.56, 126.91, 37.59, 126.96),
    ("11440", "마포구", 37.54, 126.88, 37.57, 126.95),
    ("11470", "양천구", 37.51, 126.83, 37.54, 126.88),
    ("11500", "강서구", 37.54, 126.79, 37.58, 126.87),
    ("11530", "구로구", 37.48, 126.82, 37.51, 126.90),
    ("11545", "금천구", 37.44, 126.88, 37.48, 126.91),
    ("11560", "영등포구", 37.50, 126.88, 37.54, 126.93),
    ("11590", "동작구", 37.48, 126.91, 37.51, 126.98),
    ("11620", "관악구", 37.46, 126.90, 37.49, 126.97),
    ("11650", "서초구", 37.45, 126.98, 37.50, 127.06),
    ("11680", "강남구", 37.48, 127.02, 37.53, 127.08),
    ("11710", "송파구", 37.48, 127.08, 37.52, 127.14),
    ("11740", "강동구", 37.52, 127.12, 37.56, 127.17),
]
_WEEKDAYS = ["mon", "tue", "wed", "thu", "fri"]
_EVERY_DAY = [*_WEEKDAYS, "sat", "sun"]
_HOURS = [
    ("월~금 09:00~18:00 (공휴일 휴무)", _WEEKDAYS, "09:00", "18:00"),
    ("화~일 10:00~22:00", _EVERY_DAY[1:], "10:00", "22:00"),
    ("24시간", _EVERY_DAY, "00:00", "24:00"),
    ("매일 18:00~02:00", _EVERY_DAY, "18:00", "02:00"),
    ("평일 09:30~17:30 (휴관일 제외)", _WEEKDAYS, "09:30", "17:30"),
]
_WORDS = ("대여 무료 나눔 공유 빌려드립니다 주민센터 도서관 체육관 회의실 세미나실 공구 캠핑 텐트 "
          "자전거 유모차 우산 주차장 강당 공유주방 스터디룸 미싱 사다리 드릴 아이젠 침낭 버너 "
          "코펠 카시트 보행기 projector ladder camping bicycle stroller meeting room kitchen "
          "sharing library tools").split()
_CATEGORIES = {"item": ["item.tools", "item.camping", "item.baby", "item.books"],
               "space": ["space.meeting_room", "space.hall", "space.kitchen", "space.study"],
               "vehicle": ["vehicle.bike", "vehicle.car"], "program": ["program.class"]}
_PROVIDERS = ["public", "public", "public", "company", "nonprofit", "community", "unknown"]
QUERY_TEXTS = ["드릴", "텐트", "회의실", "공구", "공유주방", "마포구 드릴", "meeting room",
               "캠핑텐트", "스터디룸", "주차장", "자전거 대여", "camping"]
_CHUNK = 20_000  # listings built at a time (≈ 200 MB of Listing objects)
_FACETS: tuple[FacetName, ...] = ("category", "district", "kind")


def synthetic_listings(size: int, seed: int = 7) -> list[Listing]:
    """`size` varied listings with unique ids, built on `bench.corpus.build_corpus`."""
    return list(iter_synthetic_listings(size, seed))


def iter_synthetic_listings(size: int, seed: int = 7,
                            chunk: int = _CHUNK) -> Iterator[Listing]:
    """The same listings as `synthetic_listings` for sizes up to `chunk`; larger sizes
    are built `chunk` at a time (ids made unique per chunk), so a million listings never
    sit in memory at once."""
    rng = random.Random(seed)
    start = datetime(2024, 1, 1, tzinfo=UTC)
    for part, first in enumerate(range(0, size, chunk)):
        for listing in build_corpus(min(chunk, size - first), seed + part):
            code, name, south, west, north, east = rng.choice(_DISTRICTS)
            kind = rng.choice(list(_CATEGORIES))
            hours_text, days, opens, closes = rng.choice(_HOURS)
            seen = start + timedelta(minutes=rng.randrange(3 * 365 * 24 * 60))
            yield listing.model_copy(update={
                "id": f"{listing.id}-{part}" if part else listing.id,
                "title": f"{name} {listing.title} {rng.choice(_WORDS)}",
                "description": f"{listing.description or ''} "
                               f"{' '.join(rng.sample(_WORDS, 4))}",
                "kind": kind, "category": rng.choice(_CATEGORIES[kind]),
                "provider": listing.provider.model_copy(update={
                    "type": rng.choice(_PROVIDERS)}),
                "location": listing.location.model_copy(update={
                    "district_code": code, "district_name": name, "sido_code": "11",
                    "lat": rng.uniform(south, north), "lon": rng.uniform(west, east)}),
                "hours": Hours(text=hours_text, weekly=[
                    WeeklyHours(days=list(days), opens=opens, closes=closes)]),
                "fee": listing.fee.model_copy(update={"free": rng.random() < 0.6}),
                "first_seen_at": seen, "last_seen_at": seen})


def _queries(seed: int) -> list[SearchQuery]:
    rng = random.Random(seed)
    return [SearchQuery(text=text, district_codes=tuple(d[0] for d in rng.sample(_DISTRICTS, 2)),
                        free=True, facets=_FACETS) for text in QUERY_TEXTS]


def _reset_peak_rss() -> None:
    try:  # Linux: "5" resets the peak resident set size (VmHWM) of this process
        Path("/proc/self/clear_refs").write_text("5", encoding="ascii")
    except OSError:
        pass


def _peak_rss_mb() -> float | None:
    try:
        status = Path("/proc/self/status").read_text(encoding="ascii")
    except OSError:
        return None
    line = next((li for li in status.splitlines() if li.startswith("VmHWM:")), None)
    return int(line.split()[1]) / 1024 if line else None


def _folder_mb(path: Path) -> float:
    return sum(f.stat().st_size for f in path.rglob("*") if f.is_file()) / 2**20


def _latencies(run: Callable[[SearchQuery], object], queries: list[SearchQuery],
               repeat: int) -> dict[str, float]:
    for query in queries:  # warm caches (query analysis, page cache) before timing
        run(query)
    times, cpu = [], []
    for _ in range(repeat):
        for query in queries:
            start, start_cpu = time.perf_counter(), time.process_time()
            run(query)
            times.append((time.perf_counter() - start) * 1000)
            cpu.append((time.process_time() - start_cpu) * 1000)
    cuts = statistics.quantiles(times, n=100)
    return {"p50": statistics.median(times), "p95": cuts[94], "p99": cuts[98],
            "queries": len(times), "cpu_p50": statistics.median(cpu),
            "cpu_p95": statistics.quantiles(cpu, n=100)[94]}


def _fts5_build(path: Path, listings: Iterable[Listing]) -> sqlite3.Connection:
    conn = sqlite3.connect(path)
    conn.execute("CREATE VIRTUAL TABLE docs USING fts5(title, body, kind UNINDEXED, "
                 "category UNINDEXED, district UNINDEXED, free UNINDEXED)")
    conn.execute("CREATE TABLE listings (rowid INTEGER PRIMARY KEY, document TEXT)")
    with conn:
        for rowid, li in enumerate(listings, 1):
            body = " ".join(p for p in (li.description, li.location.address,
                                        " ".join(i.name for i in li.items)) if p)
            conn.execute("INSERT INTO docs (rowid, title, body, kind, category, district, free) "
                         "VALUES (?, ?, ?, ?, ?, ?, ?)",
                         (rowid, bigram_terms(li.title), bigram_terms(body), li.kind,
                          li.category, li.location.district_code or "none",
                          "true" if li.fee.free else "false"))
            conn.execute("INSERT INTO listings VALUES (?, ?)", (rowid, li.model_dump_json()))
    return conn


def _fts5_search(conn: sqlite3.Connection, query: SearchQuery) -> list[Listing]:
    """The same search on FTS5: each word a bigram phrase, filters, facets, the page."""
    match = " AND ".join('"' + bigram_terms(word) + '"' for word in query.text.split()
                         if bigram_terms(word))
    where = ("docs MATCH ? AND district IN (" + ",".join("?" * len(query.district_codes))
             + ") AND free = 'true'")
    args = (match, *query.district_codes)
    for facet in query.facets:
        conn.execute(f"SELECT {facet}, count(*) FROM docs WHERE {where} GROUP BY {facet}",
                     args).fetchall()
    rows = conn.execute(f"SELECT l.document FROM docs JOIN listings l ON l.rowid = docs.rowid "
                        f"WHERE {where} ORDER BY rank LIMIT 20", args).fetchall()
    return [Listing.model_validate_json(row[0]) for row in rows]


def _phase(work: Callable[[], dict[str, Any]]) -> dict[str, Any]:
    _reset_peak_rss()
    figures = work()
    figures["peak_rss_mb"] = _peak_rss_mb()
    return figures


def run_index_bench(size: int, *, repeat: int | None = None, seed: int = 7) -> dict[str, Any]:
    """Measure both engines on `size` listings; returns a JSON-ready dict of figures:
    {"size", "machine", "tantivy": {...}, "fts5": {...}}, each engine with
    index_listings_per_s, index_seconds, index_cpu_seconds (every thread, building the
    listings taken out), query_ms {p50, p95, p99, queries, cpu_p50, cpu_p95}, peak_rss_mb
    and disk_mb. `repeat` runs the query set (12 queries) that many times (default 20,
    3 above 200,000 listings, where one FTS5 query takes seconds)."""
    # seconds (wall, CPU) spent building listings, taken out of the index times
    building = [0.0, 0.0]

    def listings() -> Iterator[Listing]:  # built afresh for each engine: never all in memory
        building[:] = [0.0, 0.0]
        source = iter_synthetic_listings(size, seed)
        while True:
            start, start_cpu = time.perf_counter(), time.thread_time()
            listing = next(source, None)
            building[0] += time.perf_counter() - start
            building[1] += time.thread_time() - start_cpu
            if listing is None:
                return
            yield listing

    repeat = repeat if repeat is not None else (20 if size <= 200_000 else 3)
    queries = _queries(seed)
    figures: dict[str, Any] = {
        "size": size, "query": "text + 2 filters (2 districts, free) + 3 facets, top 20",
        "machine": {"cpus": os.cpu_count(), "python": platform.python_version(),
                    "sqlite": sqlite3.sqlite_version, "load_average": os.getloadavg()[0],
                    "start_rss_mb": _peak_rss_mb()}}
    with tempfile.TemporaryDirectory() as tmp:
        def tantivy_phase() -> dict[str, Any]:
            start = time.perf_counter()
            shared_morphology().analyse(["공구"])  # the Kiwi model loads once per process
            model_seconds = time.perf_counter() - start
            index = TantivyIndex(Path(tmp) / "tantivy", category_words())
            start, start_cpu = time.perf_counter(), time.process_time()
            index.rebuild(listings())
            seconds = time.perf_counter() - start - building[0]
            cpu_seconds = time.process_time() - start_cpu - building[1]
            latency = _latencies(index.search, queries, repeat)
            index.close()
            return {"index_seconds": seconds, "index_listings_per_s": size / seconds,
                    "index_cpu_seconds": cpu_seconds,
                    "kiwi_load_seconds": model_seconds, "query_ms": latency,
                    "disk_mb": _folder_mb(Path(tmp) / "tantivy")}

        def fts5_phase() -> dict[str, Any]:
            start, start_cpu = time.perf_counter(), time.process_time()
            conn = _fts5_build(Path(tmp) / "fts5.sqlite3", listings())
            seconds = time.perf_counter() - start - building[0]
            cpu_seconds = time.process_time() - start_cpu - building[1]
            latency = _latencies(lambda q: _fts5_search(conn, q), queries, repeat)
            conn.close()
            return {"index_seconds": seconds, "index_listings_per_s": size / seconds,
                    "index_cpu_seconds": cpu_seconds,
                    "query_ms": latency, "disk_mb": _folder_mb(Path(tmp)) - _folder_mb(
                        Path(tmp) / "tantivy")}

        figures["tantivy"] = _phase(tantivy_phase)
        figures["fts5"] = _phase(fts5_phase)
    return figures


def _engine_row(label: str, f: dict[str, Any]) -> str:
    q = f["query_ms"]
    peak = f"{f['peak_rss_mb']:,.0f}" if f.get("peak_rss_mb") is not None else "n/a"
    return (f"| {label} | {f['index_listings_per_s']:,.0f} | {q['p50']:.2f} | {q['p95']:.2f} "
            f"| {q['p99']:.2f} | {peak} | {f['disk_mb']:,.0f} |")


def _cpu_row(label: str, f: dict[str, Any], size: int) -> str:
    q = f["query_ms"]
    return (f"| {label} | {size / f['index_cpu_seconds']:,.0f} | {q['cpu_p50']:.2f} "
            f"| {q['cpu_p95']:.2f} |")


def render_index_section(figures: dict[str, Any]) -> str:
    """The index-bench section of bench/REPORT.md (Markdown) for `run_index_bench`'s
    figures, with the issue's targets and whether this run meets them."""
    size, tantivy = figures["size"], figures["tantivy"]
    machine = figures["machine"]
    p95_target = 10.0 if size <= 100_000 else 50.0
    rate_ok = tantivy["index_listings_per_s"] >= 10_000
    p95_ok = tantivy["query_ms"]["p95"] <= p95_target
    about = textwrap.fill(
        f"Command: `sharehub bench index --size {size}` (`python -m bench index`). "
        f"{machine['cpus']} CPUs, CPython {machine['python']}, SQLite {machine['sqlite']}; "
        f"load average at the start {machine['load_average']:.1f}. One run: use the ratios "
        "more than the absolute figures.", 92)
    method = textwrap.fill(
        "Listings: `bench.corpus` spread over Seoul's 25 districts, three years of "
        "first-seen times, five weekly-hours patterns, fees, providers and kinds. Query: "
        f"{figures['query']}, returning whole Listings; {len(QUERY_TEXTS)} texts "
        f"({', '.join(QUERY_TEXTS)}), each with two random districts, "
        f"{tantivy['query_ms']['queries']:,} timed runs. Indexing includes all analysis "
        "(tantivy: Hangul bigrams, Kiwi morphemes, initial consonants, filter, geo and hours "
        "fields, the stored Listing; FTS5: the same bigrams, filter columns and the Listing "
        f"JSON); the Kiwi model loads once before ({tantivy['kiwi_load_seconds']:.1f} s). "
        "Listings are built while they are indexed, 20,000 at a time (the time spent "
        "building them is not counted); peak RSS is the "
        "process's during each phase (it started at "
        f"{machine['start_rss_mb'] or 0:,.0f} MB).", 92)
    return f"""## Index and query, {size:,} listings

{about}

{method}

| engine | index listings/s | p50 ms | p95 ms | p99 ms | peak RSS MB | disk MB |
|---|---|---|---|---|---|---|
{_engine_row("tantivy (sharehub's embedded index)", tantivy)}
{_engine_row("SQLite FTS5, pre-tokenized bigrams (baseline)", figures["fts5"])}

Targets (2-core machine): ≥ 10,000 listings/s indexed: {"met" if rate_ok else "not met"};
p95 ≤ {p95_target:.0f} ms at this size: {"met" if p95_ok else "not met"}.

CPU time of the same runs, all of the process's threads (what the work costs whatever
else the machine runs; on two idle cores the wall clock can go below it, as tantivy
indexes and counts facets on its own threads):

| engine | listings per CPU-second | query CPU p50 ms | query CPU p95 ms |
|---|---|---|---|
{_cpu_row("tantivy", tantivy, size)}
{_cpu_row("SQLite FTS5", figures["fts5"], size)}
"""
