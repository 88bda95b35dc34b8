"""One listing's page and its JSON twin, built from one `ListingPage` view-model."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from starlette.exceptions import HTTPException

from hub_site.cards import CardContext, ListingCard, listing_card, won
from hub_site.dates import format_datetime
from hub_site.hub_data import HubData
from hub_site.i18n import DAY_CODES
from hub_site.security import safe_http_url, tel_href
from normalizer.schema import Listing

__all__ = ["HoursRow", "ItemRow", "ListingPage", "Phone", "listing_detail"]

_MAX_ID_CHARS = 200


@dataclass(frozen=True, slots=True)
class HoursRow:
    days: str  # "월, 화, 수"
    opens: str
    closes: str


@dataclass(frozen=True, slots=True)
class ItemRow:
    name: str
    quantity: int | None


@dataclass(frozen=True, slots=True)
class Phone:
    text: str
    href: str | None  # tel: link, when the number is plausible


@dataclass(frozen=True, slots=True)
class ListingPage:
    listing: Listing
    card: ListingCard
    kind_label: str
    provider_type_label: str
    fee_amount: str | None  # "10,000원 ~ 20,000원"
    deposit: str | None
    hours_rows: list[HoursRow]
    items: list[ItemRow]
    phones: list[Phone]
    contact_url: str | None  # http(s) only
    image_url: str | None  # https only: the page must not load plain-http images
    map_url: str | None
    also_listed_on: list[str]  # platform names
    source_updated_at: str | None
    first_seen_at: str | None
    last_seen_at: str | None

    def to_json(self) -> dict[str, Any]:
        """The Listing JSON, every key present."""
        return self.listing.model_dump(mode="json")


def _fee_amount(listing: Listing, ctx: CardContext) -> str | None:
    low, high = listing.fee.min_krw, listing.fee.max_krw
    if low is None and high is None:
        return None
    parts = [ctx.t("krw", amount=won(v)) for v in (low, high) if v is not None]
    if len(parts) == 2 and low == high:
        parts = parts[:1]
    return " ~ ".join(parts)


def _https_only(url: str | None) -> str | None:
    safe = safe_http_url(url)
    return safe if safe and safe.lower().startswith("https://") else None


def _find_listing(hub: HubData, listing_id: str) -> Listing:
    listing = hub.listing(listing_id) if len(listing_id) <= _MAX_ID_CHARS else None
    if listing is None:
        raise HTTPException(status_code=404, detail="listing not found")
    return listing


def listing_detail(hub: HubData, listing_id: str, ctx: CardContext) -> ListingPage:
    """Build the page of one listing from the catalog; HTTPException(404) when unknown."""
    listing = _find_listing(hub, listing_id)
    t = ctx.t
    days = {code: t(f"day_{code}") for code in DAY_CODES}
    return ListingPage(
        listing=listing,
        card=listing_card(listing, ctx),
        kind_label=ctx.taxonomy.kinds.get(listing.kind, {}).get(t.lang, listing.kind),
        provider_type_label=t(f"provider_{listing.provider.type}"),
        fee_amount=_fee_amount(listing, ctx),
        deposit=(t("krw", amount=won(listing.fee.deposit_krw))
                 if listing.fee.deposit_krw is not None else None),
        hours_rows=[HoursRow(", ".join(days[d] for d in w.days), w.opens, w.closes)
                    for w in listing.hours.weekly],
        items=[ItemRow(i.name, i.quantity) for i in listing.items],
        phones=[Phone(p, tel_href(p)) for p in listing.contact.phones],
        contact_url=safe_http_url(listing.contact.url),
        image_url=_https_only(listing.image_url),
        map_url=ctx.urls.map(listing.location.lat, listing.location.lon),
        also_listed_on=[ctx.source_name(s) for s in listing.also_listed_on],
        source_updated_at=format_datetime(listing.source_updated_at),
        first_seen_at=format_datetime(listing.first_seen_at),
        last_seen_at=format_datetime(listing.last_seen_at),
    )
