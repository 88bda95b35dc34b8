"""Relevance you can measure: graded judgments over the sample world (tests/relevance/
queries.yaml), nDCG@10 and recall@20, with floors set from the measurement below.

Measured on 2026-11-21 with the sample world of 198 listings and 98 queries:

    embedded tantivy, bigrams only (before issue 5)   nDCG@10 0.678   recall@20 0.502
    + Kiwi morphemes, English stems, 초성, synonyms,
      query understanding, spelling                   nDCG@10 0.977   recall@20 0.783

The floors sit a little below today's figures, so a new sample platform (its listings are
unjudged, hence graded 0) does not fail the suite, while losing any one feature does:
without synonyms nDCG@10 falls to 0.87, without spelling correction to 0.91, without the
intent/filler words to 0.92, without Kiwi on the query side to 0.95.
"""

from __future__ import annotations

import pytest

from index import TantivyIndex
from sharehub.cli import main
from sharehub.eval_search import (
    BackendReport,
    QueryScore,
    build_sample_world,
    evaluate_backend,
    format_reports,
    load_judgments,
    ndcg_at,
    recall_at,
    reports_as_json,
    run_search_eval,
)
from sharehub.settings import Settings
from sharehub.wiring import category_words

NDCG_FLOOR = 0.95  # measured 0.977
RECALL_FLOOR = 0.75  # measured 0.783
# Per kind of query: measured nDCG@10 → floor.
TAG_FLOORS = {
    "ko": 0.90,  # measured 0.98
    "en": 0.90,  # 1.00
    "mixed": 0.85,  # 0.92
    "typo": 0.90,  # 1.00
    "district": 0.85,  # 0.95
    "phrase": 0.85,  # 0.96
    "free": 0.90,  # 1.00
    "morph": 0.90,  # 0.97
    "initials": 0.90,  # 1.00
}
ELASTICSEARCH_NDCG_FLOOR = 0.60  # not measured here (no cluster); bigram baseline 0.678


@pytest.fixture(scope="module")
def queries():
    return load_judgments()


@pytest.fixture(scope="module")
def world(tmp_path_factory):
    return build_sample_world(tmp_path_factory.mktemp("world"))


@pytest.fixture(scope="module")
def report(tmp_path_factory, world, queries):
    index = TantivyIndex(tmp_path_factory.mktemp("eval") / "index", category_words())
    try:
        yield evaluate_backend("tantivy", index, world, queries)
    finally:
        index.close()


@pytest.mark.parametrize(("ranked", "grades", "expected"), [
    (["a", "b", "c"], {"a": 3, "b": 2, "c": 1}, 1.0),
    (["x", "a"], {"a": 3}, 1 / 1.584962500721156),
    (["x", "y"], {"a": 3}, 0.0),
    (["b", "a"], {"a": 3, "b": 1}, (1 + 7 / 1.584962500721156) / (7 + 1 / 1.584962500721156)),
], ids=["ideal", "second-place", "missed", "swapped"])
def test_ndcg(ranked, grades, expected):
    assert ndcg_at(ranked, grades) == pytest.approx(expected)


def test_recall_counts_every_graded_listing_in_the_first_20():
    grades = {"a": 3, "b": 1, "c": 2, "d": 1}
    assert recall_at(["a", "x", "b"], grades) == 0.5
    assert recall_at(["x"] * 20 + ["a"], grades) == 0.0


def test_judgments_cover_what_citizens_type(queries):
    assert len(queries) >= 60
    texts = {q.text for q in queries}
    assert {"강남 회의실 무료", "마포 공구", "tent rental", "ㄱㄱ", "회의싱", "텐투"} <= texts
    tags = {tag for q in queries for tag in q.tags}
    assert set(TAG_FLOORS) <= tags
    assert all(max(q.grades.values()) == 3 for q in queries), "every query has a best answer"


def test_every_judged_listing_is_in_the_sample_world(world, queries):
    ids = {listing.id for listing in world}
    missing = {(q.text, i) for q in queries for i in q.grades if i not in ids}
    assert not missing, f"judged ids no sample platform serves (ids changed?): {missing}"


def test_ndcg_at_10_stays_above_the_floor(report):
    worst = sorted(report.queries, key=lambda s: s.ndcg)[:5]
    assert report.ndcg_at_10 >= NDCG_FLOOR, (
        f"nDCG@10 {report.ndcg_at_10:.3f} < {NDCG_FLOOR}; worst: "
        + ", ".join(f"{s.text} {s.ndcg:.2f}" for s in worst))


def test_recall_at_20_stays_above_the_floor(report):
    assert report.recall_at_20 >= RECALL_FLOOR, f"recall@20 {report.recall_at_20:.3f}"


@pytest.mark.parametrize("tag", sorted(TAG_FLOORS))
def test_each_kind_of_query_stays_above_its_floor(report, queries, tag):
    scores = [s for q, s in zip(queries, report.queries, strict=True) if tag in q.tags]
    mean = sum(s.ndcg for s in scores) / len(scores)
    worst = ", ".join(f"{s.text} {s.ndcg:.2f}" for s in sorted(scores, key=lambda s: s.ndcg)[:3])
    assert mean >= TAG_FLOORS[tag], f"{tag}: nDCG@10 {mean:.3f}; worst: {worst}"


def test_report_prints_per_backend_and_per_query(report):
    text = format_reports([report], verbose=True)
    assert text.startswith("tantivy: nDCG@10 0.9")
    assert "강남 회의실 무료" in text
    assert '"ndcg_at_10"' in reports_as_json([report])
    assert '"queries"' not in reports_as_json([report])
    assert '"queries"' in reports_as_json([report], verbose=True)


def test_cli_names_the_missing_cluster(monkeypatch, capsys):
    monkeypatch.delenv("SHAREHUB_ELASTICSEARCH_URL", raising=False)
    assert main(["eval", "search", "--backend", "elasticsearch"]) == 2
    assert "SHAREHUB_ELASTICSEARCH_URL" in capsys.readouterr().err


def test_format_of_an_empty_backend_report():
    report = BackendReport("tantivy", 0.5, 0.25, [QueryScore("q", 0.5, 0.25, 3, [])], 1,
                           0.1, 1.0)
    assert "nDCG@10 0.500" in format_reports([report])
    assert "  0.500  0.250     3  q" in format_reports([report], verbose=True)


@pytest.mark.elasticsearch
@pytest.mark.skipif(not Settings().elasticsearch_url, reason="needs SHAREHUB_ELASTICSEARCH_URL")
def test_elasticsearch_relevance_stays_above_its_floor():
    elastic, = run_search_eval(Settings(), ["elasticsearch"])
    assert elastic.ndcg_at_10 >= ELASTICSEARCH_NDCG_FLOOR, format_reports([elastic])
