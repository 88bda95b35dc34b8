"""The search results page and its JSON twin, built from one `SearchPage` view-model.

One index search per page: the hits, the total and every facet count come from the same
`SearchQuery`; cards are built from the hits alone (no catalog read per card).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from hub_site.cards import CardContext, ListingCard, listing_card
from hub_site.hub_data import HubData
from hub_site.i18n import Lang
from hub_site.params import MAX_PAGE, SORTS, Point, SearchParams
from hub_site.places import DistrictChoice, district_label, district_point, seoul_districts
from hub_site.search_facets import (
    INDEX_FACETS,
    ActiveFilter,
    FacetGroup,
    active_filters,
    facet_groups,
)
from index.search_types import GeoPoint, SearchQuery, SortOrder
from normalizer.schema import Listing

__all__ = ["ActiveFilter", "FacetGroup", "SearchPage", "SortOption", "search_results"]


@dataclass(frozen=True, slots=True)
class SortOption:
    value: str
    label: str
    selected: bool

    def to_json(self) -> dict[str, Any]:
        return {"value": self.value, "label": self.label, "selected": self.selected}


@dataclass(frozen=True, slots=True)
class SearchPage:
    params: SearchParams
    total: int
    page: int
    page_size: int
    page_count: int
    listings: list[Listing]
    cards: list[ListingCard]
    prev_url: str | None
    next_url: str | None
    facets: list[FacetGroup]
    active_filters: list[ActiveFilter]
    sort: str  # the order actually used (distance falls back without a point)
    sort_options: list[SortOption]
    near_choices: list[DistrictChoice]  # "near a district" for the distance sort
    near_label: str | None  # the place distances are measured from
    notice: str | None  # e.g. why nearest-first was not possible
    clear_url: str  # every filter removed, the text kept
    show_all_url: str

    def to_json(self) -> dict[str, Any]:
        """`{"total", "page", "page_size", "page_count", "results": [Listing JSON, ...],
        "cards", "facets", "sort", "sort_options", "near", "active_filters", "notice",
        "prev", "next"}`: the same data as the page, links pointing at the HTML pages."""
        return {"total": self.total, "page": self.page, "page_size": self.page_size,
                "page_count": self.page_count,
                "results": [listing.model_dump(mode="json") for listing in self.listings],
                "cards": [card.to_json() for card in self.cards],
                "facets": [group.to_json() for group in self.facets],
                "sort": self.sort,
                "sort_options": [option.to_json() for option in self.sort_options],
                "near": self.near_label,
                "active_filters": [chip.to_json() for chip in self.active_filters],
                "notice": self.notice, "prev": self.prev_url, "next": self.next_url}


def _origin(params: SearchParams, lang: Lang) -> tuple[Point | None, str | None, bool]:
    """The point distances are measured from, its label, and whether the citizen chose it
    (rather than it being their single district filter)."""
    if params.near is not None:
        return params.near, f"{params.near[0]:.4f}, {params.near[1]:.4f}", True
    for code, chosen in ((params.near_district, True),
                         (params.districts[0] if len(params.districts) == 1 else None, False)):
        point = district_point(code)
        if code and point is not None:
            return point, district_label(code, lang), chosen
    return None, None, False


def search_results(hub: HubData, params: SearchParams, ctx: CardContext) -> SearchPage:
    """Run the page's one search for `params` and build the page: cards, facets with
    counts, sort options, removable filters and paging links that keep every parameter."""
    t, urls, size = ctx.t, ctx.urls, hub.page_size
    point, near_label, chosen = _origin(params, t.lang)
    sort: SortOrder = params.sort
    notice = None
    if sort == "distance" and point is None:
        sort, notice = "relevance", t("distance_needs_place")
    elif sort == "distance":
        notice = t("distance_from", place=near_label)
    results = hub.search(SearchQuery(
        text=params.q, kinds=params.kinds, categories=params.categories,
        district_codes=params.districts, source_ids=params.sources, free=params.free,
        open_at=ctx.now if params.open_now else None,
        near=GeoPoint(*point) if point is not None and sort == "distance" else None,
        sort=sort, facets=INDEX_FACETS, offset=(params.page - 1) * size, limit=size))
    listings = [hit.listing for hit in results.hits]
    page_count = min(max(1, -(-results.total // size)), MAX_PAGE)
    return SearchPage(
        params=params,
        total=results.total,
        page=params.page,
        page_size=size,
        page_count=page_count,
        listings=listings,
        cards=[listing_card(hit.listing, ctx, hit.distance_km) for hit in results.hits],
        prev_url=(urls.search(params, min(params.page - 1, page_count))
                  if params.page > 1 else None),
        next_url=urls.search(params, params.page + 1) if params.page < page_count else None,
        facets=facet_groups(params, results.facets, results.total, ctx),
        active_filters=active_filters(params, ctx, near_label if chosen else None),
        sort=sort,
        # The citizen's choice stays selected even when it fell back: picking a district is
        # then all that is missing.
        sort_options=[SortOption(value, t(f"sort_{value}"), value == params.sort)
                      for value in SORTS],
        near_choices=seoul_districts(t.lang, params.near_district),
        near_label=near_label if sort == "distance" else None,
        notice=notice,
        clear_url=urls.search(SearchParams(q=params.q, sort=params.sort, near=params.near,
                                           near_district=params.near_district)),
        show_all_url=urls.search(),
    )
