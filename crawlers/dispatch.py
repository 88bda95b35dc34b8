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
from crawlers.fetch import FetchLimits, FetchResult, fetch_target
from normalizer.schema import Source, SourceKind

__all__ = ["FETCHERS", "FetchContext", "Fetcher", "fetch_document", "fetch_source"]


@dataclass(frozen=True, slots=True)
class FetchContext:
    """What a fetcher may use: the shared client and limits, the source's validators from
    its last run, and secrets by environment-variable name (never read from os.environ
    here: the application passes them in)."""

    client: httpx.Client
    limits: FetchLimits
    etag: str | None = None
    last_modified: str | None = None
    secrets: Mapping[str, str] = field(default_factory=dict)

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
    """One conditional GET of the source's URL (or a local file)."""
    return fetch_target(source.url, context.client, context.limits, etag=context.etag,
                        last_modified=context.last_modified)


FETCHERS: dict[SourceKind, Fetcher] = {
    "rss": fetch_document,
    "json_feed": fetch_document,
    "csv": fetch_document,
    "xlsx": fetch_document,
    "html": fetch_document,
    "schema_org": fetch_document,
    "gongyunuri": fetch_document,
    "seoul_openapi": fetch_document,
    "json_api": fetch_document,
    "xml_api": fetch_document,
}


def fetch_source(source: Source, context: FetchContext) -> FetchResult:
    """Fetch a source with the fetcher of its kind. Raises FetchError subclasses."""
    return FETCHERS[source.kind](source, context)
