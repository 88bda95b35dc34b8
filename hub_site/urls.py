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
        pairs: _Pairs = []
        if params.q:
            pairs.append(("q", params.q))
        for key, value in (("kind", params.kind), ("category", params.category),
                           ("district", params.district), ("source", params.source)):
            if value:
                pairs.append((key, value))
        if params.free is not None:
            pairs.append(("free", "1" if params.free else "0"))
        if page > 1:
            pairs.append(("page", str(page)))
        return pairs

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

    # --- JSON twins --------------------------------------------------------------------

    def api_home(self) -> str:
        return self._build("/api/v1/home", localized=False)

    def api_search(self, params: SearchParams | None = None, page: int | None = None) -> str:
        params = params or SearchParams()
        return self._build("/api/v1/search", self._search_pairs(params, page or params.page),
                           localized=False)

    def api_listing(self, listing_id: str) -> str:
        return self._build(f"/api/v1/listings/{quote(listing_id, safe='')}", localized=False)

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
