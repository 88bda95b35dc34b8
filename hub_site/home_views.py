"""The home page: the search box, category tiles with counts, and the platforms feeding it."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from hub_site.dates import time_ago
from hub_site.hub_data import HubData
from hub_site.i18n import Translator
from hub_site.params import SearchParams
from hub_site.urls import Urls
from index.search_types import SearchQuery

__all__ = ["CategoryTile", "HomePage", "PlatformRow", "home_index"]


@dataclass(frozen=True, slots=True)
class CategoryTile:
    code: str
    label: str
    count: int
    url: str


@dataclass(frozen=True, slots=True)
class PlatformRow:
    id: str
    name: str
    listing_count: int
    last_success: str | None  # "3시간 전"


@dataclass(frozen=True, slots=True)
class HomePage:
    platform_count: int
    listing_count: int
    tiles: list[CategoryTile]
    platforms: list[PlatformRow]

    def to_json(self) -> dict[str, Any]:
        return {
            "platform_count": self.platform_count,
            "listing_count": self.listing_count,
            "categories": [{"code": t.code, "label": t.label, "count": t.count}
                           for t in self.tiles],
            "platforms": [{"id": p.id, "name": p.name, "listing_count": p.listing_count}
                          for p in self.platforms],
        }


def home_index(hub: HubData, t: Translator, urls: Urls) -> HomePage:
    """Build the home page: one count query per category, non-empty categories only."""
    summaries = hub.source_summaries()
    now = hub.clock()
    tiles = []
    for code in hub.taxonomy.categories:
        count = hub.search(SearchQuery(categories=(code,), limit=1)).total
        if count:
            tiles.append(CategoryTile(code, hub.taxonomy.label(code, t.lang), count,
                                      urls.search(SearchParams(category=code))))
    platforms = [
        PlatformRow(s.source.id, s.source.name, s.listing_count,
                    time_ago(s.state.last_success_at, now, t) if s.state.last_success_at
                    else None)
        for s in sorted(summaries, key=lambda s: (-s.listing_count, s.source.name))
    ]
    return HomePage(platform_count=len(summaries),
                    listing_count=sum(s.listing_count for s in summaries),
                    tiles=tiles, platforms=platforms)
