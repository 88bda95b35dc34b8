"""Reading search parameters: repeated facets, free/paid, open now, sort and a point."""

from __future__ import annotations

import pytest
from starlette.datastructures import QueryParams

from hub_site.params import SearchParams, parse_search_params
from hub_site.urls import Urls
from normalizer.taxonomy import load_taxonomy

TAXONOMY = load_taxonomy()


def _parse(query: str) -> SearchParams:
    return parse_search_params(QueryParams(query), TAXONOMY)


@pytest.mark.parametrize(
    ("query", "expected"),
    [("category=item.tools&category=item.camping&category=item.tools",
      SearchParams(categories=("item.tools", "item.camping"))),
     ("category=nope&district=11440&district=1144&district=11680",
      SearchParams(districts=("11440", "11680"))),
     ("source=Bad%20Id&source=mapo-share", SearchParams(sources=("mapo-share",))),
     ("free=1", SearchParams(free=True)),
     ("free=0", SearchParams(free=False)),
     ("free=1&free=0", SearchParams()),
     ("free=maybe", SearchParams()),
     ("open=1", SearchParams(open_now=True)),
     ("open=no", SearchParams()),
     ("sort=newest", SearchParams(sort="newest")),
     ("sort=price", SearchParams()),
     ("sort=distance&near=37.5563,126.9019", SearchParams(sort="distance",
                                                          near=(37.5563, 126.9019))),
     ("near=91,0", SearchParams()),
     ("near=37.5;126.9", SearchParams()),
     ("near_district=11440&near_district=11680", SearchParams(near_district="11440")),
     ("near_district=seoul", SearchParams())],
    ids=["repeated-category", "bad-and-good-districts", "bad-source", "free", "paid",
         "free-and-paid", "free-garbage", "open", "open-no", "newest", "unknown-sort",
         "point", "point-out-of-range", "point-malformed", "first-near-district",
         "bad-near-district"])
def test_parse(query: str, expected: SearchParams) -> None:
    assert _parse(query) == expected, query


def test_too_many_values_are_cut() -> None:
    query = "&".join(f"district=11{n:03d}" for n in range(100))
    assert len(_parse(query).districts) == 30


def test_a_url_reads_back_as_the_same_params() -> None:
    params = SearchParams(q="전동 드릴", kinds=("item",), categories=("item.tools", "item.camping"),
                          districts=("11440",), sources=("mapo-share",), free=False,
                          open_now=True, sort="distance", near=(37.5, 127.0),
                          near_district="11680", page=3)
    url = Urls("en").search(params)
    assert url.startswith("/search?q=")
    assert url.endswith("&page=3&lang=en")
    assert _parse(url.split("?", 1)[1]) == params


@pytest.mark.parametrize(
    ("facet", "value", "left"),
    [("category", "item.tools", SearchParams(categories=("item.camping",), free=True,
                                             sort="distance", near_district="11440")),
     ("category", None, SearchParams(free=True, sort="distance", near_district="11440")),
     ("free", None, SearchParams(categories=("item.tools", "item.camping"), sort="distance",
                                 near_district="11440")),
     ("near", None, SearchParams(categories=("item.tools", "item.camping"), free=True))],
    ids=["one-category", "every-category", "free", "near-drops-distance-sort"])
def test_without(facet: str, value: str | None, left: SearchParams) -> None:
    params = SearchParams(categories=("item.tools", "item.camping"), free=True,
                          sort="distance", near_district="11440", page=4)
    assert params.without(facet, value) == left
