"""Source definitions (as the hub registers them) for the sample platforms."""

from __future__ import annotations

from sample_platforms.content import FEED_PATH, TOOLS_PATH

__all__ = ["sample_sources"]


def sample_sources(base_url: str) -> list[dict[str, str | None]]:
    """The two sample platforms served at `base_url` ("http://127.0.0.1:8101"), as plain
    dicts with the keys of a hub Source: id, name, kind, url, provider_type, district_code,
    default_category.
    """
    root = base_url.rstrip("/")
    return [
        {
            "id": "modu-spaces",
            "name": "모두의공간",
            "kind": "rss",
            "url": root + FEED_PATH,
            "provider_type": "company",
            "district_code": None,
            "default_category": "space.meeting_room",
        },
        {
            "id": "mapo-tools",
            "name": "마포구 공구대여소",
            "kind": "csv",
            "url": root + TOOLS_PATH,
            "provider_type": "public",
            "district_code": "11440",  # 서울특별시 마포구
            "default_category": "item.tools",
        },
    ]
