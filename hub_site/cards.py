"""A listing as a result card: the few facts a citizen scans, already localized.

Every card says where the listing came from and when it was last confirmed at its source.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from hub_site.dates import as_utc, time_ago
from hub_site.i18n import Translator
from hub_site.params import SearchParams
from hub_site.security import safe_http_url
from hub_site.urls import Urls
from normalizer.schema import Fee, Listing
from normalizer.taxonomy import Taxonomy

__all__ = ["CardContext", "ListingCard", "fee_text", "listing_card", "won"]


@dataclass(frozen=True, slots=True)
class CardContext:
    """What turning listings into cards needs, fixed for one request."""

    t: Translator
    urls: Urls
    taxonomy: Taxonomy
    source_names: dict[str, str]
    now: datetime

    def source_name(self, source_id: str) -> str:
        return self.source_names.get(source_id, source_id)


@dataclass(frozen=True, slots=True)
class ListingCard:
    id: str
    title: str
    page_url: str
    category_label: str
    category_url: str
    district_name: str | None
    district_url: str | None
    fee: str
    free: bool
    source_name: str
    last_confirmed: str | None  # "마지막 확인: 3시간 전"
    last_seen_iso: str | None
    booking_url: str | None  # http(s) only
    source_url: str | None  # http(s) only


def won(amount: int) -> str:
    return f"{amount:,}"


def fee_text(fee: Fee, t: Translator) -> str:
    """The fee in a few words: 무료, the source's own wording, a price, or 유료."""
    if fee.free:
        return t("free")
    if fee.text:
        return fee.text
    if fee.min_krw is not None:
        return t("fee_from", amount=won(fee.min_krw))
    if fee.free is False:
        return t("paid")
    return t("fee_unknown")


def listing_card(listing: Listing, ctx: CardContext) -> ListingCard:
    """The card for one listing, in the request's language."""
    location = listing.location
    district_url = (ctx.urls.search(SearchParams(district=location.district_code))
                    if location.district_code else None)
    last_confirmed = (ctx.t("last_confirmed", ago=time_ago(listing.last_seen_at, ctx.now, ctx.t))
                      if listing.last_seen_at else None)
    return ListingCard(
        id=listing.id,
        title=listing.title,
        page_url=ctx.urls.listing(listing.id),
        category_label=ctx.taxonomy.label(listing.category, ctx.t.lang),
        category_url=ctx.urls.search(SearchParams(category=listing.category)),
        district_name=location.district_name or location.district_code,
        district_url=district_url,
        fee=fee_text(listing.fee, ctx.t),
        free=bool(listing.fee.free),
        source_name=ctx.source_name(listing.source_id),
        last_confirmed=last_confirmed,
        last_seen_iso=as_utc(listing.last_seen_at).isoformat() if listing.last_seen_at else None,
        booking_url=safe_http_url(listing.booking_url),
        source_url=safe_http_url(listing.url),
    )
