"""Relevance you can measure: graded judgments over the sample world, nDCG@10 and recall@20.

The judged world is every listing of every sample platform, crawled in process from the
bundled simulators exactly as `make demo` crawls them (real fetchers, real parsers), so
listing ids are the stable `listing_id(source_id, source_record_id)` of production. The
judgments (`tests/relevance/queries.yaml`) grade listings 0–3 per query:

    3  exactly what the query asks for (the thing, in the place, on the terms asked)
    2  the thing, but a constraint only partly met (it lends it among other things, …)
    1  related and still useful (the thing in another district, a near substitute)
    0  not relevant (the default for every listing not named)

nDCG@10 uses gains 2^grade − 1; recall@20 counts listings graded 1 or more.
"""

from __future__ import annotations

import json
import math
import tempfile
import time
from collections.abc import Iterator, Sequence
from contextlib import AbstractContextManager, contextmanager
from dataclasses import asdict, dataclass
from pathlib import Path

import yaml

from index import SearchIndex, SearchQuery, TantivyIndex
from normalizer.schema import Listing, listing_id
from sharehub.settings import Settings

__all__ = [
    "BACKENDS",
    "DEFAULT_QUERIES_FILE",
    "BackendReport",
    "JudgedQuery",
    "QueryScore",
    "build_sample_world",
    "evaluate_backend",
    "format_reports",
    "load_judgments",
    "ndcg_at",
    "recall_at",
    "reports_as_json",
    "run_search_eval",
]

DEFAULT_QUERIES_FILE = Path(__file__).resolve().parent.parent / "tests" / "relevance" / (
    "queries.yaml")
_STABLE_ORIGIN = "http://sample-platforms.invalid"
NDCG_DEPTH = 10
RECALL_DEPTH = 20

BACKENDS = ("tantivy", "elasticsearch")


@dataclass(frozen=True, slots=True)
class JudgedQuery:
    """One query and its graded listings (listing id → grade 1..3; the rest are 0)."""

    text: str
    grades: dict[str, int]
    tags: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class QueryScore:
    text: str
    ndcg: float
    recall: float
    returned: int
    top: list[str]  # the first listing ids returned, for --verbose


@dataclass(frozen=True, slots=True)
class BackendReport:
    backend: str
    ndcg_at_10: float
    recall_at_20: float
    queries: list[QueryScore]
    listings: int
    index_seconds: float
    search_ms_mean: float


def load_judgments(path: Path = DEFAULT_QUERIES_FILE) -> list[JudgedQuery]:
    """Read the judgments file: a list of {query, tags?, judgments: {listing_id: grade}}.

    Raises ValueError when an entry is malformed, a grade is outside 0..3, or a query has
    no listing graded above 0 (nDCG is undefined there)."""
    raw = yaml.safe_load(path.read_text(encoding="utf-8"))
    entries = raw.get("queries") if isinstance(raw, dict) else None
    if not isinstance(entries, list):
        raise ValueError(f"{path}: expected a mapping with a 'queries' list")
    judged = []
    for entry in entries:
        text, grades = entry.get("query"), entry.get("judgments") or {}
        if not isinstance(text, str) or not isinstance(grades, dict):
            raise ValueError(f"{path}: bad entry {entry!r}")
        if any(not isinstance(g, int) or not 0 <= g <= 3 for g in grades.values()):
            raise ValueError(f"{path}: query {text!r} has a grade outside 0..3")
        positive = {str(k): int(v) for k, v in grades.items() if v > 0}
        if not positive:
            raise ValueError(f"{path}: query {text!r} has no relevant listing")
        judged.append(JudgedQuery(text, positive, tuple(entry.get("tags") or ())))
    return judged


def ndcg_at(ranked: Sequence[str], grades: dict[str, int], k: int = NDCG_DEPTH) -> float:
    """Normalized discounted cumulative gain of `ranked` ids at depth k (gains 2^g − 1)."""
    def dcg(values: Sequence[int]) -> float:
        return sum((2.0 ** g - 1) / math.log2(i + 2) for i, g in enumerate(values[:k]))

    ideal = dcg(sorted(grades.values(), reverse=True))
    return dcg([grades.get(i, 0) for i in ranked]) / ideal if ideal else 0.0


def recall_at(ranked: Sequence[str], grades: dict[str, int], k: int = RECALL_DEPTH) -> float:
    """Share of the listings graded 1+ that appear in the first k of `ranked`."""
    relevant = {i for i, g in grades.items() if g > 0}
    return len(relevant & set(ranked[:k])) / len(relevant) if relevant else 0.0


def build_sample_world(workdir: Path) -> list[Listing]:
    """Start the sample platforms on loopback, crawl every source into a catalog under
    `workdir`, and return its listings. Raises RuntimeError when a source fails, since a
    partial world would make every score meaningless."""
    from sample_platforms import SamplePlatforms, sample_sources
    from sharehub.crawl import crawl_sources, register_sources
    from sharehub.runtime import demo_config, open_deps

    settings = Settings(data_dir=workdir, crawl_host_min_delay_s=0)
    with SamplePlatforms(host="127.0.0.1", port=0) as platforms:
        config = demo_config(sample_sources(platforms.base_url))
        with open_deps(settings, config, platforms.secrets()) as deps:
            register_sources(config, deps)
            outcomes = crawl_sources(config.sources, deps)
            failed = [f"{o.source_id}: {o.run.error}" for o in outcomes
                      if o.run.status != "ok"]
            if failed:
                raise RuntimeError("sample world incomplete: " + "; ".join(failed))
            listings = [_without_port(li, platforms.base_url)
                        for li in deps.catalog.iter_listings()]
    return sorted(listings, key=lambda li: li.id)


def _without_port(listing: Listing, base_url: str) -> Listing:
    """The district HTML site's records are keyed by their detail URL, which on loopback
    carries a random port: key them by a fixed origin so the judged ids stay the same."""
    if base_url not in listing.source_record_id:
        return listing
    record_id = listing.source_record_id.replace(base_url, _STABLE_ORIGIN)
    return listing.model_copy(update={
        "source_record_id": record_id, "id": listing_id(listing.source_id, record_id)})


def evaluate_backend(name: str, index: SearchIndex, world: Sequence[Listing],
                     queries: Sequence[JudgedQuery]) -> BackendReport:
    """Index `world` into `index` (a fresh backend), run every query, and score it."""
    started = time.perf_counter()
    index.rebuild(world)
    index_seconds = time.perf_counter() - started
    scores, elapsed = [], 0.0
    for judged in queries:
        started = time.perf_counter()
        results = index.search(SearchQuery(text=judged.text, limit=RECALL_DEPTH))
        elapsed += time.perf_counter() - started
        ranked = [hit.listing.id for hit in results.hits]
        scores.append(QueryScore(judged.text, ndcg_at(ranked, judged.grades),
                                 recall_at(ranked, judged.grades), results.total,
                                 ranked[:NDCG_DEPTH]))
    count = max(1, len(scores))
    return BackendReport(name, sum(s.ndcg for s in scores) / count,
                         sum(s.recall for s in scores) / count, scores, len(world),
                         index_seconds, 1000 * elapsed / count)


@contextmanager
def _elasticsearch_backend(url: str) -> Iterator[SearchIndex]:
    """A throwaway alias on the cluster, so the eval never touches the live listings;
    its version indices are deleted afterwards."""
    from elasticsearch import Elasticsearch

    from index.elasticsearch_index import ElasticsearchIndex
    from sharehub.wiring import category_words

    alias = f"sharehub-eval-{time.time_ns()}"
    index = ElasticsearchIndex.connect(url, alias=alias, category_words=category_words())
    try:
        yield index
    finally:
        index.close()
        with Elasticsearch(url) as client:
            client.indices.delete(index=f"{alias}-v*", ignore_unavailable=True)


@contextmanager
def _tantivy_backend(directory: Path) -> Iterator[SearchIndex]:
    from sharehub.wiring import category_words

    index = TantivyIndex(directory, category_words())
    try:
        yield index
    finally:
        index.close()


def _open_backend(name: str, settings: Settings, directory: Path,
                  ) -> AbstractContextManager[SearchIndex]:
    if name == "tantivy":
        return _tantivy_backend(directory)
    if name == "elasticsearch" and settings.elasticsearch_url:
        return _elasticsearch_backend(settings.elasticsearch_url)
    raise ValueError(f"backend {name!r} is not available here "
                     "(elasticsearch needs SHAREHUB_ELASTICSEARCH_URL)")


def run_search_eval(settings: Settings, backends: Sequence[str] = ("tantivy",),
                    queries_file: Path = DEFAULT_QUERIES_FILE) -> list[BackendReport]:
    """Build the sample world once and score each named backend on it.

    Raises ValueError for a backend that is unknown or not configured (Elasticsearch
    needs SHAREHUB_ELASTICSEARCH_URL)."""
    for name in backends:
        if name not in BACKENDS or (name == "elasticsearch" and not settings.elasticsearch_url):
            raise ValueError(f"backend {name!r} is not available here "
                             "(elasticsearch needs SHAREHUB_ELASTICSEARCH_URL)")
    queries = load_judgments(queries_file)
    with tempfile.TemporaryDirectory(prefix="sharehub-eval-") as tmp:
        world = build_sample_world(Path(tmp) / "world")
        reports = []
        for name in backends:
            with _open_backend(name, settings, Path(tmp) / name) as index:
                reports.append(evaluate_backend(name, index, world, queries))
    return reports


def format_reports(reports: Sequence[BackendReport], *, verbose: bool = False) -> str:
    """A plain-text table: one line per backend, and per query with `verbose`."""
    lines = []
    for report in reports:
        lines.append(f"{report.backend}: nDCG@10 {report.ndcg_at_10:.3f}  "
                     f"recall@20 {report.recall_at_20:.3f}  "
                     f"({len(report.queries)} queries, {report.listings} listings, "
                     f"indexed in {report.index_seconds:.2f} s, "
                     f"{report.search_ms_mean:.1f} ms per query)")
        if verbose:
            for score in sorted(report.queries, key=lambda s: s.ndcg):
                lines.append(f"  {score.ndcg:.3f}  {score.recall:.3f}  "
                             f"{score.returned:4d}  {score.text}")
    return "\n".join(lines) + "\n"


def reports_as_json(reports: Sequence[BackendReport], *, verbose: bool = False) -> str:
    """The reports as JSON (per-query scores only with `verbose`)."""
    out = []
    for report in reports:
        item = asdict(report)
        if not verbose:
            item.pop("queries")
        out.append(item)
    return json.dumps(out, ensure_ascii=False, indent=2)
