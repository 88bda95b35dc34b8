"""The home page: the search box, category tiles with counts, a district picker, the
newest listings, an "open now" shortcut, and the platforms feeding the hub.

One index search (the newest listings, with category counts in the same pass) and one
catalog read (the platforms with their counts and freshness).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from hub_site.cards import CardContext, ListingCard, listing_card
from hub_site.dates import as_utc, time_ago
from hub_site.hub_data import HubData
from hub_site.i18n import Translator
from hub_site.params import SearchParams
from hub_site.places import DistrictChoice, seoul_districts
from hub_site.urls import Urls
from index.search_types import SearchQuery

__all__ = ["NEWEST_COUNT", "CategoryTile", "HomePage", "PlatformRow", "home_index"]

NEWEST_COUNT = 6


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
    last_success_iso: str | None


@dataclass(frozen=True, slots=True)
class HomePage:
    platform_count: int
    listing_count: int
    tiles: list[CategoryTile]
    platforms: list[PlatformRow]
    newest: list[ListingCard]
    districts: list[DistrictChoice]  # Seoul's 25, for the district picker
    open_now_url: str
    free_open_now_url: str
    oldest_confirmation: str | None  # "3시간 전": the stalest platform's last success
    oldest_confirmation_iso: str | None

    def to_json(self) -> dict[str, Any]:
        return {
            "platform_count": self.platform_count,
            "listing_count": self.listing_count,
            "oldest_confirmation": self.oldest_confirmation,
            "oldest_confirmed_at": self.oldest_confirmation_iso,
            "categories": [{"code": t.code, "label": t.label, "count": t.count}
                           for t in self.tiles],
            "districts": [{"code": d.code, "name": d.label} for d in self.districts],
            "newest": [card.to_json() for card in self.newest],
            "open_now_url": self.open_now_url,
            "platforms": [{"id": p.id, "name": p.name, "listing_count": p.listing_count,
                           "last_success": p.last_success,
                           "last_success_at": p.last_success_iso}
                          for p in self.platforms],
        }


def home_index(hub: HubData, t: Translator, urls: Urls) -> HomePage:
    """Build the home page in `t`'s language; links are built by `urls`."""
    summaries = hub.source_summaries()
    now = hub.clock()
    ctx = CardContext(t, urls, hub.taxonomy, {s.source.id: s.source.name for s in summaries},
                      now)
    results = hub.search(SearchQuery(sort="newest", limit=NEWEST_COUNT, facets=("category",)))
    counts = {c.value: c.count for c in results.facets.get("category", [])}
    tiles = [CategoryTile(code, hub.taxonomy.label(code, t.lang), counts[code],
                          urls.search(SearchParams(categories=(code,))))
             for code in hub.taxonomy.categories if counts.get(code)]
    successes: list[datetime] = [s.state.last_success_at for s in summaries
                                 if s.state.last_success_at is not None]
    oldest = min(successes, key=as_utc) if successes else None
    platforms = [
        PlatformRow(s.source.id, s.source.name, s.listing_count,
                    time_ago(s.state.last_success_at, now, t) if s.state.last_success_at
                    else None,
                    as_utc(s.state.last_success_at).isoformat() if s.state.last_success_at
                    else None)
        for s in sorted(summaries, key=lambda s: (-s.listing_count, s.source.name))
    ]
    return HomePage(
        platform_count=len(summaries),
        listing_count=sum(s.listing_count for s in summaries),
        tiles=tiles,
        platforms=platforms,
        newest=[listing_card(hit.listing, ctx) for hit in results.hits],
        districts=seoul_districts(t.lang),
        open_now_url=urls.search(SearchParams(open_now=True)),
        free_open_now_url=urls.search(SearchParams(free=True, open_now=True)),
        oldest_confirmation=time_ago(oldest, now, t) if oldest else None,
        oldest_confirmation_iso=as_utc(oldest).isoformat() if oldest else None,
    )
