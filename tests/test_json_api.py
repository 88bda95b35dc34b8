"""Any JSON or XML API described in YAML: the fetcher's paging against the regional API
simulators on loopback (page, offset, cursor, next link), keys and result codes, the
field-path parser's decisions, hostile XML, bad params, and a refresh through the pipeline.
Golden files for the parser are in tests/fixtures/json_api/ and tests/fixtures/xml_api/
(pages captured from the simulators; walked by test_parsers_golden.py)."""

from __future__ import annotations

import json
import logging
import time
from datetime import timedelta, timezone
from urllib.parse import parse_qs, quote, urlsplit

import pytest

from crawlers import FetchContext, FetchError, FetchLimits, make_client
from crawlers.json_api import fetch_api
from index import Catalog, SearchQuery, TantivyIndex
from normalizer import ParseError, Source, parse_document
from sample_platforms import SamplePlatforms
from sample_platforms.generic_api_platform import (
    BUSAN_PATH,
    BUSAN_SAMPLE_KEY,
    ULSAN_PATH,
    generic_api_sources,
)
from sharehub.crawl import register_sources
from sharehub.pipeline import RefreshDeps, refresh_source
from sharehub.runtime import demo_config
from sharehub.wiring import category_words
from tests.conftest import FIXTURE_SOURCES, NOW
from tests.loopback import LoopbackServer

LIMITS = FetchLimits(allow_private_networks=True)
KEY_ENV = "SHAREHUB_BUSAN_FACILITIES_KEY"
SECRETS = {KEY_ENV: BUSAN_SAMPLE_KEY}
BUSAN_ROWS, ULSAN_ROWS = 18, 17
KST = timezone(timedelta(hours=9))


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


def _source(base_url: str, source_id: str, **params) -> Source:
    definition = next(d for d in generic_api_sources(base_url) if d["id"] == source_id)
    merged = {**definition["params"], **params}
    return Source(**{**definition, "params": {k: v for k, v in merged.items() if v is not None}})


def _fetch(source: Source, client, secrets=SECRETS, etag=None):
    return fetch_api(source, FetchContext(client, LIMITS, etag=etag, secrets=secrets))


def _queries(platforms, path: str) -> list[dict[str, str]]:
    return [{k: v[0] for k, v in parse_qs(urlsplit(r.path).query).items()}
            for r in platforms.requests if urlsplit(r.path).path == path]


def _titles(result, source: Source) -> list[str]:
    return [listing.title for listing in parse_document(result.body, source, NOW).listings]


# --- paging, one test per pagination type ----------------------------------------------------

def test_page_paging_reads_every_page_and_stops_at_the_total(platforms, client):
    source = _source(platforms.base_url, "busan-facilities")
    result = _fetch(source, client)
    assert [(q["pageNo"], q["numOfRows"]) for q in _queries(platforms, BUSAN_PATH)] == [
        ("1", "10"), ("2", "10")], "18 items in pages of 10; totalCount says stop after 2"
    titles = _titles(result, source)
    assert len(titles) == len(set(titles)) == BUSAN_ROWS


def test_page_paging_without_a_total_stops_on_the_empty_page(platforms, client):
    source = _source(platforms.base_url, "busan-facilities", total_path=None,
                     pagination={"type": "page", "size": 17})
    result = _fetch(source, client)
    assert [q["pageNo"] for q in _queries(platforms, BUSAN_PATH)] == ["1", "2", "3"]
    pages = json.loads(result.body)["pages"]
    assert pages[1]["response"]["body"]["items"]["item"]["facilitiesTitle"], \
        "page 2 holds one item, given as an object as data.go.kr does"
    assert pages[2]["response"]["body"]["items"] == ""
    assert len(_titles(result, source)) == BUSAN_ROWS


def test_offset_paging_moves_by_the_items_received(platforms, client):
    source = _source(platforms.base_url, "busan-facilities", total_path=None,
                     pagination={"type": "offset", "param": "offset", "size_param": "limit",
                                 "size": 7})
    result = _fetch(source, client)
    assert [(q["offset"], q["limit"]) for q in _queries(platforms, BUSAN_PATH)] == [
        ("0", "7"), ("7", "7"), ("14", "7"), ("18", "7")]
    assert len(_titles(result, source)) == BUSAN_ROWS


def test_cursor_paging_follows_the_next_cursor_until_it_is_empty(platforms, client):
    source = _source(platforms.base_url, "ulsan-facilities")
    result = _fetch(source, client, secrets={})
    queries = _queries(platforms, ULSAN_PATH)
    assert [q.get("cursor") is not None for q in queries] == [False, True]
    assert result.body.startswith(b"<sharehub-pages><response><header>")
    assert len(_titles(result, source)) == ULSAN_ROWS


def test_next_link_paging_resolves_relative_links(platforms, client):
    source = _source(platforms.base_url, "ulsan-facilities",
                     pagination={"type": "next_link", "next_path": "response/body/nextLink"},
                     status=None)
    result = _fetch(source, client, secrets={})
    paths = [r.path for r in platforms.requests if r.path.startswith(ULSAN_PATH)]
    assert len(paths) == 2
    assert "cursor=" in paths[1], "the second request is the link the first page gave"
    assert len(_titles(result, source)) == ULSAN_ROWS


def test_next_link_without_the_key_gets_it_back():
    def page(items, link):
        return lambda _h: (200, {"Content-Type": "application/json"}, json.dumps(
            {"data": [{"name": n} for n in items], "links": {"next": link}}).encode())
    routes = {"/places?key=K-123": page(["공구 대여소"], "/places?page=2"),
              "/places?page=2&key=K-123": page(["캠핑장비 대여소"], None)}
    with LoopbackServer(routes) as api, make_client(LIMITS) as http:
        source = Source(id="rest", name="REST", kind="json_api", url=api.url("/places"),
                        key_env="REST_KEY", params={
                            "items": "data", "fields": {"title": "name"}, "key_param": "key",
                            "pagination": {"type": "next_link", "next_path": "links.next"}})
        result = _fetch(source, http, secrets={"REST_KEY": "K-123"})
        assert api.paths() == list(routes)
    assert _titles(result, source) == ["공구 대여소", "캠핑장비 대여소"]
    assert "K-123" not in result.final_url


# --- keys, result codes and guards -----------------------------------------------------------

def test_a_rejected_key_is_explained_without_echoing_it(platforms, client, caplog):
    key = "MY+SECRET/KEY=="
    with caplog.at_level(logging.DEBUG), pytest.raises(FetchError) as caught:
        _fetch(_source(platforms.base_url, "busan-facilities"), client,
               secrets={KEY_ENV: key})
    ours = [r.getMessage() for r in caplog.records if r.name.startswith("sharehub")]
    assert not [line for line in ours if key in line or quote(key, safe="") in line]
    message = str(caught.value)
    assert "SERVICE_KEY_IS_NOT_REGISTERED_ERROR" in message, message
    assert "page 1" in message
    for form in (key, quote(key, safe=""), quote(key)):
        assert form not in message
    assert caught.value.__cause__ is None, "the cause's traceback would show the URL"


def test_a_key_in_a_refused_url_is_masked(client):
    source = Source(id="odd", name="odd", kind="json_api", url="ftp://example.org/api",
                    key_env=KEY_ENV, params={"items": "x", "fields": {"title": "t"},
                                             "key_param": "serviceKey"})
    with pytest.raises(FetchError) as caught:
        _fetch(source, client)
    assert "***" in str(caught.value)
    assert "SAMPLE-KEY" not in str(caught.value)


def test_a_missing_key_variable_is_named_and_nothing_is_sent(platforms, client):
    with pytest.raises(FetchError, match=f"API key variable {KEY_ENV} is not set"):
        _fetch(_source(platforms.base_url, "busan-facilities"), client, secrets={})
    assert platforms.requests == []


def test_a_result_code_error_names_the_code_and_message(platforms, client):
    source = _source(platforms.base_url, "ulsan-facilities",
                     pagination={"type": "cursor", "next_path": "response/body/nextCursor",
                                 "size_param": "numOfRows", "size": 5000})
    with pytest.raises(FetchError, match="page 1: the API answered result code 10: "
                                         "INVALID_REQUEST_PARAMETER_ERROR"):
        _fetch(source, client, secrets={})


def test_paging_stops_at_max_pages(platforms, client):
    source = _source(platforms.base_url, "busan-facilities",
                     pagination={"type": "page", "size": 5, "max_pages": 2})
    with pytest.raises(FetchError, match="more than 2 pages.*max_pages"):
        _fetch(source, client)
    assert len(_queries(platforms, BUSAN_PATH)) == 2


def test_an_api_that_ignores_the_page_parameter_is_not_paged_forever(platforms, client):
    source = _source(platforms.base_url, "busan-facilities", total_path=None,
                     pagination={"type": "page", "param": "page", "size": 5})
    with pytest.raises(FetchError, match="page 2 repeats page 1"):
        _fetch(source, client)


def test_a_cursor_that_comes_back_is_a_loop():
    def page(title):
        return lambda _h: (200, {}, json.dumps({"items": [{"t": title}], "next": "abc"}).encode())
    routes = {"/loop": page("회의실 A"), "/loop?cursor=abc": page("회의실 B")}
    with LoopbackServer(routes) as api, make_client(LIMITS) as http:
        source = Source(id="loop", name="loop", kind="json_api", url=api.url("/loop"), params={
            "items": "items", "fields": {"title": "t"},
            "pagination": {"type": "cursor", "next_path": "next"}})
        with pytest.raises(FetchError, match="page 3 would repeat an earlier request"):
            _fetch(source, http)
        assert api.paths() == ["/loop", "/loop?cursor=abc"]


def test_an_unchanged_api_is_not_modified(platforms, client):
    source = _source(platforms.base_url, "ulsan-facilities")
    first = _fetch(source, client, secrets={})
    again = _fetch(source, client, secrets={}, etag=first.etag)
    assert first.etag
    assert not first.not_modified
    assert again.not_modified, "the same data again: nothing to parse"
    assert again.body == b""


def test_an_html_page_instead_of_json_is_a_clear_error(platforms, client):
    platforms.set_body(BUSAN_PATH, "<!doctype html><html><body>점검 중</body></html>",
                       content_type="text/html")
    with pytest.raises(FetchError, match="page 1: the answer is not JSON"):
        _fetch(_source(platforms.base_url, "busan-facilities"), client)


# --- params: a bad key is named ----------------------------------------------------------------

BAD_FETCH_PARAMS = [
    ({"itmes": "x"}, "itmes: Extra inputs are not permitted"),
    ({"pagination": {"type": "pages"}}, "pagination: Input tag 'pages'"),
    ({"pagination": {"type": "cursor"}}, "pagination.cursor.next_path: Field required"),
    ({"pagination": {"type": "page", "size": 0}}, "pagination.page.size"),
    ({"pagination": {"type": "page", "sise": 10}}, "pagination.page.sise: Extra inputs"),
    ({"status": {"ok": ["00"]}}, "status.code_path: Field required"),
]


@pytest.mark.parametrize(("params", "problem"), BAD_FETCH_PARAMS,
                         ids=["top-level-typo", "unknown-paging-type", "cursor-without-path",
                              "page-size-zero", "paging-typo", "status-without-code-path"])
def test_bad_fetch_params_are_refused_before_any_call(platforms, client, params, problem):
    source = _source(platforms.base_url, "ulsan-facilities", **params)
    with pytest.raises(FetchError, match=f"source ulsan-facilities params: .*{problem}"):
        _fetch(source, client, secrets={})
    assert platforms.requests == []


def test_key_env_without_key_param_is_refused(platforms, client):
    source = _source(platforms.base_url, "busan-facilities", key_param=None)
    with pytest.raises(FetchError, match="no params.key_param"):
        _fetch(source, client)


BAD_MAPPING_PARAMS = [
    ({"fields": {"tilte": "NAME"}}, "fields: 'tilte' is not a hub field"),
    ({"fields": {"address": "ADDR"}}, "fields: 'title' is required"),
    ({"fields": {"title": ""}}, "a path must not be empty"),
    ({"items": ""}, "items: String should have at least 1 character"),
    ({"itmes": "x"}, "itmes: Extra inputs are not permitted"),
]


@pytest.mark.parametrize(("params", "problem"), BAD_MAPPING_PARAMS,
                         ids=["field-typo", "no-title", "empty-path", "empty-items",
                              "top-level-typo"])
def test_bad_mapping_params_are_refused_with_the_key_named(params, problem):
    source = FIXTURE_SOURCES["xml_api"]
    bad = source.model_copy(update={"params": {**source.params, **params}})
    with pytest.raises(ParseError, match=f"source fixture-xml-api params: .*{problem}"):
        parse_document(b"<response/>", bad, NOW)


# --- hostile or broken XML -------------------------------------------------------------------

BILLION_LAUGHS = b"""<?xml version="1.0"?>
<!DOCTYPE lolz [<!ENTITY lol "lol">
<!ENTITY lol1 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">
<!ENTITY lol2 "&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;">
<!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">
<!ENTITY lol4 "&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;">
<!ENTITY lol5 "&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;">
<!ENTITY lol6 "&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;">
<!ENTITY lol7 "&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;">
<!ENTITY lol8 "&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;">
<!ENTITY lol9 "&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;">]>
<response><body><items><item><MNAME>&lol9;</MNAME><item_id>1</item_id></item></items></body>
</response>"""
EXTERNAL_ENTITY = b"""<?xml version="1.0"?><!DOCTYPE r [<!ENTITY x SYSTEM "file:///etc/passwd">]>
<response><body><items><item><MNAME>&x;</MNAME><item_id>1</item_id></item></items></body>
</response>"""
HOSTILE_XML = [
    (BILLION_LAUGHS, "refused XML with a DTD"),
    (EXTERNAL_ENTITY, "refused XML with a DTD"),
    (b"<response><body><items><item><MNAME>\xea\xb0\x95\xeb\x8b\xb9</item></items>",
     "not well-formed XML: mismatched tag"),
    (b"", "not well-formed XML"),
]


@pytest.mark.parametrize(("body", "problem"), HOSTILE_XML,
                         ids=["billion-laughs", "external-entity", "malformed", "empty"])
def test_hostile_or_broken_xml_fails_cleanly_and_fast(body, problem):
    started = time.monotonic()
    with pytest.raises(ParseError, match=problem):
        parse_document(body, FIXTURE_SOURCES["xml_api"], NOW)
    assert time.monotonic() - started < 1.0, "no entity may be expanded"


def test_the_fetcher_refuses_an_entity_bomb_page(platforms, client):
    platforms.set_body(ULSAN_PATH, BILLION_LAUGHS, content_type="application/xml")
    started = time.monotonic()
    with pytest.raises(FetchError, match="page 1: refused XML with a DTD or entities"):
        _fetch(_source(platforms.base_url, "ulsan-facilities"), client, secrets={})
    assert time.monotonic() - started < 2.0


# --- the simulators and the pipeline ---------------------------------------------------------

def test_the_simulators_look_like_data_go_kr(platforms, client):
    busan = client.get(platforms.url(BUSAN_PATH), params={
        "serviceKey": BUSAN_SAMPLE_KEY, "pageNo": 1, "numOfRows": 100, "resultType": "json"})
    body = busan.json()["response"]
    assert body["header"] == {"resultCode": "00", "resultMsg": "NORMAL SERVICE."}
    assert body["body"]["totalCount"] == len(body["body"]["items"]["item"]) == BUSAN_ROWS
    assert set(body["body"]["items"]["item"][0]) == {
        "facilitiesTitle", "tel", "address", "charge", "size", "lat", "lng", "clsName"}
    wrong_key = client.get(platforms.url(BUSAN_PATH), params={"serviceKey": "x"})
    assert wrong_key.content.startswith(b"<OpenAPI_ServiceResponse>")
    ulsan = client.get(platforms.url(ULSAN_PATH), params={"numOfRows": 100})
    assert ulsan.content.count(b"<item>") == ULSAN_ROWS
    assert b"<nextCursor />" in ulsan.content, "the last page has no next cursor"


@pytest.fixture
def hub(tmp_path, platforms, client):
    config = demo_config(generic_api_sources(platforms.base_url))
    deps = RefreshDeps(Catalog(tmp_path / "catalog.sqlite3"),
                       TantivyIndex(tmp_path / "index", category_words()), client, LIMITS,
                       secrets=SECRETS)
    register_sources(config, deps)
    yield {s.id: s.to_source() for s in config.sources}, deps
    deps.catalog.close()


def test_refresh_source_crawls_both_regional_apis_into_the_index(hub):
    sources, deps = hub
    outcomes = [refresh_source(sources[i], deps) for i in ("busan-facilities",
                                                           "ulsan-facilities")]
    assert [(o.run.status, o.run.added) for o in outcomes] == [("ok", BUSAN_ROWS),
                                                               ("ok", ULSAN_ROWS)]
    hits = deps.index.search(SearchQuery(text="수영장")).hits
    assert [(h.listing.title, h.listing.location.district_name) for h in hits] == [
        ("사직실내수영장", "동래구")]
    again = refresh_source(sources["ulsan-facilities"], deps)
    assert again.run.status == "unchanged"
