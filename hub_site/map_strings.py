"""The map view's UI strings (Korean and English), merged into hub_site.i18n's table.
Kept apart so i18n.py stays small; it must not import hub_site.i18n (which imports this)."""

from __future__ import annotations

from typing import Literal

__all__ = ["MAP_STRINGS"]

MAP_STRINGS: dict[str, dict[Literal["ko", "en"], str]] = {
    "view_on_map": {"ko": "지도로 보기", "en": "View on map"},
    "view_as_list": {"ko": "목록으로 보기", "en": "View as list"},
    "map_heading": {"ko": "지도로 보는 공유 자원", "en": "Listings on a map"},
    "map_results_for": {"ko": "‘{q}’ 지도", "en": "Map of “{q}”"},
    "map_label": {"ko": "검색 결과 지도", "en": "Map of the results"},
    "map_total": {"ko": "위치가 있는 결과 {total}건", "en": "{total} results with a location"},
    "map_without_location": {"ko": "위치 정보가 없는 {count}건은 지도에 없습니다.",
                             "en": "{count} results without a location are not on the map."},
    "map_shows_first": {"ko": "지도에는 처음 {count}건을 표시합니다.",
                        "en": "The map shows the first {count} results."},
    "map_no_results": {"ko": "지도에 표시할 위치가 있는 결과가 없습니다.",
                       "en": "No result has a location to show on a map."},
    "map_failed": {"ko": "지도를 불러오지 못했습니다. 아래 목록은 그대로 쓸 수 있습니다.",
                   "en": "The map could not load; the list below still works."},
}
