"""Seoul Open API (서울시 공공서비스예약): the fetcher against the simulator on loopback
(paging by start/end, several services, result codes, the key never echoed), the parser's
decisions (category table, swapped coordinates, envelopes), and a refresh through the
pipeline. Golden files are in tests/fixtures/seoul_openapi/: `culture_real_sample.json` is
the real row of ../shared/reference/samples (verbatim), `sport_2020_swapped_xy.json` two
real 2012-era rows quoted in a public project's README (with their X/Y swapped and their
DTLCONT cut as quoted there), the others were captured from the simulator or built in the
shape of real rows for the edge cases (unmapped classes, rows without SVCID or SVCNM)."""

from __future__ import annotations

import json
import logging

import pytest

from crawlers import FetchContext, FetchError, FetchLimits, make_client
from crawlers.seoul_openapi import fetch_seoul_openapi
from index import Catalog, SearchQuery, TantivyIndex
from normalizer import ParseError, Source, parse_document
from normalizer.seoul_openapi import load_seoul_categories
from normalizer.taxonomy import load_taxonomy
from sample_platforms import SamplePlatforms
from sample_platforms.seoul_openapi_platform import seoul_openapi_sources
from sharehub.crawl import register_sources
from sharehub.pipeline import RefreshDeps, refresh_source
from sharehub.runtime import demo_config
from sharehub.wiring import category_words
from tests.conftest import FIXTURE_SOURCES, NOW

LIMITS = FetchLimits(allow_private_networks=True)
KEY_ENV = "SHAREHUB_SEOUL_OPENAPI_KEY"
SECRETS = {KEY_ENV: "SAMPLE"}
INSTITUTION, SPORT = "ListPublicReservationInstitution", "ListPublicReservationSport"
ROWS = {INSTITUTION: 13, SPORT: 13}


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
    definition = seoul_openapi_sources(platforms.base_url)[0]
    return Source(**{**definition, "params": {**definition["params"], **params}})


def _fetch(platforms, client, secrets=SECRETS, etag=None, **params):
    return fetch_seoul_openapi(_source(platforms, **params),
                               FetchContext(client, LIMITS, etag=etag, secrets=secrets))


def _paths(platforms) -> list[str]:
    return [r.path.removeprefix("/seoul/SAMPLE/json/") for r in platforms.requests]


# --- the fetcher -------------------------------------------------------------------------------

def test_every_service_is_fetched_into_one_document(platforms, client):
    result = _fetch(platforms, client)
    document = json.loads(result.body)
    assert list(document) == [INSTITUTION, SPORT]
    for service, envelope in document.items():
        assert envelope["RESULT"]["CODE"] == "INFO-000"
        assert envelope["list_total_count"] == len(envelope["row"]) == ROWS[service]
    assert _paths(platforms) == [f"{INSTITUTION}/1/1000/", f"{SPORT}/1/1000/"]
    assert result.final_url == platforms.url("/seoul")
    parsed = parse_document(result.body, _source(platforms), NOW)
    assert len(parsed.listings) == sum(ROWS.values())


def test_rows_are_paged_by_start_and_end(platforms, client):
    result = _fetch(platforms, client, services=[INSTITUTION], page_size=5)
    assert _paths(platforms) == [f"{INSTITUTION}/1/5/", f"{INSTITUTION}/6/10/",
                                 f"{INSTITUTION}/11/15/"]
    rows = json.loads(result.body)[INSTITUTION]["row"]
    assert len({row["SVCID"] for row in rows}) == len(rows) == ROWS[INSTITUTION]


def test_one_service_and_a_minor_class_filter(platforms, client):
    result = _fetch(platforms, client, services=[], service=INSTITUTION, filter="강당")
    rows = json.loads(result.body)[INSTITUTION]["row"]
    assert {row["MINCLASSNM"] for row in rows} == {"강당"}
    assert _paths(platforms) == [f"{INSTITUTION}/1/1000/%EA%B0%95%EB%8B%B9/"]


def test_no_data_info_200_is_an_empty_list_not_an_error(platforms, client):
    result = _fetch(platforms, client, services=[SPORT], filter="수영장")
    document = json.loads(result.body)
    assert document[SPORT]["RESULT"]["CODE"] == "INFO-200"
    assert document[SPORT]["row"] == []
    parsed = parse_document(result.body, _source(platforms), NOW)
    assert (parsed.listings, parsed.report.records) == ([], 0)


def test_a_rejected_key_is_explained_without_echoing_it(platforms, client, caplog):
    key = "MY-SECRET-KEY-9"
    with caplog.at_level(logging.DEBUG), pytest.raises(FetchError) as caught:
        _fetch(platforms, client, secrets={KEY_ENV: key})
    message = str(caught.value)
    assert message.startswith(f"{INSTITUTION}: INFO-100 인증키가 유효하지 않습니다."), message
    assert KEY_ENV in message
    assert key not in message
    assert caught.value.__cause__ is None
    ours = [r.getMessage() for r in caplog.records if r.name.startswith("sharehub")]
    assert not [line for line in ours if key in line]


def test_a_key_in_a_refused_url_is_masked(client):
    source = Source(id="odd", name="odd", kind="seoul_openapi", url="ftp://openapi.example",
                    key_env=KEY_ENV, params={"service": SPORT})
    with pytest.raises(FetchError) as caught:
        fetch_seoul_openapi(source, FetchContext(client, LIMITS, secrets=SECRETS))
    assert "/***/json/" in str(caught.value)


def test_a_missing_key_variable_is_named_and_nothing_is_sent(platforms, client):
    with pytest.raises(FetchError, match=f"API key variable {KEY_ENV} is not set"):
        _fetch(platforms, client, secrets={})
    assert platforms.requests == []


@pytest.mark.parametrize(("secret", "params", "code"), [
    ("sample", {"page_size": 10}, "ERROR-335"),
    ("SAMPLE", {"services": ["ListPublicReservationNothing"]}, "ERROR-310"),
], ids=["public-sample-key-over-5-rows", "unknown-service"])
def test_api_error_codes_fail_with_code_and_message(platforms, client, secret, params, code):
    with pytest.raises(FetchError, match=f": {code} .+"):
        _fetch(platforms, client, secrets={KEY_ENV: secret}, **params)


def test_the_public_sample_key_works_5_rows_at_a_time(platforms, client):
    result = _fetch(platforms, client, secrets={KEY_ENV: "sample"}, services=[SPORT],
                    page_size=5)
    assert len(json.loads(result.body)[SPORT]["row"]) == ROWS[SPORT]


def test_paging_stops_at_max_pages(platforms, client):
    with pytest.raises(FetchError, match=f"{INSTITUTION}: more than 2 pages of 5 rows"):
        _fetch(platforms, client, page_size=5, max_pages=2)
    assert len(platforms.requests) == 2


def test_an_unchanged_api_is_not_modified(platforms, client):
    first = _fetch(platforms, client)
    again = _fetch(platforms, client, etag=first.etag)
    assert again.not_modified, "the same rows again: nothing to parse"
    assert again.body == b""


@pytest.mark.parametrize(("params", "problem"), [
    ({"services": [], "service": None}, "name the API: 'service' or 'services'"),
    ({"servise": SPORT}, "servise: Extra inputs are not permitted"),
    ({"page_size": 5000}, "page_size: Input should be less than or equal to 1000"),
    ({"services": ["List/../x"]}, "not a service name: 'List/../x'"),
], ids=["no-service", "typo", "page-over-1000", "path-in-service-name"])
def test_bad_params_are_refused_with_the_key_named(platforms, client, params, problem):
    with pytest.raises(FetchError, match=f"source seoul-yeyak params: .*{problem}"):
        _fetch(platforms, client, **params)
    assert platforms.requests == []


# --- the parser's decisions ----------------------------------------------------------------

def _row(**fields) -> dict[str, str]:
    row = {"SVCID": "S260101000000000001", "SVCNM": "테스트 서비스", "PLACENM": "시민청",
           "AREANM": "중구", "X": "126.9778", "Y": "37.5665", "PAYATNM": "무료",
           "V_MIN": "09:00", "V_MAX": "18:00", "TELNO": "02-120"}
    return {**row, **fields}


def _parse(*rows, service=SPORT):
    document = {service: {"list_total_count": len(rows),
                          "RESULT": {"CODE": "INFO-000", "MESSAGE": "정상 처리되었습니다"},
                          "row": list(rows)}}
    return parse_document(json.dumps(document).encode(), FIXTURE_SOURCES["seoul_openapi"], NOW)


@pytest.mark.parametrize(("min_class", "max_class", "title", "category", "unmapped"), [
    ("강당", "공간시설", "시민청 태평홀", "space.hall", False),
    ("회의실", "공간시설", "워크숍룸", "space.meeting_room", False),
    ("강의실", "공간시설", "301호", "space.hall", False),
    ("테니스장", "체육시설", "1코트", "space.sports", False),
    ("축구장", "체육시설", "난지천", "space.sports", False),
    ("풋살장", "체육시설", "탄천", "space.sports", False),
    ("체육관", "체육시설", "보조경기장", "space.sports", False),
    ("족구장", "체육시설", "불광천", "space.sports", False),
    ("교육체험", "문화체험", "박물관 교실", "program.class", False),
    ("전시/관람", "문화행사", "가옥 관람", "program.event", False),
    ("공연", "문화행사", "음악회", "program.event", False),
    ("공원탐방", "문화체험", "숲 해설", "program.event", False),
    ("산림여가", "문화체험", "숲 체험", "program.event", False),
    ("승마장", "체육시설", "승마 체험", "space.sports", False),
    ("농장체험", "문화체험", "도시농업 교실", "program.event", True),
], ids=["hall", "meeting-room", "lecture-room", "tennis", "football", "futsal", "gym",
        "jokgu", "education", "exhibition", "performance", "park-walk", "forest",
        "unknown-minor-known-major", "unknown-both-keyword-fallback"])
def test_category_from_the_class_table(min_class, max_class, title, category, unmapped):
    result = _parse(_row(MINCLASSNM=min_class, MAXCLASSNM=max_class, SVCNM=title))
    assert result.listings[0].category == category
    note = f"MINCLASSNM {min_class} (MAXCLASSNM {max_class})"
    assert (note in result.report.unmapped_fields) is unmapped


@pytest.mark.parametrize("code", sorted({*load_seoul_categories().by_min_class.values(),
                                         *load_seoul_categories().by_max_class.values()}))
def test_every_mapped_category_has_a_label_the_taxonomy_reads_back(code):
    label = load_seoul_categories().labels[code]
    assert code in load_taxonomy().categories
    hit = load_taxonomy().classify(label)
    assert hit is not None
    assert (hit.category, hit.confidence >= 0.5) == (code, True), label


@pytest.mark.parametrize(("x", "y", "lat", "lon"), [
    ("126.97037430869801", "37.570500279648634", 37.570500279648634, 126.97037430869801),
    ("37.574238294219086", "126.88390026512282", 37.574238294219086, 126.88390026512282),
    ("", "", None, None),
], ids=["x-is-longitude", "swapped-in-older-rows", "missing"])
def test_coordinates(x, y, lat, lon):
    location = _parse(_row(X=x, Y=y)).listings[0].location
    assert (location.lat, location.lon) == (lat, lon)


def test_the_standard_terms_are_dropped_and_the_facts_kept():
    details = ("<p>1. 공공시설 예약서비스 이용시 필수 준수사항</p><p>모든 서비스의 이용은 "
               "담당 기관의 규정에 따릅니다.</p><p>2. 시설예약</p><p>3. 상세내용</p>"
               "<p>빔프로젝터&nbsp;있음</p>")
    listing = _parse(_row(DTLCONT=details, USETGTINFO=" 제한없음", REVSTDDAYNM="이용일",
                          REVSTDDAY="3", RCPTBGNDT="2026-10-01 09:00:00.0")).listings[0]
    assert listing.description == "이용대상: 제한없음\n접수기간: 2026-10-01 09:00 ~\n" \
                                  "취소기준: 이용일 3일 전까지\n빔프로젝터 있음"
    assert listing.source_updated_at is not None
    assert listing.source_updated_at.isoformat() == "2026-10-01T09:00:00+09:00"


def test_a_row_without_a_url_gets_the_yeyak_booking_page():
    listing = _parse(_row(SVCURL="")).listings[0]
    assert listing.booking_url == ("https://yeyak.seoul.go.kr/web/reservation/"
                                   "selectReservView.do?rsv_svc_id=S260101000000000001")


@pytest.mark.parametrize(("body", "problem"), [
    (b'{"RESULT": {"CODE": "ERROR-500", "MESSAGE": "\\uc11c\\ubc84 \\uc624\\ub958"}}',
     "answered ERROR-500: 서버 오류"),
    (b'{"X": {"RESULT": {"CODE": "INFO-100", "MESSAGE": "key"}, "row": []}}',
     "answered INFO-100"),
    (b'{"rows": []}', "no {SERVICE: {RESULT, row}} envelope"),
    (b"[1, 2]", "the JSON is not an object"),
    (b"<html>", "not JSON"),
], ids=["server-error", "bad-key-in-envelope", "no-envelope", "a-list", "html"])
def test_documents_that_are_not_good_answers(body, problem):
    with pytest.raises(ParseError, match=problem):
        parse_document(body, FIXTURE_SOURCES["seoul_openapi"], NOW)


def test_info_200_inside_an_envelope_is_empty():
    body = (b'{"ListPublicReservationCulture": {"list_total_count": 0, "RESULT": '
            b'{"CODE": "INFO-200", "MESSAGE": "no data"}, "row": []}}')
    result = parse_document(body, FIXTURE_SOURCES["seoul_openapi"], NOW)
    assert (result.listings, result.report.records) == ([], 0)


# --- through the pipeline --------------------------------------------------------------------

@pytest.fixture
def hub(tmp_path, platforms, client):
    config = demo_config(seoul_openapi_sources(platforms.base_url))
    deps = RefreshDeps(Catalog(tmp_path / "catalog.sqlite3"),
                       TantivyIndex(tmp_path / "index", category_words()), client, LIMITS,
                       secrets=SECRETS)
    register_sources(config, deps)
    yield config.sources[0].to_source(), deps
    deps.catalog.close()


def test_refresh_source_crawls_yeyak_into_the_index(hub):
    source, deps = hub
    outcome = refresh_source(source, deps)
    assert outcome.run.status == "ok", outcome.run.error
    assert outcome.run.added == sum(ROWS.values())
    courts = deps.index.search(SearchQuery(text="테니스장")).hits
    assert {(h.listing.location.district_name, h.listing.category) for h in courts} == {
        ("서초구", "space.sports"), ("동작구", "space.sports")}
    assert refresh_source(source, deps).run.status == "unchanged"


def test_refresh_with_a_bad_key_fails_and_keeps_the_listings(hub):
    source, deps = hub
    refresh_source(source, deps)
    bad = RefreshDeps(deps.catalog, deps.index, deps.client, deps.limits,
                      secrets={KEY_ENV: "WRONG-KEY-77"})
    outcome = refresh_source(source, bad)
    assert outcome.run.status == "failed"
    assert outcome.run.error.startswith(f"fetch: {INSTITUTION}: INFO-100")
    assert "WRONG-KEY-77" not in outcome.run.error
    assert deps.catalog.count_listings() == sum(ROWS.values())
