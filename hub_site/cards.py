"""A listing as a result card: the few facts a citizen scans, already localized.

Every card says where the listing came from (its platform and the others it is also listed
on) and when it was last confirmed at its source, and today's hours in Seoul time.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from hub_site.dates import as_utc, time_ago
from hub_site.i18n import Translator
from hub_site.params import SearchParams
from hub_site.places import district_label
from hub_site.security import safe_http_url
from hub_site.urls import Urls
from normalizer.open_now import opening_today
from normalizer.schema import Fee, Hours, Listing
from normalizer.taxonomy import Taxonomy

__all__ = ["CardContext", "ListingCard", "fee_text", "listing_card", "today_hours", "won"]

_CLOSED_PREFIXES = ("오늘 휴무", "Closed today")
_HOURS_TEXT_CHARS = 60  # a card shows the start of free-text hours, the listing all of it


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
    category: str
    category_label: str
    category_url: str
    district_code: str | None
    district_name: str | None
    district_url: str | None
    fee: str
    free: bool
    source_id: str
    source_name: str
    source_page_url: str  # the platform's page in the hub's directory
    last_confirmed: str | None  # "마지막 확인: 3시간 전"
    last_seen_iso: str | None
    booking_url: str | None  # http(s) only
    source_url: str | None  # http(s) only
    today_hours: str | None = None  # "오늘 09:00–18:00", "오늘 휴무", or the hours text
    closed_today: bool = False
    also_listed_on: list[str] = field(default_factory=list)  # platform names
    distance_km: float | None = None

    def to_json(self) -> dict[str, Any]:
        """The card as the JSON twin shows it: the same localized strings as the page."""
        return {"id": self.id, "title": self.title, "url": self.page_url,
                "category": {"code": self.category, "label": self.category_label},
                "district": ({"code": self.district_code, "name": self.district_name}
                             if self.district_code or self.district_name else None),
                "fee": self.fee, "free": self.free, "today_hours": self.today_hours,
                "closed_today": self.closed_today,
                "source": {"id": self.source_id, "name": self.source_name,
                           "url": self.source_page_url},
                "also_listed_on": self.also_listed_on,
                "last_confirmed": self.last_confirmed, "last_seen_at": self.last_seen_iso,
                "booking_url": self.booking_url, "source_url": self.source_url,
                "distance_km": (round(self.distance_km, 2)
                                if self.distance_km is not None else None)}


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


def today_hours(hours: Hours, now: datetime, t: Translator) -> tuple[str | None, bool]:
    """Today's hours in Seoul ("오늘 09:00–18:00", "오늘 휴무") and whether it is closed
    all day; the start of the source's hours text when there are no weekly hours; None
    when nothing is known."""
    line = opening_today(hours, now, lang=t.lang)
    if line:
        # opening_today's closed wording is fixed: "오늘 휴무" / "Closed today" (+ holiday).
        return line, line.startswith(_CLOSED_PREFIXES)
    if hours.text:
        text = " ".join(hours.text.split())
        return (text if len(text) <= _HOURS_TEXT_CHARS
                else text[:_HOURS_TEXT_CHARS - 1] + "…"), False
    return None, False


def listing_card(listing: Listing, ctx: CardContext,
                 distance_km: float | None = None) -> ListingCard:
    """The card for one listing, in the request's language (no catalog read)."""
    location = listing.location
    code = location.district_code
    district_url = ctx.urls.search(SearchParams(districts=(code,))) if code else None
    last_confirmed = (ctx.t("last_confirmed", ago=time_ago(listing.last_seen_at, ctx.now, ctx.t))
                      if listing.last_seen_at else None)
    hours_line, closed = today_hours(listing.hours, ctx.now, ctx.t)
    also = [ctx.source_name(s) for s in dict.fromkeys(listing.also_listed_on)
            if s != listing.source_id]
    return ListingCard(
        id=listing.id,
        title=listing.title,
        page_url=ctx.urls.listing(listing.id),
        category=listing.category,
        category_label=ctx.taxonomy.label(listing.category, ctx.t.lang),
        category_url=ctx.urls.search(SearchParams(categories=(listing.category,))),
        district_code=code,
        district_name=(district_label(code, ctx.t.lang, location.district_name) if code
                       else location.district_name),
        district_url=district_url,
        fee=fee_text(listing.fee, ctx.t),
        free=bool(listing.fee.free),
        source_id=listing.source_id,
        source_name=ctx.source_name(listing.source_id),
        source_page_url=ctx.urls.platform(listing.source_id),
        last_confirmed=last_confirmed,
        last_seen_iso=as_utc(listing.last_seen_at).isoformat() if listing.last_seen_at else None,
        booking_url=safe_http_url(listing.booking_url),
        source_url=safe_http_url(listing.url),
        today_hours=hours_line,
        closed_today=closed,
        also_listed_on=also,
        distance_km=distance_km,
    )
