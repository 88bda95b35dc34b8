"""Table tests of `parse_date` on the date forms real platforms publish."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone

import pytest

from normalizer.dates import SEOUL_TZ, parse_date

KST = timezone(timedelta(hours=9))


@pytest.mark.parametrize(("text", "expected"), [
    ("2025-03-12", datetime(2025, 3, 12, tzinfo=KST)),  # 데이터기준일자 (Seongbuk CSV)
    ("2025.03.12", datetime(2025, 3, 12, tzinfo=KST)),
    ("2025. 3. 12.", datetime(2025, 3, 12, tzinfo=KST)),
    ("2025/03/12", datetime(2025, 3, 12, tzinfo=KST)),
    ("2025.03.12(수)", datetime(2025, 3, 12, tzinfo=KST)),
    ("20250312", datetime(2025, 3, 12, tzinfo=KST)),  # GongyuNuri updYmd
    ("20250312093000", datetime(2025, 3, 12, 9, 30, tzinfo=KST)),
    ("2024-04-03 00:00:00.0", datetime(2024, 4, 3, tzinfo=KST)),  # Seoul Open API SVCOPNBGNDT
    ("2024-02-15 10:00:00.0", datetime(2024, 2, 15, 10, tzinfo=KST)),  # RCPTBGNDT
    ("2025년 3월 12일", datetime(2025, 3, 12, tzinfo=KST)),
    ("2025년 3월 12일 오후 2시 30분", datetime(2025, 3, 12, 14, 30, tzinfo=KST)),
    ("Wed, 12 Mar 2025 09:00:00 +0900", datetime(2025, 3, 12, 9, tzinfo=KST)),  # RSS
    ("Wed, 12 Mar 2025 00:00:00 GMT", datetime(2025, 3, 12, tzinfo=UTC)),
    ("2026-11-04T09:00:00+09:00", datetime(2026, 11, 4, 9, tzinfo=KST)),  # JSON Feed
    ("2026-11-04T00:00:00Z", datetime(2026, 11, 4, tzinfo=UTC)),
    ("2026-11-04T09:00:00.5+0900", datetime(2026, 11, 4, 9, tzinfo=KST)),
    ("1712503020187", datetime(2024, 4, 7, 15, 17, 0, 187000, tzinfo=UTC)),  # epoch ms
], ids=["iso-date", "dotted", "dotted-spaced", "slashed", "weekday-note", "compact",
        "compact-time", "seoul-openapi", "seoul-openapi-time", "korean", "korean-time",
        "rfc822-kst", "rfc822-gmt", "iso-offset", "iso-z", "iso-fraction-basic-offset",
        "epoch-ms"])
def test_parse_date_reads_published_forms(text, expected):
    parsed = parse_date(text)
    assert parsed == expected, f"{text!r} → {parsed}"
    assert parsed is not None
    assert parsed.utcoffset() == expected.utcoffset(), f"{text!r}: zone {parsed.tzinfo}"


def test_a_date_without_a_zone_is_seoul_midnight():
    parsed = parse_date("2025-03-12")
    assert parsed is not None
    assert parsed.tzinfo is SEOUL_TZ
    assert parsed.astimezone(UTC) == datetime(2025, 3, 11, 15, tzinfo=UTC)


@pytest.mark.parametrize("text", [
    None, "", "   ", "전화문의", "상시", "2025-02-30", "2025-13-01", "2025-03-12T25:00",
    "202503121", "Mar 2025", "99999999999999999999"],
    ids=["none", "empty", "spaces", "words", "always", "feb-30", "month-13", "hour-25",
         "nine-digits", "month-year", "long-digits"])
def test_parse_date_gives_none_for_what_is_not_a_date(text):
    assert parse_date(text) is None
