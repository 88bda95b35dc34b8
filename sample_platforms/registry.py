"""The sample platforms, one entry each: what they serve and how the hub registers them.

Adding a platform is one module (its documents, its dynamic handlers for APIs, its source
definitions) plus one line in `PLATFORMS`.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

from sample_platforms.content import FEED_PATH, TOOLS_PATH, Document, bundled_document

__all__ = ["PLATFORMS", "Handler", "Platform", "SampleRequest", "SourceDefinition"]

SourceDefinition = dict[str, Any]


@dataclass(frozen=True, slots=True)
class SampleRequest:
    """A request as a dynamic handler sees it (header names in lower case)."""

    method: str
    path: str
    query: Mapping[str, list[str]]
    body: bytes
    headers: Mapping[str, str]


# A handler answers requests under its path prefix; None means 404.
Handler = Callable[[SampleRequest], Document | None]


@dataclass(frozen=True, slots=True)
class Platform:
    """One simulated platform."""

    id: str
    documents: Callable[[], dict[str, Document]]
    sources: Callable[[str], list[SourceDefinition]]
    handlers: dict[str, Handler] = field(default_factory=dict)
    # API keys the platform accepts, by the environment variable its sources name
    # (key_env), so the demo can crawl it without a real key.
    secrets: dict[str, str] = field(default_factory=dict)


def _modu_spaces_sources(base_url: str) -> list[SourceDefinition]:
    return [{"id": "modu-spaces", "name": "모두의공간", "kind": "rss", "url": base_url + FEED_PATH,
             "provider_type": "company", "district_code": None,
             "default_category": "space.meeting_room"}]


def _mapo_tools_sources(base_url: str) -> list[SourceDefinition]:
    return [{"id": "mapo-tools", "name": "마포구 공구대여소", "kind": "csv",
             "url": base_url + TOOLS_PATH, "provider_type": "public",
             "district_code": "11440",  # 서울특별시 마포구
             "default_category": "item.tools"}]


PLATFORMS: list[Platform] = [
    Platform("modu-spaces",
             lambda: {FEED_PATH: bundled_document(
                 "spaces_feed.xml", "application/rss+xml; charset=utf-8", "2026-11-16")},
             _modu_spaces_sources),
    Platform("mapo-tools",
             lambda: {TOOLS_PATH: bundled_document(
                 "mapo_tool_rental.csv", "text/csv; charset=cp949", "2026-10-15")},
             _mapo_tools_sources),
]
