"""Table tests of the fetcher's pure HTTP decisions (Miniflux `TestIsModified` style)."""

from __future__ import annotations

import random
from datetime import UTC, datetime

import pytest

from crawlers.http_decisions import (
    MAX_RETRY_AFTER_S,
    backoff_delay,
    declared_charset,
    is_modified,
    is_transient_status,
    retry_delay,
    robots_verdict,
)

NOW = datetime(2026, 11, 21, 12, 0, 0, tzinfo=UTC)


class Fixed(random.Random):
    """A "random" source that always returns the same fraction."""

    def __init__(self, value: float) -> None:
        super().__init__()
        self.value = value

    def random(self) -> float:
        return self.value


# (cached_etag, cached_last_modified, status, response_etag, response_last_modified, modified)
IS_MODIFIED = {
    "304 is never a change": ('"v1"', None, 304, '"v2"', None, False),
    "same etag on a 200 (server ignored If-None-Match)": ('"v1"', None, 200, '"v1"', None, False),
    "new etag": ('"v1"', None, 200, '"v2"', None, True),
    "weak and strong forms of one etag are equal": ('"v1"', None, 200, 'W/"v1"', None, False),
    "etag decides over last-modified": ('"v1"', "Mon, 01 Jan 2024 00:00:00 GMT", 200, '"v2"',
                                        "Mon, 01 Jan 2024 00:00:00 GMT", True),
    "same last-modified, no etag": (None, "Mon, 01 Jan 2024 00:00:00 GMT", 200, None,
                                    "Mon, 01 Jan 2024 00:00:00 GMT", False),
    "newer last-modified": (None, "Mon, 01 Jan 2024 00:00:00 GMT", 200, None,
                            "Tue, 02 Jan 2024 00:00:00 GMT", True),
    "no validators anywhere": (None, None, 200, None, None, True),
    "first fetch with an etag": (None, None, 200, '"v1"', None, True),
    "response drops its validators": ('"v1"', "Mon, 01 Jan 2024 00:00:00 GMT", 200, None, None,
                                      True),
    "blank response etag falls back to last-modified": (
        '"v1"', "Mon, 01 Jan 2024 00:00:00 GMT", 200, "  ", "Mon, 01 Jan 2024 00:00:00 GMT",
        False),
}


@pytest.mark.parametrize(("cached_etag", "cached_lm", "status", "etag", "lm", "expected"),
                         list(IS_MODIFIED.values()), ids=list(IS_MODIFIED))
def test_is_modified(cached_etag, cached_lm, status, etag, lm, expected):
    assert is_modified(cached_etag, cached_lm, status, etag, lm) is expected


# (status, Retry-After header or None, expected seconds or None)
RETRY_DELAY = {
    "429 seconds": (429, "120", 120.0),
    "503 seconds": (503, "5", 5.0),
    "zero": (429, "0", 0.0),
    "spaces around": (503, "  7 ", 7.0),
    "http date in the future": (503, "Sat, 21 Nov 2026 12:01:30 GMT", 90.0),
    "rfc 850 date": (429, "Saturday, 21-Nov-26 12:00:10 GMT", 10.0),
    "http date in the past means now": (429, "Sat, 21 Nov 2026 11:00:00 GMT", 0.0),
    "garbage": (429, "soon", None),
    "negative": (429, "-5", None),
    "fraction is not delay-seconds": (429, "1.5", None),
    "huge seconds are capped": (503, "999999999999", MAX_RETRY_AFTER_S),
    "far future date is capped": (503, "Fri, 01 Jan 2100 00:00:00 GMT", MAX_RETRY_AFTER_S),
    "missing header": (429, None, None),
    "empty header": (503, "", None),
    "ignored on other statuses": (500, "30", None),
    "ignored on 200": (200, "30", None),
}


@pytest.mark.parametrize(("status", "header", "expected"), list(RETRY_DELAY.values()),
                         ids=list(RETRY_DELAY))
def test_retry_delay(status, header, expected):
    headers = {"Retry-After": header} if header is not None else {}
    assert retry_delay(status, headers, NOW) == expected


def test_retry_delay_reads_the_header_in_any_case():
    assert retry_delay(429, {"retry-after": "3"}, NOW) == 3.0


# (attempt, base, cap, random fraction, expected seconds)
BACKOFF = {
    "first retry, top of the range": (0, 1.0, 60.0, 0.999, 0.999),
    "doubles per attempt": (1, 1.0, 60.0, 0.5, 1.0),
    "third attempt": (2, 1.0, 60.0, 0.5, 2.0),
    "capped": (10, 1.0, 60.0, 0.5, 30.0),
    "full jitter can be zero": (3, 1.0, 60.0, 0.0, 0.0),
    "huge attempt does not overflow": (10_000, 1.0, 60.0, 0.5, 30.0),
    "negative attempt counts as the first": (-3, 2.0, 60.0, 0.5, 1.0),
    "zero base never waits": (5, 0.0, 60.0, 0.9, 0.0),
}


@pytest.mark.parametrize(("attempt", "base", "cap", "fraction", "expected"),
                         list(BACKOFF.values()), ids=list(BACKOFF))
def test_backoff_delay(attempt, base, cap, fraction, expected):
    assert backoff_delay(attempt, base, cap, Fixed(fraction)) == pytest.approx(expected)


def test_backoff_delay_stays_in_its_range_with_a_real_generator():
    rng = random.Random(7)
    waits = [backoff_delay(2, 1.0, 60.0, rng) for _ in range(500)]
    assert all(0.0 <= w < 4.0 for w in waits)
    assert max(waits) > 3.0, "full jitter reaches the top of the range"
    assert min(waits) < 1.0, "full jitter reaches the bottom of the range"


# (status or None for unreachable, verdict)
ROBOTS = {
    "200 parse": (200, "parse"),
    "204 parse (empty rules)": (204, "parse"),
    "redirects left over: unavailable": (301, "allow_all"),
    "404 allow all": (404, "allow_all"),
    "401 allow all": (401, "allow_all"),
    "403 allow all": (403, "allow_all"),
    "410 allow all": (410, "allow_all"),
    "429 is a server asking for less: disallow": (429, "disallow_all"),
    "500 disallow all": (500, "disallow_all"),
    "503 disallow all": (503, "disallow_all"),
    "unreachable disallow all": (None, "disallow_all"),
    "1xx nonsense disallow all": (100, "disallow_all"),
}


@pytest.mark.parametrize(("status", "verdict"), list(ROBOTS.values()), ids=list(ROBOTS))
def test_robots_verdict(status, verdict):
    assert robots_verdict(status) == verdict


TRANSIENT = {"408": (408, True), "429": (429, True), "500": (500, True), "502": (502, True),
             "503": (503, True), "504": (504, True), "501 not implemented": (501, False),
             "505": (505, False), "404": (404, False), "401": (401, False), "200": (200, False)}


@pytest.mark.parametrize(("status", "transient"), list(TRANSIENT.values()), ids=list(TRANSIENT))
def test_is_transient_status(status, transient):
    assert is_transient_status(status) is transient


CHARSETS = {
    "utf-8": ("application/rss+xml; charset=utf-8", "utf-8"),
    "upper case and quotes": ('text/csv; charset="EUC-KR"', "euc-kr"),
    "cp949": ("text/csv;charset=cp949", "cp949"),
    "no charset": ("text/html", None),
    "empty header": ("", None),
    "missing header": (None, None),
    "not a charset name": ('text/html; charset="utf-8 or so"', None),
}


@pytest.mark.parametrize(("content_type", "charset"), list(CHARSETS.values()),
                         ids=list(CHARSETS))
def test_declared_charset(content_type, charset):
    assert declared_charset(content_type) == charset
