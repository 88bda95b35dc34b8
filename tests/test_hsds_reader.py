"""Operators who publish HSDS 3.0: what sharehub exports, it reads back."""

from __future__ import annotations

import json

import pytest

from normalizer import Source, detect_kind, parse_document
from normalizer.export_hsds import hsds_export
from tests.conftest import FIXTURE_SOURCES, FIXTURES, NOW

SOURCE = Source(id="hsds-pub", name="구청 HSDS", kind="hsds", url="https://x/services.json")


@pytest.fixture(scope="module")
def original():
    body = (FIXTURES / "csv" / "seongbuk_utf8.csv").read_bytes()
    return parse_document(body, FIXTURE_SOURCES["csv"], NOW).listings


def test_an_hsds_export_reads_back_as_the_same_places(original):
    services = hsds_export(original).services
    body = json.dumps(services, ensure_ascii=False).encode()
    assert detect_kind(body) == "hsds"
    result = parse_document(body, SOURCE, NOW)
    assert result.report.invalid == 0
    assert len(result.listings) == len(original)
    for before, after in zip(original, result.listings, strict=True):
        assert after.title == before.title
        assert after.location.district_code == before.location.district_code
        assert (after.location.lat, after.location.lon) == (before.location.lat,
                                                            before.location.lon)
        assert after.hours.weekly == before.hours.weekly
        assert after.fee.free == before.fee.free
        assert after.contact.phones == before.contact.phones


def test_json_lines_and_the_api_list_page_are_read_too(original):
    services = hsds_export(original[:3]).services
    lines = "\n".join(json.dumps(s, ensure_ascii=False) for s in services).encode()
    assert detect_kind(lines) == "hsds"
    assert len(parse_document(lines, SOURCE, NOW).listings) == 3
    page = json.dumps({"total_items": 3, "contents": services}, ensure_ascii=False).encode()
    assert detect_kind(page) == "hsds"
    assert len(parse_document(page, SOURCE, NOW).listings) == 3


def test_a_service_that_breaks_the_schema_is_reported_with_its_path(original):
    good, bad = hsds_export(original[:2]).services
    bad = {**bad, "phones": [{"id": "p1", "number": 1234}]}
    del bad["name"]
    result = parse_document(json.dumps([good, bad]).encode(), SOURCE, NOW)
    assert len(result.listings) == 1
    assert result.report.invalid == 1
    (error,) = result.report.errors
    assert error.startswith("service 2: ")
    assert "'name' is a required property" in error
    assert "$.phones[0].number" in error
