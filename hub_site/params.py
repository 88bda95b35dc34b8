"""Query-string parameters, read leniently: a bad value is clamped or ignored, never a 500.

The search text stays plain text: it is only trimmed here, and the index builds its
queries in code, so quotes, brackets or `AND` carry no syntax.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Mapping
from dataclasses import dataclass

from normalizer.taxonomy import Taxonomy

__all__ = ["MAX_PAGE", "MAX_QUERY_CHARS", "SearchParams", "clean_text", "parse_search_params"]

MAX_QUERY_CHARS = 200
MAX_PAGE = 500  # deep paging past this helps nobody and costs the index
_DISTRICT = re.compile(r"^\d{5}$")
_SOURCE_ID = re.compile(r"^[a-z0-9][a-z0-9_-]{0,63}$")
_TRUE = frozenset({"1", "true", "yes", "on"})
_FALSE = frozenset({"0", "false", "no", "off"})


@dataclass(frozen=True, slots=True)
class SearchParams:
    """A validated search request; every field is safe to hand to the index."""

    q: str = ""
    kind: str | None = None
    category: str | None = None
    district: str | None = None
    source: str | None = None
    free: bool | None = None
    page: int = 1

    @property
    def has_filters(self) -> bool:
        return any(v is not None for v in (self.kind, self.category, self.district,
                                            self.source, self.free))


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


def _free(value: str | None) -> bool | None:
    value = (value or "").strip().lower()
    if value in _TRUE:
        return True
    if value in _FALSE:
        return False
    return None


def _choice(value: str | None, allowed: Mapping[str, object]) -> str | None:
    value = (value or "").strip()
    return value if value in allowed else None


def _matching(value: str | None, pattern: re.Pattern[str]) -> str | None:
    value = (value or "").strip()
    return value if pattern.match(value) else None


def parse_search_params(query: Mapping[str, str], taxonomy: Taxonomy) -> SearchParams:
    """Read `q, kind, category, district, source, free, page` from a query string.

    Unknown categories and kinds, malformed district codes and source ids are dropped;
    `page` is clamped to 1..MAX_PAGE. Never raises.
    """
    category = _choice(query.get("category"), taxonomy.categories)
    kind = _choice(query.get("kind"), taxonomy.kinds)
    return SearchParams(
        q=clean_text(query.get("q") or ""),
        kind=kind,
        category=category,
        district=_matching(query.get("district"), _DISTRICT),
        source=_matching(query.get("source"), _SOURCE_ID),
        free=_free(query.get("free")),
        page=_page(query.get("page")),
    )
