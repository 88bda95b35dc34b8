"""Pages with schema.org data: one page, or an index page and the pages it links to.

A source of kind "schema_org" points at a page. With `params.follow_links` (a selector such
as "css:a.place::attr(href)"), the page is an index: each linked page is fetched too, with
the politeness every fetch has (`FetchContext.request`: the shared per-host budget and
robots.txt cache, the SSRF guard, body cap and time limits), at most `max_pages` of them,
and links to other hosts left alone. The normalizer gets one JSON document,
`{"format": "schema_org_pages", "pages": [{"url", "html"}], "errors": [...]}`, each page
decoded to text here as a browser would (HTTP charset, BOM, `<meta charset>`).
"""

from __future__ import annotations

import json
import logging
from typing import TYPE_CHECKING
from urllib.parse import urldefrag, urljoin, urlsplit

import parsel
from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator
from w3lib.encoding import html_to_unicode

from crawlers.errors import FetchError
from crawlers.fetch import FetchResult
from crawlers.html_spider import check_selector, describe_params_error
from normalizer.schema import Source

if TYPE_CHECKING:  # the dispatch table imports this module
    from crawlers.dispatch import FetchContext

__all__ = ["SchemaOrgParams", "fetch_schema_org_pages", "schema_org_params"]

_log = logging.getLogger(__name__)


class SchemaOrgParams(BaseModel):
    """The `params` of a schema_org source. Unknown keys are errors."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    follow_links: str | None = Field(None, description="Selects the links of an index page")
    max_pages: int = Field(200, ge=1, le=2000, description="Most linked pages fetched")
    same_site: bool = Field(True, description="Follow only links to the index's own host")

    @field_validator("follow_links")
    @classmethod
    def _selector(cls, value: str | None) -> str | None:
        return None if value is None else check_selector(value)


def schema_org_params(source: Source) -> SchemaOrgParams:
    """Validate a source's params. Raises FetchError naming each bad key."""
    try:
        return SchemaOrgParams.model_validate(source.params)
    except ValidationError as exc:
        raise FetchError(f"source {source.id}: bad schema_org params: "
                         f"{describe_params_error(exc)}") from exc


def _page(fetched: FetchResult) -> dict[str, str]:
    _encoding, text = html_to_unicode(fetched.content_type or None, fetched.body)
    return {"url": fetched.final_url, "html": text}


def _links(page: dict[str, str], selector: str, same_site: bool) -> list[str]:
    kind, _, expression = selector.partition(":")
    root = parsel.Selector(text=page["html"])
    found = root.css(expression) if kind == "css" else root.xpath(expression)
    host = urlsplit(page["url"]).netloc
    links: list[str] = []
    for match in found:
        target = match.root if isinstance(match.root, str) else match.attrib.get("href")
        if not target or not target.strip():
            continue
        url = urldefrag(urljoin(page["url"], target.strip())).url
        if url.startswith(("http://", "https://")) and url not in links \
                and (not same_site or urlsplit(url).netloc == host):
            links.append(url)
    return links


def fetch_schema_org_pages(source: Source, context: FetchContext) -> FetchResult:
    """Fetch a schema_org source: its page, and with follow_links every linked page.

    Returns a FetchResult whose body is the schema_org_pages JSON document (or the 304
    of a single page). Raises FetchError for bad params or when the first page cannot
    be fetched; a linked page that fails (robots.txt included) is reported in "errors"
    and skipped.
    """
    params = schema_org_params(source)
    if params.follow_links is None:
        single = context.request(source.url, conditional=True)
        if single.not_modified:
            return single
        pages, errors = [_page(single)], list[str]()
    else:
        # No conditional GET: an unchanged index says nothing about the pages it links to.
        pages, errors = _crawl(source.url, params, params.follow_links, context)
    document = {"format": "schema_org_pages", "pages": pages, "errors": errors}
    body = json.dumps(document, ensure_ascii=False).encode("utf-8")
    return FetchResult(body, pages[0]["url"], 200, content_type="application/json")


def _crawl(index_url: str, params: SchemaOrgParams, selector: str,
           context: FetchContext) -> tuple[list[dict[str, str]], list[str]]:
    index = _page(context.request(index_url))
    pages, errors, size = [index], [], len(index["html"])
    links = _links(index, selector, params.same_site)
    if len(links) > params.max_pages:
        errors.append(f"{len(links)} links, only the first {params.max_pages} (max_pages) read")
    for url in links[:params.max_pages]:
        try:
            page = _page(context.request(url))
        except FetchError as exc:
            if exc.retry_after_s is not None:
                # Transient (busy host, 503, robots.txt unavailable): fail the whole run
                # and keep the listings we have, rather than drop this page's for now.
                raise
            _log.info("linked page failed", extra={"url": url, "error": str(exc)})
            errors.append(f"{url}: {exc}")
            continue
        size += len(page["html"])
        if size > context.limits.max_body_bytes:  # the cap holds for the whole document
            errors.append(f"pages over {context.limits.max_body_bytes} characters in all; "
                          f"stopped before {url}")
            break
        pages.append(page)
    return pages, errors
