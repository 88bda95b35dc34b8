"""District pages: /districts (the 시군구 with listings, grouped by 시도, Seoul first) and
/districts/{code} (its names, counts by category, the platforms serving it, the newest
listings and a link to search it). Counts come from the search index's facets, so they
are what a search finds (one result per duplicate group)."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from starlette.exceptions import HTTPException

from hub_site.cards import CardContext, ListingCard, listing_card
from hub_site.hub_data import HubData
from hub_site.params import SearchParams
from index.district_names import SEOUL_SIDO_CODE, DistrictName, load_district_names
from index.search_types import SearchQuery

__all__ = ["CountRow", "DistrictPage", "DistrictRow", "DistrictsPage", "SidoGroup",
           "district_detail", "district_index"]

_CODE = re.compile(r"^\d{5}$")
_NEWEST = 10


@dataclass(frozen=True, slots=True)
class DistrictRow:
    code: str
    name: str
    count: int
    url: str


@dataclass(frozen=True, slots=True)
class SidoGroup:
    code: str
    name: str
    districts: list[DistrictRow]

    @property
    def count(self) -> int:
        return sum(d.count for d in self.districts)


@dataclass(frozen=True, slots=True)
class DistrictsPage:
    groups: list[SidoGroup]

    def to_json(self) -> dict[str, Any]:
        return {"sidos": [{"code": g.code, "name": g.name, "count": g.count,
                           "districts": [{"code": d.code, "name": d.name, "count": d.count}
                                         for d in g.districts]}
                          for g in self.groups]}


@dataclass(frozen=True, slots=True)
class CountRow:
    """A category or a platform with its listing count here, and where it leads."""

    code: str
    label: str
    count: int
    url: str


@dataclass(frozen=True, slots=True)
class DistrictPage:
    code: str
    name: str  # in the page's language
    name_ko: str
    name_en: str
    sido_name: str
    total: int
    categories: list[CountRow]
    platforms: list[CountRow]
    newest: list[ListingCard]
    search_url: str

    def to_json(self) -> dict[str, Any]:
        return {"code": self.code, "name_ko": self.name_ko, "name_en": self.name_en,
                "sido": self.sido_name, "total": self.total,
                "categories": [{"code": c.code, "label": c.label, "count": c.count}
                               for c in self.categories],
                "platforms": [{"id": p.code, "name": p.label, "count": p.count}
                              for p in self.platforms],
                "newest": [card.id for card in self.newest]}


def _sido_order(sido_code: str) -> tuple[int, str]:
    return (0 if sido_code == SEOUL_SIDO_CODE else 1, sido_code)


def district_index(hub: HubData, ctx: CardContext) -> DistrictsPage:
    """Every district with listings (known to the gazetteer), grouped by 시도: Seoul first,
    then by code; districts by name within a 시도."""
    names = load_district_names()
    lang = ctx.t.lang
    facets = hub.index.search(SearchQuery(facets=("district",), limit=1)).facets
    by_sido: dict[str, list[DistrictRow]] = {}
    for facet in facets.get("district", []):
        known = names.get(facet.value)
        if known is None or facet.count <= 0:
            continue
        by_sido.setdefault(known.sido_code, []).append(DistrictRow(
            known.code, known.name(lang), facet.count, ctx.urls.district(known.code)))
    groups = []
    for sido_code in sorted(by_sido, key=_sido_order):
        rows = sorted(by_sido[sido_code], key=lambda d: (d.name, d.code))
        sido_name = names[rows[0].code].sido_name(lang)
        groups.append(SidoGroup(sido_code, sido_name, rows))
    return DistrictsPage(groups)


def _resolve(hub: HubData, code: str) -> DistrictName:
    """The district's names; one the gazetteer does not know but listings name is shown
    under their name. HTTPException(404) for anything else."""
    if not _CODE.match(code):
        raise HTTPException(status_code=404, detail="district not found")
    known = load_district_names().get(code)
    if known is not None:
        return known
    hits = hub.index.search(SearchQuery(district_codes=(code,), limit=1)).hits
    if not hits:
        raise HTTPException(status_code=404, detail="district not found")
    name = hits[0].listing.location.district_name or code
    return DistrictName(code, name, name, code[:2], "", "")


def district_detail(hub: HubData, code: str, ctx: CardContext) -> DistrictPage:
    """One district's page. Raises HTTPException(404) for an unknown code."""
    district = _resolve(hub, code)
    urls, lang = ctx.urls, ctx.t.lang
    results = hub.search(SearchQuery(district_codes=(code,), sort="newest", limit=_NEWEST,
                                     facets=("category", "source")))
    categories = [CountRow(f.value, ctx.taxonomy.label(f.value, lang), f.count,
                           urls.search(SearchParams(districts=(code,), categories=(f.value,))))
                  for f in results.facets.get("category", []) if f.count > 0]
    platforms = [CountRow(f.value, ctx.source_name(f.value), f.count, urls.platform(f.value))
                 for f in results.facets.get("source", []) if f.count > 0]
    name = district.name(lang)
    return DistrictPage(
        code=code, name=name, name_ko=district.ko, name_en=district.en,
        sido_name=district.sido_name(lang), total=results.total,
        categories=categories, platforms=platforms,
        newest=[listing_card(hit.listing, ctx) for hit in results.hits],
        search_url=urls.search(SearchParams(districts=(code,))))
