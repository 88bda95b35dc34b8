"""Hypothesis properties of every field parser and of the HTML-to-text sanitizer.

Each parser takes whatever a platform publishes: it must never raise, and what it returns
must be well-formed (times "HH:MM", days from mon..sun, amounts not negative, phones that
are digits and dashes). Inputs mix arbitrary text with the words and shapes the parsers
look for, so the properties reach deep into them rather than failing fast on noise.
"""

from __future__ import annotations

import html
import re
import warnings
from datetime import UTC, datetime

import nh3
import pytest
from bs4 import BeautifulSoup, MarkupResemblesLocatorWarning
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st
from markupsafe import escape

from index.geo import CELL_LEVELS, cell_id, cell_ids
from normalizer.dates import parse_date
from normalizer.fields import (
    parse_capacity,
    parse_fee,
    parse_items,
    parse_loan_period,
    parse_phones,
)
from normalizer.gazetteer import load_gazetteer
from normalizer.hours import parse_hours
from normalizer.open_now import is_open, opening_today
from normalizer.text import (
    _BLOCK_TAGS,
    _DROPPED_WITH_CONTENT,
    clean_text,
    decode_bytes,
    html_to_text,
)

WORDS = ["월", "화", "수", "목", "금", "토", "일", "~", "-", "평일", "주말", "매일", "연중",
         "24시간", "휴무", "휴관일", "점심시간", "공휴일", "제외", "09:00", "18:00",
         "12:00~13:00", "24:00",
         "00:00", "9시", "무료", "유료", "원", "1,000", "보증금", "1일", "2박3일", "3일", "최대",
         "15명", "연장", "02-", "010-1234-5678", "내선", "+", "/", ",", "각 1", "2(5)", " ",
         "(", ")", "·", "서울특별시", "성북구", "마포구", "인천", "남구", "로 12", "지하", "층"]
KOREAN_TEXT = st.lists(st.one_of(st.sampled_from(WORDS), st.text(max_size=6)),
                       max_size=25).map("".join)
TEXT = st.one_of(KOREAN_TEXT, st.text(max_size=200))
CLOCK = re.compile(r"^([01]\d|2[0-4]):[0-5]\d$")
DAYS = {"mon", "tue", "wed", "thu", "fri", "sat", "sun"}
FAST = settings(max_examples=200, deadline=None,
                suppress_health_check=[HealthCheck.too_slow])


@FAST
@given(TEXT)
def test_hours_are_well_formed(text):
    hours = parse_hours(text)
    for entry in hours.weekly:
        assert entry.days
        assert set(entry.days) <= DAYS
        assert CLOCK.match(entry.opens), entry
        assert CLOCK.match(entry.closes), entry


@FAST
@given(TEXT, st.datetimes(min_value=datetime(2020, 1, 1), max_value=datetime(2030, 12, 31),
                          timezones=st.just(UTC)), st.booleans())
def test_open_now_and_today_never_fail(text, at, holidays):
    hours = parse_hours(text)
    assert is_open(hours, at, closed_on_holidays=holidays) in (True, False, None)
    for lang in ("ko", "en"):
        line = opening_today(hours, at, lang=lang, closed_on_holidays=holidays)
        assert isinstance(line, str)
        assert bool(line) == bool(hours.weekly)  # nothing said when the hours are unknown


@FAST
@given(TEXT, st.one_of(st.none(), st.booleans()))
def test_fees_are_never_negative_and_ordered(text, free):
    fee = parse_fee(text, free_flag=free)
    for amount in (fee.min_krw, fee.max_krw, fee.deposit_krw):
        assert amount is None or amount >= 0
    if fee.min_krw is not None and fee.max_krw is not None:
        assert fee.min_krw <= fee.max_krw
    if free is not None:
        assert fee.free is free


@FAST
@given(TEXT)
def test_periods_and_capacities_are_plausible_counts(text):
    period, capacity = parse_loan_period(text), parse_capacity(text)
    assert period is None or period >= 0
    assert capacity is None or capacity >= 0


@FAST
@given(TEXT)
def test_phones_are_digits_and_dashes(text):
    for phone in parse_phones(text):
        assert re.fullmatch(r"[0-9][0-9-]*[0-9]( \(내선 \d+\))?|[0-9][0-9-]*[0-9].*", phone)
        assert sum(ch.isdigit() for ch in phone) >= 4


@FAST
@given(TEXT)
def test_items_have_names_and_sane_quantities(text):
    for item in parse_items(text):
        assert item.name.strip() == item.name
        assert item.name
        assert item.quantity is None or item.quantity >= 0


@FAST
@given(TEXT)
def test_dates_are_aware_when_found(text):
    found = parse_date(text)
    assert found is None or found.tzinfo is not None


@FAST
@given(TEXT)
def test_addresses_resolve_to_real_districts_or_nothing(text):
    district = load_gazetteer().resolve_address(text)
    assert district is None or re.fullmatch(r"\d{5}", district.code)


@FAST
@given(st.binary(max_size=400))
def test_any_bytes_decode_or_fail_with_a_parse_error(body):
    from normalizer.errors import ParseError
    try:
        assert isinstance(decode_bytes(body), str)
    except ParseError:
        pass


TAGS = ["<script>alert(1)</script>", "<SCRIPT SRC=//x.js>", "<img src=x onerror=alert(1)>",
        "<a href='javascript:alert(1)'>x</a>", "<b>", "</b>", "<p>", "<br>", "<style>",
        "<svg onload=alert(1)>", "<iframe src=//x>", "&lt;script&gt;", "&amp;", "<!--", "-->",
        "<![CDATA[", "]]>", "<", ">", "\"", "'", "<math><mi>"]
HTML = st.lists(st.one_of(st.sampled_from(TAGS), st.text(max_size=8)), max_size=30).map("".join)


@FAST
@given(HTML)
@example("<iframe src=//x><script>alert(1)</script>")  # once came out as "<script>…" text
@example("<noscript><img src=x onerror=alert(1)></noscript>")
def test_no_tag_of_the_input_survives_the_sanitizer(value):
    text = html_to_text(value)
    if text is None:
        return
    # Plain text out: a "<" in it was written as text by the publisher (a bare "<" or an
    # entity "&lt;"), never a tag of the input. So there are never more of them than such
    # characters in the input, and the text, escaped as the site renders it, has no element.
    tag = re.compile(r"<[a-zA-Z/!?]")
    bare = len(re.findall(r"<(?![a-zA-Z/!?])", value))
    assert len(tag.findall(text)) <= value.count("&lt;") + value.count("&#60;") + bare
    with warnings.catch_warnings():  # text that looks like a file name or URL is fine
        warnings.simplefilter("ignore", MarkupResemblesLocatorWarning)
        assert BeautifulSoup(str(escape(text)), "html.parser").find() is None
    assert html_to_text(str(escape(text))) == text  # stable: text stays the same text


@given(st.floats(-90.0, 90.0), st.floats(-180.0, 180.0))
@example(90.0, 180.0)
@example(-90.0, -180.0)
@example(37.5665, 126.978)
def test_cell_ids_are_each_levels_cell(lat, lon):
    """The indexing shortcut (finest row and column, shifted per level) gives the cell
    that `cell_id` computes for every level, which is what radius queries look up."""
    assert cell_ids(lat, lon) == [cell_id(level, lat, lon) for level in CELL_LEVELS]


@given(st.text(alphabet=st.sampled_from(list("가나 ab1\n\r\t&;#<>/lgtampx\x00\x0b\u00a0"
                                            "\u3000\ufeff\u200b")) | st.characters(),
               max_size=40))
@example("&amp;\r\n가")
@example("\ufeff공구")
@example("a\x00b")
def test_plain_text_skips_the_html_parser_unchanged(text):
    """html_to_text's shortcut for text without tags, entities or parser-only characters
    gives what the HTML parser path gives (nh3, then unescaping)."""
    try:
        parsed = clean_text(html.unescape(nh3.clean(
            _BLOCK_TAGS.sub("\n", text), tags=set(), attributes={},
            clean_content_tags=_DROPPED_WITH_CONTENT)))
    except UnicodeEncodeError:  # lone surrogates: nh3 refuses them, and so must the shortcut
        with pytest.raises(UnicodeEncodeError):
            html_to_text(text)
        return
    assert html_to_text(text) == parsed
