"""Source definitions (as the hub registers them) for the sample platforms."""

from __future__ import annotations

from collections.abc import Mapping

from sample_platforms.registry import PLATFORMS, SourceDefinition

__all__ = ["sample_sources"]


def sample_sources(base_url: str | Mapping[str, str]) -> list[SourceDefinition]:
    """Every sample platform's sources, as plain dicts with the keys of a hub Source (id,
    name, kind, url, provider_type, district_code, default_category, and for APIs params).

    `base_url` is one root for all platforms ("http://127.0.0.1:8101"), or a root per
    platform id when each platform runs on its own loopback address.
    """
    sources = []
    for platform in PLATFORMS:
        root = base_url if isinstance(base_url, str) else base_url[platform.id]
        sources.extend(platform.sources(root.rstrip("/")))
    return sources
