"""GongyuNuri (공유누리) Open API: the fetcher against the simulator on loopback, the parser's
decisions, and one refresh through the pipeline. Golden files for the parser live in
tests/fixtures/gongyunuri/ (walked by test_parsers_golden.py)."""

from __future__ import annotations

import json
import logging
import re

import httpx
import pytest

from crawlers import FetchContext, FetchError, FetchLimits, HTTPStatusError, make_client
from crawlers.gongyunuri import fetch_gongyunuri
from index import Catalog, SearchQuery, TantivyIndex
from normalizer import ParseError, Source, parse_document
from normalizer.gongyunuri import load_gongyunuri_categories
from normalizer.taxonomy import load_taxonomy
from sample_platforms import SamplePlatforms
from sample_platforms.gongyunuri_platform import (
    DETAIL_LIMIT,
    SAMPLE_KEY,
    gongyunuri_sources,
    sample_resources,
)
from sharehub.crawl import register_sources
from sharehub.pipeline import RefreshDeps, refresh_source
from sharehub.runtime import demo_config
from sharehub.wiring import category_words
from tests.conftest import FIXTURE_SOURCES, NOW

LIMITS = FetchLimits(allow_private_networks=True)
KEY_ENV = "SHAREHUB_GONGYUNURI_KEY"
SECRETS = {KEY_ENV: SAMPLE_KEY}
RESOURCES = sample_resources()
ACTIVE = [r for r in RESOURCES if r["delYn"] != "Y"]


@pytest.fixture(scope="module")
def server():
    with SamplePlatforms(host="127.0.0.1", port=0) as platforms:
        yield platforms


@pytest.fixture
def platforms(server):
    server.reset()
    yield server
    server.reset()


@pytest.fixture
def client():
    with make_client(LIMITS) as http:
        yield http


def _source(platforms, **params) -> Source:
    definition = gongyunuri_sources(platforms.base_url)[0]
    return Source(**{**definition, "params": {**definition["params"], **params}})


def _fetch(platforms, client, secrets=SECRETS, etag=None, **params):
    context = FetchContext(client, LIMITS, etag=etag, secrets=secrets)
    return fetch_gongyunuri(_source(platforms, **params), context)


def _calls(platforms, endpoint: str) -> list[int]:
    """Statuses of the POSTs made to one endpoint ("rsrc/list", "rsrc/detail")."""
    return [r.status for r in platforms.requests
            if r.method == "POST" and f"/eshare-openapi/{endpoint}/" in r.path]


# --- the fetcher ----------------------------------------------------------------------------

def test_fetch_pages_through_the_list_and_batches_the_details(platforms, client):
    result = _fetch(platforms, client, page_size=10)
    document = json.loads(result.body)
    assert document["format"] == "gongyunuri"
    assert [r["rsrcNo"] for r in document["list"]] == [r["rsrcNo"] for r in RESOURCES]
    assert sorted(d["rsrcNo"] for d in document["details"]) == sorted(
        r["rsrcNo"] for r in RESOURCES)
    assert _calls(platforms, "rsrc/list") == [200] * 4, "35 rows in pages of 10"
    assert _calls(platforms, "rsrc/detail") == [200, 200], "35 ids in batches of 20"
    assert result.final_url == platforms.url("/eshare-openapi/rsrc/list")
    assert SAMPLE_KEY not in result.final_url


def test_category_codes_list_each_class_once(platforms, client):
    result = _fetch(platforms, client, category_codes=["010000", "010100"])
    rows = json.loads(result.body)["list"]
    facilities = [r for r in RESOURCES if r["rsrcClsCd"].startswith("01")]
    assert len(rows) == len(facilities), "010000 already holds every 010100 row"
    assert len({r["rsrcNo"] for r in rows}) == len(rows)
    paths = [r.path.replace(SAMPLE_KEY, "KEY") for r in platforms.requests
             if "/rsrc/list/" in r.path]
    assert paths == ["/eshare-openapi/rsrc/list/010000/KEY",
                     "/eshare-openapi/rsrc/list/010100/KEY"]


def test_a_refused_detail_batch_is_halved_and_retried(platforms, client):
    assert len(RESOURCES) > DETAIL_LIMIT, "the sample must exceed the platform's real limit"
    result = _fetch(platforms, client, detail_batch_size=100)
    assert _calls(platforms, "rsrc/detail") == [400, 200, 200, 200], "35 → 17 + 17 + 1"
    assert len(json.loads(result.body)["details"]) == len(RESOURCES)


def test_a_detail_call_refused_even_for_one_id_fails_the_fetch(platforms, client):
    platforms.set_body(f"/eshare-openapi/rsrc/detail/{SAMPLE_KEY}",
                       b'{"resultCode":"BAD REQUEST"}', content_type="application/json",
                       status=400)
    with pytest.raises(HTTPStatusError, match="refused even a single id") as caught:
        _fetch(platforms, client)
    assert caught.value.status_code == 400
    assert _calls(platforms, "rsrc/detail") == [400] * 5, "20 → 10 → 5 → 2 → 1, then give up"


@pytest.mark.parametrize("case", ["http_401", "body_invalid_authorized"])
def test_a_rejected_key_is_explained_without_echoing_it(platforms, client, caplog, case):
    secrets = SECRETS
    if case == "http_401":
        secrets = {KEY_ENV: "MY-SECRET-KEY-9"}
    else:
        platforms.set_body(f"/eshare-openapi/rsrc/list/{SAMPLE_KEY}",
                           b'{"resultCode":"INVALID AUTHORIZED"}',
                           content_type="application/json")
    key = secrets[KEY_ENV]
    with caplog.at_level(logging.DEBUG, logger="crawlers"), \
            pytest.raises(FetchError) as caught:
        _fetch(platforms, client, secrets=secrets)
    message = str(caught.value)
    assert KEY_ENV in message, message
    assert "invalid or not yet approved" in message
    assert key not in message
    assert caught.value.__cause__ is None, "the cause's traceback would show the URL"
    ours = [r.getMessage() for r in caplog.records if r.name.startswith("crawlers")]
    assert not [line for line in ours if key in line]


def test_a_missing_key_variable_is_named_and_nothing_is_sent(platforms, client):
    with pytest.raises(FetchError, match=f"API key variable {KEY_ENV} is not set"):
        _fetch(platforms, client, secrets={})
    assert platforms.requests == []


def test_paging_stops_at_max_pages(platforms, client):
    with pytest.raises(FetchError, match="more than 2 pages of 5 rows.*max_pages"):
        _fetch(platforms, client, page_size=5, max_pages=2)
    assert _calls(platforms, "rsrc/list") == [200, 200]


def test_a_platform_that_ignores_pageno_is_not_paged_forever(platforms, client):
    page = {"resultCode": "OK", "resultMsg": "정상", "resultCount": 35,
            "data": [{"rsrcNo": r["rsrcNo"], "rsrcNm": r["rsrcNm"]} for r in RESOURCES[:5]]}
    platforms.set_body(f"/eshare-openapi/rsrc/list/{SAMPLE_KEY}", json.dumps(page),
                       content_type="application/json")
    with pytest.raises(FetchError, match="page 2 repeats rows"):
        _fetch(platforms, client, page_size=5)


def test_an_unchanged_answer_is_not_modified(platforms, client):
    first = _fetch(platforms, client)
    again = _fetch(platforms, client, etag=first.etag)
    assert first.etag
    assert not first.not_modified
    assert again.not_modified, "same resources, same document: nothing to parse"
    assert again.body == b""


@pytest.mark.parametrize(("params", "problem"), [
    ({"category_codes": "010000"}, "category_codes must be a list"),
    ({"category_codes": ["0101"]}, "6-digit"),
    ({"page_size": "100"}, "page_size must be a whole number"),
    ({"detail_batch_size": True}, "detail_batch_size must be a whole number"),
], ids=["codes-not-a-list", "code-not-6-digits", "page-size-text", "batch-size-bool"])
def test_bad_source_params_are_refused_before_any_call(platforms, client, params, problem):
    with pytest.raises(FetchError, match=problem):
        _fetch(platforms, client, **params)
    assert platforms.requests == []


def test_a_batch_size_over_the_guide_limit_is_clamped(platforms, client, caplog):
    with caplog.at_level(logging.WARNING, logger="crawlers"):
        _fetch(platforms, client, detail_batch_size=500)
    assert "detail_batch_size=500 is outside 1..100" in caplog.text
    assert _calls(platforms, "rsrc/detail")[0] == 400, "100 ids: the simulator refuses > 30"


# --- the simulator -------------------------------------------------------------------------

def test_simulator_follows_the_guide(platforms):
    base = platforms.url("/eshare-openapi")
    with httpx.Client(trust_env=False) as http:
        assert http.get(f"{base}/rsrc/list/{SAMPLE_KEY}").status_code == 405
        listed = http.post(f"{base}/rsrc/list/{SAMPLE_KEY}", json={"numOfRows": 1000}).json()
        refused = http.post(f"{base}/rsrc/detail/{SAMPLE_KEY}",
                            json={"rsrcNoList": [r["rsrcNo"] for r in RESOURCES]})
        wrong_key = http.post(f"{base}/rsrc/list/NOT-A-KEY", json={})
    assert (listed["resultCode"], listed["resultMsg"], listed["resultCount"]) == (
        "OK", "정상", len(RESOURCES))
    assert {"lat", "latl"} <= {name for row in listed["data"] for name in row}
    assert refused.status_code == 400
    assert (wrong_key.status_code, wrong_key.json()) == (401, {"resultCode": "INVALID AUTHORIZED"})


def test_sample_resources_look_like_real_ones():
    assert len(ACTIVE) >= 25
    assert all(re.fullmatch(r"[A-Z]{2}\d{2}[A-Z]\d{7}", r["rsrcNo"]) for r in RESOURCES)
    assert all(r["sggCd"].startswith("11") for r in RESOURCES), "Seoul districts"
    assert any("<p>" in r["rsrcIntr"] for r in RESOURCES), "HTML in rsrcIntr"
    codes = {r["rsrcClsCd"] for r in RESOURCES}
    assert {"010100", "010200", "010500", "010700", "020000", "030000", "040000"} <= codes


# --- the parser ------------------------------------------------------------------------------

def _parse(rows: list[dict[str, object]], details: list[dict[str, object]] | None = None):
    body = json.dumps({"format": "gongyunuri", "list": rows, "details": details or []})
    return parse_document(body.encode(), FIXTURE_SOURCES["gongyunuri"], NOW)


@pytest.mark.parametrize(("code", "title", "expected", "reported"), [
    ("010100", "대회의실", "space.meeting_room", False),
    ("010200", "다목적강당", "space.hall", False),
    ("010500", "풋살장", "space.sports", False),
    ("010700", "공영주차장", "space.parking", False),
    ("010703", "부설주차장", "space.parking", True),
    ("010000", "주민 갤러리", "space.event_venue", False),
    ("010000", "공유주방", "space.kitchen", False),
    ("020000", "캠핑 텐트 세트", "item.camping", False),
    ("020000", "접이식 행사 테이블", "item.general", False),
    ("030000", "라돈측정기", "item.measuring", False),
    ("040000", "목공 교실", "program.class", False),
    ("990100", "라돈측정기", "item.measuring", True),
], ids=["meeting", "hall", "sports", "parking", "leaf-falls-back-to-parent",
        "culture-default", "culture-refined", "item-refined", "item-stays-an-item",
        "research", "class", "unknown-code-uses-keywords"])
def test_category_from_rsrcclscd(code, title, expected, reported):
    row = {"rsrcNo": "BA10A0000001", "rsrcNm": title, "rsrcClsCd": code, "rsrcClsNm": "분류"}
    result = _parse([row])
    assert result.listings[0].category == expected
    assert result.listings[0].kind == expected.split(".")[0]
    assert ("category guessed" in result.listings[0].quality.issues) is False
    assert (f"rsrcClsCd {code} (분류)" in result.report.unmapped_fields) is reported


def test_every_mapped_category_has_a_label_the_taxonomy_reads_back():
    table = load_gongyunuri_categories()
    taxonomy = load_taxonomy()
    for code, (category, _refine) in table.codes.items():
        assert category in taxonomy.categories, f"{code}: {category} is not in the taxonomy"
        if category != "item.general":  # the catch-all has no keywords of its own
            hit = taxonomy.classify(table.labels[category])
            assert hit is not None, code
            assert hit.category == category, code


@pytest.mark.parametrize(("flags", "free", "text", "low", "high"), [
    ({"freeYn": "Y", "amt1": 0, "amt2": 0}, True, "무료", 0, 0),
    ({"freeYn": "N", "amt1": 1000, "amt2": 2000}, False, "1,000원 ~ 2,000원", 1000, 2000),
    ({"freeYn": "N", "amt1": 5000, "amt2": 5000}, False, "5,000원", 5000, 5000),
    ({"freeYn": "N", "amt1": 0, "amt2": 0}, False, "유료", None, None),
    ({"amt1": "3,000"}, False, "3,000원", 3000, 3000),
    ({}, None, None, None, None),
], ids=["free", "range", "one-amount", "paid-no-amount", "no-flag-amount", "nothing"])
def test_fee_from_freeyn_and_amounts(flags, free, text, low, high):
    fee = _parse([{"rsrcNo": "BB01C0000001", "rsrcNm": "전동드릴", **flags}]).listings[0].fee
    assert (fee.free, fee.text, fee.min_krw, fee.max_krw) == (free, text, low, high)


def test_deleted_resources_are_skipped_and_noted_not_invalid():
    rows = [{"rsrcNo": "BA10A0000001", "rsrcNm": "회의실"},
            {"rsrcNo": "BA10A0000002", "rsrcNm": "폐쇄된 회의실"}]
    result = _parse(rows, [{"rsrcNo": "BA10A0000002", "delYn": "Y"}])
    assert [li.source_record_id for li in result.listings] == ["BA10A0000001"]
    assert (result.report.records, result.report.invalid) == (1, 0)
    assert result.report.notes == ["skipped 1 resource(s) deleted at the source (delYn Y)"]


@pytest.mark.parametrize(("body", "problem"), [
    (b"<html>503</html>", "not JSON"),
    (b"[1, 2]", "not a GongyuNuri document"),
    (b'{"resultCode": "INVALID AUTHORIZED"}', "error answer"),
    (b'{"format": "gongyunuri", "list": [], "details": []}', "no resources"),
    (b'{"format": "gongyunuri", "list": {"rsrcNo": "x"}}', "must be arrays"),
], ids=["html", "array", "error-answer", "empty", "list-not-array"])
def test_documents_that_are_not_gongyunuri_answers(body, problem):
    with pytest.raises(ParseError, match=problem):
        parse_document(body, FIXTURE_SOURCES["gongyunuri"], NOW)


# --- through the pipeline ------------------------------------------------------------------

@pytest.fixture
def hub(tmp_path, platforms, client):
    config = demo_config(gongyunuri_sources(platforms.base_url))
    deps = RefreshDeps(Catalog(tmp_path / "catalog.sqlite3"),
                       TantivyIndex(tmp_path / "index", category_words()), client, LIMITS,
                       secrets=SECRETS)
    register_sources(config, deps)
    yield config.sources[0].to_source(), deps
    deps.catalog.close()


def test_refresh_source_crawls_gongyunuri_into_the_index(hub):
    source, deps = hub
    outcome = refresh_source(source, deps)
    assert outcome.run.status == "ok", outcome.run.error
    assert outcome.run.added == len(ACTIVE)
    hits = deps.index.search(SearchQuery(text="텐트")).hits
    tents = [h.listing for h in hits if h.listing.source_id == "gongyunuri-seoul"]
    assert [(t.title, t.category, t.location.district_name) for t in tents] == [
        ("캠핑 텐트 세트 (4인용)", "item.camping", "강서구")]
    again = refresh_source(source, deps)
    assert again.run.status == "unchanged"


def test_refresh_without_the_key_fails_and_keeps_the_listings(hub):
    source, deps = hub
    refresh_source(source, deps)
    without_key = RefreshDeps(deps.catalog, deps.index, deps.client, deps.limits)
    outcome = refresh_source(source, without_key)
    assert outcome.run.status == "failed"
    assert outcome.run.error == f"fetch: the API key variable {KEY_ENV} is not set"
    assert deps.catalog.count_listings() == len(ACTIVE)
