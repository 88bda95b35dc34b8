"""The sample platforms, one entry each: what they serve and how the hub registers them.

Adding a platform is one module (its documents, its dynamic handlers for APIs, its source
definitions) plus one line in `PLATFORMS`.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

from sample_platforms import company_site_platform as borrow_camp
from sample_platforms import district_site_platform as seongdong
from sample_platforms import generic_api_platform as regional_apis
from sample_platforms import gongyunuri_platform as gongyunuri
from sample_platforms import inventory_platform as songpa
from sample_platforms import json_feed_platform as shareit
from sample_platforms import seoul_openapi_platform as seoul_yeyak
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
    Platform("seongdong-share", dict, seongdong.district_site_sources,
             {seongdong.SITE_PREFIX: seongdong.answer_district_site}),
    Platform("gongyunuri", dict, gongyunuri.gongyunuri_sources,
             {gongyunuri.API_PREFIX: gongyunuri.answer_gongyunuri},
             secrets=gongyunuri.GONGYUNURI_SAMPLE_SECRETS),
    Platform("songpa-tools", songpa.inventory_documents, songpa.inventory_sources),
    Platform("shareit", shareit.json_feed_documents, shareit.json_feed_sources),
    Platform("seoul-yeyak", dict, seoul_yeyak.seoul_openapi_sources,
             {seoul_yeyak.SEOUL_OPENAPI_PREFIX: seoul_yeyak.answer_seoul_openapi},
             secrets=seoul_yeyak.SEOUL_SAMPLE_SECRETS),
    Platform("regional-apis", dict, regional_apis.generic_api_sources,
             {regional_apis.BUSAN_PATH: regional_apis.answer_busan_facilities,
              regional_apis.ULSAN_PATH: regional_apis.answer_ulsan_facilities},
             secrets=regional_apis.GENERIC_API_SAMPLE_SECRETS),
    Platform("borrow-camp", borrow_camp.company_site_documents, borrow_camp.company_site_sources),
]
