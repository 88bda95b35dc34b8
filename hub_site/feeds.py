"""The Atom feed of any search: `/feeds/search.atom?<the same parameters as /search>`.

A feed reader subscribed to a search sees the newest listings that match it (first seen at
the hub, newest first). Entry ids are tag: URIs built from the listing id alone, so they stay
the same when the site moves to another host and a reader never sees an entry twice.
The XML is built with ElementTree, which escapes every crawled string.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from datetime import datetime
from xml.etree import ElementTree as ET

from hub_site.cards import CardContext, fee_text
from hub_site.dates import as_utc
from hub_site.hub_data import HubData
from hub_site.params import SearchParams
from index.search_types import SearchQuery
from normalizer.schema import Listing

__all__ = [
    "ATOM_MEDIA_TYPE",
    "FEED_ENTRIES",
    "TAG_AUTHORITY",
    "atom_feed",
    "entry_id",
    "feed_params",
    "feed_query",
]

ATOM_MEDIA_TYPE = "application/atom+xml; charset=utf-8"
FEED_ENTRIES = 50
# RFC 4151 tag authority: a name and a date, fixed so ids never change with the host.
TAG_AUTHORITY = "sharehub.github.io,2026"
_ATOM_NS = "http://www.w3.org/2005/Atom"
_SUMMARY_CHARS = 500
_XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"


def entry_id(listing_id: str) -> str:
    """The stable Atom id of a listing: `tag:sharehub.github.io,2026:listing/<id>`."""
    return f"tag:{TAG_AUTHORITY}:listing/{listing_id}"


def feed_params(params: SearchParams) -> SearchParams:
    """The part of a search that a feed follows: text and filters, not the sort, the
    reference point or the page (a feed is always newest first)."""
    return replace(params, sort="relevance", near=None, near_district=None, page=1)


def feed_query(params: SearchParams, now: datetime) -> SearchQuery:
    """The index query behind a feed: the search's text and filters (open now at `now`
    when asked), newest first."""
    return SearchQuery(text=params.q, kinds=params.kinds, categories=params.categories,
                       district_codes=params.districts, source_ids=params.sources,
                       free=params.free, open_at=now if params.open_now else None,
                       sort="newest", offset=0, limit=FEED_ENTRIES)


def _updated(listing: Listing, fallback: datetime) -> datetime:
    """When the entry last changed in a way a reader cares about: at the source, or when the
    hub first saw it (crawls that only confirm it do not count)."""
    moments = [m for m in (listing.source_updated_at, listing.first_seen_at) if m is not None]
    return as_utc(max(moments, key=as_utc)) if moments else as_utc(fallback)


def _stamp(moment: datetime) -> str:
    return as_utc(moment).replace(microsecond=0).isoformat().replace("+00:00", "Z")


def _summary(listing: Listing, ctx: CardContext) -> str:
    """Plain text a reader shows under the title: place, fee and the start of the text."""
    location = listing.location
    parts = [ctx.taxonomy.label(listing.category, ctx.t.lang),
             location.district_name or "", fee_text(listing.fee, ctx.t),
             ctx.t("source_platform") + ": " + ctx.source_name(listing.source_id)]
    head = " · ".join(p for p in parts if p)
    body = (listing.description or "").strip()
    if len(body) > _SUMMARY_CHARS:
        body = body[:_SUMMARY_CHARS].rstrip() + "…"
    return f"{head}\n{body}" if body else head


def _text(parent: ET.Element, tag: str, value: str, **attrs: str) -> ET.Element:
    element = ET.SubElement(parent, tag, attrs)
    element.text = value
    return element


def _link(parent: ET.Element, href: str, rel: str, media_type: str | None = None) -> None:
    attrs = {"rel": rel, "href": href}
    if media_type:
        attrs["type"] = media_type
    ET.SubElement(parent, "link", attrs)


def _entry(feed: ET.Element, listing: Listing, ctx: CardContext,
           absolute: Callable[[str], str]) -> datetime:
    updated = _updated(listing, ctx.now)
    entry = ET.SubElement(feed, "entry")
    _text(entry, "id", entry_id(listing.id))
    _text(entry, "title", listing.title, type="text")
    _text(entry, "updated", _stamp(updated))
    if listing.first_seen_at is not None:
        _text(entry, "published", _stamp(listing.first_seen_at))
    _link(entry, absolute(ctx.urls.listing(listing.id)), "alternate", "text/html")
    _text(entry, "summary", _summary(listing, ctx), type="text")
    ET.SubElement(entry, "category", {
        "term": listing.category, "label": ctx.taxonomy.label(listing.category, ctx.t.lang),
        "scheme": absolute(ctx.urls.search())})
    return updated


def _feed_title(params: SearchParams, ctx: CardContext) -> str:
    lang = ctx.t.lang
    words = [params.q] if params.q else []
    words.extend(ctx.taxonomy.kinds.get(k, {}).get(lang, k) for k in params.kinds)
    words.extend(ctx.taxonomy.label(code, lang) for code in params.categories)
    words.extend(params.districts)
    words.extend(ctx.source_name(source) for source in params.sources)
    if params.free is not None:
        words.append(ctx.t("free") if params.free else ctx.t("paid"))
    if params.open_now:
        words.append(ctx.t("open_now"))
    if not words:
        return ctx.t("feed_all_title")
    return ctx.t("feed_search_title", what=", ".join(words))


def atom_feed(hub: HubData, params: SearchParams, ctx: CardContext,
              absolute: Callable[[str], str]) -> bytes:
    """The Atom 1.0 document for a search: the newest FEED_ENTRIES listings matching it.

    `absolute` turns a site path into an absolute URL (Atom links should be absolute).
    Storage errors propagate (the site's error handler answers 503).
    """
    params = feed_params(params)
    listings = [hit.listing for hit in hub.search(feed_query(params, ctx.now)).hits]
    # xmlns as a plain attribute: ElementTree would otherwise write ns0: prefixes.
    feed = ET.Element("feed", {"xmlns": _ATOM_NS, _XML_LANG: ctx.t.lang})
    feed_path = ctx.urls.feed_search(params)
    _text(feed, "id", f"tag:{TAG_AUTHORITY}:{feed_path.split('/feeds/', 1)[-1]}")
    _text(feed, "title", _feed_title(params, ctx), type="text")
    _text(feed, "subtitle", ctx.t("tagline"), type="text")
    updated_element = _text(feed, "updated", "")
    _link(feed, absolute(feed_path), "self", "application/atom+xml")
    _link(feed, absolute(ctx.urls.search(params, 1)), "alternate", "text/html")
    author = ET.SubElement(feed, "author")
    _text(author, "name", ctx.t("site_name"))
    _text(feed, "generator", "sharehub")
    newest = max((_entry(feed, listing, ctx, absolute) for listing in listings),
                 default=None)
    # An empty search's feed has no entry to date it: the hub's clock stands in.
    updated_element.text = _stamp(newest if newest is not None else ctx.now)
    body: bytes = ET.tostring(feed, encoding="utf-8", xml_declaration=True)
    return body
