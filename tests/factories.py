"""Build realistic Listings for tests without repeating every field."""

from __future__ import annotations

from typing import Any

from normalizer.schema import (
    Contact,
    Fee,
    Hours,
    InventoryItem,
    Listing,
    Location,
    Provider,
    Quality,
    listing_id,
)
from tests.conftest import NOW


def make_listing(record_id: str, title: str, *, source_id: str = "mapo-tools",
                 description: str | None = None, category: str = "item.tools",
                 district: tuple[str, str] = ("11440", "마포구"), free: bool | None = True,
                 items: list[str] | None = None, **overrides: Any) -> Listing:
    values: dict[str, Any] = {
        "id": listing_id(source_id, record_id), "source_id": source_id,
        "source_record_id": record_id, "url": None, "title": title,
        "description": description, "kind": category.split(".")[0], "category": category,
        "provider": Provider(name="마포구청", type="public"),
        "location": Location(address=f"서울특별시 {district[1]} 테스트로 1",
                             sido_code=district[0][:2], district_code=district[0],
                             district_name=district[1], lat=37.55, lon=126.92),
        "hours": Hours(text=None, weekly=[]), "fee": Fee(free=free, text="무료" if free else None),
        "loan_period_days": None, "capacity": None,
        "items": [InventoryItem(name=i) for i in items or []],
        "contact": Contact(phones=["02-3153-1234"]), "booking_url": None, "image_url": None,
        "tags": [], "source_updated_at": None, "first_seen_at": NOW, "last_seen_at": NOW,
        "also_listed_on": [], "quality": Quality(score=90, issues=[]),
    }
    values.update(overrides)
    return Listing(**values)
