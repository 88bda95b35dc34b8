"""A sharing company's own website with schema.org data: "빌려쓰는 캠핑", a camping-gear rental
company with stores across Seoul.

The site (`data/camping_site/`, UTF-8) has an index page linking (`a.place`) to 18 pages:
six stores (SportingGoodsStore / LocalBusiness), eight rental products (Product with Offer,
AggregateOffer or several offers), two events, a delivery Service and a Place (an
unmanned return box). Most pages carry JSON-LD, in the shapes seen on real sites: a plain
object, an `@graph` with Organization, WebPage and BreadcrumbList beside the store, a
top-level array, `openingHoursSpecification` with plain or URL day names, and
`openingHours` strings. Two pages have microdata only, and two carry the faults real CMSs
produce: a block with a trailing comma (the page repeats the store in microdata) and a
block whose quotes were HTML-escaped (`&quot;`).
"""

from __future__ import annotations

from datetime import datetime, timedelta, timezone
from importlib import resources
from importlib.resources.abc import Traversable
from typing import TYPE_CHECKING

from sample_platforms.content import Document

if TYPE_CHECKING:  # the registry imports this module to list it
    from sample_platforms.registry import SourceDefinition

__all__ = ["INDEX_PATH", "SITE_PREFIX", "company_site_documents", "company_site_sources"]

SITE_PREFIX = "/company/camping/"
INDEX_PATH = SITE_PREFIX + "index.html"
_CONTENT_TYPE = "text/html; charset=utf-8"
_UPDATED = datetime(2026, 11, 10, 10, 0, tzinfo=timezone(timedelta(hours=9)))


def _walk(folder: Traversable, prefix: str) -> dict[str, bytes]:
    pages: dict[str, bytes] = {}
    for entry in folder.iterdir():
        if entry.is_dir():
            pages.update(_walk(entry, f"{prefix}{entry.name}/"))
        elif entry.name.endswith(".html"):
            pages[prefix + entry.name] = entry.read_bytes()
    return pages


def company_site_documents() -> dict[str, Document]:
    """Every page of the site by path; the index is also served at the site's root."""
    folder = resources.files("sample_platforms") / "data" / "camping_site"
    documents = {path: Document(body, _CONTENT_TYPE, _UPDATED)
                 for path, body in _walk(folder, SITE_PREFIX).items()}
    documents[SITE_PREFIX] = documents[INDEX_PATH]
    return documents


def company_site_sources(base_url: str) -> list[SourceDefinition]:
    """The hub's source definition: the index and every page it links to (schema_org)."""
    return [{
        "id": "borrow-camp", "name": "빌려쓰는 캠핑", "kind": "schema_org",
        "url": base_url + INDEX_PATH, "provider_type": "company", "district_code": None,
        "default_category": "item.camping",
        "params": {"follow_links": "css:a.place::attr(href)"},
    }]
