"""The one canonical schema that crosses every boundary: `Listing` and `Source`.

Platform-specific shapes stay private to their adapter; everything downstream of
`normalizer/` (the catalog, the search index, the site) sees only these models.
The JSON Schema in `schema/listing.schema.json` is generated from `Listing`
(`python -m normalizer.schema_export`), and a test keeps the two in step.
"""

from __future__ import annotations

import hashlib
from datetime import datetime
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field

__all__ = [
    "Contact",
    "Fee",
    "Hours",
    "InventoryItem",
    "Kind",
    "Listing",
    "Location",
    "Provider",
    "ProviderType",
    "Quality",
    "Source",
    "SourceKind",
    "WeeklyHours",
    "listing_id",
]

Kind = Literal["space", "item", "vehicle", "housing", "skill", "program", "info"]
ProviderType = Literal["public", "company", "nonprofit", "community", "unknown"]
Day = Literal["mon", "tue", "wed", "thu", "fri", "sat", "sun"]
SourceKind = Literal["rss", "json_feed", "csv", "xlsx", "gongyunuri", "seoul_openapi",
                     "json_api", "xml_api", "html", "schema_org", "listing_jsonl", "hsds"]


class _Model(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid",
                              json_schema_serialization_defaults_required=True)


class Provider(_Model):
    name: str | None = None
    type: ProviderType = "unknown"


class Location(_Model):
    address: str | None = None
    sido_code: str | None = Field(None, pattern=r"^\d{2}$")
    district_code: str | None = Field(
        None, pattern=r"^\d{5}$", description="5-digit 시군구 code (행정표준코드)"
    )
    district_name: str | None = None
    lat: float | None = Field(None, ge=-90, le=90)
    lon: float | None = Field(None, ge=-180, le=180)


class WeeklyHours(_Model):
    days: list[Day]
    opens: str = Field(pattern=r"^\d{2}:\d{2}$")
    closes: str = Field(pattern=r"^\d{2}:\d{2}$")


class Hours(_Model):
    text: str | None = None
    weekly: list[WeeklyHours] = Field(default_factory=list)


class Fee(_Model):
    free: bool | None = None
    text: str | None = None
    min_krw: int | None = Field(None, ge=0)
    max_krw: int | None = Field(None, ge=0)
    deposit_krw: int | None = Field(None, ge=0)


class InventoryItem(_Model):
    name: str
    quantity: int | None = Field(None, ge=0)


class Contact(_Model):
    phones: list[str] = Field(default_factory=list)
    email: str | None = None
    url: str | None = None


class Quality(_Model):
    score: int = Field(ge=0, le=100)
    issues: list[str] = Field(default_factory=list)


class Listing(_Model):
    """One sharing offer as citizens see it, whatever platform it came from.

    Required keys are always present in JSON (null when unknown).
    """

    id: str = Field(description="Stable hub id: see listing_id()")
    source_id: str
    source_record_id: str
    url: str | None = Field(description="Where the listing lives at its source")
    title: str
    description: str | None
    kind: Kind
    category: str = Field(pattern=r"^[a-z]+\.[a-z_]+$", description="Hub taxonomy code kind.sub")
    provider: Provider
    location: Location
    hours: Hours
    fee: Fee
    loan_period_days: int | None = Field(ge=0)
    capacity: int | None = Field(ge=0)
    items: list[InventoryItem]
    contact: Contact
    booking_url: str | None
    image_url: str | None
    tags: list[str]
    source_updated_at: datetime | None
    first_seen_at: datetime | None
    last_seen_at: datetime | None = Field(description="Last confirmed at the source")
    also_listed_on: list[str]
    quality: Quality


class Source(_Model):
    """A registered platform feed: what to fetch and how to read it."""

    id: str = Field(pattern=r"^[a-z0-9][a-z0-9_-]*$")
    name: str
    kind: SourceKind
    url: str
    provider_type: ProviderType = "unknown"
    district_code: str | None = Field(None, pattern=r"^\d{5}$")
    default_category: str | None = None
    key_env: str | None = Field(
        None, description="Name of the environment variable that holds the API key")
    params: dict[str, Any] = Field(
        default_factory=dict, description="Kind-specific settings (API paths, selectors, …)")


def listing_id(source_id: str, source_record_id: str) -> str:
    """Return the stable hub id of a record: a short hash of where it comes from."""
    digest = hashlib.sha256(f"{source_id}\x1f{source_record_id}".encode()).hexdigest()
    return f"{source_id}-{digest[:12]}"
