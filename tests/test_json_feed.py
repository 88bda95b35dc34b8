"""JSON Feed 1.0/1.1: standard fields, the `_sharehub` extension, sanitizing, bad documents,
and the company feed served by the sample platform on loopback."""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import UTC, datetime
from typing import Any

import httpx
import pytest

from normalizer import ParseError, Source, detect_kind, parse_document
from normalizer.json_feed import parse_json_feed
from sample_platforms import SamplePlatforms
from sample_platforms.json_feed_platform import JSON_FEED_PATH, JSON_FEED_TYPE
from tests.conftest import FIXTURE_SOURCES, NOW, read_fixture

FEED = FIXTURE_SOURCES["json_feed"]
V11 = "https://jsonfeed.org/version/1.1"


def _feed(*items: dict[str, Any], **top: Any) -> bytes:
    return json.dumps({"version": V11, "title": "t", "items": list(items), **top},
                      ensure_ascii=False).encode("utf-8")


def _one(item: dict[str, Any], **top: Any):
    result = parse_json_feed(_feed({"id": "1", "title": "캠핑 의자", **item}, **top), FEED, NOW)
    assert result.report.errors == []
    return result.listings[0]


def test_extension_fields_become_listing_fields():
    listing = _one({"_sharehub": {
        "address": "서울 마포구 월드컵로 212", "lat": 37.5637, "lon": 126.9084,
        "fee": "1일 5,000원, 보증금 20,000원", "free": False, "hours": "평일 10:00~19:00",
        "capacity": 4, "phones": ["02-123-4567", "010-1234-5678"], "email": "hi@example.kr",
        "loan_period_days": 3, "items": [{"name": "의자", "quantity": 2}, "가방"],
        "booking_url": "https://example.kr/book/1"}})
    assert listing.location.district_code == "11440", "서울 마포구 resolves to 11440"
    assert (listing.location.lat, listing.location.lon) == (37.5637, 126.9084)
    assert (listing.fee.free, listing.fee.min_krw, listing.fee.deposit_krw) == (False, 5000, 20000)
    assert [(w.days[0], w.opens, w.closes) for w in listing.hours.weekly] == [
        ("mon", "10:00", "19:00")]
    assert (listing.capacity, listing.loan_period_days) == (4, 3)
    assert listing.contact.phones == ["02-123-4567", "010-1234-5678"]
    assert listing.contact.email == "hi@example.kr"
    assert [(i.name, i.quantity) for i in listing.items] == [("의자", 2), ("가방", None)]
    assert listing.booking_url == "https://example.kr/book/1"


@pytest.mark.parametrize(("category", "expected"), [
    ("item.household", "item.household"), ("space.meeting_room", "space.meeting_room"),
    ("item.medical", "item.medical"), ("캠핑용품", "item.camping"),
    ("no.such_code", "item.camping"),
], ids=["code-beats-title-keywords", "code-changes-kind", "code-without-keyword-hit",
        "label-is-classified", "unknown-code-is-a-label"])
def test_declared_category(category, expected):
    listing = _one({"_sharehub": {"category": category}})
    assert listing.category == expected
    assert listing.kind == expected.split(".")[0]


def test_standard_fields_without_the_extension():
    listing = _one({"url": "https://example.kr/1", "content_html": "<p>접이식 <b>의자</b></p>",
                    "image": "https://example.kr/1.jpg", "tags": ["캠핑", "의자"],
                    "date_published": "2026-11-02T18:00:00+09:00",
                    "date_modified": "2026-11-10T09:00:00Z",
                    "authors": [{"name": "글쓴이"}]},
                   authors=[{"name": "쉐어잇"}])
    assert (listing.url, listing.booking_url) == ("https://example.kr/1", "https://example.kr/1")
    assert listing.description == "접이식 의자"
    assert listing.image_url == "https://example.kr/1.jpg"
    assert listing.tags == ["의자", "캠핑"]
    assert listing.source_updated_at == datetime(2026, 11, 10, 9, 0, tzinfo=UTC), \
        "date_modified wins over date_published"
    assert listing.provider.name == "쉐어잇", "the feed's author runs the offers"


def test_html_is_sanitized_and_plain_text_kept_as_written():
    result = parse_json_feed(read_fixture("json_feed", "plain_v1.json"), FEED, NOW)
    html_item, text_item, _ = result.listings
    assert html_item.description is not None
    assert "track()" not in html_item.description
    assert "javascript" not in html_item.description
    assert "<" not in html_item.description
    assert text_item.description == ("매주 토요일 10시, 반찬 만들기 클래스. "
                                     "재료비 1인 5,000원 <현장 결제>.")
    assert html_item.provider.name == "다함께 나눔부엌 협동조합", "JSON Feed 1.0 `author`"


def test_bad_items_are_skipped_and_unknown_extension_keys_reported():
    result = parse_json_feed(read_fixture("json_feed", "with_extension.json"), FEED, NOW)
    assert result.report.errors == [
        "item 5: record 'shareit-1099': no title",
        "item 6: duplicate item id 'shareit-1001'",
        "item 7: _sharehub is not an object",
    ]
    assert result.report.unmapped_fields == ["_sharehub.adress"]
    assert result.report.notes == ["next_url not followed: one page is read per refresh"]
    assert result.report.mapped_fields["_sharehub.fee"] == "fee"
    assert (result.report.records, len(result.listings)) == (7, 4)


@pytest.mark.parametrize(("body", "message"), [
    (b"{not json", "not JSON"),
    (b'{"version": "https://example.org/feed", "items": []}', "not a JSON Feed"),
    (b"[1, 2, 3]", "not a JSON Feed"),
    (json.dumps({"version": V11, "items": {"id": 1}}).encode(), "without an items list"),
], ids=["not-json", "other-version", "array", "items-not-a-list"])
def test_documents_that_are_not_json_feeds(body, message):
    with pytest.raises(ParseError, match=message):
        parse_json_feed(body, FEED, NOW)


def test_version_1_0_and_numeric_ids_and_odd_values():
    body = json.dumps({"version": "https://jsonfeed.org/version/1", "items": [
        {"id": 7, "title": "우산", "date_published": "어제", "tags": "우산",
         "_sharehub": {"lat": "north", "capacity": "최대 3명", "free": "yes", "items": "우산"}}]},
        ensure_ascii=False).encode()
    listing = parse_json_feed(body, FEED, NOW).listings[0]
    assert listing.source_record_id == "7"
    assert listing.source_updated_at is None
    assert listing.capacity == 3
    assert listing.fee.free is None, "a string is not a boolean"
    assert listing.items == []
    assert listing.tags == []


# --- the company feed on the sample platform ---------------------------------------------

@pytest.fixture(scope="module")
def platforms() -> Iterator[SamplePlatforms]:
    with SamplePlatforms(host="127.0.0.1", port=0) as running:
        yield running


def test_sample_company_feed_is_read_whole(platforms):
    definition = next(s for s in platforms.sources() if s["id"] == "shareit-feed")
    with httpx.Client(trust_env=False, timeout=10) as client:
        response = client.get(str(definition["url"]))
    assert response.headers["content-type"] == JSON_FEED_TYPE
    assert definition["url"] == platforms.url(JSON_FEED_PATH)
    assert detect_kind(response.content, content_type=JSON_FEED_TYPE) == "json_feed"
    result = parse_document(response.content, Source(**definition), NOW)
    assert result.report.invalid == 0, result.report.errors
    assert result.report.unmapped_fields == []
    titles = " ".join(listing.title for listing in result.listings)
    for wanted in ("캠핑 의자", "빔프로젝터", "유아 카시트"):
        assert wanted in titles
    assert len(result.listings) >= 12
    for listing in result.listings:
        assert listing.location.lat is not None, listing.title
        assert listing.location.district_code, listing.title
        assert listing.hours.weekly, listing.title
        assert listing.items, listing.title
        assert listing.provider.name == "쉐어잇"
        assert "<script" not in (listing.description or "")
        assert "alert" not in (listing.description or "")
