"""A sharing company's JSON Feed 1.1 with the hub's `_sharehub` extension on every item.

"쉐어잇" (one of the companies Seoul designated as 공유기업; SOURCES.md §3.4) lends things
neighbours put up: camping chairs, a beam projector, a child car seat, tents, a suit. The
company publishes for the hub directly, so each item carries Listing fields in `_sharehub`
(address, coordinates, fee, hours, category, items) beside the standard JSON Feed fields,
as docs/publishing.md describes; one item's HTML carries a script for the sanitizer. The
feed is data (`data/shareit_feed.json`).
"""

from __future__ import annotations

from datetime import datetime, timedelta, timezone
from typing import TYPE_CHECKING

from sample_platforms.content import Document, read_data_file

if TYPE_CHECKING:  # the registry imports this module to list it
    from sample_platforms.registry import SourceDefinition

__all__ = ["JSON_FEED_PATH", "JSON_FEED_TYPE", "json_feed_documents", "json_feed_sources"]

JSON_FEED_PATH = "/company/shareit/feed.json"
JSON_FEED_TYPE = "application/feed+json; charset=utf-8"
_UPDATED = datetime(2026, 11, 18, 12, 0, tzinfo=timezone(timedelta(hours=9)))


def json_feed_documents() -> dict[str, Document]:
    """The feed at its path, with a fixed Last-Modified."""
    return {JSON_FEED_PATH: Document(read_data_file("shareit_feed.json"), JSON_FEED_TYPE,
                                     _UPDATED)}


def json_feed_sources(base_url: str) -> list[SourceDefinition]:
    """The hub's source definition for the feed."""
    return [{"id": "shareit-feed", "name": "쉐어잇", "kind": "json_feed",
             "url": base_url + JSON_FEED_PATH, "provider_type": "company",
             "district_code": None, "default_category": "item.general"}]
