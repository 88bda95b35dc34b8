"""Run the benchmarks and write bench/REPORT.md: `python -m bench [--size N]`.

- normalize: documents per second through the real parsers (CSV in CP949, RSS).
- index: listings per second into tantivy (our backend) vs SQLite FTS5 with the same
  pre-tokenized bigrams (the zero-dependency baseline).
- query: median and p95 latency of ten Korean/English queries on both.
"""

from __future__ import annotations

import argparse
import platform
import sqlite3
import statistics
import tempfile
import time
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path

from bench.corpus import QUERIES, build_corpus, sample_documents
from index import SearchQuery, TantivyIndex
from index.analysis import bigram_terms, query_words
from normalizer import Listing, parse_document

REPORT = Path(__file__).with_name("REPORT.md")


def _timed(fn: Callable[[], object], repeat: int) -> list[float]:
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        fn()
        times.append((time.perf_counter() - start) * 1000)
    return times


def bench_normalize(repeat: int = 30) -> dict[str, float]:
    now = datetime(2026, 11, 21, tzinfo=UTC)
    results = {}
    for body, source in sample_documents():
        times = _timed(lambda b=body, s=source: parse_document(b, s, now), repeat)
        results[source.kind] = 1000 / statistics.median(times)
    return results


def _fts5_build(path: Path, corpus: list[Listing]) -> sqlite3.Connection:
    conn = sqlite3.connect(path)
    conn.execute("CREATE VIRTUAL TABLE docs USING fts5(id UNINDEXED, title, body)")
    with conn:
        conn.executemany("INSERT INTO docs VALUES (?, ?, ?)", [
            (li.id, bigram_terms(li.title), bigram_terms(li.description or ""))
            for li in corpus])
    return conn


def _fts5_query(conn: sqlite3.Connection, text: str) -> list[str]:
    phrases = " AND ".join('"' + " ".join(w.terms) + '"' for w in query_words(text))
    return [r[0] for r in conn.execute(
        "SELECT id FROM docs WHERE docs MATCH ? ORDER BY rank LIMIT 20", (phrases,))]


def bench_index(size: int) -> dict[str, float]:
    corpus = build_corpus(size)
    with tempfile.TemporaryDirectory() as tmp:
        index = TantivyIndex(Path(tmp) / "tantivy")
        start = time.perf_counter()
        index.rebuild(corpus)
        tantivy_rate = size / (time.perf_counter() - start)
        start = time.perf_counter()
        conn = _fts5_build(Path(tmp) / "fts5.sqlite3", corpus)
        fts5_rate = size / (time.perf_counter() - start)
        tantivy_ms, fts5_ms = [], []
        for query in QUERIES:
            tantivy_ms += _timed(lambda q=query: index.search(SearchQuery(text=q)), 20)
            fts5_ms += _timed(lambda q=query: _fts5_query(conn, q), 20)
        conn.close()
        index.close()
    return {
        "tantivy_docs_s": tantivy_rate, "fts5_docs_s": fts5_rate,
        "tantivy_p50": statistics.median(tantivy_ms),
        "tantivy_p95": statistics.quantiles(tantivy_ms, n=20)[18],
        "fts5_p50": statistics.median(fts5_ms),
        "fts5_p95": statistics.quantiles(fts5_ms, n=20)[18],
    }


def _row(label: str, figures: dict[str, float], engine: str) -> str:
    return (f"| {label} | {figures[engine + '_docs_s']:,.0f} | {figures[engine + '_p50']:.2f} "
            f"| {figures[engine + '_p95']:.2f} |")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--size", type=int, default=20_000, help="listings in the corpus")
    args = parser.parse_args()
    normalize = bench_normalize()
    idx = bench_index(args.size)
    ratio = idx["fts5_p50"] / idx["tantivy_p50"]
    report = f"""# sharehub benchmark report

Machine: {platform.machine()}, {platform.python_implementation()} {platform.python_version()},
SQLite {sqlite3.sqlite_version}. Command: `make bench` (`python -m bench --size {args.size}`).
One run; use the ratios, not the absolute figures.

## Normalize (real parsers on the sample platforms' documents)

| document | documents/s |
|---|---|
| CP949 district CSV (17 rows) | {normalize['csv']:.0f} |
| company RSS feed (18 items) | {normalize['rss']:.0f} |

## Index and query, {args.size:,} listings

Full text search returning the top 20 by relevance; the same Hangul-bigram terms in both.
Queries: {", ".join(QUERIES)}.

| engine | index docs/s | query p50 ms | query p95 ms |
|---|---|---|---|
{_row("tantivy (sharehub's backend; builds Listing objects for hits)", idx, "tantivy")}
{_row("SQLite FTS5, pre-tokenized bigrams (baseline; ids only)", idx, "fts5")}

Query p50 ratio FTS5 / tantivy: {ratio:.1f}×.
"""
    REPORT.write_text(report, encoding="utf-8")
    print(report)


if __name__ == "__main__":
    main()
