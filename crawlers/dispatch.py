"""One table from source kind to fetcher: adding a kind is one module plus one entry.

Every fetcher has the same shape, `fetch(source, context) -> FetchResult`. Kinds that are a
single document (feeds, files, pages) share `fetch_document`; API kinds make several
requests (list, detail, pages) and hand the normalizer one combined JSON document.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field

import httpx

from crawlers.errors import FetchError
from crawlers.fetch import FetchLimits, FetchResult, fetch_target, fetch_url
from crawlers.gongyunuri import fetch_gongyunuri
from crawlers.host_budget import HostBudget
from crawlers.html_spider import fetch_html
from crawlers.json_api import fetch_api
from crawlers.robots import RobotsCache
from crawlers.schema_org_pages import fetch_schema_org_pages
from crawlers.seoul_openapi import fetch_seoul_openapi
from normalizer.schema import Source, SourceKind

__all__ = ["FETCHERS", "FetchContext", "Fetcher", "fetch_document", "fetch_source"]


@dataclass(frozen=True, slots=True)
class FetchContext:
    """What a fetcher may use: the shared client and limits, the source's validators from
    its last run, secrets by environment-variable name (never read from os.environ
    here: the application passes them in), and the politeness objects shared by every
    source: the per-host budget and the robots.txt cache (None: not enforced)."""

    client: httpx.Client
    limits: FetchLimits
    etag: str | None = None
    last_modified: str | None = None
    secrets: Mapping[str, str] = field(default_factory=dict)
    budget: HostBudget | None = None
    robots: RobotsCache | None = None

    def request(self, url: str, *, method: str = "GET", json_body: object | None = None,
                headers: Mapping[str, str] | None = None, conditional: bool = False,
                obey_robots: bool = True) -> FetchResult:
        """fetch_url with this context's client, limits, host budget and robots.txt cache
        (`obey_robots=False` for keyed API endpoints, which robots.txt does not govern),
        and, when `conditional`, the source's ETag / Last-Modified. Raises FetchError."""
        return fetch_url(url, self.client, self.limits, method=method, json_body=json_body,
                         headers=headers, etag=self.etag if conditional else None,
                         last_modified=self.last_modified if conditional else None,
                         budget=self.budget, robots=self.robots if obey_robots else None)

    def secret(self, source: Source) -> str:
        """The API key of a source. Raises FetchError naming the variable when unset."""
        if not source.key_env:
            raise FetchError(f"source {source.id} needs key_env: the name of the environment "
                             "variable holding its API key")
        key = self.secrets.get(source.key_env)
        if not key:
            raise FetchError(f"the API key variable {source.key_env} is not set")
        return key


Fetcher = Callable[[Source, FetchContext], FetchResult]


def fetch_document(source: Source, context: FetchContext) -> FetchResult:
    """One conditional GET of the source's URL (or a local file), within the host budget
    and robots.txt."""
    return fetch_target(source.url, context.client, context.limits, etag=context.etag,
                        last_modified=context.last_modified, budget=context.budget,
                        robots=context.robots)


FETCHERS: dict[SourceKind, Fetcher] = {
    "rss": fetch_document,
    "json_feed": fetch_document,
    "listing_jsonl": fetch_document,
    "hsds": fetch_document,
    "csv": fetch_document,
    "xlsx": fetch_document,
    "html": fetch_html,
    "schema_org": fetch_schema_org_pages,
    "gongyunuri": fetch_gongyunuri,
    "seoul_openapi": fetch_seoul_openapi,
    "json_api": fetch_api,
    "xml_api": fetch_api,
}


def fetch_source(source: Source, context: FetchContext) -> FetchResult:
    """Fetch a source with the fetcher of its kind. Raises FetchError subclasses."""
    return FETCHERS[source.kind](source, context)
