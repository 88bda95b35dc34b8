"""Shared test helpers: fixture documents, a fixed clock, and real local parts."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import pytest

from normalizer.schema import Source

FIXTURES = Path(__file__).parent / "fixtures"
NOW = datetime(2026, 11, 21, 0, 0, tzinfo=UTC)

FIXTURE_SOURCES = {
    "csv": Source(id="fixture-csv", name="구청 공구대여소", kind="csv", url="file:fixture.csv",
                  provider_type="public"),
    "rss": Source(id="fixture-rss", name="함께쓰는공간", kind="rss", url="file:fixture.xml",
                  provider_type="company"),
}


def read_fixture(platform: str, name: str) -> bytes:
    """The bytes of tests/fixtures/<platform>/<name>."""
    return (FIXTURES / platform / name).read_bytes()


@pytest.fixture
def now() -> datetime:
    return NOW
