"""Operators publishing directly: JSON Lines checked against the published schema."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
from hypothesis import example, given
from hypothesis import strategies as st

from normalizer import Source, detect_kind, parse_document
from normalizer.json_feed import parse_json_feed
from normalizer.published_schema import PUBLISHED_SCHEMA_PATH, extension_errors, schema_errors
from tests.conftest import FIXTURES, NOW

SOURCE = Source(id="pub", name="빌림캠프", kind="listing_jsonl", url="https://x/l.jsonl")
ROOT = Path(__file__).resolve().parent.parent


def test_the_published_copy_of_the_schema_is_the_one_the_hub_uses():
    assert (ROOT / "schema" / "published_listing.schema.json").read_text(encoding="utf-8") \
        == PUBLISHED_SCHEMA_PATH.read_text(encoding="utf-8")


@pytest.mark.parametrize(("body", "kind"), [
    (b'{"id": "a", "title": "t"}\n{"id": "b", "title": "u"}\n', "listing_jsonl"),
    (b'[{"id": 1, "title": "t"}]', "listing_jsonl"),
    (b'{"id": "a", "title": "t"}', "listing_jsonl"),
    (b'{"version": "https://jsonfeed.org/version/1.1", "title": "t", "items": []}', "json_feed"),
], ids=["json lines", "array", "one object", "json feed"])
def test_published_listings_are_detected(body, kind):
    assert detect_kind(body) == kind


@pytest.mark.parametrize(("record", "problems"), [
    ({"id": "a", "title": "t"}, []),
    ({"id": "a"}, ["$: 'title' is a required property"]),
    ({"id": "a", "title": "t", "lat": 91.0}, ["$.lat: 91.0 is greater than the maximum of 39"]),
    ({"id": "a", "title": "t", "booking_url": "javascript:alert(1)"},
     ["$.booking_url: 'javascript:alert(1)' does not match '^https?://'"]),
    ({"id": "a", "title": "t", "updated_at": "yesterday"},
     ["$.updated_at: 'yesterday' is not a 'date-time'"]),
], ids=["minimal", "no title", "latitude", "script url", "date"])
def test_schema_errors_name_the_path(record, problems):
    assert schema_errors(record) == problems


def test_a_json_feed_extension_with_a_wrong_type_is_reported_with_its_path():
    feed = {"version": "https://jsonfeed.org/version/1.1", "title": "쉐어잇", "items": [
        {"id": "1", "title": "캠핑 의자", "_sharehub": {"lat": "37.5", "free": True}}]}
    result = parse_json_feed(json.dumps(feed).encode(), SOURCE.model_copy(
        update={"kind": "json_feed"}), NOW)
    assert len(result.listings) == 1
    assert "item 1: $._sharehub.lat: '37.5' is not of type 'number' (ignored)" in \
        result.report.notes
    assert extension_errors({"adress": "x"}) == []  # typos are reported as unmapped keys


def test_valid_records_become_listings_and_bad_ones_are_counted():
    body = (FIXTURES / "listing_jsonl" / "camping_gear.jsonl").read_bytes()
    result = parse_document(body, SOURCE, NOW)
    assert [li.title for li in result.listings] == ["4인용 돔 텐트 대여", "캠핑 의자 2개 세트"]
    assert (result.report.records, result.report.invalid) == (7, 5)


def test_preview_prints_each_schema_error_with_its_line_and_path():
    fixture = FIXTURES / "listing_jsonl" / "camping_gear.jsonl"
    result = subprocess.run([sys.executable, "-m", "sharehub", "preview", str(fixture)],
                            capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stderr
    assert len(result.stdout.splitlines()) == 2
    assert "kind: listing_jsonl" in result.stderr
    assert "error: line 4: $.hours: 9 is not of type 'string'" in result.stderr
    assert "$.items[0].quantity: -1 is less than the minimum of 0" in result.stderr


# --- the quick validity check (jsonschema-rs) agrees with the Python validator ----------

_SCHEMA_KEYS = [*json.loads(PUBLISHED_SCHEMA_PATH.read_text(encoding="utf-8"))["properties"],
                "extra"]
_JSON_VALUES = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats() | st.text(max_size=8)
    | st.sampled_from(["2026-11-02T09:00:00+09:00", "2026-12-31T23:59:60Z", "2026-11-02",
                       "x" * 600, "a@b.c", "https://a.example/x"]),
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(
        st.sampled_from(["name", "quantity", "amount", "id"]), inner, max_size=3),
    max_leaves=6)


@given(st.dictionaries(st.sampled_from(_SCHEMA_KEYS), _JSON_VALUES, max_size=6)
       | _JSON_VALUES)
@example({"id": "a", "title": "t", "updated_at": "2026-12-31T23:59:60Z"})  # leap second
@example({"id": "a", "title": "t", "lat": float("nan")})
def test_the_quick_check_changes_no_message(record):
    """A record the quick check passes has no message from the Python validator either,
    so schema_errors and extension_errors say exactly what it alone would say."""
    from normalizer import published_schema

    assert schema_errors(record) == published_schema._messages(
        published_schema._validator(), record, "$")
    assert extension_errors(record) == published_schema._messages(
        published_schema._extension_validator(), record, "$._sharehub")
