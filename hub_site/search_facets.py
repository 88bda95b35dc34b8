"""The results page's facets as checkbox groups, and its removable active-filter chips.

Counts come from the one index search of the page (`SearchResults.facets`): they count the
current result set, every filter applied. A checked value always stays listed, even when
its count is 0, so a citizen can always uncheck what they checked.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from hub_site.cards import CardContext
from hub_site.params import SearchParams
from hub_site.places import district_label
from index.search_types import FacetCount, FacetName

__all__ = ["INDEX_FACETS", "ActiveFilter", "FacetGroup", "FacetOption", "active_filters",
           "facet_groups"]

# The facets counted in the page's search; "open now" is a filter without a count.
INDEX_FACETS: tuple[FacetName, ...] = ("category", "district", "source", "free")
_MAX_OPTIONS = 30  # per facet (checked ones are always added): keeps the page small
_NO_DISTRICT = "none"  # the index's value for a listing without a district
_FREE_VALUES = {"true": "1", "false": "0"}  # index value → the `free` parameter


@dataclass(frozen=True, slots=True)
class FacetOption:
    value: str
    label: str
    count: int | None  # None: not counted (open now before it is checked)
    checked: bool
    input_id: str

    def to_json(self) -> dict[str, Any]:
        return {"value": self.value, "label": self.label, "count": self.count,
                "selected": self.checked}


@dataclass(frozen=True, slots=True)
class FacetGroup:
    """One <fieldset>: its query parameter, legend and checkboxes."""

    param: str
    legend: str
    options: list[FacetOption]

    def to_json(self) -> dict[str, Any]:
        return {"param": self.param, "label": self.legend,
                "values": [option.to_json() for option in self.options]}


@dataclass(frozen=True, slots=True)
class ActiveFilter:
    param: str
    value: str
    label: str
    remove_url: str

    def to_json(self) -> dict[str, Any]:
        return {"param": self.param, "value": self.value, "label": self.label,
                "remove_url": self.remove_url}


def _options(param: str, counts: list[FacetCount], checked: tuple[str, ...],
             label: Callable[[str], str]) -> list[FacetOption]:
    shown = [c for c in counts if c.value != _NO_DISTRICT and c.count > 0][:_MAX_OPTIONS]
    seen = {c.value for c in shown}
    shown += [FacetCount(value, 0) for value in checked if value not in seen]
    return [FacetOption(c.value, label(c.value), c.count, c.value in checked,
                        f"f-{param}-{index}")
            for index, c in enumerate(shown)]


def facet_groups(params: SearchParams, facets: dict[str, list[FacetCount]], total: int,
                 ctx: CardContext) -> list[FacetGroup]:
    """The checkbox groups, in the order a citizen narrows a search: what, where, who
    runs it, what it costs, whether it is open now."""
    t, lang = ctx.t, ctx.t.lang
    free_counts = [FacetCount(_FREE_VALUES[c.value], c.count)
                   for c in facets.get("free", []) if c.value in _FREE_VALUES]
    free_checked = () if params.free is None else ("1" if params.free else "0",)
    groups = [
        FacetGroup("category", t("category"), _options(
            "category", facets.get("category", []), params.categories,
            lambda code: ctx.taxonomy.label(code, lang))),
        FacetGroup("district", t("district"), _options(
            "district", facets.get("district", []), params.districts,
            lambda code: district_label(code, lang))),
        FacetGroup("source", t("facet_platform"), _options(
            "source", facets.get("source", []), params.sources, ctx.source_name)),
        FacetGroup("free", t("fee"), _options(
            "free", sorted(free_counts, key=lambda c: c.value, reverse=True), free_checked,
            lambda value: t("free") if value == "1" else t("paid"))),
        FacetGroup("open", t("facet_open"), [FacetOption(
            "1", t("open_now"), total if params.open_now else None, params.open_now,
            "f-open-0")]),
    ]
    return [group for group in groups if group.options]


def active_filters(params: SearchParams, ctx: CardContext,
                   near_label: str | None) -> list[ActiveFilter]:
    """One removable chip per selected value; each link drops that value alone."""
    t, urls, lang = ctx.t, ctx.urls, ctx.t.lang
    labels: dict[str, Callable[[str], str]] = {
        "kind": lambda code: ctx.taxonomy.kinds.get(code, {}).get(lang, code),
        "category": lambda code: ctx.taxonomy.label(code, lang),
        "district": lambda code: district_label(code, lang),
        "source": ctx.source_name,
    }
    chips = [ActiveFilter(facet, value, label(value), urls.search(params.without(facet, value)))
             for facet, label in labels.items() for value in params.values(facet)]
    if params.free is not None:
        value = "1" if params.free else "0"
        chips.append(ActiveFilter("free", value, t("free") if params.free else t("paid"),
                                  urls.search(params.without("free"))))
    if params.open_now:
        chips.append(ActiveFilter("open", "1", t("open_now"),
                                  urls.search(params.without("open"))))
    if near_label is not None:
        chips.append(ActiveFilter("near", near_label, t("near_label", place=near_label),
                                  urls.search(params.without("near"))))
    return chips
