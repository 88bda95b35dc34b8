"""Query-string parameters, read leniently: a bad value is clamped or ignored, never a 500.

The search text stays plain text: it is only trimmed here, and the index builds its
queries in code, so quotes, brackets or `AND` carry no syntax. Facets are repeatable
(`?category=a&category=b` are checkboxes of one facet, ORed by the index).
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, replace
from typing import Literal, Protocol

from normalizer.taxonomy import Taxonomy

__all__ = [
    "FACET_PARAMS",
    "MAX_PAGE",
    "MAX_QUERY_CHARS",
    "SORTS",
    "Point",
    "QueryLike",
    "SearchParams",
    "Sort",
    "clean_text",
    "parse_search_params",
]

MAX_QUERY_CHARS = 200
MAX_PAGE = 500  # deep paging past this helps nobody and costs the index
_MAX_VALUES = 30  # per facet: more checkboxes than Seoul has districts is an attack
_DISTRICT = re.compile(r"^\d{5}$")
_SOURCE_ID = re.compile(r"^[a-z0-9][a-z0-9_-]{0,63}$")
_NEAR = re.compile(r"^\s*(-?\d{1,3}(?:\.\d{1,8})?)\s*,\s*(-?\d{1,3}(?:\.\d{1,8})?)\s*$")
_TRUE = frozenset({"1", "true", "yes", "on"})
_FALSE = frozenset({"0", "false", "no", "off"})

Sort = Literal["relevance", "newest", "distance"]
SORTS: tuple[Sort, ...] = ("relevance", "newest", "distance")
Point = tuple[float, float]  # (lat, lon)
# The repeatable facet parameters, in the order they appear in a URL.
FACET_PARAMS = ("kind", "category", "district", "source")


class QueryLike(Protocol):
    """What a query string offers: Starlette's QueryParams, or any `multi_items()` holder."""

    def multi_items(self) -> list[tuple[str, str]]: ...


@dataclass(frozen=True, slots=True)
class SearchParams:
    """A validated search request; every field is safe to hand to the index.

    `free` is True for free only, False for paid only, None for both. `near` is a point
    given as `near=lat,lon`; `near_district` a district whose representative point is
    used when there is no `near`. `open_now` keeps listings open at the request's moment.
    """

    q: str = ""
    kinds: tuple[str, ...] = ()
    categories: tuple[str, ...] = ()
    districts: tuple[str, ...] = ()
    sources: tuple[str, ...] = ()
    free: bool | None = None
    open_now: bool = False
    sort: Sort = "relevance"
    near: Point | None = None
    near_district: str | None = None
    page: int = 1

    @property
    def has_filters(self) -> bool:
        return bool(self.kinds or self.categories or self.districts or self.sources
                    or self.free is not None or self.open_now)

    # The first selected value of each facet, for callers that take one value only.
    @property
    def kind(self) -> str | None:
        return self.kinds[0] if self.kinds else None

    @property
    def category(self) -> str | None:
        return self.categories[0] if self.categories else None

    @property
    def district(self) -> str | None:
        return self.districts[0] if self.districts else None

    @property
    def source(self) -> str | None:
        return self.sources[0] if self.sources else None

    def values(self, facet: str) -> tuple[str, ...]:
        """The selected values of a repeatable facet parameter (see FACET_PARAMS)."""
        return {"kind": self.kinds, "category": self.categories, "district": self.districts,
                "source": self.sources}[facet]

    def without(self, facet: str, value: str | None = None) -> SearchParams:
        """These params at page 1 without one value of a facet (all of them when `value` is
        None); `free`, `open` and `near` drop their single setting (`near` also the distance
        sort)."""
        if facet == "free":
            return replace(self, free=None, page=1)
        if facet == "open":
            return replace(self, open_now=False, page=1)
        if facet == "near":  # nearest-first means nothing without the point
            sort: Sort = "relevance" if self.sort == "distance" else self.sort
            return replace(self, near=None, near_district=None, sort=sort, page=1)
        kept = tuple(v for v in self.values(facet) if value is not None and v != value)
        if facet == "kind":
            return replace(self, kinds=kept, page=1)
        if facet == "category":
            return replace(self, categories=kept, page=1)
        if facet == "district":
            return replace(self, districts=kept, page=1)
        return replace(self, sources=kept, page=1)

    def query_pairs(self, page: int | None = None) -> list[tuple[str, str]]:
        """The query-string pairs that reproduce these params (defaults left out), at `page`
        or self.page; the language is added by the URL builder."""
        pairs: list[tuple[str, str]] = [("q", self.q)] if self.q else []
        for facet in FACET_PARAMS:
            pairs.extend((facet, value) for value in self.values(facet))
        if self.free is not None:
            pairs.append(("free", "1" if self.free else "0"))
        if self.open_now:
            pairs.append(("open", "1"))
        if self.sort != "relevance":
            pairs.append(("sort", self.sort))
        if self.near is not None:
            pairs.append(("near", f"{self.near[0]:.6f},{self.near[1]:.6f}"))
        if self.near_district:
            pairs.append(("near_district", self.near_district))
        page = page or self.page
        if page > 1:
            pairs.append(("page", str(page)))
        return pairs


def clean_text(value: str, limit: int = MAX_QUERY_CHARS) -> str:
    """User text without control characters, whitespace collapsed, cut at `limit`."""
    kept = "".join(" " if unicodedata.category(c)[0] in "CZ" else c for c in value[:limit * 4])
    return " ".join(kept.split())[:limit]


def _page(value: str | None) -> int:
    try:
        page = int((value or "1").strip()[:12])
    except ValueError:
        return 1
    return min(max(page, 1), MAX_PAGE)


def _flag(value: str) -> bool | None:
    value = value.strip().lower()
    if value in _TRUE:
        return True
    if value in _FALSE:
        return False
    return None


def _free(values: list[str]) -> bool | None:
    """`free=1` free only, `free=0` paid only; both checked (or neither) means either."""
    flags = {flag for flag in map(_flag, values) if flag is not None}
    return flags.pop() if len(flags) == 1 else None


def _near(value: str | None) -> Point | None:
    match = _NEAR.match(value or "")
    if match is None:
        return None
    lat, lon = float(match.group(1)), float(match.group(2))
    return (lat, lon) if -90 <= lat <= 90 and -180 <= lon <= 180 else None


def _kept(values: Iterable[str], allowed: Mapping[str, object] | re.Pattern[str]
          ) -> tuple[str, ...]:
    """The valid values, stripped, duplicates dropped, in the order given."""
    kept: dict[str, None] = {}
    for raw in values:
        value = raw.strip()
        ok = (allowed.match(value) is not None if isinstance(allowed, re.Pattern)
              else value in allowed)
        if ok:
            kept[value] = None
        if len(kept) >= _MAX_VALUES:
            break
    return tuple(kept)


def _pairs(query: QueryLike | Mapping[str, str]) -> list[tuple[str, str]]:
    # Starlette's QueryParams is a Mapping too, but only multi_items() has every value.
    multi_items = getattr(query, "multi_items", None)
    if callable(multi_items):
        return [(str(k), str(v)) for k, v in multi_items()]
    assert isinstance(query, Mapping)
    return [(str(k), str(v)) for k, v in query.items()]


def parse_search_params(query: QueryLike | Mapping[str, str],
                        taxonomy: Taxonomy) -> SearchParams:
    """Read `q, kind*, category*, district*, source*, free*, open, sort, near,
    near_district, page` (* repeatable) from a query string.

    Unknown categories and kinds, malformed district codes, source ids and points, and
    unknown sorts are dropped; `page` is clamped to 1..MAX_PAGE. Never raises.
    """
    multi: dict[str, list[str]] = {}
    for key, value in _pairs(query):
        multi.setdefault(key, []).append(value[:400])

    def first(key: str) -> str | None:
        return multi[key][0] if key in multi else None

    sort = (first("sort") or "").strip()
    near_districts = _kept(multi.get("near_district", []), _DISTRICT)
    return SearchParams(
        q=clean_text(first("q") or ""),
        kinds=_kept(multi.get("kind", []), taxonomy.kinds),
        categories=_kept(multi.get("category", []), taxonomy.categories),
        districts=_kept(multi.get("district", []), _DISTRICT),
        sources=_kept(multi.get("source", []), _SOURCE_ID),
        free=_free(multi.get("free", [])),
        open_now=any(_flag(v) for v in multi.get("open", [])),
        sort=next((s for s in SORTS if s == sort), "relevance"),
        near=_near(first("near")),
        near_district=near_districts[0] if near_districts else None,
        page=_page(first("page")),
    )
