"""Listings as map markers, and markers as a GeoJSON FeatureCollection (RFC 7946).

A marker carries only what a popup and the server-rendered list show: the title, the
category and district labels in the page's language, and the hub's own listing link.
Crawled text stays plain text here; the page escapes it and map.js sets it as textContent.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from hub_site.i18n import Lang
from hub_site.places import district_label
from hub_site.urls import Urls
from normalizer.schema import Listing
from normalizer.taxonomy import Taxonomy

__all__ = ["MapMarker", "feature_collection", "map_marker"]

_DECIMALS = 6  # about 10 cm: more digits only add bytes


@dataclass(frozen=True, slots=True)
class MapMarker:
    """One located listing, ready for the list and the map."""

    id: str
    title: str
    lat: float
    lon: float
    page_url: str  # the hub's listing page
    category: str
    category_label: str
    district_name: str | None
    free: bool | None

    def to_feature(self) -> dict[str, Any]:
        """A GeoJSON Point feature; coordinates are [lon, lat] as RFC 7946 orders them."""
        return {
            "type": "Feature",
            "id": self.id,
            "geometry": {"type": "Point",
                         "coordinates": [round(self.lon, _DECIMALS), round(self.lat, _DECIMALS)]},
            "properties": {"title": self.title, "url": self.page_url,
                           "category": self.category, "category_label": self.category_label,
                           "district": self.district_name, "free": self.free},
        }


def map_marker(listing: Listing, urls: Urls, taxonomy: Taxonomy, lang: Lang) -> MapMarker | None:
    """The marker of `listing`, or None when it has no coordinates."""
    location = listing.location
    if location.lat is None or location.lon is None:
        return None
    district = (district_label(location.district_code, lang, location.district_name)
                if location.district_code else location.district_name)
    return MapMarker(id=listing.id, title=listing.title, lat=location.lat, lon=location.lon,
                     page_url=urls.listing(listing.id), category=listing.category,
                     category_label=taxonomy.label(listing.category, lang),
                     district_name=district, free=listing.fee.free)


def feature_collection(markers: list[MapMarker], **members: object) -> dict[str, Any]:
    """`{"type": "FeatureCollection", "features": [...]}` plus foreign `members` (counts,
    links), which RFC 7946 allows and GeoJSON readers ignore."""
    return {"type": "FeatureCollection", **members,
            "features": [marker.to_feature() for marker in markers]}
