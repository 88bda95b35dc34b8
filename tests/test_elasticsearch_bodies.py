"""Every request body the Elasticsearch backend builds, checked offline.

A tiny HTTP server on loopback plays the cluster: it records each request (method, path,
query, JSON or NDJSON body) and answers minimally. A recorder, not a mock of our code: the
real `elasticsearch` client, its DSL and bulk helpers talk to it over HTTP.
"""

from __future__ import annotations

import json
import threading
from dataclasses import dataclass
from datetime import datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qsl, unquote, urlsplit
from zoneinfo import ZoneInfo

import holidays
import pytest
from elasticsearch import Elasticsearch

from index.elasticsearch_index import ElasticsearchIndex
from index.elasticsearch_mapping import listing_document, listing_mapping
from index.errors import SearchBackendError
from index.search_types import FacetCount, GeoPoint, SearchQuery
from index.tantivy_index import TantivyIndex
from sharehub.settings import Settings
from sharehub.wiring import category_words, open_index
from tests.search_behaviour import BY_ID, HOSTILE_TEXTS

SEOUL = ZoneInfo("Asia/Seoul")
ALIAS = "sharehub-listings"
DRILL, TENT = BY_ID["drill"], BY_ID["tent"]  # weekdays, closed on holidays; weekends
ERROR = {"error": {"type": "test_exception", "reason": "refused by the recorder"}, "status": 0}


@dataclass
class Recorded:
    method: str
    path: str
    params: dict[str, str]
    body: Any  # parsed JSON; a list of parsed lines for NDJSON; None when empty


class FakeCluster:
    """Plays an Elasticsearch cluster on loopback; `requests` holds what it was sent."""

    def __init__(self) -> None:
        self.requests: list[Recorded] = []
        self.plugins: list[dict[str, str]] | None = []  # None: _cat/plugins is forbidden
        self.analyze_status = 400
        self.alias_exists = True
        self.versions = {f"{ALIAS}-v1": True, f"{ALIAS}-v0": False}  # name → aliased
        self.search_answers: list[dict[str, Any]] = []
        self.fail_status: int | None = None
        outer = self

        class Handler(BaseHTTPRequestHandler):
            def _serve(self) -> None:
                url = urlsplit(self.path)
                text = self.rfile.read(int(self.headers.get("Content-Length") or 0)).decode()
                lines = [json.loads(line) for line in text.splitlines() if line]
                ndjson = "ndjson" in (self.headers.get("Content-Type") or "")
                record = Recorded(self.command, unquote(url.path), dict(parse_qsl(url.query)),
                                  lines if ndjson else (lines[0] if lines else None))
                outer.requests.append(record)
                status, payload = outer.answer(record)
                data = json.dumps(payload).encode()
                self.send_response(status)
                self.send_header("X-Elastic-Product", "Elasticsearch")
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                if self.command != "HEAD":
                    self.wfile.write(data)

            do_GET = do_PUT = do_POST = do_DELETE = do_HEAD = _serve

            def log_message(self, format: str, *args: object) -> None:
                pass

        self._server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self._server.server_address[1]}"
        threading.Thread(target=self._server.serve_forever, kwargs={"poll_interval": 0.02},
                         daemon=True).start()

    def answer(self, r: Recorded) -> tuple[int, Any]:
        parts = r.path.strip("/").split("/")
        if self.fail_status:
            return self.fail_status, {**ERROR, "status": self.fail_status}
        if r.path == "/_cat/plugins":
            return (200, self.plugins) if self.plugins is not None else (403, ERROR)
        if r.path == "/_analyze":
            return self.analyze_status, {"tokens": []} if self.analyze_status == 200 else ERROR
        if parts[-1] == "_bulk":
            actions = [line for line in r.body if {"index", "delete"} & line.keys()]
            return 200, {"took": 1, "errors": False, "items": [
                {op: {"_id": meta["_id"], "status": 201 if op == "index" else
                      (404 if meta["_id"] == "no-such-id" else 200)}}
                for line in actions for op, meta in line.items()]}
        if parts[-1] == "_search":
            if self.search_answers:
                return 200, self.search_answers.pop(0)
            return 200, {"hits": {"total": {"value": 0, "relation": "eq"}, "hits": []},
                         "aggregations": {"cells": {"buckets": []}}}
        if parts[0] == "_alias":  # HEAD or GET _alias/<alias>: the indexes behind it
            return (200 if self.alias_exists else 404), {
                name: {"aliases": {ALIAS: {}}} for name, live in self.versions.items() if live}
        if parts[-1] == "_alias":  # GET <pattern>/_alias: every version
            return 200, {name: {"aliases": {}} for name in self.versions}
        if parts[-1] == "_mapping" and r.method == "GET":
            return 200, {f"{ALIAS}-v1": {"mappings": {"_meta": {"change_seq": 7}}}}
        if parts[-1] == "_refresh":
            return 200, {"_shards": {"total": 1, "successful": 1, "failed": 0}}
        if len(parts) == 3 and parts[1] == "_doc":  # only DRILL is stored
            found = parts[2] == DRILL.id
            return (200 if found else 404), {"_id": parts[2], "found": found, "_source": {
                "listing": DRILL.model_dump(mode="json")}}
        return 200, {"acknowledged": True}  # templates, indexes, _aliases, mappings, deletes

    def sent(self, method: str, path: str) -> list[Recorded]:
        return [r for r in self.requests if r.method == method and r.path == path]

    def close(self) -> None:
        self._server.shutdown()
        self._server.server_close()


@pytest.fixture
def cluster():
    cluster = FakeCluster()
    yield cluster
    cluster.close()


def _open(cluster: FakeCluster) -> ElasticsearchIndex:
    return ElasticsearchIndex(Elasticsearch(cluster.url, max_retries=0), owns_client=True,
                              category_words=category_words(),
                              public_holidays=holidays.country_holidays("KR"))


@pytest.fixture
def index(cluster):
    index = _open(cluster)
    cluster.requests.clear()
    yield index
    index.close()


def _template(cluster: FakeCluster) -> dict[str, Any]:
    [put] = cluster.sent("PUT", f"/_index_template/{ALIAS}")
    return put.body


def test_template_has_bigram_analysis_geo_point_and_keyword_facets(cluster):
    _open(cluster).close()
    template = _template(cluster)
    assert template["index_patterns"] == [f"{ALIAS}-v*"]
    settings, mappings = template["template"]["settings"], template["template"]["mappings"]
    analysis, props = settings["analysis"], mappings["properties"]
    assert (settings["number_of_shards"], mappings["dynamic"]) == (1, "strict")
    assert analysis["analyzer"]["sharehub_korean_bigram"] == {
        "type": "custom", "tokenizer": "standard", "char_filter": ["sharehub_drop_symbols"],
        "filter": ["cjk_width", "lowercase", "sharehub_cjk_bigram"]}
    assert [analysis["analyzer"][name]["filter"][-2:] for name in (
        "sharehub_korean_bigram_search", "sharehub_english", "sharehub_english_search")] == [
        ["lowercase", "sharehub_cjk_bigram_search"], ["lowercase", "sharehub_english_stemmer"],
        ["sharehub_synonyms", "sharehub_english_stemmer"]]
    assert {name: analysis["filter"][name] for name in (
        "sharehub_cjk_bigram", "sharehub_cjk_bigram_search", "sharehub_english_stemmer")} == {
        "sharehub_cjk_bigram": {"type": "cjk_bigram", "output_unigrams": True},
        "sharehub_cjk_bigram_search": {"type": "cjk_bigram", "output_unigrams": False},
        "sharehub_english_stemmer": {"type": "stemmer", "language": "english"}}
    synonyms = analysis["filter"]["sharehub_synonyms"]
    assert synonyms["type"] == "synonym_graph"
    assert "캠핑, 캠핑용품, camping, camping gear" in synonyms["synonyms"]
    assert analysis["char_filter"]["sharehub_drop_symbols"]["pattern"].startswith(
        "[\\p{So}"), "emoji are dropped, not required as query words"
    assert "tokenizer" not in analysis, "no nori tokenizer without the plugin"
    assert props["title"] == props["body"] == {
        "type": "text", "analyzer": "sharehub_korean_bigram",
        "search_analyzer": "sharehub_korean_bigram_search",
        "fields": {"en": {"type": "text", "analyzer": "sharehub_english",
                          "search_analyzer": "sharehub_english_search"}}}
    assert {name: props[name]["type"] for name in props} == {
        "id": "keyword", "title": "text", "body": "text", "kind": "keyword",
        "category": "keyword", "district": "keyword", "source": "keyword", "free": "keyword",
        "provider_type": "keyword", "location": "geo_point", "seen": "date",
        "open_minutes": "integer_range", "closes_on_public_holidays": "boolean",
        "listing": "object"}
    assert props["listing"]["enabled"] is False, "the Listing is kept in _source, not indexed"


@pytest.mark.parametrize(("plugins", "analyze_status", "nori"), [
    ([], 400, False),
    ([{"name": "node-1", "component": "analysis-icu", "version": "9.1.0"}], 200, False),
    ([{"name": "node-1", "component": "analysis-nori", "version": "9.1.0"}], 400, True),
    (None, 200, True),  # _cat/plugins forbidden: the analyze API knows nori_tokenizer
    (None, 400, False),
], ids=["no-plugins", "other-plugin", "nori-listed", "analyze-ok", "analyze-refused"])
def test_nori_subfield_only_where_the_cluster_has_it(cluster, plugins, analyze_status, nori):
    cluster.plugins, cluster.analyze_status = plugins, analyze_status
    index = _open(cluster)
    index.search(SearchQuery(text="공구"))
    index.close()
    template = _template(cluster)["template"]
    title = template["mappings"]["properties"]["title"]
    [search] = cluster.sent("POST", f"/{ALIAS}/_search")
    fields = search.body["query"]["bool"]["must"][0]["simple_query_string"]["fields"]
    assert ("nori" in title["fields"]) is nori
    assert ("title.nori^3" in fields) is nori
    if nori:
        assert title["fields"]["nori"] == {"type": "text", "analyzer": "sharehub_nori"}
        assert template["settings"]["analysis"]["tokenizer"]["sharehub_nori_mixed"] == {
            "type": "nori_tokenizer", "decompound_mode": "mixed"}


def test_first_open_creates_a_version_behind_the_alias(cluster):
    cluster.alias_exists = False
    _open(cluster).close()
    [create] = [r for r in cluster.requests if r.method == "PUT"
                and r.path.startswith(f"/{ALIAS}-v")]
    assert create.path[len(f"/{ALIAS}-v") + 1:].isdigit()
    assert create.body == {"aliases": {ALIAS: {}}, "mappings": {"_meta": {"change_seq": -1}}}


def test_search_body_for_text_two_filters_three_facets_geo_and_sort(index, cluster):
    index.search(SearchQuery(text="강남 회의실 무료", kinds=("space",),
                             district_codes=("11680", "11650"),
                             facets=("kind", "category", "district"),
                             near=GeoPoint(37.4979, 127.0276), radius_km=3.0, sort="distance",
                             offset=20, limit=10))
    [search] = cluster.sent("POST", f"/{ALIAS}/_search")
    order = [{"_count": "desc"}, {"_key": "asc"}]
    point = {"lat": 37.4979, "lon": 127.0276}
    assert search.body == {
        "query": {"bool": {
            "must": [{"simple_query_string": {
                "query": "강남 회의실 무료", "fields": ["title^3", "title.en^3", "body", "body.en"],
                "default_operator": "and", "flags": "WHITESPACE|PHRASE|PREFIX",
                "lenient": True}}],
            "filter": [{"terms": {"kind": ["space"]}},
                       {"terms": {"district": ["11680", "11650"]}},
                       {"geo_distance": {"distance": "3.0km", "location": point}}]}},
        "aggs": {name: {"terms": {"field": name, "size": 300, "order": order}}
                 for name in ("kind", "category", "district")},
        "sort": [{"_geo_distance": {"location": point, "order": "asc", "unit": "km",
                                    "distance_type": "arc"}},
                 {"id": {"order": "asc"}}],
        "_source": ["listing"], "track_total_hits": True, "track_scores": True,
        "from": 20, "size": 10,
    }


@pytest.mark.parametrize(("when", "minute", "holiday"), [
    (datetime(2026, 11, 23, 10, 0, tzinfo=SEOUL), 600, False),  # Monday 10:00
    (datetime.fromisoformat("2026-11-23T01:00:00+00:00"), 600, False),  # the same in UTC
    (datetime(2026, 11, 23, 10, 0), 600, False),  # naive: Seoul time
    (datetime(2026, 11, 29, 23, 59, tzinfo=SEOUL), 7 * 1440 - 1, False),  # Sunday night
    (datetime(2026, 9, 25, 0, 30, tzinfo=SEOUL), 4 * 1440 + 30, True),  # 추석, a Friday
], ids=["monday", "utc", "naive", "sunday-2359", "chuseok"])
def test_open_at_is_a_minute_of_week_term_in_seoul(index, cluster, when, minute, holiday):
    index.search(SearchQuery(open_at=when, free=True))
    body = cluster.sent("POST", f"/{ALIAS}/_search")[0].body
    query = body["query"]["bool"]
    assert query["filter"] == [{"term": {"free": "true"}}, {"term": {"open_minutes": minute}}]
    assert body["sort"][0] == {"seen": {"order": "desc", "missing": "_last"}}, "newest first"
    expected_must_not = [{"term": {"closes_on_public_holidays": True}}] if holiday else None
    assert query.get("must_not") == expected_must_not


@pytest.mark.parametrize("text", [*HOSTILE_TEXTS, "\ud800 lone surrogate"],
                         ids=lambda t: repr(t[:14]))
def test_hostile_text_goes_only_into_simple_query_string(index, cluster, text):
    index.search(SearchQuery(text=text))
    body = cluster.sent("POST", f"/{ALIAS}/_search")[0].body
    assert '"query_string"' not in json.dumps(body)
    if not any(ch.isalnum() for ch in text):
        assert "simple_query_string" not in json.dumps(body), "no words: no text clause"
        return
    sent = body["query"]["bool"]["must"][0]["simple_query_string"]["query"]
    expected = text.encode("utf-8", "replace").decode()
    assert sent == expected or (expected.startswith(sent) and len(sent) <= 1000), sent[:40]


def test_bulk_upsert_sends_action_and_source_lines(index, cluster):
    index.upsert([DRILL, TENT])
    [request] = cluster.sent("PUT", "/_bulk")
    assert request.params.get("require_alias") == "true"
    lines = request.body
    assert [lines[0], lines[2]] == [{"index": {"_index": ALIAS, "_id": DRILL.id}},
                                    {"index": {"_index": ALIAS, "_id": TENT.id}}]
    assert lines[1] == listing_document(DRILL, category_words()["item.tools"])
    assert set(lines[1]) == set(listing_mapping(nori=True).to_dict()["properties"]), (
        "every field sent is mapped (the mapping is strict)")
    assert lines[1]["listing"] == json.loads(DRILL.model_dump_json())
    assert lines[3]["open_minutes"] == [{"gte": 5 * 1440 + 600, "lt": 5 * 1440 + 1020},
                                       {"gte": 6 * 1440 + 600, "lt": 6 * 1440 + 1020}]
    assert (lines[1]["closes_on_public_holidays"], lines[3]["closes_on_public_holidays"]) == (
        True, False)
    assert (lines[1]["free"], lines[3]["free"]) == ("true", "false")
    assert lines[1]["location"] == {"lat": 37.5446, "lon": 126.9519}
    assert "공구 Tools" in lines[1]["body"], "the category's labels are searchable"
    assert cluster.requests[-1].path == f"/{ALIAS}/_refresh"


def test_bulk_delete_lines_and_unknown_ids_are_ignored(index, cluster):
    index.delete([DRILL.id, "no-such-id"])
    [request] = [r for r in cluster.requests if r.path.endswith("/_bulk")]
    assert request.body == [{"delete": {"_index": ALIAS, "_id": DRILL.id}},
                            {"delete": {"_index": ALIAS, "_id": "no-such-id"}}]
    assert request.params.get("require_alias") == "true"


def test_rebuild_swaps_the_alias_in_one_call_then_deletes_old_versions(index, cluster):
    index.rebuild([DRILL, TENT], change_seq=9)
    paths = [(r.method, r.path) for r in cluster.requests]
    [create] = [r for r in cluster.requests if r.method == "PUT"
                and r.path.startswith(f"/{ALIAS}-v") and r.path.count("/") == 1]
    new = create.path[1:]
    assert create.body == {"mappings": {"_meta": {"change_seq": 9}}}
    [swap] = cluster.sent("POST", "/_aliases")
    assert swap.body == {"actions": [{"remove": {"index": f"{ALIAS}-v1", "alias": ALIAS}},
                                     {"add": {"index": new, "alias": ALIAS}}]}
    [drop] = [r for r in cluster.requests if r.method == "DELETE"]
    assert drop.path == f"/{ALIAS}-v0,{ALIAS}-v1"
    bulk_at = next(i for i, (_, p) in enumerate(paths) if p.endswith("/_bulk"))
    assert paths[0] == ("PUT", f"/_index_template/{ALIAS}")
    assert {line["index"]["_index"] for line in cluster.requests[bulk_at].body[::2]} == {new}
    assert bulk_at < paths.index(("POST", f"/{new}/_refresh")) < paths.index(
        ("POST", "/_aliases")) < paths.index(("DELETE", drop.path))


def test_change_seq_lives_in_the_mapping_meta(index, cluster):
    assert index.change_seq == 7
    index.set_change_seq(8)
    [put] = cluster.sent("PUT", f"/{ALIAS}/_mapping")
    assert put.body == {"_meta": {"change_seq": 8}}


def test_answers_become_search_results(index, cluster):
    cluster.search_answers.append({
        "hits": {"total": {"value": 31, "relation": "eq"}, "hits": [
            {"_id": DRILL.id, "_score": None, "sort": [2.5, DRILL.id],
             "_source": {"listing": DRILL.model_dump(mode="json")}}]},
        "aggregations": {"kind": {"buckets": [{"key": "item", "doc_count": 30},
                                              {"key": "space", "doc_count": 1}]}}})
    results = index.search(SearchQuery(near=GeoPoint(37.5, 126.9), sort="distance",
                                       facets=("kind",)))
    hit = results.hits[0]
    assert (results.total, hit.listing, hit.distance_km) == (31, DRILL, 2.5)
    assert results.facets == {"kind": [FacetCount("item", 30), FacetCount("space", 1)]}
    assert (index.get(DRILL.id), index.get("missing")) == (DRILL, None)


def test_coverage_pages_through_the_composite_aggregation(index, cluster):
    page = {"after_key": {"district": "11440", "category": "item.tools"}, "buckets": [
        {"key": {"district": "11440", "category": "item.tools"}, "doc_count": 3}]}
    cluster.search_answers += [{"hits": {"total": {"value": 3}, "hits": []},
                                "aggregations": {"cells": page}}]
    assert index.coverage() == {("11440", "item.tools"): 3}
    first, second = cluster.sent("POST", f"/{ALIAS}/_search")
    assert "after" not in first.body["aggs"]["cells"]["composite"]
    assert second.body["aggs"]["cells"]["composite"]["after"] == page["after_key"]


def test_drop_deletes_versions_by_name_and_the_template(index, cluster):
    index.drop()
    assert [r.path for r in cluster.requests if r.method == "DELETE"] == [
        f"/{ALIAS}-v0,{ALIAS}-v1", f"/_index_template/{ALIAS}"]


def test_cluster_errors_become_search_backend_errors(index, cluster):
    cluster.fail_status = 500
    with pytest.raises(SearchBackendError, match="elasticsearch search"):
        index.search(SearchQuery(text="공구"))
    with pytest.raises(SearchBackendError, match="elasticsearch upsert"):
        index.upsert([DRILL])


def test_unreachable_cluster_is_a_search_backend_error():
    with pytest.raises(SearchBackendError, match="elasticsearch open"):
        ElasticsearchIndex.connect("http://127.0.0.1:9")


@pytest.mark.parametrize(("backend", "expected"), [
    (None, ElasticsearchIndex), ("elasticsearch", ElasticsearchIndex), ("tantivy", TantivyIndex),
], ids=["url-alone", "explicit-elasticsearch", "explicit-tantivy"])
def test_wiring_selects_the_backend(cluster, tmp_path, backend, expected):
    options = {"index_backend": backend} if backend else {}
    selected = open_index(Settings(elasticsearch_url=cluster.url, data_dir=tmp_path, **options))
    assert isinstance(selected, expected)
    selected.close()


def test_elasticsearch_without_a_url_is_refused(tmp_path):
    with pytest.raises(ValueError, match="SHAREHUB_ELASTICSEARCH_URL"):
        open_index(Settings(index_backend="elasticsearch", elasticsearch_url=None,
                            data_dir=tmp_path))
