"""The field-path mapping of JSON and XML API sources (normalizer/api_mapping.py): which
hub field each configured path fills, on small inline documents."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta, timezone

import pytest

from normalizer import ParseError, Source, parse_document
from normalizer.api_mapping import parse_timestamp
from tests.conftest import FIXTURE_SOURCES, NOW

KST = timezone(timedelta(hours=9))


def _json_source(fields, **params) -> Source:
    return Source(id="t", name="테스트 API", kind="json_api", url="https://api.example.kr/",
                  params={"items": "data.rows", "fields": fields, **params})


def test_nested_paths_indexes_and_lists_fill_hub_fields():
    document = {"data": {"rows": [{
        "name": "망원동 공구도서관", "addr": {"road": "서울특별시 마포구 월드컵로 212"},
        "tel": ["02-3153-6541", "02-3153-6542"], "free": "Y", "tags": ["공구", "무료"],
        "geo": [37.5556, 126.9103], "updated": "20260315", "no": 7}]}}
    source = _json_source({"title": "name", "address": "addr.road", "phones": "tel",
                           "free": "free", "tags": "tags", "lat": "geo.0", "lon": "geo.1",
                           "updated_at": "updated"}, id="no")
    result = parse_document(json.dumps(document).encode(), source, NOW)
    listing = result.listings[0]
    assert listing.source_record_id == "7"
    assert listing.location.district_code == "11440"
    assert (listing.location.lat, listing.location.lon) == (37.5556, 126.9103)
    assert listing.contact.phones == ["02-3153-6541", "02-3153-6542"]
    assert listing.fee.free is True
    assert listing.tags == ["공구", "무료"]
    assert listing.source_updated_at == datetime(2026, 3, 15, tzinfo=KST)
    assert result.report.mapped_fields["addr.road"] == "address"
    assert result.report.unmapped_fields == []


@pytest.mark.parametrize(("items", "records", "invalid", "first_error"), [
    ([{"name": "회의실 A", "no": 1}, {"name": "회의실 B", "no": 1}], 2, 1, "duplicate"),
    ([{"name": "회의실 A"}], 1, 1, "no id at 'no'"),
    ([{"no": 3}], 1, 1, "no title"),
    (["회의실"], 1, 1, "not an object"),
], ids=["duplicate-id", "missing-id", "missing-title", "not-an-object"])
def test_bad_items_are_skipped_and_counted(items, records, invalid, first_error):
    source = _json_source({"title": "name"}, id="no")
    result = parse_document(json.dumps({"data": {"rows": items}}).encode(), source, NOW)
    assert (result.report.records, result.report.invalid) == (records, invalid)
    assert first_error in result.report.errors[0]


def test_without_an_id_path_the_id_is_stable():
    source = _json_source({"title": "name", "address": "addr"})
    body = json.dumps({"data": {"rows": [{"name": "체육관", "addr": "부산광역시 동래구"}]}})
    first = parse_document(body.encode(), source, NOW).listings[0]
    again = parse_document(body.encode(), source, NOW).listings[0]
    assert first.id == again.id


def test_an_items_path_that_leads_nowhere_names_it():
    with pytest.raises(ParseError, match="params.items 'data.rows': the document has no "
                                         "'data'"):
        parse_document(b'{"response": {}}', _json_source({"title": "name"}), NOW)


def test_xml_items_path_must_start_at_the_root():
    with pytest.raises(ParseError, match=r"starts at <response>, but the document's root is "
                                         r"<OpenAPI_ServiceResponse>"):
        parse_document(b"<OpenAPI_ServiceResponse><cmmMsgHeader/></OpenAPI_ServiceResponse>",
                       FIXTURE_SOURCES["xml_api"], NOW)


def test_xml_attributes_and_namespaces_are_read():
    body = ('<?xml version="1.0" encoding="UTF-8"?><d:records xmlns:d="urn:x">'
            '<d:record id="R1"><d:name>성북구 공구도서관</d:name><d:addr road="서울특별시 성북구 '
            '보문로 168"/></d:record></d:records>').encode()
    source = Source(id="x", name="x", kind="xml_api", url="https://x.kr/", params={
        "items": "records/record", "id": "@id",
        "fields": {"title": "name", "address": "addr/@road"}})
    listing = parse_document(body, source, NOW).listings[0]
    assert (listing.source_record_id, listing.title) == ("R1", "성북구 공구도서관")
    assert listing.location.district_code == "11290"


@pytest.mark.parametrize(("text", "expected"), [
    ("2024-04-03 00:00:00.0", datetime(2024, 4, 3, tzinfo=KST)),
    ("20240403", datetime(2024, 4, 3, tzinfo=KST)),
    ("2024.04.03", datetime(2024, 4, 3, tzinfo=KST)),
    ("2024-04-03T10:00:00+00:00", datetime(2024, 4, 3, 10, tzinfo=UTC)),
    ("1768834800000", datetime(2026, 1, 19, 15, 0, tzinfo=UTC)),
    ("2024-13-45", None),
    ("어제", None),
    ("", None),
], ids=["yeyak", "yyyymmdd", "dotted", "iso-utc", "epoch-ms", "impossible-date", "words",
        "empty"])
def test_update_times(text, expected):
    assert parse_timestamp(text) == expected
