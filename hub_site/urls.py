"""Every URL of the site is built here, so templates and views never hard-code a path.

A `Urls` is bound to the request's language: in English every link it builds carries
`lang=en`, so a visitor stays in the language they chose.
"""

from __future__ import annotations

from collections.abc import Iterable
from urllib.parse import quote, urlencode

from hub_site.i18n import Lang
from hub_site.params import SearchParams

__all__ = ["Urls"]

_Pairs = list[tuple[str, str]]


class Urls:
    """URL builder for one request: `Urls(lang="en").listing(id)`."""

    __slots__ = ("base", "lang")

    def __init__(self, lang: Lang = "ko", base: str = "") -> None:
        self.lang: Lang = lang
        self.base = base.rstrip("/")

    def _build(self, path: str, pairs: _Pairs | None = None, *, localized: bool = True) -> str:
        pairs = list(pairs or [])
        if localized and self.lang != "ko":
            pairs.append(("lang", self.lang))
        query = urlencode(pairs)
        return f"{self.base}{path}" + (f"?{query}" if query else "")

    @staticmethod
    def _search_pairs(params: SearchParams, page: int) -> _Pairs:
        # Every parameter (repeated facets, sort, near, open) is kept: params knows them.
        return params.query_pairs(page)

    # --- pages -------------------------------------------------------------------------

    def home(self) -> str:
        return self._build("/")

    def search_path(self) -> str:
        """The bare search path, for a form's `action` (the form sends the fields)."""
        return f"{self.base}/search"

    def search(self, params: SearchParams | None = None, page: int | None = None) -> str:
        """The results page for `params` (defaults: everything), at `page` or params.page."""
        params = params or SearchParams()
        return self._build("/search", self._search_pairs(params, page or params.page))

    def listing(self, listing_id: str) -> str:
        return self._build(f"/listings/{quote(listing_id, safe='')}")

    def static(self, name: str) -> str:
        return f"{self.base}/static/{quote(name)}"

    def map_view(self, params: SearchParams | None = None, page: int | None = None) -> str:
        """The map of the results for `params`, its list at `page` or params.page."""
        params = params or SearchParams()
        return self._build("/map", self._search_pairs(params, page or params.page))

    # --- machine-readable: feeds, OpenSearch, sitemap, OpenAPI -------------------------

    def feed_search(self, params: SearchParams | None = None) -> str:
        """The Atom feed of the newest listings matching `params` (first page's filters)."""
        params = params or SearchParams()
        return self._build("/feeds/search.atom", self._search_pairs(params, 1))

    def opensearch(self) -> str:
        return self._build("/opensearch.xml")

    def sitemap(self, part: int | None = None) -> str:
        """The sitemap, or one numbered part of it when the site needs a sitemap index."""
        if part is None:
            return f"{self.base}/sitemap.xml"
        return f"{self.base}/sitemaps/{part}.xml"

    def openapi(self) -> str:
        return f"{self.base}/openapi.json"

    # --- JSON twins --------------------------------------------------------------------

    def api_home(self) -> str:
        return self._build("/api/v1/home", localized=False)

    def api_search(self, params: SearchParams | None = None, page: int | None = None) -> str:
        params = params or SearchParams()
        return self._build("/api/v1/search", self._search_pairs(params, page or params.page),
                           localized=False)

    def api_listing(self, listing_id: str) -> str:
        return self._build(f"/api/v1/listings/{quote(listing_id, safe='')}", localized=False)

    def api_map(self, params: SearchParams | None = None) -> str:
        """GeoJSON of the located results for `params` (all pages); it keeps the language,
        since its popup labels and links are the page's."""
        return self._build("/api/v1/map", self._search_pairs(params or SearchParams(), 1))

    # --- listing reports, platform directory, district pages -------------------------------

    def listing_report(self, listing_id: str) -> str:
        """Where the "report outdated" form posts (it keeps the language for the reply)."""
        return self._build(f"/listings/{quote(listing_id, safe='')}/report")

    def listing_reported(self, listing_id: str) -> str:
        """The listing page with its thank-you for a report."""
        return self._build(f"/listings/{quote(listing_id, safe='')}", [("reported", "1")])

    def platforms(self) -> str:
        return self._build("/platforms")

    def platform(self, source_id: str, page: int = 1) -> str:
        pairs = [("page", str(page))] if page > 1 else []
        return self._build(f"/platforms/{quote(source_id, safe='')}", pairs)

    def districts(self) -> str:
        return self._build("/districts")

    def district(self, code: str) -> str:
        return self._build(f"/districts/{quote(code, safe='')}")

    def api_platforms(self) -> str:
        return self._build("/api/v1/platforms", localized=False)

    def api_platform(self, source_id: str, page: int = 1) -> str:
        pairs = [("page", str(page))] if page > 1 else []
        return self._build(f"/api/v1/platforms/{quote(source_id, safe='')}", pairs,
                           localized=False)

    def api_districts(self) -> str:
        return self._build("/api/v1/districts", localized=False)

    def api_district(self, code: str) -> str:
        return self._build(f"/api/v1/districts/{quote(code, safe='')}", localized=False)

    def operators(self, path: str = "", pairs: _Pairs | None = None) -> str:
        """An operator page: "" (sign-up, login, my sources), "sources/new", "bulk",
        "sources/7", "sources/7/recrawl", ... (operator_routes)."""
        return self._build("/operators" + (f"/{quote(path)}" if path else ""), pairs)

    def staff(self, path: str = "", pairs: _Pairs | None = None) -> str:
        """A staff page: "" (health, sign-in), "quarantine", "quarantine/7/apply",
        "registrations", "coverage", "coverage.csv", "audit", "login", ... (staff_routes)."""
        return self._build("/staff" + (f"/{quote(path)}" if path else ""), pairs)

    def status(self) -> str:
        """The public platform status page."""
        return self._build("/status")

    # --- other sites --------------------------------------------------------------------

    @staticmethod
    def map(lat: float | None, lon: float | None) -> str | None:
        """An OpenStreetMap link centred on a point (built from numbers only), or None."""
        if lat is None or lon is None:
            return None
        return (f"https://www.openstreetmap.org/?mlat={lat:.6f}&mlon={lon:.6f}"
                f"#map=17/{lat:.6f}/{lon:.6f}")

    # --- language switch ---------------------------------------------------------------

    def switch_lang(self, path: str, query: Iterable[tuple[str, str]], target: Lang) -> str:
        """The current page in `target` language, keeping every other query parameter."""
        pairs = [(k, v) for k, v in query if k != "lang"]
        if target != "ko":
            pairs.append(("lang", target))
        encoded = urlencode(pairs)
        # One leading slash only: "//host/x" would be a link to another site.
        local = "/" + quote(path, safe="/").lstrip("/")
        return local + (f"?{encoded}" if encoded else "")
