"""One listing's page and its JSON twin, built from one `ListingPage` view-model.

The page shows every field, the week's hours as seven rows (today marked), every platform
that lists the same place, where the record comes from, a map section and, when a feedback
store is configured, the "report outdated" form (`report_views`, `report_routes`).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from hub_site.cards import CardContext, ListingCard, listing_card, won
from hub_site.dates import KST, format_datetime
from hub_site.hub_data import HubData
from hub_site.i18n import DAY_CODES
from hub_site.listing_sources import find_listing, listing_group, source_state
from hub_site.report_views import ReportForm
from hub_site.security import safe_http_url, tel_href
from normalizer.schema import Listing

__all__ = ["ItemRow", "ListingPage", "MapPoint", "Phone", "Provenance", "SourceRow",
           "WeekRow", "listing_detail", "week_rows"]


@dataclass(frozen=True, slots=True)
class WeekRow:
    """One day of the week: its opening intervals, or closed (휴무)."""

    day: str  # mon..sun
    label: str  # 월
    intervals: list[str]  # ["09:00–12:00", "13:00–18:00"]
    today: bool

    @property
    def closed(self) -> bool:
        return not self.intervals


@dataclass(frozen=True, slots=True)
class ItemRow:
    name: str
    quantity: int | None


@dataclass(frozen=True, slots=True)
class Phone:
    text: str
    href: str | None  # tel: link, when the number is plausible


@dataclass(frozen=True, slots=True)
class SourceRow:
    """One platform that lists this place: its name, its page here and its own links."""

    source_id: str
    name: str
    platform_url: str
    listing_url: str | None  # this hub's page of that platform's copy
    url: str | None  # http(s) only
    booking_url: str | None  # http(s) only
    current: bool  # the listing this page shows


@dataclass(frozen=True, slots=True)
class Provenance:
    source_name: str
    platform_url: str
    record_id: str
    source_url: str | None  # http(s) only
    fetched_at: str | None  # the source's last fetch
    first_seen_at: str | None
    last_seen_at: str | None  # last confirmed at the source
    source_updated_at: str | None


@dataclass(frozen=True, slots=True)
class MapPoint:
    lat: float
    lon: float
    text: str  # "37.556300, 126.901900"
    external_url: str | None


@dataclass(frozen=True, slots=True)
class ListingPage:
    listing: Listing
    card: ListingCard
    kind_label: str
    provider_type_label: str
    fee_amount: str | None  # "10,000원 ~ 20,000원"
    deposit: str | None
    week: list[WeekRow]  # empty when the hours are unknown
    items: list[ItemRow]
    phones: list[Phone]
    contact_url: str | None  # http(s) only
    image_url: str | None  # https only: the page must not load plain-http images
    map_url: str | None
    map_point: MapPoint | None
    sources: list[SourceRow]  # this listing's platform first when it is the group's best
    also_listed_on: list[str]  # the other platforms' names
    provenance: Provenance
    report: ReportForm | None  # None: reports are switched off

    def to_json(self) -> dict[str, Any]:
        """The Listing JSON, every key present."""
        return self.listing.model_dump(mode="json")


def week_rows(listing: Listing, ctx: CardContext) -> list[WeekRow]:
    """Seven rows, Monday first, each day's intervals in order; [] when no hours parsed."""
    if not listing.hours.weekly:
        return []
    by_day: dict[str, list[tuple[str, str]]] = {day: [] for day in DAY_CODES}
    for slot in listing.hours.weekly:
        for day in slot.days:
            by_day[day].append((slot.opens, slot.closes))
    today = DAY_CODES[ctx.now.astimezone(KST).weekday()]
    return [WeekRow(day, ctx.t(f"day_{day}"),
                    [f"{opens}–{closes}" for opens, closes in sorted(set(by_day[day]))],
                    day == today)
            for day in DAY_CODES]


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


def _map_point(listing: Listing, ctx: CardContext) -> MapPoint | None:
    lat, lon = listing.location.lat, listing.location.lon
    if lat is None or lon is None:
        return None
    return MapPoint(lat, lon, f"{lat:.6f}, {lon:.6f}", ctx.urls.map(lat, lon))


def _source_rows(hub: HubData, listing: Listing, ctx: CardContext) -> list[SourceRow]:
    group = listing_group(hub, listing)
    rows = [SourceRow(link.source_id, ctx.source_name(link.source_id),
                      ctx.urls.platform(link.source_id), ctx.urls.listing(link.listing_id),
                      safe_http_url(link.url), safe_http_url(link.booking_url),
                      link.listing_id == listing.id)
            for link in group.links]
    rows += [SourceRow(s, ctx.source_name(s), ctx.urls.platform(s), None, None, None, False)
             for s in group.unmatched_sources]
    return rows


def _provenance(hub: HubData, listing: Listing, ctx: CardContext) -> Provenance:
    state = source_state(hub, listing.source_id)
    return Provenance(
        source_name=ctx.source_name(listing.source_id),
        platform_url=ctx.urls.platform(listing.source_id),
        record_id=listing.source_record_id,
        source_url=safe_http_url(listing.url),
        fetched_at=format_datetime(state.last_attempt_at),
        first_seen_at=format_datetime(listing.first_seen_at),
        last_seen_at=format_datetime(listing.last_seen_at),
        source_updated_at=format_datetime(listing.source_updated_at))


def listing_detail(hub: HubData, listing_id: str, ctx: CardContext,
                   report: ReportForm | None = None) -> ListingPage:
    """Build the page of one listing from the catalog (and its group from the index).

    `report` is the "report outdated" form to show, None to leave it out. Raises
    HTTPException(404) for an unknown id, CatalogError when the catalog cannot be read.
    """
    listing = find_listing(hub, listing_id)
    t = ctx.t
    sources = _source_rows(hub, listing, ctx)
    return ListingPage(
        listing=listing,
        card=listing_card(listing, ctx),
        kind_label=ctx.taxonomy.kinds.get(listing.kind, {}).get(t.lang, listing.kind),
        provider_type_label=t(f"provider_{listing.provider.type}"),
        fee_amount=_fee_amount(listing, ctx),
        deposit=(t("krw", amount=won(listing.fee.deposit_krw))
                 if listing.fee.deposit_krw is not None else None),
        week=week_rows(listing, ctx),
        items=[ItemRow(i.name, i.quantity) for i in listing.items],
        phones=[Phone(p, tel_href(p)) for p in listing.contact.phones],
        contact_url=safe_http_url(listing.contact.url),
        image_url=_https_only(listing.image_url),
        map_url=ctx.urls.map(listing.location.lat, listing.location.lon),
        map_point=_map_point(listing, ctx),
        sources=sources,
        also_listed_on=[row.name for row in sources if row.source_id != listing.source_id],
        provenance=_provenance(hub, listing, ctx),
        report=report,
    )
