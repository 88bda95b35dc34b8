"""The search results page and its JSON twin, built from one `SearchPage` view-model."""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import Any

from hub_site.cards import CardContext, ListingCard, listing_card
from hub_site.hub_data import HubData
from hub_site.params import MAX_PAGE, SearchParams
from index.search_types import SearchQuery
from normalizer.schema import Listing

__all__ = ["ActiveFilter", "CategoryGroup", "CategoryOption", "SearchPage", "search_results"]


@dataclass(frozen=True, slots=True)
class CategoryOption:
    code: str
    label: str
    selected: bool


@dataclass(frozen=True, slots=True)
class CategoryGroup:
    """One kind's categories, for an <optgroup>, in taxonomy order."""

    label: str
    options: list[CategoryOption]


@dataclass(frozen=True, slots=True)
class ActiveFilter:
    label: str
    remove_url: str


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
    category_groups: list[CategoryGroup]
    active_filters: list[ActiveFilter]
    show_all_url: str

    def to_json(self) -> dict[str, Any]:
        """`{"total", "page", "page_size", "results": [Listing JSON, ...]}`."""
        return {"total": self.total, "page": self.page, "page_size": self.page_size,
                "results": [listing.model_dump(mode="json") for listing in self.listings]}


def _category_groups(params: SearchParams, ctx: CardContext) -> list[CategoryGroup]:
    taxonomy, lang = ctx.taxonomy, ctx.t.lang
    groups: dict[str, list[CategoryOption]] = {}
    for code, category in taxonomy.categories.items():
        groups.setdefault(category.kind, []).append(
            CategoryOption(code, taxonomy.label(code, lang), code == params.category))
    return [CategoryGroup(taxonomy.kinds.get(kind, {}).get(lang, kind), options)
            for kind, options in groups.items()]


def _active_filters(params: SearchParams, listings: list[Listing],
                    ctx: CardContext) -> list[ActiveFilter]:
    t, urls = ctx.t, ctx.urls
    filters: list[ActiveFilter] = []
    if params.kind:
        kind_label = ctx.taxonomy.kinds.get(params.kind, {}).get(t.lang, params.kind)
        filters.append(ActiveFilter(kind_label, urls.search(replace(params, kind=None, page=1))))
    if params.category:
        filters.append(ActiveFilter(ctx.taxonomy.label(params.category, t.lang),
                                    urls.search(replace(params, category=None, page=1))))
    if params.district:
        # The site knows district names only through listings; fall back to the code.
        name = next((item.location.district_name for item in listings
                     if item.location.district_code == params.district
                     and item.location.district_name), params.district)
        filters.append(ActiveFilter(name, urls.search(replace(params, district=None, page=1))))
    if params.source:
        filters.append(ActiveFilter(ctx.source_name(params.source),
                                    urls.search(replace(params, source=None, page=1))))
    if params.free is not None:
        filters.append(ActiveFilter(t("free") if params.free else t("paid"),
                                    urls.search(replace(params, free=None, page=1))))
    return filters


def search_results(hub: HubData, params: SearchParams, ctx: CardContext) -> SearchPage:
    """Run the search for `params` and build the page (cards, paging, filter chips)."""
    size = hub.page_size
    results = hub.search(SearchQuery(
        text=params.q, kinds=_one(params.kind), categories=_one(params.category),
        district_codes=_one(params.district), source_ids=_one(params.source),
        free=params.free,
        offset=(params.page - 1) * size, limit=size))
    listings = [hit.listing for hit in results.hits]
    page_count = min(max(1, -(-results.total // size)), MAX_PAGE)
    urls = ctx.urls
    return SearchPage(
        params=params,
        total=results.total,
        page=params.page,
        page_size=size,
        page_count=page_count,
        listings=listings,
        cards=[listing_card(listing, ctx) for listing in listings],
        prev_url=(urls.search(params, min(params.page - 1, page_count))
                  if params.page > 1 else None),
        next_url=urls.search(params, params.page + 1) if params.page < page_count else None,
        category_groups=_category_groups(params, ctx),
        active_filters=_active_filters(params, listings, ctx),
        show_all_url=urls.search(),
    )


def _one(value: str | None) -> tuple[str, ...]:
    return (value,) if value else ()
