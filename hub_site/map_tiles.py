"""The map's tile server: its URL template, attribution, and the origin the CSP allows.

The tile URL is an operator setting (`SHAREHUB_MAP_TILE_URL`); an empty one turns the map
off and the pages keep their server-rendered lists. Browsers load tiles straight from the
tile server, so the Content-Security-Policy must allow images from that one origin.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from hub_site.security import safe_http_url

__all__ = [
    "DEFAULT_ATTRIBUTION",
    "DEFAULT_ATTRIBUTION_URL",
    "DEFAULT_TILE_URL",
    "MapTiles",
    "map_tiles",
]

DEFAULT_TILE_URL = "https://tile.openstreetmap.org/{z}/{x}/{y}.png"
DEFAULT_ATTRIBUTION = "© OpenStreetMap contributors"
DEFAULT_ATTRIBUTION_URL = "https://www.openstreetmap.org/copyright"

# Leaflet's placeholders; `{s}` (a subdomain) and `{r}` (retina suffix) are optional.
_REQUIRED = ("{z}", "{x}", "{y}")
_NETLOC = re.compile(r"^(\*\.)?[a-z0-9-]+(\.[a-z0-9-]+)*(:[0-9]{1,5})?$")
_SUBDOMAIN = "{s}"


@dataclass(frozen=True, slots=True)
class MapTiles:
    """A validated tile server: build one with `map_tiles(...)`."""

    url: str  # Leaflet URL template: https://tile.example/{z}/{x}/{y}.png
    origin: str  # what img-src allows: https://tile.example or https://*.tile.example
    attribution: str  # plain text; the page escapes it
    attribution_url: str | None  # http(s) only


def _origin(url: str) -> str:
    """`scheme://host[:port]` of a tile template; a leading `{s}.` subdomain becomes `*.`."""
    scheme, _, rest = url.partition("://")
    netloc = rest.split("/", 1)[0].lower()
    if scheme.lower() not in ("http", "https"):
        raise ValueError(f"map tile URL needs an http or https scheme: {url!r}")
    if netloc.startswith(_SUBDOMAIN + "."):
        netloc = "*." + netloc[len(_SUBDOMAIN) + 1:]
    if not _NETLOC.match(netloc):
        raise ValueError(f"map tile URL needs a plain host (no credentials, placeholders "
                         f"only as a leading {{s}}.): {url!r}")
    return f"{scheme.lower()}://{netloc}"


def map_tiles(url: str | None, attribution: str = DEFAULT_ATTRIBUTION,
              attribution_url: str | None = DEFAULT_ATTRIBUTION_URL) -> MapTiles | None:
    """The tile server for `url`, or None (map off) when `url` is empty.

    Raises ValueError when `url` is not an http(s) template with `{z}`, `{x}` and `{y}`,
    or carries characters a CSP source or an HTML attribute could be confused by.
    """
    url = (url or "").strip()
    if not url:
        return None
    if any(c.isspace() or c in "\"'<>;," or ord(c) < 32 for c in url):
        raise ValueError(f"map tile URL has characters a URL template cannot have: {url!r}")
    missing = [p for p in _REQUIRED if p not in url]
    if missing:
        raise ValueError(f"map tile URL lacks {', '.join(missing)}: {url!r}")
    return MapTiles(url=url, origin=_origin(url), attribution=attribution.strip(),
                    attribution_url=safe_http_url(attribution_url))
